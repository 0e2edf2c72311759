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

/** One element of an array value (the element type's runtime representation). */
export type ArrayElement = number | bigint | string | boolean | Numeric | Jsonb | Interval | Uint8Array | Float32Array | Uint16Array | SparseVector | BitString | null;

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
