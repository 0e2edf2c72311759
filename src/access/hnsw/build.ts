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
import { hnswKernelName } from './kernel.js';
import { paddedElements, vectorFormat } from './layout.js';

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
  const st = newBuildState(input);
  const participants = parallelParticipants(input, st);
  st.buildParticipants = participants;
  try {
    if (participants > 1) buildParallel(input, st, participants);
    else buildSerial(input, st);
  } catch (e) {
    // Out of memory (53200), a bad value or a lost worker: the half-built graph goes back to the arena.
    st.dispose();
    throw e;
  }
  return new HnswIndex(st);
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
  const st = newBuildState(input);
  const total = input.rowCount;
  const report = input.onProgress;
  if (st.graph.kernel.name !== 'wasm-simd') {
    try {
      buildSerial(input, st);
    } catch (e) {
      st.dispose();
      throw e;
    }
    const index = new HnswIndex(st);
    return { done: Promise.resolve(index), tuplesDone: () => total, cancel: () => undefined };
  }
  const inRanges = input.forEachRowIn !== undefined && input.rowIdEnd !== undefined;
  try {
    report?.({ phase: PHASE, tuplesTotal: total, tuplesDone: 0 });
    if (!inRanges) appendNodes(input, st);
  } catch (e) {
    st.dispose();
    throw e;
  }
  let link: AsyncLink | null = null;
  let stopped = false;
  const canceled = (): PgError => new PgError(SQLSTATE.query_canceled, 'canceling statement due to user request');
  const run = async (): Promise<VectorIndex> => {
    if (inRanges) {
      const append = appender(st);
      for (let from = 0; from < input.rowIdEnd!; from += APPEND_SLICE_ROWS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (stopped) throw canceled();
        input.forEachRowIn!(from, from + APPEND_SLICE_ROWS, append);
      }
    }
    if (stopped) throw canceled();
    const pool = WorkerPool.shared();
    st.buildParticipants = pool.idle ? 1 + pool.size : 1;
    link = linkAsync(st, pool, 0, st.graph.count, input.callerJoins === true);
    await link.done;
    if (link.stopped) throw canceled();
    report?.({ phase: PHASE, tuplesTotal: total, tuplesDone: total });
    return new HnswIndex(st);
  };
  const done = run().catch((e: unknown) => {
    // Out of memory (53200), a bad value, a lost worker or a cancel: the graph goes back to the arena.
    st.dispose();
    throw e;
  });
  return {
    done,
    tuplesDone: () => (link === null ? 0 : (link as AsyncLink).linked()),
    cancel: () => {
      stopped = true;
      (link as AsyncLink | null)?.stop();
    },
  };
}

/** The empty graph of a build, after the dimension checks. */
function newBuildState(input: BuildInput): HnswState {
  const { dim, opclass } = input;
  if (!(dim > 0)) throw new PgError(SQLSTATE.invalid_parameter_value, 'column does not have dimensions');
  // Bits are 1/32 of a float: pgvector's bit opclasses allow 64,000 where vector allows 2,000.
  // sparsevec: the dimension count does not size anything (keys are their non-zeros), so the
  // type's own limit, as pgvector's sparsevec typeInfo (SPARSEVEC_MAX_DIM).
  const maxDim = opclass.kind === 'bit' ? INDEX_MAX_BITS : opclass.kind === 'sparsevec' ? SPARSEVEC_MAX_DIM : INDEX_MAX_DIM;
  if (dim > maxDim) {
    throw new PgError(SQLSTATE.program_limit_exceeded, `column cannot have more than ${maxDim} dimensions for hnsw index`);
  }
  return new HnswState(dim, opclass, input.options as HnswOptions, input.seed, input.rowCount);
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

function buildSerial(input: BuildInput, st: HnswState): void {
  const sc = st.pool.acquire(Math.max(input.rowCount, 1));
  const total = input.rowCount;
  let done = 0;
  const report = input.onProgress;
  report?.({ phase: PHASE, tuplesTotal: total, tuplesDone: 0 });
  st.graph.allocBuildCache(total);
  try {
    input.forEachRow((rowId, vec) => {
      insertVector(st, sc, rowId, vec);
      done++;
      if (report !== undefined && done % PROGRESS_EVERY === 0) {
        report({ phase: PHASE, tuplesTotal: total, tuplesDone: done });
      }
    });
  } finally {
    st.graph.freeBuildCache();
    st.pool.release(sc);
  }
  report?.({ phase: PHASE, tuplesTotal: total, tuplesDone: done });
}

/** Appends a node (record, level drawn in table order, upper lists) for every row, unlinked. */
function appendNodes(input: BuildInput, st: HnswState): void {
  input.forEachRow(appender(st));
}

/** The row callback that appends one row's node, unlinked. */
function appender(st: HnswState): (rowId: number, key: VectorKey) => void {
  const graph = st.graph;
  return (rowId, key) => {
    const vec = st.prepare(key);
    if (vec === null) return;
    st.reserveRow(rowId);
    const node = graph.addNode(rowId, vec, randomLevel(st));
    st.setNode(rowId, node);
  };
}

/**
 * Appends every node (records, levels drawn in table order as the serial build draws them,
 * upper lists), then links them on `participants` threads (parallel.ts).
 */
function buildParallel(input: BuildInput, st: HnswState, participants: number): void {
  const total = input.rowCount;
  const report = input.onProgress;
  report?.({ phase: PHASE, tuplesTotal: total, tuplesDone: 0 });
  appendNodes(input, st);
  const graph = st.graph;
  const nodes = graph.count;
  graph.allocBuildCache(nodes);
  try {
    insertInParallel(st, WorkerPool.shared(), participants, 0, nodes, report === undefined ? undefined : (done) => report({ phase: PHASE, tuplesTotal: total, tuplesDone: done }));
  } finally {
    graph.freeBuildCache();
  }
  report?.({ phase: PHASE, tuplesTotal: total, tuplesDone: total });
}
