/**
 * PostgreSQL's mathematical functions (float.c, int.c, int8.c, numeric.c) with their error
 * texts: abs, mod, power, sqrt, exp, ln, log, cbrt, pi, degrees, radians, numeric sqrt
 * (exact, at PostgreSQL's result scale), gcd, lcm, factorial, width_bucket, and numeric's
 * scale, min_scale and trim_scale. Integers are JS numbers (int2 / int4) or bigints (int8);
 * numeric is {@link Numeric}.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { Numeric, NUMERIC_MIN_SIG_DIGITS, NUMERIC_MAX_DISPLAY_SCALE, numericCmp, pow10 } from './numeric.js';

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

// ---------------------------------------------------------------------------------------
// gcd, lcm, factorial (int.c, int8.c, numeric.c), width_bucket (float.c, numeric.c), and
// numeric's scale, min_scale and trim_scale.

const INT_RANGE = { int4: [-2147483648n, 2147483647n], int8: [-9223372036854775808n, 9223372036854775807n] } as const;
const INT_NAME = { int4: 'integer', int8: 'bigint' } as const;

function intOutOfRange(type: 'int4' | 'int8'): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, `${INT_NAME[type]} out of range`);
}

/** gcd of two non-negative bigints (Euclid). */
function gcdBig(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

const absBig = (x: bigint): bigint => (x < 0n ? -x : x);

/** A bigint result of an integer type: a JS number for int4, and for int8 when safe. */
function intResult(r: bigint, type: 'int4' | 'int8'): number | bigint {
  if (r > INT_RANGE[type][1]) throw intOutOfRange(type);
  return type === 'int4' || (r >= BigInt(Number.MIN_SAFE_INTEGER) && r <= BigInt(Number.MAX_SAFE_INTEGER)) ? Number(r) : r;
}

/**
 * gcd(int4, int4) / gcd(int8, int8) (int4gcd / int8gcd): the non-negative greatest common
 * divisor, 0 for gcd(0, 0). Arguments are JS numbers or bigints.
 * @throws PgError 22003 `integer out of range` / `bigint out of range` when the result is
 *   2^31 / 2^63 (gcd(MIN, 0) and gcd(MIN, MIN)).
 */
export function gcdInt(a: number | bigint, b: number | bigint, type: 'int4' | 'int8'): number | bigint {
  return intResult(gcdBig(absBig(BigInt(a)), absBig(BigInt(b))), type);
}

/**
 * lcm(int4, int4) / lcm(int8, int8) (int4lcm / int8lcm): |a / gcd(a, b) * b|, 0 when either is 0.
 * @throws PgError 22003 `integer out of range` / `bigint out of range` when it does not fit.
 */
export function lcmInt(a: number | bigint, b: number | bigint, type: 'int4' | 'int8'): number | bigint {
  const x = BigInt(a);
  const y = BigInt(b);
  if (x === 0n || y === 0n) return 0;
  // int4gcd_internal fails first for gcd = 2^31 (lcm(MIN, MIN)), with the same message.
  const g = BigInt(gcdInt(x, y, type));
  return intResult(absBig((x / g) * y), type);
}

/** Two finite numerics as integers at their common (larger) scale. */
function atCommonScale(a: Numeric, b: Numeric): [bigint, bigint, number] {
  const s = Math.max(a.scale, b.scale);
  return [a.u * pow10(s - a.scale), b.u * pow10(s - b.scale), s];
}

/**
 * gcd(numeric, numeric) (numeric_gcd, gcd_var): the non-negative greatest common divisor of
 * two exact decimals (the largest d with a / d and b / d integers), at the larger display
 * scale of the two. NaN when either is NaN or infinite.
 */
export function gcdNumeric(a: Numeric, b: Numeric): Numeric {
  if (!a.isFinite() || !b.isFinite()) return Numeric.NaN;
  const [x, y, s] = atCommonScale(a, b);
  return Numeric.of(gcdBig(absBig(x), absBig(y)), s);
}

/**
 * lcm(numeric, numeric) (numeric_lcm): |a / gcd(a, b) * b|, 0 when either is 0, at the larger
 * display scale of the two. NaN when either is NaN or infinite.
 * @throws PgError 22003 `value overflows numeric format`.
 */
export function lcmNumeric(a: Numeric, b: Numeric): Numeric {
  if (!a.isFinite() || !b.isFinite()) return Numeric.NaN;
  const [x, y, s] = atCommonScale(a, b);
  if (x === 0n || y === 0n) return Numeric.of(0n, s);
  return Numeric.of(absBig((x / gcdBig(absBig(x), absBig(y))) * y), s);
}

/** lo * (lo + 1) * ... * hi by halves, so the big multiplications are balanced. */
function rangeProduct(lo: bigint, hi: bigint): bigint {
  if (hi - lo < 8n) {
    let p = 1n;
    for (let i = lo; i <= hi; i++) p *= i;
    return p;
  }
  const mid = (lo + hi) / 2n;
  return rangeProduct(lo, mid) * rangeProduct(mid + 1n, hi);
}

/**
 * factorial(int8) (numeric_fact): n! as numeric, 1 for 0 and 1.
 * @throws PgError 22003 `factorial of a negative number is undefined` for n < 0, and
 *   `value overflows numeric format` for n > 32177 (numeric.c's limit, checked before computing).
 */
export function factorialNumeric(n: number | bigint): Numeric {
  const x = BigInt(n);
  if (x < 0n) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'factorial of a negative number is undefined');
  if (x <= 1n) return Numeric.fromInt(1);
  if (x > 32177n) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'value overflows numeric format');
  return Numeric.fromInt(rangeProduct(2n, x));
}

function widthBucketError(message: string): PgError {
  return new PgError(SQLSTATE.invalid_argument_for_width_bucket_function, message);
}

/** count + 1 for an operand past the upper bound. @throws PgError 22003 for count = 2^31 - 1. */
function bucketPastEnd(count: number): number {
  if (count === 2147483647) throw intOutOfRange('int4');
  return count + 1;
}

/**
 * width_bucket(float8, float8, float8, int4) (width_bucket_float8): the bucket, 1..count, of
 * `operand` among `count` equal-width buckets from bound1 (inclusive) to bound2 (exclusive),
 * either direction; 0 before the range and count + 1 past it. The operand may be infinite.
 * Same float operations as float.c: count * ((operand - b1) / (b2 - b1)), halved operands
 * when the width overflows, the product clamped below count and truncated.
 * @throws PgError 2201G `count must be greater than zero`, `operand, lower bound, and upper
 *   bound cannot be NaN`, `lower and upper bounds must be finite`, `lower bound cannot equal
 *   upper bound`; 22003 `integer out of range` when count + 1 overflows.
 */
export function widthBucketFloat8(operand: number, b1: number, b2: number, count: number): number {
  if (count <= 0) throw widthBucketError('count must be greater than zero');
  if (Number.isNaN(operand) || Number.isNaN(b1) || Number.isNaN(b2)) throw widthBucketError('operand, lower bound, and upper bound cannot be NaN');
  if (!Number.isFinite(b1) || !Number.isFinite(b2)) throw widthBucketError('lower and upper bounds must be finite');
  if (b1 === b2) throw widthBucketError('lower bound cannot equal upper bound');
  const up = b1 < b2;
  if (up ? operand < b1 : operand > b1) return 0;
  if (up ? operand >= b2 : operand <= b2) return bucketPastEnd(count);
  const [lo, hi, x] = up ? [b1, b2, operand] : [-b1, -b2, -operand];
  const q = Number.isFinite(hi - lo) ? (x - lo) / (hi - lo) : (x / 2 - lo / 2) / (hi / 2 - lo / 2);
  const r = Math.trunc(count * q);
  return (r >= count ? count - 1 : r) + 1;
}

/**
 * width_bucket(numeric, numeric, numeric, int4) (width_bucket_numeric): as the float8 form,
 * exactly: floor((operand - b1) * count / (b2 - b1)) + 1 (numeric.c's compute_bucket).
 * @throws PgError 2201G as {@link widthBucketFloat8}; 22003 `integer out of range`.
 */
export function widthBucketNumeric(operand: Numeric, b1: Numeric, b2: Numeric, count: number): number {
  if (count <= 0) throw widthBucketError('count must be greater than zero');
  if (operand.isNaN() || b1.isNaN() || b2.isNaN()) throw widthBucketError('operand, lower bound, and upper bound cannot be NaN');
  if (!b1.isFinite() || !b2.isFinite()) throw widthBucketError('lower and upper bounds must be finite');
  const c = numericCmp(b1, b2);
  if (c === 0) throw widthBucketError('lower bound cannot equal upper bound');
  const co = numericCmp(operand, b1);
  if (c < 0 ? co < 0 : co > 0) return 0;
  const c2 = numericCmp(operand, b2);
  if (c < 0 ? c2 >= 0 : c2 <= 0) return bucketPastEnd(count);
  // Finite here (an infinite operand is outside the bounds). Reversed bounds: signs cancel,
  // and the truncated quotient of non-negative values is the floor.
  const sc = Math.max(operand.scale, b1.scale, b2.scale);
  const at = (v: Numeric): bigint => v.u * pow10(sc - v.scale);
  const r = ((at(operand) - at(b1)) * BigInt(count)) / (at(b2) - at(b1));
  return Number(r) + 1;
}

/** scale(numeric) (numeric_scale): the display scale; NULL for NaN and the infinities. */
export function numericScale(x: Numeric): number | null {
  return x.isFinite() ? x.scale : null;
}

/**
 * min_scale(numeric) (numeric_min_scale, get_min_scale): the fewest fraction digits that
 * show the value exactly (0 for zero and integers); NULL for NaN and the infinities.
 */
export function numericMinScale(x: Numeric): number | null {
  if (!x.isFinite()) return null;
  if (x.u === 0n) return 0;
  let u = x.u;
  let s = x.scale;
  while (s > 0 && u % 10n === 0n) {
    u /= 10n;
    s--;
  }
  return s;
}

/** trim_scale(numeric) (numeric_trim_scale): the value at its min_scale; NaN and infinities as given. */
export function numericTrimScale(x: Numeric): Numeric {
  const s = numericMinScale(x);
  return s === null ? x : Numeric.of(x.u / pow10(x.scale - s), s);
}
