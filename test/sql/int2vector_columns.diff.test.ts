/**
 * The int2vector / oidvector catalog columns (pg_index.indkey, indclass, indoption) against
 * PostgreSQL + pgvector (PGlite): read as the arrays they are by `= ANY (...)`, `ALL`, and
 * `unnest(...)` (also in FROM, WITH ORDINALITY), printed as PostgreSQL prints them (`3 2`), with
 * each key's operator class oid (the type's default B-tree class for primary keys and plain
 * indexes), subscripted from 0 (`indkey[0]`, `generate_subscripts(indkey, 1)`), also through a
 * subquery's column. TypeORM's index query, which joins pg_attribute on `attnum = ANY (indkey)`
 * on every schema synchronization, and Prisma's, which pairs `indkey[i]` with
 * `generate_subscripts(indkey, 1)`, run as on PostgreSQL. Known difference: slices
 * (`indkey[0:1]`) are 0A000.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { checkAll, both } = await openSqlPair();

await both(`CREATE TABLE iv (id serial PRIMARY KEY, a int, b text, c bigint, d uuid, e jsonb, f int[])`);
await both(`CREATE TABLE iv_text_key (k text PRIMARY KEY, n numeric UNIQUE)`);
await both(`CREATE INDEX iv_ba ON iv (b, a)`);
await both(`CREATE UNIQUE INDEX iv_c ON iv (c) WHERE c > 0`);
await both(`CREATE INDEX iv_expr ON iv (lower(b))`);
await both(`CREATE INDEX iv_def ON iv (d, e, f)`);

test('int2vector and oidvector columns read as arrays by ANY, ALL, unnest and zero-based subscripts', async () => {
  await checkAll('int2vector columns', [
    `SELECT "ns"."nspname" AS "table_schema", "t"."relname" AS "table_name", "i"."relname" AS "constraint_name", "a"."attname" AS "column_name",
       CASE "ix"."indisunique" WHEN 't' THEN 'TRUE' ELSE'FALSE' END AS "is_unique", pg_get_expr("ix"."indpred", "ix"."indrelid") AS "condition",
       "types"."typname" AS "type_name", "am"."amname" AS "index_type"
     FROM "pg_class" "t" INNER JOIN "pg_index" "ix" ON "ix"."indrelid" = "t"."oid"
     INNER JOIN "pg_attribute" "a" ON "a"."attrelid" = "t"."oid"  AND "a"."attnum" = ANY ("ix"."indkey")
     INNER JOIN "pg_namespace" "ns" ON "ns"."oid" = "t"."relnamespace" INNER JOIN "pg_class" "i" ON "i"."oid" = "ix"."indexrelid"
     INNER JOIN "pg_type" "types" ON "types"."oid" = "a"."atttypid" INNER JOIN "pg_am" "am" ON "i"."relam" = "am"."oid"
     LEFT JOIN "pg_constraint" "cnst" ON "cnst"."conname" = "i"."relname"
     WHERE "t"."relkind" IN ('r', 'p') AND "cnst"."contype" IS NULL AND (("ns"."nspname" = 'public' AND "t"."relname" = 'iv')) ORDER BY 3, 4`,
    `SELECT i.indexrelid::regclass AS idx, unnest(i.indkey) AS k FROM pg_index i WHERE i.indrelid = 'iv'::regclass ORDER BY 1, 2`,
    `SELECT i.indexrelid::regclass AS idx, k, n FROM pg_index i, unnest(i.indkey) WITH ORDINALITY AS u(k, n) WHERE i.indrelid = 'iv'::regclass ORDER BY 1, n`,
    `SELECT i.indexrelid::regclass AS idx, a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
       WHERE i.indrelid IN ('iv'::regclass, 'iv_text_key'::regclass) ORDER BY 1, 2`,
    `SELECT count(*) FROM pg_index i WHERE 2 = ALL (i.indkey) AND i.indrelid = 'iv'::regclass`,
    `SELECT count(*) FROM pg_index i WHERE 0 < ANY (i.indclass) AND i.indrelid = 'iv'::regclass`,
    `SELECT i.indexrelid::regclass AS idx, indkey, indclass::text, indoption FROM pg_index i WHERE indrelid IN ('iv'::regclass, 'iv_text_key'::regclass) ORDER BY 1`,
    `SELECT i.indexrelid::regclass AS idx, unnest(indclass) FROM pg_index i WHERE indrelid = 'iv_text_key'::regclass ORDER BY 1, 2`,
    `SELECT indexrelid::regclass AS idx, indkey[0], indkey[1], indkey[2], indkey[-1], indclass[1], indoption[0] FROM pg_index WHERE indrelid = 'iv'::regclass ORDER BY 1`,
    `SELECT indexrelid::regclass AS idx, generate_subscripts(indkey, 1) FROM pg_index WHERE indrelid = 'iv'::regclass ORDER BY 1, 2`,
    `SELECT indexrelid::regclass AS idx, generate_subscripts(indclass, 1, true) FROM pg_index WHERE indrelid = 'iv'::regclass ORDER BY 1, 2`,
    `SELECT i.indexrelid::regclass AS idx, s, i.indkey[s] FROM pg_index i, generate_subscripts(i.indkey, 1) s WHERE indrelid = 'iv'::regclass ORDER BY 1, 2`,
    `SELECT k[0], k FROM (SELECT indkey AS k FROM pg_index WHERE indrelid = 'iv'::regclass) s ORDER BY 2`,
    // Prisma's index introspection: a subquery pairs each key with its zero-based subscript.
    `SELECT indexInfos.relname AS name, columnInfos.attname AS column_name, rawIndex.indisunique AS is_unique,
       rawIndex.indisprimary AS is_primary_key, tableInfos.relname AS table_name, rawIndex.indkeyidx,
       pg_get_indexdef(rawIndex.indexrelid) AS definition
     FROM pg_class tableInfos, pg_class indexInfos,
       (SELECT indrelid, indexrelid, indisunique, indisprimary, pg_index.indkey AS indkey, generate_subscripts(pg_index.indkey, 1) AS indkeyidx
        FROM pg_index WHERE indpred IS NULL AND NOT indisexclusion) rawIndex,
       pg_attribute columnInfos, pg_namespace schemaInfo
     WHERE tableInfos.oid = rawIndex.indrelid AND indexInfos.oid = rawIndex.indexrelid AND columnInfos.attrelid = tableInfos.oid
       AND columnInfos.attnum = rawIndex.indkey[rawIndex.indkeyidx] AND tableInfos.relkind IN ('r', 'p')
       AND tableInfos.relnamespace = schemaInfo.oid AND schemaInfo.nspname = 'public'
     ORDER BY name, indkeyidx`,
  ]);
});
