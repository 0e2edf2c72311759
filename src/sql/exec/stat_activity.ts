/**
 * The rows of `pg_stat_activity` (PostgreSQL's pg_stat_get_activity in pgstatfuncs.c, over
 * the view of system_views.sql): one row per live session of the database, from the session
 * registry the lock views read (storage/lock_sessions.ts) and each session's activity
 * (storage/backend_activity.ts).
 *
 * - state: `active` while a statement runs or waits, else `idle in transaction (aborted)`,
 *   `idle in transaction` or `idle` from the session's transaction;
 * - wait_event_type / wait_event: `Lock` / `advisory` while queued for an advisory lock,
 *   `Lock` / `transactionid` while waiting for a row another transaction holds (as pg_locks
 *   shows those waits), `Client` / `ClientRead` while idle (waiting for the client's next
 *   command), else null;
 * - backend_xid / backend_xmin: vecgres' own transaction numbers (as pg_locks.transactionid);
 *   backend_xmin, the oldest transaction running when the statement looks, only while a
 *   statement runs (a READ COMMITTED session holds no snapshot between statements);
 * - query: the current or last query text, cut to 1023 bytes at a character boundary as
 *   PostgreSQL cuts it (track_activity_query_size 1024);
 * - client_addr / client_port: the wire client's peer; null for an embedded session.
 * There are no parallel workers, query ids or host name lookups: leader_pid, query_id and
 * client_hostname are null; every session is a `client backend` of the one user.
 */
import { DATABASE_OID } from '../../storage/advisory_locks.js';
import type { Value } from '../../storage/table.js';
import type { LockSessionState } from '../../storage/lock_sessions.js';
import type { SqlEnv } from '../env.js';

/** PostgreSQL's default track_activity_query_size (bytes, its terminating zero included). */
const QUERY_TEXT_BYTES = 1024;
const BOOTSTRAP_SUPERUSER = 10;

/**
 * The rows of pg_stat_activity in its column order: datid, datname, pid, leader_pid, usesysid,
 * usename, application_name, client_addr, client_hostname, client_port, backend_start,
 * xact_start, query_start, state_change (timestamptz: µs since 2000-01-01 UTC),
 * wait_event_type, wait_event, state, backend_xid, backend_xmin (xid as text), query_id,
 * query, backend_type.
 */
export function statActivityRows(env: SqlEnv): Value[][] {
  const { lockSessions, rowLocks, advisoryLocks } = env.catalog;
  const sessions = [...lockSessions.live()].map((l) => l.session);
  // The oldest transaction id running now (or the next one), what a snapshot taken now keeps.
  let xmin = env.catalog.nextXid;
  for (const s of sessions) if (s.txn.xid !== 0 && s.txn.xid < xmin) xmin = s.txn.xid;
  return sessions.map((s) => {
    const a = s.activity;
    const running = a.running || s.pid === env.pid;
    let wait: [string | null, string | null] = [null, null];
    if (!running) wait = ['Client', 'ClientRead'];
    else if (advisoryLocks.queuedKey(s.pid) !== undefined) wait = ['Lock', 'advisory'];
    else if (rowLocks.waitOf(s.pid)?.transaction !== undefined) wait = ['Lock', 'transactionid'];
    const appName = s.settings.get('application_name');
    return [
      DATABASE_OID, 'postgres', s.pid, null, BOOTSTRAP_SUPERUSER, 'postgres', typeof appName === 'string' ? appName : '',
      a.client?.addr ?? null, null, a.client?.port ?? null,
      a.backendStartUs, xactStart(s, running), a.queryStartUs, a.stateChangeUs,
      wait[0], wait[1], stateOf(s, running),
      s.txn.xid === 0 ? null : String(s.txn.xid), running ? String(xmin) : null,
      null, clipQuery(a.query), 'client backend',
    ];
  });
}

/** pg_stat_activity.state (backend_status.h's BackendState as pg_stat_get_activity names it). */
function stateOf(s: LockSessionState, running: boolean): string {
  if (running) return 'active';
  if (s.txn.failed) return 'idle in transaction (aborted)';
  return s.txn.inBlock ? 'idle in transaction' : 'idle';
}

/**
 * When the session's transaction started; null outside one, and in a failed block (PostgreSQL
 * has aborted that transaction and reports no start until ROLLBACK ends the block).
 */
function xactStart(s: LockSessionState, running: boolean): bigint | null {
  if (s.txn.failed) return null;
  if (s.txn.inBlock) return s.timestamps.transactionUs;
  if (!running) return null;
  // A statement outside a block is its own transaction; until it has set the transaction's
  // start, its query's start stands for it.
  const q = s.activity.queryStartUs;
  return q !== null && q > s.timestamps.transactionUs ? q : s.timestamps.transactionUs;
}

/** `sql` cut to fewer than QUERY_TEXT_BYTES bytes of UTF-8, at a character boundary (pg_mbcliplen). */
function clipQuery(sql: string): string {
  const bytes = Buffer.from(sql, 'utf8');
  if (bytes.length < QUERY_TEXT_BYTES) return sql;
  let end = QUERY_TEXT_BYTES - 1;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
