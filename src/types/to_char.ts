/**
 * to_char(timestamp[tz], text) with the common template patterns of PostgreSQL's
 * formatting.c (DCH_to_char), in English; a timestamptz in the session's time zone:
 *
 *   YYYY YYY YY Y IYYY  year (ISO year)       MM  month 01-12       DD DDD D ID  day of month / year / week
 *   HH24 HH12 HH        hours                 MI  minutes           SS MS US     seconds, ms, µs
 *   SSSS SSSSS          seconds past midnight AM PM A.M. P.M. (any case)
 *   Month MONTH month   full month name, blank-padded to 9     Mon MON mon   abbreviated
 *   Day DAY day         full day name, blank-padded to 9       Dy DY dy      abbreviated
 *   Q WW IW CC          quarter, week of year, ISO week, century
 *   TZ tz OF TZH TZM    zone abbreviation (empty for timestamp), offset (+01, +05:30), its hours, minutes
 *   FM                  prefix: no padding for the next pattern
 *   "text"  \"          literal text, an escaped quote
 *
 * Any other letter outside quotes may be a pattern this module does not implement (J, W, RM,
 * TH, FF1, ...): it is 0A000 rather than copied, so nothing prints differently from PostgreSQL.
 * Characters that are not letters are copied.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { timestampToTm, isFiniteTimestamp, isoWeekOf, dayOfYear, isoDayOfWeek, checkTimestamp } from './datetime_funcs.js';
import { offsetAtUtc, type TimeZone } from './timezone.js';
import { zoneAbbrevAt } from './timezone_abbrev.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Patterns in matching order: a longer pattern before its prefixes, as PostgreSQL's keyword table. */
const PATTERNS = [
  'A.M.', 'a.m.', 'P.M.', 'p.m.', 'AM', 'am', 'PM', 'pm',
  'CC', 'cc', 'DAY', 'Day', 'day', 'DDD', 'ddd', 'DD', 'dd', 'DY', 'Dy', 'dy', 'D', 'd',
  'FM', 'fm', 'HH24', 'hh24', 'HH12', 'hh12', 'HH', 'hh', 'IW', 'iw', 'IYYY', 'iyyy', 'ID', 'id',
  'MI', 'mi', 'MM', 'mm', 'MONTH', 'Month', 'month', 'MON', 'Mon', 'mon', 'MS', 'ms', 'OF', 'of',
  'Q', 'q', 'SSSSS', 'sssss', 'SSSS', 'ssss', 'SS', 'ss', 'TZH', 'tzh', 'TZM', 'tzm', 'TZ', 'tz', 'US', 'us', 'WW', 'ww',
  'YYYY', 'yyyy', 'YYY', 'yyy', 'YY', 'yy', 'Y', 'y',
];

function cased(name: string, pattern: string): string {
  if (pattern === pattern.toUpperCase()) return name.toUpperCase();
  if (pattern === pattern.toLowerCase()) return name.toLowerCase();
  return name;
}

/**
 * to_char(timestamp, fmt), and to_char(timestamptz, fmt) with `zone` the session's time zone:
 * the local time there, TZ its abbreviation (types/timezone_abbrev.ts), OF / TZH / TZM its
 * offset. NULL for an infinite timestamp, as PostgreSQL.
 * @throws PgError 0A000 for a pattern this module does not implement, a year before 1 AD, or
 *   a zone abbreviation vecgres does not know.
 */
export function toCharTimestamp(us: bigint, fmt: string, zone: TimeZone | null): string | null {
  if (!isFiniteTimestamp(us)) return null;
  // tm_gmtoff: the zone's offset for a timestamptz, 0 for a timestamp (its TZ prints nothing).
  const offset = zone === null ? 0 : offsetAtUtc(zone, us);
  const tm = timestampToTm(zone === null ? us : checkTimestamp(us + BigInt(offset) * 1_000_000n));
  const absOff = Math.abs(offset);
  if (tm.year < 1) throw new PgError(SQLSTATE.feature_not_supported, 'to_char() of a year before 1 AD is not supported');
  let out = '';
  let fm = false;
  const num = (v: number, width: number) => (fm ? String(v) : String(v).padStart(width, '0'));
  const name = (v: string, pattern: string, pad: boolean) => {
    const s = cased(v, pattern);
    return pad && !fm ? s.padEnd(9, ' ') : s;
  };
  const hour12 = tm.hour % 12 === 0 ? 12 : tm.hour % 12;
  const dow = (isoDayOfWeek(tm.days)) % 7;
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i]!;
    if (c === '"') {
      // Quoted literal text; a backslash escapes the next character inside.
      i++;
      while (i < fmt.length && fmt[i] !== '"') {
        if (fmt[i] === '\\' && i + 1 < fmt.length) i++;
        out += fmt[i];
        i++;
      }
      i++;
      continue;
    }
    if (c === '\\' && fmt[i + 1] === '"') {
      out += '"';
      i += 2;
      continue;
    }
    const p = PATTERNS.find((k) => fmt.startsWith(k, i));
    if (p === undefined) {
      if (/[A-Za-z]/.test(c)) throw new PgError(SQLSTATE.feature_not_supported, `to_char() pattern at "${fmt.slice(i, i + 8)}" is not supported`);
      out += c;
      i++;
      continue;
    }
    i += p.length;
    const P = p.toUpperCase();
    if (P === 'FM') {
      fm = true;
      continue;
    }
    switch (P) {
      case 'A.M.': case 'P.M.': out += cased(tm.hour >= 12 ? 'P.M.' : 'A.M.', p); break;
      case 'AM': case 'PM': out += cased(tm.hour >= 12 ? 'PM' : 'AM', p); break;
      case 'CC': out += num(Math.trunc((tm.year - 1) / 100) + 1, 2); break;
      case 'DAY': out += name(DAYS[dow]!, p, true); break;
      case 'DY': out += cased(DAYS[dow]!.slice(0, 3), p); break;
      case 'DDD': out += num(dayOfYear(tm), 3); break;
      case 'DD': out += num(tm.day, 2); break;
      case 'D': out += String(dow + 1); break;
      case 'ID': out += String(isoDayOfWeek(tm.days)); break;
      case 'HH24': out += num(tm.hour, 2); break;
      case 'HH12': case 'HH': out += num(hour12, 2); break;
      case 'IW': out += num(isoWeekOf(tm).week, 2); break;
      case 'IYYY': out += num(isoWeekOf(tm).isoyear, 4); break;
      case 'MI': out += num(tm.minute, 2); break;
      case 'MM': out += num(tm.month, 2); break;
      case 'MONTH': out += name(MONTHS[tm.month - 1]!, p, true); break;
      case 'MON': out += cased(MONTHS[tm.month - 1]!.slice(0, 3), p); break;
      case 'MS': out += num(Math.trunc(tm.usec / 1000), 3); break;
      case 'OF':
        out += `${offset >= 0 ? '+' : '-'}${fm ? String(Math.floor(absOff / 3600)) : String(Math.floor(absOff / 3600)).padStart(2, '0')}`;
        if (absOff % 3600 !== 0) out += `:${String(Math.floor((absOff % 3600) / 60)).padStart(2, '0')}`;
        break;
      case 'TZH': out += `${offset >= 0 ? '+' : '-'}${String(Math.floor(absOff / 3600)).padStart(2, '0')}`; break;
      case 'TZM': out += String(Math.floor(absOff / 60) % 60).padStart(2, '0'); break;
      case 'Q': out += String(Math.trunc((tm.month - 1) / 3) + 1); break;
      case 'SSSSS': case 'SSSS': out += String(tm.hour * 3600 + tm.minute * 60 + tm.second); break;
      case 'SS': out += num(tm.second, 2); break;
      // As tzdata spells it (`ChST`); `tz` lower-cases it (DCH_tz).
      case 'TZ': out += zone === null ? '' : p === 'tz' ? zoneAbbrevAt(zone, us).toLowerCase() : zoneAbbrevAt(zone, us); break;
      case 'US': out += num(tm.usec, 6); break;
      case 'WW': out += num(Math.trunc((dayOfYear(tm) - 1) / 7) + 1, 2); break;
      case 'YYYY': out += num(tm.year, 4); break;
      case 'YYY': out += num(tm.year % 1000, 3); break;
      case 'YY': out += num(tm.year % 100, 2); break;
      default: out += num(tm.year % 10, 1); break;
    }
    fm = false;
  }
  return out;
}
