/**
 * LISTEN / NOTIFY over the wire: the same node-postgres code (two connections, `on('notification')`)
 * and the same psql script against `vecgres serve` and, when PGVECTOR_URL names one, native
 * PostgreSQL; each connection must receive the same NotificationResponses (channel, payload, and
 * the sender's process id: its own or the other connection's) in the same order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startServer, PASSWORD } from './helpers.js';

const NATIVE = process.env['PGVECTOR_URL'];

/** Statements by connection; 'wait' lets the other connection's notifications arrive. */
const SCRIPT: [number, string][] = [
  [0, 'LISTEN vg_wire'],
  [1, 'LISTEN vg_wire'],
  [1, 'LISTEN "vg_Other"'],
  [0, "NOTIFY vg_wire, 'one'"],
  [1, 'BEGIN'],
  [1, `NOTIFY "vg_Other", 'from 1 in a block'`],
  [0, "NOTIFY vg_wire, 'two'"],
  [0, `SELECT pg_notify('vg_Other', 'three')`],
  [1, "NOTIFY vg_wire, 'four'"],
  [1, 'COMMIT'],
  [0, "BEGIN; NOTIFY vg_wire, 'x'; NOTIFY vg_wire, 'x'; NOTIFY vg_wire, 'y'; COMMIT"],
  [0, "BEGIN; NOTIFY vg_wire, 'rolled back'; ROLLBACK"],
  [1, 'UNLISTEN vg_wire'],
  [0, "NOTIFY vg_wire, 'five'"],
  [0, 'UNLISTEN *'],
  [1, "NOTIFY vg_wire, 'six'"],
  [1, 'SELECT pg_listening_channels() AS c'],
];

/** Runs SCRIPT on two connections; each connection's notifications as `channel payload sender`. */
async function run(config: string | pg.ClientConfig): Promise<{ got: string[][]; channels: unknown }> {
  const clients = [new pg.Client(config), new pg.Client(config)];
  const got: string[][] = [[], []];
  let channels: unknown = null;
  try {
    for (const c of clients) await c.connect();
    const pids = clients.map((c) => (c as unknown as { processID: number }).processID);
    for (const [i, c] of clients.entries()) {
      c.on('notification', (n) => got[i]!.push(`${n.channel} ${n.payload ?? ''} ${n.processId === pids[i] ? 'self' : n.processId === pids[1 - i] ? 'other' : 'unknown'}`));
    }
    for (const [i, sql] of SCRIPT) {
      const r = await clients[i]!.query(sql);
      if (sql.startsWith('SELECT pg_listening')) channels = (r as pg.QueryResult).rows;
      // A round trip on each connection, so that what was sent to it has arrived.
      for (const c of clients) await c.query('SELECT 1');
    }
  } finally {
    for (const c of clients) await c.end().catch(() => undefined);
  }
  return { got, channels };
}

test('node-postgres: two connections get the NotificationResponses PostgreSQL sends', async () => {
  const s = await startServer();
  try {
    const ours = await run(s.conn);
    // The script's effect, stated: connection 0 hears its own and 1's notifications until UNLISTEN *.
    assert.deepEqual(ours.got[0]!.slice(0, 2), ['vg_wire one self', 'vg_wire two self']);
    assert.deepEqual(ours.channels, [{ c: 'vg_Other' }]);
    if (NATIVE !== undefined) {
      const theirs = await run(NATIVE);
      assert.deepEqual(ours, theirs);
    }
  } finally {
    await s.close();
  }
});

function psql(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('/usr/bin/psql', args, { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), out: stdout + stderr });
    });
  });
}

test('psql prints the notifications it receives as from PostgreSQL', { skip: !existsSync('/usr/bin/psql') && 'psql is not installed' }, async () => {
  const script = ["LISTEN vg_psql;", "NOTIFY vg_psql, 'hello';", "BEGIN;", "NOTIFY vg_psql, 'at commit';", "SELECT 1 AS one;", "COMMIT;", "SELECT pg_notify('vg_psql', 'via pg_notify');", "UNLISTEN vg_psql;", "NOTIFY vg_psql, 'unheard';"].join('\n');
  const clean = (out: string): string => out.replace(/server process with PID \d+/g, 'server process with PID n');
  // psql -f sends the statements one at a time (with -c they would be one query, and one
  // transaction whose final UNLISTEN drops every notification before it is read).
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-notify-'));
  const file = join(dir, 'notify.sql');
  writeFileSync(file, script);
  const s = await startServer();
  try {
    const ours = await psql(['-X', '-q', '-h', s.conn.host, '-p', String(s.conn.port), '-U', s.conn.user, '-d', 'postgres', '-f', file], { PGPASSWORD: PASSWORD });
    assert.equal(ours.code, 0, ours.out);
    assert.match(ours.out, /Asynchronous notification "vg_psql" with payload "hello" received from server process with PID \d+\./);
    if (NATIVE !== undefined) {
      const theirs = await psql(['-X', '-q', NATIVE, '-f', file]);
      assert.equal(clean(ours.out), clean(theirs.out));
    }
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
