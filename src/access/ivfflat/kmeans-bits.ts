/**
 * k-means for IVFFlat's bit_hamming_ops centers, as pgvector's ivfkmeans.c does it for bit:
 * distances are Hamming counts; a new center is the average of its samples computed per bit
 * position in floating point (BitSumCenter), then binarized: bit i is set when more than half
 * of the samples have it set (BitUpdateCenter: `x[i] > 0.5`). Seeding is k-means++ (Arthur &
 * Vassilvitskii 2007) with weights the squared distance to the nearest center so far, as
 * pgvector's InitCenters ("distance squared for weighted probability distribution").
 *
 * Samples and centers are `bytes`-byte packed bit strings (the first bit in the high bit of
 * byte 0, zero pad: ivfflat-index.ts ivfVectorBytes). Deterministic for a given seed.
 */
import type { Prng } from '../../common/prng.js';
import type { Arena } from '../../kernels/arena.js';
import { kernelsOf } from '../../kernels/fast.js';
import { KMEANS_CHANGES_MIN, KMEANS_ITERATIONS_MAX, kmeansppNext, kmeansScratchBytes } from './kmeans.js';
import { assign, ASSIGN_HAMMING, assignScratch, assignScratchBytes, updateBounds, type Parallelism } from './parallel.js';

/**
 * Computes `k` centers of the `n` samples (`n` x `bytes` at byte offset `samplesPtr`, `bits`
 * bits each) into `k` x `bytes` at `centersPtr`. With fewer distinct samples than centers the
 * rest are random bit strings (pgvector's RandomCenters binarized the same way).
 * @param arena the memory of the samples and centers (the scratch goes there too)
 * @param par where the assignment step runs (parallel.ts; the centers are the same either way)
 * @param scratch byte offset of {@link kmeansScratchBytes} bytes the caller allocated (a pool
 *   worker cannot allocate); absent: allocated and freed here
 * @param onIteration called after each iteration's assignment (progress, or a stop check that throws)
 * @throws PgError 53200 when the memory cannot hold the scratch (about n + participants x k
 *   words); XX000 when a parallel worker is lost; what `onIteration` throws.
 */
export function kmeansBits(
  arena: Arena, samplesPtr: number, n: number, bytes: number, bits: number, k: number, prng: Prng, centersPtr: number, par?: Parallelism,
  scratch?: number, onIteration?: (iteration: number) => void,
): void {
  // Scratch: distances (n for a seeding step, k per participant for an assignment), then the
  // assignment of each sample (int32), the assignment's claim word and Hamerly's bounds.
  const distBytes = Math.max(n * 4, assignScratchBytes(k, par?.participants ?? 1));
  const scratchBytes = kmeansScratchBytes(n, k, bytes, par?.participants ?? 1);
  const fast = kernelsOf(arena);
  const distPtr = scratch ?? arena.alloc(scratchBytes, 'IVFFlat k-means');
  const assignPtr = distPtr + distBytes;
  const step = { mem: arena.id, kind: ASSIGN_HAMMING, vecsPtr: samplesPtr, vecBytes: bytes, count: n, rangeDim: bytes, centersPtr, k, assignPtr, ...assignScratch(distPtr, k, par?.participants ?? 1),
      boundsPtr: assignPtr + n * 4, bounded: false, maxMove: 0, maxMoveCenter: -1, secondMove: 0 };
  try {
    let seeded = 0;
    if (n > 0) {
      const minDist = new Float64Array(n).fill(Infinity);
      let pick = prng.int(n);
      while (seeded < k) {
        arena.u8().copyWithin(centersPtr + seeded * bytes, samplesPtr + pick * bytes, samplesPtr + (pick + 1) * bytes);
        seeded++;
        if (seeded === k) break;
        fast.hammingRange(centersPtr + (seeded - 1) * bytes, samplesPtr, n, bytes, distPtr);
        pick = kmeansppNext(arena.f32(), distPtr, n, true, minDist, prng);
        if (pick < 0) break; // every sample equals a center already
      }
    }
    for (let c = seeded; c < k; c++) {
      const u8 = arena.u8();
      const o = centersPtr + c * bytes;
      u8.fill(0, o, o + bytes);
      for (let i = 0; i < bits; i++) if (prng.next() > 0.5) u8[o + (i >>> 3)]! |= 0x80 >>> (i & 7);
    }
    if (n === 0 || seeded < k) return;

    // Lloyd's iterations: nearest center by Hamming distance (first on ties), then per-bit
    // majorities.
    // The assignment on `par`'s participants (parallel.ts; Hamerly's bounds skip the samples
    // whose center cannot have changed: Hamming distance is a metric), the majorities folded
    // in order here.
    arena.i32().fill(-1, assignPtr >>> 2, (assignPtr >>> 2) + n);
    const ones = new Int32Array(k * bits);
    const counts = new Int32Array(k);
    for (let it = 0; it < KMEANS_ITERATIONS_MAX; it++) {
      const changes = assign(arena, step, par);
      onIteration?.(it + 1);
      if (it > 0 && changes <= n * KMEANS_CHANGES_MIN) break;
      // The centers before the update, for Hamerly's bounds (parallel.ts updateBounds).
      const oldCenters = step.boundsPtr + 8 * n + 8 * k;
      arena.u8().copyWithin(oldCenters, centersPtr, centersPtr + k * bytes);
      ones.fill(0);
      counts.fill(0);
      const u8 = arena.u8();
      const a32 = arena.i32();
      for (let j = 0; j < n; j++) {
        const c = a32[(assignPtr >>> 2) + j]!;
        counts[c]!++;
        const s = samplesPtr + j * bytes;
        const o = c * bits;
        for (let b = 0; b < bytes; b++) {
          const v = u8[s + b]!;
          if (v === 0) continue;
          for (let t = 0; t < 8 && b * 8 + t < bits; t++) if ((v & (0x80 >>> t)) !== 0) ones[o + b * 8 + t]!++;
        }
      }
      for (let c = 0; c < k; c++) {
        const o = centersPtr + c * bytes;
        if (counts[c] === 0) {
          // An empty cluster restarts at a random sample (pgvector: at a random vector).
          const r = samplesPtr + prng.int(n) * bytes;
          u8.copyWithin(o, r, r + bytes);
          continue;
        }
        u8.fill(0, o, o + bytes);
        const half = counts[c]! / 2;
        // ones / count > 0.5, without the division: ones > count / 2.
        for (let i = 0; i < bits; i++) if (ones[c * bits + i]! > half) u8[o + (i >>> 3)]! |= 0x80 >>> (i & 7);
      }
      updateBounds(arena, step);
    }
  } finally {
    if (scratch === undefined) arena.free(distPtr, scratchBytes);
  }
}
