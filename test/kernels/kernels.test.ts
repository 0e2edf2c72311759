/**
 * Property tests: every fast kernel (WebAssembly SIMD and the plain-JS pointer fallback) agrees
 * with the reference kernels (pgvector's float32 index-order accumulation) within the error a
 * different float32 summation order can introduce. Seeded: VECGRES_SEED replays a failure.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Arena } from '../../src/kernels/arena.js';
import { kernelsOf, jsKernelsOf, type FastKernels } from '../../src/kernels/fast.js';
import { cosineDistanceRef, dotRef, l1Ref, l2SquaredRef, normRef } from '../../src/kernels/reference.js';
import { Prng } from '../../src/common/prng.js';

/** A memory of its own (kernels/arena.ts) and its kernels. */
const arena = new Arena();
const fast = kernelsOf(arena);
const jsFast = jsKernelsOf(arena);

const SEED = process.env['VECGRES_SEED'] !== undefined ? Number(process.env['VECGRES_SEED']) : (Date.now() % 1_000_000_007) >>> 0;
const DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 100, 768, 1536, 16000];
const MAX_DIM = 16000;

// Two rows plus slack for unaligned starts, allocated once.
const aPtr = arena.alloc((MAX_DIM + 16) * 4);
const bPtr = arena.alloc((MAX_DIM + 16) * 4);
const rowsPtr = arena.alloc(64 * 4);
const outPtr = arena.alloc(64 * 4);
const blockPtr = arena.alloc(64 * 128 * 4);

after(() => {
  arena.free(aPtr, (MAX_DIM + 16) * 4);
  arena.free(bPtr, (MAX_DIM + 16) * 4);
  arena.free(rowsPtr, 64 * 4);
  arena.free(outPtr, 64 * 4);
  arena.free(blockPtr, 64 * 128 * 4);
});

function fill(ptr: number, dim: number, prng: Prng, scale: number, kind: number): void {
  const m = arena.f32();
  const base = ptr >>> 2;
  for (let i = 0; i < dim; i++) {
    const r = prng.next() * 2 - 1;
    m[base + i] = kind === 0 ? r * scale : kind === 1 ? Math.round(r * 8) : prng.int(3) === 0 ? 0 : r * scale;
  }
}

/**
 * Error bound of a float32 sum of `dim` terms of total magnitude `sumAbs` in any order, each
 * term itself rounded up to three times (difference, product, sum) or not at all (the JS
 * fallback works in double and rounds once).
 */
function tol(dim: number, sumAbs: number): number {
  return 2 * (dim + 3) * 2 ** -24 * sumAbs + 1e-30;
}

const impls: FastKernels[] = fast.name === 'js' ? [fast] : [fast, jsFast];

describe('fast kernels agree with the reference kernels', () => {
  test(`kernels in use: ${fast.name}`, () => {
    // The build ships the SIMD module; falling back silently would hide a broken build.
    if (process.env['VECGRES_KERNELS'] !== 'js') assert.equal(fast.name, 'wasm-simd');
  });

  for (const k of impls) {
    test(`${k.name}: l2sq, dot, l1, cosine on random vectors (dims 1..16000, unaligned starts)`, () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...DIMS),
          fc.integer({ min: 0, max: 0xffffffff }),
          fc.constantFrom(1e-3, 1, 1e3),
          fc.integer({ min: 0, max: 2 }),
          fc.integer({ min: 0, max: 3 }),
          fc.integer({ min: 0, max: 3 }),
          (dim, seed, scale, kind, offA, offB) => {
            const prng = new Prng(seed);
            const a = aPtr + offA * 4;
            const b = bPtr + offB * 4;
            fill(a, dim, prng, scale, kind);
            fill(b, dim, prng, scale, kind);
            const m = arena.f32();
            const ia = a >>> 2;
            const ib = b >>> 2;
            let absL2 = 0;
            let absDot = 0;
            let absL1 = 0;
            for (let i = 0; i < dim; i++) {
              const d = m[ia + i]! - m[ib + i]!;
              absL2 += d * d;
              absDot += Math.abs(m[ia + i]! * m[ib + i]!);
              absL1 += Math.abs(d);
            }
            const l2 = l2SquaredRef(m, ia, m, ib, dim);
            assert.ok(Math.abs(k.l2sq(a, b, dim) - l2) <= tol(dim, absL2), `l2sq dim ${dim}`);
            const dot = dotRef(m, ia, m, ib, dim);
            assert.ok(Math.abs(k.dot(a, b, dim) - dot) <= tol(dim, absDot), `dot dim ${dim}`);
            const l1 = l1Ref(m, ia, m, ib, dim);
            assert.ok(Math.abs(k.l1(a, b, dim) - l1) <= tol(dim, absL1), `l1 dim ${dim}`);
            const cos = cosineDistanceRef(m, ia, m, ib, dim);
            const got = k.cosine(a, b, dim);
            if (Number.isNaN(cos)) {
              assert.ok(Number.isNaN(got), `cosine NaN dim ${dim}`);
            } else {
              // |d(1 - s)| <= |ds|: errors of the three sums relative to the norms.
              const na = normRef(m, ia, dim);
              const nb = normRef(m, ib, dim);
              const bound = (tol(dim, absDot) + (tol(dim, na * na) / (na * na) + tol(dim, nb * nb) / (nb * nb)) * na * nb) / (na * nb);
              assert.ok(Math.abs(got - cos) <= bound + 1e-12, `cosine dim ${dim}: ${got} vs ${cos}`);
            }
          },
        ),
        { seed: SEED, numRuns: 300 },
      );
    });

    test(`${k.name}: a vector against itself and the zero vector`, () => {
      const prng = new Prng(SEED);
      for (const dim of DIMS) {
        fill(aPtr, dim, prng, 1, 0);
        assert.equal(k.l2sq(aPtr, aPtr, dim), 0);
        assert.equal(k.l1(aPtr, aPtr, dim), 0);
        assert.ok(Math.abs(k.cosine(aPtr, aPtr, dim)) < 1e-6);
        arena.f32().fill(0, bPtr >>> 2, (bPtr >>> 2) + dim);
        assert.ok(Number.isNaN(k.cosine(aPtr, bPtr, dim)), 'cosine with a zero vector is NaN');
        assert.equal(k.dot(aPtr, bPtr, dim), 0);
      }
    });

    test(`${k.name}: batch kernels equal the single-pair kernels`, () => {
      fc.assert(
        fc.property(fc.constantFrom(1, 3, 7, 16, 100, 128), fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 0xffffffff }), (dim, n, seed) => {
          const prng = new Prng(seed);
          fill(aPtr, dim, prng, 1, 0);
          const rows = Math.min(64, Math.floor((64 * 128) / dim));
          fill(blockPtr, rows * dim, prng, 1, 0);
          const i32 = arena.i32();
          for (let j = 0; j < n; j++) i32[(rowsPtr >>> 2) + j] = blockPtr + prng.int(rows) * dim * 4;
          const cases: Array<[(q: number, r: number, n: number, d: number, o: number) => void, (a: number, b: number, d: number) => number]> = [
            [k.l2sqMany, k.l2sq],
            [k.dotMany, k.dot],
            [k.l1Many, k.l1],
          ];
          for (const [batch, single] of cases) {
            batch(aPtr, rowsPtr, n, dim, outPtr);
            const f32 = arena.f32();
            for (let j = 0; j < n; j++) assert.equal(f32[(outPtr >>> 2) + j], single(aPtr, i32[(rowsPtr >>> 2) + j]!, dim));
          }
          const count = Math.min(n, rows);
          const ranges: Array<[(q: number, b: number, c: number, d: number, o: number) => void, (a: number, b: number, d: number) => number]> = [
            [k.l2sqRange, k.l2sq],
            [k.dotRange, k.dot],
          ];
          for (const [batch, single] of ranges) {
            batch(aPtr, blockPtr, count, dim, outPtr);
            const f32 = arena.f32();
            for (let j = 0; j < count; j++) assert.equal(f32[(outPtr >>> 2) + j], single(aPtr, blockPtr + j * dim * 4, dim));
          }
        }),
        { seed: SEED, numRuns: 100 },
      );
    });
  }
});

describe('reference kernels follow pgvector', () => {
  test('float32 accumulation in index order (not double)', () => {
    // 1 + 2^-24 + 2^-24: float32 index order loses both small terms, a double sum keeps them.
    const a = new Float32Array([1, 2 ** -12, 2 ** -12]);
    const b = new Float32Array([1, 2 ** -12, 2 ** -12]);
    assert.equal(dotRef(a, 0, b, 0, 3), 1);
    assert.equal(normRef(a, 0, 3), Math.sqrt(1 + 2 ** -23));
  });

  test('cosine: NaN for a zero vector, clamped similarity', () => {
    const z = new Float32Array([0, 0]);
    const v = new Float32Array([1, 2]);
    assert.ok(Number.isNaN(cosineDistanceRef(z, 0, v, 0, 2)));
    assert.equal(cosineDistanceRef(v, 0, v, 0, 2), 0);
    const w = new Float32Array([-1, -2]);
    assert.equal(cosineDistanceRef(v, 0, w, 0, 2), 2);
  });
});
