/**
 * A raw wire-protocol connection for message-by-message differential tests: every backend
 * message, in order, as a short string (parameter statuses and the backend key left out, since
 * they differ between servers).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { serialize, parse } from 'pg-protocol';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { startServer } from './helpers.js';

/** A raw protocol connection: every backend message, in order, as a short string. */
export class RawConn {
  private readonly queue: string[] = [];
  private wake: (() => void) | null = null;
  private constructor(private readonly socket: net.Socket) {
    void parse(socket, (m) => {
      this.queue.push(describe(m as unknown as Record<string, unknown>));
      this.wake?.();
    });
  }

  static async open(host: string, port: number, user: string, database: string, options: Record<string, string>): Promise<RawConn> {
    const socket = net.connect({ host, port });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const c = new RawConn(socket);
    socket.write(serialize.startup({ user, database, ...options }));
    const startup = await c.untilReady();
    assert.ok(startup.some((m) => m.startsWith('authenticationOk')), `no AuthenticationOk: ${startup.join(' | ')}`);
    return c;
  }

  /** Sends `bytes` and returns the messages up to and including the next ReadyForQuery. */
  async exchange(...bytes: Buffer[]): Promise<string[]> {
    this.socket.write(Buffer.concat(bytes));
    return this.untilReady();
  }

  private async untilReady(): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      while (this.queue.length > 0) {
        const m = this.queue.shift()!;
        // Parameter statuses and the key differ between servers and versions; not compared.
        if (!m.startsWith('parameterStatus') && !m.startsWith('backendKeyData')) out.push(m);
        if (m.startsWith('readyForQuery')) return out;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  close(): void {
    this.socket.end(serialize.end());
  }
}

/** One backend message as the tests compare it. */
export function describe(m: Record<string, unknown>): string {
  switch (m['name']) {
    case 'error':
      return `error ${String(m['code'])} ${String(m['message'])}`;
    case 'dataRow':
      return `dataRow ${JSON.stringify(m['fields'])}`;
    case 'commandComplete':
      return `commandComplete ${String(m['text'])}`;
    case 'readyForQuery':
      return `readyForQuery ${String(m['status'])}`;
    case 'parameterDescription':
      return `parameterDescription ${JSON.stringify(m['dataTypeIDs'])}`;
    case 'rowDescription':
      return `rowDescription ${JSON.stringify((m['fields'] as { name: string; dataTypeID: number }[]).map((f) => [f.name, f.dataTypeID]))}`;
    default:
      return String(m['name']);
  }
}

/**
 * Runs `conversation` on a connection to `pglite` through pglite-socket (PostgreSQL's side of a
 * differential protocol test); stops the socket server and closes `pglite` after.
 */
export async function overPgliteSocket<T>(pglite: PGlite, conversation: (c: RawConn) => Promise<T>): Promise<T> {
  const socketServer = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1' });
  await socketServer.start();
  try {
    const [, port] = socketServer.getServerConn().split(':');
    return await withRawConn('127.0.0.1', Number(port), {}, conversation);
  } finally {
    await socketServer.stop();
    await pglite.close();
  }
}

/** Runs `conversation` on a connection to a new vecgres server (trust authentication), with startup options `options`. */
export async function overVecgresServer<T>(options: Record<string, string>, conversation: (c: RawConn) => Promise<T>): Promise<T> {
  const server = await startServer({ auth: 'trust' });
  try {
    return await withRawConn('127.0.0.1', server.port, options, conversation);
  } finally {
    await server.close();
  }
}

/** Runs `conversation` on a new connection to `host`:`port` as postgres (startup options `options`), closing it after. */
export async function withRawConn<T>(host: string, port: number, options: Record<string, string>, conversation: (c: RawConn) => Promise<T>, user = 'postgres', database = 'postgres'): Promise<T> {
  const c = await RawConn.open(host, port, user, database, options);
  try {
    return await conversation(c);
  } finally {
    c.close();
  }
}
