/**
 * `vecgres serve`: opens a database (in memory, or the data directory `--data`) and serves it
 * over the PostgreSQL wire protocol until SIGINT / SIGTERM, then closes it with a checkpoint.
 */
import { readFileSync } from 'node:fs';
import { Vecgres } from '../index.js';
import { VecgresServer } from '../server/server.js';
import type { AuthMethod } from '../protocol/auth.js';

export interface ServeOptions {
  data?: string;
  host: string;
  port: number;
  maxConnections: number;
  auth: AuthMethod;
  user: string;
  password?: string;
  passwordFile?: string;
  maxMessageBytes?: number;
  tlsCert?: string;
  tlsKey?: string;
  tlsRequired?: boolean;
  /** `-c name=value` settings, as `postgres -c` (each session's start value; see VecgresOptions.settings). */
  set?: string[];
}

/**
 * The `-c name=value` options as a settings object.
 * @throws Error naming an entry without `=`.
 */
export function serveSettings(o: ServeOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of o.set ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`-c ${entry}: expected name=value`);
    out[entry.slice(0, eq).trim()] = entry.slice(eq + 1);
  }
  return out;
}

/**
 * The TLS files of the options, read; undefined when neither is given.
 * @throws Error when only one of --tls-cert and --tls-key is given, or a file cannot be read.
 */
export function serveTls(o: ServeOptions): { cert: Buffer; key: Buffer } | undefined {
  if (o.tlsCert === undefined && o.tlsKey === undefined) return undefined;
  if (o.tlsCert === undefined || o.tlsKey === undefined) throw new Error('--tls-cert and --tls-key go together');
  return { cert: readFileSync(o.tlsCert), key: readFileSync(o.tlsKey) };
}

/**
 * Users from the options: `--password-file` lines `user:password` (a line without a colon is
 * the password of `--user`), else `--password`, else the environment's VECGRES_PASSWORD, for
 * `--user`.
 */
export function serveUsers(o: ServeOptions, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const users: Record<string, string> = {};
  if (o.passwordFile !== undefined) {
    for (const line of readFileSync(o.passwordFile, 'utf8').split(/\r?\n/)) {
      if (line.trim() === '' || line.startsWith('#')) continue;
      const colon = line.indexOf(':');
      if (colon < 0) users[o.user] = line;
      else users[line.slice(0, colon)] = line.slice(colon + 1);
    }
    return users;
  }
  const pw = o.password ?? env['VECGRES_PASSWORD'];
  if (pw !== undefined && pw !== '') users[o.user] = pw;
  return users;
}

/** Runs the server until a signal; resolves after the database is closed. */
export async function runServe(o: ServeOptions): Promise<void> {
  const db = await Vecgres.create({ ...(o.data === undefined ? {} : { dataDir: o.data }), settings: serveSettings(o) });
  let server: VecgresServer;
  try {
    const tls = serveTls(o);
    server = await VecgresServer.start({
      db: db.database,
      host: o.host,
      port: o.port,
      maxConnections: o.maxConnections,
      auth: o.auth,
      users: serveUsers(o),
      ...(o.maxMessageBytes === undefined ? {} : { maxMessageBytes: o.maxMessageBytes }),
      ...(tls === undefined ? {} : { tls }),
      ...(o.tlsRequired === true ? { tlsRequired: true } : {}),
    });
  } catch (e) {
    await db.close();
    throw e;
  }
  console.error(`vecgres listening on ${o.host}:${server.port} (${o.data === undefined ? 'in memory' : `data directory ${o.data}`}, auth ${o.auth}${o.tlsCert === undefined ? '' : o.tlsRequired === true ? ', TLS required' : ', TLS'})`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await db.close();
  console.error('vecgres stopped');
}
