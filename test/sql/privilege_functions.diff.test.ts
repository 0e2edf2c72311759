/**
 * The access privilege inquiry functions against PostgreSQL + pgvector (PGlite), asked as the
 * session user (a superuser, vecgres' one role): has_table_privilege, has_sequence_privilege,
 * has_column_privilege, has_any_column_privilege, has_schema_privilege,
 * has_database_privilege and pg_has_role, by name and by oid, with and without the role
 * argument; their errors in PostgreSQL's order (role 42704, relation 42P01 / 3F000, schema
 * 3F000, database 3D000, column 42703, 42809 for a sequence that is none, privilege strings
 * 22023) and their NULLs (an oid or column number that names nothing). Kysely's introspection
 * query, which filters with has_schema_privilege, runs as on PostgreSQL. Other roles' privileges
 * are 0A000 (vecgres keeps no grants), named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { checkAll, both, ours } = await openSqlPair();

await both(`CREATE TABLE pt (a int, b text, c int)`);
await both(`ALTER TABLE pt DROP COLUMN a`);
await both(`CREATE INDEX pt_b_idx ON pt (b)`);
await both(`CREATE SEQUENCE pt_seq`);
await both(`CREATE VIEW pt_v AS SELECT b AS x FROM pt`);
await both(`CREATE SCHEMA ps`);
await both(`CREATE TABLE ps."Mixed" (id serial PRIMARY KEY)`);

test('privilege inquiries of the session user answer as PostgreSQL, errors and NULLs included', async () => {
  await checkAll('privilege functions', [
    `SELECT has_schema_privilege('public', 'USAGE'), has_schema_privilege('public', 'usage, create'), has_schema_privilege('ps', 'CREATE WITH GRANT OPTION')`,
    `SELECT has_schema_privilege('pg_catalog', 'USAGE'), has_schema_privilege('information_schema', 'USAGE')`,
    `SELECT has_schema_privilege('nosuch', 'USAGE')`,
    `SELECT has_schema_privilege('Public', 'USAGE')`,
    `SELECT has_schema_privilege('public', 'SELECT')`,
    `SELECT has_schema_privilege('nosuch', 'bogus')`,
    `SELECT has_schema_privilege(2200::oid, 'USAGE'), has_schema_privilege(1, 'USAGE')`,
    `SELECT has_schema_privilege('postgres', 'public', 'USAGE'), has_schema_privilege(10::oid, 'public', 'USAGE')`,
    `SELECT has_schema_privilege('nobody', 'public', 'USAGE')`,
    `SELECT has_schema_privilege(NULL, 'USAGE'), has_schema_privilege('public', NULL)`,
    `SELECT has_table_privilege('pt', 'SELECT'), has_table_privilege('public.pt', 'select,insert, update, delete , truncate, references, trigger, maintain')`,
    `SELECT has_table_privilege('PT', 'SELECT'), has_table_privilege('"pt"', 'INSERT'), has_table_privilege('ps."Mixed"', 'UPDATE')`,
    `SELECT has_table_privilege('pt_v', 'SELECT'), has_table_privilege('pt_seq', 'SELECT'), has_table_privilege('pt_b_idx', 'SELECT')`,
    `SELECT has_table_privilege('pg_class', 'SELECT'), has_table_privilege('pg_locks', 'SELECT'), has_table_privilege('information_schema.tables', 'SELECT')`,
    `SELECT has_table_privilege('nosuch', 'SELECT')`,
    `SELECT has_table_privilege('nosuch.pt', 'SELECT')`,
    `SELECT has_table_privilege('nosuch', 'bogus')`,
    `SELECT has_table_privilege('pt', 'USAGE')`,
    `SELECT has_table_privilege('pt', 'RULE')`,
    `SELECT has_table_privilege('pt', '')`,
    `SELECT has_table_privilege('pt', 'SELECT,')`,
    `SELECT has_table_privilege('pt', ' SELECT  WITH  GRANT  OPTION ')`,
    `SELECT has_table_privilege('pt', 'select with grant option, INSERT')`,
    `SELECT has_table_privilege('pt'::regclass, 'SELECT'), has_table_privilege(12345::oid, 'SELECT'), has_table_privilege(1::bigint, 'SELECT')`,
    `SELECT has_table_privilege(99999::oid, 'bogus')`,
    `SELECT has_table_privilege('postgres', 'pt', 'INSERT'), has_table_privilege('postgres', 'pt'::regclass, 'INSERT')`,
    `SELECT has_table_privilege('nobody', 'nosuch', 'bogus')`,
    `SELECT has_table_privilege('pt', 'SELECT', 'x')`,
    `SELECT has_table_privilege(NULL::text, 'x', 'SELECT'), has_table_privilege('nobody', NULL::text, 'SELECT')`,
    `SELECT has_sequence_privilege('pt_seq', 'USAGE'), has_sequence_privilege('pt_seq', 'select, update'), has_sequence_privilege(99999::oid, 'USAGE')`,
    `SELECT has_sequence_privilege('pt', 'USAGE')`,
    `SELECT has_sequence_privilege('pt'::regclass, 'USAGE')`,
    `SELECT has_sequence_privilege('pt_b_idx', 'SELECT')`,
    `SELECT has_sequence_privilege('pt_seq', 'INSERT')`,
    `SELECT has_sequence_privilege('nosuch', 'USAGE')`,
    `SELECT has_sequence_privilege(99999::oid, 'bogus')`,
    `SELECT has_column_privilege('pt', 'b', 'SELECT'), has_column_privilege('pt', 'ctid', 'SELECT'), has_column_privilege('pt', 'tableoid', 'UPDATE')`,
    `SELECT has_column_privilege('pt', 'a', 'SELECT')`,
    `SELECT has_column_privilege('pt', 'B', 'SELECT')`,
    `SELECT has_column_privilege('pt', 'b', 'USAGE')`,
    `SELECT has_column_privilege('pt', 1::int2, 'SELECT'), has_column_privilege('pt', 2::int2, 'SELECT'), has_column_privilege('pt', 3::int2, 'INSERT')`,
    `SELECT has_column_privilege('pt', 0::int2, 'SELECT'), has_column_privilege('pt', 4::int2, 'SELECT'), has_column_privilege('pt', -1::int2, 'SELECT'), has_column_privilege('pt', -6::int2, 'SELECT'), has_column_privilege('pt', -7::int2, 'SELECT')`,
    `SELECT has_column_privilege(99999::oid, 'b', 'SELECT'), has_column_privilege('pt_v', 'x', 'INSERT'), has_column_privilege('pt_seq', 'last_value', 'SELECT')`,
    `SELECT has_column_privilege('pg_class', 'relname', 'SELECT')`,
    `SELECT has_column_privilege('pg_class', 'nosuch', 'SELECT')`,
    `SELECT has_column_privilege('pt_v', 'nosuch', 'SELECT')`,
    `SELECT has_column_privilege('postgres', 'pt', 'b', 'REFERENCES')`,
    `SELECT has_any_column_privilege('pt', 'SELECT'), has_any_column_privilege(99999::oid, 'SELECT'), has_any_column_privilege('postgres', 'pt', 'update')`,
    `SELECT has_any_column_privilege('pt', 'TRUNCATE')`,
    `SELECT has_database_privilege(current_database(), 'CONNECT'), has_database_privilege('postgres', 'TEMP, temporary, create'), has_database_privilege(12345::oid, 'CONNECT')`,
    `SELECT has_database_privilege('nosuch', 'CONNECT')`,
    `SELECT has_database_privilege('postgres', 'USAGE')`,
    `SELECT pg_has_role('postgres', 'MEMBER'), pg_has_role('postgres', 'member with admin option'), pg_has_role('postgres', 'SET'), pg_has_role('postgres', 'postgres', 'USAGE')`,
    `SELECT pg_has_role(10::oid, 'USAGE'), pg_has_role('pg_database_owner', 'MEMBER')`,
    `SELECT pg_has_role('nobody', 'MEMBER')`,
    `SELECT pg_has_role('public', 'MEMBER')`,
    `SELECT pg_has_role('postgres', 'SELECT')`,
    `SELECT relname FROM pg_class WHERE relname LIKE 'pt%' AND has_table_privilege(oid, 'SELECT') ORDER BY 1`,
    // Kysely's PostgresIntrospector.getTables.
    `select a.attname as column, a.attnotnull as not_null, a.atthasdef as has_default, c.relname as table, c.relkind as table_type,
       ns.nspname as schema, typ.typname as type, dtns.nspname as type_schema, col_description(a.attrelid, a.attnum) as column_description,
       pg_get_serial_sequence(quote_ident(ns.nspname) || '.' || quote_ident(c.relname), a.attname) as auto_incrementing
     from pg_catalog.pg_attribute as a
     inner join pg_catalog.pg_class as c on a.attrelid = c.oid
     inner join pg_catalog.pg_namespace as ns on c.relnamespace = ns.oid
     inner join pg_catalog.pg_type as typ on a.atttypid = typ.oid
     inner join pg_catalog.pg_namespace as dtns on typ.typnamespace = dtns.oid
     where c.relkind in ('r', 'v', 'p') and ns.nspname != 'pg_catalog' and ns.nspname != 'information_schema'
       and ns.nspname != 'crdb_internal' and has_schema_privilege(ns.nspname, 'USAGE') and a.attnum >= 0 and a.attisdropped != true
     order by ns.nspname, c.relname, a.attnum`,
  ]);
});

test("another role's privileges are 0A000, named (vecgres keeps no grants)", async () => {
  for (const [sql, what] of [
    [`SELECT has_table_privilege('public', 'pt', 'SELECT')`, 'privileges of role "public"'],
    [`SELECT has_schema_privilege('pg_database_owner', 'public', 'USAGE')`, 'privileges of role "pg_database_owner"'],
    [`SELECT has_table_privilege('pg_monitor', 'pt', 'SELECT')`, 'privileges of role "pg_monitor"'],
    [`SELECT has_table_privilege(99::oid, 'pt', 'SELECT')`, 'privileges of role with OID 99'],
  ] as const) {
    const r = await ours(sql);
    assert.deepEqual(r.ok ? r : { code: r.code, message: r.message }, { code: '0A000', message: `${what} is not supported` }, sql);
  }
});

test('a missing schema: 3F000 where PostgreSQL looks a name up strictly, 42P01 through regclass input', async () => {
  // regclassin looks up with missing_ok since PostgreSQL 16; the functions that read a relation
  // name as text (RangeVarGetRelid without missing_ok) report the schema.
  await checkAll('missing schema', [
    `SELECT 'nosuch.t'::regclass`,
    `SELECT 'nosuch.t'::regclass::oid`,
    `SELECT nextval('nosuch.s')`,
    `SELECT currval('nosuch.s'), setval('nosuch.s', 1)`,
    `SELECT to_regclass('nosuch.t')`,
    `SELECT pg_relation_size('nosuch.t')`,
    `SELECT obj_description('nosuch.t'::regclass, 'pg_class')`,
    `SELECT pg_get_serial_sequence('nosuch.t', 'id')`,
    `SELECT pg_get_serial_sequence('public.nosuch', 'id'), pg_get_serial_sequence('pg_catalog.nosuch', 'id')`,
    `SELECT pg_get_viewdef('nosuch.v')`,
    `SELECT pg_get_viewdef('public.nosuch_v')`,
    `SELECT pg_get_viewdef('pt_v') IS NOT NULL`,
    `SELECT has_column_privilege('nosuch.t', 'x', 'SELECT')`,
  ]);
});
