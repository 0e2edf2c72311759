/**
 * An in-memory {@link StorageBackend} that also models what survives a power loss.
 *
 * Every file keeps two images: the current bytes (what reads see) and the durable bytes (what
 * the last `fsync` saved). Every directory keeps its current entries and its durable entries (as
 * of the last `fsyncDir`). {@link MemoryFs.crash} throws the volatile state away the way a
 * machine losing power does: files fall back to their durable bytes, directories to their durable
 * entries, and every open descriptor becomes invalid. With `tornTail` the crash keeps a random
 * prefix of the bytes appended since the last fsync (a partially written page), optionally with
 * garbage in it, which is what a real disk may leave behind.
 *
 * Cost model: fsync copies only the bytes written since the previous fsync, so a WAL that
 * appends and syncs stays linear.
 */
import { assert } from '../common/assert.js';
import type { Prng } from '../common/prng.js';
import { errnoError, fsyncNow, type Fd, type OpenMode, type StorageBackend } from './fs.js';

class MemFile {
  data = new Uint8Array(64);
  len = 0;
  durable = new Uint8Array(0);
  durableLen = 0;
  /** Lowest offset written since the last fsync (Infinity if clean). */
  dirtyLow = Infinity;

  ensure(cap: number): void {
    if (cap <= this.data.length) return;
    let n = this.data.length;
    while (n < cap) n *= 2;
    const d = new Uint8Array(n);
    d.set(this.data.subarray(0, this.len));
    this.data = d;
  }

  sync(): void {
    if (this.dirtyLow === Infinity && this.durableLen === this.len) return;
    const low = Math.min(this.dirtyLow, this.len, this.durableLen);
    if (this.durable.length < this.len) {
      const d = new Uint8Array(Math.max(this.len, this.durable.length * 2));
      d.set(this.durable.subarray(0, Math.min(low, this.durableLen)));
      this.durable = d;
    }
    this.durable.set(this.data.subarray(low, this.len), low);
    this.durableLen = this.len;
    this.dirtyLow = Infinity;
  }

  /** Reverts to the durable image; with `keepExtra` > 0 also keeps that many appended bytes. */
  revert(keepExtra: number): void {
    const appendOnly = this.dirtyLow >= this.durableLen;
    const extra = appendOnly ? Math.min(keepExtra, Math.max(0, this.len - this.durableLen)) : 0;
    const kept = this.data.subarray(this.durableLen, this.durableLen + extra).slice();
    this.data = new Uint8Array(Math.max(64, this.durableLen + extra));
    this.data.set(this.durable.subarray(0, this.durableLen));
    this.data.set(kept, this.durableLen);
    this.len = this.durableLen + extra;
    this.dirtyLow = extra > 0 ? this.durableLen : Infinity;
  }
}

class MemDir {
  entries = new Map<string, MemFile | MemDir>();
  durable = new Map<string, MemFile | MemDir>();
}

interface OpenFile {
  file: MemFile;
  path: string;
  writable: boolean;
}

/** Options for {@link MemoryFs.crash}. */
export interface CrashOptions {
  /** Seeded generator for the torn-tail choices; without it every unsynced byte is dropped. */
  prng?: Prng;
  /** Probability (0..1) that a file keeps a random prefix of its unsynced appended bytes. */
  tornTail?: number;
  /** Probability (0..1) that a kept unsynced prefix gets one garbage byte. */
  scribble?: number;
}

/** In-memory backend with crash simulation. Paths: '/'-separated, leading '/' or './' ignored. */
export class MemoryFs implements StorageBackend {
  private root = new MemDir();
  private fds = new Map<Fd, OpenFile>();
  private nextFd = 3;
  /** Number of fsync/fsyncDir calls that reached this backend (for group-commit tests). */
  fsyncCount = 0;

  private split(path: string): string[] {
    return path.split('/').filter((p) => p.length > 0 && p !== '.');
  }

  private lookup(path: string): MemFile | MemDir | undefined {
    let node: MemFile | MemDir = this.root;
    for (const part of this.split(path)) {
      if (!(node instanceof MemDir)) return undefined;
      const next: MemFile | MemDir | undefined = node.entries.get(part);
      if (next === undefined) return undefined;
      node = next;
    }
    return node;
  }

  private parentOf(path: string, syscall: string): { dir: MemDir; name: string } {
    const parts = this.split(path);
    assert(parts.length > 0, 'path names the root');
    const name = parts.pop()!;
    const dir = this.lookup(parts.join('/'));
    if (dir === undefined) throw errnoError('ENOENT', syscall, path);
    if (!(dir instanceof MemDir)) throw errnoError('ENOTDIR', syscall, path);
    return { dir, name };
  }

  private fileOf(fd: Fd, syscall: string): OpenFile {
    const f = this.fds.get(fd);
    if (f === undefined) throw errnoError('EBADF', syscall);
    return f;
  }

  open(path: string, mode: OpenMode): Fd {
    const { dir, name } = this.parentOf(path, 'open');
    let node = dir.entries.get(name);
    if (node === undefined) {
      if (mode !== 'create') throw errnoError('ENOENT', 'open', path);
      node = new MemFile();
      dir.entries.set(name, node);
    }
    if (node instanceof MemDir) throw errnoError('EISDIR', 'open', path);
    const fd = this.nextFd++;
    this.fds.set(fd, { file: node, path, writable: mode !== 'read' });
    return fd;
  }

  close(fd: Fd): void {
    this.fileOf(fd, 'close');
    this.fds.delete(fd);
  }

  write(fd: Fd, buf: Uint8Array, off: number, len: number, position: number): void {
    const of = this.fileOf(fd, 'write');
    if (!of.writable) throw errnoError('EBADF', 'write', of.path);
    const f = of.file;
    const end = position + len;
    f.ensure(end);
    if (position > f.len) f.data.fill(0, f.len, position);
    f.data.set(buf.subarray(off, off + len), position);
    if (end > f.len) f.len = end;
    if (position < f.dirtyLow) f.dirtyLow = position;
  }

  read(fd: Fd, buf: Uint8Array, off: number, len: number, position: number): number {
    const f = this.fileOf(fd, 'read').file;
    if (position >= f.len) return 0;
    const n = Math.min(len, f.len - position);
    buf.set(f.data.subarray(position, position + n), off);
    return n;
  }

  size(fd: Fd): number {
    return this.fileOf(fd, 'fstat').file.len;
  }

  truncate(fd: Fd, len: number): void {
    const of = this.fileOf(fd, 'ftruncate');
    if (!of.writable) throw errnoError('EINVAL', 'ftruncate', of.path);
    const f = of.file;
    if (len > f.len) {
      f.ensure(len);
      f.data.fill(0, f.len, len);
      if (f.len < f.dirtyLow) f.dirtyLow = f.len;
    } else if (len < f.dirtyLow) {
      f.dirtyLow = len;
    }
    f.len = len;
  }

  fsync(fd: Fd): void {
    this.fsyncCount++;
    this.fileOf(fd, 'fsync').file.sync();
  }

  fsyncAsync(fd: Fd): Promise<void> {
    return fsyncNow(this, fd);
  }

  fsyncDir(path: string): void {
    this.fsyncCount++;
    const dir = this.lookup(path);
    if (dir === undefined) throw errnoError('ENOENT', 'open', path);
    if (!(dir instanceof MemDir)) throw errnoError('ENOTDIR', 'open', path);
    dir.durable = new Map(dir.entries);
  }

  rename(from: string, to: string): void {
    const src = this.parentOf(from, 'rename');
    const node = src.dir.entries.get(src.name);
    if (node === undefined) throw errnoError('ENOENT', 'rename', from);
    const dst = this.parentOf(to, 'rename');
    const existing = dst.dir.entries.get(dst.name);
    if (existing instanceof MemDir) throw errnoError('EISDIR', 'rename', to);
    src.dir.entries.delete(src.name);
    dst.dir.entries.set(dst.name, node);
  }

  unlink(path: string): void {
    const { dir, name } = this.parentOf(path, 'unlink');
    const node = dir.entries.get(name);
    if (node === undefined) throw errnoError('ENOENT', 'unlink', path);
    if (node instanceof MemDir) throw errnoError('EISDIR', 'unlink', path);
    dir.entries.delete(name);
  }

  list(path: string): string[] {
    const dir = this.lookup(path);
    if (dir === undefined) throw errnoError('ENOENT', 'scandir', path);
    if (!(dir instanceof MemDir)) throw errnoError('ENOTDIR', 'scandir', path);
    return [...dir.entries.keys()].sort();
  }

  mkdir(path: string): void {
    let node: MemDir = this.root;
    for (const part of this.split(path)) {
      let next = node.entries.get(part);
      if (next === undefined) {
        next = new MemDir();
        node.entries.set(part, next);
      }
      if (!(next instanceof MemDir)) throw errnoError('EEXIST', 'mkdir', path);
      node = next;
    }
  }

  exists(path: string): boolean {
    return this.lookup(path) !== undefined;
  }

  sizeOf(path: string): number {
    const node = this.lookup(path);
    if (node === undefined) throw errnoError('ENOENT', 'stat', path);
    return node instanceof MemFile ? node.len : 4096;
  }

  /** Full current contents of a file (a copy), for tests that corrupt files on purpose. */
  readAll(path: string): Uint8Array {
    const node = this.lookup(path);
    if (!(node instanceof MemFile)) throw errnoError('ENOENT', 'open', path);
    return node.data.slice(0, node.len);
  }

  /**
   * Simulates a power loss: every open descriptor dies, each directory falls back to its
   * durable entries and each reachable file to its durable bytes (see {@link CrashOptions} for
   * torn tails). The root directory itself always exists.
   */
  crash(opts: CrashOptions = {}): void {
    this.fds.clear();
    const seen = new Set<MemFile>();
    const visit = (dir: MemDir): void => {
      dir.entries = new Map(dir.durable);
      for (const node of dir.entries.values()) {
        if (node instanceof MemDir) {
          visit(node);
        } else if (!seen.has(node)) {
          seen.add(node);
          let keep = 0;
          const p = opts.prng;
          if (p !== undefined && opts.tornTail !== undefined && node.len > node.durableLen && p.next() < opts.tornTail) {
            keep = p.int(node.len - node.durableLen + 1);
          }
          node.revert(keep);
          if (keep > 0 && p !== undefined && opts.scribble !== undefined && p.next() < opts.scribble) {
            node.data[node.durableLen + p.int(keep)] ^= 1 + p.int(255);
          }
          // What a torn write left on the platter is there after reboot: it is durable now.
          node.sync();
        }
      }
    };
    // The root's entries are as durable as any directory's: only fsyncDir('/') saves them.
    visit(this.root);
  }
}
