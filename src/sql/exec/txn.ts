/**
 * Transactions over the catalog's row versions (storage/table.ts: xmin/xmax per slot).
 *
 * Model: read committed with immediate writes. A write applies at once to the shared table,
 * tagged with the writer's transaction id, so the writer sees its own changes and nobody else
 * does; indexes get new rows at once too (scans ask {@link Table.visibleTo} through
 * `ScanOptions.isLive`). COMMIT logs a commit record, then clears the tags (inserted rows
 * become visible, deleted rows die and become index tombstones); ROLLBACK logs an abort and
 * undoes (inserted rows die and become tombstones, deleted rows come back). Two transactions
 * deleting or updating the same row: the second gets 40001 at once (no lock waits, since a
 * statement runs to completion synchronously). DDL runs outside transaction blocks only.
 * With durable storage and synchronous_commit = on the engine takes a committed transaction's
 * writes over and finishes them once its commit record is durable (EngineHooks.deferCommit):
 * until then other sessions do not see it.
 */
import type { SqlEnv, TxnState } from '../env.js';

/** The transaction id for this session's writes, assigned on first use. */
export function ensureXid(env: SqlEnv): number {
  const txn = env.txn;
  if (txn.xid === 0) txn.xid = env.catalog.allocXid();
  return txn.xid;
}

/**
 * Ends the current transaction. Committing logs a commit record first; if that fails (the log
 * refused it), the transaction is rolled back in memory and the error rethrown: it was never
 * acknowledged. Rolling back logs an abort record when the log still works.
 */
export function endTransaction(env: SqlEnv, commit: boolean): void {
  const txn = env.txn;
  if (txn.xid === 0) {
    txn.writes.length = 0;
    return;
  }
  if (commit) {
    try {
      env.catalog.logCommit(txn.xid);
    } catch (e) {
      finishWrites(env, txn, false);
      throw e;
    }
    if (env.engine.deferCommit?.(env, txn) === true) {
      // The engine finishes the writes once the commit is durable (synchronous_commit = on).
      txn.writes.length = 0;
      txn.xid = 0;
      return;
    }
    finishWrites(env, txn, true);
    return;
  }
  try {
    env.catalog.logAbort(txn.xid);
  } catch {
    // An abort record is a hint for replay only: a transaction without a commit record is
    // rolled back by recovery anyway.
  }
  finishWrites(env, txn, false);
}

/**
 * Finishes every write of `txn` as committed or aborted, without logging (COMMIT/ROLLBACK log
 * first; recovery replays a commit or abort record it already read).
 */
export function finishWrites(env: SqlEnv, txn: TxnState, committed: boolean): void {
  const writes = txn.writes;
  const catalog = env.catalog;
  // Undo runs newest first so an UPDATE's old version takes its key back after the new one left.
  for (let i = committed ? 0 : writes.length - 1; committed ? i < writes.length : i >= 0; i += committed ? 1 : -1) {
    const w = writes[i]!;
    if (catalog.getTable(w.table.name) !== w.table) continue; // dropped or truncated since
    if (w.kind === 'insert') {
      catalog.finishInsert(w.table, w.rowId, w.pkey, committed);
      if (!committed) tombstone(env, w.table.name, w.rowId);
      if (committed) env.stats.countWrite(w.table, true);
      else env.stats.countAbortedInsert(w.table);
    } else {
      catalog.finishDelete(w.table, w.rowId, w.pkey, committed);
      if (committed) tombstone(env, w.table.name, w.rowId);
      if (committed) env.stats.countWrite(w.table, false);
    }
  }
  writes.length = 0;
  txn.xid = 0;
}

function tombstone(env: SqlEnv, table: string, rowId: number): void {
  for (const d of env.catalog.indexesOf(table)) env.indexes.get(d.name)?.delete(rowId);
}
