/**
 * The functions of timestamptz that read the session's time zone (PostgreSQL's timestamp.c
 * with `session_timezone`): a timestamptz is an instant; its fields, its calendar arithmetic
 * and its truncation are those of its local time in the zone the caller passes (the TimeZone
 * setting), and a local time becomes an instant again as DetermineTimeZoneOffset reads it
 * (types/timezone.ts localToUtc: a time in a spring-forward gap or a fall-back overlap takes
 * the later instant).
 */
import { Numeric } from './numeric.js';
import {
  age, checkTimestamp, datePartTimestamp, dateTrunc, extractTimestamp, isFiniteTimestamp, timestampPlusInterval, truncUnitIsDayOrLonger, tsUnit,
} from './datetime_funcs.js';
import { localToUtc, offsetAtUtc, utcToLocal, type TimeZone } from './timezone.js';
import { Interval } from './interval.js';

const US_PER_SEC = 1_000_000n;

/** The local time of a finite instant in `zone`. @throws PgError 22008 out of range. */
function local(us: bigint, zone: TimeZone): bigint {
  return checkTimestamp(utcToLocal(zone, us));
}

/** The instant of a local time in `zone`. @throws PgError 22008 out of range. */
function instant(localUs: bigint, zone: TimeZone): bigint {
  return checkTimestamp(localToUtc(zone, localUs));
}

/**
 * timestamptz_pl_interval / timestamptz_mi_interval: the months, then the days, are added to
 * the local time in `zone` (a calendar day across a DST change is 23 or 25 hours), each step
 * read back as an instant; the time part is added to the instant.
 * @throws PgError 22008 `timestamp out of range`.
 */
export function timestamptzPlusInterval(ts: bigint, iv: Interval, sign: 1 | -1, zone: TimeZone): bigint {
  if (!isFiniteTimestamp(ts)) return ts;
  let t = ts;
  if (iv.months !== 0) t = instant(timestampPlusInterval(local(t, zone), new Interval(iv.months, 0, 0n), sign), zone);
  if (iv.days !== 0) t = instant(timestampPlusInterval(local(t, zone), new Interval(0, iv.days, 0n), sign), zone);
  return checkTimestamp(t + (sign === 1 ? iv.us : -iv.us));
}

/**
 * date_trunc(unit, timestamptz) in `zone` (timestamptz_trunc_internal): truncated in local
 * time; for a day or longer the result's offset is the zone's at the truncated local time,
 * for shorter units the instant keeps its own offset (the two 01:00 hours of a fall-back
 * night stay apart).
 */
export function timestamptzTrunc(unit: string, v: bigint, zone: TimeZone): bigint {
  if (!isFiniteTimestamp(v)) return dateTrunc(unit, v, 'timestamptz');
  const offset = BigInt(offsetAtUtc(zone, v)) * US_PER_SEC;
  const truncated = dateTrunc(unit, v + offset, 'timestamptz');
  if (truncUnitIsDayOrLonger(unit)) return instant(truncated, zone);
  return checkTimestamp(truncated - offset);
}

/** The zone fields of extract / date_part: seconds east, and its hours and minutes (truncated). */
function zoneField(unit: string, offsetSec: number): number | null {
  if (unit === 'timezone') return offsetSec;
  if (unit === 'timezone_hour') return Math.trunc(offsetSec / 3600);
  if (unit === 'timezone_minute') return Math.trunc(offsetSec / 60) % 60;
  return null;
}

/**
 * extract(unit FROM timestamptz) in `zone`: the local time's fields; `epoch` of the instant;
 * `timezone`, `timezone_hour`, `timezone_minute` of the zone's offset there.
 * @throws PgError 22023 unknown unit, 0A000 unsupported unit.
 */
export function extractTimestamptz(unitText: string, ts: bigint, zone: TimeZone): Numeric | null {
  const unit = tsUnit(unitText, 'timestamptz');
  if (!isFiniteTimestamp(ts) || unit === 'epoch') return extractTimestamp(unitText, ts, 'timestamptz');
  const z = zoneField(unit, offsetAtUtc(zone, ts));
  if (z !== null) return Numeric.fromInt(z);
  return extractTimestamp(unitText, local(ts, zone), 'timestamptz');
}

/** date_part(unit, timestamptz) in `zone`, as {@link extractTimestamptz} as float8. */
export function datePartTimestamptz(unitText: string, ts: bigint, zone: TimeZone): number | null {
  const unit = tsUnit(unitText, 'timestamptz');
  if (!isFiniteTimestamp(ts) || unit === 'epoch') return datePartTimestamp(unitText, ts, 'timestamptz');
  const z = zoneField(unit, offsetAtUtc(zone, ts));
  if (z !== null) return z;
  return datePartTimestamp(unitText, local(ts, zone), 'timestamptz');
}

/**
 * age(timestamptz, timestamptz) in `zone` (timestamptz_age): the fields of the two local
 * times, the order of the instants; a difference of offsets is ignored, as PostgreSQL does.
 */
export function ageTimestamptz(a: bigint, b: bigint, zone: TimeZone): Interval {
  if (!isFiniteTimestamp(a) || !isFiniteTimestamp(b)) return age(a, b);
  return age(local(a, zone), local(b, zone), a < b);
}

/** The local time of an instant in `zone` (infinities stay): for to_char and the like. */
export function localTimeOf(ts: bigint, zone: TimeZone): bigint {
  return isFiniteTimestamp(ts) ? local(ts, zone) : ts;
}

/** The instant of local time `localUs` in `zone` (infinities stay). */
export function instantOf(localUs: bigint, zone: TimeZone): bigint {
  return isFiniteTimestamp(localUs) ? instant(localUs, zone) : localUs;
}
