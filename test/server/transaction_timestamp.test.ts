/**
 * now() is the start of the current transaction, also when the transaction is an implicit
 * block: the statements of a multi-statement query (embedded `exec`, a simple Query on the
 * wire) and each extended-protocol Execute outside BEGIN. Those blocks were opened before
 * their first statement ran, and no statement set the timestamp: now() read the previous
 * transaction's time, or 2000-01-01 in a new session, e.g. `CREATE TABLE t (...); INSERT INTO
 * t VALUES (now())` stored 2000-01-01 00:00:00+00. A manual clock makes the expected values
 * exact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Vecgres } from '../../src/index.js';
import { VecgresServer } from '../../src/server/server.js';
import { ManualClock } from '../../src/common/clock.js';
import { PASSWORD } from './helpers.js';

const START_MS = Date.UTC(2026, 0, 2, 3, 4, 5);
const iso = (ms: number): string => new Date(ms).toISOString();
const isoOf = (v: unknown): string => (v as Date).toISOString();

test('embedded: each implicit block and each statement outside a block reads its own start time', async () => {
  const clock = new ManualClock(0, START_MS);
  const db = await Vecgres.create({ clock });
  try {
    await db.exec(`CREATE TABLE ev (id int, at timestamptz DEFAULT now()); INSERT INTO ev (id) VALUES (1); INSERT INTO ev VALUES (2, now())`);
    clock.advance(60_000);
    await db.exec(`SELECT 1; INSERT INTO ev VALUES (3, now())`);
    clock.advance(60_000);
    await db.query('INSERT INTO ev VALUES (4, now())');
    clock.advance(60_000);
    const multi = await db.exec('SELECT now() AS a; SELECT now() AS b');
    const rows = (await db.query<{ id: number; at: Date }>('SELECT id, at FROM ev ORDER BY id')).rows;
    assert.deepEqual(rows.map((r) => [r.id, isoOf(r.at)]), [
      [1, iso(START_MS)], [2, iso(START_MS)], [3, iso(START_MS + 60_000)], [4, iso(START_MS + 120_000)],
    ]);
    // One implicit block: both statements see the same transaction start.
    assert.deepEqual(multi.map((r) => isoOf(Object.values(r.rows[0]!)[0])), [iso(START_MS + 180_000), iso(START_MS + 180_000)]);
  } finally {
    await db.close();
  }
});

test('wire: extended-protocol statements outside BEGIN read their own transaction start', async () => {
  const clock = new ManualClock(0, START_MS);
  const db = await Vecgres.create({ clock });
  const server = await VecgresServer.start({ db: db.database, port: 0, users: { postgres: PASSWORD }, log: () => {} });
  const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    await client.query('CREATE TABLE ev (id int, at timestamptz)');
    clock.advance(1_000);
    // Parameterized: Parse / Bind / Execute / Sync, an implicit block per Sync.
    await client.query('INSERT INTO ev VALUES ($1, now())', [1]);
    clock.advance(1_000);
    const a = await client.query('SELECT now() AS t WHERE $1::int = 1', [1]);
    clock.advance(1_000);
    await client.query('BEGIN');
    clock.advance(1_000);
    const inBlock = await client.query('SELECT now() AS t WHERE $1::int = 1', [1]);
    await client.query('COMMIT');
    const rows = await client.query('SELECT id, at FROM ev');
    assert.equal(isoOf(rows.rows[0].at), iso(START_MS + 1_000));
    assert.equal(isoOf(a.rows[0].t), iso(START_MS + 2_000));
    // Inside BEGIN, now() is BEGIN's time, not the statement's.
    assert.equal(isoOf(inBlock.rows[0].t), iso(START_MS + 3_000));
  } finally {
    await client.end();
    await server.close();
    await db.close();
  }
});
