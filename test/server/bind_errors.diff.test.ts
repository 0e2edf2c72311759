/**
 * The extended protocol message by message against PostgreSQL: a text parameter its type's
 * input function refuses (`'abc'` for an integer, a malformed vector) fails in reply to Bind,
 * and the messages after it are skipped until Sync; inside a transaction block the block is
 * then failed. Also extra_float_digits in the startup packet (pgJDBC and psycopg send 3). The
 * replies of `vecgres serve` are compared with PostgreSQL 18 + pgvector behind pglite-socket,
 * and with a native PostgreSQL when PGVECTOR_URL names one. Expected values come from
 * PostgreSQL at test time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'pg-protocol';
import { overPgliteSocket, overVecgresServer, withRawConn, type RawConn } from './raw_conn.js';
import { startPglite } from '../support/pglite_start.js';

/** Parse, Bind with text parameters, Describe, Execute, Sync. */
function extended(sql: string, params: (string | null)[]): Buffer[] {
  return [
    serialize.parse({ text: sql, types: [] }),
    serialize.bind({ values: params }),
    serialize.describe({ type: 'P' }),
    serialize.execute({}),
    serialize.sync(),
  ];
}

/** The conversation both servers hold; each step's messages. */
async function conversation(c: RawConn): Promise<string[][]> {
  const out: string[][] = [];
  out.push(await c.exchange(serialize.query('SHOW extra_float_digits')));
  out.push(await c.exchange(serialize.query("SELECT 1.0::float8 / 3 AS third, '0.1'::real AS r, '[0.1,1e-7]'::vector AS v")));
  out.push(await c.exchange(...extended('SELECT $1::int AS a', ['42'])));
  out.push(await c.exchange(...extended('SELECT $1::int AS a', ['abc'])));
  out.push(await c.exchange(...extended('SELECT $1::int AS a, $2::vector AS v', ['1', '[1,2'])));
  // (Not compared: PostgreSQL plans the unnamed statement at Bind with the values as constants,
  // so `$1::vector <-> $2::vector` of different dimensions fails at Bind there; vecgres plans at Execute.)
  out.push(await c.exchange(...extended('SELECT $1::int2 AS a', ['70000'])));
  out.push(await c.exchange(...extended('SELECT $1::float4 AS a', ['1e39'])));
  out.push(await c.exchange(...extended("SELECT $1::timestamptz AS a", ['2024-02-30 10:00'])));
  // Several Executes after a failed Bind: all skipped until the Sync.
  out.push(await c.exchange(serialize.parse({ text: 'SELECT $1::int AS a', types: [] }), serialize.bind({ values: ['x'] }), serialize.execute({}), serialize.bind({ values: ['1'] }), serialize.execute({}), serialize.sync()));
  // In a transaction block the Bind error fails the block.
  out.push(await c.exchange(serialize.query('BEGIN')));
  out.push(await c.exchange(...extended('SELECT $1::bigint AS a', ['12x'])));
  out.push(await c.exchange(serialize.query('SELECT 1 AS one')));
  out.push(await c.exchange(serialize.query('ROLLBACK')));
  out.push(await c.exchange(...extended('SELECT $1::bigint + 1 AS a', ['12'])));
  // SET within the session, and an out-of-range value.
  out.push(await c.exchange(serialize.query('SET extra_float_digits = 0')));
  out.push(await c.exchange(serialize.query("SELECT 1.0::float8 / 3 AS third, '0.1'::real AS r, '[0.1,1e-7]'::vector AS v")));
  out.push(await c.exchange(...extended('SELECT $1::float8 AS a', ['0.1234567890123456789'])));
  out.push(await c.exchange(serialize.query('SET extra_float_digits = 4')));
  return out;
}

// pglite-socket answers the startup packet itself and drops its settings: only the native
// server is asked with extra_float_digits in it.
test('Bind errors, message by message, as PostgreSQL 18 (PGlite)', async () => {
  const pglite = await startPglite();
  await pglite.exec('CREATE EXTENSION vector');
  const expected = await overPgliteSocket(pglite, conversation);
  const actual = await overVecgresServer({}, conversation);
  assert.deepEqual(actual, expected);
});

const nativeUrl = process.env['PGVECTOR_URL'];

test('Bind errors and extra_float_digits at startup, message by message, as native PostgreSQL', { skip: nativeUrl === undefined ? 'PGVECTOR_URL is not set' : false }, async () => {
  const u = new URL(nativeUrl!);
  const expected = await withRawConn(u.hostname, Number(u.port || 5432), { extra_float_digits: '3' }, async (c) => {
    await c.exchange(serialize.query('CREATE EXTENSION IF NOT EXISTS vector'));
    return conversation(c);
  }, decodeURIComponent(u.username || 'postgres'), u.pathname.slice(1) || 'postgres');
  const actual = await overVecgresServer({ extra_float_digits: '3' }, conversation);
  assert.deepEqual(actual, expected);
});
