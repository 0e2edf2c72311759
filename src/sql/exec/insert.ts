/**
 * INSERT execution: evaluates each VALUES row, enforces NOT NULL and the primary key with
 * PostgreSQL's messages, appends through the catalog (the one logged mutation path), records
 * the row as a write of the transaction (exec/txn.ts), and maintains every index of the table.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { Table, Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { InsertQuery } from '../analyze/query.js';
import { valueToText } from '../analyze/types.js';
import { evalExpr, type EvalCtx } from './eval.js';
import { ensureXid } from './txn.js';

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

/**
 * Checks NOT NULL and the primary key for a row about to be written by `xid`.
 * A key held by a live row that this transaction has not deleted is a duplicate (also when
 * that row belongs to another in-flight transaction: PostgreSQL would wait for it; vecgres
 * reports the conflict at once).
 * @throws PgError 23502 not-null violation, 23505 unique violation.
 */
export function checkRow(table: Table, values: readonly Value[], pkey: unknown, xid: number): void {
  const cols = table.def.columns;
  for (let c = 0; c < cols.length; c++) {
    if (values[c] === null && cols[c]!.notNull) {
      throw new PgError(
        SQLSTATE.not_null_violation,
        `null value in column "${cols[c]!.name}" of relation "${table.name}" violates not-null constraint`,
        { detail: failingRow(table, values) },
      );
    }
  }
  if (pkey === undefined) return;
  const existing = table.pkey.get(pkey);
  if (existing !== undefined && table.isLive(existing) && !(table.xmax[existing] === xid && xid !== 0)) {
    const pk = table.def.primaryKey;
    const names = pk.map((c) => cols[c]!.name).join(', ');
    const vals = pk.map((c) => valueToText(values[c] ?? null, cols[c]!.type)).join(', ');
    throw new PgError(SQLSTATE.unique_violation, `duplicate key value violates unique constraint "${table.name}_pkey"`, {
      detail: `Key (${names})=(${vals}) already exists.`,
    });
  }
}

/**
 * Writes one new row (INSERT, or the new version of an UPDATE) for the current transaction:
 * through the catalog (the logged path), remembered for COMMIT/ROLLBACK, added to every index
 * of the table. Returns the rowId.
 */
export function writeRow(env: SqlEnv, table: Table, values: readonly Value[], pkey: unknown): number {
  const xid = ensureXid(env);
  const rowId = env.catalog.insertRow(table, values, pkey, xid);
  env.txn.writes.push({ kind: 'insert', table, rowId, pkey });
  for (const d of env.catalog.indexesOf(table.name)) {
    if (d.primaryKey) continue;
    const vec = table.get(d.column, rowId);
    if (vec !== null) env.indexes.get(d.name)?.insert(rowId, vec as Float32Array);
  }
  return rowId;
}

export function runInsert(env: SqlEnv, q: InsertQuery, ctx: EvalCtx): InsertOutput {
  const table = q.table;
  const cols = table.def.columns;
  const returning: Value[][] | null = q.returning === null ? null : [];
  for (const rowExprs of q.rows) {
    const values: Value[] = new Array(cols.length);
    for (let c = 0; c < cols.length; c++) values[c] = evalExpr(rowExprs[c]!, null, -1, ctx);
    const pkey = pkeyOf(table, values);
    checkRow(table, values, pkey, env.txn.xid);
    const rowId = writeRow(env, table, values, pkey);
    if (returning !== null) returning.push(q.returning!.map((t) => evalExpr(t.expr, table, rowId, ctx)));
  }
  return { count: q.rows.length, returning };
}
