/**
 * pg_stat_activity, pg_cancel_backend and pg_terminate_backend in one session against
 * PostgreSQL + pgvector (PGlite): the view's columns and their types, what a session sees of
 * itself (active, its own query, a transaction start, no wait), and the functions' answers for
 * a process id that is no backend (false and a WARNING), NULL and argument types. Several
 * sessions seeing each other (idle, in a transaction, waiting) and the functions' effect on
 * another session are test/server/stat_activity.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { db, oracle, checkAll } = await openSqlPair();

const run = (label: string, qs: readonly string[]): Promise<void> => checkAll(label, qs, undefined, SEED);

/** The columns vecgres serves as text because it has no such type yet (inet, xid). */
const TEXT_STAND_INS: Record<string, number> = { client_addr: 869, backend_xid: 28, backend_xmin: 28 };
const TEXT_OID = 25;

test('pg_stat_activity has PostgreSQL 18\'s columns, in its order, with its types (inet and xid as text)', async () => {
  const sql = 'SELECT * FROM pg_stat_activity WHERE false';
  const want = await oracle.query(sql);
  const got = await db.query(sql);
  assert.equal(got.rows.length, 0);
  assert.deepEqual(got.fields.map((f) => f.name), want.fields.map((f) => f.name));
  for (const [i, f] of want.fields.entries()) {
    const stand = TEXT_STAND_INS[f.name];
    assert.equal(got.fields[i]!.dataTypeID, stand === undefined ? f.dataTypeID : TEXT_OID, f.name);
    if (stand !== undefined) assert.equal(f.dataTypeID, stand, `PostgreSQL's type of ${f.name}`);
  }
  await run('pg_stat_activity columns', [
    `SELECT count(*) AS n FROM pg_stat_activity WHERE false`,
    `SELECT pg_typeof(backend_start) AS a, pg_typeof(query_start) AS b, pg_typeof(pid) AS c, pg_typeof(query_id) AS d, pg_typeof(datid) AS e
       FROM pg_stat_activity WHERE pid = pg_backend_pid()`,
    `SELECT datid, leader_pid, usesysid FROM pg_stat_activity WHERE false`,
  ]);
});

test('pg_stat_activity as a regclass (what \\d-like catalog queries start from) is 0A000, never "does not exist"', async () => {
  for (const sql of [`SELECT 'pg_stat_activity'::regclass::oid > 0 AS a`, `SELECT 'pg_catalog.pg_locks'::regclass::oid > 0 AS a`]) {
    assert.deepEqual((await oracle.query(sql)).rows, [{ a: true }], sql);
    await assert.rejects(db.query(sql), (e: { code?: string; message: string }) => {
      assert.equal(e.code, '0A000', e.message);
      assert.match(e.message, /^regclass of pg_catalog\.pg_\w+ is not supported$/);
      return true;
    });
  }
  // A table of the user's is found as before.
  await db.exec('CREATE TABLE sa_t (id int)');
  assert.equal(typeof (await db.query<{ o: unknown }>(`SELECT 'sa_t'::regclass::oid AS o`)).rows[0]!.o, 'number');
  await db.exec('DROP TABLE sa_t');
});

test('pg_stat_activity: the session sees itself active, running this query, in a transaction, not waiting', async () => {
  await run('pg_stat_activity of the session itself', [
    // client_addr and backend_xid are text here (inet, xid there): compared through IS NULL.
    `SELECT datname, state, wait_event_type, wait_event, query, application_name, client_addr IS NULL AS no_addr, client_hostname, client_port,
        leader_pid, query_id, backend_xid IS NULL AS no_xid, xact_start IS NOT NULL AS in_xact, backend_xmin IS NOT NULL AS has_xmin,
        query_start <= now() + interval '1 hour' AS started, backend_start <= query_start AS ordered,
        state_change >= query_start AS changed
       FROM pg_stat_activity WHERE pid = pg_backend_pid()`,
    `SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND pid = pg_backend_pid()`,
    `SET application_name = 'stat activity test'`,
    `SELECT application_name, now() - query_start < interval '1 hour' AS recent FROM pg_stat_activity WHERE pid = pg_backend_pid()`,
    `BEGIN`,
    `SELECT txid_current() > 0 AS t`,
    `SELECT state, xact_start = now() AS same_start, backend_xid IS NOT NULL AS has_xid FROM pg_stat_activity WHERE pid = pg_backend_pid()`,
    `COMMIT`,
    // PostgreSQL keeps at most 63 bytes, cut between characters, and writes bytes outside
    // printable ASCII as \xNN (pg_clean_ascii).
    `SELECT length(set_config('application_name', repeat('x', 100), false)) AS a, length(set_config('application_name', repeat('x', 63) || chr(9), false)) AS b`,
    `SELECT set_config('application_name', repeat('é', 40), false) AS a`,
    `SELECT set_config('application_name', 'a' || chr(9) || 'b' || chr(127) || '☃', false) AS a`,
    `SET application_name = 'ü'`,
    `SHOW application_name`,
    `SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()`,
    `RESET application_name`,
    `SELECT state, wait_event FROM pg_catalog.pg_stat_activity WHERE pid = pg_backend_pid()`,
  ]);
});

test('pg_cancel_backend and pg_terminate_backend: a pid that is no backend, NULL, argument types', async () => {
  await run('signal functions', [
    `SELECT pg_cancel_backend(NULL) AS a, pg_terminate_backend(NULL) AS b, pg_typeof(pg_cancel_backend(NULL)) AS c`,
    `SELECT pg_cancel_backend(123456789) AS a`,
    `SELECT pg_terminate_backend(123456789) AS a`,
    `SELECT pg_cancel_backend('123456789') AS a, pg_terminate_backend(123456789::int2) AS b`,
    `SELECT pg_cancel_backend('x')`,
    `SELECT pg_cancel_backend(1::bigint)`,
    `SELECT pg_terminate_backend(1.5)`,
    `SELECT pg_cancel_backend()`,
    `SELECT pg_cancel_backend(1, 2)`,
  ]);
  // The WARNING for a process id that is no backend, as PostgreSQL words it.
  for (const sql of ['SELECT pg_cancel_backend(123456789)', 'SELECT pg_terminate_backend(-5)']) {
    const want: string[] = [];
    const got: string[] = [];
    await oracle.query(sql, [], { onNotice: (n) => want.push(`${n.severity} ${n.code} ${n.message}`) });
    await db.query(sql, [], { onNotice: (n) => got.push(`${n.severity} ${n.code} ${n.message}`) });
    assert.equal(want.length, 1, sql);
    assert.deepEqual(got, want, sql);
  }
  // A timeout (wait for the session to end) is not supported: 0A000, never a different answer.
  await assert.rejects(db.query('SELECT pg_terminate_backend(123456789, 10)'), (e: { code?: string; message: string }) => {
    assert.equal(e.code, '0A000', e.message);
    assert.match(e.message, /pg_terminate_backend with a timeout/);
    return true;
  });
});
