/**
 * Exact k nearest neighbours among the rows of a {@link RowBitmap} (filtered search's exact
 * strategy): one SIMD kernel call per chunk of set rows over the table's segments (the
 * kernels of the memory the chunk's rows lie in: a chunk ends where the memory changes), a
 * typed-array top-k heap, rows whose vector is NULL after the ranked ones (PostgreSQL's NULLS LAST for an
 * ascending ORDER BY). The same distances and tie order (lower row id first) as the exact
 * top-k scan (nodes/top_k.ts), so both strategies return the same rows.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { Arena } from '../../kernels/arena.js';
import { kernelsOf, type ManyKernel } from '../../kernels/fast.js';
import { memories, MEMORY_STRIDE } from '../../kernels/memories.js';
import { QueryCopies } from '../../kernels/query_copies.js';
import type { Table } from '../../storage/table.js';
import type { RowBitmap } from './row_bitmap.js';
import type { GatheredRows } from './gathered_rows.js';
import { TopK } from './topk.js';

/**
 * Rows whose distances one kernel call computes (fast.*Many over a list of row pointers).
 * Measured over 10,047 rows of 100-d (one loaded machine, one run): a kernel call per row
 * from a closure per row cost 1.2 µs a row, chunks 0.8 µs.
 */
const CHUNK = 1024;

/**
 * The row ids of the `k` rows of `bitmap` nearest to `q` under `op` (`<->`, `<#>`, `<=>`,
 * `<+>`) in float32 vector column `col`, ascending, then rows with a NULL vector.
 * @throws PgError 22000 `different vector dimensions` when a row's dimension differs from q's.
 */
export function exactKnnOverBitmap(table: Table, col: number, q: Float32Array, op: string, bitmap: RowBitmap, k: number): Int32Array {
  return exactKnnOverRows(table, col, q, op, bitmap.toRowIds(), k);
}

/**
 * As {@link exactKnnOverBitmap} over the rows `rows` (ascending row ids, each visible and
 * passing): the exact strategy when the caller holds the filter's rows as a list
 * (access/shared/keyed_rows.ts), so the distances of those rows are all it computes.
 * @throws PgError 22000 `different vector dimensions` when a row's dimension differs from q's.
 */
export function exactKnnOverRows(table: Table, col: number, q: Float32Array, op: string, rows: Int32Array, k: number): Int32Array {
  const heap = new TopK(Math.max(0, k));
  const nullRows: number[] = [];
  if (k <= 0) return new Int32Array(0);
  const dim = q.length;
  const bytes = Math.max(16, dim * 4);
  // In each memory the rows lie in, one block: the query, then CHUNK row pointers, then CHUNK
  // float32 distances (a WebAssembly kernel reads only its own memory).
  const copies = new QueryCopies();
  copies.reset(bytes + CHUNK * 8, (m, p) => m.f32().set(q, p >>> 2));
  try {
    const pick = (m: Arena): ManyKernel => {
      const ks = kernelsOf(m);
      return op === '<->' ? ks.l2sqMany : op === '<+>' ? ks.l1Many : ks.dotMany;
    };
    const sign = op === '<#>' ? -1 : 1;
    const cosine = op === '<=>';
    const norms = cosine ? table.vectorNorms(col) : null;
    const any = memories.any();
    const qNormSq = cosine ? kernelsOf(any).dot(copies.in(any), copies.in(any), dim) : 0;
    const fixedDim = table.vectorColumnDim(col);
    // The chunk being gathered: its memory (addresses [lo, lo + 2^32), none before the first
    // row), kernel, block, and rows (their pointers go to the block at rowsPtr).
    let cur: Arena = any;
    let lo = -2 * MEMORY_STRIDE;
    let many: ManyKernel = pick(any);
    let qPtr = 0;
    let rowWord = 0;
    let rowMem = any.u32();
    const ids = new Int32Array(CHUNK);
    let n = 0;
    let curSeg = -1;
    const flush = (): void => {
      const rowsPtr = qPtr + bytes;
      const outPtr = rowsPtr + CHUNK * 4;
      many(qPtr, rowsPtr, n, dim, outPtr);
      const f = cur.f32();
      const out = outPtr >>> 2;
      for (let i = 0; i < n; i++) {
        const r = ids[i]!;
        let d = f[out + i]!;
        if (cosine) d = 1 - d / Math.sqrt(norms![r]! * qNormSq);
        else d *= sign;
        if (d > heap.bound()) continue;
        heap.push(r, d);
      }
      n = 0;
    };
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      // A new segment: the chunk's rows are read first, because the buffer cache pins one
      // segment of a streaming scan at a time (storage/buffer_cache.ts).
      const seg = table.vectorSegmentOf(col, r);
      if (seg !== curSeg) {
        if (n > 0) flush();
        curSeg = seg;
      }
      const ptr = table.vectorPtrStream(col, r);
      if (ptr === 0) {
        if (nullRows.length < k) nullRows.push(r);
        continue;
      }
      if (fixedDim < 0 ? table.vectorDim(col, r) !== dim : fixedDim !== dim) {
        throw new PgError(SQLSTATE.data_exception, `different vector dimensions ${fixedDim < 0 ? table.vectorDim(col, r) : fixedDim} and ${dim}`);
      }
      if (ptr < lo || ptr >= lo + MEMORY_STRIDE) {
        if (n > 0) flush();
        cur = memories.memoryOf(ptr);
        lo = cur.id * MEMORY_STRIDE;
        many = pick(cur);
        qPtr = copies.in(cur);
        rowWord = (qPtr + bytes) >>> 2;
        // Taken after the copy, which may have grown the memory.
        rowMem = cur.u32();
      }
      rowMem[rowWord + n] = ptr >>> 0;
      ids[n++] = r;
      if (n === CHUNK) flush();
    }
    if (n > 0) flush();
  } finally {
    copies.free();
  }
  return rankedThenNull(heap.sortedIds(), nullRows, k);
}

/**
 * As {@link exactKnnOverRows} over the vectors of a row list gathered into one block
 * (gathered_rows.ts): the same kernel on the same values in the same row order, so the same
 * rows in the same order, read sequentially. The caller checks `q.length === g.dim` first (a
 * mismatch goes through exactKnnOverRows, which raises pgvector's error).
 */
export function exactKnnOverGathered(g: GatheredRows, q: Float32Array, op: string, k: number): Int32Array {
  if (k <= 0) return new Int32Array(0);
  const heap = new TopK(k);
  const n = g.ids.length;
  if (n > 0) {
    const dim = g.dim;
    const bytes = Math.max(16, dim * 4);
    const arena = g.arena;
    const ks = kernelsOf(arena);
    const many = op === '<->' ? ks.l2sqMany : op === '<+>' ? ks.l1Many : ks.dotMany;
    const sign = op === '<#>' ? -1 : 1;
    const cosine = op === '<=>';
    // The query, then CHUNK row pointers, then CHUNK float32 distances, beside the block.
    const copies = new QueryCopies();
    copies.reset(bytes + CHUNK * 8, (m, p) => m.f32().set(q, p >>> 2));
    try {
      const qPtr = copies.in(arena);
      const qNormSq = cosine ? ks.dot(qPtr, qPtr, dim) : 0;
      const rowsPtr = qPtr + bytes;
      const outPtr = rowsPtr + CHUNK * 4;
      const base = g.addr >>> 0;
      const stride = dim * 4;
      const ids = g.ids;
      const norms = g.norms;
      for (let s = 0; s < n; s += CHUNK) {
        const m = Math.min(CHUNK, n - s);
        const u = arena.u32();
        const w = rowsPtr >>> 2;
        for (let i = 0; i < m; i++) u[w + i] = base + (s + i) * stride;
        many(qPtr, rowsPtr, m, dim, outPtr);
        const f = arena.f32();
        const out = outPtr >>> 2;
        for (let i = 0; i < m; i++) {
          let d = f[out + i]!;
          if (cosine) d = 1 - d / Math.sqrt(norms[s + i]! * qNormSq);
          else d *= sign;
          if (d > heap.bound()) continue;
          heap.push(ids[s + i]!, d);
        }
      }
    } finally {
      copies.free();
    }
  }
  return rankedThenNull(heap.sortedIds(), g.nullRows.length <= k ? Array.from(g.nullRows) : Array.from(g.nullRows.subarray(0, k)), k);
}

/**
 * The row ids of the `k` rows of `bitmap` with the smallest `distanceOf(row)`, ascending (ties:
 * lower row id first), then rows whose distance is NULL: the exact strategy for a key the
 * SIMD path does not read (an expression, a halfvec or bit column), the distance being the
 * ORDER BY expression evaluated as the Sort of the same query would evaluate it.
 */
export function exactKnnByDistance(bitmap: RowBitmap | Int32Array, k: number, distanceOf: (rowId: number) => number | null): Int32Array {
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
