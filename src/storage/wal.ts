/**
 * The write-ahead log: append records, flush (fsync) up to an LSN, group commit, recovery
 * reading, and removal of segments a checkpoint made unnecessary.
 *
 * On disk, `<dir>/` holds segment files named by the LSN of their first byte as 16 hex digits
 * (`0000000001000000.wal`), like PostgreSQL's segment names encode their start position.
 * Segments are contiguous: a segment ends exactly where the next one's name says it starts. A
 * record never spans two segments; a new segment begins when the next record would push the
 * current one past `segmentBytes` (16 MiB by default, PostgreSQL's wal_segment_size), so a
 * record larger than that gets a segment of its own.
 *
 * Appends go to an in-memory buffer (PostgreSQL's WAL buffers); `flush` writes it out and
 * fsyncs. `flushAsync` is group commit: every session awaiting a flush in the same event-loop
 * turn, or while an fsync is in flight, shares the next fsync.
 *
 * Failure model (PostgreSQL PANICs here): once a write or fsync of the log fails, nobody can
 * tell which bytes reached the disk, so the log refuses all further appends and flushes with the
 * same error. The owner must close it and recover with {@link Wal.open}, which keeps exactly the
 * records that are intact on disk.
 */
import { assert } from '../common/assert.js';
import { PgError, SQLSTATE } from '../common/errors.js';
import { joinPath, dirName, type Fd, type StorageBackend } from './fs.js';
import { isErrnoError, ioError, withIo } from './io_errors.js';
import {
  checkRecord,
  formatLsn,
  isWalStop,
  sealRecord,
  walRecordSpan,
  WAL_HEADER_BYTES,
  WAL_PAYLOAD_BYTES_MAX,
  type WalRecord,
  type WalStop,
} from './wal_record.js';

/** Default segment size: 16 MiB, PostgreSQL's wal_segment_size. */
export const WAL_SEGMENT_BYTES_DEFAULT = 16 * 1024 * 1024;
/** Default size of the append buffer before it is written out without fsync. */
export const WAL_BUFFER_BYTES_DEFAULT = 1024 * 1024;

const SEGMENT_RE = /^[0-9A-F]{16}\.wal$/;

/** File name of the segment starting at `startLsn`. */
export function segmentName(startLsn: number): string {
  return `${startLsn.toString(16).toUpperCase().padStart(16, '0')}.wal`;
}

/** Start LSNs of the segment files in `dir`, ascending. Other files are ignored. */
export function listSegments(fs: StorageBackend, dir: string): number[] {
  const names = withIo('list', dir, () => fs.list(dir));
  const out: number[] = [];
  for (const n of names) if (SEGMENT_RE.test(n)) out.push(parseInt(n.slice(0, 16), 16));
  return out.sort((a, b) => a - b);
}

function readWhole(fs: StorageBackend, path: string): Uint8Array {
  const fd = withIo('open', path, () => fs.open(path, 'read'));
  try {
    const size = withIo('stat', path, () => fs.size(fd));
    const buf = new Uint8Array(size);
    const n = withIo('read', path, () => fs.read(fd, buf, 0, size, 0));
    return n === size ? buf : buf.subarray(0, n);
  } finally {
    withIo('close', path, () => fs.close(fd));
  }
}

/** XX001 for a log that does not reach back to `lsn`, where replay must start. */
function missingSegment(dir: string, lsn: number): PgError {
  return new PgError(SQLSTATE.data_corrupted, `could not find the write-ahead log segment containing ${formatLsn(lsn)}`, {
    hint: `The write-ahead log under "${dir}" no longer holds the records after the latest checkpoint. Restore the missing segment files from a copy of this data directory; nothing has been changed.`,
  });
}

/**
 * Iterates the records of the log in `dir` from `fromLsn` (a record boundary) onwards. The
 * generator's return value is null when the log ends cleanly, or a {@link WalStop} for a torn
 * or corrupt record, after which nothing is read (the caller prints it as a WARNING).
 * Each yielded record's payload is a view that stays valid only until the next step.
 * Throws XX001 if `fromLsn` is not inside the log, PgError on read errors.
 */
export function* readWal(fs: StorageBackend, dir: string, fromLsn: number): Generator<WalRecord, WalStop | null> {
  const starts = fs.exists(dir) ? listSegments(fs, dir) : [];
  if (starts.length === 0) {
    if (fromLsn === 0) return null;
    throw missingSegment(dir, fromLsn);
  }
  let i = starts.length - 1;
  while (i > 0 && starts[i]! > fromLsn) i--;
  if (starts[i]! > fromLsn) throw missingSegment(dir, fromLsn);
  let lsn = fromLsn;
  for (; i < starts.length; i++) {
    const start = starts[i]!;
    const next = i + 1 < starts.length ? starts[i + 1]! : Infinity;
    if (lsn !== start && lsn >= next) continue;
    const path = joinPath(dir, segmentName(start));
    const buf = readWhole(fs, path);
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const limit = Math.min(buf.length, next - start);
    if (lsn - start > buf.length) {
      throw missingSegment(dir, fromLsn);
    }
    while (lsn - start < limit) {
      const r = checkRecord(buf, dv, lsn - start, limit - (lsn - start), lsn);
      if (isWalStop(r)) return r;
      yield r;
      lsn = r.endLsn;
    }
    if (next === Infinity) return null;
    if (lsn < next) {
      // This segment ended early (its tail never reached the disk) yet a later one exists:
      // the later one cannot hold acknowledged records, so the log ends here.
      return { lsn, kind: 'torn', message: `unexpected end of segment "${segmentName(start)}" at ${formatLsn(lsn)}` };
    }
  }
  return null;
}

/**
 * The WARNING to show when replay stopped at a torn or corrupt record: the message says where
 * and what, the detail what it means. (PostgreSQL logs the same texts when redo ends.)
 */
export function replayStopWarning(stop: WalStop): PgError {
  return new PgError(SQLSTATE.warning, stop.message, {
    severity: 'WARNING',
    detail:
      stop.kind === 'torn'
        ? `The write-ahead log ends with an incomplete record at ${formatLsn(stop.lsn)}; it was never acknowledged and has been discarded.`
        : `Replay stopped at a damaged record at ${formatLsn(stop.lsn)}; it and everything after it have been discarded.`,
  });
}

/** Options for {@link Wal.open}. */
export interface WalOptions {
  /** Target segment size in bytes (default 16 MiB). */
  segmentBytes?: number;
  /** Append buffer written out (not fsynced) when it grows past this (default 1 MiB). */
  bufferBytes?: number;
  /** The redo LSN of the last checkpoint: replay starts here (default 0, an empty database). */
  redoLsn?: number;
  /**
   * Called for every intact record from `redoLsn` on, in log order, before the log accepts new
   * appends. The record's payload is a view valid only during the call.
   */
  onRecord?: (rec: WalRecord) => void;
}

/** What {@link Wal.replay} read, for {@link Wal.start}. */
export interface WalReplay {
  /** Start LSNs of the segment files found, ascending. */
  starts: number[];
  /** The end of the intact log: where new records go. */
  endLsn: number;
  /** Records passed to `onRecord`. */
  records: number;
  /** Non-null if replay stopped at a torn or corrupt record. */
  stop: WalStop | null;
}

/** What {@link Wal.open} found. */
export interface WalOpenResult {
  wal: Wal;
  /** Records passed to `onRecord`. */
  records: number;
  /** The end of the intact log: where new records go. */
  endLsn: number;
  /** Non-null if replay stopped at a torn or corrupt record (print it as a WARNING). */
  stop: WalStop | null;
}

interface Waiter {
  lsn: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * The write-ahead log of one database. Single-threaded (one event loop); LSNs are byte
 * positions, JS safe integers. See the module comment for the on-disk layout and failure model.
 */
export class Wal {
  private buf: Uint8Array;
  private dv: DataView;
  /** LSN of buf[0]; everything before it has been written to the segment file. */
  private bufStartLsn: number;
  private insert: number;
  private flushed: number;
  private segStart: number;
  private fd: Fd;
  private segments: number[];
  private failedWith: PgError | null = null;
  private closed = false;
  private waiters: Waiter[] = [];
  private flushing = false;
  /** Descriptors of finished segments whose close waits for an in-flight async fsync. */
  private retired: Fd[] = [];
  /** fsync calls issued for the log (data files only), for tests and monitoring. */
  fsyncs = 0;
  /**
   * Called after {@link flush} or a group-commit fsync made more of the log durable (not after
   * the fsync of a segment switch, which happens in the middle of an append). The owner
   * publishes the commits that became durable (synchronous_commit = on).
   */
  onFlushed: (() => void) | null = null;

  private constructor(
    private readonly fs: StorageBackend,
    private readonly dir: string,
    private readonly segmentBytes: number,
    private readonly bufferBytes: number,
    segments: number[],
    fd: Fd,
    endLsn: number,
  ) {
    this.segments = segments;
    this.fd = fd;
    this.segStart = segments[segments.length - 1]!;
    this.insert = this.flushed = this.bufStartLsn = endLsn;
    this.buf = new Uint8Array(Math.min(bufferBytes, 64 * 1024));
    this.dv = new DataView(this.buf.buffer);
  }

  /**
   * Opens (creating if needed) the log in `dir`, replays it from `opts.redoLsn` through
   * `opts.onRecord`, cuts off anything after the last intact record (truncating that segment
   * and removing later ones, durably) and returns the log ready to append at the end:
   * {@link Wal.replay} followed by {@link Wal.start}.
   * Throws PgError for I/O errors (53100, 42501, 58030...) and XX001 if the redo point is
   * missing from the log.
   */
  static open(fs: StorageBackend, dir: string, opts: WalOptions = {}): WalOpenResult {
    const r = Wal.replay(fs, dir, opts);
    return { wal: Wal.start(fs, dir, r, opts), records: r.records, endLsn: r.endLsn, stop: r.stop };
  }

  /**
   * Reads the log in `dir` from `opts.redoLsn` through `opts.onRecord` without changing
   * anything on disk (a failed open must leave the directory as it was). A missing directory
   * is an empty log.
   * @throws PgError XX001 `could not find the write-ahead log segment containing <lsn>` when
   *   the redo point is after LSN 0 but no segment holds it (the log was removed); whatever
   *   `onRecord` throws; mapped I/O errors.
   */
  static replay(fs: StorageBackend, dir: string, opts: WalOptions = {}): WalReplay {
    const redo = opts.redoLsn ?? 0;
    assert(redo % 8 === 0, 'redo LSN is a record boundary');
    const starts = fs.exists(dir) ? listSegments(fs, dir) : [];
    let endLsn = redo;
    let records = 0;
    let stop: WalStop | null = null;
    if (starts.length > 0 || redo > 0) {
      const it = readWal(fs, dir, redo);
      for (;;) {
        const step = it.next();
        if (step.done) {
          stop = step.value;
          break;
        }
        opts.onRecord?.(step.value);
        endLsn = step.value.endLsn;
        records++;
      }
      if (stop !== null) endLsn = stop.lsn;
    }
    return { starts, endLsn, records, stop };
  }

  /**
   * Makes the log of a finished {@link Wal.replay} ready for appends: creates the directory if
   * missing, cuts the log at the end of the intact records (segments starting after it go,
   * the one holding it is truncated), durably, and opens the last segment.
   * @throws PgError for I/O errors (53100, 42501, 58030...).
   */
  static start(fs: StorageBackend, dir: string, replay: WalReplay, opts: WalOptions = {}): Wal {
    const segmentBytes = opts.segmentBytes ?? WAL_SEGMENT_BYTES_DEFAULT;
    const bufferBytes = opts.bufferBytes ?? WAL_BUFFER_BYTES_DEFAULT;
    const endLsn = replay.endLsn;
    if (!fs.exists(dir)) {
      withIo('mkdir', dir, () => fs.mkdir(dir));
      withIo('fsync', dirName(dir), () => fs.fsyncDir(dirName(dir)));
    }
    // Open the segment that stays first, so that a failure here leaves every file as it was.
    let starts = replay.starts.filter((s) => s <= endLsn);
    let fd: Fd;
    let dirDirty = false;
    if (starts.length === 0) {
      starts = [endLsn];
      const p = joinPath(dir, segmentName(endLsn));
      fd = withIo('create', p, () => fs.open(p, 'create'));
      dirDirty = true;
    } else {
      const p = joinPath(dir, segmentName(starts[starts.length - 1]!));
      fd = withIo('open', p, () => fs.open(p, 'write'));
    }
    for (const s of replay.starts) {
      if (s > endLsn) {
        const p = joinPath(dir, segmentName(s));
        withIo('unlink', p, () => fs.unlink(p));
        dirDirty = true;
      }
    }
    const last = starts[starts.length - 1]!;
    const lastPath = joinPath(dir, segmentName(last));
    const size = withIo('stat', lastPath, () => fs.size(fd));
    if (size !== endLsn - last) withIo('truncate', lastPath, () => fs.truncate(fd, endLsn - last));
    // What was just replayed may be bytes the OS held but never wrote (a restart after an I/O
    // error rather than a power loss): made durable before anything is built on them, or a
    // later power cut could take back a state that sessions already saw. PostgreSQL fsyncs
    // the data directory at the start of crash recovery for the same reason (SyncDataDirectory).
    for (const s of starts) {
      if (s === last) continue;
      const p = joinPath(dir, segmentName(s));
      const f = withIo('open', p, () => fs.open(p, 'write'));
      try {
        withIo('fsync', p, () => fs.fsync(f));
      } finally {
        fs.close(f);
      }
    }
    withIo('fsync', lastPath, () => fs.fsync(fd));
    if (dirDirty || replay.records > 0) withIo('fsync', dir, () => fs.fsyncDir(dir));
    return new Wal(fs, dir, segmentBytes, bufferBytes, starts, fd, endLsn);
  }

  /** LSN just past the last appended record: where the next record starts. */
  get insertLsn(): number {
    return this.insert;
  }

  /** Everything before this LSN is durable (fsynced). */
  get flushedLsn(): number {
    return this.flushed;
  }

  /** The error that broke the log, or null while it is healthy. */
  get failed(): PgError | null {
    return this.failedWith;
  }

  /** Start LSNs of the live segment files, ascending. */
  get segmentStarts(): readonly number[] {
    return this.segments;
  }

  private check(): void {
    if (this.failedWith !== null) throw this.failedWith;
    assert(!this.closed, 'write-ahead log is closed');
  }

  private segPath(start: number): string {
    return joinPath(this.dir, segmentName(start));
  }

  /** Remembers the first failure (mapped to a PgError) and rethrows it. */
  private fail(e: unknown, op: 'write' | 'fsync' | 'create', path: string): never {
    if (this.failedWith === null) {
      if (isErrnoError(e)) this.failedWith = ioError(e, op, path);
      else if (e instanceof PgError) this.failedWith = e;
      else {
        // A simulated crash or a bug: the process is as good as dead; keep the log closed.
        this.failedWith = new PgError(SQLSTATE.io_error, `write-ahead log is unusable after: ${String(e)}`);
        throw e;
      }
    }
    throw this.failedWith;
  }

  /**
   * Appends one record and returns its start LSN. Not durable until a flush covers it.
   * `payload[off .. off+len)` is copied. `type` is 1..255, `flags` 0..255, `xid` a uint32.
   * May write out the buffer or begin a new segment (which fsyncs the finished one).
   * Throws the log's failure error if it is broken; 54000 if the payload exceeds 1 GiB.
   */
  append(type: number, xid: number, payload: Uint8Array, off = 0, len = payload.length - off, flags = 0): number {
    this.check();
    assert(type >= 1 && type <= 255 && (type | 0) === type, 'record type is 1..255');
    if (len > WAL_PAYLOAD_BYTES_MAX) {
      throw new PgError(SQLSTATE.program_limit_exceeded, `write-ahead log record of ${len} bytes is too large`);
    }
    const span = walRecordSpan(len);
    const segUsed = this.insert - this.segStart;
    if (segUsed > 0 && segUsed + span > this.segmentBytes) this.nextSegment();
    const at = this.insert - this.bufStartLsn;
    if (at > 0 && at + span > this.bufferBytes) {
      this.writeOut();
      return this.append(type, xid, payload, off, len, flags);
    }
    this.ensureBuf(at + span);
    this.buf.set(payload.subarray(off, off + len), at + WAL_HEADER_BYTES);
    const lsn = this.insert;
    sealRecord(this.buf, this.dv, at, len, lsn, type, flags, xid);
    this.insert = lsn + span;
    return lsn;
  }

  private ensureBuf(n: number): void {
    if (n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.insert - this.bufStartLsn));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }

  /** Writes the buffered records to the current segment file (no fsync). */
  private writeOut(): void {
    const n = this.insert - this.bufStartLsn;
    if (n === 0) return;
    const path = this.segPath(this.segStart);
    try {
      this.fs.write(this.fd, this.buf, 0, n, this.bufStartLsn - this.segStart);
    } catch (e) {
      this.fail(e, 'write', path);
    }
    this.bufStartLsn = this.insert;
    if (this.buf.length > this.bufferBytes) {
      // A huge record grew the buffer; give the memory back.
      this.buf = new Uint8Array(Math.min(this.bufferBytes, 64 * 1024));
      this.dv = new DataView(this.buf.buffer);
    }
  }

  /**
   * Finishes the current segment durably and starts the next at insertLsn. The finished
   * segment is fsynced before the new one exists, so on disk a later segment implies every
   * earlier one is complete.
   */
  private nextSegment(): void {
    this.writeOut();
    const oldPath = this.segPath(this.segStart);
    try {
      this.fs.fsync(this.fd);
      this.fsyncs++;
    } catch (e) {
      this.fail(e, 'fsync', oldPath);
    }
    this.flushed = Math.max(this.flushed, this.insert);
    if (this.flushing) this.retired.push(this.fd);
    else withIo('close', oldPath, () => this.fs.close(this.fd));
    const start = this.insert;
    const path = this.segPath(start);
    try {
      this.fd = this.fs.open(path, 'create');
    } catch (e) {
      this.fail(e, 'create', path);
    }
    try {
      this.fs.fsyncDir(this.dir);
    } catch (e) {
      this.fail(e, 'fsync', this.dir);
    }
    this.segStart = start;
    this.bufStartLsn = start;
    this.segments.push(start);
  }

  /**
   * Makes every record before `upToLsn` (default: all appended) durable: writes the buffer out
   * and fsyncs. Synchronous; for commits from concurrent sessions prefer {@link flushAsync}.
   * Throws the mapped PgError (e.g. 58030 `could not fsync file "...": Input/output error`) and
   * leaves the log failed.
   */
  flush(upToLsn = this.insert): void {
    this.check();
    if (this.flushed >= upToLsn) return;
    const target = this.insert;
    this.writeOut();
    try {
      this.fs.fsync(this.fd);
      this.fsyncs++;
    } catch (e) {
      this.fail(e, 'fsync', this.segPath(this.segStart));
    }
    this.flushed = Math.max(this.flushed, target);
    this.onFlushed?.();
  }

  /**
   * Group commit: resolves once every record before `upToLsn` is durable. Callers in the same
   * event-loop turn, and callers arriving while an fsync is in flight, share one fsync; the
   * fsync runs off the event loop so other sessions keep appending meanwhile. Rejects with the
   * mapped PgError if the write or fsync fails (then the log is failed).
   */
  flushAsync(upToLsn = this.insert): Promise<void> {
    if (this.failedWith !== null) return Promise.reject(this.failedWith);
    assert(!this.closed, 'write-ahead log is closed');
    if (this.flushed >= upToLsn) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ lsn: upToLsn, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Wait one macrotask so that every session committing in this turn joins the batch.
        setImmediate(() => void this.flushLoop());
      }
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.waiters.length > 0) {
        if (this.failedWith !== null) throw this.failedWith;
        const target = this.insert;
        const path = this.segPath(this.segStart);
        this.writeOut();
        const fd = this.fd;
        try {
          await this.fs.fsyncAsync(fd);
          this.fsyncs++;
        } catch (e) {
          this.fail(e, 'fsync', path);
        }
        this.flushed = Math.max(this.flushed, target);
        this.onFlushed?.();
        const still: Waiter[] = [];
        for (const w of this.waiters) {
          if (w.lsn <= this.flushed) w.resolve();
          else still.push(w);
        }
        this.waiters = still;
      }
    } catch (e) {
      const ws = this.waiters;
      this.waiters = [];
      for (const w of ws) w.reject(e);
    } finally {
      this.flushing = false;
      for (const fd of this.retired) {
        try {
          this.fs.close(fd);
        } catch {
          // The segment was fsynced before retirement; a failed close loses nothing.
        }
      }
      this.retired = [];
    }
  }

  /**
   * Removes segment files that hold only records before `lsn` (a checkpoint's redo LSN), then
   * fsyncs the directory. The current segment always stays. Returns the number removed.
   */
  removeSegmentsBefore(lsn: number): number {
    this.check();
    let removed = 0;
    while (this.segments.length > 1 && this.segments[1]! <= lsn) {
      const p = this.segPath(this.segments[0]!);
      withIo('unlink', p, () => this.fs.unlink(p));
      this.segments.shift();
      removed++;
    }
    if (removed > 0) withIo('fsync', this.dir, () => this.fs.fsyncDir(this.dir));
    return removed;
  }

  /**
   * Flushes what was appended (unless the log failed) and closes the segment file. Waiters of
   * a pending group commit still get their answer (the flush above made them durable).
   */
  close(): void {
    if (this.closed) return;
    if (this.failedWith === null) this.flush();
    this.closed = true;
    if (this.flushing) {
      // An async fsync may still be using the descriptor; the flush loop closes it when done.
      this.retired.push(this.fd);
      return;
    }
    const path = this.segPath(this.segStart);
    try {
      this.fs.close(this.fd);
    } catch (e) {
      if (isErrnoError(e)) throw ioError(e, 'close', path);
      throw e;
    }
  }
}
