/**
 * An HNSW index in partitions (access/hnsw/partitions.ts) against the same rows in one graph:
 * the index is built once in a memory of the default size (one graph), then again with the
 * process's memories capped at --memory-mib, which splits it into partitions. Prints per build
 * its wall and CPU seconds, partitions and bytes, and per ef_search recall@10 against exact
 * search, distance computations per query and QPS (one thread, queries one after another).
 *
 *   npm run bench -- partitions [--rows N] [--dims 1536] [--queries N] [--memory-mib 256]
 *                               [--ef 10,20,...] [--workers N]
 *
 * Data: SYNTHETIC, the rows of bench/scale.ts (GloVe 100-d lifted to --dims by a fixed
 * orthonormal map plus 10% noise). Cosine, m = 16, ef_construction = 64; --workers adds pool
 * workers to each build as CREATE INDEX does (max_parallel_maintenance_workers).
 */
import { loadGlove } from '../src/cli/glove.js';
import type { GucReader, GucValue } from '../src/common/guc.js';
import type { VectorIndex } from '../src/access/am.js';
import { hnswAm, type HnswIndex } from '../src/access/hnsw/index.js';
import { memories } from '../src/kernels/memories.js';
import { lift, liftMatrix } from './support/lift.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';
import { loadAverage, machineLine } from './support/machine.js';
import { nowMs } from './support/timing.js';
import { exactKnn, recallAtK, type GroundTruth } from './support/truth.js';

const K = 10;

const SPECS = {
  rows: { kind: 'number', default: 50_000, help: 'base rows' },
  dims: { kind: 'number', default: 1536, help: 'dimensions of the lifted rows' },
  queries: { kind: 'number', default: 200, help: 'held-out queries' },
  memoryMib: { kind: 'number', default: 256, help: 'cap on each memory for the partitioned build, MiB' },
  ef: { kind: 'numbers', default: [10, 20, 40, 80, 120, 200], help: 'hnsw.ef_search values' },
  workers: { kind: 'number', default: 0, help: 'pool workers each build may add (0: serial)' },
} satisfies OptionSpecs;

/** Entry point: `npm run bench -- partitions ...`. */
export async function benchPartitions(args: string[]): Promise<void> {
  const o = parseBenchArgs('partitions', 'HNSW partitions vs one graph on the same rows: build time, recall@10 and QPS per ef_search.', SPECS, args);
  const log = (s: string): void => console.log(s);
  log(`# partitions: ${machineLine()}, load average ${loadAverage()}`);
  const glove = loadGlove({ queries: o.queries });
  const m = liftMatrix(o.dims);
  const dim = o.dims;
  const base = lift(glove.base, o.rows, dim, m, 7);
  const queries = lift(glove.queries, o.queries, dim, m, 8);
  const rows = base.length / dim;
  const nq = queries.length / dim;
  log(`SYNTHETIC (GloVe lifted to ${dim}-d + 10% noise): ${rows} rows, ${nq} queries, cosine, m 16, ef_construction 64, ${o.workers} build workers`);
  const truth = exactKnn(base, queries, dim, K, 'cosine');
  const run = (label: string): void => {
    const cpu0 = process.cpuUsage();
    const t0 = nowMs();
    const index = build(base, rows, dim, o.workers) as HnswIndex;
    const wall = (nowMs() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    log(`${label}: build ${wall.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU s (this thread), ${index.partitions.length} partition(s) of ${index.partitions.map((st) => st.graph.count).join(' + ')} rows, ${(index.sizeBytes() / 2 ** 20).toFixed(0)} MiB`);
    search(index, queries, nq, dim, truth, o.ef, log);
    index.dispose();
  };
  run('one graph');
  memories.memoryBytesMax = o.memoryMib * 2 ** 20;
  run(`partitioned (memories of ${o.memoryMib} MiB)`);
  log(`load average after: ${loadAverage()}`);
}

function build(base: Float32Array, rows: number, dim: number, workers: number): VectorIndex {
  const opclass = hnswAm.opclasses.find((c) => c.name === 'vector_cosine_ops')!;
  return hnswAm.build({
    dim,
    opclass,
    options: hnswAm.parseOptions(new Map([['m', '16'], ['ef_construction', '64']]), dim),
    rowCount: rows,
    seed: 42,
    parallelWorkers: workers,
    forEachRow(fn) {
      for (let i = 0; i < rows; i++) fn(i, base.subarray(i * dim, (i + 1) * dim));
    },
  });
}

function search(index: VectorIndex, queries: Float32Array, nq: number, dim: number, truth: GroundTruth, efs: readonly number[], log: (s: string) => void): void {
  const settings = new Map<string, GucValue>([
    ['hnsw.ef_search', 40], ['hnsw.iterative_scan', 'off'], ['hnsw.max_scan_tuples', 20000], ['hnsw.scan_mem_multiplier', 1], ['work_mem', 4096],
  ]);
  const gucs: GucReader = { get: (n) => settings.get(n)! };
  const ids = new Int32Array(K);
  const dists = new Float64Array(K);
  const found = new Int32Array(nq * K);
  for (const ef of efs) {
    settings.set('hnsw.ef_search', ef);
    let distances = 0;
    const t = nowMs();
    for (let q = 0; q < nq; q++) {
      const scan = index.beginScan(queries.subarray(q * dim, (q + 1) * dim), { gucs, limit: K, isLive: () => true });
      const n = scan.next(ids, dists);
      distances += scan.stats().distanceComputations;
      scan.close();
      for (let j = 0; j < K; j++) found[q * K + j] = j < n ? ids[j]! : -1;
    }
    const ms = nowMs() - t;
    log(`  ef ${String(ef).padStart(3)}: recall@10 ${recallAtK(truth, found, K).toFixed(4)}  ${(distances / nq).toFixed(0).padStart(6)} distances/query  ${((nq / ms) * 1000).toFixed(0).padStart(6)} QPS`);
  }
}
