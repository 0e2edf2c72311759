/**
 * Uncommitted DDL seen from another session (db.connect()): a relation created by an open
 * transaction does not exist for others (42P01), one dropped, truncated or altered by it stays
 * as it was for readers where vecgres can keep it, else is 55P03 `could not obtain lock on
 * relation` where PostgreSQL would make them wait for the lock; after COMMIT or ROLLBACK
 * everyone sees the outcome. Statements a session already analyzed (cached by SQL text) are
 * re-checked, never reused across the two views.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';

const lock = (name: string) => ({ code: '55P03', message: `could not obtain lock on relation "${name}"` });

test('a table created in an open transaction is invisible to other sessions until COMMIT', async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  const b = await db.connect();
  try {
    await a.query('BEGIN');
    await a.query('CREATE TABLE t (id int PRIMARY KEY, v vector(2))');
    await a.query("INSERT INTO t VALUES (1, '[1,1]')");
    // The same SQL text as a's own statement: its cached analysis must not leak t to b.
    assert.deepEqual((await a.query('SELECT id FROM t')).rows, [{ id: 1 }]);
    await assert.rejects(b.query('SELECT id FROM t'), { code: '42P01', message: 'relation "t" does not exist' });
    await assert.rejects(b.query('INSERT INTO t VALUES (2, \'[2,2]\')'), { code: '42P01' });
    assert.deepEqual((await b.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 't'")).rows, [{ n: 0 }]);
    assert.deepEqual((await b.query("SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 't'")).rows, [{ n: 0 }]);
    // Creating the same name waits in PostgreSQL (the outcome depends on a's end): 55P03 here.
    await assert.rejects(b.query('CREATE TABLE t (x int)'), lock('t'));
    await a.query('COMMIT');
    assert.deepEqual((await b.query('SELECT id FROM t')).rows, [{ id: 1 }]);
    await a.query('BEGIN');
    await a.query('CREATE TABLE u (x int)');
    await a.query('ROLLBACK');
    await assert.rejects(b.query('SELECT * FROM u'), { code: '42P01' });
    await b.query('CREATE TABLE u (y text)');
  } finally {
    await a.release();
    await b.release();
    await db.close();
  }
});

test('DROP, TRUNCATE and DROP INDEX in an open transaction: others get 55P03 until it ends; CREATE INDEX blocks their writes only', async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  const b = await db.connect();
  try {
    await db.exec("CREATE TABLE t (id int PRIMARY KEY, x int); INSERT INTO t VALUES (1, 10), (2, 20); CREATE INDEX tx ON t (x)");
    await a.query('BEGIN');
    await a.query('DROP TABLE t');
    await assert.rejects(b.query('SELECT * FROM t'), lock('t'));
    await assert.rejects(b.query('INSERT INTO t VALUES (3, 30)'), lock('t'));
    await assert.rejects(b.query('DROP TABLE t'), lock('t'));
    await a.query('ROLLBACK');
    assert.deepEqual((await b.query('SELECT id FROM t ORDER BY id')).rows, [{ id: 1 }, { id: 2 }]);

    await a.query('BEGIN');
    await a.query('TRUNCATE t');
    await assert.rejects(b.query('SELECT count(*) FROM t'), lock('t'));
    await a.query('COMMIT');
    assert.deepEqual((await b.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: 0 }]);

    await b.query('INSERT INTO t VALUES (1, 10)');
    await a.query('BEGIN');
    await a.query('CREATE INDEX tx2 ON t (x, id)');
    // Readers go on (PostgreSQL's ShareLock); writers wait for the transaction (lock_timeout
    // ends the wait), DDL would wait too (55P03 here).
    assert.deepEqual((await b.query('SELECT id FROM t')).rows, [{ id: 1 }]);
    await b.query("SET lock_timeout = '10ms'");
    await assert.rejects(b.query('DELETE FROM t'), { code: '55P03', message: 'canceling statement due to lock timeout' });
    await b.query('RESET lock_timeout');
    await assert.rejects(b.query('DROP INDEX tx'), lock('t'));
    const insert = b.query('INSERT INTO t VALUES (2, 20)');
    await a.query('ROLLBACK');
    await insert;
    assert.deepEqual((await b.query("SELECT indexname::text FROM pg_indexes WHERE tablename = 't' ORDER BY 1")).rows, [{ indexname: 't_pkey' }, { indexname: 'tx' }]);

    // A table with another transaction's row changes in flight is not dropped under it.
    await b.query('BEGIN');
    await b.query('INSERT INTO t VALUES (3, 30)');
    await a.query('BEGIN');
    await assert.rejects(a.query('DROP TABLE t'), lock('t'));
    await a.query('ROLLBACK');
    await b.query('COMMIT');
    // The same transaction may drop a table it wrote.
    await a.query('BEGIN');
    await a.query('INSERT INTO t VALUES (4, 40)');
    await a.query('DROP TABLE t');
    await a.query('COMMIT');
    await assert.rejects(b.query('SELECT * FROM t'), { code: '42P01' });
  } finally {
    await a.release();
    await b.release();
    await db.close();
  }
});

test('a released session rolls its DDL back and frees its locks; savepoints are per session', async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  const b = await db.connect();
  try {
    await db.exec('CREATE TABLE t (x int)');
    await a.query('BEGIN');
    await a.query('DROP TABLE t');
    await a.query('CREATE TABLE n (y int)');
    await a.release();
    assert.deepEqual((await b.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: 0 }]);
    await assert.rejects(b.query('SELECT * FROM n'), { code: '42P01' });
    await b.query('BEGIN');
    await b.query('SAVEPOINT s');
    await assert.rejects(db.query('RELEASE s'), { code: '25P01', message: 'RELEASE SAVEPOINT can only be used in transaction blocks' });
    await b.query('INSERT INTO t VALUES (1)');
    await b.query('ROLLBACK TO s');
    await b.query('COMMIT');
    assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: 0 }]);
  } finally {
    await b.release();
    await db.close();
  }
});

test('closing the database with DDL in flight frees what the open transactions kept for a rollback', async () => {
  const { memories: arena } = await import('../../src/kernels/memories.js');
  const before = arena.allocatedBytes;
  const db = await Vecgres.create();
  await db.exec("CREATE TABLE t (id int PRIMARY KEY, v vector(3)); INSERT INTO t SELECT i, ('[' || i || ',1,2]')::vector FROM generate_series(1, 500) i; CREATE INDEX ON t USING hnsw (v vector_l2_ops)");
  const a = await db.connect();
  const b = await db.connect();
  await a.query('BEGIN');
  await a.query('DROP TABLE t');
  await a.query('CREATE TABLE u (v vector(3))');
  await a.query("INSERT INTO u VALUES ('[1,2,3]')");
  await b.query('BEGIN');
  await b.query('CREATE TABLE w (v vector(3))');
  await b.query("INSERT INTO w VALUES ('[1,2,3]')");
  await db.close();
  assert.equal(arena.allocatedBytes, before, 'every arena block is freed');
});

test('ALTER TABLE and constraints in an open transaction: others get 55P03 on the table, 42P01 for its new name, and see the outcome after COMMIT', async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  const b = await db.connect();
  try {
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, x int); INSERT INTO t VALUES (1, 1); CREATE TABLE other (id int)');
    await a.query('BEGIN');
    await a.query('ALTER TABLE t ADD COLUMN y int DEFAULT 5');
    await assert.rejects(b.query('SELECT * FROM t'), lock('t'));
    await assert.rejects(b.query('INSERT INTO t VALUES (2, 2)'), lock('t'));
    await assert.rejects(b.query('ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0)'), lock('t'));
    // A table the transaction does not hold stays usable.
    await b.query('INSERT INTO other VALUES (1)');
    await a.query('ALTER TABLE t RENAME TO t2');
    await assert.rejects(b.query('SELECT * FROM t2'), { code: '42P01', message: 'relation "t2" does not exist' });
    await assert.rejects(b.query('CREATE TABLE t2 (z int)'), lock('t2'));
    await a.query('ROLLBACK');
    assert.deepEqual((await b.query('SELECT * FROM t')).rows, [{ id: 1, x: 1 }]);
    await a.query('BEGIN');
    await a.query('ALTER TABLE t ADD CONSTRAINT xu UNIQUE (x), ADD CONSTRAINT pos CHECK (x > 0)');
    await a.query('CREATE TABLE ref (t_x int REFERENCES t (x))');
    await assert.rejects(b.query('INSERT INTO t VALUES (2, 1)'), lock('t'));
    await a.query('COMMIT');
    await assert.rejects(b.query('INSERT INTO t VALUES (2, 1)'), { code: '23505' });
    await assert.rejects(b.query('INSERT INTO t VALUES (2, -1)'), { code: '23514' });
    await assert.rejects(b.query('INSERT INTO ref VALUES (9)'), { code: '23503' });
  } finally {
    await a.release();
    await b.release();
    await db.close();
  }
});
