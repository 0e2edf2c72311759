/**
 * Read-only transactions over the wire, against PGlite + pgvector behind pglite-socket: the
 * ParameterStatus reports libpq's `target_session_attrs` reads (default_transaction_read_only
 * at startup and when it changes, in_hot_standby), and a read-only transaction's refusal of a
 * write through the extended protocol (node-postgres' parameterized query), after which the
 * block is aborted until ROLLBACK, as PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectPeerPair } from './peer_pair.js';

const WATCHED = new Set(['default_transaction_read_only', 'in_hot_standby']);

test('default_transaction_read_only and in_hot_standby reports, and a write refused in a read-only transaction, as PostgreSQL', async () => {
  const reports: Record<'theirs' | 'mine', string[]> = { theirs: [], mine: [] };
  const peers = await connectPeerPair('CREATE TABLE t (id int)', (side, name, value) => {
    if (WATCHED.has(name)) reports[side].push(`${name}=${value}`);
  });
  try {
    await peers.mine.query('CREATE TABLE t (id int)');
    assert.deepEqual(reports.mine.slice().sort(), reports.theirs.slice().sort());
    assert.deepEqual(reports.mine.slice().sort(), ['default_transaction_read_only=off', 'in_hot_standby=off']);
    const outcome = async (c: typeof peers.mine, sql: string, values?: unknown[]): Promise<string> => {
      try {
        const r = await c.query(sql, values);
        return `ok ${JSON.stringify(r.rows)}`;
      } catch (e) {
        const err = e as { code: string; message: string };
        return `${err.code} ${err.message}`;
      }
    };
    const script: [string, unknown[]?][] = [
      ['SET default_transaction_read_only = on'],
      ['INSERT INTO t VALUES ($1)', [1]],
      ['BEGIN'],
      ['SELECT count(*) FROM t'],
      ['INSERT INTO t VALUES ($1)', [2]],
      ['SELECT 1'],
      ['ROLLBACK'],
      ['SET default_transaction_read_only = off'],
      ['BEGIN READ ONLY'],
      ['UPDATE t SET id = $1', [3]],
      ['ROLLBACK'],
      ['INSERT INTO t VALUES ($1)', [4]],
      ['SELECT id FROM t ORDER BY id'],
    ];
    for (const [sql, values] of script) {
      assert.equal(await outcome(peers.mine, sql, values), await outcome(peers.theirs, sql, values), sql);
    }
    // After the two startup reports (whose order PostgreSQL does not fix), the changes in order.
    assert.deepEqual(reports.mine.slice(2), reports.theirs.slice(2));
    assert.deepEqual(reports.mine.filter((r) => r.startsWith('default_')), ['default_transaction_read_only=off', 'default_transaction_read_only=on', 'default_transaction_read_only=off']);
  } finally {
    await peers.close();
  }
});
