/**
 * to_char(timestamp[tz], text) with the template patterns of PostgreSQL's formatting.c
 * (DCH_to_char), in English; a timestamptz in the session's time zone. The template is read by
 * the tokenizer to_timestamp shares (types/datetime_format.ts):
 *
 *   YYYY YYY YY Y Y,YYY IYYY IYY IY I   year (ISO year)     MM  month 01-12     DD DDD IDDD D ID  day of month / year / week
 *   HH24 HH12 HH        hours                 MI  minutes           SS MS US FF1..FF6  seconds, ms, µs, fractions
 *   SSSS SSSSS          seconds past midnight AM PM A.M. P.M. (any case)   AD BC A.D. B.C.
 *   Month MONTH month   full month name, blank-padded to 9     Mon MON mon   abbreviated   RM rm  Roman month
 *   Day DAY day         full day name, blank-padded to 9       Dy DY dy      abbreviated
 *   Q WW W IW CC J      quarter, week of year / month, ISO week, century, Julian day
 *   TZ tz OF TZH TZM    zone abbreviation (empty for timestamp), offset (+01, +05:30), its hours, minutes
 *   FM TM               prefixes: no padding; English names (the C locale's)
 *   TH th               suffix: an ordinal (1ST, 2nd)
 *   "text"  \"          literal text, an escaped quote; any other character is copied
 *
 * The SP suffix and the FX prefix print nothing special in PostgreSQL either; SP is 0A000 here
 * all the same, as PostgreSQL documents it as not implemented.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { timestampToTm, isFiniteTimestamp, isoWeek, dayOfYear, isoDayOfWeek, checkTimestamp, intervalFields, type Tm } from './datetime_funcs.js';
import { offsetAtUtc, type TimeZone } from './timezone.js';
import { zoneAbbrevAt } from './timezone_abbrev.js';
import { parseDchFormat } from './datetime_format.js';
import { daysFromCivil, PG_EPOCH_DAYS } from './datetime.js';
import type { Interval } from './interval.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Roman numerals of the months (rm_months_upper, January first). */
const ROMAN_MONTHS = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

/** The numeric fields a TH / th suffix gives an ordinal ending (str_numth). */
const ORDINAL_FIELDS: ReadonlySet<string> = new Set(['FF1', 'FF2', 'FF3', 'FF4', 'FF5', 'FF6', 'CC', 'DDD', 'IDDD', 'DD', 'D', 'ID', 'HH24', 'HH', 'IW', 'WW', 'W', 'J', 'MI', 'MM', 'MS', 'Q',
  'SSSS', 'SS', 'US', 'Y,YYY', 'YYYY', 'YYY', 'YY', 'Y', 'IYYY', 'IYY', 'IY', 'I']);

/** get_th: ST, ND, RD or TH by the last digit of `num` (teens take TH); lower case unless `upper`. */
function ordinal(num: string, upper: boolean): string {
  const last = num[num.length - 1]!;
  const teen = num.length > 1 && num[num.length - 2] === '1';
  const th = teen ? 'th' : last === '1' ? 'st' : last === '2' ? 'nd' : last === '3' ? 'rd' : 'th';
  return upper ? th.toUpperCase() : th;
}

/** date2j: the Julian day of year / month / day, with C's truncating division (an interval's fields may be 0 or negative). */
function date2j(year: number, month: number, day: number): number {
  let y = year;
  let m = month;
  if (m > 2) {
    m += 1;
    y += 4800;
  } else {
    m += 13;
    y += 4799;
  }
  const century = Math.trunc(y / 100);
  return y * 365 - 32167 + Math.trunc(y / 4) - century + Math.trunc(century / 4) + Math.trunc((7834 * m) / 256) + day;
}

/** The first day (since 2000-01-01) of ISO year `isoyear`: the Monday of the week with January 4. */
function isoYearStart(isoyear: number): number {
  const jan4 = daysFromCivil(isoyear, 1, 4) - PG_EPOCH_DAYS;
  return jan4 - (isoDayOfWeek(jan4) - 1);
}

function cased(name: string, pattern: string): string {
  if (pattern === pattern.toUpperCase()) return name.toUpperCase();
  if (pattern === pattern.toLowerCase()) return name.toLowerCase();
  return name;
}

/**
 * The broken-down value DCH_to_char prints: a timestamp's local fields, or an interval's
 * (interval2itm: years and months of its months, its days, hours past 24 and negative fields
 * kept).
 */
interface CharTm extends Omit<Tm, 'days'> {
  /** Day of the year (an interval's: (years * 12 + months) * 30 + days). */
  yday: number;
  /** A timestamp's extra facts: days since 2000-01-01, the zone's offset (seconds east) and abbreviation; null for an interval. */
  ts: { days: number; offset: number; abbrev: () => string; hasZone: boolean } | null;
}

/** C's `%0*d`: zero-padded to `width` characters, the sign counted. */
function cpad(v: number, width: number): string {
  return v < 0 ? '-' + String(-v).padStart(width - 1, '0') : String(v).padStart(width, '0');
}

const invalidForInterval = (): PgError =>
  new PgError('22007', 'invalid format specification for an interval value', { hint: 'Intervals are not tied to specific calendar dates.' });

/** DCH_to_char: `t` printed by the template `fmt`. */
function dchToChar(fmt: string, t: CharTm): string {
  const iv = t.ts === null;
  const hour12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  let out = '';
  for (const n of parseDchFormat(fmt)) {
    if (n.kind !== 'action') {
      out += n.ch;
      continue;
    }
    const fm = n.fm;
    // Zero-padded to `width` unless FM (then as many digits as the value has).
    const num = (v: number, width: number): string => (fm ? String(v) : cpad(v, width));
    const name = (v: string, pad: boolean): string => {
      const s = cased(v, n.key.name);
      // TM's localized names are not padded (DCH_to_char's S_TM branch).
      return pad && !fm && !n.tm ? s.padEnd(9, ' ') : s;
    };
    if (n.sp) throw new PgError(SQLSTATE.feature_not_supported, 'to_char() suffix "SP" is not supported');
    const ts = t.ts;
    // The fields that need a calendar date: PostgreSQL's INVALID_FOR_INTERVAL, or (ISO weeks,
    // Julian days, Roman months of intervals) ones vecgres does not print for intervals.
    const dated = (): NonNullable<CharTm['ts']> => {
      if (ts === null) throw invalidForInterval();
      return ts;
    };
    const notForInterval = (): NonNullable<CharTm['ts']> => {
      if (ts === null) throw new PgError(SQLSTATE.feature_not_supported, `to_char() of an interval with pattern "${n.key.name}" is not supported`);
      return ts;
    };
    const dow = (): number => isoDayOfWeek(dated().days) % 7;
    const iso = (): number => isoWeek(t.year, notForInterval().days).isoyear;
    const offset = (): number => dated().offset;
    const absOff = (): number => Math.abs(offset());
    let v: string;
    switch (n.key.id) {
      case 'FX': v = ''; break;
      case 'A.M.': v = cased(t.hour % 24 >= 12 ? 'P.M.' : 'A.M.', n.key.name); break;
      case 'AM': v = cased(t.hour % 24 >= 12 ? 'PM' : 'AM', n.key.name); break;
      // Years before 1 AD are refused by the caller.
      case 'A.D.': dated(); v = cased('A.D.', n.key.name); break;
      case 'AD': dated(); v = cased('AD', n.key.name); break;
      case 'CC': {
        const c = iv ? Math.trunc(t.year / 100) : Math.trunc((t.year - 1) / 100) + 1;
        v = c <= 99 && c >= -99 ? num(c, c >= 0 ? 2 : 3) : String(c);
        break;
      }
      case 'DAY': v = name(DAYS[dow()]!, true); break;
      case 'DY': v = cased(DAYS[dow()]!.slice(0, 3), n.key.name); break;
      case 'DDD': v = num(t.yday, 3); break;
      case 'IDDD': v = num(notForInterval().days - isoYearStart(iso()) + 1, 3); break;
      case 'DD': v = num(t.day, 2); break;
      case 'D': v = String(dow() + 1); break;
      case 'ID': v = String(isoDayOfWeek(dated().days)); break;
      case 'FF1': case 'FF2': case 'FF3': case 'FF4': case 'FF5': case 'FF6': {
        const digits = Number(n.key.id[2]);
        v = cpad(Math.trunc(t.usec / 10 ** (6 - digits)), digits);
        break;
      }
      case 'HH24': v = num(t.hour, t.hour >= 0 ? 2 : 3); break;
      case 'HH': v = num(hour12, t.hour >= 0 ? 2 : 3); break;
      case 'IW': v = num(isoWeek(t.year, notForInterval().days).week, 2); break;
      case 'IYYY': v = num(iso(), 4); break;
      case 'IYY': v = num(iso() % 1000, 3); break;
      case 'IY': v = num(iso() % 100, 2); break;
      case 'I': v = String(iso() % 10); break;
      case 'J': v = String(ts !== null ? ts.days + 2451545 : date2j(t.year, t.month, t.day)); break;
      case 'MI': v = num(t.minute, t.minute >= 0 ? 2 : 3); break;
      case 'MM': v = num(t.month, t.month >= 0 ? 2 : 3); break;
      case 'MONTH': dated(); v = name(MONTHS[t.month - 1]!, true); break;
      case 'MON': dated(); v = cased(MONTHS[t.month - 1]!.slice(0, 3), n.key.name); break;
      // MS and US ignore FM, as PostgreSQL's.
      case 'MS': v = cpad(Math.trunc(t.usec / 1000), 3); break;
      case 'OF':
        v = `${offset() >= 0 ? '+' : '-'}${fm ? String(Math.floor(absOff() / 3600)) : String(Math.floor(absOff() / 3600)).padStart(2, '0')}`;
        if (absOff() % 3600 !== 0) v += `:${String(Math.floor((absOff() % 3600) / 60)).padStart(2, '0')}`;
        break;
      case 'TZH': v = `${offset() >= 0 ? '+' : '-'}${String(Math.floor(absOff() / 3600)).padStart(2, '0')}`; break;
      case 'TZM': v = String(Math.floor(absOff() / 60) % 60).padStart(2, '0'); break;
      case 'Q': v = t.month === 0 ? '' : String(Math.trunc((t.month - 1) / 3) + 1); break;
      case 'RM': {
        // An interval's months may be 0 (a whole number of years: XII, or I when negative)
        // or negative (-1 is December); nothing when it has neither months nor years.
        if (t.month === 0 && t.year === 0) {
          v = '';
          break;
        }
        const at = t.month === 0 ? (t.year >= 0 ? 0 : 11) : t.month < 0 ? -(t.month + 1) : 12 - t.month;
        const roman = ROMAN_MONTHS[11 - at]!;
        v = n.key.name === 'rm' ? roman.toLowerCase() : roman;
        if (!fm) v = v.padEnd(4, ' ');
        break;
      }
      case 'SSSS': v = String(t.hour * 3600 + t.minute * 60 + t.second); break;
      case 'SS': v = num(t.second, t.second >= 0 ? 2 : 3); break;
      // As tzdata spells it (`ChST`); `tz` lower-cases it (DCH_tz). Empty for a timestamp.
      case 'TZ': {
        const z = dated();
        v = !z.hasZone ? '' : n.key.name === 'tz' ? z.abbrev().toLowerCase() : z.abbrev();
        break;
      }
      case 'US': v = cpad(t.usec, 6); break;
      case 'WW': v = num(Math.trunc((t.yday - 1) / 7) + 1, 2); break;
      case 'W': v = String(Math.trunc((t.day - 1) / 7) + 1); break;
      case 'Y,YYY': {
        const th = Math.trunc(t.year / 1000);
        v = `${th},${cpad(t.year - th * 1000, 3)}`;
        break;
      }
      case 'YYYY': v = num(t.year, t.year >= 0 ? 4 : 5); break;
      case 'YYY': v = num(t.year % 1000, t.year >= 0 ? 3 : 4); break;
      case 'YY': v = num(t.year % 100, t.year >= 0 ? 2 : 3); break;
      default: v = String(t.year % 10); break;
    }
    out += n.th !== null && ORDINAL_FIELDS.has(n.key.id) && v !== '' ? v + ordinal(v, n.th === 'TH') : v;
  }
  return out;
}

/**
 * to_char(timestamp, fmt), and to_char(timestamptz, fmt) with `zone` the session's time zone:
 * the local time there, TZ its abbreviation (types/timezone_abbrev.ts), OF / TZH / TZM its
 * offset. NULL for an infinite timestamp or an empty template, as PostgreSQL.
 * @throws PgError 0A000 for the SP suffix, a year before 1 AD, or a zone abbreviation vecgres
 *   does not know.
 */
export function toCharTimestamp(us: bigint, fmt: string, zone: TimeZone | null): string | null {
  if (fmt === '' || !isFiniteTimestamp(us)) return null;
  // tm_gmtoff: the zone's offset for a timestamptz, 0 for a timestamp (its TZ prints nothing).
  const offset = zone === null ? 0 : offsetAtUtc(zone, us);
  const tm = timestampToTm(zone === null ? us : checkTimestamp(us + BigInt(offset) * 1_000_000n));
  if (tm.year < 1) throw new PgError(SQLSTATE.feature_not_supported, 'to_char() of a year before 1 AD is not supported');
  return dchToChar(fmt, {
    year: tm.year, month: tm.month, day: tm.day, hour: tm.hour, minute: tm.minute, second: tm.second, usec: tm.usec, yday: dayOfYear(tm),
    ts: { days: tm.days, offset, hasZone: zone !== null, abbrev: () => zoneAbbrevAt(zone!, us) },
  });
}

/**
 * to_char(interval, fmt): its fields as interval2itm splits them (years and months of its
 * months, days, then hours (past 24), minutes, seconds and microseconds of its time, each
 * with the sign of its part). NULL for an empty template.
 * @throws PgError 22007 `invalid format specification for an interval value` for calendar
 *   patterns (month and day names, D, ID, AD/BC, zones); 0A000 for the ISO week patterns.
 */
export function toCharInterval(i: Interval, fmt: string): string | null {
  if (fmt === '') return null;
  const f = intervalFields(i);
  return dchToChar(fmt, {
    year: f.year, month: f.mon, day: f.day, hour: Number(f.hour), minute: Number(f.min), second: Number(f.sec), usec: Number(f.usec),
    yday: (f.year * 12 + f.mon) * 30 + f.day, ts: null,
  });
}
