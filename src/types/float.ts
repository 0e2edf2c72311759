/**
 * float4/float8 text conversion exactly as PostgreSQL 18 does it.
 *
 * Output (float4out/float8out with the default extra_float_digits = 1) prints the shortest
 * decimal that reads back to the same value (PostgreSQL uses Ryu: Ulf Adams, "Ryu: fast
 * float-to-string conversion", PLDI 2018, in src/common/f2s.c and d2s.c), in fixed notation
 * when the decimal exponent is in [-4, 6) for float4 and [-4, 15) for float8, otherwise as
 * `d.ddde+XX` with at least two exponent digits. Checked against PostgreSQL: 1e5 -> `100000`,
 * 1e6::float4 -> `1e+06`, 1e-5 -> `1e-05`, 1e14::float8 -> `100000000000000`.
 *
 * Input rounds a decimal (or C99 hex) literal to float32 correctly, as strtof does. JavaScript
 * has no strtof, and `Math.fround(parseFloat(s))` rounds twice: it is wrong exactly when the
 * double lands on a midpoint between two float32 values, so that case is settled with exact
 * BigInt arithmetic.
 */
import { PgError, SQLSTATE } from '../common/errors.js';

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);
const scratchF64 = new Float64Array(1);
const scratchU64 = new BigUint64Array(scratchF64.buffer);

/** Largest finite float32, 2^128 - 2^104. */
export const FLOAT4_MAX = 3.4028234663852886e38;

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/** C's FLT_DIG and DBL_DIG: the decimal digits float4out / float8out print for extra_float_digits = 0. */
export const FLT_DIG = 6;
export const DBL_DIG = 15;

/**
 * float4out: `x` (a float32 value held in a number) as PostgreSQL prints a `real`.
 * `NaN`, `Infinity`, `-Infinity`, `-0` print as PostgreSQL prints them. `extraFloatDigits`
 * is the session's extra_float_digits (-15 .. 3): above 0 the shortest round-trip digits,
 * else `%.{FLT_DIG + extraFloatDigits}g` (at least one digit), as float4out does.
 */
export function formatFloat4(x: number, extraFloatDigits = 1): string {
  if (extraFloatDigits <= 0) return formatG(x, FLT_DIG + extraFloatDigits);
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const a = Math.abs(x);
  shortestFloat4(a);
  const body = layout(String(f4Digits), outExp, 6);
  return x < 0 ? '-' + body : body;
}

const latin1 = new TextDecoder('latin1');

/** Writes `s` (ASCII) at `p` of `buf`; returns the position after it. */
function writeAscii(buf: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
  return p;
}

/**
 * Writes float4out's text of `x` (extra_float_digits 1) at `p` of `buf`, which has room for
 * 15 bytes; returns the position after it. The text is {@link formatFloat4}'s, laid out from
 * the digits without making strings.
 */
function writeFloat4(buf: Uint8Array, p: number, x: number): number {
  if (x !== x) return writeAscii(buf, p, 'NaN');
  if (x === Infinity) return writeAscii(buf, p, 'Infinity');
  if (x === -Infinity) return writeAscii(buf, p, '-Infinity');
  if (x === 0) return writeAscii(buf, p, Object.is(x, -0) ? '-0' : '0');
  if (x < 0) buf[p++] = 45; // -
  shortestFloat4(Math.abs(x));
  const d = f4Digits | 0;
  const n = f4Length;
  const exp = outExp;
  if (exp >= -4 && exp < 6) {
    if (exp < 0) {
      buf[p++] = 48;
      buf[p++] = 46;
      for (let i = -exp - 1; i > 0; i--) buf[p++] = 48;
      return writeDigits(buf, p, d, n, n);
    }
    if (n <= exp + 1) {
      p = writeDigits(buf, p, d, n, n);
      for (let i = exp + 1 - n; i > 0; i--) buf[p++] = 48;
      return p;
    }
    return writeDigits(buf, p, d, n, exp + 1);
  }
  p = writeDigits(buf, p, d, n, 1);
  buf[p++] = 101; // e
  buf[p++] = exp < 0 ? 45 : 43;
  const ae = Math.abs(exp);
  if (ae < 10) buf[p++] = 48;
  else buf[p++] = 48 + Math.floor(ae / 10);
  buf[p++] = 48 + (ae % 10);
  return p;
}

/**
 * Writes the `n` decimal digits of `d` (an int32) at `p`, with a decimal point after the first
 * `dotAfter` of them when fewer than `n`; returns the position after them.
 */
function writeDigits(buf: Uint8Array, p: number, d: number, n: number, dotAfter: number): number {
  const dot = dotAfter < n ? 1 : 0;
  const end = p + n + dot;
  let v = d;
  for (let i = n - 1; i >= 0; i--) {
    const q = (v / 10) | 0;
    buf[p + i + (dot === 1 && i >= dotAfter ? 1 : 0)] = 48 + v - q * 10;
    v = q;
  }
  if (dot === 1) buf[p + dotAfter] = 46;
  return end;
}

/**
 * Builds an ASCII text (vector_out's, sparsevec_out's) as bytes in one reused buffer and
 * decodes it once: printing a 1,536-element vector makes one string, not thousands. One
 * builder serves at a time: {@link text} ends its use.
 */
export class AsciiBuilder {
  private buf = new Uint8Array(4096);
  private pos = 0;

  /** Starts a text of at most `maxBytes` bytes. */
  begin(maxBytes: number): this {
    if (this.buf.length < maxBytes) this.buf = new Uint8Array(Math.max(maxBytes, this.buf.length * 2));
    this.pos = 0;
    return this;
  }

  /** Appends the ASCII character `c`. */
  char(c: string): this {
    this.buf[this.pos++] = c.charCodeAt(0);
    return this;
  }

  /** Appends the non-negative integer `n` (< 2^31) in decimal. */
  uint(n: number): this {
    let len = 1;
    while (len < 10 && n >= POW10[len]!) len++;
    const buf = this.buf;
    let v = n | 0;
    for (let i = this.pos + len - 1; i >= this.pos; i--) {
      const q = (v / 10) | 0;
      buf[i] = 48 + v - q * 10;
      v = q;
    }
    this.pos += len;
    return this;
  }

  /** Appends float4out's text of `x` (extra_float_digits 1): at most 15 bytes. */
  float4(x: number): this {
    this.pos = writeFloat4(this.buf, this.pos, x);
    return this;
  }

  /** The text built. */
  text(): string {
    return latin1.decode(this.buf.subarray(0, this.pos));
  }
}

/** The builder the output functions share (each finishes with it before returning). */
export const asciiBuilder = new AsciiBuilder();

/**
 * `values` (float32 values held in numbers) printed as float4out prints each (extra_float_digits
 * 1, as vector_out and halfvec_out always print), separated by commas, between the characters
 * `open` and `close`: `[1,2.5,-0]` for a vector, `{1,2.5}` for a real[]. Written as bytes into
 * one buffer and decoded once, so a 1,536-element vector makes one string, not thousands.
 */
export function formatFloat4List(values: ArrayLike<number>, open: string, close: string): string {
  const b = asciiBuilder.begin(values.length * 16 + 2).char(open);
  for (let i = 0; i < values.length; i++) {
    if (i > 0) b.char(',');
    b.float4(values[i]!);
  }
  return b.char(close).text();
}

/**
 * float8out: `x` as PostgreSQL prints a `double precision` (shortest round-trip digits, the
 * same digits JavaScript's Number#toString picks, laid out with PostgreSQL's exponent rules).
 * With `extraFloatDigits` (extra_float_digits) <= 0: `%.{DBL_DIG + extraFloatDigits}g`.
 */
export function formatFloat8(x: number, extraFloatDigits = 1): string {
  if (extraFloatDigits <= 0) return formatG(x, DBL_DIG + extraFloatDigits);
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const a = Math.abs(x);
  let digits: string;
  let exp: number;
  if (a >= 4503599627370496 /* 2^52 */) {
    // Only here (ulp >= 1) can a short decimal sit exactly on a rounding boundary, where
    // JavaScript (strictly shortest) and PostgreSQL (open interval) part ways.
    shortestIntegerDouble(a);
    digits = outDigits;
    exp = outExp;
  } else {
    const s = a.toExponential();
    const ePos = s.indexOf('e');
    digits = s.charCodeAt(1) === 46 /* . */ ? s[0] + s.slice(2, ePos) : s.slice(0, ePos);
    exp = Number(s.slice(ePos + 1));
  }
  const body = layout(digits, exp, 15);
  return x < 0 ? '-' + body : body;
}

/**
 * C's `printf("%.*g", precision, x)` as PostgreSQL's pg_strfromd calls it: `precision`
 * significant digits (clamped to 1 .. 32) rounded from the exact binary value, ties to even
 * (glibc's rounding), trailing zeros dropped; exponent form `d.dde±XX` when the decimal
 * exponent is below -4 or at least `precision`. `NaN`, `Infinity`, `-Infinity` and `-0` as
 * pg_strfromd writes them.
 */
export function formatG(x: number, precision: number): string {
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const p = Math.max(1, Math.min(32, precision));
  const a = Math.abs(x);
  // toExponential rounds the exact value to nearest but a tie away from zero; C rounds a tie
  // to even, so an exact tie (p + 1 digits ending in 5, equal to `a`) is settled here.
  let s = a.toExponential(p - 1);
  const t = a.toExponential(Math.min(100, p));
  const te = t.indexOf('e');
  if (t.charCodeAt(te - 1) === 53 /* 5 */) {
    const tDigits = t.charCodeAt(1) === 46 ? t[0] + t.slice(2, te) : t.slice(0, te);
    const tExp = Number(t.slice(te + 1));
    if (compareDecimalToDouble(BigInt(tDigits), tExp - p, a) === 0 && (tDigits.charCodeAt(p - 1) & 1) === 0) {
      // The digits below the tie, truncated, end in an even digit: C keeps them.
      const kept = tDigits.slice(0, p);
      s = p === 1 ? `${kept}e${tExp}` : `${kept[0]}.${kept.slice(1)}e${tExp}`;
    }
  }
  const ePos = s.indexOf('e');
  let digits = s.charCodeAt(1) === 46 ? s[0] + s.slice(2, ePos) : s.slice(0, ePos);
  const exp = Number(s.slice(ePos + 1));
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  let body: string;
  if (exp < -4 || exp >= p) {
    const ae = Math.abs(exp);
    body = (digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits) + (exp < 0 ? 'e-' : 'e+') + (ae < 10 ? '0' + ae : String(ae));
  } else {
    body = layout(digits, exp, p);
  }
  return x < 0 ? '-' + body : body;
}

/** Most digits C's printf is asked for by PostgreSQL's snprintf (fmtfloat); more are zeros. */
const PRINTF_MAX_PRECISION = 350;

/**
 * `x` (a finite double >= 0) as the binary fraction m * 2^e2, exactly: [m, e2].
 */
function binaryParts(x: number): [bigint, number] {
  scratchF64[0] = x;
  const bits = scratchU64[0]!;
  const bexp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  return bexp === 0 ? [frac, -1074] : [frac | (1n << 52n), bexp - 1075];
}

/** m * 2^e2 * 10^k rounded to an integer, an exact tie to even (C's printf in the default rounding mode). */
function roundScaled(m: bigint, e2: number, k: number): bigint {
  let num = m;
  let den = 1n;
  if (e2 >= 0) num <<= BigInt(e2);
  else den <<= BigInt(-e2);
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  let q = num / den;
  const r2 = (num - q * den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  return q;
}

/**
 * PostgreSQL's own snprintf (src/port/snprintf.c, fmtfloat) for `%.*f` and `%.*e` (with `+`
 * when `forceSign`), as formatting.c's to_char calls it through psprintf: `NaN` (never signed)
 * and `Infinity` / `-Infinity` instead of the C library's nan / inf; a negative zero keeps its
 * `-`; at most 350 digits come from rounding the exact binary value (ties to even, as glibc
 * and musl round), any further ones are zeros; the exponent has at least two digits.
 */
export function pgPrintfFloat(x: number, type: 'f' | 'e', precision: number, forceSign = false): string {
  if (x !== x) return 'NaN';
  const p = Math.min(Math.max(precision, 0), PRINTF_MAX_PRECISION);
  const pad = Math.max(precision, 0) - p;
  const neg = x < 0 || Object.is(x, -0);
  const sign = neg ? '-' : forceSign ? '+' : '';
  const a = Math.abs(x);
  if (a === Infinity) return sign + 'Infinity';
  const [m, e2] = binaryParts(a);
  if (type === 'f') {
    let digits = roundScaled(m, e2, p).toString();
    if (digits.length <= p) digits = '0'.repeat(p + 1 - digits.length) + digits;
    const body = p > 0 ? `${digits.slice(0, digits.length - p)}.${digits.slice(digits.length - p)}` : digits;
    return sign + body + '0'.repeat(pad);
  }
  let exp = 0;
  let digits: string;
  if (a === 0) digits = '0'.repeat(p + 1);
  else {
    // The decimal exponent of the leading digit, exactly: 10^exp <= a < 10^(exp + 1).
    exp = Math.floor(Math.log10(a));
    if (compareDecimalToDouble(1n, exp, a) > 0) exp--;
    else if (compareDecimalToDouble(1n, exp + 1, a) <= 0) exp++;
    let q = roundScaled(m, e2, p - exp);
    if (q === 10n ** BigInt(p + 1)) {
      q /= 10n;
      exp++;
    }
    digits = q.toString();
  }
  const mant = p > 0 ? `${digits[0]}.${digits.slice(1)}${'0'.repeat(pad)}` : digits;
  const ae = Math.abs(exp);
  return `${sign}${mant}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' + ae : String(ae)}`;
}

/**
 * Shortest digits for a double a >= 2^52 (an integer), by exact integer arithmetic: the
 * nearest p-digit decimal strictly inside the open rounding interval, smallest p, ties to even
 * (Ryu's d2s as PostgreSQL builds it, without STRICTLY_SHORTEST).
 */
function shortestIntegerDouble(a: number): void {
  scratchF64[0] = a;
  const bits = scratchU64[0]!;
  const bexp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  const m = frac | (1n << 52n);
  const e2 = BigInt(bexp - 1075);
  // Everything times 4 so that the bounds (x +- ulp/2, or ulp/4 below a power of two) are integers.
  const x4 = m << (e2 + 2n);
  const hi4 = (2n * m + 1n) << (e2 + 1n);
  const lo4 = frac === 0n && bexp > 1 ? (4n * m - 1n) << e2 : (2n * m - 1n) << (e2 + 1n);
  const x = x4 >> 2n;
  const xs = x.toString();
  const n = xs.length;
  for (let p = 1; p < n; p++) {
    const q = 10n ** BigInt(n - p);
    let d = x / q;
    const rem = x - d * q;
    if (2n * rem > q || (2n * rem === q && (d & 1n) === 1n)) d += 1n;
    let c4 = d * q * 4n;
    if (c4 > lo4 && c4 < hi4) return setBigDigits(d, n - p);
    if (c4 < x4) {
      // The lopsided interval below a power of two: the candidate above may still fit.
      c4 = (d + 1n) * q * 4n;
      if (c4 > lo4 && c4 < hi4) return setBigDigits(d + 1n, n - p);
    }
  }
  setBigDigits(x, 0);
}

function setBigDigits(d: bigint, scale: number): void {
  let s = d.toString();
  const exp = scale + s.length - 1;
  let end = s.length;
  while (end > 1 && s.charCodeAt(end - 1) === 48) end--;
  outDigits = end !== s.length ? s.slice(0, end) : s;
  outExp = exp;
}

/** Fixed notation for -4 <= exp < fixedMax, else `d.ddde±XX` (Ryu's PostgreSQL flavour). */
function layout(digits: string, exp: number, fixedMax: number): string {
  const n = digits.length;
  if (exp >= -4 && exp < fixedMax) {
    if (exp < 0) return '0.' + '0'.repeat(-exp - 1) + digits;
    if (n <= exp + 1) return digits + '0'.repeat(exp + 1 - n);
    return digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  }
  const mant = n > 1 ? digits[0] + '.' + digits.slice(1) : digits;
  const ae = Math.abs(exp);
  return mant + (exp < 0 ? 'e-' : 'e+') + (ae < 10 ? '0' + ae : String(ae));
}

// Results of shortestFloat4, kept in module state so the common path allocates only strings.
let outDigits = '';
let outExp = 0;

/**
 * Shortest decimal digits (no trailing zeros) and decimal exponent of the leading digit for
 * the float32 `a` (> 0, finite), as PostgreSQL's Ryu prints it. PostgreSQL builds Ryu without
 * STRICTLY_SHORTEST, so a decimal lying exactly on a rounding boundary is never chosen (even
 * though strtof would round it back to `a` for an even mantissa): the interval is open. Among
 * equally short candidates the nearest wins, an exact tie going to the even last digit.
 */
function shortestFloat4(a: number): void {
  if (shortestFloat4Fast(a)) return;
  intervalLo = midpointToward(a, false);
  intervalHi = midpointToward(a, true);
  scratchF32[0] = a;
  // Only at a power of two (exponent field >= 2) is the interval lopsided, narrower below,
  // so the nearest p-digit decimal may fail while the one above succeeds: try both.
  const lopsided = (scratchU32[0]! & 0x7fffff) === 0 && scratchU32[0]! >= 0x01000000;
  if (lopsided) {
    for (let p = 1; p <= 9; p++) {
      const d = nearestDigits(a, p);
      const scale = candidateScale;
      if (inInterval(d, scale)) return finishNearest(a, d, scale, p);
      const up = decimalLess(d, scale, a) ? d + 1 : -1;
      if (up > 0 && inInterval(up, scale)) return setDigits(up, scale);
    }
  }
  // Elsewhere "the nearest p-digit decimal is inside" is monotone in p: binary search.
  let lo = 1;
  let hi = 9;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const d = nearestDigits(a, mid);
    if (inInterval(d, candidateScale)) hi = mid;
    else lo = mid + 1;
  }
  const d = nearestDigits(a, lo);
  finishNearest(a, d, candidateScale, lo);
}

/**
 * {@link shortestFloat4}'s search in plain double arithmetic, for a float32 `a` > 0 whose
 * rounding interval (the open interval between the midpoints to its neighbours) is not
 * lopsided. The nearest p-digit decimal d * 10^scale is `a` scaled by
 * an exact power of ten (one rounding, so within 2^-23 of the true quotient below 10^9) and
 * rounded; it is inside the interval when its double (d and 10^|scale| exact, so one more
 * correctly rounded operation) is strictly between the interval's ends. Being inside is
 * monotone in p here, so p is found from a guess (the digits of a grid finer than the interval)
 * and a binary search below it. Returns false, leaving the answer to the
 * exact search, when a step cannot be decided this way: a quotient within 10^-6 of a rounding
 * tie, |scale| > 22, a subnormal `a`, or a candidate whose double lands on an end. Vector
 * output (vector_out) spends its time here: about 9 times faster than the exact search alone.
 */
function shortestFloat4Fast(a: number): boolean {
  scratchF32[0] = a;
  const bits = scratchU32[0]!;
  const biased = (bits >>> 23) & 0xff;
  // Subnormal, or a power of two (lopsided interval): the exact search.
  if (biased === 0 || (bits & 0x7fffff) === 0) return false;
  scratchU32[0] = bits - 1;
  const lo = (a + scratchF32[0]!) / 2;
  scratchU32[0] = bits + 1;
  const hi = (a + scratchF32[0]!) / 2;
  // floor(log10(a)) is floor(e2 * log10(2)) or one more.
  let e10 = Math.floor((biased - 127) * 0.3010299956639812);
  const up = e10 + 1;
  if (up >= 0 ? up <= 22 && a >= POW10[up]! : up >= -22 && a * POW10[-up]! >= 1) e10 = up;
  // A grid of p-digit decimals finer than the interval (2^(e2 - 23) wide) has a point inside:
  // start just below that p (a guess; the search below does not depend on it being right).
  const guess = Math.min(9, Math.max(1, Math.floor(e10 + 1 - (biased - 150) * 0.3010299956639812)));
  let r = nearestInside(a, e10, guess, lo, hi);
  if (r < 0) return false;
  if (r === 1) {
    // Inside at the guess: the shortest is at most that; binary search below it.
    let bestDigits = fastDigits;
    let bestScale = fastScale;
    let pLo = 1;
    let pHi = guess - 1;
    while (pLo <= pHi) {
      const p = (pLo + pHi) >> 1;
      r = nearestInside(a, e10, p, lo, hi);
      if (r < 0) return false;
      if (r === 1) {
        bestDigits = fastDigits;
        bestScale = fastScale;
        pHi = p - 1;
      } else {
        pLo = p + 1;
      }
    }
    setDigits(bestDigits, bestScale);
    return true;
  }
  for (let p = guess + 1; p <= 9; p++) {
    r = nearestInside(a, e10, p, lo, hi);
    if (r < 0) return false;
    if (r === 1) {
      setDigits(fastDigits, fastScale);
      return true;
    }
  }
  return false;
}

// The candidate {@link nearestInside} found inside.
let fastDigits = 0;
let fastScale = 0;

/**
 * Whether the nearest p-digit decimal to float32 `a` (decimal exponent `e10`) is strictly
 * inside (lo, hi): 1 yes (left in fastDigits / fastScale), 0 no, -1 undecided in double
 * arithmetic.
 */
function nearestInside(a: number, e10: number, p: number, lo: number, hi: number): number {
  let scale = e10 - p + 1;
  if (scale > 22 || scale < -22) return -1;
  const q = scale >= 0 ? a / POW10[scale]! : a * POW10[-scale]!;
  if (q < POW10[p - 1]! || q > POW10[p]!) return -1;
  const fl = Math.floor(q);
  const frac = q - fl;
  if (Math.abs(frac - 0.5) < 1e-6) return -1;
  let d = frac > 0.5 ? fl + 1 : fl;
  if (d === POW10[p]) {
    // Rounded up to 10^p: the p-digit decimal is 10^(p-1) one place up, as toExponential says.
    d = POW10[p - 1]!;
    scale++;
    if (scale > 22) return -1;
  }
  const cd = scale >= 0 ? d * POW10[scale]! : d / POW10[-scale]!;
  if (cd > lo && cd < hi) {
    fastDigits = d;
    fastScale = scale;
    return 1;
  }
  return cd === lo || cd === hi ? -1 : 0;
}

// The open rounding interval of the float32 being printed; both ends are exact doubles.
let intervalLo = 0;
let intervalHi = 0;

/**
 * Is d * 10^scale strictly inside (intervalLo, intervalHi)? The correctly rounded double of
 * the decimal decides unless it lands on an end, where exact arithmetic does.
 */
function inInterval(d: number, scale: number): boolean {
  const cd = Number(`${d}e${scale}`);
  if (cd > intervalLo && cd < intervalHi) return true;
  if (cd !== intervalLo && cd !== intervalHi) return false;
  const c = compareDecimalToDouble(BigInt(d), scale, cd);
  return cd === intervalLo ? c > 0 : c < 0;
}

/** The midpoint between the float32 a > 0 and its neighbour above (`up`) or below. */
function midpointToward(a: number, up: boolean): number {
  if (up && a === FLOAT4_MAX) return 3.4028235677973366e38; // 2^128 - 2^103
  scratchF32[0] = a;
  scratchU32[0] = up ? scratchU32[0]! + 1 : scratchU32[0]! - 1;
  return (a + scratchF32[0]!) / 2;
}

let candidateScale = 0;

/** The p significant digits of `a` rounded to nearest, as an integer; sets candidateScale. */
function nearestDigits(a: number, p: number): number {
  const s = a.toExponential(p - 1);
  const ePos = s.indexOf('e');
  candidateScale = Number(s.slice(ePos + 1)) - p + 1;
  // p <= 9 digits are an exact double integer.
  return Number(p === 1 ? s.slice(0, ePos) : s[0] + s.slice(2, ePos));
}

/**
 * `d` (p digits) is inside; if `a` is exactly halfway between `d` and its other p-digit
 * neighbour and that one is inside too, Ryu keeps the even one (JavaScript's rounding went
 * away from zero).
 */
function finishNearest(a: number, d: number, scale: number, p: number): void {
  const next = a.toExponential(p);
  if (next.charCodeAt(next.indexOf('e') - 1) === 53 /* 5 */ && d % 2 === 1) {
    const other = decimalLess(d, scale, a) ? d + 1 : d - 1;
    if (other > 0 && isExactMidpoint(d, other, scale, a) && inInterval(other, scale)) {
      return setDigits(other, scale);
    }
  }
  setDigits(d, scale);
}

/** Sets float4's result: `d` * 10^`scale` (d < 10^10) as its digits without trailing zeros. */
function setDigits(d: number, scale: number): void {
  let len = 1;
  while (len < 10 && d >= POW10[len]!) len++;
  outExp = scale + len - 1;
  while (len > 1 && d % 10 === 0) {
    d /= 10;
    len--;
  }
  f4Digits = d;
  f4Length = len;
}

// float4's result digits as a number (no trailing zeros) and their count.
let f4Digits = 0;
let f4Length = 0;

/** Is d * 10^scale < a, decided exactly? */
function decimalLess(d: number, scale: number, a: number): boolean {
  const v = d * 10 ** scale;
  // A double product off by rounding can only mislead when it lands very close to `a`.
  if (Math.abs(v - a) > Math.abs(a) * 1e-12) return v < a;
  return compareDecimalToDouble(BigInt(d), scale, a) < 0;
}

/** Is `a` exactly halfway between d1 * 10^scale and d2 * 10^scale? */
function isExactMidpoint(d1: number, d2: number, scale: number, a: number): boolean {
  // a == (d1 + d2) / 2 * 10^scale  <=>  2a == (d1 + d2) * 10^scale.
  return compareDecimalToDouble(BigInt(d1 + d2), scale, a * 2) === 0;
}

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

/** Set by {@link scanFloat4}: the value read. */
export let scannedValue = 0;
/** Set by {@link scanFloat4}: strtof would have set errno = ERANGE. */
export let scannedRange = false;

/**
 * strtof over `s` starting at `pos` (C locale, musl's grammar, which PostgreSQL's WebAssembly
 * build and most Linux builds share): optional whitespace, sign, then a decimal number with
 * optional exponent, a `0x` hex number with optional `p` exponent, `inf`/`infinity` or
 * `nan`/`nan(...)`, case-insensitive. The value goes to {@link scannedValue}, the range flag to
 * {@link scannedRange} (a nonzero number rounding to 0, or a finite one rounding to infinity).
 * @returns the index just past the number, or `pos` when nothing could be read.
 */
export function scanFloat4(s: string, pos: number): number {
  return scanFloat(s, pos, false);
}

/**
 * strtod over `s` starting at `pos`: {@link scanFloat4}'s grammar and results, rounded to a
 * double (float8in's strtod).
 */
export function scanFloat8(s: string, pos: number): number {
  return scanFloat(s, pos, true);
}

/** strtof (`double` false) or strtod (true): see {@link scanFloat4}. */
function scanFloat(s: string, pos: number, double: boolean): number {
  scannedValue = 0;
  scannedRange = false;
  let i = pos;
  const n = s.length;
  while (i < n && isCSpace(s.charCodeAt(i))) i++;
  let neg = false;
  let c = s.charCodeAt(i);
  if (c === 43 /* + */ || c === 45 /* - */) {
    neg = c === 45;
    i++;
    c = s.charCodeAt(i);
  }
  const lower = c | 0x20;
  if (lower === 0x69 /* i */ && matchWord(s, i, 'inf')) {
    scannedValue = neg ? -Infinity : Infinity;
    return matchWord(s, i, 'infinity') ? i + 8 : i + 3;
  }
  if (lower === 0x6e /* n */ && matchWord(s, i, 'nan')) {
    scannedValue = NaN;
    let j = i + 3;
    if (s.charCodeAt(j) === 40 /* ( */) {
      let k = j + 1;
      while (k < n && isNanChar(s.charCodeAt(k))) k++;
      if (s.charCodeAt(k) === 41 /* ) */) j = k + 1;
    }
    return j;
  }
  if (c === 48 /* 0 */ && (s.charCodeAt(i + 1) | 0x20) === 0x78 /* x */) {
    const end = scanHex(s, i + 2, neg, double);
    if (end >= 0) return end;
    // "0x" without hex digits reads as the "0".
    scannedValue = neg ? -0 : 0;
    return i + 1;
  }
  // Decimal: digits [. digits] [e [sign] digits]. The digits are also accumulated as an
  // integer mantissa for the fast path below (at most 15 significant digits stay exact).
  // Past 15 significant digits `head` keeps the first 15 (with `headFrac` fraction digits and
  // `intDropped` integer digits dropped after them) for truncatedDecimalToFloat4.
  const start = i;
  let sawDigit = false;
  let mant = 0;
  let sig = 0;
  let fracDigits = 0;
  let head = 0;
  let headFrac = 0;
  let intDropped = 0;
  while (i < n) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    mant = mant * 10 + d;
    if (mant !== 0) sig++;
    if (sig <= 15) head = mant;
    else intDropped++;
    i++;
    sawDigit = true;
  }
  if (s.charCodeAt(i) === 46 /* . */) {
    i++;
    while (i < n) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      mant = mant * 10 + d;
      if (mant !== 0) sig++;
      fracDigits++;
      if (sig <= 15) {
        head = mant;
        headFrac = fracDigits;
      }
      i++;
      sawDigit = true;
    }
  }
  if (!sawDigit) return pos;
  const mantEnd = i;
  let exp = 0;
  let expOk = true;
  if ((s.charCodeAt(i) | 0x20) === 0x65 /* e */) {
    let j = i + 1;
    const sc = s.charCodeAt(j);
    if (sc === 43 || sc === 45) j++;
    if (isDigit(s.charCodeAt(j))) {
      const digitsStart = j;
      while (j < n && isDigit(s.charCodeAt(j))) {
        exp = exp * 10 + (s.charCodeAt(j) - 48);
        j++;
      }
      if (j - digitsStart > 4) expOk = false;
      if (sc === 45) exp = -exp;
      i = j;
    }
  }
  if (double) {
    // JavaScript's Number() of a decimal string is correctly rounded (strtod's result); an
    // overflow to infinity or a nonzero number rounding to zero is strtod's ERANGE.
    const v = Number(s.slice(start, i));
    if (v === Infinity || (v === 0 && /[1-9]/.test(s.slice(start, mantEnd)))) scannedRange = true;
    scannedValue = neg ? -v : v;
    return i;
  }
  // Clinger's fast path (shortDecimalToFloat4) for short mantissas; otherwise, and where it
  // cannot decide, the exact path.
  if (expOk) {
    const f = sig <= 15 ? shortDecimalToFloat4(mant, exp - fracDigits) : truncatedDecimalToFloat4(head, exp - headFrac + intDropped);
    if (f === f) {
      scannedValue = neg ? -f : f;
      return i;
    }
  }
  const v = decimalStringToFloat4(s, start, mantEnd, i);
  scannedValue = neg ? -v : v;
  return i;
}

/**
 * The float32 nearest to mant * 10^scale (strtof's result) for an integer `mant` of at most 15
 * significant digits, or NaN when this fast path cannot decide (then the exact path must).
 *
 * Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately", PLDI
 * 1990): mant and 10^|scale| (|scale| <= 22) are exact doubles, so one multiplication or
 * division gives the correctly rounded double D of the decimal X. Rounding D to float32 is
 * then exact unless D is a float32 midpoint: every float32 midpoint m is a double, and
 * round-to-nearest is monotone, so X < m implies D <= m and X > m implies D >= m; with D != m,
 * X and D lie on the same side of every midpoint and round to the same float32. So any
 * decimal of at most 15 significant digits rounds correctly through a double (pgvector's
 * 7-digit output, and float4out's 9 digits, included), except the rare exact-midpoint doubles,
 * and except zero, overflow and underflow (strtof's ERANGE), which return NaN here too.
 */
export function shortDecimalToFloat4(mant: number, scale: number): number {
  if (scale < -22 || scale > 22 || mant === 0) return NaN;
  const dbl = scale >= 0 ? mant * POW10[scale]! : mant / POW10[-scale]!;
  // A float32 midpoint has at most 25 significant bits, so the low 28 of its double's 52
  // fraction bits are zero; when they are not, one fround is exact (the common case, cheaply).
  scratchF64[0] = dbl;
  if ((scratchF64Words[F64_LOW_WORD]! & 0x0fffffff) !== 0) return Math.fround(dbl);
  const f = float4UnlessMidpoint(dbl);
  return f === Infinity || f === 0 ? NaN : f;
}

/**
 * The float32 nearest to a decimal X of more than 15 significant digits (what JavaScript prints
 * for a double, and the 16 to 19 digits of most clients' embeddings), from its first 15 digits
 * `head` (an integer below 10^15) and the power of ten of the last of them, or NaN when the
 * digits dropped could change it (then the exact path must decide).
 *
 * X lies in [head * 10^scale, (head + 1) * 10^scale]. Rounding to the nearest float32 is
 * monotone, so when both ends round to the same float32 ({@link shortDecimalToFloat4}: exact,
 * as Clinger's fast path holds for any integer mantissa below 2^53), X rounds to it too. An
 * interval 10^-15 wide relative to X straddles a float32 rounding boundary (float32 steps are
 * about 6e-8 relative) about once in 10^7 inputs.
 */
export function truncatedDecimalToFloat4(head: number, scale: number): number {
  const lo = shortDecimalToFloat4(head, scale);
  if (lo !== lo) return NaN;
  return shortDecimalToFloat4(head + 1, scale) === lo ? lo : NaN;
}

/** The 32-bit words of {@link scratchF64}; the low word of the double's bits is at F64_LOW_WORD. */
const scratchF64Words = new Uint32Array(scratchF64.buffer);
const F64_LOW_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/**
 * fround of a positive correctly rounded double, or NaN when the double lies exactly midway
 * between two float32 values (then the exact decimal decides: roundDoubleToFloat4).
 */
function float4UnlessMidpoint(dbl: number): number {
  const f = Math.fround(dbl);
  if (f === dbl || f === Infinity) return f;
  scratchF32[0] = f;
  scratchU32[0] = dbl > f ? scratchU32[0]! + 1 : scratchU32[0]! - 1;
  return dbl === (f + scratchF32[0]!) / 2 ? NaN : f;
}

/** 10^0 .. 10^22: the powers of ten that are exact doubles. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * float4in: `text` as a PostgreSQL `real` (leading and trailing whitespace allowed).
 * @throws PgError 22P02 `invalid input syntax for type real: "..."`;
 *         22003 `"..." is out of range for type real` when a nonzero value rounds to 0 or a
 *         finite one to infinity (`typeName` replaces `real` in both messages).
 */
export function parseFloat4(text: string, typeName = 'real'): number {
  return parseFloatText(text, typeName, scanFloat4);
}

/**
 * float8in: `text` as a PostgreSQL `double precision` (strtod's grammar as {@link scanFloat4}
 * reads it: decimal, C99 hex `0x1.8p3`, `inf`/`infinity`/`nan` in any case; leading and
 * trailing whitespace allowed).
 * @throws PgError 22P02 `invalid input syntax for type double precision: "..."`; 22003
 *         `"..." is out of range for type double precision` when a nonzero value rounds to 0
 *         or a finite one overflows (`typeName` replaces the type's name in both messages).
 */
export function parseFloat8(text: string, typeName = 'double precision'): number {
  return parseFloatText(text, typeName, scanFloat8);
}

/** float4in / float8in around `scan` (scanFloat4 or scanFloat8): whitespace, then the errors. */
function parseFloatText(text: string, typeName: string, scan: (text: string, i: number) => number): number {
  let i = 0;
  while (i < text.length && isCSpace(text.charCodeAt(i))) i++;
  const end = i < text.length ? scan(text, i) : i;
  if (end === i) throw new PgError(SQLSTATE.invalid_text_representation, `invalid input syntax for type ${typeName}: "${text}"`);
  const v = scannedValue;
  if (scannedRange) {
    throw new PgError(SQLSTATE.numeric_value_out_of_range, `"${text.slice(i, end)}" is out of range for type ${typeName}`);
  }
  let j = end;
  while (j < text.length && isCSpace(text.charCodeAt(j))) j++;
  if (j !== text.length) throw new PgError(SQLSTATE.invalid_text_representation, `invalid input syntax for type ${typeName}: "${text}"`);
  return v;
}

/**
 * Rounds the correctly rounded double `dbl` of an exact value X to float32. Double rounding
 * errs only when `dbl` sits exactly on a float32 rounding boundary, then `cmp()` (the sign of
 * X - dbl) decides.
 */
function roundDoubleToFloat4(dbl: number, cmp: () => number): number {
  const f = Math.fround(dbl);
  if (f === dbl || dbl !== dbl) return f;
  const a = Math.abs(dbl);
  const fa = Math.abs(f);
  // Neighbour of |f| on the side of |dbl|.
  let g: number;
  if (fa === Infinity) {
    g = FLOAT4_MAX;
  } else {
    scratchF32[0] = fa;
    scratchU32[0] = a > fa ? scratchU32[0]! + 1 : scratchU32[0]! - 1;
    g = scratchF32[0]!;
  }
  const mid = fa === Infinity ? 3.4028235677973366e38 /* 2^128 - 2^103 */ : (fa + g) / 2;
  if (a !== mid) return f;
  const c = cmp() * Math.sign(dbl);
  if (c === 0) return f; // a true tie: fround already went to even
  // Above the midpoint in magnitude -> the larger one, below -> the smaller one.
  const hi = Math.max(fa, fa === Infinity ? Infinity : g);
  const lo = Math.min(fa, g);
  const r = c > 0 ? hi : lo;
  return dbl < 0 ? -r : r;
}

/** Reads s[start, mantEnd) as digits with an optional '.', s[mantEnd, end) as `e[sign]digits`. */
function decimalStringToFloat4(s: string, start: number, mantEnd: number, end: number): number {
  // Number() of the decimal string is its correctly rounded double d. Rounding d to float32 gives
  // strtof's result unless d sits exactly on a float32 midpoint: a midpoint between x and d
  // would be a double nearer to x than d. roundDoubleToFloat4 asks the exact comparison only
  // then, so the 17-digit shortest forms of doubles (what JavaScript and most clients print)
  // cost one Number() instead of a digit string and a BigInt.
  const dbl = Number(s.slice(start, end));
  if (dbl !== 0 && dbl !== Infinity) {
    const r = roundDoubleToFloat4(dbl, () => exactDecimalVersusDouble(s, start, mantEnd, end, dbl));
    if (r === Infinity || r === 0) scannedRange = true;
    return r;
  }
  return exactDecimalToFloat4(s, start, mantEnd, end);
}

/** {@link compareDecimalToDouble} of the decimal s[start, end) (see decimalStringToFloat4) and `dbl`. */
function exactDecimalVersusDouble(s: string, start: number, mantEnd: number, end: number, dbl: number): number {
  let digits = '';
  let scale = 0;
  let afterPoint = false;
  for (let i = start; i < mantEnd; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      afterPoint = true;
      continue;
    }
    if (afterPoint) scale--;
    if (digits.length === 0 && c === 48) continue;
    digits += s[i];
  }
  if (end > mantEnd) scale += Math.max(-100000, Math.min(100000, Number(s.slice(mantEnd + 1, end))));
  return compareDecimalToDouble(BigInt(digits), scale, dbl);
}

/** decimalStringToFloat4 where Number() gave 0 or infinity: exact digits, range checks, rounding. */
function exactDecimalToFloat4(s: string, start: number, mantEnd: number, end: number): number {
  // Collect significant digits, dropping leading zeros, and the power of ten of the last one.
  let digits = '';
  let scale = 0;
  let afterPoint = false;
  for (let i = start; i < mantEnd; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      afterPoint = true;
      continue;
    }
    if (afterPoint) scale--;
    if (digits.length === 0 && c === 48) continue;
    digits += s[i];
  }
  if (end > mantEnd) {
    // Exponents beyond any float range only need their sign; clamp to keep arithmetic exact.
    const e = Number(s.slice(mantEnd + 1, end));
    scale += Math.max(-100000, Math.min(100000, e));
  }
  if (digits.length === 0) return 0;
  // Trailing zeros carry no information.
  let z = digits.length;
  while (z > 1 && digits.charCodeAt(z - 1) === 48) z--;
  if (z !== digits.length) {
    scale += digits.length - z;
    digits = digits.slice(0, z);
  }
  const mag = scale + digits.length; // value is in [10^(mag-1), 10^mag)
  if (mag > 40) {
    scannedRange = true;
    return Infinity;
  }
  if (mag < -46) {
    scannedRange = true;
    return 0;
  }
  const dbl = Number(`${digits}e${scale}`);
  const r = roundDoubleToFloat4(dbl, () => compareDecimalToDouble(BigInt(digits), scale, dbl));
  if (r === Infinity || r === 0) scannedRange = true;
  return r;
}

/** Reads hex digits [. hexdigits] [p [sign] digits] after "0x"; returns -1 without digits. */
function scanHex(s: string, i: number, neg: boolean, double: boolean): number {
  const n = s.length;
  let mant = 0n;
  let exp2 = 0;
  let saw = false;
  let afterPoint = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && !afterPoint) {
      afterPoint = true;
      continue;
    }
    const h = hexValue(c);
    if (h < 0) break;
    saw = true;
    mant = (mant << 4n) | BigInt(h);
    if (afterPoint) exp2 -= 4;
  }
  if (!saw) return -1;
  if ((s.charCodeAt(i) | 0x20) === 0x70 /* p */) {
    let j = i + 1;
    const sc = s.charCodeAt(j);
    if (sc === 43 || sc === 45) j++;
    if (isDigit(s.charCodeAt(j))) {
      while (j < n && isDigit(s.charCodeAt(j))) j++;
      exp2 += Math.max(-100000, Math.min(100000, Number(s.slice(i + 1, j))));
      i = j;
    }
  }
  let v: number;
  if (mant === 0n) {
    v = 0;
  } else {
    const bits = mant.toString(2).length;
    const top = bits + exp2; // value in [2^(top-1), 2^top)
    // musl reports ERANGE for hex input only past 2^(29 - emin) (its scaled mantissa's
    // exponent passing -emin: 2^178 for float, 2^1103 for double); nearer overflows return
    // infinity without it (vector_in then says "infinite value", float8in returns Infinity).
    // Checked against PostgreSQL: 0x1p177::real and 0x1p1102::float8 are Infinity, 0x1p178
    // and 0x1p1103 errors.
    if (top > (double ? 1074 : 149) + 29) {
      scannedRange = true;
      v = Infinity;
    } else if (top < (double ? -1200 : -200)) {
      scannedRange = true;
      v = 0;
    } else {
      v = double ? binaryToFloat(mant, exp2, 53, 1074) : binaryToFloat(mant, exp2, 24, 149);
      if (v === 0) scannedRange = true;
    }
  }
  scannedValue = neg ? -v : v;
  return i;
}

/**
 * mant * 2^exp2 rounded (ties to even) to a binary format of `precision` significand bits whose
 * smallest subnormal is 2^-`minExp` (float32: 24, 149; double: 53, 1074), Infinity past its range.
 */
function binaryToFloat(mant: bigint, exp2: number, precision: number, minExp: number): number {
  const bits = mant.toString(2).length;
  // Keep 60 bits: enough for a correctly rounded double, plus a sticky bit for the rest.
  if (bits > 60) {
    const drop = BigInt(bits - 60);
    const sticky = (mant & ((1n << drop) - 1n)) !== 0n ? 1n : 0n;
    mant = (mant >> drop) | sticky;
    exp2 += bits - 60;
  }
  // A 60-bit integer times a power of two: first round to float32 precision by hand.
  const b = mant.toString(2).length;
  const e = b + exp2; // value in [2^(e-1), 2^e)
  // Normals keep `precision` bits; subnormals fewer.
  const keep = Math.min(precision, e + minExp);
  const round = precision === 24 ? Math.fround : (x: number) => x;
  if (keep < 0) return 0;
  if (keep === 0) {
    // Below the smallest subnormal: above its half rounds up, the exact half to even (0).
    return mant > 1n << BigInt(b - 1) ? 2 ** -minExp : 0;
  }
  if (b > keep) {
    const drop = BigInt(b - keep);
    const rem = mant & ((1n << drop) - 1n);
    const half = 1n << (drop - 1n);
    let q = mant >> drop;
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    // Exact: q has at most `keep` bits and lands on the format's grid (or overflows to Infinity).
    return round(Number(q) * 2 ** (exp2 + b - keep));
  }
  return round(Number(mant) * 2 ** exp2);
}

/**
 * Sign of (D * 10^scale - dbl) computed exactly, for a nonnegative BigInt D and finite
 * dbl >= 0.
 */
export function compareDecimalToDouble(D: bigint, scale: number, dbl: number): number {
  scratchF64[0] = dbl;
  const bits = scratchU64[0]!;
  const bexp = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  let e2: number;
  if (bexp === 0) {
    e2 = -1074;
  } else {
    m |= 1n << 52n;
    e2 = bexp - 1075;
  }
  // Compare D * 10^scale with m * 2^e2 by moving negative powers to the other side.
  let lhs = D;
  let rhs = m;
  if (scale >= 0) lhs *= 10n ** BigInt(scale);
  else rhs *= 10n ** BigInt(-scale);
  if (e2 >= 0) rhs <<= BigInt(e2);
  else lhs <<= BigInt(-e2);
  return lhs === rhs ? 0 : lhs > rhs ? 1 : -1;
}

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

function isNanChar(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function matchWord(s: string, i: number, word: string): boolean {
  if (i + word.length > s.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((s.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}
