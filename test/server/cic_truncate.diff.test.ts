/**
 * TRUNCATE and INVALID indexes (a failed CREATE INDEX CONCURRENTLY), against native PostgreSQL
 * + pgvector (`PGVECTOR_URL`; skipped when unset). PostgreSQL's TRUNCATE rebuilds every index
 * of the table without constraint checks (reindex_relation): an INVALID index comes back valid
 * and ready (HNSW and IVFFlat ones here, after which writes maintain them again, errors of
 * their key expressions included), except a UNIQUE one, which stays INVALID and enforces
 * nothing until REINDEX; ROLLBACK of the TRUNCATE undoes it. Rows, catalog state and errors
 * (SQLSTATE and message) are compared statement by statement.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Vecgres } from '../../src/index.js';

const url = process.env['PGVECTOR_URL'];

type Outcome = { rows: unknown[] } | { code: string; message: string };

async function outcome(run: () => Promise<{ rows: unknown[] }>): Promise<Outcome> {
  try {
    return { rows: (await run()).rows };
  } catch (e) {
    const err = e as { code: string; message: string };
    return { code: err.code, message: err.message };
  }
}

const STATE = "SELECT c.relname::text AS name, i.indisvalid, i.indisready FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 't'::regclass ORDER BY 1";

const SCRIPT = [
  'CREATE TABLE t (id int PRIMARY KEY, n int, v vector(3))',
  'INSERT INTO t SELECT i, i % 4, ARRAY[i, i % 5, i % 3]::vector FROM generate_series(1, 40) i',
  'CREATE UNIQUE INDEX CONCURRENTLY t_n ON t (n)',
  'CREATE INDEX CONCURRENTLY t_e ON t USING hnsw ((ARRAY[1 / (n - 3), 1, 1]::vector(3)) vector_l2_ops)',
  'CREATE INDEX CONCURRENTLY t_i ON t USING ivfflat ((ARRAY[1 / (n - 3), 1, 1]::vector(3)) vector_l2_ops) WITH (lists = 2)',
  STATE,
  'TRUNCATE t',
  STATE,
  // Still not ready: duplicates and rows the key expression fails on go in.
  "INSERT INTO t VALUES (1, 1, '[1,1,1]'), (2, 1, '[1,1,1]'), (3, 3, '[3,3,3]')",
  'SELECT id, n FROM t ORDER BY id',
  STATE,
  'REINDEX INDEX t_n',
  'DELETE FROM t WHERE id IN (2, 3)',
  'REINDEX INDEX t_n',
  'REINDEX INDEX t_e',
  STATE,
  'TRUNCATE t',
  STATE,
  "INSERT INTO t VALUES (1, 1, '[1,1,1]')",
  "INSERT INTO t VALUES (2, 1, '[1,1,1]')",
  'BEGIN',
  'TRUNCATE t',
  'ROLLBACK',
  STATE,
  'SELECT id, n FROM t ORDER BY id',
  'DROP INDEX t_i',
  "INSERT INTO t VALUES (5, 5, '[5,5,5]')",
  'CREATE INDEX CONCURRENTLY t_i ON t USING ivfflat ((ARRAY[1 / (n - 5), 1, 1]::vector(3)) vector_l2_ops) WITH (lists = 2)',
  STATE,
  'DELETE FROM t WHERE id = 5',
  'BEGIN',
  'TRUNCATE t',
  STATE,
  'ROLLBACK',
  STATE,
  'SELECT id, n FROM t ORDER BY id',
];

test('TRUNCATE makes an INVALID index valid unless it is UNIQUE, as native PostgreSQL', { skip: url === undefined ? 'PGVECTOR_URL is not set' : false }, async () => {
  const schema = `vecgres_cic_truncate_${process.pid}`;
  const native = new pg.Client({ connectionString: url, options: `-c search_path=${schema},public` });
  await native.connect();
  const db = await Vecgres.create();
  try {
    await native.query(`CREATE EXTENSION IF NOT EXISTS vector; DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    for (const sql of SCRIPT) {
      const want = await outcome(() => native.query(sql));
      const got = await outcome(() => db.query(sql));
      assert.deepEqual(got, want, sql);
    }
  } finally {
    await native.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await native.end();
    await db.close();
  }
});
