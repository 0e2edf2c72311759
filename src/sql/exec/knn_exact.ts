/**
 * Exact k nearest neighbours among the rows of a {@link RowBitmap} (filtered search's exact
 * strategy): one SIMD kernel call per set row over the table's segments (with the kernels of
 * the memory each lies in), a typed-array top-k heap, rows whose vector is NULL after the ranked ones (PostgreSQL's NULLS LAST for an
 * ascending ORDER BY). The same distances and tie order (lower row id first) as the exact
 * top-k scan (nodes/top_k.ts), so both strategies return the same rows.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { Arena } from '../../kernels/arena.js';
import { kernelsOf, type PtrKernel } from '../../kernels/fast.js';
import { memories, MEMORY_STRIDE } from '../../kernels/memories.js';
import { QueryCopies } from '../../kernels/query_copies.js';
import type { Table } from '../../storage/table.js';
import type { RowBitmap } from './row_bitmap.js';
import { TopK } from './topk.js';

/**
 * The row ids of the `k` rows of `bitmap` nearest to `q` under `op` (`<->`, `<#>`, `<=>`,
 * `<+>`) in float32 vector column `col`, ascending, then rows with a NULL vector.
 * @throws PgError 22000 `different vector dimensions` when a row's dimension differs from q's.
 */
export function exactKnnOverBitmap(table: Table, col: number, q: Float32Array, op: string, bitmap: RowBitmap, k: number): Int32Array {
  const heap = new TopK(Math.max(0, k));
  const nullRows: number[] = [];
  if (k <= 0) return new Int32Array(0);
  const dim = q.length;
  // The query beside each memory the rows lie in (a table may span memories).
  const copies = new QueryCopies();
  copies.reset(dim * 4, (m, p) => m.f32().set(q, p >>> 2));
  try {
    const sign = op === '<#>' ? -1 : 1;
    const cosine = op === '<=>';
    const pick = (m: Arena): PtrKernel => {
      const ks = kernelsOf(m);
      return op === '<->' ? ks.l2sq : op === '<+>' ? ks.l1 : ks.dot;
    };
    const norms = cosine ? table.vectorNorms(col) : null;
    const any = memories.any();
    const qNormSq = cosine ? kernelsOf(any).dot(copies.in(any), copies.in(any), dim) : 0;
    const fixedDim = table.vectorColumnDim(col);
    // The memory of the last row: [lo, lo + 2^32) are its addresses (none before the first row).
    let lo = -2 * MEMORY_STRIDE;
    let kernel: PtrKernel = pick(any);
    let qPtr = 0;
    bitmap.forEach((r) => {
      const ptr = table.vectorPtr(col, r);
      if (ptr === 0) {
        if (nullRows.length < k) nullRows.push(r);
        return;
      }
      if (fixedDim < 0 ? table.vectorDim(col, r) !== dim : fixedDim !== dim) {
        throw new PgError(SQLSTATE.data_exception, `different vector dimensions ${fixedDim < 0 ? table.vectorDim(col, r) : fixedDim} and ${dim}`);
      }
      if (ptr < lo || ptr >= lo + MEMORY_STRIDE) {
        const m = memories.memoryOf(ptr);
        lo = m.id * MEMORY_STRIDE;
        kernel = pick(m);
        qPtr = copies.in(m);
      }
      let d = kernel(ptr >>> 0, qPtr, dim);
      if (cosine) d = 1 - d / Math.sqrt(norms![r]! * qNormSq);
      else d *= sign;
      if (d > heap.bound()) return;
      heap.push(r, d);
    });
  } finally {
    copies.free();
  }
  return rankedThenNull(heap.sortedIds(), nullRows, k);
}

/**
 * The row ids of the `k` rows of `bitmap` with the smallest `distanceOf(row)`, ascending (ties:
 * lower row id first), then rows whose distance is NULL: the exact strategy for a key the
 * SIMD path does not read (an expression, a halfvec or bit column), the distance being the
 * ORDER BY expression evaluated as the Sort of the same query would evaluate it.
 */
export function exactKnnByDistance(bitmap: RowBitmap, k: number, distanceOf: (rowId: number) => number | null): Int32Array {
  if (k <= 0) return new Int32Array(0);
  const heap = new TopK(k);
  const nullRows: number[] = [];
  bitmap.forEach((r) => {
    const d = distanceOf(r);
    if (d === null) {
      if (nullRows.length < k) nullRows.push(r);
      return;
    }
    if (d > heap.bound()) return;
    heap.push(r, d);
  });
  return rankedThenNull(heap.sortedIds(), nullRows, k);
}

/** The first `k` of `ids` (ranked) then `nullRows` (PostgreSQL's NULLS LAST of an ascending ORDER BY). */
function rankedThenNull(ids: Int32Array, nullRows: readonly number[], k: number): Int32Array {
  if (nullRows.length === 0) return ids;
  const out = new Int32Array(Math.min(k, ids.length + nullRows.length));
  out.set(ids.subarray(0, out.length));
  for (let i = ids.length; i < out.length; i++) out[i] = nullRows[i - ids.length]!;
  return out;
}
