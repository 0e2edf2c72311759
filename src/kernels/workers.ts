/**
 * A pool of worker threads over the shared memories (kernels/memories.ts), for the parallel
 * parts of index builds and scans. PostgreSQL runs a parallel operation on a leader and
 * background workers that attach to one dynamic shared memory segment; here the leader is the
 * calling thread, the workers are `worker_threads`, and the shared segment is every
 * WebAssembly memory of the set (they are `shared: true`, so a worker reads and writes the
 * vectors and graphs in place, without copies).
 *
 * A task is a function exported by a compiled module, named by its file URL and export name
 * ({@link TaskRef}), because a function cannot be sent to another thread. {@link defineTask}
 * makes one and registers it for the calling thread, which runs participant 0 itself.
 * {@link WorkerPool.runSync} blocks the caller (Atomics.wait on a shared counter, results read
 * with `receiveMessageOnPort`) so the synchronous executor needs no `async`.
 *
 * Rules for tasks: they never allocate in a memory (allocation state lives on the main thread;
 * an attached {@link Arena} asserts), so the caller allocates everything the participants
 * write (per-participant scratch included) before {@link WorkerPool.runSync}, and nothing
 * grows or moves during it. Participants coordinate through the memories (atomics), never
 * through module state.
 *
 * Failure: a task's exception is sent back and the first one (in participant order) is
 * rethrown after every participant finished: a {@link PgError} keeps its SQLSTATE and fields
 * (with CONTEXT `parallel worker`, as PostgreSQL marks a worker's error), anything else becomes
 * XX000 with its message. A worker thread that exits during a task (process.exit, an uncaught
 * exception) marks itself dead in a shared word before it goes; one that V8 stops without
 * running any more JavaScript (its heap limit reached, `terminate()`) cannot, so the waiting
 * caller also probes the worker's end of the reply channel (see {@link WorkerPool.awaitReply}).
 * Either way the caller throws XX000 `lost connection to parallel worker` (PostgreSQL's message
 * when a background worker dies) for that call, and a new worker replaces it on the next call.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { assert } from '../common/assert.js';
import { PgError, SQLSTATE } from '../common/errors.js';
import { startWorkerThread } from '../common/worker_thread.js';
import type { Arena } from './arena.js';
import { memories as processMemories } from './memories.js';

/**
 * One task for the workers: a module URL (file:// href of a compiled dist .js file) and the
 * name of an exported function `(args, ctx: WorkerContext) => result` in it.
 */
export interface TaskRef {
  module: string;
  fn: string;
}

/** What a task sees of its participant. */
export interface WorkerContext {
  /**
   * The memory with this id (an Arena over the shared WebAssembly.Memory the main thread
   * sent); kernels are made with the usual kernelsOf/hnswKernelOf over it.
   */
  memory(id: number): Arena;
  /** Index of this participant, 0..n-1 (0 is the calling thread itself when it takes part). */
  readonly worker: number;
}

/** A task's function. */
export type TaskFn<A, R> = (args: A, ctx: WorkerContext) => R;

/** Tasks defined in this thread, by `module#fn` (functions, not scan state). */
const localTasks = new Map<string, TaskFn<never, unknown>>();

/**
 * Makes a {@link TaskRef} for `impl`, exported as `fn` from the module whose `import.meta.url`
 * is `moduleUrl`, and registers `impl` so the calling thread can run it synchronously (a worker
 * imports the module, which registers it there too). Call it at module top level.
 */
export function defineTask<A, R>(moduleUrl: string, fn: string, impl: TaskFn<A, R>): TaskRef {
  localTasks.set(`${moduleUrl}#${fn}`, impl as TaskFn<never, unknown>);
  return { module: moduleUrl, fn };
}

/** The function of `task` registered in this thread by {@link defineTask}, or undefined. */
export function localTask(task: TaskRef): TaskFn<unknown, unknown> | undefined {
  return localTasks.get(`${task.module}#${task.fn}`) as TaskFn<unknown, unknown> | undefined;
}

/** Options of a {@link WorkerPool}. */
export interface PoolOptions {
  /**
   * V8 limits of each worker (Node's `resourceLimits`): tests set a small heap to make a task
   * run out of it; none by default (a worker has the process's limits).
   */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; stackSizeMb?: number };
}

/** Options of one {@link WorkerPool.runSync} call. */
export interface RunOptions {
  /** The memories the participants may use; default every memory of the process set. */
  memories?: readonly Arena[];
}

/** A task's failure as it crosses threads. */
export interface TaskFailure {
  pg: boolean;
  code?: string;
  message: string;
  detail?: string;
  hint?: string;
  where?: string;
  position?: string;
  stack?: string;
}

/** A message from a worker on its result port. */
export type WorkerReply = { ok: true; result: unknown } | { ok: false; error: TaskFailure };

/** Words of the pool's shared state: [0] a counter bumped on every reply, [1 + k] worker k's status. */
export const STATUS_STARTING = 0;
export const STATUS_READY = 1;
export const STATUS_DEAD = 2;

/** How long the first start of a worker may take before the pool gives up on threads. */
const START_TIMEOUT_MS = 30_000;
/** Wake-up period of a waiting caller: replies notify it at once; this only bounds a missed wake. */
const WAIT_SLICE_MS = 50;

/** Atomics.waitAsync, missing from the ES2022 typings. */
interface AtomicsWaitAsync {
  waitAsync(a: Int32Array, index: number, value: number, timeoutMs: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

interface Slot {
  worker: Worker;
  /** The caller's end of the reply channel. */
  port: MessagePort;
  /** Memory id -> the memory this worker has been sent under it. */
  sent: Map<number, WebAssembly.Memory>;
}

let sharedPool: WorkerPool | undefined;

/**
 * Worker threads for parallel work. {@link shared} is the process-wide pool; tests make their
 * own with `new WorkerPool(n)`. Workers are unref()ed: they never keep the process alive.
 */
export class WorkerPool {
  /** Workers available (0 when worker_threads cannot start). */
  readonly size: number;
  private readonly slots: Array<Slot | undefined>;
  /** Shared words: the reply counter and each worker's status (see STATUS_*). */
  private readonly state: Int32Array;
  private busy = false;
  /** Calls of {@link runSync} that ran on more than one thread (for tests and monitoring). */
  parallelRuns = 0;

  /**
   * The process-wide pool, started on first use: `VECGRES_WORKERS` workers when set, else one
   * per core but the caller's (at least one), at most 8 (PostgreSQL's max_worker_processes).
   */
  static shared(): WorkerPool {
    if (sharedPool === undefined) {
      const env = Number.parseInt(process.env['VECGRES_WORKERS'] ?? '', 10);
      const n = Number.isFinite(env) && env >= 0 ? env : Math.min(8, Math.max(1, availableParallelism() - 1));
      sharedPool = new WorkerPool(n);
    }
    return sharedPool;
  }

  /**
   * Starts `size` workers and waits (blocking) until each is ready. When a worker cannot start
   * (no worker_threads, or its module fails to load) the pool has size 0 and runs everything
   * on the calling thread.
   */
  constructor(size: number, private readonly options: PoolOptions = {}) {
    assert(Number.isInteger(size) && size >= 0, 'pool size');
    this.state = new Int32Array(new SharedArrayBuffer(4 * (1 + size)));
    this.slots = new Array<Slot | undefined>(size).fill(undefined);
    let ok = true;
    for (let k = 0; k < size && ok; k++) ok = this.start(k);
    if (!ok) {
      for (let k = 0; k < size; k++) this.stop(k);
      this.size = 0;
    } else {
      this.size = size;
    }
  }

  /**
   * Runs `task` once per element of `args` (args[i] to participant i, structured-clonable), on
   * min(args.length - 1, size) workers and the calling thread, which runs args[0] itself (and,
   * when there are more args than threads, every arg i with i % (size + 1) === 0; a worker runs
   * its share in order). BLOCKS the calling thread until all are done and returns the results
   * in order. Every memory of the set (or `options.memories`) is made known to a worker before
   * its task runs. A nested call (from inside a task on the calling thread) runs every
   * participant on the calling thread. Args the calling thread runs are passed as they are,
   * never cloned, so args[0] may carry what cannot cross threads (a progress callback).
   * @throws the first task error in participant order, after all participants finished: a
   *   PgError keeps its SQLSTATE; other errors become PgError XX000 with their message. XX000
   *   `lost connection to parallel worker` when a worker thread exited during its task.
   */
  runSync<T>(task: TaskRef, args: unknown[], options: RunOptions = {}): T[] {
    const local = localTask(task);
    assert(local !== undefined, `task ${task.fn} of ${task.module} is not defined in this thread (defineTask)`);
    const mems = options.memories ?? processMemories.memories;
    const byId = new Map<number, Arena>();
    for (const a of mems) byId.set(a.id, a);
    const n = args.length;
    const results = new Array<T>(n);
    if (this.busy || this.size === 0 || n <= 1) {
      const errors: unknown[] = [];
      for (let i = 0; i < n; i++) {
        try {
          results[i] = local(args[i], contextOf(byId, i)) as T;
        } catch (e) {
          errors.push(e);
        }
      }
      if (errors.length > 0) throw errors[0];
      return results;
    }
    this.busy = true;
    this.parallelRuns++;
    try {
      return this.runParallel(task, local, args, byId, results);
    } finally {
      this.busy = false;
    }
  }

  private runParallel<T>(task: TaskRef, local: TaskFn<unknown, unknown>, args: unknown[], byId: Map<number, Arena>, results: T[]): T[] {
    const n = args.length;
    const threads = Math.min(n, this.size + 1);
    // Participant i runs on thread i % threads: 0 is the caller, t > 0 is worker t - 1.
    const pending = new Array<number[]>(threads).fill([]).map(() => [] as number[]);
    for (let i = 0; i < n; i++) pending[i % threads]!.push(i);
    const live = [...byId.keys()];
    for (let t = 1; t < threads; t++) this.dispatch(t - 1, task, args, pending[t]!, byId, live);
    const errors = new Array<unknown>(n).fill(undefined);
    let failed = false;
    for (const i of pending[0]!) {
      try {
        results[i] = local(args[i], contextOf(byId, i)) as T;
      } catch (e) {
        errors[i] = e;
        failed = true;
      }
    }
    for (let t = 1; t < threads; t++) {
      const k = t - 1;
      const slot = this.slots[k]!;
      for (const i of pending[t]!) if (!this.record(k, pending[t]!, i, this.awaitReply(k, slot), results, errors)) break;
    }
    if (failed || errors.some((e) => e !== undefined)) throw errors.find((e) => e !== undefined);
    return results;
  }

  /**
   * Starts (or restarts) worker k when needed, sends it the memories of `byId` it has not seen,
   * and posts participants `which` of the call to it.
   * @throws PgError XX000 `lost connection to parallel worker` when the worker cannot start.
   */
  private dispatch(k: number, task: TaskRef, args: unknown[], which: readonly number[], byId: Map<number, Arena>, live: number[]): void {
    // A worker that died while idle (its heap limit, terminate()) is replaced now, not found dead mid-call.
    if (this.slots[k] === undefined || Atomics.load(this.state, 1 + k) === STATUS_DEAD || !probe(this.slots[k].port)) {
      this.stop(k);
      if (!this.start(k)) throw lostWorker();
    }
    const slot = this.slots[k]!;
    for (const [id, arena] of byId) {
      if (slot.sent.get(id) === arena.memory) continue;
      slot.worker.postMessage({ type: 'memory', id, memory: arena.memory, maxBytes: arena.maxBytes });
      slot.sent.set(id, arena.memory);
    }
    // The worker keeps only the memories of this call (`live`, so a released memory is not
    // held); forget the others here too, or a later call that needs one again (a scan after
    // a build that named only its index's memory) would not send it.
    for (const id of [...slot.sent.keys()]) if (!byId.has(id)) slot.sent.delete(id);
    for (const i of which) slot.worker.postMessage({ type: 'task', module: task.module, fn: task.fn, args: args[i], participant: i, live });
  }

  /**
   * True when {@link runAsync} can start now: the pool has workers and no call is running on
   * them.
   */
  get idle(): boolean {
    return this.size > 0 && !this.busy;
  }

  /**
   * Runs `task` once per element of `args` on the pool's workers only (participant i on worker
   * i % size; the calling thread runs none) and resolves with the results in order, without
   * blocking the event loop: for work that must not stall other sessions (a concurrent index
   * build, a filter subgraph built off the query path). The pool is busy until the promise
   * settles; {@link runSync} calls made meanwhile run all their participants on their own
   * thread. The caller must keep everything the tasks read alive (and unchanged where the task
   * needs that) until it settles; a task that should stop early reads a flag in shared memory
   * passed in its args.
   * @throws (rejects with) PgError XX000 `no parallel worker is free` when {@link idle} is
   *   false; otherwise as {@link runSync}: the first task error in participant order, after
   *   all participants finished; XX000 `lost connection to parallel worker` when a worker
   *   thread exited during its task.
   */
  async runAsync<T>(task: TaskRef, args: unknown[], options: RunOptions = {}): Promise<T[]> {
    if (!this.idle) throw new PgError(SQLSTATE.internal_error, 'no parallel worker is free');
    const mems = options.memories ?? processMemories.memories;
    const byId = new Map<number, Arena>();
    for (const a of mems) byId.set(a.id, a);
    const n = args.length;
    const results = new Array<T>(n);
    const threads = Math.min(n, this.size);
    const pending = new Array<number[]>(threads).fill([]).map(() => [] as number[]);
    for (let i = 0; i < n; i++) pending[i % threads]!.push(i);
    const live = [...byId.keys()];
    this.busy = true;
    this.parallelRuns++;
    // The awaited wake-ups hold no handle, and the workers are unref()ed (a worker V8 ends
    // holds none either): a timer keeps the process alive while the tasks run, as an awaited
    // socket would.
    const keepAlive = setInterval(() => undefined, 2 ** 30);
    try {
      for (let k = 0; k < threads; k++) this.dispatch(k, task, args, pending[k]!, byId, live);
      const errors = new Array<unknown>(n).fill(undefined);
      await Promise.all(
        pending.map(async (which, k) => {
          const slot = this.slots[k]!;
          for (const i of which) if (!this.record(k, which, i, await this.awaitReplyAsync(k, slot), results, errors)) return;
        }),
      );
      if (errors.some((e) => e !== undefined)) throw errors.find((e) => e !== undefined);
      return results;
    } finally {
      clearInterval(keepAlive);
      this.busy = false;
    }
  }

  /** As {@link awaitReply}, awaiting instead of blocking. */
  private async awaitReplyAsync(k: number, slot: Slot): Promise<WorkerReply | undefined> {
    for (;;) {
      const seen = Atomics.load(this.state, 0);
      const m = receiveMessageOnPort(slot.port);
      if (m !== undefined) return m.message as WorkerReply;
      // The status word, or the probe of awaitReply for a worker V8 stopped.
      if (Atomics.load(this.state, 1 + k) === STATUS_DEAD || !probe(slot.port)) {
        const last = receiveMessageOnPort(slot.port);
        return last === undefined ? undefined : (last.message as WorkerReply);
      }
      // ES2024's Atomics.waitAsync (in Node.js since 16): resolves on the worker's notify.
      const w = (Atomics as unknown as AtomicsWaitAsync).waitAsync(this.state, 0, seen, WAIT_SLICE_MS);
      if (w.async) await w.value;
    }
  }

  /**
   * Records worker k's `reply` for participant i (one of `which`, its participants in order)
   * into `results` or `errors`. An undefined reply (the worker exited) fails i and the rest of
   * `which` and ends the slot; then false, and the caller stops reading that worker.
   */
  private record<T>(k: number, which: readonly number[], i: number, reply: WorkerReply | undefined, results: T[], errors: unknown[]): boolean {
    if (reply === undefined) {
      for (const j of which) if (j >= i) errors[j] = lostWorker();
      this.stop(k);
      return false;
    }
    if (reply.ok) results[i] = reply.result as T;
    else errors[i] = failureToError(reply.error);
    return true;
  }

  /**
   * Blocks until worker k replies (the reply) or is dead (undefined).
   *
   * Death is seen two ways. A worker that runs its exit handler sets its status word. A worker
   * V8 stops (its heap limit, `terminate()`) runs no more JavaScript and its 'exit' event would
   * reach only this thread's event loop, which is blocked here; but its end of the reply
   * channel is closed as the thread goes, and from then on `postMessage` on this end no longer
   * returns true (false while the channel knows its sibling is gone, undefined once this end
   * is closed too: Node's MessagePort::PostMessage). So after a wait slice with no reply, a
   * one-byte probe is posted; the worker never reads its end of the channel while a task runs,
   * and drops what arrived when it is idle (worker_main.ts).
   */
  private awaitReply(k: number, slot: Slot): WorkerReply | undefined {
    let dead = false;
    for (;;) {
      const seen = Atomics.load(this.state, 0);
      const m = receiveMessageOnPort(slot.port);
      if (m !== undefined) return m.message as WorkerReply;
      if (Atomics.load(this.state, 1 + k) === STATUS_DEAD || dead) {
        // A reply posted just before the exit is still in the port.
        const last = receiveMessageOnPort(slot.port);
        return last === undefined ? undefined : (last.message as WorkerReply);
      }
      dead = Atomics.wait(this.state, 0, seen, WAIT_SLICE_MS) === 'timed-out' && !probe(slot.port);
    }
  }

  /** Starts worker k and waits until it is ready; false when it cannot start. */
  private start(k: number): boolean {
    Atomics.store(this.state, 1 + k, STATUS_STARTING);
    const { port1, port2 } = new MessageChannel();
    let worker: Worker;
    try {
      worker = startWorkerThread(new URL('./worker_main.js', import.meta.url), {
        workerData: { state: this.state, index: k, port: port2 },
        transferList: [port2],
        ...(this.options.resourceLimits !== undefined ? { resourceLimits: this.options.resourceLimits } : {}),
      });
    } catch {
      return false;
    }
    worker.unref();
    // Errors are seen through the status word; a listener keeps them from becoming uncaught.
    worker.on('error', () => {});
    port1.unref();
    this.slots[k] = { worker, port: port1, sent: new Map() };
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const s = Atomics.load(this.state, 1 + k);
      if (s === STATUS_READY) return true;
      if (s === STATUS_DEAD || Date.now() > deadline) {
        this.stop(k);
        return false;
      }
      Atomics.wait(this.state, 1 + k, s, WAIT_SLICE_MS);
    }
  }

  /** Ends worker k (if any) and forgets its slot. */
  private stop(k: number): void {
    const slot = this.slots[k];
    if (slot === undefined) return;
    this.slots[k] = undefined;
    slot.port.close();
    void slot.worker.terminate();
  }

  /** Ends every worker (tests); the pool is unusable afterwards. */
  close(): void {
    for (let k = 0; k < this.slots.length; k++) this.stop(k);
    if (sharedPool === this) sharedPool = undefined;
  }
}

function contextOf(byId: Map<number, Arena>, participant: number): WorkerContext {
  return {
    worker: participant,
    memory(id: number): Arena {
      const a = byId.get(id);
      assert(a !== undefined, `memory ${id} is not in the task's set`);
      return a;
    },
  };
}

/** The liveness probe of {@link WorkerPool.awaitReply}: false once the worker's end of `port` is gone. */
function probe(port: MessagePort): boolean {
  return (port.postMessage(0) as unknown) === true;
}

function lostWorker(): PgError {
  return new PgError(SQLSTATE.internal_error, 'lost connection to parallel worker');
}

/** The error a worker's failure is rethrown as in the calling thread. */
export function failureToError(f: TaskFailure): PgError {
  if (f.pg && f.code !== undefined) {
    return new PgError(f.code, f.message, {
      ...(f.detail !== undefined ? { detail: f.detail } : {}),
      ...(f.hint !== undefined ? { hint: f.hint } : {}),
      ...(f.position !== undefined ? { position: Number(f.position) } : {}),
      where: f.where !== undefined ? `${f.where}\nparallel worker` : 'parallel worker',
    });
  }
  const e = new PgError(SQLSTATE.internal_error, f.message, { where: 'parallel worker' });
  if (f.stack !== undefined) e.stack = f.stack;
  return e;
}

/** A task's exception as it crosses threads. */
export function errorToFailure(e: unknown): TaskFailure {
  if (e instanceof PgError) {
    const f: TaskFailure = { pg: true, code: e.code, message: e.message };
    if (e.detail !== undefined) f.detail = e.detail;
    if (e.hint !== undefined) f.hint = e.hint;
    if (e.where !== undefined) f.where = e.where;
    if (e.position !== undefined) f.position = e.position;
    return f;
  }
  if (e instanceof Error) return e.stack !== undefined ? { pg: false, message: e.message, stack: e.stack } : { pg: false, message: e.message };
  return { pg: false, message: String(e) };
}
