/**
 * The HNSW graph in one memory (its index's, kernels/memories.ts): a 64-byte header, fixed-size level-0 records (vector + node
 * header + layer-0 neighbour ids, as hnswlib's data_level0_memory_) in chunks, and a pool for
 * the upper layers' lists. Layout drawn in layout.ts. Nodes are numbered densely from 0 in
 * insertion order; the record holds the table rowId (hnswlib's "label").
 *
 * Growth (inserts after the build) adds chunks of records (up to 4 MiB each; the first chunk
 * starts small and doubles, storage/segments.ts) and never copies the graph: copying a whole
 * graph by 1.5x needs 2.5 times its size at the moment of the copy. The chunk table (one u32
 * pointer per chunk) is what the kernels follow. The upper pool (about 1/(m-1) of the level-0
 * bytes) still grows by copying. Node numbers and pool offsets are relative, so nothing else
 * changes when either moves.
 *
 * Every allocation a new node needs happens in {@link HnswGraph.addNode} before anything is
 * written, so an out-of-memory error leaves the graph exactly as it was.
 */
import { assert } from '../../common/assert.js';
import type { Arena } from '../../kernels/arena.js';
import { memories } from '../../kernels/memories.js';
import { SegmentedRows } from '../../storage/segments.js';
import { hnswKernelOf, type HnswKernel } from './kernel.js';
import {
  FLAG_DELETED, G_CHUNK_SHIFT, G_DIM, G_EFC, G_ENTRY, G_HDR, G_L0, G_M, G_M0, G_MAXLEVEL, G_METRIC, G_REC,
  G_UPPER, G_COUNT, G_CACHE, G_CACHE_CAP, G_PRUNE, GRAPH_HEADER_BYTES, cacheRecordBytes, isSparseMetric, N_FLAGS, N_LEVEL, N_ROW, N_UPPER, NODE_HEADER_WORDS, paddedElements, ringNextOf, roundUp, withRingNext,
  SPARSE_DESC_BYTES, vectorFormat,
} from './layout.js';
import { SparseHeap } from './sparse-heap.js';
import { GraphChanges } from './changes.js';

/** Cap on a node's level: hnswlib has none, but at mL = 1/ln(2) 31 layers hold 2^31 nodes. */
export const HNSW_MAX_LEVEL = 31;

export class HnswGraph {
  /**
   * The memory that holds the whole graph (chosen when it is created, kernels/memories.ts):
   * every pointer below is an offset into it, and searches run its kernel.
   */
  readonly arena: Arena;
  /** The graph kernel over {@link arena} (kernel.ts). */
  readonly kernel: HnswKernel;
  /** Pointer to the graph header (what the kernel takes as `g`). */
  readonly g: number;
  readonly dim: number;
  /** METRIC_* code of layout.ts. */
  readonly metric: number;
  /** Elements per stored vector, padded to 16 bytes (layout.ts paddedElements); the pad is zero. */
  readonly dimP: number;
  readonly m: number;
  readonly m0: number;
  readonly recBytes: number;
  readonly hdrBytes: number;
  /** The level-0 records, in chunks. */
  private readonly records: SegmentedRows;
  /** The chunk table in the arena (u32 pointers), and its capacity in chunks. */
  private chunkTable = 0;
  private chunkTableCap = 0;
  private upper = 0;
  /** Records of unlinked nodes, reused by addNode before the graph grows. */
  private readonly freeNodes: number[] = [];
  private upperCapWords = 0;
  private upperUsedWords = 0;
  private disposed = false;
  /** The keys of a sparsevec graph (sparse-heap.ts); null for the other metrics. */
  readonly sparse: SparseHeap | null;
  /**
   * Set while searches of this graph may run on pool workers (search_ahead.ts): called before
   * anything that moves or frees graph memory or rewrites lists without the node locks
   * (growth past {@link capacity}, the upper pool's growth, vacuum, dispose); it returns once
   * no worker reads the graph, and clears itself.
   */
  beforeChange: (() => void) | null = null;
  /**
   * Lock words of searches on pool workers (search_ahead.ts): a block of one i32 per node for
   * {@link searchLockNodes} nodes, kept between batches (its header pointer G_LOCKS is set only
   * while a batch runs) and freed with the graph; 0 when none.
   */
  searchLocks = 0;
  searchLockNodes = 0;
  /**
   * What changed since the graph was last saved or loaded (changes.ts), for a checkpoint's
   * delta (persist.ts saveHnswDelta). Every write to a record or the upper pool marks it.
   */
  readonly changes = new GraphChanges();

  /**
   * @param dim vector dimensions (1..16000; bits for a bit opclass; up to 1e9 for sparsevec)
   * @param metric METRIC_* code of layout.ts (the distance and the element type)
   * @param capacity nodes to preallocate records for
   * @param ownMemory a partition of a partitioned index (partitions.ts): the graph goes in a
   *   memory of its own (MemorySet.forPartition), never one another index or partition uses
   * @throws PgError 53200 when no memory can hold `capacity` nodes (nothing is left allocated)
   */
  constructor(dim: number, metric: number, m: number, efConstruction: number, capacity: number, ownMemory = false) {
    this.dim = dim;
    this.metric = metric;
    this.dimP = paddedElements(metric, dim);
    this.m = m;
    this.m0 = 2 * m;
    this.hdrBytes = this.dimP * vectorFormat(metric).elemBytes;
    this.recBytes = roundUp(this.hdrBytes + 4 * (NODE_HEADER_WORDS + this.m0), 16);
    // Level-0 records plus the upper pool (about 1/(m-1) of them) and a quarter for growth.
    const bytesHint = Math.ceil(Math.max(capacity, 1) * this.recBytes * 1.25 * (1 + 1 / (m - 1)));
    this.arena = ownMemory ? memories.forPartition(bytesHint, 'HNSW graph') : memories.forIndex(bytesHint);
    this.kernel = hnswKernelOf(this.arena);
    this.sparse = isSparseMetric(metric) ? new SparseHeap(this.arena) : null;
    this.records = new SegmentedRows(this.recBytes, 'HNSW graph', this.arena);
    try {
      this.g = this.arena.alloc(GRAPH_HEADER_BYTES, 'HNSW graph');
    } catch (e) {
      memories.unpin(this.arena);
      throw e;
    }
    const h = this.arena.i32();
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
    h[g + G_CHUNK_SHIFT] = this.records.shift;
    h[g + G_PRUNE] = 0;
    h[g + G_CACHE] = 0;
    h[g + G_CACHE_CAP] = 0;
    try {
      this.reserve(Math.max(capacity, 1));
      // Expected upper-layer words per node: sum over L >= 1 of P(level >= L) * (m + 1) with
      // P(level >= L) = m^-L, i.e. (m + 1) / (m - 1); 25% slack avoids a regrowth at the end.
      this.reserveUpper(Math.ceil(Math.max(capacity, 16) * 1.25 * (m + 1) / (m - 1)) + 64 * (m + 1));
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /**
   * Sets the neighbour-selection rule of later inserts (layout.ts G_PRUNE: PRUNE_* bits; 0 is
   * the default every graph starts with). Only bench/prune.ts sets another, to compare rules;
   * the rule is not saved with the index.
   */
  setPruneRule(rule: number): void {
    this.arena.i32()[(this.g >>> 2) + G_PRUNE] = rule;
  }

  /** Nodes the records hold without growing (node ids below it never move memory). */
  get capacity(): number {
    return this.records.capacityRows;
  }

  /** Nodes in the graph (including deleted ones). */
  get count(): number {
    return this.arena.i32()[(this.g >>> 2) + G_COUNT]!;
  }

  get entry(): number {
    return this.arena.i32()[(this.g >>> 2) + G_ENTRY]!;
  }

  get maxLevel(): number {
    return this.arena.i32()[(this.g >>> 2) + G_MAXLEVEL]!;
  }

  /** Byte pointer to node `n`'s vector (the start of its record). */
  vecPtr(n: number): number {
    return this.records.ptr(n);
  }

  /** Word index (into this.arena.i32()) of node `n`'s header. */
  hdrWord(n: number): number {
    return (this.records.ptr(n) + this.hdrBytes) >>> 2;
  }

  /** Calls `fn(ptr, nodes)` for each run of contiguous records of nodes 0 .. count - 1. */
  forEachRecordRun(fn: (ptr: number, nodes: number) => void): void {
    this.records.forEachRun(this.count, fn);
  }

  rowId(n: number): number {
    return this.arena.i32()[this.hdrWord(n) + N_ROW]!;
  }

  level(n: number): number {
    return this.arena.i32()[this.hdrWord(n) + N_LEVEL]!;
  }

  isDeleted(n: number): boolean {
    return (this.arena.i32()[this.hdrWord(n) + N_FLAGS]! & FLAG_DELETED) !== 0;
  }

  markDeleted(n: number): void {
    this.arena.i32()[this.hdrWord(n) + N_FLAGS]! |= FLAG_DELETED;
    this.changes.markLinks(n);
  }

  /** The next node of `n`'s duplicate ring (layout.ts RING_SHIFT), -1 when none. */
  ringNext(n: number): number {
    return ringNextOf(this.arena.i32()[this.hdrWord(n) + N_FLAGS]!);
  }

  /** Sets the next node of `n`'s duplicate ring (-1: none), recorded as a change of its links. */
  setRingNext(n: number, next: number): void {
    const i = this.arena.i32();
    const h = this.hdrWord(n) + N_FLAGS;
    i[h] = withRingNext(i[h]!, next);
    this.changes.markLinks(n);
  }

  /** Records that node `n`'s list on `level` was rewritten (changes.ts). */
  markListChanged(n: number, level: number): void {
    if (level === 0) this.changes.markLinks(n);
    else this.changes.markPool(this.listWord(n, level) - (this.upper >>> 2), this.m + 1);
  }

  /**
   * Records the lists an INSERT of node `n` by the kernel rewrote: the node's own (with its
   * record) and, on each of its layers, those of the neighbours it chose, which got a reverse
   * link or were shrunk (assembly/hnsw.ts insert: serially, `connect` runs on exactly the
   * members of the node's final list, and rewrites no other list), and the flags of `ring`,
   * the node whose duplicate ring it joined (Scratch.ringJoined; -1 when none).
   */
  markInserted(n: number, ring: number): void {
    if (ring >= 0) this.changes.markLinks(ring);
    const top = this.level(n);
    for (let l = 0; l <= top; l++) {
      const w = this.listWord(n, l);
      const i = this.arena.i32();
      const c = i[w]!;
      for (let j = 0; j < c; j++) this.markListChanged(i[w + 1 + j]!, l);
    }
  }

  /**
   * Adds a node: copies `vec` (the vector as the graph stores it, prepared by HnswState: at
   * most hdrBytes bytes, the rest of the record's vector stays zero) into its record and
   * reserves its upper-layer lists. The record of a node vacuum unlinked ({@link releaseNode})
   * is reused first, so DELETE + VACUUM + INSERT does not grow the graph; otherwise the node is
   * appended. The caller then links it with the kernel's insert. Returns the node number (below
   * the old count when a record was reused). A sparse key (`vec` the descriptor, its word 1 the
   * nnz, then nnz indices and nnz values) goes to the side heap and the record gets the
   * descriptor pointing at it.
   * @throws PgError 53200 when the arena cannot hold it; the graph is unchanged then.
   */
  addNode(rowId: number, vec: Uint8Array, level: number): number {
    assert(level >= 0 && level <= HNSW_MAX_LEVEL, 'hnsw level');
    assert(this.sparse !== null || vec.length <= this.hdrBytes, 'hnsw vector bytes');
    const reuse = this.freeNodes.length > 0;
    const n = reuse ? this.freeNodes[this.freeNodes.length - 1]! : this.count;
    // A reused node keeps its upper lists when they are enough for the new level.
    const keepUpper = reuse && level <= this.level(n);
    const upperWords = keepUpper ? 0 : level * (this.m + 1);
    // Every allocation first (records, chunk table, upper pool), then the writes.
    if (!reuse) this.reserve(n + 1);
    if (this.upperUsedWords + upperWords > this.upperCapWords) {
      this.reserveUpper(Math.max(this.upperUsedWords + upperWords, Math.ceil(this.upperCapWords * 1.5)));
    }
    let keyPtr = 0;
    const nnz = this.sparse === null ? 0 : (vec[4]! | (vec[5]! << 8) | (vec[6]! << 16) | (vec[7]! << 24)) >>> 0;
    if (this.sparse !== null) {
      assert(vec.length >= SPARSE_DESC_BYTES + nnz * 8, 'hnsw sparse key bytes');
      keyPtr = this.sparse.alloc(nnz * 8);
    }
    if (reuse) this.freeNodes.pop();
    const i = this.arena.i32();
    if (this.sparse === null) this.arena.u8().set(vec, this.vecPtr(n));
    else {
      const u8 = this.arena.u8();
      u8.set(vec.subarray(SPARSE_DESC_BYTES, SPARSE_DESC_BYTES + nnz * 8), keyPtr);
      const d = this.vecPtr(n) >>> 2;
      const u32 = this.arena.u32();
      u32[d] = keyPtr;
      u32[d + 1] = nnz;
      u32[d + 2] = 0;
      u32[d + 3] = 0;
    }
    const h = this.hdrWord(n);
    i[h + N_ROW] = rowId;
    i[h + N_LEVEL] = level;
    i[h + N_FLAGS] = 0;
    i[h + NODE_HEADER_WORDS - 1] = 0;
    if (!keepUpper) {
      i[h + N_UPPER] = level > 0 ? this.upperUsedWords : -1;
      this.upperUsedWords += upperWords;
    }
    for (let l = 1; l <= level; l++) i[this.listWord(n, l)] = 0;
    if (!reuse) i[(this.g >>> 2) + G_COUNT] = n + 1;
    this.changes.markRecord(n);
    if (level > 0) this.changes.markPool(i[h + N_UPPER]!, level * (this.m + 1));
    return n;
  }

  /**
   * Vacuum: node `n` is unlinked (no list points at it and its own lists are empty), so
   * {@link addNode} may reuse its record.
   */
  releaseNode(n: number): void {
    this.beforeChange?.();
    this.freeNodes.push(n);
    if (this.sparse !== null) {
      const d = this.vecPtr(n) >>> 2;
      const u32 = this.arena.u32();
      this.sparse.release(u32[d + 1]!);
      u32[d] = 0;
      u32[d + 1] = 0;
    }
  }

  /**
   * Sparse graphs: gives the keys of released nodes back to the arena once they are a quarter
   * of the side heap or more (vacuum calls it after unlinking). Other graphs: nothing.
   * @throws PgError 53200 when the arena cannot hold the copy; the heap is unchanged then.
   */
  compactKeys(): void {
    const heap = this.sparse;
    if (heap === null || heap.freeBytes === 0 || heap.freeBytes * 4 < heap.usedBytes) return;
    this.beforeChange?.();
    const descs: number[] = [];
    const u32 = this.arena.u32();
    for (let n = 0; n < this.count; n++) {
      const p = this.vecPtr(n);
      if (u32[(p >>> 2) + 1]! > 0) descs.push(p);
    }
    heap.compact(descs);
  }

  /** Sparse graphs: the descriptor word of node `n` (pointer, then nnz). */
  sparseKey(n: number): { ptr: number; nnz: number } {
    const d = this.vecPtr(n) >>> 2;
    const u32 = this.arena.u32();
    return { ptr: u32[d]!, nnz: u32[d + 1]! };
  }

  /** Forgets the records waiting for reuse (a delta reapplied over a loaded graph lists them anew). */
  forgetFreeNodes(): void {
    this.freeNodes.length = 0;
  }

  /** Unlinked nodes whose records wait for reuse. */
  get reusableNodes(): number {
    return this.freeNodes.length;
  }

  /** Bytes the graph occupies: header, record block and upper pool (allocated capacity). */
  sizeBytes(): number {
    return GRAPH_HEADER_BYTES + this.records.sizeBytes() + this.chunkTableCap * 4 + this.upperCapWords * 4 + (this.sparse?.sizeBytes() ?? 0);
  }

  /** Bytes in use by nodes (records of existing nodes and their upper lists). */
  usedBytes(): number {
    const keys = this.sparse === null ? 0 : this.sparse.usedBytes - this.sparse.freeBytes;
    return GRAPH_HEADER_BYTES + this.count * this.recBytes + this.upperUsedWords * 4 + keys;
  }

  /** Neighbour ids of node `n` on `level` (a copy; for tests and vacuum). */
  neighbours(n: number, level: number): Int32Array {
    const i = this.arena.i32();
    let w: number;
    if (level === 0) w = this.hdrWord(n) + NODE_HEADER_WORDS - 1;
    else w = (this.upper >>> 2) + i[this.hdrWord(n) + N_UPPER]! + (level - 1) * (this.m + 1);
    return i.slice(w + 1, w + 1 + i[w]!);
  }

  /** Word index of the count word of node `n`'s list on `level` (ids follow it). */
  listWord(n: number, level: number): number {
    if (level === 0) return this.hdrWord(n) + NODE_HEADER_WORDS - 1;
    return (this.upper >>> 2) + this.arena.i32()[this.hdrWord(n) + N_UPPER]! + (level - 1) * (this.m + 1);
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
    this.reserve(count);
    if (upperWords > this.upperCapWords) this.reserveUpper(upperWords);
    this.upperUsedWords = upperWords;
    this.arena.i32()[(this.g >>> 2) + G_COUNT] = count;
  }

  /**
   * Gives a build the layer-0 neighbour-distance cache (layout.ts G_CACHE; the kernel's shrink
   * then reuses distances instead of recomputing them, with the same lists) for node ids below
   * `nodes`: cacheRecordBytes(m0) bytes a node (164 at m = 16), freed by
   * {@link freeBuildCache}. Dense metrics only (float32 and binary16, whose kernels are
   * symmetric). Best effort: when the memory cannot hold it the build runs without it.
   * @returns whether the cache was allocated
   */
  allocBuildCache(nodes: number): boolean {
    const h = this.arena.i32();
    if (h[(this.g >>> 2) + G_CACHE] !== 0 || nodes <= 0 || vectorFormat(this.metric).elemBytes < 2 || isSparseMetric(this.metric)) return false;
    // Not a short-lived block: the memory's headroom stays for the scans' scratch.
    const ptr = this.arena.tryAlloc(nodes * cacheRecordBytes(this.m0));
    if (ptr < 0) return false;
    const i = this.arena.i32();
    i[(this.g >>> 2) + G_CACHE] = ptr;
    i[(this.g >>> 2) + G_CACHE_CAP] = nodes;
    return true;
  }

  /** Frees the build's neighbour-distance cache, if any; later inserts run without one. */
  freeBuildCache(): void {
    const i = this.arena.i32();
    const g = this.g >>> 2;
    const ptr = i[g + G_CACHE]! >>> 0;
    if (ptr === 0) return;
    this.arena.free(ptr, i[g + G_CACHE_CAP]! * cacheRecordBytes(this.m0));
    i[g + G_CACHE] = 0;
    i[g + G_CACHE_CAP] = 0;
  }

  dispose(): void {
    if (this.disposed) return;
    this.beforeChange?.();
    this.disposed = true;
    this.freeBuildCache();
    if (this.searchLocks !== 0) this.arena.free(this.searchLocks, this.searchLockNodes * 4);
    this.records.dispose();
    this.sparse?.dispose();
    if (this.chunkTableCap > 0) this.arena.free(this.chunkTable, this.chunkTableCap * 4);
    if (this.upperCapWords > 0) this.arena.free(this.upper, this.upperCapWords * 4);
    this.arena.free(this.g, GRAPH_HEADER_BYTES);
    memories.unpin(this.arena);
  }

  /**
   * Makes room for `nodes` records: the chunk table first (so a failure there leaves the
   * records untouched), then the records, then the table's pointers. A first chunk that moved
   * is freed at once: nothing reads it during the call.
   * @throws PgError 53200 when the arena cannot hold them; the graph is unchanged then.
   */
  private reserve(nodes: number): void {
    if (nodes <= this.records.capacityRows) return;
    this.beforeChange?.();
    const chunks = Math.ceil(nodes / this.records.segmentRows);
    if (chunks > this.chunkTableCap) {
      const cap = Math.max(16, chunks, this.chunkTableCap * 2);
      const table = this.arena.alloc(cap * 4, 'HNSW graph');
      if (this.chunkTableCap > 0) {
        this.arena.u8().copyWithin(table, this.chunkTable, this.chunkTable + this.chunkTableCap * 4);
        this.arena.free(this.chunkTable, this.chunkTableCap * 4);
      }
      this.chunkTable = table;
      this.chunkTableCap = cap;
      this.arena.i32()[(this.g >>> 2) + G_L0] = table;
    }
    const retired: number[] = [];
    try {
      this.records.reserve(nodes - 1, this.count, retired);
    } finally {
      const t = this.arena.u32();
      const segs = this.records.segments;
      for (let k = 0; k < segs.length; k++) t[(this.chunkTable >>> 2) + k] = segs[k]!;
      SegmentedRows.freeRetired(this.arena, retired);
    }
  }

  private reserveUpper(words: number): void {
    this.beforeChange?.();
    const ptr = this.arena.alloc(words * 4, 'HNSW graph');
    if (this.upperCapWords > 0) {
      this.arena.u8().copyWithin(ptr, this.upper, this.upper + this.upperUsedWords * 4);
      this.arena.free(this.upper, this.upperCapWords * 4);
    }
    this.upper = ptr;
    this.upperCapWords = words;
    this.arena.i32()[(this.g >>> 2) + G_UPPER] = ptr;
  }
}
