/**
 * A PostgreSQL array value as the SQL layer passes it around: the element type's name, the
 * length of each dimension, and the elements flattened in row-major order (SQL NULL as
 * `null`). Lower bounds are always 1 (what ARRAY[...] and '{...}' literals produce).
 *
 * Arrays are what pgvector does with them (`ARRAY[1,2,3]::vector`, `'{1,2,3}'::real[]::vector`,
 * `embedding::real[]`, `unnest`) and what applications store (`tags text[]` columns, kept as
 * PgArray values like any other column value).
 */
import type { BitString } from './bit.js';
import type { SparseVector } from './sparsevec.js';
import type { Numeric } from './numeric.js';
import type { Jsonb } from './jsonb.js';
import type { Interval } from './interval.js';
import type { TimeTz } from './timetz.js';
import type { EnumValue } from './enum_value.js';

/** One element of an array value (the element type's runtime representation). */
export type ArrayElement = number | bigint | string | boolean | Numeric | Jsonb | Interval | TimeTz | EnumValue | Uint8Array | Float32Array | Uint16Array | SparseVector | BitString | null;

export class PgArray {
  constructor(
    /** Element type name as the SQL layer spells it (`float4`, `int4`, `vector`, ...). */
    readonly elemType: string,
    /** Length of each dimension; `[]` for the empty array `{}`. */
    readonly dims: readonly number[],
    /** Elements in row-major order: the product of `dims` of them. */
    readonly elems: readonly ArrayElement[],
  ) {}

  /** Number of dimensions (0 for the empty array). */
  get ndim(): number {
    return this.dims.length;
  }
}

/** PostgreSQL's MaxArraySize on a 64-bit server: the most elements an array may hold. */
export const MAX_ARRAY_SIZE = 134217727;

/**
 * generate_subscripts(array, dim, reverse)'s values (arrayfuncs.c generate_subscripts): the
 * subscripts of dimension `dim`, from its lower bound to its upper bound, or back when
 * `reverse`; none when the array has no such dimension (an empty array has none). Every array
 * here has lower bound 1, so the subscripts are 1..length.
 */
export function arraySubscripts(a: PgArray, dim: number, reverse: boolean): number[] {
  const n = dim >= 1 && dim <= a.dims.length ? a.dims[dim - 1]! : 0;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = reverse ? n - i : i + 1;
  return out;
}
