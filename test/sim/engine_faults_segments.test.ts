/**
 * The fault-injection trials of engine_faults.test.ts over a table whose vector segments live
 * in segment files behind a tiny buffer cache (storage/buffer_cache.ts): memories of 256 KiB
 * make segments of 16 KiB (256 rows of vector(16)) and `shared_buffers` is 16 blocks (8
 * segments), so checkpoints write segment files often, exact scans evict and read them back,
 * and the backend tears writes, fails fsyncs (EIO), fills the disk (ENOSPC), denies
 * permission and cuts the power, segment files included. After each failure the database is
 * dropped (a crashed process), the machine rebooted and the directory reopened: the rows must
 * equal every acknowledged transaction plus, at most, the one whose commit was in flight; an
 * exact top-10 under the small cache must equal exact search over the model. The table's
 * `halfvec(16)` column `h` holds the row's vector and its `bit(256)` column `b` the vector's
 * bits ({@link bitsOf}), in segments of 512 rows with segment files of their own: every row
 * must hold them intact, and exact top-10s over them equal exact search. Seeds printed.
 * VECGRES_SIM_TRIALS sets the number of trials, VECGRES_SIM_SEED the base seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';
import { bufferCache } from '../../src/storage/buffer_cache.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { failureCycle, faultStats, openWithRetries, settleModel, type FaultRates, type Model } from './fault_trials.js';
import { reloadSetting } from '../support/start_settings.js';

memories.memoryBytesMax = 256 * 1024;
const TRIALS = Number(process.env.VECGRES_SIM_TRIALS ?? 4);
const BASE_SEED = Number(process.env.VECGRES_SIM_SEED ?? 5151);
const CYCLES = 3;
const DIM = 16;
const RATES: FaultRates = { tornWrite: [0.5, 0.002], writeEnospc: [0.4, 0.002], fsyncEio: [0.4, 0.003], eacces: [0.2, 0.005], crashAt: [200, 1500] };

/** The bit(256) value of a vector text of 16 integers in [-10, 10]: each +10 in 16 bits. */
function bitsOf(v: string): string {
  return (JSON.parse(v) as number[]).map((e) => (e + 10).toString(2).padStart(16, '0')).join('');
}

function hamming(a: string, b: string): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

function randVec(p: Prng): number[] {
  return Array.from({ length: DIM }, () => p.int(21) - 10);
}

const open = (fs: FaultyFs, seed: number): Promise<Vecgres> =>
  openWithRetries(fs, seed, 16 * 1024, async (db) => {
    reloadSetting(db, 'shared_buffers', '128kB');
  });

function l2sq(a: string, q: readonly number[]): number {
  const v = JSON.parse(a) as number[];
  let s = 0;
  for (let i = 0; i < DIM; i++) s += (v[i]! - q[i]!) ** 2;
  return s;
}

test(`segment-file fault trials: ${TRIALS} seeds x ${CYCLES} failure/recovery cycles`, { timeout: 600_000 }, async () => {
  const stats = { ...faultStats(), faults: 0, evictions: 0 };
  for (let trial = 0; trial < TRIALS; trial++) {
    const seed = BASE_SEED + trial;
    const p = new Prng(seed);
    const fs = new FaultyFs(new MemoryFs(), { seed });
    let model: Model = new Map();
    let nextId = 1;
    let db = await open(fs, seed);
    await db.exec('CREATE TABLE items (id int PRIMARY KEY, v vector(16), h halfvec(16), b bit(256))');
    const faults0 = bufferCache.stats.faults;
    const evictions0 = bufferCache.stats.evictions;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const where = `seed ${seed} cycle ${cycle}`;
      const live = db;
      const out = await failureCycle({
        db, fs, p, seed, cycle, rates: RATES, transactions: 120, model,
        body: async (tx, next) => {
          const r = p.next();
          const ids = [...next.keys()];
          if (r < 0.6 || ids.length < 10) {
            // A batch: segments fill up and become segment files at the next checkpoint.
            const vals: string[] = [];
            for (let i = 20 + p.int(60); i > 0; i--) {
              const id = nextId++;
              const v = `[${randVec(p).join(',')}]`;
              vals.push(`(${id}, '${v}', '${v}', B'${bitsOf(v)}')`);
              next.set(id, v);
            }
            await tx.query(`INSERT INTO items VALUES ${vals.join(',')}`);
          } else if (r < 0.85) {
            // Updates of rows anywhere: their old versions may be in evicted segments.
            for (let i = 1 + p.int(4); i > 0; i--) {
              const id = ids[p.int(ids.length)]!;
              const v = `[${randVec(p).join(',')}]`;
              await tx.query('UPDATE items SET v = $1, h = $3, b = $4 WHERE id = $2', [v, id, v, bitsOf(v)]);
              next.set(id, v);
            }
          } else {
            const lo = ids[p.int(ids.length)]!;
            const hi = lo + p.int(300);
            await tx.query('DELETE FROM items WHERE id BETWEEN $1 AND $2', [lo, hi]);
            for (const id of ids) if (id >= lo && id <= hi) next.delete(id);
          }
        },
        between: async () => {
          if (p.next() < 0.15) await live.exec('CHECKPOINT');
          if (p.next() < 0.03) await live.exec('VACUUM items');
          if (p.next() < 0.2) await live.query(`SELECT id FROM items ORDER BY v <-> '[${randVec(p).join(',')}]' LIMIT 10`);
          if (p.next() < 0.1) await live.query(`SELECT id FROM items ORDER BY h <-> '[${randVec(p).join(',')}]' LIMIT 10`);
          if (p.next() < 0.1) await live.query(`SELECT id FROM items ORDER BY b <~> B'${bitsOf(`[${randVec(p).join(',')}]`)}' LIMIT 10`);
        },
        reopen: () => open(fs, seed),
      }, stats);
      db = out.db;
      const rows = (await db.query<{ id: number; v: string; h: string; b: string }>('SELECT id, v, h::text AS h, b::text AS b FROM items')).rows;
      for (const r of rows) assert.ok(r.h === r.v && r.b === bitsOf(r.v), `${where}: row ${r.id} holds v ${r.v}, h ${r.h}, b ${r.b}`);
      model = settleModel(new Map(rows.map((r) => [r.id, r.v])), out.model, out.inFlight, where, stats);
      if (model.size > 0) {
        const q = randVec(p);
        const d = (await db.query<{ d: number }>(`SELECT (v <-> '[${q.join(',')}]')::float8 AS d FROM items ORDER BY v <-> '[${q.join(',')}]' LIMIT 10`)).rows.map((r) => Math.round(r.d * r.d));
        const exact = [...model.values()].map((v) => l2sq(v, q)).sort((a, b) => a - b).slice(0, 10);
        assert.deepEqual(d, exact, `${where}: exact top-10 after recovery`);
        const dh = (await db.query<{ d: number }>(`SELECT (h <-> '[${q.join(',')}]')::float8 AS d FROM items ORDER BY h <-> '[${q.join(',')}]' LIMIT 10`)).rows.map((r) => Math.round(r.d * r.d));
        assert.deepEqual(dh, exact, `${where}: exact top-10 over halfvec after recovery`);
        const qb = bitsOf(`[${q.join(',')}]`);
        const db2 = (await db.query<{ d: number }>(`SELECT (b <~> B'${qb}')::float8 AS d FROM items ORDER BY b <~> B'${qb}' LIMIT 10`)).rows.map((r) => r.d);
        const exactB = [...model.values()].map((v) => hamming(bitsOf(v), qb)).sort((a, b) => a - b).slice(0, 10);
        assert.deepEqual(db2, exactB, `${where}: exact top-10 over bit after recovery`);
      }
    }
    stats.faults += bufferCache.stats.faults - faults0;
    stats.evictions += bufferCache.stats.evictions - evictions0;
    db.database.abandon();
  }
  console.log(`# segment-file fault trials: ${JSON.stringify(stats)}`);
  assert.ok(stats.acked > TRIALS * 10, JSON.stringify(stats));
  assert.ok(stats.faults > 0 && stats.evictions > 0, `segments were evicted and read back: ${JSON.stringify(stats)}`);
});
