/**
 * A database under the SQL benchmark (bench/sql.ts): one connection that runs a statement with
 * `$n` parameters and returns its rows as value arrays. vecgres through its embedded API and
 * PGlite + pgvector in the same process; the runner gives both the same SQL text and the same
 * parameters (vectors as pgvector text), so the work differs only inside the engines.
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Vecgres } from '../../src/index.js';

/** A statement's rows, each an array of column values in select-list order. */
export interface SqlRows {
  fields: string[];
  rows: unknown[][];
}

export interface SqlPeer {
  readonly name: string;
  /** Runs one statement. @throws the engine's error (with `.code`, the SQLSTATE, when it has one) */
  query(sql: string, params?: unknown[]): Promise<SqlRows>;
  /** Runs a script of statements without parameters. */
  exec(sql: string): Promise<void>;
  /** Waits for work the engine started in the background (vecgres: filter subgraphs being built). */
  settle?(): Promise<void>;
  close(): Promise<void>;
}

/** vecgres in memory through `Vecgres.query` (the embedded API). */
export class VecgresSqlPeer implements SqlPeer {
  readonly name = 'vecgres';
  private constructor(private readonly db: Vecgres) {}

  static async create(): Promise<VecgresSqlPeer> {
    return new VecgresSqlPeer(await Vecgres.create());
  }

  async query(sql: string, params: unknown[] = []): Promise<SqlRows> {
    const r = await this.db.query<unknown[]>(sql, params, { rowMode: 'array' });
    return { fields: r.fields.map((f) => f.name), rows: r.rows };
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async settle(): Promise<void> {
    for (const idx of this.db.database.indexes.values()) {
      const s = (idx as { subgraphs?: { settled(): Promise<void> } }).subgraphs;
      if (s !== undefined) await s.settled();
    }
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** PostgreSQL 18 + pgvector 0.8.7 in WebAssembly (PGlite), in memory. */
export class PgliteSqlPeer implements SqlPeer {
  readonly name = 'pglite';
  private constructor(private readonly pg: PGlite) {}

  static async create(): Promise<PgliteSqlPeer> {
    const pg = await PGlite.create({ extensions: { vector } });
    return new PgliteSqlPeer(pg);
  }

  async query(sql: string, params: unknown[] = []): Promise<SqlRows> {
    const r = await this.pg.query<unknown[]>(sql, params, { rowMode: 'array' });
    return { fields: r.fields.map((f) => f.name), rows: r.rows };
  }

  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql);
  }

  async close(): Promise<void> {
    await this.pg.close();
  }
}

/**
 * Native PostgreSQL + pgvector over the wire protocol (node-postgres), in a schema of its own
 * (`vecgres_bench`, dropped first and at close) so a shared server keeps its other tables.
 * bigint comes back as a number, as from the other engines (node-postgres returns text).
 */
export class PostgresSqlPeer implements SqlPeer {
  readonly name = 'postgres';
  private constructor(private readonly client: import('pg').Client, readonly version: string, private readonly schema: string) {}

  /**
   * @param url a connection string, e.g. postgresql://postgres@127.0.0.1:54329/postgres
   * @param schema the schema the benchmark's tables go in (dropped first and at close): a
   *   benchmark sharing the server with another one running names its own
   */
  static async create(url: string, schema = 'vecgres_bench'): Promise<PostgresSqlPeer> {
    const pg = (await import('pg')).default;
    const client = new pg.Client({
      connectionString: url,
      types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')) },
    });
    await client.connect();
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path = ${schema}, public`);
    const v = await client.query<{ pg: string; vector: string }>(
      "SELECT current_setting('server_version') AS pg, (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS vector",
    );
    return new PostgresSqlPeer(client, `PostgreSQL ${v.rows[0]!.pg} + pgvector ${v.rows[0]!.vector}`, schema);
  }

  async query(sql: string, params: unknown[] = []): Promise<SqlRows> {
    const r = await this.client.query<unknown[]>({ text: sql, values: params, rowMode: 'array' });
    return { fields: r.fields.map((f) => f.name), rows: r.rows };
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  async close(): Promise<void> {
    try {
      await this.client.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
    } finally {
      await this.client.end();
    }
  }
}
