/**
 * Statements with non-ASCII text, against PGlite (PostgreSQL 18 + pgvector). libpg-query's
 * locations are UTF-8 byte offsets; vecgres converts them to string offsets where the tree
 * leaves the parser (sql/parser/char_position.ts). Before that, an error after `'é'` or an
 * emoji was placed one position per extra byte too far, and a view whose text held a
 * non-ASCII character (or followed one in a script) could not be created: its query was cut
 * from the text at byte offsets. PostgreSQL reports positions in characters.
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

test('views, defaults and checks written with non-ASCII text, alone and after such statements in a script', async () => {
  const script = "SELECT '日本語😀';\nCREATE VIEW mb_v AS SELECT 'ü' AS a, 2 AS b -- ß\n;\nCREATE TABLE mb_t (id int DEFAULT 5, c text DEFAULT 'ñ' CHECK (c <> 'ß'));\nCREATE VIEW mb_w AS SELECT 'é😀' AS c, * FROM mb_v; INSERT INTO mb_t (id) VALUES (1)";
  await db.exec(script);
  await oracle.exec(script);
  await checkAll('multibyte views', [
    'SELECT * FROM mb_v',
    'SELECT * FROM mb_w',
    'SELECT * FROM mb_t',
    "INSERT INTO mb_t VALUES (2, 'ß')",
    "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'mb_t_c_check'",
    "SELECT column_name::text, column_default::text FROM information_schema.columns WHERE table_name = 'mb_t' ORDER BY 1",
  ]);
});
