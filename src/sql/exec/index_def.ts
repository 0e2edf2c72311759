/**
 * The key list and WHERE of CREATE INDEX, analyzed against the table (PostgreSQL's
 * transformIndexStmt, and ComputeIndexAttrs / CheckPredicate's checks): each key is a column
 * or an expression, the predicate a boolean expression over the table's columns. Expressions
 * are stored as normalized SQL text ({@link deparseRawChecked}) and analyzed again from that
 * text whenever the index is used (index_keys.ts), so what is stored is what is evaluated.
 */
import { inStoredExpression } from '../analyze/clock_literals.js';
import { PgError } from '../../common/errors.js';
import type { Table } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { VOLATILE_FNS, analyzeExpr, requireBool, type Expr } from '../analyze/expr.js';
import { exprEqual, figureColname, tableParseState } from '../analyze/query.js';
import { deparse } from '../plan/deparse.js';
import { parseStoredExpr } from './index_keys.js';
import { typmodOf } from '../analyze/range.js';
import type { SqlType } from '../analyze/types.js';
import { deparseRawChecked } from '../parser/deparse_raw.js';
import type { PgNode } from '../parser/parse.js';
import { walkRaw, rejectSubqueriesAndParams } from '../parser/walk.js';

/**
 * Functions that PostgreSQL does not mark IMMUTABLE (volatile or stable): an index over them
 * would hold values a later evaluation disagrees with. Checked by name on the raw tree, so a
 * function vecgres does not implement still gets PostgreSQL's 42P17 rather than 42883.
 * These are the STABLE ones; the volatile ones are analyze/expr.ts's VOLATILE_FNS.
 */
const STABLE_FNS = new Set([
  'now', 'statement_timestamp', 'transaction_timestamp', 'current_setting',
  'pg_relation_size', 'pg_table_size', 'pg_total_relation_size', 'pg_indexes_size', 'to_char', 'to_timestamp', 'age',
]);

/**
 * Read at call time, not when this module loads: analyze/expr.ts and this module import each
 * other, so VOLATILE_FNS may not be initialized yet at this module's top level.
 */
function notImmutable(name: string): boolean {
  return STABLE_FNS.has(name) || VOLATILE_FNS.has(name);
}

/** One analyzed key of CREATE INDEX. */
export interface AnalyzedIndexKey {
  /** Table column, or -1 for an expression. */
  column: number;
  /** Normalized SQL text of an expression key; null for a column. */
  expr: string | null;
  type: SqlType;
  typmod: number;
  /** The name ChooseIndexName uses for this key (column name, function name, or `expr`). */
  nameHint: string;
  /** The analyzed expression of an expression key; null for a column. */
  analyzed: Expr | null;
}

/**
 * Checks PostgreSQL makes on an index expression or predicate before and while analyzing it:
 * 0A000 `cannot use subquery in index <what>`, 42P02 for a parameter, 42P17 `functions in
 * index <what> must be marked IMMUTABLE`.
 */
function checkRaw(node: PgNode, what: 'expression' | 'predicate'): void {
  rejectSubqueriesAndParams(node, `index ${what}`);
  if (callsMutableFunction(node)) throw new PgError('42P17', `functions in index ${what} must be marked IMMUTABLE`);
}

/**
 * True when raw expression `node` calls, by name, a function PostgreSQL does not mark
 * IMMUTABLE (notImmutable). Index expressions, index predicates and generation
 * expressions refuse these (contain_mutable_functions).
 */
export function callsMutableFunction(node: PgNode): boolean {
  let found = false;
  walkRaw(node, (tag, n) => {
    if (tag === 'FuncCall' && notImmutable(n.funcname[n.funcname.length - 1].String.sval as string)) found = true;
  });
  return found;
}

function analyzeOver(env: SqlEnv, table: Table, raw: PgNode, clause: string): { e: Expr; scope: ReturnType<typeof tableParseState> } {
  const scope = tableParseState(env, table, [], []);
  scope.aggregateClause = clause;
  scope.windowClause = clause;
  return { e: inStoredExpression(env, clause, () => analyzeExpr(scope, raw)), scope };
}

/** Functions PostgreSQL marks STABLE in their two-argument form over a timestamptz (they read the session's TimeZone). */
const STABLE_OVER_TIMESTAMPTZ = new Set(['date_trunc', 'date_part', 'extract']);
const DATETIME_TYPES = new Set<SqlType>(['date', 'timestamp', 'timestamptz']);
const TEXT_TYPES = new Set<SqlType>(['text', 'varchar', 'bpchar']);

/**
 * A cast PostgreSQL carries out with a STABLE function: timestamptz to or from date and
 * timestamp (the session's TimeZone), and date / timestamp[tz] to or from text (their
 * input and output functions read DateStyle and TimeZone).
 */
function stableCast(from: SqlType, to: SqlType): boolean {
  if (from === to) return false;
  if (from === 'timestamptz' && (to === 'date' || to === 'timestamp' || to === 'time')) return true;
  // time_in is STABLE (it reads `now`), time_out IMMUTABLE.
  if (to === 'time' && TEXT_TYPES.has(from)) return true;
  // time_timetz and timestamptz_timetz read the session zone (and the date), timetz_in too.
  if (to === 'timetz' && (from === 'time' || from === 'timestamptz' || TEXT_TYPES.has(from))) return true;
  if (to === 'timestamptz' && (from === 'date' || from === 'timestamp')) return true;
  return (DATETIME_TYPES.has(from) && TEXT_TYPES.has(to)) || (TEXT_TYPES.has(from) && DATETIME_TYPES.has(to));
}

/**
 * The checks that depend on argument types, after {@link checkRaw}'s by name: `date_trunc`,
 * `date_part` and `extract` of a timestamptz, and the STABLE casts ({@link stableCast}), are
 * 42P17 as PostgreSQL's CheckMutability finds them.
 */
function checkTypedMutability(env: SqlEnv, table: Table, raw: PgNode, what: 'expression' | 'predicate'): void {
  if (callsStableByType(env, table, raw, `index ${what}s`)) throw new PgError('42P17', `functions in index ${what} must be marked IMMUTABLE`);
}

/**
 * True when raw expression `node` over `table` (already analyzed without error; `clause` names
 * it as the analysis does) calls a function that is STABLE for the types of its arguments:
 * `date_trunc`, `date_part` and `extract` of a timestamptz, or a STABLE cast
 * ({@link stableCast}).
 */
export function callsStableByType(env: SqlEnv, table: Table, node: PgNode, clause: string): boolean {
  const typeOf = (n: PgNode): SqlType => analyzeOver(env, table, n, clause).e.type;
  let found = false;
  walkRaw(node, (tag, n) => {
    if (found) return;
    if (tag === 'FuncCall') {
      const name = n.funcname[n.funcname.length - 1].String.sval as string;
      const args = (n.args ?? []) as PgNode[];
      if (STABLE_OVER_TIMESTAMPTZ.has(name) && args.length === 2 && typeOf(args[1]) === 'timestamptz') found = true;
      // AT TIME ZONE of a time or timetz reads the transaction's date (timetz_zone is VOLATILE).
      else if (name === 'timezone' && args.length === 2 && (typeOf(args[1]) === 'time' || typeOf(args[1]) === 'timetz')) found = true;
    } else if (tag === 'TypeCast') {
      const from = typeOf(n.arg);
      if (from !== 'unknown' && stableCast(from, typeOf({ TypeCast: n }))) found = true;
    }
  });
  return found;
}

/**
 * Analyzes an expression key `((expr) opclass)` of CREATE INDEX on `table`. An expression that
 * is only a column (`((embedding))`) becomes that column, as in PostgreSQL.
 * @throws PgError as PostgreSQL: 42703 unknown column, 0A000 subquery, 42803 aggregate,
 *   42P17 a function not immutable, 0A000 for an expression form that cannot be stored.
 */
export function analyzeIndexExpression(env: SqlEnv, table: Table, raw: PgNode): AnalyzedIndexKey {
  checkRaw(raw, 'expression');
  const { e } = analyzeOver(env, table, raw, 'index expressions');
  checkTypedMutability(env, table, raw, 'expression');
  if (e.k === 'var') return { column: e.col, expr: null, type: e.type, typmod: e.typmod, nameHint: e.name, analyzed: null };
  const hint = figureColname(raw);
  return { column: -1, expr: deparseRawChecked(raw, 'index expressions'), type: e.type, typmod: typmodOf(e), nameHint: hint === '?column?' ? 'expr' : hint, analyzed: e };
}

/**
 * The text a B-tree expression key is stored as: the analyzed expression as ruleutils prints
 * it (`date_trunc('day'::text, ts)`, `(meta ->> 'k'::text)`), which pg_get_indexdef, the
 * unique violation's DETAIL and dumps show as PostgreSQL does, provided it analyzes back to
 * the same expression; otherwise the normalized text of what was written (`key.expr`).
 */
export function storedKeyText(env: SqlEnv, table: Table, key: AnalyzedIndexKey): string | null {
  if (key.expr === null || key.analyzed === null) return key.expr;
  let text: string;
  try {
    text = deparse(key.analyzed, { zone: env.settings.timeZone() });
    const back = analyzeOver(env, table, parseStoredExpr(text), 'index expressions').e;
    if (exprEqual(back, key.analyzed) && back.type === key.type) return text;
  } catch (e) {
    if (!(e instanceof PgError)) throw e;
  }
  return key.expr;
}

/**
 * Analyzes the WHERE of a partial index; returns its normalized SQL text.
 * @throws PgError 42804 when not boolean, 0A000 subquery, 42803 aggregate, 42P17 a function
 *   not immutable.
 */
export function analyzeIndexPredicate(env: SqlEnv, table: Table, raw: PgNode): string {
  checkRaw(raw, 'predicate');
  const { e, scope } = analyzeOver(env, table, raw, 'index predicates');
  checkTypedMutability(env, table, raw, 'predicate');
  requireBool(scope, e, 'argument of WHERE', raw);
  return deparseRawChecked(raw, 'index predicates');
}
