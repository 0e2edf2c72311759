/**
 * `IS [NOT] TRUE / FALSE / UNKNOWN` (PostgreSQL's BooleanTest) against PostgreSQL + pgvector
 * (PGlite): values over NULLs (never NULL itself), in WHERE, in the select list, over an outer
 * join's NULL-extended rows and subqueries, EXPLAIN's text, and the 42804 for a non-boolean
 * argument. They were 0A000 "expression BooleanTest is not supported"; the random query
 * generator writes them around `IN (subquery)`.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { both, check } = await openSqlPair();

await both(`CREATE TABLE bt (id int PRIMARY KEY, f boolean, k int)`);
await both(`CREATE TABLE bu (id int, k int)`);
await both(`INSERT INTO bt VALUES (1, true, 1), (2, false, 2), (3, NULL, NULL), (4, true, 3), (5, NULL, 2)`);
await both(`INSERT INTO bu VALUES (1, 1), (2, NULL), (3, 3)`);

test('IS [NOT] TRUE / FALSE / UNKNOWN agree with PostgreSQL', async () => {
  const mismatches: string[] = [];
  const qs = [
    `SELECT id, f IS TRUE, f IS NOT TRUE, f IS FALSE, f IS NOT FALSE, f IS UNKNOWN, f IS NOT UNKNOWN FROM bt ORDER BY id`,
    `SELECT id FROM bt WHERE f IS NOT TRUE ORDER BY id`,
    `SELECT id FROM bt WHERE (k > 1) IS NOT FALSE ORDER BY id`,
    `SELECT id FROM bt WHERE NOT (f IS UNKNOWN) ORDER BY id`,
    `SELECT count(*) FILTER (WHERE f IS NOT TRUE), count(*) FILTER (WHERE k = 2 IS UNKNOWN) FROM bt`,
    `SELECT id, (k IN (SELECT k FROM bu)) IS NOT TRUE, (k NOT IN (SELECT k FROM bu)) IS UNKNOWN FROM bt ORDER BY id`,
    `SELECT bt.id, bu.id FROM bt LEFT JOIN bu ON bu.k = bt.k WHERE (bu.k > 1) IS NOT TRUE ORDER BY 1, 2`,
    `SELECT bt.id, bu.id FROM bt LEFT JOIN bu ON bu.k = bt.k AND (bt.f IS TRUE) ORDER BY 1, 2`,
    `SELECT f IS TRUE AS t, count(*) FROM bt GROUP BY f IS TRUE ORDER BY 1`,
    `SELECT NULL IS TRUE, NULL::boolean IS NOT FALSE, 'true' IS TRUE, 't'::text = 't' IS UNKNOWN`,
    `SELECT id FROM bt WHERE $1::boolean IS NOT TRUE ORDER BY id`,
    `EXPLAIN (COSTS OFF) SELECT id FROM bt WHERE f IS NOT TRUE AND (k > 1) IS UNKNOWN`,
    // A non-boolean argument: 42804 naming the test, at the argument.
    `SELECT 1 IS TRUE`,
    `SELECT k IS NOT FALSE FROM bt`,
  ];
  for (const q of qs) await check(q, mismatches, q.includes('$1') ? [null] : undefined);
  reportMismatches('boolean tests', mismatches, qs.length, SEED);
});

test('a literal that is not a boolean where one is required is 22P02 at the literal', async () => {
  const mismatches: string[] = [];
  const qs = [`SELECT 'x' IS UNKNOWN`, `SELECT id FROM bt WHERE 'nope'`, `SELECT 'yes' AND 'maybe'`, `SELECT NOT 'x'`, `SELECT count(*) FILTER (WHERE 'q') FROM bt`];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('boolean literals', mismatches, qs.length, SEED);
});
