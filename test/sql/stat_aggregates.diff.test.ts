/**
 * Differential tests of the statistical and bitwise aggregates (stddev, variance and their
 * _samp / _pop forms, corr, covar_*, regr_*, bit_and / bit_or / bit_xor, any_value) against
 * PostgreSQL 18 (PGlite): float8 results to the last digit (the Youngs-Cramer transition),
 * numeric results with PostgreSQL's scale, NULLs, GROUP BY, FILTER, DISTINCT, window frames,
 * and errors by SQLSTATE and message.
 */
import { test } from 'node:test';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { check, both, oracle } = await openSqlPair();
// Hash grouping keeps the scan order, as vecgres does, so float sums add rows in one order.
await oracle.exec('SET enable_sort = off');

await both(`CREATE TABLE st (id integer PRIMARY KEY, g text, s smallint, n integer, b bigint, r real, d double precision, m numeric, m2 numeric(10,3), bits bit(4))`);
{
  const rng = new Prng(SEED);
  const rows: string[] = [];
  const maybe = (s: string): string => (rng.int(8) === 0 ? 'NULL' : s);
  for (let i = 1; i <= 50; i++) {
    const g = ['a', 'b', 'c', null][rng.int(4)];
    rows.push(`(${i}, ${g === null ? 'NULL' : `'${g}'`}, ${maybe(String(rng.int(200) - 100))}, ${maybe(String(rng.int(2_000_001) - 1_000_000))}, ` +
      `${maybe(String((rng.int(1_000_000) - 500_000) * 1_000_003))}, ${maybe(String((rng.int(2001) - 1000) / 7))}, ${maybe(String((rng.int(200001) - 100000) / 13))}, ` +
      `${maybe(String((rng.int(200001) - 100000) / 100))}, ${maybe(String((rng.int(20001) - 10000) / 1000))}, ${maybe(`B'${rng.int(16).toString(2).padStart(4, '0')}'`)})`);
  }
  await both(`INSERT INTO st VALUES ${rows.join(', ')}`);
}

async function run(label: string, qs: readonly string[]): Promise<void> {
  const mismatches: string[] = [];
  for (const q of qs) await check(q, mismatches);
  reportMismatches(label, mismatches, qs.length, SEED);
}

const VARIANCE = ['stddev', 'stddev_samp', 'stddev_pop', 'variance', 'var_samp', 'var_pop'];

test('stddev and variance over every numeric column type, plain, grouped, filtered, distinct', async () => {
  const qs: string[] = [];
  for (const a of VARIANCE) {
    for (const c of ['s', 'n', 'b', 'r', 'd', 'm', 'm2', 'n + 0.5', 'd * 1e10']) {
      qs.push(`SELECT ${a}(${c}) AS x FROM st`);
      qs.push(`SELECT g, ${a}(${c}) FROM st GROUP BY g ORDER BY g`);
      qs.push(`SELECT ${a}(${c}) FILTER (WHERE id % 3 = 0), ${a}(DISTINCT ${c}) FROM st`);
    }
    qs.push(`SELECT ${a}(n) FROM st WHERE id = 1`, `SELECT ${a}(n) FROM st WHERE false`, `SELECT ${a}(m) FROM st WHERE id <= 2`);
    qs.push(`SELECT ${a}(x) FROM (VALUES (1.5), (1.5), (1.5)) v(x)`, `SELECT ${a}(x) FROM (VALUES (2.0::float8), (2.0)) v(x)`);
    qs.push(`SELECT ${a}(x) FROM (VALUES ('NaN'::numeric), (1)) v(x)`, `SELECT ${a}(x) FROM (VALUES ('Infinity'::numeric), (1)) v(x)`);
    qs.push(`SELECT ${a}(x) FROM (VALUES ('Infinity'::float8), (1)) v(x)`, `SELECT ${a}(x) FROM (VALUES ('NaN'::float8)) v(x)`);
    qs.push(`SELECT ${a}(x) FROM (VALUES (1e308::float8), (-1e308)) v(x)`, `SELECT ${a}(x) FROM (VALUES ('Infinity'::float8)) v(x)`);
    qs.push(`SELECT ${a}(x) FROM (VALUES (0.000001), (0.000002), (0.0000031)) v(x)`, `SELECT ${a}(x) FROM (VALUES (123456789012345678), (-3)) v(x)`);
    qs.push(`SELECT ${a}('1')`, `SELECT ${a}(1, 2)`, `SELECT ${a}('a'::text)`, `SELECT ${a}(x::real) FROM (VALUES (0.1), (0.2), (0.7)) v(x)`);
    qs.push(`SELECT pg_typeof(${a}(n)), pg_typeof(${a}(r)), pg_typeof(${a}(m)) FROM st`);
    // Numeric results at select_div_scale places, tiny and huge: the square root once looped
    // for hours here, on a Newton start below the root of a 300-digit radicand.
    qs.push(`SELECT ${a}(x) FROM (VALUES (0.00000000000000000001), (0.00000000000000000003), (0.000000000000000000071)) v(x)`);
    qs.push(`SELECT ${a}(x) FROM (VALUES (1e30), (3e30), (7.25e31)) v(x)`, `SELECT ${a}(x) FROM (VALUES (1e-300), (3e-300)) v(x)`);
    qs.push(`SELECT ${a}(x) FROM (VALUES (1.123456789012345678901234567890), (2), (3.5)) v(x)`);
    qs.push(`SELECT ${a}(x) FROM (VALUES (99999999999999999999999999999999999999), (1)) v(x)`, `SELECT ${a}(x::numeric(1000,500)) FROM (VALUES (1), (2)) v(x)`);
    qs.push(`SELECT ${a}(x) FROM (VALUES (1::numeric), ('-Infinity'), ('Infinity')) v(x)`, `SELECT ${a}(x) FROM (VALUES ('NaN'::numeric)) v(x)`);
  }
  await run('variance family', qs);
});

test('stddev and variance as window functions', async () => {
  const qs: string[] = [];
  for (const a of VARIANCE) {
    qs.push(`SELECT id, ${a}(d) OVER (ORDER BY id) FROM st ORDER BY id`);
    qs.push(`SELECT id, ${a}(m) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) FROM st ORDER BY id`);
    qs.push(`SELECT id, ${a}(n) FILTER (WHERE id % 2 = 0) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) FROM st ORDER BY id`);
    // Moving frames whose rows leave: the result's scale follows the rows in the frame, and a
    // NaN that left the frame no longer counts.
    qs.push(`SELECT i, ${a}(x) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM (VALUES (1, 1.0000000000000000000001), (2, 2), (3, 3), (4, 'NaN'), (5, 5), (6, 7)) t(i, x) ORDER BY i`);
    qs.push(`SELECT i, ${a}(x) OVER (ORDER BY i ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM (VALUES (1, 1e300::float8), (2, 'Infinity'), (3, 3), (4, 4.5)) t(i, x) ORDER BY i`);
  }
  await run('variance windows', qs);
});

const REGR = ['corr', 'covar_pop', 'covar_samp', 'regr_slope', 'regr_intercept', 'regr_r2', 'regr_count', 'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy'];

test('corr, covar and regr aggregates', async () => {
  const qs: string[] = [];
  for (const a of REGR) {
    for (const [y, x] of [['d', 'r'], ['n', 'd'], ['m', 's'], ['b', 'n'], ['d', 'd * 2 + 1']]) {
      qs.push(`SELECT ${a}(${y}, ${x}) FROM st`, `SELECT g, ${a}(${y}, ${x}) FROM st GROUP BY g ORDER BY g`);
    }
    qs.push(`SELECT ${a}(y, x) FROM (VALUES (1, 2), (2, 2), (3, 2)) v(y, x)`, `SELECT ${a}(y, x) FROM (VALUES (1, 1), (1, 2), (1, 3)) v(y, x)`);
    qs.push(`SELECT ${a}(y, x) FROM (VALUES (1, 1)) v(y, x)`, `SELECT ${a}(y, x) FROM (VALUES (1, NULL), (NULL, 2), (3, 4), (5, 7)) v(y, x)`);
    qs.push(`SELECT ${a}(y, x) FROM (VALUES (1e308::float8, 1), (-1e308, 2)) v(y, x)`, `SELECT ${a}(y, x) FROM (VALUES ('NaN'::float8, 1), (2, 3)) v(y, x)`);
    qs.push(`SELECT ${a}(y, x) FROM (VALUES ('Infinity'::float8, 1), (2, 3)) v(y, x)`, `SELECT ${a}(y, x) FROM (VALUES (1, 'Infinity'::float8), (2, 3)) v(y, x)`);
    // Sums of squares that underflow or overflow, and a correlation rounding past 1.
    qs.push(`SELECT ${a}(y, x) FROM (VALUES (1e-100::float8, 1e-100::float8), (2e-100, 3e-100), (5e-100, 4e-100)) v(y, x)`);
    qs.push(`SELECT ${a}(y, x) FROM (VALUES (1e100::float8, 1e100::float8), (2e100, 3e100), (5e100, 4e100)) v(y, x)`);
    qs.push(`SELECT ${a}(y, x) FROM (VALUES (1e200::float8, 1e200::float8), (2e200, 3e200), (5e200, 4e200)) v(y, x)`);
    qs.push(`SELECT ${a}(y, x) FROM (SELECT g * 0.7 + 3 y, g * 0.3 x FROM generate_series(1, 1000) g) s`);
    qs.push(`SELECT ${a}(d, r) FROM st WHERE false`, `SELECT ${a}('1', '2')`, `SELECT ${a}(1)`, `SELECT ${a}('a'::text, 1)`);
    qs.push(`SELECT id, ${a}(d, n) OVER (ORDER BY id ROWS 4 PRECEDING) FROM st ORDER BY id`);
    qs.push(`SELECT ${a}(d, n) FILTER (WHERE g = 'a'), pg_typeof(${a}(d, n)) FROM st`);
  }
  await run('regression family', qs);
});

test('bit_and, bit_or, bit_xor and any_value', async () => {
  const qs: string[] = [];
  for (const a of ['bit_and', 'bit_or', 'bit_xor']) {
    for (const c of ['s', 'n', 'b', 'bits', 'bits::varbit']) {
      qs.push(`SELECT ${a}(${c}), pg_typeof(${a}(${c})) FROM st`, `SELECT g, ${a}(${c}) FROM st GROUP BY g ORDER BY g`);
      qs.push(`SELECT id, ${a}(${c}) OVER (ORDER BY id ROWS 2 PRECEDING) FROM st ORDER BY id`);
    }
    qs.push(`SELECT ${a}(DISTINCT n) FILTER (WHERE id > 10) FROM st`, `SELECT ${a}(n) FROM st WHERE false`);
    qs.push(`SELECT ${a}(x) FROM (VALUES (B'101'), (B'11')) v(x)`, `SELECT ${a}('1')`, `SELECT ${a}(1.5)`, `SELECT ${a}(x) FROM (VALUES (-9223372036854775808), (9223372036854775807)) v(x)`);
  }
  qs.push(`SELECT any_value(n), any_value(g), any_value(m) FROM st WHERE id = 3`, `SELECT any_value(x) FROM (VALUES (NULL::int), (NULL), (4), (5)) v(x)`);
  qs.push(`SELECT g, any_value(g) FROM st GROUP BY g ORDER BY g`, `SELECT any_value('a')`, `SELECT any_value(n) FROM st WHERE false`);
  qs.push(`SELECT pg_typeof(any_value(r)), any_value(r) FROM st WHERE id = 2`, `SELECT id, any_value(n) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM st ORDER BY id`);
  await run('bitwise aggregates and any_value', qs);
});
