/**
 * A cursor over one message body, with PostgreSQL's `pqformat.c` pq_getmsg* semantics: integers
 * are big-endian, strings are NUL-terminated UTF-8, every read is bounds-checked and a short
 * body is reported with pqformat.c's message text. Reads throw {@link PgError} (SQLSTATE 08P01
 * or 22021); the decoders in `frontend.ts` catch them at the message boundary and return them
 * as values, so no exception leaves the codec.
 */
import { protoErr } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: false });

export class MessageReader {
  /** Read position, an offset into {@link buf}. */
  pos: number;

  /**
   * @param buf bytes holding the message; the body is `buf[start, end)`.
   * @param start offset of the first body byte (after the type byte and length word).
   * @param end offset one past the last body byte.
   */
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** pq_getmsgbyte: one unsigned byte; 08P01 "no data left in message" at the end. */
  byte(): number {
    if (this.pos >= this.end) throw protoErr.noDataLeft();
    return this.buf[this.pos++]!;
  }

  /** pq_getmsgint(msg, 2): an unsigned 16-bit count (PostgreSQL reads counts as uint16). */
  uint16(): number {
    if (this.end - this.pos < 2) throw protoErr.insufficientData();
    const b = this.buf;
    const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  /** A signed 16-bit value (format codes). */
  int16(): number {
    return (this.uint16() << 16) >> 16;
  }

  /** pq_getmsgint(msg, 4) as a signed int32 (lengths, where -1 means NULL; row limits). */
  int32(): number {
    if (this.end - this.pos < 4) throw protoErr.insufficientData();
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }

  /** pq_getmsgint(msg, 4) as an unsigned OID. */
  uint32(): number {
    return this.int32() >>> 0;
  }

  /**
   * pq_getmsgbytes: `n` raw bytes as a view into the buffer (no copy); 08P01 "insufficient data
   * left in message" when `n` is negative or runs past the body.
   */
  bytes(n: number): Uint8Array {
    if (n < 0 || n > this.end - this.pos) throw protoErr.insufficientData();
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Everything left in the body, as a view. */
  rest(): Uint8Array {
    const v = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return v;
  }

  /**
   * pq_getmsgstring: a NUL-terminated string, validated as UTF-8 as pg_client_to_server does
   * (22021 "invalid byte sequence for encoding "UTF8": 0x..", with PostgreSQL's byte dump).
   * 08P01 "invalid string in message" when no NUL ends it inside the body.
   */
  cstring(): string {
    const nul = this.nulAt();
    const s = decodeUtf8Strict(this.buf, this.pos, nul);
    this.pos = nul + 1;
    return s;
  }

  /**
   * pq_getmsgrawstring: a NUL-terminated string without encoding validation (PostgreSQL reads
   * the SASL mechanism name this way); invalid UTF-8 decodes to U+FFFD.
   */
  rawCstring(): string {
    const nul = this.nulAt();
    const s = decodeUtf8Lenient(this.buf, this.pos, nul);
    this.pos = nul + 1;
    return s;
  }

  /** pq_getmsgend: 08P01 "invalid message format" if bytes are left over. */
  finish(): void {
    if (this.pos !== this.end) throw protoErr.invalidMessageFormat();
  }

  private nulAt(): number {
    const nul = this.buf.indexOf(0, this.pos);
    if (nul < 0 || nul >= this.end) throw protoErr.invalidString();
    return nul;
  }
}

/** Decodes `buf[start, end)` as UTF-8, ill-formed sequences as U+FFFD. */
function decodeUtf8Lenient(buf: Uint8Array, start: number, end: number): string {
  return start === end ? '' : utf8.decode(buf.subarray(start, end));
}

/**
 * Decodes `buf[start, end)` as UTF-8 or throws PostgreSQL's 22021 error naming the bytes of the
 * first invalid character (mbutils.c report_invalid_encoding: up to the character's expected
 * length, at most 8, of the bytes left).
 */
export function decodeUtf8Strict(buf: Uint8Array, start: number, end: number): string {
  const bad = firstInvalidUtf8(buf, start, end);
  if (bad >= 0) {
    const len = Math.min(utf8CharLength(buf[bad]!), end - bad, 8);
    const parts: string[] = [];
    for (let j = 0; j < len; j++) parts.push('0x' + buf[bad + j]!.toString(16).padStart(2, '0'));
    throw protoErr.invalidEncoding(parts.join(' '));
  }
  return decodeUtf8Lenient(buf, start, end);
}

/** pg_utf_mblen: the length a UTF-8 lead byte announces (1 for invalid leads). */
function utf8CharLength(lead: number): number {
  if ((lead & 0x80) === 0) return 1;
  if ((lead & 0xe0) === 0xc0) return 2;
  if ((lead & 0xf0) === 0xe0) return 3;
  if ((lead & 0xf8) === 0xf0) return 4;
  return 1;
}

/**
 * Offset of the first ill-formed UTF-8 character in `buf[start, end)`, or -1. The legality rules
 * are PostgreSQL's pg_utf8_islegal (no overlongs, no surrogates, nothing past U+10FFFF); a NUL
 * cannot occur because callers pass the text before its terminator.
 */
export function firstInvalidUtf8(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const c = buf[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = utf8CharLength(c);
    if (n === 1 || i + n > end || c < 0xc2 || c > 0xf4) return i;
    const b1 = buf[i + 1]!;
    let lo = 0x80;
    let hi = 0xbf;
    if (c === 0xe0) lo = 0xa0;
    else if (c === 0xed) hi = 0x9f;
    else if (c === 0xf0) lo = 0x90;
    else if (c === 0xf4) hi = 0x8f;
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k < n; k++) {
      const b = buf[i + k]!;
      if (b < 0x80 || b > 0xbf) return i;
    }
    i += n;
  }
  return -1;
}
