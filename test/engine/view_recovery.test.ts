/**
 * Views survive a crash: their CREATE / CREATE OR REPLACE / RENAME / DROP records are replayed
 * from the log alone, read from a checkpoint followed by more log, and the DDL of a transaction
 * without a commit record (open at the crash, or rolled back to a savepoint) is undone. After
 * recovery every view, its oid, its columns and its rows read as before the crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { openSmallSegments, powerLoss } from '../support/power_loss.js';

const open = openSmallSegments;

const crash = powerLoss;

const SCHEMA = [
  'CREATE TABLE items (id int PRIMARY KEY, cat text, embedding vector(3))',
  `INSERT INTO items VALUES (1, 'a', '[1,0,0]'), (2, 'b', '[0,1,0]'), (3, 'a', '[0,0,1]')`,
];
const VIEWS = [
  `CREATE VIEW va AS SELECT * FROM items WHERE cat = 'a'`,
  'CREATE VIEW vcols (n, c) AS SELECT id, cat FROM items',
  `CREATE VIEW vv AS SELECT n FROM vcols WHERE c = 'b'`,
  'CREATE VIEW gone AS SELECT 1 AS x',
  `CREATE OR REPLACE VIEW va AS SELECT id, cat, embedding, id * 10 AS ten FROM items WHERE cat = 'a'`,
  'ALTER VIEW gone RENAME TO gone2',
  'DROP VIEW gone2',
  'CREATE VIEW renamed AS SELECT count(*) AS n FROM items',
  'ALTER VIEW renamed RENAME COLUMN n TO total',
  // Undone: a savepoint rolled back inside a committed block.
  'BEGIN',
  'CREATE VIEW kept AS SELECT 2 AS y',
  'SAVEPOINT s',
  'CREATE VIEW undone AS SELECT 3 AS z',
  'DROP VIEW va',
  'ROLLBACK TO s',
  'COMMIT',
];
const READS = [
  `SELECT c.relname::text, c.oid::int8, c.relnatts FROM pg_class c WHERE c.relkind = 'v' AND c.relnamespace = 'public'::regnamespace ORDER BY 1`,
  `SELECT viewname::text, definition FROM pg_views WHERE schemaname = 'public' ORDER BY 1`,
  'SELECT * FROM va ORDER BY id',
  'SELECT * FROM vcols ORDER BY n',
  'SELECT * FROM vv',
  'SELECT * FROM renamed',
  'SELECT * FROM kept',
];

async function observe(db: Vecgres): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const q of READS) out.push((await db.query(q)).rows);
  return out;
}

test('views are replayed from the log after a crash; an open transaction’s view DDL is undone', async () => {
  const fs = new FaultyFs(new MemoryFs(), { seed: 5 });
  let db = await open(fs);
  for (const q of [...SCHEMA, ...VIEWS]) await db.query(q);
  const before = await observe(db);
  assert.equal((before[0] as unknown[]).length, 5);
  // Left open at the crash: undone by recovery.
  await db.exec('BEGIN; CREATE VIEW open_view AS SELECT 1 AS a; DROP VIEW vv CASCADE; CREATE OR REPLACE VIEW vcols AS SELECT id AS n, cat AS c, 0 AS extra FROM items');
  await db.query('SELECT 1');
  crash(db, fs);
  db = await open(fs);
  assert.equal(db.database.recovery!.checkpointId, 0, 'no checkpoint: everything came from the log');
  assert.deepEqual(await observe(db), before);
  // The names are free and the dependencies known again.
  await db.exec('CREATE VIEW open_view AS SELECT 1 AS a');
  await assert.rejects(db.query('DROP TABLE items'), { code: '2BP01' });
  await db.close();
});

test('views are read from a checkpoint, then more are replayed, and kept over a clean close', async () => {
  const fs = new FaultyFs(new MemoryFs(), { seed: 6 });
  let db = await open(fs);
  for (const q of SCHEMA) await db.query(q);
  for (const q of VIEWS.slice(0, 5)) await db.query(q);
  await db.exec('CHECKPOINT');
  for (const q of VIEWS.slice(5)) await db.query(q);
  const before = await observe(db);
  crash(db, fs);
  db = await open(fs);
  assert.ok(db.database.recovery!.checkpointId > 0);
  assert.deepEqual(await observe(db), before);
  await db.exec('CHECKPOINT');
  await db.close();
  db = await open(fs);
  assert.deepEqual(await observe(db), before, 'and again after a checkpoint and a clean close');
  await db.close();
});
