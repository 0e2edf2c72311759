/** What a benchmark ran on, for the lines of its report and chart. */
import * as os from 'node:os';

/**
 * One line naming the machine: CPU model, logical cores, memory, OS, Node version, the 1-minute
 * load average at the time of the call (other work on the machine skews QPS), and the UTC date.
 *
 * @param now the date to print (benchmarks may read the clock)
 */
export function machineLine(now: Date = new Date()): string {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  const gib = (os.totalmem() / 2 ** 30).toFixed(0);
  const load = os.loadavg()[0]!.toFixed(1);
  return `${model}, ${cpus.length} cores, ${gib} GiB, ${os.type()} ${os.arch()}, Node ${process.version}; load ${load} at start; ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The 1-minute load average now, to 1 decimal. */
export function loadAverage(): string {
  return os.loadavg()[0]!.toFixed(1);
}
