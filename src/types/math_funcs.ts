/**
 * PostgreSQL's mathematical functions (float.c, int.c, int8.c, numeric.c) with their error
 * texts: abs, mod, power, sqrt, exp, ln, log, cbrt, pi, degrees, radians, numeric sqrt
 * (exact, at PostgreSQL's result scale), gcd, lcm, factorial, width_bucket, and numeric's
 * scale, min_scale and trim_scale. Integers are JS numbers (int2 / int4) or bigints (int8);
 * numeric is {@link Numeric}.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { Numeric, NumericKind, NUMERIC_MAX_RESULT_SCALE, NUMERIC_MIN_SIG_DIGITS, NUMERIC_MAX_DISPLAY_SCALE, numericCmp, pow10 } from './numeric.js';

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
// ln, exp and log over numeric (numeric.c's numeric_ln, numeric_exp, numeric_log). Each
// result scale follows PostgreSQL's choice; the value is computed in BigInt fixed point with
// guard digits and rounded half away from zero at that scale, so it is the correctly
// rounded value, which is what PostgreSQL's ln_var / exp_var / log_var print.

/** Extra decimal digits carried through the fixed-point series. */
const GUARD_DIGITS = 12;

function decDigits(x: bigint): number {
  return x === 0n ? 0 : (x < 0n ? -x : x).toString().length;
}

/** x / 10^n rounded half away from zero (n may be negative: a multiplication). */
function shiftRound(x: bigint, n: number): bigint {
  if (n <= 0) return x * pow10(-n);
  const d = pow10(n);
  const h = d / 2n;
  return x < 0n ? -((-x + h) / d) : (x + h) / d;
}

/** x / 10^n truncated (n may be negative: a multiplication). */
function shiftTrunc(x: bigint, n: number): bigint {
  return n <= 0 ? x * pow10(-n) : x / pow10(n);
}

/**
 * ln(M / 10^W) * 10^W for 1 <= M / 10^W <= 10 (a few units off in the last place): square
 * roots bring the argument under 1.01 (each halves the logarithm), then the series
 * ln(m) = 2 atanh((m - 1) / (m + 1)) = 2 (z + z^3/3 + z^5/5 + ...), as ln_var does.
 */
function lnNearOne(M: bigint, W: number): bigint {
  const one = pow10(W);
  const limit = one + one / 100n;
  let m = M;
  let n = 0;
  while (m > limit) {
    m = isqrt(m * one);
    n++;
  }
  const z = ((m - one) * one) / (m + one);
  const z2 = (z * z) / one;
  let term = z;
  let sum = z;
  for (let k = 3n; term !== 0n; k += 2n) {
    term = (term * z2) / one;
    sum += term / k;
  }
  return (sum * 2n) << BigInt(n);
}

let ln10Cache: { W: number; v: bigint } = { W: 0, v: 0n };

/** ln(10) * 10^W (cached at the largest precision asked for so far). */
function ln10Fixed(W: number): bigint {
  if (ln10Cache.W < W) {
    const w = W + GUARD_DIGITS;
    ln10Cache = { W, v: shiftTrunc(lnNearOne(10n * pow10(w), w), GUARD_DIGITS) };
  }
  return shiftTrunc(ln10Cache.v, ln10Cache.W - W);
}

/**
 * ln(u / 10^s) * 10^P for u > 0, within one unit: ln(m * 10^e) = ln(m) + e ln(10) with m in
 * [1, 10), each part carried with guard digits.
 */
function lnFixed(u: bigint, s: number, P: number): bigint {
  const e = decDigits(u) - s - 1;
  const W = Math.max(P, 0) + GUARD_DIGITS + decDigits(BigInt(e));
  const M = shiftTrunc(u, s + e - W);
  return shiftTrunc(lnNearOne(M, W) + BigInt(e) * ln10Fixed(W), W - P);
}

function logOfZero(): PgError {
  return new PgError(SQLSTATE.invalid_argument_for_logarithm, 'cannot take logarithm of zero');
}

function logOfNegative(): PgError {
  return new PgError(SQLSTATE.invalid_argument_for_logarithm, 'cannot take logarithm of a negative number');
}

/** Decimal weight of the leading digit of a nonzero finite value (floor(log10 |x|)). */
function decWeight(x: Numeric): number {
  return decDigits(x.u) - x.scale - 1;
}

/**
 * numeric.c's estimate_ln_dweight: the approximate decimal weight of ln(x), from x - 1 near 1
 * and otherwise from a double estimate over the leading two base-10000 digits.
 */
function estimateLnDweight(x: Numeric): number {
  if (x.u <= 0n) return 0;
  const one = pow10(x.scale);
  if (x.u * 10n >= 9n * one && x.u * 10n <= 11n * one) {
    const d = x.u - one;
    return d === 0n ? 0 : decDigits(d) - x.scale - 1;
  }
  // The base-10000 digits: weight w of the leading one; `lead` is digits[0], `two` digits[0..1].
  const w = Math.floor(decWeight(x) / 4);
  const lead = shiftTrunc(x.u, x.scale + 4 * w);
  const two = shiftTrunc(x.u, x.scale + 4 * (w - 1));
  const more = two % 10000n !== 0n || shiftTrunc(two, -(x.scale + 4 * (w - 1))) !== x.u;
  const digits = more ? Number(two) : Number(lead);
  const dweight = more ? (w - 1) * 4 : w * 4;
  const lnVar = Math.log(digits) + dweight * 2.302585092994046;
  return Math.trunc(Math.log10(Math.abs(lnVar)));
}

function clampScale(r: number): number {
  return Math.min(Math.max(r, 0), NUMERIC_MAX_DISPLAY_SCALE);
}

/**
 * ln(numeric) (numeric_ln): the natural logarithm, correctly rounded at rscale =
 * max(16 - estimate_ln_dweight(x), dscale(x)), within 0..1000. ln(NaN) = NaN, ln(Infinity) =
 * Infinity.
 * @throws PgError 2201E `cannot take logarithm of zero` / `cannot take logarithm of a negative
 *   number` (also for -Infinity).
 */
export function lnNumeric(x: Numeric): Numeric {
  if (x.kind === NumericKind.NegInf) throw logOfNegative();
  if (!x.isFinite()) return x;
  if (x.u === 0n) throw logOfZero();
  if (x.u < 0n) throw logOfNegative();
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - estimateLnDweight(x), x.scale));
  return Numeric.of(shiftRound(lnFixed(x.u, x.scale, rscale + GUARD_DIGITS), GUARD_DIGITS), rscale);
}

/**
 * log(b numeric, x numeric) (numeric_log, log_var): ln(x) / ln(b), correctly rounded at rscale
 * = max(16 - (dw(x) - dw(b)), dscale(b), dscale(x)) within 0..1000, dw = estimate_ln_dweight.
 * log(numeric) and log10(numeric) are log(10, x). NaN in either gives NaN; log(Infinity,
 * Infinity) = NaN, log(Infinity, x) = 0, log(b, Infinity) = Infinity.
 * @throws PgError 2201E `cannot take logarithm of zero` / `... of a negative number`; 22012
 *   `division by zero` for base 1.
 */
export function logNumeric(b: Numeric, x: Numeric): Numeric {
  if (!b.isFinite() || !x.isFinite()) {
    if (b.isNaN() || x.isNaN()) return Numeric.NaN;
    if (b.sign() < 0 || x.sign() < 0) throw logOfNegative();
    if (b.sign() === 0 || x.sign() === 0) throw logOfZero();
    if (b.kind === NumericKind.PosInf) return x.kind === NumericKind.PosInf ? Numeric.NaN : Numeric.ZERO;
    return Numeric.PosInf;
  }
  if (b.u === 0n || x.u === 0n) throw logOfZero();
  if (b.u < 0n || x.u < 0n) throw logOfNegative();
  const dwB = estimateLnDweight(b);
  const dwX = estimateLnDweight(x);
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - (dwX - dwB), b.scale, x.scale));
  // ln(1) = 0: log_var's division fails.
  if (b.u === pow10(b.scale)) throw new PgError(SQLSTATE.division_by_zero, 'division by zero');
  // The quotient needs R significant digits; each logarithm (of decimal weight about dw) is
  // taken to R - dw places plus slack for the estimates.
  const R = rscale + GUARD_DIGITS + Math.max(dwX - dwB, 0) + 2;
  const pB = Math.max(R - dwB + 3, GUARD_DIGITS);
  const pX = Math.max(R - dwX + 3, GUARD_DIGITS);
  const lb = lnFixed(b.u, b.scale, pB);
  const lx = lnFixed(x.u, x.scale, pX);
  // (lx / 10^pX) / (lb / 10^pB) at rscale + GUARD_DIGITS places.
  const q = shiftTrunc(lx, pX - pB - rscale - GUARD_DIGITS) / lb;
  return Numeric.of(shiftRound(q, GUARD_DIGITS), rscale);
}

/**
 * exp(numeric) (numeric_exp): e^x correctly rounded at rscale = max(16 - trunc(x * 0.4343),
 * dscale(x)) within 0..1000 (the estimate clamped to +-2000 first). exp(NaN) = NaN,
 * exp(Infinity) = Infinity, exp(-Infinity) = 0. Like exp_var, |x| >= 6000 is zero (at rscale)
 * when negative.
 * @throws PgError 22003 `value overflows numeric format` for x >= 6000 or a result beyond the
 *   numeric range.
 */
export function expNumeric(x: Numeric): Numeric {
  if (x.kind === NumericKind.NaN || x.kind === NumericKind.PosInf) return x;
  if (x.kind === NumericKind.NegInf) return Numeric.ZERO;
  const xd = Number(x.toString());
  const est = Math.min(Math.max(xd * 0.434294481903252, -2000), 2000);
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - Math.trunc(est), x.scale));
  return expAt(x, rscale);
}

/** exp_var: e^x for a finite x, correctly rounded at rscale. */
function expAt(x: Numeric, rscale: number): Numeric {
  const xd = Number(x.toString());
  if (Math.abs(xd) >= 6000) {
    if (xd > 0) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'value overflows numeric format');
    return Numeric.of(0n, rscale);
  }
  if (x.u === 0n) return Numeric.of(pow10(rscale), rscale);
  // e^x = 10^k e^r, r = x - k ln(10) in about [0, ln 10); e^r carries the significant digits.
  const k = Math.floor(xd / Math.LN10);
  const SQUARINGS = 16;
  const W = Math.max(rscale + k + 1, 0) + 2 * GUARD_DIGITS + 6;
  const kd = decDigits(BigInt(k));
  const one = pow10(W);
  const r = shiftTrunc(x.u, x.scale - W) - shiftTrunc(BigInt(k) * ln10Fixed(W + kd), kd);
  // e^(r / 2^16) by its Taylor series, then squared 16 times.
  const t = r / (1n << BigInt(SQUARINGS));
  let term = one;
  let sum = one;
  for (let i = 1n; term !== 0n; i++) {
    term = (term * t) / one / i;
    sum += term;
  }
  for (let i = 0; i < SQUARINGS; i++) sum = (sum * sum) / one;
  return Numeric.of(shiftRound(sum, W - rscale - k), rscale);
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

// ---------------------------------------------------------------------------------------
// power over numeric (numeric.c's numeric_power, power_var, power_var_int).

const ONE = Numeric.fromInt(1);

function complexPower(): PgError {
  return new PgError(SQLSTATE.invalid_argument_for_power_function, 'a negative number raised to a non-integer power yields a complex result');
}

function zeroToNegative(): PgError {
  return new PgError(SQLSTATE.invalid_argument_for_power_function, 'zero raised to a negative power is undefined');
}

function isIntegral(x: Numeric): boolean {
  return x.u % pow10(x.scale) === 0n;
}

/** The largest decimal-digit count of base^n that power computes exactly (beyond it, with guard digits). */
const POWER_EXACT_DIGITS = 20000;

/**
 * power(numeric, numeric) and numeric `^` (numeric_power): PostgreSQL 18's rules for NaN and
 * Infinity (POSIX pow's); integer exponents as power_var_int (result scale from a double
 * estimate of the result's decimal weight, the exact power rounded there); other exponents
 * as power_var, e^(y ln x) with ln and the product rounded at power_var's local scales.
 * @throws PgError 2201F for 0 ^ negative and negative ^ non-integer; 22003 `value overflows
 *   numeric format`.
 */
export function powerNumeric(b: Numeric, e: Numeric): Numeric {
  if (b.isNaN()) return e.isFinite() && e.u === 0n ? ONE : Numeric.NaN;
  if (e.isNaN()) return b.isFinite() && numericCmp(b, ONE) === 0 ? ONE : Numeric.NaN;
  const s1 = b.sign();
  const s2 = e.sign();
  if (s1 === 0 && s2 < 0) throw zeroToNegative();
  if (s1 < 0 && e.isFinite() && !isIntegral(e)) throw complexPower();
  if (!b.isFinite() || !e.isFinite()) {
    if (!e.isFinite()) {
      if (b.isFinite()) {
        const cmp = numericCmp(b.u < 0n ? Numeric.unchecked(-b.u, b.scale) : b, ONE);
        if (cmp === 0) return ONE;
        if (b.u === 0n) return Numeric.ZERO;
        return (cmp > 0) === (s2 > 0) ? Numeric.PosInf : Numeric.ZERO;
      }
      return s2 > 0 ? Numeric.PosInf : Numeric.ZERO;
    }
    if (s2 === 0) return ONE;
    if (s2 < 0) return Numeric.ZERO;
    if (s1 > 0) return Numeric.PosInf;
    const odd = (e.u / pow10(e.scale)) % 2n !== 0n;
    return odd ? Numeric.NegInf : Numeric.PosInf;
  }
  if (isIntegral(e)) {
    const n = e.u / pow10(e.scale);
    if (n >= -2147483648n && n <= 2147483647n) return powerInt(b, Number(n), e.scale);
  }
  if (b.u === 0n) return Numeric.of(0n, NUMERIC_MIN_SIG_DIGITS);
  const neg = b.u < 0n && (e.u / pow10(e.scale)) % 2n !== 0n;
  const absU = b.u < 0n ? -b.u : b.u;
  const ab = Numeric.unchecked(absU, b.scale);
  const lnDw = estimateLnDweight(ab);
  // ln(base) * exp at low precision, for the result's decimal weight.
  const lowScale = Math.max(8 - lnDw, 0);
  const lnNum = (local: number): bigint => {
    const lb = shiftRound(lnFixed(absU, b.scale, local + GUARD_DIGITS), GUARD_DIGITS);
    return shiftRound(lb * e.u, e.scale);
  };
  const low = lnNum(lowScale);
  let val = Number(Numeric.unchecked(low, lowScale).toString());
  if (Math.abs(val) > NUMERIC_MAX_RESULT_SCALE * 3.01) {
    if (val > 0) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'value overflows numeric format');
    return Numeric.of(0n, NUMERIC_MAX_DISPLAY_SCALE);
  }
  val *= 0.434294481903252;
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - Math.trunc(val), b.scale, e.scale));
  const sig = Math.max(rscale + Math.trunc(val), 0);
  const local = Math.max(sig - lnDw + 8, 0);
  const r = expAt(Numeric.unchecked(lnNum(local), local), rscale);
  return neg && r.u !== 0n ? Numeric.of(-r.u, r.scale) : r;
}

/** power_var_int: base ^ n for an int32 n, exact and then rounded at power_var_int's scale. */
function powerInt(b: Numeric, n: number, eScale: number): Numeric {
  let f = 0;
  if (b.u !== 0n) {
    const absU = b.u < 0n ? -b.u : b.u;
    // base ~= F * 10^p over its leading (at most four) base-10000 digits, as the double loop.
    const w = Math.floor(decWeight(b) / 4);
    let tz = 0;
    while ((absU / pow10(tz)) % 10n === 0n) tz++;
    const ndigits = w - Math.floor((tz - b.scale) / 4) + 1;
    const count = Math.min(ndigits, 4);
    const low = w - count + 1;
    const F = Number(shiftTrunc(absU, b.scale + 4 * low));
    f = n * (Math.log10(F) + 4 * low);
  }
  if (f > (0x7fff + 1) * 4) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'value overflows numeric format');
  if (f + 1 < -NUMERIC_MAX_DISPLAY_SCALE) return Numeric.of(0n, NUMERIC_MAX_DISPLAY_SCALE);
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - Math.trunc(f), b.scale, eScale));
  if (n === 0) return Numeric.of(pow10(rscale), rscale);
  if (b.u === 0n) return Numeric.of(0n, rscale);
  const k = Math.abs(n);
  if (decDigits(b.u) * k > POWER_EXACT_DIGITS) return powerIntApprox(b, n, rscale, f);
  // base^k = u^k / 10^(s k), exact.
  const num = b.u ** BigInt(k);
  const sk = b.scale * k;
  if (n > 0) return Numeric.of(shiftRound(num, sk - rscale), rscale);
  // 10^(s k) / u^k at rscale, rounded half away from zero.
  const top = pow10(sk + rscale) * 2n;
  const absNum = num < 0n ? -num : num;
  const q = (top / absNum + 1n) / 2n;
  return Numeric.of(num < 0n ? -q : q, rscale);
}

/**
 * base ^ n when the exact power is too long to form: square-and-multiply on a mantissa kept
 * to the result's significant digits plus guard digits (as power_var_int's varying local
 * scales), then rounded at rscale; f is the estimated decimal weight of the result.
 */
function powerIntApprox(b: Numeric, n: number, rscale: number, f: number): Numeric {
  const k = Math.abs(n);
  const P = Math.max(rscale + Math.trunc(f), 0) + 2 * GUARD_DIGITS + String(k).length + 2;
  // value = m * 10^x; each product truncated to P + 2 digits.
  const trim = (m: bigint, x: number): [bigint, number] => {
    const cut = decDigits(m) - (P + 2);
    return cut > 0 ? [m / pow10(cut), x + cut] : [m, x];
  };
  let [bm, bx] = trim(b.u < 0n ? -b.u : b.u, -b.scale);
  let rm = 1n;
  let rx = 0;
  for (let bits = k; bits > 0; bits = Math.floor(bits / 2)) {
    if (bits % 2 === 1) [rm, rx] = trim(rm * bm, rx + bx);
    if (bits > 1) [bm, bx] = trim(bm * bm, bx + bx);
  }
  const neg = b.u < 0n && k % 2 === 1;
  let q: bigint;
  if (n > 0) q = shiftRound(rm, -rx - rscale);
  else {
    // 1 / (rm * 10^rx) at rscale: 10^(rscale - rx) / rm, rounded half up.
    const e = rscale - rx;
    q = e >= 0 ? ((pow10(e) * 2n) / rm + 1n) / 2n : 0n;
  }
  return Numeric.of(neg ? -q : q, rscale);
}
