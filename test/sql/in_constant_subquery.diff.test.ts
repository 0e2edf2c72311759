/**
 * `x IN (SELECT <constant expressions>)`, a subquery without FROM, against PostgreSQL 18
 * (PGlite): PostgreSQL pulls the subquery up and removes it, so the IN is the qual `x = v`
 * of the table, an index qual when an index has x (`id IN (SELECT 5)`: `Index Only Scan
 * using ..._pkey`, `Index Cond: (id = 5)`), not a semi join with a one-row Result. Rows and
 * plans (COSTS OFF) are compared; plans that differ for other reasons are listed with the
 * reason, their rows still compared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { both, checkAll, ours, theirs } = await openSqlPair();

await both(`CREATE TABLE ic (id int PRIMARY KEY, a int, c text)`);
await both(`CREATE INDEX ic_a ON ic (a)`);
await both(`CREATE INDEX ic_c ON ic (c)`);
await both(`CREATE TABLE ic2 (id int, x int)`);
await both(`CREATE INDEX ic2_x ON ic2 (x)`);
await both(`INSERT INTO ic SELECT g, g % 1000, 'c' || (g % 500) FROM generate_series(1, 20000) g`);
await both(`INSERT INTO ic VALUES (20001, NULL, NULL)`);
await both(`INSERT INTO ic2 SELECT g, g % 100 FROM generate_series(1, 10000) g`);
await both(`ANALYZE ic`);
await both(`ANALYZE ic2`);

const SAME_PLAN = [
  `SELECT id FROM ic WHERE id IN (SELECT 5)`,
  `SELECT * FROM ic WHERE id IN (SELECT 5)`,
  `SELECT id FROM ic WHERE a IN (SELECT 5) ORDER BY id`,
  `SELECT id FROM ic WHERE id IN (SELECT 5::bigint)`,
  `SELECT id FROM ic WHERE id IN (SELECT 2 + 3)`,
  `SELECT id FROM ic WHERE (id, a) IN (SELECT 5, 5)`,
  `SELECT id FROM ic WHERE (id, a) IN (SELECT 5, 6)`,
  `SELECT id FROM ic WHERE id IN (SELECT 5) AND a = 5`,
  `SELECT id FROM ic WHERE c IN (SELECT 'c5') ORDER BY id`,
  `SELECT count(*) FROM ic WHERE a IN (SELECT 7)`,
  `SELECT id, (SELECT 1) FROM ic WHERE id IN (SELECT 5) AND a = (SELECT 5)`,
  // Not pulled up: NOT IN, and IN under OR, stay SubPlans.
  `SELECT id FROM ic WHERE id NOT IN (SELECT 5) AND id < 8 ORDER BY id`,
  `SELECT id FROM ic WHERE id IN (SELECT 5) OR id = 6`,
];

/**
 * Plans that differ for reasons other than this pull-up (their rows are compared):
 * - `id IN (SELECT NULL::int)` and `(SELECT 5 WHERE false)`: PostgreSQL folds the qual to
 *   false (a Result with `One-Time Filter: false`); vecgres keeps `id = NULL::integer`, and
 *   plans the subquery with a WHERE as a semi join;
 * - a subquery with LIMIT, an aggregate, a UNION or a volatile function: PostgreSQL joins it by
 *   a Nested Loop over an index scan, vecgres by a hash join;
 * - a correlated `id IN (SELECT a)`: PostgreSQL makes it `id = a`, vecgres runs the SubPlan;
 * - a join: PostgreSQL merges, vecgres loops over the index.
 */
const PLAN_DIFFERS = [
  `SELECT id FROM ic WHERE id IN (SELECT NULL::int)`,
  `SELECT id FROM ic WHERE id IN (SELECT 5 WHERE false)`,
  `SELECT id FROM ic WHERE id IN (SELECT 5 LIMIT 1)`,
  `SELECT id FROM ic WHERE id IN (SELECT max(5))`,
  `SELECT id FROM ic WHERE id IN (SELECT 5 UNION SELECT 6) ORDER BY id`,
  `SELECT id FROM ic WHERE id IN (SELECT (random() * 0)::int + 5)`,
  `SELECT id FROM ic WHERE id IN (SELECT a) ORDER BY id LIMIT 3`,
  `SELECT ic.id FROM ic JOIN ic2 ON ic.id = ic2.id WHERE ic2.x IN (SELECT 5) ORDER BY 1 LIMIT 3`,
];

test('x IN (SELECT constant): the plans PostgreSQL 18 makes', async () => {
  await checkAll('IN over a FROM-less subquery plans', SAME_PLAN.map((q) => `EXPLAIN (COSTS OFF) ${q}`));
});

test('x IN (SELECT constant): the answers PostgreSQL gives', async () => {
  await checkAll('IN over a FROM-less subquery answers', [...SAME_PLAN, ...PLAN_DIFFERS]);
});

test('the plans listed as differing still differ (else they belong with the others)', async () => {
  for (const q of PLAN_DIFFERS) {
    const sql = `EXPLAIN (COSTS OFF) ${q}`;
    assert.notDeepEqual(await ours(sql), await theirs(sql), q);
  }
});

test('bound parameters in the subquery, and UPDATE / DELETE', async () => {
  await checkAll('IN over a FROM-less subquery with parameters', [
    [`EXPLAIN (COSTS OFF) SELECT id FROM ic WHERE id IN (SELECT $1::int)`, [9]],
    [`SELECT id FROM ic WHERE id IN (SELECT $1::int)`, [9]],
    [`SELECT id FROM ic WHERE id IN (SELECT $1::int)`, [null]],
    [`SELECT id FROM ic WHERE a IN (SELECT $1::int) ORDER BY id`, [3]],
  ]);
  await checkAll('IN over a FROM-less subquery in DML', [
    `UPDATE ic SET c = 'u' WHERE id IN (SELECT 11) RETURNING id, c`,
    `DELETE FROM ic WHERE id IN (SELECT 12) RETURNING id`,
    `SELECT * FROM ic WHERE id IN (11, 12) ORDER BY id`,
  ]);
});
