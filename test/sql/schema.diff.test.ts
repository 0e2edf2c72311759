/**
 * Schema-qualified names against PGlite: vecgres has the one schema `public`, so `public.t`
 * is `t`, and a schema that does not exist is PostgreSQL's 3F000 (it used to be ignored:
 * `CREATE TABLE nosuch.t` created `t`).
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { same } = await openSqlPair();

test('CREATE TABLE in a schema that does not exist fails; public.t is t', async () => {
  await same('CREATE TABLE nosuch.t (id int)');
  await same('SELECT * FROM nosuch.t');
  await same('CREATE TABLE public.pt (id int)');
  await same('INSERT INTO pt VALUES (1)');
  await same('INSERT INTO public.pt VALUES (2)');
  await same('SELECT * FROM public.pt ORDER BY id');
  await same('SELECT * FROM pt ORDER BY id');
  await same('CREATE INDEX ON nosuch.pt (id)');
  await same('DROP TABLE nosuch.pt');
  await same('DROP TABLE IF EXISTS nosuch.pt');
  await same('DROP INDEX nosuch.pt_idx');
  await same('SELECT count(*) FROM pt');
  await same('DROP TABLE public.pt');
  await same('SELECT * FROM pt');
});

test('a table named in another schema is not public\'s: writes and utility statements fail and change nothing', async () => {
  // TRUNCATE nosuch.t emptied public.t, INSERT INTO pg_catalog.t wrote into it, REINDEX and
  // REFERENCES took it: the schema was dropped. PostgreSQL: 3F000 for a schema that does not
  // exist in utility statements, 42P01 naming schema.table otherwise.
  await same(`CREATE TABLE sq (a int PRIMARY KEY)`);
  await same(`INSERT INTO sq VALUES (1), (2)`);
  for (const sql of [
    `TRUNCATE nosuch.sq`, `TRUNCATE pg_catalog.sq`, `INSERT INTO pg_catalog.sq VALUES (3)`, `INSERT INTO information_schema.sq VALUES (4)`,
    `INSERT INTO nosuch.sq VALUES (5)`, `UPDATE pg_catalog.sq SET a = 9`, `DELETE FROM information_schema.sq`, `COPY nosuch.sq FROM STDIN`,
    `COPY pg_catalog.sq TO STDOUT`, `REINDEX TABLE nosuch.sq`, `ANALYZE pg_catalog.sq`, `CREATE TABLE sr (b int REFERENCES nosuch.sq)`,
    `CREATE TABLE sr (b int REFERENCES pg_catalog.sq)`, `CREATE TABLE sl (LIKE nosuch.sq)`, `CREATE TABLE sl (LIKE pg_catalog.sq)`,
    `TRUNCATE public.sq, nosuch.sq`,
  ]) await same(sql);
  await same(`SELECT a FROM sq ORDER BY a`);
  await same(`SELECT count(*) FROM pg_class WHERE relname IN ('sr', 'sl')`);
});
