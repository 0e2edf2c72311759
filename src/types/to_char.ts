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
import { timestampToTm, isFiniteTimestamp, isoWeekOf, dayOfYear, isoDayOfWeek, checkTimestamp } from './datetime_funcs.js';
import { offsetAtUtc, type TimeZone } from './timezone.js';
import { zoneAbbrevAt } from './timezone_abbrev.js';
import { parseDchFormat } from './datetime_format.js';
import { daysFromCivil, PG_EPOCH_DAYS } from './datetime.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Roman numerals of the months (rm_months_upper, January first). */
const ROMAN_MONTHS = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

/** The numeric fields a TH / th suffix gives an ordinal ending (str_numth). */
const ORDINAL_FIELDS: ReadonlySet<string> = new Set(['CC', 'DDD', 'IDDD', 'DD', 'D', 'ID', 'HH24', 'HH', 'IW', 'WW', 'W', 'J', 'MI', 'MM', 'MS', 'Q',
  'SSSS', 'SS', 'US', 'Y,YYY', 'YYYY', 'YYY', 'YY', 'Y', 'IYYY', 'IYY', 'IY', 'I']);

/** get_th: ST, ND, RD or TH by the last digit of `num` (teens take TH); lower case unless `upper`. */
function ordinal(num: string, upper: boolean): string {
  const last = num[num.length - 1]!;
  const teen = num.length > 1 && num[num.length - 2] === '1';
  const th = teen ? 'th' : last === '1' ? 'st' : last === '2' ? 'nd' : last === '3' ? 'rd' : 'th';
  return upper ? th.toUpperCase() : th;
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
 * to_char(timestamp, fmt), and to_char(timestamptz, fmt) with `zone` the session's time zone:
 * the local time there, TZ its abbreviation (types/timezone_abbrev.ts), OF / TZH / TZM its
 * offset. NULL for an infinite timestamp, as PostgreSQL.
 * @throws PgError 0A000 for the SP suffix, a year before 1 AD, or a zone abbreviation vecgres
 *   does not know.
 */
export function toCharTimestamp(us: bigint, fmt: string, zone: TimeZone | null): string | null {
  if (!isFiniteTimestamp(us)) return null;
  // tm_gmtoff: the zone's offset for a timestamptz, 0 for a timestamp (its TZ prints nothing).
  const offset = zone === null ? 0 : offsetAtUtc(zone, us);
  const tm = timestampToTm(zone === null ? us : checkTimestamp(us + BigInt(offset) * 1_000_000n));
  const absOff = Math.abs(offset);
  if (tm.year < 1) throw new PgError(SQLSTATE.feature_not_supported, 'to_char() of a year before 1 AD is not supported');
  let out = '';
  const hour12 = tm.hour % 12 === 0 ? 12 : tm.hour % 12;
  const dow = (isoDayOfWeek(tm.days)) % 7;
  for (const n of parseDchFormat(fmt)) {
    if (n.kind !== 'action') {
      out += n.ch;
      continue;
    }
    const fm = n.fm;
    const num = (v: number, width: number): string => (fm ? String(v) : String(v).padStart(width, '0'));
    const name = (v: string, pad: boolean): string => {
      const s = cased(v, n.key.name);
      // TM's localized names are not padded (DCH_to_char's S_TM branch).
      return pad && !fm && !n.tm ? s.padEnd(9, ' ') : s;
    };
    if (n.sp) throw new PgError(SQLSTATE.feature_not_supported, 'to_char() suffix "SP" is not supported');
    const iso = (): number => isoWeekOf(tm).isoyear;
    let v: string;
    switch (n.key.id) {
      case 'FX': v = ''; break;
      case 'A.M.': v = cased(tm.hour >= 12 ? 'P.M.' : 'A.M.', n.key.name); break;
      case 'AM': v = cased(tm.hour >= 12 ? 'PM' : 'AM', n.key.name); break;
      // Years before 1 AD are refused above.
      case 'A.D.': v = cased('A.D.', n.key.name); break;
      case 'AD': v = cased('AD', n.key.name); break;
      case 'CC': v = num(Math.trunc((tm.year - 1) / 100) + 1, 2); break;
      case 'DAY': v = name(DAYS[dow]!, true); break;
      case 'DY': v = cased(DAYS[dow]!.slice(0, 3), n.key.name); break;
      case 'DDD': v = num(dayOfYear(tm), 3); break;
      case 'IDDD': v = num(tm.days - isoYearStart(iso()) + 1, 3); break;
      case 'DD': v = num(tm.day, 2); break;
      case 'D': v = String(dow + 1); break;
      case 'ID': v = String(isoDayOfWeek(tm.days)); break;
      case 'FF1': case 'FF2': case 'FF3': case 'FF4': case 'FF5': case 'FF6': {
        const digits = Number(n.key.id[2]);
        v = String(Math.trunc(tm.usec / 10 ** (6 - digits))).padStart(digits, '0');
        break;
      }
      case 'HH24': v = num(tm.hour, 2); break;
      case 'HH': v = num(hour12, 2); break;
      case 'IW': v = num(isoWeekOf(tm).week, 2); break;
      case 'IYYY': v = num(iso(), 4); break;
      case 'IYY': v = num(iso() % 1000, 3); break;
      case 'IY': v = num(iso() % 100, 2); break;
      case 'I': v = String(iso() % 10); break;
      case 'J': v = String(tm.days + 2451545); break;
      case 'MI': v = num(tm.minute, 2); break;
      case 'MM': v = num(tm.month, 2); break;
      case 'MONTH': v = name(MONTHS[tm.month - 1]!, true); break;
      case 'MON': v = cased(MONTHS[tm.month - 1]!.slice(0, 3), n.key.name); break;
      // MS and US ignore FM, as PostgreSQL's.
      case 'MS': v = String(Math.trunc(tm.usec / 1000)).padStart(3, '0'); break;
      case 'OF':
        v = `${offset >= 0 ? '+' : '-'}${fm ? String(Math.floor(absOff / 3600)) : String(Math.floor(absOff / 3600)).padStart(2, '0')}`;
        if (absOff % 3600 !== 0) v += `:${String(Math.floor((absOff % 3600) / 60)).padStart(2, '0')}`;
        break;
      case 'TZH': v = `${offset >= 0 ? '+' : '-'}${String(Math.floor(absOff / 3600)).padStart(2, '0')}`; break;
      case 'TZM': v = String(Math.floor(absOff / 60) % 60).padStart(2, '0'); break;
      case 'Q': v = String(Math.trunc((tm.month - 1) / 3) + 1); break;
      case 'RM': {
        const roman = ROMAN_MONTHS[tm.month - 1]!;
        v = n.key.name === 'rm' ? roman.toLowerCase() : roman;
        if (!fm) v = v.padEnd(4, ' ');
        break;
      }
      case 'SSSS': v = String(tm.hour * 3600 + tm.minute * 60 + tm.second); break;
      case 'SS': v = num(tm.second, 2); break;
      // As tzdata spells it (`ChST`); `tz` lower-cases it (DCH_tz).
      case 'TZ': v = zone === null ? '' : n.key.name === 'tz' ? zoneAbbrevAt(zone, us).toLowerCase() : zoneAbbrevAt(zone, us); break;
      case 'US': v = String(tm.usec).padStart(6, '0'); break;
      case 'WW': v = num(Math.trunc((dayOfYear(tm) - 1) / 7) + 1, 2); break;
      case 'W': v = String(Math.trunc((tm.day - 1) / 7) + 1); break;
      case 'Y,YYY': v = `${Math.trunc(tm.year / 1000)},${String(tm.year % 1000).padStart(3, '0')}`; break;
      case 'YYYY': v = num(tm.year, 4); break;
      case 'YYY': v = num(tm.year % 1000, 3); break;
      case 'YY': v = num(tm.year % 100, 2); break;
      default: v = String(tm.year % 10); break;
    }
    out += n.th !== null && ORDINAL_FIELDS.has(n.key.id) ? v + ordinal(v, n.th === 'TH') : v;
  }
  return out;
}
