/**
 * txid_current() and txid_current_if_assigned(): what PostgreSQL documents of them, compared
 * with PostgreSQL (PGlite) through properties (the ids themselves are each system's own): no id
 * until asked for or until the first write, one id for the whole transaction, a new larger one
 * for the next transaction, bigint. Then what PostgreSQL promises across a restart: ids keep
 * growing, never reused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vecgres } from '../../src/index.js';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { both, checkAll } = await openSqlPair();

test('txid_current: assigned on demand or at the first write, stable within the transaction, growing across transactions', async () => {
  await both('CREATE TABLE tx (id int)');
  await both('CREATE TABLE tx_seen (label text, id bigint)');
  await checkAll('txid', [
    `SELECT pg_typeof(txid_current()) AS a, pg_typeof(txid_current_if_assigned()) AS b`,
    `SELECT txid_current_if_assigned() IS NULL AS a`,
    `BEGIN`,
    `SELECT txid_current_if_assigned() IS NULL AS a`,
    `INSERT INTO tx_seen SELECT 'first', txid_current()`,
    `SELECT txid_current_if_assigned() = txid_current() AS a, txid_current() = (SELECT id FROM tx_seen WHERE label = 'first') AS b`,
    `COMMIT`,
    `BEGIN`,
    `INSERT INTO tx VALUES (1)`,
    `SELECT txid_current_if_assigned() IS NOT NULL AS a, txid_current_if_assigned() > (SELECT id FROM tx_seen WHERE label = 'first') AS b`,
    `ROLLBACK`,
    `SELECT txid_current() > (SELECT id FROM tx_seen WHERE label = 'first') AS a`,
    `SELECT txid_current() <> txid_current() AS a`,
    `SELECT txid_current(1)`,
  ], undefined, SEED);
});

test('txid_current keeps growing across a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-txid-'));
  try {
    let v = await Vecgres.create({ dataDir: dir });
    await v.query('SELECT txid_current()');
    const before = Number((await v.query<{ t: number }>('SELECT txid_current() AS t')).rows[0]!.t);
    await v.close();
    v = await Vecgres.create({ dataDir: dir });
    const after = Number((await v.query<{ t: number }>('SELECT txid_current() AS t')).rows[0]!.t);
    await v.close();
    assert.ok(after > before, `${after} > ${before}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
