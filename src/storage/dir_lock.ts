/**
 * The data directory lock (PostgreSQL's postmaster.pid): one process at a time may open a data
 * directory. The lock is a file created exclusively (O_EXCL) holding the owner's PID; a lock
 * left by a process that no longer exists (a crash, SIGKILL) is stale and taken over. Only the
 * real file system needs it: memory backends live and die with their process.
 */
import * as fs from 'node:fs';
import { PgError } from '../common/errors.js';
import { ioError, isErrnoError } from './io_errors.js';

/** Name of the lock file inside the data directory. */
export const LOCK_FILE_NAME = 'vecgres.pid';

function processAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A held lock; {@link release} removes the file. */
export class DirLock {
  private released = false;
  private constructor(readonly path: string) {}

  /**
   * Takes the lock of data directory `dir` (which must exist).
   * @throws PgError 55006 `lock file "vecgres.pid" already exists` (hint: the PID and directory)
   *   when another live process (or this one) holds it; mapped I/O errors (42501...) otherwise.
   */
  static acquire(dir: string): DirLock {
    const path = `${dir}/${LOCK_FILE_NAME}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(path, 'wx', 0o600);
        try {
          fs.writeSync(fd, `${process.pid}\n${dir}\n`);
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
        return new DirLock(path);
      } catch (e) {
        if (!isErrnoError(e)) throw e;
        if (e.code !== 'EEXIST') throw ioError(e, 'create', path);
      }
      let pid = 0;
      try {
        pid = parseInt(fs.readFileSync(path, 'utf8').split('\n')[0] ?? '', 10);
      } catch {
        // Vanished or unreadable between the two calls: try again.
      }
      if (processAlive(pid)) {
        throw new PgError('55006', `lock file "${LOCK_FILE_NAME}" already exists`, {
          hint: `Is another vecgres process (PID ${pid}) running in data directory "${dir}"?`,
        });
      }
      try {
        fs.unlinkSync(path); // stale: its owner is gone
      } catch (e) {
        if (!isErrnoError(e) || e.code !== 'ENOENT') throw isErrnoError(e) ? ioError(e, 'unlink', path) : e;
      }
    }
    throw new PgError('55006', `could not create lock file "${LOCK_FILE_NAME}"`);
  }

  /** Removes the lock file (idempotent, best effort). */
  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      fs.unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}
