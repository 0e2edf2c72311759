/**
 * Simple subqueries in FROM (and WITH items referenced once) pulled up into the outer level,
 * as PostgreSQL's pull_up_subqueries does: the rows of every form against PGlite, the forms
 * that must stay a Subquery Scan (aggregates, DISTINCT, LIMIT, volatile functions, outer
 * references, references from sublinks), and the plans: a k-NN ORDER BY over a subquery's
 * distance column reaches the HNSW index, a filter on a subquery column the B-tree. Subqueries
 * inside JOINs (inner, outer, nested) and inside sublinks are pulled up too; under the
 * nullable side of an outer join only when the columns read go NULL with the row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { db, both, checkAll } = await openSqlPair();

await both('CREATE TABLE items (id int PRIMARY KEY, cat int, title text, embedding vector(3))');
{
  const rng = new Prng(SEED);
  const rows: string[] = [];
  for (let i = 1; i <= 300; i++) {
    const v = Array.from({ length: 3 }, () => (rng.int(2001) - 1000) / 100).join(',');
    rows.push(`(${i}, ${i % 7 === 0 ? 'NULL' : i % 10}, ${i % 11 === 0 ? 'NULL' : `'t${i % 13}'`}, '[${v}]')`);
  }
  await both(`INSERT INTO items VALUES ${rows.join(', ')}`);
}
await both('CREATE TABLE cats (cat int PRIMARY KEY, name text)');
await both("INSERT INTO cats SELECT i, 'cat ' || i FROM generate_series(0, 12) i");
await both("CREATE TABLE tags (id int, tag text); INSERT INTO tags SELECT i, 'g' || (i % 4) FROM generate_series(1, 200) i");

const all = (label: string, queries: readonly string[]): Promise<void> => checkAll(label, queries, undefined, SEED);

const q = "'[1,2,3]'";

test('rows of pulled-up subqueries and CTEs equal PostgreSQL\'s', async () => {
  await all('pulled up', [
    `SELECT id, d FROM (SELECT id, embedding <-> ${q} AS d FROM items) s ORDER BY d, id LIMIT 7`,
    `SELECT id FROM (SELECT id, embedding FROM items WHERE cat = 3) s ORDER BY embedding <=> ${q}, id LIMIT 5`,
    `WITH s AS (SELECT id, cat, embedding <#> ${q} AS d FROM items WHERE cat IS NOT NULL) SELECT id, d FROM s WHERE cat < 4 ORDER BY d, id LIMIT 6`,
    'SELECT * FROM (SELECT id, cat + 1 AS c, title FROM items WHERE id < 40) s WHERE c > 3 ORDER BY id',
    'SELECT s.id, c.name FROM (SELECT id, cat FROM items WHERE id % 5 = 0) s, cats c WHERE s.cat = c.cat ORDER BY s.id',
    'SELECT s.id, c.name FROM cats c JOIN (SELECT id, cat FROM items) s ON s.cat = c.cat WHERE c.cat = 2 ORDER BY 1',
    'SELECT c, count(*) FROM (SELECT coalesce(cat, -1) AS c FROM items) s GROUP BY c ORDER BY c',
    'SELECT a.id, b.id FROM (SELECT id, cat FROM items WHERE id < 20) a, (SELECT id, cat FROM items WHERE id > 290) b WHERE a.cat = b.cat ORDER BY 1, 2',
    'SELECT * FROM (SELECT * FROM (SELECT id, title FROM items WHERE id < 30) x WHERE id > 10) y ORDER BY id DESC',
    'SELECT id, upper(t) FROM (SELECT id, title AS t FROM items) s WHERE t LIKE \'t1%\' ORDER BY id LIMIT 10',
    'SELECT id FROM (SELECT id, cat FROM items) s WHERE cat IN (SELECT cat FROM cats WHERE cat < 3) ORDER BY id LIMIT 10',
    'SELECT id, (SELECT name FROM cats WHERE cats.cat = s.cat) FROM (SELECT id, cat FROM items WHERE id < 15) s ORDER BY id',
    'SELECT id FROM (SELECT id, cat FROM items) s WHERE EXISTS (SELECT 1 FROM cats WHERE cats.cat = s.cat AND cats.cat > 8) ORDER BY id LIMIT 8',
    'SELECT x.c FROM (SELECT 1 AS c) x',
    'SELECT * FROM (SELECT id, cat FROM items LIMIT 5) s ORDER BY id',
    'SELECT * FROM (SELECT DISTINCT cat FROM items) s WHERE cat > 5 ORDER BY cat',
    'SELECT * FROM (SELECT cat, count(*) n FROM items GROUP BY cat) s WHERE n > 20 ORDER BY cat',
    'SELECT count(*) FROM (SELECT id, random() AS r FROM items) s WHERE r >= 0',
    'SELECT id, r FROM (SELECT id, row_number() OVER (ORDER BY id DESC) r FROM items) s WHERE r <= 3 ORDER BY id',
    'SELECT i.id, s.x FROM items i, LATERAL (SELECT i.cat * 2 AS x) s WHERE i.id < 5 ORDER BY 1',
    'SELECT * FROM (SELECT id, cat FROM items WHERE id < 10) s LEFT JOIN cats c ON c.cat = s.cat ORDER BY s.id',
    'SELECT * FROM cats c LEFT JOIN (SELECT id, cat, 1 AS one FROM items WHERE id < 10) s ON c.cat = s.cat ORDER BY c.cat, s.id',
    'SELECT id FROM (SELECT id FROM items UNION ALL SELECT cat FROM cats) s WHERE id < 3 ORDER BY id',
    'WITH w AS MATERIALIZED (SELECT id FROM items WHERE cat = 1) SELECT * FROM w ORDER BY id LIMIT 3',
    'WITH w AS (SELECT id FROM items WHERE cat = 1) SELECT * FROM w a, w b WHERE a.id = b.id ORDER BY 1 LIMIT 3',
    'SELECT s.id FROM (SELECT id, cat FROM items) s WHERE s.cat = (SELECT max(cat) FROM items WHERE id < s.id) ORDER BY 1 LIMIT 5',
    'SELECT title, count(*) FROM (SELECT title FROM items WHERE cat > 2) s GROUP BY title HAVING count(*) > 3 ORDER BY title NULLS FIRST',
    'SELECT DISTINCT c FROM (SELECT cat % 3 AS c FROM items) s ORDER BY c',
    'SELECT id, sum(cat) OVER (ORDER BY id) FROM (SELECT id, cat FROM items WHERE id < 12) s ORDER BY id',
  ]);
});

test('EXPLAIN: the subquery\'s tables are scanned by the outer level, as in PostgreSQL', async () => {
  await both('CREATE INDEX ON items USING hnsw (embedding vector_l2_ops)');
  await both('ANALYZE items');
  await all('plans', [
    `EXPLAIN (COSTS OFF) SELECT id FROM (SELECT id, embedding FROM items) s ORDER BY embedding <-> ${q} LIMIT 5`,
    `EXPLAIN (COSTS OFF) SELECT * FROM (SELECT id, embedding <-> ${q} AS d FROM items) s ORDER BY d LIMIT 5`,
    `EXPLAIN (COSTS OFF) WITH s AS (SELECT id, embedding FROM items) SELECT id FROM s ORDER BY embedding <-> ${q} LIMIT 5`,
    'EXPLAIN (COSTS OFF) SELECT * FROM (SELECT id, cat FROM items) s WHERE cat > 5',
    // Subqueries that stay: the Subquery Scan is left out when the level reads its columns as
    // they are and the subquery's plan carries no others (sort keys, row ids), else it projects.
    'EXPLAIN (COSTS OFF) SELECT * FROM (SELECT cat, count(*) FROM items GROUP BY cat) s',
    'EXPLAIN (COSTS OFF) SELECT * FROM (SELECT count(*) FROM items GROUP BY cat) s',
    'EXPLAIN (COSTS OFF) SELECT n, cat FROM (SELECT cat, count(*) AS n FROM items GROUP BY cat) s',
    'EXPLAIN (COSTS OFF) SELECT * FROM (SELECT id, cat FROM items ORDER BY cat, id LIMIT 3) s',
    'EXPLAIN (COSTS OFF) SELECT * FROM (SELECT id FROM items ORDER BY cat, id LIMIT 3) s',
    'EXPLAIN (COSTS OFF) SELECT id + 1 FROM (SELECT id, cat FROM items ORDER BY cat, id LIMIT 3) s',
    'EXPLAIN (COSTS OFF) SELECT id FROM (SELECT id, cat FROM items ORDER BY cat, id LIMIT 3) s',
    'EXPLAIN (COSTS OFF) SELECT * FROM (SELECT DISTINCT ON (cat) cat, id FROM items ORDER BY cat, id) s',
    'EXPLAIN (COSTS OFF) SELECT * FROM (SELECT id FROM items WHERE cat = 2 FOR UPDATE) s',
    'EXPLAIN (COSTS OFF) WITH w AS (SELECT id FROM items ORDER BY title LIMIT 4) SELECT * FROM w',
  ]);
  // With a filter PostgreSQL's default iterative scan returns fewer rows, so vecgres' plan is
  // checked alone: the subquery is gone, its filter is the scan's (exact over 40 rows here).
  const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) SELECT id FROM (SELECT id, embedding <-> ${q} AS d FROM items WHERE cat = 3) s ORDER BY d LIMIT 5`)).rows.map((r) => r['QUERY PLAN']);
  assert.ok(!plan.some((l) => l.includes('Subquery Scan')), plan.join('\n'));
  assert.ok(plan.some((l) => l.includes('Filter: (cat = 3)')), plan.join('\n'));
});

test('rows of subqueries pulled up inside JOINs and sublinks equal PostgreSQL\'s', async () => {
  await all('pulled up in joins', [
    'SELECT c.name, s.id FROM cats c JOIN (SELECT id, cat FROM items WHERE id < 30) s ON s.cat = c.cat ORDER BY 1, 2',
    'SELECT c.name, s.id, s.x FROM cats c LEFT JOIN (SELECT id, cat, cat * 2 AS x FROM items WHERE id < 30) s ON s.cat = c.cat ORDER BY 1, 2',
    // Not NULL for a null-extended row: no pull-up (PostgreSQL's PlaceHolderVar), same rows.
    'SELECT c.name, s.id, s.one FROM cats c LEFT JOIN (SELECT id, cat, 1 AS one FROM items WHERE id < 30) s ON s.cat = c.cat ORDER BY 1, 2',
    "SELECT c.name, s.id, s.t FROM cats c LEFT JOIN (SELECT id, cat, coalesce(title, 'none') AS t FROM items WHERE id < 30) s ON s.cat = c.cat ORDER BY 1, 2",
    "SELECT c.name, s.id, s.v FROM cats c LEFT JOIN (SELECT id, cat, CASE WHEN cat > 2 THEN 'big' END v FROM items WHERE id < 30) s ON s.cat = c.cat ORDER BY 1, 2",
    'SELECT t.id, s.x FROM tags t LEFT JOIN (SELECT id, title IS NULL AS x FROM items) s ON s.id = t.id WHERE t.id < 30 ORDER BY 1',
    'SELECT t.id, s.x FROM tags t LEFT JOIN (SELECT id, cat IN (1, 2, NULL) AS x FROM items) s ON s.id = t.id WHERE t.id < 30 ORDER BY 1',
    "SELECT t.id, s.x FROM tags t LEFT JOIN (SELECT id, concat(title, '!') AS x FROM items) s ON s.id = t.id WHERE t.id < 30 ORDER BY 1",
    "SELECT t.id, s.x FROM tags t LEFT JOIN (SELECT id, title || '!' AS x FROM items) s ON s.id = t.id WHERE t.id < 30 ORDER BY 1",
    `SELECT t.id, s.x FROM tags t LEFT JOIN (SELECT id, embedding <-> ${q} AS x FROM items WHERE cat = 3) s ON s.id = t.id WHERE t.id < 30 ORDER BY 1`,
    'SELECT s.id, c.name FROM (SELECT id, cat FROM items WHERE id < 30) s LEFT JOIN cats c ON s.cat = c.cat AND c.cat > 4 ORDER BY 1, 2',
    'SELECT s.id, c.name FROM (SELECT id, cat FROM items WHERE id < 30) s RIGHT JOIN cats c ON s.cat = c.cat ORDER BY 1, 2',
    'SELECT s.id, c.name FROM cats c RIGHT JOIN (SELECT id, cat FROM items WHERE id < 30) s ON s.cat = c.cat ORDER BY 1, 2',
    'SELECT s.id, c.name FROM (SELECT id, cat FROM items WHERE id < 30) s FULL JOIN cats c ON s.cat = c.cat ORDER BY 1, 2',
    'SELECT s.id, c.name FROM (SELECT id, cat FROM items) s FULL JOIN cats c ON s.cat = c.cat ORDER BY 1, 2',
    'SELECT s.id, s.cat, c.name FROM (SELECT id, cat FROM items) s FULL JOIN (SELECT * FROM cats) c USING (cat) ORDER BY 1, 2, 3',
    'SELECT cat, s.id, c.name FROM (SELECT id, cat FROM items WHERE id > 240) s JOIN cats c USING (cat) ORDER BY 1, 2',
    'SELECT cat, s.id, c.name FROM cats c LEFT JOIN (SELECT id, cat FROM items WHERE id > 240) s USING (cat) ORDER BY 1, 2',
    'SELECT * FROM cats c NATURAL JOIN (SELECT cat, id FROM items WHERE id < 25) s ORDER BY 1, 3',
    'SELECT * FROM cats c CROSS JOIN (SELECT id FROM items WHERE id < 3) s ORDER BY 1, 3',
    'SELECT t.id, s.id, s.name FROM tags t LEFT JOIN (SELECT i.id, c.name FROM items i JOIN cats c ON c.cat = i.cat WHERE c.cat < 5) s ON s.id = t.id ORDER BY 1 LIMIT 30',
    'SELECT t.id, s.id, s.name FROM tags t LEFT JOIN (SELECT i.id, c.name FROM items i, cats c WHERE c.cat = i.cat AND i.id % 3 = 0) s ON s.id = t.id WHERE t.id < 40 ORDER BY 1',
    'SELECT t.id, s.id, s.name FROM tags t LEFT JOIN (SELECT i.id, c.name FROM items i LEFT JOIN cats c ON c.cat = i.cat AND c.cat > 3) s ON s.id = t.id WHERE t.id < 40 ORDER BY 1',
    'SELECT t.id, s.id FROM tags t JOIN (cats c JOIN (SELECT id, cat FROM items WHERE title IS NOT NULL) s ON s.cat = c.cat) ON s.id = t.id ORDER BY 1',
    'SELECT t.id, s.id FROM tags t LEFT JOIN (cats c JOIN (SELECT id, cat FROM items WHERE title IS NOT NULL) s ON s.cat = c.cat) ON s.id = t.id ORDER BY 1',
    'SELECT t.id, s.id, c.name FROM tags t LEFT JOIN (cats c LEFT JOIN (SELECT id, cat FROM items WHERE title IS NOT NULL) s ON s.cat = c.cat) ON s.id = t.id ORDER BY 1',
    'SELECT t.id, s.id, c.name FROM (tags t LEFT JOIN (SELECT id, cat FROM items WHERE id < 20) s ON s.id = t.id) JOIN cats c ON c.cat = s.cat ORDER BY 1',
    'SELECT t.id, s.id, c.name FROM (tags t LEFT JOIN (SELECT id, cat FROM items WHERE id < 20) s ON s.id = t.id) LEFT JOIN cats c ON c.cat = s.cat WHERE t.id < 30 ORDER BY 1',
    'SELECT t.id, s.id, s.x FROM tags t LEFT JOIN (SELECT * FROM (SELECT id, cat + 1 AS x FROM items WHERE id < 50) a WHERE x > 3) s ON s.id = t.id WHERE t.id < 40 ORDER BY 1',
    'SELECT t.id, s.x FROM tags t LEFT JOIN LATERAL (SELECT id, t.id + 1 AS x FROM items WHERE items.id = t.id) s ON true WHERE t.id < 10 ORDER BY 1',
    'SELECT t.id, s.x, u.y FROM tags t LEFT JOIN (SELECT id, cat AS x FROM items) s ON s.id = t.id LEFT JOIN LATERAL (SELECT s.x + 1 AS y) u ON true WHERE t.id < 10 ORDER BY 1',
    'SELECT a.id, b.id FROM (SELECT id, cat FROM items WHERE id < 10) a LEFT JOIN (SELECT id, cat FROM items WHERE id > 290) b ON a.cat = b.cat ORDER BY 1, 2',
    'WITH w AS (SELECT id, cat FROM items WHERE id < 12) SELECT c.name, w.id FROM cats c LEFT JOIN w ON w.cat = c.cat ORDER BY 1, 2',
    'SELECT count(*), sum(s.id) FROM cats c JOIN (SELECT id, cat FROM items) s ON s.cat = c.cat GROUP BY c.name ORDER BY 1, 2',
    `SELECT s.id FROM cats c JOIN (SELECT id, cat, embedding FROM items) s ON s.cat = c.cat WHERE c.cat = 2 ORDER BY s.embedding <-> ${q}, s.id LIMIT 5`,
    'SELECT s.id FROM cats c JOIN (SELECT id, cat FROM items ORDER BY id LIMIT 10) s ON s.cat = c.cat ORDER BY 1',
    'SELECT s.id, s.r FROM cats c JOIN (SELECT id, cat, random() >= 0 AS r FROM items) s ON s.cat = c.cat ORDER BY 1 LIMIT 5',
    'SELECT c.name, s.n FROM cats c LEFT JOIN (SELECT cat, count(*) AS n FROM items GROUP BY cat) s ON s.cat = c.cat ORDER BY 1',
    'SELECT s.id FROM cats c JOIN (SELECT id, cat FROM items) s ON s.cat = c.cat WHERE c.cat = 4 ORDER BY 1 FOR UPDATE OF c',
    'SELECT t.id FROM tags t WHERE t.id IN (SELECT s.id FROM (SELECT id FROM items WHERE cat = 2) s) ORDER BY 1',
    'SELECT t.id FROM tags t WHERE EXISTS (SELECT 1 FROM (SELECT id, cat FROM items WHERE cat > 5) s WHERE s.id = t.id) ORDER BY 1',
    'SELECT t.id FROM tags t WHERE NOT EXISTS (SELECT 1 FROM (SELECT id, cat FROM items WHERE cat > 5) s WHERE s.id = t.id) ORDER BY 1',
    `SELECT t.id FROM tags t WHERE EXISTS (SELECT 1 FROM (SELECT id, embedding FROM items) s WHERE s.id = t.id AND s.embedding <-> ${q} < 8) ORDER BY 1`,
    'SELECT t.id, (SELECT max(s.x) FROM (SELECT cat * 10 AS x, id FROM items) s WHERE s.id <= t.id) FROM tags t WHERE t.id < 8 ORDER BY 1',
    'SELECT c.cat FROM cats c WHERE c.cat IN (SELECT s.cat FROM tags t JOIN (SELECT id, cat FROM items WHERE id > 20) s ON s.id = t.id) ORDER BY 1',
  ]);
});

test('EXPLAIN: subqueries inside JOINs and sublinks are scanned by the level that reads them, as in PostgreSQL', async () => {
  await both('ANALYZE cats; ANALYZE tags');
  await all('join plans', [
    "EXPLAIN (COSTS OFF) SELECT c.name, s.id FROM cats c JOIN (SELECT id, cat FROM items WHERE title > 't3') s ON s.cat = c.cat",
    'EXPLAIN (COSTS OFF) SELECT s.id, t.tag FROM (SELECT id, cat FROM items WHERE cat = 3) s JOIN tags t ON t.id = s.id',
    "EXPLAIN (COSTS OFF) SELECT s.id, t.tag FROM tags t JOIN (SELECT id, cat FROM items WHERE cat = 3) s ON t.id = s.id WHERE t.tag <> 'g1'",
    "EXPLAIN (COSTS OFF) SELECT s.id, c.name FROM (SELECT id, cat FROM items WHERE title > 't3') s LEFT JOIN cats c ON s.cat = c.cat",
    "EXPLAIN (COSTS OFF) SELECT s.id, c.name FROM cats c RIGHT JOIN (SELECT id, cat FROM items WHERE title > 't3') s ON s.cat = c.cat",
    "EXPLAIN (COSTS OFF) SELECT t.id, s.x FROM tags t LEFT JOIN (SELECT id, cat + 1 AS x FROM items WHERE title < 't5') s ON s.id = t.id",
    "EXPLAIN (COSTS OFF) SELECT t.id, s.x FROM tags t LEFT JOIN (SELECT * FROM (SELECT id, cat + 1 AS x FROM items WHERE title > 't2') a WHERE x > 3) s ON s.id = t.id",
    'EXPLAIN (COSTS OFF) SELECT t.id FROM tags t WHERE NOT EXISTS (SELECT 1 FROM (SELECT id, cat FROM items WHERE cat > 5) s WHERE s.id = t.id)',
    'EXPLAIN (COSTS OFF) SELECT count(*), sum(s.id) FROM cats c JOIN (SELECT id, cat FROM items) s ON s.cat = c.cat GROUP BY c.name',
    "EXPLAIN (COSTS OFF) SELECT a.id, b.id FROM (SELECT id, cat FROM items WHERE title = 't1') a JOIN (SELECT id, cat FROM items WHERE title = 't2') b ON a.cat = b.cat",
  ]);
  const plan = async (sql: string): Promise<string> => (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
  // A semi join's hash key names the pulled-up table (PostgreSQL makes this one an inner join
  // over the unique-ified subquery, which vecgres does not).
  const semi = await plan('SELECT t.id FROM tags t WHERE t.id IN (SELECT s.id FROM (SELECT id FROM items WHERE cat = 2) s)');
  assert.match(semi, /Hash Cond: \(t\.id = items\.id\)/, semi);
  // A constant select-list item under the nullable side stays a subquery's column.
  const kept = await plan("SELECT c.name, s.one FROM cats c LEFT JOIN (SELECT id, cat, 1 AS one FROM items WHERE title > 't3') s ON s.cat = c.cat");
  assert.match(kept, /\(c\.cat = s\.cat\)|\(s\.cat = c\.cat\)/, kept);
  // The point for users: a k-NN ORDER BY over a joined subquery reaches the vector index
  // (before, a Sort over every row of the join). On a table large enough for the index to
  // win; vecgres alone, as the approximate rows of the two indexes may differ.
  await db.exec("CREATE TABLE big (id int PRIMARY KEY, cat int, embedding vector(3)); INSERT INTO big SELECT i, i % 10, ARRAY[i % 17, i % 5, i % 3]::vector FROM generate_series(1, 3000) i; CREATE INDEX ON big USING hnsw (embedding vector_l2_ops); ANALYZE big");
  for (const sql of [
    `SELECT s.id, c.name FROM (SELECT id, cat, embedding FROM big) s JOIN cats c ON c.cat = s.cat ORDER BY s.embedding <-> ${q} LIMIT 5`,
    `SELECT s.id, c.name FROM cats c JOIN (SELECT id, cat, embedding <-> ${q} AS d FROM big) s ON c.cat = s.cat ORDER BY s.d LIMIT 5`,
    `SELECT s.id, c.name FROM (SELECT id, cat, embedding FROM big) s LEFT JOIN cats c ON c.cat = s.cat ORDER BY s.embedding <-> ${q} LIMIT 5`,
  ]) {
    const p = await plan(sql);
    assert.match(p, /Index Scan using big_embedding_idx on big/, p);
    assert.ok(!p.includes('s.'), p);
    assert.equal((await db.query(sql)).rows.length, 5);
  }
});
