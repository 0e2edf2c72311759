/**
 * The real file system backend: node:fs synchronous calls, plus an async fsync on libuv's
 * thread pool for group commit. Errors are Node's system errors (with errno `code`), mapped to
 * PostgreSQL errors by the callers through io_errors.ts.
 */
import * as fs from 'node:fs';
import type { Fd, OpenMode, StorageBackend } from './fs.js';

const { O_RDONLY, O_RDWR, O_CREAT } = fs.constants;

/** {@link StorageBackend} over node:fs. Stateless; one instance serves every database. */
export class NodeFs implements StorageBackend {
  open(path: string, mode: OpenMode): Fd {
    const flags = mode === 'read' ? O_RDONLY : mode === 'write' ? O_RDWR : O_RDWR | O_CREAT;
    return fs.openSync(path, flags, 0o600);
  }

  close(fd: Fd): void {
    fs.closeSync(fd);
  }

  write(fd: Fd, buf: Uint8Array, off: number, len: number, position: number): void {
    // writeSync may write less than asked (a full disk reports ENOSPC only on the next call),
    // so loop until everything is written or an error is thrown.
    let done = 0;
    while (done < len) {
      const n = fs.writeSync(fd, buf, off + done, len - done, position + done);
      if (n <= 0) {
        const e = new Error('ENOSPC: short write') as NodeJS.ErrnoException;
        e.code = 'ENOSPC'; // as PostgreSQL: a write that sets no errno is assumed to be a full disk
        throw e;
      }
      done += n;
    }
  }

  read(fd: Fd, buf: Uint8Array, off: number, len: number, position: number): number {
    let done = 0;
    while (done < len) {
      const n = fs.readSync(fd, buf, off + done, len - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  size(fd: Fd): number {
    return fs.fstatSync(fd).size;
  }

  truncate(fd: Fd, len: number): void {
    fs.ftruncateSync(fd, len);
  }

  fsync(fd: Fd): void {
    fs.fsyncSync(fd);
  }

  fsyncAsync(fd: Fd): Promise<void> {
    return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
  }

  fsyncDir(path: string): void {
    // Windows cannot open a directory for fsync; NTFS metadata is journaled, so skipping is safe.
    if (process.platform === 'win32') return;
    const fd = fs.openSync(path, O_RDONLY);
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  rename(from: string, to: string): void {
    fs.renameSync(from, to);
  }

  unlink(path: string): void {
    fs.unlinkSync(path);
  }

  list(dir: string): string[] {
    return fs.readdirSync(dir).sort();
  }

  mkdir(path: string): void {
    fs.mkdirSync(path, { recursive: true, mode: 0o700 });
  }

  exists(path: string): boolean {
    return fs.existsSync(path);
  }

  sizeOf(path: string): number {
    return fs.statSync(path).size;
  }
}
