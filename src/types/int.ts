/**
 * PostgreSQL's integer types smallint (int2), integer (int4) and bigint (int8): text input
 * as PostgreSQL 16+'s pg_strtoint16/32/64 (src/backend/utils/adt/numutils.c), range checks
 * with PostgreSQL's messages, and smallint's binary send/recv and arithmetic checks. Values
 * are JS numbers (int8 a bigint past 2^53, as the SQL layer holds it).
 *
 * Input syntax: optional leading and trailing whitespace, a sign, then decimal digits or a
 * `0x` / `0o` / `0b` prefix and digits of that base; an underscore may separate two digits
 * (and may follow a base prefix).
 */
import { PgError, SQLSTATE } from '../common/errors.js';

/** The SQL names PostgreSQL's messages use. */
export type IntTypeName = 'smallint' | 'integer' | 'bigint';

const RANGE: Record<IntTypeName, readonly [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};

export const INT2_MIN = -32768;
export const INT2_MAX = 32767;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function digitOf(c: number, base: number): number {
  let d = -1;
  if (c >= 48 && c <= 57) d = c - 48;
  else if (c >= 97 && c <= 102) d = c - 87;
  else if (c >= 65 && c <= 70) d = c - 55;
  return d >= 0 && d < base ? d : -1;
}

/**
 * int2in / int4in / int8in: `text` as an integer of type `type`.
 * @throws PgError 22P02 `invalid input syntax for type <type>: "<text>"`; 22003 `value
 *   "<text>" is out of range for type <type>`.
 */
export function parseInteger(text: string, type: IntTypeName): bigint {
  const invalid = () => new PgError(SQLSTATE.invalid_text_representation, `invalid input syntax for type ${type}: "${text}"`);
  const n = text.length;
  let i = 0;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  let neg = false;
  if (text[i] === '+') i++;
  else if (text[i] === '-') {
    neg = true;
    i++;
  }
  let base = 10;
  if (text[i] === '0') {
    const p = (text[i + 1] ?? '').toLowerCase();
    base = p === 'x' ? 16 : p === 'o' ? 8 : p === 'b' ? 2 : 10;
    if (base !== 10) i += 2;
  }
  const b = BigInt(base);
  const [lo, hi] = RANGE[type];
  const outOfRange = () => new PgError(SQLSTATE.numeric_value_out_of_range, `value "${text}" is out of range for type ${type}`);
  let v = 0n;
  let digits = 0;
  while (i < n) {
    const d = digitOf(text.charCodeAt(i), base);
    if (d >= 0) {
      v = v * b + BigInt(d);
      // As pg_strtoint: the magnitude is checked digit by digit (against -MIN), so an overflow
      // is reported even when junk follows.
      if (v > -lo) throw outOfRange();
      digits++;
      i++;
    } else if (text[i] === '_' && (digits > 0 || base !== 10) && digitOf(text.charCodeAt(i + 1), base) >= 0) {
      i++;
    } else break;
  }
  if (digits === 0) throw invalid();
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (i !== n) throw invalid();
  if (neg) v = -v;
  if (v < lo || v > hi) throw outOfRange();
  return v;
}

/** int2in: @throws as {@link parseInteger} */
export function parseInt2(text: string): number {
  return Number(parseInteger(text, 'smallint'));
}

/**
 * int2in / int4in / int8in's fast path over ASCII bytes `b[start, end)` (bulk loads): an
 * optional sign and 1..`maxDigits` decimal digits, nothing else. With `maxDigits` 4 (int2), 9
 * (int4) or 15 (int8) the value is in range and a safe integer, so it equals
 * `Number(parseInteger(text))`; -0 reads as 0.
 * @returns the value, or NaN when {@link parseInteger} must read the text (whitespace, other
 *   bases, underscores, longer numbers, any error).
 */
export function integerFromAscii(b: Uint8Array, start: number, end: number, maxDigits: number): number {
  let i = start;
  let neg = false;
  const c0 = b[i];
  if (c0 === 45 /* - */ || c0 === 43 /* + */) {
    neg = c0 === 45;
    i++;
  }
  const n = end - i;
  if (n < 1 || n > maxDigits) return NaN;
  let v = 0;
  for (; i < end; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return neg && v !== 0 ? -v : v;
}

/** A smallint result, checked. @throws PgError 22003 `smallint out of range` */
export function checkInt2(x: number): number {
  if (!(x >= INT2_MIN && x <= INT2_MAX)) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'smallint out of range');
  return x;
}

/** int2send: 2 bytes, big-endian two's complement. */
export function int2Send(x: number): Uint8Array {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setInt16(0, x);
  return out;
}

/** int2recv. @throws PgError 08P01 `insufficient data left in message` */
export function int2Recv(b: Uint8Array): number {
  if (b.length < 2) throw new PgError(SQLSTATE.protocol_violation, 'insufficient data left in message');
  return new DataView(b.buffer, b.byteOffset, 2).getInt16(0);
}

/**
 * The integer bitwise operators `&`, `|`, `#`, `<<`, `>>` (int2and ... int8shr) at width 16,
 * 32 or 64 bits, with C's semantics on the x86-64 machines PostgreSQL runs on: two's
 * complement, a shift count taken modulo the promoted width (32 for int2 and int4, 64 for
 * int8), `<<` wrapping and `>>` arithmetic. int8 operands are numbers when safe integers,
 * else bigints; so are results.
 */
export function intBitwise(op: '&' | '|' | '#' | '<<' | '>>', width: 16 | 32 | 64, a: number | bigint, b: number | bigint): number | bigint {
  if (width !== 64) {
    const x = Number(a) | 0;
    const y = Number(b) | 0;
    let r: number;
    if (op === '&') r = x & y;
    else if (op === '|') r = x | y;
    else if (op === '#') r = x ^ y;
    else if (op === '<<') r = x << y;
    else r = x >> y;
    // int2's result is cast back to 16 bits (int2shl: (int16) (arg1 << arg2)).
    return width === 16 ? (r << 16) >> 16 : r;
  }
  const x = BigInt(a);
  let r: bigint;
  if (op === '<<' || op === '>>') {
    const s = BigInt(Number(b) & 63);
    r = op === '<<' ? BigInt.asIntN(64, x << s) : x >> s;
  } else {
    const y = BigInt(b);
    r = op === '&' ? x & y : op === '|' ? x | y : x ^ y;
  }
  const n = Number(r);
  return Number.isSafeInteger(n) ? n : r;
}

/** `~` over int2 / int4 / int8 (int2not ...): the bitwise complement. */
export function intNot(width: 16 | 32 | 64, a: number | bigint): number | bigint {
  if (width !== 64) return ~Number(a);
  const r = ~BigInt(a);
  const n = Number(r);
  return Number.isSafeInteger(n) ? n : r;
}
