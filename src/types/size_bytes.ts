/**
 * pg_size_bytes(text) (dbsize.c): a size as pg_size_pretty prints it, read back as bytes.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { Numeric, parseNumeric, numericMul, numericToInt } from './numeric.js';

/** pg_size_pretty's units (size_pretty_units) and the alias `B` (size_bytes_aliases). */
const UNIT_BITS: ReadonlyMap<string, number> = new Map([
  ['bytes', 0], ['b', 0], ['kb', 10], ['mb', 20], ['gb', 30], ['tb', 40], ['pb', 50],
]);

/** C's isspace in the C locale. */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * The bytes `s` stands for (an int8 value): a decimal number (sign, digits, fraction, exponent; spaces
 * around it) and an optional unit, matched case-insensitively (ASCII, as pg_strcasecmp).
 * @throws PgError 22023 `invalid size: "s"` when no number starts it, or with DETAIL
 *   `Invalid size unit: "u".` and HINT listing the units for an unknown unit; 22P02 / 22003
 *   from numeric input (`1e 5`, a huge exponent); 22003 `bigint out of range`.
 */
export function pgSizeBytes(s: string): number | bigint {
  let start = 0;
  while (isSpace(s[start])) start++;
  let end = start;
  if (s[end] === '-' || s[end] === '+') end++;
  let haveDigits = false;
  if (isDigit(s[end])) {
    haveDigits = true;
    while (isDigit(s[end])) end++;
  }
  if (s[end] === '.') {
    end++;
    if (isDigit(s[end])) {
      haveDigits = true;
      while (isDigit(s[end])) end++;
    }
  }
  if (!haveDigits) throw new PgError(SQLSTATE.invalid_parameter_value, `invalid size: "${s}"`);
  if (s[end] === 'e' || s[end] === 'E') {
    // strtol's reach: spaces, a sign, digits. Without digits the `e` starts the unit.
    let j = end + 1;
    while (isSpace(s[j])) j++;
    if (s[j] === '+' || s[j] === '-') j++;
    if (isDigit(s[j])) {
      while (isDigit(s[j])) j++;
      end = j;
    }
  }
  let num = parseNumeric(s.slice(start, end));
  let u = end;
  while (isSpace(s[u])) u++;
  if (u < s.length) {
    let last = s.length;
    while (isSpace(s[last - 1])) last--;
    const unit = s.slice(u, last);
    const bits = UNIT_BITS.get(unit.replace(/[A-Z]/g, (c) => c.toLowerCase()));
    if (bits === undefined) {
      throw new PgError(SQLSTATE.invalid_parameter_value, `invalid size: "${s}"`, {
        detail: `Invalid size unit: "${unit}".`,
        hint: 'Valid units are "bytes", "B", "kB", "MB", "GB", "TB", and "PB".',
      });
    }
    if (bits > 0) num = numericMul(Numeric.fromInt(1n << BigInt(bits)), num);
  }
  // An int8 value is a number when it is a safe integer, as everywhere in vecgres.
  const v = numericToInt(num, 'bigint');
  return Number.isSafeInteger(Number(v)) ? Number(v) : v;
}
