/**
 * The rows of `pg_prepared_statements` (PostgreSQL's pg_prepared_statement() in prepare.c):
 * the session's named prepared statements (exec/prepared.ts), those of SQL PREPARE and the
 * extended protocol's named ones; the unnamed statement is not listed, as PostgreSQL keeps it
 * outside its hash of prepared queries.
 *
 * - statement: for PREPARE, the whole query string it came in (other statements of a
 *   multi-statement string included, as PostgreSQL keeps the source text); for Parse, its text;
 * - parameter_types / result_types: the types ParameterDescription and RowDescription report
 *   (typmods dropped, as regtype prints them); result_types is NULL for a statement that returns
 *   no rows (an INSERT without RETURNING);
 * - generic_plans / custom_plans: the executions planned so far as prepared.ts countPlan counts
 *   them (vecgres plans with the bound values: custom whenever there are parameters).
 */
import { PgArray } from '../../types/pgarray.js';
import type { Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';

/**
 * The rows of pg_prepared_statements in its column order: name, statement, prepare_time
 * (timestamptz: µs since 2000-01-01 UTC), parameter_types, result_types (regtype[] of type
 * oids), from_sql, generic_plans, custom_plans.
 */
export function preparedStatementsRows(env: SqlEnv): Value[][] {
  const rows: Value[][] = [];
  for (const [name, p] of env.preparedStatements) {
    if (name === '') continue;
    const results = p.fields === null ? null : regtypes(p.fields.map((f) => f.dataTypeID));
    rows.push([name, p.sql, p.prepareTimeUs, regtypes(p.paramOids), results, p.fromSql, p.plans.generic, p.plans.custom]);
  }
  return rows;
}

function regtypes(oids: readonly number[]): PgArray {
  return new PgArray('regtype', oids.length === 0 ? [] : [oids.length], [...oids]);
}
