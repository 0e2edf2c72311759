/**
 * The VectorIndex object of one IVFFlat index (what CREATE INDEX ... USING ivfflat returns):
 * centers and lists (lists.ts), the opclass's distance, inserts to the nearest list
 * (pgvector ivfinsert.c), deletes as tombstones and VACUUM removing them (ivfvacuum.c).
 */
import { sqlDistance } from '../shared/distance.js';
import { kernelsOf, type RangeKernel } from '../../kernels/fast.js';
import { HALF_TO_F32 } from '../../kernels/half.js';
import type { ByteSink } from '../../storage/stream.js';
import type { IndexScan, Metric, OpClass, ScanOptions, VectorIndex, VectorKey } from '../am.js';
import { assert } from '../../common/assert.js';
import { argMin, normalizeAt } from './kmeans.js';
import { IvfLists } from './lists.js';
import type { IvfflatOptions } from './options.js';
import { saveIvfflat } from './persist.js';
import { IvfflatScan } from './scan.js';

export class IvfflatIndex implements VectorIndex {
  readonly method = 'ivfflat';
  readonly metric: Metric;
  /** Cosine: vectors and queries are scaled to unit length, then ordered by inner product. */
  readonly normalize: boolean;
  /** Inner product and cosine: centers are unit length (spherical k-means). */
  readonly spherical: boolean;
  /** Distances of a query to contiguous vectors (kernels of the lists' memory): squared L2, or the inner product (negated by the caller). */
  readonly range: RangeKernel;
  /** The kernel gives the inner product; the internal distance is its negation. */
  readonly negate: boolean;
  /** list + 1 by rowId (0 = not indexed), so a delete searches one list; grown on demand. */
  rowList: Int32Array = new Int32Array(1024);
  /** Deleted entries not vacuumed yet. */
  deletedCount = 0;
  /** Scratch for inserts: the prepared vector (dim floats) then the center distances (lists floats). */
  private readonly insertScratch: number;
  private readonly insertScratchBytes: number;

  constructor(readonly dim: number, readonly opclass: OpClass, readonly options: IvfflatOptions, readonly lists: IvfLists) {
    this.metric = opclass.metric;
    this.normalize = opclass.metric === 'cosine';
    this.spherical = opclass.metric === 'cosine' || opclass.metric === 'ip';
    this.negate = this.spherical;
    const k = kernelsOf(lists.arena);
    this.range = this.spherical ? k.dotRange : k.l2sqRange;
    this.insertScratchBytes = (dim + lists.lists) * 4;
    this.insertScratch = this.lists.arena.alloc(this.insertScratchBytes, 'IVFFlat scratch');
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
    this.range(ptr, this.lists.centersPtr, k, this.dim, distPtr);
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
    const vec = asFloat32(key, this.dim);
    if (this.normalize && !hasNorm(vec, this.dim)) return;
    const q = this.insertScratch;
    const f = this.lists.arena.f32();
    f.set(vec.subarray(0, this.dim), q >>> 2);
    if (this.normalize) normalizeAt(f, q >>> 2, this.dim);
    const l = this.nearestList(q, q + this.dim * 4);
    this.reserveRow(rowId);
    this.lists.reserve(l, 1);
    this.lists.append(l, rowId, this.lists.arena.f32(), q >>> 2);
    this.rowList[rowId] = l + 1;
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

  beginScan(q: VectorKey, opts: ScanOptions): IndexScan {
    return new IvfflatScan(this, asFloat32(q, this.dim), opts);
  }

  /** Bytes of the centers and lists (capacity included); scratch is not counted. */
  sizeBytes(): number {
    return this.lists.sizeBytes();
  }

  dispose(): void {
    this.lists.dispose();
    this.lists.arena.free(this.insertScratch, this.insertScratchBytes);
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

/** True when the first `dim` values of `v` are not all zero (a cosine-indexable vector). */
export function hasNorm(v: Float32Array, dim: number): boolean {
  let s = 0;
  for (let i = 0; i < dim; i++) s += v[i]! * v[i]!;
  return s > 0;
}

/**
 * A key as float32 values: a vector's own array, or a halfvec's binary16 values (a Uint16Array,
 * as the table stores them) converted exactly. A bit key (Uint8Array) never arrives: ivfflat
 * declares no bit operator class, so the SQL layer refuses such an index (42704).
 */
export function asFloat32(v: VectorKey, dim: number): Float32Array {
  if (v instanceof Float32Array) return v;
  assert(v instanceof Uint16Array, 'ivfflat key is neither vector nor halfvec');
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = HALF_TO_F32[v[i]!]!;
  return out;
}
