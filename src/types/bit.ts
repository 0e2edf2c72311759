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

// ---------------------------------------------------------------------------------------------
// Bitwise operators and functions (varbit.c: bit_and, bit_or, bitxor, bitnot, bitshiftleft,
// bitshiftright, bitlength, bitoctetlength, bit_bit_count, bitgetbit, bitsetbit,
// bitsubstr, bitposition, bitoverlay)
// ---------------------------------------------------------------------------------------------

/** A string of `len` zero bits. */
function zeros(len: number): BitString {
  return new BitString(len, new Uint8Array((len + 7) >> 3));
}

/** Sets bit `i` (0-based from the left) of `bytes`. */
function setOne(bytes: Uint8Array, i: number): void {
  bytes[i >> 3]! |= 0x80 >>> (i & 7);
}

/**
 * `&`, `|`, `#` (bit_and, bit_or, bitxor): byte by byte over strings of one length.
 * @throws PgError 22026 `cannot AND bit strings of different sizes` (OR, XOR).
 */
export function bitBitwise(op: '&' | '|' | '#', a: BitString, b: BitString): BitString {
  if (a.length !== b.length) {
    const verb = op === '&' ? 'AND' : op === '|' ? 'OR' : 'XOR';
    throw new PgError(STRING_DATA_LENGTH_MISMATCH, `cannot ${verb} bit strings of different sizes`);
  }
  const out = new Uint8Array(a.bytes.length);
  for (let i = 0; i < out.length; i++) {
    const x = a.bytes[i]!;
    const y = b.bytes[i]!;
    out[i] = op === '&' ? x & y : op === '|' ? x | y : x ^ y;
  }
  return new BitString(a.length, out);
}

/** `~` (bitnot): every bit flipped; the padding bits of the last byte stay zero. */
export function bitNot(a: BitString): BitString {
  const out = new Uint8Array(a.bytes.length);
  for (let i = 0; i < out.length; i++) out[i] = ~a.bytes[i]! & 0xff;
  const pad = out.length * 8 - a.length;
  if (pad > 0) out[out.length - 1]! &= (0xff << pad) & 0xff;
  return new BitString(a.length, out);
}

/**
 * `<<` and `>>` (bitshiftleft, bitshiftright): the length is kept, vacated positions are zero,
 * a negative count shifts the other way, a count of the length or more gives all zeros.
 */
export function bitShift(a: BitString, count: number, left: boolean): BitString {
  if (count < 0) return bitShift(a, count < -BIT_TYPMOD_MAX ? BIT_TYPMOD_MAX : -count, !left);
  const out = zeros(a.length);
  if (count >= a.length) return out;
  if (left) {
    for (let i = count; i < a.length; i++) if (a.get(i)) setOne(out.bytes, i - count);
  } else {
    for (let i = 0; i + count < a.length; i++) if (a.get(i)) setOne(out.bytes, i + count);
  }
  return out;
}

/** bit_count: the number of ones. */
export function bitCount(a: BitString): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += a.get(i);
  return n;
}

/**
 * get_bit(bits, n): bit n (0-based from the left).
 * @throws PgError 2202E `bit index n out of valid range (0..len-1)`.
 */
export function bitGetBit(a: BitString, n: number): number {
  if (n < 0 || n >= a.length) throw bitIndexError(n, a.length);
  return a.get(n);
}

/**
 * set_bit(bits, n, value): a copy with bit n set to value.
 * @throws PgError 2202E for n out of range; 22023 `new bit must be 0 or 1`.
 */
export function bitSetBit(a: BitString, n: number, value: number): BitString {
  if (n < 0 || n >= a.length) throw bitIndexError(n, a.length);
  if (value !== 0 && value !== 1) throw new PgError(SQLSTATE.invalid_parameter_value, 'new bit must be 0 or 1');
  const out = new Uint8Array(a.bytes);
  if (value === 1) out[n >> 3]! |= 0x80 >>> (n & 7);
  else out[n >> 3]! &= ~(0x80 >>> (n & 7)) & 0xff;
  return new BitString(a.length, out);
}

function bitIndexError(n: number, len: number): PgError {
  return new PgError(SQLSTATE.array_subscript_error, `bit index ${n} out of valid range (0..${len - 1})`);
}

/**
 * substring(bits FROM start [FOR count]) (bitsubstring): 1-based; positions before 1 count
 * toward `count` but give no bits, a range past the end stops at the end.
 * @throws PgError 22011 `negative substring length not allowed`.
 */
export function bitSubstring(a: BitString, start: number, count: number | null): BitString {
  const s1 = Math.max(start, 1);
  let e1: number;
  if (count === null) e1 = a.length + 1;
  else {
    if (count < 0) throw new PgError(SQLSTATE.substring_error, 'negative substring length not allowed');
    const e = start + count;
    // An int4 overflow of start + count runs to the end, as PostgreSQL's pg_add_s32_overflow check.
    e1 = e > 2147483647 ? a.length + 1 : Math.min(e, a.length + 1);
  }
  if (s1 > a.length || e1 <= s1) return zeros(0);
  const out = zeros(e1 - s1);
  for (let i = s1 - 1; i < e1 - 1; i++) if (a.get(i)) setOne(out.bytes, i - (s1 - 1));
  return out;
}

/** position(sub IN bits) (bitposition): 1-based start of the first match; 0 when none, 1 for an empty `sub` of a non-empty string. */
export function bitPosition(a: BitString, sub: BitString): number {
  if (a.length === 0 || sub.length > a.length) return 0;
  if (sub.length === 0) return 1;
  outer: for (let p = 0; p + sub.length <= a.length; p++) {
    for (let j = 0; j < sub.length; j++) if (a.get(p + j) !== sub.get(j)) continue outer;
    return p + 1;
  }
  return 0;
}

/**
 * overlay(bits PLACING repl FROM start [FOR count]) (bitoverlay): the bits before `start`,
 * `repl`, then the bits from `start + count` on; `count` defaults to repl's length.
 * @throws PgError 22011 `negative substring length not allowed` for start < 1; 22003
 *   `integer out of range` when start + count overflows an int4.
 */
export function bitOverlay(a: BitString, repl: BitString, start: number, count: number | null): BitString {
  const n = count ?? repl.length;
  const end = start + n;
  if (end > 2147483647 || end < -2147483648) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'integer out of range');
  if (start <= 0) throw new PgError(SQLSTATE.substring_error, 'negative substring length not allowed');
  return bitConcat(bitConcat(bitSubstring(a, 1, start - 1), repl), bitSubstring(a, end, null));
}
