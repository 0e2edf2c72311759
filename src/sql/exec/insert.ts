/**
 * INSERT execution: evaluates each VALUES row, enforces NOT NULL and the primary key with
 * PostgreSQL's messages, appends through the catalog (the one logged mutation path), records
 * the row for undo, and maintains every index of the table.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { Table, Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { InsertQuery } from '../analyze/query.js';
import { valueToText } from '../analyze/types.js';
import { evalExpr, type EvalCtx } from './eval.js';

export interface InsertOutput {
  count: number;
  returning: Value[][] | null;
}

/** The primary key value of a row as stored in the key map (composite keys joined as text). */
export function pkeyOf(table: Table, values: readonly Value[]): unknown {
  const pk = table.def.primaryKey;
  if (pk.length === 0) return undefined;
  if (pk.length === 1) return values[pk[0]!];
  return JSON.stringify(pk.map((c) => valueToText(values[c] ?? null, table.def.columns[c]!.type)));
}

function failingRow(table: Table, values: readonly Value[]): string {
  const parts = table.def.columns.map((c, i) => valueToText(values[i] ?? null, c.type) ?? 'null');
  return `Failing row contains (${parts.join(', ')}).`;
}

export function runInsert(env: SqlEnv, q: InsertQuery, ctx: EvalCtx): InsertOutput {
  const table = q.table;
  const cols = table.def.columns;
  const indexes = env.catalog.indexesOf(table.name).filter((d) => !d.primaryKey);
  const returning: Value[][] | null = q.returning === null ? null : [];
  for (const rowExprs of q.rows) {
    const values: Value[] = new Array(cols.length);
    for (let c = 0; c < cols.length; c++) values[c] = evalExpr(rowExprs[c]!, null, -1, ctx);
    for (let c = 0; c < cols.length; c++) {
      if (values[c] === null && cols[c]!.notNull) {
        throw new PgError(
          SQLSTATE.not_null_violation,
          `null value in column "${cols[c]!.name}" of relation "${table.name}" violates not-null constraint`,
          { detail: failingRow(table, values) },
        );
      }
    }
    const pkey = pkeyOf(table, values);
    if (pkey !== undefined) {
      const existing = table.pkey.get(pkey);
      if (existing !== undefined && table.isLive(existing)) {
        const pk = table.def.primaryKey;
        const names = pk.map((c) => cols[c]!.name).join(', ');
        const vals = pk.map((c) => valueToText(values[c] ?? null, cols[c]!.type)).join(', ');
        throw new PgError(SQLSTATE.unique_violation, `duplicate key value violates unique constraint "${table.name}_pkey"`, {
          detail: `Key (${names})=(${vals}) already exists.`,
        });
      }
    }
    const rowId = env.catalog.insertRow(table, values, pkey);
    env.txn.undo.push({ table, rowId, pkey });
    for (const d of indexes) {
      const vec = table.get(d.column, rowId);
      if (vec !== null) env.indexes.get(d.name)?.insert(rowId, vec as Float32Array);
    }
    if (returning !== null) returning.push(q.returning!.map((t) => evalExpr(t.expr, table, rowId, ctx)));
  }
  return { count: q.rows.length, returning };
}

/** Undoes inserts back to `mark` (statement failure or ROLLBACK), newest first. */
export function undoInserts(env: SqlEnv, mark: number): void {
  const undo = env.txn.undo;
  while (undo.length > mark) {
    const u = undo.pop()!;
    if (!u.table.isLive(u.rowId) || env.catalog.getTable(u.table.name) !== u.table) continue;
    for (const d of env.catalog.indexesOf(u.table.name)) env.indexes.get(d.name)?.delete(u.rowId);
    env.catalog.deleteRow(u.table, u.rowId, u.pkey);
  }
}
