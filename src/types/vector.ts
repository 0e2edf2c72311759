/**
 * pgvector's `vector` type: float32 elements, 1..16,000 dimensions, byte-for-byte compatible
 * text and binary formats, typmod handling and the SQL-visible functions, following pgvector
 * 0.8's src/vector.c (vector_in, vector_out, vector_typmod_in, vector_recv/send, l2_distance,
 * inner_product, vector_negative_inner_product, cosine_distance, l1_distance, vector_dims,
 * vector_norm, l2_normalize, vector_add/sub/mul, vector_cmp, subvector).
 *
 * A vector value is a Float32Array whose length is its dimension count. Functions that return
 * SQL float8 return JavaScript numbers equal to pgvector's results: sums are accumulated in
 * float32 in index order as pgvector's C does (see kernels/reference.ts), except vector_norm,
 * which pgvector accumulates in double.
 *
 * Every user error is a PgError with pgvector's SQLSTATE and message text.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { VECTOR_MAX_DIM } from '../common/limits.js';
import { dotRef, normRef } from '../kernels/reference.js';
import { exactCosine, exactDot, exactL1, exactL2Squared } from '../kernels/exact.js';
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
import { formatFloat4List } from './float.js';
import { scanBracketList } from './text_input.js';
import { Float32Slab, vectorFromAscii } from './vector_bytes.js';

// ---------------------------------------------------------------------------------------------
// Checks shared by input paths (pgvector CheckDim, CheckExpectedDim, CheckElement, CheckDims)
// ---------------------------------------------------------------------------------------------

/** @throws PgError 22000 `vector must have at least 1 dimension`, 54000 past 16,000. */
export function checkDim(dim: number): void {
  checkDimCount('vector', dim, VECTOR_MAX_DIM);
}

/**
 * Enforces a column's typmod (`vector(3)`); typmod -1 means unconstrained.
 * @throws PgError 22000 `expected 3 dimensions, not 2`.
 */
export function checkVectorDims(v: Float32Array, typmod: number): void {
  checkExpectedDim(typmod, v.length);
}

/** @throws PgError 22000 `NaN not allowed in vector` / `infinite value not allowed in vector`. */
export function checkElement(x: number): void {
  if (x !== x) throw new PgError(SQLSTATE.data_exception, 'NaN not allowed in vector');
  if (x === Infinity || x === -Infinity) throw new PgError(SQLSTATE.data_exception, 'infinite value not allowed in vector');
}

/** @throws PgError 22000 `different vector dimensions 3 and 2`. */
export function checkSameDims(a: Float32Array, b: Float32Array): void {
  checkSameDimCount('vector', a.length, b.length);
}

// ---------------------------------------------------------------------------------------------
// Text format
// ---------------------------------------------------------------------------------------------

const utf8 = new TextEncoder();
/** Literals up to this many characters take the byte fast path (16,000 elements of ~20 characters). */
const ASCII_SCRATCH_BYTES = 1 << 19;
const asciiScratch = new Uint8Array(ASCII_SCRATCH_BYTES);
const parseSlab = new Float32Slab();

/**
 * vector_in: parses `[1,2,3]` (whitespace — space, \t, \n, \r, \v, \f — allowed around
 * brackets and elements; elements read as strtof reads them, so `1e3`, `.5`, `+1`, `0x10`
 * are accepted) and applies `typmod` (-1 = none).
 * @returns a new Float32Array of the vector's dimension.
 * @throws PgError 22P02 `invalid input syntax for type vector: "<text>"` (DETAIL `Vector
 *   contents must start with "[".` or `Junk after closing right brace.` where pgvector adds
 *   one); 22000 `vector must have at least 1 dimension`; 54000 `vector cannot have more than
 *   16000 dimensions`; 22003 `"<element>" is out of range for type vector`; 22000 `NaN not
 *   allowed in vector` / `infinite value not allowed in vector`; 22000 `expected N
 *   dimensions, not M`.
 */
export function parseVector(text: string, typmod = -1): Float32Array {
  // The byte fast path COPY FROM reads with (vector_bytes.ts) decides plain `[x,y,...]` text at
  // a third of scanBracketList's cost per element; anything else it leaves to vector_in's loop.
  const len = text.length;
  if (len <= ASCII_SCRATCH_BYTES) {
    const { read, written } = utf8.encodeInto(text, asciiScratch);
    if (read === len && written === len) {
      parseSlab.reset();
      // With a typmod the fast path reads straight into a vector of that size (a count that
      // differs is left to the loop below, whose error is vector_in's).
      const v = vectorFromAscii(asciiScratch, 0, len, typmod > 0 ? typmod : -1, parseSlab);
      if (v !== null) return v.slice();
    }
  }
  const x = scanBracketList(text, 'vector', VECTOR_MAX_DIM);
  checkExpectedDim(typmod, x.length);
  return x.slice();
}

/**
 * A vector from a client's numbers (the embedded API's `number[]` or typed-array parameter,
 * what embedding clients return): one copy into a Float32Array, each element rounded to float4
 * as vector_in rounds its text, then vector_in's checks. A Float32Array is checked, not copied.
 * Elements that are not numbers take the text path, so their error is vector_in's.
 * @returns a Float32Array of `a.length` elements.
 * @throws PgError as {@link parseVector}: 22000 `vector must have at least 1 dimension`, 54000
 *   past 16,000 dimensions, 22003 `"1e+40" is out of range for type vector` (a double beyond
 *   float4's range), 22000 `NaN not allowed in vector` / `infinite value not allowed in vector`, 22000 `expected N dimensions, not M`,
 *   22P02 for an element that is not a number.
 */
export function vectorFromNumbers(a: ArrayLike<unknown>, typmod = -1): Float32Array {
  const v = a instanceof Float32Array ? a : copyNumbers(a);
  if (v === null) return parseVector(`[${Array.from(a, String).join(',')}]`, typmod);
  checkDim(v.length);
  for (let i = 0; i < v.length; i++) checkElement(v[i]!);
  checkExpectedDim(typmod, v.length);
  return v;
}

/**
 * `a`'s numbers rounded to float32 in a new array, or null when an element is not a number.
 * @throws PgError 22003 for a finite number beyond float4's range (strtof's overflow, with the
 *   element as JavaScript prints it).
 */
function copyNumbers(a: ArrayLike<unknown>): Float32Array | null {
  const n = a.length;
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    if (typeof x !== 'number') return null;
    const f = Math.fround(x);
    if ((f === Infinity || f === -Infinity) && Number.isFinite(x)) {
      throw new PgError(SQLSTATE.numeric_value_out_of_range, `"${String(x)}" is out of range for type vector`);
    }
    v[i] = f;
  }
  return v;
}

/** vector_out: `[1,2.5,-0,1e-05]`, each element as float4out prints it (shortest round trip). */
export function formatVector(v: Float32Array): string {
  return formatFloat4List(v, '[', ']');
}

// ---------------------------------------------------------------------------------------------
// Type modifier
// ---------------------------------------------------------------------------------------------

/**
 * vector_typmod_in: the typmod for `vector(n)`; `mods` is the list in parentheses.
 * @returns n.
 * @throws PgError 22023 `invalid type modifier` (not exactly one), `dimensions for type vector
 *   must be at least 1`, `dimensions for type vector cannot exceed 16000`.
 */
export function vectorTypmodIn(mods: number | readonly number[]): number {
  return dimTypmodIn('vector', VECTOR_MAX_DIM, mods);
}

/** The type name as format_type prints it: `vector` or `vector(3)`. */
export function vectorTypmodOut(typmod: number): string {
  return dimTypmodOut('vector', typmod);
}

// ---------------------------------------------------------------------------------------------
// Binary format
// ---------------------------------------------------------------------------------------------

/**
 * vector_send: int16 dim, int16 unused (0), then dim float4 values, all big-endian.
 * @returns 4 + 4 * dim bytes.
 */
export function vectorSend(v: Float32Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * v.length);
  const dv = new DataView(out.buffer);
  dv.setInt16(0, v.length);
  dv.setInt16(2, 0);
  for (let i = 0; i < v.length; i++) dv.setFloat32(4 + 4 * i, v[i]!);
  return out;
}

/**
 * vector_recv: reads {@link vectorSend}'s layout from `buf` and applies `typmod`.
 * @throws PgError 08P01 `insufficient data left in message` for a short buffer; 22000/54000
 *   dimension errors as {@link checkDim}; 22000 `expected N dimensions, not M`; 22000
 *   `expected unused to be 0, not U`; 22000 NaN/infinite element; 22P03 `incorrect binary data
 *   format` for bytes past the last element.
 */
export function vectorRecv(buf: Uint8Array, typmod = -1): Float32Array {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dim = recvDimHeader('vector', VECTOR_MAX_DIM, dv, typmod);
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    if (4 + 4 * i + 4 > buf.byteLength) throw insufficientData();
    v[i] = dv.getFloat32(4 + 4 * i);
    checkElement(v[i]!);
  }
  checkFullyRead(buf, 4 + 4 * dim);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Distances and functions (float8 results)
// ---------------------------------------------------------------------------------------------

/** `<->`, l2_distance: sqrt (in double) of the float32 sum of squared differences. @throws 22000 dims */
export function l2Distance(a: Float32Array, b: Float32Array): number {
  checkSameDims(a, b);
  return Math.sqrt(exactL2Squared(a, b));
}

/** vector_l2_squared_distance (the HNSW/IVFFlat L2 support function). @throws 22000 dims */
export function l2SquaredDistance(a: Float32Array, b: Float32Array): number {
  checkSameDims(a, b);
  return exactL2Squared(a, b);
}

/** inner_product: float32 sum of products. @throws 22000 dims */
export function innerProduct(a: Float32Array, b: Float32Array): number {
  checkSameDims(a, b);
  return exactDot(a, b);
}

/** `<#>`, vector_negative_inner_product. @throws 22000 dims */
export function negativeInnerProduct(a: Float32Array, b: Float32Array): number {
  checkSameDims(a, b);
  return -exactDot(a, b);
}

/**
 * `<=>`, cosine_distance: 1 - dot / sqrt(|a|^2 * |b|^2), float32 sums, the similarity clamped
 * to [-1, 1]; NaN when a norm is zero (or overflows float32). @throws 22000 dims
 */
export function cosineDistance(a: Float32Array, b: Float32Array): number {
  checkSameDims(a, b);
  return exactCosine(a, b);
}

/** `<+>`, l1_distance: float32 sum of absolute differences. @throws 22000 dims */
export function l1Distance(a: Float32Array, b: Float32Array): number {
  checkSameDims(a, b);
  return exactL1(a, b);
}

/**
 * vector_spherical_distance (IVFFlat's k-means support for cosine/IP): acos of the clamped
 * float32 inner product, divided by pi. @throws 22000 dims
 */
export function sphericalDistance(a: Float32Array, b: Float32Array): number {
  checkSameDims(a, b);
  return sphericalFromDot(dotRef(a, 0, b, 0, a.length));
}

/** vector_dims. */
export function vectorDims(a: Float32Array): number {
  return a.length;
}

/** vector_norm: sqrt of a double-precision sum of squares. */
export function vectorNorm(a: Float32Array): number {
  return normRef(a, 0, a.length);
}

/**
 * l2_normalize: each element divided (in double) by the double-precision norm; a zero vector
 * stays zero. @throws PgError 22003 `value out of range: overflow`
 */
export function l2Normalize(a: Float32Array): Float32Array {
  const norm = normRef(a, 0, a.length);
  const r = new Float32Array(a.length);
  if (norm > 0) {
    for (let i = 0; i < a.length; i++) r[i] = a[i]! / norm;
    for (let i = 0; i < r.length; i++) if (!Number.isFinite(r[i]!)) throw overflowError();
  }
  return r;
}

/** `+`, vector_add. @throws 22000 dims, 22003 `value out of range: overflow` */
export function vectorAdd(a: Float32Array, b: Float32Array): Float32Array {
  checkSameDims(a, b);
  const r = new Float32Array(a.length);
  for (let i = 0; i < r.length; i++) r[i] = a[i]! + b[i]!;
  for (let i = 0; i < r.length; i++) if (r[i] === Infinity || r[i] === -Infinity) throw overflowError();
  return r;
}

/** `-`, vector_sub. @throws 22000 dims, 22003 `value out of range: overflow` */
export function vectorSub(a: Float32Array, b: Float32Array): Float32Array {
  checkSameDims(a, b);
  const r = new Float32Array(a.length);
  for (let i = 0; i < r.length; i++) r[i] = a[i]! - b[i]!;
  for (let i = 0; i < r.length; i++) if (r[i] === Infinity || r[i] === -Infinity) throw overflowError();
  return r;
}

/**
 * `*`, vector_mul (element-wise). @throws 22000 dims, 22003 `value out of range: overflow` /
 * `value out of range: underflow` (a nonzero product that rounds to 0)
 */
export function vectorMul(a: Float32Array, b: Float32Array): Float32Array {
  checkSameDims(a, b);
  const r = new Float32Array(a.length);
  for (let i = 0; i < r.length; i++) r[i] = a[i]! * b[i]!;
  for (let i = 0; i < r.length; i++) {
    if (r[i] === Infinity || r[i] === -Infinity) throw overflowError();
    if (r[i] === 0 && !(a[i] === 0 || b[i] === 0)) {
      throw underflowError();
    }
  }
  return r;
}

/**
 * vector_cmp (btree order): element by element, then the shorter vector first.
 * @returns -1, 0 or 1.
 */
export function vectorCmp(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  if (a.length < b.length) return -1;
  if (a.length > b.length) return 1;
  return 0;
}

/**
 * subvector(a, start, count): 1-based like substring, clipped to the vector.
 * @throws PgError 22000 `vector must have at least 1 dimension` when nothing is left.
 */
export function subvector(a: Float32Array, start: number, count: number): Float32Array {
  // int32 arithmetic as in C; an overflowing end wraps there too, so mimic it.
  let end = (start + count) | 0;
  let s = start;
  if (s < 1) s = 1;
  if (end > a.length) end = a.length + 1;
  const dim = end - s;
  checkDim(dim);
  return a.slice(s - 1, s - 1 + dim);
}

/** `||`, vector_concat. @throws PgError 54000 past 16,000 dimensions */
export function vectorConcat(a: Float32Array, b: Float32Array): Float32Array {
  checkDim(a.length + b.length);
  const r = new Float32Array(a.length + b.length);
  r.set(a, 0);
  r.set(b, a.length);
  return r;
}

/** binary_quantize(vector): bit i set when element i > 0; a bit string of the same length. */
export function vectorBinaryQuantize(a: Float32Array): BitString {
  const bytes = new Uint8Array((a.length + 7) >> 3);
  for (let i = 0; i < a.length; i++) if (a[i]! > 0) bytes[i >> 3]! |= 0x80 >>> (i & 7);
  return new BitString(a.length, bytes);
}
