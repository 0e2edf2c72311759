/**
 * Read-only transactions against PGlite (PostgreSQL 18 + pgvector): `BEGIN READ ONLY`,
 * `SET TRANSACTION READ ONLY / READ WRITE`, `transaction_read_only`,
 * `default_transaction_read_only` and `SET SESSION CHARACTERISTICS`. Every statement kind runs
 * inside `BEGIN READ ONLY ... ROLLBACK` on both, and must succeed or fail with the same
 * SQLSTATE and message (`25006 cannot execute INSERT in a read-only transaction`); then scripts
 * of mode changes (before and after the first query, inside savepoints, rolled back) compare
 * each statement and the rows left. Expected values come from PGlite at test time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches, failureOutcome, type SqlOutcome } from '../support/sql_pair.js';

const { db, oracle, check, both } = await openSqlPair();

const SETUP = `CREATE TABLE t (id int PRIMARY KEY, v vector(2));
  INSERT INTO t VALUES (1, '[1,2]'), (2, '[2,1]');
  CREATE INDEX t_v ON t USING hnsw (v vector_l2_ops);
  CREATE SEQUENCE s; CREATE TYPE mood AS ENUM ('a'); CREATE VIEW vv AS SELECT * FROM t; CREATE SCHEMA sch`;
await both(SETUP);

/** Each runs alone inside BEGIN READ ONLY ... ROLLBACK. */
const IN_READ_ONLY: string[] = [
  // Writes: refused when they run, after analysis (a missing table or a bad literal first).
  'INSERT INTO t VALUES (3)',
  "INSERT INTO t VALUES (1, '[0,0]') ON CONFLICT DO NOTHING",
  'UPDATE t SET id = 3',
  'UPDATE t SET id = 1 WHERE false',
  'DELETE FROM t',
  'DELETE FROM t WHERE false',
  'INSERT INTO nosuch VALUES (1)',
  "INSERT INTO t VALUES ('x')",
  'COPY t FROM STDIN',
  'COPY nosuch FROM STDIN',
  'EXPLAIN ANALYZE INSERT INTO t VALUES (9)',
  "SELECT nextval('s')",
  "SELECT setval('s', 3)",
  "SELECT nextval('nosuch')",
  "SELECT currval('s')",
  // Row locks, anywhere in the plan, named by the first one.
  'SELECT * FROM t FOR UPDATE',
  'SELECT * FROM t FOR SHARE',
  'SELECT * FROM t FOR KEY SHARE',
  'SELECT * FROM t FOR NO KEY UPDATE',
  'SELECT * FROM t FOR UPDATE OF t SKIP LOCKED',
  'SELECT (SELECT id FROM t ORDER BY id LIMIT 1 FOR UPDATE)',
  'SELECT * FROM t WHERE id IN (SELECT id FROM t FOR SHARE)',
  'WITH x AS (SELECT * FROM t FOR UPDATE) SELECT * FROM x',
  'EXPLAIN ANALYZE SELECT * FROM t FOR UPDATE',
  'SELECT 1 FOR UPDATE',
  // DDL: refused before anything else is looked at.
  'CREATE TABLE t3 (x int)',
  'CREATE TABLE IF NOT EXISTS t (id int)',
  'CREATE TABLE t3 AS SELECT 1',
  'SELECT * INTO t2 FROM t',
  'CREATE TEMP TABLE tt (x int)',
  'ALTER TABLE t ADD COLUMN z int',
  'ALTER TABLE t RENAME TO t9',
  'ALTER TABLE t SET SCHEMA sch',
  'ALTER TABLE t OWNER TO postgres',
  'ALTER INDEX t_v RENAME TO k',
  'DROP TABLE t',
  'DROP TABLE IF EXISTS nosuch',
  'CREATE INDEX ON t (id)',
  'CREATE INDEX CONCURRENTLY ON t (id)',
  'DROP INDEX t_v',
  'TRUNCATE t',
  'CREATE SEQUENCE s2',
  'ALTER SEQUENCE s RESTART',
  'DROP SEQUENCE s',
  'CREATE VIEW v2 AS SELECT 1',
  'ALTER VIEW vv RENAME TO v3',
  'DROP VIEW vv',
  "CREATE TYPE m2 AS ENUM ('x')",
  "ALTER TYPE mood ADD VALUE 'b'",
  'ALTER TYPE mood RENAME TO m3',
  'DROP TYPE mood',
  'CREATE SCHEMA s3',
  'ALTER SCHEMA sch RENAME TO sch2',
  'DROP SCHEMA sch',
  "COMMENT ON TABLE t IS 'x'",
  'CREATE EXTENSION IF NOT EXISTS vector',
  'DROP EXTENSION vector',
  'GRANT SELECT ON t TO public',
  // Allowed: reads, maintenance that changes no data a user sees, settings, cursors, notifications.
  'SELECT * FROM t ORDER BY id',
  "SELECT id FROM t ORDER BY v <-> '[1,1]' LIMIT 1",
  'VALUES (1)',
  'COPY t TO STDOUT',
  'EXPLAIN (COSTS OFF) INSERT INTO t VALUES (9)',
  'EXPLAIN (COSTS OFF) SELECT * FROM t FOR UPDATE',
  'ANALYZE t',
  'REINDEX TABLE t',
  'REINDEX INDEX t_v',
  'CHECKPOINT',
  'LISTEN ch',
  'NOTIFY ch',
  "SELECT pg_notify('c', 'x')",
  'UNLISTEN *',
  'PREPARE p AS INSERT INTO t VALUES (5)',
  'DECLARE c CURSOR FOR SELECT * FROM t',
  "SET work_mem = '8MB'",
  "SELECT set_config('work_mem', '8MB', false)",
  'SELECT pg_advisory_xact_lock(1)',
  'RESET ALL',
  'SHOW transaction_read_only',
  "SELECT current_setting('transaction_read_only')",
];

test('every statement kind inside BEGIN READ ONLY: refused with 25006 or run, as PostgreSQL', async () => {
  const mismatches: string[] = [];
  for (const sql of IN_READ_ONLY) {
    await both('BEGIN READ ONLY');
    await check(sql, mismatches);
    await both('ROLLBACK');
  }
  // Nothing was written.
  await check('SELECT * FROM t ORDER BY id', mismatches);
  await check("SELECT last_value, is_called FROM s", mismatches);
  reportMismatches('read-only statements', mismatches, IN_READ_ONLY.length, 0);
});

/**
 * A multi-statement string through the simple protocol on both (one implicit transaction):
 * succeeds on both, or fails with the same error (the rows it left are compared after).
 */
async function execBoth(sql: string, mismatches: string[]): Promise<void> {
  const run = async (f: () => Promise<unknown>): Promise<SqlOutcome> => {
    try {
      await f();
      return { ok: true, rows: null, fields: null };
    } catch (e) {
      return failureOutcome(e);
    }
  };
  const want = await run(() => oracle.exec(sql));
  const got = await run(() => db.exec(sql));
  try {
    assert.deepEqual(got, want);
  } catch {
    mismatches.push(`${sql}\n  pgvector: ${JSON.stringify(want)}\n  vecgres:  ${JSON.stringify(got)}`);
  }
}

const SCRIPTS: string[][] = [
  // default_transaction_read_only governs statements outside a block and each new block.
  [
    'SET default_transaction_read_only = on',
    'SHOW transaction_read_only',
    'INSERT INTO t VALUES (3)',
    'VACUUM t',
    'CREATE INDEX CONCURRENTLY ON t (id)',
    'BEGIN',
    'SHOW transaction_read_only',
    'SET TRANSACTION READ WRITE',
    'SHOW transaction_read_only',
    'INSERT INTO t VALUES (3)',
    'COMMIT',
    'BEGIN READ WRITE',
    'INSERT INTO t VALUES (4)',
    'COMMIT',
    'RESET default_transaction_read_only',
    'INSERT INTO t VALUES (5)',
  ],
  // Back to read-write: only before the first query, and not inside a savepoint.
  [
    'BEGIN READ ONLY',
    'SELECT 1',
    'SET TRANSACTION READ WRITE',
    'ROLLBACK',
    'BEGIN READ ONLY',
    'SHOW transaction_read_only',
    'SET transaction_read_only = off',
    'INSERT INTO t VALUES (6)',
    'COMMIT',
    'BEGIN READ ONLY',
    "SELECT set_config('transaction_read_only', 'off', true)",
    'ROLLBACK',
    'BEGIN',
    'SET TRANSACTION READ ONLY',
    'SAVEPOINT b',
    'SET TRANSACTION READ WRITE',
    'ROLLBACK',
  ],
  // Read-only later in a transaction that wrote; savepoints restore the mode.
  [
    'BEGIN',
    'INSERT INTO t VALUES (7)',
    'SET TRANSACTION READ ONLY',
    'INSERT INTO t VALUES (8)',
    'ROLLBACK',
    'BEGIN',
    'SAVEPOINT a',
    'SET TRANSACTION READ ONLY',
    'SHOW transaction_read_only',
    'DELETE FROM t',
    'ROLLBACK TO a',
    'SHOW transaction_read_only',
    'DELETE FROM t WHERE id = 7',
    'COMMIT',
    // RESET ALL keeps the transaction's mode; SET outside a block changes nothing.
    'BEGIN READ ONLY',
    'RESET ALL',
    'SHOW transaction_read_only',
    'ROLLBACK',
    'SET transaction_read_only = on',
    'SHOW transaction_read_only',
    "SET transaction_read_only = 'maybe'",
    'START TRANSACTION READ ONLY, ISOLATION LEVEL READ COMMITTED',
    'SHOW transaction_read_only',
    'COMMIT',
    'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY',
    'SHOW default_transaction_read_only',
    'UPDATE t SET id = id',
    'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE',
    'SELECT name, setting, category, context, vartype, short_desc, boot_val FROM pg_settings WHERE name IN (\'transaction_read_only\', \'default_transaction_read_only\') ORDER BY 1',
  ],
];

test('read-only mode changes, savepoints and defaults: each statement and the rows left, as PostgreSQL', async () => {
  const mismatches: string[] = [];
  let total = 0;
  for (const script of SCRIPTS) {
    for (const sql of script) await check(sql, mismatches);
    await check('ROLLBACK', mismatches);
    await check('SELECT id FROM t ORDER BY id', mismatches);
    total += script.length + 2;
  }
  // In a multi-statement query (one implicit transaction), SET TRANSACTION applies at once;
  // a single one outside a block warns and does nothing.
  for (const sql of [
    'INSERT INTO t VALUES (11); SET TRANSACTION READ ONLY; INSERT INTO t VALUES (12)',
    'SET TRANSACTION READ ONLY; INSERT INTO t VALUES (14)',
    'SET default_transaction_read_only = on; INSERT INTO t VALUES (13)',
    'SET default_transaction_read_only = off; SELECT id FROM t ORDER BY id',
  ]) {
    await execBoth(sql, mismatches);
    await check('SELECT id FROM t ORDER BY id', mismatches);
    total += 2;
  }
  await check('SET TRANSACTION READ ONLY', mismatches);
  reportMismatches('read-only scripts', mismatches, total + 1, 0);
});
