/**
 * Multiple-column assignment in UPDATE against PGlite: `SET (a, b) = (x, y)`, `= ROW(x, y)`,
 * `= (SELECT x, y ...)` (correlated or not; one row, none giving NULLs, more 21000), DEFAULT
 * inside a row, mixed with ordinary assignments and UPDATE ... FROM, assignment coercions,
 * identity and serial columns, ON CONFLICT DO UPDATE SET (a, b) = (EXCLUDED.a, EXCLUDED.b),
 * EXPLAIN of the sub-SELECT forms (SubPlan per row, InitPlan once), and PostgreSQL's errors:
 * column count 42601, a column assigned twice 42601, a source that is neither a row nor a
 * sub-SELECT 0A000, 42703, 42804, 428C9. A failed statement changes nothing.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { both, checkAll } = await openSqlPair();

const ROWS = 'SELECT * FROM t ORDER BY id';

await both(`CREATE TABLE t (id int PRIMARY KEY, a int DEFAULT 42, b text, c float8, s serial, g int GENERATED ALWAYS AS IDENTITY, v vector(2))`);
await both(`CREATE TABLE u (id int PRIMARY KEY, x int, y text, w vector(2))`);
await both(`INSERT INTO t (id, a, b, c, v) VALUES (1, 1, 'one', 1.5, '[1,1]'), (2, 2, 'two', 2.5, NULL), (3, 3, 'three', NULL, '[3,0]'), (4, NULL, NULL, 4.5, '[0,4]')`);
await both(`INSERT INTO u VALUES (1, 10, 'ten', '[10,0]'), (2, 20, 'twenty', NULL), (5, 50, 'fifty', '[5,5]'), (6, 50, 'fiftyb', '[6,6]')`);

test('SET (a, b) = (x, y) and ROW(x, y): values, DEFAULT inside the row, coercions, mixed with ordinary assignments', async () => {
  await checkAll('row forms', [
    ROWS,
    `UPDATE t SET (a, b) = (8, 'x') WHERE id = 1 RETURNING *`,
    `UPDATE t SET (a, b) = ROW(9, 'y') WHERE id = 1 RETURNING *`,
    `UPDATE t SET (a) = ROW(7) WHERE id = 1 RETURNING a, b`,
    `UPDATE t SET (a, b) = (DEFAULT, 'z') WHERE id = 1 RETURNING *`,
    `UPDATE t SET (a, b, v) = (DEFAULT, DEFAULT, DEFAULT) WHERE id = 2 RETURNING *`,
    `UPDATE t SET (s, g) = (DEFAULT, DEFAULT) WHERE id = 3 RETURNING id, s, g`,
    `UPDATE t SET (a, b) = (1, 2) WHERE id = 3 RETURNING a, b`,
    `UPDATE t SET (c, v) = (a * 2, '[9,9]') WHERE id >= 3 RETURNING id, c, v`,
    `UPDATE t SET b = 'w', (a, c) = (t.a + 1, t.c * 2), id = id WHERE id = 2 RETURNING *`,
    `UPDATE t SET (a, b) = ((SELECT max(x) FROM u), upper(b)) WHERE id = 4 RETURNING a, b`,
    `UPDATE t SET (a, b) = (u.x, u.y), c = 0 FROM u WHERE u.id = t.id RETURNING t.id, a, b, c, u.w`,
    `UPDATE t SET (b, a) = ($1, $2) WHERE id = 4 RETURNING a, b`,
    ROWS,
  ].map((q) => (q.includes('$1') ? ([q, ['param', 17]] as [string, unknown[]]) : q)));
});

test('SET (a, b) = (SELECT ...): correlated and not, one row, none (NULLs), FROM items, EXPLAIN', async () => {
  await checkAll('sub-SELECT forms', [
    `UPDATE t SET (a, b) = (SELECT x, y FROM u WHERE u.id = t.id) RETURNING id, a, b`,
    `UPDATE t SET (a, b) = (SELECT x, y FROM u WHERE u.id = 2) WHERE id = 3 RETURNING *`,
    `UPDATE t SET (c, b) = (SELECT 1.5, x FROM u WHERE id = 1) WHERE id = 3 RETURNING c, b`,
    `UPDATE t SET (a, b) = (SELECT x, y FROM u WHERE u.id = t.id + 100) WHERE id < 3 RETURNING id, a, b`,
    `UPDATE t SET (a, b) = (SELECT x, y FROM u WHERE false LIMIT 1) WHERE id = 2 RETURNING *`,
    `UPDATE t SET (a, b) = (SELECT count(*), 'n' || count(*) FROM u WHERE u.x > t.id) WHERE id <= 2 RETURNING id, a, b`,
    `UPDATE t SET (a, b) = (SELECT * FROM (VALUES (5, 'v')) vv) WHERE id = 2 RETURNING a, b`,
    `UPDATE t SET (v, a) = (SELECT w, x FROM u WHERE u.id = t.id), (c) = ROW(u2.x), b = u2.y FROM u u2 WHERE u2.id = t.id RETURNING t.*`,
    `UPDATE t SET (a, b) = (SELECT x, y FROM u WHERE u.id = t.id), c = (SELECT x FROM u WHERE id = 5) WHERE id = 1 RETURNING a, b, c`,
    `UPDATE t SET (a, b) = (SELECT x, y FROM u) WHERE id = 99`,
    `EXPLAIN (COSTS OFF) UPDATE t SET (a, b) = (SELECT x, y FROM u WHERE u.id = t.id) WHERE id = 3`,
    `EXPLAIN (COSTS OFF) UPDATE t SET (a, b) = (SELECT x, y FROM u WHERE u.id = 5) WHERE id = 3`,
    `EXPLAIN (COSTS OFF) UPDATE t SET (a, b) = (1, 'q') WHERE id = 3`,
    ROWS,
  ]);
});

test('multiple-column assignment errors are PostgreSQL\'s and change nothing', async () => {
  await checkAll('errors', [
    `UPDATE t SET (a, b) = (SELECT x, y FROM u WHERE u.x = 50)`,
    `UPDATE t SET (a) = (SELECT 1 UNION SELECT 2) WHERE id = 1`,
    `UPDATE t SET (a, b, c) = (SELECT x, y FROM u WHERE u.id = 2) WHERE id = 3`,
    `UPDATE t SET (a) = (SELECT x, y FROM u WHERE u.id = 2) WHERE id = 3`,
    `UPDATE t SET (a, b) = (1, 'q', 2) WHERE id = 3`,
    `UPDATE t SET (a, b) = ROW(1) WHERE id = 3`,
    `UPDATE t SET (a) = (7) WHERE id = 1`,
    `UPDATE t SET (a, b) = (1) WHERE id = 3`,
    `UPDATE t SET (a, b) = 5 WHERE id = 3`,
    `UPDATE t SET (a, a) = (1, 2) WHERE id = 3`,
    `UPDATE t SET a = 1, (a, b) = (1, 'p') WHERE id = 3`,
    `UPDATE t SET (a, b) = (1, 'p'), b = 'q' WHERE id = 3`,
    `UPDATE t SET (a, zz) = (1, 'p') WHERE id = 3`,
    `UPDATE t SET (a, b) = ('x', 2) WHERE id = 3`,
    `UPDATE t SET (c, a) = (SELECT 1.5, y FROM u WHERE id = 1) WHERE id = 3`,
    `UPDATE t SET (a, g) = (1, 2) WHERE id = 3`,
    `UPDATE t SET (a, g) = (SELECT 1, 2) WHERE id = 3`,
    `UPDATE t SET (id, b) = (SELECT 1, 'x') WHERE id = 2`,
    `UPDATE t SET (a, b) = (SELECT DEFAULT, 'x') WHERE id = 2`,
    ROWS,
  ]);
});

test('ON CONFLICT DO UPDATE SET (a, b) = (EXCLUDED.a, EXCLUDED.b)', async () => {
  await checkAll('ON CONFLICT', [
    `INSERT INTO t (id, a, b, c) VALUES (1, 0, 'c', 0) ON CONFLICT (id) DO UPDATE SET (a, b) = (EXCLUDED.a, EXCLUDED.b) RETURNING id, a, b, c`,
    `INSERT INTO t (id, a, b, c) VALUES (1, 0, 'd', 0), (9, 9, 'nine', 9) ON CONFLICT (id) DO UPDATE SET (a, b) = ROW(EXCLUDED.a + t.a + 5, DEFAULT), c = 9 RETURNING id, a, b, c`,
    `INSERT INTO t AS x (id, a) VALUES (2, 7) ON CONFLICT (id) DO UPDATE SET (b, c) = (x.b || '!', EXCLUDED.a) WHERE x.id = 2 RETURNING id, b, c`,
    `INSERT INTO t (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET (a, b) = (1, 'q', 3)`,
    `INSERT INTO t (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET (a, a) = (1, 3)`,
    `EXPLAIN (COSTS OFF) INSERT INTO t (id, a, b) VALUES (1, 0, 'c') ON CONFLICT (id) DO UPDATE SET (a, b) = (EXCLUDED.a, EXCLUDED.b) WHERE t.a <> EXCLUDED.a`,
    ROWS,
  ]);
});
