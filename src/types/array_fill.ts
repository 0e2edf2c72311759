/**
 * array_fill(value, dims [, lbounds]) (arrayfuncs.c array_fill / array_fill_with_lower_bounds
 * / array_fill_internal): an array of the given dimensions with every element `value`.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { MAX_ARRAY_SIZE, PgArray, type ArrayElement } from './pgarray.js';

/** PostgreSQL's MAXDIM. */
const MAXDIM = 6;
const INT32_MAX = 2147483647;

function wrongSubscripts(detail: string): PgError {
  return new PgError(SQLSTATE.array_subscript_error, 'wrong number of array subscripts', { detail });
}

/** The int4 values of a dimension or bound array, checked as array_fill_internal does. */
function boundValues(a: PgArray): number[] {
  if (a.ndim > 1) throw wrongSubscripts('Dimension array must be one dimensional.');
  if (a.elems.some((e) => e === null)) throw new PgError(SQLSTATE.null_value_not_allowed, 'dimension values cannot be null');
  return a.elems as number[];
}

/**
 * The filled array, of element type `elemType`. `dims` and `lbounds` are int4[] values (null
 * for SQL NULL; `lbounds` undefined for the two-argument form). vecgres arrays all start at
 * 1, so lower bounds other than 1 are refused unless the array is empty (PostgreSQL then
 * returns `{}` and drops them).
 * @throws PgError 22004 `dimension array or low bound array cannot be null` / `dimension
 *   values cannot be null`; 2202E `wrong number of array subscripts` (DETAIL `Dimension array
 *   must be one dimensional.` or `Low bound array has different size than dimensions
 *   array.`); 54000 for more than 6 dimensions, a negative or too large size (`array size
 *   exceeds the maximum allowed (134217727)`) or a bound overflowing int4 (`array lower bound
 *   is too large: n`); 0A000 for lower bounds other than 1 on a non-empty array.
 */
export function arrayFill(value: ArrayElement, dims: PgArray | null, lbounds: PgArray | null | undefined, elemType: string): PgArray {
  if (dims === null || lbounds === null) {
    throw new PgError(SQLSTATE.null_value_not_allowed, 'dimension array or low bound array cannot be null');
  }
  const dimv = boundValues(dims);
  const ndims = dimv.length;
  if (ndims > MAXDIM) {
    throw new PgError(SQLSTATE.program_limit_exceeded, `number of array dimensions (${ndims}) exceeds the maximum allowed (${MAXDIM})`);
  }
  let lbv: number[] = dimv.map(() => 1);
  if (lbounds !== undefined) {
    lbv = boundValues(lbounds);
    if (lbv.length !== ndims) throw wrongSubscripts('Low bound array has different size than dimensions array.');
  }
  // ArrayGetNItems, then ArrayCheckBounds.
  let nitems = ndims === 0 ? 0 : 1;
  for (const d of dimv) {
    nitems *= d;
    if (d < 0 || nitems > MAX_ARRAY_SIZE) {
      throw new PgError(SQLSTATE.program_limit_exceeded, `array size exceeds the maximum allowed (${MAX_ARRAY_SIZE})`);
    }
  }
  // PostgreSQL checks dim + lower bound (one past the upper bound) against int4.
  for (let i = 0; i < ndims; i++) {
    if (lbv[i]! + dimv[i]! > INT32_MAX) throw new PgError(SQLSTATE.program_limit_exceeded, `array lower bound is too large: ${lbv[i]!}`);
  }
  if (nitems === 0) return new PgArray(elemType, [], []);
  if (lbv.some((l) => l !== 1)) throw new PgError(SQLSTATE.feature_not_supported, 'array lower bounds other than 1 are not supported');
  return new PgArray(elemType, dimv, new Array<ArrayElement>(nitems).fill(value));
}
