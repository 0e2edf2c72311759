/**
 * The inverted lists of one IVFFlat index (pgvector keeps them in list pages behind a
 * metapage and one list page of centers; here they are flat blocks):
 *
 *   centers   one block in the index's first memory ({@link IvfLists.arena}), lists x
 *             vecBytes, center c at centersPtr + c * vecBytes
 *   list l    a chain of chunks, each one block in any of the index's memories
 *             ({@link IvfLists.arenas}); a chunk of capacity cap entries holds
 *               cap x vecBytes      the entries' vectors: dim float32 (normalized for
 *                                   cosine), or for bit_hamming_ops the packed bits padded
 *                                   with zero bytes to a multiple of 4
 *               cap x int32         their row ids (-1 - rowId once deleted: a tombstone)
 *             `count[l]` entries are in use, filling the chunks in chain order (a chunk holds
 *             entries only when the ones before it are full).
 *
 * Almost every list is one chunk: a full list moves to a block twice as large (at least
 * LIST_CAP_MIN entries), so it grows in steps and is never copied per row, and a build gives
 * each list one block of exactly its entries. A list continues in further chunks only when its
 * next block would not fit in one memory: one WebAssembly memory holds at most 4 GiB
 * (kernels/memories.ts), and one cluster of skewed data, or `lists = 1` (which pgvector
 * allows), can hold more. Then the list keeps its blocks and adds chunks (as an HNSW graph
 * grows in chunks) of up to {@link chunkBytesMax} each, in any memory of the index, in the
 * room memories have left if need be; a list's size is bounded by `vecgres.memory_limit` only.
 *
 * Memories: nothing in a chunk points into another block, so an index keeps its chunks in
 * whichever of its memories has room (the first one, chosen with MemorySet.forIndex, then the
 * ones added with MemorySet.forPartition when all were full). A block goes to the memory of the
 * list's last chunk if it has room, else to the first of the index's memories that has, else to
 * a new memory, as long as `vecgres.memory_limit` allows one (else 53200 and nothing changed).
 * A scan reads each chunk with the kernels of its memory (scan.ts); the same rows make the
 * same lists, entry for entry, whatever chunks and memories they lie in.
 *
 * Changes since the last save (persist.ts saveIvfflatDelta: a checkpoint writes a delta of
 * them): per list, whether it changed at all and how many leading vectors did not move
 * ({@link unchangedVectors}: appends and tombstones leave them, VACUUM's compaction moves the
 * ones after the first tombstone; a list moved to another block or memory keeps its entries).
 * Kept in the index's own state.
 *
 * Vectors of a chunk are contiguous, so a probe computes a chunk's distances with SIMD range
 * kernel calls (kernels/fast.ts l2sqRange / dotRange) where they lie ({@link forEachRun}).
 */
import { assert } from '../../common/assert.js';
import { blockBytesMax, outOfMemory, type Arena } from '../../kernels/arena.js';
import { memories } from '../../kernels/memories.js';

/** Entries of a list's first block. */
export const LIST_CAP_MIN = 16;

/**
 * Bytes of one chunk of a list that continues in several: a sixteenth of what a memory holds
 * (256 MiB in memories of 4 GiB), so a memory's last chunk leaves little of it unused, a scan
 * reads a 4 GiB list in 16 chunks, and a list that grew holds at most one chunk unused.
 */
export function chunkBytesMax(): number {
  return Math.floor(blockBytesMax(memories.memoryBytesMax) / 16);
}

const USE = 'IVFFlat lists';

/** A contiguous run of a list's entries, in one chunk ({@link IvfLists.forEachRun}). */
export type RunVisitor = (m: number, vecPtr: number, rowWord: number, at: number, len: number) => void;

export class IvfLists {
  /** Byte offset of the centers block. */
  readonly centersPtr: number;
  /** Per list: entries in use. */
  readonly count: Int32Array;
  /** Per list: entries its chunks hold together. */
  readonly cap: Int32Array;
  /** Entries in all lists, tombstones included. */
  total = 0;
  /** Per list: 1 when its entries or row ids changed since the last save ({@link markSaved}). */
  readonly changed: Uint8Array;
  /** Per list: leading vectors unchanged (same bytes, same place in the list) since the last save. */
  readonly unchangedVectors: Int32Array;
  /**
   * The chunk table. Chunk l (< lists) is list l's first chunk (capacity 0 while the list has
   * no block); further chunks get ids from `lists` on. Per chunk: the byte offset of its block
   * in its memory, its memory (an index into {@link arenas}), its capacity in entries, and the
   * next chunk of its list (-1: the last). Grown by doubling, so read through the accessors.
   */
  private chunkPtr: Uint32Array;
  private chunkMem: Uint16Array;
  private chunkCap: Int32Array;
  private chunkNext: Int32Array;
  /** Chunk ids in use or free: the table's high-water mark. */
  private chunkIds: number;
  /** Ids of released chunks (beyond the first chunks), for reuse. */
  private readonly freeChunks: number[] = [];
  /**
   * The last chunk {@link chunkAt} found (list, chunk, its first entry): appends walk on from
   * it, so loading a list of many chunks is linear. Reset by every change to a chain.
   */
  private seenList = -1;
  private seenChunk = -1;
  private seenStart = 0;
  /** Entry offset inside the chunk the last {@link chunkAt} returned. */
  private atOffset = 0;
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
    this.count = new Int32Array(lists);
    this.cap = new Int32Array(lists);
    this.changed = new Uint8Array(lists);
    this.unchangedVectors = new Int32Array(lists);
    this.chunkIds = lists;
    this.chunkPtr = new Uint32Array(lists + 4);
    this.chunkMem = new Uint16Array(lists + 4);
    this.chunkCap = new Int32Array(lists + 4);
    this.chunkNext = new Int32Array(lists + 4).fill(-1);
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

  /** List `l`'s first chunk, or -1 while it has no block; the next with {@link nextChunk}. */
  firstChunk(l: number): number {
    return this.chunkCap[l]! > 0 ? l : -1;
  }

  /** The chunk after `c` in its list, or -1. */
  nextChunk(c: number): number {
    return this.chunkNext[c]!;
  }

  /** Chunks of list `l`. */
  chunks(l: number): number {
    let n = 0;
    for (let c = this.firstChunk(l); c >= 0; c = this.chunkNext[c]!) n++;
    return n;
  }

  /** The memory of chunk `c`, as an index into {@link arenas}. */
  chunkMemory(c: number): number {
    return this.chunkMem[c]!;
  }

  /** The memory that holds chunk `c`. */
  chunkArena(c: number): Arena {
    return this.arenas[this.chunkMem[c]!]!;
  }

  /** Byte offset of chunk `c`'s block in its memory. */
  chunkBlock(c: number): number {
    return this.chunkPtr[c]!;
  }

  /** Entries chunk `c` holds room for. */
  chunkCapacity(c: number): number {
    return this.chunkCap[c]!;
  }

  /** Byte offset of vector `i` of chunk `c`. */
  chunkVectorPtr(c: number, i: number): number {
    return this.chunkPtr[c]! + i * this.vecBytes;
  }

  /** Int32 word index (chunkArena(c).i32()) of chunk `c`'s first row id. */
  chunkRowWord(c: number): number {
    return (this.chunkPtr[c]! + this.chunkCap[c]! * this.vecBytes) >>> 2;
  }

  /**
   * The chunk that holds (or has room for) entry `i` of list `l`, or -1 past its capacity;
   * {@link chunkOffset} is then the entry's place in that chunk.
   */
  chunkAt(l: number, i: number): number {
    let c = this.firstChunk(l);
    let start = 0;
    if (this.seenList === l && i >= this.seenStart) {
      c = this.seenChunk;
      start = this.seenStart;
    }
    while (c >= 0 && i >= start + this.chunkCap[c]!) {
      start += this.chunkCap[c]!;
      c = this.chunkNext[c]!;
    }
    if (c < 0) return -1;
    this.seenList = l;
    this.seenChunk = c;
    this.seenStart = start;
    this.atOffset = i - start;
    return c;
  }

  /** Entry offset in the chunk the last {@link chunkAt} returned. */
  get chunkOffset(): number {
    return this.atOffset;
  }

  /**
   * Calls `fn` for each contiguous run of list `l`'s entries `from` .. `to - 1` (one per chunk
   * they span, in order): the memory (an index into {@link arenas}), the byte offset of the
   * run's first vector, the int32 word of its first row id, the run's first entry number and
   * its length.
   */
  forEachRun(l: number, from: number, to: number, fn: RunVisitor): void {
    let start = 0;
    for (let c = this.firstChunk(l); c >= 0 && start < to; c = this.chunkNext[c]!) {
      const cap = this.chunkCap[c]!;
      const a = Math.max(from, start);
      const b = Math.min(to, start + cap);
      if (a < b) fn(this.chunkMem[c]!, this.chunkPtr[c]! + (a - start) * this.vecBytes, this.chunkRowWord(c) + (a - start), a, b - a);
      start += cap;
    }
  }

  /**
   * Copies of list `l`'s vectors (count x vecBytes) and row ids, in entry order, wherever its
   * chunks lie: what a save writes for it (persist.ts), for checks that compare lists.
   */
  entriesOf(l: number): { vectors: Uint8Array; rowIds: Int32Array } {
    const n = this.count[l]!;
    const vectors = new Uint8Array(n * this.vecBytes);
    const rowIds = new Int32Array(n);
    this.forEachRun(l, 0, n, (m, vecPtr, rowWord, at, len) => {
      const a = this.arenas[m]!;
      vectors.set(a.u8().subarray(vecPtr, vecPtr + len * this.vecBytes), at * this.vecBytes);
      rowIds.set(a.i32().subarray(rowWord, rowWord + len), at);
    });
    return { vectors, rowIds };
  }

  /**
   * Makes room for `extra` more entries in list `l`, before anything is written, so an
   * out-of-memory error (53200) leaves the list as it was: a list of one chunk moves to a
   * block twice as large while that fits in one memory, else the list adds chunks.
   */
  reserve(l: number, extra: number): void {
    const need = this.count[l]! + extra;
    const cap = this.cap[l]!;
    if (need <= cap) return;
    let next = Math.max(LIST_CAP_MIN, cap * 2);
    while (next < need) next *= 2;
    this.grow(l, need, next);
  }

  /**
   * Gives the empty list `l` exactly `entries` entries of room (none for 0): a build that
   * knows every list's size allocates one block per list (more chunks only past a memory).
   * @throws PgError 53200 when it does not fit (the list stays empty).
   */
  reserveExact(l: number, entries: number): void {
    assert(this.count[l] === 0 && this.cap[l] === 0, 'ivfflat reserveExact on a list in use');
    if (entries === 0) return;
    this.grow(l, entries, entries);
  }

  /**
   * Grows list `l` to hold at least `need` entries, aiming at `target` (>= need): one block of
   * `target` for a list of at most one chunk when such a block fits in one memory, else
   * chunks appended to its chain ({@link appendChunks}).
   * @throws PgError 53200 when `vecgres.memory_limit` leaves no room; nothing changed then.
   */
  private grow(l: number, need: number, target: number): void {
    const eb = this.entryBytes;
    const single = this.chunkNext[l] === -1;
    if (single && target * eb <= blockBytesMax(memories.memoryBytesMax)) {
      const own = this.chunkCap[l]! > 0 ? this.chunkMem[l]! : 0;
      const placed = this.placeWhole(own, target * eb);
      if (placed >= 0) {
        const m = placed % 0x10000;
        const ptr = (placed - m) / 0x10000;
        if (this.chunkCap[l]! > 0) this.moveList(l, m, ptr, target);
        else this.setChunk(l, m, ptr, target);
        this.cap[l] = target;
        this.forget();
        return;
      }
    }
    this.appendChunks(l, need, target);
  }

  /**
   * A block of `bytes` in memory `own`, else in the first of the index's memories that holds
   * it, else in a new memory of the index: `ptr * 2^16 + memory`, or -1 when none (the limit
   * allows no new memory).
   */
  private placeWhole(own: number, bytes: number): number {
    let ptr = this.arenas[own]!.tryAlloc(bytes);
    if (ptr >= 0) return ptr * 0x10000 + own;
    for (let m = 0; m < this.arenas.length; m++) {
      if (m === own) continue;
      ptr = this.arenas[m]!.tryAlloc(bytes);
      if (ptr >= 0) return ptr * 0x10000 + m;
    }
    const m = this.newMemory(bytes);
    if (m < 0) return -1;
    ptr = this.arenas[m]!.tryAlloc(bytes);
    if (ptr >= 0) return ptr * 0x10000 + m;
    this.dropMemory(m);
    return -1;
  }

  /** A new memory for the index with room for `bytes` (its index in {@link arenas}), or -1 when the limit allows none. */
  private newMemory(bytes: number): number {
    assert(this.arenas.length < 0xffff, 'ivfflat memories fit a Uint16Array');
    let a: Arena;
    try {
      a = memories.forPartition(bytes, USE);
    } catch {
      return -1;
    }
    this.arenas.push(a);
    return this.arenas.length - 1;
  }

  /** Gives back the memory {@link newMemory} just added (the last one), holding no block of the index. */
  private dropMemory(m: number): void {
    assert(m === this.arenas.length - 1, 'ivfflat drops only its newest memory');
    memories.unpin(this.arenas.pop()!);
  }

  /**
   * Appends chunks to list `l` until it holds `need` entries (aiming at `target`): each as
   * large as the rest, at most {@link chunkBytesMax}, in the
   * memory of the list's last chunk, the index's other memories or a new one; when none holds
   * such a chunk, in the largest room one of the index's memories has left, else in a new
   * memory as large as the limit allows.
   * @throws PgError 53200 when no memory has room and the limit allows no new one: the chunks
   *   and memories this call added are given back first.
   */
  private appendChunks(l: number, need: number, target: number): void {
    const eb = this.entryBytes;
    const maxEntries = Math.max(1, Math.floor(chunkBytesMax() / eb));
    let last = this.firstChunk(l);
    if (last >= 0) while (this.chunkNext[last]! >= 0) last = this.chunkNext[last]!;
    const lastBefore = last;
    const arenasBefore = this.arenas.length;
    const added: number[] = [];
    let cap = this.cap[l]!;
    try {
      while (cap < need) {
        const want = Math.min(maxEntries, Math.max(need, target) - cap);
        const own = last >= 0 ? this.chunkMem[last]! : 0;
        let placed = this.placeWhole(own, want * eb);
        let entries = want;
        if (placed < 0) {
          // No memory holds `want` entries in one block: take the largest room left.
          let best = -1;
          let room = 0;
          for (let m = 0; m < this.arenas.length; m++) {
            const r = this.arenas[m]!.largestBlock();
            if (r > room) {
              room = r;
              best = m;
            }
          }
          entries = Math.min(want, Math.floor(room / eb));
          if (entries === 0) {
            // Else a new memory as large as the limit allows.
            best = -1;
            entries = Math.min(want, Math.floor((memories.limitBytes - memories.usedBytes - 65536 - 64) / eb));
            if (entries > 0) best = this.newMemory(entries * eb);
          }
          const ptr = entries > 0 && best >= 0 ? this.arenas[best]!.tryAlloc(entries * eb) : -1;
          if (ptr < 0) throw outOfMemory(want * eb, USE);
          placed = ptr * 0x10000 + best;
        }
        const m = placed % 0x10000;
        const ptr = (placed - m) / 0x10000;
        const c = last < 0 ? l : this.newChunkId();
        this.setChunk(c, m, ptr, entries);
        if (last >= 0) this.chunkNext[last] = c;
        added.push(c);
        last = c;
        cap += entries;
      }
    } catch (e) {
      // Back to the chain and memories as they were.
      for (let i = added.length - 1; i >= 0; i--) this.freeChunk(added[i]!, i > 0 ? added[i - 1]! : lastBefore);
      while (this.arenas.length > arenasBefore) this.dropMemory(this.arenas.length - 1);
      this.forget();
      throw e;
    }
    this.cap[l] = cap;
    this.forget();
  }

  private setChunk(c: number, m: number, ptr: number, cap: number): void {
    this.chunkPtr[c] = ptr;
    this.chunkMem[c] = m;
    this.chunkCap[c] = cap;
    this.chunkNext[c] = -1;
  }

  /** An unused chunk id beyond the first chunks. */
  private newChunkId(): number {
    const free = this.freeChunks.pop();
    if (free !== undefined) return free;
    if (this.chunkIds === this.chunkPtr.length) {
      const n = this.chunkIds * 2;
      const grow = <T extends Uint32Array | Uint16Array | Int32Array>(a: T, make: (n: number) => T): T => {
        const b = make(n);
        b.set(a);
        return b;
      };
      this.chunkPtr = grow(this.chunkPtr, (k) => new Uint32Array(k));
      this.chunkMem = grow(this.chunkMem, (k) => new Uint16Array(k));
      this.chunkCap = grow(this.chunkCap, (k) => new Int32Array(k));
      this.chunkNext = grow(this.chunkNext, (k) => new Int32Array(k));
      this.chunkNext.fill(-1, this.chunkIds);
    }
    return this.chunkIds++;
  }

  /**
   * Frees the block of chunk `c`, the last of its chain, and unlinks it from `prev`, the chunk
   * before it (-1: `c` is a list's first chunk, which keeps its id with no block).
   */
  private freeChunk(c: number, prev: number): void {
    this.chunkArena(c).free(this.chunkPtr[c]!, this.chunkCap[c]! * this.entryBytes);
    if (prev >= 0) {
      this.chunkNext[prev] = -1;
      this.freeChunks.push(c);
    }
    this.setChunk(c, 0, 0, 0);
  }

  /** Chains changed: {@link chunkAt} walks from the first chunk again. */
  private forget(): void {
    this.seenList = -1;
  }

  /**
   * Copies the entries of list `l`, one chunk, to the block of `cap` entries at `fresh` in
   * memory `m` (the same memory or another), frees its old block and points the chunk there.
   */
  private moveList(l: number, m: number, fresh: number, cap: number): void {
    const c = l;
    const dimBytes = this.vecBytes;
    const from = this.chunkArena(c);
    const to = this.arenas[m]!;
    const old = this.chunkPtr[c]!;
    const oldCap = this.chunkCap[c]!;
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
    this.chunkPtr[c] = fresh;
    this.chunkMem[c] = m;
    this.chunkCap[c] = cap;
  }

  /**
   * Appends `rowId` to list `l` whose vector the caller has already written at
   * {@link chunkVectorPtr}(c, chunkOffset) of {@link chunkArena}(c), c = chunkAt(l, count[l]);
   * room must be reserved.
   */
  appendWritten(l: number, rowId: number): void {
    const n = this.count[l]!;
    const c = this.chunkAt(l, n);
    assert(c >= 0, 'ivfflat list append without room');
    this.chunkArena(c).i32()[this.chunkRowWord(c) + this.atOffset] = rowId;
    this.count[l] = n + 1;
    this.total++;
    this.touch(l, n);
  }

  /**
   * Appends (`rowId`, the vector of vecBytes at byte offset `vecPtr` of {@link arena}, the
   * index's first memory) to list `l`, in whichever memory holds its next entry; room must be
   * reserved.
   */
  append(l: number, rowId: number, vecPtr: number): void {
    const n = this.count[l]!;
    const c = this.chunkAt(l, n);
    assert(c >= 0, 'ivfflat list append without room');
    const to = this.chunkArena(c);
    const at = this.chunkVectorPtr(c, this.atOffset);
    if (to === this.arena) to.u8().copyWithin(at, vecPtr, vecPtr + this.vecBytes);
    else to.u8().set(this.arena.u8().subarray(vecPtr, vecPtr + this.vecBytes), at);
    to.i32()[this.chunkRowWord(c) + this.atOffset] = rowId;
    this.count[l] = n + 1;
    this.total++;
    this.touch(l, n);
  }

  /**
   * Gives every list no more room than its entries (after a build, whose lists grew by
   * doubling), so the index holds no slack until rows are inserted: chunks past the last entry
   * are freed, and the chunk of the last entry moves to a block of exactly its entries in its
   * memory (one that cannot keeps its larger block).
   */
  shrinkToFit(): void {
    const eb = this.entryBytes;
    for (let l = 0; l < this.lists; l++) {
      const n = this.count[l]!;
      if (n === this.cap[l]! || n === 0) continue;
      const c = this.chunkAt(l, n - 1);
      const used = this.chunkOffset + 1;
      this.forget();
      for (;;) {
        // The chain's last chunk, while it is past `c`.
        let prev = c;
        let d = this.chunkNext[c]!;
        if (d < 0) break;
        while (this.chunkNext[d]! >= 0) {
          prev = d;
          d = this.chunkNext[d]!;
        }
        this.cap[l] -= this.chunkCap[d]!;
        this.freeChunk(d, prev);
      }
      if (used === this.chunkCap[c]!) continue;
      const a = this.chunkArena(c);
      const fresh = a.tryAlloc(used * eb);
      if (fresh < 0) continue;
      const oldCap = this.chunkCap[c]!;
      this.moveTail(c, fresh, used);
      this.cap[l] -= oldCap - used;
    }
  }

  /** Moves the first `used` entries of chunk `c` to a block of exactly `used` in its memory at `fresh`. */
  private moveTail(c: number, fresh: number, used: number): void {
    const dimBytes = this.vecBytes;
    const a = this.chunkArena(c);
    const old = this.chunkPtr[c]!;
    const oldCap = this.chunkCap[c]!;
    a.u8().copyWithin(fresh, old, old + used * dimBytes);
    const rows = (old + oldCap * dimBytes) >>> 2;
    a.i32().copyWithin((fresh + used * dimBytes) >>> 2, rows, rows + used);
    a.free(old, oldCap * (dimBytes + 4));
    this.chunkPtr[c] = fresh;
    this.chunkCap[c] = used;
  }

  /** Marks `rowId`'s entry in list `l` deleted; false when it is not there. */
  tombstone(l: number, rowId: number): boolean {
    const n = this.count[l]!;
    let start = 0;
    for (let c = this.firstChunk(l); c >= 0 && start < n; c = this.chunkNext[c]!) {
      const i32 = this.chunkArena(c).i32();
      const w = this.chunkRowWord(c);
      const len = Math.min(this.chunkCap[c]!, n - start);
      for (let i = 0; i < len; i++) {
        if (i32[w + i] === rowId) {
          i32[w + i] = -1 - rowId;
          this.touch(l, n);
          return true;
        }
      }
      start += this.chunkCap[c]!;
    }
    return false;
  }

  /**
   * Removes the tombstones of every list, keeping entry order (entries move forward, across
   * chunks when the list has several; chunks stay as room). Returns how many went.
   */
  compact(): number {
    const dimBytes = this.vecBytes;
    let removed = 0;
    for (let l = 0; l < this.lists; l++) {
      const n = this.count[l]!;
      if (n === 0) continue;
      // Write cursor: chunk, its block, memory and first entry number.
      let wc = this.firstChunk(l);
      let wStart = 0;
      let out = 0;
      let start = 0;
      for (let c = wc; c >= 0 && start < n; c = this.chunkNext[c]!) {
        const a = this.chunkArena(c);
        const rw = this.chunkRowWord(c);
        const len = Math.min(this.chunkCap[c]!, n - start);
        for (let i = 0; i < len; i++) {
          const r = a.i32()[rw + i]!;
          if (r < 0) continue;
          const at = start + i;
          if (out !== at) {
            while (out >= wStart + this.chunkCap[wc]!) {
              wStart += this.chunkCap[wc]!;
              wc = this.chunkNext[wc]!;
            }
            const to = this.chunkArena(wc);
            const dst = this.chunkVectorPtr(wc, out - wStart);
            const src = this.chunkVectorPtr(c, i);
            if (to === a) to.u8().copyWithin(dst, src, src + dimBytes);
            else to.u8().set(a.u8().subarray(src, src + dimBytes), dst);
            to.i32()[this.chunkRowWord(wc) + out - wStart] = r;
            this.touch(l, out);
          }
          out++;
        }
        start += this.chunkCap[c]!;
      }
      removed += n - out;
      if (out !== n) this.touch(l, out);
      this.count[l] = out;
    }
    this.total -= removed;
    return removed;
  }

  /** Bytes the centers and list chunks occupy. */
  sizeBytes(): number {
    let b = this.lists * this.vecBytes;
    for (let l = 0; l < this.lists; l++) b += this.cap[l]! * this.entryBytes;
    return b;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const eb = this.entryBytes;
    for (let l = 0; l < this.lists; l++) {
      for (let c = this.firstChunk(l); c >= 0; ) {
        const next = this.chunkNext[c]!;
        this.chunkArena(c).free(this.chunkPtr[c]!, this.chunkCap[c]! * eb);
        this.setChunk(c, 0, 0, 0);
        c = next;
      }
      this.cap[l] = 0;
      this.count[l] = 0;
    }
    this.forget();
    this.arena.free(this.centersPtr, this.lists * this.vecBytes);
    for (const a of this.arenas) memories.unpin(a);
  }
}
