// Filter subgraphs of an HNSW index (access/hnsw/subgraphs.ts): admitted at a key's second
// request, within the size bounds, and built on a pool worker (the admitting request links no
// node: a build counter and the subgraph's state say so), or inline without one; a scan with a keyed filter searches the subgraph and returns
// only rows of the filter's bitset, at recall@10 against exact filtered search, also when the
// bitset under the same key drops rows (they are excluded) or adds rows (they are inserted);
// tombstoned rows are not returned; vacuum and eviction keep the node budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';
import type { RowFilter } from '../../src/access/am.js';
import type { HnswIndex } from '../../src/access/hnsw/index.js';
import { FilterSubgraphs, SUBGRAPH_IDLE_USES, SUBGRAPH_MAX_SHARE, SUBGRAPH_MIN_ROWS } from '../../src/access/hnsw/subgraphs.js';
import { WorkerPool } from '../../src/kernels/workers.js';
import { insertNodesTask, type InsertTaskArgs } from '../../src/access/hnsw/parallel.js';
import { HnswScan } from '../../src/access/hnsw/scan.js';
import { buildIndex, exactDistance, gucs, randomMatrix } from './hnsw-helpers.js';

const arena = memories.memories[0]!;
const DIM = 16;
const ROWS = 12000;
const SEED = Number(process.env['VECGRES_TEST_SEED'] ?? 777);

/** A bitset in the arena of the rows `pass` keeps. */
function bitset(pass: (r: number) => boolean, key: string): { f: RowFilter; free: () => void } {
  const words = (ROWS + 31) >>> 5;
  const ptr = arena.alloc(words * 4, 'test filter');
  const w = arena.i32();
  w.fill(0, ptr >>> 2, (ptr >>> 2) + words);
  let n = 0;
  for (let r = 0; r < ROWS; r++) {
    if (pass(r)) {
      w[(ptr >>> 2) + (r >>> 5)] |= 1 << (r & 31);
      n++;
    }
  }
  return { f: { bitmapPtr: ptr, bitmapMemory: arena, rowBits: ROWS, rows: n, selectivity: n / ROWS, key }, free: () => arena.free(ptr, words * 4) };
}

function scan(index: HnswIndex, q: Float32Array, f: RowFilter, live: (r: number) => boolean = () => true): { ids: number[]; keyed: boolean } {
  const s = index.beginScan(q, { gucs: gucs({ 'hnsw.ef_search': 64 }), limit: 10, isLive: live, filter: f, exhaustive: true });
  const ids: number[] = [];
  const bi = new Int32Array(16);
  const bd = new Float64Array(16);
  while (ids.length < 10) {
    const n = s.next(bi, bd);
    if (n === 0) break;
    for (let j = 0; j < n && ids.length < 10; j++) ids.push(bi[j]!);
  }
  const keyed = s.stats().keyed === true;
  s.close();
  return { ids, keyed };
}

function exact(base: Float32Array, q: Float32Array, pass: (r: number) => boolean): number[] {
  const d: Array<[number, number]> = [];
  for (let r = 0; r < ROWS; r++) if (pass(r)) d.push([exactDistance('l2', q, 0, base, r * DIM, DIM), r]);
  d.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return d.slice(0, 10).map((x) => x[1]);
}

/** Admits `f`'s key (two requests), waits for the worker to link it, and checks it is searched. */
async function admit(index: HnswIndex, f: RowFilter): Promise<void> {
  assert.equal(index.prepareKeyedFilter(f), false, 'first request');
  assert.equal(index.prepareKeyedFilter(f), false, 'the admitting request does not build');
  await index.subgraphs.settled();
  assert.equal(index.prepareKeyedFilter(f), true, 'built');
}

test(`filter subgraphs: admission, recall, rows dropped and added under one key (seed ${SEED})`, async () => {
  const base = randomMatrix(ROWS, DIM, SEED);
  const queries = randomMatrix(30, DIM, SEED + 1);
  const index = buildIndex('l2', base, DIM) as HnswIndex;
  const prng = new Prng(SEED + 2);
  const tenant = Int32Array.from({ length: ROWS }, () => (prng.next() < 0.2 ? 0 : 1 + Math.floor(prng.next() * 20)));
  try {
    const inT0 = (r: number): boolean => tenant[r] === 0;
    const a = bitset(inT0, 'tenant=0');
    // Bounds: too few rows, too many.
    assert.equal(index.keyedFilterEligible(SUBGRAPH_MIN_ROWS - 1), false);
    assert.equal(index.keyedFilterEligible(Math.floor(SUBGRAPH_MAX_SHARE * ROWS) + 1), false);
    assert.equal(index.keyedFilterEligible(a.f.rows), true);
    // The first request is counted, the second appends the nodes and hands their linking to a
    // worker: the request itself links none (no inline build), and until the worker is done
    // scans keep to the main graph.
    assert.equal(index.prepareKeyedFilter(a.f), false);
    assert.equal(scan(index, queries.subarray(0, DIM), a.f).keyed, false);
    assert.equal(index.prepareKeyedFilter(a.f), false);
    assert.equal(index.subgraphs.inlineBuilds, 0);
    assert.equal(index.subgraphs.backgroundBuilds, 1);
    await index.subgraphs.settled();
    assert.equal(index.subgraphs.building('tenant=0'), false);
    assert.equal(index.prepareKeyedFilter(a.f), true);
    assert.equal(index.subgraphs.inlineBuilds, 0);
    assert.equal(index.subgraphs.totalNodes, a.f.rows);
    const recall = (f: RowFilter, pass: (r: number) => boolean, live: (r: number) => boolean = () => true): number => {
      let hits = 0;
      for (let i = 0; i < 30; i++) {
        const q = queries.subarray(i * DIM, (i + 1) * DIM);
        const got = scan(index, q, f, live);
        assert.ok(got.keyed, 'the scan searched the subgraph');
        for (const r of got.ids) assert.ok(pass(r) && live(r), `row ${r} does not pass`);
        const want = new Set(exact(base, q, (r) => pass(r) && live(r)));
        assert.equal(got.ids.length, want.size);
        for (const r of got.ids) if (want.has(r)) hits++;
      }
      return hits / 300;
    };
    const r0 = recall(a.f, inT0);
    assert.ok(r0 >= 0.95, `recall ${r0}`);
    a.free();
    // The same key, a third of its rows gone from the bitset: they are excluded.
    const fewer = (r: number): boolean => inT0(r) && r % 3 !== 0;
    const b = bitset(fewer, 'tenant=0');
    const r1 = recall(b.f, fewer);
    assert.ok(r1 >= 0.95, `recall with rows excluded ${r1}`);
    b.free();
    // The same key, rows of tenant 1 added: they are inserted.
    const more = (r: number): boolean => tenant[r]! <= 1;
    const c = bitset(more, 'tenant=0');
    const r2 = recall(c.f, more);
    assert.ok(r2 >= 0.95, `recall with rows added ${r2}`);
    assert.equal(index.subgraphs.totalNodes, c.f.rows);
    // Tombstones: deleted rows are never returned (the bitset still holding them, as a
    // snapshot that sees them would), also after vacuum (the bitset without them).
    const deleted = (r: number): boolean => r % 5 === 0;
    for (let r = 0; r < ROWS; r += 5) index.delete(r);
    const r3 = recall(c.f, more, (r) => !deleted(r));
    assert.ok(r3 >= 0.95, `recall after deletes ${r3}`);
    c.free();
    index.vacuum();
    const alive = (r: number): boolean => more(r) && !deleted(r);
    const d = bitset(alive, 'tenant=0');
    const r4 = recall(d.f, alive);
    assert.ok(r4 >= 0.95, `recall after vacuum ${r4}`);
    d.free();
  } finally {
    index.dispose();
  }
});

test('filter subgraphs: their nodes stay within the index size; only idle ones are evicted', async () => {
  const base = randomMatrix(ROWS, DIM, SEED + 3);
  const index = buildIndex('l2', base, DIM) as HnswIndex;
  try {
    // Five filters of 24% each: four subgraphs fit (the budget is the index's rows).
    const fs = Array.from({ length: 5 }, (_, k) => bitset((r) => (r + 6 * k) % 25 < 6, `k=${k}`));
    for (const x of fs.slice(0, 4)) await admit(index, x.f);
    assert.equal(index.subgraphs.size, 4);
    // The fifth evicts none of the four while they are in use: it gets none (no rebuild churn).
    assert.equal(index.prepareKeyedFilter(fs[4]!.f), false);
    assert.equal(index.prepareKeyedFilter(fs[4]!.f), false);
    assert.equal(index.subgraphs.size, 4);
    // Once k=0 has been idle long enough, the fifth takes its place.
    for (let i = 0; i < SUBGRAPH_IDLE_USES; i++) assert.equal(index.prepareKeyedFilter(fs[1 + (i % 3)]!.f), true);
    await admit(index, fs[4]!.f);
    assert.ok(index.subgraphs.totalNodes <= ROWS, `${index.subgraphs.totalNodes} nodes`);
    assert.equal(index.subgraphs.has('k=0'), false, 'the idle one went');
    assert.equal(index.subgraphs.has('k=4'), true);
    for (const x of fs) x.free();
  } finally {
    index.dispose();
  }
  assert.equal(index.subgraphs.size, 0);
});

/**
 * A stand-in for the worker pool whose one "worker" runs the task only when the test says so
 * (on this thread), so the test decides what happens while a subgraph is being built.
 */
function heldPool(): { pool: WorkerPool; release: () => void } {
  let run: (() => void) | null = null;
  const pool = {
    size: 1,
    get idle(): boolean {
      return run === null;
    },
    runAsync: (_task: unknown, args: unknown[]): Promise<number[]> =>
      new Promise((resolve) => {
        run = () => {
          run = null;
          resolve([insertNodesTask(args[0] as InsertTaskArgs, { worker: 1, memory: (id) => memories.memories.find((m) => m.id === id)! })]);
        };
      }),
  };
  return { pool: pool as unknown as WorkerPool, release: () => run?.() };
}

test(`filter subgraphs: the table changes while a worker builds one (seed ${SEED})`, async () => {
  const base = randomMatrix(ROWS, DIM, SEED + 4);
  const queries = randomMatrix(20, DIM, SEED + 5);
  const index = buildIndex('l2', base, DIM) as HnswIndex;
  const held = heldPool();
  const subgraphs = new FilterSubgraphs(index.state, () => held.pool);
  // The index's scans go through its own FilterSubgraphs: put the held one in its place.
  (index as unknown as { subgraphs: FilterSubgraphs }).subgraphs.dispose();
  (index as unknown as { subgraphs: FilterSubgraphs }).subgraphs = subgraphs;
  try {
    const inKey = (r: number): boolean => r % 8 === 0;
    const a = bitset(inKey, 'k');
    assert.equal(index.prepareKeyedFilter(a.f), false);
    assert.equal(index.prepareKeyedFilter(a.f), false, 'the admitting request');
    assert.equal(subgraphs.building('k'), true);
    assert.equal(subgraphs.backgroundBuilds, 1);
    assert.equal(subgraphs.inlineBuilds, 0);
    // While it builds: not handed out, not searched, the pool busy for another key.
    assert.equal(index.prepareKeyedFilter(a.f), false);
    assert.equal(scan(index, queries.subarray(0, DIM), a.f).keyed, false);
    a.free();
    // Rows of the key deleted (tombstoned by the index), rows that now pass (updated into the
    // key), rows that no longer pass (updated out of it), all before the worker is done.
    const deleted = (r: number): boolean => r % 24 === 0;
    for (let r = 0; r < ROWS; r += 24) index.delete(r);
    const now = (r: number): boolean => ((inKey(r) && r % 40 !== 8) || r % 8 === 3) && !deleted(r);
    const live = (r: number): boolean => !deleted(r);
    index.vacuum();
    assert.equal(subgraphs.building('k'), true);
    held.release();
    await subgraphs.settled();
    assert.equal(subgraphs.building('k'), false);
    // The tombstones waited for the build and were applied after it.
    assert.equal(subgraphs.failedBuilds, 0);
    const b = bitset(now, 'k');
    let hits = 0;
    for (let i = 0; i < 20; i++) {
      const q = queries.subarray(i * DIM, (i + 1) * DIM);
      const got = scan(index, q, b.f, live);
      assert.ok(got.keyed, 'the scan searched the subgraph');
      for (const r of got.ids) assert.ok(now(r), `row ${r} does not pass`);
      const want = new Set(exact(base, q, now));
      assert.equal(got.ids.length, want.size);
      for (const r of got.ids) if (want.has(r)) hits++;
    }
    assert.ok(hits / 200 >= 0.95, `recall ${hits / 200}`);
    b.free();
    // Dropped while building (the whole index): the task stops at its first claim and the
    // graph is freed when it settles.
    const c = bitset((r) => r % 8 === 5, 'k5');
    index.prepareKeyedFilter(c.f);
    index.prepareKeyedFilter(c.f);
    assert.equal(subgraphs.building('k5'), true);
    c.free();
  } finally {
    index.dispose();
  }
  assert.equal(subgraphs.size, 0);
  held.release();
  await subgraphs.settled();
  assert.equal(subgraphs.failedBuilds, 0);
});

test('filter subgraphs without a pool worker: the admitting request builds inline', async () => {
  const base = randomMatrix(ROWS, DIM, SEED + 6);
  const index = buildIndex('l2', base, DIM) as HnswIndex;
  const noWorkers = new WorkerPool(0);
  const subgraphs = new FilterSubgraphs(index.state, () => noWorkers);
  try {
    const a = bitset((r) => r % 6 === 1, 'k');
    assert.equal(subgraphs.use(a.f), null);
    const use = subgraphs.use(a.f);
    assert.notEqual(use, null);
    assert.equal(use!.excluded.length, 0);
    assert.equal(subgraphs.inlineBuilds, 1);
    assert.equal(subgraphs.backgroundBuilds, 0);
    assert.equal(subgraphs.totalNodes, a.f.rows);
    a.free();
  } finally {
    subgraphs.dispose();
    index.dispose();
  }
});

test(`filter subgraphs: a scan asked past its first search searches again and goes on (seed ${SEED})`, async () => {
  const base = randomMatrix(ROWS, DIM, SEED + 7);
  const queries = randomMatrix(10, DIM, SEED + 8);
  const index = buildIndex('l2', base, DIM) as HnswIndex;
  try {
    const inKey = (r: number): boolean => r % 5 === 2;
    const a = bitset(inKey, 'k');
    await admit(index, a.f);
    const use = index.subgraphs.use(a.f)!;
    assert.equal(use.excluded.length, 0);
    // Few rows visible (as to a snapshot that sees 1 in 25 of them): the first search's
    // ef_search nearest hold fewer than LIMIT, so the keyed scan (first search without the
    // discarded candidates) must search again keeping them and resume from there.
    const live = (r: number): boolean => r % 125 === 2;
    const opts = { gucs: gucs({ 'hnsw.ef_search': 40 }), limit: 10, isLive: live, exhaustive: true };
    const drain = (s: HnswScan, n: number): number[] => {
      const ids: number[] = [];
      const bi = new Int32Array(7);
      const bd = new Float64Array(7);
      while (ids.length < n) {
        const want = Math.min(bi.length, n - ids.length);
        const got = s.next(bi.subarray(0, want), bd.subarray(0, want));
        if (got === 0) break;
        for (let j = 0; j < got; j++) ids.push(bi[j]!);
      }
      return ids;
    };
    for (let i = 0; i < 10; i++) {
      const q = queries.subarray(i * DIM, (i + 1) * DIM);
      const keyed = new HnswScan(use.state, q, opts, new Int32Array(0));
      const kept = new HnswScan(use.state, q, opts);
      const got = drain(keyed, 40);
      const want = drain(kept, 40);
      // The same rows in the same order as a scan that kept the discarded candidates from the
      // start, none twice, all passing and visible.
      assert.deepEqual(got, want);
      assert.equal(new Set(got).size, got.length);
      for (const r of got) assert.ok(inKey(r) && live(r), `row ${r}`);
      assert.equal(got.length, 40);
      // First search, the search again, and at least one resumption.
      assert.ok(keyed.stats().searches >= 3, `${keyed.stats().searches} searches`);
      assert.equal(keyed.stats().searches, kept.stats().searches + 1);
      keyed.close();
      kept.close();
      // The first search is enough when the rows are visible: one search.
      const one = new HnswScan(use.state, q, { ...opts, isLive: () => true }, new Int32Array(0));
      const first = drain(one, 10);
      assert.equal(first.length, 10);
      assert.equal(one.stats().searches, 1);
      one.close();
    }
    a.free();
  } finally {
    index.dispose();
  }
});
