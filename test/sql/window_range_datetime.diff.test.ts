/**
 * RANGE frames with interval offsets over date/time ORDER BY columns (timestamp, timestamptz,
 * date, time, interval: PostgreSQL's in_range_*_interval support functions) against
 * PostgreSQL (PGlite), in a session zone with daylight saving. The table has duplicates,
 * NULLs, infinite timestamps and dates, `24:00:00`, intervals of equal span and different
 * fields (`1 mon` and `30 days` are peers), and timestamptz rows around both 2024 DST changes
 * in America/New_York: `'1 day' FOLLOWING` of 02:30 EST on 9 March lands on 03:30 EDT but that
 * of 03:00 EST on 03:00 EDT, so the sum steps back, and PostgreSQL's frame tail (which only
 * moves forward) keeps the rows between.
 *
 * Hand cases: each type with offsets of months, days, hours and zero at either end, with
 * CURRENT ROW and UNBOUNDED, ASC / DESC, NULLS FIRST / LAST, EXCLUDE, partitions, aggregates and
 * first_value / last_value (of the ORDER BY column: peers' order is not PostgreSQL's to keep);
 * the errors (negative offset 22013, an offset of another type 0A000, variables 42P10, NULL
 * 22004, a sum out of range 22008). Then a seeded sweep of random frames
 * (`VECGRES_WINDOW_RANGE_CASES`, default 150) over that table and one of random rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Rng } from '../support/random_query/rng.js';

const { both, checkAll, oracle, ours } = await openSqlPair();
await both(`SET TimeZone = 'America/New_York'`);

await both(`CREATE TABLE wrdt (id int PRIMARY KEY, p int, ts timestamp, tz timestamptz, d date, tm time, iv interval, x int)`);
const ROWS: readonly string[] = [
  `1, 0, '2024-01-01 00:00', '2024-01-01 00:00', '2024-01-01', '00:00', '0'`,
  `2, 1, '2024-01-01 00:00', '2024-01-01 00:00', '2024-01-01', '00:00', '1 day'`,
  `3, 0, '2024-01-01 12:00', '2024-01-31 12:00', '2024-01-31', '06:30', '30 days'`,
  `4, 1, '2024-01-31 23:59:59.5', '2024-02-29 12:00', '2024-02-29', '12:00', '1 mon'`,
  `5, 0, '2024-02-29 00:00', '2024-03-09 02:30', '2024-03-01', '12:00', '1 mon 1 day'`,
  `6, 1, '2024-03-01 00:00', '2024-03-09 02:45', '2024-03-09', '23:59:59.999999', '-1 day'`,
  `7, 0, '2024-03-09 03:00', '2024-03-09 03:00', '2024-03-10', '24:00:00', '-2 hours'`,
  `8, 1, '2024-03-10 02:30', '2024-03-10 01:59', '2024-03-11', '01:00', '25 hours'`,
  `9, 0, '2024-03-10 03:30', '2024-03-10 03:00', '2024-03-11', '02:00', '1 day 1 hour'`,
  `10, 1, '2024-03-11 00:00', '2024-03-10 03:15', '2024-04-01', '22:00', '12:00:00'`,
  `11, 0, NULL, '2024-03-10 03:40', NULL, NULL, NULL`,
  `12, 1, NULL, NULL, NULL, NULL, NULL`,
  `13, 0, 'infinity', 'infinity', 'infinity', '13:15', '1 year'`,
  `14, 1, '-infinity', '-infinity', '-infinity', '13:15', '-1 year'`,
  `15, 0, 'infinity', '2024-11-02 01:30', '2024-11-02', '18:00', '6 days'`,
  `16, 1, '2024-11-03 01:30', '2024-11-03 01:30-04', '2024-11-03', '05:00', '7 days'`,
  `17, 0, '2024-11-03 01:30', '2024-11-03 01:30-05', '2024-11-04', '05:00', '1 week'`,
  `18, 1, '2024-11-04 01:30', '2024-11-04 01:30', '2024-12-31', '00:00:00.000001', '2 mons'`,
  `19, 0, '2025-01-31', '2025-01-31 23:00', '2025-01-31', '11:59', '59 days'`,
  `20, 1, '2025-02-28', '2025-03-01 00:00', '2025-02-28', '12:01', '00:00:00.000001'`,
  `21, 0, '2023-12-31 23:00', '2023-12-31 23:00+00', '2023-12-25', '09:00', '3 days 4 hours'`,
  `22, 1, '1999-12-31', '1999-12-31 19:00', '2000-02-29', '09:00', '-3 days'`,
];
// x is 2^(id-1) mod a prime, so a frame's sum names its rows.
await both(`INSERT INTO wrdt VALUES ${ROWS.map((r, i) => `(${r}, ${2 ** i % 1000003})`).join(', ')}`);

type Col = 'ts' | 'tz' | 'd' | 'tm' | 'iv';
const COLS: readonly Col[] = ['ts', 'tz', 'd', 'tm', 'iv'];

/** A value of the ORDER BY column that peers share (interval peers differ in fields, not span). */
function keyOf(col: Col): string {
  return col === 'iv' ? `extract(epoch from ${col})` : `${col}::text`;
}

/** Offsets for each column, meaningful at its scale. */
const OFFSETS: Record<Col, readonly string[]> = {
  ts: ['1 day', '36 hours', '1 month', '0', '2 hours 30 minutes', '1 year'],
  tz: ['1 day', '24 hours', '1 mon', '0', '1 day 30 minutes', '3 days'],
  d: ['6 days', '1 month', '12 hours', '0', '1 day', '2 mons -1 day'],
  tm: ['2 hours', '30 minutes', '1 day', '1 day 1 hour', '-1 day', '0', '23:59:59.999999'],
  iv: ['1 day', '1 mon', '12 hours', '0', '2 days 1 hour', '1 year'],
};

/** Frames with offsets `a` and `b` (b no smaller than a where both bound the same side). */
function frames(a: string, b: string): string[] {
  return [
    `RANGE BETWEEN '${a}' PRECEDING AND CURRENT ROW`,
    `RANGE BETWEEN '${a}' PRECEDING AND '${b}' FOLLOWING`,
    `RANGE BETWEEN CURRENT ROW AND '${a}' FOLLOWING`,
    `RANGE BETWEEN '${a}' FOLLOWING AND '${b}' FOLLOWING`,
    `RANGE BETWEEN '${b}' PRECEDING AND '${a}' PRECEDING`,
    `RANGE BETWEEN UNBOUNDED PRECEDING AND '${a}' PRECEDING`,
    `RANGE BETWEEN '${a}' FOLLOWING AND UNBOUNDED FOLLOWING`,
    `RANGE '${a}' PRECEDING`,
  ];
}

const ORDERS = ['', ' DESC', ' NULLS FIRST', ' DESC NULLS LAST'];

/** The select list every case reads: aggregates, and value functions of the ORDER BY key. */
function query(col: Col, order: string, frame: string, partition = false): string {
  const w = `(${partition ? 'PARTITION BY p ' : ''}ORDER BY ${col}${order} ${frame})`;
  return `SELECT id, sum(x) OVER w, count(*) OVER w, min(id) OVER w, max(id) OVER w, first_value(${keyOf(col)}) OVER w, last_value(${keyOf(col)}) OVER w FROM wrdt WINDOW w AS ${w} ORDER BY id`;
}

test('RANGE offset frames over timestamp, timestamptz, date, time and interval as PostgreSQL', async () => {
  const qs: string[] = [];
  for (const col of COLS) {
    const offs = OFFSETS[col];
    for (let k = 0; k < offs.length; k++) {
      const a = offs[k]!;
      const b = offs[(k + 1) % offs.length]!;
      for (const frame of frames(a, b)) qs.push(query(col, ORDERS[(k + qs.length) % ORDERS.length]!, frame, k % 3 === 2));
    }
    for (const order of ORDERS) qs.push(query(col, order, `RANGE BETWEEN '${offs[0]}' PRECEDING AND '${offs[0]}' FOLLOWING`));
    for (const ex of ['EXCLUDE CURRENT ROW', 'EXCLUDE GROUP', 'EXCLUDE TIES']) {
      qs.push(query(col, '', `RANGE BETWEEN '${offs[0]}' PRECEDING AND '${offs[1]}' FOLLOWING ${ex}`));
      qs.push(query(col, ' DESC', `RANGE BETWEEN '${offs[1]}' PRECEDING AND CURRENT ROW ${ex}`, true));
    }
  }
  // The analytics window: a rolling 7 days by date, and per hour of the day by time.
  qs.push(`SELECT d, sum(x) OVER (ORDER BY d RANGE BETWEEN INTERVAL '6 days' PRECEDING AND CURRENT ROW) FROM wrdt ORDER BY id`);
  qs.push(`SELECT ts, avg(x) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '7 days' PRECEDING AND INTERVAL '1 day' PRECEDING) FROM wrdt ORDER BY id`);
  qs.push(`SELECT tz, count(*) OVER (PARTITION BY p ORDER BY tz DESC RANGE BETWEEN '1 day' PRECEDING AND '1 day' FOLLOWING) FROM wrdt ORDER BY id`);
  qs.push(`SELECT tm, array_agg(id ORDER BY id) OVER () FROM wrdt ORDER BY id`);
  // Across the spring-forward gap the sum of '1 day' steps back (02:45 EST + 1 day is 03:45
  // EDT, 03:00 EST + 1 day is 03:00 EDT): the frame tail and head stay where they were.
  for (const order of ['', ' DESC']) {
    qs.push(`SELECT id, count(*) OVER (ORDER BY tz${order} RANGE BETWEEN CURRENT ROW AND '1 day' FOLLOWING), sum(x) OVER (ORDER BY tz${order} RANGE BETWEEN '1 day' FOLLOWING AND UNBOUNDED FOLLOWING), sum(x) OVER (ORDER BY tz${order} RANGE BETWEEN '1 day' PRECEDING AND CURRENT ROW), sum(x) OVER (ORDER BY tz${order} RANGE BETWEEN UNBOUNDED PRECEDING AND '1 day' PRECEDING) FROM wrdt ORDER BY id`);
  }
  // Several windows in one query, offsets from expressions and casts.
  qs.push(`SELECT id, sum(x) OVER (ORDER BY ts RANGE '1 day'::interval * 2 PRECEDING), sum(x) OVER (ORDER BY d RANGE BETWEEN CURRENT ROW AND interval '1 day' + interval '12 hours' FOLLOWING), count(*) OVER (ORDER BY iv RANGE BETWEEN '1 mon'::interval PRECEDING AND UNBOUNDED FOLLOWING) FROM wrdt ORDER BY id`);
  qs.push(`SELECT id, min(id) OVER (ORDER BY tm RANGE BETWEEN '1 hour' PRECEDING AND '1 hour' FOLLOWING), max(id) OVER (ORDER BY tm DESC RANGE BETWEEN '1 hour' PRECEDING AND '1 hour' FOLLOWING) FROM wrdt ORDER BY id`);
  // Over a derived column: date + time, a date_trunc, a cast of timestamptz to date.
  qs.push(`SELECT id, sum(x) OVER (ORDER BY d + tm RANGE BETWEEN '12 hours' PRECEDING AND '12 hours' FOLLOWING) FROM wrdt ORDER BY id`);
  qs.push(`SELECT id, sum(x) OVER (ORDER BY date_trunc('month', ts) RANGE BETWEEN '1 mon' PRECEDING AND CURRENT ROW) FROM wrdt ORDER BY id`);
  qs.push(`SELECT id, sum(x) OVER (ORDER BY tz::date RANGE '1 day' PRECEDING) FROM wrdt ORDER BY id`);
  // Offsets as parameters (untyped, and cast).
  const params: [string, unknown[]][] = [
    [`SELECT id, sum(x) OVER (ORDER BY ts RANGE BETWEEN $1 PRECEDING AND $2 FOLLOWING) FROM wrdt ORDER BY id`, ['1 day', '2 days']],
    [`SELECT id, sum(x) OVER (ORDER BY tz RANGE BETWEEN $1::interval PRECEDING AND CURRENT ROW) FROM wrdt ORDER BY id`, ['25 hours']],
    [`SELECT id, count(*) OVER (ORDER BY tm RANGE BETWEEN $1 PRECEDING AND $1 FOLLOWING) FROM wrdt ORDER BY id`, ['3 hours']],
    [`SELECT id, count(*) OVER (ORDER BY d RANGE $1 PRECEDING) FROM wrdt ORDER BY id`, ['-1 day']],
    [`SELECT id, count(*) OVER (ORDER BY iv RANGE $1 PRECEDING) FROM wrdt ORDER BY id`, [null]],
  ];
  // Errors: a negative offset (the time type reads only the time part), an offset of another
  // type, variables, NULL, more than one ORDER BY column, a sum out of range.
  const errors = [
    `SELECT sum(x) OVER (ORDER BY ts RANGE '-1 day' PRECEDING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY tz RANGE BETWEEN CURRENT ROW AND '-1 hour' FOLLOWING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY d DESC RANGE BETWEEN '1 day -25 hours' PRECEDING AND CURRENT ROW) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY d RANGE BETWEEN '1 mon -29 days' PRECEDING AND CURRENT ROW) FROM wrdt ORDER BY id`,
    `SELECT sum(x) OVER (ORDER BY tm RANGE '-1 hour' PRECEDING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY tm RANGE '1 day -1 microsecond' PRECEDING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY tm RANGE '-1 mon 1 hour' PRECEDING) FROM wrdt ORDER BY id`,
    `SELECT sum(x) OVER (ORDER BY iv RANGE BETWEEN '-1 mon' FOLLOWING AND UNBOUNDED FOLLOWING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY d RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY ts RANGE BETWEEN '1 day'::text PRECEDING AND CURRENT ROW) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY tz RANGE 1.5 PRECEDING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY tm RANGE BETWEEN CURRENT ROW AND '01:00'::time FOLLOWING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY iv RANGE BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY d RANGE BETWEEN CURRENT ROW AND '2024-01-01'::date FOLLOWING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY ts RANGE iv PRECEDING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY ts RANGE x PRECEDING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY ts RANGE NULL PRECEDING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY d RANGE BETWEEN CURRENT ROW AND NULL FOLLOWING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY ts, id RANGE '1 day' PRECEDING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY ts RANGE BETWEEN CURRENT ROW AND '300000 years' FOLLOWING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY d RANGE BETWEEN '300000 years' PRECEDING AND CURRENT ROW) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY iv RANGE BETWEEN CURRENT ROW AND '2147483647 days' FOLLOWING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY tm RANGE BETWEEN CURRENT ROW AND '2562047788 hours' FOLLOWING) FROM wrdt ORDER BY id`,
    `SELECT sum(x) OVER (ORDER BY tm RANGE BETWEEN '2562047788 hours' PRECEDING AND CURRENT ROW) FROM wrdt ORDER BY id`,
    // A negative offset is checked only when a frame bound is computed from a non-NULL value.
    `SELECT sum(x) OVER (ORDER BY ts RANGE '-1 day' PRECEDING) FROM wrdt WHERE ts IS NULL`,
    `SELECT sum(x) OVER (ORDER BY ts RANGE '-1 day' PRECEDING) FROM wrdt WHERE false`,
    // Input errors of the offset literal, placed at it.
    `SELECT sum(x) OVER (ORDER BY ts RANGE BETWEEN CURRENT ROW AND '1 day 2 days' FOLLOWING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY tm RANGE 'soon' PRECEDING) FROM wrdt`,
    // An interval offset over a numeric or text column.
    `SELECT sum(x) OVER (ORDER BY x RANGE '1 day' PRECEDING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY x RANGE interval '1 day' PRECEDING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY ts::text RANGE interval '1 day' PRECEDING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY ts RANGE date '2024-01-01' PRECEDING) FROM wrdt`,
    // The numeric columns' offset types, by PostgreSQL's implicit casts.
    `SELECT sum(x) OVER (ORDER BY x RANGE 1.5 PRECEDING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY x::int8 RANGE 2::int2 PRECEDING) FROM wrdt ORDER BY id`,
    `SELECT sum(x) OVER (ORDER BY x::int2 RANGE 2::int8 PRECEDING) FROM wrdt WHERE x < 30000 ORDER BY id`,
    `SELECT sum(x) OVER (ORDER BY x::numeric RANGE 2.5::float8 PRECEDING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY x::numeric RANGE 2::int8 PRECEDING) FROM wrdt ORDER BY id`,
    `SELECT sum(x) OVER (ORDER BY x::float4 RANGE 2.5 PRECEDING) FROM wrdt ORDER BY id`,
    `SELECT sum(x) OVER (ORDER BY x::float8 RANGE true PRECEDING) FROM wrdt`,
    `SELECT sum(x) OVER (ORDER BY x RANGE '2' PRECEDING) FROM wrdt ORDER BY id`,
  ];
  await checkAll('RANGE over date/time columns', [...qs, ...params, ...errors], undefined, SEED);
});

test('an infinite interval offset is 0A000 in vecgres (PostgreSQL 17+ has infinite intervals)', async () => {
  const r = await ours(`SELECT sum(x) OVER (ORDER BY ts RANGE 'infinity'::interval PRECEDING) FROM wrdt`);
  assert.equal(r.ok ? 'ok' : r.code, '0A000');
});

/** A random interval offset text for a column: mostly positive, sometimes zero or negative. */
function randomOffset(rng: Rng, col: Col): string {
  const parts: string[] = [];
  const units = col === 'tm' ? ['hours', 'minutes', 'seconds', 'days'] : ['years', 'mons', 'days', 'hours', 'minutes'];
  const n = rng.weighted([[6, 1], [3, 2], [1, 0]] as const);
  // Distinct units: PostgreSQL refuses `'1 day 2 days'`.
  for (const unit of rng.shuffled(units).slice(0, n)) {
    const i = parts.length;
    const max = unit === 'years' ? 2 : unit === 'mons' ? 14 : unit === 'days' ? 40 : unit === 'hours' ? 30 : 90;
    const sign = i > 0 && rng.chance(0.2) ? -1 : 1;
    parts.push(`${sign * rng.int(0, max)} ${unit}`);
  }
  if (rng.chance(0.03)) return `-${rng.int(1, 5)} days`;
  return parts.length === 0 ? '0' : parts.join(' ');
}

/** A random frame: bounds in a valid order, an optional exclusion. */
function randomFrame(rng: Rng, col: Col): string {
  const off = (): string => `'${randomOffset(rng, col)}'`;
  const kinds = ['UP', 'P', 'C', 'F', 'UF'] as const;
  let s: (typeof kinds)[number];
  let e: (typeof kinds)[number];
  do {
    s = rng.pick(kinds.slice(0, 4));
    e = rng.pick(kinds.slice(1));
  } while (kinds.indexOf(e) < kinds.indexOf(s) || (s === 'UP' && e === 'UF') || (s === 'C' && e === 'C'));
  const bound = (k: (typeof kinds)[number]): string =>
    k === 'UP' ? 'UNBOUNDED PRECEDING' : k === 'P' ? `${off()} PRECEDING` : k === 'C' ? 'CURRENT ROW' : k === 'F' ? `${off()} FOLLOWING` : 'UNBOUNDED FOLLOWING';
  const frame = s === 'P' && e === 'C' && rng.chance(0.2) ? `RANGE ${bound(s)}` : `RANGE BETWEEN ${bound(s)} AND ${bound(e)}`;
  return frame + rng.pick(['', '', '', ' EXCLUDE CURRENT ROW', ' EXCLUDE GROUP', ' EXCLUDE TIES', ' EXCLUDE NO OTHERS']);
}

test(`random RANGE frames over date/time columns agree with PostgreSQL (seed ${SEED})`, async (t) => {
  const rng = new Rng(SEED ^ 0x7a6e);
  // A second table of random rows (duplicates, NULLs, DST days, infinities) beside the fixed one.
  const rows: string[] = [];
  const maybe = (v: string): string => (rng.chance(0.1) ? 'NULL' : v);
  for (let i = 1; i <= 60; i++) {
    const day = rng.pick(['2024-03-09', '2024-03-10', '2024-03-11', '2024-11-02', '2024-11-03', '2024-11-04', '2024-01-31', '2024-02-29', '2025-02-28']);
    const hm = `${String(rng.int(0, 23)).padStart(2, '0')}:${rng.pick(['00', '15', '30', '45'])}`;
    const inf = rng.chance(0.04) ? rng.pick(["'infinity'", "'-infinity'"]) : null;
    const iv = `${rng.int(-2, 3)} mons ${rng.int(-10, 40)} days ${rng.int(-30, 30)} hours`;
    rows.push(`(${i}, ${rng.int(0, 2)}, ${maybe(inf ?? `'${day} ${hm}'`)}, ${maybe(inf ?? `'${day} ${hm}'`)}, ${maybe(inf ?? `'${day}'`)}, ${maybe(`'${hm}'`)}, ${maybe(`'${iv}'`)}, ${rng.int(1, 1000)})`);
  }
  await both(`CREATE TABLE wrdt_rand (id int PRIMARY KEY, p int, ts timestamp, tz timestamptz, d date, tm time, iv interval, x int)`);
  await both(`INSERT INTO wrdt_rand VALUES ${rows.join(', ')}`);
  const runs = Number(process.env['VECGRES_WINDOW_RANGE_CASES'] ?? 150);
  const qs: string[] = [];
  for (let i = 0; i < runs; i++) {
    const col = rng.pick(COLS);
    const order = rng.pick(ORDERS);
    const frame = randomFrame(rng, col);
    const table = rng.chance(0.5) ? 'wrdt' : 'wrdt_rand';
    const part = rng.chance(0.3) ? 'PARTITION BY p ' : '';
    qs.push(`SELECT id, sum(x) OVER w, count(*) OVER w, min(id) OVER w, first_value(${keyOf(col)}) OVER w, last_value(${keyOf(col)}) OVER w FROM ${table} WINDOW w AS (${part}ORDER BY ${col}${order} ${frame}) ORDER BY id`);
  }
  await checkAll('random RANGE over date/time columns', qs, undefined, SEED);
  // Not vacuous: most cases return rows (the others are PostgreSQL's errors, compared too).
  let answered = 0;
  for (const q of qs) if ((await oracle.tryQuery(q)).ok) answered++;
  t.diagnostic(`${qs.length} random frames compared, ${answered} answered by PostgreSQL (the rest are its errors)`);
  assert.ok(answered >= qs.length * 0.8, `${answered} of ${qs.length} answered by PostgreSQL`);
  await both(`DROP TABLE wrdt_rand`);
});

test('cleanup', async () => {
  await both(`DROP TABLE wrdt`);
  await both(`RESET TimeZone`);
});
