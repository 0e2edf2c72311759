/**
 * Recall at the SQL level: a seeded 20,000-word GloVe subset inserted with multi-row
 * parameterised INSERTs, an HNSW cosine index built with CREATE INDEX, and recall@10 at
 * hnsw.ef_search = 100 measured against the exact scan of the same query text. The test
 * also asserts which plan ran each time (exact scan before the index exists, index after).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { loadGlove } from '../../src/cli/glove.js';

const SEED = 42;
const ROWS = 20000;
const QUERIES = 200;
const K = 10;
const BATCH = 500;

test(`GloVe ${ROWS} rows: HNSW cosine recall@10 >= 0.95 at ef_search=100 (seed ${SEED})`, async () => {
  const split = loadGlove({ rows: ROWS, queries: QUERIES, seed: SEED });
  const dim = split.dim;
  const db = await Vecgres.create({ seed: SEED });
  try {
    await db.exec('CREATE EXTENSION IF NOT EXISTS vector; CREATE TABLE words (id integer PRIMARY KEY, word text NOT NULL, embedding vector(100))');
    const insertSql = (n: number) =>
      'INSERT INTO words (id, word, embedding) VALUES ' + Array.from({ length: n }, (_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`).join(', ');
    for (let start = 0; start < ROWS; start += BATCH) {
      const n = Math.min(BATCH, ROWS - start);
      const params: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const r = start + i;
        params.push(r + 1, split.baseWords[r], split.base.subarray(r * dim, (r + 1) * dim));
      }
      const res = await db.query(insertSql(n), params);
      assert.equal(res.affectedRows, n);
    }
    const count = await db.query<{ count: number }>('SELECT count(*) FROM words');
    assert.equal(count.rows[0]!.count, ROWS);

    const knn = `SELECT id FROM words ORDER BY embedding <=> $1 LIMIT ${K}`;
    const query = (q: number) => split.queries.subarray(q * dim, (q + 1) * dim);
    const truth: number[][] = [];
    for (let q = 0; q < QUERIES; q++) {
      const res = await db.query<{ id: number }>(knn, [query(q)]);
      assert.equal(res.rows.length, K);
      truth.push(res.rows.map((r) => r.id));
    }
    assert.equal(lastScan(db), 'TopK', 'no index yet: exact scan');

    await db.query('CREATE INDEX ON words USING hnsw (embedding vector_cosine_ops)');
    await db.query('SET hnsw.ef_search = 100');
    let hits = 0;
    for (let q = 0; q < QUERIES; q++) {
      const res = await db.query<{ id: number }>(knn, [query(q)]);
      assert.equal(lastScan(db), 'IndexScan', `query ${q} used the index`);
      const want = new Set(truth[q]);
      for (const r of res.rows) if (want.has(r.id)) hits++;
    }
    const recall = hits / (QUERIES * K);
    assert.ok(recall >= 0.95, `recall@10 ${recall} < 0.95 (seed ${SEED})`);

    const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${knn}`, [query(0)]);
    assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /Index Scan using words_embedding_idx on words/);
  } finally {
    await db.close();
  }
});

function lastScan(db: Vecgres): string {
  let p = db.database.session.lastPlan;
  while (p !== null && (p.node === 'Limit' || p.node === 'Sort' || p.node === 'Agg')) p = p.input;
  return p?.node ?? 'none';
}
