/**
 * The arena: one shared WebAssembly.Memory that holds every vector segment and index array,
 * so the SIMD kernels (dist/wasm/kernels.wasm) can read them without copying and worker
 * threads can share them (the memory is backed by a SharedArrayBuffer).
 *
 * Addresses are byte offsets ("pointers") into the memory: unsigned numbers up to 2^32, shifted
 * with `>>>` and held in Uint32Array (a signed `>> 2` or an Int32Array turns an offset past
 * 2 GiB negative). The WebAssembly kernels take them as `usize` (u32) parameters.
 *
 * Shared memory never detaches on grow, so a typed-array view made over an allocation stays
 * valid for the life of the process; only the whole-memory views below must be refreshed after
 * a grow, which {@link Arena.f32} and friends do.
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
 * Limits: one 32-bit memory is at most 4 GiB (65,536 pages of 64 KiB); {@link Arena.limitBytes}
 * (the `vecgres.memory_limit` setting) caps the used space below that. A request that neither
 * a free block nor the space under the limit can hold throws PgError 53200 `out of memory`
 * naming the request's size and use, and leaves the arena as it was.
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

/** Size class of a block of `units` 64-byte units. */
function sizeClass(units: number): number {
  if (units < LINEAR_UNITS) return units;
  const fl = 31 - Math.clz32(units);
  const sl = (units >>> (fl - 2)) & (SUB_CLASSES - 1);
  return LINEAR_UNITS + (fl - 4) * SUB_CLASSES + sl;
}

export class Arena {
  readonly memory: WebAssembly.Memory;
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
  /** Cap on the used space (top), bytes; at most {@link ARENA_MAX_BYTES}. */
  private limit = defaultArenaLimitBytes();
  private viewF32: Float32Array;
  private viewI32: Int32Array;
  private viewU32: Uint32Array;
  private viewU8: Uint8Array;

  constructor(initialPages = 16) {
    this.memory = new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: true });
    this.viewF32 = new Float32Array(this.memory.buffer);
    this.viewI32 = new Int32Array(this.memory.buffer);
    this.viewU32 = new Uint32Array(this.memory.buffer);
    this.viewU8 = new Uint8Array(this.memory.buffer);
  }

  /**
   * Allocates `bytes` bytes (rounded up to 64), zero-filled, 64-byte aligned.
   * @param use what the block is for, named in the out-of-memory error ("HNSW graph", ...).
   * @returns the byte offset of the block.
   * @throws PgError 53200 `out of memory` (detail `Failed on request of size N in memory
   *   context "use".`, as PostgreSQL's) when neither a free block nor the space left under
   *   {@link limitBytes} holds it; the arena is unchanged then.
   */
  alloc(bytes: number, use = 'vector arena'): number {
    assert(bytes >= 0 && Number.isFinite(bytes), 'alloc size');
    const size = roundUp(Math.max(bytes, 1), ALIGN_BYTES);
    let ptr = size <= ARENA_MAX_BYTES ? this.takeFree(size) : -1;
    if (ptr < 0) {
      ptr = this.top;
      const end = ptr + size;
      if (end > this.limit) throw outOfMemory(bytes, use);
      const have = this.memory.buffer.byteLength;
      if (end > have) {
        const pages = Math.ceil((end - have) / PAGE_BYTES);
        // Grow geometrically so a bulk load does not grow page by page, but not past the limit.
        const room = Math.ceil(this.limit / PAGE_BYTES) - have / PAGE_BYTES;
        const want = Math.min(room, Math.max(pages, Math.ceil(have / PAGE_BYTES / 4)));
        try {
          this.memory.grow(want);
        } catch {
          // The host could not commit the pages (address space or memory exhausted).
          throw outOfMemory(bytes, use);
        }
      }
      this.top = end;
    }
    if (ptr < this.highWater) this.u8().fill(0, ptr, Math.min(ptr + size, this.highWater));
    if (this.top > this.highWater) this.highWater = this.top;
    this.bytesInUse += size;
    return ptr;
  }

  /**
   * Returns a block from {@link alloc}; `bytes` must be the size that was asked for. The block
   * merges with free neighbours, and the top drops when the space above it is all free.
   */
  free(ptr: number, bytes: number): void {
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
    if (ptr + size === this.top) this.top = ptr;
    else this.link(ptr, size);
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

  /** The cap on the used space, bytes (`vecgres.memory_limit`). */
  get limitBytes(): number {
    return this.limit;
  }

  /**
   * Sets the cap on the used space; clamped to what one memory addresses. Lowering it below
   * the current top frees nothing: later requests that need new space fail until space is freed.
   */
  set limitBytes(bytes: number) {
    assert(bytes > 0 && Number.isFinite(bytes), 'arena limit');
    this.limit = Math.min(ARENA_MAX_BYTES, Math.floor(bytes));
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

  private refresh(): void {
    const buf = this.memory.buffer;
    this.viewF32 = new Float32Array(buf);
    this.viewI32 = new Int32Array(buf);
    this.viewU32 = new Uint32Array(buf);
    this.viewU8 = new Uint8Array(buf);
  }
}

/**
 * The default cap on the arena: half the machine's memory (the rest is for Node.js, the
 * operating system's file cache and the application), at most what one memory addresses,
 * rounded down to a MiB.
 */
export function defaultArenaLimitBytes(): number {
  const half = Math.floor(totalmem() / 2 / 2 ** 20) * 2 ** 20;
  return Math.max(64 * 2 ** 20, Math.min(ARENA_MAX_BYTES, half));
}

/** PostgreSQL's 53200 for a request the arena cannot hold (mcxt.c's message and detail). */
function outOfMemory(bytes: number, use: string): PgError {
  return new PgError(SQLSTATE.out_of_memory, 'out of memory', {
    detail: `Failed on request of size ${bytes} in memory context "${use}".`,
  });
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** The process-wide arena that tables and indexes allocate from. */
export const arena = new Arena();
