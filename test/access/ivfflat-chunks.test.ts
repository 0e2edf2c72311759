/**
 * IVFFlat lists larger than one memory (access/ivfflat/lists.ts: a list continues in chunks,
 * each in any memory of the index), at the access-method level: with memories of 1 MiB, one
 * list of 30,000 rows of 16 dimensions (about 2 MB) cannot lie in one. `lists = 1` (which
 * pgvector allows) and skewed data (one cluster holding most rows) give the rows and distances
 * of exact search, and of the same build in one memory of the default size, at every probes;
 * inserts continue in new chunks, deletes and VACUUM move entries across chunks; save + load and
 * base + delta round-trip; at `vecgres.memory_limit` an insert is 53200 and changes nothing;
 * dispose gives the memories back. SQL, PostgreSQL's answers and crash recovery:
 * test/sql/ivfflat_memories.diff.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memories } from '../../src/kernels/memories.js';
import { ARENA_MAX_BYTES } from '../../src/kernels/arena.js';
import { ivfflatAm, type IvfflatIndex } from '../../src/access/ivfflat/index.js';
import { MemorySink, MemorySource } from '../../src/storage/stream.js';
import { Prng } from '../../src/common/prng.js';
import { exactTopK, randomMatrix } from './hnsw-helpers.js';
import { ivfflatGucs, listContents, listShape, scanPairs } from './ivfflat-helpers.js';

const SEED = Number(process.env['VECGRES_SEED'] ?? 20261203);
const DIM = 16;
const ROWS = 30000;
const QUERIES = 8;
const MIB = 2 ** 20;

const opclass = ivfflatAm.opclasses.find((o) => o.name === 'vector_l2_ops')!;

/** Uniform rows (`lists = 1`), or skewed: 95% of rows in one tight cluster, the rest spread. */
function rowsOf(kind: 'uniform' | 'skewed', n: number, seed: number): Float32Array {
  const m = randomMatrix(n, DIM, seed);
  if (kind === 'skewed') {
    const p = new Prng(seed + 1);
    for (let i = 0; i < n; i++) {
      if (p.next() < 0.05) continue;
      for (let d = 0; d < DIM; d++) m[i * DIM + d] = 3 + m[i * DIM + d]! * 0.05;
    }
  }
  return m;
}

function build(base: Float32Array, lists: number): IvfflatIndex {
  return ivfflatAm.build({
    dim: DIM,
    opclass,
    options: ivfflatAm.parseOptions(new Map([['lists', String(lists)]]), DIM),
    rowCount: ROWS,
    seed: SEED,
    forEachRow(fn) {
      for (let i = 0; i < ROWS; i++) fn(i, base.subarray(i * DIM, (i + 1) * DIM));
    },
  }) as IvfflatIndex;
}

/** The largest list's chunks, the memories they lie in, and its entries. */
function chunksOfLargest(ix: IvfflatIndex): { chunks: number; memories: number; entries: number } {
  const l = ix.lists;
  let big = 0;
  for (let k = 1; k < l.lists; k++) if (l.count[k]! > l.count[big]!) big = k;
  const mems = new Set<number>();
  for (let c = l.firstChunk(big); c >= 0; c = l.nextChunk(c)) mems.add(l.chunkArena(c).id);
  return { chunks: l.chunks(big), memories: mems.size, entries: l.count[big]! };
}

const cases = [
  { kind: 'uniform' as const, lists: 1 },
  { kind: 'skewed' as const, lists: 4 },
];

for (const c of cases) {
  const base = rowsOf(c.kind, ROWS + 6000, SEED);
  const queries = randomMatrix(QUERIES, DIM, SEED + 9);
  if (c.kind === 'skewed') for (let i = 0; i < QUERIES * DIM; i += 2) queries[i] = 3 + queries[i]! * 0.05;

  test(`${c.kind}, lists = ${c.lists}: a list larger than a memory lies in chunks and scans as exact search at every probes (seed ${SEED})`, () => {
    memories.memoryBytesMax = MIB;
    const chained = build(base, c.lists);
    memories.memoryBytesMax = ARENA_MAX_BYTES;
    const whole = build(base, c.lists);
    memories.memoryBytesMax = MIB;
    try {
      const big = chunksOfLargest(chained);
      assert.ok(big.chunks >= 2 && big.memories >= 2, `largest list: ${big.chunks} chunks in ${big.memories} memories`);
      assert.equal(chunksOfLargest(whole).chunks, 1);
      for (const a of chained.lists.arenas) assert.equal(a.maxBytes, MIB);
      assert.equal(chained.size, ROWS);
      assert.ok(listContents(chained).equals(listContents(whole)), 'the lists differ from the one-memory build');
      assert.equal(chained.sizeBytes(), whole.sizeBytes());
      for (let probes = 1; probes <= c.lists; probes++) {
        for (let q = 0; q < QUERIES; q++) {
          const qv = queries.subarray(q * DIM, (q + 1) * DIM);
          const got = scanPairs(chained, qv, ivfflatGucs({ 'ivfflat.probes': probes }), 200);
          assert.deepEqual(got, scanPairs(whole, qv, ivfflatGucs({ 'ivfflat.probes': probes }), 200), `probes ${probes} query ${q}`);
          if (probes === c.lists) assert.deepEqual(got.slice(0, 20).map((x) => x[0]), exact(base, ROWS, qv, 20), `probes ${probes} query ${q}: exact search`);
        }
      }

      // Inserts go on in new chunks; deletes and VACUUM move entries across chunks.
      // Over every list: which lists the inserts land in depends on the seed's data.
      const allChunks = (): number => {
        let n = 0;
        for (let k = 0; k < c.lists; k++) n += chained.lists.chunks(k);
        return n;
      };
      const chunksBefore = allChunks();
      for (let i = ROWS; i < ROWS + 6000; i++) {
        const key = base.subarray(i * DIM, (i + 1) * DIM);
        chained.insert(i, key);
        whole.insert(i, key);
      }
      assert.ok(allChunks() > chunksBefore, 'inserts added no chunk');
      assert.ok(listContents(chained).equals(listContents(whole)), 'the lists differ after inserts');
      const dead = (r: number): boolean => r % 5 === 2 || (r > 1000 && r < 4000);
      for (let r = 0; r < ROWS + 6000; r++) {
        if (!dead(r)) continue;
        chained.delete(r);
        whole.delete(r);
      }
      const qv = queries.subarray(0, DIM);
      const probesAll = ivfflatGucs({ 'ivfflat.probes': c.lists });
      assert.deepEqual(scanPairs(chained, qv, probesAll, 20).map((x) => x[0]), exact(base, ROWS + 6000, qv, 20, (r) => !dead(r)));
      chained.vacuum();
      whole.vacuum();
      assert.ok(listContents(chained).equals(listContents(whole)), 'the lists differ after VACUUM');
      assert.deepEqual(scanPairs(chained, qv, probesAll, 300), scanPairs(whole, qv, probesAll, 300));
      assert.deepEqual(scanPairs(chained, qv, probesAll, 20).map((x) => x[0]), exact(base, ROWS + 6000, qv, 20, (r) => !dead(r)));

      // Save + load, then base + delta.
      const sink = new MemorySink();
      chained.save(sink);
      chained.markSaved();
      const options = ivfflatAm.parseOptions(new Map([['lists', String(c.lists)]]), DIM);
      const loaded = ivfflatAm.load!({ dim: DIM, opclass, options, seed: SEED, source: new MemorySource(sink.bytes()) }) as IvfflatIndex;
      try {
        // Still in chunks when its vectors alone exceed a memory (after the deletes and VACUUM
        // above, how many are left in the largest list depends on the seed).
        const largest = chunksOfLargest(loaded);
        if (largest.entries * DIM * 4 > MIB) assert.ok(largest.chunks >= 2, `a loaded list of ${largest.entries} entries in ${largest.chunks} chunk`);
        assert.ok(listContents(loaded).equals(listContents(chained)), 'a load differs');
        for (let i = 0; i < 3000; i++) chained.insert(50000 + i, rowsOf(c.kind, 1, SEED + 70000 + i));
        for (let r = 0; r < ROWS; r += 13) chained.delete(r);
        chained.vacuum();
        const d = new MemorySink();
        chained.saveDelta(d);
        loaded.applyDelta(new MemorySource(d.bytes()));
        assert.ok(listContents(loaded).equals(listContents(chained)), 'base + delta differs from the live lists');
        assert.equal(loaded.deletedCount, chained.deletedCount);
        assert.deepEqual(scanPairs(loaded, qv, probesAll, 300), scanPairs(chained, qv, probesAll, 300));
      } finally {
        loaded.dispose();
      }
    } finally {
      whole.dispose();
      const n = chained.lists.arenas.length;
      const count = memories.memories.length;
      chained.dispose();
      assert.ok(memories.memories.length <= count - n + 1, `${memories.memories.length} memories after dispose (${count} before, ${n} of the index)`);
    }
  });
}

test(`at vecgres.memory_limit an insert into a chained list is 53200 and changes nothing (seed ${SEED})`, () => {
  memories.memoryBytesMax = MIB;
  const base = rowsOf('uniform', ROWS + 40000, SEED + 3);
  const ix = build(base, 1);
  const limit = memories.limitBytes;
  // Room for some chunks in the memories' tops, not for a new memory's worth of rows.
  memories.limitBytes = memories.usedBytes + 200_000;
  let failedAt = -1;
  try {
    for (let row = ROWS; row < ROWS + 40000 && failedAt < 0; row++) {
      const before = listShape(ix);
      try {
        ix.insert(row, base.subarray(row * DIM, (row + 1) * DIM));
      } catch (e) {
        const err = e as { code?: string; detail?: string };
        assert.equal(err.code, '53200');
        assert.match(err.detail ?? '', /^Failed on request of size \d+ in memory context "IVFFlat lists"\.$/);
        assert.deepEqual(listShape(ix), before, 'a failed insert changed the lists');
        assert.equal(ix.rowList[row] ?? 0, 0);
        failedAt = row;
      }
    }
    assert.ok(failedAt > ROWS, `the limit was reached at row ${failedAt}: the memories' room was not used first`);
  } finally {
    memories.limitBytes = limit;
  }
  // The entries are the rows that went in: exact search over them.
  const queries = randomMatrix(QUERIES, DIM, SEED + 4);
  for (let q = 0; q < QUERIES; q++) {
    const qv = queries.subarray(q * DIM, (q + 1) * DIM);
    assert.deepEqual(scanPairs(ix, qv, ivfflatGucs(), 20).map((x) => x[0]), exact(base, failedAt, qv, 20), `query ${q}`);
  }
  // Under the limit the same row goes in, in a new chunk.
  const chunks = ix.lists.chunks(0);
  ix.insert(failedAt, base.subarray(failedAt * DIM, (failedAt + 1) * DIM));
  assert.ok(ix.lists.chunks(0) > chunks);
  assert.notEqual(ix.rowList[failedAt], 0);
  assert.equal(ix.size, failedAt + 1);
  const qv = queries.subarray(0, DIM);
  assert.deepEqual(scanPairs(ix, qv, ivfflatGucs(), 20).map((x) => x[0]), exact(base, failedAt + 1, qv, 20));
  ix.dispose();
});

/** Exact search over the first `rows` rows: the `k` nearest that `live` admits, ties by id. */
function exact(base: Float32Array, rows: number, q: Float32Array, k: number, live: (r: number) => boolean = () => true): number[] {
  return exactTopK('l2', base, q, 0, DIM, k, (r) => r < rows && live(r));
}
