/**
 * COLLATE with the code-point collations (psql's catalog queries say COLLATE
 * pg_catalog.default), a relation name literal cast to regclass, and the catalog functions
 * psql's list commands call (pg_get_userbyid, pg_table_is_visible, pg_encoding_to_char),
 * against PostgreSQL (PGlite). Columns of type name are cast to text: vecgres has no name type
 * yet (its catalog columns are text).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { check, both } = await openSqlPair();
await both('CREATE TABLE docs (id int PRIMARY KEY, title text, e vector(2))');
await both('CREATE INDEX docs_e ON docs USING hnsw (e vector_l2_ops)');
await both("INSERT INTO docs VALUES (1, 'b', '[1,2]'), (2, 'a', '[2,1]'), (3, 'B', NULL)");

test('COLLATE default / C / POSIX as PostgreSQL; others and non-text are errors', async () => {
  const mismatches: string[] = [];
  for (const sql of [
    "SELECT title FROM docs WHERE title OPERATOR(pg_catalog.~) '^(a|b)$' COLLATE pg_catalog.default ORDER BY title",
    'SELECT title COLLATE "C" AS t FROM docs ORDER BY 1',
    'SELECT title FROM docs ORDER BY title COLLATE "POSIX" DESC',
    "SELECT 'a' COLLATE \"default\" < 'b' AS lt",
    'SELECT id COLLATE "C" FROM docs',
    "SELECT title COLLATE pg_catalog.\"C\" FROM docs ORDER BY 1",
  ]) {
    await check(sql, mismatches);
  }
  assert.deepEqual(mismatches, []);
});

test("'name'::regclass, pg_table_is_visible, pg_get_userbyid, pg_encoding_to_char as PostgreSQL", async () => {
  const mismatches: string[] = [];
  for (const sql of [
    "SELECT 'pg_catalog.pg_extension'::pg_catalog.regclass::int8 AS x, 'pg_class'::regclass::int8 AS y",
    "SELECT relname::text FROM pg_class WHERE oid = 'docs'::regclass",
    "SELECT relname::text FROM pg_class WHERE oid = 'public.docs_e'::regclass",
    "SELECT 'nosuch'::regclass",
    "SELECT relname::text, pg_table_is_visible(oid) AS v FROM pg_class WHERE relname LIKE 'docs%' ORDER BY 1",
    'SELECT pg_table_is_visible(999999) AS v',
    'SELECT pg_get_userbyid(10)::text AS a, pg_get_userbyid(6171)::text AS b, pg_get_userbyid(4242)::text AS c, pg_get_userbyid(NULL)::text AS d',
    'SELECT pg_encoding_to_char(6)::text AS a, pg_encoding_to_char(0)::text AS b, pg_encoding_to_char(1000)::text AS c',
    'SELECT e.extname::text, e.extversion, n.nspname::text, d.description FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace LEFT JOIN pg_description d ON d.objoid = e.oid ORDER BY 1',
    'SELECT datname::text, datistemplate, datallowconn, datcollate, datctype FROM pg_database ORDER BY oid',
  ]) {
    await check(sql, mismatches);
  }
  assert.deepEqual(mismatches, []);
});
