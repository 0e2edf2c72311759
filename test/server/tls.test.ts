/**
 * TLS: with a certificate and key the server answers an SSLRequest 'S' and the connection
 * continues over TLS (node-postgres with sslmode=require, psql "sslmode=require"); without
 * them 'N'; with tlsRequired an unencrypted startup is refused as PostgreSQL refuses one that no
 * hostssl line admits. The certificate is self-signed, made at test time with openssl.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import pg from 'pg';
import { startServer, PASSWORD } from './helpers.js';

const OPENSSL = ['/usr/bin/openssl', '/bin/openssl'].find((p) => existsSync(p));
const PSQL = existsSync('/usr/bin/psql') ? '/usr/bin/psql' : undefined;
let dir = '';
let cert = '';
let key = '';

before(() => {
  if (OPENSSL === undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'vecgres-tls-'));
  execFileSync(OPENSSL, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  key = readFileSync(join(dir, 'key.pem'), 'utf8');
});

after(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

function psql(args: string[], conninfo: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  // Asynchronously: the server runs on this thread.
  return new Promise((resolve) => {
    execFile(PSQL!, ['-X', '-A', '-t', ...args, conninfo], { encoding: 'utf8', env: { ...process.env, PGPASSWORD: PASSWORD, PGCONNECT_TIMEOUT: '10' }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ status: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr }),
    );
  });
}

test('TLS: node-postgres with sslmode=require runs queries over an encrypted socket; SCRAM works through it', { skip: OPENSSL === undefined && 'openssl is not installed' }, async () => {
  const s = await startServer({ tls: { cert, key } });
  try {
    const c = new pg.Client({ ...s.conn, ssl: { rejectUnauthorized: false } });
    await c.connect();
    const stream = (c as unknown as { connection: { stream: unknown } }).connection.stream;
    assert.ok(stream instanceof TLSSocket && stream.encrypted, 'the client socket is TLS');
    await c.query('CREATE TABLE t (id int PRIMARY KEY, e vector(2))');
    await c.query('INSERT INTO t VALUES ($1, $2), ($3, $4)', [1, '[1,0]', 2, '[0,1]']);
    assert.deepEqual((await c.query("SELECT id FROM t ORDER BY e <-> '[0.9,0]' LIMIT 1")).rows, [{ id: 1 }]);
    // A result larger than one TLS record (16 KiB) arrives whole.
    const big = await c.query('SELECT repeat($1, 100000) AS r', ['x']);
    assert.equal(big.rows[0].r.length, 100000);
    await c.end();
    // A plain connection still works when TLS is optional.
    const plain = new pg.Client(s.conn);
    await plain.connect();
    assert.equal((await plain.query('SELECT 1 AS x')).rows[0].x, 1);
    await plain.end();
  } finally {
    await s.close();
  }
});

test('TLS: tlsRequired refuses an unencrypted startup with FATAL 28000; an encrypted one is admitted', { skip: OPENSSL === undefined && 'openssl is not installed' }, async () => {
  const s = await startServer({ tls: { cert, key }, tlsRequired: true });
  try {
    const plain = new pg.Client(s.conn);
    await assert.rejects(plain.connect(), (e: pg.DatabaseError) => {
      assert.equal(e.code, '28000');
      assert.equal(e.severity, 'FATAL');
      assert.equal(e.message, 'no pg_hba.conf entry for host "127.0.0.1", user "postgres", database "postgres", no encryption');
      return true;
    });
    const c = new pg.Client({ ...s.conn, ssl: { rejectUnauthorized: false } });
    await c.connect();
    assert.equal((await c.query('SELECT 2 AS x')).rows[0].x, 2);
    await c.end();
  } finally {
    await s.close();
  }
});

test('TLS: without a certificate sslmode=require fails on the client (the server answers N)', async () => {
  const s = await startServer();
  try {
    const c = new pg.Client({ ...s.conn, ssl: { rejectUnauthorized: false } });
    await assert.rejects(c.connect(), /does not support SSL/);
    // The server is unharmed.
    const plain = new pg.Client(s.conn);
    await plain.connect();
    assert.equal((await plain.query('SELECT 1 AS x')).rows[0].x, 1);
    await plain.end();
  } finally {
    await s.close();
  }
});

test('TLS: a server with tlsRequired and no certificate, or a key that is not PEM, does not start', async () => {
  const s = await startServer();
  try {
    const { VecgresServer } = await import('../../src/server/server.js');
    await assert.rejects(VecgresServer.start({ db: s.db.database, port: 0, auth: 'trust', tlsRequired: true }), (e: { code?: string }) => e.code === '22023');
    await assert.rejects(VecgresServer.start({ db: s.db.database, port: 0, auth: 'trust', tls: { cert: 'nope', key: 'nope' } }), (e: { code?: string; message?: string }) => e.code === '22023' && /could not load server certificate/.test(e.message ?? ''));
  } finally {
    await s.close();
  }
});

test('TLS: psql "sslmode=require" connects encrypted; sslmode=disable is refused when TLS is required', { skip: (OPENSSL === undefined || PSQL === undefined) && 'openssl or psql is not installed' }, async () => {
  const s = await startServer({ tls: { cert, key }, tlsRequired: true });
  try {
    const base = `host=127.0.0.1 port=${s.port} user=postgres dbname=postgres`;
    const ok = await psql(['-c', 'SELECT 40 + 2', '-c', '\\conninfo'], `${base} sslmode=require`);
    assert.equal(ok.status, 0, ok.stderr);
    const lines = ok.stdout.trim().split('\n');
    assert.equal(lines[0], '42');
    assert.match(lines.slice(1).join('\n'), /\nSSL connection \(protocol: TLSv1\.[23],/);
    const refused = await psql(['-c', 'SELECT 1'], `${base} sslmode=disable`);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /FATAL: {2}no pg_hba\.conf entry for host "127\.0\.0\.1", user "postgres", database "postgres", no encryption/);
  } finally {
    await s.close();
  }
});
