/**
 * PostgreSQL's `bit(n)` and `bit varying(n)` types as pgvector uses them (binary_quantize,
 * hamming_distance, jaccard_distance, the `<~>` and `<%>` operators), following PostgreSQL 18's
 * src/backend/utils/adt/varbit.c (bit_in, varbit_in, bit_out, bit_recv/send, bit(), varbit(),
 * anybit_typmodin, bitcmp, bitcat) and pgvector 0.8's src/bitvec.c.
 *
 * A value is a {@link BitString}: a bit count plus the bytes, most significant bit first, the
 * unused low bits of the last byte zero (VARBIT_PAD). `bit` and `bit varying` share the value
 * representation; they differ only in how a typmod is enforced.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { hammingRef, jaccardRef } from '../kernels/bits.js';

/** SQLSTATEs PostgreSQL uses for bit strings that the common table does not list. */
const STRING_DATA_LENGTH_MISMATCH = '22026';
const SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE = '22003';
const INVALID_BINARY_REPRESENTATION = '22P03';

/** MaxAttrSize * BITS_PER_BYTE: the largest typmod `bit(n)` accepts. */
export const BIT_TYPMOD_MAX = 10 * 1024 * 1024 * 8;

/** A bit string: `length` bits in `bytes` (ceil(length / 8) bytes, MSB first, zero-padded). */
export class BitString {
  constructor(
    readonly length: number,
    readonly bytes: Uint8Array,
  ) {}

  /** Bit `i` (0-based from the left) as 0 or 1. */
  get(i: number): number {
    return (this.bytes[i >> 3]! >>> (7 - (i & 7))) & 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Text format
// ---------------------------------------------------------------------------------------------

/**
 * bit_in / varbit_in: `0101`, `b0101` / `B0101` (binary) or `x1F` / `X1f` (hex, 4 bits per
 * digit); the `B'0101'` SQL literal arrives here as `b0101`. `typmod` <= 0 accepts any
 * length.
 * @param varying true for `bit varying` (a shorter string fits), false for `bit` (exact length).
 * @throws PgError 22P02 `"c" is not a valid binary digit` / `"c" is not a valid hexadecimal
 *   digit`; for bit 22026 `bit string length L does not match type bit(N)`; for varbit 22001
 *   `bit string too long for type bit varying(N)`.
 */
export function parseBit(text: string, typmod = -1, varying = false): BitString {
  let hex = false;
  let p = 0;
  const c0 = text.charCodeAt(0);
  if (c0 === 98 /* b */ || c0 === 66 /* B */) {
    p = 1;
  } else if (c0 === 120 /* x */ || c0 === 88 /* X */) {
    hex = true;
    p = 1;
  }
  // strlen counts bytes: a multibyte character counts as several bits before the digit check.
  const slen = utf8Length(text, p);
  const bitlen = hex ? slen * 4 : slen;
  let len = bitlen;
  if (typmod > 0) {
    if (!varying && bitlen !== typmod) {
      throw new PgError(STRING_DATA_LENGTH_MISMATCH, `bit string length ${bitlen} does not match type bit(${typmod})`);
    }
    if (varying && bitlen > typmod) {
      throw new PgError(SQLSTATE.string_data_right_truncation, `bit string too long for type bit varying(${typmod})`);
    }
    if (!varying) len = typmod;
  }
  const bytes = new Uint8Array((len + 7) >> 3);
  if (!hex) {
    let k = 0;
    for (let i = p; i < text.length; i++, k++) {
      const c = text.charCodeAt(i);
      if (c === 49 /* 1 */) bytes[k >> 3]! |= 0x80 >>> (k & 7);
      else if (c !== 48 /* 0 */) throw badDigit(text, i, 'binary');
    }
  } else {
    let k = 0;
    for (let i = p; i < text.length; i++, k++) {
      const c = text.charCodeAt(i);
      let x: number;
      if (c >= 48 && c <= 57) x = c - 48;
      else if (c >= 65 && c <= 70) x = c - 55;
      else if (c >= 97 && c <= 102) x = c - 87;
      else throw badDigit(text, i, 'hexadecimal');
      bytes[k >> 1]! |= (k & 1) === 0 ? x << 4 : x;
    }
  }
  return new BitString(len, bytes);
}

function badDigit(text: string, i: number, kind: string): PgError {
  const cp = text.codePointAt(i)!;
  return new PgError(SQLSTATE.invalid_text_representation, `"${String.fromCodePoint(cp)}" is not a valid ${kind} digit`);
}

function utf8Length(s: string, from: number): number {
  let n = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** bit_out / varbit_out: one `0` or `1` per bit. */
export function formatBit(v: BitString): string {
  let s = '';
  for (let i = 0; i < v.length; i++) s += (v.bytes[i >> 3]! >>> (7 - (i & 7))) & 1 ? '1' : '0';
  return s;
}

// ---------------------------------------------------------------------------------------------
// Type modifiers and length coercion
// ---------------------------------------------------------------------------------------------

/**
 * anybit_typmodin for `bit(n)` (`varying` false) or `bit varying(n)`.
 * @throws PgError 22023 `invalid type modifier`, `length for type bit must be at least 1`,
 *   `length for type varbit cannot exceed 83886080`.
 */
export function bitTypmodIn(mods: number | readonly number[], varying = false): number {
  const list = typeof mods === 'number' ? [mods] : mods;
  const name = varying ? 'varbit' : 'bit';
  if (list.length !== 1) throw new PgError(SQLSTATE.invalid_parameter_value, 'invalid type modifier');
  const n = list[0]!;
  if (n < 1) throw new PgError(SQLSTATE.invalid_parameter_value, `length for type ${name} must be at least 1`);
  if (n > BIT_TYPMOD_MAX) {
    throw new PgError(SQLSTATE.invalid_parameter_value, `length for type ${name} cannot exceed ${BIT_TYPMOD_MAX}`);
  }
  return n;
}

/** format_type: `bit(3)`, `bit varying(3)`, or `bit` / `bit varying` without a typmod. */
export function bitTypmodOut(typmod: number, varying = false): string {
  const base = varying ? 'bit varying' : 'bit';
  return typmod < 0 ? base : `${base}(${typmod})`;
}

/**
 * bit(bitstring, n, explicit): the length coercion of `::bit(n)`. An explicit cast truncates
 * or zero-pads on the right; an implicit one (assignment to a bit(n) column) must match.
 * @throws PgError 22026 `bit string length L does not match type bit(N)` (implicit only).
 */
export function bitCoerce(v: BitString, typmod: number, explicit: boolean): BitString {
  if (typmod <= 0 || typmod === v.length) return v;
  if (!explicit) {
    throw new PgError(STRING_DATA_LENGTH_MISMATCH, `bit string length ${v.length} does not match type bit(${typmod})`);
  }
  return resize(v, typmod);
}

/**
 * varbit(bitstring, n, explicit): `::bit varying(n)`. An explicit cast truncates; an implicit
 * one must fit.
 * @throws PgError 22001 `bit string too long for type bit varying(N)` (implicit only).
 */
export function varbitCoerce(v: BitString, typmod: number, explicit: boolean): BitString {
  if (typmod <= 0 || typmod >= v.length) return v;
  if (!explicit) {
    throw new PgError(SQLSTATE.string_data_right_truncation, `bit string too long for type bit varying(${typmod})`);
  }
  return resize(v, typmod);
}

function resize(v: BitString, len: number): BitString {
  const bytes = new Uint8Array((len + 7) >> 3);
  bytes.set(v.bytes.subarray(0, Math.min(bytes.length, v.bytes.length)));
  if ((len & 7) !== 0) bytes[bytes.length - 1]! &= 0xff << (8 - (len & 7));
  return new BitString(len, bytes);
}

// ---------------------------------------------------------------------------------------------
// Binary format
// ---------------------------------------------------------------------------------------------

/** bit_send / varbit_send: int32 bit length, then the bytes. @returns 4 + ceil(n / 8) bytes. */
export function bitSend(v: BitString): Uint8Array {
  const out = new Uint8Array(4 + v.bytes.length);
  new DataView(out.buffer).setInt32(0, v.length);
  out.set(v.bytes, 4);
  return out;
}

/**
 * bit_recv / varbit_recv: reads {@link bitSend}'s layout, clears the pad bits, applies typmod.
 * @throws PgError 22P03 `invalid length in external bit string`; 08P01 `insufficient data left
 *   in message`; 22026 / 22001 typmod errors as {@link parseBit}.
 */
export function bitRecv(buf: Uint8Array, typmod = -1, varying = false): BitString {
  if (buf.byteLength < 4) throw new PgError(SQLSTATE.protocol_violation, 'insufficient data left in message');
  const bitlen = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getInt32(0);
  if (bitlen < 0 || bitlen > 0x7ffffff8) {
    throw new PgError(INVALID_BINARY_REPRESENTATION, 'invalid length in external bit string');
  }
  if (typmod > 0 && !varying && bitlen !== typmod) {
    throw new PgError(STRING_DATA_LENGTH_MISMATCH, `bit string length ${bitlen} does not match type bit(${typmod})`);
  }
  if (typmod > 0 && varying && bitlen > typmod) {
    throw new PgError(SQLSTATE.string_data_right_truncation, `bit string too long for type bit varying(${typmod})`);
  }
  const nbytes = (bitlen + 7) >> 3;
  if (buf.byteLength < 4 + nbytes) throw new PgError(SQLSTATE.protocol_violation, 'insufficient data left in message');
  const bytes = buf.slice(4, 4 + nbytes);
  if ((bitlen & 7) !== 0) bytes[nbytes - 1]! &= 0xff << (8 - (bitlen & 7));
  return new BitString(bitlen, bytes);
}

// ---------------------------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------------------------

function checkSameLength(a: BitString, b: BitString): void {
  if (a.length !== b.length) throw new PgError(SQLSTATE.data_exception, `different bit lengths ${a.length} and ${b.length}`);
}

/** `<~>`, hamming_distance: number of differing bits, as float8. @throws 22000 `different bit lengths A and B` */
export function hammingDistance(a: BitString, b: BitString): number {
  checkSameLength(a, b);
  return hammingRef(a.bytes, 0, b.bytes, 0, a.bytes.length);
}

/**
 * `<%>`, jaccard_distance: 1 - |a AND b| / |a OR b|; 1 when no bit is set in both.
 * @throws 22000 `different bit lengths A and B`
 */
export function jaccardDistance(a: BitString, b: BitString): number {
  checkSameLength(a, b);
  return jaccardRef(a.bytes, 0, b.bytes, 0, a.bytes.length);
}

/**
 * bitcmp: bytes compared as unsigned (memcmp over the shorter byte length), then the shorter
 * string first. PostgreSQL returns memcmp's value as is, so the result is the difference of
 * the first differing bytes (what the C library PostgreSQL is built with returns), else -1,
 * 0 or 1.
 */
export function bitCmp(a: BitString, b: BitString): number {
  const n = Math.min(a.bytes.length, b.bytes.length);
  for (let i = 0; i < n; i++) {
    const x = a.bytes[i]!;
    const y = b.bytes[i]!;
    if (x !== y) return x - y;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return 0;
}

/** `||`, bitcat: the concatenation (a varbit). */
export function bitConcat(a: BitString, b: BitString): BitString {
  const len = a.length + b.length;
  const bytes = new Uint8Array((len + 7) >> 3);
  bytes.set(a.bytes);
  for (let i = 0; i < b.length; i++) {
    if (b.get(i)) {
      const k = a.length + i;
      bytes[k >> 3]! |= 0x80 >>> (k & 7);
    }
  }
  return new BitString(len, bytes);
}

// ---------------------------------------------------------------------------------------------
// Casts to and from integers (varbit.c bitfromint4 / bitfromint8 / bittoint4 / bittoint8)
// ---------------------------------------------------------------------------------------------

/**
 * `int4::bit(n)` / `int8::bit(n)`: the low `typmod` bits of `a` in two's complement, sign-filled
 * on the left past the integer's width (`-1::bit(40)` is forty ones); typmod <= 0 is bit(1).
 */
export function bitFromInt(a: number | bigint, typmod: number): BitString {
  const n = typmod > 0 ? typmod : 1;
  const v = BigInt(a);
  const bytes = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    // BigInt's >> is arithmetic: positions past the width read the sign.
    if (((v >> BigInt(n - 1 - i)) & 1n) === 1n) bytes[i >> 3]! |= 0x80 >>> (i & 7);
  }
  return new BitString(n, bytes);
}

/**
 * `bit::int4` / `bit::int8` (`width` 32 or 64): the bits as a two's-complement integer of
 * `width` bits, the leftmost bit of a full-width string its sign (`B'1'::bit(32)` filled with
 * ones is -1); a shorter string is a non-negative number.
 * @throws PgError 22003 `integer out of range` / `bigint out of range` for a string longer than
 *   `width` bits.
 */
export function bitToInt(b: BitString, width: 32 | 64): bigint {
  if (b.length > width) throw new PgError(SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, width === 32 ? 'integer out of range' : 'bigint out of range');
  let v = 0n;
  for (let i = 0; i < b.length; i++) v = (v << 1n) | BigInt(b.get(i));
  return BigInt.asIntN(width, v);
}
