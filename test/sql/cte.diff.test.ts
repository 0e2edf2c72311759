/**
 * Differential tests of WITH against PostgreSQL 18 + pgvector 0.8.7 (PGlite): CTEs referenced
 * once (inlined) and several times (materialized), MATERIALIZED / NOT MATERIALIZED, CTEs
 * referring to earlier ones and used inside subqueries, simple WITH RECURSIVE (UNION ALL and
 * UNION), and the seeds' two-stage vector search: top candidates by Hamming distance on
 * binary_quantize(...), re-ranked by cosine distance on the full vectors.
 */
import { test } from 'node:test';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { both, checkAll } = await openSqlPair();

await both(`CREATE TABLE a (id int PRIMARY KEY, x int, t text, v vector(2))`);
await both(`CREATE TABLE b (id int PRIMARY KEY, aid int, y int)`);
await both(`INSERT INTO a VALUES (1, 10, 'p', '[1,1]'), (2, 20, 'q', '[2,0]'), (3, NULL, 'r', NULL), (4, 40, NULL, '[0,5]')`);
await both(`INSERT INTO b VALUES (1, 1, 100), (2, 1, 200), (3, 2, 300), (4, 9, 400), (5, NULL, 500)`);
await both(`CREATE TABLE items (id int PRIMARY KEY, embedding vector(8))`);
{
  const rng = new Prng(SEED);
  const rows: string[] = [];
  for (let i = 1; i <= 150; i++) rows.push(`(${i}, '[${Array.from({ length: 8 }, () => (rng.int(21) - 10) / 4).join(',')}]')`);
  await both(`INSERT INTO items VALUES ${rows.join(', ')}`);
}

const all = (label: string, queries: readonly string[]): Promise<void> => checkAll(label, queries, undefined, SEED);

test('WITH: inlined and materialized CTEs', async () => {
  await all('WITH', [
    'WITH w AS (SELECT id, x FROM a WHERE x IS NOT NULL) SELECT * FROM w ORDER BY id',
    'WITH w AS MATERIALIZED (SELECT id, x FROM a) SELECT w1.id, w2.id FROM w w1 JOIN w w2 ON w1.id = w2.id + 1 ORDER BY 1',
    'WITH w AS NOT MATERIALIZED (SELECT id FROM a) SELECT count(*) FROM w x, w y',
    'WITH w AS (SELECT aid, sum(y) s FROM b GROUP BY aid) SELECT a.id, w.s FROM a JOIN w ON w.aid = a.id ORDER BY 1',
    'WITH w1 AS (SELECT 1 AS n), w2 AS (SELECT n + 1 AS n FROM w1) SELECT * FROM w1, w2',
    'WITH w AS (SELECT * FROM a) SELECT * FROM w WHERE id = (SELECT min(id) FROM w)',
    'WITH w(i, j) AS (SELECT id, x FROM a) SELECT i, j FROM w ORDER BY i',
    'WITH w AS (SELECT id FROM a) SELECT id, (SELECT count(*) FROM w w2 WHERE w2.id < w.id) FROM w ORDER BY id',
    'SELECT (WITH w AS (SELECT a.x + 1 AS z) SELECT z FROM w) FROM a ORDER BY id',
    'WITH w AS (SELECT id FROM a), w AS (SELECT 1) SELECT 1',
    'WITH w AS (SELECT id FROM a) SELECT * FROM w, w',
  ]);
});

test('WITH RECURSIVE', async () => {
  await all('WITH RECURSIVE', [
    'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT sum(n) FROM r',
    'WITH RECURSIVE fib(i, a, b) AS (SELECT 1, 0::bigint, 1::bigint UNION ALL SELECT i + 1, b, a + b FROM fib WHERE i < 20) SELECT i, a FROM fib ORDER BY i DESC LIMIT 3',
    'WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT (n % 5) + 1 FROM r) SELECT n FROM r ORDER BY n',
    'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT t1.n, t2.n FROM t t1, t t2 ORDER BY 1, 2',
    'WITH RECURSIVE chain(id, depth) AS (SELECT id, 0 FROM b WHERE id = 1 UNION ALL SELECT b.id, chain.depth + 1 FROM b JOIN chain ON b.id = chain.id + 1) SELECT * FROM chain ORDER BY id',
  ]);
});

test('the seeds\' re-ranking CTE: Hamming top-k on binary_quantize, then cosine', async () => {
  const queries: string[] = [];
  const rng = new Prng(SEED + 1);
  for (let i = 0; i < 5; i++) {
    const q = `'[${Array.from({ length: 8 }, () => (rng.int(21) - 10) / 4).join(',')}]'`;
    queries.push(
      `WITH candidates AS (SELECT id, embedding FROM items ORDER BY binary_quantize(embedding)::bit(8) <~> binary_quantize(${q}::vector), id LIMIT 20) ` +
        `SELECT id, embedding <=> ${q} AS d FROM candidates ORDER BY embedding <=> ${q}, id LIMIT 5`,
    );
  }
  await all('re-rank', queries);
});
