/**
 * Analysis of UPDATE and DELETE (PostgreSQL's transformUpdateStmt / transformDeleteStmt) for
 * one table: WHERE, SET assignments coerced to the column types, RETURNING.
 * `SET c = DEFAULT` assigns the column's default (NULL when it has none; nextval for identity and
 * serial columns, which is also how a GENERATED ALWAYS identity column may be updated).
 * UPDATE ... FROM, DELETE ... USING, WITH and WHERE CURRENT OF are not supported (0A000).
 */
import { pgErr } from '../../common/errors.js';
import type { Table } from '../../storage/table.js';
import type { PgNode } from '../parser/parse.js';
import type { SqlEnv } from '../env.js';
import { analyzeExpr, coerceTo, requireBool, type Expr, type ExprScope } from './expr.js';
import { analyzeSetList, figureColname, tableParseState, undefinedTableAt, type Analyzed, type Target } from './query.js';
import type { SqlType } from './types.js';

export interface UpdateQuery {
  kind: 'update';
  table: Table;
  where: Expr | null;
  /** Assignments: column index and the value expression (over the old row). */
  sets: { col: number; expr: Expr }[];
  returning: Target[] | null;
}

export interface DeleteQuery {
  kind: 'delete';
  table: Table;
  where: Expr | null;
  returning: Target[] | null;
}

function targetTable(env: SqlEnv, stmt: PgNode): Table {
  if (stmt.withClause !== undefined) throw pgErr.featureNotSupported('WITH');
  const rv = stmt.relation;
  if (rv.alias !== undefined) throw pgErr.featureNotSupported('table aliases');
  if (rv.schemaname !== undefined && rv.schemaname !== 'public') throw undefinedTableAt(`${rv.schemaname}.${rv.relname}`, rv.location);
  const t = env.catalog.getTable(rv.relname);
  if (t === undefined) throw undefinedTableAt(rv.relname, rv.location);
  return t;
}

function whereOf(scope: ExprScope, stmt: PgNode): Expr | null {
  if (stmt.whereClause === undefined) return null;
  if (stmt.whereClause.CurrentOfExpr !== undefined) throw pgErr.featureNotSupported('WHERE CURRENT OF');
  return requireBool(scope, analyzeExpr(scope, stmt.whereClause), 'argument of WHERE', stmt.whereClause);
}

function returningOf(scope: ExprScope, table: Table, stmt: PgNode): Target[] | null {
  const rc: PgNode[] | undefined = stmt.returningClause?.exprs ?? stmt.returningList;
  if (rc === undefined) return null;
  const out: Target[] = [];
  for (const rt of rc) {
    const r = rt.ResTarget;
    if (r.val.ColumnRef !== undefined && r.val.ColumnRef.fields.some((f: PgNode) => f.A_Star !== undefined)) {
      table.def.columns.forEach((c, i) => out.push({ name: c.name, expr: { k: 'var', type: c.type, rti: 0, col: i, levelsUp: 0, typmod: c.typmod, name: c.name } }));
      continue;
    }
    const e = analyzeExpr(scope, r.val);
    out.push({ name: r.name ?? figureColname(r.val), expr: e.type === 'unknown' ? coerceTo(scope, e, 'text', -1) : e });
  }
  return out;
}

/**
 * Analyzes `UPDATE t SET c = expr | DEFAULT [, ...] [WHERE ...] [RETURNING ...]`.
 * `defaults(t, col)` gives a column's default expression (null when it has none), the same
 * callback INSERT uses, so both statements evaluate defaults identically (once per row).
 * Errors: 42703 unknown column, 42601 a column assigned twice, 428C9 a non-DEFAULT value for a
 * GENERATED ALWAYS identity column, 0A000 unsupported forms.
 */
export function analyzeUpdate(
  env: SqlEnv,
  stmt: PgNode,
  defaults: (t: Table, col: number) => Expr | null,
  declared: readonly SqlType[] = [],
): Analyzed<UpdateQuery> {
  if ((stmt.fromClause ?? []).length > 0) throw pgErr.featureNotSupported('UPDATE ... FROM');
  const table = targetTable(env, stmt);
  const paramTypes: SqlType[] = [...declared];
  const scope = tableParseState(env, table, paramTypes, []);
  const sets = analyzeSetList(scope, table, (stmt.targetList ?? []) as PgNode[], defaults);
  const where = whereOf(scope, stmt);
  const returning = returningOf(scope, table, stmt);
  return { query: { kind: 'update', table, where, sets, returning }, paramTypes };
}

/** Analyzes `DELETE FROM t [WHERE ...] [RETURNING ...]`. */
export function analyzeDelete(env: SqlEnv, stmt: PgNode, declared: readonly SqlType[] = []): Analyzed<DeleteQuery> {
  if ((stmt.usingClause ?? []).length > 0) throw pgErr.featureNotSupported('DELETE ... USING');
  const table = targetTable(env, stmt);
  const paramTypes: SqlType[] = [...declared];
  const scope = tableParseState(env, table, paramTypes, []);
  const where = whereOf(scope, stmt);
  const returning = returningOf(scope, table, stmt);
  return { query: { kind: 'delete', table, where, returning }, paramTypes };
}
