/**
 * Analysis of UPDATE and DELETE (PostgreSQL's transformUpdateStmt / transformDeleteStmt): the
 * target table (with an optional alias, which hides the table's own name), `UPDATE ... FROM`
 * and `DELETE ... USING` items, WITH (non-data-modifying CTEs), WHERE, SET assignments
 * coerced to the column types, RETURNING.
 * The rows to change are found by one SELECT over the target and the FROM / USING items
 * (`scan`), planned and run like any join: it yields the target's row id and the FROM columns
 * SET and RETURNING read, so the statement has no join code of its own.
 * `SET c = DEFAULT` assigns the column's default (NULL when it has none; nextval for identity and
 * serial columns, which is also how a GENERATED ALWAYS identity column may be updated).
 * `SET (a, b) = (x, y) | ROW(x, y) | (SELECT ...)` assigns several columns at once.
 * Data-modifying statements in WITH and WHERE CURRENT OF are not supported (0A000).
 */
import { pgErr } from '../../common/errors.js';
import type { Table } from '../../storage/table.js';
import type { PgNode } from '../parser/parse.js';
import type { SqlEnv } from '../env.js';
import { analyzeExpr, coerceTo, forEachOperand, requireBool, type Expr, type ExprScope } from './expr.js';
import {
  analyzeSetList, expandStar, figureColname, forEachQueryExpr, rowIdQuery, tableParseState, transformFromClause, transformWithClause, writeTarget,
  type Analyzed, type Assignment, type FromNode, type SelectQuery, type Target,
} from './query.js';
import type { ParseState } from './range.js';
import type { SqlType } from './types.js';

export interface UpdateQuery {
  kind: 'update';
  table: Table;
  /**
   * The rows to update: `SELECT <row id of the target>, <FROM columns> FROM target, <FROM items>
   * WHERE ...` over range-table entry 0 (the target). Output column 0 is the row id; column
   * 1 + k is the FROM column `scan.targets[1 + k]` (a var), which `sets` and `returning` read.
   * A target row may appear in several output rows (it joins several FROM rows): the first
   * one counts, as in PostgreSQL.
   */
  scan: SelectQuery;
  /**
   * Assignments: column index and the value expression (over the old row and the FROM
   * columns), or a multiple-column sub-SELECT and the columns it sets.
   */
  sets: Assignment[];
  /** RETURNING, over the new row and the FROM columns. */
  returning: Target[] | null;
}

export interface DeleteQuery {
  kind: 'delete';
  table: Table;
  /** The rows to delete, as {@link UpdateQuery.scan}. */
  scan: SelectQuery;
  returning: Target[] | null;
}

/**
 * The parse state of an UPDATE / DELETE: the target (range-table entry 0, under its alias
 * when given), then the statement's WITH queries, then the FROM / USING items (which may not
 * reference the target, nor repeat its name: 42712).
 */
function targetScope(env: SqlEnv, stmt: PgNode, fromItems: readonly PgNode[], paramTypes: SqlType[]): { table: Table; ps: ParseState; from: FromNode[] } {
  const rv = stmt.relation;
  // UPDATE has a SET list, DELETE none.
  const table = writeTarget(env, rv, stmt.targetList === undefined ? 'DELETE from' : 'UPDATE of');
  const alias: string | undefined = rv.alias?.aliasname;
  const ps = tableParseState(env, table, paramTypes, [], alias);
  if (stmt.withClause !== undefined) transformWithClause(ps, stmt.withClause);
  const from = transformFromClause(ps, fromItems);
  return { table, ps, from };
}

/**
 * The columns of range-table entries other than the target (rti 0) that `exprs` read, also from
 * inside their subqueries, each once, as vars of the statement's level.
 */
function fromColumns(exprs: readonly Expr[]): Expr[] {
  const out: Expr[] = [];
  const seen = new Set<string>();
  const take = (x: Expr, depth: number): void => {
    if (x.k === 'var') {
      if (x.levelsUp !== depth || x.rti === 0) return;
      const key = `${x.rti}:${x.col}`;
      if (seen.has(key)) return;
      seen.add(key);
      const { loc: _loc, ...v } = x;
      out.push({ ...v, levelsUp: 0 });
      return;
    }
    forEachOperand(x, (y) => take(y, depth));
  };
  const visit = (e: Expr): void => {
    take(e, 0);
    const subs = (y: Expr): void => {
      if (y.k === 'sublink') forEachQueryExpr(y.query as SelectQuery, 1, take);
      forEachOperand(y, subs);
    };
    subs(e);
  };
  for (const e of exprs) visit(e);
  return out;
}

function whereOf(scope: ExprScope, stmt: PgNode): Expr | null {
  if (stmt.whereClause === undefined) return null;
  if (stmt.whereClause.CurrentOfExpr !== undefined) throw pgErr.featureNotSupported('WHERE CURRENT OF');
  return requireBool(scope, analyzeExpr(scope, stmt.whereClause), 'argument of WHERE', stmt.whereClause);
}

function returningOf(scope: ParseState, stmt: PgNode): Target[] | null {
  const rc: PgNode[] | undefined = stmt.returningClause?.exprs ?? stmt.returningList;
  if (rc === undefined) return null;
  const out: Target[] = [];
  for (const rt of rc) {
    const r = rt.ResTarget;
    if (r.val.ColumnRef !== undefined && r.val.ColumnRef.fields.some((f: PgNode) => f.A_Star !== undefined)) {
      // `*` is every column of the target and of the FROM / USING items, `x.*` those of x.
      expandStar(scope, r.val.ColumnRef, out);
      continue;
    }
    const e = analyzeExpr(scope, r.val);
    out.push({ name: r.name ?? figureColname(r.val), expr: e.type === 'unknown' ? coerceTo(scope, e, 'text', -1) : e });
  }
  return out;
}

/**
 * Analyzes `[WITH ...] UPDATE t [[AS] a] SET c = expr | DEFAULT | (c, ...) = source [, ...] [FROM ...] [WHERE ...]
 * [RETURNING ...]`. `defaults(t, col)` gives a column's default expression (null when it has
 * none), the same callback INSERT uses, so both statements evaluate defaults identically (once
 * per row).
 * Errors: 42703 unknown column, 42601 a column assigned twice, 428C9 a non-DEFAULT value for a
 * GENERATED ALWAYS identity column, 42P01 a missing or hidden FROM-clause entry (the table's
 * own name once it has an alias), 42712 a FROM item named as the target, 0A000 unsupported forms.
 */
export function analyzeUpdate(
  env: SqlEnv,
  stmt: PgNode,
  defaults: (t: Table, col: number) => Expr | null,
  declared: readonly SqlType[] = [],
): Analyzed<UpdateQuery> {
  const paramTypes: SqlType[] = [...declared];
  const { table, ps, from } = targetScope(env, stmt, (stmt.fromClause ?? []) as PgNode[], paramTypes);
  // PostgreSQL's order: WHERE, RETURNING, then the SET list (which error is raised first, and
  // the order parameter types are inferred in).
  const where = whereOf(ps, stmt);
  const returning = returningOf(ps, stmt);
  const sets = analyzeSetList(ps, table, (stmt.targetList ?? []) as PgNode[], defaults);
  const scan = rowIdQuery(table, where, { ps, from, extras: fromColumns([...sets.map((x) => x.expr), ...(returning ?? []).map((t) => t.expr)]) });
  return { query: { kind: 'update', table, scan, sets, returning }, paramTypes };
}

/** Analyzes `[WITH ...] DELETE FROM t [[AS] a] [USING ...] [WHERE ...] [RETURNING ...]` (errors as {@link analyzeUpdate}). */
export function analyzeDelete(env: SqlEnv, stmt: PgNode, declared: readonly SqlType[] = []): Analyzed<DeleteQuery> {
  const paramTypes: SqlType[] = [...declared];
  const { table, ps, from } = targetScope(env, stmt, (stmt.usingClause ?? []) as PgNode[], paramTypes);
  const where = whereOf(ps, stmt);
  const returning = returningOf(ps, stmt);
  const scan = rowIdQuery(table, where, { ps, from, extras: fromColumns((returning ?? []).map((t) => t.expr)) });
  return { query: { kind: 'delete', table, scan, returning }, paramTypes };
}
