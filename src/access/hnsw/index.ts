/**
 * The HNSW access method (pgvector hnsw.c: the routine table; the work lives in build.ts,
 * insert.ts, scan.ts, cost.ts). Register `hnswAm` with the engine under its name.
 *
 * Differences from pgvector: vectors up to 16,000 dimensions (pgvector stops at 2,000 because
 * of its 8 KB pages); sparsevec keys with up to 16,000 non-zeros, the type's own limit (pgvector
 * refuses more than 1,000 in an hnsw index, again because of its pages); vacuum repairs lists locally instead of re-searching and does not reuse
 * the records of deleted rows yet (vacuum.ts). Filtered scans: a row filter (access/am.ts
 * RowFilter) is consulted inside the layer-0 search (ACORN-1, assembly/hnsw.ts); a filter the
 * caller names by a key (`tenant = 7`) and that keeps many rows gets a graph of its own rows
 * (subgraphs.ts). An index larger than one WebAssembly memory is several graphs, each in a
 * memory of its own, searched together (partitions.ts).
 */
import type { IndexAm, OpClass, RawOptions, VectorKind } from '../am.js';
import { buildHnsw, buildHnswAsync, hnswBuildsOnWorkers } from './build.js';
import { loadHnsw } from './persist.js';
import { hnswCostEstimate } from './cost.js';
import { hnswGucs, parseHnswOptions } from './options.js';

/**
 * pgvector's HNSW opclasses, each kept in its own type (binary16 for halfvec, packed bits for
 * bit, indices and values in a side heap for sparsevec: layout.ts).
 */
export const hnswOpclasses: readonly OpClass[] = [
  { name: 'vector_l2_ops', kind: 'vector', metric: 'l2', operator: '<->' },
  { name: 'vector_ip_ops', kind: 'vector', metric: 'ip', operator: '<#>' },
  { name: 'vector_cosine_ops', kind: 'vector', metric: 'cosine', operator: '<=>' },
  { name: 'vector_l1_ops', kind: 'vector', metric: 'l1', operator: '<+>' },
  { name: 'halfvec_l2_ops', kind: 'halfvec', metric: 'l2', operator: '<->' },
  { name: 'halfvec_ip_ops', kind: 'halfvec', metric: 'ip', operator: '<#>' },
  { name: 'halfvec_cosine_ops', kind: 'halfvec', metric: 'cosine', operator: '<=>' },
  { name: 'halfvec_l1_ops', kind: 'halfvec', metric: 'l1', operator: '<+>' },
  { name: 'bit_hamming_ops', kind: 'bit', metric: 'hamming', operator: '<~>' },
  { name: 'bit_jaccard_ops', kind: 'bit', metric: 'jaccard', operator: '<%>' },
  { name: 'sparsevec_l2_ops', kind: 'sparsevec', metric: 'l2', operator: '<->' },
  { name: 'sparsevec_ip_ops', kind: 'sparsevec', metric: 'ip', operator: '<#>' },
  { name: 'sparsevec_cosine_ops', kind: 'sparsevec', metric: 'cosine', operator: '<=>' },
  { name: 'sparsevec_l1_ops', kind: 'sparsevec', metric: 'l1', operator: '<+>' },
];

export const hnswAm: IndexAm = {
  name: 'hnsw',
  capabilities: {
    canOrder: false,
    canOrderByOp: true,
    canUnique: false,
    canMultiCol: false,
    canReturnBitmap: false,
    searchNulls: false,
    supportsFilter: true,
    canContinue: true,
    keyedFilter: true,
  },
  opclasses: hnswOpclasses,
  gucs: hnswGucs,
  /**
   * None: pgvector declares its hnsw opclasses without DEFAULT, so `USING hnsw (v)` fails with
   * 42704 `data type vector has no default operator class for access method "hnsw"`.
   */
  defaultOpclass(_kind: VectorKind): OpClass | null {
    return null;
  },
  parseOptions(raw: RawOptions, _dim: number) {
    return parseHnswOptions(raw);
  },
  build: buildHnsw,
  buildAsync: buildHnswAsync,
  buildsOnWorkers: hnswBuildsOnWorkers,
  load: loadHnsw,
  costEstimate: hnswCostEstimate,
};

export { HnswIndex } from './hnsw-index.js';
export type { HnswOptions } from './options.js';
