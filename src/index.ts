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
 * ```
 *
 * Values come back as PGlite returns them: integer/real/double precision as numbers, bigint
 * as a number when it is a safe integer and a BigInt otherwise, boolean, text as strings,
 * and `vector` as pgvector's text (`'[1,2,3]'`) — or as a Float32Array with the query option
 * `{ vectorFormat: 'float32array' }`. Vector parameters accept a number[], a Float32Array or
 * pgvector text.
 */
import { Database } from './engine/database.js';
import type { Session } from './engine/session.js';
import type { StatementResult } from './sql/exec/statement.js';
import type { Value } from './storage/table.js';
import { formatVector } from './types/vector.js';
import { formatFloat4 } from './types/float.js';

export { PgError, isPgError } from './common/errors.js';

/** A result field, as PGlite's. */
export interface Field {
  name: string;
  /** PostgreSQL type OID: 16 bool, 20 bigint, 23 integer, 25 text, 700 real, 701 double precision, 16385 vector. */
  dataTypeID: number;
}

/** The result of one statement, as PGlite's `Results`. */
export interface Results<T = Record<string, unknown>> {
  rows: T[];
  fields: Field[];
  /** Rows inserted by INSERT (0 for other statements). */
  affectedRows?: number;
}

export interface QueryOptions {
  /** `'object'` (default): rows as `{ column: value }`; `'array'`: rows as value arrays. */
  rowMode?: 'object' | 'array';
  /** `'text'` (default): vectors as pgvector text like PGlite; `'float32array'`: as Float32Array copies. */
  vectorFormat?: 'text' | 'float32array';
}

export interface VecgresOptions {
  /** Where the database lives on disk; vecgres currently keeps data in memory and ignores it. */
  dataDir?: string;
  /** Seed for index builds, so builds are reproducible (default 1). */
  seed?: number;
}

/** The query interface inside {@link Vecgres.transaction}. */
export interface Transaction {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<Results<T>>;
  exec(sql: string, opts?: QueryOptions): Promise<Results[]>;
  /** Rolls the transaction back now; `transaction()` then resolves with the callback's value. */
  rollback(): Promise<void>;
  readonly closed: boolean;
}

export class Vecgres {
  readonly dataDir: string | undefined;
  #db: Database;
  #closed = false;
  /** Set while transaction() runs: other callers wait so they do not join the transaction. */
  #tx: Promise<unknown> | null = null;

  private constructor(db: Database, dataDir: string | undefined) {
    this.#db = db;
    this.dataDir = dataDir;
  }

  /**
   * Opens a database. `dataDir` (or `opts.dataDir`) is accepted for PGlite compatibility; data
   * is kept in memory for now.
   */
  static async create(dataDirOrOpts?: string | VecgresOptions, opts: VecgresOptions = {}): Promise<Vecgres> {
    const o: VecgresOptions = typeof dataDirOrOpts === 'object' ? dataDirOrOpts : { ...opts, dataDir: dataDirOrOpts ?? opts.dataDir };
    const db = await Database.create(o.seed === undefined ? {} : { seed: o.seed });
    return new Vecgres(db, o.dataDir);
  }

  /** The engine (for tools and tests: sessions, the catalog, the last plan). */
  get database(): Database {
    return this.#db;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs one statement with `$1..$n` parameters.
   * @throws PgError with `.code` (SQLSTATE), `.message`, and `.detail`/`.hint`/`.position` when PostgreSQL has them.
   */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = [], opts: QueryOptions = {}): Promise<Results<T>> {
    while (this.#tx !== null) await this.#tx.catch(() => undefined);
    return this.#query<T>(sql, params, opts);
  }

  /** Runs a script of one or more statements without parameters; one result per statement. */
  async exec(sql: string, opts: QueryOptions = {}): Promise<Results[]> {
    while (this.#tx !== null) await this.#tx.catch(() => undefined);
    return this.#exec(sql, opts);
  }

  /**
   * Runs `fn` inside BEGIN ... COMMIT; if `fn` throws, the transaction is rolled back (its
   * INSERTs undone, its SETs reverted) and the error rethrown.
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    while (this.#tx !== null) await this.#tx.catch(() => undefined);
    const run = async (): Promise<T> => {
      this.#run('BEGIN', []);
      let closed = false;
      const tx: Transaction = {
        query: async <R,>(sql: string, params: unknown[] = [], o: QueryOptions = {}) => {
          if (closed) throw new Error('Transaction is closed');
          return this.#query<R>(sql, params, o);
        },
        exec: async (sql: string, o: QueryOptions = {}) => {
          if (closed) throw new Error('Transaction is closed');
          return this.#exec(sql, o);
        },
        rollback: async () => {
          if (!closed) this.#run('ROLLBACK', []);
          closed = true;
        },
        get closed() {
          return closed;
        },
      };
      try {
        const result = await fn(tx);
        if (!closed) this.#run('COMMIT', []);
        closed = true;
        return result;
      } catch (e) {
        if (!closed) this.#db.abort(this.#session());
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

  /** Closes the database and releases its memory. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #session(): Session {
    return this.#db.session;
  }

  #run(sql: string, params: readonly unknown[]): StatementResult[] {
    if (this.#closed) throw new Error('Vecgres is closed');
    return this.#db.execute(sql, params);
  }

  #query<T>(sql: string, params: unknown[], opts: QueryOptions): Results<T> {
    const results = this.#run(sql, params);
    return toResults<T>(results[results.length - 1]!, opts);
  }

  #exec(sql: string, opts: QueryOptions): Results[] {
    return this.#run(sql, []).map((r) => toResults(r, opts));
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
  return { rows: rows as T[], fields, affectedRows: r.affectedRows };
}

function outputValue(v: Value, type: string, vecArrays: boolean): unknown {
  if (v === null) return null;
  switch (type) {
    case 'vector':
      return vecArrays ? (v as Float32Array).slice() : formatVector(v as Float32Array);
    case 'float4':
      // PostgreSQL prints float4 with the shortest text that round-trips in float32; PGlite parses that text.
      return Number(formatFloat4(v as number));
    case 'numeric':
      return String(v);
    default:
      return v;
  }
}

export type { StatementResult };
