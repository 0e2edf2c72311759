/**
 * Assignment through array subscripts, `UPDATE t SET a[i][j] = v` and `SET a[lo:hi] = src`
 * (arrayfuncs.c array_set_element and array_set_slice). Every array here has lower bounds 1,
 * so an assignment that would give it another lower bound (an index below 1, or above 1 on an
 * empty array, where PostgreSQL makes `[3:3]={v}`) is refused with 0A000 rather than answered
 * differently.
 */
import { PgError, SQLSTATE, pgErr } from '../common/errors.js';
import { MAX_ARRAY_SIZE, PgArray, type ArrayElement } from './pgarray.js';

const subscriptError = (message: string, detail?: string): PgError => new PgError(SQLSTATE.array_subscript_error, message, detail === undefined ? {} : { detail });
const otherLowerBound = (): PgError => pgErr.featureNotSupported('array assignment that sets a lower bound other than 1');
const tooLarge = (): PgError => new PgError(SQLSTATE.program_limit_exceeded, `array size exceeds the maximum allowed (${MAX_ARRAY_SIZE})`);

/** Row-major strides of `dims` (the last dimension's is 1). */
function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let k = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = k;
    k *= dims[i]!;
  }
  return s;
}

/**
 * `a[idx[0]][idx[1]]... = v` (array_set_element). A NULL or empty array becomes an array of
 * `idx.length` dimensions holding `v` alone; a one-dimensional array is extended with NULLs up
 * to the index; an array of more dimensions must already hold the position.
 * @throws PgError 2202E `wrong number of array subscripts` (a subscript count other than the
 *   array's dimensions), `array subscript out of range` (outside a multidimensional array);
 *   54000 past MaxArraySize; 0A000 for a lower bound other than 1.
 */
export function arrayAssignElement(a: PgArray | null, idx: readonly number[], v: ArrayElement, elemType: string): PgArray {
  const n = idx.length;
  if (a === null || a.dims.length === 0) {
    if (idx.some((i) => i !== 1)) throw otherLowerBound();
    return new PgArray(elemType, new Array<number>(n).fill(1), [v]);
  }
  if (a.dims.length !== n) throw subscriptError('wrong number of array subscripts');
  if (n === 1) {
    const index = idx[0]!;
    if (index < 1) throw otherLowerBound();
    if (index > MAX_ARRAY_SIZE) throw tooLarge();
    const out = a.elems.slice();
    while (out.length < index - 1) out.push(null);
    out[index - 1] = v;
    return new PgArray(elemType, [out.length], out);
  }
  const st = strides(a.dims);
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (idx[i]! < 1 || idx[i]! > a.dims[i]!) throw subscriptError('array subscript out of range');
    at += (idx[i]! - 1) * st[i]!;
  }
  const out = a.elems.slice();
  out[at] = v;
  return new PgArray(elemType, a.dims, out);
}

/**
 * `a[lower[0]:upper[0]]... = src` (array_set_slice); a bound is null where the subscript left
 * it out (`a[:2]`, `a[2:]`), and a plain `[i]` among slices comes as `[1:i]`. The slice's
 * positions take `src`'s elements in row-major order (extra ones are ignored); a NULL `src`
 * leaves the array as it is (a NULL array becomes empty); an empty array becomes one of the
 * slice's shape; a one-dimensional array is extended with NULLs up to the slice; dimensions
 * past the subscripts are taken whole.
 * @throws PgError 2202E `wrong number of array subscripts`, `upper bound cannot be less than
 *   lower bound`, `array subscript out of range`, `source array too small`, `array slice
 *   subscript must provide both boundaries` (on an empty array); 54000 past MaxArraySize;
 *   0A000 for a lower bound other than 1.
 */
export function arrayAssignSlice(a: PgArray | null, lower: readonly (number | null)[], upper: readonly (number | null)[], src: PgArray | null, elemType: string): PgArray {
  const base = a ?? new PgArray(elemType, [], []);
  if (src === null) return base;
  const n = lower.length;
  if (base.dims.length === 0) {
    const dims: number[] = [];
    for (let i = 0; i < n; i++) {
      const lo = lower[i];
      const hi = upper[i];
      if (lo === null || hi === null || lo === undefined || hi === undefined) {
        throw subscriptError('array slice subscript must provide both boundaries', 'When assigning to a slice of an empty array value, slice boundaries must be fully specified.');
      }
      dims.push(1 + hi - lo);
    }
    // A negative span fails ArrayGetNItems' check; an empty one gives the empty array,
    // whatever its bounds (construct_md_array).
    if (dims.some((d) => d < 0)) throw tooLarge();
    if (dims.some((d) => d === 0)) return new PgArray(elemType, [], []);
    let count = 1;
    for (const d of dims) count *= d;
    if (count > MAX_ARRAY_SIZE) throw tooLarge();
    if (src.elems.length < count) throw subscriptError('source array too small');
    if (lower.some((lo) => lo !== 1)) throw otherLowerBound();
    return new PgArray(elemType, dims, src.elems.slice(0, count));
  }
  const ndim = base.dims.length;
  if (ndim < n) throw subscriptError('wrong number of array subscripts');
  const lo: number[] = [];
  const hi: number[] = [];
  // Dimension by dimension, the bounds' order and then (above one dimension, which cannot be
  // extended) their range, as array_set_slice checks them; dimensions past the subscripts whole.
  for (let i = 0; i < ndim; i++) {
    lo.push(i < n ? lower[i] ?? 1 : 1);
    hi.push(i < n ? upper[i] ?? base.dims[i]! : base.dims[i]!);
    if (lo[i]! > hi[i]!) throw subscriptError('upper bound cannot be less than lower bound');
    if (ndim > 1 && i < n && (lo[i]! < 1 || hi[i]! > base.dims[i]!)) throw subscriptError('array subscript out of range');
  }
  if (ndim === 1) {
    if (hi[0]! > MAX_ARRAY_SIZE) throw tooLarge();
    const span = hi[0]! - lo[0]! + 1;
    if (src.elems.length < span) throw subscriptError('source array too small');
    // After PostgreSQL's own checks, whose errors come first.
    if (lo[0]! < 1) throw otherLowerBound();
    const elems = base.elems.slice();
    while (elems.length < lo[0]! - 1) elems.push(null);
    for (let k = 0; k < span; k++) elems[lo[0]! - 1 + k] = src.elems[k]!;
    return new PgArray(elemType, [elems.length], elems);
  }
  let count = 1;
  for (let i = 0; i < ndim; i++) count *= hi[i]! - lo[i]! + 1;
  if (src.elems.length < count) throw subscriptError('source array too small');
  const elems = base.elems.slice();
  const st = strides(base.dims);
  // Walk the slice's positions in row-major order, an odometer over the dimensions.
  const pos = lo.slice();
  for (let k = 0; k < count; k++) {
    let at = 0;
    for (let i = 0; i < ndim; i++) at += (pos[i]! - 1) * st[i]!;
    elems[at] = src.elems[k]!;
    for (let i = ndim - 1; i >= 0; i--) {
      if (pos[i]! < hi[i]!) {
        pos[i]!++;
        break;
      }
      pos[i] = lo[i]!;
    }
  }
  return new PgArray(elemType, base.dims, elems);
}
