/**
 * generate_series against PostgreSQL 18 + pgvector (PGlite): every overload (int4, int8,
 * numeric, timestamp, timestamptz with and without a zone), in FROM (streamed) and in the
 * select list, NULLs, direction, calendar steps across month ends and DST, the errors, and the
 * planner's row estimates for constant arguments (PostgreSQL's support functions).
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';

const { both, checkAll } = await openSqlPair();

await both(`CREATE TABLE gs (id int PRIMARY KEY, a int, b int, ts timestamptz)`);
await both(`INSERT INTO gs VALUES (1, 1, 3, '2024-03-30 12:00+00'), (2, 5, 2, '2024-10-26 12:00+00'), (3, NULL, 4, NULL)`);

test('generate_series in FROM and in the select list, every overload', async () => {
  await checkAll('generate_series', [
    `SELECT * FROM generate_series(1, 5) g`,
    `SELECT * FROM generate_series(5, 1, -2) g`,
    `SELECT * FROM generate_series(1, 0) g`,
    `SELECT * FROM generate_series(2147483640, 2147483647, 3) g`,
    `SELECT * FROM generate_series(-2147483648, -2147483640, -5) g`,
    `SELECT * FROM generate_series(9223372036854775800, 9223372036854775807, 4) g`,
    `SELECT * FROM generate_series(1::bigint, 3) g`,
    `SELECT * FROM generate_series(1.5, 4, 1.25) g`,
    `SELECT * FROM generate_series(1, 2, 0.5::numeric) g`,
    `SELECT * FROM generate_series(0.10, 0.3, 0.1) g`,
    `SELECT * FROM generate_series(3::numeric, 1, -0.75) g`,
    `SELECT * FROM generate_series('2024-01-31'::timestamp, '2024-06-01', '1 month') g`,
    `SELECT * FROM generate_series('2024-01-01'::timestamp, '2023-12-01', '-1 week') g`,
    `SELECT * FROM generate_series('2024-01-01'::timestamp, '2024-01-01 03:00', '45 minutes') g`,
    `SELECT g::text FROM generate_series('2024-03-30'::timestamptz, '2024-04-01', '1 day', 'Europe/Berlin') g`,
    `SELECT g::text FROM generate_series('2024-03-30 00:00+00'::timestamptz, '2024-04-01', '1 day') g`,
    `SELECT g::text FROM generate_series('2024-03-30'::date, '2024-04-02', '1 day') g`,
    `SELECT * FROM generate_series('infinity'::timestamp, '2024-01-02', '1 day') g`,
    `SELECT * FROM generate_series('2024-01-01'::timestamp, 'infinity', '-1 day') g`,
    `SELECT * FROM generate_series(1, NULL) g`,
    `SELECT * FROM generate_series(1, 3, NULL::int) g`,
    `SELECT * FROM generate_series('2024-01-01'::timestamptz, '2024-01-02', '1 day', NULL) g`,
    `SELECT * FROM generate_series(1, 10) WITH ORDINALITY AS t(v, n) WHERE v % 3 = 0`,
    `SELECT gs.id, g FROM gs, generate_series(gs.a, gs.b) g ORDER BY 1, 2`,
    `SELECT gs.id, g::text FROM gs, generate_series(gs.ts, gs.ts + interval '2 days', '1 day') g ORDER BY 1, 2`,
    `SELECT generate_series(1, 3) AS g, generate_series(1.0, 2.0, 0.5) AS n`,
    `SELECT generate_series('2024-01-01'::date, '2024-01-03', '1 day')::text AS d, generate_series(1, 2) AS g`,
    `SELECT id, generate_series(a, b) FROM gs ORDER BY 1, 2`,
    `SELECT count(*), min(g), max(g), sum(g) FROM generate_series(1, 100000) g`,
    `SELECT * FROM generate_series(1, 3, 0)`,
    `SELECT * FROM generate_series('2024-01-01'::timestamp, '2024-01-02', '0 days')`,
    `SELECT * FROM generate_series('NaN'::numeric, 2)`,
    `SELECT * FROM generate_series(1, 'Infinity'::numeric)`,
    `SELECT * FROM generate_series(1, 2, '-Infinity'::numeric)`,
    `SELECT * FROM generate_series(1::numeric, 3, 0)`,
    `SELECT * FROM generate_series('2024-01-01', '2024-01-03', '1 day')`,
    `SELECT * FROM generate_series(1, 2, 3, 4)`,
    `SELECT * FROM generate_series('2024-01-01'::timestamptz, '2024-01-02', '1 day', 'Nowhere/Zone')`,
    `SELECT generate_series(1, 3, 0)`,
  ], [], SEED);
});

test('generate_series row estimates with constant arguments match PostgreSQL', async () => {
  const plans = [
    `generate_series(10, 1)`, `generate_series(1, 10, 3)`, `generate_series(1.5, 10, 0.5)`,
    `generate_series('2024-01-01'::timestamp, '2024-02-01', '1 day')`, `generate_series('2024-01-01'::timestamptz, '2024-02-01', '1 month')`,
    `generate_series(1, 10::bigint)`, `unnest(ARRAY[1, 2, 3])`, `generate_series(1, 0 + 10)`, `generate_series(10, 1, -4)`,
  ];
  await checkAll('generate_series estimates', plans.map((f) => `SELECT (regexp_match(p, 'rows=([0-9]+)'))[1] FROM (EXPLAIN SELECT * FROM ${f}) AS x(p)`), [], SEED);
});

test(`random generate_series calls agree with PostgreSQL (seed ${SEED})`, async () => {
  const rng = new Prng(SEED);
  const pick = <T>(a: readonly T[]): T => a[rng.int(a.length)]!;
  const qs: string[] = [];
  for (let k = 0; k < 60; k++) {
    const r = rng.int(3);
    if (r === 0) qs.push(`SELECT array_agg(g) FROM generate_series(${rng.int(41) - 20}, ${rng.int(41) - 20}, ${pick([1, 2, 3, -1, -2, -7])}) g`);
    else if (r === 1) qs.push(`SELECT array_agg(g) FROM generate_series(${(rng.int(400) - 200) / 100}, ${(rng.int(400) - 200) / 100}, ${pick(['0.25', '-0.25', '0.7', '-1.05', '0.333'])}) g`);
    else {
      const day = 1 + rng.int(28);
      qs.push(`SELECT array_agg(g::text) FROM generate_series('2024-${pick(['01', '02', '03', '10', '12'])}-${String(day).padStart(2, '0')} 0${rng.int(10)}:30'::${pick(['timestamp', 'timestamptz'])}, '2024-${pick(['02', '04', '11'])}-15', '${pick(['1 day', '5 days 3 hours', '1 month', '2 weeks', '-1 day', '1 mon 2 days'])}') g`);
    }
  }
  await checkAll('random generate_series', qs, [], SEED);
});
