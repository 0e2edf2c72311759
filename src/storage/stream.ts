/**
 * Byte streams between in-memory structures and checkpoint files. A table or an index writes
 * itself to a {@link ByteSink} and reads itself back from a {@link ByteSource}; the checkpoint
 * writer and reader (checkpoint.ts) implement both, checksumming as the bytes pass.
 *
 * Small heterogeneous data (scalar column values, catalog entries) travels in *blocks*: a u32
 * little-endian byte length, then that many bytes encoded with the codec, so a reader can pull
 * a bounded piece of a stream and decode it with a {@link ByteReader}.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { ByteReader, ByteWriter } from './codec.js';

/** Where serialized bytes go. `src[off .. off+len)` is consumed before the call returns. */
export interface ByteSink {
  write(src: Uint8Array, off?: number, len?: number): void;
}

/** Where serialized bytes come from; both calls throw XX001 past the end. */
export interface ByteSource {
  /** Copies the next `len` bytes into `dst[off..]` (large reads go straight into `dst`). */
  readInto(dst: Uint8Array, off?: number, len?: number): void;
  /** The next `len` bytes as a view valid until the next read (len <= 1 MiB). */
  readBytes(len: number): Uint8Array;
}

/** Bytes a block may hold: a reader refuses larger lengths as corruption. */
export const BLOCK_BYTES_MAX = 64 * 1024 * 1024;

/** Writes `w`'s contents as one block and resets `w`. */
export function writeBlock(sink: ByteSink, w: ByteWriter): void {
  const bytes = w.finish();
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, bytes.length, true);
  sink.write(len);
  sink.write(bytes);
  w.reset();
}

/** Reads one block into a fresh buffer and returns a reader over it. @throws PgError XX001. */
export function readBlock(src: ByteSource): ByteReader {
  const head = src.readBytes(4);
  const n = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
  if (n > BLOCK_BYTES_MAX) throw new PgError(SQLSTATE.data_corrupted, `invalid block length ${n}`);
  const buf = new Uint8Array(n);
  src.readInto(buf, 0, n);
  return new ByteReader(buf);
}

/** A sink collecting everything in memory (tests, small payloads). */
export class MemorySink implements ByteSink {
  private readonly w = new ByteWriter(1024);
  write(src: Uint8Array, off = 0, len = src.length - off): void {
    this.w.raw(src, off, len);
  }
  /** The bytes written so far. */
  bytes(): Uint8Array {
    return this.w.finish();
  }
}

/** A source over an in-memory byte array. */
export class MemorySource implements ByteSource {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  readInto(dst: Uint8Array, off = 0, len = dst.length - off): void {
    if (this.pos + len > this.buf.length) throw new PgError(SQLSTATE.data_corrupted, 'unexpected end of data');
    dst.set(this.buf.subarray(this.pos, this.pos + len), off);
    this.pos += len;
  }
  readBytes(len: number): Uint8Array {
    if (this.pos + len > this.buf.length) throw new PgError(SQLSTATE.data_corrupted, 'unexpected end of data');
    const v = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return v;
  }
}
