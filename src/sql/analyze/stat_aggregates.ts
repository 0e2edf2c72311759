/**
 * PostgreSQL's statistical and bitwise aggregates over scalar types (pg_aggregate):
 *
 *   stddev, stddev_samp, stddev_pop, variance, var_samp, var_pop:
 *     (int2 / int4 / int8 / numeric) -> numeric, (float4 / float8) -> double precision
 *   corr, covar_pop, covar_samp, regr_avgx, regr_avgy, regr_intercept, regr_r2, regr_slope,
 *     regr_sxx, regr_sxy, regr_syy (float8, float8) -> float8,
 *     regr_count (float8, float8) -> bigint; Y is the first argument, X the second
 *   bit_and, bit_or, bit_xor (int2 / int4 / int8 / bit) -> the argument type
 *   any_value (anyelement) -> the argument type
 *
 * The float8 ones follow float.c: the Youngs-Cramer transition (N, Sx, Sxx and, for two
 * arguments, Sy, Syy, Sxy) updated in double precision in the same operation order, so the
 * results agree with PostgreSQL to the last bit. The numeric ones follow numeric.c's
 * numeric_stddev_internal: exact sums of X and X*X, the numerator N*sum(X^2) - sum(X)^2 at
 * twice the inputs' largest scale, divided at select_div_scale places (and the square root
 * taken at the same scale), so `variance(1.5)`-style results print PostgreSQL's digits.
 *
 * All are strict: the executor skips NULL inputs (for two arguments, step skips a NULL X).
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { Value } from '../../storage/table.js';
import type { Aggregate } from '../../types/aggregates.js';
import { Numeric, numericAdd, numericDiv, numericMul, numericSub, selectDivScale } from '../../types/numeric.js';
import { sqrtNumericAt } from '../../types/math_funcs.js';
import { type BitString, bitBitwise } from '../../types/bit.js';
import type { SqlType } from './types.js';

type AnyAgg = Aggregate<Value, Value, unknown>;

function floatOverflow(): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, 'value out of range: overflow');
}

const isInf = (x: number): boolean => x === Infinity || x === -Infinity;

/** The names of the one-argument variance family. */
const VARIANCE = new Set(['stddev', 'stddev_samp', 'stddev_pop', 'variance', 'var_samp', 'var_pop']);

/** The names of the two-argument regression family (float8_regr_accum). */
export const REGRESSION_AGGREGATES = new Set([
  'corr', 'covar_pop', 'covar_samp', 'regr_avgx', 'regr_avgy', 'regr_count', 'regr_intercept', 'regr_r2', 'regr_slope', 'regr_sxx', 'regr_sxy', 'regr_syy',
]);

/** The aggregates this module resolves (for the analyzer's list of aggregate names). */
export const STAT_AGGREGATE_NAMES: readonly string[] = [...VARIANCE, ...REGRESSION_AGGREGATES, 'bit_and', 'bit_or', 'bit_xor', 'any_value'];

/** Sample (n - 1) or population (n) statistics; stddev / variance are the sample ones. */
function isSample(name: string): boolean {
  return !name.endsWith('_pop');
}

// ---------------------------------------------------------------------------------------
// float8: float8_accum / float4_accum and the final functions of float.c

interface FloatVarState {
  n: number;
  sx: number;
  sxx: number;
}

/** float8_accum (float4_accum widens its input first): one Youngs-Cramer step. */
function floatVarStep(s: FloatVarState, x: number): FloatVarState {
  const prevN = s.n;
  const prevSx = s.sx;
  s.n = prevN + 1;
  s.sx = prevSx + x;
  if (prevN > 0) {
    const tmp = x * s.n - s.sx;
    s.sxx += (tmp * tmp) / (s.n * prevN);
    // Only finite inputs reaching an infinite result overflow; an infinite input makes Sxx NaN.
    if (isInf(s.sx) || isInf(s.sxx)) {
      if (!isInf(prevSx) && !isInf(x)) throw floatOverflow();
      s.sxx = NaN;
    }
  } else if (!Number.isFinite(x)) {
    // A first input of Inf or NaN: a later variance must not read as zero.
    s.sxx = NaN;
  }
  return s;
}

function floatVariance(name: string): Aggregate<Value, Value, FloatVarState> {
  const sample = isSample(name);
  const root = name.startsWith('stddev');
  return {
    init: () => ({ n: 0, sx: 0, sxx: 0 }),
    step: (s, v) => floatVarStep(s, v as number),
    final(s) {
      if (sample ? s.n <= 1 : s.n === 0) return null;
      const v = s.sxx / (sample ? s.n - 1 : s.n);
      return root ? Math.sqrt(v) : v;
    },
  };
}

// ---------------------------------------------------------------------------------------
// numeric: do_numeric_accum / numeric_stddev_internal of numeric.c

interface NumericVarState {
  /** Every input, NaN and infinities included (numeric.c's N). */
  n: number;
  /** NaN and infinite inputs: any makes the result NaN. */
  special: number;
  sumX: Numeric;
  sumX2: Numeric;
}

function toNum(v: Value): Numeric {
  return v instanceof Numeric ? v : Numeric.fromInt(v as number | bigint);
}

function numericVariance(name: string): Aggregate<Value, Value, NumericVarState> {
  const sample = isSample(name);
  const root = name.startsWith('stddev');
  return {
    init: () => ({ n: 0, special: 0, sumX: Numeric.ZERO, sumX2: Numeric.ZERO }),
    step(s, v) {
      const x = toNum(v);
      s.n++;
      if (!x.isFinite()) s.special++;
      else {
        // X*X keeps twice X's scale (mul_var at dscale * 2), so both sums stay exact.
        s.sumX = numericAdd(s.sumX, x);
        s.sumX2 = numericAdd(s.sumX2, numericMul(x, x));
      }
      return s;
    },
    final(s) {
      if (s.n <= (sample ? 1 : 0)) return null;
      if (s.special > 0) return Numeric.NaN;
      const n = Numeric.fromInt(s.n);
      const numerator = numericSub(numericMul(n, s.sumX2), numericMul(s.sumX, s.sumX));
      // numeric.c answers a zero (or, with rounding, negative) numerator with the constant 0.
      if (numerator.sign() <= 0) return Numeric.ZERO;
      const denominator = Numeric.fromInt(sample ? BigInt(s.n) * BigInt(s.n - 1) : BigInt(s.n) * BigInt(s.n));
      const variance = numericDiv(numerator, denominator);
      return root ? sqrtNumericAt(variance, selectDivScale(numerator, denominator)) : variance;
    },
  };
}

// ---------------------------------------------------------------------------------------
// Two-argument regression: float8_regr_accum and its final functions

interface RegrState {
  n: number;
  sx: number;
  sxx: number;
  sy: number;
  syy: number;
  sxy: number;
}

/** float8_regr_accum: one Youngs-Cramer step over (Y, X). */
function regrStep(s: RegrState, y: number, x: number): RegrState {
  const prevN = s.n;
  const prevSx = s.sx;
  const prevSy = s.sy;
  s.n = prevN + 1;
  s.sx = prevSx + x;
  s.sy = prevSy + y;
  if (prevN > 0) {
    const tmpX = x * s.n - s.sx;
    const tmpY = y * s.n - s.sy;
    const scale = 1.0 / (s.n * prevN);
    s.sxx += tmpX * tmpX * scale;
    s.syy += tmpY * tmpY * scale;
    s.sxy += tmpX * tmpY * scale;
    if (isInf(s.sx) || isInf(s.sxx) || isInf(s.sy) || isInf(s.syy) || isInf(s.sxy)) {
      if (((isInf(s.sx) || isInf(s.sxx)) && !isInf(prevSx) && !isInf(x))
        || ((isInf(s.sy) || isInf(s.syy)) && !isInf(prevSy) && !isInf(y))
        || (isInf(s.sxy) && !isInf(prevSx) && !isInf(x) && !isInf(prevSy) && !isInf(y))) {
        throw floatOverflow();
      }
      if (isInf(s.sxx)) s.sxx = NaN;
      if (isInf(s.syy)) s.syy = NaN;
      if (isInf(s.sxy)) s.sxy = NaN;
    }
  } else {
    if (!Number.isFinite(x)) s.sxx = s.sxy = NaN;
    if (!Number.isFinite(y)) s.syy = s.sxy = NaN;
  }
  return s;
}

function regrFinal(name: string): (s: RegrState) => Value {
  switch (name) {
    case 'regr_avgx': return (s) => (s.n < 1 ? null : s.sx / s.n);
    case 'regr_avgy': return (s) => (s.n < 1 ? null : s.sy / s.n);
    case 'regr_sxx': return (s) => (s.n < 1 ? null : s.sxx);
    case 'regr_syy': return (s) => (s.n < 1 ? null : s.syy);
    case 'regr_sxy': return (s) => (s.n < 1 ? null : s.sxy);
    case 'covar_pop': return (s) => (s.n < 1 ? null : s.sxy / s.n);
    case 'covar_samp': return (s) => (s.n < 2 ? null : s.sxy / (s.n - 1));
    // Per the standard, NULL for horizontal and vertical lines.
    case 'corr': return (s) => (s.n < 1 || s.sxx === 0 || s.syy === 0 ? null : s.sxy / Math.sqrt(s.sxx * s.syy));
    case 'regr_r2': return (s) => (s.n < 1 || s.sxx === 0 ? null : s.syy === 0 ? 1 : (s.sxy * s.sxy) / (s.sxx * s.syy));
    case 'regr_slope': return (s) => (s.n < 1 || s.sxx === 0 ? null : s.sxy / s.sxx);
    // regr_intercept
    default: return (s) => (s.n < 1 || s.sxx === 0 ? null : (s.sy - (s.sx * s.sxy) / s.sxx) / s.n);
  }
}

/** regr_count: the rows with both values present, 0 (not NULL) over none. */
const regrCount: Aggregate<Value, Value, { n: number }> = {
  init: () => ({ n: 0 }),
  step(s, v) {
    const [y, x] = v as unknown as [Value, Value];
    if (y !== null && x !== null) s.n++;
    return s;
  },
  final: (s) => s.n,
};

/**
 * The regression aggregate `name` over (Y, X), both double precision: its result type and
 * transition functions. The executor passes `[y, x]` and skips a NULL Y; step skips a NULL X.
 * step @throws PgError 22003 `value out of range: overflow` when finite inputs overflow.
 */
export function regressionAggregate(name: string): { type: SqlType; agg: AnyAgg } {
  // regr_count's transition is int8inc_float8_float8: a plain count that never overflows.
  if (name === 'regr_count') return { type: 'int8', agg: regrCount as AnyAgg };
  const final = regrFinal(name);
  const agg: Aggregate<Value, Value, RegrState> = {
    init: () => ({ n: 0, sx: 0, sxx: 0, sy: 0, syy: 0, sxy: 0 }),
    step(s, v) {
      const [y, x] = v as unknown as [Value, Value];
      if (y === null || x === null) return s;
      return regrStep(s, y as number, x as number);
    },
    final,
  };
  return { type: name === 'regr_count' ? 'int8' : 'float8', agg: agg as AnyAgg };
}

// ---------------------------------------------------------------------------------------
// bit_and / bit_or / bit_xor (int2and, int4or, int8xor, bitand, ... as transition functions)

type BitOp = '&' | '|' | '#';

function intBitwise(op: BitOp, wide: boolean): Aggregate<Value, Value, { acc: Value }> {
  return {
    init: () => ({ acc: null }),
    step(s, v) {
      if (s.acc === null) s.acc = v;
      else if (wide) {
        const a = BigInt(s.acc as number | bigint);
        const b = BigInt(v as number | bigint);
        const r = BigInt.asIntN(64, op === '&' ? a & b : op === '|' ? a | b : a ^ b);
        s.acc = r >= BigInt(Number.MIN_SAFE_INTEGER) && r <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r) : r;
      } else {
        const a = s.acc as number;
        const b = v as number;
        // int2 and int4 values fit 32 bits: JavaScript's operators give the same bits.
        s.acc = op === '&' ? a & b : op === '|' ? a | b : a ^ b;
      }
      return s;
    },
    final: (s) => s.acc,
  };
}

function bitStringBitwise(op: BitOp): Aggregate<Value, Value, { acc: Value }> {
  return {
    init: () => ({ acc: null }),
    step(s, v) {
      s.acc = s.acc === null ? v : (bitBitwise(op, s.acc as BitString, v as BitString) as unknown as Value);
      return s;
    },
    final: (s) => s.acc,
  };
}

/** any_value: the first non-NULL input (any_value_transfn keeps its state). */
const anyValue: Aggregate<Value, Value, { seen: boolean; v: Value }> = {
  init: () => ({ seen: false, v: null }),
  step(s, v) {
    if (!s.seen) {
      s.seen = true;
      s.v = v;
    }
    return s;
  },
  final: (s) => s.v,
};

/**
 * The type an untyped literal argument of the one-argument aggregate `name` resolves to, or
 * null when PostgreSQL's candidates leave it ambiguous (42725). The variance family's
 * candidates are all of the numeric category, so the preferred type double precision wins.
 */
export function statAggregateUnknownType(name: string): SqlType | null {
  return VARIANCE.has(name) ? 'float8' : null;
}

/**
 * The one-argument aggregate `name` of this module over an argument of type `arg`, or null
 * when PostgreSQL has none for that type (the caller reports 42883).
 */
export function statAggregate(name: string, arg: SqlType): { type: SqlType; agg: AnyAgg } | null {
  if (VARIANCE.has(name)) {
    switch (arg) {
      case 'int2':
      case 'int4':
      case 'int8':
      case 'numeric': return { type: 'numeric', agg: numericVariance(name) as AnyAgg };
      case 'float4':
      case 'float8': return { type: 'float8', agg: floatVariance(name) as AnyAgg };
      default: return null;
    }
  }
  if (name === 'bit_and' || name === 'bit_or' || name === 'bit_xor') {
    const op: BitOp = name === 'bit_and' ? '&' : name === 'bit_or' ? '|' : '#';
    switch (arg) {
      case 'int2':
      case 'int4': return { type: arg, agg: intBitwise(op, false) as AnyAgg };
      case 'int8': return { type: arg, agg: intBitwise(op, true) as AnyAgg };
      // bit varying reaches bit_and(bit) through its binary-coercible cast: the result is bit.
      case 'bit':
      case 'varbit': return { type: 'bit', agg: bitStringBitwise(op) as AnyAgg };
      default: return null;
    }
  }
  if (name === 'any_value') return { type: arg, agg: anyValue as AnyAgg };
  return null;
}
