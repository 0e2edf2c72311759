/**
 * A statement that waits (a row lock another transaction holds, a parallel exact scan off the
 * event loop) is undone and runs again (sql/exec/statement_rerun.ts): what its first run drew
 * must not be drawn twice. Each lock scenario runs on embedded sessions, on node-postgres
 * clients of the vecgres server, and, when `PGVECTOR_URL` is set, on native PostgreSQL +
 * pgvector with the same expectations (PostgreSQL waits inside the row lock and re-checks the
 * row, it never re-runs the statement: one nextval per row, setval applied once, now() from
 * before the wait, a notification queued once).
 *
 * No assertion depends on timing: "w waits" is checked once the backend reports a session
 * waiting for a lock; the only clock comparison orders the statement's start before a reading
 * taken while it waits (and the reading is made to differ from the start first).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { scanTestHooks } from '../../src/sql/exec/parallel_knn_async.js';
import { hold, track } from '../support/gates.js';
import { oracleForFile } from '../support/pglite.js';
import { embeddedBackend, testOnEveryBackend, type Row, type SessionBackend } from '../support/session_backends.js';

interface Conn {
  q(sql: string, params?: unknown[]): Promise<Row[]>;
  /** LISTEN `channel`: the payloads received on it, in arrival order (the array grows). */
  listen(channel: string): Promise<string[]>;
}

interface Backend {
  name: string;
  native: boolean;
  open(n: number): Promise<Conn[]>;
  /** Resolves once a session waits for a lock (or the statement `pending` already ended). */
  blocked(pending: { done: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** A backend of the shared set, its statements answering rows. */
function adapt(b: SessionBackend): Backend {
  return {
    name: b.name,
    native: b.native,
    async open(n) {
      return (await b.open(n)).map((c) => ({ q: async (sql, params) => (await c.q(sql, params)).rows, listen: (ch) => c.listen(ch) }));
    },
    blocked: (pending) => b.waiting(1, pending),
    close: () => b.close(),
  };
}

/** A statement's outcome, without rejecting, and whether it has settled. */
function settle(p: Promise<Row[]>): { done: boolean; rows: Promise<Row[]> } {
  const s = { done: false, rows: p };
  p.then(() => {
    s.done = true;
  }, () => {
    s.done = true;
  });
  return s;
}

/** Int8 and numeric values as numbers (node-postgres returns them as text). */
function nums(rows: Row[]): Row[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v])));
}

/**
 * `a` holds `lock` (a statement run in its open block) while `w` runs `stmt`: once `w` waits,
 * `during` runs (other sessions act meanwhile), then `a` commits (after `beforeCommit`) and
 * `w`'s rows are returned.
 */
async function whileHeld(b: Backend, a: Conn, lock: string, w: Conn, stmt: string, during: () => Promise<void>, beforeCommit: () => Promise<void> = async () => undefined, params?: unknown[]): Promise<Row[]> {
  await a.q('BEGIN');
  await a.q(lock);
  const s = settle(w.q(stmt, params));
  await b.blocked(s);
  assert.equal(s.done, false, `${stmt} waits for the row lock`);
  await during();
  await beforeCommit();
  await a.q('COMMIT');
  return nums(await s.rows);
}

type Scenario = (b: Backend) => Promise<void>;

const SCENARIOS: [string, Scenario][] = [
  ['nextval: one value per row; a value another session took during the wait is never handed out again', async (b) => {
    const [a, w, r] = await b.open(3);
    await a!.q('CREATE TABLE t (id int PRIMARY KEY, n bigint)');
    await a!.q('CREATE SEQUENCE s');
    await a!.q('INSERT INTO t VALUES (1, 0), (2, 0)');
    let other: Row[] = [];
    const took = async (): Promise<void> => {
      other = nums(await r!.q("SELECT nextval('s') AS v"));
    };
    // A single row: the waiter keeps the value drawn before the wait (1); the other session's is 2.
    assert.deepEqual(await whileHeld(b, a!, 'SELECT * FROM t WHERE id = 1 FOR UPDATE', w!, "UPDATE t SET n = nextval('s') WHERE id = 1 RETURNING n", took), [{ n: 1 }]);
    assert.deepEqual(other, [{ v: 2 }]);
    assert.deepEqual(nums(await w!.q("SELECT currval('s') AS c, lastval() AS l")), [{ c: 1, l: 1 }]);
    assert.deepEqual(nums(await r!.q('SELECT last_value, is_called FROM s')), [{ last_value: 2, is_called: true }]);
    // A multi-row UPDATE inside a transaction block. Its scan meets row 2 first (row 1's new
    // version lies after it, in PostgreSQL's heap as in vecgres' table), draws 3 for it and
    // waits; the other session takes 4 meanwhile; row 1 gets 5.
    await w!.q('BEGIN');
    const rows = await whileHeld(b, a!, 'SELECT * FROM t WHERE id = 2 FOR UPDATE', w!, "UPDATE t SET n = nextval('s') RETURNING id, n", took);
    await w!.q('COMMIT');
    assert.deepEqual(rows.sort((x, y) => Number(x['id']) - Number(y['id'])), [{ id: 1, n: 5 }, { id: 2, n: 3 }]);
    assert.deepEqual(other, [{ v: 4 }]);
    // INSERT ... SELECT nextval waiting for a conflicting row another transaction is deleting.
    const ins = await whileHeld(b, a!, 'DELETE FROM t WHERE id = 2', w!, "INSERT INTO t SELECT 3, nextval('s') UNION ALL SELECT 2, nextval('s') ON CONFLICT (id) DO NOTHING RETURNING id, n", took);
    assert.deepEqual(ins, [{ id: 3, n: 6 }, { id: 2, n: 7 }]);
    assert.deepEqual(other, [{ v: 8 }]);
    assert.deepEqual(nums(await r!.q('SELECT id, n FROM t ORDER BY id')), [{ id: 1, n: 5 }, { id: 2, n: 7 }, { id: 3, n: 6 }]);
    // The row is gone after the wait: nothing updated, yet the value drawn counts for currval.
    assert.deepEqual(await whileHeld(b, a!, 'DELETE FROM t WHERE id = 1', w!, "UPDATE t SET n = nextval('s') WHERE id = 1 RETURNING n", took), []);
    assert.deepEqual(other, [{ v: 10 }]);
    assert.deepEqual(nums(await w!.q("SELECT currval('s') AS c, lastval() AS l")), [{ c: 9, l: 9 }]);
  }],

  ['setval is applied once: the sequence is not moved back under values taken during the wait', async (b) => {
    const [a, w, r] = await b.open(3);
    await a!.q('CREATE TABLE t (id int PRIMARY KEY, n bigint)');
    await a!.q('CREATE SEQUENCE s');
    await a!.q('INSERT INTO t VALUES (1, 0)');
    let other: Row[] = [];
    // With parameters: the server runs it as a bound portal (the extended protocol).
    const rows = await whileHeld(b, a!, 'SELECT * FROM t WHERE id = 1 FOR UPDATE', w!, "UPDATE t SET n = setval('s', $1) WHERE id = $2 RETURNING n", async () => {
      other = nums(await r!.q("SELECT nextval('s') AS v"));
    }, async () => undefined, [100, 1]);
    assert.deepEqual(rows, [{ n: 100 }]);
    assert.deepEqual(other, [{ v: 101 }]);
    assert.deepEqual(nums(await r!.q("SELECT nextval('s') AS v")), [{ v: 102 }]);
    assert.deepEqual(nums(await w!.q("SELECT currval('s') AS c")), [{ c: 100 }]);
  }],

  ['a statement whose wait failed keeps nothing: run again, it draws anew (the failed run\'s value is skipped)', async (b) => {
    const [a, w] = await b.open(2);
    await a!.q('CREATE TABLE t (id int PRIMARY KEY, n bigint)');
    await a!.q('CREATE SEQUENCE s');
    await a!.q('INSERT INTO t VALUES (1, 0)');
    await a!.q('BEGIN');
    await a!.q('SELECT * FROM t WHERE id = 1 FOR UPDATE');
    // lock_timeout is what this case tests.
    await w!.q("SET lock_timeout = '20ms'");
    const stmt = "UPDATE t SET n = nextval('s') WHERE id = 1 RETURNING n";
    await assert.rejects(w!.q(stmt), (e: { code?: string }) => e.code === '55P03');
    await a!.q('COMMIT');
    await w!.q('RESET lock_timeout');
    assert.deepEqual(nums(await w!.q(stmt)), [{ n: 2 }]);
  }],

  ['set_config inside the waiting statement takes effect once', async (b) => {
    const [a, w] = await b.open(2);
    await a!.q('CREATE TABLE t (id int PRIMARY KEY, n bigint)');
    await a!.q('INSERT INTO t VALUES (1, 0), (2, 0)');
    const stmt = "SELECT set_config('vol.x', coalesce(current_setting('vol.x', true), '') || 'a', false) AS x, id FROM t ORDER BY id FOR UPDATE";
    assert.deepEqual(await whileHeld(b, a!, 'SELECT * FROM t WHERE id = 2 FOR UPDATE', w!, stmt, async () => undefined), [{ x: 'a', id: 1 }, { x: 'aa', id: 2 }]);
    assert.deepEqual(await w!.q("SELECT current_setting('vol.x') AS x"), [{ x: 'aa' }]);
  }],

  ['now() and statement_timestamp() are the first run\'s start, clock_timestamp() the first run\'s reading, before the wait', async (b) => {
    const [a, w, r] = await b.open(3);
    await a!.q('CREATE TABLE t (id int PRIMARY KEY, ts timestamptz, c timestamptz)');
    await a!.q('INSERT INTO t VALUES (1, NULL, NULL)');
    let during = '';
    const rows = await whileHeld(b, a!, 'SELECT * FROM t WHERE id = 1 FOR UPDATE', w!, 'UPDATE t SET ts = now(), c = clock_timestamp() WHERE id = 1 RETURNING now() = statement_timestamp() AS same, ts::text AS ts', async () => {
      during = String((await r!.q('SELECT clock_timestamp()::text AS c'))[0]!['c']);
      // The clock moves past the reading before the holder commits (a spin of at most a few microseconds).
      while ((await r!.q('SELECT clock_timestamp() > $1::timestamptz AS later', [during]))[0]!['later'] !== true);
    });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!['same'], true);
    // The SET list was evaluated for the row before the wait (PostgreSQL projects the new row, then waits in heap_update).
    assert.deepEqual(await r!.q('SELECT ts <= $1::timestamptz AS ts_before, c <= $1::timestamptz AS c_before FROM t', [during]), [{ ts_before: true, c_before: true }]);
  }],

  ['a notification queued by the waiting statement is delivered once', async (b) => {
    const [a, w, l] = await b.open(3);
    await a!.q('CREATE TABLE t (id int PRIMARY KEY, n bigint)');
    await a!.q('INSERT INTO t VALUES (1, 0), (2, 0)');
    const got = await l!.listen('vol');
    await w!.q('BEGIN');
    // The payload differs between the runs (the holder inserts a row meanwhile): a first run's
    // notification left queued would be a second one.
    await whileHeld(b, a!, 'SELECT * FROM t WHERE id = 2 FOR UPDATE', w!, "SELECT pg_notify('vol', 'rows ' || (SELECT count(*) FROM t)), id FROM t WHERE id IN (1, 2) ORDER BY id FOR UPDATE", async () => undefined, async () => {
      await a!.q('INSERT INTO t VALUES (3, 0)');
    });
    await w!.q('COMMIT');
    await w!.q("NOTIFY vol, 'end'");
    while (!got.includes('end')) await l!.q('SELECT 1');
    assert.equal(got.length, 2, `one notification before the end marker: ${JSON.stringify(got)}`);
    // PostgreSQL evaluates the count once, before the wait; vecgres' rerun counts the committed row too.
    assert.match(got[0]!, b.native ? /^rows 2$/ : /^rows [23]$/);
  }],

  ['an EXECUTE that waits and runs again counts one plan in pg_prepared_statements', async (b) => {
    const [a, w] = await b.open(2);
    await a!.q('CREATE TABLE t (id int PRIMARY KEY, n bigint)');
    await a!.q('INSERT INTO t VALUES (1, 0)');
    await w!.q('PREPARE bump(int) AS UPDATE t SET n = n + 1 WHERE id = $1 RETURNING n');
    assert.deepEqual(await whileHeld(b, a!, 'SELECT * FROM t WHERE id = 1 FOR UPDATE', w!, 'EXECUTE bump(1)', async () => undefined), [{ n: 1 }]);
    assert.deepEqual(nums(await w!.q(`SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'bump'`)), [{ generic_plans: 0, custom_plans: 1 }]);
  }],
];

testOnEveryBackend('vecgres_rerun', adapt, SCENARIOS);

test('engine: a failed wait discards the rerun state even when the same statement and parameter array run next', async () => {
  const db = await Vecgres.create();
  try {
    const d = db.database;
    const holder = d.openSession();
    const s = d.openSession();
    d.execute('CREATE TABLE t (id int PRIMARY KEY, n bigint); CREATE SEQUENCE s; INSERT INTO t VALUES (1, 0)', [], holder);
    d.execute('BEGIN', [], holder);
    d.execute('SELECT * FROM t WHERE id = 1 FOR UPDATE', [], holder);
    d.execute("SET lock_timeout = '20ms'", [], s);
    const params: unknown[] = [1];
    const sql = "UPDATE t SET n = nextval('s') WHERE id = $1 RETURNING n";
    await assert.rejects(d.runScript(sql, params, s, () => undefined), (e: { code?: string }) => e.code === '55P03');
    d.execute('COMMIT', [], holder);
    let rows: unknown[][] = [];
    await d.runScript(sql, params, s, (r) => {
      rows = r.rows;
    });
    assert.deepEqual(rows, [[2]]);
  } finally {
    await db.close();
  }
});

test('random() and gen_random_uuid() in a waiting statement: the values a single run draws, the stream drawn once', async () => {
  // Every session of a database starts the same seeded stream: a session that never waits is the reference.
  const b = adapt(await embeddedBackend());
  try {
    const [a, w, ref] = await b.open(3);
    await a!.q('CREATE TABLE t (id int PRIMARY KEY, r float8, u uuid)');
    await a!.q('INSERT INTO t VALUES (1, NULL, NULL), (2, NULL, NULL)');
    const rows = await whileHeld(b, a!, 'SELECT * FROM t WHERE id = 2 FOR UPDATE', w!, 'UPDATE t SET r = random(), u = gen_random_uuid() RETURNING id, r, u::text AS u', async () => undefined);
    const single = await ref!.q('SELECT g AS id, random() AS r, gen_random_uuid()::text AS u FROM generate_series(1, 2) g');
    assert.deepEqual(rows.sort((x, y) => Number(x['id']) - Number(y['id'])), single);
    // The next draw of each session is the same too: the waiting statement drew once.
    assert.deepEqual(await w!.q('SELECT random() AS r'), await ref!.q('SELECT random() AS r'));
  } finally {
    await b.close();
  }
});

test('a statement that waits for parallel exact scans twice replays its nextval and random() values, answers as PGlite', async () => {
  const oracle = await oracleForFile();
  const db = await Vecgres.create();
  try {
    const a = await db.connect();
    const ref = await db.connect();
    const rows: string[] = [];
    for (let i = 0; i < 3000; i++) rows.push(`(${i}, '[${i % 7},${i % 11},${i % 13},${i % 17}]')`);
    for (const sql of ['CREATE TABLE t (id int PRIMARY KEY, v vector(4))', `INSERT INTO t VALUES ${rows.join(',')}`]) {
      await a.query(sql);
      await oracle.query(sql);
    }
    await a.query('CREATE SEQUENCE s');
    for (const s of ['SET max_parallel_workers_per_gather = 2', 'SET parallel_setup_cost = 0', 'SET parallel_tuple_cost = 0', 'SET min_parallel_table_scan_size = 0']) await a.query(s);
    const knn = (q: string): string => `SELECT nextval('s') AS n, random() AS r, x.id FROM (SELECT id FROM t ORDER BY v <-> '${q}', id LIMIT 2) x`;
    const sql = `(${knn('[1,2,3,4]')}) UNION ALL (${knn('[4,3,2,1]')})`;
    assert.equal((await a.query(`EXPLAIN ${sql}`)).rows.filter((r) => /Gather Merge/.test(String(r['QUERY PLAN']))).length, 2);
    // Held open: the statement is undone and waits (twice: one scan after the other).
    const gate = hold(scanTestHooks);
    const run = track(a.query<Row>(sql));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(run.done, false, 'the statement waits for its scan');
    gate.open();
    const got = (await run.promise).rows;
    assert.deepEqual(got.map((r) => r['n']), [1, 2, 3, 4]);
    assert.deepEqual((await a.query('SELECT last_value FROM s')).rows, [{ last_value: 4 }]);
    assert.deepEqual(got.map((r) => r['r']), (await ref.query<Row>('SELECT random() AS r FROM generate_series(1, 4)')).rows.map((r) => r['r']));
    const ids = `(SELECT id FROM t ORDER BY v <-> '[1,2,3,4]', id LIMIT 2) UNION ALL (SELECT id FROM t ORDER BY v <-> '[4,3,2,1]', id LIMIT 2)`;
    assert.deepEqual(got.map((r) => r['id']), (await oracle.query(ids)).rows.map((r) => (r as { id: number }).id));
  } finally {
    scanTestHooks.gate = null;
    await db.close();
  }
});
