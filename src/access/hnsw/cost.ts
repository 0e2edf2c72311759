/**
 * Cost of an HNSW scan in distance computations, the planner's unit (an exact scan costs one
 * per row). A search descends ~log_m(rows) upper layers greedily (about m distances each) and
 * then expands on layer 0 until its ef-sized result list stops improving. Measured distance
 * computations per search on GloVe 100-d (cosine, m = 16, ef_construction = 64; bench/hnsw.ts
 * prints them next to this estimate for every run):
 *
 *     ef          10    20    40    80   120   200   400
 *     340k rows  449   649  1002  1653  2263  3399  5992
 *     50k rows   395   575   902  1487  2019  2977  5019
 *
 * A line per table size fits them: m * (6 * log_m(rows) + 0.8 * ef), within 15% for ef >= 40
 * and 30% below (where a search costs a few hundred distances either way).
 */
import type { CostEstimate, CostInput, VectorIndex } from '../am.js';
import { GUC_EF_SEARCH, GUC_ITERATIVE_SCAN, GUC_MAX_SCAN_TUPLES } from './options.js';
import type { HnswIndex } from './hnsw-index.js';
import { exhaustiveEf } from './scan.js';

/** Fitted constants (see the module comment): per-layer and per-ef distance counts over m. */
export const COST_PER_LAYER = 6;
export const COST_PER_EF = 0.8;

/** Estimated distance computations for one search with `ef` over `rows` nodes of degree `m`. */
export function searchDistances(rows: number, ef: number, m: number): number {
  if (rows <= 0) return 0;
  const layers = Math.max(1, Math.log(rows) / Math.log(m));
  return Math.min(rows, m * (COST_PER_LAYER * layers + COST_PER_EF * ef));
}

/**
 * Look-ups of a filtered expansion's second hop, in distance computations: a visited-tag and
 * a bitset read per entry of a non-passing neighbour's list, about 1/20 of a 100-d distance.
 */
export const COST_PER_HOP_LOOKUP = 0.05;

/**
 * Work a graph search does per node it visits besides the distance (a visited tag, a heap push
 * and pop, a neighbour-list read at a random address), in operator costs: the filtered
 * strategies compare graph distances with the exact strategy's sequential ones, whose rows
 * cost the distance alone (CostEstimate.accessFactor). A distance is dim / 4 operator costs
 * (the planner's unit), so at 100 dimensions a visited node costs 1.3 distances, at 16 (the
 * planner's floor) 3.
 */
export const GRAPH_NODE_OPS = 8;

/** A graph distance computation in sequential distance computations, for `dim` dimensions. */
export function graphDistanceFactor(dim: number): number {
  return 1 + (4 * GRAPH_NODE_OPS) / Math.max(16, dim);
}

/**
 * startup = total: the search runs before the first row comes out. By filter mode (the
 * filtered modes also give {@link graphDistanceFactor} as accessFactor):
 *
 * - post (pgvector): one search of ef; with hnsw.iterative_scan on and a filter, the scan goes
 *   on until limit / selectivity rows were seen, up to hnsw.max_scan_tuples. With it off, the
 *   rows are the ef found times the selectivity (pgvector's "too few rows").
 * - exhaustive: as a search whose ef is ef / sqrt(selectivity) (the scan widens it so the rows
 *   kept are as accurate as an unfiltered search's), or the rows needed to see limit passing
 *   ones if more.
 * - keyed (a filter subgraph, subgraphs.ts): an unfiltered search of ef over the passing rows.
 * - filter (ACORN-1 over a bitset, assembly/hnsw.ts): the upper layers as unfiltered; on layer
 *   0 about 0.8 ef expansions (the fit above), each computing the distances of the passing
 *   nodes among M0 neighbours and their neighbours (at most M0) and reading the lists of the
 *   non-passing ones.
 */
export function hnswCostEstimate(index: VectorIndex, input: CostInput): CostEstimate {
  const ix = index as HnswIndex;
  const parts = ix.partitions.length;
  if (parts === 1) return estimate(index, Math.max(ix.size, 1), input);
  // A partitioned index (partitions.ts) searches each of its partitions, about size / parts
  // rows each, with the same ef_search; the rows it returns are the whole index's.
  const one = estimate(index, Math.max(ix.size / parts, 1), input);
  const all = estimate(index, Math.max(ix.size, 1), input);
  return { ...all, startup: one.startup * parts, total: one.total * parts };
}

/** The estimate of a scan of one graph of `rows` rows (the module comment). */
function estimate(index: VectorIndex, rows: number, input: CostInput): CostEstimate {
  const m = (index as HnswIndex).state.options.m;
  const m0 = 2 * m;
  const ef = Number(input.gucs.get(GUC_EF_SEARCH));
  const sel = Math.min(1, Math.max(input.selectivity, 1e-9));
  const passing = rows * sel;
  const mode = input.filterMode ?? 'post';
  if (mode === 'filter') {
    const layers = Math.max(1, Math.log(rows) / Math.log(m));
    const perExpansion = Math.min(m0, m0 * sel + m0 * (1 - sel) * m0 * sel);
    const lookups = m0 * (1 - sel) * m0 * COST_PER_HOP_LOOKUP;
    const expansions = Math.min(passing, COST_PER_EF * ef + 2);
    const work = m * COST_PER_LAYER * layers + expansions * (perExpansion + lookups);
    return { startup: work, total: work, rows: Math.min(input.limit, passing), accessFactor: graphDistanceFactor(index.dim) };
  }
  if (mode === 'keyed') {
    // A search of a subgraph holding just the passing rows (subgraphs.ts): the unfiltered
    // search over a graph of that size.
    const work = searchDistances(passing, ef, m);
    return { startup: work, total: work, rows: Math.min(input.limit, passing), accessFactor: graphDistanceFactor(index.dim) };
  }
  if (mode === 'exhaustive') {
    // The scan widens its ef by 1 / sqrt(selectivity) (scan.ts exhaustiveEf), then resumes as needed.
    const needed = Math.min(rows, input.limit / sel);
    const work = searchDistances(rows, Math.max(exhaustiveEf(ef, sel), needed), m);
    return { startup: work, total: work, rows: Math.min(input.limit, passing), accessFactor: graphDistanceFactor(index.dim) };
  }
  let work = searchDistances(rows, ef, m);
  let seen = Math.min(ef, rows);
  if (String(input.gucs.get(GUC_ITERATIVE_SCAN)) !== 'off' && sel < 1) {
    const needed = Math.min(rows, input.limit / sel);
    const maxTuples = Number(input.gucs.get(GUC_MAX_SCAN_TUPLES));
    // Each further node visited costs one distance.
    if (needed > ef) {
      work += Math.min(needed, maxTuples);
      seen = Math.min(needed, maxTuples);
    }
  }
  return { startup: work, total: work, rows: Math.min(input.limit, seen * sel) };
}
