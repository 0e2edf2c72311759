/**
 * PostgreSQL's `numeric`: exact decimal arithmetic with a display scale, as PostgreSQL 18's
 * src/backend/utils/adt/numeric.c defines it. One runtime representation, {@link Numeric}:
 *
 *   kind   finite, NaN, +Infinity or -Infinity (PostgreSQL 14+ has the infinities)
 *   u      the value times 10^scale, a signed BigInt (finite values only)
 *   scale  the display scale (dscale): digits printed after the decimal point, >= 0
 *
 * so `1.50` is { u: 150n, scale: 2 } and stays `1.50`. PostgreSQL stores base-10000 digits
 * (NBASE) and rounds its intermediate results to a computed rscale; every operation here is
 * exact BigInt arithmetic on `u` followed by PostgreSQL's rounding to PostgreSQL's result
 * scale, which gives the same digits:
 *
 *   a + b, a - b   scale max(sa, sb), exact
 *   a * b          scale sa + sb, exact (rounded to NUMERIC_DSCALE_MAX past it)
 *   a / b          scale select_div_scale(a, b), rounded half away from zero
 *   a % b          a - trunc(a / b) * b, scale max(sa, sb)
 *   round / trunc  to a scale in [-2000, 2000]; the result scale is max(s, 0)
 *
 * Why BigInt and not decimal.js or big.js: both are floating decimals that drop trailing
 * zeros (no display scale) and round every operation to a configured number of significant
 * digits (decimal.js) or decimal places (big.js) held in constructor-wide settings; big.js
 * has no NaN or infinities. PostgreSQL's rules are about scales, not significant digits, so
 * either library would need the scale, the special values and the rounding steps carried
 * beside it; with those in hand what is left is exact integer arithmetic, which the engine's
 * own BigInt does exactly and fast.
 *
 * Errors are PostgreSQL's: 22P02 invalid input syntax, 22003 `value overflows numeric format`
 * / `numeric field overflow` (with PostgreSQL's detail), 22012 division by zero, 0A000
 * `cannot convert NaN to integer` and so on.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { parseFloat4 } from './float.js';

/** Largest precision a typmod may give (numeric(1000, s)). */
export const NUMERIC_MAX_PRECISION = 1000;
/** Scale bounds of a typmod (PostgreSQL 15+ allows negative scales). */
export const NUMERIC_MIN_SCALE = -1000;
export const NUMERIC_MAX_SCALE = 1000;
/** Display scale bounds of a division result (select_div_scale). */
export const NUMERIC_MAX_DISPLAY_SCALE = 1000;
/** round() / trunc() clamp their scale argument to +-this. */
export const NUMERIC_MAX_RESULT_SCALE = 2000;
/** A quotient has at least this many significant digits (select_div_scale). */
export const NUMERIC_MIN_SIG_DIGITS = 16;
/** Largest display scale a stored numeric can carry (14-bit field). */
export const NUMERIC_DSCALE_MAX = 0x3fff;
/** Largest base-10000 weight (int16 field): 131,072 decimal digits before the point. */
const NUMERIC_WEIGHT_MAX = 0x7fff;
const NUMERIC_WEIGHT_MIN = -0x8000;
/** Decimal digits per base-10000 digit (PostgreSQL's DEC_DIGITS). */
const DEC_DIGITS = 4;
/** The typmod header PostgreSQL adds (VARHDRSZ). */
const VARHDRSZ = 4;

/** Which kind of value a {@link Numeric} is. */
export const enum NumericKind {
  Finite = 0,
  NaN = 1,
  PosInf = 2,
  NegInf = 3,
}

const POW10: bigint[] = [1n];
/** 10^n as a BigInt (cached). */
export function pow10(n: number): bigint {
  if (n < POW10.length) return POW10[n]!;
  if (n > 4096) return 10n ** BigInt(n);
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1]! * 10n);
  return POW10[n]!;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** Number of decimal digits of |x| (0 for 0). */
function digitCount(x: bigint): number {
  return x === 0n ? 0 : abs(x).toString().length;
}

/** An immutable numeric value; see the module comment for the fields. */
export class Numeric {
  private constructor(
    readonly kind: NumericKind,
    /** The value times 10^scale (0n for the special values). */
    readonly u: bigint,
    /** Display scale, >= 0. */
    readonly scale: number,
  ) {}

  static readonly NaN = new Numeric(NumericKind.NaN, 0n, 0);
  static readonly PosInf = new Numeric(NumericKind.PosInf, 0n, 0);
  static readonly NegInf = new Numeric(NumericKind.NegInf, 0n, 0);
  static readonly ZERO = new Numeric(NumericKind.Finite, 0n, 0);

  /**
   * The finite value `u / 10^scale` (scale >= 0), checked against the storable range.
   * @throws PgError 22003 `value overflows numeric format`.
   */
  static of(u: bigint, scale: number): Numeric {
    const n = new Numeric(NumericKind.Finite, u, scale);
    checkRange(n);
    return n;
  }

  /** A finite value without the range check (callers that cannot leave the range). */
  static unchecked(u: bigint, scale: number): Numeric {
    return new Numeric(NumericKind.Finite, u, scale);
  }

  /** An integer (int2/int4/int8 to numeric: exact, scale 0). */
  static fromInt(x: number | bigint): Numeric {
    return new Numeric(NumericKind.Finite, typeof x === 'bigint' ? x : BigInt(x), 0);
  }

  isFinite(): boolean {
    return this.kind === NumericKind.Finite;
  }

  isNaN(): boolean {
    return this.kind === NumericKind.NaN;
  }

  /** -1, 0 or 1 (NaN: 0). */
  sign(): number {
    if (this.kind === NumericKind.PosInf) return 1;
    if (this.kind === NumericKind.NegInf) return -1;
    return this.u > 0n ? 1 : this.u < 0n ? -1 : 0;
  }

  /** numeric_out: plain notation with exactly `scale` fraction digits; `NaN`, `Infinity`, `-Infinity`. */
  toString(): string {
    switch (this.kind) {
      case NumericKind.NaN: return 'NaN';
      case NumericKind.PosInf: return 'Infinity';
      case NumericKind.NegInf: return '-Infinity';
      default: break;
    }
    const neg = this.u < 0n;
    let s = abs(this.u).toString();
    if (this.scale > 0) {
      if (s.length <= this.scale) s = '0'.repeat(this.scale - s.length + 1) + s;
      s = `${s.slice(0, s.length - this.scale)}.${s.slice(s.length - this.scale)}`;
    }
    return neg ? `-${s}` : s;
  }

  /** The nearest double (numeric_float8 without its range check); lets `Number(x)` work. */
  valueOf(): number {
    switch (this.kind) {
      case NumericKind.NaN: return NaN;
      case NumericKind.PosInf: return Infinity;
      case NumericKind.NegInf: return -Infinity;
      default: return Number(this.toString());
    }
  }

  /** Text a JSON encoder writes (numeric_out), so rows serialise as PostgreSQL prints them. */
  toJSON(): string {
    return this.toString();
  }
}

const mk = (u: bigint, scale: number): Numeric => Numeric.unchecked(u, scale);

function overflowFormat(): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, 'value overflows numeric format');
}

/** Base-10000 weight of the leading digit of a nonzero finite value. */
function weightOf(u: bigint, scale: number): number {
  // The leading decimal digit has power p = digits - scale - 1; its base-10000 digit has
  // weight floor(p / 4).
  return Math.floor((digitCount(u) - scale - 1) / DEC_DIGITS);
}

/** make_result's range check: the weight and display scale must fit their int16 fields. */
function checkRange(n: Numeric): void {
  if (n.scale > NUMERIC_DSCALE_MAX) throw overflowFormat();
  if (n.u === 0n) return;
  const w = weightOf(n.u, n.scale);
  if (w > NUMERIC_WEIGHT_MAX || w < NUMERIC_WEIGHT_MIN) throw overflowFormat();
}

// ---------------------------------------------------------------------------------------
// Text input (numeric_in)

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function digitValue(c: number, base: number): number {
  let d = -1;
  if (c >= 48 && c <= 57) d = c - 48;
  else if (c >= 97 && c <= 102) d = c - 87;
  else if (c >= 65 && c <= 70) d = c - 55;
  return d >= 0 && d < base ? d : -1;
}

function startsWithCI(s: string, at: number, word: string): boolean {
  return s.slice(at, at + word.length).toLowerCase() === word;
}

/**
 * numeric_in: PostgreSQL 18's numeric input syntax. Leading and trailing whitespace; a sign;
 * decimal digits with at most one point and an optional exponent (`1.5e-3`), underscores
 * between digits (`1_000`); `0x` / `0o` / `0b` integers; `NaN` (unsigned), `Infinity` and
 * `inf` in any case with a sign. Then the typmod (-1 for none) is applied.
 * @throws PgError 22P02 `invalid input syntax for type numeric: "<text>"`; 22003 `value
 *   overflows numeric format`; the typmod errors of {@link applyNumericTypmod}.
 */
export function parseNumeric(text: string, typmod = -1): Numeric {
  const invalid = () => new PgError(SQLSTATE.invalid_text_representation, `invalid input syntax for type numeric: "${text}"`);
  const n = text.length;
  let i = 0;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  const numStart = i;
  let neg = false;
  if (text[i] === '+') i++;
  else if (text[i] === '-') {
    neg = true;
    i++;
  }
  const c0 = text.charCodeAt(i);
  let result: Numeric;
  if (!isDigit(c0) && text[i] !== '.') {
    // NaN or an infinity; NaN must not have a sign.
    if (startsWithCI(text, numStart, 'nan')) {
      result = Numeric.NaN;
      i = numStart + 3;
    } else if (startsWithCI(text, i, 'infinity')) {
      result = neg ? Numeric.NegInf : Numeric.PosInf;
      i += 8;
    } else if (startsWithCI(text, i, 'inf')) {
      result = neg ? Numeric.NegInf : Numeric.PosInf;
      i += 3;
    } else {
      throw invalid();
    }
    while (i < n) if (!isSpace(text.charCodeAt(i++))) throw invalid();
    return applyNumericTypmod(result, typmod);
  }
  let u: bigint;
  let scale: number;
  const prefix = text[i] === '0' ? (text[i + 1] ?? '').toLowerCase() : '';
  if (prefix === 'x' || prefix === 'o' || prefix === 'b') {
    // set_var_from_non_decimal_integer_str: digits of the base, underscores between them.
    const base = prefix === 'x' ? 16n : prefix === 'o' ? 8n : 2n;
    i += 2;
    const first = i;
    let v = 0n;
    let sawDigit = false;
    while (i < n) {
      const d = digitValue(text.charCodeAt(i), Number(base));
      if (d >= 0) {
        v = v * base + BigInt(d);
        sawDigit = true;
        i++;
      } else if (text[i] === '_') {
        i++;
        if (digitValue(text.charCodeAt(i), Number(base)) < 0) throw invalid();
      } else break;
    }
    if (!sawDigit || i === first) throw invalid();
    while (i < n) if (!isSpace(text.charCodeAt(i++))) throw invalid();
    u = neg ? -v : v;
    scale = 0;
  } else {
    // set_var_from_str: [digits][.digits][e[+-]digits], underscores only between digits.
    let digits = '';
    let fracDigits = 0;
    let haveDp = false;
    if (text[i] === '.') {
      haveDp = true;
      i++;
    }
    if (!isDigit(text.charCodeAt(i))) throw invalid();
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isDigit(c)) {
        digits += text[i];
        if (haveDp) fracDigits++;
        i++;
      } else if (c === 46 /* . */) {
        if (haveDp) throw invalid();
        haveDp = true;
        i++;
        if (text[i] === '_') throw invalid();
      } else if (c === 95 /* _ */) {
        i++;
        if (!isDigit(text.charCodeAt(i))) throw invalid();
      } else break;
    }
    let exponent = 0;
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      let eneg = false;
      if (text[i] === '+') i++;
      else if (text[i] === '-') {
        eneg = true;
        i++;
      }
      if (!isDigit(text.charCodeAt(i))) throw invalid();
      while (i < n) {
        const c = text.charCodeAt(i);
        if (isDigit(c)) {
          exponent = exponent * 10 + (c - 48);
          if (exponent > 0x7fffffff / 2) throw overflowFormat();
          i++;
        } else if (c === 95) {
          i++;
          if (!isDigit(text.charCodeAt(i))) throw invalid();
        } else break;
      }
      if (eneg) exponent = -exponent;
    }
    while (i < n) if (!isSpace(text.charCodeAt(i++))) throw invalid();
    scale = Math.max(0, fracDigits - exponent);
    // Check the range before building huge powers of ten ('1e100000000').
    const firstNonZero = digits.search(/[1-9]/);
    if (firstNonZero >= 0) {
      const lead = digits.length - fracDigits - firstNonZero - 1 + exponent; // power of the leading digit
      const w = Math.floor(lead / DEC_DIGITS);
      if (w > NUMERIC_WEIGHT_MAX || (w < NUMERIC_WEIGHT_MIN && typmod < VARHDRSZ)) throw overflowFormat();
    }
    if (scale > NUMERIC_DSCALE_MAX && typmod < VARHDRSZ) throw overflowFormat();
    let v = BigInt(digits);
    const shift = scale - (fracDigits - exponent); // extra zeros to append (exponent past the digits)
    // Zero stays zero: '0e900000000' must not build a power of ten (the range check above
    // only bounds numbers with a non-zero digit).
    if (shift > 0 && v !== 0n) v *= pow10(shift);
    u = neg ? -v : v;
  }
  const r = mk(u, scale);
  const t = applyNumericTypmod(r, typmod);
  checkRange(t);
  return t;
}

// ---------------------------------------------------------------------------------------
// Type modifiers: numeric(p, s)

/** A typmod as PostgreSQL encodes it: ((p << 16) | (s & 0x7ff)) + VARHDRSZ. */
export function makeNumericTypmod(precision: number, scale: number): number {
  return ((precision << 16) | (scale & 0x7ff)) + VARHDRSZ;
}

/** Precision of a valid typmod. */
export function numericTypmodPrecision(typmod: number): number {
  return ((typmod - VARHDRSZ) >> 16) & 0xffff;
}

/** Scale of a valid typmod (sign-extended from 11 bits). */
export function numericTypmodScale(typmod: number): number {
  return ((((typmod - VARHDRSZ) & 0x7ff) ^ 1024) - 1024);
}

/**
 * numerictypmodin: `numeric(p)` or `numeric(p, s)` -> typmod.
 * @throws PgError 22023 `NUMERIC precision P must be between 1 and 1000`, `NUMERIC scale S
 *   must be between -1000 and 1000`, `invalid NUMERIC type modifier`.
 */
export function numericTypmodIn(mods: readonly number[]): number {
  if (mods.length < 1 || mods.length > 2) throw new PgError(SQLSTATE.invalid_parameter_value, 'invalid NUMERIC type modifier');
  const p = mods[0]!;
  if (p < 1 || p > NUMERIC_MAX_PRECISION) {
    throw new PgError(SQLSTATE.invalid_parameter_value, `NUMERIC precision ${p} must be between 1 and ${NUMERIC_MAX_PRECISION}`);
  }
  const s = mods.length === 2 ? mods[1]! : 0;
  if (s < NUMERIC_MIN_SCALE || s > NUMERIC_MAX_SCALE) {
    throw new PgError(SQLSTATE.invalid_parameter_value, `NUMERIC scale ${s} must be between ${NUMERIC_MIN_SCALE} and ${NUMERIC_MAX_SCALE}`);
  }
  return makeNumericTypmod(p, s);
}

/** numerictypmodout: `(p,s)`, or '' for no typmod. */
export function numericTypmodOut(typmod: number): string {
  if (typmod < VARHDRSZ) return '';
  return `(${numericTypmodPrecision(typmod)},${numericTypmodScale(typmod)})`;
}

/**
 * apply_typmod / apply_typmod_special: round to the typmod's scale (half away from zero) and
 * check the digits before the point; the result's display scale is max(s, 0). NaN passes.
 * @throws PgError 22003 `numeric field overflow` with detail `A field with precision P, scale
 *   S must round to an absolute value less than 10^D.` (or `... cannot hold an infinite
 *   value.`).
 */
export function applyNumericTypmod(x: Numeric, typmod: number): Numeric {
  if (typmod < VARHDRSZ || x.kind === NumericKind.NaN) return x;
  const precision = numericTypmodPrecision(typmod);
  const scale = numericTypmodScale(typmod);
  if (x.kind !== NumericKind.Finite) {
    throw new PgError(SQLSTATE.numeric_value_out_of_range, 'numeric field overflow', {
      detail: `A field with precision ${precision}, scale ${scale} cannot hold an infinite value.`,
    });
  }
  const maxDigits = precision - scale;
  const r = roundToScale(x, scale);
  if (r.u !== 0n) {
    const intDigits = digitCount(r.u) - r.scale; // digits before the point (<= 0 for |x| < 1)
    if (intDigits > maxDigits) {
      throw new PgError(SQLSTATE.numeric_value_out_of_range, 'numeric field overflow', {
        detail: `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${maxDigits !== 0 ? '10^' : ''}${maxDigits !== 0 ? maxDigits : 1}.`,
      });
    }
  }
  return r;
}

// ---------------------------------------------------------------------------------------
// Rounding

/** u / 10^k rounded half away from zero (k >= 0). */
function divPow10Round(u: bigint, k: number): bigint {
  if (k === 0) return u;
  const d = pow10(k);
  const q = u / d;
  const r = abs(u % d);
  if (r * 2n >= d) return u < 0n ? q - 1n : q + 1n;
  return q;
}

/** `x` rounded (half away from zero) or truncated to `s` decimal places (s may be negative). */
function rescale(x: Numeric, s: number, round: boolean): Numeric {
  const dscale = Math.max(s, 0);
  if (s >= x.scale) return mk(x.u * pow10(dscale - x.scale), dscale);
  const k = x.scale - s; // digits to drop
  const q = round ? divPow10Round(x.u, k) : x.u / pow10(k);
  // q is the value in units of 10^-s; re-express at dscale.
  const u = s >= 0 ? q : q * pow10(-s);
  return mk(u, dscale);
}

function roundToScale(x: Numeric, s: number): Numeric {
  return rescale(x, s, true);
}

/**
 * round(numeric, int): half away from zero at `s` places (clamped to +-2000); the result
 * prints max(s, 0) places (`round(1.5, 3)` is `1.500`). NaN and infinities are returned.
 */
export function numericRound(x: Numeric, s = 0): Numeric {
  if (x.kind !== NumericKind.Finite) return x;
  s = Math.min(Math.max(s, -NUMERIC_MAX_RESULT_SCALE), NUMERIC_MAX_RESULT_SCALE);
  const r = rescale(x, s, true);
  checkRange(r);
  return r;
}

/** trunc(numeric, int): toward zero at `s` places, otherwise as {@link numericRound}. */
export function numericTrunc(x: Numeric, s = 0): Numeric {
  if (x.kind !== NumericKind.Finite) return x;
  s = Math.min(Math.max(s, -NUMERIC_MAX_RESULT_SCALE), NUMERIC_MAX_RESULT_SCALE);
  return rescale(x, s, false);
}

/** ceil(numeric): the smallest integer >= x, scale 0. */
export function numericCeil(x: Numeric): Numeric {
  if (x.kind !== NumericKind.Finite) return x;
  const d = pow10(x.scale);
  let q = x.u / d;
  if (x.u > 0n && x.u % d !== 0n) q += 1n;
  return mk(q, 0);
}

/** floor(numeric): the largest integer <= x, scale 0. */
export function numericFloor(x: Numeric): Numeric {
  if (x.kind !== NumericKind.Finite) return x;
  const d = pow10(x.scale);
  let q = x.u / d;
  if (x.u < 0n && x.u % d !== 0n) q -= 1n;
  return mk(q, 0);
}

// ---------------------------------------------------------------------------------------
// Arithmetic

function aligned(a: Numeric, b: Numeric): [bigint, bigint, number] {
  const s = Math.max(a.scale, b.scale);
  return [a.u * pow10(s - a.scale), b.u * pow10(s - b.scale), s];
}

function infOf(sign: number): Numeric {
  return sign < 0 ? Numeric.NegInf : Numeric.PosInf;
}

/** numeric_add: exact, scale max(sa, sb); Infinity + -Infinity is NaN. @throws 22003 overflow */
export function numericAdd(a: Numeric, b: Numeric): Numeric {
  if (a.kind !== NumericKind.Finite || b.kind !== NumericKind.Finite) {
    if (a.isNaN() || b.isNaN()) return Numeric.NaN;
    if (a.kind !== NumericKind.Finite && b.kind !== NumericKind.Finite) return a.kind === b.kind ? a : Numeric.NaN;
    return a.kind !== NumericKind.Finite ? a : b;
  }
  const [x, y, s] = aligned(a, b);
  return Numeric.of(x + y, s);
}

/** numeric_uminus: the sign flipped (zero stays zero; NaN stays NaN). */
export function numericNeg(a: Numeric): Numeric {
  switch (a.kind) {
    case NumericKind.NaN: return a;
    case NumericKind.PosInf: return Numeric.NegInf;
    case NumericKind.NegInf: return Numeric.PosInf;
    default: return mk(-a.u, a.scale);
  }
}

/** numeric_abs. */
export function numericAbs(a: Numeric): Numeric {
  if (a.kind === NumericKind.NegInf) return Numeric.PosInf;
  if (a.kind !== NumericKind.Finite || a.u >= 0n) return a;
  return mk(-a.u, a.scale);
}

/** sign(numeric): -1, 0 or 1 (scale 0); NaN for NaN, +-1 for the infinities. */
export function numericSign(a: Numeric): Numeric {
  if (a.kind === NumericKind.NaN) return a;
  return Numeric.fromInt(a.sign());
}

/** numeric_sub: a + (-b). */
export function numericSub(a: Numeric, b: Numeric): Numeric {
  return numericAdd(a, numericNeg(b));
}

/** numeric_mul: exact, scale sa + sb (rounded to 16383 places past that); Infinity * 0 is NaN. */
export function numericMul(a: Numeric, b: Numeric): Numeric {
  if (a.kind !== NumericKind.Finite || b.kind !== NumericKind.Finite) {
    if (a.isNaN() || b.isNaN()) return Numeric.NaN;
    const s = a.sign() * b.sign();
    return s === 0 ? Numeric.NaN : infOf(s);
  }
  let r = mk(a.u * b.u, a.scale + b.scale);
  if (r.scale > NUMERIC_DSCALE_MAX) r = rescale(r, NUMERIC_DSCALE_MAX, true);
  checkRange(r);
  return r;
}

/** Weight and leading base-10000 digit of a finite value (weight 0, digit 0 for zero). */
function head(x: Numeric): { weight: number; first: number } {
  if (x.u === 0n) return { weight: 0, first: 0 };
  const s4 = Math.ceil(x.scale / DEC_DIGITS) * DEC_DIGITS;
  const text = (abs(x.u) * pow10(s4 - x.scale)).toString();
  const groups = Math.ceil(text.length / DEC_DIGITS);
  const headLen = text.length - (groups - 1) * DEC_DIGITS;
  return { weight: groups - 1 - s4 / DEC_DIGITS, first: Number(text.slice(0, headLen)) };
}

/**
 * select_div_scale: the display scale of a / b, so that the quotient has at least
 * NUMERIC_MIN_SIG_DIGITS significant digits and no fewer places than either input, within
 * [0, NUMERIC_MAX_DISPLAY_SCALE].
 */
export function selectDivScale(a: Numeric, b: Numeric): number {
  const h1 = head(a);
  const h2 = head(b);
  let qweight = h1.weight - h2.weight;
  if (h1.first <= h2.first) qweight--;
  let rscale = NUMERIC_MIN_SIG_DIGITS - qweight * DEC_DIGITS;
  rscale = Math.max(rscale, a.scale, b.scale, 0);
  return Math.min(rscale, NUMERIC_MAX_DISPLAY_SCALE);
}

function divByZero(): PgError {
  return new PgError(SQLSTATE.division_by_zero, 'division by zero');
}

/** a / b at `rscale` places, rounded half away from zero or truncated. */
function divFinite(a: Numeric, b: Numeric, rscale: number, round: boolean): Numeric {
  if (b.u === 0n) throw divByZero();
  // a / b = (ua / 10^sa) / (ub / 10^sb); scaled by 10^rscale:
  // q = ua * 10^(rscale + sb - sa) / ub.
  const e = rscale + b.scale - a.scale;
  let num = a.u;
  let den = b.u;
  if (e >= 0) num *= pow10(e);
  else den *= pow10(-e);
  let q = num / den;
  if (round) {
    const r = abs(num % den);
    if (r * 2n >= abs(den)) q += (num < 0n) !== (den < 0n) ? -1n : 1n;
  }
  const res = mk(q, rscale);
  checkRange(res);
  return res;
}

/** A quotient with a NaN or infinite operand (numeric_div and numeric_div_trunc alike). */
function divNonFinite(a: Numeric, b: Numeric): Numeric {
  if (a.isNaN() || b.isNaN()) return Numeric.NaN;
  if (a.kind !== NumericKind.Finite) {
    if (b.kind !== NumericKind.Finite) return Numeric.NaN;
    if (b.u === 0n) throw divByZero();
    return infOf(a.sign() * b.sign());
  }
  return Numeric.ZERO;
}

/**
 * numeric_div: rounded at {@link selectDivScale} places. x / 0 fails (also for Infinity);
 * NaN / 0 is NaN; Infinity / Infinity is NaN; finite / Infinity is 0.
 * @throws PgError 22012 `division by zero`, 22003 overflow.
 */
export function numericDiv(a: Numeric, b: Numeric): Numeric {
  if (a.kind !== NumericKind.Finite || b.kind !== NumericKind.Finite) return divNonFinite(a, b);
  return divFinite(a, b, selectDivScale(a, b), true);
}

/** numeric_div_trunc (div()): the quotient truncated to an integer. */
export function numericDivTrunc(a: Numeric, b: Numeric): Numeric {
  if (a.kind !== NumericKind.Finite || b.kind !== NumericKind.Finite) return divNonFinite(a, b);
  return divFinite(a, b, 0, false);
}

/**
 * numeric_mod: a - trunc(a / b) * b (the sign of a), scale max(sa, sb). Infinity % y is NaN,
 * x % Infinity is x.
 * @throws PgError 22012 `division by zero`.
 */
export function numericMod(a: Numeric, b: Numeric): Numeric {
  if (a.kind !== NumericKind.Finite || b.kind !== NumericKind.Finite) {
    if (a.isNaN() || b.isNaN()) return Numeric.NaN;
    if (a.kind !== NumericKind.Finite) {
      if (b.kind === NumericKind.Finite && b.u === 0n) throw divByZero();
      return Numeric.NaN;
    }
    return a;
  }
  if (b.u === 0n) throw divByZero();
  const [x, y, s] = aligned(a, b);
  return mk(x % y, s);
}

/**
 * cmp_numerics: total order, NaN above everything (and equal to itself), -Infinity below
 * and +Infinity above every finite value; `1.5 = 1.50`.
 */
export function numericCmp(a: Numeric, b: Numeric): number {
  if (a.kind !== NumericKind.Finite || b.kind !== NumericKind.Finite) {
    const rank = (x: Numeric) => (x.kind === NumericKind.NaN ? 3 : x.kind === NumericKind.PosInf ? 2 : x.kind === NumericKind.NegInf ? -2 : 0);
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== 0 || rb !== 0) return ra === rb ? 0 : ra < rb ? -1 : 1;
  }
  if (a.scale === b.scale) return a.u < b.u ? -1 : a.u > b.u ? 1 : 0;
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A numeric-family runtime value (int4/int8 number or bigint, or a Numeric) as a Numeric.
 * Integers convert exactly; a JS number that is not an integer is read from its shortest
 * decimal text (it stood for that literal).
 */
export function toNumeric(v: number | bigint | Numeric): Numeric {
  if (v instanceof Numeric) return v;
  if (typeof v === 'bigint') return Numeric.fromInt(v);
  if (Number.isInteger(v) && Number.isSafeInteger(v)) return Numeric.fromInt(v);
  return parseNumeric(String(v));
}

/**
 * A text key equal for equal values whatever their scales (`1.5` and `1.50` give `1.5`), for
 * hashing numeric values (GROUP BY, hash tables).
 */
export function numericKey(x: Numeric): string {
  if (x.kind !== NumericKind.Finite) return x.toString();
  let u = x.u;
  let scale = x.scale;
  while (scale > 0 && u % 10n === 0n) {
    u /= 10n;
    scale--;
  }
  return mk(u, scale).toString();
}

/** Total order of numeric-family values (number, bigint or Numeric), by exact value. */
export function compareNumeric(a: number | bigint | Numeric, b: number | bigint | Numeric): number {
  return numericCmp(toNumeric(a), toNumeric(b));
}

// ---------------------------------------------------------------------------------------
// Casts

/**
 * The exact decimal expansion of a finite double: digits and the power of ten of the last
 * one (x = digits * 10^exp10).
 */
function exactDecimal(x: number): { digits: bigint; exp10: number } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (bexp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = bexp - 1075;
  }
  if (e2 >= 0) return { digits: mant << BigInt(e2), exp10: 0 };
  // mant * 2^e2 = mant * 5^-e2 / 10^-e2
  return { digits: mant * 5n ** BigInt(-e2), exp10: e2 };
}

/**
 * `%.{P}g` of a finite double as C's printf prints it (round half to even on the exact binary
 * value), then read by numeric_in: what float8_numeric (P = DBL_DIG = 15) and float4_numeric
 * (P = FLT_DIG = 6) do. %g drops trailing zeros, so the scale is that of the shortest form.
 */
function fromDoubleDigits(x: number, precision: number): Numeric {
  if (x === 0) return Numeric.ZERO;
  const { digits, exp10 } = exactDecimal(Math.abs(x));
  const len = digits.toString().length;
  const drop = len - precision;
  let d = digits;
  let e = exp10;
  if (drop > 0) {
    const p = pow10(drop);
    let q = d / p;
    const r = d % p;
    const twice = r * 2n;
    if (twice > p || (twice === p && (q & 1n) === 1n)) q += 1n;
    d = q;
    e += drop;
  }
  while (d !== 0n && d % 10n === 0n) {
    d /= 10n;
    e++;
  }
  const signed = x < 0 ? -d : d;
  if (e >= 0) return Numeric.of(signed * pow10(e), 0);
  return Numeric.of(signed, -e);
}

/** float8 -> numeric (float8_numeric): 15 significant digits; NaN and the infinities map. */
export function numericFromFloat8(x: number): Numeric {
  if (x !== x) return Numeric.NaN;
  if (x === Infinity) return Numeric.PosInf;
  if (x === -Infinity) return Numeric.NegInf;
  return fromDoubleDigits(x, 15);
}

/** float4 -> numeric (float4_numeric): 6 significant digits of the float32 value. */
export function numericFromFloat4(x: number): Numeric {
  if (x !== x) return Numeric.NaN;
  if (x === Infinity) return Numeric.PosInf;
  if (x === -Infinity) return Numeric.NegInf;
  return fromDoubleDigits(x, 6);
}

/**
 * numeric -> float8 (numeric_float8: numeric_out read by float8in, correctly rounded).
 * @throws PgError 22003 `"<digits>" is out of range for type double precision` when a finite
 *   value rounds to infinity or a nonzero one to zero.
 */
export function numericToFloat8(x: Numeric): number {
  if (x.kind !== NumericKind.Finite) return x.valueOf();
  const text = x.toString();
  const d = Number(text);
  if (!Number.isFinite(d) || (d === 0 && x.u !== 0n)) {
    throw new PgError(SQLSTATE.numeric_value_out_of_range, `"${text}" is out of range for type double precision`);
  }
  return d;
}

/**
 * numeric -> float4 (numeric_float4: numeric_out read by float4in).
 * @throws PgError 22003 `"<digits>" is out of range for type real`.
 */
export function numericToFloat4(x: Numeric): number {
  if (x.kind !== NumericKind.Finite) return x.valueOf();
  return parseFloat4(x.toString());
}

const INT_RANGE = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
} as const;

/**
 * numeric -> smallint / integer / bigint: rounded half away from zero.
 * @throws PgError 0A000 `cannot convert NaN to integer` / `cannot convert infinity to
 *   integer` (bigint, smallint alike); 22003 `integer out of range`.
 */
export function numericToInt(x: Numeric, type: 'smallint' | 'integer' | 'bigint'): bigint {
  if (x.kind === NumericKind.NaN) throw new PgError(SQLSTATE.feature_not_supported, `cannot convert NaN to ${type}`);
  if (x.kind !== NumericKind.Finite) throw new PgError(SQLSTATE.feature_not_supported, `cannot convert infinity to ${type}`);
  const v = divPow10Round(x.u, x.scale);
  const [lo, hi] = INT_RANGE[type];
  if (v < lo || v > hi) throw new PgError(SQLSTATE.numeric_value_out_of_range, `${type} out of range`);
  return v;
}

// ---------------------------------------------------------------------------------------
// Binary I/O (numeric_send / numeric_recv) and datum size

const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;
const NUMERIC_NAN = 0xc000;
const NUMERIC_PINF = 0xd000;
const NUMERIC_NINF = 0xf000;

/** The base-10000 digits of |x| with leading and trailing zero digits stripped, and the weight. */
function base10000(x: Numeric): { digits: number[]; weight: number } {
  if (x.kind !== NumericKind.Finite || x.u === 0n) return { digits: [], weight: 0 };
  const s4 = Math.ceil(x.scale / DEC_DIGITS) * DEC_DIGITS;
  let text = (abs(x.u) * pow10(s4 - x.scale)).toString();
  text = text.padStart(Math.ceil(text.length / DEC_DIGITS) * DEC_DIGITS, '0');
  const digits: number[] = [];
  for (let i = 0; i < text.length; i += DEC_DIGITS) digits.push(Number(text.slice(i, i + DEC_DIGITS)));
  const weight = digits.length - 1 - s4 / DEC_DIGITS;
  while (digits.length > 0 && digits[digits.length - 1] === 0) digits.pop();
  return { digits, weight };
}

/**
 * numeric_send: int16 ndigits, int16 weight, uint16 sign (0x0000 +, 0x4000 -, 0xC000 NaN,
 * 0xD000 +Infinity, 0xF000 -Infinity), uint16 dscale, then ndigits int16 base-10000 digits,
 * all big-endian.
 */
export function numericSend(x: Numeric): Uint8Array {
  const { digits, weight } = base10000(x);
  const out = new Uint8Array(8 + 2 * digits.length);
  const dv = new DataView(out.buffer);
  dv.setInt16(0, digits.length);
  dv.setInt16(2, weight);
  const sign = x.kind === NumericKind.NaN ? NUMERIC_NAN : x.kind === NumericKind.PosInf ? NUMERIC_PINF : x.kind === NumericKind.NegInf ? NUMERIC_NINF : x.u < 0n ? NUMERIC_NEG : NUMERIC_POS;
  dv.setUint16(4, sign);
  // PostgreSQL sends the infinities with dscale 32: NUMERIC_DSCALE() read from their
  // special-value header (0xD020 / 0xF020 in the first 16 bits of a short numeric).
  dv.setUint16(6, x.kind === NumericKind.Finite ? x.scale : x.kind === NumericKind.NaN ? 0 : 0x20);
  for (let i = 0; i < digits.length; i++) dv.setInt16(8 + 2 * i, digits[i]!);
  return out;
}

/**
 * numeric_recv: the inverse of {@link numericSend}; digits past dscale are truncated, then
 * the typmod is applied.
 * @throws PgError 22P03 `invalid length in external "numeric" value`, `invalid sign ...`,
 *   `invalid scale ...`, `invalid digit ...`; typmod errors.
 */
export function numericRecv(buf: Uint8Array, typmod = -1): Numeric {
  const bad = (what: string) => new PgError('22P03', `invalid ${what} in external "numeric" value`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 8) throw new PgError('08P01', 'insufficient data left in message');
  const len = dv.getUint16(0);
  if (len > NUMERIC_MAX_PRECISION + NUMERIC_MAX_RESULT_SCALE) throw bad('length');
  if (buf.length < 8 + 2 * len) throw new PgError('08P01', 'insufficient data left in message');
  const weight = dv.getInt16(2);
  const sign = dv.getUint16(4);
  const dscale = dv.getUint16(6);
  if (sign === NUMERIC_NAN) return applyNumericTypmod(Numeric.NaN, typmod);
  if (sign === NUMERIC_PINF) return applyNumericTypmod(Numeric.PosInf, typmod);
  if (sign === NUMERIC_NINF) return applyNumericTypmod(Numeric.NegInf, typmod);
  if (sign !== NUMERIC_POS && sign !== NUMERIC_NEG) throw bad('sign');
  if ((dscale & NUMERIC_DSCALE_MAX) !== dscale) throw bad('scale');
  let v = 0n;
  for (let i = 0; i < len; i++) {
    const d = dv.getInt16(8 + 2 * i);
    if (d < 0 || d >= 10000) throw bad('digit');
    v = v * 10000n + BigInt(d);
  }
  // v holds digits with weights weight .. weight-len+1: value = v * 10000^(weight - len + 1).
  const e10 = (weight - len + 1) * DEC_DIGITS;
  let u: bigint;
  if (e10 >= 0) u = v * pow10(e10 + dscale);
  else if (-e10 <= dscale) u = v * pow10(dscale + e10);
  else u = v / pow10(-e10 - dscale); // trunc_var to dscale
  const x = Numeric.of(sign === NUMERIC_NEG ? -u : u, dscale);
  return applyNumericTypmod(x, typmod);
}

/**
 * pg_column_size of a numeric datum: a 4-byte varlena header, a 2-byte header (4 when the
 * scale or weight is too big for the short format), 2 bytes per base-10000 digit. Stored in a
 * row, a value of at most 127 bytes after conversion has a 1-byte varlena header (`stored`).
 */
export function numericDatumSize(x: Numeric, stored = false): number {
  let size: number;
  if (x.kind !== NumericKind.Finite) size = 6;
  else {
    const { digits, weight } = base10000(x);
    const short = x.scale <= 0x3f && weight >= -64 && weight <= 63;
    size = 4 + (short ? 2 : 4) + 2 * digits.length;
  }
  return stored && size - 3 <= 127 ? size - 3 : size;
}

// ---------------------------------------------------------------------------------------
// pg_size_pretty(numeric)

const SIZE_UNITS: readonly { name: string; limit: bigint; round: boolean; bits: number }[] = [
  { name: 'bytes', limit: 10n * 1024n, round: false, bits: 0 },
  { name: 'kB', limit: 20n * 1024n - 1n, round: true, bits: 10 },
  { name: 'MB', limit: 20n * 1024n - 1n, round: true, bits: 20 },
  { name: 'GB', limit: 20n * 1024n - 1n, round: true, bits: 30 },
  { name: 'TB', limit: 20n * 1024n - 1n, round: true, bits: 40 },
  { name: 'PB', limit: 20n * 1024n - 1n, round: true, bits: 50 },
];

/**
 * pg_size_pretty(numeric) (dbsize.c): bytes below 10 kB printed with the value's own scale,
 * then kB .. PB, each step a truncating division and the last a half-rounding.
 */
export function numericSizePretty(size: Numeric): string {
  const one = Numeric.fromInt(1);
  for (let i = 0; i < SIZE_UNITS.length; i++) {
    const unit = SIZE_UNITS[i]!;
    const last = i === SIZE_UNITS.length - 1;
    if (last || numericCmp(numericAbs(size), Numeric.fromInt(unit.limit)) < 0) {
      if (unit.round) {
        // numeric_half_rounded: (size +- 1) div 2.
        const d = numericCmp(size, Numeric.ZERO) >= 0 ? numericAdd(size, one) : numericSub(size, one);
        size = numericDivTrunc(d, Numeric.fromInt(2));
      }
      return `${size.toString()} ${unit.name}`;
    }
    const next = SIZE_UNITS[i + 1]!;
    const shift = next.bits - unit.bits - (next.round ? 1 : 0) + (unit.round ? 1 : 0);
    size = numericDivTrunc(size, Numeric.fromInt(1n << BigInt(shift)));
  }
  return `${size.toString()} PB`;
}

// ---------------------------------------------------------------------------------------
// Aggregates

/** State of sum(numeric) / avg(numeric): the exact running sum and the row count. */
export interface NumericSumState {
  n: number;
  sum: Numeric;
}

/** A fresh sum / avg state. */
export function numericSumInit(): NumericSumState {
  return { n: 0, sum: Numeric.ZERO };
}

/** Folds one value into a sum / avg state (exact; NaN and opposite infinities give NaN). */
export function numericSumStep(s: NumericSumState, v: Numeric): NumericSumState {
  s.sum = s.n === 0 ? v : numericAdd(s.sum, v);
  s.n++;
  return s;
}

/** avg's final function: the sum divided by the count as numeric division, or null for no rows. */
export function numericAvgFinal(s: NumericSumState): Numeric | null {
  if (s.n === 0) return null;
  return numericDiv(s.sum, Numeric.fromInt(s.n));
}
