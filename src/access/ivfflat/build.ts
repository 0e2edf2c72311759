/**
 * CREATE INDEX ... USING ivfflat (pgvector ivfbuild.c), single-threaded:
 *
 * 1. sample: a reservoir sample (Vitter's Algorithm R, seeded) of `lists * 50` rows, at least
 *    10,000, at most the table (pgvector's rule), copied into the arena (unit length for
 *    inner product and cosine);
 * 2. k-means on the sample (kmeans.ts; for bit_hamming_ops kmeans-bits.ts, Hamming distances
 *    and per-bit majorities as pgvector) -> `lists` centers;
 * 3. every row goes to the list of its nearest center, its vector copied into the list: rows
 *    are prepared a batch of {@link LOAD_BATCH_BYTES} at a time into one block, their nearest
 *    centers found by the blocked nearest-center kernel (parallel.ts, kernels/fast.ts
 *    nearestCenters: many rows against all centers as a small matrix product), then appended
 *    to their lists in table order.
 *
 * A build whose vectors are at least `parallelMinBytes` (PostgreSQL's
 * min_parallel_table_scan_size, 8 MB by default, the rule of the HNSW build) finds nearest
 * centers on 1 + min(parallelWorkers, pool size) participants (parallel.ts): the assignment
 * step of every k-means iteration, and each batch of rows. The centers and lists are exactly
 * those of the serial build.
 *
 * Progress phases are pgvector's (`building index: performing k-means`, `... assigning
 * tuples`, `... loading tuples`). With fewer rows than lists, pgvector's NOTICE `ivfflat index
 * created with little data` goes to `input.onNotice`.
 */
import { assert } from '../../common/assert.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import { INDEX_MAX_BITS, INDEX_MAX_DIM } from '../../common/limits.js';
import { Prng } from '../../common/prng.js';
import { memories } from '../../kernels/memories.js';
import { WorkerPool } from '../../kernels/workers.js';
import type { BuildInput, BuildProgress, VectorKey } from '../am.js';
import { asFloat32, hasNorm, IvfflatIndex, ivfVectorBytes } from './ivfflat-index.js';
import { kmeans, normalizeAt } from './kmeans.js';
import { kmeansBits } from './kmeans-bits.js';
import { IvfLists } from './lists.js';
import type { IvfflatOptions } from './options.js';
import { assign, ASSIGN_HAMMING, ASSIGN_L2SQ, ASSIGN_NEG_DOT, assignScratch, assignScratchBytes, buildParticipants, CLAIM_VECTORS, type Parallelism } from './parallel.js';

/** Samples per list (pgvector: "Target 50 samples per list, with at least 10000 samples"). */
export const SAMPLES_PER_LIST = 50;
export const SAMPLES_MIN = 10000;

/** PostgreSQL's min_parallel_table_scan_size default: 1024 pages of 8 kB. */
export const PARALLEL_MIN_BYTES_DEFAULT = 8 * 2 ** 20;
/**
 * Bytes of prepared vectors per parallel assignment of rows: large enough that a call's
 * start-up (a message per worker) is small against its work, small enough to add little to
 * the build's memory (10,000 rows of 100-d).
 */
export const LOAD_BATCH_BYTES = 4 * 2 ** 20;

/**
 * Bytes of prepared vectors per batch of rows: {@link LOAD_BATCH_BYTES}, at most a sixteenth
 * of a memory (the batch goes in the index's first memory, beside the centers; tests make
 * memories of a few MiB, kernels/memories.ts memoryBytesMax).
 */
export function loadBatchBytes(): number {
  return Math.min(LOAD_BATCH_BYTES, Math.floor(memories.memoryBytesMax / 16));
}

/**
 * Samples x lists x dimensions from which k-means iterations run on the build's participants
 * too (below it on the leader alone; the centers are the same either way): an iteration then
 * takes at least about a quarter second of one core, against which waking the workers and
 * waiting for the last of them, which a loaded machine may not schedule for a while, is small.
 * Measured on GloVe (17,000 samples x 340 lists x 100-d, 0.58e9, about 60 ms an iteration
 * with the blocked kernel) under a load average of 22 on 2 cores: k-means took 1.7 s of CPU
 * and 5.3-5.9 s on 2 participants against 1.2 s and 3.4 s on one.
 */
export const KMEANS_PARALLEL_MIN_WORK = 2 ** 31;

/** The sample size for `lists` lists over `rows` rows (pgvector's rule; at least 1 slot). */
export function sampleSize(lists: number, rows: number): number {
  return Math.max(1, Math.min(Math.max(lists * SAMPLES_PER_LIST, SAMPLES_MIN), rows));
}

/**
 * What the serial and the off-thread builds (build-async.ts) start from: the checked dimension
 * (`bits`: true for bit vectors), the number of lists, whether the metric works on the unit
 * sphere (ip, cosine: centers normalized), the table's rows, the progress callback, the seeded
 * generator, bytes per stored vector and the lists, sized for every row.
 * @throws PgError as {@link checkDimensions}.
 */
export function startBuild(input: BuildInput) {
  const { dim, opclass } = input;
  const bits = checkDimensions(input);
  const k = (input.options as IvfflatOptions).lists;
  const spherical = opclass.metric === 'ip' || opclass.metric === 'cosine';
  const total = input.rowCount;
  const rowBytes = ivfVectorBytes(bits, dim);
  const lists = new IvfLists(k, rowBytes, (k + total) * (rowBytes + 4));
  return { dim, bits, k, spherical, total, report: input.onProgress, prng: new Prng(input.seed), rowBytes, lists };
}

/**
 * Builds the index over `input`'s rows.
 * @throws PgError 22023 `column does not have dimensions` when dim is unknown (0), 54000 when
 *   dim exceeds the index limit (16,000; 64,000 bits for bit_hamming_ops, pgvector's
 *   IVFFLAT_MAX_DIM * 32), 53200 when the arena cannot hold the sample or the lists; XX000
 *   when a parallel worker is lost. Nothing is left behind on error.
 */
export function buildIvfflat(input: BuildInput): IvfflatIndex {
  const { dim, bits, k, spherical, total, report, prng, rowBytes, lists } = startBuild(input);
  const participants = buildParticipants(input.parallelWorkers ?? 0, total * rowBytes, input.parallelMinBytes ?? PARALLEL_MIN_BYTES_DEFAULT, () => WorkerPool.shared().size);
  const par: Parallelism | undefined = participants > 1 ? { pool: WorkerPool.shared(), participants } : undefined;
  let index: IvfflatIndex | null = null;
  const want = sampleSize(k, total);
  let samplesPtr: number;
  try {
    samplesPtr = lists.arena.alloc(want * rowBytes, 'IVFFlat k-means samples');
  } catch (e) {
    lists.dispose();
    throw e;
  }
  let samplesHeld = true;
  try {
    report?.({ phase: 'building index: performing k-means', tuplesTotal: 0, tuplesDone: 0 });
    const sample = sampler(input, lists, samplesPtr, want, prng);
    input.forEachRow(sample.add);
    const n = sample.count();
    if (n < k) littleData(input);
    const kmeansPar = n * k * dim >= (input.kmeansParallelMinWork ?? KMEANS_PARALLEL_MIN_WORK) ? par : undefined;
    if (bits) kmeansBits(lists.arena, samplesPtr, n, rowBytes, dim, k, prng, lists.centersPtr, kmeansPar);
    else kmeans(lists.arena, samplesPtr, n, dim, k, spherical, prng, lists.centersPtr, undefined, kmeansPar);
    lists.arena.free(samplesPtr, want * rowBytes);
    samplesHeld = false;
    index = new IvfflatIndex(dim, input.opclass, input.options as IvfflatOptions, lists);
    const ix = index;
    report?.({ phase: 'building index: assigning tuples', tuplesTotal: total, tuplesDone: 0 });
    const assigned = assignBatched(input, ix, par, report);
    loadRows(input, ix, assigned, report);
    return ix;
  } catch (e) {
    // Out of memory (53200) or a bad value: everything built so far goes back to the memory.
    if (samplesHeld) lists.arena.free(samplesPtr, want * rowBytes);
    if (index === null) lists.dispose();
    else index.dispose();
    throw e;
  }
}

/**
 * The dimension checks of a build.
 * @returns true for bit_hamming_ops (packed bits), false for float keys.
 * @throws PgError 22023 `column does not have dimensions`, 54000 past the index limit.
 */
export function checkDimensions(input: BuildInput): boolean {
  const { dim, opclass } = input;
  if (!(dim > 0)) throw new PgError(SQLSTATE.invalid_parameter_value, 'column does not have dimensions');
  const bits = opclass.kind === 'bit';
  const maxDim = bits ? INDEX_MAX_BITS : INDEX_MAX_DIM;
  if (dim > maxDim) {
    throw new PgError(SQLSTATE.program_limit_exceeded, `column cannot have more than ${maxDim} dimensions for ivfflat index`);
  }
  return bits;
}

/** pgvector's NOTICE when the sample holds fewer rows than lists. */
export function littleData(input: BuildInput): void {
  input.onNotice?.({
    message: 'ivfflat index created with little data',
    detail: 'This will cause low recall.',
    hint: 'Drop the index until the table has more data.',
  });
}

/**
 * The k-means sample of a build: `add` is the row callback of a reservoir sample (Vitter's
 * Algorithm R with `prng`) of `want` rows into `want` vectors at `samplesPtr` of the lists'
 * memory (unit length for inner product and cosine; rows cosine does not index are skipped);
 * `count()` is how many it holds.
 */
export function sampler(input: BuildInput, lists: IvfLists, samplesPtr: number, want: number, prng: Prng): { add: (rowId: number, key: VectorKey) => void; count: () => number } {
  const { dim, opclass } = input;
  const bits = opclass.kind === 'bit';
  const rowBytes = ivfVectorBytes(bits, dim);
  const spherical = opclass.metric === 'ip' || opclass.metric === 'cosine';
  const cosine = opclass.metric === 'cosine';
  let seen = 0;
  return {
    count: () => Math.min(seen, want),
    add: (_rowId, key) => {
      const vec = bits ? null : asFloat32(key, dim);
      if (cosine && !hasNorm(vec!, dim)) return; // not indexed (ivfflat-index.ts insert)
      let slot = seen;
      if (seen >= want) {
        slot = prng.int(seen + 1);
      }
      seen++;
      if (slot >= want) return;
      if (vec === null) {
        const u8 = lists.arena.u8();
        const o = samplesPtr + slot * rowBytes;
        u8.fill(0, o, o + rowBytes);
        u8.set((key as Uint8Array).subarray(0, Math.ceil(dim / 8)), o);
        return;
      }
      const f = lists.arena.f32();
      const o = (samplesPtr + slot * rowBytes) >>> 2;
      f.set(vec.subarray(0, dim), o);
      if (spherical) normalizeAt(f, o, dim);
    },
  };
}

/**
 * The rows' assignment, in batches (module comment): the leader prepares a batch of rows into
 * one block (as {@link IvfflatIndex.insert} prepares one), the participants (the leader alone
 * when `par` is undefined) find each one's nearest center with the blocked kernel
 * (parallel.ts). Returns the list of every indexed row in table order; reports progress after
 * every batch.
 * @throws PgError 53200 when the batch block does not fit; XX000 when a worker is lost.
 */
function assignBatched(input: BuildInput, ix: IvfflatIndex, par: Parallelism | undefined, report: ((p: BuildProgress) => void) | undefined): Int32Array {
  const arena = ix.lists.arena;
  const vecBytes = ix.vecBytes;
  const k = ix.lists.lists;
  const cap = Math.max(1, Math.min(Math.max(input.rowCount, 1), Math.max(2 * CLAIM_VECTORS, Math.floor(loadBatchBytes() / vecBytes))));
  const participants = par?.participants ?? 1;
  const blockBytes = cap * (vecBytes + 4) + assignScratchBytes(k, participants);
  const block = arena.alloc(blockBytes, 'IVFFlat build');
  const assignPtr = block + cap * vecBytes;
  const scratch = assignScratch(assignPtr + cap * 4, k, participants);
  const kind = ix.bits ? ASSIGN_HAMMING : ix.negate ? ASSIGN_NEG_DOT : ASSIGN_L2SQ;
  let listOf = new Int32Array(Math.max(16, input.rowCount));
  let indexed = 0;
  let m = 0;
  let done = 0;
  const flush = (): void => {
    if (m === 0) return;
    const step = { mem: arena.id, kind, vecsPtr: block, vecBytes, count: m, rangeDim: ix.rangeDim, centersPtr: ix.lists.centersPtr, k, assignPtr, ...scratch,
      boundsPtr: 0, bounded: false, maxMove: 0, maxMoveCenter: -1, secondMove: 0 };
    arena.i32().fill(-1, assignPtr >>> 2, (assignPtr >>> 2) + m);
    assign(arena, step, par);
    if (indexed + m > listOf.length) {
      const grown = new Int32Array(Math.max(indexed + m, listOf.length * 2));
      grown.set(listOf);
      listOf = grown;
    }
    listOf.set(arena.i32().subarray(assignPtr >>> 2, (assignPtr >>> 2) + m), indexed);
    indexed += m;
    m = 0;
    report?.({ phase: 'building index: assigning tuples', tuplesTotal: input.rowCount, tuplesDone: done });
  };
  try {
    input.forEachRow((_rowId, key) => {
      done++;
      if (!ix.prepareInto(key, block + m * vecBytes)) return; // not indexed (ivfflat-index.ts insert)
      m++;
      if (m === cap) flush();
    });
    flush();
  } finally {
    arena.free(block, blockBytes);
  }
  return listOf.subarray(0, indexed);
}

/**
 * Loads the rows into their lists (pgvector's "loading tuples"): each list is allocated once
 * at its final size from the assignment's counts (in the index's first memory while it has
 * room, then in the next; a list larger than a memory in chunks: lists.ts), then a second pass over the rows prepares
 * each indexed row straight into its list's next slot, in table order. One block per list and
 * no copies: growing lists by doubling and shrinking them at the end allocated, zeroed and
 * copied the vectors about three times over (measured: a fifth of the serial build's CPU).
 * @throws PgError 53200 when a list does not fit under `vecgres.memory_limit` (the lists
 *   allocated so far stay with the index, which the caller disposes).
 */
function loadRows(input: BuildInput, ix: IvfflatIndex, listOf: Int32Array, report: ((p: BuildProgress) => void) | undefined): void {
  const lists = ix.lists;
  const counts = new Int32Array(lists.lists);
  for (let t = 0; t < listOf.length; t++) counts[listOf[t]!]!++;
  for (let l = 0; l < lists.lists; l++) lists.reserveExact(l, counts[l]!);
  report?.({ phase: 'building index: loading tuples', tuplesTotal: input.rowCount, tuplesDone: 0 });
  const every = Math.max(1, Math.floor(LOAD_BATCH_BYTES / ix.vecBytes));
  let t = 0;
  let done = 0;
  input.forEachRow((rowId, key) => {
    done++;
    if (t < listOf.length) {
      const l = listOf[t]!;
      const c = lists.chunkAt(l, lists.count[l]!);
      if (ix.prepareInto(key, lists.chunkVectorPtr(c, lists.chunkOffset), lists.chunkArena(c))) {
        lists.appendWritten(l, rowId);
        ix.reserveRow(rowId);
        ix.rowList[rowId] = l + 1;
        t++;
      }
    }
    if (report !== undefined && done % every === 0) report({ phase: 'building index: loading tuples', tuplesTotal: input.rowCount, tuplesDone: done });
  });
  assert(t === listOf.length, 'ivfflat build: the rows changed between the assignment and the load');
  report?.({ phase: 'building index: loading tuples', tuplesTotal: input.rowCount, tuplesDone: done });
}
