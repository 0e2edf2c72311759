/**
 * Exact comparison of PostgreSQL `numeric` values. The SQL layer carries a numeric as a JS
 * number when a double holds it exactly enough (literals, casts) and as its decimal text when
 * it must be exact (sums of bigints, avg's PostgreSQL-scaled quotients); comparisons must order
 * both forms by value, never as text ("10.5" < "9.5" as strings).
 *
 * Method: each operand becomes an exact decimal `sign * digits * 10^-scale` (a JS number by its
 * shortest round-trip decimal, the text it was parsed from), then the digit strings are
 * compared at a common scale with BigInt arithmetic. NaN sorts above every other value and
 * equals itself, as in PostgreSQL.
 */

interface ExactDecimal {
  /** -1, 0 or 1. */
  sign: number;
  /** |value| * 10^scale, an integer. */
  digits: bigint;
  scale: number;
}

const DECIMAL_RE = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;

function fromText(s: string): ExactDecimal | 'nan' | number {
  const m = DECIMAL_RE.exec(s);
  if (m === null) {
    const t = s.trim().toLowerCase();
    if (t === 'nan') return 'nan';
    if (t === 'infinity' || t === '+infinity' || t === 'inf') return Infinity;
    if (t === '-infinity' || t === '-inf') return -Infinity;
    return Number(s); // not a numeric text: compare as the number it parses to
  }
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? '';
  let scale = fracPart.length - Number(m[4] ?? '0');
  let digits = BigInt((intPart + fracPart).replace(/^0+/, '') || '0');
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  const sign = digits === 0n ? 0 : m[1] === '-' ? -1 : 1;
  return { sign, digits, scale };
}

function toExact(v: number | bigint | string): ExactDecimal | 'nan' | number {
  if (typeof v === 'string') return fromText(v);
  if (typeof v === 'bigint') return { sign: v < 0n ? -1 : v > 0n ? 1 : 0, digits: v < 0n ? -v : v, scale: 0 };
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v;
  // A number standing for a numeric came from decimal text (a literal, a cast): its shortest
  // round-trip decimal is that text, which is what PostgreSQL would compare.
  return fromText(String(v));
}

/**
 * Total order of two numeric-family values (number, bigint, or numeric decimal text):
 * negative, zero or positive as `a` is below, equal to or above `b`. NaN is the largest value.
 */
export function compareNumeric(a: number | bigint | string, b: number | bigint | string): number {
  const x = toExact(a);
  const y = toExact(b);
  if (x === 'nan' || y === 'nan') return x === y ? 0 : x === 'nan' ? 1 : -1;
  if (typeof x === 'number' || typeof y === 'number') {
    // At least one infinity (or unparsable text): order by the double values.
    const xd = typeof x === 'number' ? x : x.sign;
    const yd = typeof y === 'number' ? y : y.sign;
    return xd < yd ? -1 : xd > yd ? 1 : 0;
  }
  if (x.sign !== y.sign) return x.sign < y.sign ? -1 : 1;
  if (x.sign === 0) return 0;
  const scale = Math.max(x.scale, y.scale);
  const xs = x.digits * 10n ** BigInt(scale - x.scale);
  const ys = y.digits * 10n ** BigInt(scale - y.scale);
  const mag = xs < ys ? -1 : xs > ys ? 1 : 0;
  return mag === 0 ? 0 : x.sign * mag;
}
