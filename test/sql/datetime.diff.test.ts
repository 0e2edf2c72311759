/**
 * timestamp, timestamptz, date and interval in SQL against PostgreSQL 18 (PGlite, TimeZone
 * UTC on both): columns with DEFAULT now(), literals, parameters (Date objects as PGlite sends
 * them), casts, comparisons across date and timestamp, ORDER BY / DISTINCT / GROUP BY, B-tree
 * indexes, min / max / sum / avg, arithmetic, date_trunc, extract, date_part, age, make_date,
 * to_timestamp, AT TIME ZONE, interval input and output, and the error texts (22007, 22008,
 * 22023, 0A000). Values are compared both as PGlite returns them (Date objects) and as text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { both, ours, theirs, checkAll } = await openSqlPair();
await both("SET TimeZone = 'UTC'");

const all = (label: string, sqls: readonly (string | [string, unknown[]])[]): Promise<void> => checkAll(label, sqls, undefined, 0);

test('a RAG schema: created_at timestamptz NOT NULL DEFAULT now(), filters, ordering and indexes', async () => {
  await both(`CREATE TABLE documents (id bigserial PRIMARY KEY, title text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(), published date, updated timestamp(3), ttl interval)`);
  await all('rag schema', [
    "INSERT INTO documents (title, published, updated, ttl) VALUES ('a', '2024-01-15', '2024-01-15 10:00:00.12345', '1 day'), ('b', '2023-12-31', '2024-02-29 23:59:59.9999', '36 hours'), ('c', NULL, NULL, NULL), ('d', '2024-01-15', '2024-01-01', '1 mon')",
    ['INSERT INTO documents (title, published, updated) VALUES ($1, $2, $3)', ['e', '2022-06-01', new Date(Date.UTC(2022, 5, 1, 12, 30, 15, 250))]],
    'SELECT count(*) FROM documents WHERE created_at <= now() AND created_at > now() - interval \'1 hour\'',
    'SELECT title, published, updated, ttl FROM documents ORDER BY id',
    'SELECT title, published::text, updated::text, ttl::text FROM documents ORDER BY id',
    'SELECT title FROM documents ORDER BY published DESC NULLS LAST, title',
    'SELECT title FROM documents ORDER BY ttl, title',
    "SELECT title FROM documents WHERE published >= '2024-01-01' ORDER BY title",
    "SELECT title FROM documents WHERE updated < '2024-02-01' ORDER BY title",
    "SELECT title FROM documents WHERE published < updated ORDER BY title",
    "SELECT title FROM documents WHERE published = timestamp '2024-01-15 00:00' ORDER BY title",
    ["SELECT title FROM documents WHERE published > $1 ORDER BY title", ['2023-12-31']],
    ["SELECT title FROM documents WHERE updated >= $1 ORDER BY title", [new Date(Date.UTC(2024, 0, 10))]],
    ['SELECT $1::timestamptz AS a, $2::date AS b, $3::timestamp AS c', [1704067200123, new Date(Date.UTC(2024, 0, 2)), '2024-01-01 10:00']],
    "EXPLAIN (COSTS OFF) SELECT title FROM documents WHERE updated > timestamp '2024-01-01'",
    "EXPLAIN (COSTS OFF) SELECT title FROM documents WHERE created_at < timestamptz '2030-01-01 00:00+00'",
    "EXPLAIN (COSTS OFF) SELECT title FROM documents WHERE ttl > interval '1 day'",
    'SELECT DISTINCT published FROM documents ORDER BY 1',
    'SELECT published, count(*) FROM documents GROUP BY published ORDER BY published NULLS FIRST',
    "SELECT ttl, count(*) FROM documents GROUP BY ttl ORDER BY ttl",
    'SELECT min(published), max(published), min(updated)::text, max(updated)::text, min(ttl), max(ttl), sum(ttl), avg(ttl) FROM documents',
    "SELECT count(*) FROM documents WHERE created_at::date = current_date",
  ]);
  await both('CREATE INDEX ON documents (published)');
  await both('CREATE INDEX doc_updated ON documents (updated DESC)');
  await all('rag schema indexed', [
    "SELECT title FROM documents WHERE published = '2024-01-15' ORDER BY title",
    "SELECT title FROM documents WHERE published BETWEEN '2024-01-01' AND '2024-12-31' ORDER BY title",
    "SELECT title FROM documents WHERE updated > '2024-01-01 00:00' ORDER BY updated DESC",
    'SELECT title, updated::text FROM documents ORDER BY updated DESC NULLS LAST LIMIT 2',
    "UPDATE documents SET published = published + 1 WHERE title = 'a'",
    "DELETE FROM documents WHERE published < '2023-01-01'",
    'SELECT title, published::text FROM documents ORDER BY published NULLS FIRST, title',
  ]);
});

test('now(), current_timestamp and friends: the transaction start, one value per statement', async () => {
  await all('clock', [
    'SELECT now() = current_timestamp, now() = transaction_timestamp(), current_date = now()::date, localtimestamp = now()::timestamp',
    'SELECT statement_timestamp() >= now(), clock_timestamp() >= now(), now() > timestamptz \'2024-01-01\'',
    "SELECT current_timestamp(0) <= now() + interval '1 second', length(current_timestamp(2)::text) <= 25",
    "SELECT now() - now(), age(now(), now())",
    "SELECT age(now()::date::timestamp) = interval '0'",
  ]);
});

test('input and output of literals and casts', async () => {
  await all('literals', [
    "SELECT '2024-02-29'::date, '2024-02-29 12:34:56.789'::timestamp, '2024-02-29 12:34:56.789+05:30'::timestamptz",
    "SELECT '2024-02-29'::date::text, '2024-02-29 12:34:56.789'::timestamp::text, '2024-02-29 12:34:56.789+05:30'::timestamptz::text",
    "SELECT 'infinity'::date::text, '-infinity'::timestamp::text, 'infinity'::timestamptz, '0001-01-01 BC'::date::text",
    "SELECT date '2024-01-01', timestamp '2024-01-01 10:00', timestamp with time zone '2024-01-01 10:00-02', timestamp without time zone '2024-01-01'",
    "SELECT '2024-01-01 10:00:00.123456'::timestamp(2)::text, '2024-01-01 10:00:00.5'::timestamptz(0)::text, '2024-01-01 23:59:59.9'::timestamp(0)::text",
    "SELECT '2024-13-01'::date",
    "SELECT 'yesterday-ish'::timestamp",
    "SELECT '2024-02-30'::timestamptz",
    "SELECT '2024-01-01 25:00'::timestamp",
    "SELECT '2024-01-01'::timestamp(-1)",
    "SELECT '2024-01-01'::date::timestamp::text, '2024-01-01 13:00'::timestamp::date::text, '2024-01-01 13:00+00'::timestamptz::timestamp::text, '2024-01-01 13:00'::timestamp::timestamptz::text",
    "SELECT '2024-01-01'::date::timestamptz::text, now()::date = current_date",
    "SELECT '2024-01-01'::text::date, cast('2024-01-01 00:00' as timestamp)::varchar",
    "SELECT 1::date",
    "SELECT '2024-01-01'::date::int",
    "SELECT ARRAY['2024-01-01'::date, '2024-02-01']::text, ARRAY[interval '1 day']::text",
    "SELECT pg_column_size('2024-01-01'::date), pg_column_size(now()), pg_column_size(interval '1 day')",
  ]);
});

test('interval input and output', async () => {
  const inputs = [
    '1 day', '2 hours', '1 day 02:00', '1 year 2 mons 3 days 04:05:06', '1.5 days', '1.5 months', '1.5 years', '-1 day',
    '-1 day 02:00', '1 day -02:00', '@ 1 day ago', '3 weeks', '10 minutes 5 seconds', '90 seconds', '25 hours', '1 mon -1 day',
    '0', '00:00', '1:2', '04:05:06.5', '-04:05:06', 'P1D', 'P1Y2M3DT4H5M6S', 'PT1.5S', 'P2W', '1 millisecond', '1500 us',
    '2 decades', '1 century', '1 millennium', '1 day 1 day', 'garbage', '', '1 fortnight', '5', '1.25', '100 years 11 mons',
    '2147483647 days', '2147483648 days', '1 min 30 sec', '7 d 5 h', '1yr', '45 mins', '-1.5 hours', '1 week 2 days',
    // Unit names compare on their first 10 characters (datetime.c's TOKMAXLEN).
    '4.124microseconxds', '4 microsecondsx', '4 usecond', '2 msecond', '3 millisecondsxx', '1 millenniumx', '4 microsecx', '4 secondsx',
  ];
  await all('interval literals', inputs.map((s) => `SELECT ${sqlString(s)}::interval::text`));
  await all('interval arithmetic', [
    "SELECT interval '1 day' + interval '2 hours', interval '1 day' - interval '36 hours', -interval '1 mon 2 days 03:00'",
    "SELECT interval '1 day' * 2, interval '1 mon' * 1.5, 2.5 * interval '1 hour', interval '1 day' / 3, interval '1 year' / 7",
    "SELECT interval '1 mon' = interval '30 days', interval '1 day' = interval '24 hours', interval '1 day' < interval '25 hours'",
    "SELECT interval '1 day' / 0",
    "SELECT interval '1 day' * 'nan'::float8",
    "SELECT interval '2147483647 days' + interval '1 day'",
    "SELECT interval '1 mon' * 3e9",
    "SELECT justify_hours(interval '50 hours'), justify_days(interval '65 days'), justify_hours(interval '-50 hours')",
    "SELECT extract(epoch from interval '1 year 2 mons 3 days 04:05:06.5'), extract(hour from interval '50 hours'), extract(month from interval '14 mons')",
    "SELECT date_part('epoch', interval '1 day'), date_part('second', interval '1 min 2.5 sec'), extract(quarter from interval '7 mons')",
    "SELECT date_trunc('hour', interval '1 day 05:34:12'), date_trunc('year', interval '3 years 4 mons')",
    "SELECT extract(dow from interval '1 day')",
    "SELECT date_part('microsecondsx', interval '1.5 sec'), extract(timezone_hour from timestamptz '2024-01-02 03:04:05+00')",
  ]);
});

test('interval typmods: SQL-standard literals, columns, casts and format_type', async () => {
  await both('CREATE TABLE ivt (a interval day, b interval(2), c interval hour to second(1), d interval minute to second, e interval year, f interval hour to minute)');
  await all('interval typmods', [
    // A bare number takes the literal's last field; the fields below it are dropped.
    "SELECT INTERVAL '7' DAY, INTERVAL '2' MINUTE, INTERVAL '3' HOUR, INTERVAL '5' YEAR, INTERVAL '5' MONTH, INTERVAL '1.5' SECOND",
    "SELECT INTERVAL '1 day 2 hours' HOUR, INTERVAL '1-2' YEAR TO MONTH, INTERVAL '3 4:05:06' DAY TO SECOND, INTERVAL '3 4:05:06' DAY TO MINUTE",
    "SELECT INTERVAL '10:20' MINUTE TO SECOND, INTERVAL '10:20' HOUR TO MINUTE, INTERVAL '10:20:30' HOUR TO SECOND, INTERVAL '4 10' DAY TO HOUR",
    "SELECT INTERVAL '1.234567' SECOND(3), '1.234567 s'::interval(2), INTERVAL(3) '1.23456 s', INTERVAL '-1.5555555' SECOND(2), INTERVAL '1' SECOND(7)",
    "SELECT INTERVAL '1 year 5 months 3 days' YEAR, '1 day 03:04:05.678'::interval hour to minute, CAST('5' AS interval month)",
    // Text is read as seconds first, then the typmod applies (CoerceViaIO), unlike a literal.
    "SELECT '7'::text::interval day, ('90 seconds'::text)::interval minute",
    "SELECT '1 s'::interval(-1)",
    "SELECT 'x'::interval(9999999)",
    "INSERT INTO ivt VALUES ('5', '1.555 s', '1 day 01:02:03.456', '10:20', '3 years 11 months', '10:20:30')",
    'SELECT * FROM ivt',
    "UPDATE ivt SET a = '3', d = '01:02', f = interval '1 day 05:06:07'",
    'SELECT a::text, d::text, f::text FROM ivt',
    "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'ivt'::regclass AND attnum > 0 ORDER BY attnum",
    "SELECT now() - INTERVAL '7' DAY < now(), INTERVAL '1' YEAR + INTERVAL '2' MONTH",
    // ARRAY[...]::t[] casts each element with the typmod (transformArrayExpr).
    "SELECT CAST(ARRAY['5', '1 hour'] AS interval day[]), ARRAY['3', '10:20']::interval minute to second[], ARRAY['5']::text[]::interval day[]",
  ]);
});

test('timestamp and date arithmetic', async () => {
  await all('arithmetic', [
    "SELECT timestamp '2024-01-31 10:00' + interval '1 month', timestamp '2024-02-29' + interval '1 year', timestamp '2024-03-31' - interval '1 mon'",
    "SELECT (timestamptz '2024-01-31 10:00+00' + interval '1 month 2 days 03:00')::text, (timestamp '2024-01-01' - interval '1.5 days')::text",
    "SELECT timestamp '2024-03-01 10:00' - timestamp '2024-02-28 12:30', timestamptz '2024-01-01' - timestamptz '2024-01-02 01:00'",
    "SELECT date '2024-03-01' - date '2024-02-01', date '2024-02-28' + 1, 7 + date '2024-12-30', date '2024-01-01' - 1",
    "SELECT (date '2024-01-31' + interval '1 mon')::text, (date '2024-01-01' - interval '1 hour')::text, (interval '2 days' + date '2024-01-01')::text",
    "SELECT date '2024-01-01' < timestamp '2024-01-01 00:00:01', date '2024-01-01' = timestamptz '2024-01-01 00:00+00', timestamp '2024-01-01' >= date '2024-01-02'",
    "SELECT timestamp '2024-01-01' - '1 day'",
    "SELECT date 'infinity' + 1, date 'infinity' - date '2024-01-01'",
    "SELECT timestamp '294276-12-31 23:00' + interval '2 hours'",
    "SELECT date '5874897-12-31' + 1",
    "SELECT age(timestamp '2024-03-01', timestamp '2023-01-31'), age(timestamp '2023-01-31', timestamp '2024-03-01 10:00'), age(timestamptz '2024-02-29', timestamptz '2020-03-01 12:00+00')",
    "SELECT make_date(2024, 2, 29), make_date(-44, 3, 15)::text, make_date(2023, 2, 29)",
    "SELECT make_timestamp(2024, 2, 29, 23, 59, 59.5)::text, make_timestamptz(2024, 1, 1, 0, 0, 0)::text, make_timestamptz(2024, 1, 1, 12, 30, 0.000001, 'UTC')::text",
    "SELECT make_timestamp(2023, 2, 29, 0, 0, 0)",
    "SELECT make_timestamp(2023, 1, 1, 25, 0, 0)",
    "SELECT make_timestamp(2023, 1, 1, 10, 0, 60.5)",
    "SELECT date_trunc('day', timestamptz '2024-05-17 12:34:56+00', 'UTC')::text, date_trunc('hour', timestamptz '2024-05-17 12:34:56+00', 'Etc/UTC')::text",
    "SELECT to_timestamp(0), to_timestamp(1704067200.123456)::text, to_timestamp(-1.5)::text",
    "SELECT isfinite(date 'infinity'), isfinite(timestamp '2024-01-01'), isfinite(interval '1 day')",
  ]);
});

test('date_trunc, extract and date_part', async () => {
  const ts = ["timestamp '2024-05-17 12:34:56.789123'", "timestamptz '2023-01-01 00:00:00+00'", "timestamp '2021-01-03 23:59:59.5'", "timestamp '2000-02-29 06:07:08'", "timestamp '0044-03-15 12:00 BC'", "timestamp 'infinity'"];
  const units = ['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', 'decade', 'century', 'millennium'];
  const fields = [...units, 'epoch', 'dow', 'isodow', 'doy', 'isoyear'];
  const sqls: string[] = [];
  for (const t of ts) {
    sqls.push(`SELECT ${units.map((u) => `date_trunc('${u}', ${t})::text`).join(', ')}`);
    sqls.push(`SELECT ${fields.map((f) => `extract(${f} from ${t})`).join(', ')}`);
    sqls.push(`SELECT ${fields.map((f) => `date_part('${f}', ${t})`).join(', ')}`);
  }
  const dates = ["date '2024-05-17'", "date '2021-01-03'", "date '2020-12-31'", "date '-infinity'"];
  for (const d of dates) {
    sqls.push(`SELECT ${['day', 'month', 'year', 'decade', 'century', 'millennium', 'quarter', 'week', 'dow', 'isodow', 'doy', 'isoyear', 'epoch'].map((f) => `extract(${f} from ${d})`).join(', ')}`);
    sqls.push(`SELECT date_trunc('month', ${d}), date_part('hour', ${d}), date_part('epoch', ${d})`);
  }
  sqls.push(
    "SELECT date_trunc('fortnight', timestamp '2024-01-01')",
    "SELECT date_trunc('dow', timestamp '2024-01-01')",
    "SELECT extract(hour from date '2024-01-01')",
    "SELECT extract(timezone from timestamptz '2024-01-01 00:00+00'), extract(timezone from timestamp '2024-01-01')",
    "SELECT date_part('YEAR', timestamp '2024-01-01'), extract(MONTH from timestamp '2024-07-01'), date_trunc('Day', timestamp '2024-07-01 12:00')",
  );
  await all('fields', sqls);
});

test('to_char with the common patterns', async () => {
  const ts = ["timestamp '2024-05-17 12:34:56.789123'", "timestamptz '2023-01-01 00:00:00+00'", "timestamp '2021-01-03 23:59:59.5'", "timestamptz '2000-02-29 06:07:08.000001+00'", "timestamp '0987-12-31 00:00'", "timestamp 'infinity'"];
  const fmts = [
    'YYYY-MM-DD HH24:MI:SS', 'YYYY-MM-DD"T"HH24:MI:SS.US', 'YYYY-MM-DD HH24:MI:SS.MS TZ', 'Mon DD, YYYY', 'Month DD YYYY', 'FMMonth FMDD, YYYY',
    'Day, DD Mon YYYY', 'FMDay dy DY', 'HH12:MI AM', 'hh:mi pm', 'HH:MI A.M. a.m.', 'MONTH month Month', 'YY YYY Y', 'Q WW IW IYYY',
    'DDD D ID', 'SSSS SSSSS', 'CC', 'tz TZ OF', 'FMHH24:FMMI', 'yyyy/mm/dd', '\\"Q\\" "a\\"b" - \\ /', '"Week "IW" of "IYYY', 'YYYY-MM-DD J',
    'DDth Mon, FMDDTH, HH24th', 'RM rm FMRM', 'W J IDDD IYY IY I', 'Y,YYY FF1 FF3 FF6', 'FMMS FMUS', 'TMMonth TMDay', 'x k é',
  ];
  const sqls: string[] = [];
  for (const t of ts) sqls.push(`SELECT ${fmts.map((f) => `to_char(${t}, ${sqlString(f)})`).join(', ')}`);
  await all('to_char', sqls);
  // PostgreSQL documents SP (spell mode) as not implemented; vecgres refuses it.
  const r = await ours("SELECT to_char(timestamp '2024-01-01', 'DDSP')");
  assert.equal(r.ok ? 'ok' : r.code, '0A000');
});

test('date/time values in IN, ANY, BETWEEN, CASE, COALESCE, GREATEST, UNION, joins and window functions', async () => {
  await both(`CREATE TABLE evs (id int PRIMARY KEY, at timestamptz, d date, span interval);
    INSERT INTO evs VALUES (1, '2024-01-01 10:00+00', '2024-01-01', '1 day'), (2, '2024-01-02 11:30+00', '2024-01-01', '24 hours'),
      (3, NULL, '2024-03-01', '1 mon'), (4, '2023-12-31 23:59:59.999999+00', NULL, '30 days'), (5, '2024-01-02 11:30+00', '2024-02-29', NULL)`);
  await all('expressions', [
    "SELECT id FROM evs WHERE d IN ('2024-01-01', '2024-02-29') ORDER BY id",
    "SELECT id FROM evs WHERE at NOT IN (timestamptz '2024-01-01 10:00+00') ORDER BY id",
    ["SELECT id FROM evs WHERE d = ANY($1::date[]) ORDER BY id", ['{2024-01-01,2024-03-01}']],
    "SELECT id FROM evs WHERE at BETWEEN '2024-01-01' AND '2024-01-02 12:00' ORDER BY id",
    "SELECT id, CASE WHEN at < '2024-01-02' THEN 'early' ELSE 'late' END, coalesce(at, '1970-01-01')::text, greatest(d, at)::text, least(d, date '2024-02-01')::text FROM evs ORDER BY id",
    "SELECT span, count(*) FROM evs GROUP BY span ORDER BY span NULLS LAST",
    "SELECT DISTINCT span FROM evs WHERE span IS NOT NULL ORDER BY span",
    "SELECT d FROM evs UNION SELECT at::date FROM evs ORDER BY 1 NULLS FIRST",
    "SELECT d::text FROM evs UNION ALL SELECT (at + span)::text FROM evs ORDER BY 1 NULLS FIRST",
    "SELECT a.id, b.id FROM evs a JOIN evs b ON a.at = b.at AND a.id < b.id ORDER BY 1, 2",
    "SELECT a.id, b.id FROM evs a JOIN evs b ON a.span = b.span AND a.id < b.id ORDER BY 1, 2",
    "SELECT id, at - lag(at) OVER (ORDER BY at, id) AS gap, max(d) OVER () FROM evs ORDER BY id",
    "SELECT date_trunc('day', at) AS day, count(*), min(at)::text, max(span) FROM evs GROUP BY 1 ORDER BY 1 NULLS LAST",
    "SELECT id FROM evs WHERE at IS DISTINCT FROM timestamptz '2024-01-02 11:30+00' ORDER BY id",
    "SELECT id FROM evs WHERE extract(year from d) = 2024 AND date_part('month', at) = 1 ORDER BY id",
  ]);
});

test('AT TIME ZONE with UTC and interval offsets', async () => {
  await all('time zones', [
    "SELECT (timestamptz '2024-01-01 12:00+00' AT TIME ZONE 'UTC')::text, (timestamp '2024-01-01 12:00' AT TIME ZONE 'utc')::text",
    "SELECT (timestamptz '2024-01-01 12:00+00' AT TIME ZONE interval '+05:30')::text, (timestamp '2024-01-01 12:00' AT TIME ZONE interval '-03:00')::text",
    "SELECT timestamptz '2024-01-01 12:00+00' AT TIME ZONE interval '1 day'",
    "SELECT pg_typeof(1) IS NULL",
  ].filter((s) => !s.includes('pg_typeof')));
});

test('a DateStyle vecgres does not print in is refused (0A000), never ignored', async () => {
  for (const sql of ["SET DateStyle = 'SQL, DMY'"]) {
    assert.equal((await theirs(sql)).ok, true, `PostgreSQL accepts ${sql}`);
    const r = await ours(sql);
    assert.equal(r.ok ? 'ok' : r.code, '0A000', sql);
  }
  await both("SET TimeZone = 'UTC'");
  await both("SET DateStyle = 'ISO, MDY'");
  for (const sql of ["SET TimeZone = 'Etc/UTC'", "SET TimeZone = 'utc'", "SET DateStyle = 'iso, dmy'"]) assert.equal((await ours(sql)).ok, true, sql);
  await both("SET TimeZone = 'UTC'");
});

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
