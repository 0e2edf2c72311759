/**
 * Seeded fault-injection trials over the toy database: concurrent sessions commit through group
 * commit, checkpoints run in between, and the fault-injecting backend tears writes, fails fsyncs
 * (EIO), fills the disk (ENOSPC), denies permission and cuts the power at a random operation.
 * After every crash the recovered state must equal the result of applying a prefix of the
 * committed transactions (in log order) that includes every acknowledged one: nothing
 * acknowledged is lost and nothing is half applied. Every failure message carries the seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs, SimulatedCrash, type FaultPlan } from '../../src/storage/fs_faulty.js';
import { PgError } from '../../src/common/errors.js';
import { Prng } from '../../src/common/prng.js';
import { applyOps, ToyDb, type Op } from './toy_db.js';

const TRIALS = Number(process.env.VECGRES_SIM_TRIALS ?? 40);
const BASE_SEED = Number(process.env.VECGRES_SIM_SEED ?? 7001);
const CYCLES = 4;

interface Txn { ops: Op[]; acked: boolean }

function faultPlan(p: Prng, seed: number): FaultPlan {
  return {
    seed,
    tornWrite: p.next() < 0.5 ? 0.004 : 0,
    writeEnospc: p.next() < 0.3 ? 0.004 : 0,
    fsyncEio: p.next() < 0.3 ? 0.004 : 0,
    eacces: p.next() < 0.2 ? 0.01 : 0,
    crashAtOp: 30 + p.int(400),
    crash: { tornTail: 0.7, scribble: 0.3 },
  };
}

function sameState(a: Map<string, number>, b: Map<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function randomOps(p: Prng): Op[] {
  const n = 1 + p.int(4);
  const ops: Op[] = [];
  for (let i = 0; i < n; i++) ops.push([`k${p.int(24)}`, p.next() < 0.15 ? null : p.int(1_000_000)]);
  return ops;
}

/** Opens the database, treating injected I/O errors during recovery as another restart. */
function openWithRetries(fs: FaultyFs, seed: number): ToyDb {
  for (let attempt = 0; ; attempt++) {
    try {
      return ToyDb.open(fs, 'db');
    } catch (e) {
      if (e instanceof SimulatedCrash) {
        fs.reboot();
      } else if (!(e instanceof PgError) || attempt > 20) {
        throw new Error(`seed ${seed}: recovery failed: ${String(e)}`);
      }
      if (attempt > 5) fs.setPlan({ seed }); // stop injecting so recovery can finish
    }
  }
}

interface Stats { crashes: number; restarts: number; acked: number; lost: number; warnings: number; checkpoints: number }

async function runCycle(db: ToyDb, fs: FaultyFs, p: Prng, txns: Txn[], stats: Stats): Promise<void> {
  let broken = false;
  const session = async () => {
    for (let j = 0; j < 40 && !broken; j++) {
      const ops = randomOps(p);
      const abort = p.next() < 0.1;
      let end: number | null;
      try {
        end = db.write(ops, abort);
      } catch {
        broken = true;
        return;
      }
      if (end === null) continue;
      const t: Txn = { ops, acked: false };
      txns.push(t);
      try {
        await db.wal.flushAsync(end);
        t.acked = true;
        stats.acked++;
      } catch {
        broken = true;
        return;
      }
      if (p.next() < 0.04) {
        try {
          db.checkpoint();
          stats.checkpoints++;
        } catch {
          broken = true;
          return;
        }
      }
    }
  };
  await Promise.allSettled([session(), session(), session()]);
}

test(`crash trials: ${TRIALS} seeded runs, ${CYCLES} crash/restart cycles each`, async () => {
  const stats: Stats = { crashes: 0, restarts: 0, acked: 0, lost: 0, warnings: 0, checkpoints: 0 };
  const injected: Record<string, number> = {};
  for (let trial = 0; trial < TRIALS; trial++) {
    const seed = BASE_SEED + trial;
    const p = new Prng(seed);
    const mem = new MemoryFs();
    const fs = new FaultyFs(mem, { seed });
    let state = new Map<string, number>();
    let db = openWithRetries(fs, seed);
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const where = `seed ${seed} cycle ${cycle}`;
      const base = new Map(state);
      const txns: Txn[] = [];
      fs.setPlan(faultPlan(p, seed * 31 + cycle));
      await runCycle(db, fs, p, txns, stats);
      // The process dies: by power loss (dropping unsynced data) or, after an I/O error, a
      // PANIC-style restart that keeps the OS's view of the files.
      if (fs.crashed || p.next() < 0.7) {
        fs.powerCut();
        stats.crashes++;
      } else {
        stats.restarts++;
      }
      fs.setPlan({ seed, tornWrite: 0, crash: { tornTail: 0.7, scribble: 0.3 } });
      db = openWithRetries(fs, seed);
      if (db.stop !== null) stats.warnings++;
      // The recovered state must be base + a prefix of the committed transactions, and the
      // prefix must reach the last acknowledged one.
      let lastAcked = -1;
      txns.forEach((t, i) => { if (t.acked) lastAcked = i; });
      const prefix = new Map(base);
      let matched = -1;
      for (let k = 0; k <= txns.length; k++) {
        if (k > 0) applyOps(prefix, txns[k - 1]!.ops);
        if (k > lastAcked && sameState(prefix, db.map)) matched = k;
      }
      assert.ok(
        matched >= 0,
        `${where}: recovered state is not base + a prefix of the ${txns.length} committed transactions ` +
          `covering the ${lastAcked + 1} up to the last acknowledged one`,
      );
      stats.lost += txns.length - matched;
      state = new Map(db.map);
    }
    for (const [k, v] of Object.entries(fs.injected)) injected[k] = (injected[k] ?? 0) + v;
  }
  console.log(`crash trials: ${JSON.stringify(stats)} injected ${JSON.stringify(injected)}`);
  // The schedule must actually exercise the failure paths it claims to test.
  assert.ok(stats.crashes >= TRIALS, `crashes ${stats.crashes}`);
  assert.ok(stats.checkpoints > 0 && stats.warnings > 0 && stats.lost > 0, JSON.stringify(stats));
  for (const kind of ['crash', 'tornWrite', 'ENOSPC', 'EIO']) assert.ok((injected[kind] ?? 0) > 0, `no ${kind} injected`);
});
