/**
 * Transaction semantics over row versions: isolation between sessions (no dirty reads, also
 * through index scans), ROLLBACK restoring rows and index contents after INSERT/UPDATE/DELETE,
 * write-write conflicts (55P03 through the synchronous call, which cannot wait; the waits are
 * in row_locks.test.ts), SET LOCAL, and VACUUM of the resulting tombstones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import type { Session } from '../../src/engine/session.js';

function q(db: Vecgres, sql: string, s: Session, params: unknown[] = []) {
  return db.database.execute(sql, params, s).at(-1)!;
}

const NEAREST = "SELECT id FROM t ORDER BY e <-> '[0,0]' LIMIT 10";

test('a reader never sees another session\'s uncommitted rows, through seq scans, keys and the index', async () => {
  const db = await Vecgres.create();
  const a = db.database.session;
  const b = db.database.openSession();
  q(db, "CREATE TABLE t (id int PRIMARY KEY, e vector(2)); INSERT INTO t VALUES (1, '[1,1]'), (2, '[2,2]')", a);
  q(db, 'CREATE INDEX ON t USING hnsw (e vector_l2_ops)', a);
  q(db, 'SET enable_seqscan = off', b);
  q(db, 'BEGIN', a);
  q(db, "INSERT INTO t VALUES (3, '[0,0]')", a);
  q(db, "UPDATE t SET e = '[9,9]' WHERE id = 1", a);
  q(db, 'DELETE FROM t WHERE id = 2', a);
  // A sees its own changes ...
  assert.deepEqual(q(db, 'SELECT id, e FROM t ORDER BY id', a).rows, [[1, new Float32Array([9, 9])], [3, new Float32Array([0, 0])]]);
  // ... B sees the committed state, by every access path.
  assert.deepEqual(q(db, 'SELECT id FROM t ORDER BY id', b).rows, [[1], [2]]);
  assert.deepEqual(q(db, 'SELECT id FROM t WHERE id = 1', b).rows, [[1]]);
  assert.deepEqual(q(db, 'SELECT id FROM t WHERE id = 3', b).rows, []);
  assert.deepEqual(q(db, NEAREST, b).rows, [[1], [2]]);
  assert.equal(b.lastPlan?.node === 'Limit' && b.lastPlan.input.node, 'IndexScan');
  assert.deepEqual(q(db, 'SELECT count(*) FROM t', b).rows, [[2]]);
  // Write-write conflict: B cannot delete or update a row A deleted or updated without
  // waiting, which the synchronous execute() cannot do.
  assert.throws(() => q(db, 'DELETE FROM t WHERE id = 2', b), { code: '55P03', message: 'could not obtain lock on row in relation "t"' });
  // A key A inserted is waited for as well (23505 once A commits).
  assert.throws(() => q(db, "INSERT INTO t VALUES (3, '[5,5]')", b), { code: '55P03' });
  q(db, 'COMMIT', a);
  assert.deepEqual(q(db, 'SELECT id FROM t ORDER BY id', b).rows, [[1], [3]]);
  assert.deepEqual(q(db, NEAREST, b).rows, [[3], [1]]);
  await db.close();
});

test('ROLLBACK restores rows and index contents after INSERT, UPDATE of the embedding and DELETE', async () => {
  const db = await Vecgres.create();
  await db.exec("CREATE TABLE t (id int PRIMARY KEY, e vector(2)); CREATE INDEX ON t USING hnsw (e vector_l2_ops)");
  for (let i = 1; i <= 50; i++) await db.query('INSERT INTO t VALUES ($1, $2)', [i, [i, i]]);
  await db.exec('SET enable_seqscan = off');
  const before = (await db.query(NEAREST)).rows;
  const all = (await db.query('SELECT id, e FROM t ORDER BY id')).rows;
  await db.exec('BEGIN');
  await db.query("INSERT INTO t VALUES (100, '[0,0]'), (101, '[0.5,0.5]')");
  await db.query("UPDATE t SET e = '[0.1,0.1]' WHERE id > 40 AND id <= 50");
  await db.query('DELETE FROM t WHERE id < 5');
  const inTxn = (await db.query<{ id: number }>(NEAREST)).rows.map((r) => r.id);
  assert.equal(inTxn[0], 100);
  assert.ok(inTxn[1]! > 40 && inTxn[1]! <= 50, `updated rows come next (ties): ${inTxn}`);
  await db.exec('ROLLBACK');
  assert.deepEqual((await db.query(NEAREST)).rows, before);
  assert.deepEqual((await db.query('SELECT id, e FROM t ORDER BY id')).rows, all);
  // Keys are free again and the tombstones vacuum away without changing answers.
  await db.query("INSERT INTO t VALUES (100, '[60,60]')");
  await db.exec('VACUUM t');
  assert.deepEqual((await db.query(NEAREST)).rows, before);
  // A failed statement in autocommit leaves nothing behind either.
  await assert.rejects(db.query("UPDATE t SET id = 100 WHERE id = 1"), { code: '23505' });
  assert.deepEqual((await db.query('SELECT id FROM t WHERE id = 1')).rows, [{ id: 1 }]);
  await db.close();
});

test('a committed UPDATE of the embedding moves the row in the index; VACUUM keeps scans right', async () => {
  const db = await Vecgres.create();
  await db.exec("CREATE TABLE t (id int PRIMARY KEY, e vector(2)); CREATE INDEX ON t USING hnsw (e vector_l2_ops); SET enable_seqscan = off");
  for (let i = 1; i <= 30; i++) await db.query('INSERT INTO t VALUES ($1, $2)', [i, [i, 0]]);
  await db.transaction(async (tx) => {
    await tx.query("UPDATE t SET e = '[0,0]' WHERE id = 30");
    await tx.query('DELETE FROM t WHERE id = 1');
  });
  assert.deepEqual((await db.query<{ id: number }>("SELECT id FROM t ORDER BY e <-> '[0,0]' LIMIT 3")).rows, [{ id: 30 }, { id: 2 }, { id: 3 }]);
  await db.exec('VACUUM');
  assert.deepEqual((await db.query<{ id: number }>("SELECT id FROM t ORDER BY e <-> '[0,0]' LIMIT 3")).rows, [{ id: 30 }, { id: 2 }, { id: 3 }]);
  await assert.rejects(db.exec('BEGIN; VACUUM'), { code: '25001', message: 'VACUUM cannot run inside a transaction block' });
  await db.exec('ROLLBACK');
  await db.close();
});

test('SET LOCAL reverts at COMMIT and ROLLBACK; DDL on a table with rows in flight is refused', async () => {
  const db = await Vecgres.create();
  const a = db.database.session;
  const b = db.database.openSession();
  q(db, 'CREATE TABLE t (id int)', a);
  q(db, 'BEGIN; SET LOCAL hnsw.ef_search = 77', a);
  assert.deepEqual(q(db, 'SHOW hnsw.ef_search', a).rows, [['77']]);
  q(db, 'COMMIT', a);
  assert.deepEqual(q(db, 'SHOW hnsw.ef_search', a).rows, [['40']]);
  q(db, 'BEGIN; SET LOCAL hnsw.ef_search = 78; INSERT INTO t VALUES (1)', a);
  assert.throws(() => q(db, 'TRUNCATE t', b), { code: '55P03' });
  assert.throws(() => q(db, 'DROP TABLE t', b), { code: '55P03' });
  q(db, 'ROLLBACK', a);
  assert.deepEqual(q(db, 'SHOW hnsw.ef_search', a).rows, [['40']]);
  q(db, 'TRUNCATE t', b);
  await db.close();
});
