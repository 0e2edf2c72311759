/** Wall-clock helpers for benchmarks (benchmarks may read the clock; the engine may not). */

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function nowMs(): number {
  return performance.now();
}

/** Runs `fn` and returns its result with the elapsed milliseconds. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const t = nowMs();
  const value = await fn();
  return { value, ms: nowMs() - t };
}
