/**
 * An HNSW index in partitions (access/hnsw/partitions.ts) against the same rows in one graph:
 * the index is built once in a memory of the default size (one graph), then again with the
 * process's memories capped at --memory-mib, which splits it into partitions. Prints per build
 * its wall and CPU seconds, partitions and bytes, and per ef_search recall@10 against exact
 * search, distance computations per query and QPS (one thread, queries one after another).
 *
 *   npm run bench -- partitions [--rows N] [--dims 1536] [--queries N] [--memory-mib 256]
 *                               [--ef 10,20,...] [--workers N]
 *                               [--checkpoint] [--ckpt-rows N] [--ckpt-dims N] [--ckpt-memory-mib N] [--updates N]
 *
 * Data: SYNTHETIC, the rows of bench/scale.ts (GloVe 100-d lifted to --dims by a fixed
 * orthonormal map plus 10% noise). Cosine, m = 16, ef_construction = 64; --workers adds pool
 * workers to each build as CREATE INDEX does (max_parallel_maintenance_workers).
 *
 * Then (alone with --checkpoint) the bytes a CHECKPOINT writes after --updates UPDATEs of a
 * partitioned index, through SQL on an in-memory data directory: --ckpt-rows rows of
 * --ckpt-dims SYNTHETIC uniform random dimensions in memories of --ckpt-memory-mib MiB (3
 * partitions at the defaults), cosine, m = 16, ef_construction = 64; the index's whole save
 * beside it (bench/support/checkpoint_bytes.ts).
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
import { checkpointAfterUpdates, checkpointLine } from './support/checkpoint_bytes.js';
import { Prng } from '../src/common/prng.js';
import { Vecgres } from '../src/index.js';
import { MemoryFs } from '../src/storage/fs_memory.js';

const K = 10;

const SPECS = {
  rows: { kind: 'number', default: 50_000, help: 'base rows' },
  dims: { kind: 'number', default: 1536, help: 'dimensions of the lifted rows' },
  queries: { kind: 'number', default: 200, help: 'held-out queries' },
  memoryMib: { kind: 'number', default: 256, help: 'cap on each memory for the partitioned build, MiB' },
  ef: { kind: 'numbers', default: [10, 20, 40, 80, 120, 200], help: 'hnsw.ef_search values' },
  workers: { kind: 'number', default: 0, help: 'pool workers each build may add (0: serial)' },
  checkpoint: { kind: 'flag', default: false, help: 'only the checkpoint measurement' },
  ckptRows: { kind: 'number', default: 20_000, help: 'rows of the checkpoint measurement' },
  ckptDims: { kind: 'number', default: 128, help: 'dimensions of the checkpoint measurement' },
  ckptMemoryMib: { kind: 'number', default: 8, help: 'cap on each memory for the checkpoint measurement, MiB' },
  updates: { kind: 'number', default: 1000, help: 'UPDATEs before the measured checkpoint' },
} satisfies OptionSpecs;

/** Entry point: `npm run bench -- partitions ...`. */
export async function benchPartitions(args: string[]): Promise<void> {
  const o = parseBenchArgs('partitions', 'HNSW partitions vs one graph on the same rows: build time, recall@10 and QPS per ef_search.', SPECS, args);
  const log = (s: string): void => console.log(s);
  log(`# partitions: ${machineLine()}, load average ${loadAverage()}`);
  if (o.checkpoint) {
    await checkpointBench(o.ckptRows, o.ckptDims, o.ckptMemoryMib, o.updates, log);
    return;
  }
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
  await checkpointBench(o.ckptRows, o.ckptDims, o.ckptMemoryMib, o.updates, log);
}

/** The checkpoint measurement of the module comment. */
async function checkpointBench(rows: number, dim: number, memoryMib: number, updates: number, log: (s: string) => void): Promise<void> {
  memories.memoryBytesMax = memoryMib * 2 ** 20;
  const p = new Prng(11);
  const vec = (): string => `[${Array.from({ length: dim }, () => (p.next() * 2 - 1).toFixed(4)).join(',')}]`;
  const db = await Vecgres.create('db', { storage: new MemoryFs() });
  try {
    await db.exec(`CREATE TABLE t (id int PRIMARY KEY, v vector(${dim}))`);
    for (let i = 0; i < rows; i += 500) {
      const vals: string[] = [];
      for (let r = i; r < Math.min(rows, i + 500); r++) vals.push(`(${r}, '${vec()}')`);
      await db.exec(`INSERT INTO t VALUES ${vals.join(',')}`);
    }
    await db.exec('CREATE INDEX t_v ON t USING hnsw (v vector_cosine_ops) WITH (m = 16, ef_construction = 64)');
    const ix = db.database.indexes.get('t_v') as HnswIndex;
    const built = ix.partitions.length;
    const parts = ix.partitions.map((st) => st.graph.count).join(' + ');
    const ids = new Set<number>();
    while (ids.size < Math.min(updates, rows)) ids.add(p.int(rows));
    const order = [...ids];
    const r = await checkpointAfterUpdates(db, 't_v', order.length, (k) => db.exec(`UPDATE t SET v = '${vec()}' WHERE id = ${order[k]}`).then(() => undefined));
    log(`SYNTHETIC uniform random ${dim}-d, ${rows} rows, memories of ${memoryMib} MiB: ${built} partition(s) at the build (${parts} rows), ${ix.partitions.length} after the updates`);
    log(checkpointLine(order.length, r));
  } finally {
    await db.close();
  }
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
