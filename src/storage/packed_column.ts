/**
 * Column storage for pgvector's halfvec and sparsevec and PostgreSQL's bit / bit varying, in
 * the memories (kernels/memories.ts) beside the vector segments (no per-row JS objects):
 *
 * - `halfvec(n)`: segments (segments.ts, sized in bytes) of rows x n binary16 values (2 bytes
 *   per dimension, pgvector's on-disk layout), addressed as vector(n) rows are;
 * - `bit(n)`: segments of rows x ceil(n / 8) bytes (MSB first, pad bits zero, as varbit.c);
 * - `halfvec`, `bit varying(n)` / `varbit` (lengths differ per row) and `sparsevec`: one memory
 *   block per row, its pointer and length in typed arrays. A sparsevec block is the nnz int32
 *   0-based indices followed by the nnz float32 values (pgvector's layout after the header),
 *   with the dimension count kept beside it.
 *
 * The segments of `halfvec(n)` and `bit(n)` columns take part in the buffer cache
 * (buffer_cache.ts) as `vector(n)` segments do: a checkpoint writes each full segment to a
 * segment file once, and clean segments may be evicted and read back.
 *
 * Values read back ({@link PackedColumn.get}) are views over their memory for per-row blocks
 * (a Uint16Array, a {@link BitString} or a {@link SparseVector} whose arrays alias the stored
 * bytes; shared WebAssembly memory never detaches, so a view stays valid; callers must not
 * write through it) and copies for the fixed-width columns (the cache may evict their segment
 * once the read is done).
 */
import { assert } from '../common/assert.js';
import { sharedU8 } from '../common/shared_arrays.js';
import { memories } from '../kernels/memories.js';
import { BitString } from '../types/bit.js';
import { SparseVector } from '../types/sparsevec.js';
import { SegmentedRows, releaseDeadSegments } from './segments.js';

/** The column types stored here. */
export type PackedKind = 'halfvec' | 'bit' | 'varbit' | 'sparsevec';

/** A value this column stores. */
export type PackedValue = Uint16Array | BitString | SparseVector;

/** Bytes a non-null value of `kind` occupies given its length (dims, bits or nnz). */
function blockBytes(kind: PackedKind, len: number): number {
  switch (kind) {
    case 'halfvec': return len * 2;
    case 'bit':
    case 'varbit': return (len + 7) >>> 3;
    case 'sparsevec': return len * 8;
  }
}

/**
 * Storage of one halfvec / sparsevec / bit / varbit column. `typmod` fixes the row width for
 * `halfvec(n)` and `bit(n)`; other columns keep a block per row.
 */
export class PackedColumn {
  readonly kind: PackedKind;
  /** Fixed row width in bytes, or -1 for per-row blocks. */
  readonly width: number;
  /** Fixed length (dims or bits) for fixed-width columns. */
  readonly fixedLen: number;
  /** Fixed-width rows (null for per-row blocks). */
  private readonly store: SegmentedRows | null;
  /** 1 = SQL NULL (or a dead slot), per rowId; shared memory, read in place by parallel scans' workers. */
  nulls = sharedU8(0);
  /** Per-row blocks: address (kernels/memories.ts; 0 when the block is empty or the value NULL). */
  rowPtr = new Float64Array(0);
  /** Per-row blocks: dims (halfvec), bits (varbit) or nnz (sparsevec). */
  rowLen = new Int32Array(0);
  /** sparsevec: the dimension count per row. */
  rowDim = new Int32Array(0);

  constructor(kind: PackedKind, typmod: number) {
    this.kind = kind;
    const fixed = typmod > 0 && (kind === 'halfvec' || kind === 'bit');
    this.fixedLen = fixed ? typmod : -1;
    this.width = fixed ? blockBytes(kind, typmod) : -1;
    // Full segments take part in the buffer cache (storage/buffer_cache.ts).
    this.store = fixed ? new SegmentedRows(this.width, `${kind} column`, memories, true) : null;
  }

  /**
   * The segments of a fixed-width column (null for per-row blocks): for scans on worker threads,
   * and what a checkpoint writes segment files of.
   */
  segmentedRows(): SegmentedRows | null {
    return this.store;
  }

  /** Grows the per-row arrays to `cap` rows. */
  grow(cap: number): void {
    const n = sharedU8(cap);
    n.set(this.nulls);
    this.nulls = n;
    if (this.width < 0) {
      this.rowPtr = growF64(this.rowPtr, cap);
      this.rowLen = growI32(this.rowLen, cap);
      if (this.kind === 'sparsevec') this.rowDim = growI32(this.rowDim, cap);
    }
  }

  /**
   * Address of row `rowId`'s data (0 for NULL or an empty block): its memory is
   * `memories.memoryOf(addr)`, `addr >>> 0` the byte offset there.
   */
  ptr(rowId: number): number {
    if (this.nulls[rowId] === 1) return 0;
    if (this.width < 0) return this.rowPtr[rowId]!;
    return this.store!.ptr(rowId);
  }

  /**
   * {@link ptr} for an exact scan that streams over the rows in order and passes each address
   * straight to a kernel: only the segment it is on stays pinned in the buffer cache
   * (segments.ts `ptrStream`), so the address is valid until the next read of any cached row.
   */
  ptrStream(rowId: number): number {
    if (this.nulls[rowId] === 1) return 0;
    if (this.width < 0) return this.rowPtr[rowId]!;
    return this.store!.ptrStream(rowId);
  }

  /**
   * Fixed-width columns: room for rows 0 .. `last` (Table.prepareRows, before any of the
   * batch's rows takes its place); `committed` rows are copied if the first segment moves.
   * @throws PgError 53200 when the memories cannot hold them; nothing changes then.
   */
  reserveRows(last: number, committed: number, retired: number[]): void {
    this.store?.reserve(last, committed, retired);
  }

  /** Length (dims, bits or nnz) of row `rowId`. */
  len(rowId: number): number {
    return this.width >= 0 ? this.fixedLen : this.rowLen[rowId]!;
  }

  /**
   * Stores a value (already checked against the column's type) at `rowId`, the next row.
   * @throws PgError 53200 when the memories cannot hold it; nothing changes then.
   */
  set(rowId: number, v: PackedValue | number | null): void {
    const retired: number[] = [];
    const blocks: number[] = [];
    const ptr = this.place(rowId, v, retired, blocks);
    this.write(rowId, v, ptr);
    SegmentedRows.freeRetired(memories, retired);
  }

  /**
   * First half of storing `v` at `rowId`: makes room and returns the row's pointer (0 for
   * NULL or an empty block) without writing. A moved first segment goes to `retired` and a new
   * per-row block to `blocks` (pointer, bytes), for the caller to free after the write, or on
   * failure. A number for `v` (recovery: a checkpoint delta's row whose bytes a segment file
   * holds, Table.writeDelta) only marks the row's segment as held by its file. `committed`:
   * the rows written so far (a moved first segment copies them), `rowId` unless rows before it
   * are prepared and not yet written (Table.prepareRows).
   * @throws PgError 53200 when the memories cannot hold it.
   */
  place(rowId: number, v: PackedValue | number | null, retired: number[], blocks: number[], committed = rowId): number {
    if (v === null) return 0;
    if (typeof v === 'number') {
      assert(this.store !== null, 'only a fixed-width row is held by a segment file');
      this.store.evictForFile(rowId);
      return 0;
    }
    if (this.store !== null) {
      this.store.reserve(rowId, committed, retired);
      return this.store.ptr(rowId);
    }
    const bytes = blockBytes(this.kind, valueLen(v));
    if (bytes === 0) return 0;
    const ptr = memories.alloc(bytes, `${this.kind} column`);
    blocks.push(ptr, bytes);
    return ptr;
  }

  /** Second half: writes `v` at `ptr` from {@link place}. Cannot fail. */
  write(rowId: number, v: PackedValue | number | null, ptr: number): void {
    if (v === null) {
      this.nulls[rowId] = 1;
      return;
    }
    // In a segment file (place): nothing to write, the row is not NULL.
    if (typeof v === 'number') return;
    const len = valueLen(v);
    if (this.width < 0) {
      this.rowPtr[rowId] = ptr;
      this.rowLen[rowId] = len;
    }
    if (!(v instanceof Uint16Array) && !(v instanceof BitString)) this.rowDim[rowId] = v.dim;
    // An empty value (B'', a sparsevec without non-zeros) has no block: nothing to copy.
    if (ptr === 0) return;
    const u8 = memories.memoryOf(ptr).u8();
    const off = ptr >>> 0;
    if (v instanceof Uint16Array) {
      u8.set(new Uint8Array(v.buffer, v.byteOffset, v.length * 2), off);
    } else if (v instanceof BitString) {
      u8.set(v.bytes, off);
    } else {
      u8.set(new Uint8Array(v.indices.buffer, v.indices.byteOffset, len * 4), off);
      u8.set(new Uint8Array(v.values.buffer, v.values.byteOffset, len * 4), off + len * 4);
    }
  }

  /**
   * The value at `rowId`, or null: a copy for a fixed-width column (its segment may be evicted
   * by the buffer cache once the read is done, so no view of a cached segment outlives this
   * call, and the segment is pinned only while it is copied), else a view over its memory.
   */
  get(rowId: number): Uint16Array | BitString | SparseVector | null {
    if (this.nulls[rowId] === 1) return null;
    if (this.store !== null) {
      const p = this.store.ptrRow(rowId);
      const u8 = memories.memoryOf(p).u8();
      const off = p >>> 0;
      if (this.kind === 'halfvec') {
        const out = new Uint16Array(this.fixedLen);
        new Uint8Array(out.buffer).set(u8.subarray(off, off + this.width));
        return out;
      }
      return new BitString(this.fixedLen, u8.slice(off, off + this.width));
    }
    const addr = this.ptr(rowId);
    const len = this.len(rowId);
    // An empty block (address 0) is a zero-length view of any memory.
    const buf = (addr === 0 ? memories.any() : memories.memoryOf(addr)).u8().buffer;
    const ptr = addr >>> 0;
    switch (this.kind) {
      case 'halfvec':
        return new Uint16Array(buf, ptr, len);
      case 'bit':
      case 'varbit':
        return new BitString(len, new Uint8Array(buf, ptr, (len + 7) >>> 3));
      case 'sparsevec':
        return new SparseVector(this.rowDim[rowId]!, new Int32Array(buf, ptr, len), new Float32Array(buf, ptr + len * 4, len));
    }
  }

  /** Bytes held in memories by `slots` rows. */
  sizeBytes(slots: number): number {
    if (this.store !== null) return this.store.sizeBytes();
    let bytes = 0;
    for (let r = 0; r < slots; r++) if (this.nulls[r] === 0) bytes += blockBytes(this.kind, this.rowLen[r]!);
    return bytes;
  }

  /**
   * Gives back the memory of dead rows (VACUUM): full segments whose rows are all dead, and the
   * blocks of dead rows stored per row. `isDead(r)` is true for a dead slot; `slots` rows exist.
   */
  releaseDead(slots: number, isDead: (r: number) => boolean): void {
    if (this.store !== null) {
      releaseDeadSegments(this.store, slots, isDead, this.nulls);
      return;
    }
    for (let r = 0; r < slots; r++) {
      const p = this.rowPtr[r]!;
      if (p === 0 || !isDead(r)) continue;
      memories.free(p, blockBytes(this.kind, this.rowLen[r]!));
      this.rowPtr[r] = 0;
      this.nulls[r] = 1;
    }
  }

  /** Releases the memory blocks (DROP TABLE). */
  dispose(slots: number): void {
    if (this.store !== null) {
      this.store.dispose();
      return;
    }
    for (let r = 0; r < slots; r++) {
      const p = this.rowPtr[r]!;
      if (p !== 0) memories.free(p, blockBytes(this.kind, this.rowLen[r]!));
      this.rowPtr[r] = 0;
    }
  }
}

function valueLen(v: PackedValue): number {
  return v instanceof Uint16Array ? v.length : v instanceof BitString ? v.length : v.indices.length;
}

function growF64(a: Float64Array<ArrayBuffer>, cap: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

function growI32(a: Int32Array<ArrayBuffer>, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
