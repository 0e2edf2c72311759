/**
 * Cost of an IVFFlat scan in distance computations, the planner's unit (an exact scan costs one
 * per row). A scan computes the query's distance to every center, then to every entry of the
 * lists it reads, and selects the
 * nearest among them (a bounded heap: {@link COST_PER_CANDIDATE} per entry). The work grows
 * linearly with ivfflat.probes and reaches the exact scan's at probes = lists, so no probes
 * value makes the planner choose a plan much slower than the index scan at the probes below it
 * (pgvector's cost flips to a sequential scan 60-150x slower at probes = 5 in seed 000).
 *
 * A list read holds on average sum(count^2) / sum(count) entries, not rows / lists: queries
 * come from where the data is, so they land in a list with probability proportional to its
 * size (the size-biased mean; on 50,000 GloVe rows in 50 lists 1,500 against 1,000).
 *
 * By filter mode (access/am.ts CostInput):
 * - post: `probes` lists; with ivfflat.iterative_scan on and a filter, as many more as it takes
 *   to see limit / selectivity entries, up to ivfflat.max_probes. Rows: what the lists read hold
 *   times the selectivity.
 * - filter: the lists read until `limit` passing entries were seen (at least `probes`).
 * - exhaustive: the lists read until limit / selectivity entries were seen (at least `probes`).
 */
import type { CostEstimate, CostInput, VectorIndex } from '../am.js';
import type { IvfflatIndex } from './ivfflat-index.js';
import { GUC_ITERATIVE_SCAN, GUC_MAX_PROBES, GUC_PROBES } from './options.js';

/** Selection work per entry read (heap comparisons), in distance computations. */
export const COST_PER_CANDIDATE = 0.05;

export function ivfflatCostEstimate(index: VectorIndex, input: CostInput): CostEstimate {
  const ix = index as IvfflatIndex;
  const lists = ix.lists.lists;
  const rows = Math.max(ix.size, 1);
  const perList = listSizeRead(ix);
  const probes = Math.min(Number(input.gucs.get(GUC_PROBES)), lists);
  const sel = Math.min(1, Math.max(input.selectivity, 1e-9));
  const mode = input.filterMode ?? 'post';
  const listsFor = (entries: number): number => Math.min(lists, Math.max(probes, Math.ceil(entries / perList)));
  let read: number;
  let returned: number;
  if (mode === 'filter') {
    read = listsFor(input.limit / sel);
    returned = Math.min(input.limit, rows * sel);
  } else if (mode === 'exhaustive') {
    read = listsFor(input.limit / sel);
    returned = Math.min(input.limit, rows * sel);
  } else {
    read = probes;
    if (String(input.gucs.get(GUC_ITERATIVE_SCAN)) !== 'off' && sel < 1) {
      const maxProbes = Math.max(probes, Math.min(Number(input.gucs.get(GUC_MAX_PROBES)), lists));
      read = Math.min(maxProbes, listsFor(input.limit / sel));
    }
    returned = Math.min(input.limit, read * perList * sel);
  }
  const entries = Math.min(rows, read * perList); // reading every list reads every row once
  const work = lists + entries * (1 + COST_PER_CANDIDATE);
  return { startup: work, total: work, rows: returned };
}

/** Entries of the list a query reads, size-biased (module comment); rows / lists when empty. */
export function listSizeRead(ix: IvfflatIndex): number {
  const c = ix.lists.count;
  let sum = 0;
  let sq = 0;
  for (let l = 0; l < c.length; l++) {
    sum += c[l]!;
    sq += c[l]! * c[l]!;
  }
  return sum > 0 ? sq / sum : Math.max(ix.size, 1) / ix.lists.lists;
}
