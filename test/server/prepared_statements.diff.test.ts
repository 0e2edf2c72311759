/**
 * Prepared statements over the wire, against PostgreSQL + pgvector (PGlite behind
 * pglite-socket): the extended protocol's named statements and SQL's PREPARE share one
 * namespace per session, as in PostgreSQL. A statement a driver parsed by name runs as SQL
 * `EXECUTE`; a name PREPARE took refuses a Parse (42P05); DEALLOCATE and DISCARD ALL drop
 * statements the driver still thinks it has (its next Bind fails with 26000); Describe of
 * `EXECUTE name(...)` reports the prepared statement's columns. Both servers must give the same
 * rows, columns and errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { connectPeerPair } from './peer_pair.js';

type Step = string | pg.QueryConfig;

/** Every step's outcome on one server: rows and column names / types, or the error's SQLSTATE and message. */
async function run(client: pg.Client, steps: readonly Step[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const s of steps) {
    try {
      const r = await client.query(s as pg.QueryConfig);
      out.push({ command: r.command, rows: r.rows, fields: r.fields.map((f) => [f.name, f.dataTypeID]) });
    } catch (e) {
      const err = e as { code?: string; message?: string };
      out.push({ error: err.code, message: err.message });
    }
  }
  return out;
}

test('the extended protocol and SQL PREPARE / EXECUTE / DEALLOCATE share the session\'s statements', async () => {
  const pair = await connectPeerPair();
  try {
    const steps: Step[] = [
      `CREATE EXTENSION IF NOT EXISTS vector`,
      `CREATE TABLE IF NOT EXISTS docs (id int PRIMARY KEY, body text, embedding vector(3))`,
      `INSERT INTO docs VALUES (1, 'one', '[1,0,0]'), (2, 'two', '[0,1,0]'), (3, 'three', '[0,0,1]')`,
      // Parsed by name through the protocol, then run by SQL.
      { name: 'near', text: 'SELECT id, body FROM docs ORDER BY embedding <-> $1 LIMIT $2', values: ['[1,0.2,0]', 2] },
      `EXECUTE near('[0,0,1]', 1)`,
      `EXECUTE near('[0,0,1]')`,
      // Prepared by SQL: the protocol cannot take the name, and Describe of EXECUTE gives its columns.
      `PREPARE twice(int) AS SELECT $1 * 2 AS doubled, 'x'::text AS tag`,
      { name: 'twice', text: 'SELECT 1', values: [] },
      { name: 'run_twice', text: 'EXECUTE twice(21)', values: [] },
      { name: 'run_twice', text: 'EXECUTE twice(21)', values: [] },
      { name: 'insert_one', text: 'INSERT INTO docs (id, body) VALUES ($1, $2) RETURNING id, body', values: [4, 'four'] },
      `EXECUTE insert_one(5, 'five')`,
      `SELECT count(*)::int AS n FROM docs`,
      // Dropped by SQL: the driver still binds them by name, and both servers refuse.
      `DEALLOCATE near`,
      { name: 'near', text: 'SELECT id, body FROM docs ORDER BY embedding <-> $1 LIMIT $2', values: ['[1,0.2,0]', 2] },
      `DISCARD ALL`,
      `EXECUTE twice(1)`,
      { name: 'insert_one', text: 'INSERT INTO docs (id, body) VALUES ($1, $2) RETURNING id, body', values: [6, 'six'] },
      `DEALLOCATE ALL`,
      `EXECUTE nosuch`,
    ];
    const want = await run(pair.theirs, steps);
    const got = await run(pair.mine, steps);
    assert.deepEqual(got, want);
    // The flow exercised both outcomes: a statement shared across the two paths, and refusals.
    assert.deepEqual(want[4], { command: 'SELECT', rows: [{ id: 3, body: 'three' }], fields: [['id', 23], ['body', 25]] });
    assert.equal((want[7] as { error?: string }).error, '42P05');
    assert.equal((want[14] as { error?: string }).error, '26000');
  } finally {
    await pair.close();
  }
});

test('pg_prepared_statements lists the protocol\'s named statements (not the unnamed one) beside PREPARE\'s', async () => {
  const pair = await connectPeerPair();
  const view = `SELECT name, statement, parameter_types, result_types, from_sql, generic_plans, custom_plans,
      pg_typeof(prepare_time) AS t, prepare_time <= now() AS before_now FROM pg_prepared_statements ORDER BY name`;
  try {
    const steps: Step[] = [
      `CREATE EXTENSION IF NOT EXISTS vector`,
      `CREATE TABLE IF NOT EXISTS docs (id int PRIMARY KEY, body text, embedding vector(3))`,
      `INSERT INTO docs VALUES (1, 'one', '[1,0,0]'), (2, 'two', '[0,1,0]'), (3, 'three', '[0,0,1]')`,
      view,
      // Parsed once by name, bound at each run: each Bind is a plan PostgreSQL counts.
      { name: 'near', text: 'SELECT id, body FROM docs ORDER BY embedding <-> $1 LIMIT $2', values: ['[1,0.2,0]', 2] },
      { name: 'near', text: 'SELECT id, body FROM docs ORDER BY embedding <-> $1 LIMIT $2', values: ['[0,0,1]', 1] },
      { name: 'count_docs', text: 'SELECT count(*)::int AS n FROM docs', values: [] },
      { name: 'add', text: 'INSERT INTO docs (id, body) VALUES ($1, $2)', values: [4, 'four'] },
      { name: 'echo', text: 'SELECT $1 AS v', values: ['a'] },
      // The unnamed statement is not listed.
      { text: 'SELECT $1::int AS x', values: [7] },
      `PREPARE twice(int) AS SELECT $1 * 2 AS doubled`,
      // A name parsed through the protocol runs as SQL EXECUTE too, and that counts.
      `EXECUTE near('[0,1,0]', 3)`,
      view,
      // A parameter that does not convert fails at Bind, before any plan.
      { name: 'near', text: 'SELECT id, body FROM docs ORDER BY embedding <-> $1 LIMIT $2', values: ['[1,0]', 2] },
      { name: 'add', text: 'INSERT INTO docs (id, body) VALUES ($1, $2)', values: ['x', 'four'] },
      `SELECT name, generic_plans, custom_plans FROM pg_prepared_statements ORDER BY name`,
      `DEALLOCATE near`,
      `SELECT name, from_sql FROM pg_prepared_statements ORDER BY name`,
    ];
    const want = await run(pair.theirs, steps);
    const got = await run(pair.mine, steps);
    assert.deepEqual(got, want);
    // The view listed the protocol's statements with their plans.
    const listed = want[12] as { rows: { name: string; from_sql: boolean; custom_plans: string; generic_plans: string }[] };
    assert.deepEqual(listed.rows.map((r) => [r.name, r.from_sql, Number(r.generic_plans), Number(r.custom_plans)]), [
      ['add', false, 0, 1], ['count_docs', false, 1, 0], ['echo', false, 0, 1], ['near', false, 0, 3], ['twice', true, 0, 0],
    ]);
  } finally {
    await pair.close();
  }
});
