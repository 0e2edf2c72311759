/**
 * The error model of the exact k-NN scan's fast distances (exec/nodes/top_k.ts explains it):
 * each row's SIMD distance becomes an interval [lo, hi] that surely holds pgvector's value.
 * Shared by the serial scan and the participants of the parallel one (exec/parallel_knn.ts),
 * so that both pick their candidates with the same bounds. Nothing here imports the SQL layer:
 * a worker thread loads it.
 */

/** Float32 rounding errors allowed per term of a sum (see top_k.ts's error bound): 4 * 2 * gamma. */
export const RHO_ULPS = 8;
/** Absolute slack for float32 underflow: far above n * 2^-149, far below any distance that matters. */
export const TINY = 1e-30;
/** Squared norms or squared distances beyond this are too near float32 overflow to bound. */
export const HUGE = 1e30;

/** How a fast distance relates to pgvector's: the error model of one kernel. */
export const enum Err {
  /** Exact (bit-string counts, or pgvector's own function). */
  None,
  /** Relative to the value (sums of non-negative terms: L2, L1). */
  Relative,
  /** Relative to sqrt(|a|^2 |b|^2) (inner product). */
  Norms,
  /** Absolute (cosine distance). */
  Absolute,
}
