/**
 * A function returning one value in FROM against PostgreSQL + pgvector (PGlite): `SELECT *
 * FROM current_schema()` (TypeORM sends it on connect), SQL value functions (`FROM
 * current_user`), aliases and column aliases, WITH ORDINALITY, a NULL result, calls that read
 * a FROM item to their left (implicitly LATERAL), errors (unknown function, wrong argument
 * types, too many column aliases) and the EXPLAIN shapes. Known differences, left out here:
 * EXPLAIN VERBOSE prints `current_schema()` as the constant vecgres folds it to; a call
 * PostgreSQL folds to a constant (`upper('a')`) is still named by its function in EXPLAIN, where
 * PostgreSQL names the scan by its alias (and plans a bare one as a Result); a name column's
 * width estimate is 8 bytes where PostgreSQL's is 64.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { checkAll, both } = await openSqlPair();

await both(`CREATE TABLE fif (id int PRIMARY KEY, s text, a int[])`);
await both(`INSERT INTO fif VALUES (1, 'ab', '{1,2}'), (2, NULL, NULL), (3, 'Cd', '{}')`);

test('a function returning one value reads as a one-row relation in FROM, as PostgreSQL', async () => {
  await checkAll('scalar functions in FROM', [
    `SELECT * FROM current_schema()`,
    `SELECT * FROM current_schema() AS s`,
    `SELECT * FROM current_schema() AS s(x)`,
    `SELECT s FROM current_schema() s`,
    `SELECT * FROM current_user`,
    `SELECT * FROM session_user AS u`,
    `SELECT * FROM current_database()`,
    `SELECT * FROM upper('abc') WITH ORDINALITY`,
    `SELECT * FROM upper('abc') WITH ORDINALITY AS u(v, n)`,
    `SELECT * FROM upper(NULL)`,
    `SELECT count(*) FROM upper(NULL) u WHERE u IS NULL`,
    `SELECT * FROM version() v WHERE v LIKE 'x%'`,
    `SELECT * FROM coalesce(1, 2)`,
    `SELECT * FROM CAST(1 AS text)`,
    `SELECT * FROM string_to_array('a,b', ',')`,
    `SELECT * FROM array_length(ARRAY[1,2], 1)`,
    `SELECT x FROM pg_typeof(1) x`,
    `SELECT * FROM abs(-4) a, length('xyz') l`,
    `SELECT f.id, u.* FROM fif f, upper(f.s) u ORDER BY f.id`,
    `SELECT f.id, u FROM fif f CROSS JOIN LATERAL cardinality(f.a) u ORDER BY f.id`,
    `SELECT f.id, u.* FROM fif f LEFT JOIN LATERAL lower(f.s) u ON u <> 'ab' ORDER BY f.id`,
    `SELECT (SELECT l FROM length(f.s) l) FROM fif f ORDER BY f.id`,
    `SELECT * FROM length('abc') l(a, b)`,
    `SELECT * FROM length('abc') WITH ORDINALITY l(a, b, c)`,
    `SELECT * FROM nosuchfn()`,
    `SELECT * FROM abs('x')`,
    `SELECT * FROM upper(1)`,
    `SELECT * FROM now() IS NOT NULL`,
    `EXPLAIN (COSTS OFF) SELECT * FROM current_schema()`,
    `EXPLAIN (COSTS OFF) SELECT * FROM current_schema() s`,
    `EXPLAIN (COSTS OFF, VERBOSE) SELECT f.id, u.* FROM (VALUES ('x'), ('y')) f(id), upper(f.id) u`,
    `EXPLAIN (COSTS OFF) SELECT * FROM current_user`,
  ]);
});
