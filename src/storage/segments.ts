/**
 * Fixed-width rows in segments sized in bytes, not rows: the storage of `vector(n)`,
 * `halfvec(n)` and `bit(n)` columns, and of an HNSW graph's level-0 records.
 *
 * Segments come from a {@link Space} (kernels/memories.ts): a table's from the set of
 * memories, so each segment records its memory in its address (`id * 2^32 + offset`) and one
 * table spans memories; an index's from its one memory (plain offsets). A row's memory is
 * `space.memoryOf(ptr(rowId))`, its offset there `ptr(rowId) >>> 0`; rows of one segment are
 * in one memory.
 *
 * Rows are addressed by rowId: segment `rowId >>> shift`, row `rowId & mask` inside it, so a
 * row's pointer costs a shift, a mask and one array load, and the rows of a segment are
 * contiguous for the exact-scan kernels. A full segment holds the largest power of two of rows
 * that fits {@link SEGMENT_BYTES_MAX} (4 MiB: 8,192 rows of 100-d float32, 512 of 1,536-d, 64
 * of 16,000-d; at least one row; a sixteenth of the memory in small test memories). Only the first segment starts smaller: it holds about
 * {@link FIRST_SEGMENT_BYTES} (at least one row) and doubles until it is full, so a one-row
 * `vector(16000)` table takes 64 KB and a small table a few kilobytes, while a large table
 * pays one copy of at most 4 MiB in all. Segments past the first are allocated full.
 *
 * A full segment whose rows are all dead can be released ({@link releaseSegment}, VACUUM): its
 * pointer becomes 0 and its rows are never read again (row ids are not reused).
 *
 * Growing the first segment moves it. {@link reserve} hands the old block to the caller to
 * free after the row is written, so a value being copied in from the old block (an UPDATE
 * that rewrites a row of the same table) stays readable until then.
 *
 * A *cached* store (a table's `vector(n)` column) takes part in the buffer cache
 * (buffer_cache.ts): a full segment that a checkpoint wrote to its own segment file
 * ({@link SegmentedRows.files}) is clean and may be evicted (pointer -1) and read back on the
 * next {@link SegmentedRows.ptr}. A full segment's bytes never change once its last row is
 * written (rows are appended; an UPDATE appends a version), so the file stays exact. A random
 * row of an evicted segment is read back as one page ({@link PAGE_BYTES_TARGET}: a power of two
 * of rows, so a row never straddles pages) into a block of its own, while the segment stays
 * evicted; scans read the whole segment (storage/buffer_cache.ts).
 */
import { assert } from '../common/assert.js';
import { SEGMENT_BYTES_MAX, type Space } from '../kernels/memories.js';
import { bufferCache } from './buffer_cache.js';
import { readSegmentFile, readSegmentPage, type SegmentFiles, type SegmentPageIndex } from './segment_file.js';

export { SEGMENT_BYTES_MAX };
/** Bytes the first segment starts with (rounded down to a power of two of rows, at least one). */
export const FIRST_SEGMENT_BYTES = 4096;
/**
 * Target bytes of a page, the unit of a random row's read from a segment file: a page holds
 * the largest power of two of whole rows within it (4 rows, 12 KiB, of `vector(768)`; 2 of
 * `vector(1536)`; one row when a row is larger), and at most a sixteenth of a segment (small
 * test memories). Why 16 KiB: a page read costs an open, one positioned read, its CRC-32C and a
 * close; measured per page read (CPU time, file in the OS cache): 25 us at 8 KiB, 23 at 16 KiB,
 * 43 at 32 KiB, 75 at 64 KiB, 151 at 128 KiB, 4,876 for a whole 4 MiB segment. Up to 16 KiB the
 * fixed cost dominates, past it the checksum does, so a random row costs the least with 16 KiB
 * pages. Exact scans do not depend on it: they read whole segments.
 */
export const PAGE_BYTES_TARGET = 16 * 1024;

/** Largest power of two <= n (n >= 1). */
function floorPow2(n: number): number {
  return 2 ** Math.floor(Math.log2(n));
}

export class SegmentedRows {
  /** Bytes per row. */
  readonly rowBytes: number;
  /** log2 of the rows of a full segment. */
  readonly shift: number;
  readonly mask: number;
  /** Rows of a full segment. */
  readonly segmentRows: number;
  /** Segment addresses in {@link space} (0 for a released segment, -1 for an evicted one). */
  readonly segments: number[] = [];
  /** Rows the first segment has room for (segmentRows once it is full). */
  private firstRows = 0;
  /**
   * Cached stores: per segment, the segment file (full name, under {@link source}) of a
   * completed checkpoint that holds its bytes, or null/absent.
   */
  readonly files: (string | null)[] = [];
  /** Segment files written by the checkpoint in progress ({@link installFiles} at its end). */
  readonly pendingFiles = new Map<number, string>();
  /** Where {@link files} are (set with the first file). */
  source: SegmentFiles | null = null;
  /** Per segment, the buffer cache's epoch of the statement that last read it through {@link ptr}. */
  private readonly stamps: number[] = [];
  /** The segment an exact scan streams over ({@link ptrStream}), pinned in {@link streamEpoch}. */
  private streamSeg = -1;
  private streamEpoch = 0;
  /** Rows of a page (a power of two dividing {@link segmentRows}) and its log2. */
  readonly pageRows: number;
  readonly pageShift: number;
  /** Pages of a full segment. */
  readonly segmentPages: number;
  /**
   * Cached stores, per evicted segment: the addresses of its pages read alone (0 when not
   * resident), the epoch that last pinned each, and its file's page index (null when the file
   * is read whole only: format 1). Absent for segments never read by page.
   */
  private readonly pagePtrs: (number[] | undefined)[] = [];
  private readonly pageStamps: (number[] | undefined)[] = [];
  private readonly pageIndex: (SegmentPageIndex | null | undefined)[] = [];
  /** Pages resident in their own blocks. */
  private pagesResident = 0;
  /** The last page read alone (segment * segmentPages + page): the next one means a scan. */
  private lastPageRead = -2;

  /**
   * @param rowBytes bytes per row (> 0)
   * @param use the memory context named in an out-of-memory error ("vector column", ...)
   * @param space where segments are allocated: the set of memories or one memory
   * @param cached whether full segments take part in the buffer cache (table vector columns)
   */
  constructor(rowBytes: number, private readonly use: string, readonly space: Space, readonly cached = false) {
    this.rowBytes = rowBytes;
    this.segmentRows = floorPow2(Math.max(1, Math.floor(space.segmentBytesMax / rowBytes)));
    this.shift = Math.log2(this.segmentRows);
    this.mask = this.segmentRows - 1;
    const pageTarget = Math.min(PAGE_BYTES_TARGET, Math.floor(space.segmentBytesMax / 16));
    this.pageRows = Math.min(this.segmentRows, floorPow2(Math.max(1, Math.floor(pageTarget / rowBytes))));
    this.pageShift = Math.log2(this.pageRows);
    this.segmentPages = this.segmentRows / this.pageRows;
  }

  /** Bytes of a page. */
  get pageBytes(): number {
    return this.pageRows * this.rowBytes;
  }

  /**
   * Address of row `rowId` in {@link space} (which {@link reserve} made room for). In a cached
   * store an evicted segment is read back first, and the segment stays pinned until the
   * running statement ends (so a view of the row stays valid for the statement).
   * @throws PgError XX001 naming the segment file when it is damaged; mapped I/O errors;
   *   53200 when no memory can hold the segment.
   */
  ptr(rowId: number): number {
    const k = rowId >>> this.shift;
    const s = this.segments[k]!;
    if (this.cached) {
      if (s < 0) return this.evictedRow(rowId, k, true);
      this.stamps[k] = bufferCache.epoch;
    }
    return s + (rowId & this.mask) * this.rowBytes;
  }

  /**
   * {@link ptr} for a read that copies the row (or runs one kernel on it) at once: the values a
   * statement returns, a projected distance, a filtered scan gathering rows. An evicted segment
   * is read one page at a time (whole when the reads step from one page to the next), and
   * nothing is pinned: the address is valid until the next call of ptr, ptrRow or ptrStream on
   * any cached store.
   * @throws as {@link ptr}.
   */
  ptrRow(rowId: number): number {
    const k = rowId >>> this.shift;
    const s = this.segments[k]!;
    if (this.cached && s < 0) return this.evictedRow(rowId, k, false);
    return s + (rowId & this.mask) * this.rowBytes;
  }

  /**
   * Address of row `rowId` of evicted segment `k`: from its page when resident, else read
   * alone, or the whole segment when this read follows the previous page read (a scan by rows)
   * or the file has no page index. `pin`: pinned until the statement ends.
   */
  private evictedRow(rowId: number, k: number, pin: boolean): number {
    const pg = (rowId & this.mask) >>> this.pageShift;
    const inPage = (rowId & (this.pageRows - 1)) * this.rowBytes;
    const pages = this.pagePtrs[k];
    let a = pages === undefined ? 0 : pages[pg]!;
    if (a === 0) {
      const g = k * this.segmentPages + pg;
      const scan = g === this.lastPageRead + 1;
      if (this.segmentPages > 1 && !scan && this.pageIndex[k] !== null) a = this.faultPage(k, pg);
      if (a === 0) {
        const s = this.fault(k, scan);
        if (pin) this.stamps[k] = bufferCache.epoch;
        return s + (rowId & this.mask) * this.rowBytes;
      }
      this.lastPageRead = g;
    }
    if (pin) this.pageStamps[k]![pg] = bufferCache.epoch;
    return a + inPage;
  }

  /**
   * Reads page `pg` of evicted segment `k` alone into a new block (evicting others first when
   * the cache is full); returns its address, or 0 when the file can only be read whole (then
   * nothing changed). @throws PgError XX001 for a damaged file, 53200, mapped I/O errors.
   */
  private faultPage(k: number, pg: number): number {
    const file = this.files[k] ?? null;
    const source = this.source;
    assert(this.segments[k] === -1 && file !== null && source !== null, 'an evicted segment has a file');
    const bytes = this.pageBytes;
    bufferCache.makeRoom(bytes);
    const p = this.space.alloc(bytes, this.use);
    let idx: SegmentPageIndex | null;
    try {
      idx = readSegmentPage(source, file, this.segmentBytes, pg, bytes, this.space.memoryOf(p).u8(), p >>> 0, this.pageIndex[k] ?? undefined);
    } catch (e) {
      this.space.free(p, bytes);
      throw e;
    }
    this.pageIndex[k] = idx;
    if (idx === null) {
      this.space.free(p, bytes);
      return 0;
    }
    let pages = this.pagePtrs[k];
    if (pages === undefined) {
      pages = this.pagePtrs[k] = new Array<number>(this.segmentPages).fill(0);
      this.pageStamps[k] = new Array<number>(this.segmentPages).fill(0);
    }
    pages[pg] = p;
    this.pagesResident++;
    bufferCache.account(bytes);
    bufferCache.addClean(this, k, bytes, pg);
    bufferCache.stats.pageFaults++;
    bufferCache.stats.readBytes += bytes;
    return p;
  }

  /**
   * Frees the pages of segment `k` read alone (all, or only those not pinned in the running
   * statement when `keepPinned`): they are clean copies of its file.
   */
  private freePages(k: number, keepPinned: boolean): void {
    const pages = this.pagePtrs[k];
    if (pages === undefined) return;
    const stamps = this.pageStamps[k]!;
    const bytes = this.pageBytes;
    let left = 0;
    for (let pg = 0; pg < pages.length; pg++) {
      const p = pages[pg]!;
      if (p === 0) continue;
      if (keepPinned && (this.holds > 0 || stamps[pg] === bufferCache.epoch)) {
        left++;
        continue;
      }
      this.space.free(p, bytes);
      pages[pg] = 0;
      this.pagesResident--;
      bufferCache.account(-bytes);
      bufferCache.forgetClean(bytes);
    }
    if (left === 0) {
      this.pagePtrs[k] = undefined;
      this.pageStamps[k] = undefined;
    }
  }

  /**
   * {@link ptr} for an exact scan that streams over the rows in order and uses each address
   * at once (one kernel call): an evicted segment is read whole (one sequential read), and
   * only the segment the scan is on is pinned, so a scan of more segments than the cache holds
   * evicts behind itself. The address is valid until the next call of ptr, ptrRow or ptrStream
   * on any cached store.
   */
  ptrStream(rowId: number): number {
    const k = rowId >>> this.shift;
    let s = this.segments[k]!;
    if (this.cached) {
      this.streamSeg = k;
      this.streamEpoch = bufferCache.epoch;
      if (s < 0) s = this.fault(k, true);
    }
    return s + (rowId & this.mask) * this.rowBytes;
  }

  /** Bytes of a full segment. */
  get segmentBytes(): number {
    return this.segmentRows * this.rowBytes;
  }

  /**
   * Reads evicted segment `k` back from its file into a new block (evicting others first when
   * the cache is full); `scan`: for a scan (the cache evicts it first).
   * @throws PgError XX001 for a damaged file, 53200, mapped I/O errors; the segment stays
   *   evicted then.
   */
  private fault(k: number, scan: boolean): number {
    const file = this.files[k] ?? null;
    const source = this.source;
    assert(this.segments[k] === -1 && file !== null && source !== null, 'an evicted segment has a file');
    const bytes = this.segmentBytes;
    // Its pages read alone are copies of what comes in now: only the pinned ones stay (views
    // of them may be held), for the clock to evict once the statement ends.
    this.freePages(k, true);
    this.lastPageRead = k * this.segmentPages + this.segmentPages - 1;
    bufferCache.makeRoom(bytes);
    const p = this.space.alloc(bytes, this.use);
    try {
      readSegmentFile(source, file, this.space.memoryOf(p).u8(), p >>> 0, bytes);
    } catch (e) {
      this.space.free(p, bytes);
      throw e;
    }
    this.segments[k] = p;
    bufferCache.account(bytes);
    bufferCache.addClean(this, k, bytes, -1, scan);
    bufferCache.stats.faults++;
    bufferCache.stats.readBytes += bytes;
    return p;
  }

  /**
   * True when segment `k` is resident and a completed checkpoint's file holds it; with `page`
   * >= 0, when that page of it is resident alone (a page read alone is always clean).
   */
  isClean(k: number, page = -1): boolean {
    if (page >= 0) {
      const pages = this.pagePtrs[k];
      return pages !== undefined && pages[page]! > 0;
    }
    const p = this.segments[k];
    return p !== undefined && p > 0 && (this.files[k] ?? null) !== null;
  }

  /** True when segment `k` (or its page `page` read alone) must not be evicted in statement `epoch` (see buffer_cache.ts). */
  isPinned(k: number, epoch: number, page = -1): boolean {
    if (this.holds > 0) return true;
    if (page >= 0) return this.pageStamps[k]?.[page] === epoch;
    return this.stamps[k] === epoch || (this.streamSeg === k && this.streamEpoch === epoch);
  }

  /**
   * Scans running off the event loop that read every segment by address
   * (exec/parallel_knn_async.ts): while any holds the store, none of its segments is evicted,
   * whatever statements run meanwhile. {@link hold} after {@link pinResident} returned true;
   * {@link unhold} once the scan's participants stopped.
   */
  private holds = 0;

  hold(): void {
    this.holds++;
  }

  unhold(): void {
    this.holds--;
  }

  /**
   * For a scan that hands the segment addresses to other threads (exec/parallel_knn_leader.ts):
   * pins every segment until the running statement ends and returns true when all are resident;
   * false (nothing pinned) when one is evicted (the caller then scans serially, streaming).
   */
  pinResident(): boolean {
    if (!this.cached) return true;
    for (let k = 0; k < this.segments.length; k++) if (this.segments[k]! < 0) return false;
    for (let k = 0; k < this.segments.length; k++) this.stamps[k] = bufferCache.epoch;
    return true;
  }

  /** Buffer cache only: frees clean segment `k` (or its page `page` read alone); returns its bytes. */
  evict(k: number, page = -1): number {
    assert(this.isClean(k, page), 'only a clean segment is evicted');
    if (page >= 0) {
      const bytes = this.pageBytes;
      const pages = this.pagePtrs[k]!;
      this.space.free(pages[page]!, bytes);
      pages[page] = 0;
      this.pagesResident--;
      bufferCache.account(-bytes);
      bufferCache.forgetClean(bytes);
      return bytes;
    }
    const bytes = this.segmentBytes;
    this.space.free(this.segments[k]!, bytes);
    this.segments[k] = -1;
    bufferCache.account(-bytes);
    bufferCache.forgetClean(bytes);
    return bytes;
  }

  /** Full segments whose rows are all written when the table has `slots` rows (the ones a file may hold). */
  completeSegments(slots: number): number {
    return Math.min(this.segments.length, Math.floor(slots / this.segmentRows));
  }

  /** The segment file holding segment `k`: a completed checkpoint's, or the running one's; else null. */
  fileOf(k: number): string | null {
    return this.files[k] ?? this.pendingFiles.get(k) ?? null;
  }

  /**
   * The checkpoint that wrote {@link pendingFiles} is in force: they become the segments' files,
   * and resident ones clean (evictable).
   */
  installFiles(source: SegmentFiles): void {
    this.source = source;
    for (const [k, f] of this.pendingFiles) {
      const wasClean = this.isClean(k);
      this.files[k] = f;
      if (!wasClean && this.isClean(k)) bufferCache.addClean(this, k, this.segmentBytes);
    }
    this.pendingFiles.clear();
  }

  /**
   * Recovery: row `rowId`'s segment is held by a segment file (a delta carries the row without
   * its bytes): a resident copy (rows a base file held) is freed and the segment marked
   * evicted; {@link files} must name its file before anything reads it.
   */
  evictForFile(rowId: number): void {
    const k = rowId >>> this.shift;
    if (k < this.segments.length) {
      const p = this.segments[k]!;
      if (p > 0) {
        const bytes = k === 0 ? this.firstRows * this.rowBytes : this.segmentBytes;
        this.space.free(p, bytes);
        if (this.cached) bufferCache.account(-bytes);
        this.segments[k] = -1;
        if (k === 0) this.firstRows = this.segmentRows;
      }
      return;
    }
    assert(k === this.segments.length, 'segments are restored in order');
    assert(k === 0 || this.firstRows === this.segmentRows, 'segments before a filed one are full');
    if (k === 0) this.firstRows = this.segmentRows;
    this.segments.push(-1);
  }

  /**
   * Recovery: room for rows 0 .. `slots - 1` as a base file describes them: the segments in
   * `filed` are evicted (their files hold them), the others allocated.
   * @throws PgError 53200 when the memories cannot hold them.
   */
  restore(slots: number, filed: ReadonlySet<number>): void {
    if (slots === 0) return;
    const last = (slots - 1) >>> this.shift;
    for (let k = 0; k <= last; k++) {
      if (filed.has(k)) this.evictForFile(k * this.segmentRows);
      else this.reserve(Math.min(slots - 1, (k + 1) * this.segmentRows - 1), 0, []);
    }
  }

  /** Rows there is room for without allocating. */
  get capacityRows(): number {
    return this.segments.length <= 1 ? this.firstRows : this.segments.length * this.segmentRows;
  }

  /**
   * Makes room for rows 0 .. `rowId`. A first segment that moved pushes its old block
   * (pointer, bytes) onto `retired`: the caller frees it with {@link freeRetired} once the row
   * is written. Rows 0 .. `copyRows - 1` are copied into a moved first segment.
   * @throws PgError 53200 when the space cannot hold a new segment; nothing changes then.
   */
  reserve(rowId: number, copyRows: number, retired: number[]): void {
    if (rowId < this.capacityRows) return;
    if (rowId < this.segmentRows) {
      // Grow the first segment to the next power of two of rows that holds rowId.
      let rows = Math.max(this.firstRows, floorPow2(Math.max(1, Math.floor(FIRST_SEGMENT_BYTES / this.rowBytes))));
      while (rows <= rowId) rows *= 2;
      rows = Math.min(rows, this.segmentRows);
      const ptr = this.space.alloc(rows * this.rowBytes, this.use);
      if (this.cached) bufferCache.account(rows * this.rowBytes - this.firstRows * this.rowBytes);
      if (this.segments.length > 0) {
        const old = this.segments[0]!;
        const n = Math.min(copyRows, this.firstRows) * this.rowBytes;
        // The new block may be in another memory than the old one.
        const from = this.space.memoryOf(old).u8();
        if (n > 0) this.space.memoryOf(ptr).u8().set(from.subarray(old >>> 0, (old >>> 0) + n), ptr >>> 0);
        retired.push(old, this.firstRows * this.rowBytes);
        this.segments[0] = ptr;
      } else this.segments.push(ptr);
      this.firstRows = rows;
      return;
    }
    // Past the first segment: it must be full first, then whole segments.
    if (this.firstRows < this.segmentRows) this.reserve(this.segmentRows - 1, copyRows, retired);
    const seg = rowId >>> this.shift;
    while (this.segments.length <= seg) {
      this.segments.push(this.space.alloc(this.segmentBytes, this.use));
      if (this.cached) bufferCache.account(this.segmentBytes);
    }
  }

  /** Frees the blocks {@link reserve} retired (of stores in `space`). */
  static freeRetired(space: Space, retired: number[]): void {
    for (let i = 0; i < retired.length; i += 2) space.free(retired[i]!, retired[i + 1]!);
    retired.length = 0;
  }

  /**
   * Releases full segment `k` (its rows are all dead and below the table's row count). Later
   * {@link forEachRun} calls pass 0 as its pointer.
   */
  releaseSegment(k: number): void {
    const p = this.segments[k]!;
    if (p === 0 || (k === 0 && this.firstRows < this.segmentRows)) return;
    this.segments[k] = 0;
    if (p < 0) {
      // Evicted: only pages read alone may be resident.
      this.freePages(k, false);
      return;
    }
    if (this.cached) {
      bufferCache.account(-this.segmentBytes);
      if ((this.files[k] ?? null) !== null) bufferCache.forgetClean(this.segmentBytes);
    }
    this.space.free(p, this.segmentBytes);
  }

  /**
   * Calls `fn(ptr, rows)` for each run of contiguous rows among rows 0 .. `rows - 1`, in order
   * (one per segment, so in one memory; ptr its address, 0 for a released segment, -1 for an
   * evicted one): what a checkpoint writes.
   */
  forEachRun(rows: number, fn: (ptr: number, rows: number) => void): void {
    for (let seg = 0, first = 0; first < rows; seg++, first += this.segmentRows) {
      fn(this.segments[seg]!, Math.min(this.segmentRows, rows - first));
    }
  }

  /** Bytes of the rows held, resident or in segment files (released segments excluded). */
  sizeBytes(): number {
    let bytes = 0;
    for (let k = 0; k < this.segments.length; k++) {
      if (this.segments[k] !== 0) bytes += (k === 0 ? this.firstRows : this.segmentRows) * this.rowBytes;
    }
    return bytes;
  }

  /** Bytes of the segments (and pages read alone) resident in memories. */
  residentBytes(): number {
    let bytes = 0;
    for (let k = 0; k < this.segments.length; k++) {
      if (this.segments[k]! > 0) bytes += (k === 0 ? this.firstRows : this.segmentRows) * this.rowBytes;
    }
    return bytes + this.pagesResident * this.pageBytes;
  }

  /** Releases every segment (the segment files are the checkpoint's: it deletes them once unnamed). */
  dispose(): void {
    for (let i = 0; i < this.segments.length; i++) {
      const p = this.segments[i]!;
      if (p <= 0) continue;
      const bytes = (i === 0 ? this.firstRows : this.segmentRows) * this.rowBytes;
      this.space.free(p, bytes);
      if (this.cached) {
        bufferCache.account(-bytes);
        if ((this.files[i] ?? null) !== null) bufferCache.forgetClean(bytes);
      }
    }
    for (let k = 0; k < this.pagePtrs.length; k++) this.freePages(k, false);
    this.pagePtrs.length = 0;
    this.pageStamps.length = 0;
    this.pageIndex.length = 0;
    this.lastPageRead = -2;
    this.segments.length = 0;
    this.files.length = 0;
    this.pendingFiles.clear();
    this.stamps.length = 0;
    this.firstRows = 0;
  }
}

/**
 * Releases every full segment of `store` whose rows (all below `slots`) are dead, and marks
 * their rows NULL in `nulls`: what VACUUM gives back of a table's fixed-width rows.
 */
export function releaseDeadSegments(store: SegmentedRows, slots: number, isDead: (r: number) => boolean, nulls: Uint8Array): void {
  const rows = store.segmentRows;
  for (let k = 0; (k + 1) * rows <= slots && k < store.segments.length; k++) {
    if (store.segments[k] === 0) continue;
    let allDead = true;
    for (let r = k * rows; r < (k + 1) * rows; r++) {
      if (!isDead(r)) {
        allDead = false;
        break;
      }
    }
    if (allDead) {
      store.releaseSegment(k);
      // Its rows read as NULL from now on, so no accessor computes a pointer into it.
      nulls.fill(1, k * rows, (k + 1) * rows);
    }
  }
}
