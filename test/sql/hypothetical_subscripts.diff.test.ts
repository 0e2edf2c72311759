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
