/**
 * Checkpoint files: written atomically, streamed in chunks, verified on read.
 *
 * Layout of every checkpoint file (little-endian):
 *
 *   offset size  field
 *   ------ ----  -------------------------------------------------------------
 *        0    8  magic       ASCII "VECGCKPT"
 *        8    4  version     u32, {@link CHECKPOINT_FORMAT_VERSION}
 *       12    4  kind        u32, what the payload is (caller-defined, e.g. table, index)
 *       16    8  lsn         u64, the redo LSN of the checkpoint this file belongs to
 *       24    8  length      u64, payload bytes
 *       32    4  payloadCrc  u32, CRC-32C of the payload
 *       36    4  reserved    zero
 *       40    4  headerCrc   u32, CRC-32C of bytes [0,40)
 *       44    4  reserved    zero
 *       48    n  payload
 *
 * Writing (PostgreSQL's durable_rename() recipe): write `<path>.tmp` (header placeholder, payload
 * in chunks, then the real header at offset 0), fsync it, rename it over `<path>`, fsync the
 * directory. A crash at any point leaves either the old file or the new one, never a mix.
 * Reading checks magic, version, kind, header CRC, file size and, as the payload streams by,
 * the payload CRC; any mismatch is XX001 `invalid checkpoint file "<path>": <what>`.
 *
 * The control file (`vecgres.control`, like PostgreSQL's global/pg_control) is a small
 * checkpoint file naming the latest complete checkpoint: its id, redo LSN and files.
 * {@link CheckpointStore} writes each checkpoint's files under new names and switches to them
 * by rewriting the control file, so a checkpoint interrupted by a crash is invisible. A
 * checkpoint may also keep naming files of earlier ones (incremental checkpoints: relations
 * nothing changed are not rewritten); a file is deleted only once no control file names it.
 */
import { assert } from '../common/assert.js';
import { PgError, SQLSTATE } from '../common/errors.js';
import { ByteReader, ByteWriter, type CodecValue } from './codec.js';
import { crc32c, crc32cFinish, crc32cUpdate, CRC32C_INIT } from './crc32c.js';
import { dirName, joinPath, type Fd, type StorageBackend } from './fs.js';
import { isErrnoError, withIo } from './io_errors.js';

export const CHECKPOINT_MAGIC = 'VECGCKPT';
export const CHECKPOINT_FORMAT_VERSION = 1;
export const CHECKPOINT_HEADER_BYTES = 48;
export const CKPT_OFF_MAGIC = 0;
export const CKPT_OFF_VERSION = 8;
export const CKPT_OFF_KIND = 12;
export const CKPT_OFF_LSN = 16;
export const CKPT_OFF_LENGTH = 24;
export const CKPT_OFF_PAYLOAD_CRC = 32;
export const CKPT_OFF_HEADER_CRC = 40;
/** Streaming granularity: payloads move through buffers of this size, never whole. */
export const CHECKPOINT_CHUNK_BYTES = 1024 * 1024;
/** `kind` of the control file. Callers pick other kinds for their own files. */
export const CHECKPOINT_KIND_CONTROL = 1;
/** Name of the control file in the data directory. */
export const CONTROL_FILE_NAME = 'vecgres.control';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const MAGIC_BYTES = new TextEncoder().encode(CHECKPOINT_MAGIC);

/** XX001 `invalid checkpoint file "<path>": <reason>`. */
export function invalidCheckpoint(path: string, reason: string): PgError {
  return new PgError(SQLSTATE.data_corrupted, `invalid checkpoint file "${path}": ${reason}`);
}

function setU64(dv: DataView, p: number, v: number): void {
  dv.setUint32(p, v % 0x100000000, true);
  dv.setUint32(p + 4, Math.floor(v / 0x100000000), true);
}

function getU64(dv: DataView, p: number): number {
  return dv.getUint32(p, true) + dv.getUint32(p + 4, true) * 0x100000000;
}

/** Options for {@link CheckpointWriter.create}. */
export interface CheckpointWriteOptions {
  /** The redo LSN of the checkpoint the file belongs to. */
  lsn: number;
  /** What the payload is (checked on read). */
  kind: number;
  /** fsync the directory after the rename (default true; a batch may do it once instead). */
  syncDir?: boolean;
}

/**
 * Streams one checkpoint file to `<path>.tmp` and installs it atomically at `commit()`.
 * Memory use is one chunk ({@link CHECKPOINT_CHUNK_BYTES}) whatever the payload size.
 * Every method throws the mapped PgError on I/O failure (53100 disk full, 42501 permission,
 * 58030 I/O error) after removing the temporary file; the previous `<path>` is untouched.
 */
export class CheckpointWriter {
  private chunk = new Uint8Array(CHECKPOINT_CHUNK_BYTES);
  private fill = 0;
  private filePos = CHECKPOINT_HEADER_BYTES;
  private crc = CRC32C_INIT;
  private done = false;
  readonly tmpPath: string;

  private constructor(
    private readonly fs: StorageBackend,
    readonly path: string,
    private readonly fd: Fd,
    private readonly opts: CheckpointWriteOptions,
  ) {
    this.tmpPath = `${path}.tmp`;
  }

  /** Opens `<path>.tmp` (discarding any leftover one) for a new checkpoint file. */
  static create(fs: StorageBackend, path: string, opts: CheckpointWriteOptions): CheckpointWriter {
    const tmp = `${path}.tmp`;
    const fd = withIo('create', tmp, () => fs.open(tmp, 'create'));
    const w = new CheckpointWriter(fs, path, fd, opts);
    w.guard('truncate', () => fs.truncate(fd, 0));
    return w;
  }

  /** Payload bytes written so far. */
  get length(): number {
    return this.filePos - CHECKPOINT_HEADER_BYTES + this.fill;
  }

  /** Runs an I/O step; on failure removes the temporary file and throws the mapped error. */
  private guard<T>(op: 'write' | 'fsync' | 'rename' | 'truncate', fn: () => T): T {
    try {
      return withIo(op, this.tmpPath, fn, op === 'rename' ? this.path : undefined);
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  private flushChunk(): void {
    if (this.fill === 0) return;
    const n = this.fill;
    this.guard('write', () => this.fs.write(this.fd, this.chunk, 0, n, this.filePos));
    this.filePos += n;
    this.fill = 0;
  }

  /** Appends `src[off .. off+len)` to the payload. Big inputs bypass the chunk buffer. */
  write(src: Uint8Array, off = 0, len = src.length - off): void {
    assert(!this.done, 'checkpoint writer already finished');
    this.crc = crc32cUpdate(this.crc, src, off, len);
    if (len >= CHECKPOINT_CHUNK_BYTES) {
      this.flushChunk();
      // Write in chunk-sized pieces so a failing disk reports early and partial writes stay small.
      for (let p = 0; p < len; p += CHECKPOINT_CHUNK_BYTES) {
        const n = Math.min(CHECKPOINT_CHUNK_BYTES, len - p);
        this.guard('write', () => this.fs.write(this.fd, src, off + p, n, this.filePos));
        this.filePos += n;
      }
      return;
    }
    if (this.fill + len > this.chunk.length) this.flushChunk();
    this.chunk.set(src.subarray(off, off + len), this.fill);
    this.fill += len;
  }

  /** Appends float32 elements `src[off .. off+len)` little-endian, without copying on LE hosts. */
  writeF32(src: Float32Array, off = 0, len = src.length - off): void {
    if (LITTLE_ENDIAN_HOST) {
      this.write(new Uint8Array(src.buffer, src.byteOffset + off * 4, len * 4));
      return;
    }
    const w = new ByteWriter(len * 4);
    for (let i = 0; i < len; i++) w.f32(src[off + i]!);
    this.write(w.finish());
  }

  /**
   * Seals the file: header at offset 0, fsync, close, rename over `path`, fsync the directory.
   * After it returns the new contents survive a crash.
   */
  commit(): void {
    assert(!this.done, 'checkpoint writer already finished');
    this.flushChunk();
    const header = new Uint8Array(CHECKPOINT_HEADER_BYTES);
    const dv = new DataView(header.buffer);
    header.set(MAGIC_BYTES, CKPT_OFF_MAGIC);
    dv.setUint32(CKPT_OFF_VERSION, CHECKPOINT_FORMAT_VERSION, true);
    dv.setUint32(CKPT_OFF_KIND, this.opts.kind, true);
    setU64(dv, CKPT_OFF_LSN, this.opts.lsn);
    setU64(dv, CKPT_OFF_LENGTH, this.filePos - CHECKPOINT_HEADER_BYTES);
    dv.setUint32(CKPT_OFF_PAYLOAD_CRC, crc32cFinish(this.crc), true);
    dv.setUint32(CKPT_OFF_HEADER_CRC, crc32c(header, 0, CKPT_OFF_HEADER_CRC), true);
    this.guard('write', () => this.fs.write(this.fd, header, 0, header.length, 0));
    this.guard('fsync', () => this.fs.fsync(this.fd));
    this.done = true;
    withIo('close', this.tmpPath, () => this.fs.close(this.fd));
    try {
      withIo('rename', this.tmpPath, () => this.fs.rename(this.tmpPath, this.path), this.path);
    } catch (e) {
      tryUnlink(this.fs, this.tmpPath);
      throw e;
    }
    if (this.opts.syncDir !== false) {
      const dir = dirName(this.path);
      withIo('fsync', dir, () => this.fs.fsyncDir(dir));
    }
  }

  /** Gives up: closes and removes the temporary file (best effort). Idempotent. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    try {
      this.fs.close(this.fd);
    } catch {
      // Already failing; the temporary file is removed below or at the next startup.
    }
    tryUnlink(this.fs, this.tmpPath);
  }
}

function tryUnlink(fs: StorageBackend, path: string): void {
  try {
    fs.unlink(path);
  } catch (e) {
    if (!isErrnoError(e)) throw e; // a simulated crash must propagate
  }
}

/**
 * Streams a checkpoint file's payload, verifying as it goes. `open` checks the header and the
 * file size; `finish` checks the payload CRC. Callers must not publish what they decoded until
 * `finish()` returned: damage inside the payload is only certain at the end.
 * Every failure is XX001 `invalid checkpoint file "<path>": ...` (or a mapped I/O error).
 */
export class CheckpointReader {
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkPos = 0;
  private chunkLen = 0;
  private filePos = CHECKPOINT_HEADER_BYTES;
  private crc = CRC32C_INIT;
  private closed = false;
  /** Bytes of payload consumed so far. */
  consumed = 0;

  private constructor(
    private readonly fs: StorageBackend,
    readonly path: string,
    private readonly fd: Fd,
    readonly kind: number,
    readonly lsn: number,
    readonly length: number,
    private readonly payloadCrc: number,
  ) {}

  /**
   * Opens `path` and validates its header (and `kind`, if given). Throws XX001 naming the file
   * on a bad magic number, version, kind, header checksum or size; 58P01 if it is missing.
   */
  static open(fs: StorageBackend, path: string, kind?: number): CheckpointReader {
    const fd = withIo('open', path, () => fs.open(path, 'read'));
    try {
      const size = withIo('stat', path, () => fs.size(fd));
      const header = new Uint8Array(CHECKPOINT_HEADER_BYTES);
      const n = withIo('read', path, () => fs.read(fd, header, 0, CHECKPOINT_HEADER_BYTES, 0));
      if (n < CHECKPOINT_HEADER_BYTES) throw invalidCheckpoint(path, `file is too short for a header (${n} bytes)`);
      const dv = new DataView(header.buffer);
      for (let i = 0; i < MAGIC_BYTES.length; i++) {
        if (header[i] !== MAGIC_BYTES[i]) throw invalidCheckpoint(path, 'bad magic number');
      }
      if (crc32c(header, 0, CKPT_OFF_HEADER_CRC) !== dv.getUint32(CKPT_OFF_HEADER_CRC, true)) {
        throw invalidCheckpoint(path, 'incorrect header checksum');
      }
      const version = dv.getUint32(CKPT_OFF_VERSION, true);
      if (version !== CHECKPOINT_FORMAT_VERSION) {
        throw invalidCheckpoint(path, `unsupported format version ${version} (expected ${CHECKPOINT_FORMAT_VERSION})`);
      }
      const k = dv.getUint32(CKPT_OFF_KIND, true);
      if (kind !== undefined && k !== kind) throw invalidCheckpoint(path, `file kind ${k} (expected ${kind})`);
      const length = getU64(dv, CKPT_OFF_LENGTH);
      if (size !== CHECKPOINT_HEADER_BYTES + length) {
        throw invalidCheckpoint(path, `file size ${size} does not match header (${CHECKPOINT_HEADER_BYTES} + ${length})`);
      }
      return new CheckpointReader(fs, path, fd, k, getU64(dv, CKPT_OFF_LSN), length, dv.getUint32(CKPT_OFF_PAYLOAD_CRC, true));
    } catch (e) {
      try {
        fs.close(fd);
      } catch {
        // Reporting the first error matters more.
      }
      throw e;
    }
  }

  /** Payload bytes not read yet. */
  get remaining(): number {
    return this.length - this.consumed;
  }

  private fileRead(buf: Uint8Array, off: number, len: number): void {
    const n = withIo('read', this.path, () => this.fs.read(this.fd, buf, off, len, this.filePos));
    if (n < len) throw invalidCheckpoint(this.path, `unexpected end of file at byte ${this.filePos + n}`);
    this.filePos += n;
  }

  private need(len: number): void {
    if (len > this.remaining) {
      throw invalidCheckpoint(this.path, `payload ends after ${this.length} bytes, ${this.consumed + len} needed`);
    }
  }

  /**
   * Copies the next `len` payload bytes into `dst[off..]`. Large reads go straight from the file
   * into `dst` (no intermediate copy).
   */
  readInto(dst: Uint8Array, off = 0, len = dst.length - off): void {
    this.need(len);
    let got = 0;
    const buffered = Math.min(len, this.chunkLen - this.chunkPos);
    if (buffered > 0) {
      dst.set(this.chunk.subarray(this.chunkPos, this.chunkPos + buffered), off);
      this.chunkPos += buffered;
      got = buffered;
    }
    const rest = len - got;
    if (rest >= CHECKPOINT_CHUNK_BYTES) {
      this.fileRead(dst, off + got, rest);
      this.crc = crc32cUpdate(this.crc, dst, off + got, rest);
    } else if (rest > 0) {
      this.refill();
      dst.set(this.chunk.subarray(0, rest), off + got);
      this.chunkPos = rest;
    }
    this.consumed += len;
  }

  /**
   * Copies payload bytes `[pos, pos + len)` into `dst[off..]` with one positioned read, outside
   * the streaming order and without the payload CRC (which covers the whole payload): for
   * formats that checksum their parts themselves (storage/segment_file.ts reads one page).
   * @throws PgError XX001 when the range lies past the payload or the file ends early.
   */
  readPayloadAt(pos: number, dst: Uint8Array, off: number, len: number): void {
    if (pos < 0 || pos + len > this.length) {
      throw invalidCheckpoint(this.path, `payload ends after ${this.length} bytes, ${pos + len} needed`);
    }
    const at = CHECKPOINT_HEADER_BYTES + pos;
    const n = withIo('read', this.path, () => this.fs.read(this.fd, dst, off, len, at));
    if (n < len) throw invalidCheckpoint(this.path, `unexpected end of file at byte ${at + n}`);
  }

  /** Loads the next chunk of payload into the internal buffer (and into the CRC). */
  private refill(): void {
    if (this.chunk.length === 0) this.chunk = new Uint8Array(CHECKPOINT_CHUNK_BYTES);
    const left = this.length - (this.filePos - CHECKPOINT_HEADER_BYTES);
    const n = Math.min(CHECKPOINT_CHUNK_BYTES, left);
    this.fileRead(this.chunk, 0, n);
    this.crc = crc32cUpdate(this.crc, this.chunk, 0, n);
    this.chunkPos = 0;
    this.chunkLen = n;
  }

  /** The next `len` payload bytes as a view, valid until the next read (len <= 1 MiB). */
  readBytes(len: number): Uint8Array {
    assert(len <= CHECKPOINT_CHUNK_BYTES, 'readBytes is for small reads; use readInto');
    this.need(len);
    if (this.chunkLen - this.chunkPos >= len) {
      const v = this.chunk.subarray(this.chunkPos, this.chunkPos + len);
      this.chunkPos += len;
      this.consumed += len;
      return v;
    }
    const out = new Uint8Array(len);
    this.readInto(out);
    return out;
  }

  /** Reads `n` float32 values into `dst[off..]` (e.g. straight into a vector segment). */
  readF32Into(dst: Float32Array, off: number, n: number): void {
    if (LITTLE_ENDIAN_HOST) {
      this.readInto(new Uint8Array(dst.buffer, dst.byteOffset + off * 4, n * 4));
      return;
    }
    const bytes = new Uint8Array(n * 4);
    this.readInto(bytes);
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < n; i++) dst[off + i] = dv.getFloat32(i * 4, true);
  }

  /**
   * Verifies the payload checksum (reading whatever was not consumed) and closes the file.
   * Throws XX001 `invalid checkpoint file "<path>": incorrect payload checksum` on mismatch.
   */
  finish(): void {
    try {
      while (this.filePos - CHECKPOINT_HEADER_BYTES < this.length) this.refill();
      this.chunkLen = this.chunkPos = 0;
      if (crc32cFinish(this.crc) !== this.payloadCrc) throw invalidCheckpoint(this.path, 'incorrect payload checksum');
    } finally {
      this.close();
    }
  }

  /** Closes without verifying (after an error). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    withIo('close', this.path, () => this.fs.close(this.fd));
  }
}

/** Writes a whole checkpoint file from in-memory parts, atomically. */
export function writeCheckpointFile(
  fs: StorageBackend,
  path: string,
  opts: CheckpointWriteOptions,
  ...parts: Uint8Array[]
): void {
  const w = CheckpointWriter.create(fs, path, opts);
  for (const p of parts) w.write(p);
  w.commit();
}

/** Reads and verifies a whole (small) checkpoint file. */
export function readCheckpointFile(fs: StorageBackend, path: string, kind?: number): { lsn: number; kind: number; payload: Uint8Array } {
  const r = CheckpointReader.open(fs, path, kind);
  let payload: Uint8Array;
  try {
    payload = new Uint8Array(r.length);
    r.readInto(payload);
  } catch (e) {
    r.close();
    throw e;
  }
  r.finish();
  return { lsn: r.lsn, kind: r.kind, payload };
}

/** What the control file records about the latest complete checkpoint. */
export interface ControlData {
  /** Checkpoint number, 1 for the first; 0 means none yet. */
  checkpointId: number;
  /** Replay starts here: every record before it is reflected in the checkpoint files. */
  redoLsn: number;
  /** Names (relative to the checkpoint directory) of the files of this checkpoint. */
  files: string[];
  /** Caller-defined metadata (e.g. the catalog), encoded with the codec. */
  meta: CodecValue;
}

function encodeControl(c: ControlData): Uint8Array {
  const w = new ByteWriter(256);
  w.varuint(c.checkpointId).u64(c.redoLsn).varuint(c.files.length);
  for (const f of c.files) w.string(f);
  w.value(c.meta);
  return w.finish();
}

function decodeControl(path: string, bytes: Uint8Array): ControlData {
  try {
    const r = new ByteReader(bytes);
    const checkpointId = r.varuint();
    const redoLsn = r.u64();
    const n = r.varuint();
    const files: string[] = [];
    for (let i = 0; i < n; i++) files.push(r.string());
    const meta = r.readValue();
    return { checkpointId, redoLsn, files, meta };
  } catch (e) {
    if (e instanceof PgError) throw invalidCheckpoint(path, e.message);
    throw e;
  }
}

/** Atomically replaces the control file in `dataDir`. */
export function writeControl(fs: StorageBackend, dataDir: string, c: ControlData): void {
  writeCheckpointFile(fs, joinPath(dataDir, CONTROL_FILE_NAME), { lsn: c.redoLsn, kind: CHECKPOINT_KIND_CONTROL }, encodeControl(c));
}

/**
 * Reads the control file of `dataDir`: null if there is none (a new database), XX001 naming
 * the file if it is damaged.
 */
export function readControl(fs: StorageBackend, dataDir: string): ControlData | null {
  const path = joinPath(dataDir, CONTROL_FILE_NAME);
  if (!fs.exists(path)) return null;
  const { payload } = readCheckpointFile(fs, path, CHECKPOINT_KIND_CONTROL);
  return decodeControl(path, payload);
}

/**
 * Generations of checkpoint files under `<dataDir>/<subdir>`, switched atomically through the
 * control file. Checkpoint n writes its files as `<name>.<n in hex>`, so they never overwrite
 * the files of checkpoint n-1 that recovery may still need; writing the control file is the
 * commit point; the files of the old generation that the new one does not keep
 * ({@link CheckpointBuilder.keep}) are deleted after it.
 *
 * Intended use by the engine, synchronously (no awaits, so the state is consistent at redo):
 *   const redo = wal.insertLsn; wal.flush();           // WAL-before-data
 *   const b = store.begin(redo);
 *   const w = b.file('t16384', KIND_TABLE); ...stream...; w.commit();
 *   b.commit(meta);                                     // control file switch
 *   wal.removeSegmentsBefore(redo);
 */
export class CheckpointStore {
  readonly dir: string;
  private current: ControlData | null = null;
  private opened = false;
  /** Highest checkpoint id ever begun: a failed attempt's id is never reused, because the
   * control file may already name that attempt's files. */
  private lastId = 0;

  constructor(private readonly fs: StorageBackend, readonly dataDir: string, subdir = 'base') {
    this.dir = joinPath(dataDir, subdir);
  }

  /**
   * Reads the control file and removes leftovers of interrupted checkpoints (temporary files
   * and files of a generation the control file does not name). Creates the directories for a
   * new database. Returns the latest checkpoint, or null if there is none.
   * Throws XX001 naming the file if the control file is damaged (before changing anything).
   */
  open(): ControlData | null {
    const c = this.readLatest();
    this.sweep();
    return c;
  }

  /**
   * Reads the control file without changing anything on disk: a database that fails to open
   * must be left exactly as it was, so that restoring a file or fixing the disk lets it open.
   * Returns the latest checkpoint, or null if there is no control file.
   * @throws PgError XX001 naming the file if the control file is damaged; mapped I/O errors.
   */
  readLatest(): ControlData | null {
    this.current = readControl(this.fs, this.dataDir);
    this.lastId = this.current?.checkpointId ?? 0;
    return this.current;
  }

  /**
   * Names (sorted) of the files under the checkpoint directory other than temporary ones,
   * without changing anything; [] when the directory does not exist.
   */
  listFiles(): string[] {
    if (!this.fs.exists(this.dir)) return [];
    return withIo('list', this.dir, () => this.fs.list(this.dir)).filter((n) => !n.endsWith('.tmp'));
  }

  /**
   * Makes the directories (durably) if missing and removes leftovers of interrupted
   * checkpoints: the control file's temporary file and every file under the checkpoint
   * directory that the control file read by {@link readLatest} does not name. Call it only
   * once opening has succeeded: until then nothing may be deleted.
   */
  sweep(): void {
    for (const d of [this.dataDir, this.dir]) {
      if (!this.fs.exists(d)) {
        withIo('mkdir', d, () => this.fs.mkdir(d));
        const parent = dirName(d);
        withIo('fsync', parent, () => this.fs.fsyncDir(parent));
      }
    }
    tryUnlink(this.fs, joinPath(this.dataDir, `${CONTROL_FILE_NAME}.tmp`));
    const live = new Set(this.current?.files ?? []);
    let removed = false;
    for (const name of withIo('list', this.dir, () => this.fs.list(this.dir))) {
      if (!live.has(name)) {
        const p = joinPath(this.dir, name);
        withIo('unlink', p, () => this.fs.unlink(p));
        removed = true;
      }
    }
    if (removed) withIo('fsync', this.dir, () => this.fs.fsyncDir(this.dir));
    this.opened = true;
  }

  /**
   * Starts a new database (PostgreSQL's initdb): makes the directories and writes a control
   * file naming checkpoint 0, which has no files and replays the log from LSN 0. From then on
   * a data directory with log segments or checkpoint files but no control file is damaged,
   * never new. Returns the control data written.
   */
  initialize(meta: CodecValue): ControlData {
    this.sweep();
    const c: ControlData = { checkpointId: 0, redoLsn: 0, files: [], meta };
    writeControl(this.fs, this.dataDir, c);
    this.current = c;
    this.lastId = 0;
    return c;
  }

  /** The latest complete checkpoint (after `open` or a `commit`), or null. */
  get latest(): ControlData | null {
    return this.current;
  }

  /** True when the latest checkpoint lists file `file` (its full name). */
  hasFile(file: string): boolean {
    const c = this.current;
    if (c === null) return false;
    if (this.listed === null || this.listedFor !== c) {
      this.listed = new Set(c.files);
      this.listedFor = c;
    }
    return this.listed.has(file);
  }

  private listed: Set<string> | null = null;
  private listedFor: ControlData | null = null;

  /** Opens a file of the latest checkpoint for streaming; XX001 naming it if damaged. */
  read(name: string, kind?: number): CheckpointReader {
    assert(this.current !== null, 'no checkpoint to read');
    const file = `${name}.${this.current.checkpointId.toString(16)}`;
    assert(this.current.files.includes(file), `file ${name} is not part of the checkpoint`);
    return CheckpointReader.open(this.fs, joinPath(this.dir, file), kind);
  }

  /**
   * Opens file `file` (its full name with the generation suffix, as the control file lists it)
   * of the latest checkpoint: a file an older checkpoint wrote and later ones kept naming.
   * @throws PgError XX001 naming the file if damaged, or if the control file does not list it.
   */
  readFile(file: string, kind?: number): CheckpointReader {
    assert(this.current !== null, 'no checkpoint to read');
    if (!this.current.files.includes(file)) throw invalidCheckpoint(joinPath(this.dataDir, CONTROL_FILE_NAME), `metadata names file "${file}" that the checkpoint does not list`);
    return CheckpointReader.open(this.fs, joinPath(this.dir, file), kind);
  }

  /** Starts the next checkpoint, whose replay will begin at `redoLsn`. */
  begin(redoLsn: number): CheckpointBuilder {
    assert(this.opened, 'CheckpointStore.open() must run before a checkpoint');
    return new CheckpointBuilder(this.fs, this, ++this.lastId, redoLsn);
  }

  /** @internal called by CheckpointBuilder.commit */
  install(c: ControlData): void {
    const previous = this.current;
    writeControl(this.fs, this.dataDir, c);
    this.current = c;
    if (previous === null) return;
    const keep = new Set(c.files);
    let removed = false;
    for (const f of previous.files) {
      if (keep.has(f)) continue;
      const p = joinPath(this.dir, f);
      withIo('unlink', p, () => this.fs.unlink(p));
      removed = true;
    }
    if (removed) withIo('fsync', this.dir, () => this.fs.fsyncDir(this.dir));
  }
}

/** One checkpoint being written; see {@link CheckpointStore}. */
export class CheckpointBuilder {
  private readonly files: string[] = [];
  private readonly open = new Set<CheckpointWriter>();
  /** Files of earlier checkpoints named again ({@link keep}): never removed by an abort. */
  private readonly kept = new Set<string>();
  /** Set once the control file may name this checkpoint: from then on its files must stay. */
  private committing = false;

  constructor(
    private readonly fs: StorageBackend,
    private readonly store: CheckpointStore,
    readonly checkpointId: number,
    readonly redoLsn: number,
  ) {}

  /** The full name (with this checkpoint's generation suffix) that `file(name)` writes. */
  fileName(name: string): string {
    return `${name}.${this.checkpointId.toString(16)}`;
  }

  /**
   * Names file `file` of the latest checkpoint (its full name) as part of this one too, without
   * rewriting it: an incremental checkpoint keeps the files of relations nothing changed. The
   * sweep of the previous generation then leaves it in place.
   */
  keep(file: string): void {
    const latest = this.store.latest;
    assert(latest !== null && latest.files.includes(file), `kept file ${file} is not part of the latest checkpoint`);
    assert(!this.files.includes(file), `file ${file} named twice`);
    this.files.push(file);
    this.kept.add(file);
  }

  /** A writer for file `name` of this checkpoint; call its `commit()` when done. */
  file(name: string, kind: number): CheckpointWriter {
    assert(!name.includes('/') && !name.endsWith('.tmp'), 'checkpoint file names are plain');
    const file = this.fileName(name);
    assert(!this.files.includes(file), `file ${name} written twice`);
    this.files.push(file);
    const w = CheckpointWriter.create(this.fs, joinPath(this.store.dir, file), { lsn: this.redoLsn, kind, syncDir: false });
    this.open.add(w);
    return w;
  }

  /**
   * Makes the checkpoint the latest: fsyncs the checkpoint directory (the renames), writes the
   * control file atomically, then deletes the previous checkpoint's files. Every writer from
   * `file()` must have been committed. Returns the new control data.
   */
  commit(meta: CodecValue = null): ControlData {
    withIo('fsync', this.store.dir, () => this.fs.fsyncDir(this.store.dir));
    this.committing = true;
    const c: ControlData = { checkpointId: this.checkpointId, redoLsn: this.redoLsn, files: [...this.files], meta };
    this.store.install(c);
    return c;
  }

  /**
   * Abandons the checkpoint: aborts open writers and removes the files written so far, unless
   * the control file may already name them (a failure inside `commit`); the next
   * {@link CheckpointStore.open} sweeps whichever generation the control file does not name.
   */
  abort(): void {
    for (const w of this.open) w.abort();
    if (this.committing) return;
    for (const f of this.files) if (!this.kept.has(f)) tryUnlink(this.fs, joinPath(this.store.dir, f));
  }
}
