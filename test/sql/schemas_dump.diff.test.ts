/**
 * `vecgres dump` of a database with user schemas against PostgreSQL + pgvector: the same
 * statements run on vecgres and on a fresh PGlite; vecgres' dump (COPY form) is loaded into
 * another PGlite, its `--inserts` form into a fresh vecgres, and the catalog (pg_namespace,
 * pg_class, pg_constraint, pg_indexes, pg_sequences, information_schema), the rows and the
 * sequences' next values must be PGlite's on every side. The dump of the same database through
 * a server (`vecgres dump --host`) must be the same text.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { Vecgres } from '../../src/index.js';
import { VecgresServer } from '../../src/server/server.js';
import { dumpRemote } from '../../src/cli/dump_remote.js';
import { loadCopyScript } from '../support/dump_load.js';
import { startPglite } from '../support/pglite_start.js';

const STATEMENTS = [
  'CREATE SCHEMA app',
  'CREATE SCHEMA "Odd Schema"',
  'CREATE SCHEMA empty_one',
  // The same table name in public and in a schema; serial, identity, keys, checks, NOT NULL names.
  'CREATE TABLE items (id int PRIMARY KEY, note text)',
  'CREATE TABLE app.items (id serial PRIMARY KEY, v vector(3), name text UNIQUE, n int CHECK (n > 0), w int CONSTRAINT w_required NOT NULL DEFAULT 7, r regclass)',
  'CREATE TABLE app.orders (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, item int REFERENCES app.items(id) ON DELETE CASCADE, qty int, CONSTRAINT qty_positive CHECK (qty > 0))',
  'CREATE TABLE "Odd Schema"."Mixed Table" ("Key" bigserial PRIMARY KEY, item int REFERENCES app.items(id), label text)',
  'CREATE TABLE public_refs (item int REFERENCES app.items(id), local int REFERENCES items(id))',
  'CREATE INDEX ON app.items (n)',
  'CREATE INDEX items_v_hnsw ON app.items USING hnsw (v vector_l2_ops)',
  'CREATE INDEX items_note ON items (note)',
  'CREATE UNIQUE INDEX "Label Index" ON "Odd Schema"."Mixed Table" (lower(label))',
  'CREATE SEQUENCE app.counter START 100 INCREMENT 5',
  'CREATE SEQUENCE app.owned_seq OWNED BY app.orders.qty',
  "INSERT INTO items VALUES (1, 'public one'), (2, 'public two')",
  "INSERT INTO app.items (v, name, n, r) VALUES ('[1,2,3]', 'a', 1, 'app.orders'), ('[0.5,-1,2]', 'b', 2, 'items'), (NULL, 'c', 3, 'app.items')",
  'INSERT INTO app.orders (item, qty) VALUES (1, 2), (2, 3), (1, 4)',
  "INSERT INTO \"Odd Schema\".\"Mixed Table\" (item, label) VALUES (1, 'X'), (NULL, 'y')",
  'INSERT INTO public_refs VALUES (1, 1), (2, 2)',
  "SELECT nextval('app.counter'), nextval('app.counter')",
  'DELETE FROM app.items WHERE id = 3',
  "COMMENT ON TABLE app.items IS 'the items'",
  "COMMENT ON COLUMN app.items.name IS 'its name'",
  "COMMENT ON INDEX app.items_n_idx IS 'by n'",
  "COMMENT ON TABLE \"Odd Schema\".\"Mixed Table\" IS 'mixed'",
];

/** The catalog as both sides show it (no oids). */
const CATALOG = [
  "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1",
  "SELECT n.nspname, c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'app', 'Odd Schema', 'empty_one') ORDER BY 1, 2",
  "SELECT n.nspname, c.conname, c.contype::text, c.conrelid::regclass::text, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname IN ('public', 'app', 'Odd Schema') ORDER BY 1, 2, 4",
  "SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes WHERE schemaname IN ('public', 'app', 'Odd Schema') ORDER BY 1, 2, 3",
  "SELECT schemaname, sequencename, data_type::text, start_value, increment_by, last_value FROM pg_sequences WHERE schemaname IN ('public', 'app', 'Odd Schema') ORDER BY 1, 2",
  "SELECT table_schema, table_name, column_name, column_default, is_nullable, data_type FROM information_schema.columns WHERE table_schema IN ('public', 'app', 'Odd Schema') ORDER BY 1, 2, ordinal_position",
  "SELECT constraint_schema, constraint_name, table_schema, table_name, constraint_type FROM information_schema.table_constraints WHERE table_schema IN ('public', 'app', 'Odd Schema') AND constraint_type <> 'CHECK' ORDER BY 1, 2, 4",
  "SELECT n.nspname, c.relname, d.objsubid, d.description FROM pg_description d JOIN pg_class c ON c.oid = d.objoid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE d.classoid = 'pg_class'::regclass AND n.nspname IN ('public', 'app', 'Odd Schema') ORDER BY 1, 2, 3",
  "SELECT pg_get_serial_sequence('app.items', 'id'), pg_get_serial_sequence('app.orders', 'id'), pg_get_serial_sequence('\"Odd Schema\".\"Mixed Table\"', 'Key')",
];

/** The rows as text. */
const ROWS = [
  'SELECT id, note FROM items ORDER BY id',
  'SELECT id, v::text, name, n, w, r::text FROM app.items ORDER BY id',
  'SELECT id, item, qty FROM app.orders ORDER BY id',
  'SELECT "Key", item, label FROM "Odd Schema"."Mixed Table" ORDER BY 1',
  'SELECT item, local FROM public_refs ORDER BY 1',
];

/** What the sequences hand out next, and the constraints at work (run in a rolled-back block). */
const PROBES = [
  "INSERT INTO app.items (name, n) VALUES ('next', 5) RETURNING id, w",
  'INSERT INTO app.orders (item, qty) VALUES (2, 1) RETURNING id',
  "INSERT INTO \"Odd Schema\".\"Mixed Table\" (label) VALUES ('z') RETURNING \"Key\"",
  "SELECT nextval('app.counter'), nextval('app.owned_seq')",
  "INSERT INTO app.items (name, n) VALUES ('a', 1)",
  "INSERT INTO app.items (name, n) VALUES ('neg', -1)",
  'INSERT INTO app.orders (item, qty) VALUES (99, 1)',
  "INSERT INTO \"Odd Schema\".\"Mixed Table\" (label) VALUES ('x')",
  'DELETE FROM app.items WHERE id = 1',
  'SELECT count(*) FROM app.orders',
];

type Run = (sql: string) => Promise<unknown>;

/** Rows (arrays) of `sql`, or its error's SQLSTATE and message. */
async function outcome(run: Run, sql: string): Promise<unknown> {
  try {
    return await run(sql);
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
}

const vecgresRun = (db: Vecgres): Run => async (sql) => (await db.query(sql, [], { rowMode: 'array' })).rows;
const pgliteRun = (db: PGlite): Run => async (sql) => (await db.query(sql, [], { rowMode: 'array' })).rows;

/** Asserts `theirs` (PostgreSQL) and `ours` agree on the catalog, the rows and the probes. */
async function compare(label: string, theirs: Run, ours: Run): Promise<void> {
  for (const q of [...CATALOG, ...ROWS]) assert.deepEqual(await outcome(ours, q), await outcome(theirs, q), `${label}: ${q}`);
  for (const r of [theirs, ours]) await r('BEGIN');
  for (const q of PROBES) {
    for (const r of [theirs, ours]) await r('SAVEPOINT p');
    const [a, b] = [await outcome(theirs, q), await outcome(ours, q)];
    for (const r of [theirs, ours]) await r('ROLLBACK TO SAVEPOINT p');
    assert.deepEqual(b, a, `${label}: ${q}`);
  }
  for (const r of [theirs, ours]) await r('ROLLBACK');
}

/** A fresh PGlite that ran {@link STATEMENTS}: the expected side (the probes advance its sequences). */
async function openDirect(): Promise<PGlite> {
  const db = await startPglite();
  await db.exec('CREATE EXTENSION vector');
  for (const s of STATEMENTS) await db.query(s);
  return db;
}

const src = await Vecgres.create();
after(() => src.close());
for (const s of STATEMENTS) await src.query(s);

const dump = (inserts: boolean): string => {
  let out = '';
  src.dump((c) => (out += c), { inserts });
  return out;
};
// Taken before any probe advances the source's sequences, as the fresh PGlites stand.
const copyDump = dump(false);
const insertsDump = dump(true);

test('schemas dump: the source answers as PostgreSQL does', async () => {
  const direct = await openDirect();
  try {
    await compare('vecgres', pgliteRun(direct), vecgresRun(src));
  } finally {
    await direct.close();
  }
});

test('schemas dump: CREATE SCHEMA first, every object schema-qualified, sorted by schema and name', () => {
  const text = copyDump;
  assert.match(text, /^-- Name: Odd Schema; Type: SCHEMA; Schema: -; Owner: -\n--\n\nCREATE SCHEMA "Odd Schema";\n\n\n--\n-- Name: app; Type: SCHEMA;[^\n]*\n--\n\nCREATE SCHEMA app;\n\n\n--\n-- Name: empty_one; Type: SCHEMA;[^\n]*\n--\n\nCREATE SCHEMA empty_one;\n\n\n--\n-- Name: vector; Type: EXTENSION/m);
  assert.match(text, /^-- Name: items; Type: TABLE; Schema: app; Owner: -\n--\n\nCREATE TABLE app\.items \(/m);
  assert.match(text, /^CREATE INDEX items_n_idx ON app\.items USING btree \(n\);$/m);
  assert.match(text, /^COPY "Odd Schema"\."Mixed Table" \("Key", item, label\) FROM stdin;$/m);
  assert.match(text, /^ALTER TABLE ONLY app\.items ALTER COLUMN id SET DEFAULT nextval\('app\.items_id_seq'::regclass\);$/m);
  // regclass values name their schema, as regclassout prints them under an empty search_path.
  assert.match(text, /^1\t\[1,2,3\]\ta\t1\t7\tapp\.orders$/m);
  assert.match(text, /^2\t\[0\.5,-1,2\]\tb\t2\t7\tpublic\.items$/m);
  const order = ['TABLE; Schema: Odd Schema', 'TABLE; Schema: app', 'TABLE; Schema: public'].map((s) => text.indexOf(s));
  assert.deepEqual([...order].sort((a, b) => a - b), order, 'tables by schema name');
  assert.ok(order.every((i) => i > 0));
});

test('schemas dump: the COPY dump loads into PostgreSQL and gives its catalog and rows', async () => {
  const direct = await openDirect();
  const peer = await startPglite();
  try {
    await loadCopyScript(peer, copyDump);
    await compare('loaded into PostgreSQL', pgliteRun(direct), pgliteRun(peer));
  } finally {
    await peer.close();
    await direct.close();
  }
});

test('schemas dump: the --inserts dump loads into vecgres and gives PostgreSQL\'s catalog and rows', async () => {
  const direct = await openDirect();
  const back = await Vecgres.create();
  try {
    // One script, so one implicit transaction: the foreign keys are added over its own rows.
    await back.exec(insertsDump.split('\n').filter((l) => !l.startsWith('\\')).join('\n'));
    await compare('loaded into vecgres', pgliteRun(direct), vecgresRun(back));
  } finally {
    await back.close();
    await direct.close();
  }
});

test('schemas dump: --table takes schema-qualified names; a bare name is public\'s', () => {
  let out = '';
  src.dump((c) => (out += c), { tables: ['app.orders', 'items'] });
  assert.match(out, /^CREATE TABLE app\.orders \(/m);
  assert.match(out, /^CREATE TABLE public\.items \(/m);
  assert.ok(!out.includes('CREATE TABLE app.items'));
  assert.ok(!out.includes('CREATE SCHEMA'));
  assert.throws(() => src.dump(() => {}, { tables: ['orders'] }), (e: { code?: string; message?: string }) => e.code === '42P01' && e.message === 'no matching tables were found for pattern "orders"');
});

test('schemas dump: a dump through a server is the same text as the dump of the database', async () => {
  const password = 'schemas dump';
  const served = await VecgresServer.start({ db: src.database, port: 0, users: { postgres: password }, log: () => {} });
  try {
    for (const inserts of [false, true]) {
      let remote = '';
      await dumpRemote({ host: '127.0.0.1', port: served.port, user: 'postgres', password, dbname: 'postgres' }, { inserts }, (c) => (remote += c));
      assert.equal(remote, dump(inserts), `inserts: ${inserts}`);
    }
  } finally {
    await served.close();
  }
});
