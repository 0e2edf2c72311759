/**
 * generate_subscripts, ROW(...) IS [NOT] NULL and the hypothetical-set aggregates (rank,
 * dense_rank, percent_rank, cume_dist WITHIN GROUP) against PostgreSQL 18 (PGlite): results
 * as text, errors by SQLSTATE, message and position.
 */
import { test } from 'node:test';
import { Prng } from '../../src/common/prng.js';
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
    `SELECT generate_subscripts((SELECT ARRAY[1, 2, 3]), 1)`,
    `SELECT generate_subscripts(ARRAY['[1,2]'::vector, '[3,4]'], 1, true)`,
    `WITH c AS (SELECT ARRAY[[1, 2], [3, 4]] a) SELECT s, generate_subscripts(a, 2) FROM c, generate_subscripts(c.a, 1) s ORDER BY 1, 2`,
    `SELECT * FROM generate_subscripts('[1,2]'::vector, 1)`,
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

await both(`CREATE TABLE hs (id int PRIMARY KEY, g text, n int, b bigint, d float8, m numeric, t text, dt date)`);
{
  const rng = new Prng(SEED);
  const rows: string[] = [];
  const maybe = (v: string): string => (rng.int(6) === 0 ? 'NULL' : v);
  for (let id = 1; id <= 40; id++) {
    const g = ['a', 'b', 'c', null][rng.int(4)];
    // Small ranges, so groups hold ties.
    rows.push(`(${id}, ${g === null ? 'NULL' : `'${g}'`}, ${maybe(String(rng.int(8) - 2))}, ${maybe(String((rng.int(5) - 2) * 3_000_000_000))}, ` +
      `${maybe(String((rng.int(21) - 10) / 4))}, ${maybe(String((rng.int(9) - 4) / 2))}, ${maybe(`'w${rng.int(4)}'`)}, ${maybe(`'2024-01-01'::date + ${rng.int(6)}`)})`);
  }
  await both(`INSERT INTO hs VALUES ${rows.join(', ')}`);
}

const HYPOTHETICAL = ['rank', 'dense_rank', 'percent_rank', 'cume_dist'];

test('hypothetical-set aggregates over one key: ties, NULLs, directions', async () => {
  const qs: string[] = [];
  const cases: [string, string[]][] = [
    ['n', ['-3', '0', '1', '2', '5', '9', 'NULL', '1.5', "'2'"]],
    ['b', ['0', '3000000000', '-6000000000', 'NULL', '1']],
    ['d', ['0', '-2.5', '0.25', '3', 'NULL', "'NaN'", "'-Infinity'", '1::int']],
    ['m', ['0', '0.5', '-2', '2.00', 'NULL']],
    ['t', ["'w0'", "'w2'", "'w9'", "'a'", 'NULL']],
    ['dt', ["'2024-01-03'", "'2023-12-31'", 'NULL', "'2024-01-03'::timestamp"]],
  ];
  for (const [col, values] of cases) {
    for (const v of values) {
      for (const dir of ['', ' DESC', ' NULLS FIRST', ' DESC NULLS LAST']) {
        qs.push(`SELECT ${HYPOTHETICAL.map((f) => `${f}(${v}) WITHIN GROUP (ORDER BY ${col}${dir})`).join(', ')} FROM hs`);
      }
    }
  }
  await checkAll('hypothetical one key', qs, [], SEED);
});

test('hypothetical-set aggregates over several keys, grouped, filtered', async () => {
  const rng = new Prng(SEED + 1);
  const pick = <T>(a: readonly T[]): T => a[rng.int(a.length)]!;
  const qs: string[] = [];
  const keys: [string, string[]][] = [['n', ['0', '2', 'NULL', '4']], ['t', ["'w1'", "'w3'", 'NULL']], ['d', ['0', '1.5', 'NULL']], ['dt', ["'2024-01-02'", 'NULL']]];
  for (let k = 0; k < 40; k++) {
    const count = 2 + rng.int(2);
    const chosen = [...keys].sort(() => rng.int(3) - 1).slice(0, count);
    const args = chosen.map(([, vs]) => pick(vs)).join(', ');
    const order = chosen.map(([c]) => `${c}${pick(['', ' DESC', ' NULLS FIRST', ' DESC NULLS LAST', ' ASC NULLS LAST'])}`).join(', ');
    const f = pick(HYPOTHETICAL);
    const filter = pick(['', ' FILTER (WHERE id % 3 <> 0)', ' FILTER (WHERE n IS NOT NULL)']);
    if (rng.int(2) === 0) qs.push(`SELECT ${f}(${args}) WITHIN GROUP (ORDER BY ${order})${filter} FROM hs`);
    else qs.push(`SELECT g, ${f}(${args}) WITHIN GROUP (ORDER BY ${order})${filter}, count(*) FROM hs GROUP BY g ORDER BY g`);
  }
  qs.push(
    `SELECT g, rank(g, 1) WITHIN GROUP (ORDER BY t, n), dense_rank(2) WITHIN GROUP (ORDER BY n DESC) FROM hs GROUP BY g ORDER BY g`,
    `SELECT g, percent_rank(1) WITHIN GROUP (ORDER BY n) FILTER (WHERE false), cume_dist(1) WITHIN GROUP (ORDER BY n) FILTER (WHERE false) FROM hs GROUP BY g ORDER BY g`,
    `SELECT ${HYPOTHETICAL.map((f) => `${f}(1) WITHIN GROUP (ORDER BY n)`).join(', ')} FROM hs WHERE false`,
    `SELECT ${HYPOTHETICAL.map((f) => `${f}(NULL, NULL) WITHIN GROUP (ORDER BY n, t)`).join(', ')} FROM hs`,
    `SELECT ${HYPOTHETICAL.map((f) => `${f}(NULL) WITHIN GROUP (ORDER BY NULL)`).join(', ')} FROM hs`,
    `SELECT ${HYPOTHETICAL.map((f) => `${f}('w1') WITHIN GROUP (ORDER BY '3')`).join(', ')} FROM hs`,
    `SELECT ${HYPOTHETICAL.map((f) => `pg_typeof(${f}(1) WITHIN GROUP (ORDER BY n))`).join(', ')} FROM hs`,
    `SELECT g, rank(1) WITHIN GROUP (ORDER BY n) FROM hs GROUP BY ROLLUP (g) ORDER BY g`,
    `SELECT g FROM hs GROUP BY g HAVING rank(2) WITHIN GROUP (ORDER BY n) > 3 ORDER BY g`,
    `SELECT g, rank(n) WITHIN GROUP (ORDER BY d) FROM hs GROUP BY g, n ORDER BY g, n`,
    `SELECT rank((SELECT max(n) FROM hs)) WITHIN GROUP (ORDER BY n), cume_dist((SELECT 2)) WITHIN GROUP (ORDER BY n * 2) FROM hs`,
    `SELECT id, (SELECT rank(o.n) WITHIN GROUP (ORDER BY n) FROM hs) FROM hs o WHERE id <= 6 ORDER BY id`,
    `SELECT dense_rank(x) WITHIN GROUP (ORDER BY x) FROM (VALUES ('NaN'::float8), (1), ('NaN'), ('-0'), ('0')) v(x) GROUP BY ()`,
    `SELECT g, rank(1) WITHIN GROUP (ORDER BY n), sum(n), percentile_cont(0.5) WITHIN GROUP (ORDER BY d) FROM hs GROUP BY g ORDER BY 2, g`,
    `SELECT dense_rank(3, 'w1') WITHIN GROUP (ORDER BY n, t) FROM hs`,
    `SELECT rank('[1,2]'::vector) WITHIN GROUP (ORDER BY x), cume_dist(ARRAY[1, 2]) WITHIN GROUP (ORDER BY y DESC) FROM (VALUES ('[1,3]'::vector, ARRAY[1, 3]), ('[0,9]', ARRAY[0, 9]), (NULL, NULL)) v(x, y)`,
  );
  await checkAll('hypothetical several keys', qs, [], SEED);
  await checkAll('hypothetical parameters', [
    [`SELECT rank($1) WITHIN GROUP (ORDER BY n), cume_dist($2) WITHIN GROUP (ORDER BY t DESC) FROM hs`, [2, 'w2']],
    [`SELECT g, percent_rank($1, $2) WITHIN GROUP (ORDER BY d, n) FROM hs GROUP BY g ORDER BY g`, [0.5, 1]],
  ], [], SEED);
});

test('hypothetical-set aggregate errors as PostgreSQL reports them', async () => {
  await checkAll('hypothetical errors', [
    `SELECT rank(1, 2) WITHIN GROUP (ORDER BY n) FROM hs`,
    `SELECT dense_rank(1) WITHIN GROUP (ORDER BY n, t) FROM hs`,
    `SELECT percent_rank() WITHIN GROUP (ORDER BY n) FROM hs`,
    `SELECT cume_dist(1, 'a', NULL) WITHIN GROUP (ORDER BY n, t) FROM hs`,
    `SELECT rank(1) WITHIN GROUP (ORDER BY t) FROM hs`,
    `SELECT rank(ARRAY[1]) WITHIN GROUP (ORDER BY n) FROM hs`,
    `SELECT cume_dist('a'::text) WITHIN GROUP (ORDER BY n) FROM hs`,
    `SELECT dense_rank(1, 2) WITHIN GROUP (ORDER BY n, dt) FROM hs`,
    `SELECT rank('x') WITHIN GROUP (ORDER BY n) FROM hs`,
    `SELECT rank(1) WITHIN GROUP (ORDER BY 'x') FROM hs`,
    `SELECT rank('[1,2]'::vector) WITHIN GROUP (ORDER BY n) FROM hs`,
    `SELECT rank(n) WITHIN GROUP (ORDER BY n) FROM hs`,
    `SELECT g, percent_rank(d) WITHIN GROUP (ORDER BY d) FROM hs GROUP BY g`,
    `SELECT rank(sum(n)) WITHIN GROUP (ORDER BY n) FROM hs`,
    `SELECT rank(1) WITHIN GROUP (ORDER BY sum(n)) FROM hs`,
    `SELECT sum(rank(1) WITHIN GROUP (ORDER BY n)) FROM hs`,
    `SELECT id FROM hs WHERE rank(1) WITHIN GROUP (ORDER BY n) > 0`,
    `SELECT rank(1) FROM hs`,
    `SELECT cume_dist(1, 2) FROM hs`,
    `SELECT rank(1) WITHIN GROUP (ORDER BY n) OVER () FROM hs`,
    `SELECT dense_rank(DISTINCT 1) WITHIN GROUP (ORDER BY n) FROM hs`,
    `SELECT rank(1 / 0) WITHIN GROUP (ORDER BY n) FROM hs`,
    `SELECT rank(1) WITHIN GROUP (ORDER BY x) FROM (VALUES ('{"a":1}'::json)) v(x)`,
    `SELECT rank(1) WITHIN GROUP (ORDER BY n / 0) FROM hs`,
  ], [], SEED);
});

test('EXPLAIN VERBOSE prints the hypothetical-set call', async () => {
  await checkAll('hypothetical EXPLAIN', [
    `EXPLAIN (VERBOSE, COSTS OFF) SELECT rank(3, 'y') WITHIN GROUP (ORDER BY n, t DESC) FILTER (WHERE id > 1), cume_dist(1.5) WITHIN GROUP (ORDER BY n NULLS FIRST) FROM hs`,
    `EXPLAIN (VERBOSE, COSTS OFF) SELECT dense_rank(1) WITHIN GROUP (ORDER BY d DESC NULLS LAST), percent_rank(NULL, 2) WITHIN GROUP (ORDER BY t, b) FROM hs`,
    `EXPLAIN (VERBOSE, COSTS OFF) SELECT rank('2024-01-02') WITHIN GROUP (ORDER BY dt), rank(1::int2) WITHIN GROUP (ORDER BY m) FROM hs WHERE n > 3`,
    `EXPLAIN (VERBOSE, COSTS OFF) SELECT cume_dist(2) WITHIN GROUP (ORDER BY lower(t)) FROM hs`,
  ], [], SEED);
});

test('views over the three features', async () => {
  await both(`CREATE VIEW hv AS SELECT g, rank(2) WITHIN GROUP (ORDER BY n DESC) AS r, cume_dist(1, 'w1') WITHIN GROUP (ORDER BY d, t) AS c FROM hs GROUP BY g`);
  await both(`CREATE VIEW sv AS SELECT id, s, (a[s], id) IS NOT NULL AS full_row FROM sub, generate_subscripts(a, 1, true) s`);
  await checkAll('views', [`SELECT * FROM hv ORDER BY g`, `SELECT * FROM sv ORDER BY id, s`, `SELECT * FROM sv WHERE full_row ORDER BY id, s`], [], SEED);
});
