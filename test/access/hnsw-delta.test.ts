/**
 * HNSW deltas (access/hnsw/changes.ts, persist.ts saveHnswDelta / applyHnswDelta): after seeded
 * random inserts, deletes, updates (delete + insert) and vacuums, a graph read back as its base
 * save plus the deltas written since equals the live graph byte for byte (every node's record,
 * the upper pool in use, count, entry point, max level) and has the same rowId map, counts and
 * reusable records. Property style: VECGRES_HNSW_DELTA_TRIALS runs more seeds; a failing seed
 * is printed.
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

const TRIALS = Number(process.env.VECGRES_HNSW_DELTA_TRIALS ?? 6);
const BASE_SEED = Number(process.env.VECGRES_HNSW_DELTA_SEED ?? 500);

type Kind = 'vector' | 'halfvec' | 'bit';
const SHAPES: { kind: Kind; opclass: string; dim: number }[] = [
  { kind: 'vector', opclass: 'vector_l2_ops', dim: 12 },
  { kind: 'halfvec', opclass: 'halfvec_cosine_ops', dim: 10 },
  { kind: 'bit', opclass: 'bit_hamming_ops', dim: 40 },
];

function keyOf(kind: Kind, dim: number, p: Prng): VectorKey {
  if (kind === 'vector') return Float32Array.from({ length: dim }, () => p.next() * 2 - 1);
  if (kind === 'halfvec') return Uint16Array.from({ length: dim }, () => floatToHalf(p.next() * 2 - 1));
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

/** The graph's saved state: record bytes of every node, pool words in use, header scalars, derived maps. */
function image(ix: HnswIndex): { bytes: Uint8Array; scalars: number[]; rows: number[] } {
  const g = ix.state.graph;
  const parts: number[] = [];
  const u8 = g.arena.u8();
  const out = new Uint8Array(g.count * g.recBytes + g.upperUsed * 4);
  for (let n = 0; n < g.count; n++) out.set(u8.subarray(g.vecPtr(n), g.vecPtr(n) + g.recBytes), n * g.recBytes);
  out.set(u8.subarray(g.upperPtr, g.upperPtr + g.upperUsed * 4), g.count * g.recBytes);
  parts.push(g.count, g.entry, g.maxLevel, g.upperUsed, ix.state.deletedCount, ix.state.unlinkedCount, g.reusableNodes);
  const rows: number[] = [];
  for (let r = 0; r < ix.state.rowToNode.length; r++) if (ix.state.rowToNode[r] !== 0) rows.push(r, ix.state.rowToNode[r]!);
  return { bytes: out, scalars: parts, rows };
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
  assert.ok(estimate >= 0, 'a dense graph can save a delta');
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

function sameImage(a: HnswIndex, b: HnswIndex, where: string): void {
  const x = image(a);
  const y = image(b);
  assert.deepEqual(y.scalars, x.scalars, `${where}: count, entry, max level, pool words, deleted, unlinked, reusable`);
  assert.equal(y.bytes.length, x.bytes.length, `${where}: image bytes`);
  const at = x.bytes.findIndex((v, i) => v !== y.bytes[i]);
  assert.equal(at, -1, `${where}: graphs differ at byte ${at} (record ${Math.floor(at / a.state.graph.recBytes)})`);
  assert.deepEqual(y.rows, x.rows, `${where}: rowId map`);
}

for (const shape of SHAPES) {
  test(`${shape.opclass}: base + deltas restore the live graph byte for byte (${TRIALS} seeds)`, () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const seed = BASE_SEED + trial;
      const p = new Prng(seed);
      const m = 4 + p.int(5);
      let rows = 50 + p.int(150);
      const live = newIndex(shape, rows, p, m);
      const alive = new Set<number>(Array.from({ length: rows }, (_, i) => i));
      const opened: HnswIndex[] = [];
      try {
        let base = saveWhole(live);
        let deltas: Uint8Array[] = [];
        for (let round = 0; round < 8; round++) {
          const where = `seed ${seed} round ${round}`;
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
          if (p.next() < 0.15) {
            base = saveWhole(live);
            deltas = [];
          } else deltas.push(saveDelta(live));
          const back = restore(live, base, deltas);
          opened.push(back);
          sameImage(live, back, `${shape.opclass} ${where}`);
          // Nothing changed since: the next delta is empty of nodes and pool chunks.
          assert.ok(live.state.graph.changes.empty, `${where}: marks cleared by the save`);
        }
      } finally {
        live.dispose();
        for (const o of opened) o.dispose();
      }
    }
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

test('a delta that does not fit its graph is XX001; sparsevec and parallel-linked graphs save whole', () => {
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
  const sparse = hnswAm.opclasses.find((o) => o.name === 'sparsevec_l2_ops')!;
  const sp = hnswAm.build({
    dim: 10,
    opclass: sparse,
    options: hnswAm.parseOptions(new Map(), 10),
    rowCount: 3,
    seed: 1,
    forEachRow(fn) {
      for (let i = 0; i < 3; i++) fn(i, new SparseVector(10, Int32Array.from([i]), Float32Array.from([1])));
    },
  });
  try {
    assert.equal(sp.deltaBytes!(), -1, 'a sparsevec graph is saved whole');
  } finally {
    sp.dispose();
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
