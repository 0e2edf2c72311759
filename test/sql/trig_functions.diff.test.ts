/**
 * Trigonometric and hyperbolic functions against PostgreSQL 18 (PGlite): sin cos tan cot asin
 * acos atan atan2, the degree variants (exact at special angles: sind(30) = 0.5), sinh cosh
 * tanh asinh acosh atanh; float8 values compared exactly (shortest round-trip output), NaN
 * and Infinity, minus zero, NULL, and the `22003 input is out of range` errors. Plus a seeded set
 * of random arguments of every magnitude.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches, type SqlOutcome } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Rng } from '../support/random_query/rng.js';

const { check, ours, theirs } = await openSqlPair();

const RADIAN_FNS = ['sin', 'cos', 'tan', 'cot', 'asin', 'acos', 'atan'];
const DEGREE_FNS = ['sind', 'cosd', 'tand', 'cotd', 'asind', 'acosd', 'atand'];
const HYPERBOLIC_FNS = ['sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh'];
const ALL_FNS = [...RADIAN_FNS, ...DEGREE_FNS, ...HYPERBOLIC_FNS];

async function run(label: string, qs: readonly string[]): Promise<void> {
  const mismatches: string[] = [];
  for (const q of qs) await check(q, mismatches);
  reportMismatches(label, mismatches, qs.length, SEED);
}

/** A float8 literal PostgreSQL reads back as exactly `x`. */
const lit = (x: number): string => (Number.isNaN(x) ? `'NaN'::float8` : x === Infinity ? `'Infinity'::float8` : x === -Infinity ? `'-Infinity'::float8` : Object.is(x, -0) ? `'-0'::float8` : `'${x}'::float8`);

test('degree functions are exact at special angles, over several turns and signs', async () => {
  const qs: string[] = [];
  {
    qs.push(`SELECT x, sind(x), cosd(x), tand(x), cotd(x) FROM generate_series(-720, 720, 15) x ORDER BY x`);
    qs.push(`SELECT x, sind(x::float8 / 2), cosd(x::float8 / 2), tand(x::float8 / 4), cotd(x::float8 / 4) FROM generate_series(-370, 370, 5) x ORDER BY x`);
    qs.push(`SELECT x, asind(x), acosd(x), atand(x), asin(x), acos(x), atan(x) FROM unnest(ARRAY[-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1]::float8[]) x ORDER BY x`);
    qs.push(`SELECT y, x, atan2d(y, x), atan2(y, x) FROM unnest(ARRAY[-1, 0, 1, 2]::float8[]) y, unnest(ARRAY[-1, 0, 1, 3]::float8[]) x ORDER BY y, x`);
  }
  qs.push(`SELECT sind(30) = 0.5, cosd(60) = 0.5, tand(45) = 1, cotd(45) = 1, asind(0.5) = 30, acosd(0.5) = 60, atand(1) = 45, atan2d(1, 1) = 45`);
  qs.push(`SELECT sin(pi()), cos(pi()), tan(pi() / 4), cot(pi() / 4), sin(pi() / 6), cos(pi() / 3), sinh(1), cosh(1), tanh(1), asinh(1), acosh(2), atanh(0.5)`);
  await run('special angles', qs);
});

test('NaN, Infinity, minus zero, NULL and huge arguments', async () => {
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e308, -1e308, 5e-324, 1e22, 1e300, 1e-300];
  const qs: string[] = [];
  for (const fn of ALL_FNS) {
    for (const x of specials) qs.push(`SELECT ${fn}(${lit(x)})`);
    qs.push(`SELECT ${fn}(NULL)`, `SELECT ${fn}(NULL::float8)`);
  }
  for (const y of [NaN, Infinity, -Infinity, 0, -0, 1]) {
    for (const x of [NaN, Infinity, -Infinity, 0, -0, -1]) qs.push(`SELECT atan2(${lit(y)}, ${lit(x)}), atan2d(${lit(y)}, ${lit(x)})`);
  }
  qs.push(`SELECT atan2(NULL, 1), atan2d(1, NULL)`);
  await run('special values', qs);
});

test('out-of-range arguments fail with 22003 input is out of range', async () => {
  const qs: string[] = [];
  for (const fn of ['asin', 'acos', 'asind', 'acosd', 'atanh']) qs.push(`SELECT ${fn}(1.0000001)`, `SELECT ${fn}(-2)`);
  qs.push(`SELECT acosh(0.5)`, `SELECT acosh('-Infinity'::float8)`);
  for (const fn of ['sin', 'cos', 'tan', 'cot', 'sind', 'cosd', 'tand', 'cotd']) qs.push(`SELECT ${fn}('Infinity'::float8)`, `SELECT ${fn}('-Infinity'::float8)`);
  // Type resolution: numeric, integer and text arguments go through float8, as in PostgreSQL.
  qs.push(`SELECT sin(1::numeric), cosd(90::int2), tand('45'), atan2(1::int8, 2.5)`);
  qs.push(`SELECT sin('abc')`, `SELECT sind(true)`);
  await run('errors', qs);
});

/** The distance of `x` to the next double away from zero (an ulp at its magnitude). */
function ulp(x: number): number {
  const a = Math.abs(x);
  if (a < 2.2250738585072014e-308) return 5e-324;
  return 2 ** (Math.floor(Math.log2(a)) - 52);
}

/**
 * The same rows, with float8 values within `ulps` units in the last place: libm's last bit
 * differs between platforms (PGlite's musl, glibc, V8's fdlibm port), which PostgreSQL's own
 * regression tests allow for by printing these functions at fewer digits.
 */
function sameWithin(want: SqlOutcome, got: SqlOutcome, ulps: number): boolean {
  if (!want.ok || !got.ok) return JSON.stringify(want) === JSON.stringify(got);
  const w = want.rows as Record<string, unknown>[];
  const g = got.rows as Record<string, unknown>[];
  if (w.length !== g.length || JSON.stringify(want.fields) !== JSON.stringify(got.fields)) return false;
  return w.every((row, i) => Object.keys(row).every((k) => {
    const a = row[k];
    const b = g[i]![k];
    if (typeof a !== 'number' || typeof b !== 'number') return a === b;
    if (Number.isNaN(a) || !Number.isFinite(a) || a === 0 || b === 0) return Object.is(a, b) || (a === 0 && b === 0);
    return Math.abs(a - b) <= ulps * ulp(Math.max(Math.abs(a), Math.abs(b)));
  }));
}

// tand and cotd are a ratio of two results that each sum 1 - cos(x) terms (PostgreSQL's
// cosd_0_to_60), so a one-ulp difference between two C libraries' sin or cos grows to a few
// ulps of the quotient (seen: 4 ulps for tand(-21190.468268468976) against musl's).
test('seeded random arguments of every magnitude agree within 2 ulps (8 for tand and cotd)', async () => {
  const rng = new Rng(SEED);
  const xs: number[] = [];
  for (let i = 0; i < 120; i++) {
    const scale = 10 ** rng.int(-6, 6);
    xs.push((rng.next() * 2 - 1) * scale);
  }
  // The last bit of exp near the overflow threshold: sinh / cosh there.
  xs.push(710, -710, 709.5, 22.5, -35);
  const unit = xs.map(() => rng.next() * 2 - 1);
  const values = (a: number[]): string => a.map((x, i) => `(${i}, ${lit(x)})`).join(', ');
  const qs: string[] = [];
  for (const fn of ALL_FNS) {
    const domain = ['asin', 'acos', 'asind', 'acosd', 'atanh'].includes(fn) ? unit : fn === 'acosh' ? xs.map((x) => 1 + Math.abs(x)) : xs;
    qs.push(`SELECT i, ${fn}(x) FROM (VALUES ${values(domain)}) v(i, x) ORDER BY i`);
  }
  const pairs = xs.map((x, i) => `(${i}, ${lit(x)}, ${lit(xs[(i * 7 + 3) % xs.length]!)})`).join(', ');
  qs.push(`SELECT i, atan2(y, x), atan2d(y, x) FROM (VALUES ${pairs}) v(i, y, x) ORDER BY i`);
  const mismatches: string[] = [];
  for (const q of qs) {
    const want = await theirs(q);
    const got = await ours(q);
    if (!sameWithin(want, got, /\b(tand|cotd)\(/.test(q) ? 8 : 2)) mismatches.push(`${q.slice(0, 60)}...\n  pgvector: ${JSON.stringify(want)}\n  vecgres:  ${JSON.stringify(got)}`);
  }
  reportMismatches('random arguments', mismatches, qs.length, SEED);
});
