/**
 * Transactions: ROLLBACK undoes INSERTs (rows, primary keys, index entries); a failed
 * statement leaves no partial rows; an error inside a block aborts the block until ROLLBACK.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';

test('ROLLBACK undoes inserts, including index entries and key reservations', async () => {
  const db = await Vecgres.create();
  await db.exec("CREATE TABLE t (id int PRIMARY KEY, e vector(2)); INSERT INTO t VALUES (1, '[0,0]')");
  await db.query('CREATE INDEX ON t USING hnsw (e vector_l2_ops)');
  await db.query('BEGIN');
  await db.query("INSERT INTO t VALUES (2, '[1,1]'), (3, '[2,2]')");
  assert.equal((await db.query<{ count: number }>('SELECT count(*) FROM t')).rows[0]!.count, 3);
  await db.query('ROLLBACK');
  assert.equal((await db.query<{ count: number }>('SELECT count(*) FROM t')).rows[0]!.count, 1);
  const near = await db.query<{ id: number }>("SELECT id FROM t ORDER BY e <-> '[2,2]' LIMIT 5");
  assert.deepEqual(near.rows, [{ id: 1 }]);
  await db.query("INSERT INTO t VALUES (2, '[1,1]')");
  assert.deepEqual((await db.query('SELECT id FROM t ORDER BY id')).rows, [{ id: 1 }, { id: 2 }]);
  await db.close();
});

test('a failing multi-row INSERT inserts nothing', async () => {
  const db = await Vecgres.create();
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, w text NOT NULL)');
  await assert.rejects(db.query("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (1, 'c')"), { code: '23505' });
  await assert.rejects(db.query("INSERT INTO t VALUES (3, 'a'), (4, NULL)"), { code: '23502' });
  assert.deepEqual((await db.query('SELECT count(*) FROM t')).rows, [{ count: 0 }]);
  await db.close();
});

test('an error aborts the transaction block until ROLLBACK; COMMIT of a failed block rolls back', async () => {
  const db = await Vecgres.create();
  await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
  await db.query('BEGIN');
  await db.query('INSERT INTO t VALUES (1)');
  await assert.rejects(db.query('INSERT INTO t VALUES (1)'), { code: '23505' });
  await assert.rejects(db.query('SELECT 1'), {
    code: '25P02',
    message: 'current transaction is aborted, commands ignored until end of transaction block',
  });
  await db.query('COMMIT');
  assert.deepEqual((await db.query('SELECT count(*) FROM t')).rows, [{ count: 0 }]);
  await db.close();
});
