/**
 * Text input and output of PostgreSQL's `timestamp`, `timestamptz`, `date` and `time` in the
 * ISO DateStyle with the UTC time zone (datetime.c, timestamp.c, date.c), as PostgreSQL keeps
 * them: a timestamp is microseconds since 2000-01-01 00:00:00 (UTC for timestamptz) as a BigInt,
 * a date is days since 2000-01-01; both over the proleptic Gregorian calendar (date2j / j2date),
 * with `infinity` and `-infinity` as the extreme values. A time is microseconds since midnight
 * as a number, 0 to 24:00:00 ({@link parseTime} lists the forms it reads).
 *
 * Input accepted: `YYYY-MM-DD`, then optionally `T` or spaces and `HH:MM[:SS[.ffffff]]`, then
 * optionally a zone (`Z`, `UTC`, `GMT`, `+HH`, `+HHMM`, `+HH:MM`, `+HH:MM:SS`, a zone name or
 * abbreviation: `America/New_York`, `EST`, or a POSIX zone such as `x7` (7 hours west, as
 * pg_tzset reads a word run together with digits) or `x7y` (with US daylight-saving rules),
 * types/timezone.ts), then optionally
 * `BC` / `AD`; `epoch`, `infinity`, `-infinity`; and, given the clock ({@link DateTimeClock}),
 * `now` (the transaction's start), `today`, `tomorrow` and `yesterday` (midnight of that day in
 * the session's zone, optionally followed by a time and a zone: `tomorrow 10:30 +02`), as
 * datetime.c's DTK_NOW / DTK_TODAY / DTK_TOMORROW / DTK_YESTERDAY. PostgreSQL accepts many
 * more forms (month names, `MM/DD/YYYY`, ...): those are 0A000 here rather than a different
 * answer, and text that is not a date at all is PostgreSQL's 22007.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { findTimeZone, localToUtc, offsetAtUtc, type TimeZone } from './timezone.js';
import { rint } from '../common/rint.js';

/** Days from 0000-03-01-based civil date to 1970-01-01 (Hinnant's days_from_civil), proleptic Gregorian. */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day count since 1970-01-01 (Hinnant's civil_from_days). */
export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [y + (m <= 2 ? 1 : 0), m, d];
}

/** Days from 1970-01-01 to 2000-01-01 (PostgreSQL's epoch). */
export const PG_EPOCH_DAYS = 10957;
const USECS_PER_DAY = 86_400_000_000n;

/** The largest and smallest finite timestamps: 294277-01-01 00:00:00 (exclusive) and 4714-11-24 BC. */
export const TIMESTAMP_END_DAYS = daysFromCivil(294277, 1, 1) - PG_EPOCH_DAYS;
export const TIMESTAMP_START_DAYS = daysFromCivil(-4713, 11, 24) - PG_EPOCH_DAYS;
/** date's range: 4714-11-24 BC to 5874897-12-31. */
export const DATE_END_DAYS = daysFromCivil(5874898, 1, 1) - PG_EPOCH_DAYS;

/** timestamp's and timestamptz's `infinity` / `-infinity` (PostgreSQL's DT_NOEND / DT_NOBEGIN). */
export const TIMESTAMP_INFINITY = 9223372036854775807n;
export const TIMESTAMP_MINUS_INFINITY = -9223372036854775808n;
/** date's `infinity` / `-infinity`. */
export const DATE_INFINITY = 2147483647;
export const DATE_MINUS_INFINITY = -2147483648;

export type DateTimeType = 'timestamp' | 'timestamptz' | 'date';

const TYPE_TEXT: Record<DateTimeType, string> = {
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  date: 'date',
};

/** The type names the input functions give DateTimeParseError (timestamp_in says just "timestamp"). */
const INPUT_TYPE_TEXT: Record<DateTimeType, string> = {
  timestamp: 'timestamp',
  timestamptz: 'timestamp with time zone',
  date: 'date',
};

function badSyntax(type: DateTimeType, text: string): PgError {
  return new PgError('22007', `invalid input syntax for type ${INPUT_TYPE_TEXT[type]}: "${text}"`);
}

function outOfRange(text: string): PgError {
  return new PgError('22008', `date/time field value out of range: "${text}"`);
}

/** DTERR_MD_FIELD_OVERFLOW: a month or day field outside 1..12 / 1..31, which may be a DateStyle mix-up. */
function monthDayOutOfRange(text: string): PgError {
  return new PgError('22008', `date/time field value out of range: "${text}"`, { hint: 'Perhaps you need a different "DateStyle" setting.' });
}

/**
 * What the special inputs `now`, `today`, `tomorrow` and `yesterday` read, as PostgreSQL's
 * GetCurrentTimeUsec / GetCurrentDateTime: the start of the current transaction
 * (microseconds since 2000-01-01 UTC), its local date and time taken in the session's zone.
 * Called only when the text is one of those words (the analyzer notes that its analysis read
 * the clock). Where a caller has no transaction (index keys, a value read without a session)
 * it passes none, and the words are 0A000.
 */
export type DateTimeClock = (() => bigint) | undefined;

/** The input words that read the clock, and what follows them (of trimmed, lower-case text). */
const CLOCK_WORDS = /^(now|today|tomorrow|yesterday)(?:\s+(.*))?$/;

/** True when date/time input of `text` reads the clock: `now`, `today`, `tomorrow`, `yesterday` (and what may follow the day words). */
export function readsClock(text: string): boolean {
  return CLOCK_WORDS.test(text.trim().toLowerCase());
}

/** `<number> <interval unit>`: an interval, which no date/time input function reads. */
const INTERVAL_LIKE = /^\s*[+-]?\d+(\.\d+)?\s*(microseconds?|milliseconds?|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|mons?|years?|yrs?)\s*$/i;

export function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const ISO = /^\s*(\d{4,})-(\d{1,2})-(\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(?:(Z|UTC|GMT|[+-]\d+(?::\d+(?::\d+)?)?|(?!(?:BC|AD)\s*$)[A-Za-z][A-Za-z0-9_/+.:-]*))?\s*(BC|AD)?\s*$/i;

/** Words of datetime.c's datetktbl (ParseDateTime keeps letters found there apart from digits that follow). */
const DATETKTBL_WORDS: ReadonlySet<string> = new Set(
  ('ad allballs am apr april at aug august bc d dec december dow doy dst epoch feb february fri friday h infinity isodow isoyear j jan ' +
    'january jd jul julian july jun june m mar march may mm mon monday nov november now oct october on pm s sat saturday sep sept september ' +
    'sun sunday t thu thur thurs thursday today tomorrow tue tues tuesday wed wednesday weds y yesterday').split(' '),
);

/** The parts of a parsed ISO date/time. */
interface Parsed {
  days: number;
  usecs: bigint;
  /** Seconds east of UTC written in the text, or null when none was. */
  offset: number | null;
  /** A zone named in the text (`America/New_York`, `EST`): the local time is read in it. */
  zone: TimeZone | null;
}

function parseIso(text: string, type: DateTimeType, session?: TimeZone, clock?: DateTimeClock): Parsed | 'infinity' | '-infinity' {
  const t = text.trim().toLowerCase();
  if (t === 'infinity' || t === '+infinity') return 'infinity';
  if (t === '-infinity') return '-infinity';
  if (t === 'epoch') return { days: daysFromCivil(1970, 1, 1) - PG_EPOCH_DAYS, usecs: 0n, offset: 0, zone: null };
  const special = CLOCK_WORDS.exec(t);
  if (special !== null) return parseRelative(text, type, special[1]!, special[2], session, clock);
  // The words that set every field stand alone (DecodeDateTime: any other field conflicts).
  if (/^(epoch|infinity|[+-]infinity)\s/.test(t)) throw badSyntax(type, text);
  const m = ISO.exec(text);
  if (m === null) {
    // Something PostgreSQL may read that this parser does not: refuse honestly.
    if ((/\d/.test(text) && !INTERVAL_LIKE.test(text)) || /^\s*allballs\s*$/i.test(text)) {
      throw new PgError(SQLSTATE.feature_not_supported, `${TYPE_TEXT[type]} input "${text}" is not supported`);
    }
    throw badSyntax(type, text);
  }
  // PostgreSQL decodes the fields left to right: the time's range first, then the zone;
  // the date's fields are validated last (ValidateDate).
  let usecs = 0n;
  let hour = 0;
  if (m[4] !== undefined) {
    const h = Number(m[4]);
    const mi = Number(m[5]);
    const s = m[6] === undefined ? 0 : Number(m[6]);
    const frac = m[7] ?? '';
    if (frac.length > 6) throw new PgError(SQLSTATE.feature_not_supported, `fractional seconds beyond microseconds in "${text}" are not supported`);
    const us = frac === '' ? 0 : Number(frac.padEnd(6, '0'));
    // 24:00:00 is the end of the day; a leap second 60 rolls over (PostgreSQL's tm2time).
    if (h > 24 || mi > 59 || s > 60 || (h === 24 && (mi !== 0 || s !== 0 || us !== 0))) throw outOfRange(text);
    hour = h;
    usecs = BigInt(((h * 60 + mi) * 60 + s)) * 1_000_000n + BigInt(us);
  }
  // The words of datetktbl that may stand where a zone does: `at` (ignored), `am` / `pm`
  // (applied to the hour once the date is validated) and `allballs` (00:00:00 UTC, no time
  // given). A zone after a date alone applies to its midnight (DecodeDateTime leaves the time
  // fields 0). Other datetktbl words there are not read here.
  let meridian: 'am' | 'pm' | null = null;
  // The zone field's leading letters, and the field itself when it is only letters.
  const lead = m[8] === undefined ? '' : /^[A-Za-z]*/.exec(m[8])![0].toLowerCase();
  const word = lead.length > 0 && lead.length === m[8]!.length ? lead : null;
  if (word === 'am' || word === 'pm') meridian = word;
  else if (word === 'allballs' && m[4] !== undefined) throw badSyntax(type, text);
  else if (word !== 'at' && word !== 'allballs' && m[4] === undefined && DATETKTBL_WORDS.has(lead)) {
    throw new PgError(SQLSTATE.feature_not_supported, `${TYPE_TEXT[type]} input "${text}" is not supported`);
  }
  let offset: number | null = word === 'allballs' ? 0 : null;
  let zone: TimeZone | null = null;
  let z = meridian !== null || word === 'at' || word === 'allballs' ? undefined : m[8];
  if (z !== undefined) {
    if (/^[A-Za-z]/.test(z)) {
      // ParseDateTime: a word runs on past its letters only into `-`, `/`, `.`, `+` or a digit
      // (`America/New_York`, `x7y`); any other character ends it (`est:` is the word `est`).
      // What follows is punctuation, skipped, or more fields, which a full timestamp has no
      // room for (`utc:11`, `x_7`).
      const letters = /^[A-Za-z]+/.exec(z)![0];
      const next = z[letters.length];
      if (next !== undefined && !/[-/.+0-9]/.test(next)) {
        if (/[A-Za-z0-9]/.test(z.slice(letters.length))) throw badSyntax(type, text);
        z = letters;
      }
      // A zone abbreviation or name (DecodeDateTime: an unknown word is tried as a zone name;
      // one with a slash that names no zone is an unknown zone, any other a syntax error).
      // The session zone's own abbreviations come first (`UTC` is -03 under `UTC+3`).
      const lead = /^[A-Za-z]+/.exec(z)![0];
      // Letters of datetktbl (`t`, `am`, month names) are words of their own, not a zone's.
      if (lead.length < z.length && DATETKTBL_WORDS.has(lead.toLowerCase())) throw badSyntax(type, text);
      zone = findTimeZone(z, session);
      if (zone === null) {
        // ParseDateTime makes letters followed by `-`, `/`, `.`, a digit or `+` one field that
        // DecodeDateTime hands to pg_tzset (`x7` is a POSIX zone); plain letters are a word.
        if (/^[A-Za-z]+[-/.+\d]/.test(z)) throw new PgError(SQLSTATE.invalid_parameter_value, `time zone "${z.toLowerCase()}" not recognized`);
        throw badSyntax(type, text);
      }
    } else {
      // DecodeTimezone: +h, +hh, +hh:mm[:ss], or digits run together read as hhmm.
      const sign = z[0] === '-' ? -1 : 1;
      const parts = z.slice(1).split(':').map(Number);
      let hh = parts[0]!;
      let mm = parts[1] ?? 0;
      const ss = parts[2] ?? 0;
      if (parts.length === 1 && z.length > 3) {
        mm = hh % 100;
        hh = Math.floor(hh / 100);
      }
      if (!(hh <= 15) || !(mm <= 59) || !(ss <= 59)) {
        throw new PgError('22009', `time zone displacement out of range: "${text}"`);
      }
      offset = sign * (hh * 3600 + mm * 60 + ss);
    }
  }
  let year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const bc = m[9] !== undefined && m[9].toUpperCase() === 'BC';
  if (bc) {
    if (year === 0) throw outOfRange(text);
    year = 1 - year;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) throw monthDayOutOfRange(text);
  const dim = month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!;
  if (day < 1 || day > dim) throw outOfRange(text);
  if (meridian !== null) {
    // DecodeDateTime's AM/PM step: an hour past 12 is out of range; 12 am is 0, pm adds 12.
    if (hour > 12) throw outOfRange(text);
    if (meridian === 'am' && hour === 12) usecs -= 12n * 3_600_000_000n;
    else if (meridian === 'pm' && hour !== 12) usecs += 12n * 3_600_000_000n;
  }
  return { days: daysFromCivil(year, month, day) - PG_EPOCH_DAYS, usecs, offset, zone };
}

/**
 * `now`, or `today` / `tomorrow` / `yesterday` with what follows them (`rest`: a time and a zone,
 * or `allballs`), read against the transaction's start `clock` gives in the session's zone. `now`
 * is the instant itself and takes no other field; the day words set only the date, so the time
 * and zone of the rest apply (DecodeDateTime's DTK_NOW sets DTK_ALL, DTK_TODAY DTK_DATE_M).
 * Errors name the text as written.
 */
function parseRelative(text: string, type: DateTimeType, word: string, rest: string | undefined, session: TimeZone | undefined, clock: DateTimeClock): Parsed {
  if (clock === undefined || session === undefined) {
    throw new PgError(SQLSTATE.feature_not_supported, `${TYPE_TEXT[type]} input "${text}" is not supported here`);
  }
  const nowUs = clock();
  if (word === 'now') {
    if (rest !== undefined) throw badSyntax(type, text);
    // timestamptz: the instant (an offset of 0 keeps it as it is); the others: its local time.
    const us = type === 'timestamptz' ? nowUs : nowUs + BigInt(offsetAtUtc(session, nowUs)) * 1_000_000n;
    const days = Number(us / USECS_PER_DAY) - (us % USECS_PER_DAY < 0n ? 1 : 0);
    return { days, usecs: us - BigInt(days) * USECS_PER_DAY, offset: type === 'timestamptz' ? 0 : null, zone: null };
  }
  const local = nowUs + BigInt(offsetAtUtc(session, nowUs)) * 1_000_000n;
  const today = Number(local / USECS_PER_DAY) - (local % USECS_PER_DAY < 0n ? 1 : 0);
  const days = today + (word === 'tomorrow' ? 1 : word === 'yesterday' ? -1 : 0);
  if (rest === undefined) return { days, usecs: 0n, offset: null, zone: null };
  // A date of its own conflicts with the word's date fields.
  if (/\d+[-/]\d+/.test(rest)) throw badSyntax(type, text);
  // The rest read as the time and zone after an ISO date of that day (midnight when it gives
  // only a zone: `today EST`).
  const { text: date, bc } = dateText(days);
  const time = rest.replace(/\ballballs\b/, '00:00');
  const written = `${date} ${/^\d/.test(time) ? '' : '00:00 '}${time}${bc ? ' BC' : ''}`;
  try {
    const p = parseIso(written, type, session);
    if (p === 'infinity' || p === '-infinity') throw badSyntax(type, text);
    return p;
  } catch (e) {
    if (e instanceof PgError) throw new PgError(e.code, e.message.split(`"${written}"`).join(`"${text}"`), e.hint === undefined ? {} : { hint: e.hint });
    throw e;
  }
}

/**
 * timestamp_in / timestamptz_in: microseconds since 2000-01-01. A zone in the text shifts a
 * timestamptz to UTC and is ignored by a timestamp, as PostgreSQL does; a timestamptz written
 * without one is a local time of `session` (the TimeZone setting), read as
 * DetermineTimeZoneOffset reads it (types/timezone.ts localOffset).
 * @throws PgError 22007 invalid syntax, 22008 field or value out of range, 0A000 for input
 *   forms this parser does not read.
 */
export function parseTimestamp(text: string, type: 'timestamp' | 'timestamptz', session: TimeZone, clock?: DateTimeClock): bigint {
  const p = parseIso(text, type, session, clock);
  if (p === 'infinity') return TIMESTAMP_INFINITY;
  if (p === '-infinity') return TIMESTAMP_MINUS_INFINITY;
  let us = BigInt(p.days) * USECS_PER_DAY + p.usecs;
  if (type === 'timestamptz' && p.offset !== null) us -= BigInt(p.offset) * 1_000_000n;
  else if (type === 'timestamptz') us = localToUtc(p.zone ?? session, us);
  const days = Number(us / USECS_PER_DAY) - (us % USECS_PER_DAY < 0n ? 1 : 0);
  if (days < TIMESTAMP_START_DAYS || days >= TIMESTAMP_END_DAYS) {
    throw new PgError('22008', `timestamp out of range: "${text}"`);
  }
  return us;
}

/**
 * date_in: days since 2000-01-01; `today` and the like are dates of `session` at the transaction start `clock` gives.
 * @throws as {@link parseTimestamp}; 22008 `date out of range`.
 */
export function parseDate(text: string, session?: TimeZone, clock?: DateTimeClock): number {
  const p = parseIso(text, 'date', session, clock);
  if (p === 'infinity') return DATE_INFINITY;
  if (p === '-infinity') return DATE_MINUS_INFINITY;
  if (p.days < TIMESTAMP_START_DAYS || p.days >= DATE_END_DAYS) throw new PgError('22008', `date out of range: "${text}"`);
  return p.days;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD` (years before 1 as `... BC`, returned separately). */
function dateText(days: number): { text: string; bc: boolean } {
  const [y, m, d] = civilFromDays(days + PG_EPOCH_DAYS);
  const bc = y <= 0;
  return { text: `${pad(bc ? 1 - y : y, 4)}-${pad(m, 2)}-${pad(d, 2)}`, bc };
}

/** date_out (ISO). */
export function formatDate(days: number): string {
  if (days === DATE_INFINITY) return 'infinity';
  if (days === DATE_MINUS_INFINITY) return '-infinity';
  const { text, bc } = dateText(days);
  return bc ? `${text} BC` : text;
}

/**
 * timestamp_out / timestamptz_out in the ISO DateStyle. A timestamptz prints as the local time
 * of `session` (the TimeZone setting) with that zone's offset there (`+01`, `+05:30`,
 * `-00:01:15`, as EncodeTimezone), a timestamp as it is (`session` unused).
 */
export function formatTimestamp(us: bigint, type: 'timestamp' | 'timestamptz', session: TimeZone): string {
  if (us === TIMESTAMP_INFINITY) return 'infinity';
  if (us === TIMESTAMP_MINUS_INFINITY) return '-infinity';
  let offset = 0;
  if (type === 'timestamptz') {
    offset = offsetAtUtc(session, us);
    us += BigInt(offset) * 1_000_000n;
  }
  let days = us / USECS_PER_DAY;
  let rem = us % USECS_PER_DAY;
  if (rem < 0n) {
    rem += USECS_PER_DAY;
    days -= 1n;
  }
  const { text, bc } = dateText(Number(days));
  let out = `${text} ${timeOfDayText(Number(rem))}`;
  if (type === 'timestamptz') out += offsetText(offset, true);
  return bc ? `${out} BC` : out;
}

/**
 * A UTC offset (seconds east) as EncodeTimezone prints it: `+hh`, then `:mm` when minutes or
 * seconds are not zero, then `:ss` when seconds are not and `withSeconds` (timestamptz_out;
 * to_char's OF drops them).
 */
export function offsetText(eastSec: number, withSeconds: boolean): string {
  const abs = Math.abs(eastSec);
  const m = Math.floor(abs / 60) % 60;
  const sec = abs % 60;
  let out = `${eastSec < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600), 2)}`;
  if (m !== 0 || sec !== 0) out += `:${pad(m, 2)}`;
  if (withSeconds && sec !== 0) out += `:${pad(sec, 2)}`;
  return out;
}

/**
 * `HH:MM:SS[.ffffff]` of microseconds since midnight (0 to 24:00:00 included), trailing zeros
 * of the fraction dropped: EncodeTimeOnly's and EncodeDateTime's time of day (ISO DateStyle).
 */
function timeOfDayText(us: number): string {
  const secs = Math.floor(us / 1_000_000);
  const frac = us - secs * 1_000_000;
  const out = `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
  return frac === 0 ? out : `${out}.${pad(frac, 6).replace(/0+$/, '')}`;
}

/** Microseconds in a day: `time` holds 0 to this value, 24:00:00 included (PostgreSQL's USECS_PER_DAY). */
export const TIME_END_US = 86_400_000_000;

/** time_out (ISO DateStyle): `HH:MM:SS[.ffffff]`. */
export function formatTime(us: number): string {
  return timeOfDayText(us);
}

/** A time of day written as `h:m[:s][.f]` (h:m.f is minutes and seconds) or as digits `hhmm[.f]` / `hhmmss[.f]`. */
const TIME_TEXT = /^(?:(\d+):(\d+)(?::(\d+))?(\.\d*)?|(\d{2})(\d{2})(\d{2})?(\.\d*)?)$/;
/** The fields of time_in's input: an optional date, `T`, the time, AM / PM, an optional zone (ignored). */
const TIME_INPUT = /^(?:(\d{4,})-(\d{1,2})-(\d{1,2})\s+|t)?([0-9:.]+)\s*(?:(am|pm)\b)?(?:\s*(z|[+-][0-9:]+)|\s+([a-z][a-z0-9_/+.:-]*))?$/;

/**
 * time_in (DecodeTimeOnly + tm2time): microseconds since midnight, 0 to 24:00:00. Reads
 * `12:34`, `12:34:56.789`, `1:02 PM`, `12:34.5` (minutes and seconds), `1234` / `123456.5`
 * (digits run together), `24:00:00`, `allballs`, optionally after a `YYYY-MM-DD` date (checked,
 * then dropped) or `T`, and followed by a zone (`Z`, `UTC`, `+05:30`, an abbreviation such as
 * `EST`), which a time without time zone ignores, as PostgreSQL does. Fractions past
 * microseconds round (rint), a leap second 60 rolls over (`23:59:60` is 24:00:00).
 * @throws PgError 22007 invalid syntax (also a zone name with daylight-saving rules without a
 *   date), 22008 field out of range, 22009 zone displacement out of range, 22023 unknown zone;
 *   0A000 for forms PostgreSQL reads that this parser does not (BC, AM / PM before the time),
 *   and for `now` without a clock. `today` and the other day words are 22007, as there.
 */
export function parseTime(text: string, session?: TimeZone, clock?: DateTimeClock): number {
  return decodeTimeOnly(text, 'time', session, clock).us;
}

/**
 * The fields time_in and timetz_in read (DecodeTimeOnly): the time of day in microseconds;
 * the zone written, if any (`zone` a resolved name or abbreviation, `eastSec` a numeric offset
 * or Z); the leading date, if any, as year / month / day.
 */
export interface TimeOnlyFields {
  us: number;
  zone?: TimeZone;
  eastSec?: number;
  date?: readonly [number, number, number];
}

/**
 * DecodeTimeOnly for `time` and `time with time zone` (`type`; its name is the one the syntax
 * errors give): {@link parseTime}'s forms and errors. `now` is read here only for `time`;
 * timetz_in reads it itself, with the offset.
 */
export function decodeTimeOnly(text: string, type: 'time' | 'timetz', session?: TimeZone, clock?: DateTimeClock): TimeOnlyFields {
  const typeName = type === 'time' ? 'time' : 'time with time zone';
  const t = text.trim().toLowerCase();
  if (t === 'allballs') return { us: 0 };
  if (t === 'now' && type === 'time') {
    // The transaction's start as a local time of the session's zone (DecodeTimeOnly's DTK_NOW).
    if (clock === undefined || session === undefined) throw new PgError(SQLSTATE.feature_not_supported, `time without time zone input "${text}" is not supported here`);
    const at = clock();
    const local = at + BigInt(offsetAtUtc(session, at)) * 1_000_000n;
    const r = local % USECS_PER_DAY;
    return { us: Number(r < 0n ? r + USECS_PER_DAY : r) };
  }
  const notSupported = () => new PgError(SQLSTATE.feature_not_supported, `${type === 'time' ? 'time without time zone' : typeName} input "${text}" is not supported`);
  const m = TIME_INPUT.exec(t);
  const f = m === null ? null : TIME_TEXT.exec(m[4]!);
  if (m === null || f === null) {
    // A word PostgreSQL gives a meaning to, or digits in a form not read here: refuse honestly.
    // (A bare hour with AM / PM, `1 PM`, is a syntax error there too.)
    const bareHour = /^\d+\s*(am|pm)$/.test(t);
    if (!bareHour && /\d/.test(t) && /(am|pm|\bbc|\bad|\bnow)\b/.test(t)) throw notSupported();
    throw new PgError('22007', `invalid input syntax for type ${typeName}: "${text}"`);
  }
  let hour: number;
  let min: number;
  let sec: number;
  let frac: string | undefined;
  if (f[1] !== undefined) {
    if (f[3] === undefined && f[4] !== undefined) {
      // mm:ss.fff is minutes and seconds (DecodeTime: "always assume mm:ss.sss is MINUTE TO SECOND").
      hour = 0;
      min = Number(f[1]);
      sec = Number(f[2]);
    } else {
      hour = Number(f[1]);
      min = Number(f[2]);
      sec = f[3] === undefined ? 0 : Number(f[3]);
    }
    frac = f[4];
  } else {
    hour = Number(f[5]);
    min = Number(f[6]);
    sec = f[7] === undefined ? 0 : Number(f[7]);
    frac = f[8];
  }
  const fsec = frac === undefined || frac.length <= 1 ? 0 : rint(Number(`0${frac}`) * 1e6);
  if (min > 59 || sec > 60) throw outOfRange(text);
  const mer = m[5];
  if (mer !== undefined) {
    if (hour > 12) throw outOfRange(text);
    if (mer === 'am' && hour === 12) hour = 0;
    else if (mer === 'pm' && hour !== 12) hour += 12;
  }
  const zone = m[6] ?? m[7];
  const out: { zone?: TimeZone; eastSec?: number } = {};
  if (zone === 'z' || zone === 'zulu') out.eastSec = 0;
  if (zone === 'bc' || zone === 'ad') throw notSupported();
  if (zone !== undefined && zone !== 'z' && zone !== 'zulu') {
    if (zone[0] === '+' || zone[0] === '-') {
      // DecodeTimezone: +h, +hh, +hh:mm[:ss], or digits run together read as hhmm.
      const parts = zone.slice(1).split(':');
      if (parts.some((p) => !/^\d+$/.test(p)) || parts.length > 3) throw new PgError('22007', `invalid input syntax for type ${typeName}: "${text}"`);
      let hh = Number(parts[0]);
      let mm = Number(parts[1] ?? 0);
      if (parts.length === 1 && parts[0]!.length > 2) {
        mm = hh % 100;
        hh = Math.floor(hh / 100);
      }
      const ss = Number(parts[2] ?? 0);
      if (hh > 15 || mm > 59 || ss > 59) throw new PgError('22009', `time zone displacement out of range: "${text}"`);
      out.eastSec = (zone[0] === '-' ? -1 : 1) * ((hh * 60 + mm) * 60 + ss);
    } else {
      const z = findTimeZone(zone);
      if (z === null) {
        if (/^[a-z]+[-/.+\d]/.test(zone)) throw new PgError(SQLSTATE.invalid_parameter_value, `time zone "${zone}" not recognized`);
        throw new PgError('22007', `invalid input syntax for type ${typeName}: "${text}"`);
      }
      // A zone name with daylight-saving rules needs a date to know its offset: without one
      // DecodeTimeOnly rejects it. Any other zone is read and ignored.
      if (z.kind === 'iana' && m[1] === undefined) throw new PgError('22007', `invalid input syntax for type ${typeName}: "${text}"`);
      out.zone = z;
    }
  }
  if (m[1] !== undefined) {
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (month < 1 || month > 12 || day < 1 || day > 31) throw monthDayOutOfRange(text);
    const year = Number(m[1]);
    if (year === 0) throw outOfRange(text);
    if (day > (month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!)) throw outOfRange(text);
  }
  // DecodeTimeOnly's range check: 24:00:00 is the end of the day, nothing after it.
  if (hour > 24 || (hour === 24 && (min > 0 || sec > 0 || fsec > 0))) throw outOfRange(text);
  const us = ((hour * 60 + min) * 60 + sec) * 1_000_000 + fsec;
  return m[1] === undefined ? { us, ...out } : { us, ...out, date: [Number(m[1]), Number(m[2]), Number(m[3])] };
}
