/**
 * pg_backend_pid() over the wire: as in PostgreSQL it is the process id the server sent in
 * BackendKeyData (what a cancel request names and pg_stat_activity.pid shows), one per
 * connection, the same for every statement of a connection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startServer } from './helpers.js';

test('pg_backend_pid() is the BackendKeyData process id of the connection', async () => {
  const server = await startServer();
  const a = new pg.Client(server.conn);
  const b = new pg.Client(server.conn);
  try {
    await a.connect();
    await b.connect();
    const pid = async (c: pg.Client): Promise<number> => (await c.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p;
    const keyOf = (c: pg.Client): number => (c as unknown as { processID: number }).processID;
    assert.equal(await pid(a), keyOf(a));
    assert.equal(await pid(b), keyOf(b));
    assert.notEqual(keyOf(a), keyOf(b));
    assert.equal(await pid(a), await pid(a));
    const r = await a.query('SELECT pg_typeof(pg_backend_pid())::text AS t');
    assert.deepEqual(r.rows, [{ t: 'integer' }]);
    // pg_stat_activity lists each connection under that process id, with its peer's address.
    const sa = await b.query<{ pid: number; client_addr: string; client_port: number }>(
      'SELECT pid, client_addr, client_port FROM pg_stat_activity WHERE pid IN ($1, $2) ORDER BY pid', [keyOf(a), keyOf(b)]);
    assert.deepEqual(sa.rows.map((x) => x.pid), [keyOf(a), keyOf(b)].sort((x, y) => x - y));
    // The client's end of its socket: the server's peer port.
    const localPort = (c: pg.Client): number => (c as unknown as { connection: { stream: { localPort: number } } }).connection.stream.localPort;
    for (const [c, row] of [[a, sa.rows.find((x) => x.pid === keyOf(a))!], [b, sa.rows.find((x) => x.pid === keyOf(b))!]] as const) {
      assert.equal(row.client_addr, '127.0.0.1');
      assert.equal(row.client_port, localPort(c));
    }
  } finally {
    await a.end().catch(() => undefined);
    await b.end().catch(() => undefined);
    await server.close();
  }
});

test('embedded sessions and connections of one database never share a process id (advisory locks tell sessions apart by it)', async () => {
  const server = await startServer();
  const clients: pg.Client[] = [];
  try {
    const pids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await server.db.connect();
      pids.push((await s.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p);
      const c = new pg.Client(server.conn);
      await c.connect();
      clients.push(c);
      pids.push((await c.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p);
    }
    assert.equal(new Set(pids).size, pids.length, pids.join(' '));
    // An advisory lock one connection holds is another session's conflict, whichever kind.
    await clients[0]!.query('SELECT pg_advisory_lock(1)');
    const s = await server.db.connect();
    assert.deepEqual((await s.query('SELECT pg_try_advisory_lock(1) AS ok')).rows, [{ ok: false }]);
  } finally {
    for (const c of clients) await c.end().catch(() => undefined);
    await server.close();
  }
});
