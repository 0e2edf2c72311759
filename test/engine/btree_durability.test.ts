/**
 * B-tree indexes are durable like tables: they are not written to checkpoints but rebuilt
 * from the recovered table at open (and by replay of CREATE INDEX), so after a crash, with a
 * transaction in flight at the checkpoint and work only in the log, index scans return exactly
 * the rows a sequential scan returns, UNIQUE still holds, and DROP INDEX survives too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { openSmallSegments, powerLoss } from '../support/power_loss.js';

const open = openSmallSegments;

const crash = powerLoss;

const QUERIES = [
  'SELECT id FROM t WHERE k = 7 ORDER BY id',
  'SELECT id FROM t WHERE k BETWEEN 3 AND 9 ORDER BY id',
  "SELECT id FROM t WHERE s IN ('s1', 's4') ORDER BY id",
  'SELECT id FROM t WHERE k IS NULL ORDER BY id',
  'SELECT k FROM t ORDER BY k DESC LIMIT 15',
  "SELECT id FROM t WHERE s = 's2' AND k < 10 ORDER BY id",
];

/** Each query through the indexes (plans checked) equals the sequential scan's rows. */
async function checkIndexes(db: Vecgres): Promise<void> {
  for (const q of QUERIES) {
    await db.exec('SET enable_seqscan = off');
    const plan = (await db.query(`EXPLAIN (COSTS OFF) ${q}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.match(plan, /Index (Only )?Scan|Bitmap Heap Scan/, `${q} uses an index:\n${plan}`);
    const viaIndex = (await db.query(q)).rows;
    await db.exec('RESET enable_seqscan; SET enable_indexscan = off; SET enable_bitmapscan = off');
    const viaSeq = (await db.query(q)).rows;
    await db.exec('RESET enable_indexscan; RESET enable_bitmapscan');
    assert.deepEqual(viaIndex, viaSeq, q);
  }
}

test('B-tree indexes after a crash: rebuilt at open, replayed after the checkpoint, in-flight work rolled back', async () => {
  const fs = new FaultyFs(new MemoryFs(), { seed: 3 });
  let db = await open(fs);
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, k int, s text, u int); CREATE INDEX tk ON t (k); CREATE INDEX ts ON t (s, id); CREATE UNIQUE INDEX tu ON t (u)');
  await db.query("INSERT INTO t SELECT i, i % 20, 's' || (i % 5), i * 10 FROM generate_series(1, 300) i");
  await db.query('UPDATE t SET k = NULL WHERE id % 11 = 0');
  // A transaction open across the checkpoint that never commits.
  const b = db.database.openSession();
  db.database.execute("BEGIN; INSERT INTO t VALUES (1000, 7, 's1', 10000); UPDATE t SET k = 7 WHERE id = 5; DELETE FROM t WHERE id = 7", [], b);
  await db.exec('CHECKPOINT');
  await db.query('UPDATE t SET k = k + 1 WHERE id % 3 = 0');
  await db.query('DELETE FROM t WHERE id % 7 = 1');
  await db.exec("BEGIN; INSERT INTO t VALUES (2000, 8, 's9', 20000); ROLLBACK");
  await db.exec('CREATE INDEX tk2 ON t (k DESC, s)');
  await db.query("INSERT INTO t VALUES (301, NULL, 's2', 3010), (302, 8, 's3', NULL)");
  await db.exec('DROP INDEX tk2');
  await checkIndexes(db);
  const before = (await db.query('SELECT * FROM t ORDER BY id')).rows;
  crash(db, fs);
  db = await open(fs);
  const r = db.database.recovery!;
  assert.equal(r.rolledBack, 1, 'the transaction without a commit record is rolled back');
  assert.ok(r.indexesRebuilt >= 2, 'B-trees are rebuilt from the table');
  assert.deepEqual((await db.query('SELECT * FROM t ORDER BY id')).rows, before);
  assert.deepEqual((await db.query("SELECT indexname FROM pg_indexes WHERE tablename = 't' ORDER BY indexname")).rows.map((x) => x['indexname']), ['t_pkey', 'tk', 'ts', 'tu']);
  await checkIndexes(db);
  await assert.rejects(db.query("INSERT INTO t VALUES (400, 1, 's2', 3010)"), { code: '23505', message: 'duplicate key value violates unique constraint "tu"', detail: 'Key (u)=(3010) already exists.' });
  // The rolled-back insert left no key behind; the committed delete freed its key.
  await db.query("INSERT INTO t VALUES (401, 1, 's2', 20000), (402, 1, 's2', 10000), (403, 1, 's2', 10)");
  // A clean close and reopen (checkpoint, no log) keeps them working.
  await db.query('VACUUM t');
  await db.close();
  db = await open(fs);
  await checkIndexes(db);
  await db.close();
});
