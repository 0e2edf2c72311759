/**
 * The data directory lock decides staleness as PostgreSQL's CreateLockFile: a lock naming no
 * live process, our own PID (a container whose database runs as PID 1 every time) or our
 * parent's is taken over; a lock held by another live process is 55006 naming its PID; a
 * second open of the same directory in the same process is 55006 too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Vecgres } from '../../src/index.js';
import { DirLock, LOCK_FILE_NAME, lockPidIsStale, processStartTime } from '../../src/storage/dir_lock.js';
import type { PgError } from '../../src/common/errors.js';

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-lock-'));
  return fn(dir).finally(() => nodeFs.rmSync(dir, { recursive: true, force: true }));
}

function writeLock(dir: string, pid: number, startTime = ''): void {
  nodeFs.writeFileSync(path.join(dir, LOCK_FILE_NAME), `${pid}\n${dir}\n${startTime}\n`);
}

function lockPid(dir: string): number {
  return parseInt(nodeFs.readFileSync(path.join(dir, LOCK_FILE_NAME), 'utf8'), 10);
}

/** A live process that is not us nor our parent, and a way to end it. */
async function otherProcess(): Promise<{ pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  return {
    pid: child.pid!,
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    }),
  };
}

test('a lock naming our own PID or our parent\'s is stale and taken over (a container restarting as PID 1)', async () => {
  for (const pid of [process.pid, process.ppid]) {
    await withDir(async (dir) => {
      let db = await Vecgres.create(dir);
      await db.exec("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");
      db.database.abandon(); // killed: the lock file stays behind
      writeLock(dir, pid);
      db = await Vecgres.create(dir);
      assert.equal(lockPid(dir), process.pid);
      assert.deepEqual((await db.query('SELECT id FROM t')).rows, [{ id: 1 }]);
      await db.close();
      assert.ok(!nodeFs.existsSync(path.join(dir, LOCK_FILE_NAME)));
    });
  }
});

test('a lock of a process that has exited is taken over; one of a live process is 55006 naming it', async () => {
  await withDir(async (dir) => {
    const other = await otherProcess();
    try {
      writeLock(dir, other.pid);
      assert.equal(lockPidIsStale(other.pid), false);
      await assert.rejects(Vecgres.create(dir), (e: PgError) => {
        assert.equal(e.code, '55006');
        assert.equal(e.message, 'lock file "vecgres.pid" already exists');
        assert.equal(e.hint, `Is another vecgres process (PID ${other.pid}) running in data directory "${dir}"?`);
        return true;
      });
      assert.equal(lockPid(dir), other.pid, 'a live owner\'s lock is left alone');
    } finally {
      await other.stop();
    }
    assert.equal(lockPidIsStale(other.pid), true);
    const db = await Vecgres.create(dir);
    assert.equal(lockPid(dir), process.pid);
    await db.close();
  });
});

test('the same directory twice in one process is refused, also spelled differently; after close it opens again', async () => {
  await withDir(async (dir) => {
    const db = await Vecgres.create(dir);
    await assert.rejects(Vecgres.create(dir), { code: '55006' });
    await assert.rejects(Vecgres.create(`${dir}/../${path.basename(dir)}`), (e: PgError) =>
      e.code === '55006' && e.hint === `Is another vecgres database of this process (PID ${process.pid}) open in data directory "${dir}/../${path.basename(dir)}"?`);
    assert.throws(() => DirLock.acquire(dir), { code: '55006' });
    await db.close();
    const again = await Vecgres.create(dir);
    await again.close();
  });
});

test('an empty or garbled lock file (a crash while it was written) is taken over', async () => {
  await withDir(async (dir) => {
    nodeFs.writeFileSync(path.join(dir, LOCK_FILE_NAME), '');
    let db = await Vecgres.create(dir);
    await db.close();
    nodeFs.writeFileSync(path.join(dir, LOCK_FILE_NAME), 'garbage\n');
    db = await Vecgres.create(dir);
    assert.equal(lockPid(dir), process.pid);
    await db.close();
  });
});

test('a live process whose start time differs from the lock\'s (a PID reused after a reboot) is not the owner', async () => {
  await withDir(async (dir) => {
    const other = await otherProcess();
    try {
      const started = processStartTime(other.pid);
      if (started === null) {
        // No /proc: only liveness can be checked, so the live PID keeps the lock.
        writeLock(dir, other.pid, '12345');
        await assert.rejects(Vecgres.create(dir), { code: '55006' });
        return;
      }
      assert.match(started, /^\d+$/);
      writeLock(dir, other.pid, started);
      await assert.rejects(Vecgres.create(dir), { code: '55006' }, 'the real owner keeps its lock');
      writeLock(dir, other.pid, String(BigInt(started) + 1n));
      const db = await Vecgres.create(dir);
      assert.equal(lockPid(dir), process.pid);
      assert.equal(nodeFs.readFileSync(path.join(dir, LOCK_FILE_NAME), 'utf8'), `${process.pid}\n${dir}\n${processStartTime(process.pid)}\n`);
      await db.close();
    } finally {
      await other.stop();
    }
  });
});
