/**
 * DDL inside transaction blocks and savepoints, against PGlite (PostgreSQL 18 + pgvector):
 * scripts of BEGIN / DDL / DML / SAVEPOINT / RELEASE / ROLLBACK TO / COMMIT / errors run one
 * statement at a time on both, comparing each statement's rows or error (SQLSTATE, message,
 * position), then the catalog (tables and indexes) and the rows left. Expected values come from
 * PGlite at test time.
 *
 * The seeded random scripts run a fixed budget; VECGRES_TXN_SCRIPTS=<n> runs more,
 * VECGRES_SEED=<s> replays a run, VECGRES_DIFF_VERBOSE=1 prints every mismatch.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Rng } from '../support/random_query/rng.js';

const { check, both } = await openSqlPair();

/** Tables the scripts use; dropped before each script. */
const TABLES = ['a', 'b'];

/** What a script left: the relations and every table's rows. */
const STATE = [
  "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
  "SELECT indexname::text, tablename::text FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
  ...TABLES.map((t) => `SELECT * FROM ${t} ORDER BY 1`),
];

async function runScript(stmts: readonly string[], mismatches: string[], label: string): Promise<void> {
  await both(`DROP TABLE IF EXISTS ${TABLES.join(', ')}`);
  const before = mismatches.length;
  for (const sql of stmts) await check(sql, mismatches);
  // Ends a block the script left open (both sides), then compares what was kept.
  await check('ROLLBACK', mismatches);
  for (const sql of STATE) await check(sql, mismatches);
  for (let i = before; i < mismatches.length; i++) mismatches[i] = `[${label}] ${mismatches[i]}`;
}

const SCRIPTS: string[][] = [
  // Committed DDL with rows and an HNSW index created in the same block.
  [
    'BEGIN',
    'CREATE TABLE a (id int PRIMARY KEY, v vector(3))',
    "INSERT INTO a VALUES (1, '[1,2,3]'), (2, '[3,2,1]')",
    'CREATE INDEX ai ON a USING hnsw (v vector_l2_ops)',
    "SELECT id FROM a ORDER BY v <-> '[3,2,1]' LIMIT 1",
    'COMMIT',
    "SELECT id FROM a ORDER BY v <-> '[1,2,3]' LIMIT 1",
  ],
  // Rolled back: the table never existed.
  ['BEGIN', 'CREATE TABLE a (id int PRIMARY KEY, x text)', "INSERT INTO a VALUES (1, 'x')", 'SELECT * FROM a', 'ROLLBACK', 'SELECT * FROM a'],
  // DROP, TRUNCATE and DROP INDEX rolled back keep the table, its rows and its index.
  [
    'CREATE TABLE a (id int PRIMARY KEY, x int)',
    'CREATE INDEX ax ON a (x)',
    'INSERT INTO a VALUES (1, 10), (2, 20)',
    'BEGIN',
    'DROP TABLE a',
    'SELECT * FROM a',
    'ROLLBACK',
    'BEGIN',
    'INSERT INTO a VALUES (3, 30)',
    'TRUNCATE a',
    'INSERT INTO a VALUES (4, 40)',
    'SELECT * FROM a',
    'ROLLBACK',
    'BEGIN',
    'DROP INDEX ax',
    'ROLLBACK',
    'SET enable_seqscan = off',
    'SELECT id FROM a WHERE x = 20',
    'RESET enable_seqscan',
  ],
  // TRUNCATE and DROP committed; re-creating a dropped name in the same block.
  [
    'CREATE TABLE a (id int PRIMARY KEY, x int)',
    'INSERT INTO a VALUES (1, 10)',
    'BEGIN',
    'INSERT INTO a VALUES (2, 20)',
    'TRUNCATE a',
    'INSERT INTO a VALUES (3, 30)',
    'COMMIT',
    'BEGIN',
    'DROP TABLE a',
    "CREATE TABLE a (id text PRIMARY KEY, y int)",
    "INSERT INTO a VALUES ('k', 1)",
    'COMMIT',
  ],
  // An error aborts the block with its DDL; COMMIT then rolls back.
  ['BEGIN', 'CREATE TABLE b (x int)', 'INSERT INTO b VALUES (1)', 'SELECT 1/0', 'SELECT 1', 'CREATE TABLE a (y int)', 'COMMIT', 'SELECT * FROM b'],
  // Errors of DDL inside a block.
  [
    'BEGIN',
    'CREATE TABLE a (x int)',
    'CREATE TABLE a (x int)',
    'ROLLBACK',
    'BEGIN',
    'DROP TABLE b',
    'ROLLBACK',
    'CREATE TABLE a (x int)',
    'BEGIN',
    'CREATE INDEX CONCURRENTLY ac ON a (x)',
    'ROLLBACK',
  ],
  // Savepoints: rows and DDL after one are undone, the block goes on.
  [
    'BEGIN',
    'CREATE TABLE a (id int PRIMARY KEY, x int)',
    'SAVEPOINT s1',
    'INSERT INTO a VALUES (1, 1)',
    'SAVEPOINT s2',
    'DROP TABLE a',
    'SELECT * FROM a',
    'ROLLBACK TO s2',
    'INSERT INTO a VALUES (2, 2)',
    'CREATE TABLE b (z int)',
    'INSERT INTO b VALUES (7)',
    'ROLLBACK TO SAVEPOINT s2',
    'SELECT * FROM b',
    'ROLLBACK TO s2',
    'UPDATE a SET x = 100 WHERE id = 1',
    'RELEASE s1',
    'ROLLBACK TO s1',
    'ROLLBACK',
    'BEGIN',
    'CREATE TABLE a (id int PRIMARY KEY, x int)',
    'INSERT INTO a VALUES (1, 1), (2, 2), (3, 3)',
    'SAVEPOINT s',
    'DELETE FROM a WHERE id = 2',
    'UPDATE a SET x = x * 10',
    'INSERT INTO a VALUES (2, 20)',
    'ROLLBACK TO s',
    'UPDATE a SET x = -x WHERE id = 3',
    'RELEASE SAVEPOINT s',
    'COMMIT',
  ],
  // Same-name savepoints: the newest shadows; RELEASE uncovers the older one.
  [
    'CREATE TABLE a (id int PRIMARY KEY)',
    'BEGIN',
    'SAVEPOINT s',
    'INSERT INTO a VALUES (1)',
    'SAVEPOINT s',
    'INSERT INTO a VALUES (2)',
    'ROLLBACK TO s',
    'SELECT * FROM a',
    'RELEASE s',
    'ROLLBACK TO s',
    'SELECT * FROM a',
    'RELEASE s',
    'RELEASE s',
    'COMMIT',
  ],
  // The failed state: only ROLLBACK TO (an existing savepoint) leaves it.
  [
    'CREATE TABLE a (id int PRIMARY KEY)',
    'BEGIN',
    'INSERT INTO a VALUES (1)',
    'SAVEPOINT s',
    'INSERT INTO a VALUES (2)',
    'INSERT INTO a VALUES (1)',
    'SELECT 1',
    'SAVEPOINT t',
    'RELEASE s',
    'ROLLBACK TO nosuch',
    'SELECT 1',
    'ROLLBACK TO s',
    'SELECT * FROM a',
    'INSERT INTO a VALUES (3)',
    'COMMIT',
  ],
  // A savepoint error in a healthy block fails it.
  ['BEGIN', 'RELEASE nosuch', 'SELECT 1', 'ROLLBACK', 'BEGIN', 'ROLLBACK TO nosuch', 'SELECT 1', 'COMMIT'],
  // Outside a block.
  ['SAVEPOINT x', 'RELEASE x', 'RELEASE SAVEPOINT x', 'ROLLBACK TO x', 'ROLLBACK TO SAVEPOINT x'],
  // SET undone by ROLLBACK TO, kept by RELEASE and COMMIT.
  [
    'BEGIN',
    'SET hnsw.ef_search = 50',
    'SAVEPOINT s',
    'SET hnsw.ef_search = 60',
    'SET LOCAL work_mem = 8192',
    'SHOW hnsw.ef_search',
    'ROLLBACK TO s',
    'SHOW hnsw.ef_search',
    'SHOW work_mem',
    'SAVEPOINT s2',
    'SET hnsw.ef_search = 70',
    'RELEASE s2',
    'COMMIT',
    'SHOW hnsw.ef_search',
    'RESET hnsw.ef_search',
  ],
  // Isolation levels: read committed is what vecgres provides.
  [
    'BEGIN ISOLATION LEVEL READ COMMITTED',
    'CREATE TABLE a (x int)',
    'COMMIT',
    'START TRANSACTION ISOLATION LEVEL READ UNCOMMITTED',
    'INSERT INTO a VALUES (1)',
    'COMMIT',
    'BEGIN',
    'SET TRANSACTION ISOLATION LEVEL READ COMMITTED',
    'INSERT INTO a VALUES (2)',
    'SHOW transaction_isolation',
    'COMMIT',
    'SHOW transaction_isolation',
    'BEGIN ISOLATION LEVEL READ UNCOMMITTED',
    'SHOW transaction_isolation',
    'SET TRANSACTION ISOLATION LEVEL READ COMMITTED',
    'SHOW transaction_isolation',
    'ROLLBACK',
    'SHOW transaction_isolation',
    "SET transaction_isolation = 'read uncommitted'",
    'SHOW transaction_isolation',
    'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED',
    'SHOW default_transaction_isolation',
    'BEGIN',
    'SHOW transaction_isolation',
    'COMMIT',
    'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED',
    'SHOW default_transaction_isolation',
  ],
  // Serial columns and CREATE EXTENSION in a block.
  [
    'BEGIN',
    'CREATE EXTENSION IF NOT EXISTS vector',
    'CREATE TABLE a (id serial PRIMARY KEY, t text)',
    "INSERT INTO a (t) VALUES ('x') RETURNING id",
    'ROLLBACK',
    'BEGIN',
    'CREATE TABLE a (id serial PRIMARY KEY, t text)',
    "INSERT INTO a (t) VALUES ('y'), ('z') RETURNING id",
    'SAVEPOINT s',
    "INSERT INTO a (t) VALUES ('w') RETURNING id",
    'ROLLBACK TO s',
    "INSERT INTO a (t) VALUES ('v') RETURNING id",
    'COMMIT',
  ],
  // REINDEX (IVFFlat, HNSW, B-tree) in a block: undone by ROLLBACK and ROLLBACK TO, kept by COMMIT.
  [
    'SET ivfflat.probes = 4',
    'CREATE TABLE a (id int PRIMARY KEY, v vector(3), x int)',
    "INSERT INTO a VALUES (1, '[1,2,3]', 1), (2, '[3,2,1]', 2), (3, '[1,1,1]', 3), (4, '[0,5,1]', 4)",
    'CREATE INDEX av ON a USING ivfflat (v) WITH (lists = 2)',
    'CREATE INDEX ah ON a USING hnsw (v vector_cosine_ops)',
    'CREATE INDEX ax ON a (x)',
    'BEGIN',
    'REINDEX INDEX av',
    "SELECT id FROM a ORDER BY v <-> '[3,2,1]' LIMIT 2",
    'SAVEPOINT s',
    'REINDEX TABLE a',
    "INSERT INTO a VALUES (5, '[2,2,2]', 5)",
    'ROLLBACK TO s',
    'REINDEX INDEX a_pkey',
    "SELECT id FROM a ORDER BY v <=> '[3,2,1]' LIMIT 2",
    'REINDEX TABLE b',
    'ROLLBACK',
    'BEGIN',
    'REINDEX TABLE a',
    'DROP INDEX av',
    'ROLLBACK',
    'BEGIN',
    'REINDEX INDEX av',
    'DROP TABLE a',
    'ROLLBACK',
    'BEGIN',
    'REINDEX INDEX ah',
    "INSERT INTO a VALUES (6, '[9,1,1]', 6)",
    'COMMIT',
    "SELECT id FROM a ORDER BY v <-> '[9,1,1]' LIMIT 3",
    "SELECT id FROM a ORDER BY v <=> '[9,1,1]' LIMIT 3",
    'SELECT id FROM a WHERE x = 6',
    'RESET ivfflat.probes',
  ],
];

test('DDL and savepoints in transaction blocks: each statement and the state after each script, as PostgreSQL', async () => {
  const mismatches: string[] = [];
  for (let i = 0; i < SCRIPTS.length; i++) await runScript(SCRIPTS[i]!, mismatches, `script ${i}`);
  reportMismatches('transaction scripts', mismatches, SCRIPTS.length, SEED);
});

/**
 * One random statement over tables a (id int PRIMARY KEY, x int) and b (x int): DDL that may
 * fail (an existing or missing name), DML, transaction control and savepoints, and errors.
 */
function randomStatement(rng: Rng): string {
  const t = rng.pick(TABLES);
  const sp = `s${rng.int(0, 2)}`;
  const n = rng.int(1, 6);
  switch (rng.int(0, 20)) {
    case 0:
      return t === 'a' ? 'CREATE TABLE a (id int PRIMARY KEY, x int)' : 'CREATE TABLE b (x int)';
    case 1:
      return `DROP TABLE ${t}`;
    case 2:
      return `TRUNCATE ${t}`;
    case 3:
      return `CREATE INDEX ${t}_x ON ${t} (x)`;
    case 4:
      return `DROP INDEX ${t}_x`;
    case 5:
    case 6:
      return t === 'a' ? `INSERT INTO a VALUES (${n}, ${rng.int(0, 9)})` : `INSERT INTO b VALUES (${n})`;
    case 7:
      return `UPDATE ${t} SET x = x + ${n} WHERE x < ${rng.int(0, 9)}`;
    case 8:
      return `DELETE FROM ${t} WHERE x = ${n}`;
    case 9:
    case 10:
      return 'BEGIN';
    case 11:
      return 'COMMIT';
    case 12:
      return 'ROLLBACK';
    case 13:
    case 14:
      return `SAVEPOINT ${sp}`;
    case 15:
      return `RELEASE ${sp}`;
    case 16:
    case 17:
      return `ROLLBACK TO ${sp}`;
    case 18:
      return 'SELECT 1/0';
    case 19:
      return rng.int(0, 1) === 0 ? `REINDEX TABLE ${t}` : `REINDEX INDEX ${t}_x`;
    default:
      return `SELECT count(*), sum(x) FROM ${t}`;
  }
}

test('random transaction scripts (seeded): each statement and the state after each script, as PostgreSQL', async () => {
  const scripts = Number(process.env['VECGRES_TXN_SCRIPTS'] ?? 40);
  const rng = new Rng(SEED);
  const mismatches: string[] = [];
  for (let i = 0; i < scripts; i++) {
    const stmts = ['CREATE TABLE a (id int PRIMARY KEY, x int)', 'CREATE TABLE b (x int)', 'INSERT INTO a VALUES (1, 1), (2, 2)', 'INSERT INTO b VALUES (1), (2)'];
    const len = rng.int(4, 16);
    for (let k = 0; k < len; k++) stmts.push(randomStatement(rng));
    await runScript(stmts, mismatches, `random script ${i}: ${stmts.slice(4).join('; ')}`);
  }
  reportMismatches('random transaction scripts', mismatches, scripts, SEED);
});
