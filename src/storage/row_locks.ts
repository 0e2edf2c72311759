/**
 * Row locks and waits for transactions, PostgreSQL's tuple locks (heapam.c heap_lock_tuple,
 * the lock-mode table of "Row-Level Locks" in the manual, section 13.3.2) and its transaction
 * locks (a waiter sleeps on the holder's transaction id until that transaction ends,
 * XactLockTableWait).
 *
 * The executor is synchronous, so a statement never sleeps inside: where PostgreSQL would wait
 * it throws a {@link LockWait} naming the transaction it would wait for; the statement's
 * effects are rolled back to its start, the engine awaits {@link RowLocks.whenEnded} and runs
 * the statement again (engine/lock_wait.ts). Row versions deleted or updated by an in-flight
 * transaction (`Table.xmax`) count as locked by it in FOR UPDATE mode; SELECT ... FOR
 * UPDATE / NO KEY UPDATE / SHARE / KEY SHARE locks live here, held to the end of the
 * transaction (or until a ROLLBACK TO before them, or the rollback of the statement that took
 * them). Like PostgreSQL's locks on replicas they are not logged: they vanish on restart, as
 * the transactions holding them do.
 *
 * Deadlocks: each waiting session waits for the sessions its wait names (`waitsFor`, by process
 * id: a session holding advisory locks takes part outside a transaction too): the transaction a
 * row wait sleeps on, every holder of an advisory lock whose mode conflicts, and (soft edges)
 * every session queued ahead on that advisory lock with a conflicting request. A wait that
 * would close a cycle fails at once with 40P01 (PostgreSQL finds it after deadlock_timeout; the
 * outcome, one of the sessions failing, is the same), unless rearranging a wait queue breaks
 * the cycle (storage/deadlock.ts). As in PostgreSQL, a row locked by several
 * transactions (its MultiXact) is waited for one member at a time (Do_MultiXactIdWait), so a
 * row wait has one edge.
 */
import { PgError } from '../common/errors.js';
import type { Table } from './table.js';
import { Wakeups } from './wakeups.js';
import { deadlockError, findDeadlock, type WaitBlocker } from './deadlock.js';

export type { WaitBlocker } from './deadlock.js';

/** The four row lock strengths, weakest first (PostgreSQL's LockTupleMode). */
export const enum RowLockMode {
  KeyShare = 0,
  Share = 1,
  NoKeyUpdate = 2,
  Update = 3,
}

/** Conflict table (manual, Table 13.3 "Conflicting Row-Level Locks"): CONFLICTS[held][requested]. */
const CONFLICTS: readonly (readonly boolean[])[] = [
  [false, false, false, true],
  [false, false, true, true],
  [false, true, true, true],
  [true, true, true, true],
];

/** True when a lock of mode `held` blocks a request for `requested` by another transaction. */
export function rowLocksConflict(held: RowLockMode, requested: RowLockMode): boolean {
  return CONFLICTS[held]![requested]!;
}

/**
 * The signal a statement throws where PostgreSQL would wait: row `rowId` of `table` is locked
 * by transaction `holder`, still in flight. Never reaches a user (the engine waits and re-runs
 * the statement, or turns it into 55P03 where it cannot wait).
 */
export class LockWait extends Error {
  constructor(
    readonly holder: number,
    readonly table: string,
    readonly rowId: number,
  ) {
    super(`would wait for transaction ${holder}`);
  }

  /**
   * The error of this wait where none is possible (a synchronous engine call, NOWAIT): 55P03 on
   * the row, or, for a wait on a relation lock (row -1: a CREATE INDEX's SHARE lock, a running
   * concurrent build), `could not obtain lock on relation "t"`.
   */
  unavailable(): PgError {
    return this.rowId < 0 ? new PgError('55P03', `could not obtain lock on relation "${this.table}"`) : rowLockNotAvailable(this.table);
  }

  /** The session this wait waits for, what for, and what ends the wait (here: the holder transaction's end). */
  blocker(locks: RowLocks): WaitBlocker {
    const pid = locks.pidOf(this.holder);
    const b: WaitBlocker = { waitsFor: () => (pid === 0 ? [] : [pid]), what: `ShareLock on transaction ${this.holder}`, ended: locks.whenEnded(this.holder) };
    // A row's holder is waited for on its transaction id (a relation lock's wait is not).
    if (this.rowId >= 0) b.transaction = this.holder;
    return b;
  }
}

interface Held {
  table: Table;
  rowId: number;
  mode: RowLockMode;
}

/** 55P03 of NOWAIT (and of a wait where none is possible): `could not obtain lock on row in relation "t"`. */
export function rowLockNotAvailable(table: string): PgError {
  return new PgError('55P03', `could not obtain lock on row in relation "${table}"`);
}

export class RowLocks {
  /** Locks by table and row: holder xid -> mode (the strongest it took). */
  private readonly rows = new Map<Table, Map<number, Map<number, RowLockMode>>>();
  /** Per transaction, its locks in the order taken (a statement or savepoint rolls back a tail). */
  private readonly held = new Map<number, Held[]>();
  /** Transactions in flight (begun, not yet ended) with the process id of their session. */
  private readonly active = new Map<number, number>();
  /** Waiters per transaction: resolved when it ends. */
  private readonly ends = new Wakeups<number>();
  /**
   * Row versions whose deleter (`Table.xmax`) is an UPDATE that changed no key column
   * (PostgreSQL takes FOR NO KEY UPDATE strength for it, which FOR KEY SHARE does not block):
   * table -> row -> that transaction. Other deletes hold FOR UPDATE strength.
   */
  private readonly noKeyUpdates = new Map<Table, Map<number, number>>();
  private readonly noKeyOf = new Map<number, { table: Table; rowId: number }[]>();
  /** New version -> old version of the rows in-flight UPDATEs of no key column wrote (heap's t_ctid chain, backwards). */
  private readonly prior = new Map<Table, Map<number, number>>();
  private readonly priorOf = new Map<number, { table: Table; rowId: number }[]>();
  /** What each waiting session (process id) waits for: the wait-for graph's edges from it. */
  private readonly waitsFor = new Map<number, WaitBlocker>();
  /** When each waiting session's wait started (ms since the epoch: pg_locks.waitstart). */
  private readonly waitStarts = new Map<number, number>();
  /** Statements waiting now (also those waiting for a concurrent index build, which are not in the graph). */
  waiting = 0;

  /** Transaction `xid` started on the session with process id `pid`. */
  begin(xid: number, pid: number): void {
    this.active.set(xid, pid);
  }

  /** The process id of the session running transaction `xid`; 0 when it is not in flight. */
  pidOf(xid: number): number {
    return this.active.get(xid) ?? 0;
  }

  /** True while `xid` has begun and not ended. */
  inFlight(xid: number): boolean {
    return this.active.has(xid);
  }

  /**
   * The in-flight transaction other than `xid` whose lock on row `rowId` of `table` conflicts
   * with `mode`: the row's deleter (`Table.xmax`, an UPDATE or DELETE: FOR UPDATE strength), or
   * a holder of a conflicting row lock; 0 when none.
   */
  conflicting(table: Table, rowId: number, xid: number, mode: RowLockMode): number {
    const mx = table.xmax[rowId]!;
    if (mx !== 0 && mx !== xid) {
      const held = this.noKeyUpdates.get(table)?.get(rowId) === mx ? RowLockMode.NoKeyUpdate : RowLockMode.Update;
      if (rowLocksConflict(held, mode)) return mx;
    }
    const holders = this.rows.get(table)?.get(rowId);
    if (holders === undefined) return 0;
    for (const [h, m] of holders) if (h !== xid && rowLocksConflict(m, mode)) return h;
    return 0;
  }

  /**
   * The in-flight transaction other than `xid` that inserted or is deleting row `r` of `table`,
   * or 0. A unique check that meets such a row waits for it, as PostgreSQL's
   * _bt_check_unique: the key is a duplicate only if that insert commits (or that delete rolls
   * back).
   */
  keyHolder(table: Table, r: number, xid: number): number {
    const mn = table.xmin[r]!;
    if (mn !== 0 && mn !== xid && this.active.has(mn)) return mn;
    const mx = table.xmax[r]!;
    if (mx !== 0 && mx !== xid && this.active.has(mx)) return mx;
    return 0;
  }

  /** Records that `xid` holds row `rowId` of `table` in `mode` (a stronger mode replaces a weaker one). */
  acquire(table: Table, rowId: number, xid: number, mode: RowLockMode): void {
    let byRow = this.rows.get(table);
    if (byRow === undefined) this.rows.set(table, (byRow = new Map()));
    let holders = byRow.get(rowId);
    if (holders === undefined) byRow.set(rowId, (holders = new Map()));
    const had = holders.get(xid);
    if (had !== undefined && had >= mode) return;
    holders.set(xid, mode);
    let list = this.held.get(xid);
    if (list === undefined) this.held.set(xid, (list = []));
    list.push({ table, rowId, mode: had ?? -1 as RowLockMode });
  }

  /**
   * An UPDATE by `xid` of no key column wrote version `to` of row `from`: the FOR KEY SHARE
   * locks other transactions hold on `from` hold on `to` too (PostgreSQL carries them in the
   * new version's multixact), so a later key update of `to` waits for them.
   */
  carryForward(table: Table, from: number, to: number, xid: number): void {
    let byRow = this.prior.get(table);
    if (byRow === undefined) this.prior.set(table, (byRow = new Map()));
    byRow.set(to, from);
    let list = this.priorOf.get(xid);
    if (list === undefined) this.priorOf.set(xid, (list = []));
    list.push({ table, rowId: to });
    const holders = this.rows.get(table)?.get(from);
    if (holders === undefined) return;
    for (const [h, m] of holders) if (h !== xid && m === RowLockMode.KeyShare) this.acquire(table, to, h, m);
  }

  /**
   * The version row `rowId` of `table` replaces, when an in-flight UPDATE of no key column
   * wrote it (a reader that does not see `rowId` yet sees that one), else undefined.
   */
  priorVersion(table: Table, rowId: number): number | undefined {
    return this.prior.get(table)?.get(rowId);
  }

  /** Row `rowId` of `table` was deleted by `xid`'s UPDATE of no key column (FOR NO KEY UPDATE strength). */
  markNoKeyUpdate(table: Table, rowId: number, xid: number): void {
    let byRow = this.noKeyUpdates.get(table);
    if (byRow === undefined) this.noKeyUpdates.set(table, (byRow = new Map()));
    byRow.set(rowId, xid);
    let list = this.noKeyOf.get(xid);
    if (list === undefined) this.noKeyOf.set(xid, (list = []));
    list.push({ table, rowId });
  }

  /** How many lock acquisitions `xid` has made (a mark for {@link releaseSince}). */
  mark(xid: number): number {
    return this.held.get(xid)?.length ?? 0;
  }

  /** Undoes the acquisitions of `xid` after `mark`, newest first (a statement or savepoint rolled back). */
  releaseSince(xid: number, mark: number): void {
    const list = this.held.get(xid);
    if (list === undefined) return;
    for (let i = list.length - 1; i >= mark; i--) {
      const h = list[i]!;
      const holders = this.rows.get(h.table)?.get(h.rowId);
      if (holders === undefined) continue;
      // `mode` keeps what the transaction held before this acquisition (-1: nothing).
      if (h.mode < 0) holders.delete(xid);
      else holders.set(xid, h.mode);
      if (holders.size === 0) this.dropRow(h.table, h.rowId);
    }
    list.length = Math.min(list.length, mark);
  }

  private dropRow(table: Table, rowId: number): void {
    const byRow = this.rows.get(table);
    if (byRow === undefined) return;
    byRow.delete(rowId);
    if (byRow.size === 0) this.rows.delete(table);
  }

  /** Transaction `xid` ended: its locks go and its waiters wake up. */
  end(xid: number): void {
    const list = this.held.get(xid);
    if (list !== undefined) {
      for (const h of list) {
        const holders = this.rows.get(h.table)?.get(h.rowId);
        if (holders === undefined) continue;
        holders.delete(xid);
        if (holders.size === 0) this.dropRow(h.table, h.rowId);
      }
      this.held.delete(xid);
    }
    const nk = this.noKeyOf.get(xid);
    if (nk !== undefined) {
      for (const { table, rowId } of nk) {
        const byRow = this.noKeyUpdates.get(table);
        if (byRow === undefined || byRow.get(rowId) !== xid) continue;
        byRow.delete(rowId);
        if (byRow.size === 0) this.noKeyUpdates.delete(table);
      }
      this.noKeyOf.delete(xid);
    }
    const pr = this.priorOf.get(xid);
    if (pr !== undefined) {
      for (const { table, rowId } of pr) {
        const byRow = this.prior.get(table);
        if (byRow === undefined) continue;
        byRow.delete(rowId);
        if (byRow.size === 0) this.prior.delete(table);
      }
      this.priorOf.delete(xid);
    }
    this.active.delete(xid);
    this.ends.wake(xid);
  }

  /** A promise resolved when `holder` ends (at once if it is not in flight). */
  whenEnded(holder: number): Promise<void> {
    if (!this.active.has(holder)) return Promise.resolve();
    return this.ends.next(holder);
  }

  /**
   * Records that session `waiter` (a process id) waits on `b`; a blocker that names no session
   * (a concurrent index build) takes no part in the graph. A cycle that only a rearranged wait
   * queue closes is resolved by rearranging it (storage/deadlock.ts), which may wake waiters.
   * @throws PgError 40P01 `deadlock detected` when a session `b` waits for waits, directly or
   *   through others, for `waiter`; the DETAIL lists the cycle as PostgreSQL's DeadLockReport does.
   */
  startWait(waiter: number, b: WaitBlocker): void {
    this.waiting++;
    if (waiter === 0) return;
    this.waitsFor.set(waiter, b);
    this.waitStarts.set(waiter, Date.now());
    const cycle = findDeadlock(waiter, (pid) => this.waitsFor.get(pid));
    if (cycle !== null) {
      this.waiting--;
      this.waitsFor.delete(waiter);
      this.waitStarts.delete(waiter);
      throw deadlockError(cycle);
    }
  }

  /** What session `pid` waits for now, or undefined (pg_locks, pg_blocking_pids). */
  waitOf(pid: number): WaitBlocker | undefined {
    return this.waitsFor.get(pid);
  }

  /** When the wait of session `pid` started (ms since the epoch), or null when it does not wait. */
  waitStartOf(pid: number): number | null {
    return this.waitStarts.get(pid) ?? null;
  }

  /** Session `waiter` stopped waiting (woken, timed out, cancelled). */
  endWait(waiter: number): void {
    this.waiting--;
    this.waitsFor.delete(waiter);
    this.waitStarts.delete(waiter);
  }

  /** Forgets everything (the database is closing). */
  clear(): void {
    this.rows.clear();
    this.held.clear();
    this.noKeyUpdates.clear();
    this.noKeyOf.clear();
    this.prior.clear();
    this.priorOf.clear();
    this.active.clear();
    this.waitsFor.clear();
    this.waitStarts.clear();
    this.ends.wakeAll();
  }
}
