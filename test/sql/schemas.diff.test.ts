/**
 * Schemas (CREATE SCHEMA, DROP SCHEMA, schema-qualified names, search_path) against PGlite:
 * tables, indexes and sequences in a user schema, unqualified names found through the search
 * path, the catalog views that show schemas, Drizzle's migrator statements, errors, rollback,
 * and a data directory reopened or recovered after a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { openSqlPair } from '../support/sql_pair.js';

const { db, same, both } = await openSqlPair();

async function sameAll(sqls: readonly string[]): Promise<void> {
  for (const sql of sqls) await same(sql);
}

const CATALOG = [
  "SELECT nspname, nspowner FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' ORDER BY 1",
  "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
  "SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog') ORDER BY 1, 2, 3",
  "SELECT c.relname, n.nspname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 2, 1",
  "SELECT schemaname, sequencename FROM pg_sequences ORDER BY 1, 2",
];

test("schemas: Drizzle's migrator statements", async () => {
  await sameAll([
    'CREATE SCHEMA IF NOT EXISTS "drizzle"',
    'CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)',
    'select id, hash, created_at from "drizzle"."__drizzle_migrations" order by created_at desc limit 1',
    `insert into "drizzle"."__drizzle_migrations" ("hash", "created_at") values ('h1', 1700000000000) returning id, hash`,
    `insert into "drizzle"."__drizzle_migrations" ("hash", "created_at") values ('h2', 1700000000001)`,
    'select id, hash, created_at from "drizzle"."__drizzle_migrations" order by created_at desc limit 1',
    'CREATE SCHEMA IF NOT EXISTS "drizzle"',
    'CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)',
  ]);
  await sameAll(CATALOG);
  await both('DROP SCHEMA drizzle CASCADE');
});

test('schemas: tables, indexes and sequences in a schema, beside public ones of the same name', async () => {
  await sameAll([
    'CREATE SCHEMA app',
    'CREATE TABLE items (id int PRIMARY KEY, v text)',
    'CREATE TABLE app.items (id bigserial PRIMARY KEY, v text UNIQUE, n int)',
    "INSERT INTO items VALUES (1, 'public one')",
    "INSERT INTO app.items (v, n) VALUES ('a', 1), ('b', 2), ('c', 3)",
    'CREATE INDEX items_n ON app.items (n)',
    'CREATE INDEX items_n ON app.items (v)',
    'CREATE INDEX IF NOT EXISTS items_n ON app.items (v)',
    'CREATE INDEX CONCURRENTLY items_n2 ON app.items (n)',
    'DROP INDEX app.items_n2',
    'CREATE INDEX ON app.items (v, n)',
    'CREATE SEQUENCE app.counter',
    "SELECT nextval('app.counter'), nextval('app.counter')",
    "SELECT pg_get_serial_sequence('app.items', 'id')",
    'SELECT * FROM items ORDER BY id',
    'SELECT * FROM app.items ORDER BY id',
    'SELECT a.v, p.v FROM app.items a JOIN public.items p ON p.id = a.id',
    "UPDATE app.items SET n = n * 10 WHERE v = 'b' RETURNING *",
    "DELETE FROM app.items WHERE v = 'c'",
    "INSERT INTO app.items (v, n) VALUES ('a', 5) ON CONFLICT (v) DO UPDATE SET n = EXCLUDED.n RETURNING v, n",
    'SELECT count(*) FROM app.items WHERE n > 1',
    "SELECT 'app.items'::regclass::text, 'items'::regclass::text, 'app.items_n'::regclass::text",
    "SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = 'app.items'::regclass",
    'ALTER TABLE app.items ADD COLUMN extra int DEFAULT 7',
    'SELECT id, v, n, extra FROM app.items ORDER BY id',
    'TRUNCATE app.items',
    'SELECT count(*) FROM app.items',
    'CREATE TABLE app.orders (id int CONSTRAINT orders_pk PRIMARY KEY, item bigint REFERENCES app.items(id), qty int CHECK (qty > 0), CONSTRAINT one_per UNIQUE (item, qty))',
    "SELECT c.conname, c.contype::text, n.nspname, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.conrelid = 'app.orders'::regclass ORDER BY 1",
    "SELECT constraint_schema, constraint_name, table_schema, table_name, constraint_type FROM information_schema.table_constraints WHERE table_schema = 'app' ORDER BY 2",
    "SELECT table_schema, table_name, column_name, ordinal_position FROM information_schema.columns WHERE table_schema = 'app' ORDER BY 2, 4",
    "SELECT schema_name FROM information_schema.schemata WHERE schema_name = 'app'",
    "INSERT INTO app.items (v, n) VALUES ('z', 1) RETURNING id",
    'INSERT INTO app.orders VALUES (1, 1, 0)',
    'INSERT INTO app.orders VALUES (1, 999, 1)',
    'ALTER TABLE app.orders DROP CONSTRAINT one_per',
    'ALTER TABLE app.orders DROP CONSTRAINT orders_qty_check',
    'ALTER TABLE app.orders ADD CONSTRAINT qty_positive CHECK (qty > 0)',
    "SELECT conname FROM pg_constraint WHERE conrelid = 'app.orders'::regclass ORDER BY 1",
    'EXPLAIN (COSTS OFF) SELECT * FROM app.orders WHERE id = 1',
    'EXPLAIN (COSTS OFF, VERBOSE) SELECT * FROM app.items WHERE n = 1',
    'EXPLAIN (COSTS OFF, VERBOSE) UPDATE app.items SET n = 2 WHERE id = 1',
    'ALTER TABLE app.orders RENAME TO purchases',
    "SELECT relname, relnamespace::regnamespace::text FROM pg_class WHERE relname IN ('purchases', 'orders', 'orders_pk') ORDER BY 1",
  ]);
  await sameAll(CATALOG);
});

test('schemas: unqualified names follow search_path, and cached plans follow it', async () => {
  await sameAll([
    'CREATE SCHEMA s1',
    'CREATE TABLE s1.t (a int)',
    'INSERT INTO s1.t VALUES (1)',
    'CREATE TABLE t (b text)',
    "INSERT INTO t VALUES ('public')",
    'SELECT * FROM t',
    'SET search_path = s1, public',
    'SELECT * FROM t',
    "SELECT 't'::regclass::text, 's1.t'::regclass::text, 'public.t'::regclass::text",
    'INSERT INTO t VALUES (2)',
    'SELECT * FROM t ORDER BY a',
    'CREATE TABLE only_here (x int)',
    "SELECT schemaname FROM pg_tables WHERE tablename = 'only_here'",
    'SELECT * FROM items ORDER BY id',
    'RESET search_path',
    'SELECT * FROM t',
    'SELECT * FROM s1.only_here',
  ]);
  // A prepared statement analyzed under one search path runs again under another.
  await both('CREATE TABLE s1.p (v text); CREATE TABLE p (v text)');
  await both("INSERT INTO s1.p VALUES ('s1'); INSERT INTO p VALUES ('public')");
  const q = 'SELECT v FROM p';
  await same(q);
  await both('SET search_path = s1');
  await same(q);
  await both('RESET search_path');
  await same(q);
  await both('DROP SCHEMA s1 CASCADE; DROP TABLE t; DROP TABLE p');
});

test('schemas: errors change nothing', async () => {
  await both('CREATE SCHEMA e1; CREATE TABLE e1.t (a int)');
  await sameAll([
    'CREATE SCHEMA e1',
    'CREATE SCHEMA public',
    'CREATE SCHEMA information_schema',
    'CREATE SCHEMA e2 AUTHORIZATION nobody',
    'CREATE TABLE nosuch.t (a int)',
    'SELECT * FROM nosuch.t',
    'SELECT * FROM e1.nosuch',
    'DROP SCHEMA nosuch',
    'DROP SCHEMA IF EXISTS nosuch',
    'DROP SCHEMA e1',
    'DROP SCHEMA e1 RESTRICT',
    'CREATE TABLE e1.t (a int)',
    'DROP TABLE nosuch.t',
    'DROP TABLE IF EXISTS nosuch.t',
    "SET search_path = ''",
    'CREATE TABLE nowhere (a int)',
    'RESET search_path',
  ]);
  await sameAll(CATALOG);
  await both('DROP SCHEMA e1 CASCADE');
  // PostgreSQL reserves the prefix (CreateSchemaCommand's IsReservedName); PGlite, which runs
  // with allow_system_table_mods, creates the schema instead.
  await assert.rejects(() => db.exec('CREATE SCHEMA pg_mine'), (e: { code?: string; message?: string }) => e.code === '42939' && e.message === 'unacceptable schema name "pg_mine"');
});

test('schemas: DROP SCHEMA CASCADE drops tables, sequences and the foreign keys into them', async () => {
  await sameAll([
    'CREATE SCHEMA c1',
    'CREATE TABLE c1.parent (id int PRIMARY KEY)',
    'CREATE TABLE c1.child (id serial, p int REFERENCES c1.parent(id))',
    'CREATE SEQUENCE c1.seq',
    'CREATE TABLE outside (p int REFERENCES c1.parent(id))',
    'INSERT INTO c1.parent VALUES (1)',
    'INSERT INTO outside VALUES (1)',
    'DROP SCHEMA c1',
    'DROP SCHEMA c1 CASCADE',
    'INSERT INTO outside VALUES (2)',
    'SELECT * FROM outside ORDER BY p',
    'CREATE SCHEMA c1',
    'SELECT * FROM c1.parent',
    'DROP SCHEMA c1',
    'DROP TABLE outside',
  ]);
  await sameAll(CATALOG);
});

test('schemas: a data-modifying WITH sees the foreign keys of tables in a schema', async () => {
  await both(`CREATE SCHEMA m; CREATE TABLE m.parent (id int PRIMARY KEY);
    CREATE TABLE m.child (p int REFERENCES m.parent(id) ON DELETE CASCADE);
    INSERT INTO m.parent VALUES (1), (2); INSERT INTO m.child VALUES (1), (2)`);
  // The DELETE cascades into m.child, which the main query reads: PostgreSQL shows the rows
  // before the cascade; vecgres, which runs the pieces in turn, refuses rather than differ.
  await assert.rejects(() => db.query('WITH d AS (DELETE FROM m.parent WHERE id = 1 RETURNING id) SELECT p FROM m.child ORDER BY p'),
    (e: { code?: string }) => e.code === '0A000');
  await both('SET search_path = m, public');
  await assert.rejects(() => db.query('WITH d AS (DELETE FROM parent WHERE id = 1 RETURNING id) SELECT p FROM child ORDER BY p'),
    (e: { code?: string }) => e.code === '0A000');
  await both('RESET search_path');
  await same('WITH d AS (DELETE FROM m.parent WHERE id = 1 RETURNING id) SELECT id FROM d');
  await same('SELECT p FROM m.child ORDER BY p');
  await both('DROP SCHEMA m CASCADE');
});

test('schemas: CREATE and DROP SCHEMA roll back with their transaction and savepoint', async () => {
  await sameAll([
    'BEGIN',
    'CREATE SCHEMA r1',
    'CREATE TABLE r1.t (a int)',
    'SAVEPOINT s',
    'CREATE SCHEMA r2',
    'ROLLBACK TO SAVEPOINT s',
    'COMMIT',
    'SELECT * FROM r1.t',
    'SELECT * FROM r2.t',
    'BEGIN',
    'DROP SCHEMA r1 CASCADE',
    'ROLLBACK',
    'SELECT * FROM r1.t',
    'DROP SCHEMA r1 CASCADE',
  ]);
  await sameAll(CATALOG);
});

test('schemas survive a clean reopen and a crash, with and without a checkpoint', async () => {
  for (const checkpoint of [false, true]) {
    const fs = new FaultyFs(new MemoryFs(), { seed: 7 });
    const open = () => Vecgres.create('db', { storage: fs, walSegmentBytes: 4096 });
    let v = await open();
    await v.exec(`CREATE SCHEMA a; CREATE TABLE a.t (id serial PRIMARY KEY, x text); INSERT INTO a.t (x) VALUES ('one');
      CREATE SCHEMA gone; DROP SCHEMA gone; CREATE INDEX tx ON a.t (x)`);
    if (checkpoint) await v.exec('CHECKPOINT');
    await v.exec(`CREATE SCHEMA b; CREATE TABLE b.t (y int); INSERT INTO b.t VALUES (5); INSERT INTO a.t (x) VALUES ('two')`);
    const snapshot = async (x: Vecgres) => ({
      ns: (await x.query("SELECT oid, nspname FROM pg_namespace WHERE nspname IN ('a', 'b', 'gone', 'open') ORDER BY 2")).rows,
      a: (await x.query('SELECT * FROM a.t ORDER BY id')).rows,
      b: (await x.query('SELECT * FROM b.t')).rows,
      idx: (await x.query("SELECT schemaname, indexname FROM pg_indexes WHERE schemaname <> 'pg_catalog' ORDER BY 2")).rows,
    });
    const committed = await snapshot(v);
    assert.equal(committed.ns.length, 2);
    await v.exec("BEGIN; CREATE SCHEMA open; CREATE TABLE open.t (z int); DROP SCHEMA b CASCADE; INSERT INTO a.t (x) VALUES ('lost')");
    v.database.abandon();
    fs.powerCut();
    v = await open();
    assert.deepEqual(await snapshot(v), committed, `checkpoint: ${checkpoint}`);
    // The sequence of a.t went on past the rows written before the crash.
    await v.exec("INSERT INTO a.t (x) VALUES ('three')");
    assert.deepEqual((await v.query('SELECT count(DISTINCT id)::int AS n FROM a.t')).rows, [{ n: 3 }]);
    await v.close();
    v = await open();
    assert.deepEqual((await v.query('SELECT x FROM a.t ORDER BY id')).rows.map((r) => (r as { x: string }).x), ['one', 'two', 'three']);
    await v.close();
  }
});

test('schemas: a foreign key added in a transaction checks the rows the transaction wrote', async () => {
  await sameAll([
    'CREATE SCHEMA f1',
    'BEGIN',
    'CREATE TABLE f1.parent (id int PRIMARY KEY)',
    'CREATE TABLE child (p int)',
    'INSERT INTO f1.parent VALUES (1), (2)',
    'INSERT INTO child VALUES (1), (2), (NULL)',
    'ALTER TABLE ONLY child ADD CONSTRAINT child_p_fkey FOREIGN KEY (p) REFERENCES f1.parent(id)',
    'INSERT INTO child VALUES (3)',
    'ROLLBACK',
    'BEGIN',
    'CREATE TABLE f1.parent (id int PRIMARY KEY)',
    'CREATE TABLE child (p int)',
    'INSERT INTO child VALUES (5)',
    'ALTER TABLE child ADD FOREIGN KEY (p) REFERENCES f1.parent(id)',
    'ROLLBACK',
    'DROP SCHEMA f1',
  ]);
});

test('schemas: regclass and serial defaults name their schema when the search path does not find them', async () => {
  await sameAll([
    'CREATE SCHEMA v1',
    'CREATE TABLE v1.t (id serial PRIMARY KEY, r regclass)',
    'CREATE TABLE t (id int)',
    "INSERT INTO v1.t (r) VALUES ('v1.t'), ('t')",
    "SELECT r::text, 'v1.t_id_seq'::regclass::text FROM v1.t ORDER BY id",
    "SELECT column_name, column_default FROM information_schema.columns WHERE table_schema = 'v1' ORDER BY ordinal_position",
    "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d WHERE d.adrelid = 'v1.t'::regclass",
    'SET search_path = v1, public',
    "SELECT r::text FROM t ORDER BY id",
    "SELECT column_default FROM information_schema.columns WHERE table_schema = 'v1' AND column_name = 'id'",
    "SET search_path = ''",
    "SELECT r::text, 'public.t'::regclass::text FROM v1.t ORDER BY id",
    "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d WHERE d.adrelid = 'v1.t'::regclass",
    'RESET search_path',
    'DROP SCHEMA v1 CASCADE',
    'DROP TABLE t',
  ]);
});

test('schemas: COMMENT ON a table, column and index of a schema, named through search_path too', async () => {
  await sameAll([
    'CREATE SCHEMA c2',
    'CREATE TABLE c2.ct (a int)',
    'CREATE INDEX ct_a ON c2.ct (a)',
    'CREATE TABLE ct (b int)',
    "COMMENT ON TABLE c2.ct IS 'in c2'",
    "COMMENT ON TABLE ct IS 'in public'",
    "COMMENT ON INDEX c2.ct_a IS 'index'",
    "COMMENT ON TABLE nosuch.ct IS 'x'",
    "COMMENT ON COLUMN c2.ct.nosuch IS 'x'",
    "COMMENT ON TABLE c2.nosuch IS 'x'",
    'SET search_path = c2, public',
    "COMMENT ON COLUMN ct.a IS 'column a'",
    "COMMENT ON INDEX ct_a IS 'index again'",
    'RESET search_path',
    "SELECT obj_description('c2.ct'::regclass, 'pg_class'), obj_description('ct'::regclass, 'pg_class'), col_description('c2.ct'::regclass, 1), obj_description('c2.ct_a'::regclass, 'pg_class')",
    'DROP SCHEMA c2 CASCADE',
    'DROP TABLE ct',
  ]);
});
