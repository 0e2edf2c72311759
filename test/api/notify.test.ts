/**
 * LISTEN / NOTIFY / UNLISTEN and PGlite's listen / unlisten / onNotification API, against
 * PGlite itself: the same calls run on both, and the notifications each callback receives
 * (channel, payload, order), the statements' results and their errors must be the same.
 * Several sessions (which PGlite lacks) are compared with native PostgreSQL when PGVECTOR_URL
 * names one: two node-postgres connections there, two vecgres sessions here, the same
 * statements, the same notifications in the same order. Every flow runs on Vecgres and on
 * VecgresWorker (whose callbacks stay on this thread while the database runs on its own).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vecgres } from '../../src/index.js';
import { VecgresWorker } from '../../src/worker/vecgres_worker.js';
import { startPglite } from '../support/pglite_start.js';

const lite = await startPglite({ extensions: {} });
const db = await Vecgres.create();
const worker = await VecgresWorker.create();
after(async () => {
  await db.close();
  await worker.close();
  await lite.close();
});

/** What both databases offer for these tests. */
interface NotifyDb {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[]; fields: { name: string; dataTypeID: number }[] }>;
  exec(sql: string): Promise<unknown>;
  listen(channel: string, cb: (payload: string) => void): Promise<(tx?: any) => Promise<void>>;
  unlisten(channel: string, cb?: (payload: string) => void): Promise<void>;
  onNotification(cb: (channel: string, payload: string) => void): () => void;
  offNotification(cb: (channel: string, payload: string) => void): void;
  transaction<T>(fn: (tx: any) => Promise<T>): Promise<T>;
}

/** Lets queued notification callbacks (microtasks) run. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** Runs `script` on one database, recording every callback call and each step's outcome. */
async function record(d: NotifyDb, script: (d: NotifyDb, log: unknown[], step: (name: string, f: () => Promise<unknown>) => Promise<void>) => Promise<void>): Promise<unknown[]> {
  const log: unknown[] = [];
  const step = async (name: string, f: () => Promise<unknown>): Promise<void> => {
    try {
      const r = (await f()) as { rows?: unknown; fields?: unknown } | undefined;
      log.push([name, 'ok', r?.rows ?? null, r?.fields ?? null]);
    } catch (e) {
      const err = e as { code?: string; message?: string };
      log.push([name, 'error', err.code, err.message]);
    }
    await settle();
  };
  await script(d, log, step);
  await settle();
  return log;
}

async function same(script: Parameters<typeof record>[1]): Promise<void> {
  const theirs = await record(lite as unknown as NotifyDb, script);
  const ours = await record(db as unknown as NotifyDb, script);
  assert.deepEqual(ours, theirs);
  const onWorker = await record(worker as unknown as NotifyDb, script);
  assert.deepEqual(onWorker, theirs, 'VecgresWorker');
}

test('NOTIFY reaches listen() and onNotification() callbacks as in PGlite, with its channel-name rules', async () => {
  await same(async (d, log, step) => {
    const any = (c: string, p: string): void => void log.push(['any', c, p]);
    d.onNotification(any);
    let stopFoo: (() => Promise<void>) | null = null;
    await step('listen Foo', async () => {
      stopFoo = await d.listen('Foo', (p) => log.push(['Foo', p]));
    });
    await step('listen "Bar"', () => d.listen('"Bar"', (p) => log.push(['"Bar"', p])));
    await step('notify foo', () => d.query("NOTIFY foo, 'x'"));
    await step('notify FOO', () => d.query('NOTIFY FOO'));
    await step('notify "Bar"', () => d.query(`NOTIFY "Bar", 'y'`));
    await step('notify bar (not listened)', () => d.query("NOTIFY bar, 'z'"));
    await step('channels', () => d.query('SELECT pg_listening_channels() AS c ORDER BY 1'));
    await step('pg_notify', () => d.query("SELECT pg_notify('foo', 'pn')"));
    await step('pg_notify null payload', () => d.query("SELECT pg_notify('foo', NULL)"));
    await step('pg_notify param', () => d.query('SELECT pg_notify($1, $2)', ['foo', 'from a parameter']));
    await step('stop Foo', () => stopFoo!());
    await step('notify after stop', () => d.query("NOTIFY foo, 'gone'"));
    await step('channels after', () => d.query('SELECT pg_listening_channels() AS c'));
    await step('unlisten all of Bar', () => d.unlisten('"Bar"'));
    await step('notify Bar after unlisten', () => d.query(`NOTIFY "Bar", 'gone'`));
    d.offNotification(any);
  });
});

test('notifications are sent at commit, never on rollback, duplicates folded, savepoints respected', async () => {
  await same(async (d, log, step) => {
    await step('listen', () => d.listen('tx', (p) => log.push(['tx', p])));
    await step('dups', () => d.exec("BEGIN; NOTIFY tx, 'a'; NOTIFY tx, 'a'; NOTIFY tx, 'b'; NOTIFY tx, 'a'; NOTIFY tx; NOTIFY tx, ''; COMMIT"));
    await step('rollback', () => d.exec("BEGIN; NOTIFY tx, 'never'; ROLLBACK"));
    await step('savepoint', () => d.exec("BEGIN; NOTIFY tx, 'kept'; SAVEPOINT s; NOTIFY tx, 'dropped'; ROLLBACK TO s; NOTIFY tx, 'after'; RELEASE s; COMMIT"));
    await step('failed block', () => d.exec("BEGIN; NOTIFY tx, 'failed'; SELECT 1/0"));
    await step('end failed block', () => d.query('COMMIT'));
    await step('implicit block', () => d.exec("NOTIFY tx, 'i1'; NOTIFY tx, 'i2'"));
    await step('implicit block error', () => d.exec("NOTIFY tx, 'i3'; SELECT 1/0"));
    await step('pending inside a block', async () => {
      await d.query('BEGIN');
      await d.query("NOTIFY tx, 'held'");
      await settle();
      log.push(['before commit']);
      await d.query('COMMIT');
    });
    await step('transaction()', () => d.transaction(async (tx) => {
      await tx.query("NOTIFY tx, 'in transaction()'");
      await tx.listen('other', (p: string) => log.push(['other', p]));
      await tx.query("NOTIFY other, 'same transaction'");
    }));
    await step('listen committed', () => d.query("NOTIFY other, 'later'"));
    await step('listen in a rolled-back block', () => d.exec("BEGIN; LISTEN rb; ROLLBACK; NOTIFY rb, 'unheard'"));
    await step('channels', () => d.query('SELECT pg_listening_channels() AS c ORDER BY 1'));
    await step('unlisten *', () => d.query('UNLISTEN *'));
    await step('channels none', () => d.query('SELECT pg_listening_channels() AS c'));
    await step('notify none', () => d.query("NOTIFY tx, 'after unlisten *'"));
  });
});

test("NOTIFY's errors and limits are PostgreSQL's", async () => {
  await same(async (d, _log, step) => {
    await step('payload 7999 bytes', () => d.query(`NOTIFY ch, '${'x'.repeat(7999)}'`));
    await step('payload 8000 bytes', () => d.query(`NOTIFY ch, '${'x'.repeat(8000)}'`));
    await step('payload multibyte', () => d.query(`SELECT pg_notify('ch', repeat('é', 4000))`));
    await step('empty channel', () => d.query("SELECT pg_notify('', 'p')"));
    await step('null channel', () => d.query("SELECT pg_notify(NULL, 'p')"));
    await step('channel 63 bytes', () => d.query(`SELECT pg_notify('${'c'.repeat(63)}', 'p')`));
    await step('channel 64 bytes', () => d.query(`SELECT pg_notify('${'c'.repeat(64)}', 'p')`));
    await step('pg_notify arity', () => d.query("SELECT pg_notify('ch')"));
    await step('listen syntax', () => d.query('LISTEN 1'));
    await step('unlisten unknown', () => d.query('UNLISTEN never_listened'));
  });
});

test('query() runs exactly one statement, and an empty string gives an empty result, as PGlite', async () => {
  await same(async (d, _log, step) => {
    await step('two statements', () => d.query('SELECT 1; SELECT 2'));
    await step('two statements with a parameter', () => d.query('SELECT $1::int; SELECT 2', [1]));
    await step('empty', async () => ({ rows: await d.query(''), fields: null }));
    await step('only a comment', async () => ({ rows: await d.query('-- nothing'), fields: null }));
    await step('exec empty', async () => ({ rows: await d.exec(''), fields: null }));
    await step('one statement and a semicolon', () => d.query('SELECT 1 AS a;'));
  });
});

for (const [cls, target] of [['Vecgres', db], ['VecgresWorker', worker]] as const) test(`several sessions (${cls}): every listener gets each committed notification in commit order, held while it is in a block`, async () => {
  const db = target as Vecgres;
  const a = await db.connect();
  const b = await db.connect();
  const got: string[] = [];
  a.onNotification((c, p) => got.push(`a ${c} ${p}`));
  b.onNotification((c, p) => got.push(`b ${c} ${p}`));
  await a.query('LISTEN ch');
  await b.query('LISTEN ch');
  await db.query("NOTIFY ch, 'one'");
  await settle();
  assert.deepEqual(got, ['a ch one', 'b ch one']);
  got.length = 0;
  // b is inside a block: it gets nothing until that ends; a gets both at once.
  await b.query('BEGIN');
  await a.exec("BEGIN; NOTIFY ch, 'two'");
  await db.query("NOTIFY ch, 'three'");
  await settle();
  assert.deepEqual(got, []);
  await a.query('COMMIT');
  await settle();
  assert.deepEqual(got, ['a ch three', 'a ch two']);
  await b.query('SELECT 1');
  await settle();
  assert.deepEqual(got, ['a ch three', 'a ch two']);
  await b.query('ROLLBACK');
  await settle();
  assert.deepEqual(got, ['a ch three', 'a ch two', 'b ch three', 'b ch two']);
  // A released session stops listening.
  got.length = 0;
  await b.release();
  await a.query("NOTIFY ch, 'four'");
  await settle();
  assert.deepEqual(got, ['a ch four']);
  await a.release();
});

test('with PGVECTOR_URL: two sessions receive what two native PostgreSQL connections receive', { skip: process.env['PGVECTOR_URL'] === undefined ? 'PGVECTOR_URL not set' : false }, async () => {
  const url = process.env['PGVECTOR_URL']!;
  const script: [number, string][] = [
    [0, 'LISTEN vg_ch'],
    [1, 'LISTEN vg_ch'],
    [1, 'LISTEN vg_other'],
    [0, "NOTIFY vg_ch, 'one'"],
    [1, 'BEGIN'],
    [1, "NOTIFY vg_other, 'from 1'"],
    [0, "NOTIFY vg_ch, 'two'"],
    [0, "SELECT pg_notify('vg_other', 'three')"],
    [1, "NOTIFY vg_ch, 'four'"],
    [1, 'COMMIT'],
    [0, "BEGIN; NOTIFY vg_ch, 'x'; NOTIFY vg_ch, 'x'; NOTIFY vg_other, 'y'; COMMIT"],
    [1, 'UNLISTEN vg_ch'],
    [0, "NOTIFY vg_ch, 'five'"],
    [0, 'UNLISTEN *'],
    [1, "NOTIFY vg_ch, 'six'"],
  ];
  const native = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
  const theirs: string[] = [];
  for (const [i, c] of native.entries()) {
    await c.connect();
    c.on('notification', (n) => theirs.push(`${i} ${n.channel} ${n.payload}`));
  }
  try {
    for (const [i, sql] of script) {
      await native[i]!.query(sql);
      // A round trip on each connection, so what was sent to it arrived.
      for (const c of native) await c.query('SELECT 1');
    }
  } finally {
    for (const c of native) await c.end();
  }
  const sessions = [await db.connect(), await db.connect()];
  const ours: string[] = [];
  for (const [i, s] of sessions.entries()) {
    s.onNotification((c, p) => ours.push(`${i} ${c} ${p}`));
  }
  for (const [i, sql] of script) {
    await sessions[i]!.exec(sql);
    await settle();
  }
  for (const s of sessions) await s.release();
  assert.ok(theirs.length > 5, theirs.join('\n'));
  // Each connection's notifications, in order (how two connections' arrivals interleave is timing).
  for (const i of [0, 1]) assert.deepEqual(ours.filter((t) => t.startsWith(`${i} `)), theirs.filter((t) => t.startsWith(`${i} `)));
});

test('a durable database sends a commit\'s notifications once the commit is visible to the listener', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-notify-'));
  const d = await Vecgres.create(dir);
  try {
    await d.exec('CREATE TABLE jobs (id int PRIMARY KEY)');
    const listener = await d.connect();
    const seen: unknown[] = [];
    let reading: Promise<void> = Promise.resolve();
    await listener.listen('jobs', (payload) => {
      // The listener reads the row the notifying transaction inserted.
      reading = (async () => {
        const r = await listener.query('SELECT id FROM jobs WHERE id = $1', [Number(payload)]);
        seen.push([payload, r.rows]);
      })();
    });
    for (let i = 1; i <= 3; i++) await d.exec(`BEGIN; INSERT INTO jobs VALUES (${i}); NOTIFY jobs, '${i}'; COMMIT`);
    await settle();
    await reading;
    await d.exec("BEGIN; INSERT INTO jobs VALUES (9); NOTIFY jobs, '9'; ROLLBACK");
    await settle();
    assert.deepEqual(seen, [['1', [{ id: 1 }]], ['2', [{ id: 2 }]], ['3', [{ id: 3 }]]]);
    await listener.release();
  } finally {
    await d.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
