/**
 * Transactions over the catalog's row versions (storage/table.ts: xmin/xmax per slot).
 *
 * Model: read committed with immediate writes. A write applies at once to the shared table,
 * tagged with the writer's transaction id, so the writer sees its own changes and nobody else
 * does; indexes get new rows at once too (scans ask {@link Table.visibleTo} through
 * `ScanOptions.isLive`). COMMIT logs a commit record, then clears the tags (inserted rows
 * become visible, deleted rows die and become index tombstones); ROLLBACK logs an abort and
 * undoes (inserted rows die and become tombstones, deleted rows come back). Two transactions
 * deleting, updating or locking the same row: the second waits for the first to end
 * (storage/row_locks.ts: the statement throws LockWait, {@link rollbackStatement} undoes it,
 * the engine awaits the end and runs it again, engine/lock_wait.ts).
 *
 * DDL is transactional too: each catalog change is logged with the transaction id and leaves a
 * `ddl` entry among the writes (commit frees what it dropped or replaced, undo restores the
 * catalog), and locks the relations it touched until the transaction ends (storage/catalog.ts
 * `lockRelation`: others do not see a relation it created and get 55P03 on one it dropped or
 * changed). SAVEPOINT marks a position in the writes; ROLLBACK TO logs the writes after it
 * (rollback-to record) and undoes them newest first, exactly as ROLLBACK would.
 * With durable storage and synchronous_commit = on the engine takes a committed transaction's
 * writes over and finishes them once its commit record is durable (EngineHooks.deferCommit):
 * until then other sessions do not see it.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { endTransactionAdvisory } from './advisory.js';
import { cursorsAtTransactionEnd } from './cursors.js';
import type { UndoneWrite } from '../../storage/catalog.js';
import type { SqlEnv, TxnState, TxnWrite } from '../env.js';
import { abortNotify, commitNotify, notifyMark, rollbackNotifyTo } from './notify.js';

/** The transaction id for this session's writes, assigned on first use. */
export function ensureXid(env: SqlEnv): number {
  const txn = env.txn;
  if (txn.xid === 0) {
    txn.xid = env.catalog.allocXid();
    env.catalog.beginXid(txn.xid, env.pid);
  }
  return txn.xid;
}

/**
 * Where a statement starts: its writes, row locks and queued notifications (pg_notify) after
 * this are undone if it must wait.
 */
export interface StatementMark {
  writes: number;
  locks: number;
  notify: ReturnType<typeof notifyMark>;
}

/** The current position in the transaction's writes, row locks and notification queue. */
export function statementMark(env: SqlEnv): StatementMark {
  const xid = env.txn.xid;
  return { writes: env.txn.writes.length, locks: xid === 0 ? 0 : env.catalog.rowLocks.mark(xid), notify: notifyMark(env) };
}

/**
 * Undoes a statement inside a transaction block that must wait for a lock (its writes, logged
 * as a rollback-to, the row locks it took and the notifications it queued), so that it can run
 * again once the holder ends, as if it had not started (what it did outside the transaction:
 * exec/statement_rerun.ts).
 * @throws PgError when the log refuses the rollback-to record (the caller fails the transaction).
 */
export function rollbackStatement(env: SqlEnv, mark: StatementMark): void {
  rollbackWritesTo(env, mark.writes);
  if (env.txn.xid !== 0) env.catalog.rowLocks.releaseSince(env.txn.xid, mark.locks);
  rollbackNotifyTo(env, mark.notify);
}

/**
 * Ends the current transaction. Committing logs a commit record first; if that fails (the log
 * refused it), the transaction is rolled back in memory and the error rethrown: it was never
 * acknowledged. Rolling back logs an abort record when the log still works. Transaction-level
 * advisory locks end with it (exec/advisory.ts).
 */
export function endTransaction(env: SqlEnv, commit: boolean): void {
  const txn = env.txn;
  endTransactionAdvisory(env);
  cursorsAtTransactionEnd(env, commit);
  if (txn.xid === 0) {
    txn.writes.length = 0;
    txn.savepoints.length = 0;
    // A transaction that wrote nothing still commits its LISTENs and NOTIFYs.
    if (commit) commitNotify(env, false);
    else abortNotify(env);
    return;
  }
  if (commit) {
    try {
      env.catalog.logCommit(txn.xid);
    } catch (e) {
      finishWrites(env, txn, false);
      abortNotify(env);
      throw e;
    }
    if (env.engine.deferCommit?.(env, txn) === true) {
      // The engine finishes the writes once the commit is durable (synchronous_commit = on).
      txn.writes.length = 0;
      txn.savepoints.length = 0;
      txn.xid = 0;
      commitNotify(env, true);
      return;
    }
    finishWrites(env, txn, true);
    commitNotify(env, false);
    return;
  }
  try {
    env.catalog.logAbort(txn.xid);
  } catch {
    // An abort record is a hint for replay only: a transaction without a commit record is
    // rolled back by recovery anyway.
  }
  finishWrites(env, txn, false);
  abortNotify(env);
}

/**
 * Finishes every write of `txn` as committed or aborted, without logging (COMMIT/ROLLBACK log
 * first; recovery replays a commit or abort record it already read), then releases its locks.
 */
export function finishWrites(env: SqlEnv, txn: TxnState, committed: boolean): void {
  const writes = txn.writes;
  // Undo runs newest first so an UPDATE's old version takes its key back after the new one
  // left, and a row written into a table the transaction truncated or dropped later finds
  // its table back first.
  if (committed) for (let i = 0; i < writes.length; i++) finishWrite(env, writes[i]!, true);
  else for (let i = writes.length - 1; i >= 0; i--) finishWrite(env, writes[i]!, false);
  writes.length = 0;
  txn.savepoints.length = 0;
  if (txn.xid !== 0) {
    env.catalog.releaseLocks(txn.xid);
    env.catalog.rowLocks.end(txn.xid);
  }
  txn.xid = 0;
}

function finishWrite(env: SqlEnv, w: TxnWrite, committed: boolean): void {
  const catalog = env.catalog;
  if (w.kind === 'ddl') {
    if (committed) w.ddl.commit();
    else w.ddl.undo();
    return;
  }
  if (catalog.peekTable(w.table.name) !== w.table) return; // dropped or truncated since
  if (w.kind === 'insert') {
    catalog.finishInsert(w.table, w.rowId, w.pkey, committed);
    if (!committed) tombstone(env, w.table.name, w.rowId);
  } else {
    catalog.finishDelete(w.table, w.rowId, w.pkey, committed);
    if (committed) tombstone(env, w.table.name, w.rowId);
  }
  env.stats.countWrite(w.table, w, committed);
}

/**
 * ROLLBACK TO SAVEPOINT: logs the writes after `mark` (a rollback-to record, so recovery
 * undoes the same ones) and undoes them newest first. Locks taken since stay held until the
 * transaction ends, as PostgreSQL keeps them.
 * @throws PgError when the log refuses the record (nothing was undone; the caller fails the
 *   transaction, whose abort then undoes everything).
 */
export function rollbackWritesTo(env: SqlEnv, mark: number): void {
  const txn = env.txn;
  const writes = txn.writes;
  if (writes.length <= mark) return;
  const undo: UndoneWrite[] = [];
  for (let i = writes.length - 1; i >= mark; i--) {
    const w = writes[i]!;
    undo.push(w.kind === 'ddl' ? { kind: 'ddl' } : { kind: w.kind, table: w.table.name, rowId: w.rowId });
  }
  env.catalog.logRollbackTo(txn.xid, undo);
  for (let i = writes.length - 1; i >= mark; i--) finishWrite(env, writes[i]!, false);
  writes.length = mark;
}

/**
 * Recovery's replay of a rollback-to record: undoes, in the record's order, each listed row
 * write (its table looked up by name at that point, so a write into a table the transaction
 * truncated later meets the right one) and, for each DDL mark, the newest DDL entry left, and
 * removes them from `txn`'s writes. The writes of a transaction in flight at the checkpoint
 * were rebuilt from row versions in another order, so rows are matched by identity, not place.
 */
export function replayRollbackTo(env: SqlEnv, txn: TxnState, undo: readonly UndoneWrite[]): void {
  const writes = txn.writes;
  const gone = new Set<TxnWrite>();
  for (const u of undo) {
    let found = -1;
    if (u.kind === 'ddl') {
      for (let i = writes.length - 1; i >= 0; i--) if (writes[i]!.kind === 'ddl' && !gone.has(writes[i]!)) { found = i; break; }
    } else {
      const t = env.catalog.peekTable(u.table);
      for (let i = writes.length - 1; i >= 0; i--) {
        const w = writes[i]!;
        if (w.kind === u.kind && w.table === t && w.rowId === u.rowId && !gone.has(w)) { found = i; break; }
      }
    }
    if (found < 0) continue; // a row that no longer exists (dropped with its table)
    const w = writes[found]!;
    finishWrite(env, w, false);
    gone.add(w);
  }
  if (gone.size > 0) txn.writes = writes.filter((w) => !gone.has(w));
}

function tombstone(env: SqlEnv, table: string, rowId: number): void {
  for (const d of env.catalog.indexesOf(table)) env.indexes.get(d.name)?.delete(rowId);
}

/** True when the current transaction is read-only (`BEGIN READ ONLY`, default_transaction_read_only). */
export function transactionReadOnly(env: SqlEnv): boolean {
  return env.settings.get('transaction_read_only') === true;
}

/**
 * PostgreSQL's PreventCommandIfReadOnly: refuses a statement that writes (`tag` names it, as
 * the command tag: `INSERT`, `CREATE TABLE`, `SELECT FOR UPDATE`, `nextval()`) in a read-only
 * transaction.
 * @throws PgError 25006 `cannot execute INSERT in a read-only transaction`.
 */
export function preventCommandIfReadOnly(env: SqlEnv, tag: string): void {
  if (transactionReadOnly(env)) throw new PgError(SQLSTATE.read_only_sql_transaction, `cannot execute ${tag} in a read-only transaction`);
}

/**
 * check_transaction_read_only (PostgreSQL's variable.c) for `txn`: a read-only transaction may
 * become read-write only at its top level and before its first query.
 * @throws PgError 25001 `cannot set transaction read-write mode inside a read-only transaction`
 *   (inside a savepoint), `transaction read-write mode must be set before any query`.
 */
export function readWriteGuard(txn: TxnState): void {
  if (txn.savepoints.length > 0) throw new PgError(SQLSTATE.active_sql_transaction, 'cannot set transaction read-write mode inside a read-only transaction');
  if (txn.snapshotTaken === true) throw new PgError(SQLSTATE.active_sql_transaction, 'transaction read-write mode must be set before any query');
}
