/**
 * generate_subscripts, ROW(...) IS [NOT] NULL and the hypothetical-set aggregates (rank,
 * dense_rank, percent_rank, cume_dist WITHIN GROUP) against PostgreSQL 18 (PGlite): results
 * as text, errors by SQLSTATE, message and position.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { both, checkAll } = await openSqlPair();

await both(`CREATE TABLE sub (id int PRIMARY KEY, a int[], m int[], t text[])`);
await both(`INSERT INTO sub VALUES (1, '{10,20,30}', '{{1,2,3},{4,5,6}}', '{x,NULL}'), (2, '{}', '{{7},{8},{9}}', NULL), (3, NULL, '{{{1,2}},{{3,4}}}', '{y}'), (4, '{NULL,NULL}', NULL, '{}')`);

test('generate_subscripts in FROM and in the select list', async () => {
  await checkAll('generate_subscripts', [
    `SELECT * FROM generate_subscripts(ARRAY[1, 2, 3], 1)`,
    `SELECT * FROM generate_subscripts(ARRAY[1, 2, 3], 1, true)`,
    `SELECT * FROM generate_subscripts(ARRAY[1, 2, 3], 1, false) s`,
    `SELECT * FROM generate_subscripts(ARRAY[[1, 2], [3, 4], [5, 6]], 2, true) WITH ORDINALITY AS t(s, n)`,
    `SELECT * FROM generate_subscripts(ARRAY[[1, 2], [3, 4], [5, 6]], 1) WITH ORDINALITY`,
    `SELECT s.* FROM generate_subscripts(ARRAY['a', 'b'], 1) AS s`,
    `SELECT x FROM generate_subscripts(ARRAY['a', 'b'], 1) AS s(x) ORDER BY x DESC`,
    `SELECT * FROM generate_subscripts(ARRAY[1], 1) AS s(x, y)`,
    `SELECT * FROM generate_subscripts(ARRAY[1], 1) WITH ORDINALITY AS s(x, y, z)`,
    `SELECT id, s, a[s] FROM sub, generate_subscripts(sub.a, 1) s ORDER BY id, s`,
    `SELECT id, i, j FROM sub, generate_subscripts(m, 1) i, generate_subscripts(m, 2, true) j ORDER BY id, i, j`,
    `SELECT id, s FROM sub LEFT JOIN LATERAL generate_subscripts(t, 1) s ON true ORDER BY id, s`,
    `SELECT id, generate_subscripts(m, 1) FROM sub ORDER BY 1, 2`,
    `SELECT id, generate_subscripts(m, 3, true) AS k, generate_subscripts(a, 1) FROM sub ORDER BY 1, 2, 3`,
    `SELECT generate_subscripts(ARRAY[1, 2, 3], 1), generate_subscripts(ARRAY[[1], [2]], 1, true)`,
    `SELECT generate_subscripts('{a,b,c}'::text[], 1) + 1 AS next`,
    `SELECT count(*), sum(s) FROM generate_subscripts(array_fill(0, ARRAY[5000]), 1) s`,
    `SELECT generate_subscripts(ARRAY[1], '1'), generate_subscripts(ARRAY[1, 2], 1, 'yes')`,
    `SELECT pg_typeof(generate_subscripts(ARRAY[1.5], 1))`,
    `SELECT * FROM generate_subscripts(ARRAY[ARRAY[1, 2]], 2::smallint)`,
    // No such dimension, an empty array, NULL arguments: no rows.
    `SELECT generate_subscripts(ARRAY[1], 0), generate_subscripts(ARRAY[1], 2)`,
    `SELECT * FROM generate_subscripts(ARRAY[1], -1)`,
    `SELECT * FROM generate_subscripts(ARRAY[[1]], 3)`,
    `SELECT * FROM generate_subscripts('{}'::int[], 1)`,
    `SELECT generate_subscripts('{}'::text[], 1, true)`,
    `SELECT * FROM generate_subscripts(NULL::int[], 1)`,
    `SELECT generate_subscripts(ARRAY[1], NULL)`,
    `SELECT * FROM generate_subscripts(ARRAY[1], 1, NULL)`,
    // Errors.
    `SELECT generate_subscripts('{1,2}', 1)`,
    `SELECT * FROM generate_subscripts(NULL, 1)`,
    `SELECT generate_subscripts(ARRAY[1, 2, 3], 1.5)`,
    `SELECT generate_subscripts(ARRAY[1, 2, 3], 1::bigint)`,
    `SELECT * FROM generate_subscripts(1, 1)`,
    `SELECT generate_subscripts('abc'::text, 1)`,
    `SELECT generate_subscripts(ARRAY[1])`,
    `SELECT generate_subscripts(ARRAY[1], 1, true, 1)`,
    `SELECT generate_subscripts(ARRAY[1], 1, 2)`,
    `SELECT * FROM generate_subscripts(ARRAY[1], 'x')`,
  ], [], SEED);
  await checkAll('generate_subscripts parameters', [
    [`SELECT * FROM generate_subscripts($1::int[], $2)`, ['{5,6,7}', 2]],
    [`SELECT * FROM generate_subscripts($1::int[], $2)`, ['{{5,6,7}}', 2]],
    [`SELECT generate_subscripts($1::text[], 1, $2)`, ['{a,b}', true]],
  ], [], SEED);
});

test('generate_subscripts row estimates and EXPLAIN VERBOSE match PostgreSQL', async () => {
  const calls = [`generate_subscripts(ARRAY[1, 2, 3], 1)`, `generate_subscripts(ARRAY[[1, 2]], 2, true)`];
  await checkAll('generate_subscripts estimates', calls.map((f) => `SELECT (regexp_match(p, 'rows=([0-9]+)'))[1] FROM (EXPLAIN SELECT * FROM ${f}) AS x(p)`), [], SEED);
  await checkAll('generate_subscripts EXPLAIN', [
    `EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM generate_subscripts(ARRAY[1, 2, 3], 1, true) WITH ORDINALITY s`,
    `EXPLAIN (VERBOSE, COSTS OFF) SELECT id, s FROM sub, generate_subscripts(sub.m, 2) s WHERE s > 1`,
    `EXPLAIN (VERBOSE, COSTS OFF) SELECT generate_subscripts(a, 1, false) FROM sub`,
  ], [], SEED);
});

test('ROW(...) IS [NOT] NULL', async () => {
  await both(`CREATE TABLE rn (id int PRIMARY KEY, a int, b text, c float8)`);
  await both(`INSERT INTO rn VALUES (1, 1, 'x', 1.5), (2, NULL, 'y', NULL), (3, 3, NULL, 2), (4, NULL, NULL, NULL), (5, 5, 'z', NULL)`);
  await checkAll('row null tests', [
    `SELECT ROW(1, NULL) IS NULL AS a, ROW(NULL, NULL) IS NULL AS b, ROW(1, NULL) IS NOT NULL AS c, ROW(1, 2) IS NOT NULL AS d, (1, 2) IS NULL AS e`,
    `SELECT ROW() IS NULL AS f, ROW() IS NOT NULL AS g, ROW(NULL) IS NULL AS h, ROW(NULL) IS NOT NULL AS i, ROW(ARRAY[NULL]::int[], NULL) IS NULL AS j`,
    `SELECT (NULL::int, NULL::text) IS NULL, (NULL::int, 'a') IS NOT NULL, NOT ROW(1, 2) IS NULL`,
    `SELECT id, (a, b) IS NULL AS n, (a, b) IS NOT NULL AS nn, NOT (a, b) IS NULL AS not_n, NOT (a, b, c) IS NOT NULL AS not_nn FROM rn ORDER BY id`,
    `SELECT id, ROW(a, b, c) IS NULL, ROW(a + 1, upper(b), c * 2) IS NOT NULL, ROW(a, 1) IS NULL, ROW(a, NULL) IS NOT NULL FROM rn ORDER BY id`,
    `SELECT id FROM rn WHERE (a, c) IS NULL ORDER BY id`,
    `SELECT id FROM rn WHERE (a, b, c) IS NOT NULL ORDER BY id`,
    `SELECT id FROM rn WHERE NOT (a, b) IS NOT NULL ORDER BY id`,
    `SELECT count(*) FILTER (WHERE (a, b) IS NULL), count(*) FILTER (WHERE (a, b) IS NOT NULL) FROM rn`,
    `SELECT CASE WHEN (a, b) IS NULL THEN 'all null' WHEN (a, b) IS NOT NULL THEN 'none null' ELSE 'mixed' END FROM rn ORDER BY id`,
    `SELECT x.id, y.id FROM rn x LEFT JOIN rn y ON x.a = y.a WHERE (y.a, y.b) IS NOT NULL ORDER BY 1`,
    `SELECT x.id FROM rn x LEFT JOIN rn y ON x.a = y.a AND y.c > 1 WHERE (y.a, y.c) IS NULL ORDER BY 1`,
    `SELECT id FROM rn WHERE ((SELECT max(a) FROM rn r2 WHERE r2.id < rn.id), b) IS NULL ORDER BY id`,
    `SELECT ROW(a, 1 / 0) IS NULL FROM rn`,
    `EXPLAIN (COSTS OFF) SELECT id FROM rn WHERE (a, b) IS NULL`,
    `EXPLAIN (COSTS OFF) SELECT id FROM rn WHERE ROW(a, 1, NULL::int) IS NOT NULL`,
    `EXPLAIN (COSTS OFF) SELECT id FROM rn WHERE ROW(a, NULL::int) IS NULL`,
    `EXPLAIN (VERBOSE, COSTS OFF) SELECT ROW(a, b) IS NULL, (c, a) IS NOT NULL FROM rn`,
  ], [], SEED);
});
