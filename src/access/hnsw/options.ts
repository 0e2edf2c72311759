/**
 * HNSW storage parameters and settings, with pgvector's names, defaults, bounds and messages
 * (pgvector src/hnsw.h and hnsw.c: HNSW_DEFAULT_M 16 in 2..100, HNSW_DEFAULT_EF_CONSTRUCTION 64
 * in 4..1000, hnsw.ef_search 40 in 1..1000, ...).
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { GucDef } from '../../common/guc.js';
import type { RawOptions } from '../am.js';
import { parseIntOptions, type IntOptionDef } from '../shared/reloptions.js';

export const HNSW_M: IntOptionDef = { name: 'm', default: 16, min: 2, max: 100 };
export const HNSW_EF_CONSTRUCTION: IntOptionDef = { name: 'ef_construction', default: 64, min: 4, max: 1000 };

export interface HnswOptions {
  /** Max neighbours per node on layers >= 1 (2 * m on layer 0). */
  m: number;
  /** Size of the candidate list while building. */
  efConstruction: number;
}

/**
 * Validates `WITH (m = ..., ef_construction = ...)`.
 * @throws PgError 22023: unknown option, non-integer or out-of-range value (reloptions.c
 *   texts), or `ef_construction must be greater than or equal to 2 * m` (pgvector hnswbuild.c).
 */
export function parseHnswOptions(raw: RawOptions): HnswOptions {
  const v = parseIntOptions(raw, [HNSW_M, HNSW_EF_CONSTRUCTION]);
  const m = v.get('m')!;
  const efConstruction = v.get('ef_construction')!;
  if (efConstruction < 2 * m) {
    throw new PgError(SQLSTATE.invalid_parameter_value, 'ef_construction must be greater than or equal to 2 * m');
  }
  return { m, efConstruction };
}

export const GUC_EF_SEARCH = 'hnsw.ef_search';
export const GUC_ITERATIVE_SCAN = 'hnsw.iterative_scan';
export const GUC_MAX_SCAN_TUPLES = 'hnsw.max_scan_tuples';
export const GUC_SCAN_MEM_MULTIPLIER = 'hnsw.scan_mem_multiplier';

export type IterativeScan = 'off' | 'relaxed_order' | 'strict_order';

/** The settings HNSW scans read, as pgvector 0.8.7 defines them (pg_settings rows). */
export const hnswGucs: readonly GucDef[] = [
  {
    name: GUC_EF_SEARCH,
    type: 'integer',
    default: 40,
    min: 1,
    max: 1000,
    shortDesc: 'Sets the size of the dynamic candidate list for search',
    category: 'Customized Options',
  },
  {
    name: GUC_ITERATIVE_SCAN,
    type: 'enum',
    default: 'off',
    values: ['off', 'relaxed_order', 'strict_order'],
    shortDesc: 'Sets the mode for iterative scans',
    category: 'Customized Options',
  },
  {
    name: GUC_MAX_SCAN_TUPLES,
    type: 'integer',
    default: 20000,
    min: 1,
    max: 2147483647,
    shortDesc: 'Sets the max number of tuples to visit for iterative scans',
    category: 'Customized Options',
  },
  {
    name: GUC_SCAN_MEM_MULTIPLIER,
    type: 'real',
    default: 1,
    min: 1,
    max: 1000,
    shortDesc: 'Sets the multiple of work_mem to use for iterative scans',
    category: 'Customized Options',
  },
];
