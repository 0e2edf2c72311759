/**
 * The data directory lock (PostgreSQL's postmaster.pid): one process at a time may open a data
 * directory. The lock is a file created exclusively (O_EXCL) holding the owner's PID. As
 * PostgreSQL's CreateLockFile (src/backend/utils/init/miscinit.c) decides, a lock is stale and
 * taken over when its PID is no live process (a crash, SIGKILL), or is our own PID or our
 * parent's: after a restart PIDs are reused, and in a container the database process often
 * runs as PID 1 every time, so a lock naming our own PID was left by an earlier life of it.
 * The lock also records the owner's start time (Linux), so a live process that merely reuses
 * the PID after a reboot is not taken for the owner.
 * Within one process the directories it holds are remembered, so a second open of the same
 * directory in the same process is still refused. Only the real file system needs the lock:
 * memory backends live and die with their process.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
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

/**
 * Data directories (resolved paths) this process holds locked. Process-wide on purpose: the
 * lock file cannot tell two databases of one process apart, this set can.
 */
const heldByThisProcess = new Set<string>();

/**
 * The directory's canonical path (symlinks resolved), so two spellings are one directory. For
 * a directory not made yet (DirLock.reserve runs before the open creates it), its parent's
 * canonical path and its name: the path it will have.
 */
function canonical(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    const abs = nodePath.resolve(dir);
    try {
      return nodePath.join(fs.realpathSync(nodePath.dirname(abs)), nodePath.basename(abs));
    } catch {
      return abs;
    }
  }
}

/**
 * The start time of process `pid` in clock ticks since boot (field 22 of Linux's
 * /proc/<pid>/stat), as text; null where there is no /proc or the process is gone.
 */
export function processStartTime(pid: number): string | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

/**
 * True if a lock file naming `pid` (and, if recorded, that process's start time) is stale: no
 * live process, our own PID or our parent's (PostgreSQL's rule; see the module comment), or a
 * live process that started at another time than the lock's owner, so a PID reused by an
 * unrelated process after a reboot does not lock the directory forever. A PID we may not
 * signal (EPERM) is alive.
 */
export function lockPidIsStale(pid: number, startTime: string | null = null): boolean {
  if (!(pid > 0)) return true;
  if (pid === process.pid || pid === process.ppid) return true;
  if (!processAlive(pid)) return true;
  if (startTime === null) return false;
  const now = processStartTime(pid);
  return now !== null && now !== startTime;
}

/** A held lock; {@link release} removes the file. */
export class DirLock {
  private released = false;
  private constructor(readonly path: string, private readonly key: string) {}

  /**
   * Takes the lock of data directory `dir` (which must exist), taking over a stale one.
   * @throws PgError 55006 `lock file "vecgres.pid" already exists` (hint: the PID and directory)
   *   when another live process holds it or this process has the directory open already;
   *   mapped I/O errors (42501...) otherwise.
   */
  static acquire(dir: string): DirLock {
    const path = `${dir}/${LOCK_FILE_NAME}`;
    const key = canonical(dir);
    if (heldByThisProcess.has(key)) {
      throw new PgError('55006', `lock file "${LOCK_FILE_NAME}" already exists`, {
        hint: `Is another vecgres database of this process (PID ${process.pid}) open in data directory "${dir}"?`,
      });
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(path, 'wx', 0o600);
        try {
          // PID, directory, and the start time that tells this process from a later one with its PID.
          fs.writeSync(fd, `${process.pid}\n${dir}\n${processStartTime(process.pid) ?? ''}\n`);
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
        heldByThisProcess.add(key);
        return new DirLock(path, key);
      } catch (e) {
        if (!isErrnoError(e)) throw e;
        if (e.code !== 'EEXIST') throw ioError(e, 'create', path);
      }
      let pid = 0;
      let startTime: string | null = null;
      try {
        const lines = fs.readFileSync(path, 'utf8').split('\n');
        pid = parseInt(lines[0] ?? '', 10);
        startTime = lines[2] !== undefined && lines[2] !== '' ? lines[2] : null;
      } catch {
        // Vanished or unreadable between the two calls: try again.
      }
      if (!lockPidIsStale(pid, startTime)) {
        throw new PgError('55006', `lock file "${LOCK_FILE_NAME}" already exists`, {
          hint: `Is another vecgres process (PID ${pid}) running in data directory "${dir}"?`,
        });
      }
      try {
        fs.unlinkSync(path); // stale: its owner is gone (or was an earlier life of this PID)
      } catch (e) {
        if (!isErrnoError(e) || e.code !== 'ENOENT') throw isErrnoError(e) ? ioError(e, 'unlink', path) : e;
      }
    }
    throw new PgError('55006', `could not create lock file "${LOCK_FILE_NAME}"`);
  }

  /**
   * Marks data directory `dir` as open in this thread without writing a lock file, for a
   * database that a worker thread of this process opens (a VecgresWorker). The worker's lock
   * file names this process, which {@link acquire} takes for stale (an earlier life of the PID),
   * so this mark is what refuses a second open of `dir` from this thread meanwhile.
   * @returns the function that removes the mark (idempotent).
   * @throws PgError 55006 as {@link acquire} when `dir` is open in this thread already.
   */
  static reserve(dir: string): () => void {
    const key = canonical(dir);
    if (heldByThisProcess.has(key)) {
      throw new PgError('55006', `lock file "${LOCK_FILE_NAME}" already exists`, {
        hint: `Is another vecgres database of this process (PID ${process.pid}) open in data directory "${dir}"?`,
      });
    }
    heldByThisProcess.add(key);
    let done = false;
    return () => {
      if (!done) heldByThisProcess.delete(key);
      done = true;
    };
  }

  /** Removes the lock file (idempotent, best effort). */
  release(): void {
    if (this.released) return;
    this.released = true;
    heldByThisProcess.delete(this.key);
    try {
      fs.unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}
