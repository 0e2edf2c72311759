// IVFFlat recall on real data: a seeded 20,000-word GloVe subset (100-d), cosine, lists = 100,
// 200 held-out query words, recall@10 measured against exact search at several probes values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGlove } from '../../src/cli/glove.js';
import { ivfflatAm } from '../../src/access/ivfflat/index.js';
import { cosineDistanceRef } from '../../src/kernels/reference.js';
import type { GucReader } from '../../src/common/guc.js';
import { scanAll } from './hnsw-helpers.js';

const gucs = (probes: number): GucReader => ({
  get: (n: string) => ({ 'ivfflat.probes': probes, 'ivfflat.iterative_scan': 'off', 'ivfflat.max_probes': 32768 })[n]!,
});

test('GloVe 20k cosine, lists = 100: recall@10 by probes (>= 0.35 at 1, >= 0.93 at 16, >= 0.995 at 100)', () => {
  const { dim, base, queries } = loadGlove({ rows: 20000, queries: 200 });
  const rows = base.length / dim;
  const nq = queries.length / dim;
  const opclass = ivfflatAm.opclasses.find((o) => o.metric === 'cosine')!;
  const index = ivfflatAm.build({
    dim, opclass, options: ivfflatAm.parseOptions(new Map([['lists', '100']]), dim), rowCount: rows, seed: 42,
    forEachRow(fn) {
      for (let i = 0; i < rows; i++) fn(i, base.subarray(i * dim, (i + 1) * dim));
    },
  });
  try {
    const truth: Set<number>[] = [];
    const dist = new Float64Array(rows);
    const order = new Int32Array(rows);
    for (let q = 0; q < nq; q++) {
      for (let i = 0; i < rows; i++) {
        dist[i] = cosineDistanceRef(queries, q * dim, base, i * dim, dim);
        order[i] = i;
      }
      order.sort((a, b) => dist[a]! - dist[b]! || a - b);
      truth.push(new Set(order.subarray(0, 10)));
    }
    const recall = (probes: number): number => {
      let hits = 0;
      for (let q = 0; q < nq; q++) {
        for (const id of scanAll(index, queries.subarray(q * dim, (q + 1) * dim), gucs(probes), 10).ids) if (truth[q]!.has(id)) hits++;
      }
      return hits / (nq * 10);
    };
    const r1 = recall(1);
    const r16 = recall(16);
    const rAll = recall(100);
    assert.ok(r1 >= 0.35, `recall@10 at probes 1: ${r1} (GloVe split seed 42, build seed 42)`);
    assert.ok(r16 >= 0.93, `recall@10 at probes 16: ${r16}`);
    // Not 1: float32 sums over normalized vectors may swap near-ties at the 10th place.
    assert.ok(rAll >= 0.995, `recall@10 at probes = lists: ${rAll}`);
  } finally {
    index.dispose();
  }
});
