/**
 * The arena: one shared WebAssembly.Memory that holds every vector segment and index array,
 * so the SIMD kernels (dist/wasm/kernels.wasm) can read them without copying and worker
 * threads can share them (the memory is backed by a SharedArrayBuffer).
 *
 * Addresses are byte offsets ("pointers") into the memory: unsigned numbers up to 2^32, shifted
 * with `>>>` and held in Uint32Array (a signed `>> 2` or an Int32Array turns an offset past
 * 2 GiB negative). The WebAssembly kernels take them as `usize` (u32) parameters. Shared memory never detaches on
 * grow, so a typed-array view made over an allocation stays valid for the life of the process;
 * only the whole-memory views below must be refreshed after a grow, which {@link Arena.f32}
 * and friends do.
 *
 * Limit: one 32-bit memory is at most 4 GiB (65,536 pages of 64 KiB). Allocation past that
 * throws PgError 53200 out_of_memory.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { assert } from '../common/assert.js';

const PAGE_BYTES = 65536;
const MAX_PAGES = 65536;
/** Allocations are aligned to a cache line so SIMD loads never straddle one at a row start. */
const ALIGN_BYTES = 64;
/** The first 64 KiB are left to the WebAssembly modules' own static data and scratch. */
const RESERVED_BYTES = PAGE_BYTES;

export class Arena {
  readonly memory: WebAssembly.Memory;
  private top = RESERVED_BYTES;
  /** Freed blocks by exact size: segments and index arrays come in few distinct sizes. */
  private readonly freeBySize = new Map<number, number[]>();
  private bytesInUse = 0;
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
   * @returns the byte offset of the block.
   * @throws PgError 53200 when the 4 GiB memory is exhausted.
   */
  alloc(bytes: number): number {
    assert(bytes >= 0 && Number.isFinite(bytes), 'alloc size');
    const size = roundUp(Math.max(bytes, 1), ALIGN_BYTES);
    const list = this.freeBySize.get(size);
    let ptr: number;
    if (list !== undefined && list.length > 0) {
      ptr = list.pop()!;
      this.u8().fill(0, ptr, ptr + size);
    } else {
      ptr = this.top;
      const end = ptr + size;
      const have = this.memory.buffer.byteLength;
      if (end > have) {
        const pages = Math.ceil((end - have) / PAGE_BYTES);
        // Grow geometrically so a bulk load does not grow page by page.
        const want = Math.min(MAX_PAGES - have / PAGE_BYTES, Math.max(pages, Math.ceil(have / PAGE_BYTES / 4)));
        if (want < pages) {
          throw new PgError(SQLSTATE.out_of_memory, 'out of memory', {
            detail: `Failed on request of size ${size} in the vector arena (4 GiB limit).`,
          });
        }
        this.memory.grow(want);
      }
      this.top = end;
    }
    this.bytesInUse += size;
    return ptr;
  }

  /** Returns a block from {@link alloc}; `bytes` must be the size that was asked for. */
  free(ptr: number, bytes: number): void {
    const size = roundUp(Math.max(bytes, 1), ALIGN_BYTES);
    let list = this.freeBySize.get(size);
    if (list === undefined) this.freeBySize.set(size, (list = []));
    list.push(ptr);
    this.bytesInUse -= size;
  }

  /** Bytes currently allocated (not counting freed blocks kept for reuse). */
  get allocatedBytes(): number {
    return this.bytesInUse;
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

  private refresh(): void {
    const buf = this.memory.buffer;
    this.viewF32 = new Float32Array(buf);
    this.viewI32 = new Int32Array(buf);
    this.viewU32 = new Uint32Array(buf);
    this.viewU8 = new Uint8Array(buf);
  }
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** The process-wide arena that tables and indexes allocate from. */
export const arena = new Arena();
