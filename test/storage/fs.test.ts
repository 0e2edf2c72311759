import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { NodeFs } from '../../src/storage/fs_node.js';
import { FaultyFs, SimulatedCrash } from '../../src/storage/fs_faulty.js';
import { errnoError, joinPath, type StorageBackend } from '../../src/storage/fs.js';
import { ioError, sqlstateForErrno, withIo } from '../../src/storage/io_errors.js';
import { PgError } from '../../src/common/errors.js';
import { Prng } from '../../src/common/prng.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function readAllVia(fs: StorageBackend, p: string): string {
  const fd = fs.open(p, 'read');
  const buf = new Uint8Array(fs.size(fd));
  fs.read(fd, buf, 0, buf.length, 0);
  fs.close(fd);
  return dec(buf);
}

/** The same behavioural checks against every backend. */
function backendContract(fs: StorageBackend, root: string): void {
  const dir = joinPath(root, 'a', 'b');
  fs.mkdir(dir);
  fs.mkdir(dir); // idempotent
  assert.ok(fs.exists(dir));
  const f = joinPath(dir, 'x.dat');
  assert.throws(() => fs.open(f, 'write'), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  const fd = fs.open(f, 'create');
  fs.write(fd, enc('hello'), 0, 5, 0);
  fs.write(fd, enc('XXworld'), 2, 5, 7); // gap at 5..7 is zero-filled
  assert.equal(fs.size(fd), 12);
  const buf = new Uint8Array(20);
  assert.equal(fs.read(fd, buf, 0, 20, 0), 12);
  assert.deepEqual([...buf.subarray(5, 7)], [0, 0]);
  assert.equal(dec(buf.subarray(7, 12)), 'world');
  assert.equal(fs.read(fd, buf, 0, 4, 100), 0);
  fs.truncate(fd, 3);
  assert.equal(fs.size(fd), 3);
  fs.fsync(fd);
  fs.close(fd);
  assert.equal(fs.sizeOf(f), 3);
  fs.rename(f, joinPath(dir, 'y.dat'));
  fs.fsyncDir(dir);
  assert.deepEqual(fs.list(dir), ['y.dat']);
  assert.equal(readAllVia(fs, joinPath(dir, 'y.dat')), 'hel');
  // rename replaces an existing target atomically
  const z = fs.open(joinPath(dir, 'z.dat'), 'create');
  fs.write(z, enc('new'), 0, 3, 0);
  fs.close(z);
  fs.rename(joinPath(dir, 'z.dat'), joinPath(dir, 'y.dat'));
  assert.equal(readAllVia(fs, joinPath(dir, 'y.dat')), 'new');
  fs.unlink(joinPath(dir, 'y.dat'));
  assert.deepEqual(fs.list(dir), []);
  assert.throws(() => fs.unlink(joinPath(dir, 'y.dat')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  assert.throws(() => fs.list(joinPath(root, 'missing')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
}

test('memory backend follows the backend contract', () => {
  backendContract(new MemoryFs(), 'db');
});

test('node backend follows the backend contract', async () => {
  const root = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-fs-'));
  try {
    const fs = new NodeFs();
    backendContract(fs, root);
    const fd = fs.open(joinPath(root, 'p'), 'create');
    await fs.fsyncAsync(fd);
    fs.close(fd);
  } finally {
    nodeFs.rmSync(root, { recursive: true, force: true });
  }
});

test('crash keeps fsynced bytes and fsynced directory entries only', () => {
  const fs = new MemoryFs();
  fs.mkdir('d');
  fs.fsyncDir('.');
  const a = fs.open('d/a', 'create');
  fs.write(a, enc('durable'), 0, 7, 0);
  fs.fsync(a);
  fs.fsyncDir('d');
  fs.write(a, enc('+volatile'), 0, 9, 7);
  const b = fs.open('d/b', 'create'); // directory entry never synced
  fs.write(b, enc('lost'), 0, 4, 0);
  fs.fsync(b);
  fs.crash();
  assert.deepEqual(fs.list('d'), ['a']);
  assert.equal(readAllVia(fs, 'd/a'), 'durable');
  assert.throws(() => fs.size(a), (e: NodeJS.ErrnoException) => e.code === 'EBADF', 'descriptors die in a crash');
});

test('crash undoes an unsynced rename and an unsynced unlink', () => {
  const fs = new MemoryFs();
  for (const n of ['old', 'tmp']) {
    const fd = fs.open(n, 'create');
    fs.write(fd, enc(n), 0, n.length, 0);
    fs.fsync(fd);
    fs.close(fd);
  }
  fs.fsyncDir('.');
  fs.rename('tmp', 'old');
  fs.crash();
  assert.deepEqual(fs.list('.'), ['old', 'tmp']);
  assert.equal(readAllVia(fs, 'old'), 'old');
  fs.rename('tmp', 'old');
  fs.fsyncDir('.');
  fs.unlink('old');
  fs.crash();
  assert.equal(readAllVia(fs, 'old'), 'tmp');
});

test('a torn-tail crash keeps a prefix of the unsynced appended bytes, seeded', () => {
  const seed = 99;
  const kept = new Set<number>();
  for (let i = 0; i < 40; i++) {
    const fs = new MemoryFs();
    const fd = fs.open('f', 'create');
    fs.fsyncDir('.');
    fs.write(fd, enc('0123'), 0, 4, 0);
    fs.fsync(fd);
    fs.write(fd, enc('456789'), 0, 6, 4);
    fs.crash({ prng: new Prng(seed + i), tornTail: 1 });
    const s = readAllVia(fs, 'f');
    assert.ok('0123456789'.startsWith(s) && s.length >= 4, `seed ${seed + i}: ${s}`);
    kept.add(s.length);
  }
  assert.ok(kept.size > 3, 'different prefixes are kept for different seeds');
});

test('fsync cost is proportional to the bytes written since the last fsync', () => {
  // Correctness of the incremental durable image: overwrite inside the synced range, then crash.
  const fs = new MemoryFs();
  const fd = fs.open('f', 'create');
  fs.fsyncDir('.');
  fs.write(fd, enc('aaaaaaaa'), 0, 8, 0);
  fs.fsync(fd);
  fs.write(fd, enc('bb'), 0, 2, 3);
  fs.fsync(fd);
  fs.write(fd, enc('cc'), 0, 2, 0);
  fs.crash({ prng: new Prng(1), tornTail: 1 });
  assert.equal(readAllVia(fs, 'f'), 'aaabbaaa');
});

test('faulty backend injects ENOSPC with a written prefix, EIO on fsync, EACCES, EROFS', () => {
  const mem = new MemoryFs();
  const fs = new FaultyFs(mem);
  const fd = fs.open('f', 'create');
  fs.spaceLeftBytes = 3;
  assert.throws(() => fs.write(fd, enc('hello'), 0, 5, 0), (e: NodeJS.ErrnoException) => e.code === 'ENOSPC');
  assert.equal(mem.readAll('f').length, 3, 'a failed write may leave a prefix');
  fs.spaceLeftBytes = Infinity;
  fs.failNext('fsync', 'EIO');
  assert.throws(() => fs.fsync(fd), (e: NodeJS.ErrnoException) => e.code === 'EIO');
  fs.fsync(fd);
  fs.failNext('create', 'EACCES');
  assert.throws(() => fs.open('g', 'create'), (e: NodeJS.ErrnoException) => e.code === 'EACCES');
  fs.readOnly = true;
  assert.throws(() => fs.rename('f', 'h'), (e: NodeJS.ErrnoException) => e.code === 'EROFS');
  assert.equal(fs.read(fd, new Uint8Array(3), 0, 3, 0), 3, 'reads still work on a read-only file system');
  assert.deepEqual(fs.injected, { ENOSPC: 1, EIO: 1, EACCES: 1, EROFS: 1 });
});

test('faulty backend crash: every call throws until reboot, which applies the power loss', () => {
  const mem = new MemoryFs();
  const fs = new FaultyFs(mem, { seed: 5, crashAtOp: 4 });
  const fd = fs.open('f', 'create'); // op 1
  fs.fsyncDir('.'); // op 2
  fs.write(fd, enc('abc'), 0, 3, 0); // op 3
  assert.throws(() => fs.fsync(fd), SimulatedCrash); // op 4: crash before the fsync
  assert.throws(() => fs.list('.'), SimulatedCrash);
  assert.ok(fs.crashed);
  fs.setPlan({ seed: 5 });
  fs.reboot();
  assert.equal(mem.readAll('f').length, 0, 'the unsynced write is gone');
});

test('errno codes map to PostgreSQL SQLSTATEs and messages', () => {
  const cases: Array<[string, string, string]> = [
    ['ENOSPC', '53100', 'could not write to file "base/t.1": No space left on device'],
    ['EACCES', '42501', 'could not write to file "base/t.1": Permission denied'],
    ['EROFS', '42501', 'could not write to file "base/t.1": Read-only file system'],
    ['EPERM', '42501', 'could not write to file "base/t.1": Operation not permitted'],
    ['EIO', '58030', 'could not write to file "base/t.1": Input/output error'],
    ['ENOENT', '58P01', 'could not write to file "base/t.1": No such file or directory'],
    ['EEXIST', '58P02', 'could not write to file "base/t.1": File exists'],
    ['EISDIR', '42809', 'could not write to file "base/t.1": Is a directory'],
    ['EMFILE', '53000', 'could not write to file "base/t.1": Too many open files'],
    ['EDQUOT', 'XX000', 'could not write to file "base/t.1": Disk quota exceeded'],
  ];
  for (const [code, state, message] of cases) {
    const e = ioError(errnoError(code, 'write'), 'write', 'base/t.1');
    assert.ok(e instanceof PgError);
    assert.equal(e.code, state, code);
    assert.equal(e.message, message);
    assert.equal(sqlstateForErrno(code), state);
  }
  assert.equal(
    ioError(errnoError('EIO', 'fsync'), 'fsync', 'wal/0000000000000000.wal').message,
    'could not fsync file "wal/0000000000000000.wal": Input/output error',
  );
  assert.equal(
    ioError(errnoError('EACCES', 'rename'), 'rename', 'a.tmp', 'a').message,
    'could not rename file "a.tmp" to "a": Permission denied',
  );
  assert.equal(ioError(errnoError('ENOSPC', 'mkdir'), 'mkdir', 'd').message, 'could not create directory "d": No space left on device');
  // Non-errno errors pass through withIo untouched.
  const crash = new SimulatedCrash('write');
  assert.throws(() => withIo('write', 'f', () => { throw crash; }), (e: unknown) => e === crash);
});

test('real OS errors map the same way (ENOENT, EACCES, ENOTDIR)', (t) => {
  const root = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-err-'));
  const fs = new NodeFs();
  try {
    const missing = joinPath(root, 'nope', 'f');
    assert.throws(() => withIo('open', missing, () => fs.open(missing, 'create')), (e: unknown) =>
      e instanceof PgError && e.code === '58P01' && e.message === `could not open file "${missing}": No such file or directory`);
    const file = joinPath(root, 'plain');
    nodeFs.writeFileSync(file, 'x');
    assert.throws(() => withIo('mkdir', joinPath(file, 'sub'), () => fs.mkdir(joinPath(file, 'sub'))), (e: unknown) =>
      e instanceof PgError && e.code === '42809' && /Not a directory$/.test(e.message));
    if (process.getuid?.() === 0) {
      t.diagnostic('running as root: permission checks do not apply, EACCES case skipped');
      return;
    }
    const ro = joinPath(root, 'ro');
    nodeFs.mkdirSync(ro, { mode: 0o500 });
    const target = joinPath(ro, 'f');
    assert.throws(() => withIo('create', target, () => fs.open(target, 'create')), (e: unknown) =>
      e instanceof PgError && e.code === '42501' && e.message === `could not create file "${target}": Permission denied`);
  } finally {
    nodeFs.chmodSync(root, 0o700);
    nodeFs.rmSync(root, { recursive: true, force: true });
  }
});
