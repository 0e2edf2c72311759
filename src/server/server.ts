/**
 * `vecgres serve`: a PostgreSQL wire-protocol (v3) server over a vecgres database, so psql,
 * node-postgres, postgres.js and the drivers of other languages connect unchanged. Each
 * connection gets its own engine session (settings, transaction); all run on this thread,
 * each statement to completion, so connections interleave between statements.
 *
 *   const server = await VecgresServer.start({ db, port: 0, users: { postgres: 'secret' } });
 *   // psql "postgresql://postgres:secret@127.0.0.1:${server.port}/postgres"
 *   await server.close();
 *
 * Authentication is PostgreSQL's (protocol/auth.ts): scram-sha-256 by default, md5, password
 * (cleartext) or trust; an unknown user fails exactly as a wrong password does. TLS when a
 * certificate and key are given (an SSLRequest is answered 'S' and the connection continues
 * over node:tls; without them 'N'), optionally required for every connection. Not here yet:
 * COPY, worker threads.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { PgError, SQLSTATE } from '../common/errors.js';
import type { Database } from '../engine/database.js';
import { AUTH_METHODS, md5Secret, type AuthMethod } from '../protocol/auth.js';
import { buildScramSecret, SCRAM_SALT_BYTES } from '../protocol/scram.js';
import { MAX_MESSAGE_BYTES } from '../protocol/constants.js';
import { Connection } from './connection.js';
import type { ServerContext } from './context.js';

export interface ServerOptions {
  /** The database to serve (opened by the caller; {@link VecgresServer.close} leaves it open). */
  db: Database;
  /** Address to listen on (default 127.0.0.1: loopback only). */
  host?: string;
  /** TCP port (default 5432; 0 picks a free one, see {@link VecgresServer.port}). */
  port?: number;
  /** Most concurrent client connections (default 100, PostgreSQL's max_connections); more get FATAL 53300. */
  maxConnections?: number;
  /** Authentication method (default scram-sha-256). */
  auth?: AuthMethod;
  /** Users and their passwords (plain text; stored as SCRAM or MD5 secrets). Required unless auth is trust. */
  users?: Readonly<Record<string, string>>;
  /** Largest message a client may send, in bytes (default PostgreSQL's 1 GiB). */
  maxMessageBytes?: number;
  /** Where log lines go (default: stderr). */
  log?: (line: string) => void;
  /** TLS: the server's certificate chain and private key (PEM). Without it an SSLRequest is answered 'N'. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Refuse unencrypted connections (FATAL 28000, as a pg_hba.conf with only hostssl lines). Needs `tls`. */
  tlsRequired?: boolean;
}

/** A running server. */
export class VecgresServer implements ServerContext {
  readonly db: Database;
  readonly authMethod: AuthMethod;
  readonly mockNonce = new Uint8Array(randomBytes(32));
  readonly maxMessageBytes: number;
  readonly maxConnections: number;
  readonly tls: SecureContext | null;
  readonly tlsRequired: boolean;
  private readonly secrets = new Map<string, string>();
  private readonly connections = new Map<number, Connection>();
  private admitted = 0;
  private readonly logLine: (line: string) => void;
  private closing = false;

  private constructor(
    private readonly net: Server,
    opts: ServerOptions,
    tls: SecureContext | null,
  ) {
    this.db = opts.db;
    this.tls = tls;
    this.tlsRequired = opts.tlsRequired === true;
    this.authMethod = opts.auth ?? 'scram-sha-256';
    this.maxConnections = opts.maxConnections ?? 100;
    this.maxMessageBytes = opts.maxMessageBytes ?? MAX_MESSAGE_BYTES.default;
    this.logLine = opts.log ?? ((l) => process.stderr.write(l + '\n'));
    for (const [user, password] of Object.entries(opts.users ?? {})) {
      // md5 needs the MD5 form; for scram-sha-256 and password the SCRAM secret serves both.
      this.secrets.set(user, this.authMethod === 'md5' ? md5Secret(password, user) : buildScramSecret(password, new Uint8Array(randomBytes(SCRAM_SALT_BYTES))));
    }
  }

  /**
   * Listens and resolves once the port is bound.
   * @throws PgError 22023 for an unknown auth method, no users without trust, a bad limit;
   *   the listen error (EADDRINUSE ...) as Node raises it.
   */
  static async start(opts: ServerOptions): Promise<VecgresServer> {
    const auth = opts.auth ?? 'scram-sha-256';
    if (!AUTH_METHODS.includes(auth)) throw new PgError(SQLSTATE.invalid_parameter_value, `invalid authentication method "${String(auth)}"`);
    if (auth !== 'trust' && Object.keys(opts.users ?? {}).length === 0) {
      throw new PgError(SQLSTATE.invalid_parameter_value, `authentication method ${auth} needs at least one user with a password`, {
        hint: 'Give --user and --password, VECGRES_PASSWORD or --password-file, or --auth trust.',
      });
    }
    const max = opts.maxConnections ?? 100;
    if (!Number.isInteger(max) || max < 1 || max > 262143) {
      throw new PgError(SQLSTATE.invalid_parameter_value, `${max} is outside the valid range for parameter "max_connections" (1 .. 262143)`);
    }
    if (opts.tlsRequired === true && opts.tls === undefined) {
      throw new PgError(SQLSTATE.invalid_parameter_value, 'TLS is required but no certificate and key were given', { hint: 'Give --tls-cert and --tls-key.' });
    }
    let tls: SecureContext | null = null;
    if (opts.tls !== undefined) {
      try {
        tls = createSecureContext({ cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2' });
      } catch (e) {
        // OpenSSL's reason (a key that does not match the certificate, a file that is not PEM).
        throw new PgError(SQLSTATE.invalid_parameter_value, `could not load server certificate and key: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const net = createServer();
    const server = new VecgresServer(net, opts, tls);
    net.on('connection', (socket: Socket) => server.accept(socket));
    await new Promise<void>((resolve, reject) => {
      net.once('error', reject);
      net.listen(opts.port ?? 5432, opts.host ?? '127.0.0.1', () => {
        net.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  /** The bound TCP port. */
  get port(): number {
    const a = this.net.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  /** Connections open now (authenticated or not). */
  get connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    // The database's own counter: embedded sessions of the same database never share it.
    const pid = this.db.allocatePid();
    const conn = new Connection(socket, this, pid);
    this.connections.set(pid, conn);
  }

  secretFor(user: string): string | null {
    return this.secrets.get(user) ?? null;
  }

  admit(conn: Connection): boolean {
    if (conn.counted) return true;
    if (this.admitted >= this.maxConnections) return false;
    this.admitted++;
    conn.counted = true;
    return true;
  }

  cancel(processId: number, secretKey: number): void {
    const c = this.connections.get(processId);
    if (c !== undefined && c.secretKey === secretKey) c.requestCancel();
  }

  onClose(conn: Connection): void {
    this.connections.delete(conn.processId);
    if (conn.counted) {
      conn.counted = false;
      this.admitted--;
    }
  }

  log(line: string): void {
    this.logLine(line);
  }

  /** Stops listening and closes every connection (open transactions roll back). The database stays open. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const done = new Promise<void>((resolve) => this.net.close(() => resolve()));
    for (const c of [...this.connections.values()]) c.close();
    await done;
  }
}
