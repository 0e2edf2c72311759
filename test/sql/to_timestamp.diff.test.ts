/**
 * to_timestamp(text, text) and to_date(text, text) against PostgreSQL (PGlite), in a session
 * zone with daylight saving: the common templates, 12-hour clocks, fractions (MS, US, FFn),
 * offsets (TZH, TZM, OF), names (Month, Mon, Day), BC, centuries, Julian days, day of year,
 * weeks, ISO week dates, FM and FX, quoted literals, and their errors. Then a seeded sweep: random templates,
 * the text PostgreSQL's to_char makes of random timestamps with them, and that text mutated
 * (characters dropped, doubled, changed, spaces added), read back by both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Rng } from '../support/random_query/rng.js';

const { both, checkAll, oracle } = await openSqlPair();
await both(`SET TimeZone = 'America/New_York'`);

/** `to_timestamp(v, f)` and `to_date(v, f)` as text, for each pair. */
function cases(pairs: readonly (readonly [string, string])[]): [string, unknown[]][] {
  const out: [string, unknown[]][] = [];
  for (const [v, f] of pairs) {
    out.push([`SELECT to_timestamp($1, $2)::text AS t`, [v, f]]);
    out.push([`SELECT to_date($1, $2)::text AS d`, [v, f]]);
  }
  return out;
}

test('to_timestamp and to_date: templates, fields and errors as PostgreSQL', async () => {
  await checkAll('to_timestamp', [
    ...cases([
      ['2024-03-05 14:07:09', 'YYYY-MM-DD HH24:MI:SS'], ['05 Mar 2024', 'DD Mon YYYY'], ['12:30', 'HH24:MI'], ['2024', 'YYYY'],
      ['2024-03-05 2:07 PM', 'YYYY-MM-DD HH:MI AM'], ['2024-03-05 12:07 AM', 'YYYY-MM-DD HH:MI AM'], ['2024-03-05 12:07 p.m.', 'YYYY-MM-DD HH12:MI a.m.'],
      ['2024-03-05 14:07:09.123', 'YYYY-MM-DD HH24:MI:SS.MS'], ['2024-03-05 14:07:09.123456', 'YYYY-MM-DD HH24:MI:SS.US'],
      ['2024-03-05 14:07:09.5', 'YYYY-MM-DD HH24:MI:SS.FF1'], ['2024-03-05 14:07:09.123456', 'YYYY-MM-DD HH24:MI:SS.FF3'],
      ['2024-03-05 14:07:09 +05:30', 'YYYY-MM-DD HH24:MI:SS TZH:TZM'], ['2024-03-05 14:07:09 -03', 'YYYY-MM-DD HH24:MI:SS TZH'],
      ['2024-03-05 14:07 -0330', 'YYYY-MM-DD HH24:MI OF'], ['2024-03-05 14:07 +05:45', 'YYYY-MM-DD HH24:MI OF'], ['2024 -05', 'YYYY TZH'], ['2024 16', 'YYYY TZH'],
      ['20240305', 'YYYYMMDD'], ['2024-3-5', 'YYYY-MM-DD'], ['2024-13-05', 'YYYY-MM-DD'], ['2023-02-29', 'YYYY-MM-DD'], ['2024-02-29', 'YYYY-MM-DD'],
      ['March 5, 2024', 'Month DD, YYYY'], ['MARCH 5, 2024', 'FMMonth DD, YYYY'], ['Marc 5, 2024', 'Month DD, YYYY'], ['June 2024', 'Mon YYYY'],
      ['5 3 24', 'DD MM YY'], ['05-03-70', 'DD-MM-YY'], ['05-03-69', 'DD-MM-YY'], ['519', 'YYY'], ['520', 'YYY'], ['7', 'Y'],
      ['100', 'DDD'], ['2024 100', 'YYYY DDD'], ['2024 60', 'YYYY DDD'], ['2023 365', 'YYYY DDD'], ['2023 366', 'YYYY DDD'],
      ['2451545', 'J'], ['21 24', 'CC YY'], ['21 00', 'CC YY'], ['21', 'CC'], ['5 BC 44', 'CC BC YY'], ['2024 BC', 'YYYY BC'], ['44 B.C.', 'YYYY B.C.'],
      ['XII 2024', 'RM YYYY'], ['iv 2024', 'rm YYYY'], ['2,024', 'Y,YYY'], ['13 PM', 'HH PM'], ['0 AM', 'HH AM'], ['PM', 'AM'], ['', ''], ['abc', 'YYYY'],
      ['20', 'YYYY'], ['2024x', 'YYYYMM'], ['2024-03-05', 'YYYY-MM-DD-HH24'], ['2024   03', 'YYYY MM'], ['2024/03/05', 'YYYY-MM-DD'],
      ['  2024-03-05', 'YYYY-MM-DD'], ['2024-03-05', 'FXYYYY-MM-DD'], ['2024--03-05', 'FXYYYY-MM-DD'], ['2024 03 05', 'YYYY"x"MM DD'],
      ['2024x03 05', 'YYYY"x"MM DD'], ['1 2 3', 'DD DD DD'], ['12 2024 13', 'MM YYYY MM'], ['99999999999', 'YYYY'], ['2024 5', 'YYYY FMMM'],
      ['Tuesday 2024-03-05', 'Day YYYY-MM-DD'], ['2024 10 3', 'YYYY WW D'], ['2024 2', 'YYYY W'], ['3600', 'SSSS'], ['86399', 'SSSSS'],
      ['1st 2024', 'DDth YYYY'], ['2024-03-10 02:30', 'YYYY-MM-DD HH24:MI'], ['2024-11-03 01:30', 'YYYY-MM-DD HH24:MI'],
      ['a.m. 10', 'a.m. HH'], ['10000000', 'YYYY'], ['-44', 'YYYY'], ['294277', 'YYYY'], ['2024 Q3', 'YYYY "Q"Q'], ['24:00', 'HH24:MI'],
      ['2024-03-05T14:07', 'YYYY-MM-DD"T"HH24:MI'], ['2024-03-05T14:07', 'YYYY-MM-DDTHH24:MI'], ['14h07', 'HH24"h"MI'], ['12:60', 'HH24:MI'],
      ['IV  ,08607,2416960-7T08', 'FXRM,MSMI,J-FMMITFMFF2'], ['16Sunday  /1637014.am,III', 'FXMIDay/MIFMSSSS.pm,FMRM'], ['2024  x', 'FXYYYY,MM'],
      ['2024 W', 'YYYY IW'], ['2024 1', 'IYYY D'], ['2024 10 3', 'IYYY IW ID'], ['2024 10', 'IYYY IW'], ['2024 100', 'IYYY IDDD'],
      ['2024 1 7', 'IYYY IW ID'], ['2020 53 1', 'IYYY IW ID'], ['2021 53 1', 'IYYY IW ID'], ['2024 10 3', 'YYYY IW D'], ['100', 'IDDD'], ['2019 371', 'IYYY IDDD'], ['5000000', 'J'], ['2024-03-05 14:07:09.1234567', 'YYYY-MM-DD HH24:MI:SS.US'],
    ]),
    [`SELECT to_timestamp(NULL, 'YYYY') AS a, to_date('2024', NULL) AS b`, []],
    [`SELECT to_char(interval '1 day 02:03:04.5', 'HH24:MI:SS') AS a, to_char(interval '-1 day -02:03:04.5', 'HH24:MI:SS.MS') AS b, to_char(interval '-27 hours -5 min', 'HH24:MI HH12 AM') AS c`, []],
    [`SELECT to_char(interval '1 year 14 months 40 days', 'YYYY YY Y MM DD DDD WW W Q CC Y,YYY') AS a, to_char(interval '-3 years -2 months', 'YYYY MM Q CC YYY') AS b`, []],
    [`SELECT to_char(interval '00:00:00.000123', 'US FF1 FF3 FF6 FMUS') AS a, to_char(interval '12345 hours', 'SSSS') AS b, to_char(interval '0', 'Q') AS c, to_char(interval '2 days', 'DDth') AS d`, []],
    [`SELECT to_char(interval '1 day', 'Day')`, []], [`SELECT to_char(interval '1 day', 'Mon')`, []], [`SELECT to_char(interval '1 day', 'TZ')`, []],
    [`SELECT to_char(interval '1 day', 'D')`, []], [`SELECT to_char(interval '1 day', 'BC')`, []],
    [`SELECT to_char(interval '1 day', '') AS a, to_char(timestamp '2024-01-01', '') AS b, to_char(timestamptz '2024-01-01', '') AS c`, []],
    [`SELECT pg_typeof(to_timestamp('2024', 'YYYY')) AS a, pg_typeof(to_date('2024', 'YYYY')) AS b`, []],
  ], undefined, SEED);
});

const TOKENS = ['YYYY', 'YY', 'MM', 'DD', 'HH24', 'HH12', 'HH', 'MI', 'SS', 'MS', 'US', 'AM', 'pm', 'Mon', 'Month', 'MON', 'Day', 'Dy', 'DDD', 'J', 'CC', 'TZH', 'TZM', 'Q', 'RM', 'FF2', 'SSSS', 'BC'];
const GLUE = ['-', '/', ':', ' ', '.', ',', '', '  ', 'T', '"at"', 'x'];

/** A random template of 1..6 patterns joined by separators, some with FM. */
function template(rng: Rng): string {
  let f = rng.chance(0.1) ? 'FX' : '';
  const n = rng.int(1, 6);
  for (let i = 0; i < n; i++) {
    if (i > 0) f += rng.pick(GLUE);
    if (rng.chance(0.2)) f += 'FM';
    f += rng.pick(TOKENS);
  }
  return f;
}

/** `s` with 0..2 random edits (a character dropped, doubled or changed, a space put in). */
function mutate(rng: Rng, s: string): string {
  const edits = rng.weighted([[5, 0], [3, 1], [1, 2]] as const);
  for (let e = 0; e < edits && s.length > 0; e++) {
    const at = rng.int(0, s.length - 1);
    const kind = rng.int(0, 3);
    if (kind === 0) s = s.slice(0, at) + s.slice(at + 1);
    else if (kind === 1) s = s.slice(0, at) + s[at] + s.slice(at);
    else if (kind === 2) s = s.slice(0, at) + rng.pick(['0', '9', '-', ' ', 'a', '+', ':', '1']) + s.slice(at + 1);
    else s = s.slice(0, at) + ' ' + s.slice(at);
  }
  return s;
}

test(`to_timestamp of random templates and inputs agrees with PostgreSQL (seed ${SEED})`, async () => {
  const rng = new Rng(SEED ^ 0x70d7);
  const runs = Number(process.env['VECGRES_TO_TIMESTAMP_CASES'] ?? 150);
  const pairs: [string, string][] = [];
  for (let i = 0; i < runs; i++) {
    const f = template(rng);
    // A timestamp between 1900 and 2100, as PostgreSQL's to_char writes it with the template.
    const us = BigInt(rng.int(-3155673600, 3155760000)) * 1_000_000n + BigInt(rng.int(0, 999_999));
    const ts = new Date(Number(us / 1000n) + Date.UTC(2000, 0, 1)).toISOString();
    const text = await oracle.text(`to_char($1::timestamptz, $2)`, [ts, f]);
    if (text === null) continue;
    pairs.push([rng.chance(0.5) ? text : mutate(rng, text), f]);
  }
  await checkAll('random to_timestamp', cases(pairs), undefined, SEED);
  // Both paths are compared: values PostgreSQL reads, and input it refuses.
  let read = 0;
  for (const [v, f] of pairs) if ((await oracle.tryQuery(`SELECT to_timestamp($1, $2)`, [v, f])).ok) read++;
  assert.ok(read >= pairs.length * 0.3 && read <= pairs.length * 0.95, `${read} of ${pairs.length} read by PostgreSQL`);
});

const CHAR_TOKENS = [...TOKENS, 'J', 'W', 'IW', 'IYYY', 'IYY', 'IY', 'I', 'ID', 'IDDD', 'rm', 'FF1', 'FF4', 'FF6', 'Y,YYY', 'SSSSS', 'a.m.', 'B.C.', 'ad',
  'DDth', 'DDTH', 'MMth', 'HH24th', 'Jth', 'YYYYth', 'Q', 'OF', 'TZ', 'tz', 'TMMonth', 'FMDay', 'day', 'dy', 'mon', 'month', 'k', 'é', 'FX'];

test(`to_char of random templates agrees with PostgreSQL (seed ${SEED})`, async () => {
  const rng = new Rng(SEED ^ 0x7c4a);
  const runs = Number(process.env['VECGRES_TO_TIMESTAMP_CASES'] ?? 150);
  const qs: [string, unknown[]][] = [];
  for (let i = 0; i < runs; i++) {
    let f = '';
    const n = rng.int(1, 5);
    for (let k = 0; k < n; k++) f += (k > 0 ? rng.pick(GLUE) : '') + (rng.chance(0.2) ? 'FM' : '') + rng.pick(CHAR_TOKENS);
    const us = BigInt(rng.int(-3155673600, 3155760000)) * 1_000_000n + BigInt(rng.int(0, 999_999));
    const ts = new Date(Number(us / 1000n) + Date.UTC(2000, 0, 1)).toISOString();
    qs.push([`SELECT to_char($1::timestamptz, $2) AS tz, to_char($1::timestamp, $2) AS t`, [ts, f]]);
    // An interval of either sign, with hours past 24, through the patterns that print one
    // (the ISO week patterns of an interval are 0A000 in vecgres: left out).
    const fi = f.replace(/I[WDY]*/g, 'HH24');
    const iv = `${rng.int(-30, 30)} years ${rng.int(-20, 20)} mons ${rng.int(-400, 400)} days ${rng.int(-50, 50)}:${rng.int(0, 59)}:${rng.int(0, 59)}.${rng.int(0, 999999)}`;
    qs.push([`SELECT to_char($1::interval, $2) AS i`, [iv, fi]]);
  }
  await checkAll('random to_char', qs, undefined, SEED);
});
