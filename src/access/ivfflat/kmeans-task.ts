/**
 * k-means as one pool task (kernels/workers.ts), for a build that runs off the event loop
 * (build-async.ts): the whole of kmeans.ts / kmeans-bits.ts, serial, on one worker, over the
 * samples and centers in the index's shared memory. The caller allocates the scratch (a worker
 * cannot allocate) and a stop word; the generator's state continues the caller's sequence, so
 * the centers are those the build on the calling thread computes.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { Prng } from '../../common/prng.js';
import { defineTask, type WorkerContext } from '../../kernels/workers.js';
import { kmeans } from './kmeans.js';
import { kmeansBits } from './kmeans-bits.js';

/** One k-means (structured-clonable). Byte offsets are in memory `mem`. */
export interface KmeansTaskArgs {
  mem: number;
  /** bit_hamming_ops (kmeans-bits.ts) rather than float vectors. */
  bits: boolean;
  samplesPtr: number;
  n: number;
  /** Bytes of one sample or center. */
  vecBytes: number;
  /** Dimensions (bits for bit_hamming_ops). */
  dim: number;
  k: number;
  spherical: boolean;
  /** The generator's state (Prng.state()). */
  prng: number[];
  centersPtr: number;
  /** kmeansScratchBytes(n, k, vecBytes, 1) bytes. */
  scratchPtr: number;
  /** An int32 the caller sets to non-zero to stop the k-means after its current iteration. */
  stopPtr: number;
}

/**
 * Runs the k-means of `a` on the calling thread (a pool worker).
 * @throws PgError 57014 when stopped (checked after every iteration).
 */
export function kmeansTask(a: KmeansTaskArgs, ctx: WorkerContext): number {
  const arena = ctx.memory(a.mem);
  const prng = Prng.fromState(a.prng);
  const check = (): void => {
    if (Atomics.load(arena.i32(), a.stopPtr >>> 2) !== 0) throw new PgError(SQLSTATE.query_canceled, 'canceling statement due to user request');
  };
  if (a.bits) kmeansBits(arena, a.samplesPtr, a.n, a.vecBytes, a.dim, a.k, prng, a.centersPtr, undefined, a.scratchPtr, check);
  else kmeans(arena, a.samplesPtr, a.n, a.dim, a.k, a.spherical, prng, a.centersPtr, check, undefined, a.scratchPtr);
  return 0;
}

export const KMEANS = defineTask(import.meta.url, 'kmeansTask', kmeansTask);
