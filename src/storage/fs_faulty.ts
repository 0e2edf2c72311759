/**
 * A fault-injecting {@link StorageBackend} for tests, wrapping a {@link MemoryFs}.
 *
 * On a seeded schedule (or on demand) it can: tear a write (write a prefix, then the machine
 * dies), fail an fsync with EIO, fail a write with ENOSPC after a prefix, deny permission
 * (EACCES), refuse every change (EROFS), and crash before the n-th mutating operation. A crash
 * throws {@link SimulatedCrash}; from then on every call throws it too (the process is dead)
 * until {@link FaultyFs.reboot} applies the power loss to the memory image (dropping unsynced
 * bytes and directory entries) and lets a new "process" recover from what is left.
 */
import { Prng } from '../common/prng.js';
import { errnoError, fsyncNow, type Fd, type OpenMode, type StorageBackend } from './fs.js';
import type { CrashOptions, MemoryFs } from './fs_memory.js';

/** Thrown when the simulated machine loses power. Never mapped to a PgError. */
export class SimulatedCrash extends Error {
  constructor(readonly where: string) {
    super(`simulated crash during ${where}`);
    this.name = 'SimulatedCrash';
  }
}

/** Probabilities (0..1) per call of each fault, drawn from a generator seeded with `seed`. */
export interface FaultPlan {
  seed: number;
  /** A write stores a random prefix, then the machine crashes. */
  tornWrite?: number;
  /** A write stores a random prefix, then fails with ENOSPC. */
  writeEnospc?: number;
  /** An fsync (file or directory) fails with EIO and saves nothing. */
  fsyncEio?: number;
  /** An open-for-create, rename, unlink or mkdir fails with EACCES. */
  eacces?: number;
  /** Crash just before the n-th mutating call (1-based); 0 or absent: never. */
  crashAtOp?: number;
  /** What the crash leaves behind (torn tails), applied at {@link FaultyFs.reboot}. */
  crash?: Omit<CrashOptions, 'prng'>;
}

type MutOp = 'write' | 'fsync' | 'fsyncDir' | 'rename' | 'unlink' | 'mkdir' | 'truncate' | 'create';

/** Fault-injecting wrapper; see the module comment. */
export class FaultyFs implements StorageBackend {
  private prng: Prng;
  private plan: FaultPlan;
  private dead: SimulatedCrash | null = null;
  private forced: Array<{ op: MutOp | 'read' | 'open'; code: string }> = [];
  /** Mutating calls so far (the clock `crashAtOp` counts on). */
  opCount = 0;
  /** Refuse every change with EROFS (a file system remounted read-only). */
  readOnly = false;
  /** Fail writes with ENOSPC once this many bytes were written in total; Infinity: never. */
  spaceLeftBytes = Infinity;
  /** Faults injected so far, by kind, so trials can report what they exercised. */
  readonly injected: Record<string, number> = {};

  constructor(readonly inner: MemoryFs, plan: FaultPlan = { seed: 1 }) {
    this.plan = plan;
    this.prng = new Prng(plan.seed);
  }

  /** True after a crash until {@link reboot}. */
  get crashed(): boolean {
    return this.dead !== null;
  }

  /** Makes the next `op` call fail with errno `code` (before doing anything). */
  failNext(op: MutOp | 'read' | 'open', code: string): void {
    this.forced.push({ op, code });
  }

  /** Replaces the probabilistic plan (e.g. to stop injecting faults during recovery). */
  setPlan(plan: FaultPlan): void {
    this.plan = plan;
    this.prng = new Prng(plan.seed);
  }

  /** Crashes now (as if power were cut between two calls). */
  crashNow(where = 'idle'): never {
    this.dead = new SimulatedCrash(where);
    this.count('crash');
    throw this.dead;
  }

  /**
   * Kills the machine between operations (power loss, counted as a crash) unless a fault
   * already did, then {@link reboot}s it: how a test ends a simulated process's life.
   */
  powerCut(): void {
    if (this.dead === null) {
      this.dead = new SimulatedCrash('idle');
      this.count('crash');
    }
    this.reboot();
  }

  /** Applies the power loss to the memory image and brings the machine back up. */
  reboot(): void {
    this.inner.crash({ ...(this.plan.crash ?? {}), prng: this.prng });
    this.dead = null;
    this.opCount = 0;
    this.forced = [];
  }

  private count(kind: string): void {
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
  }

  private alive(): void {
    if (this.dead !== null) throw this.dead;
  }

  private roll(p: number | undefined): boolean {
    return p !== undefined && p > 0 && this.prng.next() < p;
  }

  private takeForced(op: MutOp | 'read' | 'open'): string | undefined {
    const i = this.forced.findIndex((f) => f.op === op);
    if (i < 0) return undefined;
    const code = this.forced[i]!.code;
    this.forced.splice(i, 1);
    return code;
  }

  /** Common prologue of every mutating call: dead check, crash clock, forced/readonly faults. */
  private mutating(op: MutOp, path?: string): void {
    this.alive();
    this.opCount++;
    if (this.plan.crashAtOp !== undefined && this.plan.crashAtOp > 0 && this.opCount >= this.plan.crashAtOp) {
      this.crashNow(op);
    }
    const forced = this.takeForced(op);
    if (forced !== undefined) {
      this.count(forced);
      throw errnoError(forced, op, path);
    }
    if (this.readOnly) {
      this.count('EROFS');
      throw errnoError('EROFS', op, path);
    }
    if ((op === 'create' || op === 'rename' || op === 'unlink' || op === 'mkdir') && this.roll(this.plan.eacces)) {
      this.count('EACCES');
      throw errnoError('EACCES', op, path);
    }
  }

  open(path: string, mode: OpenMode): Fd {
    this.alive();
    const forced = this.takeForced('open');
    if (forced !== undefined) {
      this.count(forced);
      throw errnoError(forced, 'open', path);
    }
    if (mode === 'create' && !this.inner.exists(path)) this.mutating('create', path);
    else if (mode !== 'read' && this.readOnly) throw errnoError('EROFS', 'open', path);
    return this.inner.open(path, mode);
  }

  close(fd: Fd): void {
    this.alive();
    this.inner.close(fd);
  }

  write(fd: Fd, buf: Uint8Array, off: number, len: number, position: number): void {
    this.mutating('write');
    if (this.roll(this.plan.tornWrite)) {
      this.inner.write(fd, buf, off, this.prng.int(len + 1), position);
      this.count('tornWrite');
      this.crashNow('write');
    }
    const noSpace = len > this.spaceLeftBytes;
    if (noSpace || this.roll(this.plan.writeEnospc)) {
      const prefix = noSpace ? this.spaceLeftBytes : this.prng.int(len + 1);
      if (prefix > 0) this.inner.write(fd, buf, off, prefix, position);
      this.spaceLeftBytes -= prefix;
      this.count('ENOSPC');
      throw errnoError('ENOSPC', 'write');
    }
    this.inner.write(fd, buf, off, len, position);
    this.spaceLeftBytes -= len;
  }

  read(fd: Fd, buf: Uint8Array, off: number, len: number, position: number): number {
    this.alive();
    const forced = this.takeForced('read');
    if (forced !== undefined) {
      this.count(forced);
      throw errnoError(forced, 'read');
    }
    return this.inner.read(fd, buf, off, len, position);
  }

  size(fd: Fd): number {
    this.alive();
    return this.inner.size(fd);
  }

  truncate(fd: Fd, len: number): void {
    this.mutating('truncate');
    this.inner.truncate(fd, len);
  }

  fsync(fd: Fd): void {
    this.mutating('fsync');
    if (this.roll(this.plan.fsyncEio)) {
      this.count('EIO');
      throw errnoError('EIO', 'fsync');
    }
    this.inner.fsync(fd);
  }

  fsyncAsync(fd: Fd): Promise<void> {
    return fsyncNow(this, fd);
  }

  fsyncDir(path: string): void {
    this.mutating('fsyncDir', path);
    if (this.roll(this.plan.fsyncEio)) {
      this.count('EIO');
      throw errnoError('EIO', 'fsync', path);
    }
    this.inner.fsyncDir(path);
  }

  rename(from: string, to: string): void {
    this.mutating('rename', from);
    this.inner.rename(from, to);
  }

  unlink(path: string): void {
    this.mutating('unlink', path);
    this.inner.unlink(path);
  }

  list(dir: string): string[] {
    this.alive();
    return this.inner.list(dir);
  }

  mkdir(path: string): void {
    this.alive();
    if (!this.inner.exists(path)) this.mutating('mkdir', path);
    this.inner.mkdir(path);
  }

  exists(path: string): boolean {
    this.alive();
    return this.inner.exists(path);
  }

  sizeOf(path: string): number {
    this.alive();
    return this.inner.sizeOf(path);
  }
}
