/**
 * Arrays of enum types over the wire against PostgreSQL 18 (PGlite behind pglite-socket), with
 * node-postgres as Prisma and other clients use it: an enum list column's values, the type oid
 * of each result column, JS arrays as parameters (sent as array literals, typed by the server
 * as `mood[]`), `= ANY($1)`, and the parameter types a prepared statement describes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { connectPeerPair } from './peer_pair.js';

const SCHEMA = [
  `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'a b')`,
  `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN')`,
  `CREATE TABLE "User" (id int PRIMARY KEY, roles "Role"[] NOT NULL DEFAULT ARRAY['USER']::"Role"[], moods mood[])`,
  `INSERT INTO "User" VALUES (1, '{ADMIN,USER}', '{sad,"a b"}'), (2, DEFAULT, NULL), (3, '{}', '{{ok,happy},{sad,NULL}}')`,
];

const QUERIES: [string, unknown[]][] = [
  ['SELECT * FROM "User" ORDER BY id', []],
  ['SELECT id FROM "User" WHERE $1 = ANY(roles) ORDER BY id', ['ADMIN']],
  ['SELECT id FROM "User" WHERE roles && $1 ORDER BY id', [['ADMIN']]],
  ['SELECT id FROM "User" WHERE moods[1] = ANY($1) ORDER BY id', [['sad', 'a b']]],
  ['SELECT id FROM "User" WHERE moods[1] = ANY($1::mood[]) ORDER BY id', [['nope']]],
  ['INSERT INTO "User" (id, roles, moods) VALUES ($1, $2, $3) RETURNING *', [4, ['ADMIN'], ['happy', null, 'a b']]],
  ['UPDATE "User" SET roles = $1 WHERE id = $2 RETURNING roles', [['USER', 'ADMIN'], 2]],
  ['SELECT $1::mood[] AS m, enum_range(NULL::mood) AS r, enum_first(NULL::"Role") AS f', [['ok']]],
  ['SELECT roles FROM "User" WHERE roles = $1', [['x']]],
];

async function outcome(c: pg.Client, sql: string, params: unknown[]): Promise<unknown> {
  try {
    const r = await c.query({ text: sql, values: params, rowMode: 'array' });
    return { rows: r.rows, types: r.fields.map((f) => f.dataTypeID) };
  } catch (e) {
    const err = e as { code?: string; message: string };
    return { code: err.code, message: err.message };
  }
}

test('enum arrays over the wire: values, type oids and array parameters as PostgreSQL', async () => {
  const p = await connectPeerPair(SCHEMA.join(';\n'));
  try {
    await p.mine.query(SCHEMA.join(';\n'));
    // The two sides give the types different oids (PGlite's setup took others first): PostgreSQL's
    // are mapped to vecgres' for the comparison.
    const typeOids = async (c: pg.Client) =>
      (await c.query({ text: "SELECT 'mood'::regtype::oid, 'mood[]'::regtype::oid, '\"Role\"'::regtype::oid, '\"Role\"[]'::regtype::oid", rowMode: 'array' })).rows[0].map(Number) as number[];
    const mineOids = await typeOids(p.mine);
    const theirOids = await typeOids(p.theirs);
    const mapped = (t: number) => (theirOids.includes(t) ? mineOids[theirOids.indexOf(t)]! : t);
    for (const [sql, params] of QUERIES) {
      const theirs = (await outcome(p.theirs, sql, params)) as { types?: number[] };
      const mine = await outcome(p.mine, sql, params);
      if (theirs.types !== undefined) theirs.types = theirs.types.map(mapped);
      assert.deepEqual(mine, theirs, sql);
    }
  } finally {
    await p.close();
  }
});
