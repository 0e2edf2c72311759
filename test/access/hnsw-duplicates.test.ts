/**
 * Byte-identical vectors in an HNSW graph (updates that keep the embedding, upserts, re-inserted
 * documents): all copies are at one distance from everything, so neighbour selection cannot
 * tell them apart, and once the lists around them are full of copies a new copy gets no in-link.
 * Before the duplicate ring (layout.ts RING_SHIFT) such copies were unreachable: an iterative
 * scan for the copy's own vector returned fewer live rows than exist (found by the random DML
 * test on halfvec_ip_ops and bit_hamming_ops). Here every live node must be reachable from the
 * entry point through layer-0 lists and rings, and a scan must return every live copy, on
 * both kernels, through tombstones and vacuums.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';
import { hnswAm } from '../../src/access/hnsw/index.js';
import type { HnswIndex } from '../../src/access/hnsw/index.js';
import { hnswKernelOf, referenceKernelOf, type HnswKernel } from '../../src/access/hnsw/kernel.js';
import type { VectorKey } from '../../src/access/am.js';
import { G_ENTRY } from '../../src/access/hnsw/layout.js';
import { float4ToHalf } from '../../src/types/halfvec.js';
import { SparseVector } from '../../src/types/sparsevec.js';
import { gucs } from './hnsw-helpers.js';

const SEED = Number(process.env['VECGRES_SEED'] ?? 20261201);
const arena = memories.memories[0]!;
const kernels: HnswKernel[] = [hnswKernelOf(arena), referenceKernelOf(arena)];

const DIM = 16;

/** A random key of the opclass's type, from `p`. */
function randomKey(opclass: string, p: Prng): VectorKey {
  if (opclass.startsWith('halfvec')) return Uint16Array.from({ length: DIM }, () => float4ToHalf(Math.fround(p.next() * 2 - 1)));
  if (opclass.startsWith('bit')) return Uint8Array.from({ length: DIM / 8 }, () => Math.floor(p.next() * 256));
  if (opclass.startsWith('sparsevec')) {
    const indices = Int32Array.from([1, 4, 9, 15]);
    return new SparseVector(DIM, indices, Float32Array.from(indices, () => Math.fround(p.next() * 2 - 1)));
  }
  return Float32Array.from({ length: DIM }, () => Math.fround(p.next() * 2 - 1));
}

/** Node ids reachable from the entry point over layer-0 lists and duplicate rings. */
function reachable(index: HnswIndex): Set<number> {
  const graph = index.state.graph;
  const seen = new Set<number>();
  const entry = graph.arena.i32()[(graph.g >>> 2) + G_ENTRY]!;
  if (entry < 0) return seen;
  const stack = [entry];
  seen.add(entry);
  while (stack.length > 0) {
    const n = stack.pop()!;
    const w = graph.listWord(n, 0);
    const i = graph.arena.i32();
    const next = [...i.subarray(w + 1, w + 1 + i[w]!), graph.ringNext(n)];
    for (const e of next) {
      if (e < 0 || seen.has(e)) continue;
      seen.add(e);
      stack.push(e);
    }
  }
  return seen;
}

const OPCLASSES = ['vector_l2_ops', 'vector_ip_ops', 'vector_cosine_ops', 'halfvec_ip_ops', 'halfvec_l2_ops', 'bit_hamming_ops', 'bit_jaccard_ops', 'sparsevec_l2_ops'];

for (const opclassName of OPCLASSES) {
  for (const kernel of kernels) {
    test(`${opclassName}, ${kernel.name} kernel: every copy of a vector updated 400 times stays reachable, through vacuum (seed ${SEED})`, () => {
      const opclass = hnswAm.opclasses.find((o) => o.name === opclassName)!;
      assert.ok(opclass, opclassName);
      const p = new Prng(SEED);
      const others = Array.from({ length: 40 }, () => randomKey(opclassName, p));
      const copy = randomKey(opclassName, p);
      const index = hnswAm.build({
        dim: DIM,
        opclass,
        options: hnswAm.parseOptions(new Map(), DIM),
        rowCount: others.length,
        seed: SEED,
        forEachRow(fn) {
          others.forEach((k, i) => fn(i, k));
        },
      }) as HnswIndex;
      (index.state.graph as { kernel: HnswKernel }).kernel = kernel;
      try {
        const live = new Set<number>(others.keys());
        let next = others.length;
        // 30 rows hold the copy; each round updates some of them (a new row version with the
        // same vector, the old one a tombstone), as UPDATE ... SET other_column does.
        const copies: number[] = [];
        for (let i = 0; i < 30; i++) {
          index.insert(next, copy);
          live.add(next);
          copies.push(next++);
        }
        for (let round = 0; round < 400; round++) {
          const at = Math.floor(p.next() * copies.length);
          index.insert(next, copy);
          index.delete(copies[at]!);
          live.delete(copies[at]!);
          live.add(next);
          copies[at] = next++;
          if (round % 150 === 149) index.vacuum!();
          if (round % 50 === 0) {
            // Another row now and then, so the copies have neighbours that are not copies.
            index.insert(next, randomKey(opclassName, p));
            live.add(next++);
          }
        }
        for (const phase of ['tombstones', 'vacuumed']) {
          if (phase === 'vacuumed') index.vacuum!();
          const st = index.state;
          const nodes = reachable(index);
          const lost = [...live].filter((r) => !nodes.has(st.nodeOf(r)));
          assert.deepEqual(lost, [], `${phase}: live rows unreachable from the entry point`);
          // An iterative scan for the copy returns every live copy first (all at one distance).
          const scan = index.beginScan(copy, { gucs: gucs({ 'hnsw.iterative_scan': 'relaxed_order', 'hnsw.ef_search': 10 }), limit: copies.length, isLive: (r) => live.has(r) });
          const ids = new Int32Array(copies.length);
          const dists = new Float64Array(copies.length);
          let got = 0;
          while (got < copies.length) {
            const n = scan.next(ids.subarray(got), dists.subarray(got));
            if (n === 0) break;
            got += n;
          }
          scan.close();
          if (!opclassName.endsWith('ip_ops')) {
            // (Under inner product other rows can be nearer than the copy itself.)
            assert.deepEqual([...ids.subarray(0, got)].sort((a, b) => a - b), [...copies].sort((a, b) => a - b), `${phase}: scan for the copy`);
          }
        }
      } finally {
        index.dispose();
      }
    });
  }
}
