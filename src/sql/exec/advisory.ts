/**
 * The advisory lock functions of a session (PostgreSQL's lockfuncs.c): pg_advisory_lock,
 * pg_advisory_xact_lock, their _shared and pg_try_ forms, pg_advisory_unlock[_shared] and
 * pg_advisory_unlock_all, over the database's lock table (storage/advisory_locks.ts).
 * Transaction-level locks end with the transaction (exec/txn.ts) or with a savepoint rolled
 * back to; session-level ones with the session (engine/database.ts `endSession`).
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { AdvisoryWait, advisoryKeyOf32, advisoryKeyOf64, advisoryModeName } from '../../storage/advisory_locks.js';
import type { Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';

/** What an advisory lock function does: take (waiting), try, release one, release all. */
export type AdvisoryOp = 'lock' | 'try' | 'unlock' | 'unlock_all';

/** The lock key of a call's arguments: one bigint, two integers, or none (unlock_all: ''). */
export function advisoryKey(args: readonly Value[]): string {
  if (args.length === 0) return '';
  if (args.length === 1) return advisoryKeyOf64(BigInt(args[0] as number | bigint));
  return advisoryKeyOf32(args[0] as number, args[1] as number);
}

/**
 * Runs one advisory lock function for the session of `env` on `key` (advisory_locks.ts's key
 * text; '' for unlock_all). Returns the function's boolean (true for the void ones). A rerun
 * after a wait replays the first run's calls (exec/statement_rerun.ts). An unlock of a lock the
 * session does not hold at session level returns false with PostgreSQL's WARNING.
 * @throws AdvisoryWait when `op` is 'lock' and another session holds the key in a conflicting
 *   mode or waits for it ahead with a conflicting request (the session is queued).
 */
export function advisoryCall(env: SqlEnv, op: AdvisoryOp, key: string, shared: boolean, xact: boolean): boolean {
  const locks = env.catalog.advisoryLocks;
  const pid = env.pid;
  const ok = env.rerun.advisory(`${op} ${shared ? 's' : 'x'}${xact ? 't' : ''} ${key}`, () => {
    switch (op) {
      case 'lock':
      case 'try': {
        let got: boolean;
        try {
          got = locks.acquire(key, pid, shared, xact, op === 'try');
        } catch (e) {
          // Queued: the place is kept across the rerun and given up when the statement ends
          // (completed, failed, or its wait failed) without having taken the lock.
          if (e instanceof AdvisoryWait) env.rerun.whenCleared(() => locks.leaveQueue(pid));
          throw e;
        }
        return { result: got, undo: got ? () => locks.undoAcquire(key, pid, shared, xact) : null };
      }
      case 'unlock':
        return { result: locks.release(key, pid, shared), undo: null };
      case 'unlock_all':
        locks.releaseSession(pid);
        return { result: true, undo: null };
    }
  });
  if (!ok && op === 'unlock') {
    env.runtimeNotices.push(new PgError(SQLSTATE.warning, `you don't own a lock of type ${advisoryModeName(shared)}`, { severity: 'WARNING' }));
  }
  return ok;
}

/**
 * The transaction of `env` ended: its transaction-level advisory locks go. Not while the
 * statement is undone to wait: what its first run took is held through the wait and replayed
 * by the rerun, in the transaction that follows (exec/statement_rerun.ts).
 */
export function endTransactionAdvisory(env: SqlEnv): void {
  if (!env.rerun.waiting) env.catalog.advisoryLocks.releaseXactSince(env.pid, 0);
}
