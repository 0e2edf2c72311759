/**
 * The cost of the worker thread (`npm run bench -- worker`): the same small k-NN query
 * (`SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 10`, HNSW, ef_search 40) on a
 * Vecgres in this thread and on a VecgresWorker, over the first --rows rows of the GloVe 100-d
 * split (seeded shuffle, held-out query words), one query at a time, the two interleaved query
 * by query so a busy machine slows both alike. Prints p50 / p99 / mean latency of each and the
 * difference of the p50s: what the message round trip (request, structured clone of the
 * parameters and of the rows, reply) adds to a query. Both answers are checked to be equal.
 *
 *   npm run bench -- worker [--rows N] [--queries N]
 */
import { Vecgres } from '../src/index.js';
import { VecgresWorker } from '../src/worker/vecgres_worker.js';
import type { VecgresApi } from '../src/index.js';
import { loadGlove } from '../src/cli/glove.js';
import { formatVector } from '../src/types/vector.js';
import { latencySummary } from './support/stats.js';
import { nowMs } from './support/timing.js';

interface Options {
  rows: number;
  queries: number;
}

function parse(args: string[]): Options {
  const o: Options = { rows: 20000, queries: 3000 };
  for (let i = 0; i < args.length; i++) {
    const v = Number(args[i + 1]);
    if (args[i] === '--rows') (o.rows = v), i++;
    else if (args[i] === '--queries') (o.queries = v), i++;
    else throw new Error(`unknown option ${args[i]}`);
  }
  return o;
}

async function load(db: VecgresApi, blob: Blob): Promise<void> {
  await db.exec('CREATE TABLE items (id integer PRIMARY KEY, embedding vector(100))');
  await db.query("COPY items FROM '/dev/blob'", [], { blob });
  await db.query('CREATE INDEX ON items USING hnsw (embedding vector_cosine_ops)');
}

export async function benchWorker(args: string[]): Promise<void> {
  const o = parse(args);
  const glove = loadGlove({ rows: o.rows, queries: 1000 });
  const dim = glove.dim;
  const n = glove.base.length / dim;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`${i}\t${formatVector(glove.base.subarray(i * dim, (i + 1) * dim))}\n`);
  const blob = new Blob(lines);
  const here = await Vecgres.create();
  const worker = await VecgresWorker.create();
  const t0 = nowMs();
  await Promise.all([load(here, blob), load(worker, blob)]);
  console.log(`loaded and indexed ${n} GloVe rows in both databases in ${((nowMs() - t0) / 1000).toFixed(1)} s`);
  const sql = 'SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 10';
  const qn = glove.queries.length / dim;
  const ms = { here: new Float64Array(o.queries), worker: new Float64Array(o.queries) };
  // Warm-up: the first queries of each pay for compilation and caches.
  for (let i = 0; i < 50; i++) {
    const q = glove.queries.subarray((i % qn) * dim, (i % qn + 1) * dim);
    await here.query(sql, [q]);
    await worker.query(sql, [q]);
  }
  for (let i = 0; i < o.queries; i++) {
    const q = glove.queries.subarray((i % qn) * dim, (i % qn + 1) * dim);
    const order: [keyof typeof ms, VecgresApi][] = i % 2 === 0 ? [['here', here], ['worker', worker]] : [['worker', worker], ['here', here]];
    const ids: string[] = [];
    for (const [name, db] of order) {
      const t = nowMs();
      const r = await db.query<{ id: number }>(sql, [q]);
      ms[name][i] = nowMs() - t;
      ids.push(r.rows.map((x) => x.id).join(','));
    }
    if (ids[0] !== ids[1]) throw new Error(`query ${i}: the worker answered ${ids[1]} where Vecgres answered ${ids[0]}`);
  }
  const a = latencySummary(ms.here);
  const b = latencySummary(ms.worker);
  const f = (x: number): string => `${(x * 1000).toFixed(0)} us`;
  console.log(`${o.queries} queries, k = 10, HNSW ef_search 40, ${n} rows x ${dim}-d, one at a time, interleaved`);
  console.log(`  Vecgres (this thread)   p50 ${f(a.p50)}  p99 ${f(a.p99)}  mean ${f(a.mean)}`);
  console.log(`  VecgresWorker           p50 ${f(b.p50)}  p99 ${f(b.p99)}  mean ${f(b.mean)}`);
  console.log(`  round trip adds         p50 ${f(b.p50 - a.p50)} (${(b.p50 / a.p50).toFixed(2)}x)`);
  await here.close();
  await worker.close();
}
