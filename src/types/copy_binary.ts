/**
 * COPY's binary format (PostgreSQL's copyto.c CopyToBinaryStart / CopyToBinaryOneRow and
 * copyfromparse.c ReceiveCopyBinaryHeader / CopyReadBinaryAttribute). Layout, all integers
 * big-endian:
 *
 *   header:  11 bytes signature `PGCOPY\n\377\r\n\0`, int32 flags (bit 16: OIDs, refused;
 *            bits 17-31 critical, refused; bits 0-15 ignored), int32 header-extension length,
 *            that many bytes (skipped)
 *   tuple:   int16 field count, then per field int32 byte length (-1: NULL) and the
 *            field's binary send bytes (the type's typsend, type_io.ts)
 *   trailer: int16 -1
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { badCopyFormat } from './copy_text.js';

/** The 11-byte signature that starts a binary COPY stream. */
export const COPY_BINARY_SIGNATURE = new Uint8Array([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);

/** The 19-byte header COPY TO writes: signature, flags 0, no extension. */
export function copyBinaryHeader(): Uint8Array {
  const b = new Uint8Array(19);
  b.set(COPY_BINARY_SIGNATURE, 0);
  return b;
}

/** The 2-byte trailer (field count -1). */
export function copyBinaryTrailer(): Uint8Array {
  return new Uint8Array([0xff, 0xff]);
}

/** One tuple: field count, then per field its length and bytes (null: SQL NULL). */
export function copyBinaryTuple(fields: readonly (Uint8Array | null)[]): Uint8Array {
  let n = 2;
  for (const f of fields) n += 4 + (f === null ? 0 : f.length);
  const out = new Uint8Array(n);
  const dv = new DataView(out.buffer);
  dv.setInt16(0, fields.length);
  let p = 2;
  for (const f of fields) {
    if (f === null) {
      dv.setInt32(p, -1);
      p += 4;
      continue;
    }
    dv.setInt32(p, f.length);
    out.set(f, p + 4);
    p += 4 + f.length;
  }
  return out;
}

/**
 * Reads a binary COPY stream held in one buffer: {@link readHeader} once, then
 * {@link nextTuple} until it returns null (the trailer, or the end of the data).
 */
export class CopyBinaryReader {
  private pos = 0;
  private readonly dv: DataView;
  /** Tuples read so far (PostgreSQL's line number in CONTEXT). */
  tupleNo = 0;
  /** The field being read when an error was thrown (0-based), -1 for the field count. */
  field = -1;

  constructor(private readonly buf: Uint8Array) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /**
   * Checks the header.
   * @throws PgError 22P04 `COPY file signature not recognized`, `invalid COPY file header (...)`,
   *   `unrecognized critical flags in COPY file header`.
   */
  readHeader(): void {
    const b = this.buf;
    if (b.length < 11 || COPY_BINARY_SIGNATURE.some((x, i) => b[i] !== x)) throw badCopyFormat('COPY file signature not recognized');
    if (b.length < 15) throw badCopyFormat('invalid COPY file header (missing flags)');
    const flags = this.dv.getInt32(11);
    if ((flags & (1 << 16)) !== 0) throw badCopyFormat('invalid COPY file header (WITH OIDS)');
    if ((flags & ~0 & 0xfffe0000) !== 0) throw badCopyFormat('unrecognized critical flags in COPY file header');
    if (b.length < 19) throw badCopyFormat('invalid COPY file header (missing length)');
    const ext = this.dv.getInt32(15);
    if (ext < 0 || 19 + ext > b.length) throw badCopyFormat('invalid COPY file header (wrong length)');
    this.pos = 19 + ext;
  }

  /**
   * The next tuple's fields (views into the buffer; null for NULL), or null at the trailer or
   * the end of the data.
   * @throws PgError as {@link nextTupleInto}.
   */
  nextTuple(expected: number): (Uint8Array | null)[] | null {
    const offs = new Int32Array(expected);
    const lens = new Int32Array(expected);
    if (!this.nextTupleInto(expected, offs, lens)) return null;
    const out: (Uint8Array | null)[] = new Array(expected);
    for (let i = 0; i < expected; i++) out[i] = lens[i]! < 0 ? null : this.buf.subarray(offs[i]!, offs[i]! + lens[i]!);
    return out;
  }

  /**
   * Reads the next tuple's framing without copying: field i is `buffer[offs[i], offs[i] +
   * lens[i])`, or SQL NULL when lens[i] is -1.
   * @returns false at the trailer or the end of the data.
   * @throws PgError 22P04 `row field count is n, expected m`, `unexpected EOF in COPY data`,
   *   `invalid field size`.
   */
  nextTupleInto(expected: number, offs: Int32Array, lens: Int32Array): boolean {
    const b = this.buf;
    if (this.pos >= b.length) return false;
    this.tupleNo++;
    this.field = -1;
    if (this.pos + 2 > b.length) throw badCopyFormat('unexpected EOF in COPY data');
    const count = this.dv.getInt16(this.pos);
    this.pos += 2;
    if (count === -1) return false;
    if (count !== expected) throw badCopyFormat(`row field count is ${count}, expected ${expected}`);
    for (let i = 0; i < count; i++) {
      this.field = i;
      if (this.pos + 4 > b.length) throw badCopyFormat('unexpected EOF in COPY data');
      const len = this.dv.getInt32(this.pos);
      this.pos += 4;
      offs[i] = this.pos;
      lens[i] = len;
      if (len === -1) continue;
      if (len < -1) throw badCopyFormat('invalid field size');
      if (this.pos + len > b.length) throw badCopyFormat('unexpected EOF in COPY data');
      this.pos += len;
    }
    return true;
  }

  /** The buffer the field offsets of {@link nextTupleInto} index. */
  get buffer(): Uint8Array {
    return this.buf;
  }
}

/** 22P03 for a field whose receive function left bytes unread (CopyReadBinaryAttribute). */
export function incorrectBinaryFormat(): PgError {
  return new PgError(SQLSTATE.invalid_binary_representation, 'incorrect binary data format');
}
