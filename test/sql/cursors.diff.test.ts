/**
 * Differential tests of SQL cursors against PostgreSQL (PGlite): DECLARE with its options,
 * FETCH and MOVE in every direction (rows, and the count of the command tag), CLOSE [ALL],
 * the NO SCROLL errors, and what COMMIT, ROLLBACK, savepoints and WITH HOLD do to cursors.
 * Each statement runs on both; rows (as text), field names, the tag's command and count, or
 * the error's SQLSTATE, message, detail and hint must be identical.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { startPglite } from '../support/pglite_start.js';

const pg = await startPglite({ extensions: {} });
const db = await Vecgres.create();
after(async () => {
  await db.close();
  await pg.close();
});

type Outcome = { rows: unknown[]; fields: string[]; command?: string; rowCount?: number } | { code: string; message: string; detail?: string; hint?: string };

/** One statement's outcome; values compared as text (rowMode array, JSON). */
async function outcome(run: () => Promise<{ rows: unknown[]; fields: { name: string }[]; command?: string; rowCount?: number }>): Promise<Outcome> {
  try {
    const r = await run();
    return { rows: JSON.parse(JSON.stringify(r.rows)) as unknown[], fields: r.fields.map((f) => f.name), command: r.command, rowCount: r.rowCount };
  } catch (e) {
    const err = e as { code?: string; message: string; detail?: string; hint?: string };
    if (typeof err.code !== 'string') throw e;
    const o: Outcome = { code: err.code, message: err.message };
    if (err.detail !== undefined) o.detail = err.detail;
    if (err.hint !== undefined) o.hint = err.hint;
    return o;
  }
}

/** Runs each statement on both (PostgreSQL first) and fails with every mismatch. */
async function same(sqls: readonly string[]): Promise<void> {
  const bad: string[] = [];
  for (const sql of sqls) {
    const want = await outcome(() => pg.query(sql, [], { rowMode: 'array' }));
    const got = await outcome(() => db.query(sql, [], { rowMode: 'array' }));
    try {
      assert.deepEqual(got, want);
    } catch {
      bad.push(`${sql}\n  postgres: ${JSON.stringify(want)}\n  vecgres:  ${JSON.stringify(got)}`);
    }
  }
  assert.deepEqual(bad, []);
}

/** Runs a multi-statement script on both (the simple protocol's implicit block) and compares each result. */
async function sameScript(sql: string): Promise<void> {
  const run = async (exec: () => Promise<{ rows: unknown[]; fields: { name: string }[]; command?: string; rowCount?: number }[]>): Promise<unknown> => {
    try {
      const rs = await exec();
      return rs.map((r) => ({ rows: JSON.parse(JSON.stringify(r.rows)) as unknown[], fields: r.fields.map((f) => f.name), command: r.command, rowCount: r.rowCount }));
    } catch (e) {
      const err = e as { code?: string; message: string };
      if (typeof err.code !== 'string') throw e;
      return { code: err.code, message: err.message };
    }
  };
  const want = await run(() => pg.exec(sql));
  const got = await run(() => db.exec(sql));
  assert.deepEqual(got, want, sql);
}

const SETUP = [
  'CREATE TABLE cur (id int PRIMARY KEY, name text, score float8)',
  "INSERT INTO cur SELECT g, 'n' || g, g * 1.5 FROM generate_series(1, 7) g",
  'CREATE TABLE cur2 (k int, v text)',
  "INSERT INTO cur2 VALUES (1, 'a'), (2, 'b'), (1, 'c')",
];
for (const s of SETUP) {
  await pg.exec(s);
  await db.exec(s);
}

test('FETCH in every direction on a SCROLL cursor: rows and tag counts', async () => {
  await same([
    'BEGIN',
    'DECLARE c SCROLL CURSOR FOR SELECT id, name FROM cur ORDER BY id',
    'FETCH c', 'FETCH NEXT FROM c', 'FETCH 2 IN c', 'FETCH FORWARD c', 'FETCH FORWARD 0 FROM c', 'FETCH RELATIVE 0 c', 'FETCH 0 c',
    'FETCH PRIOR FROM c', 'FETCH BACKWARD FROM c', 'FETCH BACKWARD 2 FROM c', 'FETCH BACKWARD 0 FROM c',
    'FETCH FIRST FROM c', 'FETCH LAST FROM c', 'FETCH NEXT FROM c', 'FETCH NEXT FROM c', 'FETCH PRIOR FROM c',
    'FETCH ABSOLUTE 3 FROM c', 'FETCH ABSOLUTE -2 FROM c', 'FETCH ABSOLUTE 0 FROM c', 'FETCH ABSOLUTE 100 FROM c', 'FETCH PRIOR FROM c',
    'FETCH ABSOLUTE -100 FROM c', 'FETCH NEXT FROM c', 'FETCH ABSOLUTE 6 FROM c', 'FETCH ABSOLUTE 2 FROM c',
    'FETCH RELATIVE 2 FROM c', 'FETCH RELATIVE -1 FROM c', 'FETCH RELATIVE -10 FROM c', 'FETCH RELATIVE 10 FROM c', 'FETCH RELATIVE -3 FROM c',
    'FETCH -2 FROM c', 'FETCH FORWARD -1 FROM c', 'FETCH BACKWARD -2 FROM c',
    'FETCH ALL FROM c', 'FETCH ALL FROM c', 'FETCH BACKWARD ALL FROM c', 'FETCH BACKWARD ALL FROM c', 'FETCH FORWARD ALL FROM c',
    'FETCH FIRST c', 'FETCH 3 c', 'FETCH BACKWARD ALL c', 'FETCH LAST c', 'FETCH FORWARD 3 c',
    'COMMIT',
  ]);
});

test('MOVE: counts and the position it leaves', async () => {
  await same([
    'BEGIN',
    'DECLARE m SCROLL CURSOR FOR SELECT id FROM cur ORDER BY id DESC',
    'MOVE m', 'MOVE 2 IN m', 'FETCH m', 'MOVE 0 m', 'MOVE BACKWARD 0 m', 'MOVE PRIOR m', 'FETCH m',
    'MOVE ALL m', 'MOVE 0 m', 'FETCH PRIOR m', 'MOVE BACKWARD ALL m', 'MOVE 0 m', 'FETCH m', 'MOVE LAST m', 'FETCH m',
    'MOVE ABSOLUTE 4 m', 'FETCH m', 'MOVE RELATIVE -2 m', 'FETCH m', 'MOVE FORWARD ALL m', 'MOVE BACKWARD ALL m', 'MOVE BACKWARD ALL m',
    'MOVE ABSOLUTE -1 m', 'MOVE RELATIVE 5 m', 'MOVE FIRST m', 'MOVE FORWARD 100 m', 'MOVE BACKWARD 100 m',
    'DECLARE empty SCROLL CURSOR FOR SELECT id FROM cur WHERE id < 0',
    'FETCH empty', 'FETCH PRIOR empty', 'MOVE ALL empty', 'FETCH LAST empty', 'FETCH ABSOLUTE 1 empty', 'MOVE BACKWARD ALL empty', 'FETCH 0 empty',
    'COMMIT',
  ]);
});

test('NO SCROLL and default cursors: forward moves work, backward ones fail as in PostgreSQL', async () => {
  const ns = (decl: string, moves: readonly string[]): string[] => ['BEGIN', decl, ...moves.flatMap((m) => ['SAVEPOINT s', m, 'ROLLBACK TO s']), 'ROLLBACK'];
  const moves = ['FETCH 2 n', 'FETCH PRIOR n', 'FETCH FIRST n', 'FETCH ABSOLUTE 1 n', 'FETCH ABSOLUTE 3 n', 'FETCH RELATIVE 0 n', 'FETCH 0 n', 'FETCH BACKWARD 0 n', 'FETCH LAST n', 'MOVE BACKWARD ALL n', 'FETCH ABSOLUTE 0 n', 'FETCH ALL n', 'FETCH ABSOLUTE 5 n'];
  await same(ns('DECLARE n NO SCROLL CURSOR FOR SELECT id FROM cur ORDER BY id', ['FETCH FIRST n', 'FETCH ABSOLUTE 1 n', 'FETCH ABSOLUTE 3 n', 'FETCH ABSOLUTE 0 n', 'MOVE BACKWARD ALL n', 'FETCH PRIOR n']));
  await same(['BEGIN', 'DECLARE n NO SCROLL CURSOR FOR SELECT id FROM cur ORDER BY id', 'FETCH 2 n', 'FETCH ABSOLUTE 4 n', 'FETCH RELATIVE 2 n', 'MOVE 0 n', 'FETCH ALL n', 'FETCH 0 n', 'FETCH n', 'ROLLBACK']);
  for (const m of moves) {
    await same(['BEGIN', 'DECLARE n NO SCROLL CURSOR FOR SELECT id FROM cur ORDER BY id', 'FETCH 2 n', m, 'FETCH n', 'ROLLBACK']);
  }
  // Without SCROLL or NO SCROLL, the plan decides (ExecSupportsBackwardScan).
  for (const q of [
    'SELECT id FROM cur ORDER BY id', 'SELECT * FROM cur', 'SELECT * FROM cur WHERE id = 3', 'SELECT count(*) FROM cur', 'SELECT 1',
    'SELECT k, count(*) FROM cur2 GROUP BY k ORDER BY k', 'SELECT DISTINCT k FROM cur2 ORDER BY k', 'VALUES (1), (2)', 'SELECT * FROM generate_series(1, 3)',
    'SELECT id, row_number() OVER (ORDER BY id) FROM cur', 'SELECT a.id FROM cur a JOIN cur2 b ON a.id = b.k ORDER BY 1', 'SELECT id FROM cur ORDER BY id LIMIT 3',
    'SELECT id FROM cur UNION ALL SELECT k FROM cur2', 'SELECT id FROM cur UNION SELECT k FROM cur2 ORDER BY 1',
  ]) {
    await same(['BEGIN', `DECLARE n CURSOR FOR ${q}`, 'FETCH 2 n', 'FETCH PRIOR n', 'ROLLBACK']);
  }
});

test('DECLARE, FETCH and CLOSE errors', async () => {
  await same([
    'DECLARE c CURSOR FOR SELECT 1',
    'FETCH c', 'MOVE c', 'CLOSE c', 'CLOSE ALL',
    'BEGIN',
    'DECLARE c CURSOR FOR SELECT id FROM cur ORDER BY id',
    'DECLARE c CURSOR FOR SELECT 2',
    'ROLLBACK',
    'BEGIN',
    'DECLARE c SCROLL NO SCROLL CURSOR FOR SELECT 1',
    'ROLLBACK',
    'BEGIN',
    'DECLARE c INSENSITIVE ASENSITIVE CURSOR FOR SELECT 1',
    'ROLLBACK',
    'BEGIN',
    'DECLARE c CURSOR FOR SELECT nosuch FROM cur',
    'FETCH c',
    'ROLLBACK',
    'BEGIN',
    'FETCH nosuch', 'ROLLBACK', 'BEGIN',
    'CLOSE nosuch', 'ROLLBACK', 'BEGIN',
    'DECLARE a INSENSITIVE CURSOR FOR SELECT id FROM cur ORDER BY id',
    'DECLARE b ASENSITIVE NO SCROLL CURSOR WITHOUT HOLD FOR SELECT name FROM cur ORDER BY id',
    'FETCH 2 a', 'FETCH 2 b',
    'CLOSE a', 'FETCH a', 'ROLLBACK', 'BEGIN',
    'DECLARE a CURSOR FOR SELECT 1', 'DECLARE b CURSOR FOR SELECT 2',
    'CLOSE ALL', 'FETCH a', 'ROLLBACK', 'BEGIN',
    'DECLARE a CURSOR FOR SELECT 1', 'CLOSE a', 'DECLARE a CURSOR FOR SELECT 3', 'FETCH a',
    'DECLARE "Mixed Case" CURSOR FOR SELECT 4', 'FETCH "Mixed Case"', 'FETCH mixed', 'CLOSE "Mixed Case"',
    'COMMIT',
  ]);
});

test('cursors and transaction ends: COMMIT and ROLLBACK close them, WITH HOLD survives COMMIT', async () => {
  await same([
    'BEGIN', 'DECLARE c CURSOR FOR SELECT id FROM cur ORDER BY id', 'FETCH c', 'COMMIT', 'FETCH c',
    'BEGIN', 'DECLARE c CURSOR FOR SELECT id FROM cur ORDER BY id', 'ROLLBACK', 'FETCH c',
    'BEGIN', 'DECLARE h CURSOR WITH HOLD FOR SELECT id, name FROM cur ORDER BY id', 'FETCH 2 h', 'COMMIT',
    'FETCH h', 'FETCH PRIOR h', 'BEGIN', 'FETCH h', 'ROLLBACK', 'FETCH h', 'CLOSE h', 'FETCH h',
    'BEGIN', 'DECLARE h CURSOR WITH HOLD FOR SELECT id FROM cur ORDER BY id', 'ROLLBACK', 'FETCH h',
    'DECLARE o CURSOR WITH HOLD FOR SELECT id FROM cur ORDER BY id', 'FETCH 3 o', 'MOVE LAST o', 'FETCH o', 'FETCH PRIOR o',
    'DECLARE o CURSOR WITH HOLD FOR SELECT 1', 'CLOSE o',
    'BEGIN', 'DECLARE h2 CURSOR WITH HOLD FOR SELECT id FROM cur ORDER BY id', 'SELECT 1/0', 'COMMIT', 'FETCH h2',
    'BEGIN', 'DECLARE s CURSOR FOR SELECT id FROM cur ORDER BY id', 'INSERT INTO cur VALUES (8, \'n8\', 12)', 'FETCH ALL s', 'ROLLBACK',
    'BEGIN', 'INSERT INTO cur VALUES (9, \'n9\', 13.5)', 'DECLARE s CURSOR FOR SELECT id FROM cur WHERE id > 6 ORDER BY id', 'DELETE FROM cur WHERE id = 9', 'FETCH ALL s', 'ROLLBACK',
    'SELECT count(*) FROM cur',
    // A held cursor whose FETCH failed cannot run again; one moved in a rolled-back block keeps its place.
    'DECLARE hn NO SCROLL CURSOR WITH HOLD FOR SELECT 1 AS x UNION ALL SELECT 2', 'FETCH hn', 'FETCH PRIOR hn', 'FETCH hn', 'CLOSE hn',
    'BEGIN', 'DECLARE k SCROLL CURSOR WITH HOLD FOR SELECT 1 AS x', 'COMMIT', 'BEGIN', 'FETCH k', 'SELECT 1/0', 'ROLLBACK', 'FETCH k', 'FETCH PRIOR k', 'CLOSE k',
  ]);
});

test('cursors and savepoints: ROLLBACK TO closes those declared after it, RELEASE keeps them', async () => {
  await same([
    'BEGIN',
    'DECLARE a SCROLL CURSOR FOR SELECT id FROM cur ORDER BY id',
    'SAVEPOINT s1',
    'DECLARE b CURSOR FOR SELECT id FROM cur ORDER BY id',
    'FETCH 2 a', 'FETCH b',
    'ROLLBACK TO s1',
    'FETCH a', 'FETCH b',
    'SAVEPOINT s2', 'DECLARE c CURSOR FOR SELECT 1', 'RELEASE s2',
    'SAVEPOINT s3', 'DECLARE d CURSOR FOR SELECT 2', 'ROLLBACK TO s3',
    'FETCH c', 'FETCH d',
    'ROLLBACK TO s1', 'FETCH c', 'FETCH a',
    'SAVEPOINT s4', 'DECLARE n NO SCROLL CURSOR FOR SELECT 1', 'FETCH n', 'FETCH PRIOR n', 'FETCH n', 'ROLLBACK TO s4', 'FETCH n',
    'DECLARE n2 NO SCROLL CURSOR FOR SELECT 1', 'SAVEPOINT s5', 'FETCH PRIOR n2', 'ROLLBACK TO s5', 'FETCH n2', 'ROLLBACK TO s5', 'CLOSE n2',
    'COMMIT',
  ]);
});

test('cursors in a multi-statement query (the implicit block) and DISCARD ALL', async () => {
  await sameScript('DECLARE c CURSOR FOR SELECT id FROM cur ORDER BY id; FETCH 2 c; MOVE 1 c; FETCH c; CLOSE c');
  await sameScript('FETCH c');
  await sameScript('BEGIN; DECLARE c CURSOR FOR SELECT 1; FETCH c; MOVE c; COMMIT');
  await sameScript('DECLARE h CURSOR WITH HOLD FOR SELECT id FROM cur ORDER BY id; FETCH h');
  await same(['FETCH h', 'DISCARD ALL', 'FETCH h']);
});

// Over the simple protocol: PostgreSQL also lists the extended protocol's portals (the unnamed
// one of the running query among them), which vecgres does not.
test('pg_cursors lists the open cursors with their statement, options and creation time', async () => {
  const view = 'SELECT name, statement, is_holdable, is_binary, is_scrollable, creation_time >= transaction_timestamp() AND creation_time <= clock_timestamp() AS t FROM pg_cursors ORDER BY name';
  await sameScript('SELECT * FROM pg_cursors');
  await sameScript('BEGIN');
  await sameScript('DECLARE a CURSOR FOR SELECT id FROM cur ORDER BY id');
  await sameScript('DECLARE b NO SCROLL CURSOR FOR SELECT * FROM cur; DECLARE c SCROLL CURSOR WITH HOLD FOR SELECT count(*) FROM cur');
  await sameScript('DECLARE d CURSOR FOR SELECT count(*) FROM cur');
  await sameScript(view);
  await sameScript('SELECT pg_typeof(name), pg_typeof(statement), pg_typeof(is_holdable), pg_typeof(is_binary), pg_typeof(is_scrollable), pg_typeof(creation_time) FROM pg_cursors LIMIT 1');
  await sameScript('COMMIT');
  await sameScript('SELECT name, statement, is_holdable, is_scrollable FROM pg_cursors');
  await sameScript('CLOSE c; SELECT count(*) FROM pg_cursors');
  await sameScript(`BEGIN; DECLARE m CURSOR FOR SELECT 1; SELECT name, statement FROM pg_cursors; COMMIT`);
});

test('a cursor over a query with parameters (the extended protocol binds them)', async () => {
  const bad: string[] = [];
  const steps: [string, unknown[]][] = [
    ['BEGIN', []],
    ['DECLARE p CURSOR FOR SELECT id, name FROM cur WHERE id > $1 AND name <> $2 ORDER BY id', [2, 'n4']],
    ['FETCH 2 p', []],
    ['FETCH ALL p', []],
    ['DECLARE p2 CURSOR FOR SELECT $1::int + 1 AS x', [41]],
    ['FETCH p2', []],
    ['DECLARE p3 CURSOR FOR SELECT $1 AS x', ['abc']],
    ['DECLARE p4 CURSOR FOR SELECT id FROM cur WHERE id = $1', ['nope']],
    ['ROLLBACK', []],
  ];
  for (const [sql, params] of steps) {
    const want = await outcome(() => pg.query(sql, params, { rowMode: 'array' }));
    const got = await outcome(() => db.query(sql, params, { rowMode: 'array' }));
    try {
      assert.deepEqual(got, want);
    } catch {
      bad.push(`${sql}\n  postgres: ${JSON.stringify(want)}\n  vecgres:  ${JSON.stringify(got)}`);
    }
  }
  assert.deepEqual(bad, []);
});

// A known difference, pinned: vecgres runs the query at DECLARE, PostgreSQL as FETCH reaches
// each row. Both fail the block with PostgreSQL's error; the rows before it are not fetched here.
test('a run-time error of the query comes at DECLARE, where PostgreSQL raises it at the FETCH that reaches the row', async () => {
  const decl = 'DECLARE z CURSOR FOR SELECT 10 / (id - 3) AS q FROM cur ORDER BY id';
  await pg.query('BEGIN');
  await db.query('BEGIN');
  await pg.query(decl);
  assert.deepEqual((await pg.query('FETCH 2 z', [], { rowMode: 'array' })).rows, [[-5], [-10]]);
  await assert.rejects(pg.query('FETCH z'), (e: { code?: string; message: string }) => e.code === '22012' && e.message === 'division by zero');
  await assert.rejects(db.query(decl), (e: { code?: string; message: string }) => e.code === '22012' && e.message === 'division by zero');
  await assert.rejects(db.query('FETCH z'), (e: { code?: string }) => e.code === '25P02');
  await pg.query('ROLLBACK');
  await db.query('ROLLBACK');
});

test('unsupported cursor forms fail with 0A000 naming them', async () => {
  for (const sql of ['DECLARE b BINARY CURSOR FOR SELECT 1', 'DECLARE u CURSOR FOR SELECT id FROM cur FOR UPDATE']) {
    await db.query('BEGIN');
    await assert.rejects(db.query(sql), (e: { code?: string; message: string }) => e.code === '0A000' && /CURSOR/.test(e.message));
    await db.query('ROLLBACK');
  }
  await same(['BEGIN', 'DECLARE w CURSOR FOR WITH x AS (DELETE FROM cur RETURNING id) SELECT * FROM x', 'ROLLBACK', 'SELECT count(*) FROM cur']);
});
