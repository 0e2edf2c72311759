/**
 * The exact kernels (pgvector's float32 index-order sums in WebAssembly) give bit-identical
 * results to the reference kernels, on the pointer API and on Float32Array operands inside and
 * outside the arena; the sign-bit kernels give binary_quantize + hamming / jaccard exactly.
 * Seeded: VECGRES_SEED replays a failure.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/kernels/arena.js';
import { kernelsOf, jsKernelsOf, signMask, type FastKernels } from '../../src/kernels/fast.js';
import { exactCosine, exactDot, exactL1, exactL2Squared } from '../../src/kernels/exact.js';
import { cosineDistanceRef, dotRef, l1Ref, l2SquaredRef } from '../../src/kernels/reference.js';
import { hammingRef, jaccardRef } from '../../src/kernels/bits.js';
import { vectorBinaryQuantize as binaryQuantize } from '../../src/types/vector.js';
import { Prng } from '../../src/common/prng.js';

/** A memory of its own (kernels/arena.ts) and its kernels. */
const arena = new Arena();
const fast = kernelsOf(arena);
const jsFast = jsKernelsOf(arena);

const SEED = process.env['VECGRES_SEED'] !== undefined ? Number(process.env['VECGRES_SEED']) : (Date.now() % 1_000_000_007) >>> 0;
const DIMS = [1, 3, 4, 5, 11, 12, 13, 16, 17, 31, 100, 768, 1537];
const MAX_DIM = 1537;
const aPtr = arena.alloc(MAX_DIM * 4);
const bPtr = arena.alloc(MAX_DIM * 4);
const outPtr = arena.alloc(64 * 4);
after(() => {
  arena.free(aPtr, MAX_DIM * 4);
  arena.free(bPtr, MAX_DIM * 4);
  arena.free(outPtr, 64 * 4);
});

/** Random values: mixed scales, small integers, zeros (sign bits of +-0 are clear), negatives. */
function randomVector(dim: number, prng: Prng): Float32Array {
  const v = new Float32Array(dim);
  const kind = prng.int(3);
  for (let i = 0; i < dim; i++) {
    const r = prng.next() * 2 - 1;
    v[i] = kind === 0 ? r * 10 ** prng.int(6) / 100 : kind === 1 ? Math.round(r * 4) : prng.int(3) === 0 ? (prng.int(2) === 0 ? 0 : -0) : r;
  }
  return v;
}

const impls: FastKernels[] = fast.name === 'js' ? [fast] : [fast, jsFast];

describe('exact kernels are bit-identical to the reference kernels', () => {
  for (const k of impls) {
    test(`${k.name}: pointer kernels (seed ${SEED})`, () => {
      const prng = new Prng(SEED);
      for (const dim of DIMS) {
        for (let t = 0; t < 20; t++) {
          const a = randomVector(dim, prng);
          const b = randomVector(dim, prng);
          arena.f32().set(a, aPtr >>> 2);
          arena.f32().set(b, bPtr >>> 2);
          const msg = `seed ${SEED} dim ${dim}`;
          assert.equal(k.exactL2sq(aPtr, bPtr, dim), l2SquaredRef(a, 0, b, 0, dim), msg);
          assert.equal(k.exactDot(aPtr, bPtr, dim), dotRef(a, 0, b, 0, dim), msg);
          assert.equal(k.exactL1(aPtr, bPtr, dim), l1Ref(a, 0, b, 0, dim), msg);
          assert.ok(Object.is(k.exactCosine(aPtr, bPtr, dim), cosineDistanceRef(a, 0, b, 0, dim)), msg);
        }
      }
    });
  }

  test(`Float32Array operands in and out of the arena (seed ${SEED})`, () => {
    const prng = new Prng(SEED + 1);
    for (const dim of DIMS) {
      const a = randomVector(dim, prng);
      const b = randomVector(dim, prng);
      arena.f32().set(a, aPtr >>> 2);
      const inArena = new Float32Array(arena.f32().buffer, aPtr, dim);
      for (const [x, y] of [[a, b], [inArena, b], [b, inArena]] as const) {
        const msg = `seed ${SEED} dim ${dim}`;
        assert.equal(exactL2Squared(x, y), l2SquaredRef(x, 0, y, 0, dim), msg);
        assert.equal(exactDot(x, y), dotRef(x, 0, y, 0, dim), msg);
        assert.equal(exactL1(x, y), l1Ref(x, 0, y, 0, dim), msg);
        assert.ok(Object.is(exactCosine(x, y), cosineDistanceRef(x, 0, y, 0, dim)), msg);
      }
    }
    // A zero norm gives NaN, as pgvector's cosine_distance.
    assert.ok(Number.isNaN(exactCosine(new Float32Array(20), randomVector(20, prng))));
  });
});

describe('sign-bit kernels equal binary_quantize + hamming / jaccard', () => {
  for (const k of impls) {
    test(`${k.name} (seed ${SEED})`, () => {
      const prng = new Prng(SEED + 2);
      const maskPtr = arena.alloc(MAX_DIM * 4);
      try {
        for (const dim of DIMS) {
          for (let t = 0; t < 10; t++) {
            const v = randomVector(dim, prng);
            const q = binaryQuantize(randomVector(dim, prng));
            const bv = binaryQuantize(v);
            arena.f32().set(v, aPtr >>> 2);
            const qBits = signMask(arena, q.bytes, dim, maskPtr);
            const msg = `seed ${SEED} dim ${dim}`;
            const bytes = q.bytes.length;
            assert.equal(k.signHamming(maskPtr, aPtr, dim), hammingRef(bv.bytes, 0, q.bytes, 0, bytes), msg);
            assert.ok(Object.is(k.signJaccard(maskPtr, aPtr, dim, qBits), jaccardRef(bv.bytes, 0, q.bytes, 0, bytes)), msg);
          }
          // The range kernel over rows laid out back to back.
          const rows = Math.min(4, Math.floor(MAX_DIM / dim));
          const vs = Array.from({ length: rows }, () => randomVector(dim, prng));
          vs.forEach((v, i) => arena.f32().set(v, (bPtr >>> 2) + i * dim));
          const q = binaryQuantize(randomVector(dim, prng));
          signMask(arena, q.bytes, dim, maskPtr);
          k.signHammingRange(maskPtr, bPtr, rows, dim, outPtr);
          for (let i = 0; i < rows; i++) {
            assert.equal(arena.f32()[(outPtr >>> 2) + i], hammingRef(binaryQuantize(vs[i]!).bytes, 0, q.bytes, 0, q.bytes.length), `seed ${SEED} dim ${dim}`);
          }
        }
      } finally {
        arena.free(maskPtr, MAX_DIM * 4);
      }
    });
  }
});
