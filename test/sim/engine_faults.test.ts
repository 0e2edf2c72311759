/**
 * The engine over the fault-injecting backend: seeded transactions (inserts, embedding
 * updates, deletes, rollbacks) on an HNSW-indexed table while the backend tears writes, fails
 * fsyncs (EIO), fills the disk (ENOSPC), denies permission and cuts the power. After each
 * failure the database is dropped (as a crashed process), the machine rebooted and the
 * directory reopened: the recovered rows must equal every acknowledged transaction plus, at
 * most, the one whose commit was in flight, applied wholly; the index must agree with exact
 * search. Disk errors surface as PostgreSQL errors (53100, 58030, 42501). Seeds are printed.
 * Checkpoints are incremental: a second table (`notes`) changes in few transactions, so its
 * files are kept across checkpoints while `items` gets deltas and new bases, and VACUUM makes
 * the index be saved again with the table unchanged; the index too gets deltas (counted: the
 * trials must write some) and new bases, so torn writes and failed fsyncs hit both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Transaction, Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { agreement, failureCycle, faultStats, openWithRetries, settleModel, type FaultRates, type Model } from './fault_trials.js';

const TRIALS = Number(process.env.VECGRES_SIM_TRIALS ?? 30);
const BASE_SEED = Number(process.env.VECGRES_SIM_SEED ?? 4242);
const CYCLES = 4;

function vec(p: Prng): string {
  return `[${Array.from({ length: 4 }, () => p.int(21) - 10).join(',')}]`;
}

const open = (fs: FaultyFs, seed: number): Promise<Vecgres> => openWithRetries(fs, seed, 2048);

/** items rows by id, and notes rows by -id (one map so a transaction's effect is one copy). */
async function rowsOf(db: Vecgres): Promise<Model> {
  const rows = (await db.query<{ id: number; v: string }>('SELECT id, v FROM items')).rows;
  const notes = (await db.query<{ id: number; t: string }>('SELECT id, t FROM notes')).rows;
  return new Map([...rows.map((r): [number, string] => [r.id, r.v]), ...notes.map((r): [number, string] => [-r.id, r.t])]);
}

const RATES: FaultRates = { tornWrite: [0.5, 0.003], writeEnospc: [0.4, 0.004], fsyncEio: [0.4, 0.004], eacces: [0.2, 0.01], crashAt: [40, 300] };

/** One transaction: 1 to 4 inserts, embedding updates and deletes of items, rarely a note. */
async function body(tx: Transaction, next: Model, p: Prng, newId: () => number): Promise<void> {
  for (let i = 1 + p.int(4); i > 0; i--) {
    const r = p.next();
    const ids = [...next.keys()].filter((k) => k > 0);
    if (r < 0.03) {
      // notes change rarely: most checkpoints keep its files.
      const k = 1 + p.int(5);
      const t = `note ${p.int(1000)}`;
      if (next.has(-k)) await tx.query('UPDATE notes SET t = $1 WHERE id = $2', [t, k]);
      else await tx.query('INSERT INTO notes VALUES ($1, $2)', [k, t]);
      next.set(-k, t);
    } else if (r < 0.5 || ids.length < 4) {
      const id = newId();
      const v = vec(p);
      await tx.query('INSERT INTO items VALUES ($1, $2)', [id, v]);
      next.set(id, v);
    } else if (r < 0.8) {
      const id = ids[p.int(ids.length)]!;
      const v = vec(p);
      await tx.query('UPDATE items SET v = $1 WHERE id = $2', [v, id]);
      next.set(id, v);
    } else {
      const id = ids[p.int(ids.length)]!;
      await tx.query('DELETE FROM items WHERE id = $1', [id]);
      next.delete(id);
    }
  }
}

test(`engine fault trials: ${TRIALS} seeds x ${CYCLES} failure/recovery cycles`, { timeout: 300_000 }, async () => {
  const stats = { ...faultStats(), warnings: 0, indexDeltas: 0 };
  for (let trial = 0; trial < TRIALS; trial++) {
    const seed = BASE_SEED + trial;
    const p = new Prng(seed);
    const fs = new FaultyFs(new MemoryFs(), { seed });
    let model: Model = new Map();
    let nextId = 1;
    let db = await open(fs, seed);
    await db.exec('CREATE TABLE items (id int PRIMARY KEY, v vector(4)); CREATE INDEX items_v_idx ON items USING hnsw (v vector_l2_ops) WITH (m = 4, ef_construction = 16)');
    await db.exec('CREATE TABLE notes (id int PRIMARY KEY, t text)');
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const where = `seed ${seed} cycle ${cycle}`;
      const live = db;
      const out = await failureCycle({
        db, fs, p, seed, cycle, rates: RATES, transactions: 200, model,
        body: (tx, next) => body(tx, next, p, () => nextId++),
        between: async () => {
          if (p.next() < 0.05) {
            await live.exec('CHECKPOINT');
            stats.indexDeltas += live.database.durability!.lastCheckpoint?.indexDeltaFiles ?? 0;
          }
          if (p.next() < 0.02) await live.exec('VACUUM items');
        },
        reopen: () => open(fs, seed),
      }, stats);
      db = out.db;
      stats.warnings += db.notices.length;
      model = settleModel(await rowsOf(db), out.model, out.inFlight, where, stats);
      // The index must agree with exact search.
      const { good, total } = await agreement(db, 'v', '<->', [vec(p), vec(p), vec(p)], 5, where);
      assert.ok(good >= total * 0.8, `${where}: index agrees with exact search on ${good} of ${total} rows`);
    }
    db.database.abandon();
  }
  console.log(`# engine fault trials: ${JSON.stringify(stats)}`);
  assert.ok(stats.acked > TRIALS * 10, JSON.stringify(stats));
  assert.ok(stats.indexDeltas > 0, `the trials wrote index deltas: ${JSON.stringify(stats)}`);
});
