/**
 * Parallel IVFFlat builds (access/ivfflat/parallel.ts): the centers and the lists (row ids in
 * order, vectors byte for byte) that 2, 3 and 4 participants build are exactly the serial
 * build's, for every opclass over seeded clustered data, over several load batches, and on a
 * GloVe subset; the parallel path really ran (the pool counts its parallel calls); builds
 * below the size threshold or without workers stay serial; an out-of-memory error during a
 * parallel build leaves every byte as it was.
 */
// The pool of this test process: three workers, so builds of 2, 3 and 4 participants all run.
process.env['VECGRES_WORKERS'] ??= '3';

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BuildProgress, OpClass, VectorKey } from '../../src/access/am.js';
import { ivfflatAm } from '../../src/access/ivfflat/index.js';
import type { IvfflatIndex } from '../../src/access/ivfflat/ivfflat-index.js';
import { LOAD_BATCH_BYTES } from '../../src/access/ivfflat/build.js';
import { loadGlove } from '../../src/cli/glove.js';
import { PgError } from '../../src/common/errors.js';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';
import { WorkerPool } from '../../src/kernels/workers.js';
import { float4ToHalf } from '../../src/types/halfvec.js';
import { SEED } from '../support/seed.js';

function opclass(name: string): OpClass {
  const o = ivfflatAm.opclasses.find((x) => x.name === name);
  assert.ok(o, name);
  return o;
}

interface BuildOpts {
  workers: number;
  minBytes?: number;
  seed?: number;
  onProgress?: (p: BuildProgress) => void;
}

function build(oc: OpClass, keys: readonly VectorKey[], dim: number, lists: number, o: BuildOpts): IvfflatIndex {
  return ivfflatAm.build({
    dim,
    opclass: oc,
    options: ivfflatAm.parseOptions(new Map([['lists', String(lists)]]), dim),
    rowCount: keys.length,
    seed: o.seed ?? SEED,
    parallelWorkers: o.workers,
    parallelMinBytes: o.minBytes ?? 0,
    // k-means on the workers too, however small the sample (the default keeps small ones on the leader).
    kmeansParallelMinWork: 0,
    forEachRow(fn) {
      keys.forEach((k, i) => fn(i, k));
    },
    ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
  }) as IvfflatIndex;
}

/**
 * Seeded keys of `kind` around `centers` random centers (clustered, as embeddings are), with
 * a zero vector at row 5 (not indexed under cosine).
 */
function keysOf(kind: 'vector' | 'halfvec' | 'bit', rows: number, dim: number, centers: number, seed: number): VectorKey[] {
  const prng = new Prng(seed);
  const c = new Float32Array(centers * dim);
  for (let i = 0; i < c.length; i++) c[i] = prng.next() * 2 - 1;
  const out: VectorKey[] = [];
  for (let r = 0; r < rows; r++) {
    const at = prng.int(centers) * dim;
    const v = new Float32Array(dim);
    if (r !== 5) for (let j = 0; j < dim; j++) v[j] = c[at + j]! + 0.4 * (prng.next() * 2 - 1);
    if (kind === 'vector') out.push(v);
    else if (kind === 'halfvec') out.push(Uint16Array.from(v, (x) => float4ToHalf(x)));
    else {
      const b = new Uint8Array(Math.ceil(dim / 8));
      for (let j = 0; j < dim; j++) if (v[j]! > 0) b[j >>> 3]! |= 0x80 >>> (j & 7);
      out.push(b);
    }
  }
  return out;
}

/** Asserts that two indexes hold the same centers and lists (row ids and vector bytes, in order). */
function assertSameIndex(a: IvfflatIndex, b: IvfflatIndex, what: string): void {
  const la = a.lists;
  const lb = b.lists;
  assert.equal(lb.lists, la.lists, `${what}: lists`);
  assert.equal(lb.total, la.total, `${what}: entries`);
  const ua = la.arena.u8();
  const ub = lb.arena.u8();
  const cb = la.lists * la.vecBytes;
  assert.ok(Buffer.from(ua.subarray(la.centersPtr, la.centersPtr + cb)).equals(Buffer.from(ub.subarray(lb.centersPtr, lb.centersPtr + cb))), `${what}: centers differ`);
  for (let l = 0; l < la.lists; l++) {
    const n = la.count[l]!;
    assert.equal(lb.count[l], n, `${what}: list ${l} size`);
    if (n === 0) continue;
    const ea = la.entriesOf(l);
    const eb = lb.entriesOf(l);
    assert.ok(Buffer.from(ea.vectors).equals(Buffer.from(eb.vectors)), `${what}: list ${l} vectors differ`);
    assert.deepEqual(Array.from(eb.rowIds), Array.from(ea.rowIds), `${what}: list ${l} row ids differ`);
  }
}

const cases: Array<{ name: string; kind: 'vector' | 'halfvec' | 'bit'; dim: number }> = [
  { name: 'vector_l2_ops', kind: 'vector', dim: 24 },
  { name: 'vector_ip_ops', kind: 'vector', dim: 24 },
  { name: 'vector_cosine_ops', kind: 'vector', dim: 24 },
  { name: 'halfvec_l2_ops', kind: 'halfvec', dim: 24 },
  { name: 'halfvec_cosine_ops', kind: 'halfvec', dim: 24 },
  { name: 'bit_hamming_ops', kind: 'bit', dim: 200 },
];

for (const c of cases) {
  test(`${c.name}: builds on 2, 3 and 4 participants give the serial build's centers and lists (seed ${SEED})`, () => {
    const keys = keysOf(c.kind, 3000, c.dim, 40, SEED);
    const oc = opclass(c.name);
    const serial = build(oc, keys, c.dim, 25, { workers: 0 });
    try {
      for (const workers of [1, 2, 3]) {
        const runs = WorkerPool.shared().parallelRuns;
        const par = build(oc, keys, c.dim, 25, { workers });
        try {
          // k-means iterations plus one load batch, each one parallel call.
          assert.ok(WorkerPool.shared().parallelRuns >= runs + 2, `${c.name}, ${workers} workers: the parallel path ran (seed ${SEED})`);
          assertSameIndex(serial, par, `${c.name}, ${1 + workers} participants, seed ${SEED}`);
        } finally {
          par.dispose();
        }
      }
    } finally {
      serial.dispose();
    }
  });
}

test(`rows loaded over several batches land as in the serial build, with progress after each (seed ${SEED})`, () => {
  const dim = 1024;
  const perBatch = Math.floor(LOAD_BATCH_BYTES / (dim * 4));
  const rows = 2 * perBatch + 77;
  const keys = keysOf('vector', rows, dim, 30, SEED + 1);
  const oc = opclass('vector_cosine_ops');
  const serial = build(oc, keys, dim, 20, { workers: 0 });
  const reports: BuildProgress[] = [];
  const par = build(oc, keys, dim, 20, { workers: 2, onProgress: (p) => reports.push(p) });
  try {
    assertSameIndex(serial, par, `${rows} rows of ${dim}-d, seed ${SEED}`);
    const assigning = reports.filter((r) => r.phase === 'building index: assigning tuples').map((r) => r.tuplesDone);
    // Rows seen, the zero vector at row 5 (not indexed) among them.
    assert.deepEqual(assigning, [0, perBatch + 1, 2 * perBatch + 1, rows]);
    assert.equal(reports[reports.length - 1]!.phase, 'building index: loading tuples');
  } finally {
    par.dispose();
    serial.dispose();
  }
});

test('GloVe 20k cosine, lists = 100: the parallel build is the serial build', () => {
  const { dim, base } = loadGlove({ rows: 20000, queries: 10 });
  const rows = base.length / dim;
  const keys: VectorKey[] = [];
  for (let i = 0; i < rows; i++) keys.push(base.subarray(i * dim, (i + 1) * dim));
  const oc = opclass('vector_cosine_ops');
  const serial = build(oc, keys, dim, 100, { workers: 0, seed: 42 });
  const runs = WorkerPool.shared().parallelRuns;
  // The default threshold (8 MB): 20,000 x 400 bytes is below it, so set it to the table's size.
  const par = build(oc, keys, dim, 100, { workers: 2, seed: 42, minBytes: rows * dim * 4 });
  try {
    assert.ok(WorkerPool.shared().parallelRuns > runs, 'the parallel path ran');
    assertSameIndex(serial, par, 'GloVe 20k');
  } finally {
    par.dispose();
    serial.dispose();
  }
});

test('builds below min_parallel_table_scan_size or without workers stay serial', () => {
  const keys = keysOf('vector', 2000, 16, 10, SEED + 2);
  const oc = opclass('vector_l2_ops');
  const runs = WorkerPool.shared().parallelRuns;
  // 2,000 x 64 bytes: below the default 8 MB threshold.
  ivfflatAm.build({
    dim: 16, opclass: oc, options: ivfflatAm.parseOptions(new Map([['lists', '10']]), 16), rowCount: keys.length, seed: 1, parallelWorkers: 2,
    forEachRow(fn) {
      keys.forEach((k, i) => fn(i, k));
    },
  }).dispose();
  build(oc, keys, 16, 10, { workers: 2, minBytes: 2000 * 64 + 1 }).dispose();
  build(oc, keys, 16, 10, { workers: 0 }).dispose();
  assert.equal(WorkerPool.shared().parallelRuns, runs);
  build(oc, keys, 16, 10, { workers: 2, minBytes: 2000 * 64 }).dispose();
  assert.ok(WorkerPool.shared().parallelRuns > runs, 'at the threshold the build goes parallel');
});

test(`a parallel build that runs out of memory fails with 53200 and leaves nothing behind (seed ${SEED})`, () => {
  const dim = 256;
  const rows = 6000;
  const keys = keysOf('vector', rows, dim, 20, SEED + 3);
  const oc = opclass('vector_l2_ops');
  const before = memories.allocatedBytes;
  const probe = build(oc, keys, dim, 30, { workers: 3 });
  const indexBytes = memories.allocatedBytes - before;
  probe.dispose();
  assert.equal(memories.allocatedBytes, before);
  const saved = memories.limitBytes;
  let failures = 0;
  let successes = 0;
  try {
    // Limits from well below the index to above it with its sample, its lists grown by
    // doubling and its load batch.
    for (let k = 1; k <= 12; k++) {
      memories.limitBytes = memories.usedBytes + Math.floor((indexBytes * 4 * k) / 12);
      try {
        build(oc, keys, dim, 30, { workers: 3 }).dispose();
        successes++;
      } catch (e) {
        assert.ok(e instanceof PgError && e.code === '53200', String(e));
        failures++;
      }
      assert.equal(memories.allocatedBytes, before, `limit step ${k}: bytes left behind`);
    }
  } finally {
    memories.limitBytes = saved;
  }
  assert.ok(failures > 0 && successes > 0, `${failures} failures, ${successes} successes`);
});
