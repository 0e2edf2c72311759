/**
 * UPDATE, DELETE and TRUNCATE against PostgreSQL + pgvector (PGlite): the same scripts run on
 * both and the resulting rows, affected-row counts, RETURNING output and error codes/messages
 * must agree.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { pgvectorOracle } from '../support/pglite.js';

after(async () => (await pgvectorOracle()).close());

const SETUP = [
  'DROP TABLE IF EXISTS items',
  'CREATE TABLE items (id int PRIMARY KEY, embedding vector(3), category text, score real)',
  "INSERT INTO items VALUES (1, '[1,2,3]', 'a', 0.5), (2, '[4,5,6]', 'b', 1.5), (3, '[7,8,9]', 'a', 2.5), (4, NULL, 'c', NULL)",
];

const CASES: { sql: string; params?: unknown[] }[] = [
  { sql: "UPDATE items SET category = 'z' WHERE id = 2" },
  { sql: "UPDATE items SET embedding = '[0,0,1]', score = score * 2 WHERE category = 'a' RETURNING id, embedding, score" },
  { sql: 'UPDATE items SET embedding = embedding + $1 WHERE id = $2 RETURNING *', params: ['[1,1,1]', 1] },
  { sql: "UPDATE items SET embedding = '[1,2]' WHERE id = 1" },
  { sql: 'UPDATE items SET nosuch = 1' },
  { sql: 'UPDATE items SET id = 2 WHERE id = 1' },
  { sql: 'UPDATE items SET id = NULL WHERE id = 1' },
  { sql: 'UPDATE items SET id = id + 10 RETURNING id' },
  { sql: 'UPDATE items SET score = 1 WHERE false' },
  { sql: 'DELETE FROM items WHERE id = 3 RETURNING id, category' },
  { sql: "DELETE FROM items WHERE embedding <-> '[1,2,3]' < 6" },
  { sql: 'DELETE FROM items WHERE score IS NULL' },
  { sql: 'DELETE FROM items' },
  { sql: 'DELETE FROM nosuch' },
  { sql: 'TRUNCATE items' },
  { sql: 'TRUNCATE TABLE items' },
];

async function rowsAfter(run: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[]; affectedRows?: number }>, tryRun: typeof run, c: typeof CASES[number]) {
  for (const s of SETUP) await run(s);
  let result: unknown;
  try {
    const r = await tryRun(c.sql, c.params);
    result = { rows: r.rows, affected: r.affectedRows };
  } catch (e) {
    const err = e as { code: string; message: string };
    result = { code: err.code, message: err.message };
  }
  const after = (await run('SELECT id, embedding::text AS e, category, score FROM items ORDER BY id')).rows;
  return { result, after };
}

test('UPDATE / DELETE / TRUNCATE match PostgreSQL + pgvector', async () => {
  const pg = await pgvectorOracle();
  const db = await Vecgres.create();
  for (const c of CASES) {
    const mine = await rowsAfter((s, p) => db.query(s, p), (s, p) => db.query(s, p), c);
    const theirs = await rowsAfter((s, p) => pg.query(s, p), (s, p) => pg.query(s, p) as never, c);
    const norm = (r: { result: unknown; after: unknown }) => JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
    const m = norm(mine);
    const t = norm(theirs);
    // PGlite reports affectedRows for SELECT-free statements; compare only what both report.
    if (t.result?.affected === undefined && m.result) delete m.result.affected;
    assert.deepEqual(m, t, c.sql);
  }
  await db.close();
});
