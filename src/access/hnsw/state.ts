/**
 * What one HNSW index holds besides the graph: its opclass and how vectors are prepared for it
 * (cosine normalizes, as pgvector's hnsw normprocinfo), the level generator, the rowId -> node
 * map for deletes, and the scratch pool.
 */
import { Prng } from '../../common/prng.js';
import type { Metric, OpClass } from '../am.js';
import { HnswGraph } from './graph.js';
import { METRIC_L1, METRIC_L2SQ, METRIC_NEG_DOT } from './layout.js';
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
  /** Deleted rows not vacuumed yet. */
  deletedCount = 0;
  /** Nodes vacuum unlinked (their records stay allocated). */
  unlinkedCount = 0;

  constructor(readonly dim: number, readonly opclass: OpClass, readonly options: HnswOptions, seed: number, capacity: number) {
    this.metric = opclass.metric;
    this.normalize = opclass.metric === 'cosine';
    this.graph = new HnswGraph(dim, metricCode(opclass.metric), options.m, options.efConstruction, capacity);
    this.pool = new ScratchPool(this.graph.dimP, this.graph.m0);
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
    this.pool.dispose();
    this.graph.dispose();
  }

  /** Internal kernel distance -> the SQL operator's value (`<->` is not squared, ...). */
  toSqlDistance(d: number): number {
    switch (this.metric) {
      case 'l2':
        return Math.sqrt(d > 0 ? d : 0);
      case 'cosine':
        return 1 + d;
      default:
        return d;
    }
  }
}

function metricCode(metric: Metric): number {
  switch (metric) {
    case 'l2':
      return METRIC_L2SQ;
    case 'ip':
    case 'cosine':
      return METRIC_NEG_DOT;
    case 'l1':
      return METRIC_L1;
    default:
      throw new Error(`hnsw: unsupported metric ${metric}`);
  }
}
