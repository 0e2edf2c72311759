/**
 * The side heap of a sparsevec HNSW graph: the keys (nnz u32 indices, then nnz f32 values, 8
 * bytes per non-zero) that do not fit a fixed-size record. A record holds the descriptor
 * [pointer, nnz, 0, 0] (layout.ts METRIC_SPARSE_*); the pointer is an offset in the graph's
 * memory, where the graph kernel reads the key.
 *
 * Space comes from blocks of at least {@link SPARSE_BLOCK_BYTES} (a sixteenth of a smaller
 * memory, as table segments: arena.ts segmentBytesFor) taken from the graph's memory and filled
 * front to back; a block never moves, so a descriptor stays valid while the heap grows. Keys of
 * nodes that vacuum removes are counted as free; {@link SparseHeap.compact} (run by vacuum when
 * they are a quarter of the heap or more) copies the live keys into fresh blocks and frees the
 * old ones, so DELETE + VACUUM gives the space back to that memory.
 */
import { segmentBytesFor, type Arena } from '../../kernels/arena.js';

/** Smallest block the heap takes from a memory of the usual size (a 16,000-nnz key is 128,000 bytes). */
export const SPARSE_BLOCK_BYTES = 1 << 20;

interface Block {
  ptr: number;
  bytes: number;
  used: number;
}

export class SparseHeap {
  /** @param arena the graph's memory: the keys lie beside the records that point at them */
  constructor(readonly arena: Arena) {}

  private blocks: Block[] = [];
  /** Bytes of keys that no descriptor points at any more (removed nodes). */
  freeBytes = 0;
  /** Bytes of keys handed out, live or free. */
  usedBytes = 0;

  /**
   * Space for `bytes` bytes of key (a multiple of 4). Reserve-then-write: the caller writes
   * after every allocation it needs has succeeded.
   * @throws PgError 53200 when the arena cannot hold another block; the heap is unchanged then.
   */
  alloc(bytes: number): number {
    const last = this.blocks[this.blocks.length - 1];
    const size = (bytes + 15) & ~15;
    if (last === undefined || last.used + size > last.bytes) {
      const blockBytes = Math.max(Math.min(SPARSE_BLOCK_BYTES, segmentBytesFor(this.arena.maxBytes)), size);
      const ptr = this.arena.alloc(blockBytes, 'HNSW sparse keys');
      this.blocks.push({ ptr, bytes: blockBytes, used: 0 });
    }
    const b = this.blocks[this.blocks.length - 1]!;
    const ptr = b.ptr + b.used;
    b.used += size;
    this.usedBytes += size;
    return ptr;
  }

  /** The key of `nnz` non-zeros no longer has a descriptor (its node was removed). */
  release(nnz: number): void {
    this.freeBytes += (nnz * 8 + 15) & ~15;
  }

  /** Bytes taken from the arena. */
  sizeBytes(): number {
    let s = 0;
    for (const b of this.blocks) s += b.bytes;
    return s;
  }

  /**
   * Copies the keys the descriptors at `descPtrs` point at into new blocks, rewrites those
   * descriptors, and frees the old blocks. New space is taken before old space is freed, so a
   * 53200 leaves the heap as it was.
   */
  compact(descPtrs: readonly number[]): void {
    const old = this.blocks;
    const fresh = new SparseHeap(this.arena);
    const moved = new Array<number>(descPtrs.length);
    try {
      for (let k = 0; k < descPtrs.length; k++) moved[k] = fresh.alloc(this.arena.u32()[(descPtrs[k]! >>> 2) + 1]! * 8);
    } catch (e) {
      fresh.dispose();
      throw e;
    }
    const u8 = this.arena.u8();
    const u32 = this.arena.u32();
    for (let k = 0; k < descPtrs.length; k++) {
      const d = descPtrs[k]! >>> 2;
      const from = u32[d]!;
      u8.copyWithin(moved[k]!, from, from + u32[d + 1]! * 8);
      u32[d] = moved[k]!;
    }
    for (const b of old) this.arena.free(b.ptr, b.bytes);
    this.blocks = fresh.blocks;
    this.usedBytes = fresh.usedBytes;
    this.freeBytes = 0;
  }

  dispose(): void {
    for (const b of this.blocks) this.arena.free(b.ptr, b.bytes);
    this.blocks = [];
    this.usedBytes = 0;
    this.freeBytes = 0;
  }
}
