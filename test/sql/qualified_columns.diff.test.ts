/**
 * Column references qualified with the schema, `schema.table.column` and `schema.table.*`
 * (what Prisma writes for every column: `"public"."Task"."status"`), against PGlite: the
 * column of the FROM item that is that table without an alias, at this level or an outer
 * one, and PostgreSQL's errors where none is.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { both, checkAll } = await openSqlPair();

test('schema.table.column names the unaliased FROM item of that table', async () => {
  await both(`CREATE SCHEMA app;
    CREATE TABLE "Task" (id serial PRIMARY KEY, name text, done boolean DEFAULT false);
    CREATE TABLE app.t (id int, v int);
    CREATE TABLE t (id int, w int);
    INSERT INTO "Task" (name) VALUES ('a'), ('b'), ('c');
    INSERT INTO app.t VALUES (1, 10), (2, 20);
    INSERT INTO t VALUES (1, 100)`);
  await checkAll('qualified columns', [
    'SELECT "public"."Task"."id", "public"."Task"."name" FROM "public"."Task" WHERE "public"."Task"."id" > 1 ORDER BY "public"."Task"."id" DESC',
    'SELECT public."Task".* FROM "Task" ORDER BY 1',
    'SELECT public."Task".*, app.t.* FROM "Task", app.t WHERE app.t.id = public."Task".id ORDER BY 1',
    'SELECT app.t.v, x.w FROM app.t JOIN public.t x ON app.t.id = x.id',
    'SELECT app.t.v, t.id FROM app.t',
    'SELECT (SELECT max(app.t.v) FROM app.t WHERE app.t.id <= public."Task".id) FROM "Task" ORDER BY 1',
    'SELECT count(*) FROM "Task" GROUP BY public."Task".done',
    'UPDATE "public"."Task" SET "name" = \'z\' WHERE "public"."Task"."id" = 1 RETURNING "public"."Task"."id", "public"."Task"."name"',
    'DELETE FROM "public"."Task" WHERE "public"."Task"."name" = \'c\' RETURNING "public"."Task".*',
    'INSERT INTO "public"."Task" ("name") VALUES (\'d\') RETURNING "public"."Task"."id", "public"."Task"."done"',
    'SELECT public."Task".id FROM "Task" x',
    'SELECT app.t.v FROM t',
    'SELECT public.t.v FROM app.t',
    'SELECT public.t.* FROM app.t',
    'SELECT nosuch.t.v FROM app.t',
    'SELECT public.nosuch.v FROM app.t',
    'SELECT nosuch.x.* FROM app.t',
    'SELECT a.b.c.d FROM app.t',
    'SELECT a.b.c.* FROM app.t',
  ]);
});
