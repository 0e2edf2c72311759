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
