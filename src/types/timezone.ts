/**
 * Named time zones: IANA names (`America/New_York`, `Europe/Berlin`, `US/Eastern`, `EST5EDT`,
 * `Etc/GMT+5`), PostgreSQL's Default time zone abbreviations (`EST`, `CET`; `MSK`, whose
 * offset depends on the date) and the session zone's own ones (types/tzdata.ts), POSIX-style
 * offsets (`+05`, `UTC+3`: hours WEST of Greenwich, as PostgreSQL's pg_tzset reads them) and
 * POSIX TZ strings with daylight-saving rules (`CET-1CEST,M3.5.0,M10.5.0/3`, `x7y`:
 * types/timezone_posix.ts). The IANA rules come from the ICU data Node ships (`Intl.DateTimeFormat`
 * with `timeZone`), never from a table of our own.
 *
 * Offsets are seconds EAST of UTC (local = utc + offset). Timestamps here are PostgreSQL's:
 * microseconds since 2000-01-01 00:00:00, as BigInt.
 *
 * Local time to UTC follows PostgreSQL's DetermineTimeZoneOffsetInternal (datetime.c): a local
 * time that exists once has one answer; one that falls in a spring-forward gap or occurs twice
 * in a fall-back overlap takes the later UTC instant of the two interpretations (the offset in
 * force before a gap, after an overlap), e.g. 02:30 on 2024-03-10 in New York is 07:30 UTC and
 * 01:30 on 2024-11-03 is 06:30 UTC. Like PostgreSQL, it assumes transitions are more than
 * 48 hours apart.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { abbrevInZone, abbrevOffsetNear, zoneHistory, type ZoneHistory } from './tzdata.js';
import { parsePosixZone, posixLocalOffset, posixOffsetAt, type PosixZone } from './timezone_posix.js';

/**
 * A resolved time zone: a fixed offset; IANA rules read through ICU; a POSIX TZ string with
 * daylight-saving rules (types/timezone_posix.ts); or an abbreviation whose offset depends on
 * the date (`MSK`, or one the session zone used with several offsets), read in its zone's
 * history (`base` gives the zone's own offsets where the history has no answer).
 */
export type TimeZone =
  | { kind: 'fixed'; offsetSec: number; /** The abbreviation to_char's TZ prints, when known (`UTC`, `+02`). */ abbrev?: string }
  | { kind: 'iana'; name: string; fmt: Intl.DateTimeFormat }
  | PosixZone
  | { kind: 'abbrev'; /** Upper case. */ abbrev: string; history: ZoneHistory; base: TimeZone };

/** UTC: the default session time zone, and the zone of contexts that have no session. */
export const UTC_ZONE: TimeZone = Object.freeze({ kind: 'fixed', offsetSec: 0, abbrev: 'UTC' });

/**
 * PostgreSQL's `Default` abbreviation set (share/timezonesets/Default, the
 * `timezone_abbreviations` default), the abbreviations of one fixed offset: seconds east of
 * UTC. `z`, `zulu`, `ut`, `utc` and `gmt` are among them.
 */
const ABBREVIATIONS: ReadonlyMap<string, number> = new Map([
  ['eat', 10800], ['sast', 7200], ['wat', 3600], ['act', -18000], ['akdt', -28800], ['akst', -32400],
  ['bot', -14400], ['bra', -10800], ['brst', -7200], ['brt', -10800], ['cot', -18000], ['cdt', -18000],
  ['clst', -10800], ['cst', -21600], ['edt', -14400], ['egst', 0], ['egt', -3600], ['est', -18000], ['fnt', -7200],
  ['fnst', -3600], ['gft', -10800], ['mdt', -21600], ['mst', -25200], ['ndt', -9000], ['nft', -12600],
  ['nst', -12600], ['pet', -18000], ['pdt', -25200], ['pmdt', -7200], ['pmst', -10800], ['pst', -28800],
  ['pyst', -10800], ['uyst', -7200], ['uyt', -10800], ['wgst', -7200], ['wgt', -10800], ['ddut', 36000],
  ['aft', 16200], ['almt', 21600], ['almst', 25200], ['amt', -14400], ['bdt', 21600], ['bnt', 28800],
  ['bort', 28800], ['btt', 21600], ['cct', 28800], ['hkt', 28800], ['ict', 25200], ['idt', 10800], ['irt', 12600],
  ['ist', 7200], ['jayt', 32400], ['jst', 32400], ['kdt', 36000], ['kgst', 21600], ['kst', 32400], ['mmt', 23400],
  ['myt', 28800], ['npt', 20700], ['pht', 28800], ['pkt', 18000], ['pkst', 21600], ['tjt', 18000], ['ulast', 32400],
  ['uzst', 21600], ['uzt', 18000], ['xjt', 21600], ['yekst', 21600], ['adt', -10800], ['ast', -14400], ['azost', 0],
  ['azot', -3600], ['acsst', 37800], ['acdt', 37800], ['acst', 34200], ['acwst', 31500], ['aesst', 39600],
  ['aedt', 39600], ['aest', 36000], ['awsst', 32400], ['awst', 28800], ['cadt', 37800], ['cast', 34200],
  ['lhst', 37800], ['ligt', 36000], ['nzt', 43200], ['sadt', 37800], ['wadt', 28800], ['wast', 25200],
  ['wdt', 32400], ['gmt', 0], ['uct', 0], ['ut', 0], ['utc', 0], ['z', 0], ['zulu', 0], ['bst', 3600],
  ['bdst', 7200], ['cest', 7200], ['cet', 3600], ['cetdst', 7200], ['eest', 10800], ['eet', 7200], ['eetdst', 10800],
  ['fet', 10800], ['mest', 7200], ['mesz', 7200], ['met', 3600], ['metdst', 7200], ['mez', 3600], ['msd', 14400],
  ['wet', 0], ['wetdst', 3600], ['cxt', 25200], ['mut', 14400], ['must', 18000], ['mvt', 18000], ['ret', 14400],
  ['sct', 14400], ['tft', 18000], ['chadt', 49500], ['chast', 45900], ['chut', 36000], ['fjst', 46800],
  ['fjt', 43200], ['galt', -21600], ['gamt', -32400], ['gilt', 43200], ['hst', -36000], ['mart', -34200],
  ['mht', 43200], ['mpt', 36000], ['nzdt', 46800], ['nzst', 43200], ['pgt', 36000], ['pont', 39600], ['pwt', 32400],
  ['taht', -36000], ['tot', 46800], ['trut', 36000], ['tvt', 43200], ['vut', 39600], ['wakt', 43200], ['wft', 43200],
  ['yapt', 36000],
]);

/**
 * The Default set's abbreviations defined by a zone's history (dynamic abbreviations, `MSK
 * Europe/Moscow`): the offset is the one the abbreviation had in that zone nearest the instant
 * (PostgreSQL's DetermineTimeZoneAbbrevOffset), read from tzdata (types/tzdata.ts).
 */
const DYNAMIC_ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ['art', 'America/Argentina/Buenos_Aires'], ['arst', 'America/Argentina/Buenos_Aires'], ['clt', 'America/Santiago'],
  ['gyt', 'America/Guyana'], ['pyt', 'America/Asuncion'], ['vet', 'America/Caracas'], ['davt', 'Antarctica/Davis'],
  ['mawt', 'Antarctica/Mawson'], ['amst', 'Asia/Yerevan'], ['anast', 'Asia/Anadyr'], ['anat', 'Asia/Anadyr'],
  ['azst', 'Asia/Baku'], ['azt', 'Asia/Baku'], ['gest', 'Asia/Tbilisi'], ['get', 'Asia/Tbilisi'],
  ['irkst', 'Asia/Irkutsk'], ['irkt', 'Asia/Irkutsk'], ['kgt', 'Asia/Bishkek'], ['krast', 'Asia/Krasnoyarsk'],
  ['krat', 'Asia/Krasnoyarsk'], ['lkt', 'Asia/Colombo'], ['magst', 'Asia/Magadan'], ['magt', 'Asia/Magadan'],
  ['novst', 'Asia/Novosibirsk'], ['novt', 'Asia/Novosibirsk'], ['omsst', 'Asia/Omsk'], ['omst', 'Asia/Omsk'],
  ['petst', 'Asia/Kamchatka'], ['pett', 'Asia/Kamchatka'], ['sgt', 'Asia/Singapore'], ['tmt', 'Asia/Ashgabat'],
  ['ulat', 'Asia/Ulaanbaatar'], ['vlast', 'Asia/Vladivostok'], ['vlat', 'Asia/Vladivostok'],
  ['yakst', 'Asia/Yakutsk'], ['yakt', 'Asia/Yakutsk'], ['yekt', 'Asia/Yekaterinburg'], ['fkst', 'Atlantic/Stanley'],
  ['fkt', 'Atlantic/Stanley'], ['lhdt', 'Australia/Lord_Howe'], ['msk', 'Europe/Moscow'],
  ['volt', 'Europe/Volgograd'], ['iot', 'Indian/Chagos'], ['ckt', 'Pacific/Rarotonga'], ['easst', 'Pacific/Easter'],
  ['east', 'Pacific/Easter'], ['kost', 'Pacific/Kosrae'], ['lint', 'Pacific/Kiritimati'], ['nut', 'Pacific/Niue'],
  ['tkt', 'Pacific/Fakaofo'],
]);

/** The abbreviations {@link findTimeZone} reads (lower case), for tests against PostgreSQL's. */
export const ABBREVIATION_NAMES: readonly string[] = [...ABBREVIATIONS.keys(), ...DYNAMIC_ABBREVIATIONS.keys()];

/** Names {@link findTimeZone} remembers at most (IANA has about 600 zones and aliases). */
const ZONE_CACHE_MAX = 1024;
/** Resolved zones by lower-cased name: ICU formatters are costly to build. */
const cache = new Map<string, TimeZone | null>();

/**
 * A POSIX zone without DST rules, `[name][±]h[:mm[:ss]]` (`UTC+3`, `+05`, `x7`, `EST5`, `x.99`): hours
 * WEST of Greenwich, at most 167 (a week less an hour), as pg_tzset's tzparse reads them.
 */
const POSIX_OFFSET = /^[^\d,+\-:\s]*([+-]?)(\d+)(?::(\d+)(?::(\d+))?)?$/;

/**
 * Resolves a zone name as PostgreSQL 18's DecodeTimezoneName does: an abbreviation the
 * session's zone uses (`IST` is +05:30 when the session is in Asia/Kolkata, +02 otherwise;
 * pg_timezone_abbrev_is_known), then one of the Default set, then a zone name
 * (case-insensitive), then a POSIX-style offset. Returns null for a name none of them knows.
 * @param session the TimeZone setting (omit where there is no session).
 */
export function findTimeZone(name: string, session?: TimeZone): TimeZone | null {
  const key = name.toLowerCase();
  if (session !== undefined) {
    const own = sessionAbbrev(session, key);
    if (own !== null) return own;
  }
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const z = resolve(name, key);
  // Bounded: names come from queries, and a client may send any number of them.
  if (cache.size >= ZONE_CACHE_MAX) cache.clear();
  cache.set(key, z);
  return z;
}

/** The abbreviation `key` (lower case) as the session's zone uses it, or null when it does not. */
function sessionAbbrev(session: TimeZone, key: string): TimeZone | null {
  if (session.kind === 'fixed') {
    // A POSIX setting's letters (`UTC+3` calls -03:00 `UTC`); offsets (`+05`) are never words.
    return session.abbrev !== undefined && session.abbrev.toLowerCase() === key ? { kind: 'fixed', offsetSec: session.offsetSec } : null;
  }
  if (session.kind === 'posix') {
    // Each name has its one offset. When both are the same name, PostgreSQL's
    // pg_interpret_timezone_abbrev finds the name at standard time's place in the zone's
    // list and the transitions to that type: standard time's offset, summer and winter alike.
    if (session.stdAbbrev.toLowerCase() === key) return { kind: 'fixed', offsetSec: session.stdOffsetSec };
    if (session.dstAbbrev.toLowerCase() === key) return { kind: 'fixed', offsetSec: session.dstOffsetSec };
    return null;
  }
  if (session.kind !== 'iana') return null;
  const h = zoneHistory(session.name);
  if (h === null) return null;
  const m = abbrevInZone(h, key);
  if (m === null) return null;
  return m.fixed ? { kind: 'fixed', offsetSec: m.offsetSec } : { kind: 'abbrev', abbrev: key.toUpperCase(), history: h, base: session };
}

function resolve(name: string, key: string): TimeZone | null {
  const fixed = ABBREVIATIONS.get(key);
  if (fixed !== undefined) return { kind: 'fixed', offsetSec: fixed };
  const dynamic = DYNAMIC_ABBREVIATIONS.get(key);
  if (dynamic !== undefined) {
    const base = iana(dynamic);
    const history = zoneHistory(dynamic);
    if (base !== null && history !== null) return { kind: 'abbrev', abbrev: key.toUpperCase(), history, base };
  }
  const posix = POSIX_OFFSET.exec(name);
  if (posix !== null) {
    const h = Number(posix[2]);
    const m = Number(posix[3] ?? 0);
    const s = Number(posix[4] ?? 0);
    if (h > 167 || m > 59 || s > 60) return null;
    const west = h * 3600 + m * 60 + s;
    return { kind: 'fixed', offsetSec: posix[1] === '-' ? west : -west };
  }
  // tzload reads `:name` as the zone file `name` (one colon), never as a POSIX string.
  if (name.startsWith(':')) return /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name.slice(1)) ? iana(name.slice(1)) : null;
  // Only names: ICU also reads `+05:00` with the ISO sign, which PostgreSQL does not.
  const zone = /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name) ? iana(name) : null;
  // pg_tzset: a name that is no zone file is read as a POSIX TZ string (`x7y`, `CET-1CEST,M3.5.0,M10.5.0/3`).
  return zone ?? parsePosixZone(name);
}

/**
 * The IANA zone `name` as ICU knows it (any case; links resolve to their zone's rules), or
 * null. Not cached: the caller keeps what it resolves.
 */
export function ianaZone(name: string): TimeZone | null {
  return iana(name);
}

function iana(name: string): TimeZone | null {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name, hourCycle: 'h23', era: 'short',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    return null; // RangeError: not a zone ICU knows
  }
  return { kind: 'iana', name: fmt.resolvedOptions().timeZone, fmt };
}

/**
 * The zone named `name` (see {@link findTimeZone}; `session` is the TimeZone setting).
 * @throws PgError 22023 `time zone "<name>" not recognized`.
 */
export function timeZoneOrError(name: string, session?: TimeZone): TimeZone {
  const z = findTimeZone(name, session);
  if (z === null) throw new PgError(SQLSTATE.invalid_parameter_value, `time zone "${name}" not recognized`);
  return z;
}

const US_PER_SEC = 1_000_000n;
/** Milliseconds from 1970-01-01 to 2000-01-01. */
const PG_EPOCH_MS = 946_684_800_000;
const DAY_SEC = 86_400;
/** 400 Gregorian years in days: calendars and the POSIX rules of far-future offsets repeat. */
const CYCLE_DAYS = 146_097;
const CYCLE_SEC = CYCLE_DAYS * DAY_SEC;
/**
 * ICU is asked only about instants between these (seconds since 2000): before, every zone
 * keeps its local mean time; after, an instant moves back by 400-year cycles into 2100-2500,
 * where only a zone's last rule is in force (not into years its history covers).
 */
const EARLIEST_SEC = -6_311_347_200; // 1800-01-01
const LATEST_SEC = 15_778_540_800; // 2500-01-01

/** Offset (seconds east of UTC) of `zone` at `utcSec` (seconds since 2000-01-01 UTC). */
export function offsetAt(zone: TimeZone, utcSec: number): number {
  if (zone.kind === 'fixed') return zone.offsetSec;
  if (zone.kind === 'posix') return posixOffsetAt(zone, utcSec);
  if (zone.kind === 'abbrev') {
    // DetermineTimeZoneAbbrevOffsetTS: the abbreviation's offset nearest the instant, else the zone's.
    return abbrevOffsetNear(zone.history, zone.abbrev, utcSec * 1000 + PG_EPOCH_MS) ?? offsetAt(zone.base, utcSec);
  }
  let t = utcSec;
  // Before 1800 every zone keeps its local mean time; after 2500 its last rule repeats.
  if (t < EARLIEST_SEC) t = EARLIEST_SEC;
  if (t >= LATEST_SEC) t -= Math.ceil((t - LATEST_SEC + 1) / CYCLE_SEC) * CYCLE_SEC;
  const ms = t * 1000 + PG_EPOCH_MS;
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, bc = false;
  for (const p of zone.fmt.formatToParts(ms)) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value); break;
      case 'minute': mi = Number(p.value); break;
      case 'second': s = Number(p.value); break;
      case 'era': bc = p.value.startsWith('B'); break;
    }
  }
  const date = new Date(0);
  date.setUTCFullYear(bc ? 1 - y : y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return Math.round((date.getTime() - ms) / 1000);
}

/** Floor division of a BigInt timestamp into whole seconds, and the microseconds left. */
function splitSeconds(us: bigint): { sec: number; frac: bigint } {
  let sec = us / US_PER_SEC;
  let frac = us % US_PER_SEC;
  if (frac < 0n) {
    frac += US_PER_SEC;
    sec -= 1n;
  }
  return { sec: Number(sec), frac };
}

/** The offset (seconds east) of `zone` at the UTC instant `utcUs`. */
export function offsetAtUtc(zone: TimeZone, utcUs: bigint): number {
  return offsetAt(zone, splitSeconds(utcUs).sec);
}

/** The local time in `zone` of the UTC instant `utcUs` (both PostgreSQL microseconds). */
export function utcToLocal(zone: TimeZone, utcUs: bigint): bigint {
  return utcUs + BigInt(offsetAtUtc(zone, utcUs)) * US_PER_SEC;
}

/**
 * The offset of `zone` that local time `localUs` is read with (PostgreSQL's
 * DetermineTimeZoneOffset; see the module comment for gaps and overlaps).
 */
export function localOffset(zone: TimeZone, localUs: bigint): number {
  if (zone.kind === 'fixed') return zone.offsetSec;
  if (zone.kind === 'abbrev') {
    // DetermineTimeZoneAbbrevOffset: the instant the zone's own rules give the local time,
    // then the abbreviation's offset nearest it.
    const zoneOffset = localOffset(zone.base, localUs);
    const t = splitSeconds(localUs).sec - zoneOffset;
    return abbrevOffsetNear(zone.history, zone.abbrev, t * 1000 + PG_EPOCH_MS) ?? zoneOffset;
  }
  const local = splitSeconds(localUs).sec;
  if (zone.kind === 'posix') return posixLocalOffset(zone, local);
  // The offsets a day before and a day after: one transition at most lies between.
  const before = offsetAt(zone, local - DAY_SEC);
  const after = offsetAt(zone, local + DAY_SEC);
  if (before === after) {
    // No transition near: but a zone may still change between (checked exactly).
    const o = offsetAt(zone, local - before);
    return o === before ? before : Math.min(before, o);
  }
  const validBefore = offsetAt(zone, local - before) === before;
  const validAfter = offsetAt(zone, local - after) === after;
  if (validBefore !== validAfter) return validBefore ? before : after;
  // Both (an overlap) or neither (a gap): the later UTC instant, i.e. the smaller offset.
  return Math.min(before, after);
}

/** The UTC instant of local time `localUs` in `zone` (PostgreSQL microseconds). */
export function localToUtc(zone: TimeZone, localUs: bigint): bigint {
  return localUs - BigInt(localOffset(zone, localUs)) * US_PER_SEC;
}
