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

test('text orders as UTF-8 bytes: a character above U+FFFF after U+E000..U+FFFF, as PostgreSQL', async () => {
  // JavaScript compares UTF-16 units, in which a surrogate (half of an emoji) is below the
  // fullwidth forms (U+FF00..U+FFEF): 'Ａ' < '😀' was false in vecgres, true in PostgreSQL.
  await both(`CREATE TABLE u8 (id int PRIMARY KEY, s text, c char(3), v varchar(5), a text[], j jsonb)`);
  const words = ['Ａ', '😀', 'a', '中', '', 'a😀', 'aＡ', '\u{E000}', '\u{FFFF}', '\u{10000}', 'é', 'ｚ', '𝔸b'];
  const rows = words.map((w, i) => `(${i}, '${w}', '${w}', '${w}', ARRAY['${w}', 'x'], '{"${w}": 1, "k": "${w}"}')`);
  await both(`INSERT INTO u8 VALUES ${rows.join(', ')}`);
  const mismatches: string[] = [];
  const qs = [
    `SELECT id, s FROM u8 ORDER BY s, id`,
    `SELECT id, c FROM u8 ORDER BY c DESC, id`,
    `SELECT id, v FROM u8 ORDER BY v COLLATE "C", id`,
    `SELECT min(s), max(s), min(v), max(c) FROM u8`,
    `SELECT a.id, b.id FROM u8 a JOIN u8 b ON a.s < b.s ORDER BY 1, 2`,
    `SELECT 'Ａ' < '😀' AS lt, '😀' > 'Ａ' AS gt, greatest('Ａ', '😀') AS g, least('Ａ', '😀') AS l`,
    `SELECT id FROM u8 WHERE s > 'Ａ' ORDER BY id`,
    `SELECT id, a FROM u8 ORDER BY a, id`,
    `SELECT id, j FROM u8 ORDER BY j, id`,
    `SELECT id, j->'k' FROM u8 ORDER BY j->'k', id`,
    `SELECT s, count(*) FROM u8 GROUP BY s ORDER BY s`,
    `SELECT DISTINCT ON (s) s, id FROM u8 ORDER BY s, id`,
    `SELECT id, s, rank() OVER (ORDER BY s) FROM u8 ORDER BY id`,
  ];
  for (const q of qs) await check(q, mismatches);
  await both(`CREATE INDEX u8_s ON u8 (s)`);
  for (const q of [`SELECT id, s FROM u8 WHERE s >= 'Ａ' ORDER BY s`, `SELECT id FROM u8 WHERE s < '😀' ORDER BY s DESC LIMIT 4`, `SELECT s FROM u8 ORDER BY s LIMIT 3`]) await check(q, mismatches);
  assert.deepEqual(mismatches, []);
});
