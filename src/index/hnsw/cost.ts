/**
 * Cost of an HNSW scan in distance computations, the planner's unit (an exact scan costs one
 * per row). A search descends ~log_m(rows) upper layers greedily (about m distances each) and
 * then expands on layer 0 until its ef-sized result list stops improving, computing distances
 * to the unvisited neighbours of each expanded node. Measured on GloVe 100-d (cosine, m = 16,
 * ef_construction = 64, 340k rows): a search costs about DIST_PER_EF * ef * m distances
 * (see bench/hnsw.ts, which prints the measured counts next to this estimate).
 */
import type { CostEstimate, CostInput, VectorIndex } from '../am.js';
import { GUC_EF_SEARCH, GUC_ITERATIVE_SCAN, GUC_MAX_SCAN_TUPLES } from './options.js';
import type { HnswIndex } from './hnsw-index.js';

/** Layer-0 distances per unit of ef * m (calibrated; see the module comment). */
export const DIST_PER_EF_M = 1.0;

/** Estimated distance computations for one search with `ef` over `rows` nodes of degree `m`. */
export function searchDistances(rows: number, ef: number, m: number): number {
  if (rows <= 0) return 0;
  const layers = Math.max(1, Math.log(rows) / Math.log(m));
  const layer0 = Math.min(rows, DIST_PER_EF_M * ef * m * Math.max(1, Math.log10(rows) / 2));
  return layers * m + layer0;
}

/**
 * startup = total: the search runs before the first row comes out. With a filter (selectivity
 * < 1) and iterative scans on, the scan continues until limit / selectivity rows were seen, up
 * to hnsw.max_scan_tuples.
 */
export function hnswCostEstimate(index: VectorIndex, input: CostInput): CostEstimate {
  const ix = index as HnswIndex;
  const m = ix.state.options.m;
  const rows = Math.max(ix.size, 1);
  const ef = Number(input.gucs.get(GUC_EF_SEARCH));
  let work = searchDistances(rows, ef, m);
  if (String(input.gucs.get(GUC_ITERATIVE_SCAN)) !== 'off' && input.selectivity < 1) {
    const needed = Math.min(rows, input.limit / Math.max(input.selectivity, 1e-9));
    const maxTuples = Number(input.gucs.get(GUC_MAX_SCAN_TUPLES));
    if (needed > ef) work += Math.min(needed, maxTuples) * m * DIST_PER_EF_M;
  }
  return { startup: work, total: work };
}
