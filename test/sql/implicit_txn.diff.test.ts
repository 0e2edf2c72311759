/**
 * A multi-statement `exec` is one implicit transaction, as PostgreSQL's simple query: the same
 * scripts on vecgres and on PGlite (PostgreSQL 18 + pgvector), comparing each script's results,
 * error and notices and then the rows it kept. Expected values come from PGlite at test time.
 * DDL in such a query is rolled back with it, as in PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { IMPLICIT_TXN_SCRIPTS, IMPLICIT_TXN_SETUP, IMPLICIT_TXN_STATE } from '../support/implicit_txn_cases.js';
import { startPglite } from '../support/pglite_start.js';

interface Runner {
  exec(sql: string, opts: { onNotice: (n: { severity?: string; code?: string; message: string }) => void }): Promise<{ rows: unknown[] }[]>;
}

async function outcome(db: Runner, sql: string): Promise<unknown> {
  const notices: string[] = [];
  const onNotice = (n: { severity?: string; code?: string; message: string }): void => {
    notices.push(`${n.severity} ${n.code} ${n.message}`);
  };
  let result: unknown;
  try {
    result = { ok: true, rows: (await db.exec(sql, { onNotice })).map((r) => r.rows) };
  } catch (e) {
    const err = e as { code?: unknown; message: string };
    if (typeof err.code !== 'string') throw e;
    result = { ok: false, code: err.code, message: err.message };
  }
  return { result, notices, kept: await db.exec(IMPLICIT_TXN_STATE, { onNotice: () => undefined }).then((r) => r[0]!.rows, (e: Error) => e.message) };
}

test('multi-statement exec: one implicit transaction, as PGlite', async () => {
  const pglite = await startPglite();
  const db = await Vecgres.create();
  try {
    await pglite.exec('CREATE EXTENSION vector');
    await pglite.exec(IMPLICIT_TXN_SETUP);
    await db.exec(IMPLICIT_TXN_SETUP);
    const mismatches: string[] = [];
    for (const sql of IMPLICIT_TXN_SCRIPTS) {
      const expected = await outcome(pglite as unknown as Runner, sql);
      const actual = await outcome(db as unknown as Runner, sql);
      try {
        assert.deepEqual(actual, expected);
      } catch {
        mismatches.push(`${sql}\n  PostgreSQL: ${JSON.stringify(expected)}\n  vecgres:    ${JSON.stringify(actual)}`);
      }
    }
    assert.equal(mismatches.length, 0, `${mismatches.length} of ${IMPLICIT_TXN_SCRIPTS.length} scripts differ:\n${mismatches.join('\n')}`);
  } finally {
    await pglite.close();
    await db.close();
  }
});
