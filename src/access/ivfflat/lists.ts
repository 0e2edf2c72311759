/**
 * The inverted lists of one IVFFlat index, in the arena (pgvector keeps them in list pages
 * behind a metapage and one list page of centers; here they are flat blocks):
 *
 *   centers   one block, lists x vecBytes, center c at centersPtr + c * vecBytes
 *   list l    one block per list, capacity cap[l] entries:
 *               cap x vecBytes      the entries' vectors: dim float32 (normalized for
 *                                   cosine), or for bit_hamming_ops the packed bits padded
 *                                   with zero bytes to a multiple of 4
 *               cap x int32         their row ids (-1 - rowId once deleted: a tombstone)
 *             `count[l]` entries are in use; a full list moves to a block twice as large
 *             (at least LIST_CAP_MIN), so a list grows in chunks and is never copied per row.
 *
 * Changes since the last save (persist.ts saveIvfflatDelta: a checkpoint writes a delta of
 * them): per list, whether it changed at all and how many leading vectors did not move
 * ({@link unchangedVectors}: appends and tombstones leave them, VACUUM's compaction moves the
 * ones after the first tombstone). Kept in the index's own state.
 *
 * Vectors of a list are contiguous, so a probe computes all of a list's distances with one
 * SIMD range kernel call (kernels/fast.ts l2sqRange / dotRange) where they lie.
 */
import { assert } from '../../common/assert.js';
import type { Arena } from '../../kernels/arena.js';
import { memories } from '../../kernels/memories.js';

/** Entries of a list's first block. */
export const LIST_CAP_MIN = 16;

const USE = 'IVFFlat lists';

export class IvfLists {
  /** Byte offset of the centers block. */
  readonly centersPtr: number;
  /** Per list: byte offset of its block (0 = none yet), entries in use, capacity. */
  readonly ptr: Uint32Array;
  readonly count: Int32Array;
  readonly cap: Int32Array;
  /** Entries in all lists, tombstones included. */
  total = 0;
  /** Per list: 1 when its entries or row ids changed since the last save ({@link markSaved}). */
  readonly changed: Uint8Array;
  /** Per list: leading vectors unchanged (same bytes, same place in the list) since the last save. */
  readonly unchangedVectors: Int32Array;
  private disposed = false;

  /** The memory that holds the centers and every list (chosen at creation, kernels/memories.ts). */
  readonly arena: Arena;

  /**
   * @param vecBytes bytes of one vector (ivfVectorBytes: dim * 4, or the padded bits)
   * @param bytesHint the expected size of centers and lists, bytes (chooses the memory)
   * @throws PgError 53200 when the centers do not fit.
   */
  constructor(readonly lists: number, readonly vecBytes: number, bytesHint: number) {
    this.arena = memories.forIndex(bytesHint);
    try {
      this.centersPtr = this.arena.alloc(lists * vecBytes, USE);
    } catch (e) {
      memories.unpin(this.arena);
      throw e;
    }
    this.ptr = new Uint32Array(lists);
    this.count = new Int32Array(lists);
    this.cap = new Int32Array(lists);
    this.changed = new Uint8Array(lists);
    this.unchangedVectors = new Int32Array(lists);
  }

  /** The lists were saved (or loaded): nothing has changed since. */
  markSaved(): void {
    this.changed.fill(0);
    this.unchangedVectors.set(this.count);
  }

  /** Records a write of list `l`'s vectors from entry `i` on (i = count: row ids only). */
  private touch(l: number, i: number): void {
    this.changed[l] = 1;
    if (i < this.unchangedVectors[l]!) this.unchangedVectors[l] = i;
  }

  /** Bytes of one entry (vector + row id). */
  get entryBytes(): number {
    return this.vecBytes + 4;
  }

  /** Byte offset of list `l`'s vector `i`. */
  vectorPtr(l: number, i: number): number {
    return this.ptr[l]! + i * this.vecBytes;
  }

  /** Int32 word index (arena.i32()) of list `l`'s first row id. */
  rowWord(l: number): number {
    return (this.ptr[l]! + this.cap[l]! * this.vecBytes) >>> 2;
  }

  /**
   * Makes room for `extra` more entries in list `l` (moving it to a larger block), before
   * anything is written, so an out-of-memory error (53200) leaves the list as it was.
   */
  reserve(l: number, extra: number): void {
    const need = this.count[l]! + extra;
    const cap = this.cap[l]!;
    if (need <= cap) return;
    let next = Math.max(LIST_CAP_MIN, cap * 2);
    while (next < need) next *= 2;
    const dimBytes = this.vecBytes;
    const fresh = this.arena.alloc(next * (dimBytes + 4), USE);
    const old = this.ptr[l]!;
    const n = this.count[l]!;
    if (old !== 0) {
      const u8 = this.arena.u8();
      u8.copyWithin(fresh, old, old + n * dimBytes);
      const i32 = this.arena.i32();
      const from = (old + cap * dimBytes) >>> 2;
      i32.copyWithin((fresh + next * dimBytes) >>> 2, from, from + n);
      this.arena.free(old, cap * (dimBytes + 4));
    }
    this.ptr[l] = fresh;
    this.cap[l] = next;
  }

  /**
   * Gives the empty list `l` a block of exactly `entries` entries (none for 0): a build that
   * knows every list's size allocates each once.
   * @throws PgError 53200 when it does not fit (the list stays empty).
   */
  reserveExact(l: number, entries: number): void {
    assert(this.count[l] === 0 && this.ptr[l] === 0, 'ivfflat reserveExact on a list in use');
    if (entries === 0) return;
    this.ptr[l] = this.arena.alloc(entries * (this.vecBytes + 4), USE);
    this.cap[l] = entries;
  }

  /**
   * Appends `rowId` to list `l` whose vector the caller has already written at
   * {@link vectorPtr}(l, count[l]); room must be reserved.
   */
  appendWritten(l: number, rowId: number): void {
    const n = this.count[l]!;
    assert(n < this.cap[l]!, 'ivfflat list append without room');
    this.arena.i32()[this.rowWord(l) + n] = rowId;
    this.count[l] = n + 1;
    this.total++;
    this.touch(l, n);
  }

  /** Appends (`rowId`, the vector of vecBytes at arena byte offset `vecPtr`) to list `l`; room must be reserved. */
  append(l: number, rowId: number, vecPtr: number): void {
    const n = this.count[l]!;
    assert(n < this.cap[l]!, 'ivfflat list append without room');
    this.arena.u8().copyWithin(this.vectorPtr(l, n), vecPtr, vecPtr + this.vecBytes);
    this.arena.i32()[this.rowWord(l) + n] = rowId;
    this.count[l] = n + 1;
    this.total++;
    this.touch(l, n);
  }

  /**
   * Moves every list whose block has unused room to a block of exactly its entries (after a
   * build, whose lists grew by doubling), so the index holds no slack until rows are inserted.
   * A list that cannot be moved (53200) keeps its larger block.
   */
  shrinkToFit(): void {
    const dimBytes = this.vecBytes;
    for (let l = 0; l < this.lists; l++) {
      const n = this.count[l]!;
      const cap = this.cap[l]!;
      if (n === cap || n === 0) continue;
      let fresh: number;
      try {
        fresh = this.arena.alloc(n * (dimBytes + 4), USE);
      } catch {
        continue;
      }
      const old = this.ptr[l]!;
      this.arena.u8().copyWithin(fresh, old, old + n * dimBytes);
      const from = (old + cap * dimBytes) >>> 2;
      this.arena.i32().copyWithin((fresh + n * dimBytes) >>> 2, from, from + n);
      this.arena.free(old, cap * (dimBytes + 4));
      this.ptr[l] = fresh;
      this.cap[l] = n;
    }
  }

  /** Marks `rowId`'s entry in list `l` deleted; false when it is not there. */
  tombstone(l: number, rowId: number): boolean {
    const i32 = this.arena.i32();
    const w = this.rowWord(l);
    const n = this.count[l]!;
    for (let i = 0; i < n; i++) {
      if (i32[w + i] === rowId) {
        i32[w + i] = -1 - rowId;
        this.touch(l, n);
        return true;
      }
    }
    return false;
  }

  /** Removes the tombstones of every list, keeping entry order. Returns how many went. */
  compact(): number {
    const dimBytes = this.vecBytes;
    let removed = 0;
    for (let l = 0; l < this.lists; l++) {
      const n = this.count[l]!;
      if (n === 0) continue;
      const w = this.rowWord(l);
      const base = this.ptr[l]!;
      let out = 0;
      for (let i = 0; i < n; i++) {
        const i32 = this.arena.i32();
        const r = i32[w + i]!;
        if (r < 0) continue;
        if (out !== i) {
          this.arena.u8().copyWithin(base + out * dimBytes, base + i * dimBytes, base + (i + 1) * dimBytes);
          i32[w + out] = r;
          this.touch(l, out);
        }
        out++;
      }
      removed += n - out;
      if (out !== n) this.touch(l, out);
      this.count[l] = out;
    }
    this.total -= removed;
    return removed;
  }

  /** Bytes the centers and list blocks occupy. */
  sizeBytes(): number {
    let b = this.lists * this.vecBytes;
    for (let l = 0; l < this.lists; l++) b += this.cap[l]! * this.entryBytes;
    return b;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (let l = 0; l < this.lists; l++) {
      if (this.ptr[l] !== 0) this.arena.free(this.ptr[l]!, this.cap[l]! * this.entryBytes);
      this.ptr[l] = 0;
      this.cap[l] = 0;
      this.count[l] = 0;
    }
    this.arena.free(this.centersPtr, this.lists * this.vecBytes);
    memories.unpin(this.arena);
  }
}
