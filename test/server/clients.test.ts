/**
 * Real clients against `vecgres serve`: node-postgres (with the pgvector package), postgres.js
 * and psql, each running a realistic flow on a server started on an ephemeral port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pgvector from 'pgvector/pg';
import postgres from 'postgres';
import { startServer, PASSWORD } from './helpers.js';
import { cancelRequestBytes } from '../support/session_backends.js';

test('node-postgres: simple and extended queries, named statements, binary parameters, rollback, errors, pgvector types', async () => {
  const s = await startServer();
  const client = new pg.Client(s.conn);
  try {
    await client.connect();
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    await pgvector.registerTypes(client);
    await client.query('CREATE TABLE items (id bigserial PRIMARY KEY, category int, embedding vector(3))');
    // Extended protocol with text parameters (pgvector.toSql) and a RETURNING row.
    const ins = await client.query('INSERT INTO items (category, embedding) VALUES ($1, $2), ($3, $4), ($5, $6) RETURNING id', [
      1, pgvector.toSql([1, 1, 1]), 2, pgvector.toSql([2, 2, 2]), 1, pgvector.toSql([1, 1, 2]),
    ]);
    assert.equal(ins.command, 'INSERT');
    assert.equal(ins.rowCount, 3);
    assert.deepEqual(ins.rows.map((r) => r.id), ['1', '2', '3']); // bigint arrives as text in pg
    await client.query('CREATE INDEX ON items USING hnsw (embedding vector_l2_ops)');
    // registerTypes parsed vector values into arrays.
    const knn = await client.query('SELECT id, embedding FROM items WHERE category = $1 ORDER BY embedding <-> $2 LIMIT 5', [1, pgvector.toSql([1, 1, 1])]);
    assert.deepEqual(knn.rows, [{ id: '1', embedding: [1, 1, 1] }, { id: '3', embedding: [1, 1, 2] }]);
    // A named prepared statement, run twice (Parse once, then Bind/Execute).
    const named = { name: 'by_cat', text: 'SELECT count(*)::int AS n FROM items WHERE category = $1', values: [1] };
    assert.equal((await client.query(named)).rows[0].n, 2);
    assert.equal((await client.query({ ...named, values: [2] })).rows[0].n, 1);
    // A binary parameter: pg sends a Buffer in binary format (bytea).
    const bin = await client.query('SELECT length($1::bytea) AS n', [Buffer.from([0, 1, 2, 255])]);
    assert.equal(bin.rows[0].n, 4);
    // Simple query with several statements: the last result (pg returns an array).
    const multi = (await client.query('SELECT 1 AS a; SELECT 2 AS b')) as unknown as pg.QueryResult[];
    assert.deepEqual(multi.map((r) => r.rows), [[{ a: 1 }], [{ b: 2 }]]);
    // A transaction rolled back.
    await client.query('BEGIN');
    await client.query('DELETE FROM items');
    assert.equal((await client.query('SELECT count(*)::int AS n FROM items')).rows[0].n, 0);
    await client.query('ROLLBACK');
    assert.equal((await client.query('SELECT count(*)::int AS n FROM items')).rows[0].n, 3);
    // An error with its SQLSTATE and position; the connection keeps working.
    await assert.rejects(client.query('SELECT * FROM missing_table'), (e: pg.DatabaseError) => {
      assert.equal(e.code, '42P01');
      assert.equal(e.message, 'relation "missing_table" does not exist');
      assert.equal(e.position, '15');
      return true;
    });
    await assert.rejects(client.query('SELECT $1::vector(3)', ['[1,2]']), (e: pg.DatabaseError) => e.code === '22000' && e.message === 'expected 3 dimensions, not 2');
    // An error inside a transaction: 25P02 until ROLLBACK.
    await client.query('BEGIN');
    await assert.rejects(client.query('SELECT 1/0'), (e: pg.DatabaseError) => e.code === '22012');
    await assert.rejects(client.query('SELECT 1'), (e: pg.DatabaseError) => e.code === '25P02');
    await client.query('ROLLBACK');
    // EXPLAIN, SHOW, current_setting, version(), startup-independent settings.
    await client.query('SET enable_seqscan = off');
    const plan = await client.query('EXPLAIN (COSTS OFF) SELECT id FROM items ORDER BY embedding <-> $1 LIMIT 1', [pgvector.toSql([0, 0, 0])]);
    assert.ok(plan.rows.some((r) => /Index Scan using items_embedding_idx/.test(r['QUERY PLAN'])), JSON.stringify(plan.rows));
    await client.query('SET hnsw.ef_search = 77');
    assert.equal((await client.query('SHOW hnsw.ef_search')).rows[0]['hnsw.ef_search'], '77');
    assert.equal((await client.query("SELECT current_setting('hnsw.ef_search') AS v")).rows[0].v, '77');
    assert.match((await client.query('SELECT version() AS v')).rows[0].v, /^PostgreSQL 18\.0 \(vecgres [0-9.]+\)/);
    // A warning reaches the client as a NoticeResponse.
    const notices: string[] = [];
    client.on('notice', (n) => notices.push(`${n.severity} ${n.code} ${n.message}`));
    await client.query('COMMIT');
    assert.deepEqual(notices, ['WARNING 25P01 there is no transaction in progress']);
    // A statement that warns and then fails: the NoticeResponse comes before the ErrorResponse,
    // on the simple and the extended protocol.
    for (const params of [undefined, [24]]) {
      notices.length = 0;
      const sql = params === undefined ? 'SELECT pg_advisory_unlock(n), 1 / (n - 24) FROM generate_series(24, 24) n' : 'SELECT pg_advisory_unlock(n), 1 / (n - $1) FROM generate_series(24, 24) n';
      await assert.rejects(client.query(sql, params), (e: pg.DatabaseError) => {
        assert.deepEqual(notices, ["WARNING 01000 you don't own a lock of type ExclusiveLock"]);
        return e.code === '22012';
      });
    }
  } finally {
    await client.end().catch(() => undefined);
    await s.close();
  }
});

test('node-postgres: startup options set a session setting; a wrong password and an unknown user fail alike', async () => {
  const s = await startServer();
  try {
    const c = new pg.Client({ ...s.conn, options: '-c hnsw.ef_search=100', application_name: 'vecgres-test' });
    await c.connect();
    assert.equal((await c.query('SHOW hnsw.ef_search')).rows[0]['hnsw.ef_search'], '100');
    assert.equal((await c.query('SHOW application_name')).rows[0].application_name, 'vecgres-test');
    await c.end();
    for (const conn of [{ ...s.conn, password: 'wrong' }, { ...s.conn, user: 'nobody' }]) {
      const bad = new pg.Client(conn);
      await assert.rejects(bad.connect(), (e: pg.DatabaseError) => e.code === '28P01' && e.message === `password authentication failed for user "${conn.user}"`);
    }
  } finally {
    await s.close();
  }
});

test('server: a CancelRequest closes its own connection and leaves an idle target working', async () => {
  const s = await startServer();
  try {
    const a = new pg.Client(s.conn);
    await a.connect();
    const { processID, secretKey } = a as unknown as { processID: number; secretKey: number };
    for (const key of [secretKey ^ 1, secretKey]) {
      const closed = await new Promise<boolean>((resolve) => {
        const sock = connect(s.port, '127.0.0.1', () => sock.write(cancelRequestBytes(processID, key)));
        sock.on('error', () => undefined);
        sock.on('close', () => resolve(true));
      });
      assert.ok(closed);
      assert.equal((await a.query('SELECT 1 AS x')).rows[0].x, 1);
    }
    await a.end();
  } finally {
    await s.close();
  }
});

test('server: md5 and cleartext password authentication; a bad startup setting is FATAL with its SQLSTATE', async () => {
  for (const auth of ['md5', 'password'] as const) {
    const s = await startServer({ auth });
    try {
      const c = new pg.Client(s.conn);
      await c.connect();
      assert.equal((await c.query('SELECT 1 AS x')).rows[0].x, 1);
      await c.end();
      const bad = new pg.Client({ ...s.conn, password: 'wrong' });
      await assert.rejects(bad.connect(), (e: pg.DatabaseError) => e.code === '28P01');
    } finally {
      await s.close();
    }
  }
  const s = await startServer();
  try {
    const c = new pg.Client({ ...s.conn, options: '-c hnsw.ef_search=0' });
    await assert.rejects(c.connect(), (e: pg.DatabaseError) => e.code === '22023' && /hnsw\.ef_search/.test(e.message));
    const d = new pg.Client({ ...s.conn, options: '-c no_such_setting=1' });
    await assert.rejects(d.connect(), (e: pg.DatabaseError) => e.code === '42704' && e.message === 'unrecognized configuration parameter "no_such_setting"');
  } finally {
    await s.close();
  }
});

test('server: a client that disconnects inside a transaction has it rolled back; sessions are independent', async () => {
  const s = await startServer();
  try {
    const a = new pg.Client(s.conn);
    const b = new pg.Client(s.conn);
    await a.connect();
    await b.connect();
    await a.query('CREATE TABLE t (id int PRIMARY KEY)');
    await a.query('BEGIN');
    await a.query('INSERT INTO t VALUES (1)');
    await a.query('SET hnsw.ef_search = 99');
    // b neither sees a's uncommitted row nor its setting.
    assert.equal((await b.query('SELECT count(*)::int AS n FROM t')).rows[0].n, 0);
    assert.equal((await b.query('SHOW hnsw.ef_search')).rows[0]['hnsw.ef_search'], '40');
    a.on('error', () => undefined); // pg reports the cut connection
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    for (let i = 0; i < 100 && s.server.connectionCount > 1; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(s.server.connectionCount, 1);
    assert.equal((await b.query('SELECT count(*)::int AS n FROM t')).rows[0].n, 0);
    await b.query('INSERT INTO t VALUES (1)');
    await b.query('DROP TABLE t');
    await b.end();
  } finally {
    await s.close();
  }
});

test('server: max connections answers 53300 and frees the slot when a client leaves', async () => {
  const s = await startServer({ maxConnections: 1 });
  try {
    const a = new pg.Client(s.conn);
    await a.connect();
    const b = new pg.Client(s.conn);
    await assert.rejects(b.connect(), (e: pg.DatabaseError) => e.code === '53300' && e.message === 'sorry, too many clients already');
    await a.end();
    for (let i = 0; i < 50 && s.server.connectionCount > 0; i++) await new Promise((r) => setTimeout(r, 10));
    const c = new pg.Client(s.conn);
    await c.connect();
    assert.equal((await c.query('SELECT 1 AS x')).rows[0].x, 1);
    await c.end();
  } finally {
    await s.close();
  }
});

test('postgres.js: describe, binary-capable parameters, cursors with row limits (PortalSuspended), transactions', async () => {
  const s = await startServer();
  const sql = postgres({ ...s.conn, username: s.conn.user, max: 1, onnotice: () => undefined });
  try {
    await sql`CREATE TABLE docs (id int PRIMARY KEY, body text, embedding vector(2), score float8)`;
    for (let i = 1; i <= 10; i++) await sql`INSERT INTO docs VALUES (${i}, ${'doc ' + i}, ${`[${i},${-i}]`}, ${i / 4})`;
    const rows = await sql`SELECT id, body, score, embedding <-> ${'[0,0]'} AS d FROM docs WHERE id <= ${3} ORDER BY id`;
    assert.deepEqual(
      rows.map((r) => [r.id, r.body, r.score, Number(r.d.toFixed(6))]),
      [[1, 'doc 1', 0.25, 1.414214], [2, 'doc 2', 0.5, 2.828427], [3, 'doc 3', 0.75, 4.242641]],
    );
    assert.equal(rows.count, 3);
    assert.equal(rows.command, 'SELECT');
    // A cursor fetches 3 rows per Execute: the portal is suspended and resumed.
    const seen: number[][] = [];
    await sql`SELECT id FROM docs ORDER BY id`.cursor(3, (batch) => {
      seen.push(batch.map((r) => r.id as number));
    });
    assert.deepEqual(seen, [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]);
    // A transaction that throws is rolled back.
    await assert.rejects(
      sql.begin(async (tx) => {
        await tx`DELETE FROM docs WHERE id > ${5}`;
        await tx`SELECT 1/0`;
      }),
      (e: { code?: string }) => e.code === '22012',
    );
    assert.equal((await sql`SELECT count(*)::int AS n FROM docs`)[0]!.n, 10);
    await assert.rejects(sql`SELECT nope FROM docs`, (e: { code?: string; message?: string }) => e.code === '42703' && e.message === 'column "nope" does not exist');
    // A typed parameter postgres.js sends with its OID (int8 for a bigint).
    assert.equal((await sql`SELECT ${10n as never}::bigint + 1 AS x`)[0]!.x, '11');
  } finally {
    await sql.end();
    await s.close();
  }
});

test('psql: a script with ON_ERROR_STOP creates, inserts, searches and stops at the first error', { skip: !existsSync('/usr/bin/psql') && 'psql is not installed' }, async () => {
  const s = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-psql-'));
  try {
    const script = join(dir, 'flow.sql');
    writeFileSync(
      script,
      [
        '\\set ON_ERROR_STOP on',
        'CREATE EXTENSION IF NOT EXISTS vector;',
        'CREATE TABLE items (id int PRIMARY KEY, embedding vector(3));',
        "INSERT INTO items VALUES (1, '[1,2,3]'), (2, '[4,5,6]'), (3, '[1,1,1]');",
        'CREATE INDEX ON items USING hnsw (embedding vector_cosine_ops);',
        "SELECT id FROM items ORDER BY embedding <=> '[1,1,1]' LIMIT 2;",
        'BEGIN;',
        'DELETE FROM items;',
        'ROLLBACK;',
        'SELECT count(*) FROM items;',
        'SELECT 1/0;',
        "SELECT 'not reached';",
        '',
      ].join('\n'),
    );
    // Asynchronously: the server runs on this thread.
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        '/usr/bin/psql',
        ['-X', '-A', '-t', '-v', 'VERBOSITY=verbose', '-f', script, s.url],
        { encoding: 'utf8', env: { ...process.env, PGPASSWORD: PASSWORD, PGCONNECT_TIMEOUT: '10' }, timeout: 30_000 },
        (err, stdout, stderr) => resolve({ status: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr }),
      );
    });
    assert.equal(r.status, 3, `psql exit ${r.status}: ${r.stdout}\n${r.stderr}`);
    assert.deepEqual(r.stdout.trim().split('\n'), ['CREATE EXTENSION', 'CREATE TABLE', 'INSERT 0 3', 'CREATE INDEX', '3', '2', 'BEGIN', 'DELETE 3', 'ROLLBACK', '3']);
    assert.match(r.stderr, /ERROR: {2}22012: division by zero/);
    assert.doesNotMatch(r.stdout, /not reached/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await s.close();
  }
});
