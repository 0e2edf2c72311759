/**
 * The internal distances vector index methods compute and compare (squared L2, negative inner
 * product over unit vectors for cosine, L1, Hamming, Jaccard) turned into the value the SQL
 * operator returns (`<->` is the root of the squared sum, `<=>` is 1 minus the inner product of
 * the unit vectors), so every method reports distances the same way.
 */
import type { Metric } from '../am.js';

/** `d` (the method's internal distance under `metric`) as the SQL operator's value. */
export function sqlDistance(metric: Metric, d: number): number {
  switch (metric) {
    case 'l2':
      return Math.sqrt(d > 0 ? d : 0);
    case 'cosine':
      return 1 + d;
    default:
      return d;
  }
}
