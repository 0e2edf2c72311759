/**
 * An OR of comparisons of one indexed key as one `op ANY (...)` index qual, against PostgreSQL 18
 * (PGlite), which makes it in indxpath.c (match_orclause_to_indexcol, and
 * group_similar_or_args for a BitmapOr whose arms compare other keys too):
 * - `a = 1 OR a = 2 OR 3 = a` is a Bitmap Index Scan (or an Index Scan) with Index Cond
 *   `a = ANY ('{1,2,3}'::integer[])`, the Recheck Cond being the OR as written;
 * - arms on different keys stay a BitmapOr, the arms on one key gathered into one `= ANY`
 *   scan, and PostgreSQL then filters the OR as written as well;
 * - `a < 2 OR a < 5` is `a < ANY ('{2,5}'::integer[])` (scanned up to the greatest value);
 * - text, bigint, a key of a two-key index, InitPlan and bound parameter values; values of
 *   different types are not one array (a BitmapOr, as PostgreSQL);
 * - a filtered k-NN query takes its B-tree bitmap from the `= ANY` qual.
 * Plans (COSTS OFF) and answers are compared; the plans that differ for other reasons are
 * listed with the reason, and their answers are still compared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { db, oracle, both, checkAll, same, ours, theirs } = await openSqlPair();

await both(`CREATE TABLE oa (id int PRIMARY KEY, a int, b int, c text, d bigint, v varchar, cat text)`);
await both(`CREATE INDEX oa_a ON oa (a)`);
await both(`CREATE INDEX oa_b ON oa (b)`);
await both(`CREATE INDEX oa_c ON oa (c)`);
await both(`CREATE INDEX oa_d ON oa (d)`);
await both(`CREATE INDEX oa_v ON oa (v)`);
await both(`CREATE TABLE om (id int, x int, y int)`);
await both(`CREATE INDEX om_xy ON om (x, y)`);
await both(`INSERT INTO oa SELECT g, g % 1000, g % 977, 'c' || (g % 500), g % 3000, 'v' || (g % 400), chr(97 + g % 20) FROM generate_series(1, 20000) g`);
await both(`INSERT INTO oa VALUES (20001, NULL, NULL, NULL, NULL, NULL, NULL)`);
await both(`INSERT INTO om SELECT g, g % 100, g % 37 FROM generate_series(1, 10000) g`);
await both(`ANALYZE oa`);
await both(`ANALYZE om`);

/** Plans PostgreSQL 18 and vecgres make alike. */
const SAME_PLAN = [
  `SELECT id FROM oa WHERE a = 1 OR a = 2 ORDER BY id`,
  `SELECT * FROM oa WHERE a = 1 OR a = 2 OR a = 3 ORDER BY id`,
  `SELECT id FROM oa WHERE 1 = a OR a = 2 OR 3 = a ORDER BY id`,
  `SELECT id FROM oa WHERE 7 = a ORDER BY id`,
  `SELECT count(*) FROM oa WHERE a = 1 OR a = 2`,
  `SELECT a, count(*) FROM oa WHERE a = 1 OR a = 2 GROUP BY a ORDER BY a`,
  `SELECT id FROM oa WHERE a = 1 OR a = 2 OR a = 3 OR a = 4 OR a = 5 OR a = 6 ORDER BY id`,
  // Mixed with other ANDed quals: the OR is the index qual, the rest a Filter.
  `SELECT id FROM oa WHERE (a = 1 OR a = 2) AND b < 500 ORDER BY id`,
  `SELECT id FROM oa WHERE (a = 1 OR a = 2) AND id < 5000 ORDER BY id`,
  // Arms on different keys: a BitmapOr, one `= ANY` scan per key with several arms.
  `SELECT id FROM oa WHERE a = 1 OR b = 2 ORDER BY id`,
  `SELECT id FROM oa WHERE a = 1 OR a = 2 OR b = 3 ORDER BY id`,
  `SELECT id FROM oa WHERE a = 1 OR b = 2 OR a = 3 ORDER BY id`,
  `SELECT id FROM oa WHERE a = 1 OR a = 2 OR b = 3 OR b = 4 ORDER BY id`,
  `SELECT id FROM oa WHERE a = 1 OR b = 2 OR a = 3 OR b = 4 ORDER BY id`,
  `SELECT id FROM oa WHERE a = 1 OR a = 2 OR id = 3 ORDER BY id`,
  `SELECT id FROM oa WHERE a = 1 OR a = 2 OR a IS NULL ORDER BY id`,
  `SELECT id FROM oa WHERE (a = 1 OR a = 2 OR b = 3) AND id < 10000 ORDER BY id`,
  `SELECT id FROM oa WHERE a = 1 OR a = 2 OR c = 'c3' OR c = 'c4' OR id = 5 ORDER BY id`,
  `SELECT count(*) FROM oa WHERE a = 1 OR a = 2 OR b = 3 OR a = 4`,
  `SELECT id FROM oa WHERE a = 1 OR a = 2 OR a = 3 OR id < 3 ORDER BY id`,
  // Values of different types make no array: PostgreSQL keeps a scan per arm.
  `SELECT id FROM oa WHERE a = 1 OR a = 2::bigint ORDER BY id`,
  `SELECT id FROM oa WHERE a = 1 OR a = 2::bigint OR b = 3 ORDER BY id`,
  `SELECT id FROM oa WHERE a = 1::bigint OR a = 2::bigint ORDER BY id`,
  `SELECT id FROM oa WHERE d = 1 OR d = 2 ORDER BY id`,
  `SELECT id FROM oa WHERE d = 1::bigint OR d = 2::bigint ORDER BY id`,
  // A column of the row or a volatile value is no index qual.
  `SELECT id FROM oa WHERE a = 1 OR a = id ORDER BY id`,
  `SELECT id FROM oa WHERE a = abs(-1) OR a = 2 ORDER BY id`,
  `SELECT id FROM oa WHERE a = 1 OR a IN (2, 3) ORDER BY id`,
  // Text and varchar keys.
  `SELECT id FROM oa WHERE c = 'c1' OR c = 'c2' ORDER BY id`,
  `SELECT id FROM oa WHERE c = 'c1' OR 'c2' = c OR c = 'c3' ORDER BY id`,
  `SELECT id FROM oa WHERE v = 'v1' OR v = 'v2' ORDER BY id`,
  `SELECT id FROM oa WHERE c = 'c1' OR c = 'c2'::varchar ORDER BY id`,
  // The primary key: an Index Only Scan with the array.
  `SELECT id FROM oa WHERE id = 1 OR id = 2`,
  `SELECT id FROM oa WHERE id = 1 OR id = 2 OR id = 1`,
  `SELECT id FROM oa WHERE id = 5 OR 6 = id OR id = 7 ORDER BY id`,
  `SELECT id FROM oa WHERE id = 1 OR id = 2 OR id = 20001`,
  // In key order: the rows of an Index Scan with the array need no Sort.
  `SELECT a FROM oa WHERE a = 5 OR a = 6 ORDER BY a LIMIT 3`,
  `SELECT a FROM oa WHERE a = 5 OR a = 6 ORDER BY a DESC LIMIT 3`,
  // A key of a two-key index.
  `SELECT id FROM om WHERE x = 1 OR x = 2 ORDER BY id`,
  `SELECT id FROM om WHERE y = 1 OR y = 2 ORDER BY id`,
  `SELECT id FROM om WHERE x = 1 AND (y = 1 OR y = 2) ORDER BY id`,
  `SELECT id FROM om WHERE (x = 1 OR x = 2) AND y = 3 ORDER BY id`,
  // InitPlan values: an ARRAY[...] of parameters.
  `SELECT id FROM oa WHERE a = 1 OR a = (SELECT 2) ORDER BY id`,
  `SELECT id FROM oa WHERE a = (SELECT 2) OR a = (SELECT 3) ORDER BY id`,
  `SELECT id FROM oa WHERE a = 1 OR a = (SELECT 2) OR a = (SELECT 3) ORDER BY id`,
  // Other operators: `op ANY`, the scan bounded by the greatest (`<`) or least (`>`) value;
  // a group of them under a BitmapOr is not filtered again.
  `SELECT id FROM oa WHERE a < 2 OR a < 5 ORDER BY id`,
  `SELECT id FROM oa WHERE 5 > a OR a < 2 ORDER BY id`,
  `SELECT id FROM oa WHERE a > 998 OR a >= 990 ORDER BY id`,
  `SELECT id FROM oa WHERE a <= 2 OR a <= 1 ORDER BY id`,
  `SELECT id FROM oa WHERE a < 2 OR a = 5 ORDER BY id`,
  `SELECT id FROM oa WHERE a < 2 OR a > 997 ORDER BY id`,
  `SELECT id FROM oa WHERE id < 3 OR id < 5 ORDER BY id`,
  `SELECT id FROM oa WHERE id > 19998 OR id > 19990 ORDER BY id DESC`,
  `SELECT id FROM oa WHERE c < 'c100' OR c < 'c1' ORDER BY id`,
  `SELECT id FROM om WHERE x = 1 AND (y < 2 OR y < 3) ORDER BY id`,
  `SELECT id FROM oa WHERE a < 2 OR b = 3 OR a < 5 ORDER BY id`,
  `SELECT id FROM oa WHERE a < 2 OR b = 3 OR a < 5 OR b = 4 ORDER BY id`,
  `SELECT id FROM oa WHERE a = 1 OR b < 3 OR a = 2 ORDER BY id`,
  `SELECT id FROM oa WHERE a < 2 OR b < 3 OR a < 5 ORDER BY id`,
  `SELECT id FROM oa WHERE a > 998 OR b = 3 OR a > 997 ORDER BY id`,
  `SELECT id FROM oa WHERE a < 2 OR a < 5 OR a IS NULL ORDER BY id`,
  // Joins: the OR of one table's key is that table's index qual.
  `SELECT oa.id FROM oa JOIN om ON oa.id = om.id WHERE oa.a = 1 OR oa.a = 2 ORDER BY 1`,
  // A fifth of the table through the index, as PostgreSQL's leaf-page costs choose.
  `SELECT count(*) FROM oa WHERE a < 100 OR a < 200`,
  // NOT pushed down (negate_clause): `a <> 1 AND a <> 2`.
  `SELECT id FROM oa WHERE NOT (a = 1 OR a = 2) AND id < 10 ORDER BY id`,
];

/**
 * Plans that differ from PostgreSQL's for reasons other than the OR as `= ANY` (their answers
 * are compared):
 * - PostgreSQL folds `a = NULL` (`a < NULL`) to NULL and drops a NULL arm of a WHERE's OR,
 *   and drops a repeated arm (`a = 1 OR a = 1`), before planning; vecgres keeps them (an array
 *   with a NULL or a repeated element, the same rows);
 * - cost: `(a < 2 OR a < 3) AND a > 0` (PostgreSQL: a BitmapOr of both arms with `a > 0`),
 *   `a < (SELECT 2) OR a < 1` (PostgreSQL: the primary key in order with a Filter, vecgres a
 *   scan and a Sort);
 * - an arm that is an AND of quals of two indexes: PostgreSQL makes a BitmapAnd under the
 *   BitmapOr, vecgres scans;
 * - a BitmapAnd of two ORs on two indexes: vecgres orders the AND's inputs by selectivity,
 *   PostgreSQL by cost (the same holds for the equivalent IN lists);
 * - ORs on both keys of a two-key index: PostgreSQL's costs pick a BitmapAnd of two BitmapOrs
 *   (each arm expanded over the other OR), vecgres one scan with both arrays;
 * - an OR over two tables of a join: the hash join's sides are swapped (as without the OR).
 */
const PLAN_DIFFERS = [
  `SELECT id FROM oa WHERE a = 1 OR a = NULL ORDER BY id`,
  `SELECT id FROM oa WHERE a = NULL OR a = NULL ORDER BY id`,
  `SELECT id FROM oa WHERE a = 1 OR a = 1 ORDER BY id`,
  `SELECT id FROM oa WHERE a < 2 OR a < NULL ORDER BY id`,
  `SELECT id FROM oa WHERE a < NULL::int OR a < NULL::int ORDER BY id`,
  `SELECT id FROM oa WHERE (a < 2 OR a < 3) AND a > 0 ORDER BY id`,
  `SELECT id FROM oa WHERE a < (SELECT 2) OR a < 1 ORDER BY id`,
  `SELECT id FROM oa WHERE (a = 1 AND b = 1) OR a = 2 ORDER BY id`,
  `SELECT * FROM oa WHERE (a = 1 OR a = 2) AND (b = 1 OR b = 978) ORDER BY id`,
  `SELECT id FROM oa WHERE (a = 1 OR b = 2 OR a = 3) AND c = 'c1' ORDER BY id`,
  `SELECT id FROM om WHERE (x = 1 OR x = 2) AND (y = 3 OR y = 4) ORDER BY id`,
  `SELECT oa.id FROM oa JOIN om ON oa.id = om.id WHERE oa.a = 1 OR om.x = 2 ORDER BY 1 LIMIT 5`,
];

test('an OR of equalities on one key: the plans PostgreSQL 18 makes', async () => {
  await checkAll('OR as = ANY plans', SAME_PLAN.map((q) => `EXPLAIN (COSTS OFF) ${q}`));
});

test('an OR of equalities on one key: the answers PostgreSQL gives', async () => {
  await checkAll('OR as = ANY answers', [...SAME_PLAN, ...PLAN_DIFFERS]);
});

test('the plans listed as differing still differ (else they belong with the others)', async () => {
  for (const q of PLAN_DIFFERS) {
    const sql = `EXPLAIN (COSTS OFF) ${q}`;
    assert.notDeepEqual(await ours(sql), await theirs(sql), q);
  }
});

test('row estimates: the OR estimated as PostgreSQL does', async () => {
  // EXPLAIN with costs: vecgres' costs are its own, its row estimates are PostgreSQL's.
  const rowsOf = (rows: unknown[]): string[] =>
    rows.flatMap((r) => [...Object.values(r as Record<string, string>)[0]!.matchAll(/rows=(\d+)/g)].map((m) => m[1]!));
  for (const q of [
    `SELECT * FROM oa WHERE a = 1 OR a = 2 OR a = 3`,
    `SELECT id FROM oa WHERE c = 'c1' OR c = 'c2'`,
    `SELECT id FROM oa WHERE a = 1 OR a = 2 OR b = 3`,
    `SELECT id FROM oa WHERE id = 1 OR id = 2`,
  ]) {
    assert.deepEqual(rowsOf((await db.query(`EXPLAIN ${q}`)).rows), rowsOf((await oracle.query(`EXPLAIN ${q}`)).rows), q);
  }
});

test('bound parameters: the array of parameters, the rows PostgreSQL returns', async () => {
  await checkAll('OR of parameters', [
    [`EXPLAIN (COSTS OFF) SELECT id FROM oa WHERE a = $1 OR a = $2 ORDER BY id`, [1, 2]],
    [`SELECT id FROM oa WHERE a = $1 OR a = $2 ORDER BY id`, [1, 2]],
    [`SELECT id FROM oa WHERE a = $1 OR a = $2 ORDER BY id`, [1, null]],
    [`SELECT id FROM oa WHERE c = $1 OR c = $2 OR b = $3 ORDER BY id`, ['c7', 'c8', 9]],
    [`EXPLAIN (COSTS OFF) SELECT id FROM oa WHERE a < $1 OR a < $2 ORDER BY id`, [2, 5]],
    [`SELECT id FROM oa WHERE a < $1 OR a < $2 ORDER BY id`, [2, 5]],
    [`SELECT id FROM oa WHERE a < $1 OR a < $2 ORDER BY id`, [null, 3]],
    [`SELECT id FROM oa WHERE a > $1 OR a > $2 ORDER BY id`, [null, null]],
    [`SELECT id FROM oa WHERE a >= $1 OR a >= $2 ORDER BY id`, [999, 998]],
  ]);
});

test('enable_bitmapscan off: an Index Scan with the array', async () => {
  await both('SET enable_bitmapscan = off');
  try {
    await checkAll('OR as = ANY, no bitmap scans', [
      `EXPLAIN (COSTS OFF) SELECT id FROM oa WHERE a = 1 OR a = 2 ORDER BY id`,
      `SELECT id FROM oa WHERE a = 1 OR a = 2 ORDER BY id`,
      `EXPLAIN (COSTS OFF) SELECT * FROM oa WHERE c = 'c1' OR c = 'c2'`,
      `SELECT * FROM oa WHERE c = 'c1' OR c = 'c2' ORDER BY id`,
    ]);
  } finally {
    await both('RESET enable_bitmapscan');
  }
});

test('a filtered k-NN query: the bitmap from the OR as `= ANY`, PostgreSQL\'s rows', async () => {
  await both(`CREATE TABLE ok (id int PRIMARY KEY, category text, embedding vector(3))`);
  await both(`INSERT INTO ok SELECT g, chr(97 + g % 20), ('[' || g || ',' || (g * 7 % 101) || ',' || (g * 13 % 59) || ']')::vector FROM generate_series(1, 2000) g`);
  await both(`CREATE INDEX ok_cat ON ok (category)`);
  await both(`ANALYZE ok`);
  const knn = `SELECT id, category FROM ok WHERE category = 'a' OR category = 'b' ORDER BY embedding <-> '[100,50,20]' LIMIT 5`;
  await same(knn);
  await same(`SELECT id FROM ok WHERE category = 'c' OR 'd' = category OR category = 'zz' ORDER BY embedding <-> '[7,7,7]', id LIMIT 7`);
  // vecgres only: an HNSW index (PostgreSQL's answer is the exact one compared above).
  await db.exec(`CREATE INDEX ok_hnsw ON ok USING hnsw (embedding vector_l2_ops)`);
  await same(knn);
  const plan = (await db.query(`EXPLAIN (COSTS OFF) ${knn}`)).rows.map((r) => Object.values(r as Record<string, string>)[0]).join('\n');
  assert.match(plan, /Filter Bitmap: Bitmap Index Scan on ok_cat \(Index Cond: \(category = ANY \('\{a,b\}'::text\[\]\)\)\)/, plan);
});
