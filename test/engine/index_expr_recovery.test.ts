/**
 * Expression and partial indexes survive a crash: the log replays their definitions and the
 * rows inserted after them (through the same key function as INSERT), a checkpoint reads their
 * structures back, and after reopening the queries they serve use them and return the rows
 * they returned before the crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';

const QUERIES: [string, string][] = [
  ["SELECT id FROM t ORDER BY subvector(v, 1, 2)::vector(2) <-> '[0.3,0.6]' LIMIT 5", 't_prefix'],
  ["SELECT id FROM t WHERE cat = 'a' ORDER BY v <=> '[0.5,0.1,0.9,0.2]' LIMIT 5", 't_cat_a'],
  ['SELECT id FROM t WHERE n BETWEEN 10 AND 20 ORDER BY v <-> \'[0.1,0.2,0.3,0.4]\' LIMIT 5', 't_n_range'],
  // The graph keeps binary16 and packed bits: saved and rebuilt in those forms.
  ["SELECT id FROM t ORDER BY v::halfvec(4) <=> '[0.2,0.7,0.1,0.5]' LIMIT 5", 't_half'],
  // (Bit distances tie, and inserts replayed after a checkpoint draw other levels: the
  // distances in order are what must be the same.)
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

async function insertRows(db: Vecgres, rng: Prng, from: number, to: number): Promise<void> {
  const vals: string[] = [];
  for (let i = from; i < to; i++) {
    const v = [0, 1, 2, 3].map(() => rng.next().toFixed(4)).join(',');
    vals.push(`(${i}, '[${v}]', '${'abc'[i % 3]}', ${i % 40})`);
  }
  await db.query(`INSERT INTO t VALUES ${vals.join(',')}`);
}

for (const checkpoint of [false, true]) {
  test(`expression and partial indexes after a crash (${checkpoint ? 'read back from a checkpoint' : 'rebuilt from the log'})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vecgres-idxexpr-'));
    try {
      const rng = new Prng(11);
      const db = await Vecgres.create(dir);
      await db.exec('CREATE TABLE t (id integer PRIMARY KEY, v vector(4), cat text, n integer); SET enable_seqscan = off');
      await insertRows(db, rng, 0, 200);
      await db.exec(`CREATE INDEX t_prefix ON t USING hnsw ((subvector(v, 1, 2)::vector(2)) vector_l2_ops);
        CREATE INDEX t_cat_a ON t USING hnsw (v vector_cosine_ops) WHERE cat = 'a';
        CREATE INDEX t_n_range ON t USING hnsw (v vector_l2_ops) WHERE n >= 5 AND n <= 25;
        CREATE INDEX t_half ON t USING hnsw ((v::halfvec(4)) halfvec_cosine_ops);
        CREATE INDEX t_bits ON t USING hnsw ((binary_quantize(v - '[0.5,0.5,0.5,0.5]')::bit(4)) bit_hamming_ops)`);
      if (checkpoint) await db.exec('CHECKPOINT');
      await insertRows(db, rng, 200, 300);
      await db.exec('DELETE FROM t WHERE id % 7 = 0');
      const before = await answers(db);
      db.database.abandon();
      const again = await Vecgres.create(dir);
      try {
        const r = again.database.recovery!;
        assert.equal(r.indexesLoaded + r.indexesRebuilt, 5);
        if (checkpoint) assert.equal(r.indexesLoaded, 5);
        await again.exec('SET enable_seqscan = off');
        assert.deepEqual(await answers(again), before);
        const defs = (await again.query("SELECT indexdef FROM pg_indexes WHERE tablename = 't' ORDER BY indexname")).rows.map((x) => (x as { indexdef: string }).indexdef);
        assert.ok(defs.some((d) => d.includes('((subvector(v, 1, 2))::vector(2)) vector_l2_ops')), defs.join('\n'));
        assert.ok(defs.some((d) => d.endsWith("WHERE (cat = 'a')")), defs.join('\n'));
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
