/**
 * The HNSW graph in the arena: a 64-byte header, one allocation of fixed-size level-0 records
 * (vector + node header + layer-0 neighbour ids, as hnswlib's data_level0_memory_), and a pool
 * for the upper layers' lists. Layout drawn in layout.ts. Nodes are numbered densely from 0 in
 * insertion order; the record holds the table rowId (hnswlib's "label").
 *
 * Growth (inserts after the build) reallocates the record block and the pool and copies them;
 * node numbers and pool offsets are relative, so nothing else changes.
 */
import { assert } from '../../common/assert.js';
import { arena } from '../../kernels/arena.js';
import {
  FLAG_DELETED, G_DIM, G_EFC, G_ENTRY, G_HDR, G_L0, G_M, G_M0, G_MAXLEVEL, G_METRIC, G_REC,
  G_UPPER, G_COUNT, GRAPH_HEADER_BYTES, N_FLAGS, N_LEVEL, N_ROW, N_UPPER, NODE_HEADER_WORDS, roundUp,
} from './layout.js';

/** Cap on a node's level: hnswlib has none, but at mL = 1/ln(2) 31 layers hold 2^31 nodes. */
export const HNSW_MAX_LEVEL = 31;

export class HnswGraph {
  /** Pointer to the graph header (what the kernel takes as `g`). */
  readonly g: number;
  readonly dim: number;
  /** dim rounded up to a multiple of 4 (SIMD lanes); the pad is zero. */
  readonly dimP: number;
  readonly m: number;
  readonly m0: number;
  readonly recBytes: number;
  readonly hdrBytes: number;
  private l0 = 0;
  private capacity = 0;
  private upper = 0;
  private upperCapWords = 0;
  private upperUsedWords = 0;
  private disposed = false;

  /**
   * @param dim vector dimensions (1..16000)
   * @param metric METRIC_* code of layout.ts
   * @param capacity nodes to preallocate records for
   */
  constructor(dim: number, metric: number, m: number, efConstruction: number, capacity: number) {
    this.dim = dim;
    this.dimP = roundUp(dim, 4);
    this.m = m;
    this.m0 = 2 * m;
    this.hdrBytes = this.dimP * 4;
    this.recBytes = roundUp(this.hdrBytes + 4 * (NODE_HEADER_WORDS + this.m0), 16);
    this.g = arena.alloc(GRAPH_HEADER_BYTES);
    const h = arena.i32();
    const g = this.g >>> 2;
    h[g + G_DIM] = this.dimP;
    h[g + G_METRIC] = metric;
    h[g + G_REC] = this.recBytes;
    h[g + G_HDR] = this.hdrBytes;
    h[g + G_M] = m;
    h[g + G_M0] = this.m0;
    h[g + G_EFC] = efConstruction;
    h[g + G_ENTRY] = -1;
    h[g + G_MAXLEVEL] = -1;
    h[g + G_COUNT] = 0;
    this.reserve(Math.max(capacity, 16));
    // Expected upper-layer words per node: sum over L >= 1 of P(level >= L) * (m + 1) with
    // P(level >= L) = m^-L, i.e. (m + 1) / (m - 1); 25% slack avoids a regrowth at the end.
    this.reserveUpper(Math.ceil(Math.max(capacity, 16) * 1.25 * (m + 1) / (m - 1)) + 64 * (m + 1));
  }

  /** Nodes in the graph (including deleted ones). */
  get count(): number {
    return arena.i32()[(this.g >>> 2) + G_COUNT]!;
  }

  get entry(): number {
    return arena.i32()[(this.g >>> 2) + G_ENTRY]!;
  }

  get maxLevel(): number {
    return arena.i32()[(this.g >>> 2) + G_MAXLEVEL]!;
  }

  /** Byte pointer to node `n`'s vector. */
  vecPtr(n: number): number {
    return this.l0 + n * this.recBytes;
  }

  /** Word index (into arena.i32()) of node `n`'s header. */
  hdrWord(n: number): number {
    return (this.l0 + n * this.recBytes + this.hdrBytes) >>> 2;
  }

  rowId(n: number): number {
    return arena.i32()[this.hdrWord(n) + N_ROW]!;
  }

  level(n: number): number {
    return arena.i32()[this.hdrWord(n) + N_LEVEL]!;
  }

  isDeleted(n: number): boolean {
    return (arena.i32()[this.hdrWord(n) + N_FLAGS]! & FLAG_DELETED) !== 0;
  }

  markDeleted(n: number): void {
    arena.i32()[this.hdrWord(n) + N_FLAGS]! |= FLAG_DELETED;
  }

  /**
   * Appends a node: copies `src[srcOff .. srcOff + dim)` into its record, multiplied by `scale`
   * (1 / norm for cosine), and reserves its upper-layer lists. The caller then links it with
   * the kernel's insert. Returns the node number.
   */
  addNode(rowId: number, src: Float32Array, srcOff: number, scale: number, level: number): number {
    assert(level >= 0 && level <= HNSW_MAX_LEVEL, 'hnsw level');
    const n = this.count;
    if (n === this.capacity) this.reserve(Math.max(16, Math.ceil(this.capacity * 1.5)));
    const upperWords = level * (this.m + 1);
    if (this.upperUsedWords + upperWords > this.upperCapWords) {
      this.reserveUpper(Math.max(this.upperUsedWords + upperWords, Math.ceil(this.upperCapWords * 1.5)));
    }
    const f = arena.f32();
    const i = arena.i32();
    const v = this.vecPtr(n) >>> 2;
    if (scale === 1) f.set(src.subarray(srcOff, srcOff + this.dim), v);
    else for (let k = 0; k < this.dim; k++) f[v + k] = src[srcOff + k]! * scale;
    const h = this.hdrWord(n);
    i[h + N_ROW] = rowId;
    i[h + N_LEVEL] = level;
    i[h + N_UPPER] = level > 0 ? this.upperUsedWords : -1;
    this.upperUsedWords += upperWords;
    i[(this.g >>> 2) + G_COUNT] = n + 1;
    return n;
  }

  /** Bytes the graph occupies: header, record block and upper pool (allocated capacity). */
  sizeBytes(): number {
    return GRAPH_HEADER_BYTES + this.capacity * this.recBytes + this.upperCapWords * 4;
  }

  /** Bytes in use by nodes (records of existing nodes and their upper lists). */
  usedBytes(): number {
    return GRAPH_HEADER_BYTES + this.count * this.recBytes + this.upperUsedWords * 4;
  }

  /** Neighbour ids of node `n` on `level` (a copy; for tests and vacuum). */
  neighbours(n: number, level: number): Int32Array {
    const i = arena.i32();
    let w: number;
    if (level === 0) w = this.hdrWord(n) + NODE_HEADER_WORDS - 1;
    else w = (this.upper >>> 2) + i[this.hdrWord(n) + N_UPPER]! + (level - 1) * (this.m + 1);
    return i.slice(w + 1, w + 1 + i[w]!);
  }

  /** Word index of the count word of node `n`'s list on `level` (ids follow it). */
  listWord(n: number, level: number): number {
    if (level === 0) return this.hdrWord(n) + NODE_HEADER_WORDS - 1;
    return (this.upper >>> 2) + arena.i32()[this.hdrWord(n) + N_UPPER]! + (level - 1) * (this.m + 1);
  }

  /** Words of the upper-layer pool in use (persist.ts saves exactly these). */
  get upperUsed(): number {
    return this.upperUsedWords;
  }

  /** Byte pointer to the upper-layer pool. */
  get upperPtr(): number {
    return this.upper;
  }

  /**
   * Loading a saved graph (persist.ts): makes room for `count` records and `upperWords` pool
   * words and marks them used. The caller then fills the records, the pool and the header's
   * entry point and level.
   */
  restoreSpace(count: number, upperWords: number): void {
    if (count > this.capacity) this.reserve(count);
    if (upperWords > this.upperCapWords) this.reserveUpper(upperWords);
    this.upperUsedWords = upperWords;
    arena.i32()[(this.g >>> 2) + G_COUNT] = count;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    arena.free(this.l0, this.capacity * this.recBytes);
    arena.free(this.upper, this.upperCapWords * 4);
    arena.free(this.g, GRAPH_HEADER_BYTES);
  }

  private reserve(capacity: number): void {
    const bytes = capacity * this.recBytes;
    const ptr = arena.alloc(bytes);
    if (this.capacity > 0) {
      arena.u8().copyWithin(ptr, this.l0, this.l0 + this.count * this.recBytes);
      arena.free(this.l0, this.capacity * this.recBytes);
    }
    this.l0 = ptr;
    this.capacity = capacity;
    arena.i32()[(this.g >>> 2) + G_L0] = ptr;
  }

  private reserveUpper(words: number): void {
    const ptr = arena.alloc(words * 4);
    if (this.upperCapWords > 0) {
      arena.u8().copyWithin(ptr, this.upper, this.upper + this.upperUsedWords * 4);
      arena.free(this.upper, this.upperCapWords * 4);
    }
    this.upper = ptr;
    this.upperCapWords = words;
    arena.i32()[(this.g >>> 2) + G_UPPER] = ptr;
  }
}
