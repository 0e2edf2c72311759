// The build's neighbour-distance cache (assembly/hnsw.ts shrinkCached, graph.ts
// allocBuildCache) must give exactly the graph the plain path gives: every list of every node,
// in order, on data with ties (duplicate rows, coarse values), for each dense metric and both
// element types; and it must actually save distance computations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import type { VectorKey } from '../../src/access/am.js';
import { hnswAm } from '../../src/access/hnsw/index.js';
import { insertVector } from '../../src/access/hnsw/insert.js';
import { HnswState } from '../../src/access/hnsw/state.js';
import { PRUNE_NO_FILL_SHRUNK } from '../../src/access/hnsw/layout.js';
import { floatToHalf } from '../../src/kernels/half.js';

const SEED = Number(process.env['VECGRES_TEST_SEED'] ?? 20261202);
const ROWS = 1500;
const DIM = 20;

/** Rows with ties: values on a coarse grid, and every 7th row a copy of an earlier one. */
function tiedRows(seed: number): Float32Array {
  const p = new Prng(seed);
  const a = new Float32Array(ROWS * DIM);
  for (let r = 0; r < ROWS; r++) {
    if (r > 10 && r % 7 === 0) {
      const src = p.int(r);
      a.copyWithin(r * DIM, src * DIM, (src + 1) * DIM);
      continue;
    }
    for (let i = 0; i < DIM; i++) a[r * DIM + i] = Math.round((p.next() * 2 - 1) * 4) / 4;
  }
  return a;
}

/** Builds the rows serially, with or without the cache; returns the state and its distance count. */
function build(kind: 'vector' | 'halfvec', metric: 'l2' | 'cosine' | 'ip' | 'l1', rows: Float32Array, cache: boolean, rule = 0): { st: HnswState; distances: number } {
  const opclass = hnswAm.opclasses.find((o) => o.kind === kind && o.metric === metric)!;
  const options = hnswAm.parseOptions(new Map([['m', '6'], ['ef_construction', '24']]), DIM);
  const st = new HnswState(DIM, opclass, options as never, SEED, ROWS);
  st.graph.setPruneRule(rule);
  if (cache) assert.equal(st.graph.allocBuildCache(ROWS), true);
  const sc = st.pool.acquire(ROWS);
  try {
    for (let r = 0; r < ROWS; r++) {
      const v = rows.subarray(r * DIM, (r + 1) * DIM);
      const key: VectorKey = kind === 'vector' ? v : Uint16Array.from(v, floatToHalf);
      insertVector(st, sc, r, key);
    }
    return { st, distances: sc.distanceCount };
  } finally {
    st.graph.freeBuildCache();
    st.pool.release(sc);
  }
}

function assertSameGraph(a: HnswState, b: HnswState, what: string): void {
  assert.equal(a.graph.count, b.graph.count, what);
  assert.equal(a.graph.entry, b.graph.entry, what);
  for (let n = 0; n < a.graph.count; n++) {
    const level = a.graph.level(n);
    assert.equal(level, b.graph.level(n), `${what}: level of node ${n}`);
    for (let l = 0; l <= level; l++) {
      assert.deepEqual(Array.from(a.graph.neighbours(n, l)), Array.from(b.graph.neighbours(n, l)), `${what}: node ${n} layer ${l} (seed ${SEED})`);
    }
  }
}

const cases = [
  ['vector', 'l2'],
  ['vector', 'cosine'],
  ['vector', 'ip'],
  ['vector', 'l1'],
  ['halfvec', 'cosine'],
  ['halfvec', 'l2'],
] as const;

for (const [kind, metric] of cases) {
  test(`${kind} ${metric}: a build with the neighbour-distance cache gives the plain build's graph, with fewer distances (seed ${SEED})`, () => {
    const rows = tiedRows(SEED);
    const cached = build(kind, metric, rows, true);
    const plain = build(kind, metric, rows, false);
    try {
      assertSameGraph(cached.st, plain.st, `${kind} ${metric}`);
      if (cached.st.graph.kernel.name === 'wasm-simd') {
        // The TypeScript kernel has no cache (it recomputes, with the same lists).
        assert.ok(cached.distances < 0.8 * plain.distances, `distances ${cached.distances} with the cache, ${plain.distances} without`);
      }
    } finally {
      cached.st.dispose();
      plain.st.dispose();
    }
  });
}

test(`the cache follows a rule that does not fill shrunk lists too (seed ${SEED})`, () => {
  const rows = tiedRows(SEED + 1);
  const cached = build('vector', 'l2', rows, true, PRUNE_NO_FILL_SHRUNK);
  const plain = build('vector', 'l2', rows, false, PRUNE_NO_FILL_SHRUNK);
  try {
    assertSameGraph(cached.st, plain.st, 'no fill on shrink');
  } finally {
    cached.st.dispose();
    plain.st.dispose();
  }
});
