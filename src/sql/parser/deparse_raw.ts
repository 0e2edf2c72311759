/**
 * Raw parse trees back to SQL text, for the expressions an index definition stores (its
 * expression keys and its WHERE predicate): the text is what the catalog, the log and
 * `pg_indexes` keep, and it is parsed and analyzed again when the index is opened or planned
 * (PostgreSQL keeps node trees in pg_index and prints them with ruleutils; a text form keeps
 * vecgres' files independent of the parser's tree format).
 *
 * The output is normalized as ruleutils prints: operators and casts parenthesized
 * (`(category = 'Science')`, `(subvector(embedding, 1, 256))::vector(256)`), identifiers quoted
 * only when they must be. {@link deparseRawChecked} parses its own output again and compares the
 * trees (locations aside), so a form this module does not print faithfully is refused instead of
 * stored wrong.
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import { identNeedsQuotes, parseSql, type PgNode } from './parse.js';
import { parseNumeric } from '../../types/numeric.js';

class Unsupported extends Error {}

function ident(name: string): string {
  return identNeedsQuotes(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

function names(list: PgNode[]): string {
  return list.map((n) => ident(n.String.sval as string)).join('.');
}

function typeName(tn: PgNode): string {
  if (tn.setof || tn.pct_type) throw new Unsupported();
  let s = names(tn.names);
  const mods = (tn.typmods ?? []) as PgNode[];
  if (mods.length > 0) s += `(${mods.map(d).join(', ')})`;
  for (const b of (tn.arrayBounds ?? []) as PgNode[]) {
    const n = b.Integer?.ival ?? -1;
    s += n < 0 ? '[]' : `[${n}]`;
  }
  return s;
}

function constText(c: PgNode): string {
  if (c.isnull) return 'NULL';
  if (c.ival !== undefined) return String(c.ival.ival ?? 0);
  if (c.fval !== undefined) return String(c.fval.fval);
  if (c.boolval !== undefined) return c.boolval.boolval === true ? 'true' : 'false';
  if (c.sval !== undefined) return `'${String(c.sval.sval ?? '').replace(/'/g, "''")}'`;
  if (c.bsval !== undefined) {
    const b = String(c.bsval.bsval);
    return `${b[0]!.toUpperCase()}'${b.slice(1)}'`;
  }
  throw new Unsupported();
}

const BOOL_TEST: Record<string, string> = {
  IS_TRUE: 'IS TRUE', IS_NOT_TRUE: 'IS NOT TRUE', IS_FALSE: 'IS FALSE', IS_NOT_FALSE: 'IS NOT FALSE',
  IS_UNKNOWN: 'IS UNKNOWN', IS_NOT_UNKNOWN: 'IS NOT UNKNOWN',
};

function opName(list: PgNode[]): string {
  if (list.length !== 1) throw new Unsupported(); // OPERATOR(schema.op)
  return list[0].String.sval as string;
}

function listItems(n: PgNode): PgNode[] {
  return (n.List?.items ?? []) as PgNode[];
}

function aExpr(a: PgNode): string {
  const l = a.lexpr === undefined ? null : d(a.lexpr);
  switch (a.kind) {
    case 'AEXPR_OP':
      return l === null ? `(${opName(a.name)} ${d(a.rexpr)})` : `(${l} ${opName(a.name)} ${d(a.rexpr)})`;
    case 'AEXPR_OP_ANY':
    case 'AEXPR_OP_ALL':
      return `(${l} ${opName(a.name)} ${a.kind === 'AEXPR_OP_ANY' ? 'ANY' : 'ALL'} (${d(a.rexpr)}))`;
    case 'AEXPR_IN':
      return `(${l} ${opName(a.name) === '<>' ? 'NOT IN' : 'IN'} (${listItems(a.rexpr).map(d).join(', ')}))`;
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN':
    case 'AEXPR_BETWEEN_SYM':
    case 'AEXPR_NOT_BETWEEN_SYM': {
      const [lo, hi] = listItems(a.rexpr);
      const word = { AEXPR_BETWEEN: 'BETWEEN', AEXPR_NOT_BETWEEN: 'NOT BETWEEN', AEXPR_BETWEEN_SYM: 'BETWEEN SYMMETRIC', AEXPR_NOT_BETWEEN_SYM: 'NOT BETWEEN SYMMETRIC' }[a.kind as string];
      return `(${l} ${word} ${d(lo)} AND ${d(hi)})`;
    }
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE': {
      const not = opName(a.name).startsWith('!');
      return `(${l} ${not ? 'NOT ' : ''}${a.kind === 'AEXPR_LIKE' ? 'LIKE' : 'ILIKE'} ${d(a.rexpr)})`;
    }
    case 'AEXPR_DISTINCT':
      return `(${l} IS DISTINCT FROM ${d(a.rexpr)})`;
    case 'AEXPR_NOT_DISTINCT':
      return `(${l} IS NOT DISTINCT FROM ${d(a.rexpr)})`;
    case 'AEXPR_NULLIF':
      return `NULLIF(${l}, ${d(a.rexpr)})`;
    default:
      throw new Unsupported();
  }
}

function d(node: PgNode): string {
  const tag = Object.keys(node)[0]!;
  const n = node[tag];
  switch (tag) {
    case 'ColumnRef':
      if (n.fields.some((f: PgNode) => f.String === undefined)) throw new Unsupported();
      return names(n.fields);
    case 'A_Const':
      return constText(n);
    case 'ParamRef':
      return `$${n.number}`;
    case 'TypeCast':
      return `(${d(n.arg)})::${typeName(n.typeName)}`;
    case 'FuncCall': {
      if (n.agg_order !== undefined || n.agg_filter !== undefined || n.over !== undefined || n.agg_within_group || n.agg_distinct || n.func_variadic) throw new Unsupported();
      if (n.funcformat !== undefined && n.funcformat !== 'COERCE_EXPLICIT_CALL') throw new Unsupported();
      return `${names(n.funcname)}(${n.agg_star ? '*' : ((n.args ?? []) as PgNode[]).map(d).join(', ')})`;
    }
    case 'A_Expr':
      return aExpr(n);
    case 'BoolExpr': {
      const args = (n.args as PgNode[]).map(d);
      if (n.boolop === 'NOT_EXPR') return `(NOT ${args[0]})`;
      return `(${args.join(n.boolop === 'AND_EXPR' ? ' AND ' : ' OR ')})`;
    }
    case 'NullTest':
      return `(${d(n.arg)} ${n.nulltesttype === 'IS_NOT_NULL' ? 'IS NOT NULL' : 'IS NULL'})`;
    case 'BooleanTest': {
      const w = BOOL_TEST[n.booltesttype as string];
      if (w === undefined) throw new Unsupported();
      return `(${d(n.arg)} ${w})`;
    }
    case 'A_ArrayExpr':
      return `ARRAY[${((n.elements ?? []) as PgNode[]).map(d).join(', ')}]`;
    case 'SQLValueFunction': {
      // CURRENT_TIMESTAMP, CURRENT_USER ... (keywords, not calls); `_N` forms carry a precision.
      const op = /^SVFOP_(.+?)(_N)?$/.exec(String(n.op));
      if (op === null) throw new Unsupported();
      return op[1]!.toUpperCase() + (op[2] === undefined ? '' : `(${n.typmod})`);
    }
    case 'CoalesceExpr':
      return `COALESCE(${(n.args as PgNode[]).map(d).join(', ')})`;
    case 'DisplayCast':
      // A literal or NULL is a constant of the type (`''::text`, `NULL::text`); a number a
      // cast of one (`(0)::numeric`).
      return n.arg.A_Const?.sval !== undefined || n.arg.A_Const?.isnull === true ? `${d(n.arg)}::${n.type as string}` : `(${d(n.arg)})::${n.type as string}`;
    case 'DisplayConst':
      return n.text as string;
    default:
      throw new Unsupported();
  }
}

const POSITION_KEYS = new Set(['location', 'rexpr_list_start', 'rexpr_list_end', 'list_start', 'list_end']);

/** A raw tree as JSON without its token positions (two trees of the same text compare equal). */
function shape(node: PgNode): string {
  return JSON.stringify(node, (k, v) => (POSITION_KEYS.has(k) ? undefined : v));
}

/**
 * SQL text of the raw expression `node` that parses back to the same tree.
 * @throws PgError 0A000 naming `what` when the expression uses a form this module cannot print.
 */
export function deparseRawChecked(node: PgNode, what: string): string {
  let text: string;
  try {
    text = d(node);
  } catch (e) {
    if (e instanceof Unsupported) throw pgErr.featureNotSupported(`this expression in ${what}`);
    throw e;
  }
  let back: PgNode | undefined;
  try {
    back = parseSql(`SELECT ${text}`)[0]?.stmt.SelectStmt?.targetList?.[0]?.ResTarget?.val;
  } catch (e) {
    if (!(e instanceof PgError) || e.code !== SQLSTATE.syntax_error) throw e;
  }
  if (back === undefined || shape(back) !== shape(node)) throw pgErr.featureNotSupported(`this expression in ${what}`);
  return text;
}

/** Arithmetic operators by ruleutils' two precedence levels (isSimpleNode). */
const LOW_PRIORITY_OPS = new Set(['+', '-']);
const HIGH_PRIORITY_OPS = new Set(['*', '/', '%']);

/**
 * True when `child` needs no parentheses as an operand of `parent` in ruleutils' pretty mode
 * (isSimpleNode with PRETTYFLAG_PAREN): column references, constants, function calls and casts
 * never do; an arithmetic operator under an arithmetic operator only by precedence (and a
 * same-level one only as the left operand); an operator under AND / OR / NOT never; AND and NOT
 * under AND / OR, OR under OR. `isLeft`: child is the parent's first operand.
 */
function isSimple(child: PgNode, parent: PgNode | null, isLeft: boolean): boolean {
  const tag = Object.keys(child)[0]!;
  const c = child[tag];
  if (tag === 'ColumnRef' || tag === 'ParamRef' || tag === 'FuncCall' || tag === 'CoalesceExpr' || tag === 'A_ArrayExpr' || tag === 'SQLValueFunction') return true;
  if (tag === 'A_Const' || tag === 'DisplayConst') return true;
  if (tag === 'TypeCast' || tag === 'DisplayCast') return true;
  if (parent === null) return true;
  const ptag = Object.keys(parent)[0]!;
  const p = parent[ptag];
  if (tag === 'A_Expr' && c.kind === 'AEXPR_OP' && c.lexpr !== undefined) {
    if (ptag === 'BoolExpr') return true;
    if (ptag !== 'A_Expr' || p.kind !== 'AEXPR_OP' || p.lexpr === undefined) return false;
    const op = opName(c.name);
    const pop = opName(p.name);
    const lo = LOW_PRIORITY_OPS.has(op);
    const hi = HIGH_PRIORITY_OPS.has(op);
    if (!lo && !hi) return false;
    const plo = LOW_PRIORITY_OPS.has(pop);
    const phi = HIGH_PRIORITY_OPS.has(pop);
    if (!plo && !phi) return false;
    if (hi && plo) return true;
    if (lo && phi) return false;
    return isLeft;
  }
  if (tag === 'NullTest' || tag === 'BooleanTest' || (tag === 'A_Expr' && c.kind !== 'AEXPR_OP')) return ptag === 'BoolExpr';
  if (tag === 'BoolExpr' && ptag === 'BoolExpr') {
    if (c.boolop === 'NOT_EXPR' || c.boolop === 'AND_EXPR') return p.boolop === 'AND_EXPR' || p.boolop === 'OR_EXPR';
    return p.boolop === 'OR_EXPR';
  }
  return false;
}

/** `text` without the one pair of parentheses the non-pretty printer put around the whole of it. */
function unwrap(text: string): string {
  if (!text.startsWith('(') || !text.endsWith(')')) return text;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    if (quoted) continue;
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0 && i < text.length - 1) return text;
  }
  return text.slice(1, -1);
}

/** `node` printed in pretty mode as an operand of `parent`: parenthesized unless simple there. */
function pp(node: PgNode, parent: PgNode | null, isLeft = false): string {
  const text = pretty(node);
  return isSimple(node, parent, isLeft) ? text : `(${text})`;
}

const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

/** The type make_const gives a number constant's text: int4, int8 (an integer beyond int4) or numeric. */
function numberConstType(c: PgNode): 'int4' | 'int8' | 'numeric' {
  if (c.ival !== undefined) return 'int4';
  const text = String(c.fval.fval);
  if (!/^-?\d+$/.test(text)) return 'numeric';
  const v = BigInt(text);
  if (v >= INT4_MIN && v <= INT4_MAX) return 'int4';
  return v >= INT8_MIN && v <= INT8_MAX ? 'int8' : 'numeric';
}

/**
 * A number constant as ruleutils' get_const_expr prints it: an int4 bare unless negative, a
 * numeric bare when its output has a decimal point and no sign, anything else quoted and
 * labelled (`'-3'::integer`, `'3000000000'::bigint`, `'1000'::numeric` for 1e3).
 */
function numberConstText(c: PgNode): string {
  const type = numberConstType(c);
  const raw = c.ival !== undefined ? String(c.ival.ival ?? 0) : String(c.fval.fval);
  const text = type === 'numeric' ? parseNumeric(raw).toString() : String(BigInt(raw));
  if (type === 'int4') return text.startsWith('-') ? `'${text}'::integer` : text;
  if (type === 'numeric' && /^\d/.test(text) && text.includes('.')) return text;
  return `'${text}'::${type === 'int8' ? 'bigint' : 'numeric'}`;
}

/** The type a TypeName names, when it is int4, int8 or numeric without a typmod. */
function plainNumberType(tn: PgNode): 'int4' | 'int8' | 'numeric' | null {
  if ((tn.typmods ?? []).length > 0 || (tn.arrayBounds ?? []).length > 0) return null;
  const parts = (tn.names as PgNode[]).map((x) => x.String.sval as string);
  const name = parts.length === 2 && parts[0] === 'pg_catalog' ? parts[1]! : parts.length === 1 ? parts[0]! : '';
  return name === 'int4' || name === 'integer' ? 'int4' : name === 'int8' ? 'int8' : name === 'numeric' || name === 'decimal' ? 'numeric' : null;
}

/**
 * `node` with its number constants and casts as ruleutils prints the analyzed expression, for
 * display (pg_get_expr of a column default, pg_dump): a number constant as get_const_expr
 * prints it ({@link numberConstText}), a cast with its type named as format_type names it
 * (`(7)::bigint`, `::double precision`), and a cast of a number constant to its own type gone
 * (the parser folds it: `3::int` is `3`). Not for stored text: the result does not parse back
 * to `node`.
 */
export function displayConstTree(node: PgNode): PgNode {
  if (Array.isArray(node)) return node.map(displayConstTree);
  if (node === null || typeof node !== 'object') return node;
  const tag = Object.keys(node)[0];
  if (tag === 'A_Const' && (node.A_Const.ival !== undefined || node.A_Const.fval !== undefined)) return { DisplayConst: { text: numberConstText(node.A_Const) } };
  if (tag === 'TypeCast') {
    const tc = node.TypeCast;
    const bounds = (tc.typeName.arrayBounds ?? []) as PgNode[];
    if (tc.arg?.A_ArrayExpr !== undefined && bounds.length > 0 && (tc.typeName.typmods ?? []).length === 0) {
      // ARRAY[...]::t[]: the analysis coerces each element to t (transformArrayExpr), and
      // ruleutils prints an empty one as ARRAY[]::t[].
      const elements = (tc.arg.A_ArrayExpr.elements ?? []) as PgNode[];
      if (elements.length === 0) return { DisplayConst: { text: `ARRAY[]::${displayTypeName(tc.typeName)}` } };
      const elemType = { ...tc.typeName, arrayBounds: undefined };
      const cast = (x: PgNode): PgNode => (x.A_ArrayExpr !== undefined ? { TypeCast: { arg: x, typeName: tc.typeName } } : { TypeCast: { arg: x, typeName: elemType } });
      // A nested ARRAY[...] takes the array type, so its own elements are cast in turn.
      return { A_ArrayExpr: { ...tc.arg.A_ArrayExpr, elements: elements.map((x) => displayConstTree(cast(x))) } };
    }
    const c = tc.arg?.A_Const;
    if (c !== undefined && (c.ival !== undefined || c.fval !== undefined) && numberConstType(c) === plainNumberType(tc.typeName)) return displayConstTree(tc.arg);
    return { DisplayCast: { arg: displayConstTree(tc.arg), type: displayTypeName(tc.typeName) } };
  }
  const out: PgNode = {};
  for (const [k, v] of Object.entries(node)) out[k] = displayConstTree(v as PgNode);
  return out;
}

/** format_type's names of the built-in types the parser spells `pg_catalog.<typname>`. */
const BUILTIN_TYPE_NAMES: Record<string, string> = {
  int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean',
  varchar: 'character varying', varbit: 'bit varying', timestamp: 'timestamp without time zone', timestamptz: 'timestamp with time zone',
};

/** A TypeName as format_type prints it (`character varying(10)`, `integer`, `vector(3)`). */
function displayTypeName(tn: PgNode): string {
  const parts = (tn.names as PgNode[]).map((x) => x.String.sval as string);
  // The parser spells keywords' types pg_catalog.<typname>; a typname written bare
  // (`::int8`, `::float8`) resolves to the same built-in type.
  const builtin = parts.length === 2 && parts[0] === 'pg_catalog' ? BUILTIN_TYPE_NAMES[parts[1]!] ?? parts[1]! : parts.length === 1 ? BUILTIN_TYPE_NAMES[parts[0]!] ?? null : null;
  const bounds = (tn.arrayBounds ?? []) as PgNode[];
  if (builtin === null) return typeName(tn);
  const mods = (tn.typmods ?? []) as PgNode[];
  if (bounds.length > 0) return mods.length > 0 ? typeName(tn) : builtin + '[]';
  const withMods = mods.length > 0 ? `${builtin}(${mods.map(d).join(',')})` : builtin;
  // The precision of a timestamp sits before the zone words.
  return /^timestamp\(/.test(withMods) ? withMods.replace(/^timestamp( with(?:out)? time zone)\((\d+)\)$/, 'timestamp($2)$1') : withMods;
}

/** The pretty form of `node` itself, without parentheses around the whole. */
function pretty(node: PgNode): string {
  const tag = Object.keys(node)[0]!;
  const n = node[tag];
  switch (tag) {
    case 'A_Const':
      // A number is the constant make_const makes of it, as get_const_expr prints it
      // ('-1'::integer, '1000'::numeric for 1e3).
      return n.ival !== undefined || n.fval !== undefined ? numberConstText(n) : d(node);
    case 'TypeCast':
      return `${pp(n.arg, node, true)}::${displayTypeName(n.typeName)}`;
    case 'DisplayCast':
      return `${pp(n.arg, node, true)}::${n.type as string}`;
    case 'DisplayConst':
      return n.text as string;
    case 'FuncCall':
      if (n.agg_order !== undefined || n.agg_filter !== undefined || n.over !== undefined || n.agg_within_group || n.agg_distinct || n.func_variadic) throw new Unsupported();
      return `${names(n.funcname)}(${n.agg_star ? '*' : ((n.args ?? []) as PgNode[]).map((a) => pretty(a)).join(', ')})`;
    case 'A_Expr':
      if (n.kind === 'AEXPR_OP') {
        if (n.lexpr === undefined) return `${opName(n.name)} ${pp(n.rexpr, node)}`;
        return `${pp(n.lexpr, node, true)} ${opName(n.name)} ${pp(n.rexpr, node)}`;
      }
      return unwrap(d(node));
    case 'BoolExpr': {
      if (n.boolop === 'NOT_EXPR') return `NOT ${pp(n.args[0], node)}`;
      return (n.args as PgNode[]).map((a, i) => pp(a, node, i === 0)).join(n.boolop === 'AND_EXPR' ? ' AND ' : ' OR ');
    }
    case 'NullTest':
      return `${pp(n.arg, node, true)} ${n.nulltesttype === 'IS_NOT_NULL' ? 'IS NOT NULL' : 'IS NULL'}`;
    case 'CoalesceExpr':
      return `COALESCE(${(n.args as PgNode[]).map((a) => pretty(a)).join(', ')})`;
    case 'A_ArrayExpr':
      return `ARRAY[${((n.elements ?? []) as PgNode[]).map((a) => pretty(a)).join(', ')}]`;
    default:
      return d(node);
  }
}

/**
 * A raw expression tree in ruleutils' pretty form (see {@link prettyStoredExpr}).
 * @throws PgError 0A000 for a form this module cannot print.
 */
export function prettyRawExpr(node: PgNode): string {
  try {
    return pretty(node);
  } catch (e) {
    if (e instanceof Unsupported) throw pgErr.featureNotSupported('this stored expression');
    throw e;
  }
}

/**
 * An expression stored as normalized SQL text (an index key or predicate, a CHECK constraint)
 * in ruleutils' pretty form (pg_get_expr / pg_get_indexdef / pg_get_constraintdef with pretty
 * true): parentheses only where precedence needs them, casts as `x::type`. It prints the text's
 * own parse tree: implicit casts PostgreSQL's analysis would have added are not shown.
 * @throws PgError 0A000 for a form this module cannot print.
 */
export function prettyStoredExpr(text: string): string {
  const node = parseSql(`SELECT ${text}`)[0]?.stmt.SelectStmt?.targetList?.[0]?.ResTarget?.val as PgNode | undefined;
  if (node === undefined) throw pgErr.featureNotSupported('this stored expression');
  return prettyRawExpr(node);
}

/**
 * A CHECK expression's raw tree as PostgreSQL's analysis leaves it for display (what
 * pg_get_constraintdef prints): `x BETWEEN a AND b` expanded to `x >= a AND x <= b`, and the
 * implicit casts of a constant compared with a column shown as `DisplayCast` nodes: an untyped
 * literal takes the column's type (`''::text`), an integer or decimal constant compared with a
 * numeric / double precision column is cast to it where PostgreSQL's operator choice casts it
 * (`0::numeric`, `2.5::double precision`). `typeOf` gives a column's type name as format_type
 * prints it, or undefined for a name that is not a column. Other forms are left as written.
 */
export function displayCheckTree(node: PgNode, typeOf: (column: string) => string | undefined): PgNode {
  const tag = Object.keys(node)[0]!;
  const n = node[tag];
  const rec = (x: PgNode): PgNode => displayCheckTree(x, typeOf);
  if (tag === 'BoolExpr') return { BoolExpr: { ...n, args: (n.args as PgNode[]).map(rec) } };
  if (tag === 'NullTest') return { NullTest: { ...n, arg: rec(n.arg) } };
  if (tag !== 'A_Expr') return node;
  if (n.kind === 'AEXPR_BETWEEN' || n.kind === 'AEXPR_NOT_BETWEEN') {
    const [lo, hi] = listItems(n.rexpr);
    const not = n.kind === 'AEXPR_NOT_BETWEEN';
    const op = (name: string, r: PgNode): PgNode => rec({ A_Expr: { kind: 'AEXPR_OP', name: [{ String: { sval: name } }], lexpr: n.lexpr, rexpr: r } });
    return { BoolExpr: { boolop: not ? 'OR_EXPR' : 'AND_EXPR', args: [op(not ? '<' : '>=', lo!), op(not ? '>' : '<=', hi!)] } };
  }
  if (n.kind !== 'AEXPR_OP' || n.lexpr === undefined) return node;
  const colType = (x: PgNode): string | undefined => {
    const f = x.ColumnRef?.fields as PgNode[] | undefined;
    return f?.length === 1 && f[0].String !== undefined ? typeOf(f[0].String.sval as string) : undefined;
  };
  const castConst = (c: PgNode, type: string | undefined): PgNode => {
    const k = c.A_Const;
    if (k === undefined || type === undefined || k.isnull) return c;
    if (k.sval !== undefined) return { DisplayCast: { arg: c, type } };
    const decimal = k.fval !== undefined && /[.eE]/.test(String(k.fval.fval));
    if (type === 'double precision' && (k.ival !== undefined || k.fval !== undefined)) return { DisplayCast: { arg: c, type } };
    if (type === 'numeric' && (k.ival !== undefined || (k.fval !== undefined && !decimal))) return { DisplayCast: { arg: c, type } };
    return c;
  };
  return { A_Expr: { ...n, lexpr: castConst(n.lexpr, colType(n.rexpr)), rexpr: castConst(n.rexpr, colType(n.lexpr)) } };
}

/** A raw tree printed as the non-pretty ruleutils form (operators and casts parenthesized). */
export function deparseRaw(node: PgNode): string {
  try {
    return d(node);
  } catch (e) {
    if (e instanceof Unsupported) throw pgErr.featureNotSupported('this stored expression');
    throw e;
  }
}

/** The column names a raw expression refers to, in order of first appearance (unqualified references). */
export function referencedColumns(node: PgNode): string[] {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const y of x) walk(y);
      return;
    }
    if (x === null || typeof x !== 'object') return;
    const o = x as PgNode;
    if (o.ColumnRef !== undefined) {
      const f = o.ColumnRef.fields as PgNode[];
      const name = f[f.length - 1]?.String?.sval as string | undefined;
      if (name !== undefined && !out.includes(name)) out.push(name);
      return;
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(node);
  return out;
}
