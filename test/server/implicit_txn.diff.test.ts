/**
 * A multi-statement simple Query is one implicit transaction: the same scripts through
 * node-postgres against `vecgres serve` and against PostgreSQL 18 + pgvector (PGlite behind
 * its socket server), comparing each script's results, command tags, notices and error, then
 * the rows it kept. Expected values come from PGlite at test time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { startServer } from './helpers.js';
import { IMPLICIT_TXN_SCRIPTS, IMPLICIT_TXN_SETUP, IMPLICIT_TXN_STATE } from '../support/implicit_txn_cases.js';

async function outcome(client: pg.Client, notices: string[], sql: string): Promise<unknown> {
  notices.length = 0;
  let result: unknown;
  try {
    const res = await client.query({ text: sql, rowMode: 'array' });
    const list = (Array.isArray(res) ? res : [res]) as pg.QueryResult[];
    result = list.map((r) => ({ command: r.command, rowCount: r.rowCount, rows: r.rows }));
  } catch (e) {
    const err = e as pg.DatabaseError;
    if (typeof err.code !== 'string') throw e;
    result = { code: err.code, message: err.message };
  }
  const seen = [...notices];
  const kept = await client.query(IMPLICIT_TXN_STATE).then((r) => r.rows, (e: Error) => e.message);
  return { result, notices: seen, kept };
}

test('multi-statement simple Query: one implicit transaction, as PostgreSQL', async () => {
  const pglite = await PGlite.create({ extensions: { vector } });
  await pglite.exec('CREATE EXTENSION vector');
  const socketServer = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1' });
  await socketServer.start();
  const [, pgPort] = socketServer.getServerConn().split(':');
  const ours = await startServer();
  const theirs = new pg.Client({ host: '127.0.0.1', port: Number(pgPort), user: 'postgres', database: 'postgres' });
  const mine = new pg.Client(ours.conn);
  const theirNotices: string[] = [];
  const myNotices: string[] = [];
  theirs.on('notice', (n) => theirNotices.push(`${n.severity} ${n.code} ${n.message}`));
  mine.on('notice', (n) => myNotices.push(`${n.severity} ${n.code} ${n.message}`));
  try {
    await theirs.connect();
    await mine.connect();
    await theirs.query(IMPLICIT_TXN_SETUP);
    await mine.query(IMPLICIT_TXN_SETUP);
    const mismatches: string[] = [];
    for (const sql of IMPLICIT_TXN_SCRIPTS) {
      const expected = await outcome(theirs, theirNotices, sql);
      const actual = await outcome(mine, myNotices, sql);
      try {
        assert.deepEqual(actual, expected);
      } catch {
        mismatches.push(`${sql}\n  PostgreSQL: ${JSON.stringify(expected)}\n  vecgres:    ${JSON.stringify(actual)}`);
      }
    }
    assert.equal(mismatches.length, 0, `${mismatches.length} of ${IMPLICIT_TXN_SCRIPTS.length} scripts differ:\n${mismatches.join('\n')}`);
  } finally {
    await mine.end().catch(() => undefined);
    await theirs.end().catch(() => undefined);
    await socketServer.stop();
    await pglite.close();
    await ours.close();
  }
});
