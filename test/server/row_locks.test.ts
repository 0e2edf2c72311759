/**
 * Row locks and lock waits between concurrent sessions, each scenario run on three backends:
 * embedded sessions (`db.connect()`), node-postgres clients of the vecgres server, and, when
 * `PGVECTOR_URL` is set, node-postgres clients of native PostgreSQL + pgvector (the same
 * expectations, which were written from PostgreSQL's documented READ COMMITTED behaviour:
 * manual 13.2.1 and 13.3.2, and are checked against the real server there).
 *
 * No assertion depends on timing: "b waits" is checked once the backend reports b's session
 * waiting for a lock (vecgres: its lock table; PostgreSQL: pg_stat_activity.wait_event_type),
 * and the outcome after the holder ends. lock_timeout appears only where the timeout is what
 * the case tests (and as a safety net against a hang, never reached when the code is right).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Vecgres } from '../../src/index.js';
import { startServer } from './helpers.js';
import { closerDetectsDeadlock, settle as settleShared, testOnEveryBackend, vecgresWaiting, type SessionBackend, type SessionConn, type Settled } from '../support/session_backends.js';

interface Result {
  rows: Record<string, unknown>[];
  count: number;
}

type Conn = Pick<SessionConn, 'q'>;

interface Backend {
  name: string;
  /** `n` new connections (sessions). */
  open(n: number): Promise<Conn[]>;
  /** Resolves once at least `n` sessions wait for a lock. */
  blocked(n: number): Promise<void>;
  /** Settings a native server needs to pick the deadlock victim the way vecgres does (see the deadlock case). */
  native: boolean;
  close(): Promise<void>;
}

/**
 * The statement most recently expected to wait: `blocked()` stops looking when it has already
 * ended (a wrong implementation that does not wait then fails its assertions, not hangs).
 */
let lastPending: { done: boolean } = { done: true };

/** A promise's outcome without rejecting (shared `settle`); one expected to wait becomes the statement `blocked()` watches. */
function settle<T>(p: Promise<T>, expectWait = true): Settled<T> {
  const s = settleShared(p);
  if (expectWait) lastPending = s;
  return s;
}

async function expectError(p: Promise<unknown>, code: string, message: string): Promise<{ detail?: string }> {
  const r = await settle(p, false).result;
  assert.equal(r.ok, false, `expected ${code} ${message}`);
  const e = (r as { error: { code?: string; message: string; detail?: string } }).error;
  assert.equal(e.code, code, e.message);
  assert.equal(e.message, message);
  return e;
}

/** A backend of the shared set, with `blocked(n)` watching the statement most recently expected to wait. */
function adapt(b: SessionBackend): Backend {
  return { name: b.name, native: b.native, open: (n) => b.open(n), blocked: (n) => b.waiting(n, lastPending), close: () => b.close() };
}

type Scenario = (b: Backend) => Promise<void>;

const SCENARIOS: [string, Scenario][] = [
  ['concurrent n = n + 1 increments all count (the waiter re-reads the committed row)', async (b) => {
    const [setup, ...cs] = await b.open(5);
    await setup!.q('CREATE TABLE counter (id int PRIMARY KEY, n int)');
    await setup!.q('INSERT INTO counter VALUES (1, 0), (2, 0)');
    // In transaction blocks: each BEGIN; UPDATE; COMMIT, all at once.
    await Promise.all(cs.map(async (c) => {
      await c.q('BEGIN');
      assert.equal((await c.q('UPDATE counter SET n = n + 1 WHERE id = 1')).count, 1);
      await c.q('COMMIT');
    }));
    // Autocommit statements, several per session, interleaved.
    await Promise.all(cs.map(async (c) => {
      for (let i = 0; i < 5; i++) assert.equal((await c.q('UPDATE counter SET n = n + 1 WHERE id = 1')).count, 1);
    }));
    // A multi-row UPDATE waits for the row another transaction holds and updates every row.
    const [a, w] = cs;
    await a!.q('BEGIN');
    await a!.q('UPDATE counter SET n = n + 100 WHERE id = 2');
    const all = settle(w!.q('UPDATE counter SET n = n + 1'));
    await b.blocked(1);
    assert.equal(all.done, false);
    await a!.q('COMMIT');
    const r = await all.result;
    assert.ok(r.ok);
    assert.equal(r.value.count, 2);
    assert.deepEqual((await setup!.q('SELECT id, n FROM counter ORDER BY id')).rows, [{ id: 1, n: 25 }, { id: 2, n: 101 }]);
  }],

  ['UPDATE ... FROM and DELETE ... USING wait for a target row and join its committed version', async (b) => {
    const [a, w] = await b.open(2);
    await a!.q('CREATE TABLE acct_from (id int PRIMARY KEY, n int)');
    await a!.q('INSERT INTO acct_from VALUES (1, 10), (2, 10)');
    await w!.q("SET lock_timeout = '60s'");
    await a!.q('BEGIN');
    await a!.q('UPDATE acct_from SET n = 20 WHERE id = 1');
    const u = settle(w!.q('UPDATE acct_from SET n = acct_from.n + d.delta FROM (VALUES (1, 5), (2, 7)) AS d(id, delta) WHERE acct_from.id = d.id RETURNING acct_from.id, acct_from.n, d.delta'));
    await b.blocked(1);
    assert.equal(u.done, false);
    await a!.q('COMMIT');
    const x = await u.result;
    assert.ok(x.ok);
    assert.deepEqual([...x.value.rows].sort((p, q) => (p['id'] as number) - (q['id'] as number)), [{ id: 1, n: 25, delta: 5 }, { id: 2, n: 17, delta: 7 }]);
    // The holder's committed change makes the row fail the join condition: not deleted.
    await a!.q('BEGIN');
    await a!.q('UPDATE acct_from SET n = 99 WHERE id = 2');
    const d = settle(w!.q('DELETE FROM acct_from USING (VALUES (2, 17)) AS k(id, n) WHERE acct_from.id = k.id AND acct_from.n = k.n'));
    await b.blocked(1);
    await a!.q('COMMIT');
    const y = await d.result;
    assert.ok(y.ok);
    assert.equal(y.value.count, 0);
    assert.deepEqual((await a!.q('SELECT id, n FROM acct_from ORDER BY id')).rows, [{ id: 1, n: 25 }, { id: 2, n: 99 }]);
  }],

  ['a wait ends at the holder\'s commit or rollback; the WHERE is re-checked on the newest version', async (b) => {
    const [a, w, r] = await b.open(3);
    await a!.q('CREATE TABLE acct (id int PRIMARY KEY, n int)');
    await a!.q('INSERT INTO acct VALUES (1, 10), (2, 10)');
    await w!.q("SET lock_timeout = '60s'");
    // Rolled back: the waiter proceeds on the old version.
    await a!.q('BEGIN');
    await a!.q('DELETE FROM acct WHERE id = 1');
    const u1 = settle(w!.q('UPDATE acct SET n = n + 1 WHERE id = 1'));
    await b.blocked(1);
    // A reader does not wait and sees the committed row.
    assert.deepEqual((await r!.q('SELECT n FROM acct WHERE id = 1')).rows, [{ n: 10 }]);
    assert.equal(u1.done, false);
    await a!.q('ROLLBACK');
    const x1 = await u1.result;
    assert.ok(x1.ok);
    assert.equal(x1.value.count, 1);
    // Committed delete: the waiter finds no row.
    await a!.q('BEGIN');
    await a!.q('DELETE FROM acct WHERE id = 1');
    const u2 = settle(w!.q('UPDATE acct SET n = n + 1 WHERE id = 1'));
    await b.blocked(1);
    await a!.q('COMMIT');
    const x2 = await u2.result;
    assert.ok(x2.ok);
    assert.equal(x2.value.count, 0);
    // A committed update after which the row still passes the waiter's WHERE (it passed it
    // before): the waiter's update applies to the new version.
    await a!.q('BEGIN');
    await a!.q('UPDATE acct SET n = 20 WHERE id = 2');
    const u4 = settle(w!.q('UPDATE acct SET n = n + 1 WHERE id = 2 AND n < 50 RETURNING n'));
    await b.blocked(1);
    await a!.q('COMMIT');
    const x4 = await u4.result;
    assert.ok(x4.ok);
    assert.deepEqual(x4.value.rows, [{ n: 21 }]);
    // ... and one after which it fails it: not updated.
    await a!.q('BEGIN');
    await a!.q('UPDATE acct SET n = 100 WHERE id = 2');
    const u3 = settle(w!.q('UPDATE acct SET n = n + 1 WHERE id = 2 AND n < 50 RETURNING n'));
    await b.blocked(1);
    await a!.q('COMMIT');
    const x3 = await u3.result;
    assert.ok(x3.ok);
    assert.equal(x3.value.count, 0);
    // SELECT ... FOR UPDATE inside a block waits too and returns the committed version.
    await a!.q('BEGIN');
    await a!.q('UPDATE acct SET n = 7 WHERE id = 2');
    await w!.q('BEGIN');
    const s5 = settle(w!.q('SELECT n FROM acct WHERE id = 2 FOR UPDATE'));
    await b.blocked(1);
    await a!.q('COMMIT');
    const x5 = await s5.result;
    assert.ok(x5.ok);
    assert.deepEqual(x5.value.rows, [{ n: 7 }]);
    // Its lock holds until its transaction ends: a writer waits for it.
    const u6 = settle(a!.q('UPDATE acct SET n = 8 WHERE id = 2'));
    await b.blocked(1);
    assert.equal(u6.done, false);
    await w!.q('COMMIT');
    assert.ok((await u6.result).ok);
    assert.deepEqual((await r!.q('SELECT id, n FROM acct ORDER BY id')).rows, [{ id: 2, n: 8 }]);
  }],

  ['deadlock: the transaction that closes the cycle gets 40P01 with PostgreSQL\'s DETAIL; the other goes on', async (b) => {
    const [a, w, r] = await b.open(3);
    await a!.q('CREATE TABLE dl (id int PRIMARY KEY, n int)');
    await a!.q('INSERT INTO dl VALUES (1, 0), (2, 0)');
    await closerDetectsDeadlock(b, a!, w!);
    await a!.q('BEGIN');
    await w!.q('BEGIN');
    await a!.q('UPDATE dl SET n = 1 WHERE id = 1');
    await w!.q('UPDATE dl SET n = 2 WHERE id = 2');
    const first = settle(a!.q('UPDATE dl SET n = 1 WHERE id = 2'));
    await b.blocked(1);
    const e = await expectError(w!.q('UPDATE dl SET n = 2 WHERE id = 1'), '40P01', 'deadlock detected');
    assert.match(e.detail ?? '', /^Process \d+ waits for ShareLock on transaction \d+; blocked by process \d+\.\nProcess \d+ waits for ShareLock on transaction \d+; blocked by process \d+\.$/);
    await expectError(w!.q('SELECT 1'), '25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    await w!.q('ROLLBACK');
    const x = await first.result;
    assert.ok(x.ok);
    assert.equal(x.value.count, 1);
    await a!.q('COMMIT');
    assert.deepEqual((await r!.q('SELECT id, n FROM dl ORDER BY id')).rows, [{ id: 1, n: 1 }, { id: 2, n: 1 }]);
  }],

  ['lock_timeout and statement_timeout end a wait; the blocked statement changes nothing', async (b) => {
    const [a, w] = await b.open(2);
    await a!.q('CREATE TABLE lt (id int PRIMARY KEY, n int)');
    await a!.q('INSERT INTO lt VALUES (1, 0), (2, 0)');
    await a!.q('BEGIN');
    await a!.q('UPDATE lt SET n = 5 WHERE id = 2');
    await w!.q("SET lock_timeout = '20ms'");
    // Row 1 is updated before the wait on row 2: undone with the statement.
    await expectError(w!.q('UPDATE lt SET n = n + 1'), '55P03', 'canceling statement due to lock timeout');
    await w!.q('BEGIN');
    await expectError(w!.q('DELETE FROM lt WHERE id = 2'), '55P03', 'canceling statement due to lock timeout');
    await expectError(w!.q('SELECT 1'), '25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    await w!.q('ROLLBACK');
    await w!.q('RESET lock_timeout');
    await w!.q("SET statement_timeout = '20ms'");
    await expectError(w!.q('SELECT * FROM lt WHERE id = 2 FOR SHARE'), '57014', 'canceling statement due to statement timeout');
    await w!.q('RESET statement_timeout');
    await a!.q('COMMIT');
    assert.deepEqual((await w!.q('SELECT id, n FROM lt ORDER BY id')).rows, [{ id: 1, n: 0 }, { id: 2, n: 5 }]);
  }],

  ['FOR UPDATE / SHARE / KEY SHARE / NO KEY UPDATE conflicts, NOWAIT', async (b) => {
    const [a, w] = await b.open(2);
    await a!.q('CREATE TABLE m (id int PRIMARY KEY, n int)');
    await a!.q('INSERT INTO m VALUES (1, 0), (2, 0)');
    await w!.q("SET lock_timeout = '60s'");
    const NOT_AVAILABLE = 'could not obtain lock on row in relation "m"';
    await a!.q('BEGIN');
    assert.deepEqual((await a!.q('SELECT id FROM m WHERE id = 1 FOR UPDATE')).rows, [{ id: 1 }]);
    for (const s of ['UPDATE', 'NO KEY UPDATE', 'SHARE', 'KEY SHARE']) {
      await expectError(w!.q(`SELECT id FROM m WHERE id = 1 FOR ${s} NOWAIT`), '55P03', NOT_AVAILABLE);
    }
    // Another row is free; a plain SELECT never waits.
    assert.deepEqual((await w!.q('SELECT id FROM m WHERE id = 2 FOR UPDATE NOWAIT')).rows, [{ id: 2 }]);
    assert.deepEqual((await w!.q('SELECT id FROM m ORDER BY id')).rows, [{ id: 1 }, { id: 2 }]);
    await a!.q('ROLLBACK');
    // FOR SHARE: shared with FOR SHARE and FOR KEY SHARE, not with the update modes.
    await a!.q('BEGIN');
    await a!.q('SELECT id FROM m WHERE id = 1 FOR SHARE');
    assert.equal((await w!.q('SELECT id FROM m WHERE id = 1 FOR SHARE NOWAIT')).rows.length, 1);
    assert.equal((await w!.q('SELECT id FROM m WHERE id = 1 FOR KEY SHARE NOWAIT')).rows.length, 1);
    await expectError(w!.q('SELECT id FROM m WHERE id = 1 FOR NO KEY UPDATE NOWAIT'), '55P03', NOT_AVAILABLE);
    // A locking clause OF another table of the FROM leaves m's rows alone.
    assert.equal((await w!.q('SELECT x.id FROM m x, m y WHERE x.id = 1 AND y.id = 2 FOR UPDATE OF y NOWAIT')).rows.length, 1);
    await a!.q('ROLLBACK');
    // FOR KEY SHARE (what a foreign key check takes) does not block an UPDATE of non-key
    // columns, and does block one that changes the key.
    await a!.q('BEGIN');
    await a!.q('SELECT id FROM m WHERE id = 1 FOR KEY SHARE');
    assert.equal((await w!.q('UPDATE m SET n = n + 1 WHERE id = 1')).count, 1);
    assert.equal((await w!.q('SELECT id FROM m WHERE id = 1 FOR NO KEY UPDATE NOWAIT')).rows.length, 1);
    const k = settle(w!.q('UPDATE m SET id = 10 WHERE id = 1'));
    await b.blocked(1);
    assert.equal(k.done, false);
    await a!.q('COMMIT');
    const kx = await k.result;
    assert.ok(kx.ok);
    assert.equal(kx.value.count, 1);
    assert.deepEqual((await a!.q('SELECT id, n FROM m ORDER BY id')).rows, [{ id: 2, n: 0 }, { id: 10, n: 1 }]);
    // ROLLBACK TO SAVEPOINT releases the row locks taken after it.
    await a!.q('BEGIN');
    await a!.q('SAVEPOINT s');
    await a!.q('SELECT id FROM m WHERE id = 2 FOR UPDATE');
    await expectError(w!.q('SELECT id FROM m WHERE id = 2 FOR UPDATE NOWAIT'), '55P03', NOT_AVAILABLE);
    await a!.q('ROLLBACK TO SAVEPOINT s');
    assert.equal((await w!.q('SELECT id FROM m WHERE id = 2 FOR UPDATE NOWAIT')).rows.length, 1);
    await a!.q('COMMIT');
  }],

  ['a unique key another transaction inserted is waited for: 23505 after its commit, inserted after its rollback; upserts serialize', async (b) => {
    const [a, w, r] = await b.open(3);
    await a!.q('CREATE TABLE uk (id int PRIMARY KEY, v text, u int UNIQUE)');
    await w!.q("SET lock_timeout = '60s'");
    const cases: [string, string, string, (x: Awaited<ReturnType<typeof settle<Result>>['result']>) => void][] = [
      ["INSERT INTO uk VALUES (1, 'a', 10)", "INSERT INTO uk VALUES (1, 'b', 11)", 'COMMIT', (x) => {
        assert.equal(x.ok, false);
        assert.equal((x as { error: { code?: string } }).error.code, '23505');
        assert.equal((x as { error: { message: string } }).error.message, 'duplicate key value violates unique constraint "uk_pkey"');
      }],
      ["INSERT INTO uk VALUES (2, 'a', 20)", "INSERT INTO uk VALUES (2, 'b', 21)", 'ROLLBACK', (x) => {
        assert.ok(x.ok);
        assert.equal(x.value.count, 1);
      }],
      ["INSERT INTO uk VALUES (4, 'a', 40)", "INSERT INTO uk VALUES (5, 'b', 40)", 'COMMIT', (x) => {
        assert.equal(x.ok, false);
        assert.equal((x as { error: { message: string } }).error.message, 'duplicate key value violates unique constraint "uk_u_key"');
      }],
      ["INSERT INTO uk VALUES (3, 'a', 30) ON CONFLICT (id) DO UPDATE SET v = uk.v || excluded.v", "INSERT INTO uk VALUES (3, 'b', 31) ON CONFLICT (id) DO UPDATE SET v = uk.v || excluded.v", 'COMMIT', (x) => {
        assert.ok(x.ok);
        assert.equal(x.value.count, 1);
      }],
      ["INSERT INTO uk VALUES (6, 'a', 60)", "INSERT INTO uk VALUES (6, 'b', 61) ON CONFLICT DO NOTHING", 'COMMIT', (x) => {
        assert.ok(x.ok);
        assert.equal(x.value.count, 0);
      }],
      // A key whose row another transaction is deleting: free once that commits.
      ['DELETE FROM uk WHERE id = 6', "INSERT INTO uk VALUES (6, 'c', 62)", 'COMMIT', (x) => {
        assert.ok(x.ok);
        assert.equal(x.value.count, 1);
      }],
    ];
    for (const [held, waiter, end, check] of cases) {
      await a!.q('BEGIN');
      await a!.q(held);
      const p = settle(w!.q(waiter));
      await b.blocked(1);
      assert.equal(p.done, false, waiter);
      await a!.q(end);
      check(await p.result);
    }
    assert.deepEqual((await r!.q('SELECT id, v, u FROM uk ORDER BY id')).rows, [
      { id: 1, v: 'a', u: 10 }, { id: 2, v: 'b', u: 21 }, { id: 3, v: 'ab', u: 30 }, { id: 4, v: 'a', u: 40 }, { id: 6, v: 'c', u: 62 },
    ]);
  }],

  ['foreign keys: a new referencing row locks its parent FOR KEY SHARE; a delete of the parent waits for it, and the other way round', async (b) => {
    const [a, w, u] = await b.open(3);
    await a!.q('CREATE TABLE parent (id int PRIMARY KEY, n int)');
    await a!.q('CREATE TABLE child (id int PRIMARY KEY, pid int REFERENCES parent (id))');
    await a!.q('INSERT INTO parent VALUES (1, 0), (2, 0), (3, 0), (4, 0)');
    await w!.q("SET lock_timeout = '60s'");
    // The child's insert is in flight: deleting its parent waits, then finds it referenced.
    await a!.q('BEGIN');
    await a!.q('INSERT INTO child VALUES (1, 1)');
    const d = settle(w!.q('DELETE FROM parent WHERE id = 1'));
    await b.blocked(1);
    // An update of the parent's other columns does not wait.
    assert.equal((await u!.q('UPDATE parent SET n = n + 1 WHERE id IN (1, 3)')).count, 2);
    await a!.q('COMMIT');
    const dx = await d.result;
    assert.equal(dx.ok, false);
    assert.equal((dx as { error: { code?: string } }).error.code, '23503');
    assert.equal((dx as { error: { message: string } }).error.message, 'update or delete on table "parent" violates foreign key constraint "child_pid_fkey" on table "child"');
    // The parent's delete is in flight: the child's insert waits, then finds no parent.
    await a!.q('BEGIN');
    await a!.q('DELETE FROM parent WHERE id = 2');
    const i = settle(w!.q('INSERT INTO child VALUES (2, 2)'));
    await b.blocked(1);
    await a!.q('COMMIT');
    const ix = await i.result;
    assert.equal(ix.ok, false);
    assert.equal((ix as { error: { message: string } }).error.message, 'insert or update on table "child" violates foreign key constraint "child_pid_fkey"');
    // Rolled back instead: the child's insert succeeds.
    await a!.q('BEGIN');
    await a!.q('DELETE FROM parent WHERE id = 3');
    const j = settle(w!.q('INSERT INTO child VALUES (3, 3)'));
    await b.blocked(1);
    await a!.q('ROLLBACK');
    const jx = await j.result;
    assert.ok(jx.ok);
    // The parent's update of other columns is in flight: the child's insert sees the version
    // before it and does not wait; the parent's delete then waits for the child.
    await u!.q('BEGIN');
    await u!.q('UPDATE parent SET n = n + 1 WHERE id = 4');
    await w!.q('BEGIN');
    assert.equal((await w!.q('INSERT INTO child VALUES (4, 4)')).count, 1);
    await u!.q('COMMIT');
    const e = settle(a!.q('DELETE FROM parent WHERE id = 4'));
    await b.blocked(1);
    await w!.q('COMMIT');
    const ex = await e.result;
    assert.equal(ex.ok, false);
    assert.equal((ex as { error: { code?: string } }).error.code, '23503');
    assert.deepEqual((await a!.q('SELECT c.id, p.n FROM child c JOIN parent p ON p.id = c.pid ORDER BY c.id')).rows, [{ id: 1, n: 1 }, { id: 3, n: 1 }, { id: 4, n: 1 }]);
  }],

  ['SKIP LOCKED job queue: each worker gets a different job, every job is done once', async (b) => {
    const [setup, ...workers] = await b.open(4);
    await setup!.q('CREATE TABLE jobs (id int PRIMARY KEY, done boolean NOT NULL DEFAULT false, worker int)');
    await setup!.q('INSERT INTO jobs (id) SELECT g FROM generate_series(1, 12) g');
    const NEXT = 'SELECT id FROM jobs WHERE done = false ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED';
    // Three transactions each take the first job the others have not locked.
    for (const w of workers) await w.q('BEGIN');
    const got: unknown[] = [];
    for (const w of workers) got.push((await w.q(NEXT)).rows[0]?.['id']);
    assert.deepEqual(got, [1, 2, 3]);
    for (const w of workers) await w.q('ROLLBACK');
    // Workers draining the queue concurrently.
    await Promise.all(workers.map(async (w, i) => {
      for (;;) {
        await w.q('BEGIN');
        const r = await w.q(NEXT);
        if (r.rows.length === 0) {
          await w.q('COMMIT');
          return;
        }
        const id = r.rows[0]!['id'] as number;
        assert.equal((await w.q(`UPDATE jobs SET done = true, worker = ${i} WHERE id = ${id} AND done = false`)).count, 1);
        await w.q('COMMIT');
      }
    }));
    assert.deepEqual((await setup!.q('SELECT count(*)::int AS n, count(worker)::int AS w FROM jobs WHERE done')).rows, [{ n: 12, w: 12 }]);
  }],

  ['one-statement job queues with parameters: UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED), WITH ... FOR UPDATE SKIP LOCKED, and a DELETE ... RETURNING WITH item', async (b) => {
    const [setup, ...workers] = await b.open(4);
    await setup!.q("CREATE TABLE q (id int PRIMARY KEY, state text NOT NULL DEFAULT 'queued', worker int)");
    await setup!.q('CREATE TABLE q_done (id int PRIMARY KEY, worker int)');
    await setup!.q('INSERT INTO q (id) SELECT g FROM generate_series(1, 30) g');
    const TAKE_ONE = 'UPDATE q SET state = $1, worker = $2 WHERE id = (SELECT id FROM q WHERE state = $3 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id';
    const TAKE_TWO = `WITH next AS (SELECT id FROM q WHERE state = 'queued' ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
      UPDATE q SET state = 'running', worker = $2 FROM next WHERE q.id = next.id RETURNING q.id`;
    const FINISH = 'WITH d AS (DELETE FROM q WHERE id = $1 AND worker = $2 RETURNING id, worker) INSERT INTO q_done SELECT * FROM d RETURNING id';
    // Open transactions each hold the jobs they took: the next worker's statement skips them.
    for (const w of workers) await w.q('BEGIN');
    const first = [];
    for (const [i, w] of workers.entries()) first.push((await w.q(TAKE_ONE, ['running', i, 'queued'])).rows.map((r) => r['id']));
    assert.deepEqual(first, [[1], [2], [3]]);
    const second = [];
    for (const [i, w] of workers.entries()) second.push((await w.q(TAKE_TWO, [2, i])).rows.map((r) => r['id'] as number).sort((x, y) => x - y));
    assert.deepEqual(second, [[4, 5], [6, 7], [8, 9]]);
    for (const w of workers) await w.q('ROLLBACK');
    // Workers draining the queue concurrently, each job done once.
    await Promise.all(workers.map(async (w, i) => {
      for (let round = 0; ; round++) {
        await w.q('BEGIN');
        const r = await w.q(round % 2 === 0 ? TAKE_ONE : TAKE_TWO, round % 2 === 0 ? ['running', i, 'queued'] : [2, i]);
        if (r.rows.length === 0) {
          await w.q('COMMIT');
          return;
        }
        for (const row of r.rows) assert.deepEqual((await w.q(FINISH, [row['id'], i])).rows, [{ id: row['id'] }]);
        await w.q('COMMIT');
      }
    }));
    assert.deepEqual((await setup!.q('SELECT count(*)::int AS n FROM q')).rows, [{ n: 0 }]);
    assert.deepEqual((await setup!.q('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, min(id) AS lo, max(id) AS hi FROM q_done')).rows, [{ n: 30, d: 30, lo: 1, hi: 30 }]);
  }],
];

testOnEveryBackend('vecgres_locks', adapt, SCENARIOS);

test('a session that goes away while it waits: its statement never runs (server disconnect, embedded release)', async () => {
  const s = await startServer();
  try {
    const a = new pg.Client(s.conn);
    const b = new pg.Client(s.conn);
    await a.connect();
    await b.connect();
    b.on('error', () => undefined);
    await a.query('CREATE TABLE gone (id int PRIMARY KEY, n int); INSERT INTO gone VALUES (1, 0)');
    await a.query('BEGIN');
    await a.query('UPDATE gone SET n = 1 WHERE id = 1');
    await b.query('BEGIN');
    const waiting = settle(b.query('UPDATE gone SET n = n + 100 WHERE id = 1'));
    await vecgresWaiting(s.db, 1, lastPending);
    (b as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    assert.equal((await waiting.result).ok, false);
    await a.query('COMMIT');
    assert.deepEqual((await a.query('SELECT n FROM gone')).rows, [{ n: 1 }]);
    // Nothing of b's is left holding the row.
    assert.equal((await a.query('UPDATE gone SET n = 2 WHERE id = 1')).rowCount, 1);
    await a.end();
  } finally {
    await s.close();
  }
  const db = await Vecgres.create();
  try {
    const a = await db.connect();
    const b = await db.connect();
    await a.exec('CREATE TABLE gone (id int PRIMARY KEY, n int); INSERT INTO gone VALUES (1, 0)');
    await a.exec('BEGIN; UPDATE gone SET n = 1 WHERE id = 1');
    const waiting = settle(b.query('UPDATE gone SET n = n + 100 WHERE id = 1'));
    await vecgresWaiting(db, 1, lastPending);
    await b.release();
    const r = await waiting.result;
    assert.equal(r.ok, false);
    await a.exec('COMMIT');
    assert.deepEqual((await a.query('SELECT n FROM gone')).rows, [{ n: 1 }]);
  } finally {
    await db.close();
  }
});
