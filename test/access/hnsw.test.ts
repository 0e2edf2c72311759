// HNSW index behaviour on seeded synthetic data: recall per opclass against exact search,
// distances equal to the SQL operators', inserts after the build, deletes, iterative scans,
// 16,000 dimensions, determinism, and the WebAssembly kernel against its TypeScript twin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Metric } from '../../src/access/am.js';
import { memories } from '../../src/kernels/memories.js';
import { HnswIndex, hnswAm } from '../../src/access/hnsw/index.js';
import { hnswKernelOf, referenceKernelOf } from '../../src/access/hnsw/kernel.js';
import { GRAPH_HEADER_BYTES, NODE_HEADER_WORDS } from '../../src/access/hnsw/layout.js';
import { buildIndex, exactDistance, exactTopK, gucs, randomMatrix, recall, scanAll } from './hnsw-helpers.js';

/** The process's only memory in this test (indexes and their scratch live there). */
const arena = memories.memories[0]!;
const hnswKernel = hnswKernelOf(arena);
const referenceKernel = referenceKernelOf(arena);

const DIM = 24;
const ROWS = 3000;
const SEED = 20240601;

for (const metric of ['l2', 'ip', 'cosine', 'l1'] as Metric[]) {
  test(`recall@10 >= 0.95 and exact distances for ${metric} (seed ${SEED})`, () => {
    const base = randomMatrix(ROWS, DIM, SEED);
    const queries = randomMatrix(50, DIM, SEED + 1);
    const index = buildIndex(metric, base, DIM);
    try {
      const g = gucs({ 'hnsw.ef_search': 80 });
      const r = recall(metric, index, base, queries, DIM, 10, g);
      assert.ok(r >= 0.95, `recall ${r} for ${metric}, seed ${SEED}`);
      // Returned distances are the SQL operator's values, ascending.
      const q = queries.subarray(0, DIM);
      const { ids, dists } = scanAll(index, q, g, 40);
      assert.equal(ids.length, 40);
      for (let j = 0; j < ids.length; j++) {
        const want = exactDistance(metric, queries, 0, base, ids[j]! * DIM, DIM);
        assert.ok(Math.abs(dists[j]! - want) <= 1e-4 * Math.max(1, Math.abs(want)), `${metric} distance ${dists[j]} vs ${want}`);
        if (j > 0) assert.ok(dists[j]! >= dists[j - 1]! - 1e-6, 'ascending');
      }
    } finally {
      index.dispose();
    }
  });
}

test('iterative_scan off returns at most ef_search rows; relaxed/strict continue', () => {
  const base = randomMatrix(ROWS, DIM, SEED + 2);
  const q = randomMatrix(1, DIM, SEED + 3);
  const index = buildIndex('l2', base, DIM);
  try {
    const off = scanAll(index, q, gucs({ 'hnsw.ef_search': 10 }), 100);
    assert.equal(off.ids.length, 10);
    // 10% of the rows pass the "filter"; the off scan finds only about a tenth of ef_search.
    const live = (r: number) => r % 10 === 3;
    const offFiltered = scanAll(index, q, gucs({ 'hnsw.ef_search': 10 }), 30, live);
    assert.ok(offFiltered.ids.length <= 10);
    const relaxed = scanAll(index, q, gucs({ 'hnsw.ef_search': 10, 'hnsw.iterative_scan': 'relaxed_order' }), 30, live);
    assert.equal(relaxed.ids.length, 30);
    assert.ok(relaxed.searches > 1);
    assert.ok(relaxed.ids.every(live));
    assert.equal(new Set(relaxed.ids).size, 30, 'no row twice');
    const strict = scanAll(index, q, gucs({ 'hnsw.ef_search': 10, 'hnsw.iterative_scan': 'strict_order' }), 30, live);
    for (let j = 1; j < strict.dists.length; j++) assert.ok(strict.dists[j]! >= strict.dists[j - 1]!, 'strict order');
    assert.ok(strict.ids.length >= 20);
    // Most of the exact filtered top 30 are found.
    const want = new Set(exactTopK('l2', base, q, 0, DIM, 30, live));
    const hits = relaxed.ids.filter((id) => want.has(id)).length;
    assert.ok(hits >= 27, `iterative recall ${hits}/30`);
    // max_scan_tuples bounds the work: with a tiny budget the scan stops early.
    const capped = scanAll(index, q, gucs({ 'hnsw.ef_search': 10, 'hnsw.iterative_scan': 'relaxed_order', 'hnsw.max_scan_tuples': 50 }), 1000, live);
    assert.ok(capped.ids.length < 100, `capped scan returned ${capped.ids.length}`);
    // Exhausting a scan visits every reachable node once.
    const all = scanAll(index, q, gucs({ 'hnsw.ef_search': 40, 'hnsw.iterative_scan': 'relaxed_order', 'hnsw.max_scan_tuples': 1e9 }), ROWS + 10);
    assert.ok(all.ids.length >= ROWS * 0.99, `exhaustive scan returned ${all.ids.length}`);
    assert.equal(new Set(all.ids).size, all.ids.length);
  } finally {
    index.dispose();
  }
});

test('insert after build, deleted rows skipped', () => {
  const base = randomMatrix(2 * ROWS, DIM, SEED + 4);
  const queries = randomMatrix(40, DIM, SEED + 5);
  const index = buildIndex('cosine', base, DIM, { rows: ROWS });
  try {
    for (let i = ROWS; i < 2 * ROWS; i++) index.insert(i, base.subarray(i * DIM, (i + 1) * DIM));
    assert.equal(index.size, 2 * ROWS);
    const g = gucs({ 'hnsw.ef_search': 80 });
    const r = recall('cosine', index, base, queries, DIM, 10, g);
    assert.ok(r >= 0.95, `recall after inserts ${r}`);
    // Delete every third row: scans never return them, and recall holds against the rest.
    const dead = (i: number) => i % 3 === 0;
    for (let i = 0; i < 2 * ROWS; i++) if (dead(i)) index.delete(i);
    let hits = 0;
    for (let q = 0; q < 40; q++) {
      const qv = queries.subarray(q * DIM, (q + 1) * DIM);
      const got = scanAll(index, qv, g, 10).ids;
      assert.ok(got.every((id) => !dead(id)), 'deleted row returned');
      const want = new Set(exactTopK('cosine', base, queries, q, DIM, 10, (i) => !dead(i)));
      hits += got.filter((id) => want.has(id)).length;
    }
    assert.ok(hits / 400 >= 0.9, `recall with deletions ${hits / 400}`);
    // isLive hides rows the same way.
    const q0 = queries.subarray(0, DIM);
    const hidden = scanAll(index, q0, g, 10, (r) => r % 2 === 0).ids;
    assert.ok(hidden.every((id) => id % 2 === 0 && !dead(id)));
  } finally {
    index.dispose();
  }
});

test('cosine skips zero vectors as pgvector does', () => {
  const base = randomMatrix(200, 8, SEED + 6);
  base.fill(0, 0, 8);
  const index = buildIndex('cosine', base, 8);
  try {
    assert.equal(index.size, 199);
    const { ids } = scanAll(index, base.subarray(8, 16), gucs({ 'hnsw.ef_search': 400 }), 400);
    assert.ok(!ids.includes(0));
    assert.equal(ids.length, 199);
  } finally {
    index.dispose();
  }
});

test('16,000-dimension vectors are accepted', () => {
  const dim = 16000;
  const base = randomMatrix(40, dim, SEED + 7);
  const index = buildIndex('l2', base, dim, { m: 4, efConstruction: 16 });
  try {
    for (const r of [0, 17, 39]) {
      const { ids, dists } = scanAll(index, base.subarray(r * dim, (r + 1) * dim), gucs(), 3);
      assert.equal(ids[0], r);
      assert.equal(dists[0], 0);
    }
  } finally {
    index.dispose();
  }
});

test('the same seed builds the same graph and answers the same', () => {
  const base = randomMatrix(1500, DIM, SEED + 8);
  const q = randomMatrix(5, DIM, SEED + 9);
  const a = buildIndex('l2', base, DIM, { seed: 99 }) as HnswIndex;
  const b = buildIndex('l2', base, DIM, { seed: 99 }) as HnswIndex;
  const c = buildIndex('l2', base, DIM, { seed: 100 }) as HnswIndex;
  try {
    const ga = a.state.graph;
    const gb = b.state.graph;
    assert.equal(ga.entry, gb.entry);
    assert.equal(ga.maxLevel, gb.maxLevel);
    let differs = false;
    for (let n = 0; n < ga.count; n++) {
      assert.equal(ga.level(n), gb.level(n));
      for (let l = 0; l <= ga.level(n); l++) assert.deepEqual(ga.neighbours(n, l), gb.neighbours(n, l));
      if (ga.level(n) !== c.state.graph.level(n)) differs = true;
    }
    assert.ok(differs, 'another seed draws other levels');
    for (let i = 0; i < 5; i++) {
      const qv = q.subarray(i * DIM, (i + 1) * DIM);
      assert.deepEqual(scanAll(a, qv, gucs(), 20), scanAll(b, qv, gucs(), 20));
    }
  } finally {
    a.dispose();
    b.dispose();
    c.dispose();
  }
});

test('graph layout sizes', () => {
  const base = randomMatrix(100, 100, SEED + 10);
  const index = buildIndex('l2', base, 100) as HnswIndex;
  try {
    const g = index.state.graph;
    assert.equal(g.dimP, 100);
    assert.equal(g.hdrBytes, 400);
    // vector (400) + header words (rowId, level, upper, flags, count) + 32 neighbour ids, 16-aligned
    assert.equal(NODE_HEADER_WORDS, 5);
    assert.equal(g.recBytes, 400 + 4 * (5 + 32) + 12);
    assert.equal(g.recBytes % 16, 0);
    assert.equal(g.vecPtr(1) - g.vecPtr(0), g.recBytes);
    assert.equal(g.vecPtr(0) % 64, 0);
    assert.ok(g.sizeBytes() >= GRAPH_HEADER_BYTES + 100 * g.recBytes);
    for (let n = 0; n < g.count; n++) {
      assert.equal(g.rowId(n), n);
      assert.ok(g.neighbours(n, 0).length <= 32);
      for (let l = 1; l <= g.level(n); l++) assert.ok(g.neighbours(n, l).length <= 16);
    }
    const odd = buildIndex('l2', randomMatrix(10, 5, 1), 5) as HnswIndex;
    assert.equal(odd.state.graph.dimP, 8);
    odd.dispose();
  } finally {
    index.dispose();
  }
});

test(`WebAssembly kernel (${hnswKernel.name}) agrees with the TypeScript reference`, () => {
  const base = randomMatrix(ROWS, DIM, SEED + 11);
  const queries = randomMatrix(30, DIM, SEED + 12);
  const index = buildIndex('l2', base, DIM) as HnswIndex;
  const st = index.state;
  const sc = st.pool.acquire(st.graph.count);
  try {
    let same = 0;
    let total = 0;
    for (let q = 0; q < 30; q++) {
      arena.f32().set(queries.subarray(q * DIM, (q + 1) * DIM), sc.q >>> 2);
      const results: Array<Set<number>> = [];
      for (const k of [hnswKernel, referenceKernel]) {
        const n = k.search(st.graph.g, sc.s, sc.q, 40, 0);
        assert.equal(n, 40);
        const w = sc.outWord();
        const ids = new Set<number>();
        for (let j = 0; j < n; j++) ids.add(arena.i32()[w + 2 * j + 1]!);
        results.push(ids);
      }
      for (const id of results[0]!) if (results[1]!.has(id)) same++;
      total += 40;
      // Single distances agree to float rounding.
      const d0 = hnswKernel.distanceTo(st.graph.g, sc.q, 5);
      const d1 = referenceKernel.distanceTo(st.graph.g, sc.q, 5);
      assert.ok(Math.abs(d0 - d1) <= 1e-4 * Math.max(1, Math.abs(d1)));
    }
    assert.ok(same / total >= 0.99, `kernels agree on ${same}/${total}`);
  } finally {
    st.pool.release(sc);
    index.dispose();
  }
});

test('cost estimate tracks measured distance computations', () => {
  const base = randomMatrix(ROWS, DIM, SEED + 13);
  const q = randomMatrix(20, DIM, SEED + 14);
  const index = buildIndex('l2', base, DIM);
  try {
    let prev = 0;
    for (const ef of [10, 40, 100]) {
      const g = gucs({ 'hnsw.ef_search': ef });
      let measured = 0;
      for (let i = 0; i < 20; i++) {
        const scan = index.beginScan(q.subarray(i * DIM, (i + 1) * DIM), { gucs: g, limit: 10, isLive: () => true });
        scan.next(new Int32Array(10), new Float64Array(10));
        measured += scan.stats().distanceComputations / 20;
        scan.close();
      }
      const est = hnswAm.costEstimate(index, { tableRows: ROWS, limit: 10, selectivity: 1, gucs: g });
      assert.ok(est.total > prev, 'cost grows with ef_search');
      assert.ok(est.total < ROWS, 'cheaper than an exact scan');
      assert.ok(est.total / measured < 3 && measured / est.total < 3, `ef ${ef}: estimate ${est.total} vs measured ${measured}`);
      prev = est.total;
    }
    const filtered = hnswAm.costEstimate(index, {
      tableRows: ROWS, limit: 10, selectivity: 0.01, gucs: gucs({ 'hnsw.iterative_scan': 'relaxed_order' }),
    });
    assert.ok(filtered.total > prev, 'a selective filter with iterative scans costs more');
  } finally {
    index.dispose();
  }
});

test('vacuum unlinks deleted rows, moves the entry point and keeps recall', () => {
  const base = randomMatrix(ROWS, DIM, SEED + 15);
  const queries = randomMatrix(40, DIM, SEED + 16);
  const index = buildIndex('l2', base, DIM) as HnswIndex;
  try {
    const graph = index.state.graph;
    const entryRow = graph.rowId(graph.entry);
    const dead = (i: number) => i % 4 === 1 || i === entryRow;
    for (let i = 0; i < ROWS; i++) if (dead(i)) index.delete(i);
    index.vacuum!();
    const deadCount = Array.from({ length: ROWS }, (_, i) => i).filter(dead).length;
    assert.equal(index.size, ROWS - deadCount);
    assert.ok(!dead(graph.rowId(graph.entry)), 'entry point moved to a live node');
    for (let n = 0; n < graph.count; n++) {
      for (let l = 0; l <= graph.level(n); l++) {
        for (const e of graph.neighbours(n, l)) assert.ok(!dead(graph.rowId(e)), `node ${n} still links deleted ${e}`);
      }
    }
    const g = gucs({ 'hnsw.ef_search': 80 });
    let hits = 0;
    for (let q = 0; q < 40; q++) {
      const got = scanAll(index, queries.subarray(q * DIM, (q + 1) * DIM), g, 10).ids;
      const want = new Set(exactTopK('l2', base, queries, q, DIM, 10, (i) => !dead(i)));
      hits += got.filter((id) => want.has(id)).length;
    }
    assert.ok(hits / 400 >= 0.95, `recall after vacuum ${hits / 400}`);
    // Inserts after vacuum link into the repaired graph; a second vacuum has nothing to do.
    index.insert(ROWS + 5, base.subarray(DIM, 2 * DIM));
    const again = scanAll(index, base.subarray(DIM, 2 * DIM), g, 1).ids;
    assert.deepEqual(again, [ROWS + 5]);
    index.vacuum!();
    assert.equal(index.size, ROWS - deadCount + 1);
  } finally {
    index.dispose();
  }
});

test('visited tags survive the 16-bit epoch wrap', () => {
  const base = randomMatrix(300, 8, SEED + 17);
  const index = buildIndex('l2', base, 8) as HnswIndex;
  try {
    const q = base.subarray(8 * 7, 8 * 8);
    const before = scanAll(index, q, gucs({ 'hnsw.ef_search': 20 }), 20);
    const st = index.state;
    const sc = st.pool.acquire(st.graph.count);
    arena.f32().set(q, sc.q >>> 2);
    for (let i = 0; i < 70000; i++) hnswKernel.search(st.graph.g, sc.s, sc.q, 1, 0);
    st.pool.release(sc);
    const after = scanAll(index, q, gucs({ 'hnsw.ef_search': 20 }), 20);
    assert.deepEqual(after.ids, before.ids);
    assert.equal(after.ids[0], 7);
  } finally {
    index.dispose();
  }
});

test('the graph grows in chunks without copying, and searches across chunks', () => {
  // 1,500-d records are ~6.3 KB, so 4 MiB chunks hold 512 nodes: 1,400 nodes span three
  // chunks, the first of which started small and doubled while the build was one node.
  const dim = 1500;
  const rows = 1400;
  const base = randomMatrix(rows, dim, SEED + 20);
  const queries = randomMatrix(8, dim, SEED + 21);
  const index = buildIndex('l2', base, dim, { rows: 1 }) as HnswIndex;
  try {
    const graph = index.state.graph;
    const before = graph.sizeBytes();
    assert.ok(before < 64 * 1024, `a one-node graph takes ${before} bytes`);
    let firstFull = -1;
    for (let i = 1; i < rows; i++) {
      index.insert(i, base.subarray(i * dim, (i + 1) * dim));
      if (i === 600) firstFull = graph.vecPtr(0);
    }
    // Node 0's record did not move once the first chunk was full: growth adds chunks.
    assert.equal(graph.vecPtr(0), firstFull);
    const g = gucs({ 'hnsw.ef_search': 100 });
    const r = recall('l2', index, base, queries, dim, 10, g);
    assert.ok(r >= 0.95, `recall across chunks ${r}`);
    // The WebAssembly search and its TypeScript twin follow the same chunk table.
    const st = index.state;
    const sc = st.pool.acquire(st.graph.count);
    try {
      for (let q = 0; q < 8; q++) {
        arena.f32().set(queries.subarray(q * dim, (q + 1) * dim), sc.q >>> 2);
        const found: number[][] = [];
        for (const k of [hnswKernel, referenceKernel]) {
          const n = k.search(st.graph.g, sc.s, sc.q, 20, 0);
          const w = sc.outWord();
          found.push(Array.from({ length: n }, (_, j) => arena.i32()[w + 2 * j + 1]!).sort((a, b) => a - b));
        }
        const common = found[0]!.filter((x) => found[1]!.includes(x)).length;
        assert.ok(common >= 18, `kernels share ${common} of 20`);
        const d0 = hnswKernel.distanceTo(st.graph.g, sc.q, 1300);
        const d1 = referenceKernel.distanceTo(st.graph.g, sc.q, 1300);
        assert.ok(Math.abs(d0 - d1) <= 1e-5 * Math.abs(d1), `${d0} vs ${d1}`);
      }
    } finally {
      st.pool.release(sc);
    }
  } finally {
    index.dispose();
  }
});

test('after DELETE + VACUUM, inserts reuse the records of unlinked nodes', () => {
  const rows = 2000;
  const base = randomMatrix(2 * rows, DIM, SEED + 30);
  const queries = randomMatrix(30, DIM, SEED + 31);
  const index = buildIndex('l2', base, DIM, { rows }) as HnswIndex;
  try {
    const st = index.state;
    for (let i = 0; i < rows; i += 2) index.delete(i);
    index.vacuum!();
    assert.equal(st.graph.reusableNodes, rows / 2);
    const bytes = st.graph.sizeBytes();
    const count = st.graph.count;
    // New rows rows .. rows + 999 take the unlinked records: the graph does not grow.
    for (let i = rows; i < rows + rows / 2; i++) index.insert(i, base.subarray(i * DIM, (i + 1) * DIM));
    assert.equal(st.graph.count, count);
    assert.equal(st.graph.sizeBytes(), bytes);
    assert.equal(st.graph.reusableNodes, 0);
    assert.equal(index.size, rows);
    // Live rows: the odd ones of the build and the new ones; recall against exact search.
    const live = (i: number) => (i < rows ? i % 2 === 1 : i < rows + rows / 2);
    const all = base.subarray(0, (rows + rows / 2) * DIM);
    const g = gucs({ 'hnsw.ef_search': 80 });
    let hits = 0;
    for (let q = 0; q < 30; q++) {
      const got = scanAll(index, queries.subarray(q * DIM, (q + 1) * DIM), g, 10).ids;
      assert.ok(got.every(live), 'a deleted row came back');
      const want = new Set(exactTopK('l2', all, queries, q, DIM, 10, live));
      hits += got.filter((id) => want.has(id)).length;
    }
    assert.ok(hits / 300 >= 0.95, `recall after reuse ${hits / 300}`);
    // Growth resumes once the unlinked records are used up.
    index.insert(rows + rows / 2, base.subarray((rows + rows / 2) * DIM, (rows + rows / 2 + 1) * DIM));
    assert.equal(st.graph.count, count + 1);
  } finally {
    index.dispose();
  }
});
