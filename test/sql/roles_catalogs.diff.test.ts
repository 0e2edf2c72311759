/**
 * The role, language, tablespace and shared-comment catalogs against PostgreSQL + pgvector
 * (PGlite): pg_roles, pg_authid and pg_auth_members hold the bootstrap superuser and
 * PostgreSQL's predefined roles with their oids and memberships; pg_get_userbyid, pg_has_role
 * and the privilege functions know them; pg_namespace carries initdb's ACLs and pg_description
 * the built-in schemas' and languages' comments (obj_description reads pg_description, so a
 * comment is found the same way by both); pg_language, pg_tablespace, pg_tablespace_location,
 * pg_shdescription and shobj_description. The `tableoid` system column of tables and system
 * catalogs (psql's \dL joins on it), and PostgreSQL's refusal of a column named like a system
 * column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { checkAll, both, ours } = await openSqlPair();

await both('CREATE TABLE t1 (id int PRIMARY KEY, v int)');
await both('CREATE TABLE t2 (id int, w int)');
await both('INSERT INTO t1 VALUES (1, 2), (3, 4)');
await both('INSERT INTO t2 VALUES (1, 3), (2, 4)');
await both('CREATE SCHEMA app');
await both('CREATE TABLE app.t3 (a int)');

test('roles: pg_roles, pg_authid, pg_auth_members, pg_get_userbyid and role inquiries', async () => {
  await checkAll('roles', [
    'SELECT * FROM pg_roles ORDER BY oid',
    'SELECT * FROM pg_authid ORDER BY oid',
    'SELECT * FROM pg_auth_members ORDER BY oid',
    'SELECT count(*), count(*) FILTER (WHERE rolcanlogin), count(*) FILTER (WHERE rolsuper) FROM pg_roles',
    `SELECT r.rolname, ARRAY(SELECT b.rolname::text FROM pg_auth_members m JOIN pg_roles b ON m.roleid = b.oid WHERE m.member = r.oid ORDER BY 1) AS memberof
       FROM pg_roles r ORDER BY 1`,
    `SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1`,
    'SELECT pg_get_userbyid(10), pg_get_userbyid(3373) AS a, pg_get_userbyid(6392) AS b, pg_get_userbyid(1) AS c, pg_get_userbyid(NULL) AS d',
    `SELECT pg_get_userbyid(nspowner), nspname FROM pg_namespace ORDER BY nspname`,
    `SELECT pg_has_role('pg_monitor', 'MEMBER'), pg_has_role('pg_database_owner', 'USAGE') AS a, pg_has_role('pg_read_all_data', 'SET') AS b`,
    `SELECT pg_has_role(3373, 'MEMBER'), pg_has_role('postgres', 'pg_signal_backend', 'MEMBER WITH ADMIN OPTION') AS a`,
    `SELECT pg_has_role('pg_nosuch', 'MEMBER')`,
    `SELECT pg_has_role('pg_monitor', 'SELECT')`,
    `SELECT has_table_privilege('pg_nosuch', 't1', 'SELECT')`,
    `SELECT has_schema_privilege('nosuch_role', 'public', 'USAGE')`,
  ]);
});

test('schemas, languages, tablespaces and shared comments', async () => {
  await checkAll('catalogs', [
    'SELECT * FROM pg_namespace ORDER BY oid',
    `SELECT nspname, array_to_string(nspacl, E'\\n'), obj_description(oid, 'pg_namespace') FROM pg_namespace ORDER BY 1`,
    'SELECT * FROM pg_description WHERE classoid IN (2612, 2615) ORDER BY objoid',
    `SELECT obj_description(2200, 'pg_namespace'), obj_description(11, 'pg_namespace') AS a, obj_description(12424, 'pg_namespace') AS b`,
    'SELECT oid, * FROM pg_language ORDER BY oid',
    `SELECT l.lanname, d.description FROM pg_language l LEFT JOIN pg_description d ON d.classoid = l.tableoid AND d.objoid = l.oid AND d.objsubid = 0 ORDER BY 1`,
    `SELECT obj_description(14, 'pg_language'), obj_description(14, 'pg_class') AS a`,
    'SELECT oid, * FROM pg_tablespace ORDER BY oid',
    'SELECT spcname, pg_tablespace_location(oid) FROM pg_tablespace ORDER BY 1',
    'SELECT pg_tablespace_location(0), pg_tablespace_location(NULL) AS a',
    'SELECT pg_tablespace_location(12345)',
    'SELECT datname, dattablespace, shobj_description(oid, \'pg_database\') FROM pg_database ORDER BY 1',
    'SELECT * FROM pg_shdescription ORDER BY objoid',
    `SELECT shobj_description(10, 'pg_authid'), shobj_description(5, 'nosuch') AS a, shobj_description(NULL, 'pg_database') AS b`,
  ]);
});

test('the tableoid system column; column names that are system column names', async () => {
  await checkAll('tableoid', [
    'SELECT tableoid::regclass, * FROM t1 ORDER BY id',
    `SELECT t1.tableoid = 't1'::regclass, t2.tableoid::regclass, t1.id FROM t1 JOIN t2 USING (id)`,
    'SELECT tableoid FROM t1, t2',
    'SELECT x.tableoid FROM (SELECT * FROM t1) x',
    'SELECT tableoid FROM (SELECT * FROM t1) x',
    `SELECT count(*) FROM t1 WHERE tableoid = 't1'::regclass`,
    'SELECT tableoid::regclass, count(*) FROM t2 GROUP BY 1',
    'SELECT tableoid::regclass, a FROM app.t3',
    'SELECT DISTINCT tableoid FROM pg_language',
    'SELECT tableoid FROM pg_roles',
    'CREATE TABLE bad (tableoid int)',
    'CREATE TABLE bad (a int, a int, xmin int)',
    'CREATE TABLE bad (xmin nosuchtype)',
    'CREATE TABLE bad AS SELECT 1 AS cmax',
    'ALTER TABLE t2 ADD COLUMN xmin int',
    'ALTER TABLE t2 ADD COLUMN IF NOT EXISTS ctid int',
    'ALTER TABLE t2 RENAME w TO cmin',
    'CREATE VIEW v_sys AS SELECT 1 AS cmax',
    'SELECT * FROM v_sys',
    'CREATE TABLE gen (a int, b int GENERATED ALWAYS AS (tableoid::int) STORED)',
    'INSERT INTO gen (a) VALUES (1)',
    `SELECT b = 'gen'::regclass::int FROM gen`,
    // A name that is no relation's system column stays an ordinary missing column.
    'SELECT xmax FROM (SELECT 1) s',
  ]);
  // The other system columns exist in PostgreSQL; vecgres keeps no row-version values to show.
  for (const [q, col] of [['SELECT ctid, id FROM t1', 'ctid'], ['SELECT t1.xmin FROM t1', 'xmin'], ['INSERT INTO t1 (id) VALUES (99) RETURNING xmax = 0', 'xmax']] as const) {
    const r = await ours(q);
    assert.ok(!r.ok && r.code === '0A000' && r.message === `system column "${col}" is not supported`, `${q}: ${JSON.stringify(r)}`);
  }
});
