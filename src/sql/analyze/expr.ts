/**
 * Expressions: the typed tree the analyzer builds from libpg-query's raw nodes (PostgreSQL's
 * parse analysis, transformExpr, in miniature). Operators and functions are resolved here to
 * a result type and an implementation, literals are coerced to the type their context needs,
 * and parameter types are inferred from the other operand (as PostgreSQL does for `$n`).
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import type { Table, Value } from '../../storage/table.js';
import type { PgNode } from '../parser/parse.js';
import { type SqlType, TYPE_NAME, typeByName, isNumeric, numericRank, castValue, canCast, toInt8 } from './types.js';
import {
  l2Distance, innerProduct, negativeInnerProduct, cosineDistance, l1Distance, vectorDims, vectorNorm,
  vectorAdd, vectorSub, vectorMul, vectorCmp as pgVectorCmp,
} from '../../types/vector.js';

/** A binary implementation; called only with non-null arguments unless `nullSafe`. */
export type Fn2 = (a: Value, b: Value) => Value;
export type Fn1 = (a: Value) => Value;

export type Expr =
  | { k: 'const'; type: SqlType; value: Value; loc?: number }
  | { k: 'param'; type: SqlType; index: number; typmod: number }
  | { k: 'col'; type: SqlType; col: number; typmod: number; name: string; loc?: number }
  | { k: 'op1'; type: SqlType; fn: Fn1; arg: Expr }
  | { k: 'op2'; type: SqlType; fn: Fn2; l: Expr; r: Expr; op: string }
  | { k: 'cast'; type: SqlType; from: SqlType; typmod: number; arg: Expr }
  | { k: 'and'; type: 'bool'; args: Expr[] }
  | { k: 'or'; type: 'bool'; args: Expr[] }
  | { k: 'not'; type: 'bool'; arg: Expr }
  | { k: 'isnull'; type: 'bool'; arg: Expr; negate: boolean }
  | { k: 'in'; type: 'bool'; arg: Expr; list: Expr[]; eq: Fn2; negate: boolean }
  | { k: 'coalesce'; type: SqlType; args: Expr[] }
  | { k: 'sublink'; type: SqlType; typmod: number; query: unknown }
  | { k: 'count'; type: 'int8'; arg: Expr | null };

/** What an expression may refer to while it is analyzed. */
export interface ExprScope {
  /** The one table in FROM, or null. */
  table: Table | null;
  /** Inferred parameter types, by 0-based index ('unknown' until context decides). */
  paramTypes: SqlType[];
  /** Parameter nodes created so far, so inference can update every use of `$n`. */
  paramNodes: Extract<Expr, { k: 'param' }>[];
  /** Aggregates allowed here (target list of a query). */
  allowAggregates: boolean;
  /** Set when an aggregate was seen. */
  sawAggregate: boolean;
  /** Analyzes a scalar subquery; returns its analyzed form, single output type and typmod. */
  subquery(select: PgNode, location: number): { query: unknown; type: SqlType; typmod: number };
  /** Database functions that need the catalog (pg_relation_size). */
  relationSize(name: string): number;
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
      if (b >= -9223372036854775808n && b <= 9223372036854775807n) return { type: 'int8', value: toInt8(b) };
    }
    return { type: 'numeric', value: Number(text) };
  }
  if (c.boolval !== undefined) return { type: 'bool', value: c.boolval.boolval === true };
  if (c.sval !== undefined) return { type: 'unknown', value: c.sval.sval ?? '' };
  if (c.bsval !== undefined) throw pgErr.featureNotSupported('bit string literal');
  return { type: 'unknown', value: null };
}

/** Name components of a TypeName -> (type, typmod). */
export function resolveTypeName(tn: PgNode): { type: SqlType; typmod: number } {
  const names: string[] = (tn.names ?? []).map((n: PgNode) => n.String?.sval as string);
  const last = names[names.length - 1] ?? '';
  const type = typeByName(last);
  if (tn.arrayBounds !== undefined) throw pgErr.featureNotSupported('array type');
  if (type === null) {
    throw new PgError(SQLSTATE.undefined_object, `type "${last}" does not exist`, pos(tn.location));
  }
  let typmod = -1;
  const mods: PgNode[] = tn.typmods ?? [];
  if (mods.length > 0) {
    if (type !== 'vector') {
      if (type === 'text' || type === 'numeric') return { type, typmod: -1 };
      throw new PgError(SQLSTATE.syntax_error, `type modifier is not allowed for type "${last}"`, pos(tn.location));
    }
    if (mods.length > 1) throw new PgError(SQLSTATE.invalid_parameter_value, 'invalid type modifier');
    const m = mods[0].A_Const;
    if (m === undefined || m.ival === undefined) throw new PgError(SQLSTATE.syntax_error, 'type modifiers must be simple constants or identifiers', pos(tn.location));
    const n = m.ival.ival ?? 0;
    if (n < 1) throw new PgError(SQLSTATE.invalid_parameter_value, 'dimensions for type vector must be at least 1');
    if (n > 16000) throw new PgError(SQLSTATE.invalid_parameter_value, 'dimensions for type vector cannot exceed 16000');
    typmod = n;
  }
  return { type, typmod };
}

/** Sets the type of an untyped parameter (all its uses). */
function inferParam(scope: ExprScope, e: Expr, type: SqlType, typmod = -1): void {
  if (e.k !== 'param' || e.type !== 'unknown') return;
  scope.paramTypes[e.index] = type;
  for (const p of scope.paramNodes) {
    if (p.index === e.index) {
      p.type = type;
      p.typmod = typmod;
    }
  }
}

/** Coerces an expression to `type` implicitly (literals and params); others must match. */
export function coerceTo(scope: ExprScope, e: Expr, type: SqlType, typmod: number, location?: number): Expr {
  if (e.type === type) {
    if (type === 'vector' && typmod >= 0 && e.k === 'const' && e.value !== null) return { k: 'const', type, value: castValue(e.value, type, type, typmod) };
    return e;
  }
  if (e.k === 'param' && e.type === 'unknown') {
    inferParam(scope, e, type, typmod);
    return e;
  }
  if (e.k === 'const' && e.type === 'unknown') {
    try {
      return { k: 'const', type, value: castValue(e.value, 'unknown', type, typmod) };
    } catch (err) {
      if (err instanceof PgError && err.position === undefined && err.code === SQLSTATE.invalid_text_representation && location !== undefined && location >= 0) {
        err.position = String(location + 1);
      }
      throw err;
    }
  }
  if (e.type === 'unknown') return { k: 'cast', type, from: 'text', typmod, arg: e };
  if (isNumeric(e.type) && isNumeric(type)) return { k: 'cast', type, from: e.type, typmod, arg: e };
  return e;
}

function colName(fields: PgNode[]): string[] {
  return fields.map((f) => (f.A_Star !== undefined ? '*' : (f.String.sval as string)));
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
      const index = (n.number as number) - 1;
      while (scope.paramTypes.length <= index) scope.paramTypes.push('unknown');
      const p: Extract<Expr, { k: 'param' }> = { k: 'param', type: scope.paramTypes[index]!, index, typmod: -1 };
      scope.paramNodes.push(p);
      return p;
    }
    case 'ColumnRef':
      return analyzeColumnRef(scope, n);
    case 'TypeCast': {
      const { type, typmod } = resolveTypeName(n.typeName);
      const arg = analyzeExpr(scope, n.arg);
      return castExpr(scope, arg, type, typmod, n.arg.A_Const?.location ?? n.location ?? n.typeName.location);
    }
    case 'A_Expr':
      return analyzeAExpr(scope, n);
    case 'BoolExpr': {
      const args = (n.args as PgNode[]).map((a) => requireBool(scope, analyzeExpr(scope, a), 'argument of ' + boolOpName(n.boolop), a));
      if (n.boolop === 'AND_EXPR') return { k: 'and', type: 'bool', args };
      if (n.boolop === 'OR_EXPR') return { k: 'or', type: 'bool', args };
      return { k: 'not', type: 'bool', arg: args[0]! };
    }
    case 'NullTest': {
      const arg = analyzeExpr(scope, n.arg);
      return { k: 'isnull', type: 'bool', arg, negate: n.nulltesttype === 'IS_NOT_NULL' };
    }
    case 'FuncCall':
      return analyzeFuncCall(scope, n);
    case 'SubLink': {
      if (n.subLinkType !== 'EXPR_SUBLINK') throw pgErr.featureNotSupported(`${String(n.subLinkType).replace('_SUBLINK', '')} subquery`);
      const sq = scope.subquery(n.subselect, n.location);
      return { k: 'sublink', type: sq.type, typmod: sq.typmod, query: sq.query };
    }
    case 'CoalesceExpr': {
      const args = (n.args as PgNode[]).map((a) => analyzeExpr(scope, a));
      let type: SqlType = 'unknown';
      for (const a of args) if (a.type !== 'unknown') type = type === 'unknown' ? a.type : isNumeric(type) && isNumeric(a.type) && numericRank(a.type) > numericRank(type) ? a.type : type;
      if (type === 'unknown') type = 'text';
      return { k: 'coalesce', type, args: args.map((a) => coerceTo(scope, a, type, -1)) };
    }
    default:
      throw pgErr.featureNotSupported(describeNode(tag));
  }
}

function describeNode(tag: string): string {
  switch (tag) {
    case 'CaseExpr': return 'CASE';
    case 'A_ArrayExpr': return 'ARRAY constructor';
    case 'A_Indirection': return 'array subscript';
    case 'RowExpr': return 'ROW constructor';
    case 'SQLValueFunction': return 'SQL value function';
    case 'CollateClause': return 'COLLATE';
    default: return `expression ${tag}`;
  }
}

function boolOpName(op: string): string {
  return op === 'AND_EXPR' ? 'AND' : op === 'OR_EXPR' ? 'OR' : 'NOT';
}

/** WHERE and boolean operator arguments must be boolean (PostgreSQL 42804). */
export function requireBool(scope: ExprScope, e: Expr, what: string, node?: PgNode): Expr {
  if (e.type === 'bool') return e;
  if (e.type === 'unknown') return coerceTo(scope, e, 'bool', -1);
  const inner = node === undefined ? undefined : node[Object.keys(node)[0]!];
  throw new PgError(SQLSTATE.datatype_mismatch, `${what} must be type boolean, not type ${TYPE_NAME[e.type]}`, pos(inner?.location));
}

function analyzeColumnRef(scope: ExprScope, n: PgNode): Expr {
  const parts = colName(n.fields);
  let name = parts[parts.length - 1]!;
  if (name === '*') throw pgErr.featureNotSupported('* in this position');
  const t = scope.table;
  if (parts.length === 2) {
    if (t === null || parts[0] !== t.name) {
      throw new PgError(SQLSTATE.undefined_table, `missing FROM-clause entry for table "${parts[0]}"`, pos(n.location));
    }
  } else if (parts.length > 2) {
    throw pgErr.featureNotSupported('qualified column names with schema');
  }
  name = parts[parts.length - 1]!;
  const col = t === null ? -1 : t.columnIndex(name);
  if (col < 0) {
    const shown = parts.length === 2 ? `${parts[0]}.${name}` : `"${name}"`;
    throw new PgError(SQLSTATE.undefined_column, `column ${shown} does not exist`, pos(n.location));
  }
  const def = t!.def.columns[col]!;
  return { k: 'col', type: def.type, col, typmod: def.typmod, name, loc: n.location };
}

/** Explicit cast `arg::type`. */
export function castExpr(scope: ExprScope, arg: Expr, type: SqlType, typmod: number, location: number): Expr {
  if (arg.k === 'param' && arg.type === 'unknown') {
    inferParam(scope, arg, type, typmod);
    if (type === 'vector' && typmod >= 0) return { k: 'cast', type, from: type, typmod, arg };
    return arg;
  }
  if (arg.k === 'const') {
    try {
      return { k: 'const', type, value: castValue(arg.value, arg.type, type, typmod) };
    } catch (err) {
      if (err instanceof PgError && err.position === undefined && err.code === SQLSTATE.invalid_text_representation) {
        err.position = String(location + 1);
      }
      throw err;
    }
  }
  if (!canCast(arg.type, type)) {
    throw new PgError(SQLSTATE.cannot_coerce, `cannot cast type ${TYPE_NAME[arg.type]} to ${TYPE_NAME[type]}`, pos(location));
  }
  if (arg.type === type && typmod < 0) return arg;
  return { k: 'cast', type, from: arg.type, typmod, arg };
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
      const l = analyzeExpr(scope, n.lexpr);
      const r = analyzeExpr(scope, n.rexpr);
      return binaryOp(scope, op, l, r, n.location);
    }
    case 'AEXPR_IN': {
      const arg = analyzeExpr(scope, n.lexpr);
      const op = opName(n);
      const items: PgNode[] = n.rexpr.List?.items ?? [];
      let eq: Fn2 | null = null;
      const list = items.map((it) => {
        const e = analyzeExpr(scope, it);
        const cmp = binaryOp(scope, '=', arg, e, n.location);
        if (cmp.k !== 'op2') throw pgErr.featureNotSupported('IN with this operand');
        eq = cmp.fn;
        return cmp.r;
      });
      return { k: 'in', type: 'bool', arg: list.length > 0 ? coerceAfterCompare(arg) : arg, list, eq: eq!, negate: op === '<>' };
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
      return n.kind === 'AEXPR_BETWEEN' ? both : { k: 'not', type: 'bool', arg: both };
    }
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT':
      throw pgErr.featureNotSupported('IS DISTINCT FROM');
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE':
      throw pgErr.featureNotSupported(n.kind === 'AEXPR_LIKE' ? 'LIKE' : 'ILIKE');
    case 'AEXPR_NULLIF':
      throw pgErr.featureNotSupported('NULLIF');
    default:
      throw pgErr.featureNotSupported(`operator expression ${String(n.kind)}`);
  }
}

function coerceAfterCompare(e: Expr): Expr {
  return e;
}

function noOperator(op: string, l: SqlType | null, r: SqlType, location: number): PgError {
  const sig = l === null ? `${op} ${TYPE_NAME[r]}` : `${TYPE_NAME[l]} ${op} ${TYPE_NAME[r]}`;
  return new PgError(SQLSTATE.undefined_function, `operator does not exist: ${sig}`, { hint: NO_OP_HINT, ...pos(location) });
}

function unaryOp(scope: ExprScope, op: string, r: Expr, location: number): Expr {
  if (r.k === 'const' && r.type === 'unknown') r = coerceTo(scope, r, 'numeric', -1, location);
  if (r.k === 'param' && r.type === 'unknown') inferParam(scope, r, 'int4');
  if ((op === '-' || op === '+') && isNumeric(r.type)) {
    if (op === '+') return r;
    if (r.k === 'const' && typeof r.value === 'number') return { k: 'const', type: r.type, value: -r.value };
    const t = r.type;
    return { k: 'op1', type: t, arg: r, fn: (a) => (typeof a === 'bigint' ? toInt8(-a) : t === 'int4' ? checkI4(-(a as number)) : -(a as number)) };
  }
  throw noOperator(op, null, r.type, location);
}

function checkI4(n: number): number {
  if (n < -2147483648 || n > 2147483647) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'integer out of range');
  return n;
}

const COMPARE_OPS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
const ARITH_OPS = new Set(['+', '-', '*', '/', '%']);
const VECTOR_DISTANCE: Record<string, (a: Float32Array, b: Float32Array) => number> = {
  '<->': l2Distance,
  '<#>': negativeInnerProduct,
  '<=>': cosineDistance,
  '<+>': l1Distance,
};

/** Resolves `l op r` (PostgreSQL's oper() with implicit coercions, for vecgres' types). */
export function binaryOp(scope: ExprScope, op: string, l: Expr, r: Expr, location: number): Expr {
  // An untyped side takes the other side's type (literal coercion and parameter inference).
  if (l.type === 'unknown' && r.type !== 'unknown') l = coerceTo(scope, l, r.type, -1, exprLocation(l, location));
  else if (r.type === 'unknown' && l.type !== 'unknown') r = coerceTo(scope, r, l.type, -1, exprLocation(r, location));
  else if (l.type === 'unknown' && r.type === 'unknown') {
    l = coerceTo(scope, l, 'text', -1);
    r = coerceTo(scope, r, 'text', -1);
  }
  const lt = l.type;
  const rt = r.type;
  if (op === '!=') op = '<>';
  const dist = VECTOR_DISTANCE[op];
  if (dist !== undefined) {
    if (lt !== 'vector' || rt !== 'vector') throw noOperator(op, lt, rt, location);
    return { k: 'op2', type: 'float8', fn: dist as Fn2, l, r, op };
  }
  if (lt === 'vector' && rt === 'vector') {
    if (op === '+' || op === '-' || op === '*') return { k: 'op2', type: 'vector', fn: vectorArith(op) as Fn2, l, r, op };
    if (COMPARE_OPS.has(op)) return { k: 'op2', type: 'bool', fn: compareFn(op, vectorCmp), l, r, op };
    throw noOperator(op, lt, rt, location);
  }
  if (isNumeric(lt) && isNumeric(rt)) {
    const t: SqlType = numericRank(lt) >= numericRank(rt) ? lt : rt;
    const rtype: SqlType = (lt === 'float4' && rt === 'float4') ? 'float4' : t === 'float4' ? 'float8' : t;
    if (COMPARE_OPS.has(op)) return { k: 'op2', type: 'bool', fn: compareFn(op, numCmp), l, r, op };
    if (ARITH_OPS.has(op)) {
      if (op === '%' && (rtype === 'float8' || rtype === 'float4')) throw noOperator(op, lt, rt, location);
      return { k: 'op2', type: rtype, fn: arithFn(op, rtype), l, r, op };
    }
    throw noOperator(op, lt, rt, location);
  }
  if (lt === rt && (lt === 'text' || lt === 'bool') && COMPARE_OPS.has(op)) {
    return { k: 'op2', type: 'bool', fn: compareFn(op, lt === 'text' ? textCmp : boolCmp), l, r, op };
  }
  if (op === '||' && (lt === 'text' || rt === 'text')) {
    const lf = lt, rf = rt;
    return {
      k: 'op2', type: 'text', l, r, op,
      fn: (a, b) => (lf === 'text' ? a : castValue(a, lf, 'text', -1)) as string + ((rf === 'text' ? b : castValue(b, rf, 'text', -1)) as string),
    };
  }
  throw noOperator(op, lt, rt, location);
}

function exprLocation(e: Expr, fallback: number): number {
  return e.k === 'const' && e.loc !== undefined && e.loc >= 0 ? e.loc : fallback;
}

type Cmp = (a: Value, b: Value) => number;

function numCmp(a: Value, b: Value): number {
  // Mixed number/bigint compares correctly with < and >; NaN sorts above everything (as PostgreSQL).
  const an = a as number, bn = b as number;
  if (an < bn) return -1;
  if (an > bn) return 1;
  if (an == bn) return 0; // eslint-disable-line eqeqeq
  const aNaN = Number.isNaN(an), bNaN = Number.isNaN(bn);
  return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
}

function textCmp(a: Value, b: Value): number {
  return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
}

function boolCmp(a: Value, b: Value): number {
  return a === b ? 0 : a ? 1 : -1;
}

function vectorCmp(a: Value, b: Value): number {
  return pgVectorCmp(a as Float32Array, b as Float32Array);
}

/** Total order used by ORDER BY on a column of `type` (nulls handled by the caller). */
export function comparatorFor(type: SqlType): Cmp {
  if (isNumeric(type)) return numCmp;
  if (type === 'text' || type === 'unknown') return textCmp;
  if (type === 'bool') return boolCmp;
  return vectorCmp;
}

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

function vectorArith(op: string): (a: Float32Array, b: Float32Array) => Float32Array {
  return op === '+' ? vectorAdd : op === '-' ? vectorSub : vectorMul;
}

const OVERLOADED = new Set(['l2_distance', 'inner_product', 'cosine_distance', 'l1_distance', 'vector_dims']);

const VECTOR_FUNCS2: Record<string, (a: Float32Array, b: Float32Array) => number> = {
  l2_distance: l2Distance,
  inner_product: innerProduct,
  cosine_distance: cosineDistance,
  l1_distance: l1Distance,
};

function analyzeFuncCall(scope: ExprScope, n: PgNode): Expr {
  const names: string[] = (n.funcname as PgNode[]).map((x) => x.String.sval as string);
  const name = names[names.length - 1]!.toLowerCase();
  if (n.over !== undefined) throw pgErr.featureNotSupported('window function');
  if (name === 'count') {
    if (!scope.allowAggregates) throw new PgError(SQLSTATE.grouping_error, 'aggregate functions are not allowed in WHERE', pos(n.location));
    if (n.agg_distinct) throw pgErr.featureNotSupported('count(DISTINCT ...)');
    scope.sawAggregate = true;
    if (n.agg_star) return { k: 'count', type: 'int8', arg: null };
    const args: PgNode[] = n.args ?? [];
    if (args.length !== 1) throw undefinedFunction(name, [], n.location);
    return { k: 'count', type: 'int8', arg: analyzeExpr(scope, args[0]) };
  }
  if (['sum', 'avg', 'min', 'max', 'array_agg', 'string_agg'].includes(name)) {
    throw pgErr.featureNotSupported(`aggregate function ${name}`);
  }
  const args = ((n.args ?? []) as PgNode[]).map((a) => analyzeExpr(scope, a));
  // pgvector overloads these for vector, halfvec and sparsevec: untyped arguments are ambiguous.
  if (OVERLOADED.has(name) && args.length > 0 && args.every((a) => a.type === 'unknown')) {
    throw new PgError('42725', `function ${name}(${args.map(() => 'unknown').join(', ')}) is not unique`, {
      hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
      ...pos(n.location),
    });
  }
  const f2 = VECTOR_FUNCS2[name];
  if (f2 !== undefined && args.length === 2) {
    const [a, b] = args.map((x) => coerceTo(scope, x, 'vector', -1, n.location));
    if (a!.type === 'vector' && b!.type === 'vector') return { k: 'op2', type: 'float8', fn: f2 as Fn2, l: a!, r: b!, op: name };
  }
  if ((name === 'vector_dims' || name === 'vector_norm') && args.length === 1) {
    const a = coerceTo(scope, args[0]!, 'vector', -1, n.location);
    if (a.type === 'vector') {
      return name === 'vector_dims'
        ? { k: 'op1', type: 'int4', arg: a, fn: vectorDims as Fn1 }
        : { k: 'op1', type: 'float8', arg: a, fn: vectorNorm as Fn1 };
    }
  }
  if (name === 'abs' && args.length === 1 && isNumeric(args[0]!.type)) {
    return { k: 'op1', type: args[0]!.type, arg: args[0]!, fn: (a) => (typeof a === 'bigint' ? (a < 0n ? -a : a) : Math.abs(a as number)) };
  }
  if ((name === 'lower' || name === 'upper' || name === 'length') && args.length === 1) {
    const a = coerceTo(scope, args[0]!, 'text', -1);
    if (a.type === 'text') {
      if (name === 'length') return { k: 'op1', type: 'int4', arg: a, fn: (s) => [...(s as string)].length };
      return { k: 'op1', type: 'text', arg: a, fn: name === 'lower' ? (s) => (s as string).toLowerCase() : (s) => (s as string).toUpperCase() };
    }
  }
  if (name === 'pg_relation_size' || name === 'pg_table_size' || name === 'pg_total_relation_size') {
    if (args.length === 1) {
      const a = coerceTo(scope, args[0]!, 'text', -1);
      return { k: 'op1', type: 'int8', arg: a, fn: (s) => scope.relationSize(s as string) };
    }
  }
  if (name === 'pg_size_pretty' && args.length === 1 && isNumeric(args[0]!.type)) {
    return { k: 'op1', type: 'text', arg: args[0]!, fn: (v) => sizePretty(Number(v)) };
  }
  throw undefinedFunction(name, args.map((a) => a.type), n.location);
}

function undefinedFunction(name: string, types: SqlType[], location: number): PgError {
  return new PgError(SQLSTATE.undefined_function, `function ${name}(${types.map((t) => TYPE_NAME[t]).join(', ')}) does not exist`, {
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
