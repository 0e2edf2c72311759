/**
 * Where else a timestamptz is printed, in the session's TimeZone against PostgreSQL 18
 * (PGlite): JSON (to_json, to_jsonb, json_build_object / array, jsonb_build_object / array,
 * json_agg, their ::text), EXPLAIN's constants, and the DETAIL of constraint errors
 * (`Key (ts)=(...)`, `Failing row contains (...)`). Seeded instants near DST changes in a
 * few zones; VECGRES_SEED picks the seed, VECGRES_SESSION_TZ_OUTPUT_CASES asks for more.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { Prng } from '../../src/common/prng.js';

const pair = await openSqlPair();
const { check, both } = pair;
const seed = Number(process.env['VECGRES_SEED'] ?? 20261202);
const cases = Number(process.env['VECGRES_SESSION_TZ_OUTPUT_CASES'] ?? 40);

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Europe/Dublin', 'Asia/Kathmandu', 'UTC', 'UTC+3', 'America/St_Johns'];
const TRANSITIONS = ['03-08', '03-10', '03-27', '03-29', '03-31', '04-05', '10-04', '10-25', '10-27', '11-01', '11-03'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** A UTC instant: near the 2000s' DST changes, or anywhere 1850-2025, sometimes with fractional seconds. */
function instant(p: Prng): string {
  if (p.next() < 0.6) return `${2000 + p.int(26)}-${TRANSITIONS[p.int(TRANSITIONS.length)]!} ${two(p.int(6))}:${two(15 * p.int(4))}:00+00`;
  const frac = p.next() < 0.3 ? `.${p.int(1000000)}` : '';
  return `${1850 + p.int(176)}-${two(1 + p.int(12))}-${two(1 + p.int(28))} ${two(p.int(24))}:${two(p.int(60))}:${two(p.int(60))}${frac}+00`;
}

test(`timestamptz in JSON prints in the session zone (seed ${seed}, ${cases} cases)`, async () => {
  const p = new Prng(seed);
  const mismatches: string[] = [];
  let n = 0;
  for (let i = 0; i < cases; i++) {
    const zone = ZONES[p.int(ZONES.length)]!;
    const tz = `timestamptz '${instant(p)}'`;
    const ts = `timestamp '${instant(p).slice(0, -3)}'`;
    const sqls = [
      `SET TimeZone = '${zone}'`,
      `SELECT to_json(${tz})::text AS a, to_jsonb(${tz})::text AS b, to_json(${ts})::text AS c, to_json(${tz}::date)::text AS d`,
      `SELECT json_build_object('t', ${tz}, 'l', ${ts}, 'd', ${tz}::date, 'n', NULL::timestamptz)::text AS a, jsonb_build_object('t', ${tz}, 'l', ${ts})::text AS b`,
      `SELECT json_build_array(${tz}, ${ts}, ${tz}::date)::text AS a, jsonb_build_array(${tz}, ${ts})::text AS b, json_build_object(${tz}, 1)::text AS c`,
      `SELECT json_agg(x)::text AS a, jsonb_agg(x)::text AS b FROM (VALUES (${tz}), (${tz} + interval '1 month'), (NULL)) v(x)`,
    ];
    for (const s of sqls) {
      await check(s, mismatches);
      n++;
    }
  }
  const fixed = [
    "SELECT json_build_object('a', 1, 'b', NULL, 'c', 'x')::text, json_build_object()::text, json_build_array()::text, to_json('x'::text)::text, to_json(NULL::int)",
    "SELECT json_build_object(1, 2, true, 3, 'k', '{\"b\":  1}'::json, 'j', '{\"b\":  1}'::jsonb)::text, to_json(ARRAY['a', 'b'])::text, to_json(ARRAY[[1, 2], [3, 4]])::text",
    "SELECT to_json('infinity'::timestamptz)::text, to_json('-infinity'::date)::text, to_json(1.50)::text, to_json('NaN'::float8)::text",
    'SELECT json_build_object(NULL, 1)', "SELECT json_build_object('a')", 'SELECT json_build_object(ARRAY[1], 2)', 'SELECT to_json(1, 2)', 'SELECT to_json()',
  ];
  for (const s of fixed) {
    await check(s, mismatches);
    n++;
  }
  await both("SET TimeZone = 'UTC'");
  if (mismatches.length > 0) console.log(`seed ${seed}: VECGRES_SEED=${seed} reproduces`);
  reportMismatches(`json (seed ${seed})`, mismatches, n, 0);
});

test(`constraint errors print timestamptz keys and rows in the session zone (seed ${seed})`, async () => {
  const p = new Prng(seed + 1);
  const mismatches: string[] = [];
  const sqls: string[] = [
    'CREATE TABLE tz_parent (ts timestamptz PRIMARY KEY)',
    'CREATE TABLE tz_events (id int PRIMARY KEY, ts timestamptz UNIQUE, d date, l timestamp, CHECK (ts < \'2030-01-01 00:00+00\'), p timestamptz REFERENCES tz_parent)',
    'CREATE TABLE tz_pk (ts timestamptz, n int, PRIMARY KEY (ts, n))',
  ];
  for (let i = 0; i < 12; i++) {
    const zone = ZONES[p.int(ZONES.length)]!;
    const t = instant(p);
    sqls.push(
      `SET TimeZone = '${zone}'`,
      `INSERT INTO tz_parent VALUES ('${t}')`,
      `INSERT INTO tz_parent VALUES ('${t}')`,
      `INSERT INTO tz_events VALUES (${i}, '${t}', '${t}'::timestamptz::date, '${t}'::timestamptz::timestamp, '${t}')`,
      `INSERT INTO tz_events VALUES (${100 + i}, '${t}', NULL, NULL, NULL)`,
      `INSERT INTO tz_events VALUES (${200 + i}, '2031-01-01 00:00+00', NULL, '${t}'::timestamptz::timestamp, NULL)`,
      `INSERT INTO tz_events VALUES (${300 + i}, NULL, NULL, NULL, '1999-12-31 23:00+00'::timestamptz + interval '${i} days')`,
      `INSERT INTO tz_pk VALUES ('${t}', 1), ('${t}', 1)`,
      `INSERT INTO tz_events VALUES (NULL, '${t}', NULL, NULL, NULL)`,
    );
  }
  sqls.push('CREATE TABLE tz_dup (ts timestamptz)', "INSERT INTO tz_dup VALUES ('2026-03-29 01:30+00'), ('2026-03-29 01:30+00')", "SET TimeZone = 'Europe/Berlin'", 'CREATE UNIQUE INDEX tz_dup_ts ON tz_dup (ts)');
  for (const s of sqls) await check(s, mismatches);
  await both("SET TimeZone = 'UTC'");
  await both('DROP TABLE tz_events, tz_parent, tz_pk, tz_dup');
  if (mismatches.length > 0) console.log(`seed ${seed}: VECGRES_SEED=${seed} reproduces`);
  reportMismatches(`constraint details (seed ${seed})`, mismatches, sqls.length, 0);
});
