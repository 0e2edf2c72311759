/**
 * PostgreSQL's in_range support functions for the date/time types with an interval offset
 * (timestamp.c in_range_timestamp_interval, in_range_timestamptz_interval,
 * in_range_interval_interval; date.c in_range_date_interval, in_range_time_interval): what a
 * window frame `RANGE BETWEEN <offset> PRECEDING / FOLLOWING` compares each row's ORDER BY
 * value with.
 *
 * `in_range(val, base, offset, sub, less)` is `val <= base ± offset` (less) or
 * `val >= base ± offset`; the sum depends only on the current row, so it is computed once per
 * row ({@link inRangeSum}) and compared with each candidate row ({@link inRangeCmp}).
 *
 *   timestamp    base ± offset by timestamp_pl_interval (months, days, then time; an infinite
 *                timestamp stays itself)
 *   timestamptz  the same in the session time zone (timestamptz_pl_interval: a day across a
 *                DST change is a calendar day, 23 or 25 hours)
 *   date         promoted to timestamp (value and base both), then as timestamp
 *   time         base ± the offset's time part only, without wrapping around midnight (the
 *                sum may lie outside 00:00..24:00; months and days are ignored, also by the
 *                negative check)
 *   interval     interval_pl / interval_mi, compared with interval_cmp (30-day months)
 *
 * PostgreSQL 17+'s infinite intervals (and so infinite offsets) do not exist in vecgres.
 */
import { PgError } from '../common/errors.js';
import { Interval, intervalAdd, intervalCmp, intervalSpan, intervalSub } from './interval.js';
import { dateToTimestamp, timestampPlusInterval } from './datetime_funcs.js';
import { timestamptzPlusInterval } from './timestamptz_funcs.js';
import type { TimeZone } from './timezone.js';

/** The ORDER BY types whose RANGE offset is an interval. */
export type InRangeType = 'timestamp' | 'timestamptz' | 'date' | 'time' | 'interval';

/**
 * The check every in_range function makes of its offset before anything else: a negative
 * offset (interval_sign < 0, by interval_cmp; for time only the time part counts).
 * @throws PgError 22013 `invalid preceding or following size in window function`.
 */
export function checkInRangeOffset(type: InRangeType, offset: Interval): void {
  const negative = type === 'time' ? offset.us < 0n : intervalSpan(offset) < 0n;
  if (negative) throw new PgError('22013', 'invalid preceding or following size in window function');
}

/**
 * `base - offset` (sub) or `base + offset` for the ORDER BY value `base` of `type`: a
 * timestamp's microseconds (bigint) for timestamp, timestamptz and date, the microseconds of
 * the day as a bigint (not wrapped) for time, an Interval for interval. Checks the offset
 * first ({@link checkInRangeOffset}).
 * @throws PgError 22013 for a negative offset; 22008 `timestamp out of range`, `date out of
 *   range for timestamp` or `interval out of range` when the sum overflows, as PostgreSQL's.
 */
export function inRangeSum(type: InRangeType, base: unknown, offset: Interval, sub: boolean, zone: TimeZone): bigint | Interval {
  checkInRangeOffset(type, offset);
  const sign = sub ? -1 : 1;
  switch (type) {
    case 'timestamp':
      return timestampPlusInterval(base as bigint, offset, sign);
    case 'timestamptz':
      return timestamptzPlusInterval(base as bigint, offset, sign, zone);
    case 'date':
      return timestampPlusInterval(dateToTimestamp(base as number), offset, sign);
    case 'time':
      return sub ? BigInt(base as number) - offset.us : BigInt(base as number) + offset.us;
    case 'interval':
      return sub ? intervalSub(base as Interval, offset) : intervalAdd(base as Interval, offset);
  }
}

/**
 * The order of ORDER BY value `val` (non-NULL, of `type`) against a sum from
 * {@link inRangeSum}: negative, zero or positive. in_range is `cmp <= 0` (less) or `cmp >= 0`.
 * @throws PgError 22008 `date out of range for timestamp` for a date beyond timestamps.
 */
export function inRangeCmp(type: InRangeType, val: unknown, sum: bigint | Interval): number {
  if (type === 'interval') return intervalCmp(val as Interval, sum as Interval);
  const v = type === 'date' ? dateToTimestamp(val as number) : type === 'time' ? BigInt(val as number) : (val as bigint);
  const s = sum as bigint;
  return v < s ? -1 : v > s ? 1 : 0;
}
