/**
 * The exact-scan benchmark (`npm run bench -- exact`): `SELECT id FROM items ORDER BY
 * embedding <=> $1 LIMIT 10` without an index over the GloVe 100-d split (seeded shuffle,
 * held-out query words; the whole 340,479-row base set by default), run as the serial exact
 * scan (max_parallel_workers_per_gather = 0: Sort over Seq Scan) and as the parallel one
 * (Gather Merge over a Parallel Seq Scan) on 1 participant (max_parallel_workers = 0: the
 * leader alone runs the parallel scan's code), 2 (the leader and one worker) and, when the
 * worker pool has more workers (VECGRES_WORKERS), 3. Every parallel answer is checked to be the serial
 * one, row for row. QPS, p50 and p99 per run, and the speed-up over the serial scan; PGlite +
 * pgvector's exact scan (a sequential scan and a top-N sort) beside it on --pglite-queries
 * queries of the same table.
 *
 *   npm run bench -- exact [--rows N] [--queries N] [--pglite-queries N] [--peers vecgres,pglite] [--op '<=>']
 *
 * The machine may be shared: the ratio of the runs (same process, same data, interleaved
 * query by query) is what the numbers are for, and the CPU time per query of every thread
 * (process.cpuUsage) shows what the parallel scan costs beside what it saves: 2 participants
 * that use the same CPU time as 1 finish in half the time on two idle cores.
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Vecgres } from '../src/index.js';
import { loadGlove } from '../src/cli/glove.js';
import { WorkerPool } from '../src/kernels/workers.js';
import { copyBinaryHeader, copyBinaryTrailer } from '../src/types/copy_binary.js';
import { formatVector } from '../src/types/vector.js';
import { latencySummary } from './support/stats.js';
import { nowMs } from './support/timing.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';

const K = 10;
/** Rows per COPY statement when loading. */
const COPY_ROWS = 20000;

const SPECS = {
  rows: { kind: 'number', default: Infinity, help: 'base rows of the GloVe split (Infinity: all)' },
  queries: { kind: 'number', default: 200, help: 'held-out queries (vecgres)' },
  pgliteQueries: { kind: 'number', default: 20, help: 'the first N queries for PGlite' },
  peers: { kind: 'strings', default: ['vecgres', 'pglite'], help: 'systems, of vecgres, pglite' },
  op: { kind: 'string', default: '<=>', help: 'the distance operator' },
} satisfies OptionSpecs;

/** COPY binary input (int4 id, vector) for rows [from, to) of `base`. */
export function copyData(base: Float32Array, dim: number, from: number, to: number): Uint8Array {
  const tuple = 2 + 4 + 4 + 4 + 4 + 4 * dim;
  const out = new Uint8Array(19 + (to - from) * tuple + 2);
  out.set(copyBinaryHeader(), 0);
  const dv = new DataView(out.buffer);
  let p = 19;
  for (let r = from; r < to; r++) {
    dv.setInt16(p, 2);
    dv.setInt32(p + 2, 4);
    dv.setInt32(p + 6, r);
    dv.setInt32(p + 10, 4 + 4 * dim);
    dv.setInt16(p + 14, dim);
    dv.setInt16(p + 16, 0);
    p += 18;
    for (let i = 0; i < dim; i++, p += 4) dv.setFloat32(p, base[r * dim + i]!);
  }
  out.set(copyBinaryTrailer(), p);
  return out;
}

interface Run {
  label: string;
  settings: string;
  ms: Float64Array;
  answers: string[];
  /** CPU time of the process (every thread) spent in this run's queries, ms. */
  cpuMs: number;
}

function report(r: Run, serialP50: number, oneP50: number): void {
  const s = latencySummary(r.ms);
  const qps = 1000 / s.mean;
  const one = Number.isNaN(oneP50) ? '' : `  ${(oneP50 / s.p50).toFixed(2)}x`;
  const cpu = r.cpuMs > 0 ? `  CPU ${(r.cpuMs / r.ms.length).toFixed(2).padStart(7)} ms/query` : '';
  console.log(`${r.label.padEnd(44)} ${qps.toFixed(1).padStart(8)} QPS  p50 ${s.p50.toFixed(2).padStart(8)} ms  p99 ${s.p99.toFixed(2).padStart(8)} ms  ${(serialP50 / s.p50).toFixed(2)}x${one}${cpu}`);
}

/** CPU time of the process so far (user + system, every thread), ms. */
function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export async function benchExact(args: string[]): Promise<void> {
  const o = parseBenchArgs('exact', 'Exact top-10 over GloVe: serial vs Gather Merge on 2 (3) participants, vs PGlite + pgvector.', SPECS, args);
  // The standard split (1,000 held-out query words, 340,479 base rows); the first queries are used.
  const glove = loadGlove({ queries: Math.max(1000, o.queries, o.pgliteQueries) });
  const dim = glove.dim;
  const rows = Math.min(o.rows, glove.base.length / dim);
  const queries = Array.from({ length: Math.max(o.queries, o.pgliteQueries) }, (_, i) => formatVector(glove.queries.subarray(i * dim, (i + 1) * dim)));
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < rows; i += COPY_ROWS) chunks.push(copyData(glove.base, dim, i, Math.min(rows, i + COPY_ROWS)));
  const sql = `SELECT id FROM items ORDER BY embedding ${o.op} $1 LIMIT ${K}`;
  const ddl = `CREATE TABLE items (id int4 PRIMARY KEY, embedding vector(${dim}))`;
  const copy = `COPY items FROM '/dev/blob' WITH (FORMAT binary)`;
  const pool = WorkerPool.shared();
  console.log(`exact top-${K} (${o.op}) over ${rows} GloVe rows of ${dim} dimensions, ${o.queries} queries; worker pool: ${pool.size} worker(s)`);

  let serialP50 = NaN;
  if (o.peers.includes('vecgres')) {
    const db = await Vecgres.create();
    await db.exec(ddl);
    let t = nowMs();
    for (const c of chunks) await db.query(copy, [], { blob: new Blob([c as Uint8Array<ArrayBuffer>]) });
    console.log(`vecgres: loaded in ${((nowMs() - t) / 1000).toFixed(1)} s`);
    const runs: Run[] = [
      { label: 'vecgres, serial plan (Sort, Seq Scan)', settings: 'SET max_parallel_workers_per_gather = 0', ms: new Float64Array(o.queries), answers: [], cpuMs: 0 },
      { label: 'vecgres, Gather Merge (1 participant)', settings: 'SET max_parallel_workers_per_gather = 1; SET max_parallel_workers = 0', ms: new Float64Array(o.queries), answers: [], cpuMs: 0 },
    ];
    for (let w = 1; w <= Math.min(2, pool.size); w++) {
      runs.push({ label: `vecgres, Gather Merge (${w + 1} participants)`, settings: `SET max_parallel_workers_per_gather = ${w}`, ms: new Float64Array(o.queries), answers: [], cpuMs: 0 });
    }
    // One connection per run, so each keeps its own settings; queries interleave across runs.
    const sessions = [];
    for (const r of runs) {
      const s = await db.connect();
      await s.exec(r.settings);
      const plan = (await s.query(`EXPLAIN (COSTS OFF) ${sql}`, [queries[0]])).rows.map((x) => Object.values(x)[0]).join(' / ');
      console.log(`  ${r.label}: ${plan}`);
      // Warm-up (JIT, the workers' module loads).
      for (let q = 0; q < 3; q++) await s.query(sql, [queries[q]]);
      sessions.push(s);
    }
    for (let q = 0; q < o.queries; q++) {
      for (let i = 0; i < runs.length; i++) {
        const c = cpuNowMs();
        t = nowMs();
        const res = await sessions[i]!.query(sql, [queries[q]]);
        runs[i]!.ms[q] = nowMs() - t;
        runs[i]!.cpuMs += cpuNowMs() - c;
        runs[i]!.answers.push(JSON.stringify(res.rows));
      }
    }
    serialP50 = latencySummary(runs[0]!.ms).p50;
    const oneP50 = latencySummary(runs[1]!.ms).p50;
    console.log('speed-ups: p50 of the serial plan / p50, and p50 of 1 participant / p50');
    for (const r of runs) {
      report(r, serialP50, oneP50);
      const wrong = r.answers.filter((a, i) => a !== runs[0]!.answers[i]).length;
      if (wrong > 0) {
        console.log(`  ${wrong} answers differ from the serial scan's`);
        process.exitCode = 1;
      }
    }
    for (const s of sessions) await s.release();
    await db.close();
  }

  if (o.peers.includes('pglite')) {
    const pg = await PGlite.create({ extensions: { vector } });
    await pg.exec('CREATE EXTENSION IF NOT EXISTS vector');
    await pg.exec(ddl);
    let t = nowMs();
    for (const c of chunks) await pg.query(copy, [], { blob: new Blob([c as Uint8Array<ArrayBuffer>]) });
    await pg.exec('ANALYZE items');
    console.log(`pglite: loaded in ${((nowMs() - t) / 1000).toFixed(1)} s`);
    const n = Math.min(o.pgliteQueries, queries.length);
    const ms = new Float64Array(n);
    await pg.query(sql, [queries[0]]);
    for (let q = 0; q < n; q++) {
      t = nowMs();
      await pg.query(sql, [queries[q]]);
      ms[q] = nowMs() - t;
    }
    report({ label: `PGlite + pgvector (${n} queries)`, settings: '', ms, answers: [], cpuMs: 0 }, Number.isNaN(serialP50) ? latencySummary(ms).p50 : serialP50, NaN);
    await pg.close();
  }
}
