/**
 * Statement analysis: raw SELECT / INSERT trees -> typed queries bound to catalog objects
 * (PostgreSQL's parse_analyze). A SELECT becomes a {@link SelectQuery}: a range table (the
 * FROM items, see range.ts), a join tree over it, and expressions whose column references
 * name their range-table entry. The result is cached with the catalog version it was built
 * against, so a statement text run thousands of times is analyzed once.
 */
import { own } from '../../common/own.js';
import { UTC_ZONE } from '../../types/timezone.js';
import { INFORMATION_SCHEMA_OTHER, INFORMATION_SCHEMA_VIEWS, PG_CATALOG_RELATIONS, SYSTEM_VIEWS } from './system_views.js';
import { PgError, SQLSTATE, pgErr, pos } from '../../common/errors.js';
import { assert } from '../../common/assert.js';
import type { Table, TableDef, ColumnType, Value } from '../../storage/table.js';
import { identNeedsQuotes, parseSql, type PgNode } from '../parser/parse.js';
import type { ViewDef } from '../../storage/view.js';
import { refuseViewWrite } from '../exec/views.js';
import type { IndexDef } from '../../storage/catalog.js';
import { compileIndexDef } from '../exec/index_keys.js';
import { predicateImpliedBy } from '../plan/predtest.js';
import { leftmostLocation, rejectSubqueriesAndParams, walkRaw } from '../parser/walk.js';
import { inStoredExpression } from './clock_literals.js';
import type { SqlEnv } from '../env.js';
import {
  type Expr, type ExprScope, type AggMods, analyzeExpr, someNode, analyzeMultiExprSubLink, arraySubscriptList, jsonbSubscriptArgs, forEachOperand, requireBool, coerceTo, castExpr, comparatorFor, binaryOp, commonType, jsonSrfArg, textSrfCall, foldConstants, resolveTypeName,
} from './expr.js';
import { existingRelationKey } from './namespace.js';
import { PgArray, type ArrayElement } from '../../types/pgarray.js';
import { arrayAssignElement, arrayAssignSlice } from '../../types/array_assign.js';
import { Jsonb } from '../../types/jsonb.js';
import { jsonbSetElement } from '../../types/jsonb_set.js';
import { type SqlType, type ArraySqlType, isNumeric, castContext, castValue, valueToText, isArrayType, hasTypmodCoercion, elemTypeOf, typeName } from './types.js';
import type { WindowClause } from './window.js';
import { JSON_SRFS } from '../../types/json_srf.js';
import { GENERATE_SERIES, isWholeSetSrf } from './builtin_functions.js';
import { expandGroupingSets, hasGroupingSets } from './grouping_sets.js';
import { checkSelectLocking, firstLockingName, lockingWithSetOp, rowMarksOf, type RowMark } from './locking.js';
import { ParseState, typmodOf, setOpLeaves, type SetOpTree, type CteDef, type FromNode, type JoinType, type NsItem, type RangeTblEntry } from './range.js';

export type { RangeTblEntry, FromNode, CteDef, JoinType, SetOpTree } from './range.js';
export { setOpLeaves } from './range.js';

export interface Target {
  name: string;
  expr: Expr;
  /**
   * PostgreSQL's type OID for an item whose value vecgres keeps as text: a bare reference to a
   * system catalog column of type `name` (19), `"char"` (18), int2vector (22) or oidvector (30), directly or through a
   * subquery's such item, or a call of a function returning name (`current_schema()`).
   * RowDescription reports it, as PostgreSQL does.
   */
  shownTypeOid?: number;
  /** 0-based offset of the item in the statement text, when known. */
  loc?: number;
}

export interface SortKey {
  expr: Expr;
  desc: boolean;
  nullsFirst: boolean;
  cmp: (a: unknown, b: unknown) => number;
  /**
   * No NULL reaches this sort (the planner's min / max subqueries test IS NOT NULL): an index
   * may return the order with its NULLs at either end (plan/minmax.ts).
   */
  nullsAnywhere?: boolean;
}

/**
 * One analyzed SELECT level (PostgreSQL's Query): the range table, the join tree (`from`, a
 * comma list of join trees), WHERE, the select list, grouping, ordering and limits. Column
 * references are `var`s into `rtable` (levelsUp 0) or an enclosing level's range table.
 */
export interface SelectQuery {
  kind: 'select';
  rtable: RangeTblEntry[];
  from: FromNode[];
  where: Expr | null;
  targets: Target[];
  orderBy: SortKey[];
  limit: Expr | null;
  offset: Expr | null;
  /**
   * FETCH FIRST n ROWS WITH TIES: after the n-th row, the rows equal to it on the ORDER BY keys
   * are returned too (PostgreSQL's LIMIT_OPTION_WITH_TIES).
   */
  withTies?: boolean;
  /** An aggregate query: aggregates, GROUP BY or HAVING (one group of all rows without GROUP BY). */
  aggregate: boolean;
  /**
   * GROUP BY expressions (empty for none), then the columns used ungrouped because they are
   * functionally dependent on a grouped primary key (grouping by them too changes no group).
   */
  groupBy: Expr[];
  /** How many of `groupBy` were written, when dependent columns follow (EXPLAIN prints only those). */
  groupByWritten?: number;
  /**
   * GROUPING SETS / ROLLUP / CUBE: each set as indices into `groupBy` (the distinct grouping
   * expressions); the Agg node groups by each set in turn, the others NULL. Absent for plain GROUP BY.
   */
  groupingSets?: number[][];
  /** HAVING condition over groups. */
  having: Expr | null;
  /** True when a target is unnest(...): each input row yields one row per array element. */
  setReturning: boolean;
  /** This level's WITH items. */
  ctes: CteDef[];
  /** The windows of this level's window function calls (`window` expressions index it). */
  windows?: WindowClause[];
  /** SELECT DISTINCT: the distinct select-list expressions (hashed by the planner). */
  distinct?: Expr[];
  /**
   * SELECT DISTINCT ON (...): the sort list that groups equal DISTINCT ON values together
   * (matching leftmost ORDER BY items, then the rest ascending); rows equal on all of these
   * keys are one group, its first row (in ORDER BY order) kept.
   */
  distinctOn?: SortKey[];
  /** FOR UPDATE / SHARE: the tables whose rows the statement locks (locking.ts); top level only. */
  rowMarks?: RowMark[];
}

export interface InsertQuery {
  kind: 'insert';
  table: Table;
  /** INSERT ... VALUES: one expression per table column per row (defaults filled in). */
  rows: Expr[][];
  /**
   * INSERT ... SELECT: the query, and per table column an expression over the query's output
   * tuple (`slot` i is its column i) or a default.
   */
  select: { query: SelectQuery; columns: Expr[] } | null;
  returning: Target[] | null;
  /** ON CONFLICT, or null. */
  onConflict: OnConflict | null;
  /** `INSERT INTO t AS alias`: the alias (EXPLAIN's `Insert on t alias`). */
  alias?: string;
}

/**
 * INSERT ... ON CONFLICT (PostgreSQL's OnConflictExpr). The arbiters are unique indexes (the
 * primary key's `<table>_pkey` or a UNIQUE B-tree index): a proposed row whose key in one of
 * them a visible row holds is skipped (DO NOTHING) or turns into an update of that row (DO
 * UPDATE). `sets` and `where` are over the tuple [existing row's columns..., EXCLUDED's
 * columns...] (vars of range-table entries 0 and 1).
 */
export interface OnConflict {
  action: 'nothing' | 'update';
  /**
   * Names of the arbiter indexes (PostgreSQL's arbiterIndexes), or null for every unique index
   * of the table (DO NOTHING without a conflict target).
   */
  arbiters: string[] | null;
  sets: { col: number; expr: Expr }[];
  where: Expr | null;
}

export type AnalyzedQuery = SelectQuery | InsertQuery;

/** The result of analysing one statement, with the parameter types it infers. */
export interface Analyzed<Q> {
  query: Q;
  paramTypes: SqlType[];
}

/** Virtual views: column names and types. Rows are produced by the executor. */
export const VIRTUAL_VIEWS: Record<string, { name: string; type: SqlType; pgType?: string }[]> = {
  ...SYSTEM_VIEWS,
  pg_settings: [
    { name: 'name', type: 'text' }, { name: 'setting', type: 'text' }, { name: 'unit', type: 'text' },
    { name: 'category', type: 'text' }, { name: 'short_desc', type: 'text' }, { name: 'extra_desc', type: 'text' },
    { name: 'context', type: 'text' }, { name: 'vartype', type: 'text' }, { name: 'source', type: 'text' },
    { name: 'min_val', type: 'text' }, { name: 'max_val', type: 'text' }, { name: 'enumvals', type: 'text[]' }, { name: 'boot_val', type: 'text' },
    { name: 'reset_val', type: 'text' }, { name: 'sourcefile', type: 'text' }, { name: 'sourceline', type: 'int4' },
    { name: 'pending_restart', type: 'bool' },
  ],
  pg_indexes: [
    { name: 'schemaname', type: 'text', pgType: 'name' }, { name: 'tablename', type: 'text', pgType: 'name' }, { name: 'indexname', type: 'text', pgType: 'name' },
    { name: 'tablespace', type: 'text', pgType: 'name' }, { name: 'indexdef', type: 'text' },
  ],
  // Keyed by their qualified names: they resolve only as information_schema.<name>.
  ...Object.fromEntries(Object.entries(INFORMATION_SCHEMA_VIEWS).map(([k, v]) => [`information_schema.${k}`, v])),
};

/** PostgreSQL's OIDs of the catalog types vecgres keeps as text (Target.shownTypeOid). */
const SHOWN_TYPE_OIDS: Record<string, number> = { name: 19, char: 18, int2vector: 22, oidvector: 30, _aclitem: 1034 };

/** The functions of type name vecgres has (current_schema(), current_database(), ...). */
const NAME_FUNCTIONS: ReadonlySet<string> = new Set(['current_schema', 'current_database', 'current_user', 'session_user', 'current_role', 'user', 'current_catalog']);
/** The functions of type name that take arguments. */
const NAME_FUNCTIONS_WITH_ARGS: ReadonlySet<string> = new Set(['pg_get_userbyid']);

/**
 * True when raw expression `n` calls a function returning name (`current_schema()`, `CURRENT_USER`):
 * what the value, text here, reports as its type (Target.shownTypeOid).
 */
function callReturnsName(n: PgNode): boolean {
  const fc = n?.FuncCall;
  if (fc !== undefined) {
    const parts = (fc.funcname as PgNode[]).map((x) => x.String?.sval as string);
    const fname = parts[parts.length - 1]!;
    return (parts.length === 1 || (parts.length === 2 && parts[0] === 'pg_catalog')) && fc.over === undefined
      && (NAME_FUNCTIONS.has(fname) ? (fc.args ?? []).length === 0 : NAME_FUNCTIONS_WITH_ARGS.has(fname) && (fc.args ?? []).length === 1);
  }
  const svf = n?.SQLValueFunction;
  return svf !== undefined && ['SVFOP_CURRENT_USER', 'SVFOP_SESSION_USER', 'SVFOP_CURRENT_ROLE', 'SVFOP_USER', 'SVFOP_CURRENT_SCHEMA', 'SVFOP_CURRENT_CATALOG'].includes(svf.op);
}

/** PostgreSQL's type OID of column `col` of `rte` when vecgres keeps its values as text (Target.shownTypeOid), else undefined. */
function shownColumnTypeOid(rte: RangeTblEntry | undefined, col: number): number | undefined {
  if (rte === undefined) return undefined;
  if (rte.kind === 'function') return rte.nameResult === true && col === 0 ? SHOWN_TYPE_OIDS['name'] : undefined;
  if (rte.kind === 'virtual') return own(SHOWN_TYPE_OIDS, VIRTUAL_VIEWS[rte.name]?.[col]?.pgType ?? '');
  if (rte.kind === 'subquery') return rte.query.targets[col]?.shownTypeOid;
  return undefined;
}

/** PostgreSQL's array types of the catalog types vecgres keeps as text (name[], "char"[]). */
const SHOWN_ARRAY_OIDS: Record<number, number> = { 19: 1003, 18: 1002 };

/**
 * The type OID a select-list item reports when its value is kept as text but PostgreSQL's type
 * is a catalog type (Target.shownTypeOid): a column of one (`typname`, also through a subquery),
 * a function returning name, `array_agg` of a name column (name[]: node-postgres leaves it a
 * string, as Sequelize's enum introspection expects), and a scalar subquery returning one of
 * these. Undefined for everything else.
 */
function shownTypeOidOf(ps: ParseState, val: PgNode, expr: Expr): number | undefined {
  if (val.ColumnRef !== undefined) return expr.k === 'var' && expr.levelsUp === 0 ? shownColumnTypeOid(ps.rtable[expr.rti], expr.col) : undefined;
  if (callReturnsName(val)) return SHOWN_TYPE_OIDS['name'];
  const fc = val.FuncCall;
  if (fc !== undefined && (fc.args ?? []).length === 1 && fc.over === undefined && fc.agg_star !== true) {
    const parts = (fc.funcname as PgNode[]).map((x) => x.String?.sval as string);
    const agg = expr.k === 'agg' ? expr.arg : undefined;
    if (parts[parts.length - 1] === 'array_agg' && (parts.length === 1 || parts[0] === 'pg_catalog') && agg !== undefined) {
      const elem = shownTypeOidOf(ps, fc.args[0], agg);
      return elem === undefined ? undefined : SHOWN_ARRAY_OIDS[elem];
    }
    return undefined;
  }
  if (val.SubLink?.subLinkType === 'EXPR_SUBLINK' && expr.k === 'sublink') return (expr.query as SelectQuery).targets[0]?.shownTypeOid;
  // A cast to name (`'a'::name`, `relname::name`) or name[].
  const tc = val.TypeCast;
  if (tc !== undefined) {
    const names = ((tc.typeName?.names ?? []) as PgNode[]).map((x) => x.String?.sval as string);
    if (names[names.length - 1] !== 'name' || (names.length !== 1 && names[0] !== 'pg_catalog')) return undefined;
    const bounds = (tc.typeName.arrayBounds ?? []) as PgNode[];
    return bounds.length === 0 ? SHOWN_TYPE_OIDS['name'] : bounds.length === 1 ? SHOWN_ARRAY_OIDS[19] : undefined;
  }
  // COALESCE, CASE, GREATEST / LEAST and NULLIF take the type select_common_type gives their
  // arms (see commonShownType).
  if (val.CoalesceExpr !== undefined && expr.k === 'coalesce') return commonShownType(ps, val.CoalesceExpr.args as PgNode[], expr.args);
  if (val.MinMaxExpr !== undefined && expr.k === 'minmax') return commonShownType(ps, val.MinMaxExpr.args as PgNode[], expr.args);
  // NULLIF(a, b) is of a's type, resolved as a = b: b's when a is an untyped literal.
  if (val.A_Expr?.kind === 'AEXPR_NULLIF' && expr.k === 'nullif') return commonShownType(ps, [val.A_Expr.lexpr, val.A_Expr.rexpr], [expr.l, expr.r]);
  const ce = val.CaseExpr;
  if (ce !== undefined && expr.k === 'case') {
    const whens = (ce.args ?? []) as PgNode[];
    // A CASE the analysis simplified (constant conditions) no longer pairs with its arms.
    if (whens.length !== expr.whens.length) return undefined;
    // transformCaseExpr puts the ELSE arm first: it weighs most in select_common_type.
    const raws = whens.map((w) => w.CaseWhen.result as PgNode);
    const exprs = expr.whens.map((w) => w.then);
    if (ce.defresult !== undefined) {
      raws.unshift(ce.defresult);
      exprs.unshift(expr.else);
    }
    return commonShownType(ps, raws, exprs);
  }
  return undefined;
}

/**
 * The type select_common_type gives arms `raws` (analyzed as `exprs`, pairwise) when it is
 * name, else undefined. It keeps the first arm's type that is not an untyped literal or NULL
 * and moves to a later one's only when that coerces one way implicitly; name and text
 * coerce both ways, so among the string types vecgres keeps as text the first arm decides
 * (`COALESCE(relname, 'x'::text)` is name, `CASE ... ELSE 'x'::text END` text).
 */
function commonShownType(ps: ParseState, raws: readonly PgNode[], exprs: readonly Expr[]): number | undefined {
  if (raws.length !== exprs.length) return undefined;
  for (let i = 0; i < raws.length; i++) {
    const r = raws[i]!;
    const c = r.A_Const;
    if (c !== undefined && (c.sval !== undefined || c.isnull === true)) continue;
    const shown = shownTypeOidOf(ps, r, exprs[i]!);
    return shown === SHOWN_TYPE_OIDS['name'] && exprs[i]!.type === 'text' ? shown : undefined;
  }
  return undefined;
}

/** The columns a sequence shows as a relation (its one row). */
export const SEQUENCE_COLUMNS: { name: string; type: SqlType }[] = [{ name: 'last_value', type: 'int8' }, { name: 'log_cnt', type: 'int8' }, { name: 'is_called', type: 'bool' }];

/** A table object describing a virtual view's columns (rows are filled per execution). */
export function virtualTableDef(name: string): TableDef {
  return {
    name,
    columns: VIRTUAL_VIEWS[name]!.map((c) => ({ name: c.name, type: c.type as ColumnType, typmod: -1, notNull: false, sequence: null, defaultSql: null })),
    primaryKey: [],
  };
}

/** A fresh top-level parse state (statement-wide parameter list). */
export function newParseState(env: SqlEnv, paramTypes: SqlType[], paramNodes: Extract<Expr, { k: 'param' }>[][]): ParseState {
  return new ParseState(env, null, paramTypes, paramNodes, (parent, select) => analyzeSelectLevel(env, parent, select), { n: 0 });
}

/**
 * A parse state whose FROM is the one table `table` (UPDATE, DELETE, RETURNING): range-table
 * index 0, named `alias` when the statement gives one (which hides the table's own name).
 */
export function tableParseState(env: SqlEnv, table: Table, paramTypes: SqlType[], paramNodes: Extract<Expr, { k: 'param' }>[][], alias?: string): ParseState {
  const ps = newParseState(env, paramTypes, paramNodes);
  ps.addRte(relationRte(table, alias ?? env.catalog.splitKey(table.name).name, alias !== undefined, []));
  ps.namespace.push(ps.itemFor(0));
  return ps;
}

/**
 * The query `SELECT <row id> FROM table WHERE where` over range-table entry 0 (UPDATE and
 * DELETE find their rows with it; `where` is analyzed against {@link tableParseState}).
 * With `join` (UPDATE ... FROM, DELETE ... USING, WITH), the parse state `join.ps` holds the
 * range table (the table at entry 0), the CTEs and the FROM items `join.from`, which the table
 * is joined to; `join.extras`, vars of those items, follow the row id in the output.
 */
export function rowIdQuery(table: Table, where: Expr | null, join?: { ps: ParseState; from: FromNode[]; extras: Expr[] }): SelectQuery {
  const ctid: Expr = { k: 'var', type: 'int4', rti: 0, col: -1, levelsUp: 0, typmod: -1, name: 'ctid' };
  const extras: Target[] = (join?.extras ?? []).map((e) => ({ name: e.k === 'var' ? e.name : '?column?', expr: e }));
  return {
    kind: 'select', rtable: join?.ps.rtable ?? [relationRte(table, table.name, false, [])], from: [{ k: 'rte', rti: 0 }, ...(join?.from ?? [])], where,
    targets: [{ name: 'ctid', expr: ctid }, ...extras], orderBy: [], limit: null, offset: null, aggregate: false, groupBy: [], having: null,
    setReturning: false, ctes: join?.ps.ctes ?? [],
  };
}

/** Analyzes a SELECT statement. */
export function analyzeSelect(env: SqlEnv, stmt: PgNode, declared: readonly SqlType[] = []): Analyzed<SelectQuery> {
  const paramTypes: SqlType[] = [...declared];
  const paramNodes: Extract<Expr, { k: 'param' }>[][] = [];
  const top = newParseState(env, paramTypes, paramNodes);
  const query = analyzeSelectLevel(env, null, stmt, top);
  return { query, paramTypes };
}

function rejectUnsupportedSelect(s: PgNode): void {
  if (s.intoClause !== undefined) throw pgErr.featureNotSupported('SELECT INTO');
  if (s.limitOption === 'LIMIT_OPTION_WITH_TIES') {
    // PostgreSQL's grammar checks this (gram.y insertSelectOptions).
    if (s.sortClause === undefined) throw new PgError(SQLSTATE.syntax_error, 'WITH TIES cannot be specified without ORDER BY clause');
    if (s.lockingClause !== undefined) throw pgErr.featureNotSupported('FOR UPDATE / SHARE with FETCH ... WITH TIES');
  }
}

/** 42P20 `window "w" is already defined` for a name the WINDOW clause repeats. */
function checkWindowNames(defs: PgNode[]): void {
  const seen = new Set<string>();
  for (const d of defs) {
    const w = d.WindowDef ?? d;
    if (seen.has(w.name)) throw new PgError('42P20', `window "${w.name}" is already defined`, typeof w.location === 'number' ? { position: w.location + 1 } : {});
    seen.add(w.name);
  }
}

/**
 * Analyzes one SELECT level below `parent` (null at the top). `reuse` is the top level's
 * parse state (it carries the statement's parameters).
 */
function analyzeSelectLevel(env: SqlEnv, parent: ParseState | null, s: PgNode, reuse?: ParseState, resolveUnknowns = true): SelectQuery {
  rejectUnsupportedSelect(s);
  const locking = s.lockingClause as PgNode[] | undefined;
  if (locking !== undefined) {
    if (s.op !== undefined && s.op !== 'SETOP_NONE') throw lockingWithSetOp(locking);
    if (s.valuesLists !== undefined) throw new PgError(SQLSTATE.feature_not_supported, `${firstLockingName(locking)} cannot be applied to VALUES`);
  }
  const ps = reuse ?? new ParseState(env, parent, parent!.paramTypes, parent!.paramNodes, parent!.analyzeSubquery, parent!.cteCounter);
  if (s.withClause !== undefined) analyzeWith(ps, s.withClause);
  if (s.op !== undefined && s.op !== 'SETOP_NONE') return setOpQuery(ps, s);
  if (s.valuesLists !== undefined) return valuesQuery(ps, s);

  const from = transformFromClause(ps, (s.fromClause ?? []) as PgNode[]);
  ps.rawWindows = (s.windowClause ?? []) as PgNode[];
  checkWindowNames(ps.rawWindows);

  // Target list (with * expansion).
  const targets: Target[] = [];
  ps.allowAggregates = true;
  ps.allowWindows = true;
  let setReturning = false;
  let srfSeen = 'unnest';
  for (const rt of (s.targetList ?? []) as PgNode[]) {
    const r = rt.ResTarget;
    const val = r.val;
    if (val.ColumnRef !== undefined && val.ColumnRef.fields.some((f: PgNode) => f.A_Star !== undefined)) {
      expandStar(ps, val.ColumnRef, targets);
      continue;
    }
    ps.allowSetReturning = true;
    ps.sawSetReturning = false;
    const expr = analyzeExpr(ps, val);
    ps.allowSetReturning = false;
    if ((ps.sawSetReturning as boolean | undefined) === true) {
      // Only a whole select-list item may be a set-returning call (ProjectSet over one level).
      checkSrfPlacement(expr);
      setReturning = true;
      srfSeen = srfName(expr);
    }
    const loc = val[Object.keys(val)[0]!]?.location;
    const shownTypeOid = shownTypeOidOf(ps, val, expr);
    targets.push({
      name: r.name ?? figureColname(val), expr, ...(typeof loc === 'number' && loc >= 0 ? { loc } : {}), ...(shownTypeOid !== undefined ? { shownTypeOid } : {}),
    });
  }
  ps.allowAggregates = false;
  ps.allowWindows = false;
  // Untyped literals in the output become text (PostgreSQL resolves unknown -> text), except in
  // the SELECT of INSERT ... SELECT, where the target columns' types decide (p_resolve_unknowns),
  // and in a set operation's leaf, where the operation's column type decides.
  if (resolveUnknowns && parent?.setOpLeaf !== true) for (const t of targets) if (t.expr.type === 'unknown') t.expr = coerceTo(ps, t.expr, 'text', -1);

  const where = s.whereClause === undefined ? null : requireBool(ps, analyzeExpr(ps, s.whereClause), 'argument of WHERE', s.whereClause);

  const groupBy: Expr[] = [];
  ps.aggregateClause = 'GROUP BY';
  const groupClause = (s.groupClause ?? []) as PgNode[];
  let groupingSets: number[][] | undefined;
  if (hasGroupingSets(groupClause)) {
    const x = expandGroupingSets(groupClause, s.groupDistinct === true, (g) => groupExpr(ps, g, targets), exprEqual);
    groupBy.push(...x.exprs);
    // One set of every expression is plain grouping.
    if (!(x.sets.length === 1 && x.sets[0]!.length === x.exprs.length && x.exprs.length > 0)) groupingSets = x.sets;
  } else for (const g of groupClause) groupBy.push(groupExpr(ps, g, targets));
  ps.aggregateClause = undefined;

  let having: Expr | null = null;
  if (s.havingClause !== undefined) {
    ps.allowAggregates = true;
    ps.windowClause = 'HAVING';
    having = requireBool(ps, analyzeExpr(ps, s.havingClause), 'argument of HAVING', s.havingClause);
    ps.windowClause = undefined;
    ps.allowAggregates = false;
  }

  ps.allowAggregates = true;
  ps.allowWindows = true;
  const orderBy = sortKeys(ps, s, targets);
  ps.allowWindows = false;
  ps.allowAggregates = false;
  const aggregate = ps.sawAggregate || groupClause.length > 0 || having !== null;
  const groupByWritten = groupBy.length;
  // With grouping sets only the expressions grouped in every set make a primary key cover
  // its table's columns (PostgreSQL's gset_common).
  const pkBasis = groupingSets === undefined ? undefined : groupBy.filter((_, i) => groupingSets!.every((set) => set.includes(i)));
  if (aggregate) {
    if (setReturning) throw pgErr.featureNotSupported(`${srfSeen}() in an aggregate query`);
    for (const t of targets) checkGrouped(t.expr, groupBy, ps.rtable, pkBasis);
    if (having !== null) checkGrouped(having, groupBy, ps.rtable, pkBasis);
    for (const k of orderBy) checkGrouped(k.expr, groupBy, ps.rtable, pkBasis);
    for (const w of ps.windows) for (const e of [...w.partitionBy, ...w.orderBy.map((k) => k.expr)]) checkGrouped(e, groupBy, ps.rtable, pkBasis);
  }
  if (ps.windows.length > 0 && setReturning) throw pgErr.featureNotSupported(`window functions with ${srfSeen}() in the select list`);

  const limit = s.limitCount === undefined ? null : limitExpr(ps, s.limitCount, 'LIMIT');
  const offset = s.limitOffset === undefined ? null : limitExpr(ps, s.limitOffset, 'OFFSET');
  const q: SelectQuery = { kind: 'select', rtable: ps.rtable, from, where, targets, orderBy, limit, offset, aggregate, groupBy, having, setReturning, ctes: ps.ctes };
  if (s.limitOption === 'LIMIT_OPTION_WITH_TIES') q.withTies = true;
  if (ps.windows.length > 0) q.windows = ps.windows;
  if (groupingSets !== undefined) q.groupingSets = groupingSets;
  if (s.distinctClause !== undefined) distinctClause(ps, s, q);
  if (groupBy.length > groupByWritten) q.groupByWritten = groupByWritten;
  if (groupingSets !== undefined) {
    // Columns grouped for a primary key's sake are grouped in every set.
    for (let i = groupByWritten; i < groupBy.length; i++) for (const set of groupingSets) set.push(i);
  }
  if (locking !== undefined) {
    checkSelectLocking({
      distinct: s.distinctClause !== undefined, groupBy: groupClause.length > 0, having: having !== null,
      aggregates: ps.sawAggregate, windows: ps.windows.length > 0, setReturning,
    }, locking);
    const marks = rowMarksOf(locking, ps.rtable, from);
    if (marks.length > 0) q.rowMarks = marks;
  }
  return q;
}

// ---------------------------------------------------------------------------------------
// UNION / INTERSECT / EXCEPT

/** True for a raw SELECT that is itself a set operation without its own ORDER BY / LIMIT / WITH. */
function isBareSetOp(s: PgNode): boolean {
  return s.op !== undefined && s.op !== 'SETOP_NONE' && s.sortClause === undefined && s.limitCount === undefined &&
    s.limitOffset === undefined && s.withClause === undefined && s.lockingClause === undefined;
}

/** Output column types, typmods and first-item locations of a set-operation tree. */
function treeCols(t: SetOpTree): { types: SqlType[]; typmods: number[]; locs: number[] } {
  if (t.k === 'op') return { types: t.colTypes, typmods: t.colTypmods, locs: treeCols(t.left).locs };
  return { types: t.query.targets.map((x) => x.expr.type), typmods: t.query.targets.map((x) => typmodOf(x.expr)), locs: t.query.targets.map((x) => x.loc ?? -1) };
}

/** Coerces output column `i` of a tree to `type` at its leaves (implicit coercion, as PostgreSQL's set-operation columns). */
function coerceTreeColumn(ps: ParseState, t: SetOpTree, i: number, type: SqlType, typmod: number): void {
  if (t.k === 'op') {
    t.colTypes[i] = type;
    t.colTypmods[i] = typmod;
    coerceTreeColumn(ps, t.left, i, type, typmod);
    coerceTreeColumn(ps, t.right, i, type, typmod);
    return;
  }
  const target = t.query.targets[i]!;
  const e = target.expr;
  if (e.type === type) return;
  if (e.type === 'unknown' || (e.k === 'const' && e.value === null)) target.expr = coerceTo(ps, e, type, -1, e.k === 'const' ? e.loc : undefined);
  else if (e.k === 'const') target.expr = { k: 'const', type, value: castValue(e.value, e.type, type, -1, ps.zone, false) };
  else target.expr = { k: 'cast', type, from: e.type, typmod: -1, arg: e, explicit: false };
}

/**
 * Builds the tree of a raw set operation (PostgreSQL's transformSetOperationTree): a leaf is a
 * SELECT level below `ps` (a parenthesised set operation with ORDER BY / LIMIT is a leaf too);
 * each operation's columns take the common type of its inputs'.
 * @throws PgError 42601 `each UNION query must have the same number of columns`, 42804
 *   `UNION types integer and text cannot be matched` (INTERSECT / EXCEPT likewise).
 */
function setOpTree(ps: ParseState, s: PgNode): SetOpTree {
  if (!isBareSetOp(s)) {
    ps.setOpLeaf = true;
    try {
      return { k: 'leaf', query: ps.analyzeSubquery(ps, s) };
    } finally {
      ps.setOpLeaf = false;
    }
  }
  const op = s.op === 'SETOP_UNION' ? 'union' : s.op === 'SETOP_INTERSECT' ? 'intersect' : 'except';
  const left = setOpTree(ps, s.larg.SelectStmt ?? s.larg);
  const right = setOpTree(ps, s.rarg.SelectStmt ?? s.rarg);
  const lc = treeCols(left);
  const rc = treeCols(right);
  const context = op.toUpperCase();
  if (lc.types.length !== rc.types.length) {
    const at = (lc.types.length < rc.types.length ? rc.locs : lc.locs)[0] ?? -1;
    throw new PgError(SQLSTATE.syntax_error, `each ${context} query must have the same number of columns`, at >= 0 ? { position: at + 1 } : {});
  }
  const node: SetOpTree = { k: 'op', op, all: s.all === true, left, right, colTypes: [], colTypmods: [] };
  for (let i = 0; i < lc.types.length; i++) {
    const type = commonType([lc.types[i]!, rc.types[i]!], rc.locs[i] ?? -1, context);
    const typmod = lc.typmods[i] === rc.typmods[i] ? lc.typmods[i]! : -1;
    coerceTreeColumn(ps, left, i, type, typmod);
    coerceTreeColumn(ps, right, i, type, typmod);
    node.colTypes.push(type);
    node.colTypmods.push(typmod);
  }
  return node;
}

/**
 * A set-operation query level: one 'setop' range-table entry whose columns are the leftmost
 * leaf's names and the tree's types; ORDER BY may name only output columns (by name or
 * position), then LIMIT / OFFSET apply to the result.
 * @throws PgError 0A000 `invalid UNION/INTERSECT/EXCEPT ORDER BY clause` for an expression.
 */
function setOpQuery(ps: ParseState, s: PgNode): SelectQuery {
  const tree = setOpTree(ps, { ...s, sortClause: undefined, limitCount: undefined, limitOffset: undefined, withClause: undefined });
  const cols = treeCols(tree);
  const colNames = setOpLeaves(tree)[0]!.targets.map((t) => t.name);
  const rti = ps.addRte({ kind: 'setop', tree, alias: '*SELECT*', aliased: false, lateral: false, colNames, colTypes: cols.types, colTypmods: cols.typmods });
  const targets: Target[] = colNames.map((name, col) => ({
    name, expr: { k: 'var', type: cols.types[col]!, rti, col, levelsUp: 0, typmod: cols.typmods[col]!, name },
  }));
  for (const sb of (s.sortClause ?? []) as PgNode[]) {
    const n = sb.SortBy.node;
    rejectNonIntegerConstant(n, 'ORDER BY');
    const simple = (n.ColumnRef !== undefined && n.ColumnRef.fields.length === 1 && n.ColumnRef.fields[0].String !== undefined) || n.A_Const?.ival !== undefined;
    if (!simple) {
      const at = rawLoc(n);
      throw new PgError(SQLSTATE.feature_not_supported, 'invalid UNION/INTERSECT/EXCEPT ORDER BY clause', {
        detail: 'Only result column names can be used, not expressions or functions.',
        hint: 'Add the expression/function to every SELECT, or move the UNION into a FROM clause.',
        ...(at >= 0 ? { position: at + 1 } : {}),
      });
    }
  }
  const orderBy = sortKeys(ps, s, targets);
  const limit = s.limitCount === undefined ? null : limitExpr(ps, s.limitCount, 'LIMIT');
  const offset = s.limitOffset === undefined ? null : limitExpr(ps, s.limitOffset, 'OFFSET');
  return {
    kind: 'select', rtable: ps.rtable, from: [{ k: 'rte', rti }], where: null, targets, orderBy, limit, offset,
    aggregate: false, groupBy: [], having: null, setReturning: false, ctes: ps.ctes,
    ...(s.limitOption === 'LIMIT_OPTION_WITH_TIES' ? { withTies: true } : {}),
  };
}

/** 0-based location of a raw expression node's leftmost token (PostgreSQL's exprLocation), or -1. */
function rawLoc(node: PgNode | undefined): number {
  let best = -1;
  const walk = (n: PgNode): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    for (const [k, v] of Object.entries(n)) {
      if (k === 'location' && typeof v === 'number' && v >= 0 && (best < 0 || v < best)) best = v;
      else if (typeof v === 'object') walk(v);
    }
  };
  walk(node);
  return best;
}

/**
 * DISTINCT and DISTINCT ON (PostgreSQL's transformDistinctClause / transformDistinctOnClause).
 * @throws PgError 42P10 `for SELECT DISTINCT, ORDER BY expressions must appear in select list`,
 *   42P10 `SELECT DISTINCT ON expressions must match initial ORDER BY expressions`, 42803 for
 *   an ungrouped DISTINCT ON expression of an aggregate query.
 */
function distinctClause(ps: ParseState, s: PgNode, q: SelectQuery): void {
  const items = s.distinctClause as PgNode[];
  const sortNodes = (s.sortClause ?? []) as PgNode[];
  const inTargets = (e: Expr): boolean => q.targets.some((t) => exprEqual(t.expr, e));
  if (items.length === 1 && Object.keys(items[0]!).length === 0) {
    // Plain DISTINCT: ORDER BY items must be output columns; the distinct keys are all of them.
    q.orderBy.forEach((k, i) => {
      if (!inTargets(k.expr)) {
        const at = rawLoc(sortNodes[i]?.SortBy?.node);
        throw new PgError(SQLSTATE.invalid_column_reference, 'for SELECT DISTINCT, ORDER BY expressions must appear in select list', at >= 0 ? { position: at + 1 } : {});
      }
    });
    const keys: Expr[] = [];
    for (const t of q.targets) if (!keys.some((k) => exprEqual(k, t.expr))) keys.push(t.expr);
    for (const k of keys) if (containsSrf(k)) throw pgErr.featureNotSupported('DISTINCT over a set-returning function');
    q.distinct = keys;
    return;
  }
  ps.allowAggregates = true;
  const on = items.map((n) => ({ expr: sortExpr(ps, n, q.targets, 'DISTINCT ON'), loc: rawLoc(n) }));
  ps.allowAggregates = false;
  const sets = q.groupingSets;
  const pkBasis = sets === undefined ? undefined : q.groupBy.filter((_, i) => sets.every((set) => set.includes(i)));
  if (q.aggregate) for (const d of on) checkGrouped(d.expr, q.groupBy, ps.rtable, pkBasis);
  const keys: SortKey[] = [];
  let skipped = false;
  const mismatch = (loc: number): PgError =>
    new PgError(SQLSTATE.invalid_column_reference, 'SELECT DISTINCT ON expressions must match initial ORDER BY expressions', loc >= 0 ? { position: loc + 1 } : {});
  for (const k of q.orderBy) {
    const d = on.find((x) => exprEqual(x.expr, k.expr));
    if (d !== undefined) {
      // A repeated ORDER BY item is dropped, as PostgreSQL's addTargetToSortList does, so it
      // never counts as a DISTINCT ON expression out of place.
      if (keys.some((x) => exprEqual(x.expr, k.expr))) continue;
      if (skipped) throw mismatch(d.loc);
      keys.push(k);
    } else skipped = true;
  }
  for (const d of on) {
    if (keys.some((x) => exprEqual(x.expr, d.expr))) continue;
    if (skipped) throw mismatch(d.loc);
    keys.push({ expr: d.expr, desc: false, nullsFirst: false, cmp: comparatorFor(d.expr.type) as (a: unknown, b: unknown) => number });
  }
  q.distinctOn = keys;
}

function sortKeys(ps: ParseState, s: PgNode, targets: Target[]): SortKey[] {
  const orderBy: SortKey[] = [];
  for (const sb of (s.sortClause ?? []) as PgNode[]) {
    const b = sb.SortBy;
    if (b.useOp !== undefined) throw pgErr.featureNotSupported('ORDER BY ... USING');
    const expr = sortExpr(ps, b.node, targets);
    const desc = b.sortby_dir === 'SORTBY_DESC';
    const nullsFirst = b.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : b.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : desc;
    // A select-list item with set-returning calls is a ProjectSet output the sort reads; any
    // other key would have to become a hidden ProjectSet item (PostgreSQL's resjunk target).
    if (containsSrf(expr) && !targets.some((t) => exprEqual(t.expr, expr))) throw pgErr.featureNotSupported('ORDER BY a set-returning function not in the select list');
    orderBy.push({ expr, desc, nullsFirst, cmp: comparatorFor(expr.type) as (a: unknown, b: unknown) => number });
  }
  return orderBy;
}

/**
 * PostgreSQL's transformFromClause: analyzes the comma-separated FROM items `items` of the
 * level `ps` into its range table and namespace, and returns their join trees. Each item sees
 * the items before it only through LATERAL (they are lateral-only while the clause is
 * analyzed). What the namespace already held (UPDATE's target for its FROM, DELETE's for
 * USING) is hidden from the items, LATERAL ones too, as PostgreSQL's p_lateral_ok = false.
 * @throws PgError 42712 for a name two items (or an item and the namespace) share.
 */
export function transformFromClause(ps: ParseState, items: readonly PgNode[]): FromNode[] {
  const from: FromNode[] = [];
  const before = ps.namespace.slice();
  for (const it of before) {
    it.lateralOnly = true;
    it.lateralOk = false;
  }
  for (const item of items) {
    const r = transformFromItem(ps, item);
    from.push(r.node);
    for (const it of r.items) {
      checkNameConflict(ps, ps.namespace, it);
      it.lateralOnly = true;
      ps.namespace.push(it);
    }
  }
  for (const it of ps.namespace) it.lateralOnly = false;
  for (const it of before) delete it.lateralOk;
  return from;
}

/** Analyzes a WITH clause into the level `ps` (its CTEs become visible to what follows). */
export function transformWithClause(ps: ParseState, w: PgNode): void {
  analyzeWith(ps, w);
}

/** `*` or `rel.*` in a select list: the visible columns of every FROM item, or of `rel`. */
export function expandStar(ps: ParseState, cr: PgNode, targets: Target[]): void {
  const fields: PgNode[] = cr.fields;
  const loc: number = cr.location ?? 0;
  if (fields.length === 1) {
    const items = ps.namespace.filter((it) => it.colsVisible && !it.lateralOnly);
    if (items.length === 0) throw new PgError(SQLSTATE.syntax_error, 'SELECT * with no tables specified is not valid', { position: loc + 1 });
    for (const it of items) pushItemColumns(ps, it, targets);
    // With one FROM item at this level its column names alone name its columns (as
    // PostgreSQL prints a view of one table).
    ps.starSinkOf()?.(loc, items.length === 1 && items[0]!.refname !== null && ps.namespace.filter((it) => it.colsVisible).length === 1 ? items[0]!.colNames.map(quoteIdent) : items.flatMap((it) => starColumnRefs(ps, it)));
    return;
  }
  if (fields.length === 3) {
    // schema.table.*: the FROM item that is that table, unaliased.
    const schema: string = fields[0].String.sval;
    const it = ps.itemsOfTable(schema, fields[1].String.sval).find((x) => !x.lateralOnly);
    if (it === undefined) {
      const rel: string = fields[1].String.sval;
      // An entry of that name that is another table (or aliased) cannot be meant (errorMissingRTE).
      if (ps.namespace.some((x) => x.refname === rel)) {
        throw new PgError(SQLSTATE.undefined_table, `invalid reference to FROM-clause entry for table "${rel}"`, {
          detail: `There is an entry for table "${rel}", but it cannot be referenced from this part of the query.`, position: loc + 1,
        });
      }
      ps.resolveColumn([rel, '\u0000'], loc);
      throw new PgError(SQLSTATE.undefined_table, `missing FROM-clause entry for table "${rel}"`, { position: loc + 1 });
    }
    pushItemColumns(ps, it, targets);
    ps.starSinkOf()?.(loc, starColumnRefs(ps, it));
    return;
  }
  if (fields.length !== 2) throw new PgError(SQLSTATE.feature_not_supported, `cross-database references are not implemented: ${fields.map((f) => f.String?.sval ?? '*').join('.')}`, { position: loc + 1 });
  const rel: string = fields[0].String.sval;
  // Resolve through a column of the item, so visibility and errors are the column lookup's.
  const it = ps.namespace.find((x) => x.relVisible && x.refname === rel && !x.lateralOnly);
  if (it === undefined) {
    // Raises PostgreSQL's 42P01 (missing or invisible FROM-clause entry).
    ps.resolveColumn([rel, '\u0000'], loc);
    throw new PgError(SQLSTATE.undefined_table, `missing FROM-clause entry for table "${rel}"`, { position: loc + 1 });
  }
  pushItemColumns(ps, it, targets);
  ps.starSinkOf()?.(loc, starColumnRefs(ps, it));
}

/**
 * The columns of FROM item `it` as references that name them alone at this level: qualified
 * by the item's name, or for a join without alias by the entry a column comes from (its
 * inputs' names stay visible); a merged USING column of such a join by its bare name.
 */
function starColumnRefs(ps: ParseState, it: NsItem): string[] {
  return it.colNames.map((name, i) => {
    if (it.refname !== null) return `${quoteIdent(it.refname)}.${quoteIdent(name)}`;
    const e = it.colExprs[i]!;
    if (e.k === 'var' && e.levelsUp === 0 && e.col >= 0) {
      const rte = ps.rtable[e.rti]!;
      return `${quoteIdent(rte.alias)}.${quoteIdent(rte.colNames[e.col]!)}`;
    }
    return quoteIdent(name);
  });
}

/** `name` as an identifier in SQL text (quoted when it must be: PostgreSQL's quote_identifier). */
function quoteIdent(name: string): string {
  return identNeedsQuotes(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

/**
 * PostgreSQL's checkNameSpaceConflicts: two FROM items of one level may not have the same
 * name (`FROM a, a`), unless they are different tables without aliases (`FROM app.t, public.t`).
 * @throws PgError 42712 `table name "a" specified more than once`.
 */
function checkNameConflict(ps: ParseState, namespace: readonly NsItem[], it: NsItem): void {
  if (!it.relVisible || it.refname === null) return;
  // Different tables of one name (schemas apart) are allowed when neither has an alias: a
  // qualified reference `t.c` to them is then ambiguous (42P09), `app.t.c` is not.
  const table = (x: NsItem): string | null => {
    const r = x.rti >= 0 ? ps.rtable[x.rti] : undefined;
    return r !== undefined && r.kind === 'relation' && !r.aliased ? r.table.name : null;
  };
  const mine = table(it);
  if (namespace.some((x) => x.relVisible && x.refname === it.refname && (mine === null || table(x) === null || table(x) === mine))) {
    throw new PgError(SQLSTATE.duplicate_alias, `table name "${it.refname}" specified more than once`);
  }
}

function pushItemColumns(ps: ParseState, it: NsItem, targets: Target[]): void {
  it.colNames.forEach((name, i) => {
    const expr = it.colExprs[i]!;
    const shownTypeOid = expr.k === 'var' && expr.levelsUp === 0 ? shownColumnTypeOid(ps.rtable[expr.rti], expr.col) : undefined;
    targets.push({ name, expr, ...(shownTypeOid !== undefined ? { shownTypeOid } : {}) });
  });
}

function limitExpr(ps: ParseState, node: PgNode, what: 'LIMIT' | 'OFFSET'): Expr | null {
  if (node.A_Const?.isnull) return null;
  ps.aggregateClause = what;
  let raw: Expr;
  try {
    raw = analyzeExpr(ps, node);
  } finally {
    ps.aggregateClause = undefined;
  }
  const variable = firstColumnRef(raw);
  if (variable !== null) {
    // PostgreSQL's checkExprIsVarFree: LIMIT / OFFSET are evaluated once, before any row.
    throw new PgError(SQLSTATE.invalid_column_reference, `argument of ${what} must not contain variables`, variable.loc === undefined ? {} : { position: variable.loc + 1 });
  }
  const e = coerceTo(ps, raw, 'int8', -1);
  if (!isNumeric(e.type)) {
    throw new PgError(SQLSTATE.datatype_mismatch, `argument of ${what} must be type bigint, not type ${typeName(e.type)}`);
  }
  return e;
}

/** The first column of this level in `e` (not descending into subqueries, which have their own scope). */
function firstColumnRef(e: Expr): Extract<Expr, { k: 'var' }> | null {
  if (e.k === 'var') return e.levelsUp === 0 ? e : null;
  let found: Extract<Expr, { k: 'var' }> | null = null;
  forEachOperand(e, (x) => {
    if (found === null) found = firstColumnRef(x);
  });
  return found;
}

/**
 * PostgreSQL's findTargetlistEntrySQL92: a bare constant in ORDER BY, GROUP BY or DISTINCT
 * ON names a select-list position, so any constant but an integer is refused (parse_clause.c).
 * @throws PgError 42601 `non-integer constant in ORDER BY`.
 */
function rejectNonIntegerConstant(node: PgNode, clause: string): void {
  const c = node.A_Const;
  if (c === undefined || c.ival !== undefined) return;
  throw new PgError(SQLSTATE.syntax_error, `non-integer constant in ${clause}`, { position: (c.location ?? 0) + 1 });
}

/** ORDER BY item: an output column name or position, else an expression over the input. */
function sortExpr(scope: ExprScope, node: PgNode, targets: Target[], clause = 'ORDER BY'): Expr {
  const cr = node.ColumnRef;
  if (cr !== undefined && cr.fields.length === 1 && cr.fields[0].String !== undefined) {
    const name = cr.fields[0].String.sval as string;
    const matches = targets.filter((t) => t.name === name);
    if (matches.length === 1) return matches[0]!.expr;
    if (matches.length > 1 && !matches.every((m) => exprEqual(m.expr, matches[0]!.expr))) {
      throw new PgError(SQLSTATE.ambiguous_column, `ORDER BY "${name}" is ambiguous`, { position: (cr.location ?? 0) + 1 });
    }
    if (matches.length > 1) return matches[0]!.expr;
  }
  rejectNonIntegerConstant(node, clause);
  const c = node.A_Const;
  if (c !== undefined && c.ival !== undefined) {
    const n = (c.ival.ival ?? 0) as number;
    if (n < 1 || n > targets.length) {
      throw new PgError(SQLSTATE.invalid_column_reference, `${clause} position ${n} is not in select list`, { position: (c.location ?? 0) + 1 });
    }
    return targets[n - 1]!.expr;
  }
  const e = analyzeExpr(scope, node);
  return e.type === 'unknown' ? coerceTo(scope, e, 'text', -1) : e;
}

/**
 * A GROUP BY item (PostgreSQL's findTargetlistEntrySQL92): an integer constant names a
 * select-list position; a bare name is an input column first and an output column name only
 * when no input column has it; anything else is an expression over the input.
 */
function groupExpr(ps: ParseState, node: PgNode, targets: Target[]): Expr {
  rejectNonIntegerConstant(node, 'GROUP BY');
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
    if (!ps.hasInputColumn(name)) {
      const matches = targets.filter((t) => t.name === name);
      if (matches.length === 1) return matches[0]!.expr;
    }
  }
  const e = analyzeExpr(ps, node);
  return e.type === 'unknown' ? coerceTo(ps, e, 'text', -1) : e;
}

/** True when `e` holds an aggregate call (not looking into subqueries). */
export function containsAggregate(e: Expr): boolean {
  return someNode(e, (x) => x.k === 'count' || x.k === 'agg');
}

/** True when `e` holds a set-returning call. */
export /** The name of the first set-returning call in `e` (for messages). */
function srfName(e: Expr): string {
  let name = 'unnest';
  let found = false;
  someNode(e, (x) => {
    if (x.k === 'srf' && !found) {
      found = true;
      name = x.name;
    }
    return false;
  });
  return name;
}

/**
 * A select-list item's set-returning calls: anywhere in the expression (ProjectSet evaluates
 * the rest per output row), but not inside another one's argument (PostgreSQL stacks
 * ProjectSet nodes for that; vecgres does not) nor in CASE (PostgreSQL refuses). (PostgreSQL
 * refuses COALESCE too; vecgres's jsonb builders use an internal coalesce, so it is let through.)
 * @throws PgError 0A000.
 */
function checkSrfPlacement(expr: Expr): void {
  someNode(expr, (x) => {
    if (x.k === 'srf' && containsSrf(x.arg)) throw pgErr.featureNotSupported(`a set-returning call inside the argument of ${x.name}()`);
    if (x.k === 'case' && containsSrf(x)) {
      let loc = -1;
      someNode(x, (y) => y.k === 'srf' && (loc = y.loc ?? -1, true));
      throw new PgError(SQLSTATE.feature_not_supported, 'set-returning functions are not allowed in CASE', {
        hint: 'You might be able to move the set-returning function into a LATERAL FROM item.',
        ...(loc >= 0 ? { position: loc + 1 } : {}),
      });
    }
    return false;
  });
}

function containsSrf(e: Expr): boolean {
  return someNode(e, (x) => x.k === 'srf');
}

export { someNode } from './expr.js';

/** Structural equality of two analyzed expressions (GROUP BY matching, PostgreSQL's equal()). */
export function exprEqual(a: Expr, b: Expr): boolean {
  if (a === b) return true;
  if (a.k !== b.k || a.type !== b.type) return false;
  switch (a.k) {
    case 'const': {
      const bv = (b as typeof a).value;
      if (a.value === bv) return true;
      if (a.value === null || bv === null) return false;
      return typeof a.value === 'object' && typeof bv === 'object' && valueToText(a.value, a.type, UTC_ZONE) === valueToText(bv, a.type, UTC_ZONE);
    }
    case 'param':
      return a.index === (b as typeof a).index;
    case 'var': {
      const o = b as typeof a;
      return a.rti === o.rti && a.col === o.col && a.levelsUp === o.levelsUp;
    }
    case 'slot':
      return a.idx === (b as typeof a).idx;
    case 'execParam':
      return a.id === (b as typeof a).id;
    case 'op1': {
      // The name first: one-argument functions built from one closure (sind, cosd, ...) have
      // the same source text.
      const o = b as typeof a;
      return a.op === o.op && (a.fn === o.fn || a.fn.toString() === o.fn.toString()) && exprEqual(a.arg, o.arg);
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
      return exprEqual(a.arg, (b as typeof a).arg);
    case 'srf':
      return a.name === (b as typeof a).name && a.field === (b as typeof a).field && exprEqual(a.arg, (b as typeof a).arg);
    case 'isnull': {
      const o = b as typeof a;
      return a.negate === o.negate && exprEqual(a.arg, o.arg);
    }
    case 'booltest': {
      const o = b as typeof a;
      return a.test === o.test && a.negate === o.negate && exprEqual(a.arg, o.arg);
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
    case 'arrayop': {
      const o = b as typeof a;
      return a.op === o.op && a.all === o.all && exprEqual(a.arg, o.arg) && exprEqual(a.arr, o.arr);
    }
    case 'count': {
      const o = b as typeof a;
      return (a.arg === null ? o.arg === null : o.arg !== null && exprEqual(a.arg, o.arg)) && modsEqual(a.mods, o.mods);
    }
    case 'agg': {
      const o = b as typeof a;
      if (a.gargs !== undefined || o.gargs !== undefined) return a.gargs !== undefined && o.gargs !== undefined && listEqual(a.gargs, o.gargs);
      // Ordered-set aggregates with other direct arguments are other calls (EXPLAIN shows them).
      return a.name === o.name && exprEqual(a.arg, o.arg) && (a.arg2 === undefined ? o.arg2 === undefined : o.arg2 !== undefined && exprEqual(a.arg2, o.arg2)) &&
        modsEqual(a.mods, o.mods) && listEqual(a.direct ?? [], o.direct ?? []);
    }
    case 'window': {
      const o = b as typeof a;
      return a.name === o.name && a.winref === o.winref && listEqual(a.args, o.args) &&
        (a.filter === undefined ? o.filter === undefined : o.filter !== undefined && exprEqual(a.filter, o.filter));
    }
    case 'sublink': {
      const o = b as typeof a;
      return a.sub === o.sub && a.op === o.op && a.src === o.src &&
        listEqual(a.args, o.args);
    }
    case 'case': {
      const o = b as typeof a;
      return (a.arg === null ? o.arg === null : o.arg !== null && exprEqual(a.arg, o.arg)) && exprEqual(a.else, o.else) &&
        a.whens.length === o.whens.length && a.whens.every((w, i) => exprEqual(w.cond, o.whens[i]!.cond) && exprEqual(w.then, o.whens[i]!.then));
    }
    case 'minmax': {
      const o = b as typeof a;
      return a.greatest === o.greatest && listEqual(a.args, o.args);
    }
    case 'nullif': {
      const o = b as typeof a;
      return exprEqual(a.l, o.l) && exprEqual(a.r, o.r);
    }
    case 'session': {
      const o = b as typeof a;
      return a.name === o.name && listEqual(a.args, o.args);
    }
    case 'subplan':
      return false;
  }
}

/** Equality of two aggregate calls' DISTINCT / ORDER BY / FILTER clauses. */
function modsEqual(a: AggMods | undefined, b: AggMods | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.distinct === b.distinct && (a.filter === null ? b.filter === null : b.filter !== null && exprEqual(a.filter, b.filter)) &&
    a.order.length === b.order.length &&
    a.order.every((k, i) => k.desc === b.order[i]!.desc && k.nullsFirst === b.order[i]!.nullsFirst && exprEqual(k.expr, b.order[i]!.expr));
}

function listEqual(a: Expr[], b: Expr[]): boolean {
  return a.length === b.length && a.every((x, i) => exprEqual(x, b[i]!));
}

/**
 * PostgreSQL's check_ungrouped_columns: outside aggregate arguments, a column of this level
 * may appear only inside a subexpression equal to a GROUP BY item.
 * @throws PgError 42803 `column "t.c" must appear in the GROUP BY clause or be used in an
 *   aggregate function`, positioned at the column reference.
 */
function checkGrouped(e: Expr, groupBy: Expr[], rtable: RangeTblEntry[], pkBasis: Expr[] = groupBy): void {
  // Inside an ordered-set aggregate's direct arguments PostgreSQL adds a detail saying so.
  let direct = false;
  const visit = (x: Expr): void => {
    if (groupBy.some((g) => exprEqual(g, x))) return;
    switch (x.k) {
      case 'var':
        if (x.levelsUp !== 0) return;
        if (groupedByPrimaryKey(x.rti, pkBasis, rtable)) {
          // Grouping by the column too changes no group; it makes the Agg node emit it.
          groupBy.push(x);
          return;
        }
        throw new PgError(
          SQLSTATE.grouping_error,
          `column "${rtable[x.rti]!.alias}.${x.name}" must appear in the GROUP BY clause or be used in an aggregate function`,
          {
            ...(x.loc !== undefined && x.loc >= 0 ? { position: x.loc + 1 } : {}),
            ...(direct ? { detail: 'Direct arguments of an ordered-set aggregate must use only grouped columns.' } : {}),
          },
        );
      case 'count':
        return;
      case 'fn':
        if (x.withinGroup === true) {
          const outer = direct;
          direct = true;
          try {
            for (const a of x.args) visit(a);
          } finally {
            direct = outer;
          }
          return;
        }
        forEachOperand(x, visit);
        return;
      case 'agg':
        if (x.gargs !== undefined) checkGroupingArgs(x.gargs, groupBy);
        return;
      case 'sublink':
        for (const a of x.args) visit(a);
        forEachQueryExpr(x.query as SelectQuery, 1, (y, depth) => checkOuterGrouped(y, depth, groupBy, rtable, pkBasis));
        return;
      default:
        forEachOperand(x, visit);
        return;
    }
  };
  visit(e);
}

/**
 * GROUPING(...)'s arguments must each be a GROUP BY expression of its level (PostgreSQL's
 * check_ungrouped_columns on a GroupingFunc).
 *
 * @throws PgError 42803 `arguments to GROUPING must be grouping expressions of the associated query level`.
 */
function checkGroupingArgs(args: Expr[], groupBy: Expr[]): void {
  for (const a of args) {
    if (groupBy.some((g) => exprEqual(g, a))) continue;
    const loc = a.k === 'var' ? a.loc : undefined;
    throw new PgError(SQLSTATE.grouping_error, 'arguments to GROUPING must be grouping expressions of the associated query level', loc !== undefined && loc >= 0 ? { position: loc + 1 } : {});
  }
}

/**
 * PostgreSQL's check_functional_grouping (9.1+): every column of a table is functionally
 * dependent on its primary key, so once all the key's columns are GROUP BY items (as plain
 * columns of this level) the table's other columns may be used ungrouped. Only a primary key
 * counts (not a UNIQUE constraint), and only for a table, not a subquery or view.
 */
function groupedByPrimaryKey(rti: number, groupBy: Expr[], rtable: RangeTblEntry[]): boolean {
  const rte = rtable[rti];
  if (rte === undefined || rte.kind !== 'relation') return false;
  const pk = rte.table.def.primaryKey;
  return pk.length > 0 && pk.every((col) => groupBy.some((g) => g.k === 'var' && g.levelsUp === 0 && g.rti === rti && g.col === col));
}

/** Inside a subquery `depth` levels down: vars of the grouped level must be grouped too. */
function checkOuterGrouped(e: Expr, depth: number, groupBy: Expr[], rtable: RangeTblEntry[], pkBasis: Expr[] = groupBy): void {
  const visit = (x: Expr): void => {
    if (x.k === 'var' && x.levelsUp === depth) {
      const mine: Expr = { ...x, levelsUp: 0 };
      if (groupBy.some((g) => exprEqual(g, mine))) return;
      if (groupedByPrimaryKey(x.rti, pkBasis, rtable)) {
        groupBy.push(mine);
        return;
      }
      throw new PgError(
        SQLSTATE.grouping_error,
        `subquery uses ungrouped column "${rtable[x.rti]!.alias}.${x.name}" from outer query`,
        x.loc !== undefined && x.loc >= 0 ? { position: x.loc + 1 } : {},
      );
    }
    forEachOperand(x, visit);
  };
  visit(e);
}

/**
 * Calls `fn(e, depth)` for every top-level expression of `q` and, recursively, of the queries
 * inside it (subqueries in FROM, sublinks, CTEs), `depth` being how many levels below the
 * starting query each lies. Used to find the columns of an outer level a subquery refers to.
 */
export function forEachQueryExpr(q: SelectQuery, depth: number, fn: (e: Expr, depth: number) => void): void {
  const visitExpr = (e: Expr): void => {
    fn(e, depth);
    const inner = (x: Expr): void => {
      if (x.k === 'sublink') forEachQueryExpr(x.query as SelectQuery, depth + 1, fn);
      forEachOperand(x, inner);
    };
    inner(e);
  };
  for (const t of q.targets) visitExpr(t.expr);
  if (q.where !== null) visitExpr(q.where);
  for (const g of q.groupBy) visitExpr(g);
  if (q.having !== null) visitExpr(q.having);
  for (const k of q.orderBy) visitExpr(k.expr);
  for (const k of q.distinctOn ?? []) visitExpr(k.expr);
  for (const w of q.windows ?? []) {
    for (const e of w.partitionBy) visitExpr(e);
    for (const k of w.orderBy) visitExpr(k.expr);
  }
  if (q.limit !== null) visitExpr(q.limit);
  if (q.offset !== null) visitExpr(q.offset);
  const walkFrom = (n: FromNode): void => {
    if (n.k === 'join') {
      walkFrom(n.left);
      walkFrom(n.right);
      if (n.quals !== null) visitExpr(n.quals);
    }
  };
  for (const n of q.from) walkFrom(n);
  for (const rte of q.rtable) {
    if (rte.kind === 'subquery') forEachQueryExpr(rte.query, depth + 1, fn);
    else if (rte.kind === 'setop') for (const leaf of setOpLeaves(rte.tree)) forEachQueryExpr(leaf, depth + 1, fn);
    else if (rte.kind === 'function') for (const a of rte.args) visitExpr(a);
    else if (rte.kind === 'values') for (const row of rte.rows) for (const e of row) visitExpr(e);
  }
  for (const c of q.ctes) {
    forEachQueryExpr(c.query, depth + 1, fn);
    if (c.recursive !== null) forEachQueryExpr(c.recursive.term, depth + 1, fn);
  }
}

// ---------------------------------------------------------------------------------------
// FROM

interface FromResult {
  node: FromNode;
  /** Namespace items the item adds. */
  items: NsItem[];
  /** The item's columns as an enclosing JOIN sees them (for USING / NATURAL). */
  colNames: string[];
  colExprs: Expr[];
}

function aliasOf(node: PgNode): { name: string | undefined; cols: string[] } {
  const a = node.alias;
  return { name: a?.aliasname, cols: ((a?.colnames ?? []) as PgNode[]).map((c) => c.String.sval as string) };
}

function renameColumns(names: string[], cols: string[], alias: string): string[] {
  if (cols.length > names.length) {
    throw new PgError(SQLSTATE.invalid_column_reference, `table "${alias}" has ${names.length} columns available but ${cols.length} columns specified`);
  }
  return names.map((n, i) => cols[i] ?? n);
}

/** The range-table entry of table `table` referred to as `alias` (columns renamed by `cols`). */
export function relationRte(table: Table, alias: string, aliased: boolean, cols: string[]): RangeTblEntry {
  const defs = table.def.columns;
  return {
    kind: 'relation', table, alias, aliased, lateral: false,
    colNames: renameColumns(defs.map((c) => c.name), cols, alias),
    colTypes: defs.map((c) => c.type),
    colTypmods: defs.map((c) => c.typmod),
  };
}

function baseResult(ps: ParseState, rti: number): FromResult {
  const it = ps.itemFor(rti);
  return { node: { k: 'rte', rti }, items: [it], colNames: it.colNames, colExprs: it.colExprs };
}

/** FROM items vecgres does not have, by their SQL names (the parse nodes' names mean nothing to a user). */
const FROM_ITEM_NAMES: Record<string, string> = {
  RangeTableSample: 'TABLESAMPLE',
  RangeTableFunc: 'XMLTABLE',
  JsonTable: 'JSON_TABLE',
};

function transformFromItem(ps: ParseState, item: PgNode): FromResult {
  const tag = Object.keys(item)[0]!;
  const n = item[tag];
  switch (tag) {
    case 'RangeVar':
      return baseResult(ps, rangeVarRte(ps, n));
    case 'RangeSubselect':
      return baseResult(ps, subselectRte(ps, n));
    case 'RangeFunction':
      return baseResult(ps, functionRte(ps, n));
    case 'JoinExpr':
      return transformJoin(ps, n);
    default:
      throw pgErr.featureNotSupported(FROM_ITEM_NAMES[tag] ?? `FROM item ${tag}`);
  }
}

function rangeVarRte(ps: ParseState, rv: PgNode): number {
  const schema: string | undefined = rv.schemaname;
  const name: string = rv.relname;
  const { name: alias, cols } = aliasOf(rv);
  if (schema === undefined) {
    const found = ps.findCte(name);
    if (found !== null) {
      const cte = found.cte;
      cte.refCount++;
      return ps.addRte({
        kind: 'cte', cte, levelsUp: found.levelsUp, alias: alias ?? name, aliased: alias !== undefined, lateral: false,
        colNames: renameColumns(cte.colNames, cols, alias ?? name), colTypes: cte.colTypes, colTypmods: cte.colTypmods,
      });
    }
  }
  if (schema === 'information_schema') {
    const key = `information_schema.${name}`;
    const v = own(VIRTUAL_VIEWS, key);
    if (v === undefined) {
      if (INFORMATION_SCHEMA_OTHER.has(name)) throw pgErr.featureNotSupported(`information_schema.${name}`);
      throw undefinedTableAt(key, rv.location);
    }
    return ps.addRte({
      kind: 'virtual', name: key, alias: alias ?? name, aliased: alias !== undefined, lateral: false,
      colNames: renameColumns(v.map((c) => c.name), cols, alias ?? name), colTypes: v.map((c) => c.type), colTypmods: v.map(() => -1),
    });
  }
  if (own(VIRTUAL_VIEWS, name) !== undefined && (schema === undefined || schema === 'pg_catalog') && !name.startsWith('information_schema.')) {
    const v = own(VIRTUAL_VIEWS, name)!;
    return ps.addRte({
      kind: 'virtual', name, alias: alias ?? name, aliased: alias !== undefined, lateral: false,
      colNames: renameColumns(v.map((c) => c.name), cols, alias ?? name), colTypes: v.map((c) => c.type), colTypmods: v.map(() => -1),
    });
  }
  // pg_catalog comes first in PostgreSQL's search path: its relation is what an unqualified
  // name means there, so one vecgres lacks is refused by name (never a user's table).
  if ((schema === undefined || schema === 'pg_catalog') && PG_CATALOG_RELATIONS.has(name)) throw pgErr.featureNotSupported(`pg_catalog.${name}`);
  const key = existingRelationKey(ps.env, schema, name);
  if (key === null) throw undefinedTableAt(`${schema}.${name}`, rv.location);
  const view = ps.env.catalog.getView(key);
  if (view !== undefined) return ps.addRte(viewRte(ps, view, alias, cols));
  const t = ps.env.catalog.getTable(key);
  if (t === undefined && ps.env.catalog.getSequence(key) !== undefined) {
    // A sequence reads as its one row (last_value, log_cnt, is_called), built at scan start.
    return ps.addRte({
      kind: 'virtual', name: key, alias: alias ?? name, aliased: alias !== undefined, lateral: false,
      colNames: renameColumns(SEQUENCE_COLUMNS.map((c) => c.name), cols, alias ?? name), colTypes: SEQUENCE_COLUMNS.map((c) => c.type), colTypmods: SEQUENCE_COLUMNS.map(() => -1),
    });
  }
  if (t === undefined) throw undefinedTableAt(schema === undefined ? name : `${schema}.${name}`, rv.location);
  return ps.addRte(relationRte(t, alias ?? name, alias !== undefined, cols));
}

/** Views whose query is being analyzed (analysis is synchronous): one reaching itself is 42P17. */
const expandingViews = new Set<string>();

/**
 * View `view` in FROM, expanded as PostgreSQL's rewriter expands it: its stored SELECT,
 * analyzed again as a query level of its own (it sees no name of the query it is used in,
 * and takes its CTE numbers from the statement's counter), becomes a subquery entry named by
 * the view, with the view's column names (renamed by an alias's column list). The planner then
 * sees what it sees for the same subquery written out.
 * @throws PgError 42P17 for a view whose query reaches itself (CREATE OR REPLACE made it so);
 *   XX000 when the stored query no longer gives the view's column types (DDL keeps them: never expected).
 */
function viewRte(ps: ParseState, view: ViewDef, alias: string | undefined, cols: string[]): RangeTblEntry {
  if (expandingViews.has(view.name)) throw new PgError('42P17', `infinite recursion detected in rules for relation "${view.name}"`);
  const sel = parseSql(view.query)[0]!.stmt.SelectStmt;
  const level = new ParseState(ps.env, null, [], [], ps.analyzeSubquery, ps.cteCounter);
  expandingViews.add(view.name);
  let q: SelectQuery;
  try {
    q = analyzeSelectLevel(ps.env, null, sel, level);
  } finally {
    expandingViews.delete(view.name);
  }
  const same = q.targets.length === view.columns.length && q.targets.every((t, i) => t.expr.type === view.columns[i]!.type);
  if (!same) throw new PgError(SQLSTATE.internal_error, `view "${view.name}" no longer matches its definition`);
  const refname = alias ?? view.name;
  return {
    kind: 'subquery', query: q, view: view.name, alias: refname, aliased: alias !== undefined, lateral: false,
    colNames: renameColumns(view.columns.map((c) => c.name), cols, refname),
    colTypes: view.columns.map((c) => c.type as SqlType),
    colTypmods: view.columns.map((c) => c.typmod),
  };
}

/**
 * Analyzes the SELECT of a CREATE VIEW as {@link viewRte} will analyze it on each use (a level
 * of its own, no parameters), telling `onStar` of each `*` it expands (see ParseState.starSink).
 */
export function analyzeViewQuery(env: SqlEnv, select: PgNode, onStar: (location: number, columns: string[]) => void): SelectQuery {
  const level = newParseState(env, [], []);
  level.starSink = onStar;
  return analyzeSelectLevel(env, null, select, level);
}

function subselectRte(ps: ParseState, n: PgNode): number {
  const sel = n.subquery.SelectStmt;
  const { name: alias, cols } = aliasOf(n);
  if (sel.valuesLists !== undefined && sel.sortClause === undefined && sel.limitCount === undefined && sel.limitOffset === undefined && sel.withClause === undefined) {
    // (VALUES ...) AS v(...): the VALUES list itself is the FROM item (PostgreSQL pulls the
    // subquery up to the same effect); EXPLAIN names it "*VALUES*".
    const v = valuesRte(ps, sel);
    const rte = ps.rtable[v]!;
    rte.alias = alias ?? 'unnamed_subquery';
    rte.aliased = alias !== undefined;
    rte.colNames = renameColumns(rte.colNames, cols, rte.alias);
    return v;
  }
  const lateral = n.lateral === true;
  const savedLateral = ps.lateralActive;
  ps.lateralActive = lateral;
  let q: SelectQuery;
  try {
    q = ps.analyzeSubquery(ps, sel);
  } finally {
    ps.lateralActive = savedLateral;
  }
  const refname = alias ?? 'unnamed_subquery';
  return ps.addRte({
    kind: 'subquery', query: q, alias: refname, aliased: alias !== undefined, lateral,
    colNames: renameColumns(q.targets.map((t) => t.name), cols, refname),
    colTypes: q.targets.map((t) => t.expr.type),
    colTypmods: q.targets.map((t) => typmodOf(t.expr)),
  });
}

/**
 * Runs `f` (the analysis of a FROM function's arguments) with the FROM items to the left
 * visible (functions in FROM are implicitly LATERAL) and, with `setReturning`, set-returning
 * calls allowed; both restored after.
 */
function inFunctionScope<T>(ps: ParseState, f: () => T, setReturning = false): T {
  const savedLateral = ps.lateralActive;
  ps.lateralActive = true;
  if (setReturning) ps.allowSetReturning = true;
  try {
    return f();
  } finally {
    ps.lateralActive = savedLateral;
    if (setReturning) ps.allowSetReturning = false;
  }
}

/**
 * `FROM unnest(array)` / `FROM generate_series(start, stop [, step])` `[AS alias[(column)]]`:
 * a one-column relation named by the alias (else the function), whose column is named by the
 * column alias, else the relation alias, else the function (PostgreSQL's naming for a function
 * returning a scalar). Functions in FROM may refer to FROM items to their left (implicitly
 * LATERAL).
 */
function functionRte(ps: ParseState, rf: PgNode): number {
  if (rf.is_rowsfrom === true || (rf.functions ?? []).length !== 1) throw pgErr.featureNotSupported('ROWS FROM');
  const call: PgNode = rf.functions[0].List.items[0];
  const fc = call.FuncCall;
  const fname: string | undefined = fc?.funcname?.[fc.funcname.length - 1]?.String?.sval;
  const recordArg = fname !== undefined && fc.funcname.length === 1 ? own(RECORD_FUNCTIONS, fname) : undefined;
  if (recordArg !== undefined) return recordFunctionRte(ps, rf, fc, fname!, recordArg);
  const populateArg = fname !== undefined && fc.funcname.length === 1 ? own(POPULATE_FUNCTIONS, fname) : undefined;
  if (populateArg !== undefined) return populateFunctionRte(ps, rf, fc, fname!, populateArg);
  if (rf.coldeflist !== undefined) throw pgErr.featureNotSupported('column definition lists');
  if (fname !== undefined && own(JSON_SRFS, fname) !== undefined) return jsonFunctionRte(ps, rf, fc, fname);
  if (fname !== undefined && isWholeSetSrf(fname)) return textFunctionRte(ps, rf, fc, fname);
  if (fname === 'unnest' && (fc.args ?? []).length > 1) return multiUnnestRte(ps, rf, fc);
  if (fc === undefined || (fname !== 'unnest' && fname !== 'generate_series' && fname !== 'pg_partition_ancestors')) return scalarFunctionRte(ps, rf, call);
  const savedLateral = ps.lateralActive;
  ps.lateralActive = true;
  let type: SqlType;
  let args: Expr[];
  try {
    if (fname === 'unnest' || fname === 'pg_partition_ancestors') {
      ps.allowSetReturning = true;
      const e = analyzeExpr(ps, call);
      ps.allowSetReturning = false;
      if (e.k !== 'srf' || containsSrf(e.arg)) throw pgErr.featureNotSupported('unnest() inside an expression');
      type = e.type;
      if (type === 'numeric' || isArrayType(type) || type === 'unknown') throw pgErr.featureNotSupported(`unnest of ${typeName(type)}[] in FROM`);
      args = [e.arg];
    } else {
      ({ type, args } = generateSeriesArgs(ps, fc));
    }
  } finally {
    ps.lateralActive = savedLateral;
    ps.allowSetReturning = false;
  }
  const { name: alias, cols } = aliasOf(rf);
  const ord = rf.ordinality === true;
  if (cols.length > (ord ? 2 : 1)) {
    throw new PgError(SQLSTATE.invalid_column_reference, `table "${alias}" has ${ord ? 2 : 1} columns available but ${cols.length} columns specified`);
  }
  // pg_partition_ancestors analyzes to the unnest of an (empty) array; its column is its OUT
  // parameter `relid`.
  const first = cols[0] ?? (fname === 'pg_partition_ancestors' ? 'relid' : (alias ?? fname));
  return ps.addRte({
    kind: 'function', fname: fname === 'pg_partition_ancestors' ? 'unnest' : fname, args, alias: alias ?? fname, aliased: alias !== undefined, lateral: true,
    colNames: [first, ...(ord ? [cols[1] ?? 'ordinality'] : [])],
    colTypes: [type, ...(ord ? ['int8' as const] : [])], colTypmods: [-1, ...(ord ? [-1] : [])],
    ...(ord ? { ordinality: true } : {}),
  });
}

/** The functions returning records that vecgres runs with a column definition list, and their argument type. */
const RECORD_FUNCTIONS: Readonly<Record<string, 'json' | 'jsonb'>> = {
  json_to_record: 'json', jsonb_to_record: 'jsonb', json_to_recordset: 'json', jsonb_to_recordset: 'jsonb',
};

/** PostgreSQL's 42883 for function `fname` over arguments of the types named `argTypes`, at `at`. */
function noSuchFunction(fname: string, argTypes: readonly string[], at: { position?: number }): PgError {
  return new PgError(SQLSTATE.undefined_function, `function ${fname}(${argTypes.join(', ')}) does not exist`, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.', ...at,
  });
}

/** The error position of a FROM function's column definition list (its first column), as PostgreSQL reports it. */
function coldefPosition(rf: PgNode): { position?: number } {
  const loc = (rf.coldeflist as PgNode[] | undefined)?.[0]?.ColumnDef?.location;
  return typeof loc === 'number' && loc >= 0 ? { position: loc + 1 } : {};
}

/** json[b]_populate_record[set](base, document): their document's type. */
const POPULATE_FUNCTIONS: Readonly<Record<string, 'json' | 'jsonb'>> = {
  json_populate_record: 'json', jsonb_populate_record: 'jsonb', json_populate_recordset: 'json', jsonb_populate_recordset: 'jsonb',
};

/**
 * `FROM json_populate_recordset(NULL::items, $1)` and the other populate functions: the
 * columns of the table whose row type the NULL base names, filled from each JSON object as
 * json_to_recordset fills declared columns (`INSERT INTO items SELECT * FROM
 * json_populate_recordset(NULL::items, $1)`). Implicitly LATERAL; WITH ORDINALITY allowed.
 * @throws PgError 42804 when the base's type is no row type, 42704 for an unknown type, 42601
 *   for a column definition list, 42883 for other arguments; 0A000 for a base that is not a
 *   NULL constant (its fields would fill the missing members).
 */
function populateFunctionRte(ps: ParseState, rf: PgNode, fc: PgNode, fname: string, docType: 'json' | 'jsonb'): number {
  const raw = (fc.args ?? []) as PgNode[];
  const at = typeof fc.location === 'number' && fc.location >= 0 ? { position: fc.location + 1 } : {};
  if (rf.coldeflist !== undefined) throw new PgError(SQLSTATE.syntax_error, 'a column definition list is redundant for a function returning a named composite type', coldefPosition(rf));
  const cast = raw[0]?.TypeCast;
  if (raw.length !== 2 || cast === undefined || cast.arg?.A_Const?.isnull !== true) {
    throw pgErr.featureNotSupported(`${fname} without a NULL::table base record`);
  }
  const names = ((cast.typeName.names ?? []) as PgNode[]).map((x) => x.String?.sval as string);
  const key = cast.typeName.arrayBounds === undefined && names.length <= 2 ? existingRelationKey(ps.env, names.length === 2 ? names[0] : undefined, names[names.length - 1]!) : null;
  const table = key === null ? undefined : ps.env.catalog.getTable(key);
  if (table === undefined) {
    // Not a table's row type: a type PostgreSQL has (42804) or none (resolveTypeName's 42704).
    resolveTypeName(cast.typeName, (n) => ps.enumType(n), (sc, n) => ps.hasRowType(sc, n));
    throw new PgError(SQLSTATE.datatype_mismatch, `first argument of ${fname} must be a row type`);
  }
  const doc = inFunctionScope(ps, () => analyzeExpr(ps, raw[1]!));
  if (doc.type !== docType && doc.type !== 'unknown') {
    throw noSuchFunction(fname, [table.name, typeName(doc.type)], at);
  }
  const cols = table.def.columns.map((c) => ({ name: c.name, type: c.type as SqlType, typmod: c.typmod }));
  const { name: alias, cols: aliases } = aliasOf(rf);
  const refname = alias ?? fname;
  const ord = rf.ordinality === true;
  const colNames = renameColumns([...cols.map((c) => c.name), ...(ord ? ['ordinality'] : [])], aliases, refname);
  const colTypes: SqlType[] = [...cols.map((c) => c.type), ...(ord ? ['int8' as const] : [])];
  return ps.addRte({
    kind: 'function', fname, args: [coerceTo(ps, doc, docType, -1)], recordColumns: cols, alias: refname, aliased: alias !== undefined, lateral: true,
    colNames, colTypes, colTypmods: [...cols.map((c) => c.typmod), ...(ord ? [-1] : [])], ...(ord ? { ordinality: true } : {}),
  });
}

/**
 * `FROM jsonb_to_recordset(j) AS x(a int, b text, ...)` and json_to_record[set] /
 * jsonb_to_record: the declared columns, filled per JSON object as exec/json_populate.ts
 * reads them. Implicitly LATERAL (`FROM t, jsonb_to_recordset(t.doc) AS x(...)`).
 * @throws PgError 42601 without a column definition list or with WITH ORDINALITY, 42701 for
 *   a repeated column name, 42883 for an argument of another type, 42704 for an unknown type.
 */
function recordFunctionRte(ps: ParseState, rf: PgNode, fc: PgNode, fname: string, argType: 'json' | 'jsonb'): number {
  const at = typeof fc.location === 'number' && fc.location >= 0 ? { position: fc.location + 1 } : {};
  if (rf.coldeflist === undefined) throw new PgError(SQLSTATE.syntax_error, 'a column definition list is required for functions returning "record"', at);
  if (rf.ordinality === true) {
    throw new PgError(SQLSTATE.syntax_error, 'WITH ORDINALITY cannot be used with a column definition list', { hint: 'Put the column definition list inside ROWS FROM().', ...coldefPosition(rf) });
  }
  const args = inFunctionScope(ps, () => ((fc.args ?? []) as PgNode[]).map((a) => analyzeExpr(ps, a)));
  if (args.length !== 1 || (args[0]!.type !== argType && args[0]!.type !== 'unknown')) {
    throw noSuchFunction(fname, args.map((a) => typeName(a.type)), at);
  }
  const arg = coerceTo(ps, args[0]!, argType, -1);
  const cols = (rf.coldeflist as PgNode[]).map((d) => {
    const def = d.ColumnDef;
    const { type, typmod } = resolveTypeName(def.typeName, (n) => ps.enumType(n), (sc, n) => ps.hasRowType(sc, n));
    return { name: def.colname as string, type, typmod };
  });
  const seen = new Set<string>();
  for (const c of cols) {
    if (seen.has(c.name)) throw new PgError(SQLSTATE.duplicate_column, `column name "${c.name}" specified more than once`);
    seen.add(c.name);
  }
  const { name: alias } = aliasOf(rf);
  return ps.addRte({
    kind: 'function', fname, args: [arg], recordColumns: cols, alias: alias ?? fname, aliased: alias !== undefined, lateral: true,
    colNames: cols.map((c) => c.name), colTypes: cols.map((c) => c.type), colTypmods: cols.map((c) => c.typmod),
  });
}

/**
 * A function that returns one value, in FROM (`SELECT * FROM current_schema()`, `FROM upper(x)
 * AS u`, `FROM current_user`): one row of one column, named as PostgreSQL's
 * addRangeTableEntryForFunction names it (the column alias, else the relation alias, else
 * FigureColname of the call), plus the ordinality column. A NULL result is a row holding NULL,
 * as in PostgreSQL. The call may refer to FROM items to its left (implicitly LATERAL). The scan
 * evaluates it once per (re)scan; EXPLAIN shows `Function Scan on <name>`.
 * @throws PgError 0A000 for a set-returning function vecgres runs only in the select list;
 *   42883 / 0A000 as the call itself; 42P10 for too many column aliases.
 */
function scalarFunctionRte(ps: ParseState, rf: PgNode, call: PgNode): number {
  const unsupported = (): PgError => pgErr.featureNotSupported('functions in FROM other than unnest, generate_series, generate_subscripts, pg_partition_ancestors, the json and text set-returning functions and functions returning one value');
  const e = inFunctionScope(ps, () => analyzeExpr(ps, call), true);
  if (containsSrf(e)) throw unsupported();
  const fname = figureColname(call);
  const { name: alias, cols } = aliasOf(rf);
  const ord = rf.ordinality === true;
  if (cols.length > (ord ? 2 : 1)) {
    throw new PgError(SQLSTATE.invalid_column_reference, `table "${alias}" has ${ord ? 2 : 1} columns available but ${cols.length} columns specified`);
  }
  const colTypes: SqlType[] = ord ? [e.type, 'int8'] : [e.type];
  return ps.addRte({
    kind: 'function', fname, args: [e], scalar: true, ...(callReturnsName(call) ? { nameResult: true } : {}), alias: alias ?? fname, aliased: alias !== undefined, lateral: true,
    colNames: [cols[0] ?? alias ?? fname, ...(ord ? [cols[1] ?? 'ordinality'] : [])],
    colTypes, colTypmods: [typmodOf(e), ...(ord ? [-1] : [])], ...(ord ? { ordinality: true } : {}),
  });
}

/**
 * `FROM unnest(a, b, ...) [WITH ORDINALITY] [AS alias(x, y, ...)]`: PostgreSQL expands it
 * to `ROWS FROM (unnest(a), unnest(b), ...)`, the arrays read side by side, the shorter ones
 * padded with NULLs; every column is named `unnest` unless aliased. Implicitly LATERAL.
 * @throws PgError 42883 `function pg_catalog.unnest(T) does not exist` for an argument that
 *   is not an array, 42725 for an untyped literal; 42P10 for too many column aliases.
 */
function multiUnnestRte(ps: ParseState, rf: PgNode, fc: PgNode): number {
  const args = inFunctionScope(ps, () => (fc.args as PgNode[]).map((a) => analyzeExpr(ps, a)));
  const at = typeof fc.location === 'number' && fc.location >= 0 ? { position: fc.location + 1 } : {};
  for (const a of args) {
    if (a.type === 'unknown') {
      throw new PgError('42725', 'function pg_catalog.unnest(unknown) is not unique', {
        hint: 'Could not choose a best candidate function. You might need to add explicit type casts.', ...at,
      });
    }
    if (!isArrayType(a.type)) {
      throw new PgError(SQLSTATE.undefined_function, `function pg_catalog.unnest(${typeName(a.type)}) does not exist`, {
        hint: 'No function matches the given name and argument types. You might need to add explicit type casts.', ...at,
      });
    }
    if (containsSrf(a)) throw pgErr.featureNotSupported('set-returning functions in unnest() arguments');
  }
  const { name: alias, cols } = aliasOf(rf);
  const ord = rf.ordinality === true;
  const types = args.map((a) => elemTypeOf(a.type as ArraySqlType) as SqlType);
  const names = renameColumns([...types.map(() => 'unnest'), ...(ord ? ['ordinality'] : [])], cols, alias ?? 'unnest');
  return ps.addRte({
    kind: 'function', fname: 'unnest', args, alias: alias ?? 'unnest', aliased: alias !== undefined, lateral: true,
    colNames: names,
    colTypes: [...types, ...(ord ? ['int8' as const] : [])], colTypmods: names.map(() => -1),
    ...(ord ? { ordinality: true } : {}),
  });
}

/**
 * `FROM jsonb_each(j) [AS alias[(key, value)]]` and the other json set-returning functions
 * (types/json_srf.ts): their output columns (key, value; value; or one column named like a
 * scalar function's, for *_object_keys), renamed by the column aliases. Implicitly LATERAL.
 * @throws PgError 42883 for a wrong argument type, 42P10 for too many column aliases.
 */
function jsonFunctionRte(ps: ParseState, rf: PgNode, fc: PgNode, fname: string): number {
  const srf = JSON_SRFS[fname]!;
  const arg = inFunctionScope(ps, () => jsonSrfArg(ps, fname, ((fc.args ?? []) as PgNode[]).map((a) => analyzeExpr(ps, a)), fc.location));
  const { name: alias, cols } = aliasOf(rf);
  const refname = alias ?? fname;
  const ord = rf.ordinality === true;
  const names = srf.cols.length === 1 && srf.cols[0]!.name === null ? [refname] : srf.cols.map((c) => c.name!);
  const colNames = renameColumns(ord ? [...names, 'ordinality'] : names, cols, refname);
  const colTypes: SqlType[] = srf.cols.map((c) => c.type);
  if (ord) colTypes.push('int8');
  return ps.addRte({
    kind: 'function', fname, args: [arg], alias: refname, aliased: alias !== undefined, lateral: true,
    colNames, colTypes, colTypmods: colTypes.map(() => -1), ...(ord ? { ordinality: true } : {}),
  });
}

/**
 * `FROM regexp_matches(...) [WITH ORDINALITY] [AS alias[(column)]]`, the other set-returning
 * functions over text (builtin_functions.ts TEXT_SRFS) and generate_subscripts: one column, named as a
 * scalar function's (column alias, else relation alias, else the function). The scan reads the
 * computed set as unnest reads an array. Implicitly LATERAL.
 * @throws PgError 42883 / 42725 as textSrfCall; 42P10 for too many column aliases.
 */
function textFunctionRte(ps: ParseState, rf: PgNode, fc: PgNode, fname: string): number {
  const set = inFunctionScope(ps, () => textSrfCall(ps, fname, ((fc.args ?? []) as PgNode[]).map((a) => analyzeExpr(ps, a)), fc.location));
  const { name: alias, cols } = aliasOf(rf);
  const refname = alias ?? fname;
  const ord = rf.ordinality === true;
  const colNames = renameColumns(ord ? [refname, 'ordinality'] : [refname], cols, refname);
  const colTypes: SqlType[] = ord ? [set.rowType, 'int8'] : [set.rowType];
  return ps.addRte({
    kind: 'function', fname, args: [set.call], alias: refname, aliased: alias !== undefined, lateral: true,
    colNames, colTypes, colTypmods: colTypes.map(() => -1), ...(ord ? { ordinality: true } : {}),
  });
}

/**
 * generate_series' arguments in FROM, resolved among its overloads (builtin_functions.ts
 * GENERATE_SERIES) and coerced to the chosen one; `type` is its values' type.
 * @throws PgError 42883 for no match, 42725 for several (all arguments untyped).
 */
function generateSeriesArgs(ps: ParseState, fc: PgNode): { type: SqlType; args: Expr[] } {
  const args = ((fc.args ?? []) as PgNode[]).map((a) => analyzeExpr(ps, a));
  const { call, rowType } = textSrfCall(ps, 'generate_series', args, fc.location, GENERATE_SERIES);
  return { type: rowType, args: (call as { args: Expr[] }).args };
}

/** The type of a merged USING column (PostgreSQL's select_common_type for JOIN/USING). */
function usingType(l: Expr, r: Expr, loc: number): SqlType {
  return commonType([l.type, r.type], loc, 'JOIN/USING');
}

function transformJoin(ps: ParseState, j: PgNode): FromResult {
  const type: JoinType =
    j.jointype === 'JOIN_LEFT' ? 'left' : j.jointype === 'JOIN_RIGHT' ? 'right' : j.jointype === 'JOIN_FULL' ? 'full' : 'inner';
  if (j.jointype !== 'JOIN_INNER' && type === 'inner') throw pgErr.featureNotSupported(`join type ${String(j.jointype)}`);
  const left = transformFromItem(ps, j.larg);
  // The left side is visible to a LATERAL item on the right.
  const savedNs = ps.namespace;
  ps.namespace = [...savedNs, ...left.items.map((it) => ({ ...it, lateralOnly: true }))];
  let right: FromResult;
  try {
    right = transformFromItem(ps, j.rarg);
  } finally {
    ps.namespace = savedNs;
  }
  for (const it of right.items) checkNameConflict(ps, left.items, it);
  let usingNames: string[] | null = null;
  if (j.isNatural === true) {
    usingNames = left.colNames.filter((c) => right.colNames.includes(c));
  } else if (j.usingClause !== undefined) {
    usingNames = (j.usingClause as PgNode[]).map((x) => x.String.sval as string);
  }
  const colNames: string[] = [];
  const colExprs: Expr[] = [];
  let quals: Expr | null = null;
  const conds: Expr[] = [];
  const usedL = new Set<number>();
  const usedR = new Set<number>();
  const loc: number = typeof j.rarg?.RangeVar?.location === 'number' ? j.rarg.RangeVar.location : -1;
  if (usingNames !== null) {
    for (const name of usingNames) {
      if (colNames.includes(name)) throw new PgError(SQLSTATE.duplicate_column, `column name "${name}" appears more than once in USING clause`);
      const li = uniqueColumn(left.colNames, name, 'left');
      const ri = uniqueColumn(right.colNames, name, 'right');
      usedL.add(li);
      usedR.add(ri);
      const l = left.colExprs[li]!;
      const r = right.colExprs[ri]!;
      conds.push(binaryOp(ps, '=', l, r, loc));
      const t = usingType(l, r, loc);
      const lc = l.type === t ? l : coerceTo(ps, l, t, -1);
      const rc = r.type === t ? r : coerceTo(ps, r, t, -1);
      colNames.push(name);
      colExprs.push(type === 'full' ? { k: 'coalesce', type: t, args: [lc, rc] } : type === 'right' ? rc : lc);
    }
    quals = conds.length === 0 ? null : conds.length === 1 ? conds[0]! : { k: 'and', type: 'bool', args: conds };
  }
  left.colNames.forEach((c, i) => {
    if (!usedL.has(i)) {
      colNames.push(c);
      colExprs.push(left.colExprs[i]!);
    }
  });
  right.colNames.forEach((c, i) => {
    if (!usedR.has(i)) {
      colNames.push(c);
      colExprs.push(right.colExprs[i]!);
    }
  });
  if (j.quals !== undefined) {
    ps.namespace = [...savedNs, ...left.items.map((it) => ({ ...it, lateralOnly: false })), ...right.items.map((it) => ({ ...it, lateralOnly: false }))];
    const savedClause = ps.aggregateClause;
    ps.aggregateClause = 'JOIN conditions';
    try {
      quals = requireBool(ps, analyzeExpr(ps, j.quals), 'argument of JOIN/ON', j.quals);
    } finally {
      ps.namespace = savedNs;
      ps.aggregateClause = savedClause;
    }
  }
  const { name: alias, cols } = aliasOf(j);
  const joinItem: NsItem = {
    refname: alias ?? null,
    rti: -1,
    relVisible: alias !== undefined,
    colsVisible: true,
    lateralOnly: false,
    colNames: alias === undefined ? colNames : renameColumns(colNames, cols, alias),
    colExprs,
  };
  // The inputs stay visible to qualified references (unless the join has an alias), not to bare names.
  // The rows of an outer join's nullable side may be NULL-extended (nullable: a whole-row
  // reference to one is NULL then, which ParseState.resolveColumn tells by a NOT NULL column).
  const side = (items: NsItem[], nullable: boolean): NsItem[] => (nullable ? items.map((it) => ({ ...it, nullable: true })) : items);
  const sides = [...side(left.items, type === 'right' || type === 'full'), ...side(right.items, type === 'left' || type === 'full')];
  const inner = alias !== undefined ? [] : sides.map((it) => ({ ...it, colsVisible: false, lateralOnly: false }));
  return { node: { k: 'join', type, left: left.node, right: right.node, quals }, items: [...inner, joinItem], colNames: joinItem.colNames, colExprs };
}

function uniqueColumn(names: string[], name: string, side: 'left' | 'right'): number {
  const i = names.indexOf(name);
  if (i < 0) throw new PgError(SQLSTATE.undefined_column, `column "${name}" specified in USING clause does not exist in ${side} table`);
  if (names.indexOf(name, i + 1) >= 0) throw new PgError(SQLSTATE.ambiguous_column, `common column name "${name}" appears more than once in ${side} table`);
  return i;
}

// ---------------------------------------------------------------------------------------
// WITH and VALUES

function analyzeWith(ps: ParseState, w: PgNode): void {
  const recursive = w.recursive === true;
  for (const c of (w.ctes ?? []) as PgNode[]) {
    const cte = c.CommonTableExpr;
    const name: string = cte.ctename;
    if (ps.ctes.some((x) => x.name === name)) {
      throw new PgError(SQLSTATE.duplicate_alias, `WITH query name "${name}" specified more than once`, typeof cte.location === 'number' ? { position: cte.location + 1 } : {});
    }
    const sel = cte.ctequery.SelectStmt;
    if (sel === undefined) {
      // PostgreSQL's parse_cte.c: only the outermost statement's WITH may modify data. At the
      // top, the statement layer runs them before analysis (exec/modifying_with.ts); what
      // analyzes the statement without running it (EXPLAIN, Describe) gets here.
      if (ps.parent !== null) {
        throw new PgError(SQLSTATE.feature_not_supported, 'WITH clause containing a data-modifying statement must be at the top level', typeof cte.location === 'number' ? { position: cte.location + 1 } : {});
      }
      throw pgErr.featureNotSupported('EXPLAIN or Describe of data-modifying statements in WITH');
    }
    const materialized: CteDef['materialized'] =
      cte.ctematerialized === 'CTEMaterializeAlways' ? 'always' : cte.ctematerialized === 'CTEMaterializeNever' ? 'never' : 'default';
    const aliasCols: string[] = ((cte.aliascolnames ?? []) as PgNode[]).map((x) => x.String.sval as string);
    const id = ps.cteCounter.n++;
    let def: CteDef;
    if (recursive && sel.op === 'SETOP_UNION' && referencesName(sel.rarg, name)) {
      // WITH RECURSIVE name AS (non-recursive term UNION [ALL] recursive term).
      const base = ps.analyzeSubquery(ps, sel.larg.SelectStmt ?? sel.larg);
      if (sel.sortClause !== undefined || sel.limitCount !== undefined) throw pgErr.featureNotSupported('ORDER BY / LIMIT in a recursive query');
      def = {
        name, id, query: base, materialized, recursive: null, refCount: 0,
        colNames: renameColumns(base.targets.map((t) => t.name), aliasCols, name),
        colTypes: base.targets.map((t) => t.expr.type),
        colTypmods: base.targets.map((t) => typmodOf(t.expr)),
      };
      ps.ctes.push(def);
      const term = ps.analyzeSubquery(ps, sel.rarg.SelectStmt ?? sel.rarg);
      if (term.targets.length !== base.targets.length) {
        throw new PgError(SQLSTATE.syntax_error, 'each UNION query must have the same number of columns');
      }
      term.targets.forEach((t, i) => {
        const want = def.colTypes[i]!;
        if (t.expr.type !== want) {
          if (isNumeric(t.expr.type) && isNumeric(want) || t.expr.type === 'unknown') t.expr = coerceTo(ps, t.expr, want, -1);
          else {
            throw new PgError(
              SQLSTATE.datatype_mismatch,
              `recursive query "${name}" column ${i + 1} has type ${typeName(want)} in non-recursive term but type ${typeName(t.expr.type)} overall`,
              { hint: 'Cast the output of the non-recursive term to the correct type.' },
            );
          }
        }
      });
      def.recursive = { term, unionAll: sel.all === true };
      continue;
    }
    const q = ps.analyzeSubquery(ps, sel);
    def = {
      name, id, query: q, materialized, recursive: null, refCount: 0,
      colNames: renameColumns(q.targets.map((t) => t.name), aliasCols, name),
      colTypes: q.targets.map((t) => t.expr.type),
      colTypmods: q.targets.map((t) => typmodOf(t.expr)),
    };
    ps.ctes.push(def);
  }
}

/** True when the raw statement mentions relation `name` (a recursive CTE's self-reference). */
function referencesName(node: PgNode, name: string): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((x) => referencesName(x, name));
  if (node.RangeVar !== undefined && node.RangeVar.schemaname === undefined && node.RangeVar.relname === name) return true;
  return Object.values(node).some((x) => referencesName(x, name));
}

/**
 * `VALUES (...), (...)` as a query: one VALUES range-table entry whose columns (column1, ...)
 * have each the common type of its items (PostgreSQL's transformValuesClause).
 * @throws PgError 42601 `VALUES lists must all be the same length`, 42804 for unmatched types.
 */
function valuesQuery(ps: ParseState, s: PgNode): SelectQuery {
  const rti = valuesRte(ps, s);
  const item = ps.itemFor(rti);
  ps.namespace.push(item);
  const colNames = ps.rtable[rti]!.colNames;
  const targets: Target[] = item.colExprs.map((e, i) => ({ name: colNames[i]!, expr: e }));
  const orderBy = sortKeys(ps, s, targets);
  const limit = s.limitCount === undefined ? null : limitExpr(ps, s.limitCount, 'LIMIT');
  const offset = s.limitOffset === undefined ? null : limitExpr(ps, s.limitOffset, 'OFFSET');
  return {
    kind: 'select', rtable: ps.rtable, from: [{ k: 'rte', rti }], where: null, targets, orderBy, limit, offset,
    aggregate: false, groupBy: [], having: null, setReturning: false, ctes: ps.ctes,
    ...(s.limitOption === 'LIMIT_OPTION_WITH_TIES' ? { withTies: true } : {}),
  };
}

/** The range-table entry of a VALUES list (columns column1, ... of each column's common type). */
function valuesRte(ps: ParseState, s: PgNode): number {
  const lists: PgNode[] = s.valuesLists;
  const rows: Expr[][] = [];
  let width = -1;
  for (const l of lists) {
    const items: PgNode[] = l.List.items;
    if (width >= 0 && items.length !== width) {
      const it = items[0];
      const inner = it?.[Object.keys(it)[0]!];
      throw new PgError(SQLSTATE.syntax_error, 'VALUES lists must all be the same length', typeof inner?.location === 'number' ? { position: inner.location + 1 } : {});
    }
    width = items.length;
    rows.push(items.map((it) => {
      if (it.SetToDefault !== undefined) throw new PgError(SQLSTATE.syntax_error, 'DEFAULT is not allowed in this context');
      return analyzeExpr(ps, it);
    }));
  }
  const colTypes: SqlType[] = [];
  for (let c = 0; c < width; c++) {
    const t = commonType(rows.map((r) => r[c]!.type), -1, 'VALUES', lists.map((l) => leftmostLocation(l.List.items[c]) ?? -1));
    colTypes.push(t);
    for (const r of rows) {
      const e = r[c]!;
      r[c] = coerceTo(ps, e, t, -1, e.k === 'const' && e.loc !== undefined && e.loc >= 0 ? e.loc : undefined);
    }
  }
  const colNames = colTypes.map((_, i) => `column${i + 1}`);
  return ps.addRte({
    kind: 'values', rows, alias: '*VALUES*', aliased: false, lateral: false, colNames, colTypes,
    colTypmods: colTypes.map((_, c) => (rows.length > 0 && rows.every((r) => typmodOf(r[c]!) === typmodOf(rows[0]![c]!)) ? typmodOf(rows[0]![c]!) : -1)),
  });
}

/** PostgreSQL FigureColname: the output name of an unnamed target ("?column?" when none). */
export function figureColname(node: PgNode): string {
  return figureColnameInternal(node)?.name ?? '?column?';
}

/** SQL value functions by libpg-query's op name (FigureColnameInternal's T_SQLValueFunction). */
const SQL_VALUE_FUNCTION_NAMES: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'current_date', SVFOP_CURRENT_TIME: 'current_time', SVFOP_CURRENT_TIME_N: 'current_time',
  SVFOP_CURRENT_TIMESTAMP: 'current_timestamp', SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
  SVFOP_LOCALTIME: 'localtime', SVFOP_LOCALTIME_N: 'localtime', SVFOP_LOCALTIMESTAMP: 'localtimestamp',
  SVFOP_LOCALTIMESTAMP_N: 'localtimestamp', SVFOP_CURRENT_ROLE: 'current_role', SVFOP_CURRENT_USER: 'current_user',
  SVFOP_USER: 'user', SVFOP_SESSION_USER: 'session_user', SVFOP_CURRENT_CATALOG: 'current_catalog',
  SVFOP_CURRENT_SCHEMA: 'current_schema',
};

/**
 * PostgreSQL's FigureColnameInternal (parse_target.c): a name and its strength, 2 for a name
 * from a column, function or construct, 1 for a cast's type or CASE, which a stronger name
 * inside overrides (`x::text` is "x", `1::int4::float8` is "float8", `CASE ... END::text`
 * "text"); null when the node gives no name.
 */
function figureColnameInternal(node: PgNode): { name: string; strength: 1 | 2 } | null {
  const tag = Object.keys(node)[0]!;
  const n = node[tag];
  switch (tag) {
    case 'ColumnRef': {
      let fname: string | null = null;
      for (const f of n.fields as PgNode[]) if (f.String !== undefined) fname = f.String.sval as string;
      return fname === null ? null : { name: fname, strength: 2 };
    }
    case 'A_Indirection': {
      let fname: string | null = null;
      for (const f of n.indirection as PgNode[]) if (f.String !== undefined) fname = f.String.sval as string;
      return fname !== null ? { name: fname, strength: 2 } : figureColnameInternal(n.arg);
    }
    case 'FuncCall':
      return { name: n.funcname[n.funcname.length - 1].String.sval as string, strength: 2 };
    case 'A_Expr':
      return n.kind === 'AEXPR_NULLIF' ? { name: 'nullif', strength: 2 } : null;
    case 'TypeCast': {
      const inner = figureColnameInternal(n.arg);
      if (inner !== null && inner.strength === 2) return inner;
      const names = n.typeName.names as PgNode[];
      return { name: names[names.length - 1]!.String.sval as string, strength: 1 };
    }
    case 'CollateClause':
      return figureColnameInternal(n.arg);
    case 'SubLink':
      switch (n.subLinkType) {
        case 'EXISTS_SUBLINK': return { name: 'exists', strength: 2 };
        case 'ARRAY_SUBLINK': return { name: 'array', strength: 2 };
        case 'EXPR_SUBLINK': {
          // The subquery's output column name, as its own select list named it.
          let sel: PgNode = n.subselect.SelectStmt;
          while (sel !== undefined && sel.targetList === undefined && sel.larg !== undefined) sel = sel.larg;
          const tl = sel?.targetList as PgNode[] | undefined;
          if (tl === undefined || tl.length === 0) return null;
          const r = tl[0]!.ResTarget;
          if (r.val?.ColumnRef?.fields?.some((f: PgNode) => f.A_Star !== undefined)) return null;
          return { name: r.name ?? figureColname(r.val), strength: 2 };
        }
        default: return null;
      }
    case 'CaseExpr': {
      const inner = n.defresult === undefined ? null : figureColnameInternal(n.defresult);
      if (inner !== null && inner.strength === 2) return inner;
      return { name: 'case', strength: 1 };
    }
    case 'A_ArrayExpr': return { name: 'array', strength: 2 };
    case 'RowExpr': return { name: 'row', strength: 2 };
    case 'CoalesceExpr': return { name: 'coalesce', strength: 2 };
    case 'MinMaxExpr': return { name: n.op === 'IS_GREATEST' ? 'greatest' : 'least', strength: 2 };
    case 'SQLValueFunction': {
      const name = SQL_VALUE_FUNCTION_NAMES[n.op as string];
      return name === undefined ? null : { name, strength: 2 };
    }
    case 'GroupingFunc': return { name: 'grouping', strength: 2 };
    default:
      return null;
  }
}

/** Analyzes INSERT ... VALUES. */
/**
 * Whether an explicit value for column `ci` of INSERT is replaced by the column's identity
 * default: OVERRIDING USER VALUE on an identity column (PostgreSQL's rewriteTargetListIU).
 * @throws PgError 428C9 for a value given to a GENERATED ALWAYS column without OVERRIDING
 *   SYSTEM VALUE.
 */
function identityOverridden(table: Table, ci: number, override: string | undefined): boolean {
  const c = table.def.columns[ci]!;
  if (c.identity === undefined) return false;
  if (override === 'OVERRIDING_USER_VALUE') return true;
  if (c.identity === 'a' && override !== 'OVERRIDING_SYSTEM_VALUE') {
    throw new PgError('428C9', `cannot insert a non-DEFAULT value into column "${c.name}"`, {
      detail: `Column "${c.name}" is an identity column defined as GENERATED ALWAYS.`,
      hint: 'Use OVERRIDING SYSTEM VALUE to override.',
    });
  }
  return false;
}

/**
 * `WITH w AS (...) INSERT INTO t SELECT ... FROM w` as `INSERT INTO t WITH w AS (...) SELECT
 * ...`: the CTEs then scope the source query, which is where INSERT reads them (a CTE read only
 * by RETURNING or ON CONFLICT is not visible there). Returns a new node; the raw one is cached.
 * @throws PgError 0A000 for WITH on INSERT ... DEFAULT VALUES or with a WITH of its own.
 */
function withIntoSource(stmt: PgNode): PgNode {
  const select = stmt.selectStmt?.SelectStmt;
  if (select === undefined) throw pgErr.featureNotSupported('WITH on INSERT ... DEFAULT VALUES');
  if (select.withClause !== undefined) throw pgErr.featureNotSupported('WITH on INSERT whose query has a WITH of its own');
  const { withClause, ...rest } = stmt;
  return { ...rest, selectStmt: { SelectStmt: { ...select, withClause } } };
}

export function analyzeInsert(
  env: SqlEnv,
  stmt: PgNode,
  defaults: (t: Table, col: number) => Expr | null,
  declared: readonly SqlType[] = [],
): Analyzed<InsertQuery> {
  const rv = stmt.relation;
  if (stmt.withClause !== undefined) stmt = withIntoSource(stmt);
  const table = writeTarget(env, rv, 'INSERT into');
  const cols = table.def.columns;
  const paramTypes: SqlType[] = [...declared];
  const paramNodes: Extract<Expr, { k: 'param' }>[][] = [];
  const scope = newParseState(env, paramTypes, paramNodes);
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
        // Several subscripted targets of one column (`x[1], x[2]`), which PostgreSQL merges
        // into one value, are refused; a column also given whole is PostgreSQL's 42701.
        const partial = (n: PgNode): boolean => n.ResTarget.indirection !== undefined;
        const same = (stmt.cols as PgNode[]).filter((c, j) => j <= k && targetCols[j] === i);
        if (same.every(partial)) throw pgErr.featureNotSupported('several subscripted assignments to one column in INSERT');
        throw new PgError(SQLSTATE.duplicate_column, `column "${cols[i]!.name}" specified more than once`, { position: stmt.cols[k].ResTarget.location + 1 });
      }
      seen.add(i);
    }
  } else {
    targetCols = cols.map((_, i) => i);
  }
  const select = stmt.selectStmt?.SelectStmt;
  let valuesLists: PgNode[];
  const defaultCache: (Expr | undefined)[] = new Array(cols.length);
  /**
   * Column `i`'s default (NULL when it has none), analyzed when a row first needs it: the
   * default of a column every row gives is never evaluated, so its errors are not the statement's.
   */
  const defaultOf = (i: number): Expr => (defaultCache[i] ??= defaults(table, i) ?? { k: 'const', type: cols[i]!.type, value: null });
  /** Generated columns given a value other than DEFAULT (the rewriter's 428C9, after analysis). */
  const generatedGiven = new Set<number>();
  /** Each row's expressions by column (VALUES rows, or INSERT ... SELECT's one); defaults fill the rest after (the rewriter's step). */
  const givenRows: (Expr | undefined)[][] = [];
  /** INSERT ... SELECT's query; its row of expressions is `givenRows`' only one. */
  let selectQuery: ReturnType<typeof analyzeSelectLevel> | null = null;
  if (select === undefined) {
    valuesLists = [{ List: { items: [] } }];
    targetCols = [];
  } else if (select.valuesLists === undefined || select.sortClause !== undefined || select.limitCount !== undefined || select.withClause !== undefined) {
    // INSERT ... SELECT: the query's output columns are assigned to the target columns.
    if ((stmt.cols as PgNode[] | undefined)?.some((c) => c.ResTarget.indirection !== undefined)) throw pgErr.featureNotSupported('INSERT ... SELECT into a subscripted column');
    const sub = analyzeSelectLevel(env, null, select, scope, false);
    if (sub.targets.length > targetCols.length) {
      throw new PgError(SQLSTATE.syntax_error, 'INSERT has more expressions than target columns', sub.targets[targetCols.length]!.loc === undefined ? {} : { position: sub.targets[targetCols.length]!.loc! + 1 });
    }
    // Without a column list, fewer outputs fill the leading columns (the rest take defaults).
    if (stmt.cols === undefined) targetCols = targetCols.slice(0, sub.targets.length);
    if (sub.targets.length < targetCols.length) {
      throw new PgError(SQLSTATE.syntax_error, 'INSERT has more target columns than expressions', { position: stmt.cols?.[sub.targets.length]?.ResTarget?.location + 1 });
    }
    const given: (Expr | undefined)[] = new Array(cols.length);
    sub.targets.forEach((t, k) => {
      const ci = targetCols[k]!;
      if (cols[ci]!.generated !== undefined) generatedGiven.add(ci);
      if (identityOverridden(table, ci, stmt.override)) return;
      const slot: Expr = { k: 'slot', type: t.expr.type, idx: k, typmod: typmodOf(t.expr), name: t.name };
      given[ci] = assignCoerce(scope, slot, ci, table, t.loc === undefined ? undefined : t.loc + 1);
    });
    selectQuery = sub;
    givenRows.push(given);
    valuesLists = [];
  } else {
    valuesLists = select.valuesLists;
  }
  const allTargets = targetCols;
  for (const vl of valuesLists) {
    const items: PgNode[] = vl.List.items;
    const targetCols = stmt.cols === undefined ? allTargets.slice(0, items.length) : allTargets;
    if (items.length > targetCols.length) {
      throw new PgError(SQLSTATE.syntax_error, 'INSERT has more expressions than target columns', { position: exprLoc(items[targetCols.length]) });
    }
    if (items.length < targetCols.length) {
      throw new PgError(SQLSTATE.syntax_error, 'INSERT has more target columns than expressions', { position: stmt.cols?.[items.length]?.ResTarget?.location + 1 });
    }
    const given: (Expr | undefined)[] = new Array(cols.length);
    for (let k = 0; k < items.length; k++) {
      const ci = targetCols[k]!;
      const indirection = stmt.cols?.[k]?.ResTarget?.indirection as PgNode[] | undefined;
      if (indirection !== undefined) {
        // `INSERT INTO t (x[2]) VALUES (v)`: the assignment applied to NULL, as
        // transformAssignedExpr does for an INSERT (there is no old value).
        const c = cols[ci]!;
        const target = stmt.cols[k].ResTarget;
        const at = typeof target.location === 'number' && target.location >= 0 ? { position: target.location + 1 } : {};
        given[ci] = subscriptAssignment(scope, { k: 'const', type: c.type, value: null }, c.name, c.typmod, indirection, items[k], at);
        continue;
      }
      if (items[k].SetToDefault !== undefined) continue;
      if (cols[ci]!.generated !== undefined) generatedGiven.add(ci);
      if (identityOverridden(table, ci, stmt.override)) continue;
      const e = analyzeExpr(scope, items[k]);
      given[ci] = assignCoerce(scope, e, ci, table, exprLoc(items[k]));
    }
    givenRows.push(given);
  }

  // ON CONFLICT before RETURNING, as PostgreSQL's transformInsertStmt (which error comes first).
  const onConflict = stmt.onConflictClause === undefined ? null : analyzeOnConflict(env, table, rv.alias?.aliasname as string | undefined, stmt.onConflictClause, paramTypes, paramNodes, defaults);
  let returning: Target[] | null = null;
  const rc: PgNode[] | undefined = stmt.returningClause?.exprs ?? stmt.returningList;
  if (rc !== undefined) {
    // `INSERT INTO t AS x ... RETURNING x.id`: the alias names the target (and hides t's name).
    const rscope = tableParseState(env, table, paramTypes, paramNodes, rv.alias?.aliasname as string | undefined);
    returning = [];
    for (const rt of rc) {
      const r = rt.ResTarget;
      if (r.val.ColumnRef !== undefined && r.val.ColumnRef.fields.some((f: PgNode) => f.A_Star !== undefined)) {
        cols.forEach((c, i) => returning!.push({ name: c.name, expr: { k: 'var', type: c.type, rti: 0, col: i, levelsUp: 0, typmod: c.typmod, name: c.name } }));
        continue;
      }
      const e = analyzeExpr(rscope, r.val);
      returning.push({ name: r.name ?? figureColname(r.val), expr: e.type === 'unknown' ? coerceTo(rscope, e, 'text', -1) : e });
    }
  }
  if (onConflict !== null && onConflict.arbiters !== null && onConflict.arbiters.length === 0) {
    throw new PgError(SQLSTATE.invalid_column_reference, 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
  }
  // PostgreSQL's rewriter, once analysis is done: it refuses the first generated column given a
  // value (in column order), then fills the columns no row gives with their defaults.
  const given = cols.findIndex((_, i) => generatedGiven.has(i));
  if (given >= 0) throw generatedColumnAssigned(cols[given]!.name, true);
  const filled: Expr[][] = givenRows.map((g) => cols.map((_, i) => g[i] ?? defaultOf(i)));
  const insertSelect: InsertQuery['select'] = selectQuery === null ? null : { query: selectQuery, columns: filled[0]! };
  const rows = selectQuery === null ? filled : [];
  const alias = rv.alias?.aliasname as string | undefined;
  return { query: { kind: 'insert', table, rows, select: insertSelect, returning, onConflict, ...(alias === undefined ? {} : { alias }) }, paramTypes };
}

/**
 * ON CONFLICT [(cols) | ON CONSTRAINT name] DO NOTHING | DO UPDATE SET ... [WHERE ...]
 * (PostgreSQL's transformOnConflictClause and infer_arbiter_indexes): a column list infers
 * every unique index (primary key or UNIQUE B-tree index over every row) whose key columns
 * are exactly those columns; a constraint name must be the primary key's (CREATE UNIQUE INDEX
 * makes an index, not a constraint, as in PostgreSQL).
 * `arbiters` is [] when no unique index has exactly the target's columns (the caller's 42P10,
 * after RETURNING). @throws PgError 42704 for an unknown constraint name, 42601 for DO UPDATE without a target or a column assigned
 *   twice, 42703 for an unknown column; 0A000 for expressions as targets and subqueries.
 */
function analyzeOnConflict(
  env: SqlEnv,
  table: Table,
  alias: string | undefined,
  oc: PgNode,
  paramTypes: SqlType[],
  paramNodes: Extract<Expr, { k: 'param' }>[][],
  defaults: (t: Table, col: number) => Expr | null,
): OnConflict {
  const ps = newParseState(env, paramTypes, paramNodes);
  ps.addRte(relationRte(table, alias ?? env.catalog.splitKey(table.name).name, alias !== undefined, []));
  // The conflict target's WHERE sees the target table only (EXCLUDED joins the range table
  // after it); DO UPDATE sees both, so there an unqualified column is ambiguous (42702).
  ps.namespace.push(ps.itemFor(0));
  const infer = oc.infer;
  const update = oc.action === 'ONCONFLICT_UPDATE';
  const at = (loc: unknown) => (typeof loc === 'number' && loc >= 0 ? { position: loc + 1 } : {});
  let arbiters: string[] | null = null;
  if (infer === undefined) {
    if (update) {
      throw new PgError(SQLSTATE.syntax_error, 'ON CONFLICT DO UPDATE requires inference specification or constraint name', {
        hint: 'For example, ON CONFLICT (column_name).', ...at(oc.location),
      });
    }
  } else if (infer.conname !== undefined) {
    // The primary key's or a UNIQUE constraint's index (named as the constraint).
    const named = env.catalog.getIndex(infer.conname);
    if (named === undefined || named.table !== table.name || !(named.primaryKey || named.constraint === true)) {
      throw new PgError(SQLSTATE.undefined_object, `constraint "${infer.conname}" for table "${table.name}" does not exist`);
    }
    arbiters = [infer.conname];
  } else {
    const cols = new Set<number>();
    for (const el of (infer.indexElems ?? []) as PgNode[]) {
      const ie = el.IndexElem;
      if (ie.name === undefined) throw pgErr.featureNotSupported('an expression as ON CONFLICT target');
      if (ie.collation !== undefined || ie.opclass !== undefined) throw pgErr.featureNotSupported('COLLATE or an operator class in an ON CONFLICT target');
      const c = table.columnIndex(ie.name);
      if (c < 0) throw new PgError(SQLSTATE.undefined_column, `column "${ie.name}" does not exist`, at(infer.location));
      cols.add(c);
    }
    const inferWhere = infer.whereClause === undefined ? null : requireBool(ps, analyzeExpr(ps, infer.whereClause), 'argument of WHERE', infer.whereClause);
    // An index matches when its key columns, as a set, are the target's (no expression keys)
    // and, for a partial index, the target's WHERE implies its predicate (plancat.c
    // infer_arbiter_indexes; both are analyzed over the target table as range table entry 0).
    const impliesPredicate = (d: IndexDef): boolean => {
      if (d.predicate === null) return true;
      const pred = compileIndexDef(env, d, table).predicate;
      return pred !== null && inferWhere !== null && predicateImpliedBy(pred, [inferWhere]);
    };
    arbiters = env.catalog
      .indexesOf(table.name)
      .filter((d) => d.unique && d.keys.every((k) => k.expr === null && cols.has(k.column)) && new Set(d.keys.map((k) => k.column)).size === cols.size && impliesPredicate(d))
      .map((d) => d.name);
  }
  ps.addRte(relationRte(table, 'excluded', true, []));
  ps.namespace.push(ps.itemFor(1));
  const sets: { col: number; expr: Expr }[] = [];
  let where: Expr | null = null;
  if (update) {
    for (const a of analyzeSetList(ps, table, oc.targetList as PgNode[], defaults)) {
      // A multiple-column sub-SELECT is a subquery, which DO UPDATE does not take here.
      if ('cols' in a) throw pgErr.featureNotSupported('subqueries in ON CONFLICT DO UPDATE');
      sets.push(a);
    }
    if (oc.whereClause !== undefined) where = requireBool(ps, analyzeExpr(ps, oc.whereClause), 'argument of WHERE', oc.whereClause);
    for (const e of [...sets.map((x) => x.expr), ...(where === null ? [] : [where])]) {
      if (someNode(e, (x) => x.k === 'sublink') || containsAggregate(e)) throw pgErr.featureNotSupported('subqueries in ON CONFLICT DO UPDATE');
    }
  }
  // No arbiter ([]) is 42P10, raised by the caller once the whole statement is analyzed (as
  // PostgreSQL infers the arbiters in the planner: RETURNING's errors come first).
  return { action: update ? 'update' : 'nothing', arbiters, sets, where };
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

/**
 * One item of an UPDATE or ON CONFLICT DO UPDATE SET list: a column and its value (over the
 * old row, the FROM columns or EXCLUDED), or the columns a multiple-column assignment's
 * sub-SELECT sets, `(a, b) = (SELECT x, y ...)`: `expr` is the 'multiexpr' sublink, evaluated
 * once per row, and `coerce[j]` turns its column j (slot j of its row) into column `cols[j]`.
 */
export type Assignment = { col: number; expr: Expr } | { cols: number[]; expr: Expr; coerce: Expr[] };

/**
 * Analyzes the SET list of UPDATE and of INSERT ... ON CONFLICT DO UPDATE (PostgreSQL's
 * transformUpdateTargetList and transformMultiAssignRef, plus the rewriter's checks): each
 * `col = expr` coerced to the column's type as an assignment, `col = DEFAULT` as
 * `defaults(table, col)` (NULL when the column has none); `(a, b) = (x, y)` and
 * `(a, b) = ROW(x, y)` as one assignment per column (DEFAULT allowed), `(a, b) = (SELECT ...)`
 * as one {@link Assignment} of the columns. Errors: 42703 unknown column, 42601 a column
 * assigned twice (no position, as the rewriter reports it) and `number of columns does not
 * match number of values`, 428C9 a value other than DEFAULT for a GENERATED ALWAYS identity
 * column, 0A000 for a multiple-column source that is neither a row nor a sub-SELECT (as
 * PostgreSQL) and for subfield / array-element targets.
 */
export function analyzeSetList(
  scope: ExprScope,
  table: Table,
  targetList: readonly PgNode[],
  defaults: (t: Table, col: number) => Expr | null,
): Assignment[] {
  const sets: Assignment[] = [];
  const assigned = new Set<number>();
  /** The source of the multiple-column assignment being read: its row items, or its sub-SELECT and the columns read so far. */
  let group: { items: PgNode[] } | { sub: ReturnType<typeof analyzeMultiExprSubLink>; cols: number[]; coerce: Expr[] } | null = null;
  /** Columns assigned through subscripts, at their place in `sets` (PostgreSQL merges those). */
  const subscripted = new Map<number, number>();
  for (const rt of targetList) {
    const r = rt.ResTarget;
    const name: string = r.name;
    if (r.indirection !== undefined) {
      const col = table.columnIndex(name);
      if (col >= 0 && r.val.MultiAssignRef === undefined) {
        const at = subscripted.get(col);
        if (assigned.has(col) && at === undefined) throw new PgError(SQLSTATE.syntax_error, `multiple assignments to same column "${name}"`);
        const c = table.def.columns[col]!;
        if (c.identity === 'a') throw identityAlways(name);
        if (c.generated !== undefined) throw generatedColumnAssigned(name, false);
        // A second subscripted assignment applies to the first's result (the rewriter's
        // process_matched_tle): `SET j['a'] = 1, j['b'] = 2`.
        const base: Expr = at === undefined ? { k: 'var', type: c.type, rti: 0, col, levelsUp: 0, typmod: c.typmod, name: c.name } : (sets[at] as { expr: Expr }).expr;
        const expr = subscriptAssignment(scope, base, c.name, c.typmod, r.indirection as PgNode[], r.val, typeof r.location === 'number' && r.location >= 0 ? { position: r.location + 1 } : {});
        if (at === undefined) {
          assigned.add(col);
          subscripted.set(col, sets.length);
          sets.push({ col, expr });
        } else sets[at] = { col, expr };
        continue;
      }
      if (col >= 0) throw pgErr.featureNotSupported('assignment to a subfield or array element in a multiple-column assignment');
    }
    const ma: PgNode | undefined = r.val.MultiAssignRef;
    // PostgreSQL transforms a multiple-column source once, at its first column.
    if (ma !== undefined && ma.colno === 1) group = multiAssignSource(scope, ma);
    const col = table.columnIndex(name);
    if (col < 0) {
      const position = typeof r.location === 'number' && r.location >= 0 ? { position: r.location + 1 } : {};
      throw new PgError(SQLSTATE.undefined_column, `column "${name}" of relation "${table.name}" does not exist`, position);
    }
    if (assigned.has(col)) throw new PgError(SQLSTATE.syntax_error, `multiple assignments to same column "${name}"`);
    assigned.add(col);
    if (ma === undefined) {
      sets.push({ col, expr: assignedValue(scope, table, col, r.val, defaults) });
      continue;
    }
    assert(group !== null, 'a multiple-column assignment reads its source');
    if ('items' in group) {
      sets.push({ col, expr: assignedValue(scope, table, col, group.items[ma.colno - 1], defaults) });
      continue;
    }
    const j = ma.colno - 1;
    if (table.def.columns[col]!.identity === 'a') throw identityAlways(name);
    if (table.def.columns[col]!.generated !== undefined) throw generatedColumnAssigned(name, false);
    const slot: Expr = { k: 'slot', type: group.sub.types[j]!, idx: j, typmod: group.sub.typmods[j]!, name: '' };
    group.cols.push(col);
    group.coerce.push(assignCoerce(scope, slot, col, table, group.sub.positions[j]));
    if (ma.colno === ma.ncolumns) sets.push({ cols: group.cols, expr: group.sub.expr, coerce: group.coerce });
  }
  return sets;
}

/**
 * `col[s1]...[sn] = val` in a SET list (transformAssignmentIndirection): on a jsonb column the
 * subscripts of {@link jsonbSubscriptArgs} and jsonb_subscript_assign's value
 * (jsonbSetElement; the value as jsonb, SQL NULL as JSON null); on an array column integer
 * subscripts and array_set_element's value of the element type, or, once a subscript is a
 * slice, array_set_slice's of the array type (types/array_assign.ts). `base` is the column's
 * old value, or an earlier subscripted assignment to it.
 * @throws PgError 42804 `cannot subscript type ...`, `subscripted assignment to "c" requires
 *   type t but expression is of type u` (at the target, `at`); 22004 for a NULL subscript
 *   and 2202E for the array's own errors (when it runs); 0A000 `cannot set an array element to
 *   DEFAULT`, for field selection and for a lower bound other than 1.
 */
function subscriptAssignment(scope: ExprScope, base: Expr, name: string, typmod: number, ind: readonly PgNode[], val: PgNode, at: { position?: number }): Expr {
  if (!ind.every((x) => x.A_Indices !== undefined)) throw pgErr.featureNotSupported('assignment to a subfield');
  const indices = ind.map((x) => x.A_Indices as PgNode);
  const valueType: SqlType | null = base.type === 'jsonb' ? 'jsonb' : isArrayType(base.type) ? elemTypeOf(base.type) : null;
  if (valueType === null) {
    throw new PgError(SQLSTATE.datatype_mismatch, `cannot subscript type ${typeName(base.type)} because it does not support subscripting`, at);
  }
  if (val.SetToDefault !== undefined) throw new PgError(SQLSTATE.feature_not_supported, 'cannot set an array element to DEFAULT', at);
  // Once one subscript is a slice the assignment is to a slice (of the array's own type), and a
  // plain [i] means [1:i] (transformContainerSubscripts).
  const list = base.type === 'jsonb' ? { args: jsonbSubscriptArgs(scope, indices), tokens: [], slice: false } : arraySubscriptList(scope, indices);
  const { args: subs, tokens, slice } = list;
  const needed: SqlType = slice ? base.type : valueType;
  const loc = exprLoc(val);
  const value = assignmentCoercion(scope, analyzeExpr(scope, val), needed, base.type === 'jsonb' ? -1 : typmod, loc === undefined ? undefined : loc - 1, (from) =>
    new PgError(SQLSTATE.datatype_mismatch, `subscripted assignment to "${name}" requires type ${typeName(needed)} but expression is of type ${typeName(from)}`, {
      hint: 'You will need to rewrite or cast the expression.', ...at,
    }));
  if (base.type === 'jsonb') {
    const expectArray = subs[0]!.type === 'int4';
    return foldConstants(scope, {
      k: 'fn', type: 'jsonb', name: 'jsonb subscript assignment', args: [base, value, ...subs], strict: false,
      fn: (vals: readonly Value[]) => {
        const path: string[] = [];
        for (let i = 2; i < vals.length; i++) {
          if (vals[i] === null) throw new PgError(SQLSTATE.null_value_not_allowed, 'jsonb subscript in assignment must not be null');
          path.push(String(vals[i]));
        }
        return jsonbSetElement(vals[0] as Jsonb | null, path, vals[1] === null ? null : (vals[1] as Jsonb).root, expectArray);
      },
    });
  }
  const elemType = valueType;
  const nullSubscript = (): PgError => new PgError(SQLSTATE.null_value_not_allowed, 'array subscript in assignment must not be null');
  if (!slice) {
    return foldConstants(scope, {
      k: 'fn', type: base.type, name: 'array subscript assignment', args: [base, value, ...subs], strict: false,
      fn: (vals: readonly Value[]) => {
        const idx: number[] = [];
        for (let i = 2; i < vals.length; i++) {
          if (vals[i] === null) throw nullSubscript();
          idx.push(Number(vals[i]));
        }
        return arrayAssignElement(vals[0] as PgArray | null, idx, (vals[1] ?? null) as ArrayElement, elemType);
      },
    });
  }
  // The name carries each subscript's tokens for EXPLAIN (deparse.ts), as a reference's does.
  return foldConstants(scope, {
    k: 'fn', type: base.type, name: `array slice assignment ${tokens.join(',')}`, args: [base, value, ...subs], strict: false,
    fn: (vals: readonly Value[]) => {
      const lower: (number | null)[] = [];
      const upper: (number | null)[] = [];
      let k = 2;
      for (const t of tokens) {
        const take = (given: boolean): number | null => {
          if (!given) return null;
          const v = vals[k++];
          if (v === null) throw nullSubscript();
          return Number(v);
        };
        lower.push(take(t.startsWith('l')));
        upper.push(take(t.endsWith('h')));
      }
      return arrayAssignSlice(vals[0] as PgArray | null, lower, upper, vals[1] as PgArray | null, elemType);
    },
  });
}

/**
 * The source of `(a, b, ...) = source` (transformMultiAssignRef): a row's items, or the
 * analyzed sub-SELECT.
 * @throws PgError 42601 when its width is not the number of columns, 0A000 for anything else.
 */
function multiAssignSource(scope: ExprScope, ma: PgNode): { items: PgNode[] } | { sub: ReturnType<typeof analyzeMultiExprSubLink>; cols: number[]; coerce: Expr[] } {
  const src: PgNode = ma.source;
  const mismatch = (loc: unknown): PgError =>
    new PgError(SQLSTATE.syntax_error, 'number of columns does not match number of values', typeof loc === 'number' && loc >= 0 ? { position: loc + 1 } : {});
  if (src.SubLink !== undefined && src.SubLink.subLinkType === 'EXPR_SUBLINK') {
    const sub = analyzeMultiExprSubLink(scope, src.SubLink);
    if (sub.types.length !== ma.ncolumns) throw mismatch(src.SubLink.location);
    return { sub, cols: [], coerce: [] };
  }
  if (src.RowExpr !== undefined) {
    const items: PgNode[] = src.RowExpr.args ?? [];
    if (items.length !== ma.ncolumns) throw mismatch(src.RowExpr.location);
    return { items };
  }
  const at = exprLoc(src);
  throw new PgError(SQLSTATE.feature_not_supported, 'source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression', at === undefined ? {} : { position: at });
}

/** The value assigned to column `col` by `val` (an expression or DEFAULT), coerced to the column. */
function assignedValue(scope: ExprScope, table: Table, col: number, val: PgNode, defaults: (t: Table, col: number) => Expr | null): Expr {
  const c = table.def.columns[col]!;
  if (val.SetToDefault !== undefined) return defaults(table, col) ?? { k: 'const', type: c.type, value: null };
  if (c.identity === 'a') throw identityAlways(c.name);
  if (c.generated !== undefined) throw generatedColumnAssigned(c.name, false);
  const e = analyzeExpr(scope, val);
  const loc = val[Object.keys(val)[0]!]?.location;
  return assignCoerce(scope, e, col, table, typeof loc === 'number' && loc >= 0 ? loc + 1 : undefined);
}

/**
 * 428C9 for a value other than DEFAULT given to generated column `name` by INSERT (`insert`)
 * or by UPDATE's SET and ON CONFLICT DO UPDATE (PostgreSQL's rewriteTargetListIU).
 */
function generatedColumnAssigned(name: string, insert: boolean): PgError {
  return new PgError('428C9', insert ? `cannot insert a non-DEFAULT value into column "${name}"` : `column "${name}" can only be updated to DEFAULT`, {
    detail: `Column "${name}" is a generated column.`,
  });
}

/** 428C9: a GENERATED ALWAYS identity column takes DEFAULT and nothing else. */
function identityAlways(name: string): PgError {
  return new PgError('428C9', `column "${name}" can only be updated to DEFAULT`, { detail: `Column "${name}" is an identity column defined as GENERATED ALWAYS.` });
}

/** Assignment coercion of a value for column `ci` (PostgreSQL's transformAssignedExpr). */
export function assignCoerce(scope: ExprScope, e: Expr, ci: number, table: Table, position?: number): Expr {
  const c = table.def.columns[ci]!;
  return assignmentCoercion(scope, e, c.type, c.typmod, position === undefined ? undefined : position - 1, (from) =>
    new PgError(SQLSTATE.datatype_mismatch, `column "${c.name}" is of type ${typeName(c.type)} but expression is of type ${typeName(from)}`, {
      hint: 'You will need to rewrite or cast the expression.',
      ...(position === undefined ? {} : { position }),
    }));
}

/**
 * `e` coerced to `type` (typmod `typmod`, -1 none) in assignment context (PostgreSQL's
 * coerce_to_target_type with COERCION_ASSIGNMENT): an untyped literal through the type's input
 * function, numbers among themselves, and the implicit and assignment casts; a column's
 * assignment, an EXECUTE parameter. `location` is 0-based.
 * @throws PgError `mismatch(fromType)` when no assignment cast exists; the input function's errors.
 */
export function assignmentCoercion(scope: ExprScope, e: Expr, type: SqlType, typmod: number, location: number | undefined, mismatch: (from: SqlType) => PgError): Expr {
  const coerced = coerceTo(scope, e, type, typmod, location);
  if (coerced.type === type) {
    if (hasTypmodCoercion(type) && typmod >= 0 && coerced.k !== 'const') return { k: 'cast', type, from: type, typmod, arg: coerced, explicit: false };
    return coerced;
  }
  if (isNumeric(coerced.type) && isNumeric(type)) return castExpr(scope, coerced, type, typmod, location === undefined ? 0 : location + 1);
  // Assignment casts (pgvector: halfvec -> vector, arrays -> vector, ...; bit <-> varbit).
  const cc = castContext(coerced.type, type);
  if (cc === 'implicit' || cc === 'assignment') {
    if (coerced.k === 'const') return { k: 'const', type, value: castValue(coerced.value, coerced.type, type, typmod, scope.zone, false) };
    return { k: 'cast', type, from: coerced.type, typmod, arg: coerced, explicit: false };
  }
  throw mismatch(coerced.type);
}

/**
 * Analyzes the DEFAULT expression `raw` of column `col` of `table`, as PostgreSQL's
 * cookDefault: no column references, subqueries, parameters, aggregates or window functions,
 * and a result assignable to the column.
 * @throws PgError 0A000 `cannot use column reference in DEFAULT expression` or `cannot use
 *   subquery in DEFAULT expression`, 42P02 a parameter, 42803 / 42P20 an aggregate / window
 *   function, 42804 `column "a" is of type integer but default expression is of type text`,
 *   the analysis' errors (42883, 22P02 for a literal the type does not read).
 */
export function analyzeDefault(env: SqlEnv, table: Table, col: number, raw: PgNode): Expr {
  rejectSubqueriesAndParams(raw, 'DEFAULT expression');
  walkRaw(raw, (tag, n) => {
    if (tag === 'ColumnRef') {
      throw new PgError(SQLSTATE.feature_not_supported, 'cannot use column reference in DEFAULT expression', pos(n.location));
    }
  });
  return inStoredExpression(env, 'column defaults', () => {
    const scope = newParseState(env, [], []);
    scope.aggregateClause = 'DEFAULT expressions';
    scope.windowClause = 'DEFAULT expressions';
    return storedCoerce(scope, analyzeExpr(scope, raw), col, table, leftmostLocation(raw));
  });
}

/**
 * True when the default `raw` of a column of `type` and `typmod` is a NULL constant of that
 * type (`DEFAULT NULL`, `DEFAULT NULL::text` on a text column), which PostgreSQL does not store:
 * AddRelationNewConstraints makes no pg_attrdef row for it, so the column shows no default.
 */
export function isNullConstantDefault(env: SqlEnv, type: SqlType, typmod: number, raw: PgNode): boolean {
  // A NULL stays a constant only when no coercion applies (a length coercion to the column's
  // typmod is a call).
  if (typmod !== -1) return false;
  if (raw.A_Const?.isnull === true) return true;
  const tc = raw.TypeCast;
  if (tc?.arg?.A_Const?.isnull !== true || (tc.typeName.typmods ?? []).length > 0) return false;
  const e = analyzeExpr(newParseState(env, [], []), raw);
  return e.k === 'const' && e.value === null && e.type === type;
}

/**
 * `e` assigned to column `col` of `table` as a stored default or generation expression
 * (cookDefault's coerce_to_target_type); `location` (0-based) is the expression's, for the
 * input error of a literal.
 * @throws PgError 42804 `column "a" is of type integer but default expression is of type text`.
 */
export function storedCoerce(scope: ExprScope, e: Expr, col: number, table: Table, location?: number): Expr {
  const c = table.def.columns[col]!;
  return assignmentCoercion(scope, e, c.type, c.typmod, location, (from) =>
    new PgError(SQLSTATE.datatype_mismatch, `column "${c.name}" is of type ${typeName(c.type)} but default expression is of type ${typeName(from)}`, {
      hint: 'You will need to rewrite or cast the expression.',
    }));
}

/** 42P01 relation "x" does not exist, with the position of the name. */
/**
 * The table INSERT, UPDATE or DELETE writes, named by range variable `rv`: views are refused
 * first (refuseViewWrite), and a name in a schema other than `public` is no table of vecgres'
 * (its tables all live there), as PostgreSQL's parserOpenTable reports it.
 * @throws PgError 55000 / 0A000 for a view; 42P01 `relation "[schema.]t" does not exist` at the name.
 */
export function writeTarget(env: SqlEnv, rv: PgNode, verb: 'INSERT into' | 'UPDATE of' | 'DELETE from'): Table {
  refuseViewWrite(env, rv, verb);
  const key = existingRelationKey(env, rv.schemaname, rv.relname);
  if (key === null) throw undefinedTableAt(`${rv.schemaname}.${rv.relname}`, rv.location);
  const table = env.catalog.getTable(key);
  if (table === undefined) throw undefinedTableAt(rv.schemaname === undefined ? rv.relname : `${rv.schemaname}.${rv.relname}`, rv.location);
  return table;
}

export function undefinedTableAt(name: string, location: number | undefined): PgError {
  return new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`, typeof location === 'number' && location >= 0 ? { position: location + 1 } : {});
}
