/**
 * Waiting for a lock (PostgreSQL's XactLockTableWait under ProcSleep): a statement that met a
 * row another in-flight transaction deleted, updated or locked threw a LockWait
 * (storage/row_locks.ts) and was undone; here its session awaits the end of that transaction,
 * without blocking the event loop, then the engine runs the statement again.
 *
 * READ COMMITTED re-check (PostgreSQL's EvalPlanQual): the re-run is a new execution of the
 * whole statement over the rows as they are now, so the row it waited for is seen in its newest
 * version (its WHERE evaluated again, an UPDATE applied to it: two concurrent `n = n + 1` give
 * n + 2) or not at all when it was deleted. Where this differs from EvalPlanQual: PostgreSQL
 * re-checks only the rows its statement snapshot found, while the re-run also sees rows the
 * other transaction inserted, or updated into matching the WHERE, before it ended. What the
 * first run drew (nextval values, the random stream, clock readings, its start time) the rerun
 * takes back instead of drawing again (sql/exec/statement_rerun.ts), for every wait kind.
 *
 * DDL and VACUUM of a table CREATE INDEX CONCURRENTLY builds on wait here too (a
 * {@link RelationWait}: PostgreSQL's ShareUpdateExclusiveLock), until the build's registration
 * ends; such a wait is in no wait-for graph (the build waits for no transaction: no cycle).
 *
 * The wait ends early with 40P01 (deadlock: the holder waits for this transaction), 55P03
 * `canceling statement due to lock timeout` (lock_timeout), 57014 (statement_timeout, counted
 * from the first run, or a cancel request).
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import type { LockWait } from '../storage/row_locks.js';
import type { Session } from './session.js';
import type { ConcurrentBuild } from '../sql/exec/index_build_concurrent.js';
import type { AsyncScan } from '../sql/exec/parallel_knn_async.js';
import type { IndexSearchAhead } from '../access/am.js';

/**
 * Awaits what ends the wait `w` for `session`, whose statement was undone (the holder
 * transaction's end, a release of the advisory lock, a concurrent build's end). Records the
 * wait in the wait-for graph for the time it lasts. On return the caller runs the statement again
 * (with the deadline of its first run).
 * @throws PgError 40P01 `deadlock detected`, 55P03 `canceling statement due to lock timeout`,
 *   57014 `canceling statement due to statement timeout` / `... due to user request`.
 */
export async function waitForLock(session: Session, w: LockWait): Promise<void> {
  const locks = session.catalog.rowLocks;
  const interrupts = session.interrupts;
  const deadline = interrupts.lastDeadlineMs;
  // The holder transaction's session, an advisory lock's holder, or none (a relation wait:
  // counted as a wait, outside the wait-for graph).
  const blocker = w.blocker(locks);
  locks.startWait(session.pid, blocker);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let failed: PgError | null = null;
  try {
    interrupts.check();
    const lockTimeoutMs = Number(session.settings.get('lock_timeout'));
    const now = interrupts.clock.nowMs();
    const statementMs = deadline === Infinity ? Infinity : Math.max(0, deadline - now);
    await new Promise<void>((resolve) => {
      let settled = false;
      const settle = (e: PgError | null): void => {
        if (settled) return;
        settled = true;
        failed = e;
        resolve();
      };
      interrupts.waker = () => settle(interrupts.pendingError());
      const limit = Math.min(lockTimeoutMs > 0 ? lockTimeoutMs : Infinity, statementMs);
      if (limit !== Infinity) {
        const byLock = lockTimeoutMs > 0 && lockTimeoutMs <= statementMs;
        timer = setTimeout(() => settle(byLock
          ? new PgError('55P03', 'canceling statement due to lock timeout')
          : new PgError(SQLSTATE.query_canceled, 'canceling statement due to statement timeout')), limit);
      }
      blocker.ended.then(() => settle(null), () => settle(null));
    });
  } finally {
    if (timer !== null) clearTimeout(timer);
    interrupts.waker = null;
    locks.endWait(session.pid);
  }
  if (failed !== null) {
    if ((failed as PgError).message.endsWith('user request')) interrupts.cancelPending = false;
    throw failed;
  }
  interrupts.resumeStatement(deadline);
}

/**
 * Awaits CREATE INDEX's build `b` (CONCURRENTLY, or a plain one off the event loop) for
 * `session`, whose statement threw its BuildWait (sql/exec/index_build_concurrent.ts); other
 * sessions run meanwhile. On return the caller runs the statement again, which finishes the
 * build (with the deadline of its first run). A cancel request or statement_timeout stops the
 * build, waits until no thread touches it and records the error (57014 `canceling statement
 * due to user request` / `... due to statement timeout`) in it: the statement's run then fails
 * with it, leaving an INVALID index after CONCURRENTLY and nothing after a plain CREATE INDEX
 * (index_build_concurrent.ts finishConcurrentBuild). That run gets no deadline: it only
 * records the failure.
 */
export async function waitForBuild(session: Session, b: ConcurrentBuild): Promise<void> {
  await waitSettled(session, b.settled, async (failed) => {
    b.cancel();
    await b.settled;
    b.error = failed;
  });
}

/**
 * Awaits a parallel exact scan running off the event loop for `session`, whose statement threw
 * its ScanWait (sql/exec/parallel_knn_async.ts); other sessions run meanwhile. On return the
 * caller runs the statement again, which takes the scan's results. A cancel request or
 * statement_timeout stops the participants, waits until they did and fails the wait.
 * @throws PgError 57014 `canceling statement due to user request` / `... due to statement timeout`.
 */
export async function waitForScan(session: Session, scan: AsyncScan): Promise<void> {
  await waitSettled(session, scan.settled, async (failed) => {
    scan.cancel();
    await scan.settled;
    throw failed;
  });
}

/**
 * Awaits the searches started ahead of `session`'s statement (sql/exec/knn_ahead.ts) while
 * other sessions run. statement_timeout counts from here, and the statement that runs next
 * keeps the deadline. A cancel request or the timeout drops their results.
 * @throws PgError 57014 `canceling statement due to user request` / `... due to statement timeout`.
 */
export async function waitForSearchesAhead(session: Session, ahead: readonly IndexSearchAhead[]): Promise<void> {
  session.interrupts.startStatement(Number(session.settings.get('statement_timeout')));
  session.interrupts.endStatement();
  await waitSettled(session, Promise.all(ahead.map((a) => a.settled)).then(() => undefined), async (failed) => {
    for (const a of ahead) a.cancel();
    throw failed;
  });
}

/**
 * Awaits `settled` unless a cancel request or the statement's deadline comes first: then
 * `stop(failed)` runs with the 57014 error, or FATAL 57P01 after pg_terminate_backend (it
 * throws it, or records it for the statement's next run), and the statement's deadline is not
 * resumed.
 */
async function waitSettled(session: Session, settled: Promise<void>, stop: (failed: PgError) => Promise<void>): Promise<void> {
  const interrupts = session.interrupts;
  const deadline = interrupts.lastDeadlineMs;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let failed: PgError | null = null;
  try {
    await new Promise<void>((resolve) => {
      let done = false;
      const settle = (e: PgError | null): void => {
        if (done) return;
        done = true;
        failed = e;
        resolve();
      };
      if (interrupts.cancelPending || interrupts.terminatePending) settle(interrupts.pendingError());
      interrupts.waker = () => settle(interrupts.pendingError());
      if (deadline !== Infinity) {
        const timedOut = (): PgError => new PgError(SQLSTATE.query_canceled, 'canceling statement due to statement timeout');
        const leftMs = deadline - interrupts.clock.nowMs();
        if (leftMs <= 0) settle(timedOut());
        else timer = setTimeout(() => settle(timedOut()), leftMs);
      }
      void settled.then(() => settle(null));
    });
  } finally {
    if (timer !== null) clearTimeout(timer);
    interrupts.waker = null;
  }
  if (failed !== null) {
    const err = failed as PgError;
    if (err.message.endsWith('user request')) interrupts.cancelPending = false;
    await stop(err);
    return;
  }
  interrupts.resumeStatement(deadline);
}
