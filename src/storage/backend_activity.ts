/**
 * What pg_stat_activity shows of one session (PostgreSQL's PgBackendStatus, backend_status.c):
 * when it started, the statement it runs or ran last and when, when its state last changed,
 * and where its client connects from. The engine records a statement's start and end
 * ({@link startActivity}, {@link endActivity}); the state itself (idle, idle in transaction,
 * ...) is read from the session's transaction when the view is scanned.
 *
 * Times are microseconds since 2000-01-01 UTC (vecgres' timestamptz values).
 */

/** The client of a session: its peer address and port (null for an embedded session). */
export interface BackendClient {
  /** The peer's IP address as PostgreSQL's inet output prints a host (`127.0.0.1`, `::1`). */
  readonly addr: string;
  readonly port: number;
}

export interface BackendActivity {
  /** When the session started (backend_start). */
  readonly backendStartUs: bigint;
  /** True while a statement of the session runs or waits (state `active`). */
  running: boolean;
  /** The text of the current or last query (a simple query's whole string; an Execute's statement). */
  query: string;
  /** When that query started (query_start); null before the first one. */
  queryStartUs: bigint | null;
  /** When the state last changed (state_change). */
  stateChangeUs: bigint;
  /** The client's address, or null (an embedded session). */
  client: BackendClient | null;
}

/** The activity of a session started at `nowUs`, idle, with no query yet. */
export function newBackendActivity(nowUs: bigint): BackendActivity {
  return { backendStartUs: nowUs, running: false, query: '', queryStartUs: null, stateChangeUs: nowUs, client: null };
}

/** Query `sql` starts at `nowUs` (pgstat_report_activity(STATE_RUNNING)). */
export function startActivity(a: BackendActivity, sql: string, nowUs: bigint): void {
  a.running = true;
  a.query = sql;
  a.queryStartUs = nowUs;
  a.stateChangeUs = nowUs;
}

/** The query ended at `nowUs`: the session is idle (in a transaction or not) until the next one. */
export function endActivity(a: BackendActivity, nowUs: bigint): void {
  a.running = false;
  a.stateChangeUs = nowUs;
}
