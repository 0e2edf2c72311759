/**
 * date_bin(stride, source, origin) (PostgreSQL 14+): the start of the stride-wide bin, counted
 * from `origin`, that holds `source`. timestamp and timestamptz bin alike (timestamp.c
 * timestamp_bin / timestamptz_bin): on the absolute microsecond count, with no time zone.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { Interval, USECS_PER_DAY } from './interval.js';
import { isFiniteTimestamp, checkTimestamp } from './datetime_funcs.js';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function intervalOutOfRange(): PgError {
  return new PgError(SQLSTATE.datetime_value_out_of_range, 'interval out of range');
}

/**
 * The bin of `source` (microseconds since 2000-01-01) for `stride` from `origin`, rounded
 * toward minus infinity as PostgreSQL 18's timestamp_bin does. An infinite source is
 * returned unchanged.
 * @throws PgError 22008 `origin out of range` for an infinite origin; 0A000 `timestamps cannot
 *   be binned into intervals containing months or years`; 22008 `stride must be greater than
 *   zero` (PostgreSQL 18's code for it); 22008 `interval out of range` when the stride or
 *   source − origin overflow 64 bits; 22008 `timestamp out of range` when the bin starts
 *   before the first timestamp.
 */
export function dateBin(stride: Interval, source: bigint, origin: bigint): bigint {
  if (!isFiniteTimestamp(source)) return source;
  if (!isFiniteTimestamp(origin)) throw new PgError(SQLSTATE.datetime_value_out_of_range, 'origin out of range');
  if (stride.months !== 0) {
    throw new PgError(SQLSTATE.feature_not_supported, 'timestamps cannot be binned into intervals containing months or years');
  }
  // PostgreSQL checks each step of day * USECS_PER_DAY + time against int64.
  let strideUs = BigInt(stride.days) * USECS_PER_DAY;
  if (strideUs < INT64_MIN || strideUs > INT64_MAX) throw intervalOutOfRange();
  strideUs += stride.us;
  if (strideUs < INT64_MIN || strideUs > INT64_MAX) throw intervalOutOfRange();
  if (strideUs <= 0n) throw new PgError(SQLSTATE.datetime_value_out_of_range, 'stride must be greater than zero');
  const diff = source - origin;
  if (diff < INT64_MIN || diff > INT64_MAX) throw intervalOutOfRange();
  // BigInt's % truncates toward zero, as C's does.
  const modulo = diff % strideUs;
  let result = origin + (diff - modulo);
  if (modulo < 0n) result = checkTimestamp(result - strideUs);
  return result;
}
