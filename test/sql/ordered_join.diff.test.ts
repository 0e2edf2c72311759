/**
 * k-NN ORDER BY ... LIMIT over joins (plan/ordered_join.ts): the vector index scan of the
 * ordered table as the outer side of order-preserving joins (primary-key lookups, hash joins
 * hashing the other table), LIMIT stopping the scan, the scan continuing past its first
 * search when the joins drop rows. Rows are compared with PostgreSQL 18 + pgvector 0.8.7
 * (PGlite) where both answers are exact (hnsw.ef_search above the table's size on both), and
 * by recall against PostgreSQL's exact answer where vecgres's continued scan is approximate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { db, oracle, both, checkAll } = await openSqlPair();

const rng = new Prng(SEED);
/** A vector literal of `dim` seeded coordinates with three decimals (ties in distance do not occur). */
const vec = (dim: number): string => `[${Array.from({ length: dim }, () => ((rng.int(20001) - 10000) / 1000).toFixed(3)).join(',')}]`;

await both('CREATE TABLE docs (id int PRIMARY KEY, title text, cat int)');
await both('CREATE TABLE chunks (id int PRIMARY KEY, doc_id int, e vector(3))');
await both('CREATE TABLE tags (chunk_id int, tag text)');
{
  const docs: string[] = [];
  for (let i = 1; i <= 40; i++) docs.push(`(${i}, 'doc ${i}', ${rng.int(8) === 0 ? 'NULL' : rng.int(10)})`);
  await both(`INSERT INTO docs VALUES ${docs.join(', ')}`);
  // doc_id: NULL for some chunks, and ids 41..45 that no document has (inner joins drop them).
  const chunks: string[] = [];
  for (let i = 1; i <= 300; i++) chunks.push(`(${i}, ${rng.int(10) === 0 ? 'NULL' : 1 + rng.int(45)}, '${vec(3)}')`);
  await both(`INSERT INTO chunks VALUES ${chunks.join(', ')}`);
  // At most one tag per chunk (no primary key: a hash join), so rows have no ties in order.
  const tags: string[] = [];
  for (let i = 1; i <= 300; i++) if (rng.int(3) !== 0) tags.push(`(${i}, 't${rng.int(5)}')`);
  await both(`INSERT INTO tags VALUES ${tags.join(', ')}`);
}
await both('CREATE INDEX chunks_e_idx ON chunks USING hnsw (e vector_cosine_ops)');
await both('CREATE INDEX chunks_e_l2_idx ON chunks USING hnsw (e vector_l2_ops)');

const all = (label: string, queries: string[], params?: unknown[]): Promise<void> => checkAll(label, queries, params, SEED);

const Q = "'[1,2,3]'";

/** k-NN queries over joins (all taking the ordered plan under enable_seqscan = off). */
const ORDERED = [
  `SELECT c.id, d.id, d.title, c.e <=> ${Q} AS dist FROM chunks c JOIN docs d ON d.id = c.doc_id ORDER BY c.e <=> ${Q} LIMIT 10`,
  `SELECT c.id, d.title FROM docs d JOIN chunks c ON d.id = c.doc_id ORDER BY c.e <=> ${Q} LIMIT 7`,
  `SELECT c.id, d.title FROM chunks c, docs d WHERE d.id = c.doc_id ORDER BY c.e <-> ${Q} LIMIT 5`,
  `SELECT c.id, d.title FROM chunks c JOIN docs d ON d.id = c.doc_id WHERE d.cat = 3 ORDER BY c.e <=> ${Q} LIMIT 10`,
  `SELECT c.id, d.title FROM chunks c JOIN docs d ON d.id = c.doc_id WHERE d.cat = 3 AND c.id > 100 ORDER BY c.e <=> ${Q} LIMIT 4 OFFSET 3`,
  `SELECT c.id, d.title FROM chunks c JOIN docs d ON d.id = c.doc_id AND d.cat IN (1, 2) ORDER BY c.e <=> ${Q} LIMIT 10`,
  `SELECT c.id, d.title FROM chunks c JOIN docs d ON d.id = c.doc_id WHERE d.cat IS NULL ORDER BY c.e <=> ${Q} LIMIT 50`,
  `SELECT c.id, d.title FROM chunks c JOIN docs d ON d.id = c.doc_id WHERE d.cat = 99 ORDER BY c.e <=> ${Q} LIMIT 10`,
  // LEFT JOIN: chunks with a NULL or unknown doc_id keep NULL document columns.
  `SELECT c.id, c.doc_id, d.title FROM chunks c LEFT JOIN docs d ON d.id = c.doc_id ORDER BY c.e <=> ${Q} LIMIT 15`,
  `SELECT c.id, d.title FROM chunks c LEFT JOIN docs d ON d.id = c.doc_id AND d.cat = 3 ORDER BY c.e <=> ${Q} LIMIT 15`,
  `SELECT c.id, d.title FROM chunks c LEFT JOIN docs d ON d.id = c.doc_id WHERE d.id IS NULL ORDER BY c.e <=> ${Q} LIMIT 8`,
  `SELECT c.id, d.title FROM chunks c LEFT JOIN docs d ON d.id = c.doc_id WHERE d.cat = 3 OR d.cat IS NULL ORDER BY c.e <=> ${Q} LIMIT 8`,
  // Three tables, a join without a primary key.
  `SELECT c.id, d.title, t.tag FROM chunks c JOIN docs d ON d.id = c.doc_id JOIN tags t ON t.chunk_id = c.id ORDER BY c.e <=> ${Q} LIMIT 12`,
  `SELECT c.id, t.tag FROM chunks c LEFT JOIN tags t ON t.chunk_id = c.id WHERE t.tag <> 't1' OR t.tag IS NULL ORDER BY c.e <=> ${Q} LIMIT 12`,
  `SELECT c.id, d.title, t.tag FROM chunks c LEFT JOIN docs d ON d.id = c.doc_id JOIN tags t ON t.chunk_id = c.id AND t.tag = 't2' ORDER BY c.e <=> ${Q} LIMIT 6`,
  // A join condition that is not an equality: a nested loop over the other table.
  `SELECT c.id, d.id FROM chunks c JOIN docs d ON d.id < c.doc_id AND d.id > c.doc_id - 2 ORDER BY c.e <=> ${Q} LIMIT 9`,
];

test('k-NN over joins: same rows as PostgreSQL (inner, LEFT, NULL join keys, missing keys, filters, OFFSET)', async () => {
  // ef_search above the table's size: both engines' index scans are exact; enable_seqscan off
  // makes vecgres take the ordered index scan on this small table.
  await both('SET hnsw.ef_search = 1000');
  await both('SET enable_seqscan = off');
  try {
    await all('ordered joins', ORDERED);
    for (const q of ORDERED) {
      const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${q}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
      assert.match(plan, /^Limit\n(.*\n)*\s+->  (Nested Loop|Hash)[^]*\n\s+->  Index Scan using chunks_e(_l2)?_idx on chunks c\n/, q);
      assert.doesNotMatch(plan, /Seq Scan on chunks/, q);
    }
  } finally {
    await both('RESET hnsw.ef_search');
    await both('RESET enable_seqscan');
  }
});


test('k-NN over joins: LIMIT and query vector as parameters', async () => {
  await both('SET hnsw.ef_search = 1000');
  await both('SET enable_seqscan = off');
  try {
    await all('ordered joins, parameters', [
      'SELECT c.id, d.title FROM chunks c JOIN docs d ON d.id = c.doc_id WHERE d.cat = $2 ORDER BY c.e <=> $1 LIMIT $3',
    ], ['[-3,1,2]', 5, 6]);
    await all('ordered joins, parameters (another LIMIT)', [
      'SELECT c.id, d.title FROM chunks c JOIN docs d ON d.id = c.doc_id WHERE d.cat = $2 ORDER BY c.e <=> $1 LIMIT $3',
    ], ['[-3,1,2]', 5, 20]);
  } finally {
    await both('RESET hnsw.ef_search');
    await both('RESET enable_seqscan');
  }
});

test('k-NN over joins: the plan is the ordered index scan under a nested loop, LIMIT on top', async () => {
  const plan = async (sql: string): Promise<string> =>
    (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
  // A LEFT JOIN keeps every chunk: the outer side reads exactly LIMIT rows, so on 300 rows the
  // exact top-k scan (printed as a Sort over the Seq Scan) is cheaper than the index.
  assert.equal(
    await plan(`SELECT c.id, d.title FROM chunks c LEFT JOIN docs d ON d.id = c.doc_id ORDER BY c.e <=> ${Q} LIMIT 5`),
    [
      'Limit',
      '  ->  Nested Loop Left Join',
      '        ->  Sort',
      "              Sort Key: ((c.e <=> '[1,2,3]'::vector))",
      '              ->  Seq Scan on chunks c',
      '        ->  Index Scan using docs_pkey on docs d',
      '              Index Cond: (id = c.doc_id)',
    ].join('\n'),
  );
  // An inner join may drop chunks: the scan continues, the rows kept are sorted.
  await db.exec('SET enable_seqscan = off');
  const inner = await plan(`SELECT c.id, d.title FROM chunks c JOIN docs d ON d.id = c.doc_id ORDER BY c.e <=> ${Q} LIMIT 5`);
  await db.exec('RESET enable_seqscan');
  assert.equal(
    inner,
    [
      'Limit',
      '  ->  Sort',
      "        Sort Key: ((c.e <=> '[1,2,3]'::vector))",
      '        ->  Limit',
      '              ->  Nested Loop',
      '                    ->  Index Scan using chunks_e_idx on chunks c',
      "                          Order By: (e <=> '[1,2,3]'::vector)",
      '                          Iterative Scan: relaxed order, until the rows above suffice',
      '                    ->  Index Scan using docs_pkey on docs d',
      '                          Index Cond: (id = c.doc_id)',
    ].join('\n'),
  );
  // Without an index on the ordered column's operator (<#>) the join is sorted as before.
  assert.match(await plan(`SELECT c.id FROM chunks c JOIN docs d ON d.id = c.doc_id ORDER BY c.e <#> ${Q} LIMIT 5`), /Sort\n[^]*Hash Join/);
});

test('k-NN over joins with a selective filter: k rows whenever k match, by recall against the exact answer', async () => {
  // 2,000 chunks of 8 dimensions, 1 document in 10 of category 0: the first search (ef 10)
  // finds too few rows of it, the continued scan finds the rest.
  await both('CREATE TABLE d2 (id int PRIMARY KEY, cat int)');
  await both('CREATE TABLE c2 (id int PRIMARY KEY, doc_id int, e vector(8))');
  const docs: string[] = [];
  for (let i = 1; i <= 200; i++) docs.push(`(${i}, ${rng.int(10)})`);
  await both(`INSERT INTO d2 VALUES ${docs.join(', ')}`);
  const chunks: string[] = [];
  for (let i = 1; i <= 2000; i++) chunks.push(`(${i}, ${1 + rng.int(200)}, '${vec(8)}')`);
  await both(`INSERT INTO c2 VALUES ${chunks.join(', ')}`);
  await db.exec('CREATE INDEX ON c2 USING hnsw (e vector_l2_ops)');
  await db.exec('SET hnsw.ef_search = 10');
  // On 2,000 rows with 1 in 10 kept the planner rightly prefers the exact join and sort (about
  // 180 joined rows to sort); without the sequential scan the continued index scan is what runs.
  await db.exec('SET enable_seqscan = off');
  try {
    let found = 0;
    let total = 0;
    for (let t = 0; t < 10; t++) {
      const q = vec(8);
      const sql = 'SELECT c.id FROM c2 c JOIN d2 d ON d.id = c.doc_id WHERE d.cat = $2 ORDER BY c.e <-> $1 LIMIT 10';
      const cat = rng.int(10);
      const exact = (await oracle.query(sql, [q, cat], { rowMode: 'array' })).rows.map((r) => (r as number[])[0]);
      const ours = (await db.query(sql, [q, cat], { rowMode: 'array' })).rows.map((r) => (r as unknown as number[])[0]);
      assert.equal(ours.length, exact.length, `rows returned (VECGRES_SEED=${SEED})`);
      total += exact.length;
      for (const id of ours) if (exact.includes(id)) found++;
      const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${sql}`, [q, cat])).rows.map((r) => r['QUERY PLAN']).join('\n');
      assert.match(plan, /Iterative Scan: relaxed order/);
    }
    assert.ok(found / total >= 0.9, `recall ${found / total} (VECGRES_SEED=${SEED})`);
  } finally {
    await db.exec('RESET enable_seqscan');
    await db.exec('RESET hnsw.ef_search');
  }
});
