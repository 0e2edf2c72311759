/**
 * Expressions: the typed tree the analyzer builds from libpg-query's raw nodes (PostgreSQL's
 * parse analysis, transformExpr, in miniature). Operators and functions are resolved here to
 * a result type and an implementation, literals are coerced to the type their context needs,
 * and parameter types are inferred from the other operand (as PostgreSQL does for `$n`).
 */
import { roleByOid } from './roles.js';
import { PROSQLBODY, procByOid, procIsVisible } from './regproc.js';
import { pgvectorOperators } from './operator_table.js';
import { own } from '../../common/own.js';
import { readsClock } from '../../types/datetime.js';
import {
  Numeric, compareNumeric, parseNumeric, numericTypmodIn, numericAdd, numericSub, numericMul, numericDiv, numericMod,
  numericNeg, numericSizePretty, numericDatumSize, toNumeric,
} from '../../types/numeric.js';
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import { timeZoneOrError, type TimeZone } from '../../types/timezone.js';
import { TimeTz, adjustTimetzTypmod, timestamptzToTimetz, timeToTimetz, timetzAtInterval, timetzAtZone } from '../../types/timetz.js';
import { ageTimestamptz, instantOf, localTimeOf } from '../../types/timestamptz_funcs.js';
import type { Value } from '../../storage/table.js';
import { quoteIdent, type PgNode } from '../parser/parse.js';
import { EnumValue, enumCmp, isEnumSqlType, hasEnumElements, type EnumSqlType } from '../../types/enum_value.js';
import { type SqlType, type ArraySqlType, type ArrayElemSqlType, typeByName, isNumeric, numericRank, castValue, castPrintsFloats, canCast, toInt8, isArrayType, isVectorFamily, arrayTypeOf, elemTypeOf, castContext, hasTypmodCoercion, isStringType, typeCategory, isUnsupportedBuiltinType, formatType, type OidSqlType, type RegCatalog, type RegNames, isOidFamily, isDatetime, regIn, regOut, valueFromText, typeName, typeOid } from './types.js';
import { textOrder } from '../../types/text_order.js';
import { charTypmodIn, bpcharCmp } from '../../types/character.js';
import { byteaCmp, byteaConcat } from '../../types/bytea.js';
import { vectorTypmodIn } from '../../types/vector.js';
import { halfvecTypmodIn } from '../../types/halfvec.js';
import { sparsevecTypmodIn } from '../../types/sparsevec.js';
import { parseBit, bitTypmodIn, bitNot, type BitString } from '../../types/bit.js';
import { PgArray, type ArrayElement } from '../../types/pgarray.js';
import { arrayFill } from '../../types/array_fill.js';
import { type Aggregate, vectorAvg, vectorSum, halfvecAvg, halfvecSum } from '../../types/aggregates.js';
import { scalarAggregate } from './scalar_aggregates.js';
import {
  HYPOTHETICAL_SET_AGGREGATE_NAMES, HYPOTHETICAL_SET_RESULT, ORDERED_SET_AGGREGATE_NAMES, hypotheticalFinal, hypotheticalRows, modeAggregate, percentileFinal, sortedValues,
} from './ordered_set_aggregates.js';
import { REGRESSION_AGGREGATES, STAT_AGGREGATE_NAMES, regressionAggregate, statAggregate, statAggregateUnknownType } from './stat_aggregates.js';
import { analyzeWindowCall } from './window.js';
import { arrayAgg, arrayAggArray, stringAgg, boolAnd, boolOr } from './collect_aggregates.js';
import { jsonAgg, jsonbAgg, jsonObjectAgg, jsonbObjectAgg, keyTextOf, toJsonText, toJsonbValue } from './json_aggregates.js';
import { exprEqual, forEachQueryExpr, type SelectQuery } from './query.js';
import { storedColumnSize, columnSize, type VectorLike } from '../../types/size.js';
import { utf8Length } from '../../types/text_order.js';
import type { Prng } from '../../common/prng.js';
import { PG_VERSION, VECGRES_VERSION } from '../../common/version.js';
import { checkInt2, intNot } from '../../types/int.js';
import { randomUuid } from '../../types/uuid.js';
import {
  type Overload, type FnN, TYPE_CMP, arrayTypeComparator, VECTOR_ONLY_OPERATORS, JSONB_OPERATORS, BITWISE_OPERATORS, operatorOverloads, functionOverloads, resolveOverload,
} from './overloads.js';
import { Jsonb, type JsonbValue, jsonbBuildObject, quoteJsonString, jsonbPath, jsonbAsText } from '../../types/jsonb.js';
import { jsonPath, jsonAsText } from '../../types/json_text.js';
import { JSON_SRFS } from '../../types/json_srf.js';
import { GENERATE_SERIES, TEXT_MATCH_OPERATORS, isWholeSetSrf, wholeSetSrfOverloads } from './builtin_functions.js';
import { PG_FUNCTION_NAMES } from './pg_function_names.js';
import {
  elementEquality, elementComparator, arrayCat, arrayPush, arrayPosition, arrayPositions, arrayRemove, arrayReplace, arrayDims, stringToArray,
} from './array_ops.js';
import { prettyStoredExpr } from '../parser/deparse_raw.js';
import { CATALOG_OIDS, DEFAULT_TABLESPACE, GLOBAL_TABLESPACE, SHARED_DESCRIPTIONS } from './system_views.js';
import { format as formatText, quoteLiteral, quoteNullable } from '../../types/text_funcs.js';
import { Interval, intervalNeg, intervalTypmodIn } from '../../types/interval.js';
import {
  timestampTypmodIn, adjustTimestampTypmod, timestampToDate, dateToTimestamp, age as ageFn, adjustTimeTypmod, timestampToTime,
} from '../../types/datetime_funcs.js';
import { positionalArgs, type PositionalArgs } from './named_args.js';
import { leftmostLocation, walkRaw } from '../parser/walk.js';

/**
 * A binary implementation; called only with non-null arguments unless `nullSafe`. `zone` is
 * the session's time zone (the TimeZone setting) for the date/time operators that read it
 * (timestamptz + interval counts days in it); the others ignore it.
 */
export type Fn2 = (a: Value, b: Value, zone: TimeZone) => Value;
/** A unary implementation; `zone` as for {@link Fn2}. */
export type Fn1 = (a: Value, zone: TimeZone) => Value;

export type Expr =
  /**
   * `shown`: the constant as written, when analysis folded a date, timestamp or timestamptz
   * literal into the other operand's type; EXPLAIN prints it so (PostgreSQL compares across
   * those types with the datetime_ops family's cross-type operators, folding nothing).
   */
  | { k: 'const'; type: SqlType; value: Value; loc?: number; shown?: { type: SqlType; value: Value }; /** A cast literal's typmod (`'1.5'::numeric(5,2)`), for result columns. */ typmod?: number }
  | { k: 'param'; type: SqlType; index: number; typmod: number }
  /**
   * A column of range-table entry `rti` of the query `levelsUp` levels out (0: this query;
   * 1: the query this one is a subquery of, a correlated reference), as PostgreSQL's Var.
   * `name` is the column's name as printed (qualified by EXPLAIN when several relations).
   */
  | { k: 'var'; type: SqlType; rti: number; col: number; levelsUp: number; typmod: number; name: string; loc?: number }
  /** Bound by the planner (setrefs): position `idx` of the node's input tuple. */
  | { k: 'slot'; type: SqlType; idx: number; typmod: number; name: string; qname?: string }
  /** Bound by the planner: executor parameter `id` (a correlated or lateral value, an InitPlan's output). */
  | { k: 'execParam'; type: SqlType; id: number; typmod: number; name: string; qname?: string }
  /** Bound by the planner: a subquery plan run per evaluation (SubPlan) or once (hashed / InitPlan). */
  | { k: 'subplan'; type: SqlType; typmod: number; sp: unknown }
  /** A one-argument function or prefix operator; `op` is '-' for unary minus (the planner sees it in ORDER BY transforms). */
  | { k: 'op1'; type: SqlType; fn: Fn1; arg: Expr; /** A prefix operator (`-`) or a function's name, for EXPLAIN. */ op?: string; /** A conversion PostgreSQL has no node for (EXPLAIN prints the argument alone). */ implicit?: true }
  | { k: 'op2'; type: SqlType; fn: Fn2; l: Expr; r: Expr; op: string }
  /** `explicit` false: an implicit or assignment cast (bit(n) lengths must then match). */
  | { k: 'cast'; type: SqlType; from: SqlType; typmod: number; arg: Expr; explicit?: boolean }
  | { k: 'and'; type: 'bool'; args: Expr[] }
  | { k: 'or'; type: 'bool'; args: Expr[] }
  | { k: 'not'; type: 'bool'; arg: Expr }
  | { k: 'isnull'; type: 'bool'; arg: Expr; negate: boolean }
  /**
   * `arg IS [NOT] TRUE / FALSE / UNKNOWN` (PostgreSQL's BooleanTest): never NULL, and not
   * strict (a NULL argument gives false, or true for IS NOT TRUE / IS NOT FALSE / IS UNKNOWN).
   */
  | { k: 'booltest'; type: 'bool'; arg: Expr; test: 'true' | 'false' | 'unknown'; negate: boolean }
  /**
   * `arg [NOT] IN (list)`. `hashed` is set for a long list of constants of a type whose
   * equality is JS value identity (PostgreSQL hashes such ScalarArrayOpExprs too): the non-NULL
   * values, and whether a NULL was among them.
   */
  | { k: 'in'; type: 'bool'; arg: Expr; list: Expr[]; eq: Fn2; negate: boolean; hashed: { values: Set<Value>; hasNull: boolean } | null }
  | { k: 'coalesce'; type: SqlType; args: Expr[] }
  /** `arg op ANY (array)` / `arg op ALL (array)` (PostgreSQL's ScalarArrayOpExpr); `fn` compares arg with one element. */
  | { k: 'arrayop'; type: 'bool'; arg: Expr; arr: Expr; fn: Fn2; all: boolean; op: string }
  /**
   * A subquery used as an expression (PostgreSQL's SubLink): `expr` a scalar subquery,
   * `exists` EXISTS (...), `any` `arg op ANY (...)` / `arg IN (...)`, `all` `arg op ALL (...)`.
   * `cmp` compares `arg` with the subquery's single column (any / all).
   */
  /**
   * A subquery in an expression. `src` is its raw parse tree without token locations: two
   * sublinks of one query level with equal `src` are the same expression (PostgreSQL's equal()
   * on SubLinks), so `ORDER BY (SELECT ...)` finds the same subquery in the select list.
   * 'multiexpr' is a multiple-column assignment's sub-SELECT ({@link analyzeMultiExprSubLink}).
   */
  | {
      k: 'sublink'; type: SqlType; typmod: number; sub: 'expr' | 'exists' | 'any' | 'all' | 'array' | 'multiexpr'; query: unknown;
      /** any / all: the left operand, one per subquery column (`(a, b) IN (SELECT x, y ...)`); else empty. */
      args: Expr[];
      /** any / all: the operator comparing args[i] with column i. */
      cmps: Fn2[];
      op: string; loc?: number; src: string;
    }
  | { k: 'count'; type: 'int8'; arg: Expr | null; mods?: AggMods }
  /**
   * A function of three or more arguments (subvector), or any with an argument array: strict
   * (NULL for any NULL argument) unless `strict` is false (concat, format).
   */
  /**
   * A function call. `withinGroup`: the final function of an ordered-set aggregate, its last
   * argument that aggregate's call (printed as the call, which shows the direct arguments).
   */
  | {
    k: 'fn'; type: SqlType; name: string; fn: FnN; args: Expr[]; strict?: false; withinGroup?: true;
    /** The last argument is a VARIADIC array (PostgreSQL's funcvariadic): EXPLAIN prints `VARIADIC` before it. */
    variadic?: true;
  }
  /**
   * CASE (PostgreSQL's CaseExpr). Searched form (`arg` null): the first `cond` that is true
   * picks its `then`. Simple form: `arg` is evaluated once and each WHEN compares it by `=`:
   * `test` is that comparison's left side over the value as tuple position 0 (the implicit
   * casts `=` applies to it; not an operand: it reads nothing else), `fn` the operator and
   * `cond` the WHEN value. No match: `else` (NULL when not written).
   */
  | { k: 'case'; type: SqlType; arg: Expr | null; whens: CaseWhen[]; else: Expr }
  /** GREATEST / LEAST (MinMaxExpr): NULL arguments are ignored, NULL only when all are. */
  | { k: 'minmax'; type: SqlType; greatest: boolean; args: Expr[]; cmp: (a: Value, b: Value) => number }
  /**
   * NULLIF(l, r): NULL when `l = r`, else `l` (converted by `conv` to the type `=` compared
   * it as). `test` is the left side of `=` over l's value as tuple position 0, as in CASE.
   */
  | { k: 'nullif'; type: SqlType; l: Expr; r: Expr; test: Expr; fn: Fn2; conv: Fn1 | null }
  /**
   * A function that reads the session (current_setting, set_config): evaluated with the
   * executing session's settings, never the analyzing one's (analyses are shared).
   */
  | { k: 'session'; type: SqlType; name: string; args: Expr[]; fn: (args: Value[], session: SessionContext) => Value }
  /** avg / sum over vector or halfvec (types/aggregates.ts), evaluated by the executor. */
  /**
   * An aggregate call; `gargs` marks GROUPING(...) (name `GROUPING`, `arg` its first argument):
   * the Agg node computes it from the grouping set of each output row, not from input rows.
   */
  | {
    k: 'agg'; type: SqlType; name: string; agg: Aggregate<any, any, any>; arg: Expr; arg2?: Expr; mods?: AggMods; gargs?: Expr[];
    /**
     * An ordered-set aggregate (`arg` its WITHIN GROUP expression, sorted by `mods.order`):
     * its direct arguments, for display only (they are evaluated by the final function above it).
     */
    direct?: Expr[];
  }
  /** ARRAY[...]: elements of one type; nested ARRAY[...] elements make a multidimensional array. */
  | { k: 'array'; type: ArraySqlType; elems: Expr[] }
  /** unnest(array) in a select list: one output row per element (set-returning). */
  | {
    k: 'srf'; type: SqlType; name: string; arg: Expr;
    /** The rows of a non-NULL argument (absent: unnest's array elements). */
    expand?: (v: Value) => readonly Value[];
    /** `(jsonb_each(j)).key`: the output column selected from a record result. */
    field?: string;
    /** The call's offset in the statement (0-based), for error positions. */
    loc?: number;
    /** `arg` is the call computing the whole set from this call's own arguments (TEXT_SRFS), printed as this call. */
    spread?: true;
  }
  /**
   * A window function call `name(args) OVER window winref` of its query level's window list
   * (analyze/window.ts); for an aggregate over a window, `agg` is the analyzed aggregate call.
   * Computed by the WindowAgg node.
   */
  | { k: 'window'; type: SqlType; name: string; args: Expr[]; winref: number; agg: Expr | null; filter?: Expr; loc?: number };

/** One WHEN of a CASE expression (see the `case` expression). */
export interface CaseWhen {
  cond: Expr;
  then: Expr;
  /** Simple CASE: the left side of `=` over the CASE argument's value (tuple position 0). */
  test?: Expr;
  /** Simple CASE: the `=` operator. */
  fn?: Fn2;
}

/** What session functions read at execution time. */
/** Which time a clock function reads (PostgreSQL's GetCurrentTransactionStartTimestamp, GetCurrentStatementStartTimestamp, GetCurrentTimestamp). */
export type ClockKind = 'transaction' | 'statement' | 'clock';

export interface SessionContext {
  /** The session's time zone (the TimeZone setting). */
  readonly zone: TimeZone;
  /** The session clock: microseconds since 2000-01-01 UTC at the start of the transaction, of the statement, or now. */
  now(kind: ClockKind): bigint;
  /** SHOW's value of a setting. @throws PgError 42704 for an unknown name. */
  show(name: string): string;
  /** SET (or SET LOCAL) a setting. */
  set(name: string, value: string | null, isLocal: boolean): void;
  /**
   * The sequence functions over a sequence named as regclass input reads it (exec/sequences.ts):
   * nextval, currval, setval (is_called), lastval; pg_get_serial_sequence's answer.
   */
  sequence(fn: 'nextval' | 'currval', name: string): Value;
  setval(name: string, value: bigint, called: boolean): Value;
  lastval(): Value;
  serialSequence(table: string, column: string): string | null;
  /** pg_notify: queues a notification for the transaction's commit. @throws PgError 22023. */
  notify(channel: string | null, payload: string | null): void;
  /** pg_listening_channels: the channels the session listens on. */
  listeningChannels(): string[];
  /** pg_backend_pid: the session's process id (the wire server's BackendKeyData). */
  readonly pid: number;
  /** pg_blocking_pids: the sessions blocking session `pid`'s lock wait (exec/lock_status.ts). */
  blockingPids(pid: number): number[];
  /** pg_cancel_backend / pg_terminate_backend (exec/backend_signal.ts). */
  signalBackend(pid: number, terminate: boolean): boolean;
  /**
   * An advisory lock function (exec/advisory.ts) on the key of `keyArgs` (one bigint, or two
   * integers; none for unlock_all): its boolean result. @throws AdvisoryWait where 'lock' must wait.
   */
  advisory(op: 'lock' | 'try' | 'unlock' | 'unlock_all', keyArgs: readonly Value[], shared: boolean, xact: boolean): boolean;
  /**
   * txid_current: the transaction's id, assigned now if it has none (`assign`); without
   * `assign` (txid_current_if_assigned) null when it has none.
   */
  txid(assign: boolean): number | null;
}

/**
 * The clauses of an aggregate call (PostgreSQL's Aggref aggdistinct / aggorder / aggfilter):
 * `agg(DISTINCT x ORDER BY k) FILTER (WHERE cond)`.
 */
export interface AggMods {
  distinct: boolean;
  order: { expr: Expr; desc: boolean; nullsFirst: boolean; cmp: (a: Value, b: Value) => number }[];
  filter: Expr | null;
}

function visitAggOperands(e: Extract<Expr, { k: 'count' | 'agg' }>, visit: (x: Expr) => void): void {
  if (e.k === 'agg' && e.gargs !== undefined) {
    for (const a of e.gargs) visit(a);
    return;
  }
  if (e.arg !== null) visit(e.arg);
  if (e.k === 'agg' && e.arg2 !== undefined) visit(e.arg2);
  if (e.mods !== undefined) {
    for (const o of e.mods.order) visit(o.expr);
    if (e.mods.filter !== null) visit(e.mods.filter);
  }
}

function mapAggOperands(e: Extract<Expr, { k: 'count' | 'agg' }>, f: (x: Expr) => Expr): Expr {
  if (e.k === 'agg' && e.gargs !== undefined) {
    const gargs = e.gargs.map(f);
    return { ...e, arg: gargs[0]!, gargs };
  }
  const mods = e.mods === undefined ? undefined : {
    distinct: e.mods.distinct,
    order: e.mods.order.map((o) => ({ ...o, expr: f(o.expr) })),
    filter: e.mods.filter === null ? null : f(e.mods.filter),
  };
  const out: Expr = e.k === 'count'
    ? { ...e, arg: e.arg === null ? null : f(e.arg) }
    : { ...e, arg: f(e.arg), ...(e.arg2 === undefined ? {} : { arg2: f(e.arg2) }) };
  if (mods !== undefined) (out as { mods?: AggMods }).mods = mods;
  return out;
}

/**
 * Calls `visit` on each direct operand of `e`, left to right: the arguments of operators,
 * casts, functions, boolean connectives, COALESCE, IN lists, ARRAY[...], unnest and aggregates
 * (count(*) has none). Constants, parameters, columns and scalar subqueries have none: a
 * subquery's expressions belong to its own scope. The one child walk that the analyzer's and
 * executor's tree searches share; they differ only in where they stop.
 */
export function forEachOperand(e: Expr, visit: (x: Expr) => void): void {
  switch (e.k) {
    case 'case':
      if (e.arg !== null) visit(e.arg);
      for (const w of e.whens) {
        visit(w.cond);
        visit(w.then);
      }
      visit(e.else);
      return;
    case 'minmax':
    case 'session':
      for (const a of e.args) visit(a);
      return;
    case 'nullif':
      visit(e.l);
      visit(e.r);
      return;
    case 'window':
      for (const a of e.args) visit(a);
      if (e.filter !== undefined) visit(e.filter);
      return;
    case 'fn':
    case 'and':
    case 'or':
    case 'coalesce':
      for (const a of e.args) visit(a);
      return;
    case 'array':
      for (const a of e.elems) visit(a);
      return;
    case 'op1':
    case 'cast':
    case 'not':
    case 'isnull':
    case 'booltest':
    case 'srf':
      visit(e.arg);
      return;
    case 'agg':
    case 'count':
      visitAggOperands(e, visit);
      return;
    case 'op2':
      visit(e.l);
      visit(e.r);
      return;
    case 'arrayop':
      visit(e.arg);
      visit(e.arr);
      return;
    case 'in':
      visit(e.arg);
      for (const a of e.list) visit(a);
      return;
    case 'sublink':
      for (const a of e.args) visit(a);
      return;
    default:
      return;
  }
}

/**
 * A copy of `e` with each direct operand replaced by `f(operand)` (the operands
 * {@link forEachOperand} visits); `e` itself when it has none. The planner's binding of
 * columns to tuple positions is one such rewrite.
 */
export function mapOperands(e: Expr, f: (x: Expr) => Expr): Expr {
  switch (e.k) {
    case 'case':
      return { ...e, arg: e.arg === null ? null : f(e.arg), whens: e.whens.map((w) => ({ ...w, cond: f(w.cond), then: f(w.then) })), else: f(e.else) };
    case 'minmax':
    case 'session':
      return { ...e, args: e.args.map(f) } as Expr;
    case 'nullif':
      return { ...e, l: f(e.l), r: f(e.r) };
    case 'window':
      return { ...e, args: e.args.map(f), ...(e.filter === undefined ? {} : { filter: f(e.filter) }) };
    case 'fn':
    case 'and':
    case 'or':
    case 'coalesce':
      return { ...e, args: e.args.map(f) } as Expr;
    case 'array':
      return { ...e, elems: e.elems.map(f) };
    case 'op1':
    case 'cast':
    case 'not':
    case 'isnull':
    case 'booltest':
    case 'srf':
      return { ...e, arg: f(e.arg) } as Expr;
    case 'agg':
    case 'count':
      return mapAggOperands(e, f);
    case 'op2':
      return { ...e, l: f(e.l), r: f(e.r) };
    case 'arrayop':
      return { ...e, arg: f(e.arg), arr: f(e.arr) };
    case 'in':
      return { ...e, arg: f(e.arg), list: e.list.map(f) };
    case 'sublink':
      return e.args.length === 0 ? e : { ...e, args: e.args.map(f) };
    default:
      return e;
  }
}

/** The access privilege inquiry functions vecgres answers. */
export type PrivilegeFunction = 'has_table_privilege' | 'has_sequence_privilege' | 'has_column_privilege' | 'has_any_column_privilege'
  | 'has_schema_privilege' | 'has_database_privilege' | 'pg_has_role';

/** An argument of a privilege inquiry: a role, object or column by name, by oid, or a column by number. */
export type PrivilegeArg = { kind: 'name'; value: string } | { kind: 'oid'; value: number } | { kind: 'attnum'; value: number };

/** Object arguments (besides the optional role and the privilege string) of each inquiry function. */
const PRIVILEGE_OBJECTS: Record<PrivilegeFunction, number> = {
  has_table_privilege: 1, has_sequence_privilege: 1, has_column_privilege: 2, has_any_column_privilege: 1,
  has_schema_privilege: 1, has_database_privilege: 1, pg_has_role: 1,
};

/**
 * Catalog lookups by object id that functions evaluate at run time (exec/catalog_describe.ts
 * implements them over the live catalog): each returns null for an oid naming nothing.
 */
export interface CatalogLookups extends Required<Pick<RegCatalog, 'userType' | 'userTypeOid' | 'enumIn'>> {
  /** A relation's catalog key (storage/schema_def.ts; a system catalog's name), unquoted. */
  relationName(oid: number): string | null;
  /** What reg* output prints for relations and schemas. */
  regNames: RegNames;
  /** pg_get_constraintdef(oid, pretty). */
  constraintDef(oid: number, pretty: boolean): string | null;
  /** pg_get_indexdef(oid, column, pretty). */
  indexDef(oid: number, column: number, pretty: boolean): string | null;
  /** pg_get_viewdef(oid [, pretty]): the view's definition, null for an oid that is no view. */
  viewDef(oid: number): string | null;
  /** obj_description(oid, catalog). */
  objDescription(oid: number, catalog: string): string | null;
  /** Whether CREATE EXTENSION `name` has run (pgvector's catalog rows exist from then on). */
  hasExtension(name: string): boolean;
  /** col_description(table oid, column number): a COMMENT ON COLUMN text. */
  colDescription(oid: number, attnum: number): string | null;
  /**
   * The access privilege inquiry functions (has_table_privilege, ...; exec/privileges.ts):
   * `role` null for the current user; true, or null for an oid / attnum naming nothing.
   */
  hasPrivilege(fn: PrivilegeFunction, role: PrivilegeArg | null, objects: readonly PrivilegeArg[], privileges: string): boolean | null;
  /** pg_relation_is_publishable(oid): true for a table, false for an index. */
  isPublishable(oid: number): boolean | null;
  /**
   * enum_range(anyenum, anyenum): the values of the enum type with pg_type oid `typeOid` in
   * sort order from `lower` up to `upper` (null: no bound).
   */
  enumRange(typeOid: number, lower: EnumValue | null, upper: EnumValue | null): EnumValue[];
  /** enum_first / enum_last: the type's first or last value in sort order. */
  enumEndpoint(typeOid: number, last: boolean): EnumValue;
}

/** What an expression may refer to while it is analyzed. */
export interface ExprScope {
  /**
   * The analyzing session's time zone (the TimeZone setting): literals of timestamptz and the
   * constants folded now are read in it; an analysis is reused only while the zone is the same
   * (exec/statement.ts).
   */
  readonly zone: TimeZone;
  /**
   * The transaction's start, for the literals `'now'`, `'today'`, `'tomorrow'` and
   * `'yesterday'` folded here (PostgreSQL reads them at parse time). Called only for those
   * words; the call marks the analysis as good for this transaction only (SqlEnv.analysisClock).
   * @throws PgError 0A000 inside a stored expression (a CHECK constraint, an index expression).
   */
  readonly clock: () => bigint;
  /**
   * Resolves a column reference (`name`, `rel.name`) against the FROM items in scope, this
   * query's first, then enclosing queries' (a correlated reference).
   * @throws PgError 42703 undefined column, 42702 ambiguous column, 42P01 missing FROM-clause entry.
   */
  resolveColumn(parts: string[], location: number): Expr;
  /** Inferred parameter types, by 0-based index ('unknown' until context decides). */
  paramTypes: SqlType[];
  /** Parameter nodes created so far, so inference can update every use of `$n`. */
  /** The parameter nodes by parameter index (0-based), so typing one $n touches only its uses. */
  paramNodes: Extract<Expr, { k: 'param' }>[][];
  /** Aggregates allowed here (target list of a query). */
  allowAggregates: boolean;
  /** Set when an aggregate was seen. */
  sawAggregate: boolean;
  /** The clause named in "aggregate functions are not allowed in X" (default WHERE). */
  aggregateClause?: string;
  /** True while an aggregate's arguments are analyzed (nested aggregates are an error). */
  insideAggregate?: boolean;
  /**
   * True while an arm of a CASE that cannot be reached is analyzed (its WHEN folded to false or
   * NULL, or an earlier WHEN folded to true): operators and functions over constants are not
   * evaluated there, as PostgreSQL's eval_const_expressions drops such arms unsimplified, so an
   * error they would raise (`'-infinity'::date - date '2024-02-05'`) is never raised.
   */
  unreachable?: boolean;
  /** Set-returning functions (unnest) allowed here: the top of a select-list item. */
  allowSetReturning?: boolean;
  /**
   * Set while a json function's direct argument is analyzed (to_json, row_to_json, json_agg,
   * to_jsonb, jsonb_agg, the build functions): a whole-row reference there reads as the row's
   * JSON object ({@link wholeRowJson}) instead of being refused.
   */
  wholeRowAs?: 'json' | 'jsonb';
  /** Set when a set-returning function was seen. */
  sawSetReturning?: boolean;
  /** Window functions allowed here (a select list or ORDER BY). */
  allowWindows?: boolean;
  /** True while a window function's arguments are analyzed. */
  insideWindow?: boolean;
  /** The clause named in "window functions are not allowed in X", when not aggregateClause's. */
  windowClause?: string;
  /** Set while an aggregate called over a window is analyzed: its arguments may hold aggregates. */
  aggregateOverWindow?: boolean;
  /**
   * Analyzes a subquery of an expression (a level below this one); returns its analyzed form
   * and its output columns' types and typmods.
   */
  subquery(select: PgNode, location: number): { query: unknown; types: SqlType[]; typmods: number[] };
  /**
   * Database functions that need the catalog: the bytes of relation `name` (`relation`: its
   * own storage, pg_relation_size; `table`: a table without its indexes, pg_table_size;
   * `indexes`: a table's indexes, pg_indexes_size; `total`: both, pg_total_relation_size).
   */
  relationSize(name: string, what?: 'relation' | 'table' | 'indexes' | 'total'): number;
  /**
   * The oid of relation `name` (`[schema.]relname`, as regclass input reads it): a table's or
   * an index's (pg_class.oid), or a system catalog's fixed one.
   * @param strict a missing schema is 3F000, as for the functions reading a name as text
   *   (range.ts regclassOidOf).
   * @throws PgError 42P01 `relation "name" does not exist`; 3F000 when `strict`.
   */
  regclassOid(name: string, strict?: boolean): number;
  /**
   * current_schemas(include_implicit): the existing schemas of search_path (an analysis is
   * reused only under the same search_path). Absent where no session is in scope.
   */
  currentSchemas?(includeImplicit: boolean): string[];
  /**
   * The element type of a system catalog column of PostgreSQL type int2vector (`int2`) or
   * oidvector (`oid`) that `e` reads (pg_index.indkey, indclass, ...), whose values vecgres
   * keeps as their text (`1 2`); null for anything else.
   */
  catalogVectorElement?(e: Expr): 'int2' | 'oid' | null;
  /** pg_table_is_visible: true for a relation vecgres has (all are on the search path), null for an unknown oid. */
  relationVisible(oid: number): boolean | null;
  /** Catalog lookups by oid (psql's describe functions, reg* output); absent where no database is at hand. */
  catalogLookups?(): CatalogLookups;
  /** True when `[schema.]name` is a table or view (whose row type PostgreSQL has); absent where no database is at hand. */
  hasRowType?(schema: string | undefined, name: string): boolean;
  /** The user-defined (enum) type named `name` (unquoted, in schema public), or null; absent where no database is at hand. */
  enumType?(name: string): EnumSqlType | null;
  /** The session's seeded random stream (gen_random_uuid); absent where none is needed. */
  random?: () => Prng;
}

const NO_OP_HINT = 'No operator matches the given name and argument types. You might need to add explicit type casts.';
const NO_FN_HINT = 'No function matches the given name and argument types. You might need to add explicit type casts.';

function pos(loc: unknown): { position?: number } {
  return typeof loc === 'number' && loc >= 0 ? { position: loc + 1 } : {};
}

/** Text of an A_Const's value and its literal type. */
function constValue(c: PgNode): { type: SqlType; value: Value } {
  if (c.isnull) return { type: 'unknown', value: null };
  if (c.ival !== undefined) return { type: 'int4', value: c.ival.ival ?? 0 };
  if (c.fval !== undefined) {
    const text: string = c.fval.fval;
    // Integer literals too large for int4 arrive as fval; PostgreSQL types them int8 if they fit.
    if (/^[+-]?\d+$/.test(text)) {
      const b = BigInt(text);
      // A negated literal (-2147483648) arrives here too: it is int4 when it fits (make_const).
      if (b >= -2147483648n && b <= 2147483647n) return { type: 'int4', value: Number(b) };
      if (b >= -9223372036854775808n && b <= 9223372036854775807n) return { type: 'int8', value: toInt8(b) };
    }
    return { type: 'numeric', value: parseNumeric(text) };
  }
  if (c.boolval !== undefined) return { type: 'bool', value: c.boolval.boolval === true };
  if (c.sval !== undefined) return { type: 'unknown', value: c.sval.sval ?? '' };
  // B'0101' / X'1F': typed bit, read by bit_in without a length.
  if (c.bsval !== undefined) return { type: 'bit', value: parseBit(c.bsval.bsval as string) };
  return { type: 'unknown', value: null };
}

/** Name components of a TypeName -> (type, typmod). */
export function resolveTypeName(tn: PgNode, enumType?: (name: string) => EnumSqlType | null, rowType?: (schema: string | undefined, name: string) => boolean): { type: SqlType; typmod: number } {
  const names: string[] = (tn.names ?? []).map((n: PgNode) => n.String?.sval as string);
  const last = names[names.length - 1] ?? '';
  const base = typeByName(last);
  if (base === null || isArrayType(base)) {
    // An enum type of schema public (CREATE TYPE ... AS ENUM); it takes no modifiers.
    const e = names.length === 1 || names[0] === 'public' ? enumType?.(last) ?? null : null;
    if (e !== null && base === null) {
      if ((tn.typmods ?? []).length > 0) throw new PgError(SQLSTATE.syntax_error, `type modifier is not allowed for type "${last}"`, pos(tn.location));
      return { type: tn.arrayBounds !== undefined ? `${e}[]` : e, typmod: -1 };
    }
    // `"char"` (the one-byte type) reaches here quoted; plain CHAR is bpchar.
    if ((names.length === 1 || names[0] === 'pg_catalog') && isUnsupportedBuiltinType(last)) {
      throw new PgError(SQLSTATE.feature_not_supported, `type ${last === 'char' ? '"char"' : last} is not supported`, pos(tn.location));
    }
    // A table's or view's row type exists in PostgreSQL: not "does not exist".
    if (names.length <= 2 && rowType?.(names.length === 2 ? names[0] : undefined, last) === true) {
      throw new PgError(SQLSTATE.feature_not_supported, `composite type "${names.join('.')}" (the row type of a table) is not supported`, pos(tn.location));
    }
    // TypeNameToString: the name as written, qualified, with `[]` for an array type.
    throw new PgError(SQLSTATE.undefined_object, `type "${names.join('.')}${tn.arrayBounds !== undefined ? '[]' : ''}" does not exist`, pos(tn.location));
  }
  let typmod = -1;
  const mods: PgNode[] = tn.typmods ?? [];
  if (mods.length > 0) {
    if (!hasTypmodCoercion(base)) {
      throw new PgError(SQLSTATE.syntax_error, `type modifier is not allowed for type "${last}"`, pos(tn.location));
    } else {
      const ns = mods.map((m) => {
        const c = m.A_Const;
        if (c === undefined || c.ival === undefined) throw new PgError(SQLSTATE.syntax_error, 'type modifiers must be simple constants or identifiers', pos(tn.location));
        return (c.ival.ival ?? 0) as number;
      });
      try {
        switch (base) {
          case 'vector': typmod = vectorTypmodIn(ns); break;
          case 'halfvec': typmod = halfvecTypmodIn(ns); break;
          case 'sparsevec': typmod = sparsevecTypmodIn(ns); break;
          case 'numeric': typmod = numericTypmodIn(ns); break;
          case 'varchar':
          case 'bpchar': typmod = charTypmodIn(base, ns); break;
          case 'bit': typmod = bitTypmodIn(ns, false); break;
          case 'timestamp':
          case 'timestamptz': typmod = timestampTypmodIn(ns, base === 'timestamptz'); break;
          case 'time': typmod = timestampTypmodIn(ns, false, 'TIME'); break;
          case 'timetz': typmod = timestampTypmodIn(ns, true, 'TIME'); break;
          case 'interval': typmod = intervalTypmodIn(ns); break;
          default: typmod = bitTypmodIn(ns, true); break;
        }
      } catch (err) {
        if (err instanceof PgError && err.position === undefined && typeof tn.location === 'number' && tn.location >= 0) err.position = String(tn.location + 1);
        throw err;
      }
    }
  }
  if (tn.arrayBounds !== undefined) {
    const arr = arrayTypeOf(base);
    if (arr === null) throw pgErr.featureNotSupported(`array of ${typeName(base)}`);
    // The element's typmod stays with the array type (`varchar(3)[]`), as PostgreSQL's.
    return { type: arr, typmod };
  }
  return { type: base, typmod };
}

/** Sets the type of an untyped parameter (all its uses). */
function inferParam(scope: ExprScope, e: Expr, type: SqlType, typmod = -1): void {
  if (e.k !== 'param' || e.type !== 'unknown') return;
  scope.paramTypes[e.index] = type;
  for (const p of scope.paramNodes[e.index] ?? []) {
    p.type = type;
    p.typmod = typmod;
  }
}

/** Coerces an expression to `type` implicitly (literals and params); others must match. */
export function coerceTo(scope: ExprScope, e: Expr, type: SqlType, typmod: number, location?: number): Expr {
  if (e.type === type) {
    if (hasTypmodCoercion(type) && typmod >= 0 && e.k === 'const' && e.value !== null) return { k: 'const', type, value: castValue(e.value, type, type, typmod, scope.zone, false) };
    return e;
  }
  if (e.k === 'param' && e.type === 'unknown') {
    inferParam(scope, e, type, typmod);
    return e;
  }
  if (e.k === 'const' && e.type === 'unknown') {
    const reg = regInputExpr(scope, e, type, location ?? -1);
    if (reg !== null) return reg;
    const v = literalInput(scope, e.value, type, location, typmod);
    return { k: 'const', type, value: typmod >= 0 && hasTypmodCoercion(type) ? castValue(v, type, type, typmod, scope.zone, false) : v };
  }
  if (e.type === 'unknown') return regInputExpr(scope, e, type, location ?? -1) ?? { k: 'cast', type, from: 'text', typmod, arg: e };
  if (isNumeric(e.type) && isNumeric(type)) return { k: 'cast', type, from: e.type, typmod, arg: e };
  // varchar and char are text to text's functions and operators (char without its padding).
  if (type === 'text' && isStringType(e.type)) {
    if (e.k === 'const') return { k: 'const', type, value: castValue(e.value, e.type, type, -1, scope.zone, false) };
    // text::varchar (no length) back to text is the text itself: applyRelabelType strips the
    // inner relabeling, so EXPLAIN shows `t = 'a'::text` for `t::varchar = 'a'`.
    if (e.k === 'cast' && e.type === 'varchar' && e.from === 'text' && e.typmod < 0) return e.arg;
    return { k: 'cast', type, from: e.type, typmod: -1, arg: e, explicit: false };
  }
  return e;
}

function colName(fields: PgNode[]): string[] {
  return fields.map((f) => (f.A_Star !== undefined ? '*' : (f.String.sval as string)));
}

/**
 * PostgreSQL hashes an IN list of at least this many constants (MIN_ARRAY_SIZE_FOR_HASHED_SAOP
 * in its planner), so `id IN (<100,000 constants>)` costs one lookup per row, not 100,000.
 */
const HASHED_IN_MIN_ITEMS = 9;

/**
 * Types whose `=` is JS SameValueZero on their values: integers, text (deterministic C
 * collation: equal bytes), booleans, and floats (float8eq also holds NaN = NaN and -0 = 0).
 */
const HASHABLE_IN_TYPES: ReadonlySet<SqlType> = new Set<SqlType>(['int4', 'int8', 'float4', 'float8', 'text', 'bool']);

function hashedInList(type: SqlType, list: readonly Expr[]): { values: Set<Value>; hasNull: boolean } | null {
  if (list.length < HASHED_IN_MIN_ITEMS || !HASHABLE_IN_TYPES.has(type)) return null;
  const values = new Set<Value>();
  let hasNull = false;
  for (const e of list) {
    if (e.k !== 'const' || (e.type !== type && e.value !== null)) return null;
    if (e.value === null) hasNull = true;
    else values.add(e.value);
  }
  return { values, hasNull };
}

/** Analyzes a raw expression node. */
export function analyzeExpr(scope: ExprScope, node: PgNode): Expr {
  const tag = Object.keys(node)[0]!;
  const n = node[tag];
  switch (tag) {
    case 'A_Const': {
      const c = constValue(n);
      return { k: 'const', type: c.type, value: c.value, loc: n.location };
    }
    case 'ParamRef': {
      // The parser omits a zero number: `$0` arrives without one.
      const number = (n.number as number | undefined) ?? 0;
      if (number < 1) {
        throw new PgError(SQLSTATE.undefined_parameter, `there is no parameter $${number}`, { position: n.location + 1 });
      }
      const index = number - 1;
      while (scope.paramTypes.length <= index) scope.paramTypes.push('unknown');
      const p: Extract<Expr, { k: 'param' }> = { k: 'param', type: scope.paramTypes[index]!, index, typmod: -1 };
      (scope.paramNodes[index] ??= []).push(p);
      return p;
    }
    case 'ColumnRef':
      return analyzeColumnRef(scope, n);
    case 'TypeCast': {
      const { type, typmod } = resolveTypeName(n.typeName, scope.enumType?.bind(scope), scope.hasRowType?.bind(scope));
      // ARRAY[]::text[]: an empty constructor takes its type from the cast (transformArrayExpr).
      if (n.arg?.A_ArrayExpr !== undefined && (n.arg.A_ArrayExpr.elements ?? []).length === 0 && isArrayType(type)) {
        return { k: 'const', type, value: new PgArray(elemTypeOf(type), [], []) };
      }
      // ARRAY[...]::t[]: each element is cast to t explicitly, with the typmod (transformArrayExpr
      // given the cast's type), so `ARRAY['5']::interval day[]` reads '5' as days.
      const elements: PgNode[] = n.arg?.A_ArrayExpr?.elements ?? [];
      if (elements.length > 0 && isArrayType(type) && !elements.some((it) => it.A_ArrayExpr !== undefined)) {
        const elemType = elemTypeOf(type);
        const elems = elements.map((it) => {
          const e = analyzeExpr(scope, it);
          const loc = leftmostLoc(it);
          return castExpr(scope, e, elemType, typmod, e.k === 'const' && e.type === 'unknown' ? (it.A_Const?.location ?? loc) : loc);
        });
        const arr: Expr = elems.every((e) => e.k === 'const')
          ? { k: 'const', type, value: buildArray(type as ArraySqlType, elems.map((e) => (e as { value: Value }).value)) }
          : { k: 'array', type: type as ArraySqlType, elems };
        return castExpr(scope, arr, type, typmod, n.location ?? n.typeName.location);
      }
      const arg = analyzeExpr(scope, n.arg);
      // Input errors of an untyped literal point at the literal; a missing cast at the `::`.
      const at = arg.k === 'const' && arg.type === 'unknown' ? n.arg.A_Const?.location : undefined;
      return castExpr(scope, arg, type, typmod, at ?? n.location ?? n.typeName.location);
    }
    case 'A_Expr':
      return analyzeAExpr(scope, n);
    case 'BoolExpr': {
      // As eval_const_expressions' simplify_and_arguments / simplify_or_arguments: after an
      // argument that is constant false (AND) or true (OR), the rest are not folded, so an
      // error they would raise is not raised.
      const wasUnreachable = scope.unreachable;
      const decides = n.boolop === 'AND_EXPR' ? false : n.boolop === 'OR_EXPR' ? true : null;
      const args = (n.args as PgNode[]).map((a) => {
        const e = requireBool(scope, analyzeExpr(scope, a), 'argument of ' + boolOpName(n.boolop), a);
        if (e.k === 'const' && e.value === decides) scope.unreachable = true;
        return e;
      });
      scope.unreachable = wasUnreachable;
      if (decides === null) return negateClause(scope, args[0]!);
      return simplifyBoolArgs(n.boolop === 'AND_EXPR' ? 'and' : 'or', args);
    }
    case 'NullTest': {
      const negate = n.nulltesttype === 'IS_NOT_NULL';
      const items = rowItems(n.arg);
      if (items !== null) return rowNullTest(scope, items, negate);
      const arg = analyzeExpr(scope, n.arg);
      // eval_const_expressions folds a test of a constant: `'...'::timestamptz IS NULL` is
      // false before the planner reduces outer joins or drops the query's scans.
      if (arg.k === 'const') return { k: 'const', type: 'bool', value: (arg.value === null) !== negate };
      return { k: 'isnull', type: 'bool', arg, negate };
    }
    case 'BooleanTest': {
      // transformBooleanTest: the argument is coerced to boolean, named by the test in errors.
      const kind = BOOLEAN_TESTS[n.booltesttype as string];
      if (kind === undefined) throw pgErr.featureNotSupported(`boolean test ${String(n.booltesttype)}`);
      const arg = requireBool(scope, analyzeExpr(scope, n.arg), `argument of ${kind.name}`, n.arg);
      if (arg.k === 'const') {
        const v = arg.value;
        return { k: 'const', type: 'bool', value: (kind.test === 'unknown' ? v === null : v === (kind.test === 'true')) !== kind.negate };
      }
      return { k: 'booltest', type: 'bool', arg, test: kind.test, negate: kind.negate };
    }
    case 'FuncCall':
      return analyzeFuncCall(scope, n);
    case 'SetToDefault':
      // DEFAULT stands only for a whole INSERT value or SET item (those callers take it first).
      throw new PgError(SQLSTATE.syntax_error, 'DEFAULT is not allowed in this context', pos(n.location));
    case 'GroupingFunc':
      return analyzeGroupingFunc(scope, n);
    case 'SubLink':
      return analyzeSubLink(scope, n);
    case 'A_ArrayExpr':
      return analyzeArrayExpr(scope, n);
    case 'CoalesceExpr': {
      const raw = n.args as PgNode[];
      // Arguments after a non-null constant are not folded (eval_const_expressions stops there).
      const wasUnreachable = scope.unreachable;
      const args = raw.map((a) => {
        const e = analyzeExpr(scope, a);
        if (e.k === 'const' && e.value !== null) scope.unreachable = true;
        return e;
      });
      scope.unreachable = wasUnreachable;
      const type = commonType(args.map((a) => a.type), n.location, 'COALESCE', raw.map(leftmostLoc));
      return { k: 'coalesce', type, args: args.map((a, i) => applyArg(scope, a, type, leftmostLoc(raw[i]!))) };
    }
    case 'CaseExpr':
      return analyzeCase(scope, n);
    case 'MinMaxExpr': {
      const raw = n.args as PgNode[];
      const greatest = n.op === 'IS_GREATEST';
      const args = raw.map((a) => analyzeExpr(scope, a));
      const type = commonType(args.map((a) => a.type), n.location, greatest ? 'GREATEST' : 'LEAST', raw.map(leftmostLoc));
      const coerced = args.map((a, i) => applyArg(scope, a, type, leftmostLoc(raw[i]!)));
      return { k: 'minmax', type, greatest, args: coerced, cmp: comparatorFor(type) };
    }
    case 'SQLValueFunction':
      return sqlValueFunction(scope, n);
    case 'CollateClause':
      return collateClause(scope, n);
    case 'A_Indirection': {
      // `(jsonb_each(x)).key`, else an array subscript `arr[i]`.
      const f = srfFieldSelection(scope, n);
      if (f !== null) return f;
      return arraySubscript(scope, n);
    }
    default:
      throw pgErr.featureNotSupported(describeNode(tag));
  }
}

/**
 * The raw parse tree's fields that hold positions in the statement text, not meaning: a
 * sublink's identity (`src`, compared by exprEqual) leaves them out, so the same subquery
 * written twice (in the select list and in ORDER BY) is one expression, as PostgreSQL's
 * equal() ignores locations.
 */
const POSITION_FIELDS = new Set(['location', 'name_location', 'list_start', 'list_end', 'rexpr_list_start', 'rexpr_list_end', 'stmt_location', 'stmt_len']);

/**
 * A subquery in an expression (PostgreSQL's transformSubLink): scalar, EXISTS, IN / op ANY,
 * op ALL. The comparison of `arg` with the subquery's column is resolved as `arg op column`.
 * @throws PgError 42601 `subquery must return only one column` (scalar, IN, ANY, ALL),
 *   0A000 for ARRAY(...) and row comparisons.
 */
function analyzeSubLink(scope: ExprScope, n: PgNode): Expr {
  const kind = String(n.subLinkType);
  const loc: number = typeof n.location === 'number' ? n.location : -1;
  const src = JSON.stringify(n.subselect, (key, v) => (POSITION_FIELDS.has(key) ? undefined : v));
  if (kind === 'EXISTS_SUBLINK') {
    const sq = scope.subquery(n.subselect, loc);
    return { k: 'sublink', type: 'bool', typmod: -1, sub: 'exists', query: sq.query, args: [], cmps: [], op: '', loc, src };
  }
  if (kind === 'ARRAY_SUBLINK') {
    // ARRAY(subquery): the one column's values as a one-dimensional array (`{}` for no rows).
    const sq = scope.subquery(n.subselect, loc);
    if (sq.types.length !== 1) throw new PgError(SQLSTATE.syntax_error, 'subquery must return only one column', pos(loc));
    const elem = sq.types[0]! === 'unknown' ? 'text' : sq.types[0]!;
    const type = arrayTypeOf(elem);
    if (type === null || isArrayType(elem)) throw pgErr.featureNotSupported(`ARRAY subquery of type ${typeName(elem)}`);
    return { k: 'sublink', type, typmod: -1, sub: 'array', query: sq.query, args: [], cmps: [], op: '', loc, src };
  }
  if (kind !== 'EXPR_SUBLINK' && kind !== 'ANY_SUBLINK' && kind !== 'ALL_SUBLINK') {
    // ROWCOMPARE: `(a, b) < (SELECT ...)`; MULTIEXPR: UPDATE's `SET (a, b) = (SELECT ...)`.
    const what = kind === 'ROWCOMPARE_SUBLINK' ? 'row comparison with a subquery' : kind === 'MULTIEXPR_SUBLINK' ? 'SET (column, ...) = (subquery)' : `${kind.replace('_SUBLINK', '')} subquery`;
    throw pgErr.featureNotSupported(what);
  }
  const row = kind === 'EXPR_SUBLINK' ? null : rowItems(n.testexpr);
  const sq = scope.subquery(n.subselect, loc);
  const width = row?.length ?? 1;
  if (sq.types.length !== width) {
    if (kind === 'EXPR_SUBLINK') throw new PgError(SQLSTATE.syntax_error, 'subquery must return only one column', pos(loc));
    throw new PgError(SQLSTATE.syntax_error, sq.types.length > width ? 'subquery has too many columns' : 'subquery has too few columns', pos(loc));
  }
  if (kind === 'EXPR_SUBLINK') {
    return { k: 'sublink', type: sq.types[0]!, typmod: sq.typmods[0]!, sub: 'expr', query: sq.query, args: [], cmps: [], op: '', loc, src };
  }
  const op = n.operName === undefined ? '=' : (n.operName[n.operName.length - 1].String.sval as string);
  // A row on the left (`(a, b) IN (SELECT x, y ...)`) compares column by column: `=` all of
  // them (ANY), `<>` any of them (ALL, NOT IN), as PostgreSQL's row comparison of each row.
  if (row !== null && row.length > 1 && op !== '=' && op !== '<>') throw pgErr.featureNotSupported(`row comparison ${op} with a subquery`);
  const args: Expr[] = [];
  const cmps: Fn2[] = [];
  (row ?? [n.testexpr as PgNode]).forEach((raw, i) => {
    // A stand-in for the subquery's column (not a constant, so nothing folds).
    const col: Expr = { k: 'slot', type: sq.types[i]!, idx: i, typmod: sq.typmods[i]!, name: '' };
    const cmp = binaryOp(scope, op, analyzeExpr(scope, raw), col, loc);
    if (cmp.k !== 'op2' || cmp.type !== 'bool') throw pgErr.featureNotSupported(`${op} ${kind === 'ALL_SUBLINK' ? 'ALL' : 'ANY'} (subquery) with this operator`);
    args.push(cmp.l);
    cmps.push(cmp.fn);
  });
  return { k: 'sublink', type: 'bool', typmod: -1, sub: kind === 'ALL_SUBLINK' ? 'all' : 'any', query: sq.query, args, cmps, op, loc, src };
}

/**
 * The sub-SELECT of a multiple-column assignment, `SET (a, b) = (SELECT x, y ...)` (PostgreSQL's
 * transformMultiAssignRef relabelling the SubLink as MULTIEXPR_SUBLINK): a 'multiexpr' sublink
 * whose one row the UPDATE reads whole (none: every column NULL; more: 21000 when it runs), and
 * its output columns' types, typmods and positions (1-based, for the assignment's coercion
 * errors).
 */
export function analyzeMultiExprSubLink(scope: ExprScope, n: PgNode): { expr: Expr; types: SqlType[]; typmods: number[]; positions: (number | undefined)[] } {
  const loc: number = typeof n.location === 'number' ? n.location : -1;
  const src = JSON.stringify(n.subselect, (key, v) => (POSITION_FIELDS.has(key) ? undefined : v));
  const sq = scope.subquery(n.subselect, loc);
  const targets = (sq.query as { targets?: { loc?: number }[] }).targets ?? [];
  return {
    expr: { k: 'sublink', type: sq.types[0] ?? 'unknown', typmod: -1, sub: 'multiexpr', query: sq.query, args: [], cmps: [], op: '', loc, src },
    types: sq.types,
    typmods: sq.typmods,
    positions: sq.types.map((_, j) => (targets[j]?.loc === undefined ? undefined : targets[j]!.loc! + 1)),
  };
}

function describeNode(tag: string): string {
  switch (tag) {
    case 'CaseExpr': return 'CASE';
    case 'A_ArrayExpr': return 'ARRAY constructor';
    case 'A_Indirection': return 'array subscript';
    case 'RowExpr': return 'ROW constructor';
    case 'SQLValueFunction': return 'SQL value function';
    case 'CollateClause': return 'COLLATE';
    case 'GroupingSet': return 'GROUPING SETS, ROLLUP or CUBE here';
    case 'NamedArgExpr': return 'named argument notation (name => value)';
    case 'XmlExpr': return 'XML';
    case 'XmlSerialize': return 'XMLSERIALIZE';
    case 'JsonObjectConstructor': return 'JSON_OBJECT';
    case 'JsonArrayConstructor': case 'JsonArrayQueryConstructor': return 'JSON_ARRAY';
    case 'JsonObjectAgg': return 'JSON_OBJECTAGG';
    case 'JsonArrayAgg': return 'JSON_ARRAYAGG';
    case 'JsonIsPredicate': return 'IS JSON';
    case 'JsonFuncExpr': return 'SQL/JSON query function (JSON_VALUE, JSON_QUERY, JSON_EXISTS)';
    case 'JsonScalarExpr': return 'JSON_SCALAR';
    case 'JsonSerializeExpr': return 'JSON_SERIALIZE';
    case 'JsonParseExpr': return 'JSON()';
    case 'MergeSupportFunc': return 'MERGE_ACTION()';
    case 'SetToDefault': return 'DEFAULT in this place';
    case 'CurrentOfExpr': return 'WHERE CURRENT OF';
    // Any other parser node, in words rather than by its internal name ("BooleanTest" ->
    // "boolean test expression").
    default: return `${tag.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase().replace(/ expr$/, '')} expression`;
  }
}

/** PostgreSQL's BoolTestType values: what each tests and its name in error messages. */
const BOOLEAN_TESTS: Record<string, { test: 'true' | 'false' | 'unknown'; negate: boolean; name: string }> = {
  IS_TRUE: { test: 'true', negate: false, name: 'IS TRUE' },
  IS_NOT_TRUE: { test: 'true', negate: true, name: 'IS NOT TRUE' },
  IS_FALSE: { test: 'false', negate: false, name: 'IS FALSE' },
  IS_NOT_FALSE: { test: 'false', negate: true, name: 'IS NOT FALSE' },
  IS_UNKNOWN: { test: 'unknown', negate: false, name: 'IS UNKNOWN' },
  IS_NOT_UNKNOWN: { test: 'unknown', negate: true, name: 'IS NOT UNKNOWN' },
};

function boolOpName(op: string): string {
  return op === 'AND_EXPR' ? 'AND' : op === 'OR_EXPR' ? 'OR' : 'NOT';
}

/** WHERE and boolean operator arguments must be boolean (PostgreSQL 42804). */
export function requireBool(scope: ExprScope, e: Expr, what: string, node?: PgNode): Expr {
  if (e.type === 'bool') return e;
  const inner = node === undefined ? undefined : node[Object.keys(node)[0]!];
  // A literal that is not a boolean is 22P02 at the literal, as coerce_to_boolean reports it.
  if (e.type === 'unknown') return coerceTo(scope, e, 'bool', -1, typeof inner?.location === 'number' ? inner.location : undefined);
  throw new PgError(SQLSTATE.datatype_mismatch, `${what} must be type boolean, not type ${typeName(e.type)}`, pos(inner?.location));
}

function analyzeColumnRef(scope: ExprScope, n: PgNode): Expr {
  const parts = colName(n.fields);
  const name = parts[parts.length - 1]!;
  if (name === '*') throw pgErr.featureNotSupported('* in this position');
  if (parts.length > 3) throw new PgError(SQLSTATE.feature_not_supported, `cross-database references are not implemented: ${parts.join('.')}`, pos(n.location));
  return scope.resolveColumn(parts, typeof n.location === 'number' ? n.location : -1);
}

/** The typmod an expression's value carries (columns, casts, parameters), else -1. */
export function typmodOf(e: Expr): number {
  if (e.k === 'const') return e.typmod ?? -1;
  return e.k === 'var' || e.k === 'cast' || e.k === 'param' || e.k === 'slot' || e.k === 'execParam' || e.k === 'sublink' || e.k === 'subplan' ? e.typmod : -1;
}

/** A constant cast to `type(typmod)`: it keeps the typmod where the type has one. */
function castConst(type: SqlType, typmod: number, value: Value): Expr {
  return typmod >= 0 && hasTypmodCoercion(type) ? { k: 'const', type, value, typmod } : { k: 'const', type, value };
}

/** Explicit cast `arg::type`. */
export function castExpr(scope: ExprScope, arg: Expr, type: SqlType, typmod: number, location: number): Expr {
  if (arg.k === 'param' && arg.type === 'unknown') {
    inferParam(scope, arg, type, typmod);
    if (hasTypmodCoercion(type) && typmod >= 0) return { k: 'cast', type, from: type, typmod, arg };
    return arg;
  }
  const reg = regInputExpr(scope, arg, type, location) ?? regOutputExpr(scope, arg, type, typmod);
  if (reg !== null) return reg;
  if (arg.k === 'const' && arg.type === 'unknown') {
    const v = literalInput(scope, arg.value, type, location, typmod);
    return castConst(type, typmod, typmod >= 0 && hasTypmodCoercion(type) ? castValue(v, type, type, typmod, scope.zone, true) : v);
  }
  if (!canCast(arg.type, type)) {
    throw new PgError(SQLSTATE.cannot_coerce, `cannot cast type ${typeName(arg.type)} to ${typeName(type)}`, pos(location));
  }
  // text -> enum is enum_in over the value's text (an I/O conversion), which reads the catalog:
  // a constant is read here, anything else when the cast runs (exec/eval.ts).
  if (hasEnumElements(type) && arg.type !== type && arg.k === 'const') {
    if (arg.value === null) return castConst(type, typmod, null);
    // Folded as the planner folds it (no position on its error), unlike a literal's input.
    const text = castValue(arg.value, arg.type, 'text', -1, scope.zone, true, 1, scope.clock) as string;
    return castConst(type, typmod, valueFromText(text, type, -1, scope.zone, scopeRegCatalog(scope)));
  }
  // A cast of a text value to a date/time type is stable in PostgreSQL, not folded: of 'now'
  // it reads the clock when it runs (a column default `'now'::text::timestamptz`).
  const atRun = arg.k === 'const' && typeof arg.value === 'string' && (isDatetime(type) || type === 'time' || type === 'timetz') && readsClock(arg.value);
  if (arg.k === 'const' && !castPrintsFloats(arg.type, type) && !atRun) {
    try {
      return castConst(type, typmod, castValue(arg.value, arg.type, type, typmod, scope.zone, true, 1, scope.clock));
    } catch (err) {
      if (err instanceof PgError && err.position === undefined && err.code === SQLSTATE.invalid_text_representation) {
        err.position = String(location + 1);
      }
      throw err;
    }
  }
  if (!canCast(arg.type, type)) {
    throw new PgError(SQLSTATE.cannot_coerce, `cannot cast type ${typeName(arg.type)} to ${typeName(type)}`, pos(location));
  }
  // A cast to the type and typmod the value already has is no coercion at all: PostgreSQL's
  // coerce_type_typmod adds no length-coercion function, so `b::bit(3)` of a bit(3) column is
  // just `b` (in results and in EXPLAIN).
  // (A parameter's inferred typmod is not enforced at bind, so its cast stays.)
  if (arg.type === type && (typmod < 0 || (typmod === typmodOf(arg) && arg.k !== 'param'))) return arg;
  return { k: 'cast', type, from: arg.type, typmod, arg, explicit: true };
}

/**
 * The input function applied to an untyped literal (typmod -1, as PostgreSQL's coerce_type):
 * an error it raises points at the literal, as PostgreSQL's parser error callback does.
 */
function literalInput(scope: ExprScope, value: Value, type: SqlType, location: number | undefined, typmod = -1): Value {
  try {
    // interval's input takes a literal's typmod (coerce_type's one exception): its fields give
    // a bare number its unit (`INTERVAL '7' DAY`).
    if (type === 'interval' && typmod >= 0) return castValue(value, 'unknown', type, typmod, scope.zone, true, 1, scope.clock);
    // A reg* literal (or an array of them) names objects, an enum literal a label of its type:
    // their input reads the catalog.
    if ((type.startsWith('reg') || hasEnumElements(type)) && typeof value === 'string') return valueFromText(value, type, -1, scope.zone, scopeRegCatalog(scope));
    return castValue(value, 'unknown', type, -1, scope.zone, true, 1, scope.clock);
  } catch (err) {
    if (err instanceof PgError && err.position === undefined && location !== undefined && location >= 0) {
      // The input function runs under the parser's error callback, which adds the literal's
      // position to whatever it raises (syntax and range errors alike).
      err.position = String(location + 1);
    }
    throw err;
  }
}

/**
 * Converts an argument to the parameter type an overload declares: untyped literals and
 * parameters take the type, constants are folded, other expressions get an implicit cast.
 */
function applyArg(scope: ExprScope, e: Expr, type: SqlType, location: number): Expr {
  if (e.type === type) return e;
  if (e.type === 'unknown') return coerceTo(scope, e, type, -1, exprLocation(e, location));
  if (e.k === 'const' && !castPrintsFloats(e.type, type)) {
    const folded: Expr = { k: 'const', type, value: castValue(e.value, e.type, type, -1, scope.zone, false, 1, scope.clock), ...(e.loc === undefined ? {} : { loc: e.loc }) };
    if (e.value !== null && isDatetime(e.type) && isDatetime(type)) folded.shown = e.shown ?? { type: e.type, value: e.value };
    return folded;
  }
  return { k: 'cast', type, from: e.type, typmod: -1, arg: e, explicit: false };
}

function isDatetimeFamily(t: SqlType): boolean {
  return t === 'timestamp' || t === 'timestamptz' || t === 'date' || t === 'time' || t === 'timetz' || t === 'interval';
}

/** True when `l op r` is resolved against pgvector's operator overloads. */
function usesOverloads(op: string, lt: SqlType, rt: SqlType): boolean {
  if (VECTOR_ONLY_OPERATORS.has(op) || JSONB_OPERATORS.has(op) || BITWISE_OPERATORS.has(op) || op === '^') return true;
  if (lt === 'jsonb' || rt === 'jsonb') return true;
  // Date/time operators (timestamp + interval, date - date, comparisons across date and
  // timestamp); `||` with a date/time value is text concatenation.
  if (op !== '||' && (isDatetimeFamily(lt) || isDatetimeFamily(rt))) return true;
  if (lt === 'text' || rt === 'text') return false;
  return isVectorFamily(lt) || isVectorFamily(rt) || isArrayType(lt) || isArrayType(rt);
}

/** `l op r` among pgvector's overloads; null for `||` that is text concatenation instead. */
function overloadedOp(scope: ExprScope, op: string, l: Expr, r: Expr, location: number): Expr | null {
  // anycompatiblearray || anycompatiblearray: an untyped side opposite an array is that array.
  if (op === '||' && l.type === 'unknown' && isArrayType(r.type)) l = coerceTo(scope, l, r.type, -1, exprLocation(l, location));
  else if (op === '||' && r.type === 'unknown' && isArrayType(l.type)) r = coerceTo(scope, r, l.type, -1, exprLocation(r, location));
  const res = resolveOverload(operatorOverloads(op, l.type, r.type), [l.type, r.type], true);
  if (!res.ok) {
    const textish = (t: SqlType) => t === 'unknown' || t === 'text';
    if (op === '||' && (textish(l.type) || textish(r.type)) && !isArrayType(l.type) && !isArrayType(r.type)) return null;
    if (!res.ambiguous) throw noOperator(op, l.type, r.type, location);
    throw new PgError('42725', `operator is not unique: ${typeName(l.type)} ${op} ${typeName(r.type)}`, {
      hint: 'Could not choose a best candidate operator. You might need to add explicit type casts.',
      ...pos(location),
    });
  }
  const o = res.overload;
  const a = applyArg(scope, l, o.args[0]!, location);
  const b = applyArg(scope, r, o.args[1]!, location);
  return foldConstants(scope, { k: 'op2', type: o.result, fn: o.impl as Fn2, l: a, r: b, op });
}

/**
 * AND / OR over analyzed arguments with their constants folded away, as eval_const_expressions'
 * simplify_and_arguments / simplify_or_arguments: an argument that decides the result (false
 * for AND, true for OR) makes the whole expression that constant; the neutral constant is
 * dropped; a nested AND in an AND (OR in an OR) gives its arguments; NULL constants become
 * one NULL argument at the end; no argument left is the neutral
 * constant and one argument left is that argument. So `WHERE x > 1 AND 'c'::text IS NULL` is
 * constant false, which the planner turns into PostgreSQL's one-time filter.
 */
function simplifyBoolArgs(k: 'and' | 'or', args: Expr[]): Expr {
  const decides = k === 'or';
  const kept: Expr[] = [];
  let sawNull = false;
  for (const a of args) {
    if (a.k === 'const') {
      if (a.value === null) sawNull = true;
      else if (a.value === decides) return { k: 'const', type: 'bool', value: decides };
      continue;
    }
    // Nested ANDs (ORs) flatten into one, as simplify_and_arguments does.
    if (a.k === k) kept.push(...a.args);
    else kept.push(a);
  }
  if (sawNull) kept.push({ k: 'const', type: 'bool', value: null });
  if (kept.length === 0) return { k: 'const', type: 'bool', value: !decides };
  if (kept.length === 1) return kept[0]!;
  return { k, type: 'bool', args: kept };
}

/**
 * Evaluates a strict operator or function whose arguments are all constants now, as
 * PostgreSQL's eval_const_expressions does while planning: so the first error raised, when
 * several subexpressions would fail, is the one PostgreSQL raises (left to right, inside out).
 */
export function foldConstants(scope: ExprScope, e: Expr): Expr {
  const args = e.k === 'op2' ? [e.l, e.r] : e.k === 'op1' ? [e.arg] : e.k === 'fn' ? e.args : null;
  if (args === null || scope.unreachable === true || !args.every((x) => x.k === 'const')) return e;
  const vals = args.map((x) => (x as { value: Value }).value);
  if (vals.some((v) => v === null) && !(e.k === 'fn' && e.strict === false)) return { k: 'const', type: e.type, value: null };
  const zone = scope.zone;
  const value = e.k === 'op2' ? e.fn(vals[0]!, vals[1]!, zone) : e.k === 'op1' ? e.fn(vals[0]!, zone) : (e as { fn: FnN }).fn(vals, { zone });
  return { k: 'const', type: e.type, value };
}

/**
 * `current_setting(name [, missing_ok])`: the running session's setting as SHOW prints it,
 * read when the statement runs (a SET between executions of a prepared statement shows).
 * @throws PgError 42704 `unrecognized configuration parameter` unless missing_ok.
 */
/** version(): PostgreSQL's format, naming vecgres as the build. */
function versionString(): string {
  return `PostgreSQL ${PG_VERSION} (vecgres ${VECGRES_VERSION}), compiled by TypeScript for Node.js, 64-bit`;
}

/** A call of one of pgvector's functions, resolved among its overloads. */
function overloadedCall(scope: ExprScope, name: string, overloads: readonly Overload[], args: Expr[], location: number): Expr {
  const types = args.map((a) => a.type);
  const res = resolveOverload(overloads, types, false);
  if (!res.ok) {
    if (!res.ambiguous) throw undefinedFunction(name, types, location);
    throw new PgError('42725', `function ${name}(${types.map((t) => typeName(t)).join(', ')}) is not unique`, {
      hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
      ...pos(location),
    });
  }
  const o = res.overload;
  const a = args.map((x, i) => applyArg(scope, x, o.args[i]!, location));
  if (o.nary === true) {
    return foldConstants(scope, { k: 'fn', type: o.result, name, fn: o.impl as FnN, args: a, ...(o.strict === false ? { strict: false as const } : {}) });
  }
  if (a.length === 1) return foldConstants(scope, { k: 'op1', type: o.result, fn: o.impl as Fn1, arg: a[0]!, op: name });
  return foldConstants(scope, { k: 'op2', type: o.result, fn: o.impl as Fn2, l: a[0]!, r: a[1]!, op: name });
}

/** The type of ARRAY[...] elements, VALUES columns, USING columns (PostgreSQL's select_common_type, for vecgres' types). */
export function commonType(types: SqlType[], location: number, context = 'ARRAY', locations?: readonly number[]): SqlType {
  let t: SqlType = 'unknown';
  for (let i = 0; i < types.length; i++) {
    const x = types[i]!;
    const at = locations?.[i] ?? location;
    if (x === 'unknown' || x === t) continue;
    if (t === 'unknown') {
      t = x;
      continue;
    }
    if (isNumeric(t) && isNumeric(x)) {
      if (numericRank(x) > numericRank(t)) t = x;
      continue;
    }
    if (castContext(x, t) === 'implicit') continue;
    if (castContext(t, x) === 'implicit') {
      t = x;
      continue;
    }
    // Of one category with no implicit cast either way, select_common_type keeps the first
    // type, and coercing this one to it fails (coerce_to_common_type's 42846).
    if (typeCategory(t) === typeCategory(x)) throw new PgError(SQLSTATE.cannot_coerce, `${context} could not convert type ${typeName(x)} to ${typeName(t)}`, pos(at >= 0 ? at : location));
    throw new PgError(SQLSTATE.datatype_mismatch, `${context} types ${typeName(t)} and ${typeName(x)} cannot be matched`, pos(at >= 0 ? at : location));
  }
  return t === 'unknown' ? 'text' : t;
}

function analyzeArrayExpr(scope: ExprScope, n: PgNode): Expr {
  const items: PgNode[] = n.elements ?? [];
  if (items.length === 0) {
    throw new PgError('42P18', 'cannot determine type of empty array', {
      hint: 'Explicitly cast to the desired type, for example ARRAY[]::integer[].',
      ...pos(n.location),
    });
  }
  const elems = items.map((it) => analyzeExpr(scope, it));
  const nested = items.every((it) => it.A_ArrayExpr !== undefined);
  // Errors point at the element, as PostgreSQL's exprLocation.
  const locs = items.map(leftmostLoc);
  let type: ArraySqlType;
  if (nested) {
    const t = commonType(elems.map((e) => e.type), n.location, 'ARRAY', locs);
    type = t as ArraySqlType;
  } else {
    const t = commonType(elems.map((e) => e.type), n.location, 'ARRAY', locs);
    const arr = arrayTypeOf(t);
    if (arr === null) throw pgErr.featureNotSupported(`arrays of ${typeName(t)}`);
    type = arr;
  }
  const elemType = nested ? type : elemTypeOf(type);
  const coerced = elems.map((e) => applyArg(scope, e, elemType, n.location));
  const expr: Expr = { k: 'array', type, elems: coerced };
  if (coerced.every((e) => e.k === 'const')) return { k: 'const', type, value: buildArray(type, coerced.map((e) => (e as { value: Value }).value)) };
  return expr;
}

/**
 * An array value from evaluated ARRAY[...] elements (sub-arrays for a nested constructor).
 * @throws PgError 2202E when sub-arrays differ in shape.
 */
export function buildArray(type: ArraySqlType, values: Value[]): PgArray {
  const elem = elemTypeOf(type);
  if (values.length > 0 && values.every((v) => v instanceof PgArray)) {
    const subs = values as PgArray[];
    const d0 = subs[0]!.dims;
    const flat: ArrayElement[] = [];
    for (const sub of subs) {
      if (sub.dims.length !== d0.length || sub.dims.some((d, i) => d !== d0[i])) {
        throw new PgError('2202E', 'multidimensional arrays must have array expressions with matching dimensions');
      }
      flat.push(...sub.elems);
    }
    return new PgArray(elem, d0.length === 0 ? [] : [subs.length, ...d0], flat);
  }
  return new PgArray(elem, [values.length], values as ArrayElement[]);
}

/** Rows wider than this (bytes) have their largest vector values moved out of line by TOAST. */
const TOAST_TUPLE_THRESHOLD = 2032;

/**
 * pg_column_size of a value of `type`; `stored` for a table column (short headers, TOAST).
 * @throws PgError 0A000 for a type whose datum size vecgres does not model (jsonb, json, arrays).
 */
export function columnSizeOf(v: Value, type: SqlType, stored: boolean): number {
  const size = knownColumnSize(v, type, stored);
  if (size === null) throw pgErr.featureNotSupported(`pg_column_size of type ${typeName(type)}`);
  return size;
}

/**
 * {@link columnSizeOf}, or null for a type whose datum size is not modelled: the planner's
 * and ANALYZE's width estimates then fall back to the text length without raising an error
 * per sampled row.
 */
export function knownColumnSize(v: Value, type: SqlType, stored: boolean): number | null {
  if (isVectorFamily(type)) {
    const size = columnSize(v as VectorLike);
    if (!stored) return size;
    const external = type === 'vector' || type === 'halfvec' || type === 'sparsevec';
    return storedColumnSize(v as VectorLike, external && size > TOAST_TUPLE_THRESHOLD - 32);
  }
  switch (type) {
    case 'int2':
      return 2;
    case 'uuid':
    case 'interval':
      return 16;
    case 'date':
      return 4;
    case 'timestamp':
    case 'timestamptz':
    case 'time':
      return 8;
    case 'int4':
    case 'float4':
      return 4;
    case 'int8':
    case 'float8':
      return 8;
    case 'bool':
      return 1;
    case 'numeric':
      return numericDatumSize(v as Numeric, stored);
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'unknown': {
      const len = utf8Length(v as string);
      return stored && len + 1 <= 127 ? len + 1 : len + 4;
    }
    case 'bytea': {
      const len = (v as Uint8Array).length;
      return stored && len + 1 <= 127 ? len + 1 : len + 4;
    }
    default:
      return null;
  }
}

/**
 * `array[i]`: one element of a one-dimensional array; NULL for a subscript out of range, and
 * for an array with more dimensions than subscripts (as PostgreSQL answers). Slices and
 * several subscripts go to arraySubscripts; field selection is 0A000.
 * @throws PgError 42804 for a subscript of a type that is not an array.
 */
function arraySubscript(scope: ExprScope, n: PgNode): Expr {
  const ind = (n.indirection ?? []) as PgNode[];
  const arr = analyzeExpr(scope, n.arg);
  if (arr.type === 'jsonb' && ind.every((x) => x.A_Indices !== undefined)) return jsonbSubscript(scope, arr, ind.map((x) => x.A_Indices as PgNode));
  if (ind.length === 0 || ind.some((x) => x.A_Indices === undefined)) throw pgErr.featureNotSupported('field selection from an array subscript');
  const subscript = (node: PgNode): Expr => arraySubscriptArg(scope, node);
  const vector = catalogVectorAsArray(scope, arr);
  if (vector !== arr) {
    // An int2vector / oidvector catalog column: one dimension, subscripts from 0.
    if (ind.length > 1 || ind[0]!.A_Indices.is_slice === true) throw pgErr.featureNotSupported('slices and several subscripts of int2vector and oidvector columns');
    return {
      k: 'op2', type: elemTypeOf(vector.type as ArraySqlType), l: vector, r: subscript(ind[0]!.A_Indices.uidx), op: '[]',
      fn: (a, b) => {
        const v = a as PgArray;
        const k = Number(b);
        return k < 0 || k >= v.elems.length ? null : ((v.elems[k] ?? null) as Value);
      },
    };
  }
  if (!isArrayType(arr.type)) {
    throw new PgError(SQLSTATE.datatype_mismatch, `cannot subscript type ${typeName(arr.type)} because it does not support subscripting`, pos(leftmostLoc(n.arg)));
  }
  if (ind.length > 1 || ind[0]!.A_Indices.is_slice === true) return arraySubscripts(scope, arr, ind.map((x) => x.A_Indices as PgNode));
  const i = subscript(ind[0]!.A_Indices.uidx);
  return {
    k: 'op2', type: elemTypeOf(arr.type as ArraySqlType), l: arr, r: i, op: '[]',
    fn: (a, b) => {
      const v = a as PgArray;
      const k = Number(b);
      if (v.dims.length !== 1 || k < 1 || k > v.dims[0]!) return null;
      return (v.elems[k - 1] ?? null) as Value;
    },
  };
}

/**
 * `a[lo:hi]`, `a[i][j]...` and `a[l1:h1][l2:h2]...`: a slice or several subscripts, as PostgreSQL's
 * array_get_element and array_get_slice. Without a slice it is one element, NULL unless there
 * are exactly as many subscripts as dimensions and each is in range. With a slice anywhere
 * every subscript is a slice, a plain `[i]` meaning `[1:i]` (transformContainerSubscripts); a
 * bound left out is the dimension's own, bounds are clamped to the array, dimensions past the
 * subscripts are taken whole, and the result starts at 1 in every dimension; an array with
 * fewer dimensions than subscripts, or an empty range, gives `{}`.
 *
 * A `fn` named `[m:` + one token per subscript (`i` an index; `lh`, `l`, `h` or `` a slice
 * with those bounds) + `]`; EXPLAIN prints the subscripts as PostgreSQL's ruleutils does.
 */
function arraySubscripts(scope: ExprScope, arr: Expr, indices: readonly PgNode[]): Expr {
  const subs = arraySubscriptList(scope, indices);
  const { tokens, slice: anySlice } = subs;
  const args: Expr[] = [arr, ...subs.args];
  const type = anySlice ? arr.type : elemTypeOf(arr.type as ArraySqlType);
  return foldConstants(scope, {
    k: 'fn', type, name: `[m:${tokens.join(',')}]`, args,
    fn: (vals) => {
      const v = vals[0] as PgArray;
      const n = tokens.length;
      if (!anySlice) {
        if (v.dims.length !== n) return null;
        let off = 0;
        for (let d = 0; d < n; d++) {
          const k = Number(vals[d + 1]);
          if (k < 1 || k > v.dims[d]!) return null;
          off = off * v.dims[d]! + (k - 1);
        }
        return (v.elems[off] ?? null) as Value;
      }
      const empty = new PgArray(v.elemType, [], []);
      if (v.dims.length < n || v.dims.length === 0) return empty;
      const lo: number[] = [];
      const hi: number[] = [];
      let a = 1;
      for (let d = 0; d < n; d++) {
        const t = tokens[d]!;
        // Compare as numbers: an int8 bound beyond 2^53 still clamps correctly.
        const l = t.startsWith('l') ? Math.max(1, Number(vals[a++])) : 1;
        const h = t.endsWith('h') ? Math.min(v.dims[d]!, Number(vals[a++])) : v.dims[d]!;
        if (l > h) return empty;
        lo.push(l);
        hi.push(h);
      }
      for (let d = n; d < v.dims.length; d++) {
        lo.push(1);
        hi.push(v.dims[d]!);
      }
      const dims = lo.map((l, d) => hi[d]! - l + 1);
      const elems: ArrayElement[] = [];
      // Row-major walk over the box [lo, hi] of the source.
      const idx = lo.slice();
      for (;;) {
        let off = 0;
        for (let d = 0; d < idx.length; d++) off = off * v.dims[d]! + (idx[d]! - 1);
        elems.push(v.elems[off] ?? null);
        let d = idx.length - 1;
        while (d >= 0 && idx[d] === hi[d]) {
          idx[d] = lo[d]!;
          d--;
        }
        if (d < 0) break;
        idx[d]!++;
      }
      return new PgArray(v.elemType, dims, elems);
    },
  });
}

/**
 * A subscript (`m[1]`, `m[1:2]`, `j['a']`): an `op2` named `[]` or a `fn` named `[...]`.
 * EXPLAIN prints it in brackets; like PostgreSQL's SubscriptingRef it costs nothing beyond
 * its operands.
 */
export function isSubscript(e: Expr): boolean {
  return (e.k === 'op2' && e.op === '[]') || (e.k === 'fn' && e.name.startsWith('['));
}

/**
 * `j[s1][s2]...` on jsonb (PostgreSQL 14's jsonb_subscript_transform / jsonb_subscript_fetch):
 * the subscripts, each an integer or text, followed as a `#>` path of their text forms, so
 * `j['1']` indexes an array and `j[1]` reads an object's key "1"; NULL where the path leads
 * nowhere or a subscript is NULL. Reading only: an assignment `SET j['a'] = ...` is refused
 * where assignments are analyzed.
 * @throws PgError 42804 `jsonb subscript does not support slices`; 42804 `subscript type ...
 *   is not supported` for a subscript coercible to neither integer nor text.
 */
function jsonbSubscript(scope: ExprScope, j: Expr, indices: readonly PgNode[]): Expr {
  const subs = jsonbSubscriptArgs(scope, indices);
  return foldConstants(scope, {
    k: 'fn', type: 'jsonb', name: '[jsonb]', args: [j, ...subs],
    fn: (vals) => {
      const path: string[] = [];
      for (let i = 1; i < vals.length; i++) path.push(String(vals[i]));
      return jsonbPath(vals[0] as Jsonb, path);
    },
  });
}

/**
 * An array subscript (a raw expression) as an integer: int2 / int4 / an untyped literal as
 * int4, int8 as it is.
 * @throws PgError 42804 `array subscript must have type integer`.
 */
/**
 * The subscripts (A_Indices) of an array reference or assignment, as transformContainerSubscripts
 * reads them: each bound analyzed as an integer, with one token per subscript saying which
 * bounds it holds, in order: `i` an element index; once any subscript is a slice (`slice`),
 * `lh`, `l`, `h` or `` for the bounds written, a plain `[i]` meaning `[1:i]` (its 1 added).
 */
export function arraySubscriptList(scope: ExprScope, indices: readonly PgNode[]): { args: Expr[]; tokens: string[]; slice: boolean } {
  const slice = indices.some((ai) => ai.is_slice === true);
  const args: Expr[] = [];
  const tokens: string[] = [];
  for (const ai of indices) {
    if (!slice) {
      args.push(arraySubscriptArg(scope, ai.uidx));
      tokens.push('i');
    } else if (ai.is_slice !== true) {
      args.push({ k: 'const', type: 'int4', value: 1 }, arraySubscriptArg(scope, ai.uidx));
      tokens.push('lh');
    } else {
      let t = '';
      if (ai.lidx !== undefined) {
        args.push(arraySubscriptArg(scope, ai.lidx));
        t += 'l';
      }
      if (ai.uidx !== undefined) {
        args.push(arraySubscriptArg(scope, ai.uidx));
        t += 'h';
      }
      tokens.push(t);
    }
  }
  return { args, tokens, slice };
}

export function arraySubscriptArg(scope: ExprScope, node: PgNode): Expr {
  const idx = analyzeExpr(scope, node);
  if (idx.type !== 'int4' && idx.type !== 'int2' && idx.type !== 'unknown' && idx.type !== 'int8') throw new PgError(SQLSTATE.datatype_mismatch, 'array subscript must have type integer', pos(leftmostLoc(node)));
  return idx.type === 'int8' ? idx : applyArg(scope, idx, 'int4', -1);
}

/**
 * The subscripts of a jsonb subscript (A_Indices nodes), each coerced to int4 or text as
 * jsonb_subscript_transform does: integer when the type coerces to it implicitly, else text
 * (an untyped literal is text).
 * @throws PgError as {@link jsonbSubscript}.
 */
export function jsonbSubscriptArgs(scope: ExprScope, indices: readonly PgNode[]): Expr[] {
  const subs: Expr[] = [];
  for (const ai of indices) {
    if (ai.is_slice === true) {
      const at = ai.uidx ?? ai.lidx;
      throw new PgError(SQLSTATE.datatype_mismatch, 'jsonb subscript does not support slices', at === undefined ? {} : pos(leftmostLoc(at)));
    }
    const e = analyzeExpr(scope, ai.uidx);
    const target: SqlType | null = e.type === 'unknown' ? 'text'
      : castContext(e.type, 'int4') === 'implicit' || e.type === 'int4' ? 'int4'
      : castContext(e.type, 'text') === 'implicit' || e.type === 'text' ? 'text'
      : null;
    if (target === null) {
      throw new PgError(SQLSTATE.datatype_mismatch, `subscript type ${typeName(e.type)} is not supported`, {
        hint: 'jsonb subscript must be coercible to either integer or text.', ...pos(leftmostLoc(ai.uidx)),
      });
    }
    subs.push(applyArg(scope, e, target, -1));
  }
  return subs;
}

/**
 * The catalog reg* input and output read relation names with (types.ts RegCatalog), over
 * what this scope's statement sees.
 */
function scopeRegCatalog(scope: ExprScope): RegCatalog {
  return {
    regclassOid: (name) => scope.regclassOid(name),
    relationName: (oid) => scope.catalogLookups?.().regNames.relationName(oid) ?? null,
    relationSchema: (oid) => scope.catalogLookups?.().regNames.relationSchema(oid) ?? null,
    userSchemaName: (oid) => scope.catalogLookups?.().regNames.userSchemaName(oid) ?? null,
    userSchemaOid: (name) => scope.catalogLookups?.().regNames.userSchemaOid(name) ?? null,
    userType: (oid) => scope.catalogLookups?.().userType(oid) ?? null,
    userTypeOid: (name, array) => scope.catalogLookups?.().userTypeOid(name, array) ?? null,
    enumIn: (typeOid, label) => {
      const lookups = scope.catalogLookups?.();
      if (lookups === undefined) throw pgErr.featureNotSupported('enum input without a database');
      return lookups.enumIn(typeOid, label);
    },
  };
}

/**
 * The reg* input function for `type` with the catalog at hand (regclassin, regtypein,
 * regnamespacein, regprocin, regprocedurein; types.ts regIn): a name to its oid, digits to
 * the oid itself, `-` to 0. `strict` false gives null for an unknown name (to_regclass,
 * to_regtype, to_regnamespace, to_regproc, to_regprocedure).
 * @throws PgError 42P01 `relation "x" does not exist`, 42704 `type "x" does not exist`, 3F000
 *   `schema "x" does not exist`, 42883 / 42725 for a function name.
 */
export function regInput(scope: ExprScope, type: Exclude<OidSqlType, 'oid'>, strict = true): (text: string) => number | null {
  const reg = scopeRegCatalog(scope);
  return (text) => regIn(text, type, strict, reg);
}

/**
 * A cast of text (or an untyped literal) to a reg* type, read with the catalog: a literal now
 * (as PostgreSQL reads a reg* constant while parsing, errors at the literal), anything else
 * when the statement runs. Null when `type` is not such a type or `arg` is not text.
 */
function regInputExpr(scope: ExprScope, arg: Expr, type: SqlType, location: number): Expr | null {
  if (!isOidFamily(type) || type === 'oid' || !(arg.type === 'unknown' || isStringType(arg.type))) return null;
  const input = regInput(scope, type);
  if (arg.k === 'const') {
    if (arg.value === null) return { k: 'const', type, value: null };
    try {
      return { k: 'const', type, value: input(arg.value as string) };
    } catch (e) {
      // pcb_error_callback: an error of the literal's input points at the literal, also one
      // that had a position of its own (a syntax error in a type name, within that name).
      if (e instanceof PgError && location >= 0) e.position = String(location + 1);
      throw e;
    }
  }
  if (arg.k === 'param' && arg.type === 'unknown') inferParam(scope, arg, 'text');
  return { k: 'op1', type, arg, op: `${type}in`, fn: (v) => input(v as string) };
}

/**
 * A cast of a reg* value to text (regclassout, regtypeout...): the object's name, looked up in
 * the catalog when the statement runs. Null when `arg` is not a reg* value or `to` not a string.
 */
function regOutputExpr(scope: ExprScope, arg: Expr, to: SqlType, typmod: number): Expr | null {
  const from = arg.type;
  if (!isOidFamily(from) || from === 'oid' || !isStringType(to) || scope.catalogLookups === undefined) return null;
  const cat = scope.catalogLookups();
  const text: Expr = { k: 'op1', type: 'text', arg, op: `${from}out`, fn: (v) => regName(cat, from, v as number) };
  return to === 'text' && typmod < 0 ? text : { k: 'cast', type: to, from: 'text', typmod, arg: text, explicit: true };
}

/**
 * regclassout / regtypeout / regnamespaceout / regprocout / regprocedureout: the object's
 * name, `-` for 0, or the oid's digits when it names nothing (types.ts regOut).
 */
export function regName(cat: CatalogLookups, kind: Exclude<OidSqlType, 'oid'>, o: number): string {
  return regOut(o, kind, { ...cat.regNames, userType: cat.userType });
}

/** Collations that order and compare as vecgres does (by code point: the database collation is C, as PGlite's). */
const CODE_POINT_COLLATIONS = new Set(['default', 'C', 'POSIX', 'ucs_basic']);

/**
 * `expr COLLATE name`: the collations that compare as vecgres always does are accepted and
 * change nothing (psql's catalog queries say COLLATE pg_catalog.default); any other is 0A000.
 * @throws PgError 42804 `collations are not supported by type X` for a non-collatable
 *   expression, 0A000 for a collation vecgres does not have.
 */
function collateClause(scope: ExprScope, n: PgNode): Expr {
  const names = (n.collname as PgNode[]).map((x) => x.String.sval as string);
  const coll = names[names.length - 1]!;
  let arg = analyzeExpr(scope, n.arg);
  if (names.length > 2 || (names.length === 2 && names[0] !== 'pg_catalog') || !CODE_POINT_COLLATIONS.has(coll)) {
    throw pgErr.featureNotSupported(`COLLATE "${names.join('.')}"`);
  }
  if (arg.type === 'unknown') arg = coerceTo(scope, arg, 'text', -1);
  if (arg.type !== 'text' && arg.type !== 'varchar' && arg.type !== 'bpchar') {
    throw new PgError(SQLSTATE.datatype_mismatch, `collations are not supported by type ${typeName(arg.type)}`, pos(n.location));
  }
  return arg;
}

/** pg_type oid of `void`, the result type of pg_notify and the advisory lock functions. */
export const VOID_OID = 2278;

/** The functions returning void, whose calls are computed as text '' (their result column and pg_typeof say void). */
const VOID_FUNCTIONS: ReadonlySet<string> = new Set([
  'pg_notify', 'pg_advisory_lock', 'pg_advisory_lock_shared', 'pg_advisory_xact_lock', 'pg_advisory_xact_lock_shared', 'pg_advisory_unlock_all',
]);

/** A call of a function returning void (pg_notify, pg_advisory_lock), computed as text ''. */
export function isVoidCall(e: Expr): boolean {
  return e.k === 'session' && VOID_FUNCTIONS.has(e.name);
}

/** PostgreSQL's volatile functions among those vecgres has (pg_proc.provolatile = 'v'). */
export const VOLATILE_FNS: ReadonlySet<string> = new Set([
  'random', 'random_normal', 'gen_random_uuid', 'uuidv4', 'uuidv7', 'setseed', 'clock_timestamp', 'timeofday',
  'nextval', 'currval', 'lastval', 'setval', 'set_config', 'pg_sleep', 'pg_notify', 'pg_advisory_lock',
  'pg_advisory_lock_shared', 'pg_advisory_xact_lock', 'pg_advisory_xact_lock_shared', 'pg_advisory_unlock',
  'pg_advisory_unlock_shared', 'pg_advisory_unlock_all', 'pg_try_advisory_lock', 'pg_try_advisory_lock_shared',
  'pg_try_advisory_xact_lock', 'pg_try_advisory_xact_lock_shared',
]);

/**
 * True when `e` itself (not its operands) calls a volatile function: a plain function or one
 * that reads the session (nextval, set_config, the advisory locks). PostgreSQL's
 * contain_volatile_functions, one node at a time (use with someNode).
 */
export function isVolatileCall(e: Expr): boolean {
  return (e.k === 'fn' || e.k === 'session') && VOLATILE_FNS.has(e.name);
}

/**
 * `ROW(a1, ..., an) op ROW(b1, ..., bn)` (PostgreSQL's make_row_comparison_op; `(a, b)` is a
 * row too). Each pair is `ai op bi`, resolved as any operator call. `=` is their AND, `<>` their
 * OR; `<`, `<=`, `>`, `>=` compare lexicographically, the first pair that is not equal
 * deciding, and NULL as soon as a pair up to that one is NULL (RowCompareExpr): written here as
 * `a1 <= b1 AND (a1 < b1 OR (a1 = b1 AND (... an op bn)))`, which gives the same three-valued
 * result. That form reads the columns before the last more than once, so a volatile call among
 * them is refused.
 * @throws PgError 42601 `unequal number of entries in row expressions`; 0A000 `cannot compare
 *   rows of zero length`; the pairs' operator errors (42883 ...); 42804 `row comparison operator
 *   must yield type boolean, not type X`; 0A000 `could not determine interpretation of row
 *   comparison operator X` for an operator without a B-tree meaning, and for volatile columns.
 */
function rowComparison(scope: ExprScope, op: string, lRaw: readonly PgNode[], rRaw: readonly PgNode[], location: number): Expr {
  if (lRaw.length !== rRaw.length) throw new PgError(SQLSTATE.syntax_error, 'unequal number of entries in row expressions', pos(location));
  if (lRaw.length === 0) throw new PgError(SQLSTATE.feature_not_supported, 'cannot compare rows of zero length', pos(location));
  const pair = (o: string, i: number): Expr => binaryOp(scope, o, analyzeExpr(scope, lRaw[i]!), analyzeExpr(scope, rRaw[i]!), location);
  const pairs = lRaw.map((_, i) => {
    const e = pair(op, i);
    if (e.type !== 'bool') throw new PgError(SQLSTATE.datatype_mismatch, `row comparison operator must yield type boolean, not type ${typeName(e.type)}`, pos(location));
    return e;
  });
  if (pairs.length === 1) return pairs[0]!;
  if (op === '=') return { k: 'and', type: 'bool', args: pairs };
  if (op === '<>') return { k: 'or', type: 'bool', args: pairs };
  if (op !== '<' && op !== '<=' && op !== '>' && op !== '>=') {
    throw new PgError(SQLSTATE.feature_not_supported, `could not determine interpretation of row comparison operator ${op}`, {
      hint: 'Row comparison operators must be associated with btree operator families.',
      ...pos(location),
    });
  }
  const strict = op[0]!;
  let e = pairs[pairs.length - 1]!;
  for (let i = pairs.length - 2; i >= 0; i--) {
    const before = pair(strict, i);
    if (someNode(before, isVolatileCall)) throw pgErr.featureNotSupported('row comparison of a volatile expression');
    e = { k: 'or', type: 'bool', args: [before, { k: 'and', type: 'bool', args: [pair('=', i), e] }] };
  }
  // `a1 <= b1 AND (...)`: implied by the rest (NULL exactly when it is), and a plain bound on
  // the leading column that an index scan can start from, as PostgreSQL's index condition on
  // the whole row does (keyset pagination reads from the cursor on, not from the first row).
  return { k: 'and', type: 'bool', args: [pair(strict === '<' ? '<=' : '>=', 0), e] };
}

/**
 * `(a, b) op (SELECT x, y ...)` (PostgreSQL's ROWCOMPARE_SUBLINK): a row comparison with the
 * subquery's one row, NULL when it has none, 21000 when it has more. Written as the row
 * comparison of `(a, b)` with one scalar subquery per column over the same sub-SELECT
 * (`(SELECT s.c1 FROM (sub-SELECT) s(c1, c2))`, ...), which gives those results; the sub-SELECT
 * then runs once per column it decides, so one calling a volatile function is refused.
 * @throws PgError 42601 `subquery has too many columns` / `too few columns`; 0A000 for a
 *   volatile sub-SELECT; the row comparison's errors.
 */
function rowSubqueryComparison(scope: ExprScope, op: string, lRow: readonly PgNode[], sub: PgNode, location: number): Expr {
  const loc: number = typeof sub.location === 'number' ? sub.location : -1;
  const width = scope.subquery(sub.subselect, loc).types.length;
  if (width !== lRow.length) throw new PgError(SQLSTATE.syntax_error, width > lRow.length ? 'subquery has too many columns' : 'subquery has too few columns', pos(location));
  let volatile = false;
  walkRaw(sub.subselect, (tag, x) => {
    if (tag === 'FuncCall' && VOLATILE_FNS.has(String(x.funcname[x.funcname.length - 1].String.sval).toLowerCase())) volatile = true;
  });
  if (volatile) throw pgErr.featureNotSupported('row comparison with a subquery that calls a volatile function');
  const names = lRow.map((_, i) => `?rowcompare?${i + 1}`);
  const column = (i: number): PgNode => ({
    SubLink: {
      subLinkType: 'EXPR_SUBLINK',
      location: loc,
      subselect: {
        SelectStmt: {
          targetList: [{ ResTarget: { val: { ColumnRef: { fields: [{ String: { sval: '?rowcompare?' } }, { String: { sval: names[i]! } }], location: loc } }, location: loc } }],
          fromClause: [{ RangeSubselect: { subquery: sub.subselect, alias: { aliasname: '?rowcompare?', colnames: names.map((sval) => ({ String: { sval } })) } } }],
          limitOption: 'LIMIT_OPTION_DEFAULT',
          op: 'SETOP_NONE',
        },
      },
    },
  });
  return rowComparison(scope, op, lRow, lRow.map((_, i) => column(i)), location);
}

/**
 * `ROW(...) IS [NOT] DISTINCT FROM ROW(...)` (make_row_distinct_op): the OR of the pairs'
 * IS DISTINCT FROM, negated for NOT DISTINCT.
 * @throws PgError 42601 `unequal number of entries in row expressions`; the pairs' errors.
 */
function rowDistinct(scope: ExprScope, n: PgNode, lRaw: readonly PgNode[], rRaw: readonly PgNode[]): Expr {
  if (lRaw.length !== rRaw.length) throw new PgError(SQLSTATE.syntax_error, 'unequal number of entries in row expressions', pos(n.location));
  const pairs = lRaw.map((l, i) => analyzeAExpr(scope, { ...n, kind: 'AEXPR_DISTINCT', lexpr: l, rexpr: rRaw[i] }));
  const any: Expr = pairs.length === 0 ? { k: 'const', type: 'bool', value: false } : pairs.length === 1 ? pairs[0]! : { k: 'or', type: 'bool', args: pairs };
  return n.kind === 'AEXPR_DISTINCT' ? any : { k: 'not', type: 'bool', arg: any };
}

/** True when some node of `e` (not looking into subqueries) satisfies `pred`. */
export function someNode(e: Expr, pred: (x: Expr) => boolean): boolean {
  if (pred(e)) return true;
  let found = false;
  forEachOperand(e, (x) => {
    if (!found && someNode(x, pred)) found = true;
  });
  return found;
}

/**
 * `ROW(a, b, ...) IS [NOT] NULL`: true when every field is NULL (IS NULL) or every field is
 * not NULL (IS NOT NULL), so a row with both kinds of field is neither; `ROW()` is both.
 * Written out as the AND of the fields' tests, as PostgreSQL's eval_const_expressions expands
 * a NullTest over a RowExpr (clauses.c), so constant fields fold away and EXPLAIN prints the
 * same conjuncts.
 */
function rowNullTest(scope: ExprScope, items: readonly PgNode[], negate: boolean): Expr {
  const tests: Expr[] = items.map((item) => {
    const arg = analyzeExpr(scope, item);
    return arg.k === 'const' ? { k: 'const', type: 'bool', value: (arg.value === null) !== negate } : { k: 'isnull', type: 'bool', arg, negate };
  });
  return simplifyBoolArgs('and', tests);
}

/** The items of a row constructor operand (`(a, b)`, `ROW(a)`), or null for any other node. */
function rowItems(node: PgNode | undefined): PgNode[] | null {
  const row = node?.RowExpr;
  return row === undefined ? null : ((row.args ?? []) as PgNode[]);
}

function opName(n: PgNode): string {
  const names: PgNode[] = n.name;
  return names[names.length - 1].String.sval as string;
}

function analyzeAExpr(scope: ExprScope, n: PgNode): Expr {
  switch (n.kind) {
    case 'AEXPR_OP': {
      const op = opName(n);
      if (n.lexpr === undefined) {
        const r = analyzeExpr(scope, n.rexpr);
        return unaryOp(scope, op, r, n.location);
      }
      const lRow = rowItems(n.lexpr);
      const rRow = rowItems(n.rexpr);
      if (lRow !== null && rRow !== null) return rowComparison(scope, op, lRow, rRow, n.location);
      if (lRow !== null && n.rexpr?.SubLink?.subLinkType === 'EXPR_SUBLINK') return rowSubqueryComparison(scope, op, lRow, n.rexpr.SubLink, n.location);
      if (lRow !== null && n.rexpr?.SubLink !== undefined) throw pgErr.featureNotSupported('row comparison with a subquery');
      const l = analyzeExpr(scope, n.lexpr);
      const r = analyzeExpr(scope, n.rexpr);
      return binaryOp(scope, op, l, r, n.location);
    }
    case 'AEXPR_IN':
      return analyzeIn(scope, n);
    case 'AEXPR_OP_ANY':
    case 'AEXPR_OP_ALL': {
      const op = opName(n);
      const l = analyzeExpr(scope, n.lexpr);
      let r = catalogVectorAsArray(scope, analyzeExpr(scope, n.rexpr));
      if (r.type === 'unknown') {
        const arr = arrayTypeOf(l.type === 'unknown' ? 'text' : l.type);
        if (arr === null && l.type === 'timetz') throw pgErr.featureNotSupported(`arrays of ${typeName(l.type)}`);
        if (arr !== null) r = coerceTo(scope, r, arr, -1, exprLocation(r, n.location));
      }
      if (!isArrayType(r.type)) {
        throw new PgError(SQLSTATE.wrong_object_type, `op ANY/ALL (array) requires array on right side`, pos(n.location));
      }
      const elem: Expr = { k: 'slot', type: elemTypeOf(r.type), idx: 0, typmod: -1, name: '' };
      const cmp = binaryOp(scope, op, l, elem, n.location);
      if (cmp.k !== 'op2' || cmp.type !== 'bool') throw pgErr.featureNotSupported(`${op} ANY/ALL (array) with this operator`);
      return { k: 'arrayop', type: 'bool', arg: cmp.l, arr: r, fn: cmp.fn, all: n.kind === 'AEXPR_OP_ALL', op };
    }
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN': {
      const arg = analyzeExpr(scope, n.lexpr);
      const [lo, hi] = (n.rexpr.List.items as PgNode[]).map((x) => analyzeExpr(scope, x));
      const both: Expr = {
        k: 'and',
        type: 'bool',
        args: [binaryOp(scope, '>=', arg, lo!, n.location), binaryOp(scope, '<=', arg, hi!, n.location)],
      };
      // NOT BETWEEN is `arg < lo OR arg > hi`, as PostgreSQL's transformAExprBetween builds it.
      return n.kind === 'AEXPR_BETWEEN' ? both : negateClause(scope, both);
    }
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT': {
      const lRow = rowItems(n.lexpr);
      const rRow = rowItems(n.rexpr);
      if (lRow !== null && rRow !== null) return rowDistinct(scope, n, lRow, rRow);
      // `=` as resolved for the operands, with NULL a value like any other (DistinctExpr).
      // Resolved over stand-ins (so nothing folds); their implicit casts become converters.
      let l = analyzeExpr(scope, n.lexpr);
      let r = analyzeExpr(scope, n.rexpr);
      if (l.type === 'unknown' && r.type === 'unknown') {
        l = coerceTo(scope, l, 'text', -1);
        r = coerceTo(scope, r, 'text', -1);
      } else if (l.type === 'unknown') l = coerceTo(scope, l, r.type, -1, exprLocation(l, n.location));
      else if (r.type === 'unknown') r = coerceTo(scope, r, l.type, -1, exprLocation(r, n.location));
      const cmp = binaryOp(scope, '=', standIn(l.type, -1), { k: 'slot', type: r.type, idx: 1, typmod: -1, name: '' }, n.location);
      const lc = cmp.k === 'op2' ? converterOf(cmp.l) : undefined;
      const rc = cmp.k === 'op2' ? converterOf(cmp.r) : undefined;
      if (cmp.k !== 'op2' || cmp.type !== 'bool' || lc === undefined || rc === undefined) throw pgErr.featureNotSupported('IS DISTINCT FROM with this operator');
      const eq = cmp.fn;
      const distinct = n.kind === 'AEXPR_DISTINCT';
      return foldConstants(scope, {
        k: 'fn', type: 'bool', name: distinct ? 'is distinct from' : 'is not distinct from', args: [l, r], strict: false,
        fn: ([a, b], { zone }) => {
          const same = a === null || b === null ? a === b : eq(lc === null ? a! : lc(a!, zone), rc === null ? b! : rc(b!, zone), zone) === true;
          return distinct ? !same : same;
        },
      });
    }
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE':
    case 'AEXPR_SIMILAR': {
      // SIMILAR TO is `~` / `!~` over similar_to_escape(pattern [, escape]) from the grammar.
      // `~~` / `!~~` / `~~*` / `!~~*`; ESCAPE arrives as like_escape(pattern, escape).
      const l = analyzeExpr(scope, n.lexpr);
      const r = analyzeExpr(scope, n.rexpr);
      return binaryOp(scope, opName(n), l, r, n.location);
    }
    case 'AEXPR_NULLIF':
      return analyzeNullIf(scope, n);
    default:
      throw pgErr.featureNotSupported(`operator expression ${String(n.kind).replace(/^AEXPR_/, '')}`);
  }
}

/**
 * `x [NOT] IN (a, b, ...)`, as PostgreSQL's transformAExprIn. Two or more items without
 * columns of this level (constants, parameters, uncorrelated subqueries) take a common type with the argument (select_common_type),
 * are coerced to it and compared with the one `=` that `x = <common type>` resolves to (a
 * cross-type operator keeps `x` as it is, as int4 = int8 does; otherwise `x` is cast too:
 * `date IN (timestamp, ...)` compares timestamps). Every other item (one with a column, or all
 * of them when there is no common type) is its own `x = item`; the parts are ORed (NOT IN:
 * `<>`, ANDed), the array's first.
 * @throws PgError 42883 when an item has no `=` with the argument.
 */
function analyzeIn(scope: ExprScope, n: PgNode): Expr {
  const negate = opName(n) === '<>';
  const nodes: PgNode[] = n.rexpr.List?.items ?? [];
  const lRow = rowItems(n.lexpr);
  if (lRow !== null) {
    // `(a, b) [NOT] IN ((1, 2), (3, 4))`: a row comparison per item, ORed (NOT IN: `<>`, ANDed).
    const parts = nodes.map((it) => {
      const rRow = rowItems(it);
      if (rRow === null) {
        const e = analyzeExpr(scope, it);
        throw new PgError(SQLSTATE.undefined_function, `operator does not exist: record ${negate ? '<>' : '='} ${typeName(e.type)}`, {
          hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
          ...pos(n.location),
        });
      }
      return rowComparison(scope, negate ? '<>' : '=', lRow, rRow, n.location);
    });
    return parts.length === 1 ? parts[0]! : { k: negate ? 'and' : 'or', type: 'bool', args: parts };
  }
  const arg = analyzeExpr(scope, n.lexpr);
  const items = nodes.map((it) => {
    const e = analyzeExpr(scope, it);
    // Untyped items of a reg* argument read names (`c IN ('items', 'pg_class')`) when there
    // are two or more; one item is a plain `=`, where 'pg_class' is read as an oid.
    return nodes.length > 1 && isOidFamily(arg.type) && e.type === 'unknown' ? coerceTo(scope, e, arg.type, -1, exprLocation(e, n.location)) : e;
  });
  const parts: Expr[] = [];
  let rest = items;
  const nonVars: Expr[] = items.filter((e) => !readsLevelColumns(e));
  if (nonVars.length > 1) {
    const array = inArray(scope, arg, nonVars, negate, n.location);
    if (array !== null) {
      parts.push(array);
      rest = items.filter((e) => !nonVars.includes(e));
    }
  }
  for (const e of rest) parts.push(binaryOp(scope, negate ? '<>' : '=', arg, e, n.location));
  return parts.length === 1 ? parts[0]! : { k: negate ? 'and' : 'or', type: 'bool', args: parts };
}

/**
 * True when `e` reads a column of the query level it belongs to, itself or through a subquery
 * correlated to that level (PostgreSQL's contain_vars_of_level(e, 0)). IN items that read none
 * (constants, parameters, functions of them, uncorrelated scalar subqueries) form the array.
 */
function readsLevelColumns(e: Expr): boolean {
  return someNode(e, (x) => {
    if (x.k === 'var') return x.levelsUp === 0;
    if (x.k !== 'sublink') return false;
    let found = false;
    forEachQueryExpr(x.query as SelectQuery, 0, (y, depth) => {
      if (!found) found = someNode(y, (v) => v.k === 'var' && v.levelsUp === depth + 1);
    });
    return found;
  });
}

/**
 * The `x = ANY (array)` part of an IN list (PostgreSQL's ScalarArrayOpExpr): null when the
 * items and `x` have no common type, or `x = <common type>` is not a boolean operator.
 */
function inArray(scope: ExprScope, arg: Expr, items: readonly Expr[], negate: boolean, location: number): Expr | null {
  let common: SqlType;
  try {
    common = commonType([arg.type, ...items.map((e) => e.type)], location);
  } catch (e) {
    if (e instanceof PgError) return null;
    throw e;
  }
  // The operator is found against a stand-in item, so that nothing folds when x is a constant.
  const standIn: Expr = { k: 'slot', type: common, idx: 0, typmod: -1, name: '' };
  const cmp = binaryOp(scope, '=', arg, standIn, location);
  if (cmp.k !== 'op2' || cmp.type !== 'bool') return null;
  // The item side may be cast further (varchar items compare as text): each item takes the
  // same casts.
  let side: Expr = cmp.r;
  while (side.k === 'cast') side = side.arg;
  if (side !== standIn) return null;
  const to = cmp.r.type;
  const list = items.map((e) => {
    const loc = exprLocation(e, location);
    return applyArg(scope, applyArg(scope, e, common, loc), to, loc);
  });
  return { k: 'in', type: 'bool', arg: cmp.l, list, eq: cmp.fn, negate, hashed: hashedInList(cmp.l.type, list) };
}

function noOperator(op: string, l: SqlType | null, r: SqlType, location: number): PgError {
  const sig = l === null ? `${op} ${typeName(r)}` : `${typeName(l)} ${op} ${typeName(r)}`;
  // op_error: a prefix operator's hint speaks of one argument type.
  const hint = l === null ? 'No operator matches the given name and argument type. You might need to add an explicit type cast.' : NO_OP_HINT;
  return new PgError(SQLSTATE.undefined_function, `operator does not exist: ${sig}`, { hint, ...pos(location) });
}

/**
 * Prefix operators whose argument types all lie in the numeric category, so that an untyped
 * argument resolves to its preferred type, float8 (PostgreSQL's oper_select_candidate); `-`
 * and `~` also take interval / bit and inet, so theirs is not unique (42725).
 */
const FLOAT8_PREFIX_OPS = new Set(['+', '@', '|/', '||/']);
/** `@ x`, `|/ x`, `||/ x`: the functions PostgreSQL's prefix operators call. */
const PREFIX_OP_FUNCTIONS: Record<string, { name: string; types: readonly SqlType[] }> = {
  '@': { name: 'abs', types: ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'] },
  '|/': { name: 'sqrt', types: ['float8'] },
  '||/': { name: 'cbrt', types: ['float8'] },
};

function unaryOp(scope: ExprScope, op: string, r: Expr, location: number): Expr {
  if (r.type === 'unknown' && (r.k === 'const' || r.k === 'param')) {
    if (op === '-' || op === '~') {
      throw new PgError('42725', `operator is not unique: ${op} unknown`, { hint: 'Could not choose a best candidate operator. You might need to add explicit type casts.', ...pos(location) });
    }
    if (FLOAT8_PREFIX_OPS.has(op)) {
      if (r.k === 'const') r = coerceTo(scope, r, 'float8', -1, exprLocation(r, location));
      else inferParam(scope, r, 'float8');
    }
  }
  const call = PREFIX_OP_FUNCTIONS[op];
  if (call !== undefined) {
    const overloads = functionOverloads(call.name)?.filter((o) => o.args.length === 1 && call.types.includes(o.args[0]!));
    if (overloads === undefined || overloads.length === 0) throw noOperator(op, null, r.type, location);
    try {
      return overloadedCall(scope, call.name, overloads, [r], location);
    } catch (e) {
      if (e instanceof PgError && e.code === SQLSTATE.undefined_function) throw noOperator(op, null, r.type, location);
      throw e;
    }
  }
  // `- time` is interval's, over time's implicit cast to interval (there is no unary `+` for either).
  if (op === '-' && r.type === 'time') r = applyArg(scope, r, 'interval', location);
  if (op === '-' && r.type === 'interval') return foldConstants(scope, { k: 'op1', type: 'interval', arg: r, fn: (a) => intervalNeg(a as Interval) });
  // `~` (int2not, int4not, int8not, bitnot).
  if (op === '~' && (r.type === 'int2' || r.type === 'int4' || r.type === 'int8')) {
    const w = r.type === 'int2' ? 16 : r.type === 'int4' ? 32 : 64;
    return foldConstants(scope, { k: 'op1', type: r.type, arg: r, fn: (a) => intNot(w, a as number | bigint) });
  }
  if (op === '~' && (r.type === 'bit' || r.type === 'varbit')) return foldConstants(scope, { k: 'op1', type: 'bit', arg: r, fn: (a) => bitNot(a as BitString) });
  if ((op === '-' || op === '+') && isNumeric(r.type)) {
    if (op === '+') return r;
    if (r.k === 'const' && typeof r.value === 'number') return { k: 'const', type: r.type, value: -r.value };
    if (r.k === 'const' && r.value instanceof Numeric) return { k: 'const', type: r.type, value: numericNeg(r.value) };
    const t = r.type;
    if (t === 'numeric') return { k: 'op1', type: t, arg: r, fn: (a) => numericNeg(a as Numeric) };
    if (t === 'int2') return { k: 'op1', type: t, arg: r, fn: (a) => checkInt2(-(a as number)) };
    return { k: 'op1', type: t, op: '-', arg: r, fn: (a) => (typeof a === 'bigint' ? toInt8(-a) : t === 'int4' ? checkI4(-(a as number)) : -(a as number)) };
  }
  throw noOperator(op, null, r.type, location);
}

function checkI4(n: number): number {
  if (n < -2147483648 || n > 2147483647) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'integer out of range');
  return n;
}

const COMPARE_OPS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
const ARITH_OPS = new Set(['+', '-', '*', '/', '%']);


/** Comparison operators and their negators (pg_operator.oprnegate) that {@link negateClause} uses. */
const NEGATORS: Record<string, string> = {
  '=': '<>', '<>': '=', '<': '>=', '>=': '<', '>': '<=', '<=': '>',
  '~~': '!~~', '!~~': '~~', '~~*': '!~~*', '!~~*': '~~*', '~': '!~', '!~': '~', '~*': '!~*', '!~*': '~*',
};

/**
 * `NOT e` simplified as PostgreSQL's eval_const_expressions does it (negate_clause): a
 * constant folds; a comparison becomes its negator (`NOT (a > 5)` is `a <= 5`, which an index
 * answers); `IS [NOT] NULL` and `IS [NOT] TRUE / FALSE / UNKNOWN` flip; NOT NOT cancels; NOT
 * of AND / OR becomes OR / AND of the negated arguments (De Morgan, exact in three-valued
 * logic). Anything else stays `NOT e`. Each rewrite gives the same value for every input,
 * NULL included, so answers cannot change, and EXPLAIN prints what PostgreSQL prints.
 */
function negateClause(scope: ExprScope, e: Expr): Expr {
  switch (e.k) {
    case 'const':
      return { k: 'const', type: 'bool', value: e.value === null ? null : !e.value };
    case 'not':
      return e.arg;
    case 'and':
    case 'or':
      return { k: e.k === 'and' ? 'or' : 'and', type: 'bool', args: e.args.map((a) => negateClause(scope, a)) };
    case 'isnull':
      return { ...e, negate: !e.negate };
    case 'booltest':
      return { ...e, negate: !e.negate };
    case 'in':
      // `x IN (list)` and `x NOT IN (list)` are each other's negation in three-valued logic.
      return { ...e, negate: !e.negate };
    case 'arrayop': {
      // `x = ANY (arr)` is `x <> ALL (arr)` negated, and the reverse.
      const neg = NEGATORS[e.op];
      const arrType = e.arr.type;
      if (neg === undefined || !isArrayType(arrType)) break;
      const elem: Expr = { k: 'slot', type: elemTypeOf(arrType), idx: 0, typmod: -1, name: '' };
      try {
        const c = binaryOp(scope, neg, e.arg, elem, -1);
        if (c.k === 'op2' && c.type === 'bool' && c.l === e.arg) return { ...e, fn: c.fn, op: neg, all: !e.all };
      } catch {
        // No negator for these types: NOT stays.
      }
      break;
    }
    case 'op2': {
      const neg = NEGATORS[e.op];
      if (neg === undefined || e.type !== 'bool') break;
      try {
        const n = binaryOp(scope, neg, e.l, e.r, -1);
        // The negator must resolve over the same operands, as oprnegate pairs them.
        if (n.k === 'op2' && n.type === 'bool' && n.l === e.l && n.r === e.r) return n;
      } catch {
        // No negator for these types: NOT stays.
      }
      break;
    }
  }
  return { k: 'not', type: 'bool', arg: e };
}

/** Resolves `l op r` (PostgreSQL's oper() with implicit coercions, for vecgres' types). */
export function binaryOp(scope: ExprScope, op: string, l: Expr, r: Expr, location: number): Expr {
  if (op === '||' && (isArrayType(l.type) || isArrayType(r.type))) return arrayConcat(scope, '||', l, r, location);
  if (usesOverloads(op === '!=' ? '<>' : op, l.type, r.type)) {
    const o = overloadedOp(scope, op === '!=' ? '<>' : op, l, r, location);
    if (o !== null) return o;
  }
  // bytea || and comparisons; an untyped side is bytea.
  if (l.type === 'bytea' || r.type === 'bytea') {
    if (l.type === 'unknown') l = coerceTo(scope, l, 'bytea', -1, exprLocation(l, location));
    if (r.type === 'unknown') r = coerceTo(scope, r, 'bytea', -1, exprLocation(r, location));
    if (l.type === 'bytea' && r.type === 'bytea') {
      const o = op === '!=' ? '<>' : op;
      if (COMPARE_OPS.has(o)) return { k: 'op2', type: 'bool', fn: compareFn(o, (a, b) => byteaCmp(a as Uint8Array, b as Uint8Array)), l, r, op: o };
      if (o === '||') return { k: 'op2', type: 'bytea', fn: (a, b) => byteaConcat(a as Uint8Array, b as Uint8Array), l, r, op };
    }
  }
  // character: bpchar against bpchar (or an untyped literal) compares without trailing
  // spaces; against text, and for every other operator, varchar and char act as text.
  const bpcharOp = op !== '||' && TEXT_MATCH_OPERATORS[op] === undefined;
  if (l.type === 'bpchar' && r.type === 'unknown' && bpcharOp) r = coerceTo(scope, r, 'bpchar', -1, exprLocation(r, location));
  if (r.type === 'bpchar' && l.type === 'unknown' && bpcharOp) l = coerceTo(scope, l, 'bpchar', -1, exprLocation(l, location));
  if (l.type === 'bpchar' && r.type === 'bpchar' && COMPARE_OPS.has(op)) {
    return { k: 'op2', type: 'bool', fn: compareFn(op === '!=' ? '<>' : op, (a, b) => bpcharCmp(a as string, b as string)), l, r, op };
  }
  const match = TEXT_MATCH_OPERATORS[op];
  if (match !== undefined) {
    // LIKE / ILIKE / regular expressions (textlike, texticlike, textregexeq, ...). A char(n)
    // left side keeps its padding (bpcharlike, bpcharregexeq); the pattern is text.
    if (r.type === 'varchar' || r.type === 'bpchar') r = coerceTo(scope, r, 'text', -1);
    // ^@ exists for text only: a char(n) side is cast to text (its padding dropped).
    if (op === '^@' && (l.type === 'varchar' || l.type === 'bpchar')) l = coerceTo(scope, l, 'text', -1);
    const textish = (t: SqlType) => t === 'text' || t === 'unknown' || t === 'varchar' || t === 'bpchar';
    if (!textish(l.type) || !textish(r.type)) throw noOperator(op, l.type, r.type, location);
    if (l.type === 'unknown') l = coerceTo(scope, l, 'text', -1, exprLocation(l, location));
    r = coerceTo(scope, r, 'text', -1, exprLocation(r, location));
    const m = match.fn;
    const fn: Fn2 = match.negate ? (a, b) => !m(a as string, b as string) : (a, b) => m(a as string, b as string);
    return foldConstants(scope, { k: 'op2', type: 'bool', fn, l, r, op });
  }
  if (l.type === 'varchar' || l.type === 'bpchar') l = coerceTo(scope, l, 'text', -1);
  if (r.type === 'varchar' || r.type === 'bpchar') r = coerceTo(scope, r, 'text', -1);
  // An untyped side takes the other side's type (literal coercion and parameter inference),
  // except for `||`, where it is text (textanycat / anytextcat), and for a reg* side, which has
  // no operators of its own: the comparison is oid's, so `c = 'items'` reads 'items' as an oid
  // (22P02), as PostgreSQL resolves it (`c = 'items'::regclass` reads the name).
  const regSide = (t: SqlType) => isOidFamily(t) && t !== 'oid' && COMPARE_OPS.has(op);
  if (l.type === 'unknown' && regSide(r.type)) l = coerceTo(scope, l, 'oid', -1, exprLocation(l, location));
  else if (r.type === 'unknown' && regSide(l.type)) r = coerceTo(scope, r, 'oid', -1, exprLocation(r, location));
  if (op === '||' && l.type === 'unknown' && r.type !== 'unknown') l = coerceTo(scope, l, 'text', -1);
  else if (op === '||' && r.type === 'unknown' && l.type !== 'unknown') r = coerceTo(scope, r, 'text', -1);
  else if (l.type === 'unknown' && r.type !== 'unknown') l = coerceTo(scope, l, r.type, -1, exprLocation(l, location));
  else if (r.type === 'unknown' && l.type !== 'unknown') r = coerceTo(scope, r, l.type, -1, exprLocation(r, location));
  else if (l.type === 'unknown' && r.type === 'unknown') {
    if (ARITH_OPS.has(op)) {
      throw new PgError('42725', `operator is not unique: unknown ${op} unknown`, {
        hint: 'Could not choose a best candidate operator. You might need to add explicit type casts.',
        ...pos(location),
      });
    }
    l = coerceTo(scope, l, 'text', -1);
    r = coerceTo(scope, r, 'text', -1);
  }
  if (op === '!=') op = '<>';
  // oid and reg* values compare as oids (oideq, oidlt...): an integer or another reg* side is
  // coerced to oid (int4 -> oid wraps, int8 -> oid is range-checked), as PostgreSQL resolves
  // `attrelid = 'docs'::regclass` and `oid = 1259`.
  if ((isOidFamily(l.type) || isOidFamily(r.type)) && COMPARE_OPS.has(op)) {
    const oidLike = (t: SqlType) => isOidFamily(t) || t === 'int2' || t === 'int4' || t === 'int8';
    if (oidLike(l.type) && oidLike(r.type)) {
      return foldConstants(scope, { k: 'op2', type: 'bool', fn: compareFn(op, numCmp), l: applyArg(scope, l, 'oid', location), r: applyArg(scope, r, 'oid', location), op });
    }
  }
  const lt = l.type;
  const rt = r.type;
  if (isNumeric(lt) && isNumeric(rt)) {
    const t: SqlType = numericRank(lt) >= numericRank(rt) ? lt : rt;
    const rtype: SqlType = (lt === 'float4' && rt === 'float4') ? 'float4' : t === 'float4' ? 'float8' : t;
    if (t === 'float4' || t === 'float8') {
      // A numeric constant against a float is cast to double precision once, as PostgreSQL's
      // operator resolution casts and folds it (EXPLAIN: '0.6'::double precision), instead of
      // being converted on every row.
      const fold = (x: Expr): Expr => (x.k === 'const' && x.type === 'numeric' && x.value !== null ? { k: 'const', type: 'float8', value: castValue(x.value, 'numeric', 'float8', -1, scope.zone, false) } : x);
      l = fold(l);
      r = fold(r);
    }
    // numeric against real / double precision compares as double precision (the numeric side
    // is cast), everything else by exact value.
    if (COMPARE_OPS.has(op)) return foldConstants(scope, { k: 'op2', type: 'bool', fn: compareFn(op, t === 'float4' || t === 'float8' ? floatCmp : numCmp), l, r, op });
    if (ARITH_OPS.has(op)) {
      if (op === '%' && (rtype === 'float8' || rtype === 'float4')) throw noOperator(op, lt, rt, location);
      return foldConstants(scope, { k: 'op2', type: rtype, fn: arithFn(op, rtype), l, r, op });
    }
    throw noOperator(op, lt, rt, location);
  }
  if (lt === rt && (lt === 'text' || lt === 'bool' || lt === 'uuid') && COMPARE_OPS.has(op)) {
    return foldConstants(scope, { k: 'op2', type: 'bool', fn: compareFn(op, lt === 'bool' ? boolCmp : textCmp), l, r, op });
  }
  // enum_eq, enum_lt, ...: two values of one enum type, by their labels' sort positions.
  if (lt === rt && isEnumSqlType(lt) && COMPARE_OPS.has(op)) {
    return foldConstants(scope, { k: 'op2', type: 'bool', fn: compareFn(op, enumValueCmp), l, r, op });
  }
  if (op === '||' && (lt === 'text' || rt === 'text')) {
    // A reg* operand prints as its output function prints it (the object's name, from the catalog).
    const lReg = regOutputExpr(scope, l, 'text', -1);
    if (lReg !== null) return binaryOp(scope, op, lReg, r, location);
    const rReg = regOutputExpr(scope, r, 'text', -1);
    if (rReg !== null) return binaryOp(scope, op, l, rReg, location);
    // A real / double precision operand prints with the executing session's
    // extra_float_digits: a cast node evaluates it with the session's value.
    if (castPrintsFloats(lt, 'text')) return binaryOp(scope, op, { k: 'cast', type: 'text', from: lt, typmod: -1, arg: l, explicit: false }, r, location);
    if (castPrintsFloats(rt, 'text')) return binaryOp(scope, op, l, { k: 'cast', type: 'text', from: rt, typmod: -1, arg: r, explicit: false }, location);
    const lf = lt, rf = rt;
    return {
      k: 'op2', type: 'text', l, r, op,
      fn: (a, b, zone) => (lf === 'text' ? a : castValue(a, lf, 'text', -1, zone)) as string + ((rf === 'text' ? b : castValue(b, rf, 'text', -1, zone)) as string),
    };
  }
  throw noOperator(op, lt, rt, location);
}

function exprLocation(e: Expr, fallback: number): number {
  return e.k === 'const' && e.loc !== undefined && e.loc >= 0 ? e.loc : fallback;
}

type Cmp = (a: Value, b: Value) => number;

function numCmp(a: Value, b: Value): number {
  // numeric values (and integers compared with them) compare by exact value.
  if (a instanceof Numeric || b instanceof Numeric) return compareNumeric(a as number | Numeric, b as number | Numeric);
  // Mixed number/bigint compares correctly with < and >; NaN sorts above everything (as PostgreSQL).
  const an = a as number, bn = b as number;
  if (an < bn) return -1;
  if (an > bn) return 1;
  if (an == bn) return 0; // eslint-disable-line eqeqeq
  const aNaN = Number.isNaN(an), bNaN = Number.isNaN(bn);
  return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
}

/** float8 comparison (float8_cmp): a numeric operand is read as its nearest double. */
function floatCmp(a: Value, b: Value): number {
  return numCmp(Number(a), Number(b));
}

function textCmp(a: Value, b: Value): number {
  return textOrder(a as string, b as string);
}

function boolCmp(a: Value, b: Value): number {
  return a === b ? 0 : a ? 1 : -1;
}

/**
 * True when `cmp` is the integer / float / numeric comparison, which orders two JavaScript
 * numbers that are not NaN as `<` does: a sort may then compare such keys directly.
 */
export function isNumberCmp(cmp: unknown): boolean {
  return cmp === numCmp || cmp === floatCmp;
}

/** True when `cmp` is the text comparison (the C collation's order, {@link textOrder}). */
export function isTextCmp(cmp: unknown): boolean {
  return cmp === textCmp;
}

/** Total order used by ORDER BY on a column of `type` (nulls handled by the caller). */
export function comparatorFor(type: SqlType): Cmp {
  if (isNumeric(type) || isOidFamily(type)) return numCmp;
  if (type === 'text' || type === 'unknown' || type === 'uuid' || type === 'varchar') return textCmp;
  if (type === 'bpchar') return (a, b) => bpcharCmp(a as string, b as string);
  if (type === 'bytea') return (a, b) => byteaCmp(a as Uint8Array, b as Uint8Array);
  if (type === 'bool') return boolCmp;
  if (isEnumSqlType(type)) return enumValueCmp;
  const c = isArrayType(type) ? arrayTypeComparator(type) : TYPE_CMP[type];
  if (c !== undefined) return c;
  throw pgErr.featureNotSupported(`ORDER BY a value of type ${typeName(type)}`);
}

/** enum_cmp over values: what enum comparisons, ORDER BY and B-tree keys of an enum type use. */
const enumValueCmp: Cmp = (a, b) => enumCmp(a as EnumValue, b as EnumValue);

function compareFn(op: string, cmp: Cmp): Fn2 {
  switch (op) {
    case '=': return (a, b) => cmp(a, b) === 0;
    case '<>': return (a, b) => cmp(a, b) !== 0;
    case '<': return (a, b) => cmp(a, b) < 0;
    case '<=': return (a, b) => cmp(a, b) <= 0;
    case '>': return (a, b) => cmp(a, b) > 0;
    default: return (a, b) => cmp(a, b) >= 0;
  }
}

function divByZero(): PgError {
  return new PgError(SQLSTATE.division_by_zero, 'division by zero');
}

function arithFn(op: string, t: SqlType): Fn2 {
  if (t === 'int2') {
    switch (op) {
      case '+': return (a, b) => checkInt2((a as number) + (b as number));
      case '-': return (a, b) => checkInt2((a as number) - (b as number));
      case '*': return (a, b) => checkInt2((a as number) * (b as number));
      case '/': return (a, b) => { if (b === 0) throw divByZero(); return checkInt2(Math.trunc((a as number) / (b as number))); };
      default: return (a, b) => { if (b === 0) throw divByZero(); return (a as number) % (b as number); };
    }
  }
  if (t === 'int4') {
    switch (op) {
      case '+': return (a, b) => checkI4((a as number) + (b as number));
      case '-': return (a, b) => checkI4((a as number) - (b as number));
      case '*': return (a, b) => checkI4((a as number) * (b as number));
      case '/': return (a, b) => { if (b === 0) throw divByZero(); return checkI4(Math.trunc((a as number) / (b as number))); };
      default: return (a, b) => { if (b === 0) throw divByZero(); return (a as number) % (b as number); };
    }
  }
  if (t === 'int8') {
    const big = (v: Value) => BigInt(v as number | bigint);
    switch (op) {
      case '+': return (a, b) => toInt8(big(a) + big(b));
      case '-': return (a, b) => toInt8(big(a) - big(b));
      case '*': return (a, b) => toInt8(big(a) * big(b));
      case '/': return (a, b) => { if (Number(b) === 0) throw divByZero(); return toInt8(big(a) / big(b)); };
      default: return (a, b) => { if (Number(b) === 0) throw divByZero(); return toInt8(big(a) % big(b)); };
    }
  }
  if (t === 'numeric') {
    const n = (v: Value) => toNumeric(v as number | bigint | Numeric);
    switch (op) {
      case '+': return (a, b) => numericAdd(n(a), n(b));
      case '-': return (a, b) => numericSub(n(a), n(b));
      case '*': return (a, b) => numericMul(n(a), n(b));
      case '/': return (a, b) => numericDiv(n(a), n(b));
      default: return (a, b) => numericMod(n(a), n(b));
    }
  }
  const f4 = t === 'float4';
  const fin = (x: number) => (f4 ? Math.fround(x) : x);
  switch (op) {
    case '+': return (a, b) => fin(Number(a) + Number(b));
    case '-': return (a, b) => fin(Number(a) - Number(b));
    case '*': return (a, b) => fin(Number(a) * Number(b));
    case '/': return (a, b) => { if (Number(b) === 0) throw divByZero(); return fin(Number(a) / Number(b)); };
    default: return (a, b) => { if (Number(b) === 0) throw divByZero(); return Number(a) % Number(b); };
  }
}

const AGGREGATES: Record<string, Partial<Record<SqlType, Aggregate<any, any, any>>>> = {
  avg: { vector: vectorAvg, halfvec: halfvecAvg },
  sum: { vector: vectorSum, halfvec: halfvecSum },
};

/** The relation size functions and what each measures (ExprScope.relationSize). */
const SIZE_FUNCTIONS: Record<string, 'relation' | 'table' | 'indexes' | 'total'> = {
  pg_relation_size: 'relation', pg_table_size: 'table', pg_indexes_size: 'indexes', pg_total_relation_size: 'total',
};

const SEQUENCE_FUNCTIONS = new Set(['nextval', 'currval', 'setval', 'lastval', 'pg_get_serial_sequence']);

/**
 * nextval(regclass), currval(regclass), setval(regclass, bigint [, boolean]), lastval() and
 * pg_get_serial_sequence(text, text). vecgres has no regclass type: a sequence argument is its
 * name as text (`'s'::regclass` taken as `'s'`); a literal one is looked up now, as
 * PostgreSQL reads a regclass literal when parsing (42P01 at its position). Null when the
 * arguments fit none of them (the caller reports 42883).
 */
function sequenceCall(scope: ExprScope, name: string, argNodes: PgNode[], location: number): Expr | null {
  const seqArg = (a: PgNode): Expr => {
    const tc = a.TypeCast;
    const tn = tc?.typeName?.names as PgNode[] | undefined;
    const node: PgNode = tc !== undefined && tn !== undefined && tn[tn.length - 1]?.String?.sval === 'regclass' ? tc.arg : a;
    const e = analyzeExpr(scope, node);
    if (e.k === 'const' && typeof e.value === 'string') {
      try {
        scope.regclassOid(e.value);
      } catch (err) {
        if (err instanceof PgError && err.code === SQLSTATE.undefined_table) throw new PgError(err.code, err.message, pos(node.A_Const?.location ?? node.TypeCast?.arg?.A_Const?.location));
        throw err;
      }
    }
    return coerceTo(scope, e, 'text', -1);
  };
  const session = (type: SqlType, args: Expr[], fn: (v: Value[], s: SessionContext) => Value): Expr => ({ k: 'session', type, name, args, fn });
  switch (name) {
    case 'nextval':
    case 'currval':
      if (argNodes.length !== 1) return null;
      return session('int8', [seqArg(argNodes[0])], (v, s) => (v[0] === null ? null : s.sequence(name, v[0] as string)));
    case 'lastval':
      if (argNodes.length !== 0) return null;
      return session('int8', [], (_v, s) => s.lastval());
    case 'setval': {
      if (argNodes.length !== 2 && argNodes.length !== 3) return null;
      const args = [seqArg(argNodes[0]), applyArg(scope, analyzeExpr(scope, argNodes[1]), 'int8', location)];
      if (argNodes.length === 3) args.push(applyArg(scope, analyzeExpr(scope, argNodes[2]), 'bool', location));
      if (args[1]!.type !== 'int8' || (args.length === 3 && args[2]!.type !== 'bool')) return null;
      // setval is strict: a NULL argument gives NULL and changes nothing.
      return session('int8', args, (v, s) => (v.some((x) => x === null) ? null : s.setval(v[0] as string, BigInt(v[1] as number | bigint), v.length === 3 ? v[2] === true : true)));
    }
    case 'pg_get_serial_sequence': {
      if (argNodes.length !== 2) return null;
      const args = argNodes.map((a) => applyArg(scope, analyzeExpr(scope, a), 'text', location));
      if (args.some((a) => a.type !== 'text')) return null;
      return session('text', args, (v, s) => (v.some((x) => x === null) ? null : s.serialSequence(v[0] as string, v[1] as string)));
    }
    default:
      return null;
  }
}

function analyzeFuncCall(scope: ExprScope, n: PgNode): Expr {
  const names: string[] = (n.funcname as PgNode[]).map((x) => x.String.sval as string);
  // The parser folded an unquoted name to lower case; a quoted one keeps its case and names
  // no built-in function when it has capitals (`"LOWER"('A')` is 42883, as in PostgreSQL).
  const name = names[names.length - 1]!;
  const positional = positionalArgs(name, (n.args ?? []) as PgNode[]);
  if (positional !== null) return namedArgsCall(scope, n, name, positional);
  if (n.func_variadic === true) return variadicCall(scope, name, n);
  // Before OVER: PostgreSQL refuses an ordered-set aggregate over a window once it resolves.
  if (ORDERED_SET_AGGREGATE_NAMES.has(name)) return analyzeAggregate(scope, name, n);
  // rank(x) WITHIN GROUP, or rank(x) without it or OVER: the hypothetical-set aggregate
  // (rank() and rank(x) OVER (...) are the window functions).
  if (HYPOTHETICAL_SET_AGGREGATE_NAMES.has(name) && (n.agg_within_group === true || (n.over === undefined && (n.args ?? []).length > 0))) return analyzeAggregate(scope, name, n);
  if (n.agg_within_group === true) return withinGroupOfOther(scope, n, name);
  if (n.over !== undefined) return analyzeWindowCall(scope, n, name);
  if (AGGREGATE_NAMES.has(name)) return analyzeAggregate(scope, name, n);
  if (n.agg_distinct === true || n.agg_order !== undefined || n.agg_filter !== undefined) {
    // An aggregate's clauses on a plain function (ParseFuncOrColumn): once the call resolves
    // (an unknown or unsupported function fails first, as there), 42809.
    analyzeFuncCall(scope, { ...n, agg_distinct: undefined, agg_order: undefined, agg_filter: undefined });
    const clause = n.agg_distinct === true ? 'DISTINCT' : n.agg_order !== undefined ? 'ORDER BY' : 'FILTER';
    throw new PgError(SQLSTATE.wrong_object_type, `${clause} specified, but ${name} is not an aggregate function`, pos(n.location));
  }
  if (name === 'pg_partition_ancestors') {
    // A relation and the partitioned tables above it; none for a relation that is not a
    // partition (vecgres has no partitioning): unnest of an empty array, after the argument is
    // read as a regclass.
    if (!scope.allowSetReturning) throw pgErr.featureNotSupported('pg_partition_ancestors() outside the select list or FROM');
    const raw = (n.args ?? []) as PgNode[];
    if (raw.length !== 1) throw undefinedFunction(name, raw.map((a) => analyzeExpr(scope, a).type), n.location);
    const lit = raw[0]!.A_Const;
    if (lit?.sval !== undefined) scope.regclassOid(lit.sval.sval as string);
    else oidArg(scope, name, [analyzeExpr(scope, raw[0]!)], 0, n.location);
    scope.sawSetReturning = true;
    return { k: 'srf', type: 'int8', name: 'unnest', arg: { k: 'const', type: 'int8[]', value: new PgArray('int8', [], []) } };
  }
  if (name === 'unnest') {
    if (!scope.allowSetReturning) throw pgErr.featureNotSupported('unnest() outside the select list or FROM');
    const args = ((n.args ?? []) as PgNode[]).map((a) => catalogVectorAsArray(scope, analyzeExpr(scope, a)));
    if (args.length !== 1 || !isArrayType(args[0]!.type)) {
      if (args.length === 1 && args[0]!.type === 'unknown') {
        throw new PgError('42725', 'function unnest(unknown) is not unique', {
          hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
          ...pos(n.location),
        });
      }
      throw undefinedFunction(name, args.map((a) => a.type), n.location);
    }
    scope.sawSetReturning = true;
    return { k: 'srf', type: elemTypeOf(args[0]!.type as ArraySqlType), name, arg: args[0]!, loc: n.location };
  }
  if (SEQUENCE_FUNCTIONS.has(name)) {
    const seq = sequenceCall(scope, name, (n.args ?? []) as PgNode[], n.location);
    if (seq !== null) return seq;
  }
  if (own(SIZE_FUNCTIONS, name) !== undefined && n.args?.length === 1) {
    // Their argument is a regclass: vecgres has no regclass type, so `x::regclass` and a
    // relation name as text both name the relation.
    const a: PgNode = n.args[0];
    const tc = a.TypeCast;
    const tn = tc?.typeName?.names as PgNode[] | undefined;
    const argNode: PgNode = tc !== undefined && tn !== undefined && tn[tn.length - 1]?.String?.sval === 'regclass' ? tc.arg : a;
    const arg = analyzeExpr(scope, argNode);
    const what = SIZE_FUNCTIONS[name]!;
    const cat = scope.catalogLookups?.();
    if ((arg.type === 'int8' || arg.type === 'int4' || isOidFamily(arg.type)) && cat !== undefined) {
      // An oid (psql's \d+ passes pg_class.oid): NULL when it names no relation, as PostgreSQL answers.
      return {
        k: 'op1', type: 'int8', arg, op: name,
        fn: (o) => {
          const rel = cat.relationName(Number(o));
          return rel === null || CATALOG_OIDS[rel] !== undefined ? null : scope.relationSize(rel, what);
        },
      };
    }
    if (arg.k === 'const' && typeof arg.value === 'string') {
      // A literal is a regclass read when the statement is parsed: an unknown relation fails
      // there, at the literal's position.
      try {
        scope.relationSize(arg.value, what);
      } catch (e) {
        if (e instanceof PgError && e.code === SQLSTATE.undefined_table) throw new PgError(e.code, e.message, pos(argNode.A_Const?.location ?? argNode.TypeCast?.arg?.A_Const?.location));
        throw e;
      }
    }
    return { k: 'op1', type: 'int8', arg: coerceTo(scope, arg, 'text', -1), fn: (s) => scope.relationSize(s as string, what) };
  }
  if (name === 'row_to_json') return rowToJsonCall(scope, n);
  const args = ((n.args ?? []) as PgNode[]).map((a) => analyzeFunctionArg(scope, name, a));
  const jsrf = own(JSON_SRFS, name);
  if (jsrf !== undefined) {
    const arg = jsonSrfArg(scope, name, args, n.location);
    if (!scope.allowSetReturning) throw pgErr.featureNotSupported(`${name}() outside the select list or FROM`);
    if (jsrf.cols.length > 1) throw pgErr.featureNotSupported(`${name}() returning a record in the select list`);
    scope.sawSetReturning = true;
    return { k: 'srf', type: jsrf.cols[0]!.type, name, arg, expand: (v) => jsrf.rows(v as string).map((r) => r[0]!), loc: n.location };
  }
  if (isWholeSetSrf(name) || name === 'generate_series') {
    const { call, rowType } = textSrfCall(scope, name, args, n.location, name === 'generate_series' ? GENERATE_SERIES : undefined);
    if (!scope.allowSetReturning) throw pgErr.featureNotSupported(`${name}() outside the select list or FROM`);
    scope.sawSetReturning = true;
    return { k: 'srf', type: rowType, name, arg: call, loc: n.location, spread: true };
  }
  if (name === 'jsonb_build_object' || name === 'jsonb_build_array' || name === 'to_jsonb') return jsonbBuildCall(scope, name, args, n.location);
  if (name === 'json_build_object' || name === 'json_build_array' || name === 'to_json') return jsonBuildCall(scope, name, args, n.location);
  if (own(EXTRACT_PATH, name) !== undefined) return extractPathCall(scope, name, args, n.location);
  if ((name === 'gen_random_uuid' || name === 'uuidv4') && args.length === 0 && scope.random !== undefined) {
    // Volatile: a new value per row, never folded into a constant. From the executing session's
    // stream (an analysis is shared by the sessions that run the same statement text).
    const own = scope.random();
    return { k: 'fn', type: 'uuid', name, args: [], fn: (_a, ctx) => {
      const rng = ctx.env?.random ?? own;
      return randomUuid(() => rng.nextU32());
    } };
  }
  const special = specialFunction(scope, name, args, n.location);
  if (special !== null) return special;
  if (name === 'timezone' && args.length === 2 && (args[1]!.type === 'time' || args[1]!.type === 'timetz')) return timetzAtTimeZone(scope, args, n.location);
  const overloads = functionOverloads(name);
  if (overloads !== undefined) return overloadedCall(scope, name, overloads, args, n.location);
  if (name === 'pg_column_size' && args.length === 1) {
    const a = args[0]!;
    const stored = a.k === 'var';
    const t = a.type;
    // An untyped literal is a C string to pg_column_size ("any"): its bytes plus the NUL.
    if (t === 'unknown') return { k: 'op1', type: 'int4', arg: a, fn: (v) => utf8Length(v as string) + 1 };
    return { k: 'op1', type: 'int4', arg: a, fn: (v) => columnSizeOf(v, t, stored) };
  }
  if (name === 'pg_size_pretty' && args.length === 1) {
    // pg_size_pretty(bigint) and pg_size_pretty(numeric): an integer argument reaches both by
    // implicit casts and neither is preferred, so PostgreSQL calls it not unique.
    const t = args[0]!.type;
    if (t === 'int8') return { k: 'op1', type: 'text', arg: args[0]!, fn: (v) => sizePretty(Number(v)) };
    if (t === 'numeric') return { k: 'op1', type: 'text', arg: args[0]!, fn: (v) => numericSizePretty(v as Numeric) };
    if (t === 'int4' || t === 'unknown') {
      throw new PgError('42725', `function pg_size_pretty(${typeName(t)}) is not unique`, {
        hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
        ...pos(n.location),
      });
    }
  }
  // A function PostgreSQL has and vecgres does not implement at all: say so (0A000) rather
  // than claim it does not exist. Names vecgres implements for some argument types keep 42883.
  if (PG_FUNCTION_NAMES.has(name) && !PARTLY_IMPLEMENTED.has(name)) throw pgErr.featureNotSupported(`function ${name}()`);
  throw undefinedFunction(name, args.map((a) => a.type), n.location);
}

/**
 * `(jsonb_each(j)).key` / `.value` in a select list: one column of a json set-returning
 * function's record rows. Null when `n` is not of that shape (other indirections stay
 * unsupported).
 * @throws PgError 42703 `could not identify column "f" in record data type`.
 */
function srfFieldSelection(scope: ExprScope, n: PgNode): Expr | null {
  const ind = (n.indirection ?? []) as PgNode[];
  const fc = n.arg?.FuncCall;
  if (fc === undefined || fc.over !== undefined || ind.length !== 1 || ind[0]!.String === undefined) return null;
  const fnames = (fc.funcname as PgNode[]).map((x) => x.String.sval as string);
  const name = fnames[fnames.length - 1]!;
  const srf = own(JSON_SRFS, name);
  if (srf === undefined || srf.cols.length < 2) return null;
  const field = ind[0]!.String.sval as string;
  const args = ((fc.args ?? []) as PgNode[]).map((a) => analyzeExpr(scope, a));
  const arg = jsonSrfArg(scope, name, args, fc.location);
  const col = srf.cols.findIndex((c) => c.name === field);
  if (col < 0) throw new PgError(SQLSTATE.undefined_column, `could not identify column "${field}" in record data type`, pos(n.arg.FuncCall.location));
  if (!scope.allowSetReturning) throw pgErr.featureNotSupported(`${name}() outside the select list or FROM`);
  scope.sawSetReturning = true;
  return { k: 'srf', type: srf.cols[col]!.type, name, arg, field, expand: (v) => srf.rows(v as string).map((r) => r[col]!), loc: fc.location };
}

/**
 * A call of one of the set-returning functions that compute their whole set (builtin_functions.ts
 * TEXT_SRFS, generate_subscripts; `overloads` given for generate_series in the select list),
 * resolved among its overloads: `call` computes all the rows as one array (never folded into a
 * constant, so it runs, and fails, when the rows are read), `rowType` is one row's type.
 * @throws PgError 42883 when no overload takes the arguments, 42725 when several do; 42804
 *   `could not determine polymorphic type because input has type unknown` for an untyped
 *   array argument of generate_subscripts (anyarray).
 */
export function textSrfCall(scope: ExprScope, name: string, args: Expr[], location: number, overloads?: readonly Overload[]): { call: Expr; rowType: SqlType } {
  // generate_subscripts of an int2vector / oidvector catalog column: its subscripts start at 0.
  const vector = name === 'generate_subscripts' && args[0] !== undefined ? catalogVectorAsArray(scope, args[0]) : undefined;
  const zeroBased = vector !== undefined && vector !== args[0];
  if (zeroBased) args = [vector, ...args.slice(1)];
  const res = resolveOverload(overloads ?? wholeSetSrfOverloads(name, args.map((a) => a.type))!, args.map((a) => a.type), false);
  if (!res.ok) {
    if (!res.ambiguous) throw undefinedFunction(name, args.map((a) => a.type), location);
    throw new PgError('42725', `function ${name}(${args.map((a) => typeName(a.type)).join(', ')}) is not unique`, {
      hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
      ...pos(location),
    });
  }
  const o = res.overload;
  if (name === 'generate_subscripts') requireKnownPolymorphic(args[0]!);
  const a = args.map((x, i) => applyArg(scope, x, o.args[i]!, location));
  const impl = o.impl as FnN;
  const fn: FnN = zeroBased
    ? (vals, ctx) => {
      const r = impl(vals, ctx) as PgArray | null;
      return r === null ? null : new PgArray(r.elemType, r.dims, r.elems.map((x) => (x === null ? null : (x as number) - 1)));
    }
    : impl;
  const call: Expr = { k: 'fn', type: 'text[]', name, fn, args: a, ...(o.strict === false ? { strict: false as const } : {}) };
  return { call, rowType: o.result };
}

/**
 * The argument of a json set-returning function (types/json_srf.ts), an untyped literal read
 * as the function's argument type.
 * @throws PgError 42883 `function jsonb_each(json) does not exist` for any other argument list.
 */
export function jsonSrfArg(scope: ExprScope, name: string, args: Expr[], location: number): Expr {
  const want = JSON_SRFS[name]!.arg;
  if (args.length === 1 && (args[0]!.type === want || args[0]!.type === 'unknown')) return coerceTo(scope, args[0]!, want, -1, exprLocation(args[0]!, -1));
  throw undefinedFunction(name, args.map((a) => a.type), location);
}

/**
 * An argument of a function declared over "any" (concat, format, json[b]_build_*): an untyped
 * literal is text, a reg* value its name; an untyped parameter stays undetermined, so the statement fails with
 * PostgreSQL's 42P18 `could not determine data type of parameter $n` (prepare checks it).
 */
function anyArgument(scope: ExprScope, a: Expr): Expr {
  // A reg* value is read through its output function (the object's name, from the catalog).
  const reg = regOutputExpr(scope, a, 'text', -1);
  // PostgreSQL passes the value itself (the function calls its output function): EXPLAIN shows no cast.
  if (reg !== null) return { ...reg, implicit: true } as Expr;
  return a.type === 'unknown' && a.k !== 'param' ? coerceTo(scope, a, 'text', -1) : a;
}

/**
 * An anyelement argument (to_json, to_jsonb) must have a type: an untyped literal or parameter
 * cannot resolve the polymorphic type.
 * @throws PgError 42804 `could not determine polymorphic type because input has type unknown`.
 */
export function requireKnownPolymorphic(a: Expr): void {
  if (a.type === 'unknown') throw unknownPolymorphic();
}

/** PostgreSQL's error for an anyelement argument of type unknown (42804). */
export function unknownPolymorphic(): PgError {
  return new PgError(SQLSTATE.datatype_mismatch, 'could not determine polymorphic type because input has type unknown');
}

/** Functions analyzeFuncCall handles by name for some argument types only. */
const PARTLY_IMPLEMENTED = new Set(['age', 'pg_column_size', 'pg_relation_size', 'pg_table_size', 'pg_total_relation_size', 'pg_size_pretty', 'gen_random_uuid', 'uuidv4', 'random']);

/**
 * jsonb_build_object(k, v, ...), jsonb_build_array(v, ...) and to_jsonb(v). Not strict (a
 * NULL value is JSON null), so each argument is turned into a never-null jsonb first.
 * @throws PgError 22023 `argument list must have even number of elements`, 22004 for a NULL
 *   key, 42883 for to_jsonb without exactly one argument.
 */
function jsonbBuildCall(scope: ExprScope, name: string, args: Expr[], location: number): Expr {
  if (name === 'to_jsonb' && args.length !== 1) throw undefinedFunction(name, args.map((a) => a.type), location);
  if (name === 'to_jsonb') requireKnownPolymorphic(args[0]!);
  if (name === 'jsonb_build_object' && args.length % 2 !== 0) {
    throw new PgError(SQLSTATE.invalid_parameter_value, 'argument list must have even number of elements', {
      hint: 'The arguments of jsonb_build_object() must consist of alternating keys and values.',
    });
  }
  const wrapped: Expr[] = args.map((a) => {
    const e = anyArgument(scope, a);
    const t = e.type;
    // Per row with the session's extra_float_digits (a float goes through float8out's text).
    const conv: Expr = { k: 'fn', type: 'jsonb', name: 'to_jsonb', args: [e], fn: ([v], ctx) => new Jsonb(toJsonbValue(v!, t, ctx.zone, ctx.floatDigits)) };
    // A NULL argument becomes JSON null here (the key check below tells the two apart).
    return { k: 'coalesce', type: 'jsonb', args: [conv, { k: 'const', type: 'jsonb', value: NULL_ARG }] };
  });
  const fn: FnN = (vals) => {
    const js = vals as Jsonb[];
    if (name === 'to_jsonb') return js[0] === NULL_ARG ? null : js[0]!;
    if (name === 'jsonb_build_array') return new Jsonb(js.map((j) => j.root));
    const keys: (string | null)[] = [];
    const values: JsonbValue[] = [];
    for (let i = 0; i < js.length; i += 2) {
      const k = js[i]!;
      keys.push(k === NULL_ARG ? null : typeof k.root === 'string' ? k.root : k.toString());
      values.push(js[i + 1]!.root);
    }
    return jsonbBuildObject(keys, values);
  };
  return { k: 'fn', type: 'jsonb', name, args: wrapped, fn };
}

/** The json functions whose direct arguments may be whole-row references, and which JSON they read them as. */
const WHOLE_ROW_JSON: Readonly<Record<string, 'json' | 'jsonb'>> = {
  to_json: 'json', row_to_json: 'json', json_agg: 'json', json_build_object: 'json', json_build_array: 'json',
  to_jsonb: 'jsonb', jsonb_agg: 'jsonb', jsonb_build_object: 'jsonb', jsonb_build_array: 'jsonb',
};

/** The columns of each whole-row JSON expression ({@link wholeRowJson}), for row_to_json's pretty form. */
const wholeRows = new WeakMap<Expr, { names: readonly string[]; exprs: readonly Expr[]; rowType: string; presence?: Expr }>();

/** True for an expression {@link wholeRowJson} made (a composite value to json_agg, which starts each on a new line). */
export function isWholeRowJson(e: Expr): boolean {
  return wholeRows.has(e);
}

/**
 * A whole-row reference (`t`, `t.*` of a FROM item with columns `names` read by `exprs`) as the
 * JSON PostgreSQL makes of the record: json as composite_to_json prints it
 * (`{"id":1,"name":"x"}`, the columns in order, duplicates kept; `pretty` puts each after the
 * first on a line of its own), or jsonb (keys normalized, the last of duplicates kept). Values
 * as to_json / to_jsonb convert them, NULL as null. `presence`: a NOT NULL column of a row on an
 * outer join's nullable side, NULL exactly when the row is NULL-extended (then the result is NULL).
 */
export function wholeRowJson(kind: 'json' | 'jsonb', names: readonly string[], exprs: readonly Expr[], pretty?: Expr, presence?: Expr, rowType = 'record'): Expr {
  const types = exprs.map((e) => e.type);
  const n = exprs.length;
  // The arguments: the columns, then the pretty flag and the presence column when given.
  const extra = [...(pretty !== undefined ? [pretty] : []), ...(presence !== undefined ? [presence] : [])];
  const absent = (vals: readonly Value[]): boolean => presence !== undefined && vals[vals.length - 1] === null;
  let e: Expr;
  if (kind === 'jsonb') {
    e = {
      k: 'fn', type: 'jsonb', name: 'to_jsonb', args: [...exprs, ...extra], strict: false,
      fn: (vals, ctx) => (absent(vals) ? null : jsonbBuildObject(names, vals.slice(0, n).map((v, i) => (v === null ? null : toJsonbValue(v, types[i]!, ctx.zone, ctx.floatDigits))))),
    };
  } else {
    const keys = names.map((k) => quoteJsonString(k));
    e = {
      k: 'fn', type: 'json', name: 'row_to_json', args: [...exprs, ...extra], strict: false,
      fn: (vals, ctx) => {
        if (absent(vals)) return null;
        // row_to_json(record, pretty) is strict in its flag.
        if (pretty !== undefined && vals[n] === null) return null;
        const sep = pretty !== undefined && vals[n] === true ? ',\n ' : ',';
        const parts: string[] = [];
        for (let i = 0; i < keys.length; i++) {
          const v = vals[i]!;
          parts.push(`${keys[i]!}:${v === null ? 'null' : toJsonText(v, types[i]!, ctx.zone, ctx.floatDigits)}`);
        }
        return `{${parts.join(sep)}}`;
      },
    };
  }
  wholeRows.set(e, { names, exprs, rowType, ...(presence !== undefined ? { presence } : {}) });
  return e;
}

/**
 * A function argument, with a whole-row reference (`t`, `t.*`) read as JSON where `fname` is
 * a json function that takes records ({@link WHOLE_ROW_JSON}); otherwise analyzeExpr.
 */
function analyzeFunctionArg(scope: ExprScope, fname: string, node: PgNode): Expr {
  const as = own(WHOLE_ROW_JSON, fname);
  const fields = node?.ColumnRef?.fields as PgNode[] | undefined;
  if (as === undefined || fields === undefined) return analyzeExpr(scope, node);
  // `t.*` is the whole row of t, as `t` is when no column is named t.
  const star = fields.length === 2 && fields[1]!.A_Star !== undefined && fields[0]!.String !== undefined;
  const arg = star ? { ColumnRef: { ...node.ColumnRef, fields: [fields[0]] } } : node;
  const saved = scope.wholeRowAs;
  scope.wholeRowAs = as;
  try {
    return analyzeExpr(scope, arg);
  } finally {
    scope.wholeRowAs = saved;
  }
}

/**
 * row_to_json(record [, pretty boolean]): a whole-row reference as json ({@link wholeRowJson}).
 * @throws PgError 42883 for any other argument (vecgres has no other record values).
 */
function rowToJsonCall(scope: ExprScope, n: PgNode): Expr {
  const raw = (n.args ?? []) as PgNode[];
  const args = raw.map((a, i) => (i === 0 ? analyzeFunctionArg(scope, 'row_to_json', a) : analyzeExpr(scope, a)));
  const row = args[0] === undefined ? undefined : wholeRows.get(args[0]);
  if (row === undefined || args.length > 2 || (args.length === 2 && args[1]!.type !== 'bool' && args[1]!.type !== 'unknown')) {
    const types = args.map((a, i) => (i === 0 && row !== undefined ? quoteIdent(row.rowType) : typeName(a.type)));
    throw new PgError(SQLSTATE.undefined_function, `function row_to_json(${types.join(', ')}) does not exist`, { hint: NO_FN_HINT, ...pos(n.location) });
  }
  return args.length === 1 ? args[0]! : wholeRowJson('json', row.names, row.exprs, applyArg(scope, args[1]!, 'bool', n.location), row.presence, row.rowType);
}

/**
 * json_build_object(k, v, ...), json_build_array(v, ...) and to_json(v), as json text
 * (json.c): `{"k" : v, "k2" : v2}`, `[v, v2]`, values as datum_to_json prints them
 * (timestamptz in the session zone, `"2026-12-02T03:00:00+01:00"`). Not strict: a NULL value
 * is `null`.
 * @throws PgError 22023 `argument list must have even number of elements`, 22004 `null value
 *   not allowed for object key`, 22023 for an array or json key, 42883 for to_json without
 *   exactly one argument.
 */
function jsonBuildCall(scope: ExprScope, name: string, args: Expr[], location: number): Expr {
  if (name === 'to_json' && args.length !== 1) throw undefinedFunction(name, args.map((a) => a.type), location);
  if (name === 'to_json') requireKnownPolymorphic(args[0]!);
  const object = name === 'json_build_object';
  if (object && args.length % 2 !== 0) {
    throw new PgError(SQLSTATE.invalid_parameter_value, 'argument list must have even number of elements', {
      hint: 'The arguments of json_build_object() must consist of alternating keys and values.',
    });
  }
  const wrapped: Expr[] = args.map((a, i) => {
    const e = anyArgument(scope, a);
    const t = e.type;
    const key = object && i % 2 === 0;
    const conv: Expr = key
      ? { k: 'fn', type: 'text', name: 'to_json', args: [e], fn: ([v], ctx) => quoteJsonString(keyTextOf(v!, t, ctx.zone, ctx.floatDigits)) }
      : { k: 'fn', type: 'text', name: 'to_json', args: [e], fn: ([v], ctx) => toJsonText(v!, t, ctx.zone, ctx.floatDigits) };
    // A NULL argument becomes NULL_TEXT (a NUL never starts JSON text): null, or an error for a key.
    return { k: 'coalesce', type: 'text', args: [conv, { k: 'const', type: 'text', value: NULL_TEXT }] };
  });
  const fn: FnN = (vals) => {
    const texts = vals as string[];
    if (name === 'to_json') return texts[0] === NULL_TEXT ? null : texts[0]!;
    const json = texts.map((x) => (x === NULL_TEXT ? 'null' : x));
    if (!object) return `[${json.join(', ')}]`;
    const parts: string[] = [];
    for (let i = 0; i < texts.length; i += 2) {
      if (texts[i] === NULL_TEXT) throw new PgError(SQLSTATE.null_value_not_allowed, 'null value not allowed for object key');
      parts.push(`${texts[i]!} : ${json[i + 1]!}`);
    }
    return `{${parts.join(', ')}}`;
  };
  return { k: 'fn', type: 'json', name, args: wrapped, fn };
}

/**
 * jsonb_extract_path(from_json jsonb, VARIADIC path_elems text[]) and its `_text` and json
 * twins: `#>` / `#>>` as functions. Their argument types and result type.
 */
const EXTRACT_PATH: Readonly<Record<string, { arg: 'jsonb' | 'json'; result: SqlType }>> = {
  jsonb_extract_path: { arg: 'jsonb', result: 'jsonb' },
  jsonb_extract_path_text: { arg: 'jsonb', result: 'text' },
  json_extract_path: { arg: 'json', result: 'json' },
  json_extract_path_text: { arg: 'json', result: 'text' },
};

/** Whether an argument becomes `t` for a call: the same type, untyped, or an implicit cast. */
function reaches(e: Expr, t: SqlType): boolean {
  return e.type === t || e.type === 'unknown' || castContext(e.type, t) === 'implicit';
}

/** The path lookup of an extract_path function over its document and path elements. */
function extractPathFn(name: string): (doc: Value, path: readonly (string | null)[]) => Value {
  switch (name) {
    case 'jsonb_extract_path': return (d, p) => jsonbPath(d as Jsonb, p);
    case 'jsonb_extract_path_text': return (d, p) => jsonbAsText(jsonbPath(d as Jsonb, p));
    case 'json_extract_path': return (d, p) => jsonPath(d as string, p);
    default: return (d, p) => jsonAsText(jsonPath(d as string, p));
  }
}

/**
 * An extract_path function called with its path elements as separate arguments
 * (`jsonb_extract_path(j, 'a', '0')`): PostgreSQL gathers them into the VARIADIC text[] (an
 * ARRAY[...] that constant elements fold into a literal), so the call is the array form's.
 * @throws PgError 42883 `function jsonb_extract_path(jsonb) does not exist` without a path
 *   element, or for an argument that does not implicitly become jsonb / json / text.
 */
function extractPathCall(scope: ExprScope, name: string, args: Expr[], location: number): Expr {
  const f = EXTRACT_PATH[name]!;
  if (args.length < 2 || !reaches(args[0]!, f.arg) || !args.slice(1).every((a) => reaches(a, 'text'))) throw undefinedFunction(name, args.map((a) => a.type), location);
  const elems = args.slice(1).map((a) => applyArg(scope, a, 'text', location));
  const path: Expr = elems.every((e) => e.k === 'const')
    ? { k: 'const', type: 'text[]', value: buildArray('text[]', elems.map((e) => (e as { value: Value }).value)) }
    : { k: 'array', type: 'text[]', elems };
  return extractPathOver(scope, name, applyArg(scope, args[0]!, f.arg, location), path);
}

/**
 * An extract_path function with its path as one array (`VARIADIC path`).
 * @throws PgError 42883 unless called as (document, VARIADIC text[]); 22P02 for an untyped
 *   path that is no array literal.
 */
function extractPathVariadic(scope: ExprScope, name: string, raw: readonly PgNode[], location: number): Expr {
  const f = EXTRACT_PATH[name]!;
  const args = raw.map((r) => analyzeExpr(scope, r));
  if (args.length !== 2 || !reaches(args[0]!, f.arg) || !reaches(args[1]!, 'text[]')) throw undefinedFunction(name, args.map((a) => a.type), location);
  return extractPathOver(scope, name, applyArg(scope, args[0]!, f.arg, location), applyArg(scope, args[1]!, 'text[]', location));
}

/** `#>` / `#>>` of `doc` along the text[] `path`, as the strict function call PostgreSQL makes. */
function extractPathOver(scope: ExprScope, name: string, doc: Expr, path: Expr): Expr {
  const get = extractPathFn(name);
  return foldConstants(scope, {
    k: 'fn', type: EXTRACT_PATH[name]!.result, name, args: [doc, path], variadic: true,
    fn: ([d, p]) => get(d!, (p as PgArray).elems as (string | null)[]),
  });
}

/** The stand-in for a NULL argument of the json builders. */
const NULL_TEXT = '\u0000';

/** The stand-in for a NULL argument of the jsonb builders (JSON null, told apart by identity). */
const NULL_ARG = new Jsonb(null);

/** The aggregate functions vecgres knows. */
const AGGREGATE_NAMES = new Set(['count', 'avg', 'sum', 'min', 'max', 'array_agg', 'string_agg', 'bool_and', 'bool_or', 'every', 'jsonb_agg', 'json_agg', 'jsonb_object_agg', 'json_object_agg', ...STAT_AGGREGATE_NAMES]);

/**
 * The DISTINCT / ORDER BY / FILTER clauses of an aggregate call (PostgreSQL's transformAggregateCall).
 * ORDER BY items are analyzed like the arguments; FILTER may not hold aggregates.
 * @throws PgError 42P10 `in an aggregate with DISTINCT, ORDER BY expressions must appear in
 *   argument list`, 42803 `aggregate functions are not allowed in FILTER`, 42804 FILTER not boolean.
 */
function aggregateMods(scope: ExprScope, n: PgNode, args: () => Expr[], analyzeArg: (node: PgNode) => Expr): AggMods | undefined {
  if (n.agg_distinct !== true && n.agg_order === undefined && n.agg_filter === undefined) return undefined;
  const order = ((n.agg_order ?? []) as PgNode[]).map((sb) => {
    const b = sb.SortBy;
    if (b.useOp !== undefined) throw pgErr.featureNotSupported('ORDER BY ... USING');
    let expr = analyzeArg(b.node);
    if (expr.type === 'unknown') expr = coerceTo(scope, expr, 'text', -1);
    const desc = b.sortby_dir === 'SORTBY_DESC';
    const nullsFirst = b.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : b.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : desc;
    if (n.agg_distinct === true && !args().some((a) => exprEqual(a, expr))) {
      throw new PgError(SQLSTATE.invalid_column_reference, 'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list', pos(leftmostLoc(b.node)));
    }
    return { expr, desc, nullsFirst, cmp: comparatorFor(expr.type) };
  });
  let filter: Expr | null = null;
  if (n.agg_filter !== undefined) {
    const saved = { allow: scope.allowAggregates, inside: scope.insideAggregate, clause: scope.aggregateClause, wclause: scope.windowClause, win: scope.allowWindows };
    scope.allowAggregates = false;
    scope.insideAggregate = false;
    scope.aggregateClause = 'FILTER';
    scope.windowClause = 'FILTER';
    scope.allowWindows = false;
    try {
      filter = requireBool(scope, analyzeExpr(scope, n.agg_filter), 'argument of FILTER', n.agg_filter);
    } finally {
      scope.allowAggregates = saved.allow;
      scope.insideAggregate = saved.inside;
      scope.aggregateClause = saved.clause;
      scope.windowClause = saved.wclause;
      scope.allowWindows = saved.win;
    }
  }
  return { distinct: n.agg_distinct === true, order, filter };
}

/** The leftmost location in a raw node (PostgreSQL's exprLocation), -1 when it has none. */
function leftmostLoc(node: PgNode): number {
  return leftmostLocation(node) ?? -1;
}

/** GROUPING(...)'s aggregate slot: never folded (the Agg node computes the value per grouping set). */
const GROUPING_AGG: Aggregate<any, any, any> = {
  init: () => null,
  step: (s: unknown) => s,
  final: () => { throw new Error('GROUPING() is computed by the Agg node'); },
} as unknown as Aggregate<any, any, any>;

/**
 * GROUPING(a, ...): an int4 bit mask, one bit per argument (the last the lowest), set when the
 * argument is not grouped in the output row's grouping set (PostgreSQL's GroupingFunc,
 * parse_agg.c transformGroupingFunc). Allowed where aggregates are; its arguments are checked
 * against GROUP BY with the rest of the query (checkGrouped).
 *
 * @throws PgError 42803 `grouping operations are not allowed in <clause>`; 54011 `GROUPING must
 *   have fewer than 32 arguments`.
 */
function analyzeGroupingFunc(scope: ExprScope, n: PgNode): Expr {
  if (!scope.allowAggregates || scope.insideAggregate === true) {
    // Inside an aggregate's arguments PostgreSQL reports the nesting as of an aggregate.
    const msg = scope.insideAggregate === true ? 'aggregate function calls cannot be nested' : `grouping operations are not allowed in ${scope.aggregateClause ?? 'WHERE'}`;
    throw new PgError(SQLSTATE.grouping_error, msg, pos(n.location));
  }
  const raw = (n.args ?? []) as PgNode[];
  if (raw.length >= 32) throw new PgError(SQLSTATE.too_many_columns, 'GROUPING must have fewer than 32 arguments', pos(n.location));
  const saved = scope.allowAggregates;
  scope.allowAggregates = false;
  let gargs: Expr[];
  try {
    gargs = raw.map((a) => analyzeExpr(scope, a));
  } finally {
    scope.allowAggregates = saved;
  }
  // GROUPING of an outer query's columns belongs to that query (as an outer aggregate does).
  const outer = (e: Expr): boolean => {
    if (e.k === 'var') return e.levelsUp > 0;
    let found = false;
    forEachOperand(e, (x) => {
      if (!found && outer(x)) found = true;
    });
    return found;
  };
  if (gargs.some(outer)) throw pgErr.featureNotSupported('GROUPING() of an outer query\'s columns');
  scope.sawAggregate = true;
  return { k: 'agg', type: 'int4', name: 'GROUPING', agg: GROUPING_AGG, arg: gargs[0]!, gargs };
}

/** `es` read columns, all of them of enclosing queries (levelsUp > 0). */
function onlyOuterColumns(es: readonly Expr[]): boolean {
  let outer = false;
  let local = false;
  const walk = (x: Expr): void => {
    if (x.k === 'var') {
      if (x.levelsUp > 0) outer = true;
      else local = true;
    }
    forEachOperand(x, walk);
  };
  for (const e of es) walk(e);
  return outer && !local;
}

/**
 * count / sum / avg / min / max / array_agg / string_agg / bool_and / bool_or / every, the
 * JSON and statistical aggregates, and the ordered-set aggregates (percentile_cont,
 * percentile_disc, mode: {@link orderedSetAggregate}): PostgreSQL's checks (parse_agg.c) and
 * the aggregate's resolution.
 */
export function analyzeAggregate(scope: ExprScope, name: string, n: PgNode): Expr {
  if (!scope.allowAggregates) {
    const msg = scope.insideAggregate ? 'aggregate function calls cannot be nested' : `aggregate functions are not allowed in ${scope.aggregateClause ?? 'WHERE'}`;
    throw new PgError(SQLSTATE.grouping_error, msg, pos(n.location));
  }
  const rawArgs: PgNode[] = n.args ?? [];
  const saved = { allow: scope.allowAggregates, inside: scope.insideAggregate, srf: scope.allowSetReturning };
  const overWindow = scope.aggregateOverWindow === true;
  scope.aggregateOverWindow = false;
  const inArgs = <T>(f: () => T): T => {
    scope.allowAggregates = overWindow;
    scope.insideAggregate = !overWindow;
    scope.allowSetReturning = false;
    try {
      return f();
    } finally {
      scope.allowAggregates = saved.allow;
      scope.insideAggregate = saved.inside;
      scope.allowSetReturning = saved.srf;
    }
  };
  let analyzedArgs: Expr[] = [];
  const withMods = <E extends Expr>(e: E): E => {
    const mods = aggregateMods(scope, n, () => analyzedArgs, (node) => inArgs(() => analyzeExpr(scope, node)));
    if (mods !== undefined) (e as { mods?: AggMods }).mods = mods;
    return e;
  };
  if (n.agg_star) {
    if (name === 'count') {
      scope.sawAggregate = true;
      return withMods({ k: 'count', type: 'int8', arg: null });
    }
    throw new PgError(SQLSTATE.wrong_object_type, `${name}(*) specified, but ${name} is not an aggregate function`, pos(n.location));
  }
  if (ORDERED_SET_AGGREGATE_NAMES.has(name)) return orderedSetAggregate(scope, name, n, inArgs);
  if (HYPOTHETICAL_SET_AGGREGATE_NAMES.has(name)) return hypotheticalSetAggregate(scope, name, n, inArgs);
  const args: Expr[] = inArgs(() => rawArgs.map((a) => analyzeFunctionArg(scope, name, a)));
  analyzedArgs = args;
  // An aggregate whose arguments read only an enclosing query's columns belongs to that query
  // (parse_agg.c's agglevelsup): one value for the outer group, not one per row of this level.
  // vecgres would aggregate at this level, a different answer.
  if (!overWindow && onlyOuterColumns(args)) throw pgErr.featureNotSupported(`${name}() of an outer query's columns`);
  if (name === 'string_agg') {
    if (args.length !== 2) throw undefinedFunction(name, args.map((a) => a.type), n.location);
    const v = coerceTo(scope, args[0]!, 'text', -1);
    const d = coerceTo(scope, args[1]!, 'text', -1);
    if (v.type !== 'text' || d.type !== 'text') throw undefinedFunction(name, args.map((a) => a.type), n.location);
    analyzedArgs = [v, d];
    scope.sawAggregate = true;
    return withMods({ k: 'agg', type: 'text', name, agg: stringAgg, arg: v, arg2: d });
  }
  if (name === 'jsonb_object_agg' || name === 'json_object_agg') {
    // (K "any", V "any"): untyped literals resolve to text.
    if (args.length !== 2) throw undefinedFunction(name, args.map((a) => a.type), n.location);
    const [k, v] = args.map((a) => (a.type === 'unknown' ? coerceTo(scope, a, 'text', -1) : a)) as [Expr, Expr];
    analyzedArgs = [k, v];
    scope.sawAggregate = true;
    const type = name === 'jsonb_object_agg' ? 'jsonb' : 'json';
    // Float keys and values print with the session's extra_float_digits: converted per row
    // (not under DISTINCT, which compares the values themselves).
    const distinct = n.agg_distinct === true;
    const ka = distinct || !castPrintsFloats(k.type, 'text') ? k : ({ k: 'cast', type: 'text', from: k.type, typmod: -1, arg: k, explicit: false } as Expr);
    const va = distinct ? v : floatsAsJson(v, type === 'jsonb');
    const agg = type === 'jsonb' ? jsonbObjectAgg(ka.type, va.type, scope.zone) : jsonObjectAgg(ka.type, va.type, scope.zone);
    return withMods({ k: 'agg', type, name, agg, arg: ka, arg2: va });
  }
  if (REGRESSION_AGGREGATES.has(name)) {
    // (double precision Y, double precision X): other numbers and untyped literals convert.
    if (args.length !== 2) throw undefinedFunction(name, args.map((a) => a.type), n.location);
    const [y, x] = args.map((a) => coerceTo(scope, a, 'float8', -1)) as [Expr, Expr];
    if (y.type !== 'float8' || x.type !== 'float8') throw undefinedFunction(name, args.map((a) => a.type), n.location);
    analyzedArgs = [y, x];
    scope.sawAggregate = true;
    const ra = regressionAggregate(name);
    return withMods({ k: 'agg', type: ra.type, name, agg: ra.agg, arg: y, arg2: x });
  }
  if (args.length !== 1) throw undefinedFunction(name, args.map((a) => a.type), n.location);
  let arg = args[0]!;
  if (name === 'any_value') {
    // (anyelement): an untyped literal has no type to resolve to.
    requireKnownPolymorphic(arg);
    scope.sawAggregate = true;
    const sa = statAggregate(name, arg.type)!;
    return withMods({ k: 'agg', type: sa.type, name, agg: sa.agg, arg });
  }
  if (name === 'jsonb_agg' || name === 'json_agg') {
    // (anyelement): an untyped literal has no type to resolve to.
    requireKnownPolymorphic(arg);
    scope.sawAggregate = true;
    // Floats print with the session's extra_float_digits: converted per row (not under
    // DISTINCT, which compares the values themselves).
    const structured = isArrayType(arg.type) || isWholeRowJson(arg);
    const a = n.agg_distinct === true ? arg : floatsAsJson(arg, name === 'jsonb_agg');
    return withMods({ k: 'agg', type: name === 'jsonb_agg' ? 'jsonb' : 'json', name, agg: name === 'jsonb_agg' ? jsonbAgg(a.type, scope.zone) : jsonAgg(a.type, scope.zone, structured), arg: a });
  }
  scope.sawAggregate = true;
  if (name === 'count') {
    // count(any) leaves an unknown argument unresolved, but DISTINCT sorts it, and the sort
    // resolves unknown to text (PostgreSQL's addTargetToSortList): count(DISTINCT $1) types $1.
    if (n.agg_distinct === true && arg.type === 'unknown') analyzedArgs = [(arg = coerceTo(scope, arg, 'text', -1))];
    return withMods({ k: 'count', type: 'int8', arg });
  }
  if (name === 'array_agg') {
    if (arg.type === 'unknown') {
      throw new PgError('42725', 'function array_agg(unknown) is not unique', {
        hint: 'Could not choose a best candidate function. You might need to add explicit type casts.', ...pos(n.location),
      });
    }
    // array_agg(anyarray): the input arrays stacked as one more dimension.
    if (isArrayType(arg.type)) return withMods({ k: 'agg', type: arg.type, name, agg: arrayAggArray(elemTypeOf(arg.type)), arg });
    const at = arrayTypeOf(arg.type);
    if (at === null) throw pgErr.featureNotSupported(`array_agg over ${typeName(arg.type)}`);
    return withMods({ k: 'agg', type: at, name, agg: arrayAgg(at), arg });
  }
  if (name === 'bool_and' || name === 'bool_or' || name === 'every') {
    arg = coerceTo(scope, arg, 'bool', -1);
    if (arg.type !== 'bool') throw undefinedFunction(name, [arg.type], n.location);
    analyzedArgs = [arg];
    return withMods({ k: 'agg', type: 'bool', name, agg: name === 'bool_or' ? boolOr : boolAnd, arg });
  }
  const vecAgg = (own(AGGREGATES, name) ?? {})[arg.type];
  if (vecAgg !== undefined) return withMods({ k: 'agg', type: arg.type, name, agg: vecAgg, arg });
  // An untyped literal resolves as PostgreSQL's preferred candidate would: text for min/max,
  // double precision... is ambiguous for sum/avg (PostgreSQL says "is not unique").
  if (arg.type === 'unknown') {
    const resolved = name === 'min' || name === 'max' ? 'text' : statAggregateUnknownType(name);
    if (resolved !== null) arg = coerceTo(scope, arg, resolved, -1);
    else {
      throw new PgError('42725', `function ${name}(unknown) is not unique`, {
        hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
        ...pos(n.location),
      });
    }
  }
  // sum / avg(time) are sum / avg(interval) over time's implicit cast to interval.
  if ((name === 'sum' || name === 'avg') && arg.type === 'time') arg = applyArg(scope, arg, 'interval', n.location);
  // min / max(character varying) are min / max(text): PostgreSQL has no varchar aggregate.
  if ((name === 'min' || name === 'max') && arg.type === 'varchar') arg = coerceTo(scope, arg, 'text', -1);
  // min(oid) / max(oid) serve the reg* types too (binary coercible to oid).
  if ((name === 'min' || name === 'max') && isOidFamily(arg.type)) arg = applyArg(scope, arg, 'oid', n.location);
  const cmp = name === 'min' || name === 'max' ? (isNumeric(arg.type) || arg.type === 'oid' || arg.type === 'text' || arg.type === 'bpchar' || isDatetimeFamily(arg.type) || isEnumSqlType(arg.type) || (isArrayType(arg.type) && arrayTypeComparator(arg.type) !== undefined) ? comparatorFor(arg.type) : null) : null;
  const sa = scalarAggregate(name, arg.type, cmp) ?? statAggregate(name, arg.type);
  if (sa === null) throw undefinedFunction(name, [arg.type], n.location);
  analyzedArgs = [arg];
  return withMods({ k: 'agg', type: sa.type, name, agg: sa.agg, arg });
}

/**
 * WITHIN GROUP on a function that is no ordered-set aggregate (ParseFuncOrColumn): PostgreSQL
 * looks the function up with the ORDER BY expressions as further arguments, so one that does
 * not exist so is 42883 (`sum(double precision, double precision)`); one that does is 42809.
 */
function withinGroupOfOther(scope: ExprScope, n: PgNode, name: string): never {
  const sortArgs = ((n.agg_order ?? []) as PgNode[]).map((sb) => sb.SortBy.node as PgNode);
  // count(*) WITHIN GROUP (ORDER BY x) is looked up as count(x).
  analyzeFuncCall(scope, { ...n, args: [...((n.args ?? []) as PgNode[]), ...sortArgs], agg_star: undefined, agg_order: undefined, agg_within_group: undefined, agg_filter: undefined, over: undefined });
  const msg = AGGREGATE_NAMES.has(name) ? `${name} is not an ordered-set aggregate, so it cannot have WITHIN GROUP` : `WITHIN GROUP specified, but ${name} is not an aggregate function`;
  throw new PgError(SQLSTATE.wrong_object_type, msg, pos(n.location));
}

/**
 * percentile_cont / percentile_disc / mode (ordered_set_aggregates.ts), called from
 * analyzeAggregate once aggregates are allowed here, PostgreSQL's order of checks: the
 * function is resolved over the direct arguments followed by the WITHIN GROUP expression
 * (42883 `function percentile_cont(numeric, text) does not exist`; 42804 for an untyped
 * WITHIN GROUP value of percentile_disc / mode), then WITHIN GROUP must be there (42809
 * `WITHIN GROUP is required for ordered-set aggregate mode`) and OVER must not (0A000 `OVER
 * is not supported for ordered-set aggregate mode`).
 *
 * The fraction converts to double precision (an array of numbers to double precision[]);
 * percentile_cont's value to double precision (numbers, untyped literals) or interval.
 * The result: the aggregate call collecting the sorted values, under the final function over
 * the fraction ({@link percentileFinal}); mode computes its result in the aggregate itself.
 */
function orderedSetAggregate(scope: ExprScope, name: string, n: PgNode, inArgs: <T>(f: () => T) => T): Expr {
  const within = n.agg_within_group === true;
  const rawArgs = (n.args ?? []) as PgNode[];
  // Without WITHIN GROUP the last argument stands where the aggregated one would (mode(x)).
  const sortBys: PgNode[] = within ? ((n.agg_order ?? []) as PgNode[]).map((sb) => sb.SortBy) : rawArgs.slice(-1).map((node) => ({ node }));
  const direct = inArgs(() => (within ? rawArgs : rawArgs.slice(0, -1)).map((a) => analyzeExpr(scope, a)));
  const ordered = inArgs(() => sortBys.map((b) => analyzeExpr(scope, b.node)));
  const notFound = (): PgError => undefinedFunction(name, [...direct, ...ordered].map((a) => a.type), n.location);
  if (ordered.length !== 1 || direct.length !== (name === 'mode' ? 0 : 1)) throw notFound();
  let x = ordered[0]!;
  let fraction: Expr | null = null;
  if (name !== 'mode') {
    const f = direct[0]!;
    if (isArrayType(f.type)) {
      if (!isNumeric(elemTypeOf(f.type))) throw notFound();
      fraction = float8Array(scope, f, n.location);
    } else if (f.type === 'unknown' && name === 'percentile_disc') {
      // percentile_disc(float8 | float8[], anyelement): nothing prefers one for an untyped literal.
      throw new PgError('42725', `function ${name}(unknown, ${typeName(x.type)}) is not unique`, {
        hint: 'Could not choose a best candidate function. You might need to add explicit type casts.', ...pos(n.location),
      });
    } else {
      if (f.type !== 'unknown' && !isNumeric(f.type)) throw notFound();
      fraction = applyArg(scope, f, 'float8', n.location);
    }
  }
  if (name === 'percentile_cont') {
    if (x.type !== 'interval') {
      if (x.type !== 'unknown' && !isNumeric(x.type)) throw notFound();
      x = applyArg(scope, x, 'float8', n.location);
    }
  } else requireKnownPolymorphic(x);
  if (!within) throw new PgError(SQLSTATE.wrong_object_type, `WITHIN GROUP is required for ordered-set aggregate ${name}`, pos(n.location));
  if (n.over !== undefined) throw new PgError(SQLSTATE.feature_not_supported, `OVER is not supported for ordered-set aggregate ${name}`, pos(n.location));
  if (onlyOuterColumns([x])) throw pgErr.featureNotSupported(`${name}() of an outer query's columns`);
  const b = sortBys[0]!;
  if (b.useOp !== undefined) throw pgErr.featureNotSupported('ORDER BY ... USING');
  const desc = b.sortby_dir === 'SORTBY_DESC';
  const nullsFirst = b.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : b.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : desc;
  const cmp = comparatorFor(x.type);
  // FILTER as for any aggregate; the WITHIN GROUP order is this aggregate's input order.
  const filter = aggregateMods(scope, { ...n, agg_order: undefined, agg_distinct: undefined }, () => [x], (node) => inArgs(() => analyzeExpr(scope, node)))?.filter ?? null;
  const mods: AggMods = { distinct: false, order: [{ expr: x, desc, nullsFirst, cmp }], filter };
  scope.sawAggregate = true;
  if (name === 'mode') return { k: 'agg', type: x.type, name, agg: modeAggregate(cmp), arg: x, mods, direct: [] };
  const call: Expr = { k: 'agg', type: x.type, name, agg: sortedValues(), arg: x, mods, direct: [fraction!] };
  const multi = isArrayType(fraction!.type);
  let type: SqlType = x.type;
  if (multi) {
    const at = arrayTypeOf(x.type);
    if (at === null) throw pgErr.featureNotSupported(`${name} of an array of fractions over ${typeName(x.type)}`);
    type = at;
  }
  const kind = name === 'percentile_cont' ? (x.type as 'float8' | 'interval') : null;
  const final = percentileFinal(kind, multi ? elemTypeOf(type as ArraySqlType) : null);
  return { k: 'fn', type, name, args: [fraction!, call], fn: ([f, s]) => final(f!, s!), withinGroup: true };
}

/**
 * rank / dense_rank / percent_rank / cume_dist `(args) WITHIN GROUP (ORDER BY keys)`
 * (ordered_set_aggregates.ts), PostgreSQL's order of checks: once the direct arguments are
 * analyzed, WITHIN GROUP must be there (42809 `WITHIN GROUP is required for ordered-set
 * aggregate rank`); as many direct arguments as ORDER BY keys (42883 `function rank(integer,
 * integer, integer) does not exist`, with the hint naming both counts); each argument and its
 * key brought to their common type (parse_func.c unify_hypothetical_args: select_common_type
 * in the context WITHIN GROUP, 42804 `WITHIN GROUP types text and integer cannot be matched`
 * at the argument); then OVER must not be there (0A000).
 *
 * The result: the aggregate call collecting each group's key tuples in the WITHIN GROUP order
 * (FILTER as for any aggregate), under the final function over the direct arguments
 * ({@link hypotheticalFinal}), which are evaluated once per group (only grouped columns) and
 * may be NULL (the aggregates are not strict).
 */
function hypotheticalSetAggregate(scope: ExprScope, name: string, n: PgNode, inArgs: <T>(f: () => T) => T): Expr {
  const within = n.agg_within_group === true;
  const rawArgs = (n.args ?? []) as PgNode[];
  const sortBys: PgNode[] = within ? ((n.agg_order ?? []) as PgNode[]).map((sb) => sb.SortBy) : [];
  const direct = inArgs(() => rawArgs.map((a) => analyzeExpr(scope, a)));
  if (!within) throw new PgError(SQLSTATE.wrong_object_type, `WITHIN GROUP is required for ordered-set aggregate ${name}`, pos(n.location));
  const ordered = inArgs(() => sortBys.map((b) => analyzeExpr(scope, b.node)));
  if (direct.length !== ordered.length) {
    throw new PgError(SQLSTATE.undefined_function, `function ${name}(${[...direct, ...ordered].map((a) => typeName(a.type)).join(', ')}) does not exist`, {
      hint: `To use the hypothetical-set aggregate ${name}, the number of hypothetical direct arguments (here ${direct.length}) must match the number of ordering columns (here ${ordered.length}).`,
      ...pos(n.location),
    });
  }
  for (let i = 0; i < direct.length; i++) {
    const t = commonType([ordered[i]!.type, direct[i]!.type], n.location, 'WITHIN GROUP', [leftmostLoc(sortBys[i]!.node), leftmostLoc(rawArgs[i]!)]);
    direct[i] = applyArg(scope, direct[i]!, t, n.location);
    ordered[i] = applyArg(scope, ordered[i]!, t, n.location);
  }
  if (n.over !== undefined) throw new PgError(SQLSTATE.feature_not_supported, `OVER is not supported for ordered-set aggregate ${name}`, pos(n.location));
  if (onlyOuterColumns(ordered)) throw pgErr.featureNotSupported(`${name}() of an outer query's columns`);
  const order = sortBys.map((b, i) => {
    if (b.useOp !== undefined) throw pgErr.featureNotSupported('ORDER BY ... USING');
    const desc = b.sortby_dir === 'SORTBY_DESC';
    const nullsFirst = b.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : b.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : desc;
    return { expr: ordered[i]!, desc, nullsFirst, cmp: comparatorFor(ordered[i]!.type) };
  });
  const filter = aggregateMods(scope, { ...n, agg_order: undefined, agg_distinct: undefined }, () => ordered, (node) => inArgs(() => analyzeExpr(scope, node)))?.filter ?? null;
  const mods: AggMods = { distinct: false, order, filter };
  scope.sawAggregate = true;
  const type = HYPOTHETICAL_SET_RESULT[name]!;
  const call: Expr = { k: 'agg', type, name, agg: hypotheticalRows(), arg: ordered[0]!, mods, direct };
  const final = hypotheticalFinal(name, order);
  return { k: 'fn', type, name, args: [...direct, call], fn: (v) => final(v.slice(0, -1), v[v.length - 1]!), strict: false, withinGroup: true };
}

/**
 * An array of numbers as double precision[] (the implicit array coercion): a constant
 * converts now and an ARRAY[...] element by element, so EXPLAIN prints one array constant.
 */
function float8Array(scope: ExprScope, e: Expr, location: number): Expr {
  if (e.type === 'float8[]') return e;
  if (e.k === 'const') return { k: 'const', type: 'float8[]', value: castValue(e.value, e.type, 'float8[]', -1, scope.zone, false) };
  if (e.k === 'array') return { ...e, type: 'float8[]', elems: e.elems.map((x) => (isArrayType(x.type) ? float8Array(scope, x, location) : applyArg(scope, x, 'float8', location))) };
  return { k: 'cast', type: 'float8[]', from: e.type, typmod: -1, arg: e, explicit: false };
}

/**
 * A call with named or defaulted arguments (named_args.ts), analyzed in its positional form. A
 * call that fits no parameter list, or whose positional form resolves to no function, is
 * 42883 with the call as written: `function make_interval(days => numeric) does not exist`.
 */
function namedArgsCall(scope: ExprScope, n: PgNode, name: string, positional: Exclude<PositionalArgs, null>): Expr {
  const asWritten = (): PgError => {
    const sig = ((n.args ?? []) as PgNode[]).map((a) => {
      const na = a.NamedArgExpr;
      const type = typeName(analyzeExpr(scope, na === undefined ? a : na.arg).type);
      return na === undefined ? type : `${na.name} => ${type}`;
    });
    return new PgError(SQLSTATE.undefined_function, `function ${name}(${sig.join(', ')}) does not exist`, { hint: NO_FN_HINT, ...pos(n.location) });
  };
  if ('unmatched' in positional) throw asWritten();
  try {
    return analyzeFuncCall(scope, { ...n, args: positional.args });
  } catch (e) {
    if (e instanceof PgError && e.code === SQLSTATE.undefined_function) throw asWritten();
    throw e;
  }
}

function undefinedFunction(name: string, types: SqlType[], location: number): PgError {
  return new PgError(SQLSTATE.undefined_function, `function ${name}(${types.map((t) => typeName(t)).join(', ')}) does not exist`, {
    hint: NO_FN_HINT,
    ...pos(location),
  });
}

/** PostgreSQL pg_size_pretty(bigint) (dbsize.c, PostgreSQL 15+: limits 10 kB then 20 units, half-rounded). */
export function sizePretty(size: number): string {
  const units: [string, number, boolean, number][] = [
    ['bytes', 10 * 1024, false, 0],
    ['kB', 20 * 1024 - 1, true, 10],
    ['MB', 20 * 1024 - 1, true, 20],
    ['GB', 20 * 1024 - 1, true, 30],
    ['TB', 20 * 1024 - 1, true, 40],
    ['PB', 20 * 1024 - 1, true, 50],
  ];
  let s = Math.trunc(size);
  for (let u = 0; u < units.length; u++) {
    const [name, limit, round, unitBits] = units[u]!;
    if (Math.abs(s) < limit || u === units.length - 1) {
      if (round) s = Math.trunc((s + (s < 0 ? -1 : 1)) / 2);
      return `${s} ${name}`;
    }
    const next = units[u + 1]!;
    const bits = next[3] - unitBits - (next[2] ? 1 : 0) + (round ? 1 : 0);
    s = Math.trunc(s / 2 ** bits);
  }
  return `${s} bytes`;
}

/** A stand-in for a value computed once and compared several times (CASE's argument, NULLIF's left side). */
function standIn(type: SqlType, typmod: number): Expr {
  return { k: 'slot', type, idx: 0, typmod, name: '' };
}

/**
 * CASE, both forms (PostgreSQL's transformCaseExpr): an untyped CASE argument is text; each
 * WHEN of the simple form is `arg = value`; the result type is the common type of the ELSE
 * and THEN results, ELSE first (select_common_type "CASE"), and every result is coerced to it.
 * @throws PgError 42804 `argument of CASE/WHEN must be type boolean, not type ...`, 42804
 *   `CASE types ... cannot be matched`.
 */
function analyzeCase(scope: ExprScope, n: PgNode): Expr {
  let arg: Expr | null = null;
  if (n.arg !== undefined) {
    arg = analyzeExpr(scope, n.arg);
    if (arg.type === 'unknown') arg = coerceTo(scope, arg, 'text', -1, exprLocation(arg, leftmostLoc(n.arg)));
  }
  const raw = (n.args as PgNode[]).map((w) => w.CaseWhen);
  const whens: CaseWhen[] = [];
  const thens: Expr[] = [];
  const wasUnreachable = scope.unreachable;
  let taken = false; // an earlier WHEN folded to true: every later arm and ELSE are unreachable
  for (const w of raw) {
    // A WHEN known now: true makes every later arm and ELSE unreachable, false or NULL its own
    // THEN (eval_const_expressions drops those arms before folding them).
    let known: Value | undefined;
    if (arg === null) {
      const cond = requireBool(scope, analyzeExpr(scope, w.expr), 'argument of CASE/WHEN', w.expr);
      whens.push({ cond, then: { k: 'const', type: 'unknown', value: null } });
      if (cond.k === 'const') known = cond.value;
    } else {
      const value = analyzeExpr(scope, w.expr);
      const cmp = binaryOp(scope, '=', standIn(arg.type, -1), value, leftmostLoc(w.expr));
      if (cmp.k !== 'op2') throw pgErr.featureNotSupported('CASE with this WHEN comparison');
      if (cmp.type !== 'bool') {
        throw new PgError(SQLSTATE.datatype_mismatch, `argument of CASE/WHEN must be type boolean, not type ${typeName(cmp.type)}`, pos(leftmostLoc(w.expr)));
      }
      whens.push({ cond: cmp.r, test: cmp.l, fn: cmp.fn, then: { k: 'const', type: 'unknown', value: null } });
      if (arg.k === 'const' && value.k === 'const' && scope.unreachable !== true) {
        // Both sides constant: the comparison folds as PostgreSQL's CaseTestExpr does.
        const folded = binaryOp(scope, '=', arg, value, leftmostLoc(w.expr));
        if (folded.k === 'const') known = folded.value;
      }
    }
    const constant = known !== undefined && !taken && wasUnreachable !== true;
    if (constant) scope.unreachable = known !== true;
    thens.push(analyzeExpr(scope, w.result));
    if (constant) {
      taken = known === true;
      scope.unreachable = taken ? true : wasUnreachable;
    }
  }
  const elseExpr: Expr = n.defresult === undefined ? { k: 'const', type: 'unknown', value: null } : analyzeExpr(scope, n.defresult);
  scope.unreachable = wasUnreachable;
  const results = [elseExpr, ...thens];
  const locs = [n.defresult === undefined ? -1 : leftmostLoc(n.defresult), ...raw.map((w) => leftmostLoc(w.result))];
  const type = commonType(results.map((r) => r.type), n.location, 'CASE', locs);
  whens.forEach((w, i) => {
    w.then = applyArg(scope, thens[i]!, type, locs[i + 1]!);
  });
  const e: Expr = { k: 'case', type, arg, whens, else: applyArg(scope, elseExpr, type, locs[0]!) };
  return e;
}

/**
 * NULLIF(l, r) (transformAExprNullIf): `l = r` resolved as an operator, the result of the type
 * the operator takes its left side as (`nullif(1, 1.5)` is numeric, `nullif(1, 2::int8)`
 * integer: int4 = int8 is one operator).
 */
function analyzeNullIf(scope: ExprScope, n: PgNode): Expr {
  const [lraw, rraw] = n.rexpr === undefined ? (n.lexpr.List.items as PgNode[]) : [n.lexpr, n.rexpr];
  let l = analyzeExpr(scope, lraw);
  const r = analyzeExpr(scope, rraw);
  if (l.type === 'unknown' && r.type === 'unknown') l = coerceTo(scope, l, 'text', -1);
  else if (l.type === 'unknown') l = coerceTo(scope, l, r.type, -1, exprLocation(l, n.location));
  const cmp = binaryOp(scope, '=', standIn(l.type, -1), r, n.location);
  if (cmp.k !== 'op2' || cmp.type !== 'bool') throw pgErr.featureNotSupported('NULLIF with this comparison');
  let type = cmp.l.type;
  let conv: Fn1 | null = null;
  if (isNumeric(l.type) && isNumeric(cmp.r.type) && l.type !== cmp.r.type) {
    // Cross-type `=` exists within the integers and within the floats; otherwise the left
    // side is promoted to the right side's type (int4 = numeric compares as numeric).
    const ints = ['int2', 'int4', 'int8'];
    const floats = ['float4', 'float8'];
    const sameFamily = (ints.includes(l.type) && ints.includes(cmp.r.type)) || (floats.includes(l.type) && floats.includes(cmp.r.type));
    if (!sameFamily && numericRank(cmp.r.type) > numericRank(l.type)) {
      type = cmp.r.type;
      const from = l.type;
      conv = (v, zone) => castValue(v, from, type, -1, zone, false);
    }
  }
  return { k: 'nullif', type, l, r: cmp.r, test: cmp.l, fn: cmp.fn, conv };
}

/** The user and database names vecgres reports (PGlite's defaults, so code moves between them). */
const SESSION_USER = 'postgres';
const DATABASE_NAME = 'postgres';

/**
 * current_schema() and CURRENT_SCHEMA: the first existing schema of search_path, NULL when
 * none (namespace.c fetch_search_path); read when analyzed, which search_path keys the reuse
 * of, as current_schemas.
 */
function currentSchemaExpr(scope: ExprScope): Expr {
  const first = (scope.currentSchemas?.(false) ?? ['public'])[0];
  return { k: 'const', type: 'text', value: first ?? null };
}

/**
 * CURRENT_USER, SESSION_USER, USER, CURRENT_ROLE, CURRENT_CATALOG, CURRENT_SCHEMA (as text:
 * vecgres has no `name` type). The date/time ones are 0A000 until the date/time types land.
 */
function sqlValueFunction(scope: ExprScope, n: PgNode): Expr {
  // The parse tree leaves out a zero typmod: `localtime(0)` is an _N operation without one.
  const typmod = typeof n.typmod === 'number' ? n.typmod : String(n.op).endsWith('_N') ? 0 : -1;
  switch (n.op as string) {
    case 'SVFOP_CURRENT_TIMESTAMP':
    case 'SVFOP_CURRENT_TIMESTAMP_N':
      return clockCall('current_timestamp', 'timestamptz', 'transaction', typmod);
    case 'SVFOP_LOCALTIMESTAMP':
    case 'SVFOP_LOCALTIMESTAMP_N':
      return clockCall('localtimestamp', 'timestamp', 'transaction', typmod);
    case 'SVFOP_CURRENT_DATE':
      return clockCall('current_date', 'date', 'transaction', -1);
    case 'SVFOP_LOCALTIME':
    case 'SVFOP_LOCALTIME_N':
      return clockCall('localtime', 'time', 'transaction', typmod);
    case 'SVFOP_CURRENT_TIME':
    case 'SVFOP_CURRENT_TIME_N':
      return clockCall('current_time', 'timetz', 'transaction', typmod);
    case 'SVFOP_CURRENT_USER':
    case 'SVFOP_SESSION_USER':
    case 'SVFOP_USER':
    case 'SVFOP_CURRENT_ROLE':
      return { k: 'const', type: 'text', value: SESSION_USER };
    case 'SVFOP_CURRENT_CATALOG':
      return { k: 'const', type: 'text', value: DATABASE_NAME };
    case 'SVFOP_CURRENT_SCHEMA':
      return currentSchemaExpr(scope);
    default:
      throw pgErr.featureNotSupported(String(n.op).replace(/^SVFOP_/, '').replace(/_N$/, '').toLowerCase());
  }
}

/**
 * `time AT TIME ZONE zone` and `timetz AT TIME ZONE zone` (timezone(zone, value)): a time
 * with time zone. A time is first placed in the session zone (time_timetz); a zone name's
 * offset is the one in effect at the transaction's start (timetz_zone), an interval's is its
 * time (timetz_izone). Reads the transaction clock, so it runs as a session call.
 * @throws PgError 22023 unknown zone or an interval with months or days.
 */
function timetzAtTimeZone(scope: ExprScope, args: Expr[], location: number): Expr {
  const zone = args[0]!.type === 'interval' ? args[0]! : applyArg(scope, args[0]!, 'text', location);
  const byInterval = zone.type === 'interval';
  const from = args[1]!.type;
  return {
    k: 'session', type: 'timetz', name: 'timezone', args: [zone, args[1]!],
    fn: ([z, v], s) => {
      if (z === null || v === null || z === undefined || v === undefined) return null;
      const at = s.now('transaction');
      const t = from === 'time' ? timeToTimetz(v as number, s.zone, () => at) : (v as TimeTz);
      return byInterval ? timetzAtInterval(t, z as Interval) : timetzAtZone(t, timeZoneOrError(z as string, s.zone), at);
    },
  };
}

/**
 * A read of the session's clock: the transaction's start (now(), current_timestamp), the
 * statement's start, or the time of the call (clock_timestamp(), volatile). Evaluated when the
 * statement runs, never folded: a prepared statement reads a new time each execution.
 */
function clockCall(name: string, type: 'timestamptz' | 'timestamp' | 'date' | 'time' | 'timetz', kind: ClockKind, typmod: number): Expr {
  if (typmod >= 0) timestampTypmodIn([typmod], type === 'timestamptz' || type === 'timetz', type === 'time' || type === 'timetz' ? 'TIME' : 'TIMESTAMP');
  return {
    k: 'session', type, name, args: [],
    fn: (_args, s) => {
      // current_time: the transaction's start as a local time with the session zone's offset then.
      if (type === 'timetz') return adjustTimetzTypmod(timestamptzToTimetz(s.now(kind), s.zone)!, typmod);
      // current_date and localtimestamp are the session zone's local date and time.
      const us = type === 'timestamptz' ? s.now(kind) : localTimeOf(s.now(kind), s.zone);
      if (type === 'date') return timestampToDate(us);
      if (type === 'time') return adjustTimeTypmod(timestampToTime(us)!, typmod);
      return typmod >= 0 ? adjustTimestampTypmod(us, typmod) : us;
    },
  };
}

/**
 * An argument's output text, as concat and format print it (booleans as t / f; real and double
 * precision with `floatDigits`, the executing session's extra_float_digits).
 */
function outputText(v: Value, type: SqlType, zone: TimeZone, floatDigits = 1): string | null {
  if (v === null) return null;
  if (type === 'bool') return v ? 't' : 'f';
  return castValue(v, type, 'text', -1, zone, true, floatDigits) as string | null;
}

/**
 * foldConstants for a call that prints its arguments through their output functions: not
 * folded when one of them is real or double precision (alone or in an array), whose text
 * depends on the executing session's extra_float_digits (analyses are shared by sessions).
 */
function foldPrinting(scope: ExprScope, e: Extract<Expr, { k: 'fn' }>): Expr {
  return e.args.some((a) => castPrintsFloats(a.type, 'text')) ? e : foldConstants(scope, e);
}

/**
 * An aggregate argument as json (`jsonb` false) or jsonb text/value when it holds real or
 * double precision values, converted per row with the executing session's extra_float_digits
 * (an aggregate's step has no session); other arguments unchanged.
 */
function floatsAsJson(e: Expr, jsonb: boolean): Expr {
  if (!castPrintsFloats(e.type, 'text')) return e;
  const t = e.type;
  return jsonb
    ? { k: 'fn', type: 'jsonb', name: 'to_jsonb', args: [e], fn: ([v], ctx) => new Jsonb(toJsonbValue(v!, t, ctx.zone, ctx.floatDigits)) }
    : { k: 'fn', type: 'json', name: 'to_json', args: [e], fn: ([v], ctx) => toJsonText(v!, t, ctx.zone, ctx.floatDigits) };
}

/**
 * width_bucket(operand, thresholds) (arrayfuncs.c width_bucket_array): PostgreSQL's binary
 * search for the number of thresholds at or below the operand, assuming them sorted (an
 * unsorted array gives the same answer as there); 0 for an empty array. `cmp` compares the
 * elements' type.
 * @throws PgError 2202E `thresholds must be one-dimensional array`; 22004 `thresholds array
 *   must not contain NULLs`.
 */
function widthBucketArray(x: Value, a: PgArray, cmp: (p: ArrayElement, q: ArrayElement) => number): number {
  if (a.ndim > 1) throw new PgError(SQLSTATE.array_subscript_error, 'thresholds must be one-dimensional array');
  if (a.elems.some((e) => e === null)) throw new PgError(SQLSTATE.null_value_not_allowed, 'thresholds array must not contain NULLs');
  let left = 0;
  let right = a.elems.length;
  while (left < right) {
    const mid = (left + right) >> 1;
    if (cmp(x as ArrayElement, a.elems[mid]!) < 0) right = mid;
    else left = mid + 1;
  }
  return left;
}

/** num_nulls (`nulls`) or num_nonnulls over argument values (count_nulls of misc.c). */
function countNulls(vals: readonly (Value | undefined)[], nulls: boolean): number {
  let n = 0;
  for (const v of vals) if ((v === null) === nulls) n++;
  return n;
}

/**
 * A call written with VARIADIC (`f(VARIADIC array)`): num_nulls and num_nonnulls count the
 * array's elements (NULL for a NULL array, as count_nulls); other functions are 0A000, never
 * the array taken as one argument.
 * @throws PgError 42804 `VARIADIC argument must be an array`; 0A000 for other functions.
 */
function variadicCall(scope: ExprScope, name: string, n: PgNode): Expr {
  const raw = (n.args ?? []) as PgNode[];
  if (own(EXTRACT_PATH, name) !== undefined) return extractPathVariadic(scope, name, raw, n.location);
  if (name !== 'num_nulls' && name !== 'num_nonnulls') throw pgErr.featureNotSupported(`${name}() with VARIADIC`);
  // VARIADIC "any" takes the array alone: f(x, VARIADIC a) matches no function.
  if (raw.length !== 1) throw undefinedFunction(name, raw.map((r) => analyzeExpr(scope, r).type), n.location);
  const arg = analyzeExpr(scope, raw[0]!);
  if (!isArrayType(arg.type)) throw new PgError(SQLSTATE.datatype_mismatch, 'VARIADIC argument must be an array', pos(leftmostLoc(raw[0]!)));
  const nulls = name === 'num_nulls';
  return foldConstants(scope, { k: 'fn', type: 'int4', name, args: [arg], fn: ([a]) => countNulls((a as PgArray).elems, nulls) });
}

/**
 * Functions outside the overload tables: variadic "any" ones (concat, concat_ws, format),
 * volatile ones (random), and those that read the session (current_setting, set_config,
 * version, current_database, current_schema). Null when `name` is none of them.
 * @throws PgError 42883 for a call with the wrong number of arguments.
 */
function specialFunction(scope: ExprScope, name: string, args: Expr[], location: number): Expr | null {
  const types = () => args.map((a) => a.type);
  // "any" arguments: an untyped literal is text; an untyped parameter stays undetermined
  // (PostgreSQL's 42P18 "could not determine data type of parameter").
  const texts = (from: number): Expr[] => args.slice(from).map((a) => anyArgument(scope, a));
  switch (name) {
    case 'quote_literal':
    case 'quote_nullable': {
      // quote_literal(anyelement) and quote_nullable(anyelement) are SQL functions over
      // `$1::text`; a string-typed or untyped argument takes the text overload instead.
      if (args.length !== 1 || isStringType(args[0]!.type) || args[0]!.type === 'unknown') return null;
      const arg = castExpr(scope, args[0]!, 'text', -1, location);
      return name === 'quote_literal'
        ? foldConstants(scope, { k: 'fn', type: 'text', name, args: [arg], fn: ([a]) => quoteLiteral(a as string) })
        : foldConstants(scope, { k: 'fn', type: 'text', name, args: [arg], strict: false, fn: ([a]) => quoteNullable(a as string | null) });
    }
    case 'num_nulls':
    case 'num_nonnulls': {
      // (VARIADIC "any"), not strict: how many arguments are (not) NULL.
      if (args.length === 0) throw undefinedFunction(name, [], location);
      const nulls = name === 'num_nulls';
      return foldConstants(scope, { k: 'fn', type: 'int4', name, args, strict: false, fn: (vals) => countNulls(vals, nulls) });
    }
    case 'width_bucket': {
      // width_bucket(anycompatible, anycompatiblearray): the bucket of the operand among
      // thresholds (the numeric / float8 forms take four arguments, in the overload tables).
      if (args.length !== 2) return null;
      const { arr, elems, elemType } = polymorphicArrayArgs(scope, name, args[1]!, [args[0]!], args, location);
      const cmp = elementComparator(elemType);
      if (cmp === null) throw pgErr.featureNotSupported(`width_bucket over ${typeName(elemType)}`);
      return foldConstants(scope, { k: 'fn', type: 'int4', name, args: [elems[0]!, arr], fn: ([x, a]) => widthBucketArray(x!, a as PgArray, cmp) });
    }
    case 'concat': {
      if (args.length === 0) throw undefinedFunction(name, [], location);
      const as = texts(0);
      const ts = as.map((a) => a.type);
      return foldPrinting(scope, { k: 'fn', type: 'text', name, args: as, strict: false, fn: (vals, { zone, floatDigits }) => vals.map((v, i) => outputText(v, ts[i]!, zone, floatDigits) ?? '').join('') });
    }
    case 'concat_ws': {
      if (args.length < 2) throw undefinedFunction(name, types(), location);
      const sep = applyArg(scope, args[0]!, 'text', location);
      if (sep.type !== 'text') throw undefinedFunction(name, types(), location);
      const as = [sep, ...texts(1)];
      const ts = as.map((a) => a.type);
      return foldPrinting(scope, {
        k: 'fn', type: 'text', name, args: as, strict: false,
        fn: (vals, { zone, floatDigits }) => {
          if (vals[0] === null) return null;
          const parts: string[] = [];
          for (let i = 1; i < vals.length; i++) {
            const t = outputText(vals[i]!, ts[i]!, zone, floatDigits);
            if (t !== null) parts.push(t);
          }
          return parts.join(vals[0] as string);
        },
      });
    }
    case 'format': {
      if (args.length === 0) throw undefinedFunction(name, [], location);
      const f = applyArg(scope, args[0]!, 'text', location);
      if (f.type !== 'text') throw undefinedFunction(name, types(), location);
      const as = [f, ...texts(1)];
      const ts = as.map((a) => a.type);
      return foldPrinting(scope, {
        k: 'fn', type: 'text', name, args: as, strict: false,
        fn: (vals, { zone, floatDigits }) => {
          if (vals[0] === null) return null;
          const rest = vals.slice(1);
          const widthOf = (i: number): number | null => {
            const v = rest[i]!;
            if (v === null) return null;
            const t = ts[i + 1]!;
            if (t !== 'int4' && t !== 'int2' && t !== 'int8') {
              const s = outputText(v, t, zone, floatDigits)!;
              if (!/^\s*[+-]?\d+\s*$/.test(s)) throw new PgError(SQLSTATE.invalid_text_representation, `invalid input syntax for type integer: "${s}"`);
              return Number(s);
            }
            return Number(v);
          };
          return formatText(vals[0] as string, rest.map((v, i) => outputText(v, ts[i + 1]!, zone, floatDigits)), widthOf);
        },
      });
    }
    case 'random': {
      if (args.length !== 0 || scope.random === undefined) return null;
      // Volatile: a new value per row from the executing session's seeded stream (the analysis
      // is shared by the sessions that run the same statement text), never folded.
      const own = scope.random();
      return { k: 'fn', type: 'float8', name, args: [], fn: (_a, ctx) => {
        const rng = ctx.env?.random ?? own;
        return (rng.nextU32() * 2 ** 21 + (rng.nextU32() >>> 11)) / 2 ** 53;
      } };
    }
    case 'now':
    case 'transaction_timestamp':
    case 'statement_timestamp':
    case 'clock_timestamp':
      if (args.length !== 0) throw undefinedFunction(name, types(), location);
      return clockCall(name, 'timestamptz', name === 'clock_timestamp' ? 'clock' : name === 'statement_timestamp' ? 'statement' : 'transaction', -1);
    case 'age': {
      // age(timestamp) is age(current_date at midnight, timestamp).
      if (args.length !== 1) return null;
      const a = args[0]!;
      const t: SqlType = a.type === 'timestamp' ? 'timestamp' : 'timestamptz';
      if (a.type !== 'unknown' && a.type !== 'timestamp' && a.type !== 'timestamptz' && a.type !== 'date') return null;
      const arg = applyArg(scope, a, t, location);
      return {
        k: 'session', type: 'interval', name, args: [arg],
        fn: ([v], s) => {
          if (v === null) return null;
          // age(timestamptz) is age(current_date::timestamptz, v): midnight of today in the session's zone.
          const today = dateToTimestamp(timestampToDate(localTimeOf(s.now('transaction'), s.zone)));
          return t === 'timestamp' ? ageFn(today, v as bigint) : ageTimestamptz(instantOf(today, s.zone), v as bigint, s.zone);
        },
      };
    }
    case 'version':
      if (args.length !== 0) throw undefinedFunction(name, types(), location);
      return { k: 'const', type: 'text', value: versionString() };
    case 'current_database':
      if (args.length !== 0) throw undefinedFunction(name, types(), location);
      return { k: 'const', type: 'text', value: DATABASE_NAME };
    case 'pg_backend_pid':
      if (args.length !== 0) throw undefinedFunction(name, types(), location);
      return { k: 'session', type: 'int4', name, args: [], fn: (_v, session) => session.pid };
    case 'pg_blocking_pids': {
      // pg_blocking_pids(integer) returns integer[]: strict, volatile (read when it runs).
      if (args.length !== 1 || (args[0]!.type !== 'unknown' && args[0]!.type !== 'int4' && castContext(args[0]!.type, 'int4') !== 'implicit')) {
        throw undefinedFunction(name, types(), location);
      }
      const a = [applyArg(scope, args[0]!, 'int4', location)];
      return {
        k: 'session', type: 'int4[]', name, args: a,
        fn: (v, s) => {
          if (v[0] === null) return null;
          const pids = s.blockingPids(v[0] as number);
          return new PgArray('int4', pids.length === 0 ? [] : [pids.length], pids);
        },
      };
    }
    case 'pg_cancel_backend':
    case 'pg_terminate_backend': {
      // pg_cancel_backend(integer) and pg_terminate_backend(integer, timeout bigint DEFAULT 0)
      // return boolean: strict, volatile. A timeout (wait for the end) is not supported.
      if (name === 'pg_terminate_backend' && args.length === 2) throw pgErr.featureNotSupported('pg_terminate_backend with a timeout');
      if (args.length !== 1 || (args[0]!.type !== 'unknown' && args[0]!.type !== 'int4' && castContext(args[0]!.type, 'int4') !== 'implicit')) {
        throw undefinedFunction(name, types(), location);
      }
      const a = [applyArg(scope, args[0]!, 'int4', location)];
      return {
        k: 'session', type: 'bool', name, args: a,
        fn: (v, s) => (v[0] === null ? null : s.signalBackend(v[0] as number, name === 'pg_terminate_backend')),
      };
    }
    case 'txid_current':
    case 'txid_current_if_assigned':
      // The transaction id (vecgres' own numbering: ids grow, are never reused and survive
      // restarts, but do not equal PostgreSQL's). Volatile: assigned at execution.
      if (args.length !== 0) throw undefinedFunction(name, types(), location);
      return { k: 'session', type: 'int8', name, args: [], fn: (_v, session) => session.txid(name === 'txid_current') };
    case 'current_schema':
      if (args.length !== 0) throw undefinedFunction(name, types(), location);
      return currentSchemaExpr(scope);
    case 'current_schemas': {
      // (boolean) returns name[] (text[] here, as current_schema is text): strict, read from
      // search_path when analyzed, which keys the reuse of an analysis.
      if (args.length !== 1 || (args[0]!.type !== 'bool' && args[0]!.type !== 'unknown')) throw undefinedFunction(name, types(), location);
      const arg = applyArg(scope, args[0]!, 'bool', location);
      const list = (implicit: boolean): PgArray => {
        const names = scope.currentSchemas?.(implicit) ?? (implicit ? ['pg_catalog', 'public'] : ['public']);
        return new PgArray('text', names.length === 0 ? [] : [names.length], names);
      };
      const withImplicit = list(true);
      const without = list(false);
      return foldConstants(scope, { k: 'fn', type: 'text[]', name, args: [arg], fn: ([b]) => (b as boolean ? withImplicit : without) });
    }
    case 'shobj_description': {
      // A SQL function over pg_shdescription, whose rows never change in vecgres (no COMMENT ON
      // DATABASE, ROLE or TABLESPACE): the catalog named by its pg_catalog table name.
      if (args.length !== 2) throw undefinedFunction(name, types(), location);
      const a = [oidArg(scope, name, args, 0, location), applyArg(scope, args[1]!, 'text', location)];
      if (a[1]!.type !== 'text') throw undefinedFunction(name, types(), location);
      return foldConstants(scope, { k: 'fn', type: 'text', name, args: a, fn: ([o, c]) => {
        const classoid = CATALOG_OIDS[c as string];
        return SHARED_DESCRIPTIONS.find((r) => r[0] === Number(o) && r[1] === classoid)?.[2] ?? null;
      } });
    }
    case 'pg_tablespace_location': {
      // Every relation is in pg_default, which like pg_global lives in the data directory
      // itself (''); another oid names no pg_tblspc link, PostgreSQL's 58P01.
      if (args.length !== 1) throw undefinedFunction(name, types(), location);
      const a = oidArg(scope, name, args, 0, location);
      return { k: 'op1', type: 'text', arg: a, fn: (v) => {
        const oid = Number(v);
        if (oid === 0 || oid === DEFAULT_TABLESPACE || oid === GLOBAL_TABLESPACE) return '';
        throw new PgError('58P01', `could not stat file "pg_tblspc/${oid}": No such file or directory`);
      } };
    }
    case 'pg_get_userbyid': {
      // The roles of roles.ts: the bootstrap superuser and PostgreSQL's predefined roles.
      if (args.length !== 1) throw undefinedFunction(name, types(), location);
      const a = applyArg(scope, args[0]!, 'int8', location);
      if (a.type !== 'int8') throw undefinedFunction(name, types(), location);
      return foldConstants(scope, { k: 'op1', type: 'text', arg: a, fn: (v) => roleByOid(Number(v))?.name ?? `unknown (OID=${Number(v)})` });
    }
    case 'cardinality':
    case 'array_ndims':
    case 'array_dims': {
      if (args.length !== 1 || !isArrayType(args[0]!.type)) return null;
      const f: Fn1 = name === 'cardinality' ? (a) => (a as PgArray).elems.length
        : name === 'array_ndims' ? (a) => ((a as PgArray).ndim === 0 ? null : (a as PgArray).ndim)
        : (a) => arrayDims(a as PgArray);
      return foldConstants(scope, { k: 'op1', type: name === 'array_dims' ? 'text' : 'int4', arg: args[0]!, fn: f, op: name });
    }
    case 'array_cat':
      if (args.length !== 2) return null;
      return arrayConcat(scope, name, args[0]!, args[1]!, location);
    case 'array_append':
      if (args.length !== 2) return null;
      return arrayConcat(scope, name, args[0]!, args[1]!, location);
    case 'array_prepend':
      if (args.length !== 2) return null;
      return arrayConcat(scope, name, args[0]!, args[1]!, location);
    case 'array_position':
    case 'array_positions':
    case 'array_remove':
    case 'array_replace': {
      // (anycompatiblearray, anycompatible [, ...]): elements compared IS NOT DISTINCT FROM.
      const n = name === 'array_replace' ? 3 : name === 'array_position' ? args.length : 2;
      if (args.length !== n || n < 2 || n > 3) return null;
      const extra = name === 'array_position' && n === 3 ? intArg(scope, name, args, 2, 'int4', location) : null;
      const elemArgs = name === 'array_replace' ? [args[1]!, args[2]!] : [args[1]!];
      const { arr, elems, elemType } = polymorphicArrayArgs(scope, name, args[0]!, elemArgs, args, location);
      const eq = elementEquality(elemType);
      if (eq === null) throw noOperator('=', elemType, elemType, location);
      const a = extra === null ? [arr, ...elems] : [arr, ...elems, extra];
      const impl: FnN = name === 'array_position' ? ([x, e, st]) => (x === null ? null : arrayPosition(x as PgArray, e as ArrayElement, eq, st as number | null | undefined))
        : name === 'array_positions' ? ([x, e]) => (x === null ? null : arrayPositions(x as PgArray, e as ArrayElement, eq))
        : name === 'array_remove' ? ([x, e]) => (x === null ? null : arrayRemove(x as PgArray, e as ArrayElement, eq))
        : ([x, f, t]) => (x === null ? null : arrayReplace(x as PgArray, f as ArrayElement, t as ArrayElement, eq));
      const type: SqlType = name === 'array_position' ? 'int4' : name === 'array_positions' ? 'int4[]' : arr.type;
      return foldConstants(scope, { k: 'fn', type, name, args: a, strict: false, fn: impl });
    }
    case 'array_fill': {
      // (anyelement, int[] [, int[]]): not strict (a NULL value fills the array with NULLs).
      if (args.length !== 2 && args.length !== 3) throw undefinedFunction(name, types(), location);
      const v = args[0]!;
      if (v.type === 'unknown') throw unknownPolymorphic();
      if (isArrayType(v.type)) throw new PgError(SQLSTATE.undefined_object, `could not find array type for data type ${typeName(v.type)}`);
      const arrType = arrayTypeOf(v.type);
      if (arrType === null || args.slice(1).some((x) => x.type !== 'int4[]' && x.type !== 'int2[]' && x.type !== 'unknown')) throw undefinedFunction(name, types(), location);
      const bounds = args.slice(1).map((x) => applyArg(scope, x, 'int4[]', location));
      const elemType = v.type;
      return foldConstants(scope, {
        k: 'fn', type: arrType, name, args: [v, ...bounds], strict: false,
        fn: ([x, dims, lbs]) => arrayFill(x as ArrayElement, dims as PgArray | null, lbs as PgArray | null | undefined, elemType),
      });
    }
    case 'string_to_array': {
      // (text, delimiter [, null_string]): not strict in the delimiter or the null string.
      if (args.length !== 2 && args.length !== 3) return null;
      const a = args.map((x) => applyArg(scope, x, 'text', location));
      if (a.some((x) => x.type !== 'text')) throw undefinedFunction(name, types(), location);
      return foldConstants(scope, {
        k: 'fn', type: 'text[]', name, args: a, strict: false,
        fn: ([str, delim, nullText]) => (str === null ? null : stringToArray(str as string, delim as string | null, (nullText ?? null) as string | null)),
      });
    }
    case 'array_upper':
    case 'array_lower':
    case 'array_length': {
      // (anyarray, int): the bound or length of a dimension (lower bounds are always 1 here);
      // NULL for a dimension the array does not have.
      if (args.length !== 2 || !isArrayType(args[0]!.type)) return null;
      const a = [args[0]!, intArg(scope, name, args, 1, 'int4', location)];
      return foldConstants(scope, {
        k: 'fn', type: 'int4', name, args: a,
        fn: ([arr, dim]) => {
          const n = (arr as PgArray).dims[(dim as number) - 1];
          return n === undefined || (dim as number) < 1 ? null : name === 'array_lower' ? 1 : n;
        },
      });
    }
    case 'array_to_string': {
      // (anyarray, delimiter [, null_string]): the elements' output texts joined; NULL elements
      // skipped, or printed as null_string when it is given and not NULL.
      if ((args.length !== 2 && args.length !== 3) || !isArrayType(args[0]!.type)) return null;
      const et = elemTypeOf(args[0]!.type as ArraySqlType);
      const a = [args[0]!, ...args.slice(1).map((x) => applyArg(scope, x, 'text', location))];
      if (a.slice(1).some((x) => x.type !== 'text')) throw undefinedFunction(name, types(), location);
      return foldPrinting(scope, {
        k: 'fn', type: 'text', name, args: a, strict: false,
        fn: ([arr, delim, nullText], { zone, floatDigits }) => {
          if (arr === null || delim === null) return null;
          const parts: string[] = [];
          for (const v of (arr as PgArray).elems) {
            if (v !== null) parts.push(outputText(v, et, zone, floatDigits)!);
            else if (nullText !== null && nullText !== undefined) parts.push(nullText as string);
          }
          return parts.join(delim as string);
        },
      });
    }
    case 'enum_first':
    case 'enum_last':
    case 'enum_range': {
      // (anyenum [, anyenum]): only the argument's type is read (enum_range's bounds' values
      // too); not strict. The labels are read when the call runs: they change with ALTER TYPE.
      const n = args.length;
      if (n < 1 || n > (name === 'enum_range' ? 2 : 1)) throw undefinedFunction(name, types(), location);
      const known = args.find((x) => x.type !== 'unknown')?.type;
      if (known === undefined || !isEnumSqlType(known)) throw undefinedFunction(name, types(), location);
      const a = args.map((x) => (x.type === 'unknown' ? coerceTo(scope, x, known, -1, exprLocation(x, location)) : x));
      if (a.some((x) => x.type !== known)) throw undefinedFunction(name, types(), location);
      const lookups = scope.catalogLookups?.();
      if (lookups === undefined) throw pgErr.featureNotSupported(`${name}() here`);
      const oid = typeOid(known);
      if (name !== 'enum_range') return { k: 'fn', type: known, name, args: a, strict: false, fn: () => lookups.enumEndpoint(oid, name === 'enum_last') };
      return {
        k: 'fn', type: `${known}[]`, name, args: a, strict: false,
        fn: ([lo, hi]) => {
          const values = lookups.enumRange(oid, n === 2 ? (lo as EnumValue | null) : null, n === 2 ? (hi as EnumValue | null) : null);
          return new PgArray(known, values.length === 0 ? [] : [values.length], values);
        },
      };
    }
    case 'pg_typeof': {
      // pg_typeof("any"): the argument's type as regtype (its typmod dropped); an untyped
      // literal or NULL is `unknown` (oid 705). Not strict: the argument is evaluated, its
      // value unused.
      if (args.length !== 1) throw undefinedFunction(name, types(), location);
      const t = args[0]!.type;
      const oid = isVoidCall(args[0]!) ? VOID_OID : t === 'unknown' ? UNKNOWN_TYPE_OID : typeOid(t);
      return foldConstants(scope, { k: 'fn', type: 'regtype', name, args, strict: false, fn: () => oid });
    }
    case 'to_regclass':
    case 'to_regtype':
    case 'to_regnamespace':
    case 'to_regproc':
    case 'to_regprocedure': {
      // to_regclass(text) and friends: the reg* input, NULL instead of an error for an unknown name.
      if (args.length !== 1) throw undefinedFunction(name, types(), location);
      const a = applyArg(scope, args[0]!, 'text', location);
      if (!isStringType(a.type)) throw undefinedFunction(name, types(), location);
      const type = name.slice(3) as 'regclass' | 'regtype' | 'regnamespace' | 'regproc' | 'regprocedure';
      const input = regInput(scope, type, false);
      return foldConstants(scope, { k: 'op1', type, arg: a, op: name, fn: (v) => input(v as string) });
    }
    case 'format_type': {
      // format_type(oid, typmod): not strict in its typmod (NULL prints the type without one).
      if (args.length !== 2) throw undefinedFunction(name, types(), location);
      const a = [oidArg(scope, name, args, 0, location), intArg(scope, name, args, 1, 'int4', location)];
      // The catalog is read when the call runs (a type created after the analysis has a name).
      const users = scope.catalogLookups?.();
      return foldConstants(scope, { k: 'fn', type: 'text', name, args: a, strict: false, fn: ([o, m]) => (o === null ? null : formatType(Number(o), m === null ? null : Number(m), users)) });
    }
    case 'pg_get_expr': {
      // pg_get_expr(pg_node_tree, relation [, pretty]): vecgres keeps expressions as SQL text.
      if (args.length !== 2 && args.length !== 3) throw undefinedFunction(name, types(), location);
      const a = [applyArg(scope, args[0]!, 'text', location), oidArg(scope, name, args, 1, location), ...(args.length === 3 ? [boolArg(scope, name, args, 2, location)] : [])];
      if (a[0]!.type !== 'text') throw undefinedFunction(name, types(), location);
      return { k: 'fn', type: 'text', name, args: a, fn: ([text, , pretty]) => (pretty === true ? prettyStoredExpr(text as string) : (text as string)) };
    }
    case 'pg_get_constraintdef':
    case 'pg_get_indexdef':
    case 'pg_get_viewdef':
    case 'obj_description':
    case 'pg_relation_is_publishable': {
      const cat = scope.catalogLookups?.();
      if (cat === undefined) return null;
      if (name === 'pg_get_constraintdef' && (args.length === 1 || args.length === 2)) {
        const a = [oidArg(scope, name, args, 0, location), ...(args.length === 2 ? [boolArg(scope, name, args, 1, location)] : [])];
        return { k: 'fn', type: 'text', name, args: a, fn: ([o, p]) => cat.constraintDef(Number(o), p === true) };
      }
      if (name === 'pg_get_indexdef' && (args.length === 1 || args.length === 3)) {
        const a = [oidArg(scope, name, args, 0, location), ...(args.length === 3 ? [intArg(scope, name, args, 1, 'int4', location), boolArg(scope, name, args, 2, location)] : [])];
        return { k: 'fn', type: 'text', name, args: a, fn: ([o, c, p]) => cat.indexDef(Number(o), c === undefined ? 0 : Number(c), p === true) };
      }
      if (name === 'pg_get_viewdef' && (args.length === 1 || args.length === 2)) {
        // The text is the same with and without `pretty` (exec/views.ts viewDefinitionText).
        const pretty = args.length === 2 ? [boolArg(scope, name, args, 1, location)] : [];
        const first = args[0]!;
        if (first.type === 'unknown' || isStringType(first.type)) {
          // pg_get_viewdef(text [, bool]), which an untyped literal resolves to (text is the
          // preferred type): the name looked up as pg_get_viewdef_name does (42P01 for none,
          // 3F000 for a missing schema).
          const a = [applyArg(scope, first, 'text', location), ...pretty];
          return { k: 'fn', type: 'text', name, args: a, fn: ([n]) => cat.viewDef(scope.regclassOid(n as string, true)) };
        }
        const a = [oidArg(scope, name, args, 0, location), ...pretty];
        return { k: 'fn', type: 'text', name, args: a, fn: ([o]) => cat.viewDef(Number(o)) };
      }
      if (name === 'obj_description' && args.length === 1) {
        // The deprecated one-argument form: a relation's comment.
        return { k: 'fn', type: 'text', name, args: [oidArg(scope, name, args, 0, location)], fn: ([o]) => cat.objDescription(Number(o), 'pg_class') };
      }
      if (name === 'obj_description' && args.length === 2) {
        const a = [oidArg(scope, name, args, 0, location), applyArg(scope, args[1]!, 'text', location)];
        if (a[1]!.type !== 'text') throw undefinedFunction(name, types(), location);
        return { k: 'fn', type: 'text', name, args: a, fn: ([o, c]) => cat.objDescription(Number(o), c as string) };
      }
      if (name === 'pg_relation_is_publishable' && args.length === 1) {
        return { k: 'op1', type: 'bool', arg: oidArg(scope, name, args, 0, location), op: name, fn: (o) => cat.isPublishable(Number(o)) };
      }
      throw undefinedFunction(name, types(), location);
    }
    case 'col_description': {
      if (args.length !== 2) throw undefinedFunction(name, types(), location);
      const a = [oidArg(scope, name, args, 0, location), intArg(scope, name, args, 1, 'int4', location)];
      const cat = scope.catalogLookups?.();
      return { k: 'fn', type: 'text', name, args: a, fn: ([o, n]) => (cat === undefined ? null : cat.colDescription(Number(o), Number(n))) };
    }
    case 'pg_get_triggerdef':
    case 'pg_get_statisticsobjdef_columns': {
      // Objects vecgres does not have (triggers, statistics objects): NULL, as PostgreSQL
      // answers for an oid that names none.
      const arity = name === 'pg_get_triggerdef' ? [1, 2] : [1];
      if (!arity.includes(args.length)) throw undefinedFunction(name, types(), location);
      const a = args.map((_, i) => (i === 0 ? oidArg(scope, name, args, 0, location) : boolArg(scope, name, args, i, location)));
      return { k: 'fn', type: 'text', name, args: a, fn: () => null };
    }
    case 'has_table_privilege':
    case 'has_sequence_privilege':
    case 'has_column_privilege':
    case 'has_any_column_privilege':
    case 'has_schema_privilege':
    case 'has_database_privilege':
    case 'pg_has_role': {
      // Overloads: [role,] object(s), privilege text; a role or object as name / text or as oid
      // (an integer or reg* value), a column as text or smallint (acl.c).
      const objects = PRIVILEGE_OBJECTS[name];
      if (args.length !== objects + 1 && args.length !== objects + 2) throw undefinedFunction(name, types(), location);
      const last = args.length - 1;
      const kinds: PrivilegeArg['kind'][] = [];
      const a = args.map((x, i) => {
        const t = x.type;
        const textual = t === 'text' || t === 'varchar' || t === 'bpchar' || t === 'unknown';
        if (i === last) {
          if (!textual) throw undefinedFunction(name, types(), location);
          return applyArg(scope, x, 'text', location);
        }
        if (name === 'has_column_privilege' && i === last - 1 && (t === 'int2' || t === 'int4')) {
          // The column by number: smallint (an int4 constant narrows; others have no overload).
          if (t === 'int4' && x.k !== 'const') throw undefinedFunction(name, types(), location);
          kinds.push('attnum');
          return applyArg(scope, x, 'int4', location);
        }
        if (textual) {
          kinds.push('name');
          return applyArg(scope, x, 'text', location);
        }
        if (!isOidFamily(t) && t !== 'int2' && t !== 'int4' && t !== 'int8') throw undefinedFunction(name, types(), location);
        kinds.push('oid');
        return applyArg(scope, x, 'int8', location);
      });
      const cat = scope.catalogLookups?.();
      if (cat === undefined) throw pgErr.featureNotSupported(`${name}() here`);
      const withRole = args.length === objects + 2;
      return {
        k: 'fn', type: 'bool', name, args: a,
        fn: (v) => {
          if (v.some((x) => x === null)) return null;
          const argsOf = v.slice(0, last).map((x, i): PrivilegeArg => (kinds[i] === 'name' ? { kind: 'name', value: x as string } : { kind: kinds[i]!, value: Number(x) } as PrivilegeArg));
          return cat.hasPrivilege(name, withRole ? argsOf[0]! : null, withRole ? argsOf.slice(1) : argsOf, v[last] as string);
        },
      };
    }
    case 'pg_table_is_visible': {
      if (args.length !== 1) throw undefinedFunction(name, types(), location);
      const a = applyArg(scope, args[0]!, 'int8', location);
      if (a.type !== 'int8') throw undefinedFunction(name, types(), location);
      return { k: 'op1', type: 'bool', arg: a, fn: (v) => scope.relationVisible(Number(v)) };
    }
    case 'pg_get_function_result':
    case 'pg_get_function_arguments':
    case 'pg_get_function_identity_arguments':
    case 'pg_get_function_sqlbody':
    case 'pg_function_is_visible': {
      // Over pg_proc's rows (regproc.ts): NULL for an oid naming no function, as PostgreSQL.
      if (args.length !== 1) throw undefinedFunction(name, types(), location);
      const a = oidArg(scope, name, args, 0, location);
      const cat = scope.catalogLookups?.();
      const procOf = (v: Value) => {
        const p = procByOid(Number(v));
        return p === undefined || (p.schema === 'public' && cat?.hasExtension('vector') !== true) ? undefined : p;
      };
      if (name === 'pg_function_is_visible') {
        return { k: 'op1', type: 'bool', arg: a, op: name, fn: (v) => {
          const p = procOf(v);
          return p === undefined ? null : procIsVisible(p, (scope.currentSchemas?.(false) ?? ['public']).includes('public'));
        } };
      }
      if (name === 'pg_get_function_sqlbody') {
        // A SQL-standard body (BEGIN ATOMIC / RETURN), pg_proc.prosqlbody's text; NULL without one.
        return { k: 'op1', type: 'text', arg: a, op: name, fn: (v) => (procOf(v)?.details.columns[PROSQLBODY] as string | null | undefined) ?? null };
      }
      const text = name === 'pg_get_function_result' ? 'result' : name === 'pg_get_function_arguments' ? 'arguments' : 'identity';
      return { k: 'op1', type: 'text', arg: a, op: name, fn: (v) => procOf(v)?.details[text] ?? null };
    }
    case 'pg_operator_is_visible': {
      // pgvector's operators (pg_operator's rows): visible when public is on the search path (no
      // pg_catalog operator has their argument types); NULL for an oid naming none.
      if (args.length !== 1) throw undefinedFunction(name, types(), location);
      const a = oidArg(scope, name, args, 0, location);
      const cat = scope.catalogLookups?.();
      return { k: 'op1', type: 'bool', arg: a, op: name, fn: (v) => {
        if (cat?.hasExtension('vector') !== true || !pgvectorOperators().some((o) => o.oid === Number(v))) return null;
        return (scope.currentSchemas?.(false) ?? ['public']).includes('public');
      } };
    }
    case 'pg_type_is_visible': {
      // Every type vecgres has is on the search path (pg_catalog, public: enum types may not
      // take a built-in type's name); NULL for an oid naming no type, as PostgreSQL.
      if (args.length !== 1) throw undefinedFunction(name, types(), location);
      const a = oidArg(scope, name, args, 0, location);
      const users = scope.catalogLookups?.();
      return { k: 'op1', type: 'bool', arg: a, fn: (v) => (formatType(Number(v), null, users) === '???' ? null : true) };
    }
    case 'pg_encoding_to_char': {
      if (args.length !== 1) throw undefinedFunction(name, types(), location);
      const a = applyArg(scope, args[0]!, 'int4', location);
      if (a.type !== 'int4') throw undefinedFunction(name, types(), location);
      return foldConstants(scope, { k: 'op1', type: 'text', arg: a, fn: (v) => (v === 6 ? 'UTF8' : v === 0 ? 'SQL_ASCII' : '') });
    }
    case 'current_user':
    case 'session_user':
      if (args.length !== 0) throw undefinedFunction(name, types(), location);
      return { k: 'const', type: 'text', value: SESSION_USER };
    case 'current_setting': {
      if (args.length !== 1 && args.length !== 2) throw undefinedFunction(name, types(), location);
      const a = [applyArg(scope, args[0]!, 'text', location), ...(args.length === 2 ? [applyArg(scope, args[1]!, 'bool', location)] : [])];
      if (a[0]!.type !== 'text' || (a.length === 2 && a[1]!.type !== 'bool')) throw undefinedFunction(name, types(), location);
      return {
        k: 'session', type: 'text', name, args: a,
        fn: (v, s) => {
          if (v.some((x) => x === null)) return null;
          try {
            return s.show(v[0] as string);
          } catch (e) {
            if (v[1] === true && e instanceof PgError && e.code === SQLSTATE.undefined_object) return null;
            throw e;
          }
        },
      };
    }
    case 'pg_notify': {
      // Returns void: '' as text here; the result field reports void's OID (exec/statement.ts).
      if (args.length !== 2) throw undefinedFunction(name, types(), location);
      const a = [applyArg(scope, args[0]!, 'text', location), applyArg(scope, args[1]!, 'text', location)];
      if (a[0]!.type !== 'text' || a[1]!.type !== 'text') throw undefinedFunction(name, types(), location);
      return {
        k: 'session', type: 'text', name, args: a,
        fn: (v, s) => {
          s.notify(v[0] as string | null, v[1] as string | null);
          return '';
        },
      };
    }
    case 'pg_advisory_lock':
    case 'pg_advisory_lock_shared':
    case 'pg_advisory_xact_lock':
    case 'pg_advisory_xact_lock_shared':
    case 'pg_try_advisory_lock':
    case 'pg_try_advisory_lock_shared':
    case 'pg_try_advisory_xact_lock':
    case 'pg_try_advisory_xact_lock_shared':
    case 'pg_advisory_unlock':
    case 'pg_advisory_unlock_shared': {
      // Each takes one bigint key or two integer keys (two lock spaces that never meet).
      const want: SqlType[] | null = args.length === 1 ? ['int8'] : args.length === 2 ? ['int4', 'int4'] : null;
      if (want === null || args.some((x, i) => x.type !== want[i] && x.type !== 'unknown' && castContext(x.type, want[i]!) !== 'implicit')) {
        throw undefinedFunction(name, types(), location);
      }
      const a = args.map((x, i) => applyArg(scope, x, want[i]!, location));
      const op = name.startsWith('pg_try_') ? 'try' : name.startsWith('pg_advisory_unlock') ? 'unlock' : 'lock';
      const shared = name.endsWith('_shared');
      const xact = name.includes('_xact_');
      // The lock functions return void (computed as text '': exec/statement.ts), the others boolean.
      return {
        k: 'session', type: op === 'lock' ? 'text' : 'bool', name, args: a,
        fn: (v, s) => {
          // Strict: a NULL key does nothing and returns NULL.
          if (v.some((x) => x === null)) return null;
          const r = s.advisory(op, v, shared, xact);
          return op === 'lock' ? '' : r;
        },
      };
    }
    case 'pg_advisory_unlock_all':
      if (args.length !== 0) throw undefinedFunction(name, types(), location);
      return { k: 'session', type: 'text', name, args: [], fn: (_v, s) => (s.advisory('unlock_all', [], false, false), '') };
    case 'pg_listening_channels': {
      if (args.length !== 0) throw undefinedFunction(name, types(), location);
      if (!scope.allowSetReturning) throw pgErr.featureNotSupported(`${name}() outside the select list`);
      scope.sawSetReturning = true;
      const channels: Expr = { k: 'session', type: 'text[]', name, args: [], fn: (_v, s) => {
        const ch = s.listeningChannels();
        return new PgArray('text', ch.length === 0 ? [] : [ch.length], ch);
      } };
      return { k: 'srf', type: 'text', name, arg: channels };
    }
    case 'set_config': {
      if (args.length !== 3) throw undefinedFunction(name, types(), location);
      const a = [applyArg(scope, args[0]!, 'text', location), applyArg(scope, args[1]!, 'text', location), applyArg(scope, args[2]!, 'bool', location)];
      if (a[0]!.type !== 'text' || a[1]!.type !== 'text' || a[2]!.type !== 'bool') throw undefinedFunction(name, types(), location);
      return {
        k: 'session', type: 'text', name, args: a,
        fn: (v, s) => {
          if (v[0] === null) throw new PgError(SQLSTATE.invalid_parameter_value, 'SET requires parameter name');
          s.set(v[0] as string, v[1] as string | null, v[2] === true);
          return s.show(v[0] as string);
        },
      };
    }
    default:
      return null;
  }
}

/** Argument `i` of a function taking an oid: an integer or an untyped literal, as bigint (vecgres' oid). */
/**
 * Resolves an anycompatiblearray argument and anycompatible element arguments (PostgreSQL's
 * enforce_generic_type_consistency for the array functions): an untyped array takes the
 * elements' array type, untyped elements the array's element type, and known types meet at
 * their common type.
 * @throws PgError 42804 when every argument is untyped; 42883 when the array argument is not
 *   an array or the types have no common type.
 */
function polymorphicArrayArgs(scope: ExprScope, name: string, arr: Expr, elems: Expr[], all: Expr[], location: number): { arr: Expr; elems: Expr[]; elemType: ArrayElemSqlType } {
  // `||` reports a missing operator, the functions a missing function.
  const fail = (): PgError => (name === '||' ? noOperator('||', all[0]!.type, all[1]!.type, location) : undefinedFunction(name, all.map((a) => a.type), location));
  if (arr.type !== 'unknown' && !isArrayType(arr.type)) throw fail();
  const known = [...(arr.type === 'unknown' ? [] : [elemTypeOf(arr.type as ArraySqlType)]), ...elems.map((e) => e.type).filter((t) => t !== 'unknown')];
  // anycompatible: arguments that are all untyped literals resolve as text.
  if (known.length === 0) known.push('text');
  let elemType: SqlType;
  try {
    elemType = commonType(known, location);
  } catch (e) {
    if (e instanceof PgError && e.code === SQLSTATE.datatype_mismatch) throw fail();
    throw e;
  }
  const arrType = arrayTypeOf(elemType);
  if (arrType === null) throw elemType === 'timetz' ? pgErr.featureNotSupported(`arrays of ${typeName(elemType)}`) : fail();
  return { arr: applyArg(scope, arr, arrType, location), elems: elems.map((e) => applyArg(scope, e, elemType, location)), elemType: elemType as ArrayElemSqlType };
}

/**
 * `l || r` with an array on either side, and array_cat / array_append / array_prepend: not
 * strict (a NULL array is empty to append and prepend; array_cat returns the other side).
 * `||` is array_cat when both sides are arrays (or one is an untyped literal opposite an
 * array), else array_append / array_prepend.
 */
function arrayConcat(scope: ExprScope, name: 'array_cat' | 'array_append' | 'array_prepend' | '||', l: Expr, r: Expr, location: number): Expr {
  let kind = name;
  if (kind === '||') {
    const la = isArrayType(l.type) || l.type === 'unknown';
    const ra = isArrayType(r.type) || r.type === 'unknown';
    kind = la && ra ? 'array_cat' : isArrayType(l.type) ? 'array_append' : 'array_prepend';
  }
  const all = [l, r];
  let a: Expr;
  let b: Expr;
  let arrType: SqlType;
  if (kind === 'array_cat') {
    if ((l.type !== 'unknown' && !isArrayType(l.type)) || (r.type !== 'unknown' && !isArrayType(r.type))) {
      if (name === '||') throw noOperator('||', l.type, r.type, location);
      throw undefinedFunction(name, all.map((x) => x.type), location);
    }
    const lead = l.type === 'unknown' ? r : l;
    const other = l.type === 'unknown' ? l : r;
    const res = polymorphicArrayArgs(scope, name, lead, other.type === 'unknown' ? [] : [{ k: 'slot', type: elemTypeOf(other.type as ArraySqlType), idx: 0, typmod: -1, name: '' }], all, location);
    arrType = res.arr.type;
    a = applyArg(scope, l, arrType, location);
    b = applyArg(scope, r, arrType, location);
  } else {
    const arrSide = kind === 'array_append' ? l : r;
    const elemSide = kind === 'array_append' ? r : l;
    const res = polymorphicArrayArgs(scope, name, arrSide, [elemSide], all, location);
    arrType = res.arr.type;
    [a, b] = kind === 'array_append' ? [res.arr, res.elems[0]!] : [res.elems[0]!, res.arr];
  }
  const elemType = elemTypeOf(arrType as ArraySqlType);
  const fn: FnN = kind === 'array_cat'
    ? ([x, y]) => (x === null ? (y ?? null) : y === null ? x : arrayCat(x as PgArray, y as PgArray, elemType))
    : kind === 'array_append'
      ? ([x, e]) => arrayPush(x as PgArray | null, (e ?? null) as ArrayElement, elemType, false)
      : ([e, x]) => arrayPush(x as PgArray | null, (e ?? null) as ArrayElement, elemType, true);
  // Named `||` when written so, which EXPLAIN prints as the operator (PostgreSQL's
  // array_cat / array_append / array_prepend operators all print as `||`).
  return foldConstants(scope, { k: 'fn', type: arrType, name, args: [a, b], strict: false, fn });
}

/** pg_type oid of `unknown`, the type of an untyped literal (vecgres reads it as text). */
const UNKNOWN_TYPE_OID = 705;

/**
 * An int2vector / oidvector catalog column (ExprScope.catalogVectorElement) read as the array
 * it is in PostgreSQL (int2vector is an int2 array there), for `x = ANY (indkey)` and
 * `unnest(indkey)`; any other expression unchanged. Its subscripts start at 0, which vecgres'
 * arrays cannot say: arraySubscript and generate_subscripts (textSrfCall) shift them.
 */
function catalogVectorAsArray(scope: ExprScope, e: Expr): Expr {
  if (e.type !== 'text') return e;
  const elem = scope.catalogVectorElement?.(e) ?? null;
  if (elem === null) return e;
  return {
    k: 'op1', type: `${elem}[]`, arg: e, implicit: true,
    fn: (v) => {
      const items = (v as string).split(' ').filter((x) => x !== '').map(Number);
      return new PgArray(elem, items.length === 0 ? [] : [items.length], items);
    },
  };
}

/** Argument `i` of an oid-taking catalog function (an integer, an oid or a reg* value) as bigint. */
function oidArg(scope: ExprScope, name: string, args: Expr[], i: number, location: number): Expr {
  if (isOidFamily(args[i]!.type)) return applyArg(scope, args[i]!, 'int8', location);
  return intArg(scope, name, args, i, 'int8', location);
}

/** Argument `i` as integer type `type` (from a smaller integer or an untyped literal). */
function intArg(scope: ExprScope, name: string, args: Expr[], i: number, type: 'int4' | 'int8', location: number): Expr {
  const a = args[i]!;
  const ok = a.type === 'unknown' || a.type === 'int2' || a.type === 'int4' || (type === 'int8' && a.type === 'int8');
  if (!ok) throw undefinedFunction(name, args.map((x) => x.type), location);
  return applyArg(scope, a, type, location);
}

function boolArg(scope: ExprScope, name: string, args: Expr[], i: number, location: number): Expr {
  const a = args[i]!;
  if (a.type !== 'bool' && a.type !== 'unknown') throw undefinedFunction(name, args.map((x) => x.type), location);
  return applyArg(scope, a, 'bool', location);
}

/**
 * The conversion a stand-in operand went through: null for none (the stand-in itself), a
 * function for an implicit cast of it, undefined for anything else.
 */
function converterOf(e: Expr): Fn1 | null | undefined {
  if (e.k === 'slot') return null;
  if (e.k === 'cast' && e.arg.k === 'slot') {
    const { from, type, typmod } = e;
    const explicit = e.explicit ?? true;
    return (v, zone) => castValue(v, from, type, typmod, zone, explicit);
  }
  return undefined;
}
