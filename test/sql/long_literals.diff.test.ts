/**
 * Statements with long string literals against PGlite (PostgreSQL 18 + pgvector). Long
 * statements have their long literals cut out before parsing and put back into the tree after
 * (sql/parser/long_literals.ts); these cases check that values, continuation literals, escape
 * strings, dollar quotes, comments, quoted identifiers, literals the grammar keeps outside an
 * A_Const, and error positions after a cut literal come out as PostgreSQL's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';
import { CUT_LITERAL_MIN, CUT_TEXT_MIN, cutLongLiterals } from '../../src/sql/parser/long_literals.js';

const { db, oracle, checkAll, both } = await openSqlPair();

/** A literal body of `n` characters with a doubled quote and a backslash in it. */
const body = (n: number, seed = 0): string => {
  let s = '';
  for (let i = 0; s.length < n; i++) s += String.fromCharCode(97 + ((i * 7 + seed) % 26)) + (i % 50 === 49 ? "''\\" : '');
  return s;
};
const long = `'${body(CUT_TEXT_MIN + 100)}'`;
const mid = `'${body(CUT_LITERAL_MIN * 2, 3)}'`;
const vec = (dim: number, k: number): string => `'[${Array.from({ length: dim }, (_, i) => String(Math.sin(i + k) / 3)).join(',')}]'`;

test('long literals: the cut text parses to the values, constants and positions PostgreSQL gives', async () => {
  // The cases below exercise the cutting (each is long enough and holds a long literal).
  assert.notEqual(cutLongLiterals(`SELECT ${long}`), null);
  assert.equal(cutLongLiterals(`SELECT '${'é'.repeat(CUT_TEXT_MIN)}'`), null, 'non-ASCII text is parsed whole');
  await both('CREATE TABLE lt (id int PRIMARY KEY, note text, embedding vector(300))');
  const rows = Array.from({ length: 40 }, (_, k) => `(${k}, ${k % 3 === 0 ? mid : `'n${k}'`}, ${vec(300, k)})`).join(',\n');
  await checkAll('long literals', [
    `SELECT length(${long}), md5(${long}), ${mid} = ${mid}, 'short'`,
    `SELECT length(${mid}), 'a' || ${mid} || 'b' AS joined`,
    // A literal continued on the next line is one constant.
    `SELECT md5('head'\n${long}), md5(${long}\n  'tail'), md5(${mid}\n\n'x' \n 'y')`,
    `SELECT md5(${long} 'x') IS NULL`,
    `SELECT md5(E'${body(CUT_LITERAL_MIN * 70, 1).replaceAll("''\\", "\\'\\\\")}'), md5(${mid})`,
    `SELECT md5($$${body(CUT_TEXT_MIN, 2)}' $x$ '$$), md5($t$ ${mid} $t$), md5(${mid})`,
    `SELECT /* a comment ' with /* a nested */ quote */ md5(${long}) -- and ' here\n, 1 AS "it's", md5(${mid})`,
    `SELECT "q'uote" FROM (SELECT md5(${long}) AS "q'uote") s`,
    `SELECT md5(U&'${body(CUT_TEXT_MIN, 4).replaceAll('\\', '')}'), md5(${mid}), X'1F', B'101'`,
    `SELECT ${long}::text LIKE 'a%', ${mid} ~ 'q', position('b' IN ${long})`,
    `INSERT INTO lt VALUES ${rows}`,
    'SELECT id, length(note), embedding <-> (SELECT embedding FROM lt WHERE id = 3) AS d FROM lt ORDER BY d, id LIMIT 5',
    `SELECT count(*) FROM lt WHERE note = ${mid}`,
    `UPDATE lt SET note = ${long} WHERE id = 1 RETURNING id, md5(note)`,
    // Errors after a cut literal point where PostgreSQL points.
    `SELECT ${long}, ${mid}, nosuch`,
    `SELECT ${long} FROM lt WHERE nosuch = ${mid}`,
    `SELECT ${vec(300, 1)}::vector(3), ${long}`,
    `SELECT ${long}, ${mid} +`,
    `SELECT ${long}, 1 ++ 2 'x'`,
    `INSERT INTO lt VALUES (100, ${mid}, ${vec(299, 0)})`,
    // The grammar keeps these literals outside an A_Const: the whole text is parsed instead.
    `COMMENT ON TABLE lt IS ${long}`,
    "SELECT md5(obj_description('lt'::regclass, 'pg_class'))",
    `SELECT set_config('search_path', ${mid}, false) = ${mid}`,
    'RESET search_path',
  ]);
});

test('long literals: a script of statements keeps each statement\'s text and error position', async () => {
  const script = `SELECT md5(${long});\nSELECT md5(${mid}) AS a, nosuch;`;
  let ours: { code?: string; position?: unknown; message?: string } = {};
  let theirs: { code?: string; position?: unknown; message?: string } = {};
  try {
    await db.exec(script);
  } catch (e) {
    ours = e as typeof ours;
  }
  try {
    await oracle.exec(script);
  } catch (e) {
    theirs = e as typeof theirs;
  }
  assert.equal(ours.code, theirs.code);
  assert.equal(ours.message, theirs.message);
  assert.equal(String(ours.position), String(theirs.position));
});

test('a constant continued across -- comment lines is one constant, as PostgreSQL (libpg-query alone rejects it)', async () => {
  await checkAll('continuation across comments', [
    "SELECT 'a'\n-- c\n'b'",
    "SELECT 'a' -- x\n  -- y\n'b'\n -- z\n'c' AS x, E'\\n'\n-- c\n'\\t' AS e, B'10'\n--c\n'01' AS b, X'1'\n-- h\n'F' AS h",
    "SELECT U&'d\\0061'\n-- u\n't' AS u, N'n'\n-- n\n'x' AS n",
    // A non-ASCII comment: blanked one space per byte, so locations stay right.
    "SELECT 'a'\n-- é 😀\n'b' AS x, 'ü', nosuch",
    "SELECT 'a'\n-- é\n'b'",
    // Errors past the comment are the continued text's; a C-style comment ends the constant.
    "SELECT 'a'\n-- c\n'b' 'c'",
    "SELECT 'a' -- c\n'b' +",
    "SELECT 'a'\n-- c\n'b' FROM nosuch",
    "SELECT 'a'\n/* c */\n'b'",
    "SELECT $$x$$\n-- c\n'b'",
    // Comments elsewhere, and a '--' inside a constant, are left alone.
    "SELECT '--' -- 'x'\n, 'y'\n-- z\n'w'",
    `SELECT md5(${long}\n-- tail\n'x'), md5(${mid})`,
  ]);
});
