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
import { isPsqlScript, splitPsqlScript } from './sql/dump/psql_script.js';
import type { Clock } from './common/clock.js';
import { Database } from './engine/database.js';
import { bindPortal } from './engine/portal.js';
import type { PgError } from './common/errors.js';
import type { StorageBackend } from './storage/fs.js';
import type { Session } from './engine/session.js';
import type { StatementResult } from './sql/exec/statement.js';
import type { CopyIo } from './sql/exec/copy.js';
import type { IndexBuildProgress } from './sql/env.js';
import type { Value } from './storage/table.js';
import { PgArray } from './types/pgarray.js';
import { typeIoByName } from './types/type_io.js';
import { valueToText, type SqlType } from './sql/analyze/types.js';
import { dumpCatalog, type DumpOptions, type DumpSummary } from './sql/dump/dump.js';

export { PgError, isPgError } from './common/errors.js';
export { sql, query, identifier, raw, type TemplateContainer, type TemplatePart, type TemplatedQuery } from './common/sql_template.js';
import { query as templateQuery } from './common/sql_template.js';

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
}

/** The query interface inside {@link Vecgres.transaction}. */
export interface Transaction {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<Results<T>>;
  /** The `sql` tagged template: `` tx.sql`SELECT * FROM t WHERE id = ${id}` `` (values become parameters). */
  sql<T = Record<string, unknown>>(strings: TemplateStringsArray, ...params: unknown[]): Promise<Results<T>>;
  exec(sql: string, opts?: QueryOptions): Promise<Results[]>;
  /** Rolls the transaction back now; `transaction()` then resolves with the callback's value. */
  rollback(): Promise<void>;
  readonly closed: boolean;
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
export interface VecgresSession extends Queryable {
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

  constructor(
    readonly db: Database,
    readonly session: Session,
    private readonly isClosed: () => boolean,
    private readonly defaultOnNotice: ((n: PgError) => void) | undefined,
  ) {}

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
    // A query still waiting for a row lock is cancelled: it must not run after the release.
    this.session.interrupts.requestCancel();
    if (!this.isClosed()) this.db.abort(this.session);
  }

  /** Runs statements, then waits until their commits are durable (also when one failed). */
  #run(sql: string, params: readonly unknown[], opts: QueryOptions, stdin?: Uint8Array): Promise<StatementResult[]> {
    const p = this.#running.then(() => this.#runNow(sql, params, opts, stdin));
    this.#running = p.catch(() => undefined);
    return p;
  }

  async #runNow(sql: string, params: readonly unknown[], opts: QueryOptions, stdin?: Uint8Array): Promise<StatementResult[]> {
    if (this.isClosed()) throw new Error('Vecgres is closed');
    if (this.released) throw new Error('Session is released');
    const results: StatementResult[] = [];
    const onNotice = opts.onNotice ?? this.defaultOnNotice;
    // PGlite's '/dev/blob': the file name COPY reads the blob option from and writes result.blob to.
    const io: CopyIo = { devBlob: true, blob: opts.blob === undefined ? null : new Uint8Array(await opts.blob.arrayBuffer()) };
    if (stdin !== undefined) io.stdin = [stdin];
    try {
      if (params.length === 0) {
        await this.db.runScript(sql, params, this.session, (r) => results.push(r), io);
      } else {
        // A query with parameters takes the extended protocol's path, as the wire server's
        // Parse / Bind / Execute: one statement, analyzed once, its parameters bound.
        const portal = bindPortal(this.db.prepare(sql, [], this.session), params);
        await this.db.runPortal(portal, 0, this.session, false, io);
        if (portal.result !== null) results.push(portal.result);
      }
    } catch (e) {
      await this.db.sync(this.session).catch(() => undefined);
      // The statements before the failing one raised their notices too (a COMMIT's warning),
      // as PostgreSQL sends them before the error.
      if (onNotice !== undefined) for (const r of results) for (const n of r.notices) onNotice(n);
      throw e;
    }
    await this.db.sync(this.session);
    if (onNotice !== undefined) for (const r of results) for (const n of r.notices) onNotice(n);
    return results;
  }

  async #query<T>(sql: string, params: unknown[], opts: QueryOptions): Promise<Results<T>> {
    const results = await this.#run(sql, params, opts);
    return toResults<T>(results[results.length - 1]!, opts);
  }

  async #exec(sql: string, opts: QueryOptions): Promise<Results[]> {
    if (!isPsqlScript(sql)) return (await this.#run(sql, [], opts)).map((r) => toResults(r, opts));
    // A plain-format dump as psql -f runs it: the SQL between COPY blocks, each COPY with the
    // data lines that follow it, psql's own meta-commands left out (sql/dump/psql_script.ts).
    const out: Results[] = [];
    for (const part of splitPsqlScript(sql)) {
      const stdin = part.kind === 'copy' ? new TextEncoder().encode(part.data) : undefined;
      for (const r of await this.#run(part.sql, [], opts, stdin)) out.push(toResults(r, opts));
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
}

export class Vecgres implements VecgresApi {
  readonly dataDir: string | undefined;
  #db: Database;
  #closed = false;
  /** The session behind query/exec/transaction on the database itself. */
  #main: SessionRunner;
  readonly #onNotice: ((n: PgError) => void) | undefined;

  private constructor(db: Database, dataDir: string | undefined, onNotice: ((n: PgError) => void) | undefined) {
    this.#db = db;
    this.dataDir = dataDir;
    this.#onNotice = onNotice;
    this.#main = new SessionRunner(db, db.session, () => this.#closed, onNotice);
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
    const db = await Database.create({
      ...(o.seed === undefined ? {} : { seed: o.seed }),
      ...(dir === undefined ? {} : { dataDir: dir }),
      ...(o.storage === undefined ? {} : { storage: o.storage }),
      ...(o.walSegmentBytes === undefined ? {} : { walSegmentBytes: o.walSegmentBytes }),
      ...(o.onNotice === undefined ? {} : { onNotice: o.onNotice }),
      ...(o.onIndexBuildProgress === undefined ? {} : { onIndexBuildProgress: o.onIndexBuildProgress }),
      ...(o.clock === undefined ? {} : { clock: o.clock }),
    });
    return new Vecgres(db, o.dataDir, o.onNotice);
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
   * A new independent session (a connection, in PostgreSQL terms) with its own transaction
   * state and settings. Sessions are cheap (no pool needed): give each concurrent caller its
   * own, so that one caller's BEGIN/COMMIT, failure or SET never touches another's.
   * `release()` it when done; closing the database ends every session.
   */
  async connect(): Promise<VecgresSession> {
    if (this.#closed) throw new Error('Vecgres is closed');
    return new SessionHandle(new SessionRunner(this.#db, this.#db.openSession(), () => this.#closed, this.#onNotice));
  }

  /**
   * Writes the database as a SQL script that PostgreSQL + pgvector loads as it is (pg_dump's
   * plain format: CREATE EXTENSION, tables, sequences, COPY data or INSERTs with
   * `opts.inserts`, constraints, indexes), handing it to `write` in chunks of whole lines.
   * Synchronous: no other statement runs meanwhile, so the data is one snapshot of the
   * committed rows. See sql/dump/dump.ts for what is and is not dumped.
   * @throws PgError 42P01 for an `opts.tables` name that does not exist; 0A000 for a column
   *   default the deparser cannot print (before anything is written).
   */
  dump(write: (chunk: string) => void, opts: DumpOptions = {}): DumpSummary {
    if (this.#closed) throw new Error('Vecgres is closed');
    return dumpCatalog(this.#db.catalog, this.#db.methods, opts, write);
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

/** Converts engine rows to PGlite's shapes (see the module comment). */
function toResults<T>(r: StatementResult | undefined, opts: QueryOptions): Results<T> {
  if (r === undefined) return { rows: [], fields: [], affectedRows: 0 };
  const fields: Field[] = r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
  const n = r.fields.length;
  const types = r.fields.map((f) => f.type);
  const vecArrays = opts.vectorFormat === 'float32array';
  const asArray = opts.rowMode === 'array';
  const rows: unknown[] = new Array(r.rows.length);
  for (let i = 0; i < r.rows.length; i++) {
    const src = r.rows[i]!;
    const out: Record<string, unknown> | unknown[] = asArray ? new Array(n) : {};
    for (let c = 0; c < n; c++) {
      const v = outputValue(src[c] ?? null, types[c]!, vecArrays);
      if (asArray) (out as unknown[])[c] = v;
      else (out as Record<string, unknown>)[fields[c]!.name] = v;
    }
    rows[i] = out;
  }
  const out: Results<T> = { rows: rows as T[], fields, affectedRows: r.affectedRows, command: r.command.split(' ')[0]! };
  if (r.copyOut?.toBlob === true) out.blob = new Blob(r.copyOut.chunks as Uint8Array<ArrayBuffer>[]);
  return out;
}

/** A result value in PGlite's shape: the type registry's `toJs`, arrays element by element. */
function outputValue(v: Value, type: string, vecArrays: boolean): unknown {
  if (v === null) return null;
  if (v instanceof PgArray) return outputArray(v, type as SqlType);
  const io = typeIoByName(type);
  return io === undefined ? v : io.toJs(v, vecArrays);
}

/**
 * Arrays as PGlite returns them: element types it knows (integer, real, double precision,
 * numeric, text, boolean, bigint, bit) as nested JS arrays of its parsed elements, arrays of
 * pgvector's types (whose OIDs PGlite does not know) as PostgreSQL's text.
 */
function outputArray(a: PgArray, type: SqlType): unknown {
  const elem = a.elemType;
  if (elem === 'vector' || elem === 'halfvec' || elem === 'sparsevec') return valueToText(a, type);
  const conv = (x: unknown): unknown => (x === null ? null : outputValue(x as Value, elem === 'varbit' ? 'bit' : elem, false));
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
