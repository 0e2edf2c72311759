/**
 * A multi-statement simple Query is one implicit transaction: the same scripts through
 * node-postgres against `vecgres serve` and against PostgreSQL 18 + pgvector (PGlite behind
 * its socket server), comparing each script's results, command tags, notices and error, then
 * the rows it kept. Expected values come from PGlite at test time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { connectPeerPair } from './peer_pair.js';
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
  const { theirs, mine, theirNotices, myNotices, close } = await connectPeerPair('CREATE EXTENSION vector');
  try {
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
    await close();
  }
});
