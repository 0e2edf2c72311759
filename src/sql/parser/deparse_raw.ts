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
