/**
 * The sessions of one database as the lock views see them (pg_locks' `virtualtransaction`,
 * `virtualxid` and `pid` columns): each session's process id, its backend id (PostgreSQL's
 * ProcNumber / BackendId: the lowest number no live session of the database uses, from 1), its
 * local transaction counter (the second half of a virtual transaction id, `3/17`), whether it
 * is in a transaction block, and its transaction id when one is assigned. Sessions are held
 * weakly: an embedded session dropped without release() disappears with it.
 */
import type { BackendActivity } from './backend_activity.js';

/** What the lock views and pg_stat_activity read of a session. */
export interface LockSessionState {
  readonly pid: number;
  /** Local transactions begun so far (incremented at each transaction's start). */
  readonly lxid: number;
  readonly txn: { readonly inBlock: boolean; readonly failed: boolean; readonly xid: number };
  /** The start of the current transaction (µs since 2000-01-01 UTC: pg_stat_activity.xact_start). */
  readonly timestamps: { readonly transactionUs: bigint };
  /** The running or last statement and the client (pg_stat_activity). */
  readonly activity: BackendActivity;
  /** The session's settings (application_name). */
  readonly settings: { get(name: string): unknown };
}

/** A live session and its backend id. */
export interface LockSession {
  readonly session: LockSessionState;
  readonly backendId: number;
}

export class LockSessions {
  private readonly byPid = new Map<number, { ref: WeakRef<LockSessionState>; backendId: number }>();

  /** Registers `s` (a new session); returns its backend id. */
  add(s: LockSessionState): number {
    const used = new Set<number>();
    for (const [pid, e] of this.byPid) {
      if (e.ref.deref() === undefined) this.byPid.delete(pid);
      else used.add(e.backendId);
    }
    let backendId = 1;
    while (used.has(backendId)) backendId++;
    this.byPid.set(s.pid, { ref: new WeakRef(s), backendId });
    return backendId;
  }

  /** The session `pid` ended. */
  remove(pid: number): void {
    this.byPid.delete(pid);
  }

  /** The session with process id `pid`, or undefined. */
  get(pid: number): LockSession | undefined {
    const e = this.byPid.get(pid);
    const session = e?.ref.deref();
    return session === undefined ? undefined : { session, backendId: e!.backendId };
  }

  /** The live sessions, in the order they were opened. */
  *live(): IterableIterator<LockSession> {
    for (const e of this.byPid.values()) {
      const session = e.ref.deref();
      if (session !== undefined) yield { session, backendId: e.backendId };
    }
  }
}
