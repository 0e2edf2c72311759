/**
 * CREATE INDEX ... USING hnsw (pgvector hnswbuild.c): inserts every row in table order into a
 * graph preallocated for the row count, reporting progress every 1,000 rows. The level
 * sequence comes from `input.seed`, so a serial build over the same rows is reproducible.
 *
 * A build whose keys are at least `parallelMinBytes` (8 MB by default, PostgreSQL's
 * min_parallel_table_scan_size, the size from which plan_create_index_workers gives an index
 * build any worker: below it the build takes well under a second, and starting workers costs
 * a few milliseconds) runs on 1 + min(parallelWorkers, pool size) participants (parallel.ts).
 * Builds stay serial with the TypeScript kernel (VECGRES_KERNELS=js).
 *
 * Serial and parallel builds give the WebAssembly kernel a neighbour-distance cache for their
 * duration (graph.ts allocBuildCache): the same graph with far fewer distance computations.
 *
 * An index estimated larger than most of one memory is built as partitions, each in a memory
 * of its own, one after another (partitions.ts): the rows in table order, split in equal
 * shares; a parallel build appends every partition's nodes, then links each partition on all
 * participants in turn.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { INDEX_MAX_BITS, INDEX_MAX_DIM } from '../../common/limits.js';
import { WorkerPool } from '../../kernels/workers.js';
import type { AsyncBuild, BuildInput, BuildSizes, VectorIndex, VectorKey } from '../am.js';
import { SPARSEVEC_MAX_DIM } from '../../types/sparsevec.js';
import { HnswIndex } from './hnsw-index.js';
import { insertVector, randomLevel } from './insert.js';
import type { HnswOptions } from './options.js';
import { insertInParallel, linkAsync, type AsyncLink } from './parallel.js';
import { HnswState, metricCode } from './state.js';
import type { Scratch } from './scratch.js';
import { hnswKernelName } from './kernel.js';
import { paddedElements, vectorFormat } from './layout.js';
import { newPartition, partitionPlan, PartitionRouter } from './partitions.js';

const PROGRESS_EVERY = 1000;
/** PostgreSQL's min_parallel_table_scan_size default: 1024 pages of 8 kB. */
export const PARALLEL_MIN_BYTES_DEFAULT = 8 * 2 ** 20;
const PHASE = 'building index: loading tuples';

/**
 * Builds the index over `input`'s rows.
 * @throws PgError 22023 `column does not have dimensions` when dim is unknown (0), 54000 when
 *   dim exceeds 16,000 (64,000 bits for bit opclasses, 1e9 for sparsevec); 53200 when the
 *   graph does not fit; XX000 when a parallel worker is lost. Nothing is left behind on error.
 */
export function buildHnsw(input: BuildInput): HnswIndex {
  const { parts, rowsEach } = newBuildStates(input);
  const participants = parallelParticipants(input, parts[0]!);
  try {
    if (participants > 1) buildParallel(input, parts, rowsEach, participants);
    else buildSerial(input, parts, rowsEach);
  } catch (e) {
    // Out of memory (53200), a bad value or a lost worker: the half-built graphs go back to their memories.
    for (const st of parts) st.dispose();
    throw e;
  }
  for (const st of parts) st.buildParticipants = participants;
  return new HnswIndex(parts[0]!, parts.slice(1));
}

/** Rows appended per turn of the event loop by a concurrent build that reads in ranges. */
const APPEND_SLICE_ROWS = 4096;

/**
 * CREATE INDEX CONCURRENTLY's build: appends every row's node (record, level, upper lists) on
 * the calling thread, as the parallel build's first phase (in ranges of
 * {@link APPEND_SLICE_ROWS} rows between turns of the event loop when the input offers
 * `forEachRowIn`, else before returning), then links them off the event loop (parallel.ts
 * `linkAsync`: the pool's workers when it is idle, else the calling thread in short slices).
 * With the TypeScript kernel (no locks, so no concurrent linking) the build is the serial one
 * and `done` is already resolved.
 * @throws PgError as {@link buildHnsw} for the dimension checks and while rows are appended.
 */
export function buildHnswAsync(input: BuildInput): AsyncBuild {
  const { parts, rowsEach } = newBuildStates(input);
  const total = input.rowCount;
  const report = input.onProgress;
  if (parts[0]!.graph.kernel.name !== 'wasm-simd') {
    try {
      buildSerial(input, parts, rowsEach);
    } catch (e) {
      for (const st of parts) st.dispose();
      throw e;
    }
    const index = new HnswIndex(parts[0]!, parts.slice(1));
    return { done: Promise.resolve(index), tuplesDone: () => total, cancel: () => undefined };
  }
  const inRanges = input.forEachRowIn !== undefined && input.rowIdEnd !== undefined;
  const router = new PartitionRouter(parts, rowsEach, appendNode);
  const append = (rowId: number, key: VectorKey): void => router.add(rowId, key);
  try {
    report?.({ phase: PHASE, tuplesTotal: total, tuplesDone: 0 });
    if (!inRanges) input.forEachRow(append);
  } catch (e) {
    for (const st of parts) st.dispose();
    throw e;
  }
  let link: AsyncLink | null = null;
  /** Nodes of the partitions linked before the one `link` links. */
  let linkedBefore = 0;
  let stopped = false;
  const canceled = (): PgError => new PgError(SQLSTATE.query_canceled, 'canceling statement due to user request');
  const run = async (): Promise<VectorIndex> => {
    if (inRanges) {
      for (let from = 0; from < input.rowIdEnd!; from += APPEND_SLICE_ROWS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (stopped) throw canceled();
        input.forEachRowIn!(from, from + APPEND_SLICE_ROWS, append);
      }
    }
    if (stopped) throw canceled();
    router.dropEmpty();
    const pool = WorkerPool.shared();
    // One partition after another, each on every participant (partitions.ts).
    for (const st of parts) {
      st.buildParticipants = pool.idle ? 1 + pool.size : 1;
      link = linkAsync(st, pool, 0, st.graph.count, input.callerJoins === true);
      await link.done;
      if (link.stopped) throw canceled();
      linkedBefore += st.graph.count;
      link = null;
    }
    report?.({ phase: PHASE, tuplesTotal: total, tuplesDone: total });
    return new HnswIndex(parts[0]!, parts.slice(1));
  };
  const done = run().catch((e: unknown) => {
    // Out of memory (53200), a bad value, a lost worker or a cancel: the graphs go back to their memories.
    for (const st of parts) st.dispose();
    throw e;
  });
  return {
    done,
    tuplesDone: () => linkedBefore + (link === null ? 0 : (link as AsyncLink).linked()),
    cancel: () => {
      stopped = true;
      (link as AsyncLink | null)?.stop();
    },
  };
}

/**
 * The empty graphs of a build, after the dimension checks: one (in a memory shared with other
 * indexes), or the partitions of partitions.ts partitionPlan, each in a memory of its own,
 * all allocated before any row is read; `rowsEach` is each one's share of the rows (Infinity
 * for one graph).
 * @throws PgError 53200 when they do not fit (`vecgres.memory_limit`); nothing stays allocated.
 */
function newBuildStates(input: BuildInput): { parts: HnswState[]; rowsEach: number } {
  const { dim, opclass } = input;
  if (!(dim > 0)) throw new PgError(SQLSTATE.invalid_parameter_value, 'column does not have dimensions');
  // Bits are 1/32 of a float: pgvector's bit opclasses allow 64,000 where vector allows 2,000.
  // sparsevec: the dimension count does not size anything (keys are their non-zeros), so the
  // type's own limit, as pgvector's sparsevec typeInfo (SPARSEVEC_MAX_DIM).
  const maxDim = opclass.kind === 'bit' ? INDEX_MAX_BITS : opclass.kind === 'sparsevec' ? SPARSEVEC_MAX_DIM : INDEX_MAX_DIM;
  if (dim > maxDim) {
    throw new PgError(SQLSTATE.program_limit_exceeded, `column cannot have more than ${maxDim} dimensions for hnsw index`);
  }
  const options = input.options as HnswOptions;
  const plan = partitionPlan(input.rowCount, dim, opclass, options);
  if (plan.count === 1) return { parts: [new HnswState(dim, opclass, options, input.seed, input.rowCount)], rowsEach: Infinity };
  const parts = [new HnswState(dim, opclass, options, input.seed, plan.rowsEach, true)];
  try {
    while (parts.length < plan.count) parts.push(newPartition(parts, plan.rowsEach));
  } catch (e) {
    for (const st of parts) st.dispose();
    throw e;
  }
  return { parts, rowsEach: plan.rowsEach };
}

/** 1 + the workers this build gets (1: serial), see the module comment. */
function parallelParticipants(input: BuildInput, st: HnswState): number {
  const workers = input.parallelWorkers ?? 0;
  if (workers <= 0 || st.graph.kernel.name !== 'wasm-simd') return 1;
  if (input.rowCount * st.graph.hdrBytes < (input.parallelMinBytes ?? PARALLEL_MIN_BYTES_DEFAULT)) return 1;
  return 1 + Math.min(workers, WorkerPool.shared().size);
}

/**
 * True when {@link buildHnsw} of `input` would run on worker threads: the test of
 * {@link parallelParticipants}, from the sizes alone (no graph is allocated), and a pool that
 * has workers (IndexAm.buildsOnWorkers).
 */
export function hnswBuildsOnWorkers(input: BuildSizes): boolean {
  if ((input.parallelWorkers ?? 0) <= 0 || hnswKernelName !== 'wasm-simd') return false;
  const metric = metricCode(input.opclass);
  const hdrBytes = paddedElements(metric, input.dim) * vectorFormat(metric).elemBytes;
  if (input.rowCount * hdrBytes < (input.parallelMinBytes ?? PARALLEL_MIN_BYTES_DEFAULT)) return false;
  return WorkerPool.shared().size > 0;
}

/**
 * Inserts every row in table order into its partition (one partition: the whole build), each
 * partition with one scratch and the build cache for its share while its rows go in.
 */
function buildSerial(input: BuildInput, parts: HnswState[], rowsEach: number): void {
  const total = input.rowCount;
  let done = 0;
  const report = input.onProgress;
  report?.({ phase: PHASE, tuplesTotal: total, tuplesDone: 0 });
  let sc: Scratch | null = null;
  const enter = (next: HnswState | null, prev: HnswState | null): void => {
    if (prev !== null) {
      prev.graph.freeBuildCache();
      if (sc !== null) prev.pool.release(sc);
      sc = null;
    }
    if (next === null) return;
    const share = Number.isFinite(rowsEach) ? rowsEach : total;
    sc = next.pool.acquire(Math.max(share, 1));
    next.graph.allocBuildCache(share);
  };
  const router = new PartitionRouter(parts, rowsEach, (st, rowId, vec) => {
    insertVector(st, sc!, rowId, vec);
  }, enter);
  try {
    input.forEachRow((rowId, vec) => {
      router.add(rowId, vec);
      done++;
      if (report !== undefined && done % PROGRESS_EVERY === 0) {
        report({ phase: PHASE, tuplesTotal: total, tuplesDone: done });
      }
    });
  } finally {
    router.finish();
  }
  router.dropEmpty();
  report?.({ phase: PHASE, tuplesTotal: total, tuplesDone: done });
}

/** Appends one row's node to `st`'s graph (record, level, upper lists), unlinked. */
function appendNode(st: HnswState, rowId: number, key: VectorKey): void {
  const vec = st.prepare(key);
  if (vec === null) return;
  st.reserveRow(rowId);
  const node = st.graph.addNode(rowId, vec, randomLevel(st));
  st.setNode(rowId, node);
}

/**
 * Appends every node (records, levels drawn in table order as the serial build draws them,
 * upper lists) to its partition, then links each partition's on `participants` threads
 * (parallel.ts), one partition after another.
 */
function buildParallel(input: BuildInput, parts: HnswState[], rowsEach: number, participants: number): void {
  const total = input.rowCount;
  const report = input.onProgress;
  report?.({ phase: PHASE, tuplesTotal: total, tuplesDone: 0 });
  const router = new PartitionRouter(parts, rowsEach, appendNode);
  input.forEachRow((rowId, key) => router.add(rowId, key));
  router.dropEmpty();
  let before = 0;
  for (const st of parts) {
    const graph = st.graph;
    const nodes = graph.count;
    graph.allocBuildCache(nodes);
    try {
      const base = before;
      insertInParallel(st, WorkerPool.shared(), participants, 0, nodes, report === undefined ? undefined : (done) => report({ phase: PHASE, tuplesTotal: total, tuplesDone: base + done }));
    } finally {
      graph.freeBuildCache();
    }
    before += nodes;
  }
  report?.({ phase: PHASE, tuplesTotal: total, tuplesDone: total });
}
