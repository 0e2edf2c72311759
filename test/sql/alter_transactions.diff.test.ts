/**
 * ALTER TABLE, constraints, CREATE TABLE AS and DROP ... CASCADE inside transaction blocks and
 * savepoints, against PGlite (PostgreSQL 18 + pgvector): scripts run one statement at a time on
 * both, comparing each statement's rows or error, then the relations and the rows left.
 * Expected values come from PGlite at test time.
 *
 * The seeded random scripts run a fixed budget; VECGRES_ALTER_SCRIPTS=<n> runs more,
 * VECGRES_SEED=<s> replays a run, VECGRES_DIFF_VERBOSE=1 prints every mismatch.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Rng } from '../support/random_query/rng.js';

const { check, both } = await openSqlPair();

/** Tables the scripts use; dropped before each script (b first: it may reference a). */
const TABLES = ['b', 'a'];

/** What a script left: the relations, every table's rows and probes of its constraints. */
const STATE = [
  "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
  "SELECT indexname::text, tablename::text FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
  ...TABLES.map((t) => `SELECT * FROM ${t} ORDER BY 1`),
];

async function runScript(stmts: readonly string[], mismatches: string[], label: string): Promise<void> {
  await both(`DROP TABLE IF EXISTS ${TABLES.join(', ')} CASCADE`);
  const before = mismatches.length;
  for (const sql of stmts) await check(sql, mismatches);
  await check('ROLLBACK', mismatches);
  for (const sql of STATE) await check(sql, mismatches);
  for (let i = before; i < mismatches.length; i++) mismatches[i] = `[${label}] ${mismatches[i]}`;
}

const BASE = ['CREATE TABLE a (id int PRIMARY KEY, x int, v vector(3))', "INSERT INTO a VALUES (1, 10, '[1,2,3]'), (2, 20, '[3,2,1]')", 'CREATE INDEX ax ON a (x)'];

const SCRIPTS: string[][] = [
  // ADD / DROP COLUMN rolled back: the columns, their values and the index on x come back.
  [
    ...BASE,
    'BEGIN',
    "ALTER TABLE a ADD COLUMN y text DEFAULT 'd'",
    "INSERT INTO a VALUES (9, 90, NULL, 'z')",
    'SELECT * FROM a ORDER BY id',
    'ALTER TABLE a DROP COLUMN x',
    'SELECT * FROM a ORDER BY id',
    "INSERT INTO a VALUES (10, '[0,0,1]', 'w')",
    'SELECT * FROM a ORDER BY id',
    'ROLLBACK',
    'SELECT * FROM a ORDER BY id',
    'SET enable_seqscan = off',
    'SELECT id FROM a WHERE x = 20',
    'RESET enable_seqscan',
  ],
  // The same, committed.
  [...BASE, 'BEGIN', 'ALTER TABLE a ADD COLUMN y int DEFAULT 5', 'ALTER TABLE a DROP COLUMN v', 'INSERT INTO a VALUES (3, 30, 7)', 'COMMIT', 'SELECT * FROM a ORDER BY id'],
  // A vector column dropped, many rows added (the table grows), all rolled back to a savepoint.
  [
    ...BASE,
    'BEGIN',
    'SAVEPOINT s',
    'ALTER TABLE a DROP COLUMN v',
    'INSERT INTO a SELECT g, g FROM generate_series(10, 2100) g',
    'SELECT count(*) FROM a',
    'ROLLBACK TO s',
    'SELECT count(*), count(v) FROM a',
    "INSERT INTO a VALUES (3000, 1, '[1,1,1]')",
    'COMMIT',
    "SELECT id FROM a ORDER BY v <-> '[1,1,1]' LIMIT 2",
  ],
  // CHECK, RENAME and savepoints; an error inside the block.
  [
    ...BASE,
    'BEGIN',
    'ALTER TABLE a ADD CONSTRAINT xpos CHECK (x > 0)',
    'SAVEPOINT s',
    'ALTER TABLE a RENAME TO b',
    'ALTER TABLE b RENAME COLUMN x TO xx',
    'SELECT * FROM b ORDER BY id',
    'ROLLBACK TO s',
    'SELECT * FROM b',
    'SELECT id, x FROM a ORDER BY id',
    'INSERT INTO a VALUES (5, -1)',
    'ROLLBACK TO s',
    'INSERT INTO a VALUES (5, 50)',
    'COMMIT',
    'INSERT INTO a VALUES (6, -1)',
    'SELECT id, x FROM a ORDER BY id',
  ],
  // A failing ALTER TABLE leaves nothing, inside a block and outside.
  [
    ...BASE,
    'ALTER TABLE a ADD COLUMN z int UNIQUE, ADD CONSTRAINT small CHECK (x < 15)',
    'SELECT * FROM a ORDER BY id',
    'INSERT INTO a VALUES (3, 30)',
    'BEGIN',
    'ALTER TABLE a ADD COLUMN z int, ALTER COLUMN x SET NOT NULL, ADD CONSTRAINT small CHECK (x < 15)',
    'ROLLBACK',
    'SELECT * FROM a ORDER BY id',
  ],
  // UNIQUE added and rolled back; SET / DROP DEFAULT and NOT NULL rolled back.
  [
    ...BASE,
    'BEGIN',
    'ALTER TABLE a ADD CONSTRAINT xu UNIQUE (x)',
    'INSERT INTO a VALUES (3, 10)',
    'ROLLBACK',
    'INSERT INTO a VALUES (3, 10)',
    'BEGIN',
    'ALTER TABLE a ALTER COLUMN x SET DEFAULT 42',
    'ALTER TABLE a ALTER COLUMN v SET NOT NULL',
    "INSERT INTO a (id, v) VALUES (4, '[4,4,4]')",
    'ROLLBACK',
    'INSERT INTO a (id) VALUES (4)',
    'SELECT * FROM a ORDER BY id',
  ],
  // Foreign keys: DROP TABLE ... CASCADE rolled back keeps the referencing key.
  [
    'CREATE TABLE a (id int PRIMARY KEY)',
    'CREATE TABLE b (id int, a_id int REFERENCES a ON DELETE CASCADE)',
    'INSERT INTO a VALUES (1), (2)',
    'INSERT INTO b VALUES (1, 1), (2, 2)',
    'BEGIN',
    'DROP TABLE a CASCADE',
    'INSERT INTO b VALUES (3, 99)',
    'ROLLBACK',
    'INSERT INTO b VALUES (3, 99)',
    'DELETE FROM a WHERE id = 1',
    'SELECT * FROM b ORDER BY id',
    'BEGIN',
    'ALTER TABLE b DROP CONSTRAINT b_a_id_fkey',
    'DELETE FROM a WHERE id = 2',
    'ROLLBACK',
    'DELETE FROM a WHERE id = 2',
    'SELECT * FROM b ORDER BY id',
    'BEGIN',
    'ALTER TABLE b ADD CONSTRAINT bfk2 FOREIGN KEY (id) REFERENCES a',
    'ROLLBACK',
    'BEGIN',
    'TRUNCATE a CASCADE',
    'ROLLBACK',
    'SELECT * FROM b ORDER BY id',
  ],
  // ALTER COLUMN ... TYPE re-embedding under an HNSW index, rolled back and committed.
  [
    'CREATE TABLE a (id int PRIMARY KEY, v vector(3))',
    "INSERT INTO a VALUES (1, '[1,2,3]'), (2, '[3,2,1]'), (3, '[1,1,1]')",
    'CREATE INDEX av ON a USING hnsw (v vector_l2_ops)',
    'BEGIN',
    'ALTER TABLE a ALTER COLUMN v TYPE vector(2) USING subvector(v, 1, 2)::vector(2)',
    "SELECT id FROM a ORDER BY v <-> '[3,2]' LIMIT 2",
    'ROLLBACK',
    "SELECT id FROM a ORDER BY v <-> '[3,2,1]' LIMIT 2",
    'BEGIN',
    'ALTER TABLE a ALTER COLUMN v TYPE vector(2) USING subvector(v, 2, 2)::vector(2)',
    'COMMIT',
    "SELECT id FROM a ORDER BY v <-> '[2,1]' LIMIT 2",
    'SELECT * FROM a ORDER BY id',
  ],
  // CREATE TABLE AS in a block: rolled back, then committed.
  [
    ...BASE,
    'BEGIN',
    'CREATE TABLE b AS SELECT id, x FROM a',
    'SELECT * FROM b ORDER BY id',
    'ROLLBACK',
    'SELECT * FROM b',
    'BEGIN',
    'CREATE TABLE b (k, x) AS SELECT id, x * 2 FROM a WHERE id > 1',
    'ALTER TABLE b ADD CONSTRAINT bk UNIQUE (k)',
    'COMMIT',
    'INSERT INTO b VALUES (2, 0)',
  ],
  // Identity columns in a block.
  [
    'BEGIN',
    'CREATE TABLE a (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, x int)',
    'INSERT INTO a (x) VALUES (1), (2)',
    'SAVEPOINT s',
    'ALTER TABLE a ADD COLUMN y int DEFAULT 3',
    'INSERT INTO a (x) VALUES (3) RETURNING *',
    'ROLLBACK TO s',
    'INSERT INTO a (x) VALUES (4) RETURNING *',
    'COMMIT',
  ],
];

test('ALTER TABLE, constraints and CREATE TABLE AS in transaction blocks: each statement and the state after each script, as PostgreSQL', async () => {
  const mismatches: string[] = [];
  for (let i = 0; i < SCRIPTS.length; i++) await runScript(SCRIPTS[i]!, mismatches, `script ${i}`);
  reportMismatches('ALTER TABLE transaction scripts', mismatches, SCRIPTS.length, SEED);
});

/**
 * One random statement over a (id int PRIMARY KEY, x int, ...) and b (id int, a_id int
 * REFERENCES a): ALTER TABLE subcommands that may fail, DML, transaction control, savepoints.
 */
function randomStatement(rng: Rng): string {
  const n = rng.int(1, 6);
  const sp = `s${rng.int(0, 1)}`;
  const col = rng.pick(['y', 'z']);
  switch (rng.int(0, 21)) {
    case 0:
      return `ALTER TABLE a ADD COLUMN ${col} int${rng.int(0, 1) === 1 ? ` DEFAULT ${n}` : ''}`;
    case 1:
      return `ALTER TABLE a DROP COLUMN ${col}`;
    case 2:
      return `ALTER TABLE a ADD CONSTRAINT c${n % 2} CHECK (x < ${n + 3})`;
    case 3:
      return `ALTER TABLE a DROP CONSTRAINT c${n % 2}`;
    case 4:
      return 'ALTER TABLE a ADD CONSTRAINT xu UNIQUE (x)';
    case 5:
      return 'ALTER TABLE a DROP CONSTRAINT xu';
    case 6:
      return `ALTER TABLE a ALTER COLUMN x ${rng.int(0, 1) === 1 ? 'SET' : 'DROP'} NOT NULL`;
    case 7:
      return 'ALTER TABLE b DROP CONSTRAINT b_a_id_fkey';
    case 8:
    case 9:
      return `INSERT INTO a (id, x) VALUES (${n}, ${rng.int(0, 1) === 1 ? rng.int(0, 9) : 'NULL'})`;
    case 10:
      return `INSERT INTO b VALUES (${n}, ${n})`;
    case 11:
      return `DELETE FROM a WHERE id = ${n}`;
    case 12:
      return `UPDATE a SET x = x + 1 WHERE id = ${n}`;
    case 13:
    case 14:
      return 'BEGIN';
    case 15:
      return 'COMMIT';
    case 16:
      return 'ROLLBACK';
    case 17:
      return `SAVEPOINT ${sp}`;
    case 18:
    case 19:
      return `ROLLBACK TO ${sp}`;
    case 20:
      return 'DROP TABLE a CASCADE';
    default:
      return 'SELECT * FROM a ORDER BY id';
  }
}

test('random ALTER TABLE transaction scripts (seeded): each statement and the state after each script, as PostgreSQL', async () => {
  const scripts = Number(process.env['VECGRES_ALTER_SCRIPTS'] ?? 30);
  const rng = new Rng(SEED + 1);
  const mismatches: string[] = [];
  for (let i = 0; i < scripts; i++) {
    const stmts = ['CREATE TABLE a (id int PRIMARY KEY, x int)', 'CREATE TABLE b (id int, a_id int REFERENCES a ON DELETE CASCADE)', 'INSERT INTO a VALUES (1, 1), (2, 2)', 'INSERT INTO b VALUES (1, 1), (2, 2)'];
    const len = rng.int(4, 16);
    for (let k = 0; k < len; k++) stmts.push(randomStatement(rng));
    await runScript(stmts, mismatches, `random script ${i}: ${stmts.slice(4).join('; ')}`);
  }
  reportMismatches('random ALTER TABLE transaction scripts', mismatches, scripts, SEED);
});
