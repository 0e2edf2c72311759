/**
 * format_type(oid, typmod) against PGlite (format_type.c): oid 0 (`-`), unknown oids (`???`),
 * a NULL typmod versus -1 (`bit` / `"bit"`, `character` / `bpchar`), typmods too small for a
 * length, typmods on types without modifier syntax (`text(5)`), arrays, and the built-in names
 * that ignore a typmod; PostgreSQL's catalog and pseudo-types (name, oid, regclass, "any", time).
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const pair = await openSqlPair();
const { same } = pair;

test('format_type of every vecgres type with NULL, -1, small and usual typmods', async () => {
  const oids = [16, 17, 20, 21, 23, 25, 114, 700, 701, 1042, 1043, 1082, 1114, 1184, 1560, 1562, 1700, 2950, 3802, 1000, 1005, 1007, 1009, 1014, 1015, 1016, 1021, 1022, 1231, 1561, 1563,
    // PostgreSQL's catalog and pseudo-types.
    18, 19, 22, 24, 26, 27, 28, 29, 30, 194, 705, 1002, 1003, 1008, 1010, 1011, 1012, 1028, 1083, 1183, 1266, 1270, 2205, 2206, 2210, 2211, 2249, 2275, 2276, 2277, 2278, 2283];
  for (const typmod of ['NULL', '-1', '-7', '0', '3', '4', '5', '14', '655366', '131078']) {
    await same(`SELECT o, format_type(o, ${typmod}) FROM unnest(ARRAY[${oids.join(', ')}]) AS o ORDER BY o`);
  }
});

test('format_type edge cases: oid 0, unknown oids, NULL arguments, wrong arity', async () => {
  for (const sql of [
    'SELECT format_type(0, -1), format_type(0, NULL), format_type(99999, -1), format_type(-5, 1), format_type(NULL, 1), format_type(23, NULL)',
    "SELECT format_type('23', '5'), format_type(1700, '655366')",
    'SELECT format_type(23)',
    'SELECT format_type(23, 1, 2)',
    'SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE false',
  ]) await same(sql);
});

test('a cast literal keeps its typmod in result columns: CREATE TABLE AS, set operations, VALUES', async () => {
  const { both } = pair;
  const selects = [
    "SELECT '1.5'::numeric(5,2) AS a, 2.25::numeric(6,1) AS b, 'ab'::varchar(5) AS c, 'x'::char(3) AS d, '101'::bit(3) AS e, '[1,2]'::vector(2) AS f, '2024-01-01 12:00:00.6'::timestamp(0) AS g, '[1,2]'::halfvec(2) AS h",
    "SELECT 'a'::varchar(3) AS a UNION ALL SELECT 'ab'::varchar(5)",
    "SELECT 'a'::varchar(3) AS a UNION SELECT 'b'::varchar(3)",
    "SELECT * FROM (VALUES ('1'::numeric(4,1)), ('2'::numeric(4,1))) v(a)",
    "SELECT * FROM (VALUES ('1'::numeric(4,1)), ('2'::numeric(5,1))) v(a)",
    "SELECT 1.5::numeric(5,2)::numeric AS a, 'ab'::varchar(5)::text AS b",
  ];
  for (const [i, sql] of selects.entries()) {
    await both(`CREATE TABLE ctas_${i} AS ${sql}`);
    await same(`SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'ctas_${i}'::regclass AND attnum > 0 ORDER BY attnum`);
    await same(`SELECT * FROM ctas_${i} ORDER BY 1`);
  }
});
