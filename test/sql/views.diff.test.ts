/**
 * Plain views against PGlite (PostgreSQL 18 + pgvector): CREATE [OR REPLACE] VIEW, DROP VIEW,
 * ALTER VIEW ... RENAME, views in FROM (joins, WHERE, k-NN through a view and its plan), the
 * dependency errors and CASCADE with their NOTICEs, the catalog (pg_class, pg_attribute,
 * pg_views, information_schema), views in transaction blocks. Expected values come from
 * PGlite at test time.
 *
 * Where vecgres differs on purpose the test says so and checks vecgres alone: it does not
 * write through views (PostgreSQL auto-updates simple ones; vecgres refuses with 0A000), it
 * refuses renames of what a view reads (PostgreSQL binds views by oid and follows them), and
 * pg_get_viewdef prints the query as written (with `*` written out) where PostgreSQL prints
 * its analyzed tree; that text is checked by creating a view from it on both sides.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, failureOutcome } from '../support/sql_pair.js';
import { startPglite } from '../support/pglite_start.js';

const { db, oracle, same, both, ours } = await openSqlPair();

/** The NOTICEs `sql` raises on each side (severity, SQLSTATE, message, detail) and its outcome. */
async function sameNotices(sql: string): Promise<void> {
  const want: string[] = [];
  const got: string[] = [];
  const fmt = (n: { severity?: string; code?: string; message?: string; detail?: string }): string => `${n.severity} ${n.code} ${n.message}${n.detail === undefined ? '' : ` / ${n.detail}`}`;
  const w = await oracle.query(sql, [], { onNotice: (n) => want.push(fmt(n)) }).then(() => 'ok', (e: { code?: string }) => `error ${e.code}`);
  const g = await db.query(sql, [], { onNotice: (n) => got.push(fmt(n)) }).then(() => 'ok', (e: { code?: string }) => `error ${e.code}`);
  assert.equal(g, w, sql);
  assert.deepEqual(got, want, sql);
}

const PUBLIC_VIEWS = "SELECT c.relname, c.relkind::text, c.relnatts, c.relhasrules, c.relpages, c.reltuples, c.relam FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'v' ORDER BY 1";

await both(`CREATE TABLE items (id int PRIMARY KEY, cat text, embedding vector(3));
  CREATE TABLE tags (item int, tag text);
  INSERT INTO items VALUES (1, 'a', '[1,0,0]'), (2, 'b', '[0,1,0]'), (3, 'a', '[0,0,1]'), (4, 'b', '[1,1,0]'), (5, 'a', '[1,1,1]');
  INSERT INTO tags VALUES (1, 'x'), (3, 'y'), (5, 'x')`);

test('CREATE VIEW and SELECT through it: WHERE, joins, ORDER BY, aggregates, column lists, views of views', async () => {
  await same(`CREATE VIEW va AS SELECT * FROM items WHERE cat = 'a'`);
  await same('SELECT * FROM va ORDER BY id');
  await same(`SELECT va.id, t.tag FROM va JOIN tags t ON t.item = va.id WHERE t.tag = 'x' ORDER BY 1`);
  await same('SELECT count(*), max(id) FROM va');
  await same('SELECT * FROM va v2 WHERE v2.id > 1 ORDER BY v2.id DESC LIMIT 1');
  await same('SELECT x, y FROM va AS q(x, y) ORDER BY x');
  await same('SELECT * FROM va AS q(a, b, c, d)');
  await same('CREATE VIEW vcols (n, c) AS SELECT id, cat FROM items');
  await same('SELECT * FROM vcols ORDER BY n');
  await same(`CREATE VIEW vv AS SELECT n FROM vcols WHERE c = 'b'`);
  await same('SELECT * FROM vv ORDER BY 1');
  await same('CREATE VIEW vagg AS SELECT cat, count(*) AS n FROM items GROUP BY cat');
  await same('SELECT * FROM vagg ORDER BY cat');
  await same('CREATE VIEW vjoin AS SELECT * FROM items i JOIN tags t ON t.item = i.id');
  await same('SELECT * FROM vjoin ORDER BY id');
  await same('CREATE VIEW vusing AS SELECT * FROM items i JOIN tags t ON t.item = i.id JOIN items j USING (id)');
  await same('CREATE VIEW vrec AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 4) SELECT * FROM r');
  await same('SELECT * FROM vrec');
  await same(`CREATE VIEW vunknown AS SELECT 'abc' AS s, NULL AS n, 1 + 1`);
  await same('SELECT s, n, pg_typeof(s)::text, pg_typeof(n)::text FROM vunknown');
  await same('CREATE VIEW public.vq AS SELECT id FROM public.items WHERE id < 3');
  await same('SELECT * FROM public.vq ORDER BY 1');
  // A view's names are its own: a CTE of the query using it does not capture its tables.
  await same('WITH items AS (SELECT 99 AS id) SELECT * FROM vq ORDER BY 1');
  // A column added later does not appear in a view written with `*` (expanded at CREATE VIEW).
  await same('CREATE VIEW vstar AS SELECT t.*, 1 AS one FROM tags t');
  await same('ALTER TABLE tags ADD COLUMN extra int');
  await same('SELECT * FROM vstar ORDER BY item');
  await same('ALTER TABLE tags DROP COLUMN extra');
  // `*` inside EXISTS, in a UNION, of a VALUES list, through a CTE.
  await same('CREATE VIEW vexists AS SELECT * FROM items WHERE EXISTS (SELECT * FROM tags t WHERE t.item = items.id)');
  await same('SELECT id FROM vexists ORDER BY id');
  await same('CREATE VIEW vunion AS SELECT item FROM tags UNION SELECT id + 10 FROM items');
  await same('SELECT * FROM vunion ORDER BY 1');
  await same(`CREATE VIEW vvalues AS VALUES (1, 'x'), (2, 'y')`);
  await same('SELECT * FROM vvalues');
  await same('CREATE VIEW vcte AS WITH c AS (SELECT * FROM items) SELECT id FROM c');
  await same('WITH c AS (SELECT 5 AS id) SELECT * FROM vcte, c ORDER BY 1');
  await same(PUBLIC_VIEWS);
});

test('CREATE VIEW errors', async () => {
  await same('CREATE VIEW va AS SELECT 1');
  await same('CREATE VIEW items AS SELECT 1');
  await same('CREATE TABLE va (x int)');
  await same('CREATE INDEX va ON items (id)');
  await same('CREATE SEQUENCE va');
  await same('CREATE VIEW bad (a, b, c) AS SELECT 1, 2');
  await same('CREATE VIEW bad AS SELECT id, id FROM items');
  await same('CREATE VIEW bad AS SELECT * FROM items i, items j');
  await same('CREATE VIEW bad AS SELECT nosuch FROM items');
  await same('CREATE VIEW bad AS SELECT 1 FROM nosuch');
  await same('CREATE VIEW nosuch.bad AS SELECT 1');
  await same('CREATE VIEW bad AS SELECT $1');
  await same(`SELECT count(*) FROM pg_class WHERE relname = 'bad'`);
  // PostgreSQL has these; vecgres refuses them by name.
  for (const [sql, message] of [
    ['CREATE RECURSIVE VIEW bad (n) AS VALUES (1) UNION ALL SELECT n + 1 FROM bad WHERE n < 5', 'CREATE RECURSIVE VIEW is not supported'],
    ['CREATE TEMPORARY VIEW bad AS SELECT 1', 'CREATE TEMPORARY VIEW is not supported'],
    ['CREATE VIEW bad WITH (security_barrier) AS SELECT 1', 'CREATE VIEW ... WITH (options) is not supported'],
    ['CREATE VIEW bad AS SELECT id FROM items WITH CHECK OPTION', 'CREATE VIEW ... WITH CHECK OPTION is not supported'],
  ] as const) {
    assert.deepEqual(await ours(sql), { ok: false, code: '0A000', message }, sql);
  }
});

test('CREATE OR REPLACE VIEW: adds columns at the end; 42P16 when one is dropped, renamed or retyped; 42809 on a table', async () => {
  await same('CREATE OR REPLACE VIEW vr AS SELECT id, cat FROM items');
  await same('CREATE OR REPLACE VIEW vr AS SELECT id, cat, embedding FROM items WHERE id > 2');
  await same('SELECT * FROM vr ORDER BY id');
  await same('CREATE OR REPLACE VIEW vr AS SELECT id, cat FROM items');
  await same('CREATE OR REPLACE VIEW vr AS SELECT id AS x, cat, embedding FROM items');
  await same('CREATE OR REPLACE VIEW vr AS SELECT id, cat::varchar AS cat, embedding FROM items');
  await same('CREATE OR REPLACE VIEW vr AS SELECT id::bigint AS id, cat, embedding FROM items');
  await same('CREATE OR REPLACE VIEW items AS SELECT 1');
  await same(`SELECT oid = 'vr'::regclass::oid FROM pg_class WHERE relname = 'vr'`);
  await same('SELECT * FROM vr ORDER BY id');
  // A view made to read itself: PostgreSQL's 42P17 where it is used.
  await same('CREATE VIEW vself AS SELECT 1 AS x');
  await same('CREATE OR REPLACE VIEW vself AS SELECT * FROM vself');
  await same('SELECT * FROM vself');
  await same('DROP VIEW vself');
});

test('k-NN through a view plans as the same subquery (HNSW index scan) and gives its rows', async () => {
  await both('CREATE INDEX items_hnsw ON items USING hnsw (embedding vector_l2_ops)');
  await same('CREATE VIEW vknn AS SELECT id, cat, embedding FROM items');
  await both('SET enable_seqscan = off');
  const viaView = `SELECT id FROM vknn ORDER BY embedding <-> '[1,1,0.4]' LIMIT 2`;
  const viaSubquery = `SELECT id FROM (SELECT id, cat, embedding FROM items) s ORDER BY embedding <-> '[1,1,0.4]' LIMIT 2`;
  await same(`EXPLAIN (COSTS OFF) ${viaView}`);
  await same(`EXPLAIN (COSTS OFF) ${viaSubquery}`);
  const plan = await ours(`EXPLAIN (COSTS OFF) ${viaView}`);
  assert.ok(plan.ok && JSON.stringify(plan.rows).includes('Index Scan using items_hnsw'), JSON.stringify(plan));
  await same(viaView);
  await same(`EXPLAIN (COSTS OFF) SELECT id FROM vknn WHERE cat = 'a' ORDER BY embedding <-> '[1,1,0.4]' LIMIT 2`);
  await same(`SELECT id FROM vknn WHERE cat = 'a' ORDER BY embedding <-> '[1,1,0.4]' LIMIT 2`);
  await both('RESET enable_seqscan');
});

test('DROP VIEW and DROP TABLE: 42809 for the other kind, 42P01, IF EXISTS, 2BP01 and CASCADE with its NOTICE', async () => {
  await both('CREATE TABLE d (a int, b text); CREATE VIEW dv AS SELECT a, b FROM d; CREATE VIEW dv2 AS SELECT a FROM dv; CREATE VIEW dv3 AS SELECT b FROM d');
  await same('DROP TABLE dv');
  await same('DROP VIEW d');
  await same('DROP VIEW nosuch');
  await sameNotices('DROP VIEW IF EXISTS nosuch, nosuch2');
  await same('DROP VIEW dv');
  await same('DROP VIEW dv RESTRICT');
  await same('DROP TABLE d');
  await same('ALTER TABLE d DROP COLUMN a');
  await same('ALTER TABLE d ALTER COLUMN a TYPE bigint');
  await same('ALTER TABLE d ADD COLUMN c int');
  await same('ALTER TABLE d DROP COLUMN c');
  await same('ALTER TABLE d ALTER COLUMN c TYPE bigint');
  await same('DROP VIEW dv, dv2');
  await sameNotices('CREATE VIEW dv AS SELECT a, b FROM d');
  await sameNotices('ALTER TABLE d DROP COLUMN b CASCADE');
  await same(PUBLIC_VIEWS);
  await both('CREATE VIEW dv AS SELECT a FROM d; CREATE VIEW dv2 AS SELECT a FROM dv');
  await sameNotices('DROP VIEW dv CASCADE');
  await both('CREATE VIEW dv AS SELECT a FROM d; CREATE VIEW dv2 AS SELECT a FROM dv');
  await sameNotices('DROP TABLE d CASCADE');
  await same(PUBLIC_VIEWS);
  await same('SELECT * FROM dv');
  await both('CREATE SEQUENCE dseq; CREATE VIEW dsv AS SELECT last_value FROM dseq');
  await same('DROP SEQUENCE dseq');
  await sameNotices('DROP SEQUENCE dseq CASCADE');
  await same('SELECT * FROM dsv');
});

test('ALTER VIEW ... RENAME and RENAME COLUMN; ALTER TABLE on a view', async () => {
  await both('CREATE VIEW rv AS SELECT id, cat FROM items');
  await same('ALTER VIEW rv RENAME TO rv2');
  await same('SELECT * FROM rv2 ORDER BY id');
  await same('SELECT * FROM rv');
  await same('ALTER TABLE rv2 RENAME TO rv3');
  await same('ALTER VIEW rv3 RENAME COLUMN cat TO category');
  await same('ALTER TABLE rv3 RENAME COLUMN id TO ident');
  await same('SELECT ident, category FROM rv3 ORDER BY 1');
  await same('ALTER VIEW rv3 RENAME COLUMN nosuch TO x');
  await same('ALTER VIEW rv3 RENAME COLUMN ident TO category');
  await same('ALTER VIEW rv3 RENAME TO items');
  await same('ALTER VIEW items RENAME TO x');
  await same('ALTER VIEW nosuch RENAME TO x');
  await sameNotices('ALTER VIEW IF EXISTS nosuch RENAME TO x');
  // OWNER TO, as pg_dump writes it: vecgres has one user.
  for (const sql of ['ALTER VIEW rv3 OWNER TO postgres', 'ALTER TABLE rv3 OWNER TO CURRENT_USER', 'ALTER VIEW rv3 OWNER TO nobody', 'ALTER VIEW items OWNER TO postgres', 'ALTER VIEW nosuch OWNER TO postgres']) await same(sql);
  await sameNotices('ALTER VIEW IF EXISTS nosuch OWNER TO postgres');
  // Column defaults on a view (for INSERT through it) are not supported.
  assert.equal((await ours('ALTER VIEW rv3 ALTER COLUMN ident SET DEFAULT 1')).ok, false);
  await same('CREATE OR REPLACE VIEW rv3 AS SELECT id AS ident, cat AS category, 1 AS one FROM items');
  await same('SELECT * FROM rv3 ORDER BY 1');
  await same(PUBLIC_VIEWS);
});

test('vecgres refuses renames of what a view reads (PostgreSQL follows them by oid)', async () => {
  await both('CREATE TABLE rn (a int, b int); CREATE VIEW rnv AS SELECT a FROM rn; CREATE VIEW rnv2 AS SELECT * FROM rnv');
  for (const sql of ['ALTER TABLE rn RENAME TO rn2', 'ALTER TABLE rn RENAME COLUMN a TO a2', 'ALTER VIEW rnv RENAME TO rnv9', 'ALTER VIEW rnv RENAME COLUMN a TO a2']) {
    const r = await ours(sql);
    assert.equal(r.ok ? 'ok' : r.code, '0A000', sql);
  }
  // A column no view reads renames as in PostgreSQL.
  await same('ALTER TABLE rn RENAME COLUMN b TO b2');
  await same('SELECT * FROM rnv2');
});

test('INSERT / UPDATE / DELETE / COPY / TRUNCATE / CREATE INDEX on a view', async () => {
  // PostgreSQL writes through a simple view; vecgres refuses (0A000) and changes nothing.
  for (const [sql, message] of [
    [`INSERT INTO va VALUES (9, 'a', '[1,2,3]')`, 'INSERT into a view is not supported'],
    [`UPDATE va SET cat = 'z'`, 'UPDATE of a view is not supported'],
    ['DELETE FROM va', 'DELETE from a view is not supported'],
  ] as const) {
    const r = await ours(sql);
    assert.deepEqual(r, { ok: false, code: '0A000', message }, sql);
  }
  await same('SELECT * FROM items ORDER BY id');
  await same('COPY va TO STDOUT');
  await same('COPY va FROM STDIN');
  await same('TRUNCATE va');
  await same('CREATE INDEX ON va (id)');
});

test('the catalog: pg_class, pg_attribute, pg_views, information_schema, regclass', async () => {
  await same(PUBLIC_VIEWS);
  await same(`SELECT a.attname, a.atttypid::regtype::text, a.attnum, a.attnotnull FROM pg_attribute a WHERE a.attrelid = 'vcols'::regclass ORDER BY a.attnum`);
  await same(`SELECT viewname, viewowner FROM pg_views WHERE schemaname = 'public' ORDER BY 1`);
  await same(`SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
  await same(`SELECT table_name, check_option, is_trigger_updatable FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1`);
  await same(`SELECT table_name, column_name, ordinal_position, data_type, is_nullable FROM information_schema.columns WHERE table_name IN ('vcols', 'vagg') ORDER BY 1, 3`);
  await same(`SELECT 'vcols'::regclass::text, 'public.vcols'::regclass::oid = (SELECT oid FROM pg_class WHERE relname = 'vcols')`);
  await same(`SELECT pg_get_viewdef('nosuch'::regclass)`);
  // pg_get_viewdef(text): an untyped literal resolves to it, the name read as regclass reads it.
  await same(`SELECT pg_get_viewdef('nosuch')`);
  await same(`SELECT pg_get_viewdef('NoSuch'::text, true)`);
  await same(`SELECT pg_get_viewdef('items'), pg_get_viewdef(NULL::text), pg_get_viewdef('pg_class')`);
  await same(`SELECT pg_get_viewdef('vcols') = pg_get_viewdef('public.vcols'::regclass)`);
});

test('pg_get_viewdef: a definition that creates the same view', async () => {
  // Comments are left out of the stored text (a trailing one would swallow what follows it).
  await same(`CREATE VIEW vcomment AS SELECT id /* the id */, '-- no comment' AS c -- trailing\n FROM items -- the end`);
  const text = await ours(`SELECT pg_get_viewdef('vcomment'::regclass) AS d`);
  assert.deepEqual(text.ok && text.rows, [{ d: " SELECT id , '-- no comment' AS c FROM items;" }]);
  for (const v of ['va', 'vcols', 'vagg', 'vjoin', 'vrec', 'vstar', 'vcomment']) {
    const def = await db.query(`SELECT pg_get_viewdef('${v}'::regclass) AS d, pg_get_viewdef('${v}'::regclass, true) AS p, definition FROM pg_views WHERE viewname = '${v}'`);
    const row = def.rows[0] as { d: string; p: string; definition: string };
    assert.equal(row.p, row.d);
    assert.equal(row.definition, row.d);
    const copy = `CREATE VIEW ${v}_copy AS ${row.d}`;
    await same(copy);
    await same(`SELECT * FROM ${v}_copy EXCEPT ALL SELECT * FROM ${v}`);
    await same(`SELECT count(*) FROM ${v}_copy`);
  }
});

test('views in transaction blocks: CREATE, REPLACE, RENAME and DROP are undone by ROLLBACK and ROLLBACK TO', async () => {
  await same('BEGIN');
  await same('CREATE VIEW tv AS SELECT 1 AS x');
  await same('SELECT * FROM tv');
  await same('ROLLBACK');
  await same('SELECT * FROM tv');
  await both('CREATE VIEW tv AS SELECT 1 AS x');
  await same('BEGIN');
  await same('CREATE OR REPLACE VIEW tv AS SELECT 2 AS x');
  await same('SAVEPOINT s');
  await same('ALTER VIEW tv RENAME TO tv2');
  await same('SELECT * FROM tv2');
  await same('ROLLBACK TO s');
  await same('SELECT * FROM tv');
  await same('DROP VIEW tv');
  await same('ROLLBACK');
  await same('SELECT * FROM tv');
  await same('BEGIN');
  await same('DROP VIEW tv');
  await same('CREATE VIEW tv AS SELECT 3 AS x, 4 AS y');
  await same('COMMIT');
  await same('SELECT * FROM tv');
  await same(PUBLIC_VIEWS);
});

test('another session does not see an uncommitted view, and its DDL of what the view reads waits (55P03 here)', async () => {
  await both('CREATE TABLE sess (id int); INSERT INTO sess VALUES (1)');
  const a = await db.connect();
  const b = await db.connect();
  try {
    await a.exec('BEGIN; CREATE VIEW sessv AS SELECT id FROM sess');
    await assert.rejects(b.query('SELECT * FROM sessv'), { code: '42P01' });
    await assert.rejects(b.query('DROP TABLE sess'), { code: '55P03' });
    await assert.rejects(b.query('ALTER TABLE sess DROP COLUMN id'), { code: '55P03' });
    await a.exec('COMMIT');
    assert.deepEqual((await b.query('SELECT * FROM sessv')).rows, [{ id: 1 }]);
  } finally {
    await a.release();
    await b.release();
  }
  await oracle.exec('CREATE VIEW sessv AS SELECT id FROM sess');
  await same('DROP TABLE sess');
});

test('writes to PostgreSQL\'s system views are its 55000 (they are not automatically updatable)', async () => {
  for (const sql of [
    "INSERT INTO pg_views VALUES ('a')",
    "UPDATE pg_catalog.pg_tables SET tablename = 'x'",
    'DELETE FROM information_schema.check_constraints',
    'DELETE FROM pg_stat_user_tables',
    'INSERT INTO information_schema.tables DEFAULT VALUES',
    "UPDATE pg_roles SET rolname = 'x' WHERE false",
  ]) {
    // A fresh PostgreSQL each time: PGlite's instance does not always stay usable after these.
    const pg = await startPglite({ extensions: {} });
    try {
      const want = await pg.query(sql).then(() => ({ ok: true }), failureOutcome);
      assert.equal((want as { code?: string }).code, '55000', sql);
      assert.deepEqual(await ours(sql), want, sql);
    } finally {
      await pg.close();
    }
  }
});
