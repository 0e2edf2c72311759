/**
 * Arrays of enum types against PGlite: columns of `mood[]` (Prisma's enum list fields), input
 * and output, the array type's oid, comparison by the labels' sort order, the array operators
 * and functions, ANY / ALL, parameters, writes, COPY, the catalog's view of the columns, ALTER
 * TYPE and DROP TYPE over them; enum_range, enum_first and enum_last. And that arrays read
 * back after a crash hold the database's own values, which a later RENAME VALUE reaches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { openSqlPair } from '../support/sql_pair.js';
import { checkCopyRoundTrip } from '../support/copy_round_trip.js';

const { db, oracle, same, both, checkAll } = await openSqlPair();

test('enum arrays: input, output, type oids, comparison and ordering', async () => {
  await both(`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'a b', 'NULL');
    CREATE TYPE e0 AS ENUM ();
    CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
    CREATE TABLE users (id int PRIMARY KEY, roles "Role"[] NOT NULL DEFAULT '{USER}', ms mood[]);
    INSERT INTO users VALUES (1, '{ADMIN,USER}', '{sad,ok}'), (2, DEFAULT, ARRAY['happy', 'sad']::mood[]), (3, ARRAY['USER'::"Role"], ARRAY['ok'::mood]),
      (4, '{}', NULL), (5, '{USER}', '{}'), (6, '{ADMIN}', '{"a b",NULL,"NULL"}'), (7, '{USER}', '{{sad,ok},{happy,ok}}')`);
  await checkAll('enum array values', [
    'SELECT * FROM users ORDER BY id',
    'SELECT * FROM users ORDER BY ms, id',
    'SELECT id, ms FROM users ORDER BY ms DESC NULLS LAST, id',
    'SELECT roles, count(*) FROM users GROUP BY roles ORDER BY roles',
    'SELECT DISTINCT roles FROM users ORDER BY 1 DESC',
    'SELECT min(ms), max(ms), min(roles), max(roles) FROM users',
    "SELECT '{sad,ok}'::mood[], '{}'::mood[], '{\"a b\", NULL}'::mood[], ARRAY['ok', 'sad']::mood[], ARRAY['ok'::mood], ARRAY[]::mood[]",
    "SELECT '{ADMIN}'::\"Role\"[], pg_typeof('{ADMIN}'::\"Role\"[]), pg_typeof(ARRAY['ok'::mood]), pg_typeof(ARRAY['ok'::mood])::oid = 'mood[]'::regtype::oid",
    "SELECT format_type('mood[]'::regtype, -1), format_type('\"Role\"[]'::regtype, NULL), '_mood'::regtype, '\"_Role\"'::regtype::text",
    "SELECT t.typname, t.typelem = 'mood'::regtype, t.typlen FROM pg_type t WHERE t.oid = 'mood[]'::regtype",
    "SELECT ms::text, roles::text[], ms::varchar[] FROM users ORDER BY id",
    "SELECT '{sad,ok}'::text[]::mood[], ('{' || 'ok' || '}')::mood[], '{happy}'::varchar[]::mood[]",
    "SELECT '{x}'::mood[]",
    "SELECT '{ok'::mood[]",
    "SELECT '{ok}'::\"Role\"[]",
    "SELECT '{\"a b\",x}'::text[]::mood[]",
    "SELECT id FROM users WHERE ms = '{sad,ok}'",
    "SELECT id FROM users WHERE ms <> '{sad,ok}' ORDER BY id",
    "SELECT id FROM users WHERE ms < '{ok}' ORDER BY id",
    "SELECT id FROM users WHERE ms >= ARRAY['happy'::mood] ORDER BY id",
    "SELECT id FROM users WHERE ms @> '{sad}' ORDER BY id",
    "SELECT id FROM users WHERE ms <@ '{sad,ok,happy}' ORDER BY id",
    "SELECT id FROM users WHERE ms && ARRAY['ok'::mood] ORDER BY id",
    "SELECT id FROM users WHERE roles @> ARRAY['ADMIN']::\"Role\"[] ORDER BY id",
    "SELECT id FROM users WHERE 'ADMIN' = ANY(roles) ORDER BY id",
    "SELECT id FROM users WHERE 'sad'::mood <> ALL(ms) ORDER BY id",
    "SELECT id FROM users WHERE ms = roles",
    "SELECT id FROM users WHERE ms @> '{x}'",
    "SELECT id FROM users WHERE ms = '{sad}'::text[]",
    'SELECT id, array_length(ms, 1), array_length(ms, 2), cardinality(ms), array_ndims(ms), array_dims(ms), ms[1], ms[2], ms[1:1] FROM users ORDER BY id',
    'SELECT id, pg_typeof(ms[1]), array_to_string(ms, \',\', \'-\'), array_position(ms, \'ok\'), array_positions(ms, \'sad\') FROM users ORDER BY id',
    "SELECT id, array_append(ms, 'happy'), array_prepend('ok'::mood, ms), ms || 'sad'::mood, ms || '{happy}', array_remove(ms, 'sad'), array_replace(ms, 'sad', 'ok') FROM users WHERE id < 6 ORDER BY id",
    'SELECT id, unnest(ms) FROM users ORDER BY 1, 2',
    'SELECT u, count(*) FROM users, unnest(roles) u GROUP BY u ORDER BY u',
    'SELECT array_agg(m ORDER BY m), array_agg(m ORDER BY m DESC) FROM users, unnest(ms) m',
    'SELECT id, array_agg(r ORDER BY r) FROM users, unnest(roles) r GROUP BY id ORDER BY id',
    'SELECT array_agg(ms ORDER BY id) FROM users WHERE id IN (1, 2)',
    'SELECT ARRAY(SELECT DISTINCT m FROM users, unnest(ms) m ORDER BY 1)',
    "SELECT to_jsonb(ms), to_json(roles) FROM users ORDER BY id",
    "SELECT ms IS NULL, ms IS DISTINCT FROM '{sad,ok}' FROM users ORDER BY id",
    "SELECT coalesce(ms, '{happy}'), CASE WHEN id > 3 THEN ms ELSE '{ok}' END FROM users ORDER BY id",
    "SELECT greatest(ms, '{ok}'), least(ms, '{ok}') FROM users ORDER BY id",
    "SELECT a.id, b.id FROM users a JOIN users b ON a.ms = b.ms AND a.id < b.id ORDER BY 1, 2",
    "SELECT ms FROM users WHERE id < 3 UNION SELECT '{ok}' ORDER BY 1",
    "EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM users WHERE ms @> '{sad}' AND 'ADMIN' = ANY(roles) AND ms[1] IN ('ok', 'sad')",
  ]);
});

test('enum arrays: ANY with arrays and parameters, and the fields clients receive', async () => {
  await checkAll('enum array parameters', [
    "SELECT 'ok'::mood = ANY('{ok,sad}'), 'ok'::mood = ANY(ARRAY['sad', 'happy']::mood[]), 'ok'::mood = ALL('{ok}')",
    "SELECT 'ok'::mood = ANY(ARRAY['sad'::mood, 'ok'])",
    "SELECT 'x'::mood = ANY('{ok}')",
    "SELECT 'ok'::mood = ANY('{x}')",
    // An array parameter of an enum type arrives as its text, as node-postgres and Prisma send it.
    ['SELECT id FROM users WHERE ms[1] = ANY($1) ORDER BY id', ['{ok,happy}']],
    ['SELECT id FROM users WHERE ms[1] = ANY($1::mood[]) ORDER BY id', ['{sad}']],
    ['SELECT id FROM users WHERE ms[1] = ANY($1) ORDER BY id', ['{nope}']],
    ['SELECT id FROM users WHERE roles = $1 ORDER BY id', ['{USER}']],
    ['SELECT id FROM users WHERE roles @> $1 ORDER BY id', ['{ADMIN}']],
    ['SELECT $1::mood[] AS m, pg_typeof($1::mood[]) AS t', ['{"a b",NULL,"NULL"}']],
    ['SELECT $1::"Role"[]', ['{}']],
  ]);
  // vecgres also takes a JS array of labels (PGlite sends one of a type it does not know as
  // String(array), which array_in refuses).
  assert.deepEqual((await db.query('SELECT id FROM users WHERE ms[1] = ANY($1) ORDER BY id', [['ok', 'happy']])).rows, [{ id: 2 }, { id: 3 }]);
  assert.deepEqual((await db.query('SELECT $1::mood[] AS m', [[['sad', null], ['a b', 'NULL']]])).rows, [{ m: '{{sad,NULL},{"a b","NULL"}}' }]);
  await assert.rejects(db.query('SELECT id FROM users WHERE ms[1] = ANY($1)', [['nope']]), { code: '22P02', message: 'invalid input value for enum mood: "nope"' });
});

test('enum arrays: writes, defaults, constraints and the catalog', async () => {
  await both(`CREATE TABLE tagged (id serial PRIMARY KEY, tags mood[] DEFAULT '{ok}' CHECK (cardinality(tags) < 4), role "Role"[])`);
  await checkAll('enum array writes', [
    "INSERT INTO tagged (tags, role) VALUES ('{sad}', '{ADMIN}') RETURNING *",
    "INSERT INTO tagged (role) VALUES (ARRAY['USER', 'ADMIN']::\"Role\"[]) RETURNING *",
    "INSERT INTO tagged (tags) VALUES (ARRAY['ok'::mood, 'happy']) RETURNING tags",
    "INSERT INTO tagged (tags) VALUES ('{sad,sad,sad,sad}')",
    "INSERT INTO tagged (tags) VALUES ('{nope}')",
    "INSERT INTO tagged (tags) VALUES ('{ADMIN}'::\"Role\"[])",
    "INSERT INTO tagged (tags) VALUES ('{ok}'::text[])",
    ["INSERT INTO tagged (tags, role) VALUES ($1, $2) RETURNING *", ['{happy,"a b"}', '{USER}']],
    ["INSERT INTO tagged (tags) VALUES ($1) RETURNING tags", ['{sad,"a b"}']],
    "UPDATE tagged SET tags = tags || 'happy'::mood WHERE id = 1 RETURNING tags",
    "UPDATE tagged SET tags[2] = 'sad' WHERE id = 2 RETURNING tags",
    "UPDATE tagged SET role = array_append(role, 'USER') WHERE role IS NOT NULL RETURNING id, role",
    'SELECT * FROM tagged ORDER BY id',
    "DELETE FROM tagged WHERE 'sad' = ANY(tags) RETURNING id",
    "SELECT column_name, data_type, udt_schema, udt_name, column_default FROM information_schema.columns WHERE table_name IN ('users', 'tagged') ORDER BY table_name, ordinal_position",
    "SELECT a.attname, a.atttypid::regtype, format_type(a.atttypid, a.atttypmod), a.attlen, a.attndims FROM pg_attribute a WHERE a.attrelid = 'tagged'::regclass AND a.attnum > 0 ORDER BY a.attnum",
    "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d WHERE d.adrelid = 'tagged'::regclass ORDER BY d.adnum",
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'tagged'::regclass ORDER BY conname",
    "ALTER TABLE tagged ADD COLUMN more mood[] DEFAULT '{happy}'",
    'SELECT id, more FROM tagged ORDER BY id',
    "CREATE TABLE other_arrays (x mood[][], y \"Role\"[3])",
    "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'other_arrays'::regclass AND attnum > 0 ORDER BY attnum",
  ]);
});

test('enum arrays: ALTER TYPE and DROP TYPE over array columns', async () => {
  await both(`CREATE TYPE phase AS ENUM ('a', 'b', 'c');
    CREATE TABLE phased (id int, ps phase[]);
    INSERT INTO phased VALUES (1, '{c,a}'), (2, '{b}'), (3, '{a,c}')`);
  await checkAll('enum arrays after ALTER TYPE', [
    "ALTER TYPE phase RENAME VALUE 'a' TO 'z'",
    "ALTER TYPE phase ADD VALUE 'first' BEFORE 'z'",
    'SELECT * FROM phased ORDER BY ps, id',
    "SELECT id FROM phased WHERE ps @> '{z}' ORDER BY id",
    'ALTER TYPE phase RENAME TO stage',
    "SELECT ps, pg_typeof(ps), '{b}'::stage[] FROM phased ORDER BY id",
    "SELECT format_type(atttypid, -1) FROM pg_attribute WHERE attrelid = 'phased'::regclass AND attname = 'ps'",
    "SELECT '{b}'::phase[]",
    'DROP TYPE stage',
    'SELECT count(*) FROM phased',
  ]);
  await both('DROP TABLE phased');
  await same('DROP TYPE stage');
});

test('enum arrays: COPY in text, CSV and binary', async () => {
  await both(`CREATE TABLE copied (id int, ms mood[], roles "Role"[]);
    INSERT INTO copied VALUES (1, '{"a b",NULL,sad}', '{ADMIN}'), (2, NULL, '{}'), (3, '{{ok,happy},{sad,NULL}}', '{USER,ADMIN}')`);
  await checkCopyRoundTrip({ db, oracle, same }, 'copied', 'SELECT ms, roles, count(*) FROM copied GROUP BY ms, roles ORDER BY ms, roles', '4\t{purple}\t{}\n');
});

test('enum_range, enum_first and enum_last', async () => {
  await checkAll('enum_range', [
    "SELECT enum_range(NULL::mood) a, enum_range('ok'::mood, NULL) b, enum_range(NULL, 'ok'::mood) c, enum_range('sad'::mood, 'happy'::mood) d, enum_range('happy'::mood, 'sad'::mood) e, enum_range(NULL::mood, NULL) f, enum_range('ok'::mood, 'ok'::mood) g",
    'SELECT enum_range(NULL::e0), enum_range(NULL::e0, NULL), enum_range(NULL::"Role")',
    "SELECT enum_first(NULL::mood), enum_last('ok'::mood), enum_first('x'::\"Role\")",
    "SELECT enum_first(NULL::mood), enum_last(NULL::\"Role\"), pg_typeof(enum_range(NULL::mood)), pg_typeof(enum_first(NULL::mood))",
    "SELECT m, m = enum_first(m), m = enum_last(NULL::mood) FROM unnest(enum_range(NULL::mood)) m",
    "SELECT x FROM unnest(enum_range(NULL::mood)) x WHERE x > 'sad' ORDER BY x DESC",
    "SELECT enum_range(m, NULL) FROM unnest('{sad,happy}'::mood[]) m",
    'SELECT enum_first(NULL::e0)',
    'SELECT enum_last(NULL::e0)',
    'SELECT enum_range(NULL)',
    'SELECT enum_range(NULL, NULL)',
    "SELECT enum_range('ok')",
    'SELECT enum_range(1)',
    'SELECT enum_first(NULL)',
    'SELECT enum_first(NULL::text)',
    'SELECT enum_first(NULL::mood[])',
    'SELECT enum_first(NULL::mood, NULL::mood)',
    "SELECT enum_range('ok'::mood, 'x')",
    "SELECT enum_range('ok'::mood, NULL::\"Role\")",
    'SELECT enum_range(NULL::mood, NULL::mood, NULL::mood)',
  ]);
  // A label the transaction added itself is unsafe to use until it commits (55P04), in a range too.
  await both(`BEGIN; ALTER TYPE mood ADD VALUE 'new' BEFORE 'ok'`);
  await checkAll('enum_range with a new label', [
    "SELECT enum_range(NULL::mood, 'sad')",
    'SELECT enum_range(NULL::mood)',
  ]);
  await both('ROLLBACK');
  await both(`BEGIN; ALTER TYPE mood ADD VALUE 'newest'`);
  await checkAll('enum_last with a new label', ['SELECT enum_first(NULL::mood)', 'SELECT enum_last(NULL::mood)', "SELECT '{newest}'::mood[]"]);
  await both('ROLLBACK');
  await checkAll('enum_range after the rollback', ['SELECT enum_range(NULL::mood)']);
});

// Last of the comparisons: a table rewrite takes oids in PostgreSQL that vecgres does not.
test('enum arrays: ALTER COLUMN TYPE to and from them, B-tree and GIN indexes', async () => {
  await both(`CREATE TABLE indexed (id int, tags text[], ms mood[], m mood);
    INSERT INTO indexed SELECT i, ARRAY['ok'], ARRAY[(enum_range(NULL::mood))[1 + i % 3], (enum_range(NULL::mood))[1 + (i / 3) % 3]], 'ok' FROM generate_series(1, 30) i;
    INSERT INTO indexed VALUES (31, '{sad,ok}', '{}', NULL), (32, NULL, NULL, 'sad'), (33, '{}', '{NULL}', 'happy')`);
  await checkAll('enum arrays in ALTER COLUMN TYPE and indexes', [
    'ALTER TABLE indexed ALTER COLUMN tags TYPE mood[]',
    'ALTER TABLE indexed ALTER COLUMN tags TYPE mood[] USING tags::mood[]',
    'ALTER TABLE indexed ALTER COLUMN m TYPE mood[] USING ARRAY[m]',
    "SELECT id, tags, m, pg_typeof(tags) FROM indexed WHERE id > 29 ORDER BY id",
    'CREATE INDEX indexed_ms ON indexed (ms)',
    'CREATE INDEX indexed_gin ON indexed USING gin (ms)',
    'SET enable_seqscan = off',
    "EXPLAIN (COSTS OFF) SELECT id FROM indexed WHERE ms = '{happy,sad}'",
    "SELECT id FROM indexed WHERE ms = '{happy,sad}' ORDER BY id",
    'SELECT id, ms FROM indexed ORDER BY ms, id LIMIT 6',
    "EXPLAIN (COSTS OFF) SELECT id FROM indexed WHERE ms @> '{happy}'",
    "SELECT count(*) FROM indexed WHERE ms @> '{happy}'",
    "SELECT count(*) FROM indexed WHERE ms && '{happy,ok}'",
    "SELECT array_agg(id ORDER BY id) FROM indexed WHERE ms <@ '{sad}'",
    "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine'",
    "SELECT array_agg(id ORDER BY id) FROM indexed WHERE ms @> '{fine,sad}'",
    "INSERT INTO indexed (id, ms) VALUES (40, '{fine}')",
    "SELECT array_agg(id ORDER BY id) FROM indexed WHERE ms = '{fine}'",
    "ALTER TYPE mood RENAME VALUE 'fine' TO 'ok'",
    'RESET enable_seqscan',
    'ALTER TABLE indexed ALTER COLUMN tags TYPE text[]',
    'SELECT id, tags FROM indexed WHERE id > 29 ORDER BY id',
  ]);
});

test('enum arrays survive a reopen and a crash, and renames made after the rows', async () => {
  for (const checkpoint of [false, true]) {
    const fs = new FaultyFs(new MemoryFs(), { seed: 11 });
    const open = () => Vecgres.create('db', { storage: fs, walSegmentBytes: 4096 });
    let v = await open();
    await v.exec(`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
      CREATE TABLE t (id int PRIMARY KEY, ms mood[] NOT NULL DEFAULT '{ok}');
      INSERT INTO t VALUES (1, '{happy,sad}'), (2, '{sad}'), (3, DEFAULT), (4, '{{ok,NULL},{sad,happy}}');`);
    if (checkpoint) await v.exec('CHECKPOINT');
    await v.exec("ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok'");
    await v.exec(`INSERT INTO t VALUES (5, ARRAY['meh'::mood, 'sad']);
      UPDATE t SET ms = ms || 'happy'::mood WHERE id = 3`);
    const q = "SELECT id, ms, ms::text AS mt, pg_typeof(ms)::text AS ty FROM t WHERE ms @> '{sad}' OR id = 3 ORDER BY ms, id";
    const committed = (await v.query(q)).rows;
    await v.exec(`BEGIN; ALTER TYPE mood RENAME VALUE 'ok' TO 'fine'; INSERT INTO t VALUES (6, '{sad}')`);
    v.database.abandon();
    fs.powerCut();
    v = await open();
    assert.deepEqual((await v.query(q)).rows, committed, `checkpoint: ${checkpoint}`);
    // The values read back are the database's own: a rename reaches them inside the arrays.
    await v.exec("ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'; ALTER TYPE mood RENAME TO feeling");
    const renamed = "SELECT string_agg(ms::text, ';' ORDER BY ms, id) AS s, string_agg(DISTINCT pg_typeof(ms)::text, ',') AS t FROM t";
    assert.deepEqual((await v.query(renamed)).rows, [{ s: '{blue};{meh,blue};{ok,happy};{{ok,NULL},{blue,happy}};{happy,blue}', t: 'feeling[]' }]);
    assert.deepEqual((await v.query("SELECT id FROM t WHERE ms @> '{blue}' ORDER BY id")).rows, [{ id: 1 }, { id: 2 }, { id: 4 }, { id: 5 }]);
    await v.exec('CHECKPOINT');
    await v.close();
    v = await open();
    assert.deepEqual((await v.query("SELECT ms FROM t WHERE id = 4")).rows, [{ ms: '{{ok,NULL},{blue,happy}}' }]);
    await v.close();
  }
});
