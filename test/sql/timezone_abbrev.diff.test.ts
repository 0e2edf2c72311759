/**
 * tzdata's abbreviations against PostgreSQL 18 (PGlite): to_char's `TZ` / `tz` in every zone
 * PostgreSQL knows (pg_timezone_names) at seeded instants from 1850 to 2025, and the session
 * zone's own abbreviations in input and AT TIME ZONE (PostgreSQL 18 reads them before the
 * Default set: `IST` is +05:30 in Asia/Kolkata, +01 in Europe/Dublin, +02 elsewhere).
 *
 * Instants stop at 2025: later ones may fall under rules that tzdata releases changed since
 * (British Columbia's permanent daylight time, Morocco's), where Node's ICU, the tzdata the
 * abbreviations come from and PGlite's need not agree. VECGRES_SEED picks the seed,
 * VECGRES_TZ_ABBREV_INSTANTS asks for more instants per zone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { Prng } from '../../src/common/prng.js';
import { zoneHistory } from '../../src/types/tzdata.js';

const pair = await openSqlPair();
const { check, both, theirs } = pair;
const seed = Number(process.env['VECGRES_SEED'] ?? 20261202);
const perZone = Number(process.env['VECGRES_TZ_ABBREV_INSTANTS'] ?? 6);

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** A UTC instant between 1850 and 2025 (a third of them in 1900-1950, where most names changed). */
function instant(p: Prng): string {
  const r = p.next();
  const year = r < 0.1 ? 1850 + p.int(50) : r < 0.4 ? 1900 + p.int(50) : 1950 + p.int(76);
  return `${year}-${two(1 + p.int(12))}-${two(1 + p.int(28))} ${two(p.int(24))}:${two(p.int(60))}:00+00`;
}

const zonesResult = await theirs('SELECT name FROM pg_timezone_names ORDER BY name');
assert.ok(zonesResult.ok);
const ZONES = (zonesResult.rows as { name: string }[]).map((r) => r.name);

test(`to_char TZ in every zone PostgreSQL knows (seed ${seed}, ${perZone} instants each)`, async () => {
  assert.ok(ZONES.length > 500, `PGlite lists ${ZONES.length} zones`);
  const p = new Prng(seed);
  const mismatches: string[] = [];
  let n = 0;
  for (const zone of ZONES) {
    const cols = Array.from({ length: perZone }, (_, i) => {
      const t = instant(p);
      return `to_char(timestamptz '${t}', 'TZ') AS a${i}, to_char(timestamptz '${t}', 'tz OF') AS b${i}`;
    });
    await check(`SET TimeZone = '${zone}'`, mismatches);
    await check(`SELECT ${cols.join(', ')}`, mismatches);
    n += 2;
  }
  await both("SET TimeZone = 'UTC'");
  if (mismatches.length > 0) console.log(`seed ${seed}: VECGRES_SEED=${seed} reproduces`);
  reportMismatches(`to_char TZ (seed ${seed})`, mismatches, n, 0);
});

/** Session zones whose own abbreviations differ from the Default set's, or change meaning over time. */
const SESSION_ZONES = [
  'Asia/Kolkata', 'Europe/Dublin', 'Europe/London', 'Europe/Moscow', 'America/New_York', 'Asia/Jerusalem', 'Australia/Sydney',
  'America/Sao_Paulo', 'Asia/Shanghai', 'Pacific/Guam', 'America/Havana', 'Europe/Lisbon', 'Africa/Johannesburg', 'UTC+3', 'EST',
];

test(`the session zone's abbreviations in input and AT TIME ZONE (seed ${seed})`, async () => {
  const p = new Prng(seed + 1);
  const mismatches: string[] = [];
  let n = 0;
  for (const zone of SESSION_ZONES) {
    await check(`SET TimeZone = '${zone}'`, mismatches);
    const h = zone.includes('/') ? zoneHistory(zone) : null;
    const own = h === null ? [] : [...new Set(h.abbrevs)].filter((a) => /^[A-Za-z]+$/.test(a));
    const words = [...own, 'UTC', 'GMT', 'Z', 'IST', 'CST', 'EST', 'BST', 'MSK', 'LMT', 'xyz'];
    for (const w of words) {
      const t = instant(p).slice(0, -3);
      await check(`SELECT timestamptz '${t} ${w}'::text AS a, (timestamptz '${t}+00' AT TIME ZONE '${w}')::text AS b, (timestamp '${t}' AT TIME ZONE '${w}')::text AS c`, mismatches);
      n++;
    }
  }
  await both("SET TimeZone = 'UTC'");
  if (mismatches.length > 0) console.log(`seed ${seed}: VECGRES_SEED=${seed} reproduces`);
  reportMismatches(`session abbreviations (seed ${seed})`, mismatches, n, 0);
});

test('POSIX zones in literals and AT TIME ZONE (pg_tzset reads `x7` as 7 hours west)', async () => {
  const mismatches: string[] = [];
  const literals = [
    '1977-06-03 15:32:14.8x45', '1910-01-17T18:28:13.7x7', '2008-09-16T16:59:30x.99', '2020-01-01 12:00 abc+3', '2020-01-01 12:00 est5',
    '2020-01-01 12:00 EST5EDT', '2020-01-01 12:00 x200', '2020-01-01 12:00 x167', '2020-01-01 12:00 z-2:30', '2020-01-01 12:00 x.',
    '2020-01-01 12:00 t7', '2020-01-01 12:00 xyz.abc', '2020-01-01 12:00 x/y', '2020-01-01 12:00 x-', '2020-01-01 12:00:00.5x',
  ];
  const sqls: string[] = [];
  for (const l of literals) sqls.push(`SELECT '${l}'::timestamptz::text AS a`, `SELECT '${l}'::timestamp::text AS b`, `SELECT '${l}'::date::text AS c`);
  for (const z of ['x100', 'x200', '+20', 'utc3', 'x168', 'x167', 'abc-5:30', 'x.99']) {
    sqls.push(`SELECT (timestamptz '2020-01-01 12:00+00' AT TIME ZONE '${z}')::text AS a, (timestamp '2020-01-01 12:00' AT TIME ZONE '${z}')::text AS b`);
  }
  for (const s of sqls) await check(s, mismatches);
  reportMismatches('POSIX zones', mismatches, sqls.length, 0);
});
