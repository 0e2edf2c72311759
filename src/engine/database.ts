/**
 * The database: catalog, built indexes, settings registry and the index methods, shared by
 * every session; and the single entry point {@link Database.execute} that the embedded API
 * and the wire server both call.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import type { IndexAm, VectorIndex } from '../index/am.js';
import { Catalog } from '../storage/catalog.js';
import { loadParser, parseSql } from '../sql/parser/parse.js';
import { SettingsRegistry } from '../sql/settings.js';
import { executeStatement, rollback, type PreparedCache, type StatementResult } from '../sql/exec/statement.js';
import { loadIndexMethods } from './methods.js';
import { Session } from './session.js';

export interface DatabaseOptions {
  /** Seed for index builds (HNSW levels); default 1. */
  seed?: number;
}

export class Database {
  readonly catalog = new Catalog();
  readonly registry = new SettingsRegistry();
  readonly indexes = new Map<string, VectorIndex>();
  private readonly prepared: PreparedCache = new WeakMap();
  private readonly defaultSession: Session;

  private constructor(
    readonly methods: ReadonlyMap<string, IndexAm>,
    readonly seed: number,
  ) {
    for (const am of methods.values()) for (const g of am.gucs) this.registry.register(g);
    this.defaultSession = this.openSession();
  }

  /** Loads the SQL parser and the index methods; everything after this is synchronous. */
  static async create(opts: DatabaseOptions = {}): Promise<Database> {
    await loadParser();
    const methods = await loadIndexMethods();
    return new Database(methods, opts.seed ?? 1);
  }

  /** A new session (its own settings and transaction state). */
  openSession(): Session {
    return new Session(this.catalog, this.registry, this.methods, this.indexes, this.seed);
  }

  /** The session the embedded API uses. */
  get session(): Session {
    return this.defaultSession;
  }

  /**
   * Parses and runs `sql` (one or more statements) in `session`. Parameters apply to every
   * statement (a multi-statement string may not use them, as PostgreSQL's simple protocol).
   * Statements run one after the other; the first error stops the rest and is thrown.
   * Outside a transaction block each statement is its own transaction.
   * @throws PgError (SQLSTATE + PostgreSQL's message).
   */
  execute(sql: string, params: readonly unknown[] = [], session: Session = this.defaultSession): StatementResult[] {
    const stmts = parseSql(sql);
    if (stmts.length > 1 && params.length > 0) {
      throw new PgError(SQLSTATE.syntax_error, 'cannot insert multiple commands into a prepared statement');
    }
    const out: StatementResult[] = new Array(stmts.length);
    for (let i = 0; i < stmts.length; i++) out[i] = executeStatement(session, stmts[i]!, params, this.prepared);
    return out;
  }

  /** Rolls back an open transaction of `session` (the embedded API's transaction() on error). */
  abort(session: Session = this.defaultSession): void {
    if (session.txn.inBlock) rollback(session);
  }

  /** Releases every index and table. */
  close(): void {
    for (const idx of this.indexes.values()) idx.dispose();
    this.indexes.clear();
    this.catalog.release();
  }
}
