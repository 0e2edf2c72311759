/**
 * PostgreSQL's functions over bytea (encode.c, varlena.c, cryptohashfuncs.c, mbutils.c):
 * encode / decode in the hex, base64 and escape formats, get_byte / set_byte, overlay, the
 * SHA-2 digests and md5, crc32 / crc32c, and convert_from / convert_to / convert for the
 * database's encoding (UTF8; SQL_ASCII passes bytes through unconverted, as PostgreSQL does).
 * A bytea value is a Uint8Array.
 */
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { PgError, SQLSTATE } from '../common/errors.js';

function invalid(message: string): PgError {
  return new PgError(SQLSTATE.invalid_parameter_value, message);
}

/** The character starting at byte `i` of UTF-8 text, for an error message naming it. */
function charAt(s: string, i: number): string {
  return String.fromCodePoint(s.codePointAt(i)!);
}

const HEX = '0123456789abcdef';

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function isHexSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r';
}

function hexEncode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!;
  return s;
}

/**
 * hex_decode: pairs of hex digits; whitespace is skipped only before a pair (a space between
 * the two digits of a pair is an invalid digit, as in encode.c).
 */
function hexDecode(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  let n = 0;
  let i = 0;
  while (i < s.length) {
    if (isHexSpace(s[i]!)) {
      i++;
      continue;
    }
    const hi = hexDigit(s.charCodeAt(i));
    if (hi < 0) throw invalid(`invalid hexadecimal digit: "${charAt(s, i)}"`);
    i++;
    if (i >= s.length) throw invalid('invalid hexadecimal data: odd number of digits');
    const lo = hexDigit(s.charCodeAt(i));
    if (lo < 0) throw invalid(`invalid hexadecimal digit: "${charAt(s, i)}"`);
    i++;
    out[n++] = (hi << 4) | lo;
  }
  return out.slice(0, n);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * b64_encode: standard base64 with padding, a newline after every 76 output characters that
 * complete three input bytes each (so a last full line ends in a newline unless it holds the
 * padded final group, as encode.c writes it).
 */
function base64Encode(b: Uint8Array): string {
  // Node's encoder gives the same alphabet and padding; encode.c then breaks lines at 76.
  const flat = Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < flat.length; i += 76) lines.push(flat.slice(i, i + 76));
  const out = lines.join('\n');
  return flat.length > 0 && flat.length % 76 === 0 && b.length % 3 === 0 ? `${out}\n` : out;
}

/**
 * b64_decode: whitespace ignored; `=` may appear only as the third or fourth character of a
 * quantum and ends the data bytes (characters after it still fill quanta, whose bytes past
 * the padding are dropped, as encode.c does).
 */
function base64Decode(s: string): Uint8Array {
  const out: number[] = [];
  let buf = 0;
  let pos = 0;
  let end = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (isHexSpace(c)) continue;
    let b = 0;
    if (c === '=') {
      if (end === 0) {
        if (pos === 2) end = 1;
        else if (pos === 3) end = 2;
        else throw invalid('unexpected "=" while decoding base64 sequence');
      }
    } else {
      b = B64.indexOf(c);
      if (b < 0 || c.charCodeAt(0) > 127) throw invalid(`invalid symbol "${charAt(s, i)}" found while decoding base64 sequence`);
    }
    buf = (buf << 6) + b;
    pos++;
    if (pos === 4) {
      out.push((buf >> 16) & 255);
      if (end === 0 || end > 1) out.push((buf >> 8) & 255);
      if (end === 0 || end > 2) out.push(buf & 255);
      buf = 0;
      pos = 0;
    }
  }
  if (pos !== 0) {
    throw new PgError(SQLSTATE.invalid_parameter_value, 'invalid base64 end sequence', {
      hint: 'Input data is missing padding, is truncated, or is otherwise corrupted.',
    });
  }
  return Uint8Array.from(out);
}

/** esc_encode: NUL and bytes >= 0x80 as `\ooo`, a backslash doubled, the rest as they are. */
function escapeEncode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0 || c >= 0x80) s += `\\${c >> 6}${(c >> 3) & 7}${c & 7}`;
    else if (c === 92) s += '\\\\';
    else s += String.fromCharCode(c);
  }
  return s;
}

/** esc_decode: `\\` and `\ooo` (first digit 0-3) over the text's UTF-8 bytes. */
function escapeDecode(s: string): Uint8Array {
  const src = Buffer.from(s, 'utf8');
  const out = new Uint8Array(src.length);
  let n = 0;
  const oct = (x: number | undefined): boolean => x !== undefined && x >= 48 && x <= 55;
  for (let i = 0; i < src.length; ) {
    if (src[i] !== 92) {
      out[n++] = src[i++]!;
    } else if (i + 3 < src.length && src[i + 1]! >= 48 && src[i + 1]! <= 51 && oct(src[i + 2]) && oct(src[i + 3])) {
      out[n++] = ((src[i + 1]! - 48) << 6) | ((src[i + 2]! - 48) << 3) | (src[i + 3]! - 48);
      i += 4;
    } else if (i + 1 < src.length && src[i + 1] === 92) {
      out[n++] = 92;
      i += 2;
    } else {
      throw new PgError(SQLSTATE.invalid_text_representation, 'invalid input syntax for type bytea');
    }
  }
  return out.slice(0, n);
}

type Format = 'hex' | 'base64' | 'escape';

/** pg_find_encoding: the format name, compared case-insensitively. */
function findFormat(name: string): Format {
  const f = name.toLowerCase();
  if (f === 'hex' || f === 'base64' || f === 'escape') return f;
  throw invalid(`unrecognized encoding: "${name}"`);
}

/**
 * encode(bytea, format) (encode.c binary_encode): the bytes as text in the `hex`, `base64`
 * or `escape` format (the name case-insensitive).
 * @throws PgError 22023 `unrecognized encoding: "x"`.
 */
export function encodeBytea(b: Uint8Array, format: string): string {
  switch (findFormat(format)) {
    case 'hex': return hexEncode(b);
    case 'base64': return base64Encode(b);
    case 'escape': return escapeEncode(b);
  }
}

/**
 * decode(text, format) (encode.c binary_decode): the bytes written in the `hex`, `base64` or
 * `escape` format.
 * @throws PgError 22023 `unrecognized encoding: "x"`, `invalid hexadecimal digit: "c"`,
 *   `invalid hexadecimal data: odd number of digits`, `invalid symbol "c" found while decoding
 *   base64 sequence`, `unexpected "=" while decoding base64 sequence`, `invalid base64 end
 *   sequence`; 22P02 `invalid input syntax for type bytea` (escape).
 */
export function decodeText(s: string, format: string): Uint8Array {
  switch (findFormat(format)) {
    case 'hex': return hexDecode(s);
    case 'base64': return base64Decode(s);
    case 'escape': return escapeDecode(s);
  }
}

function byteIndexError(n: number | bigint, len: number): PgError {
  return new PgError(SQLSTATE.array_subscript_error, `index ${n} out of valid range, 0..${len - 1}`);
}

/**
 * get_byte(bytea, n) (varlena.c byteaGetByte): byte n, counted from 0.
 * @throws PgError 2202E `index n out of valid range, 0..len-1`.
 */
export function getByte(b: Uint8Array, n: number): number {
  if (n < 0 || n >= b.length) throw byteIndexError(n, b.length);
  return b[n]!;
}

/**
 * set_byte(bytea, n, value) (byteaSetByte): a copy with byte n set to the value's low 8 bits
 * (the C assignment to an unsigned char).
 * @throws PgError 2202E `index n out of valid range, 0..len-1`.
 */
export function setByte(b: Uint8Array, n: number, value: number): Uint8Array {
  if (n < 0 || n >= b.length) throw byteIndexError(n, b.length);
  const out = b.slice();
  out[n] = value & 0xff;
  return out;
}

/**
 * overlay(bytea PLACING bytea FROM start [FOR count]) (byteaoverlay): bytes 1..start-1 of
 * `b`, then `placing`, then `b` from byte start+count (count defaults to placing's length; a
 * negative count repeats part of `b`, as PostgreSQL's definition by substrings gives).
 * @throws PgError 22011 `negative substring length not allowed` for start < 1; 22003
 *   `integer out of range` when start + count overflows.
 */
export function byteaOverlay(b: Uint8Array, placing: Uint8Array, start: number, count: number = placing.length): Uint8Array {
  const tail = overlayTailStart(start, count);
  const head = b.subarray(0, Math.min(start - 1, b.length));
  const rest = b.subarray(Math.min(Math.max(tail, 1) - 1, b.length));
  const out = new Uint8Array(head.length + placing.length + rest.length);
  out.set(head, 0);
  out.set(placing, head.length);
  out.set(rest, head.length + placing.length);
  return out;
}

/**
 * The 1-based start of the part after the overlaid one (start + count), checked as
 * text_overlay / bytea_overlay check it.
 * @throws PgError 22011 for start < 1; 22003 when start + count leaves int4.
 */
export function overlayTailStart(start: number, count: number): number {
  if (start <= 0) throw new PgError(SQLSTATE.substring_error, 'negative substring length not allowed');
  const tail = start + count;
  if (tail > 2147483647 || tail < -2147483648) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'integer out of range');
  return tail;
}

/** sha224 / sha256 / sha384 / sha512(bytea) (cryptohashfuncs.c): the digest as bytea. */
export function shaDigest(algorithm: 'sha224' | 'sha256' | 'sha384' | 'sha512', b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(algorithm).update(b).digest());
}

/** md5(bytea): the MD5 of the bytes as 32 lower-case hex digits. */
export function md5Bytea(b: Uint8Array): string {
  return createHash('md5').update(b).digest('hex');
}

/** crc32(bytea) (PostgreSQL 18, pg_crc32.h's traditional CRC-32, zlib's): a bigint in 0..2^32-1. */
export function crc32(b: Uint8Array): number {
  return zlibCrc32(b) >>> 0;
}

/** The CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) table, built once. */
const CRC32C_TABLE = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/**
 * crc32c(bytea) (PostgreSQL 18, port/pg_crc32c_sb8.c's CRC-32C, the checksum of its WAL):
 * a bigint in 0..2^32-1. Node has no CRC-32C, so a table-driven one.
 */
export function crc32c(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC32C_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------------------------------
// Encoding conversion (mbutils.c pg_convert, encnames.c)

/** PostgreSQL's encoding names (encnames.c pg_encname_tbl, cleaned) and the encoding each names. */
const ENCODING_NAMES: Record<string, string> = {
  abc: 'WIN1258', alt: 'WIN866', big5: 'BIG5', euccn: 'EUC_CN', eucjis2004: 'EUC_JIS_2004', eucjp: 'EUC_JP', euckr: 'EUC_KR',
  euctw: 'EUC_TW', gb18030: 'GB18030', gbk: 'GBK', iso88591: 'LATIN1', iso885910: 'LATIN6', iso885913: 'LATIN7',
  iso885914: 'LATIN8', iso885915: 'LATIN9', iso885916: 'LATIN10', iso88592: 'LATIN2', iso88593: 'LATIN3', iso88594: 'LATIN4',
  iso88595: 'ISO_8859_5', iso88596: 'ISO_8859_6', iso88597: 'ISO_8859_7', iso88598: 'ISO_8859_8', iso88599: 'LATIN5',
  johab: 'JOHAB', koi8: 'KOI8R', koi8r: 'KOI8R', koi8u: 'KOI8U', latin1: 'LATIN1', latin10: 'LATIN10', latin2: 'LATIN2',
  latin3: 'LATIN3', latin4: 'LATIN4', latin5: 'LATIN5', latin6: 'LATIN6', latin7: 'LATIN7', latin8: 'LATIN8', latin9: 'LATIN9',
  mskanji: 'SJIS', muleinternal: 'MULE_INTERNAL', shiftjis: 'SJIS', shiftjis2004: 'SHIFT_JIS_2004', sjis: 'SJIS',
  sqlascii: 'SQL_ASCII', tcvn: 'WIN1258', tcvn5712: 'WIN1258', uhc: 'UHC', unicode: 'UTF8', utf8: 'UTF8', vscii: 'WIN1258',
  win: 'WIN1251', win1250: 'WIN1250', win1251: 'WIN1251', win1252: 'WIN1252', win1253: 'WIN1253', win1254: 'WIN1254',
  win1255: 'WIN1255', win1256: 'WIN1256', win1257: 'WIN1257', win1258: 'WIN1258', win866: 'WIN866', win874: 'WIN874',
  win932: 'SJIS', win936: 'GBK', win949: 'UHC', win950: 'BIG5', windows1250: 'WIN1250', windows1251: 'WIN1251',
  windows1252: 'WIN1252', windows1253: 'WIN1253', windows1254: 'WIN1254', windows1255: 'WIN1255', windows1256: 'WIN1256',
  windows1257: 'WIN1257', windows1258: 'WIN1258', windows866: 'WIN866', windows874: 'WIN874', windows932: 'SJIS',
  windows936: 'GBK', windows949: 'UHC', windows950: 'BIG5',
};

/**
 * pg_char_to_encoding: the encoding a name denotes, compared by its letters and digits only,
 * case-insensitively (`utf-8`, `UTF_8` and `Unicode` all name UTF8); null when none.
 */
function encodingOf(name: string): string | null {
  // NAMEDATALEN: a longer name is certainly not in the table.
  if (name === '' || Buffer.byteLength(name, 'utf8') >= 64) return null;
  return ENCODING_NAMES[name.replace(/[^A-Za-z0-9]/g, '').toLowerCase()] ?? null;
}

/** The encodings vecgres converts between: the database's (UTF8) and SQL_ASCII (no conversion). */
function supportedEncoding(name: string, role: 'source' | 'destination', fn: string): 'UTF8' | 'SQL_ASCII' {
  const enc = encodingOf(name);
  if (enc === null) throw invalid(`invalid ${role} encoding name "${name}"`);
  if (enc !== 'UTF8' && enc !== 'SQL_ASCII') throw new PgError(SQLSTATE.feature_not_supported, `${fn} with encoding ${enc} is not supported`);
  return enc;
}

/** pg_utf_mblen: the length a UTF-8 lead byte announces (1 for a byte that cannot lead). */
function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) === 0xc0) return 2;
  if ((lead & 0xf0) === 0xe0) return 3;
  if ((lead & 0xf8) === 0xf0) return 4;
  return 1;
}

/** pg_utf8_islegal: whether `b[i .. i+len)` is one legal UTF-8 character. */
function utf8Legal(b: Uint8Array, i: number, len: number): boolean {
  const lead = b[i]!;
  const cont = (x: number | undefined, lo = 0x80, hi = 0xbf): boolean => x !== undefined && x >= lo && x <= hi;
  switch (len) {
    case 1: return lead < 0x80;
    case 2: return lead >= 0xc2 && cont(b[i + 1]);
    case 3: {
      const lo = lead === 0xe0 ? 0xa0 : 0x80;
      const hi = lead === 0xed ? 0x9f : 0xbf;
      return cont(b[i + 1], lo, hi) && cont(b[i + 2]);
    }
    default: {
      if (lead > 0xf4) return false;
      const lo = lead === 0xf0 ? 0x90 : 0x80;
      const hi = lead === 0xf4 ? 0x8f : 0xbf;
      return cont(b[i + 1], lo, hi) && cont(b[i + 2]) && cont(b[i + 3]);
    }
  }
}

/** report_invalid_encoding: the offending character's bytes (as many as remain). */
function invalidSequence(encoding: string, b: Uint8Array, i: number, len: number): PgError {
  const bytes = Array.from(b.subarray(i, Math.min(i + len, b.length)), (x) => `0x${x.toString(16).padStart(2, '0')}`);
  return new PgError(SQLSTATE.character_not_in_repertoire, `invalid byte sequence for encoding "${encoding}": ${bytes.join(' ')}`);
}

/**
 * pg_verify_mbstr for UTF8: the text the bytes spell.
 * @throws PgError 22021 `invalid byte sequence for encoding "UTF8": 0x..` naming the first
 *   bad character's bytes (a NUL byte is invalid too).
 */
function verifyUtf8(b: Uint8Array): string {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c !== 0 && c < 0x80) {
      i++;
      continue;
    }
    const len = utf8Length(c);
    if (c === 0 || i + len > b.length || !utf8Legal(b, i, len)) throw invalidSequence('UTF8', b, i, len);
    i += len;
  }
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');
}

/**
 * convert(bytea, src, dest) (mbutils.c pg_convert): the bytes, valid in `src`, converted to
 * `dest`. Between UTF8 and SQL_ASCII nothing changes, but bytes read as UTF8 must be valid
 * UTF8 and bytes read as SQL_ASCII contain no NUL.
 * @throws PgError 22023 `invalid source encoding name "x"` / `invalid destination encoding
 *   name "x"`; 22021 `invalid byte sequence for encoding "..."`; 0A000 for any other encoding.
 */
export function convertBytes(b: Uint8Array, src: string, dest: string, fn = 'convert()'): Uint8Array {
  const from = supportedEncoding(src, 'source', fn);
  const to = supportedEncoding(dest, 'destination', fn);
  if (from === 'UTF8') verifyUtf8(b);
  else {
    const nul = b.indexOf(0);
    if (nul >= 0) throw invalidSequence('SQL_ASCII', b, nul, 1);
    // From SQL_ASCII nothing is converted, but the result must be valid in the destination.
    if (to === 'UTF8') verifyUtf8(b);
  }
  return b;
}

/**
 * convert_from(bytea, src_encoding) (pg_convert_from): the bytes in `src` as text of the
 * database encoding (UTF8).
 * @throws as {@link convertBytes}.
 */
export function convertFrom(b: Uint8Array, src: string): string {
  const out = convertBytes(b, src, 'UTF8', 'convert_from()');
  return Buffer.from(out.buffer, out.byteOffset, out.length).toString('utf8');
}

/**
 * convert_to(text, dest_encoding) (pg_convert_to): the text's bytes in `dest`.
 * @throws as {@link convertBytes}.
 */
export function convertTo(s: string, dest: string): Uint8Array {
  return convertBytes(new Uint8Array(Buffer.from(s, 'utf8')), 'UTF8', dest, 'convert_to()');
}
