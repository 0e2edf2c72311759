/**
 * The buffer cache (PostgreSQL's `shared_buffers`): which full segments of tables' `vector(n)`
 * columns are resident in the memories, and which are evicted to their segment files.
 *
 * A segment (storage/segments.ts) of a cached store is in one of these states:
 *
 *   dirty     resident, no segment file holds it (the growing tail, or a full segment written
 *             since the last checkpoint): never evicted, so no data page is ever written outside
 *             a checkpoint and WAL replay over the checkpoint stays as it was
 *   clean     resident, and a segment file of a completed checkpoint holds exactly its bytes
 *             (a full segment never changes: rows are appended, an UPDATE appends a version)
 *   evicted   pointer -1, its bytes only in its file; a read faults it back in, checking the
 *             file's CRCs (XX001 naming the file), at one of two granularities:
 *               - whole (4 MiB), for an exact scan ({@link SegmentedRows.ptrStream}) and for
 *                 reads that step from one page to the next (a scan by row reads)
 *               - one page (about 16 KiB of whole rows, storage/segments.ts), for a random
 *                 row: an UPDATE's old row, a row fetched by an index scan or a lookup, a result
 *                 row of an exact scan; the page lives in its own block while the segment
 *                 stays evicted, and a later whole read of the segment drops its copies
 *   released  pointer 0 (VACUUM: every row dead); never read again
 *
 * Eviction is a clock sweep over the clean resident segments and pages: when the resident bytes
 * of cached segments and pages pass {@link BufferCache.limitBytes} at a fault, and when an
 * allocation of the memories would fail with 53200 (memories.ts `reclaim`, then the allocation
 * is retried). A segment or page is pinned, never evicted, while
 *
 *   - it was read through {@link SegmentedRows.ptr} in the running statement: `ptr` stamps the
 *     segment (or page) with the statement's {@link BufferCache.epoch}, so every view of a
 *     vector a statement holds stays valid until it ends;
 *   - an exact scan streams over it ({@link SegmentedRows.ptrStream}): only the segment the scan
 *     is on, so a scan of a table larger than the cache evicts behind itself.
 *
 * Reads that copy a row at once ({@link SegmentedRows.ptrRow}: the values a statement returns)
 * pin nothing.
 *
 * The cache is one per process, as the memories are: `shared_buffers` bounds the resident
 * vector segments of every open database. Dirty segments count against it but cannot be
 * evicted: a checkpoint makes them clean (engine/database.ts asks for one when the dirty bytes
 * grew by a quarter of the cache since the last, PostgreSQL's max_wal_size in spirit).
 */
import { assert } from '../common/assert.js';
import { memories } from '../kernels/memories.js';
import type { SegmentedRows } from './segments.js';

export { KIND_SEGMENT, type SegmentFiles } from './segment_file.js';

/** Counters of the cache (for tests, EXPLAIN-free monitoring and the scale benchmark). */
export interface BufferCacheStats {
  /** Whole segments read back from their files. */
  faults: number;
  /** Single pages read back from their segment files (a random row's read). */
  pageFaults: number;
  /** Segments and pages evicted. */
  evictions: number;
  /** Bytes read from segment files (whole segments and pages). */
  readBytes: number;
}

export class BufferCache {
  /** Cap on the resident bytes of cached segments (`shared_buffers`, bytes). */
  limitBytes = Number.MAX_SAFE_INTEGER;
  /** Bytes of cached stores' segments resident in the memories (dirty and clean). */
  residentBytes = 0;
  /** Of {@link residentBytes}, those of clean segments (a file holds them). */
  cleanBytes = 0;
  /** The running statement: segments stamped with it are pinned (see the module comment). */
  epoch = 1;
  /** Highest {@link residentBytes} seen (the benchmark prints it against the limit). */
  peakResidentBytes = 0;
  readonly stats: BufferCacheStats = { faults: 0, pageFaults: 0, evictions: 0, readBytes: 0 };
  /** Clean resident segments and pages read for random rows (and segments of no scan). */
  private readonly main = new Clock();
  /**
   * Clean resident segments that scans read whole: evicted before anything in {@link main}, so
   * a scan of a table larger than the cache recycles its own segments instead of flushing the
   * pages random reads keep coming back to (PostgreSQL's ring buffer for bulk reads); and the
   * newest first (most recently used), because scans repeat in the same order: evicting the
   * oldest would evict each segment just before the next scan needs it, so every scan would
   * read the whole table, while evicting the newest keeps a stable part resident (measured on
   * 146.5 MiB with a 64 MB cache: 144 MiB read per exact query oldest-first, 92.8 MiB newest-first).
   */
  private readonly ring = new Clock();

  /** Starts a statement: segments read by the previous ones may be evicted from now on. */
  nextStatement(): void {
    this.epoch++;
  }

  /** Bytes of resident segments no file holds (what a checkpoint would make clean). */
  get dirtyBytes(): number {
    return this.residentBytes - this.cleanBytes;
  }

  /** A cached store allocated (`bytes` > 0) or freed (< 0) segment bytes. */
  account(bytes: number): void {
    this.residentBytes += bytes;
    if (this.residentBytes > this.peakResidentBytes) this.peakResidentBytes = this.residentBytes;
  }

  /**
   * Segment `k` of `store` (or only its page `page`, when >= 0) became clean and resident: a
   * candidate for eviction from now on; `scan`: a scan read it whole (evicted first).
   */
  addClean(store: SegmentedRows, k: number, bytes: number, page = -1, scan = false): void {
    this.cleanBytes += bytes;
    (scan ? this.ring : this.main).push(store, k, page);
  }

  /** A clean segment stopped being resident or clean (evicted, released, dropped). */
  forgetClean(bytes: number): void {
    this.cleanBytes -= bytes;
    assert(this.cleanBytes >= 0, 'clean bytes stay non-negative');
  }

  /**
   * Evicts clean, unpinned segments and pages until `bytes` more fit under {@link limitBytes}
   * (or none is left to evict): called before a segment or page is faulted in.
   */
  makeRoom(bytes: number): void {
    while (this.residentBytes + bytes > this.limitBytes && this.evictOne()) {
      // one more evicted
    }
  }

  /**
   * Evicts clean, unpinned segments until at least `bytes` were freed (an allocation of the
   * memories failed). Returns true when anything was freed (the allocation is then retried).
   */
  reclaim(bytes: number): boolean {
    let freed = 0;
    while (freed < bytes) {
      const n = this.evictOne();
      if (n === 0) break;
      freed += n;
    }
    return freed > 0;
  }

  /** Evicts down to {@link limitBytes} (after a checkpoint made segments clean). */
  trim(): void {
    this.makeRoom(0);
  }

  /** Evicts one clean segment or page that is not pinned (scans' first); returns its bytes, or 0 when none can be. */
  private evictOne(): number {
    const n = this.ring.evictNewest(this.epoch) || this.main.evictOne(this.epoch);
    if (n > 0) this.stats.evictions++;
    return n;
  }
}

/**
 * Eviction candidates in the order they became clean: a clock without reference bits, so first
 * in, first out, skipping pinned ones; entries no longer clean are dropped when the hand meets
 * them. Removal leaves a hole (squeezed out later) so the others keep their order: a page just
 * read must not take the place of the next victim.
 */
class Clock {
  private stores: (SegmentedRows | null)[] = [];
  private segs: number[] = [];
  private pages: number[] = [];
  private hand = 0;
  private holes = 0;

  push(store: SegmentedRows, k: number, page: number): void {
    this.stores.push(store);
    this.segs.push(k);
    this.pages.push(page);
  }

  /** Evicts the first clean entry not pinned in statement `epoch` from the hand on; its bytes, or 0. */
  evictOne(epoch: number): number {
    let n = this.stores.length;
    let freed = 0;
    while (n-- > 0) {
      if (this.hand >= this.stores.length) this.hand = 0;
      const got = this.tryEvict(this.hand++, epoch);
      if (got < 0) continue;
      freed = got;
      break;
    }
    this.compact();
    return freed;
  }

  /**
   * Entry i as an eviction candidate: a gone or dirty entry leaves the clock (dirty segments
   * cannot be evicted; see the module comment), a pinned one stays; otherwise it is evicted.
   * The bytes freed, or -1 when nothing was evicted.
   */
  private tryEvict(i: number, epoch: number): number {
    const store = this.stores[i];
    if (store === null || store === undefined) return -1;
    const k = this.segs[i]!;
    const page = this.pages[i]!;
    if (!store.isClean(k, page)) {
      this.drop(i);
      return -1;
    }
    if (store.isPinned(k, epoch, page)) return -1;
    this.drop(i);
    return store.evict(k, page);
  }

  private drop(i: number): void {
    this.stores[i] = null;
    this.holes++;
  }

  /**
   * Evicts the newest clean entry not pinned in statement `epoch` (most recently used first:
   * the order for segments of repeated scans); its bytes, or 0.
   */
  evictNewest(epoch: number): number {
    let freed = 0;
    for (let i = this.stores.length - 1; i >= 0; i--) {
      const got = this.tryEvict(i, epoch);
      if (got < 0) continue;
      freed = got;
      break;
    }
    // Holes at the end go at once (this end is where entries come and go).
    while (this.stores.length > 0 && this.stores[this.stores.length - 1] === null) {
      this.stores.pop();
      this.segs.pop();
      this.pages.pop();
      this.holes--;
    }
    this.compact();
    return freed;
  }

  /** Squeezes the holes out once they are half the clock, keeping the order and the hand's place. */
  private compact(): void {
    if (this.holes < 64 || this.holes * 2 < this.stores.length) return;
    let j = 0;
    let hand = -1;
    for (let i = 0; i < this.stores.length; i++) {
      if (i === this.hand) hand = j;
      const st = this.stores[i];
      if (st === null || st === undefined) continue;
      this.stores[j] = st;
      this.segs[j] = this.segs[i]!;
      this.pages[j] = this.pages[i]!;
      j++;
    }
    this.stores.length = this.segs.length = this.pages.length = j;
    this.hand = hand < 0 ? 0 : hand;
    this.holes = 0;
  }
}

/** The buffer cache of this process (one, as {@link memories} is). */
export const bufferCache = new BufferCache();
// An allocation that would fail with 53200 first evicts clean segments, then is retried.
memories.reclaim = (bytes: number): boolean => bufferCache.reclaim(bytes);
