/**
 * Regression tests for the shapes the random query generator once had to avoid (its
 * KNOWN_WRONG_ANSWERS list): a bare non-integer constant as an ORDER BY / GROUP BY / DISTINCT
 * ON key (42601, PostgreSQL's findTargetlistEntrySQL92), numeric literals' display scale,
 * columns used ungrouped because GROUP BY holds the table's primary key (functional
 * dependency), and the output names PostgreSQL's FigureColname gives casts, CASE and other
 * constructs. Expected outcomes come from PostgreSQL 18 + pgvector (PGlite).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const pair = await openSqlPair();
const { check, both } = pair;

await both(`CREATE TABLE kp (id int PRIMARY KEY, k int, s text, v vector(2))`);
await both(`CREATE TABLE kq (a int, b int, c text, PRIMARY KEY (a, b))`);
await both(`CREATE TABLE kn (a int, b int)`);
await both(`INSERT INTO kp VALUES (1, 2, 'x', '[1,2]'), (2, 2, 'y', '[3,4]'), (3, 5, NULL, NULL)`);
await both(`INSERT INTO kq VALUES (1, 2, 'x'), (1, 3, 'y'), (2, 2, 'z')`);
await both(`INSERT INTO kn VALUES (1, 2), (1, 3)`);

test('a bare constant other than an integer is not a sort or grouping key', async () => {
  const mismatches: string[] = [];
  const qs = [
    `SELECT 1 FROM kp ORDER BY 'b'`,
    `SELECT 9.5, count(*) FROM kp GROUP BY 9.5`,
    `SELECT id FROM kp ORDER BY NULL`,
    `SELECT id FROM kp ORDER BY true, id`,
    `SELECT id FROM kp ORDER BY -1.5`,
    `SELECT id FROM kp ORDER BY 12345678901`,
    `SELECT k FROM kp GROUP BY 1e3`,
    `SELECT k FROM kp GROUP BY k, 'a'`,
    `SELECT id FROM kp UNION SELECT k FROM kp ORDER BY 'x'`,
    `SELECT DISTINCT ON ('a') id FROM kp`,
    `SELECT DISTINCT ON (2) id FROM kp`,
    `SELECT id FROM kp ORDER BY 1 + 1, id`,
    `SELECT id FROM kp ORDER BY -1`,
    `SELECT id FROM kp ORDER BY id, 'a' || 'b'`,
    `SELECT id FROM kp ORDER BY 'a'::text, id`,
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('non-integer constant keys', mismatches, qs.length, SEED);
});

test('numeric literals keep their display scale', async () => {
  const mismatches: string[] = [];
  const qs = [
    `SELECT 2.0, -8.25 + -3.25`,
    `SELECT 1.50 * 2, 0.10 - 0.1, 7 / 2.0, 1 / 30.0, -0.0`,
    `SELECT sum(x), avg(x) FROM (VALUES (1.50), (2.250)) t(x)`,
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('numeric scale', mismatches, qs.length, SEED);
});

test('GROUP BY a primary key covers the table\'s other columns', async () => {
  const mismatches: string[] = [];
  const qs = [
    `SELECT id, k FROM kp GROUP BY id ORDER BY id`,
    `SELECT id, k, v, s, count(*) FROM kp GROUP BY id ORDER BY k, id`,
    `SELECT k, count(*) FROM kp GROUP BY id ORDER BY 1, 2`,
    `SELECT a, c FROM kq GROUP BY a, b ORDER BY 1, 2`,
    `SELECT id, (SELECT k) FROM kp GROUP BY id ORDER BY 1`,
    `SELECT id FROM kp GROUP BY id HAVING k > 2`,
    `SELECT DISTINCT ON (k) k, id FROM kp GROUP BY id ORDER BY k, id`,
    `SELECT kp.id, kq.c FROM kp JOIN kq ON kq.a = kp.id GROUP BY kp.id, kq.a, kq.b ORDER BY 1, 2`,
    `EXPLAIN (COSTS OFF) SELECT id, k FROM kp GROUP BY id`,
    // still errors: part of a composite key, another table, a subquery, no primary key
    `SELECT a, c FROM kq GROUP BY a ORDER BY 1, 2`,
    `SELECT kp.id, x.k FROM kp, kp x GROUP BY kp.id`,
    `SELECT id, k FROM (SELECT * FROM kp) s GROUP BY id`,
    `SELECT a, b FROM kn GROUP BY a`,
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('functional dependency', mismatches, qs.length, SEED);
});

test('output column names follow FigureColname', async () => {
  const mismatches: string[] = [];
  const qs = [
    `SELECT 0.5::real::float8, '[1,2]'::vector::halfvec, ARRAY[1,2]::vector`,
    `SELECT 1::int::text, 'a'::varchar(3), 1::integer, 2::double precision, 3::bigint, 4::smallint, true::boolean, 1::numeric(3,1), 'x'::char(2)`,
    `SELECT (SELECT 1 UNION SELECT 2 LIMIT 1), (SELECT 1 AS z), (SELECT 2 AS y UNION SELECT 3 ORDER BY 1 LIMIT 1)`,
    `SELECT id::text, (id)::text, (kp.id + 1)::text, s::varchar FROM kp ORDER BY 1`,
    `SELECT coalesce(1, 2)::text, ARRAY[1]::int[]::text[], (SELECT max(k) FROM kp)::text, EXISTS (SELECT 1)::int`,
    // ORDER BY a bare name takes an output of that name before an input column: here the
    // subquery (named s by FigureColname), not kp.s, which is output as c1.
    `SELECT (SELECT x.s FROM kp x WHERE x.id = 4 - kp.id), s AS c1, id FROM kp ORDER BY s, id`,
    `SELECT (SELECT x.s FROM kp x WHERE x.id = 4 - kp.id), s AS c1, id FROM kp ORDER BY s DESC, id LIMIT 2`,
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('column names', mismatches, qs.length, SEED);
});

test('a whole-row reference is 0A000 where PostgreSQL returns the row as a record', async () => {
  // It was 42703 "column t does not exist": an error PostgreSQL never gives for this query.
  const { ours, theirs, same } = pair;
  for (const q of ['SELECT t FROM (VALUES (1)) t(x)', 'SELECT kp FROM kp ORDER BY id', 'SELECT count(kp) FROM kp']) {
    const want = await theirs(q), got = await ours(q);
    assert.equal(want.ok, true, `PostgreSQL answers ${q}`);
    assert.ok(!got.ok && got.code === '0A000' && /whole-row/.test(got.message), `vecgres: ${JSON.stringify(got)}`);
  }
  // A column of that name still wins, as in PostgreSQL.
  await same('SELECT t FROM (VALUES (1)) v(t)');
});

test('the select list is computed below the Sort, so a row LIMIT drops can still fail the query', async () => {
  // The select list was computed above the Limit: a numeric overflow on a row the LIMIT left
  // out returned a row where PostgreSQL fails (make_sort_input_target). Volatile calls and,
  // under a LIMIT, expressions of more than 10 operators stay above it, as in PostgreSQL.
  await both(`CREATE TABLE kw (id int, n float8, d int)`);
  await both(`INSERT INTO kw VALUES (1, 1, 1), (2, 1e12, 0), (3, 2, 2)`);
  await both(`CREATE SEQUENCE kw_seq`);
  const mismatches: string[] = [];
  const qs = [
    `SELECT n::numeric(12,3) FROM kw ORDER BY id LIMIT 1`,
    `SELECT id, 10 / d FROM kw ORDER BY id LIMIT 1`,
    `SELECT id, 10 / d FROM kw ORDER BY id DESC LIMIT 1`,
    `SELECT DISTINCT ON (id) id, n::numeric(12,3) FROM kw ORDER BY id LIMIT 1`,
    `SELECT id, sum(n)::numeric(12,3) FROM kw GROUP BY id ORDER BY id LIMIT 1`,
    `SELECT id, (row_number() OVER (ORDER BY id) * n)::numeric(12,3) FROM kw ORDER BY id LIMIT 1`,
    `SELECT id, nextval('kw_seq') FROM kw ORDER BY id DESC LIMIT 2`,
    `SELECT id, 10 / d + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 FROM kw ORDER BY id LIMIT 1`,
    `SELECT id, 10 / d + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 FROM kw ORDER BY id LIMIT 1`,
    `SELECT id, CASE WHEN d = 0 THEN NULL ELSE 10 / d END FROM kw ORDER BY id LIMIT 2`,
    `SELECT id, (SELECT 10 / d) FROM kw ORDER BY id LIMIT 1`,
    `SELECT id, 10 / d FROM kw ORDER BY id OFFSET 2`,
    `SELECT lower(id::text), 10 / d FROM kw ORDER BY lower(id::text) LIMIT 1`,
    // One-argument functions built from one closure were one expression to the planner:
    // GROUP BY sind(x), cosd(x) returned sind twice.
    `SELECT id, sind(n), cosd(n), tand(n) FROM kw ORDER BY id`,
    `SELECT sind(n), cosd(n), count(*) FROM kw GROUP BY sind(n), cosd(n) ORDER BY 1`,
    `SELECT DISTINCT asind(n / 1e12), acosd(n / 1e12) FROM kw ORDER BY 1`,
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('select list below the Sort', mismatches, qs.length, SEED);
});
