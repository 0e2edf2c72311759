/** Process memory readings for benchmarks (bytes). */

export interface MemorySample {
  rss: number;
  heapUsed: number;
  /** Peak resident set of the process so far (getrusage maxrss). */
  maxRss: number;
  /** WebAssembly/ArrayBuffer memory outside the JS heap. */
  arrayBuffers: number;
}

export function sampleMemory(): MemorySample {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, maxRss: process.resourceUsage().maxRSS * 1024, arrayBuffers: m.arrayBuffers };
}

/** Runs a full GC when node was started with --expose-gc (npm run bench does). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
}

export function formatBytes(b: number): string {
  if (!Number.isFinite(b)) return '-';
  if (b >= 1 << 30) return `${(b / (1 << 30)).toFixed(2)} GiB`;
  if (b >= 1 << 20) return `${(b / (1 << 20)).toFixed(1)} MiB`;
  if (b >= 1 << 10) return `${(b / (1 << 10)).toFixed(1)} KiB`;
  return `${b} B`;
}
