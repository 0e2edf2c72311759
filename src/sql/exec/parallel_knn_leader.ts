/**
 * The leader's side of the parallel exact k-NN scan (exec/parallel_knn.ts has the participants'
 * side and why the merge gives the serial answer): it decides which rows the participants visit
 * (the snapshot's visibility, as the serial scan decides it, and a WHERE clause's rows; or, with
 * no transaction in flight on the table and no WHERE clause, the table's live rows, read in
 * place), gives every memory the rows lie in a distance buffer per
 * participant, runs the participants on the worker pool (itself as participant 0), and offers
 * the union of their candidates, in row order, to the serial scan's {@link Candidates}.
 */
import type { Arena } from '../../kernels/arena.js';
import { memories, MEMORY_STRIDE } from '../../kernels/memories.js';
import type { WorkerContext, WorkerPool } from '../../kernels/workers.js';
import type { Table } from '../../storage/table.js';
import type { Interrupts } from '../../common/interrupts.js';
import { assert } from '../../common/assert.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import { KNN_SCAN_TASK, knnScanTask, allocScratch, freeScratch, SCRATCH_BITMAP_OFFSET, type KnnTaskArgs, type KnnTaskResult } from './parallel_knn.js';
import type { Candidates } from './topk.js';
import { popcount32, type RowBitmap } from './row_bitmap.js';
import { Err } from './knn_bounds.js';
import { ABORT_WORD, ScanWait, startAsyncScan, type AsyncScans, type ScanKey } from './parallel_knn_async.js';

/** The leader as the only participant: the process's memories. */
const LEADER_CONTEXT: WorkerContext = { worker: 0, memory: (id) => memories.memoryOf(id * MEMORY_STRIDE) };

/**
 * Tuning of the parallel scan, for tests: `chunkRowsMax` is the most rows a participant takes
 * at a time (a power of two; fewer when a segment holds fewer): 4,096 rows of 100 dimensions
 * are 1.6 MB, about a hundred chunks per participant over GloVe's 340,479 rows, so a slow
 * participant delays the end by little. `fixedChunks` deals the chunks out in turn instead of
 * first come first served, so that small test tables give every participant rows. `failAt`
 * makes that participant throw (fault injection: a worker's error must end the statement cleanly).
 */
export const parallelKnnOptions = { chunkRowsMax: 4096, fixedChunks: false, failAt: -1 };

/** The kernel, error model and query of one scan: {@link KnnTaskArgs} without the layout. */
export type ParallelKnnKernel = Pick<KnnTaskArgs, 'kernel' | 'err' | 'sign' | 'cosine' | 'units' | 'rho' | 'qNormSq' | 'qBits'>;

/** What one parallel scan did. */
export interface ParallelKnnRun {
  /** Rows visible to the statement (the serial scan's count). */
  scanned: number;
  /** Per participant, the rows its local top k held at the end. */
  kept: number[];
}

/**
 * Runs the scan of fixed-width column `col` of `table` with `participants` participants on
 * `pool` (the leader alone when 1 or no pool), offering the candidates to `cands` in row order and pushing the visible rows whose
 * value is NULL onto `nullRows` (row order). `queryIn(m)` is the query's byte offset in memory
 * `m` (copied there on first use); `kernel()` is read after the query copies are made. Null when the column has no fixed-width rows, or
 * the buffer cache evicted one of its segments (nothing was done: the serial scan runs). `visit`: the rows of a WHERE clause (visible to `xid` and
 * passing, exec/row_filter.ts) to visit instead of every visible row; `scanned` still counts
 * the visible rows.
 * @throws PgError 57014 when the statement is canceled or times out (checked per chunk), 53200
 *   when a memory cannot hold the distance buffers, XX000 when a worker fails; shared blocks are
 *   freed. (When the shared block itself does not fit, null: the serial scan runs.)
 */
export function runParallelKnn(
  pool: WorkerPool | null, participants: number, table: Table, col: number, kernel: () => ParallelKnnKernel, queryIn: (m: Arena) => number,
  k: number, xid: number, interrupts: Interrupts, cands: Candidates, nullRows: number[], visit: RowBitmap | null = null,
  wait: AsyncScanRequest | null = null,
): ParallelKnnRun | null {
  const fixed = table.fixedRows(col);
  if (fixed === null) return null;
  const { rows, nulls } = fixed;
  // Off the event loop (exec/parallel_knn_async.ts): the results of this scan's first run, when
  // nothing it depends on changed since.
  let key: ScanKey | null = null;
  if (wait !== null) {
    const { qBits: _derived, ...scalars } = kernel();
    const words = (table.slots + 31) >>> 5;
    key = {
      // With no row of a transaction in flight every reader sees the same rows: the reader does
      // not matter (a statement rerun outside a block gets a new transaction id).
      table, changes: table.changes, col, xid: table.pendingRows === 0 ? 0 : xid, k, kernel: JSON.stringify(scalars), query: wait.query,
      visit: visit === null ? null : visit.arena.u32().slice(visit.ptr >>> 2, (visit.ptr >>> 2) + words),
    };
    const done = wait.scans.find(key);
    if (done !== null) {
      if (done.error !== null) throw done.error;
      return collect(done.results!, done.scanned, cands, nullRows);
    }
    if (!wait.scans.canStart) key = null;
  }
  // The workers read the segments by address: all must be resident, and pinned so that no
  // allocation below evicts one (storage/buffer_cache.ts); with one evicted the serial scan
  // streams instead.
  if (!rows.pinResident()) return null;
  const slots = table.slots;
  const { err, cosine } = kernel();
  const norms = err === Err.Norms || cosine ? table.vectorNorms(col) : null;
  // With no row of a transaction in flight every live row is visible to every snapshot
  // (PostgreSQL's all-visible pages): the participants read the table's live-row bitmap in
  // place and the leader builds none. Else, or with a WHERE clause, the leader builds it.
  const allVisible = visit === null && table.pendingRows === 0;
  const live = table.liveBitmap();
  assert(
    live.buffer instanceof SharedArrayBuffer && nulls.buffer instanceof SharedArrayBuffer && (norms === null || norms.buffer instanceof SharedArrayBuffer),
    'a parallel scan reads the live bitmap, NULL flags and norms in shared memory',
  );
  let scratch: ReturnType<typeof allocScratch>;
  try {
    scratch = allocScratch(slots, !allVisible);
  } catch (e) {
    // No room for the shared block under vecgres.memory_limit: the serial scan needs none.
    if (e instanceof PgError && e.code === SQLSTATE.out_of_memory) return null;
    throw e;
  }
  const buffers: { arena: Arena; ptr: number; bytes: number }[] = [];
  /** The scan went off the event loop: its memory is freed when its participants stopped. */
  let handedOff = false;
  try {
    const { scanned } = fillRowsToVisit(table, xid, visit, allVisible, scratch.block);
    // Chunks lie inside one segment (one memory): a power of two no larger than a segment.
    const chunkRows = Math.min(parallelKnnOptions.chunkRowsMax, rows.segmentRows);
    assert(chunkRows > 0 && (chunkRows & (chunkRows - 1)) === 0, 'parallel scan chunks are a power of two of rows');
    const queries: number[] = [];
    const seen = new Set<number>();
    for (const seg of rows.segments) {
      if (seg === 0) continue;
      const id = Math.floor(seg / MEMORY_STRIDE);
      if (seen.has(id)) continue;
      seen.add(id);
      const arena = memories.memoryOf(seg);
      const q = queryIn(arena);
      // Off the event loop the query is copied after the distance buffers: the caller's copy
      // is freed when the statement is undone, before the participants stop.
      const distBytes = participants * chunkRows * 4;
      const qOff = (distBytes + 15) & ~15;
      const bytes = key === null ? distBytes : qOff + wait!.queryBytes;
      const ptr = arena.alloc(bytes, 'parallel scan', true);
      buffers.push({ arena, ptr, bytes });
      if (key !== null) arena.u8().copyWithin(ptr + qOff, q, q + wait!.queryBytes);
      queries.push(id, key === null ? q : ptr + qOff, ptr);
    }
    const common: KnnTaskArgs = {
      ...kernel(), queries, segments: rows.segments.slice(), shift: rows.shift, rowBytes: rows.rowBytes,
      slots, chunkRows, block: scratch.block, visible: allVisible ? live : null, nulls, norms, k,
      fixedStride: parallelKnnOptions.fixedChunks ? participants : 0, failAt: parallelKnnOptions.failAt,
    };
    const args: KnnTaskArgs[] = [];
    for (let p = 0; p < participants; p++) args.push(p === 0 ? { ...common, check: () => interrupts.check() } : common);
    if (key !== null) {
      // The participants run while the statement waits (ScanWait); this memory and the
      // segments stay theirs until they stopped.
      rows.hold();
      handedOff = true;
      const home = memories.memoryOf(scratch.block);
      const scan = startAsyncScan(pool, args, LEADER_CONTEXT, home.i32(), ((scratch.block >>> 0) >>> 2) + ABORT_WORD, key, scanned, () => {
        rows.unhold();
        for (const b of buffers) b.arena.free(b.ptr, b.bytes);
        freeScratch(scratch);
      });
      wait!.scans.add(scan);
      throw new ScanWait(scan);
    }
    // One participant (no worker launched) runs the same code on the leader alone.
    const results = pool === null || participants === 1 ? [knnScanTask(args[0]!, LEADER_CONTEXT)] : pool.runSync<KnnTaskResult>(KNN_SCAN_TASK, args);
    return collect(results, scanned, cands, nullRows);
  } finally {
    if (!handedOff) {
      for (const b of buffers) b.arena.free(b.ptr, b.bytes);
      freeScratch(scratch);
    }
  }
}

/** A scan's request to run off the event loop: the session's scans and the query's bytes (its key). */
export interface AsyncScanRequest {
  scans: AsyncScans;
  query: Uint8Array;
  /** Bytes of the query's copy in a memory (`queryIn`). */
  queryBytes: number;
}

/**
 * Merges the participants' `results` into `cands` and `nullRows` (row order); `scanned` is the
 * visible rows as the leader counted them, or -1 (the participants' visited rows).
 */
function collect(results: KnnTaskResult[], scanned: number, cands: Candidates, nullRows: number[]): ParallelKnnRun {
  mergeInto(results, cands);
  // NULL rows in row order (each participant's are ascending; they are rare).
  const firstNull = nullRows.length;
  for (const r of results) for (const x of r.nullRows) nullRows.push(x);
  if (results.length > 1 && nullRows.length > firstNull) {
    const mine = nullRows.splice(firstNull).sort((a, b) => a - b);
    for (const x of mine) nullRows.push(x);
  }
  if (scanned < 0) {
    scanned = 0;
    for (const r of results) scanned += r.visited;
  }
  return { scanned, kept: results.map((r) => r.kept) };
}

/** Offers the participants' candidates to `cands` in row order (each participant's list is ascending). */
function mergeInto(results: KnnTaskResult[], cands: Candidates): void {
  const pos = results.map(() => 0);
  for (;;) {
    let best = -1;
    let bestId = 0;
    for (let p = 0; p < results.length; p++) {
      const r = results[p]!;
      if (pos[p]! < r.ids.length && (best < 0 || r.ids[pos[p]!]! < bestId)) {
        best = p;
        bestId = r.ids[pos[p]!]!;
      }
    }
    if (best < 0) return;
    const r = results[best]!;
    const i = pos[best]!++;
    cands.offer(bestId, r.lows[i]!, r.highs[i]!);
  }
}

/**
 * Fills the shared block at `block` for a parallel scan of `table` (the knn scan's, and the
 * parallel aggregate's, exec/parallel_agg.ts): zeroes the control words and, unless
 * `allVisible` (the participants then read the table's live rows in place), writes the bitmap
 * of rows to visit: live and visible to `xid` (as the serial scan's visibleTo), then replaced
 * by `visit`'s rows when a WHERE clause gave them. `scanned`: the rows visible to the
 * statement when the bitmap was built here, else -1 (the participants count them).
 */
export function fillRowsToVisit(table: Table, xid: number, visit: RowBitmap | null, allVisible: boolean, block: number): { scanned: number } {
  const home = memories.memoryOf(block);
  const base = block >>> 0;
  const u32 = home.u32();
  const i32 = home.i32();
  i32[base >>> 2] = 0;
  i32[(base >>> 2) + 1] = 0;
  if (allVisible) return { scanned: -1 };
  const slots = table.slots;
  const live = table.liveBitmap();
  // The rows to visit: live and, with transactions in flight, visible to this one.
  const words = (slots + 31) >>> 5;
  const bits = (base + SCRATCH_BITMAP_OFFSET) >>> 2;
  u32.set(live.subarray(0, words), bits);
  if (words > live.length) u32.fill(0, bits + live.length, bits + words);
  if (table.pendingRows > 0) {
    const xmin = table.xmin;
    const xmax = table.xmax;
    for (let r = 0; r < slots; r++) {
      if ((xmin[r]! | xmax[r]!) !== 0 && !table.visibleTo(r, xid)) u32[bits + (r >>> 5)]! &= ~(1 << (r & 31));
    }
  }
  let scanned = 0;
  for (let w = 0; w < words; w++) scanned += popcount32(u32[bits + w]!);
  // A WHERE clause's rows (visible ones only, as the bitmap was built) replace the visible ones.
  if (visit !== null) u32.set(visit.arena.u32().subarray(visit.ptr >>> 2, (visit.ptr >>> 2) + words), bits);
  return { scanned };
}
