/**
 * A session's pending interrupts, checked by the executor as PostgreSQL's CHECK_FOR_INTERRUPTS
 * (miscadmin.h, ProcessInterrupts in postgres.c): a cancel request (the wire protocol's
 * CancelRequest) and the statement_timeout deadline of the running statement. Both end the
 * statement with 57014; the transaction then fails as on any error.
 *
 * Loops that visit rows call {@link Interrupts.tick} once per row: it reads the clock only every
 * {@link INTERRUPT_CHECK_TICKS} calls, so the per-row cost is one increment and a compare.
 * Time comes from an injected {@link Clock} (tests use a manual one).
 */
import { PgError, SQLSTATE } from './errors.js';
import { systemClock, type Clock } from './clock.js';

/**
 * Row visits between two clock reads. At tens of millions of rows a second on the fastest
 * loops (the kernel scan of a small vector) this is well under a millisecond apart.
 */
export const INTERRUPT_CHECK_TICKS = 1024;

export class Interrupts {
  /** A cancel request arrived: the next check fails the running statement (then it is cleared). */
  cancelPending = false;
  /**
   * pg_terminate_backend asked the session to end: every check from now on fails with FATAL
   * 57P01 (never cleared; the engine ends the session once its statement has stopped).
   */
  terminatePending = false;
  /** Where time comes from (replaceable for tests). */
  clock: Clock;
  /** Clock time (ms) at which the running statement times out; Infinity: no timeout. */
  private deadlineMs = Infinity;
  /** The deadline of the statement that ended last (a lock wait keeps it across re-runs). */
  lastDeadlineMs = Infinity;
  /** True while the running statement is the re-run of one that waited for a lock. */
  rerun = false;
  /** A deadline the next {@link startStatement} takes over instead of starting afresh. */
  private resumeMs: number | null = null;
  /** Wakes a lock wait when a cancel request arrives (engine/lock_wait.ts). */
  waker: (() => void) | null = null;
  private ticks = 0;

  constructor(clock: Clock = systemClock) {
    this.clock = clock;
  }

  /**
   * A statement starts: its deadline is `timeoutMs` from now (statement_timeout in ms; 0 or
   * less: none). PostgreSQL times each statement of a multi-statement query separately.
   */
  startStatement(timeoutMs: number): void {
    this.rerun = this.resumeMs !== null;
    if (this.resumeMs !== null) {
      this.deadlineMs = this.resumeMs;
      this.resumeMs = null;
    } else {
      this.deadlineMs = timeoutMs > 0 ? this.clock.nowMs() + timeoutMs : Infinity;
    }
    this.ticks = 0;
  }

  /**
   * The next statement is the re-run of one that waited for a lock: it keeps the deadline
   * `deadlineMs` of its first run (statement_timeout covers the wait and every run).
   */
  resumeStatement(deadlineMs: number): void {
    this.resumeMs = deadlineMs;
  }

  /** The statement ended (or failed): no deadline until the next one starts. */
  endStatement(): void {
    this.lastDeadlineMs = this.deadlineMs;
    this.deadlineMs = Infinity;
  }

  /** A cancel request: the running statement fails at its next check, a lock wait at once. */
  requestCancel(): void {
    this.cancelPending = true;
    this.waker?.();
  }

  /**
   * pg_terminate_backend: the running statement fails at its next check, a lock wait at once,
   * and so does every later statement (PostgreSQL's die(): ProcDiePending).
   */
  requestTerminate(): void {
    this.terminatePending = true;
    this.waker?.();
  }

  /** The error a pending interrupt raises at a lock wait: termination before a cancel. */
  pendingError(): PgError {
    return this.terminatePending ? terminationError() : new PgError(SQLSTATE.query_canceled, 'canceling statement due to user request');
  }

  /** Per visited row: a full {@link check} every {@link INTERRUPT_CHECK_TICKS} calls. */
  tick(): void {
    if (++this.ticks >= INTERRUPT_CHECK_TICKS) {
      this.ticks = 0;
      this.check();
    }
  }

  /**
   * Fails the running statement when an interrupt is pending.
   * @throws PgError FATAL 57P01 `terminating connection due to administrator command` once
   *   {@link requestTerminate} was called;
   *   57014 `canceling statement due to user request` (a cancel, cleared by this)
   *   or `canceling statement due to statement timeout` (deadline passed).
   */
  check(): void {
    if (this.terminatePending) throw terminationError();
    if (this.cancelPending) {
      this.cancelPending = false;
      throw new PgError(SQLSTATE.query_canceled, 'canceling statement due to user request');
    }
    if (this.deadlineMs !== Infinity && this.clock.nowMs() >= this.deadlineMs) {
      this.deadlineMs = Infinity;
      throw new PgError(SQLSTATE.query_canceled, 'canceling statement due to statement timeout');
    }
  }
}

/** FATAL 57P01, as postgres.c's ProcessInterrupts reports a backend told to end (pg_terminate_backend). */
export function terminationError(): PgError {
  return new PgError(SQLSTATE.admin_shutdown, 'terminating connection due to administrator command', { severity: 'FATAL' });
}
