/**
 * `x [NOT] IN (list)` typed as PostgreSQL's transformAExprIn: the argument and the items take a
 * common type, compared with the `=` that resolves against it (`date IN (timestamp, ...)`
 * compares timestamps; `int4 IN (int8, ...)` keeps the int4 = int8 operator), a constant
 * argument included; without a common type, the OR of each item's own `=`. Also prefix
 * operators: `+` on types that have none (interval, time), untyped arguments, `@`, `|/`, `||/`.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { same, both } = await openSqlPair();

await both(`CREATE TABLE d (id int PRIMARY KEY, dt date, ts timestamp, tz timestamptz, i int, b bigint, n numeric, vc varchar(5), c char(3), t text)`);
await both(`INSERT INTO d VALUES
  (1, '2024-01-01', '2024-01-01 00:00', '2024-01-01 00:00+00', 1, 1, 1.0, 'a', 'a', 'a'),
  (2, '2024-01-02', '2024-01-02 12:00', '2024-01-02 12:00+00', 2, 5000000000, 2.5, 'b ', 'b', 'b'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, '2024-01-03', '2024-01-03 00:00', '2024-01-03 00:00+05', 3, 3, 3, 'abc', 'abc', 'abc')`);
await both('CREATE INDEX d_dt ON d (dt)');
await both('CREATE INDEX d_i ON d (i)');

test('a column IN a list of another type compares in the common type', async () => {
  const lists = [
    "dt IN ('2024-01-01'::timestamp, '2024-01-02')",
    "dt IN ('2024-01-02 12:00'::timestamp, '2024-01-03')",
    "dt IN ('2024-01-01 00:00+00'::timestamptz)",
    "dt NOT IN ('2024-01-01'::timestamp, '2024-01-02')",
    "ts IN ('2024-01-01'::date, '2024-01-03'::date)",
    "tz IN ('2024-01-01'::date, ts)",
    'i IN (1.0, 2.5)',
    'i IN (2.0, 3)',
    'i IN (1, 5000000000)',
    'b IN (1, 3)',
    'b NOT IN (1, NULL)',
    'n IN (1, 3)',
    'n IN (2.5::float8, 1)',
    "vc IN ('a', 'b')",
    "vc IN ('b ', 'abc')",
    "c IN ('a  ', 'b')",
    "c IN ('a'::text, 'b')",
    "t IN ('a'::varchar, 'b'::char(3))",
    'i IN (id, 3)',
    'i IN (id)',
    'id NOT IN (i, 3)',
  ];
  for (const w of lists) await same(`SELECT id FROM d WHERE ${w} ORDER BY id`);
  for (const w of lists) await same(`SELECT id, ${w} AS r FROM d ORDER BY id`);
});

test('a constant argument', async () => {
  for (const e of [
    "date '2024-01-01' IN ('2024-01-01', '2024-01-02')",
    "date '2024-01-01' IN ('2024-01-01'::timestamp, '2024-01-02')",
    '2 IN (1.5, 2.0)',
    '2 NOT IN (1.5, 2.0)',
    '2 IN (1, 5000000000)',
    "'abc' IN ('abc', 'd')",
    "'a'::varchar(3) IN ('a', 'b')",
    "'a'::char(3) IN ('a ', 'b')",
    "'[1,2]'::vector IN ('[1,2]', '[3,4]')",
    'NULL IN (1, 2)',
    '1 IN (NULL, 1)',
    '3 NOT IN (1, NULL)',
    "1 IN (1, 'a')",
    "1 IN ('x', 2)",
    '1 IN (1::text, 2)',
    "'1 day'::interval IN ('24 hours', '2 days')",
  ]) {
    await same(`SELECT ${e} AS r`);
  }
  await same('SELECT $1::int IN (1, 2.5) AS a, $2::date IN ($3::timestamp, NULL) AS b', [2, '2024-01-01', '2024-01-01 00:00']);
});

test('prefix operators: + only for numbers; an untyped argument is float8 where every candidate is numeric, not unique otherwise', async () => {
  for (const e of [
    "+ interval '1 day'", "+'1 day'::interval", "+ time '01:00'", "- interval '1 day'", '+ 1.5', "+ '2'", '+ 2::int8',
    "- '2'", "~ '5'", "- '1 day'", "@ '-5'", "|/ '4'", "||/ '8'", "+ 'x'",
    '@ -5', '@ (-5)::int2', '@ -5.5', '@ -2.5::float4', '@ (-2147483647 - 1)', "@ '-1 day'::interval", '@ true',
    '|/ 16', '|/ 2.25', '|/ -1', '|/ 2::numeric', "|/ 'x'::text", '||/ 27', '||/ -8.0', '~ 5', '~ 5::int8', "~ B'101'",
  ]) {
    await same(`SELECT ${e} AS r`);
  }
  for (const e of ['+ $1', '- $1', '@ $1', '|/ $1']) await same(`SELECT ${e} AS r`, ['4']);
});
