/**
 * Window functions in parse analysis (PostgreSQL's parse_agg.c transformWindowFuncCall and
 * parse_clause.c transformWindowDefinitions): an `f(...) OVER (...)` call becomes a `window`
 * expression naming a window clause of its query level by index (`winref`); identical window
 * specifications share one clause (one WindowAgg, one sort). Named windows (`WINDOW w AS`)
 * are resolved with PostgreSQL's copy rules.
 *
 * Functions: row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead,
 * first_value, last_value, nth_value, and the aggregates count / sum / avg / min / max.
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import type { PgNode } from '../parser/parse.js';
import { leftmostLocation } from '../parser/walk.js';
import { type Expr, type ExprScope, analyzeExpr, forEachOperand, coerceTo, comparatorFor, commonType, analyzeAggregate, unknownPolymorphic } from './expr.js';
import { type SqlType, isNumeric, castValue, typeName } from './types.js';
import type { SortKey } from './query.js';
import { exprEqual } from './query.js';
import { STAT_AGGREGATE_NAMES } from './stat_aggregates.js';

/** PostgreSQL's FRAMEOPTION_* bits (parsenodes.h), as libpg-query passes them. */
export const FRAME = {
  NONDEFAULT: 0x1,
  RANGE: 0x2,
  ROWS: 0x4,
  GROUPS: 0x8,
  BETWEEN: 0x10,
  START_UNBOUNDED_PRECEDING: 0x20,
  END_UNBOUNDED_PRECEDING: 0x40,
  START_UNBOUNDED_FOLLOWING: 0x80,
  END_UNBOUNDED_FOLLOWING: 0x100,
  START_CURRENT_ROW: 0x200,
  END_CURRENT_ROW: 0x400,
  START_OFFSET_PRECEDING: 0x800,
  END_OFFSET_PRECEDING: 0x1000,
  START_OFFSET_FOLLOWING: 0x2000,
  END_OFFSET_FOLLOWING: 0x4000,
  EXCLUDE_CURRENT_ROW: 0x8000,
  EXCLUDE_GROUP: 0x10000,
  EXCLUDE_TIES: 0x20000,
} as const;

/** One window of a query level (PostgreSQL's WindowClause). */
export interface WindowClause {
  /** The WINDOW clause name, or null for an inline OVER (...). */
  name: string | null;
  partitionBy: Expr[];
  orderBy: SortKey[];
  /** FRAME bits. */
  frameOptions: number;
  /** Offsets of `n PRECEDING / FOLLOWING` bounds (constants or parameters), else null. */
  startOffset: Expr | null;
  endOffset: Expr | null;
}

/** What window analysis needs of a query level (ParseState implements it). */
export interface WindowScope extends ExprScope {
  /** The level's windows so far; a window expression's `winref` indexes it. */
  windows: WindowClause[];
  /** The raw WINDOW clause (`WindowDef`s). */
  rawWindows: PgNode[];
  /** Named windows analyzed so far. */
  namedWindows: Map<string, WindowClause>;
}

const RANKING = new Set(['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile']);
const VALUE_FNS = new Set(['lag', 'lead', 'first_value', 'last_value', 'nth_value']);
const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max', 'array_agg', 'string_agg', 'bool_and', 'bool_or', 'every', ...STAT_AGGREGATE_NAMES]);

function pos(loc: unknown): { position?: number } {
  return typeof loc === 'number' && loc >= 0 ? { position: loc + 1 } : {};
}

function windowingError(message: string, loc?: number, hint?: string): PgError {
  return new PgError('42P20', message, { ...pos(loc), ...(hint === undefined ? {} : { hint }) });
}

/** True when `e` holds a window function call (not looking into subqueries). */
export function containsWindow(e: Expr): boolean {
  if (e.k === 'window') return true;
  let found = false;
  forEachOperand(e, (x) => {
    if (!found && containsWindow(x)) found = true;
  });
  return found;
}


/**
 * Analyzes `name(args) OVER (...)` (the raw FuncCall `n`) in a scope where window functions
 * are allowed (a select list or ORDER BY).
 * @throws PgError 42P20 (window functions not allowed here, nested, bad window references or
 *   frames), 42803 inside an aggregate, 42883 unknown function / arguments, 42804 an
 *   anyelement argument of type unknown (`last_value($1)`), 0A000 for
 *   DISTINCT / ORDER BY / FILTER in a window aggregate.
 */
export function analyzeWindowCall(scope: ExprScope, n: PgNode, name: string): Expr {
  const ws = scope as Partial<WindowScope> & ExprScope;
  if (scope.insideAggregate === true) throw new PgError(SQLSTATE.grouping_error, 'aggregate function calls cannot contain window function calls', pos(n.location));
  if (ws.insideWindow === true) throw windowingError('window function calls cannot be nested', n.location);
  if (ws.allowWindows !== true || ws.windows === undefined) {
    throw windowingError(`window functions are not allowed in ${ws.windowClause ?? scope.aggregateClause ?? 'WHERE'}`, n.location);
  }
  if (!RANKING.has(name) && !VALUE_FNS.has(name) && !AGGREGATES.has(name)) {
    throw pgErr.featureNotSupported(`window function ${name}`);
  }
  if (n.agg_distinct === true) throw new PgError(SQLSTATE.feature_not_supported, 'DISTINCT is not implemented for window functions', pos(n.location));
  if (n.agg_order !== undefined) throw new PgError(SQLSTATE.feature_not_supported, 'aggregate ORDER BY is not implemented for window functions', pos(n.location));
  if (n.agg_filter !== undefined && !AGGREGATES.has(name)) {
    throw new PgError(SQLSTATE.feature_not_supported, 'FILTER is not implemented for non-aggregate window functions', pos(n.location));
  }
  const winref = windowRef(ws as WindowScope, n.over);
  const saved = { allow: ws.allowWindows, inside: ws.insideWindow };
  ws.insideWindow = true;
  try {
    if (AGGREGATES.has(name)) {
      // The call is the window's; aggregates in its argument are the query's (sum(count(*)) OVER ()).
      const sawAgg = scope.sawAggregate;
      const allowAgg = scope.allowAggregates;
      scope.allowAggregates = true;
      scope.aggregateOverWindow = true;
      let call: Expr;
      try {
        call = analyzeAggregate(scope, name, n);
      } finally {
        scope.sawAggregate = sawAgg;
        scope.allowAggregates = allowAgg;
        scope.aggregateOverWindow = false;
      }
      const args = call.k === 'count' ? (call.arg === null ? [] : [call.arg]) : call.k === 'agg' ? (call.arg2 === undefined ? [call.arg] : [call.arg, call.arg2]) : [];
      if (args.some((a) => someNodeLocal(a, (x) => x.k === 'count' || x.k === 'agg'))) scope.sawAggregate = true;
      const filter = (call as { mods?: { filter: Expr | null } }).mods?.filter ?? null;
      return { k: 'window', type: call.type, name, args, winref, agg: call, loc: n.location, ...(filter === null ? {} : { filter }) };
    }
    if (n.agg_star === true) throw new PgError(SQLSTATE.wrong_object_type, `${name}(*) specified, but ${name} is not an aggregate function`, pos(n.location));
    let args = ((n.args ?? []) as PgNode[]).map((a) => analyzeExpr(scope, a));
    const types = (): string => args.map((a) => typeName(a.type)).join(', ');
    const noFn = (): PgError =>
      new PgError(SQLSTATE.undefined_function, `function ${name}(${types()}) does not exist`, {
        hint: 'No function matches the given name and argument types. You might need to add explicit type casts.', ...pos(n.location),
      });
    const intArg = (e: Expr): Expr => {
      const c = coerceTo(scope, e, 'int4', -1);
      if (c.type === 'int4') return c;
      if (c.type === 'int8' || c.type === 'unknown') throw noFn();
      throw noFn();
    };
    // lag/lead(anyelement [, integer]), first_value, last_value and nth_value take
    // anyelement: an argument of type unknown (a literal, NULL or an untyped parameter) leaves
    // it unresolved (PostgreSQL's enforce_generic_type_consistency; only the anycompatible
    // three-argument lag/lead resolves unknown to text).
    let type: SqlType;
    switch (name) {
      case 'row_number':
      case 'rank':
      case 'dense_rank':
        if (args.length !== 0) throw noFn();
        type = 'int8';
        break;
      case 'percent_rank':
      case 'cume_dist':
        if (args.length !== 0) throw noFn();
        type = 'float8';
        break;
      case 'ntile':
        if (args.length !== 1) throw noFn();
        args = [intArg(args[0]!)];
        type = 'int4';
        break;
      case 'lag':
      case 'lead': {
        if (args.length < 1 || args.length > 3) throw noFn();
        if (args.length >= 2) args[1] = intArg(args[1]!);
        if (args.length === 3) {
          // lag(anycompatible, integer, anycompatible): value and default share a type.
          const t = commonType([args[0]!.type, args[2]!.type], n.location, 'lag');
          args[0] = coerceOrCast(scope, args[0]!, t);
          args[2] = coerceOrCast(scope, args[2]!, t);
        } else if (args[0]!.type === 'unknown') throw unknownPolymorphic();
        type = args[0]!.type;
        break;
      }
      case 'nth_value':
        if (args.length !== 2) throw noFn();
        args[1] = intArg(args[1]!);
        if (args[0]!.type === 'unknown') throw unknownPolymorphic();
        type = args[0]!.type;
        break;
      default:
        if (args.length !== 1) throw noFn();
        if (args[0]!.type === 'unknown') throw unknownPolymorphic();
        type = args[0]!.type;
        break;
    }
    return { k: 'window', type, name, args, winref, agg: null, loc: n.location };
  } finally {
    ws.allowWindows = saved.allow;
    ws.insideWindow = saved.inside;
  }
}

function coerceOrCast(scope: ExprScope, e: Expr, t: SqlType, location?: number): Expr {
  if (e.type === t) return e;
  const c = coerceTo(scope, e, t, -1, location);
  if (c.type === t) return c;
  return { k: 'cast', type: t, from: e.type, typmod: -1, arg: e, explicit: false };
}

/** The index of the window `over` denotes, adding it (or the equal one) to the level's list. */
function windowRef(ws: WindowScope, over: PgNode): number {
  const w = windowSpec(ws, over);
  for (let i = 0; i < ws.windows.length; i++) if (windowEqual(ws.windows[i]!, w)) return i;
  ws.windows.push(w);
  return ws.windows.length - 1;
}

/** The named window `name` of the level's WINDOW clause, analyzed once. */
function namedWindow(ws: WindowScope, name: string, loc: number | undefined): WindowClause {
  const done = ws.namedWindows.get(name);
  if (done !== undefined) return done;
  const raw = ws.rawWindows.map((x) => x.WindowDef ?? x).find((d: PgNode) => d.name === name);
  if (raw === undefined) throw new PgError(SQLSTATE.undefined_object, `window "${name}" does not exist`, pos(loc));
  const w = windowSpec(ws, raw, true);
  w.name = name;
  ws.namedWindows.set(name, w);
  return w;
}

/**
 * A window specification: its own clauses, or a named window's (OVER w), or a named window's
 * PARTITION BY / ORDER BY extended (OVER (w ORDER BY ...)).
 */
function windowSpec(ws: WindowScope, def: PgNode, inWindowClause = false): WindowClause {
  const frameOptions = (def.frameOptions ?? 0x422) as number;
  const own = def.partitionClause !== undefined || def.orderClause !== undefined || (frameOptions & FRAME.NONDEFAULT) !== 0;
  if (!inWindowClause && def.name !== undefined && def.refname === undefined && !own) {
    const named = namedWindow(ws, def.name, def.location);
    return { ...named };
  }
  let base: WindowClause | null = null;
  if (def.refname !== undefined) {
    base = namedWindow(ws, def.refname, def.location);
    if (def.partitionClause !== undefined) throw windowingError(`cannot override PARTITION BY clause of window "${def.refname}"`, def.location);
    if (def.orderClause !== undefined && base.orderBy.length > 0) throw windowingError(`cannot override ORDER BY clause of window "${def.refname}"`, def.location);
    if ((base.frameOptions & FRAME.NONDEFAULT) !== 0) {
      throw windowingError(`cannot copy window "${def.refname}" because it has a frame clause`, def.location, own ? undefined : 'Omit the parentheses in this OVER clause.');
    }
  }
  const saved = { allow: ws.allowWindows, clause: ws.windowClause };
  ws.allowWindows = false;
  ws.windowClause = 'window definitions';
  try {
    const partitionBy = base !== null ? base.partitionBy : ((def.partitionClause ?? []) as PgNode[]).map((x) => resolveUnknown(ws, analyzeExpr(ws, x)));
    const orderBy: SortKey[] = base !== null && base.orderBy.length > 0 ? base.orderBy : ((def.orderClause ?? []) as PgNode[]).map((sb) => {
      const b = sb.SortBy;
      if (b.useOp !== undefined) throw pgErr.featureNotSupported('ORDER BY ... USING');
      const expr = resolveUnknown(ws, analyzeExpr(ws, b.node));
      const desc = b.sortby_dir === 'SORTBY_DESC';
      const nullsFirst = b.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : b.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : desc;
      return { expr, desc, nullsFirst, cmp: comparatorFor(expr.type) as (a: unknown, b: unknown) => number };
    });
    for (const e of partitionBy) comparatorFor(e.type);
    const w: WindowClause = { name: null, partitionBy, orderBy, frameOptions, startOffset: null, endOffset: null };
    checkFrame(ws, w, def);
    return w;
  } finally {
    ws.allowWindows = saved.allow;
    ws.windowClause = saved.clause;
  }
}

function resolveUnknown(ws: ExprScope, e: Expr): Expr {
  return e.type === 'unknown' ? coerceTo(ws, e, 'text', -1) : e;
}

/** The numeric types in the order of PostgreSQL's implicit casts (each casts to those after it). */
const NUMERIC_RANK: Partial<Record<SqlType, number>> = { int2: 0, int4: 1, int8: 2, numeric: 3, float4: 4, float8: 5 };

/**
 * The ORDER BY column types whose RANGE offset is an interval (PostgreSQL's in_range support
 * functions in_range_{timestamp,timestamptz,date,time,interval}_interval).
 */
export function isIntervalOffsetType(t: SqlType): t is 'timestamp' | 'timestamptz' | 'date' | 'time' | 'interval' {
  return t === 'timestamp' || t === 'timestamptz' || t === 'date' || t === 'time' || t === 'interval';
}

/**
 * PostgreSQL's frame checks (transformFrameOffset): RANGE with an offset needs exactly one
 * ORDER BY column of a type with an in_range function (numeric, or date / time with an
 * interval offset: 0A000 `not supported for column type X and offset type Y` for another
 * offset type), GROUPS needs ORDER BY; offsets hold no columns and are int8 for ROWS /
 * GROUPS, the ORDER BY column's type (numeric) or interval (date / time) for RANGE.
 */
function checkFrame(ws: ExprScope, w: WindowClause, def: PgNode): void {
  const f = w.frameOptions;
  const hasOffset = (f & (FRAME.START_OFFSET_PRECEDING | FRAME.START_OFFSET_FOLLOWING | FRAME.END_OFFSET_PRECEDING | FRAME.END_OFFSET_FOLLOWING)) !== 0;
  if ((f & FRAME.RANGE) !== 0 && hasOffset && w.orderBy.length !== 1) {
    throw windowingError('RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column', def.location);
  }
  if ((f & FRAME.GROUPS) !== 0 && w.orderBy.length === 0) throw windowingError('GROUPS mode requires an ORDER BY clause', def.location);
  const offset = (node: PgNode | undefined, what: string): Expr | null => {
    if (node === undefined) return null;
    const saved = ws.aggregateClause;
    ws.aggregateClause = what;
    let e: Expr;
    try {
      e = analyzeExpr(ws, node);
    } finally {
      ws.aggregateClause = saved;
    }
    // PostgreSQL checks for variables after choosing the offset's type (checkExprIsVarFree).
    const c = offsetOfType(e, node, what);
    if (hasVar(c)) throw new PgError(SQLSTATE.invalid_column_reference, `argument of ${what} must not contain variables`, pos(node[Object.keys(node)[0]!]?.location));
    return c;
  };
  const offsetOfType = (e: Expr, node: PgNode, what: string): Expr => {
    if ((f & FRAME.RANGE) !== 0) {
      const t = w.orderBy[0]!.expr.type;
      // PostgreSQL places these errors at the offset's leftmost token (exprLocation: a cast
      // literal's own location).
      const loc = e.k === 'const' && e.loc !== undefined && e.loc >= 0 ? e.loc : leftmostLocation(node);
      // The operator class's input type names the column (varchar sorts with text_ops).
      const colName = typeName(t === 'varchar' ? 'text' : t);
      if (!isIntervalOffsetType(t) && !isNumeric(t)) throw new PgError(SQLSTATE.feature_not_supported, `RANGE with offset PRECEDING/FOLLOWING is not supported for column type ${colName}`, pos(loc));
      // No in_range function of the column's type takes the offset's type (or one it casts to
      // implicitly): the date/time types' take an interval (a time casts to it); int2 / int4
      // columns' take up to int8, int8's int8, numeric's numeric, float4 / float8's float8.
      const accepts = e.type === 'unknown' ? true
        : isIntervalOffsetType(t) ? e.type === 'interval' || e.type === 'time'
        : NUMERIC_RANK[e.type] !== undefined && NUMERIC_RANK[e.type]! <= NUMERIC_RANK[t === 'int2' || t === 'int4' ? 'int8' : t === 'float4' ? 'float8' : t]!;
      if (!accepts) {
        throw new PgError(SQLSTATE.feature_not_supported, `RANGE with offset PRECEDING/FOLLOWING is not supported for column type ${colName} and offset type ${typeName(e.type)}`,
          { ...pos(loc), hint: 'Cast the offset value to an appropriate type.' });
      }
      if (isIntervalOffsetType(t)) return e.type === 'time' ? coerceOrCast(ws, e, 'interval') : coerceTo(ws, e, 'interval', -1, loc);
      return coerceOrCast(ws, e, t === 'int4' && e.type === 'int8' ? 'int8' : e.type === 'unknown' ? t : e.type, loc);
    }
    let c = coerceTo(ws, e, 'int8', -1);
    // A constant offset folds to a bigint constant (EXPLAIN prints '2'::bigint, as PostgreSQL).
    if (c.k === 'cast' && c.arg.k === 'const' && c.type === 'int8') c = { k: 'const', type: 'int8', value: castValue(c.arg.value, c.arg.type, 'int8', -1, ws.zone) };
    if (!isNumeric(c.type) || c.type === 'float4' || c.type === 'float8' || c.type === 'numeric') {
      throw new PgError(SQLSTATE.datatype_mismatch, `argument of ${what} must be type bigint, not type ${typeName(c.type)}`, pos(node[Object.keys(node)[0]!]?.location));
    }
    return c;
  };
  const mode = (f & FRAME.ROWS) !== 0 ? 'ROWS' : (f & FRAME.GROUPS) !== 0 ? 'GROUPS' : 'RANGE';
  w.startOffset = offset(def.startOffset, mode);
  w.endOffset = offset(def.endOffset, mode);
}

function someNodeLocal(e: Expr, pred: (x: Expr) => boolean): boolean {
  if (pred(e)) return true;
  let found = false;
  forEachOperand(e, (x) => {
    if (!found && someNodeLocal(x, pred)) found = true;
  });
  return found;
}

function hasVar(e: Expr): boolean {
  if (e.k === 'var') return true;
  let found = false;
  forEachOperand(e, (x) => {
    if (!found && hasVar(x)) found = true;
  });
  return found;
}

function windowEqual(a: WindowClause, b: WindowClause): boolean {
  const eq = (x: Expr | null, y: Expr | null): boolean => (x === null ? y === null : y !== null && exprEqual(x, y));
  return a.name === b.name && a.frameOptions === b.frameOptions && eq(a.startOffset, b.startOffset) && eq(a.endOffset, b.endOffset) &&
    a.partitionBy.length === b.partitionBy.length && a.partitionBy.every((e, i) => exprEqual(e, b.partitionBy[i]!)) &&
    a.orderBy.length === b.orderBy.length &&
    a.orderBy.every((k, i) => exprEqual(k.expr, b.orderBy[i]!.expr) && k.desc === b.orderBy[i]!.desc && k.nullsFirst === b.orderBy[i]!.nullsFirst);
}
