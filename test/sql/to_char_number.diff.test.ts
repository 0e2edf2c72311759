/**
 * to_char(int4 | int8 | float4 | float8 | numeric, text) and to_number(text, text) against
 * PostgreSQL (PGlite): each template pattern (9 0 . D , G S MI PL SG PR L V RN rn EEEE TH th
 * FM B, quoted and literal text), overflow #s, NaN and the infinities, negative zero, float
 * precision limits, int8 extremes, huge and long numerics, the template errors, and to_number's
 * signs, separators, Roman numerals and refusals. Then a seeded sweep: random templates over
 * random values of each type, and to_number of the text PostgreSQL's to_char makes (and of that
 * text mutated) with the same template; errors compared too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches, type SqlOutcome } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Rng } from '../support/random_query/rng.js';

const { both, checkAll, ours, theirs } = await openSqlPair();

type Case = [string, unknown[]];

/** `to_char(v::type, f)` for each value and template. */
function toChar(type: string, values: readonly string[], fmts: readonly string[]): Case[] {
  const out: Case[] = [];
  for (const v of values) for (const f of fmts) out.push([`SELECT to_char($1::${type}, $2) AS r`, [v, f]]);
  return out;
}

/** `to_number(v, f)` for each pair. */
function toNumber(pairs: readonly (readonly [string, string])[]): Case[] {
  return pairs.map(([v, f]) => [`SELECT to_number($1, $2) AS r`, [v, f]]);
}

test('to_char of numbers: every pattern as PostgreSQL', async () => {
  const ints = ['0', '1', '-1', '7', '12', '-12', '123', '-123', '1234', '-1234', '12345', '2147483647', '-2147483648', '11', '12', '13', '21', '101', '111', '1994', '3999', '4000'];
  const fmts = [
    '999', '000', '9990', '0999', 'FM999', 'FM000', '9,999', '9G999', 'FM9,999,999', '999,999,999', '99G999D99', '9.99', 'FM9.99', '0.00', 'FM0.00',
    'S999', '999S', 'S9.99', '9.99S', 'FMS999', 'MI999', '999MI', 'FM999MI', 'PL999', '999PL', 'FMPL999', 'SG999', '999SG', 'FMSG999', '999PR', 'FM999PR', '9.99PR',
    'L999', 'FML999', '999L', 'RN', 'FMRN', 'rn', 'FMrn', 'RN999', '9.99EEEE', '9EEEE', '99.999eeee', '999V99', '9V9', 'V999', '999V', '999th', 'FM999TH', '999TH', '9th',
    'B999', '9B9', 'C999', '99SP9', '"Total: "999', 'x9y9z9', '9 9 9', '9-9-9', '"a\\"b"999', '\\"999', 'é999ü', '$999.99', '999%', '9"th"', '99D99G', 'FM9.0', 'FM9990.0099',
  ];
  await checkAll('to_char int4', toChar('int4', ints, fmts), undefined, SEED);
  const int8s = ['0', '-1', '42', '9223372036854775807', '-9223372036854775808', '1000000000000', '-99999999999999', '3999', '4294967296'];
  await checkAll('to_char int8', toChar('int8', int8s, ['9999999999999999999', 'FM9,999,999,999,999,999,999', 'S9999999999999999999', '9.99EEEE', '9.999999999999999999EEEE', 'RN', '999', '99V99', 'FM0000000000000000000000.00', '999PR']), undefined, SEED);
  const floats = ['0', '-0', '0.1', '-0.1', '0.5', '1.5', '2.5', '-2.5', '0.125', '123.456', '-123.456', '1234.5678', '1e15', '1e22', '1.5e-10', '1e300', '-1.5e300', '5e-324', '123456789.123', '0.05', 'NaN', 'Infinity', '-Infinity', '3.5', '3999.5', '99999.5'];
  const floatFmts = ['9', '999', '9.9', '9.99999999999999999999', '9.99999999', 'FM9.99999999999999999999', '9999.9999', 'FM9999.9999', '999999999.999999', '9999999999999999.99', '9999999999999999999999999',
    '9.99EEEE', '9.999EEEE', '9.9999999999999999999999EEEE', 'RN', 'FMRN', '99V999', 'S999.99', '999.99MI', 'FM999.99PR', 'FM9.9', '0.0', 'FM0.0', '999th', 'L9G999D99'];
  await checkAll('to_char float8', toChar('float8', floats, floatFmts), undefined, SEED);
  await checkAll('to_char float4', toChar('float4', floats.filter((f) => !/e(300|-324)/.test(f)), floatFmts), undefined, SEED);
  const numerics = ['0', '-0.5', '0.5', '12.5', '1234.5', '12345.678', '-12345.678', '0.000123', '-0.000123', '999.96', '9.99', '1e100', '-1e100', '1e-100',
    '123.456789012345678901234567890', '99999999999999999999999999999999999999.99', 'NaN', 'Infinity', '-Infinity', '3999.5', '2.5', '-2.5', '0.0000'];
  const numericFmts = ['999', 'FM999.99', '9,999.99', '99G999D99', '9.99EEEE', '9.9EEEE', 'EEEE', '999.99999999999999999999999999999', 'S999.99', '999.99S', 'MI999.99', 'FM999.99PR', '999V99', 'RN', 'FMrn',
    'FM9999999999999999999999999999999999999999.99', '0000.00', 'FM0.00', '999th', 'L999.99', 'SG999.99', 'PL999.99'];
  await checkAll('to_char numeric', toChar('numeric', numerics, numericFmts), undefined, SEED);
});

test('to_char of numbers: template errors, NULLs, empty templates, types, a table', async () => {
  const errs = ['9.99EEEE9', '9.9.9', '9D9.9', '99V9.9', '9.9V9', 'FM9.99EEEE', 'S9.99EEEE', '9.99EEEEPR', 'EEEEEEEE', 'S9S', 'S9MI', 'MIS9', 'S9PL', 'S9SG', 'PR9', '9PR0', '9PRS', 'MI9PR',
    'RNRN', 'RNrn', 'RN.9', 'RN0', 'RNMI', 'SGRN', 'V9.9', 'B9.9EEEE', 'RNEEEE', '9.99EEEEFM', '9.9EEEE"x"', 'L9.99EEEE', '9,9.99EEEE', 'RNTH', 'RN"x"', 'RNB'];
  await checkAll('to_char template errors', toChar('int4', ['5'], errs), undefined, SEED);
  await checkAll('to_char template errors (numeric)', toChar('numeric', ['5.5'], errs), undefined, SEED);
  await checkAll('to_char misc', [
    [`SELECT to_char(NULL::int4, '999') AS a, to_char(5, NULL) AS b, to_char(NULL::numeric, NULL) AS c, to_char(NULL::float8, '9.9') AS d`, []],
    [`SELECT to_number(NULL, '999') AS a, to_number('5', NULL) AS b`, []],
    [`SELECT to_char(5, '') AS a, to_char(5.5, '') AS b, to_char(5::int8, '') AS c, to_char(5::float4, '') AS d, to_char(5::float8, '') AS e, to_number('5', '') AS f`, []],
    [`SELECT to_char(5::int2, '9') AS a, to_char(1.5::numeric(5, 2), '9.999') AS b, pg_typeof(to_number('5', '9')) AS c, pg_typeof(to_char(5, '9')) AS d`, []],
    [`SELECT to_char('NaN'::numeric, '999th')`, []], [`SELECT to_char('NaN'::float8, '999TH')`, []], [`SELECT to_char('Infinity'::numeric, '99999999th')`, []],
    [`SELECT to_char(12::int8, '9V9999999999999999999')`, []], [`SELECT to_char(9223372036854775807::int8, '9V9')`, []], [`SELECT to_char(5, '9V9999999999')`, []],
    [`SELECT to_char(-9223372036854775808::int8, '9999999999999999999')`, []],
  ], undefined, SEED);
  await both('CREATE TABLE tcn (i int4, b int8, r float4, d float8, n numeric)');
  await both(`INSERT INTO tcn VALUES (1, 10, 1.5, 2.25, 3.125), (-22, -2000, -0.5, 1e20, -1e30), (333, 9223372036854775807, 'NaN', '-Infinity', 'NaN'), (NULL, NULL, NULL, NULL, NULL)`);
  await checkAll('to_char over a table', [
    `SELECT to_char(i, 'FMS999th') AS a, to_char(b, '9G999G999') AS b, to_char(r, '99.9') AS c, to_char(d, '9.99EEEE') AS e, to_char(n, 'FM999.9999PR') AS f FROM tcn ORDER BY i`,
    `SELECT to_char(i, f) AS a FROM tcn, (VALUES ('999'), ('RN'), ('FM0.0'), ('SG9999')) v(f) ORDER BY i, f`,
    `SELECT to_number(to_char(n, '9999.999'), '9999.999') AS a FROM tcn WHERE n > -100 ORDER BY n`,
  ], undefined, SEED);
});

test('to_number: signs, separators, Roman numerals and errors as PostgreSQL', async () => {
  await checkAll('to_number', toNumber([
    ['12,454.8-', '99G999D9S'], ['$1,234.56', 'L9,999.99'], [' 123 ', '999'], ['-12', '99'], ['12-', '99MI'], ['<123>', '999PR'], ['123', '999PR'], ['-123', '999PR'],
    ['XIV', 'RN'], ['mcmxciv', 'rn'], ['  MMMDCCCLXXXVIII', 'FMRN'], ['MMMM', 'RN'], ['IIII', 'RN'], ['VX', 'RN'], ['IL', 'RN'], ['XCX', 'RN'], ['CMM', 'RN'], ['', 'RN'], ['x', 'RN'], ['XIVabc', 'RN'], ['5XIV', '9RN'], ['XIV', 'RN9'],
    ['abc', '999'], ['', '999'], ['', ''], ['12', ''], ['1234', '99'], ['5', '.'], ['5', 'L'], ['12345', '999V99'], ['12', '99V'], ['1.5', '9.9EEEE'], ['1,234', 'FM9,999'], ['1,234', '9,999'],
    ['1 234', '9G999'], ['12.34', '99.99'], ['12.345', '99.99'], ['12th', '99th'], ['-5', 'S9'], ['5-', '9S'], ['+5', 'S9'], ['1.5-', 'FM9.9MI'], ['.5', '9.9'], ['é12', '"x"99'], ['x12', '999'],
    ['1 2 3', '9 9 9'], ['123', '9,9,9'], ['12', '99.99'], ['12.', '99.99'], ['0012', '0000'], ['-0', '9'], ['1e5', '999999'], ['  -  12', '999'], ['- 12', 'S999'], ['12 -', '99S'], ['12+', '99PL'],
    ['12+', '99SG'], ['12-', '99SG'], ['-12', 'SG99'], ['+12', 'PL99'], ['<12>', '99PR'], ['12.5', '99D9'], ['12.5', '99.9'], ['1,2,3', '9G9G9'], ['€12', 'L99'], ['12€', '99L'], ['12 th', '99 th'],
    ['123456789012345678901234567890', '999999999999999999999999999999'], ['0.000001', '9.999999'], ['99999', '99999V9999'], ['1-', '9MI'], ['1.2.3', '9.9.9'],
  ]), undefined, SEED);
});

// Random templates: a sign or currency ahead, digits with group separators, a fraction, a
// multiplier, a sign, ordinal or exponent behind; sometimes a Roman numeral, sometimes any soup.
const LEAD = ['', '', '', 'FM', 'S', 'MI', 'PL', 'SG', 'L', 'FML', 'FMS', '"$"', 'B', '$', ' ', 'fm', 's', 'l'];
const TRAIL = ['', '', '', 'S', 'MI', 'PL', 'SG', 'PR', 'th', 'TH', 'EEEE', 'eeee', 'L', ' ', '"x"', '%', 'mi', 'pr', 'sg'];
const SOUP = ['9', '0', '.', 'D', ',', 'G', 'S', 'MI', 'PL', 'SG', 'PR', 'L', 'V', 'RN', 'rn', 'EEEE', 'TH', 'th', 'FM', 'B', 'C', 'SP', '"x"', ' ', '-', 'é', '\\"', 'd', 'g', 'v'];

/** A random template; a plain one has at least `minPre` digits before the point, when it can. */
function template(rng: Rng, minPre = 0): string {
  const kind = rng.weighted([[10, 'plain'], [1, 'roman'], [2, 'soup']] as const);
  if (kind === 'roman') return rng.pick(['RN', 'rn', 'FMRN', 'FMrn', 'RNFM', ' RN ', '"r"RN']);
  if (kind === 'soup') {
    let f = '';
    for (let i = rng.int(1, 6); i > 0; i--) f += rng.pick(SOUP);
    return f;
  }
  let f = rng.pick(LEAD);
  const pre = rng.int(Math.min(minPre, 40), Math.min(minPre, 40) + 6);
  for (let i = 0; i < pre; i++) {
    f += rng.chance(0.2) ? '0' : '9';
    if (i < pre - 1 && (pre - 1 - i) % 3 === 0 && rng.chance(0.3)) f += rng.pick([',', 'G', 'g']);
  }
  const tail = rng.pick(TRAIL);
  if (rng.chance(0.6)) {
    f += rng.pick(['.', '.', 'D', 'd']);
    const post = rng.int(0, tail === 'EEEE' || tail === 'eeee' ? 8 : 25);
    for (let i = 0; i < post; i++) f += rng.chance(0.2) ? '0' : '9';
  } else if (rng.chance(0.2)) {
    f += 'V' + '9'.repeat(rng.int(0, 4));
  }
  return f + tail;
}

/** A random decimal text: 1..digits significant digits at a power of ten in [lo, hi], some negative. */
function decimal(rng: Rng, digits: number, lo: number, hi: number): string {
  let d = String(rng.int(1, 9));
  const n = rng.int(1, digits);
  for (let i = 1; i < n; i++) d += String(rng.int(0, 9));
  const e = rng.int(lo, hi);
  const neg = rng.chance(0.35) ? '-' : '';
  return `${neg}${d[0]}.${d.slice(1) || '0'}e${e}`;
}

function value(rng: Rng, type: string): string {
  const special = rng.chance(0.06);
  switch (type) {
    case 'int4':
      if (special) return rng.pick(['0', '2147483647', '-2147483648', '-1']);
      return String(Math.trunc(Number(decimal(rng, 9, 0, 9))) % 2147483647);
    case 'int8':
      if (special) return rng.pick(['0', '9223372036854775807', '-9223372036854775808']);
      return BigInt(Math.trunc(Number(decimal(rng, 15, 0, 15)))).toString() + (rng.chance(0.3) ? String(rng.int(100, 999)) : '');
    case 'float4':
      if (special) return rng.pick(['NaN', 'Infinity', '-Infinity', '-0', '0', '0.5', '2.5', '-3.5']);
      return decimal(rng, 9, -12, 12);
    case 'float8':
      if (special) return rng.pick(['NaN', 'Infinity', '-Infinity', '-0', '0', '0.5', '2.5', '-3.5', '5e-324', '1.7976931348623157e308']);
      return decimal(rng, 17, -20, 24);
    default:
      if (special) return rng.pick(['NaN', 'Infinity', '-Infinity', '0', '0.000', '1e100', '-1e-100']);
      return decimal(rng, 40, -25, 30);
  }
}

/** `s` with 0..2 random edits (a character dropped, doubled or changed, a space put in). */
function mutate(rng: Rng, s: string): string {
  const edits = rng.weighted([[4, 0], [3, 1], [1, 2]] as const);
  for (let e = 0; e < edits && s.length > 0; e++) {
    const at = rng.int(0, s.length - 1);
    const kind = rng.int(0, 3);
    if (kind === 0) s = s.slice(0, at) + s.slice(at + 1);
    else if (kind === 1) s = s.slice(0, at) + s[at] + s.slice(at);
    else if (kind === 2) s = s.slice(0, at) + rng.pick(['0', '9', '-', ' ', '.', ',', '+', '<', 'x', 'I', 'V']) + s.slice(at + 1);
    else s = s.slice(0, at) + ' ' + s.slice(at);
  }
  return s;
}

/** Runs each case on both sides; returns how many PostgreSQL answered without an error. */
async function compare(label: string, cases: readonly Case[], outcomes?: SqlOutcome[]): Promise<number> {
  const mismatches: string[] = [];
  let ok = 0;
  for (const [sql, params] of cases) {
    const want = await theirs(sql, params);
    const got = await ours(sql, params);
    outcomes?.push(want);
    if (want.ok) ok++;
    try {
      assert.deepEqual(got, want);
    } catch {
      mismatches.push(`${sql} ${JSON.stringify(params)}\n  pgvector: ${JSON.stringify(want)}\n  vecgres:  ${JSON.stringify(got)}`);
    }
  }
  reportMismatches(label, mismatches, cases.length, SEED);
  return ok;
}

test(`to_char and to_number of random templates and values agree with PostgreSQL (seed ${SEED})`, async (t) => {
  const rng = new Rng(SEED ^ 0x70c4a7);
  const runs = Number(process.env['VECGRES_TO_CHAR_NUMBER_CASES'] ?? 250);
  const types = ['int4', 'int8', 'float4', 'float8', 'numeric'];
  const cases: Case[] = [];
  for (let i = 0; i < runs; i++) {
    const type = rng.pick(types);
    const v = value(rng, type);
    // Mostly wide enough for the value (else its digits print as #s, which to_number cannot read).
    const digits = Math.floor(Math.log10(Math.abs(Number(v)))) + 1;
    cases.push([`SELECT to_char($1::${type}, $2) AS r`, [v, template(rng, rng.chance(0.7) && Number.isFinite(digits) ? digits : rng.int(0, 8))]]);
  }
  const outcomes: SqlOutcome[] = [];
  const printed = await compare('random to_char', cases, outcomes);
  // Read back what PostgreSQL printed, and that text edited, by the same template.
  const back: Case[] = [];
  for (let i = 0; i < cases.length; i++) {
    const o = outcomes[i]!;
    if (!o.ok) continue;
    const text = (o.rows as { r: string | null }[])[0]!.r;
    if (text === null) continue;
    const f = cases[i]![1][1] as string;
    back.push([`SELECT to_number($1, $2) AS r`, [text, f]]);
    back.push([`SELECT to_number($1, $2) AS r`, [mutate(rng, text), rng.chance(0.8) ? f : template(rng)]]);
  }
  const read = await compare('random to_number', back);
  t.diagnostic(`to_char: ${cases.length} cases, ${printed} printed; to_number: ${back.length} cases, ${read} read`);
  // Neither side may pass vacuously: most cases are values, not errors.
  assert.ok(printed >= cases.length * 0.3, `${printed} of ${cases.length} to_char cases printed by PostgreSQL`);
  assert.ok(read >= back.length * 0.3, `${read} of ${back.length} to_number cases read by PostgreSQL`);
});
