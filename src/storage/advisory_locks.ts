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
 * Each key has a wait queue, as PostgreSQL's lock manager gives each lock one (lock.c
 * LockAcquire, proc.c JoinWaitQueue / ProcLockWakeup): a request conflicts with the holders'
 * modes and also with the modes requested by the sessions already queued, so a shared request
 * waits behind a queued exclusive one instead of overtaking it (and a try returns false). A
 * session that already holds a mode on the key is granted that mode again at once (PostgreSQL's
 * local lock table), and one holding a lock a queued request conflicts with goes ahead of that
 * request (granted at once when nothing before it conflicts). A release grants, in queue order,
 * each waiter whose mode conflicts with no holder and no waiter before it.
 *
 * A request that must wait throws an {@link AdvisoryWait}: like a row lock wait, the statement
 * is undone, the session awaits its turn (engine/lock_wait.ts: lock_timeout,
 * statement_timeout, cancel, deadlock detection over the sessions' wait-for graph in
 * storage/deadlock.ts, with soft edges to the conflicting waiters ahead) and runs the
 * statement again; what its first run took is replayed, not taken twice
 * (sql/exec/statement_rerun.ts). Its place in the queue is kept across the rerun: the rerun's
 * request takes the lock when nothing before it conflicts; the place is given up when the
 * statement ends without taking it (completed another way, failed, cancelled, timed out) or the
 * session ends ({@link AdvisoryLocks.leaveQueue}). Like PostgreSQL's, the locks live in memory
 * only: a restart ends every session and so every lock.
 */
import { PgError } from '../common/errors.js';
import { LockWait } from './row_locks.js';
import type { WaitBlocker, WaitQueue } from './deadlock.js';

/** PostgreSQL's oid of the one database (pg_database.oid of `postgres`), the first field of an advisory lock tag. */
export const DATABASE_OID = 5;

/**
 * A session queued for a key: its mode, the level it asked for, since when it waits (ms since
 * the epoch, pg_locks.waitstart), and how to wake it (resolves the promise its current wait
 * awaits; replaced at each wait).
 */
export interface AdvisoryWaiter {
  pid: number;
  shared: boolean;
  xact: boolean;
  sinceMs: number;
  wake: () => void;
  /** True once a release or a rearranged queue let it take the lock (its rerun takes it). */
  woken: boolean;
}

/** Exclusive conflicts with everything, shared with exclusive (PostgreSQL's ShareLock and ExclusiveLock). */
function modesConflict(a: boolean, b: boolean): boolean {
  return !a || !b;
}

/** One session's holds on one key: counts per mode and level. */
export interface Holds {
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
    readonly queue: WaitQueue,
  ) {
    super(0, 'advisory lock', -1);
  }

  /**
   * Every conflicting holder is a hard edge of the wait-for graph (as PostgreSQL's lock manager
   * has one per holder); the key's queue gives the soft ones.
   */
  override blocker(): WaitBlocker {
    return { waitsFor: this.holders, what: `${advisoryModeName(this.shared)} on advisory lock [${DATABASE_OID},${this.key}]`, ended: this.released, queue: this.queue };
  }

  /** Where no wait is possible (a synchronous engine call): 55P03. */
  override unavailable(): PgError {
    return new PgError('55P03', `could not obtain ${advisoryModeName(this.shared)} on advisory lock [${DATABASE_OID},${this.key}]`);
  }
}

/** The advisory locks of one database, by key and holding session (process id), with a wait queue per key. */
export class AdvisoryLocks {
  private readonly keys = new Map<string, Map<number, Holds>>();
  /** Per session, its transaction-level acquisitions in order (a savepoint rolls back a tail). */
  private readonly xact = new Map<number, { key: string; shared: boolean }[]>();
  /** Sessions waiting per key, first first. */
  private readonly queues = new Map<string, AdvisoryWaiter[]>();
  /** The key each queued session waits for (a session waits for one lock at a time). */
  private readonly queuedOn = new Map<number, string>();
  /** The deadlock search's view of each key's queue, made on first use. */
  private readonly views = new Map<string, WaitQueue>();
  /** The clock of pg_locks.waitstart (ms since the epoch). */
  nowMs: () => number = Date.now;

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
   * holds it in a conflicting mode or a conflicting request is queued before this one (the
   * session's place in the queue is kept until it takes the lock or {@link leaveQueue}); with
   * `tryOnly`, returns false instead of waiting (and joins no queue: PostgreSQL 15 to 17's
   * conditional LockAcquire).
   * @throws AdvisoryWait (not with `tryOnly`).
   */
  acquire(key: string, pid: number, shared: boolean, xact: boolean, tryOnly: boolean): boolean {
    const queuedKey = this.queuedOn.get(pid);
    let me = queuedKey === undefined ? undefined : this.queues.get(queuedKey)!.find((w) => w.pid === pid);
    // A session asking for something else than what it queued for went another way: its place goes.
    if (me !== undefined && (queuedKey !== key || me.shared !== shared || tryOnly)) {
      this.leaveQueue(pid);
      me = undefined;
    }
    const mine = this.keys.get(key)?.get(pid);
    const holdsMode = mine !== undefined && (shared ? mine.sharedSession + mine.sharedXact : mine.exclusiveSession + mine.exclusiveXact) > 0;
    if (holdsMode) {
      // PostgreSQL's local lock table: a mode held already is granted again without a look at the queue.
      if (me !== undefined) this.leaveQueue(pid);
      this.grant(key, pid, shared, xact);
      return true;
    }
    const queue = this.queues.get(key) ?? [];
    if (me !== undefined) {
      // A rerun: its turn comes when no holder and no waiter before it conflicts.
      if (this.grantable(key, queue, me)) {
        this.leaveQueue(pid, false);
        this.grant(key, pid, shared, xact);
        return true;
      }
      me.xact = xact;
      throw this.waitFor(key, me);
    }
    const conflict = this.conflicting(key, pid, shared).length > 0 || queue.some((w) => modesConflict(w.shared, shared));
    if (!conflict) {
      this.grant(key, pid, shared, xact);
      return true;
    }
    if (tryOnly) return false;
    // JoinWaitQueue: the end of the queue, unless this session holds a lock on the key that a
    // waiter's request conflicts with; then just before the first such waiter (the deadlock
    // check finds the cycle when that waiter also holds what this request conflicts with), or
    // granted at once when nothing before that waiter and no holder conflicts.
    let at = queue.length;
    if (mine !== undefined) {
      const heldShared = mine.sharedSession + mine.sharedXact > 0;
      const heldExclusive = mine.exclusiveSession + mine.exclusiveXact > 0;
      for (let i = 0; i < queue.length; i++) {
        const w = queue[i]!;
        if (heldExclusive || (heldShared && !w.shared)) {
          if (queue.slice(0, i).every((a) => !modesConflict(a.shared, shared)) && this.conflicting(key, pid, shared).length === 0) {
            this.grant(key, pid, shared, xact);
            return true;
          }
          at = i;
          break;
        }
      }
    }
    me = { pid, shared, xact, sinceMs: this.nowMs(), wake: () => {}, woken: false };
    queue.splice(at, 0, me);
    this.queues.set(key, queue);
    this.queuedOn.set(pid, key);
    throw this.waitFor(key, me);
  }

  /**
   * Session `pid` gives up its place in a queue (its statement ended without the lock, its wait
   * failed, or it took the lock: `wake` false, nothing behind it can go yet). The waiters
   * behind it that may now take the lock are woken.
   */
  leaveQueue(pid: number, wake = true): void {
    const key = this.queuedOn.get(pid);
    if (key === undefined) return;
    this.queuedOn.delete(pid);
    const queue = this.queues.get(key)!;
    const i = queue.findIndex((w) => w.pid === pid);
    if (i >= 0) queue.splice(i, 1);
    if (queue.length === 0) {
      this.queues.delete(key);
      this.views.delete(key);
    } else if (wake) this.wakeGrantable(key);
  }

  /** The sessions queued on `key`, first first (pg_locks, pg_blocking_pids). */
  waiters(key: string): readonly AdvisoryWaiter[] {
    return this.queues.get(key) ?? [];
  }

  /** Every key with holders or waiters, with its holders' counts per session (pg_locks). */
  *entries(): IterableIterator<{ key: string; holders: ReadonlyMap<number, Readonly<Holds>>; waiters: readonly AdvisoryWaiter[] }> {
    const keys = new Set([...this.keys.keys(), ...this.queues.keys()]);
    for (const key of keys) yield { key, holders: this.keys.get(key) ?? new Map(), waiters: this.queues.get(key) ?? [] };
  }

  /** The key session `pid` is queued on, or undefined. */
  queuedKey(pid: number): string | undefined {
    return this.queuedOn.get(pid);
  }

  /** True when no holder other than the waiter and no waiter before it has a conflicting mode (ProcLockWakeup's test). */
  private grantable(key: string, queue: readonly AdvisoryWaiter[], me: AdvisoryWaiter): boolean {
    if (this.conflicting(key, me.pid, me.shared).length > 0) return false;
    for (const w of queue) {
      if (w === me) return true;
      if (modesConflict(w.shared, me.shared)) return false;
    }
    return true;
  }

  /** Wakes, in queue order, each waiter that may take the lock now (ProcLockWakeup); its rerun takes it. */
  private wakeGrantable(key: string): void {
    const queue = this.queues.get(key);
    if (queue === undefined) return;
    for (const w of queue) {
      if (!w.woken && this.grantable(key, queue, w)) {
        w.woken = true;
        w.wake();
      }
    }
  }

  /** The wait of queued `me` on `key`: a fresh promise its next turn (or leaving) resolves. */
  private waitFor(key: string, me: AdvisoryWaiter): AdvisoryWait {
    me.woken = false;
    const turn = new Promise<void>((resolve) => (me.wake = resolve));
    return new AdvisoryWait(key, me.shared, () => this.conflicting(key, me.pid, me.shared), turn, this.viewOf(key));
  }

  /** The deadlock search's view of the queue of `key` (storage/deadlock.ts). */
  private viewOf(key: string): WaitQueue {
    let v = this.views.get(key);
    if (v === undefined) {
      const find = (pid: number): AdvisoryWaiter | undefined => this.queues.get(key)?.find((w) => w.pid === pid);
      v = {
        order: () => (this.queues.get(key) ?? []).map((w) => w.pid),
        requestsConflict: (ahead, behind) => {
          const a = find(ahead);
          const b = find(behind);
          return a !== undefined && b !== undefined && modesConflict(a.shared, b.shared);
        },
        reorder: (order) => {
          const queue = this.queues.get(key);
          if (queue === undefined) return;
          const byPid = new Map(queue.map((w) => [w.pid, w]));
          queue.splice(0, queue.length, ...order.map((p) => byPid.get(p)!).filter((w) => w !== undefined));
          this.wakeGrantable(key);
        },
      };
      this.views.set(key, v);
    }
    return v;
  }

  /** One more count of `key` for `pid` in the mode and level. */
  private grant(key: string, pid: number, shared: boolean, xact: boolean): void {
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

  /** The session `pid` ended: its place in a queue and every lock it holds go. */
  endSession(pid: number): void {
    this.leaveQueue(pid);
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
    for (const queue of this.queues.values()) for (const w of queue) w.wake();
    this.queues.clear();
    this.queuedOn.clear();
    this.views.clear();
  }

  private dropXact(key: string, pid: number, shared: boolean): void {
    const h = this.keys.get(key)?.get(pid);
    if (h === undefined) return;
    if (shared) h.sharedXact--;
    else h.exclusiveXact--;
    this.dropIfFree(key, pid, h);
  }

  /** After a count went down: forgets an empty hold and wakes the waiters that may go now. */
  private dropIfFree(key: string, pid: number, h: Holds): void {
    if (h.exclusiveSession + h.exclusiveXact + h.sharedSession + h.sharedXact === 0) {
      const holders = this.keys.get(key)!;
      holders.delete(pid);
      if (holders.size === 0) this.keys.delete(key);
    }
    this.wakeGrantable(key);
  }
}
