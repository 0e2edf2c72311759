/**
 * The scale benchmarks' synthetic rows (bench/support/lift.ts): the ziggurat's deviates are
 * standard normal (moments and tail shares of a seeded sample), the lift map has orthonormal
 * columns, and a lifted row is the map times its source row plus noise of 10% of the source's
 * norm (checked against a float64 product per row, independent of the SIMD kernel).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lift, liftMatrix, normal, NoiseRng } from '../../bench/support/lift.js';
import { GLOVE_DIM } from '../../src/cli/glove.js';
import { Prng } from '../../src/common/prng.js';

const seed = Number(process.env['VECGRES_SEED'] ?? 11);

test('ziggurat deviates: mean 0, variance 1, kurtosis 3, tail shares of N(0, 1), both tails reached', () => {
  const p = new NoiseRng(seed);
  const n = 400_000;
  let s1 = 0;
  let s2 = 0;
  let s4 = 0;
  let over2 = 0;
  let over3 = 0;
  let max = 0;
  let min = 0;
  for (let i = 0; i < n; i++) {
    const x = normal(p);
    s1 += x;
    s2 += x * x;
    s4 += x * x * x * x;
    if (Math.abs(x) > 2) over2++;
    if (Math.abs(x) > 3) over3++;
    max = Math.max(max, x);
    min = Math.min(min, x);
  }
  const where = `seed ${seed}`;
  // Standard errors at n = 400,000: mean 0.0016, variance 0.0022, kurtosis 0.015 (of the
  // fourth moment, sd sqrt(96 / n) = 0.0155); the bounds are about 6 of them.
  assert.ok(Math.abs(s1 / n) < 0.01, `${where}: mean ${s1 / n}`);
  assert.ok(Math.abs(s2 / n - 1) < 0.015, `${where}: variance ${s2 / n}`);
  assert.ok(Math.abs(s4 / n - 3) < 0.1, `${where}: fourth moment ${s4 / n}`);
  // P(|x| > 2) = 0.0455, P(|x| > 3) = 0.0027.
  assert.ok(Math.abs(over2 / n - 0.0455) < 0.002, `${where}: P(|x| > 2) = ${over2 / n}`);
  assert.ok(Math.abs(over3 / n - 0.0027) < 0.0005, `${where}: P(|x| > 3) = ${over3 / n}`);
  // The ziggurat's base strip ends at 3.4426: values past it come from the exact tail method.
  assert.ok(max > 3.45 && min < -3.45, `${where}: range ${min} .. ${max}`);
});

test('the lift map has orthonormal columns; a lifted row is the map times the source plus 10% noise', () => {
  const dims = 256;
  const m = liftMatrix(dims);
  const f = m.arena.f32();
  const at = m.matPtr >>> 2;
  for (let a = 0; a < GLOVE_DIM; a += 7) {
    for (let b = a; b < GLOVE_DIM; b += 13) {
      let d = 0;
      for (let i = 0; i < dims; i++) d += f[at + i * GLOVE_DIM + a]! * f[at + i * GLOVE_DIM + b]!;
      assert.ok(Math.abs(d - (a === b ? 1 : 0)) < 1e-5, `columns ${a} and ${b}: ${d}`);
    }
  }
  const p = new Prng(seed);
  const rows = 50;
  const src = Float32Array.from({ length: rows * GLOVE_DIM }, () => p.next() * 2 - 1);
  const out = lift(src, 2 * rows, dims, m, seed, 0);
  assert.equal(out.length, 2 * rows * dims);
  let ratioSum = 0;
  for (let r = 0; r < 2 * rows; r++) {
    const s = (r % rows) * GLOVE_DIM;
    let norm = 0;
    for (let c = 0; c < GLOVE_DIM; c++) norm += src[s + c]! ** 2;
    let noise2 = 0;
    for (let i = 0; i < dims; i++) {
      let x = 0;
      for (let c = 0; c < GLOVE_DIM; c++) x += f[at + i * GLOVE_DIM + c]! * src[s + c]!;
      noise2 += (out[r * dims + i]! - x) ** 2;
    }
    // The noise's norm is 10% of the source's (chi with 256 degrees of freedom: within 25%).
    const ratio = Math.sqrt(noise2 / norm);
    assert.ok(ratio > 0.075 && ratio < 0.125, `row ${r}: noise / norm ${ratio}`);
    ratioSum += ratio;
  }
  assert.ok(Math.abs(ratioSum / (2 * rows) - 0.1) < 0.005, `mean noise / norm ${ratioSum / (2 * rows)}`);
  // Rows past the source's end reuse its rows with fresh noise; the same seed gives the same rows.
  assert.notDeepEqual(out.subarray(0, dims), out.subarray(rows * dims, (rows + 1) * dims));
  assert.deepEqual(lift(src, 3, dims, m, seed, 0), out.subarray(0, 3 * dims));
  assert.throws(() => lift(src, 1, 128, m, seed), /a map for 256 dimensions, not 128/);
});
