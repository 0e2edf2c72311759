/**
 * pgvector's `sparsevec` type: up to 1,000,000,000 dimensions with at most 16,000 non-zero
 * elements, following pgvector 0.8.7's src/sparsevec.c (sparsevec_in/out, typmod_in,
 * recv/send, the distance functions, l2_norm, l2_normalize, sparsevec_cmp).
 *
 * A value is a {@link SparseVector}: the dimension count plus parallel arrays of 0-based,
 * strictly increasing int32 indices and non-zero float32 values (8 bytes per non-zero, the
 * on-disk layout). Text uses 1-based indices (`{1:1.5,3:2}/5`), binary 0-based ones.
 *
 * Every user error is a PgError with pgvector's SQLSTATE and message text.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { SPARSEVEC_MAX_NNZ } from '../common/limits.js';
import {
  sparseCosineDistanceRef,
  sparseDotRef,
  sparseL1Ref,
  sparseL2SquaredRef,
  sparseNormRef,
} from '../kernels/sparse.js';
import {
  checkDimCount,
  checkExpectedDim,
  checkSameDimCount,
  dimTypmodIn,
  dimTypmodOut,
  insufficientData,
  overflowError,
  checkFullyRead,
} from './dims.js';
import { asciiBuilder, scanFloat4, scannedRange, scannedValue } from './float.js';
import { inputSyntaxError, skipSpace } from './text_input.js';

/** pgvector SPARSEVEC_MAX_DIM. */
export const SPARSEVEC_MAX_DIM = 1_000_000_000;

/** A sparse vector: `dim` dimensions, non-zero `values` at 0-based sorted `indices`. */
export class SparseVector {
  constructor(
    readonly dim: number,
    readonly indices: Int32Array,
    readonly values: Float32Array,
  ) {}

  /** Number of stored (non-zero) elements. */
  get nnz(): number {
    return this.indices.length;
  }
}

// ---------------------------------------------------------------------------------------------
// Checks (sparsevec.c CheckDim, CheckExpectedDim, CheckNnz, CheckIndex, CheckElement)
// ---------------------------------------------------------------------------------------------

/** @throws PgError 22000 `sparsevec must have at least 1 dimension`, 54000 past 1e9. */
export function checkSparsevecDim(dim: number): void {
  checkDimCount('sparsevec', dim, SPARSEVEC_MAX_DIM);
}

/** Enforces a typmod (-1 = none). @throws PgError 22000 `expected N dimensions, not M`. */
export function checkSparsevecTypmod(v: SparseVector, typmod: number): void {
  checkExpectedDim(typmod, v.dim);
}

/**
 * @throws PgError 22000 `sparsevec cannot have negative number of elements`; 54000 `sparsevec
 *   cannot have more than 16000 non-zero elements` / `sparsevec cannot have more elements than
 *   dimensions`.
 */
export function checkNnz(nnz: number, dim: number): void {
  if (nnz < 0) throw new PgError(SQLSTATE.data_exception, 'sparsevec cannot have negative number of elements');
  if (nnz > SPARSEVEC_MAX_NNZ) throw tooManyNnz();
  if (nnz > dim) throw new PgError(SQLSTATE.program_limit_exceeded, 'sparsevec cannot have more elements than dimensions');
}

function tooManyNnz(): PgError {
  return new PgError(SQLSTATE.program_limit_exceeded, `sparsevec cannot have more than ${SPARSEVEC_MAX_NNZ} non-zero elements`);
}

function checkIndex(indices: Int32Array, i: number, dim: number): void {
  const index = indices[i]!;
  if (index < 0 || index >= dim) throw new PgError(SQLSTATE.data_exception, 'sparsevec index out of bounds');
  if (i > 0) {
    if (index < indices[i - 1]!) throw new PgError(SQLSTATE.data_exception, 'sparsevec indices must be in ascending order');
    if (index === indices[i - 1]!) throw new PgError(SQLSTATE.data_exception, 'sparsevec indices must not contain duplicates');
  }
}

/** @throws PgError 22000 `NaN not allowed in sparsevec` / `infinite value not allowed in sparsevec`. */
export function checkSparseElement(x: number): void {
  if (x !== x) throw new PgError(SQLSTATE.data_exception, 'NaN not allowed in sparsevec');
  if (x === Infinity || x === -Infinity) throw new PgError(SQLSTATE.data_exception, 'infinite value not allowed in sparsevec');
}

function checkSameDims(a: SparseVector, b: SparseVector): void {
  checkSameDimCount('sparsevec', a.dim, b.dim);
}

// ---------------------------------------------------------------------------------------------
// Text format
// ---------------------------------------------------------------------------------------------

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/**
 * sparsevec_in: parses `{1:1.5,3:2}/5` (1-based indices in any order, zero values dropped,
 * whitespace allowed around every token, indices and the dimension read as strtol reads them,
 * values as strtof) and applies `typmod` (-1 = none).
 * @throws PgError 54000 `sparsevec cannot have more than 16000 non-zero elements` (counted
 *   from the commas before anything else); 22P02 `invalid input syntax for type sparsevec:
 *   "<text>"` with DETAIL `Vector contents must start with "{".`, `Unexpected end of input.`
 *   or `Junk after closing.` where pgvector adds one; 22003 `"<value>" is out of range for
 *   type sparsevec`; 22000 NaN/infinite value; 22000 `sparsevec must have at least 1
 *   dimension`, 54000 past 1e9 dimensions; 22000 `expected N dimensions, not M`; 22000
 *   `sparsevec index out of bounds`, `sparsevec indices must not contain duplicates`.
 */
export function parseSparsevec(text: string, typmod = -1): SparseVector {
  const n = text.length;
  let maxNnz = 1;
  for (let k = 0; k < n; k++) if (text.charCodeAt(k) === 44 /* , */) maxNnz++;
  if (maxNnz > SPARSEVEC_MAX_NNZ) throw tooManyNnz();
  const idx: number[] = [];
  const val: number[] = [];
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 123 /* { */) {
    throw syntaxError(text, 'Vector contents must start with "{".');
  }
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === 125 /* } */) {
    i++;
  } else {
    for (;;) {
      i = skipSpace(text, i);
      if (i >= n) throw syntaxError(text);
      const iend = scanLong(text, i);
      if (iend === i) throw syntaxError(text);
      // Clamped into int range like pgvector, so the bounds check reports it later.
      const index = Math.max(INT32_MIN + 1, Math.min(INT32_MAX, scannedLong));
      i = skipSpace(text, iend);
      if (text.charCodeAt(i) !== 58 /* : */) throw syntaxError(text);
      i = skipSpace(text, i + 1);
      const vend = scanFloat4(text, i);
      if (vend === i) throw syntaxError(text);
      const value = scannedValue;
      if (scannedRange && (value === 0 || value === Infinity || value === -Infinity)) {
        throw new PgError(SQLSTATE.numeric_value_out_of_range, `"${text.slice(i, vend)}" is out of range for type sparsevec`);
      }
      checkSparseElement(value);
      if (value !== 0) {
        idx.push(index - 1);
        val.push(value);
      }
      i = skipSpace(text, vend);
      const c = text.charCodeAt(i);
      if (c === 44 /* , */) {
        i++;
      } else if (c === 125 /* } */) {
        i++;
        break;
      } else {
        throw syntaxError(text);
      }
    }
  }
  i = skipSpace(text, i);
  if (text.charCodeAt(i) !== 47 /* / */) throw syntaxError(text, 'Unexpected end of input.');
  i = skipSpace(text, i + 1);
  const dend = scanLong(text, i);
  if (dend === i) throw syntaxError(text);
  const dim = Math.max(INT32_MIN, Math.min(INT32_MAX, scannedLong));
  i = skipSpace(text, dend);
  if (i < n) throw syntaxError(text, 'Junk after closing.');
  checkSparsevecDim(dim);
  checkExpectedDim(typmod, dim);
  // qsort by index (order among equal indices does not matter: duplicates are an error).
  const order = idx.map((_, k) => k).sort((a, b) => idx[a]! - idx[b]!);
  const indices = new Int32Array(order.length);
  const values = new Float32Array(order.length);
  for (let k = 0; k < order.length; k++) {
    indices[k] = idx[order[k]!]!;
    values[k] = val[order[k]!]!;
    checkIndex(indices, k, dim);
  }
  return new SparseVector(dim, indices, values);
}

function syntaxError(text: string, detail?: string): PgError {
  return inputSyntaxError('sparsevec', text, detail);
}

let scannedLong = 0;

/**
 * strtol(s + pos, &end, 10): optional whitespace and sign, decimal digits; saturates (the
 * callers clamp to int32 anyway). Sets scannedLong. @returns the end, or `pos` if no digits.
 */
function scanLong(s: string, pos: number): number {
  let i = skipSpace(s, pos);
  let neg = false;
  const c = s.charCodeAt(i);
  if (c === 43 || c === 45) {
    neg = c === 45;
    i++;
  }
  const start = i;
  let v = 0;
  while (i < s.length) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    if (v < 1e15) v = v * 10 + d;
    i++;
  }
  if (i === start) return pos;
  scannedLong = neg ? -v : v;
  return i;
}

/** sparsevec_out: `{1:1.5,3:2}/5` (1-based indices, values as float4out prints them). */
export function formatSparsevec(v: SparseVector): string {
  const n = v.indices.length;
  const b = asciiBuilder.begin(n * 27 + 14).char('{');
  for (let i = 0; i < n; i++) {
    if (i > 0) b.char(',');
    b.uint(v.indices[i]! + 1).char(':').float4(v.values[i]!);
  }
  return b.char('}').char('/').uint(v.dim).text();
}

// ---------------------------------------------------------------------------------------------
// Type modifier
// ---------------------------------------------------------------------------------------------

/**
 * sparsevec_typmod_in.
 * @throws PgError 22023 `invalid type modifier`, `dimensions for type sparsevec must be at
 *   least 1`, `dimensions for type sparsevec cannot exceed 1000000000`.
 */
export function sparsevecTypmodIn(mods: number | readonly number[]): number {
  return dimTypmodIn('sparsevec', SPARSEVEC_MAX_DIM, mods);
}

/** format_type: `sparsevec` or `sparsevec(5)`. */
export function sparsevecTypmodOut(typmod: number): string {
  return dimTypmodOut('sparsevec', typmod);
}

// ---------------------------------------------------------------------------------------------
// Binary format
// ---------------------------------------------------------------------------------------------

/**
 * sparsevec_send: int32 dim, int32 nnz, int32 unused (0), nnz 0-based int32 indices, nnz
 * float4 values, big-endian. @returns 12 + 8 * nnz bytes.
 */
export function sparsevecSend(v: SparseVector): Uint8Array {
  const nnz = v.indices.length;
  const out = new Uint8Array(12 + 8 * nnz);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, v.dim);
  dv.setInt32(4, nnz);
  dv.setInt32(8, 0);
  for (let i = 0; i < nnz; i++) dv.setInt32(12 + 4 * i, v.indices[i]!);
  for (let i = 0; i < nnz; i++) dv.setFloat32(12 + 4 * nnz + 4 * i, v.values[i]!);
  return out;
}

/**
 * sparsevec_recv: reads {@link sparsevecSend}'s layout and applies `typmod`.
 * @throws PgError 08P01 `insufficient data left in message`; dimension and nnz errors as
 *   {@link checkSparsevecDim} / {@link checkNnz}; 22000 `expected N dimensions, not M`; 22000
 *   `expected unused to be 0, not U`; index errors as {@link parseSparsevec}; 22000 NaN /
 *   infinite value; 22000 `binary representation of sparsevec cannot contain zero values`.
 */
export function sparsevecRecv(buf: Uint8Array, typmod = -1): SparseVector {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const need = (end: number): void => {
    if (end > buf.byteLength) throw insufficientData();
  };
  need(12);
  const dim = dv.getInt32(0);
  const nnz = dv.getInt32(4);
  const unused = dv.getInt32(8);
  checkSparsevecDim(dim);
  checkNnz(nnz, dim);
  checkExpectedDim(typmod, dim);
  if (unused !== 0) throw new PgError(SQLSTATE.data_exception, `expected unused to be 0, not ${unused}`);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let i = 0; i < nnz; i++) {
    need(12 + 4 * i + 4);
    indices[i] = dv.getInt32(12 + 4 * i);
    checkIndex(indices, i, dim);
  }
  for (let i = 0; i < nnz; i++) {
    need(12 + 4 * nnz + 4 * i + 4);
    values[i] = dv.getFloat32(12 + 4 * nnz + 4 * i);
    checkSparseElement(values[i]!);
    if (values[i] === 0) {
      throw new PgError(SQLSTATE.data_exception, 'binary representation of sparsevec cannot contain zero values');
    }
  }
  checkFullyRead(buf, 12 + 8 * nnz);
  return new SparseVector(dim, indices, values);
}

// ---------------------------------------------------------------------------------------------
// Distances and functions
// ---------------------------------------------------------------------------------------------

/** `<->`, l2_distance. @throws 22000 `different sparsevec dimensions A and B` */
export function sparsevecL2Distance(a: SparseVector, b: SparseVector): number {
  checkSameDims(a, b);
  return Math.sqrt(sparseL2SquaredRef(a.indices, a.values, b.indices, b.values));
}

/** sparsevec_l2_squared_distance (index support). @throws 22000 dims */
export function sparsevecL2SquaredDistance(a: SparseVector, b: SparseVector): number {
  checkSameDims(a, b);
  return sparseL2SquaredRef(a.indices, a.values, b.indices, b.values);
}

/** inner_product. @throws 22000 dims */
export function sparsevecInnerProduct(a: SparseVector, b: SparseVector): number {
  checkSameDims(a, b);
  return sparseDotRef(a.indices, a.values, b.indices, b.values);
}

/** `<#>`, sparsevec_negative_inner_product. @throws 22000 dims */
export function sparsevecNegativeInnerProduct(a: SparseVector, b: SparseVector): number {
  checkSameDims(a, b);
  return -sparseDotRef(a.indices, a.values, b.indices, b.values);
}

/** `<=>`, cosine_distance (NaN when a vector is all zero). @throws 22000 dims */
export function sparsevecCosineDistance(a: SparseVector, b: SparseVector): number {
  checkSameDims(a, b);
  return sparseCosineDistanceRef(a.indices, a.values, b.indices, b.values);
}

/** `<+>`, l1_distance. @throws 22000 dims */
export function sparsevecL1Distance(a: SparseVector, b: SparseVector): number {
  checkSameDims(a, b);
  return sparseL1Ref(a.indices, a.values, b.indices, b.values);
}

/** l2_norm(sparsevec): double-precision norm. */
export function sparsevecNorm(a: SparseVector): number {
  return sparseNormRef(a.values);
}

/**
 * l2_normalize(sparsevec): each value / norm in double, stored as float32; values that
 * underflow to zero are dropped; a zero vector stays zero.
 * @throws PgError 22003 `value out of range: overflow`
 */
export function sparsevecL2Normalize(a: SparseVector): SparseVector {
  const norm = sparseNormRef(a.values);
  if (!(norm > 0)) return new SparseVector(a.dim, new Int32Array(0), new Float32Array(0));
  const r = new Float32Array(a.values.length);
  let zeros = 0;
  for (let i = 0; i < r.length; i++) {
    r[i] = a.values[i]! / norm;
    if (r[i] === Infinity || r[i] === -Infinity) throw overflowError();
    if (r[i] === 0) zeros++;
  }
  if (zeros === 0) return new SparseVector(a.dim, a.indices.slice(), r);
  const indices = new Int32Array(r.length - zeros);
  const values = new Float32Array(r.length - zeros);
  let j = 0;
  for (let i = 0; i < r.length; i++) {
    if (r[i] === 0) continue;
    indices[j] = a.indices[i]!;
    values[j++] = r[i]!;
  }
  return new SparseVector(a.dim, indices, values);
}

/**
 * sparsevec_cmp (btree order), pgvector 0.7+: compares as if dense, element by element (an
 * element stored in only one of them decides by its sign), then by dimension count.
 * @returns -1, 0 or 1.
 */
export function sparsevecCmp(a: SparseVector, b: SparseVector): number {
  const ai = a.indices;
  const bi = b.indices;
  const av = a.values;
  const bv = b.values;
  const nnz = Math.min(ai.length, bi.length);
  for (let i = 0; i < nnz; i++) {
    if (ai[i]! < bi[i]!) return av[i]! < 0 ? -1 : 1;
    if (ai[i]! > bi[i]!) return bv[i]! < 0 ? 1 : -1;
    if (av[i]! < bv[i]!) return -1;
    if (av[i]! > bv[i]!) return 1;
  }
  if (ai.length < bi.length && bi[nnz]! < a.dim) return bv[nnz]! < 0 ? 1 : -1;
  if (ai.length > bi.length && ai[nnz]! < b.dim) return av[nnz]! < 0 ? -1 : 1;
  if (a.dim < b.dim) return -1;
  if (a.dim > b.dim) return 1;
  return 0;
}
