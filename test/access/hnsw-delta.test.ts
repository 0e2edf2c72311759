/**
 * HNSW deltas (access/hnsw/changes.ts, persist.ts saveHnswDelta / applyIndexDelta): after seeded
 * random inserts, deletes, updates (delete + insert) and vacuums, a graph read back as its base
 * save plus the deltas written since equals the live graph byte for byte (every node's record,
 * the upper pool in use, count, entry point, max level) and has the same rowId map, counts and
 * reusable records; a sparsevec graph's keys (in its side heap, at other addresses) are equal
 * too. An index of partitions (memories of 256 KiB) reads back the same way, partitions started
 * by inserts after the base included, and equals what a whole save of the same state reads
 * back, level generators included. Property style: VECGRES_HNSW_DELTA_TRIALS runs more seeds; a
 * failing seed is printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { floatToHalf } from '../../src/kernels/half.js';
import { hnswAm } from '../../src/access/hnsw/index.js';
import type { HnswIndex } from '../../src/access/hnsw/hnsw-index.js';
import type { VectorKey } from '../../src/access/am.js';
import { MemorySink, MemorySource } from '../../src/storage/stream.js';
import { NODE_LINKS, NODE_RECORD } from '../../src/access/hnsw/changes.js';
import { SparseVector } from '../../src/types/sparsevec.js';
import { buildIndex } from './hnsw-helpers.js';
import { memories } from '../../src/kernels/memories.js';
import { image, sameImage } from '../support/hnsw_image.js';

const TRIALS = Number(process.env.VECGRES_HNSW_DELTA_TRIALS ?? 6);
const BASE_SEED = Number(process.env.VECGRES_HNSW_DELTA_SEED ?? 500);

type Kind = 'vector' | 'halfvec' | 'bit' | 'sparsevec';
const SHAPES: { kind: Kind; opclass: string; dim: number }[] = [
  { kind: 'vector', opclass: 'vector_l2_ops', dim: 12 },
  { kind: 'halfvec', opclass: 'halfvec_cosine_ops', dim: 10 },
  { kind: 'bit', opclass: 'bit_hamming_ops', dim: 40 },
  { kind: 'sparsevec', opclass: 'sparsevec_l2_ops', dim: 60 },
];

function keyOf(kind: Kind, dim: number, p: Prng): VectorKey {
  if (kind === 'vector') return Float32Array.from({ length: dim }, () => p.next() * 2 - 1);
  if (kind === 'halfvec') return Uint16Array.from({ length: dim }, () => floatToHalf(p.next() * 2 - 1));
  if (kind === 'sparsevec') {
    // 0 to 12 non-zeros (an empty key has no bytes in the heap).
    const idx = new Set<number>();
    for (let n = p.int(13); idx.size < n; ) idx.add(p.int(dim));
    const indices = Int32Array.from([...idx].sort((a, b) => a - b));
    return new SparseVector(dim, indices, Float32Array.from(indices, () => p.next() * 2 - 1));
  }
  return Uint8Array.from({ length: Math.ceil(dim / 8) }, () => p.int(256));
}

function newIndex(shape: (typeof SHAPES)[number], rows: number, p: Prng, m: number): HnswIndex {
  const opclass = hnswAm.opclasses.find((o) => o.name === shape.opclass)!;
  const keys = Array.from({ length: rows }, () => keyOf(shape.kind, shape.dim, p));
  return hnswAm.build({
    dim: shape.dim,
    opclass,
    options: hnswAm.parseOptions(new Map([['m', String(m)], ['ef_construction', '16']]), shape.dim),
    rowCount: rows,
    seed: 3,
    forEachRow(fn) {
      for (let i = 0; i < rows; i++) fn(i, keys[i]!);
    },
  }) as HnswIndex;
}

function saveWhole(ix: HnswIndex): Uint8Array {
  const s = new MemorySink();
  ix.save(s);
  ix.markSaved();
  return s.bytes();
}

function saveDelta(ix: HnswIndex): Uint8Array {
  const s = new MemorySink();
  const estimate = ix.deltaBytes();
  assert.ok(estimate >= 0, 'the index can save a delta');
  ix.saveDelta(s);
  const bytes = s.bytes();
  assert.ok(bytes.length <= estimate, `delta ${bytes.length} bytes within its estimate ${estimate}`);
  ix.markSaved();
  return bytes;
}

function restore(live: HnswIndex, base: Uint8Array, deltas: Uint8Array[]): HnswIndex {
  const st = live.state;
  const ix = hnswAm.load!({ dim: st.dim, opclass: st.opclass, options: st.options, seed: 9, source: new MemorySource(base) }) as HnswIndex;
  for (const d of deltas) ix.applyDelta(new MemorySource(d));
  return ix;
}

/** The bytes of a whole save of `ix`, leaving its change marks as they are. */
function wholeBytes(ix: HnswIndex): Uint8Array {
  const s = new MemorySink();
  ix.save(s);
  return s.bytes();
}

/**
 * `rounds` rounds of seeded inserts, updates, deletes and vacuums on `live` (rows 0 .. rows - 1
 * in it), each ended by a whole save (sometimes) or a delta; after each, the base + deltas read
 * back must equal the live index and what a whole save of it reads back (generators included).
 * `insertsPerRound` adds that many plain inserts to each round (new partitions).
 */
function deltaTrial(live: HnswIndex, shape: (typeof SHAPES)[number], p: Prng, rows: number, where0: string, rounds: number, insertsPerRound = 0): void {
  const alive = new Set<number>(Array.from({ length: rows }, (_, i) => i));
  const opened: HnswIndex[] = [];
  try {
    let base = saveWhole(live);
    let deltas: Uint8Array[] = [];
    for (let round = 0; round < rounds; round++) {
      const where = `${where0} round ${round}`;
      for (let i = 0; i < insertsPerRound; i++) {
        live.insert(rows, keyOf(shape.kind, shape.dim, p));
        alive.add(rows++);
      }
      for (let op = 1 + p.int(40); op > 0; op--) {
        const r = p.next();
        const ids = [...alive];
        if (r < 0.4 || ids.length < 5) {
          live.insert(rows, keyOf(shape.kind, shape.dim, p));
          alive.add(rows++);
        } else if (r < 0.7) {
          // An UPDATE: the old version's node is flagged, the new one inserted.
          const id = ids[p.int(ids.length)]!;
          live.delete(id);
          alive.delete(id);
          live.insert(rows, keyOf(shape.kind, shape.dim, p));
          alive.add(rows++);
        } else if (r < 0.95) {
          const id = ids[p.int(ids.length)]!;
          live.delete(id);
          alive.delete(id);
        } else live.vacuum();
      }
      if (p.next() < 0.3) live.vacuum();
      const whole = wholeBytes(live);
      if (p.next() < 0.15) {
        base = saveWhole(live);
        deltas = [];
      } else deltas.push(saveDelta(live));
      const back = restore(live, base, deltas);
      opened.push(back);
      sameImage(live, back, where);
      const again = restore(live, whole, []);
      opened.push(again);
      sameImage(again, back, `${where}: base + deltas against a whole save`, true);
      // Nothing changed since: the next delta is empty of nodes and pool chunks.
      for (const st of live.partitions) assert.ok(st.graph.changes.empty, `${where}: marks cleared by the save`);
    }
  } finally {
    live.dispose();
    for (const o of opened) o.dispose();
  }
}

for (const shape of SHAPES) {
  test(`${shape.opclass}: base + deltas restore the live graph byte for byte (${TRIALS} seeds)`, () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const seed = BASE_SEED + trial;
      const p = new Prng(seed);
      const m = 4 + p.int(5);
      const rows = 50 + p.int(150);
      deltaTrial(newIndex(shape, rows, p, m), shape, p, rows, `${shape.opclass} seed ${seed}`, 8);
    }
  });
}

const PARTITIONED = [
  { shape: { kind: 'vector' as Kind, opclass: 'vector_l2_ops', dim: 96 }, rows: 3000 },
  { shape: SHAPES[3]!, rows: 7000 },
];

for (const { shape, rows } of PARTITIONED) {
  const trials = Math.max(1, Math.ceil(TRIALS / 3));
  test(`${shape.opclass}: an index of partitions reads back from base + deltas, partitions started since included (${trials} seeds)`, () => {
    const max = memories.memoryBytesMax;
    // Memories of 1 MiB: the build makes two or more partitions, and the inserts of the
    // rounds fill the last one's memory and start more.
    memories.memoryBytesMax = 2 ** 20;
    let grew = 0;
    try {
      for (let trial = 0; trial < trials; trial++) {
        const seed = BASE_SEED + 100 + trial;
        const p = new Prng(seed);
        const live = newIndex(shape, rows, p, 6);
        const built = live.partitions.length;
        assert.ok(built >= 2, `seed ${seed}: ${built} partitions`);
        const partitions = live.partitions;
        deltaTrial(live, shape, p, rows, `${shape.opclass} partitions seed ${seed}`, 8, Math.ceil(rows / 20));
        grew += partitions.length - built;
      }
    } finally {
      memories.memoryBytesMax = max;
    }
    assert.ok(grew > 0, 'inserts started partitions after the base');
  });
}

test('an insert marks its record and exactly the lists it rewrote (against a byte diff of the graph)', () => {
  const p = new Prng(77);
  const shape = SHAPES[0]!;
  const live = newIndex(shape, 300, p, 6);
  try {
    live.markSaved();
    for (let i = 0; i < 20; i++) {
      const before = image(live).bytes;
      const g = live.state.graph;
      const count = g.count;
      live.insert(300 + i, keyOf(shape.kind, shape.dim, p));
      const after = image(live).bytes;
      // Every existing record whose bytes changed is marked (links or record).
      for (let n = 0; n < count; n++) {
        const a = before.subarray(n * g.recBytes, (n + 1) * g.recBytes);
        const b = after.subarray(n * g.recBytes, (n + 1) * g.recBytes);
        const changed = a.some((v, k) => v !== b[k]);
        if (changed) assert.ok(g.changes.nodes[n] === NODE_LINKS || g.changes.nodes[n] === NODE_RECORD, `node ${n} changed but is not marked`);
      }
      assert.equal(g.changes.nodes[count], NODE_RECORD, 'the new node is marked whole');
    }
    // Marks come only from lists that changed: at most m per layer-0 insert plus the new node.
    assert.ok(live.state.graph.changes.linkNodes <= 20 * 6, `${live.state.graph.changes.linkNodes} link marks for 20 inserts at m = 6`);
  } finally {
    live.dispose();
  }
});

test('a delta that does not fit its index is XX001; parallel-linked graphs save whole', () => {
  const p = new Prng(5);
  const shape = SHAPES[0]!;
  const live = newIndex(shape, 100, p, 5);
  const other = newIndex({ ...shape, dim: 13 }, 50, p, 5);
  try {
    const base = saveWhole(live);
    live.insert(100, keyOf('vector', 12, p));
    const delta = saveDelta(live);
    // Applied to a graph of other dimensions.
    assert.throws(() => other.applyDelta(new MemorySource(delta)), (e: { code?: string }) => e.code === 'XX001');
    // Cut short.
    const loaded = restore(live, base, []);
    try {
      assert.throws(() => loaded.applyDelta(new MemorySource(delta.subarray(0, delta.length - 10))), (e: { code?: string }) => e.code === 'XX001');
    } finally {
      loaded.dispose();
    }
    live.state.graph.changes.markWhole();
    assert.equal(live.deltaBytes(), -1);
  } finally {
    live.dispose();
    other.dispose();
  }
});

test('buildIndex helper graphs start with every node marked (a new index is saved whole first)', () => {
  const ix = buildIndex('l2', Float32Array.from({ length: 40 }, (_, i) => i % 7), 4) as HnswIndex;
  try {
    assert.equal(ix.state.graph.changes.recordNodes, 10);
  } finally {
    ix.dispose();
  }
});
