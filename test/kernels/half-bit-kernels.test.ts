/**
 * The WebAssembly SIMD halfvec and bit kernels (and their JS fallbacks) against the reference
 * kernels (kernels/half.ts, kernels/bits.ts): binary16 widening for every one of the 65,536
 * halves, seeded random vectors of awkward lengths for the float kernels (within a bound on
 * the summation-order rounding), and exact equality for the bit kernels at unaligned offsets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/kernels/arena.js';
import { kernelsOf, jsKernelsOf, type FastKernels } from '../../src/kernels/fast.js';
import { HALF_TO_F32, floatToHalf, halfL2SquaredRef, halfDotRef, halfL1Ref, halfCosineDistanceRef } from '../../src/kernels/half.js';
import { hammingRef, jaccardRef } from '../../src/kernels/bits.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';

/** A memory of its own (kernels/arena.ts) and its kernels. */
const arena = new Arena();
const fast = kernelsOf(arena);
const jsFast = jsKernelsOf(arena);

const IMPLS: FastKernels[] = fast.name === 'js' ? [jsFast] : [fast, jsFast];

const SCRATCH_BYTES = 1 << 16;
const qPtr = arena.alloc(SCRATCH_BYTES);
const hPtr = arena.alloc(SCRATCH_BYTES);

function putF32(ptr: number, v: ArrayLike<number>): void {
  arena.f32().set(v, ptr >>> 2);
}
function putU16(ptr: number, v: Uint16Array): void {
  arena.u8().set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), ptr);
}

test('binary16 widening is exact for every half (scalar tail and SIMD lanes)', () => {
  for (const k of IMPLS) {
    putF32(qPtr, [1]);
    for (let h = 0; h < 65536; h++) {
      putU16(hPtr, Uint16Array.of(h));
      const got = k.halfDot(qPtr, hPtr, 1);
      const want = HALF_TO_F32[h]!;
      if (!Object.is(got, want) && !(Number.isNaN(got) && Number.isNaN(want)) && !(got === 0 && want === 0)) {
        assert.fail(`${k.name}: half 0x${h.toString(16)} widened to ${got}, want ${want}`);
      }
    }
    // Every lane of the 8-wide path: one-hot queries against rows of one finite half.
    const row = new Uint16Array(8);
    const q = new Float32Array(8);
    for (let h = 0; h < 65536; h++) {
      const want = HALF_TO_F32[h]!;
      if (!Number.isFinite(want)) continue;
      const lane = h & 7;
      row.fill(h);
      q.fill(0);
      q[lane] = 1;
      putU16(hPtr, row);
      putF32(qPtr, q);
      const got = k.halfDot(qPtr, hPtr, 8);
      // -0 in one lane plus +0 products in the others sums to +0: compare with ===.
      assert.ok(got === want, `${k.name}: half 0x${h.toString(16)} in lane ${lane}: ${got} vs ${want}`);
    }
  }
});

test('halfvec kernels agree with the reference kernels on random vectors', () => {
  const rng = new Prng(SEED);
  const dims = [1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 100, 257, 1000];
  for (const k of IMPLS) {
    for (let trial = 0; trial < 400; trial++) {
      const dim = dims[rng.int(dims.length)]!;
      const scale = [1e-4, 1, 100][rng.int(3)]!;
      const a = new Uint16Array(dim);
      const b = new Uint16Array(dim);
      for (let i = 0; i < dim; i++) {
        a[i] = floatToHalf((rng.next() * 2 - 1) * scale);
        b[i] = floatToHalf((rng.next() * 2 - 1) * scale);
      }
      const qa = new Float32Array(dim);
      for (let i = 0; i < dim; i++) qa[i] = HALF_TO_F32[a[i]!]!;
      putF32(qPtr, qa);
      putU16(hPtr, b);
      // Rounding of a float32 sum in any order: n ulps of the sum of magnitudes.
      let mag2 = 0;
      let magDot = 0;
      let mag1 = 0;
      for (let i = 0; i < dim; i++) {
        const x = qa[i]!;
        const y = HALF_TO_F32[b[i]!]!;
        mag2 += (x - y) * (x - y);
        magDot += Math.abs(x * y);
        mag1 += Math.abs(x - y);
      }
      const tol = (m: number) => m * dim * 2 ** -22 + 1e-30;
      const ctx = `${k.name} dim ${dim} trial ${trial} (VECGRES_SEED=${SEED})`;
      assert.ok(Math.abs(k.halfL2sq(qPtr, hPtr, dim) - halfL2SquaredRef(a, 0, b, 0, dim)) <= tol(mag2), `l2sq ${ctx}`);
      assert.ok(Math.abs(k.halfDot(qPtr, hPtr, dim) - halfDotRef(a, 0, b, 0, dim)) <= tol(magDot), `dot ${ctx}`);
      assert.ok(Math.abs(k.halfL1(qPtr, hPtr, dim) - halfL1Ref(a, 0, b, 0, dim)) <= tol(mag1), `l1 ${ctx}`);
      const cos = k.halfCosine(qPtr, hPtr, dim);
      const cosRef = halfCosineDistanceRef(a, 0, b, 0, dim);
      assert.ok(Math.abs(cos - cosRef) <= 1e-5 || (Number.isNaN(cos) && Number.isNaN(cosRef)), `cosine ${ctx}: ${cos} vs ${cosRef}`);
    }
    // A zero row: cosine is NaN, as pgvector.
    putF32(qPtr, [1, 2, 3]);
    putU16(hPtr, new Uint16Array(3));
    assert.ok(Number.isNaN(k.halfCosine(qPtr, hPtr, 3)));
  }
});

test('bit kernels equal the reference popcounts exactly, at unaligned offsets', () => {
  const rng = new Prng(SEED ^ 0x5bd1e995);
  for (const k of IMPLS) {
    for (let trial = 0; trial < 600; trial++) {
      const bytes = rng.int(4) === 0 ? rng.int(300) : rng.int(40);
      const offA = rng.int(8);
      const offB = rng.int(8);
      const density = rng.next();
      const a = new Uint8Array(bytes);
      const b = new Uint8Array(bytes);
      for (let i = 0; i < bytes; i++) {
        for (let bit = 0; bit < 8; bit++) {
          if (rng.next() < density) a[i]! |= 1 << bit;
          if (rng.next() < density) b[i]! |= 1 << bit;
        }
      }
      const u8 = arena.u8();
      u8.set(a, qPtr + offA);
      u8.set(b, hPtr + offB);
      const ctx = `${k.name} ${bytes} bytes trial ${trial} (VECGRES_SEED=${SEED})`;
      assert.equal(k.hamming(qPtr + offA, hPtr + offB, bytes), hammingRef(a, 0, b, 0, bytes), `hamming ${ctx}`);
      assert.equal(k.jaccard(qPtr + offA, hPtr + offB, bytes), jaccardRef(a, 0, b, 0, bytes), `jaccard ${ctx}`);
    }
  }
});
