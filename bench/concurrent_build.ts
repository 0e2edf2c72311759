/**
 * CREATE INDEX CONCURRENTLY against a plain CREATE INDEX on GloVe 100-d (the standard split's
 * first N base rows, cosine, m = 16, ef_construction = 64): the build's wall time, and the
 * latency of another session's queries issued while the build runs (a primary-key lookup,
 * one per turn of the event loop, as a client over a socket sends them). A plain build blocks
 * the event loop, so the other session's first query waits for the whole build; a concurrent
 * build links on the pool's workers and the other session keeps its usual latency. Each build
 * is then searched (ef_search 40, 200 queries) for recall@10 against exact search, so the
 * concurrent graph's quality is measured too.
 *
 *   npm run bench -- cic [--rows N] [--queries N] [--method hnsw|ivfflat]
 *
 * `--method ivfflat` builds IVFFlat instead (cosine, lists = rows / 1000, at least 10; recall
 * at probes 10): its concurrent build runs the k-means and the assignment on the pool. A plain
 * IVFFlat build below min_parallel_table_scan_size (8 MB: 20,000 rows of 100-d) is serial and
 * blocks the event loop; past it, it runs off the event loop too, holding the SHARE lock.
 *
 * On a machine shared with other work the times are noisy; the ratio of the latencies is the
 * point (milliseconds against the build's seconds).
 */
import { Vecgres } from '../src/index.js';
import { loadGlove } from '../src/cli/glove.js';
import { WorkerPool } from '../src/kernels/workers.js';
import { formatVector } from '../src/types/vector.js';
import { copyData } from './exact.js';
import { latencySummary } from './support/stats.js';
import { nowMs } from './support/timing.js';
import { exactKnn, recallAtK } from './support/truth.js';

const K = 10;
const COPY_ROWS = 20000;

function parseArgs(args: string[]): { rows: number; queries: number; method: 'hnsw' | 'ivfflat' } {
  const o: { rows: number; queries: number; method: 'hnsw' | 'ivfflat' } = { rows: 100000, queries: 200, method: 'hnsw' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const text = args[++i];
    const v = Number(text);
    if (a === '--rows') o.rows = v;
    else if (a === '--queries') o.queries = v;
    else if (a === '--method' && (text === 'hnsw' || text === 'ivfflat')) o.method = text;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

export async function benchConcurrentBuild(args: string[]): Promise<void> {
  const o = parseArgs(args);
  const glove = loadGlove({ rows: o.rows, queries: o.queries });
  const dim = glove.dim;
  const rows = glove.base.length / dim;
  const pool = WorkerPool.shared();
  const lists = Math.max(10, Math.round(rows / 1000));
  const using = o.method === 'hnsw' ? 'hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)' : `ivfflat (embedding vector_cosine_ops) WITH (lists = ${lists})`;
  const search = o.method === 'hnsw' ? 'SET hnsw.ef_search = 40' : 'SET ivfflat.probes = 10';
  const label = o.method === 'hnsw' ? 'HNSW (m 16, ef_construction 64, cosine)' : `IVFFlat (lists ${lists}, cosine)`;
  console.log(`CREATE INDEX vs CREATE INDEX CONCURRENTLY, ${label} over ${rows} GloVe rows; worker pool: ${pool.size} worker(s)`);
  const db = await Vecgres.create();
  await db.exec(`CREATE TABLE items (id int4 PRIMARY KEY, embedding vector(${dim}))`);
  for (let i = 0; i < rows; i += COPY_ROWS) {
    const c = copyData(glove.base, dim, i, Math.min(rows, i + COPY_ROWS));
    await db.query(`COPY items FROM '/dev/blob' WITH (FORMAT binary)`, [], { blob: new Blob([c as Uint8Array<ArrayBuffer>]) });
  }
  const truth = exactKnn(glove.base, glove.queries, dim, K, 'cosine', `glove-${rows}`);
  const queries = Array.from({ length: o.queries }, (_, i) => formatVector(glove.queries.subarray(i * dim, (i + 1) * dim)));
  const a = await db.connect();
  const b = await db.connect();
  // A warm-up of the other session's query (plan cached, pages resident).
  for (let i = 0; i < 100; i++) await b.query('SELECT embedding FROM items WHERE id = $1', [i]);
  for (const mode of ['CREATE INDEX', 'CREATE INDEX CONCURRENTLY']) {
    let done = false;
    const t0 = nowMs();
    const build = a.query(`${mode} items_idx ON items USING ${using}`).then(() => {
      done = true;
      return nowMs() - t0;
    });
    const lat: number[] = [];
    let id = 0;
    while (!done) {
      const t = nowMs();
      await b.query('SELECT embedding FROM items WHERE id = $1', [id++ % rows]);
      lat.push(nowMs() - t);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const buildMs = await build;
    const s = latencySummary(Float64Array.from(lat));
    await a.query(search);
    const found = new Int32Array(o.queries * K);
    for (let q = 0; q < o.queries; q++) {
      const r = (await a.query<{ id: number }>(`SELECT id FROM items ORDER BY embedding <=> $1 LIMIT ${K}`, [queries[q]])).rows;
      for (let j = 0; j < K; j++) found[q * K + j] = r[j]?.id ?? -1;
    }
    console.log(`${mode.padEnd(26)} build ${(buildMs / 1000).toFixed(1).padStart(6)} s; other session: ${String(lat.length).padStart(6)} queries during the build, p50 ${s.p50.toFixed(3)} ms, p99 ${s.p99.toFixed(3)} ms, max ${Math.max(...lat).toFixed(1)} ms; recall@10 (${search.slice(4)}) ${recallAtK(truth, found, K).toFixed(4)}`);
    await a.query('RESET ALL');
    await a.query('DROP INDEX items_idx');
  }
  await a.release();
  await b.release();
  await db.close();
}
