/**
 * Opening a data directory never destroys data: a missing or damaged control file, a damaged
 * checkpoint file or an I/O error during recovery is refused with an error that names the file
 * and says what to do, and every file is left byte for byte as it was (snapshots before and
 * after), on the in-memory, fault-injecting and real file systems. Restoring the file then
 * opens the database with all its rows. Also: a crash at any step of a successful open loses
 * nothing, and transactions rolled back by recovery stay rolled back in later recoveries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Vecgres } from '../../src/index.js';
import { PgError } from '../../src/common/errors.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs, SimulatedCrash } from '../../src/storage/fs_faulty.js';
import { errnoError, type Fd, type StorageBackend } from '../../src/storage/fs.js';

const ROWS = 'SELECT id, e::text AS e FROM t ORDER BY id';
const EXPECTED = [
  { id: 1, e: '[1,1]' },
  { id: 2, e: '[2,2]' },
  { id: 3, e: '[3,3]' },
];

/** Every file under `dir` with its bytes (hex), and every directory, sorted: a directory's state. */
function snapshot(fs: StorageBackend, dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of fs.list(d)) {
      const p = `${d}/${name}`;
      let isDir = true;
      try {
        fs.list(p);
      } catch {
        isDir = false;
      }
      if (isDir) {
        out.set(`${p}/`, '');
        walk(p);
        continue;
      }
      const fd = fs.open(p, 'read');
      const buf = new Uint8Array(fs.size(fd));
      fs.read(fd, buf, 0, buf.length, 0);
      fs.close(fd);
      out.set(p, Buffer.from(buf).toString('hex'));
    }
  };
  walk(dir);
  return out;
}

function overwrite(mem: MemoryFs, p: string, bytes: Uint8Array): void {
  const fd = mem.open(p, 'create');
  mem.truncate(fd, 0);
  mem.write(fd, bytes, 0, bytes.length, 0);
  mem.fsync(fd);
  mem.close(fd);
}

function open(fs: StorageBackend): Promise<Vecgres> {
  return Vecgres.create('db', { storage: fs, walSegmentBytes: 1024 });
}

/**
 * A database with a checkpoint (rows 1-2, an index), rows after it in the log (3), a leftover
 * temporary file of an interrupted checkpoint and an uncommitted transaction at the crash.
 */
async function makeDatabase(mem: MemoryFs): Promise<void> {
  const db = await open(mem);
  await db.exec("CREATE TABLE t (id int PRIMARY KEY, e vector(2)); CREATE INDEX ON t USING hnsw (e vector_l2_ops); INSERT INTO t VALUES (1, '[1,1]'), (2, '[2,2]')");
  await db.exec('CHECKPOINT');
  await db.query("INSERT INTO t VALUES (3, '[3,3]')");
  const s = db.database.openSession();
  db.database.execute("BEGIN; INSERT INTO t VALUES (4, '[4,4]'); DELETE FROM t WHERE id = 1", [], s);
  await db.query("UPDATE t SET e = '[3,3]' WHERE id = 3"); // its commit flushes the log, with s's records
  db.database.abandon();
  const fd = mem.open('db/base/t1.2.tmp', 'create');
  mem.write(fd, new Uint8Array([1, 2, 3]), 0, 3, 0);
  mem.fsync(fd);
  mem.close(fd);
}

async function assertRefused(fs: StorageBackend, mem: MemoryFs, check: (e: PgError) => void): Promise<void> {
  const before = snapshot(mem, 'db');
  await assert.rejects(open(fs), (e: unknown) => {
    assert.ok(e instanceof PgError, String(e));
    check(e);
    return true;
  });
  assert.deepEqual(snapshot(mem, 'db'), before, 'a failed open changed the data directory');
}

test('a missing control file is refused naming it, and nothing is deleted; restoring it opens every row', async () => {
  const mem = new MemoryFs();
  await makeDatabase(mem);
  const control = mem.readAll('db/vecgres.control');
  mem.unlink('db/vecgres.control');
  const fs = new FaultyFs(mem, { seed: 1 });
  await assertRefused(fs, mem, (e) => {
    assert.equal(e.code, '58P01');
    assert.equal(e.message, 'could not open file "db/vecgres.control": No such file or directory');
    assert.match(e.detail!, /^The data directory holds base\/i1\.1, base\/t1\.1, wal\/[0-9A-F]{16}\.wal.* but no control file, so it is not a new database\.$/);
    assert.equal(e.hint, 'Restore "vecgres.control" from a copy of data directory "db"; nothing has been changed. To create a new database, use an empty directory.');
  });
  assert.equal(fs.opCount, 0, 'the refused open made no change at all');
  // The same again: a second attempt must not find less than the first.
  await assertRefused(fs, mem, (e) => assert.equal(e.code, '58P01'));
  overwrite(mem, 'db/vecgres.control', control);
  const db = await open(fs);
  assert.deepEqual((await db.query(ROWS)).rows, EXPECTED);
  assert.equal(db.database.recovery!.rolledBack, 1);
  assert.ok(!mem.list('db/base').includes('t1.2.tmp'), 'leftovers are swept once the open succeeded');
  await db.close();
});

test('checkpoint files without a control file or log are refused, never a new empty database', async () => {
  const mem = new MemoryFs();
  await makeDatabase(mem);
  mem.unlink('db/vecgres.control');
  for (const s of mem.list('db/wal')) mem.unlink(`db/wal/${s}`);
  await assertRefused(mem, mem, (e) => {
    assert.equal(e.code, '58P01');
    assert.equal(e.detail, 'The data directory holds base/i1.1, base/t1.1 but no control file, so it is not a new database.');
  });
  // Only the log left (a database whose checkpoint files were removed): refused too.
  const mem2 = new MemoryFs();
  await makeDatabase(mem2);
  mem2.unlink('db/vecgres.control');
  for (const s of mem2.list('db/base')) mem2.unlink(`db/base/${s}`);
  await assertRefused(mem2, mem2, (e) => assert.match(e.detail!, /^The data directory holds wal\/[0-9A-F]{16}\.wal/));
});

test('a new database writes its control file first: a crash right after creating it reopens empty, not refused', async () => {
  const mem = new MemoryFs();
  const fs = new FaultyFs(mem, { seed: 1 });
  let db = await open(fs);
  assert.deepEqual(mem.list('db').sort(), ['base', 'vecgres.control', 'wal']);
  await db.exec("CREATE TABLE t (id int PRIMARY KEY, e vector(2)); INSERT INTO t VALUES (1, '[1,1]')");
  db.database.abandon();
  fs.powerCut();
  db = await open(fs);
  assert.equal(db.database.recovery!.checkpointId, 0);
  assert.deepEqual((await db.query(ROWS)).rows, [{ id: 1, e: '[1,1]' }]);
  await db.close();
});

test('a damaged control file is XX001 naming it with a hint; nothing is deleted; restoring it opens', async () => {
  const mem = new MemoryFs();
  await makeDatabase(mem);
  const control = mem.readAll('db/vecgres.control');
  const bad = control.slice();
  bad[bad.length - 2]! ^= 0x10;
  overwrite(mem, 'db/vecgres.control', bad);
  await assertRefused(mem, mem, (e) => {
    assert.equal(e.code, 'XX001');
    assert.equal(e.message, 'invalid checkpoint file "db/vecgres.control": incorrect payload checksum');
    assert.equal(e.hint, 'Restore "vecgres.control" from a copy of data directory "db"; nothing has been changed. The database cannot be opened without it.');
  });
  overwrite(mem, 'db/vecgres.control', control.subarray(0, 20));
  await assertRefused(mem, mem, (e) => assert.match(e.message, /^invalid checkpoint file "db\/vecgres\.control": file is too short/));
  overwrite(mem, 'db/vecgres.control', control);
  const db = await open(mem);
  assert.deepEqual((await db.query(ROWS)).rows, EXPECTED);
  await db.close();
});

test('a damaged table file or a missing log segment is refused and leaves leftovers and the torn log tail as they were', async () => {
  const mem = new MemoryFs();
  await makeDatabase(mem);
  // A torn record at the end of the log: a successful open would cut it off.
  const segs = mem.list('db/wal');
  const last = `db/wal/${segs.at(-1)!}`;
  const fd = mem.open(last, 'write');
  const tail = new Uint8Array(40);
  new DataView(tail.buffer).setUint32(0, 400, true);
  mem.write(fd, tail, 0, tail.length, mem.size(fd));
  mem.fsync(fd);
  mem.close(fd);
  const table = mem.readAll('db/base/t1.1');
  const bad = table.slice();
  bad[bad.length - 1]! ^= 1;
  overwrite(mem, 'db/base/t1.1', bad);
  await assertRefused(mem, mem, (e) => {
    assert.equal(e.code, 'XX001');
    assert.equal(e.message, 'invalid checkpoint file "db/base/t1.1": incorrect payload checksum');
  });
  overwrite(mem, 'db/base/t1.1', table);
  // The segment holding the checkpoint's redo point is gone.
  const first = mem.readAll(`db/wal/${segs[0]!}`);
  mem.unlink(`db/wal/${segs[0]!}`);
  await assertRefused(mem, mem, (e) => {
    assert.equal(e.code, 'XX001');
    assert.match(e.message, /^could not find the write-ahead log segment containing 0\/[0-9A-F]+$/);
    assert.match(e.hint!, /Restore the missing segment files/);
  });
  const f2 = mem.open(`db/wal/${segs[0]!}`, 'create');
  mem.write(f2, first, 0, first.length, 0);
  mem.fsync(f2);
  mem.close(f2);
  const db = await open(mem);
  assert.deepEqual((await db.query(ROWS)).rows, EXPECTED);
  assert.equal(db.notices.length, 1, 'the torn tail is reported');
  await db.close();
});

/** A backend whose n-th read or open fails with EIO (a failing disk during recovery). */
class FailingReads implements StorageBackend {
  reads = 0;
  constructor(private readonly inner: MemoryFs, public failAt: number) {}
  private tick(): void {
    if (++this.reads === this.failAt) throw errnoError('EIO', 'read');
  }
  open(p: string, mode: 'read' | 'write' | 'create'): Fd {
    this.tick();
    return this.inner.open(p, mode);
  }
  read(fd: Fd, buf: Uint8Array, off: number, len: number, position: number): number {
    this.tick();
    return this.inner.read(fd, buf, off, len, position);
  }
  close(fd: Fd): void { this.inner.close(fd); }
  write(fd: Fd, buf: Uint8Array, off: number, len: number, position: number): void { this.inner.write(fd, buf, off, len, position); }
  size(fd: Fd): number { return this.inner.size(fd); }
  truncate(fd: Fd, len: number): void { this.inner.truncate(fd, len); }
  fsync(fd: Fd): void { this.inner.fsync(fd); }
  fsyncAsync(fd: Fd): Promise<void> { return this.inner.fsyncAsync(fd); }
  fsyncDir(p: string): void { this.inner.fsyncDir(p); }
  rename(a: string, b: string): void { this.inner.rename(a, b); }
  unlink(p: string): void { this.inner.unlink(p); }
  list(p: string): string[] { return this.inner.list(p); }
  mkdir(p: string): void { this.inner.mkdir(p); }
  exists(p: string): boolean { return this.inner.exists(p); }
  sizeOf(p: string): number { return this.inner.sizeOf(p); }
}

test('an I/O error at any read of recovery fails the open and changes no file', async () => {
  const mem = new MemoryFs();
  await makeDatabase(mem);
  const before = snapshot(mem, 'db');
  let failures = 0;
  for (let n = 1; ; n++) {
    const fs = new FailingReads(mem, n);
    let db: Vecgres;
    try {
      db = await open(fs);
    } catch (e) {
      assert.ok(e instanceof PgError && e.code === '58030', `read ${n}: ${String(e)}`);
      assert.match(e.message, /^could not (open|read) file "db\/.+": Input\/output error$/);
      assert.deepEqual(snapshot(mem, 'db'), before, `read ${n}: the failed open changed the directory`);
      failures++;
      continue;
    }
    fs.failAt = Infinity;
    assert.deepEqual((await db.query(ROWS)).rows, EXPECTED);
    await db.close();
    break;
  }
  assert.ok(failures >= 5, `only ${failures} reads before the open succeeded`);
});

test('a crash at any step of an open that cleans up (leftovers, torn tail, rolled-back transaction) loses nothing', async () => {
  const base = new MemoryFs();
  await makeDatabase(base);
  const image = snapshot(base, 'db');
  let steps = 0;
  for (let crashAt = 1; ; crashAt++) {
    const mem = new MemoryFs();
    for (const [p, hex] of image) {
      if (p.endsWith('/')) {
        mem.mkdir(p.slice(0, -1));
        continue;
      }
      const fd = mem.open(p, 'create');
      const b = Buffer.from(hex, 'hex');
      mem.write(fd, b, 0, b.length, 0);
      mem.fsync(fd);
      mem.close(fd);
    }
    for (const d of ['db', 'db/base', 'db/wal', '']) mem.fsyncDir(d);
    const fs = new FaultyFs(mem, { seed: crashAt, crashAtOp: crashAt, crash: { tornTail: 1, scribble: 0.3 } });
    let finished = false;
    try {
      const db = await open(fs);
      finished = true;
      db.database.abandon();
    } catch (e) {
      assert.ok(e instanceof SimulatedCrash, `crash at op ${crashAt}: ${String(e)}`);
    }
    fs.reboot();
    const db = await open(mem);
    assert.deepEqual((await db.query(ROWS)).rows, EXPECTED, `crash at op ${crashAt}`);
    await db.close();
    steps++;
    if (finished) break;
  }
  assert.ok(steps > 3, `the open made only ${steps - 1} changes`);
});

test('a transaction rolled back by recovery stays rolled back: a later change of its rows survives the next recovery', async () => {
  const mem = new MemoryFs();
  await makeDatabase(mem); // transaction s deleted row 1 and inserted row 4, uncommitted, in the log
  let db = await open(mem);
  assert.equal(db.database.recovery!.rolledBack, 1);
  await db.query('DELETE FROM t WHERE id = 1');
  await db.query("INSERT INTO t VALUES (4, '[5,5]')");
  db.database.abandon();
  db = await open(mem);
  assert.deepEqual((await db.query(ROWS)).rows, [...EXPECTED.slice(1), { id: 4, e: '[5,5]' }]);
  await db.close();
});

test('a real data directory: a missing or damaged control file, also without the log, is refused and every file stays as it was', async () => {
  const dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-open-'));
  const walk = (d: string, out = new Map<string, string>()): Map<string, string> => {
    for (const e of nodeFs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, out.set(`${p}/`, ''));
      else out.set(p, nodeFs.readFileSync(p).toString('hex'));
    }
    return out;
  };
  const controlPath = path.join(dir, 'vecgres.control');
  const walPath = path.join(dir, 'wal');
  try {
    let db = await Vecgres.create(dir);
    await db.exec("CREATE TABLE t (id int PRIMARY KEY, e vector(2)); INSERT INTO t VALUES (1, '[1,1]'), (2, '[2,2]')");
    await db.exec('CHECKPOINT');
    await db.query("INSERT INTO t VALUES (3, '[3,3]')");
    db.database.abandon(); // row 3 lives only in the log
    const control = nodeFs.readFileSync(controlPath);
    const damages: [string, () => void, (e: PgError) => boolean][] = [
      ['control file removed', () => nodeFs.unlinkSync(controlPath),
        (e) => e.code === '58P01' && e.message === `could not open file "${dir}/vecgres.control": No such file or directory`],
      ['control file and log removed', () => {
        nodeFs.unlinkSync(controlPath);
        nodeFs.renameSync(walPath, `${walPath}.saved`);
      }, (e) => e.code === '58P01' && /^The data directory holds base\/t1\.1 but no control file/.test(e.detail!)],
      ['control file damaged', () => {
        const bad = Buffer.from(control);
        bad[bad.length - 1]! ^= 0xff;
        nodeFs.writeFileSync(controlPath, bad);
      }, (e) => e.code === 'XX001' && e.message === `invalid checkpoint file "${dir}/vecgres.control": incorrect payload checksum`],
    ];
    for (const [what, damage, expected] of damages) {
      damage();
      const before = walk(dir);
      await assert.rejects(Vecgres.create(dir), (e: PgError) => {
        assert.ok(expected(e), `${what}: ${e.code} ${e.message} ${e.detail ?? ''}`);
        return true;
      });
      assert.deepEqual(walk(dir), before, `${what}: the failed open changed the directory`);
      nodeFs.writeFileSync(controlPath, control);
      if (nodeFs.existsSync(`${walPath}.saved`)) nodeFs.renameSync(`${walPath}.saved`, walPath);
    }
    db = await Vecgres.create(dir);
    assert.deepEqual((await db.query(ROWS)).rows, EXPECTED);
    await db.close();
  } finally {
    nodeFs.rmSync(dir, { recursive: true, force: true });
  }
});
