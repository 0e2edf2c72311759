/**
 * EXPLAIN prints identifiers as PostgreSQL's quote_identifier does (ExplainScanTarget and
 * ruleutils), checked against PostgreSQL + pgvector (PGlite): relations, aliases, schemas,
 * indexes, CTEs and columns with upper case, spaces or keyword names are double-quoted, plain
 * ones are not. And limit_needed: `OFFSET 0` and `LIMIT ALL` / `LIMIT NULL` plan no Limit node.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { checkAll, both } = await openSqlPair();

await both(`CREATE TABLE "My T" (a int, "B c" int, "select" int)`);
await both(`CREATE TABLE "user" (a int)`);
await both(`CREATE SCHEMA "Sch"`);
await both(`CREATE TABLE "Sch".plain (id int)`);
await both(`CREATE INDEX "My Idx" ON "My T" (a)`);
await both(`INSERT INTO "My T" SELECT g, g % 3, g % 5 FROM generate_series(1, 20) g`);
await both(`CREATE TABLE lim (a int, b int)`);
await both(`INSERT INTO lim SELECT g, g % 3 FROM generate_series(1, 10) g`);

test('EXPLAIN quotes identifiers as quote_identifier', async () => {
  await checkAll('EXPLAIN identifiers', [
    `EXPLAIN (COSTS OFF) SELECT * FROM "My T"`,
    `EXPLAIN (COSTS OFF) SELECT * FROM "My T" "X y" WHERE "B c" = 1`,
    `EXPLAIN (COSTS OFF, VERBOSE) SELECT * FROM "My T" WHERE "B c" = 1 AND "select" > 0`,
    `EXPLAIN (COSTS OFF) SELECT * FROM "user" "select"`,
    `EXPLAIN (COSTS OFF, VERBOSE) SELECT * FROM "Sch".plain`,
    `EXPLAIN (COSTS OFF) WITH "Q" AS MATERIALIZED (SELECT 1) SELECT * FROM "Q"`,
    `EXPLAIN (COSTS OFF) SELECT "B c", count(*) FROM "My T" GROUP BY "B c" ORDER BY "B c"`,
    `EXPLAIN (COSTS OFF, VERBOSE) SELECT t1."B c" FROM "My T" t1 WHERE t1."select" = 2 ORDER BY t1."B c"`,
    `EXPLAIN (COSTS OFF, VERBOSE) SELECT "T 2"."B c", count(*) FROM "My T" "T 2" GROUP BY "T 2"."B c"`,
    `EXPLAIN (COSTS OFF) SELECT * FROM (VALUES (1), (2)) v("Col")`,
    `EXPLAIN (COSTS OFF, VERBOSE) SELECT * FROM (VALUES (1), (2)) v("Col")`,
    `SET enable_seqscan = off`,
    `EXPLAIN (COSTS OFF) SELECT * FROM "My T" WHERE a = 1`,
    `EXPLAIN (COSTS OFF) SELECT * FROM "My T" WHERE a < 1 OR a > 5`,
    `EXPLAIN (COSTS OFF) SELECT a FROM "My T" ORDER BY a LIMIT 2`,
    `RESET enable_seqscan`,
  ]);
});

test('OFFSET 0, LIMIT ALL and LIMIT NULL plan no Limit node (limit_needed)', async () => {
  await checkAll('limit_needed', [
    `EXPLAIN (COSTS OFF) SELECT * FROM (SELECT a FROM lim OFFSET 0) s WHERE a > 3`,
    `EXPLAIN (COSTS OFF) SELECT * FROM lim LIMIT ALL`,
    `EXPLAIN (COSTS OFF) SELECT * FROM lim LIMIT NULL OFFSET NULL`,
    `EXPLAIN (COSTS OFF) SELECT * FROM lim OFFSET 0`,
    `EXPLAIN (COSTS OFF) SELECT * FROM lim OFFSET 0 + 0`,
    `EXPLAIN (COSTS OFF) SELECT * FROM lim OFFSET 0::bigint`,
    `EXPLAIN (COSTS OFF) SELECT * FROM lim OFFSET 1`,
    `EXPLAIN (COSTS OFF) SELECT * FROM lim ORDER BY a LIMIT ALL`,
    `EXPLAIN (COSTS OFF) SELECT * FROM lim ORDER BY a OFFSET 0 ROWS FETCH FIRST 2 ROWS WITH TIES`,
    `SELECT * FROM (SELECT a FROM lim OFFSET 0) s WHERE a > 8 ORDER BY a`,
    `SELECT * FROM lim ORDER BY a LIMIT ALL OFFSET 0`,
    `SELECT * FROM lim ORDER BY a LIMIT NULL OFFSET 8`,
    `SELECT * FROM lim OFFSET -1`,
    `SELECT * FROM lim LIMIT -1`,
  ]);
});
