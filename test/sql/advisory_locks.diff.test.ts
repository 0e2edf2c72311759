/**
 * Advisory lock functions in one session against PostgreSQL + pgvector (PGlite): results and
 * result types of the whole family, re-entrant counts, shared and exclusive holds of one
 * session, the two key spaces (bigint, and two integers), NULL keys, argument types PostgreSQL
 * refuses, the WARNING of an unlock of a lock not held, and transaction-level locks ending with
 * their transaction or a savepoint. What one session's locks do to another is
 * test/server/advisory_locks.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { db, oracle, checkAll } = await openSqlPair();

const run = (label: string, qs: readonly string[]): Promise<void> => checkAll(label, qs, undefined, SEED);

test('advisory locks: results, counts, key spaces, NULLs and argument types', async () => {
  await run('advisory lock functions', [
    `SELECT pg_advisory_lock(1) AS a, pg_advisory_lock(1) AS b, pg_advisory_lock_shared(1) AS c, pg_try_advisory_lock(1) AS d, pg_try_advisory_lock_shared(1) AS e`,
    // Three exclusive and two shared session holds of key 1: released one at a time.
    `SELECT pg_advisory_unlock(1) AS a, pg_advisory_unlock(1) AS b, pg_advisory_unlock(1) AS c, pg_advisory_unlock(1) AS d`,
    `SELECT pg_advisory_unlock_shared(1) AS a, pg_advisory_unlock_shared(1) AS b, pg_advisory_unlock_shared(1) AS c`,
    // The bigint key 1 and the integer pair (0, 1) are different locks.
    `SELECT pg_advisory_lock(0, 1) AS a, pg_advisory_unlock(1) AS b, pg_advisory_unlock(0, 1) AS c, pg_advisory_unlock(0, 1) AS d`,
    `SELECT pg_advisory_lock(-1) AS a, pg_advisory_lock(9223372036854775807) AS b, pg_advisory_lock(-2147483648, 2147483647) AS c`,
    `SELECT pg_advisory_unlock(-1) AS a, pg_advisory_unlock(9223372036854775807) AS b, pg_advisory_unlock(-2147483648, 2147483647) AS c, pg_advisory_unlock(-2147483648, -1) AS d`,
    `SELECT pg_advisory_lock(NULL) AS a, pg_try_advisory_lock(NULL) AS b, pg_advisory_unlock(NULL, 1) AS c, pg_try_advisory_xact_lock(1, NULL) AS d`,
    `SELECT pg_typeof(pg_advisory_lock(2)) AS a, pg_typeof(pg_try_advisory_lock(2)) AS b, pg_typeof(pg_advisory_unlock_all()) AS c`,
    `SELECT pg_advisory_lock(x) AS l FROM generate_series(3, 5) x`,
    `SELECT x, pg_advisory_unlock(x) AS u FROM generate_series(2, 6) x ORDER BY x`,
    `SELECT pg_advisory_lock('7') AS a, pg_advisory_lock(7::int2) AS b, pg_advisory_lock(7::int4, '8') AS c, pg_advisory_unlock_all() AS d`,
    `SELECT pg_advisory_unlock(7) AS a, pg_advisory_unlock(7, 8) AS b`,
    `SELECT pg_advisory_lock(1.5)`,
    `SELECT pg_advisory_lock(1, 2::bigint)`,
    `SELECT pg_advisory_lock('a')`,
    `SELECT pg_advisory_lock(1, 2, 3)`,
    `SELECT pg_advisory_lock()`,
    `SELECT pg_try_advisory_lock(true)`,
    `SELECT pg_advisory_unlock_all(1)`,
    `SELECT pg_advisory_unlock_all()`,
  ]);
});

test('advisory locks: transaction-level locks end with the transaction or a savepoint, session-level ones stay', async () => {
  await run('advisory lock levels', [
    `BEGIN`,
    `SELECT pg_advisory_xact_lock(10) AS a, pg_advisory_xact_lock_shared(10) AS b, pg_advisory_lock(11) AS c`,
    // An unlock releases session-level holds only.
    `SELECT pg_advisory_unlock(10) AS a, pg_advisory_unlock_shared(10) AS b`,
    `SAVEPOINT s`,
    `SELECT pg_advisory_xact_lock(12) AS a, pg_advisory_lock(13) AS b`,
    `ROLLBACK TO s`,
    `SELECT pg_advisory_unlock(13) AS a`,
    `ROLLBACK`,
    // The session-level lock taken in the rolled-back transaction is still held.
    `SELECT pg_advisory_unlock(11) AS a, pg_advisory_unlock(11) AS b`,
    `SELECT pg_try_advisory_xact_lock(14) AS a, pg_advisory_unlock(14) AS b`,
    `SELECT pg_advisory_unlock_all()`,
    // DISCARD ALL releases session-level locks, as a connection pooler expects.
    `SELECT pg_advisory_lock(15) AS a, pg_advisory_lock_shared(16) AS b`,
    `DISCARD ALL`,
    `SELECT pg_advisory_unlock(15) AS a, pg_advisory_unlock_shared(16) AS b`,
  ]);
});

test('pg_locks shows the session\'s advisory locks and its own virtual transaction; pg_blocking_pids of a session not waiting is empty', async () => {
  await run('pg_locks in one session', [
    `SELECT pg_advisory_lock(5) AS a, pg_advisory_lock(5) AS b, pg_advisory_lock_shared(6, 7) AS c, pg_advisory_lock(-1) AS d`,
    `SELECT locktype, database, relation, page, tuple, virtualxid IS NULL AS v, transactionid IS NULL AS x, classid, objid, objsubid, mode, granted, fastpath, waitstart IS NULL AS w
       FROM pg_locks WHERE locktype = 'advisory' ORDER BY objid, mode`,
    `SELECT locktype, mode, granted, fastpath, virtualxid = virtualtransaction AS own, pid = pg_backend_pid() AS mine FROM pg_locks WHERE locktype IN ('virtualxid', 'transactionid')`,
    `BEGIN`,
    `SELECT pg_advisory_xact_lock(5) AS a, txid_current() > 0 AS b`,
    `SELECT locktype, mode, granted, fastpath, pid = pg_backend_pid() AS mine FROM pg_locks WHERE locktype IN ('virtualxid', 'transactionid', 'advisory') ORDER BY 1, 2, objid`,
    `COMMIT`,
    `SELECT pg_advisory_unlock_all()`,
    `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory'`,
    `SELECT pg_blocking_pids(pg_backend_pid()) AS a, pg_blocking_pids(NULL) AS b, pg_blocking_pids(0) AS c, pg_typeof(pg_blocking_pids(1)) AS t`,
    `SELECT pg_blocking_pids(1::bigint)`,
    `SELECT pg_blocking_pids()`,
  ]);
});

test('advisory locks: an unlock of a lock not held warns as PostgreSQL', async () => {
  const statements = [
    `SELECT pg_advisory_unlock(21)`,
    `SELECT pg_advisory_unlock_shared(21, 22)`,
    `SELECT pg_advisory_lock_shared(23), pg_advisory_unlock(23), pg_advisory_unlock_shared(23), pg_advisory_unlock_shared(23)`,
  ];
  for (const sql of statements) {
    const want: string[] = [];
    const got: string[] = [];
    await oracle.query(sql, [], { onNotice: (n) => want.push(`${n.severity} ${n.code} ${n.message}`) });
    await db.query(sql, [], { onNotice: (n) => got.push(`${n.severity} ${n.code} ${n.message}`) });
    assert.ok(want.length > 0, sql);
    assert.deepEqual(got, want, sql);
  }
  // A statement that warns and then fails: the WARNING comes first, then the error.
  for (const sql of [`SELECT pg_advisory_unlock(n), 1 / (n - 24) FROM generate_series(24, 24) n`, `SELECT pg_advisory_unlock(n) FROM (VALUES (25), (26), (0)) v(n) WHERE 1 / (n - 26) IS NOT NULL`]) {
    const want: string[] = [];
    const got: string[] = [];
    const w = await oracle.query(sql, [], { onNotice: (n) => want.push(`${n.severity} ${n.code} ${n.message}`) }).then(() => 'ok', (e: { code?: string }) => `error ${e.code}`);
    const g = await db.query(sql, [], { onNotice: (n) => got.push(`${n.severity} ${n.code} ${n.message}`) }).then(() => 'ok', (e: { code?: string }) => `error ${e.code}`);
    assert.equal(w, 'error 22012', sql);
    assert.equal(g, w, sql);
    assert.ok(want.length > 0, sql);
    assert.deepEqual(got, want, sql);
  }
});

test('pg_catalog relations vecgres lacks are 0A000 by name, never 42P01; pg_locks and pg_stat_activity exist', async () => {
  for (const sql of ['SELECT gid FROM pg_prepared_xacts', 'SELECT * FROM pg_catalog.pg_prepared_xacts', 'SELECT * FROM pg_stat_wal']) {
    const want = await oracle.tryQuery(sql);
    assert.equal(want.ok, true, `PostgreSQL has it: ${sql}`);
    await assert.rejects(db.query(sql), (e: { code?: string; message: string }) => {
      assert.equal(e.code, '0A000', e.message);
      assert.match(e.message, /^pg_catalog\.pg_\w+ is not supported$/);
      return true;
    });
  }
  for (const sql of ['SELECT count(*) >= 1 AS n FROM pg_locks', 'SELECT count(*) >= 1 AS n FROM pg_catalog.pg_locks', 'SELECT count(*) >= 1 AS n FROM pg_stat_activity',
    'SELECT count(*) >= 1 AS n FROM pg_catalog.pg_stat_activity']) {
    assert.deepEqual((await db.query(sql)).rows, (await oracle.query(sql)).rows, sql);
  }
  // A table of that name in public is the user's, as in PostgreSQL when qualified.
  await db.exec('CREATE TABLE public.pg_locks (id int)');
  assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM public.pg_locks')).rows, [{ n: 0 }]);
  await db.exec('DROP TABLE public.pg_locks');
});
