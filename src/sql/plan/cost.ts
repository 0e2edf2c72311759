/**
 * Row and cost estimates (PostgreSQL's costsize.c and clausesel.c, much reduced). Costs are
 * in PostgreSQL's units (cpu_tuple_cost = 0.01 per row handled, cpu_operator_cost = 0.0025
 * per qual evaluated, seq_page_cost = 1 per 8 kB read); a distance computation over a
 * d-dimensional vector costs d / 4 operator evaluations. They order plans; they are not
 * PostgreSQL's numbers for the same query, which is why shape tests use COSTS OFF.
 */
import type { Expr } from '../analyze/expr.js';
import type { PlanBase, LayoutItem } from './plan.js';
import { andSelectivity, clauseSelectivity, NO_STATS, type VarLookup } from './selfuncs.js';

export const CPU_TUPLE_COST = 0.01;
export const CPU_OPERATOR_COST = 0.0025;
/** Rows per 8 kB page assumed for a table's sequential read cost. */
export const ROWS_PER_PAGE = 100;
/** PostgreSQL's disable_cost: a disabled path is very expensive, not impossible. */
export const DISABLE_COST = 1e10;

/**
 * Selectivity of one qual: the fraction of rows it keeps, from ANALYZE statistics through
 * `lookup` when given (selfuncs.ts), else PostgreSQL's defaults.
 */
export function qualSelectivity(e: Expr, lookup: VarLookup = NO_STATS): number {
  return clauseSelectivity(e, lookup);
}

/** Selectivity of AND-ed quals (range pairs on one column combined, as clauselist_selectivity). */
export function qualsSelectivity(quals: readonly Expr[], lookup: VarLookup = NO_STATS): number {
  return andSelectivity(quals, lookup);
}

/** Number of operators a qual evaluates per row (for its CPU cost). */
export function qualOps(e: Expr | null): number {
  if (e === null) return 0;
  if (e.k === 'and' || e.k === 'or') return e.args.reduce((s, a) => s + qualOps(a), 0);
  return 1;
}

/** A plan node's common fields. */
export function planBase(rows: number, startupCost: number, totalCost: number, layout: LayoutItem[], width = 8 * Math.max(1, layout.length)): PlanBase {
  return {
    rows: Math.max(1, Math.round(rows)),
    startupCost,
    totalCost,
    width,
    layout,
    qual: null,
    project: null,
    initPlans: [],
    subPlans: [],
    extParams: [],
  };
}
