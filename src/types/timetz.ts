/**
 * PostgreSQL's `time with time zone` (timetz, date.c's timetz_* functions): a time of day in
 * microseconds (0 to 24:00:00) with the UTC offset it was written in, in seconds WEST of
 * Greenwich as PostgreSQL keeps it (`12:00+05` has zone -18000). Two values are equal only
 * when both parts are (`12:00+05` <> `08:00+01`); order is by the UTC instant, then the offset
 * (timetz_cmp_internal).
 *
 * A timetz has no date, so a zone whose offset changes over the year (a zone name, a
 * daylight-saving abbreviation, the session's TimeZone) is read at a date: the one written
 * before the time, or else the transaction's start date, which input gets from the clock.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { Numeric } from './numeric.js';
import { Interval } from './interval.js';
import { decodeTimeOnly, daysFromCivil, formatTime, offsetText, PG_EPOCH_DAYS, TIME_END_US, type DateTimeClock } from './datetime.js';
import { localOffset, offsetAtUtc, utcToLocal, type TimeZone } from './timezone.js';
import { adjustTimeTypmod, checkTimestamp, dateToTimestamp, datePartTime, extractTime, intervalZoneSeconds, isFiniteTimestamp, timestampToTime, timetzUnit } from './datetime_funcs.js';

/** A timetz value: `us` microseconds since midnight (0 to 24:00:00), `zone` seconds west of UTC. */
export class TimeTz {
  constructor(readonly us: number, readonly zone: number) {}
}

/** PostgreSQL's TZDISP_LIMIT: a zone offset must lie strictly within ±15:59:60. */
const TZDISP_LIMIT = (15 * 60 + 59) * 60 + 60;
const DAY_US = TIME_END_US;

/** The local microseconds since 2000-01-01 of `us` on the date `y-m-d`. */
function localUsOn(date: readonly [number, number, number], us: number): bigint {
  return BigInt(daysFromCivil(date[0], date[1], date[2]) - PG_EPOCH_DAYS) * BigInt(DAY_US) + BigInt(us);
}

/** The local midnight (microseconds since 2000-01-01) of the day instant `at` (the transaction's start) falls on in `zone`. */
function localDayStart(at: bigint, zone: TimeZone): bigint {
  const local = utcToLocal(zone, at);
  const day = BigInt(DAY_US);
  const r = ((local % day) + day) % day;
  return local - r;
}

/**
 * The offset (seconds west) of `zone` for local time `us`: on `date` when given, else on the
 * date the clock gives in `session` (GetCurrentDateTime), DetermineTimeZoneOffset's answer.
 * @throws PgError 0A000 when the offset depends on a date and there is no clock.
 */
function zoneWestAt(zone: TimeZone, us: number, date: readonly [number, number, number] | undefined, session: TimeZone, clock: DateTimeClock, text: string): number {
  if (zone.kind === 'fixed') return -zone.offsetSec;
  let local: bigint;
  if (date !== undefined) local = localUsOn(date, us);
  else {
    if (clock === undefined) throw new PgError(SQLSTATE.feature_not_supported, `time with time zone input "${text}" is not supported here`);
    local = localDayStart(clock(), session) + BigInt(us);
  }
  return -localOffset(zone, local);
}

/**
 * timetz_in (DecodeTimeOnly + tm2timetz): the time forms `time` reads ({@link decodeTimeOnly})
 * with the zone kept: a numeric offset (`+05:30`, `-0800`), `Z`, an abbreviation (`PST`), a
 * zone name after a date (`2003-04-12 04:05:06 America/New_York`, that date's offset), or none
 * (the session zone's offset at that date or the transaction's start date); `now` is the
 * transaction's start in the session zone; `typmod` rounds the fraction.
 * @throws PgError 22007 invalid syntax (a zone name without a date), 22008 field out of range,
 *   22009 zone displacement out of range, 22023 unknown zone; 0A000 for the forms time_in
 *   refuses and, without a clock, `now` or an offset that depends on the date.
 */
export function parseTimetz(text: string, typmod: number, session: TimeZone, clock: DateTimeClock): TimeTz {
  if (text.trim().toLowerCase() === 'now') {
    if (clock === undefined) throw new PgError(SQLSTATE.feature_not_supported, `time with time zone input "${text}" is not supported here`);
    return adjustTimetzTypmod(timestamptzToTimetz(clock(), session)!, typmod);
  }
  const f = decodeTimeOnly(text, 'timetz', session, clock);
  let west: number;
  if (f.eastSec !== undefined) west = -f.eastSec;
  else west = zoneWestAt(f.zone ?? session, f.us, f.date, session, clock, text);
  if (west <= -TZDISP_LIMIT || west >= TZDISP_LIMIT) throw new PgError(SQLSTATE.datetime_value_out_of_range, `time zone displacement out of range: "${text}"`);
  return adjustTimetzTypmod(new TimeTz(f.us, west), typmod);
}

/** timetz_out (ISO DateStyle): `HH:MM:SS[.ffffff]` then the offset, `+HH`, `+HH:MM` or `+HH:MM:SS`. */
export function formatTimetz(v: TimeTz): string {
  return formatTime(v.us) + offsetText(-v.zone, true);
}

/** timetz_scale: the time rounded to `typmod` fractional digits (-1 keeps it), the zone kept. */
export function adjustTimetzTypmod(v: TimeTz, typmod: number): TimeTz {
  const us = adjustTimeTypmod(v.us, typmod);
  return us === v.us ? v : new TimeTz(us, v.zone);
}

/** timetz_cmp_internal: by the UTC-equivalent time (time + zone), then by the zone (seconds west). */
export function timetzCmp(a: TimeTz, b: TimeTz): number {
  const t1 = a.us + a.zone * 1_000_000;
  const t2 = b.us + b.zone * 1_000_000;
  if (t1 !== t2) return t1 < t2 ? -1 : 1;
  return a.zone === b.zone ? 0 : a.zone > b.zone ? 1 : -1;
}

/** timetz_send: int64 microseconds, then int32 seconds west of UTC (12 bytes, big-endian). */
export function timetzSend(v: TimeTz): Uint8Array {
  const out = new Uint8Array(12);
  const dv = new DataView(out.buffer);
  dv.setBigInt64(0, BigInt(v.us));
  dv.setInt32(8, v.zone);
  return out;
}

/**
 * timetz_recv: the 12 bytes of {@link timetzSend}, then `typmod`'s rounding.
 * @throws PgError 22008 `time out of range`, 22009 `time zone displacement out of range`.
 */
export function timetzRecv(us: bigint, zone: number, typmod: number): TimeTz {
  if (us < 0n || us > BigInt(DAY_US)) throw new PgError(SQLSTATE.datetime_value_out_of_range, 'time out of range');
  if (zone <= -TZDISP_LIMIT || zone >= TZDISP_LIMIT) throw new PgError('22009', 'time zone displacement out of range');
  return adjustTimetzTypmod(new TimeTz(Number(us), zone), typmod);
}

/** timestamptz_timetz: the local time of `ts` in `zone` with that instant's offset; NULL for an infinite one. */
export function timestamptzToTimetz(ts: bigint, zone: TimeZone): TimeTz | null {
  if (!isFiniteTimestamp(ts)) return null;
  const east = offsetAtUtc(zone, ts);
  return new TimeTz(timestampToTime(ts + BigInt(east) * 1_000_000n)!, -east);
}

/**
 * time_timetz: `us` with the session zone's offset on the transaction's start date
 * (GetCurrentDateTime + DetermineTimeZoneOffset).
 * @throws PgError 0A000 without a clock when the zone's offset depends on the date.
 */
export function timeToTimetz(us: number, session: TimeZone, clock: DateTimeClock): TimeTz {
  return new TimeTz(us, zoneWestAt(session, us, undefined, session, clock, formatTime(us)));
}

/** timetz ± interval (timetz_pl_interval / timetz_mi_interval): the interval's time part, wrapped at midnight. */
export function timetzPlusInterval(v: TimeTz, iv: Interval, sign: 1 | -1): TimeTz {
  const span = Number(iv.us % BigInt(DAY_US)) * sign;
  const r = (v.us + span) % DAY_US;
  return new TimeTz(r < 0 ? r + DAY_US : r, v.zone);
}

/** timetz_zone / timetz_izone's shift: `v` seen at `west` seconds west of UTC, wrapped into the day. */
function atZoneWest(v: TimeTz, west: number): TimeTz {
  let us = v.us + (v.zone - west) * 1_000_000;
  while (us < 0) us += DAY_US;
  if (us >= DAY_US) us %= DAY_US;
  return new TimeTz(us, west);
}

/** timetz_zone: `v` AT TIME ZONE `zone`, with the offset `zone` has at instant `at` (the transaction's start). */
export function timetzAtZone(v: TimeTz, zone: TimeZone, at: bigint): TimeTz {
  return atZoneWest(v, zone.kind === 'fixed' ? -zone.offsetSec : -offsetAtUtc(zone, at));
}

/**
 * timetz_izone: `v` AT TIME ZONE an interval (east of UTC, whole seconds taken).
 * @throws PgError 22023 for an interval with months or days.
 */
export function timetzAtInterval(v: TimeTz, iv: Interval): TimeTz {
  const west = -Number(intervalZoneSeconds(iv) / 1_000_000n);
  if (west <= -TZDISP_LIMIT || west >= TZDISP_LIMIT) throw new PgError(SQLSTATE.invalid_parameter_value, `interval time zone "${iv.toString()}" must be within ±15:59:59`);
  return atZoneWest(v, west);
}

/**
 * datetimetz_pl: date + timetz, the timestamptz of that local time at the value's offset.
 * @throws PgError 22008 `date out of range for timestamp`.
 */
export function dateTimetzToTimestamptz(days: number, v: TimeTz): bigint {
  const ts = dateToTimestamp(days);
  if (!isFiniteTimestamp(ts)) return ts;
  const out = ts + BigInt(v.us) + BigInt(v.zone) * 1_000_000n;
  try {
    return checkTimestamp(out);
  } catch {
    throw new PgError(SQLSTATE.datetime_value_out_of_range, 'date out of range for timestamp');
  }
}

/** The zone fields of a timetz: timezone (seconds east), timezone_hour, timezone_minute (truncated, as C divides). */
function zoneField(unit: string, zone: number): number | null {
  const east = -zone;
  switch (unit) {
    case 'timezone': return east;
    case 'timezone_hour': return Math.trunc(east / 3600);
    case 'timezone_minute': return Math.trunc(east / 60) % 60;
    default: return null;
  }
}

/**
 * extract(field FROM timetz) (timetz_part_common): the zone fields, epoch (the UTC-equivalent
 * seconds), or time's fields of the local time.
 * @throws PgError 22023 unknown unit, 0A000 a unit a timetz has not (day, dow...).
 */
export function extractTimetz(unitText: string, v: TimeTz): Numeric {
  const unit = timetzUnit(unitText);
  const z = zoneField(unit, v.zone);
  if (z !== null) return Numeric.fromInt(z);
  if (unit === 'epoch') return Numeric.of(BigInt(v.us) + BigInt(v.zone) * 1_000_000n, 6);
  return extractTime(unitText, v.us);
}

/** date_part(field, timetz): {@link extractTimetz} as a float8. */
export function datePartTimetz(unitText: string, v: TimeTz): number {
  const unit = timetzUnit(unitText);
  const z = zoneField(unit, v.zone);
  if (z !== null) return z;
  if (unit === 'epoch') return v.us / 1_000_000 + v.zone;
  return datePartTime(unitText, v.us);
}
