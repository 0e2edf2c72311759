/**
 * pg_stat_activity, pg_cancel_backend and pg_terminate_backend across sessions, against native
 * PostgreSQL: each scenario runs on embedded sessions, node-postgres clients of the vecgres
 * server and, when `PGVECTOR_URL` is set, native PostgreSQL + pgvector, and compares what an
 * observing session sees of the others: idle, idle in a transaction, idle in a failed one,
 * holding an advisory lock and waiting for it. Process ids differ by construction, so rows are
 * named by the session whose pg_backend_pid they carry; times are compared by their order.
 */
import assert from 'node:assert/strict';
import { openNamed, settle, testOnEveryBackend, type NamedSessions, type Row, type SessionBackend } from '../support/session_backends.js';

type Sessions = NamedSessions;

/** What `observer` sees in pg_stat_activity of the scenario's other sessions, by session name. */
async function activity(s: Sessions, observer: string): Promise<Row[]> {
  const pids = Object.values(s).map((x) => x.pid);
  const r = await s[observer]!.c.q(`SELECT pid, state, wait_event_type, wait_event, query, backend_type,
      application_name = 'stat activity idle' AS named, xact_start IS NOT NULL AS in_xact, backend_xid IS NOT NULL AS has_xid,
      query_start <= state_change AS ordered, backend_start <= query_start AS started
    FROM pg_stat_activity WHERE pid IN (${pids.join(', ')}) AND pid <> pg_backend_pid() ORDER BY pid`);
  const nameOfPid = new Map(Object.entries(s).map(([n, x]) => [x.pid, n]));
  return r.rows.map((row) => ({ ...row, pid: nameOfPid.get(Number(row['pid'])) ?? 'other' }))
    .sort((a, b) => String(a['pid']).localeCompare(String(b['pid'])));
}

/** The number of `observer`'s view rows with process id `pid` (0 once that session has ended). */
async function rowsOf(s: Sessions, observer: string, pid: number): Promise<number> {
  return Number(((await s[observer]!.c.q(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ${pid}`)).rows[0] as Row)['n']);
}

/**
 * Waits until session `who` is gone from pg_stat_activity: a terminated backend exits on its
 * own (asynchronously, in PostgreSQL). Polls a bounded number of times, then fails.
 */
async function gone(s: Sessions, observer: string, who: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await rowsOf(s, observer, s[who]!.pid) === 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`session ${who} still in pg_stat_activity after pg_terminate_backend`);
}

const idle = (query: string, extra: Record<string, unknown> = {}): Row => ({
  state: 'idle', wait_event_type: 'Client', wait_event: 'ClientRead', query, backend_type: 'client backend',
  named: false, in_xact: false, has_xid: false, ordered: true, started: true, ...extra,
});

const SCENARIOS: [string, (b: SessionBackend) => Promise<void>][] = [
  ['an idle session, one idle in a transaction, one in a failed transaction, a lock holder and a waiter', async (b) => {
    const s = await openNamed(b, ['i', 't', 'x', 'h', 'w', 'q']);
    await s['i']!.c.q("SET application_name = 'stat activity idle'");
    await s['i']!.c.q("SELECT 'i' AS i");
    await s['t']!.c.q('BEGIN');
    await s['t']!.c.q('SELECT txid_current() > 0 AS t');
    await s['x']!.c.q('BEGIN');
    await s['x']!.c.q('SELECT 1 / 0 AS x').catch(() => undefined);
    await s['h']!.c.q('SELECT pg_advisory_lock(41)');
    const pw = settle(s['w']!.c.q('SELECT pg_advisory_lock(41)'));
    await b.waiting(1, pw);
    assert.deepEqual(await activity(s, 'q'), [
      { pid: 'h', ...idle('SELECT pg_advisory_lock(41)') },
      { pid: 'i', ...idle("SELECT 'i' AS i", { named: true }) },
      { pid: 't', ...idle('SELECT txid_current() > 0 AS t', { state: 'idle in transaction', in_xact: true, has_xid: true }) },
      {
        pid: 'w', ...idle('SELECT pg_advisory_lock(41)', { state: 'active', wait_event_type: 'Lock', wait_event: 'advisory', in_xact: true }),
      },
      { pid: 'x', ...idle('SELECT 1 / 0 AS x', { state: 'idle in transaction (aborted)' }) },
    ]);
    const pids = Object.values(s).map((x) => x.pid).join(', ');
    assert.deepEqual((await s['q']!.c.q(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND pid IN (${pids})`)).rows, [{ n: 2 }]);
    await s['h']!.c.q('SELECT pg_advisory_unlock_all()');
    assert.equal((await pw.result).ok, true);
    await s['t']!.c.q('COMMIT');
    await s['x']!.c.q('ROLLBACK');
    await s['w']!.c.q('SELECT pg_advisory_unlock_all()');
    const after = await activity(s, 'q');
    assert.deepEqual(after.map((r) => [r['pid'], r['state'], r['query']]), [
      ['h', 'idle', 'SELECT pg_advisory_unlock_all()'],
      ['i', 'idle', "SELECT 'i' AS i"],
      ['t', 'idle', 'COMMIT'],
      ['w', 'idle', 'SELECT pg_advisory_unlock_all()'],
      ['x', 'idle', 'ROLLBACK'],
    ]);
  }],
  ['a row lock waiter (a statement with parameters) waits on Lock / transactionid; the holder is idle in its transaction', async (b) => {
    const s = await openNamed(b, ['a', 'w', 'q']);
    await s['a']!.c.q('CREATE TABLE sa_rows (id int PRIMARY KEY, n int)');
    await s['a']!.c.q('INSERT INTO sa_rows VALUES (1, 0)');
    await s['a']!.c.q('BEGIN');
    await s['a']!.c.q('UPDATE sa_rows SET n = 1 WHERE id = 1');
    // In a block, as test/server/lock_views.test.ts: outside one, vecgres undoes the waiting
    // statement's transaction, and its id with it (README, pg_locks).
    await s['w']!.c.q('BEGIN');
    const pw = settle(s['w']!.c.q('UPDATE sa_rows SET n = $1 WHERE id = $2', [2, 1]));
    await b.waiting(1, pw);
    assert.deepEqual(await activity(s, 'q'), [
      { pid: 'a', ...idle('UPDATE sa_rows SET n = 1 WHERE id = 1', { state: 'idle in transaction', in_xact: true, has_xid: true }) },
      {
        pid: 'w', ...idle('UPDATE sa_rows SET n = $1 WHERE id = $2', { state: 'active', wait_event_type: 'Lock', wait_event: 'transactionid', in_xact: true, has_xid: true }),
      },
    ]);
    await s['a']!.c.q('COMMIT');
    assert.equal((await pw.result).ok, true);
    await s['w']!.c.q('COMMIT');
    assert.deepEqual((await s['q']!.c.q('SELECT n FROM sa_rows')).rows, [{ n: 2 }]);
    await s['a']!.c.q('DROP TABLE sa_rows');
  }],
  ['pg_cancel_backend and pg_terminate_backend of another session, waiting, idle or in a transaction, and of the session itself', async (b) => {
    const s = await openNamed(b, ['h', 'w', 'i', 't', 'q']);
    await s['h']!.c.q('SELECT pg_advisory_lock(42)');
    let pw = settle(s['w']!.c.q('SELECT pg_advisory_lock(42)'));
    await b.waiting(1, pw);
    // A cancel fails the waiting statement with 57014; the session stays.
    assert.deepEqual((await s['q']!.c.q(`SELECT pg_cancel_backend(${s['w']!.pid}) AS c`)).rows, [{ c: true }]);
    const cancelled = await pw.result;
    assert.equal(cancelled.ok ? 'ok' : cancelled.error.code, '57014');
    assert.deepEqual((await s['w']!.c.q('SELECT 1 AS a')).rows, [{ a: 1 }]);
    // A cancel of an idle session does nothing to it.
    assert.deepEqual((await s['q']!.c.q(`SELECT pg_cancel_backend(${s['i']!.pid}) AS c`)).rows, [{ c: true }]);
    assert.deepEqual((await s['i']!.c.q('SELECT 2 AS a')).rows, [{ a: 2 }]);
    // A termination fails the waiting statement with 57P01 and ends the session.
    pw = settle(s['w']!.c.q('SELECT pg_advisory_lock(42)'));
    await b.waiting(1, pw);
    assert.deepEqual((await s['q']!.c.q(`SELECT pg_terminate_backend(${s['w']!.pid}) AS t`)).rows, [{ t: true }]);
    const terminated = await pw.result;
    assert.equal(terminated.ok ? 'ok' : terminated.error.code, '57P01');
    await gone(s, 'q', 'w');
    // A session idle in a transaction: it ends, its transaction rolled back and its locks released.
    await s['t']!.c.q('BEGIN');
    await s['t']!.c.q('SELECT pg_advisory_xact_lock(43)');
    assert.deepEqual((await s['q']!.c.q(`SELECT pg_terminate_backend(${s['t']!.pid}) AS t`)).rows, [{ t: true }]);
    await gone(s, 'q', 't');
    assert.deepEqual((await s['q']!.c.q('SELECT pg_try_advisory_xact_lock(43) AS l')).rows, [{ l: true }]);
    assert.equal((await settle(s['t']!.c.q('SELECT 3 AS a')).result).ok, false, 'a terminated session runs nothing more');
    // The session's own: its statement is cancelled; its own termination ends it.
    const own = await settle(s['q']!.c.q('SELECT pg_cancel_backend(pg_backend_pid())')).result;
    assert.equal(own.ok ? 'ok' : own.error.code, '57014');
    assert.deepEqual((await s['q']!.c.q('SELECT 4 AS a')).rows, [{ a: 4 }]);
    const self = await settle(s['i']!.c.q('SELECT pg_terminate_backend(pg_backend_pid())')).result;
    assert.equal(self.ok ? 'ok' : self.error.code, '57P01');
    await gone(s, 'q', 'i');
    // Terminated sessions are no longer backends: false, with PostgreSQL's WARNING.
    assert.deepEqual((await s['q']!.c.q(`SELECT pg_terminate_backend(${s['w']!.pid}) AS t, pg_cancel_backend(${s['t']!.pid}) AS c`)).rows, [{ t: false, c: false }]);
    await s['h']!.c.q('SELECT pg_advisory_unlock_all()');
  }],
];

testOnEveryBackend('vecgres_statact', (b: SessionBackend): SessionBackend => b, SCENARIOS);
