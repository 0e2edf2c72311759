/**
 * statement_timeout (57014 from inside the executor's loops, embedded and over the wire),
 * idle_in_transaction_session_timeout (FATAL 25P03, the connection closed and its transaction
 * rolled back) and idle_session_timeout (FATAL 57P05). The settings' SET / SHOW forms are
 * compared with PostgreSQL (PGlite). No test asserts that something finished in time: a timeout
 * either fires on a statement whose work cannot end within it (millions of rows against 1 ms),
 * or on a clock that jumps an hour per read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Vecgres } from '../../src/index.js';
import { INTERRUPT_CHECK_TICKS } from '../../src/common/interrupts.js';
import { memories } from '../../src/kernels/memories.js';
import { openSqlPair } from '../support/sql_pair.js';
import { startServer } from './helpers.js';

const { same } = await openSqlPair();

/** Nine million rows through a nested loop: far more than 1 ms of work on any machine. */
const SLOW = 'SELECT count(*) FROM generate_series(1, 3000) a, generate_series(1, 3000) b';
const TIMED_OUT = (e: { code?: string; message?: string }): boolean => e.code === '57014' && e.message === 'canceling statement due to statement timeout';

test('statement_timeout and the idle timeouts: SET with units, SHOW, bad values, as PostgreSQL', async () => {
  for (const name of ['statement_timeout', 'idle_in_transaction_session_timeout', 'idle_session_timeout']) {
    for (const v of ["'50ms'", "'2s'", "'1min'", '1500', "'90s'", "'1h'", '0', "'1.5s'", "'-1'", "'10 parsecs'", "'3000000000'"]) {
      await same(`SET ${name} = ${v}`);
      await same(`SHOW ${name}`);
    }
    await same(`RESET ${name}`);
    await same(`SELECT name, setting, unit, min_val, max_val, boot_val FROM pg_settings WHERE name = '${name}'`);
  }
});

test('embedded: an exact k-NN scan past statement_timeout fails with 57014; the transaction fails, the session goes on', async () => {
  const db = await Vecgres.create();
  try {
    const rows = 4 * INTERRUPT_CHECK_TICKS;
    await db.exec(`CREATE TABLE t (id int PRIMARY KEY, e vector(3)); INSERT INTO t SELECT i, ('[' || i || ',1,2]')::vector FROM generate_series(1, ${rows}) i`);
    const knn = "SELECT id FROM t ORDER BY e <-> '[5,1,2]' LIMIT 3";
    assert.deepEqual((await db.query(knn)).rows, [{ id: 5 }, { id: 4 }, { id: 6 }]);
    // Each read of this clock is an hour later: the first check inside the scan is past any deadline.
    const interrupts = db.database.session.interrupts;
    const real = interrupts.clock;
    let t = 0;
    interrupts.clock = { nowMs: () => (t += 3_600_000), wallMs: () => t };
    try {
      // Without a timeout the clock is never a reason to stop.
      assert.deepEqual((await db.query(knn)).rows, [{ id: 5 }, { id: 4 }, { id: 6 }]);
      await db.exec("SET statement_timeout = '50ms'");
      await assert.rejects(db.query(knn), TIMED_OUT);
      // The sequential scan below a filter (`id + 0`: not the primary key's index), a sort, an
      // aggregate: each loop checks.
      await assert.rejects(db.query('SELECT id FROM t WHERE id + 0 < 0'), TIMED_OUT);
      await assert.rejects(db.query('SELECT count(*) FROM t'), TIMED_OUT);
      // Inside a block the timeout fails the transaction, as any error.
      await db.exec('BEGIN');
      await assert.rejects(db.query(knn), TIMED_OUT);
      await assert.rejects(db.query('SELECT 1'), (e: { code?: string }) => e.code === '25P02');
      await db.exec('ROLLBACK');
      // A write that times out changes nothing.
      await assert.rejects(db.query('UPDATE t SET e = e + e'), TIMED_OUT);
      await db.exec('SET statement_timeout = 0');
      assert.deepEqual((await db.query(knn)).rows, [{ id: 5 }, { id: 4 }, { id: 6 }]);
    } finally {
      interrupts.clock = real;
    }
    // On the real clock: nine million rows do not fit in 1 ms.
    await db.exec("SET statement_timeout = '1ms'");
    await assert.rejects(db.query(SLOW), TIMED_OUT);
    await db.exec('RESET statement_timeout');
    assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: rows }]);
  } finally {
    await db.close();
  }
});

test('embedded: CREATE INDEX past statement_timeout fails with 57014, leaves no index and frees what it built', async () => {
  const db = await Vecgres.create();
  try {
    const rows = 4 * INTERRUPT_CHECK_TICKS;
    await db.exec(`CREATE TABLE t (id int PRIMARY KEY, e vector(3)); INSERT INTO t SELECT i, ('[' || i || ',1,2]')::vector FROM generate_series(1, ${rows}) i`);
    const indexes = "SELECT indexname::text FROM pg_indexes WHERE tablename = 't' ORDER BY 1";
    const before = memories.allocatedBytes;
    const interrupts = db.database.session.interrupts;
    const real = interrupts.clock;
    let t = 0;
    interrupts.clock = { nowMs: () => (t += 3_600_000), wallMs: () => t };
    const builds = [
      'CREATE INDEX t_hnsw ON t USING hnsw (e vector_l2_ops)',
      'CREATE INDEX t_ivf ON t USING ivfflat (e) WITH (lists = 4)',
      'CREATE INDEX t_expr ON t USING hnsw (((e + e)::vector(3)) vector_cosine_ops)',
      'CREATE INDEX t_part ON t USING hnsw (e vector_l2_ops) WHERE id > 10',
      'CREATE INDEX t_id ON t (id DESC)',
    ];
    try {
      await db.exec("SET statement_timeout = '50ms'");
      for (const sql of builds) await assert.rejects(db.query(sql), TIMED_OUT, sql);
      // In a block: the transaction fails, and its earlier index goes with it.
      await db.exec('BEGIN');
      await db.exec('SET LOCAL statement_timeout = 0');
      await db.exec('CREATE INDEX t_first ON t (id)');
      await db.exec("SET LOCAL statement_timeout = '50ms'");
      await assert.rejects(db.query(builds[0]!), TIMED_OUT);
      await assert.rejects(db.query('SELECT 1'), (e: { code?: string }) => e.code === '25P02');
      await db.exec('ROLLBACK');
      await db.exec('SET statement_timeout = 0');
    } finally {
      interrupts.clock = real;
    }
    assert.deepEqual((await db.query(indexes)).rows, [{ indexname: 't_pkey' }]);
    assert.equal(memories.allocatedBytes, before, 'a timed-out build left memory allocated');
    // The names are free and the builds succeed without the timeout.
    for (const sql of builds) await db.exec(sql);
    assert.deepEqual((await db.query(indexes)).rows.map((r) => r.indexname), ['t_expr', 't_hnsw', 't_id', 't_ivf', 't_part', 't_pkey']);
    await db.exec('SET enable_seqscan = off');
    assert.deepEqual((await db.query("SELECT id FROM t ORDER BY e <-> '[5.2,1,2]' LIMIT 3")).rows, [{ id: 5 }, { id: 6 }, { id: 4 }]);
  } finally {
    await db.close();
  }
});

test('server: statement_timeout from SET and from the startup options cancels a long statement; the connection goes on', async () => {
  const s = await startServer();
  try {
    const c = new pg.Client(s.conn);
    await c.connect();
    await c.query("SET statement_timeout = '1ms'");
    await assert.rejects(c.query(SLOW), TIMED_OUT);
    // The extended protocol too.
    await assert.rejects(c.query({ text: 'SELECT count(*) FROM generate_series(1, $1::int) a, generate_series(1, 3000) b', values: [3000] }), TIMED_OUT);
    assert.equal((await c.query('SHOW statement_timeout')).rows[0].statement_timeout, '1ms');
    await c.query('RESET statement_timeout');
    assert.equal((await c.query('SELECT 1 AS x')).rows[0].x, 1);
    await c.end();
    const d = new pg.Client({ ...s.conn, options: '-c statement_timeout=1ms' });
    await d.connect();
    await assert.rejects(d.query(SLOW), TIMED_OUT);
    await d.end();
  } finally {
    await s.close();
  }
});

/** The first error a pg client reports while idle (the FATAL; then pg reports the closed socket too). */
function nextError(c: pg.Client): Promise<pg.DatabaseError> {
  return new Promise((resolve) => {
    const seen: Error[] = [];
    c.on('error', (e) => {
      seen.push(e);
      if (seen.length === 1) resolve(e as pg.DatabaseError);
    });
  });
}

test('server: idle_in_transaction_session_timeout ends an idle transaction with FATAL 25P03 and rolls it back', async () => {
  const s = await startServer();
  try {
    const c = new pg.Client(s.conn);
    await c.connect();
    await c.query('CREATE TABLE kept (id int PRIMARY KEY)');
    await c.query("SET idle_in_transaction_session_timeout = '20ms'");
    const err = nextError(c);
    // One round trip, so that the client's own pace never counts as idle time.
    await c.query('BEGIN; INSERT INTO kept VALUES (1)');
    const e = await err;
    assert.equal(e.code, '25P03');
    assert.equal(e.severity, 'FATAL');
    assert.equal(e.message, 'terminating connection due to idle-in-transaction timeout');
    for (let i = 0; i < 200 && s.server.connectionCount > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(s.server.connectionCount, 0);
    const d = new pg.Client(s.conn);
    await d.connect();
    assert.equal((await d.query('SELECT count(*)::int AS n FROM kept')).rows[0].n, 0);
    await d.end();
  } finally {
    await s.close();
  }
});

test('server: idle_session_timeout ends an idle session outside a transaction with FATAL 57P05', async () => {
  const s = await startServer();
  try {
    const c = new pg.Client({ ...s.conn, options: '-c idle_session_timeout=20ms' });
    const err = nextError(c);
    await c.connect();
    const e = await err;
    assert.equal(e.code, '57P05');
    assert.equal(e.message, 'terminating connection due to idle-session timeout');
  } finally {
    await s.close();
  }
});
