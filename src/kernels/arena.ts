/**
 * One WebAssembly memory and its allocator. The process holds a set of them (memories.ts): a
 * table's vector segments may lie in several, an index's structures lie in one. Each memory is
 * a shared WebAssembly.Memory (SharedArrayBuffer-backed, so worker threads can share it) with
 * its own instances of the WebAssembly kernels (kernels/fast.ts, access/hnsw/kernel.ts), so
 * the SIMD kernels and the graph search read the vectors in place.
 *
 * Addresses inside one memory are byte offsets ("pointers"): unsigned numbers up to 2^32,
 * shifted with `>>>` and held in Uint32Array (a signed `>> 2` or an Int32Array turns an offset
 * past 2 GiB negative). The WebAssembly kernels take them as `usize` (u32) parameters. An
 * address that also names its memory is memories.ts's (memory id, offset) pair.
 *
 * Shared memory never detaches on grow, so a typed-array view made over an allocation stays
 * valid for the life of the memory; only the whole-memory views below must be refreshed after
 * a grow, which {@link Arena.f32} and friends do. Every buffer a view was made over is
 * registered, so {@link arenaOfBuffer} finds the memory a stored vector's view lies in.
 *
 * ## Allocator
 *
 * Blocks are multiples of 64 bytes, 64-byte aligned. Free blocks are kept in segregated lists
 * by size class with immediate coalescing of address neighbours, the scheme of TLSF (Masmano,
 * Ripoll, Crespo & Real, "TLSF: a new dynamic memory allocator for real-time systems", ECRTS
 * 2004): a class is a power of two split into {@link SUB_CLASSES} linear sub-ranges, so a
 * request is served from its own class (best fit among the first blocks there) or else from
 * the first block of the next non-empty class, which always fits. A freed block merges with a
 * free block that ends where it starts and one that starts where it ends; a free block that
 * reaches the top of the used space lowers the top instead.
 *
 * Why this scheme: the sizes vary over six orders of magnitude (64-byte scratch headers,
 * per-row blocks of unconstrained vectors, table segments of kilobytes to megabytes, graph
 * chunks and visited arrays of megabytes), and tables and indexes come and go with every
 * CREATE/DROP, TRUNCATE, VACUUM and reopen of a database. Exact-size reuse (what the arena did
 * first) leaks whenever the next tenant has other sizes; slab classes without coalescing do
 * the same across classes. Coalescing returns the space of a dropped relation as one block (or
 * to the top) whatever sizes come next, and the class lists find a fitting block in time
 * bounded by the number of classes, without a balanced tree.
 *
 * Limits: one 32-bit memory is at most 4 GiB (65,536 pages of 64 KiB); {@link Arena.maxBytes}
 * caps one memory's used space below that (smaller in tests), and the {@link MemoryBudget}
 * shared by all memories of a set (the `vecgres.memory_limit` setting) caps their total. A
 * request that neither a free block nor the space under both caps can hold throws PgError
 * 53200 `out of memory` naming the request's size and use, and leaves the arena as it was.
 */
import { totalmem } from 'node:os';
import { PgError, SQLSTATE } from '../common/errors.js';
import { assert } from '../common/assert.js';

const PAGE_BYTES = 65536;
const MAX_PAGES = 65536;
/** Bytes one 32-bit WebAssembly memory can address. */
export const ARENA_MAX_BYTES = PAGE_BYTES * MAX_PAGES;
/** Allocations are aligned to a cache line so SIMD loads never straddle one at a row start. */
const ALIGN_BYTES = 64;
const ALIGN_SHIFT = 6;
/** The first 64 KiB are left to the WebAssembly modules' own static data and scratch. */
const RESERVED_BYTES = PAGE_BYTES;
/** Linear sub-ranges per power of two (TLSF's second level). */
const SUB_CLASSES = 4;
/** Blocks of fewer than this many 64-byte units get one class per unit count. */
const LINEAR_UNITS = 16;
/** Size classes: 16 linear ones, then 4 per power of two up to 2^26 units (4 GiB). */
const CLASS_COUNT = LINEAR_UNITS + (27 - 4) * SUB_CLASSES;
/** Blocks of the request's own class examined for the best fit before taking a larger class. */
const BEST_FIT_SCAN = 16;

/** Bytes of a full segment of segmented storage (storage/segments.ts) in memories of the usual 4 GiB. */
export const SEGMENT_BYTES_MAX = 4 * 1024 * 1024;

/**
 * The segment cap for memories of `memoryBytes`: 4 MiB, or a sixteenth of a smaller memory
 * (test memories of a few MiB), so that a memory always holds several segments.
 */
export function segmentBytesFor(memoryBytes: number): number {
  return Math.min(SEGMENT_BYTES_MAX, Math.floor(memoryBytes / 16));
}

/** Size class of a block of `units` 64-byte units. */
function sizeClass(units: number): number {
  if (units < LINEAR_UNITS) return units;
  const fl = 31 - Math.clz32(units);
  const sl = (units >>> (fl - 2)) & (SUB_CLASSES - 1);
  return LINEAR_UNITS + (fl - 4) * SUB_CLASSES + sl;
}

/**
 * What the memories of one set share: the cap on their total used space and the running total.
 * {@link Arena} keeps `usedBytes` equal to the sum of its members' tops (reserve included), and
 * calls `emptied` when a memory holds nothing but its {@link Arena.scratch} block.
 */
export interface MemoryBudget {
  /** Cap on the total of the members' used space, bytes (`vecgres.memory_limit`). */
  limitBytes: number;
  /** Sum of the members' used space ({@link Arena.topBytes}), bytes. */
  usedBytes: number;
  /** Called when `arena` no longer holds any block but its scratch. */
  emptied?(arena: Arena): void;
}

/** Options of one memory. */
export interface ArenaOptions {
  /** Id of the memory in its set (the high part of an address, memories.ts); 0 for a lone one. */
  id?: number;
  /** Cap on this memory's used space, bytes; at most {@link ARENA_MAX_BYTES} (the default). */
  maxBytes?: number;
  /** The budget shared with the other memories of a set; a lone memory gets its own. */
  budget?: MemoryBudget;
  /** Pages (64 KiB) committed at creation. */
  initialPages?: number;
  /**
   * An existing shared memory to wrap instead of creating one: a worker thread's view of a
   * memory the main thread sent (kernels/workers.ts). Such an arena reads and writes the memory
   * (views, kernels) but never allocates or frees: allocation stays on the main thread, which
   * owns the allocator state.
   */
  memory?: WebAssembly.Memory;
}

/** Buffers views were made over -> their memory (see {@link arenaOfBuffer}). */
const owners = new WeakMap<ArrayBufferLike, Arena>();

/**
 * The memory whose (current or earlier) buffer `buf` is, or undefined for any other buffer (a
 * query vector on the JS heap). Views of a shared memory made before it grew have an older
 * buffer object over the same bytes; each one is registered when views are made over it.
 */
export function arenaOfBuffer(buf: ArrayBufferLike): Arena | undefined {
  return owners.get(buf);
}

export class Arena {
  readonly memory: WebAssembly.Memory;
  /** Id of this memory in its set (memories.ts); 0 for a lone memory. */
  readonly id: number;
  /** Cap on this memory's used space (top), bytes. */
  readonly maxBytes: number;
  /** Shared with the other memories of the set: the total cap and use. */
  readonly budget: MemoryBudget;
  /**
   * Bytes at the end of the memory that only short-lived blocks may take (a query vector copied
   * beside the rows of a full memory, {@link scratch}): min(1 MiB, 1/32 of the memory).
   */
  readonly headroomBytes: number;
  /** Indexes whose structures live in this memory (memories.ts keeps table data out of it). */
  indexes = 0;
  /**
   * True while the memory is an index's own further memory (MemorySet.forPartition: an HNSW
   * partition, IVFFlat chunks): MemorySet.forIndex does not place another index in it, whose
   * estimate may be short (sparsevec keys) and whose growth would take the room the partition
   * was made for.
   */
  exclusive = false;
  /** True for an arena over a memory another thread owns ({@link ArenaOptions.memory}): no allocation. */
  readonly attached: boolean;
  /** A block for use inside one synchronous call ({@link scratch}), and its size. */
  private scratchPtr = 0;
  private scratchSize = 0;
  /** End of the used space: every byte at or above it is free. */
  private top = RESERVED_BYTES;
  /** Highest top ever: memory above it has never been written, so it is still zero. */
  private highWater = RESERVED_BYTES;
  /** Free blocks: start -> size, and end -> start for coalescing with the block before. */
  private readonly freeStart = new Map<number, number>();
  private readonly freeEnd = new Map<number, number>();
  /** Free block starts by size class (Sets keep insertion order and delete in O(1)). */
  private readonly bins: Set<number>[] = Array.from({ length: CLASS_COUNT }, () => new Set<number>());
  private bytesInUse = 0;
  private bytesFree = 0;
  private viewF32: Float32Array;
  private viewI32: Int32Array;
  private viewU32: Uint32Array;
  private viewU8: Uint8Array;
  private viewU16: Uint16Array;

  constructor(options: ArenaOptions = {}) {
    this.id = options.id ?? 0;
    this.maxBytes = Math.min(ARENA_MAX_BYTES, options.maxBytes ?? ARENA_MAX_BYTES);
    assert(this.maxBytes > RESERVED_BYTES, 'memory size');
    this.budget = options.budget ?? { limitBytes: defaultArenaLimitBytes(), usedBytes: 0 };
    this.headroomBytes = Math.min(2 ** 20, Math.floor(this.maxBytes / 32));
    this.attached = options.memory !== undefined;
    if (options.memory !== undefined) {
      this.memory = options.memory;
    } else {
      const initial = Math.min(options.initialPages ?? 16, Math.ceil(this.maxBytes / PAGE_BYTES));
      // `maximum` is what the memory may grow to: the cap, so a small test memory reserves little.
      this.memory = new WebAssembly.Memory({ initial, maximum: Math.ceil(this.maxBytes / PAGE_BYTES), shared: true });
      this.budget.usedBytes += this.top;
    }
    this.viewF32 = new Float32Array(0);
    this.viewI32 = new Int32Array(0);
    this.viewU32 = new Uint32Array(0);
    this.viewU8 = new Uint8Array(0);
    this.viewU16 = new Uint16Array(0);
    this.refresh();
  }

  /**
   * Allocates `bytes` bytes (rounded up to 64), zero-filled, 64-byte aligned, in this memory.
   * @param use what the block is for, named in the out-of-memory error ("HNSW graph", ...).
   * @returns the byte offset of the block.
   * @throws PgError 53200 `out of memory` (detail `Failed on request of size N in memory
   *   context "use".`, as PostgreSQL's) when neither a free block nor the space left under the
   *   budget's limit holds it; when the budget would allow it but this one memory cannot (its
   *   {@link maxBytes}, 4 GiB at most), the detail says so and the hint names the way out for
   *   an index (whose structures live in one memory). The arena is unchanged then.
   * @param shortLived true for a block freed at the end of the statement (a query vector): it
   *   may take the {@link headroomBytes} that other blocks leave free.
   */
  alloc(bytes: number, use = 'vector arena', shortLived = false): number {
    const ptr = this.tryAlloc(bytes, shortLived);
    if (ptr >= 0) return ptr;
    const size = roundUp(Math.max(bytes, 1), ALIGN_BYTES);
    const underBudget = this.budget.usedBytes + size <= this.budget.limitBytes;
    if (underBudget && this.top + size > this.maxBytes - (shortLived ? 0 : this.headroomBytes)) throw memoryFull(bytes, use, this.maxBytes, this.largestBlock());
    throw outOfMemory(bytes, use);
  }

  /**
   * {@link alloc} that returns -1 instead of throwing when the block does not fit in this
   * memory under the budget (nothing changes then).
   */
  tryAlloc(bytes: number, shortLived = false): number {
    assert(!this.attached, 'allocation in a memory attached from another thread (allocate on the main thread)');
    assert(bytes >= 0 && Number.isFinite(bytes), 'alloc size');
    const size = roundUp(Math.max(bytes, 1), ALIGN_BYTES);
    let ptr = size <= this.maxBytes ? this.takeFree(size) : -1;
    if (ptr < 0) {
      ptr = this.top;
      const end = ptr + size;
      const cap = shortLived ? this.maxBytes : this.maxBytes - this.headroomBytes;
      if (end > cap || this.budget.usedBytes + size > this.budget.limitBytes) return -1;
      const have = this.memory.buffer.byteLength;
      if (end > have) {
        const pages = Math.ceil((end - have) / PAGE_BYTES);
        // Grow geometrically so a bulk load does not grow page by page, but not past the caps.
        const cap = Math.min(this.maxBytes, ptr + this.budget.limitBytes - this.budget.usedBytes);
        const room = Math.ceil(cap / PAGE_BYTES) - have / PAGE_BYTES;
        const want = Math.max(pages, Math.min(room, Math.ceil(have / PAGE_BYTES / 4)));
        try {
          this.memory.grow(want);
        } catch {
          // The host could not commit the pages (address space or memory exhausted).
          return -1;
        }
      }
      this.setTop(end);
    }
    if (ptr < this.highWater) this.u8().fill(0, ptr, Math.min(ptr + size, this.highWater));
    if (this.top > this.highWater) this.highWater = this.top;
    this.bytesInUse += size;
    return ptr;
  }

  /**
   * Bytes of the largest block {@link tryAlloc} (not short-lived) can give now without growing
   * past the memory's cap or the budget's limit: the largest free block, or the room above
   * the top, whichever is larger (a multiple of 64; 0 when none). A structure that may be split
   * (IVFFlat list chunks, access/ivfflat/lists.ts) asks it before taking what room is left.
   */
  largestBlock(): number {
    let best = 0;
    for (let c = CLASS_COUNT - 1; c >= 0 && best === 0; c--) {
      for (const p of this.bins[c]!) best = Math.max(best, this.freeStart.get(p)!);
    }
    const top = Math.min(this.maxBytes - this.headroomBytes - this.top, this.budget.limitBytes - this.budget.usedBytes);
    return Math.max(best, Math.floor(Math.max(0, top) / ALIGN_BYTES) * ALIGN_BYTES);
  }

  /**
   * A block of at least `bytes` bytes for use inside one synchronous call (copying a query
   * vector beside stored ones for a kernel call): reused by the next call, never freed by the
   * caller, and not counted when deciding whether the memory is empty.
   * @throws PgError 53200 as {@link alloc}.
   */
  scratch(bytes: number): number {
    if (bytes > this.scratchSize) {
      const size = roundUp(Math.max(4096, bytes), ALIGN_BYTES);
      const ptr = this.alloc(size, 'vector distance', true);
      const old = this.scratchPtr;
      const oldSize = this.scratchSize;
      this.scratchPtr = ptr;
      this.scratchSize = size;
      if (old !== 0) this.free(old, oldSize);
    }
    return this.scratchPtr;
  }

  /** Bytes of the {@link scratch} block (0 when none was made). */
  get scratchBytes(): number {
    return this.scratchSize;
  }

  /** True when the memory holds no block but its scratch. */
  get isEmpty(): boolean {
    return this.bytesInUse === this.scratchSize;
  }

  /**
   * Returns a block from {@link alloc}; `bytes` must be the size that was asked for. The block
   * merges with free neighbours, and the top drops when the space above it is all free.
   */
  free(ptr: number, bytes: number): void {
    assert(!this.attached, 'free in a memory attached from another thread');
    let size = roundUp(Math.max(bytes, 1), ALIGN_BYTES);
    assert(ptr >= RESERVED_BYTES && ptr % ALIGN_BYTES === 0 && ptr + size <= this.top, 'free of a block outside the arena');
    assert(!this.freeStart.has(ptr), 'double free');
    this.bytesInUse -= size;
    const next = this.freeStart.get(ptr + size);
    if (next !== undefined) {
      this.unlink(ptr + size, next);
      size += next;
    }
    const prev = this.freeEnd.get(ptr);
    if (prev !== undefined) {
      const prevSize = ptr - prev;
      this.unlink(prev, prevSize);
      ptr = prev;
      size += prevSize;
    }
    if (ptr + size === this.top) this.setTop(ptr);
    else this.link(ptr, size);
    if (this.bytesInUse === this.scratchSize) this.budget.emptied?.(this);
  }

  /**
   * This memory, as the memory of any of its addresses: an Arena is a Space (memories.ts) whose
   * addresses are plain offsets, what an index's segmented storage allocates from.
   */
  memoryOf(_addr: number): Arena {
    return this;
  }

  /** Cap on one segment of segmented storage in this memory ({@link segmentBytesFor}). */
  get segmentBytesMax(): number {
    return segmentBytesFor(this.maxBytes);
  }

  /** Bytes currently allocated (not counting free blocks). */
  get allocatedBytes(): number {
    return this.bytesInUse;
  }

  /** Bytes in free blocks below the top (reusable without growing). */
  get freeBytes(): number {
    return this.bytesFree;
  }

  /** End of the used space in bytes (allocated plus free blocks below it plus the reserve). */
  get topBytes(): number {
    return this.top;
  }

  /** Bytes of the WebAssembly memory (never shrinks). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes of the WebAssembly memory's pages that hold data (the top, rounded up to a page). */
  get committedBytes(): number {
    return Math.ceil(this.top / PAGE_BYTES) * PAGE_BYTES;
  }

  /** A Float32Array view of the whole memory (index = ptr >>> 2). Refreshed after growth. */
  f32(): Float32Array {
    if (this.viewF32.buffer.byteLength !== this.memory.buffer.byteLength) this.refresh();
    return this.viewF32;
  }

  /**
   * An Int32Array view of the whole memory (index = ptr >>> 2). A pointer stored in the memory
   * reads back negative here past 2 GiB: read pointers through {@link u32}, or shift them with
   * `>>> 2` (never `>> 2`).
   */
  i32(): Int32Array {
    if (this.viewI32.buffer.byteLength !== this.memory.buffer.byteLength) this.refresh();
    return this.viewI32;
  }

  /** A Uint32Array view of the whole memory (index = ptr >>> 2), for pointers stored in it. */
  u32(): Uint32Array {
    if (this.viewU32.buffer.byteLength !== this.memory.buffer.byteLength) this.refresh();
    return this.viewU32;
  }

  /** A Uint8Array view of the whole memory (index = ptr). */
  u8(): Uint8Array {
    if (this.viewU8.buffer.byteLength !== this.memory.buffer.byteLength) this.refresh();
    return this.viewU8;
  }

  /** A Uint16Array view of the whole memory (index = ptr >>> 1), for binary16 elements. */
  u16(): Uint16Array {
    if (this.viewU16.buffer.byteLength !== this.memory.buffer.byteLength) this.refresh();
    return this.viewU16;
  }

  /** Takes a free block of at least `size` bytes (splitting off the rest), or returns -1. */
  private takeFree(size: number): number {
    if (this.bytesFree < size) return -1;
    const c = sizeClass(size >>> ALIGN_SHIFT);
    // Best fit among the first blocks of the request's own class (some may be too small).
    let best = -1;
    let bestSize = Infinity;
    let seen = 0;
    for (const p of this.bins[c]!) {
      const s = this.freeStart.get(p)!;
      if (s >= size && s < bestSize) {
        best = p;
        bestSize = s;
        if (s === size) break;
      }
      if (++seen === BEST_FIT_SCAN) break;
    }
    // Else any block of a larger class fits; take the smallest class that has one.
    for (let k = c + 1; best < 0 && k < CLASS_COUNT; k++) {
      const bin = this.bins[k]!;
      if (bin.size === 0) continue;
      best = bin.values().next().value!;
      bestSize = this.freeStart.get(best)!;
    }
    if (best < 0) return -1;
    this.unlink(best, bestSize);
    if (bestSize > size) this.link(best + size, bestSize - size);
    return best;
  }

  private link(ptr: number, size: number): void {
    this.freeStart.set(ptr, size);
    this.freeEnd.set(ptr + size, ptr);
    this.bins[sizeClass(size >>> ALIGN_SHIFT)]!.add(ptr);
    this.bytesFree += size;
  }

  private unlink(ptr: number, size: number): void {
    this.freeStart.delete(ptr);
    this.freeEnd.delete(ptr + size);
    this.bins[sizeClass(size >>> ALIGN_SHIFT)]!.delete(ptr);
    this.bytesFree -= size;
  }

  private setTop(top: number): void {
    this.budget.usedBytes += top - this.top;
    this.top = top;
  }

  private refresh(): void {
    const buf = this.memory.buffer;
    owners.set(buf, this);
    this.viewF32 = new Float32Array(buf);
    this.viewI32 = new Int32Array(buf);
    this.viewU32 = new Uint32Array(buf);
    this.viewU8 = new Uint8Array(buf);
    this.viewU16 = new Uint16Array(buf);
  }
}

/**
 * Bytes of the largest block a new, empty memory of `maxBytes` holds (not short-lived): the
 * memory less the first 64 KiB the WebAssembly modules keep and the headroom of short-lived
 * blocks ({@link Arena.headroomBytes}).
 */
export function blockBytesMax(maxBytes: number): number {
  return Math.min(ARENA_MAX_BYTES, maxBytes) - RESERVED_BYTES - Math.min(2 ** 20, Math.floor(Math.min(ARENA_MAX_BYTES, maxBytes) / 32));
}

/**
 * The default cap on the memories' total: half the machine's memory (the rest is for Node.js,
 * the operating system's file cache and the application), rounded down to a MiB, at least 64
 * MiB. No cap of one memory applies: past 4 GiB the set adds memories (memories.ts).
 */
export function defaultArenaLimitBytes(): number {
  const half = Math.floor(totalmem() / 2 / 2 ** 20) * 2 ** 20;
  return Math.max(64 * 2 ** 20, half);
}

/** PostgreSQL's 53200 for a request the memories cannot hold (mcxt.c's message and detail). */
export function outOfMemory(bytes: number, use: string): PgError {
  return new PgError(SQLSTATE.out_of_memory, 'out of memory', {
    detail: `Failed on request of size ${bytes} in memory context "${use}".`,
  });
}

/**
 * 53200 for a request that `vecgres.memory_limit` allows but the one memory it must go in
 * cannot hold (`room` bytes left there): a block that another memory cannot stand in for (a
 * structure of an HNSW partition, the centers or build scratch of an IVFFlat index, a scan's
 * block beside the vectors it reads). HNSW catches it ({@link isMemoryFull}) and continues in a
 * new partition; IVFFlat lists continue in further chunks; what reaches the user is a block
 * that does not fit even so. The detail is PostgreSQL's (request size and use) and says what
 * is full; the hint says the limit is not the cause and what shrinks the block.
 */
function memoryFull(bytes: number, use: string, maxBytes: number, room: number): PgError {
  const e = new PgError(SQLSTATE.out_of_memory, 'out of memory', {
    detail: `Failed on request of size ${bytes} in memory context "${use}": the block must lie in one WebAssembly memory (at most ${sizeText(maxBytes)}), which has ${sizeText(room)} left.`,
    hint: 'vecgres.memory_limit is not what failed: raising it does not help. One block of this structure is larger than a memory holds; make it smaller (an IVFFlat index with fewer lists keeps fewer centers, an index over a halfvec expression takes half the space).',
  });
  memoryFullErrors.add(e);
  return e;
}

/** The errors {@link memoryFull} made (the limit allowed the request; the one memory did not). */
const memoryFullErrors = new WeakSet<object>();

/**
 * True when `e` is a 53200 raised because one memory was full while `vecgres.memory_limit`
 * still allowed the request: an HNSW index then continues in a new partition
 * (access/hnsw/partitions.ts); any other 53200 (the limit) is final.
 */
export function isMemoryFull(e: unknown): boolean {
  return typeof e === 'object' && e !== null && memoryFullErrors.has(e);
}

/** Bytes as the messages name them: GiB with two decimals, else MiB, else kB. */
function sizeText(bytes: number): string {
  if (bytes >= 2 ** 30) return `${+(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${+(bytes / 2 ** 20).toFixed(2)} MiB`;
  return `${Math.floor(bytes / 1024)} kB`;
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
