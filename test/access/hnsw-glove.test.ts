// Recall on real data: a seeded 10,000-word GloVe subset (100-d), cosine, m = 16,
// ef_construction = 64, 100 held-out query words, against exact search (the SQL-level test in
// test/regress/recall.test.ts does the same through CREATE INDEX on 20,000 rows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGlove } from '../../src/cli/glove.js';
import { buildIndex, gucs, scanAll } from './hnsw-helpers.js';
import { cosineDistanceRef } from '../../src/kernels/reference.js';

test('GloVe 10k cosine: recall@10 >= 0.95 at ef_search 100', () => {
  const { dim, base, queries } = loadGlove({ rows: 10000, queries: 100 });
  const rows = base.length / dim;
  const nq = queries.length / dim;
  const index = buildIndex('cosine', base, dim, { seed: 42 });
  try {
    const g = gucs({ 'hnsw.ef_search': 100 });
    const dist = new Float64Array(rows);
    const order = new Int32Array(rows);
    let hits = 0;
    for (let q = 0; q < nq; q++) {
      for (let i = 0; i < rows; i++) {
        dist[i] = cosineDistanceRef(queries, q * dim, base, i * dim, dim);
        order[i] = i;
      }
      order.sort((a, b) => dist[a]! - dist[b]! || a - b);
      const want = new Set(order.subarray(0, 10));
      for (const id of scanAll(index, queries.subarray(q * dim, (q + 1) * dim), g, 10).ids) if (want.has(id)) hits++;
    }
    const recall = hits / (nq * 10);
    assert.ok(recall >= 0.95, `recall@10 ${recall} (GloVe split seed 42, build seed 42)`);
  } finally {
    index.dispose();
  }
});
