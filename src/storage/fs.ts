/**
 * The storage backend interface: the few synchronous file operations a database needs.
 *
 * Everything above this (WAL, checkpoints, recovery) talks to a {@link StorageBackend}, never to
 * node:fs, so the same code runs on the real file system ({@link NodeFs}), in memory
 * ({@link MemoryFs}) and under fault injection ({@link FaultyFs}).
 *
 * Contract (the durability model the WAL relies on, the POSIX one):
 * - `write` changes the file's contents immediately for readers, but the bytes survive a crash
 *   only after `fsync` of that file returns.
 * - `create`, `rename` and `unlink` change the directory immediately, but survive a crash only
 *   after `fsyncDir` of the containing directory returns.
 * - Errors are thrown as host-style errors with an errno `code` ('ENOSPC', 'EACCES', 'EIO', ...);
 *   callers turn them into PostgreSQL errors with `ioError` (io_errors.ts), which names the
 *   operation and file the way PostgreSQL's messages do.
 *
 * Paths are '/'-separated strings; `joinPath` builds them. All calls are synchronous: the engine's
 * hot paths stay synchronous and async lives only at the commit edge (group_commit.ts).
 */

/** An open file: an opaque small integer, as a POSIX file descriptor. */
export type Fd = number;

/** How to open a file. 'create' makes it if missing (never truncates); 'read' is read-only. */
export type OpenMode = 'read' | 'write' | 'create';

export interface StorageBackend {
  /** Opens `path`. Throws ENOENT if missing and mode is not 'create'. */
  open(path: string, mode: OpenMode): Fd;
  /** Closes a descriptor. */
  close(fd: Fd): void;
  /**
   * Writes all `len` bytes of `buf` from `off` at byte `position` of the file (extending it,
   * zero-filling any gap). Throws on failure; after a failure a prefix may have been written.
   */
  write(fd: Fd, buf: Uint8Array, off: number, len: number, position: number): void;
  /** Reads up to `len` bytes at `position` into `buf[off..]`; returns bytes read (0 at EOF). */
  read(fd: Fd, buf: Uint8Array, off: number, len: number, position: number): number;
  /** Size of the open file in bytes. */
  size(fd: Fd): number;
  /** Cuts (or zero-extends) the open file to `len` bytes. Durable after `fsync`. */
  truncate(fd: Fd, len: number): void;
  /** Makes the file's contents durable (fsync(2)). */
  fsync(fd: Fd): void;
  /**
   * Asynchronous fsync, so other sessions can append while the disk works (group commit).
   * Same semantics as `fsync`.
   */
  fsyncAsync(fd: Fd): Promise<void>;
  /** Makes the directory's entries (creates, renames, unlinks) durable. */
  fsyncDir(path: string): void;
  /** Atomically replaces `to` with `from` (rename(2)). */
  rename(from: string, to: string): void;
  /** Removes a file. Throws ENOENT if missing. */
  unlink(path: string): void;
  /** Names (not paths) of the entries of a directory, sorted. Throws ENOENT if missing. */
  list(dir: string): string[];
  /** Creates a directory and missing parents; no error if it exists. */
  mkdir(path: string): void;
  /** True if a file or directory exists at `path`. */
  exists(path: string): boolean;
  /** Size in bytes of the file at `path` without opening it. */
  sizeOf(path: string): number;
}

/** Joins path parts with '/', dropping empty parts and duplicate separators. */
export function joinPath(...parts: string[]): string {
  const joined = parts.filter((p) => p.length > 0).join('/');
  return joined.replace(/\/{2,}/g, '/');
}

/** The directory part of a path ('.' if none). */
export function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return path.slice(0, i);
}

/** The last component of a path. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** An error shaped like Node's system errors, so one mapper handles real and injected faults. */
export interface ErrnoError extends Error {
  code: string;
  syscall?: string;
  path?: string;
}

/** Builds an errno-style error (used by the memory and fault-injecting backends). */
export function errnoError(code: string, syscall: string, path?: string): ErrnoError {
  const e = new Error(`${code}: ${syscall}${path === undefined ? '' : ` '${path}'`}`) as ErrnoError;
  e.code = code;
  e.syscall = syscall;
  if (path !== undefined) e.path = path;
  return e;
}

/**
 * `fsyncAsync` for a backend whose fsync completes synchronously (in memory, fault injection):
 * runs `fs.fsync(fd)` now and returns a promise settled with its outcome, so an fsync error
 * (an ErrnoError) rejects the promise instead of throwing from the call.
 */
export function fsyncNow(fs: StorageBackend, fd: Fd): Promise<void> {
  try {
    fs.fsync(fd);
    return Promise.resolve();
  } catch (e) {
    return Promise.reject(e);
  }
}
