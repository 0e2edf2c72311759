/**
 * Arithmetic, conversions and field functions of `timestamp`, `timestamptz`, `date`, `time` and
 * `interval` (PostgreSQL's timestamp.c and date.c), over the representations of datetime.ts
 * (timestamps: BigInt microseconds since 2000-01-01, dates: days since 2000-01-01, times:
 * microseconds since midnight as a number) and
 * interval.ts. Functions of timestamptz that read the session's zone are in timestamptz_funcs.ts.
 *
 * Civil fields use astronomical years (year 0 is 1 BC), as PostgreSQL's tm_year does.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import {
  civilFromDays, daysFromCivil, isLeap, MONTH_DAYS, PG_EPOCH_DAYS, TIMESTAMP_END_DAYS, TIMESTAMP_START_DAYS,
  TIMESTAMP_INFINITY, TIMESTAMP_MINUS_INFINITY, DATE_INFINITY, DATE_MINUS_INFINITY,
} from './datetime.js';
import { Interval, USECS_PER_DAY, USECS_PER_SEC, justifyHours, makeIntervalChecked } from './interval.js';
import { Numeric } from './numeric.js';
import type { Clock } from '../common/clock.js';

/** PostgreSQL's MIN_TIMESTAMP and END_TIMESTAMP (exclusive): 4714-11-24 BC and 294277-01-01. */
const MIN_TIMESTAMP = BigInt(TIMESTAMP_START_DAYS) * USECS_PER_DAY;
const END_TIMESTAMP = BigInt(TIMESTAMP_END_DAYS) * USECS_PER_DAY;
/** Microseconds from 1970-01-01 (Unix epoch) to 2000-01-01. */
export const UNIX_EPOCH_OFFSET_US = BigInt(PG_EPOCH_DAYS) * USECS_PER_DAY;
const DATE_END = daysFromCivil(5874898, 1, 1) - PG_EPOCH_DAYS;

export type TsType = 'timestamp' | 'timestamptz';

/** Time zone names that are UTC (pg_tzset names and the zero-offset abbreviations). */
const UTC_NAMES: ReadonlySet<string> = new Set([
  'utc', 'gmt', 'z', 'zulu', 'uct', 'universal', 'greenwich', 'gmt0', 'gmt+0', 'gmt-0', 'etc/utc', 'etc/gmt', 'etc/uct',
  'etc/universal', 'etc/zulu', 'etc/greenwich', 'etc/gmt0', 'etc/gmt+0', 'etc/gmt-0',
]);

/** True for a time zone name that means UTC (case-insensitive, as pg_tzset matches names). */
export function isUtcZoneName(name: string): boolean {
  return UTC_NAMES.has(name.trim().toLowerCase());
}

/** A clock's wall time as a timestamptz: microseconds since 2000-01-01 UTC. */
export function wallClockUs(clock: Clock): bigint {
  return BigInt(Math.round(clock.wallMs() * 1000)) - UNIX_EPOCH_OFFSET_US;
}
const TYPE_TEXT: Record<TsType | 'date' | 'interval' | 'time' | 'timetz', string> = {
  time: 'time without time zone',
  timetz: 'time with time zone',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  date: 'date',
  interval: 'interval',
};

export function isFiniteTimestamp(us: bigint): boolean {
  return us !== TIMESTAMP_INFINITY && us !== TIMESTAMP_MINUS_INFINITY;
}

export function isFiniteDate(d: number): boolean {
  return d !== DATE_INFINITY && d !== DATE_MINUS_INFINITY;
}

function tsOutOfRange(): PgError {
  return new PgError(SQLSTATE.datetime_value_out_of_range, 'timestamp out of range');
}

/** A finite timestamp in range. @throws PgError 22008 `timestamp out of range`. */
export function checkTimestamp(us: bigint): bigint {
  if (us < MIN_TIMESTAMP || us >= END_TIMESTAMP) throw tsOutOfRange();
  return us;
}

/** The broken-down fields of a finite timestamp (timestamp2tm). */
export interface Tm {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Microseconds within the second. */
  usec: number;
  /** Days since 2000-01-01. */
  days: number;
}

/** timestamp2tm (UTC). */
export function timestampToTm(us: bigint): Tm {
  let days = us / USECS_PER_DAY;
  let rem = us % USECS_PER_DAY;
  if (rem < 0n) {
    rem += USECS_PER_DAY;
    days -= 1n;
  }
  const d = Number(days);
  const [year, month, day] = civilFromDays(d + PG_EPOCH_DAYS);
  const r = Number(rem);
  const secs = Math.floor(r / 1e6);
  return { year, month, day, hour: Math.floor(secs / 3600), minute: Math.floor(secs / 60) % 60, second: secs % 60, usec: r % 1e6, days: d };
}

/** tm2timestamp. @throws PgError 22008 `timestamp out of range`. */
export function tmToTimestamp(year: number, month: number, day: number, hour: number, minute: number, second: number, usec: number): bigint {
  const days = daysFromCivil(year, month, day) - PG_EPOCH_DAYS;
  return checkTimestamp(BigInt(days) * USECS_PER_DAY + BigInt(((hour * 60 + minute) * 60 + second)) * USECS_PER_SEC + BigInt(usec));
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!;
}

/**
 * timestamp_pl_interval (`sign` 1) and timestamp_mi_interval (`sign` -1): months first (the day
 * clamped to the month's last), then days, then the time.
 * @throws PgError 22008 `timestamp out of range`.
 */
export function timestampPlusInterval(ts: bigint, iv: Interval, sign: 1 | -1): bigint {
  if (!isFiniteTimestamp(ts)) return ts;
  const months = iv.months * sign;
  const days = iv.days * sign;
  let t = ts;
  if (months !== 0) {
    const tm = timestampToTm(t);
    let mon = tm.month + months;
    let year = tm.year;
    if (mon > 12) {
      year += Math.trunc((mon - 1) / 12);
      mon = ((mon - 1) % 12) + 1;
    } else if (mon < 1) {
      year += Math.trunc(mon / 12) - 1;
      mon = (mon % 12) + 12;
    }
    const day = Math.min(tm.day, daysInMonth(year, mon));
    t = tmToTimestamp(year, mon, day, tm.hour, tm.minute, tm.second, tm.usec);
  }
  if (days !== 0) t = checkTimestamp(t + BigInt(days) * USECS_PER_DAY);
  return checkTimestamp(t + (sign === 1 ? iv.us : -iv.us));
}

/** timestamp_mi: the difference as an interval of days and time (justify_hours). */
export function timestampDiff(a: bigint, b: bigint): Interval {
  if (!isFiniteTimestamp(a) || !isFiniteTimestamp(b)) {
    throw new PgError(SQLSTATE.feature_not_supported, 'subtracting infinite timestamps (an infinite interval) is not supported');
  }
  return justifyHours(new Interval(0, 0, a - b));
}

/** date_pli / date_mii: `d + n` days. @throws PgError 22008 `date out of range`. */
export function datePlusDays(d: number, n: number): number {
  if (!isFiniteDate(d)) return d;
  const r = d + n;
  if (r < TIMESTAMP_START_DAYS || r >= DATE_END) throw new PgError(SQLSTATE.datetime_value_out_of_range, 'date out of range');
  return r;
}

/** date_mi: days between two dates. @throws PgError 22008 `cannot subtract infinite dates`. */
export function dateDiff(a: number, b: number): number {
  if (!isFiniteDate(a) || !isFiniteDate(b)) throw new PgError(SQLSTATE.datetime_value_out_of_range, 'cannot subtract infinite dates');
  return a - b;
}

/** date2timestamp. @throws PgError 22008 `date out of range for timestamp`. */
export function dateToTimestamp(d: number): bigint {
  if (d === DATE_INFINITY) return TIMESTAMP_INFINITY;
  if (d === DATE_MINUS_INFINITY) return TIMESTAMP_MINUS_INFINITY;
  if (d >= TIMESTAMP_END_DAYS) throw new PgError(SQLSTATE.datetime_value_out_of_range, 'date out of range for timestamp');
  return BigInt(d) * USECS_PER_DAY;
}

/** timestamp_date. */
export function timestampToDate(us: bigint): number {
  if (us === TIMESTAMP_INFINITY) return DATE_INFINITY;
  if (us === TIMESTAMP_MINUS_INFINITY) return DATE_MINUS_INFINITY;
  return timestampToTm(us).days;
}

/** Rounding of AdjustTimestampForTypmod by precision 0..6. */
const SCALES = [1000000n, 100000n, 10000n, 1000n, 100n, 10n, 1n];

/**
 * anytimestamp_typmodin / anytime_typmodin (`word` TIME): `timestamp(p)`, `time(p)`.
 * @throws PgError 22023 for a negative precision, 0A000 above 6 (PostgreSQL reduces it with a warning).
 */
export function timestampTypmodIn(mods: readonly number[], tz: boolean, word: 'TIMESTAMP' | 'TIME' = 'TIMESTAMP'): number {
  if (mods.length !== 1) throw new PgError(SQLSTATE.invalid_parameter_value, 'invalid type modifier');
  const p = mods[0]!;
  const name = `${word}(${p})${tz ? ' WITH TIME ZONE' : ''}`;
  if (p < 0) throw new PgError(SQLSTATE.invalid_parameter_value, `${name} precision must not be negative`);
  if (p > 6) throw new PgError(SQLSTATE.feature_not_supported, `${name} (precision above 6, which PostgreSQL reduces with a warning) is not supported`);
  return p;
}

/** AdjustTimestampForTypmod: rounds to `typmod` fractional digits (half away from zero). */
export function adjustTimestampTypmod(us: bigint, typmod: number): bigint {
  if (typmod < 0 || typmod >= 6 || !isFiniteTimestamp(us)) return us;
  const scale = SCALES[typmod]!;
  const offset = scale / 2n;
  const r = us >= 0n ? ((us + offset) / scale) * scale : -((((-us) + offset) / scale) * scale);
  return checkTimestamp(r);
}

// ---------------------------------------------------------------------------------------------
// Units (DecodeUnits / DecodeSpecial over deltatktbl and datetktbl)

export type DtUnit =
  | 'microseconds' | 'milliseconds' | 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year'
  | 'decade' | 'century' | 'millennium' | 'epoch' | 'dow' | 'isodow' | 'doy' | 'isoyear' | 'julian' | 'timezone'
  | 'timezone_hour' | 'timezone_minute';

const UNIT_NAMES: Record<string, DtUnit> = {
  microsecond: 'microseconds', microseconds: 'microseconds', microsecon: 'microseconds', usecond: 'microseconds', us: 'microseconds', usec: 'microseconds', usecs: 'microseconds', useconds: 'microseconds',
  millisecond: 'milliseconds', milliseconds: 'milliseconds', millisecon: 'milliseconds', msecond: 'milliseconds', ms: 'milliseconds', msec: 'milliseconds', msecs: 'milliseconds', mseconds: 'milliseconds',
  second: 'second', seconds: 'second', s: 'second', sec: 'second', secs: 'second',
  minute: 'minute', minutes: 'minute', m: 'minute', min: 'minute', mins: 'minute',
  hour: 'hour', hours: 'hour', h: 'hour', hr: 'hour', hrs: 'hour',
  day: 'day', days: 'day', d: 'day',
  week: 'week', weeks: 'week', w: 'week',
  month: 'month', months: 'month', mon: 'month', mons: 'month',
  quarter: 'quarter', qtr: 'quarter',
  year: 'year', years: 'year', y: 'year', yr: 'year', yrs: 'year',
  decade: 'decade', decades: 'decade', dec: 'decade', decs: 'decade',
  century: 'century', centuries: 'century', c: 'century', cent: 'century',
  millennium: 'millennium', millennia: 'millennium', mil: 'millennium', mils: 'millennium',
  epoch: 'epoch', dow: 'dow', isodow: 'isodow', doy: 'doy', isoyear: 'isoyear', julian: 'julian', j: 'julian', jd: 'julian',
  timezone: 'timezone', timezone_h: 'timezone_hour', timezone_m: 'timezone_minute',
};

/**
 * A unit name as PostgreSQL reads it: lower-cased, then looked up on its first TOKMAXLEN (10)
 * characters as datebsearch does (`timezone_hour` is `timezone_h`, `microsecondsx` works).
 */
function unitOf(text: string, type: keyof typeof TYPE_TEXT): DtUnit {
  const u = UNIT_NAMES[text.toLowerCase().slice(0, 10)];
  if (u === undefined) throw new PgError(SQLSTATE.invalid_parameter_value, `unit "${text}" not recognized for type ${TYPE_TEXT[type]}`);
  return u;
}

/** True when date_trunc's `unit` is a day or longer: timestamptz_trunc then determines the zone's offset again. */
export function truncUnitIsDayOrLonger(text: string): boolean {
  const u = UNIT_NAMES[text.toLowerCase().slice(0, 10)];
  return u === 'day' || u === 'week' || u === 'month' || u === 'quarter' || u === 'year' || u === 'decade' || u === 'century' || u === 'millennium';
}

/** Units only extract knows (DecodeSpecial's, not DecodeUnits'): date_trunc does not recognise them. */
const SPECIAL_UNITS: ReadonlySet<DtUnit> = new Set(['epoch', 'dow', 'isodow', 'doy', 'isoyear', 'julian']);

/** A unit as date_trunc reads it (DecodeUnits only). @throws PgError 22023 not recognized. */
function truncUnitOf(text: string, type: keyof typeof TYPE_TEXT): DtUnit {
  const u = unitOf(text, type);
  if (SPECIAL_UNITS.has(u)) throw new PgError(SQLSTATE.invalid_parameter_value, `unit "${text}" not recognized for type ${TYPE_TEXT[type]}`);
  return u;
}

function notSupported(text: string, type: keyof typeof TYPE_TEXT): PgError {
  return new PgError(SQLSTATE.feature_not_supported, `unit "${text}" not supported for type ${TYPE_TEXT[type]}`);
}

/**
 * timestamp_trunc / timestamptz_trunc (UTC): `ts` truncated to the start of `unit`'s period.
 * @throws PgError 22023 unknown unit, 0A000 a unit that has no period (dow, epoch...).
 */
export function dateTrunc(unitText: string, ts: bigint, type: TsType): bigint {
  const unit = truncUnitOf(unitText, type);
  const ok = ['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', 'decade', 'century', 'millennium'];
  if (!ok.includes(unit)) throw notSupported(unitText, type);
  if (!isFiniteTimestamp(ts)) return ts;
  const tm = timestampToTm(ts);
  let { year, month, day, hour, minute, second, usec } = tm;
  switch (unit) {
    case 'week': {
      // The Monday of the ISO week.
      const dow = isoDow(tm.days);
      const monday = tm.days - (dow - 1);
      return checkTimestamp(BigInt(monday) * USECS_PER_DAY);
    }
    case 'millennium':
      year = year > 0 ? Math.trunc((year + 999) / 1000) * 1000 - 999 : -Math.trunc((999 - (year - 1)) / 1000) * 1000 + 1;
      month = 1; day = 1; hour = 0; minute = 0; second = 0; usec = 0;
      break;
    case 'century':
      year = year > 0 ? Math.trunc((year + 99) / 100) * 100 - 99 : -Math.trunc((99 - (year - 1)) / 100) * 100 + 1;
      month = 1; day = 1; hour = 0; minute = 0; second = 0; usec = 0;
      break;
    case 'decade':
      if (year > 0) year = Math.trunc(year / 10) * 10;
      else year = -Math.trunc((8 - (year - 1)) / 10) * 10;
      month = 1; day = 1; hour = 0; minute = 0; second = 0; usec = 0;
      break;
    case 'year': month = 1; day = 1; hour = 0; minute = 0; second = 0; usec = 0; break;
    case 'quarter': month = 3 * Math.trunc((month - 1) / 3) + 1; day = 1; hour = 0; minute = 0; second = 0; usec = 0; break;
    case 'month': day = 1; hour = 0; minute = 0; second = 0; usec = 0; break;
    case 'day': hour = 0; minute = 0; second = 0; usec = 0; break;
    case 'hour': minute = 0; second = 0; usec = 0; break;
    case 'minute': second = 0; usec = 0; break;
    case 'second': usec = 0; break;
    case 'milliseconds': usec = Math.trunc(usec / 1000) * 1000; break;
    default: break;
  }
  return tmToTimestamp(year, month, day, hour, minute, second, usec);
}

/** ISO day of the week, Monday 1 .. Sunday 7, of a day count since 2000-01-01 (a Saturday). */
function isoDow(days: number): number {
  const dow = (((days + 6) % 7) + 7) % 7; // 0 = Sunday
  return dow === 0 ? 7 : dow;
}

/**
 * date2isoweek / date2isoyear: the ISO 8601 week number and its year, of the day `days` (since
 * 2000-01-01) of calendar year `year`.
 */
export function isoWeek(year: number, days: number): { week: number; isoyear: number } {
  // The Monday of ISO week 1 of year y is the Monday on or before January 4th.
  const week1 = (y: number) => {
    const jan4 = daysFromCivil(y, 1, 4) - PG_EPOCH_DAYS;
    return jan4 - (isoDow(jan4) - 1);
  };
  let y = year;
  let start = week1(y);
  if (days < start) start = week1(--y);
  else {
    const next = week1(y + 1);
    if (days >= next) {
      y++;
      start = next;
    }
  }
  return { week: Math.floor((days - start) / 7) + 1, isoyear: y };
}

/** ISO week and ISO year of broken-down fields (to_char's IW / IYYY). */
export function isoWeekOf(tm: Tm): { week: number; isoyear: number } {
  return isoWeek(tm.year, tm.days);
}

/** Day of the year, 1-based (to_char's DDD). */
export function dayOfYear(tm: Tm): number {
  return tm.days - (daysFromCivil(tm.year, 1, 1) - PG_EPOCH_DAYS) + 1;
}

/** ISO day of the week, Monday 1 .. Sunday 7, of a day count since 2000-01-01. */
export function isoDayOfWeek(days: number): number {
  return isoDow(days);
}

/** A unit's value of a finite timestamp or date as an exact number: [unscaled, scale]. */
function fieldValue(unit: DtUnit, tm: Tm, ts: bigint): [bigint, number] | null {
  const y = tm.year;
  switch (unit) {
    case 'microseconds': return [BigInt(tm.second * 1000000 + tm.usec), 0];
    case 'milliseconds': return [BigInt(tm.second * 1000000 + tm.usec), 3];
    case 'second': return [BigInt(tm.second * 1000000 + tm.usec), 6];
    case 'minute': return [BigInt(tm.minute), 0];
    case 'hour': return [BigInt(tm.hour), 0];
    case 'day': return [BigInt(tm.day), 0];
    case 'month': return [BigInt(tm.month), 0];
    case 'quarter': return [BigInt(Math.trunc((tm.month - 1) / 3) + 1), 0];
    case 'week': return [BigInt(isoWeek(y, tm.days).week), 0];
    case 'year': return [BigInt(y > 0 ? y : y - 1), 0];
    case 'decade': return [BigInt(y >= 0 ? Math.trunc(y / 10) : -Math.trunc((8 - (y - 1)) / 10)), 0];
    case 'century': return [BigInt(y > 0 ? Math.trunc((y + 99) / 100) : -Math.trunc((99 - (y - 1)) / 100)), 0];
    case 'millennium': return [BigInt(y > 0 ? Math.trunc((y + 999) / 1000) : -Math.trunc((999 - (y - 1)) / 1000)), 0];
    case 'dow': return [BigInt(isoDow(tm.days) % 7), 0];
    case 'isodow': return [BigInt(isoDow(tm.days)), 0];
    case 'doy': return [BigInt(tm.days - (daysFromCivil(y, 1, 1) - PG_EPOCH_DAYS) + 1), 0];
    case 'isoyear': {
      const iy = isoWeek(y, tm.days).isoyear;
      return [BigInt(iy > 0 ? iy : iy - 1), 0];
    }
    case 'epoch': return [ts + UNIX_EPOCH_OFFSET_US, 6];
    default: return null;
  }
}

/** Units whose value grows with time: ±Infinity for an infinite input (NonFiniteTimestampTzPart). */
const MONOTONIC: ReadonlySet<DtUnit> = new Set(['year', 'decade', 'century', 'millennium', 'julian', 'isoyear', 'epoch']);

const TS_UNITS: ReadonlySet<DtUnit> = new Set([
  'microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', 'decade', 'century',
  'millennium', 'epoch', 'dow', 'isodow', 'doy', 'isoyear',
]);

/** Decodes and checks a unit for extract / date_part over a timestamp. */
export function tsUnit(unitText: string, type: TsType): DtUnit {
  const unit = unitOf(unitText, type);
  if (unit === 'julian') throw new PgError(SQLSTATE.feature_not_supported, 'extract(julian from a timestamp) is not supported');
  if (type === 'timestamptz' && (unit === 'timezone' || unit === 'timezone_hour' || unit === 'timezone_minute')) return unit;
  if (!TS_UNITS.has(unit)) throw notSupported(unitText, type);
  return unit;
}

/**
 * extract(unit FROM timestamp[tz]) (PostgreSQL 14+: numeric, seconds with 6 decimals).
 * @throws PgError 22023 unknown unit, 0A000 unsupported for the type.
 */
export function extractTimestamp(unitText: string, ts: bigint, type: TsType): Numeric | null {
  const unit = tsUnit(unitText, type);
  if (unit === 'timezone' || unit === 'timezone_hour' || unit === 'timezone_minute') return Numeric.fromInt(0);
  if (!isFiniteTimestamp(ts)) return MONOTONIC.has(unit) ? (ts > 0n ? Numeric.PosInf : Numeric.NegInf) : null;
  const [u, scale] = fieldValue(unit, timestampToTm(ts), ts)!;
  return Numeric.of(u, scale);
}

/** date_part(unit, timestamp[tz]) as float8, computed as PostgreSQL computes it. */
export function datePartTimestamp(unitText: string, ts: bigint, type: TsType): number | null {
  const unit = tsUnit(unitText, type);
  if (unit === 'timezone' || unit === 'timezone_hour' || unit === 'timezone_minute') return 0;
  if (!isFiniteTimestamp(ts)) return MONOTONIC.has(unit) ? (ts > 0n ? Infinity : -Infinity) : null;
  const tm = timestampToTm(ts);
  switch (unit) {
    case 'microseconds': return tm.second * 1000000 + tm.usec;
    case 'milliseconds': return tm.second * 1000 + tm.usec / 1000;
    case 'second': return tm.second + tm.usec / 1000000;
    case 'epoch': return Number(ts + UNIX_EPOCH_OFFSET_US) / 1000000;
    default: return Number(fieldValue(unit, tm, ts)![0]);
  }
}

/**
 * extract(unit FROM date) (numeric, integer-valued): date fields only.
 * @throws PgError 22023 unknown unit, 0A000 a time unit.
 */
export function extractDate(unitText: string, d: number): Numeric | null {
  const unit = unitOf(unitText, 'date');
  const ok: DtUnit[] = ['day', 'month', 'year', 'decade', 'century', 'millennium', 'quarter', 'week', 'dow', 'isodow', 'doy', 'isoyear', 'epoch'];
  if (!ok.includes(unit)) {
    if (unit === 'julian') throw new PgError(SQLSTATE.feature_not_supported, 'extract(julian from a date) is not supported');
    throw notSupported(unitText, 'date');
  }
  if (!isFiniteDate(d)) return MONOTONIC.has(unit) ? (d > 0 ? Numeric.PosInf : Numeric.NegInf) : null;
  const ts = BigInt(d) * USECS_PER_DAY;
  if (unit === 'epoch') return Numeric.fromInt((BigInt(d) + BigInt(PG_EPOCH_DAYS)) * 86400n);
  const [u] = fieldValue(unit, timestampToTm(ts), ts)!;
  return Numeric.fromInt(u);
}

/** interval2itm: an interval's fields as extract and to_char read them (each with the sign of its part). */
export function intervalFields(x: Interval): { year: number; mon: number; day: number; hour: bigint; min: bigint; sec: bigint; usec: bigint } {
  let t = x.us;
  const hour = t / 3_600_000_000n;
  t -= hour * 3_600_000_000n;
  const min = t / 60_000_000n;
  t -= min * 60_000_000n;
  const sec = t / 1_000_000n;
  const usec = t - sec * 1_000_000n;
  return { year: Math.trunc(x.months / 12), mon: x.months % 12, day: x.days, hour, min, sec, usec };
}

/** The exact value of an interval unit: [unscaled, scale]. @throws as {@link extractInterval}. */
function intervalFieldValue(unitText: string, x: Interval): [bigint, number] {
  const unit = unitOf(unitText, 'interval');
  const f = intervalFields(x);
  switch (unit) {
    case 'microseconds': return [f.sec * 1000000n + f.usec, 0];
    case 'milliseconds': return [f.sec * 1000000n + f.usec, 3];
    case 'second': return [f.sec * 1000000n + f.usec, 6];
    case 'minute': return [f.min, 0];
    case 'hour': return [f.hour, 0];
    case 'day': return [BigInt(f.day), 0];
    case 'month': return [BigInt(f.mon), 0];
    case 'quarter': return [BigInt(f.mon >= 0 ? Math.trunc(f.mon / 3) + 1 : -(Math.trunc(-f.mon / 3) + 1)), 0];
    case 'year': return [BigInt(f.year), 0];
    case 'decade': return [BigInt(Math.trunc(f.year / 10)), 0];
    case 'century': return [BigInt(Math.trunc(f.year / 100)), 0];
    case 'millennium': return [BigInt(Math.trunc(f.year / 1000)), 0];
    case 'epoch': {
      const secsFromDayMonth = 31557600n * BigInt(Math.trunc(x.months / 12)) + 2592000n * BigInt(x.months % 12) + 86400n * BigInt(x.days);
      return [x.us + secsFromDayMonth * 1000000n, 6];
    }
    default:
      throw notSupported(unitText, 'interval');
  }
}

/** extract(unit FROM interval), numeric. @throws PgError 22023 unknown unit, 0A000 unsupported. */
export function extractInterval(unitText: string, x: Interval): Numeric {
  const [u, scale] = intervalFieldValue(unitText, x);
  return Numeric.of(u, scale);
}

/** date_part(unit, interval) as float8. */
export function datePartInterval(unitText: string, x: Interval): number {
  const unit = unitOf(unitText, 'interval');
  const f = intervalFields(x);
  switch (unit) {
    case 'microseconds': return Number(f.sec) * 1000000 + Number(f.usec);
    case 'milliseconds': return Number(f.sec) * 1000 + Number(f.usec) / 1000;
    case 'second': return Number(f.sec) + Number(f.usec) / 1000000;
    case 'epoch': {
      const [u] = intervalFieldValue(unitText, x);
      return Number(u) / 1000000;
    }
    default: return Number(intervalFieldValue(unitText, x)[0]);
  }
}

/**
 * age(a, b): the symbolic difference in years, months, days and time, borrowing month lengths
 * as PostgreSQL's timestamp_age does. `flip` (a before b) is given by timestamptz_age, which
 * compares the instants and takes the fields of their local times.
 */
export function age(a: bigint, b: bigint, flip = a < b): Interval {
  if (!isFiniteTimestamp(a) || !isFiniteTimestamp(b)) {
    throw new PgError(SQLSTATE.feature_not_supported, 'age() of an infinite timestamp (an infinite interval) is not supported');
  }
  const t1 = timestampToTm(a);
  const t2 = timestampToTm(b);
  let fsec = t1.usec - t2.usec;
  let sec = t1.second - t2.second;
  let min = t1.minute - t2.minute;
  let hour = t1.hour - t2.hour;
  let mday = t1.day - t2.day;
  let mon = t1.month - t2.month;
  let year = t1.year - t2.year;

  if (flip) {
    fsec = -fsec; sec = -sec; min = -min; hour = -hour; mday = -mday; mon = -mon; year = -year;
  }
  while (fsec < 0) { fsec += 1000000; sec--; }
  while (sec < 0) { sec += 60; min--; }
  while (min < 0) { min += 60; hour--; }
  while (hour < 0) { hour += 24; mday--; }
  while (mday < 0) {
    const ref = flip ? t1 : t2;
    mday += daysInMonth(ref.year, ref.month);
    mon--;
  }
  while (mon < 0) { mon += 12; year--; }
  if (flip) {
    fsec = -fsec; sec = -sec; min = -min; hour = -hour; mday = -mday; mon = -mon; year = -year;
  }
  return makeIntervalChecked(year * 12 + mon, mday, BigInt(((hour * 60 + min) * 60 + sec)) * USECS_PER_SEC + BigInt(fsec));
}

/** make_date(year, month, day) (negative years are BC). @throws PgError 22008 field out of range. */
export function makeDate(year: number, month: number, day: number): number {
  const bad = () => new PgError(SQLSTATE.datetime_value_out_of_range, `date field value out of range: ${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  if (year === 0) throw bad();
  const y = year < 0 ? year + 1 : year;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(y, month)) throw bad();
  const d = daysFromCivil(y, month, day) - PG_EPOCH_DAYS;
  if (d < TIMESTAMP_START_DAYS || d >= DATE_END) throw new PgError(SQLSTATE.datetime_value_out_of_range, `date out of range: ${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  return d;
}

/**
 * make_timestamp(year, month, mday, hour, min, sec) (make_timestamptz in UTC is the same).
 * @throws PgError 22008 `date field value out of range: y-mm-dd`, `time field value out of
 *   range: h:mm:ss`, `timestamp out of range`; 0A000 for a year before 1 AD.
 */
export function makeTimestamp(year: number, month: number, mday: number, hour: number, min: number, sec: number): bigint {
  const two = (n: number) => String(n).padStart(2, '0');
  if (year < 1) throw new PgError(SQLSTATE.feature_not_supported, 'make_timestamp() of a year before 1 AD is not supported');
  if (month < 1 || month > 12 || mday < 1 || mday > daysInMonth(year, month)) {
    throw new PgError(SQLSTATE.datetime_value_out_of_range, `date field value out of range: ${year}-${two(month)}-${two(mday)}`);
  }
  const time = timeFromFields(hour, min, sec);
  const days = daysFromCivil(year, month, mday) - PG_EPOCH_DAYS;
  return checkTimestamp(BigInt(days) * USECS_PER_DAY + BigInt(time));
}

/**
 * The time of day of hour, minute and (fractional) seconds in microseconds, the seconds
 * rounded with rint (make_time's, make_timestamp's float_time_overflows and tm2time).
 * @throws PgError 22008 `time field value out of range: h:mm:ss`.
 */
function timeFromFields(hour: number, min: number, sec: number): number {
  const two = (n: number) => String(n).padStart(2, '0');
  if (Number.isNaN(sec) || hour < 0 || hour > 24 || min < 0 || min >= 60 || sec < 0 || sec > 60 || (hour === 24 && (min > 0 || sec > 0))) {
    const s = Number.isInteger(sec) ? two(sec) : String(sec);
    throw new PgError(SQLSTATE.datetime_value_out_of_range, `time field value out of range: ${hour}:${two(min)}:${s}`);
  }
  const us = sec * 1e6;
  const r = Math.round(us);
  const rounded = Math.abs(us % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return (hour * 60 + min) * 60_000_000 + rounded;
}

/** make_time(hour, min, sec). @throws PgError 22008 `time field value out of range: h:mm:ss`. */
export function makeTime(hour: number, min: number, sec: number): number {
  return timeFromFields(hour, min, sec);
}

/**
 * to_timestamp(double precision): Unix seconds to a timestamptz, rounded to microseconds.
 * @throws PgError 22008 `timestamp out of range: "<x>"`, 22023 for NaN.
 */
export function toTimestampFromEpoch(x: number): bigint {
  if (Number.isNaN(x)) throw new PgError(SQLSTATE.datetime_value_out_of_range, 'timestamp cannot be NaN');
  if (x === Infinity) return TIMESTAMP_INFINITY;
  if (x === -Infinity) return TIMESTAMP_MINUS_INFINITY;
  const minSec = Number(MIN_TIMESTAMP + UNIX_EPOCH_OFFSET_US) / 1e6;
  const endSec = Number(END_TIMESTAMP + UNIX_EPOCH_OFFSET_US) / 1e6;
  if (x < minSec || x >= endSec) throw new PgError(SQLSTATE.datetime_value_out_of_range, `timestamp out of range: "${formatG(x)}"`);
  // PostgreSQL: seconds - epoch offset, times 1e6, rounded (rint).
  const us = x * 1e6;
  const r = Math.round(us);
  const rounded = Math.abs(us % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return checkTimestamp(BigInt(rounded) - UNIX_EPOCH_OFFSET_US);
}

/** %g as PostgreSQL's error text prints the float. */
function formatG(x: number): string {
  return String(Number(x.toPrecision(6))).replace('e+', 'e+');
}

/** A timestamp as an interval's field for AT TIME ZONE INTERVAL: seconds east of UTC. @throws 22023 for months or days. */
export function intervalZoneSeconds(x: Interval): bigint {
  if (x.months !== 0 || x.days !== 0) {
    throw new PgError(SQLSTATE.invalid_parameter_value, `interval time zone "${x.toString()}" must not include months or days`);
  }
  return x.us;
}

/** date_trunc over an interval: the fields below `unit` zeroed. */
export function dateTruncInterval(unitText: string, x: Interval): Interval {
  const unit = truncUnitOf(unitText, 'interval');
  const f = intervalFields(x);
  let { year, mon, day, hour, min, sec, usec } = f;
  switch (unit) {
    case 'millennium': year = Math.trunc(year / 1000) * 1000; mon = 0; day = 0; hour = 0n; min = 0n; sec = 0n; usec = 0n; break;
    case 'century': year = Math.trunc(year / 100) * 100; mon = 0; day = 0; hour = 0n; min = 0n; sec = 0n; usec = 0n; break;
    case 'decade': year = Math.trunc(year / 10) * 10; mon = 0; day = 0; hour = 0n; min = 0n; sec = 0n; usec = 0n; break;
    case 'year': mon = 0; day = 0; hour = 0n; min = 0n; sec = 0n; usec = 0n; break;
    case 'quarter': mon = 3 * Math.trunc(mon / 3); day = 0; hour = 0n; min = 0n; sec = 0n; usec = 0n; break;
    case 'month': day = 0; hour = 0n; min = 0n; sec = 0n; usec = 0n; break;
    case 'day': hour = 0n; min = 0n; sec = 0n; usec = 0n; break;
    case 'hour': min = 0n; sec = 0n; usec = 0n; break;
    case 'minute': sec = 0n; usec = 0n; break;
    case 'second': usec = 0n; break;
    case 'milliseconds': usec = (usec / 1000n) * 1000n; break;
    case 'microseconds': break;
    default: throw notSupported(unitText, 'interval');
  }
  return makeIntervalChecked(year * 12 + mon, day, ((hour * 60n + min) * 60n + sec) * 1000000n + usec);
}

// ---------------------------------------------------------------------------------------------
// time without time zone (date.c): microseconds since midnight as a number, 0 to 24:00:00.

/** Microseconds in a day, as a number (time values are below 2^53). */
const DAY_US = Number(USECS_PER_DAY);

/** AdjustTimeForTypmod: rounds to `typmod` fractional digits, halves up (24:00:00 may result). */
export function adjustTimeTypmod(us: number, typmod: number): number {
  if (typmod < 0 || typmod >= 6) return us;
  const scale = Number(SCALES[typmod]!);
  return Math.floor((us + scale / 2) / scale) * scale;
}

/** time_recv: int64 microseconds. @throws PgError 22008 `time out of range`. */
export function timeRecv(us: bigint, typmod: number): number {
  if (us < 0n || us > USECS_PER_DAY) throw new PgError(SQLSTATE.datetime_value_out_of_range, 'time out of range');
  return adjustTimeTypmod(Number(us), typmod);
}

/** timestamp_time: the time of day of a timestamp (a local one: timestamptz is shifted first); NULL for an infinite one. */
export function timestampToTime(us: bigint): number | null {
  if (!isFiniteTimestamp(us)) return null;
  const r = Number(us % USECS_PER_DAY);
  return r < 0 ? r + DAY_US : r;
}

/** interval_time: the interval's time part modulo a day (months and days are dropped). */
export function intervalToTime(iv: Interval): number {
  const r = Number(iv.us % USECS_PER_DAY);
  return r < 0 ? r + DAY_US : r;
}

/** time_interval: the time as an interval of that many microseconds. */
export function timeToInterval(us: number): Interval {
  return new Interval(0, 0, BigInt(us));
}

/**
 * time_pl_interval (`sign` 1) / time_mi_interval (-1): the interval's time part added modulo
 * a day (months and days are dropped), so 24:00:00 + 0 is 00:00:00 as in PostgreSQL.
 */
export function timePlusInterval(us: number, iv: Interval, sign: 1 | -1): number {
  const span = Number(iv.us % USECS_PER_DAY) * sign;
  const r = (us + span) % DAY_US;
  return r < 0 ? r + DAY_US : r;
}

/** time_mi_time: the difference as an interval of microseconds (negative when a < b). */
export function timeDiff(a: number, b: number): Interval {
  return new Interval(0, 0, BigInt(a - b));
}

/** datetime_timestamp: `date + time`. @throws PgError 22008 `timestamp out of range`, `date out of range for timestamp`. */
export function dateTimeToTimestamp(d: number, us: number): bigint {
  const ts = dateToTimestamp(d);
  return isFiniteTimestamp(ts) ? checkTimestamp(ts + BigInt(us)) : ts;
}

/** The units extract and date_part take for a time (time_part_common). @throws PgError 22023 unknown, 0A000 not a time field. */
function timeUnit(unitText: string, type: 'time' | 'timetz' = 'time'): DtUnit {
  const unit = unitOf(unitText, type);
  const ok: DtUnit[] = ['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'epoch'];
  if (type === 'timetz') ok.push('timezone', 'timezone_hour', 'timezone_minute');
  if (!ok.includes(unit)) throw notSupported(unitText, type);
  return unit;
}

/**
 * extract's unit for a time with time zone (timetz_part_common): time's units and the zone's.
 * @throws PgError 22023 unknown unit, 0A000 a unit a timetz has not (day, dow...).
 */
export function timetzUnit(unitText: string): 'microseconds' | 'milliseconds' | 'second' | 'minute' | 'hour' | 'epoch' | 'timezone' | 'timezone_hour' | 'timezone_minute' {
  return timeUnit(unitText, 'timetz') as ReturnType<typeof timetzUnit>;
}

/** extract(unit FROM time) (numeric; seconds with 6 decimals). @throws as {@link timeUnit}. */
export function extractTime(unitText: string, us: number): Numeric {
  const unit = timeUnit(unitText);
  const secUs = BigInt(us % 60_000_000);
  switch (unit) {
    case 'microseconds': return Numeric.of(secUs, 0);
    case 'milliseconds': return Numeric.of(secUs, 3);
    case 'second': return Numeric.of(secUs, 6);
    case 'minute': return Numeric.fromInt(Math.floor(us / 60_000_000) % 60);
    case 'hour': return Numeric.fromInt(Math.floor(us / 3_600_000_000));
    default: return Numeric.of(BigInt(us), 6);
  }
}

/** date_part(unit, time) as float8, computed as PostgreSQL computes it. @throws as {@link timeUnit}. */
export function datePartTime(unitText: string, us: number): number {
  const unit = timeUnit(unitText);
  const usec = us % 1_000_000;
  const sec = Math.floor(us / 1_000_000) % 60;
  switch (unit) {
    case 'microseconds': return sec * 1000000 + usec;
    case 'milliseconds': return sec * 1000 + usec / 1000;
    case 'second': return sec + usec / 1000000;
    case 'minute': return Math.floor(us / 60_000_000) % 60;
    case 'hour': return Math.floor(us / 3_600_000_000);
    default: return us / 1000000;
  }
}
