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
 *   evicted   pointer -1, its bytes only in its file; the first read faults it back in
 *             ({@link SegmentedRows.ptr}), checking the file's CRC (XX001 naming the file)
 *   released  pointer 0 (VACUUM: every row dead); never read again
 *
 * Eviction is a clock sweep over the clean resident segments: when the resident bytes of cached
 * segments pass {@link BufferCache.limitBytes} at a fault, and when an allocation of the
 * memories would fail with 53200 (memories.ts `reclaim`, then the allocation is retried).
 * A segment is pinned, never evicted, while
 *
 *   - it was read through {@link SegmentedRows.ptr} in the running statement: `ptr` stamps the
 *     segment with the statement's {@link BufferCache.epoch}, so every view of a vector a
 *     statement holds (a projected value, an UPDATE's source row) stays valid until it ends;
 *   - an exact scan streams over it ({@link SegmentedRows.ptrStream}): only the segment the scan
 *     is on, so a scan of a table larger than the cache evicts behind itself.
 *
 * The cache is one per process, as the memories are: `shared_buffers` bounds the resident
 * vector segments of every open database. Dirty segments count against it but cannot be
 * evicted: a checkpoint makes them clean (engine/database.ts asks for one when the dirty bytes
 * grew by a quarter of the cache since the last, PostgreSQL's max_wal_size in spirit).
 */
import { assert } from '../common/assert.js';
import { memories } from '../kernels/memories.js';
import { CheckpointReader, invalidCheckpoint } from './checkpoint.js';
import { joinPath, type StorageBackend } from './fs.js';
import type { SegmentedRows } from './segments.js';

/** Checkpoint container kind of a segment file (engine/durability.ts's kinds are 16-18). */
export const KIND_SEGMENT = 19;

/** Where a store's segment files are: the data directory's checkpoint directory on a backend. */
export interface SegmentFiles {
  readonly fs: StorageBackend;
  /** The checkpoint directory (`<data dir>/base`). */
  readonly dir: string;
}

/**
 * Reads segment file `file` of `files` (a checkpoint file of kind {@link KIND_SEGMENT} whose
 * payload is the segment's rows) into `dst[off .. off + bytes)`, verifying its checksum.
 * @throws PgError XX001 `invalid checkpoint file "<path>": ...` for a damaged file (wrong
 *   size, kind or CRC); mapped I/O errors (58P01 missing, 58030 ...).
 */
export function readSegmentFile(files: SegmentFiles, file: string, dst: Uint8Array, off: number, bytes: number): void {
  const path = joinPath(files.dir, file);
  const r = CheckpointReader.open(files.fs, path, KIND_SEGMENT);
  try {
    if (r.length !== bytes) throw invalidCheckpoint(path, `segment file holds ${r.length} bytes, ${bytes} expected`);
    r.readInto(dst, off, bytes);
  } catch (e) {
    r.close();
    throw e;
  }
  r.finish();
}

/** Counters of the cache (for tests, EXPLAIN-free monitoring and the scale benchmark). */
export interface BufferCacheStats {
  /** Segments read back from their files. */
  faults: number;
  /** Segments evicted. */
  evictions: number;
  /** Bytes read from segment files. */
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
  readonly stats: BufferCacheStats = { faults: 0, evictions: 0, readBytes: 0 };
  /** Clean resident segments: store and segment number, in clock order (stale ones dropped lazily). */
  private stores: SegmentedRows[] = [];
  private segs: number[] = [];
  private hand = 0;

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

  /** Segment `k` of `store` became clean and resident: a candidate for eviction from now on. */
  addClean(store: SegmentedRows, k: number, bytes: number): void {
    this.cleanBytes += bytes;
    this.stores.push(store);
    this.segs.push(k);
  }

  /** A clean segment stopped being resident or clean (evicted, released, dropped). */
  forgetClean(bytes: number): void {
    this.cleanBytes -= bytes;
    assert(this.cleanBytes >= 0, 'clean bytes stay non-negative');
  }

  /**
   * Evicts clean, unpinned segments until `bytes` more fit under {@link limitBytes} (or none is
   * left to evict): called before a segment is faulted in.
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

  /**
   * Evicts one clean segment that is not pinned, sweeping from the clock hand; returns its
   * bytes, or 0 when none can be evicted. Entries that are no longer clean and resident are
   * dropped on the way.
   */
  private evictOne(): number {
    let n = this.stores.length;
    while (n-- > 0 && this.stores.length > 0) {
      if (this.hand >= this.stores.length) this.hand = 0;
      const store = this.stores[this.hand]!;
      const k = this.segs[this.hand]!;
      if (!store.isClean(k)) {
        this.drop(this.hand);
        continue;
      }
      if (store.isPinned(k, this.epoch)) {
        this.hand++;
        continue;
      }
      this.drop(this.hand);
      const bytes = store.evict(k);
      this.stats.evictions++;
      return bytes;
    }
    return 0;
  }

  /** Removes clock entry `i` (swap with the last: the order is a clock, not an LRU list). */
  private drop(i: number): void {
    const last = this.stores.length - 1;
    this.stores[i] = this.stores[last]!;
    this.segs[i] = this.segs[last]!;
    this.stores.pop();
    this.segs.pop();
  }
}

/** The buffer cache of this process (one, as {@link memories} is). */
export const bufferCache = new BufferCache();
// An allocation that would fail with 53200 first evicts clean segments, then is retried.
memories.reclaim = (bytes: number): boolean => bufferCache.reclaim(bytes);
