/**
 * SQL cursors over the wire, message by message against PostgreSQL 18 (PGlite behind
 * pglite-socket): DECLARE / FETCH / MOVE / CLOSE in simple queries and in the extended
 * protocol (Describe of a FETCH statement and portal gives the cursor's columns, MOVE none;
 * Execute with a row limit suspends a FETCH portal), and the errors that fail a block.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'pg-protocol';
import { overPgliteSocket, overVecgresServer, type RawConn } from './raw_conn.js';
import { startPglite } from '../support/pglite_start.js';

/** Parse, Bind, Describe (statement and portal), Execute (at most `rows`, 0 all), Sync. */
function extended(sql: string, rows = 0): Buffer[] {
  return [
    serialize.parse({ text: sql, types: [] }),
    serialize.describe({ type: 'S' }),
    serialize.bind({ values: [] }),
    serialize.describe({ type: 'P' }),
    serialize.execute({ rows }),
    serialize.sync(),
  ];
}

/** The conversation both servers hold; each step's messages. */
async function conversation(c: RawConn): Promise<string[][]> {
  const out: string[][] = [];
  const q = async (sql: string): Promise<void> => void out.push(await c.exchange(serialize.query(sql)));
  await q('CREATE TABLE wc (id int PRIMARY KEY, name text)');
  await q("INSERT INTO wc SELECT g, 'n' || g FROM generate_series(1, 6) g");
  await q('DECLARE c CURSOR FOR SELECT id, name FROM wc ORDER BY id');
  await q('BEGIN');
  await q('DECLARE c SCROLL CURSOR FOR SELECT id, name FROM wc ORDER BY id');
  await q('FETCH 2 FROM c');
  out.push(await c.exchange(...extended('FETCH 2 FROM c')));
  out.push(await c.exchange(...extended('FETCH ALL FROM c', 1)));
  out.push(await c.exchange(...extended('MOVE BACKWARD ALL IN c')));
  out.push(await c.exchange(...extended('FETCH NEXT FROM nosuch')));
  await q('ROLLBACK');
  await q('BEGIN');
  out.push(await c.exchange(...extended('DECLARE d NO SCROLL CURSOR FOR SELECT id FROM wc ORDER BY id')));
  out.push(await c.exchange(...extended('FETCH 3 d')));
  // A Bind to a portal name a cursor holds.
  out.push(await c.exchange(serialize.parse({ text: 'SELECT 1', types: [] }), serialize.bind({ portal: 'd', values: [] }), serialize.sync()));
  await q('ROLLBACK');
  await q('BEGIN');
  await q('DECLARE d NO SCROLL CURSOR FOR SELECT id FROM wc ORDER BY id; FETCH 3 d');
  await q('FETCH 0 d; CLOSE d');
  await q('FETCH 1 d');
  await q('COMMIT');
  await q('DECLARE h CURSOR WITH HOLD FOR SELECT name FROM wc ORDER BY id DESC; FETCH h; MOVE 2 h');
  await q('FETCH h; CLOSE h; FETCH h');
  await q('CLOSE ALL');
  await q('BEGIN');
  // A cursor's query with parameters: ParameterDescription gives their types, Bind their values.
  out.push(await c.exchange(
    serialize.parse({ text: 'DECLARE pc CURSOR FOR SELECT id, name FROM wc WHERE id > $1 AND name <> $2 ORDER BY id', types: [] }),
    serialize.describe({ type: 'S' }),
    serialize.bind({ values: ['2', 'n4'] }),
    serialize.execute({}),
    serialize.sync(),
  ));
  await q('FETCH ALL pc');
  await q('COMMIT');
  // Outside a block the messages up to Sync are one transaction, but not a transaction block.
  out.push(await c.exchange(...extended('DECLARE e CURSOR FOR SELECT 1')));
  out.push(await c.exchange(...extended('DECLARE e CURSOR WITH HOLD FOR SELECT 1 AS one')));
  out.push(await c.exchange(...extended('FETCH e')));
  out.push(await c.exchange(...extended('CLOSE e')));
  return out;
}

test('cursors over the simple and the extended protocol, as PostgreSQL 18 (PGlite)', async () => {
  const pglite = await startPglite({ extensions: {} });
  const expected = await overPgliteSocket(pglite, conversation);
  const actual = await overVecgresServer({}, conversation);
  assert.deepEqual(actual, expected);
});
