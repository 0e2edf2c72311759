/**
 * HNSW indexes made of partitions (access/hnsw/partitions.ts), at the access-method level:
 * with memories of 1 MiB a few thousand rows make several partitions. Recall@10 against exact
 * search is at least the unpartitioned index's at the same ef_search; the merge keeps
 * strict_order's ascending order; hnsw.max_scan_tuples bounds the whole scan; a partitioned
 * index saves and loads; dispose frees every partition's memory. Inserts past a full memory,
 * filters, every opclass and crashes: test/sql/hnsw_partitions.diff.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memories } from '../../src/kernels/memories.js';
import { hnswAm, type HnswIndex } from '../../src/access/hnsw/index.js';
import type { VectorIndex } from '../../src/access/am.js';
import { buildIndex, exactDistance, exactTopK, gucs, randomMatrix, scanAll } from './hnsw-helpers.js';
import { partitionPlan } from '../../src/access/hnsw/partitions.js';
import { MemorySink, MemorySource } from '../../src/storage/stream.js';
import { WorkerPool } from '../../src/kernels/workers.js';

const SEED = Number(process.env['VECGRES_SEED'] ?? 20261202);
const DIM = 32;
const ROWS = 4000;
const QUERIES = 30;
const K = 10;
const MIB = 2 ** 20;

const base = randomMatrix(ROWS, DIM, SEED);
const queries = randomMatrix(QUERIES, DIM, SEED + 1);

function recall(index: VectorIndex, ef: number): number {
  let hits = 0;
  for (let q = 0; q < QUERIES; q++) {
    const want = new Set(exactTopK('l2', base, queries, q, DIM, K));
    const got = scanAll(index, queries.subarray(q * DIM, (q + 1) * DIM), gucs({ 'hnsw.ef_search': ef }), K).ids;
    for (const id of got) if (want.has(id)) hits++;
  }
  return hits / (QUERIES * K);
}

// Built first, in a memory of the default size: one graph.
const whole = buildIndex('l2', base, DIM, { seed: SEED }) as HnswIndex;
// From here on new memories hold 1 MiB: the same rows make partitions.
memories.memoryBytesMax = MIB;
const parted = buildIndex('l2', base, DIM, { seed: SEED }) as HnswIndex;

test(`a build larger than one memory is split into partitions of about equal size (seed ${SEED})`, () => {
  assert.equal(whole.partitions.length, 1);
  const plan = partitionPlan(ROWS, DIM, parted.opclass, parted.state.options);
  assert.ok(plan.count >= 3, `plan of ${plan.count} partitions`);
  assert.equal(parted.partitions.length, plan.count);
  assert.equal(parted.size, ROWS);
  const arenas = new Set(parted.partitions.map((st) => st.graph.arena));
  assert.equal(arenas.size, parted.partitions.length, 'each partition in a memory of its own');
  for (const st of parted.partitions) {
    assert.ok(Math.abs(st.graph.count - plan.rowsEach) <= plan.rowsEach, `partition of ${st.graph.count} rows`);
    assert.ok(st.graph.arena.maxBytes === MIB);
  }
  let total = 0;
  for (const st of parted.partitions) total += st.graph.sizeBytes();
  assert.equal(parted.sizeBytes(), total);
  // Every row is in exactly one partition.
  for (let r = 0; r < ROWS; r++) assert.equal(parted.partitions.filter((st) => st.nodeOf(r) >= 0).length, 1, `row ${r}`);
});

test(`recall@10 of a partitioned index is at least the unpartitioned one's at equal ef_search (seed ${SEED})`, () => {
  for (const ef of [10, 40]) {
    const a = recall(whole, ef);
    const b = recall(parted, ef);
    assert.ok(b >= a, `ef ${ef}: partitioned ${b} < whole ${a}`);
  }
  assert.ok(recall(parted, 40) >= 0.95);
});

test(`distances are the exact ones; strict_order is ascending across partitions (seed ${SEED})`, () => {
  const g = gucs({ 'hnsw.iterative_scan': 'strict_order', 'hnsw.ef_search': 20, 'hnsw.max_scan_tuples': 1000000, work_mem: 1000000 });
  for (let q = 0; q < 5; q++) {
    const qv = queries.subarray(q * DIM, (q + 1) * DIM);
    const { ids, dists } = scanAll(parted, qv, g, 100000);
    assert.ok(ids.length > ROWS / 2, `${ids.length} rows`);
    assert.equal(new Set(ids).size, ids.length, 'no row twice');
    for (let i = 0; i < ids.length; i++) {
      assert.ok(Math.abs(dists[i]! - exactDistance('l2', qv, 0, base, ids[i]! * DIM, DIM)) < 1e-4);
      if (i > 0) assert.ok(dists[i]! >= dists[i - 1]!, `row ${i} closer than the one before`);
    }
  }
  // relaxed_order to exhaustion returns each row at most once and nearly all of them: a node
  // its graph's links never reach is never returned (pgvector's iterative scans have the same
  // limit); seed 5 leaves one of 4,000 so.
  const all = scanAll(parted, queries.subarray(0, DIM), gucs({ 'hnsw.iterative_scan': 'relaxed_order', 'hnsw.max_scan_tuples': 1000000, work_mem: 1000000 }), 100000);
  assert.equal(new Set(all.ids).size, all.ids.length, 'no row twice');
  assert.ok(all.ids.length >= ROWS * 0.995, `${all.ids.length} of ${ROWS} rows`);
});

test(`hnsw.max_scan_tuples bounds the tuples of the whole partitioned scan (seed ${SEED})`, () => {
  const qv = queries.subarray(0, DIM);
  const cap = 300;
  const capped = scanAll(parted, qv, gucs({ 'hnsw.iterative_scan': 'relaxed_order', 'hnsw.max_scan_tuples': cap }), 100000);
  const one = scanAll(whole, qv, gucs({ 'hnsw.iterative_scan': 'relaxed_order', 'hnsw.max_scan_tuples': cap }), 100000);
  // Each partition's scan stops resuming once the partitions' sum passes the cap: the rows
  // returned stay within a few searches' worth of the unpartitioned scan's, far from all rows.
  assert.ok(capped.ids.length < ROWS / 2, `${capped.ids.length} rows with max_scan_tuples ${cap}`);
  assert.ok(capped.ids.length <= one.ids.length * parted.partitions.length, `${capped.ids.length} vs ${one.ids.length}`);
});

test(`parallel and concurrent (async) builds of partitions: the same partitions, recall at least the serial build's (seed ${SEED})`, async () => {
  const opclass = hnswAm.opclasses.find((o) => o.name === 'vector_l2_ops')!;
  const input = {
    dim: DIM,
    opclass,
    options: hnswAm.parseOptions(new Map(), DIM),
    rowCount: ROWS,
    seed: SEED,
    parallelWorkers: 2,
    parallelMinBytes: 0,
    forEachRow(fn: (rowId: number, vec: Float32Array) => void) {
      for (let i = 0; i < ROWS; i++) fn(i, base.subarray(i * DIM, (i + 1) * DIM));
    },
  };
  const serial = recall(parted, 40);
  const par = hnswAm.build(input) as HnswIndex;
  try {
    assert.deepEqual(par.partitions.map((st) => st.graph.count), parted.partitions.map((st) => st.graph.count));
    if (WorkerPool.shared().size > 0) assert.ok(par.state.buildParticipants > 1, 'the build ran on workers');
    assert.ok(recall(par, 40) >= serial - 0.02, `parallel ${recall(par, 40)} vs serial ${serial}`);
  } finally {
    par.dispose();
  }
  const async = hnswAm.buildAsync!({ ...input, callerJoins: true });
  const idx = (await async.done) as HnswIndex;
  try {
    assert.equal(async.tuplesDone(), ROWS);
    assert.deepEqual(idx.partitions.map((st) => st.graph.count), parted.partitions.map((st) => st.graph.count));
    assert.ok(recall(idx, 40) >= serial - 0.02, `async ${recall(idx, 40)} vs serial ${serial}`);
  } finally {
    idx.dispose();
  }
});

test(`a partitioned index saves and loads; dispose frees every partition's memory (seed ${SEED})`, () => {
  const sink = new MemorySink();
  parted.save(sink);
  const bytes = sink.bytes();
  // The checkpoint reader checks the length; this test counts what the load read.
  let pos = 0;
  const inner = new MemorySource(bytes);
  const source = {
    readBytes(n: number): Uint8Array {
      pos += n;
      return inner.readBytes(n);
    },
    readInto(buf: Uint8Array, off = 0, n = buf.length - off): void {
      pos += n;
      inner.readInto(buf, off, n);
    },
  };
  const before = memories.memories.length;
  const loaded = hnswAm.load!({ dim: DIM, opclass: parted.opclass, options: parted.state.options, seed: SEED, source }) as HnswIndex;
  assert.equal(pos, bytes.length, 'the whole file read');
  assert.equal(loaded.partitions.length, parted.partitions.length);
  assert.equal(memories.memories.length, before + parted.partitions.length);
  for (let q = 0; q < 5; q++) {
    const qv = queries.subarray(q * DIM, (q + 1) * DIM);
    assert.deepEqual(scanAll(loaded, qv, gucs(), K), scanAll(parted, qv, gucs(), K));
  }
  loaded.dispose();
  assert.equal(memories.memories.length, before);
  const used = memories.usedBytes;
  parted.dispose();
  assert.equal(memories.memories.length, before - parted.partitions.length);
  assert.ok(memories.usedBytes < used - (parted.partitions.length - 1) * 0.5 * MIB);
  whole.dispose();
});
