/**
 * The HNSW build benchmark: GloVe 100-d (the ann-benchmarks-style split of bench/hnsw.ts),
 * cosine, m = 16, ef_construction = 64. vecgres builds with 1 participant (serial) and with 2
 * (`max_parallel_maintenance_workers` = 1: the calling thread and one pool worker), and
 * hnswlib-node builds single-threaded beside them; each build is then searched at a few
 * ef_search values for recall@10 (against exact search) and QPS, so the parallel graph's
 * quality is measured, not assumed. With PGVECTOR_URL set, native PostgreSQL + pgvector builds
 * the same rows with max_parallel_maintenance_workers = 0 and = 2 (maintenance_work_mem 2 GB,
 * so the graph is built in memory, where pgvector's parallel build runs).
 *
 *   npm run bench -- build [--rows N] [--queries N] [--ef 10,20,...] [--workers 0,1]
 *                          [--peers vecgres,hnswlib,pgvector] [--svg PATH]
 *
 * Writes the recall@10 / QPS chart of the builds to --svg (bench/support/svg_chart.ts); native
 * pgvector's builds are timed, not searched, so they are not on it.
 *
 * The builds run one after another in one process; on a machine shared with other work, the
 * ratios are noisy (a build's time depends on how many cores are free while it runs): compare
 * runs on a quiet machine.
 */
import { loadGlove } from '../src/cli/glove.js';
import { WorkerPool } from '../src/kernels/workers.js';
import { HnswlibPeer } from './peers/hnswlib.js';
import type { BenchData, Peer } from './peers/peer.js';
import { PostgresSqlPeer } from './peers/sql-peer.js';
import { VecgresAmPeer } from './peers/vecgres-am.js';
import { collectGarbage, formatBytes, sampleMemory } from './support/memory.js';
import { nowMs } from './support/timing.js';
import { exactKnn, recallAtK } from './support/truth.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';
import { writeChart } from './support/chart_file.js';
import { loadAverage, machineLine } from './support/machine.js';
import { formatNumber } from './support/svg_chart.js';

const K = 10;
const M = 16;
const EF_CONSTRUCTION = 64;

const SPECS = {
  rows: { kind: 'number', default: 340479, help: 'base rows of the GloVe split' },
  queries: { kind: 'number', default: 1000, help: 'held-out queries' },
  ef: { kind: 'numbers', default: [10, 20, 40, 80, 160], help: 'hnsw.ef_search values each build is searched at' },
  workers: { kind: 'numbers', default: [0, 1], help: 'max_parallel_maintenance_workers of the vecgres builds (0: serial)' },
  peers: { kind: 'strings', default: ['vecgres', 'hnswlib', 'pgvector'], help: 'systems, of vecgres, hnswlib, pgvector (pgvector: when PGVECTOR_URL is set)' },
  svg: { kind: 'string', metavar: 'PATH', default: 'bench/results/build.svg', help: 'where to write the recall@10 / QPS chart of the builds ("": none)' },
} satisfies OptionSpecs;

interface Row {
  system: string;
  seconds: number;
  /** CPU seconds of the process over the build (all threads). */
  cpuSeconds: number;
  indexBytes: number;
  rssGrowth: number;
  maxRss: number;
  /** Per ef: recall@10 and QPS. */
  efs: Array<{ ef: number; recall: number; qps: number }>;
}

async function measure(peer: Peer, data: BenchData, truth: ReturnType<typeof exactKnn>, efs: number[], log: (s: string) => void): Promise<Row> {
  collectGarbage();
  const before = sampleMemory();
  const cpu0 = process.cpuUsage();
  log(`${peer.name}: building over ${data.rows} rows...`);
  const build = await peer.build(data, M, EF_CONSTRUCTION);
  const cpu = process.cpuUsage(cpu0);
  collectGarbage();
  const after = sampleMemory();
  log(`${peer.name}: built in ${build.seconds.toFixed(1)} s (${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU s), ${formatBytes(build.indexBytes)}`);
  const found = new Int32Array(data.nq * K);
  for (let q = 0; q < Math.min(200, data.nq); q++) await peer.search(q, K, found, q * K);
  const out: Row['efs'] = [];
  for (const ef of efs) {
    await peer.setEf(ef);
    const t = nowMs();
    for (let q = 0; q < data.nq; q++) {
      const r = peer.search(q, K, found, q * K);
      if (r instanceof Promise) await r;
    }
    const ms = nowMs() - t;
    out.push({ ef, recall: recallAtK(truth, found, K), qps: (data.nq / ms) * 1000 });
    log(`  ef ${ef}: recall@10 ${out[out.length - 1]!.recall.toFixed(4)}, ${out[out.length - 1]!.qps.toFixed(0)} QPS`);
  }
  await peer.dispose();
  return {
    system: peer.name, seconds: build.seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, indexBytes: build.indexBytes,
    rssGrowth: after.rss - before.rss, maxRss: after.maxRss, efs: out,
  };
}

/** Native PostgreSQL + pgvector: load the rows, then time CREATE INDEX per worker setting. */
async function nativeBuilds(url: string, data: BenchData, log: (s: string) => void): Promise<Array<{ system: string; seconds: number }>> {
  const pg = await PostgresSqlPeer.create(url);
  const out: Array<{ system: string; seconds: number }> = [];
  try {
    await pg.exec('CREATE TABLE items (id integer PRIMARY KEY, v vector(' + data.dim + '))');
    const batch = 2000;
    for (let r = 0; r < data.rows; r += batch) {
      const n = Math.min(batch, data.rows - r);
      const ids: number[] = [];
      const vs: string[] = [];
      for (let i = r; i < r + n; i++) {
        ids.push(i);
        vs.push('[' + Array.from(data.base.subarray(i * data.dim, (i + 1) * data.dim)).join(',') + ']');
      }
      await pg.query('INSERT INTO items SELECT * FROM unnest($1::int[], $2::vector[])', [ids, vs]);
    }
    log(`${pg.version}: ${data.rows} rows loaded`);
    await pg.exec("SET maintenance_work_mem = '2GB'");
    for (const workers of [0, 2]) {
      await pg.exec(`SET max_parallel_maintenance_workers = ${workers}`);
      const t = nowMs();
      await pg.exec(`CREATE INDEX items_v ON items USING hnsw (v vector_cosine_ops) WITH (m = ${M}, ef_construction = ${EF_CONSTRUCTION})`);
      const seconds = (nowMs() - t) / 1000;
      await pg.exec('DROP INDEX items_v');
      out.push({ system: `native pgvector, max_parallel_maintenance_workers = ${workers}`, seconds });
      log(`${out[out.length - 1]!.system}: built in ${seconds.toFixed(1)} s`);
    }
  } finally {
    await pg.close();
  }
  return out;
}

/** Entry point: `npm run bench -- build ...`. */
export async function benchBuild(args: string[]): Promise<void> {
  const o = parseBenchArgs('build', 'HNSW build on 1 and 2 participants vs hnswlib-node (and native pgvector), recall@10 / QPS of each build.', SPECS, args);
  const machine = machineLine();
  const log = (s: string) => console.log(s);
  const glove = loadGlove({ rows: o.rows, queries: o.queries });
  const data: BenchData = { dim: glove.dim, base: glove.base, rows: glove.base.length / glove.dim, queries: glove.queries, nq: glove.queries.length / glove.dim };
  log(`GloVe ${data.rows} x ${data.dim} base, ${data.nq} queries; pool of ${WorkerPool.shared().size} worker(s)`);
  const truth = exactKnn(data.base, data.queries, data.dim, 100, 'cosine', 'glove100');
  const rows: Row[] = [];
  if (o.peers.includes('vecgres')) for (const w of o.workers) rows.push(await measure(new VecgresAmPeer('cosine', 'vector', w), data, truth, o.ef, log));
  if (o.peers.includes('hnswlib')) rows.push(await measure(new HnswlibPeer(), data, truth, o.ef, log));
  const url = process.env['PGVECTOR_URL'];
  const native = o.peers.includes('pgvector') && url !== undefined && url !== '' ? await nativeBuilds(url, data, log) : [];

  if (o.svg !== '') {
    writeChart(o.svg, {
      title: `HNSW builds, GloVe 100-d, ${formatNumber(data.rows)} rows, ${formatNumber(data.nq)} queries, recall@${K} vs QPS, cosine`,
      subtitle: [
        machine,
        `m = ${M}, ef_construction = ${EF_CONSTRUCTION}, ef_search ${o.ef.join(', ')}; one query at a time, one pass; build seconds in the legend; load ${loadAverage()} at the end (shared machine: noisy)`,
      ],
      series: rows.map((r) => ({ name: `${r.system}, build ${r.seconds.toFixed(1)} s`, points: r.efs.map((e) => ({ recall: e.recall, qps: e.qps, label: `ef_search ${e.ef}` })) })),
    });
  }
  console.log(`\n## HNSW build, GloVe ${data.rows} x ${data.dim}, cosine, m = ${M}, ef_construction = ${EF_CONSTRUCTION}\n`);
  console.log('| system | build s | CPU s | index bytes | RSS growth | peak RSS |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.system} | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${formatBytes(r.indexBytes)} | ${formatBytes(r.rssGrowth)} | ${formatBytes(r.maxRss)} |`);
  for (const n of native) console.log(`| ${n.system} | ${n.seconds.toFixed(2)} | - | - | - | - |`);
  console.log(`\n| ef_search | ${rows.map((r) => `${r.system} recall@10 / QPS`).join(' | ')} |`);
  console.log(`|---|${rows.map(() => '---').join('|')}|`);
  for (let i = 0; i < o.ef.length; i++) console.log(`| ${o.ef[i]} | ${rows.map((r) => `${r.efs[i]!.recall.toFixed(4)} / ${r.efs[i]!.qps.toFixed(0)}`).join(' | ')} |`);
  const serial = rows.find((r) => r.system === 'vecgres');
  const par = rows.find((r) => r.system.startsWith('vecgres ('));
  const lib = rows.find((r) => r.system === 'hnswlib-node');
  if (serial !== undefined && par !== undefined) {
    const maxGap = Math.max(...serial.efs.map((e, i) => e.recall - par.efs[i]!.recall));
    console.log(`\n${par.system}: ${(serial.seconds / par.seconds).toFixed(2)}x faster than 1 (target >= 1.7x); recall@10 at most ${maxGap.toFixed(4)} below the serial build's (target <= 0.005)`);
  }
  if (par !== undefined && lib !== undefined) console.log(`${par.system}: ${(par.seconds / lib.seconds).toFixed(2)}x hnswlib-node's build time (target <= 0.6x)`);
  for (const n of native) if (par !== undefined) console.log(`${par.system}: ${(par.seconds / n.seconds).toFixed(2)}x the time of ${n.system}`);
}
