/**
 * Casts between pgvector's types and PostgreSQL arrays, as pure functions the SQL layer calls:
 * array_to_vector / array_to_halfvec / array_to_sparsevec (integer[], real[], double
 * precision[], numeric[]), vector_to_float4 and halfvec_to_float4 (-> real[]), and
 * vector <-> halfvec <-> sparsevec in every direction, each applying the target typmod
 * (-1 = none). Follows pgvector 0.8.7's src/vector.c, halfvec.c and sparsevec.c.
 *
 * Array input is given flat: `elems` in order, `elemType` the array's element type, `ndim`
 * its number of dimensions (only 1-D arrays convert). numeric elements may be numbers or
 * their decimal text (numeric_out), which is what pgvector converts through float4in.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { HALF_TO_F32, halfIsZero } from '../kernels/half.js';
import { parseFloat4, formatFloat4List } from './float.js';
import { checkHalfElement, checkHalfvecDim, float4ToHalf } from './halfvec.js';
import { SparseVector, checkNnz, checkSparseElement, checkSparsevecDim } from './sparsevec.js';
import { checkDim, checkElement } from './vector.js';
import { checkExpectedDim } from './dims.js';
import { Numeric } from './numeric.js';

/** Element types pgvector's array casts accept. */
export type ArrayElemType = 'int4' | 'float4' | 'float8' | 'numeric';

/** One array element: a number, numeric text, or SQL NULL. */
export type ArrayElem = number | bigint | string | Numeric | null;

function checkArray(elems: readonly ArrayElem[], ndim: number): void {
  if (ndim > 1) throw new PgError(SQLSTATE.data_exception, 'array must be 1-D');
  for (let i = 0; i < elems.length; i++) {
    if (elems[i] === null) throw new PgError(SQLSTATE.null_value_not_allowed, 'array must not contain nulls');
  }
}

/**
 * One element as a float32 value, as pgvector converts it: (float) for int4 and float8,
 * numeric through numeric_out + float4in.
 * @throws PgError 22003 `"<digits>" is out of range for type real` for a numeric beyond
 *   float32; 22000 `unsupported array type` for other element types.
 */
function elemToFloat4(x: ArrayElem, elemType: ArrayElemType): number {
  switch (elemType) {
    case 'int4':
    case 'float8':
    case 'float4':
      return Math.fround(Number(x));
    case 'numeric': {
      // numeric has no negative zero: numeric_out prints -0.000 as 0.000.
      const r = parseFloat4(x instanceof Numeric ? x.toString() : typeof x === 'string' ? numericOut(x) : numericText(x as number | bigint), 'real');
      return r === 0 ? 0 : r;
    }
    default:
      throw new PgError(SQLSTATE.data_exception, 'unsupported array type');
  }
}

/**
 * numeric_out of a numeric literal's text: plain notation with the scale numeric_in keeps
 * (`1e-8` -> `0.00000001`, `6.5e+3` -> `6500`, `-0.000` -> `0.000`). Text that is not a
 * plain decimal (NaN, Infinity) is returned trimmed.
 */
export function numericOut(text: string): string {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) return text.trim();
  const intPart = m[2]!;
  const frac = m[3] ?? '';
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  const digits = intPart + frac;
  const point = intPart.length + exp; // position of the decimal point within digits
  const scale = Math.max(0, frac.length - exp);
  let ip: string;
  let fp: string;
  if (point <= 0) {
    ip = '0';
    fp = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    ip = digits + '0'.repeat(point - digits.length);
    fp = '';
  } else {
    ip = digits.slice(0, point);
    fp = digits.slice(point);
  }
  ip = ip.replace(/^0+(?=\d)/, '');
  fp = (fp + '0'.repeat(scale)).slice(0, scale);
  const body = scale > 0 ? `${ip}.${fp}` : ip;
  const zero = /^[0.]*$/.test(body);
  return m[1] === '-' && !zero ? '-' + body : body;
}

/** numeric_out of a number held as a JS number: plain decimal notation, no exponent. */
function numericText(x: number | bigint): string {
  if (typeof x === 'bigint') return x.toString();
  if (!Number.isFinite(x)) return x !== x ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  const s = String(x);
  if (!/e/i.test(s)) return s;
  return x.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 100 });
}

/**
 * array_to_vector: `ARRAY[1,2,3]::vector`.
 * @throws PgError 22000 `array must be 1-D`; 22004 `array must not contain nulls`; vector
 *   dimension and typmod errors; 22003 numeric out of range for real; 22000 NaN / infinite
 *   value not allowed in vector.
 */
export function arrayToVector(elems: readonly ArrayElem[], elemType: ArrayElemType, typmod = -1, ndim = 1): Float32Array {
  checkArray(elems, ndim);
  checkDim(elems.length);
  checkExpectedDim(typmod, elems.length);
  const r = new Float32Array(elems.length);
  for (let i = 0; i < r.length; i++) r[i] = elemToFloat4(elems[i]!, elemType);
  for (let i = 0; i < r.length; i++) checkElement(r[i]!);
  return r;
}

/**
 * array_to_halfvec: `ARRAY[1,2,3]::halfvec`.
 * @throws as {@link arrayToVector} with halfvec's messages, plus 22003 `"<x>" is out of range
 *   for type halfvec` for |x| >= 65520.
 */
export function arrayToHalfvec(elems: readonly ArrayElem[], elemType: ArrayElemType, typmod = -1, ndim = 1): Uint16Array {
  checkArray(elems, ndim);
  checkHalfvecDim(elems.length);
  checkExpectedDim(typmod, elems.length);
  const r = new Uint16Array(elems.length);
  for (let i = 0; i < r.length; i++) r[i] = float4ToHalf(elemToFloat4(elems[i]!, elemType));
  for (let i = 0; i < r.length; i++) checkHalfElement(r[i]!);
  return r;
}

/**
 * array_to_sparsevec: `ARRAY[1,0,2]::sparsevec` keeps the non-zero elements.
 * @throws as {@link arrayToVector} with sparsevec's messages, plus 54000 `sparsevec cannot
 *   have more than 16000 non-zero elements`.
 */
export function arrayToSparsevec(elems: readonly ArrayElem[], elemType: ArrayElemType, typmod = -1, ndim = 1): SparseVector {
  checkArray(elems, ndim);
  checkSparsevecDim(elems.length);
  checkExpectedDim(typmod, elems.length);
  const all = new Float32Array(elems.length);
  let nnz = 0;
  for (let i = 0; i < all.length; i++) {
    all[i] = elemToFloat4(elems[i]!, elemType);
    if (all[i] !== 0) nnz++;
  }
  checkNnz(nnz, elems.length);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let j = 0;
  for (let i = 0; i < all.length; i++) {
    if (all[i] !== 0) {
      indices[j] = i;
      values[j++] = all[i]!;
    }
  }
  for (let k = 0; k < nnz; k++) checkSparseElement(values[k]!);
  return new SparseVector(elems.length, indices, values);
}

/** vector_to_float4: `v::real[]`, the elements as a new Float32Array. */
export function vectorToFloat4Array(v: Float32Array): Float32Array {
  return v.slice();
}

/** halfvec_to_float4: `h::real[]`, the halves widened to float32. */
export function halfvecToFloat4Array(v: Uint16Array): Float32Array {
  const r = new Float32Array(v.length);
  for (let i = 0; i < r.length; i++) r[i] = HALF_TO_F32[v[i]!]!;
  return r;
}

/** array_out for a real[]: `{1,2.5,-3}`. */
export function formatFloat4Array(a: ArrayLike<number>): string {
  return formatFloat4List(a, '{', '}');
}

/**
 * vector_to_halfvec: each float32 rounded to half (ties to even).
 * @throws PgError 22000/54000 halfvec dimension errors; 22000 `expected N dimensions, not M`;
 *   22003 `"<x>" is out of range for type halfvec` for |x| >= 65520.
 */
export function vectorToHalfvec(v: Float32Array, typmod = -1): Uint16Array {
  checkHalfvecDim(v.length);
  checkExpectedDim(typmod, v.length);
  const r = new Uint16Array(v.length);
  for (let i = 0; i < r.length; i++) r[i] = float4ToHalf(v[i]!);
  return r;
}

/** halfvec_to_vector: exact widening. @throws vector dimension and typmod errors */
export function halfvecToVector(v: Uint16Array, typmod = -1): Float32Array {
  checkDim(v.length);
  checkExpectedDim(typmod, v.length);
  const r = new Float32Array(v.length);
  for (let i = 0; i < r.length; i++) r[i] = HALF_TO_F32[v[i]!]!;
  return r;
}

/**
 * vector_to_sparsevec: keeps the non-zero elements (-0 counts as zero).
 * @throws sparsevec dimension and typmod errors; 54000 past 16,000 non-zero elements
 */
export function vectorToSparsevec(v: Float32Array, typmod = -1): SparseVector {
  checkSparsevecDim(v.length);
  checkExpectedDim(typmod, v.length);
  let nnz = 0;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) nnz++;
  checkNnz(nnz, v.length);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let j = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== 0) {
      indices[j] = i;
      values[j++] = v[i]!;
    }
  }
  return new SparseVector(v.length, indices, values);
}

/** halfvec_to_sparsevec: keeps the non-zero halves, widened to float32. @throws as {@link vectorToSparsevec} */
export function halfvecToSparsevec(v: Uint16Array, typmod = -1): SparseVector {
  checkSparsevecDim(v.length);
  checkExpectedDim(typmod, v.length);
  let nnz = 0;
  for (let i = 0; i < v.length; i++) if (!halfIsZero(v[i]!)) nnz++;
  checkNnz(nnz, v.length);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let j = 0;
  for (let i = 0; i < v.length; i++) {
    if (!halfIsZero(v[i]!)) {
      indices[j] = i;
      values[j++] = HALF_TO_F32[v[i]!]!;
    }
  }
  return new SparseVector(v.length, indices, values);
}

/**
 * sparsevec_to_vector: the dense form.
 * @throws PgError 22000 `vector must have at least 1 dimension`, 54000 `vector cannot have
 *   more than 16000 dimensions`; 22000 `expected N dimensions, not M`.
 */
export function sparsevecToVector(v: SparseVector, typmod = -1): Float32Array {
  checkDim(v.dim);
  checkExpectedDim(typmod, v.dim);
  const r = new Float32Array(v.dim);
  for (let i = 0; i < v.indices.length; i++) r[v.indices[i]!] = v.values[i]!;
  return r;
}

/**
 * sparsevec_to_halfvec: the dense form, each value rounded to half.
 * @throws halfvec dimension and typmod errors; 22003 `"<x>" is out of range for type halfvec`.
 */
export function sparsevecToHalfvec(v: SparseVector, typmod = -1): Uint16Array {
  checkHalfvecDim(v.dim);
  checkExpectedDim(typmod, v.dim);
  const r = new Uint16Array(v.dim);
  for (let i = 0; i < v.indices.length; i++) r[v.indices[i]!] = float4ToHalf(v.values[i]!);
  return r;
}
