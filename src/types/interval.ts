/**
 * PostgreSQL's `interval` (src/backend/utils/adt/timestamp.c, datetime.c): a span kept as three
 * separate fields, because a month and a day have no fixed length:
 *
 *   months  int32  whole months (years are 12 of them)
 *   days    int32  whole days
 *   us      int64  microseconds of time (a BigInt)
 *
 * Text output is IntervalStyle `postgres` (EncodeInterval): `1 year 2 mons 3 days 04:05:06`.
 * Input (DecodeInterval / DecodeISO8601Interval) reads the common forms: `<n> <unit>` pairs
 * with PostgreSQL's unit names and abbreviations (fractions spill into the smaller units as
 * PostgreSQL's AdjustFract* do), `[+-]hh:mm[:ss[.ffffff]]`, a number before a time as days,
 * a lone number as seconds, a leading `@`, a trailing `ago`, and ISO 8601 `P1Y2M3DT4H5M6S`.
 * Other forms PostgreSQL reads (`1-2` year-month, interval typmods, `infinity`) are 0A000.
 *
 * Comparison is interval_cmp's: by the total span with a month as 30 days and a day as 24
 * hours, so `'1 mon'` equals `'30 days'` though they print differently.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { rint } from '../common/rint.js';

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
// Input (DecodeInterval)

type Unit = 'us' | 'ms' | 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year' | 'decade' | 'century' | 'millennium';

/** PostgreSQL's deltatktbl unit spellings (datetime.c). */
const UNITS: Record<string, Unit> = {
  microsecon: 'us', us: 'us', usec: 'us', usecs: 'us', usecond: 'us', useconds: 'us',
  millisecon: 'ms', ms: 'ms', msec: 'ms', msecs: 'ms', msecond: 'ms', mseconds: 'ms',
  second: 'second', seconds: 'second', s: 'second', sec: 'second', secs: 'second',
  minute: 'minute', minutes: 'minute', m: 'minute', min: 'minute', mins: 'minute',
  hour: 'hour', hours: 'hour', h: 'hour', hr: 'hour', hrs: 'hour',
  day: 'day', days: 'day', d: 'day',
  week: 'week', weeks: 'week', w: 'week',
  month: 'month', months: 'month', mon: 'month', mons: 'month',
  year: 'year', years: 'year', y: 'year', yr: 'year', yrs: 'year',
  decade: 'decade', decades: 'decade', dec: 'decade', decs: 'decade',
  century: 'century', centuries: 'century', c: 'century', cent: 'century',
  millennium: 'millennium', millennia: 'millennium', mil: 'millennium', mils: 'millennium',
};

/**
 * The unit a word names, as datetime.c's datebsearch finds it: only the first TOKMAXLEN (10)
 * characters are compared, so `microseconds` (and `microseconxds`) are `microsecon`.
 */
function unitOf(word: string): Unit | undefined {
  return UNITS[word.slice(0, 10)];
}

/** Interval fields being accumulated (PostgreSQL's struct pg_itm_in). */
interface Acc {
  us: bigint;
  days: number;
  months: number;
  /** Units seen, for the "each field once" rule (PostgreSQL's fmask). */
  seen: Set<string>;
}

/**
 * AdjustFractMicroseconds: `frac * scale` microseconds, truncated toward zero, then one more
 * only when the dropped part is strictly beyond one half (so `82.5 us` is 82 and `-82.5 us`
 * is -82, not rint's or Math.round's answer). The float64 operations are PostgreSQL's, in its
 * order, so the bits agree.
 */
function fractUs(acc: Acc, frac: number, scale: number): void {
  if (frac === 0) return;
  let f = frac * scale;
  let us = Math.trunc(f);
  f -= us;
  if (f > 0.5) us++;
  else if (f < -0.5) us--;
  acc.us += BigInt(us);
}

/** AdjustFractYears: `frac * scale` years as whole months, `rint((frac * scale) * 12)`. */
function fractYears(acc: Acc, frac: number, scale: number): void {
  acc.months += rint(frac * scale * 12);
}

/** AdjustFractDays: `frac * scale` days, whole days then the rest as microseconds. */
function fractDays(acc: Acc, frac: number, scale: number): void {
  if (frac === 0) return;
  let f = frac * scale;
  const extra = Math.trunc(f);
  acc.days += extra;
  f -= extra;
  fractUs(acc, f, 86_400_000_000);
}

function applyUnit(acc: Acc, unit: Unit, whole: bigint, frac: number): void {
  const n = Number(whole);
  switch (unit) {
    case 'us': acc.us += whole; fractUs(acc, frac, 1); break;
    case 'ms': acc.us += whole * 1000n; fractUs(acc, frac, 1000); break;
    case 'second': acc.us += whole * USECS_PER_SEC; fractUs(acc, frac, 1_000_000); break;
    case 'minute': acc.us += whole * USECS_PER_MINUTE; fractUs(acc, frac, 60_000_000); break;
    case 'hour': acc.us += whole * USECS_PER_HOUR; fractUs(acc, frac, 3_600_000_000); break;
    case 'day': acc.days += n; fractUs(acc, frac, 86_400_000_000); break;
    case 'week': acc.days += n * 7; fractDays(acc, frac, 7); break;
    case 'month': acc.months += n; fractDays(acc, frac, DAYS_PER_MONTH); break;
    case 'year': acc.months += n * 12; fractYears(acc, frac, 1); break;
    case 'decade': acc.months += n * 120; fractYears(acc, frac, 10); break;
    case 'century': acc.months += n * 1200; fractYears(acc, frac, 100); break;
    default: acc.months += n * 12000; fractYears(acc, frac, 1000); break;
  }
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const TIME = /^([+-]?)(\d+):(\d+)(?::(\d+)(?:\.(\d*))?|\.(\d*))?$/;

/** A signed decimal as its integer part and the fraction with the same sign. */
function splitNumber(s: string): { whole: bigint; frac: number } {
  const neg = s.startsWith('-');
  const body = s.replace(/^[+-]/, '');
  const [w = '', f = ''] = body.split('.');
  const whole = BigInt(w === '' ? '0' : w);
  const frac = f === '' ? 0 : Number(`0.${f}`);
  return { whole: neg ? -whole : whole, frac: neg ? -frac : frac };
}

const TIME_UNITS: ReadonlySet<Unit> = new Set<Unit>(['hour', 'minute', 'second', 'ms', 'us']);

/**
 * interval_in (IntervalStyle postgres, no typmod).
 * @throws PgError 22007 invalid syntax, 22015 `interval field value out of range`, 22008
 *   `interval out of range`, 0A000 for forms this parser does not read.
 */
export function parseInterval(text: string): Interval {
  const bad = () => new PgError(SQLSTATE.invalid_datetime_format, `invalid input syntax for type interval: "${text}"`);
  const unsupported = () => new PgError(SQLSTATE.feature_not_supported, `interval input "${text}" is not supported`);
  const fieldRange = () => new PgError(SQLSTATE.interval_field_overflow, `interval field value out of range: "${text}"`);
  const t = text.trim().toLowerCase();
  if (t === '') throw bad();
  if (t.startsWith('p')) return parseIso8601(text, t, bad, fieldRange);
  // A sign glued to a digit before it: SQL-standard `Y-M` or `D H:M:S` forms, not read here.
  if (/\d[+-]/.test(t)) throw unsupported();
  if (t === 'infinity' || t === '+infinity' || t === '-infinity') throw unsupported();
  // `13.w`: ParseDateTime reads digits, a dot and letters as one date field, which an interval
  // refuses (`13.5w` and `13. w` are numbers before a unit).
  if (/\d\.[a-z]/.test(t)) throw bad();
  // Split into fields as ParseDateTime does: a number glued to a unit word is two fields.
  const raw = t.replace(/^@\s*/, '').match(/[+-]?\d*\.?\d+(?::\d*(?:\.\d*)?)*(?:\.\d*)?|[a-z]+|\S/g);
  if (raw === null) throw bad();
  let fields: string[] = raw;
  let ago = false;
  if (fields[fields.length - 1] === 'ago') {
    ago = true;
    fields = fields.slice(0, -1);
  }
  const acc: Acc = { us: 0n, days: 0, months: 0, seen: new Set() };
  // PostgreSQL's fmask: each field sets bits, and a bit set twice is a syntax error. A time
  // field sets hour, minute and all the seconds bits; seconds with a fraction all seconds bits.
  // DecodeInterval reads the fields backwards: each field is decoded (its range errors, 22015)
  // and then checked against the fields after it (22007). Fields are decoded here in order and
  // their bits and errors kept, then checked last to first, so the first error PostgreSQL meets wins.
  const items: { keys: string[]; err: PgError | null }[] = [];
  const mark = (...keys: string[]) => {
    items.push({ keys, err: null });
  };
  const unitBits = (unit: Unit, frac: number): string[] => (unit === 'second' && frac !== 0 ? ['second', 'ms', 'us'] : [unit]);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const tm = TIME.exec(f);
    if (tm !== null && f.includes(':')) {
      const neg = tm[1] === '-';
      let h: bigint;
      let m: bigint;
      let s = 0n;
      let frac = '';
      if (tm[6] !== undefined) {
        // mm:ss.fff
        h = 0n;
        m = BigInt(tm[2]!);
        s = BigInt(tm[3]!);
        frac = tm[6];
      } else {
        h = BigInt(tm[2]!);
        m = BigInt(tm[3]!);
        if (tm[4] !== undefined) s = BigInt(tm[4]);
        frac = tm[5] ?? '';
      }
      // ParseFractionalSecond: the fraction as a float64 (strtod), rint'ed to microseconds,
      // so `.9999996` carries to a whole second. DecodeTimeCommon allows a leap second (60).
      const fsec = frac === '' ? 0 : rint(Number(`0.${frac}`) * 1_000_000);
      // DecodeInterval decodes the field (DecodeTime's range checks: 22015) before it checks
      // the field against those seen (22007), so `16 hr 20:260` is out of range, not a syntax error.
      if (m > 59n || s > 60n) {
        items.push({ keys: ['hour', 'minute', 'second', 'ms', 'us'], err: fieldRange() });
        continue;
      }
      mark('hour', 'minute', 'second', 'ms', 'us');
      let us = h * USECS_PER_HOUR + m * USECS_PER_MINUTE + s * USECS_PER_SEC + BigInt(fsec);
      if (neg) us = -us;
      acc.us += us;
      continue;
    }
    // A sign before a bare fraction (`-.5`) is not a field PostgreSQL's ParseDateTime reads.
    if (/^[+-]\./.test(f)) throw bad();
    if (!NUMBER.test(f)) {
      if (/^[a-z]+$/.test(f) && unitOf(f) === undefined && !['ago', 'infinity'].includes(f)) throw bad();
      // A unit without a number: PostgreSQL gives it a neighbouring field's value.
      if (unitOf(f) !== undefined) throw unsupported();
      // Punctuation PostgreSQL's field splitter may skip or join: refuse rather than guess.
      throw /^[a-z]+$/.test(f) ? bad() : unsupported();
    }
    const next = fields[i + 1];
    const { whole, frac } = splitNumber(f);
    const outOfInt = whole > 2147483647n || whole < -2147483648n;
    if (next !== undefined && unitOf(next) !== undefined) {
      const unit = unitOf(next)!;
      // Time units take an int64 (AdjustMicroseconds); days, months and years an int32.
      if (outOfInt && !TIME_UNITS.has(unit)) {
        items.push({ keys: unitBits(unit, frac), err: fieldRange() });
        i++;
        continue;
      }
      mark(...unitBits(unit, frac));
      applyUnit(acc, unit, whole, frac);
      i++;
      continue;
    }
    if (outOfInt) {
      items.push({ keys: [], err: fieldRange() });
      continue;
    }
    if (next !== undefined && TIME.test(next) && next.includes(':')) {
      // A number before a time is days (`1 02:00`).
      mark('day');
      applyUnit(acc, 'day', whole, frac);
      continue;
    }
    if (next === undefined) {
      // A lone trailing number is seconds.
      mark(...unitBits('second', frac));
      applyUnit(acc, 'second', whole, frac);
      continue;
    }
    // Two numbers in a row, or a number before punctuation: PostgreSQL gives the first one the
    // unit below the next field's, a rule this parser does not follow.
    throw /^[a-z]+$/.test(next) ? bad() : unsupported();
  }
  for (let k = items.length - 1; k >= 0; k--) {
    const it = items[k]!;
    if (it.err !== null) throw it.err;
    for (const key of it.keys) if (acc.seen.has(key)) throw bad();
    for (const key of it.keys) acc.seen.add(key);
  }
  if (acc.seen.size === 0) throw bad();
  let { months, days, us } = acc;
  if (ago) {
    months = -months;
    days = -days;
    us = -us;
  }
  if (!(months >= INT32_MIN && months <= INT32_MAX) || !(days >= INT32_MIN && days <= INT32_MAX)) throw fieldRange();
  if (us < INT64_MIN || us > INT64_MAX) throw fieldRange();
  return new Interval(months, days, us);
}

/** DecodeISO8601Interval, format with designators only (`P1Y2M3DT4H5M6.5S`, `P2W`). */
function parseIso8601(text: string, t: string, bad: () => PgError, fieldRange: () => PgError): Interval {
  const m = /^p(?:([+-]?\d+(?:\.\d+)?)y)?(?:([+-]?\d+(?:\.\d+)?)m)?(?:([+-]?\d+(?:\.\d+)?)w)?(?:([+-]?\d+(?:\.\d+)?)d)?(?:t(?:([+-]?\d+(?:\.\d+)?)h)?(?:([+-]?\d+(?:\.\d+)?)m)?(?:([+-]?\d+(?:\.\d+)?)s)?)?$/.exec(t);
  if (m === null || t === 'p' || t.endsWith('t')) {
    if (/^p[\d.+-]*[-:]/.test(t)) throw new PgError(SQLSTATE.feature_not_supported, `interval input "${text}" is not supported`);
    throw bad();
  }
  const acc: Acc = { us: 0n, days: 0, months: 0, seen: new Set() };
  const units: Unit[] = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'];
  for (let i = 0; i < units.length; i++) {
    const v = m[i + 1];
    if (v === undefined) continue;
    // ParseISO8601Number reads the whole number with strtod and takes the fraction as
    // `val - trunc(val)`, which is not always the double nearest the fraction's digits.
    const val = Number(v);
    if (!(val >= -1e15 && val <= 1e15)) throw fieldRange();
    const ipart = Math.trunc(val);
    if (ipart > 2147483647 || ipart < -2147483648) throw fieldRange();
    applyUnit(acc, units[i]!, BigInt(ipart), val - ipart);
  }
  if (!(acc.months >= INT32_MIN && acc.months <= INT32_MAX) || !(acc.days >= INT32_MIN && acc.days <= INT32_MAX)) throw fieldRange();
  return new Interval(acc.months, acc.days, acc.us);
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
