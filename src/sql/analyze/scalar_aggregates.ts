/**
 * PostgreSQL's built-in aggregates over scalar types: sum, avg, min and max over integer,
 * bigint, real, double precision and numeric (min/max also over text), with PostgreSQL's result
 * types (pg_aggregate):
 *
 *   sum(int2/int4) -> bigint     avg(int2/int4/int8/numeric) -> numeric
 *   sum(int8) -> numeric         avg(float4/float8)     -> double precision
 *   sum(float4) -> real          min/max(T)             -> T
 *   sum(float8) -> double precision, sum(numeric) -> numeric
 *
 * Integer and numeric sums are exact (BigInt, as PostgreSQL's int8/numeric accumulators).
 * avg over integers and numeric is numeric division of the exact sum by the count
 * (types/numeric.ts: select_div_scale, at least 16 significant digits, half away from zero),
 * so `avg(1,2)` prints `1.5000000000000000` as PostgreSQL does. numeric results are
 * {@link Numeric} values.
 */
import { isEnumSqlType } from '../../types/enum_value.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { Value } from '../../storage/table.js';
import type { Aggregate } from '../../types/aggregates.js';
import { Numeric, numericAvgFinal, numericSumInit, numericSumStep, type NumericSumState } from '../../types/numeric.js';
import { type SqlType, isArrayType } from './types.js';
import { Interval, intervalAdd, intervalDiv } from '../../types/interval.js';

function overflow(): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, 'value out of range: overflow');
}

/** float4pl / float8pl: an infinite sum of finite inputs is an overflow. */
function floatAdd(a: number, b: number, f4: boolean): number {
  const r = f4 ? Math.fround(a + b) : a + b;
  if ((r === Infinity || r === -Infinity) && Number.isFinite(a) && Number.isFinite(b)) throw overflow();
  return r;
}

interface SumState {
  n: number;
  acc: bigint | number;
}

const intSum = (resultNumeric: boolean): Aggregate<Value, Value, SumState> => ({
  init: () => ({ n: 0, acc: 0n }),
  step(s, v) {
    s.acc = (s.acc as bigint) + (typeof v === 'bigint' ? v : BigInt(v as number));
    s.n++;
    return s;
  },
  final(s) {
    if (s.n === 0) return null;
    const u = s.acc as bigint;
    if (resultNumeric) return Numeric.fromInt(u);
    if (u > 9223372036854775807n || u < -9223372036854775808n) {
      throw new PgError(SQLSTATE.numeric_value_out_of_range, 'bigint out of range');
    }
    return u >= BigInt(Number.MIN_SAFE_INTEGER) && u <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(u) : u;
  },
});

/** sum(interval) (interval_pl) and avg(interval) (the sum divided by the count, interval_div). */
const intervalSum = (avg: boolean): Aggregate<Value, Value, { n: number; acc: Interval }> => ({
  init: () => ({ n: 0, acc: new Interval(0, 0, 0n) }),
  step(s, v) {
    s.acc = intervalAdd(s.acc, v as Interval);
    s.n++;
    return s;
  },
  final: (s) => (s.n === 0 ? null : avg ? intervalDiv(s.acc, s.n) : s.acc),
});

/** sum(numeric): exact, with the largest input scale. */
const numericSum: Aggregate<Value, Value, NumericSumState> = {
  init: numericSumInit,
  step: (s, v) => numericSumStep(s, v as Numeric),
  final: (s) => (s.n === 0 ? null : s.sum),
};

/** avg(numeric) and avg(int4 / int8): the exact sum over the count, numeric division. */
const exactAvg: Aggregate<Value, Value, NumericSumState> = {
  init: numericSumInit,
  step: (s, v) => numericSumStep(s, v instanceof Numeric ? v : Numeric.fromInt(v as number | bigint)),
  final: numericAvgFinal,
};

const floatSum = (f4: boolean): Aggregate<Value, Value, SumState> => ({
  init: () => ({ n: 0, acc: 0 }),
  step(s, v) {
    s.acc = floatAdd(s.acc as number, v as number, f4);
    s.n++;
    return s;
  },
  final: (s) => (s.n === 0 ? null : (s.acc as number)),
});

/** float8_accum / float8_avg: the double sum divided by the count. */
const floatAvg: Aggregate<Value, Value, SumState> = {
  init: () => ({ n: 0, acc: 0 }),
  step(s, v) {
    s.acc = floatAdd(s.acc as number, v as number, false);
    s.n++;
    return s;
  },
  final: (s) => (s.n === 0 ? null : (s.acc as number) / s.n),
};

interface ExtremeState {
  best: Value;
}

function extreme(cmp: (a: Value, b: Value) => number, sign: 1 | -1): Aggregate<Value, Value, ExtremeState> {
  return {
    init: () => ({ best: null }),
    step(s, v) {
      if (s.best === null || sign * cmp(v, s.best) > 0) s.best = v;
      return s;
    },
    final: (s) => s.best,
  };
}

/** A resolved scalar aggregate: its result type and transition functions. */
export interface ScalarAggregate {
  type: SqlType;
  agg: Aggregate<Value, Value, unknown>;
}

type AnyAgg = Aggregate<Value, Value, unknown>;

/**
 * The built-in aggregate `name` over an argument of type `arg`, or null when PostgreSQL has
 * none (the caller reports 42883 `function name(type) does not exist`). `cmp` orders values of
 * `arg` (for min/max).
 */
export function scalarAggregate(name: string, arg: SqlType, cmp: ((a: Value, b: Value) => number) | null): ScalarAggregate | null {
  switch (name) {
    case 'sum':
      switch (arg) {
        case 'int2':
        case 'int4': return { type: 'int8', agg: intSum(false) as AnyAgg };
        case 'int8': return { type: 'numeric', agg: intSum(true) as AnyAgg };
        case 'numeric': return { type: 'numeric', agg: numericSum as AnyAgg };
        case 'float4': return { type: 'float4', agg: floatSum(true) as AnyAgg };
        case 'float8': return { type: 'float8', agg: floatSum(false) as AnyAgg };
        case 'interval': return { type: 'interval', agg: intervalSum(false) as AnyAgg };
        default: return null;
      }
    case 'avg':
      switch (arg) {
        case 'int2':
        case 'int4':
        case 'int8':
        case 'numeric': return { type: 'numeric', agg: exactAvg as AnyAgg };
        case 'float4':
        case 'float8': return { type: 'float8', agg: floatAvg as AnyAgg };
        case 'interval': return { type: 'interval', agg: intervalSum(true) as AnyAgg };
        default: return null;
      }
    case 'min':
    case 'max':
      switch (arg) {
        case 'int2':
        case 'int4':
        case 'int8':
        case 'numeric':
        case 'float4':
        case 'float8':
        case 'text':
        case 'bpchar':
        case 'timestamp':
        case 'timestamptz':
        case 'date':
        case 'time':
        case 'timetz':
        case 'interval':
        case 'oid':
          return cmp === null ? null : { type: arg, agg: extreme(cmp, name === 'max' ? 1 : -1) as AnyAgg };
        default:
          // max(anyarray) / min(anyarray): array_larger / array_smaller by array_cmp;
          // max(anyenum) / min(anyenum): enum_larger / enum_smaller by enum_cmp.
          return (isArrayType(arg) || isEnumSqlType(arg)) && cmp !== null ? { type: arg, agg: extreme(cmp, name === 'max' ? 1 : -1) as AnyAgg } : null;
      }
    default:
      return null;
  }
}
