/**
 * The key list and WHERE of CREATE INDEX, analyzed against the table (PostgreSQL's
 * transformIndexStmt, and ComputeIndexAttrs / CheckPredicate's checks): each key is a column
 * or an expression, the predicate a boolean expression over the table's columns. Expressions
 * are stored as normalized SQL text ({@link deparseRawChecked}) and analyzed again from that
 * text whenever the index is used (index_keys.ts), so what is stored is what is evaluated.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { Table } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { analyzeExpr, requireBool, type Expr } from '../analyze/expr.js';
import { figureColname, tableParseState } from '../analyze/query.js';
import { typmodOf } from '../analyze/range.js';
import type { SqlType } from '../analyze/types.js';
import { deparseRawChecked } from '../parser/deparse_raw.js';
import type { PgNode } from '../parser/parse.js';

/**
 * Functions that PostgreSQL does not mark IMMUTABLE (volatile or stable): an index over them
 * would hold values a later evaluation disagrees with. Checked by name on the raw tree, so a
 * function vecgres does not implement still gets PostgreSQL's 42P17 rather than 42883.
 */
const NOT_IMMUTABLE = new Set([
  'random', 'random_normal', 'setseed', 'gen_random_uuid', 'uuidv4', 'uuidv7', 'now', 'clock_timestamp', 'statement_timestamp',
  'transaction_timestamp', 'timeofday', 'nextval', 'currval', 'lastval', 'setval', 'current_setting', 'set_config',
  'pg_relation_size', 'pg_table_size', 'pg_total_relation_size', 'pg_indexes_size', 'to_char', 'to_timestamp', 'age',
]);

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
}

function walkRaw(node: PgNode, visit: (tag: string, n: PgNode) => void): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) walkRaw(x, visit);
    return;
  }
  for (const [k, v] of Object.entries(node)) {
    if (/^[A-Z]/.test(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) visit(k, v);
    walkRaw(v, visit);
  }
}

/**
 * Checks PostgreSQL makes on an index expression or predicate before and while analyzing it:
 * 0A000 `cannot use subquery in index <what>`, 42P02 for a parameter, 42P17 `functions in
 * index <what> must be marked IMMUTABLE`.
 */
function checkRaw(node: PgNode, what: 'expression' | 'predicate'): void {
  walkRaw(node, (tag, n) => {
    if (tag === 'SubLink') throw new PgError(SQLSTATE.feature_not_supported, `cannot use subquery in index ${what}`, typeof n.location === 'number' ? { position: n.location + 1 } : {});
    if (tag === 'ParamRef') throw new PgError(SQLSTATE.undefined_parameter, `there is no parameter $${n.number ?? 0}`, typeof n.location === 'number' ? { position: n.location + 1 } : {});
    if (tag === 'FuncCall') {
      const name = n.funcname[n.funcname.length - 1].String.sval as string;
      if (NOT_IMMUTABLE.has(name)) throw new PgError('42P17', `functions in index ${what} must be marked IMMUTABLE`);
    }
  });
}

function analyzeOver(env: SqlEnv, table: Table, raw: PgNode, clause: string): { e: Expr; scope: ReturnType<typeof tableParseState> } {
  const scope = tableParseState(env, table, [], []);
  scope.aggregateClause = clause;
  scope.windowClause = clause;
  return { e: analyzeExpr(scope, raw), scope };
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
  if (e.k === 'var') return { column: e.col, expr: null, type: e.type, typmod: e.typmod, nameHint: e.name };
  const hint = figureColname(raw);
  return { column: -1, expr: deparseRawChecked(raw, 'index expressions'), type: e.type, typmod: typmodOf(e), nameHint: hint === '?column?' ? 'expr' : hint };
}

/**
 * Analyzes the WHERE of a partial index; returns its normalized SQL text.
 * @throws PgError 42804 when not boolean, 0A000 subquery, 42803 aggregate, 42P17 a function
 *   not immutable.
 */
export function analyzeIndexPredicate(env: SqlEnv, table: Table, raw: PgNode): string {
  checkRaw(raw, 'predicate');
  const { e, scope } = analyzeOver(env, table, raw, 'index predicates');
  requireBool(scope, e, 'argument of WHERE', raw);
  return deparseRawChecked(raw, 'index predicates');
}
