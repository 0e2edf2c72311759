/**
 * The `oid` type (PostgreSQL's unsigned 32-bit object identifier) and the reg* types that
 * share its representation (regclass, regtype, regproc, regprocedure, regnamespace): a value
 * is a JavaScript number in [0, 2^32). Text input of digits (oidin), the integer casts
 * (int4 -> oid is binary: -1 is 4294967295; int8 -> oid is range-checked, i8tooid) and the
 * binary form (oidsend / oidrecv: a big-endian uint32).
 * Sources: PostgreSQL src/backend/utils/adt/oid.c, numutils.c uint32in_subr, int8.c i8tooid.
 */
import { PgError, SQLSTATE } from '../common/errors.js';

/** The largest oid (PG_UINT32_MAX). */
export const OID_MAX = 4294967295;

const TWO_64 = 1n << 64n;
const ULONG_MAX = TWO_64 - 1n;

/**
 * oidin: strtoul(s, base 0) as uint32in_subr reads it: leading white space, an optional sign,
 * `0x` hex, a leading `0` octal, else decimal; trailing white space only. A minus sign is
 * accepted for backward compatibility when the result fits a signed int32 (`-1` is
 * 4294967295). `typname` names the type in messages (regclassin and friends read digits with
 * `oid`'s rules under their own name).
 * @throws PgError 22P02 `invalid input syntax for type oid: "s"`, 22003 `value "s" is out of
 *   range for type oid`.
 */
export function parseOid(s: string, typname = 'oid'): number {
  const invalid = () => new PgError(SQLSTATE.invalid_text_representation, `invalid input syntax for type ${typname}: "${s}"`);
  const range = () => new PgError(SQLSTATE.numeric_value_out_of_range, `value "${s}" is out of range for type ${typname}`);
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') negative = s[i++] === '-';
  let base = 10n;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && digitValue(s.charCodeAt(i + 2)) < 16) {
    base = 16n;
    i += 2;
  } else if (s[i] === '0') {
    base = 8n;
  }
  const start = i;
  let cvt = 0n;
  let overflow = false;
  for (; i < s.length; i++) {
    const d = digitValue(s.charCodeAt(i));
    if (BigInt(d) >= base) break;
    cvt = cvt * base + BigInt(d);
    if (cvt > ULONG_MAX) overflow = true;
  }
  if (i === start) throw invalid();
  if (overflow) throw range();
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  if (i < s.length) throw invalid();
  if (negative) cvt = (TWO_64 - cvt) % TWO_64;
  const result = Number(cvt & 0xffffffffn);
  // The value must match after unsigned or signed extension of the uint32 to 64 bits.
  const signExtended = result >= 0x80000000 ? TWO_64 - BigInt(OID_MAX - result + 1) : BigInt(result);
  if (cvt !== BigInt(result) && cvt !== signExtended) throw range();
  return result;
}

/** C isspace in the C locale. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return 99;
}

/** int4 / int2 -> oid: a binary coercion, so a negative integer wraps (`(-1)::oid` is 4294967295). */
export function oidFromInt4(n: number): number {
  return n >>> 0;
}

/** int8 -> oid (i8tooid). @throws PgError 22003 `OID out of range` outside [0, 2^32). */
export function oidFromInt8(n: number | bigint): number {
  const x = Number(n);
  if (!(x >= 0 && x <= OID_MAX)) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'OID out of range');
  return x;
}

/** oid -> int4: a binary coercion (4294967295 is -1). */
export function oidToInt4(o: number): number {
  return o | 0;
}

/** oidsend: the value as a big-endian uint32. */
export function oidSend(o: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, o);
  return out;
}

/** oidrecv: a big-endian uint32 (the caller checks the length). */
export function oidRecv(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0);
}
