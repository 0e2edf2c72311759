/**
 * Native PostgreSQL + pgvector as a search peer (bench/chart.ts): one node-postgres connection
 * over TCP, a schema of its own named after this process (`vecgres_chart_<pid>_<method>`, dropped first and
 * at close, so benchmarks running at once on a shared server do not drop each other's tables),
 * the rows loaded by `INSERT ... SELECT unnest($1::int[], $2::vector[])`, one table per index
 * method (so the planner has exactly one index to choose), and
 * `SELECT id FROM items ORDER BY embedding <=> $1 LIMIT k` as a named prepared statement.
 * Each query's time includes the loopback round trip, as an application sees it.
 */
import pg from 'pg';
import { nowMs } from '../support/timing.js';
import type { BenchData, BuildReport } from './peer.js';

/** One connection and one table with one index: HNSW (knob ef_search) or IVFFlat (knob probes). */
export class NativePgvectorPeer {
  readonly name: string;
  private readonly schema: string;
  private client: pg.Client | null = null;
  private queryText: string[] = [];
  /** `PostgreSQL 15.x + pgvector 0.8.x`, once built. */
  version = '';

  /**
   * @param url a connection string, e.g. postgresql://postgres@127.0.0.1:54329/postgres
   * @param method the index method; `lists` is IVFFlat's, `m` / `efConstruction` HNSW's
   */
  constructor(
    private readonly url: string,
    private readonly method: 'hnsw' | 'ivfflat',
    private readonly params: { m?: number; efConstruction?: number; lists?: number },
  ) {
    this.name = `native pgvector ${method === 'hnsw' ? 'HNSW' : 'IVFFlat'}`;
    this.schema = `vecgres_chart_${process.pid}_${method}`;
  }

  /**
   * Loads the rows and builds the index (maintenance_work_mem 1 GB, so HNSW builds in memory;
   * PostgreSQL's default max_parallel_maintenance_workers). Build seconds are CREATE INDEX's.
   * @throws Error when the plan of the k-NN query does not use the index
   */
  async build(data: BenchData): Promise<BuildReport> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    this.client = client;
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    await client.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE; CREATE SCHEMA ${this.schema}; SET search_path = ${this.schema}, public`);
    const v = await client.query<{ pg: string; vector: string }>(
      "SELECT current_setting('server_version') AS pg, (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS vector",
    );
    this.version = `PostgreSQL ${v.rows[0]!.pg.split(' ')[0]} + pgvector ${v.rows[0]!.vector}`;
    const { dim, base, rows } = data;
    await client.query(`CREATE TABLE items (id integer PRIMARY KEY, embedding vector(${dim}))`);
    for (let r = 0; r < rows; r += 2000) {
      const ids: number[] = [];
      const vs: string[] = [];
      for (let i = r; i < Math.min(rows, r + 2000); i++) {
        ids.push(i);
        vs.push(literal(base, i * dim, dim));
      }
      await client.query('INSERT INTO items SELECT * FROM unnest($1::int[], $2::vector[])', [ids, vs]);
    }
    await client.query("SET maintenance_work_mem = '1GB'");
    const withClause = this.method === 'hnsw' ? `m = ${this.params.m}, ef_construction = ${this.params.efConstruction}` : `lists = ${this.params.lists}`;
    const t = nowMs();
    await client.query(`CREATE INDEX items_idx ON items USING ${this.method} (embedding vector_cosine_ops) WITH (${withClause})`);
    const seconds = (nowMs() - t) / 1000;
    await client.query('ANALYZE items');
    const size = await client.query<{ b: string }>("SELECT pg_relation_size('items_idx')::text AS b");
    this.queryText = [];
    for (let q = 0; q < data.nq; q++) this.queryText.push(literal(data.queries, q * dim, dim));
    const plan = await client.query<{ 'QUERY PLAN': string }>('EXPLAIN SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 10', [this.queryText[0]]);
    if (!plan.rows.some((p) => p['QUERY PLAN'].includes('items_idx'))) throw new Error(`${this.name}: the plan does not use the index`);
    return { seconds, indexBytes: Number(size.rows[0]!.b), bytesSource: 'pg_relation_size' };
  }

  /**
   * Sets hnsw.ef_search or ivfflat.probes. For IVFFlat also enable_seqscan = off: pgvector's
   * planner turns to a sequential scan as probes grow (seed 000's cliff), and the curve is to
   * measure the index.
   */
  async setKnob(value: number): Promise<void> {
    if (this.method === 'hnsw') await this.client!.query(`SET hnsw.ef_search = ${value}`);
    else await this.client!.query(`SET ivfflat.probes = ${value}; SET enable_seqscan = off`);
  }

  async search(qi: number, k: number, out: Int32Array, outOff: number): Promise<void> {
    const r = await this.client!.query<{ id: number }>({ name: 'knn', text: `SELECT id FROM items ORDER BY embedding <=> $1 LIMIT ${k}`, values: [this.queryText[qi]] });
    for (let j = 0; j < k; j++) out[outOff + j] = j < r.rows.length ? r.rows[j]!.id : -1;
  }

  async dispose(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client === null) return;
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
    } finally {
      await client.end();
    }
  }
}

function literal(a: Float32Array, off: number, dim: number): string {
  let s = '[';
  for (let j = 0; j < dim; j++) s += (j ? ',' : '') + a[off + j]!;
  return s + ']';
}
