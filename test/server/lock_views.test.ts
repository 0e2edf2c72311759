/**
 * pg_locks and pg_blocking_pids against native PostgreSQL: each scenario runs on embedded
 * sessions, node-postgres clients of the vecgres server and, when `PGVECTOR_URL` is set, native
 * PostgreSQL + pgvector, and compares what an observing session sees.
 *
 * PostgreSQL also shows relation and tuple locks vecgres does not take, so both sides are read
 * through the locktypes vecgres has (advisory, transactionid, virtualxid) and the sessions of
 * the scenario. Values that differ by construction are named by the session they belong to:
 * process ids (pg_backend_pid of each session), virtual transaction ids (the session whose
 * virtualxid row carries it; `backendId/0` of a session outside a transaction is `name/0`) and
 * transaction ids (the session holding it ExclusiveLock). pg_blocking_pids arrays are compared
 * sorted (PostgreSQL lists them in the order of its lock's process list).
 */
import assert from 'node:assert/strict';
import { openNamed, settle, testOnEveryBackend, type NamedSessions, type Row, type SessionBackend } from '../support/session_backends.js';

type Sessions = NamedSessions;

/** What `observer` sees in pg_locks of the scenario's sessions, with ids named by session, sorted. */
async function lockRows(s: Sessions, observer: string): Promise<string[]> {
  const pids = Object.values(s).map((x) => x.pid);
  const r = await s[observer]!.c.q(`SELECT locktype, database, classid, objid, objsubid, virtualxid, transactionid, virtualtransaction, pid,
      mode, granted, fastpath, waitstart IS NOT NULL AS waiting
    FROM pg_locks WHERE locktype IN ('advisory', 'transactionid', 'virtualxid') AND pid IN (${pids.join(', ')})`);
  const nameOfPid = new Map(Object.entries(s).map(([n, x]) => [x.pid, n]));
  const nameOfVxid = new Map<string, string>();
  const nameOfXid = new Map<string, string>();
  for (const row of r.rows) {
    const who = nameOfPid.get(Number(row['pid']))!;
    if (row['locktype'] === 'virtualxid') nameOfVxid.set(String(row['virtualxid']), who);
    if (row['locktype'] === 'transactionid' && row['granted'] === true) nameOfXid.set(String(row['transactionid']), who);
  }
  const vx = (v: unknown): unknown => {
    if (v === null) return null;
    const t = String(v);
    if (nameOfVxid.has(t)) return nameOfVxid.get(t);
    return t.endsWith('/0') ? 'no transaction' : `unknown ${t}`;
  };
  return r.rows.map((row) => JSON.stringify({
    ...row,
    database: row['database'] === null ? null : Number(row['database']),
    classid: row['classid'] === null ? null : Number(row['classid']),
    objid: row['objid'] === null ? null : Number(row['objid']),
    objsubid: row['objsubid'] === null ? null : Number(row['objsubid']),
    pid: nameOfPid.get(Number(row['pid'])),
    virtualxid: vx(row['virtualxid']),
    virtualtransaction: vx(row['virtualtransaction']),
    transactionid: row['transactionid'] === null ? null : nameOfXid.get(String(row['transactionid'])) ?? 'other',
  })).sort();
}

/** pg_blocking_pids of `who` as `observer` sees it, named by session and sorted. */
async function blocking(s: Sessions, observer: string, who: string): Promise<string[]> {
  const r = await s[observer]!.c.q(`SELECT pg_blocking_pids(${s[who]!.pid}) AS p`);
  const nameOfPid = new Map(Object.entries(s).map(([n, x]) => [x.pid, n]));
  const arr = (r.rows[0] as Row)['p'] as number[];
  return arr.map((p) => nameOfPid.get(Number(p)) ?? 'other').sort();
}

const row = (o: Record<string, unknown>): string => JSON.stringify({
  locktype: o['locktype'], database: o['database'] ?? null, classid: o['classid'] ?? null, objid: o['objid'] ?? null, objsubid: o['objsubid'] ?? null,
  virtualxid: o['virtualxid'] ?? null, transactionid: o['transactionid'] ?? null, virtualtransaction: o['virtualtransaction'], pid: o['pid'],
  mode: o['mode'], granted: o['granted'] ?? true, fastpath: o['fastpath'] ?? false, waiting: o['waiting'] ?? false,
});
const vxidRow = (who: string): string => row({ locktype: 'virtualxid', virtualxid: who, virtualtransaction: who, pid: who, mode: 'ExclusiveLock', fastpath: true });
const advisoryRow = (who: string, vxid: string, objid: number, mode: string, extra: Record<string, unknown> = {}): string =>
  row({ locktype: 'advisory', database: 5, classid: 0, objid, objsubid: 1, virtualtransaction: vxid, pid: who, mode, ...extra });

const SCENARIOS: [string, (b: SessionBackend) => Promise<void>][] = [
  ['advisory locks held at session and transaction level, by an idle session and one in a block, and a waiter', async (b) => {
    const s = await openNamed(b, ['a', 'w', 'c', 'q']);
    await s['a']!.c.q('SELECT pg_advisory_lock(1), pg_advisory_lock(1), pg_advisory_lock_shared(1), pg_advisory_lock(7, 8)');
    await s['c']!.c.q('BEGIN');
    await s['c']!.c.q('SELECT pg_advisory_xact_lock_shared(3), pg_advisory_lock_shared(3)');
    const pw = settle(s['w']!.c.q('SELECT pg_advisory_lock(1)'));
    await b.waiting(1, pw);
    const got = await lockRows(s, 'q');
    const want = [
      advisoryRow('a', 'no transaction', 1, 'ExclusiveLock'),
      advisoryRow('a', 'no transaction', 1, 'ShareLock'),
      row({ locktype: 'advisory', database: 5, classid: 7, objid: 8, objsubid: 2, virtualtransaction: 'no transaction', pid: 'a', mode: 'ExclusiveLock' }),
      advisoryRow('c', 'c', 3, 'ShareLock'),
      vxidRow('c'),
      advisoryRow('w', 'w', 1, 'ExclusiveLock', { granted: false, waiting: true }),
      vxidRow('w'),
      vxidRow('q'),
    ].sort();
    assert.deepEqual(got, want);
    assert.deepEqual(await blocking(s, 'q', 'w'), ['a']);
    assert.deepEqual(await blocking(s, 'q', 'a'), []);
    assert.deepEqual((await s['q']!.c.q('SELECT pg_blocking_pids(NULL) AS p')).rows, [{ p: null }]);
    await s['a']!.c.q('SELECT pg_advisory_unlock_all()');
    assert.equal((await pw.result).ok, true);
    await s['c']!.c.q('COMMIT');
    assert.deepEqual(await lockRows(s, 'q'), [
      advisoryRow('c', 'no transaction', 3, 'ShareLock'),
      advisoryRow('w', 'no transaction', 1, 'ExclusiveLock'),
      vxidRow('q'),
    ].sort());
    for (const x of ['c', 'w']) await s[x]!.c.q('SELECT pg_advisory_unlock_all()');
  }],
  ['a shared request queued behind an exclusive one is blocked by the waiter, not the shared holder', async (b) => {
    const s = await openNamed(b, ['a', 'w', 'c', 'q']);
    await s['a']!.c.q('SELECT pg_advisory_lock_shared(5)');
    const pw = settle(s['w']!.c.q('SELECT pg_advisory_lock(5)'));
    await b.waiting(1, pw);
    const pc = settle(s['c']!.c.q('SELECT pg_advisory_lock_shared(5)'));
    await b.waiting(2, pc);
    assert.deepEqual(await lockRows(s, 'q'), [
      advisoryRow('a', 'no transaction', 5, 'ShareLock'),
      advisoryRow('w', 'w', 5, 'ExclusiveLock', { granted: false, waiting: true }),
      advisoryRow('c', 'c', 5, 'ShareLock', { granted: false, waiting: true }),
      vxidRow('w'),
      vxidRow('c'),
      vxidRow('q'),
    ].sort());
    assert.deepEqual(await blocking(s, 'q', 'w'), ['a']);
    assert.deepEqual(await blocking(s, 'q', 'c'), ['w']);
    await s['a']!.c.q('SELECT pg_advisory_unlock_all()');
    assert.equal((await pw.result).ok, true);
    assert.deepEqual(await blocking(s, 'q', 'c'), ['w'], 'now a holder');
    await s['w']!.c.q('SELECT pg_advisory_unlock_all()');
    assert.equal((await pc.result).ok, true);
    await s['c']!.c.q('SELECT pg_advisory_unlock_all()');
  }],
  ['a row lock waiter awaits ShareLock on the holder transaction; both hold their own transaction ids', async (b) => {
    const s = await openNamed(b, ['a', 'w', 'q']);
    await s['a']!.c.q('CREATE TABLE lv_rows (id int PRIMARY KEY, n int)');
    await s['a']!.c.q('INSERT INTO lv_rows VALUES (1, 0), (2, 0)');
    await s['a']!.c.q('BEGIN');
    await s['a']!.c.q('UPDATE lv_rows SET n = 1 WHERE id = 1');
    await s['w']!.c.q('BEGIN');
    await s['w']!.c.q('UPDATE lv_rows SET n = 2 WHERE id = 2');
    const pw = settle(s['w']!.c.q('UPDATE lv_rows SET n = 3 WHERE id = 1'));
    await b.waiting(1, pw);
    const xidRow = (who: string, owner: string, mode: string, extra: Record<string, unknown> = {}): string =>
      row({ locktype: 'transactionid', transactionid: owner, virtualtransaction: who, pid: who, mode, ...extra });
    assert.deepEqual(await lockRows(s, 'q'), [
      vxidRow('a'),
      xidRow('a', 'a', 'ExclusiveLock'),
      vxidRow('w'),
      xidRow('w', 'w', 'ExclusiveLock'),
      xidRow('w', 'a', 'ShareLock', { granted: false, waiting: true }),
      vxidRow('q'),
    ].sort());
    assert.deepEqual(await blocking(s, 'q', 'w'), ['a']);
    assert.deepEqual(await blocking(s, 'q', 'a'), []);
    await s['a']!.c.q('COMMIT');
    assert.equal((await pw.result).ok, true);
    assert.deepEqual(await blocking(s, 'q', 'w'), []);
    await s['w']!.c.q('COMMIT');
    assert.deepEqual(await lockRows(s, 'q'), [vxidRow('q')]);
    await s['a']!.c.q('DROP TABLE lv_rows');
  }],
];

testOnEveryBackend('vecgres_lockviews', (b: SessionBackend): SessionBackend => b, SCENARIOS);
