/**
 * Statement analysis: raw SELECT / INSERT trees -> typed queries bound to catalog objects
 * (PostgreSQL's parse_analyze). The result is cached with the catalog version it was built
 * against, so a statement text run thousands of times is analyzed once.
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import { Table, type TableDef, type ColumnType } from '../../storage/table.js';
import type { PgNode } from '../parser/parse.js';
import type { SqlEnv } from '../env.js';
import { type Expr, type ExprScope, analyzeExpr, forEachOperand, requireBool, coerceTo, castExpr, comparatorFor } from './expr.js';
import { type SqlType, TYPE_NAME, isNumeric, isVectorFamily, castContext, castValue, valueToText, isArrayType, hasTypmodCoercion } from './types.js';
import type { KnnSpec } from '../plan/plan.js';

export interface Target {
  name: string;
  expr: Expr;
  /** 0-based offset of the item in the statement text, when known. */
  loc?: number;
}

export interface SortKey {
  expr: Expr;
  desc: boolean;
  nullsFirst: boolean;
  cmp: (a: unknown, b: unknown) => number;
}

export interface SelectQuery {
  kind: 'select';
  table: Table | null;
  /** Name of a virtual catalog view (pg_settings, pg_indexes) read instead of a table. */
  virtual: string | null;
  where: Expr | null;
  targets: Target[];
  orderBy: SortKey[];
  limit: Expr | null;
  offset: Expr | null;
  /**
   * An aggregate query: aggregates, GROUP BY or HAVING. Rows are grouped by `groupBy` (one
   * group of all rows when it is empty) and each group yields one row.
   */
  aggregate: boolean;
  /** GROUP BY expressions (empty for none). */
  groupBy: Expr[];
  /** HAVING condition over groups. */
  having: Expr | null;
  /** True when a target is unnest(...): each input row yields one row per array element. */
  setReturning: boolean;
  /** `FROM unnest(array) [AS t(col)]`: the array expression; `table` then describes its column. */
  fromFunction: Expr | null;
  /** Set when ORDER BY is a single `col <op> vector` ascending (index-eligible). */
  knn: KnnSpec | null;
}

export interface InsertQuery {
  kind: 'insert';
  table: Table;
  /** One expression per table column per row (defaults filled in). */
  rows: Expr[][];
  returning: Target[] | null;
}

export type AnalyzedQuery = SelectQuery | InsertQuery;

/** The result of analysing one statement, with the parameter types it infers. */
export interface Analyzed<Q> {
  query: Q;
  paramTypes: SqlType[];
}

/** Virtual views: column names and types. Rows are produced by the executor. */
export const VIRTUAL_VIEWS: Record<string, { name: string; type: ColumnType }[]> = {
  pg_settings: [
    { name: 'name', type: 'text' }, { name: 'setting', type: 'text' }, { name: 'unit', type: 'text' },
    { name: 'category', type: 'text' }, { name: 'short_desc', type: 'text' }, { name: 'vartype', type: 'text' },
    { name: 'min_val', type: 'text' }, { name: 'max_val', type: 'text' }, { name: 'boot_val', type: 'text' },
    { name: 'reset_val', type: 'text' },
  ],
  pg_indexes: [
    { name: 'schemaname', type: 'text' }, { name: 'tablename', type: 'text' }, { name: 'indexname', type: 'text' },
    { name: 'tablespace', type: 'text' }, { name: 'indexdef', type: 'text' },
  ],
};

const virtualTables = new Map<string, Table>();

/** A table object describing a virtual view's columns (rows are filled per execution). */
export function virtualTableDef(name: string): TableDef {
  return {
    name,
    columns: VIRTUAL_VIEWS[name]!.map((c) => ({ name: c.name, type: c.type, typmod: -1, notNull: false, sequence: null, defaultSql: null })),
    primaryKey: [],
  };
}

function virtualTable(name: string): Table {
  let t = virtualTables.get(name);
  if (t === undefined) virtualTables.set(name, (t = new Table(virtualTableDef(name))));
  return t;
}

export function newScope(env: SqlEnv, table: Table | null, paramTypes: SqlType[], paramNodes: ExprScope['paramNodes']): ExprScope {
  const scope: ExprScope = {
    table,
    paramTypes,
    paramNodes,
    allowAggregates: false,
    sawAggregate: false,
    subquery: (select: PgNode, location: number) => {
      const inner = analyzeSelectInto(env, select.SelectStmt, paramTypes, paramNodes);
      if (inner.targets.length !== 1) {
        throw new PgError(SQLSTATE.syntax_error, 'subquery must return only one column', location >= 0 ? { position: location + 1 } : {});
      }
      const e = inner.targets[0]!.expr;
      return { query: inner, type: e.type, typmod: e.k === 'col' || e.k === 'cast' || e.k === 'param' ? e.typmod : -1 };
    },
    relationSize: (name: string) => relationSize(env, name),
    random: () => env.random,
  };
  return scope;
}

/** pg_relation_size: bytes of a table's vectors or an index's structure. */
function relationSize(env: SqlEnv, name: string): number {
  const idx = env.indexes.get(name);
  if (idx !== undefined) return idx.sizeBytes();
  const t = env.catalog.getTable(name);
  if (t !== undefined) return t.sizeBytes();
  if (env.catalog.getIndex(name) !== undefined) return 0;
  throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
}

/** Analyzes a SELECT statement. */
export function analyzeSelect(env: SqlEnv, stmt: PgNode): Analyzed<SelectQuery> {
  const paramTypes: SqlType[] = [];
  const query = analyzeSelectInto(env, stmt, paramTypes, []);
  return { query, paramTypes };
}

function rejectUnsupportedSelect(s: PgNode): void {
  if (s.op !== undefined && s.op !== 'SETOP_NONE') throw pgErr.featureNotSupported(String(s.op).replace('SETOP_', ''));
  if (s.withClause !== undefined) throw pgErr.featureNotSupported('WITH');
  if (s.groupDistinct === true) throw pgErr.featureNotSupported('GROUP BY DISTINCT');
  if (s.distinctClause !== undefined) throw pgErr.featureNotSupported('DISTINCT');
  if (s.windowClause !== undefined) throw pgErr.featureNotSupported('WINDOW');
  if (s.lockingClause !== undefined) throw pgErr.featureNotSupported('FOR UPDATE/SHARE');
  if (s.intoClause !== undefined) throw pgErr.featureNotSupported('SELECT INTO');
  if (s.valuesLists !== undefined) throw pgErr.featureNotSupported('VALUES');
  if (s.limitOption === 'LIMIT_OPTION_WITH_TIES') throw pgErr.featureNotSupported('FETCH ... WITH TIES');
}

function analyzeSelectInto(env: SqlEnv, s: PgNode, paramTypes: SqlType[], paramNodes: ExprScope['paramNodes']): SelectQuery {
  rejectUnsupportedSelect(s);
  const from: PgNode[] = s.fromClause ?? [];
  if (from.length > 1) throw pgErr.featureNotSupported('joins');
  let table: Table | null = null;
  let virtual: string | null = null;
  let fromFunction: Expr | null = null;
  if (from.length === 1) {
    const rv = from[0].RangeVar;
    if (rv === undefined) {
      const tag = Object.keys(from[0])[0]!;
      if (tag === 'RangeFunction') {
        const f = fromFunctionTable(env, from[0].RangeFunction, paramTypes, paramNodes);
        table = f.table;
        fromFunction = f.arg;
      } else {
        throw pgErr.featureNotSupported(tag === 'JoinExpr' ? 'joins' : tag === 'RangeSubselect' ? 'subqueries in FROM' : `FROM item ${tag}`);
      }
    } else {
      if (rv.alias !== undefined) throw pgErr.featureNotSupported('table aliases');
      const schema: string | undefined = rv.schemaname;
      const name: string = rv.relname;
      if (VIRTUAL_VIEWS[name] !== undefined && (schema === undefined || schema === 'pg_catalog')) {
        virtual = name;
        table = virtualTable(name);
      } else {
        if (schema !== undefined && schema !== 'public') throw undefinedTableAt(`${schema}.${name}`, rv.location);
        const t = env.catalog.getTable(name);
        if (t === undefined) throw undefinedTableAt(name, rv.location);
        table = t;
      }
    }
  }
  const scope = newScope(env, table, paramTypes, paramNodes);

  // Target list (with * expansion).
  const targets: Target[] = [];
  scope.allowAggregates = true;
  let setReturning = false;
  for (const rt of (s.targetList ?? []) as PgNode[]) {
    const r = rt.ResTarget;
    const val = r.val;
    if (val.ColumnRef !== undefined && val.ColumnRef.fields.some((f: PgNode) => f.A_Star !== undefined)) {
      if (table === null) throw new PgError(SQLSTATE.syntax_error, 'SELECT * with no tables specified is not valid', { position: (val.ColumnRef.location ?? 0) + 1 });
      table.def.columns.forEach((c, i) => targets.push({ name: c.name, expr: { k: 'col', type: c.type, col: i, typmod: c.typmod, name: c.name } }));
      continue;
    }
    scope.allowSetReturning = true;
    scope.sawSetReturning = false;
    const expr = analyzeExpr(scope, val);
    scope.allowSetReturning = false;
    if ((scope.sawSetReturning as boolean | undefined) === true) {
      // Only a whole select-list item may be a set-returning call (ProjectSet over one level).
      if (expr.k !== 'srf' || containsSrf(expr.arg)) throw pgErr.featureNotSupported('unnest() inside an expression');
      setReturning = true;
    }
    const loc = val[Object.keys(val)[0]!]?.location;
    targets.push({ name: r.name ?? figureColname(val), expr, ...(typeof loc === 'number' && loc >= 0 ? { loc } : {}) });
  }
  scope.allowAggregates = false;
  // Untyped literals in the output become text (PostgreSQL resolves unknown -> text).
  for (const t of targets) if (t.expr.type === 'unknown') t.expr = coerceTo(scope, t.expr, 'text', -1);

  const where = s.whereClause === undefined ? null : requireBool(scope, analyzeExpr(scope, s.whereClause), 'argument of WHERE', s.whereClause);

  const groupBy: Expr[] = [];
  scope.aggregateClause = 'GROUP BY';
  for (const g of (s.groupClause ?? []) as PgNode[]) groupBy.push(groupExpr(scope, g, targets));
  scope.aggregateClause = undefined;

  let having: Expr | null = null;
  if (s.havingClause !== undefined) {
    scope.allowAggregates = true;
    having = requireBool(scope, analyzeExpr(scope, s.havingClause), 'argument of HAVING', s.havingClause);
    scope.allowAggregates = false;
  }

  const orderBy: SortKey[] = [];
  scope.allowAggregates = true;
  for (const sb of (s.sortClause ?? []) as PgNode[]) {
    const b = sb.SortBy;
    if (b.useOp !== undefined) throw pgErr.featureNotSupported('ORDER BY ... USING');
    const expr = sortExpr(scope, b.node, targets);
    const desc = b.sortby_dir === 'SORTBY_DESC';
    const nullsFirst = b.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : b.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : desc;
    if (containsSrf(expr)) throw pgErr.featureNotSupported('ORDER BY a set-returning function');
    orderBy.push({ expr, desc, nullsFirst, cmp: comparatorFor(expr.type) as (a: unknown, b: unknown) => number });
  }
  scope.allowAggregates = false;
  const aggregate = scope.sawAggregate || groupBy.length > 0 || having !== null;
  if (aggregate) {
    if (setReturning) throw pgErr.featureNotSupported('unnest() in an aggregate query');
    for (const t of targets) checkGrouped(t.expr, groupBy, table);
    if (having !== null) checkGrouped(having, groupBy, table);
    for (const k of orderBy) checkGrouped(k.expr, groupBy, table);
  }

  const limit = s.limitCount === undefined ? null : limitExpr(scope, s.limitCount);
  const offset = s.limitOffset === undefined ? null : limitExpr(scope, s.limitOffset);
  const knn = orderBy.length === 1 && !orderBy[0]!.desc && table !== null && virtual === null && fromFunction === null && !aggregate && !setReturning
    ? knnSpec(orderBy[0]!.expr)
    : null;
  return { kind: 'select', table, virtual, where, targets, orderBy, limit, offset, aggregate, groupBy, having, setReturning, fromFunction, knn };
}

function limitExpr(scope: ExprScope, node: PgNode): Expr | null {
  if (node.A_Const?.isnull) return null;
  const e = coerceTo(scope, analyzeExpr(scope, node), 'int8', -1);
  if (!isNumeric(e.type)) {
    throw new PgError(SQLSTATE.datatype_mismatch, `argument of LIMIT must be type bigint, not type ${TYPE_NAME[e.type]}`);
  }
  return e;
}

/** ORDER BY item: an output column name or position, else an expression over the table. */
function sortExpr(scope: ExprScope, node: PgNode, targets: Target[]): Expr {
  const cr = node.ColumnRef;
  if (cr !== undefined && cr.fields.length === 1 && cr.fields[0].String !== undefined) {
    const name = cr.fields[0].String.sval as string;
    const matches = targets.filter((t) => t.name === name);
    if (matches.length === 1) return matches[0]!.expr;
  }
  const c = node.A_Const;
  if (c !== undefined && c.ival !== undefined) {
    const n = (c.ival.ival ?? 0) as number;
    if (n < 1 || n > targets.length) {
      throw new PgError(SQLSTATE.invalid_column_reference, `ORDER BY position ${n} is not in select list`, { position: (c.location ?? 0) + 1 });
    }
    return targets[n - 1]!.expr;
  }
  const e = analyzeExpr(scope, node);
  return e.type === 'unknown' ? coerceTo(scope, e, 'text', -1) : e;
}

const KNN_OPS = new Set(['<->', '<#>', '<=>', '<+>', '<~>', '<%>']);

/** True when `e` does not depend on the current row (constant per execution). */
export function isRowIndependent(e: Expr): boolean {
  switch (e.k) {
    case 'const':
    case 'param':
    case 'sublink':
      return true;
    case 'cast':
    case 'op1':
      return isRowIndependent(e.arg);
    case 'op2':
      return isRowIndependent(e.l) && isRowIndependent(e.r);
    case 'fn':
      return e.args.every(isRowIndependent);
    case 'array':
      return e.elems.every(isRowIndependent);
    default:
      return false;
  }
}

function knnSpec(e: Expr): KnnSpec | null {
  if (e.k !== 'op2' || !KNN_OPS.has(e.op)) return null;
  if (e.l.k === 'col' && isVectorFamily(e.l.type) && isRowIndependent(e.r)) return { col: e.l.col, op: e.op, query: e.r, expr: e };
  // Commutative operators: `q <-> col` orders the same way.
  if (e.r.k === 'col' && isVectorFamily(e.r.type) && isRowIndependent(e.l)) return { col: e.r.col, op: e.op, query: e.l, expr: e };
  return null;
}

/**
 * A GROUP BY item (PostgreSQL's findTargetlistEntrySQL92): an integer constant names a
 * select-list position; a bare name is an input column first and an output column name only
 * when no input column has it; anything else is an expression over the input.
 */
function groupExpr(scope: ExprScope, node: PgNode, targets: Target[]): Expr {
  const c = node.A_Const;
  if (c !== undefined && c.ival !== undefined) {
    const n = (c.ival.ival ?? 0) as number;
    if (n < 1 || n > targets.length) {
      throw new PgError(SQLSTATE.invalid_column_reference, `GROUP BY position ${n} is not in select list`, { position: (c.location ?? 0) + 1 });
    }
    const t = targets[n - 1]!;
    const e = t.expr;
    if (containsAggregate(e)) {
      throw new PgError(SQLSTATE.grouping_error, 'aggregate functions are not allowed in GROUP BY', { position: (t.loc ?? c.location ?? 0) + 1 });
    }
    return e;
  }
  const cr = node.ColumnRef;
  if (cr !== undefined && cr.fields.length === 1 && cr.fields[0].String !== undefined) {
    const name = cr.fields[0].String.sval as string;
    if (scope.table === null || scope.table.columnIndex(name) < 0) {
      const matches = targets.filter((t) => t.name === name);
      if (matches.length === 1) return matches[0]!.expr;
    }
  }
  const e = analyzeExpr(scope, node);
  return e.type === 'unknown' ? coerceTo(scope, e, 'text', -1) : e;
}

/** True when `e` holds an aggregate call (not looking into subqueries). */
export function containsAggregate(e: Expr): boolean {
  return someNode(e, (x) => x.k === 'count' || x.k === 'agg');
}

/** True when `e` holds a set-returning call. */
export function containsSrf(e: Expr): boolean {
  return someNode(e, (x) => x.k === 'srf');
}

function someNode(e: Expr, pred: (x: Expr) => boolean): boolean {
  if (pred(e)) return true;
  let found = false;
  forEachOperand(e, (x) => {
    if (!found && someNode(x, pred)) found = true;
  });
  return found;
}

/** Structural equality of two analyzed expressions (GROUP BY matching, PostgreSQL's equal()). */
export function exprEqual(a: Expr, b: Expr): boolean {
  if (a.k !== b.k || a.type !== b.type) return false;
  switch (a.k) {
    case 'const': {
      const bv = (b as typeof a).value;
      if (a.value === bv) return true;
      if (a.value === null || bv === null) return false;
      return typeof a.value === 'object' && typeof bv === 'object' && valueToText(a.value, a.type) === valueToText(bv, a.type);
    }
    case 'param':
      return a.index === (b as typeof a).index;
    case 'col':
      return a.col === (b as typeof a).col;
    case 'op1': {
      const o = b as typeof a;
      return (a.fn === o.fn || a.fn.toString() === o.fn.toString()) && exprEqual(a.arg, o.arg);
    }
    case 'op2': {
      const o = b as typeof a;
      return a.op === o.op && exprEqual(a.l, o.l) && exprEqual(a.r, o.r);
    }
    case 'cast': {
      const o = b as typeof a;
      return a.from === o.from && a.typmod === o.typmod && exprEqual(a.arg, o.arg);
    }
    case 'not':
    case 'srf':
      return exprEqual(a.arg, (b as typeof a).arg);
    case 'isnull': {
      const o = b as typeof a;
      return a.negate === o.negate && exprEqual(a.arg, o.arg);
    }
    case 'and':
    case 'or':
    case 'coalesce':
      return listEqual(a.args, (b as typeof a).args);
    case 'fn': {
      const o = b as typeof a;
      return a.name === o.name && listEqual(a.args, o.args);
    }
    case 'array':
      return listEqual(a.elems, (b as typeof a).elems);
    case 'in': {
      const o = b as typeof a;
      return a.negate === o.negate && exprEqual(a.arg, o.arg) && listEqual(a.list, o.list);
    }
    case 'count': {
      const o = b as typeof a;
      return a.arg === null ? o.arg === null : o.arg !== null && exprEqual(a.arg, o.arg);
    }
    case 'agg': {
      const o = b as typeof a;
      return a.name === o.name && exprEqual(a.arg, o.arg);
    }
    case 'sublink':
      return a === b;
  }
}

function listEqual(a: Expr[], b: Expr[]): boolean {
  return a.length === b.length && a.every((x, i) => exprEqual(x, b[i]!));
}

/**
 * PostgreSQL's check_ungrouped_columns: outside aggregate arguments, a column may appear only
 * inside a subexpression equal to a GROUP BY item.
 * @throws PgError 42803 `column "t.c" must appear in the GROUP BY clause or be used in an
 *   aggregate function`, positioned at the column reference.
 */
function checkGrouped(e: Expr, groupBy: Expr[], table: Table | null): void {
  const visit = (x: Expr): void => {
    if (groupBy.some((g) => exprEqual(g, x))) return;
    switch (x.k) {
      case 'col':
        throw new PgError(
          SQLSTATE.grouping_error,
          `column "${table!.name}.${x.name}" must appear in the GROUP BY clause or be used in an aggregate function`,
          x.loc !== undefined && x.loc >= 0 ? { position: x.loc + 1 } : {},
        );
      case 'count':
      case 'agg':
        return;
      default:
        forEachOperand(x, visit);
        return;
    }
  };
  visit(e);
}

/**
 * `FROM unnest(array) [AS alias[(column)]]`: a one-column relation named by the alias (else
 * `unnest`), whose column is named by the column alias, else the relation alias, else
 * `unnest` (PostgreSQL's naming for a function returning a scalar). The array may not refer
 * to other FROM items (no LATERAL joins); its rows are produced per execution.
 */
function fromFunctionTable(env: SqlEnv, rf: PgNode, paramTypes: SqlType[], paramNodes: ExprScope['paramNodes']): { table: Table; arg: Expr } {
  if (rf.ordinality === true) throw pgErr.featureNotSupported('WITH ORDINALITY');
  if (rf.is_rowsfrom === true || (rf.functions ?? []).length !== 1) throw pgErr.featureNotSupported('ROWS FROM');
  if (rf.coldeflist !== undefined) throw pgErr.featureNotSupported('column definition lists');
  const call: PgNode = rf.functions[0].List.items[0];
  const fc = call.FuncCall;
  const fname: string | undefined = fc?.funcname?.[fc.funcname.length - 1]?.String?.sval;
  if (fc === undefined || fname === undefined || fname.toLowerCase() !== 'unnest') throw pgErr.featureNotSupported('functions in FROM other than unnest');
  const scope = newScope(env, null, paramTypes, paramNodes);
  scope.allowSetReturning = true;
  const e = analyzeExpr(scope, call);
  if (e.k !== 'srf' || containsSrf(e.arg)) throw pgErr.featureNotSupported('unnest() inside an expression');
  const elem = e.type;
  if (elem === 'numeric' || isArrayType(elem) || elem === 'unknown') throw pgErr.featureNotSupported(`unnest of ${TYPE_NAME[elem]}[] in FROM`);
  const alias: string | undefined = rf.alias?.aliasname;
  const colnames: PgNode[] = rf.alias?.colnames ?? [];
  if (colnames.length > 1) {
    throw new PgError(SQLSTATE.invalid_column_reference, `table "${rf.alias.aliasname}" has 1 columns available but ${colnames.length} columns specified`);
  }
  const colName: string = colnames[0]?.String?.sval ?? alias ?? 'unnest';
  const def: TableDef = {
    name: alias ?? 'unnest',
    columns: [{ name: colName, type: elem as ColumnType, typmod: -1, notNull: false, sequence: null, defaultSql: null }],
    primaryKey: [],
  };
  return { table: new Table(def), arg: e.arg };
}

/** PostgreSQL FigureColname: the output name of an unnamed target. */
export function figureColname(node: PgNode): string {
  const tag = Object.keys(node)[0]!;
  const n = node[tag];
  switch (tag) {
    case 'ColumnRef': {
      const last = n.fields[n.fields.length - 1];
      return last.String?.sval ?? '?column?';
    }
    case 'FuncCall':
      return n.funcname[n.funcname.length - 1].String.sval;
    case 'TypeCast': {
      // PostgreSQL's FigureColnameInternal: the argument's name wins only when it is a strong
      // one (a column or function), not another cast's type name (`1e-7::float8::numeric`).
      const inner = figureColname(n.arg);
      if (inner !== '?column?' && n.arg.TypeCast === undefined && n.arg.CaseExpr === undefined) return inner;
      const names = n.typeName.names;
      const tn: string = names[names.length - 1].String.sval;
      return CAST_NAMES[tn] ?? tn;
    }
    case 'A_Const':
      return '?column?';
    case 'SubLink': {
      if (n.subLinkType === 'EXPR_SUBLINK') {
        const tl = n.subselect.SelectStmt?.targetList;
        if (tl !== undefined && tl.length > 0) {
          const r = tl[0].ResTarget;
          return r.name ?? figureColname(r.val);
        }
      }
      return '?column?';
    }
    case 'CoalesceExpr':
      return 'coalesce';
    default:
      return '?column?';
  }
}

const CAST_NAMES: Record<string, string> = { int4: 'int4', int8: 'int8', float4: 'float4', float8: 'float8', bool: 'bool' };

/** Analyzes INSERT ... VALUES. */
export function analyzeInsert(env: SqlEnv, stmt: PgNode, defaults: (t: Table, col: number) => Expr | null): Analyzed<InsertQuery> {
  const rv = stmt.relation;
  if (stmt.onConflictClause !== undefined) throw pgErr.featureNotSupported('ON CONFLICT');
  if (stmt.withClause !== undefined) throw pgErr.featureNotSupported('WITH');
  const table = env.catalog.getTable(rv.relname);
  if (table === undefined) throw undefinedTableAt(rv.relname, rv.location);
  const cols = table.def.columns;
  const paramTypes: SqlType[] = [];
  const scope = newScope(env, null, paramTypes, []);
  let targetCols: number[];
  if (stmt.cols !== undefined) {
    targetCols = (stmt.cols as PgNode[]).map((c) => {
      const name = c.ResTarget.name as string;
      const i = table.columnIndex(name);
      if (i < 0) {
        throw new PgError(SQLSTATE.undefined_column, `column "${name}" of relation "${table.name}" does not exist`, { position: c.ResTarget.location + 1 });
      }
      return i;
    });
    const seen = new Set<number>();
    for (let k = 0; k < targetCols.length; k++) {
      const i = targetCols[k]!;
      if (seen.has(i)) {
        throw new PgError(SQLSTATE.duplicate_column, `column "${cols[i]!.name}" specified more than once`, { position: stmt.cols[k].ResTarget.location + 1 });
      }
      seen.add(i);
    }
  } else {
    targetCols = cols.map((_, i) => i);
  }
  const select = stmt.selectStmt?.SelectStmt;
  let valuesLists: PgNode[];
  if (select === undefined) {
    valuesLists = [{ List: { items: [] } }];
    targetCols = [];
  } else if (select.valuesLists === undefined) {
    throw pgErr.featureNotSupported('INSERT ... SELECT');
  } else {
    valuesLists = select.valuesLists;
  }
  const rows: Expr[][] = [];
  const defaultExprs = cols.map((_, i) => defaults(table, i));
  for (const vl of valuesLists) {
    const items: PgNode[] = vl.List.items;
    if (items.length > targetCols.length) {
      throw new PgError(SQLSTATE.syntax_error, 'INSERT has more expressions than target columns', { position: exprLoc(items[targetCols.length]) });
    }
    if (items.length < targetCols.length) {
      throw new PgError(SQLSTATE.syntax_error, 'INSERT has more target columns than expressions', { position: stmt.cols?.[items.length]?.ResTarget?.location + 1 });
    }
    const row: Expr[] = defaultExprs.map((d, i) => d ?? { k: 'const', type: cols[i]!.type, value: null });
    for (let k = 0; k < items.length; k++) {
      const ci = targetCols[k]!;
      if (items[k].SetToDefault !== undefined) continue;
      const e = analyzeExpr(scope, items[k]);
      row[ci] = assignCoerce(scope, e, ci, table, exprLoc(items[k]));
    }
    rows.push(row);
  }
  let returning: Target[] | null = null;
  const rc: PgNode[] | undefined = stmt.returningClause?.exprs ?? stmt.returningList;
  if (rc !== undefined) {
    const rscope = newScope(env, table, paramTypes, scope.paramNodes);
    returning = [];
    for (const rt of rc) {
      const r = rt.ResTarget;
      if (r.val.ColumnRef !== undefined && r.val.ColumnRef.fields.some((f: PgNode) => f.A_Star !== undefined)) {
        cols.forEach((c, i) => returning!.push({ name: c.name, expr: { k: 'col', type: c.type, col: i, typmod: c.typmod, name: c.name } }));
        continue;
      }
      const e = analyzeExpr(rscope, r.val);
      returning.push({ name: r.name ?? figureColname(r.val), expr: e.type === 'unknown' ? coerceTo(rscope, e, 'text', -1) : e });
    }
  }
  return { query: { kind: 'insert', table, rows, returning }, paramTypes };
}

function exprLoc(node: PgNode): number | undefined {
  if (node === undefined) return undefined;
  const n = node[Object.keys(node)[0]!];
  // PostgreSQL's exprLocation: a cast starts at its argument (`'[1,2]'::vector`).
  if (node.TypeCast !== undefined) {
    const inner = exprLoc(n.arg);
    if (inner !== undefined && (typeof n.location !== 'number' || inner <= n.location + 1)) return inner;
  }
  return typeof n?.location === 'number' && n.location >= 0 ? n.location + 1 : undefined;
}

/** Assignment coercion of a value for column `ci` (PostgreSQL's transformAssignedExpr). */
export function assignCoerce(scope: ExprScope, e: Expr, ci: number, table: Table, position?: number): Expr {
  const c = table.def.columns[ci]!;
  const coerced = coerceTo(scope, e, c.type, c.typmod, position === undefined ? undefined : position - 1);
  if (coerced.type === c.type) {
    if (hasTypmodCoercion(c.type) && c.typmod >= 0 && coerced.k !== 'const') return { k: 'cast', type: c.type, from: c.type, typmod: c.typmod, arg: coerced, explicit: false };
    return coerced;
  }
  if (isNumeric(coerced.type) && isNumeric(c.type)) return castExpr(scope, coerced, c.type, c.typmod, position ?? 0);
  // Assignment casts (pgvector: halfvec -> vector, arrays -> vector, ...; bit <-> varbit).
  const cc = castContext(coerced.type, c.type);
  if (cc === 'implicit' || cc === 'assignment') {
    if (coerced.k === 'const') return { k: 'const', type: c.type, value: castValue(coerced.value, coerced.type, c.type, c.typmod, false) };
    return { k: 'cast', type: c.type, from: coerced.type, typmod: c.typmod, arg: coerced, explicit: false };
  }
  throw new PgError(
    SQLSTATE.datatype_mismatch,
    `column "${c.name}" is of type ${TYPE_NAME[c.type]}${c.type === 'vector' ? '' : ''} but expression is of type ${TYPE_NAME[coerced.type]}`,
    { hint: 'You will need to rewrite or cast the expression.', ...(position === undefined ? {} : { position }) },
  );
}

/** Analyzes a DEFAULT expression (no columns, no parameters). */
export function analyzeDefault(env: SqlEnv, table: Table, col: number, raw: PgNode): Expr {
  const paramTypes: SqlType[] = [];
  const scope = newScope(env, null, paramTypes, []);
  const e = analyzeExpr(scope, raw);
  return assignCoerce(scope, e, col, table);
}

/** 42P01 relation "x" does not exist, with the position of the name. */
export function undefinedTableAt(name: string, location: number | undefined): PgError {
  return new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`, typeof location === 'number' && location >= 0 ? { position: location + 1 } : {});
}
