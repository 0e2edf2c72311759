/**
 * Differential test of the wire protocol: the same statements, through node-postgres, against
 * `vecgres serve` and against PostgreSQL 18 + pgvector (PGlite behind its socket server). Rows
 * as the raw text the server sent, result columns (name, type OID, typmod, size), command tags,
 * row counts, notices and errors (SQLSTATE, message, position) must be the same. Expected
 * values come from PGlite at test time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { connectPeerPair } from './peer_pair.js';

/** One step: SQL, its parameters (extended protocol) or none (simple protocol). */
type Step = [sql: string, params?: unknown[]];

const STEPS: Step[] = [
  ['CREATE EXTENSION IF NOT EXISTS vector'],
  ['CREATE TABLE items (id int PRIMARY KEY, category text, embedding vector(3), h halfvec(3), s sparsevec(5), b bit(4), price numeric(8,2))'],
  ["INSERT INTO items VALUES (1, 'a', '[1,2,3]', '[1,2,3]', '{1:1,3:2}/5', B'1010', 9.99), (2, 'b', '[3,2,1]', '[3,2,1]', '{2:5}/5', B'0101', 100)"],
  ['INSERT INTO items (id, category, embedding, h, s, b, price) VALUES ($1, $2, $3, $4, $5, $6, $7)', [3, 'a', '[0.5,0.25,-1]', '[0.5,0.25,-1]', '{5:1.5}/5', '1111', '0.5']],
  ['INSERT INTO items (id, category, embedding) VALUES ($1, $2, $3) RETURNING id, embedding', [4, null, '[1e-7,1e20,-0]']],
  ['SELECT * FROM items ORDER BY id'],
  ['SELECT id, embedding <-> $1 AS l2, embedding <=> $1 AS cos, embedding <#> $1 AS ip FROM items ORDER BY embedding <-> $1 LIMIT 3', ['[1,1,1]']],
  ['SELECT id, h <-> $1::halfvec AS d, s <+> $2::sparsevec AS l1 FROM items WHERE category = $3 ORDER BY id', ['[1,1,1]', '{1:1}/5', 'a']],
  ['SELECT category, count(*), avg(embedding) FROM items GROUP BY category ORDER BY category'],
  ['SELECT $1::int + $2::int AS sum, $3::text AS t, $4::float8 AS f, $5::bool AS b', [40, 2, 'x', 0.1, true]],
  ['SELECT 1 AS a; SELECT 2 AS b, 3 AS c'],
  ['UPDATE items SET price = price * 2 WHERE id = $1 RETURNING id, price', [1]],
  ['DELETE FROM items WHERE id = $1', [4]],
  ['DELETE FROM items WHERE id = $1', [99]],
  ['BEGIN'],
  ['DELETE FROM items'],
  ['SELECT count(*) FROM items'],
  ['ROLLBACK'],
  ['SELECT count(*) FROM items'],
  ['COMMIT'],
  ['SELECT typname::text AS typname, oid::int AS oid FROM pg_type WHERE typname IN ($1, $2, $3) ORDER BY typname', ['vector', 'halfvec', 'sparsevec']],
  ['SET hnsw.ef_search = 123'],
  ['SHOW hnsw.ef_search'],
  ["SELECT current_setting('hnsw.ef_search') AS ef"],
  ['CREATE INDEX items_hnsw ON items USING hnsw (embedding vector_l2_ops) WITH (m = 8)'],
  ['SELECT * FROM missing_table'],
  ['SELECT nope FROM items'],
  ['SELECT $1::vector(3)', ['[1,2]']],
  ["SELECT '[1,2'::vector"],
  ['SELEC 1'],
  ['INSERT INTO items (id) VALUES (1)'],
  ['SELECT 1/0'],
  ['BEGIN'],
  ['SELECT 1/0'],
  ['SELECT 1'],
  ['ROLLBACK'],
  ['SELECT $1::int', ['abc']],
  ['SELECT id FROM items WHERE id = $1', [2]],
  [''],
  ['-- only a comment'],
  ["SELECT ARRAY[true, false, NULL] AS a, true AS t, true::text AS tt"],
  ['SELECT $1::vector <-> $2::vector AS d', ['[1,2]', '[1,2,3]']],
  ['SELECT $1', [1]],
  ["SELECT 'x' AS a, NULL AS b"],
  ['COMMIT'],
  ['SET client_min_messages = error'],
  ['COMMIT'],
  ['RESET client_min_messages'],
  ['DROP TABLE IF EXISTS no_such_table'],
];

interface Outcome {
  ok: boolean;
  command?: string | null;
  rowCount?: number | null;
  fields?: { name: string; dataTypeID: number; dataTypeModifier: number; dataTypeSize: number }[];
  rows?: unknown[][];
  code?: string;
  message?: string;
  position?: string | undefined;
  notices: string[];
}

/** Raw text for every type: the comparison is of what the server sent. */
const rawTypes = { getTypeParser: () => (v: string) => v };

async function run(client: pg.Client, notices: string[], [sql, params]: Step): Promise<Outcome[]> {
  notices.length = 0;
  try {
    const res = await client.query({ text: sql, values: params, rowMode: 'array', types: rawTypes } as pg.QueryConfig);
    const list = (Array.isArray(res) ? res : [res]) as pg.QueryResult[];
    return list.map((r) => ({
      ok: true,
      command: r.command,
      rowCount: r.rowCount,
      fields: r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID, dataTypeModifier: f.dataTypeModifier, dataTypeSize: f.dataTypeSize })),
      rows: r.rows as unknown as unknown[][],
      notices: [...notices],
    }));
  } catch (e) {
    const err = e as pg.DatabaseError;
    if (typeof err.code !== 'string') throw e;
    return [{ ok: false, code: err.code, message: err.message, position: err.position, notices: [...notices] }];
  }
}

test('wire differential: node-postgres against vecgres serve and against PGlite + pgvector behind pglite-socket', async () => {
  const { theirs, mine, theirNotices, myNotices, close } = await connectPeerPair();
  try {
    const mismatches: string[] = [];
    for (const step of STEPS) {
      const expected = await run(theirs, theirNotices, step);
      const actual = await run(mine, myNotices, step);
      try {
        assert.deepEqual(actual, expected);
      } catch {
        mismatches.push(`${JSON.stringify(step)}\n  PostgreSQL: ${JSON.stringify(expected)}\n  vecgres:    ${JSON.stringify(actual)}`);
      }
    }
    assert.equal(mismatches.length, 0, `${mismatches.length} of ${STEPS.length} steps differ:\n${mismatches.join('\n')}`);
  } finally {
    await close();
  }
});
