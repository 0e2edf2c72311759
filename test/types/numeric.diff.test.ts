/**
 * Differential tests of the numeric type module (types/numeric.ts) against PGlite
 * (PostgreSQL 18): text input (with garbage spliced into valid literals), output, typmod
 * coercion and its errors, + - * / %, round / trunc / ceil / floor, comparison, the casts to
 * and from integers and floats, numeric_send, and pg_size_pretty(numeric). Random cases are
 * seeded (VECGRES_SEED replays a failure); VECGRES_NUMERIC_RUNS raises the budget.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { oracleForFile } from '../support/pglite.js';
import { differential, installEval } from '../support/oracle_batch.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';
import { parseFloat4 } from '../../src/types/float.js';
import {
  type Numeric, parseNumeric, numericTypmodIn, numericAdd, numericSub, numericMul, numericDiv, numericMod, numericCmp,
  numericRound, numericTrunc, numericCeil, numericFloor, numericFromFloat4, numericFromFloat8, numericToFloat4,
  numericToFloat8, numericToInt, numericSend, numericRecv, numericSizePretty, numericNeg, numericAbs, numericDivTrunc,
} from '../../src/types/numeric.js';
import { formatFloat4, formatFloat8 } from '../../src/types/float.js';

const RUNS = Number(process.env['VECGRES_NUMERIC_RUNS'] ?? 400);
const oracle = await oracleForFile();
await installEval(oracle);

/** A random numeric literal: plain, with exponent, tiny, huge, or special. */
function randomLiteral(rng: Prng): string {
  const digits = (n: number) => Array.from({ length: n }, () => String(rng.int(10))).join('');
  switch (rng.int(10)) {
    case 0:
      return ['NaN', 'nan', 'Infinity', '-Infinity', '+inf', '-INF', '0', '-0', '0.000', '1e-20', '9999.9999', '-0.5', '0.5', '2.5', '-2.5'][rng.int(15)]!;
    case 1:
      return `${rng.int(2) ? '-' : ''}${digits(1 + rng.int(3))}e${rng.int(2) ? '-' : ''}${rng.int(40)}`;
    case 2:
      return `${rng.int(2) ? '-' : ''}0.${'0'.repeat(rng.int(12))}${digits(1 + rng.int(6))}`;
    case 3:
      return `${rng.int(2) ? '-' : ''}${digits(15 + rng.int(30))}.${digits(rng.int(20))}`;
    case 4:
      return String(rng.int(2) ? -rng.int(1000) : rng.int(1000));
    default: {
      const ip = digits(rng.int(8));
      const fp = digits(rng.int(8));
      const s = `${rng.int(3) === 0 ? '-' : ''}${ip === '' && fp === '' ? '0' : ip}${fp === '' && rng.int(2) ? '' : '.' + fp}`;
      return s === '.' ? '0' : s;
    }
  }
}

/** A valid literal, sometimes with PostgreSQL's extra syntax or garbage spliced in. */
function randomInput(rng: Prng): string {
  const base = randomLiteral(rng);
  switch (rng.int(8)) {
    case 0: {
      const junk = ['.', '_', 'e', '+', '-', ' ', 'x', '0x', '1_0', 'e5', '..', 'inf', ' 1'][rng.int(13)]!;
      const at = rng.int(base.length + 1);
      return base.slice(0, at) + junk + base.slice(at);
    }
    case 1:
      return ` ${base}\t`;
    case 2:
      return ['0x1F', '-0x_ff', '0o17', '0b101', '0B1_1', '0x', '1_000_000.000_1', '1__0', '_1', '1_', '1._5', '.5', '5.', '.', '1e', '1e+', '1e1_0', '+NaN', 'NaNx', 'infinit', ''][rng.int(21)]!;
    default:
      return base;
  }
}

function numericInputs(n: number, salt: number): string[] {
  const rng = new Prng(SEED ^ salt);
  return Array.from({ length: n }, () => randomInput(rng));
}

function validLiterals(n: number, salt: number): string[] {
  const rng = new Prng(SEED ^ salt);
  return Array.from({ length: n }, () => randomLiteral(rng));
}

const lit = (x: string) => `'${x}'::numeric`;

describe('numeric against PostgreSQL', () => {
  test(`${RUNS} random inputs through numeric_in / numeric_out`, async () => {
    await differential(oracle, '$x::numeric', numericInputs(RUNS, 0x1234), (x) => parseNumeric(x).toString());
  });

  test('edge inputs: range limits, underscores, bases, specials', async () => {
    const inputs = [
      '1e131071', '1e131072', '9e131071', '1e-16383', '1e-16384', '0e-20000', '0.0e5', '1e2147483647', '1e-2147483648',
      '1e1073741824', '12345678901234567890.12345678901234567890', '-0.0000', '+.5', '-.5e1', '0x7FFFFFFFFFFFFFFFFFFF',
      '-0o777', '0b', '0x1g', ' nan ', 'NaN ', ' -Infinity ', 'infinity', '+Infinity', '-inf', 'in', '1 000', '1,5',
      '0e900000000', '-0.000e2147483', '00e5000', '0e-900000',
    ];
    await differential(oracle, '$x::numeric', inputs, (x) => parseNumeric(x).toString());
  });

  test(`${RUNS} typmod coercions numeric(p, s), including negative scales and errors`, async () => {
    const rng = new Prng(SEED ^ 0x51);
    const vals = validLiterals(RUNS, 0x52);
    const exprs: string[] = [];
    const fns = new Map<string, () => string>();
    for (const v of vals) {
      const p = [1, 2, 3, 5, 8, 20, 1000, 1001, 0][rng.int(9)]!;
      const s = [0, 1, 2, 4, -1, -3, 5, 1000, -1001][rng.int(9)]!;
      const one = rng.int(5) === 0;
      const mod = one ? `(${p})` : `(${p},${s})`;
      const e = `${lit(v)}::numeric${mod}`;
      exprs.push(e);
      fns.set(e, () => parseNumeric(v, numericTypmodIn(one ? [p] : [p, s])).toString());
    }
    await differential(oracle, 'pg_temp.eval_text($x)', exprs, (e) => fns.get(e)!());
  });

  test(`${RUNS} random + - * / % and div() pairs`, async () => {
    const a = validLiterals(RUNS, 0x61);
    const b = validLiterals(RUNS, 0x62);
    const ops: [string, (x: Numeric, y: Numeric) => Numeric][] = [
      ['+', numericAdd], ['-', numericSub], ['*', numericMul], ['/', numericDiv], ['%', numericMod],
    ];
    const exprs: string[] = [];
    const fns = new Map<string, () => string>();
    for (let i = 0; i < RUNS; i++) {
      const [op, f] = ops[i % ops.length]!;
      const e = `${lit(a[i]!)} ${op} ${lit(b[i]!)}`;
      exprs.push(e);
      fns.set(e, () => f(parseNumeric(a[i]!), parseNumeric(b[i]!)).toString());
      const d = `div(${lit(a[i]!)}, ${lit(b[i]!)})`;
      exprs.push(d);
      fns.set(d, () => numericDivTrunc(parseNumeric(a[i]!), parseNumeric(b[i]!)).toString());
    }
    await differential(oracle, 'pg_temp.eval_text($x)', exprs, (e) => fns.get(e)!());
  });

  test(`${RUNS} comparisons, negation, abs, round / trunc / ceil / floor`, async () => {
    const rng = new Prng(SEED ^ 0x71);
    const a = validLiterals(RUNS, 0x72);
    const b = validLiterals(RUNS, 0x73);
    const exprs: string[] = [];
    const fns = new Map<string, () => string>();
    const add = (e: string, fn: () => string) => {
      exprs.push(e);
      fns.set(e, fn);
    };
    for (let i = 0; i < RUNS; i++) {
      const x = a[i]!;
      const y = rng.int(4) === 0 ? x + '0' : b[i]!; // equal values with a different scale too
      const k = rng.int(12) - 5;
      add(`numeric_cmp(${lit(x)}, ${lit(y)})`, () => String(numericCmp(parseNumeric(x), parseNumeric(y))));
      add(`-${lit(x)}`, () => numericNeg(parseNumeric(x)).toString());
      add(`abs(${lit(x)})`, () => numericAbs(parseNumeric(x)).toString());
      add(`round(${lit(x)}, ${k})`, () => numericRound(parseNumeric(x), k).toString());
      add(`trunc(${lit(x)}, ${k})`, () => numericTrunc(parseNumeric(x), k).toString());
      add(`round(${lit(x)})`, () => numericRound(parseNumeric(x)).toString());
      add(`ceil(${lit(x)})`, () => numericCeil(parseNumeric(x)).toString());
      add(`floor(${lit(x)})`, () => numericFloor(parseNumeric(x)).toString());
    }
    await differential(oracle, 'pg_temp.eval_text($x)', exprs, (e) => fns.get(e)!());
  });

  test(`${RUNS} casts float8 / real -> numeric (15 / 6 significant digits, ties to even)`, async () => {
    const rng = new Prng(SEED ^ 0x81);
    const inputs: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const k = rng.int(6);
      const r = rng.next() * 2 - 1;
      const x = k === 0 ? r : k === 1 ? r * 10 ** (rng.int(40) - 20) : k === 2 ? Math.round(r * 1e7) : k === 3 ? Math.round(r * 1e16) : k === 4 ? 1 / (1 + rng.int(100)) : r * 1e300;
      inputs.push(String(x));
    }
    // Ties at the last printed digit, which round to even in C's printf.
    inputs.push('1000000000000005', '1000000000000015', '1234565', '1234575', '0.5', '2.5e-7', 'NaN', 'Infinity', '-Infinity', '-0', '5e-324', '1.7976931348623157e308');
    await differential(oracle, '$x::float8::numeric', inputs, (x) => numericFromFloat8(Number(x)).toString());
    await differential(oracle, '$x::real::numeric', inputs.filter((x) => Math.abs(Number(x)) < 3e38 && (Number(x) === 0 || Math.abs(Number(x)) > 1e-37)), (x) => numericFromFloat4(parseFloat4(x)).toString());
  });

  test(`${RUNS} casts numeric -> float8 / real / integer / bigint / smallint`, async () => {
    const inputs = [...validLiterals(RUNS, 0x91), '1e400', '-1e400', '1e-400', '3.5e38', '1e-46', '2147483647.5', '-2147483648.4', '9223372036854775807.4', '9223372036854775807.5', '32767.5', 'NaN', 'Infinity'];
    await differential(oracle, '$x::numeric::float8', inputs, (x) => formatFloat8(numericToFloat8(parseNumeric(x))));
    await differential(oracle, '$x::numeric::real', inputs, (x) => formatFloat4(numericToFloat4(parseNumeric(x))));
    await differential(oracle, '$x::numeric::integer', inputs, (x) => String(numericToInt(parseNumeric(x), 'integer')));
    await differential(oracle, '$x::numeric::bigint', inputs, (x) => String(numericToInt(parseNumeric(x), 'bigint')));
    await differential(oracle, '$x::numeric::smallint', inputs, (x) => String(numericToInt(parseNumeric(x), 'smallint')));
  });

  test(`${RUNS} numeric_send bytes, and numeric_recv reads them back`, async () => {
    const inputs = [...validLiterals(RUNS, 0xa1), '0', '0.00', '10000', '0.0001', '1e-20', '123456789.000000001'];
    const hex = (b: Uint8Array) => '\\x' + Buffer.from(b).toString('hex');
    await differential(oracle, 'numeric_send($x::numeric)', inputs, (x) => hex(numericSend(parseNumeric(x))));
    for (const x of inputs) {
      const n = parseNumeric(x);
      assert.equal(numericRecv(numericSend(n)).toString(), n.toString(), `recv(send(${x})) (VECGRES_SEED=${SEED})`);
    }
  });

  test('pg_size_pretty(numeric) keeps the scale in bytes and rounds in larger units', async () => {
    const rng = new Prng(SEED ^ 0xb1);
    const inputs = ['13.0000000000000000', '10239.5', '10240', '-10240.5', '123456.789', '20971519.5', '1e20', '-1e30', '0', 'NaN'];
    for (let i = 0; i < 200; i++) inputs.push(`${rng.int(2) ? '-' : ''}${Math.floor(2 ** (rng.next() * 60))}.${rng.int(100)}`);
    await differential(oracle, 'pg_size_pretty($x::numeric)', inputs, (x) => numericSizePretty(parseNumeric(x)));
  });
});
