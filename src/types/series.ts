/**
 * generate_series(start, stop [, step]) one value at a time, for every type PostgreSQL has it
 * over: int4 and int8 (int.c generate_series_step_int4 / _int8), numeric (numeric.c
 * generate_series_step_numeric), timestamp and timestamptz with an interval step
 * (timestamp.c generate_series_timestamp / _timestamptz, the latter stepping in a time zone's
 * calendar). The FROM-clause scan streams it; the select list collects it.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { Interval, intervalCmp } from './interval.js';
import { Numeric, numericAdd, numericCmp } from './numeric.js';
import { timestampPlusInterval } from './datetime_funcs.js';
import { timestamptzPlusInterval } from './timestamptz_funcs.js';
import type { TimeZone } from './timezone.js';

/** A series argument or value: an integer, a numeric, a timestamp (microseconds) or an interval step. */
export type SeriesValue = number | bigint | Numeric | Interval | null;

/** The argument types of a series: its values' type (the step is an interval for timestamps). */
export type SeriesType = 'int4' | 'int8' | 'numeric' | 'timestamp' | 'timestamptz';

function zeroStep(): PgError {
  return new PgError(SQLSTATE.invalid_parameter_value, 'step size cannot equal zero');
}

/**
 * The values of generate_series(start, stop, step) over `type`, in order; none when an
 * argument is NULL (the functions are strict). `step` defaults to 1 for the numbers. A
 * timestamptz series adds its step in `zone`'s calendar (a day across a DST change is 23 or
 * 25 hours), as PostgreSQL does in the session zone or the zone given as fourth argument.
 * Integer series stop before overflowing, as the int4 / int8 versions do; a timestamp series
 * computes the next value before returning the current one, so it fails with 22008 on the
 * step after the range's end as PostgreSQL does.
 * @throws PgError 22023 `step size cannot equal zero`; for numeric also `start value cannot
 *   be NaN` / `... infinity`, and the same for stop and step; 22008 `timestamp out of range`.
 */
export function* seriesValues(type: SeriesType, start: SeriesValue, stop: SeriesValue, step: SeriesValue | undefined, zone: TimeZone): Generator<SeriesValue> {
  if (start === null || stop === null || step === null) return;
  switch (type) {
    case 'int4':
    case 'int8': {
      const big = type === 'int8';
      let cur = big ? BigInt(start as number | bigint) : (start as number);
      const end = big ? BigInt(stop as number | bigint) : (stop as number);
      const by = step === undefined ? (big ? 1n : 1) : big ? BigInt(step as number | bigint) : (step as number);
      if (by === 0 || by === 0n) throw zeroStep();
      const up = by > 0;
      // Bounds are within the type, so a value past `end` ends the series before it overflows.
      while (up ? cur <= end : cur >= end) {
        // An int8 value is a number where that is exact (the executor's convention for bigint).
        yield typeof cur === 'bigint' && cur >= BigInt(Number.MIN_SAFE_INTEGER) && cur <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(cur) : cur;
        cur = typeof cur === 'bigint' ? cur + (by as bigint) : cur + (by as number);
      }
      return;
    }
    case 'numeric': {
      const s = start as Numeric;
      const e = stop as Numeric;
      const by = step === undefined ? Numeric.fromInt(1) : (step as Numeric);
      for (const [v, what] of [[s, 'start value'], [e, 'stop value'], [by, 'step size']] as const) {
        if (v.isNaN()) throw new PgError(SQLSTATE.invalid_parameter_value, `${what} cannot be NaN`);
        if (!v.isFinite()) throw new PgError(SQLSTATE.invalid_parameter_value, `${what} cannot be infinity`);
      }
      const dir = by.sign();
      if (dir === 0) throw zeroStep();
      for (let cur = s; dir > 0 ? numericCmp(cur, e) <= 0 : numericCmp(cur, e) >= 0; cur = numericAdd(cur, by)) yield cur;
      return;
    }
    case 'timestamp':
    case 'timestamptz': {
      const by = step as Interval;
      const dir = intervalCmp(by, new Interval(0, 0, 0n));
      if (dir === 0) throw zeroStep();
      const end = stop as bigint;
      let cur = start as bigint;
      while (dir > 0 ? cur <= end : cur >= end) {
        const v = cur;
        cur = type === 'timestamp' ? timestampPlusInterval(cur, by, 1) : timestamptzPlusInterval(cur, by, 1, zone);
        // A step that does not move the value (an infinite start, `-1 month +31 days` from a
        // 1st) repeats it without end, as in PostgreSQL: statement_timeout ends the statement.
        yield v;
      }
      return;
    }
  }
}
