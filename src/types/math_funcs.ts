/**
 * PostgreSQL's mathematical functions (float.c, int.c, int8.c, numeric.c) with their error
 * texts: abs, mod, power, sqrt, exp, ln, log, cbrt, pi, degrees, radians, and numeric sqrt
 * (exact, at PostgreSQL's result scale). Integers are JS numbers (int2 / int4) or bigints
 * (int8); numeric is {@link Numeric}.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { Numeric, NUMERIC_MIN_SIG_DIGITS, NUMERIC_MAX_DISPLAY_SCALE, pow10 } from './numeric.js';

function overflow(): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, 'value out of range: overflow');
}

function underflow(): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, 'value out of range: underflow');
}

/** float8 result checks (float_overflow_error / float_underflow_error as float.c applies them). */
function checkFloat8(r: number, infOk: boolean, zeroOk: boolean): number {
  if (!Number.isFinite(r) && !Number.isNaN(r) && !infOk) throw overflow();
  if (r === 0 && !zeroOk) throw underflow();
  return r;
}

/** abs(int2 / int4). @throws PgError 22003 `smallint out of range` / `integer out of range`. */
export function absInt(x: number, type: 'int2' | 'int4'): number {
  if (type === 'int4' && x === -2147483648) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'integer out of range');
  if (type === 'int2' && x === -32768) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'smallint out of range');
  return Math.abs(x);
}

/** abs(int8). @throws PgError 22003 `bigint out of range`. */
export function absInt8(x: bigint): bigint {
  if (x === -9223372036854775808n) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'bigint out of range');
  return x < 0n ? -x : x;
}

function divByZero(): PgError {
  return new PgError(SQLSTATE.division_by_zero, 'division by zero');
}

/** mod(int2 / int4, same): the remainder with the dividend's sign. @throws PgError 22012. */
export function modInt(a: number, b: number): number {
  if (b === 0) throw divByZero();
  const r = a % b;
  return r === 0 ? 0 : r; // never -0
}

/** mod(int8, int8). @throws PgError 22012. */
export function modInt8(a: bigint, b: bigint): bigint {
  if (b === 0n) throw divByZero();
  return a % b;
}

/**
 * power(float8, float8) / `^` (dpow): C's pow with PostgreSQL's checks.
 * @throws PgError 2201F for 0 to a negative power and a negative number to a non-integer
 *   power; 22003 on overflow or underflow.
 */
export function powerFloat8(x: number, y: number): number {
  if (Number.isNaN(x)) return y === 0 ? 1 : NaN;
  if (Number.isNaN(y)) return x === 1 ? 1 : NaN;
  if (x === 0 && y < 0) {
    throw new PgError(SQLSTATE.invalid_argument_for_power_function, 'zero raised to a negative power is undefined');
  }
  if (x < 0 && Number.isFinite(y) && Math.floor(y) !== y) {
    throw new PgError(SQLSTATE.invalid_argument_for_power_function, 'a negative number raised to a non-integer power yields a complex result');
  }
  // pow(-1, +-Infinity) is 1 in C (POSIX); JavaScript says NaN.
  if (x === -1 && !Number.isFinite(y)) return 1;
  const r = x ** y;
  if (!Number.isFinite(r) && Number.isFinite(x) && Number.isFinite(y)) throw overflow();
  if (r === 0 && x !== 0 && Number.isFinite(x) && Number.isFinite(y)) throw underflow();
  return r;
}

/** sqrt(float8). @throws PgError 2201F `cannot take square root of a negative number`. */
export function sqrtFloat8(x: number): number {
  if (x < 0) throw new PgError(SQLSTATE.invalid_argument_for_power_function, 'cannot take square root of a negative number');
  return Math.sqrt(x);
}

/** cbrt(float8). */
export function cbrtFloat8(x: number): number {
  return Math.cbrt(x);
}

/** exp(float8). @throws PgError 22003 on overflow or underflow. */
export function expFloat8(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === Infinity) return Infinity;
  if (x === -Infinity) return 0;
  return checkFloat8(Math.exp(x), false, false);
}

function logChecks(x: number): void {
  if (x === 0) throw new PgError(SQLSTATE.invalid_argument_for_logarithm, 'cannot take logarithm of zero');
  if (x < 0) throw new PgError(SQLSTATE.invalid_argument_for_logarithm, 'cannot take logarithm of a negative number');
}

/** ln(float8). @throws PgError 2201E for zero and negative arguments. */
export function lnFloat8(x: number): number {
  logChecks(x);
  return Math.log(x);
}

/** log(float8): base 10. @throws PgError 2201E for zero and negative arguments. */
export function log10Float8(x: number): number {
  logChecks(x);
  return Math.log10(x);
}

/** degrees(float8). */
export function degrees(x: number): number {
  return x * (180 / Math.PI);
}

/** radians(float8). */
export function radians(x: number): number {
  return x * (Math.PI / 180);
}

/**
 * floor(sqrt(n)) for n >= 0: Newton's method on BigInt, started above the root so that the
 * iterates fall monotonically to it (a start below it, such as a double's estimate of a
 * 200-digit number, would leave a long walk up). Quadratic convergence: O(log bits) steps.
 */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // 2^(2 * hex digits) > sqrt(16^(hex digits)) > sqrt(n).
  let x = 1n << BigInt(2 * n.toString(16).length);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * sqrt(numeric) (numeric_sqrt): the square root rounded half up at the scale PostgreSQL
 * chooses, at least NUMERIC_MIN_SIG_DIGITS significant digits and no fewer places than the
 * argument: rscale = max(16 - sweight, dscale, 0), sweight = (weight + 1) * 4 / 2 - 1 over
 * the base-10000 weight of the leading digit. NaN and Infinity are returned.
 * @throws PgError 2201F `cannot take square root of a negative number`.
 */
export function sqrtNumeric(x: Numeric): Numeric {
  if (x.sign() < 0) throw new PgError(SQLSTATE.invalid_argument_for_power_function, 'cannot take square root of a negative number');
  if (!x.isFinite()) return x;
  const digits = x.u === 0n ? 0 : x.u.toString().length;
  const weight = x.u === 0n ? 0 : Math.floor((digits - x.scale - 1) / 4);
  const sweight = Math.trunc(((weight + 1) * 4) / 2) - 1;
  let rscale = NUMERIC_MIN_SIG_DIGITS - sweight;
  rscale = Math.min(Math.max(rscale, x.scale, 0), NUMERIC_MAX_DISPLAY_SCALE);
  return sqrtNumericAt(x, rscale);
}

/**
 * The square root of a finite, non-negative numeric at `rscale` places, rounded half up
 * (numeric.c's sqrt_var, which numeric_sqrt and the numeric stddev aggregates share).
 */
export function sqrtNumericAt(x: Numeric, rscale: number): Numeric {
  // sqrt(u / 10^s) at rscale + 1 places: isqrt(u * 10^(2 (rscale + 1) - s)), then round.
  const e = 2 * (rscale + 1) - x.scale;
  const r = e >= 0 ? isqrt(x.u * pow10(e)) : isqrt(x.u / pow10(-e));
  return Numeric.of((r + 5n) / 10n, rscale);
}
