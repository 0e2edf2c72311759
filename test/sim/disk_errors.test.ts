/**
 * Disk errors at the edges of the toy database: they surface as PostgreSQL errors with
 * PostgreSQL's wording and leave the database consistent (and, once the cause is gone, usable).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { NodeFs } from '../../src/storage/fs_node.js';
import { replayStopWarning, segmentName } from '../../src/storage/wal.js';
import { PgError } from '../../src/common/errors.js';
import { ToyDb } from './toy_db.js';

const pgErr = (code: string, message: string) => (e: unknown) => e instanceof PgError && e.code === code && e.message === message;

test('a full disk during a checkpoint is 53100; commits continue and nothing is lost', async () => {
  const fs = new FaultyFs(new MemoryFs());
  const db = ToyDb.open(fs, 'db');
  for (let i = 0; i < 50; i++) await db.wal.flushAsync(db.write([[`k${i}`, i]])!);
  fs.spaceLeftBytes = 200;
  assert.throws(() => db.checkpoint(), pgErr('53100', 'could not write to file "db/base/kv.1.tmp": No space left on device'));
  assert.deepEqual(fs.inner.list('db/base'), [], 'the half-written checkpoint file is gone');
  fs.spaceLeftBytes = Infinity;
  await db.wal.flushAsync(db.write([['after', 1]])!);
  db.checkpoint();
  await db.wal.flushAsync(db.write([['later', 2]])!);
  fs.reboot();
  const again = ToyDb.open(fs, 'db');
  assert.equal(again.map.size, 52);
  assert.equal(again.map.get('k49'), 49);
  assert.equal(again.map.get('later'), 2);
});

test('a full disk at commit is 53100 for the committer; after restart the database is consistent', async () => {
  const fs = new FaultyFs(new MemoryFs());
  const db = ToyDb.open(fs, 'db');
  await db.wal.flushAsync(db.write([['a', 1]])!);
  fs.spaceLeftBytes = 30;
  const end = db.write([['b', 2], ['c', 3]])!;
  await assert.rejects(db.wal.flushAsync(end), pgErr('53100', `could not write to file "db/wal/${segmentName(0)}": No space left on device`));
  assert.throws(() => db.write([['d', 4]]), (e: unknown) => e instanceof PgError && e.code === '53100', 'the log stays failed');
  fs.spaceLeftBytes = Infinity;
  const again = ToyDb.open(fs, 'db'); // restart without power loss: the partial record is cut
  assert.deepEqual([...again.map], [['a', 1]]);
  assert.equal(again.stop?.kind, 'torn');
  const w = replayStopWarning(again.stop!);
  assert.equal(w.severity, 'WARNING');
  assert.equal(w.code, '01000');
  await again.wal.flushAsync(again.write([['e', 5]])!);
  assert.deepEqual([...ToyDb.open(fs, 'db').map], [['a', 1], ['e', 5]]);
});

test('a read-only data directory is 42501 at open, naming the file', () => {
  const fs = new FaultyFs(new MemoryFs());
  const db = ToyDb.open(fs, 'db');
  db.write([['a', 1]]);
  db.checkpoint();
  fs.readOnly = true;
  assert.throws(() => ToyDb.open(fs, 'db'), pgErr('42501', `could not open file "db/wal/${segmentName(0)}": Read-only file system`));
});

test('permission denied creating the next log segment is 42501 and fails the log', () => {
  const fs = new FaultyFs(new MemoryFs());
  const db = ToyDb.open(fs, 'db', { segmentBytes: 128 });
  fs.failNext('create', 'EACCES');
  assert.throws(() => {
    for (let i = 0; i < 20; i++) db.write([[`key${i}`, i]]);
  }, (e: unknown) => e instanceof PgError && e.code === '42501' && /^could not create file "db\/wal\/[0-9A-F]{16}\.wal": Permission denied$/.test(e.message));
  assert.equal(db.wal.failed?.code, '42501');
});

test('the toy database round-trips on the real file system', async () => {
  const root = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-toy-'));
  try {
    const fs = new NodeFs();
    const dir = path.join(root, 'db');
    const db = ToyDb.open(fs, dir, { segmentBytes: 512 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => db.wal.flushAsync(db.write([[`k${i}`, i * 1.5]])!)));
    db.checkpoint();
    for (let i = 30; i < 60; i++) await db.wal.flushAsync(db.write([[`k${i}`, i * 1.5]], i % 7 === 0)!);
    db.wal.close();
    const again = ToyDb.open(fs, dir, { segmentBytes: 512 });
    assert.equal(again.map.size, 60 - 4);
    assert.equal(again.map.get('k59'), 88.5);
    assert.equal(again.stop, null);
    assert.deepEqual(nodeFs.readdirSync(path.join(dir, 'base')), ['kv.1']);
    again.wal.close();
  } finally {
    nodeFs.rmSync(root, { recursive: true, force: true });
  }
});
