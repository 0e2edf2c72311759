/**
 * PostgreSQL's built-in aggregates over scalar types: sum, avg, min and max over integer,
 * bigint, real, double precision and numeric (min/max also over text), with PostgreSQL's result
 * types (pg_aggregate):
 *
 *   sum(int4) -> bigint          avg(int4/int8/numeric) -> numeric
 *   sum(int8) -> numeric         avg(float4/float8)     -> double precision
 *   sum(float4) -> real          min/max(T)             -> T
 *   sum(float8) -> double precision, sum(numeric) -> numeric
 *
 * Integer and numeric sums are exact (BigInt decimals, as PostgreSQL's int8/numeric
 * accumulators). avg over integers and numeric divides with PostgreSQL's numeric division
 * scale (numeric.c select_div_scale: at least 16 significant digits) and rounds half away from
 * zero, so `avg(1,2)` prints `1.5000000000000000` as PostgreSQL does. Such numeric results are
 * carried as their decimal text (a string value); numeric comparisons and arithmetic read it
 * back with Number().
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { Value } from '../../storage/table.js';
import type { Aggregate } from '../../types/aggregates.js';
import type { SqlType } from './types.js';

/** An exact decimal: `unscaled / 10^scale`. */
interface Decimal {
  u: bigint;
  scale: number;
}

const POW10: bigint[] = [1n];
function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1]! * 10n);
  return POW10[n]!;
}

/** A numeric value (number, bigint or decimal text) as an exact decimal. */
function toDecimal(v: Value): Decimal {
  if (typeof v === 'bigint') return { u: v, scale: 0 };
  const text = String(v);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  if (m === null) throw new PgError(SQLSTATE.feature_not_supported, `cannot sum the numeric value ${text}`);
  const frac = m[3] ?? '';
  let u = BigInt(m[2]! + frac);
  let scale = frac.length - Number(m[4] ?? '0');
  if (scale < 0) {
    u *= pow10(-scale);
    scale = 0;
  }
  return { u: m[1] === '-' ? -u : u, scale };
}

function addDecimal(a: Decimal, b: Decimal): Decimal {
  if (a.scale === b.scale) return { u: a.u + b.u, scale: a.scale };
  if (a.scale < b.scale) return { u: a.u * pow10(b.scale - a.scale) + b.u, scale: b.scale };
  return { u: a.u + b.u * pow10(a.scale - b.scale), scale: a.scale };
}

/** numeric_out: plain decimal text with exactly `scale` fraction digits. */
function formatDecimal(d: Decimal): string {
  const neg = d.u < 0n;
  let s = (neg ? -d.u : d.u).toString();
  if (d.scale > 0) {
    if (s.length <= d.scale) s = '0'.repeat(d.scale - s.length + 1) + s;
    s = `${s.slice(0, s.length - d.scale)}.${s.slice(s.length - d.scale)}`;
  }
  return neg ? `-${s}` : s;
}

/** Weight and first digit of |d| in base 10000, as PostgreSQL's NumericVar holds it. */
function base10000Head(d: Decimal): { weight: number; first: number } {
  const abs = d.u < 0n ? -d.u : d.u;
  if (abs === 0n) return { weight: 0, first: 0 };
  const s4 = Math.ceil(d.scale / 4) * 4;
  const text = (abs * pow10(s4 - d.scale)).toString();
  const groups = Math.ceil(text.length / 4);
  const headLen = text.length - (groups - 1) * 4;
  return { weight: groups - 1 - s4 / 4, first: Number(text.slice(0, headLen)) };
}

/**
 * numeric division `a / n` (n a positive row count) at PostgreSQL's select_div_scale
 * (NUMERIC_MIN_SIG_DIGITS = 16, DEC_DIGITS = 4), rounded half away from zero.
 */
function divideByCount(a: Decimal, n: number): string {
  const h1 = base10000Head(a);
  const h2 = base10000Head({ u: BigInt(n), scale: 0 });
  let qweight = h1.weight - h2.weight;
  if (h1.first <= h2.first) qweight--;
  let rscale = 16 - qweight * 4;
  rscale = Math.min(Math.max(rscale, a.scale, 0), 1000);
  const neg = a.u < 0n;
  const num = (neg ? -a.u : a.u) * pow10(rscale);
  const den = pow10(a.scale) * BigInt(n);
  let q = num / den;
  if ((num % den) * 2n >= den) q++;
  return formatDecimal({ u: neg && q !== 0n ? -q : q, scale: rscale });
}

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
  acc: Decimal | number;
}

const intSum = (resultBig: boolean): Aggregate<Value, Value, SumState> => ({
  init: () => ({ n: 0, acc: { u: 0n, scale: 0 } }),
  step(s, v) {
    const d = s.acc as Decimal;
    d.u += typeof v === 'bigint' ? v : BigInt(v as number);
    s.n++;
    return s;
  },
  final(s) {
    if (s.n === 0) return null;
    const u = (s.acc as Decimal).u;
    if (!resultBig && (u > 9223372036854775807n || u < -9223372036854775808n)) {
      throw new PgError(SQLSTATE.numeric_value_out_of_range, 'bigint out of range');
    }
    return u >= BigInt(Number.MIN_SAFE_INTEGER) && u <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(u) : u;
  },
});

const numericSum: Aggregate<Value, Value, SumState> = {
  init: () => ({ n: 0, acc: { u: 0n, scale: 0 } }),
  step(s, v) {
    s.acc = addDecimal(s.acc as Decimal, toDecimal(v));
    s.n++;
    return s;
  },
  final: (s) => (s.n === 0 ? null : formatDecimal(s.acc as Decimal)),
};

const exactAvg: Aggregate<Value, Value, SumState> = {
  init: numericSum.init,
  step: numericSum.step,
  final: (s) => (s.n === 0 ? null : divideByCount(s.acc as Decimal, s.n)),
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
        case 'int4': return { type: 'int8', agg: intSum(false) as AnyAgg };
        case 'int8': return { type: 'numeric', agg: intSum(true) as AnyAgg };
        case 'numeric': return { type: 'numeric', agg: numericSum as AnyAgg };
        case 'float4': return { type: 'float4', agg: floatSum(true) as AnyAgg };
        case 'float8': return { type: 'float8', agg: floatSum(false) as AnyAgg };
        default: return null;
      }
    case 'avg':
      switch (arg) {
        case 'int4':
        case 'int8':
        case 'numeric': return { type: 'numeric', agg: exactAvg as AnyAgg };
        case 'float4':
        case 'float8': return { type: 'float8', agg: floatAvg as AnyAgg };
        default: return null;
      }
    case 'min':
    case 'max':
      switch (arg) {
        case 'int4':
        case 'int8':
        case 'numeric':
        case 'float4':
        case 'float8':
        case 'text':
          return cmp === null ? null : { type: arg, agg: extreme(cmp, name === 'max' ? 1 : -1) as AnyAgg };
        default: return null;
      }
    default:
      return null;
  }
}
