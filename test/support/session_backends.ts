/**
 * The three places a concurrency scenario runs, behind one interface: embedded sessions
 * (`db.connect()`), node-postgres clients of the vecgres server, and node-postgres clients of
 * native PostgreSQL + pgvector (each run in a schema of its own, dropped at the end). Tests
 * that compare vecgres' lock waits with PostgreSQL's (row locks, statements that wait and run
 * again) build on it, each adapting `SessionConn` to the shape its scenarios use.
 */
import { test } from 'node:test';
import { connect } from 'node:net';
import pg from 'pg';
import { Vecgres } from '../../src/index.js';
import type { Session } from '../../src/engine/session.js';
import { startServer } from '../server/helpers.js';

export type Row = Record<string, unknown>;

/** One session: a statement's rows and affected-row count; LISTEN with the payloads received. */
export interface SessionConn {
  q(sql: string, params?: unknown[]): Promise<{ rows: Row[]; count: number }>;
  /** LISTEN `channel`: the payloads received on it, in arrival order (the array grows). */
  listen(channel: string): Promise<string[]>;
  /** Ends the session (an embedded session released, a connection closed), a statement of it still running. */
  end(): Promise<void>;
  /** Asks the session's running statement to stop (a wire CancelRequest; the engine's cancel for an embedded session). */
  cancel(): Promise<void>;
}

export interface SessionBackend {
  name: string;
  /** True for native PostgreSQL. */
  native: boolean;
  /** `n` new connections (sessions). */
  open(n: number): Promise<SessionConn[]>;
  /**
   * Resolves once at least `n` sessions wait for a lock, or when `pending` (the statement
   * expected to wait) has already ended: a wrong implementation that does not wait then fails
   * its assertions instead of hanging.
   */
  waiting(n: number, pending: { done: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** The single value of a one-row, one-column result of `sql` on `c`. */
export async function one(c: Pick<SessionConn, 'q'>, sql: string): Promise<unknown> {
  const r = await c.q(sql);
  return Object.values(r.rows[0] as Row)[0];
}


/** Sessions of a scenario by name: each connection and its pg_backend_pid. */
export type NamedSessions = Record<string, { c: SessionConn; pid: number }>;

/** Opens one connection of `b` per name in `names` and reads each one's pg_backend_pid. */
export async function openNamed(b: SessionBackend, names: string[]): Promise<NamedSessions> {
  const conns = await b.open(names.length);
  const out: NamedSessions = {};
  for (let i = 0; i < names.length; i++) {
    const c = conns[i]!;
    const pid = Number(Object.values((await c.q('SELECT pg_backend_pid() AS p')).rows[0] as Row)[0]);
    out[names[i]!] = { c, pid };
  }
  return out;
}

/** A statement's outcome without rejecting, and whether it has ended yet. */
export interface Settled<T> {
  done: boolean;
  result: Promise<{ ok: true; value: T } | { ok: false; error: { code?: string; message: string; detail?: string } }>;
}

/** Watches `p`: its outcome as a value, and `done` once it has ended (a statement expected to wait). */
export function settle<T>(p: Promise<T>): Settled<T> {
  const s: Settled<T> = {
    done: false,
    result: p.then(
      (value) => ({ ok: true as const, value }),
      (error: { code?: string; message: string; detail?: string }) => ({ ok: false as const, error }),
    ).finally(() => {
      s.done = true;
    }),
  };
  return s;
}

/**
 * Native PostgreSQL looks for a deadlock deadlock_timeout after a wait starts, in the waiting
 * session, which then fails; vecgres fails the session that closes the cycle at once. On a
 * native backend this makes `closer` look first (and `first`, already waiting, much later), so
 * both fail the same session.
 */
export async function closerDetectsDeadlock(backend: { native: boolean }, first: Pick<SessionConn, 'q'>, closer: Pick<SessionConn, 'q'>): Promise<void> {
  if (!backend.native) return;
  await first.q("SET deadlock_timeout = '60s'");
  await closer.q("SET deadlock_timeout = '10ms'");
}

/** The CancelRequest message (16 bytes: length, code 80877102, process id, secret key). */
export function cancelRequestBytes(processID: number, secretKey: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeInt32BE(16, 0);
  b.writeInt32BE(80877102, 4);
  b.writeInt32BE(processID, 8);
  b.writeInt32BE(secretKey, 12);
  return b;
}

/** Sends the CancelRequest of `c`'s connection (its process id and secret key) on a connection of its own. */
function sendCancelRequest(c: pg.Client): Promise<void> {
  const { processID, secretKey, host, port } = c as unknown as { processID: number; secretKey: number; host: string; port: number };
  return new Promise<void>((resolve) => {
    const sock = connect(port, host, () => sock.write(cancelRequestBytes(processID, secretKey)));
    sock.on('error', () => undefined);
    sock.on('close', () => resolve());
  });
}

function pgConn(c: pg.Client): SessionConn {
  return {
    async q(sql, params) {
      const r = await c.query(sql, params);
      return { rows: r.rows as Row[], count: r.rowCount ?? 0 };
    },
    async listen(channel) {
      const got: string[] = [];
      c.on('notification', (m) => {
        if (m.channel === channel) got.push(m.payload ?? '');
      });
      await c.query(`LISTEN ${channel}`);
      return got;
    },
    end: () => c.end(),
    cancel: () => sendCancelRequest(c),
  };
}

/** Resolves once `n` sessions of `db` wait for a row lock, or `pending` has ended. */
export async function vecgresWaiting(db: Vecgres, n: number, pending: { done: boolean }): Promise<void> {
  while (db.database.catalog.rowLocks.waiting < n && !pending.done) await new Promise((r) => setImmediate(r));
}

/** Embedded sessions of a new in-memory database. */
export async function embeddedBackend(): Promise<SessionBackend> {
  const db = await Vecgres.create();
  return {
    name: 'embedded',
    native: false,
    async open(n) {
      const out: SessionConn[] = [];
      for (let i = 0; i < n; i++) {
        const s = await db.connect();
        const pid = (await s.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p;
        out.push({
          async q(sql, params) {
            const r = await s.query<Row>(sql, params);
            return { rows: r.rows, count: r.affectedRows ?? 0 };
          },
          async listen(channel) {
            const got: string[] = [];
            await s.listen(channel, (p) => got.push(p));
            return got;
          },
          end: () => s.release(),
          // What the wire server does with a CancelRequest for a busy connection.
          cancel: async () => (db.database.catalog.lockSessions.get(pid)!.session as unknown as Session).interrupts.requestCancel(),
        });
      }
      return out;
    },
    waiting: (n, pending) => vecgresWaiting(db, n, pending),
    close: () => db.close(),
  };
}

/** node-postgres clients of a vecgres server started for the test. */
export async function serverBackend(): Promise<SessionBackend> {
  const s = await startServer();
  const clients: pg.Client[] = [];
  return {
    name: 'server',
    native: false,
    async open(n) {
      const out: SessionConn[] = [];
      for (let i = 0; i < n; i++) {
        const c = new pg.Client(s.conn);
        await c.connect();
        // A connection the server ends (pg_terminate_backend) fails its query, or the next one.
        c.on('error', () => undefined);
        clients.push(c);
        out.push(pgConn(c));
      }
      return out;
    },
    waiting: (n, pending) => vecgresWaiting(s.db, n, pending),
    async close() {
      for (const c of clients) await c.end().catch(() => undefined);
      await s.close();
    },
  };
}

/** node-postgres clients of native PostgreSQL at `url`, every connection in schema `<prefix>_<pid>`. */
export async function nativeBackend(url: string, prefix: string): Promise<SessionBackend> {
  const schema = `${prefix}_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  const clients: pg.Client[] = [];
  return {
    name: 'native PostgreSQL',
    native: true,
    async open(n) {
      const out: SessionConn[] = [];
      for (let i = 0; i < n; i++) {
        const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}`, application_name: schema });
        await c.connect();
        // A connection the server ends (pg_terminate_backend) fails its query, or the next one.
        c.on('error', () => undefined);
        clients.push(c);
        out.push(pgConn(c));
      }
      return out;
    },
    async waiting(n, pending) {
      const sql = "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = $1";
      while ((await admin.query(sql, [schema])).rows[0].n < n && !pending.done) await new Promise((r) => setTimeout(r, 5));
    },
    async close() {
      for (const c of clients) await c.end().catch(() => undefined);
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

/** The backends a scenario runs on: [label, make, skip reason or false]. */
export function sessionBackends(prefix: string): [string, () => Promise<SessionBackend>, string | false][] {
  const url = process.env['PGVECTOR_URL'];
  return [
    ['embedded sessions', embeddedBackend, false],
    ['node-postgres clients of the server', serverBackend, false],
    ['native PostgreSQL + pgvector', () => nativeBackend(url!, prefix), url === undefined ? 'PGVECTOR_URL not set: the native PostgreSQL run of these cases is skipped' : false],
  ];
}

/**
 * Registers one test per backend and scenario: each opens the backend (adapted to the shape
 * the scenarios use), runs the scenario and closes it.
 */
export function testOnEveryBackend<B extends { close(): Promise<void> }>(
  prefix: string,
  adapt: (b: SessionBackend) => B,
  scenarios: readonly [string, (b: B) => Promise<void>][],
): void {
  for (const [label, make, skip] of sessionBackends(prefix)) {
    for (const [name, scenario] of scenarios) {
      test(`${label}: ${name}`, { skip }, async () => {
        const b = adapt(await make());
        try {
          await scenario(b);
        } finally {
          await b.close();
        }
      });
    }
  }
}
