/**
 * The VectorIndex object of one IVFFlat index (what CREATE INDEX ... USING ivfflat returns):
 * centers and lists (lists.ts), the opclass's distance (float32 vectors for vector and halfvec,
 * packed bits for bit_hamming_ops, as pgvector keeps bit centers and entries), inserts to the nearest list
 * (pgvector ivfinsert.c), deletes as tombstones and VACUUM removing them (ivfvacuum.c).
 */
import { sqlDistance } from '../shared/distance.js';
import type { Arena } from '../../kernels/arena.js';
import { kernelsOf, type RangeKernel } from '../../kernels/fast.js';
import { HALF_TO_F32 } from '../../kernels/half.js';
import type { ByteSink, ByteSource } from '../../storage/stream.js';
import type { IndexScan, Metric, OpClass, ScanOptions, VectorIndex, VectorKey } from '../am.js';
import { assert } from '../../common/assert.js';
import { argMin, normalizeAt } from './kmeans.js';
import { IvfLists } from './lists.js';
import type { IvfflatOptions } from './options.js';
import { applyIvfflatDelta, ivfflatDeltaBytes, saveIvfflat, saveIvfflatDelta } from './persist.js';
import { IvfflatScan } from './scan.js';

export class IvfflatIndex implements VectorIndex {
  readonly method = 'ivfflat';
  readonly metric: Metric;
  /** Cosine: vectors and queries are scaled to unit length, then ordered by inner product. */
  readonly normalize: boolean;
  /** Inner product and cosine: centers are unit length (spherical k-means). */
  readonly spherical: boolean;
  /**
   * Distances of a query to contiguous vectors, with the kernels of the index's first memory
   * (the centers'): squared L2, or the inner product (negated by the caller). Lists in other
   * memories are read with {@link rangeIn}.
   */
  readonly range: RangeKernel;
  /**
   * The range kernels by memory (an index into lists.arenas) and the memory each was made for:
   * a memory a failed insert added and gave back may be followed by another at its index.
   */
  private readonly ranges: RangeKernel[] = [];
  private readonly rangeArenas: Arena[] = [];
  /** The kernel gives the inner product; the internal distance is its negation. */
  readonly negate: boolean;
  /** bit_hamming_ops: vectors are packed bits, distances Hamming counts. */
  readonly bits: boolean;
  /** Bytes of one stored vector, center or prepared query ({@link ivfVectorBytes}). */
  readonly vecBytes: number;
  /** The `dim` argument of {@link range}: elements for float32 kernels, bytes for bits. */
  readonly rangeDim: number;
  /** list + 1 by rowId (0 = not indexed), so a delete searches one list; grown on demand. */
  rowList: Int32Array = new Int32Array(1024);
  /** Deleted entries not vacuumed yet. */
  deletedCount = 0;
  /** Candidate arrays of closed scans, for the next ones ({@link acquireCandidates}). */
  private readonly candidatePool: CandidateBuffers[] = [];
  /** Scratch for inserts: the prepared vector (dim floats) then the center distances (lists floats). */
  private readonly insertScratch: number;
  private readonly insertScratchBytes: number;

  constructor(readonly dim: number, readonly opclass: OpClass, readonly options: IvfflatOptions, readonly lists: IvfLists) {
    this.metric = opclass.metric;
    this.normalize = opclass.metric === 'cosine';
    this.spherical = opclass.metric === 'cosine' || opclass.metric === 'ip';
    this.negate = this.spherical;
    this.bits = opclass.kind === 'bit';
    this.vecBytes = ivfVectorBytes(opclass.kind === 'bit', dim);
    assert(lists.vecBytes === this.vecBytes, 'ivfflat lists of another vector size');
    this.rangeDim = this.bits ? this.vecBytes : dim;
    this.range = this.rangeIn(0);
    this.insertScratchBytes = this.vecBytes + lists.lists * 4;
    this.insertScratch = this.lists.arena.alloc(this.insertScratchBytes, 'IVFFlat scratch');
  }

  /**
   * The range kernel ({@link range}) of memory `m` of the index (lists.arenas[m]): it reads
   * vectors and writes distances in that memory.
   */
  rangeIn(m: number): RangeKernel {
    const a = this.lists.arenas[m]!;
    let r = this.ranges[m];
    if (r === undefined || this.rangeArenas[m] !== a) {
      const k = kernelsOf(a);
      r = this.bits ? k.hammingRange : this.spherical ? k.dotRange : k.l2sqRange;
      this.ranges[m] = r;
      this.rangeArenas[m] = a;
    }
    return r;
  }

  /** Indexed rows including tombstones not yet vacuumed. */
  get size(): number {
    return this.lists.total;
  }

  /**
   * The list whose center is nearest to the prepared vector at byte offset `ptr` (pgvector
   * FindInsertPage: the opclass's distance to every center, first on ties).
   */
  nearestList(ptr: number, distPtr: number): number {
    const k = this.lists.lists;
    this.range(ptr, this.lists.centersPtr, k, this.rangeDim, distPtr);
    const f = this.lists.arena.f32();
    const o = distPtr >>> 2;
    if (this.negate) for (let i = 0; i < k; i++) f[o + i] = -f[o + i]!;
    return argMin(f, o, k);
  }

  /**
   * aminsert: `vec` (length dim) is copied into the nearest list. Under cosine a zero vector
   * has no direction and is not indexed (pgvector IvfflatCheckNorm), as HNSW. A halfvec key
   * arrives as binary16 (Uint16Array) and is stored as the float32 values it denotes, the
   * values pgvector's halfvec distances compute with.
   */
  insert(rowId: number, key: VectorKey): void {
    const q = this.insertScratch;
    if (!this.prepareInto(key, q)) return;
    this.appendPrepared(rowId, this.nearestList(q, q + this.vecBytes), q);
  }

  /**
   * Appends `rowId` with its prepared vector (at byte offset `ptr` of the index's first memory,
   * see {@link prepareInto}) to list `l`, in whichever memory holds the list: the second half of
   * {@link insert}, for a build that found the lists of many rows at once (parallel.ts).
   * @throws PgError 53200 when the list cannot grow, in its memories or a new one under
   *   `vecgres.memory_limit` (nothing was written then).
   */
  appendPrepared(rowId: number, l: number, ptr: number): void {
    this.reserveRow(rowId);
    this.lists.reserve(l, 1);
    this.lists.append(l, rowId, ptr);
    this.rowList[rowId] = l + 1;
  }

  /**
   * Writes `key` as the lists store it ({@link vecBytes} at byte offset `ptr` of `arena`, by
   * default the index's first memory): float32 values (normalized for cosine), or the packed
   * bits with a zero pad.
   * @returns false for a zero vector under cosine (no direction: not indexed; as a query, its
   *   distances are NaN).
   */
  prepareInto(key: VectorKey, ptr: number, arena: Arena = this.lists.arena): boolean {
    if (this.bits) {
      const u8 = arena.u8();
      u8.fill(0, ptr, ptr + this.vecBytes);
      u8.set((key as Uint8Array).subarray(0, Math.ceil(this.dim / 8)), ptr);
      return true;
    }
    const vec = asFloat32(key, this.dim);
    const f = arena.f32();
    f.set(vec.subarray(0, this.dim), ptr >>> 2);
    if (!this.normalize) return true;
    if (!hasNorm(vec, this.dim)) return false;
    normalizeAt(f, ptr >>> 2, this.dim);
    return true;
  }

  /** Marks the row's entry deleted; scans skip it from now on and VACUUM removes it. */
  delete(rowId: number): void {
    if (rowId < 0 || rowId >= this.rowList.length) return;
    const l = this.rowList[rowId]! - 1;
    if (l < 0) return;
    if (this.lists.tombstone(l, rowId)) this.deletedCount++;
    this.rowList[rowId] = 0;
  }

  /** amvacuumcleanup: removes the deleted entries from their lists. */
  vacuum(): void {
    this.lists.compact();
    this.deletedCount = 0;
  }

  /** Writes centers and lists to a checkpoint file (persist.ts). */
  save(sink: ByteSink): void {
    saveIvfflat(this, sink);
  }

  /** Bytes of a delta of the lists changed since the last save (persist.ts). */
  deltaBytes(): number {
    return ivfflatDeltaBytes(this);
  }

  /** Writes the lists changed since the last save (persist.ts saveIvfflatDelta). */
  saveDelta(sink: ByteSink): void {
    saveIvfflatDelta(this, sink);
  }

  /** The checkpoint holding the latest save or delta is in force: changes count from now. */
  markSaved(): void {
    this.lists.markSaved();
  }

  /** Lays a delta read from a checkpoint file over the loaded lists (persist.ts applyIvfflatDelta). */
  applyDelta(source: ByteSource): void {
    applyIvfflatDelta(this, source);
  }

  beginScan(q: VectorKey, opts: ScanOptions): IndexScan {
    return new IvfflatScan(this, q, opts);
  }

  /** Bytes of the centers and lists (capacity included); scratch is not counted. */
  sizeBytes(): number {
    return this.lists.sizeBytes();
  }

  dispose(): void {
    this.lists.dispose();
    this.lists.arena.free(this.insertScratch, this.insertScratchBytes);
  }

  /**
   * Candidate arrays for a scan, reused from closed scans: a scan at probes 32 over 340,000
   * rows gathers 50,000 candidates, and fresh arrays of that size per query (grown by
   * doubling, each over the C library's mmap threshold) made the query's latency grow four
   * times faster than its work (p50 4.2 ms at probes 32 against 1.0 ms at 16, measured).
   * Scans open at the same time (a join's) each get their own.
   */
  acquireCandidates(): CandidateBuffers {
    return this.candidatePool.pop() ?? { ids: new Int32Array(64), dist: new Float32Array(64), taken: new Uint8Array(64) };
  }

  /** Returns a closed scan's candidate arrays to the pool (at most {@link CANDIDATE_POOL_MAX} kept). */
  releaseCandidates(b: CandidateBuffers): void {
    if (this.candidatePool.length < CANDIDATE_POOL_MAX) this.candidatePool.push(b);
  }

  /** Grows the rowId -> list map to hold `rowId`. */
  reserveRow(rowId: number): void {
    if (rowId >= this.rowList.length) {
      const grown = new Int32Array(Math.max(rowId + 1, this.rowList.length * 2));
      grown.set(this.rowList);
      this.rowList = grown;
    }
  }

  /** Internal kernel distance -> the SQL operator's value (access/shared/distance.ts). */
  toSqlDistance(d: number): number {
    return sqlDistance(this.metric, d);
  }
}

/** Candidate arrays of one scan (scan.ts): row ids, internal distances, the taken flags of a partial selection. */
export interface CandidateBuffers {
  ids: Int32Array;
  dist: Float32Array;
  taken: Uint8Array;
}

/** Candidate arrays an index keeps for later scans: enough for a few scans open at once. */
export const CANDIDATE_POOL_MAX = 4;

/** True when the first `dim` values of `v` are not all zero (a cosine-indexable vector). */
export function hasNorm(v: Float32Array, dim: number): boolean {
  let s = 0;
  for (let i = 0; i < dim; i++) s += v[i]! * v[i]!;
  return s > 0;
}

/**
 * Bytes of one stored vector: `dim` float32, or for bits ceil(dim / 8) bytes padded with zeros
 * to a multiple of 4 (so the row ids after a list's vectors stay word-aligned; zero pad bits
 * add nothing to a Hamming distance).
 */
export function ivfVectorBytes(bits: boolean, dim: number): number {
  return bits ? Math.ceil(Math.ceil(dim / 8) / 4) * 4 : dim * 4;
}

/**
 * A float key as float32 values: a vector's own array, or a halfvec's binary16 values (a
 * Uint16Array, as the table stores them) converted exactly. Bit keys go through
 * {@link IvfflatIndex.prepareInto} as bytes.
 */
export function asFloat32(v: VectorKey, dim: number): Float32Array {
  if (v instanceof Float32Array) return v;
  assert(v instanceof Uint16Array, 'ivfflat key is neither vector nor halfvec');
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = HALF_TO_F32[v[i]!]!;
  return out;
}
