/**
 * What the fault-injection trials (engine_faults*.test.ts) share: the model of acknowledged
 * rows and its comparison, a failure cycle (a seeded fault plan, transactions until a fault
 * stops them, a power cut, a reopen) and the check of the recovered rows against the model.
 * A trial supplies what differs: its rates, its transactions and what runs between them.
 */
import assert from 'node:assert/strict';
import { Vecgres, type Transaction } from '../../src/index.js';
import { PgError } from '../../src/common/errors.js';
import type { Prng } from '../../src/common/prng.js';
import { SimulatedCrash, type FaultyFs } from '../../src/storage/fs_faulty.js';

/** Acknowledged rows: key -> value text. */
export type Model = Map<number, string>;

/** Whether two models hold the same keys and values. */
export function sameModel(a: Model, b: Model): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** What the crash of every trial leaves: torn log tails, scribbled unsynced bytes. */
const CRASH = { tornTail: 0.7, scribble: 0.3 } as const;

/**
 * Opens database 'db' on `fs`, rebooting after a simulated crash and retrying a failed recovery
 * (injection stops after 4 attempts so recovery can finish); `setup` runs on the opened database.
 * @throws Error naming the seed when recovery fails 21 times or with a non-PostgreSQL error.
 */
export async function openWithRetries(fs: FaultyFs, seed: number, walSegmentBytes: number, setup?: (db: Vecgres) => Promise<void>): Promise<Vecgres> {
  for (let attempt = 0; ; attempt++) {
    try {
      const db = await Vecgres.create('db', { storage: fs, walSegmentBytes });
      if (setup !== undefined) await setup(db);
      return db;
    } catch (e) {
      if (e instanceof SimulatedCrash) fs.reboot();
      else if (!(e instanceof PgError) || attempt > 20) throw new Error(`seed ${seed}: recovery failed: ${String(e)}`);
      if (attempt > 3) fs.setPlan({ seed }); // stop injecting so recovery can finish
    }
  }
}

/**
 * A trial's fault rates: each fault kind is on for a cycle with the probability given (drawn
 * from the trial's PRNG in this order) and then strikes each operation at its rate; the crash
 * comes at mutating operation `crashAt[0] + int(crashAt[1])`.
 */
export interface FaultRates {
  tornWrite: [chance: number, rate: number];
  writeEnospc: [chance: number, rate: number];
  fsyncEio: [chance: number, rate: number];
  eacces: [chance: number, rate: number];
  crashAt: [first: number, span: number];
}

/** Counters every fault trial prints. */
export interface FaultStats {
  acked: number;
  failures: number;
  inFlightKept: number;
  codes: Record<string, number>;
}

/** A fresh {@link FaultStats}. */
export function faultStats(): FaultStats {
  return { acked: 0, failures: 0, inFlightKept: 0, codes: {} };
}

/** One failure cycle: see {@link failureCycle}. */
export interface FailureCycle {
  db: Vecgres;
  fs: FaultyFs;
  p: Prng;
  seed: number;
  cycle: number;
  rates: FaultRates;
  /** Transactions at most (a fault usually stops them first). */
  transactions: number;
  /** The acknowledged rows before the cycle. */
  model: Model;
  /** One transaction's statements; applies its effect to `next` (a copy of the model). */
  body: (tx: Transaction, next: Model) => Promise<void>;
  /** Runs after each transaction (CHECKPOINT, VACUUM, scans); a fault here ends the cycle too. */
  between?: () => Promise<void>;
  /** Reopens the database on `fs` after the crash (openWithRetries with the trial's options). */
  reopen: () => Promise<Vecgres>;
}

/**
 * Runs one cycle: sets a fault plan drawn from `rates`, runs up to `transactions` transactions
 * (one in ten rolled back) until a fault stops one (a PostgreSQL error, counted by SQLSTATE,
 * or a simulated crash), then drops the database as a crashed process, cuts the power, reboots
 * and reopens it. Returns the reopened database, the acknowledged rows, and the rows had the
 * commit in flight at the failure reached the disk (null when none was in flight).
 * @throws whatever a transaction threw that is neither a PgError nor a SimulatedCrash.
 */
export async function failureCycle(c: FailureCycle, stats: FaultStats): Promise<{ db: Vecgres; model: Model; inFlight: Model | null }> {
  const { p, rates } = c;
  c.fs.setPlan({
    seed: c.seed * 31 + c.cycle,
    tornWrite: p.next() < rates.tornWrite[0] ? rates.tornWrite[1] : 0,
    writeEnospc: p.next() < rates.writeEnospc[0] ? rates.writeEnospc[1] : 0,
    fsyncEio: p.next() < rates.fsyncEio[0] ? rates.fsyncEio[1] : 0,
    eacces: p.next() < rates.eacces[0] ? rates.eacces[1] : 0,
    crashAtOp: rates.crashAt[0] + p.int(rates.crashAt[1]),
    crash: CRASH,
  });
  let model = c.model;
  let inFlight: Model | null = null;
  for (let t = 0; t < c.transactions; t++) {
    const next = new Map(model);
    const rollback = p.next() < 0.1;
    try {
      await c.db.transaction(async (tx) => {
        await c.body(tx, next);
        if (rollback) await tx.rollback();
        else inFlight = next;
      });
      if (!rollback) {
        model = next;
        inFlight = null;
        stats.acked++;
      }
      await c.between?.();
    } catch (e) {
      if (e instanceof PgError) stats.codes[e.code] = (stats.codes[e.code] ?? 0) + 1;
      else if (!(e instanceof SimulatedCrash)) throw e;
      break;
    }
  }
  // The process dies (after a crash, or a PANIC-style restart after an I/O error).
  stats.failures++;
  c.db.database.abandon();
  c.fs.powerCut();
  c.fs.setPlan({ seed: c.seed, crash: CRASH });
  return { db: await c.reopen(), model, inFlight };
}

/**
 * Checks recovered rows `got` against the acknowledged `model` and the in-flight commit's
 * rows: equal to one of them (the in-flight commit wholly or not at all).
 * @returns the model from now on (the in-flight rows when they survived).
 */
export function settleModel(got: Model, model: Model, inFlight: Model | null, where: string, stats: FaultStats): Model {
  if (sameModel(got, model)) return model;
  assert.ok(inFlight !== null && sameModel(got, inFlight), `${where}: recovered ${got.size} rows, expected the ${model.size} acknowledged ones`);
  stats.inFlightKept++;
  return inFlight;
}

/**
 * Of `k` answers per query through an index (`ORDER BY col op $1 LIMIT k` on `items`, planned
 * as an index scan, hnsw.ef_search 200), how many are within exact search's k-th distance
 * (distances compared: integer vectors tie often). Queries with no rows count nothing.
 */
export async function agreement(db: Vecgres, col: string, op: string, lits: readonly string[], k: number, where: string): Promise<{ good: number; total: number }> {
  let good = 0;
  let total = 0;
  for (const q of lits) {
    const sql = `SELECT (${col} ${op} $1)::float8 AS d FROM items ORDER BY ${col} ${op} $1 LIMIT ${k}`;
    await db.exec('SET enable_seqscan = off; SET enable_indexscan = on; SET hnsw.ef_search = 200');
    const viaIndex = (await db.query<{ d: number }>(sql, [q])).rows.map((r) => r.d);
    const plan = db.database.session.lastPlan;
    assert.equal(plan?.node === 'Limit' && plan.input.node, 'IndexScan', `${where}: ${sql} is an index scan`);
    await db.exec('SET enable_seqscan = on; SET enable_indexscan = off');
    const exact = (await db.query<{ d: number }>(sql, [q])).rows.map((r) => r.d);
    await db.exec('RESET ALL');
    if (exact.length === 0) continue;
    total += exact.length;
    for (const d of viaIndex) if (d <= exact[exact.length - 1]! + 1e-6) good++;
  }
  return { good, total };
}
