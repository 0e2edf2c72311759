/**
 * Binding expressions to tuple positions (PostgreSQL's setrefs.c): a column reference of the
 * planned level becomes `slot i` of the tuple the node reads, an expression computed below
 * (a group key, an aggregate) becomes the slot holding it, a column of an enclosing query or
 * of a LATERAL neighbour becomes an executor parameter, a subquery becomes a SubPlan. After
 * binding, evaluation indexes an array; nothing is looked up by name at run time.
 */
import type { Expr } from '../analyze/expr.js';
import { mapOperands } from '../analyze/expr.js';
import { exprEqual } from '../analyze/query.js';
import { bug } from '../exec/eval.js';
import { deparse, type DeparseContext } from './deparse.js';
import type { LayoutItem, SubPlan } from './plan.js';
import { quoteIdent } from '../parser/parse.js';

export type VarExpr = Extract<Expr, { k: 'var' }>;

/** What binding needs from the query level being planned (planner.ts implements it). */
export interface LevelBinder {
  /** The executor parameter carrying enclosing-level column `v` (levelsUp >= 1). */
  outerParam(v: VarExpr): number;
  /** Plans a sublink found while binding for the node `ctx` describes. */
  planSubLink(e: Extract<Expr, { k: 'sublink' }>, ctx: BindCtx): Expr;
  /** EXPLAIN's name of an enclosing level's column read through a parameter. */
  outerParamName(v: VarExpr): string;
  /** EXPLAIN's name of a column of this level (`t.col` with `prefix`, else `col`). */
  varName(v: VarExpr, prefix: boolean): string;
  /** How constants print in EXPLAIN (the statement's, deparse.ts). */
  readonly deparseCtx: DeparseContext;
}

/** The node being bound: its input tuple, and where its SubPlans are recorded. */
export interface BindCtx {
  level: LevelBinder;
  layout: readonly LayoutItem[];
  /**
   * Columns of this level not in the tuple: executor parameters set by a nested loop above
   * (a parameterized scan's outer values, a LATERAL function's arguments). Returns the
   * parameter id, or null when the column is not such a reference.
   */
  lateral?: (v: VarExpr) => number | null;
  initPlans: SubPlan[];
  subPlans: SubPlan[];
  /** Estimated evaluations of the expression bound (for choosing between SubPlans), if known. */
  calls?: number;
}

/** Binds `e` for the node `ctx` describes. */
export function bindExpr(e: Expr, ctx: BindCtx): Expr {
  if (e.k === 'const' || e.k === 'param') return e;
  const layout = ctx.layout;
  if (e.k !== 'var') {
    for (let i = 0; i < layout.length; i++) {
      const it = layout[i]!;
      if ('expr' in it && exprEqual(it.expr, e)) return { k: 'slot', type: e.type, idx: i, typmod: typmodOfExpr(e), ...slotNames(it.expr, ctx) };
    }
  }
  switch (e.k) {
    case 'var': {
      if (e.levelsUp > 0) {
        const id = ctx.level.outerParam(e);
        const name = ctx.level.outerParamName(e);
        return { k: 'execParam', type: e.type, id, typmod: e.typmod, name, qname: name };
      }
      for (let i = 0; i < layout.length; i++) {
        const it = layout[i]!;
        if ('rti' in it && it.rti === e.rti && it.col === e.col) return { k: 'slot', type: e.type, idx: i, typmod: e.typmod, ...slotNames(e, ctx) };
      }
      for (let i = 0; i < layout.length; i++) {
        const it = layout[i]!;
        if ('expr' in it && exprEqual(it.expr, e)) return { k: 'slot', type: e.type, idx: i, typmod: e.typmod, ...slotNames(e, ctx) };
      }
      const id = ctx.lateral?.(e) ?? null;
      if (id !== null) return { k: 'execParam', type: e.type, id, typmod: e.typmod, name: ctx.level.varName(e, true), qname: ctx.level.varName(e, true) };
      return bug(`column ${e.name} (rte ${e.rti}) is not in the node's input tuple`);
    }
    case 'sublink':
      return ctx.level.planSubLink(e, ctx);
    case 'count':
    case 'agg':
      return bug('aggregate call above its Agg node is not in the tuple');
    case 'window':
      return bug('window function above its WindowAgg node is not in the tuple');
    default:
      return mapOperands(e, (x) => bindExpr(x, ctx));
  }
}

function typmodOfExpr(e: Expr): number {
  return 'typmod' in e && typeof e.typmod === 'number' ? e.typmod : -1;
}

/** How EXPLAIN prints a tuple position holding `e`: unqualified and qualified. */
function slotNames(e: Expr, ctx: BindCtx): { name: string; qname: string } {
  const level = ctx.level;
  const vn = (v: VarExpr, prefix: boolean): string => (v.levelsUp === 0 ? level.varName(v, prefix) : quoteIdent(v.name));
  return { name: deparse(e, level.deparseCtx, false, vn), qname: deparse(e, level.deparseCtx, true, vn) };
}
