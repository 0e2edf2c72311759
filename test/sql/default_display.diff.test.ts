/**
 * Column defaults as PostgreSQL's catalog shows them, against PGlite (PostgreSQL 18 +
 * pgvector): an `ARRAY[...]::t[]` default with the cast pushed into its elements
 * (transformArrayExpr; `ARRAY[(1)::bigint, (2)::bigint]`, `ARRAY['ok'::mood]`,
 * `ARRAY[]::integer[]`), and a NULL default, which PostgreSQL does not store at all
 * (AddRelationNewConstraints) unless a coercion to the column's typmod wraps it. The rows the
 * defaults give are compared too.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { both, checkAll } = await openSqlPair();

test('ARRAY[...]::t[] and NULL defaults in information_schema, pg_attrdef and the rows they give', async () => {
  await both("CREATE TYPE dd_mood AS ENUM ('ok', 'sad')");
  await both(`CREATE TABLE dd (id int,
    a text[] DEFAULT ARRAY['x']::text[], b bigint[] DEFAULT ARRAY[1, 2]::bigint[], c int[] DEFAULT ARRAY[]::int[],
    d varchar(3)[] DEFAULT ARRAY['a']::varchar[], f numeric[] DEFAULT ARRAY[1.5]::numeric[],
    g dd_mood[] DEFAULT ARRAY['ok', 'sad']::dd_mood[], h int[] DEFAULT ARRAY[[1], [2]]::int[],
    i bigint[] DEFAULT ARRAY[[1]]::int8[], j float8[] DEFAULT ARRAY[1]::float8[], k text[] DEFAULT ARRAY['x', NULL]::text[],
    l int[] DEFAULT ARRAY[-1]::int[],
    n1 text DEFAULT NULL, n2 text DEFAULT NULL::text, n3 int DEFAULT NULL::int, n4 varchar(3) DEFAULT NULL,
    n5 varchar(3) DEFAULT NULL::varchar, n6 numeric(5, 2) DEFAULT NULL, n7 vector(3) DEFAULT NULL, n8 dd_mood DEFAULT NULL)`);
  await both('ALTER TABLE dd ADD COLUMN n9 int DEFAULT NULL, ADD COLUMN n10 bigint DEFAULT NULL::bigint, ADD COLUMN n11 int DEFAULT 1');
  await both('ALTER TABLE dd ALTER COLUMN n11 SET DEFAULT NULL, ALTER COLUMN a SET DEFAULT NULL::text[]');
  await both('INSERT INTO dd (id) VALUES (1)');
  await checkAll('defaults', [
    "SELECT column_name::text, column_default::text FROM information_schema.columns WHERE table_name = 'dd' ORDER BY ordinal_position",
    "SELECT a.attname::text, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = 'dd'::regclass ORDER BY d.adnum",
    "SELECT a.attname::text, a.atthasdef FROM pg_attribute a WHERE a.attrelid = 'dd'::regclass AND a.attnum > 0 ORDER BY a.attnum",
    'SELECT a::text, b::text, c::text, d::text, f::text, g::text, h::text, i::text, j::text, k::text, l::text, n1, n4, n6, n7, n8, n9, n10, n11 FROM dd',
    'CREATE TABLE dd2 (z int DEFAULT NULL DEFAULT 1)',
  ]);
});
