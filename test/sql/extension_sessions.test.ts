/**
 * Concurrent CREATE EXTENSION from two sessions (db.connect()): the second waits for the
 * first transaction's uncommitted one, then fails with 23505 on pg_extension_name_index if it
 * committed or succeeds if it rolled back, as PostgreSQL does. The same scenarios run against native PostgreSQL +
 * pgvector when PGVECTOR_URL is set, in a database of their own.
 *
 * No assertion depends on timing: "b waits" is checked once vecgres' lock table counts b's
 * wait (PostgreSQL: pg_stat_activity.wait_event_type), and b's outcome after a ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Vecgres } from '../../src/index.js';

interface Conn {
  q(sql: string): Promise<unknown[]>;
}

interface Backend {
  open(): Promise<[Conn, Conn]>;
  /** Resolves once one session waits for a lock. */
  waiting(): Promise<void>;
  close(): Promise<void>;
}

/** A promise's outcome, observable without awaiting it. */
function settle(p: Promise<unknown>): { done: () => boolean; result: Promise<{ ok: boolean; code?: string; message?: string; detail?: string }> } {
  let finished = false;
  const result = p.then(
    () => ({ ok: true }),
    (e: { code?: string; message: string; detail?: string }) => ({ ok: false, code: e.code, message: e.message, detail: e.detail }),
  ).finally(() => (finished = true));
  return { done: () => finished, result };
}

async function embedded(): Promise<Backend> {
  const db = await Vecgres.create();
  const sessions: { release(): Promise<void> }[] = [];
  return {
    async open() {
      const conns = [];
      for (let i = 0; i < 2; i++) {
        const s = await db.connect();
        sessions.push(s);
        conns.push({ q: async (sql: string) => (await s.query(sql)).rows });
      }
      return conns as [Conn, Conn];
    },
    async waiting() {
      while (db.database.catalog.rowLocks.waiting < 1) await new Promise((r) => setImmediate(r));
    },
    async close() {
      for (const s of sessions) await s.release();
      await db.close();
    },
  };
}

async function native(url: string): Promise<Backend> {
  const dbName = `vecgres_ext_sessions_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  const clients: pg.Client[] = [];
  return {
    async open() {
      for (let i = 0; i < 2; i++) {
        const c = new pg.Client({ connectionString: u.toString() });
        await c.connect();
        clients.push(c);
      }
      return clients.map((c) => ({ q: async (sql: string) => (await c.query(sql)).rows })) as [Conn, Conn];
    },
    async waiting() {
      for (;;) {
        const r = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [dbName]);
        if (r.rows[0].n >= 1) return;
        await new Promise((res) => setTimeout(res, 10));
      }
    },
    async close() {
      for (const c of clients) await c.end();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
      await admin.end();
    },
  };
}

const url = process.env['PGVECTOR_URL'];
const backends: [string, () => Promise<Backend>, string | false][] = [
  ['embedded sessions', embedded, false],
  ['native PostgreSQL + pgvector', () => native(url!), url === undefined ? 'PGVECTOR_URL not set' : false],
];

for (const [label, make, skip] of backends) {
  test(`${label}: a second CREATE EXTENSION waits, then 23505 after the first commits`, { skip }, async () => {
    const b = await make();
    try {
      const [s1, s2] = await b.open();
      await s1.q('BEGIN');
      await s1.q('CREATE EXTENSION vector');
      // IF NOT EXISTS checks before the wait: it too meets the committed row.
      const second = settle(s2.q('CREATE EXTENSION IF NOT EXISTS vector'));
      await b.waiting();
      assert.equal(second.done(), false);
      await s1.q('COMMIT');
      assert.deepEqual(await second.result, {
        ok: false, code: '23505', message: 'duplicate key value violates unique constraint "pg_extension_name_index"', detail: 'Key (extname)=(vector) already exists.',
      });
      // Once committed, a new CREATE EXTENSION sees it at once.
      await assert.rejects(s2.q('CREATE EXTENSION vector'), { code: '42710', message: 'extension "vector" already exists' });
      assert.deepEqual(await s2.q("SELECT extname::text FROM pg_extension WHERE extname = 'vector'"), [{ extname: 'vector' }]);
    } finally {
      await b.close();
    }
  });

  test(`${label}: a second CREATE EXTENSION waits, then succeeds after the first rolls back`, { skip }, async () => {
    const b = await make();
    try {
      const [s1, s2] = await b.open();
      await s1.q('BEGIN');
      await s1.q('CREATE EXTENSION vector');
      const second = settle(s2.q('CREATE EXTENSION vector'));
      await b.waiting();
      assert.equal(second.done(), false);
      await s1.q('ROLLBACK');
      assert.deepEqual(await second.result, { ok: true });
      assert.deepEqual(await s1.q("SELECT extname::text FROM pg_extension WHERE extname = 'vector'"), [{ extname: 'vector' }]);
      await assert.rejects(s1.q('CREATE EXTENSION vector'), { code: '42710' });
    } finally {
      await b.close();
    }
  });
}
