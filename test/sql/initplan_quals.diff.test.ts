/**
 * Constant quals and InitPlan parameters in scans, against PostgreSQL (PGlite):
 * - a WHERE that folds to constant false or NULL (`'...'::timestamptz IS NULL`, `x > 1 AND
 *   false`) is PostgreSQL's one-time filter over no scan, also above joins; FULL JOINs under it
 *   are refused or not as PostgreSQL's planner does;
 * - an uncorrelated scalar subquery compared with an indexed column is an Index Cond reading
 *   the InitPlan's parameter, and the InitPlan is printed once, at the level's top node, even
 *   when the node that first read it is a path the planner dropped.
 * The plans (COSTS OFF) and the answers are compared.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { both, checkAll } = await openSqlPair();

await both(`CREATE TABLE iq (id int PRIMARY KEY, a int, b text, ts timestamptz)`);
await both(`CREATE INDEX iq_a ON iq (a)`);
await both(`CREATE INDEX iq_ts ON iq (ts)`);
await both(`CREATE TABLE iq2 (id int, k int, b text)`);
await both(`INSERT INTO iq SELECT g, g % 1000, 'x' || g, '2024-01-01 00:00+00'::timestamptz + g * interval '1 minute' FROM generate_series(1, 20000) g`);
await both(`INSERT INTO iq2 SELECT g, g % 7, 'y' || (g % 50) FROM generate_series(1, 300) g`);
await both(`ANALYZE iq`);
await both(`ANALYZE iq2`);

const FOLDED = [
  `SELECT * FROM iq WHERE false`,
  `SELECT * FROM iq WHERE NULL`,
  `SELECT * FROM iq WHERE 1 IS NULL`,
  `SELECT * FROM iq WHERE 1 IS NOT NULL AND a = 3 ORDER BY id`,
  `SELECT * FROM iq WHERE a > 1 AND false`,
  `SELECT * FROM iq WHERE a > 1 AND '2023-12-07 17:45:00+05:30'::timestamptz IS NULL`,
  `SELECT * FROM iq WHERE (a > 1 OR true) AND a = 5 ORDER BY id`,
  `SELECT * FROM iq WHERE a = 5 AND (false OR b = 'x5')`,
  `SELECT * FROM iq WHERE a = 5 AND NOT (1 IS NULL) ORDER BY id`,
  `SELECT * FROM iq WHERE a = 5 AND NULL::bool IS UNKNOWN ORDER BY id`,
  `SELECT * FROM iq WHERE a = 5 AND true IS NOT TRUE`,
  `SELECT * FROM iq WHERE a = 5 AND (NULL AND b = 'x5')`,
  `SELECT count(*) FROM iq WHERE a > 1 AND false`,
  `SELECT a, count(*) FROM iq WHERE false GROUP BY a`,
  `SELECT * FROM iq JOIN iq2 ON iq.id = iq2.id WHERE false`,
  `SELECT * FROM iq LEFT JOIN iq2 ON iq.id = iq2.id WHERE iq2.k IS NULL AND 2 IS NULL`,
  `SELECT * FROM iq FULL JOIN iq2 ON iq.a <> iq2.k WHERE false`,
  `SELECT * FROM iq2 x RIGHT JOIN (iq FULL JOIN iq2 ON iq.a <> iq2.k) ON x.id < iq2.id WHERE 3 IS NULL AND iq2.k NOT IN (6, 5)`,
  `SELECT * FROM iq FULL JOIN iq2 ON iq.a <> iq2.k, iq2 y WHERE false`,
  `SELECT * FROM iq FULL JOIN iq2 ON iq.a <> iq2.k WHERE iq.a = 1 AND iq.a = 2`,
  `SELECT * FROM iq FULL JOIN iq2 ON iq.id = iq2.id WHERE false`,
  `SELECT 1 WHERE NULL`,
  `SELECT * FROM (SELECT * FROM iq WHERE 1 IS NULL) s JOIN iq2 ON s.id = iq2.id`,
];

const INITPLANS = [
  `SELECT * FROM iq WHERE a = (SELECT 5) ORDER BY b`,
  `SELECT * FROM iq WHERE a = (SELECT max(k) FROM iq2) ORDER BY id`,
  `SELECT * FROM iq WHERE a > (SELECT max(a) - 2 FROM iq) ORDER BY id LIMIT 3`,
  `SELECT count(*) FROM iq WHERE a BETWEEN (SELECT 3) AND (SELECT 4)`,
  `SELECT id FROM iq WHERE a = 5 AND b = (SELECT 'x5')`,
  `SELECT id FROM iq WHERE a < 3 AND b = (SELECT 'x1002')`,
  `SELECT id FROM iq WHERE ts > (SELECT max(ts) - interval '5 minutes' FROM iq) ORDER BY id`,
  `SELECT id FROM iq WHERE ts >= (SELECT '2024-01-05'::timestamptz) AND ts < (SELECT '2024-01-05 00:10'::timestamptz) ORDER BY ts`,
  `SELECT id FROM iq WHERE id = (SELECT max(a) FROM iq)`,
  `SELECT id FROM iq WHERE a = (SELECT k FROM iq2 WHERE id = 10) OR a = (SELECT k FROM iq2 WHERE id = 11) ORDER BY id`,
  `SELECT id, (SELECT max(k) FROM iq2) AS m FROM iq WHERE a = (SELECT min(k) + 1 FROM iq2) ORDER BY id LIMIT 4`,
  `SELECT iq.id FROM iq JOIN iq2 ON iq.id = iq2.id WHERE iq.a = (SELECT 7) ORDER BY 1`,
  `SELECT id FROM iq WHERE a = (SELECT NULL::int)`,
  // A correlated SubPlan in the filter costs its plan per row (cost_qual_eval), so an ordered
  // index scan that stops after LIMIT rows beats running it for every row and sorting.
  `SELECT id FROM iq o WHERE a = (SELECT k FROM iq2 WHERE iq2.id = o.id) ORDER BY id LIMIT 5`,
  `SELECT id FROM iq o WHERE (SELECT count(*) FROM iq2 WHERE iq2.k = o.a % 7) > 40 ORDER BY ts DESC LIMIT 5`,
  `SELECT id FROM iq o WHERE EXISTS (SELECT 1 FROM iq2 WHERE iq2.b = o.b) OR o.a = 1 ORDER BY id DESC LIMIT 3`,
  `SELECT id FROM iq o WHERE a < 500 AND (SELECT max(k) FROM iq2 WHERE iq2.id = o.a) > 2 ORDER BY id LIMIT 3`,
  `SELECT id FROM iq WHERE a IN ((SELECT 3), (SELECT 4)) ORDER BY id`,
  `SELECT id FROM iq WHERE id IN ((SELECT 3), (SELECT 4), (SELECT NULL::int)) ORDER BY id`,
  `SELECT id FROM iq WHERE a NOT IN ((SELECT 3), 4) AND id < 10 ORDER BY id`,
  `SELECT id FROM iq WHERE a IN (1, (SELECT 1 / 0)) AND id < 10`,
  `SELECT id FROM iq WHERE a IN (id, (SELECT 3), 4) AND id < 10 ORDER BY id`,
  `SELECT id FROM iq WHERE NULL::int IN (1, (SELECT 1 / 0))`,
  `SELECT id FROM iq WHERE id = 3 OR a IN (id - 1, abs(-3), (SELECT 2) + 1) ORDER BY id LIMIT 5`,
  `SELECT id FROM iq WHERE id IN (3, 4)`,
  `SELECT 1 FROM iq WHERE id = 3`,
  `SELECT count(*) FROM iq WHERE id = 3`,
  `SELECT id FROM iq WHERE id = 3 FOR UPDATE`,
];

test('a WHERE that folds to a constant: the plans PostgreSQL makes', async () => {
  await checkAll('folded WHERE plans', FOLDED.map((q) => `EXPLAIN (COSTS OFF) ${q}`));
});

test('a WHERE that folds to a constant: the answers PostgreSQL gives', async () => {
  await checkAll('folded WHERE answers', FOLDED);
});

/**
 * Queries whose plan shape differs from PostgreSQL's for reasons other than these quals, left
 * out of the plan comparison (their answers are compared): a merge join.
 */
const PLAN_SHAPE_DIFFERS = new Set([INITPLANS[11]]);

test('uncorrelated scalar subqueries as index quals: the plans PostgreSQL makes', async () => {
  await checkAll('InitPlan index qual plans', INITPLANS.filter((q) => !PLAN_SHAPE_DIFFERS.has(q)).map((q) => `EXPLAIN (COSTS OFF) ${q}`));
});

test('uncorrelated scalar subqueries as index quals: the answers PostgreSQL gives', async () => {
  await checkAll('InitPlan index qual answers', INITPLANS);
});
