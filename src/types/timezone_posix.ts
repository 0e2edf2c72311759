/**
 * POSIX TZ strings (`EST5EDT4,M3.2.0/2,M11.1.0/2`, `CET-1CEST,M3.5.0,M10.5.0/3`,
 * `<+03>-3<+04>,M3.5.0,M10.5.0`, `x7y`, `UTC+3`), read as PostgreSQL's pg_tzset reads a name
 * that is no zone file: tzcode's tzparse / getrule / transtime (src/timezone/localtime.c),
 * learned from, not copied. The grammar, on the upper-cased text (pg_tzset upper-cases it):
 *
 *     std offset [dst [offset] [,rule,rule]]
 *
 * - a name is letters and anything else but digits, `,`, `+` and `-` (`UTC`, `X`, `A B`), or
 *   any text in `<...>` (`<+03>`); std may be empty (PostgreSQL allows it, unlike IANA);
 * - an offset is `[+-]hh[:mm[:ss]]`, hours WEST of Greenwich, at most 167 (a week less an
 *   hour), minutes at most 59, seconds at most 60; dst's offset defaults to one hour east of std;
 * - a rule is `Jn` (1..365, February 29 never counted), `n` (0..365, counted) or `Mm.w.d`
 *   (month 1..12, week 1..5 where 5 is the last, weekday 0..6 from Sunday), then `/time`, a
 *   signed offset as above (tzcode allows times past 24h and negative ones, `M3.2.0/-2`,
 *   `M10.4.6/26`), 02:00 by default; the first rule starts daylight-saving time in standard
 *   local time, the second ends it in daylight-saving local time;
 * - with a dst name and no rules, PostgreSQL uses the US rules `,M3.2.0,M11.1.0` for every year
 *   (it ships no `posixrules` file; checked against PostgreSQL 18: `x7y` is -06 in July 2006,
 *   1986 and 1900 alike, and -07 in January).
 *
 * The rules hold for every year, as tzcode's 400-year repetition makes them. Per year, as
 * tzparse: the two instants are computed; if the end comes before the start (the southern
 * hemisphere) they swap and the year starts in daylight-saving time; a year whose
 * daylight-saving period is empty, or as long as the year and the shift of the clocks, has no
 * transitions; a zone with none in any year keeps daylight-saving time always.
 */
// datetime.ts imports this module through timezone.ts; only functions read these, after both load.
import { daysFromCivil, isLeap, MONTH_DAYS, PG_EPOCH_DAYS } from './datetime.js';

/** One transition rule of a POSIX TZ string (tzcode's `struct rule`). */
export interface PosixRule {
  /** `J`: day 1..365 without February 29; `n`: day 0..365 counted from 0; `M`: month, week, weekday. */
  kind: 'julian' | 'day' | 'month';
  day: number;
  /** `M` rules: 1..5 (5 = the last such weekday of the month). */
  week: number;
  /** `M` rules: 1..12. */
  month: number;
  /** Seconds after local midnight (may be negative or past a day). */
  timeSec: number;
}

/** A POSIX TZ string with daylight-saving time. Offsets are seconds EAST of UTC. */
export interface PosixZone {
  kind: 'posix';
  stdAbbrev: string;
  stdOffsetSec: number;
  dstAbbrev: string;
  dstOffsetSec: number;
  start: PosixRule;
  end: PosixRule;
  /** No year has a transition: daylight-saving time always (tzparse's "perpetual DST"). */
  perpetualDst: boolean;
}

/** A POSIX TZ string without daylight-saving time: a fixed offset named by its abbreviation. */
export interface PosixFixed {
  kind: 'fixed';
  offsetSec: number;
  abbrev: string;
}

/** pg_tzset's TZ_STRLEN_MAX: longer names are refused before parsing. */
const NAME_LENGTH_MAX = 255;
/** tzcode's HOURSPERDAY * DAYSPERWEEK - 1: the largest hours of an offset or rule time. */
const HOURS_MAX = 167;
/** tzcode's chars array (2 * (MY_TZNAME_MAX + 1)): both names and their terminators must fit. */
const ABBREV_CHARS_MAX = 512;
const DAY_SEC = 86_400;
/** The rules PostgreSQL uses when a dst name has none (TZDEFRULESTRING). */
const DEFAULT_RULES = ',M3.2.0,M11.1.0';

/** A cursor over the text being parsed. */
interface Cursor {
  s: string;
  i: number;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** getnum: digits in [min, max] (the value checked as each digit is read), or null. */
function num(p: Cursor, min: number, max: number): number | null {
  if (!isDigit(p.s[p.i])) return null;
  let n = 0;
  do {
    n = n * 10 + (p.s.charCodeAt(p.i) - 48);
    if (n > max) return null;
    p.i++;
  } while (isDigit(p.s[p.i]));
  return n < min ? null : n;
}

/** getsecs: `hh[:mm[:ss]]` as seconds, or null. */
function secs(p: Cursor): number | null {
  const h = num(p, 0, HOURS_MAX);
  if (h === null) return null;
  let out = h * 3600;
  if (p.s[p.i] === ':') {
    p.i++;
    const m = num(p, 0, 59);
    if (m === null) return null;
    out += m * 60;
    if (p.s[p.i] === ':') {
      p.i++;
      const s = num(p, 0, 60); // 60 allows a leap second
      if (s === null) return null;
      out += s;
    }
  }
  return out;
}

/** getoffset: `[+-]hh[:mm[:ss]]` as signed seconds (the sign as written: west positive). */
function offset(p: Cursor): number | null {
  let neg = false;
  if (p.s[p.i] === '-') {
    neg = true;
    p.i++;
  } else if (p.s[p.i] === '+') p.i++;
  const v = secs(p);
  return v === null ? null : neg ? -v : v;
}

/** getzname / getqzname: a name, unquoted or in `<...>`; null when a `<` is not closed. */
function zname(p: Cursor): string | null {
  if (p.s[p.i] === '<') {
    const close = p.s.indexOf('>', p.i + 1);
    if (close < 0) return null;
    const name = p.s.slice(p.i + 1, close);
    p.i = close + 1;
    return name;
  }
  const from = p.i;
  for (let c = p.s[p.i]; c !== undefined && !isDigit(c) && c !== ',' && c !== '-' && c !== '+'; c = p.s[++p.i]);
  return p.s.slice(from, p.i);
}

/** getrule: `Jn`, `n` or `Mm.w.d`, then `/time` (02:00 when absent). */
function rule(p: Cursor): PosixRule | null {
  let r: PosixRule;
  const c = p.s[p.i];
  if (c === 'J') {
    p.i++;
    const day = num(p, 1, 365);
    if (day === null) return null;
    r = { kind: 'julian', day, week: 0, month: 0, timeSec: 0 };
  } else if (c === 'M') {
    p.i++;
    const month = num(p, 1, 12);
    if (month === null || p.s[p.i++] !== '.') return null;
    const week = num(p, 1, 5);
    if (week === null || p.s[p.i++] !== '.') return null;
    const day = num(p, 0, 6);
    if (day === null) return null;
    r = { kind: 'month', day, week, month, timeSec: 0 };
  } else if (isDigit(c)) {
    const day = num(p, 0, 365);
    if (day === null) return null;
    r = { kind: 'day', day, week: 0, month: 0, timeSec: 0 };
  } else return null;
  if (p.s[p.i] === '/') {
    p.i++;
    const t = offset(p);
    if (t === null) return null;
    r.timeSec = t;
  } else r.timeSec = 2 * 3600;
  return r;
}

/**
 * Reads `text` as pg_tzset's tzparse does (see the module comment): a fixed zone when it has
 * no daylight-saving name, else a {@link PosixZone}; null when it is not a POSIX TZ string.
 * Callers try zone files (IANA names) first, as pg_tzset does: `EST5EDT` and `Etc/GMT+5` are
 * files, not POSIX strings.
 */
export function parsePosixZone(text: string): PosixFixed | PosixZone | null {
  if (text.length > NAME_LENGTH_MAX) return null;
  // pg_tzset never reads a name starting with `:` as a POSIX string (it would name a file).
  if (text.startsWith(':')) return null;
  const p: Cursor = { s: text.toUpperCase(), i: 0 };
  const std = zname(p);
  if (std === null || p.i >= p.s.length) return null;
  const stdWest = offset(p);
  if (stdWest === null) return null;
  if (std.length + 1 > ABBREV_CHARS_MAX) return null;
  if (p.i >= p.s.length) return { kind: 'fixed', offsetSec: -stdWest, abbrev: std };
  const dst = zname(p);
  if (dst === null || dst.length === 0 || std.length + dst.length + 2 > ABBREV_CHARS_MAX) return null;
  let dstWest = stdWest - 3600;
  if (p.i < p.s.length && p.s[p.i] !== ',') {
    const o = offset(p);
    if (o === null) return null;
    dstWest = o;
  }
  let q = p;
  if (p.i >= p.s.length) q = { s: DEFAULT_RULES, i: 0 };
  if (q.s[q.i] !== ',') return null;
  q.i++;
  const start = rule(q);
  if (start === null || q.s[q.i++] !== ',') return null;
  const end = rule(q);
  if (end === null || q.i !== q.s.length) return null;
  const zone: PosixZone = {
    kind: 'posix', stdAbbrev: std, stdOffsetSec: -stdWest, dstAbbrev: dst, dstOffsetSec: -dstWest, start, end, perpetualDst: false,
  };
  // Calendars repeat every 400 years: a zone with no transition in one cycle has none ever.
  let any = false;
  const pair = new Float64Array(4);
  for (let y = 2000; y < 2400 && !any; y++) any = yearTransitions(zone, y, pair);
  zone.perpetualDst = !any;
  return zone;
}

/** transtime: seconds from January 1 00:00 UTC of `year` to the instant `r` takes effect at `westSec`. */
function transitionSec(year: number, r: PosixRule, westSec: number): number {
  const leap = isLeap(year);
  let day: number;
  if (r.kind === 'julian') day = r.day - 1 + (leap && r.day >= 60 ? 1 : 0);
  else if (r.kind === 'day') day = r.day;
  else {
    const first = daysFromCivil(year, r.month, 1);
    // 1970-01-01 (day 0) was a Thursday (4).
    const dow = (((first + 4) % 7) + 7) % 7;
    let d = r.day - dow;
    if (d < 0) d += 7;
    const monthDays = r.month === 2 && leap ? 29 : MONTH_DAYS[r.month - 1]!;
    for (let i = 1; i < r.week && d + 7 < monthDays; i++) d += 7;
    day = first - daysFromCivil(year, 1, 1) + d;
  }
  return day * DAY_SEC + r.timeSec + westSec;
}

/**
 * The transitions of `year` as tzparse makes them, into `out`: [at0, dst0, at1, dst1] with
 * `at` in seconds since 2000-01-01 UTC and `dst` 1 or 0 (the state from that instant on), in
 * time order. Returns false when the year has none.
 */
function yearTransitions(z: PosixZone, year: number, out: Float64Array): boolean {
  let start = transitionSec(year, z.start, -z.stdOffsetSec);
  let end = transitionSec(year, z.end, -z.dstOffsetSec);
  const reversed = end < start;
  if (reversed) [start, end] = [end, start];
  // tzparse compares the daylight-saving period with the year plus the hour the clocks move:
  // `J1/0,J365/25` spans a whole year of local time and still has its two transitions.
  const yearSec = (isLeap(year) ? 366 : 365) * DAY_SEC + (z.dstOffsetSec - z.stdOffsetSec);
  if (!reversed && !(start < end && end - start < yearSec)) return false;
  const jan1 = (daysFromCivil(year, 1, 1) - PG_EPOCH_DAYS) * DAY_SEC;
  out[0] = jan1 + start;
  out[1] = reversed ? 0 : 1;
  out[2] = jan1 + end;
  out[3] = reversed ? 1 : 0;
  return true;
}

/** The UTC civil year of `sec` seconds since 2000-01-01 UTC. */
function yearOf(sec: number): number {
  const days = Math.floor(sec / DAY_SEC) + PG_EPOCH_DAYS;
  // 146097 days are 400 years; the estimate is corrected by at most one year.
  let y = 1970 + Math.floor((days * 400) / 146_097);
  while (daysFromCivil(y, 1, 1) > days) y--;
  while (daysFromCivil(y + 1, 1, 1) <= days) y++;
  return y;
}

/**
 * The transitions of the years `y - 1` to `y + 1` in the order tzcode's table holds them (by
 * year, then by time), and the state before the first of them: a rule's time may move its
 * instant into the year before or after (`J1/-2`, `J365/26`), and two years' instants may
 * coincide (`J1/0,J365/25`), where the later entry of the table wins, as in tzcode.
 */
interface TransitionWindow {
  ats: number[];
  dst: number[];
  /** The state (1 = daylight-saving) in force before `ats[0]`. */
  initial: number;
}

function transitionWindow(z: PosixZone, y: number): TransitionWindow {
  const pair = new Float64Array(4);
  const ats: number[] = [];
  const dst: number[] = [];
  for (let year = y - 1; year <= y + 1; year++) {
    if (!yearTransitions(z, year, pair)) continue;
    ats.push(pair[0]!, pair[2]!);
    dst.push(pair[1]!, pair[3]!);
  }
  // The state before the window: the last transition of the nearest earlier year that has one
  // (calendars repeat every 400 years, and a zone that is not perpetual DST has one in each cycle).
  let initial = 1;
  for (let year = y - 2; year >= y - 402; year--) {
    if (yearTransitions(z, year, pair)) {
      initial = pair[3]!;
      break;
    }
  }
  return { ats, dst, initial };
}

/** Whether daylight-saving time is in force in `z` at `utcSec` (seconds since 2000-01-01 UTC). */
export function posixIsDst(z: PosixZone, utcSec: number): boolean {
  if (z.perpetualDst) return true;
  const w = transitionWindow(z, yearOf(utcSec));
  // tzcode's localsub: the last entry at or before the instant.
  let state = w.initial;
  for (let i = 0; i < w.ats.length; i++) if (w.ats[i]! <= utcSec) state = w.dst[i]!;
  return state === 1;
}

/**
 * The offset of `z` that local time `localSec` (seconds since 2000-01-01, local) is read with:
 * PostgreSQL's DetermineTimeZoneOffsetInternal over tzcode's table, exactly, so degenerate
 * rules (two transitions at one instant, periods shorter than a day) read as PostgreSQL reads
 * them. The first transition after the local time less a day is the boundary; the local time
 * read with the offsets before and after it picks the side; a time in a gap takes the offset
 * before it, one in an overlap the offset after it.
 */
export function posixLocalOffset(z: PosixZone, localSec: number): number {
  if (z.perpetualDst) return z.dstOffsetSec;
  const prec = localSec - DAY_SEC;
  const off = (dst: number): number => (dst === 1 ? z.dstOffsetSec : z.stdOffsetSec);
  // pg_next_dst_boundary: the first entry after `prec`, and the state before it.
  for (let y = yearOf(prec); ; y++) {
    const w = transitionWindow(z, y);
    let state = w.initial;
    for (let i = 0; i < w.ats.length; i++) {
      const at = w.ats[i]!;
      if (at > prec) {
        const before = off(state);
        const after = off(w.dst[i]!);
        const beforeTime = localSec - before;
        const afterTime = localSec - after;
        if (beforeTime < at && afterTime < at) return before;
        if (beforeTime >= at && afterTime >= at) return after;
        return beforeTime > afterTime ? before : after;
      }
      state = w.dst[i]!;
    }
  }
}

/** The offset (seconds east) of `z` at `utcSec`. */
export function posixOffsetAt(z: PosixZone, utcSec: number): number {
  return posixIsDst(z, utcSec) ? z.dstOffsetSec : z.stdOffsetSec;
}

/** The abbreviation of `z` at `utcSec` (to_char's TZ). */
export function posixAbbrevAt(z: PosixZone, utcSec: number): string {
  return posixIsDst(z, utcSec) ? z.dstAbbrev : z.stdAbbrev;
}
