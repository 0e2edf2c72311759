// IVFFlat at the access-method level: exact answers with probes = lists, recall measured
// against exact search, iterative scans, inserts / deletes / vacuum, row filters, save and
// load, builds on empty and tiny inputs, and the cost model. Data is seeded (SEED, printed on
// failure through the assertion messages).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BuildNotice, Metric, RowFilter, VectorIndex } from '../../src/access/am.js';
import { ivfflatAm } from '../../src/access/ivfflat/index.js';
import type { IvfflatIndex } from '../../src/access/ivfflat/ivfflat-index.js';
import { sampleSize } from '../../src/access/ivfflat/build.js';
import type { GucReader, GucValue } from '../../src/common/guc.js';
import { memories } from '../../src/kernels/memories.js';
import { MemorySink, MemorySource } from '../../src/storage/stream.js';
import { exactDistance, exactTopK, randomMatrix, scanAll } from './hnsw-helpers.js';

/** The process's only memory in this test (indexes and their scratch live there). */
const arena = memories.memories[0]!;

const SEED = Number(process.env['VECGRES_SEED'] ?? 4242);

function gucs(values: Record<string, GucValue> = {}): GucReader {
  const all: Record<string, GucValue> = { 'ivfflat.probes': 1, 'ivfflat.iterative_scan': 'off', 'ivfflat.max_probes': 32768, ...values };
  return {
    get(name: string) {
      if (!(name in all)) throw new Error(`unknown setting ${name}`);
      return all[name]!;
    },
  };
}

/** Rows around `centers` random centers (a clustered set, as real embeddings are). */
function clustered(rows: number, dim: number, centers: number, seed: number): Float32Array {
  const c = randomMatrix(centers, dim, seed);
  const noise = randomMatrix(rows, dim, seed + 1);
  const a = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    const k = (i * 7919) % centers;
    for (let j = 0; j < dim; j++) a[i * dim + j] = 2 * c[k * dim + j]! + 0.7 * noise[i * dim + j]!;
  }
  return a;
}

function build(metric: Metric, base: Float32Array, dim: number, lists: number, notices: BuildNotice[] = [], seed = SEED): IvfflatIndex {
  const opclass = ivfflatAm.opclasses.find((o) => o.metric === metric)!;
  const rows = base.length / dim;
  return ivfflatAm.build({
    dim,
    opclass,
    options: ivfflatAm.parseOptions(new Map([['lists', String(lists)]]), dim),
    rowCount: rows,
    seed,
    forEachRow(fn) {
      for (let i = 0; i < rows; i++) fn(i, base.subarray(i * dim, (i + 1) * dim));
    },
    onNotice: (n) => notices.push(n),
  }) as IvfflatIndex;
}

function recallAt(metric: Metric, index: VectorIndex, base: Float32Array, queries: Float32Array, dim: number, g: GucReader): number {
  const nq = queries.length / dim;
  let hits = 0;
  for (let q = 0; q < nq; q++) {
    const want = new Set(exactTopK(metric, base, queries, q, dim, 10));
    for (const id of scanAll(index, queries.subarray(q * dim, (q + 1) * dim), g, 10).ids) if (want.has(id)) hits++;
  }
  return hits / (nq * 10);
}

for (const metric of ['l2', 'ip', 'cosine'] as const) {
  test(`${metric}: probes = lists returns the exact top-10 with pgvector's distances (seed ${SEED})`, () => {
    const dim = 12;
    const base = clustered(3000, dim, 20, SEED);
    const queries = randomMatrix(20, dim, SEED + 2);
    const index = build(metric, base, dim, 16);
    try {
      assert.equal(index.size, 3000);
      const g = gucs({ 'ivfflat.probes': 16 });
      for (let q = 0; q < 20; q++) {
        const want = exactTopK(metric, base, queries, q, dim, 10);
        const got = scanAll(index, queries.subarray(q * dim, (q + 1) * dim), g, 10);
        assert.deepEqual(got.ids, want, `query ${q}`);
        for (let i = 0; i < 10; i++) {
          const d = exactDistance(metric, queries, q * dim, base, got.ids[i]! * dim, dim);
          assert.ok(Math.abs(got.dists[i]! - d) <= 1e-4 * (1 + Math.abs(d)), `distance ${got.dists[i]} vs ${d}`);
        }
      }
    } finally {
      index.dispose();
    }
  });
}

test(`recall@10 grows with probes, measured against exact search (seed ${SEED})`, () => {
  const dim = 16;
  const base = clustered(6000, dim, 40, SEED + 3);
  const queries = clustered(60, dim, 40, SEED + 4);
  const index = build('l2', base, dim, 40);
  try {
    const r = [1, 4, 16, 40].map((p) => recallAt('l2', index, base, queries, dim, gucs({ 'ivfflat.probes': p })));
    for (let i = 1; i < r.length; i++) assert.ok(r[i]! >= r[i - 1]!, `recall by probes ${r.join(' ')}`);
    assert.equal(r[3], 1);
    assert.ok(r[1]! >= 0.8, `recall@10 at probes 4 of 40 lists: ${r[1]}`);
  } finally {
    index.dispose();
  }
});

test('iterative_scan off stops after the probed lists; relaxed_order continues up to max_probes', () => {
  const dim = 8;
  const base = randomMatrix(2000, dim, SEED + 5);
  const index = build('l2', base, dim, 10);
  try {
    const q = base.subarray(0, dim);
    const off = scanAll(index, q, gucs({ 'ivfflat.probes': 2 }), 5000);
    const order = listsByDistance(index, q);
    const inTwo = index.lists.count[order[0]!]! + index.lists.count[order[1]!]!;
    assert.equal(off.ids.length, inTwo);
    assert.equal(off.searches, 1);
    const relaxed = scanAll(index, q, gucs({ 'ivfflat.probes': 2, 'ivfflat.iterative_scan': 'relaxed_order', 'ivfflat.max_probes': 6 }), 5000);
    let inSix = 0;
    for (let i = 0; i < 6; i++) inSix += index.lists.count[order[i]!]!;
    assert.equal(relaxed.ids.length, inSix);
    assert.equal(relaxed.searches, 3);
    assert.equal(new Set(relaxed.ids).size, inSix);
    const all = scanAll(index, q, gucs({ 'ivfflat.iterative_scan': 'relaxed_order' }), 5000);
    assert.equal(all.ids.length, 2000);
    // max_probes below probes: probes wins (pgvector).
    const low = scanAll(index, q, gucs({ 'ivfflat.probes': 3, 'ivfflat.iterative_scan': 'relaxed_order', 'ivfflat.max_probes': 1 }), 5000);
    assert.equal(low.searches, 1);
  } finally {
    index.dispose();
  }
});

function listsByDistance(index: IvfflatIndex, q: Float32Array): number[] {
  const f = arena.f32();
  const k = index.lists.lists;
  const d: Array<[number, number]> = [];
  for (let l = 0; l < k; l++) {
    let s = 0;
    for (let j = 0; j < index.dim; j++) {
      const x = q[j]! - f[(index.lists.centersPtr >>> 2) + l * index.dim + j]!;
      s += x * x;
    }
    d.push([s, l]);
  }
  d.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return d.map((x) => x[1]);
}

test('inserts after build go to the nearest list; deletes are skipped; vacuum removes them', () => {
  const dim = 8;
  const base = randomMatrix(1500, dim, SEED + 6);
  const index = build('l2', base.subarray(0, 1000 * dim), dim, 8);
  try {
    for (let i = 1000; i < 1500; i++) index.insert(i, base.subarray(i * dim, (i + 1) * dim));
    assert.equal(index.size, 1500);
    const g = gucs({ 'ivfflat.probes': 8 });
    const q = randomMatrix(1, dim, SEED + 7);
    assert.deepEqual(scanAll(index, q, g, 10).ids, exactTopK('l2', base, q, 0, dim, 10));
    // every inserted row is in the list of its nearest center
    const f = arena.f32();
    for (let l = 0; l < 8; l++) {
      for (const row of index.lists.entriesOf(l).rowIds) {
        assert.equal(listsByDistance(index, base.subarray(row * dim, (row + 1) * dim))[0], l, `row ${row}`);
      }
      void f;
    }
    const dead = (r: number): boolean => r % 3 === 0;
    for (let r = 0; r < 1500; r++) if (dead(r)) index.delete(r);
    assert.deepEqual(scanAll(index, q, g, 10).ids, exactTopK('l2', base, q, 0, dim, 10, (r) => !dead(r)));
    assert.equal(index.deletedCount, 500);
    index.vacuum();
    assert.equal(index.size, 1000);
    assert.equal(index.deletedCount, 0);
    assert.deepEqual(scanAll(index, q, g, 10).ids, exactTopK('l2', base, q, 0, dim, 10, (r) => !dead(r)));
    // a vacuumed row id comes back (slot reuse) with a new vector
    index.insert(3, base.subarray(4 * dim, 5 * dim));
    const again = scanAll(index, base.subarray(4 * dim, 5 * dim), g, 2).ids.sort((a, b) => a - b);
    assert.deepEqual(again, [3, 4]);
  } finally {
    index.dispose();
  }
});

test('a row filter is consulted while lists are read: LIMIT rows that pass whenever they exist', () => {
  const dim = 8;
  const rows = 4000;
  const base = randomMatrix(rows, dim, SEED + 8);
  const index = build('l2', base, dim, 20);
  const words = (rows + 31) >>> 5;
  const ptr = arena.alloc(words * 4, 'test bitmap');
  try {
    const pass = (r: number): boolean => r % 50 === 7; // 2%: far fewer than one list holds
    const i32 = arena.i32();
    let count = 0;
    for (let r = 0; r < rows; r++) {
      if (pass(r)) {
        i32[(ptr >>> 2) + (r >>> 5)] |= 1 << (r & 31);
        count++;
      }
    }
    const filter: RowFilter = { bitmapPtr: ptr, bitmapMemory: arena, rowBits: rows, rows: count, selectivity: count / rows };
    const q = randomMatrix(1, dim, SEED + 9);
    for (const k of [10, 60, 200]) {
      const scan = index.beginScan(q, { gucs: gucs(), limit: k, isLive: () => true, filter });
      const ids: number[] = [];
      const bi = new Int32Array(32);
      const bd = new Float64Array(32);
      for (let n; ids.length < k && (n = scan.next(bi, bd)) > 0; ) for (let j = 0; j < n && ids.length < k; j++) ids.push(bi[j]!);
      scan.close();
      assert.equal(ids.length, Math.min(k, count), `limit ${k}`);
      assert.ok(ids.every(pass));
    }
  } finally {
    arena.free(ptr, words * 4);
    index.dispose();
  }
});

test('save and load give the same index and answers', () => {
  const dim = 8;
  const base = randomMatrix(1200, dim, SEED + 10);
  const index = build('cosine', base, dim, 12);
  let loaded: VectorIndex | null = null;
  try {
    index.delete(5);
    const sink = new MemorySink();
    index.save(sink);
    loaded = ivfflatAm.load!({ dim, opclass: index.opclass, options: index.options, seed: 1, source: new MemorySource(sink.bytes()) });
    assert.equal(loaded.size, index.size);
    assert.equal((loaded as IvfflatIndex).deletedCount, 1);
    const q = randomMatrix(3, dim, SEED + 11);
    for (const p of [1, 3, 12]) {
      for (let i = 0; i < 3; i++) {
        const qi = q.subarray(i * dim, (i + 1) * dim);
        assert.deepEqual(scanAll(loaded, qi, gucs({ 'ivfflat.probes': p }), 20), scanAll(index, qi, gucs({ 'ivfflat.probes': p }), 20));
      }
    }
    loaded.delete(7);
    assert.equal((loaded as IvfflatIndex).deletedCount, 2);
    assert.throws(
      () => ivfflatAm.load!({ dim, opclass: index.opclass, options: { lists: 13 }, seed: 1, source: new MemorySource(sink.bytes()) }),
      (e: { code?: string }) => e.code === 'XX001',
    );
  } finally {
    index.dispose();
    loaded?.dispose();
  }
});

test('builds on an empty or tiny input work and raise pgvector\'s NOTICE', () => {
  const notices: BuildNotice[] = [];
  const empty = build('l2', new Float32Array(0), 4, 100, notices);
  try {
    assert.equal(notices.length, 1);
    assert.deepEqual(notices[0], {
      message: 'ivfflat index created with little data',
      detail: 'This will cause low recall.',
      hint: 'Drop the index until the table has more data.',
    });
    assert.deepEqual(scanAll(empty, new Float32Array([1, 2, 3, 4]), gucs(), 10).ids, []);
    empty.insert(0, new Float32Array([1, 2, 3, 4]));
    assert.deepEqual(scanAll(empty, new Float32Array([1, 2, 3, 4]), gucs({ 'ivfflat.probes': 100 }), 10).ids, [0]);
  } finally {
    empty.dispose();
  }
  notices.length = 0;
  const tiny = build('ip', randomMatrix(5, 4, SEED), 4, 10, notices);
  try {
    assert.equal(notices.length, 1);
    assert.equal(scanAll(tiny, new Float32Array([1, 0, 0, 0]), gucs({ 'ivfflat.probes': 10 }), 10).ids.length, 5);
  } finally {
    tiny.dispose();
  }
  notices.length = 0;
  const enough = build('l2', randomMatrix(10, 4, SEED), 4, 10, notices);
  enough.dispose();
  assert.equal(notices.length, 0);
});

test('cosine does not index zero vectors (pgvector IvfflatCheckNorm)', () => {
  const dim = 4;
  const base = randomMatrix(100, dim, SEED + 12);
  base.fill(0, 0, dim);
  const index = build('cosine', base, dim, 4);
  try {
    assert.equal(index.size, 99);
    index.insert(100, new Float32Array(dim));
    assert.equal(index.size, 99);
  } finally {
    index.dispose();
  }
});

test('after a build the lists hold no slack; inserts grow them again', () => {
  const dim = 8;
  const base = randomMatrix(1000, dim, SEED + 15);
  const index = build('l2', base, dim, 7);
  try {
    assert.equal(index.sizeBytes(), 7 * dim * 4 + 1000 * (dim * 4 + 4));
    for (let i = 0; i < 100; i++) index.insert(1000 + i, base.subarray(i * dim, (i + 1) * dim));
    assert.equal(index.size, 1100);
    const g = gucs({ 'ivfflat.probes': 7 });
    const got = scanAll(index, base.subarray(0, dim), g, 2).ids.sort((a, b) => a - b);
    assert.deepEqual(got, [0, 1000]);
  } finally {
    index.dispose();
  }
});

test('the sample is pgvector\'s: lists * 50 rows, at least 10,000, at most the table', () => {
  assert.equal(sampleSize(100, 1_000_000), 10000);
  assert.equal(sampleSize(1000, 1_000_000), 50000);
  assert.equal(sampleSize(1000, 20000), 20000);
  assert.equal(sampleSize(10, 0), 1);
});

test('the same seed builds the same centers', () => {
  const dim = 8;
  const base = randomMatrix(3000, dim, SEED + 13);
  const a = build('l2', base, dim, 16, [], 11);
  const b = build('l2', base, dim, 16, [], 11);
  try {
    const f = arena.f32();
    const ca = Array.from(f.subarray(a.lists.centersPtr >>> 2, (a.lists.centersPtr >>> 2) + 16 * dim));
    const cb = Array.from(f.subarray(b.lists.centersPtr >>> 2, (b.lists.centersPtr >>> 2) + 16 * dim));
    assert.deepEqual(ca, cb);
    assert.deepEqual(Array.from(a.lists.count), Array.from(b.lists.count));
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('cost grows with probes and reaches about the exact scan at probes = lists', () => {
  const dim = 8;
  const base = randomMatrix(5000, dim, SEED + 14);
  const index = build('l2', base, dim, 50);
  try {
    let prev = 0;
    for (const p of [1, 2, 5, 10, 25, 50]) {
      const c = ivfflatAm.costEstimate(index, { tableRows: 5000, limit: 10, selectivity: 1, gucs: gucs({ 'ivfflat.probes': p }) });
      assert.ok(c.total > prev, `probes ${p}: ${c.total}`);
      assert.ok(c.total <= 50 + 5000 * 1.1, `probes ${p}: ${c.total}`);
      prev = c.total;
    }
    const one = ivfflatAm.costEstimate(index, { tableRows: 5000, limit: 10, selectivity: 1, gucs: gucs() });
    assert.ok(one.total < 5000 / 10);
  } finally {
    index.dispose();
  }
});

test(`cost estimate tracks the measured distance computations (size-biased lists, seed ${SEED})`, () => {
  const dim = 16;
  const base = clustered(8000, dim, 30, SEED + 16);
  const queries = clustered(100, dim, 30, SEED + 17);
  const index = build('l2', base, dim, 40);
  try {
    for (const p of [1, 4, 10]) {
      const g = gucs({ 'ivfflat.probes': p });
      let measured = 0;
      for (let q = 0; q < 100; q++) {
        const scan = index.beginScan(queries.subarray(q * dim, (q + 1) * dim), { gucs: g, limit: 10, isLive: () => true });
        scan.next(new Int32Array(10), new Float64Array(10));
        measured += scan.stats().distanceComputations / 100;
        scan.close();
      }
      const est = ivfflatAm.costEstimate(index, { tableRows: 8000, limit: 10, selectivity: 1, gucs: g }).total / (1 + 0.05);
      assert.ok(Math.abs(est - measured) <= 0.3 * measured, `probes ${p}: estimate ${est.toFixed(0)}, measured ${measured.toFixed(0)}`);
    }
  } finally {
    index.dispose();
  }
});
