/**
 * HNSW searches on pool workers ahead of execution: the wire server's and the embedded API's
 * awaiting runner (engine/database.ts `runPortal` / `runScript`) asks each HNSW index scan of a
 * statement's cached plan whose query is known before execution to start its first search here
 * ({@link HnswIndex.searchAhead}), awaits them while the main thread serves other sessions,
 * then executes the plan; the scan takes the precomputed batch (scan.ts) instead of searching.
 * The search is the same kernel call the scan makes (`search(g, s, q, ef, 0)` over the same
 * graph, scratch layout and query bytes), so on the same graph the result is the same, id for
 * id and distance for distance.
 *
 * Batching: the pool runs one call at a time (WorkerPool.runAsync), so the searches submitted
 * while one batch runs form the next batch, one task message per worker for all of them (a
 * k-NN search costs 0.1-0.5 ms; a message round trip costs tens of microseconds). When the
 * pool is taken by other work (a concurrent index build, a parallel exact scan) the searches
 * are given up at once and run on the main thread as before.
 *
 * Concurrency with writes (the main thread links new nodes while a worker searches):
 * - lists: while a batch over a graph runs, its header's lock-word pointer (layout.ts G_LOCKS)
 *   points at one lock word per node of the graph's capacity, the words the parallel build
 *   uses (parallel.ts): the main thread's INSERT takes a node's lock around every read or
 *   rewrite of its lists and the search takes it around every read, so a search never reads a
 *   half-written list. A node's vector, level and upper lists are written before any list
 *   names it, and the lock's atomic release publishes them. Between batches the pointer is 0
 *   and inserts take no lock (the serial path, byte-identical).
 * - entry point and max level: INSERT stores them atomically, entry point first; the search
 *   reads them atomically, max level first (assembly/hnsw.ts `search`).
 * - memory that moves or is freed (growth past the records' capacity, the upper pool's growth,
 *   vacuum, REINDEX, DROP, dispose): the graph's `beforeChange` hook {@link quiesce}s first:
 *   it raises the batch's stop flag (searches not started yet are given up), blocks until the
 *   workers are out of the graph (the longest wait is one search), and turns the locks off.
 *   Node ids keep their meaning across growth; vacuum and dispose move the state's
 *   `structureEpoch`, and a result found before that is not used.
 * - new scratch: the worker's visited array covers the nodes that existed when its scratch was
 *   taken; nodes linked later are skipped by the search (kernel: `n >= vcap`), never read past.
 *
 * A result is taken only by the scan whose graph, query bytes and ef match, in the statement
 * that started it, and only once. Rows are mapped and checked for visibility when the scan
 * reads them, as for a main-thread search; a row inserted after the search started may be
 * missing from its result, as it would be from a search that started first on the main thread.
 */
import { assert } from '../../common/assert.js';
import type { Arena } from '../../kernels/arena.js';
import { defineTask, type WorkerContext, type WorkerPool } from '../../kernels/workers.js';
import type { IndexSearchAhead } from '../am.js';
import { hnswKernelOf, scanMode } from './kernel.js';
import { G_ELOCK, G_LOCKS } from './layout.js';
import type { Scratch } from './scratch.js';
import type { HnswState } from './state.js';

/**
 * Graphs smaller than this search on the main thread: the round trip to a worker (a message
 * each way and a turn of the event loop, some tens of microseconds) is then about the search's
 * own cost. Measured (CPU time of the whole synchronous statement, random 100-d rows, cosine,
 * a loaded 2-core machine): 127 us at 1,000 rows and ef_search 40 (most of it the statement, not
 * the search), 317 us at 20,000 rows and ef_search 40, 404 us at ef_search 100.
 */
export const SEARCH_AHEAD_MIN_NODES = 1000;
/**
 * Searches one worker takes at a time. Small, so that the main thread, which takes the oldest
 * pending search in each turn of its event loop while the workers run a batch, shares the
 * searches with them instead of idling while one large batch runs (all sessions' queries
 * arrive in one burst when a batch completes): measured with 16 embedded sessions on 20,000
 * 100-d rows, one batch of everything pending left the main thread idle 65% of the time.
 */
const BATCH_MAX = 4;
/** Control words of a queue (shared with its workers): the stop flag, participants running. */
const CTL_STOP = 0;
const CTL_RUNNING = 1;
/** Wake-up period of a blocking quiesce; the last worker notifies at once. */
const QUIESCE_SLICE_MS = 50;
/** A worker that stays in a batch this long is lost: the quiesce fails loudly. */
const QUIESCE_MAX_MS = 60_000;

/**
 * Tests only: a smaller {@link SEARCH_AHEAD_MIN_NODES}; a gate that holds results back;
 * `workersOnly`, every search on a worker (the main thread never takes one); `holdWorker`, a
 * shared word a dispatched batch waits on (until it is non-zero, or the batch is stopped)
 * before it searches, so a test holds a worker inside a batch.
 */
export const searchAheadTestHooks: { minNodes: number | null; gate: Promise<void> | null; workersOnly: boolean; holdWorker: Int32Array | null } = {
  minNodes: null, gate: null, workersOnly: false, holdWorker: null,
};

/** One search started ahead (the statement's handle; am.ts IndexSearchAhead). */
export class HnswSearchAhead implements IndexSearchAhead {
  readonly settled: Promise<void>;
  /** The result once in: node ids and internal distances, ascending; null when given up. */
  nodes: Int32Array | null = null;
  dist: Float32Array | null = null;
  distanceCount = 0;
  private canceled = false;
  private taken = false;
  private resolve!: () => void;
  private onCancel: (() => void) | null = null;

  constructor(
    readonly state: HnswState,
    /** The query as the scan copies it into its scratch (scan.ts scanQuery). */
    readonly query: Uint8Array,
    readonly ef: number,
    /** The state's structureEpoch when the search was submitted. */
    readonly epoch: number,
    /** The scratch the worker searches with (taken on the main thread, released on completion). */
    readonly sc: Scratch,
    private readonly queue: SearchAheadQueue,
  ) {
    const done = new Promise<void>((resolve) => {
      this.resolve = resolve;
    });
    const gate = searchAheadTestHooks.gate;
    this.settled = gate === null ? done : Promise.all([done, Promise.race([gate, new Promise<void>((r) => {
      this.onCancel = r;
    })])]).then(() => undefined);
  }

  /** Drops the result (the statement stopped waiting); the worker's search is not interrupted. */
  cancel(): void {
    this.canceled = true;
    this.nodes = null;
    this.dist = null;
    this.onCancel?.();
  }

  /** The queue's completion: `n` results at the scratch's output, or -1 (not searched). */
  complete(n: number): void {
    if (n >= 0 && !this.canceled && this.state.structureEpoch === this.epoch) {
      const arena = this.state.graph.arena;
      const w = this.sc.outWord();
      const f = arena.f32();
      const i = arena.i32();
      const nodes = new Int32Array(n);
      const dist = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        dist[k] = f[w + 2 * k]!;
        nodes[k] = i[w + 2 * k + 1]!;
      }
      this.nodes = nodes;
      this.dist = dist;
      this.distanceCount = this.sc.distanceCount;
      this.queue.searched++;
    }
    if (!this.state.disposed) this.state.pool.release(this.sc);
    this.queue.completed();
    this.resolve();
  }

  /**
   * The result for a scan of `state` with `query` and `ef` (once): null when this search does
   * not answer it (another graph or query, given up, or the graph changed meaning since).
   */
  take(state: HnswState, query: Uint8Array, ef: number): { nodes: Int32Array; dist: Float32Array; distanceCount: number } | null {
    if (this.taken || this.nodes === null || state !== this.state || ef !== this.ef || state.structureEpoch !== this.epoch) return null;
    const q = this.query;
    if (q.length !== query.length) return null;
    for (let k = 0; k < q.length; k++) if (q[k] !== query[k]) return null;
    this.taken = true;
    this.queue.taken++;
    return { nodes: this.nodes, dist: this.dist!, distanceCount: this.distanceCount };
  }
}

/**
 * The searches ahead of one scan of a partitioned index (partitions.ts), one per partition
 * large enough for one: settled when all are, each taken by its partition's scan.
 */
export class PartitionSearchAhead implements IndexSearchAhead {
  readonly settled: Promise<void>;

  constructor(readonly parts: readonly HnswSearchAhead[]) {
    this.settled = Promise.all(parts.map((p) => p.settled)).then(() => undefined);
  }

  cancel(): void {
    for (const p of this.parts) p.cancel();
  }

  /** The HNSW searches among `ahead`, those of partitioned scans one by one. */
  static *flatten(ahead: readonly IndexSearchAhead[]): Generator<HnswSearchAhead> {
    for (const a of ahead) {
      if (a instanceof HnswSearchAhead) yield a;
      else if (a instanceof PartitionSearchAhead) yield* a.parts;
    }
  }
}

/** What one worker is sent: per search its memory id, graph, scratch, query pointer and ef. */
interface AheadTaskArgs {
  ctl: Int32Array;
  /** 6 words per search: mem, g, s, q, ef, mode (kernel.ts scanMode). */
  items: Int32Array;
  /** Tests: wait until word 0 is non-zero or the batch is stopped ({@link searchAheadTestHooks}). */
  hold?: Int32Array;
}

/**
 * A worker's part of a batch: each search in turn, until the stop flag is raised (the rest
 * answer -1). Decrements the running count and wakes a blocked quiesce when done.
 */
export function searchAheadTask(a: AheadTaskArgs, ctx: WorkerContext): Int32Array {
  const n = a.items.length / 6;
  const out = new Int32Array(n).fill(-1);
  try {
    if (a.hold !== undefined) while (Atomics.load(a.hold, 0) === 0 && Atomics.load(a.ctl, CTL_STOP) === 0) Atomics.wait(a.hold, 0, 0, 5);
    for (let k = 0; k < n; k++) {
      if (Atomics.load(a.ctl, CTL_STOP) !== 0) break;
      const it = 6 * k;
      const kernel = hnswKernelOf(ctx.memory(a.items[it]!));
      out[k] = kernel.search(a.items[it + 1]!, a.items[it + 2]!, a.items[it + 3]!, a.items[it + 4]!, a.items[it + 5]!);
    }
  } finally {
    Atomics.sub(a.ctl, CTL_RUNNING, 1);
    Atomics.notify(a.ctl, CTL_RUNNING);
  }
  return out;
}

export const SEARCH_AHEAD_TASK = defineTask(import.meta.url, 'searchAheadTask', searchAheadTask);

const queues = new WeakMap<WorkerPool, SearchAheadQueue>();

/**
 * The searches waiting for, and running on, one pool's workers. One per pool (the pool runs one
 * call at a time); it holds no scan's state, only handles until their batch completes.
 */
export class SearchAheadQueue {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(8));
  private pending: HnswSearchAhead[] = [];
  private running: HnswSearchAhead[] | null = null;
  /** Searches whose results came back (from a worker or the main thread), and those a scan took (monitoring, tests). */
  searched = 0;
  /** Batches stopped by a change to a graph ({@link quiesce}). */
  quiesces = 0;
  /** Of those, searches the main thread ran while the workers were busy. */
  mainSearches = 0;
  /** Searches submitted and not completed yet. */
  private outstanding = 0;
  private scheduled = false;
  taken = 0;
  /** Batches sent to the workers. */
  batches = 0;
  /** Graphs of the running batch whose lock words are on. */
  private readonly locked = new Set<HnswState>();

  private constructor(private readonly pool: WorkerPool) {}

  /** The queue of `pool`. */
  static of(pool: WorkerPool): SearchAheadQueue {
    let q = queues.get(pool);
    if (q === undefined) {
      q = new SearchAheadQueue(pool);
      queues.set(pool, q);
    }
    return q;
  }

  /** True when a search submitted now can run on a worker (the pool is free, or runs ours). */
  get available(): boolean {
    return this.pool.size > 0 && (this.running !== null || this.pool.idle);
  }

  /**
   * Queues `s`. It runs in the next turn of the event loop's check phase (after the I/O that
   * arrived meanwhile was handled, so other sessions' searches join it): see {@link tick}.
   */
  submit(s: HnswSearchAhead): void {
    this.pending.push(s);
    this.outstanding++;
    this.schedule();
  }

  /** A search submitted here completed (HnswSearchAhead.complete). */
  completed(): void {
    this.outstanding--;
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => this.tick());
  }

  /**
   * Who searches what, once per turn of the event loop while searches wait:
   * - the workers are free and more than one search is outstanding: three quarters of the
   *   pending ones go to them, at most {@link BATCH_MAX} a worker, and the main thread runs
   *   the oldest of the rest;
   * - a single search in the whole process (one client): the main thread runs it at once, as
   *   the scan would have (a worker round trip would only add its latency);
   * - the workers are busy with a batch (or the pool with other work): the main thread runs
   *   the oldest pending search itself, one a turn, so it never idles while searches wait;
   *   the workers take the rest when their batch ends ({@link finish}).
   */
  private tick(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    if (this.running === null && this.pool.idle && (this.outstanding > 1 || searchAheadTestHooks.workersOnly)) this.pump();
    if (searchAheadTestHooks.workersOnly) return;
    if (this.pending.length > 0) this.searchHere(this.pending.shift()!);
    this.schedule();
  }

  /** Runs `s` on the main thread with the same kernel call a worker makes. */
  private searchHere(s: HnswSearchAhead): void {
    if (s.state.disposed || s.state.structureEpoch !== s.epoch) {
      s.complete(-1);
      return;
    }
    const g = s.state.graph;
    this.mainSearches++;
    s.complete(g.kernel.search(g.g, s.sc.s, s.sc.q, s.ef, scanMode(s.state.deletedCount, false)));
  }

  /** Starts the next batch on the workers (they are free). */
  private pump(): void {
    if (this.running !== null || this.pending.length === 0 || !this.pool.idle) return;
    const share = searchAheadTestHooks.workersOnly ? this.pending.length : Math.max(1, Math.floor((this.pending.length * 3) / 4));
    const taken = this.pending.splice(0, Math.min(share, this.pool.size * BATCH_MAX));
    const batch: HnswSearchAhead[] = [];
    for (const s of taken) {
      // A graph dropped or vacuumed since, or whose lock words do not fit: the main thread searches.
      let ok = !s.state.disposed && s.state.structureEpoch === s.epoch;
      if (ok && !this.locked.has(s.state)) {
        try {
          this.lock(s.state);
        } catch {
          ok = false;
        }
      }
      if (ok) batch.push(s);
      else s.complete(-1);
    }
    if (batch.length === 0) return;
    const workers = Math.min(this.pool.size, batch.length);
    const arenas = new Map<number, Arena>();
    const lists: number[][] = Array.from({ length: workers }, () => []);
    for (let k = 0; k < batch.length; k++) {
      const s = batch[k]!;
      const g = s.state.graph;
      arenas.set(g.arena.id, g.arena);
      lists[k % workers]!.push(g.arena.id, g.g, s.sc.s, s.sc.q, s.ef, scanMode(s.state.deletedCount, false));
    }
    Atomics.store(this.ctl, CTL_STOP, 0);
    Atomics.store(this.ctl, CTL_RUNNING, workers);
    this.running = batch;
    this.batches++;
    const hold = searchAheadTestHooks.holdWorker;
    const args: AheadTaskArgs[] = lists.map((items) => ({ ctl: this.ctl, items: Int32Array.from(items), ...(hold === null ? {} : { hold }) }));
    this.pool.runAsync<Int32Array>(SEARCH_AHEAD_TASK, args, { memories: [...arenas.values()] }).then(
      (outs) => this.finish(batch, workers, outs),
      () => this.finish(batch, workers, null),
    );
  }

  /** A batch settled: its results go to their handles, the locks go off, the next batch starts. */
  private finish(batch: HnswSearchAhead[], workers: number, outs: Int32Array[] | null): void {
    // The workers are out of the graphs (also when one was lost: it answers nothing more).
    Atomics.store(this.ctl, CTL_RUNNING, 0);
    this.unlockAll();
    this.running = null;
    for (let k = 0; k < batch.length; k++) batch[k]!.complete(outs === null ? -1 : (outs[k % workers]![Math.floor(k / workers)] ?? -1));
    // Keep the workers busy: what waits goes now, not at the next check phase.
    this.pump();
  }

  /**
   * Turns the lock words of `st`'s graph on for a batch: one word per node of its capacity
   * (growth past it quiesces first), allocated once and kept with the graph (HnswGraph
   * searchLocks; reallocated after growth, between batches, when every word is 0), and the
   * hook that quiesces before the graph changes.
   * @throws PgError 53200 when the lock words do not fit (nothing changed then).
   */
  private lock(st: HnswState): void {
    const g = st.graph;
    const arena = g.arena;
    assert(arena.i32()[(g.g >>> 2) + G_LOCKS] === 0, 'search ahead on a graph with lock words in use');
    if (g.searchLockNodes < g.capacity) {
      const nodes = Math.max(1, g.capacity);
      const ptr = arena.alloc(nodes * 4, 'HNSW scan');
      if (g.searchLocks !== 0) arena.free(g.searchLocks, g.searchLockNodes * 4);
      arena.i32().fill(0, ptr >>> 2, (ptr >>> 2) + nodes);
      g.searchLocks = ptr;
      g.searchLockNodes = nodes;
    }
    // No one holds the entry lock between batches (the main thread's inserts release it).
    arena.i32()[(g.g >>> 2) + G_ELOCK] = 0;
    arena.i32()[(g.g >>> 2) + G_LOCKS] = g.searchLocks;
    this.locked.add(st);
    g.beforeChange = () => this.quiesce();
  }

  private unlockAll(): void {
    for (const st of this.locked) {
      const g = st.graph;
      g.arena.i32()[(g.g >>> 2) + G_LOCKS] = 0;
      g.beforeChange = null;
    }
    this.locked.clear();
  }

  /**
   * Blocks until no worker runs a search of the running batch (the searches not started yet
   * are given up), then turns every lock word off. Called by a graph's `beforeChange` on the
   * main thread; the batch's results arrive later, as usual.
   */
  quiesce(): void {
    if (this.running === null) return;
    this.quiesces++;
    Atomics.store(this.ctl, CTL_STOP, 1);
    const deadline = Date.now() + QUIESCE_MAX_MS;
    for (;;) {
      const r = Atomics.load(this.ctl, CTL_RUNNING);
      if (r === 0) break;
      assert(Date.now() < deadline, 'an HNSW search on a pool worker did not stop');
      Atomics.wait(this.ctl, CTL_RUNNING, r, QUIESCE_SLICE_MS);
    }
    this.unlockAll();
  }
}
