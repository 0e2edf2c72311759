/** Summary statistics for benchmark samples. */

/** The q-quantile (0..1) of `sorted` (ascending), nearest-rank. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** Median, p50 and p99 of latencies in ms. */
export function latencySummary(ms: Float64Array): { p50: number; p99: number; mean: number } {
  const s = Float64Array.from(ms).sort();
  let sum = 0;
  for (const x of s) sum += x;
  return { p50: quantile(s, 0.5), p99: quantile(s, 0.99), mean: sum / Math.max(1, s.length) };
}

export function median(xs: readonly number[]): number {
  return quantile(Float64Array.from(xs).sort(), 0.5);
}
