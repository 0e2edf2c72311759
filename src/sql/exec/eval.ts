/**
 * Expression evaluation over one row (a tree walk; expressions are small and the hot vector
 * paths do not go through here). Three-valued logic as SQL: AND/OR with NULL, strict operators
 * return NULL for a NULL argument.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { assert } from '../../common/assert.js';
import type { Table, Value } from '../../storage/table.js';
import { type Expr, buildArray } from '../analyze/expr.js';
import { castValue } from '../analyze/types.js';
import type { SelectQuery } from '../analyze/query.js';

/** Per-execution state: parameter values and memoised scalar subqueries. */
export interface EvalCtx {
  params: readonly Value[];
  /** Runs an uncorrelated scalar subquery: its rows (first column only). */
  runSubquery(q: SelectQuery, ctx: EvalCtx): Value[];
  memo: Map<Expr, Value> | null;
  /** The current group's aggregate results, while grouped output is computed. */
  aggValues?: Map<Expr, Value> | null;
}

/** Evaluates `e` for `rowId` of `table` (table may be null for row-independent expressions). */
export function evalExpr(e: Expr, table: Table | null, rowId: number, ctx: EvalCtx): Value {
  switch (e.k) {
    case 'const':
      return e.value;
    case 'param':
      return ctx.params[e.index] ?? null;
    case 'col':
      return table!.get(e.col, rowId);
    case 'op1': {
      const a = evalExpr(e.arg, table, rowId, ctx);
      return a === null ? null : e.fn(a);
    }
    case 'op2': {
      const a = evalExpr(e.l, table, rowId, ctx);
      if (a === null) return null;
      const b = evalExpr(e.r, table, rowId, ctx);
      if (b === null) return null;
      return e.fn(a, b);
    }
    case 'cast':
      return castValue(evalExpr(e.arg, table, rowId, ctx), e.from, e.type, e.typmod, e.explicit ?? true);
    case 'fn': {
      const args: Value[] = new Array(e.args.length);
      for (let i = 0; i < args.length; i++) {
        const v = evalExpr(e.args[i]!, table, rowId, ctx);
        if (v === null) return null;
        args[i] = v;
      }
      return e.fn(args);
    }
    case 'array': {
      const vals: Value[] = new Array(e.elems.length);
      for (let i = 0; i < vals.length; i++) vals[i] = evalExpr(e.elems[i]!, table, rowId, ctx);
      return buildArray(e.type, vals);
    }
    case 'and': {
      let sawNull = false;
      for (const a of e.args) {
        const v = evalExpr(a, table, rowId, ctx);
        if (v === false) return false;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : true;
    }
    case 'or': {
      let sawNull = false;
      for (const a of e.args) {
        const v = evalExpr(a, table, rowId, ctx);
        if (v === true) return true;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : false;
    }
    case 'not': {
      const v = evalExpr(e.arg, table, rowId, ctx);
      return v === null ? null : !v;
    }
    case 'isnull': {
      const v = evalExpr(e.arg, table, rowId, ctx);
      return (v === null) !== e.negate;
    }
    case 'in': {
      const v = evalExpr(e.arg, table, rowId, ctx);
      if (v === null) return null;
      if (e.hashed !== null) {
        if (e.hashed.values.has(v)) return !e.negate;
        return e.hashed.hasNull ? null : e.negate;
      }
      let sawNull = false;
      for (const item of e.list) {
        const w = evalExpr(item, table, rowId, ctx);
        if (w === null) sawNull = true;
        else if (e.eq(v, w) === true) return !e.negate;
      }
      return sawNull ? null : e.negate;
    }
    case 'coalesce':
      for (const a of e.args) {
        const v = evalExpr(a, table, rowId, ctx);
        if (v !== null) return v;
      }
      return null;
    case 'sublink': {
      if (ctx.memo === null) ctx.memo = new Map();
      if (ctx.memo.has(e)) return ctx.memo.get(e)!;
      const rows = ctx.runSubquery(e.query as SelectQuery, ctx);
      if (rows.length > 1) {
        throw new PgError(SQLSTATE.cardinality_violation, 'more than one row returned by a subquery used as an expression');
      }
      const v = rows.length === 0 ? null : rows[0]!;
      ctx.memo.set(e, v);
      return v;
    }
    case 'count':
    case 'agg': {
      const v = ctx.aggValues?.get(e);
      assert(v !== undefined, 'aggregates are evaluated by the executor');
      return v;
    }
    case 'srf':
      assert(false, 'set-returning calls are expanded by the executor');
  }
}

/** WHERE semantics: only TRUE passes (NULL and FALSE reject). */
export function passes(filter: Expr | null, table: Table, rowId: number, ctx: EvalCtx): boolean {
  return filter === null || evalExpr(filter, table, rowId, ctx) === true;
}
