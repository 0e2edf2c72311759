/**
 * k-means for IVFFlat's centers (pgvector ivfkmeans.c: k-means++ seeding, then Lloyd's
 * iterations; pgvector accelerates them with Elkan's bounds, here with Hamerly's, one lower
 * bound per sample (parallel.ts), and a sample's distances to all centers, when its bounds do
 * not settle it, come from one WebAssembly SIMD range-kernel call over the contiguous centers).
 *
 * Everything is squared L2 over the samples as given. For inner product and cosine the caller
 * passes unit-length samples and `spherical`, and the centers are normalized after every
 * update (spherical k-means, as pgvector's vector_spherical_distance + normalized centers): on
 * the unit sphere squared L2 is 2 - 2 dot, so the nearest center is the one of largest dot.
 *
 * Deterministic for a given seed: the same samples give the same centers.
 */
import type { Prng } from '../../common/prng.js';
import type { Arena } from '../../kernels/arena.js';
import { kernelsOf } from '../../kernels/fast.js';
import { assign, ASSIGN_L2SQ, assignScratch, assignScratchBytes, boundsBytes, updateBounds, type Parallelism } from './parallel.js';

/** Lloyd iterations at most (pgvector allows 500; recall gains past ~20 are marginal). */
export const KMEANS_ITERATIONS_MAX = 25;

/**
 * Iterations stop once fewer than this fraction of the samples change center (pgvector stops
 * at none; the last moves of a few boundary samples do not change which lists a query probes).
 */
export const KMEANS_CHANGES_MIN = 0.001;

/**
 * Bytes of scratch a k-means over `n` samples of `vecBytes` and `k` centers needs with
 * `participants` threads (kmeans and kmeans-bits.ts): a seeding step's distances overlapping
 * the assignment's scratch, the samples' assignment, Hamerly's bounds.
 */
export function kmeansScratchBytes(n: number, k: number, vecBytes: number, participants: number): number {
  return Math.max(n * 4, assignScratchBytes(k, participants)) + n * 4 + boundsBytes(n, k, vecBytes);
}

/** Scales the `dim` float32 at float index `off` of `f` to unit length (zero vectors stay zero). */
export function normalizeAt(f: Float32Array, off: number, dim: number): void {
  let s = 0;
  for (let i = 0; i < dim; i++) s += f[off + i]! * f[off + i]!;
  if (!(s > 0)) return;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < dim; i++) f[off + i] = f[off + i]! * inv;
}

/**
 * One k-means++ step (Arthur & Vassilvitskii, "k-means++: the advantages of careful seeding",
 * SODA 2007): folds the distances of the newest center to the `n` samples (float32 at byte
 * offset `distPtr` of `f`; squared first when `square`, for kernels that return plain
 * distances) into `minDist`, the squared distance of each sample to its nearest center so
 * far, then draws the next center with probability proportional to it. Shared by the float
 * and the bit k-means. Returns the sample's index, or -1 when the weights sum to 0 (every
 * sample equals a center already).
 */
export function kmeansppNext(f: Float32Array, distPtr: number, n: number, square: boolean, minDist: Float64Array, prng: Prng): number {
  const d0 = distPtr >>> 2;
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const x = f[d0 + j]!;
    const d = square ? x * x : x;
    if (d < minDist[j]!) minDist[j] = d;
    sum += minDist[j]!;
  }
  if (!(sum > 0)) return -1;
  let target = prng.next() * sum;
  for (let j = 0; j < n; j++) {
    target -= minDist[j]!;
    if (target < 0) return j;
  }
  return n - 1;
}

/** Index of the smallest of `n` float32 at float index `off` of `f` (first on ties). */
export function argMin(f: Float32Array, off: number, n: number): number {
  let best = 0;
  let bd = Infinity;
  for (let i = 0; i < n; i++) {
    const d = f[off + i]!;
    if (d < bd) {
      bd = d;
      best = i;
    }
  }
  return best;
}

/**
 * Computes `k` centers of the `n` samples (`n` x `dim` float32 at byte offset `samplesPtr`)
 * into `k` x `dim` float32 at `centersPtr`. With fewer distinct samples than centers the rest
 * are random vectors (pgvector's RandomCenters), so every list has a center.
 * @param onIteration called after each iteration with its number (for progress).
 * @param arena the memory of the samples and centers (the scratch goes there too)
 * @param par where the assignment step runs (parallel.ts; the centers are the same either way)
 * @param scratchPtr byte offset of {@link kmeansScratchBytes} bytes the caller allocated (a
 *   pool worker cannot allocate); absent: allocated and freed here
 * @throws PgError 53200 when the memory cannot hold the scratch (about n + participants x k
 *   floats); XX000 when a parallel worker is lost.
 */
export function kmeans(
  arena: Arena,
  samplesPtr: number,
  n: number,
  dim: number,
  k: number,
  spherical: boolean,
  prng: Prng,
  centersPtr: number,
  onIteration?: (iteration: number) => void,
  par?: Parallelism,
  scratchPtr?: number,
): void {
  const rowBytes = dim * 4;
  // Scratch: distances of a seeding step (n), overlapping the assignment's own scratch
  // (parallel.ts assignScratch), then the assignment of each sample (int32) and Hamerly's
  // bounds (parallel.ts: a sample whose bounds settle it skips the distance computations).
  const participants = par?.participants ?? 1;
  const distBytes = Math.max(n * 4, assignScratchBytes(k, participants));
  const scratchBytes = kmeansScratchBytes(n, k, rowBytes, participants);
  const fast = kernelsOf(arena);
  const scratch = scratchPtr ?? arena.alloc(scratchBytes, 'IVFFlat k-means');
  const minDist = new Float64Array(n);
  try {
    const distPtr = scratch;
    const assignPtr = scratch + distBytes;
    arena.i32().fill(-1, assignPtr >>> 2, (assignPtr >>> 2) + n);
    const step = { mem: arena.id, kind: ASSIGN_L2SQ, vecsPtr: samplesPtr, vecBytes: rowBytes, count: n, rangeDim: dim, centersPtr, k, assignPtr, ...assignScratch(distPtr, k, participants),
      boundsPtr: assignPtr + n * 4, bounded: false, maxMove: 0, maxMoveCenter: -1, secondMove: 0 };
    // --- k-means++ seeding (Arthur & Vassilvitskii 2007): each next center is a sample drawn
    // with probability proportional to its squared distance to the nearest center so far.
    let seeded = 0;
    if (n > 0) {
      let pick = prng.int(n);
      minDist.fill(Infinity);
      while (seeded < k) {
        copyRow(arena, samplesPtr + pick * rowBytes, centersPtr + seeded * rowBytes, dim);
        seeded++;
        if (seeded === k) break;
        fast.l2sqRange(centersPtr + (seeded - 1) * rowBytes, samplesPtr, n, dim, distPtr);
        pick = kmeansppNext(arena.f32(), distPtr, n, false, minDist, prng);
        if (pick < 0) break; // every sample is a center already
      }
    }
    for (let c = seeded; c < k; c++) randomCenter(arena, centersPtr + c * rowBytes, dim, spherical, prng);
    if (spherical) for (let c = 0; c < k; c++) normalizeAt(arena.f32(), (centersPtr + c * rowBytes) >>> 2, dim);
    if (n === 0 || seeded < k) return; // random centers take no samples; nothing to iterate

    // --- Lloyd's iterations: the assignment (each sample against every center, the cost that
    // grows with n x k) on `par`'s participants; the update folds the samples in order here.
    const sums = new Float64Array(k * dim);
    const counts = new Int32Array(k);
    for (let it = 0; it < KMEANS_ITERATIONS_MAX; it++) {
      const changes = assign(arena, step, par);
      onIteration?.(it + 1);
      if (it > 0 && changes <= n * KMEANS_CHANGES_MIN) break;
      // The centers before the update, for Hamerly's bounds (parallel.ts updateBounds).
      const oldCenters = step.boundsPtr + 8 * n + 8 * k;
      arena.u8().copyWithin(oldCenters, centersPtr, centersPtr + k * rowBytes);
      sums.fill(0);
      counts.fill(0);
      const f = arena.f32();
      const a32 = arena.i32();
      const aw = assignPtr >>> 2;
      for (let j = 0; j < n; j++) {
        const c = a32[aw + j]!;
        counts[c]!++;
        const s = (samplesPtr + j * rowBytes) >>> 2;
        const o = c * dim;
        for (let i = 0; i < dim; i++) sums[o + i] += f[s + i]!;
      }
      for (let c = 0; c < k; c++) {
        const o = (centersPtr + c * rowBytes) >>> 2;
        if (counts[c] === 0) {
          // An empty cluster restarts at a random sample (pgvector: at a random vector).
          copyRow(arena, samplesPtr + prng.int(n) * rowBytes, centersPtr + c * rowBytes, dim);
        } else {
          const inv = 1 / counts[c]!;
          for (let i = 0; i < dim; i++) f[o + i] = sums[c * dim + i]! * inv;
        }
        if (spherical) normalizeAt(f, o, dim);
      }
      updateBounds(arena, step);
    }
  } finally {
    if (scratchPtr === undefined) arena.free(scratch, scratchBytes);
  }
}

function copyRow(arena: Arena, from: number, to: number, dim: number): void {
  const f = arena.f32();
  f.copyWithin(to >>> 2, from >>> 2, (from >>> 2) + dim);
}

function randomCenter(arena: Arena, ptr: number, dim: number, spherical: boolean, prng: Prng): void {
  const f = arena.f32();
  const o = ptr >>> 2;
  for (let i = 0; i < dim; i++) f[o + i] = prng.next();
  if (spherical) normalizeAt(f, o, dim);
}
