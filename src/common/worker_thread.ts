/**
 * Starting a worker thread with the process's flags, minus the ones a worker cannot take.
 *
 * A worker inherits `process.execArgv`. Under `node --input-type=module -e ...` that includes
 * `--input-type`, with which a worker fails as it starts (it applies the flag to its own entry
 * file), so the flag is dropped; the other flags are then passed by hand, and when Node refuses
 * some of them for a worker (it takes `--expose-gc` when inherited, not when passed), the thread
 * starts with none. Used by the kernels' worker pool and by VecgresWorker's host thread.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A new Worker running `url`.
 * @throws what `new Worker` throws, except ERR_WORKER_INVALID_EXEC_ARGV for flags it refuses.
 */
export function startWorkerThread(url: URL, options: WorkerOptions): Worker {
  if (!process.execArgv.some((f) => f.startsWith('--input-type'))) return new Worker(url, options);
  try {
    return new Worker(url, { ...options, execArgv: process.execArgv.filter((f) => !f.startsWith('--input-type')) });
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    return new Worker(url, { ...options, execArgv: [] });
  }
}
