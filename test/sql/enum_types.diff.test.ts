/**
 * Enum types (CREATE TYPE ... AS ENUM, ALTER TYPE, DROP TYPE) against PGlite: the statements
 * and their errors, pg_type and pg_enum (oids, sort orders of values added BEFORE / AFTER),
 * transactions that roll them back, and a data directory reopened or recovered after a crash.
 * Columns and values of enum types are tested in enum_columns.diff.test.ts; arrays of them
 * are 0A000 in vecgres.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { openSqlPair } from '../support/sql_pair.js';

const { db, same, both } = await openSqlPair();

/** Runs each statement on both sides in turn; they must agree on every one. */
async function sameAll(sqls: readonly string[]): Promise<void> {
  for (const sql of sqls) await same(sql);
}

// pg_type's "char" and regproc columns are text in vecgres: compared as text.
const CATALOG = [
  `SELECT t.oid, t.typname, t.typnamespace, t.typlen, t.typbyval, t.typtype::text, t.typcategory::text, t.typelem, t.typarray,
     t.typinput::text, t.typoutput::text, t.typreceive::text, t.typsend::text, t.typalign::text, t.typstorage::text, t.typcollation
   FROM pg_type t WHERE t.typtype = 'e' OR t.typelem IN (SELECT oid FROM pg_type WHERE typtype = 'e') ORDER BY t.oid`,
  'SELECT oid, enumtypid, enumsortorder, enumlabel FROM pg_enum ORDER BY enumtypid, enumsortorder',
];

test('enum types: CREATE TYPE, pg_type and pg_enum rows with PostgreSQL oids', async () => {
  await both('CREATE TABLE before_types (id int)');
  await same("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
  await same("CREATE TYPE public.status AS ENUM ('draft', 'published', 'archived')");
  await same('CREATE TYPE empty_enum AS ENUM ()');
  await sameAll(CATALOG);
  // Later objects take the oids after the enums' (table oids follow PostgreSQL's counter).
  await both('CREATE TABLE after_types (id int)');
  await same("SELECT relname, oid FROM pg_class WHERE relname IN ('before_types', 'after_types') ORDER BY 1");
});

test('enum types: CREATE TYPE errors change nothing', async () => {
  await sameAll([
    "CREATE TYPE mood AS ENUM ('x')",
    "CREATE TYPE before_types AS ENUM ('x')",
    "CREATE TYPE dup AS ENUM ('x', 'y', 'x')",
    `CREATE TYPE long_label AS ENUM ('${'a'.repeat(64)}')`,
    "CREATE TYPE nope.e AS ENUM ('a')",
    'CREATE TABLE mood (a int)',
    'CREATE SEQUENCE mood',
  ]);
  await sameAll(CATALOG);
  // 63 bytes is the longest label.
  await same(`CREATE TYPE long_ok AS ENUM ('${'b'.repeat(63)}', '')`);
  await same('DROP TYPE long_ok');
  // Types live in public: in a schema of CREATE SCHEMA one is 0A000 (PostgreSQL creates it),
  // not the 3F000 of a missing schema.
  await both('CREATE SCHEMA enum_elsewhere');
  await assert.rejects(db.query("CREATE TYPE enum_elsewhere.e AS ENUM ('a')"), (e: { code: string; message: string }) => {
    assert.equal(e.code, '0A000');
    assert.match(e.message, /schema other than public/);
    return true;
  });
  await both('DROP SCHEMA enum_elsewhere');
});

test('enum types: ALTER TYPE ADD VALUE places values by sort order', async () => {
  await sameAll([
    "ALTER TYPE mood ADD VALUE 'ecstatic'",
    "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok'",
    "ALTER TYPE mood ADD VALUE 'fine' AFTER 'meh'",
    "ALTER TYPE mood ADD VALUE 'miserable' BEFORE 'sad'",
    "ALTER TYPE mood ADD VALUE 'glad' AFTER 'happy'",
    "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok'",
    "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'calm' AFTER 'fine'",
  ]);
  await sameAll(CATALOG);
  // Many values between the same two: float4 runs out of midpoints and the labels are renumbered.
  for (let i = 0; i < 30; i++) await same(`ALTER TYPE status ADD VALUE 'v${i}' BEFORE 'published'`);
  for (let i = 0; i < 30; i++) await same(`ALTER TYPE status ADD VALUE 'w${i}' AFTER '${i === 0 ? 'draft' : `w${i - 1}`}'`);
  for (let i = 0; i < 12; i++) await same(`ALTER TYPE status ADD VALUE 'x${i}' ${i % 2 === 0 ? 'BEFORE' : 'AFTER'} 'v${29 - i}'`);
  await sameAll(CATALOG);
});

test('enum types: ALTER TYPE errors', async () => {
  await sameAll([
    "ALTER TYPE mood ADD VALUE 'ok'",
    "ALTER TYPE mood ADD VALUE 'x' BEFORE 'nope'",
    "ALTER TYPE mood ADD VALUE 'x' AFTER 'nope'",
    `ALTER TYPE mood ADD VALUE '${'c'.repeat(64)}'`,
    "ALTER TYPE mood RENAME VALUE 'nope' TO 'y'",
    "ALTER TYPE mood RENAME VALUE 'sad' TO 'ok'",
    "ALTER TYPE nosuch ADD VALUE 'x'",
    'ALTER TYPE nosuch RENAME TO y',
    'ALTER TYPE mood RENAME TO before_types',
    'ALTER TYPE mood RENAME TO status',
    "ALTER TYPE before_types ADD VALUE 'x'",
    "ALTER TYPE int4 ADD VALUE 'x'",
    'ALTER TYPE before_types RENAME TO zz',
  ]);
  await sameAll(CATALOG);
});

test('enum types: RENAME VALUE and RENAME TO keep oids and order', async () => {
  await sameAll([
    "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'",
    'ALTER TYPE mood RENAME TO feeling',
    "ALTER TYPE feeling ADD VALUE 'new' BEFORE 'blue'",
  ]);
  await sameAll(CATALOG);
  await same("ALTER TYPE mood ADD VALUE 'x'");
});

test('enum types: ALTER TYPE ... OWNER TO the one user changes nothing, as pg_dump writes it', async () => {
  await sameAll([
    'ALTER TYPE public.feeling OWNER TO postgres',
    'ALTER TYPE feeling OWNER TO CURRENT_USER',
    'ALTER TYPE pg_catalog.int4 OWNER TO SESSION_USER',
    'ALTER TYPE feeling OWNER TO someone',
    'ALTER TYPE nosuch OWNER TO someone',
    'ALTER TYPE nosuch OWNER TO postgres',
    'ALTER TYPE feeling OWNER TO public',
    'ALTER TYPE before_types OWNER TO postgres',
    'ALTER TYPE nope.feeling OWNER TO postgres',
  ]);
});

test('enum types: COMMENT ON TYPE, in pg_description and obj_description', async () => {
  const comments = `SELECT objoid::regtype::text, classoid::regclass::text, objsubid, description FROM pg_description
    WHERE classoid = 'pg_type'::regclass AND objoid >= 16384 ORDER BY 1`;
  await sameAll([
    "COMMENT ON TYPE feeling IS 'how one feels'",
    "COMMENT ON TYPE public.status IS 'a document''s state'",
    "COMMENT ON TYPE nosuch IS 'x'",
    "COMMENT ON TYPE nope.feeling IS 'x'",
    comments,
    "SELECT obj_description('feeling'::regtype, 'pg_type'), obj_description('feeling[]'::regtype, 'pg_type'), obj_description('vector'::regtype, 'pg_type')",
    'BEGIN',
    'COMMENT ON TYPE feeling IS NULL',
    comments,
    'ROLLBACK',
    "COMMENT ON TYPE status IS ''",
    comments,
  ]);
});

test('enum types: DROP TYPE', async () => {
  await sameAll([
    'DROP TYPE nosuch',
    'DROP TYPE IF EXISTS nosuch',
    'DROP TYPE feeling, nosuch',
    'DROP TYPE before_types',
    'DROP TYPE int4',
    'DROP TYPE IF EXISTS empty_enum, nosuch',
  ]);
  await sameAll(CATALOG);
  await same('DROP TYPE feeling RESTRICT');
  await same('DROP TYPE public.status CASCADE');
  await sameAll(CATALOG);
});

test('enum types: DDL in transactions is undone by ROLLBACK and ROLLBACK TO SAVEPOINT', async () => {
  await both("CREATE TYPE kept AS ENUM ('a', 'b')");
  await sameAll([
    'BEGIN',
    "CREATE TYPE gone AS ENUM ('x')",
    "ALTER TYPE kept ADD VALUE 'c' BEFORE 'a'",
    'ALTER TYPE kept RENAME TO kept2',
    CATALOG[0]!,
    'ROLLBACK',
    'BEGIN',
    'SAVEPOINT s',
    'DROP TYPE kept',
    "CREATE TYPE kept AS ENUM ('other')",
    'ROLLBACK TO SAVEPOINT s',
    "ALTER TYPE kept RENAME VALUE 'a' TO 'aa'",
    'COMMIT',
    'BEGIN',
    "CREATE TYPE failed AS ENUM ('x')",
    "ALTER TYPE kept ADD VALUE 'b'",
    'COMMIT',
  ]);
  await sameAll(CATALOG);
});

test('enum types: regtype input and output, to_regtype and format_type name them', async () => {
  await both(`CREATE TYPE "Mixed Case" AS ENUM ('x')`);
  await sameAll([
    `SELECT 'kept'::regtype, 'kept[]'::regtype, 'public.kept'::regtype::oid, '"Mixed Case"'::regtype::text, 'kept'::regtype::oid::regtype`,
    "SELECT to_regtype('kept'), to_regtype('_kept'), to_regtype('nosuch'), to_regtype('public.kept[]')",
    "SELECT 'nosuch'::regtype",
    `SELECT t.typname, format_type(t.oid, NULL), format_type(t.oid, -1), format_type(t.oid, 4), t.oid::regtype::text, t.oid::regtype
     FROM pg_type t WHERE t.typtype = 'e' OR t.typelem IN (SELECT oid FROM pg_type WHERE typtype = 'e') ORDER BY t.oid`,
    `SELECT e.enumlabel, t.typname, n.nspname FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
     JOIN pg_namespace n ON n.oid = t.typnamespace ORDER BY t.typname, e.enumsortorder`,
  ]);
  await both(`CREATE TABLE type_refs (t regtype)`);
  await same(`INSERT INTO type_refs VALUES ('"Mixed Case"'), ('kept[]'), ('int4') RETURNING t, t::oid`);
  await same('COPY type_refs TO STDOUT');
  await same(`DROP TYPE "Mixed Case"`);
  await same('SELECT t FROM type_refs ORDER BY t::oid');
  await both('DROP TABLE type_refs');
});

test("enum types: a table's row type takes its name; psql's \\dT lists them", async () => {
  await both('CREATE TABLE renamed_t (a int); CREATE SEQUENCE renamed_s');
  await sameAll([
    'ALTER TABLE renamed_t RENAME TO kept',
    'ALTER SEQUENCE renamed_s RENAME TO kept',
    'CREATE TABLE IF NOT EXISTS kept (a int)',
    "SELECT pg_type_is_visible(23), pg_type_is_visible(1), pg_type_is_visible('kept'::regtype), pg_type_is_visible('kept[]'::regtype), pg_type_is_visible(NULL)",
    // psql 16's \dT
    `SELECT n.nspname as "Schema", pg_catalog.format_type(t.oid, NULL) AS "Name",
       pg_catalog.obj_description(t.oid, 'pg_type') as "Description"
     FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
     WHERE (t.typrelid = 0 OR (SELECT c.relkind = 'c' FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid))
       AND NOT EXISTS(SELECT 1 FROM pg_catalog.pg_type el WHERE el.oid = t.typelem AND el.typarray = t.oid)
       AND n.nspname <> 'pg_catalog' AND n.nspname <> 'information_schema' AND pg_catalog.pg_type_is_visible(t.oid)
     ORDER BY 1, 2`,
  ]);
  await both('DROP TABLE renamed_t; DROP SEQUENCE kept');
});

test("enum types: a view's row type takes its name as a table's does", async () => {
  await both("CREATE VIEW rowtype_v AS SELECT 1 AS a; CREATE TYPE rowtype_e AS ENUM ('a')");
  await sameAll([
    "CREATE TYPE rowtype_v AS ENUM ('x')",
    'CREATE VIEW rowtype_e AS SELECT 1 AS a',
    'CREATE OR REPLACE VIEW rowtype_e AS SELECT 1 AS a',
    'ALTER VIEW rowtype_v RENAME TO rowtype_e',
    'ALTER TABLE rowtype_v RENAME TO rowtype_e',
    'ALTER TYPE rowtype_e RENAME TO rowtype_v',
    'DROP TYPE rowtype_v',
    'DROP TYPE IF EXISTS rowtype_v',
    "ALTER TYPE rowtype_v ADD VALUE 'z'",
    "ALTER TYPE rowtype_v RENAME VALUE 'a' TO 'b'",
    'ALTER TYPE rowtype_v OWNER TO postgres',
    'ALTER TYPE rowtype_v RENAME TO rowtype_w',
    "SELECT relname, relkind::text FROM pg_class WHERE relname LIKE 'rowtype%' ORDER BY 1",
    ...CATALOG,
  ]);
  // A dropped view's name is free for a type, and the other way round.
  await same('DROP VIEW rowtype_v');
  await same("CREATE TYPE rowtype_v AS ENUM ('x')");
  await same('DROP TYPE rowtype_e');
  await same('CREATE VIEW rowtype_e AS SELECT 1 AS a');
  await sameAll(CATALOG);
  await both('DROP VIEW rowtype_e; DROP TYPE rowtype_v');
});

test("enum types: another session does not see an uncommitted CREATE TYPE, and waits on its name", async () => {
  // vecgres only (PostgreSQL's side would block): it takes oids the oracle does not, so it
  // runs after the tests that compare oids.
  const a = await db.connect();
  const b = await db.connect();
  try {
    await a.exec("BEGIN; CREATE TYPE pending AS ENUM ('p')");
    const seen = "SELECT count(*)::int AS n FROM pg_type WHERE typname IN ('pending', '_pending')";
    assert.deepEqual((await a.query(seen)).rows, [{ n: 2 }]);
    assert.deepEqual((await b.query(seen)).rows, [{ n: 0 }]);
    assert.deepEqual((await b.query("SELECT to_regtype('pending') AS t")).rows, [{ t: null }]);
    await assert.rejects(b.query("ALTER TYPE pending ADD VALUE 'q'"), { code: '42704' });
    await assert.rejects(b.query('DROP TYPE pending'), { code: '42704' });
    // PostgreSQL waits for the creator here; vecgres refuses at once.
    await assert.rejects(b.query("CREATE TYPE pending AS ENUM ('other')"), { code: '55P03', message: 'could not obtain lock on type "pending"' });
    await a.exec('COMMIT');
    assert.deepEqual((await b.query(seen)).rows, [{ n: 2 }]);
    await b.exec('DROP TYPE pending');
    // A rollback puts back only its own types: others' DDL in between stays.
    const names = "SELECT string_agg(typname, ',' ORDER BY oid) AS n FROM pg_type WHERE typtype = 'e'";
    await b.exec('CREATE TYPE b_gone AS ENUM ()');
    const start = (await b.query<{ n: string }>(names)).rows[0]!.n;
    await a.exec("BEGIN; ALTER TYPE kept ADD VALUE 'rolled' BEFORE 'aa'; ALTER TYPE kept RENAME TO kept_renamed; CREATE TYPE a_new AS ENUM ()");
    await b.exec("CREATE TYPE b_new AS ENUM ('b'); DROP TYPE b_gone");
    await a.exec('ROLLBACK');
    assert.deepEqual((await b.query(names)).rows, [{ n: `${start.replace(/,?b_gone/, '')},b_new` }]);
    assert.deepEqual((await b.query("SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) AS l FROM pg_enum WHERE enumtypid = 'kept'::regtype")).rows, [{ l: 'aa,b' }]);
  } finally {
    await a.release();
    await b.release();
  }
});

test('enum types: an array type of one reads its labels', async () => {
  // vecgres only: the test before changed the labels on this side alone.
  assert.deepEqual((await db.query("SELECT '{b,aa}'::kept[] AS k, pg_typeof('{}'::kept[]) AS t")).rows, [{ k: '{b,aa}', t: 'kept[]' }]);
  await assert.rejects(db.query("SELECT '{a}'::kept[]"), { code: '22P02', message: 'invalid input value for enum kept: "a"' });
});

const CATALOG_ONLY = [
  ...CATALOG,
  "SELECT objoid, description FROM pg_description WHERE classoid = 'pg_type'::regclass ORDER BY 1",
  // Views' redo records sit beside the types' in the log: both kinds replay.
  "SELECT c.oid, c.relname, pg_get_viewdef(c.oid) FROM pg_class c WHERE c.relkind = 'v' ORDER BY 1",
];

async function snapshot(v: Vecgres): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const q of CATALOG_ONLY) out.push((await v.query(q)).rows);
  return out;
}

test('enum types survive a clean reopen and a crash, with and without a checkpoint', async () => {
  for (const checkpoint of [false, true]) {
    const fs = new FaultyFs(new MemoryFs(), { seed: 5 });
    const open = () => Vecgres.create('db', { storage: fs, walSegmentBytes: 4096 });
    let v = await open();
    await v.exec(`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
      CREATE TYPE gone AS ENUM ('x');
      ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';
      ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
      CREATE VIEW v1 AS SELECT 1 AS a;
      DROP TYPE gone;`);
    if (checkpoint) await v.exec('CHECKPOINT');
    await v.exec(`ALTER TYPE mood RENAME TO feeling; CREATE VIEW v2 AS SELECT 2 AS b; CREATE TYPE later AS ENUM ('p', 'q');
      ALTER VIEW v1 RENAME TO v1_renamed; COMMENT ON TYPE later IS 'kept'`);
    // A savepoint's DDL undone inside a committed block replays as undone.
    await v.exec(`BEGIN; SAVEPOINT s; CREATE TYPE undone AS ENUM ('u'); ALTER TYPE later ADD VALUE 'o' BEFORE 'p';
      ROLLBACK TO SAVEPOINT s; ALTER TYPE later ADD VALUE 'm' AFTER 'p'; COMMIT`);
    const committed = await snapshot(v);
    // Uncommitted at the crash: undone by recovery.
    await v.exec(`BEGIN; CREATE TYPE open_txn AS ENUM ('z'); CREATE VIEW open_v AS SELECT 3 AS c; ALTER TYPE later ADD VALUE 'r'; DROP VIEW v2`);
    v.database.abandon();
    fs.powerCut();
    v = await open();
    assert.deepEqual(await snapshot(v), committed, `checkpoint: ${checkpoint}`);
    // The oid counter went past the types' oids: a new type does not reuse one.
    await v.exec("CREATE TYPE fresh AS ENUM ('n')");
    const oids = (await v.query<{ oid: number }>('SELECT oid FROM pg_enum UNION ALL SELECT oid FROM pg_type WHERE typnamespace = 2200')).rows.map((r) => r.oid);
    assert.equal(new Set(oids).size, oids.length);
    await v.close();
    v = await open();
    assert.deepEqual((await v.query("SELECT enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'fresh'")).rows, [{ enumlabel: 'n' }]);
    await v.close();
  }
});
