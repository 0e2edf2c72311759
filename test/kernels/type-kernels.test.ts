/**
 * Property tests of the float16, bit and sparse kernels against independent plain
 * computations: every half round-trips; float32 -> half rounds to the nearest half with ties
 * to even (decided with exact double arithmetic); popcount kernels equal bit-by-bit counts;
 * sparse merges equal the dense float32 kernels on the densified vectors exactly (adding the
 * zero terms never changes a float32 sum). Seeded: VECGRES_SEED replays a failure.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HALF_TO_F32, floatToHalf, halfDotRef, halfL1Ref, halfL2SquaredRef } from '../../src/kernels/half.js';
import { hammingRef, jaccardRef } from '../../src/kernels/bits.js';
import { sparseDotRef, sparseL1Ref, sparseL2SquaredRef } from '../../src/kernels/sparse.js';
import { dotRef, l1Ref, l2SquaredRef } from '../../src/kernels/reference.js';

const SEED = process.env['VECGRES_SEED'] !== undefined ? Number(process.env['VECGRES_SEED']) : (Date.now() % 1_000_000_007) >>> 0;
const params = { seed: SEED, numRuns: 2000 };

/** The finite halves in increasing order, for a nearest-value search independent of bit tricks. */
const sortedHalves: Array<[number, number]> = [];
for (let h = 0; h < 65536; h++) if ((h & 0x7c00) !== 0x7c00) sortedHalves.push([HALF_TO_F32[h]!, h]);
sortedHalves.sort((a, b) => a[0] - b[0] || (Object.is(a[0], -0) ? -1 : 1));

function nearestHalf(x: number): number {
  if (Math.abs(x) >= 65520) return x > 0 ? 0x7c00 : 0xfc00;
  let lo = 0;
  let hi = sortedHalves.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (sortedHalves[mid]![0] <= x) lo = mid;
    else hi = mid;
  }
  const [a, ha] = sortedHalves[lo]!;
  const [b, hb] = sortedHalves[hi]!;
  const da = Math.abs(x - a);
  const db = Math.abs(x - b);
  let h = da < db ? ha : db < da ? hb : (ha & 1) === 0 ? ha : hb;
  if (HALF_TO_F32[h] === 0) h = x < 0 || Object.is(x, -0) ? 0x8000 : 0; // zero keeps the sign
  return h;
}

describe('float16 conversion', () => {
  test('every finite half widens and rounds back to itself; infinities and NaN stay', () => {
    for (let h = 0; h < 65536; h++) {
      const x = HALF_TO_F32[h]!;
      if (x !== x) assert.equal(floatToHalf(x) & 0x7c00, 0x7c00);
      else assert.equal(floatToHalf(x), h, `half 0x${h.toString(16)}`);
    }
  });

  test('float32 -> half is round to nearest, ties to even', () => {
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 90, max: 145 }), fc.boolean(), (bits, e, near) => {
        u32[0] = near ? (bits & 0x807fffff) | (e << 23) : bits;
        const x = f32[0]!;
        if (!Number.isFinite(x)) return;
        assert.equal(floatToHalf(x), nearestHalf(x), `x = ${x} (VECGRES_SEED=${SEED})`);
      }),
      params,
    );
  });
});

describe('halfvec kernels', () => {
  test('equal the float32 kernels over the widened values', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })), { maxLength: 300 }), (pairs) => {
        const a = new Uint16Array(pairs.map(([x]) => ((x & 0x7c00) === 0x7c00 ? x & 0x83ff : x)));
        const b = new Uint16Array(pairs.map(([, y]) => ((y & 0x7c00) === 0x7c00 ? y & 0x83ff : y)));
        const fa = Float32Array.from(a, (h) => HALF_TO_F32[h]!);
        const fb = Float32Array.from(b, (h) => HALF_TO_F32[h]!);
        assert.equal(halfL2SquaredRef(a, 0, b, 0, a.length), l2SquaredRef(fa, 0, fb, 0, a.length));
        assert.equal(halfDotRef(a, 0, b, 0, a.length), dotRef(fa, 0, fb, 0, a.length));
        assert.equal(halfL1Ref(a, 0, b, 0, a.length), l1Ref(fa, 0, fb, 0, a.length));
      }),
      params,
    );
  });
});

describe('bit kernels', () => {
  test('hamming and jaccard equal bit-by-bit counts', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })), { maxLength: 200 }), fc.integer({ min: 0, max: 7 }), (pairs, off) => {
        const n = pairs.length;
        const a = new Uint8Array(n + off);
        const b = new Uint8Array(n + off);
        pairs.forEach(([x, y], i) => {
          a[off + i] = x;
          b[i] = y;
        });
        let xor = 0;
        let and = 0;
        let or = 0;
        for (let i = 0; i < n * 8; i++) {
          const x = (a[off + (i >> 3)]! >> (7 - (i & 7))) & 1;
          const y = (b[i >> 3]! >> (7 - (i & 7))) & 1;
          xor += x ^ y;
          and += x & y;
          or += x | y;
        }
        assert.equal(hammingRef(a, off, b, 0, n), xor);
        assert.equal(jaccardRef(a, off, b, 0, n), and === 0 ? 1 : 1 - and / or);
      }),
      params,
    );
  });
});

describe('sparse kernels', () => {
  const sparse = (dim: number) =>
    fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: dim - 1 }), fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })), {
      selector: ([i]) => i,
      maxLength: dim,
    }).map((els) => {
      const nz = els.filter(([, v]) => v !== 0).sort((x, y) => x[0] - y[0]);
      return { indices: Int32Array.from(nz, ([i]) => i), values: Float32Array.from(nz, ([, v]) => v) };
    });

  test('merges equal the dense float32 kernels on the densified vectors', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }).chain((d) => fc.tuple(fc.constant(d), sparse(d), sparse(d))), ([dim, a, b]) => {
        const da = new Float32Array(dim);
        const db = new Float32Array(dim);
        a.indices.forEach((i, k) => (da[i] = a.values[k]!));
        b.indices.forEach((i, k) => (db[i] = b.values[k]!));
        assert.equal(sparseL2SquaredRef(a.indices, a.values, b.indices, b.values), l2SquaredRef(da, 0, db, 0, dim));
        assert.equal(sparseDotRef(a.indices, a.values, b.indices, b.values), dotRef(da, 0, db, 0, dim));
        assert.equal(sparseL1Ref(a.indices, a.values, b.indices, b.values), l1Ref(da, 0, db, 0, dim));
      }),
      params,
    );
  });
});
