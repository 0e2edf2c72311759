/**
 * reg* names over the wire through node-postgres against PostgreSQL (PGlite behind
 * pglite-socket): names given as text parameters (a regclass, regtype, regnamespace, regproc,
 * regprocedure and their arrays), stored in table columns and printed back by name in text
 * results; unknown or ambiguous names fail with PostgreSQL's SQLSTATE and message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { connectPeerPair } from './peer_pair.js';

const SCHEMA = [
  'CREATE EXTENSION IF NOT EXISTS vector',
  'CREATE TABLE items (id int PRIMARY KEY, e vector(2))',
  'CREATE TABLE refs (id int, c regclass, t regtype, n regnamespace, p regproc, q regprocedure, ca regclass[])',
];

const QUERIES: [string, unknown[]?][] = [
  ['SELECT $1::regclass AS a, $2::regtype AS b, $3::regnamespace AS c, $4::regproc AS d, $5::regprocedure AS e', ['items', 'vector(2)', 'public', 'now', 'sum(int8)']],
  ['SELECT $1::regclass AS a', ['nosuch']],
  ['SELECT $1::regtype AS a', ['nosuch']],
  ['SELECT $1::regnamespace AS a', ['nosuch']],
  ['SELECT $1::regproc AS a', ['sum']],
  ['SELECT $1::regprocedure AS a', ['nosuch(int4)']],
  ['SELECT $1::regclass[] AS a', [['items', 'pg_class']]],
  ['INSERT INTO refs VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *', [1, 'public.items', 'int4', 'pg_catalog', 'version', 'l2_distance(vector,vector)', '{items}']],
  ["INSERT INTO refs VALUES (2, 'pg_class', 'text', 'public', 'now', 'now()', '{}') RETURNING c, q"],
  ['INSERT INTO refs (id, c) VALUES ($1, $2)', [3, 'nosuch']],
  ['SELECT * FROM refs ORDER BY id'],
  ['SELECT id FROM refs WHERE c = $1::regclass', ['items']],
  ['SELECT c::oid = $1::regclass::oid AS same FROM refs WHERE id = 1', ['items']],
];

type Outcome = { rows: unknown[]; types: number[] } | { code: string; message: string };

async function outcome(c: pg.Client, sql: string, params?: unknown[]): Promise<Outcome> {
  try {
    const r = await c.query(params === undefined ? sql : { text: sql, values: params });
    return { rows: r.rows, types: r.fields.map((f) => f.dataTypeID) };
  } catch (e) {
    const err = e as { code: string; message: string };
    return { code: err.code, message: err.message };
  }
}

test('reg* names as wire parameters and in text results, as PostgreSQL', async () => {
  const p = await connectPeerPair(SCHEMA.join(';\n'));
  try {
    await p.mine.query(SCHEMA.join(';\n'));
    for (const [sql, params] of QUERIES) {
      assert.deepEqual(await outcome(p.mine, sql, params), await outcome(p.theirs, sql, params), sql);
    }
  } finally {
    await p.close();
  }
});
