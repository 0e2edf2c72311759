/**
 * ALTER TABLE / SEQUENCE ... SET SCHEMA and ALTER SCHEMA ... RENAME TO / OWNER TO against
 * PGlite: a table moves with its indexes, owned sequences and constraints; the catalog views
 * (pg_class, pg_namespace, pg_constraint, pg_indexes, pg_sequences, information_schema) show
 * it where PostgreSQL does; errors; rollback to a savepoint and of the transaction; and a data
 * directory recovered after a crash, with and without a checkpoint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { openSqlPair } from '../support/sql_pair.js';
import { loadCopyScript } from '../support/dump_load.js';
import { startPglite } from '../support/pglite_start.js';

const { db, oracle, same, both } = await openSqlPair();

async function sameAll(sqls: readonly string[]): Promise<void> {
  for (const sql of sqls) await same(sql);
}

const CATALOG = [
  "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1",
  "SELECT n.nspname, c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1, 2",
  "SELECT n.nspname, c.conname, c.conrelid::regclass::text, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3",
  "SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes WHERE schemaname <> 'pg_catalog' ORDER BY 1, 2, 3",
  'SELECT schemaname, sequencename, last_value FROM pg_sequences ORDER BY 1, 2',
  "SELECT table_schema, table_name, column_name, column_default FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, ordinal_position",
  "SELECT constraint_schema, constraint_name, table_schema, table_name, constraint_type FROM information_schema.table_constraints WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND constraint_type <> 'CHECK' ORDER BY 1, 2, 4",
  "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
];

test('ALTER TABLE SET SCHEMA moves the table with its indexes, sequences and constraints', async () => {
  await sameAll([
    'CREATE SCHEMA app',
    'CREATE TABLE items (id serial PRIMARY KEY, v text UNIQUE, n int CHECK (n > 0), i int GENERATED ALWAYS AS IDENTITY, e vector(2))',
    'CREATE INDEX ON items (n)',
    'CREATE INDEX items_e ON items USING hnsw (e vector_l2_ops)',
    'CREATE TABLE refs (x int REFERENCES items(id), y int)',
    'CREATE TABLE selfref (id int PRIMARY KEY, parent int REFERENCES selfref(id))',
    "INSERT INTO items (v, n, e) VALUES ('a', 1, '[1,1]'), ('b', 2, '[2,2]')",
    'INSERT INTO refs VALUES (1, 1)',
    'INSERT INTO selfref VALUES (1, NULL), (2, 1)',
    'ALTER TABLE items SET SCHEMA app',
    'ALTER TABLE selfref SET SCHEMA app',
    'SELECT * FROM items',
    "SELECT id, v, n, i, e::text FROM app.items ORDER BY id",
    "INSERT INTO app.items (v, n, e) VALUES ('c', 3, '[3,3]') RETURNING id, i",
    "SELECT pg_get_serial_sequence('app.items', 'id'), pg_get_serial_sequence('app.items', 'i')",
    "SELECT nextval('app.items_id_seq')",
    "SELECT nextval('items_id_seq')",
    'INSERT INTO refs VALUES (99, 1)',
    'INSERT INTO app.selfref VALUES (3, 99)',
    "INSERT INTO app.items (v, n) VALUES ('a', 1)",
    "INSERT INTO app.items (v, n) VALUES ('z', -1)",
    'DELETE FROM app.items WHERE id = 1',
    "SELECT 'app.items'::regclass::text, 'app.items_pkey'::regclass::text, 'app.items_e'::regclass::text",
    "SET enable_seqscan = off",
    "SELECT id FROM app.items ORDER BY e <-> '[2.1,2.1]' LIMIT 1",
    'RESET enable_seqscan',
    // Back to public, from one user schema to another, and a no-op into its own schema.
    'CREATE SCHEMA other',
    'ALTER TABLE app.items SET SCHEMA other',
    'ALTER TABLE other.items SET SCHEMA other',
    'ALTER TABLE app.selfref SET SCHEMA public',
    'INSERT INTO selfref VALUES (3, 2)',
    "INSERT INTO other.items (v, n) VALUES ('d', 4) RETURNING id, i",
    'ALTER TABLE IF EXISTS nosuch SET SCHEMA app',
    'ALTER TABLE IF EXISTS nosuch.t SET SCHEMA app',
    // The moved identity, serial sequence and constraints keep working under their new keys.
    'ALTER TABLE other.items ALTER COLUMN i RESTART WITH 100',
    "INSERT INTO other.items (v, n) VALUES ('e', 5) RETURNING id, i",
    "INSERT INTO other.items (v, n) VALUES ('f', 6) RETURNING id, i",
    'ALTER TABLE other.items RENAME CONSTRAINT items_n_check TO n_positive',
    'ALTER TABLE other.items DROP CONSTRAINT items_v_key',
    'ALTER TABLE other.items ADD CONSTRAINT items_v_key UNIQUE (v)',
    'ALTER TABLE other.items ALTER COLUMN i DROP IDENTITY',
    'ALTER TABLE other.items RENAME TO things',
    'CREATE TABLE other.items (id int PRIMARY KEY)',
  ]);
  await sameAll(CATALOG);
  await both('DROP SCHEMA app CASCADE; DROP SCHEMA other CASCADE; DROP TABLE refs; DROP TABLE selfref');
});

test('SET SCHEMA errors change nothing', async () => {
  await both(`CREATE SCHEMA e1; CREATE TABLE t (id serial PRIMARY KEY, a int); CREATE INDEX t_a ON t (a);
    CREATE TABLE e1.t (b int); CREATE TABLE u (id bigserial PRIMARY KEY); CREATE TABLE e1.u_id_seq (z int);
    CREATE TABLE w (a int); CREATE INDEX w_a ON w (a); CREATE TABLE e1.w_a (q int); CREATE SEQUENCE s; CREATE SEQUENCE e1.s;
    CREATE VIEW tv AS SELECT a FROM t`);
  await sameAll([
    'ALTER TABLE t SET SCHEMA nosuch',
    'ALTER TABLE nosuch SET SCHEMA e1',
    'ALTER TABLE nosuch.t SET SCHEMA e1',
    'ALTER TABLE e1.t SET SCHEMA public',
    'ALTER TABLE u SET SCHEMA e1',
    'ALTER TABLE w SET SCHEMA e1',
    'ALTER TABLE t_a SET SCHEMA e1',
    'ALTER SEQUENCE t_id_seq SET SCHEMA e1',
    'ALTER SEQUENCE t SET SCHEMA e1',
    'ALTER SEQUENCE s SET SCHEMA e1',
    'ALTER SEQUENCE IF EXISTS nosuch SET SCHEMA e1',
    'ALTER SEQUENCE nosuch SET SCHEMA e1',
    'ALTER TABLE t SET SCHEMA pg_toast',
  ]);
  await sameAll(CATALOG);
  // A view reads the table by name in vecgres (PostgreSQL's follows it by oid): refused.
  await both('CREATE SCHEMA e2');
  await assert.rejects(() => db.exec('ALTER TABLE t SET SCHEMA e2'), (e: { code?: string }) => e.code === '0A000');
  await same("SELECT relnamespace::regnamespace::text FROM pg_class WHERE relname IN ('t', 't_a', 't_id_seq', 't_pkey') ORDER BY relname, 1");
  await both('DROP VIEW tv; DROP SCHEMA e1 CASCADE; DROP SCHEMA e2; DROP TABLE t, u, w; DROP SEQUENCE s');
});

test('ALTER SEQUENCE SET SCHEMA moves a sequence and the defaults that draw from it', async () => {
  await sameAll([
    'CREATE SCHEMA q1',
    'CREATE SEQUENCE counter START 10',
    "CREATE TABLE uses (id bigint DEFAULT nextval('counter'), v text)",
    "INSERT INTO uses (v) VALUES ('a')",
    'ALTER SEQUENCE counter SET SCHEMA q1',
    "INSERT INTO uses (v) VALUES ('b') RETURNING id",
    "SELECT nextval('q1.counter')",
    'ALTER TABLE q1.counter SET SCHEMA public',
    "SELECT nextval('counter')",
  ]);
  await sameAll(CATALOG);
  await both('DROP TABLE uses; DROP SEQUENCE counter; DROP SCHEMA q1');
});

test('ALTER SCHEMA RENAME TO renames the schema its relations are in; OWNER TO', async () => {
  await sameAll([
    'CREATE SCHEMA old',
    'CREATE TABLE old.items (id serial PRIMARY KEY, v text UNIQUE, n int CHECK (n > 0))',
    'CREATE TABLE old.child (p int REFERENCES old.items(id))',
    'CREATE SEQUENCE old.free',
    "CREATE TABLE outside (id int DEFAULT nextval('old.free'), p int REFERENCES old.items(id))",
    "INSERT INTO old.items (v, n) VALUES ('a', 1)",
    'INSERT INTO outside (p) VALUES (1)',
    "SELECT oid = 'old'::regnamespace FROM pg_namespace WHERE nspname = 'old'",
    'ALTER SCHEMA old RENAME TO new',
    'SELECT * FROM old.items',
    'SELECT * FROM new.items',
    "INSERT INTO new.items (v, n) VALUES ('b', 2) RETURNING id",
    'INSERT INTO outside (p) VALUES (2) RETURNING id',
    'INSERT INTO outside (p) VALUES (7)',
    'INSERT INTO new.child VALUES (9)',
    'ALTER SCHEMA new OWNER TO postgres',
    'ALTER SCHEMA new OWNER TO CURRENT_USER',
    'ALTER SCHEMA new OWNER TO nobody',
    'ALTER SCHEMA nosuch OWNER TO postgres',
    'ALTER SCHEMA nosuch RENAME TO x',
    'CREATE SCHEMA taken',
    'ALTER SCHEMA new RENAME TO taken',
    'ALTER SCHEMA new RENAME TO public',
    'ALTER SCHEMA new RENAME TO new',
  ]);
  await sameAll(CATALOG);
  // PostgreSQL reserves the prefix; PGlite, which runs with allow_system_table_mods, renames.
  await assert.rejects(() => db.exec('ALTER SCHEMA new RENAME TO pg_new'), (e: { code?: string; message?: string }) => e.code === '42939' && e.message === 'unacceptable schema name "pg_new"');
  await both('DROP TABLE outside; DROP SCHEMA new CASCADE; DROP SCHEMA taken');
});

test('a dump after SET SCHEMA and ALTER SCHEMA RENAME loads into PostgreSQL with its catalog', async () => {
  await both(`CREATE SCHEMA d1; CREATE SCHEMA d2;
    CREATE TABLE dt (id serial PRIMARY KEY, v text UNIQUE, n int CHECK (n > 0), i bigint GENERATED BY DEFAULT AS IDENTITY);
    CREATE INDEX dt_n ON dt (n); CREATE TABLE dref (x int REFERENCES dt(id));
    INSERT INTO dt (v, n) VALUES ('a', 1), ('b', 2); INSERT INTO dref VALUES (2);
    ALTER TABLE dt SET SCHEMA d1; ALTER SCHEMA d1 RENAME TO d3; ALTER TABLE dref SET SCHEMA d2;
    INSERT INTO d3.dt (v, n) VALUES ('c', 3)`);
  let script = '';
  db.dump((c) => (script += c));
  const peer = await startPglite();
  try {
    await loadCopyScript(peer, script);
    for (const q of [...CATALOG, 'SELECT id, v, n, i FROM d3.dt ORDER BY id', 'SELECT x FROM d2.dref']) {
      assert.deepEqual((await peer.query(q, [], { rowMode: 'array' })).rows, (await oracle.query(q, [], { rowMode: 'array' })).rows, q);
    }
  } finally {
    await peer.close();
  }
  await both('DROP SCHEMA d2 CASCADE; DROP SCHEMA d3 CASCADE');
});

test('SET SCHEMA and ALTER SCHEMA RENAME roll back with their transaction and savepoint', async () => {
  await sameAll([
    'CREATE SCHEMA r1',
    'CREATE TABLE rt (id serial PRIMARY KEY, a int UNIQUE)',
    'INSERT INTO rt (a) VALUES (1)',
    'BEGIN',
    'ALTER TABLE rt SET SCHEMA r1',
    'INSERT INTO r1.rt (a) VALUES (2)',
    'SAVEPOINT s',
    'ALTER SCHEMA r1 RENAME TO r2',
    'SELECT count(*) FROM r2.rt',
    'ROLLBACK TO SAVEPOINT s',
    'SELECT count(*) FROM r1.rt',
    'ROLLBACK',
    'SELECT id, a FROM rt ORDER BY id',
    'INSERT INTO rt (a) VALUES (3) RETURNING id',
    'SELECT * FROM r1.rt',
    'BEGIN',
    'ALTER TABLE rt SET SCHEMA r1',
    'ALTER SCHEMA r1 RENAME TO r2',
    'COMMIT',
    'SELECT id, a FROM r2.rt ORDER BY id',
  ]);
  await sameAll(CATALOG);
  await both('DROP SCHEMA r2 CASCADE');
});

test('SET SCHEMA and ALTER SCHEMA RENAME survive a crash, with and without a checkpoint', async () => {
  for (const checkpoint of [false, true]) {
    const fs = new FaultyFs(new MemoryFs(), { seed: 11 });
    const open = () => Vecgres.create('db', { storage: fs, walSegmentBytes: 4096 });
    let v = await open();
    await v.exec(`CREATE SCHEMA a; CREATE TABLE t (id serial PRIMARY KEY, x text UNIQUE, e vector(2));
      CREATE INDEX t_e ON t USING hnsw (e vector_l2_ops); INSERT INTO t (x, e) VALUES ('one', '[1,0]'), ('two', '[0,1]')`);
    if (checkpoint) await v.exec('CHECKPOINT');
    await v.exec(`ALTER TABLE t SET SCHEMA a; INSERT INTO a.t (x, e) VALUES ('three', '[1,1]'); ALTER SCHEMA a RENAME TO b`);
    const snapshot = async (x: Vecgres) => ({
      rels: (await x.query("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'a', 'b', 'c') ORDER BY 1, 2")).rows,
      ns: (await x.query("SELECT oid, nspname FROM pg_namespace WHERE nspname IN ('a', 'b', 'c') ORDER BY 2")).rows,
      rows: (await x.query('SELECT id, x, e::text AS e FROM b.t ORDER BY id')).rows,
      knn: (await x.query("SELECT x FROM b.t ORDER BY e <-> '[0.9,0.1]' LIMIT 2")).rows,
      cons: (await x.query("SELECT conname, conrelid::regclass::text AS rel FROM pg_constraint WHERE connamespace = 'b'::regnamespace ORDER BY 1")).rows,
    });
    const committed = await snapshot(v);
    assert.equal(committed.rows.length, 3);
    await v.exec("BEGIN; ALTER SCHEMA b RENAME TO c; ALTER TABLE c.t SET SCHEMA public; INSERT INTO t (x) VALUES ('lost')");
    v.database.abandon();
    fs.powerCut();
    v = await open();
    assert.deepEqual(await snapshot(v), committed, `checkpoint: ${checkpoint}`);
    await v.exec("INSERT INTO b.t (x) VALUES ('four')");
    assert.deepEqual((await v.query('SELECT count(DISTINCT id)::int AS n FROM b.t')).rows, [{ n: 4 }]);
    await v.close();
    v = await open();
    assert.deepEqual((await v.query('SELECT x FROM b.t ORDER BY id')).rows.map((r) => (r as { x: string }).x), ['one', 'two', 'three', 'four']);
    await v.exec('CHECKPOINT');
    await v.close();
    v = await open();
    assert.deepEqual((await v.query("SELECT x FROM b.t ORDER BY e <-> '[0,1]' LIMIT 1")).rows, [{ x: 'two' }]);
    await v.close();
  }
});
