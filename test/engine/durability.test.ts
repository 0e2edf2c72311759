/**
 * Durable storage of the engine, on the in-memory backend (and once on the real file system):
 * checkpoints and replay, transactions in flight at a checkpoint, a torn log tail (WARNING),
 * damaged checkpoint files (XX001 naming the file), index files read back instead of rebuilt,
 * disk errors as PostgreSQL errors that leave the database consistent, the directory lock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import type { PgError } from '../../src/common/errors.js';
import { powerLoss } from '../support/power_loss.js';

const ROWS = 'SELECT id, e::text AS e FROM t ORDER BY id';

async function open(fs: FaultyFs, notices: PgError[] = []): Promise<Vecgres> {
  return Vecgres.create('db', { storage: fs, walSegmentBytes: 4096, onNotice: (n) => notices.push(n) });
}

const crash = powerLoss;

test('replay after a crash: committed work survives, in-flight and rolled-back work does not, across a checkpoint', async () => {
  const fs = new FaultyFs(new MemoryFs(), { seed: 1 });
  let db = await open(fs);
  await db.exec("CREATE TABLE t (id bigserial PRIMARY KEY, e vector(2), note text); CREATE INDEX ti ON t USING hnsw (e vector_l2_ops)");
  await db.query("INSERT INTO t (e, note) VALUES ('[1,1]', 'a'), ('[2,2]', 'b'), ('[3,3]', 'c')");
  // Session B has a transaction open across the checkpoint; it never commits.
  const b = db.database.openSession();
  db.database.execute("BEGIN; INSERT INTO t (e) VALUES ('[9,9]'); UPDATE t SET e = '[7,7]' WHERE id = 1; DELETE FROM t WHERE id = 2", [], b);
  await db.exec('CHECKPOINT');
  await db.query("UPDATE t SET e = '[0,0]' WHERE id = 3");
  await db.exec("BEGIN; INSERT INTO t (e) VALUES ('[5,5]'); ROLLBACK");
  await db.query("INSERT INTO t (e, note) VALUES ('[4,4]', 'd')");
  const expected = [{ id: 1, e: '[1,1]' }, { id: 2, e: '[2,2]' }, { id: 3, e: '[0,0]' }, { id: 6, e: '[4,4]' }];
  assert.deepEqual((await db.query(ROWS)).rows, expected);
  crash(db, fs);
  db = await open(fs);
  const r = db.database.recovery!;
  assert.equal(r.checkpointId, 1);
  assert.equal(r.indexesLoaded, 1, 'the index is read from its checkpoint file');
  assert.equal(r.rolledBack, 1, 'the transaction without a commit record is rolled back');
  assert.deepEqual((await db.query(ROWS)).rows, expected);
  await db.exec('SET enable_seqscan = off');
  assert.deepEqual((await db.query("SELECT id FROM t ORDER BY e <-> '[0,0]' LIMIT 2")).rows, [{ id: 3 }, { id: 1 }]);
  // Sequences never hand out a value twice, even after a crash.
  const { rows } = await db.query<{ id: number }>("INSERT INTO t (e) VALUES ('[8,8]') RETURNING id");
  assert.ok(rows[0]!.id > 6);
  await db.close();
  db = await open(fs);
  assert.equal(db.database.recovery!.records, 0, 'a clean close leaves nothing to replay');
  assert.equal((await db.query('SELECT count(*) FROM t')).rows[0]!['count'], 5);
  await db.close();
});

test('a torn record at the end of the log is discarded with a WARNING', async () => {
  const mem = new MemoryFs();
  const fs = new FaultyFs(mem, { seed: 2 });
  let db = await open(fs);
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, e vector(2))');
  await db.query("INSERT INTO t VALUES (1, '[1,1]')");
  db.database.abandon();
  // The start of a record that never finished: a header promising 400 bytes, then nothing.
  const seg = `db/wal/${mem.list('db/wal').at(-1)!}`;
  const fd = mem.open(seg, 'write');
  const tail = new Uint8Array(40);
  new DataView(tail.buffer).setUint32(0, 400, true);
  mem.write(fd, tail, 0, tail.length, mem.size(fd));
  mem.fsync(fd);
  mem.close(fd);
  const notices: PgError[] = [];
  db = await open(fs, notices);
  assert.deepEqual((await db.query(ROWS)).rows, [{ id: 1, e: '[1,1]' }]);
  assert.equal(notices.length, 1);
  assert.equal(notices[0]!.severity, 'WARNING');
  assert.match(notices[0]!.message, /^record at 0\/[0-9A-F]+ is incomplete: expected 400 bytes, found 40$/);
  assert.deepEqual(db.notices, notices);
  // The log was cut at the torn record: new commits go after it and survive the next open.
  await db.query("INSERT INTO t VALUES (2, '[2,2]')");
  db.database.abandon();
  db = await open(fs);
  assert.equal(db.notices.length, 0);
  assert.equal((await db.query(ROWS)).rows.length, 2);
  await db.close();
});

test('a damaged checkpoint file is an error naming it, never an empty table', async () => {
  const mem = new MemoryFs();
  const fs = new FaultyFs(mem, { seed: 3 });
  let db = await open(fs);
  await db.exec("CREATE TABLE t (id int PRIMARY KEY, e vector(2)); INSERT INTO t VALUES (1, '[1,1]')");
  await db.close();
  const file = mem.list('db/base').find((n) => n.startsWith('t1.'))!;
  const p = `db/base/${file}`;
  const bytes = mem.readAll(p);
  bytes[bytes.length - 3]! ^= 0x40;
  const fd = mem.open(p, 'write');
  mem.write(fd, bytes, 0, bytes.length, 0);
  mem.fsync(fd);
  mem.close(fd);
  await assert.rejects(open(fs), (e: PgError) => e.code === 'XX001' && e.message.includes(file) && /checksum/.test(e.message));
  void db;
});

test('disk errors are PostgreSQL errors and leave the database consistent', async () => {
  const fs = new FaultyFs(new MemoryFs(), { seed: 4 });
  let db = await open(fs);
  await db.exec("CREATE TABLE t (id int PRIMARY KEY, e vector(2)); INSERT INTO t VALUES (1, '[1,1]')");
  // Full disk during a checkpoint: the statement fails, commits continue.
  fs.spaceLeftBytes = 0;
  await assert.rejects(db.exec('CHECKPOINT'), { code: '53100' });
  fs.spaceLeftBytes = Infinity;
  await db.query("INSERT INTO t VALUES (2, '[2,2]')");
  // A failed fsync at commit: the committer gets 58030 and is not acknowledged.
  fs.failNext('fsync', 'EIO');
  await assert.rejects(db.query("INSERT INTO t VALUES (3, '[3,3]')"), { code: '58030' });
  await assert.rejects(db.query("INSERT INTO t VALUES (4, '[4,4]')"), { code: '58030' }); // the log stays failed
  crash(db, fs);
  db = await open(fs);
  const ids = (await db.query<{ id: number }>('SELECT id FROM t ORDER BY id')).rows.map((r) => r.id);
  assert.deepEqual(ids.slice(0, 2), [1, 2]);
  assert.ok(!ids.includes(4));
  // A read-only file system: opening fails with 42501 naming the file.
  await db.close();
  fs.readOnly = true;
  await assert.rejects(open(fs), (e: PgError) => e.code === '42501' && /db\//.test(e.message));
});

test('a real data directory: lock, reopen reads the index file back', async () => {
  const dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-dur-'));
  try {
    let db = await Vecgres.create(dir);
    await assert.rejects(Vecgres.create(dir), { code: '55006', message: 'lock file "vecgres.pid" already exists' });
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, e vector(3)); CREATE INDEX ON t USING hnsw (e vector_cosine_ops)');
    await db.transaction(async (tx) => {
      for (let i = 1; i <= 200; i++) await tx.query('INSERT INTO t VALUES ($1, $2)', [i, [i, 200 - i, 1]]);
    });
    await db.close();
    assert.deepEqual(nodeFs.readdirSync(dir).sort(), ['base', 'vecgres.control', 'wal']);
    db = await Vecgres.create(dir);
    assert.equal(db.database.recovery!.indexesLoaded, 1);
    assert.equal(db.database.recovery!.indexesRebuilt, 0);
    await db.exec('SET enable_seqscan = off');
    assert.deepEqual((await db.query("SELECT id FROM t ORDER BY e <=> '[1,199,1]' LIMIT 1")).rows, [{ id: 1 }]);
    await db.close();
  } finally {
    nodeFs.rmSync(dir, { recursive: true, force: true });
  }
});
