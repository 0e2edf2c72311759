/**
 * POSIX TZ strings with daylight-saving rules against PostgreSQL 18 (PGlite): `x7y` (US rules
 * by default), `EST5EDT4,M3.2.0/2,M11.1.0/2`, `<+03>-3<+04>,M3.5.0,M10.5.0`,
 * `CET-1CEST,M3.5.0,M10.5.0/3`, southern-hemisphere rules, `Jn` and `n` days, negative and
 * past-24h rule times, and offsets without rules (`+05:30`, `x7`). A seeded generator of
 * instants from 1900 to 2100 (half of them on days where the rules change) checks, for each
 * zone as the session's TimeZone: timestamptz output, input of a local time (gaps and
 * overlaps), casts, to_char with TZ and OF, extract(timezone), the zone named in AT TIME ZONE,
 * timezone() and in a timestamptz literal. Then SET / SHOW of each spelling and PostgreSQL's
 * errors for out-of-range parts, and seeded mutations of the strings (a character inserted,
 * removed or replaced) accepted or refused as PostgreSQL does. VECGRES_SEED picks the seed,
 * VECGRES_POSIX_TZ_CASES asks for more cases.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { Prng } from '../../src/common/prng.js';

const { check, both } = await openSqlPair();
const seed = Number(process.env['VECGRES_SEED'] ?? 20261202);
const cases = Number(process.env['VECGRES_POSIX_TZ_CASES'] ?? 150);

/** POSIX zones: northern and southern rules, quoted names, rule forms, times past a day and negative, no rules. */
const ZONES = [
  'x7y', 'EST5EDT4,M3.2.0/2,M11.1.0/2', '<+03>-3<+04>,M3.5.0,M10.5.0', 'CET-1CEST,M3.5.0,M10.5.0/3',
  'AEST-10AEDT,M10.1.0,M4.1.0/3', 'NZST-12NZDT,M9.5.0,M4.1.0/3', 'x7y,M3.2.0/-2,M11.1.0/26', 'x7y,J60/1:30,300',
  '<-0330>3:30<-0230>,M3.2.0/2:00:30,M11.1.0', 'x7y8', 'abc5xyz,J1/0,J365/25', '+05:30', 'x7', 'UTC+3',
  // Degenerate rules: an hour of standard time a year, two transitions at one instant, equal offsets.
  'x7y,J60,J60', 'x7y,0,365', 'abc5xyz,J1/0,J365/24', 'x7y7,M3.2.0,M11.1.0',
];

/** Days on which the rules above change in some year (the 1st to 7th, 8th to 14th and last weeks of the months they name). */
const CHANGE_DAYS = ['03-01', '03-03', '03-08', '03-10', '03-12', '03-14', '03-25', '03-27', '03-29', '03-31', '04-01', '04-03', '04-05', '04-07',
  '09-24', '09-27', '09-30', '10-01', '10-04', '10-07', '10-25', '10-27', '10-29', '10-31', '11-01', '11-03', '11-05', '11-07', '02-29', '01-01', '12-31', '10-26'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** A UTC instant from 1900 to 2100 as `YYYY-MM-DD HH:MI:SS+00`. */
function instant(p: Prng): string {
  const year = 1900 + p.int(201);
  if (p.next() < 0.5) {
    let day = CHANGE_DAYS[p.int(CHANGE_DAYS.length)]!;
    if (day === '02-29' && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) day = '02-28';
    return `${year}-${day} ${two(p.int(24))}:${two(15 * p.int(4))}:${two(p.int(2) * 30)}+00`;
  }
  return `${year}-${two(1 + p.int(12))}-${two(1 + p.int(28))} ${two(p.int(24))}:${two(p.int(60))}:${two(p.int(60))}+00`;
}

function caseSqls(zone: string, other: string, t: string, local: string): string[] {
  const tz = `timestamptz '${t}'`;
  // Compared as text: a driver's Date would hide the offset a value is printed with.
  return [
    `SET TimeZone = '${zone}'`,
    `SELECT ${tz}::text AS out, timestamptz '${local}'::text AS input, (timestamptz '${local}'::timestamp)::text AS back, (${tz}::timestamp)::text AS ts, (${tz}::date)::text AS d`,
    `SELECT to_char(${tz}, 'YYYY-MM-DD HH24:MI:SS TZ tz OF TZH:TZM') AS c, extract(timezone FROM ${tz}) AS z, date_trunc('day', ${tz})::text AS day, (${tz} + interval '1 day')::text AS next`,
    `SELECT (${tz} AT TIME ZONE '${other}')::text AS at, (timestamp '${local}' AT TIME ZONE '${other}')::text AS at2, timezone('${other}', ${tz})::text AS fn`,
  ];
}

test(`random instants 1900-2100 x POSIX zones agree with PostgreSQL (seed ${seed}, ${cases} cases)`, async () => {
  const p = new Prng(seed);
  const mismatches: string[] = [];
  let n = 0;
  for (let i = 0; i < cases; i++) {
    const zone = ZONES[p.int(ZONES.length)]!;
    const other = ZONES[p.int(ZONES.length)]!;
    const t = instant(p);
    for (const s of caseSqls(zone, other, t, t.slice(0, -3))) {
      await check(s, mismatches);
      n++;
    }
  }
  await both("SET TimeZone = 'UTC'");
  if (mismatches.length > 0) console.log(`seed ${seed}: VECGRES_SEED=${seed} reproduces`);
  reportMismatches(`POSIX zones (seed ${seed})`, mismatches, n, seed);
});

test('a POSIX zone word in a timestamptz literal, and the session zone\'s own abbreviations', async () => {
  const sqls = [
    "SELECT timestamptz '2024-07-15 12:00 x7y'::text AS s, timestamptz '2024-01-15 12:00 x7y'::text AS w, timestamptz '2024-07-15 12:00 foo7bar'::text AS f",
    "SELECT timestamptz '2024-07-15 12:00 abc5xyz'::text AS s, timestamptz '2024-03-10 02:30 x7y'::text AS gap, timestamptz '2024-11-03 01:30 x7y'::text AS overlap",
    "SET TimeZone = 'abc5xyz,M3.2.0,M11.1.0'",
    "SELECT timestamptz '2024-01-15 12:00 xyz'::text AS dst_word, timestamptz '2024-07-15 12:00 abc'::text AS std_word, timestamptz '2024-07-15 12:00'::text AS plain",
    "SET TimeZone = 'abc5abc,M3.2.0,M11.1.0'",
    "SELECT timestamptz '2024-01-15 12:00 abc'::text AS w, timestamptz '2024-07-15 12:00 abc'::text AS s, to_char(timestamptz '2024-07-15 12:00+00', 'TZ OF') AS c",
    "SET TimeZone = 'UTC'",
    "SELECT ('2024-01-01 00:00'::timestamp AT TIME ZONE ':UTC')::text AS u, ('2024-07-01 00:00'::timestamp AT TIME ZONE ':Europe/Paris')::text AS p",
    "SELECT ('2024-01-01 00:00'::timestamp AT TIME ZONE ':x7y')::text",
  ];
  const mismatches: string[] = [];
  for (const s of sqls) await check(s, mismatches);
  reportMismatches('zone words', mismatches, sqls.length, 0);
});

test('SET TimeZone to POSIX strings: SHOW, and PostgreSQL\'s errors for parts out of range', async () => {
  const values = [
    ...ZONES, 'est5edt', 'Nowhere/Zone+5', 'GMT+5', 'a b7c d', '<a b>7<c d>', '<>7<y>', '7y', '+7y', 'x7y-25', 'x167y', 'x-16',
    'x7:59:60y', 'x7y,0,365', 'x7y,J1/0,J365/24', 'x7y,M3.2.0/167,M11.1.0/-167', 'EST5EDT4,M03.02.00/2,M11.1.0/2', 'EST5EDT4,M3.2.0/+2,M11.1.0/2',
    // Refused by PostgreSQL:
    'x7y,M3.2.0/170,M11.1.0/-170', 'x7y,M13.2.0,M11.1.0', 'x7y,M3.6.0,M11.1.0', 'x7y,M3.2.7,M11.1.0', 'x7y,J0,J300', 'x7y,J366,J300', 'x7y,366,300',
    'x7y,M3.2.0', 'x168y', 'x7:60y', 'x7:59:61y', ':x7', ':x7y', ':abc5xyz,M3.2.0,M11.1.0', '::UTC', ':5',
    // A leading colon names a zone file (tzload), never a POSIX string:
    ':UTC', ':america/new_york', ':EST5EDT', ':Etc/GMT+5', ':Zulu', 'x7y;M3.2.0,M11.1.0', 'x7y,M3.2.0;M11.1.0', 'EST5EDT4,M3.2.0/2,M11.1.0/2,', 'EST5EDT4,M3.2.0/,M11.1.0/2',
    'EST5EDT4,M3.2.0/2:60,M11.1.0/2', 'x7,M3.2.0,M11.1.0', '<x7y', 'x7<y', '', 'x', `x7${'y'.repeat(300)}`,
    // Numbers of hours east (pg_tzset_offset), within and past its range:
    '20', '167.5', '-167.99', '15.9999999', '168', '-168', '1e10', '+0530', 'inf',
  ];
  const sqls: string[] = [];
  for (const v of values) {
    sqls.push(`SET TimeZone = '${v}'`, 'SHOW TimeZone', "SELECT timestamptz '2024-07-15 12:00+00'::text AS s, to_char(timestamptz '2024-01-15 12:00+00', 'TZ OF') AS w");
  }
  sqls.push(
    "SELECT (timestamp '2024-07-15 12:00' AT TIME ZONE 'foo7bar,M3.2.0,M11.1.0')::text AS ok",
    "SELECT timestamp '2024-07-15 12:00' AT TIME ZONE 'foo7bar,M3.2.0' AS bad",
    "SELECT timezone('x7y,M13.2.0,M11.1.0', timestamptz '2024-07-15 12:00+00') AS bad",
    "SET TimeZone = 'UTC'",
  );
  const mismatches: string[] = [];
  for (const s of sqls) await check(s, mismatches);
  reportMismatches('SET TimeZone POSIX', mismatches, sqls.length, 0);
});

test(`mutated POSIX strings are accepted or refused as PostgreSQL does (seed ${seed})`, async () => {
  // Characters the grammar gives a meaning to, and some it does not.
  const alphabet = ['0', '1', '2', '5', '7', '9', ':', ',', '.', '/', '+', '-', '<', '>', 'M', 'J', 'x', 'y', ' ', ';', '6', '3'];
  const p = new Prng(seed + 1);
  const sqls: string[] = [];
  for (let i = 0; i < cases; i++) {
    let v = ZONES[p.int(ZONES.length)]!;
    const edits = 1 + p.int(2);
    for (let k = 0; k < edits; k++) {
      const at = p.int(v.length + 1);
      const r = p.next();
      const c = alphabet[p.int(alphabet.length)]!;
      if (r < 0.4) v = v.slice(0, at) + c + v.slice(at);
      else if (r < 0.7) v = v.slice(0, at) + v.slice(at + 1);
      else v = v.slice(0, at) + c + v.slice(at + 1);
    }
    sqls.push(`SET TimeZone = '${v}'`, 'SHOW TimeZone', "SELECT timestamptz '2024-07-15 12:00+00'::text AS s, timestamptz '2024-01-15 12:00'::text AS w, to_char(timestamptz '2024-01-15 12:00+00', 'TZ OF') AS c");
  }
  sqls.push("SET TimeZone = 'UTC'");
  const mismatches: string[] = [];
  for (const s of sqls) await check(s, mismatches);
  reportMismatches(`mutated POSIX strings (seed ${seed})`, mismatches, sqls.length, seed);
});
