/**
 * ORDER BY an output position, an output alias, or an expression not in the select list, over
 * one table, joins, aggregates and k-NN distances, with DESC and NULLS FIRST / LAST and
 * LIMIT / OFFSET, against PostgreSQL 18 + pgvector 0.8.7 (PGlite).
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { check, both } = await openSqlPair();

await both(`CREATE TABLE a (id int PRIMARY KEY, x int, t text, v vector(2))`);
await both(`CREATE TABLE b (id int PRIMARY KEY, aid int, y int)`);
await both(`INSERT INTO a VALUES (1, 10, 'p', '[1,1]'), (2, 20, 'q', '[2,0]'), (3, NULL, 'r', NULL), (4, 40, NULL, '[0,5]'), (5, 20, 'p', '[3,3]')`);
await both(`INSERT INTO b VALUES (1, 1, 100), (2, 1, 200), (3, 2, 300), (4, 9, 400), (5, NULL, 500), (6, 5, 50)`);

test('ORDER BY positions, aliases and expressions not in the select list', async () => {
  const queries = [
    'SELECT id FROM a ORDER BY x, id',
    'SELECT id FROM a ORDER BY x DESC NULLS LAST, id DESC',
    'SELECT id FROM a ORDER BY x + id DESC, id',
    'SELECT t AS name, id FROM a ORDER BY name NULLS FIRST, 2 DESC',
    'SELECT id, x * 2 AS dbl FROM a ORDER BY dbl DESC NULLS FIRST, id LIMIT 3',
    'SELECT id FROM a ORDER BY v <-> \'[0,0]\' NULLS FIRST, id',
    'SELECT id, v <-> \'[0,0]\' AS d FROM a ORDER BY d DESC, id',
    'SELECT id FROM a ORDER BY v <-> \'[0,0]\' DESC LIMIT 2',
    'SELECT id FROM a ORDER BY v <-> \'[1,1]\' LIMIT 2 OFFSET 1',
    'SELECT a.id FROM a JOIN b ON b.aid = a.id ORDER BY b.y DESC, a.id',
    'SELECT a.t, sum(b.y) AS s FROM a JOIN b ON b.aid = a.id GROUP BY a.t ORDER BY s DESC',
    'SELECT x, count(*) FROM a GROUP BY x ORDER BY count(*) DESC, x NULLS FIRST',
    'SELECT x FROM a GROUP BY x ORDER BY max(id)',
    'SELECT id FROM a ORDER BY (SELECT max(y) FROM b WHERE b.aid = a.id) NULLS LAST, id',
    'SELECT id FROM a ORDER BY 2',
    'SELECT id AS k, x AS k FROM a ORDER BY k',
    'SELECT id FROM a ORDER BY nope',
  ];
  const mismatches: string[] = [];
  for (const q of queries) await check(q, mismatches);
  reportMismatches('ORDER BY', mismatches, queries.length, SEED);
});
