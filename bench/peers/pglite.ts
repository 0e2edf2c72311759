/**
 * PostgreSQL 18 + pgvector 0.8.7 compiled to WebAssembly (PGlite): a table of vectors, CREATE
 * INDEX USING hnsw with the same m / ef_construction, and `ORDER BY embedding <=> $1 LIMIT k`
 * under `SET hnsw.ef_search`. Rows go in as text literals in batched INSERTs.
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { nowMs } from '../support/timing.js';
import type { BenchData, BuildReport, Peer } from './peer.js';

const OPS = { cosine: ['vector_cosine_ops', '<=>'], l2: ['vector_l2_ops', '<->'], ip: ['vector_ip_ops', '<#>'] } as const;

export class PglitePeer implements Peer {
  readonly name = 'pglite+pgvector';
  private pg: PGlite | null = null;
  private queryText: string[] = [];
  private readonly op: string;
  private opclass: string;

  /** @param type the column type: `vector`, or `halfvec` with the halfvec_* opclass. */
  constructor(metric: 'cosine' | 'l2' | 'ip' = 'cosine', private readonly type: 'vector' | 'halfvec' = 'vector') {
    [this.opclass, this.op] = OPS[metric];
    if (type === 'halfvec') this.opclass = this.opclass.replace(/^vector_/, 'halfvec_');
  }

  async build(data: BenchData, m: number, efConstruction: number): Promise<BuildReport> {
    const { dim, base, rows } = data;
    const pg = await PGlite.create({ extensions: { vector } });
    this.pg = pg;
    await pg.exec(`CREATE EXTENSION vector; CREATE TABLE items (id int4 PRIMARY KEY, embedding ${this.type}(${dim}));`);
    const BATCH = 500;
    for (let i = 0; i < rows; i += BATCH) {
      const parts: string[] = [];
      for (let r = i; r < Math.min(rows, i + BATCH); r++) parts.push(`(${r}, '${literal(base, r * dim, dim)}')`);
      await pg.exec(`INSERT INTO items VALUES ${parts.join(',')}`);
    }
    // Enough maintenance_work_mem that the graph is built in memory (pgvector's fast path).
    await pg.exec(`SET maintenance_work_mem = '1GB'`);
    const t = nowMs();
    await pg.exec(`CREATE INDEX items_hnsw ON items USING hnsw (embedding ${this.opclass}) WITH (m = ${m}, ef_construction = ${efConstruction})`);
    const seconds = (nowMs() - t) / 1000;
    const r = await pg.query<{ b: string }>(`SELECT pg_relation_size('items_hnsw')::text AS b`);
    this.queryText = [];
    for (let q = 0; q < data.nq; q++) this.queryText.push(literal(data.queries, q * dim, dim));
    await pg.exec('ANALYZE items');
    const usesIndex = async (): Promise<boolean> => {
      const plan = await pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM items ORDER BY embedding ${this.op} $1 LIMIT 10`, [this.queryText[0]]);
      return plan.rows.some((p) => p['QUERY PLAN'].includes('items_hnsw'));
    };
    // On a small table the planner rightly prefers the exact scan; the benchmark measures the index.
    if (!(await usesIndex())) await pg.exec('SET enable_seqscan = off');
    if (!(await usesIndex())) throw new Error('pglite: the plan does not use the hnsw index');
    return { seconds, indexBytes: Number(r.rows[0]!.b), bytesSource: 'pg_relation_size' };
  }

  async setEf(ef: number): Promise<void> {
    await this.pg!.exec(`SET hnsw.ef_search = ${ef}`);
  }

  async search(qi: number, k: number, out: Int32Array, outOff: number): Promise<void> {
    const r = await this.pg!.query<{ id: number }>(`SELECT id FROM items ORDER BY embedding ${this.op} $1 LIMIT ${k}`, [this.queryText[qi]]);
    for (let j = 0; j < k; j++) out[outOff + j] = j < r.rows.length ? r.rows[j]!.id : -1;
  }

  async dispose(): Promise<void> {
    await this.pg?.close();
    this.pg = null;
  }
}

function literal(a: Float32Array, off: number, dim: number): string {
  let s = '[';
  for (let j = 0; j < dim; j++) s += (j ? ',' : '') + a[off + j]!;
  return s + ']';
}
