/**
 * Advisory locks queue behind waiters, as PostgreSQL's lock manager queues them (lock.c's wait
 * mask, proc.c's JoinWaitQueue and ProcLockWakeup, deadlock.c's soft edges): each scenario runs
 * on embedded sessions, node-postgres clients of the vecgres server and, when `PGVECTOR_URL` is
 * set, native PostgreSQL + pgvector, with the same script and the same observed results: which
 * calls return and in which order, and what a try returns.
 *
 * No assertion depends on timing: "c waits" is checked once the backend reports c's session
 * waiting for a lock; "c still waits" after another call returned is checked where PostgreSQL
 * cannot grant c's lock before a later step of the script.
 */
import assert from 'node:assert/strict';
import { closerDetectsDeadlock, one, settle, testOnEveryBackend, type SessionBackend, type SessionConn, type Settled } from '../support/session_backends.js';

/** Starts `sql` on `c` expected to wait; its name goes to `order` when it returns. */
function waiting(c: SessionConn, sql: string, name: string, order: string[]): Settled<unknown> {
  const s = settle(c.q(sql));
  void s.result.then(() => order.push(name));
  return s;
}

const SCENARIOS: [string, (b: SessionBackend) => Promise<void>][] = [
  ['a shared request waits behind a queued exclusive one; try returns false; the exclusive waiter goes first', async (b) => {
    const [a, w, c] = await b.open(3);
    const order: string[] = [];
    await a!.q('SELECT pg_advisory_lock_shared(1)');
    const pw = waiting(w!, 'SELECT pg_advisory_lock(1)', 'w', order);
    await b.waiting(1, pw);
    assert.equal(await one(c!, 'SELECT pg_try_advisory_lock_shared(1)'), false, 'a shared lock is held, but an exclusive request is queued');
    assert.equal(await one(c!, 'SELECT pg_try_advisory_xact_lock_shared(1)'), false);
    assert.equal(await one(a!, 'SELECT pg_try_advisory_lock_shared(1)'), true, 'the holder takes a mode it holds again at once');
    assert.equal(await one(a!, 'SELECT pg_advisory_unlock_shared(1)'), true);
    const pc = waiting(c!, 'SELECT pg_advisory_lock_shared(1)', 'c', order);
    await b.waiting(2, pc);
    assert.equal(await one(a!, 'SELECT pg_advisory_unlock_shared(1)'), true);
    assert.equal((await pw.result).ok, true);
    assert.equal(pc.done, false, 'the shared waiter waits for the exclusive holder now');
    assert.equal(await one(a!, 'SELECT pg_try_advisory_lock_shared(1)'), false);
    await w!.q('SELECT pg_advisory_unlock(1)');
    assert.equal((await pc.result).ok, true);
    assert.deepEqual(order, ['w', 'c']);
    // A shared holder alone again: shared requests share it.
    assert.equal(await one(a!, 'SELECT pg_try_advisory_lock_shared(1)'), true);
    for (const s of [a!, w!, c!]) await s.q('SELECT pg_advisory_unlock_all()');
  }],
  ['waiters are granted in queue order: shared ones together up to the first exclusive one', async (b) => {
    const [a, s1, x1, s2, s3] = await b.open(5);
    const order: string[] = [];
    await a!.q('SELECT pg_advisory_lock(2)');
    const p1 = waiting(s1!, 'SELECT pg_advisory_lock_shared(2)', 's1', order);
    await b.waiting(1, p1);
    const p2 = waiting(x1!, 'SELECT pg_advisory_lock(2)', 'x1', order);
    await b.waiting(2, p2);
    const p3 = waiting(s2!, 'SELECT pg_advisory_lock_shared(2)', 's2', order);
    await b.waiting(3, p3);
    const p4 = waiting(s3!, 'SELECT pg_advisory_lock_shared(2)', 's3', order);
    await b.waiting(4, p4);
    await a!.q('SELECT pg_advisory_unlock(2)');
    assert.equal((await p1.result).ok, true);
    assert.equal(p2.done || p3.done || p4.done, false, 'the exclusive waiter waits for s1, the shared ones behind it for it');
    await s1!.q('SELECT pg_advisory_unlock_shared(2)');
    assert.equal((await p2.result).ok, true);
    assert.equal(p3.done || p4.done, false);
    await x1!.q('SELECT pg_advisory_unlock(2)');
    assert.equal((await p3.result).ok, true);
    assert.equal((await p4.result).ok, true);
    assert.deepEqual(order.slice(0, 2), ['s1', 'x1']);
    assert.deepEqual(order.slice(2).sort(), ['s2', 's3']);
    for (const s of [s2!, s3!]) await s.q('SELECT pg_advisory_unlock_all()');
  }],
  ['a holder of a shared lock asking for the exclusive one goes ahead of a queued exclusive request', async (b) => {
    const [a, d, w] = await b.open(3);
    const order: string[] = [];
    await a!.q('SELECT pg_advisory_lock_shared(3)');
    const pw = waiting(w!, 'SELECT pg_advisory_lock(3)', 'w', order);
    await b.waiting(1, pw);
    // Nothing else conflicts: granted at once (a conditional request sees the queued mode and says no).
    assert.equal(await one(a!, 'SELECT pg_try_advisory_lock(3)'), false);
    const now = settle(a!.q('SELECT pg_advisory_lock(3)'));
    await b.waiting(2, now);
    assert.equal(now.done, true, 'granted without waiting');
    assert.equal(await one(a!, 'SELECT pg_advisory_unlock(3)'), true);
    // Another shared holder: a waits for it, still ahead of w.
    assert.equal(await one(d!, 'SELECT pg_try_advisory_lock_shared(3)'), false, 'the queued exclusive request keeps new shared ones out');
    await a!.q('SELECT pg_advisory_unlock_shared(3)');
    assert.equal((await pw.result).ok, true);
    assert.deepEqual(order, ['w']);
    await w!.q('SELECT pg_advisory_unlock(3)');
    await a!.q('SELECT pg_advisory_lock_shared(3)');
    await d!.q('SELECT pg_advisory_lock_shared(3)');
    const pw2 = waiting(w!, 'SELECT pg_advisory_lock(3)', 'w', order);
    await b.waiting(1, pw2);
    const pa = waiting(a!, 'SELECT pg_advisory_lock(3)', 'a', order);
    await b.waiting(2, pa);
    await d!.q('SELECT pg_advisory_unlock_shared(3)');
    assert.equal((await pa.result).ok, true);
    assert.equal(pw2.done, false, 'w waits for a');
    await a!.q('SELECT pg_advisory_unlock_all()');
    assert.equal((await pw2.result).ok, true);
    assert.deepEqual(order, ['w', 'a', 'w']);
    await w!.q('SELECT pg_advisory_unlock_all()');
  }],
  ['a waiter whose session ends leaves the queue: the shared request behind it is granted', async (b) => {
    const [a, w, c, extra] = await b.open(4);
    // PostgreSQL notices a closed connection of a backend waiting for a lock only when it checks.
    if (b.native) await w!.q("SET client_connection_check_interval = '10ms'");
    await a!.q('SELECT pg_advisory_lock_shared(4)');
    const pw = settle(w!.q('SELECT pg_advisory_lock(4)'));
    await b.waiting(1, pw);
    const pc = settle(c!.q('SELECT pg_advisory_lock_shared(4)'));
    await b.waiting(2, pc);
    await w!.end();
    assert.equal((await pw.result).ok, false);
    assert.equal((await pc.result).ok, true);
    assert.equal(await one(extra!, 'SELECT pg_try_advisory_lock_shared(4)'), true);
    assert.equal(await one(extra!, 'SELECT pg_try_advisory_lock(4)'), false);
    for (const s of [a!, c!, extra!]) await s.q('SELECT pg_advisory_unlock_all()');
  }],
  ['a waiter whose statement is cancelled leaves the queue: the shared request behind it is granted', async (b) => {
    const [a, w, c] = await b.open(3);
    await a!.q('SELECT pg_advisory_lock_shared(8)');
    const pw = settle(w!.q('SELECT pg_advisory_lock(8)'));
    await b.waiting(1, pw);
    const pc = settle(c!.q('SELECT pg_advisory_lock_shared(8)'));
    await b.waiting(2, pc);
    assert.equal(pc.done, false, 'c waits behind w');
    await w!.cancel();
    const rw = await pw.result;
    assert.equal(rw.ok, false);
    assert.equal((rw as { error: { code?: string } }).error.code, '57014');
    assert.equal((await pc.result).ok, true);
    assert.equal(await one(w!, 'SELECT pg_try_advisory_lock(8)'), false);
    assert.equal(await one(w!, 'SELECT pg_try_advisory_lock_shared(8)'), true, 'no exclusive request waits any more');
    for (const s of [a!, w!, c!]) await s.q('SELECT pg_advisory_unlock_all()');
  }],
  ['a waiter whose lock_timeout or statement_timeout ends its wait leaves the queue', async (b) => {
    const [a, w, c] = await b.open(3);
    await a!.q('SELECT pg_advisory_lock_shared(9)');
    for (const setting of ['lock_timeout', 'statement_timeout']) {
      await w!.q(`SET ${setting} = '50ms'`);
      const r = await settle(w!.q('SELECT pg_advisory_lock(9)')).result;
      assert.equal(r.ok, false);
      assert.equal((r as { error: { code?: string } }).error.code, setting === 'lock_timeout' ? '55P03' : '57014');
      await w!.q(`RESET ${setting}`);
      // Had the exclusive request stayed queued, a shared request would have to wait behind it.
      assert.equal(await one(c!, 'SELECT pg_try_advisory_lock_shared(9)'), true, setting);
      assert.equal(await one(c!, 'SELECT pg_advisory_unlock_shared(9)'), true);
    }
    await a!.q('SELECT pg_advisory_unlock_all()');
  }],
  ['a cycle through a queued request is broken by letting the waiter behind go first, not by an error', async (b) => {
    const [h, w1, w2, w3] = await b.open(4);
    const order: string[] = [];
    await closerDetectsDeadlock(b, w1!, h!);
    if (b.native) for (const s of [w2!, w3!]) await s.q("SET deadlock_timeout = '60s'");
    await h!.q('SELECT pg_advisory_lock_shared(50)');
    await w2!.q('SELECT pg_advisory_lock(51)');
    const p1 = waiting(w1!, 'SELECT pg_advisory_lock(50)', 'w1', order);
    await b.waiting(1, p1);
    // w2's shared request waits behind w1's exclusive one (w1 waits for h); w3's behind both.
    const p2 = waiting(w2!, 'SELECT pg_advisory_lock_shared(50)', 'w2', order);
    await b.waiting(2, p2);
    assert.equal(p2.done, false, 'w2 waits behind w1');
    const p3 = waiting(w3!, 'SELECT pg_advisory_lock_shared(50)', 'w3', order);
    await b.waiting(3, p3);
    // h waits for w2: h -> w2 -> (queued behind) w1 -> h. Putting w2 ahead of w1 breaks it;
    // w3, in no cycle, keeps its place behind w1.
    const ph = waiting(h!, 'SELECT pg_advisory_lock(51)', 'h', order);
    const r2 = await p2.result;
    assert.equal(r2.ok, true, 'w2 was granted its shared lock ahead of w1');
    assert.equal(ph.done, false, 'h waits for w2');
    assert.equal(p1.done, false, 'w1 waits for h and w2');
    assert.equal(p3.done, false, 'w3 waits behind w1');
    await w2!.q('SELECT pg_advisory_unlock(51)');
    assert.equal((await ph.result).ok, true);
    await h!.q('SELECT pg_advisory_unlock_all()');
    assert.equal(p1.done || p3.done, false, 'w1 waits for w2, w3 behind w1');
    await w2!.q('SELECT pg_advisory_unlock_all()');
    assert.equal((await p1.result).ok, true);
    assert.equal(p3.done, false, 'w3 waits for w1');
    await w1!.q('SELECT pg_advisory_unlock_all()');
    assert.equal((await p3.result).ok, true);
    assert.deepEqual(order, ['w2', 'h', 'w1', 'w3']);
    await w3!.q('SELECT pg_advisory_unlock_all()');
  }],
  ['a request that would have to wait for a waiter that waits for it is a deadlock at once', async (b) => {
    const [a, w] = await b.open(2);
    await a!.q('SELECT pg_advisory_lock_shared(70)');
    await w!.q('SELECT pg_advisory_lock_shared(70)');
    const pw = settle(w!.q('SELECT pg_advisory_lock(70)'));
    await b.waiting(1, pw);
    // a holds a shared lock w's request waits for, and w holds one a's request would wait for.
    const r = await settle(a!.q('SELECT pg_advisory_lock(70)')).result;
    assert.equal(r.ok, false);
    const e = (r as { error: { code?: string; detail?: string } }).error;
    assert.equal(e.code, '40P01');
    assert.match(e.detail ?? '', /^Process \d+ waits for ExclusiveLock on advisory lock \[\d+,0,70,1\]; blocked by process \d+\.\nProcess \d+ waits for ExclusiveLock on advisory lock \[\d+,0,70,1\]; blocked by process \d+\.$/);
    await a!.q('SELECT pg_advisory_unlock_all()');
    assert.equal((await pw.result).ok, true);
    await w!.q('SELECT pg_advisory_unlock_all()');
  }],
];

testOnEveryBackend('vecgres_advq', (b: SessionBackend): SessionBackend => b, SCENARIOS);
