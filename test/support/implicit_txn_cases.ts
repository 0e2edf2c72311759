/**
 * Multi-statement simple queries whose outcome depends on PostgreSQL's implicit transaction
 * block (postgres.c exec_simple_query, xact.c): all statements commit together, an error rolls
 * all back, BEGIN / COMMIT / ROLLBACK inside change the block, VACUUM and CREATE INDEX
 * CONCURRENTLY refuse to run in it. Shared by the embedded and the wire differential tests;
 * each script is followed by {@link IMPLICIT_TXN_STATE} to compare what was kept.
 */

/** Creates the tables the scripts write (run once on both sides). */
export const IMPLICIT_TXN_SETUP = 'CREATE TABLE t (x int); CREATE TABLE u (id int PRIMARY KEY)';

/** What the scripts left behind, as one text value. */
export const IMPLICIT_TXN_STATE =
  "SELECT coalesce((SELECT string_agg(x::text, ',' ORDER BY x) FROM t), '') || ' | ' || coalesce((SELECT string_agg(id::text, ',' ORDER BY id) FROM u), '') AS kept";

export const IMPLICIT_TXN_SCRIPTS: string[] = [
  'INSERT INTO t VALUES (1); SELECT 1/0',
  'INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); SELECT x FROM t ORDER BY x',
  'INSERT INTO t VALUES (3); COMMIT; INSERT INTO t VALUES (4); SELECT 1/0',
  'INSERT INTO t VALUES (5); ROLLBACK; INSERT INTO t VALUES (6)',
  'INSERT INTO t VALUES (7); BEGIN; INSERT INTO t VALUES (8)',
  'SELECT count(*) FROM t',
  'ROLLBACK',
  'INSERT INTO t VALUES (9); BEGIN; INSERT INTO t VALUES (10); COMMIT; INSERT INTO t VALUES (11); SELECT 1/0',
  'BEGIN; INSERT INTO t VALUES (12); SELECT 1/0',
  'SELECT 1',
  'ROLLBACK; INSERT INTO t VALUES (13)',
  'INSERT INTO u VALUES (1); INSERT INTO u VALUES (2), (1)',
  'INSERT INTO u VALUES (3); UPDATE t SET x = x + 100 WHERE x = 1; DELETE FROM t WHERE x = 2; SELECT 1/0',
  'UPDATE t SET x = x + 100 WHERE x = 1; DELETE FROM t WHERE x = 2; INSERT INTO u VALUES (4) RETURNING id',
  'INSERT INTO t VALUES (14); VACUUM',
  'VACUUM; SELECT 1',
  'SELECT 1; CREATE INDEX CONCURRENTLY ON t (x)',
  'CREATE INDEX CONCURRENTLY ON t (x); SELECT 1',
  'SET LOCAL hnsw.ef_search = 77; SHOW hnsw.ef_search',
  'SHOW hnsw.ef_search',
  'SET hnsw.ef_search = 55; SELECT 1/0',
  'SHOW hnsw.ef_search',
  'INSERT INTO t VALUES (15); COMMIT; SELECT 1/0',
  'CREATE TABLE v (a int); INSERT INTO v VALUES (1); SELECT a FROM v',
  'DROP TABLE v; SELECT 1',
  'COMMIT; INSERT INTO t VALUES (16); ROLLBACK',
  // DDL joins the implicit block and is rolled back with it.
  'INSERT INTO t VALUES (17); CREATE TABLE w (a int); INSERT INTO w VALUES (1); SELECT 1/0',
  'SELECT a FROM w',
  'INSERT INTO t VALUES (18); CREATE TABLE w (a int); INSERT INTO w VALUES (2); SELECT a FROM w',
  'INSERT INTO t VALUES (19); DROP TABLE w; SELECT 1/0',
  'SELECT a FROM w',
  'INSERT INTO u VALUES (20); TRUNCATE t; SELECT 1/0',
  'INSERT INTO u VALUES (21); CREATE INDEX tx ON t (x); DROP INDEX tx; TRUNCATE u; INSERT INTO u VALUES (22); DROP TABLE w',
  'CREATE TABLE w (a int); INSERT INTO w VALUES (3); BEGIN; DROP TABLE w; CREATE TABLE w (b text)',
  'ROLLBACK; SELECT * FROM w',
];
