/**
 * The messages between a {@link VecgresWorker} (the application's thread) and the worker thread
 * that owns the database (worker/host.ts), and how errors cross between them.
 *
 * Values cross by structured clone, which keeps every shape the embedded API returns
 * (Float32Array, BigInt, Date, Blob, nested arrays and plain objects); functions cannot cross,
 * so callbacks (`onNotice`, `onIndexBuildProgress`, a dump's `write`, LISTEN's) stay on the
 * caller's side and the host sends events that the caller routes to them by request id (by
 * session id for notifications). Errors do not keep
 * their class or own fields through a clone, so they cross as {@link WireError} and are rebuilt.
 *
 * Every request carries an `id`; the host answers each with exactly one {@link Reply}, after
 * every event of that request (notices, progress, dump chunks, a transaction's readiness):
 * a port delivers messages in order, so the caller has them all when the reply settles the call.
 */
import { PgError, type PgErrorFields, type Severity } from '../common/errors.js';
import type { DumpOptions } from '../sql/dump/dump.js';
import type { IndexBuildProgress } from '../sql/env.js';

/** A query's options as they cross: `onNotice` becomes a flag (the host sends notice events). */
export interface WireQueryOptions {
  rowMode?: 'object' | 'array';
  vectorFormat?: 'text' | 'float32array';
  blob?: Blob;
  /** The query has its own onNotice: send its notices as events with its request id. */
  notice?: boolean;
}

/** Session 0 is the database's own (`db.query`); `connect()` makes the others. */
export type Request =
  | { id: number; op: 'query'; sid: number; sql: string; params: unknown[]; opts: WireQueryOptions }
  | { id: number; op: 'exec'; sid: number; sql: string; opts: WireQueryOptions }
  | { id: number; op: 'describe'; sid: number; sql: string }
  | { id: number; op: 'connect' }
  | { id: number; op: 'release'; sid: number }
  /** Starts `transaction()` on session `sid`; the host sends `txReady` once BEGIN ran, and replies when it ended. */
  | { id: number; op: 'txBegin'; sid: number }
  /** One call on the transaction that request `tx` started. */
  | { id: number; op: 'tx'; tx: number; kind: 'query' | 'exec' | 'rollback'; sql: string; params: unknown[]; opts: WireQueryOptions }
  /** The transaction callback returned (`ok`) or threw: commit, or roll back. Not answered by itself. */
  | { id: number; op: 'txEnd'; tx: number; ok: boolean }
  | { id: number; op: 'dump'; opts: DumpOptions }
  | { id: number; op: 'dumpDataDir'; compression: 'none' | 'gzip' | 'auto' }
  | { id: number; op: 'close' }
  /** Test hook: the thread ends with process.exit(code), as a crash would. */
  | { id: number; op: 'exit'; code: number };

/** The answer to request `id`. */
export type Reply = { type: 'reply'; id: number; ok: true; value: unknown } | { type: 'reply'; id: number; ok: false; error: WireError };

/** What the host sends besides replies. */
export type HostEvent =
  | Reply
  /** The database is open (`notices`: WARNINGs of the open), or failed to open. */
  | { type: 'ready'; notices: WireError[] }
  | { type: 'openFailed'; error: WireError }
  /** A NOTICE/WARNING of request `id`'s statements (for its own onNotice, else the database's), or (id 0) of no statement. */
  | { type: 'notice'; id: number; notice: WireError }
  | { type: 'progress'; progress: IndexBuildProgress }
  | { type: 'txReady'; id: number }
  | { type: 'chunk'; id: number; chunk: string }
  /**
   * A notification session `sid` received (LISTEN): posted before the reply of the statement
   * that delivered it, so the caller's callbacks are queued when that call settles.
   */
  | { type: 'notification'; sid: number; channel: string; payload: string };

/** An error as it crosses threads: a PgError's fields, or another Error's name and message. */
export interface WireError {
  pg: boolean;
  name: string;
  message: string;
  code?: string;
  severity?: Severity;
  detail?: string;
  hint?: string;
  position?: string;
  where?: string;
}

/** `e` as a {@link WireError} (a PgError keeps every field; anything else its name and message). */
export function errorToWire(e: unknown): WireError {
  if (e instanceof PgError) {
    const w: WireError = { pg: true, name: e.name, message: e.message, code: e.code, severity: e.severity };
    if (e.detail !== undefined) w.detail = e.detail;
    if (e.hint !== undefined) w.hint = e.hint;
    if (e.position !== undefined) w.position = e.position;
    if (e.where !== undefined) w.where = e.where;
    return w;
  }
  if (e instanceof Error) return { pg: false, name: e.name, message: e.message };
  return { pg: false, name: 'Error', message: String(e) };
}

/**
 * The error `w` describes, rebuilt in this thread: a {@link PgError} with SQLSTATE, severity,
 * detail, hint, position and CONTEXT as thrown in the worker, or an Error with its message
 * (and name, e.g. `TypeError` stays one).
 */
export function wireToError(w: WireError): Error {
  if (w.pg && w.code !== undefined) {
    const fields: PgErrorFields = {};
    if (w.severity !== undefined) fields.severity = w.severity;
    if (w.detail !== undefined) fields.detail = w.detail;
    if (w.hint !== undefined) fields.hint = w.hint;
    if (w.where !== undefined) fields.where = w.where;
    const e = new PgError(w.code, w.message, fields);
    // Kept as the worker's text: PgError stores the position as a string already.
    if (w.position !== undefined) e.position = w.position;
    return e;
  }
  const Ctor = w.name === 'TypeError' ? TypeError : w.name === 'RangeError' ? RangeError : Error;
  const e = new Ctor(w.message);
  if (e.name !== w.name) e.name = w.name;
  return e;
}
