/**
 * Settings a client gives when it connects (startup packet parameters such as
 * `application_name`, and `-c name=value` in `options`, as libpq's PGOPTIONS sends them) are
 * PostgreSQL's PGC_S_CLIENT values: they replace the defaults for the session, so RESET, RESET
 * ALL, ROLLBACK and ROLLBACK of a SET LOCAL return to them, and pg_settings reports them with
 * source `client` (SET: `session`) and as reset_val. PGlite's socket server ignores startup
 * parameters, so the expectations follow PostgreSQL's manual (SET, RESET, 20.1.4, pg_settings)
 * and are checked against native PostgreSQL + pgvector when `PGVECTOR_URL` is set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startServer } from './helpers.js';

const OPTIONS = '-c work_mem=8MB -c hnsw.ef_search=100';

/** The session's answers, in order, to the statements that read a setting. */
async function run(conn: pg.ClientConfig): Promise<unknown[]> {
  const c = new pg.Client({ ...conn, options: OPTIONS, application_name: 'myapp' });
  await c.connect();
  const out: unknown[] = [];
  const read = async (sql: string) => out.push((await c.query(sql)).rows);
  try {
    await read('SHOW work_mem');
    await read('SHOW hnsw.ef_search');
    await read('SHOW application_name');
    await read(`SELECT name, setting, source, reset_val FROM pg_settings WHERE name IN ('work_mem', 'application_name', 'statement_timeout') ORDER BY 1`);
    await c.query(`SET work_mem = '1MB'`);
    await read(`SELECT setting, source, reset_val FROM pg_settings WHERE name = 'work_mem'`);
    await c.query('RESET work_mem');
    await read('SHOW work_mem');
    await c.query('SET hnsw.ef_search = 7');
    await c.query(`SET application_name = 'other'`);
    await c.query('RESET ALL');
    await read('SHOW hnsw.ef_search');
    await read('SHOW application_name');
    await c.query('BEGIN');
    await c.query(`SET LOCAL work_mem = '2MB'`);
    await read('SHOW work_mem');
    await c.query('RESET work_mem');
    await read('SHOW work_mem');
    await c.query('ROLLBACK');
    await read('SHOW work_mem');
    await c.query('BEGIN');
    await c.query(`SET work_mem = '3MB'`);
    await c.query('ROLLBACK');
    await read(`SELECT setting, source FROM pg_settings WHERE name = 'work_mem'`);
    await c.query('SET work_mem TO DEFAULT');
    await read('SHOW work_mem');
  } finally {
    await c.end();
  }
  return out;
}

const EXPECTED = [
  [{ work_mem: '8MB' }],
  [{ 'hnsw.ef_search': '100' }],
  [{ application_name: 'myapp' }],
  [
    { name: 'application_name', setting: 'myapp', source: 'client', reset_val: 'myapp' },
    { name: 'statement_timeout', setting: '0', source: 'default', reset_val: '0' },
    { name: 'work_mem', setting: '8192', source: 'client', reset_val: '8192' },
  ],
  [{ setting: '1024', source: 'session', reset_val: '8192' }],
  [{ work_mem: '8MB' }],
  [{ 'hnsw.ef_search': '100' }],
  [{ application_name: 'myapp' }],
  [{ work_mem: '2MB' }],
  [{ work_mem: '8MB' }],
  [{ work_mem: '8MB' }],
  [{ setting: '8192', source: 'client' }],
  [{ work_mem: '8MB' }],
];

test('settings given at connection are the session defaults RESET returns to (source client)', async () => {
  const server = await startServer();
  try {
    assert.deepEqual(await run(server.conn), EXPECTED);
  } finally {
    await server.close();
  }
});

test('native PostgreSQL answers the same', { skip: process.env['PGVECTOR_URL'] === undefined && 'PGVECTOR_URL is not set' }, async () => {
  // The vector library is loaded first, so hnsw.ef_search is its own setting, not a placeholder.
  const setup = new pg.Client({ connectionString: process.env['PGVECTOR_URL'] });
  await setup.connect();
  await setup.query('CREATE EXTENSION IF NOT EXISTS vector');
  await setup.end();
  assert.deepEqual(await run({ connectionString: process.env['PGVECTOR_URL'] }), EXPECTED);
});
