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

test('two tables of one name from different schemas in one FROM, without aliases', async () => {
  // PostgreSQL's checkNameSpaceConflicts lets different relations share a name when neither has
  // an alias; `t.c` is then ambiguous and `app.t.c` names one (the tables of the test above).
  await checkAll('same-named tables', [
    'SELECT app.t.v, public.t.w FROM app.t JOIN public.t ON app.t.id = public.t.id',
    'SELECT v, w FROM app.t, t ORDER BY v',
    'SELECT t.id FROM app.t, public.t',
    'SELECT id FROM app.t, t',
    'SELECT * FROM app.t JOIN t USING (id)',
    'SELECT public.t.* FROM app.t, t ORDER BY 1',
    'SELECT * FROM t, t',
    'SELECT * FROM app.t, app.t',
    'SELECT * FROM app.t x, t x',
    'SELECT * FROM app.t, t AS t',
    'EXPLAIN (COSTS OFF) SELECT * FROM app.t, public.t',
    'SELECT * FROM app.t LEFT JOIN t ON app.t.id = public.t.id ORDER BY app.t.id',
    'SELECT * FROM app.t, LATERAL (SELECT * FROM t WHERE public.t.id >= app.t.id) s ORDER BY 1, 3',
    'BEGIN',
    'DELETE FROM t USING app.t WHERE t.id = app.t.id',
    'ROLLBACK',
    'BEGIN',
    'UPDATE app.t SET v = public.t.w FROM public.t WHERE app.t.id = public.t.id RETURNING app.t.*',
    'DELETE FROM t USING app.t WHERE public.t.id = app.t.id RETURNING *',
    'ROLLBACK',
  ]);
});
