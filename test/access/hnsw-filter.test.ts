// Filtered HNSW scans (access/am.ts RowFilter): the ACORN-1 layer-0 search of assembly/hnsw.ts
// and its TypeScript twin agree, return only passing rows, and keep recall@10 against exact
// filtered search at 50% to 1% selectivity; node ids that are not row ids go through the
// translation; pgvector's max_scan_tuples semantics (the discarded candidates are handed out
// once the limit is reached); the exhaustive scan continues past ef_search without a cap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';
import type { RowFilter, VectorIndex } from '../../src/access/am.js';
import { HnswIndex, hnswAm } from '../../src/access/hnsw/index.js';
import { hnswKernelOf, referenceKernelOf } from '../../src/access/hnsw/kernel.js';
import { buildIndex, exactDistance, gucs, randomMatrix } from './hnsw-helpers.js';

/** The process's only memory in this test (indexes and their scratch live there). */
const arena = memories.memories[0]!;
const hnswKernel = hnswKernelOf(arena);
const referenceKernel = referenceKernelOf(arena);

const DIM = 24;
const ROWS = 4000;
const SEED = Number(process.env['VECGRES_TEST_SEED'] ?? 20261201);

/** A bitset in the arena with each of `rows` rows set with probability `p`. */
function randomFilter(rows: number, p: number, seed: number): { f: RowFilter; pass: (r: number) => boolean; free: () => void } {
  const prng = new Prng(seed);
  const words = (rows + 31) >>> 5;
  const ptr = arena.alloc(words * 4, 'test filter');
  const w = arena.i32();
  w.fill(0, ptr >>> 2, (ptr >>> 2) + words);
  let n = 0;
  const set = new Set<number>();
  for (let r = 0; r < rows; r++) {
    if (prng.next() < p) {
      w[(ptr >>> 2) + (r >>> 5)] |= 1 << (r & 31);
      set.add(r);
      n++;
    }
  }
  return { f: { bitmapPtr: ptr, bitmapMemory: arena, rowBits: rows, rows: n, selectivity: n / rows }, pass: (r) => set.has(r), free: () => arena.free(ptr, words * 4) };
}

function scan(index: VectorIndex, q: Float32Array, g: ReturnType<typeof gucs>, limit: number, filter: RowFilter | null, exhaustive = false): { ids: number[]; dists: number[] } {
  const s = index.beginScan(q, { gucs: g, limit, isLive: () => true, filter, exhaustive });
  const ids: number[] = [];
  const dists: number[] = [];
  const bi = new Int32Array(64);
  const bd = new Float64Array(64);
  while (ids.length < limit) {
    const n = s.next(bi, bd);
    if (n === 0) break;
    for (let j = 0; j < n && ids.length < limit; j++) {
      ids.push(bi[j]!);
      dists.push(bd[j]!);
    }
  }
  s.close();
  return { ids, dists };
}

function exactFiltered(base: Float32Array, q: Float32Array, k: number, pass: (r: number) => boolean, rowOf = (i: number) => i): number[] {
  const d: Array<[number, number]> = [];
  for (let i = 0; i < base.length / DIM; i++) if (pass(rowOf(i))) d.push([exactDistance('l2', q, 0, base, i * DIM, DIM), rowOf(i)]);
  d.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return d.slice(0, k).map((x) => x[1]);
}

test(`filtered search: WebAssembly kernel (${hnswKernel.name}) and TypeScript twin agree, only passing nodes (seed ${SEED})`, () => {
  const base = randomMatrix(ROWS, DIM, SEED);
  const queries = randomMatrix(20, DIM, SEED + 1);
  const index = buildIndex('l2', base, DIM) as HnswIndex;
  const st = index.state;
  for (const p of [0.3, 0.05]) {
    const { f, pass, free } = randomFilter(ROWS, p, SEED + 2);
    const sc = st.pool.acquire(st.graph.count);
    try {
      let same = 0;
      let total = 0;
      for (let q = 0; q < 20; q++) {
        arena.f32().set(queries.subarray(q * DIM, (q + 1) * DIM), sc.q >>> 2);
        const results: number[][] = [];
        for (const k of [hnswKernel, referenceKernel]) {
          sc.setFilter(f.bitmapPtr, f.rowBits);
          const n = k.search(st.graph.g, sc.s, sc.q, 40, 0);
          const w = sc.outWord();
          const ids: number[] = [];
          for (let j = 0; j < n; j++) ids.push(arena.i32()[w + 2 * j + 1]!);
          for (const id of ids) assert.ok(pass(id), `node ${id} does not pass (p ${p}, seed ${SEED})`);
          results.push(ids);
        }
        assert.equal(results[0]!.length, results[1]!.length, `result counts (p ${p}, seed ${SEED})`);
        const other = new Set(results[1]);
        for (const id of results[0]!) if (other.has(id)) same++;
        total += results[0]!.length;
      }
      assert.ok(total > 0);
      assert.ok(same / total >= 0.99, `kernels agree on ${same}/${total} (p ${p}, seed ${SEED})`);
    } finally {
      st.pool.release(sc);
      free();
    }
  }
  index.dispose();
});

test(`filtered scan recall@10 >= 0.95 against exact filtered search, 50% to 1% (seed ${SEED})`, () => {
  const base = randomMatrix(ROWS, DIM, SEED + 3);
  const queries = randomMatrix(40, DIM, SEED + 4);
  const index = buildIndex('l2', base, DIM);
  try {
    for (const p of [0.5, 0.1, 0.03, 0.01]) {
      const { f, pass, free } = randomFilter(ROWS, p, SEED + 5);
      let hits = 0;
      let rows = 0;
      for (let q = 0; q < 40; q++) {
        const qv = queries.subarray(q * DIM, (q + 1) * DIM);
        const want = exactFiltered(base, qv, 10, pass);
        const got = scan(index, qv, gucs(), 10, f);
        for (const id of got.ids) assert.ok(pass(id), `row ${id} does not pass`);
        for (let j = 1; j < got.dists.length; j++) assert.ok(got.dists[j]! >= got.dists[j - 1]!, 'ascending');
        rows += got.ids.length;
        const w = new Set(want);
        for (const id of got.ids) if (w.has(id)) hits++;
      }
      free();
      assert.equal(rows, 400, `10 rows per query at p ${p} (seed ${SEED})`);
      assert.ok(hits / 400 >= 0.95, `recall ${hits / 400} at p ${p} (seed ${SEED})`);
    }
  } finally {
    index.dispose();
  }
});

test(`a filter over row ids that are not node ids is translated (seed ${SEED})`, () => {
  const rows = 2000;
  const base = randomMatrix(rows, DIM, SEED + 6);
  const rowOf = (i: number): number => 3 * i + 1;
  const opclass = hnswAm.opclasses.find((o) => o.metric === 'l2')!;
  const index = hnswAm.build({
    dim: DIM, opclass, options: hnswAm.parseOptions(new Map(), DIM), rowCount: rows, seed: 3,
    forEachRow(fn) {
      for (let i = 0; i < rows; i++) fn(rowOf(i), base.subarray(i * DIM, (i + 1) * DIM));
    },
  }) as HnswIndex;
  assert.equal(index.state.rowIdsAreNodes, false);
  const { f, pass, free } = randomFilter(3 * rows + 1, 0.05, SEED + 7);
  try {
    const queries = randomMatrix(20, DIM, SEED + 8);
    let hits = 0;
    let total = 0;
    for (let q = 0; q < 20; q++) {
      const qv = queries.subarray(q * DIM, (q + 1) * DIM);
      const want = new Set(exactFiltered(base, qv, 10, pass, rowOf));
      const got = scan(index, qv, gucs(), 10, f);
      for (const id of got.ids) assert.ok(pass(id) && (id - 1) % 3 === 0, `row ${id}`);
      for (const id of got.ids) if (want.has(id)) hits++;
      total += want.size;
    }
    assert.ok(hits / total >= 0.95, `recall ${hits / total} (seed ${SEED})`);
  } finally {
    free();
    index.dispose();
  }
});

test('max_scan_tuples reached: the discarded candidates come out in distance order, then the scan ends (pgvector 0.8)', () => {
  const base = randomMatrix(ROWS, DIM, SEED + 9);
  const q = randomMatrix(1, DIM, SEED + 10);
  const index = buildIndex('l2', base, DIM);
  try {
    const off = scan(index, q, gucs(), 100000, null);
    assert.equal(off.ids.length, 40);
    const capped = scan(index, q, gucs({ 'hnsw.iterative_scan': 'relaxed_order', 'hnsw.max_scan_tuples': 1 }), 100000, null);
    // One search visits far more than ef nodes; all of them come out, the first 40 as before.
    assert.ok(capped.ids.length > 40, `${capped.ids.length} rows`);
    assert.ok(capped.ids.length < ROWS, `${capped.ids.length} rows`);
    assert.deepEqual(capped.ids.slice(0, 40), off.ids);
    for (let j = 1; j < capped.dists.length; j++) assert.ok(capped.dists[j]! >= capped.dists[j - 1]!, 'ascending');
    assert.equal(new Set(capped.ids).size, capped.ids.length, 'no row twice');
    // Without the cap the scan goes on to (nearly) every row.
    const all = scan(index, q, gucs({ 'hnsw.iterative_scan': 'relaxed_order', 'hnsw.max_scan_tuples': 1000000, work_mem: 1000000 }), 100000, null);
    assert.ok(all.ids.length > capped.ids.length);
    // A smaller memory budget stops it too (work_mem * scan_mem_multiplier).
    const mem = scan(index, q, gucs({ 'hnsw.iterative_scan': 'relaxed_order', 'hnsw.max_scan_tuples': 1000000, work_mem: 64 }), 100000, null);
    assert.ok(mem.ids.length < all.ids.length);
  } finally {
    index.dispose();
  }
});

test('an exhaustive scan continues past ef_search with iterative scans off', () => {
  const base = randomMatrix(ROWS, DIM, SEED + 11);
  const q = randomMatrix(1, DIM, SEED + 12);
  const index = buildIndex('l2', base, DIM);
  try {
    const got = scan(index, q, gucs(), 100000, null, true);
    assert.ok(got.ids.length >= ROWS * 0.99, `${got.ids.length} rows`);
    const { f, pass, free } = randomFilter(ROWS, 0.02, SEED + 13);
    const filtered = scan(index, q, gucs(), 100000, f, true);
    free();
    const n = [...Array(ROWS).keys()].filter(pass).length;
    for (const id of filtered.ids) assert.ok(pass(id));
    assert.ok(filtered.ids.length >= n * 0.95, `${filtered.ids.length} of ${n} passing rows`);
  } finally {
    index.dispose();
  }
});
