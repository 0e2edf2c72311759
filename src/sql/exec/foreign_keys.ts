/**
 * FOREIGN KEY enforcement (PostgreSQL's RI triggers, ri_triggers.c), run at the end of each
 * INSERT / UPDATE / DELETE statement as PostgreSQL fires its after-row triggers at the end of
 * the statement.
 *
 * A statement records what it wrote in an {@link FkQueue}: the new rows of tables that hold
 * foreign keys (to be checked against the referenced table: RI_FKey_check), and the old
 * versions of rows of referenced tables it deleted or updated (whose keys may now be missing:
 * RI_FKey_noaction_del / cascade_del / setnull_del / ..._upd). {@link fireForeignKeys} then
 * works through the queue until it is empty, since a cascaded delete or update is itself a
 * change that may cascade further.
 *
 * Cost: the old keys of one batch are put in a hash set and each referencing table is scanned
 * ONCE per batch (PostgreSQL runs one indexed query per deleted row; a hash set over the batch
 * keeps a 100k-row cascade linear whether or not the referencing columns are indexed). The
 * referenced side is looked up through the primary-key map or the UNIQUE B-tree index that
 * makes the constraint valid, so each new row's check is one lookup.
 *
 * MATCH SIMPLE: a referencing key with any NULL column references nothing and is not checked.
 */
/** Keys and details print timestamptz values in UTC: keys must not depend on a session; details show the same instant. */
import { shownName } from '../../storage/schema_def.js';
import type { TimeZone } from '../../types/timezone.js';
import { int8Of, sessionNextval } from './sequences.js';
import { PgError } from '../../common/errors.js';
import { isOrderedIndex } from '../../access/am.js';
import type { ColumnType, ForeignKeyDef, Table, Value } from '../../storage/table.js';
import { lockNotAvailable } from '../../storage/catalog.js';
import { LockWait } from '../../storage/row_locks.js';
import type { SqlEnv } from '../env.js';
import { valueToText } from '../analyze/types.js';
import { analyzeDefault } from '../analyze/query.js';
import type { PgNode } from '../parser/parse.js';
import { bug, evalExpr, NO_CONTEXT } from './eval.js';
import { checkConstraints } from './constraints.js';
import { computeGenerated } from './generated_columns.js';
import { checkRow, pkeyOf, writeRow } from './insert.js';
import { tupleKey } from './hash_key.js';
import { changedAny, indexedColumns } from './index_keys.js';
import { checkUniqueIndexes } from './ordered_index.js';

/** What one statement wrote that foreign keys must look at. */
export interface FkQueue {
  /** New row versions of tables holding foreign keys. */
  written: { table: Table; rowId: number }[];
  /** Old versions (and the new values of an update, null for a delete) of referenced tables. */
  removed: { table: Table; old: Value[]; neu: Value[] | null }[];
  /** Tables that hold foreign keys, and tables referenced by one (by name). */
  readonly holders: ReadonlySet<string>;
  readonly referenced: ReadonlySet<string>;
}

/**
 * The foreign keys (self-references included) that reference table `name`, by holder.
 * @throws PgError 55P03 when a holder is another transaction's uncommitted DDL's (where
 *   PostgreSQL would wait for its lock).
 */
function holdersOf(env: SqlEnv, name: string): { holder: Table; fk: ForeignKeyDef }[] {
  const out: { holder: Table; fk: ForeignKeyDef }[] = [];
  for (const n of env.catalog.allTableNames()) {
    if (!(env.catalog.peekTable(n)!.def.foreignKeys ?? []).some((f) => f.refTable === name)) continue;
    const holder = env.catalog.getTable(n);
    if (holder === undefined) throw lockNotAvailable(n);
    for (const fk of holder.def.foreignKeys ?? []) if (fk.refTable === name) out.push({ holder, fk });
  }
  return out;
}

/** A queue for one statement, or null when no table has a foreign key (nothing to do). */
export function newFkQueue(env: SqlEnv): FkQueue | null {
  const holders = new Set<string>();
  const referenced = new Set<string>();
  // Every table, other transactions' uncommitted ones included (peeked, not locked: being in
  // the sets only makes the statement look closer).
  for (const name of env.catalog.allTableNames()) {
    const fks = env.catalog.peekTable(name)!.def.foreignKeys;
    if (fks === undefined || fks.length === 0) continue;
    holders.add(name);
    for (const f of fks) referenced.add(f.refTable);
  }
  return holders.size === 0 ? null : { written: [], removed: [], holders, referenced };
}

/** Records new row `rowId` of `table` (INSERT, or an UPDATE's new version). */
export function fkWrote(q: FkQueue | null, table: Table, rowId: number): void {
  if (q !== null && q.holders.has(table.name)) q.written.push({ table, rowId });
}

/** Records that a row of `table` with values `old` was deleted (`neu` null) or updated to `neu`. */
export function fkRemoved(q: FkQueue | null, table: Table, old: Value[], neu: Value[] | null): void {
  if (q !== null && q.referenced.has(table.name)) q.removed.push({ table, old, neu });
}

/** A key's values as one hash-set string, each column as text of type `types[i]`. */
function keyString(values: readonly Value[], types: readonly ColumnType[]): string {
  // Equal SQL values give equal keys (interval '1 day' = '24 hours', float 0 = -0), as the
  // referenced key's equality operator decides in PostgreSQL's RI queries.
  return tupleKey(values, types);
}

/** `Key (a, b)=(1, x)` of a foreign-key violation's DETAIL. */
function keyText(names: readonly string[], values: readonly Value[], types: readonly ColumnType[], zone: TimeZone): string {
  return `Key (${names.join(', ')})=(${values.map((v, i) => valueToText(v, types[i]!, zone) ?? 'null').join(', ')})`;
}

/**
 * True when the referenced table `ref` holds a row visible to `xid` whose columns `refCols`
 * equal `key`: through the primary-key map when `refCols` are the primary key's columns, else
 * through the unique B-tree index over exactly those columns. `lock` (a new referencing row's
 * check, PostgreSQL's RI_FKey_check `SELECT ... FOR KEY SHARE`): the row found is locked FOR
 * KEY SHARE until the transaction ends, so a concurrent DELETE or key UPDATE of it waits, and
 * one already in flight is waited for (LockWait).
 */
export function referencedKeyExists(env: SqlEnv, ref: Table, refCols: readonly number[], key: readonly Value[], xid: number, lock = false): boolean {
  const found = (r: number): boolean => {
    if (!ref.visibleTo(r, xid)) return false;
    if (lock && xid !== 0) {
      const locks = env.catalog.rowLocks;
      const holder = locks.conflicting(ref, r, xid, 0 /* RowLockMode.KeyShare */);
      if (holder !== 0 && locks.inFlight(holder)) throw new LockWait(holder, ref.name, r);
      locks.acquire(ref, r, xid, 0 /* RowLockMode.KeyShare */);
    }
    return true;
  };
  const pk = ref.def.primaryKey;
  if (pk.length === refCols.length && pk.every((c) => refCols.includes(c))) {
    const row: Value[] = new Array(ref.def.columns.length).fill(null);
    refCols.forEach((c, i) => (row[c] = key[i] ?? null));
    const r = ref.pkey.get(pkeyOf(ref, row));
    if (r === undefined) return false;
    // The key's newest version may be another transaction's uncommitted UPDATE of other
    // columns: the version it replaces is the one this transaction sees.
    const prior = ref.visibleTo(r, xid) ? undefined : env.catalog.rowLocks.priorVersion(ref, r);
    if (prior === undefined) return found(r);
    if (!found(prior)) return false;
    // The lock holds on the version that replaces it too (as PostgreSQL's multixact carries it).
    if (lock && xid !== 0) env.catalog.rowLocks.acquire(ref, r, xid, 0 /* RowLockMode.KeyShare */);
    return true;
  }
  for (const d of env.catalog.indexesOf(ref.name)) {
    if (!d.unique || d.primaryKey || d.predicate !== null || d.keys.length !== refCols.length) continue;
    if (!d.keys.every((k) => k.expr === null && refCols.includes(k.column))) continue;
    const index = env.indexes.get(d.name);
    if (index === undefined || !isOrderedIndex(index)) continue;
    const probe = d.keys.map((k) => key[refCols.indexOf(k.column)] ?? null);
    return index.findEqual(probe).some(found);
  }
  // Checked at CREATE / ALTER: a foreign key's referenced columns are always a key.
  return bug(`no unique index for a foreign key on "${ref.name}"`);
}

function rowValues(table: Table, rowId: number): Value[] {
  const n = table.def.columns.length;
  const out: Value[] = new Array(n);
  for (let c = 0; c < n; c++) {
    const v = table.get(c, rowId);
    out[c] = v instanceof Float32Array || v instanceof Uint16Array ? v.slice() : v;
  }
  return out;
}

/** A column's default value for ON DELETE / UPDATE SET DEFAULT (NULL when it has none). */
function columnDefault(env: SqlEnv, table: Table, col: number): Value {
  const c = table.def.columns[col]!;
  if (c.sequence !== null) return int8Of(sessionNextval(env, c.sequence));
  if (c.defaultSql === null) return null;
  return evalExpr(analyzeDefault(env, table, col, JSON.parse(c.defaultSql) as PgNode), null, { ...NO_CONTEXT, zone: env.settings.timeZone() });
}

/** Ends row version `rowId` of `table` for the statement's transaction and records it for COMMIT / ROLLBACK. */
function deleteRowVersion(env: SqlEnv, table: Table, rowId: number, old: readonly Value[], update?: { hot: boolean }): void {
  const key = table.def.primaryKey.length === 0 ? undefined : pkeyOf(table, old);
  env.catalog.deleteRow(table, rowId, env.txn.xid, key);
  env.txn.writes.push(update === undefined ? { kind: 'delete', table, rowId, pkey: key } : { kind: 'delete', table, rowId, pkey: key, update: true, hot: update.hot });
}

/** 23503 for a new row whose key is missing from the referenced table. */
function notPresent(table: Table, fk: ForeignKeyDef, key: readonly Value[], zone: TimeZone): PgError {
  const cols = table.def.columns;
  return new PgError('23503', `insert or update on table "${shownName(table.name, table.name)}" violates foreign key constraint "${shownName(fk.name, table.name)}"`, {
    detail: `${keyText(fk.columns.map((c) => cols[c]!.name), key, fk.columns.map((c) => cols[c]!.type), zone)} is not present in table "${shownName(fk.refTable, fk.refTable)}".`,
  });
}

/**
 * A removed referenced key that rows of `holder` still reference: 23503 for NO ACTION, 23001
 * `violates RESTRICT setting` for RESTRICT (ri_ReportViolation).
 */
function stillReferenced(ref: Table, holder: Table, fk: ForeignKeyDef, key: readonly Value[], restrict: boolean, zone: TimeZone): PgError {
  const cols = ref.def.columns;
  const k = keyText(fk.refColumns.map((c) => cols[c]!.name), key, fk.refColumns.map((c) => cols[c]!.type), zone);
  if (restrict) {
    return new PgError('23001', `update or delete on table "${ref.name}" violates RESTRICT setting of foreign key constraint "${fk.name}" on table "${holder.name}"`, {
      detail: `${k} is referenced from table "${holder.name}".`,
    });
  }
  return new PgError('23503', `update or delete on table "${shownName(ref.name, ref.name)}" violates foreign key constraint "${shownName(fk.name, holder.name)}" on table "${shownName(holder.name, holder.name)}"`, {
    detail: `${k} is still referenced from table "${shownName(holder.name, holder.name)}".`,
  });
}

/** Checks the foreign keys of new row `rowId` of `table` (skipped when a later write of the statement removed it). */
function checkWritten(env: SqlEnv, table: Table, rowId: number): void {
  const xid = env.txn.xid;
  if (!table.visibleTo(rowId, xid)) return;
  for (const fk of table.def.foreignKeys ?? []) {
    const key = fk.columns.map((c) => table.get(c, rowId));
    if (key.some((v) => v === null)) continue;
    const ref = env.catalog.getTable(fk.refTable)!;
    if (!referencedKeyExists(env, ref, fk.refColumns, key, xid, true)) throw notPresent(table, fk, key, env.settings.timeZone());
  }
}

/** What happened to one referenced key: deleted, or updated to `neu` (the referenced row's new values). */
type Gone = { old: Value[]; neu: Value[] | null };

/**
 * Applies foreign key `fk` of table `holder` to the referenced keys of `ref` that a batch
 * removed: one scan of `holder`, each row whose key is in `gone` gets the constraint's action.
 */
function applyAction(env: SqlEnv, q: FkQueue, ref: Table, holder: Table, fk: ForeignKeyDef, gone: Map<string, Gone>): void {
  const xid = env.txn.xid;
  const refTypes = fk.refColumns.map((c) => ref.def.columns[c]!.type);
  const slots = holder.slots;
  const key: Value[] = new Array(fk.columns.length);
  for (let r = 0; r < slots; r++) {
    if (!holder.visibleTo(r, xid)) continue;
    let hasNull = false;
    for (let i = 0; i < fk.columns.length; i++) {
      const v = holder.get(fk.columns[i]!, r);
      if (v === null) hasNull = true;
      key[i] = v;
    }
    if (hasNull) continue;
    const g = gone.get(keyString(key, refTypes));
    if (g === undefined) continue;
    const action = g.neu === null ? fk.onDelete : fk.onUpdate;
    if (action === 'a' || action === 'r') throw stillReferenced(ref, holder, fk, fk.refColumns.map((c) => g.old[c] ?? null), action === 'r', env.settings.timeZone());
    const old = rowValues(holder, r);
    if (action === 'c' && g.neu === null) {
      deleteRowVersion(env, holder, r, old);
      fkRemoved(q, holder, old, null);
      continue;
    }
    const values = old.slice();
    fk.columns.forEach((c, i) => {
      values[c] = action === 'n' ? null : action === 'd' ? columnDefault(env, holder, c) : (g.neu![fk.refColumns[i]!] ?? null);
    });
    computeGenerated(env, holder, values);
    deleteRowVersion(env, holder, r, old, { hot: !changedAny(indexedColumns(env, holder), old, values) });
    const pkey = pkeyOf(holder, values);
    checkRow(holder, values, undefined, xid, undefined, null, env.settings.timeZone());
    checkConstraints(env, holder, values);
    checkRow(holder, values, pkey, xid, env.catalog.indexesOf(holder.name).find((d) => d.primaryKey)?.name, null, env.settings.timeZone());
    checkUniqueIndexes(env, holder, values, xid);
    const newId = writeRow(env, holder, values, pkey, true);
    fkRemoved(q, holder, old, values);
    fkWrote(q, holder, newId);
  }
}

/** Handles one batch of removed rows of referenced tables. */
function processRemoved(env: SqlEnv, q: FkQueue, batch: FkQueue['removed']): void {
  const xid = env.txn.xid;
  const byTable = new Map<Table, Gone[]>();
  for (const e of batch) {
    let list = byTable.get(e.table);
    if (list === undefined) byTable.set(e.table, (list = []));
    list.push({ old: e.old, neu: e.neu });
  }
  for (const [ref, list] of byTable) {
    for (const { holder, fk } of holdersOf(env, ref.name)) {
      const refTypes = fk.refColumns.map((c) => ref.def.columns[c]!.type);
      const gone = new Map<string, Gone>();
      for (const g of list) {
        const oldKey = fk.refColumns.map((c) => g.old[c] ?? null);
        if (oldKey.some((v) => v === null)) continue;
        const ks = keyString(oldKey, refTypes);
        if (g.neu !== null && keyString(fk.refColumns.map((c) => g.neu![c] ?? null), refTypes) === ks) continue;
        // NO ACTION's ri_Check_Pk_Match: a key another row still provides is not gone.
        if (referencedKeyExists(env, ref, fk.refColumns, oldKey, xid)) continue;
        gone.set(ks, g);
      }
      if (gone.size > 0) applyAction(env, q, ref, holder, fk, gone);
    }
  }
}

/**
 * Runs the foreign-key work a statement queued: cascades and checks of removed referenced
 * keys first, then the checks of new rows, until nothing is left.
 * @throws PgError 23503 (a key not present, or still referenced), and whatever a cascaded
 *   write raises (23502 for SET NULL on a NOT NULL column, 23514, 23505).
 */
export function fireForeignKeys(env: SqlEnv, q: FkQueue | null): void {
  if (q === null) return;
  while (q.removed.length > 0 || q.written.length > 0) {
    if (q.removed.length > 0) {
      const batch = q.removed;
      q.removed = [];
      processRemoved(env, q, batch);
      continue;
    }
    const batch = q.written;
    q.written = [];
    for (const w of batch) checkWritten(env, w.table, w.rowId);
  }
}
