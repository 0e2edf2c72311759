/**
 * DDL and VACUUM of a table while CREATE INDEX CONCURRENTLY builds on it: they wait for the
 * build (PostgreSQL's ShareUpdateExclusiveLock) under lock_timeout (55P03) and
 * statement_timeout (57014), and run once it ended. Each scenario runs on embedded sessions
 * and, when `PGVECTOR_URL` is set, on node-postgres clients of native PostgreSQL + pgvector, so
 * the errors and the outcome are PostgreSQL's.
 *
 * No assertion depends on timing: the build is held until the scenario lets it go (vecgres: the
 * HNSW method's asynchronous build is wrapped in a gate; PostgreSQL: a transaction with a write
 * to the table stays open, which its CREATE INDEX CONCURRENTLY waits for), and "the statement
 * waits" is checked once the backend reports it waiting (vecgres: its lock table's count;
 * PostgreSQL: pg_stat_activity.wait_event_type). lock_timeout and statement_timeout fire on a
 * build that cannot end before the scenario releases it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Vecgres } from '../../src/index.js';
import { gateBuilds } from '../support/gates.js';

interface Conn {
  q(sql: string): Promise<{ rows: Record<string, unknown>[] }>;
}

interface Backend {
  open(n: number): Promise<Conn[]>;
  /** Holds every CREATE INDEX CONCURRENTLY started from now on until `release`. */
  holdBuilds(setup: Conn): Promise<{ release(): Promise<void> }>;
  /** Resolves once `n` statements other than the held build wait for a lock. */
  blocked(n: number): Promise<void>;
  close(): Promise<void>;
}

async function embeddedBackend(): Promise<Backend> {
  const db = await Vecgres.create();
  let pending: { done: boolean } = { done: true };
  return {
    async open(n) {
      const out: Conn[] = [];
      for (let i = 0; i < n; i++) {
        const s = await db.connect();
        out.push({ q: async (sql) => ({ rows: (await s.query<Record<string, unknown>>(sql)).rows }) });
      }
      return out;
    },
    async holdBuilds() {
      const g = gateBuilds(db, 'hnsw');
      return {
        async release() {
          g.release();
          g.restore();
        },
      };
    },
    async blocked(n) {
      pending = lastPending;
      while (db.database.catalog.rowLocks.waiting < n && !pending.done) await new Promise((r) => setImmediate(r));
    },
    close: () => db.close(),
  };
}

/** Native PostgreSQL: every connection in its own schema, dropped at the end. */
async function nativeBackend(url: string): Promise<Backend> {
  const schema = `vecgres_cic_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE EXTENSION IF NOT EXISTS vector; DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  const clients: pg.Client[] = [];
  const open = async (n: number): Promise<Conn[]> => {
    const out: Conn[] = [];
    for (let i = 0; i < n; i++) {
      const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema},public`, application_name: schema });
      await c.connect();
      clients.push(c);
      out.push({ q: async (sql) => ({ rows: (await c.query(sql)).rows }) });
    }
    return out;
  };
  return {
    open,
    async holdBuilds() {
      // CREATE INDEX CONCURRENTLY waits for transactions that may write the table.
      const [h] = await open(1);
      await h!.q('BEGIN');
      await h!.q("INSERT INTO t VALUES (100000, '[0,0,0]')");
      return {
        async release() {
          await h!.q('ROLLBACK');
        },
      };
    },
    async blocked(n) {
      // The held CREATE INDEX CONCURRENTLY waits for a lock too.
      const sql = "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = $1";
      const p = lastPending;
      while ((await admin.query(sql, [schema])).rows[0].n < n + 1 && !p.done) await new Promise((r) => setTimeout(r, 5));
    },
    async close() {
      for (const c of clients) await c.end();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

let lastPending: { done: boolean } = { done: true };

type Outcome = { ok: true } | { ok: false; code?: string; message: string };

/** A statement's outcome without rejecting, and whether it has ended yet. */
function settle(p: Promise<unknown>): { done: boolean; result: Promise<Outcome> } {
  const s = {
    done: false,
    result: p.then(
      (): Outcome => ({ ok: true }),
      (e: { code?: string; message: string }): Outcome => ({ ok: false, code: e.code, message: e.message }),
    ).finally(() => {
      s.done = true;
    }),
  };
  lastPending = s;
  return s;
}

async function expectError(p: Promise<unknown>, code: string, message: string): Promise<void> {
  const r = await settle(p).result;
  assert.deepEqual(r, { ok: false, code, message });
}

/** Starts CREATE INDEX CONCURRENTLY on `a` with builds held; resolves once it runs (builds, or waits in PostgreSQL). */
async function heldBuild(b: Backend, setup: Conn, a: Conn): Promise<{ cic: { done: boolean; result: Promise<Outcome> }; release(): Promise<void> }> {
  const hold = await b.holdBuilds(setup);
  const cic = settle(a.q('CREATE INDEX CONCURRENTLY t_v ON t USING hnsw (v vector_l2_ops)'));
  // The build is registered (vecgres) or waiting (PostgreSQL) once another statement sees it in
  // pg_stat_progress_create_index.
  while ((await setup.q("SELECT count(*)::int AS n FROM pg_stat_progress_create_index WHERE relid = 't'::regclass")).rows[0]!['n'] === 0) {
    await new Promise((r) => setTimeout(r, 2));
  }
  return { cic, release: () => hold.release() };
}

type Scenario = (b: Backend) => Promise<void>;

const SCENARIOS: [string, Scenario][] = [
  ['VACUUM of the table waits for the build, then runs', async (b) => {
    const [setup, a, w1] = await b.open(3);
    await setup!.q('CREATE TABLE t (id int, v vector(3))');
    await setup!.q('INSERT INTO t SELECT i, ARRAY[i, i % 7, i % 3]::vector FROM generate_series(1, 300) i');
    const { cic, release } = await heldBuild(b, setup!, a!);
    // Rows are read and written meanwhile.
    await setup!.q("INSERT INTO t VALUES (301, '[1,2,3]')");
    assert.deepEqual((await setup!.q('SELECT count(*)::int AS n FROM t')).rows, [{ n: 301 }]);
    // (DDL that takes a snapshot, as ALTER TABLE or another CREATE INDEX CONCURRENTLY, is left
    // out: PostgreSQL's build then waits for that snapshot while the DDL waits for the build, and
    // one of them fails with 40P01; a vecgres build waits for no transaction, so the DDL simply
    // runs after it: the embedded-only test below.)
    const vacuum = settle(w1!.q('VACUUM t'));
    await b.blocked(1);
    assert.deepEqual([cic.done, vacuum.done], [false, false]);
    await release();
    assert.deepEqual(await cic.result, { ok: true });
    assert.deepEqual(await vacuum.result, { ok: true });
    assert.deepEqual((await setup!.q("SELECT c.relname::text AS i, x.indisvalid FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = 't'::regclass ORDER BY 1")).rows, [
      { i: 't_v', indisvalid: true },
    ]);
  }],

  ['lock_timeout and statement_timeout end the wait (55P03, 57014); in a block the transaction fails', async (b) => {
    const [setup, a, w] = await b.open(3);
    await setup!.q('CREATE TABLE t (id int, v vector(3))');
    await setup!.q('INSERT INTO t SELECT i, ARRAY[i, i % 7, i % 3]::vector FROM generate_series(1, 300) i');
    const { cic, release } = await heldBuild(b, setup!, a!);
    await w!.q("SET lock_timeout = '20ms'");
    await expectError(w!.q('VACUUM t'), '55P03', 'canceling statement due to lock timeout');
    await expectError(w!.q('ALTER TABLE t ADD COLUMN x int'), '55P03', 'canceling statement due to lock timeout');
    await expectError(w!.q('DROP TABLE t'), '55P03', 'canceling statement due to lock timeout');
    await expectError(w!.q('CREATE INDEX ON t (id)'), '55P03', 'canceling statement due to lock timeout');
    await w!.q('BEGIN');
    await w!.q("INSERT INTO t VALUES (400, '[4,0,0]')");
    await expectError(w!.q('TRUNCATE t'), '55P03', 'canceling statement due to lock timeout');
    await expectError(w!.q('SELECT 1'), '25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    await w!.q('ROLLBACK');
    await w!.q('RESET lock_timeout');
    await w!.q("SET statement_timeout = '20ms'");
    await expectError(w!.q('VACUUM t'), '57014', 'canceling statement due to statement timeout');
    await w!.q('RESET statement_timeout');
    assert.equal(cic.done, false);
    await release();
    assert.deepEqual(await cic.result, { ok: true });
    // The table is free again.
    await w!.q('VACUUM t');
    assert.deepEqual((await setup!.q("SELECT count(*)::int AS n FROM t WHERE id = 400")).rows, [{ n: 0 }]);
  }],
];

const url = process.env['PGVECTOR_URL'];
const backends: [string, () => Promise<Backend>, boolean][] = [
  ['embedded', embeddedBackend, false],
  ['native PostgreSQL', () => nativeBackend(url!), url === undefined],
];

for (const [label, make, skip] of backends) {
  for (const [name, scenario] of SCENARIOS) {
    test(`${label}: ${name}`, { skip: skip ? 'PGVECTOR_URL is not set' : false }, async () => {
      const b = await make();
      try {
        await scenario(b);
      } finally {
        await b.close();
      }
    });
  }
}

test('ALTER TABLE, another concurrent build, DROP INDEX of the index being built and DROP TABLE wait for the build and then run (PostgreSQL: 40P01, see above)', async () => {
  const b = await embeddedBackend();
  try {
    const [setup, a, w1, w2, w3, w4] = await b.open(6);
    await setup!.q('CREATE TABLE t (id int, v vector(3))');
    await setup!.q('INSERT INTO t SELECT i, ARRAY[i, i % 7, i % 3]::vector FROM generate_series(1, 300) i');
    const { cic, release } = await heldBuild(b, setup!, a!);
    const alter = settle(w1!.q('ALTER TABLE t ADD COLUMN x int'));
    const second = settle(w4!.q('CREATE INDEX CONCURRENTLY t_id ON t (id)'));
    await b.blocked(2);
    const drop = settle(w2!.q('DROP INDEX t_v'));
    await b.blocked(3);
    const dropTable = settle(w3!.q('DROP TABLE t'));
    await b.blocked(4);
    assert.deepEqual([cic.done, alter.done, second.done, drop.done, dropTable.done], [false, false, false, false, false]);
    await release();
    // They ran in the order they came: the table had its column and both indexes when dropped.
    for (const s of [cic, alter, second, drop, dropTable]) assert.deepEqual(await s.result, { ok: true });
    assert.deepEqual((await setup!.q("SELECT count(*)::int AS n FROM pg_class WHERE relname IN ('t', 't_v')")).rows, [{ n: 0 }]);
  } finally {
    await b.close();
  }
});

test('through the synchronous engine call, DDL of a table under a concurrent build fails with 55P03', async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  try {
    await db.query('CREATE TABLE t (id int, v vector(3))');
    await db.query('INSERT INTO t SELECT i, ARRAY[i, i % 7, i % 3]::vector FROM generate_series(1, 300) i');
    const g = gateBuilds(db, 'hnsw');
    const cic = a.query('CREATE INDEX CONCURRENTLY t_v ON t USING hnsw (v vector_l2_ops)');
    while (db.database.catalog.concurrentBuildWait('t_v') === null) await new Promise((r) => setImmediate(r));
    assert.throws(() => db.database.execute('VACUUM t'), { code: '55P03', message: 'could not obtain lock on relation "t"' });
    assert.throws(() => db.database.execute('DROP INDEX t_v'), { code: '55P03', message: 'could not obtain lock on relation "t"' });
    g.release();
    g.restore();
    await cic;
    db.database.execute('VACUUM t');
  } finally {
    await a.release();
    await db.close();
  }
});
