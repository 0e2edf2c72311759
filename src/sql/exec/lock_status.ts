/**
 * The lock views (PostgreSQL's lockfuncs.c): the rows of `pg_locks` and the answer of
 * `pg_blocking_pids(pid)` for the locks vecgres has.
 *
 * vecgres takes no relation, page, tuple or object locks, so `pg_locks` shows only:
 * - `virtualxid`: each session in a transaction (a block, or a statement running or waiting)
 *   holds ExclusiveLock on its virtual transaction id `backendId/lxid`, by fast path as in
 *   PostgreSQL;
 * - `transactionid`: each transaction with an id (assigned at its first write or row lock)
 *   holds ExclusiveLock on it; a statement waiting for a row another transaction holds awaits
 *   ShareLock on that transaction's id (granted false, with `waitstart`), as PostgreSQL's
 *   XactLockTableWait shows;
 * - `advisory`: one row per session and mode held (ShareLock, ExclusiveLock; session and
 *   transaction level together), and one per queued request (granted false).
 * A session outside a transaction shows `backendId/0` as the virtual transaction of the
 * advisory locks it holds, as PostgreSQL does. Transaction ids are vecgres' own numbers.
 */
import { DATABASE_OID, advisoryModeName } from '../../storage/advisory_locks.js';
import type { Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { timestamptzText } from './system_views.js';

/**
 * The rows of pg_locks in its column order: locktype, database, relation, page, tuple,
 * virtualxid, transactionid, classid, objid, objsubid, virtualtransaction, pid, mode, granted,
 * fastpath, waitstart (text, as the other timestamptz columns of the views).
 */
export function pgLocksRows(env: SqlEnv): Value[][] {
  const { rowLocks, advisoryLocks, lockSessions } = env.catalog;
  const rows: Value[][] = [];
  const vxids = new Map<number, string>();
  for (const { session, backendId } of lockSessions.live()) {
    const pid = session.pid;
    const inXact = session.txn.inBlock || pid === env.pid || rowLocks.waitOf(pid) !== undefined || advisoryLocks.queuedKey(pid) !== undefined;
    const vxid = `${backendId}/${inXact ? session.lxid : 0}`;
    vxids.set(pid, vxid);
    if (!inXact) continue;
    rows.push(['virtualxid', null, null, null, null, vxid, null, null, null, null, vxid, pid, 'ExclusiveLock', true, true, null]);
    if (session.txn.xid !== 0) rows.push(['transactionid', null, null, null, null, null, String(session.txn.xid), null, null, null, vxid, pid, 'ExclusiveLock', true, false, null]);
    const w = rowLocks.waitOf(pid);
    if (w?.transaction !== undefined) {
      rows.push(['transactionid', null, null, null, null, null, String(w.transaction), null, null, null, vxid, pid, 'ShareLock', false, false, timestamptzText(rowLocks.waitStartOf(pid))]);
    }
  }
  const vxidOf = (pid: number): string => vxids.get(pid) ?? '-1/0';
  for (const { key, holders, waiters } of advisoryLocks.entries()) {
    const [classid, objid, objsubid] = key.split(',').map(Number) as [number, number, number];
    const row = (pid: number, shared: boolean, granted: boolean, waitstart: string | null): Value[] =>
      ['advisory', DATABASE_OID, null, null, null, null, null, classid, objid, objsubid, vxidOf(pid), pid, advisoryModeName(shared), granted, false, waitstart];
    for (const [pid, h] of holders) {
      if (h.sharedSession + h.sharedXact > 0) rows.push(row(pid, true, true, null));
      if (h.exclusiveSession + h.exclusiveXact > 0) rows.push(row(pid, false, true, null));
    }
    for (const w of waiters) rows.push(row(w.pid, w.shared, false, timestamptzText(w.sinceMs)));
  }
  return rows;
}

/**
 * pg_blocking_pids(pid): the process ids of the sessions blocking session `pid`'s lock wait, as
 * lockfuncs.c computes them: those holding the awaited lock in a conflicting mode, then those
 * queued ahead of it with a conflicting request (each once); empty when `pid` does not wait.
 * A row lock wait is blocked by the session of the transaction it waits for.
 */
export function blockingPids(env: SqlEnv, pid: number): number[] {
  const w = env.catalog.rowLocks.waitOf(pid);
  if (w === undefined) return [];
  const out: number[] = [];
  for (const p of w.waitsFor()) if (p !== pid && !out.includes(p)) out.push(p);
  const q = w.queue;
  if (q !== undefined) {
    for (const ahead of q.order()) {
      if (ahead === pid) break;
      if (q.requestsConflict(ahead, pid) && !out.includes(ahead)) out.push(ahead);
    }
  }
  return out;
}
