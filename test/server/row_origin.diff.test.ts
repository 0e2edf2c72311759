/**
 * RowDescription's table oid and column number (PostgreSQL's resorigtbl / resorigcol) against
 * PostgreSQL (PGlite behind pglite-socket): a column read straight from a table names the
 * table (its pg_class.oid on that server) and the column's attnum, through subqueries, WITH
 * items, joins and RETURNING; computed columns, set operations and VALUES carry 0. The simple
 * and the extended protocol (Describe of a portal) both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { connectPeerPair } from './peer_pair.js';

const SCHEMA = [
  'CREATE EXTENSION IF NOT EXISTS vector',
  'CREATE TABLE items (id int PRIMARY KEY, body text, embedding vector(2))',
  'CREATE TABLE notes (note_id int PRIMARY KEY, item_id int, note text)',
  "INSERT INTO items VALUES (1, 'a', '[1,2]'), (2, 'b', '[2,1]')",
  "INSERT INTO notes VALUES (10, 1, 'x')",
  // A dropped column keeps its number: y is column 3.
  'CREATE TABLE thin (x int, gone int, y text)',
  'ALTER TABLE thin DROP COLUMN gone',
  "INSERT INTO thin VALUES (1, 'a')",
];

const QUERIES: [string, unknown[]?][] = [
  ['SELECT id, body, embedding, id + 1 AS x, \'k\' AS c, embedding <-> \'[0,0]\' AS d FROM items ORDER BY id'],
  ['SELECT * FROM items WHERE id = $1', [1]],
  ['SELECT n.note, i.body, i.id FROM items i JOIN notes n ON n.item_id = i.id'],
  ['SELECT s.b, s.two FROM (SELECT body AS b, 2 AS two FROM items) s ORDER BY 1'],
  ['WITH w AS (SELECT note, note_id FROM notes) SELECT note_id, note FROM w'],
  ['SELECT id FROM items UNION SELECT note_id FROM notes ORDER BY 1'],
  ['SELECT count(*), max(body) FROM items'],
  ['SELECT * FROM (VALUES (1, 2)) v(a, b)'],
  ['SELECT body FROM items ORDER BY embedding <-> $1 LIMIT 1', ['[1,1]']],
  ["INSERT INTO notes VALUES (11, 2, 'y') RETURNING note_id, note, note_id * 2 AS twice"],
  ['UPDATE notes SET note = $1 WHERE note_id = 11 RETURNING *', ['z']],
  ['DELETE FROM notes WHERE note_id = 11 RETURNING item_id'],
  ['SELECT y, x FROM thin'],
  ["INSERT INTO thin VALUES (2, 'b') RETURNING y"],
];

/** Fields as `name table.attnum`, the table named by this server's pg_class. */
async function origins(c: pg.Client, sql: string, params?: unknown[]): Promise<string[]> {
  const r = await c.query(params === undefined ? sql : { text: sql, values: params });
  const out: string[] = [];
  for (const f of r.fields) {
    let table = '0';
    if (f.tableID !== 0) {
      const rel = await c.query('SELECT relname::text AS r FROM pg_class WHERE oid = $1', [f.tableID]);
      table = rel.rows[0]?.r ?? `?${f.tableID}`;
    }
    out.push(`${f.name} ${table}.${f.columnID}`);
  }
  return out;
}

test('RowDescription table oid and attnum as PostgreSQL, consistent with pg_class', async () => {
  const p = await connectPeerPair(SCHEMA.join(';\n'));
  try {
    await p.mine.query(SCHEMA.join(';\n'));
    for (const [sql, params] of QUERIES) {
      const theirs = await origins(p.theirs, sql, params);
      const mine = await origins(p.mine, sql, params);
      assert.deepEqual(mine, theirs, sql);
    }
    // Both protocols: the same statement through the simple protocol.
    assert.deepEqual(await origins(p.mine, 'SELECT * FROM items WHERE id = 1'), await origins(p.theirs, 'SELECT * FROM items WHERE id = 1'));
  } finally {
    await p.close();
  }
});
