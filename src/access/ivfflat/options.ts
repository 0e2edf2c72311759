/**
 * IVFFlat storage parameters and settings, with pgvector's names, defaults, bounds and messages
 * (pgvector src/ivfflat.h and ivfflat.c: IVFFLAT_DEFAULT_LISTS 100 in 1..32768, ivfflat.probes
 * 1 in 1..32768, ivfflat.iterative_scan off / relaxed_order, ivfflat.max_probes 32768).
 */
import type { GucDef } from '../../common/guc.js';
import type { RawOptions } from '../am.js';
import { parseIntOptions, type IntOptionDef } from '../shared/reloptions.js';

/** Most lists an index may have (pgvector IVFFLAT_MAX_LISTS); also the bound of the probes settings. */
export const IVFFLAT_LISTS_MAX = 32768;

export const IVFFLAT_LISTS: IntOptionDef = { name: 'lists', default: 100, min: 1, max: IVFFLAT_LISTS_MAX };

export interface IvfflatOptions {
  /** Number of inverted lists (k-means centers). */
  lists: number;
}

/**
 * Validates `WITH (lists = ...)`.
 * @throws PgError 22023: unknown option, non-integer or out-of-range value (reloptions.c texts).
 */
export function parseIvfflatOptions(raw: RawOptions): IvfflatOptions {
  const v = parseIntOptions(raw, [IVFFLAT_LISTS]);
  return { lists: v.get('lists')! };
}

export const GUC_PROBES = 'ivfflat.probes';
export const GUC_ITERATIVE_SCAN = 'ivfflat.iterative_scan';
export const GUC_MAX_PROBES = 'ivfflat.max_probes';

export type IvfIterativeScan = 'off' | 'relaxed_order';

/** The settings IVFFlat scans read, as pgvector 0.8.7 defines them (pg_settings rows). */
export const ivfflatGucs: readonly GucDef[] = [
  {
    name: GUC_PROBES,
    type: 'integer',
    default: 1,
    min: 1,
    max: IVFFLAT_LISTS_MAX,
    shortDesc: 'Sets the number of probes',
    category: 'Customized Options',
  },
  {
    name: GUC_ITERATIVE_SCAN,
    type: 'enum',
    default: 'off',
    values: ['off', 'relaxed_order'],
    shortDesc: 'Sets the mode for iterative scans',
    category: 'Customized Options',
  },
  {
    // pgvector: "If this is less than probes, probes is used".
    name: GUC_MAX_PROBES,
    type: 'integer',
    default: IVFFLAT_LISTS_MAX,
    min: 1,
    max: IVFFLAT_LISTS_MAX,
    shortDesc: 'Sets the max number of probes for iterative scans',
    category: 'Customized Options',
  },
];
