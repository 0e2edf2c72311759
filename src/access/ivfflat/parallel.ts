/**
 * Parallel IVFFlat build (pgvector builds IVFFlat with parallel workers too, ivfbuild.c): the
 * work that grows with rows x lists, finding each vector's nearest center, runs on the leader
 * (the calling thread) and up to `max_parallel_maintenance_workers` pool workers
 * (kernels/workers.ts), over the index's shared memory, without copies. Two places use it:
 * every Lloyd iteration of k-means (each sample against every center: kmeans.ts,
 * kmeans-bits.ts) and the assignment of the table's rows to lists (build.ts).
 *
 * A call assigns `count` contiguous vectors: participants claim chunks of
 * {@link CLAIM_VECTORS} from a shared counter (a participant the operating system deschedules
 * on a busy machine does not hold up the others), and for each vector write the index of the
 * nearest center (first on ties) into a shared int32 array. Each vector's answer depends on
 * nothing but the vector and the centers, the same kernel computes it on every thread, and
 * the caller folds the results in vector order (sums of a k-means update, appends to lists)
 * on its own thread: a parallel build gives exactly the centers and lists of the serial one.
 * The only reduction across participants is the count of changed assignments, an integer sum.
 *
 * Everything the participants write (the assignment array, one distance buffer per
 * participant, the claim counter) is allocated by the caller before the call (workers never
 * allocate; kernels/workers.ts).
 */
import type { Arena } from '../../kernels/arena.js';
import { kernelsOf, NEAREST_RECORD_BYTES, type RangeKernel } from '../../kernels/fast.js';
import { defineTask, type WorkerContext, type WorkerPool } from '../../kernels/workers.js';

/** Vectors a participant claims at a time: a few milliseconds of work at 100 lists. */
export const CLAIM_VECTORS = 64;

/** Distances of an assignment: squared L2 (float k-means and l2 lists), negated inner product (ip / cosine lists), Hamming (bits). */
export const ASSIGN_L2SQ = 0;
export const ASSIGN_NEG_DOT = 1;
export const ASSIGN_HAMMING = 2;

/** One assignment over `count` vectors (structured-clonable: it goes to the workers as is). */
export interface AssignArgs {
  /** Id of the memory that holds everything below. */
  mem: number;
  /** ASSIGN_L2SQ, ASSIGN_NEG_DOT or ASSIGN_HAMMING. */
  kind: number;
  /** Byte offset of the first vector; vectors are `vecBytes` apart. */
  vecsPtr: number;
  vecBytes: number;
  count: number;
  /** The kernel's `dim` argument: elements for float32, bytes for bits. */
  rangeDim: number;
  /** Byte offset of the `k` centers, `vecBytes` apart. */
  centersPtr: number;
  k: number;
  /** Byte offset of `count` int32: the nearest center of each vector (read first, to count changes). */
  assignPtr: number;
  /**
   * Byte offset of participant p's scratch, {@link participantBytes} each: distsPtr + p *
   * participantBytes(k) (k float32 of distances, or row pointers and nearest-center records).
   */
  distsPtr: number;
  /** Byte offset of the int32 claim counter (0 before the call). */
  claimPtr: number;
  /** Byte offset of k float32: the centers' squared norms (ASSIGN_L2SQ; {@link assign} writes them). */
  cnormPtr: number;
  /**
   * k-means only: byte offset of the bounds block ({@link boundsBytes}; 0: none, every vector
   * against every center), and whether it holds bounds from the previous iteration (false:
   * this call computes them).
   */
  boundsPtr: number;
  bounded: boolean;
  /** The largest move of a center since the bounds were set, its center, and the second largest move. */
  maxMove: number;
  maxMoveCenter: number;
  secondMove: number;
}

/**
 * Participants a build gets: 1 (serial) when no worker is allowed or the vectors are smaller
 * than `minBytes` (PostgreSQL's min_parallel_table_scan_size: below it starting workers costs
 * more than it saves), else 1 + min(workers, the pool's size).
 */
export function buildParticipants(workers: number, vectorBytes: number, minBytes: number, poolSize: () => number): number {
  if (!(workers > 0) || vectorBytes < minBytes) return 1;
  return 1 + Math.min(workers, poolSize());
}

function rangeOf(arena: Arena, kind: number): RangeKernel {
  const k = kernelsOf(arena);
  return kind === ASSIGN_HAMMING ? k.hammingRange : kind === ASSIGN_NEG_DOT ? k.dotRange : k.l2sqRange;
}

/**
 * Bytes of the bounds block of a k-means over `n` vectors and `k` centers of `vecBytes`:
 *
 *   n float32     upper bound of each vector's distance to its center
 *   n float32     lower bound of its distance to any other center
 *   k float32     how far each center moved in the last update
 *   k float32     half the distance of each center to its nearest other center
 *   k x vecBytes  the centers before the last update
 */
export function boundsBytes(n: number, k: number, vecBytes: number): number {
  return 8 * n + 8 * k + k * vecBytes;
}

/** A kernel value as a metric distance (the triangle inequality holds): sqrt for squared L2. */
function metric(kind: number, x: number): number {
  return kind === ASSIGN_L2SQ ? Math.sqrt(x > 0 ? x : 0) : x;
}

/**
 * Assigns vectors `from` .. `to - 1` of `a`, with participant `p`'s distance buffer. Returns
 * how many of them changed center. The nearest center is the first of smallest distance (for
 * ASSIGN_NEG_DOT, of largest inner product), as kmeans.ts argMin on the negated distances.
 *
 * With bounds (k-means, squared L2 or Hamming: both give a metric), Hamerly's algorithm
 * ("Making k-means even faster", SDM 2010) skips the vectors whose center cannot have changed:
 * the upper bound u of the distance to its center grows by that center's move, the lower
 * bound l of the distance to any other shrinks by the largest other move, and when u is at
 * most max(l, half the gap from its center to the nearest other) no other center can be
 * nearer; otherwise u is made exact, and only if that does not settle it are all k distances
 * computed. Each vector's outcome depends on its own bounds only, so it is the same on any
 * participant. Bounds are float32 sums of float32 kernel values: a skip may keep a center
 * nearer than another by a rounding error, which changes no list a query probes.
 *
 * Measured on 17,000 GloVe samples (100-d, 340 centers): about 10% of the full assignments are
 * skipped over 25 iterations, because in high dimensions some center always moves far (the
 * largest move stays above 0.1 while the half gaps are about 0.37) and the one lower bound
 * falls with it; Elkan's per-center bounds would skip more, at n x k floats of memory.
 */
export function assignVectors(arena: Arena, a: AssignArgs, p: number, from: number, to: number): number {
  if (a.kind !== ASSIGN_HAMMING) return assignFloat(arena, a, p, from, to);
  const range = rangeOf(arena, a.kind);
  const k = a.k;
  const dist = a.distsPtr + p * participantBytes(k);
  const o = dist >>> 2;
  const aw = a.assignPtr >>> 2;
  const bounds = a.boundsPtr !== 0;
  const ub = a.boundsPtr >>> 2;
  const lb = ub + a.count;
  let changes = 0;
  for (let j = from; j < to; j++) {
    const vec = a.vecsPtr + j * a.vecBytes;
    if (bounds && a.bounded && settled(arena, a, range, j, vec, dist)) continue;
    range(vec, a.centersPtr, k, a.rangeDim, dist);
    const f = arena.f32();
    let best = 0;
    let bd = Infinity;
    let second = Infinity;
    for (let i = 0; i < k; i++) {
      const d = f[o + i]!;
      if (d < bd) {
        second = bd;
        bd = d;
        best = i;
      } else if (d < second) second = d;
    }
    if (bounds) {
      f[ub + j] = metric(a.kind, bd);
      f[lb + j] = metric(a.kind, second);
    }
    const i32 = arena.i32();
    if (i32[aw + j] !== best) {
      i32[aw + j] = best;
      changes++;
    }
  }
  return changes;
}

/**
 * Hamerly's test for vector `j` (at byte offset `vec`) with bounds from an earlier
 * assignment: loosens its bounds by the centers' moves, tightens the upper bound with one
 * exact distance (written at `dist`) when that may settle it, and returns true when its center
 * cannot have changed.
 */
function settled(arena: Arena, a: AssignArgs, range: RangeKernel, j: number, vec: number, dist: number): boolean {
  const ub = a.boundsPtr >>> 2;
  const lb = ub + a.count;
  const mv = lb + a.count;
  const gap = mv + a.k;
  const f = arena.f32();
  const c = arena.i32()[(a.assignPtr >>> 2) + j]!;
  let u = f[ub + j]! + f[mv + c]!;
  const l = f[lb + j]! - (c === a.maxMoveCenter ? a.secondMove : a.maxMove);
  const m = Math.max(f[gap + c]!, l);
  f[lb + j] = l;
  if (u > m) {
    range(vec, a.centersPtr + c * a.vecBytes, 1, a.rangeDim, dist);
    u = metric(a.kind, arena.f32()[dist >>> 2]!);
  }
  arena.f32()[ub + j] = u;
  return u <= m;
}

/**
 * {@link assignVectors} for float vectors: the vectors its bounds do not settle go, up to
 * {@link CLAIM_VECTORS} at a time, to one blocked nearest-center kernel call
 * (kernels/fast.ts nearestCenters: squared L2 from the centers' squared norms at
 * `a.cnormPtr`, or the negated inner product), which also gives the second distance for
 * Hamerly's lower bound. Participant p's scratch: CLAIM_VECTORS row pointers, then their
 * 12-byte results.
 */
function assignFloat(arena: Arena, a: AssignArgs, p: number, from: number, to: number): number {
  const fast = kernelsOf(arena);
  const range = rangeOf(arena, a.kind);
  const k = a.k;
  const part = a.distsPtr + p * participantBytes(k);
  const pw = part >>> 2;
  const res = part + CLAIM_VECTORS * 4;
  const rw = res >>> 2;
  const negdot = a.kind === ASSIGN_NEG_DOT ? 1 : 0;
  const aw = a.assignPtr >>> 2;
  const bounds = a.boundsPtr !== 0;
  const ub = a.boundsPtr >>> 2;
  const lb = ub + a.count;
  let changes = 0;
  for (let s = from; s < to; s += CLAIM_VECTORS) {
    const e = Math.min(to, s + CLAIM_VECTORS);
    let m = 0;
    for (let j = s; j < e; j++) {
      const vec = a.vecsPtr + j * a.vecBytes;
      if (bounds && a.bounded && settled(arena, a, range, j, vec, res)) continue;
      arena.i32()[pw + m++] = vec;
    }
    if (m === 0) continue;
    fast.nearestCenters(part, m, a.centersPtr, a.cnormPtr, k, a.rangeDim, negdot, res);
    const i32 = arena.i32();
    const f = arena.f32();
    for (let t = 0; t < m; t++) {
      const j = (i32[pw + t]! - a.vecsPtr) / a.vecBytes;
      const best = i32[rw + 3 * t]!;
      if (bounds) {
        f[ub + j] = metric(a.kind, f[rw + 3 * t + 1]!);
        f[lb + j] = metric(a.kind, f[rw + 3 * t + 2]!);
      }
      if (i32[aw + j] !== best) {
        i32[aw + j] = best;
        changes++;
      }
    }
  }
  return changes;
}

/**
 * After a k-means update (the previous centers copied to the bounds block first): writes each
 * center's move and half the gap to its nearest other center into the bounds block, and the
 * largest moves into `a`, for the next {@link assign} (Hamerly's bound updates). Runs on the
 * calling thread: k + k x k distances, small beside the n x k of an assignment.
 */
export function updateBounds(arena: Arena, a: AssignArgs): void {
  const range = rangeOf(arena, a.kind);
  const k = a.k;
  const mv = (a.boundsPtr >>> 2) + 2 * a.count;
  const gap = mv + k;
  const old = a.boundsPtr + 8 * a.count + 8 * k;
  const o = a.distsPtr >>> 2;
  let max = 0;
  let maxAt = -1;
  let second = 0;
  for (let c = 0; c < k; c++) {
    range(old + c * a.vecBytes, a.centersPtr + c * a.vecBytes, 1, a.rangeDim, a.distsPtr);
    const f = arena.f32();
    const d = metric(a.kind, f[o]!);
    f[mv + c] = d;
    if (d > max) {
      second = max;
      max = d;
      maxAt = c;
    } else if (d > second) second = d;
  }
  for (let c = 0; c < k; c++) {
    range(a.centersPtr + c * a.vecBytes, a.centersPtr, k, a.rangeDim, a.distsPtr);
    const f = arena.f32();
    let near = Infinity;
    for (let i = 0; i < k; i++) if (i !== c && f[o + i]! < near) near = f[o + i]!;
    f[gap + c] = near === Infinity ? Infinity : metric(a.kind, near) / 2;
  }
  // float32 rounding of the stored moves: round the maxima up a little so bounds stay safe.
  a.maxMove = max * (1 + 1e-6);
  a.maxMoveCenter = maxAt;
  a.secondMove = second * (1 + 1e-6);
  a.bounded = true;
}

/** One participant: claims chunks until every vector is assigned; returns its count of changes. */
export function assignTask(a: AssignArgs, ctx: WorkerContext): number {
  const arena = ctx.memory(a.mem);
  const i32 = arena.i32();
  let changes = 0;
  for (;;) {
    const start = Atomics.add(i32, a.claimPtr >>> 2, CLAIM_VECTORS);
    if (start >= a.count) break;
    changes += assignVectors(arena, a, ctx.worker, start, Math.min(a.count, start + CLAIM_VECTORS));
  }
  return changes;
}

export const ASSIGN = defineTask(import.meta.url, 'assignTask', assignTask);

/** Where an assignment runs: a pool and how many participants (the caller included). */
export interface Parallelism {
  pool: WorkerPool;
  participants: number;
}

/** Bytes of one participant's scratch: k distances, or a chunk's row pointers and nearest-center records (kernels/fast.ts). */
export function participantBytes(k: number): number {
  return 4 * Math.max(k, CLAIM_VECTORS * (1 + NEAREST_RECORD_BYTES / 4));
}

/** Bytes of scratch {@link assign} needs besides the assignment array: the participants', the claim word, the centers' norms. */
export function assignScratchBytes(k: number, participants: number): number {
  return participants * participantBytes(k) + 4 + 4 * k;
}

/** Where {@link assign}'s scratch parts lie in a block of {@link assignScratchBytes} at `ptr`. */
export function assignScratch(ptr: number, k: number, participants: number): { distsPtr: number; claimPtr: number; cnormPtr: number } {
  const claimPtr = ptr + participants * participantBytes(k);
  return { distsPtr: ptr, claimPtr, cnormPtr: claimPtr + 4 };
}

/**
 * Assigns every vector of `a` (the participants' scratch, the claim word and the centers'
 * norms laid out by {@link assignScratch}), on the calling thread alone or on
 * `par.participants` threads. Returns how many vectors changed center.
 * @throws XX000 when a worker is lost (kernels/workers.ts); nothing else.
 */
export function assign(arena: Arena, a: AssignArgs, par: Parallelism | undefined): number {
  if (a.kind === ASSIGN_L2SQ) kernelsOf(arena).sqNormRange(a.centersPtr, a.k, a.rangeDim, a.cnormPtr);
  if (par === undefined || par.participants <= 1 || a.count < 2 * CLAIM_VECTORS) return assignVectors(arena, a, 0, 0, a.count);
  arena.i32()[a.claimPtr >>> 2] = 0;
  const args: AssignArgs[] = [];
  for (let p = 0; p < par.participants; p++) args.push(a);
  const changes = par.pool.runSync<number>(ASSIGN, args, { memories: [arena] });
  let sum = 0;
  for (const c of changes) sum += c;
  return sum;
}

/**
 * As {@link assign}, without blocking the event loop (a build off the event loop,
 * build-async.ts): `workers` pool workers (participants 0 .. workers - 1, through
 * {@link WorkerPool.runAsync}) claim chunks of {@link CLAIM_VECTORS} from the shared counter,
 * and with `callerJoins` so does the calling thread, as participant `workers`, one chunk per
 * turn of the event loop. With `workers` 0 the calling thread assigns alone, one chunk per
 * turn. The scratch must be laid out for `workers + 1` participants ({@link assignScratch}).
 * Every vector's center is the one {@link assign} finds.
 * @throws (rejects with) XX000 when a worker is lost or the pool is not idle.
 */
export async function assignAsync(arena: Arena, a: AssignArgs, pool: WorkerPool, workers: number, callerJoins: boolean): Promise<void> {
  if (a.kind === ASSIGN_L2SQ) kernelsOf(arena).sqNormRange(a.centersPtr, a.k, a.rangeDim, a.cnormPtr);
  Atomics.store(arena.i32(), a.claimPtr >>> 2, 0);
  const self = workers;
  const slices = async (): Promise<void> => {
    for (;;) {
      const start = Atomics.add(arena.i32(), a.claimPtr >>> 2, CLAIM_VECTORS);
      if (start >= a.count) return;
      assignVectors(arena, a, self, start, Math.min(a.count, start + CLAIM_VECTORS));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  if (workers === 0) {
    await slices();
    return;
  }
  const args: AssignArgs[] = [];
  for (let p = 0; p < workers; p++) args.push(a);
  const onWorkers = pool.runAsync<number>(ASSIGN, args, { memories: [arena] });
  // Awaited after the calling thread's part: handled now so an early failure is not reported
  // as unhandled meanwhile.
  onWorkers.catch(() => undefined);
  if (callerJoins) await slices();
  await onWorkers;
}
