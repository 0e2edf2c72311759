/**
 * Columns and values of enum types against PGlite: input and output, comparison by sort
 * order (not by label), ORDER BY / GROUP BY / DISTINCT / joins, casts, min / max, defaults and
 * constraints, indexes, ALTER TYPE on a type in use (labels renamed and added between others
 * change the stored rows' output and order), DROP TYPE's dependency check, COPY and the
 * catalog's view of the columns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { openSqlPair } from '../support/sql_pair.js';
import { checkCopyRoundTrip } from '../support/copy_round_trip.js';

const { db, oracle, same, both, checkAll } = await openSqlPair();

test('enum columns: input, output, comparison and ordering by sort order', async () => {
  await both(`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
    CREATE TYPE "Status" AS ENUM ('PENDING', 'DONE', 'a b');
    CREATE TABLE people (id int PRIMARY KEY, name text, m mood, s "Status" NOT NULL DEFAULT 'PENDING');
    INSERT INTO people VALUES (1, 'a', 'happy', 'DONE'), (2, 'b', 'sad', DEFAULT), (3, 'c', 'ok', 'a b'), (4, 'd', NULL, 'PENDING'), (5, 'e', 'happy', 'DONE')`);
  await checkAll('enum values', [
    'SELECT * FROM people ORDER BY id',
    'SELECT * FROM people ORDER BY m, id',
    'SELECT * FROM people ORDER BY m DESC NULLS LAST, id',
    'SELECT * FROM people ORDER BY s DESC, id',
    "SELECT id FROM people WHERE m = 'happy' ORDER BY id",
    "SELECT id FROM people WHERE m <> 'happy' ORDER BY id",
    "SELECT id FROM people WHERE m > 'sad' ORDER BY id",
    "SELECT id FROM people WHERE m <= 'ok' ORDER BY id",
    "SELECT id FROM people WHERE m BETWEEN 'sad' AND 'ok' ORDER BY id",
    "SELECT id FROM people WHERE m IN ('sad', 'happy') ORDER BY id",
    "SELECT id FROM people WHERE m NOT IN ('sad') ORDER BY id",
    "SELECT id FROM people WHERE s = 'a b'",
    'SELECT m, count(*) FROM people GROUP BY m ORDER BY m',
    'SELECT DISTINCT m FROM people ORDER BY 1',
    'SELECT DISTINCT s FROM people ORDER BY 1 DESC',
    'SELECT min(m), max(m), min(s), max(s) FROM people',
    'SELECT count(DISTINCT m) FROM people',
    'SELECT m::text, m::varchar(2), s::text, length(m::text) FROM people ORDER BY id',
    "SELECT m || '!', 'x' || s FROM people ORDER BY id",
    "SELECT 'ok'::mood, 'ok'::mood < 'happy'::mood, 'sad'::mood > 'happy', CAST('DONE' AS \"Status\")",
    "SELECT 'happy'::text::mood, ('o' || 'k')::mood",
    "SELECT 'nope'::mood",
    "SELECT ''::mood",
    "SELECT 'ok '::mood",
    "SELECT 'OK'::mood",
    "SELECT id FROM people WHERE m = 'nope'",
    "SELECT m = 1 FROM people",
    "SELECT m = 'ok'::text FROM people",
    "SELECT m = s FROM people",
    "SELECT m + 1 FROM people",
    "SELECT 1::mood",
    "SELECT m::int FROM people",
    "SELECT 'ok'::mood(2)",
    "SELECT CASE WHEN id > 2 THEN m ELSE 'ok' END FROM people ORDER BY id",
    "SELECT coalesce(m, 'sad') FROM people ORDER BY id",
    "SELECT greatest(m, 'ok'), least(m, 'ok') FROM people ORDER BY id",
    "SELECT nullif(m, 'happy') FROM people ORDER BY id",
    "SELECT CASE WHEN id > 2 THEN m ELSE 'ok'::text END FROM people",
    "SELECT m FROM people UNION SELECT 'ok' ORDER BY 1",
    "SELECT m FROM people UNION ALL SELECT 'sad'::mood ORDER BY 1",
    "SELECT m FROM people INTERSECT SELECT 'happy' ORDER BY 1",
    "SELECT m FROM people UNION SELECT 'zz' ORDER BY 1",
    'SELECT pg_typeof(m), pg_typeof(s) FROM people LIMIT 1',
    "SELECT a.id, b.id FROM people a JOIN people b ON a.m = b.m AND a.id < b.id ORDER BY 1, 2",
    "SELECT a.id, b.id FROM people a JOIN people b ON a.m < b.m ORDER BY 1, 2",
    'SELECT id, rank() OVER (ORDER BY m) FROM people ORDER BY id',
    'SELECT id, first_value(id) OVER (PARTITION BY m ORDER BY id) FROM people ORDER BY id',
    "SELECT to_jsonb(m), to_json(s), jsonb_build_object('m', m) FROM people ORDER BY id",
    "SELECT format('%s-%s', m, s), concat(m, s) FROM people ORDER BY id",
    "SELECT string_agg(m::text, ',' ORDER BY m) FROM people",
    "SELECT m IS NULL, m IS DISTINCT FROM 'ok' FROM people ORDER BY id",
    "SELECT (SELECT max(m) FROM people), EXISTS (SELECT 1 FROM people WHERE m = 'ok')",
    "SELECT id FROM people WHERE m = (SELECT min(m) FROM people) ORDER BY id",
    "SELECT id FROM people WHERE m IN (SELECT m FROM people WHERE id > 3) ORDER BY id",
    "SELECT count(*) FILTER (WHERE m >= 'ok') FROM people",
    "EXPLAIN (COSTS OFF) SELECT id FROM people WHERE m IN ('sad', 'happy') AND name::mood > 'sad'",
    "EXPLAIN (VERBOSE, COSTS OFF) SELECT m::text, coalesce(m, 'ok'), s FROM people WHERE s NOT IN ('DONE', 'a b')",
    "EXPLAIN (COSTS OFF) SELECT id FROM people WHERE m NOT IN ('ok', NULL)",
  ]);
});

test('enum columns: arrays of enum values over the columns', async () => {
  await checkAll('enum arrays', [
    "SELECT id FROM people WHERE s <> ALL ('{DONE}') ORDER BY id",
    'SELECT array_agg(m ORDER BY id), array_agg(DISTINCT s) FROM people',
    "SELECT ARRAY['ok'::mood], '{ok}'::mood[], ARRAY[m, 'sad'] FROM people ORDER BY id",
  ]);
});

test('enum columns: writes, defaults, constraints, upserts and parameters', async () => {
  await both(`CREATE TABLE tasks (id serial PRIMARY KEY, s "Status" NOT NULL DEFAULT 'PENDING', m mood CHECK (m <> 'sad'), UNIQUE (m))`);
  await checkAll('enum writes', [
    "INSERT INTO tasks (m) VALUES ('happy') RETURNING *",
    "INSERT INTO tasks (m, s) VALUES ('ok', 'DONE') RETURNING s, m",
    "INSERT INTO tasks (m) VALUES ('sad')",
    "INSERT INTO tasks (m) VALUES ('happy')",
    "INSERT INTO tasks (m) VALUES ('nope')",
    "INSERT INTO tasks (s) VALUES (NULL)",
    "INSERT INTO tasks (m) VALUES ('happy') ON CONFLICT (m) DO UPDATE SET s = 'a b' RETURNING id, s, m",
    "UPDATE tasks SET s = 'DONE' WHERE m = 'happy' RETURNING *",
    "UPDATE tasks SET m = 'sad' WHERE id = 1",
    "UPDATE tasks SET m = NULL WHERE s = 'DONE' RETURNING id",
    "SELECT * FROM tasks ORDER BY id",
    "DELETE FROM tasks WHERE s = 'a b' RETURNING id",
    'SELECT column_name, data_type, udt_name, column_default, is_nullable FROM information_schema.columns WHERE table_name = \'tasks\' ORDER BY ordinal_position',
    "SELECT a.attname, a.atttypid::regtype, format_type(a.atttypid, a.atttypmod), a.attlen FROM pg_attribute a WHERE a.attrelid = 'tasks'::regclass AND a.attnum > 0 ORDER BY a.attnum",
    "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d WHERE d.adrelid = 'tasks'::regclass ORDER BY d.adnum",
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'tasks'::regclass ORDER BY conname",
    ["SELECT id FROM tasks WHERE s = $1 ORDER BY id", ['DONE']],
    ["SELECT $1::mood", ['ok']],
    ["SELECT $1::mood", ['nope']],
    ["INSERT INTO tasks (m) VALUES ($1) RETURNING m", ['ok']],
  ]);
});

test('enum columns: ALTER TYPE on a type in use', async () => {
  await both(`CREATE TYPE level AS ENUM ('low', 'high');
    CREATE TABLE items (id int PRIMARY KEY, l level);
    INSERT INTO items VALUES (1, 'low'), (2, 'high'), (3, 'low')`);
  await same("ALTER TYPE level ADD VALUE 'mid' BEFORE 'high'");
  await same("INSERT INTO items VALUES (4, 'mid')");
  await same('SELECT * FROM items ORDER BY l, id');
  await same("ALTER TYPE level RENAME VALUE 'low' TO 'lowest'");
  await same('SELECT * FROM items ORDER BY l DESC, id');
  await same("SELECT id FROM items WHERE l = 'lowest' ORDER BY id");
  await same("SELECT id FROM items WHERE l = 'low'");
  // Many values between two: float4 runs out of midpoints and the labels are renumbered.
  for (let i = 0; i < 26; i++) await same(`ALTER TYPE level ADD VALUE 'v${i}' BEFORE 'high'`);
  await both("INSERT INTO items SELECT 10 + g, ('v' || g)::level FROM generate_series(0, 25) g");
  await same('SELECT id, l FROM items ORDER BY l, id');
  await both("CREATE VIEW levels AS SELECT l FROM items WHERE l > 'mid'");
  await same('ALTER TYPE level RENAME TO grade');
  await same("CREATE OR REPLACE VIEW levels AS SELECT l FROM items WHERE l > 'v3'");
  await same('SELECT * FROM levels ORDER BY l');
  await both('DROP VIEW levels');
  await same("SELECT * FROM items WHERE l > 'v20'::grade ORDER BY id");
  await same("SELECT format_type(atttypid, atttypmod), pg_typeof(l) FROM pg_attribute, items WHERE attrelid = 'items'::regclass AND attname = 'l' LIMIT 1");
  await both('CREATE VIEW grades AS SELECT l, \'high\'::grade AS h FROM items');
  await same('DROP TYPE grade');
  await both('DROP VIEW grades; CREATE VIEW consts AS SELECT \'high\'::grade AS h');
  await same('DROP TYPE grade');
  await both('DROP VIEW consts');
  // CASCADE drops the columns of the type (and what reads them).
  await same('DROP TYPE grade CASCADE');
  await same('SELECT * FROM items ORDER BY id');
  await both('DROP TABLE items');
  await same('DROP TYPE grade');
});

test('enum columns: a label added in a transaction is usable once it commits', async () => {
  await both(`CREATE TYPE phase AS ENUM ('a'); CREATE TABLE phased (p phase)`);
  await both(`BEGIN; ALTER TYPE phase ADD VALUE 'b'`);
  await same("INSERT INTO phased VALUES ('b')");
  await both('ROLLBACK');
  await both(`BEGIN; ALTER TYPE phase ADD VALUE 'c'; COMMIT`);
  await same("INSERT INTO phased VALUES ('c'), ('a') RETURNING p");
  // A type created in the same transaction may use its new labels at once.
  await both(`BEGIN; CREATE TYPE fresh_phase AS ENUM ('x'); ALTER TYPE fresh_phase ADD VALUE 'y'`);
  await same("SELECT 'y'::fresh_phase");
  await both('COMMIT');
  await same("SELECT 'b'::phase");
});

test('enum columns: B-tree indexes, unique keys and primary keys', async () => {
  await both(`CREATE TYPE color AS ENUM ('red', 'green', 'blue');
    CREATE TABLE paints (c color PRIMARY KEY, n int);
    CREATE TABLE shapes (id int PRIMARY KEY, c color, k int);
    INSERT INTO paints VALUES ('blue', 1), ('red', 2), ('green', 3);
    INSERT INTO shapes SELECT g, (ARRAY['red', 'green', 'blue'])[1 + g % 3]::color, g % 7 FROM generate_series(1, 300) g;
    CREATE INDEX shapes_c ON shapes (c);
    CREATE UNIQUE INDEX shapes_ck ON shapes (c, id);
    ANALYZE shapes`);
  await checkAll('enum indexes', [
    "INSERT INTO paints VALUES ('red', 9)",
    "INSERT INTO paints VALUES ('red', 9) ON CONFLICT (c) DO UPDATE SET n = excluded.n + paints.n RETURNING *",
    'SELECT * FROM paints ORDER BY c',
    "SELECT count(*) FROM shapes WHERE c = 'green'",
    "SELECT count(*) FROM shapes WHERE c > 'red'",
    "SELECT id FROM shapes WHERE c = 'blue' AND id < 20 ORDER BY id",
    "SELECT c, count(*) FROM shapes GROUP BY c ORDER BY c DESC",
    "SELECT id, c FROM shapes ORDER BY c, id LIMIT 5",
    "SELECT s.id, p.n FROM shapes s JOIN paints p ON p.c = s.c WHERE s.id < 6 ORDER BY s.id",
    "SELECT attname, n_distinct, most_common_vals::text, null_frac FROM pg_stats WHERE tablename = 'shapes' AND attname = 'c'",
  ]);
});

test('enum columns: COPY in text, CSV and binary', async () => {
  await both(`CREATE TABLE copied (id int, c color, s "Status");
    INSERT INTO copied VALUES (1, 'blue', 'a b'), (2, NULL, 'DONE'), (3, 'red', 'PENDING')`);
  await checkCopyRoundTrip({ db, oracle, same }, 'copied', 'SELECT c, s, count(*) FROM copied GROUP BY c, s ORDER BY c, s', '4\tpurple\tDONE\n');
});

test('enum columns survive a reopen and a crash, and renames made after the rows', async () => {
  for (const checkpoint of [false, true]) {
    const fs = new FaultyFs(new MemoryFs(), { seed: 7 });
    const open = () => Vecgres.create('db', { storage: fs, walSegmentBytes: 4096 });
    let v = await open();
    await v.exec(`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
      CREATE TABLE t (id int PRIMARY KEY, m mood NOT NULL DEFAULT 'ok');
      INSERT INTO t VALUES (1, 'happy'), (2, 'sad'), (3, DEFAULT);
      CREATE INDEX t_m ON t (m);`);
    if (checkpoint) await v.exec('CHECKPOINT');
    // One multi-statement exec is one transaction, where a new label is not usable yet (55P04).
    await v.exec("ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok'");
    await v.exec(`INSERT INTO t VALUES (4, 'meh');
      ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'; ALTER TYPE mood RENAME TO feeling;
      ALTER TABLE t ADD COLUMN n feeling DEFAULT 'happy';
      UPDATE t SET m = 'happy' WHERE id = 3`);
    const q = "SELECT id, m, n, m::text AS mt, pg_typeof(m)::text AS ty FROM t WHERE m >= 'blue' ORDER BY m, id";
    const committed = (await v.query(q)).rows;
    await v.exec(`BEGIN; ALTER TYPE feeling RENAME VALUE 'ok' TO 'fine'; INSERT INTO t VALUES (5, 'blue')`);
    v.database.abandon();
    fs.powerCut();
    v = await open();
    assert.deepEqual((await v.query(q)).rows, committed, `checkpoint: ${checkpoint}`);
    await v.exec("INSERT INTO t VALUES (6, 'ok')");
    await assert.rejects(v.query("INSERT INTO t VALUES (1, 'ok')"), { code: '23505' });
    await v.exec('CHECKPOINT');
    await v.close();
    v = await open();
    assert.deepEqual((await v.query("SELECT id FROM t WHERE m = 'ok' ORDER BY id")).rows, [{ id: 6 }]);
    assert.deepEqual((await v.query("SELECT string_agg(m::text, ',' ORDER BY m, id) AS s FROM t")).rows, [{ s: 'blue,meh,ok,happy,happy' }]);
    await v.close();
  }
});

test('DROP TYPE ... CASCADE drops the columns of the type and its array type, the views that read them, in PostgreSQL\'s order and NOTICE', async () => {
  const setup = `CREATE TYPE dmood AS ENUM ('ok', 'sad');
    CREATE TABLE dt1 (id int, m dmood, ms dmood[], x int); CREATE TABLE dt3 (a int, m dmood); CREATE INDEX ON dt3 (m);
    CREATE VIEW dv1 AS SELECT m FROM dt1; CREATE VIEW dv2 AS SELECT id FROM dt1; CREATE VIEW dv3 AS SELECT 'ok'::dmood AS c;
    INSERT INTO dt1 VALUES (1, 'ok', '{sad}', 2);
    CREATE TABLE dt4 (id int, m dmood PRIMARY KEY); CREATE TABLE dr4 (y int, x dmood REFERENCES dt4); CREATE VIEW dv5 AS SELECT * FROM dv3`;
  await both(setup);
  type Notice = { severity?: string; message?: string; detail?: string };
  const shown = (n: Notice): string => `${n.severity} ${n.message} | ${n.detail ?? ''}`;
  await both('BEGIN');
  const ours: string[] = [];
  const theirs: string[] = [];
  await db.query('DROP TYPE dmood CASCADE', [], { onNotice: (n: Notice) => ours.push(shown(n)) });
  await oracle.query('DROP TYPE dmood CASCADE', [], { onNotice: (n: Notice) => theirs.push(shown(n)) });
  assert.equal(theirs.length, 1);
  assert.deepEqual(ours, theirs);
  await checkAll('after DROP TYPE ... CASCADE', [
    "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_name LIKE 'd%' AND table_schema = 'public' ORDER BY 1, 2",
    'SELECT * FROM dt1',
    "SELECT indexname::text FROM pg_indexes WHERE tablename LIKE 'd%'",
    "SELECT conname::text FROM pg_constraint WHERE conrelid IN ('dt4'::regclass, 'dr4'::regclass) ORDER BY 1",
    'ROLLBACK',
    // Rolled back: the columns, views and rows are back.
    'SELECT * FROM dt1',
    'SELECT * FROM dv1',
    "INSERT INTO dr4 VALUES (1, 'ok')",
    // A table that would lose every column: PostgreSQL keeps it without columns, vecgres refuses (below).
    'DROP TABLE dr4',
    'DROP TYPE dmood CASCADE',
    'SELECT * FROM dt1',
  ]);
  await both(`CREATE TYPE dmood2 AS ENUM ('a'); CREATE TABLE donly (m dmood2)`);
  await assert.rejects(db.query('DROP TYPE dmood2 CASCADE'), { code: '0A000', message: 'DROP TYPE ... CASCADE that drops every column of table donly is not supported' });
});
