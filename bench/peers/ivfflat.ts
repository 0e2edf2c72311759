/**
 * IVFFlat peers for bench/ivfflat.ts: vecgres at the access-method level (ivfflatAm.build +
 * beginScan, no SQL in between), PostgreSQL 18 + pgvector 0.8.7 in PGlite, and native
 * PostgreSQL + pgvector over node-postgres (PGVECTOR_URL) (CREATE INDEX USING ivfflat with the
 * same lists, `SET ivfflat.probes`, `ORDER BY embedding <=> $1 LIMIT k`).
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { GucReader, GucValue } from '../../src/common/guc.js';
import type { VectorIndex } from '../../src/access/am.js';
import { ivfflatAm } from '../../src/access/ivfflat/index.js';
import { nowMs } from '../support/timing.js';
import type { BenchData, BuildReport } from './peer.js';

/** A system under the IVFFlat benchmark (bench/peers/peer.ts's Peer with lists and probes). */
export interface IvfPeer {
  readonly name: string;
  build(data: BenchData, lists: number): Promise<BuildReport>;
  setProbes(probes: number): Promise<void>;
  /** Writes the ids of the k nearest to query `qi` at out[outOff ..]; -1 pads. */
  search(qi: number, k: number, out: Int32Array, outOff: number): void | Promise<void>;
  lastDistanceCount?(): number;
  dispose(): Promise<void>;
}

export class VecgresIvfPeer implements IvfPeer {
  readonly name: string;
  /**
   * @param workers the build's max_parallel_maintenance_workers (participants: 1 + min(workers,
   *   the pool's size); 0 builds serially)
   */
  constructor(private readonly workers = 0) {
    this.name = workers > 0 ? 'vecgres' : 'vecgres (serial build)';
  }
  private index: VectorIndex | null = null;
  private data: BenchData | null = null;
  private readonly settings = new Map<string, GucValue>([
    ['ivfflat.probes', 1],
    ['ivfflat.iterative_scan', 'off'],
    ['ivfflat.max_probes', 32768],
  ]);
  private readonly gucs: GucReader = { get: (n) => this.settings.get(n)! };
  private readonly ids = new Int32Array(1000);
  private readonly dists = new Float64Array(1000);
  private distances = 0;

  async build(data: BenchData, lists: number): Promise<BuildReport> {
    this.data = data;
    const opclass = ivfflatAm.opclasses.find((o) => o.metric === 'cosine')!;
    const options = ivfflatAm.parseOptions(new Map([['lists', String(lists)]]), data.dim);
    const { dim, base, rows } = data;
    const t = nowMs();
    this.index = ivfflatAm.build({
      dim, opclass, options, rowCount: rows, seed: 42, parallelWorkers: this.workers,
      forEachRow(fn) {
        for (let i = 0; i < rows; i++) fn(i, base.subarray(i * dim, (i + 1) * dim));
      },
    });
    const seconds = (nowMs() - t) / 1000;
    return { seconds, indexBytes: this.index.sizeBytes(), bytesSource: 'VectorIndex.sizeBytes()' };
  }

  async setProbes(probes: number): Promise<void> {
    this.settings.set('ivfflat.probes', probes);
  }

  search(qi: number, k: number, out: Int32Array, outOff: number): void {
    const { dim, queries } = this.data!;
    const scan = this.index!.beginScan(queries.subarray(qi * dim, (qi + 1) * dim), { gucs: this.gucs, limit: k, isLive: () => true });
    const n = scan.next(this.ids.subarray(0, k), this.dists);
    this.distances = scan.stats().distanceComputations;
    scan.close();
    for (let j = 0; j < k; j++) out[outOff + j] = j < n ? this.ids[j]! : -1;
  }

  lastDistanceCount(): number {
    return this.distances;
  }

  /** The planner's estimate (access/ivfflat/cost.ts) of one unfiltered top-k scan at `probes`. */
  costEstimate(probes: number, k: number): number {
    const g: GucReader = { get: (n) => (n === 'ivfflat.probes' ? probes : this.settings.get(n)!) };
    return ivfflatAm.costEstimate(this.index!, { tableRows: this.index!.size, limit: k, selectivity: 1, gucs: g }).total;
  }

  async dispose(): Promise<void> {
    this.index?.dispose();
    this.index = null;
  }
}

export class PgliteIvfPeer implements IvfPeer {
  readonly name = 'pglite+pgvector';
  private pg: PGlite | null = null;
  private queryText: string[] = [];

  async build(data: BenchData, lists: number): Promise<BuildReport> {
    const { dim, base, rows } = data;
    const pg = await PGlite.create({ extensions: { vector } });
    this.pg = pg;
    await pg.exec(`CREATE EXTENSION vector; CREATE TABLE items (id int4 PRIMARY KEY, embedding vector(${dim}));`);
    const BATCH = 500;
    for (let i = 0; i < rows; i += BATCH) {
      const parts: string[] = [];
      for (let r = i; r < Math.min(rows, i + BATCH); r++) parts.push(`(${r}, '${literal(base, r * dim, dim)}')`);
      await pg.exec(`INSERT INTO items VALUES ${parts.join(',')}`);
    }
    await pg.exec(`SET maintenance_work_mem = '1GB'`);
    const t = nowMs();
    await pg.exec(`CREATE INDEX items_ivf ON items USING ivfflat (embedding vector_cosine_ops) WITH (lists = ${lists})`);
    const seconds = (nowMs() - t) / 1000;
    const r = await pg.query<{ b: string }>(`SELECT pg_relation_size('items_ivf')::text AS b`);
    this.queryText = [];
    for (let q = 0; q < data.nq; q++) this.queryText.push(literal(data.queries, q * dim, dim));
    await pg.exec('ANALYZE items');
    return { seconds, indexBytes: Number(r.rows[0]!.b), bytesSource: 'pg_relation_size' };
  }

  async setProbes(probes: number): Promise<void> {
    await this.pg!.exec(`SET ivfflat.probes = ${probes}`);
    // pgvector's planner turns to a sequential scan as probes grow (seed 000's cliff): force
    // the index so the curve measures IVFFlat itself, and say so in the output.
    await this.pg!.exec('SET enable_seqscan = off');
  }

  async search(qi: number, k: number, out: Int32Array, outOff: number): Promise<void> {
    const r = await this.pg!.query<{ id: number }>(`SELECT id FROM items ORDER BY embedding <=> $1 LIMIT ${k}`, [this.queryText[qi]]);
    for (let j = 0; j < k; j++) out[outOff + j] = j < r.rows.length ? r.rows[j]!.id : -1;
  }

  /** True when pgvector's planner would pick the index at `probes` without enable_seqscan = off. */
  async plannerUsesIndex(probes: number): Promise<boolean> {
    const pg = this.pg!;
    await pg.exec(`SET ivfflat.probes = ${probes}; RESET enable_seqscan`);
    const plan = await pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 10`, [this.queryText[0]]);
    return plan.rows.some((p) => p['QUERY PLAN'].includes('items_ivf'));
  }

  async dispose(): Promise<void> {
    await this.pg?.close();
    this.pg = null;
  }
}

/**
 * Native PostgreSQL + pgvector over loopback (node-postgres, one connection, a prepared
 * statement per query: the round trip is part of each query's time). The rows go in by
 * `INSERT ... SELECT unnest(...)` in batches, in a schema of its own, dropped at the end. The
 * build keeps PostgreSQL's default max_parallel_maintenance_workers (2) with
 * maintenance_work_mem = 1GB (at the default 64 MB PostgreSQL gives the build one worker).
 * {@link inServerQps} runs all queries in one statement, without round trips.
 */
export class NativeIvfPeer implements IvfPeer {
  readonly name = 'native pgvector';
  private client: import('pg').Client | null = null;
  private queryText: string[] = [];
  version = '';

  constructor(private readonly url: string) {}

  async build(data: BenchData, lists: number): Promise<BuildReport> {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    this.client = client;
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA}; SET search_path = ${SCHEMA}, public`);
    const v = await client.query<{ pg: string; vector: string; w: string }>(
      "SELECT current_setting('server_version') AS pg, (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS vector, current_setting('max_parallel_maintenance_workers') AS w",
    );
    this.version = `PostgreSQL ${v.rows[0]!.pg} + pgvector ${v.rows[0]!.vector}, max_parallel_maintenance_workers = ${v.rows[0]!.w}`;
    const { dim, base, rows } = data;
    await client.query(`CREATE TABLE items (id int4 PRIMARY KEY, embedding vector(${dim})); CREATE TABLE queries (id int4, embedding vector(${dim}))`);
    const BATCH = 2000;
    const load = async (table: string, a: Float32Array, n: number): Promise<void> => {
      for (let r = 0; r < n; r += BATCH) {
        const ids: number[] = [];
        const vs: string[] = [];
        for (let i = r; i < Math.min(n, r + BATCH); i++) {
          ids.push(i);
          vs.push(literal(a, i * dim, dim));
        }
        await client.query(`INSERT INTO ${table} SELECT * FROM unnest($1::int4[], $2::vector[])`, [ids, vs]);
      }
    };
    await load('items', base, rows);
    await load('queries', data.queries, data.nq);
    await client.query('VACUUM ANALYZE items');
    await client.query(`SET maintenance_work_mem = '1GB'`);
    const t = nowMs();
    await client.query(`CREATE INDEX items_ivf ON items USING ivfflat (embedding vector_cosine_ops) WITH (lists = ${lists})`);
    const seconds = (nowMs() - t) / 1000;
    const r = await client.query<{ b: string }>(`SELECT pg_relation_size('items_ivf')::text AS b`);
    this.queryText = [];
    for (let q = 0; q < data.nq; q++) this.queryText.push(literal(data.queries, q * dim, dim));
    return { seconds, indexBytes: Number(r.rows[0]!.b), bytesSource: 'pg_relation_size' };
  }

  async setProbes(probes: number): Promise<void> {
    // As for PGlite: the index is forced, and the planner's own choice reported.
    await this.client!.query(`SET ivfflat.probes = ${probes}; SET enable_seqscan = off`);
  }

  async search(qi: number, k: number, out: Int32Array, outOff: number): Promise<void> {
    const r = await this.client!.query<{ id: number }>({ name: `knn${k}`, text: `SELECT id FROM items ORDER BY embedding <=> $1 LIMIT ${k}`, values: [this.queryText[qi]] });
    for (let j = 0; j < k; j++) out[outOff + j] = j < r.rows.length ? r.rows[j]!.id : -1;
  }

  /** True when pgvector's planner would pick the index at `probes` without enable_seqscan = off. */
  async plannerUsesIndex(probes: number): Promise<boolean> {
    const c = this.client!;
    await c.query(`SET ivfflat.probes = ${probes}; RESET enable_seqscan`);
    const plan = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 10`, [this.queryText[0]]);
    await c.query('SET enable_seqscan = off');
    return plan.rows.some((p) => p['QUERY PLAN'].includes('items_ivf'));
  }

  /** Queries per second of every query in one statement (a LATERAL top-k per query row): no round trips. */
  async inServerQps(probes: number, k: number, nq: number): Promise<number> {
    const c = this.client!;
    await c.query(`SET ivfflat.probes = ${probes}; SET enable_seqscan = off`);
    const t = nowMs();
    await c.query(`SELECT count(*) FROM queries q CROSS JOIN LATERAL (SELECT i.id FROM items i ORDER BY i.embedding <=> q.embedding LIMIT ${k}) s`);
    return (nq / (nowMs() - t)) * 1000;
  }

  async dispose(): Promise<void> {
    if (this.client === null) return;
    try {
      await this.client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    } finally {
      await this.client.end();
      this.client = null;
    }
  }
}

/** The native peer's schema (other benchmarks on the same server use their own). */
const SCHEMA = 'vecgres_bench_ivfflat';

function literal(a: Float32Array, off: number, dim: number): string {
  let s = '[';
  for (let j = 0; j < dim; j++) s += (j ? ',' : '') + a[off + j]!;
  return s + ']';
}
