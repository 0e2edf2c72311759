/**
 * CREATE INDEX ... USING ivfflat off the event loop (CREATE INDEX CONCURRENTLY, and a plain
 * CREATE INDEX that would build on workers: access/am.ts buildAsync): the phases of build.ts,
 * with the calling thread free for other sessions between short steps.
 *
 * 1. sample: the rows below `input.rowIdEnd` are read in ranges of {@link READ_SLICE_ROWS}
 *    row ids, one range per turn of the event loop, into the same reservoir sample as the
 *    serial build (build.ts sampler);
 * 2. k-means: one pool task on one worker (kmeans-task.ts: serial, the centers of the serial
 *    build); while the pool runs another call, the build waits for it to be free (polling
 *    every {@link POOL_WAIT_MS} ms); with no pool at all it runs here, on the calling thread;
 * 3. assign and load: a batch of rows (a range of row ids, at most {@link LOAD_BATCH_BYTES} of
 *    prepared vectors) is read into one block, its nearest centers found on the pool's
 *    workers (parallel.ts assignAsync; the calling thread joins with `input.callerJoins`, or
 *    does it alone in slices while the pool is busy), then each row is appended to its list
 *    in table order; at the end the lists are shrunk to fit.
 *
 * Rows are read in the two passes only: one that died between them is simply not indexed,
 * and the caller reconciles rows that changed since the snapshot (sql/exec
 * index_build_concurrent.ts). The lists hold the rows of the serial build's lists, in the same
 * order. `cancel()` is seen between steps (and after each k-means iteration on the worker);
 * the half-built structure is freed then.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { WorkerPool } from '../../kernels/workers.js';
import type { AsyncBuild, BuildInput, BuildSizes, VectorIndex } from '../am.js';
import { loadBatchBytes, startBuild, littleData, PARALLEL_MIN_BYTES_DEFAULT, sampler, sampleSize } from './build.js';
import { IvfflatIndex, ivfVectorBytes } from './ivfflat-index.js';
import { kmeans, kmeansScratchBytes } from './kmeans.js';
import { kmeansBits } from './kmeans-bits.js';
import { KMEANS, type KmeansTaskArgs } from './kmeans-task.js';
import type { IvfflatOptions } from './options.js';
import { ASSIGN_HAMMING, ASSIGN_L2SQ, ASSIGN_NEG_DOT, assignAsync, assignScratch, assignScratchBytes, buildParticipants, CLAIM_VECTORS, type AssignArgs } from './parallel.js';

/** Row ids read per turn of the event loop while sampling (a few milliseconds of 100-d rows). */
export const READ_SLICE_ROWS = 4096;
/** How often a build waiting for the pool looks again, milliseconds. */
export const POOL_WAIT_MS = 2;

const PHASE_KMEANS = 'building index: performing k-means';
const PHASE_ASSIGN = 'building index: assigning tuples';
const PHASE_LOAD = 'building index: loading tuples';

/**
 * True when the serial build of `input` would run on worker threads (build.ts: its vectors
 * reach `parallelMinBytes` and the pool has workers): a plain CREATE INDEX then builds off the
 * event loop (IndexAm.buildsOnWorkers).
 */
export function ivfflatBuildsOnWorkers(input: BuildSizes): boolean {
  const rowBytes = ivfVectorBytes(input.opclass.kind === 'bit', input.dim);
  return buildParticipants(input.parallelWorkers ?? 0, input.rowCount * rowBytes, input.parallelMinBytes ?? PARALLEL_MIN_BYTES_DEFAULT, () => WorkerPool.shared().size) > 1;
}

/**
 * Starts the build of `input`'s rows off the event loop (module comment).
 * @throws PgError as build.ts for the dimension checks; 53200 when the lists' first blocks or
 *   the sample do not fit. `done` rejects with 57014 after `cancel()`, 53200, XX000 (a lost
 *   worker), or what reading a row threw.
 */
export function buildIvfflatAsync(input: BuildInput): AsyncBuild {
  const { dim, bits, k, spherical, total, report, prng, rowBytes, lists } = startBuild(input);
  const end = input.rowIdEnd ?? 0;
  const arena = lists.arena;
  const pool = WorkerPool.shared();
  const want = sampleSize(k, total);
  // The sample, the k-means scratch and the stop word, held until the k-means ended.
  const kmBytes = want * rowBytes + kmeansScratchBytes(want, k, rowBytes, 1) + 4;
  let kmPtr: number;
  try {
    kmPtr = arena.alloc(kmBytes, 'IVFFlat k-means');
  } catch (e) {
    lists.dispose();
    throw e;
  }
  const stopPtr = kmPtr + kmBytes - 4;
  arena.i32()[stopPtr >>> 2] = 0;
  let stopped = false;
  let done = 0;
  let index: IvfflatIndex | null = null;
  let kmHeld = true;
  const turn = async (): Promise<void> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (stopped) throw canceled();
  };
  const run = async (): Promise<VectorIndex> => {
    report?.({ phase: PHASE_KMEANS, tuplesTotal: 0, tuplesDone: 0 });
    const sample = sampler(input, lists, kmPtr, want, prng);
    for (let from = 0; from < end; from += READ_SLICE_ROWS) {
      await turn();
      input.forEachRowIn!(from, from + READ_SLICE_ROWS, sample.add);
    }
    const n = sample.count();
    if (n < k) littleData(input);
    const scratchPtr = kmPtr + want * rowBytes;
    if (pool.size === 0) {
      if (bits) kmeansBits(arena, kmPtr, n, rowBytes, dim, k, prng, lists.centersPtr, undefined, scratchPtr);
      else kmeans(arena, kmPtr, n, dim, k, spherical, prng, lists.centersPtr, undefined, undefined, scratchPtr);
    } else {
      while (!pool.idle) {
        await new Promise<void>((resolve) => setTimeout(resolve, POOL_WAIT_MS));
        if (stopped) throw canceled();
      }
      const args: KmeansTaskArgs = {
        mem: arena.id, bits, samplesPtr: kmPtr, n, vecBytes: rowBytes, dim, k, spherical, prng: prng.state(), centersPtr: lists.centersPtr, scratchPtr, stopPtr,
      };
      await pool.runAsync<number>(KMEANS, [args], { memories: [arena] });
    }
    if (stopped) throw canceled();
    arena.free(kmPtr, kmBytes);
    kmHeld = false;
    const ix = new IvfflatIndex(dim, input.opclass, input.options as IvfflatOptions, lists);
    index = ix;
    report?.({ phase: PHASE_ASSIGN, tuplesTotal: total, tuplesDone: 0 });
    await assignAndLoad(ix);
    report?.({ phase: PHASE_LOAD, tuplesTotal: total, tuplesDone: done });
    ix.lists.shrinkToFit();
    return ix;
  };
  /** Phase 3 (module comment), batch by batch. */
  const assignAndLoad = async (ix: IvfflatIndex): Promise<void> => {
    const vecBytes = ix.vecBytes;
    const cap = Math.max(2 * CLAIM_VECTORS, Math.floor(loadBatchBytes() / vecBytes));
    const workers = Math.min(pool.size, Math.max(1, input.parallelWorkers ?? 0));
    const blockBytes = cap * (vecBytes + 4) + assignScratchBytes(k, workers + 1);
    const block = arena.alloc(blockBytes, 'IVFFlat build');
    try {
      const assignPtr = block + cap * vecBytes;
      const step: AssignArgs = {
        mem: arena.id, kind: ix.bits ? ASSIGN_HAMMING : ix.negate ? ASSIGN_NEG_DOT : ASSIGN_L2SQ, vecsPtr: block, vecBytes, count: 0, rangeDim: ix.rangeDim,
        centersPtr: ix.lists.centersPtr, k, assignPtr, ...assignScratch(assignPtr + cap * 4, k, workers + 1),
        boundsPtr: 0, bounded: false, maxMove: 0, maxMoveCenter: -1, secondMove: 0,
      };
      const rows = new Int32Array(cap);
      let m = 0;
      const add = (rowId: number, key: Parameters<IvfflatIndex['insert']>[1]): void => {
        done++;
        if (!ix.prepareInto(key, block + m * vecBytes)) return; // not indexed (ivfflat-index.ts insert)
        rows[m++] = rowId;
      };
      // A range of `cap` row ids yields at most `cap` rows: one block each.
      for (let from = 0; from < end; from += cap) {
        await turn();
        m = 0;
        input.forEachRowIn!(from, from + cap, add);
        if (m === 0) continue;
        step.count = m;
        arena.i32().fill(-1, assignPtr >>> 2, (assignPtr >>> 2) + m);
        const onWorkers = workers > 0 && pool.idle && m >= 2 * CLAIM_VECTORS ? workers : 0;
        await assignAsync(arena, step, pool, onWorkers, input.callerJoins === true);
        if (stopped) throw canceled();
        const a = arena.i32();
        for (let t = 0; t < m; t++) ix.appendPrepared(rows[t]!, a[(assignPtr >>> 2) + t]!, block + t * vecBytes);
        report?.({ phase: PHASE_ASSIGN, tuplesTotal: total, tuplesDone: done });
      }
    } finally {
      arena.free(block, blockBytes);
    }
  };
  const result = run().catch((e: unknown) => {
    // Out of memory (53200), a bad value, a lost worker or a cancel: everything goes back.
    if (kmHeld) arena.free(kmPtr, kmBytes);
    if (index === null) lists.dispose();
    else (index as IvfflatIndex).dispose();
    throw e;
  });
  return {
    done: result,
    tuplesDone: () => done,
    cancel: () => {
      stopped = true;
      // The stop word lives in the k-means block: only while it is held.
      if (kmHeld) Atomics.store(arena.i32(), stopPtr >>> 2, 1);
    },
  };
}

function canceled(): PgError {
  return new PgError(SQLSTATE.query_canceled, 'canceling statement due to user request');
}
