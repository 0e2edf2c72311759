/**
 * pg_cancel_backend and pg_terminate_backend (PostgreSQL's signalfuncs.c): the engine signals
 * the session (EngineHooks.signalBackend); this adds what the SQL function itself does.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { SqlEnv } from '../env.js';

/**
 * Cancels (`terminate` false) or terminates session `pid`, as pg_signal_backend: true when it
 * is a session of this database; false, with WARNING `PID n is not a PostgreSQL backend
 * process`, when it is not. Signalling the calling session itself stops the calling statement
 * now, as PostgreSQL's next CHECK_FOR_INTERRUPTS does.
 * @throws PgError 57014 (own cancel) or FATAL 57P01 (own termination).
 */
export function signalBackend(env: SqlEnv, pid: number, terminate: boolean): boolean {
  if (env.engine.signalBackend?.(pid, terminate) !== true) {
    env.runtimeNotices.push(new PgError(SQLSTATE.warning, `PID ${pid} is not a PostgreSQL backend process`, { severity: 'WARNING' }));
    return false;
  }
  if (pid === env.pid) env.interrupts.check();
  return true;
}
