/**
 * Expressions as text, roughly as PostgreSQL's ruleutils prints them in EXPLAIN: operators in
 * parentheses, constants with their type cast, columns qualified by their relation when the
 * statement has more than one range-table entry. Bound expressions print the name the planner
 * gave each tuple position or parameter when it bound them.
 */
import type { TimeZone } from '../../types/timezone.js';
import { isSubscript, someNode, type AggMods, type Expr } from '../analyze/expr.js';
import { type SqlType, type ArrayElemSqlType, ARRAY_ELEM_TYPES, castValue, formatSqlType, isNumeric, numericRank, valueToText, typeName as sqlTypeName } from '../analyze/types.js';
import { isEnumSqlType } from '../../types/enum_value.js';
import type { Value } from '../../storage/table.js';
import { type ArrayElement, PgArray } from '../../types/pgarray.js';
import type { SubPlan } from './plan.js';
import { quoteIdent } from '../parser/parse.js';

/**
 * What the text of a constant depends on besides its value, as ruleutils' get_const_expr
 * calls the type's output function under the session's settings: the TimeZone a timestamptz
 * (and a date or timestamp cast to one) prints in. DateStyle is always ISO and IntervalStyle
 * always postgres in vecgres, so they need no field. Built once per planned statement
 * (PlannerGlobal) from the session's settings and carried by the plan to EXPLAIN; a plan is
 * reused only while the settings are unchanged (planner.ts cachedPlanValid).
 */
export interface DeparseContext {
  readonly zone: TimeZone;
  /**
   * The parameter values the statement was planned for: `$n` prints as its value, as in
   * PostgreSQL's custom plans (the planner folds bound parameters into constants). Absent:
   * `$n` prints as is.
   */
  readonly params?: readonly Value[];
  /**
   * The plan is printed by EXPLAIN (VERBOSE): every column reference in a qual, key or
   * condition is qualified by its relation's name, a scan's own quals included (explain.c's
   * useprefix is true under es->verbose); only Output lists keep the range-table rule.
   */
  readonly verbose?: boolean;
}

const CAST_NAME: Partial<Record<SqlType, string>> = {
  float8: 'double precision',
  float4: 'real',
  int8: 'bigint',
  int4: 'integer',
  int2: 'smallint',
  bool: 'boolean',
  varbit: 'bit varying',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  time: 'time without time zone',
  varchar: 'character varying',
  timetz: 'time with time zone',
};

/**
 * The type as format_type prints it; `bit` without a length is quoted (`"bit"`), since the bare
 * word would read back as bit(1).
 */
/** True for a type arrays of which vecgres has (a built-in element type or an enum type). */
function isArrayElemType(t: SqlType): t is ArrayElemSqlType {
  return ARRAY_ELEM_TYPES.includes(t as (typeof ARRAY_ELEM_TYPES)[number]) || isEnumSqlType(t);
}

function typeName(t: SqlType, hasTypmod = false): string {
  if (t === 'bit' && !hasTypmod) return '"bit"';
  if (isEnumSqlType(t)) return sqlTypeName(t);
  if (t.endsWith('[]')) return `${typeName(t.slice(0, -2) as SqlType, hasTypmod)}[]`;
  return CAST_NAME[t] ?? t;
}

/**
 * A constant as ruleutils' get_const_expr prints it: a non-negative integer and a
 * non-negative numeric with a decimal point or exponent bare (they read back as the same
 * type), booleans bare, everything else quoted with its type.
 */
function constText(text: string, type: SqlType): string {
  if (type === 'bool') return text;
  if (type === 'int4' && /^[0-9]+$/.test(text)) return text;
  if (type === 'numeric' && /^[0-9][0-9.eE+-]*$/.test(text) && /[.eE]/.test(text)) return text;
  // An untyped literal left in a select list is text to PostgreSQL (resolved at the end of analysis).
  const cast = type === 'text' || type === 'unknown' ? '::text' : `::${typeName(type)}`;
  return `'${text.replace(/'/g, "''")}'${cast}`;
}

/**
 * `x IN (...)` as PostgreSQL's transformAExprIn makes it. Items without columns (constants,
 * parameters), when there are two or more, become `x = ANY (array)` (`<> ALL` for NOT IN) over
 * the common type of `x` and the items: numeric types by rank, `x` cast unless both are
 * integers (cross-type operators), varchar compared as text; the array is a constant
 * `'{1,2}'::integer[]` when every item is a constant, else `ARRAY[...]`. The other items each
 * become `x = item`, ORed after it (`x <> item`, ANDed before it).
 */
function inListText(arg: Expr, list: readonly Expr[], negate: boolean, d: (e: Expr) => string, dc: DeparseContext): string {
  // As analyzeIn splits the list: an item reading a column of the row (a var, or a slot once
  // bound) is compared on its own.
  const hasVars = (x: Expr): boolean => someNode(x, (y) => (y.k === 'var' && y.levelsUp === 0) || y.k === 'slot');
  const nonVars = list.filter((x) => !hasVars(x));
  const parts: string[] = [];
  const eq = negate ? '<>' : '=';
  const rest = nonVars.length > 1 ? list.filter(hasVars) : list;
  if (nonVars.length > 1) {
    let t: SqlType = arg.type === 'varchar' ? 'text' : arg.type;
    if (isNumeric(t) && nonVars.every((x) => isNumeric(x.type))) for (const x of nonVars) if (numericRank(x.type) > numericRank(t)) t = x.type;
    const cast = t !== arg.type && !(INTS.has(t) && INTS.has(arg.type));
    const lhs = cast ? `(${d(arg)})::${typeName(t)}` : d(arg);
    const head = `${lhs} ${negate ? '<> ALL' : '= ANY'}`;
    const elemType: SqlType = INTS.has(arg.type) && INTS.has(t) ? (numericRank(t) >= numericRank(arg.type) ? t : arg.type) : t;
    if (nonVars.every((x) => x.k === 'const') && isArrayElemType(elemType)) {
      const elems = nonVars.map((x) => (x.k === 'const' && x.value !== null ? (x.type === elemType ? x.value : castValue(x.value, x.type, elemType, -1, dc.zone, false)) : null)) as ArrayElement[];
      const text = valueToText(new PgArray(elemType, [elems.length], elems), `${elemType}[]` as SqlType, dc.zone)!;
      parts.push(`(${head} ('${text.replace(/'/g, "''")}'::${typeName(elemType)}[]))`);
    } else {
      parts.push(`(${head} (ARRAY[${nonVars.map((x) => (x.type === elemType || x.k !== 'const' ? d(x) : constText(valueToText(x.value, x.type, dc.zone)!, elemType))).join(', ')}]))`);
    }
  }
  const single = rest.map((x) => `(${d(arg)} ${eq} ${d(x)})`);
  // NOT IN's conjuncts join the scan's quals, which the planner orders cheapest first
  // (order_qual_clauses): the single comparisons before the array's.
  if (negate) parts.unshift(...single);
  else parts.push(...single);
  return parts.length === 1 ? parts[0]! : `(${parts.join(negate ? ' AND ' : ' OR ')})`;
}

/** Niladic SQL value functions (CURRENT_DATE ...), which PostgreSQL prints without parentheses. */
const SQL_VALUE_FUNCTIONS: ReadonlySet<string> = new Set(['current_date', 'current_time', 'current_timestamp', 'localtimestamp', 'localtime']);

const INTS: ReadonlySet<SqlType> = new Set(['int2', 'int4', 'int8']);
const DATETIMES: ReadonlySet<SqlType> = new Set(['date', 'timestamp', 'timestamptz']);
const COMPARISONS: ReadonlySet<string> = new Set(['=', '<>', '<', '>', '<=', '>=']);
const FLOATS: ReadonlySet<SqlType> = new Set(['float4', 'float8']);
/** Operators whose mixed numeric operands PostgreSQL coerces (pg_operator has no cross-type entry). */
const COERCING_OPS = new Set(['=', '<>', '<', '>', '<=', '>=', '+', '-', '*', '/', '%']);

/**
 * The operand types PostgreSQL's operator resolution picks for `l op r` of two different
 * numeric types (vecgres evaluates mixed operands directly, so the analyzed tree has no
 * coercion node to print): integers of different widths have cross-type operators except
 * `%`; an integer or a numeric meeting a float becomes double precision (float4 and float8
 * have cross-type operators); an integer meeting a numeric becomes numeric. Null when the
 * types need no coercion or are not numeric.
 */
function coercedOperands(op: string, lt: SqlType, rt: SqlType): [SqlType, SqlType] | null {
  if (lt === rt || !COERCING_OPS.has(op)) return null;
  const num = (t: SqlType): boolean => INTS.has(t) || FLOATS.has(t) || t === 'numeric';
  if (!num(lt) || !num(rt)) return null;
  if (INTS.has(lt) && INTS.has(rt)) {
    if (op !== '%') return null;
    const wider: SqlType = lt === 'int8' || rt === 'int8' ? 'int8' : 'int4';
    return [wider, wider];
  }
  if (FLOATS.has(lt) && FLOATS.has(rt)) return null;
  if (FLOATS.has(lt)) return [lt, 'float8'];
  if (FLOATS.has(rt)) return ['float8', rt];
  return ['numeric', 'numeric'];
}

/**
 * Text of `e`, its constants printed under `dc` (the session's zone). `varName` names an
 * unbound column reference (the planner supplies the qualified name); bound slots and
 * parameters carry their own.
 */
export function deparse(e: Expr, dc: DeparseContext, prefix = false, varName: (v: Extract<Expr, { k: 'var' }>, prefix: boolean) => string = (v) => quoteIdent(v.name)): string {
  const d = (x: Expr): string => deparse(x, dc, prefix, varName);
  switch (e.k) {
    case 'const':
      // get_const_expr: a null constant shows its type, as any constant does (`NULL::boolean`).
      if (e.value === null) return e.type === 'unknown' ? 'NULL' : `NULL::${typeName(e.type)}`;
      return constText(valueToText(e.value, e.type, dc.zone)!, e.type);
    case 'param': {
      const params = dc.params;
      if (params === undefined || e.index >= params.length) return `$${e.index + 1}`;
      const v = params[e.index]!;
      return v === null ? 'NULL' : constText(valueToText(v, e.type, dc.zone)!, e.type);
    }
    case 'var':
      return varName(e, prefix);
    case 'slot':
      return prefix ? (e.qname ?? e.name) : e.name;
    case 'execParam':
      return e.qname ?? e.name;
    case 'op2': {
      if (isSubscript(e)) return `${subscripted(e.l, d)}[${d(e.r)}]`;
      if (/^[a-z_]+$/.test(e.op)) return `${e.op}(${d(e.l)}, ${d(e.r)})`;
      // date, timestamp and timestamptz compare across types (the datetime_ops family's
      // cross-type operators), so PostgreSQL prints no cast where vecgres coerced one side.
      if (COMPARISONS.has(e.op)) {
        const bare = (x: Expr): Expr => {
          if (x.k === 'cast' && x.explicit === false && DATETIMES.has(x.from) && DATETIMES.has(x.type)) return x.arg;
          // A literal analysis folded into the other side's type prints as written.
          if (x.k === 'const' && x.shown !== undefined && DATETIMES.has(x.shown.type)) return { k: 'const', type: x.shown.type, value: x.shown.value };
          return x;
        };
        const [l, r] = [bare(e.l), bare(e.r)];
        if (l !== e.l || r !== e.r) return `(${d(l)} ${e.op} ${d(r)})`;
      }
      const to = coercedOperands(e.op, e.l.type, e.r.type);
      if (to === null) return `(${d(e.l)} ${e.op} ${d(e.r)})`;
      // PostgreSQL folds a coerced constant: it prints as a constant of the operand type.
      const side = (x: Expr, t: SqlType): string => {
        if (x.type === t) return d(x);
        if (x.k === 'const' && x.value !== null) {
          const text = valueToText(x.value, x.type, dc.zone)!;
          return constText(t === 'float8' ? String(Number(text)) : text, t);
        }
        return `(${d(x)})::${typeName(t)}`;
      };
      return `(${side(e.l, to[0])} ${e.op} ${side(e.r, to[1])})`;
    }
    case 'op1':
      if (e.implicit === true) return d(e.arg);
      // regclassout & co. (a reg* value cast to text, analyze/expr.ts regOutputExpr): the cast PostgreSQL prints.
      if (e.op !== undefined && /^reg[a-z]*out$/.test(e.op)) return `(${d(e.arg)})::text`;
      // A function by its name, a prefix operator as PostgreSQL prints one: `(- x)`.
      if (e.op === undefined) return `f(${d(e.arg)})`;
      return /^[a-z_]/i.test(e.op) ? `${e.op}(${d(e.arg)})` : `(${e.op} ${d(e.arg)})`;
    case 'cast':
      return `(${d(e.arg)})::${e.typmod >= 0 ? formatSqlType(e.type, e.typmod) : typeName(e.type)}`;
    case 'and':
      return `(${e.args.map(d).join(' AND ')})`;
    case 'or':
      return `(${e.args.map(d).join(' OR ')})`;
    case 'not':
      return `(NOT ${d(e.arg)})`;
    case 'isnull':
      return `(${d(e.arg)} IS ${e.negate ? 'NOT ' : ''}NULL)`;
    case 'booltest':
      return `(${d(e.arg)} IS ${e.negate ? 'NOT ' : ''}${e.test.toUpperCase()})`;
    case 'in':
      return inListText(e.arg, e.list, e.negate, d, dc);
    case 'arrayop':
      return `(${d(e.arg)} ${e.op} ${e.all ? 'ALL' : 'ANY'} (${d(e.arr)}))`;
    case 'coalesce':
      return `COALESCE(${e.args.map(d).join(', ')})`;
    case 'case': {
      const whens = e.whens.map((w) => ` WHEN ${d(w.cond)} THEN ${d(w.then)}`).join('');
      const els = e.else.k === 'const' && e.else.value === null ? '' : ` ELSE ${d(e.else)}`;
      return `CASE${e.arg === null ? '' : ` ${d(e.arg)}`}${whens}${els} END`;
    }
    case 'minmax':
      return `${e.greatest ? 'GREATEST' : 'LEAST'}(${e.args.map(d).join(', ')})`;
    case 'nullif':
      return `NULLIF(${d(e.l)}, ${d(e.r)})`;
    case 'session':
      // SQL value functions print as keywords (ruleutils' SQLValueFunction).
      if (SQL_VALUE_FUNCTIONS.has(e.name) && e.args.length === 0) return e.name.toUpperCase();
      // timezone(zone, time / timetz) is AT TIME ZONE, which ruleutils prints as the syntax.
      if (e.name === 'timezone' && e.args.length === 2 && e.type === 'timetz') return `(${d(e.args[1]!)} AT TIME ZONE ${d(e.args[0]!)})`;
      return `${e.name}(${e.args.map(d).join(', ')})`;
    case 'sublink':
      return '(SubPlan)';
    case 'subplan':
      return subPlanText(e.sp as SubPlan, d);
    case 'count':
      return (e.arg === null ? 'count(*)' : `count(${e.mods?.distinct === true ? 'DISTINCT ' : ''}${d(e.arg)})`) + aggFilterText(e.mods, d);
    case 'agg':
      if (e.direct !== undefined) return `${e.name}(${e.direct.map(d).join(', ')}) WITHIN GROUP (ORDER BY ${withinGroupOrderText(e.mods, d)})${aggFilterText(e.mods, d)}`;
      return e.gargs !== undefined ? `GROUPING(${e.gargs.map(d).join(', ')})` : `${e.name}(${e.mods?.distinct === true ? 'DISTINCT ' : ''}${d(e.arg)})${aggFilterText(e.mods, d)}`;
    case 'srf':
      if (e.spread === true) return d(e.arg);
      return e.field === undefined ? `${e.name}(${d(e.arg)})` : `(${e.name}(${d(e.arg)})).${e.field}`;
    case 'fn': {
      // An ordered-set aggregate's final function shows as the aggregate call (its last argument).
      if (e.withinGroup === true) return d(e.args[e.args.length - 1]!);
      // Subscripts: `m[1:2]`, `m[:2]`, `j['a'::text][1]` (array slices and jsonb subscripts).
      if (isSubscript(e)) {
        const base = subscripted(e.args[0]!, d);
        if (e.name === '[jsonb]') return base + e.args.slice(1).map((x) => `[${d(x)}]`).join('');
        // Array slices and several subscripts (`[m:` + a token per subscript).
        return base + subscriptsText(e.name.slice(3, -1).split(','), e.args, 1, d);
      }
      // Subscripted assignment (UPDATE SET x[1] = v): ruleutils' `x[1] := v`, an earlier
      // assignment to the same column in parentheses as its base.
      if (e.name === 'array subscript assignment' || e.name === 'jsonb subscript assignment') {
        return `${subscripted(e.args[0]!, d)}${e.args.slice(2).map((x) => `[${d(x)}]`).join('')} := ${d(e.args[1]!)}`;
      }
      if (e.name.startsWith('array slice assignment ')) {
        const tokens = e.name.slice('array slice assignment '.length).split(',');
        return `${subscripted(e.args[0]!, d)}${subscriptsText(tokens, e.args, 2, d)} := ${d(e.args[1]!)}`;
      }
      if (e.name === '||' && e.args.length === 2) return `(${d(e.args[0]!)} || ${d(e.args[1]!)})`;
      return `${e.name}(${e.args.map((a, i) => (e.variadic === true && i === e.args.length - 1 ? 'VARIADIC ' : '') + d(a)).join(', ')})`;
    }
    case 'window':
      return `${e.name}(${e.agg !== null && e.args.length === 0 ? '*' : e.args.map(d).join(', ')}) OVER w${e.winref + 1}`;
    case 'array': {
      const folded = foldedArrayText(e, dc);
      return folded ?? `ARRAY[${e.elems.map(d).join(', ')}]`;
    }
  }
}

/**
 * Array subscripts as ruleutils prints them, from their tokens (analyze/expr.ts
 * arraySubscriptList) and their bounds at `args[from]` on: `[i]` for an index, else
 * `[lo:hi]` with either bound left out.
 */
function subscriptsText(tokens: readonly string[], args: readonly Expr[], from: number, d: (e: Expr) => string): string {
  let a = from;
  return tokens.map((t) => {
    if (t === 'i') return `[${d(args[a++]!)}]`;
    const l = t.startsWith('l') ? d(args[a++]!) : '';
    const h = t.endsWith('h') ? d(args[a++]!) : '';
    return `[${l}:${h}]`;
  }).join('');
}

/**
 * The expression a subscript applies to, as ruleutils prints a SubscriptingRef: a column
 * (Var) bare, anything else in parentheses of its own (`((j || j))['x'::text]`).
 */
function subscripted(x: Expr, d: (e: Expr) => string): string {
  const bare = x.k === 'op1' && x.implicit === true ? x.arg : x;
  return bare.k === 'var' || bare.k === 'slot' ? d(x) : `(${d(x)})`;
}

/**
 * An ARRAY[...] of constants and bound parameters as the array constant PostgreSQL's
 * eval_const_expressions folds it into (`'{1,2}'::integer[]`; bound parameters are
 * constants in a custom plan), or null when an element is anything else or the element type
 * has no array literal here.
 */
function foldedArrayText(e: Extract<Expr, { k: 'array' }>, dc: DeparseContext): string | null {
  const elemType = e.type.slice(0, -2) as SqlType;
  if (!isArrayElemType(elemType)) return null;
  const elems: Value[] = [];
  for (const x of e.elems) {
    if (x.type !== elemType) return null;
    if (x.k === 'const') elems.push(x.value);
    else if (x.k === 'param' && dc.params !== undefined && x.index < dc.params.length) elems.push(dc.params[x.index]!);
    else return null;
  }
  const text = valueToText(new PgArray(elemType, [elems.length], elems as ArrayElement[]), e.type, dc.zone)!;
  return `'${text.replace(/'/g, "''")}'::${typeName(elemType)}[]`;
}

/**
 * An ordered-set aggregate's WITHIN GROUP sort keys as ruleutils' get_rule_sortgroupclause
 * prints them: `x DESC`, NULLS FIRST / LAST where not the direction's default; a
 * function-like expression (a function call or a cast that calls one) in parentheses, which
 * would misparse otherwise; an operator expression prints its own.
 */
function withinGroupOrderText(mods: AggMods | undefined, d: (x: Expr) => string): string {
  return (mods?.order ?? []).map((o) => {
    const k = o.expr.k;
    // text to varchar (without a length) is binary coercible: a RelabelType, not a call.
    const relabel = o.expr.k === 'cast' && o.expr.typmod < 0 && (o.expr.from === 'text' || o.expr.from === 'varchar') && (o.expr.type === 'text' || o.expr.type === 'varchar');
    const functionLike = (k === 'cast' && !relabel) || k === 'fn' || k === 'session' || k === 'srf' || (k === 'op1' && /^[a-z_]/i.test(o.expr.op ?? ''));
    const nulls = o.nullsFirst === o.desc ? '' : o.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST';
    return `${functionLike ? `(${d(o.expr)})` : d(o.expr)}${o.desc ? ' DESC' : ''}${nulls}`;
  }).join(', ');
}

/** An aggregate call's FILTER clause as ruleutils prints it (` FILTER (WHERE (a > 3))`), or nothing. */
function aggFilterText(mods: AggMods | undefined, d: (x: Expr) => string): string {
  return mods?.filter == null ? '' : ` FILTER (WHERE ${d(mods.filter)})`;
}

function subPlanText(sp: SubPlan, d: (x: Expr) => string): string {
  const name = `${sp.initPlan ? 'hashed ' : ''}SubPlan ${sp.id}`;
  switch (sp.sub) {
    case 'exists':
      return `EXISTS(${name})`;
    case 'expr':
      return `(${name})`;
    case 'array':
      return `ARRAY(${name})`;
    case 'any':
    case 'all': {
      // One column: `(ANY (x = (SubPlan 1).col1))`; a row: each column's comparison, joined
      // as the row comparison joins them (AND for =, OR for <>), as ruleutils prints it.
      const parts = sp.testArgs.map((a, i) => `${d(a)} ${sp.op} (${name}).col${i + 1}`);
      const test = parts.length === 1 ? parts[0]! : parts.map((p) => `(${p})`).join(sp.op === '=' ? ' AND ' : ' OR ');
      return `(${sp.sub === 'any' ? 'ANY' : 'ALL'} (${test}))`;
    }
    case 'multiexpr':
      // ruleutils prints a MULTIEXPR SubPlan's columns as `(SubPlan 1).col1`, ... where read.
      return `(${sp.initPlan ? 'InitPlan' : 'SubPlan'} ${sp.id})`;
  }
}
