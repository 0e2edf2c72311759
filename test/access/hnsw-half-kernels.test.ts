/**
 * The halfvec distances of the HNSW kernel (assembly/hnsw.ts): the binary16 -> float32 widening
 * with integer SIMD is exact for every finite half, and the three ways a halfvec distance is
 * computed (float32 query against a binary16 node, both nodes binary16, two widened nodes in
 * the neighbour selection) give the same float32 result bit for bit, so a halfvec graph is the
 * graph a float32 graph builds over the widened values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';
import { floatToHalf, halfToFloat } from '../../src/kernels/half.js';
import { hnswAm } from '../../src/access/hnsw/index.js';
import type { HnswIndex } from '../../src/access/hnsw/index.js';
import { hnswKernelOf, referenceKernelOf } from '../../src/access/hnsw/kernel.js';
import type { OpClass, VectorKey } from '../../src/access/am.js';

const arena = memories.memories[0]!;
const hnswKernel = hnswKernelOf(arena);
const referenceKernel = referenceKernelOf(arena);
const SEED = Number(process.env['VECGRES_SEED'] ?? 20261201);

function opclass(name: string): OpClass {
  const o = hnswAm.opclasses.find((x) => x.name === name);
  assert.ok(o, name);
  return o;
}

function build(name: string, keys: VectorKey[], dim: number): HnswIndex {
  return hnswAm.build({
    dim,
    opclass: opclass(name),
    options: hnswAm.parseOptions(new Map([['m', '8'], ['ef_construction', '32']]), dim),
    rowCount: keys.length,
    seed: SEED,
    forEachRow(fn) {
      keys.forEach((k, i) => fn(i, k));
    },
  }) as HnswIndex;
}

test(`widenHalf (${hnswKernel.name}) is exact for all 63,488 finite halves`, () => {
  // Every 16-bit pattern but exponent 31 (infinities and NaNs, which halfvec refuses).
  const finite: number[] = [];
  for (let h = 0; h < 0x10000; h++) if ((h & 0x7c00) !== 0x7c00) finite.push(h);
  assert.equal(finite.length, 63488);
  const n = finite.length; // a multiple of 8
  const src = arena.alloc(n * 2, 'test');
  const dst = arena.alloc(n * 4, 'test');
  try {
    for (const k of [hnswKernel, referenceKernel]) {
      arena.u16().set(finite, src >>> 1);
      arena.u32().fill(0xdeadbeef, dst >>> 2, (dst >>> 2) + n);
      k.widenHalf(src, dst, n);
      const got = new Uint32Array(arena.u32().buffer, dst, n);
      const want = new Uint32Array(Float32Array.from(finite, halfToFloat).buffer);
      let bad = 0;
      let first = -1;
      for (let i = 0; i < n; i++) {
        if (got[i] !== want[i]) {
          bad++;
          if (first < 0) first = i;
        }
      }
      assert.equal(bad, 0, `${k.name}: ${bad} halves widen wrongly, first 0x${first >= 0 ? finite[first]!.toString(16) : ''}`);
    }
  } finally {
    arena.free(dst, n * 4);
    arena.free(src, n * 2);
  }
});

/** `n` halfvecs of `dim` elements: roughly normal values, some tiny (subnormal halves) and signed zeros. */
function halfvecs(n: number, dim: number, seed: number): Uint16Array[] {
  const p = new Prng(seed);
  return Array.from({ length: n }, () => Uint16Array.from({ length: dim }, () => {
    const u = p.next();
    if (u < 0.05) return floatToHalf(Math.fround((p.next() - 0.5) * 1e-5)); // subnormal halves
    if (u < 0.06) return u < 0.055 ? 0x8000 : 0;
    return floatToHalf(Math.fround(p.next() + p.next() + p.next() - 1.5));
  }));
}

for (const [halfOps, vectorOps] of [['halfvec_l2_ops', 'vector_l2_ops'], ['halfvec_ip_ops', 'vector_ip_ops'], ['halfvec_l1_ops', 'vector_l1_ops']] as const) {
  // 40: two 16-element steps and a tail of 8; 64: no tail; 1,536: OpenAI's embedding size.
  for (const dim of [40, 64, 1536]) {
    test(`${halfOps} at ${dim} dimensions: the same distances and the same graph as ${vectorOps} over the widened values`, () => {
      const rows = dim === 1536 ? 300 : 600;
      const halves = halfvecs(rows, dim, SEED + dim);
      const floats = halves.map((h) => Float32Array.from(h, halfToFloat));
      const hi = build(halfOps, halves, dim);
      const fi = build(vectorOps, floats, dim);
      try {
        const hg = hi.state.graph;
        const fg = fi.state.graph;
        assert.equal(hg.dimP, fg.dimP);
        // Node to node: both sides converted (vacuum's nodeDistance), one side widened (a
        // float32 query) and both widened (the float32 graph's kernel) agree bit for bit.
        const sc = hi.state.pool.acquire(hg.count);
        try {
          const p = new Prng(SEED);
          for (let t = 0; t < 200; t++) {
            const a = Math.floor(p.next() * rows);
            const b = Math.floor(p.next() * rows);
            const both = hnswKernel.nodeDistance(hg.g, a, b);
            hnswKernel.widenHalf(hg.vecPtr(a), sc.q, hg.dimP);
            const oneSide = hnswKernel.distanceTo(hg.g, sc.q, b);
            const widened = hnswKernel.nodeDistance(fg.g, a, b);
            assert.ok(Object.is(both, oneSide) && Object.is(both, widened), `nodes ${a}, ${b}: ${both} / ${oneSide} / ${widened}`);
          }
        } finally {
          hi.state.pool.release(sc);
        }
        // Every distance the builds computed was the same, so the graphs are the same.
        assert.equal(hg.count, fg.count);
        assert.equal(hg.entry, fg.entry);
        let lists = 0;
        for (let n = 0; n < rows; n++) {
          assert.equal(hg.level(n), fg.level(n));
          for (let l = 0; l <= hg.level(n); l++) {
            assert.deepEqual(Array.from(hg.neighbours(n, l)), Array.from(fg.neighbours(n, l)), `node ${n} layer ${l}`);
            lists++;
          }
        }
        assert.ok(lists >= rows);
      } finally {
        hi.dispose();
        fi.dispose();
      }
    });
  }
}
