/**
 * The oid and reg* types (oid, regclass, regtype, regproc, regprocedure, regnamespace),
 * pg_typeof, to_regclass / to_regtype and their casts, against PostgreSQL (PGlite): values,
 * field type OIDs and error texts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openSqlPair } from '../support/sql_pair.js';

const pair = await openSqlPair();
const { check, both } = pair;
const openSqlPairOnce = async () => pair;
await both('CREATE TABLE docs (id int PRIMARY KEY, title text, e vector(2))');
await both('CREATE INDEX docs_e ON docs USING hnsw (e vector_l2_ops)');
await both("INSERT INTO docs VALUES (1, 'b', '[1,2]'), (2, 'a', '[2,1]')");

async function all(sqls: readonly string[]): Promise<void> {
  const mismatches: string[] = [];
  for (const sql of sqls) await check(sql, mismatches);
  assert.deepEqual(mismatches, []);
}

test('oid input, output, range errors and casts as PostgreSQL', async () => {
  await all([
    "SELECT '0'::oid AS a, '16384'::oid AS b, '4294967295'::oid AS c, '-1'::oid AS d, ' 12 '::oid AS e",
    "SELECT '-2147483648'::oid AS a",
    "SELECT '0x10'::oid AS a, '010'::oid AS b, '-0'::oid AS c, ' +7 '::oid AS d, '0X1f'::oid AS e",
    "SELECT '09'::oid AS a",
    "SELECT '4294967296'::oid AS a",
    "SELECT ''::oid AS a",
    "SELECT 'abc'::oid AS a",
    "SELECT '12abc'::oid AS a",
    "SELECT '1.5'::oid AS a",
    'SELECT 1::oid AS a, (-1)::oid AS b, 4294967295::oid AS c, 0::oid AS d',
    'SELECT 4294967296::oid AS a',
    'SELECT (-1)::int8::oid AS a',
    "SELECT 4294967295::oid::int4 AS a, 4294967295::oid::int8 AS b, 7::oid::text AS c, '7'::text::oid AS d",
    'SELECT 5::int2::oid AS a',
    'SELECT 1::oid = 1 AS a, 2::oid > 1::oid AS b, 4294967295::oid > 1::oid AS c, (-1)::oid = -1 AS d, 3::oid <> 3 AS e',
    'SELECT 1::oid = 1::int8 AS a, 5::oid < 7::int8 AS b',
    "SELECT 1::oid = '1' AS a",
    'SELECT x FROM (VALUES (3::oid), (4294967295::oid), (1::oid)) v(x) ORDER BY x',
    'SELECT max(x) AS m, min(x) AS n, count(DISTINCT x) AS c FROM (VALUES (3::oid), (4294967295::oid), (1::oid)) v(x)',
    'SELECT 1::oid + 1 AS a',
    'SELECT 1.5::oid AS a',
    "SELECT ARRAY[1::oid, 2::oid] AS a, '{1,2}'::oid[] AS b",
    'SELECT NULL::oid AS a',
  ]);
});

test('regtype input by PostgreSQL spellings, output as format_type prints', async () => {
  await all([
    "SELECT 'integer'::regtype AS a, 'int4'::regtype AS b, 'character varying'::regtype AS c, 'vector'::regtype AS d",
    "SELECT 'timestamp with time zone'::regtype AS a, 'integer[]'::regtype AS b, 'public.vector'::regtype AS c, 'pg_catalog.int8'::regtype AS d",
    "SELECT 'varchar(10)'::regtype AS a, 'double precision'::regtype AS b, 'bool'::regtype AS c, 'timestamptz'::regtype AS d, 'INT'::regtype AS e",
    "SELECT 'text[]'::regtype AS a, 'bpchar'::regtype AS b, 'character'::regtype AS c, 'numeric(10,2)'::regtype AS d, 'halfvec'::regtype AS e",
    "SELECT 'decimal'::regtype AS a, 'float'::regtype AS b, 'real'::regtype AS c, 'oid'::regtype AS d, 'regclass'::regtype AS e",
    "SELECT ' integer '::regtype AS a",
    "SELECT 'nosuch'::regtype AS a",
    "SELECT 'public.nosuch'::regtype AS a",
    "SELECT 'integer'::regtype::oid AS a, 'vector'::regtype::oid AS b, 'text[]'::regtype::int4 AS c",
    "SELECT 23::regtype AS a, 1043::regtype AS b, 0::regtype AS c, 999999::regtype AS d, 1009::oid::regtype AS e",
    "SELECT 'integer'::regtype = 23 AS a, 'integer'::regtype::text AS b, '-'::regtype::oid AS c",
    "SELECT '23'::regtype AS a",
    'SELECT NULL::regtype AS a',
    "SELECT to_regtype('integer') AS a, to_regtype('nosuch') AS b, to_regtype('vector') AS c, to_regtype('text[]') AS d",
    // A keyword the type grammar does not take is a syntax error, which to_regtype raises too.
    "SELECT 'any'::regtype AS a", "SELECT to_regtype('any') AS a", "SELECT 'user'::regtype AS a", "SELECT 'between'::regtype AS a",
    "SELECT 'any[]'::regtype AS a", "SELECT 'setof'::regtype AS a", "SELECT 'public.any'::regtype AS a, '\"any\"'::regtype AS b",
    "SELECT 'sum(any)'::regprocedure AS a",
    "SELECT 'time without time zone'::regtype AS a, 'time(2) without time zone'::regtype AS b, 'timestamp(3) with time zone'::regtype AS c",
    "SELECT 'national character'::regtype AS a, 'nchar'::regtype AS b, 'char varying'::regtype AS c, 'national character varying(3)'::regtype AS d",
    "SELECT 'national'::regtype AS a", "SELECT 'json'::regtype AS a, 'boolean'::regtype AS b, 'dec'::regtype AS c, 'interval'::regtype AS d",
  ]);
});

test('pg_typeof names the type of any expression', async () => {
  await all([
    "SELECT pg_typeof(1) AS a, pg_typeof(1.5) AS b, pg_typeof('x') AS c, pg_typeof(NULL) AS d, pg_typeof(true) AS e",
    "SELECT pg_typeof(1::int8) AS a, pg_typeof(1::int2) AS b, pg_typeof(1::float4) AS c, pg_typeof(1e300) AS d, pg_typeof(2147483648) AS e",
    "SELECT pg_typeof('x'::text) AS a, pg_typeof('x'::varchar(3)) AS b, pg_typeof('x'::char(2)) AS c, pg_typeof(ARRAY['a']) AS d, pg_typeof(ARRAY[1,2]) AS e",
    "SELECT pg_typeof('[1,2]'::vector) AS a, pg_typeof('[1,2]'::halfvec) AS b, pg_typeof('{1:1}/2'::sparsevec) AS c, pg_typeof(B'101') AS d",
    "SELECT pg_typeof(now()) AS a, pg_typeof(current_date) AS b, pg_typeof('1 day'::interval) AS c, pg_typeof(localtimestamp) AS d",
    "SELECT pg_typeof('{}'::jsonb) AS a, pg_typeof('{}'::json) AS b, pg_typeof(gen_random_uuid()) AS c, pg_typeof('\\x00'::bytea) AS d",
    "SELECT pg_typeof(e) AS a, pg_typeof(id) AS b, pg_typeof(title) AS c, pg_typeof(e <-> '[0,0]') AS d FROM docs WHERE id = 1",
    "SELECT pg_typeof(1::oid) AS a, pg_typeof('docs'::regclass) AS b, pg_typeof(pg_typeof(1)) AS c, pg_typeof(count(*)) AS d FROM docs",
    'SELECT pg_typeof(1)::text AS a, pg_typeof(1) = 23 AS b, pg_typeof(1)::oid AS c',
    "SELECT pg_typeof(sum(id)) AS a, pg_typeof(avg(id)) AS b, pg_typeof(array_agg(title)) AS c FROM docs",
  ]);
});

test('regclass, regnamespace and regproc casts to and from oid', async () => {
  await all([
    "SELECT 'docs'::regclass AS a, 'public.docs'::regclass AS b, 'docs_e'::regclass AS c, 'pg_class'::regclass AS d",
    "SELECT 'pg_class'::regclass::oid AS a, 1259::regclass AS b, 'pg_class'::regclass::int8 AS c, 0::regclass AS d, 999999::regclass AS e",
    "SELECT relname::text FROM pg_class WHERE oid = 'docs'::regclass::oid",
    "SELECT 'docs'::regclass::oid::regclass AS a, 'docs'::regclass::text AS b",
    "SELECT 'nosuch'::regclass",
    "SELECT to_regclass('docs') AS a, to_regclass('nosuch') AS b, to_regclass('public.docs_e') AS c",
    "SELECT 'public'::regnamespace AS a, 'pg_catalog'::regnamespace::oid AS b, 2200::regnamespace AS c, 11::oid::regnamespace AS d",
    "SELECT 'nosuch'::regnamespace",
    "SELECT 0::regproc AS a, '-'::regproc::oid AS b, 0::regprocedure AS c",
    "SELECT 'docs'::regclass = 'docs'::regclass AS a, 'docs'::regclass < 'docs_e'::regclass AS b",
    "SELECT count(*) AS n FROM pg_attribute WHERE attrelid = 'docs'::regclass AND attnum > 0",
    "SELECT 'docs'::regclass::regtype AS a",
  ]);
});

// PGlite is a 32-bit build, where strtoul's unsigned long is 32 bits wide: it reads
// '-2147483649' as 2147483647. A 64-bit PostgreSQL (every server) refuses it, and so does
// vecgres: these cases are checked against native PostgreSQL when PGVECTOR_URL is set.
const nativeUrl = process.env['PGVECTOR_URL'];
test('oid input of negative numbers as a 64-bit PostgreSQL reads it', { skip: nativeUrl === undefined ? 'PGVECTOR_URL not set' : false }, async () => {
  const { ours } = await openSqlPairOnce();
  const client = new pg.Client({ connectionString: nativeUrl });
  await client.connect();
  try {
    for (const text of ['-1', '-2147483648', '-2147483649', '-4294967295', '4294967296', '18446744073709551616']) {
      const sql = `SELECT '${text}'::oid AS a`;
      const want = await client.query(sql).then((r) => ({ ok: true, value: String(r.rows[0].a) }), (e: { code: string; message: string }) => ({ ok: false, value: `${e.code} ${e.message}` }));
      const o = await ours(sql);
      const got = o.ok ? { ok: true, value: String((o.rows as { a: number }[])[0]!.a) } : { ok: false, value: `${o.code} ${o.message}` };
      assert.deepEqual(got, want, sql);
    }
  } finally {
    await client.end();
  }
});
