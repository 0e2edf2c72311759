/**
 * The catalogs and functions psql's `\d` reads, against PostgreSQL 18 + pgvector 0.8.7
 * (PGlite), on a schema with defaults, NOT NULL, PRIMARY KEY, UNIQUE, CHECK and FOREIGN KEY
 * constraints and HNSW / IVFFlat / B-tree / partial / expression indexes: pg_attribute,
 * pg_attrdef, pg_constraint, format_type, pg_get_expr, pg_get_constraintdef, pg_get_indexdef,
 * reg* casts read as names, and the SQL forms psql's queries use (ARRAY(subquery), array
 * subscripts, array_upper / array_to_string, WITH ORDINALITY, pg_partition_ancestors). Object
 * ids differ between the two systems: queries join on them and print names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { check, both } = await openSqlPair();

await both('CREATE TABLE parent (pid int PRIMARY KEY, tag text UNIQUE)');
await both(`CREATE TABLE docs (id bigint PRIMARY KEY, category int NOT NULL DEFAULT 7, title text DEFAULT 'untitled' CHECK (title <> ''),
  price numeric(8,2) CHECK (price > 0), score float8 CHECK (score BETWEEN 0 AND 2.5), pid int REFERENCES parent(pid) ON DELETE CASCADE ON UPDATE SET NULL,
  "Mixed Case" varchar(20), embedding vector(3), half halfvec(3), UNIQUE (category, title),
  CONSTRAINT small_id CHECK (id < 1000000 AND (category > 0 OR pid IS NULL) AND NOT (price IS NULL)))`);
await both(`CREATE TABLE defaults (t varchar(10) DEFAULT 'x', c char(3) DEFAULT 'ab', n numeric DEFAULT 5, f float8 DEFAULT 1.5, i int DEFAULT -1,
  b bool DEFAULT true, d date DEFAULT current_date, ts timestamptz DEFAULT now(), s serial, u uuid DEFAULT gen_random_uuid(), tx text DEFAULT 'it''s')`);
await both('CREATE INDEX docs_hnsw ON docs USING hnsw (embedding vector_cosine_ops) WITH (m = 8)');
await both('CREATE INDEX docs_ivf ON docs USING ivfflat (embedding vector_l2_ops) WITH (lists = 2)');
await both('CREATE INDEX docs_cat ON docs (category DESC NULLS LAST, title)');
await both('CREATE INDEX docs_part ON docs USING hnsw (embedding vector_l2_ops) WHERE category > 3 AND (pid + 1) * 2 > 4');
await both('CREATE INDEX docs_expr ON docs USING hnsw ((embedding::halfvec(3)) halfvec_cosine_ops)');

async function all(queries: string[]): Promise<void> {
  const mismatches: string[] = [];
  for (const sql of queries) await check(sql, mismatches);
  assert.deepEqual(mismatches, []);
}

test('pg_attribute, pg_attrdef and format_type describe the columns of tables and indexes', async () => {
  await all([
    `SELECT c.relname::text, a.attnum, a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.atttypmod, a.attnotnull,
       a.atthasdef, a.attidentity::text, a.attgenerated::text, a.attstorage::text, a.attlen, a.attbyval, a.attalign::text,
       a.attcollation::int, a.attisdropped, a.attislocal, a.attinhcount, a.attstattarget
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND a.attnum > 0 ORDER BY 1, 2`,
    `SELECT c.relname::text, a.attname::text, pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) AS pretty, pg_get_expr(d.adbin, d.adrelid) AS plain
     FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum ORDER BY 1, 2`,
    `SELECT format_type(16385, 3) AS a, format_type(16498, -1) AS b, format_type(1043, 14) AS c, format_type(1700, NULL) AS d,
       format_type(1007, NULL) AS e, format_type(1114, 3) AS f, format_type(NULL, 1) AS g, format_type(1042, 9) AS h`,
  ]);
});

test('pg_constraint and pg_get_constraintdef, plain and pretty', async () => {
  await all([
    `SELECT conname::text, contype::text, condeferrable, condeferred, convalidated, conkey, confkey, confupdtype::text, confdeltype::text,
       confmatchtype::text, conislocal, connoinherit, (SELECT relname::text FROM pg_class WHERE oid = confrelid) AS ref,
       (SELECT relname::text FROM pg_class WHERE oid = conindid) AS index,
       pg_get_constraintdef(oid) AS plain, pg_catalog.pg_get_constraintdef(oid, true) AS pretty
     FROM pg_constraint WHERE conrelid IN (SELECT oid FROM pg_class WHERE relname IN ('docs', 'parent')) ORDER BY 1`,
    `SELECT r.conname::text, r.conrelid::pg_catalog.regclass::text AS ontable FROM pg_catalog.pg_constraint r WHERE r.contype = 'f'`,
  ]);
});

test('pg_index, pg_get_indexdef (whole, per column, pretty) and pg_get_expr of a predicate', async () => {
  await all([
    `SELECT c.relname::text, i.indnatts, i.indnkeyatts, i.indisunique, i.indisprimary, i.indkey::text,
       pg_get_indexdef(i.indexrelid) AS plain, pg_get_indexdef(i.indexrelid, 0, true) AS pretty,
       pg_get_indexdef(i.indexrelid, 1, true) AS col1, pg_get_indexdef(i.indexrelid, 1, false) AS col1_plain,
       pg_get_indexdef(i.indexrelid, 2, true) AS col2, pg_get_indexdef(i.indexrelid, 3, true) AS col3,
       pg_get_expr(i.indpred, i.indrelid, true) AS pred, pg_get_expr(i.indpred, i.indrelid) AS pred_plain, i.indpred IS NULL AS nopred,
       i.indexprs IS NULL AS noexprs
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'docs'::regclass ORDER BY 1`,
    `SELECT pg_get_indexdef(0) IS NULL AS a, pg_get_constraintdef(0) IS NULL AS b`,
  ]);
});

test('reg* casts print names; psql\'s empty catalogs answer with no rows', async () => {
  await all([
    `SELECT 'docs'::regclass::text AS a, 'public.docs_hnsw'::pg_catalog.regclass::pg_catalog.text AS b, 'pg_class'::regclass::text AS c,
       (SELECT oid FROM pg_class WHERE relname = 'docs')::regclass::text AS d, 999999::regclass::text AS e`,
    // A reg* value compares as its oid; only its output is the name.
    `SELECT count(*) FROM (SELECT c.oid::regclass AS r FROM pg_class c) s WHERE r = 'docs_hnsw'::regclass`,
    `SELECT t::regtype::text AS a, 2200::regnamespace::text AS b, 11::pg_catalog.regnamespace::pg_catalog.text AS c FROM (VALUES (23), (16385), (1007)) v(t) ORDER BY 1`,
    `SELECT c.relname::text FROM pg_class c WHERE c.oid = 'docs'::regclass AND pg_catalog.pg_relation_is_publishable(c.oid)`,
    // PostgreSQL's foreign key triggers are internal (tgisinternal); vecgres lists none.
    'SELECT count(*) FROM pg_policy', 'SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal', 'SELECT count(*) FROM pg_inherits',
    'SELECT count(*) FROM pg_statistic_ext', 'SELECT count(*) FROM pg_publication', 'SELECT count(*) FROM pg_publication_rel',
    `SELECT conname::text FROM pg_catalog.pg_constraint c
     WHERE confrelid IN (SELECT pg_catalog.pg_partition_ancestors('parent') UNION ALL VALUES ('parent'::pg_catalog.regclass)) ORDER BY 1`,
    `SELECT count(*) FROM pg_catalog.pg_partition_ancestors('docs') WITH ORDINALITY AS a(relid, depth)`,
    `SELECT rolname::text, rolsuper FROM pg_roles WHERE oid = 10`,
  ]);
});

test('ARRAY(subquery), array subscripts, array_upper / array_lower / array_length, array_to_string, WITH ORDINALITY', async () => {
  await all([
    `SELECT ARRAY(SELECT relname::text FROM pg_class WHERE relname LIKE 'docs%' ORDER BY 1) AS a, ARRAY(SELECT 1 WHERE false) AS b,
       ARRAY(SELECT g * 2 FROM generate_series(1, 3) g) AS c`,
    `SELECT id, ARRAY(SELECT g FROM generate_series(1, id) g WHERE g % 2 = 1) AS odd FROM (VALUES (1), (4), (5)) v(id) ORDER BY 1`,
    `SELECT (ARRAY[10, 20, 30])[2] AS a, (ARRAY[10, 20, 30])[0] AS b, (ARRAY[10, 20, 30])[4] AS c, (ARRAY['x', NULL])[2] AS d,
       (ARRAY[[1, 2], [3, 4]])[1] AS e, ('{}'::int[])[1] AS f`,
    `SELECT array_upper(ARRAY[1, 2, 3], 1) AS a, array_upper(ARRAY[1], 2) AS b, array_lower(ARRAY[5, 6], 1) AS c, array_length(ARRAY[[1, 2], [3, 4], [5, 6]], 1) AS d,
       array_length(ARRAY[[1, 2], [3, 4], [5, 6]], 2) AS e, array_upper('{}'::int[], 1) AS f, array_length(ARRAY[1], 0) AS g`,
    `SELECT array_to_string(ARRAY['a', NULL, 'b'], ', ') AS a, array_to_string(ARRAY['a', NULL, 'b'], ', ', '*') AS b,
       array_to_string(ARRAY[1.5, 2], '|') AS c, array_to_string(ARRAY[true, false], ',') AS d, array_to_string('{}'::text[], ',') AS e,
       array_to_string(ARRAY[[1, 2], [3, 4]], '-') AS f, array_to_string(ARRAY[1], NULL) AS g`,
    'SELECT * FROM generate_series(5, 7) WITH ORDINALITY',
    'SELECT g.v, g.n FROM generate_series(10, 1, -3) WITH ORDINALITY AS g(v, n) ORDER BY n DESC',
    `SELECT x, o FROM unnest(ARRAY['a', 'b', NULL]) WITH ORDINALITY AS u(x, o)`,
    `SELECT s.i, u.x, u.n FROM generate_series(1, 2) s(i), LATERAL unnest(ARRAY[s.i * 10, s.i * 20]) WITH ORDINALITY u(x, n) ORDER BY 1, 3`,
    `SELECT (SELECT string_agg(g::text, ',') FROM pg_catalog.generate_series(0, pg_catalog.array_upper(a, 1)) g WHERE a[g] IS NOT NULL) FROM (VALUES (ARRAY[7, 8, 9]::int2[])) v(a)`,
  ]);
});

test('errors of the new forms are PostgreSQL\'s', async () => {
  await all([
    `SELECT (1)[1]`,
    `SELECT ARRAY(SELECT 1, 2)`,
    `SELECT * FROM generate_series(1, 2) WITH ORDINALITY AS g(a, b, c)`,
  ]);
});
