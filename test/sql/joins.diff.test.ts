/**
 * Differential tests of FROM with several relations against PostgreSQL 18 + pgvector 0.8.7
 * (PGlite): table and column aliases, [INNER] / LEFT / RIGHT / FULL [OUTER] JOIN with ON and
 * USING, NATURAL, CROSS JOIN, comma joins, self joins, subqueries and VALUES in FROM,
 * functions in FROM, LATERAL, grouping over joins, vector distances across a join, and the
 * name-resolution errors (42702 ambiguous column, 42P01 missing or invalid FROM-clause
 * entry) with their positions. Rows, field names and type OIDs, or errors, must be identical;
 * every query orders its rows completely.
 */
import { test } from 'node:test';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { check, both } = await openSqlPair();

await both(`CREATE TABLE a (id int PRIMARY KEY, x int, t text, v vector(2))`);
await both(`CREATE TABLE b (id int PRIMARY KEY, aid int, y int)`);
await both(`CREATE TABLE c (k text, n bigint)`);
await both(`INSERT INTO a VALUES (1, 10, 'p', '[1,1]'), (2, 20, 'q', '[2,0]'), (3, NULL, 'r', NULL), (4, 40, NULL, '[0,5]')`);
await both(`INSERT INTO b VALUES (1, 1, 100), (2, 1, 200), (3, 2, 300), (4, 9, 400), (5, NULL, 500)`);
await both(`INSERT INTO c VALUES ('p', 1), ('q', 2), ('q', 3), (NULL, 4)`);
// Two larger tables of seeded rows (VECGRES_SEED replays): documents and their chunks.
await both(`CREATE TABLE docs (id int PRIMARY KEY, title text, lang text)`);
await both(`CREATE TABLE chunks (id int PRIMARY KEY, doc_id int, pos int, e vector(3))`);
{
  const rng = new Prng(SEED);
  const docs: string[] = [];
  for (let i = 1; i <= 40; i++) docs.push(`(${i}, 'doc ${i}', ${rng.int(4) === 0 ? 'NULL' : `'${['en', 'de', 'fr'][rng.int(3)]}'`})`);
  await both(`INSERT INTO docs VALUES ${docs.join(', ')}`);
  const chunks: string[] = [];
  for (let i = 1; i <= 300; i++) {
    const doc = rng.int(10) === 0 ? 'NULL' : String(1 + rng.int(45));
    chunks.push(`(${i}, ${doc}, ${rng.int(20)}, '[${rng.int(9) - 4},${rng.int(9) - 4},${rng.int(9) - 4}]')`);
  }
  await both(`INSERT INTO chunks VALUES ${chunks.join(', ')}`);
}

function report(label: string, mismatches: string[], total: number): void {
  reportMismatches(label, mismatches, total, SEED);
}

async function all(label: string, queries: string[]): Promise<void> {
  const mismatches: string[] = [];
  for (const q of queries) await check(q, mismatches);
  report(label, mismatches, queries.length);
}

test('inner, left, right, full and cross joins with ON, USING and NATURAL', async () => {
  await all('join kinds', [
    'SELECT a.id, b.id FROM a JOIN b ON a.id = b.aid ORDER BY 1, 2',
    'SELECT a.id, b.id FROM a INNER JOIN b ON a.id = b.aid ORDER BY 1, 2',
    'SELECT a.id, b.id FROM a LEFT JOIN b ON a.id = b.aid ORDER BY 1, 2',
    'SELECT a.id, b.id FROM a LEFT OUTER JOIN b ON a.id = b.aid ORDER BY 1, 2',
    'SELECT a.id, b.id FROM a RIGHT JOIN b ON a.id = b.aid ORDER BY 1, 2',
    'SELECT a.id, b.id FROM a FULL JOIN b ON a.id = b.aid ORDER BY 1, 2',
    'SELECT * FROM a FULL OUTER JOIN c ON c.k = a.t ORDER BY a.id, c.n',
    'SELECT * FROM a FULL JOIN b ON a.id = b.aid AND a.x < b.y ORDER BY a.id, b.id',
    'SELECT * FROM a FULL JOIN b ON a.id = b.aid WHERE b.y > 150 OR a.x > 15 ORDER BY a.id, b.id',
    'SELECT * FROM a CROSS JOIN b ORDER BY a.id, b.id',
    'SELECT a.id, b.id FROM a, b WHERE a.id = b.aid AND b.y > 150 ORDER BY 1, 2',
    'SELECT id FROM a JOIN b USING (id) ORDER BY id',
    'SELECT * FROM a JOIN b USING (id) ORDER BY id',
    'SELECT * FROM a LEFT JOIN b USING (id) ORDER BY id',
    'SELECT * FROM b RIGHT JOIN a USING (id) ORDER BY id',
    'SELECT * FROM a FULL JOIN (SELECT id + 2 AS id, y FROM b) s USING (id) ORDER BY id',
    'SELECT * FROM a NATURAL JOIN b ORDER BY id',
    'SELECT id, x, y FROM a JOIN b USING (id) WHERE y > 100 ORDER BY id',
    'SELECT j.id FROM (a JOIN b USING (id)) AS j ORDER BY 1',
    'SELECT a.id, c.n FROM a LEFT JOIN c ON c.k = a.t AND c.n > 1 ORDER BY 1, 2',
    'SELECT a.id, c.n FROM a RIGHT JOIN c ON c.k = a.t WHERE a.id IS NULL ORDER BY 2',
    'SELECT a.id, b.y FROM a LEFT JOIN b ON a.id = b.aid AND b.y > 150 ORDER BY 1, 2',
    'SELECT a.id, b.y FROM a LEFT JOIN b ON a.id = b.aid WHERE b.y IS NULL ORDER BY 1, 2',
    'SELECT a.id, b.id FROM a JOIN b ON a.id = b.aid AND a.x < b.y / 5 ORDER BY 1, 2',
    'SELECT a.id FROM a JOIN b ON a.id = b.aid JOIN c ON c.k = a.t ORDER BY 1',
    'SELECT a.id, b.id, c.n FROM a LEFT JOIN b ON b.aid = a.id LEFT JOIN c ON c.k = a.t ORDER BY 1, 2, 3',
    'SELECT a.id, b.id, c.n FROM a JOIN b ON b.aid = a.id RIGHT JOIN c ON c.k = a.t ORDER BY 1, 2, 3',
    'SELECT count(*) FROM a a1 JOIN a a2 ON a1.x < a2.x',
    'SELECT a1.id, a2.id FROM a a1 JOIN a a2 ON a1.x < a2.x ORDER BY 1, 2',
    'SELECT a1.id, a2.id FROM a AS a1 LEFT JOIN a AS a2 ON a2.id = a1.id + 1 ORDER BY 1',
    'SELECT count(*) FROM a, a a2, b',
    'SELECT count(*) FROM a, b, c WHERE a.id = b.aid AND c.k = a.t',
    'SELECT a.id, b.id FROM a, b WHERE a.id = b.id AND b.id = 2',
    'SELECT a.id FROM a JOIN b ON true WHERE b.id = 1 ORDER BY 1',
    'SELECT x.id FROM a AS x WHERE x.x > 10 ORDER BY x.id',
    'SELECT t.* FROM a t WHERE t.id = 2',
    'SELECT a.*, b.y FROM a JOIN b ON b.aid = a.id ORDER BY b.y',
    'SELECT q.i, q.j FROM a AS q(i, j) ORDER BY 1',
    'SELECT * FROM a AS q(i) ORDER BY i',
  ]);
});

test('grouping, aggregates and vector distances over joins', async () => {
  await all('grouped joins', [
    'SELECT a.id, count(b.id) FROM a LEFT JOIN b ON b.aid = a.id GROUP BY a.id ORDER BY a.id',
    'SELECT t, count(*) FROM a JOIN b ON a.id = b.aid GROUP BY t ORDER BY t',
    'SELECT a.id FROM a, b WHERE a.id = b.aid GROUP BY a.id HAVING count(*) > 1',
    'SELECT a.t, sum(b.y) FROM a JOIN b ON b.aid = a.id GROUP BY a.t ORDER BY 2 DESC, 1',
    'SELECT d.lang, count(*), count(DISTINCT_NOT_USED.x) FROM docs d JOIN chunks c ON c.doc_id = d.id, (SELECT 1 AS x) DISTINCT_NOT_USED GROUP BY d.lang ORDER BY 1 NULLS FIRST',
    'SELECT d.id, count(c.id) AS n FROM docs d LEFT JOIN chunks c ON c.doc_id = d.id GROUP BY d.id ORDER BY n DESC, d.id LIMIT 5',
    'SELECT d.id, min(c.e <-> \'[0,0,0]\') FROM docs d JOIN chunks c ON c.doc_id = d.id GROUP BY d.id ORDER BY 2, 1 LIMIT 5',
    'SELECT c.id, d.title, c.e <-> \'[1,1,1]\' AS dist FROM chunks c JOIN docs d ON d.id = c.doc_id WHERE d.lang = \'en\' ORDER BY dist, c.id LIMIT 7',
    'SELECT c1.id, c2.id FROM chunks c1 JOIN chunks c2 ON c1.doc_id = c2.doc_id AND c1.id < c2.id WHERE c1.doc_id = 3 ORDER BY 1, 2',
    'SELECT count(*) FROM chunks c LEFT JOIN docs d ON d.id = c.doc_id WHERE d.id IS NULL',
    'SELECT count(*), count(d.id) FROM chunks c FULL JOIN docs d ON d.id = c.doc_id',
    'SELECT d.lang, avg(c.e) FROM chunks c JOIN docs d ON d.id = c.doc_id GROUP BY d.lang ORDER BY 1 NULLS LAST',
    'SELECT a1.id, a2.id, a1.v <-> a2.v FROM a a1, a a2 WHERE a1.id < a2.id ORDER BY 1, 2',
    'SELECT a1.id, a2.id FROM a a1, a a2 WHERE a2.id = 1 ORDER BY a1.v <-> a2.v, a1.id LIMIT 3',
  ]);
});

test('subqueries, VALUES and functions in FROM; LATERAL', async () => {
  await all('FROM items', [
    'SELECT s.n, s.m FROM (SELECT id AS n, x * 2 AS m FROM a) s WHERE s.m > 20 ORDER BY 1',
    'SELECT * FROM (SELECT * FROM (SELECT id, x FROM a) s1 WHERE x > 10) s2 ORDER BY id',
    'SELECT s.c FROM (SELECT count(*) AS c FROM b) s',
    'SELECT * FROM (SELECT aid, count(*) FROM b GROUP BY aid) s(aid, cnt) ORDER BY aid NULLS FIRST',
    'SELECT s.aid FROM (SELECT aid FROM b ORDER BY y DESC LIMIT 2) s ORDER BY 1',
    'SELECT * FROM (SELECT 1 AS one) AS s, a ORDER BY a.id',
    'SELECT * FROM (VALUES (1, \'a\'), (2, \'b\')) AS v(k, name) ORDER BY k DESC',
    'SELECT * FROM (VALUES (1, \'one\'), (2, \'two\')) v JOIN a ON a.id = v.column1 ORDER BY 1',
    'SELECT v.n, a.t FROM (VALUES (1), (3), (NULL)) v(n) LEFT JOIN a ON a.id = v.n ORDER BY 1',
    'SELECT * FROM (VALUES (1.5, 2), (3, 4.25)) v',
    'SELECT * FROM (VALUES (1, \'[1,2]\'::vector)) v(i, e)',
    'VALUES (1, \'x\'), (2, NULL)',
    'VALUES (3), (1), (2) ORDER BY 1 DESC LIMIT 2',
    'SELECT * FROM generate_series(1, 5) g WHERE g % 2 = 1',
    'SELECT * FROM generate_series(1, 10, 3)',
    'SELECT * FROM generate_series(5, 1, -2) AS s(k)',
    'SELECT generate_series FROM generate_series(1, 2)',
    'SELECT * FROM generate_series(1::bigint, 3::bigint)',
    'SELECT a.id, g FROM a, generate_series(1, a.id) g ORDER BY 1, 2',
    'SELECT x, u FROM a, unnest(ARRAY[a.x, a.x + 1]) u ORDER BY 1, 2',
    'SELECT a.id, s.* FROM a, LATERAL (SELECT b.y, b.id FROM b WHERE b.aid = a.id) s ORDER BY 1, 2',
    'SELECT a.id, s.m FROM a, LATERAL (SELECT max(y) AS m FROM b WHERE b.aid = a.id) s ORDER BY 1',
    'SELECT a.id, s.n FROM a LEFT JOIN LATERAL (SELECT count(*) AS n FROM b WHERE b.aid = a.id) s ON s.n > 0 ORDER BY 1',
    'SELECT a.id, s.y FROM a CROSS JOIN LATERAL (SELECT y FROM b WHERE b.aid = a.id ORDER BY y DESC LIMIT 1) s ORDER BY 1',
    'SELECT a.id, s.y FROM a LEFT JOIN LATERAL (SELECT y FROM b WHERE b.aid = a.id ORDER BY y DESC LIMIT 1) s ON true ORDER BY 1',
    'SELECT a.id, s.id FROM a CROSS JOIN LATERAL (SELECT id FROM a x WHERE x.id <> a.id ORDER BY x.v <-> a.v, x.id LIMIT 1) s ORDER BY 1',
    'SELECT d.id, s.id FROM docs d CROSS JOIN LATERAL (SELECT c.id FROM chunks c WHERE c.doc_id = d.id ORDER BY c.e <-> \'[0,0,0]\', c.id LIMIT 2) s WHERE d.id <= 10 ORDER BY 1, 2',
    'SELECT d.id, s.id FROM docs d, LATERAL (SELECT c.id FROM chunks c ORDER BY c.e <=> (SELECT e FROM chunks WHERE id = d.id), c.id LIMIT 1) s WHERE d.id <= 5 ORDER BY 1',
    'SELECT * FROM a, (SELECT a.id) s',
  ]);
});

test('name resolution errors: ambiguous columns, missing and invalid FROM-clause entries', async () => {
  await all('errors', [
    'SELECT id FROM a, b',
    'SELECT x FROM a JOIN b ON a.id = b.aid JOIN a a2 ON true',
    'SELECT zz.id FROM a',
    'SELECT a.id FROM a x',
    'SELECT id FROM a, b WHERE id = 1',
    'SELECT b.nope FROM b',
    'SELECT nope FROM a JOIN b ON true',
    'SELECT * FROM a JOIN b USING (nope)',
    'SELECT * FROM a JOIN b USING (x)',
    'SELECT * FROM a, a',
    'SELECT * FROM a FULL JOIN b ON a.x < b.y',
    'SELECT * FROM a JOIN b ON a.id = b.aid AND count(*) > 1',
    'SELECT * FROM (SELECT 1 AS q) s, (SELECT s.q) t',
    'SELECT * FROM (VALUES (1, \'a\'), (2)) v',
    'SELECT * FROM (VALUES (1), (\'x\')) v',
    'SELECT * FROM a AS q(i, j, k, l, m)',
    'SELECT * FROM generate_series(1, 3, 0)',
  ]);
});

test('references to FROM items that are not visible', async () => {
  await all('visibility', [
    'SELECT * FROM a, (SELECT id) s',
    'SELECT * FROM a, (SELECT x FROM b) s',
    'SELECT * FROM a JOIN (SELECT a.x) s ON true',
    'SELECT * FROM a x, LATERAL (SELECT a.id) s',
    'SELECT * FROM (a JOIN b ON a.id = b.aid) j WHERE a.id = 1',
  ]);
});
