/**
 * The two implementations of the embedded API, for test files that run the same flows on
 * both and must get identical results: {@link Vecgres} in the test's thread and
 * {@link VecgresWorker} (vecgres/worker) on a worker thread.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { Vecgres, type VecgresApi, type VecgresOptions } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { VecgresWorker } from '../../src/worker/vecgres_worker.js';

export interface ApiImpl {
  /** `Vecgres` or `VecgresWorker`, for test names. */
  readonly name: string;
  /** Opens a database as `Vecgres.create(opts)` does. */
  create(opts?: VecgresOptions): Promise<VecgresApi>;
  /**
   * Options for a database in a fresh data directory: an in-memory file system for Vecgres,
   * a temporary directory (removed after the test) for the worker, whose thread cannot take a
   * storage object.
   */
  dataDirOptions(): VecgresOptions;
}

export const API_IMPLS: readonly ApiImpl[] = [
  {
    name: 'Vecgres',
    create: (opts = {}) => Vecgres.create(opts),
    dataDirOptions: () => ({ dataDir: 'db', storage: new MemoryFs() }),
  },
  {
    name: 'VecgresWorker',
    create: (opts = {}) => VecgresWorker.create(opts),
    dataDirOptions: () => ({ dataDir: tempDir() }),
  },
];

/**
 * A new empty directory under the system's temporary directory, removed after the test that
 * asked for it (or after the file, when asked for at the top level).
 */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'vecgres-api-'));
  after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}
