/**
 * PostgreSQL's `interval` (src/backend/utils/adt/timestamp.c, datetime.c): a span kept as three
 * separate fields, because a month and a day have no fixed length:
 *
 *   months  int32  whole months (years are 12 of them)
 *   days    int32  whole days
 *   us      int64  microseconds of time (a BigInt)
 *
 * Text output is IntervalStyle `postgres` (EncodeInterval): `1 year 2 mons 3 days 04:05:06`.
 * Input is PostgreSQL's interval_in ported: ParseDateTime's fields (datetime_fields.ts) read by
 * DecodeInterval (`<n> <unit>` pairs with PostgreSQL's unit names, fractions spilling into the
 * smaller units as its AdjustFract* do, `[+-]hh:mm[:ss[.ffffff]]`, `Y-M`, bare numbers taking
 * the unit below the next field's, `@`, `ago`), then ISO 8601 (`P1Y2M3DT4H5M6S`,
 * `P0001-02-03T04:05:06`) when that fails. Infinite intervals (`infinity`) are 0A000.
 *
 * Comparison is interval_cmp's: by the total span with a month as 30 days and a day as 24
 * hours, so `'1 mon'` equals `'30 days'` though they print differently.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { rint } from '../common/rint.js';
import { parseDateTimeFields, dateKeyword, deltaKeyword, FieldType, type DateField } from './datetime_fields.js';

export const USECS_PER_SEC = 1_000_000n;
export const USECS_PER_DAY = 86_400_000_000n;
const USECS_PER_HOUR = 3_600_000_000n;
const USECS_PER_MINUTE = 60_000_000n;
/** PostgreSQL's DAYS_PER_MONTH: the length of a month wherever one must be converted. */
export const DAYS_PER_MONTH = 30;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

/** An interval value (immutable). */
export class Interval {
  constructor(
    readonly months: number,
    readonly days: number,
    readonly us: bigint,
  ) {}

  toString(): string {
    return formatInterval(this);
  }
}

function outOfRange(): PgError {
  return new PgError(SQLSTATE.datetime_value_out_of_range, 'interval out of range');
}

/** PostgreSQL 17+ has infinite intervals (and 0 for a division by infinity); vecgres does not yet. */
function infiniteFactor(): PgError {
  return new PgError(SQLSTATE.feature_not_supported, 'interval arithmetic with an infinite factor is not supported');
}

/** A checked interval. @throws PgError 22008 `interval out of range`. */
export function makeIntervalChecked(months: number, days: number, us: bigint): Interval {
  if (!(months >= INT32_MIN && months <= INT32_MAX) || !(days >= INT32_MIN && days <= INT32_MAX) || us < INT64_MIN || us > INT64_MAX) {
    throw outOfRange();
  }
  return new Interval(months, days, us);
}

/**
 * make_interval(years, months, weeks, days, hours, mins, secs) (PostgreSQL 17's timestamp.c):
 * years and months to months, weeks and days to days (int32, checked), hours, minutes and the
 * seconds rounded to microseconds (rint) to the time part.
 * @throws PgError 22008 `interval out of range` for a part outside its range, infinite or NaN
 *   seconds, or the sentinel of an infinite interval; 22003 `value out of range: overflow` when
 *   the seconds in microseconds overflow a double.
 */
export function makeInterval(years: number, months: number, weeks: number, days: number, hours: number, mins: number, secs: number): Interval {
  if (!Number.isFinite(secs)) throw outOfRange();
  const m = years * 12 + months;
  const d = weeks * 7 + days;
  if (!(m >= INT32_MIN && m <= INT32_MAX) || !(d >= INT32_MIN && d <= INT32_MAX)) throw outOfRange();
  const micros = secs * 1e6;
  if (!Number.isFinite(micros)) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'value out of range: overflow');
  const rounded = rint(micros);
  if (!(rounded >= -9223372036854775808 && rounded < 9223372036854775808)) throw outOfRange();
  const us = BigInt(hours) * USECS_PER_HOUR + BigInt(mins) * USECS_PER_MINUTE + BigInt(rounded);
  if (us < INT64_MIN || us > INT64_MAX) throw outOfRange();
  // PostgreSQL 17's infinite intervals are these extremes; as a result they are out of range.
  if ((m === INT32_MAX && d === INT32_MAX && us === INT64_MAX) || (m === INT32_MIN && d === INT32_MIN && us === INT64_MIN)) throw outOfRange();
  return new Interval(m, d, us);
}

/** interval_cmp_value: the span in microseconds with 30-day months and 24-hour days. */
export function intervalSpan(x: Interval): bigint {
  return x.us + (BigInt(x.days) + BigInt(x.months) * 30n) * USECS_PER_DAY;
}

/** interval_cmp. */
export function intervalCmp(a: Interval, b: Interval): number {
  const x = intervalSpan(a);
  const y = intervalSpan(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** interval_pl. @throws PgError 22008 `interval out of range`. */
export function intervalAdd(a: Interval, b: Interval): Interval {
  return makeIntervalChecked(a.months + b.months, a.days + b.days, a.us + b.us);
}

/** interval_mi. @throws PgError 22008 `interval out of range`. */
export function intervalSub(a: Interval, b: Interval): Interval {
  return makeIntervalChecked(a.months - b.months, a.days - b.days, a.us - b.us);
}

/** interval_um. @throws PgError 22008 `interval out of range`. */
export function intervalNeg(a: Interval): Interval {
  return makeIntervalChecked(-a.months, -a.days, -a.us);
}

/** PostgreSQL's TSROUND: to microsecond precision. */
function tsround(x: number): number {
  return rint(x * 1e6) / 1e6;
}

/** FLOAT8_FITS_IN_INT32: whether truncating `x` gives an int32 (so 2147483647.5 fits). */
function fitsInt32(x: number): boolean {
  return x >= INT32_MIN && x < 2147483648;
}

/**
 * interval_mul (and interval_div as multiplication by the reciprocal's pieces): each field is
 * multiplied, and the fractional months and days cascade down into days and time.
 * @throws PgError 22008 `interval out of range`.
 */
export function intervalMul(span: Interval, factor: number): Interval {
  if (Number.isNaN(factor)) throw outOfRange();
  if (!Number.isFinite(factor)) throw infiniteFactor();
  const monthD = span.months * factor;
  if (!fitsInt32(monthD)) throw outOfRange();
  const months = Math.trunc(monthD);
  const dayD = span.days * factor;
  if (!fitsInt32(dayD)) throw outOfRange();
  let days = Math.trunc(dayD);
  let monthRemainderDays = (monthD - months) * DAYS_PER_MONTH;
  monthRemainderDays = tsround(monthRemainderDays);
  let secRemainder = (span.days * factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400;
  secRemainder = tsround(secRemainder);
  if (Math.abs(secRemainder) >= 86400) {
    days += Math.trunc(secRemainder / 86400);
    secRemainder -= Math.trunc(secRemainder / 86400) * 86400;
  }
  days += Math.trunc(monthRemainderDays);
  const t = rint(Number(span.us) * factor + secRemainder * 1e6);
  if (!Number.isFinite(t) || t < -9.223372036854776e18 || t >= 9.223372036854776e18) throw outOfRange();
  return makeIntervalChecked(months, days, BigInt(t));
}

/** interval_div. @throws PgError 22012 `division by zero`, 22008 `interval out of range`. */
export function intervalDiv(span: Interval, factor: number): Interval {
  if (factor === 0) throw new PgError(SQLSTATE.division_by_zero, 'division by zero');
  if (Number.isNaN(factor)) throw outOfRange();
  // A finite interval divided by an infinite factor is a zero interval (PostgreSQL 17+).
  if (!Number.isFinite(factor)) return new Interval(0, 0, 0n);
  const monthD = span.months / factor;
  if (!fitsInt32(monthD)) throw outOfRange();
  const months = Math.trunc(monthD);
  const dayD = span.days / factor;
  if (!fitsInt32(dayD)) throw outOfRange();
  let days = Math.trunc(dayD);
  let monthRemainderDays = (span.months / factor - months) * DAYS_PER_MONTH;
  monthRemainderDays = tsround(monthRemainderDays);
  let secRemainder = (span.days / factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400;
  secRemainder = tsround(secRemainder);
  if (Math.abs(secRemainder) >= 86400) {
    days += Math.trunc(secRemainder / 86400);
    secRemainder -= Math.trunc(secRemainder / 86400) * 86400;
  }
  days += Math.trunc(monthRemainderDays);
  const t = rint(Number(span.us) / factor + secRemainder * 1e6);
  if (!Number.isFinite(t)) throw outOfRange();
  return makeIntervalChecked(months, days, BigInt(t));
}

/** interval_justify_hours: whole days out of the time field, with the signs of days and time agreeing. */
export function justifyHours(x: Interval): Interval {
  let time = x.us;
  const whole = time / USECS_PER_DAY;
  time -= whole * USECS_PER_DAY;
  const [days, us] = daysAndTimeSameSign(x.days + Number(whole), time);
  return makeIntervalChecked(x.months, days, us);
}

/**
 * The sign step shared by justify_hours and justify_interval: when days and time (µs, under a
 * day) have opposite signs, one day moves into the time so that they agree (timestamp.c).
 */
function daysAndTimeSameSign(days: number, time: bigint): [number, bigint] {
  if (days > 0 && time < 0n) return [days - 1, time + USECS_PER_DAY];
  if (days < 0 && time > 0n) return [days + 1, time - USECS_PER_DAY];
  return [days, time];
}

/** interval_justify_days: whole months out of the days (30 each), signs made to agree. @throws PgError 22008. */
export function justifyDays(x: Interval): Interval {
  let months = x.months + Math.trunc(x.days / DAYS_PER_MONTH);
  let days = x.days % DAYS_PER_MONTH;
  if (months > 0 && days < 0) {
    days += DAYS_PER_MONTH;
    months--;
  } else if (months < 0 && days > 0) {
    days -= DAYS_PER_MONTH;
    months++;
  }
  return makeIntervalChecked(months, days, x.us);
}

/**
 * interval_justify_interval: whole days out of the time, whole months out of the days, then
 * the signs of months, days and time made to agree, in timestamp.c's order (days are
 * pre-justified when day and time have the same sign, so the sum cannot overflow).
 * @throws PgError 22008 `interval out of range`.
 */
export function justifyInterval(x: Interval): Interval {
  let months = x.months;
  let days = x.days;
  let time = x.us;
  if ((days > 0 && time > 0n) || (days < 0 && time < 0n)) {
    const whole = Math.trunc(days / DAYS_PER_MONTH);
    days -= whole * DAYS_PER_MONTH;
    months += whole;
    if (months > INT32_MAX || months < INT32_MIN) throw outOfRange();
  }
  const wholeDays = time / USECS_PER_DAY;
  time -= wholeDays * USECS_PER_DAY;
  days += Number(wholeDays);
  const wholeMonths = Math.trunc(days / DAYS_PER_MONTH);
  days -= wholeMonths * DAYS_PER_MONTH;
  months += wholeMonths;
  if (months > INT32_MAX || months < INT32_MIN) throw outOfRange();
  if (months > 0 && (days < 0 || (days === 0 && time < 0n))) {
    days += DAYS_PER_MONTH;
    months--;
  } else if (months < 0 && (days > 0 || (days === 0 && time > 0n))) {
    days -= DAYS_PER_MONTH;
    months++;
  }
  const [d, us] = daysAndTimeSameSign(days, time);
  return makeIntervalChecked(months, d, us);
}

// ---------------------------------------------------------------------------------------------
// Output (EncodeInterval, IntervalStyle postgres)

function pad2(n: bigint | number): string {
  return String(n).padStart(2, '0');
}

/** interval_out in the `postgres` IntervalStyle. */
export function formatInterval(x: Interval): string {
  const year = Math.trunc(x.months / 12);
  const mon = x.months - year * 12;
  const mday = x.days;
  let out = '';
  let isZero = true;
  let isBefore = false;
  const part = (value: number, units: string) => {
    if (value === 0) return;
    out += `${isZero ? '' : ' '}${isBefore && value > 0 ? '+' : ''}${value} ${units}${value !== 1 ? 's' : ''}`;
    isBefore = value < 0;
    isZero = false;
  };
  part(year, 'year');
  part(mon, 'mon');
  part(mday, 'day');
  const t = x.us;
  const hour = t / USECS_PER_HOUR;
  let rest = t - hour * USECS_PER_HOUR;
  const min = rest / USECS_PER_MINUTE;
  rest -= min * USECS_PER_MINUTE;
  const sec = rest / USECS_PER_SEC;
  const fsec = rest - sec * USECS_PER_SEC;
  if (isZero || t !== 0n) {
    const minus = hour < 0n || min < 0n || sec < 0n || fsec < 0n;
    const abs = (v: bigint) => (v < 0n ? -v : v);
    out += `${isZero ? '' : ' '}${minus ? '-' : isBefore ? '+' : ''}${pad2(abs(hour))}:${pad2(abs(min))}:${pad2(abs(sec))}`;
    if (fsec !== 0n) out += `.${String(abs(fsec)).padStart(6, '0').replace(/0+$/, '')}`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Input (interval_in: ParseDateTime, DecodeInterval, DecodeISO8601Interval)

/** How a decoding step failed: PostgreSQL's DTERR_BAD_FORMAT (22007) or DTERR_FIELD_OVERFLOW (22015). */
type DtErr = 'bad' | 'overflow';

/** The fields being accumulated (PostgreSQL's struct pg_itm_in): years and months apart, as there. */
interface ItmIn {
  usec: bigint;
  mday: number;
  mon: number;
  year: number;
}

function fitsInt64(x: bigint): boolean {
  return x >= INT64_MIN && x <= INT64_MAX;
}

/** int64_multiply_add: `itm.usec += val * mult`, false on int64 overflow. */
function multiplyAddUsec(val: bigint, mult: bigint, itm: ItmIn): boolean {
  const product = val * mult;
  if (!fitsInt64(product)) return false;
  const sum = itm.usec + product;
  if (!fitsInt64(sum)) return false;
  itm.usec = sum;
  return true;
}

/**
 * AdjustFractMicroseconds: `frac * scale` microseconds, truncated toward zero, then one more
 * only when the dropped part is strictly beyond one half (so `82.5 us` is 82 and `-82.5 us`
 * is -82, not rint's or Math.round's answer). The float64 operations are PostgreSQL's, in its
 * order, so the bits agree.
 */
function adjustFractMicroseconds(frac: number, scale: number, itm: ItmIn): boolean {
  if (frac === 0) return true;
  let f = frac * scale;
  let usec = Math.trunc(f);
  f -= usec;
  if (f > 0.5) usec++;
  else if (f < -0.5) usec--;
  const sum = itm.usec + BigInt(usec);
  if (!fitsInt64(sum)) return false;
  itm.usec = sum;
  return true;
}

/** AdjustFractDays: `frac * scale` days, whole days then the rest as microseconds. */
function adjustFractDays(frac: number, scale: number, itm: ItmIn): boolean {
  if (frac === 0) return true;
  let f = frac * scale;
  const extra = Math.trunc(f);
  if (!fitsInt32(itm.mday + extra)) return false;
  itm.mday += extra;
  f -= extra;
  return adjustFractMicroseconds(f, 86_400_000_000, itm);
}

/** AdjustFractYears: `frac * scale` years as whole months, `rint((frac * scale) * 12)`. */
function adjustFractYears(frac: number, scale: number, itm: ItmIn): boolean {
  const extra = rint(frac * scale * 12);
  if (!fitsInt32(itm.mon + extra)) return false;
  itm.mon += extra;
  return true;
}

/** AdjustMicroseconds: `val * scale` microseconds plus the fraction's. */
function adjustMicroseconds(val: bigint, fval: number, scale: bigint, itm: ItmIn): boolean {
  return multiplyAddUsec(val, scale, itm) && adjustFractMicroseconds(fval, Number(scale), itm);
}

/** AdjustDays: `val * scale` days (int32 arithmetic, as PostgreSQL's). */
function adjustDays(val: bigint, scale: number, itm: ItmIn): boolean {
  if (val < -2147483648n || val > 2147483647n) return false;
  const days = Number(val) * scale;
  if (!fitsInt32(days) || !fitsInt32(itm.mday + days)) return false;
  itm.mday += days;
  return true;
}

/** AdjustMonths. */
function adjustMonths(val: bigint, itm: ItmIn): boolean {
  if (val < -2147483648n || val > 2147483647n) return false;
  const mon = itm.mon + Number(val);
  if (!fitsInt32(mon)) return false;
  itm.mon = mon;
  return true;
}

/** AdjustYears: `val * scale` years. */
function adjustYears(val: bigint, scale: number, itm: ItmIn): boolean {
  if (val < -2147483648n || val > 2147483647n) return false;
  const years = Number(val) * scale;
  if (!fitsInt32(years) || !fitsInt32(itm.year + years)) return false;
  itm.year += years;
  return true;
}

/** C's strtoll / strtol (base 10) at `from` of `s`: the value, where it stopped, and ERANGE. */
interface StrToInt {
  val: bigint;
  end: number;
  range: boolean;
}

/**
 * strtoi64 (`bits` 64) or strtoint (`bits` 32): optional white space and sign, then digits.
 * With no digits the value is 0 and `end` is `from`, as C's.
 */
function strToInt(s: string, from: number, bits: 32 | 64): StrToInt {
  let p = from;
  while (p < s.length && /[ \t\n\v\f\r]/.test(s[p]!)) p++;
  let neg = false;
  if (s[p] === '+' || s[p] === '-') {
    neg = s[p] === '-';
    p++;
  }
  const start = p;
  while (p < s.length && s.charCodeAt(p) >= 48 && s.charCodeAt(p) <= 57) p++;
  if (p === start) return { val: 0n, end: from, range: false };
  let val = BigInt(s.slice(start, p));
  if (neg) val = -val;
  const range = bits === 64 ? !fitsInt64(val) : val < -2147483648n || val > 2147483647n;
  return { val, end: p, range };
}

/**
 * ParseFraction: `text` from its decimal point as a float64; a lone `.` is 0. Anything after
 * the digits is a syntax error.
 */
function parseFraction(text: string): number | 'bad' {
  if (text === '.') return 0;
  return /^\.\d+$/.test(text) ? Number(`0${text}`) : 'bad';
}

/**
 * DecodeTimeCommon: `h:m`, `h:m:s[.f]` or `m:s.f`, in microseconds; `h:m` is `m:s` in an
 * `interval minute to second` (`range` the typmod's fields).
 */
function decodeTime(text: string, range: number): bigint | DtErr {
  const h = strToInt(text, 0, 64);
  if (h.range) return 'overflow';
  if (text[h.end] !== ':') return 'bad';
  let hour = h.val;
  const m = strToInt(text, h.end + 1, 32);
  if (m.range) return 'overflow';
  let min = Number(m.val);
  let sec = 0;
  let fsec = 0;
  let cp = m.end;
  if (cp === text.length) {
    if (range === (R_MINUTE | R_SECOND)) {
      if (hour > 2147483647n || hour < -2147483648n) return 'overflow';
      sec = min;
      min = Number(hour);
      hour = 0n;
    }
  } else if (text[cp] === '.') {
    // Always mm:ss.fff.
    const f = parseFraction(text.slice(cp));
    if (f === 'bad') return 'bad';
    fsec = rint(f * 1_000_000);
    if (hour > 2147483647n || hour < -2147483648n) return 'overflow';
    sec = min;
    min = Number(hour);
    hour = 0n;
  } else if (text[cp] === ':') {
    const s = strToInt(text, cp + 1, 32);
    if (s.range) return 'overflow';
    sec = Number(s.val);
    cp = s.end;
    if (cp < text.length) {
      if (text[cp] !== '.') return 'bad';
      const f = parseFraction(text.slice(cp));
      if (f === 'bad') return 'bad';
      fsec = rint(f * 1_000_000);
    }
  } else {
    return 'bad';
  }
  // A leap second (60) and a fraction that rounds up to a whole second pass, as in PostgreSQL.
  if (hour < 0n || min < 0 || min > 59 || sec < 0 || sec > 60 || fsec < 0 || fsec > 1_000_000) return 'overflow';
  const itm: ItmIn = { usec: BigInt(fsec), mday: 0, mon: 0, year: 0 };
  if (!multiplyAddUsec(hour, USECS_PER_HOUR, itm) || !multiplyAddUsec(BigInt(min), USECS_PER_MINUTE, itm) || !multiplyAddUsec(BigInt(sec), USECS_PER_SEC, itm)) return 'overflow';
  return itm.usec;
}

/** fmask bits (DTK_M of datetime.h's field types), for the each-field-once rule. */
const M_MONTH = 1 << 1;
const M_YEAR = 1 << 2;
const M_DAY = 1 << 3;
const M_HOUR = 1 << 10;
const M_MINUTE = 1 << 11;
const M_SECOND = 1 << 12;
const M_MILLISECOND = 1 << 13;
const M_MICROSECOND = 1 << 14;
const M_WEEK = 1 << 24;
const M_DECADE = 1 << 25;
const M_CENTURY = 1 << 26;
const M_MILLENNIUM = 1 << 27;
const M_ALL_SECS = M_SECOND | M_MILLISECOND | M_MICROSECOND;
const M_TIME = M_HOUR | M_MINUTE | M_ALL_SECS;
const M_DATE = M_YEAR | M_MONTH | M_DAY;

/**
 * DecodeInterval's (and DecodeISO8601Interval's) step for one number of a unit: `val` whole
 * units and the fraction `fval` (same sign) added to `itm` as PostgreSQL's Adjust* functions
 * add them (fractions spill into the smaller fields). Returns the unit's fmask bit, 'overflow',
 * or 'bad' for a unit an interval does not take (quarter, timezone, julian, dow, ..., or none).
 */
function addUnit(unit: string, val: bigint, fval: number, itm: ItmIn): number | DtErr {
  switch (unit) {
    case 'microsecond':
      return adjustMicroseconds(val, fval, 1n, itm) ? M_MICROSECOND : 'overflow';
    case 'millisecond':
      return adjustMicroseconds(val, fval, 1000n, itm) ? M_MILLISECOND : 'overflow';
    case 'second':
      return adjustMicroseconds(val, fval, USECS_PER_SEC, itm) ? M_SECOND : 'overflow';
    case 'minute':
      return adjustMicroseconds(val, fval, USECS_PER_MINUTE, itm) ? M_MINUTE : 'overflow';
    case 'hour':
      return adjustMicroseconds(val, fval, USECS_PER_HOUR, itm) ? M_HOUR : 'overflow';
    case 'day':
      return adjustDays(val, 1, itm) && adjustFractMicroseconds(fval, 86_400_000_000, itm) ? M_DAY : 'overflow';
    case 'week':
      return adjustDays(val, 7, itm) && adjustFractDays(fval, 7, itm) ? M_WEEK : 'overflow';
    case 'month':
      return adjustMonths(val, itm) && adjustFractDays(fval, DAYS_PER_MONTH, itm) ? M_MONTH : 'overflow';
    case 'year':
      return adjustYears(val, 1, itm) && adjustFractYears(fval, 1, itm) ? M_YEAR : 'overflow';
    case 'decade':
      return adjustYears(val, 10, itm) && adjustFractYears(fval, 10, itm) ? M_DECADE : 'overflow';
    case 'century':
      return adjustYears(val, 100, itm) && adjustFractYears(fval, 100, itm) ? M_CENTURY : 'overflow';
    case 'millennium':
      return adjustYears(val, 1000, itm) && adjustFractYears(fval, 1000, itm) ? M_MILLENNIUM : 'overflow';
    default:
      return 'bad';
  }
}

/**
 * DecodeInterval, IntervalStyle postgres, no typmod: reads `fields` from last to first, so a
 * unit word gives its unit to the number before it, a bare number takes the unit below the
 * field after it (seconds when last; days before a time), `ago` (last only) negates all.
 * Returns the fields, `'infinity'` / `'-infinity'`, or how it failed.
 */
function decodeInterval(fields: readonly DateField[], range: number, itm: ItmIn): DtErr | 'late' | 'early' | null {
  let fmask = 0;
  /** The unit of a bare number (DecodeInterval's `type`); null until a field sets it. */
  let type: string | null = null;
  let isBefore = false;
  let parsingUnitVal = false;
  let infinite: 'late' | 'early' | null = null;
  const nf = fields.length;
  for (let i = nf - 1; i >= 0; i--) {
    const { text, type: ftype } = fields[i]!;
    let tmask = 0;
    let number = ftype === FieldType.Date || ftype === FieldType.Number;
    if (ftype === FieldType.Time) {
      const us = decodeTime(text, range);
      if (typeof us !== 'bigint') return us;
      // DecodeTimeForInterval sets the time, replacing microseconds summed from later fields.
      itm.usec = us;
      tmask = M_TIME;
      type = 'day';
      parsingUnitVal = false;
    } else if (ftype === FieldType.Tz) {
      // A signed h:m[:s] is a time with its sign; anything else a signed number.
      const us = text.includes(':', 1) ? decodeTime(text.slice(1), range) : 'bad';
      if (typeof us === 'bigint') {
        if (text[0] === '-') {
          if (us === INT64_MIN) return 'overflow';
          itm.usec = -us;
        } else {
          itm.usec = us;
        }
        tmask = M_TIME;
        type = 'day';
        parsingUnitVal = false;
      } else {
        number = true;
      }
    } else if (ftype === FieldType.String || ftype === FieldType.Special) {
      if (parsingUnitVal) return 'bad';
      const k = deltaKeyword(text) ?? dateKeyword(text);
      if (k === undefined) return 'bad';
      if (k.kind === 'ignore') {
        // DecodeInterval keeps the lookup's type in the variable holding the pending unit, so
        // an ignored word (`at`, `on`) leaves the number before it in seconds.
        type = null;
        continue;
      }
      if (k.kind === 'units') {
        type = k.value;
        parsingUnitVal = true;
      } else if (k.kind === 'ago') {
        if (i !== nf - 1) return 'bad';
        isBefore = true;
        // A number right before `ago` has no unit.
        type = 'none';
      } else if (k.kind === 'reserved') {
        tmask = M_DATE | M_TIME;
        if ((k.value !== 'late' && k.value !== 'early') || i !== nf - 1) return 'bad';
        infinite = k.value;
        type = 'none';
      } else {
        return 'bad';
      }
    }
    if (number) {
      // The rightmost bare number's unit: the typmod's last field (seconds without one).
      type ??= rangeUnit(range);
      const v = strToInt(text, 0, 64);
      if (v.range) return 'overflow';
      let val = v.val;
      let fval = 0;
      const cp = v.end;
      if (text[cp] === '-') {
        // SQL's `years-months`.
        const m = strToInt(text, cp + 1, 32);
        if (m.range || m.val < 0n || m.val >= 12n) return 'overflow';
        if (m.end !== text.length) return 'bad';
        type = 'month';
        const val2 = text[0] === '-' ? -m.val : m.val;
        val = val * 12n;
        if (!fitsInt64(val)) return 'overflow';
        val += val2;
        if (!fitsInt64(val)) return 'overflow';
      } else if (text[cp] === '.') {
        const f = parseFraction(text.slice(cp));
        if (f === 'bad') return 'bad';
        fval = text[0] === '-' ? -f : f;
      } else if (cp !== text.length) {
        return 'bad';
      }
      const bit = addUnit(type, val, fval, itm);
      if (typeof bit === 'string') return bit;
      tmask = bit;
      // Seconds with a fraction count as milliseconds and microseconds too.
      if (type === 'second' && fval !== 0) tmask = M_ALL_SECS;
      // A bare number before hours is days.
      if (type === 'hour') type = 'day';
      parsingUnitVal = false;
    }
    if ((tmask & fmask) !== 0) return 'bad';
    fmask |= tmask;
  }
  if (fmask === 0 || parsingUnitVal) return 'bad';
  if (isBefore) {
    if (itm.usec === INT64_MIN || itm.mday === INT32_MIN || itm.mon === INT32_MIN || itm.year === INT32_MIN) return 'overflow';
    itm.usec = -itm.usec;
    itm.mday = -itm.mday;
    itm.mon = -itm.mon;
    itm.year = -itm.year;
  }
  return infinite;
}

/**
 * ParseISO8601Number: a number as strtod reads it (sign, digits, point, exponent; `-inf` and
 * `-nan` too), split into its integer part and fraction. Hexadecimal floats are not read.
 */
function parseIso8601Number(s: string, from: number): { val: bigint; fval: number; end: number } | DtErr {
  const c = s[from];
  if (c === undefined || !(/[0-9.-]/.test(c))) return 'bad';
  const m = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)/i.exec(s.slice(from));
  if (m === null) return 'bad';
  const text = m[0];
  const val = Number(/n/i.test(text) && !/e/i.test(text) ? (/nan/i.test(text) ? NaN : text.startsWith('-') ? -Infinity : Infinity) : text);
  // strtod's ERANGE: a finite number too large, or one too small for a normal double.
  if (/^[+-]?[\d.]/.test(text)) {
    if (!Number.isFinite(val)) return 'bad';
    const mantissaNonZero = /[1-9]/.test(text.replace(/[eE].*$/, ''));
    if ((val === 0 && mantissaNonZero) || (val !== 0 && Math.abs(val) < 2.2250738585072014e-308)) return 'bad';
  }
  if (Number.isNaN(val) || val < -1e15 || val > 1e15) return 'overflow';
  const ipart = val >= 0 ? Math.floor(val) : -Math.floor(-val);
  return { val: BigInt(ipart), fval: val - ipart, end: from + text.length };
}

/** ISO 8601's unit designators before and after `T`. */
const ISO_DATE_UNITS: Record<string, string> = { Y: 'year', M: 'month', W: 'week', D: 'day' };
const ISO_TIME_UNITS: Record<string, string> = { H: 'hour', M: 'minute', S: 'second' };

const ISO_EXTENDED_DATE = ['year', 'month', 'day'] as const;
const ISO_EXTENDED_TIME = ['hour', 'minute', 'second'] as const;

/**
 * DecodeISO8601Interval's extended alternative format (`Y-M-D`, `h:m:s`) from its first number
 * (`val`, `fval`, read before `unit`, the character after it; `p` just past that): up to three
 * numbers of `units` separated by `sep`. The date part may stop at `T` (`tBreaks`), the time
 * part starts there: `result` 'T' with `p` at the `T`; null when the input ends, else the error.
 */
function readExtended(str: string, p: number, units: readonly string[], sep: string, tBreaks: boolean, val: bigint, fval: number, unit: string, itm: ItmIn): { result: DtErr | 'T' | null; p: number } {
  if (addUnit(units[0]!, val, fval, itm) === 'overflow') return { result: 'overflow', p };
  if (unit === '\0') return { result: null, p };
  if (tBreaks && unit === 'T') return { result: 'T', p };
  for (let i = 1; i < units.length; i++) {
    const n = parseIso8601Number(str, p);
    if (typeof n === 'string') return { result: n, p };
    p = n.end;
    if (addUnit(units[i]!, n.val, n.fval, itm) === 'overflow') return { result: 'overflow', p };
    if (p >= str.length) return { result: null, p };
    if (tBreaks && str[p] === 'T') return { result: 'T', p };
    if (i === units.length - 1 || str[p] !== sep) return { result: 'bad', p };
    p++;
  }
  return { result: 'bad', p };
}

/**
 * DecodeISO8601Interval on the input as given (case and spaces kept): the format with
 * designators (`P1Y2M3DT4H5M6.5S`, `P2W`; units in any order, fractions in any field) and the
 * alternative formats (`P0001-02-03T04:05:06`, `P00010203T040506`).
 */
function decodeIso8601Interval(str: string, itm: ItmIn): DtErr | null {
  if (str.length < 2 || str[0] !== 'P') return 'bad';
  let p = 1;
  let datepart = true;
  let havefield = false;
  const intWidth = (at: number): number => {
    let q = str[at] === '-' ? at + 1 : at;
    const start = q;
    while (q < str.length && str.charCodeAt(q) >= 48 && str.charCodeAt(q) <= 57) q++;
    return q - start;
  };
  while (p < str.length) {
    if (str[p] === 'T') {
      datepart = false;
      havefield = false;
      p++;
      continue;
    }
    const fieldstart = p;
    const n = parseIso8601Number(str, p);
    if (typeof n === 'string') return n;
    const { val, fval } = n;
    p = n.end;
    const unit = p < str.length ? str[p]! : '\0';
    p++;
    if (datepart) {
      let extended = false;
      switch (unit) {
        case 'Y':
        case 'M':
        case 'W':
        case 'D':
          if (addUnit(ISO_DATE_UNITS[unit], val, fval, itm) === 'overflow') return 'overflow';
          break;
        case 'T':
        case '\0':
          // Basic alternative format: YYYYMMDD.
          if (intWidth(fieldstart) === 8 && !havefield) {
            if (addUnit('year', val / 10000n, 0, itm) === 'overflow' || addUnit('month', (val / 100n) % 100n, 0, itm) === 'overflow' || addUnit('day', val % 100n, fval, itm) === 'overflow') return 'overflow';
            if (unit === '\0') return null;
            datepart = false;
            havefield = false;
            continue;
          }
          extended = true;
          break;
        case '-':
          extended = true;
          break;
        default:
          return 'bad';
      }
      if (extended) {
        // Extended alternative format: Y-M-D.
        if (havefield) return 'bad';
        const r = readExtended(str, p, ISO_EXTENDED_DATE, '-', true, val, fval, unit, itm);
        if (r.result !== 'T') return r.result;
        p = r.p;
        datepart = false;
        havefield = false;
        continue;
      }
    } else {
      let extended = false;
      switch (unit) {
        case 'H':
        case 'M':
        case 'S':
          if (addUnit(ISO_TIME_UNITS[unit], val, fval, itm) === 'overflow') return 'overflow';
          break;
        case '\0':
          // Basic alternative format: hhmmss.
          if (intWidth(fieldstart) === 6 && !havefield) {
            // The fraction is taken as microseconds, as PostgreSQL takes it.
            if (addUnit('hour', val / 10000n, 0, itm) === 'overflow' || addUnit('minute', (val / 100n) % 100n, 0, itm) === 'overflow' || addUnit('second', val % 100n, 0, itm) === 'overflow' || addUnit('microsecond', 0n, fval, itm) === 'overflow') return 'overflow';
            return null;
          }
          extended = true;
          break;
        case ':':
          extended = true;
          break;
        default:
          return 'bad';
      }
      if (extended) {
        // Extended alternative format: h:m:s.
        if (havefield) return 'bad';
        const r = readExtended(str, p, ISO_EXTENDED_TIME, ':', false, val, fval, unit, itm).result;
        return r === 'T' ? 'bad' : r;
      }
    }
    havefield = true;
  }
  return null;
}

/** interval_in's work buffer (bytes) for ParseDateTime. */
const INTERVAL_WORKBUF = 256;

// An interval typmod's fields (INTERVAL_MASK of datetime.h's field numbers) and precision.
const R_MONTH = 1 << 1;
const R_YEAR = 1 << 2;
const R_DAY = 1 << 3;
const R_HOUR = 1 << 10;
const R_MINUTE = 1 << 11;
const R_SECOND = 1 << 12;
/** All fields: a typmod with a precision only (`interval(3)`). */
export const INTERVAL_FULL_RANGE = 0x7fff;
const INTERVAL_FULL_PRECISION = 0xffff;
const MAX_INTERVAL_PRECISION = 6;

/** The field sets a typmod may name, with intervaltypmodout's words. */
const RANGE_WORDS: ReadonlyMap<number, string> = new Map([
  [R_YEAR, ' year'], [R_MONTH, ' month'], [R_DAY, ' day'], [R_HOUR, ' hour'], [R_MINUTE, ' minute'], [R_SECOND, ' second'],
  [R_YEAR | R_MONTH, ' year to month'], [R_DAY | R_HOUR, ' day to hour'], [R_DAY | R_HOUR | R_MINUTE, ' day to minute'],
  [R_DAY | R_HOUR | R_MINUTE | R_SECOND, ' day to second'], [R_HOUR | R_MINUTE, ' hour to minute'],
  [R_HOUR | R_MINUTE | R_SECOND, ' hour to second'], [R_MINUTE | R_SECOND, ' minute to second'], [INTERVAL_FULL_RANGE, ''],
]);

/** A typmod's fields (INTERVAL_RANGE); all fields for -1. */
function typmodRange(typmod: number): number {
  return typmod < 0 ? INTERVAL_FULL_RANGE : (typmod >>> 16) & 0x7fff;
}

/** DecodeInterval's unit for a rightmost bare number under fields `range`. */
function rangeUnit(range: number): string {
  switch (range) {
    case R_YEAR: return 'year';
    case R_MONTH: case R_YEAR | R_MONTH: return 'month';
    case R_DAY: return 'day';
    case R_HOUR: case R_DAY | R_HOUR: return 'hour';
    case R_MINUTE: case R_HOUR | R_MINUTE: case R_DAY | R_HOUR | R_MINUTE: return 'minute';
    default: return 'second';
  }
}

/**
 * intervaltypmodin: the typmod of `interval [fields] [(p)]` from the parser's modifiers
 * ([fields mask] or [fields mask, precision]); -1 for all fields without a precision. A
 * precision above 6 is 6 (PostgreSQL also warns).
 * @throws PgError 22023 `invalid INTERVAL type modifier`, `INTERVAL(-1) precision must not be negative`.
 */
export function intervalTypmodIn(mods: readonly number[]): number {
  const bad = () => new PgError(SQLSTATE.invalid_parameter_value, 'invalid INTERVAL type modifier');
  if (mods.length === 0 || mods.length > 2 || !RANGE_WORDS.has(mods[0]!)) throw bad();
  const range = mods[0]!;
  if (mods.length === 1) return range === INTERVAL_FULL_RANGE ? -1 : ((range << 16) | INTERVAL_FULL_PRECISION);
  const p = mods[1]!;
  if (p < 0) throw new PgError(SQLSTATE.invalid_parameter_value, `INTERVAL(${p}) precision must not be negative`);
  return (range << 16) | Math.min(p, MAX_INTERVAL_PRECISION);
}

/** intervaltypmodout: what follows `interval` in format_type (` day to second(3)`, `(2)`, ``). */
export function intervalTypmodOut(typmod: number): string {
  if (typmod < 0) return '';
  const words = RANGE_WORDS.get(typmodRange(typmod)) ?? '';
  const precision = typmod & 0xffff;
  return precision === INTERVAL_FULL_PRECISION ? words : `${words}(${precision})`;
}

/**
 * AdjustIntervalForTypmod (interval_scale): drops the fields below the typmod's last one
 * (`interval day` keeps months and days, `interval hour to minute` whole minutes of the time)
 * and rounds the seconds to its precision, half away from zero.
 */
export function adjustIntervalForTypmod(x: Interval, typmod: number): Interval {
  if (typmod < 0) return x;
  const range = typmodRange(typmod);
  const precision = typmod & 0xffff;
  let { months, days, us } = x;
  const truncTo = (unit: bigint): bigint => (us / unit) * unit;
  switch (range) {
    case R_YEAR:
      months = Math.trunc(months / 12) * 12;
      days = 0;
      us = 0n;
      break;
    case R_MONTH:
    case R_YEAR | R_MONTH:
      days = 0;
      us = 0n;
      break;
    case R_DAY:
      us = 0n;
      break;
    case R_HOUR:
    case R_DAY | R_HOUR:
      us = truncTo(USECS_PER_HOUR);
      break;
    case R_MINUTE:
    case R_DAY | R_HOUR | R_MINUTE:
    case R_HOUR | R_MINUTE:
      us = truncTo(USECS_PER_MINUTE);
      break;
    default:
      break;
  }
  if (precision !== INTERVAL_FULL_PRECISION) {
    const scale = 10n ** BigInt(6 - precision);
    const offset = scale / 2n;
    us = us >= 0n ? ((us + offset) / scale) * scale : -(((-us + offset) / scale) * scale);
  }
  return months === x.months && days === x.days && us === x.us ? x : new Interval(months, days, us);
}

/**
 * interval_in, as PostgreSQL reads it: ParseDateTime's fields decoded by DecodeInterval (a
 * rightmost bare number in the typmod's last field: `'7'` is 7 days as `interval day`), and
 * when that finds the syntax bad, the input as ISO 8601 (DecodeISO8601Interval); then the
 * typmod applied ({@link adjustIntervalForTypmod}). IntervalStyle postgres.
 * @throws PgError 22007 invalid syntax, 22015 `interval field value out of range`, 22008
 *   `interval out of range`, 0A000 for `infinity` / `-infinity` (infinite intervals are not
 *   supported).
 */
export function parseInterval(text: string, typmod = -1): Interval {
  const itm: ItmIn = { usec: 0n, mday: 0, mon: 0, year: 0 };
  const fields = parseDateTimeFields(text, INTERVAL_WORKBUF);
  let r: DtErr | 'late' | 'early' | null = fields === null ? 'bad' : decodeInterval(fields, typmodRange(typmod), itm);
  if (r === 'bad') {
    itm.usec = 0n;
    itm.mday = 0;
    itm.mon = 0;
    itm.year = 0;
    r = decodeIso8601Interval(text, itm);
  }
  if (r === 'bad') throw new PgError(SQLSTATE.invalid_datetime_format, `invalid input syntax for type interval: "${text}"`);
  if (r === 'overflow') throw new PgError(SQLSTATE.interval_field_overflow, `interval field value out of range: "${text}"`);
  if (r === 'late' || r === 'early') throw new PgError(SQLSTATE.feature_not_supported, `interval input "${text}" is not supported`);
  // itmin2interval.
  const months = itm.year * 12 + itm.mon;
  if (!fitsInt32(months)) throw new PgError(SQLSTATE.datetime_value_out_of_range, 'interval out of range');
  // The values that stand for infinite intervals are out of range as finite input.
  if ((months === INT32_MAX && itm.mday === INT32_MAX && itm.usec === INT64_MAX) || (months === INT32_MIN && itm.mday === INT32_MIN && itm.usec === INT64_MIN)) {
    throw new PgError(SQLSTATE.datetime_value_out_of_range, 'interval out of range');
  }
  return adjustIntervalForTypmod(new Interval(months, itm.mday, itm.usec), typmod);
}

/** interval_send: int64 time (µs), int32 days, int32 months, big-endian. */
export function intervalSend(x: Interval): Uint8Array {
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setBigInt64(0, x.us);
  dv.setInt32(8, x.days);
  dv.setInt32(12, x.months);
  return out;
}

/** interval_recv (the caller checks the length is 16). */
export function intervalRecv(b: Uint8Array): Interval {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return new Interval(dv.getInt32(12), dv.getInt32(8), dv.getBigInt64(0));
}
