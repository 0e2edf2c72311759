/**
 * Differential tests of SELECT's locking clause (FOR UPDATE / NO KEY UPDATE / SHARE / KEY
 * SHARE [OF ...] [NOWAIT | SKIP LOCKED]) in one session against PostgreSQL 18 + pgvector
 * (PGlite): the rows a locking query returns (through sequential scans, the primary key,
 * joins, ORDER BY ... LIMIT and an HNSW index scan), and PostgreSQL's errors for the clauses
 * it refuses with one. The concurrent behaviour (waits, NOWAIT, SKIP LOCKED between sessions)
 * is in test/server/row_locks.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';

const { db, check, both } = await openSqlPair();

await both('CREATE TABLE lk (id integer PRIMARY KEY, g integer, e vector(2))');
await both('CREATE TABLE lk2 (id integer PRIMARY KEY, lk_id integer, s text)');
{
  const rng = new Prng(SEED);
  const rows: string[] = [];
  for (let i = 1; i <= 40; i++) rows.push(`(${i}, ${rng.int(4)}, '[${rng.int(20)},${rng.int(20)}]')`);
  await both(`INSERT INTO lk VALUES ${rows.join(', ')}`);
  await both("INSERT INTO lk2 SELECT g, g % 7, 's' || g FROM generate_series(1, 15) g");
}

test('rows of locking queries are those of the same query without the clause', async () => {
  const mismatches: string[] = [];
  const qs = [
    'SELECT id, g FROM lk WHERE id = 3 FOR UPDATE',
    'SELECT id, g FROM lk WHERE g = 1 ORDER BY id FOR SHARE',
    'SELECT id FROM lk ORDER BY id LIMIT 5 FOR NO KEY UPDATE',
    'SELECT id FROM lk ORDER BY id DESC LIMIT 3 OFFSET 2 FOR KEY SHARE',
    'SELECT id FROM lk WHERE g = 2 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED',
    'SELECT id FROM lk WHERE g = 3 ORDER BY id FOR UPDATE NOWAIT',
    'SELECT lk.id, lk2.s FROM lk JOIN lk2 ON lk2.lk_id = lk.id ORDER BY lk2.id FOR UPDATE',
    'SELECT lk.id, lk2.s FROM lk JOIN lk2 ON lk2.lk_id = lk.id ORDER BY lk2.id FOR UPDATE OF lk2',
    'SELECT a.id FROM lk a, lk2 b WHERE a.id = b.id ORDER BY a.id FOR SHARE OF a FOR UPDATE OF b',
    'SELECT id FROM lk WHERE id IN (SELECT lk_id FROM lk2) ORDER BY id FOR UPDATE',
    "SELECT id FROM lk ORDER BY e <-> '[3,4]', id LIMIT 4 FOR UPDATE",
    'WITH w AS (SELECT 1 AS x) SELECT id FROM lk, w WHERE id = x FOR UPDATE',
    'SELECT id FROM lk WHERE false FOR UPDATE',
    'SELECT 1 AS one FOR UPDATE',
    // Errors: CheckSelectLocking, transformLockingClause, the outer join check.
    'SELECT count(*) FROM lk FOR UPDATE',
    'SELECT g FROM lk GROUP BY g FOR SHARE',
    'SELECT id FROM lk GROUP BY id HAVING id > 1 FOR NO KEY UPDATE',
    'SELECT DISTINCT g FROM lk FOR KEY SHARE',
    'SELECT DISTINCT ON (g) g, id FROM lk ORDER BY g, id FOR UPDATE',
    'SELECT row_number() OVER (ORDER BY id) FROM lk FOR UPDATE',
    'SELECT id FROM lk UNION SELECT id FROM lk2 FOR UPDATE',
    'SELECT id FROM lk INTERSECT SELECT id FROM lk2 FOR SHARE',
    'SELECT id FROM lk FOR UPDATE OF nosuch',
    'SELECT id FROM lk x FOR UPDATE OF lk',
    'SELECT a.id FROM lk a LEFT JOIN lk2 b ON a.id = b.lk_id FOR UPDATE',
    'SELECT a.id FROM lk a LEFT JOIN lk2 b ON a.id = b.lk_id FOR UPDATE OF b',
    'SELECT * FROM lk, generate_series(1, 2) g FOR UPDATE OF g',
    'WITH w AS (SELECT 1 AS x) SELECT id FROM lk, w FOR UPDATE OF w',
    'SELECT * FROM (VALUES (1)) v (x) FOR UPDATE OF v',
    'SELECT * FROM (VALUES (1), (2)) v (x) ORDER BY x FOR UPDATE',
    'SELECT id, x FROM lk, (VALUES (1), (2)) v (x) WHERE id = x ORDER BY x FOR SHARE OF v, lk',
    'VALUES (1) FOR UPDATE',
    'SELECT count(*) FROM lk FOR UPDATE OF nosuch',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('locking clause', mismatches, qs.length, SEED);
});

test('EXPLAIN: LockRows above the Sort, below the Limit', async () => {
  const mismatches: string[] = [];
  const qs = [
    'EXPLAIN (COSTS OFF) SELECT id FROM lk WHERE g = 1 FOR UPDATE',
    'EXPLAIN (COSTS OFF) SELECT id FROM lk ORDER BY g DESC, id LIMIT 2 FOR UPDATE SKIP LOCKED',
    'EXPLAIN (COSTS OFF) SELECT id FROM lk WHERE id = 3 FOR SHARE',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('EXPLAIN locking', mismatches, qs.length, SEED);
});

test('locking clauses below the top level: sublinks, WITH items, subqueries in FROM', async () => {
  const mismatches: string[] = [];
  const qs = [
    'SELECT id FROM lk WHERE id = (SELECT id FROM lk WHERE g = 1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)',
    'SELECT id FROM lk WHERE id IN (SELECT lk_id FROM lk2 WHERE id > 3 FOR SHARE) ORDER BY id',
    'SELECT id FROM lk l WHERE EXISTS (SELECT 1 FROM lk2 WHERE lk2.lk_id = l.id FOR UPDATE) ORDER BY id',
    'SELECT id, (SELECT s FROM lk2 WHERE lk2.id = lk.id FOR KEY SHARE) FROM lk WHERE id < 5 ORDER BY id',
    'WITH next AS (SELECT id FROM lk WHERE g = 2 ORDER BY id LIMIT 3 FOR UPDATE SKIP LOCKED) SELECT lk.id, lk.g FROM lk JOIN next USING (id) ORDER BY lk.id',
    'SELECT * FROM (SELECT id FROM lk WHERE g = 0 ORDER BY id LIMIT 2 FOR NO KEY UPDATE) s',
    'SELECT * FROM (SELECT id FROM lk FOR UPDATE) s JOIN lk2 ON lk2.id = s.id ORDER BY s.id',
    'WITH w AS (SELECT id FROM lk WHERE id < 3 FOR UPDATE) SELECT * FROM w ORDER BY id',
    // The clause's own checks apply at every level.
    'SELECT id FROM lk WHERE id IN (SELECT count(*)::int FROM lk2 FOR UPDATE)',
    'SELECT * FROM (SELECT DISTINCT g FROM lk FOR SHARE) s',
    'WITH w AS (SELECT id FROM lk UNION SELECT id FROM lk2 FOR UPDATE) SELECT * FROM w',
    // Plans: LockRows inside the InitPlan / SubPlan / CTE, a WITH item that locks stays a CTE Scan.
    'EXPLAIN (COSTS OFF) SELECT id, g FROM lk WHERE id = (SELECT id FROM lk2 WHERE s = $$s3$$ LIMIT 1 FOR UPDATE SKIP LOCKED)',
    'EXPLAIN (COSTS OFF) SELECT id FROM lk l WHERE EXISTS (SELECT 1 FROM lk2 WHERE lk2.lk_id = l.id FOR UPDATE)',
    'EXPLAIN (COSTS OFF) WITH w AS (SELECT id FROM lk WHERE g = 1 FOR UPDATE) SELECT * FROM w',
    'EXPLAIN (COSTS OFF) WITH w AS (SELECT id FROM lk2 WHERE s > $$s3$$ FOR UPDATE) SELECT * FROM w WHERE id > 2',
    'EXPLAIN (COSTS OFF) SELECT * FROM (SELECT id FROM lk WHERE g = 3 FOR UPDATE) s',
    // DML over a locking sublink or WITH item (the one-statement job queue).
    'BEGIN',
    'UPDATE lk SET g = g + 100 WHERE id = (SELECT id FROM lk WHERE g = 3 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, g',
    'WITH next AS (SELECT id FROM lk WHERE g = 1 ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED) UPDATE lk SET g = -1 FROM next WHERE lk.id = next.id RETURNING lk.id',
    'DELETE FROM lk2 WHERE id = (SELECT id FROM lk2 ORDER BY id DESC LIMIT 1 FOR UPDATE) RETURNING *',
    'SELECT id, g FROM lk WHERE g < 0 OR g > 99 ORDER BY id',
    'ROLLBACK',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('locking below the top level', mismatches, qs.length, SEED);
  // PostgreSQL pushes a top-level clause into a subquery in FROM; vecgres refuses it.
  await assert.rejects(db.query('SELECT * FROM (SELECT id FROM lk) s FOR UPDATE'), { code: '0A000', message: 'FOR UPDATE of a subquery in FROM is not supported' });
});

test('inside a transaction block, the locking query and an UPDATE of the locked rows as PostgreSQL', async () => {
  const mismatches: string[] = [];
  const qs = [
    'BEGIN',
    'SELECT id, g FROM lk WHERE id <= 3 ORDER BY id FOR UPDATE',
    'UPDATE lk SET g = g + 10 WHERE id <= 3',
    'SELECT id, g FROM lk WHERE id <= 3 ORDER BY id FOR SHARE NOWAIT',
    'SAVEPOINT s',
    'SELECT id FROM lk WHERE id = 4 FOR UPDATE',
    'ROLLBACK TO SAVEPOINT s',
    'SELECT id FROM lk WHERE id = 4 FOR KEY SHARE SKIP LOCKED',
    'ROLLBACK',
    'SELECT id, g FROM lk WHERE id <= 3 ORDER BY id',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('locking in a block', mismatches, qs.length, SEED);
});

test('FOR UPDATE over an HNSW index scan locks the rows the k-NN query returns', async () => {
  await db.exec('CREATE INDEX lk_e ON lk USING hnsw (e vector_l2_ops)');
  const s = await db.connect();
  const other = await db.connect();
  try {
    await s.exec('SET enable_seqscan = off; BEGIN');
    await other.exec('SET enable_seqscan = off');
    const knn = "SELECT id FROM lk ORDER BY e <-> '[5,5]' LIMIT 3";
    const plan = (await s.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${knn} FOR UPDATE`)).rows.map((r) => r['QUERY PLAN']);
    assert.deepEqual(plan.slice(0, 3), ['Limit', '  ->  LockRows', '        ->  Index Scan using lk_e on lk']);
    const locked = (await s.query<{ id: number }>(`${knn} FOR UPDATE`)).rows.map((r) => r.id);
    assert.equal(locked.length, 3);
    // Another session: those three are locked, the rest are not; SKIP LOCKED returns the next three.
    for (const id of locked) {
      await assert.rejects(other.query(`SELECT id FROM lk WHERE id = ${id} FOR UPDATE NOWAIT`), { code: '55P03', message: 'could not obtain lock on row in relation "lk"' });
    }
    const all = (await other.query<{ id: number }>("SELECT id FROM lk ORDER BY e <-> '[5,5]' LIMIT 6")).rows.map((r) => r.id);
    const skipped = (await other.query<{ id: number }>(`${knn} FOR UPDATE SKIP LOCKED`)).rows.map((r) => r.id);
    assert.deepEqual(skipped, all.filter((id) => !locked.includes(id)).slice(0, 3));
    await s.exec('COMMIT');
    assert.deepEqual((await other.query<{ id: number }>(`${knn} FOR UPDATE NOWAIT`)).rows.map((r) => r.id), locked);
  } finally {
    await s.release();
    await other.release();
  }
});
