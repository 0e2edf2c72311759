/**
 * Row and cost estimates (PostgreSQL's costsize.c and clausesel.c, much reduced). Costs are
 * in PostgreSQL's units (cpu_tuple_cost = 0.01 per row handled, cpu_operator_cost = 0.0025
 * per qual evaluated, seq_page_cost = 1 per 8 kB read); a distance computation over a
 * d-dimensional vector costs d / 4 operator evaluations. They order plans; they are not
 * PostgreSQL's numbers for the same query, which is why shape tests use COSTS OFF.
 */
import type { Expr } from '../analyze/expr.js';
import type { PlanBase, LayoutItem } from './plan.js';

export const CPU_TUPLE_COST = 0.01;
export const CPU_OPERATOR_COST = 0.0025;
/** Rows per 8 kB page assumed for a table's sequential read cost. */
export const ROWS_PER_PAGE = 100;
/** PostgreSQL's disable_cost: a disabled path is very expensive, not impossible. */
export const DISABLE_COST = 1e10;

/** Selectivity of one qual (PostgreSQL's defaults: `=` 0.005, ranges 1/3, others 0.5). */
export function qualSelectivity(e: Expr): number {
  if (e.k === 'and') return e.args.reduce((s, a) => s * qualSelectivity(a), 1);
  if (e.k === 'or') return Math.min(1, e.args.reduce((s, a) => s + qualSelectivity(a), 0));
  if (e.k === 'not') return 1 - qualSelectivity(e.arg);
  if (e.k === 'op2') {
    if (e.op === '=') return 0.005;
    if (e.op === '<>') return 0.995;
    if (e.op === '<' || e.op === '>' || e.op === '<=' || e.op === '>=') return 1 / 3;
  }
  if (e.k === 'isnull') return e.negate ? 0.995 : 0.005;
  if (e.k === 'in') return Math.min(0.5, 0.005 * e.list.length);
  if (e.k === 'const') return e.value === true ? 1 : 0;
  return 0.5;
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
