/**
 * COPY over the wire protocol: CopyInResponse / CopyData / CopyDone / CopyFail and
 * CopyOutResponse, driven by pg-copy-streams (node-postgres) and by psql (`COPY ... FROM stdin`
 * with inline data in a script, and `\copy` to and from a file). What the server sends for COPY
 * TO STDOUT is compared with what the embedded API returns for the same COPY, which the engine
 * tests compare byte for byte with PostgreSQL's (test/sql/copy.diff.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { startServer, PASSWORD } from './helpers.js';

async function copyOut(client: pg.Client, sql: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(client.query(copyTo(sql)), new Writable({ write(chunk: Buffer, _e, cb) { parts.push(chunk); cb(); } }));
  return Buffer.concat(parts);
}

async function copyIn(client: pg.Client, sql: string, data: Buffer | string): Promise<void> {
  await pipeline(Readable.from([Buffer.from(data)]), client.query(copyFrom(sql)));
}

test('pg-copy-streams: COPY FROM STDIN and TO STDOUT in text, CSV and binary', async () => {
  const s = await startServer();
  const client = new pg.Client(s.conn);
  await client.connect();
  try {
    await client.query('CREATE TABLE items (id int PRIMARY KEY, label text, embedding vector(3))');
    await client.query('CREATE INDEX ON items USING hnsw (embedding vector_l2_ops)');
    let data = '';
    for (let i = 0; i < 500; i++) data += `${i}\tlabel ${i}\\twith tab\t[${i},${i % 10},1]\n`;
    await copyIn(client, 'COPY items FROM STDIN', data);
    assert.equal((await client.query('SELECT count(*)::int AS n FROM items')).rows[0].n, 500);
    const near = await client.query(`SELECT id FROM items ORDER BY embedding <-> '[7,7,1]' LIMIT 1`);
    assert.equal(near.rows[0].id, 7);
    for (const f of ['', 'WITH (FORMAT csv, HEADER)', 'WITH (FORMAT binary)']) {
      const sql = `COPY items TO STDOUT ${f}`;
      const wire = await copyOut(client, sql);
      const embedded = await s.db.query(sql.replace('STDOUT', `'/dev/blob'`));
      assert.deepEqual(wire, Buffer.from(await embedded.blob!.arrayBuffer()), sql);
      // And back: the output loads into an empty table as the same rows.
      await client.query('CREATE TABLE copy2 (id int PRIMARY KEY, label text, embedding vector(3))');
      await copyIn(client, `COPY copy2 FROM STDIN ${f}`, wire);
      assert.deepEqual(await copyOut(client, `COPY copy2 TO STDOUT ${f}`), wire);
      await client.query('DROP TABLE copy2');
    }
    // A bad line fails the COPY with PostgreSQL's error and CONTEXT, and nothing is kept.
    await assert.rejects(copyIn(client, 'COPY items FROM STDIN', '1000\ta\t[1,1,1]\n1001\tb\t[1,x]\n'), (e: pg.DatabaseError) => {
      assert.equal(e.code, '22P02');
      assert.equal(e.where, 'COPY items, line 2, column embedding: "[1,x]"');
      return true;
    });
    assert.equal((await client.query('SELECT count(*)::int AS n FROM items')).rows[0].n, 500);
    // An error before CopyInResponse (no such table), then the connection still works.
    await assert.rejects(copyIn(client, 'COPY nosuch FROM STDIN', 'x\n'), /relation "nosuch" does not exist/);
    assert.equal((await client.query('SELECT 1 AS x')).rows[0].x, 1);
    // COPY TO STDOUT in the extended protocol (Parse / Bind / Execute).
    const ext = await client.query({ text: 'COPY (SELECT id FROM items WHERE id < 3 ORDER BY id) TO STDOUT', values: [] });
    assert.equal(ext.command, 'COPY');
    assert.equal(ext.rowCount, 3);
  } finally {
    await client.end();
    await s.close();
  }
});

test('pg-copy-streams: CopyFail from the client fails the COPY (57014) and keeps no row', async () => {
  const s = await startServer();
  const client = new pg.Client(s.conn);
  await client.connect();
  try {
    await client.query('CREATE TABLE t (id int)');
    const stream = client.query(copyFrom('COPY t FROM STDIN'));
    const failed = new Promise<Error>((resolve) => stream.on('error', resolve));
    stream.write('1\n2\n');
    stream.destroy(new Error('client gave up'));
    const e = (await failed) as Error & { code?: string };
    assert.ok(e.message.includes('client gave up'), e.message);
    // The server's answer to CopyFail, then the connection is usable again.
    const r = await client.query('SELECT count(*)::int AS n FROM t');
    assert.equal(r.rows[0].n, 0);
  } finally {
    await client.end();
    await s.close();
  }
});

test('pg-copy-streams: a COPY inside a transaction block rolls back with it', async () => {
  const s = await startServer();
  const client = new pg.Client(s.conn);
  await client.connect();
  try {
    await client.query('CREATE TABLE t (id int, v vector(2))');
    await client.query('BEGIN');
    await copyIn(client, 'COPY t FROM STDIN WITH (FORMAT csv)', '1,"[1,2]"\n2,"[3,4]"\n');
    assert.equal((await client.query('SELECT count(*)::int AS n FROM t')).rows[0].n, 2);
    await client.query('ROLLBACK');
    assert.equal((await client.query('SELECT count(*)::int AS n FROM t')).rows[0].n, 0);
  } finally {
    await client.end();
    await s.close();
  }
});

test('psql: COPY FROM stdin in a script, \\copy from and to a file', { skip: !existsSync('/usr/bin/psql') && 'psql is not installed' }, async () => {
  const s = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-copy-'));
  try {
    const csv = join(dir, 'in.csv');
    const out = join(dir, 'out.txt');
    writeFileSync(csv, 'id,embedding\n10,"[1,0,0]"\n11,"[0,1,0]"\n');
    const script = join(dir, 'copy.sql');
    writeFileSync(
      script,
      [
        '\\set ON_ERROR_STOP on',
        'CREATE TABLE items (id int PRIMARY KEY, embedding vector(3));',
        'COPY items FROM stdin;',
        '1\t[1,2,3]',
        '2\t[4,5,6]',
        '\\.',
        `\\copy items FROM '${csv}' WITH (FORMAT csv, HEADER)`,
        `\\copy (SELECT id, embedding FROM items ORDER BY id) TO '${out}'`,
        'SELECT count(*) FROM items;',
        '',
      ].join('\n'),
    );
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        '/usr/bin/psql',
        ['-X', '-A', '-t', '-f', script, s.url],
        { encoding: 'utf8', env: { ...process.env, PGPASSWORD: PASSWORD, PGCONNECT_TIMEOUT: '10' }, timeout: 30_000 },
        (err, stdout, stderr) => resolve({ status: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr }),
      );
    });
    assert.equal(r.status, 0, `psql exit ${r.status}: ${r.stdout}\n${r.stderr}`);
    assert.deepEqual(r.stdout.trim().split('\n'), ['CREATE TABLE', 'COPY 2', 'COPY 2', 'COPY 4', '4']);
    assert.equal(readFileSync(out, 'utf8'), '1\t[1,2,3]\n2\t[4,5,6]\n10\t[1,0,0]\n11\t[0,1,0]\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await s.close();
  }
});
