/**
 * Advisory locks (PostgreSQL's pg_advisory_lock family, manual 13.3.5 and 9.27.10): locks on
 * application-defined keys, held by a session either until it releases them (session level)
 * or until its transaction ends (transaction level), in exclusive or shared mode. A session's
 * own locks never conflict with each other; each acquisition is counted, and a session-level
 * lock is held until released as many times as it was taken.
 *
 * A key is PostgreSQL's lock tag without the database: `classid,objid,objsubid`, where a
 * bigint key k is (k >> 32, k & 0xffffffff, 1) and a pair of integers (a, b) is (a, b, 2),
 * each as an unsigned 32-bit number (pg_locks shows them so). The two forms never meet.
 *
 * A request that conflicts throws an {@link AdvisoryWait}: like a row lock wait, the statement
 * is undone, the session awaits a release of the key (engine/lock_wait.ts: lock_timeout,
 * statement_timeout, cancel, deadlock detection over the sessions' wait-for graph in
 * storage/row_locks.ts) and runs the statement again; what its first run took is replayed,
 * not taken twice (sql/exec/statement_rerun.ts). Like PostgreSQL's, the locks live in memory
 * only: a restart ends every session and so every lock.
 */
import { PgError } from '../common/errors.js';
import { LockWait, type WaitBlocker } from './row_locks.js';
import { Wakeups } from './wakeups.js';

/** PostgreSQL's oid of the one database (pg_database.oid of `postgres`), the first field of an advisory lock tag. */
const DATABASE_OID = 5;

/** One session's holds on one key: counts per mode and level. */
interface Holds {
  exclusiveSession: number;
  exclusiveXact: number;
  sharedSession: number;
  sharedXact: number;
}

/** The lock mode's name as PostgreSQL's messages print it. */
export function advisoryModeName(shared: boolean): string {
  return shared ? 'ShareLock' : 'ExclusiveLock';
}

/** The key of `pg_advisory_lock(k bigint)`. */
export function advisoryKeyOf64(k: bigint): string {
  const u = BigInt.asUintN(64, k);
  return `${u >> 32n},${u & 0xffffffffn},1`;
}

/** The key of `pg_advisory_lock(a int, b int)`. */
export function advisoryKeyOf32(a: number, b: number): string {
  return `${a >>> 0},${b >>> 0},2`;
}

/**
 * The signal of a request that must wait: other sessions hold `key` in a mode that conflicts;
 * `holders()` names them as they are at each look (a shared lock may gain holders while an
 * exclusive request waits). `released` resolves at the next release of the key (the statement
 * then runs again and asks anew).
 */
export class AdvisoryWait extends LockWait {
  constructor(
    readonly key: string,
    readonly shared: boolean,
    readonly holders: () => readonly number[],
    readonly released: Promise<void>,
  ) {
    super(0, 'advisory lock', -1);
  }

  /** Every conflicting holder is an edge of the wait-for graph (as PostgreSQL's lock manager has one per holder). */
  override blocker(): WaitBlocker {
    return { waitsFor: this.holders, what: `${advisoryModeName(this.shared)} on advisory lock [${DATABASE_OID},${this.key}]`, ended: this.released };
  }

  /** Where no wait is possible (a synchronous engine call): 55P03. */
  override unavailable(): PgError {
    return new PgError('55P03', `could not obtain ${advisoryModeName(this.shared)} on advisory lock [${DATABASE_OID},${this.key}]`);
  }
}

/** The advisory locks of one database, by key and holding session (process id). */
export class AdvisoryLocks {
  private readonly keys = new Map<string, Map<number, Holds>>();
  /** Per session, its transaction-level acquisitions in order (a savepoint rolls back a tail). */
  private readonly xact = new Map<number, { key: string; shared: boolean }[]>();
  /** Waiters per key: resolved at its next release. */
  private readonly releases = new Wakeups<string>();

  /**
   * The process ids of the sessions other than `pid` holding `key` in a mode that conflicts
   * with the request (exclusive conflicts with everything, shared with exclusive).
   */
  conflicting(key: string, pid: number, shared: boolean): number[] {
    const holders = this.keys.get(key);
    const out: number[] = [];
    if (holders === undefined) return out;
    for (const [p, h] of holders) {
      if (p === pid) continue;
      if (h.exclusiveSession + h.exclusiveXact > 0 || (!shared && h.sharedSession + h.sharedXact > 0)) out.push(p);
    }
    return out;
  }

  /**
   * Takes `key` for session `pid` (one more count), or throws the wait when another session
   * holds it in a conflicting mode; with `tryOnly`, returns false instead of waiting.
   * @throws AdvisoryWait (not with `tryOnly`).
   */
  acquire(key: string, pid: number, shared: boolean, xact: boolean, tryOnly: boolean): boolean {
    if (this.conflicting(key, pid, shared).length > 0) {
      if (tryOnly) return false;
      throw new AdvisoryWait(key, shared, () => this.conflicting(key, pid, shared), this.releases.next(key));
    }
    let holders = this.keys.get(key);
    if (holders === undefined) this.keys.set(key, (holders = new Map()));
    let h = holders.get(pid);
    if (h === undefined) holders.set(pid, (h = { exclusiveSession: 0, exclusiveXact: 0, sharedSession: 0, sharedXact: 0 }));
    if (xact) {
      if (shared) h.sharedXact++;
      else h.exclusiveXact++;
      let list = this.xact.get(pid);
      if (list === undefined) this.xact.set(pid, (list = []));
      list.push({ key, shared });
    } else if (shared) h.sharedSession++;
    else h.exclusiveSession++;
    return true;
  }

  /**
   * Releases one session-level count of `key` in the mode for `pid` (pg_advisory_unlock[_shared]).
   * Returns false when the session holds none (PostgreSQL then warns: the caller does).
   */
  release(key: string, pid: number, shared: boolean): boolean {
    const h = this.keys.get(key)?.get(pid);
    if (h === undefined) return false;
    if (shared ? h.sharedSession === 0 : h.exclusiveSession === 0) return false;
    if (shared) h.sharedSession--;
    else h.exclusiveSession--;
    this.dropIfFree(key, pid, h);
    return true;
  }

  /**
   * Undoes one acquisition `acquire` made (a statement's rerun that no longer makes it): the
   * session-level count, or the newest transaction-level entry of the key.
   */
  undoAcquire(key: string, pid: number, shared: boolean, xact: boolean): void {
    if (!xact) {
      this.release(key, pid, shared);
      return;
    }
    const list = this.xact.get(pid);
    if (list === undefined) return;
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i]!;
      if (e.key === key && e.shared === shared) {
        list.splice(i, 1);
        this.dropXact(key, pid, shared);
        return;
      }
    }
  }

  /** Releases every session-level lock of `pid` (pg_advisory_unlock_all). */
  releaseSession(pid: number): void {
    for (const [key, holders] of [...this.keys]) {
      const h = holders.get(pid);
      if (h === undefined || h.exclusiveSession + h.sharedSession === 0) continue;
      h.exclusiveSession = 0;
      h.sharedSession = 0;
      this.dropIfFree(key, pid, h);
    }
  }

  /** How many transaction-level acquisitions `pid` holds (a mark for {@link releaseXactSince}). */
  xactMark(pid: number): number {
    return this.xact.get(pid)?.length ?? 0;
  }

  /** Releases the transaction-level acquisitions of `pid` after `mark` (its transaction, or a savepoint's tail, ended). */
  releaseXactSince(pid: number, mark: number): void {
    const list = this.xact.get(pid);
    if (list === undefined) return;
    for (let i = list.length - 1; i >= mark; i--) this.dropXact(list[i]!.key, pid, list[i]!.shared);
    list.length = Math.min(list.length, mark);
    if (list.length === 0) this.xact.delete(pid);
  }

  /** The session `pid` ended: every lock it holds goes. */
  endSession(pid: number): void {
    this.releaseXactSince(pid, 0);
    this.releaseSession(pid);
  }

  /** The keys `pid` holds with its counts, for tests and monitoring. */
  heldBy(pid: number): { key: string; exclusive: number; shared: number }[] {
    const out: { key: string; exclusive: number; shared: number }[] = [];
    for (const [key, holders] of this.keys) {
      const h = holders.get(pid);
      if (h !== undefined) out.push({ key, exclusive: h.exclusiveSession + h.exclusiveXact, shared: h.sharedSession + h.sharedXact });
    }
    return out;
  }

  /** Forgets everything (the database is closing); waiters wake up. */
  clear(): void {
    this.keys.clear();
    this.xact.clear();
    this.releases.wakeAll();
  }

  private dropXact(key: string, pid: number, shared: boolean): void {
    const h = this.keys.get(key)?.get(pid);
    if (h === undefined) return;
    if (shared) h.sharedXact--;
    else h.exclusiveXact--;
    this.dropIfFree(key, pid, h);
  }

  /** After a count went down: forgets an empty hold and wakes the key's waiters. */
  private dropIfFree(key: string, pid: number, h: Holds): void {
    if (h.exclusiveSession + h.exclusiveXact + h.sharedSession + h.sharedXact === 0) {
      const holders = this.keys.get(key)!;
      holders.delete(pid);
      if (holders.size === 0) this.keys.delete(key);
    }
    this.releases.wake(key);
  }
}
