/**
 * Names from SQL that are also properties of every JavaScript object (`constructor`,
 * `toString`, `__proto__`, ...) must mean nothing special: each statement gets PostgreSQL's
 * answer or error, never an internal error from a registry lookup reaching Object.prototype.
 * A quoted function name keeps its case: `"LOWER"` names no function.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { same } = await openSqlPair();

test('prototype property names are ordinary unknown names', async () => {
  for (const q of [
    `SELECT constructor('a')`,
    `SELECT "toString"(1)`,
    `SELECT "LOWER"('A')`,
    `SELECT "Count"(*) FROM (VALUES (1)) v`,
    `SELECT __proto__(1)`,
    `SELECT hasownproperty('a')`,
    `SELECT * FROM constructor`,
    `SELECT * FROM "toString"`,
    `SELECT * FROM pg_catalog.constructor`,
    `SELECT 1::constructor`,
    `SELECT '1'::"valueOf"`,
    `SELECT 'a' ~ '[[:constructor:]]'`,
    `SELECT 'a' ~ '[[:toString:]]'`,
    `SELECT regexp_replace('a', '[[:constructor:]]', 'b')`,
  ]) await same(q);
  // No such function in FROM: 42883, as PostgreSQL (no rows, where a case-folded name used to answer).
  for (const q of [`SELECT * FROM "UNNEST"(ARRAY[1])`, `SELECT * FROM "Generate_Series"(1, 2)`, `SELECT * FROM constructor('a')`]) await same(q);
});
