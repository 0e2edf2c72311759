/**
 * Differential tests of gcd, lcm, factorial, width_bucket (numeric, float8 and thresholds array), scale, min_scale, trim_scale,
 * num_nulls and num_nonnulls against PostgreSQL 18 (PGlite): results and result types over
 * integer, bigint, numeric and double precision, overload resolution of untyped and smallint
 * arguments, range limits, NaN / infinities, and errors by SQLSTATE and message.
 */
import { test } from 'node:test';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { checkAll, both } = await openSqlPair();

const INT4_MIN = '(-2147483648)';
const INT8_MIN = '(-9223372036854775808)::int8';

test('gcd and lcm over integer, bigint and numeric', async () => {
  const qs: string[] = [];
  for (const f of ['gcd', 'lcm']) {
    for (const [a, b] of [['12', '18'], ['-12', '18'], ['12', '-18'], ['0', '0'], ['0', '7'], ['-7', '0'], ['1', '1'], ['2147483647', '2147483646'], [INT4_MIN, '0'],
      [INT4_MIN, INT4_MIN], [INT4_MIN, '-1'], [INT4_MIN, '6'], [INT4_MIN, '1'], ['65536', '65536'], ['46341', '46340']]) {
      qs.push(`SELECT ${f}(${a}, ${b}) AS r, pg_typeof(${f}(${a}, ${b})) AS t`);
      qs.push(`SELECT ${f}(${a}::int8, ${b}::int8) AS r`, `SELECT ${f}(${a}::numeric, ${b}::numeric) AS r`);
    }
    for (const [a, b] of [[INT8_MIN, '0'], [INT8_MIN, INT8_MIN], [INT8_MIN, '-1'], [INT8_MIN, '1'], ['9223372036854775807', '9223372036854775806'], ['4294967296', '4294967296'], ['3037000499', '3037000498']]) {
      qs.push(`SELECT ${f}(${a}, ${b}) AS r`, `SELECT ${f}(${a}::numeric, ${b}::numeric) AS r`);
    }
    for (const [a, b] of [['1.50', '0.250'], ['1.5', '0.25'], ['-0.3', '0.12'], ['0.00', '5'], ['5', '0.000'], ['123456789012345678901234567890.5', '0.25'], ['1e-20', '3e-21'],
      ["'NaN'", '1'], ['1', "'NaN'"], ["'Infinity'", '1'], ["'-Infinity'", "'Infinity'"], ['0', "'NaN'"]]) {
      qs.push(`SELECT ${f}(${a}::numeric, ${b}::numeric) AS r`);
    }
    qs.push(`SELECT ${f}(1::int2, 2::int2)`, `SELECT ${f}('1', '2')`, `SELECT ${f}(4, 6::int8) AS r, pg_typeof(${f}(4, 6::int8))`, `SELECT ${f}(4, 6.0) AS r, pg_typeof(${f}(4, 6.0))`);
    qs.push(`SELECT ${f}(1.5::float8, 2)`, `SELECT ${f}(1)`, `SELECT ${f}(NULL::int, 2) AS r`, `SELECT ${f}(NULL, 2.5) AS r`);
  }
  const rng = new Prng(SEED);
  for (let i = 0; i < 40; i++) {
    const a = (rng.int(2_000_001) - 1_000_000) * (rng.int(3) + 1);
    const b = (rng.int(2_000_001) - 1_000_000) * (rng.int(3) + 1);
    qs.push(`SELECT gcd(${a}, ${b}) AS g, lcm(${a}::int8, ${b}) AS l, gcd(${a / 100}, ${b / 1000}) AS gn, lcm(${a / 100}, ${b / 1000}) AS ln`);
  }
  await checkAll('gcd / lcm', qs, undefined, SEED);
});

test('factorial', async () => {
  const qs: string[] = [];
  for (const n of ['0', '1', '2', '5', '20', '21', '100', '-1', INT8_MIN, '32177', '32178', '9223372036854775807', '3::int2', 'NULL']) {
    qs.push(`SELECT factorial(${n}) AS r`);
  }
  qs.push(`SELECT pg_typeof(factorial(3)), length(factorial(32177)::text), factorial(1000) % 1000007 AS m`);
  qs.push(`SELECT factorial(5.0)`, `SELECT factorial('5')`, `SELECT factorial(5::float8)`);
  await checkAll('factorial', qs, undefined, SEED);
});

test('width_bucket over numeric and double precision', async () => {
  const qs: string[] = [];
  const cases: [string, string, string, string][] = [
    ['5', '0', '10', '3'], ['0', '0', '10', '3'], ['10', '0', '10', '3'], ['-1', '0', '10', '3'], ['9.999', '0', '10', '3'], ['5', '10', '0', '3'], ['10', '10', '0', '3'],
    ['0', '10', '0', '3'], ['11', '10', '0', '3'], ['3.3', '0', '10', '3'], ['6.6', '0', '10', '3'], ['5.35', '0.024', '10.06', '5'], ['-5.2', '-10', '10', '7'],
    ['0.1', '0', '0.3', '3'], ['0.2', '0', '0.3', '3'], ['0.3', '0', '0.3', '3'], ['2.5', '0', '10', '2147483647'], ['10', '0', '2', '2147483647'], ['-1', '0', '2', '2147483647'],
    ['5', '1', '1', '3'], ['5', '0', '10', '0'], ['5', '0', '10', '-1'], ["'NaN'", '0', '10', '3'], ['5', "'NaN'", '10', '3'], ['5', '0', "'Infinity'", '3'],
    ["'-Infinity'", '0', '10', '3'], ["'Infinity'", '0', '10', '3'], ["'Infinity'", '10', '0', '3'], ['1e300', '-1e308', '1e308', '10'], ['-1e307', '-1.5e308', '1.6e308', '1000'],
    ['NULL', '0', '10', '3'], ['5', '0', '10', 'NULL'],
  ];
  for (const [o, l, h, c] of cases) {
    qs.push(`SELECT width_bucket(${o}::float8, ${l}, ${h}, ${c}) AS r`);
    if (!/e30/.test(o + l + h)) qs.push(`SELECT width_bucket(${o}::numeric, ${l}, ${h}, ${c}) AS r`);
  }
  qs.push(`SELECT width_bucket(5, 0, 10, 3) AS a, width_bucket(5.0, 0, 10, 3) AS b, width_bucket('5', '0', '10', 3) AS c, pg_typeof(width_bucket(5.0, 0, 10, 3))`);
  qs.push(`SELECT width_bucket(5, 0, 10)`, `SELECT width_bucket(5, 0, 10, 3.5)`);
  // Random operands: the float8 form's rounding (count * ((x - lo) / (hi - lo))) near bucket edges.
  const rng = new Prng(SEED);
  for (let i = 0; i < 60; i++) {
    const lo = (rng.int(2001) - 1000) / 10;
    const hi = lo + (rng.int(2000) + 1) / 10;
    const x = lo + (rng.int(Math.round((hi - lo) * 10) + 1)) / 10;
    const n = rng.int(50) + 1;
    qs.push(`SELECT width_bucket(${x}::float8, ${lo}, ${hi}, ${n}) AS f, width_bucket(${x}, ${lo}, ${hi}, ${n}) AS n, width_bucket(${x}::float8, ${hi}, ${lo}, ${n}) AS fr, width_bucket(${x}, ${hi}, ${lo}, ${n}) AS nr`);
  }
  await checkAll('width_bucket', qs, undefined, SEED);
});

test('width_bucket over an array of thresholds', async () => {
  const qs: string[] = [];
  for (const x of ['5', '0', '1', '9', '10', '-3', '5.5', '2.5::float8', "'NaN'::float8", 'NULL::int']) {
    for (const arr of ['array[1, 3, 5, 7, 9]', 'array[1.5, 6]', "'{}'::int[]", 'array[9, 1, 3, 6, 2]', 'array[5, 5, 5]', "array[1, 'NaN'::float8]", 'NULL::int[]']) {
      qs.push(`SELECT width_bucket(${x}, ${arr}) AS r`);
    }
  }
  qs.push(`SELECT width_bucket('b', array['a', 'c']) AS a, width_bucket('5', '{1,7}') AS b, width_bucket(now(), array[now() - interval '1 day', now() + interval '1 day']) AS c`);
  qs.push(`SELECT width_bucket(5::int8, array[1::int2, 7::int2]) AS a, width_bucket('b'::varchar, array['a', 'c']) AS b, width_bucket(date '2020-01-01', array[date '2019-01-01']) AS c`);
  qs.push(`SELECT width_bucket(5, '{{1,2},{3,4}}'::int[])`, `SELECT width_bucket(5, array[1, NULL, 3])`, `SELECT width_bucket(5, array['a'])`, `SELECT width_bucket(5, 6)`);
  qs.push(`SELECT width_bucket('1', '2')`, `SELECT width_bucket(NULL, NULL)`, `SELECT width_bucket(x, array[2, 4]) FROM (VALUES (1), (3), (NULL), (5)) v(x) ORDER BY 1`);
  await checkAll('width_bucket thresholds', qs, undefined, SEED);
});

test('scale, min_scale and trim_scale', async () => {
  const qs: string[] = [];
  for (const v of ['1.2300', '0', '0.000', '-0.0', '100', '100.00', '1e5', '1.5e-20', '-123.456000', "'NaN'", "'Infinity'", "'-Infinity'", '12345678901234567890.1234567890000', 'NULL']) {
    qs.push(`SELECT scale(${v}::numeric) AS s, min_scale(${v}::numeric) AS m, trim_scale(${v}::numeric) AS t`);
  }
  qs.push(`SELECT scale(5), scale(1.5::float8), min_scale('1.50'), trim_scale('1.50'), pg_typeof(trim_scale(1.50)), pg_typeof(scale(1.5))`);
  qs.push(`SELECT scale('x')`, `SELECT trim_scale(1.5::float8)`);
  await both(`CREATE TABLE sc (v numeric)`);
  await both(`INSERT INTO sc VALUES (1.10), (2.000), (NULL), ('NaN'), (3)`);
  qs.push(`SELECT v, scale(v), min_scale(v), trim_scale(v) FROM sc ORDER BY v`);
  await checkAll('scale functions', qs, undefined, SEED);
});

test('num_nulls and num_nonnulls', async () => {
  const qs: string[] = [];
  for (const f of ['num_nulls', 'num_nonnulls']) {
    qs.push(`SELECT ${f}(1, NULL, 'a') AS r`, `SELECT ${f}(NULL) AS r`, `SELECT ${f}(NULL::int, NULL::text, 2.5, now()) AS r`, `SELECT ${f}(1) AS r, pg_typeof(${f}(1))`);
    qs.push(`SELECT ${f}(VARIADIC ARRAY[1, NULL, 3]) AS r`, `SELECT ${f}(VARIADIC NULL::int[]) AS r`, `SELECT ${f}(VARIADIC ARRAY[]::int[]) AS r`);
    qs.push(`SELECT ${f}(VARIADIC '{{1,NULL},{NULL,NULL}}'::int[]) AS r`, `SELECT ${f}(VARIADIC '{1,NULL}'::text[]) AS r`);
    qs.push(`SELECT ${f}()`, `SELECT ${f}(VARIADIC 1)`, `SELECT ${f}(VARIADIC '{1,NULL}')`, `SELECT ${f}(1, VARIADIC ARRAY[1, NULL])`);
    qs.push(`SELECT x, ${f}(x, y, x + y) FROM (VALUES (1, 2), (NULL, 3), (4, NULL), (NULL, NULL)) v(x, y) ORDER BY 1, 2`);
  }
  await checkAll('num_nulls', qs, undefined, SEED);
});
