/**
 * Parallel HNSW build (pgvector's hnswbuild.c parallel phase, hnswlib's concurrent addPoint):
 * the leader (the calling thread) and up to `max_parallel_maintenance_workers` pool workers
 * (kernels/workers.ts) insert the nodes of one graph concurrently, in the WebAssembly kernel,
 * over the graph's shared memory.
 *
 * Two phases. (1) The leader appends every node: its record (vector, level from the index's
 * seeded generator in table order, exactly the levels and node numbers of a serial build),
 * its zeroed upper lists, the rowId -> node map; then one scratch per participant covering
 * every node, and the lock words. Everything is allocated before any worker starts, so nothing
 * grows or moves in the memory during (2): the participants claim nodes in ascending order, in
 * chunks of {@link CLAIM_NODES} from a shared counter, and run the kernel's INSERT on each,
 * with a spin lock per node around every read or rewrite of its neighbour lists and a lock on
 * the entry point and max level (assembly/hnsw.ts, "locks of a parallel build"). The leader
 * inserts the first {@link SERIAL_PREFIX_NODES} nodes alone before the others join.
 *
 * Claiming chunks rather than a fixed split: nodes still go in in (nearly) table order, as in
 * the serial build, and a participant that the operating system deschedules on a busy machine
 * does not hold up the others at the end. The graph is not bit-reproducible (which participant
 * links which node first depends on timing; hnswlib's and pgvector's parallel builds are not
 * reproducible either) but is as good: the tests compare recall@10 with the serial build's.
 * A serial build (one participant) never takes a lock and is byte-identical to what it was.
 *
 * Progress: the leader reports the count of inserted nodes (all participants') every
 * {@link PROGRESS_EVERY} of them, as the serial build does.
 */
import { assert } from '../../common/assert.js';
import type { Arena } from '../../kernels/arena.js';
import { HALF_TO_F32 } from '../../kernels/half.js';
import { defineTask, type WorkerContext, type WorkerPool } from '../../kernels/workers.js';
import { hnswKernelOf } from './kernel.js';
import { G_CHUNK_SHIFT, G_ELOCK, G_L0, G_LOCKS, G_METRIC, G_REC, METRIC_HALF_L1, METRIC_HALF_L2SQ, METRIC_HALF_NEG_DOT } from './layout.js';
import type { Scratch } from './scratch.js';
import type { HnswState } from './state.js';

/** Nodes a participant claims at a time: large enough that the counter is not contended. */
export const CLAIM_NODES = 16;
/**
 * Nodes the leader inserts alone before the others join: the first nodes make the upper
 * layers that every later search descends through, and inserted concurrently into a nearly
 * empty graph they find too little to link to (measured on clustered bit data: recall@10 0.02
 * below the serial build's without it, at 2,000 rows). 0.3% of a 340,000-row build.
 */
export const SERIAL_PREFIX_NODES = 1024;
const PROGRESS_EVERY = 1000;

/** What one participant is given (structured-clonable, except the leader's `report`). */
export interface InsertTaskArgs {
  /** Id of the graph's memory. */
  mem: number;
  /** Graph header pointer. */
  g: number;
  /** This participant's scratch header and query buffer pointers. */
  s: number;
  q: number;
  /** Nodes first .. end - 1 are to be inserted. */
  first: number;
  end: number;
  /** Byte pointers of the claim counter and the done counter (i32 words). */
  claimPtr: number;
  donePtr: number;
  /** Elements of a node vector (dimP) when the graph stores binary16 (widened into `q`), else 0. */
  widenHalf: number;
  /** The leader's progress callback (participant 0 only; never sent to a worker). */
  report?: (done: number) => void;
  /** Return once at least this many nodes were inserted (a slice of the calling thread's time); absent: until none is left. */
  maxNodes?: number;
}

/**
 * One participant: claims chunks of nodes and inserts each with the graph kernel. The query of
 * an insertion is the node's own record (vector and bit graphs; a sparse node's descriptor is
 * itself a query descriptor), or its float32 widening for binary16 graphs.
 */
export function insertNodesTask(a: InsertTaskArgs, ctx: WorkerContext): number {
  const arena = ctx.memory(a.mem);
  const kernel = hnswKernelOf(arena);
  // The TypeScript twin takes no locks: it must never run concurrently.
  assert(kernel.name === 'wasm-simd', 'a parallel HNSW insert runs the WebAssembly kernel');
  const i32 = arena.i32();
  const u32 = arena.u32();
  const g = a.g >>> 2;
  const chunks = u32[g + G_L0]! >>> 2;
  const shift = u32[g + G_CHUNK_SHIFT]!;
  const mask = 2 ** shift - 1;
  const rec = u32[g + G_REC]!;
  const f32 = arena.f32();
  const u16 = arena.u16();
  let inserted = 0;
  let nextReport = PROGRESS_EVERY;
  for (;;) {
    if (a.maxNodes !== undefined && inserted >= a.maxNodes) break;
    const start = a.first + Atomics.add(i32, a.claimPtr >>> 2, CLAIM_NODES);
    if (start >= a.end) break;
    const stop = Math.min(a.end, start + CLAIM_NODES);
    for (let n = start; n < stop; n++) {
      const ptr = u32[chunks + (n >>> shift)]! + (n & mask) * rec;
      let q = ptr;
      if (a.widenHalf > 0) {
        const h = ptr >>> 1;
        const o = a.q >>> 2;
        for (let i = 0; i < a.widenHalf; i++) f32[o + i] = HALF_TO_F32[u16[h + i]!]!;
        q = a.q;
      }
      kernel.insert(a.g, a.s, n, q);
    }
    inserted += stop - start;
    const done = Atomics.add(i32, a.donePtr >>> 2, stop - start) + stop - start;
    if (a.report !== undefined && done >= nextReport) {
      a.report(done);
      nextReport = (Math.floor(done / PROGRESS_EVERY) + 1) * PROGRESS_EVERY;
    }
  }
  return inserted;
}

export const INSERT_NODES = defineTask(import.meta.url, 'insertNodesTask', insertNodesTask);

/**
 * Inserts nodes `first` .. `end - 1` of `st`'s graph (appended, not yet linked) on
 * `participants` threads of `pool` (the caller is one). Allocates the scratch areas and the
 * lock words first; frees the lock words and clears the header's lock fields afterwards, also
 * on error.
 * @throws PgError 53200 when the scratch or lock words do not fit (nothing was linked then);
 *   XX000 when a worker is lost (the caller discards the graph).
 */
export function insertInParallel(st: HnswState, pool: WorkerPool, participants: number, first: number, end: number, report?: (done: number) => void): void {
  assert(participants >= 2 && end >= first, 'parallel insert shape');
  const arena: Arena = st.graph.arena;
  const link = acquireLink(st, participants, first, end);
  const { args } = link;
  try {
    if (report !== undefined) args[0]!.report = report;
    const prefixEnd = Math.min(end, first + SERIAL_PREFIX_NODES);
    insertNodesTask({ ...args[0]!, end: prefixEnd }, { worker: 0, memory: () => arena });
    arena.i32()[link.claimPtr >>> 2] = 0;
    for (const a of args) a.first = prefixEnd;
    if (prefixEnd < end) pool.runSync<number>(INSERT_NODES, args, { memories: [arena] });
  } finally {
    releaseLink(st, link);
  }
}

/** The scratch areas and lock words of one link phase, and its participants' task arguments. */
interface LinkMemory {
  scratches: Scratch[];
  locks: number;
  lockBytes: number;
  /** The claim counter (word after the per-node locks); the done counter follows it. */
  claimPtr: number;
  args: InsertTaskArgs[];
}

/**
 * Allocates `participants` scratch areas and the lock words (one per node, then the claim and
 * done counters) for linking nodes `first` .. `end - 1` of `st`'s graph, and points the graph
 * header at the lock words. Nothing stays allocated when it throws.
 * @throws PgError 53200 when the scratch or lock words do not fit.
 */
function acquireLink(st: HnswState, participants: number, first: number, end: number): LinkMemory {
  const graph = st.graph;
  // Concurrent INSERTs rewrite lists that no one records (changes.ts): the next save is whole.
  graph.changes.markWhole();
  const arena: Arena = graph.arena;
  const count = graph.count;
  const scratches: Scratch[] = [];
  const lockBytes = (count + 2) * 4;
  let locks: number;
  try {
    for (let p = 0; p < participants; p++) scratches.push(st.pool.acquire(count));
    locks = arena.alloc(lockBytes, 'HNSW build');
  } catch (e) {
    for (const sc of scratches) st.pool.release(sc);
    throw e;
  }
  const gw = graph.g >>> 2;
  const i32 = arena.i32();
  i32[gw + G_ELOCK] = 0;
  i32[gw + G_LOCKS] = locks;
  const metric = i32[gw + G_METRIC]!;
  const half = metric === METRIC_HALF_L2SQ || metric === METRIC_HALF_NEG_DOT || metric === METRIC_HALF_L1;
  const claimPtr = locks + count * 4;
  const args: InsertTaskArgs[] = scratches.map((sc) => ({
    mem: arena.id, g: graph.g, s: sc.s, q: sc.q, first, end, claimPtr, donePtr: claimPtr + 4, widenHalf: half ? graph.dimP : 0,
  }));
  return { scratches, locks, lockBytes, claimPtr, args };
}

/** Clears the graph header's lock fields and frees what {@link acquireLink} allocated. */
function releaseLink(st: HnswState, link: LinkMemory): void {
  const arena: Arena = st.graph.arena;
  const i32 = arena.i32();
  const gw = st.graph.g >>> 2;
  i32[gw + G_LOCKS] = 0;
  i32[gw + G_ELOCK] = 0;
  arena.free(link.locks, link.lockBytes);
  for (const sc of link.scratches) st.pool.release(sc);
  st.pool.trim();
}

/**
 * Nodes the calling thread links between two turns of the event loop during a concurrent
 * build (one claim): about 1-3 ms of 100-d GloVe at m = 16 on a quiet core, the longest
 * another session's statement waits for it.
 */
export const SLICE_NODES = CLAIM_NODES;

/** The state of a link phase running off the event loop ({@link linkAsync}). */
export interface AsyncLink {
  /** Settles when every node is linked, or when the link was stopped (then `stopped` is true). */
  readonly done: Promise<void>;
  /** Nodes linked so far. */
  linked(): number;
  /** Stops the link after the nodes being linked now (a worker finishes its claimed chunk). */
  stop(): void;
  readonly stopped: boolean;
}

/**
 * Links nodes `first` .. `end - 1` of `st`'s graph (appended, not yet linked) without blocking
 * the event loop. The first {@link SERIAL_PREFIX_NODES} go in on one participant alone (a pool
 * worker when the pool is idle, else the calling thread), then the pool's workers
 * ({@link WorkerPool.runAsync}) and, with `leader`, the calling thread claim chunks from one
 * counter; the calling thread links one chunk ({@link SLICE_NODES}) per
 * turn of the event loop (`setImmediate` between), so other sessions' statements run between
 * its slices. `leader` false (the default): the calling thread takes no part after the prefix
 * while workers link. Measured on 20,000 GloVe rows on a busy 2-core machine with one pool
 * worker (bench/concurrent_build.ts): with the calling thread joining, the build took 1.13x a
 * plain CREATE INDEX's time and another session's p99 latency was 45 ms (a slice of 16 nodes
 * between its queries); without it, 1.9x and 36 ms p99 but 20x as many of its queries ran
 * during the build. A concurrent build exists to keep other sessions going, so by default it
 * leaves them the calling thread. The claim counter doubles as the stop flag:
 * {@link AsyncLink.stop} sets it past the end, so every participant returns after its current
 * chunk. Scratch and lock words are allocated before anything runs and freed when it settles,
 * also on error (as {@link insertInParallel}); the caller must not touch the graph until
 * `done` settles.
 * @throws PgError 53200 when the scratch or lock words do not fit (nothing was linked then).
 */
export function linkAsync(st: HnswState, pool: WorkerPool, first: number, end: number, leader = false): AsyncLink {
  const arena: Arena = st.graph.arena;
  const workers = pool.idle ? pool.size : 0;
  const link = acquireLink(st, 1 + workers, first, end);
  const { args, claimPtr } = link;
  const donePtr = claimPtr + 4;
  const ctx: WorkerContext = { worker: 0, memory: () => arena };
  let stopped = false;
  let settled = false;
  /** The calling thread's part: one slice per turn of the event loop until no node is left. */
  const slices = async (a: InsertTaskArgs): Promise<void> => {
    const slice = { ...a, maxNodes: SLICE_NODES };
    while (!stopped && insertNodesTask(slice, ctx) > 0) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const run = async (): Promise<void> => {
    const prefixEnd = Math.min(end, first + SERIAL_PREFIX_NODES);
    // The prefix on one worker when the pool is free, else on this thread in slices.
    if (workers > 0 && pool.idle) await pool.runAsync<number>(INSERT_NODES, [{ ...args[1]!, end: prefixEnd }], { memories: [arena] });
    else await slices({ ...args[0]!, end: prefixEnd });
    if (stopped || prefixEnd >= end) return;
    Atomics.store(arena.i32(), claimPtr >>> 2, 0);
    for (const a of args) a.first = prefixEnd;
    if (workers === 0 || !pool.idle) {
      await slices(args[0]!);
      return;
    }
    const onWorkers = pool.runAsync<number>(INSERT_NODES, args.slice(1), { memories: [arena] });
    // Awaited below, after the calling thread's slices: handled now so an early failure is not
    // reported as unhandled meanwhile.
    onWorkers.catch(() => undefined);
    // The calling thread joins between other work (its errors wait for the workers to stop).
    let failed: unknown = null;
    if (leader) await slices(args[0]!).catch((e: unknown) => {
      failed = e;
      Atomics.store(arena.i32(), claimPtr >>> 2, end);
    });
    await onWorkers;
    if (failed !== null) throw failed;
  };
  const done = run().finally(() => {
    settled = true;
    releaseLink(st, link);
  });
  return {
    done,
    linked: () => (settled ? (stopped ? 0 : end - first) : Atomics.load(arena.i32(), donePtr >>> 2)),
    stop: () => {
      if (stopped || settled) return;
      stopped = true;
      // Past the end for every participant's next claim (first + claim >= end).
      Atomics.store(arena.i32(), claimPtr >>> 2, end);
    },
    get stopped() {
      return stopped;
    },
  };
}
