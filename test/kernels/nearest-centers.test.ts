/**
 * The blocked nearest-center kernel (kernels/fast.ts nearestCenters, IVFFlat's k-means and
 * list assignment) in WebAssembly SIMD and its TypeScript twin: each row's nearest center and
 * its two smallest distances agree with distances computed in double within the error of
 * float32 sums of the expansion ||x||^2 + ||c||^2 - 2 x.c; a row's record does not depend on
 * the rows batched with it (what keeps a parallel IVFFlat build equal to the serial one); the
 * first of equal centers wins. Seeded: VECGRES_SEED replays a failure.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Arena } from '../../src/kernels/arena.js';
import { jsKernelsOf, kernelsOf, NEAREST_RECORD_BYTES, type FastKernels } from '../../src/kernels/fast.js';
import { Prng } from '../../src/common/prng.js';

const arena = new Arena();
const fast = kernelsOf(arena);
const jsFast = jsKernelsOf(arena);
const SEED = process.env['VECGRES_SEED'] !== undefined ? Number(process.env['VECGRES_SEED']) : (Date.now() % 1_000_000_007) >>> 0;

const ROWS_MAX = 23;
const K_MAX = 11;
const DIM_MAX = 130;
const rowsPtr = arena.alloc(ROWS_MAX * DIM_MAX * 4);
const centersPtr = arena.alloc(K_MAX * DIM_MAX * 4);
const cnormPtr = arena.alloc(K_MAX * 4);
const ptrsPtr = arena.alloc(ROWS_MAX * 4);
const outPtr = arena.alloc(ROWS_MAX * NEAREST_RECORD_BYTES);
const out2Ptr = arena.alloc(ROWS_MAX * NEAREST_RECORD_BYTES);

after(() => {
  arena.free(rowsPtr, ROWS_MAX * DIM_MAX * 4);
  arena.free(centersPtr, K_MAX * DIM_MAX * 4);
  arena.free(cnormPtr, K_MAX * 4);
  arena.free(ptrsPtr, ROWS_MAX * 4);
  arena.free(outPtr, ROWS_MAX * NEAREST_RECORD_BYTES);
  arena.free(out2Ptr, ROWS_MAX * NEAREST_RECORD_BYTES);
});

const impls: FastKernels[] = fast.name === 'js' ? [fast] : [fast, jsFast];

function fill(ptr: number, count: number, prng: Prng, scale: number): void {
  const f = arena.f32();
  for (let i = 0; i < count; i++) f[(ptr >>> 2) + i] = (prng.next() * 2 - 1) * scale;
}

/** Row r's record: nearest center, its distance, the second smallest distance. */
function record(ptr: number, r: number): [number, number, number] {
  const w = (ptr >>> 2) + r * 3;
  return [arena.i32()[w]!, arena.f32()[w + 1]!, arena.f32()[w + 2]!];
}

/** (distance in double, float32 error allowance) of row r to center c. */
function exact(r: number, c: number, dim: number, negdot: boolean): [number, number] {
  const f = arena.f32();
  let d = 0;
  let dot = 0;
  let mag = 0;
  for (let i = 0; i < dim; i++) {
    const x = f[(rowsPtr >>> 2) + r * dim + i]!;
    const y = f[(centersPtr >>> 2) + c * dim + i]!;
    d += (x - y) * (x - y);
    dot += x * y;
    mag += x * x + y * y + 2 * Math.abs(x * y);
  }
  // A float32 sum of dim terms in any order, then two more operations, over terms of total magnitude `mag`.
  return [negdot ? -dot : d, 4 * (dim + 4) * 2 ** -24 * mag + 1e-30];
}

for (const k of impls) {
  describe(`nearestCenters (${k.name})`, () => {
    test(`nearest center and the two smallest distances agree with double arithmetic (seed ${SEED})`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: ROWS_MAX }),
          fc.integer({ min: 1, max: K_MAX }),
          fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 13, 16, 100, 130),
          fc.constantFrom(1e-2, 1, 1e2),
          fc.boolean(),
          fc.integer({ min: 0, max: 0xffffffff }),
          (n, kc, dim, scale, negdot, seed) => {
            const prng = new Prng(seed);
            fill(rowsPtr, n * dim, prng, scale);
            fill(centersPtr, kc * dim, prng, scale);
            for (let r = 0; r < n; r++) arena.i32()[(ptrsPtr >>> 2) + r] = rowsPtr + r * dim * 4;
            k.sqNormRange(centersPtr, kc, dim, cnormPtr);
            k.nearestCenters(ptrsPtr, n, centersPtr, cnormPtr, kc, dim, negdot ? 1 : 0, outPtr);
            for (let r = 0; r < n; r++) {
              const ds = Array.from({ length: kc }, (_, c) => exact(r, c, dim, negdot));
              const sorted = ds.map((d) => d[0]).sort((a, b) => a - b);
              const [best, d1, d2] = record(outPtr, r);
              assert.ok(best >= 0 && best < kc, `row ${r}: center ${best} of ${kc}`);
              const [db, eb] = ds[best]!;
              // Comparisons across centers carry the rounding of either side: the largest
              // allowance of this row's centers (the second nearest may be far larger than the
              // nearest, and so may its error; seed 197552827).
              const ebMax = Math.max(...ds.map((d) => d[1]));
              // The chosen center is nearest up to rounding, and its value is its distance.
              assert.ok(db <= sorted[0]! + 2 * ebMax, `row ${r}: chose ${db}, nearest ${sorted[0]}`);
              assert.ok(Math.abs(d1 - (negdot ? db : Math.max(0, db))) <= 2 * eb, `row ${r}: d1 ${d1} vs ${db}`);
              if (kc === 1) assert.equal(d2, Infinity);
              else assert.ok(Math.abs(d2 - (negdot ? sorted[1]! : Math.max(0, sorted[1]!))) <= 2 * ebMax, `row ${r}: d2 ${d2} vs ${sorted[1]}`);
            }
          },
        ),
        { seed: SEED, numRuns: 300 },
      );
    });

    test(`a row's record does not depend on the rows batched with it (seed ${SEED})`, () => {
      const prng = new Prng(SEED);
      for (const dim of [3, 8, 100, 130]) {
        for (const kc of [1, 2, 7, 10]) {
          const n = ROWS_MAX;
          fill(rowsPtr, n * dim, prng, 1);
          fill(centersPtr, kc * dim, prng, 1);
          k.sqNormRange(centersPtr, kc, dim, cnormPtr);
          for (const negdot of [0, 1]) {
            for (let r = 0; r < n; r++) arena.i32()[(ptrsPtr >>> 2) + r] = rowsPtr + r * dim * 4;
            k.nearestCenters(ptrsPtr, n, centersPtr, cnormPtr, kc, dim, negdot, outPtr);
            // Reversed, so rows change tile and position; then each alone.
            for (let r = 0; r < n; r++) arena.i32()[(ptrsPtr >>> 2) + r] = rowsPtr + (n - 1 - r) * dim * 4;
            k.nearestCenters(ptrsPtr, n, centersPtr, cnormPtr, kc, dim, negdot, out2Ptr);
            for (let r = 0; r < n; r++) assert.deepEqual(record(out2Ptr, n - 1 - r), record(outPtr, r), `dim ${dim} k ${kc} row ${r} reversed`);
            for (let r = 0; r < n; r += 5) {
              arena.i32()[ptrsPtr >>> 2] = rowsPtr + r * dim * 4;
              k.nearestCenters(ptrsPtr, 1, centersPtr, cnormPtr, kc, dim, negdot, out2Ptr);
              assert.deepEqual(record(out2Ptr, 0), record(outPtr, r), `dim ${dim} k ${kc} row ${r} alone`);
            }
          }
        }
      }
    });

    test('equal centers: the first wins, and the second distance is the same distance', () => {
      const dim = 17;
      const prng = new Prng(SEED);
      fill(rowsPtr, 5 * dim, prng, 1);
      fill(centersPtr, dim, prng, 1);
      const f = arena.f32();
      for (let c = 1; c < 4; c++) f.copyWithin((centersPtr >>> 2) + c * dim, centersPtr >>> 2, (centersPtr >>> 2) + dim);
      for (let r = 0; r < 5; r++) arena.i32()[(ptrsPtr >>> 2) + r] = rowsPtr + r * dim * 4;
      k.sqNormRange(centersPtr, 4, dim, cnormPtr);
      for (const negdot of [0, 1]) {
        k.nearestCenters(ptrsPtr, 5, centersPtr, cnormPtr, 4, dim, negdot, outPtr);
        for (let r = 0; r < 5; r++) {
          const [best, d1, d2] = record(outPtr, r);
          assert.equal(best, 0);
          assert.equal(d2, d1);
        }
      }
    });
  });
}
