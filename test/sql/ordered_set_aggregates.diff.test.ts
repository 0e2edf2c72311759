/**
 * Differential tests of the ordered-set aggregates (percentile_cont, percentile_disc and their
 * array-of-fractions forms, mode() WITHIN GROUP) against PostgreSQL 18 (PGlite): float8
 * interpolation to the last digit, interval interpolation, ties, NULLs, empty groups, one
 * row, fractions 0 and 1, DESC, every sortable input type, GROUP BY, ROLLUP, FILTER, HAVING,
 * subqueries, EXPLAIN VERBOSE, and errors by SQLSTATE, message and position.
 */
import { test } from 'node:test';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { db, check, both, oracle } = await openSqlPair();

await both(`CREATE TABLE os (id integer PRIMARY KEY, g text, n integer, b bigint, r real, d double precision, m numeric, i interval, t text, dt date, ok boolean)`);
{
  const rng = new Prng(SEED);
  const rows: string[] = [];
  const maybe = (s: string): string => (rng.int(7) === 0 ? 'NULL' : s);
  for (let id = 1; id <= 60; id++) {
    const g = ['a', 'b', 'c', null][rng.int(4)];
    // Small ranges, so groups hold ties.
    rows.push(`(${id}, ${g === null ? 'NULL' : `'${g}'`}, ${maybe(String(rng.int(12) - 4))}, ${maybe(String((rng.int(9) - 4) * 1_000_000_007))}, ` +
      `${maybe(String((rng.int(41) - 20) / 7))}, ${maybe(String((rng.int(2001) - 1000) / 13))}, ${maybe(String((rng.int(401) - 200) / 100))}, ` +
      `${maybe(`'${rng.int(3)} months ${rng.int(40)} days ${rng.int(100000)} seconds'`)}, ${maybe(`'w${rng.int(6)}'`)}, ` +
      `${maybe(`'2024-01-01'::date + ${rng.int(20)}`)}, ${maybe(rng.int(2) === 0 ? 'true' : 'false')})`);
  }
  await both(`INSERT INTO os VALUES ${rows.join(', ')}`);
}

async function run(label: string, qs: readonly string[]): Promise<void> {
  const mismatches: string[] = [];
  for (const q of qs) await check(q, mismatches);
  reportMismatches(label, mismatches, qs.length, SEED);
}

const FRACTIONS = ['0', '0.1', '0.25', '0.5', '0.7', '1', '1/3.0'];

test('percentile_cont over numbers and intervals', async () => {
  const qs: string[] = [];
  for (const f of FRACTIONS) {
    for (const c of ['n', 'b', 'r', 'd', 'm', 'i', 'd * 1e-10', 'n::smallint']) {
      qs.push(`SELECT percentile_cont(${f}) WITHIN GROUP (ORDER BY ${c}) FROM os`);
      qs.push(`SELECT percentile_cont(${f}) WITHIN GROUP (ORDER BY ${c} DESC) FROM os`);
    }
    qs.push(`SELECT g, percentile_cont(${f}) WITHIN GROUP (ORDER BY d), percentile_cont(${f}) WITHIN GROUP (ORDER BY i DESC) FROM os GROUP BY g ORDER BY g`);
  }
  qs.push(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d), pg_typeof(percentile_cont(0.5) WITHIN GROUP (ORDER BY n)), pg_typeof(percentile_cont(0.5) WITHIN GROUP (ORDER BY i)) FROM os`);
  qs.push(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES (1.0::float8)) v(x)`, `SELECT percentile_cont(0.3) WITHIN GROUP (ORDER BY x) FROM (VALUES (NULL::float8), (NULL)) v(x)`);
  qs.push(`SELECT percentile_cont(0.3) WITHIN GROUP (ORDER BY d) FROM os WHERE false`, `SELECT percentile_cont(NULL) WITHIN GROUP (ORDER BY d) FROM os`);
  qs.push(`SELECT percentile_cont(0.1) WITHIN GROUP (ORDER BY x) FROM (VALUES (0.1::float8), (0.2), (0.30000000000000004), (1e-300), (7e22)) v(x)`);
  qs.push(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES ('Infinity'::float8), ('-Infinity')) v(x)`);
  qs.push(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES ('NaN'::float8), (1), (2)) v(x)`);
  qs.push(`SELECT percentile_cont(0.3) WITHIN GROUP (ORDER BY x) FROM (VALUES (1e308::float8), (-1e308)) v(x)`, `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES (1e308::float8), (1.5e308)) v(x)`);
  qs.push(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES ('1 day'::interval), ('1 month')) v(x)`);
  qs.push(`SELECT percentile_cont(0.37) WITHIN GROUP (ORDER BY x) FROM (VALUES ('1 mon 3 days 00:00:01.000001'::interval), ('-2 years 5 hours')) v(x)`);
  qs.push(`SELECT percentile_cont(0.3) WITHIN GROUP (ORDER BY x) FROM (VALUES ('178000000 years'::interval), ('-178000000 years')) v(x)`);
  // Untyped literals and other fraction types.
  qs.push(`SELECT percentile_cont('0.25') WITHIN GROUP (ORDER BY d) FROM os`, `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY '1.5') FROM os`);
  qs.push(`SELECT percentile_cont(0.5::real) WITHIN GROUP (ORDER BY d), percentile_cont(1::bigint) WITHIN GROUP (ORDER BY d), percentile_cont(0::int) WITHIN GROUP (ORDER BY r) FROM os`);
  await run('percentile_cont', qs);
});

test('percentile_disc and mode over every sortable type', async () => {
  const qs: string[] = [];
  for (const c of ['n', 'b', 'r', 'd', 'm', 'i', 't', 'dt', 'ok', 't::varchar', 'g']) {
    for (const f of FRACTIONS) qs.push(`SELECT percentile_disc(${f}) WITHIN GROUP (ORDER BY ${c}), percentile_disc(${f}) WITHIN GROUP (ORDER BY ${c} DESC) FROM os`);
    qs.push(`SELECT mode() WITHIN GROUP (ORDER BY ${c}), mode() WITHIN GROUP (ORDER BY ${c} DESC), pg_typeof(mode() WITHIN GROUP (ORDER BY ${c})) FROM os`);
    qs.push(`SELECT g, mode() WITHIN GROUP (ORDER BY ${c}), percentile_disc(0.5) WITHIN GROUP (ORDER BY ${c} DESC NULLS LAST) FROM os GROUP BY g ORDER BY g`);
    qs.push(`SELECT pg_typeof(percentile_disc(0.5) WITHIN GROUP (ORDER BY ${c})) FROM os`);
  }
  // Ties: the first value in sort order wins; equal values that print differently.
  qs.push(`SELECT mode() WITHIN GROUP (ORDER BY x) FROM (VALUES (3), (1), (2), (2), (1), (3)) v(x)`, `SELECT mode() WITHIN GROUP (ORDER BY x DESC) FROM (VALUES (1), (2), (2), (1), (3)) v(x)`);
  qs.push(`SELECT mode() WITHIN GROUP (ORDER BY x) FROM (VALUES (1.0), (1.00), (2)) v(x)`, `SELECT mode() WITHIN GROUP (ORDER BY x) FROM (VALUES ('0'::float8), ('-0'), ('NaN'), ('NaN')) v(x)`);
  qs.push(`SELECT mode() WITHIN GROUP (ORDER BY x) FROM (VALUES ('a'), ('B'), ('b'), ('a'), ('B')) v(x)`, `SELECT mode() WITHIN GROUP (ORDER BY x) FROM (VALUES (NULL::int), (NULL), (5)) v(x)`);
  qs.push(`SELECT mode() WITHIN GROUP (ORDER BY n) FROM os WHERE false`, `SELECT mode() WITHIN GROUP (ORDER BY x) FROM (VALUES (NULL::int)) v(x)`);
  qs.push(`SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES ('NaN'::float8), (1), ('Infinity'), ('-Infinity')) v(x)`);
  qs.push(`SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES (ARRAY[1]), (ARRAY[2]), (ARRAY[1, 0])) v(x)`);
  qs.push(`SELECT percentile_disc(0.999999) WITHIN GROUP (ORDER BY n), percentile_disc(0.000001) WITHIN GROUP (ORDER BY n) FROM os`);
  qs.push(`SELECT percentile_disc(NULL) WITHIN GROUP (ORDER BY t) FROM os`, `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY t) FROM os WHERE false`);
  await run('percentile_disc and mode', qs);
});

test('arrays of fractions', async () => {
  const qs: string[] = [];
  for (const a of ['ARRAY[0.25, 0.5, 0.75]', 'ARRAY[0, NULL, 1]', 'ARRAY[]::float8[]', 'ARRAY[[0.1, 0.2], [0.3, 0.4]]', 'ARRAY[0.5, 0.25]::real[]', 'ARRAY[1, 0]::int[]', 'NULL::float8[]']) {
    for (const c of ['d', 'n', 'i']) qs.push(`SELECT percentile_cont(${a}) WITHIN GROUP (ORDER BY ${c}), percentile_disc(${a}) WITHIN GROUP (ORDER BY ${c} DESC) FROM os`);
    qs.push(`SELECT g, percentile_disc(${a}) WITHIN GROUP (ORDER BY t), pg_typeof(percentile_disc(${a}) WITHIN GROUP (ORDER BY t::varchar)) FROM os GROUP BY g ORDER BY g`);
    // No rows: NULL before the fractions are looked at.
    qs.push(`SELECT percentile_cont(${a}) WITHIN GROUP (ORDER BY d) FROM os WHERE false`);
  }
  qs.push(`SELECT percentile_cont(ARRAY[1.5]) WITHIN GROUP (ORDER BY d) FROM os WHERE false`, `SELECT percentile_cont(ARRAY[0.5, 1.5]) WITHIN GROUP (ORDER BY d) FROM os`);
  qs.push(`SELECT percentile_disc(ARRAY[NULL, -0.5]) WITHIN GROUP (ORDER BY d) FROM os`, `SELECT pg_typeof(percentile_cont(ARRAY[0.5]) WITHIN GROUP (ORDER BY i)) FROM os`);
  await run('arrays of fractions', qs);
});

test('grouping, FILTER, HAVING, subqueries and direct arguments', async () => {
  const qs: string[] = [];
  qs.push(`SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) FILTER (WHERE id % 2 = 0), mode() WITHIN GROUP (ORDER BY t) FILTER (WHERE n > 0) FROM os GROUP BY g ORDER BY g`);
  qs.push(`SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY d) FILTER (WHERE false), percentile_cont(0.5) WITHIN GROUP (ORDER BY d) FILTER (WHERE id < 3) FROM os`);
  qs.push(`SELECT g FROM os GROUP BY g HAVING percentile_cont(0.5) WITHIN GROUP (ORDER BY d) > 0 ORDER BY g`);
  qs.push(`SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) FROM os GROUP BY g HAVING percentile_cont(0.5) WITHIN GROUP (ORDER BY d) < 50 ORDER BY 2`);
  qs.push(`SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS p FROM os GROUP BY g ORDER BY p DESC NULLS LAST`);
  qs.push(`SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY d), percentile_cont(0.25) WITHIN GROUP (ORDER BY d), percentile_disc(0.5) WITHIN GROUP (ORDER BY d) FROM os GROUP BY ROLLUP (g) ORDER BY g`);
  // The fraction is evaluated once per group: grouped columns, outer columns, subqueries.
  qs.push(`SELECT n % 3 AS k, percentile_cont((n % 3 + 3) / 6.0) WITHIN GROUP (ORDER BY d) FROM os WHERE n IS NOT NULL GROUP BY n % 3 ORDER BY k`);
  qs.push(`SELECT percentile_cont((SELECT 0.5)) WITHIN GROUP (ORDER BY d), percentile_disc((SELECT max(n) / 10.0 FROM os)) WITHIN GROUP (ORDER BY t) FROM os`);
  qs.push(`SELECT id, (SELECT percentile_cont(o.id / 60.0) WITHIN GROUP (ORDER BY d) FROM os) FROM os o WHERE id <= 5 ORDER BY id`);
  qs.push(`SELECT g, (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY o2.d) FROM os o2 WHERE o2.g = o.g) FROM os o GROUP BY g ORDER BY g`);
  qs.push(`SELECT * FROM (SELECT g, mode() WITHIN GROUP (ORDER BY n) AS m FROM os GROUP BY g) s WHERE m IS NOT NULL ORDER BY g`);
  qs.push(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d) FROM os GROUP BY ()`, `SELECT count(*), percentile_cont(0.9) WITHIN GROUP (ORDER BY n), sum(n) FROM os`);
  await run('grouping and FILTER', qs);
});

test('views, CTEs, window functions over the results, parameters', async () => {
  await both(`CREATE VIEW os_p AS SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS p, mode() WITHIN GROUP (ORDER BY t) AS m FROM os GROUP BY g`);
  const mismatches: string[] = [];
  const qs = [
    `SELECT * FROM os_p ORDER BY g`,
    `WITH c AS (SELECT g, percentile_disc(0.5) WITHIN GROUP (ORDER BY i) p FROM os GROUP BY g) SELECT * FROM c ORDER BY g`,
    `SELECT g, rank() OVER (ORDER BY percentile_cont(0.5) WITHIN GROUP (ORDER BY d) NULLS FIRST) FROM os GROUP BY g ORDER BY g`,
    `SELECT g, sum(percentile_cont(0.5) WITHIN GROUP (ORDER BY n)) OVER () FROM os GROUP BY g ORDER BY g`,
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d) FROM os UNION ALL SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY d) FROM os`,
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (SELECT 1)), mode() WITHIN GROUP (ORDER BY ARRAY[n]) FROM os`,
  ];
  for (const q of qs) await check(q, mismatches);
  await check(`SELECT percentile_cont($1) WITHIN GROUP (ORDER BY d), percentile_disc($1) WITHIN GROUP (ORDER BY t) FROM os`, mismatches, [0.3]);
  await check(`SELECT percentile_cont($1) WITHIN GROUP (ORDER BY d) FROM os`, mismatches, [1.5]);
  await check(`SELECT g, percentile_cont($1) WITHIN GROUP (ORDER BY d) FROM os WHERE n > $2 GROUP BY g ORDER BY g`, mismatches, [0.75, 0]);
  reportMismatches('views, windows, parameters', mismatches, qs.length + 3, SEED);
});

test('errors as PostgreSQL reports them', async () => {
  const qs: string[] = [];
  for (const f of ['1.5', '-0.5', '-1.234567891', '1e20', '1.0000001', "'NaN'", "'Infinity'"]) {
    qs.push(`SELECT percentile_cont(${f}) WITHIN GROUP (ORDER BY d) FROM os`, `SELECT percentile_disc(${f}) WITHIN GROUP (ORDER BY t) FROM os`);
  }
  // The scalar fraction is checked even over no rows.
  qs.push(`SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY d) FROM os WHERE false`, `SELECT percentile_disc(2) WITHIN GROUP (ORDER BY d) FROM os WHERE d IS NULL`);
  qs.push(`SELECT percentile_cont(d) WITHIN GROUP (ORDER BY d) FROM os`, `SELECT g, percentile_cont(n / 10.0) WITHIN GROUP (ORDER BY d) FROM os GROUP BY g`);
  qs.push(`SELECT percentile_cont(avg(d)) WITHIN GROUP (ORDER BY d) FROM os`, `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY sum(d)) FROM os`);
  qs.push(`SELECT sum(percentile_cont(0.5) WITHIN GROUP (ORDER BY d)) FROM os`, `SELECT id FROM os WHERE percentile_cont(0.5) WITHIN GROUP (ORDER BY d) > 1`);
  qs.push(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d) OVER () FROM os`, `SELECT mode() WITHIN GROUP (ORDER BY d) OVER (PARTITION BY g) FROM os`);
  qs.push(`SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY d) OVER () FROM os`);
  qs.push(`SELECT percentile_cont(0.5) FROM os`, `SELECT percentile_cont(0.5, d) FROM os`, `SELECT mode(d) FROM os`, `SELECT mode() FROM os`, `SELECT percentile_disc(0.5, t) FROM os`);
  qs.push(`SELECT percentile_cont(DISTINCT 0.5) WITHIN GROUP (ORDER BY d) FROM os`, `SELECT percentile_cont(0.5 ORDER BY d) WITHIN GROUP (ORDER BY d) FROM os`);
  qs.push(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM os`, `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY dt) FROM os`);
  qs.push(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d, n) FROM os`, `SELECT percentile_cont(0.5, 0.6) WITHIN GROUP (ORDER BY d) FROM os`);
  qs.push(`SELECT mode(1) WITHIN GROUP (ORDER BY d) FROM os`, `SELECT percentile_cont('a'::text) WITHIN GROUP (ORDER BY d) FROM os`);
  qs.push(`SELECT percentile_cont('{0.5, 0.25}') WITHIN GROUP (ORDER BY d) FROM os`, `SELECT percentile_cont(ARRAY['a']) WITHIN GROUP (ORDER BY d) FROM os`);
  qs.push(`SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY 'a') FROM os`, `SELECT mode() WITHIN GROUP (ORDER BY 'a') FROM os`);
  // WITHIN GROUP on what is no ordered-set aggregate.
  qs.push(`SELECT count(*) WITHIN GROUP (ORDER BY d) FROM os`, `SELECT sum(d) WITHIN GROUP (ORDER BY d) FROM os`, `SELECT string_agg(t) WITHIN GROUP (ORDER BY ',') FROM os`);
  qs.push(`SELECT upper('a') WITHIN GROUP (ORDER BY t) FROM os`, `SELECT lower() WITHIN GROUP (ORDER BY t) FROM os`, `SELECT max(d) WITHIN GROUP (ORDER BY d) FROM os`);
  await run('errors', qs);
});

/** Each query's plan text on one side. */
async function planText(side: { query: (sql: string) => Promise<{ rows: unknown[] }> }, sql: string): Promise<string> {
  try {
    return (await side.query(sql)).rows.map((r) => (r as Record<string, string>)['QUERY PLAN']!).join('\n');
  } catch (e) {
    return `ERROR: ${(e as Error).message}`;
  }
}

test('EXPLAIN VERBOSE prints the WITHIN GROUP call', async () => {
  const qs = [
    'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d DESC) FILTER (WHERE id > 1), mode() WITHIN GROUP (ORDER BY t) FROM os',
    'SELECT percentile_disc(ARRAY[0.25, 0.5]) WITHIN GROUP (ORDER BY t NULLS FIRST), percentile_cont(0.1) WITHIN GROUP (ORDER BY i DESC NULLS LAST) FROM os',
    'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) FROM os',
    'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d), percentile_cont(0.25) WITHIN GROUP (ORDER BY d) FROM os',
    // No GROUP BY: PostgreSQL sorts for grouping with an ordered aggregate where vecgres hashes.
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d) FROM os HAVING mode() WITHIN GROUP (ORDER BY t) > 'w1'",
    'SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n::numeric DESC), percentile_cont(0.5) WITHIN GROUP (ORDER BY r), mode() WITHIN GROUP (ORDER BY lower(t)) FROM os',
    'SELECT percentile_cont(ARRAY[0.5, NULL]) WITHIN GROUP (ORDER BY d * 2) FROM os WHERE id > 3',
    // varchar to text is a relabeling, not a call: no parentheses.
    'SELECT mode() WITHIN GROUP (ORDER BY v::text), percentile_disc(0.5) WITHIN GROUP (ORDER BY v::varchar(2)) FROM osv',
  ];
  await both('CREATE TABLE osv (v varchar(5))');
  const mismatches: string[] = [];
  for (const q of qs) {
    const sql = `EXPLAIN (VERBOSE, COSTS OFF) ${q}`;
    const want = await planText(oracle, sql);
    const got = await planText(db, sql);
    if (want !== got) mismatches.push(`${sql}\n  pgvector:\n${want}\n  vecgres:\n${got}`);
  }
  reportMismatches('EXPLAIN', mismatches, qs.length, 0);
});
