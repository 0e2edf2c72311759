/**
 * The session's TimeZone against PostgreSQL 18 (PGlite): a seeded generator of instants near
 * DST transitions and at random, in about 25 zones, each with timestamptz output and input,
 * casts to timestamp and date and back, date_trunc, extract, to_char with TZ / OF / TZH / TZM,
 * `+ interval '1 day'` against `+ interval '24 hours'`, and AT TIME ZONE; compared as text.
 * VECGRES_SEED picks the seed, VECGRES_SESSION_TZ_CASES asks for more cases. Also SHOW,
 * current_setting, pg_settings, SET TIME ZONE forms, RESET and rollback of a SET.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { Prng } from '../../src/common/prng.js';

const pair = await openSqlPair();
const { check, both } = pair;
const seed = Number(process.env['VECGRES_SEED'] ?? 20260328);
const cases = Number(process.env['VECGRES_SESSION_TZ_CASES'] ?? 120);

/** Zones with DST both ways, half- and quarter-hour offsets, negative DST, numeric abbreviations, links. */
const ZONES = [
  'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'America/Chicago', 'Europe/London', 'Europe/Dublin',
  'Europe/Lisbon', 'Europe/Moscow', 'Asia/Kolkata', 'Asia/Kathmandu', 'Asia/Tokyo', 'Asia/Shanghai', 'Australia/Sydney',
  'Australia/Adelaide', 'Australia/Lord_Howe', 'Pacific/Auckland', 'Pacific/Chatham', 'America/St_Johns', 'America/Sao_Paulo',
  'America/Santiago', 'Asia/Tehran', 'Africa/Cairo', 'Asia/Jerusalem', 'US/Eastern', 'UTC', 'Etc/GMT+5',
];
/** Other spellings of a session zone: offsets, POSIX names, case. */
const SETTINGS = ["'europe/berlin'", "'UTC+3'", "'<+05>-05'", '5', '-3.5', "'+02'", "INTERVAL '+05:30' HOUR TO MINUTE", "'EST'", "'Etc/UTC'"];

/** Local dates near the 2020s' DST changes of the northern and southern hemispheres. */
const TRANSITIONS = ['03-08', '03-10', '03-27', '03-29', '03-31', '04-05', '09-27', '10-04', '10-25', '10-27', '11-01', '11-03'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function instant(p: Prng): string {
  const r = p.next();
  if (r < 0.6) {
    // Around a transition: the hours before and after 00:00-04:00 local time.
    const year = 2000 + p.int(30);
    return `${year}-${TRANSITIONS[p.int(TRANSITIONS.length)]!} ${two(p.int(6))}:${two(15 * p.int(4))}:00+00`;
  }
  const year = r < 0.9 ? 1997 + p.int(40) : 1950 + p.int(47);
  return `${year}-${two(1 + p.int(12))}-${two(1 + p.int(28))} ${two(p.int(24))}:${two(p.int(60))}:${two(p.int(60))}+00`;
}

/** The statements of one case: the session in `zone`, then the operations on instant `t`. */
function caseSqls(zone: string, t: string, local: string, withTz: boolean): string[] {
  const tz = `timestamptz '${t}'`;
  return [
    `SET TimeZone = '${zone}'`,
    `SELECT ${tz} AS out, ${tz}::text AS txt, timestamptz '${local}' AS input, timestamptz '${local}'::timestamp AS back`,
    `SELECT ${tz}::timestamp AS ts, ${tz}::date AS d, (${tz}::date)::timestamptz AS midnight, (${tz}::timestamp)::timestamptz AS same`,
    `SELECT ${tz} + interval '1 day' AS day, ${tz} + interval '24 hours' AS hours, ${tz} - interval '1 month' AS month, ${tz} + interval '1 mon 1 day 1 hour' AS mixed`,
    `SELECT date_trunc('day', ${tz}) AS day, date_trunc('hour', ${tz}) AS hour, date_trunc('month', ${tz}) AS month, date_trunc('week', ${tz}) AS week`,
    `SELECT extract(hour FROM ${tz}) AS h, extract(day FROM ${tz}) AS d, extract(epoch FROM ${tz}) AS e, extract(timezone FROM ${tz}) AS z, date_part('timezone_hour', ${tz}) AS zh, date_part('timezone_minute', ${tz}) AS zm, extract(dow FROM ${tz}) AS dow`,
    `SELECT to_char(${tz}, 'YYYY-MM-DD HH24:MI:SS OF TZH:TZM') AS c${withTz ? `, to_char(${tz}, 'TZ tz') AS abbrev` : ''}`,
    `SELECT timestamp '${local}' AT TIME ZONE 'America/New_York' AS ny, ${tz} AT TIME ZONE 'Asia/Kolkata' AS kol, age(${tz} + interval '40 days', ${tz}) AS age`,
    `SELECT make_timestamptz(${local.slice(0, 4)}, ${Number(local.slice(5, 7))}, ${Number(local.slice(8, 10))}, ${Number(local.slice(11, 13))}, 30, 0) AS made`,
  ];
}

test(`random instants x session zones agree with PostgreSQL (seed ${seed}, ${cases} cases)`, async () => {
  const p = new Prng(seed);
  const mismatches: string[] = [];
  let n = 0;
  for (let i = 0; i < cases; i++) {
    const zone = ZONES[p.int(ZONES.length)]!;
    const t = instant(p);
    const local = t.slice(0, -3);
    for (const s of caseSqls(zone, t, local, true)) {
      await check(s, mismatches);
      n++;
    }
  }
  await both("SET TimeZone = 'UTC'");
  if (mismatches.length > 0) console.log(`seed ${seed}: VECGRES_SEED=${seed} reproduces`);
  reportMismatches(`session zones (seed ${seed})`, mismatches, n, 0);
});

test('SET TimeZone spellings, SHOW, current_setting, pg_settings, RESET, SET LOCAL and rollback', async () => {
  const sqls: string[] = [];
  for (const s of SETTINGS) {
    sqls.push(
      `SET TIME ZONE ${s}`, 'SHOW TimeZone', "SELECT current_setting('TimeZone'), setting FROM pg_settings WHERE name = 'TimeZone'",
      "SELECT timestamptz '2026-07-01 12:00+00' AS a, timestamptz '2026-01-01 12:00' AS b, to_char(timestamptz '2026-07-01 12:00+00', 'OF TZH TZM') AS c",
    );
  }
  sqls.push(
    "SET TimeZone = 'Nowhere/Zone'", "SET TimeZone = 'PDT'", "SET TIME ZONE INTERVAL '1 day'", "SET TIME ZONE INTERVAL '1 month'",
    "SET TimeZone = 'Europe/Berlin'", 'RESET TimeZone', 'SHOW TimeZone',
    "SET TimeZone = 'Asia/Tokyo'", 'SET TIME ZONE LOCAL', 'SHOW TimeZone',
    "SET TimeZone = 'Asia/Tokyo'", 'SET TIME ZONE DEFAULT', 'SHOW TimeZone',
    'BEGIN', "SET LOCAL TimeZone = 'America/New_York'", "SELECT timestamptz '2026-07-01 12:00+00'", 'COMMIT', 'SHOW TimeZone',
    'BEGIN', "SET TimeZone = 'America/New_York'", 'ROLLBACK', 'SHOW TimeZone',
    "SELECT set_config('TimeZone', 'Australia/Sydney', false)", "SELECT timestamptz '2026-07-01 12:00+00'",
    "SET TimeZone = 'UTC'",
  );
  const mismatches: string[] = [];
  for (const s of sqls) await check(s, mismatches);
  reportMismatches('settings', mismatches, sqls.length, 0);
});

test('a prepared statement reads its literals in the zone it runs in', async () => {
  const mismatches: string[] = [];
  for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
    await both(`SET TimeZone = '${zone}'`);
    // Same text each time: an analysis cached under another zone must not be reused.
    await check("SELECT timestamptz '2026-03-08 02:30' AS t, now() - now() AS z, current_date - current_date AS d", mismatches);
    await check('SELECT $1::timestamptz AS t', mismatches, ['2026-03-08 02:30']);
  }
  await both("SET TimeZone = 'UTC'");
  reportMismatches('prepared', mismatches, 6, 0);
});
