/**
 * EXPLAIN prints constants in the session's TimeZone, as PostgreSQL's ruleutils does (it calls
 * timestamptz_out under the session's settings): against PostgreSQL 18 (PGlite), the EXPLAIN
 * (COSTS OFF) text of queries with timestamptz, date, timestamp, time and interval constants
 * in Filter, Index Cond, One-Time Filter, Sort Key, InitPlan, IN lists, VALUES, set
 * operations, aggregates and VERBOSE Output lines, under zones with and without daylight-saving time,
 * offsets written as numbers and as POSIX names, compared line by line. Also the same
 * statement text explained again after SET TimeZone (its cached analysis and plan are made
 * again in the new zone).
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';

const { check, both } = await openSqlPair();

await both('CREATE TABLE ev (id int PRIMARY KEY, ts timestamptz, d date, lts timestamp, iv interval, x int)');
await both(`INSERT INTO ev SELECT i, timestamptz '2024-01-01 00:00+00' + i * interval '7 days', date '2024-01-01' + i,
  timestamp '2024-01-01 00:00' + i * interval '5 hours', i * interval '1 hour', i % 7
  FROM generate_series(1, 60) i`);
await both('CREATE TABLE evk (ts timestamptz PRIMARY KEY, v int)');
await both(`INSERT INTO evk SELECT timestamptz '2024-01-01 00:00+00' + i * interval '1 day', i FROM generate_series(1, 30) i`);

/** Session zones: UTC, DST both ways, the US change across the instants below, number and POSIX offsets and rules, a half-hour zone. */
const ZONES = ["'UTC'", "'Europe/Berlin'", "'America/New_York'", "'+05:30'", "'CET-1CEST,M3.5.0,M10.5.0/3'", "'-3.5'", "INTERVAL '+05:30' HOUR TO MINUTE", "'Asia/Kolkata'", "'Australia/Sydney'"];

/** Queries whose EXPLAIN prints constants; instants on both sides of New York's and Berlin's 2024 changes. */
const QUERIES = [
  "SELECT * FROM ev WHERE ts > '2024-01-01 00:00+00'",
  "SELECT id FROM ev WHERE ts >= '2024-03-10 06:30+00' AND ts < '2024-03-10 07:30+00'",
  "SELECT id FROM ev WHERE ts BETWEEN '2024-10-27 00:30+00' AND '2024-11-03 06:30+00'",
  "SELECT id FROM ev WHERE d > '2024-02-01' AND lts < '2024-02-03 04:00' AND iv < '1 day 02:00'",
  "SELECT id FROM ev WHERE ts IN ('2024-01-08 00:00+00', '2024-07-01 12:00+00')",
  "SELECT id FROM ev WHERE ts = ANY (ARRAY['2024-01-08 00:00+00'::timestamptz, '2024-07-01 12:00+00'])",
  "SELECT id FROM ev WHERE ts + interval '1 day' > '1999-12-31 23:00:00.5+00'",
  "SELECT id FROM ev WHERE ts > '1900-06-01 12:00+00' AND ts < '2100-06-01 12:00+00'",
  "SELECT * FROM evk WHERE ts = '2024-01-05 00:00+00'",
  "SELECT id FROM ev ORDER BY ts - '2024-07-01 00:00+00'::timestamptz LIMIT 3",
  "SELECT id FROM ev WHERE ts > (SELECT max(ts) FROM ev WHERE ts < '2024-06-01 00:00+00')",
  "SELECT 1 WHERE now() > '2024-01-01 00:00+00'::timestamptz",
  "SELECT * FROM (VALUES ('2024-07-01 12:00+00'::timestamptz), ('2024-12-01 12:00+00')) v(t) WHERE t > '2024-08-01 00:00+00'",
  "SELECT id FROM ev WHERE ts > '2024-07-01 00:00+00' UNION ALL SELECT id FROM ev WHERE ts < '2024-01-15 00:00+00'",
  "SELECT x, count(*) FROM ev WHERE ts < '2024-12-01 00:00+00' GROUP BY x HAVING max(ts) > '2024-06-01 00:00+00'",
  "SELECT id, CASE WHEN ts > '2024-06-01 00:00+00' THEN 'late' ELSE 'early' END FROM ev WHERE coalesce(ts, '2024-01-01 00:00+00') > '2024-02-01 00:00+00'",
];

/** VERBOSE forms: Output lines of a Result (VERBOSE of a scan qualifies names differently in vecgres, apart from constants). */
const VERBOSE = [
  "SELECT '2024-07-01 12:00+00'::timestamptz AS t, '2024-01-01 12:00+00'::timestamptz AS u",
  "SELECT '2024-07-01 12:00+00'::timestamptz - '2024-01-01 12:00+00'::timestamptz AS d, ARRAY['2024-07-01 12:00+00'::timestamptz] AS a",
];

test('EXPLAIN prints constants in the session time zone, as PostgreSQL', async () => {
  const mismatches: string[] = [];
  let n = 0;
  for (const zone of ZONES) {
    await both(`SET TIME ZONE ${zone}`);
    for (const q of QUERIES) {
      await check(`EXPLAIN (COSTS OFF) ${q}`, mismatches);
      n++;
    }
    for (const q of VERBOSE) {
      await check(`EXPLAIN (COSTS OFF, VERBOSE) ${q}`, mismatches);
      n++;
    }
  }
  await both("SET TimeZone = 'UTC'");
  reportMismatches('EXPLAIN constants by zone', mismatches, n, 0);
});

test('the same statement explained again after SET TimeZone shows the new zone', async () => {
  const mismatches: string[] = [];
  for (const zone of ['UTC', 'Europe/Berlin', 'America/New_York', 'Europe/Berlin']) {
    await both(`SET TimeZone = '${zone}'`);
    // Same text each time: a plan cached under another zone must not be reused.
    await check("EXPLAIN (COSTS OFF) SELECT id FROM ev WHERE ts > '2024-07-01 00:00+00'", mismatches);
  }
  await both("SET TimeZone = 'UTC'");
  reportMismatches('EXPLAIN after SET TimeZone', mismatches, 4, 0);
});
