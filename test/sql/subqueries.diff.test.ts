/**
 * Differential tests of subqueries used as expressions against PostgreSQL 18 + pgvector 0.8.7
 * (PGlite): scalar subqueries, EXISTS / NOT EXISTS, IN / NOT IN, op ANY / ALL, correlated or
 * not, in the select list, WHERE, HAVING, ORDER BY and nested; the errors PostgreSQL raises
 * (21000 more than one row, 42601 column counts, 42803 ungrouped outer columns). Includes
 * issue 7's wrong answer: an uncorrelated subquery inside the filter of a k-NN scan.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { check, both, checkAll } = await openSqlPair();

await both(`CREATE TABLE a (id int PRIMARY KEY, x int, t text, v vector(2))`);
await both(`CREATE TABLE b (id int PRIMARY KEY, aid int, y int)`);
await both(`CREATE TABLE c (k text, n bigint)`);
await both(`INSERT INTO a VALUES (1, 10, 'p', '[1,1]'), (2, 20, 'q', '[2,0]'), (3, NULL, 'r', NULL), (4, 40, NULL, '[0,5]')`);
await both(`INSERT INTO b VALUES (1, 1, 100), (2, 1, 200), (3, 2, 300), (4, 9, 400), (5, NULL, 500)`);
await both(`INSERT INTO c VALUES ('p', 1), ('q', 2), ('q', 3), (NULL, 4)`);
await both(`CREATE TABLE t (id int PRIMARY KEY, e vector(2))`);
await both(`INSERT INTO t SELECT i, ('[' || i || ',0]')::vector FROM generate_series(1, 200) i`);

const all = (label: string, queries: string[], params?: unknown[]): Promise<void> => checkAll(label, queries, params, SEED);

test('scalar subqueries, correlated and not', async () => {
  await all('scalar', [
    'SELECT id, (SELECT count(*) FROM b WHERE b.aid = a.id) AS c FROM a ORDER BY id',
    'SELECT id, (SELECT y FROM b WHERE b.aid = a.id) FROM a ORDER BY id',
    'SELECT (SELECT max(y) FROM b WHERE b.aid = a.id) AS m, id FROM a ORDER BY m NULLS FIRST, id',
    'SELECT id FROM a WHERE (SELECT count(*) FROM b WHERE b.aid = a.id) >= 1 ORDER BY id',
    'SELECT a.id FROM a WHERE a.x > (SELECT avg(y) / 10 FROM b) ORDER BY 1',
    'SELECT (SELECT t FROM a WHERE id = b.aid), y FROM b ORDER BY y',
    'SELECT id, (SELECT (SELECT a.x + b.y) FROM b WHERE b.id = a.id) FROM a ORDER BY id',
    'SELECT id FROM a ORDER BY (SELECT count(*) FROM b WHERE b.aid = a.id) DESC, id',
    'SELECT (SELECT 1)',
    'SELECT (SELECT NULL::int) IS NULL',
    'SELECT (SELECT id FROM b WHERE false)',
    'SELECT (SELECT id FROM b)',
    'SELECT id, (SELECT id FROM b WHERE b.aid = a.id) FROM a ORDER BY id',
    'SELECT (SELECT 1, 2)',
    'SELECT x, (SELECT count(*) FROM b WHERE b.aid = a.id) FROM a GROUP BY x',
    'SELECT x, count(*), (SELECT max(y) FROM b WHERE b.aid = a.x) FROM a GROUP BY x ORDER BY x',
    'SELECT aid, sum(y) FROM b GROUP BY aid HAVING sum(y) > (SELECT min(y) FROM b) * 2 ORDER BY aid',
    'SELECT g, (SELECT count(*) FROM generate_series(1, g)) FROM generate_series(1, 4) g',
    'SELECT id FROM t WHERE id <> (SELECT id FROM t ORDER BY e <-> \'[150,0]\' LIMIT 1) ORDER BY e <-> \'[0,0]\' LIMIT 3',
    'SELECT id FROM t ORDER BY e <-> (SELECT e FROM t WHERE id = 7) LIMIT 3',
    'SELECT id, e <-> (SELECT e FROM t WHERE id = 7) AS d FROM t WHERE id < (SELECT 10) ORDER BY d, id LIMIT 4',
  ]);
});

test('EXISTS, IN, NOT IN, ANY and ALL', async () => {
  await all('quantified', [
    'SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.aid = a.id) ORDER BY id',
    'SELECT id FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.aid = a.id) ORDER BY id',
    'SELECT id, EXISTS (SELECT 1 FROM b WHERE aid = a.id) FROM a ORDER BY id',
    'SELECT 1 WHERE EXISTS (SELECT 1 FROM a)',
    'SELECT count(*) FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.y > 1000)',
    'SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.aid = a.id AND EXISTS (SELECT 1 FROM c WHERE c.n = b.id)) ORDER BY id',
    'SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.aid = a.id AND b.y > 150) ORDER BY id',
    'SELECT id FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE a.x = b.aid AND b.y > 150) ORDER BY id',
    'SELECT count(*) FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.aid = a.id AND b.y > a.x)',
    'SELECT a.t, count(*) FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.aid = a.id) AND NOT EXISTS (SELECT 1 FROM c WHERE c.k = a.t) GROUP BY a.t ORDER BY 1',
    'SELECT a.id, b.id FROM a JOIN b ON b.aid = a.id WHERE NOT EXISTS (SELECT 1 FROM c WHERE c.n = b.id AND c.k = a.t) ORDER BY 1, 2',
    'SELECT id FROM a WHERE id IN (SELECT aid FROM b) ORDER BY id',
    'SELECT id FROM a WHERE id NOT IN (SELECT aid FROM b) ORDER BY id',
    'SELECT id FROM a WHERE x IN (SELECT y / 10 FROM b) ORDER BY id',
    'SELECT id FROM a WHERE x NOT IN (SELECT y / 10 FROM b WHERE y IS NOT NULL) ORDER BY id',
    'SELECT id FROM a WHERE id IN (SELECT aid FROM b WHERE b.y > a.x * 5) ORDER BY id',
    'SELECT id, x IN (SELECT y / 10 FROM b) FROM a ORDER BY id',
    'SELECT id FROM a WHERE id = ANY (SELECT aid FROM b WHERE y < 250) ORDER BY id',
    'SELECT id FROM a WHERE x > ALL (SELECT y / 10 FROM b WHERE aid = 1) ORDER BY id',
    'SELECT id FROM a WHERE x < ANY (SELECT y / 10 FROM b WHERE b.aid <> a.id) ORDER BY id',
    'SELECT id, x >= ALL (SELECT x FROM a a2 WHERE a2.x IS NOT NULL) FROM a ORDER BY id',
    'SELECT t FROM a WHERE t IN (SELECT k FROM c) ORDER BY t',
    'SELECT id FROM a WHERE v IN (SELECT v FROM a WHERE id < 3) ORDER BY id',
    'SELECT id FROM a WHERE id IN (SELECT id, aid FROM b)',
    'SELECT a.id FROM a WHERE a.id = ANY (ARRAY[1, 3]) ORDER BY 1',
    'SELECT a.id FROM a WHERE a.x <> ALL (ARRAY[10, NULL]) ORDER BY 1',
    'SELECT a.id FROM a WHERE a.x > ALL (\'{1,2}\') ORDER BY 1',
    'SELECT 1 = ANY (\'{}\'::int[]), 1 = ALL (\'{}\'::int[]), NULL::int = ANY (\'{}\'::int[])',
    'SELECT t = ANY (ARRAY[\'p\', NULL]) FROM a ORDER BY id',
    'SELECT 1 = ANY (2)',
  ]);
  await all('ANY with a parameter', ['SELECT id FROM a WHERE id = ANY ($1) ORDER BY id'], [[2, 4]]);
});

test('subqueries in UPDATE, DELETE and INSERT', async () => {
  const mismatches: string[] = [];
  const steps = [
    'CREATE TABLE m (id int PRIMARY KEY, n int)',
    'INSERT INTO m SELECT id, x FROM a WHERE x IS NOT NULL',
    'INSERT INTO m VALUES ((SELECT max(id) + 10 FROM m), (SELECT count(*) FROM b))',
    'UPDATE m SET n = (SELECT count(*) FROM b WHERE b.aid = m.id) WHERE id IN (SELECT aid FROM b) RETURNING id, n',
    'DELETE FROM m WHERE EXISTS (SELECT 1 FROM b WHERE b.aid = m.id AND b.y > 250) RETURNING *',
    'SELECT * FROM m ORDER BY id',
    'INSERT INTO m (id) SELECT g FROM generate_series(100, 102) g RETURNING id, n',
    'INSERT INTO m SELECT id + 1000, n FROM m RETURNING id',
    'SELECT count(*), sum(id) FROM m',
  ];
  for (const s of steps) await check(s, mismatches);
  reportMismatches('DML with subqueries', mismatches, steps.length, SEED);
});

test('INSERT ... SELECT resolves untyped literals against the target columns', async () => {
  const mismatches: string[] = [];
  const steps = [
    'CREATE TABLE ins (id int PRIMARY KEY, note text, e vector(2))',
    'INSERT INTO ins SELECT g, NULL, NULL FROM generate_series(1, 3) g',
    'INSERT INTO ins SELECT 10, \'ten\', \'[1,2]\'',
    'INSERT INTO ins (id, e) SELECT id + 100, \'[3,4]\' FROM ins WHERE id < 3 RETURNING *',
    'SELECT * FROM ins ORDER BY id',
  ];
  for (const s of steps) await check(s, mismatches);
  reportMismatches('INSERT ... SELECT literals', mismatches, steps.length, SEED);
});
