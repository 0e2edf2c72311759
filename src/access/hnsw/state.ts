/**
 * What one HNSW index holds besides the graph: its opclass and how vectors are prepared for it
 * (cosine normalizes, as pgvector's hnsw normprocinfo), the level generator, the rowId -> node
 * map for deletes, and the scratch pool.
 */
import { sqlDistance } from '../shared/distance.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import { Prng } from '../../common/prng.js';
import { halfToFloat } from '../../kernels/half.js';
import { halfvecL2Normalize, halfvecNorm } from '../../types/halfvec.js';
import { SPARSEVEC_MAX_NNZ } from '../../common/limits.js';
import { sparsevecL2Normalize, sparsevecNorm, type SparseVector } from '../../types/sparsevec.js';
import type { Metric, OpClass, VectorKey } from '../am.js';
import { HnswGraph } from './graph.js';
import {
  METRIC_HALF_L1, METRIC_HALF_L2SQ, METRIC_HALF_NEG_DOT, METRIC_HAMMING, METRIC_JACCARD, METRIC_L1, METRIC_L2SQ, METRIC_NEG_DOT,
  METRIC_SPARSE_L1, METRIC_SPARSE_L2SQ, METRIC_SPARSE_NEG_DOT, SPARSE_DESC_BYTES,
} from './layout.js';
import type { HnswOptions } from './options.js';
import { ScratchPool } from './scratch.js';

export class HnswState {
  readonly graph: HnswGraph;
  readonly pool: ScratchPool;
  readonly prng: Prng;
  /** mL = 1 / ln(m), the level normalization of Malkov & Yashunin section 4.1. */
  readonly ml: number;
  readonly metric: Metric;
  /** Cosine: vectors and queries are scaled to unit length, then ordered by inner product. */
  readonly normalize: boolean;
  /** node + 1 by rowId (0 = not indexed); grown on demand. */
  rowToNode: Int32Array = new Int32Array(1024);
  /**
   * True while every indexed row's node id equals its row id (a graph built over a table in
   * row order, nothing reused), so a row filter's bitset serves as a node bitset unchanged.
   */
  rowIdsAreNodes = true;
  /** The last vector {@link prepare} made, as the graph stores it (hdrBytes, zero pad). */
  private readonly prepared: Uint8Array;
  /** A halfvec query widened to float32 ({@link queryFormat}), dimP floats. */
  private readonly widened: Float32Array;
  /** Deleted rows not vacuumed yet. */
  deletedCount = 0;
  /** Nodes vacuum unlinked (their records stay allocated). */
  unlinkedCount = 0;
  /** Threads the build ran on (1: serial; build.ts), for tests and EXPLAIN-like reports. */
  buildParticipants = 1;
  /**
   * Moves whenever node ids may change meaning (vacuum unlinks nodes whose records are then
   * reused; dispose): a search's result found before it no longer answers (search_ahead.ts).
   */
  structureEpoch = 0;
  /** Set once the graph and scratch areas are released. */
  disposed = false;

  /**
   * @param capacity nodes to preallocate
   * @param ownMemory a partition of a partitioned index: its graph in a memory of its own
   *   (graph.ts, partitions.ts)
   * @throws PgError 53200 when the graph's memory cannot hold `capacity` nodes
   */
  constructor(readonly dim: number, readonly opclass: OpClass, readonly options: HnswOptions, seed: number, capacity: number, ownMemory = false) {
    this.metric = opclass.metric;
    this.normalize = opclass.metric === 'cosine';
    this.graph = new HnswGraph(dim, metricCode(opclass), options.m, options.efConstruction, capacity, ownMemory);
    // A sparse key is its descriptor plus up to SPARSEVEC_MAX_NNZ (index, value) pairs.
    const sparse = opclass.kind === 'sparsevec';
    const keyBytes = SPARSE_DESC_BYTES + 8 * SPARSEVEC_MAX_NNZ;
    // A halfvec graph's scratch also holds float32 copies of up to M0 nodes for the node-to-node
    // distances of INSERT (assembly/hnsw.ts widens each node once instead of both sides of every
    // distance): 4 * dimP * M0 bytes, 197 KiB at 1,536 dimensions and m = 16.
    const wideBytes = opclass.kind === 'halfvec' ? this.graph.dimP * 4 * this.graph.m0 : 0;
    this.pool = new ScratchPool(this.graph.arena, sparse ? keyBytes : this.graph.dimP * 4, this.graph.m0, wideBytes);
    this.prepared = new Uint8Array(sparse ? keyBytes : this.graph.hdrBytes);
    this.widened = new Float32Array(opclass.kind === 'halfvec' ? this.graph.dimP : 0);
    this.prng = new Prng(seed);
    this.ml = 1 / Math.log(options.m);
  }

  /** The node of `rowId`, or -1. */
  nodeOf(rowId: number): number {
    return rowId >= 0 && rowId < this.rowToNode.length ? this.rowToNode[rowId]! - 1 : -1;
  }

  setNode(rowId: number, node: number): void {
    this.reserveRow(rowId);
    this.rowToNode[rowId] = node + 1;
    if (node >= 0 && node !== rowId) this.rowIdsAreNodes = false;
  }

  /** Grows the rowId -> node map to hold `rowId` (before a node is linked, so growth cannot fail after). */
  reserveRow(rowId: number): void {
    if (rowId >= this.rowToNode.length) {
      const grown = new Int32Array(Math.max(rowId + 1, this.rowToNode.length * 2));
      grown.set(this.rowToNode);
      this.rowToNode = grown;
    }
  }

  /** Releases the graph and the scratch areas. */
  dispose(): void {
    this.graph.beforeChange?.();
    this.structureEpoch++;
    this.disposed = true;
    this.pool.dispose();
    this.graph.dispose();
  }

  /**
   * `key` (a `dim`-element vector of the opclass's type: float32 for vector, binary16 bits for
   * halfvec, packed bits for bit) as the graph stores it: the element type of the graph,
   * normalized for cosine (pgvector's hnsw normprocinfo: l2_normalize of the type), zero-padded
   * to the graph's hdrBytes. The bytes are a view the next call overwrites.
   * @returns null for a zero vector under cosine (no direction: pgvector does not index it, and
   *   a query with it orders nothing).
   * @throws PgError 22000 `NaN not allowed in vector` for a float32 key holding NaN.
   */
  prepare(key: VectorKey): Uint8Array | null {
    const out = this.prepared;
    const dim = this.dim;
    switch (this.opclass.kind) {
      case 'vector': {
        const v = key as Float32Array;
        const f = new Float32Array(out.buffer, out.byteOffset, this.graph.dimP);
        let scale = 1;
        if (this.normalize) {
          let s = 0;
          for (let i = 0; i < dim; i++) s += v[i]! * v[i]!;
          if (!(s > 0)) {
            if (Number.isNaN(s)) throw new PgError(SQLSTATE.data_exception, 'NaN not allowed in vector');
            return null;
          }
          scale = 1 / Math.sqrt(s);
        }
        if (scale === 1) f.set(v.subarray(0, dim));
        else for (let i = 0; i < dim; i++) f[i] = v[i]! * scale;
        return out;
      }
      case 'halfvec': {
        let h = key as Uint16Array;
        if (this.normalize) {
          if (!(halfvecNorm(h) > 0)) return null;
          h = halfvecL2Normalize(h);
        }
        new Uint16Array(out.buffer, out.byteOffset, this.graph.dimP).set(h.subarray(0, dim));
        return out;
      }
      case 'sparsevec':
        return this.prepareSparse(key as SparseVector);
      default:
        out.set((key as Uint8Array).subarray(0, Math.ceil(dim / 8)));
        return out;
    }
  }

  /**
   * A sparsevec key in the sparse layout of layout.ts: the descriptor [0, nnz, 0, 0] (the
   * pointer is set where the key is copied to), nnz u32 indices, nnz f32 values; scaled to unit
   * length for cosine (pgvector's sparsevec l2_normalize, which also drops elements that underflow to zero).
   * Returns a view of the first 16 + 8 * nnz bytes.
   */
  private prepareSparse(key: SparseVector): Uint8Array | null {
    let v = key;
    if (this.normalize) {
      if (!(sparsevecNorm(v) > 0)) return null;
      v = sparsevecL2Normalize(v);
    }
    const out = this.prepared;
    const nnz = v.indices.length;
    const words = new Uint32Array(out.buffer, out.byteOffset, 4 + 2 * nnz);
    words[0] = 0;
    words[1] = nnz;
    words[2] = 0;
    words[3] = 0;
    words.set(v.indices, 4);
    new Float32Array(out.buffer, out.byteOffset + SPARSE_DESC_BYTES + 4 * nnz, nnz).set(v.values);
    return out.subarray(0, SPARSE_DESC_BYTES + 8 * nnz);
  }

  /**
   * Copies `query` (as {@link queryFormat} returns it) to address `ptr` in the graph's memory, where the search
   * loop reads it: a sparse query's descriptor then points at its own indices, just after it.
   */
  writeQuery(query: Uint8Array, ptr: number): void {
    const arena = this.graph.arena;
    arena.u8().set(query, ptr);
    if (this.opclass.kind === 'sparsevec') arena.u32()[ptr >>> 2] = ptr + SPARSE_DESC_BYTES;
  }

  /**
   * The kernel's query format of `prepared` (a vector as {@link prepare} returns it): the same
   * bytes, except for a halfvec graph its float32 widening (dimP floats), so the search loop
   * converts only the nodes' halves. The bytes are a view the next call overwrites.
   */
  queryFormat(prepared: Uint8Array): Uint8Array {
    if (this.opclass.kind !== 'halfvec') return prepared;
    const h = new Uint16Array(prepared.buffer, prepared.byteOffset, this.graph.dimP);
    const f = this.widened;
    for (let i = 0; i < h.length; i++) f[i] = halfToFloat(h[i]!);
    return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
  }

  /** Internal kernel distance -> the SQL operator's value (access/shared/distance.ts). */
  toSqlDistance(d: number): number {
    return sqlDistance(this.metric, d);
  }
}

/** The kernel's metric code for an opclass: its distance over its element type (layout.ts). */
export function metricCode(opclass: OpClass): number {
  if (opclass.kind === 'sparsevec') {
    if (opclass.metric === 'l2') return METRIC_SPARSE_L2SQ;
    return opclass.metric === 'l1' ? METRIC_SPARSE_L1 : METRIC_SPARSE_NEG_DOT;
  }
  const half = opclass.kind === 'halfvec';
  switch (opclass.metric) {
    case 'l2':
      return half ? METRIC_HALF_L2SQ : METRIC_L2SQ;
    case 'ip':
    case 'cosine':
      return half ? METRIC_HALF_NEG_DOT : METRIC_NEG_DOT;
    case 'l1':
      return half ? METRIC_HALF_L1 : METRIC_L1;
    case 'hamming':
      return METRIC_HAMMING;
    case 'jaccard':
      return METRIC_JACCARD;
  }
}
