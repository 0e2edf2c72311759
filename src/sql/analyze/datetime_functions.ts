/**
 * PostgreSQL's date/time operators and functions as overload sets (their pg_operator and
 * pg_proc signatures), resolved by overloads.ts: comparisons, timestamp ± interval, timestamp
 * − timestamp, date ± integer, date − date, time ± interval, time − time, date + time, interval arithmetic, date_trunc, date_bin, extract (numeric,
 * PostgreSQL 14+), date_part (double precision), age, make_date, make_time, to_timestamp, isfinite,
 * justify_hours / justify_days, to_char of numbers and to_number (types/to_char_number.ts), and AT TIME ZONE (the `timezone` function) for named zones
 * (types/timezone.ts) and interval offsets. Implementations live in types/datetime_funcs.ts and types/interval.ts.
 *
 * The functions that read the clock (now(), current_timestamp, ...) read the session and are
 * analyzed in expr.ts, not here.
 */
import type { Value } from '../../storage/table.js';
import type { SqlType } from './types.js';
import type { Overload } from './overloads.js';
import { TimeTz, dateTimetzToTimestamptz, datePartTimetz, extractTimetz, timetzCmp, timetzPlusInterval } from '../../types/timetz.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import { toCharInterval, toCharTimestamp } from '../../types/to_char.js';
import { toCharFloat4, toCharFloat8, toCharInt4, toCharInt8, toCharNumeric, toNumber } from '../../types/to_char_number.js';
import { toNumeric, type Numeric } from '../../types/numeric.js';
import { toDateFromText, toTimestampFromText } from '../../types/from_char.js';
import {
  Interval, intervalCmp, intervalAdd, intervalSub, intervalMul, intervalDiv, justifyHours, justifyDays, justifyInterval,
  makeInterval,
} from '../../types/interval.js';
import {
  timestampPlusInterval, timestampDiff, datePlusDays, dateDiff, dateToTimestamp, dateTrunc, dateTruncInterval, extractTimestamp,
  extractDate, extractInterval, datePartTimestamp, datePartInterval, age, makeDate, toTimestampFromEpoch, isFiniteTimestamp,
  isFiniteDate, checkTimestamp, intervalZoneSeconds, makeTimestamp, timePlusInterval, timeDiff, dateTimeToTimestamp, extractTime,
  datePartTime, makeTime,
} from '../../types/datetime_funcs.js';
import { localToUtc, timeZoneOrError, utcToLocal, type TimeZone } from '../../types/timezone.js';
import { dateBin } from '../../types/date_bin.js';
import { ageTimestamptz, datePartTimestamptz, extractTimestamptz, timestamptzPlusInterval, timestamptzTrunc } from '../../types/timestamptz_funcs.js';

type Add = (name: string, o: Overload) => void;

type I = Interval;

const f1 = (args: SqlType[], result: SqlType, impl: (a: Value) => Value): Overload => ({ args, result, impl });
const f2 = (args: SqlType[], result: SqlType, impl: (a: Value, b: Value, zone: TimeZone) => Value): Overload => ({ args, result, impl });
const fn = (args: SqlType[], result: SqlType, impl: (a: Value[], ctx: { readonly zone: TimeZone }) => Value): Overload => ({ args, result, impl, nary: true });

function bigCmp(a: Value, b: Value): number {
  return (a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0;
}

function intCmp(a: Value, b: Value): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** The B-tree comparison (support function 1) of each date/time type. */
export const DATETIME_CMP: Partial<Record<SqlType, (a: Value, b: Value) => number>> = {
  timestamp: bigCmp,
  timestamptz: bigCmp,
  date: intCmp,
  time: intCmp,
  timetz: (a, b) => timetzCmp(a as TimeTz, b as TimeTz),
  interval: (a, b) => intervalCmp(a as I, b as I),
};

/** The interval's time as a whole number of seconds (PostgreSQL's `zone->time / USECS_PER_SEC`). */
function zoneShift(zone: Interval): bigint {
  return (intervalZoneSeconds(zone) / 1_000_000n) * 1_000_000n;
}

/**
 * make_timestamptz's zone (parse_sane_timezone): a numeric offset reads with the ISO sign
 * (`+05` is east), anything else as AT TIME ZONE reads a name.
 * @throws PgError 22023 `time zone "<name>" not recognized`, `numeric time zone "<name>" out of range`.
 */
function saneZone(name: string, session: TimeZone): TimeZone {
  const m = /^\s*([+-])(\d{1,2})(?::?(\d{2})(?::(\d{2}))?)?\s*$/.exec(name);
  if (m === null) return timeZoneOrError(name, session);
  const h = Number(m[2]);
  const mi = Number(m[3] ?? 0);
  const sec = Number(m[4] ?? 0);
  if (h > 15 || mi > 59 || sec > 59) throw new PgError(SQLSTATE.invalid_parameter_value, `numeric time zone "${name}" out of range`);
  const east = h * 3600 + mi * 60 + sec;
  return { kind: 'fixed', offsetSec: m[1] === '-' ? -east : east };
}


/** Registers the date/time operators. */
export function registerDatetimeOperators(add: Add): void {
  // timestamp ± interval in the calendar; timestamptz ± interval in the session zone's calendar.
  const plus = (t: 'timestamp' | 'timestamptz', ts: Value, iv: Value, sign: 1 | -1, zone: TimeZone): bigint =>
    t === 'timestamp' ? timestampPlusInterval(ts as bigint, iv as I, sign) : timestamptzPlusInterval(ts as bigint, iv as I, sign, zone);
  for (const t of ['timestamp', 'timestamptz'] as const) {
    add('+', f2([t, 'interval'], t, (a, b, zone) => plus(t, a, b, 1, zone)));
    add('+', f2(['interval', t], t, (a, b, zone) => plus(t, b, a, 1, zone)));
    add('-', f2([t, 'interval'], t, (a, b, zone) => plus(t, a, b, -1, zone)));
    add('-', f2([t, t], 'interval', (a, b) => timestampDiff(a as bigint, b as bigint)));
  }
  add('+', f2(['date', 'int4'], 'date', (a, b) => datePlusDays(a as number, b as number)));
  add('+', f2(['int4', 'date'], 'date', (a, b) => datePlusDays(b as number, a as number)));
  add('-', f2(['date', 'int4'], 'date', (a, b) => datePlusDays(a as number, -(b as number))));
  add('-', f2(['date', 'date'], 'int4', (a, b) => dateDiff(a as number, b as number)));
  add('+', f2(['date', 'interval'], 'timestamp', (a, b) => timestampPlusInterval(dateToTimestamp(a as number), b as I, 1)));
  add('+', f2(['interval', 'date'], 'timestamp', (a, b) => timestampPlusInterval(dateToTimestamp(b as number), a as I, 1)));
  add('-', f2(['date', 'interval'], 'timestamp', (a, b) => timestampPlusInterval(dateToTimestamp(a as number), b as I, -1)));
  // time ± interval wraps around midnight; time - time is an interval; date + time a timestamp.
  add('+', f2(['time', 'interval'], 'time', (a, b) => timePlusInterval(a as number, b as I, 1)));
  add('+', f2(['interval', 'time'], 'time', (a, b) => timePlusInterval(b as number, a as I, 1)));
  add('-', f2(['time', 'interval'], 'time', (a, b) => timePlusInterval(a as number, b as I, -1)));
  add('-', f2(['time', 'time'], 'interval', (a, b) => timeDiff(a as number, b as number)));
  add('+', f2(['date', 'time'], 'timestamp', (a, b) => dateTimeToTimestamp(a as number, b as number)));
  add('+', f2(['time', 'date'], 'timestamp', (a, b) => dateTimeToTimestamp(b as number, a as number)));
  // timetz ± interval wraps around midnight keeping the offset; date + timetz is a timestamptz.
  add('+', f2(['timetz', 'interval'], 'timetz', (a, b) => timetzPlusInterval(a as TimeTz, b as I, 1)));
  add('+', f2(['interval', 'timetz'], 'timetz', (a, b) => timetzPlusInterval(b as TimeTz, a as I, 1)));
  add('-', f2(['timetz', 'interval'], 'timetz', (a, b) => timetzPlusInterval(a as TimeTz, b as I, -1)));
  add('+', f2(['date', 'timetz'], 'timestamptz', (a, b) => dateTimetzToTimestamptz(a as number, b as TimeTz)));
  add('+', f2(['timetz', 'date'], 'timestamptz', (a, b) => dateTimetzToTimestamptz(b as number, a as TimeTz)));
  add('+', f2(['interval', 'interval'], 'interval', (a, b) => intervalAdd(a as I, b as I)));
  add('-', f2(['interval', 'interval'], 'interval', (a, b) => intervalSub(a as I, b as I)));
  add('*', f2(['interval', 'float8'], 'interval', (a, b) => intervalMul(a as I, b as number)));
  add('*', f2(['float8', 'interval'], 'interval', (a, b) => intervalMul(b as I, a as number)));
  add('/', f2(['interval', 'float8'], 'interval', (a, b) => intervalDiv(a as I, b as number)));
}

/** Registers the date/time functions. */
export function registerDatetimeFunctions(add: Add): void {
  add('date_trunc', f2(['text', 'timestamp'], 'timestamp', (u, v) => dateTrunc(u as string, v as bigint, 'timestamp')));
  add('extract', f2(['text', 'timestamp'], 'numeric', (u, v) => extractTimestamp(u as string, v as bigint, 'timestamp')));
  add('date_part', f2(['text', 'timestamp'], 'float8', (u, v) => datePartTimestamp(u as string, v as bigint, 'timestamp')));
  add('age', f2(['timestamp', 'timestamp'], 'interval', (a, b) => age(a as bigint, b as bigint)));
  // timestamptz: the fields of its local time in the session's zone.
  add('date_trunc', f2(['text', 'timestamptz'], 'timestamptz', (u, v, zone) => timestamptzTrunc(u as string, v as bigint, zone)));
  add('extract', f2(['text', 'timestamptz'], 'numeric', (u, v, zone) => extractTimestamptz(u as string, v as bigint, zone)));
  add('date_part', f2(['text', 'timestamptz'], 'float8', (u, v, zone) => datePartTimestamptz(u as string, v as bigint, zone)));
  add('age', f2(['timestamptz', 'timestamptz'], 'interval', (a, b, zone) => ageTimestamptz(a as bigint, b as bigint, zone)));
  for (const t of ['timestamp', 'timestamptz'] as const) add('isfinite', f1([t], 'bool', (a) => isFiniteTimestamp(a as bigint)));
  add('to_char', f2(['timestamp', 'text'], 'text', (v, f) => toCharTimestamp(v as bigint, f as string, null)));
  add('to_char', f2(['timestamptz', 'text'], 'text', (v, f, zone) => toCharTimestamp(v as bigint, f as string, zone)));
  add('to_char', f2(['interval', 'text'], 'text', (v, f) => toCharInterval(v as I, f as string)));
  // Numbers by a template of 9 0 . , S MI PR RN EEEE ... (formatting.c's NUM_processor), and back.
  add('to_char', f2(['int4', 'text'], 'text', (v, f) => toCharInt4(v as number, f as string)));
  add('to_char', f2(['int8', 'text'], 'text', (v, f) => toCharInt8(v as bigint, f as string)));
  add('to_char', f2(['float4', 'text'], 'text', (v, f) => toCharFloat4(v as number, f as string)));
  add('to_char', f2(['float8', 'text'], 'text', (v, f) => toCharFloat8(v as number, f as string)));
  add('to_char', f2(['numeric', 'text'], 'text', (v, f) => toCharNumeric(toNumeric(v as Numeric), f as string)));
  add('to_number', f2(['text', 'text'], 'numeric', (v, f) => toNumber(v as string, f as string)));
  // The input read by a template, as a local time of the session's zone unless it gives an offset.
  add('to_timestamp', f2(['text', 'text'], 'timestamptz', (v, f, zone) => toTimestampFromText(v as string, f as string, zone)));
  add('to_date', f2(['text', 'text'], 'date', (v, f) => toDateFromText(v as string, f as string)));
  add('date_trunc', f2(['text', 'interval'], 'interval', (u, v) => dateTruncInterval(u as string, v as I)));
  add('extract', f2(['text', 'date'], 'numeric', (u, v) => extractDate(u as string, v as number)));
  add('extract', f2(['text', 'interval'], 'numeric', (u, v) => extractInterval(u as string, v as I)));
  // date_part(text, date) is SQL: date_part($1, $2::timestamp).
  add('date_part', f2(['text', 'date'], 'float8', (u, v) => datePartTimestamp(u as string, dateToTimestamp(v as number), 'timestamp')));
  add('date_part', f2(['text', 'interval'], 'float8', (u, v) => datePartInterval(u as string, v as I)));
  add('extract', f2(['text', 'time'], 'numeric', (u, v) => extractTime(u as string, v as number)));
  add('date_part', f2(['text', 'time'], 'float8', (u, v) => datePartTime(u as string, v as number)));
  add('extract', f2(['text', 'timetz'], 'numeric', (u, v) => extractTimetz(u as string, v as TimeTz)));
  add('date_part', f2(['text', 'timetz'], 'float8', (u, v) => datePartTimetz(u as string, v as TimeTz)));
  add('make_time', fn(['int4', 'int4', 'float8'], 'time', (v) => makeTime(v[0] as number, v[1] as number, v[2] as number)));
  // Defaults and parameter names (make_interval(days => 7)): named_args.ts.
  add('make_interval', fn(['int4', 'int4', 'int4', 'int4', 'int4', 'int4', 'float8'], 'interval', (v) =>
    makeInterval(v[0] as number, v[1] as number, v[2] as number, v[3] as number, v[4] as number, v[5] as number, v[6] as number)));
  add('isfinite', f1(['date'], 'bool', (a) => isFiniteDate(a as number)));
  add('isfinite', f1(['interval'], 'bool', () => true));
  add('make_date', fn(['int4', 'int4', 'int4'], 'date', (v) => makeDate(v[0] as number, v[1] as number, v[2] as number)));
  const mk = (v: Value[]) => makeTimestamp(v[0] as number, v[1] as number, v[2] as number, v[3] as number, v[4] as number, v[5] as number);
  add('make_timestamp', fn(['int4', 'int4', 'int4', 'int4', 'int4', 'float8'], 'timestamp', mk));
  add('make_timestamptz', fn(['int4', 'int4', 'int4', 'int4', 'int4', 'float8'], 'timestamptz', (v, { zone }) => checkTimestamp(localToUtc(zone, mk(v)))));
  add('make_timestamptz', fn(['int4', 'int4', 'int4', 'int4', 'int4', 'float8', 'text'], 'timestamptz', (v, ctx) => {
    const zone = saneZone(v[6] as string, ctx.zone);
    return checkTimestamp(localToUtc(zone, mk(v)));
  }));
  add('date_trunc', fn(['text', 'timestamptz', 'text'], 'timestamptz', (v, ctx) => timestamptzTrunc(v[0] as string, v[1] as bigint, timeZoneOrError(v[2] as string, ctx.zone))));
  add('to_timestamp', f1(['float8'], 'timestamptz', (a) => toTimestampFromEpoch(a as number)));
  for (const t of ['timestamp', 'timestamptz'] as const) {
    add('date_bin', fn(['interval', t, t], t, (v) => dateBin(v[0] as I, v[1] as bigint, v[2] as bigint)));
  }
  add('justify_hours', f1(['interval'], 'interval', (a) => justifyHours(a as I)));
  add('justify_days', f1(['interval'], 'interval', (a) => justifyDays(a as I)));
  add('justify_interval', f1(['interval'], 'interval', (a) => justifyInterval(a as I)));
  // AT TIME ZONE: timezone(zone, value). A timestamptz seen in a zone is a local timestamp;
  // a local timestamp placed in a zone is a timestamptz.
  const shift = (a: bigint, by: bigint): bigint => (isFiniteTimestamp(a) ? checkTimestamp(a + by) : a);
  // A named zone (types/timezone.ts): its offset at that instant, or at that local time.
  // The session zone's own abbreviations come first (PostgreSQL 18's DecodeTimezoneAbbrev).
  add('timezone', f2(['text', 'timestamptz'], 'timestamp', (z, v, session) => {
    const zone = timeZoneOrError(z as string, session);
    return isFiniteTimestamp(v as bigint) ? checkTimestamp(utcToLocal(zone, v as bigint)) : v;
  }));
  add('timezone', f2(['text', 'timestamp'], 'timestamptz', (z, v, session) => {
    const zone = timeZoneOrError(z as string, session);
    return isFiniteTimestamp(v as bigint) ? checkTimestamp(localToUtc(zone, v as bigint)) : v;
  }));
  add('timezone', f2(['interval', 'timestamptz'], 'timestamp', (z, v) => shift(v as bigint, zoneShift(z as I))));
  add('timezone', f2(['interval', 'timestamp'], 'timestamptz', (z, v) => shift(v as bigint, -zoneShift(z as I))));
}
