/**
 * CREATE TABLE [IF NOT EXISTS] t [(col, ...)] AS SELECT ... [WITH [NO] DATA] (PostgreSQL's
 * ExecCreateTableAs): the query is analyzed, the table gets one column per output column
 * (named by the column list, else by the output's name; `unknown` literals become text, as
 * PostgreSQL resolves them), and the query's rows are written in the statement's transaction.
 */
import { checkNotSystemColumn } from './relation_lookup.js';
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import type { ColumnDef, ColumnType, Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { PgNode } from '../parser/parse.js';
import { analyzeSelect } from '../analyze/query.js';
import { typmodOf } from '../analyze/range.js';
import { planSelect } from '../plan/planner.js';
import { checkCreationSchema, notice, type Notices } from './ddl.js';
import { writeRow } from './insert.js';
import { runSelect } from './select.js';
import { createTableTx } from './ddl_txn.js';
import { assignTableOids } from './catalog_describe.js';
import { ensureXid } from './txn.js';
import { countPlan, executeParams, lookupPrepared, type PreparedStatement } from './prepared.js';
import { type SqlType, typeName } from '../analyze/types.js';

/**
 * Runs CREATE TABLE AS; returns the number of rows written (the command tag's `SELECT n`).
 * @throws PgError 42P07 when the name is taken (NOTICE and 0 rows with IF NOT EXISTS), 42601
 *   more column names than output columns, 42701 a repeated column name, 0A000 for
 *   materialized views, temporary tables and array-typed outputs; with AS EXECUTE, 26000 for an
 *   unknown statement, 42809 `prepared statement is not a SELECT`, the arguments' errors.
 */
export function createTableAs(env: SqlEnv, s: PgNode, notices: Notices): number {
  if (s.objtype !== 'OBJECT_TABLE') throw pgErr.featureNotSupported('CREATE MATERIALIZED VIEW');
  const into = s.into;
  const rv = into.rel;
  if (rv.relpersistence === 't') throw pgErr.featureNotSupported('temporary tables');
  const name = checkCreationSchema(env, rv);
  if (env.catalog.relationExists(name)) {
    if (s.if_not_exists) {
      notices.push(notice(SQLSTATE.duplicate_table, `relation "${rv.relname}" already exists, skipping`));
      return 0;
    }
    throw new PgError(SQLSTATE.duplicate_table, `relation "${rv.relname}" already exists`);
  }
  let select = s.query.SelectStmt;
  let declared: readonly SqlType[] = [];
  let params: Value[] = [];
  let executed: PreparedStatement | null = null;
  if (s.query.ExecuteStmt !== undefined) {
    // CREATE TABLE ... AS EXECUTE name(args): the prepared SELECT with those values.
    const e = s.query.ExecuteStmt;
    const p = lookupPrepared(env, e.name as string);
    if (p.raw?.tag !== 'SelectStmt') throw new PgError(SQLSTATE.wrong_object_type, 'prepared statement is not a SELECT');
    params = executeParams(env, e.name as string, p, (e.params ?? []) as PgNode[]);
    select = p.raw.stmt.SelectStmt;
    declared = p.paramTypes;
    executed = p;
  }
  if (select === undefined) throw pgErr.featureNotSupported(`CREATE TABLE AS ${Object.keys(s.query)[0]}`);
  const { query } = analyzeSelect(env, select, declared);
  const names: string[] = ((into.colNames ?? []) as PgNode[]).map((n) => n.String.sval as string);
  if (names.length > query.targets.length) throw new PgError(SQLSTATE.syntax_error, 'too many column names were specified');
  const columns: ColumnDef[] = query.targets.map((t, i) => {
    if (t.expr.type === 'timetz') throw pgErr.featureNotSupported(`type ${typeName(t.expr.type)} in tables`);
    let type = t.expr.type as ColumnType | 'unknown';
    if (type === 'unknown') type = 'text';
    return { name: names[i] ?? t.name, type: type as ColumnType, typmod: typmodOf(t.expr), notNull: false, sequence: null, defaultSql: null };
  });
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new PgError(SQLSTATE.duplicate_column, `column "${c.name}" specified more than once`);
    seen.add(c.name);
  }
  for (const c of columns) checkNotSystemColumn(c.name);
  // The rows are read before the table exists (the query cannot see it).
  const plan = into.skipData === true ? null : planSelect(env, query, params);
  // A planning of the prepared statement pg_prepared_statements counts, as PostgreSQL's
  // ExecuteQuery gets a plan (WITH NO DATA included).
  if (executed !== null) countPlan(executed, params.length);
  const rows = plan === null ? [] : runSelect(env, plan, params).rows;
  ensureXid(env);
  const table = createTableTx(env, env.txn, { name, columns, primaryKey: [] }, []);
  assignTableOids(env, table);
  for (const r of rows) {
    const values: Value[] = columns.map((_, i) => {
      const v = (r as Value[])[i] ?? null;
      return v instanceof Float32Array || v instanceof Uint16Array ? v.slice() : v;
    });
    writeRow(env, table, values, undefined);
  }
  return rows.length;
}
