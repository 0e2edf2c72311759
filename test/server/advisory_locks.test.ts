/**
 * Advisory locks between concurrent sessions, each scenario run on three backends: embedded
 * sessions, node-postgres clients of the vecgres server, and, when `PGVECTOR_URL` is set,
 * native PostgreSQL + pgvector (the expectations follow PostgreSQL's manual, 13.3.5 and
 * 9.27.10, and are checked against the real server there). The job-queue and migration-lock
 * patterns (Prisma Migrate takes `pg_advisory_lock(72707369)` around a migration) depend on
 * them.
 *
 * No assertion depends on timing: "b waits" is checked once the backend reports b's session
 * waiting for a lock, and the outcome after the holder releases it. lock_timeout appears only
 * where the timeout is what the case tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Vecgres } from '../../src/index.js';
import { startServer } from './helpers.js';
import { closerDetectsDeadlock, one, settle, testOnEveryBackend, type SessionBackend, type SessionConn } from '../support/session_backends.js';

interface Backend {
  native: boolean;
  open(n: number): Promise<SessionConn[]>;
  /** Resolves once at least `n` sessions wait for a lock (or `pending` ended). */
  blocked(n: number, pending: { done: boolean }): Promise<void>;
  close(): Promise<void>;
}

const SCENARIOS: [string, (b: Backend) => Promise<void>][] = [
  ['an exclusive lock makes another session wait until the holder releases it; try returns false meanwhile', async (b) => {
    const [a, w] = await b.open(2);
    await a!.q('SELECT pg_advisory_lock(72707369)');
    assert.equal(await one(w!, 'SELECT pg_try_advisory_lock(72707369)'), false);
    assert.equal(await one(w!, 'SELECT pg_try_advisory_lock_shared(72707369)'), false);
    const p = settle(w!.q('SELECT pg_advisory_lock(72707369)'));
    await b.blocked(1, p);
    assert.equal(p.done, false, 'the second session waits');
    // Taken twice by the holder: the first unlock keeps it.
    await a!.q('SELECT pg_advisory_lock(72707369)');
    assert.equal(await one(a!, 'SELECT pg_advisory_unlock(72707369)'), true);
    assert.equal(await one(a!, 'SELECT pg_advisory_unlock(72707369)'), true);
    const r = await p.result;
    assert.equal(r.ok, true);
    assert.equal(await one(a!, 'SELECT pg_try_advisory_lock(72707369)'), false);
    assert.equal(await one(w!, 'SELECT pg_advisory_unlock(72707369)'), true);
    assert.equal(await one(a!, 'SELECT pg_try_advisory_lock(72707369)'), true);
    await a!.q('SELECT pg_advisory_unlock_all()');
  }],
  ['shared locks share; an exclusive request waits for all of them', async (b) => {
    const [a, c, w] = await b.open(3);
    await a!.q('SELECT pg_advisory_lock_shared(5)');
    assert.equal(await one(c!, 'SELECT pg_try_advisory_lock_shared(5)'), true);
    assert.equal(await one(w!, 'SELECT pg_try_advisory_lock(5)'), false);
    const p = settle(w!.q('SELECT pg_advisory_lock(5)'));
    await b.blocked(1, p);
    await a!.q('SELECT pg_advisory_unlock_shared(5)');
    assert.equal(await one(a!, 'SELECT pg_try_advisory_lock_shared(6)'), true);
    assert.equal(p.done, false, 'one shared holder is left');
    await c!.q('SELECT pg_advisory_unlock_shared(5)');
    assert.equal((await p.result).ok, true);
    assert.equal(await one(a!, 'SELECT pg_try_advisory_lock_shared(5)'), false);
    for (const s of [a!, c!, w!]) await s.q('SELECT pg_advisory_unlock_all()');
  }],
  ['transaction-level locks end with the transaction, the statement outside a block, or a savepoint rolled back to', async (b) => {
    const [a, w] = await b.open(2);
    await a!.q('BEGIN');
    await a!.q('SELECT pg_advisory_xact_lock(1), pg_advisory_lock(2)');
    await a!.q('SAVEPOINT s');
    await a!.q('SELECT pg_advisory_xact_lock(3), pg_advisory_lock(4)');
    assert.equal(await one(w!, 'SELECT pg_try_advisory_lock(3)'), false);
    await a!.q('ROLLBACK TO s');
    assert.equal(await one(w!, 'SELECT pg_try_advisory_lock(3)'), true, 'the savepoint took the transaction-level lock with it');
    assert.equal(await one(w!, 'SELECT pg_try_advisory_lock(4)'), false, 'not the session-level one');
    const p = settle(w!.q('SELECT pg_advisory_xact_lock(1)'));
    await b.blocked(1, p);
    await a!.q('ROLLBACK');
    assert.equal((await p.result).ok, true);
    // Outside a block the waiter's transaction-level lock ended with its statement.
    assert.equal(await one(a!, 'SELECT pg_try_advisory_xact_lock(1)'), true);
    assert.equal(await one(w!, 'SELECT pg_try_advisory_lock(2)'), false, 'the session-level lock outlived the rollback');
    for (const s of [a!, w!]) await s.q('SELECT pg_advisory_unlock_all()');
  }],
  ['a statement that waits holds what it took before the wait, and takes it once', async (b) => {
    const [a, w] = await b.open(2);
    await a!.q('SELECT pg_advisory_lock(21)');
    const p = settle(w!.q('SELECT pg_advisory_lock(20), pg_advisory_xact_lock(22), pg_advisory_lock(21)'));
    await b.blocked(1, p);
    assert.equal(await one(a!, 'SELECT pg_try_advisory_lock(20)'), false, 'held while the statement waits');
    assert.equal(await one(a!, 'SELECT pg_try_advisory_lock(22)'), false, 'held while the statement waits');
    await a!.q('SELECT pg_advisory_unlock(21)');
    assert.equal((await p.result).ok, true);
    assert.equal(await one(a!, 'SELECT pg_try_advisory_lock(22)'), true, 'the transaction-level lock ended with the statement');
    assert.deepEqual((await w!.q('SELECT pg_advisory_unlock(20) AS a, pg_advisory_unlock(21) AS b')).rows, [{ a: true, b: true }]);
    assert.deepEqual((await w!.q('SELECT pg_advisory_unlock(20) AS a')).rows, [{ a: false }]);
    await a!.q('SELECT pg_advisory_unlock_all()');
  }],
  ['lock_timeout ends a wait with 55P03; what the statement took before it stays', async (b) => {
    const [a, w] = await b.open(2);
    await a!.q('SELECT pg_advisory_lock(31)');
    await w!.q("SET lock_timeout = '30ms'");
    await assert.rejects(w!.q('SELECT pg_advisory_lock(30), pg_advisory_lock_shared(31)'), { code: '55P03', message: 'canceling statement due to lock timeout' });
    assert.equal(await one(a!, 'SELECT pg_try_advisory_lock(30)'), false);
    assert.equal(await one(w!, 'SELECT pg_advisory_unlock(30)'), true);
    for (const s of [a!, w!]) await s.q('SELECT pg_advisory_unlock_all()');
  }],
  ['a cycle of advisory waits is a deadlock: 40P01 names both locks, the other session goes on', async (b) => {
    const [a, w] = await b.open(2);
    await closerDetectsDeadlock(b, a!, w!);
    await a!.q('SELECT pg_advisory_lock(41)');
    await w!.q('SELECT pg_advisory_lock(42)');
    const p = settle(a!.q('SELECT pg_advisory_lock(42)'));
    await b.blocked(1, p);
    const r = await settle(w!.q('SELECT pg_advisory_lock(41)')).result;
    assert.equal(r.ok, false);
    const e = (r as { error: { code?: string; message: string; detail?: string } }).error;
    assert.equal(e.code, '40P01');
    assert.equal(e.message, 'deadlock detected');
    assert.match(e.detail ?? '', /^Process \d+ waits for ExclusiveLock on advisory lock \[5,0,41,1\]; blocked by process \d+\.\nProcess \d+ waits for ExclusiveLock on advisory lock \[5,0,42,1\]; blocked by process \d+\.$/);
    await w!.q('SELECT pg_advisory_unlock_all()');
    assert.equal((await p.result).ok, true);
    await a!.q('SELECT pg_advisory_unlock_all()');
  }],
  ['a cycle through any holder of a shared lock is a deadlock, not only through the first one', async (b) => {
    const [a, c, w] = await b.open(3);
    await closerDetectsDeadlock(b, w!, c!);
    await a!.q('SELECT pg_advisory_lock_shared(60)');
    await c!.q('SELECT pg_advisory_lock_shared(60)');
    await w!.q('SELECT pg_advisory_lock(61)');
    // w waits for both holders of 60; the cycle goes through c, the second one.
    const p = settle(w!.q('SELECT pg_advisory_lock(60)'));
    await b.blocked(1, p);
    const r = await settle(c!.q('SELECT pg_advisory_lock(61)')).result;
    assert.equal(r.ok, false);
    const e = (r as { error: { code?: string; detail?: string } }).error;
    assert.equal(e.code, '40P01');
    assert.match(e.detail ?? '', /^Process \d+ waits for ExclusiveLock on advisory lock \[5,0,61,1\]; blocked by process \d+\.\nProcess \d+ waits for ExclusiveLock on advisory lock \[5,0,60,1\]; blocked by process \d+\.$/);
    await c!.q('SELECT pg_advisory_unlock_all()');
    assert.equal(p.done, false, 'a still holds 60 shared');
    await a!.q('SELECT pg_advisory_unlock_all()');
    assert.equal((await p.result).ok, true);
    await w!.q('SELECT pg_advisory_unlock_all()');
  }],
  ['a cycle through a row lock and an advisory lock is a deadlock too', async (b) => {
    const [setup, a, w] = await b.open(3);
    await setup!.q('CREATE TABLE adv_rows (id int PRIMARY KEY, n int)');
    await setup!.q('INSERT INTO adv_rows VALUES (1, 0)');
    await closerDetectsDeadlock(b, w!, a!);
    await a!.q('BEGIN');
    await a!.q('UPDATE adv_rows SET n = 1 WHERE id = 1');
    // w holds an advisory lock at session level and, outside any block, waits for the row.
    await w!.q('SELECT pg_advisory_lock(50)');
    const p = settle(w!.q('UPDATE adv_rows SET n = n + 10 WHERE id = 1'));
    await b.blocked(1, p);
    const r = await settle(a!.q('SELECT pg_advisory_lock(50)')).result;
    assert.equal(r.ok, false);
    assert.equal((r as { error: { code?: string } }).error.code, '40P01');
    await a!.q('ROLLBACK');
    assert.equal((await p.result).ok, true);
    assert.deepEqual((await setup!.q('SELECT n FROM adv_rows')).rows, [{ n: 10 }]);
    await w!.q('SELECT pg_advisory_unlock_all()');
  }],
];

testOnEveryBackend('vecgres_advisory', (b: SessionBackend): Backend => ({
  native: b.native,
  open: (n) => b.open(n),
  blocked: (n, p) => b.waiting(n, p),
  close: () => b.close(),
}), SCENARIOS);

test('a session that ends releases its advisory locks: an embedded session released, a connection closed', async () => {
  const db = await Vecgres.create();
  try {
    const a = await db.connect();
    const w = await db.connect();
    await a.query('SELECT pg_advisory_lock(1), pg_advisory_lock_shared(2)');
    await a.query('BEGIN');
    await a.query('SELECT pg_advisory_xact_lock(3)');
    assert.deepEqual((await w.query('SELECT pg_try_advisory_lock(1) AS a, pg_try_advisory_lock(2) AS b, pg_try_advisory_lock(3) AS c')).rows, [{ a: false, b: false, c: false }]);
    await a.release();
    assert.deepEqual((await w.query('SELECT pg_try_advisory_lock(1) AS a, pg_try_advisory_lock(2) AS b, pg_try_advisory_lock(3) AS c')).rows, [{ a: true, b: true, c: true }]);
  } finally {
    await db.close();
  }
  const s = await startServer();
  try {
    const a = new pg.Client(s.conn);
    const w = new pg.Client(s.conn);
    await a.connect();
    await w.connect();
    await a.query('SELECT pg_advisory_lock(7)');
    const waiting = w.query('SELECT pg_advisory_lock(7)');
    while (s.db.database.catalog.rowLocks.waiting < 1) await new Promise((r) => setImmediate(r));
    // The holder's connection drops without unlocking: the waiter gets the lock.
    await a.end();
    await waiting;
    assert.deepEqual((await w.query('SELECT pg_advisory_unlock(7) AS a')).rows, [{ a: true }]);
    await w.end();
  } finally {
    await s.close();
  }
});
