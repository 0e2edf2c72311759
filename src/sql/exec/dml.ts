/**
 * UPDATE, DELETE, TRUNCATE and VACUUM execution.
 *
 * UPDATE writes a new version of each matching row and deletes the old one, as PostgreSQL's
 * heap does: the new version gets a new slot and is inserted into every index (so updating the
 * embedding re-indexes it), the old one becomes a tombstone when the transaction commits.
 * Matching rows are collected before anything is written, so new versions are never revisited.
 * UPDATE ... FROM and DELETE ... USING find them with the same planned query, a join of the
 * target to the FROM items (analyze/dml.ts); each target row is changed once, with the FROM
 * columns of the first joined row that found it. Everything after that (constraints, foreign
 * keys, index maintenance, WAL, row locks) is the single-table path.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { Table, Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { DeleteQuery, UpdateQuery } from '../analyze/dml.js';
import { bug, evalExpr } from './eval.js';
import { checkNewRow, pkeyOf, writeRow } from './insert.js';
import { computeGenerated } from './generated_columns.js';
import { truncateForeignKeys } from './table_constraints.js';
import { fireForeignKeys, fkRemoved, fkWrote, newFkQueue } from './foreign_keys.js';
import { runStatement } from './select.js';
import type { SelectQuery } from '../analyze/query.js';
import { analyzeTable } from '../stats/analyze.js';
import { setRelStats } from '../stats/rel_size.js';
import { planTableStatement } from '../plan/planner.js';
import type { Expr } from '../analyze/expr.js';
import type { EState } from './executor.js';
import { ensureXid, preventCommandIfReadOnly } from './txn.js';
import { buildIndexOverTable } from './index_build.js';
import { changedAny, indexedColumns } from './index_keys.js';
import { buildOrderedIndex } from './ordered_index.js';
import { isOrderedAm, isOrderedIndex, type OrderedIndex, type VectorIndex } from '../../access/am.js';
import { alterSequenceTx, truncateTx } from './ddl_txn.js';
import { applySequenceOptions } from './sequences.js';
import { skipRelfilenodeOids } from './catalog_describe.js';
import { reindexOne } from './reindex.js';
import { checkUtilitySchema, type Notices } from './ddl.js';
import type { PgNode } from '../parser/parse.js';
import type { PlannedStmt, SubPlan } from '../plan/plan.js';
import type { ExplainProbe } from './explain_probe.js';

export interface DmlOutput {
  count: number;
  returning: Value[][] | null;
}

function rowValues(table: Table, rowId: number): Value[] {
  const n = table.def.columns.length;
  const out: Value[] = new Array(n);
  for (let c = 0; c < n; c++) {
    const v = table.get(c, rowId);
    // Vectors come back as views over the arena: copy, the new version is written elsewhere.
    out[c] = v instanceof Float32Array ? v.slice() : v;
  }
  return out;
}

/**
 * Ends row version `rowId` for transaction `xid` (the DELETE half of an UPDATE, too): marks it
 * in the catalog, with its primary key `pkey` when the table has one, and logs the write so
 * commit and rollback see it.
 */
function deleteVersion(env: SqlEnv, table: Table, rowId: number, xid: number, pkey: unknown, noKeyUpdate = false, update?: { hot: boolean }): void {
  env.catalog.deleteRow(table, rowId, xid, pkey, noKeyUpdate);
  env.txn.writes.push(update === undefined ? { kind: 'delete', table, rowId, pkey } : { kind: 'delete', table, rowId, pkey, update: true, hot: update.hot });
}

/**
 * The planned row-finding query of an UPDATE or DELETE (the target joined to any FROM / USING
 * items; a primary-key lookup for `pk = value`), with the SET values (UPDATE) and RETURNING
 * bound to the tuple [target row..., FROM columns...]: `bound[0]` the SET list, `bound[1]`
 * RETURNING (DELETE: `bound[0]` RETURNING). What the statement runs and EXPLAIN prints
 * (`verbose`: with EXPLAIN (VERBOSE)'s names).
 */
export function planModify(env: SqlEnv, q: UpdateQuery | DeleteQuery, params: readonly Value[], verbose = false): PlannedModify {
  const ret = (q.returning ?? []).map((t) => t.expr);
  return planTableStatement(env, q.scan, params, q.kind === 'update' ? [q.sets.map((s) => s.expr), ret] : [ret], verbose);
}

/** An UPDATE / DELETE's planned scan and the expressions bound to its tuple ({@link planModify}). */
export interface PlannedModify {
  stmt: PlannedStmt;
  bound: Expr[][];
}

/**
 * The rows a DELETE or UPDATE changes: runs its planned row-finding query and returns, in scan
 * order, each target row id once with the FROM columns of the first joined row that found it
 * (PostgreSQL's ModifyTable skips a row the command already changed), and the statement state
 * its bound expressions evaluate in. Under EXPLAIN ANALYZE (`probe`) the scan is instrumented.
 */
function targetRows(env: SqlEnv, scan: SelectQuery, planned: PlannedModify, params: readonly Value[], probe: ExplainProbe | null): { ids: number[]; extras: Value[][]; es: EState } {
  const stmt = planned.stmt;
  env.lastPlan = stmt.plan;
  const { rows, es } = runStatement(env, stmt, params, probe);
  const ids: number[] = [];
  const extras: Value[][] = [];
  if (scan.from.length === 1) {
    // The target alone: every row id comes once.
    for (const r of rows) ids.push(r[0] as number);
    return { ids, extras, es };
  }
  const seen = new Set<number>();
  for (const r of rows) {
    const id = r[0] as number;
    if (seen.has(id)) continue;
    seen.add(id);
    ids.push(id);
    extras.push(r.slice(1));
  }
  return { ids, extras, es };
}

/** The tuple SET and RETURNING expressions read: the target's row, then the FROM columns. */
function withExtras(row: Value[], extras: Value[][], i: number): Value[] {
  return extras.length === 0 ? row : row.concat(extras[i]!);
}

/**
 * Runs an analyzed UPDATE; returns the number of rows updated and RETURNING rows. `planned`
 * is its {@link planModify} (made now when absent); `probe` instruments the scan for EXPLAIN
 * ANALYZE.
 */
export function runUpdate(env: SqlEnv, q: UpdateQuery, params: readonly Value[], planned: PlannedModify | null = null, probe: ExplainProbe | null = null): DmlOutput {
  preventCommandIfReadOnly(env, 'UPDATE');
  const table = q.table;
  const plan = planned ?? planModify(env, q, params);
  const { ids, extras, es } = targetRows(env, q.scan, plan, params, probe);
  const [sets, ret] = plan.bound as [Expr[], Expr[]];
  const returning: Value[][] | null = q.returning === null ? null : [];
  if (ids.length === 0) return { count: 0, returning };
  const xid = ensureXid(env);
  const fk = newFkQueue(env);
  const keys = keyColumns(env, table);
  const indexed = indexedColumns(env, table);
  for (let r = 0; r < ids.length; r++) {
    const rowId = ids[r]!;
    const old = rowValues(table, rowId);
    const input = withExtras(old, extras, r);
    const values = old.slice();
    for (let i = 0; i < sets.length; i++) {
      const a = q.sets[i]!;
      if ('cols' in a) {
        // (a, b) = (SELECT ...): the sub-SELECT runs once for the row, each column coerced.
        const sub = es.runMultiExpr(subPlanOf(sets[i]!), input, a.cols.length);
        for (let j = 0; j < a.cols.length; j++) {
          const v = evalExpr(a.coerce[j]!, sub, es);
          values[a.cols[j]!] = v instanceof Float32Array ? v.slice() : v;
        }
        continue;
      }
      const v = evalExpr(sets[i]!, input, es);
      values[a.col] = v instanceof Float32Array ? v.slice() : v;
    }
    computeGenerated(env, table, values);
    const oldKey = pkeyOf(table, old);
    const newKey = pkeyOf(table, values);
    // PostgreSQL's UPDATE locks the old version FOR NO KEY UPDATE unless a key column changes.
    let keyChanged = false;
    for (const c of keys) if (!sameValue(old[c]!, values[c]!)) keyChanged = true;
    deleteVersion(env, table, rowId, xid, oldKey, !keyChanged, { hot: !changedAny(indexed, old, values) });
    checkNewRow(env, table, values, newKey, xid);
    const newId = writeRow(env, table, values, newKey, true);
    if (!keyChanged) env.catalog.rowLocks.carryForward(table, rowId, newId, xid);
    fkRemoved(fk, table, old, values);
    fkWrote(fk, table, newId);
    if (returning !== null) {
      const row = withExtras(rowValues(table, newId), extras, r);
      returning.push(ret.map((e) => evalExpr(e, row, es)));
    }
  }
  fireForeignKeys(env, fk);
  return { count: ids.length, returning };
}

/** The SubPlan a multiple-column assignment's sub-SELECT was planned as. */
function subPlanOf(e: Expr): SubPlan {
  if (e.k !== 'subplan') bug('a multiple-column sub-SELECT is planned as a SubPlan');
  return e.sp as SubPlan;
}

/**
 * The key columns of `table` for row locking (PostgreSQL's INDEX_ATTR_BITMAP_KEY): the columns
 * of its primary key and of its unique indexes without expressions or predicates.
 */
function keyColumns(env: SqlEnv, table: Table): number[] {
  const out = new Set<number>(table.def.primaryKey);
  for (const d of env.catalog.indexesOf(table.name)) {
    if (!d.unique || d.predicate !== null) continue;
    if (d.keys.some((k) => k.expr !== null)) continue;
    for (const k of d.keys) out.add(k.column);
  }
  return [...out];
}

/** True when a key column kept its value (same primitive; anything else counts as changed). */
function sameValue(a: Value, b: Value): boolean {
  return a === b;
}

/** Runs an analyzed DELETE; returns the number of rows deleted and RETURNING rows (arguments as {@link runUpdate}). */
export function runDelete(env: SqlEnv, q: DeleteQuery, params: readonly Value[], planned: PlannedModify | null = null, probe: ExplainProbe | null = null): DmlOutput {
  preventCommandIfReadOnly(env, 'DELETE');
  const table = q.table;
  const plan = planned ?? planModify(env, q, params);
  const { ids, extras, es } = targetRows(env, q.scan, plan, params, probe);
  const ret = plan.bound[0]!;
  const returning: Value[][] | null = q.returning === null ? null : [];
  if (ids.length === 0) return { count: 0, returning };
  const xid = ensureXid(env);
  const fk = newFkQueue(env);
  for (let r = 0; r < ids.length; r++) {
    const rowId = ids[r]!;
    const row = rowValues(table, rowId);
    if (returning !== null) {
      const input = withExtras(row, extras, r);
      returning.push(ret.map((e) => evalExpr(e, input, es)));
    }
    const key = table.def.primaryKey.length === 0 ? undefined : pkeyOf(table, row);
    deleteVersion(env, table, rowId, xid, key);
    fkRemoved(fk, table, row, null);
  }
  fireForeignKeys(env, fk);
  return { count: ids.length, returning };
}

/** 55P03: the table has rows of another session's transaction in flight. */
function lockError(table: string): PgError {
  return new PgError('55P03', `could not obtain lock on relation "${table}"`);
}

/**
 * Refuses DDL on a table another transaction than `xid` is writing (PostgreSQL would wait for
 * its lock).
 * @throws PgError 55P03.
 */
export function requireNoPendingRows(table: Table, xid: number): void {
  if (table.pendingRowsOfOthers(xid)) throw lockError(table.name);
}

/**
 * Rebuilds the structures of `table`'s indexes from its current rows (after TRUNCATE) and
 * returns the structures they replaced, by index name, for the caller to dispose (at commit)
 * or put back (at rollback).
 */
export function rebuildIndexes(env: SqlEnv, table: Table): Map<string, VectorIndex | OrderedIndex> {
  const replaced = new Map<string, VectorIndex | OrderedIndex>();
  for (const d of env.catalog.indexesOf(table.name)) {
    const am = env.methods.get(d.method);
    const old = env.indexes.get(d.name);
    if (am === undefined || old === undefined) continue;
    if (isOrderedAm(am) || isOrderedIndex(old)) {
      if (!isOrderedAm(am)) continue;
      const fresh = buildOrderedIndex(env, am, d, table);
      replaced.set(d.name, old);
      env.indexes.set(d.name, fresh);
      continue;
    }
    const idx = buildIndexOverTable(env, am, {
      name: d.name,
      table,
      def: d,
      // A column key takes the column's dimension (ALTER COLUMN ... TYPE vector(n) changes it).
      dim: d.keys[0]!.expr === null ? table.def.columns[d.keys[0]!.column]!.typmod : old.dim,
      opclass: old.opclass,
      options: new Map(d.options),
    });
    replaced.set(d.name, old);
    env.indexes.set(d.name, idx);
  }
  return replaced;
}

/**
 * TRUNCATE [TABLE] t [, ...] [RESTART IDENTITY | CONTINUE IDENTITY] [CASCADE], undone by
 * ROLLBACK (the old rows are kept until commit). RESTART IDENTITY restarts the sequences the
 * tables own (serial and identity columns, OWNED BY), those of the tables CASCADE reaches too,
 * as PostgreSQL's ExecuteTruncate: transactionally, so ROLLBACK gives them back their values.
 * Referencing tables need CASCADE (table_constraints.ts truncateForeignKeys).
 * @throws PgError 42P01; 0A000 for a referenced table without CASCADE; 55P03 when another transaction writes a table or holds it.
 */
export function truncateTables(env: SqlEnv, s: PgNode, notices: Notices = []): void {
  const tables: Table[] = [];
  for (const r of (s.relations ?? []) as PgNode[]) {
    const rv = r.RangeVar;
    const key = checkUtilitySchema(env, rv);
    const t = env.catalog.getTable(key);
    if (t === undefined && env.catalog.getView(key) !== undefined) throw new PgError(SQLSTATE.wrong_object_type, `"${rv.relname}" is not a table`);
    if (t === undefined) {
      // PostgreSQL's TRUNCATE reports no position for it.
      throw new PgError(SQLSTATE.undefined_table, `relation "${rv.relname}" does not exist`);
    }
    tables.push(t);
  }
  truncateForeignKeys(env, tables, s.behavior === 'DROP_CASCADE', notices);
  const xid = ensureXid(env);
  for (const t of tables) requireNoPendingRows(t, xid);
  if (s.restart_seqs === true) {
    for (const q of tables.flatMap((t) => env.catalog.sequencesOwnedBy(t.name))) {
      const { def, last, called, logCnt } = applySequenceOptions(q.def.name, { restart: null }, q);
      alterSequenceTx(env, env.txn, q.def.name, def, last, called, logCnt);
    }
  }
  for (const t of tables) {
    truncateTx(env, env.txn, t.name);
    skipRelfilenodeOids(env, t, 'truncate');
  }
  // PostgreSQL's TRUNCATE rebuilds every index of the table (reindex_relation, without
  // constraint checks): an INVALID one (a failed CREATE INDEX CONCURRENTLY) comes back valid,
  // unless it is UNIQUE, whose uniqueness that rebuild does not check.
  for (const t of tables) {
    const fresh = env.catalog.getTable(t.name)!;
    for (const d of env.catalog.indexesOf(t.name)) if (d.valid === false && !d.unique) reindexOne(env, d, fresh, notices);
  }
}

/**
 * VACUUM [table, ...]: removes index tombstones (rows deleted by committed transactions or
 * inserted by aborted ones) and repairs the index structures, through each method's
 * `vacuum`. Methods without one keep their tombstones (scans skip them). Table slots are not
 * reused, so dead rows keep their slot numbers. FULL and FREEZE are accepted and do the same.
 * ANALYZE [table [(col, ...)], ...] and VACUUM ANALYZE gather column statistics
 * (stats/analyze.ts).
 * @throws PgError 25001 inside a transaction block (VACUUM only: ANALYZE may run in one, as
 *   PostgreSQL's), 42P01 for a missing table, 42703 for a missing column.
 */
export function vacuum(env: SqlEnv, s: PgNode, notices: Notices): void {
  const isVacuum = s.is_vacuumcmd === true;
  const doAnalyze = !isVacuum || ((s.options ?? []) as PgNode[]).some((o) => o.DefElem?.defname === 'analyze');
  if (isVacuum && env.txn.inBlock) {
    throw new PgError(SQLSTATE.active_sql_transaction, 'VACUUM cannot run inside a transaction block');
  }
  const targets: { name: string; cols: number[] | null }[] = [];
  for (const r of (s.rels ?? []) as PgNode[]) {
    const rv = r.VacuumRelation?.relation;
    if (rv === undefined) continue;
    const t = env.catalog.getTable(checkUtilitySchema(env, rv));
    if (t === undefined) {
      throw new PgError(SQLSTATE.undefined_table, `relation "${rv.relname}" does not exist`);
    }
    const colNames = ((r.VacuumRelation.va_cols ?? []) as PgNode[]).map((c) => c.String.sval as string);
    if (colNames.length > 0 && !doAnalyze) {
      throw new PgError(SQLSTATE.feature_not_supported, 'ANALYZE option must be specified when a column list is provided');
    }
    const cols = colNames.map((c) => {
      const i = t.columnIndex(c);
      if (i < 0) throw new PgError(SQLSTATE.undefined_column, `column "${c}" of relation "${t.name}" does not exist`);
      return i;
    });
    // VACUUM (and ANALYZE) take PostgreSQL's ShareUpdateExclusiveLock, which a CREATE INDEX
    // CONCURRENTLY building on the table holds: they wait for the build (a RelationWait).
    env.catalog.checkConcurrentBuild(t.name);
    targets.push({ name: t.name, cols: cols.length > 0 ? cols : null });
  }
  // A database-wide VACUUM waits for such a table too (PostgreSQL's vacuum_rel locks each
  // table without SKIP_LOCKED), before it vacuums any: its run again starts over.
  if (targets.length === 0) {
    for (const name of env.catalog.tableNames()) {
      env.catalog.checkConcurrentBuild(name);
      targets.push({ name, cols: null });
    }
  }
  void notices;
  for (const { name, cols } of targets) {
    const t = env.catalog.peekTable(name)!;
    if (isVacuum) {
      for (const d of env.catalog.indexesOf(name)) env.indexes.get(d.name)?.vacuum?.();
      t.releaseDeadRows();
      const st = env.stats.table(t);
      st.deadRows = 0;
      st.insSinceVacuum = 0;
      st.lastVacuumMs = env.stats.nowMs();
      st.vacuumCount++;
      setRelStats(env.stats, t, true);
    }
    if (doAnalyze) analyzeTable(env, t, cols, false);
  }
}
