/**
 * time without time zone against PostgreSQL 18 (PGlite, TimeZone UTC and a zone east of it on
 * both): time_in's forms and errors, time(p) rounding, output, casts, time ± interval, time -
 * time, date + time, comparisons, extract / date_part, make_time, localtime, min / max, and a
 * table with time columns under ORDER BY, DISTINCT, GROUP BY, B-tree indexes, hash joins,
 * parameters, arrays and COPY. Rows, field types and errors (SQLSTATE and text) are compared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { both, db, checkAll } = await openSqlPair();
await both("SET TimeZone = 'UTC'");

const all = (label: string, sqls: readonly (string | [string, unknown[]])[]): Promise<void> => checkAll(label, sqls, undefined, 0);

/** Inputs time_in reads, and ones it rejects (22007 syntax, 22008 range, 22009 / 22023 zones). */
const INPUTS = [
  '12:34', '12:34:56.789', '1:02 PM', '1:02 am', '12:02 am', '12:02 pm', '0:30 pm', '13:00 pm', '24:00 am', '1:02PM',
  '24:00:00', '24:00:01', '25:00', '100:00', '12:60', '12:34:60', '23:59:60', '23:59:59.9999999', '12:34:56.7777777',
  '12:34:56.1234565', '12:34:56.1234575', 'allballs', 'ALLBALLS ', '12', '123', '1234', '12345', '123456', '123456.5',
  '12:34.5', '1:2', '12:34:5', '12:3:45', '12:34:56.', '000012:34', '12:0034', ' 12:34 ', '',
  '2024-01-01 12:34', '2024-02-29 23:59:59.5', '2024-13-01 12:34', '2024-02-30 12:34', '2023-02-29 01:00', '2024-01-01',
  'T12:34', '12:34:56+05', '12:34 +05:30', '12:34 -0800', '04:05:06.789-8', '12:34+16', '12:34 UTC', '12:34 gmt',
  '12:34 pm utc', '12:34:56 z', '12:34:56Z', '12:34:56 EST', '12:34:56.5 am', '12:00:00.5 AM', '12:34 am pm',
  '12:34 xyz', '12:34 foo/bar', '12:34:56 America/New_York', 'abc', 'infinity', 'epoch', '-1:00', '1 PM', '1pm',
  '12.5', '1e2:00', '12:34:56.abc', '12 34', '12:34:56 12:34:56', '12:34 2024-01-01', '2024-01-01T12:34:56Z',
  '2024-01-01 12:34 America/New_York', '2024-07-01 12:34 MSK', '12:34 MSK', '12:34 PM +05', '12:34:56.5 pm', '1234.5',
  '12:34 zulu', '12:34 x7', '12:34 +5', '12:34 +05:30:15', '12:34 +1:2:3:4', '12:34+ab', '12:34 jst',
  '99999999999999999999:00', '12:34:56.1234567890123456789', '0:0', '12:34 t', '12:34 allballs', '12:34 z z',
  '2024-1-1 1:2', '99999-01-01 12:00', '0000-01-01 12:00', '12:34:56.5 AM EST', '24:00 pm', '00:00 am', '12:34:59.9999995',
];

test('time_in: the forms PostgreSQL reads, and its errors', async () => {
  await all('time input', INPUTS.map((t) => `SELECT '${t}'::time::text AS t`));
  await all('time literals', [
    "SELECT time '12:34:56.5' AS a, '12:34'::time AS b, TIME '24:00' AS c",
    "SELECT pg_typeof(time '12:34'), '12:34'::time without time zone, '{12:34,01:00,NULL}'::time[]",
    "SELECT ARRAY[time '12:34', time '01:00']::text, pg_typeof(ARRAY[time '12:34'])",
  ]);
});

test('time(p): input, casts and columns round to p fractional digits', async () => {
  await all('typmod', [
    "SELECT '12:34:56.123456789'::time(3)::text, '12:34:56.5'::time(0)::text, '23:59:59.9'::time(0)::text",
    "SELECT '12:34:56.125'::time(2)::text, '12:34:56.135'::time(2)::text, '12:34:56.999999'::time(5)::text, '00:00'::time(0)::text",
    "SELECT time '12:34:56.789'::time(1), cast(time '12:34:56.789' AS time(2))::text, '12:34:56.789'::time(6)::text",
    "SELECT '12:34'::time(-1)",
    "SELECT localtime(2) IS NOT NULL, pg_typeof(localtime), pg_typeof(localtime(3))",
    "SELECT format_type('time(3)'::regtype, 3), format_type(1083, -1), format_type(1183, 2), 'time'::regtype::oid, 'time(2)[]'::regtype::oid",
  ]);
});

test('casts, operators, extract, date_part and make_time', async () => {
  await all('casts', [
    "SELECT '2024-01-01 12:34:56.5'::timestamp::time::text, '2024-01-01 12:34:56.5+00'::timestamptz::time::text",
    "SELECT 'infinity'::timestamp::time, '-infinity'::timestamptz::time",
    "SELECT interval '1 day 2 hours 3.5 sec'::time::text, interval '-2 hours'::time::text, interval '25 hours'::time::text",
    "SELECT interval '1 mon 3 hours'::time::text, interval '-1 microsecond'::time::text, interval '24 hours'::time::text",
    "SELECT time '12:34'::interval::text, time '24:00'::interval, time '12:34'::text, '12:34'::time::varchar",
    "SELECT '12:34'::time::timestamp",
    "SELECT time '12:34'::date",
    "SELECT 12::time",
    "SELECT time '12:34' = timestamp '2024-01-01 12:34'",
  ]);
  await all('operators', [
    "SELECT time '12:34' + interval '13 hours', time '12:34' - interval '13 hours', interval '1 hour' + time '12:34'",
    "SELECT time '12:34' - time '13:00', time '24:00' - time '00:00', time '24:00' + interval '0'",
    "SELECT time '12:34' + interval '1 mon 1 day', time '10:00' - interval '1 microsecond', time '23:00' + interval '-49 hours'",
    "SELECT date '2024-01-01' + time '12:34', time '12:34' + date '2024-01-01', date 'infinity' + time '01:00'",
    "SELECT date '2024-01-01' + time '24:00'",
    "SELECT time '12:34' < time '13:00', time '12:34' = '12:34:00', time '12:34' <> time '12:35', time '12:34' >= time '12:34'",
    "SELECT time '12:34' BETWEEN time '12:00' AND '13:00', greatest(time '12:34', '13:00'), least(time '12:34', '13:00')",
    "SELECT time '12:34' - 1",
    "SELECT + time '01:00'",
    "SELECT - time '12:34', time '12:34' + '1 hour', '1 hour' + time '12:34', time '12:34' - '01:00'",
    "SELECT time '12:34' = interval '12:34', time '12:34' < interval '13:00', time '12:34' + 1.5",
    "SELECT time '12:34' + time '01:00'",
    "SELECT time '12:34' * 2",
  ]);
  await all('fields', [
    "SELECT extract(hour from time '12:34:56.789'), extract(minute from time '12:34:56.789'), extract(second from time '12:34:56.789')",
    "SELECT extract(millisecond from time '12:34:56.789'), extract(microsecond from time '12:34:56.789'), extract(epoch from time '12:34:56.789')",
    "SELECT extract(hour from time '24:00'), extract(epoch from time '24:00'), date_part('epoch', time '24:00')",
    "SELECT date_part('hour', time '12:34:56.789'), date_part('second', time '12:34:56.789'), date_part('epoch', time '12:34:56.789')",
    "SELECT date_part('milliseconds', time '12:34:56.789'), date_part('microseconds', time '12:34:56.789'), date_part('min', time '00:59:00')",
    "SELECT extract(day from time '12:34')",
    "SELECT extract(foo from time '12:34')",
    "SELECT extract(timezone from time '12:34')",
    "SELECT date_part('dow', time '12:34')",
  ]);
  await all('make_time', [
    'SELECT make_time(12, 34, 56.789), make_time(24, 0, 0), make_time(12, 34, 60), make_time(12, 34, 59.9999999), make_time(0, 0, 0.0000005)',
    'SELECT make_time(25, 0, 0)',
    'SELECT make_time(12, 60, 0)',
    'SELECT make_time(-1, 34, 0)',
    'SELECT make_time(24, 0, 0.5)',
    "SELECT make_time(12, 34, 'NaN')",
  ]);
});

test('localtime is the session zone\'s time of the transaction start', async () => {
  await all('localtime', [
    'SELECT localtime = now()::time AS a, localtime = localtimestamp::time AS b, localtime(0) = now()::time(0) AS c',
    'SELECT localtimestamp(0) = now()::timestamp(0) AS a, current_timestamp(0) = now()::timestamptz(0) AS b',
  ]);
  await both("SET TimeZone = 'Asia/Kolkata'");
  await all('localtime east', [
    'SELECT localtime = now()::time AS a, localtime = localtimestamp::time AS b',
    "SELECT '2024-01-01 22:00:00+00'::timestamptz::time, '2024-07-01 22:00:00+00'::timestamptz::time(0)",
  ]);
  await both("SET TimeZone = 'UTC'");
});

test('a table of times: ORDER BY, DISTINCT, GROUP BY, min / max, B-tree indexes, joins, parameters and COPY', async () => {
  await both('CREATE TABLE shifts (id int PRIMARY KEY, starts time NOT NULL, ends time(0), breaks time[])');
  await both('CREATE TABLE slots (at time PRIMARY KEY, label text)');
  await all('shifts', [
    "INSERT INTO shifts VALUES (1, '09:00', '17:30:00.6', '{12:00,15:00}'), (2, '22:00', '06:00', NULL), (3, '09:00', NULL, '{}'), (4, '00:00', '24:00', NULL), (5, '12:34:56.789', '12:34:56.789', '{NULL}')",
    ["INSERT INTO shifts VALUES ($1, $2, $3)", [6, '13:15:30.25', '1:00 PM']],
    "INSERT INTO shifts VALUES (7, '25:00', NULL)",
    "INSERT INTO shifts VALUES (7, '12:00', '99:00')",
    "INSERT INTO slots VALUES ('09:00', 'morning'), ('12:34:56.789', 'odd'), ('22:00', 'night'), ('24:00', 'end')",
    "INSERT INTO slots VALUES ('9:00 AM', 'again')",
    'SELECT * FROM shifts ORDER BY id',
    'SELECT id, starts, ends FROM shifts ORDER BY starts DESC, id',
    'SELECT id, ends FROM shifts ORDER BY ends NULLS FIRST, id',
    'SELECT DISTINCT starts FROM shifts ORDER BY 1',
    'SELECT starts, count(*) FROM shifts GROUP BY starts ORDER BY starts',
    'SELECT min(starts), max(starts), min(ends), max(ends) FROM shifts',
    'SELECT sum(starts), avg(ends), sum(ends) FILTER (WHERE id > 2) FROM shifts',
    'SELECT id, sum(starts) OVER (ORDER BY id) FROM shifts ORDER BY id',
    'SELECT id, ends - starts AS length FROM shifts ORDER BY id',
    "SELECT id FROM shifts WHERE starts >= '09:00' AND starts < '13:00' ORDER BY id",
    "SELECT id FROM shifts WHERE ends > starts + interval '8 hours' ORDER BY id",
    'SELECT s.id, l.label FROM shifts s JOIN slots l ON l.at = s.starts ORDER BY s.id',
    'SELECT s.id, l.label FROM shifts s LEFT JOIN slots l ON l.at = s.ends ORDER BY s.id',
    'SELECT id FROM shifts WHERE starts IN (SELECT at FROM slots) ORDER BY id',
    ["SELECT id FROM shifts WHERE starts = $1 ORDER BY id", ['09:00:00']],
    "SELECT id, breaks[1], array_length(breaks, 1) FROM shifts ORDER BY id",
    "SELECT date '2024-03-01' + starts AS at FROM shifts ORDER BY id",
    "UPDATE shifts SET ends = ends + interval '30 minutes' WHERE id = 1",
    "UPDATE shifts SET ends = '23:59:59.6' WHERE id = 3",
    'SELECT id, ends FROM shifts ORDER BY id',
    "SELECT * FROM slots WHERE at = '24:00:00'",
  ]);
  await both('CREATE INDEX shifts_starts ON shifts (starts)');
  await both('CREATE INDEX shifts_ends ON shifts (ends DESC)');
  await both('SET enable_seqscan = off');
  await all('indexed', [
    "EXPLAIN (COSTS OFF) SELECT id FROM shifts WHERE starts = '09:00'",
    "SELECT id FROM shifts WHERE starts = '09:00' ORDER BY id",
    "SELECT id FROM shifts WHERE starts BETWEEN '08:00' AND '12:59:59' ORDER BY id",
    'SELECT id, ends FROM shifts WHERE ends IS NOT NULL ORDER BY ends DESC, id LIMIT 3',
    "SELECT id FROM shifts WHERE starts IN ('09:00', '00:00', '13:15:30.25') ORDER BY id",
    "EXPLAIN (COSTS OFF) SELECT * FROM slots WHERE at = '09:00'",
    "EXPLAIN (COSTS OFF) SELECT id FROM shifts WHERE starts < localtime ORDER BY starts",
    "SELECT * FROM slots WHERE at = '09:00'",
  ]);
  await both('RESET enable_seqscan');
  // A hash join on time keys: neither side has an index on its key.
  await both("CREATE TABLE marks (at time, note text)");
  await both("INSERT INTO marks VALUES ('09:00', 'a'), ('24:00:00', 'b'), ('00:00', 'c'), (NULL, 'd'), ('12:34:56.789', 'e'), ('9:00 am', 'f')");
  await all('hash join', [
    'EXPLAIN (COSTS OFF) SELECT s.id, m.note FROM shifts s JOIN marks m ON m.at = s.ends',
    'SELECT s.id, m.note FROM shifts s JOIN marks m ON m.at = s.ends ORDER BY s.id, m.note',
    'SELECT s.id, m.note FROM shifts s LEFT JOIN marks m ON m.at = s.ends ORDER BY s.id, m.note',
    'SELECT m.at, count(*) FROM marks m GROUP BY m.at ORDER BY m.at',
  ]);
  const copied = await db.query('COPY shifts TO STDOUT');
  assert.ok(copied !== undefined);
  await both('CREATE TABLE shifts_copy (id int PRIMARY KEY, starts time NOT NULL, ends time(0), breaks time[])');
  await all('copy', [
    'INSERT INTO shifts_copy SELECT * FROM shifts',
    'SELECT * FROM shifts_copy EXCEPT SELECT * FROM shifts',
    'SELECT count(*) FROM shifts_copy',
  ]);
});
