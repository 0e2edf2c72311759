/**
 * vecgres: a pgvector-compatible vector database for Node.js, embedded in your process.
 *
 * The API is shaped like PGlite's (`@electric-sql/pglite`) so code moves between the two:
 *
 * ```ts
 * const db = await Vecgres.create();
 * await db.exec('CREATE EXTENSION vector; CREATE TABLE items (id bigserial PRIMARY KEY, embedding vector(3))');
 * await db.query('INSERT INTO items (embedding) VALUES ($1)', [[1, 2, 3]]);
 * const { rows } = await db.query('SELECT id FROM items ORDER BY embedding <-> $1 LIMIT 5', [[3, 1, 2]]);
 * const s = await db.connect();   // an independent session for one concurrent caller
 * await s.transaction(async (tx) => tx.query('DELETE FROM items WHERE id = $1', [1]));
 * await s.release();
 * ```
 *
 * Values come back as PGlite returns them: integer/real/double precision as numbers, bigint
 * as a number when it is a safe integer and a BigInt otherwise, boolean, text as strings,
 * and `vector` as pgvector's text (`'[1,2,3]'`) — or as a Float32Array with the query option
 * `{ vectorFormat: 'float32array' }` (halfvec too, widened to float32). halfvec, sparsevec,
 * bit and bit varying come back as their PostgreSQL text (`'[1,2]'`, `'{1:1,3:2}/5'`,
 * `'101'`), arrays of numbers, text and booleans as JS arrays, arrays of pgvector's types as
 * text (PGlite does not know their OIDs). Vector and halfvec parameters accept a number[], a
 * Float32Array or text; sparsevec and bit parameters text; array parameters JS arrays.
 */
import { UTC_ZONE, type TimeZone } from './types/timezone.js';
import { isPsqlScript, splitPsqlScript } from './sql/dump/psql_script.js';
import type { Clock } from './common/clock.js';
import { Database } from './engine/database.js';
import { bindPortal, commandTag, parseScript } from './engine/portal.js';
import { PgError, SQLSTATE } from './common/errors.js';
import type { StorageBackend } from './storage/fs.js';
import type { Session } from './engine/session.js';
import type { StatementResult } from './sql/exec/statement.js';
import type { CopyIo } from './sql/exec/copy.js';
import type { IndexBuildProgress } from './sql/env.js';
import type { Value } from './storage/table.js';
import { formatFloat4, formatFloat8 } from './types/float.js';
import { PgArray } from './types/pgarray.js';
import { EnumValue, hasEnumElements } from './types/enum_value.js';
import { typeIoByName } from './types/type_io.js';
import { valueToText, type SqlType, type RegCatalog, typeOid } from './sql/analyze/types.js';
import { formatArray } from './sql/analyze/arrays.js';
import type { Notification } from './sql/env.js';
import { dumpCatalog, type DumpOptions, type DumpSummary } from './sql/dump/dump.js';
import { packArchive, unpackArchive } from './storage/data_dir_archive.js';
import { gzip, gunzip } from 'node:zlib';
import { promisify } from 'node:util';

export { PgError, isPgError } from './common/errors.js';
export { sql, query, identifier, raw, type TemplateContainer, type TemplatePart, type TemplatedQuery } from './common/sql_template.js';
import { query as templateQuery } from './common/sql_template.js';
import { NotifyCallbacks } from './engine/notify_callbacks.js';

/** A result field, as PGlite's. */
export interface Field {
  name: string;
  /**
   * PostgreSQL type OID: 16 bool, 20 bigint, 23 integer, 25 text, 700 real, 701 double
   * precision, 1560 bit, 1562 bit varying, 16385 vector, 16498 halfvec, 16633 sparsevec
   * (pgvector's OIDs as a fresh PGlite assigns them), arrays: 1007 integer[], 1021 real[], ...
   */
  dataTypeID: number;
}

/** The result of one statement, as PGlite's `Results`. */
export interface Results<T = Record<string, unknown>> {
  rows: T[];
  fields: Field[];
  /** Rows inserted by INSERT (0 for other statements). */
  affectedRows?: number;
  /**
   * The command, as PGlite reports it: the first word of PostgreSQL's command tag
   * (`'SELECT'`, `'INSERT'`, `'CREATE'`, `'COMMIT'`; `'ROLLBACK'` for a COMMIT of a failed
   * transaction, which PostgreSQL rolls back).
   */
  command?: string;
  /**
   * The row count of the command tag, as PGlite's: rows a SELECT returned, rows an INSERT,
   * UPDATE, DELETE or COPY changed; absent for commands whose tag has none (CREATE, BEGIN).
   */
  rowCount?: number;
  /** `COPY ... TO '/dev/blob'`: the output, as PGlite returns it. */
  blob?: Blob;
}

/**
 * What {@link Queryable.describeQuery} returns, as PGlite's `DescribeQueryResult` without its
 * per-type `serializer` / `parser` functions: the parameters' type OIDs (inferred where the
 * SQL does not say) and the result columns.
 */
export interface DescribeQueryResult {
  queryParams: { dataTypeID: number }[];
  resultFields: { name: string; dataTypeID: number }[];
}

export interface QueryOptions {
  /** `'object'` (default): rows as `{ column: value }`; `'array'`: rows as value arrays. */
  rowMode?: 'object' | 'array';
  /** `'text'` (default): vectors as pgvector text like PGlite; `'float32array'`: as Float32Array copies. */
  vectorFormat?: 'text' | 'float32array';
  /**
   * Called with each NOTICE or WARNING the statements raise, as PGlite's option of the same
   * name: a PgError with `severity`, `code` (SQLSTATE) and `message`, e.g. WARNING 25P01
   * `there is no transaction in progress`. Default: the database's `onNotice`, if any.
   */
  onNotice?: (notice: PgError) => void;
  /**
   * The data `COPY t FROM '/dev/blob'` reads, as PGlite's option of the same name (text, CSV
   * or binary COPY format). `COPY ... TO '/dev/blob'` returns its output in `result.blob`.
   */
  blob?: Blob;
  /**
   * Result parsers by type OID, as PGlite's option: a column of that type comes back as
   * `parser(text, typeOid)`, `text` being PostgreSQL's output of the value (`'9007199254740993'`
   * for a bigint, `'[1,2,3]'` for a vector, `'2024-01-02 03:04:05+00'` for a timestamptz).
   * They override the database's `parsers` per OID. NULL stays null.
   */
  parsers?: ParserOptions;
  /**
   * Parameter serializers by type OID, as PGlite's option: a parameter whose type (given or
   * inferred, as describeQuery reports it) has one is sent as `serializer(value)`, PostgreSQL
   * text input. They override the database's `serializers` per OID. null/undefined stay NULL.
   */
  serializers?: SerializerOptions;
}

/**
 * Result parsers by type OID (PGlite's `ParserOptions`): `(text, typeOid) => value`. The type
 * OID is always passed, as PGlite does at run time; it is optional in the type so that
 * PGlite's one-argument parser type and this one are assignable to each other.
 */
export interface ParserOptions {
  [pgType: number]: (value: string, typeId?: number) => any;
}

/** Parameter serializers by type OID (PGlite's `SerializerOptions`): `(value) => text`. */
export interface SerializerOptions {
  [pgType: number]: (value: any) => string;
}

export interface VecgresOptions {
  /**
   * Where the database lives on disk (created if missing, locked while open). Absent or
   * `'memory://'`: in memory only, as PGlite's `memory://`.
   */
  dataDir?: string;
  /** Seed for index builds, so builds are reproducible (default 1). */
  seed?: number;
  /** Storage backend for `dataDir` (default: the real file system; tests inject faults). */
  storage?: StorageBackend;
  /** WAL segment size in bytes (default 16 MiB). */
  walSegmentBytes?: number;
  /**
   * Called with each WARNING raised outside a statement (e.g. a torn log tail found at open),
   * and with the NOTICEs and WARNINGs of statements whose query gave no `onNotice`.
   */
  onNotice?: (notice: PgError) => void;
  /**
   * Called during index builds with `{ index, phase, tuplesDone, tuplesTotal }` (the columns of
   * PostgreSQL's pg_stat_progress_create_index). Builds run synchronously, so this is the way
   * to draw a progress bar. A vecgres extension: PGlite has no such option.
   */
  onIndexBuildProgress?: (progress: IndexBuildProgress) => void;
  /**
   * The clock now(), current_timestamp and clock_timestamp() read (default: the system
   * clock). A vecgres extension for reproducible tests: pass a fixed or manual clock.
   */
  clock?: Clock;
  /** Result parsers by type OID for every query (see {@link QueryOptions.parsers}), as PGlite's option. */
  parsers?: ParserOptions;
  /** Parameter serializers by type OID for every query (see {@link QueryOptions.serializers}), as PGlite's option. */
  serializers?: SerializerOptions;
  /**
   * A data directory archive from {@link Vecgres.dumpDataDir} (gzipped or not) to start from,
   * as PGlite's option of the same name: restored into `dataDir`, which must be missing or
   * empty, or into memory without `dataDir`. The archive is verified whole before anything is
   * written. PGlite's own archives (a PostgreSQL data directory) cannot be loaded.
   */
  loadDataDir?: Blob | File;
  /**
   * Settings by name, as PostgreSQL's postgresql.conf or `postgres -c name=value`
   * (`{ shared_buffers: '2GB', 'hnsw.ef_search': 100, autovacuum: false }`): every session starts
   * with these values and RESET returns to them. The settings PostgreSQL fixes at server start
   * or reads from its configuration (`shared_buffers`, `max_wal_size`, `autovacuum*`) are given
   * only here: a session's SET of them is 55P02, as in PostgreSQL.
   * @throws (from create) PgError 42704 unknown name, 22023 invalid value, 55P02 read-only.
   */
  settings?: Readonly<Record<string, string | number | boolean>>;
}

/** dumpDataDir's compression, as PGlite's: 'auto' and 'gzip' gzip the tarball (Node always can). */
export type DumpTarCompressionOptions = 'none' | 'gzip' | 'auto';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** The bytes of a dumpDataDir archive, gunzipped when they start with gzip's magic number. */
/**
 * The bytes of `blob` as the chunks its stream yields (one per part it was made of, for a blob
 * of a few parts). COPY FROM reads text input chunk by chunk; `Blob.arrayBuffer()` would copy
 * every byte a second time into one buffer (Node reads the chunks, then joins them), and
 * freshly allocated memory costs a page fault per 4 KiB on first touch.
 */
async function blobChunks(blob: Blob): Promise<Uint8Array[]> {
  const reader = blob.stream().getReader();
  const out: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    if (value.length > 0) out.push(value);
  }
}

async function archiveBytes(blob: Blob): Promise<Uint8Array> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return new Uint8Array(await gunzipAsync(bytes));
  } catch (e) {
    throw new PgError(SQLSTATE.data_corrupted, `invalid data directory archive: could not decompress it (${e instanceof Error ? e.message : String(e)})`, {
      hint: 'The archive must be the unchanged output of dumpDataDir().',
    });
  }
}

/** The query interface inside {@link Vecgres.transaction}. */
export interface Transaction {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<Results<T>>;
  /** The `sql` tagged template: `` tx.sql`SELECT * FROM t WHERE id = ${id}` `` (values become parameters). */
  sql<T = Record<string, unknown>>(strings: TemplateStringsArray, ...params: unknown[]): Promise<Results<T>>;
  exec(sql: string, opts?: QueryOptions): Promise<Results[]>;
  /** Rolls the transaction back now; `transaction()` then resolves with the callback's value. */
  rollback(): Promise<void>;
  /** LISTEN inside the transaction (it takes effect at COMMIT), as {@link Notifications.listen}. */
  listen(channel: string, callback: (payload: string) => void): Promise<(tx?: ListenTransaction) => Promise<void>>;
  readonly closed: boolean;
}

/** What listen / unlisten need of a transaction: its exec (a {@link Transaction}, or PGlite's). */
export interface ListenTransaction {
  exec(sql: string): Promise<unknown>;
}

/**
 * LISTEN / NOTIFY, as PGlite's: callbacks by channel and for every notification. A session
 * receives the notifications committed on the channels it listens on, its own included, once
 * it is outside a transaction block; callbacks run in a microtask after the statement that
 * received them. Channel names follow SQL's identifier rules, as PGlite's: `listen('Foo')`
 * listens on `foo`, `listen('"Foo"')` on `Foo`.
 */
export interface Notifications {
  /**
   * Runs `LISTEN channel` (in `tx` when given) and calls `callback(payload)` for each
   * notification on it. Resolves to a function that stops this callback (as {@link unlisten}).
   * @throws PgError as the LISTEN statement (42601 for a channel that is no identifier).
   */
  listen(channel: string, callback: (payload: string) => void, tx?: ListenTransaction): Promise<(tx?: ListenTransaction) => Promise<void>>;
  /**
   * Removes `callback` from `channel` (all of its callbacks when absent); once it has none,
   * runs `UNLISTEN channel` (in `tx` when given).
   */
  unlisten(channel: string, callback?: (payload: string) => void, tx?: ListenTransaction): Promise<void>;
  /** Calls `callback(channel, payload)` for every notification the session receives; returns a function that removes it. */
  onNotification(callback: (channel: string, payload: string) => void): () => void;
  /** Removes a callback given to {@link onNotification}. */
  offNotification(callback: (channel: string, payload: string) => void): void;
}

/** What a session and the database both offer: statements and transactions. */
export interface Queryable {
  /**
   * Runs one statement with `$1..$n` parameters.
   * @throws PgError with `.code` (SQLSTATE), `.message`, and `.detail`/`.hint`/`.position` when PostgreSQL has them.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<Results<T>>;
  /**
   * The `sql` tagged template, as PGlite's: `` db.sql`SELECT * FROM t WHERE id = ${id}` ``
   * runs `query('SELECT * FROM t WHERE id = $1', [id])`; `sql`, `identifier` and `raw`
   * fragments (exported by this module) nest.
   */
  sql<T = Record<string, unknown>>(strings: TemplateStringsArray, ...params: unknown[]): Promise<Results<T>>;
  /**
   * Parses and analyzes one statement without running it (the extended protocol's Parse and
   * Describe): parameter and result type OIDs, as PGlite's describeQuery.
   * @throws PgError as query() would for a statement that does not analyze (42P01, 42601, ...).
   */
  describeQuery(sql: string): Promise<DescribeQueryResult>;
  /** Runs a script of one or more statements without parameters; one result per statement. */
  exec(sql: string, opts?: QueryOptions): Promise<Results[]>;
  /**
   * Runs `fn` inside BEGIN ... COMMIT; if `fn` throws, the transaction is rolled back (its
   * INSERTs undone, its SETs reverted) and the error rethrown. Other calls on the same
   * session wait until it ends, so they never join it.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
}

/**
 * An independent session from {@link Vecgres.connect} (a connection, in PostgreSQL terms):
 * its own transaction state and settings, so concurrent callers holding different sessions
 * never share a transaction and one caller's failure never rolls back another's work.
 */
export interface VecgresSession extends Queryable, Notifications {
  /**
   * Ends the session: an open transaction is rolled back (as PostgreSQL does when a client
   * disconnects) and later calls fail. Idempotent.
   */
  release(): Promise<void>;
  readonly released: boolean;
}

/**
 * What an open database offers, in this thread ({@link Vecgres}) or on a worker thread
 * (`VecgresWorker` from `vecgres/worker`): both implement it, so code written against it runs
 * on either, and a member added to one without the other fails the build.
 */
export interface VecgresApi extends Queryable {
  /** The data directory as given to `create`, or undefined in memory. */
  readonly dataDir: string | undefined;
  /** WARNINGs raised while opening (e.g. replay stopped at a torn log record). */
  readonly notices: readonly PgError[];
  readonly closed: boolean;
  /** A new independent session (a connection, in PostgreSQL terms). */
  connect(): Promise<VecgresSession>;
  /** Closes the database (a final checkpoint for a data directory); idempotent. */
  close(): Promise<void>;
}

/**
 * One engine session behind the embedded API: runs statements, waits for their durability,
 * converts results, and serializes transaction() against the session's other calls.
 */
class SessionRunner implements Queryable {
  /** Set while transaction() runs: other callers wait so they do not join the transaction. */
  #tx: Promise<unknown> | null = null;
  /**
   * The end of the statement running now: a session runs one at a time, as a connection does
   * (a statement waiting for a row lock would otherwise let the caller's next one run first).
   */
  #running: Promise<unknown> = Promise.resolve();
  released = false;

  /** listen() and onNotification() callbacks. */
  readonly #callbacks = new NotifyCallbacks();

  constructor(
    readonly db: Database,
    readonly session: Session,
    private readonly isClosed: () => boolean,
    private readonly defaultOnNotice: ((n: PgError) => void) | undefined,
    private readonly typeOpts: TypeOptions = {},
  ) {
    session.onNotification = () => this.#dispatchNotifications();
  }

  /**
   * Hands the session's received notifications to the callbacks, each call in its own
   * microtask as PGlite does; none while the session is inside a transaction block.
   */
  #dispatchNotifications(): void {
    for (const n of this.session.takeNotifications()) this.#dispatch(n);
  }

  #dispatch(n: Notification): void {
    this.#callbacks.dispatch(n.channel, n.payload);
  }

  listen(channel: string, callback: (payload: string) => void, tx?: ListenTransaction): Promise<(tx?: ListenTransaction) => Promise<void>> {
    return this.#callbacks.listen(tx ?? this, channel, callback, (c, cb, t) => this.unlisten(c, cb, t));
  }

  unlisten(channel: string, callback?: (payload: string) => void, tx?: ListenTransaction): Promise<void> {
    return this.#callbacks.unlisten(tx ?? this, channel, callback);
  }

  onNotification(callback: (channel: string, payload: string) => void): () => void {
    return this.#callbacks.onNotification(callback);
  }

  offNotification(callback: (channel: string, payload: string) => void): void {
    this.#callbacks.offNotification(callback);
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = [], opts: QueryOptions = {}): Promise<Results<T>> {
    while (this.#tx !== null) await this.#tx.catch(() => undefined);
    return this.#query<T>(sql, params, opts);
  }

  async exec(sql: string, opts: QueryOptions = {}): Promise<Results[]> {
    while (this.#tx !== null) await this.#tx.catch(() => undefined);
    return this.#exec(sql, opts);
  }

  sql<T = Record<string, unknown>>(strings: TemplateStringsArray, ...params: unknown[]): Promise<Results<T>> {
    const q = templateQuery(strings, ...params);
    return this.query<T>(q.query, q.params);
  }

  async describeQuery(sql: string): Promise<DescribeQueryResult> {
    while (this.#tx !== null) await this.#tx.catch(() => undefined);
    return this.#describe(sql);
  }

  #describe(sql: string): DescribeQueryResult {
    if (this.isClosed()) throw new Error('Vecgres is closed');
    if (this.released) throw new Error('Session is released');
    const st = this.db.prepare(sql, [], this.session);
    return {
      queryParams: st.paramOids.map((oid) => ({ dataTypeID: oid })),
      resultFields: (st.fields ?? []).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
    };
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    while (this.#tx !== null) await this.#tx.catch(() => undefined);
    const run = async (): Promise<T> => {
      await this.#run('BEGIN', [], {});
      let closed = false;
      const tx: Transaction = {
        query: async <R,>(sql: string, params: unknown[] = [], o: QueryOptions = {}) => {
          if (closed) throw new Error('Transaction is closed');
          return this.#query<R>(sql, params, o);
        },
        sql: async <R,>(strings: TemplateStringsArray, ...params: unknown[]) => {
          if (closed) throw new Error('Transaction is closed');
          const q = templateQuery(strings, ...params);
          return this.#query<R>(q.query, q.params, {});
        },
        exec: async (sql: string, o: QueryOptions = {}) => {
          if (closed) throw new Error('Transaction is closed');
          return this.#exec(sql, o);
        },
        rollback: async () => {
          if (!closed) await this.#run('ROLLBACK', [], {});
          closed = true;
        },
        listen: async (channel: string, callback: (payload: string) => void) => {
          if (closed) throw new Error('Transaction is closed');
          return this.listen(channel, callback, tx);
        },
        get closed() {
          return closed;
        },
      };
      try {
        const result = await fn(tx);
        if (!closed) await this.#run('COMMIT', [], {});
        closed = true;
        return result;
      } catch (e) {
        if (!closed && !this.isClosed()) this.db.abort(this.session);
        closed = true;
        throw e;
      }
    };
    const p = run();
    this.#tx = p;
    try {
      return await p;
    } finally {
      this.#tx = null;
    }
  }

  /** Waits for a running transaction() to end, then rolls back what is left open. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    while (this.#tx !== null) await this.#tx.catch(() => undefined);
    // A query still waiting for a lock is cancelled, an open transaction rolled back, advisory
    // locks released and LISTENs dropped, as when a connection ends.
    this.db.endSession(this.session);
    this.#callbacks.clear();
  }

  /**
   * Runs statements, then waits until their commits are durable (also when one failed).
   * `single`: query()'s rule, one statement at most (PGlite runs it as a prepared statement).
   */
  #run(sql: string, params: readonly unknown[], opts: QueryOptions, stdin?: Uint8Array, single = false): Promise<StatementResult[]> {
    const p = this.#running.then(() => this.#runNow(sql, params, opts, stdin, single)).finally(() => this.#dispatchNotifications());
    this.#running = p.catch(() => undefined);
    return p;
  }

  async #runNow(sql: string, params: readonly unknown[], opts: QueryOptions, stdin: Uint8Array | undefined, single: boolean): Promise<StatementResult[]> {
    if (this.isClosed()) throw new Error('Vecgres is closed');
    if (this.released) throw new Error('Session is released');
    if (single && params.length === 0 && parseScript(sql).length > 1) {
      throw new PgError(SQLSTATE.syntax_error, 'cannot insert multiple commands into a prepared statement');
    }
    const results: StatementResult[] = [];
    const onNotice = opts.onNotice ?? this.defaultOnNotice;
    // PGlite's '/dev/blob': the file name COPY reads the blob option from and writes result.blob to.
    const io: CopyIo = { devBlob: true, blob: opts.blob === undefined ? null : await blobChunks(opts.blob) };
    if (stdin !== undefined) io.stdin = [stdin];
    try {
      if (params.length === 0) {
        await this.db.runScript(sql, params, this.session, (r) => results.push(r), io);
      } else {
        // A query with parameters takes the extended protocol's path, as the wire server's
        // Parse / Bind / Execute: one statement, analyzed once, its parameters bound.
        const st = this.db.prepare(sql, [], this.session);
        const portal = bindPortal(st, serializeParams(st.paramOids, params, opts.serializers, this.typeOpts.serializers));
        await this.db.runPortal(portal, 0, this.session, false, io);
        if (portal.result !== null) results.push(portal.result);
      }
    } catch (e) {
      await this.db.sync(this.session).catch(() => undefined);
      // The statements before the failing one raised their notices too (a COMMIT's warning),
      // as PostgreSQL sends them before the error.
      if (onNotice !== undefined) {
        for (const r of results) for (const n of r.notices) onNotice(n);
        // And the failing statement's own, raised before its error.
        if (e instanceof PgError) for (const n of e.notices ?? []) onNotice(n);
      }
      throw e;
    }
    await this.db.sync(this.session);
    if (onNotice !== undefined) for (const r of results) for (const n of r.notices) onNotice(n);
    return results;
  }

  async #query<T>(sql: string, params: unknown[], opts: QueryOptions): Promise<Results<T>> {
    const results = await this.#run(sql, params, opts, undefined, true);
    return toResults<T>(results[results.length - 1]!, opts, this.#parsers(opts), this.typeOpts.parsers);
  }

  /** The result parsers in force: the query's over the database's (null: none). */
  #parsers(opts: QueryOptions): ParserOptions | null {
    const db = this.typeOpts.parsers;
    const q = opts.parsers;
    if (q === undefined) return db ?? null;
    return db === undefined ? q : { ...db, ...q };
  }

  async #exec(sql: string, opts: QueryOptions): Promise<Results[]> {
    const parsers = this.#parsers(opts);
    if (!isPsqlScript(sql)) {
      const results: Results[] = (await this.#run(sql, [], opts)).map((r) => toResults(r, opts, parsers, this.typeOpts.parsers));
      // A script without statements gives one empty result, as PGlite's exec('').
      return results.length === 0 ? [toResults(undefined, opts)] : results;
    }
    // A plain-format dump as psql -f runs it: the SQL between COPY blocks, each COPY with the
    // data lines that follow it, psql's own meta-commands left out (sql/dump/psql_script.ts).
    const out: Results[] = [];
    for (const part of splitPsqlScript(sql)) {
      const stdin = part.kind === 'copy' ? new TextEncoder().encode(part.data) : undefined;
      for (const r of await this.#run(part.sql, [], opts, stdin)) out.push(toResults(r, opts, parsers, this.typeOpts.parsers));
    }
    return out;
  }
}

/** A session handed out by {@link Vecgres.connect}. */
class SessionHandle implements VecgresSession {
  constructor(private readonly runner: SessionRunner) {}

  get released(): boolean {
    return this.runner.released;
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = [], opts: QueryOptions = {}): Promise<Results<T>> {
    return this.runner.query<T>(sql, params, opts);
  }

  exec(sql: string, opts: QueryOptions = {}): Promise<Results[]> {
    return this.runner.exec(sql, opts);
  }

  sql<T = Record<string, unknown>>(strings: TemplateStringsArray, ...params: unknown[]): Promise<Results<T>> {
    return this.runner.sql<T>(strings, ...params);
  }

  describeQuery(sql: string): Promise<DescribeQueryResult> {
    return this.runner.describeQuery(sql);
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.runner.transaction(fn);
  }

  release(): Promise<void> {
    return this.runner.release();
  }

  listen(channel: string, callback: (payload: string) => void, tx?: ListenTransaction): Promise<(tx?: ListenTransaction) => Promise<void>> {
    return this.runner.listen(channel, callback, tx);
  }

  unlisten(channel: string, callback?: (payload: string) => void, tx?: ListenTransaction): Promise<void> {
    return this.runner.unlisten(channel, callback, tx);
  }

  onNotification(callback: (channel: string, payload: string) => void): () => void {
    return this.runner.onNotification(callback);
  }

  offNotification(callback: (channel: string, payload: string) => void): void {
    this.runner.offNotification(callback);
  }
}

export class Vecgres implements VecgresApi, Notifications {
  readonly dataDir: string | undefined;
  #db: Database;
  #closed = false;
  /** The session behind query/exec/transaction on the database itself. */
  #main: SessionRunner;
  readonly #onNotice: ((n: PgError) => void) | undefined;

  readonly #typeOpts: TypeOptions;

  private constructor(db: Database, dataDir: string | undefined, onNotice: ((n: PgError) => void) | undefined, typeOpts: TypeOptions) {
    this.#db = db;
    this.dataDir = dataDir;
    this.#onNotice = onNotice;
    this.#typeOpts = typeOpts;
    this.#main = new SessionRunner(db, db.session, () => this.#closed, onNotice, typeOpts);
  }

  /**
   * Opens a database: in memory, or in the data directory `dataDir` (or `opts.dataDir`), which
   * is created if missing and recovered if it holds a database (last checkpoint + log replay).
   * Every COMMIT resolves only after it is durable (unless `SET synchronous_commit = off`).
   * A failed open changes no file.
   * @throws PgError 55006 when another process has the directory open; 58P01 naming
   *   `vecgres.control` when checkpoint or log files exist without it; XX001 naming the file
   *   for a damaged control or checkpoint file; 42501/53100/58030 for I/O failures.
   */
  static async create(dataDirOrOpts?: string | VecgresOptions, opts: VecgresOptions = {}): Promise<Vecgres> {
    const o: VecgresOptions = typeof dataDirOrOpts === 'object' ? dataDirOrOpts : { ...opts, dataDir: dataDirOrOpts ?? opts.dataDir };
    const dir = o.dataDir === undefined || o.dataDir.startsWith('memory://') ? undefined : o.dataDir.replace(/^file:\/\//, '');
    const restore = o.loadDataDir === undefined ? undefined : unpackArchive(await archiveBytes(o.loadDataDir));
    const db = await Database.create({
      ...(restore === undefined ? {} : { restore }),
      ...(o.seed === undefined ? {} : { seed: o.seed }),
      ...(dir === undefined ? {} : { dataDir: dir }),
      ...(o.storage === undefined ? {} : { storage: o.storage }),
      ...(o.walSegmentBytes === undefined ? {} : { walSegmentBytes: o.walSegmentBytes }),
      ...(o.onNotice === undefined ? {} : { onNotice: o.onNotice }),
      ...(o.onIndexBuildProgress === undefined ? {} : { onIndexBuildProgress: o.onIndexBuildProgress }),
      ...(o.clock === undefined ? {} : { clock: o.clock }),
      ...(o.settings === undefined ? {} : { settings: o.settings }),
    });
    return new Vecgres(db, o.dataDir, o.onNotice, {
      ...(o.parsers === undefined ? {} : { parsers: o.parsers }),
      ...(o.serializers === undefined ? {} : { serializers: o.serializers }),
    });
  }

  /** WARNINGs raised while opening (e.g. replay stopped at a torn log record). */
  get notices(): readonly PgError[] {
    return this.#db.notices;
  }

  /** The engine (for tools and tests: sessions, the catalog, the last plan). */
  get database(): Database {
    return this.#db;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs one statement with `$1..$n` parameters on the database's own session, which every
   * caller of `db.query`/`db.exec`/`db.transaction` shares (as a PGlite instance is one
   * connection): callers that issue BEGIN/COMMIT themselves should each use {@link connect}.
   * @throws PgError with `.code` (SQLSTATE), `.message`, and `.detail`/`.hint`/`.position` when PostgreSQL has them.
   */
  query<T = Record<string, unknown>>(sql: string, params: unknown[] = [], opts: QueryOptions = {}): Promise<Results<T>> {
    return this.#main.query<T>(sql, params, opts);
  }

  /** Runs a script of one or more statements without parameters; one result per statement. */
  exec(sql: string, opts: QueryOptions = {}): Promise<Results[]> {
    return this.#main.exec(sql, opts);
  }

  /**
   * The `sql` tagged template, as PGlite's: `` db.sql`SELECT * FROM t WHERE id = ${id}` ``
   * runs `query('SELECT * FROM t WHERE id = $1', [id])`.
   */
  sql<T = Record<string, unknown>>(strings: TemplateStringsArray, ...params: unknown[]): Promise<Results<T>> {
    return this.#main.sql<T>(strings, ...params);
  }

  /** Parameter and result type OIDs of one statement, without running it (PGlite's describeQuery). */
  describeQuery(sql: string): Promise<DescribeQueryResult> {
    return this.#main.describeQuery(sql);
  }

  /**
   * Runs `fn` inside BEGIN ... COMMIT; if `fn` throws, the transaction is rolled back (its
   * INSERTs undone, its SETs reverted) and the error rethrown.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.#main.transaction(fn);
  }

  /**
   * Runs `LISTEN channel` on the database's session and calls `callback(payload)` for each
   * notification on it, as PGlite's `listen` (see {@link Notifications}). Resolves to a
   * function that removes the callback again.
   */
  listen(channel: string, callback: (payload: string) => void, tx?: ListenTransaction): Promise<(tx?: ListenTransaction) => Promise<void>> {
    return this.#main.listen(channel, callback, tx);
  }

  /** Removes a listen() callback (all of the channel's when absent), then UNLISTENs once none is left. */
  unlisten(channel: string, callback?: (payload: string) => void, tx?: ListenTransaction): Promise<void> {
    return this.#main.unlisten(channel, callback, tx);
  }

  /** Calls `callback(channel, payload)` for each notification the database's session receives. */
  onNotification(callback: (channel: string, payload: string) => void): () => void {
    return this.#main.onNotification(callback);
  }

  /** Removes an onNotification() callback. */
  offNotification(callback: (channel: string, payload: string) => void): void {
    this.#main.offNotification(callback);
  }

  /**
   * A new independent session (a connection, in PostgreSQL terms) with its own transaction
   * state and settings. Sessions are cheap (no pool needed): give each concurrent caller its
   * own, so that one caller's BEGIN/COMMIT, failure or SET never touches another's.
   * `release()` it when done; closing the database ends every session.
   */
  async connect(): Promise<VecgresSession> {
    if (this.#closed) throw new Error('Vecgres is closed');
    return new SessionHandle(new SessionRunner(this.#db, this.#db.openSession(), () => this.#closed, this.#onNotice, this.#typeOpts));
  }

  /**
   * Writes the database as a SQL script that PostgreSQL + pgvector loads as it is (pg_dump's
   * plain format: CREATE SCHEMA, CREATE EXTENSION, tables, sequences, COPY data or INSERTs
   * with `opts.inserts`, constraints, indexes), handing it to `write` in chunks of whole lines.
   * Synchronous: no other statement runs meanwhile, so the data is one snapshot of the
   * committed rows. See sql/dump/dump.ts for what is and is not dumped. `opts.tables` names
   * tables as `schema.name`, or by bare name in `public`.
   * @throws PgError 42P01 for an `opts.tables` name that does not exist; 0A000 for a column
   *   default the deparser cannot print (before anything is written).
   */
  dump(write: (chunk: string) => void, opts: DumpOptions = {}): DumpSummary {
    if (this.#closed) throw new Error('Vecgres is closed');
    return dumpCatalog(this.#db.catalog, this.#db.methods, opts, write, this.#db.stats);
  }

  /**
   * A tarball of the database's data directory, as PGlite's dumpDataDir: gzipped unless
   * `compression` is 'none', as a File named `<dataDir's last part>.tar.gz` (`vecgres.tar.gz`
   * in memory). {@link VecgresOptions.loadDataDir} restores it, on disk or in memory; works
   * for in-memory databases too. A checkpoint is taken first, so the archive holds the control
   * file, the checkpoint files and only the log written after it (none, unless a transaction's
   * DDL was in flight); transactions still open are rolled back in the restored copy.
   * Layout and checks: storage/data_dir_archive.ts. Not PGlite's format (a PostgreSQL data
   * directory): PGlite cannot load it, nor vecgres PGlite's.
   * @throws PgError 55000 for an in-memory database while a transaction has uncommitted DDL;
   *   I/O errors of the checkpoint (58030, 53100...).
   */
  async dumpDataDir(compression: DumpTarCompressionOptions = 'auto'): Promise<File | Blob> {
    if (this.#closed) throw new Error('Vecgres is closed');
    // Between two statements of every session: the engine is synchronous, so the files read
    // here are one consistent state.
    const tar = packArchive(this.#db.dataDirFiles(), Date.now());
    const zipped = compression !== 'none';
    const bytes = zipped ? new Uint8Array(await gzipAsync(tar)) : tar;
    const type = zipped ? 'application/x-gzip' : 'application/x-tar';
    const base = this.dataDir === undefined || this.dataDir.startsWith('memory://') ? 'vecgres' : (this.dataDir.replace(/\/+$/, '').split('/').pop() || 'vecgres');
    const name = base + (zipped ? '.tar.gz' : '.tar');
    return typeof File !== 'undefined' ? new File([bytes as Uint8Array<ArrayBuffer>], name, { type }) : new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
  }

  /**
   * Closes the database: a final checkpoint (for a data directory), then the log, the lock and
   * the memory are released.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}

/** The database's parsers and serializers (PGlite's options of the same names). */
interface TypeOptions {
  parsers?: ParserOptions;
  serializers?: SerializerOptions;
}

/**
 * Parameters with a serializer for their type OID (the query's over the database's) replaced
 * by its text, as PGlite's query(); others unchanged (vecgres' own conversion takes them).
 */
function serializeParams(oids: readonly number[], params: readonly unknown[], q: SerializerOptions | undefined, db: SerializerOptions | undefined): readonly unknown[] {
  if (q === undefined && db === undefined) return params;
  return params.map((v, i) => {
    if (v === null || v === undefined) return v;
    const oid = oids[i];
    const f = oid === undefined ? undefined : (q?.[oid] ?? db?.[oid]);
    return f === undefined ? v : f(v);
  });
}

/**
 * A value's text as PostgreSQL's output function prints it, what a parser receives: the text
 * of a cast to text, except boolean's boolout `t` / `f` (also inside arrays).
 */
function outputText(v: Value, type: SqlType, zone: TimeZone, reg: Pick<RegCatalog, 'relationName' | 'userType'> | undefined, floatDigits: number): string {
  if (type === 'bool') return v ? 't' : 'f';
  if (type === 'bool[]') return formatArray(v as PgArray, (x) => (x ? 't' : 'f'));
  return valueToText(v, type, zone, reg, floatDigits)!;
}

/**
 * Converts engine rows to PGlite's shapes (see the module comment), through `parsers` by type
 * OID. An array column without a parser of its own has its elements parsed by the database's
 * parser of the element type (`dbParsers`, not the query's), as PGlite builds its array parsers
 * from the database's parsers when it opens.
 */
function toResults<T>(r: StatementResult | undefined, opts: QueryOptions, parsers: ParserOptions | null = null, dbParsers?: ParserOptions): Results<T> {
  if (r === undefined) return { rows: [], fields: [], affectedRows: 0 };
  const fields: Field[] = r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
  const n = r.fields.length;
  const types = r.fields.map((f) => f.type);
  const parse = r.fields.map((f) => parsers?.[f.dataTypeID] ?? (dbParsers === undefined ? undefined : elementParser(f.type, dbParsers)));
  const vecArrays = opts.vectorFormat === 'float32array';
  const zone = r.zone ?? UTC_ZONE;
  const floatDigits = r.floatDigits ?? 1;
  const asArray = opts.rowMode === 'array';
  const rows: unknown[] = new Array(r.rows.length);
  for (let i = 0; i < r.rows.length; i++) {
    const src = r.rows[i]!;
    const out: Record<string, unknown> | unknown[] = asArray ? new Array(n) : {};
    for (let c = 0; c < n; c++) {
      const p = parse[c];
      const raw = src[c] ?? null;
      const v = p === undefined ? outputValue(raw, types[c]!, vecArrays, r.regNames, floatDigits) : raw === null ? null : p(outputText(raw, types[c]!, zone, r.regNames, floatDigits), fields[c]!.dataTypeID);
      if (asArray) (out as unknown[])[c] = v;
      else (out as Record<string, unknown>)[fields[c]!.name] = v;
    }
    rows[i] = out;
  }
  const out: Results<T> = { rows: rows as T[], fields, affectedRows: r.affectedRows, command: r.command.split(' ')[0]! };
  // PGlite's rowCount: the count at the end of the command tag, when it has one.
  const count = Number.parseInt(commandTag(r, r.rows.length).split(' ').pop()!, 10);
  if (!Number.isNaN(count)) out.rowCount = count;
  if (r.copyOut?.toBlob === true) out.blob = new Blob(r.copyOut.chunks as Uint8Array<ArrayBuffer>[]);
  return out;
}

/**
 * For an array type whose element type has a database parser: a parser of the whole value that
 * applies it to each element's text (nested arrays stay nested, NULL elements null; the parser's
 * second argument is undefined, as in PGlite). Undefined for other types and for arrays of
 * pgvector's types, which PGlite returns as text.
 */
function elementParser(type: SqlType, dbParsers: ParserOptions): ((text: string, oid: number) => unknown) | undefined {
  if (!type.endsWith('[]')) return undefined;
  const elem = type.slice(0, -2) as SqlType;
  if (elem === 'vector' || elem === 'halfvec' || elem === 'sparsevec') return undefined;
  const p = dbParsers[typeOid(elem)];
  if (p === undefined) return undefined;
  return (text, _oid) => mapArrayText(text, (x) => (p as (t: string, oid?: number) => unknown)(x));
}

/**
 * Parses PostgreSQL's array text (`{1,NULL,"a b"}`, nested braces, `;` for box arrays is not
 * needed here) into nested JS arrays, `f` applied to each element's unescaped text.
 */
function mapArrayText(text: string, f: (elem: string) => unknown): unknown[] {
  // Dimension decorations (`[0:1]={...}`) precede the braces.
  let i = text.indexOf('{');
  const parse = (): unknown[] => {
    const out: unknown[] = [];
    i++; // '{'
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      if (text[i] === '{') out.push(parse());
      else if (text[i] === '"') {
        let s = '';
        i++;
        while (text[i] !== '"') {
          if (text[i] === '\\') i++;
          s += text[i++];
        }
        i++;
        out.push(f(s));
      } else {
        const start = i;
        while (text[i] !== ',' && text[i] !== '}') i++;
        const s = text.slice(start, i);
        out.push(s === 'NULL' ? null : f(s));
      }
      if (text[i++] === '}') return out;
    }
  };
  return parse();
}

/** A result value in PGlite's shape: the type registry's `toJs`, arrays element by element. */
function outputValue(v: Value, type: string, vecArrays: boolean, reg?: Pick<RegCatalog, 'relationName' | 'userType'>, floatDigits = 1): unknown {
  if (v === null) return null;
  if (v instanceof PgArray) return outputArray(v, type as SqlType, reg, floatDigits);
  // An enum value: its label, as PGlite returns the text of a type it has no parser for.
  if (v instanceof EnumValue) return v.label;
  // PGlite parses the number from float4out / float8out's text: with extra_float_digits <= 0
  // that is the value rounded to fewer digits.
  if (floatDigits <= 0 && type === 'float8') return Number(formatFloat8(v as number, floatDigits));
  if (floatDigits <= 0 && type === 'float4') return Number(formatFloat4(v as number, floatDigits));
  // A reg* value is the object's name, as PGlite returns the text of a type it has no parser for.
  if (type.startsWith('reg')) return valueToText(v, type as SqlType, UTC_ZONE, reg);
  const io = typeIoByName(type);
  return io === undefined ? v : io.toJs(v, vecArrays);
}

/**
 * Arrays as PGlite returns them: element types it knows (integer, real, double precision,
 * numeric, text, boolean, bigint, bit) as nested JS arrays of its parsed elements, arrays of
 * pgvector's types (whose OIDs PGlite does not know) as PostgreSQL's text.
 */
function outputArray(a: PgArray, type: SqlType, reg?: Pick<RegCatalog, 'relationName' | 'userType'>, floatDigits = 1): unknown {
  const elem = a.elemType;
  // PGlite has no parser for pgvector's array types or an enum type's: their text.
  if (elem === 'vector' || elem === 'halfvec' || elem === 'sparsevec' || hasEnumElements(elem)) return valueToText(a, `${elem}[]` as SqlType, UTC_ZONE);
  const conv = (x: unknown): unknown => (x === null ? null : outputValue(x as Value, elem === 'varbit' ? 'bit' : elem, false, reg, floatDigits));
  if (a.dims.length <= 1) return a.elems.map(conv);
  let i = 0;
  const level = (d: number): unknown[] => {
    const out: unknown[] = [];
    for (let k = 0; k < a.dims[d]!; k++) out.push(d + 1 < a.dims.length ? level(d + 1) : conv(a.elems[i++]));
    return out;
  };
  return level(0);
}

export type { StatementResult, IndexBuildProgress };
export type { DumpOptions, DumpSummary };
