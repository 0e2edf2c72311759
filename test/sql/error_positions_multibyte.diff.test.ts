/**
 * Error positions in statements with non-ASCII text, against PGlite (PostgreSQL 18 +
 * pgvector). PostgreSQL reports an error's position in characters; parse-tree locations are
 * byte offsets, so an error after `'é'` or an emoji was placed one byte per extra byte too far
 * (sql/parser/char_position.ts). Syntax and analysis errors, in one statement and in a script.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { db, oracle, checkAll, both } = await openSqlPair();

test('analysis and syntax errors after multibyte characters point where PostgreSQL points', async () => {
  await both("CREATE TABLE café (id int PRIMARY KEY, naïve text, v vector(2)); INSERT INTO café VALUES (1, 'ö', '[1,2]')");
  await checkAll('multibyte positions', [
    "SELECT 'é', 1 + 'x'",
    "SELECT 'é😀', nosuch",
    "SELECT 'é😀' AS a FROM nosuch",
    'SELECT naïve, nosuch FROM café',
    'SELECT naïv FROM café',
    "SELECT 'é' FROM FROM",
    "SELECT '日本語' || 1 + 'x'",
    "SELECT * FROM café WHERE naïve = 'ü' AND id = 'z'",
    "INSERT INTO café VALUES (2, 'ß', '[1,2,3]')",
    "INSERT INTO café (id, naïve, nope) VALUES (2, 'ß', '[1,2]')",
    "SELECT v <-> '[1,2,3]' FROM café WHERE naïve = 'ö'",
    "UPDATE café SET naïve = 'é' WHERE nosuch = 1",
    "SELECT 'é' ORDER BY 2",
    "SELECT $1::text || 'ü', nosuch",
  ]);
});

test('a script: the failing statement\'s position counts the characters of the statements before it', async () => {
  const script = "SELECT 'é😀';\nSELECT 'ü' AS a, nosuch;";
  const failure = async (f: () => Promise<unknown>): Promise<{ code?: string; message?: string; position?: unknown }> => {
    try {
      await f();
      return {};
    } catch (e) {
      return e as { code?: string; message?: string; position?: unknown };
    }
  };
  const ours = await failure(() => db.exec(script));
  const theirs = await failure(() => oracle.exec(script));
  assert.equal(ours.code, '42703');
  assert.deepEqual([ours.code, ours.message, String(ours.position)], [theirs.code, theirs.message, String(theirs.position)]);
});
