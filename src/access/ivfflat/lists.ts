/**
 * The inverted lists of one IVFFlat index (pgvector keeps them in list pages behind a
 * metapage and one list page of centers; here they are flat blocks):
 *
 *   centers   one block in the index's first memory ({@link IvfLists.arena}), lists x
 *             vecBytes, center c at centersPtr + c * vecBytes
 *   list l    one block per list, in any of the index's memories ({@link IvfLists.arenaOf}),
 *             capacity cap[l] entries:
 *               cap x vecBytes      the entries' vectors: dim float32 (normalized for
 *                                   cosine), or for bit_hamming_ops the packed bits padded
 *                                   with zero bytes to a multiple of 4
 *               cap x int32         their row ids (-1 - rowId once deleted: a tombstone)
 *             `count[l]` entries are in use; a full list moves to a block twice as large
 *             (at least LIST_CAP_MIN), so a list grows in chunks and is never copied per row.
 *
 * Memories: one WebAssembly memory holds at most 4 GiB (kernels/memories.ts), and nothing in a
 * list points into another block, so an index larger than one memory keeps each list whole in
 * whichever of its memories has room ({@link IvfLists.arenas}: the first one, chosen with
 * MemorySet.forIndex, then the ones added with MemorySet.forPartition when all were full). A
 * block goes to the list's own memory if it has room, else to the first of the index's
 * memories that has, else to a new memory, as long as `vecgres.memory_limit` allows one
 * (else 53200 and nothing changed). A scan reads each list with the kernels of its memory
 * (scan.ts); the same rows make the same lists, byte for byte, whatever memories they lie in.
 * One list is limited to one memory.
 *
 * Changes since the last save (persist.ts saveIvfflatDelta: a checkpoint writes a delta of
 * them): per list, whether it changed at all and how many leading vectors did not move
 * ({@link unchangedVectors}: appends and tombstones leave them, VACUUM's compaction moves the
 * ones after the first tombstone; a list moved to another block or memory keeps its bytes).
 * Kept in the index's own state.
 *
 * Vectors of a list are contiguous, so a probe computes all of a list's distances with SIMD
 * range kernel calls (kernels/fast.ts l2sqRange / dotRange) where they lie.
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
  /** Per list: byte offset of its block in its memory (0 = none yet), entries in use, capacity. */
  readonly ptr: Uint32Array;
  /** Per list: its memory, as an index into {@link arenas}. */
  readonly mem: Uint16Array;
  readonly count: Int32Array;
  readonly cap: Int32Array;
  /** Entries in all lists, tombstones included. */
  total = 0;
  /** Per list: 1 when its entries or row ids changed since the last save ({@link markSaved}). */
  readonly changed: Uint8Array;
  /** Per list: leading vectors unchanged (same bytes, same place in the list) since the last save. */
  readonly unchangedVectors: Int32Array;
  private disposed = false;

  /** The memory that holds the centers and the index's scratch blocks (chosen at creation, kernels/memories.ts). */
  readonly arena: Arena;
  /** The memories this index holds, {@link arena} first; each pinned until {@link dispose}. */
  readonly arenas: Arena[];

  /**
   * @param vecBytes bytes of one vector (ivfVectorBytes: dim * 4, or the padded bits)
   * @param bytesHint the expected size of centers and lists, bytes (chooses the memory)
   * @throws PgError 53200 when the centers do not fit.
   */
  constructor(readonly lists: number, readonly vecBytes: number, bytesHint: number) {
    this.arena = memories.forIndex(bytesHint);
    this.arenas = [this.arena];
    try {
      this.centersPtr = this.arena.alloc(lists * vecBytes, USE);
    } catch (e) {
      memories.unpin(this.arena);
      throw e;
    }
    this.ptr = new Uint32Array(lists);
    this.mem = new Uint16Array(lists);
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

  /** The memory that holds list `l` (where {@link vectorPtr} and {@link rowWord} point). */
  arenaOf(l: number): Arena {
    return this.arenas[this.mem[l]!]!;
  }

  /**
   * A block of `bytes` for list `l`: in the list's own memory when it has room, else in the
   * first of the index's memories that has, else in a new memory of the index.
   * @returns the block's offset and its memory (an index into {@link arenas}).
   * @throws PgError 53200 when `vecgres.memory_limit` allows no new memory, or the block is
   *   larger than a whole memory; nothing changed then.
   */
  private place(l: number, bytes: number): { ptr: number; mem: number } {
    const own = this.mem[l]!;
    let ptr = this.arenas[own]!.tryAlloc(bytes);
    if (ptr >= 0) return { ptr, mem: own };
    for (let m = 0; m < this.arenas.length; m++) {
      if (m === own) continue;
      ptr = this.arenas[m]!.tryAlloc(bytes);
      if (ptr >= 0) return { ptr, mem: m };
    }
    assert(this.arenas.length < 0xffff, 'ivfflat memories fit a Uint16Array');
    const a = memories.forPartition(bytes, USE);
    try {
      ptr = a.alloc(bytes, USE);
    } catch (e) {
      memories.unpin(a);
      throw e;
    }
    this.arenas.push(a);
    return { ptr, mem: this.arenas.length - 1 };
  }

  /** Byte offset of list `l`'s vector `i`. */
  vectorPtr(l: number, i: number): number {
    return this.ptr[l]! + i * this.vecBytes;
  }

  /** Int32 word index (arenaOf(l).i32()) of list `l`'s first row id. */
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
    const { ptr: fresh, mem } = this.place(l, next * (this.vecBytes + 4));
    if (this.ptr[l] !== 0) this.moveEntries(l, this.arenas[mem]!, fresh, next);
    this.ptr[l] = fresh;
    this.mem[l] = mem;
    this.cap[l] = next;
  }

  /**
   * Copies list `l`'s entries to the block of `cap` entries at `fresh` in memory `to` (the
   * same memory or another) and frees its old block; the caller then points the list there.
   */
  private moveEntries(l: number, to: Arena, fresh: number, cap: number): void {
    const dimBytes = this.vecBytes;
    const from = this.arenaOf(l);
    const old = this.ptr[l]!;
    const oldCap = this.cap[l]!;
    const n = this.count[l]!;
    const rows = (old + oldCap * dimBytes) >>> 2;
    const dst = (fresh + cap * dimBytes) >>> 2;
    if (from === to) {
      to.u8().copyWithin(fresh, old, old + n * dimBytes);
      to.i32().copyWithin(dst, rows, rows + n);
    } else {
      to.u8().set(from.u8().subarray(old, old + n * dimBytes), fresh);
      to.i32().set(from.i32().subarray(rows, rows + n), dst);
    }
    from.free(old, oldCap * (dimBytes + 4));
  }

  /**
   * Gives the empty list `l` a block of exactly `entries` entries (none for 0): a build that
   * knows every list's size allocates each once.
   * @throws PgError 53200 when it does not fit (the list stays empty).
   */
  reserveExact(l: number, entries: number): void {
    assert(this.count[l] === 0 && this.ptr[l] === 0, 'ivfflat reserveExact on a list in use');
    if (entries === 0) return;
    const { ptr, mem } = this.place(l, entries * (this.vecBytes + 4));
    this.ptr[l] = ptr;
    this.mem[l] = mem;
    this.cap[l] = entries;
  }

  /**
   * Appends `rowId` to list `l` whose vector the caller has already written at
   * {@link vectorPtr}(l, count[l]) of {@link arenaOf}(l); room must be reserved.
   */
  appendWritten(l: number, rowId: number): void {
    const n = this.count[l]!;
    assert(n < this.cap[l]!, 'ivfflat list append without room');
    this.arenaOf(l).i32()[this.rowWord(l) + n] = rowId;
    this.count[l] = n + 1;
    this.total++;
    this.touch(l, n);
  }

  /**
   * Appends (`rowId`, the vector of vecBytes at byte offset `vecPtr` of {@link arena}, the
   * index's first memory) to list `l`, in whichever memory holds it; room must be reserved.
   */
  append(l: number, rowId: number, vecPtr: number): void {
    const n = this.count[l]!;
    assert(n < this.cap[l]!, 'ivfflat list append without room');
    const to = this.arenaOf(l);
    if (to === this.arena) to.u8().copyWithin(this.vectorPtr(l, n), vecPtr, vecPtr + this.vecBytes);
    else to.u8().set(this.arena.u8().subarray(vecPtr, vecPtr + this.vecBytes), this.vectorPtr(l, n));
    to.i32()[this.rowWord(l) + n] = rowId;
    this.count[l] = n + 1;
    this.total++;
    this.touch(l, n);
  }

  /**
   * Moves every list whose block has unused room to a block of exactly its entries (after a
   * build, whose lists grew by doubling), so the index holds no slack until rows are inserted.
   * A list stays in its memory; one that cannot be moved there keeps its larger block.
   */
  shrinkToFit(): void {
    for (let l = 0; l < this.lists; l++) {
      const n = this.count[l]!;
      if (n === this.cap[l]! || n === 0) continue;
      const a = this.arenaOf(l);
      const fresh = a.tryAlloc(n * (this.vecBytes + 4));
      if (fresh < 0) continue;
      this.moveEntries(l, a, fresh, n);
      this.ptr[l] = fresh;
      this.cap[l] = n;
    }
  }

  /** Marks `rowId`'s entry in list `l` deleted; false when it is not there. */
  tombstone(l: number, rowId: number): boolean {
    const i32 = this.arenaOf(l).i32();
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
      const a = this.arenaOf(l);
      const i32 = a.i32();
      const u8 = a.u8();
      let out = 0;
      for (let i = 0; i < n; i++) {
        const r = i32[w + i]!;
        if (r < 0) continue;
        if (out !== i) {
          u8.copyWithin(base + out * dimBytes, base + i * dimBytes, base + (i + 1) * dimBytes);
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
      if (this.ptr[l] !== 0) this.arenaOf(l).free(this.ptr[l]!, this.cap[l]! * this.entryBytes);
      this.ptr[l] = 0;
      this.mem[l] = 0;
      this.cap[l] = 0;
      this.count[l] = 0;
    }
    this.arena.free(this.centersPtr, this.lists * this.vecBytes);
    for (const a of this.arenas) memories.unpin(a);
  }
}
