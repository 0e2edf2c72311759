/**
 * Cutting long literals out before parsing (sql/parser/long_literals.ts) never changes a parse
 * tree: seeded random statements built from the tokens the cut's scan must follow (comments,
 * nested comments, quoted identifiers, dollar quotes, E'' / B'' / X'' / U&'' strings, literals
 * continued across lines, parameters, numbers) around long literals give, through parseSql,
 * exactly the tree and the locations libpg-query gives for the whole text (as string offsets),
 * or its error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModule, parseSync } from 'libpg-query';
import { loadParser, parseSql } from '../../src/sql/parser/parse.js';
import { CUT_LITERAL_MIN, CUT_TEXT_MIN, blankContinuationComments, cutLongLiterals } from '../../src/sql/parser/long_literals.js';
import { Prng } from '../../src/common/prng.js';
import { locationsToUtf16 } from '../../src/sql/parser/char_position.js';
import { SEED } from '../support/seed.js';

await loadParser();
await loadModule();

const rng = new Prng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
const body = (n: number): string => {
  const parts = ['a', 'b', ' ', "''", '"', '--', '/*', '*/', '$$', '$x$', '\\', '\n', ',', '[0.25,1]', 'e', 'E'];
  let s = '';
  while (s.length < n) s += pick(parts);
  return s;
};
const longLit = (): string => `'${body(CUT_LITERAL_MIN + rng.int(3 * CUT_LITERAL_MIN))}'`;
const piece = (): string => {
  switch (rng.int(14)) {
    case 0: return `-- a ' comment ${pick(['', "'", '$$', '/*'])}\n 1`;
    case 1: return `/* ' /* nested ' */ $$ */ 2`;
    case 2: return `"col ""q"" '"`;
    case 3: return `$$ it's ' $$`;
    case 4: return `$tag$ ${longLit()} $tag$`;
    case 5: return `E'it\\'s \\\\ ${pick(['', "''", '$$', '--'])}'`;
    case 6: return `B'101'`;
    case 7: return `X'1F'`;
    case 8: return `U&'d\\0061t'`;
    // (libpg-query does not continue a literal across a -- comment line, as PostgreSQL does:
    // such text is not cut, and parseSql parses it with the comment blanked.)
    case 9: return `${longLit()}\n${rng.int(10) === 0 ? '-- c\n' : pick(['', '  ', '\n'])}'tail'`;
    case 10: return `$${1 + rng.int(3)}`;
    case 11: return pick(['1.5e3', '0x1F', '42', '.5', '1_000']);
    case 12: return rng.int(20) === 0 ? `'é'` : `'short'`;
    default: return longLit();
  }
};

/**
 * libpg-query's own outcome for `sql`: its statements, or its error message and position. A
 * literal continued across a `--` comment line, which libpg-query rejects, is read as
 * PostgreSQL reads it: the text with those comments blanked (its error where it lies past them).
 */
function direct(sql: string): unknown {
  const outcome = (text: string): { stmts: unknown[] } | { error: string; at: number | undefined } => {
    try {
      const tree = parseSync(text) as { stmts?: unknown[] };
      // parseSql's locations index the JavaScript string (libpg-query's count UTF-8 bytes).
      locationsToUtf16(tree, sql);
      return { stmts: tree.stmts ?? [] };
    } catch (e) {
      const err = e as { message: string; sqlDetails?: { cursorPosition?: number } };
      return { error: err.message, at: err.sqlDetails?.cursorPosition };
    }
  };
  let o = outcome(sql);
  const blanked = 'error' in o ? blankContinuationComments(sql) : null;
  if (blanked !== null) {
    const b = outcome(blanked.text);
    if ('stmts' in b || (b.at ?? -1) > blanked.lastBlanked) o = b;
  }
  return 'stmts' in o ? o.stmts : o;
}

/** parseSql's outcome for `sql` in the same shape. */
function viaCut(sql: string): unknown {
  try {
    return parseSql(sql).map((s) => {
      const raw: Record<string, unknown> = { stmt: s.stmt };
      if (s.source!.start !== 0) raw['stmt_location'] = s.source!.start;
      if (s.source!.end !== sql.length) raw['stmt_len'] = s.source!.end - s.source!.start;
      return raw;
    });
  } catch (e) {
    const err = e as { message: string; position?: number };
    return { error: err.message, at: err.position === undefined ? undefined : err.position - 1 };
  }
}

test('long literals: parseSql gives libpg-query\'s tree, locations and errors for random statements', () => {
  let cut = 0;
  for (let i = 0; i < 300; i++) {
    const items: string[] = [];
    let len = 0;
    while (len < CUT_TEXT_MIN) {
      const p = piece();
      items.push(p);
      len += p.length + 2;
    }
    const shape = rng.int(4);
    const list = items.join(pick([', ', ' || ', ',\n']));
    const sql = shape === 0 ? `SELECT ${list}` : shape === 1 ? `SELECT ${list};\nSELECT ${longLit()}, $1` : shape === 2 ? `INSERT INTO t VALUES (${list})` : `SELECT ${list} ${pick(['', 'FROM', ')', "'"])}`;
    if (cutLongLiterals(sql) !== null) cut++;
    const want = direct(sql);
    const got = viaCut(sql);
    if (Array.isArray(want) && Array.isArray(got)) {
      assert.equal(got.length, want.length, sql.slice(0, 200));
      want.forEach((w, k) => {
        const ws = w as { stmt: unknown; stmt_location?: number; stmt_len?: number };
        const gs = got[k] as { stmt: unknown; stmt_location?: number; stmt_len?: number };
        assert.deepEqual(gs.stmt, ws.stmt, `statement ${k} of seed ${SEED} case ${i}`);
        assert.equal(gs.stmt_location ?? 0, ws.stmt_location ?? 0);
      });
    } else {
      assert.deepEqual(got, want, `seed ${SEED} case ${i}`);
    }
  }
  // Most statements do take the cut path (the rest hold text it leaves whole).
  assert.ok(cut > 150, `only ${cut} of 300 statements were cut`);
});
