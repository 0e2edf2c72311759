/**
 * Named time zones: IANA names (`America/New_York`, `Europe/Berlin`, `US/Eastern`, `EST5EDT`,
 * `Etc/GMT+5`), PostgreSQL's default time zone abbreviations (`EST`, `CET`, ...; fixed
 * offsets), and POSIX-style offsets (`+05`, `UTC+3`: hours WEST of Greenwich, as PostgreSQL's
 * pg_tzset reads them). The IANA rules come from the ICU data Node ships (`Intl.DateTimeFormat`
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

/** A resolved time zone: a fixed offset, or IANA rules read through ICU. */
export type TimeZone =
  | { kind: 'fixed'; offsetSec: number; /** The abbreviation to_char's TZ prints, when known (`UTC`, `+02`). */ abbrev?: string }
  | { kind: 'iana'; name: string; fmt: Intl.DateTimeFormat };

/** UTC: the default session time zone, and the zone of contexts that have no session. */
export const UTC_ZONE: TimeZone = Object.freeze({ kind: 'fixed', offsetSec: 0, abbrev: 'UTC' });

/**
 * PostgreSQL's `Default` abbreviation set (share/timezonesets/Default), the common ones whose
 * offset is fixed: seconds east of UTC. Abbreviations PostgreSQL maps to a zone's rules (MSK
 * and the like) resolve through their IANA zone in {@link DYNAMIC_ABBREVIATIONS}.
 */
const ABBREVIATIONS: ReadonlyMap<string, number> = new Map([
  ['utc', 0], ['gmt', 0], ['ut', 0], ['z', 0], ['zulu', 0], ['wet', 0],
  ['bst', 3600], ['cet', 3600], ['met', 3600], ['mez', 3600],
  ['cest', 7200], ['mest', 7200], ['mesz', 7200], ['eet', 7200], ['eest', 10800],
  ['ist', 7200], ['idt', 10800],
  ['est', -18000], ['edt', -14400], ['cst', -21600], ['cdt', -18000], ['mst', -25200], ['mdt', -21600],
  ['pst', -28800], ['pdt', -25200], ['akst', -32400], ['akdt', -28800], ['hst', -36000],
  ['ast', -14400], ['adt', -10800], ['nst', -12600], ['ndt', -9000],
  ['jst', 32400], ['kst', 32400], ['hkt', 28800], ['awst', 28800],
  ['aest', 36000], ['aedt', 39600], ['acst', 34200], ['acdt', 37800], ['nzst', 43200], ['nzdt', 46800],
]);

/** The abbreviations {@link findTimeZone} reads (lower case), for tests against PostgreSQL's. */
export const ABBREVIATION_NAMES: readonly string[] = [...ABBREVIATIONS.keys()];

/**
 * Abbreviations PostgreSQL's Default set defines by a zone's history (dynamic abbreviations):
 * their offset is the one the abbreviation had nearest the instant, which ICU cannot tell
 * (it knows the zone's offsets, not its abbreviations' past): 0A000 rather than a wrong hour.
 */
const DYNAMIC_ABBREVIATIONS: ReadonlySet<string> = new Set(['msk', 'msd', 'volt', 'yekt', 'omst', 'novt', 'krat', 'irkt', 'yakt', 'vlat', 'magt', 'pett', 'sakt', 'sret', 'vet', 'art', 'brt', 'sgt', 'ict', 'pkt', 'bdt', 'lkt', 'cat', 'eat', 'wat', 'sast']);

/** Names {@link findTimeZone} remembers at most (IANA has about 600 zones and aliases). */
const ZONE_CACHE_MAX = 1024;
/** Resolved zones by lower-cased name: ICU formatters are costly to build. */
const cache = new Map<string, TimeZone | null>();

/** POSIX `[UTC|GMT]±h[h][:mm[:ss]]`: offsets WEST of Greenwich. */
const POSIX_OFFSET = /^(?:utc|gmt)?([+-])(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?$/i;

/**
 * Resolves a zone name as PostgreSQL's DecodeTimezoneName does: a time zone abbreviation
 * first, then a zone name (case-insensitive), then a POSIX-style offset. Returns null for a
 * name neither knows.
 * @throws PgError 0A000 for an abbreviation whose offset depends on the date (MSK ...).
 */
export function findTimeZone(name: string): TimeZone | null {
  const key = name.toLowerCase();
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const z = resolve(name, key);
  // Bounded: names come from queries, and a client may send any number of them.
  if (cache.size >= ZONE_CACHE_MAX) cache.clear();
  cache.set(key, z);
  return z;
}

function resolve(name: string, key: string): TimeZone | null {
  const fixed = ABBREVIATIONS.get(key);
  if (fixed !== undefined) return { kind: 'fixed', offsetSec: fixed };
  if (DYNAMIC_ABBREVIATIONS.has(key)) throw new PgError(SQLSTATE.feature_not_supported, `time zone abbreviation "${name}" is not supported: its offset depends on the date`);
  const posix = POSIX_OFFSET.exec(name);
  if (posix !== null) {
    const h = Number(posix[2]);
    const m = Number(posix[3] ?? 0);
    const s = Number(posix[4] ?? 0);
    if (h > 24 || m > 59 || s > 59) return null;
    const west = h * 3600 + m * 60 + s;
    return { kind: 'fixed', offsetSec: posix[1] === '+' ? -west : west };
  }
  // Only names: ICU also reads `+05:00` with the ISO sign, which PostgreSQL does not.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return null;
  return iana(name);
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
 * The zone named `name`.
 * @throws PgError 22023 `time zone "<name>" not recognized`.
 */
export function timeZoneOrError(name: string): TimeZone {
  const z = findTimeZone(name);
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
  const local = splitSeconds(localUs).sec;
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
