/**
 * HNSW indexes over sparsevec and an IVFFlat bit_hamming_ops index survive a crash: the log
 * replays the rows inserted and deleted after them and the VACUUM that gave removed keys back,
 * a checkpoint reads the graph and its side heap of keys (and the packed-bit lists) back, and
 * after reopening the queries use the indexes and return the rows they returned before the
 * crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';

const DIM = 60;

const QUERIES: [string, string][] = [
  ["SELECT id FROM t ORDER BY s <-> '{1:0.5,7:0.25,30:1}/60' LIMIT 5", 't_l2'],
  ["SELECT id FROM t ORDER BY s <=> '{2:0.5,8:0.75,31:0.5,59:1}/60' LIMIT 5", 't_cos'],
  ["SELECT id FROM t WHERE cat = 'a' ORDER BY s <+> '{3:1,9:0.5}/60' LIMIT 5", 't_l1'],
  ["SELECT id FROM t ORDER BY v::sparsevec(4) <#> '{1:1,4:0.5}/4' LIMIT 5", 't_expr'],
  // Bit distances tie: the distances in order are what must be the same.
  ["SELECT binary_quantize(v - '[0.5,0.5,0.5,0.5]')::bit(4) <~> B'1010' AS d FROM t ORDER BY binary_quantize(v - '[0.5,0.5,0.5,0.5]')::bit(4) <~> B'1010' LIMIT 5", 't_bits'],
];

async function answers(db: Vecgres): Promise<string[]> {
  const out: string[] = [];
  for (const [sql, index] of QUERIES) {
    const plan = (await db.query(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((r) => (r as Record<string, string>)['QUERY PLAN']).join('\n');
    assert.ok(plan.includes(`Index Scan using ${index} `), `${sql} uses ${index}:\n${plan}`);
    out.push(JSON.stringify((await db.query(sql)).rows));
  }
  return out;
}

/** Rows with 3-12 non-zeros at random indices (distinct values, so no distance ties). */
async function insertRows(db: Vecgres, rng: Prng, from: number, to: number): Promise<void> {
  const vals: string[] = [];
  for (let i = from; i < to; i++) {
    const idx = new Set<number>();
    const nnz = 3 + Math.floor(rng.next() * 10);
    while (idx.size < nnz) idx.add(1 + Math.floor(rng.next() * DIM));
    const s = [...idx].sort((a, b) => a - b).map((k) => `${k}:${(rng.next() + 0.01).toFixed(4)}`).join(',');
    const v = [0, 1, 2, 3].map(() => rng.next().toFixed(4)).join(',');
    vals.push(`(${i}, '{${s}}/${DIM}', '[${v}]', '${'abc'[i % 3]}')`);
  }
  await db.query(`INSERT INTO t VALUES ${vals.join(',')}`);
}

for (const checkpoint of [false, true]) {
  test(`sparsevec HNSW indexes after a crash (${checkpoint ? 'read back from a checkpoint' : 'rebuilt from the log'})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vecgres-sparse-'));
    try {
      const rng = new Prng(23);
      const db = await Vecgres.create(dir);
      await db.exec(`CREATE TABLE t (id integer PRIMARY KEY, s sparsevec(${DIM}), v vector(4), cat text); SET enable_seqscan = off; SET ivfflat.probes = 3`);
      await insertRows(db, rng, 0, 300);
      await db.exec(`CREATE INDEX t_l2 ON t USING hnsw (s sparsevec_l2_ops);
        CREATE INDEX t_cos ON t USING hnsw (s sparsevec_cosine_ops);
        CREATE INDEX t_l1 ON t USING hnsw (s sparsevec_l1_ops) WHERE cat = 'a';
        CREATE INDEX t_expr ON t USING hnsw ((v::sparsevec(4)) sparsevec_ip_ops);
        CREATE INDEX t_bits ON t USING ivfflat ((binary_quantize(v - '[0.5,0.5,0.5,0.5]')::bit(4)) bit_hamming_ops) WITH (lists = 3)`);
      await db.exec('DELETE FROM t WHERE id % 3 = 0'); // a third: vacuum compacts the keys' heap
      await db.exec('VACUUM t');
      if (checkpoint) await db.exec('CHECKPOINT');
      await insertRows(db, rng, 300, 400);
      await db.exec('DELETE FROM t WHERE id % 7 = 0');
      const before = await answers(db);
      db.database.abandon();
      const again = await Vecgres.create(dir);
      try {
        const r = again.database.recovery!;
        assert.equal(r.indexesLoaded + r.indexesRebuilt, 5);
        if (checkpoint) assert.equal(r.indexesLoaded, 5);
        await again.exec('SET enable_seqscan = off; SET ivfflat.probes = 3');
        assert.deepEqual(await answers(again), before);
        // The same rows an exact scan returns.
        await again.exec('SET enable_indexscan = off; SET enable_seqscan = on');
        for (let i = 0; i < QUERIES.length; i++) assert.equal(JSON.stringify((await again.query(QUERIES[i]![0])).rows), before[i]);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
