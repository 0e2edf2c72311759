/**
 * IN (subquery) as a semi join (plan/sublinks.ts: `x IN (SELECT y ...)` in WHERE is a hash
 * semi join on x = y) and uncorrelated `= ANY (subquery)` / NOT IN answered by hash lookup
 * (exec/executor.ts), against PostgreSQL 18 + pgvector 0.8.7 (PGlite): duplicates and NULLs
 * on both sides, NOT IN with NULLs (never an anti join), IN beside joins, under OR and NOT,
 * across numeric types, with LIMIT / aggregates / set operations inside the subquery, and in
 * UPDATE / DELETE. Also EXISTS with a distance condition, planned as PostgreSQL plans it (the
 * distance condition a filter of the subquery's scan). Rows must be identical; every query
 * orders its rows completely.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { db, both, checkAll } = await openSqlPair();

const rng = new Prng(SEED);
await both('CREATE TABLE docs (id int PRIMARY KEY, cat int, code text, big bigint, score numeric)');
await both('CREATE TABLE chunks (id int PRIMARY KEY, doc_id int, tag text, e vector(3))');
await both('CREATE TABLE pairs (a int, b bigint)');
{
  const docs: string[] = [];
  for (let i = 1; i <= 30; i++) {
    const nul = (s: string): string => (rng.int(6) === 0 ? 'NULL' : s);
    docs.push(`(${i}, ${nul(String(rng.int(5)))}, ${nul(`'c${rng.int(8)}'`)}, ${nul(String(rng.int(40)))}, ${nul(`${rng.int(20)}.${rng.int(3) === 0 ? '0' : '50'}`)})`);
  }
  await both(`INSERT INTO docs VALUES ${docs.join(', ')}`);
  const chunks: string[] = [];
  for (let i = 1; i <= 200; i++) {
    chunks.push(`(${i}, ${rng.int(8) === 0 ? 'NULL' : 1 + rng.int(34)}, ${rng.int(5) === 0 ? 'NULL' : `'c${rng.int(8)}'`}, '[${rng.int(9) - 4},${rng.int(9) - 4},${rng.int(9) - 4}]')`);
  }
  await both(`INSERT INTO chunks VALUES ${chunks.join(', ')}`);
  const pairs: string[] = [];
  for (let i = 0; i < 40; i++) pairs.push(`(${rng.int(4) === 0 ? 'NULL' : rng.int(35)}, ${rng.int(4) === 0 ? 'NULL' : rng.int(35)})`);
  await both(`INSERT INTO pairs VALUES ${pairs.join(', ')}`);
}

const all = (label: string, queries: string[], params?: unknown[]): Promise<void> => checkAll(label, queries, params, SEED);

const IN_QUERIES = [
  'SELECT id FROM chunks WHERE doc_id IN (SELECT id FROM docs WHERE cat = 2) ORDER BY id',
  // Duplicates and NULLs in the subquery's column: each outer row once, NULL never matches.
  'SELECT id FROM chunks WHERE doc_id IN (SELECT a FROM pairs) ORDER BY id',
  'SELECT id FROM docs WHERE id IN (SELECT doc_id FROM chunks) ORDER BY id',
  'SELECT id FROM docs WHERE cat IN (SELECT cat FROM docs WHERE code = \'c1\') ORDER BY id',
  // Numbers of different types: int = bigint, int = numeric, bigint = numeric.
  'SELECT id FROM chunks WHERE doc_id IN (SELECT b FROM pairs) ORDER BY id',
  'SELECT id FROM docs WHERE big IN (SELECT a FROM pairs) ORDER BY id',
  'SELECT id FROM docs WHERE id IN (SELECT score FROM docs) ORDER BY id',
  'SELECT id FROM docs WHERE score IN (SELECT b FROM pairs) ORDER BY id',
  'SELECT id FROM chunks WHERE tag IN (SELECT code FROM docs) ORDER BY id',
  'SELECT id FROM chunks WHERE doc_id + 1 IN (SELECT id * 2 FROM docs) ORDER BY id',
  // IN beside other conditions and joins; two IN conjuncts.
  'SELECT c.id, d.cat FROM chunks c JOIN docs d ON d.id = c.doc_id WHERE c.tag IN (SELECT code FROM docs WHERE cat > 2) ORDER BY c.id',
  'SELECT c.id FROM chunks c LEFT JOIN docs d ON d.id = c.doc_id WHERE c.doc_id IN (SELECT a FROM pairs) AND d.id IS NULL ORDER BY c.id',
  'SELECT id FROM chunks WHERE doc_id IN (SELECT id FROM docs WHERE cat = 1) AND tag IN (SELECT code FROM docs WHERE cat = 3) ORDER BY id',
  'SELECT id FROM chunks WHERE doc_id IN (SELECT id FROM docs WHERE cat = 1) AND EXISTS (SELECT 1 FROM pairs p WHERE p.a = chunks.id) ORDER BY id',
  // Subqueries with LIMIT, aggregates, DISTINCT, set operations, VALUES.
  'SELECT id FROM chunks WHERE doc_id IN (SELECT id FROM docs ORDER BY id LIMIT 5) ORDER BY id',
  'SELECT id FROM docs WHERE cat IN (SELECT max(cat) FROM docs GROUP BY code) ORDER BY id',
  'SELECT id FROM docs WHERE id IN (SELECT DISTINCT doc_id FROM chunks WHERE tag = \'c2\') ORDER BY id',
  'SELECT id FROM docs WHERE id IN (SELECT a FROM pairs UNION SELECT 3) ORDER BY id',
  'SELECT id FROM docs WHERE id IN (SELECT a FROM pairs INTERSECT SELECT doc_id FROM chunks) ORDER BY id',
  'SELECT id FROM docs WHERE id IN (VALUES (1), (2), (NULL), (2)) ORDER BY id',
  'SELECT id FROM docs WHERE id IN (SELECT a FROM pairs WHERE false) ORDER BY id',
  // Correlated IN: a SubPlan per row (not pulled up).
  'SELECT id FROM docs d WHERE cat IN (SELECT a FROM pairs WHERE pairs.b > d.id) ORDER BY id',
  // NOT IN, = ANY under OR / NOT / in the select list: SubPlans (hashed when uncorrelated).
  'SELECT id FROM chunks WHERE doc_id NOT IN (SELECT id FROM docs) ORDER BY id',
  'SELECT id FROM chunks WHERE doc_id NOT IN (SELECT a FROM pairs) ORDER BY id',
  'SELECT id FROM chunks WHERE doc_id NOT IN (SELECT a FROM pairs WHERE a IS NOT NULL) ORDER BY id',
  'SELECT id FROM docs WHERE big NOT IN (SELECT b FROM pairs WHERE b IS NOT NULL) ORDER BY id',
  'SELECT id FROM chunks WHERE NOT (doc_id IN (SELECT id FROM docs WHERE cat = 2)) ORDER BY id',
  'SELECT id FROM chunks WHERE doc_id IN (SELECT id FROM docs WHERE cat = 2) OR tag = \'c1\' ORDER BY id',
  'SELECT id, doc_id IN (SELECT a FROM pairs) AS inp, doc_id NOT IN (SELECT a FROM pairs) AS notinp FROM chunks ORDER BY id',
  'SELECT id, tag = ANY (SELECT code FROM docs) AS t FROM chunks ORDER BY id',
  'SELECT id, score = ANY (SELECT b FROM pairs) AS s FROM docs ORDER BY id',
  'SELECT count(*) FILTER (WHERE doc_id IN (SELECT a FROM pairs)), count(*) FILTER (WHERE doc_id NOT IN (SELECT b FROM pairs)) FROM chunks',
  'SELECT id FROM chunks WHERE (doc_id IN (SELECT a FROM pairs)) IS NULL ORDER BY id',
  // IN with a k-NN ORDER BY (distances in the select list) and a tie-break.
  'SELECT id, e <-> \'[1,0,-1]\' AS d FROM chunks WHERE doc_id IN (SELECT id FROM docs WHERE cat < 3) ORDER BY e <-> \'[1,0,-1]\', id LIMIT 7',
];

test('IN (subquery) as a semi join; NOT IN and = ANY hashed: same rows as PostgreSQL', async () => {
  await all('IN (subquery)', IN_QUERIES);
  await all('IN (subquery) with parameters', [
    'SELECT id, e <-> $1 AS d FROM chunks WHERE doc_id IN (SELECT id FROM docs WHERE cat = $2) ORDER BY e <-> $1, id LIMIT 5',
  ], ['[0,1,2]', 3]);
});

test('IN (subquery) in UPDATE and DELETE', async () => {
  await both('CREATE TABLE m (id int PRIMARY KEY, n int)');
  await both('INSERT INTO m SELECT i, 0 FROM generate_series(1, 40) i');
  // Each statement, then the table's rows (RETURNING's order is the scan's, not defined).
  await all('IN in DML', [
    'UPDATE m SET n = n + 1 WHERE id IN (SELECT doc_id FROM chunks WHERE tag = \'c3\')',
    'SELECT * FROM m ORDER BY id',
    'UPDATE m SET n = n + 10 WHERE id IN (SELECT b FROM pairs) AND id IN (SELECT doc_id FROM chunks)',
    'SELECT * FROM m ORDER BY id',
    'DELETE FROM m WHERE id IN (SELECT a FROM pairs)',
    'SELECT * FROM m ORDER BY id',
    'DELETE FROM m WHERE id NOT IN (SELECT b FROM pairs WHERE b IS NOT NULL)',
    'SELECT * FROM m ORDER BY id',
  ]);
});

test('IN (subquery) plans: a hash join (an inner join over the unique docs.id, as PostgreSQL plans it); NOT IN stays a hashed SubPlan', async () => {
  const plan = async (sql: string): Promise<string> =>
    (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
  await all('IN over a primary key', ['EXPLAIN (COSTS OFF) SELECT id FROM chunks WHERE doc_id IN (SELECT id FROM docs WHERE cat = 2)']);
  assert.equal(
    await plan('SELECT id FROM chunks WHERE doc_id NOT IN (SELECT a FROM pairs)'),
    [
      'Seq Scan on chunks',
      '  Filter: (NOT (ANY (doc_id = (hashed SubPlan 1).col1)))',
      '  SubPlan 1',
      '    ->  Seq Scan on pairs',
    ].join('\n'),
  );
});

test('EXISTS with a distance condition: same rows and plan as PostgreSQL', async () => {
  await all('EXISTS with distances', [
    "SELECT d.id FROM docs d WHERE d.cat = 2 AND EXISTS (SELECT 1 FROM chunks c WHERE c.doc_id = d.id AND c.e <-> '[1,1,1]' < 4.5) ORDER BY d.id",
    "SELECT d.id FROM docs d WHERE EXISTS (SELECT 1 FROM chunks c WHERE c.doc_id = d.id AND c.e <=> '[1,0,1]' < 0.5 AND c.tag IS NOT NULL) ORDER BY d.id",
    "SELECT d.id FROM docs d WHERE d.cat IS NULL AND EXISTS (SELECT 1 FROM chunks c WHERE d.id = c.doc_id AND (c.e <#> '[1,2,0]' < -2 OR c.tag = 'c1')) ORDER BY d.id",
    "SELECT d.id, d.code FROM docs d WHERE d.cat < 3 AND EXISTS (SELECT 1 FROM chunks c WHERE c.doc_id = d.id AND c.tag = d.code AND c.e <+> '[0,0,0]' <= 6) ORDER BY d.id",
    "SELECT d.id FROM docs d WHERE d.cat = 1 AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.doc_id = d.id AND c.e <-> '[1,1,1]' < 4.5) ORDER BY d.id",
    "SELECT d.id FROM docs d WHERE d.cat = 4 AND EXISTS (SELECT 1 FROM chunks c WHERE c.doc_id = d.id AND c.e <-> $1 < $2) ORDER BY d.id",
    "SELECT p.a, p.b FROM pairs p WHERE p.a < 10 AND EXISTS (SELECT 1 FROM chunks c WHERE c.doc_id = p.a AND c.e <-> '[0,1,0]' < 5) ORDER BY 1, 2",
  ].map((q) => (q.includes('$1') ? q.replace('$1', "'[2,-1,0]'").replace('$2', '5') : q)));
  await all('EXISTS with distances: the plan', [
    "EXPLAIN (COSTS OFF) SELECT d.id FROM docs d WHERE d.cat = 2 AND EXISTS (SELECT 1 FROM chunks c WHERE c.doc_id = d.id AND c.e <-> '[1,1,1]' < 4.5) ORDER BY d.id",
  ]);
});
