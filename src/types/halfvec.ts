/**
 * pgvector's `halfvec` type: IEEE binary16 elements, 1..16,000 dimensions, following pgvector
 * 0.8's src/halfvec.c (halfvec_in/out, typmod_in, recv/send, the distance functions, l2_norm,
 * l2_normalize, halfvec_add/sub/mul, halfvec_concat, binary_quantize, subvector, halfvec_cmp).
 *
 * A halfvec value is a Uint16Array of binary16 bit patterns whose length is its dimension
 * count (2 bytes per dimension, the on-disk and wire layout). Text output prints each half
 * widened to float32 with float4's shortest round-trip digits, as pgvector does
 * (`'[0.1]'::halfvec` prints `[0.099975586]`). Arithmetic widens to float32, computes in
 * float32 and rounds back to half (what _Float16 arithmetic does too: float32 has enough bits
 * that rounding twice is harmless for + - *). Distances accumulate in float32 in index order
 * (kernels/half.ts), norms in double.
 *
 * Every user error is a PgError with pgvector's SQLSTATE and message text.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { HALFVEC_MAX_DIM } from '../common/limits.js';
import {
  HALF_TO_F32,
  floatToHalf,
  halfCosineDistanceRef,
  halfDotRef,
  halfIsInf,
  halfIsNan,
  halfIsZero,
  halfL1Ref,
  halfL2SquaredRef,
  halfNormRef,
} from '../kernels/half.js';
import { BitString } from './bit.js';
import {
  checkDimCount,
  checkExpectedDim,
  checkSameDimCount,
  dimTypmodIn,
  dimTypmodOut,
  insufficientData,
  overflowError,
  recvDimHeader,
  sphericalFromDot,
  underflowError,
  checkFullyRead,
} from './dims.js';
import { formatFloat4, formatFloat4List } from './float.js';
import { scanBracketList } from './text_input.js';

// ---------------------------------------------------------------------------------------------
// Checks (halfvec.c CheckDim, CheckExpectedDim, CheckElement, CheckDims)
// ---------------------------------------------------------------------------------------------

/** @throws PgError 22000 `halfvec must have at least 1 dimension`, 54000 past 16,000. */
export function checkHalfvecDim(dim: number): void {
  checkDimCount('halfvec', dim, HALFVEC_MAX_DIM);
}

/** Enforces a typmod (-1 = none). @throws PgError 22000 `expected 3 dimensions, not 2`. */
export function checkHalfvecTypmod(v: Uint16Array, typmod: number): void {
  checkExpectedDim(typmod, v.length);
}

/** @throws PgError 22000 `NaN not allowed in halfvec` / `infinite value not allowed in halfvec`. */
export function checkHalfElement(h: number): void {
  if (halfIsNan(h)) throw new PgError(SQLSTATE.data_exception, 'NaN not allowed in halfvec');
  if (halfIsInf(h)) throw new PgError(SQLSTATE.data_exception, 'infinite value not allowed in halfvec');
}

function checkSameDims(a: Uint16Array, b: Uint16Array): void {
  checkSameDimCount('halfvec', a.length, b.length);
}

/**
 * Float4ToHalf: rounds the float32 `x` to half.
 * @returns the binary16 bits (infinity for an infinite `x`, NaN for NaN).
 * @throws PgError 22003 `"<x as float4>" is out of range for type halfvec` when a finite `x`
 *   rounds to infinity (|x| >= 65520).
 */
export function float4ToHalf(x: number): number {
  const h = floatToHalf(x);
  if (halfIsInf(h) && x !== Infinity && x !== -Infinity) {
    throw new PgError(SQLSTATE.numeric_value_out_of_range, `"${formatFloat4(x)}" is out of range for type halfvec`);
  }
  return h;
}

// ---------------------------------------------------------------------------------------------
// Text format
// ---------------------------------------------------------------------------------------------

/**
 * halfvec_in: parses `[1,2,3]` (whitespace as vector_in; each element read as strtof reads it,
 * then rounded to half) and applies `typmod` (-1 = none).
 * @returns a new Uint16Array of halves.
 * @throws PgError 22P02 `invalid input syntax for type halfvec: "<text>"` (DETAIL `Vector
 *   contents must start with "[".` / `Junk after closing right brace.` where pgvector adds
 *   one); 22000 `halfvec must have at least 1 dimension`; 54000 past 16,000 dimensions; 22003
 *   `"<element>" is out of range for type halfvec` (float32 overflow, or |x| >= 65520); 22000
 *   NaN / infinite element; 22000 `expected N dimensions, not M`.
 */
export function parseHalfvec(text: string, typmod = -1): Uint16Array {
  const x = scanBracketList(text, 'halfvec', HALFVEC_MAX_DIM);
  checkExpectedDim(typmod, x.length);
  const r = new Uint16Array(x.length);
  for (let i = 0; i < r.length; i++) r[i] = floatToHalf(x[i]!);
  return r;
}

/** halfvec_out: `[1,0.099975586]`, each half widened to float32 and printed as float4out does. */
export function formatHalfvec(v: Uint16Array): string {
  const wide = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) wide[i] = HALF_TO_F32[v[i]!]!;
  return formatFloat4List(wide, '[', ']');
}

/** The float32 values of a halfvec (halfvec_to_vector without the checks). */
export function halfvecToFloats(v: Uint16Array): Float32Array {
  const r = new Float32Array(v.length);
  for (let i = 0; i < r.length; i++) r[i] = HALF_TO_F32[v[i]!]!;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Type modifier
// ---------------------------------------------------------------------------------------------

/**
 * halfvec_typmod_in: the typmod for `halfvec(n)`.
 * @throws PgError 22023 `invalid type modifier`, `dimensions for type halfvec must be at least
 *   1`, `dimensions for type halfvec cannot exceed 16000`.
 */
export function halfvecTypmodIn(mods: number | readonly number[]): number {
  return dimTypmodIn('halfvec', HALFVEC_MAX_DIM, mods);
}

/** format_type: `halfvec` or `halfvec(3)`. */
export function halfvecTypmodOut(typmod: number): string {
  return dimTypmodOut('halfvec', typmod);
}

// ---------------------------------------------------------------------------------------------
// Binary format
// ---------------------------------------------------------------------------------------------

/**
 * halfvec_send: int16 dim, int16 unused (0), then dim binary16 values, big-endian.
 * @returns 4 + 2 * dim bytes.
 */
export function halfvecSend(v: Uint16Array): Uint8Array {
  const out = new Uint8Array(4 + 2 * v.length);
  const dv = new DataView(out.buffer);
  dv.setInt16(0, v.length);
  dv.setInt16(2, 0);
  for (let i = 0; i < v.length; i++) dv.setUint16(4 + 2 * i, v[i]!);
  return out;
}

/**
 * halfvec_recv: reads {@link halfvecSend}'s layout and applies `typmod`.
 * @throws PgError 08P01 `insufficient data left in message`; 22000/54000 dimension errors;
 *   22000 `expected N dimensions, not M`; 22000 `expected unused to be 0, not U`; 22000
 *   NaN/infinite element.
 */
export function halfvecRecv(buf: Uint8Array, typmod = -1): Uint16Array {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dim = recvDimHeader('halfvec', HALFVEC_MAX_DIM, dv, typmod);
  const v = new Uint16Array(dim);
  for (let i = 0; i < dim; i++) {
    if (4 + 2 * i + 2 > buf.byteLength) throw insufficientData();
    v[i] = dv.getUint16(4 + 2 * i);
    checkHalfElement(v[i]!);
  }
  checkFullyRead(buf, 4 + 2 * dim);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Distances and functions
// ---------------------------------------------------------------------------------------------

/** `<->`, l2_distance. @throws 22000 `different halfvec dimensions A and B` */
export function halfvecL2Distance(a: Uint16Array, b: Uint16Array): number {
  checkSameDims(a, b);
  return Math.sqrt(halfL2SquaredRef(a, 0, b, 0, a.length));
}

/** halfvec_l2_squared_distance (index support). @throws 22000 dims */
export function halfvecL2SquaredDistance(a: Uint16Array, b: Uint16Array): number {
  checkSameDims(a, b);
  return halfL2SquaredRef(a, 0, b, 0, a.length);
}

/** inner_product. @throws 22000 dims */
export function halfvecInnerProduct(a: Uint16Array, b: Uint16Array): number {
  checkSameDims(a, b);
  return halfDotRef(a, 0, b, 0, a.length);
}

/** `<#>`, halfvec_negative_inner_product. @throws 22000 dims */
export function halfvecNegativeInnerProduct(a: Uint16Array, b: Uint16Array): number {
  checkSameDims(a, b);
  return -halfDotRef(a, 0, b, 0, a.length);
}

/** `<=>`, cosine_distance (NaN for a zero vector). @throws 22000 dims */
export function halfvecCosineDistance(a: Uint16Array, b: Uint16Array): number {
  checkSameDims(a, b);
  return halfCosineDistanceRef(a, 0, b, 0, a.length);
}

/** `<+>`, l1_distance. @throws 22000 dims */
export function halfvecL1Distance(a: Uint16Array, b: Uint16Array): number {
  checkSameDims(a, b);
  return halfL1Ref(a, 0, b, 0, a.length);
}

/** halfvec_spherical_distance (IVFFlat k-means): acos(clamped dot) / pi. @throws 22000 dims */
export function halfvecSphericalDistance(a: Uint16Array, b: Uint16Array): number {
  checkSameDims(a, b);
  return sphericalFromDot(halfDotRef(a, 0, b, 0, a.length));
}

/** vector_dims(halfvec). */
export function halfvecDims(a: Uint16Array): number {
  return a.length;
}

/** l2_norm(halfvec): double-precision norm. */
export function halfvecNorm(a: Uint16Array): number {
  return halfNormRef(a, 0, a.length);
}

/**
 * l2_normalize(halfvec): each element / norm in double, rounded to float32 then to half (as
 * pgvector's `(float) (x / norm)` then Float4ToHalfUnchecked); zero stays zero.
 * @throws PgError 22003 `value out of range: overflow`
 */
export function halfvecL2Normalize(a: Uint16Array): Uint16Array {
  const norm = halfNormRef(a, 0, a.length);
  const r = new Uint16Array(a.length);
  if (norm > 0) {
    for (let i = 0; i < a.length; i++) r[i] = floatToHalf(Math.fround(HALF_TO_F32[a[i]!]! / norm));
    for (let i = 0; i < r.length; i++) if (halfIsInf(r[i]!)) throw overflowError();
  }
  return r;
}

/** `+`, halfvec_add. @throws 22000 dims, 22003 `value out of range: overflow` */
export function halfvecAdd(a: Uint16Array, b: Uint16Array): Uint16Array {
  checkSameDims(a, b);
  const t = HALF_TO_F32;
  const r = new Uint16Array(a.length);
  for (let i = 0; i < r.length; i++) r[i] = floatToHalf(Math.fround(t[a[i]!]! + t[b[i]!]!));
  for (let i = 0; i < r.length; i++) if (halfIsInf(r[i]!)) throw overflowError();
  return r;
}

/** `-`, halfvec_sub. @throws 22000 dims, 22003 `value out of range: overflow` */
export function halfvecSub(a: Uint16Array, b: Uint16Array): Uint16Array {
  checkSameDims(a, b);
  const t = HALF_TO_F32;
  const r = new Uint16Array(a.length);
  for (let i = 0; i < r.length; i++) r[i] = floatToHalf(Math.fround(t[a[i]!]! - t[b[i]!]!));
  for (let i = 0; i < r.length; i++) if (halfIsInf(r[i]!)) throw overflowError();
  return r;
}

/**
 * `*`, halfvec_mul (element-wise). @throws 22000 dims, 22003 `value out of range: overflow` /
 * `value out of range: underflow` (a product of nonzero halves that rounds to zero)
 */
export function halfvecMul(a: Uint16Array, b: Uint16Array): Uint16Array {
  checkSameDims(a, b);
  const t = HALF_TO_F32;
  const r = new Uint16Array(a.length);
  for (let i = 0; i < r.length; i++) r[i] = floatToHalf(Math.fround(t[a[i]!]! * t[b[i]!]!));
  for (let i = 0; i < r.length; i++) {
    if (halfIsInf(r[i]!)) throw overflowError();
    if (halfIsZero(r[i]!) && !(halfIsZero(a[i]!) || halfIsZero(b[i]!))) {
      throw underflowError();
    }
  }
  return r;
}

/** `||`, halfvec_concat. @throws 54000 past 16,000 dimensions */
export function halfvecConcat(a: Uint16Array, b: Uint16Array): Uint16Array {
  checkHalfvecDim(a.length + b.length);
  const r = new Uint16Array(a.length + b.length);
  r.set(a, 0);
  r.set(b, a.length);
  return r;
}

/** binary_quantize(halfvec): bit i set when element i > 0; a bit string of the same length. */
export function halfvecBinaryQuantize(a: Uint16Array): BitString {
  const bytes = new Uint8Array((a.length + 7) >> 3);
  for (let i = 0; i < a.length; i++) if (HALF_TO_F32[a[i]!]! > 0) bytes[i >> 3]! |= 0x80 >>> (i & 7);
  return new BitString(a.length, bytes);
}

/**
 * subvector(halfvec, start, count): 1-based like substring, clipped to the vector.
 * @throws PgError 22000 `halfvec must have at least 1 dimension` when nothing is left.
 */
export function halfvecSubvector(a: Uint16Array, start: number, count: number): Uint16Array {
  if (count < 1) throw new PgError(SQLSTATE.data_exception, 'halfvec must have at least 1 dimension');
  // pgvector avoids int32 overflow by comparing against dim - count.
  let end = start > a.length - count ? a.length + 1 : start + count;
  let s = start;
  if (s < 1) s = 1;
  else if (s > a.length) throw new PgError(SQLSTATE.data_exception, 'halfvec must have at least 1 dimension');
  if (end > a.length + 1) end = a.length + 1;
  const dim = end - s;
  checkHalfvecDim(dim);
  return a.slice(s - 1, s - 1 + dim);
}

/**
 * halfvec_cmp (btree order): element values first, then the shorter vector first.
 * @returns -1, 0 or 1.
 */
export function halfvecCmp(a: Uint16Array, b: Uint16Array): number {
  const t = HALF_TO_F32;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = t[a[i]!]!;
    const y = t[b[i]!]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  if (a.length < b.length) return -1;
  if (a.length > b.length) return 1;
  return 0;
}
