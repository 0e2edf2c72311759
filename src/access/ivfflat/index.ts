/**
 * The IVFFlat access method (pgvector ivfflat.c: the routine table; the work lives in
 * build.ts, kmeans.ts, scan.ts, cost.ts, persist.ts). Register `ivfflatAm` with the engine.
 *
 * Differences from pgvector: vectors up to the type's 16,000 dimensions (pgvector stops at
 * 2,000: 8 KB pages); lists are arena blocks, not pages; a row filter (access/am.ts RowFilter)
 * is consulted while a list is read. Opclasses: vector and halfvec (l2, ip, cosine), bit
 * (hamming, up to 64,000 bits as pgvector).
 */
import type { IndexAm, OpClass, RawOptions, VectorKind } from '../am.js';
import { buildIvfflat } from './build.js';
import { buildIvfflatAsync, ivfflatBuildsOnWorkers } from './build-async.js';
import { ivfflatCostEstimate } from './cost.js';
import { ivfflatGucs, parseIvfflatOptions } from './options.js';
import { loadIvfflat } from './persist.js';

/**
 * pgvector's ivfflat opclasses for vector (vector_l2_ops is the DEFAULT one) and halfvec (no
 * default, as pgvector); halfvec keys are stored as the float32 values they denote, bit keys as
 * packed bits (centers too: kmeans-bits.ts).
 */
export const ivfflatOpclasses: readonly OpClass[] = [
  { name: 'vector_l2_ops', kind: 'vector', metric: 'l2', operator: '<->' },
  { name: 'vector_ip_ops', kind: 'vector', metric: 'ip', operator: '<#>' },
  { name: 'vector_cosine_ops', kind: 'vector', metric: 'cosine', operator: '<=>' },
  { name: 'halfvec_l2_ops', kind: 'halfvec', metric: 'l2', operator: '<->' },
  { name: 'halfvec_ip_ops', kind: 'halfvec', metric: 'ip', operator: '<#>' },
  { name: 'halfvec_cosine_ops', kind: 'halfvec', metric: 'cosine', operator: '<=>' },
  { name: 'bit_hamming_ops', kind: 'bit', metric: 'hamming', operator: '<~>' },
];

export const ivfflatAm: IndexAm = {
  name: 'ivfflat',
  capabilities: {
    canOrder: false,
    canOrderByOp: true,
    canUnique: false,
    canMultiCol: false,
    canReturnBitmap: false,
    searchNulls: false,
    supportsFilter: true,
    canContinue: true,
  },
  opclasses: ivfflatOpclasses,
  gucs: ivfflatGucs,
  /** pgvector declares `vector_l2_ops DEFAULT FOR TYPE vector USING ivfflat`. */
  defaultOpclass(kind: VectorKind): OpClass | null {
    return kind === 'vector' ? ivfflatOpclasses[0]! : null;
  },
  parseOptions(raw: RawOptions, _dim: number) {
    return parseIvfflatOptions(raw);
  },
  build: buildIvfflat,
  buildAsync: buildIvfflatAsync,
  buildsOnWorkers: ivfflatBuildsOnWorkers,
  load: loadIvfflat,
  costEstimate: ivfflatCostEstimate,
};

export { IvfflatIndex } from './ivfflat-index.js';
export type { IvfflatOptions } from './options.js';
