/**
 * The fault-injection trials of engine_faults.test.ts over the HNSW index kinds whose
 * checkpoints write deltas since they learned to: an index of several partitions (memories of
 * 1 MiB: 2,500 rows of vector(64) at m = 8 make two, inserts start more) and an index over sparsevec,
 * on one table. The backend tears writes, fails fsyncs (EIO), fills the disk (ENOSPC), denies
 * permission and cuts the power while seeded transactions insert, update and delete rows and
 * CHECKPOINTs and VACUUMs run; after each failure the database is dropped, the machine
 * rebooted and the directory reopened: the rows must equal every acknowledged transaction plus,
 * at most, the one whose commit was in flight; both indexes must hold every live row once with
 * its vector (index_entries.ts), the partitioned index agree with exact search and the
 * sparsevec index return rows of the model.
 * The trials must write index deltas. VECGRES_SIM_TRIALS sets the number of trials,
 * VECGRES_SIM_SEED the base seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import type { HnswIndex } from '../../src/access/hnsw/index.js';
import { checkHnswEntries } from './index_entries.js';
import { agreement, failureCycle, faultStats, openWithRetries, settleModel, type FaultRates, type Model } from './fault_trials.js';

memories.memoryBytesMax = 2 ** 20;
const TRIALS = Number(process.env.VECGRES_SIM_TRIALS ?? 2);
const BASE_SEED = Number(process.env.VECGRES_SIM_SEED ?? 8181);
const CYCLES = 3;
const BASE_ROWS = 2500;

function vec(p: Prng): string {
  return `[${Array.from({ length: 64 }, () => p.int(21) - 10).join(',')}]`;
}

function sparse(p: Prng): string {
  const idx = new Set<number>();
  for (let n = 1 + p.int(8); idx.size < n; ) idx.add(1 + p.int(100));
  return `{${[...idx].sort((a, b) => a - b).map((i) => `${i}:${p.int(19) - 9 || 1}`).join(',')}}/100`;
}

const open = (fs: FaultyFs, seed: number): Promise<Vecgres> => openWithRetries(fs, seed, 64 * 1024);

async function rowsOf(db: Vecgres): Promise<Model> {
  const rows = (await db.query<{ id: number; v: string; s: string }>('SELECT id, v::text AS v, s::text AS s FROM items')).rows;
  return new Map(rows.map((r): [number, string] => [r.id, `${r.v}|${r.s}`]));
}

const RATES: FaultRates = { tornWrite: [0.5, 0.003], writeEnospc: [0.4, 0.003], fsyncEio: [0.4, 0.004], eacces: [0.2, 0.01], crashAt: [40, 400] };

test(`partitioned and sparsevec index fault trials: ${TRIALS} seeds x ${CYCLES} failure/recovery cycles`, { timeout: 1_200_000 }, async () => {
  const stats = { ...faultStats(), indexDeltas: 0, maxPartitions: 0 };
  for (let trial = 0; trial < TRIALS; trial++) {
    const seed = BASE_SEED + trial;
    const p = new Prng(seed);
    const fs = new FaultyFs(new MemoryFs(), { seed });
    let model: Model = new Map();
    let db = await open(fs, seed);
    await db.exec('CREATE TABLE items (id int PRIMARY KEY, v vector(64), s sparsevec(100))');
    for (let i = 0; i < BASE_ROWS; i += 500) {
      const vals: string[] = [];
      for (let id = i + 1; id <= i + 500; id++) {
        const v = vec(p);
        const s = sparse(p);
        vals.push(`(${id}, '${v}', '${s}')`);
        model.set(id, `${v}|${s}`);
      }
      await db.exec(`INSERT INTO items VALUES ${vals.join(',')}`);
    }
    await db.exec('CREATE INDEX items_s ON items USING hnsw (s sparsevec_l2_ops) WITH (m = 16, ef_construction = 64)');
    await db.exec('CREATE INDEX items_v ON items USING hnsw (v vector_l2_ops) WITH (m = 8, ef_construction = 32)');
    await db.exec('CHECKPOINT');
    // Canonical texts as the database prints them (the model compares printed values).
    model = await rowsOf(db);
    assert.ok((db.database.indexes.get('items_v') as HnswIndex).partitions.length >= 2, 'the vector index is partitioned');
    let nextId = BASE_ROWS + 1;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const where = `seed ${seed} cycle ${cycle}`;
      const live = db;
      const out = await failureCycle({
        db, fs, p, seed, cycle, rates: RATES, transactions: 150, model,
        body: async (tx, next) => {
          for (let i = 1 + p.int(6); i > 0; i--) {
            const r = p.next();
            const ids = [...next.keys()];
            if (r < 0.5) {
              const id = nextId++;
              const res = await tx.query<{ v: string; s: string }>('INSERT INTO items VALUES ($1, $2, $3) RETURNING v::text AS v, s::text AS s', [id, vec(p), sparse(p)]);
              next.set(id, `${res.rows[0]!.v}|${res.rows[0]!.s}`);
            } else if (r < 0.85) {
              const id = ids[p.int(ids.length)]!;
              const res = await tx.query<{ v: string; s: string }>('UPDATE items SET v = $1, s = $2 WHERE id = $3 RETURNING v::text AS v, s::text AS s', [vec(p), sparse(p), id]);
              next.set(id, `${res.rows[0]!.v}|${res.rows[0]!.s}`);
            } else {
              const id = ids[p.int(ids.length)]!;
              await tx.query('DELETE FROM items WHERE id = $1', [id]);
              next.delete(id);
            }
          }
        },
        between: async () => {
          if (p.next() < 0.1) {
            await live.exec('CHECKPOINT');
            stats.indexDeltas += live.database.durability!.lastCheckpoint?.indexDeltaFiles ?? 0;
          }
          if (p.next() < 0.03) await live.exec('VACUUM items');
        },
        reopen: () => open(fs, seed),
      }, stats);
      db = out.db;
      model = settleModel(await rowsOf(db), out.model, out.inFlight, where, stats);
      // Both indexes hold every live row with its vector (sparse keys included).
      stats.maxPartitions = Math.max(stats.maxPartitions, checkHnswEntries(db, 'items', 'v', 'items_v', where).partitions);
      checkHnswEntries(db, 'items', 's', 'items_s', where);
      // Queries from their own stream, so the trials' transactions do not depend on how many
      // there are. At m = 4 the graph's own recall@5 on these 64-d vectors is about 0.9 at
      // ef_search 200 (hnswlib-node's too: 0.93), and with two queries (ten rows) some seeds fell
      // under 0.8 with every entry intact. At m = 8 with eight queries the lowest of 180 checks
      // (60 seeds) was 0.95.
      const qp = new Prng(seed * 16 + cycle);
      const v = await agreement(db, 'v', '<->', Array.from({ length: 8 }, () => vec(qp)), 5, where);
      assert.ok(v.good >= v.total * 0.8, `${where}: the vector index agrees with exact search on ${v.good} of ${v.total}`);
      // The sparsevec index's answers are rows of the model (agreement with exact search is not
      // asserted: at this churn and m = 16 its recall varies).
      await db.exec('SET enable_seqscan = off');
      for (const r of (await db.query<{ id: number }>(`SELECT id FROM items ORDER BY s <-> '${sparse(p)}' LIMIT 5`)).rows) assert.ok(model.has(r.id), `${where}: sparsevec index row ${r.id}`);
      await db.exec('RESET ALL');
    }
    db.database.abandon();
  }
  console.log(`# partitioned and sparsevec index fault trials: ${JSON.stringify(stats)}`);
  assert.ok(stats.acked > TRIALS * 10, JSON.stringify(stats));
  assert.ok(stats.indexDeltas > 0, `the trials wrote index deltas: ${JSON.stringify(stats)}`);
});
