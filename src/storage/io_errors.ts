/**
 * The one place where operating-system errors (errno codes) become PostgreSQL errors.
 *
 * SQLSTATE choice follows PostgreSQL's errcode_for_file_access() (src/backend/utils/error/elog.c):
 * EPERM/EACCES/EROFS -> 42501 insufficient_privilege, ENOENT -> 58P01 undefined_file,
 * EEXIST -> 58P02 duplicate_file, ENOTDIR/EISDIR/ENOTEMPTY -> 42809 wrong_object_type,
 * ENOSPC -> 53100 disk_full, ENFILE/EMFILE -> 53000 insufficient_resources, EIO -> 58030 io_error,
 * anything else -> XX000 internal_error.
 * Message text follows PostgreSQL's fd.c/xlog.c wording, with `%m` rendered as glibc's strerror().
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import type { ErrnoError } from './fs.js';

/** SQLSTATEs PostgreSQL uses for file access that the shared catalog does not list. */
export const FILE_SQLSTATE = {
  undefined_file: '58P01',
  duplicate_file: '58P02',
  insufficient_resources: '53000',
} as const;

/** The operation that failed; picks the message PostgreSQL prints for it. */
export type IoOp =
  | 'open'
  | 'create'
  | 'read'
  | 'write'
  | 'fsync'
  | 'rename'
  | 'unlink'
  | 'list'
  | 'mkdir'
  | 'stat'
  | 'truncate'
  | 'close';

/** glibc strerror() texts for the codes a database meets, as PostgreSQL's %m prints them. */
const STRERROR: Record<string, string> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EIO: 'Input/output error',
  EBADF: 'Bad file descriptor',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files',
  EFBIG: 'File too large',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  ENAMETOOLONG: 'File name too long',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
  EDQUOT: 'Disk quota exceeded',
  ESTALE: 'Stale file handle',
  EAGAIN: 'Resource temporarily unavailable',
  EINTR: 'Interrupted system call',
};

/** strerror() text for an errno code ('ENOSPC' -> 'No space left on device'). */
export function strerror(code: string): string {
  return STRERROR[code] ?? `Unknown error ${code}`;
}

/** SQLSTATE for an errno code, as errcode_for_file_access(). */
export function sqlstateForErrno(code: string): string {
  switch (code) {
    case 'EPERM':
    case 'EACCES':
    case 'EROFS':
      return SQLSTATE.insufficient_privilege;
    case 'ENOENT':
      return FILE_SQLSTATE.undefined_file;
    case 'EEXIST':
      return FILE_SQLSTATE.duplicate_file;
    case 'ENOTDIR':
    case 'EISDIR':
    case 'ENOTEMPTY':
      return SQLSTATE.wrong_object_type;
    case 'ENOSPC':
      return SQLSTATE.disk_full;
    case 'ENFILE':
    case 'EMFILE':
      return FILE_SQLSTATE.insufficient_resources;
    case 'EIO':
      return SQLSTATE.io_error;
    default:
      return SQLSTATE.internal_error;
  }
}

function template(op: IoOp, path: string, path2: string | undefined): string {
  switch (op) {
    case 'open': return `could not open file "${path}"`;
    case 'create': return `could not create file "${path}"`;
    case 'read': return `could not read file "${path}"`;
    case 'write': return `could not write to file "${path}"`;
    case 'fsync': return `could not fsync file "${path}"`;
    case 'rename': return `could not rename file "${path}" to "${path2 ?? ''}"`;
    case 'unlink': return `could not remove file "${path}"`;
    case 'list': return `could not open directory "${path}"`;
    case 'mkdir': return `could not create directory "${path}"`;
    case 'stat': return `could not stat file "${path}"`;
    case 'truncate': return `could not truncate file "${path}"`;
    case 'close': return `could not close file "${path}"`;
  }
}

/** True for host/injected errors that carry an errno code. */
export function isErrnoError(e: unknown): e is ErrnoError {
  return e instanceof Error && typeof (e as ErrnoError).code === 'string' && /^E[A-Z0-9]+$/.test((e as ErrnoError).code);
}

/**
 * Converts an errno error into the PgError PostgreSQL would raise for `op` on `path`
 * (`path2` is the rename target). Example: ENOSPC on write ->
 * 53100 `could not write to file "wal/0000000000000000.wal": No space left on device`.
 */
export function ioError(e: ErrnoError, op: IoOp, path: string, path2?: string): PgError {
  return new PgError(sqlstateForErrno(e.code), `${template(op, path, path2)}: ${strerror(e.code)}`);
}

/**
 * Runs `fn`; an errno error it throws is rethrown as {@link ioError}. Anything else (PgErrors,
 * assertion failures, a simulated crash) passes through untouched.
 */
export function withIo<T>(op: IoOp, path: string, fn: () => T, path2?: string): T {
  try {
    return fn();
  } catch (e) {
    if (isErrnoError(e)) throw ioError(e, op, path, path2);
    throw e;
  }
}

/**
 * PostgreSQL's short-read error: XX001 `could not read file "x": read 10 of 24`.
 * A file shorter than its header promised is corruption, not an I/O failure.
 */
export function shortReadError(path: string, got: number, wanted: number): PgError {
  return new PgError(SQLSTATE.data_corrupted, `could not read file "${path}": read ${got} of ${wanted}`);
}
