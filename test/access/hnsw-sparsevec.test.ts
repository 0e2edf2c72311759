/**
 * HNSW over sparsevec (pgvector's sparsevec_l2_ops, _ip_ops, _cosine_ops, _l1_ops): keys live in
 * the graph's side heap as indices and values, distances merge the two index lists. Recall@10
 * against exact search with the type's own SQL distance functions (tie-aware), the scan's
 * distances are the SQL operator's, the WebAssembly kernel agrees with its TypeScript twin
 * exactly, VACUUM gives the removed keys' heap space back, and save + load answers the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { SPARSEVEC_MAX_NNZ } from '../../src/common/limits.js';
import { memories } from '../../src/kernels/memories.js';
import { hnswAm } from '../../src/access/hnsw/index.js';
import type { HnswIndex } from '../../src/access/hnsw/index.js';
import { hnswKernelOf, referenceKernelOf } from '../../src/access/hnsw/kernel.js';
import type { OpClass, VectorIndex } from '../../src/access/am.js';
import { MemorySink, MemorySource } from '../../src/storage/stream.js';
import {
  SparseVector, sparsevecCosineDistance, sparsevecL1Distance, sparsevecL2Distance, sparsevecNegativeInnerProduct,
} from '../../src/types/sparsevec.js';
import { gucs } from './hnsw-helpers.js';

/** The process's only memory in this test (indexes and their scratch live there). */
const arena = memories.memories[0]!;
const hnswKernel = hnswKernelOf(arena);
const referenceKernel = referenceKernelOf(arena);

const SEED = Number(process.env['VECGRES_SEED'] ?? 20261201);
const ROWS = 2000;
const QUERIES = 40;
const K = 10;
const DIM = 30000;

function opclass(name: string): OpClass {
  const o = hnswAm.opclasses.find((x) => x.name === name);
  assert.ok(o, name);
  return o;
}

/**
 * `n` sparse vectors of DIM dimensions shaped like bag-of-words embeddings (SPLADE and the
 * like): each draws 20-60 terms, most from one of 40 topics' 300-term vocabularies, a few from
 * anywhere, with positive weights (and some negative ones, so every metric has signs to
 * handle). Neighbourhoods exist (a topic's vectors share terms); duplicates are merged.
 */
function sparseVectors(n: number, seed: number): SparseVector[] {
  const p = new Prng(seed);
  const topics = Array.from({ length: 40 }, () => Int32Array.from({ length: 300 }, () => Math.floor(p.next() * DIM)));
  return Array.from({ length: n }, () => {
    const topic = topics[Math.floor(p.next() * topics.length)]!;
    const terms = new Map<number, number>();
    const nnz = 20 + Math.floor(p.next() * 41);
    for (let i = 0; i < nnz; i++) {
      const idx = p.next() < 0.85 ? topic[Math.floor(p.next() * topic.length)]! : Math.floor(p.next() * DIM);
      const w = Math.fround((p.next() < 0.1 ? -1 : 1) * (0.05 + p.next() * 2));
      terms.set(idx, w);
    }
    const idx = Int32Array.from([...terms.keys()].sort((a, b) => a - b));
    return new SparseVector(DIM, idx, Float32Array.from(idx, (i) => terms.get(i)!));
  });
}

function build(oc: OpClass, keys: readonly SparseVector[], dim = DIM): HnswIndex {
  return hnswAm.build({
    dim,
    opclass: oc,
    options: hnswAm.parseOptions(new Map(), dim),
    rowCount: keys.length,
    seed: SEED,
    forEachRow(fn) {
      keys.forEach((k, i) => fn(i, k));
    },
  }) as HnswIndex;
}

function scan(index: VectorIndex, q: SparseVector, k = K, ef = 40): { ids: number[]; dists: number[] } {
  const s = index.beginScan(q, { gucs: gucs({ 'hnsw.ef_search': ef }), limit: k, isLive: () => true });
  const ids = new Int32Array(k);
  const dists = new Float64Array(k);
  const n = s.next(ids, dists);
  s.close();
  return { ids: Array.from(ids.subarray(0, n)), dists: Array.from(dists.subarray(0, n)) };
}

/** Recall@K with ties: returned rows whose exact distance is at most the K-th exact distance. */
function recall(index: VectorIndex, base: readonly SparseVector[], queries: readonly SparseVector[], fn: (a: SparseVector, b: SparseVector) => number, live: (r: number) => boolean = () => true, ef = 40): { recall: number; maxDistErr: number } {
  let hit = 0;
  let maxDistErr = 0;
  for (const q of queries) {
    const all: number[] = [];
    for (let r = 0; r < base.length; r++) if (live(r)) all.push(fn(q, base[r]!));
    all.sort((a, b) => a - b);
    const kth = all[K - 1]!;
    const { ids, dists } = scan(index, q, K, ef);
    assert.equal(ids.length, K);
    for (let i = 0; i < ids.length; i++) {
      assert.ok(live(ids[i]!), `dead row ${ids[i]} returned`);
      const d = fn(q, base[ids[i]!]!);
      if (d <= kth + 1e-6) hit++;
      maxDistErr = Math.max(maxDistErr, Math.abs(d - dists[i]!) / Math.max(1, Math.abs(d)));
    }
  }
  return { recall: hit / (queries.length * K), maxDistErr };
}

const base = sparseVectors(ROWS, SEED);
const queries = sparseVectors(QUERIES, SEED + 1);
const exact: Record<string, (a: SparseVector, b: SparseVector) => number> = {
  sparsevec_l2_ops: sparsevecL2Distance,
  sparsevec_ip_ops: sparsevecNegativeInnerProduct,
  sparsevec_cosine_ops: sparsevecCosineDistance,
  sparsevec_l1_ops: sparsevecL1Distance,
};

/**
 * ef_search for recall@10 >= 0.95 on this data: 40 for l2 and l1; 160 for ip and cosine (0.79
 * and 0.78 at 40, 0.95 at 80), whose distance is the same (0, or 1 for cosine) between any two
 * vectors of different topics, so the greedy descent has no gradient across topics until it
 * reaches one that shares terms with the query (the bench measures pgvector on the same data).
 */
function efFor(name: string): number {
  return name === 'sparsevec_ip_ops' || name === 'sparsevec_cosine_ops' ? 160 : 40;
}

for (const [name, fn] of Object.entries(exact)) {
  test(`${name}: recall@10 >= 0.95 at ef_search ${efFor(name)} against exact search, distances as the SQL operator's (seed ${SEED})`, () => {
    const index = build(opclass(name), base);
    try {
      const r = recall(index, base, queries, fn, () => true, efFor(name));
      assert.ok(r.recall >= 0.95, `recall@10 ${r.recall}`);
      // The same float32 sums in the same order as pgvector's; cosine compares the normalized
      // keys' inner product with the operator's own formula, within float32 rounding.
      assert.ok(r.maxDistErr < (name === 'sparsevec_cosine_ops' ? 1e-5 : 1e-6), `distance error ${r.maxDistErr}`);
      // Records hold a 16-byte descriptor, whatever the dimension count; keys are 8 bytes a non-zero.
      assert.equal(index.state.graph.hdrBytes, 16);
      const nnz = base.reduce((s, v) => s + v.nnz, 0);
      const heap = index.state.graph.sparse!;
      assert.ok(heap.usedBytes >= nnz * 8 && heap.usedBytes <= nnz * 8 + ROWS * 15, `heap bytes ${heap.usedBytes}`);
    } finally {
      index.dispose();
    }
  });
}

test(`WebAssembly kernel (${hnswKernel.name}) and TypeScript twin agree exactly on the sparse metrics`, () => {
  for (const name of Object.keys(exact)) {
    const index = build(opclass(name), base.slice(0, 500));
    const st = index.state;
    assert.equal(st.graph.arena, arena, 'the graph lies in the test memory');
    const sc = st.pool.acquire(st.graph.count);
    try {
      for (let q = 0; q < 20; q++) {
        st.writeQuery(st.queryFormat(st.prepare(queries[q]!)!), sc.q);
        const results: number[][] = [];
        for (const k of [hnswKernel, referenceKernel]) {
          const n = k.search(st.graph.g, sc.s, sc.q, 40, 0);
          const w = sc.outWord();
          results.push(Array.from({ length: n }, (_, j) => arena.i32()[w + 2 * j + 1]!));
        }
        // The same float32 arithmetic in the same order: the same distances, so the same search.
        assert.deepEqual(results[0], results[1], `${name} query ${q}`);
        for (const node of [0, 7, 123, 499]) {
          assert.equal(hnswKernel.distanceTo(st.graph.g, sc.q, node), referenceKernel.distanceTo(st.graph.g, sc.q, node), name);
          assert.equal(hnswKernel.nodeDistance(st.graph.g, node, 3), referenceKernel.nodeDistance(st.graph.g, node, 3), name);
        }
      }
    } finally {
      st.pool.release(sc);
      index.dispose();
    }
  }
});

test('sparse keys of 16,000 non-zeros (pgvector refuses more than 1,000) and 1e9 dimensions index and search', () => {
  const big = 1_000_000_000;
  const p = new Prng(SEED + 5);
  const keys = Array.from({ length: 30 }, (_, r) => {
    const nnz = r === 0 ? SPARSEVEC_MAX_NNZ : 1 + Math.floor(p.next() * 2000);
    const idx = new Int32Array(nnz);
    let at = Math.floor(p.next() * 1000);
    for (let i = 0; i < nnz; i++) {
      idx[i] = at;
      at += 1 + Math.floor(p.next() * 1000);
    }
    idx[nnz - 1] = big - 1 - r;
    return new SparseVector(big, idx, Float32Array.from({ length: nnz }, () => p.next() + 0.01));
  });
  const index = build(opclass('sparsevec_l2_ops'), keys, big);
  try {
    for (let r = 0; r < keys.length; r++) {
      const { ids, dists } = scan(index, keys[r]!, 1);
      assert.deepEqual(ids, [r]);
      assert.equal(dists[0], 0);
    }
  } finally {
    index.dispose();
  }
  assert.throws(() => build(opclass('sparsevec_l2_ops'), [], big + 1), { code: '54000', message: 'column cannot have more than 1000000000 dimensions for hnsw index' });
});

test('cosine: a zero key is not indexed, a zero query orders arbitrarily (as pgvector)', () => {
  const zero = new SparseVector(DIM, new Int32Array(0), new Float32Array(0));
  const index = build(opclass('sparsevec_cosine_ops'), [zero, ...base.slice(0, 50)]);
  try {
    assert.equal(index.size, 50);
    const { ids, dists } = scan(index, zero, 5);
    assert.equal(ids.length, 5);
    assert.ok(dists.every((d) => Number.isNaN(d)));
  } finally {
    index.dispose();
  }
});

test('VACUUM unlinks deleted rows and gives their keys back to the arena; inserts reuse the records', () => {
  const index = build(opclass('sparsevec_ip_ops'), base);
  try {
    const heap = index.state.graph.sparse!;
    const before = heap.usedBytes;
    const dead = (r: number): boolean => r % 2 === 0;
    for (let r = 0; r < ROWS; r++) if (dead(r)) index.delete(r);
    const arenaBefore = arena.allocatedBytes;
    index.vacuum();
    assert.equal(heap.freeBytes, 0);
    assert.ok(heap.usedBytes < before * 0.6, `heap ${heap.usedBytes} of ${before}`);
    assert.ok(arena.allocatedBytes <= arenaBefore, 'vacuum freed nothing');
    const live = (r: number): boolean => !dead(r);
    const r1 = recall(index, base, queries, sparsevecNegativeInnerProduct, live, efFor('sparsevec_ip_ops'));
    assert.ok(r1.recall >= 0.95, `recall after vacuum ${r1.recall}`);
    // New rows take the unlinked nodes' records and get fresh keys.
    const extra = sparseVectors(300, SEED + 7);
    for (let i = 0; i < extra.length; i++) index.insert(ROWS + i, extra[i]!);
    assert.equal(index.state.graph.count, ROWS);
    // Under inner product a row need not be its own nearest (another may have a larger dot
    // product with it): each new row's search must find the exact best distance among the live
    // rows, as it does for nearly every one.
    let found = 0;
    for (let i = 0; i < 20; i++) {
      const q = extra[i]!;
      let best = Infinity;
      for (let r = 0; r < ROWS; r++) if (live(r)) best = Math.min(best, sparsevecNegativeInnerProduct(q, base[r]!));
      for (const e of extra) best = Math.min(best, sparsevecNegativeInnerProduct(q, e));
      const top = scan(index, q, 1);
      if (Math.abs(top.dists[0]! - best) <= 1e-5 * Math.max(1, Math.abs(best))) found++;
    }
    assert.ok(found >= 18, `${found} of 20 new rows' searches found the nearest`);
  } finally {
    index.dispose();
  }
});

test('save and load give the same index and answers', () => {
  const index = build(opclass('sparsevec_l1_ops'), base.slice(0, 800));
  let loaded: VectorIndex | null = null;
  try {
    for (let r = 0; r < 100; r++) index.delete(r * 3);
    index.vacuum();
    index.delete(1);
    const sink = new MemorySink();
    index.save(sink);
    const src = new MemorySource(sink.bytes());
    loaded = hnswAm.load!({ dim: DIM, opclass: index.opclass, options: hnswAm.parseOptions(new Map(), DIM), seed: 1, source: src });
    assert.equal(loaded.size, index.size);
    for (const q of queries) assert.deepEqual(scan(loaded, q, 20), scan(index, q, 20));
    // A truncated file fails as corrupt data, never as a JavaScript error.
    const bytes = sink.bytes();
    assert.throws(
      () => hnswAm.load!({ dim: DIM, opclass: index.opclass, options: hnswAm.parseOptions(new Map(), DIM), seed: 1, source: new MemorySource(bytes.subarray(0, bytes.length - 8)) }),
      (e: { code?: string }) => e.code === 'XX001',
    );
  } finally {
    index.dispose();
    loaded?.dispose();
  }
});

/**
 * 50% and 20% of the rows pass. (At 5%, 0.60 on this data: a query's nearest passing rows are
 * then mostly of other topics, the ones of smallest norm, which the graph does not place near
 * the query; the SQL planner answers such selectivities with its exact strategy over the
 * filter's bitmap.)
 */
/**
 * ef_search of the filtered scans. At 40 (and up to 120), recall@10 at 20% was 0.915 with one
 * development seed of twelve, the others 0.95 and above: for a few of its queries the nearest
 * passing rows lie in other topics (as at 5%, below), which a longer candidate list reaches. At
 * 200 the lowest of 20 seeds was 0.9925.
 */
const FILTER_EF = 200;

test(`a row filter is consulted during the traversal: every row returned passes, recall@10 >= 0.95 at ef_search ${FILTER_EF} against exact filtered search`, () => {
  const index = build(opclass('sparsevec_l2_ops'), base);
  const words = Math.ceil(ROWS / 32);
  const ptr = arena.alloc(words * 4, 'test bitmap');
  try {
    for (const keep of [0.5, 0.2]) {
      const p = new Prng(SEED + 11);
      const i32 = arena.i32();
      i32.fill(0, ptr >>> 2, (ptr >>> 2) + words);
      let rows = 0;
      for (let r = 0; r < ROWS; r++) {
        if (p.next() >= keep) continue;
        i32[(ptr >>> 2) + (r >>> 5)]! |= 1 << (r & 31);
        rows++;
      }
      const passes = (r: number): boolean => ((arena.i32()[(ptr >>> 2) + (r >>> 5)]! >>> (r & 31)) & 1) === 1;
      let hit = 0;
      for (const q of queries) {
        const s = index.beginScan(q, { gucs: gucs({ 'hnsw.ef_search': FILTER_EF }), limit: K, isLive: () => true, filter: { bitmapPtr: ptr, bitmapMemory: arena, rowBits: ROWS, rows, selectivity: rows / ROWS } });
        const ids = new Int32Array(K);
        const n = s.next(ids, new Float64Array(K));
        s.close();
        assert.equal(n, K);
        const all: number[] = [];
        for (let r = 0; r < ROWS; r++) if (passes(r)) all.push(sparsevecL2Distance(q, base[r]!));
        all.sort((a, b) => a - b);
        for (const id of ids) {
          assert.ok(passes(id), `row ${id} does not pass the filter`);
          if (sparsevecL2Distance(q, base[id]!) <= all[K - 1]! + 1e-6) hit++;
        }
      }
      assert.ok(hit / (queries.length * K) >= 0.95, `filtered recall@10 at ${keep}: ${hit / (queries.length * K)}`);
    }
  } finally {
    arena.free(ptr, words * 4);
    index.dispose();
  }
});
