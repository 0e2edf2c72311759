/**
 * IVFFlat and B-tree CREATE INDEX CONCURRENTLY against native PostgreSQL + pgvector
 * (`PGVECTOR_URL`; skipped when unset): the same script on both, with the build held open
 * (vecgres: the method's asynchronous build behind a gate, test/support/gates.ts; PostgreSQL:
 * a transaction that wrote the table stays open, which its CREATE INDEX CONCURRENTLY waits
 * for). While held, pg_index lists the index INVALID and not ready, and other sessions insert,
 * update and delete rows; once released, the index is valid and ready, and queries through it
 * (IVFFlat with probes = lists: exact) return PostgreSQL's rows. A UNIQUE build whose keys
 * repeat after a write made meanwhile fails with PostgreSQL's 23505 and stays INVALID.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Vecgres } from '../../src/index.js';
import { gateBuilds } from '../support/gates.js';

const url = process.env['PGVECTOR_URL'];

interface Conn {
  q(sql: string): Promise<unknown[]>;
}

interface Side {
  conns: Conn[];
  /** Holds builds of `method` until the returned release. */
  hold(method: string): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

async function embedded(): Promise<Side> {
  const db = await Vecgres.create();
  const conns: Conn[] = [];
  const sessions: Awaited<ReturnType<Vecgres['connect']>>[] = [];
  for (let i = 0; i < 3; i++) {
    const s = await db.connect();
    sessions.push(s);
    conns.push({ q: async (sql) => (await s.query(sql)).rows });
  }
  return {
    conns,
    async hold(method) {
      const g = gateBuilds(db, method);
      return async () => {
        g.release();
        g.restore();
      };
    },
    async close() {
      for (const s of sessions) await s.release();
      await db.close();
    },
  };
}

async function native(u: string): Promise<Side> {
  const schema = `vecgres_cic_methods_${process.pid}`;
  const admin = new pg.Client({ connectionString: u });
  await admin.connect();
  await admin.query(`CREATE EXTENSION IF NOT EXISTS vector; DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  const clients: pg.Client[] = [];
  const open = async (): Promise<Conn> => {
    const c = new pg.Client({ connectionString: u, options: `-c search_path=${schema},public` });
    await c.connect();
    clients.push(c);
    return { q: async (sql) => (await c.query(sql)).rows };
  };
  const conns = [await open(), await open(), await open()];
  return {
    conns,
    async hold() {
      const h = await open();
      await h.q('BEGIN');
      await h.q('INSERT INTO t VALUES (-1, 0, NULL)');
      return async () => {
        await h.q('ROLLBACK');
      };
    },
    async close() {
      for (const c of clients) await c.end();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

type Outcome = { rows: unknown[] } | { code: string; message: string; detail?: string };

function settle(p: Promise<unknown[]>): Promise<Outcome> {
  return p.then(
    (rows): Outcome => ({ rows }),
    (e: { code: string; message: string; detail?: string }): Outcome => ({ code: e.code, message: e.message, ...(e.detail === undefined ? {} : { detail: e.detail }) }),
  );
}

const STATE = "SELECT c.relname::text AS name, i.indisvalid, i.indisready FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 't'::regclass ORDER BY 1";

const SETUP = [
  'CREATE TABLE t (id int PRIMARY KEY, n int, v vector(4))',
  // Coordinates from fractional parts of irrational multiples: no two rows at the same
  // distance from a query, so one order.
  'INSERT INTO t SELECT i, i % 50, ARRAY[(i * 0.6180339887) % 1, (i * 0.4142135623) % 1, (i * 0.7320508075) % 1, (i * 0.2360679774) % 1]::vector FROM generate_series(1, 1200) i',
];

/** Writes by another session while the build is held. */
const DURING = [
  "INSERT INTO t VALUES (5000, 7, '[0.1,0.2,0.3,0.4]'), (5001, NULL, '[0.4,0.3,0.2,0.1]'), (5002, 49, NULL)",
  "UPDATE t SET v = ARRAY[2, 2, 2, id / 7.0]::vector, n = n + 1 WHERE id IN (10, 20, 30)",
  'DELETE FROM t WHERE id IN (11, 12, 13)',
];

/** Queries after the build, run with the sequential scan off (and ivfflat.probes = lists). */
const AFTER: Record<string, string[]> = {
  ivfflat: [
    "SELECT id, round((v <-> '[0.1,0.2,0.3,0.4]')::numeric, 4) AS d FROM t ORDER BY v <-> '[0.1,0.2,0.3,0.4]' LIMIT 12",
    "SELECT id FROM t ORDER BY v <-> '[2,2,2,2]' LIMIT 3",
    "SELECT id FROM t ORDER BY v <-> '[0.4,0.3,0.2,0.1]' LIMIT 1",
    "SELECT id FROM t ORDER BY v <-> '[-0.5,0.5,0.9,-0.1]' LIMIT 20",
  ],
  btree: ['SELECT id FROM t WHERE n = 7 ORDER BY id', 'SELECT id FROM t WHERE n = 50 ORDER BY id', 'SELECT count(*)::int AS n FROM t WHERE n BETWEEN 10 AND 20', 'SELECT id FROM t WHERE n IS NULL'],
};

const CIC: Record<string, string> = {
  ivfflat: 'CREATE INDEX CONCURRENTLY t_idx ON t USING ivfflat (v vector_l2_ops) WITH (lists = 5)',
  btree: 'CREATE INDEX CONCURRENTLY t_idx ON t (n)',
};

/** The script on one side; every outcome in order. */
async function run(side: Side, method: string): Promise<unknown[]> {
  const [setup, a, b] = side.conns as [Conn, Conn, Conn];
  const out: unknown[] = [];
  for (const sql of SETUP) await setup.q(sql);
  const release = await side.hold(method);
  const cic = settle(a.q(CIC[method]!));
  // Listed once its first transaction committed.
  while ((await setup.q("SELECT count(*)::int AS n FROM pg_class WHERE relname = 't_idx'"))[0]!['n' as keyof unknown] === 0) {
    await new Promise((r) => setTimeout(r, 2));
  }
  out.push(await settle(b.q(STATE)));
  for (const sql of DURING) out.push(await settle(b.q(sql)));
  await release();
  out.push(await cic);
  out.push(await settle(b.q(STATE)));
  await b.q('SET enable_seqscan = off');
  await b.q('SET ivfflat.probes = 5');
  for (const sql of AFTER[method]!) {
    // Planned through the index on both.
    out.push(await settle(b.q(`EXPLAIN (COSTS OFF) ${sql}`)).then((o) => ('rows' in o ? JSON.stringify(o.rows).includes('t_idx') : o)));
    out.push(await settle(b.q(sql)));
  }
  // UNIQUE: a duplicate key written while the build is held.
  await b.q('RESET ALL');
  await b.q('DELETE FROM t WHERE id > 50');
  await b.q('UPDATE t SET n = id');
  const release2 = await side.hold('btree');
  const unique = settle(a.q('CREATE UNIQUE INDEX CONCURRENTLY t_u ON t (n)'));
  while ((await setup.q("SELECT count(*)::int AS n FROM pg_class WHERE relname = 't_u'"))[0]!['n' as keyof unknown] === 0) {
    await new Promise((r) => setTimeout(r, 2));
  }
  out.push(await settle(b.q("INSERT INTO t VALUES (6000, 17, '[1,1,1,1]')")));
  await release2();
  out.push(await unique);
  out.push(await settle(b.q(STATE)));
  out.push(await settle(b.q("INSERT INTO t VALUES (6001, 17, '[1,1,1,1]')")));
  return out;
}

for (const method of ['ivfflat', 'btree']) {
  test(`${method} CREATE INDEX CONCURRENTLY with writes during the build, as native PostgreSQL`, { skip: url === undefined ? 'PGVECTOR_URL is not set' : false }, async () => {
    const n = await native(url!);
    let want: unknown[];
    try {
      want = await run(n, method);
    } finally {
      await n.close();
    }
    const e = await embedded();
    try {
      assert.deepEqual(await run(e, method), want);
    } finally {
      await e.close();
    }
  });
}
