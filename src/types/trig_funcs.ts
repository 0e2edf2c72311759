/**
 * PostgreSQL's trigonometric and hyperbolic functions over float8 (float.c): sin cos tan cot
 * asin acos atan atan2, their degree variants sind cosd tand cotd asind acosd atand atan2d,
 * and sinh cosh tanh asinh acosh atanh, with PostgreSQL's NaN / Infinity handling and its
 * error `22003 input is out of range`.
 *
 * The degree variants reduce the angle to the first quadrant and scale by constants computed
 * with the same libm calls (float.c's init_degree_constants), so that sind(30) = 0.5,
 * cosd(60) = 0.5, tand(45) = 1, asind(0.5) = 30, atand(1) = 45 ... exactly, and the result is
 * monotonic across the stitching points. JavaScript's Math functions and PostgreSQL's libm
 * (PGlite: musl) both descend from fdlibm; `%` on doubles is C's fmod.
 */
import { PgError, SQLSTATE } from '../common/errors.js';

/** float.c's RADIANS_PER_DEGREE. */
const RADIANS_PER_DEGREE = 0.0174532925199432957692;

function outOfRange(): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, 'input is out of range');
}

function overflow(): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, 'value out of range: overflow');
}

function underflow(): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, 'value out of range: underflow');
}

/** float_overflow_error when a result is infinite. */
function finite(r: number): number {
  if (r === Infinity || r === -Infinity) throw overflow();
  return r;
}

/**
 * sin / cos / tan of a finite angle: POSIX's domain error for an infinite one is PostgreSQL's
 * `input is out of range`.
 */
function periodicArg(x: number): void {
  if (x === Infinity || x === -Infinity) throw outOfRange();
}

/** sin(float8) (dsin). @throws PgError 22003 `input is out of range` for an infinite angle. */
export function sinFloat8(x: number): number {
  if (Number.isNaN(x)) return NaN;
  periodicArg(x);
  return finite(Math.sin(x));
}

/** cos(float8) (dcos). @throws PgError 22003 `input is out of range` for an infinite angle. */
export function cosFloat8(x: number): number {
  if (Number.isNaN(x)) return NaN;
  periodicArg(x);
  return finite(Math.cos(x));
}

/** tan(float8) (dtan; tan(pi/2) may be huge, never an overflow error). @throws PgError 22003 for an infinite angle. */
export function tanFloat8(x: number): number {
  if (Number.isNaN(x)) return NaN;
  periodicArg(x);
  return Math.tan(x);
}

/** cot(float8) (dcot): 1 / tan(x); cot(0) = Infinity. @throws PgError 22003 for an infinite angle. */
export function cotFloat8(x: number): number {
  if (Number.isNaN(x)) return NaN;
  periodicArg(x);
  return 1.0 / Math.tan(x);
}

/** asin(float8) (dasin). @throws PgError 22003 `input is out of range` outside [-1, 1]. */
export function asinFloat8(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -1 || x > 1) throw outOfRange();
  return finite(Math.asin(x));
}

/** acos(float8) (dacos). @throws PgError 22003 `input is out of range` outside [-1, 1]. */
export function acosFloat8(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -1 || x > 1) throw outOfRange();
  return finite(Math.acos(x));
}

/** atan(float8) (datan). */
export function atanFloat8(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return finite(Math.atan(x));
}

/** atan2(y float8, x float8) (datan2). */
export function atan2Float8(y: number, x: number): number {
  if (Number.isNaN(y) || Number.isNaN(x)) return NaN;
  return finite(Math.atan2(y, x));
}

// float.c's init_degree_constants, computed once with the functions they scale.
const SIN_30 = Math.sin(RADIANS_PER_DEGREE * 30.0);
const ONE_MINUS_COS_60 = 1.0 - Math.cos(RADIANS_PER_DEGREE * 60.0);
const ASIN_0_5 = Math.asin(0.5);
const ACOS_0_5 = Math.acos(0.5);
const ATAN_1_0 = Math.atan(1.0);
const TAN_45 = sindQ1(45.0) / cosdQ1(45.0);
const COT_45 = cosdQ1(45.0) / sindQ1(45.0);

/** sin of x in [0, 30] degrees, exact at 0 and 30 (sind_0_to_30). */
function sind0To30(x: number): number {
  const sinX = Math.sin(x * RADIANS_PER_DEGREE);
  return sinX / SIN_30 / 2.0;
}

/** cos of x in [0, 60] degrees, exact at 0 and 60 (cosd_0_to_60). */
function cosd0To60(x: number): number {
  const oneMinusCosX = 1.0 - Math.cos(x * RADIANS_PER_DEGREE);
  return 1.0 - oneMinusCosX / ONE_MINUS_COS_60 / 2.0;
}

/** sin of x in [0, 90] degrees, exact at 0, 30 and 90 (sind_q1). */
function sindQ1(x: number): number {
  return x <= 30.0 ? sind0To30(x) : cosd0To60(90.0 - x);
}

/** cos of x in [0, 90] degrees, exact at 0, 60 and 90 (cosd_q1). */
function cosdQ1(x: number): number {
  return x <= 60.0 ? cosd0To60(x) : sind0To30(90.0 - x);
}

/** asin in degrees of x in [0, 1], exactly 30 at 0.5 (asind_q1). */
function asindQ1(x: number): number {
  if (x <= 0.5) return (Math.asin(x) / ASIN_0_5) * 30.0;
  return 90.0 - (Math.acos(x) / ACOS_0_5) * 60.0;
}

/** acos in degrees of x in [0, 1], exactly 60 at 0.5 (acosd_q1). */
function acosdQ1(x: number): number {
  if (x <= 0.5) return 90.0 - (Math.asin(x) / ASIN_0_5) * 30.0;
  return (Math.acos(x) / ACOS_0_5) * 60.0;
}

/** An angle in degrees for sind & co: NaN passes, an infinite one is an error. */
function degreeArg(x: number): void {
  if (x === Infinity || x === -Infinity) throw outOfRange();
}

/** sind(float8) (dsind): sine of an angle in degrees. @throws PgError 22003 for an infinite angle. */
export function sindFloat8(x: number): number {
  if (Number.isNaN(x)) return NaN;
  degreeArg(x);
  let a = x % 360.0;
  let sign = 1.0;
  if (a < 0.0) {
    a = -a; // sind(-x) = -sind(x)
    sign = -sign;
  }
  if (a > 180.0) {
    a = 360.0 - a; // sind(360 - x) = -sind(x)
    sign = -sign;
  }
  if (a > 90.0) a = 180.0 - a; // sind(180 - x) = sind(x)
  return finite(sign * sindQ1(a));
}

/** cosd(float8) (dcosd): cosine of an angle in degrees. @throws PgError 22003 for an infinite angle. */
export function cosdFloat8(x: number): number {
  if (Number.isNaN(x)) return NaN;
  degreeArg(x);
  let a = x % 360.0;
  let sign = 1.0;
  if (a < 0.0) a = -a; // cosd(-x) = cosd(x)
  if (a > 180.0) a = 360.0 - a; // cosd(360 - x) = cosd(x)
  if (a > 90.0) {
    a = 180.0 - a; // cosd(180 - x) = -cosd(x)
    sign = -sign;
  }
  return finite(sign * cosdQ1(a));
}

/** Reduces an angle in degrees for tand / cotd (odd functions of period 180): [angle, sign]. */
function reduceOdd(x: number): [number, number] {
  let a = x % 360.0;
  let sign = 1.0;
  if (a < 0.0) {
    a = -a;
    sign = -sign;
  }
  if (a > 180.0) {
    a = 360.0 - a;
    sign = -sign;
  }
  if (a > 90.0) {
    a = 180.0 - a;
    sign = -sign;
  }
  return [a, sign];
}

/**
 * tand(float8) (dtand): tangent of an angle in degrees; tand(90) = Infinity, and a zero result
 * is never minus zero. @throws PgError 22003 for an infinite angle.
 */
export function tandFloat8(x: number): number {
  if (Number.isNaN(x)) return NaN;
  degreeArg(x);
  const [a, sign] = reduceOdd(x);
  const r = sign * (sindQ1(a) / cosdQ1(a) / TAN_45);
  return r === 0 ? 0 : r;
}

/**
 * cotd(float8) (dcotd): cotangent of an angle in degrees; cotd(0) = Infinity, and a zero
 * result is never minus zero. @throws PgError 22003 for an infinite angle.
 */
export function cotdFloat8(x: number): number {
  if (Number.isNaN(x)) return NaN;
  degreeArg(x);
  const [a, sign] = reduceOdd(x);
  const r = sign * (cosdQ1(a) / sindQ1(a) / COT_45);
  return r === 0 ? 0 : r;
}

/** asind(float8) (dasind): in degrees. @throws PgError 22003 `input is out of range` outside [-1, 1]. */
export function asindFloat8(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -1 || x > 1) throw outOfRange();
  return finite(x >= 0 ? asindQ1(x) : -asindQ1(-x));
}

/** acosd(float8) (dacosd): in degrees. @throws PgError 22003 `input is out of range` outside [-1, 1]. */
export function acosdFloat8(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -1 || x > 1) throw outOfRange();
  return finite(x >= 0 ? acosdQ1(x) : 90.0 + asindQ1(-x));
}

/** atand(float8) (datand): in degrees, exactly 45 at 1; finite for infinite inputs. */
export function atandFloat8(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return finite((Math.atan(x) / ATAN_1_0) * 45.0);
}

/** atan2d(y float8, x float8) (datan2d): in degrees, in [-180, 180]. */
export function atan2dFloat8(y: number, x: number): number {
  if (Number.isNaN(y) || Number.isNaN(x)) return NaN;
  return finite((Math.atan2(y, x) / ATAN_1_0) * 45.0);
}

/** sinh(float8) (dsinh): an overflow is +-Infinity, not an error. */
export function sinhFloat8(x: number): number {
  return Math.sinh(x);
}

/** cosh(float8) (dcosh): an overflow is Infinity. */
export function coshFloat8(x: number): number {
  const r = Math.cosh(x);
  if (r === 0) throw underflow(); // cannot happen (cosh >= 1); float.c checks it
  return r;
}

/** tanh(float8) (dtanh). */
export function tanhFloat8(x: number): number {
  return finite(Math.tanh(x));
}

/** asinh(float8) (dasinh). */
export function asinhFloat8(x: number): number {
  return Math.asinh(x);
}

/** acosh(float8) (dacosh). @throws PgError 22003 `input is out of range` below 1. */
export function acoshFloat8(x: number): number {
  if (x < 1.0) throw outOfRange();
  return Math.acosh(x);
}

/** atanh(float8) (datanh): +-Infinity at +-1. @throws PgError 22003 `input is out of range` outside [-1, 1]. */
export function atanhFloat8(x: number): number {
  if (x < -1.0 || x > 1.0) throw outOfRange();
  if (x === -1.0) return -Infinity;
  if (x === 1.0) return Infinity;
  return Math.atanh(x);
}
