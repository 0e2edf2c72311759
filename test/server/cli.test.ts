/**
 * `vecgres serve` as a process: starts on a free port with the password from the environment,
 * serves a client, stops cleanly on SIGTERM (checkpointing its data directory), and a second
 * start on the same directory sees the committed rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');

async function serve(args: string[]): Promise<{ child: ChildProcess; port: number; stderr: () => string }> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', ...args], {
    env: { ...process.env, VECGRES_PASSWORD: 's3cret' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
      if (m !== null) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  return { child, port, stderr: () => err };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

test('vecgres serve: SCRAM password from VECGRES_PASSWORD, SIGTERM stops it cleanly, the data directory keeps commits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-serve-'));
  try {
    const a = await serve(['--data', dir]);
    const c1 = new pg.Client({ host: '127.0.0.1', port: a.port, user: 'postgres', password: 's3cret', database: 'postgres' });
    await c1.connect();
    await c1.query('CREATE TABLE kept (id int PRIMARY KEY, e vector(2))');
    await c1.query('INSERT INTO kept VALUES ($1, $2)', [7, '[1,2]']);
    await c1.end();
    const bad = new pg.Client({ host: '127.0.0.1', port: a.port, user: 'postgres', password: 'nope', database: 'postgres' });
    await assert.rejects(bad.connect(), (e: pg.DatabaseError) => e.code === '28P01');
    const done = exited(a.child);
    a.child.kill('SIGTERM');
    assert.equal(await done, 0, a.stderr());
    assert.match(a.stderr(), /vecgres stopped/);

    // Settings as postgres -c: every session starts with them; shared_buffers only this way.
    const b = await serve(['--data', dir, '-c', 'shared_buffers=1MB', '--set', 'hnsw.ef_search=77']);
    const c2 = new pg.Client({ host: '127.0.0.1', port: b.port, user: 'postgres', password: 's3cret', database: 'postgres' });
    await c2.connect();
    assert.deepEqual((await c2.query('SELECT id, e::text AS e FROM kept')).rows, [{ id: 7, e: '[1,2]' }]);
    assert.deepEqual((await c2.query("SELECT current_setting('shared_buffers') AS s, current_setting('hnsw.ef_search') AS e")).rows, [{ s: '1MB', e: '77' }]);
    await assert.rejects(c2.query("SET shared_buffers = '2MB'"), (e: pg.DatabaseError) => e.code === '55P02');
    await c2.end();
    const done2 = exited(b.child);
    b.child.kill('SIGTERM');
    assert.equal(await done2, 0, b.stderr());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vecgres serve refuses to start with a -c setting it does not know or cannot take', async () => {
  for (const [arg, message] of [['no_such=1', /unrecognized configuration parameter "no_such"/], ['shared_buffers=1kB', /outside the valid range for parameter "shared_buffers"/], ['shared_buffers', /expected name=value/]] as const) {
    const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '-c', arg], { env: { ...process.env, VECGRES_PASSWORD: 'x' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    assert.equal(await exited(child), 1, err);
    assert.match(err, message);
  }
});

test('vecgres serve refuses to start with password authentication and no password', async () => {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0'], { env: { ...process.env, VECGRES_PASSWORD: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const code = await exited(child);
  assert.equal(code, 1);
  assert.match(err, /authentication method scram-sha-256 needs at least one user with a password/);
});

test('vecgres serve --tls-cert --tls-key --tls-required: TLS clients are served, plain ones refused with 28000; one file alone is refused', { skip: !existsSync('/usr/bin/openssl') && 'openssl is not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-serve-tls-'));
  try {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const a = await serve(['--tls-cert', cert, '--tls-key', key, '--tls-required']);
    // A failed assertion must not leave the server running (the test would never end).
    const stopOnFailure = setTimeout(() => a.child.kill('SIGKILL'), 60_000);
    stopOnFailure.unref();
    try {
      assert.match(a.stderr(), /TLS required/);
      const conn = { host: '127.0.0.1', port: a.port, user: 'postgres', password: 's3cret', database: 'postgres' };
      const c = new pg.Client({ ...conn, ssl: { rejectUnauthorized: false } });
      await c.connect();
      assert.equal((await c.query('SELECT 1 AS x')).rows[0].x, 1);
      await c.end();
      await assert.rejects(new pg.Client(conn).connect(), (e: pg.DatabaseError) => e.code === '28000');
    } catch (e) {
      a.child.kill('SIGKILL');
      throw e;
    }
    const done = exited(a.child);
    a.child.kill('SIGTERM');
    assert.equal(await done, 0, a.stderr());
    clearTimeout(stopOnFailure);

    const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--tls-cert', cert], { env: { ...process.env, VECGRES_PASSWORD: 'x' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    assert.equal(await exited(child), 1);
    assert.match(err, /--tls-cert and --tls-key go together/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
