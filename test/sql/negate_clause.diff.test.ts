/**
 * NOT simplified as PostgreSQL's eval_const_expressions simplifies it (negate_clause), against
 * PostgreSQL (PGlite): a comparison becomes its negator, so `NOT (a > 5)` is the index qual
 * `a <= 5`; IS [NOT] NULL and IS [NOT] TRUE / FALSE / UNKNOWN flip; NOT NOT cancels; NOT of
 * AND / OR is De Morgan's OR / AND; NOT BETWEEN is `a < lo OR a > hi`. The answers, NULLs
 * included, and the plans (COSTS OFF) are compared.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { both, checkAll } = await openSqlPair();

await both(`CREATE TABLE ng (id int PRIMARY KEY, a int, b text, f float8, ok bool)`);
await both(`CREATE INDEX ng_a ON ng (a)`);
await both(`INSERT INTO ng SELECT g, CASE WHEN g % 17 = 0 THEN NULL ELSE g END, CASE WHEN g % 13 = 0 THEN NULL ELSE 'x' || g END,
  CASE WHEN g % 19 = 0 THEN 'NaN'::float8 WHEN g % 23 = 0 THEN NULL ELSE g / 7.0 END,
  CASE WHEN g % 3 = 0 THEN NULL ELSE g % 2 = 0 END FROM generate_series(1, 2000) g`);
await both(`ANALYZE ng`);

const QUERIES = [
  `SELECT id FROM ng WHERE NOT (a > 5) ORDER BY id`,
  `SELECT id FROM ng WHERE NOT (a <> 7)`,
  `SELECT id FROM ng WHERE NOT (a >= 1990) AND NOT (a < 1980) ORDER BY id`,
  `SELECT count(*) FROM ng WHERE NOT (a BETWEEN 5 AND 1990)`,
  `SELECT count(*) FROM ng WHERE NOT (a IS NULL)`,
  `SELECT count(*) FROM ng WHERE NOT (a IS NOT NULL)`,
  `SELECT count(*) FROM ng WHERE NOT (b LIKE 'x1%' OR a IS NULL)`,
  `SELECT count(*) FROM ng WHERE NOT (b ILIKE 'X2%' AND a < 500)`,
  `SELECT count(*) FROM ng WHERE NOT (b ~ '^x1[0-9]$')`,
  `SELECT id FROM ng WHERE NOT NOT (a = 3)`,
  `SELECT count(*) FROM ng WHERE NOT (ok IS TRUE)`,
  `SELECT count(*) FROM ng WHERE NOT (ok IS NOT FALSE)`,
  `SELECT count(*) FROM ng WHERE NOT (ok IS UNKNOWN)`,
  `SELECT count(*) FROM ng WHERE NOT ok`,
  `SELECT count(*) FROM ng WHERE NOT (f < 100)`,
  `SELECT count(*) FROM ng WHERE NOT (f = 'NaN')`,
  `SELECT count(*) FROM ng WHERE NOT (f > 'NaN'::float8 OR f <= 3)`,
  `SELECT id, NOT (a > 10) AS n, NOT (b = 'x4' AND a IS NOT NULL) AS m FROM ng WHERE id < 30 ORDER BY id`,
  `SELECT count(*) FROM ng WHERE NOT (a IN (1, 2, 3))`,
  `SELECT count(*) FROM ng WHERE NOT (a = ANY ('{1,2,3}'))`,
  `SELECT count(*) FROM ng WHERE NOT (a > 5 AND (b = 'x9' OR NOT (f < 2)))`,
  `SELECT count(*) FROM ng WHERE NOT EXISTS (SELECT 1 FROM ng n2 WHERE n2.a = ng.id + 1)`,
];

test('NOT simplified: the answers PostgreSQL gives', async () => {
  await checkAll('NOT answers', QUERIES);
});

test('NOT simplified: the plans PostgreSQL makes', async () => {
  await checkAll('NOT plans', QUERIES.map((q) => `EXPLAIN (COSTS OFF) ${q}`));
});
