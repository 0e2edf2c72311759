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
 */
import { SEGMENT_BYTES_MAX, type Space } from '../kernels/memories.js';

export { SEGMENT_BYTES_MAX };
/** Bytes the first segment starts with (rounded down to a power of two of rows, at least one). */
export const FIRST_SEGMENT_BYTES = 4096;

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
  /** Segment addresses in {@link space} (0 for a released segment). */
  readonly segments: number[] = [];
  /** Rows the first segment has room for (segmentRows once it is full). */
  private firstRows = 0;

  /**
   * @param rowBytes bytes per row (> 0)
   * @param use the memory context named in an out-of-memory error ("vector column", ...)
   * @param space where segments are allocated: the set of memories or one memory
   */
  constructor(rowBytes: number, private readonly use: string, readonly space: Space) {
    this.rowBytes = rowBytes;
    this.segmentRows = floorPow2(Math.max(1, Math.floor(space.segmentBytesMax / rowBytes)));
    this.shift = Math.log2(this.segmentRows);
    this.mask = this.segmentRows - 1;
  }

  /** Address of row `rowId` in {@link space} (which {@link reserve} made room for). */
  ptr(rowId: number): number {
    return this.segments[rowId >>> this.shift]! + (rowId & this.mask) * this.rowBytes;
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
    while (this.segments.length <= seg) this.segments.push(this.space.alloc(this.segmentRows * this.rowBytes, this.use));
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
    this.space.free(p, this.segmentRows * this.rowBytes);
    this.segments[k] = 0;
  }

  /**
   * Calls `fn(ptr, rows)` for each run of contiguous rows among rows 0 .. `rows - 1`, in order
   * (one per segment, so in one memory; ptr its address, 0 for a released segment): what a
   * checkpoint writes and an exact scan streams over.
   */
  forEachRun(rows: number, fn: (ptr: number, rows: number) => void): void {
    for (let seg = 0, first = 0; first < rows; seg++, first += this.segmentRows) {
      fn(this.segments[seg]!, Math.min(this.segmentRows, rows - first));
    }
  }

  /** Bytes held in memories. */
  sizeBytes(): number {
    let bytes = 0;
    for (let k = 0; k < this.segments.length; k++) {
      if (this.segments[k] !== 0) bytes += (k === 0 ? this.firstRows : this.segmentRows) * this.rowBytes;
    }
    return bytes;
  }

  /** Releases every segment. */
  dispose(): void {
    for (let i = 0; i < this.segments.length; i++) {
      if (this.segments[i] !== 0) this.space.free(this.segments[i]!, (i === 0 ? this.firstRows : this.segmentRows) * this.rowBytes);
    }
    this.segments.length = 0;
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
