/**
 * to_timestamp(text, text) and to_date(text, text): the input read by a template, as
 * PostgreSQL's formatting.c does it (DCH_from_char into a TmFromChar, then do_to_timestamp),
 * in its default, non-standard mode: outside FX, spaces before a field and after it are
 * skipped, a template space or separator matches one space or separator of the input or
 * nothing, another template character skips one input character (or one extra space skipped
 * before), and a numeric field reads its width unless FM is given or a non-digit node follows
 * (then as many digits as there are). Fields left out take 0001-01-01 BC 00:00:00's values, as
 * PostgreSQL's (year 0).
 *
 * Not read here, 0A000: the TZ pattern (time zone abbreviations), which needs PostgreSQL's
 * abbreviation table.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { parseDchFormat, isCSpace, isSeparatorChar, type DchNode, type DchKeyword } from './datetime_format.js';
import { daysFromCivil, isLeap, MONTH_DAYS, PG_EPOCH_DAYS, TIMESTAMP_START_DAYS, TIMESTAMP_END_DAYS, DATE_END_DAYS } from './datetime.js';
import { adjustTimestampTypmod, checkTimestamp } from './datetime_funcs.js';
import { localToUtc, type TimeZone } from './timezone.js';

const MONTHS_FULL = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTHS_SHORT = MONTHS_FULL.map((m) => m.slice(0, 3));
const DAYS_FULL = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAYS_SHORT = DAYS_FULL.map((d) => d.slice(0, 3));
const AMPM = ['am', 'pm', 'AM', 'PM'];
const AMPM_LONG = ['a.m.', 'p.m.', 'A.M.', 'P.M.'];
const ADBC = ['ad', 'bc', 'AD', 'BC'];
const ADBC_LONG = ['a.d.', 'b.c.', 'A.D.', 'B.C.'];
/** Roman months, December first (rm_months_lower): the index is 12 - month. */
const RM_MONTHS = ['xii', 'xi', 'x', 'ix', 'viii', 'vii', 'vi', 'v', 'iv', 'iii', 'ii', 'i'];

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const USECS_PER_DAY = 86_400_000_000n;

/** The fields read from the input (TmFromChar); 0 is "not given". */
interface FromChar {
  mode: 'none' | 'gregorian' | 'isoweek';
  hh: number; pm: number; mi: number; ss: number; ssss: number; d: number; dd: number; ddd: number; mm: number;
  ms: number; year: number; bc: number; ww: number; w: number; cc: number; j: number; us: number; yysz: number;
  clock12: boolean; tzsign: number; tzh: number; tzm: number; ff: number;
}

type IntField = 'hh' | 'pm' | 'mi' | 'ss' | 'ssss' | 'd' | 'dd' | 'ddd' | 'mm' | 'ms' | 'year' | 'bc' | 'ww' | 'w' | 'cc' | 'j' | 'us' | 'tzh' | 'tzm';

const badFormat = (message: string, extra: { detail?: string; hint?: string } = {}): PgError =>
  new PgError('22007', message, extra);
const NOT_FIXED_WIDTH = 'If your source string is not fixed-width, try using the "FM" modifier.';

/** The reading position in the input and the fields read so far. */
class Reader {
  pos = 0;
  readonly f: FromChar = {
    mode: 'none', hh: 0, pm: 0, mi: 0, ss: 0, ssss: 0, d: 0, dd: 0, ddd: 0, mm: 0, ms: 0, year: 0, bc: 0, ww: 0, w: 0, cc: 0,
    j: 0, us: 0, yysz: 0, clock12: false, tzsign: 0, tzh: 0, tzm: 0, ff: 0,
  };

  constructor(readonly input: string, readonly nodes: readonly DchNode[]) {}

  /** from_char_set_int: a field given twice must agree. @throws PgError 22007. */
  set(field: IntField, value: number, key: DchKeyword): void {
    const had = this.f[field];
    if (had !== 0 && had !== value) {
      throw badFormat(`conflicting values for "${key.name}" field in formatting string`, { detail: 'This value contradicts a previous setting for the same field type.' });
    }
    this.f[field] = value;
  }

  /** True when the node after `idx` cannot be part of a number (is_next_separator). */
  private nextIsSeparator(idx: number): boolean {
    const n = this.nodes[idx]!;
    if (n.kind === 'action' && n.th !== null) return true;
    const next = this.nodes[idx + 1];
    if (next === undefined) return true;
    if (next.kind === 'action') return !next.key.isDigit;
    return !(next.ch.length === 1 && next.ch >= '0' && next.ch <= '9');
  }

  /**
   * from_char_parse_int_len: an integer of `len` characters (any number with FM or before a
   * non-digit node), stored in `field` unless null. Returns the characters consumed.
   * @throws PgError 22007 too short / not an integer, 22008 beyond int4.
   */
  int(field: IntField | null, len: number, idx: number): number {
    const n = this.nodes[idx] as Extract<DchNode, { kind: 'action' }>;
    const init = this.pos;
    const s = this.input;
    let p = init;
    while (p < s.length && isCSpace(s[p])) p++;
    const copy = s.slice(p, p + len);
    let value: number;
    if (n.fm || this.nextIsSeparator(idx)) {
      // strtol from the start: spaces, a sign, then as many digits as there are.
      const m = /^[ \t\n\r\v\f]*[+-]?\d+/.exec(s.slice(init));
      if (m === null) throw badFormat(`invalid value "${copy}" for "${n.key.name}"`, { detail: 'Value must be an integer.' });
      value = Number(m[0].trim());
      p = init + m[0].length;
    } else {
      if (copy.length < len) {
        throw badFormat(`source string too short for "${n.key.name}" formatting field`, { detail: `Field requires ${len} characters, but only ${copy.length} remain.`, hint: NOT_FIXED_WIDTH });
      }
      const m = /^[ \t\n\r\v\f]*[+-]?\d+/.exec(copy);
      const used = m === null ? 0 : m[0].length;
      if (used > 0 && used < len) {
        throw badFormat(`invalid value "${copy}" for "${n.key.name}"`, { detail: `Field requires ${len} characters, but only ${used} could be parsed.`, hint: NOT_FIXED_WIDTH });
      }
      // strtol reads nothing: 0, and an error only when no space was skipped either (the
      // `*src == init` test of from_char_parse_int_len).
      if (used === 0 && p === init) throw badFormat(`invalid value "${copy}" for "${n.key.name}"`, { detail: 'Value must be an integer.' });
      value = used === 0 ? 0 : Number(m![0].trim());
      p += used;
    }
    if (!(value >= INT_MIN && value <= INT_MAX)) {
      throw new PgError('22008', `value for "${n.key.name}" in source string is out of range`, { detail: `Value must be in the range ${INT_MIN} to ${INT_MAX}.` });
    }
    this.pos = p;
    if (field !== null) this.set(field, value, n.key);
    return p - init;
  }

  /** from_char_seq_search: the first word of `words` the input starts with (ASCII case-insensitive), as its index. @throws PgError 22007. */
  word(words: readonly string[], key: DchKeyword): number {
    const rest = this.input.slice(this.pos);
    const lower = rest.toLowerCase();
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!.toLowerCase();
      if (lower.startsWith(w)) {
        this.pos += w.length;
        return i;
      }
    }
    const shown = rest.split(/[ \t\n\r\v\f]/)[0]!;
    throw badFormat(`invalid value "${shown}" for "${key.name}"`, { detail: 'The given value did not match any of the allowed values for this field.' });
  }

  /** SKIP_THth: an ordinal suffix after the number (two characters). */
  skipTh(idx: number): void {
    const n = this.nodes[idx] as Extract<DchNode, { kind: 'action' }>;
    if (n.th === null) return;
    for (let k = 0; k < 2 && this.pos < this.input.length; k++) this.pos += charLength(this.input, this.pos);
  }
}

function charLength(s: string, at: number): number {
  return s.codePointAt(at)! > 0xffff ? 2 : 1;
}

/** adjust_partial_year_to_2020: '70' is 1970, '69' 2069, '519' 2519, '520' 1520. */
function adjustPartialYear(year: number): number {
  if (year < 70) return year + 2000;
  if (year < 100) return year + 1900;
  if (year < 520) return year + 2000;
  if (year < 1000) return year + 1000;
  return year;
}

/** DCH_from_char in its non-standard mode: the fields of `input` read by `fmt`. */
function readFields(input: string, fmt: string): FromChar {
  const nodes = parseDchFormat(fmt);
  const r = new Reader(input, nodes);
  const s = input;
  let fx = false;
  let extraSkip = 0;
  for (let idx = 0; idx < nodes.length && r.pos < s.length; idx++) {
    const n = nodes[idx]!;
    if (!fx && !(n.kind === 'action' && n.key.id === 'FX') && (n.kind === 'action' || idx === 0)) {
      while (r.pos < s.length && isCSpace(s[r.pos])) {
        r.pos++;
        extraSkip++;
      }
    }
    if (n.kind === 'space' || n.kind === 'separator') {
      if (!fx) {
        extraSkip--;
        if (isCSpace(s[r.pos]) || isSeparatorChar(s[r.pos])) {
          r.pos++;
          extraSkip++;
        }
      } else r.pos += charLength(s, r.pos);
      continue;
    }
    if (n.kind !== 'action') {
      // Another character: skips one input character, or one extra space skipped before.
      if (fx || extraSkip <= 0) r.pos += charLength(s, r.pos);
      else extraSkip--;
      continue;
    }
    const key = n.key;
    if (key.mode !== 'none') {
      if (r.f.mode === 'none') r.f.mode = key.mode;
      else if (r.f.mode !== key.mode) {
        throw badFormat('invalid combination of date conventions', { hint: 'Do not mix Gregorian and ISO week date conventions in a formatting template.' });
      }
    }
    switch (key.id) {
      case 'FX': fx = true; break;
      case 'A.M.': r.set('pm', r.word(AMPM_LONG, key) % 2, key); r.f.clock12 = true; break;
      case 'AM': r.set('pm', r.word(AMPM, key) % 2, key); r.f.clock12 = true; break;
      case 'HH': r.int('hh', 2, idx); r.f.clock12 = true; r.skipTh(idx); break;
      case 'HH24': r.int('hh', 2, idx); r.skipTh(idx); break;
      case 'MI': r.int('mi', 2, idx); r.skipTh(idx); break;
      case 'SS': r.int('ss', 2, idx); r.skipTh(idx); break;
      case 'MS': {
        // 25 is 0.25 and 250 is 0.25 too; 025 is 0.025.
        const len = r.int('ms', 3, idx);
        r.f.ms *= len === 1 ? 100 : len === 2 ? 10 : 1;
        r.skipTh(idx);
        break;
      }
      case 'FF1': case 'FF2': case 'FF3': case 'FF4': case 'FF5': case 'FF6':
      case 'US': {
        if (key.id !== 'US') r.f.ff = Number(key.id[2]);
        const len = r.int('us', key.id === 'US' ? 6 : r.f.ff, idx);
        r.f.us *= len === 1 ? 100000 : len === 2 ? 10000 : len === 3 ? 1000 : len === 4 ? 100 : len === 5 ? 10 : 1;
        r.skipTh(idx);
        break;
      }
      case 'SSSS': r.int('ssss', key.name.length, idx); r.skipTh(idx); break;
      case 'TZ': throw new PgError(SQLSTATE.feature_not_supported, `to_timestamp() pattern "${key.name}" (a time zone abbreviation) is not supported`);
      case 'OF': case 'TZH': {
        // A negative offset's minus may have been skipped as a separator.
        const c = s[r.pos];
        if (c === '+' || c === '-' || c === ' ') {
          r.f.tzsign = c === '-' ? -1 : 1;
          r.pos++;
        } else r.f.tzsign = extraSkip > 0 && s[r.pos - 1] === '-' ? -1 : 1;
        r.int('tzh', 2, idx);
        if (key.id === 'OF' && s[r.pos] === ':') {
          r.pos++;
          r.int('tzm', 2, idx);
        }
        break;
      }
      case 'TZM':
        if (r.f.tzsign === 0) r.f.tzsign = 1;
        r.int('tzm', 2, idx);
        break;
      case 'A.D.': r.set('bc', r.word(ADBC_LONG, key) % 2, key); break;
      case 'AD': r.set('bc', r.word(ADBC, key) % 2, key); break;
      case 'MONTH': r.set('mm', r.word(MONTHS_FULL, key) + 1, key); break;
      case 'MON': r.set('mm', r.word(MONTHS_SHORT, key) + 1, key); break;
      case 'MM': r.int('mm', 2, idx); r.skipTh(idx); break;
      case 'DAY': r.set('d', r.word(DAYS_FULL, key), key); r.f.d++; break;
      case 'DY': r.set('d', r.word(DAYS_SHORT, key), key); r.f.d++; break;
      case 'DDD': r.int('ddd', 3, idx); r.skipTh(idx); break;
      case 'IDDD': r.int('ddd', 3, idx); r.skipTh(idx); break;
      case 'DD': r.int('dd', 2, idx); r.skipTh(idx); break;
      case 'D': r.int('d', 1, idx); r.skipTh(idx); break;
      case 'ID':
        r.int('d', 1, idx);
        // Sunday is 1, as in the Gregorian numbering.
        if (++r.f.d > 7) r.f.d = 1;
        r.skipTh(idx);
        break;
      case 'WW': case 'IW': r.int('ww', 2, idx); r.skipTh(idx); break;
      // Q is read and ignored: which date of the quarter would be a guess.
      case 'Q': r.int(null, 1, idx); r.skipTh(idx); break;
      case 'CC': r.int('cc', 2, idx); r.skipTh(idx); break;
      case 'Y,YYY': {
        // sscanf("%d,%03d"): thousands, a comma, then up to three digits.
        const m = /^[ \t\n\r\v\f]*([+-]?\d+),[ \t\n\r\v\f]*([+-]?\d{1,3})/.exec(s.slice(r.pos));
        if (m === null) throw badFormat(`invalid value "${s.slice(r.pos)}" for "Y,YYY"`);
        const years = Number(m[1]) * 1000 + Number(m[2]);
        if (!(years >= INT_MIN && years <= INT_MAX) || !(Number(m[1]) * 1000 >= INT_MIN && Number(m[1]) * 1000 <= INT_MAX)) {
          throw new PgError('22008', 'value for "Y,YYY" in source string is out of range');
        }
        r.set('year', years, key);
        r.f.yysz = 4;
        r.pos += m[0].length;
        r.skipTh(idx);
        break;
      }
      case 'YYYY': case 'IYYY': r.int('year', 4, idx); r.f.yysz = 4; r.skipTh(idx); break;
      case 'YYY': case 'IYY': case 'YY': case 'IY': case 'Y': case 'I': {
        const width = key.id.length;
        if (r.int('year', width, idx) < 4) r.f.year = adjustPartialYear(r.f.year);
        r.f.yysz = width;
        r.skipTh(idx);
        break;
      }
      case 'RM': r.set('mm', 12 - r.word(RM_MONTHS, key), key); break;
      case 'W': r.int('w', 1, idx); r.skipTh(idx); break;
      case 'J': r.int('j', 1, idx); r.skipTh(idx); break;
    }
    if (!fx) {
      extraSkip = 0;
      while (r.pos < s.length && isCSpace(s[r.pos])) {
        r.pos++;
        extraSkip++;
      }
    }
  }
  return r.f;
}

/** The date and time do_to_timestamp makes of the fields; `offset`: seconds east of UTC when the input gave one. */
interface FromCharResult {
  year: number;
  month: number;
  day: number;
  /** Microseconds since midnight. */
  timeUs: bigint;
  offset: number | null;
  /** FFn's digits, 0 when none. */
  fprec: number;
}

const fieldOverflow = (text: string): PgError => new PgError('22008', `date/time field value out of range: "${text}"`);

/** do_to_timestamp: the fields of `input` read by `fmt`, checked and put together. */
function doToTimestamp(input: string, fmt: string): FromCharResult {
  const f = fmt === '' ? readFields('', '') : readFields(input, fmt);
  let hour = 0;
  let min = 0;
  let sec = 0;
  if (f.ssss !== 0) {
    hour = Math.trunc(f.ssss / 3600);
    min = Math.trunc((f.ssss % 3600) / 60);
    sec = f.ssss % 60;
  }
  if (f.ss !== 0) sec = f.ss;
  if (f.mi !== 0) min = f.mi;
  if (f.hh !== 0) hour = f.hh;
  if (f.clock12) {
    if (hour < 1 || hour > 12) {
      throw badFormat(`hour "${hour}" is invalid for the 12-hour clock`, { hint: 'Use the 24-hour clock, or give an hour between 1 and 12.' });
    }
    if (f.pm !== 0 && hour < 12) hour += 12;
    else if (f.pm === 0 && hour === 12) hour = 0;
  }
  let year = 0;
  let month = 1;
  let day = 1;
  let hasYear = false;
  let hasMonth = false;
  let hasDay = false;
  if (f.year !== 0) {
    if (f.cc !== 0 && f.yysz <= 2) {
      // YY in century CC: the 21st century runs from 2001 to 2100.
      const cc = f.bc !== 0 ? -f.cc : f.cc;
      year = f.year % 100;
      if (year !== 0) year = cc >= 0 ? year + (cc - 1) * 100 : (cc + 1) * 100 - year + 1;
      else year = cc * 100 + (cc >= 0 ? 0 : 1);
    } else {
      year = f.bc !== 0 ? -f.year : f.year;
      if (year < 0) year++;
    }
    if (!Number.isSafeInteger(year) || year < INT_MIN || year > INT_MAX) throw fieldOverflow(input);
    hasYear = true;
  } else if (f.cc !== 0) {
    const cc = f.bc !== 0 ? -f.cc : f.cc;
    year = cc >= 0 ? (cc - 1) * 100 + 1 : cc * 100 + 1;
    if (year < INT_MIN || year > INT_MAX) throw fieldOverflow(input);
    hasYear = true;
  }
  let dateFromJulian = false;
  if (f.j !== 0) {
    // Julian day 2451545 is 2000-01-01.
    dateFromJulian = true;
    hasYear = hasMonth = hasDay = true;
  }
  let ddd = f.ddd;
  let dd = f.dd;
  const setDays = (days: number): void => {
    [year, month, day] = civilOf(days);
  };
  if (dateFromJulian) setDays(f.j - 2451545);
  if (f.ww !== 0) {
    if (f.mode === 'isoweek') {
      // ISO week `ww` of ISO year `year`, on ISO day D (Monday when none is given).
      const monday = isoWeekStart(year, f.ww);
      setDays(f.d === 0 ? monday : monday + (f.d > 1 ? f.d - 2 : 6));
      hasYear = hasMonth = hasDay = true;
    } else ddd = (f.ww - 1) * 7 + 1;
  }
  if (f.w !== 0) dd = (f.w - 1) * 7 + 1;
  if (dd !== 0) {
    day = dd;
    hasDay = true;
  }
  if (f.mm !== 0) {
    month = f.mm;
    hasMonth = true;
  }
  if (ddd !== 0 && (month <= 1 || day <= 1)) {
    if (year === 0 && f.bc === 0) throw badFormat('cannot calculate day of year without year information');
    if (f.mode === 'isoweek') {
      // Day `ddd` of ISO year `year` (IDDD), counted from the Monday of its first week.
      setDays(isoWeekStart(year, 1) - 1 + ddd);
      hasYear = hasMonth = hasDay = true;
    } else {
      const ysum = cumulativeDays(isLeap(year));
      let i = 1;
      for (; i <= 12; i++) if (ddd <= ysum[i]!) break;
      if (month <= 1) month = i;
      if (day <= 1) day = ddd - ysum[i - 1]!;
      hasMonth = hasDay = true;
    }
  }
  let fsec = 0;
  if (f.ms !== 0) fsec += f.ms * 1000;
  if (f.us !== 0) fsec += f.us;
  // ValidateDate (the year as given: no two-digit or BC adjustment left to make).
  if (hasMonth && (month < 1 || month > 12)) throw fieldOverflow(input);
  if (hasDay && (day < 1 || day > 31)) throw fieldOverflow(input);
  if (hasYear && hasMonth && hasDay && day > (month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!)) throw fieldOverflow(input);
  if (hour < 0 || hour >= 24 || min < 0 || min >= 60 || sec < 0 || sec >= 60 || fsec < 0 || fsec >= 1_000_000) throw fieldOverflow(input);
  let offset: number | null = null;
  if (f.tzsign !== 0) {
    if (f.tzh < 0 || f.tzh > 15 || f.tzm < 0 || f.tzm >= 60) throw new PgError('22009', `time zone displacement out of range: "${input}"`);
    offset = f.tzsign * (f.tzh * 3600 + f.tzm * 60);
  }
  return { year, month, day, timeUs: BigInt(((hour * 60 + min) * 60 + sec) * 1_000_000 + fsec), offset, fprec: f.ff };
}

/** isoweek2j: the Monday of ISO week `week` of ISO year `year` (days since 2000-01-01). */
function isoWeekStart(year: number, week: number): number {
  const jan4 = daysFromCivil(year, 1, 4) - PG_EPOCH_DAYS;
  // 2000-01-01 was a Saturday: day 0 of the week (Sunday) is (days + 6) mod 7.
  const weekday = (((jan4 - 1 + 6) % 7) + 7) % 7;
  return (week - 1) * 7 + jan4 - weekday;
}

/** ysum of do_to_timestamp: days before each month (index 1..12), and the year's total at 12. */
function cumulativeDays(leap: boolean): number[] {
  const out = [0];
  for (let m = 0; m < 12; m++) out.push(out[m]! + (m === 1 && leap ? 29 : MONTH_DAYS[m]!));
  return out;
}

/** The civil date of a day count since 2000-01-01. */
function civilOf(days: number): [number, number, number] {
  // Hinnant's civil_from_days, from 1970-01-01.
  const z = days + PG_EPOCH_DAYS + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/**
 * to_timestamp(text, text): microseconds since 2000-01-01 UTC. The input's offset (TZH, TZM,
 * OF) when it gives one, else the local time in `zone` (the session's TimeZone). FFn rounds to
 * n digits.
 * @throws PgError 22007 for input the template does not read, 22008 out of range, 22009 zone
 *   displacement, 0A000 for TZ.
 */
export function toTimestampFromText(input: string, fmt: string, zone: TimeZone): bigint {
  const t = doToTimestamp(input, fmt);
  const days = daysFromCivil(t.year, t.month, t.day) - PG_EPOCH_DAYS;
  // Far outside the range no zone offset can bring back (tm2timestamp's IS_VALID_JULIAN).
  if (days < TIMESTAMP_START_DAYS - 2 || days > TIMESTAMP_END_DAYS + 2) throw new PgError('22008', 'timestamp out of range');
  const local = BigInt(days) * USECS_PER_DAY + t.timeUs;
  let us: bigint;
  try {
    us = checkTimestamp(t.offset !== null ? local - BigInt(t.offset) * 1_000_000n : localToUtc(zone, local));
  } catch {
    throw new PgError('22008', 'timestamp out of range');
  }
  return t.fprec !== 0 ? adjustTimestampTypmod(us, t.fprec) : us;
}

/**
 * to_date(text, text): days since 2000-01-01; time fields are read, checked and dropped.
 * @throws PgError as {@link toTimestampFromText}; 22008 `date out of range: "<input>"`.
 */
export function toDateFromText(input: string, fmt: string): number {
  const t = doToTimestamp(input, fmt);
  const days = daysFromCivil(t.year, t.month, t.day) - PG_EPOCH_DAYS;
  if (days < TIMESTAMP_START_DAYS || days >= DATE_END_DAYS) throw new PgError('22008', `date out of range: "${input}"`);
  return days;
}
