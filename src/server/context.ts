/**
 * What a connection needs from its server: the database, the authentication configuration,
 * the limits, and the registry of live connections (max_connections, CancelRequest).
 */
import type { SecureContext } from 'node:tls';
import type { Database } from '../engine/database.js';
import type { AuthMethod } from '../protocol/auth.js';
import type { Connection } from './connection.js';

export interface ServerContext {
  readonly db: Database;
  readonly authMethod: AuthMethod;
  /** Per-server secret for SCRAM exchanges with unknown users (see protocol/scram.ts). */
  readonly mockNonce: Uint8Array;
  /** Largest frontend message in bytes (length word included). */
  readonly maxMessageBytes: number;
  /** TLS configuration, or null when an SSLRequest is answered 'N'. */
  readonly tls: SecureContext | null;
  /** Unencrypted startups are refused with FATAL 28000. */
  readonly tlsRequired: boolean;
  /** The stored secret of `user` (pg_authid.rolpassword form), or null when there is no such user. */
  secretFor(user: string): string | null;
  /** Counts `conn` against max_connections; false when the server is full. */
  admit(conn: Connection): boolean;
  /** A CancelRequest: marks the connection with this process id and key, if any. */
  cancel(processId: number, secretKey: number): void;
  /** The connection ended. */
  onClose(conn: Connection): void;
  /** Server log line (stderr by default). */
  log(line: string): void;
}
