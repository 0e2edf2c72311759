/**
 * Differential tests of ln, exp, log / log10 and log(b, x) over numeric against PostgreSQL 18
 * (PGlite): values digit for digit (the result scale included), NaN and Infinity, errors by
 * SQLSTATE and message. Hand cases (tiny, huge, many-digit, exact powers, scales 0..30) and a
 * seeded random sweep of numerics from 1e-30 to 1e30 at random scales.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';

const { check } = await openSqlPair();

async function run(label: string, qs: readonly string[]): Promise<void> {
  const mismatches: string[] = [];
  for (const q of qs) await check(q, mismatches);
  reportMismatches(label, mismatches, qs.length, SEED);
}

/** A random positive numeric literal: 1..25 significant digits, magnitude 1e-30 .. 1e30, scale 0..30. */
function randomNumeric(rng: Prng, minExp = -30, maxExp = 30): string {
  const len = 1 + rng.int(25);
  let digits = String(1 + rng.int(9));
  for (let i = 1; i < len; i++) digits += String(rng.int(10));
  const exp = minExp + rng.int(maxExp - minExp + 1);
  // digits * 10^(exp - len + 1), written plainly with 0..5 extra trailing zeros of scale.
  const shift = exp - len + 1;
  let text: string;
  if (shift >= 0) text = digits + '0'.repeat(shift);
  else {
    const pad = digits.padStart(-shift + 1, '0');
    text = `${pad.slice(0, pad.length + shift)}.${pad.slice(pad.length + shift)}`;
  }
  const extra = rng.int(6);
  if (extra > 0) text += (text.includes('.') ? '' : '.') + '0'.repeat(extra);
  return `${text}::numeric`;
}

/** SELECT of the expressions as c0, c1, ... (a row object keeps one value per column name). */
function aliased(exprs: readonly string[]): string {
  return `SELECT ${exprs.map((e, i) => `${e} AS c${i}`).join(', ')}`;
}

/** A hand-case query: numeric arguments (an integer literal alone would pick the float8 overload). */
function hand(list: string): string {
  return aliased(list.split('; '));
}

function batches(exprs: string[], size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < exprs.length; i += size) out.push(aliased(exprs.slice(i, i + size)));
  return out;
}

test('ln(numeric)', async () => {
  await run('ln hand cases', [
    hand(`ln(1::numeric); ln(1.0::numeric); ln(2::numeric); ln(10::numeric); ln(2.0000::numeric); ln(0.5::numeric); ln(1.1::numeric); ln(0.9::numeric); ln(1.0001::numeric); ln(0.99999::numeric)`),
    hand(`ln(1e-30::numeric); ln(1e30::numeric); ln(123456789012345678901234567890.123::numeric); ln(0.000000000000000000000000000001::numeric)`),
    hand(`ln(1.000000000000000000000000000001::numeric); ln(0.999999999999999999999999999999::numeric); ln(10000::numeric); ln(9999.9999::numeric)`),
    hand(`ln(2.000000000000000000000000000000::numeric); ln(3.14159265358979323846264338327950288::numeric); ln(1e100::numeric); ln(1e-100::numeric)`),
    hand(`ln('NaN'::numeric); ln('Infinity'::numeric); ln(2::numeric(10,5)); ln(1e1000::numeric); ln(1e-1000::numeric)`),
    hand(`ln(0::numeric)`),
    hand(`ln(0.000::numeric)`),
    hand(`ln(-1.5::numeric)`),
    hand(`ln('-Infinity'::numeric)`),
    hand(`ln(1.5e-900::numeric); ln(7.77e999::numeric)`),
  ]);
  const rng = new Prng(SEED ^ 0x1a);
  const exprs = Array.from({ length: 300 }, () => `ln(${randomNumeric(rng)})`);
  await run('ln random sweep', batches(exprs, 20));
});

test('exp(numeric)', async () => {
  await run('exp hand cases', [
    hand(`exp(0::numeric); exp(0.000::numeric); exp(1::numeric); exp(1.0::numeric); exp(-1::numeric); exp(2.5::numeric); exp(10::numeric); exp(-10::numeric); exp(0.5::numeric); exp(1e-20::numeric)`),
    hand(`exp(100::numeric); exp(-100::numeric); exp(1000::numeric); exp(-1000::numeric); exp(0.000000000000000000000000000001::numeric)`),
    hand(`exp(5999::numeric); exp(-5999::numeric); exp(-6000::numeric); exp(-7000.5::numeric); exp(4605.17::numeric); exp(-4605.17::numeric)`),
    hand(`exp(2.302585092994045684017991454684::numeric); exp(-2.302585092994045684017991454684::numeric); exp(123.456789012345678901234567890::numeric)`),
    hand(`exp('NaN'::numeric); exp('Infinity'::numeric); exp('-Infinity'::numeric); exp(1::numeric(10,8))`),
    hand(`exp(6000::numeric)`),
    hand(`exp(1e30::numeric)`),
  ]);
  const rng = new Prng(SEED ^ 0x2b);
  const exprs = Array.from({ length: 300 }, () => `exp(${rng.int(2) === 0 ? '-' : ''}${randomNumeric(rng, -30, 3)})`);
  await run('exp random sweep', batches(exprs, 20));
});

test('log(numeric), log10(numeric) and log(numeric, numeric)', async () => {
  await run('log hand cases', [
    hand(`log(1000::numeric); log(100.0::numeric); log10(100::numeric); log10(2::numeric); log(0.001::numeric); log(1::numeric); log(1.000::numeric); log(1e30::numeric); log(1e-30::numeric); log(2.5::numeric)`),
    hand(`log(2::numeric, 8::numeric); log(2.0::numeric, 64::numeric); log(10::numeric, 1000::numeric); log(3::numeric, 81::numeric); log(2::numeric, 0.5::numeric); log(0.5::numeric, 2::numeric); log(8::numeric, 2::numeric); log(4::numeric, 2::numeric); log(1000::numeric, 10::numeric)`),
    hand(`log(2::numeric, 1::numeric); log(1e30::numeric, 1e-30::numeric); log(1.1::numeric, 1.21::numeric); log(0.999::numeric, 1.001::numeric); log(123.456::numeric, 789.012::numeric); log(2::numeric, 1e100::numeric); log(1e100::numeric, 2::numeric)`),
    hand(`log('NaN'::numeric); log10('Infinity'::numeric); log(2::numeric, 'NaN'::numeric); log('NaN'::numeric, -1::numeric)`),
    hand(`log('Infinity'::numeric, 'Infinity'::numeric); log('Infinity'::numeric, 2::numeric); log(2::numeric, 'Infinity'::numeric); log(1::numeric, 'Infinity'::numeric)`),
    hand(`log(1::numeric, 2::numeric)`),
    hand(`log(1.00::numeric, 1::numeric)`),
    hand(`log(0::numeric, 2::numeric)`),
    hand(`log(2::numeric, 0::numeric)`),
    hand(`log(-2::numeric, 2::numeric)`),
    hand(`log(2::numeric, -2::numeric)`),
    hand(`log('-Infinity'::numeric, 2::numeric)`),
    hand(`log(0::numeric, 'Infinity'::numeric)`),
    hand(`log(0::numeric)`),
    hand(`log10(-1::numeric)`),
  ]);
  const rng = new Prng(SEED ^ 0x3c);
  const one = Array.from({ length: 200 }, () => `log(${randomNumeric(rng)})`);
  const two = Array.from({ length: 300 }, () => `log(${randomNumeric(rng)}, ${randomNumeric(rng)})`);
  await run('log random sweep', batches([...one, ...two], 20));
});

test('power(numeric, numeric) and numeric ^', async () => {
  const specials = ["'Infinity'::numeric", "'-Infinity'::numeric", "'NaN'::numeric", '2::numeric', '(-2)::numeric', '0.5::numeric', '(-0.5)::numeric', '1::numeric', '(-1)::numeric', '0::numeric', '0.5::numeric', '3::numeric', '(-3)::numeric'];
  const pairs: string[] = [];
  for (const x of specials) for (const y of specials) pairs.push(`SELECT power(${x}, ${y}) AS p, ${x} ^ ${y} AS q`);
  await run('power special values and errors', pairs);
  await run('power hand cases', [
    hand(`power(2::numeric, 10::numeric); power(2.0::numeric, 0.5::numeric); power(10::numeric, -5::numeric); power(1.5::numeric, 40::numeric); power(0.1::numeric, 30::numeric); power(7::numeric, 100::numeric)`),
    hand(`power(1.000001::numeric, 1000000::numeric); power(3::numeric, -7::numeric); power(2::numeric, 3.5::numeric); power(123.456::numeric, 7.89::numeric); power(0.001::numeric, 0.333::numeric)`),
    hand(`power(2::numeric, 0.000::numeric); power(1.00::numeric, 5.5::numeric); power(0::numeric, 0::numeric); power(0.0::numeric, 2.50::numeric); power(-2.5::numeric, 3::numeric); power(-2.5::numeric, 4.000::numeric)`),
    hand(`power(10::numeric, 1000::numeric); power(10::numeric, -1000::numeric); power(10::numeric, -1001::numeric); power(2::numeric, -3500::numeric); power(0.5::numeric, 1e10::numeric)`),
    hand(`power(10::numeric, 131072::numeric)`),
    hand(`power(2::numeric, 6000.5::numeric)`),
    hand(`power(2::numeric, -9000.5::numeric); power(5::numeric, 1e-20::numeric)`),
    hand(`power(10::numeric, 1e10::numeric)`),
    hand(`power(-8::numeric, 1.5::numeric)`),
    hand(`power(0::numeric, -1.5::numeric)`),
  ]);
  const rng = new Prng(SEED ^ 0x4d);
  const exprs: string[] = [];
  for (let i = 0; i < 150; i++) exprs.push(`power(${randomNumeric(rng, -5, 5)}, ${rng.int(2) ? '-' : ''}${randomNumeric(rng, -10, 1)})`);
  for (let i = 0; i < 150; i++) exprs.push(`power(${rng.int(3) ? '' : '-'}${randomNumeric(rng, -10, 10)}, ${rng.int(41) - 20}::numeric)`);
  await run('power random sweep', batches(exprs, 20));
});
