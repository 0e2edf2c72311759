/**
 * Deadlock detection over the sessions' wait-for graph, after PostgreSQL's deadlock.c
 * (DeadLockCheck, FindLockCycle, TopoSort; the algorithm of its README "Deadlock detection").
 *
 * Each waiting session has a {@link WaitBlocker}: its hard edges (`waitsFor()`, the sessions
 * holding what it waits for in a conflicting mode) and, where the lock has a wait queue (advisory
 * locks), its soft edges: the sessions queued ahead of it whose requests conflict with its own
 * (it waits behind them, though they do not hold the lock). A cycle of hard edges is a deadlock.
 * A cycle that needs a soft edge may go away when the queue is reordered so that the waiter
 * behind goes first: the search tries reversing each soft edge of a cycle it finds (recursively,
 * as DeadLockCheckRecurse does), and when some set of reversals leaves no cycle through the
 * sessions involved, it rearranges those queues (TopoSort: the least change that puts each such
 * waiter before its blocker) instead of failing anyone; the queue then grants what it can.
 *
 * Where this differs from PostgreSQL: PostgreSQL runs the check in a waiting process once its
 * deadlock_timeout has passed; vecgres runs it when a wait starts, in the session that starts
 * it, so the session that closes a cycle is the one that fails (and a soft cycle is resolved at
 * once rather than after the timeout).
 */
import { PgError } from '../common/errors.js';

/**
 * The wait queue of one lock, as the deadlock search reads and rearranges it. Sessions are
 * process ids; each is queued at most once.
 */
export interface WaitQueue {
  /** The sessions queued, first first. */
  order(): readonly number[];
  /** True when the request of `ahead` conflicts with the request of `behind` (both queued). */
  requestsConflict(ahead: number, behind: number): boolean;
  /** Puts the queue in `order` (a permutation of {@link order}) and wakes the waiters it now grants. */
  reorder(order: readonly number[]): void;
}

/**
 * A wait's edges in the wait-for graph: `waitsFor()` gives the process ids of the sessions
 * waited for as they are now (none: the wait takes no part in deadlock detection; read at each
 * detection, since an advisory lock's holders come and go while a request waits), `what` the
 * lock as a deadlock's DETAIL names it (`ShareLock on transaction 7`), `ended` a promise
 * resolved when the wait may be over, `queue` the lock's wait queue where it has one (its
 * soft edges), and `transaction` the transaction id a row lock wait sleeps on (pg_locks shows
 * the waiter's ShareLock on it).
 */
export interface WaitBlocker {
  waitsFor(): readonly number[];
  what: string;
  ended: Promise<void>;
  queue?: WaitQueue;
  transaction?: number;
}

/** One entry of a cycle: a session and the lock it waits for (held or requested ahead by the next entry's session). */
export interface CycleStep {
  pid: number;
  what: string;
}

/** A soft edge: `waiter` is queued behind `blocker` on `queue`. As a constraint: `waiter` must go first. */
interface SoftEdge {
  waiter: number;
  blocker: number;
  queue: WaitQueue;
}

/** Bound on the reversals tried together (PostgreSQL bounds them by MaxBackends). */
const MAX_CONSTRAINTS = 64;

/**
 * Checks whether the wait `start` is about to begin (already in `edgesOf`) closes a deadlock.
 * Returns the cycle (for 40P01's DETAIL) when no rearrangement of wait queues avoids one; else
 * null, after rearranging the queues that a soft cycle needed rearranged.
 */
export function findDeadlock(start: number, edgesOf: (pid: number) => WaitBlocker | undefined): CycleStep[] | null {
  const check = new DeadlockSearch(edgesOf);
  if (check.unsolvable(start)) return check.basicCycle(start);
  for (const [queue, order] of check.orders) queue.reorder(order);
  return null;
}

/** 40P01 for a cycle of waits, each waiting for the next (the last for the first), as PostgreSQL's DeadLockReport words it. */
export function deadlockError(cycle: readonly CycleStep[]): PgError {
  const lines: string[] = [];
  for (let i = 0; i < cycle.length; i++) {
    const next = cycle[(i + 1) % cycle.length]!;
    lines.push(`Process ${cycle[i]!.pid} waits for ${cycle[i]!.what}; blocked by process ${next.pid}.`);
  }
  return new PgError('40P01', 'deadlock detected', { detail: lines.join('\n'), hint: 'See server log for query details.' });
}

class DeadlockSearch {
  /** The reversals being tried. */
  private readonly constraints: SoftEdge[] = [];
  /** The hypothetical queue orders the constraints give (ExpandConstraints' output). */
  orders = new Map<WaitQueue, number[]>();
  /** The last cycle found (its steps), reported when no rearrangement helps. */
  lastCycle: CycleStep[] = [];

  constructor(private readonly edgesOf: (pid: number) => WaitBlocker | undefined) {}

  /** True when no set of reversals leaves the sessions free of cycles (DeadLockCheckRecurse). */
  unsolvable(start: number): boolean {
    const soft = this.test(start);
    if (soft === null) return true;
    if (soft.length === 0) return false;
    if (this.constraints.length >= MAX_CONSTRAINTS) return true;
    for (const e of soft) {
      this.constraints.push(e);
      if (!this.unsolvable(start)) return false;
      this.constraints.pop();
    }
    return true;
  }

  /**
   * The cycle through `start` with the queues as they are, which the error reports (as
   * DeadLockCheck looks once more without rearrangements); the last one found if none.
   */
  basicCycle(start: number): CycleStep[] {
    this.constraints.length = 0;
    this.orders = new Map();
    this.cycleThrough(start);
    return this.lastCycle;
  }

  /**
   * Under the current constraints: null when they contradict each other or a cycle of hard
   * edges remains; else the soft edges of the last cycle found (none: no cycle). Looks at
   * cycles through the constrained sessions first and through `start` last (TestConfiguration).
   */
  private test(start: number): SoftEdge[] | null {
    if (!this.expand()) return null;
    let soft: SoftEdge[] = [];
    const probes = [...this.constraints.flatMap((c) => [c.waiter, c.blocker]), start];
    for (const pid of probes) {
      const found = this.cycleThrough(pid);
      if (found === null) continue;
      if (found.length === 0) return null;
      soft = found;
    }
    return soft;
  }

  /** The constraints as hypothetical queue orders; false when one queue's cannot all hold. */
  private expand(): boolean {
    this.orders = new Map();
    const byQueue = new Map<WaitQueue, SoftEdge[]>();
    for (const c of this.constraints) {
      let list = byQueue.get(c.queue);
      if (list === undefined) byQueue.set(c.queue, (list = []));
      list.push(c);
    }
    for (const [queue, list] of byQueue) {
      const order = topoSort(queue.order(), list);
      if (order === null) return false;
      this.orders.set(queue, order);
    }
    return true;
  }

  /**
   * A cycle from `check` back to it (FindLockCycle): null when there is none, else the soft
   * edges on it (empty: all hard). A depth-first search, hard edges before soft ones, each
   * session visited once; a cycle that does not pass `check` counts as none.
   */
  private cycleThrough(check: number): SoftEdge[] | null {
    const visited: number[] = [];
    const soft: SoftEdge[] = [];
    const steps: CycleStep[] = [];
    const visit = (pid: number): boolean => {
      const at = visited.indexOf(pid);
      if (at === 0) return true;
      if (at > 0) return false;
      visited.push(pid);
      const b = this.edgesOf(pid);
      if (b === undefined) return false;
      steps.push({ pid, what: b.what });
      for (const h of b.waitsFor()) if (visit(h)) return true;
      if (b.queue !== undefined) {
        const q = b.queue;
        for (const ahead of this.orders.get(q) ?? q.order()) {
          if (ahead === pid) break;
          if (q.requestsConflict(ahead, pid) && visit(ahead)) {
            soft.push({ waiter: pid, blocker: ahead, queue: q });
            return true;
          }
        }
      }
      steps.pop();
      return false;
    };
    if (!visit(check)) return null;
    this.lastCycle = steps;
    return soft;
  }
}

/**
 * Reorders `queue` so that each constraint's waiter comes before its blocker, moving as little
 * as possible (deadlock.c's TopoSort: the output is filled from the back with the last session
 * that no remaining constraint requires to go before another); null when the constraints form
 * a cycle.
 */
function topoSort(queue: readonly number[], constraints: readonly SoftEdge[]): number[] | null {
  const n = queue.length;
  const left = [...queue];
  const mustPrecede = new Array<number>(n).fill(0);
  const after: number[][] = Array.from({ length: n }, () => []);
  for (const c of constraints) {
    const w = left.indexOf(c.waiter);
    const b = left.indexOf(c.blocker);
    if (w < 0 || b < 0) continue;
    mustPrecede[w]!++;
    after[b]!.push(w);
  }
  const out = new Array<number>(n);
  const taken = new Array<boolean>(n).fill(false);
  for (let i = n - 1; i >= 0; i--) {
    let j = n - 1;
    while (j >= 0 && (taken[j] || mustPrecede[j] !== 0)) j--;
    if (j < 0) return null;
    out[i] = left[j]!;
    taken[j] = true;
    for (const w of after[j]!) mustPrecede[w]!--;
  }
  return out;
}
