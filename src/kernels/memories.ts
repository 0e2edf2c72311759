/**
 * The set of WebAssembly memories that hold every vector segment and index structure. One
 * 32-bit memory addresses at most 4 GiB, so the total is bounded by the machine only when
 * there are several: a new memory is created when an allocation fits in none of the existing
 * ones, and a memory that holds nothing any more is released whole (its pages go back to the
 * operating system with it). `vecgres.memory_limit` caps the total over all memories.
 *
 * An address that names its memory is one number: `id * 2^32 + offset` ({@link MEMORY_STRIDE}),
 * exact in a double for ids below 2^21. `addr >>> 0` is the offset (ToUint32 keeps the low 32
 * bits), `memoryOf(addr)` the memory. Table storage (segments, per-row blocks) holds such
 * addresses, so one table spans memories and a scan switches kernels per segment. An index
 * instead lives in ONE memory ({@link MemorySet.forIndex}), holds plain offsets into it (the
 * WebAssembly graph search follows pointers stored in the memory, which cannot name another),
 * and runs the kernels of that memory; a larger index takes further memories of its own
 * ({@link MemorySet.forPartition}: HNSW partitions, IVFFlat lists), and what must stay in one
 * memory past its 4 GiB is a clean 53200 with a hint (arena.ts).
 *
 * Both a MemorySet and a single {@link Arena} are a {@link Space}: what segmented storage
 * (storage/segments.ts) allocates from, so the same code serves a table (any memory) and an
 * index (its one memory).
 */
import { assert } from '../common/assert.js';
import { Arena, ARENA_MAX_BYTES, defaultArenaLimitBytes, outOfMemory, SEGMENT_BYTES_MAX, segmentBytesFor, type MemoryBudget } from './arena.js';

/** Addresses of memory `id` start at `id * MEMORY_STRIDE`. */
export const MEMORY_STRIDE = 2 ** 32;

/**
 * Where blocks come from: a set of memories (addresses name their memory) or one memory
 * (addresses are its offsets). Either way `addr >>> 0` is the offset in `memoryOf(addr)`.
 */
export interface Space {
  /** A zero-filled block of `bytes`; @throws PgError 53200 (nothing changes then). */
  alloc(bytes: number, use: string): number;
  /** Returns a block from {@link alloc} (`bytes` as asked). */
  free(addr: number, bytes: number): void;
  /** The memory `addr` lies in. */
  memoryOf(addr: number): Arena;
  /** Cap on one segment of segmented storage, bytes (storage/segments.ts). */
  readonly segmentBytesMax: number;
}

export { SEGMENT_BYTES_MAX, segmentBytesFor };

/** Options of a set of memories. */
export interface MemorySetOptions {
  /** Cap on each memory's used space, bytes (4 GiB, the most one memory addresses; small in tests). */
  memoryBytesMax?: number;
  /** Cap on the total, bytes (`vecgres.memory_limit`; default half the machine). */
  limitBytes?: number;
}

export class MemorySet implements Space {
  /** Memories by id; a released memory leaves a hole that the next new memory takes. */
  private readonly slots: Array<Arena | undefined> = [];
  private readonly budget: MemoryBudget;
  private maxBytes: number;
  /** Memories released so far: a cache of memories compares it to drop stale entries. */
  releases = 0;

  constructor(options: MemorySetOptions = {}) {
    this.maxBytes = options.memoryBytesMax ?? ARENA_MAX_BYTES;
    this.budget = {
      limitBytes: options.limitBytes ?? defaultArenaLimitBytes(),
      usedBytes: 0,
      emptied: (a) => this.release(a),
    };
    this.add();
  }

  /** Cap on the total used space of all memories, bytes (`vecgres.memory_limit`). */
  get limitBytes(): number {
    return this.budget.limitBytes;
  }

  /**
   * Sets the cap on the total. Lowering it below the current use frees nothing: later requests
   * that need new space fail until space is freed.
   */
  set limitBytes(bytes: number) {
    assert(bytes > 0 && Number.isFinite(bytes), 'memory limit');
    this.budget.limitBytes = Math.floor(bytes);
  }

  /**
   * Cap on each memory's used space, bytes (a test option: small memories make tables span
   * memories cheaply). A change applies to memories created after it; when nothing is
   * allocated yet the set starts over with one memory of the new size.
   */
  get memoryBytesMax(): number {
    return this.maxBytes;
  }

  set memoryBytesMax(bytes: number) {
    assert(bytes >= 4 * 65536 && bytes <= ARENA_MAX_BYTES, 'memory size');
    this.maxBytes = bytes;
    if (this.slots.every((a) => a === undefined || a.allocatedBytes === 0)) {
      for (const a of this.slots) if (a !== undefined) this.budget.usedBytes -= a.topBytes;
      this.slots.length = 0;
      this.add();
    }
  }

  /** Cap on one segment: 4 MiB, less in small test memories ({@link segmentBytesFor}). */
  get segmentBytesMax(): number {
    return segmentBytesFor(this.maxBytes);
  }

  /** The live memories, in id order. */
  get memories(): Arena[] {
    return this.slots.filter((a): a is Arena => a !== undefined);
  }

  /**
   * Bytes allocated over all memories, not counting free blocks nor the memories' scratch
   * blocks (Arena.scratch: they go with their memory when it is released).
   */
  get allocatedBytes(): number {
    let n = 0;
    for (const a of this.slots) if (a !== undefined) n += a.allocatedBytes - a.scratchBytes;
    return n;
  }

  /** Used space over all memories (what the limit caps): the tops, reserves included. */
  get usedBytes(): number {
    return this.budget.usedBytes;
  }

  /** Bytes of the WebAssembly memories' pages (they never shrink; a released memory's go). */
  get memoryBytes(): number {
    let n = 0;
    for (const a of this.slots) if (a !== undefined) n += a.memoryBytes;
    return n;
  }

  /** The memory `addr` lies in. */
  memoryOf(addr: number): Arena {
    return this.slots[Math.floor(addr / MEMORY_STRIDE)]!;
  }

  /** A memory to use when none is implied (a computation over values on the JS heap). */
  any(): Arena {
    for (const a of this.slots) if (a !== undefined) return a;
    return this.add();
  }

  /**
   * A block of `bytes` for table data (or a row bitmap): in the first memory without indexes
   * that holds it, else in a new memory, else (the limit allows no new memory) in a memory of
   * indexes. Table data keeps out of the memories of indexes so that an index, which cannot
   * leave its memory, has that memory's room to grow into.
   * @returns its address (memory id * 2^32 + offset).
   * @throws PgError 53200 `out of memory` (detail naming the size and `use`) when the total
   *   limit (or the host) leaves no room; nothing changes then.
   */
  alloc(bytes: number, use: string): number {
    const p = this.tryAllocAny(bytes);
    if (p >= 0) return p;
    // Evict clean buffer-cache segments (storage/buffer_cache.ts), then try once more.
    if (this.reclaim !== null && this.reclaim(bytes)) {
      const q = this.tryAllocAny(bytes);
      if (q >= 0) return q;
    }
    throw outOfMemory(bytes, use);
  }

  /**
   * Gives back memory that can be read again later (the buffer cache evicts clean segments):
   * called when an allocation of `bytes` found no room; true when anything was freed.
   */
  reclaim: ((bytes: number) => boolean) | null = null;

  /**
   * {@link alloc} for something optional (a cache that only saves time): the address, or -1
   * when no memory has room, without evicting anything to make room and without an error.
   */
  allocIfRoom(bytes: number): number {
    return this.tryAllocAny(bytes);
  }

  /** {@link alloc} without the error: the address, or -1 when nothing has room. */
  private tryAllocAny(bytes: number): number {
    for (const a of this.slots) {
      if (a === undefined || a.indexes > 0) continue;
      const p = a.tryAlloc(bytes);
      if (p >= 0) return a.id * MEMORY_STRIDE + p;
    }
    const a = this.tryAdd(bytes);
    if (a !== null) {
      const p = a.tryAlloc(bytes);
      if (p >= 0) return a.id * MEMORY_STRIDE + p;
      this.release(a);
    }
    for (const a of this.slots) {
      if (a === undefined || a.indexes === 0) continue;
      const p = a.tryAlloc(bytes);
      if (p >= 0) return a.id * MEMORY_STRIDE + p;
    }
    return -1;
  }

  /** Returns a block from {@link alloc}. A memory left empty is released. */
  free(addr: number, bytes: number): void {
    this.memoryOf(addr).free(addr >>> 0, bytes);
  }

  /**
   * The memory a new index's structures go in (every one of them, for its whole life), chosen
   * when the index is created and counted in {@link Arena.indexes} until {@link unpin}: the
   * memory of indexes with the most room if that is at least `bytesHint` (the expected size;
   * never another index's own further memory, {@link Arena.exclusive}),
   * else an empty memory, else a new one when the limit leaves room for it (or for a whole
   * memory, when the hint exceeds one), else the memory with the most room.
   */
  forIndex(bytesHint: number): Arena {
    let best: Arena | undefined;
    let bestRoom = -1;
    let bestAny: Arena | undefined;
    let bestAnyRoom = -1;
    let empty: Arena | undefined;
    for (const a of this.slots) {
      if (a === undefined) continue;
      const room = a.maxBytes - a.headroomBytes - a.topBytes + a.freeBytes;
      if (a.indexes > 0 && !a.exclusive && room > bestRoom) {
        best = a;
        bestRoom = room;
      }
      if (room > bestAnyRoom) {
        bestAny = a;
        bestAnyRoom = room;
      }
      if (empty === undefined && a.indexes === 0 && a.isEmpty) empty = a;
    }
    let chosen = best !== undefined && bestRoom >= bytesHint ? best : empty;
    // A hint beyond one memory (a 1,000,000 x 1,536-d halfvec graph with its growth margin)
    // still wants a memory of its own: asking for the most a memory holds keeps the index out
    // of a memory that table segments already filled.
    chosen ??= this.tryAdd(Math.min(bytesHint, this.maxBytes - 65536)) ?? bestAny ?? this.add();
    chosen.indexes++;
    return chosen;
  }

  /**
   * A further memory for an index whose memories are full: a new HNSW partition
   * (access/hnsw/partitions.ts) or IVFFlat lists that fit in none of the index's memories
   * (access/ivfflat/lists.ts). One no other index uses and that is empty, else a new one when
   * the limit leaves room for it and `bytesHint` more; counted in {@link Arena.indexes} until
   * {@link unpin}. It exists because its index's other memories are full, so it never shares
   * one of them.
   * @throws PgError 53200 `out of memory` (detail naming `bytesHint` and `use`) when no memory
   *   is empty and the limit allows no new one; nothing changes then.
   */
  forPartition(bytesHint: number, use: string): Arena {
    let chosen: Arena | null = null;
    for (const a of this.slots) {
      if (a !== undefined && a.indexes === 0 && a.isEmpty) {
        chosen = a;
        break;
      }
    }
    chosen ??= this.tryAdd(Math.min(bytesHint, this.maxBytes - 2 * 65536));
    if (chosen === null) throw outOfMemory(bytesHint, use);
    chosen.indexes++;
    chosen.exclusive = true;
    return chosen;
  }

  /**
   * An index that {@link forIndex} or {@link forPartition} placed in `a` is gone (its blocks
   * freed); a memory left empty and without indexes is released.
   */
  unpin(a: Arena): void {
    assert(a.indexes > 0, 'unpin of a memory without indexes');
    a.indexes--;
    if (a.indexes === 0) a.exclusive = false;
    if (a.indexes === 0 && a.isEmpty) this.release(a);
  }

  /** A new memory when the limit leaves room for it and `bytes` more, else null. */
  private tryAdd(bytes: number): Arena | null {
    if (bytes > this.maxBytes - 65536 || this.budget.usedBytes + 65536 + bytes > this.budget.limitBytes) return null;
    return this.add();
  }

  /** Creates a memory in the first free id. */
  private add(): Arena {
    let id = this.slots.indexOf(undefined);
    if (id < 0) id = this.slots.length;
    assert(id < 2 ** 21, 'memory ids fit an address');
    const a = new Arena({ id, maxBytes: this.maxBytes, budget: this.budget });
    this.slots[id] = a;
    return a;
  }

  /**
   * Drops an empty memory (never the last one: it would be created again at once, nor one an
   * index holds: IVFFlat lists may all leave a memory the index keeps allocating in).
   */
  private release(a: Arena): void {
    if (this.slots[a.id] !== a || this.memories.length <= 1 || a.indexes > 0) return;
    this.slots[a.id] = undefined;
    this.budget.usedBytes -= a.topBytes;
    this.releases++;
  }
}

/** The memories of this process: every table and index allocates from them. */
export const memories = new MemorySet();
