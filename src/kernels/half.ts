/**
 * IEEE 754 binary16 ("half") conversion and the plain-TypeScript reference kernels over
 * halfvec data, matching pgvector 0.8's src/halfutils.h (HalfToFloat4, Float4ToHalfUnchecked)
 * and src/halfutils.c (HalfvecL2SquaredDistance, HalfvecInnerProduct, HalfvecCosineSimilarity,
 * HalfvecL1Distance in their portable form): halves are widened to float32 and every sum is
 * accumulated in float32 in index order, which is what pgvector does when it has no F16C
 * dispatch (the WebAssembly build behind the differential tests, and every non-x86 build).
 *
 * A halfvec is stored as a Uint16Array of binary16 bit patterns: 2 bytes per dimension, the
 * layout pgvector keeps on disk and sends on the wire.
 */
import { cosineFromSums } from './reference.js';

const f = Math.fround;

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** Largest finite half, 65504. */
export const HALF_MAX = 65504;

/**
 * binary16 bits -> float32 value for all 65,536 patterns, so widening is one load. 256 KiB,
 * built once at start-up.
 */
export const HALF_TO_F32: Float32Array = buildHalfTable();

function buildHalfTable(): Float32Array {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    let v: number;
    if (exp === 0) v = mant * 2 ** -24;
    else if (exp === 31) v = mant === 0 ? Infinity : NaN;
    else v = (1024 + mant) * 2 ** (exp - 25);
    t[h] = h & 0x8000 ? -v : v;
  }
  return t;
}

/** HalfToFloat4: the float32 value of the binary16 pattern `h` (0..65535). */
export function halfToFloat(h: number): number {
  return HALF_TO_F32[h & 0xffff]!;
}

/**
 * Float4ToHalfUnchecked: rounds the float32 value `x` to binary16, to nearest with ties to
 * even (IEEE 754 roundTiesToEven, what F16C's _cvtss_sh(x, 0), _Float16 casts and pgvector's
 * portable bit-twiddling version all do). Finite values of magnitude >= 65520 become
 * infinity; NaN stays a quiet NaN. `x` must already be a float32 value: passing a double
 * would round twice.
 * @returns the binary16 bit pattern.
 */
export function floatToHalf(x: number): number {
  scratchF32[0] = x;
  const u = scratchU32[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  const mant = u & 0x7fffff;
  if (exp === 255) return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  const e = exp - 127;
  if (e > 15) return sign | 0x7c00;
  if (e >= -14) {
    let hm = mant >>> 13;
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && (hm & 1) === 1)) hm++;
    // A carry out of the mantissa bumps the exponent, and past 30 lands exactly on infinity.
    return sign | (((e + 15) << 10) + hm);
  }
  // Below 2^-25 everything rounds to zero (2^-25 itself is a tie that goes to even zero).
  if (e < -25) return sign;
  const full = mant | 0x800000;
  const shift = -e - 1; // 14..24: the value in units of 2^-24 is full >> shift
  let hm = full >>> shift;
  const rem = full & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rem > half || (rem === half && (hm & 1) === 1)) hm++;
  return sign | hm;
}

/** HalfIsInf. */
export function halfIsInf(h: number): boolean {
  return (h & 0x7fff) === 0x7c00;
}

/** HalfIsNan. */
export function halfIsNan(h: number): boolean {
  return (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
}

/** HalfIsZero: +0 or -0. */
export function halfIsZero(h: number): boolean {
  return (h & 0x7fff) === 0;
}

// ---------------------------------------------------------------------------------------------
// Reference kernels: a/b are Uint16Array halves, aOff/bOff element offsets, dim element count.
// ---------------------------------------------------------------------------------------------

/** HalfvecL2SquaredDistance: float32 sum of squared float32 differences, index order. */
export function halfL2SquaredRef(a: Uint16Array, aOff: number, b: Uint16Array, bOff: number, dim: number): number {
  const t = HALF_TO_F32;
  let s = 0;
  for (let i = 0; i < dim; i++) {
    const d = f(t[a[aOff + i]!]! - t[b[bOff + i]!]!);
    s = f(s + f(d * d));
  }
  return s;
}

/** HalfvecInnerProduct: float32 sum of float32 products, index order. */
export function halfDotRef(a: Uint16Array, aOff: number, b: Uint16Array, bOff: number, dim: number): number {
  const t = HALF_TO_F32;
  let s = 0;
  for (let i = 0; i < dim; i++) s = f(s + f(t[a[aOff + i]!]! * t[b[bOff + i]!]!));
  return s;
}

/** HalfvecL1Distance: float32 sum of |a - b|, index order. */
export function halfL1Ref(a: Uint16Array, aOff: number, b: Uint16Array, bOff: number, dim: number): number {
  const t = HALF_TO_F32;
  let s = 0;
  for (let i = 0; i < dim; i++) s = f(s + Math.abs(f(t[a[aOff + i]!]! - t[b[bOff + i]!]!)));
  return s;
}

/**
 * halfvec cosine_distance: 1 - dot / sqrt(|a|^2 |b|^2) with the three sums in float32
 * (HalfvecCosineSimilarity), the quotient in double, clamped to [-1, 1]; NaN for a zero norm.
 */
export function halfCosineDistanceRef(a: Uint16Array, aOff: number, b: Uint16Array, bOff: number, dim: number): number {
  const t = HALF_TO_F32;
  let sim = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < dim; i++) {
    const x = t[a[aOff + i]!]!;
    const y = t[b[bOff + i]!]!;
    sim = f(sim + f(x * y));
    na = f(na + f(x * x));
    nb = f(nb + f(y * y));
  }
  return cosineFromSums(sim, na, nb);
}

/** halfvec l2_norm: sqrt of a double-precision sum of squares. */
export function halfNormRef(a: Uint16Array, aOff: number, dim: number): number {
  const t = HALF_TO_F32;
  let s = 0;
  for (let i = 0; i < dim; i++) {
    const x = t[a[aOff + i]!]!;
    s += x * x;
  }
  return Math.sqrt(s);
}
