/**
 * PostgreSQL's array operators and functions over arrays of any element type vecgres has
 * (src/backend/utils/adt/arrayfuncs.c, array_userfuncs.c): comparison (array_cmp), containment
 * and overlap (`@>`, `<@`, `&&`: array_contain_compare), concatenation (`||`, array_cat,
 * array_append, array_prepend), and the functions applications call (cardinality, array_dims,
 * array_ndims, array_position(s), array_remove, array_replace, string_to_array).
 *
 * Arrays are {@link PgArray}s whose lower bounds are all 1. Elements compare with their type's
 * default B-tree comparison; NULL elements sort after every value (array_cmp) and never match
 * in containment, while array_position / array_remove / array_replace find NULL with IS NOT
 * DISTINCT FROM, as PostgreSQL does.
 */
import type { Value } from '../../storage/table.js';
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import { PgArray, type ArrayElement } from '../../types/pgarray.js';
import { compareNumeric, type Numeric } from '../../types/numeric.js';
import { bpcharCmp } from '../../types/character.js';
import { byteaCmp } from '../../types/bytea.js';
import { vectorCmp } from '../../types/vector.js';
import { halfvecCmp } from '../../types/halfvec.js';
import { sparsevecCmp, type SparseVector } from '../../types/sparsevec.js';
import { bitCmp, type BitString } from '../../types/bit.js';
import { type Jsonb, jsonbValueEquals } from '../../types/jsonb.js';
import { textOrder } from '../../types/text_order.js';
import { enumCmp, isEnumSqlType, type EnumValue } from '../../types/enum_value.js';
import { DATETIME_CMP } from './datetime_functions.js';
import type { SqlType } from './types.js';

/** A three-way comparison of two non-NULL values. */
export type Cmp = (a: Value, b: Value) => number;

/** Integers and floats: `<` across number and bigint; NaN above every number (float8_cmp). */
function numberCmp(a: Value, b: Value): number {
  const x = a as number;
  const y = b as number;
  if (x < y) return -1;
  if (x > y) return 1;
  if (x == y) return 0; // eslint-disable-line eqeqeq
  const xn = Number.isNaN(x);
  return xn === Number.isNaN(y) ? 0 : xn ? 1 : -1;
}

const stringCmp: Cmp = (a, b) => textOrder(a as string, b as string);

const enumElementCmp: Cmp = (a, b) => enumCmp(a as EnumValue, b as EnumValue);

/**
 * The default B-tree comparison of array elements of type `t` (the element type's
 * `<type>_cmp`), or null when vecgres has no ordering for it (jsonb, json).
 */
export function elementComparator(t: SqlType): Cmp | null {
  switch (t) {
    case 'int2': case 'int4': case 'int8': case 'float4': case 'float8':
      return numberCmp;
    case 'numeric':
      return (a, b) => compareNumeric(a as Numeric, b as Numeric);
    case 'text': case 'varchar': case 'uuid':
      return stringCmp;
    case 'bpchar':
      return (a, b) => bpcharCmp(a as string, b as string);
    case 'bool':
      return (a, b) => (a === b ? 0 : a ? 1 : -1);
    case 'bytea':
      return (a, b) => byteaCmp(a as Uint8Array, b as Uint8Array);
    case 'vector':
      return (a, b) => vectorCmp(a as Float32Array, b as Float32Array);
    case 'halfvec':
      return (a, b) => halfvecCmp(a as Uint16Array, b as Uint16Array);
    case 'sparsevec':
      return (a, b) => sparsevecCmp(a as SparseVector, b as SparseVector);
    case 'bit': case 'varbit':
      return (a, b) => bitCmp(a as BitString, b as BitString);
    default:
      // An enum type's elements by their labels' sort positions (enum_cmp).
      if (isEnumSqlType(t)) return enumElementCmp;
      return DATETIME_CMP[t] ?? null;
  }
}

/** Equality of two non-NULL elements of type `t` (the element type's `=`), or null when it has none. */
export function elementEquality(t: SqlType): ((a: Value, b: Value) => boolean) | null {
  if (t === 'jsonb') return (a, b) => jsonbValueEquals((a as Jsonb).root, (b as Jsonb).root);
  const cmp = elementComparator(t);
  return cmp === null ? null : (a, b) => cmp(a, b) === 0;
}

/**
 * array_cmp over elements compared by `cmp`: element by element in storage order (a NULL
 * element above every value, two NULLs equal); on a tie, the array with fewer elements first,
 * then fewer dimensions, then the smaller dimension lengths.
 */
export function arrayComparator(cmp: Cmp): Cmp {
  return (a, b) => {
    const x = a as PgArray;
    const y = b as PgArray;
    const xe = x.elems;
    const ye = y.elems;
    const n = Math.min(xe.length, ye.length);
    for (let i = 0; i < n; i++) {
      const u = xe[i]!;
      const v = ye[i]!;
      if (u === null || v === null) {
        if (u === v) continue;
        return u === null ? 1 : -1;
      }
      const c = cmp(u as Value, v as Value);
      if (c !== 0) return c < 0 ? -1 : 1;
    }
    if (xe.length !== ye.length) return xe.length < ye.length ? -1 : 1;
    if (x.dims.length !== y.dims.length) return x.dims.length < y.dims.length ? -1 : 1;
    for (let d = 0; d < x.dims.length; d++) if (x.dims[d] !== y.dims[d]) return x.dims[d]! < y.dims[d]! ? -1 : 1;
    return 0;
  };
}

/**
 * array_contain_compare: every non-NULL... element of `b` equals some element of `a` (`a @> b`);
 * with `matchAll` false, some element of `b` does (`a && b`). A NULL element of `b` matches
 * nothing (so `a @> b` is false when `b` has one); NULLs of `a` are never matched. Dimensions
 * are ignored: both arrays are read as flat lists.
 */
export function arrayContainCompare(a: PgArray, b: PgArray, eq: (x: Value, y: Value) => boolean, matchAll: boolean): boolean {
  for (const y of b.elems) {
    if (y === null) {
      if (matchAll) return false;
      continue;
    }
    let found = false;
    for (const x of a.elems) {
      if (x !== null && eq(x as Value, y as Value)) {
        found = true;
        break;
      }
    }
    if (found && !matchAll) return true;
    if (!found && matchAll) return false;
  }
  return matchAll;
}

function incompatible(detail: string): PgError {
  return new PgError(SQLSTATE.array_subscript_error, 'cannot concatenate incompatible arrays', { detail });
}

/**
 * array_cat (`anycompatiblearray || anycompatiblearray`): an empty side gives the other; arrays
 * of equal dimensionality join along the first dimension (the others must match); an array of
 * one dimension less is appended (or prepended) as one more sub-array.
 * @throws PgError 2202E `cannot concatenate incompatible arrays` with PostgreSQL's DETAIL.
 */
export function arrayCat(x: PgArray, y: PgArray, elemType: string): PgArray {
  if (y.ndim === 0) return x.elemType === elemType ? x : new PgArray(elemType, x.dims, x.elems);
  if (x.ndim === 0) return y.elemType === elemType ? y : new PgArray(elemType, y.dims, y.elems);
  const elems = [...x.elems, ...y.elems];
  if (x.ndim === y.ndim) {
    for (let d = 1; d < x.ndim; d++) if (x.dims[d] !== y.dims[d]) throw incompatible('Arrays with differing element dimensions are not compatible for concatenation.');
    return new PgArray(elemType, [x.dims[0]! + y.dims[0]!, ...x.dims.slice(1)], elems);
  }
  if (Math.abs(x.ndim - y.ndim) !== 1) {
    throw incompatible(`Arrays of ${x.ndim} and ${y.ndim} dimensions are not compatible for concatenation.`);
  }
  const [big, small] = x.ndim > y.ndim ? [x, y] : [y, x];
  for (let d = 0; d < small.ndim; d++) if (small.dims[d] !== big.dims[d + 1]) throw incompatible('Arrays with differing dimensions are not compatible for concatenation.');
  return new PgArray(elemType, [big.dims[0]! + 1, ...big.dims.slice(1)], elems);
}

/**
 * array_append / array_prepend (`anycompatiblearray || anycompatible` and the reverse): a NULL
 * array acts as an empty one; the element may be NULL.
 * @throws PgError 22000 `argument must be empty or one-dimensional array` for a
 *   multidimensional array.
 */
export function arrayPush(arr: PgArray | null, elem: ArrayElement, elemType: string, front: boolean): PgArray {
  const elems = arr === null ? [] : arr.elems;
  if (arr !== null && arr.ndim > 1) throw new PgError(SQLSTATE.data_exception, 'argument must be empty or one-dimensional array');
  return new PgArray(elemType, [elems.length + 1], front ? [elem, ...elems] : [...elems, elem]);
}

/** IS NOT DISTINCT FROM over elements: NULL matches NULL. */
function sameElement(eq: (x: Value, y: Value) => boolean, x: ArrayElement, y: ArrayElement): boolean {
  if (x === null || y === null) return x === y;
  return eq(x as Value, y as Value);
}

function oneDimensional(a: PgArray, what: string): void {
  if (a.ndim > 1) throw pgErr.featureNotSupported(what);
}

/**
 * array_position(a, elem [, start]): the 1-based subscript of the first element at or after
 * `start` that is not distinct from `elem`, or null.
 * @throws PgError 0A000 `searching for elements in multidimensional arrays is not supported`;
 *   22004 `initial position must not be null` (a NULL start).
 */
export function arrayPosition(a: PgArray, elem: ArrayElement, eq: (x: Value, y: Value) => boolean, start: number | null | undefined): number | null {
  if (a.ndim > 1) throw new PgError(SQLSTATE.feature_not_supported, 'searching for elements in multidimensional arrays is not supported');
  if (start === null) throw new PgError(SQLSTATE.null_value_not_allowed, 'initial position must not be null');
  const from = start === undefined ? 1 : start;
  for (let i = Math.max(from, 1); i <= a.elems.length; i++) if (sameElement(eq, a.elems[i - 1]!, elem)) return i;
  return null;
}

/**
 * array_positions(a, elem): every 1-based subscript whose element is not distinct from `elem`
 * (an empty int4[] when none).
 * @throws PgError 0A000 for a multidimensional array.
 */
export function arrayPositions(a: PgArray, elem: ArrayElement, eq: (x: Value, y: Value) => boolean): PgArray {
  if (a.ndim > 1) throw new PgError(SQLSTATE.feature_not_supported, 'searching for elements in multidimensional arrays is not supported');
  const out: number[] = [];
  for (let i = 0; i < a.elems.length; i++) if (sameElement(eq, a.elems[i]!, elem)) out.push(i + 1);
  return new PgArray('int4', out.length === 0 ? [] : [out.length], out);
}

/**
 * array_remove(a, elem): `a` without the elements not distinct from `elem` (an empty array
 * when none is left).
 * @throws PgError 0A000 `removing elements from multidimensional arrays is not supported`.
 */
export function arrayRemove(a: PgArray, elem: ArrayElement, eq: (x: Value, y: Value) => boolean): PgArray {
  oneDimensional(a, 'removing elements from multidimensional arrays');
  const out = a.elems.filter((x) => !sameElement(eq, x, elem));
  if (out.length === a.elems.length) return a;
  return new PgArray(a.elemType, out.length === 0 ? [] : [out.length], out);
}

/** array_replace(a, from, to): each element not distinct from `from` becomes `to`; the shape is kept. */
export function arrayReplace(a: PgArray, from: ArrayElement, to: ArrayElement, eq: (x: Value, y: Value) => boolean): PgArray {
  return new PgArray(a.elemType, a.dims, a.elems.map((x) => (sameElement(eq, x, from) ? to : x)));
}

/** array_dims: `[1:2][1:3]`, or null for an empty array. */
export function arrayDims(a: PgArray): string | null {
  if (a.ndim === 0) return null;
  return a.dims.map((d) => `[1:${d}]`).join('');
}

/**
 * string_to_array(s, delimiter [, null_string]): `s` split at each occurrence of `delimiter`
 * (a NULL delimiter splits into characters; an empty one gives `s` whole); elements equal to
 * `null_string` become NULL. An empty `s` gives an empty array.
 */
export function stringToArray(s: string, delim: string | null, nullText: string | null): PgArray {
  if (s.length === 0) return new PgArray('text', [], []);
  let parts: string[];
  if (delim === null) parts = Array.from(s);
  else if (delim.length === 0) parts = [s];
  else parts = s.split(delim);
  const elems = parts.map((p) => (nullText !== null && p === nullText ? null : p));
  return new PgArray('text', [elems.length], elems);
}
