/**
 * The combined recall / QPS chart (`npm run bench -- chart`): every system on the same GloVe
 * rows and queries (the ann-benchmarks-style split, cosine, k = 10), one curve each, written as
 * one SVG (bench/support/svg_chart.ts) and printed as tables:
 *
 *   vecgres HNSW        access-method level, ef_search sweep (m 16, ef_construction 64)
 *   vecgres IVFFlat     access-method level, probes sweep (lists = rows / 1000, at least 10)
 *   hnswlib-node        C++ hnswlib, same m / ef_construction, ef sweep
 *   PGlite + pgvector   HNSW in PostgreSQL 18 + pgvector 0.8.7 (WebAssembly), in process, on the
 *                       first --pglite-queries queries (its SQL round trip makes it the slowest)
 *   native pgvector     HNSW and IVFFlat in PostgreSQL + pgvector over loopback TCP, when
 *                       PGVECTOR_URL is set (IVFFlat forced with enable_seqscan = off)
 *
 * All systems are built first, then for each sweep step every system runs --reps passes, the
 * systems taking turns pass by pass so load from elsewhere on the machine hits them alike; QPS
 * is each system's median pass. One query at a time, single client.
 */
import { loadGlove } from '../src/cli/glove.js';
import { HnswlibPeer } from './peers/hnswlib.js';
import { PgliteIvfPeer, VecgresIvfPeer, type IvfPeer } from './peers/ivfflat.js';
import { NativePgvectorPeer } from './peers/native_pgvector.js';
import type { BenchData, BuildReport, Peer } from './peers/peer.js';
import { PglitePeer } from './peers/pglite.js';
import { VecgresAmPeer } from './peers/vecgres-am.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';
import { writeChart } from './support/chart_file.js';
import { loadAverage, machineLine } from './support/machine.js';
import { formatBytes } from './support/memory.js';
import { nowMs } from './support/timing.js';
import { exactKnn, recallAtK, type GroundTruth } from './support/truth.js';
import { formatNumber, type ChartSeries } from './support/svg_chart.js';

const K = 10;
const M = 16;
const EF_CONSTRUCTION = 64;

const SYSTEMS = ['vecgres-hnsw', 'vecgres-ivfflat', 'hnswlib', 'pglite-hnsw', 'pglite-ivfflat', 'pgvector-hnsw', 'pgvector-ivfflat'] as const;

const SPECS = {
  rows: { kind: 'number', default: 100000, help: 'base rows of the GloVe split (340479: all)' },
  queries: { kind: 'number', default: 1000, help: 'held-out queries' },
  pgliteQueries: { kind: 'number', default: 200, help: 'the first N queries for the PGlite systems' },
  ef: { kind: 'numbers', default: [10, 20, 40, 80, 120, 200, 400], help: 'hnsw.ef_search sweep' },
  probes: { kind: 'numbers', default: [1, 2, 4, 8, 16, 32], help: 'ivfflat.probes sweep' },
  lists: { kind: 'number', default: 0, help: 'IVFFlat lists (0: rows / 1000, at least 10)' },
  reps: { kind: 'number', default: 3, help: 'query passes per system and setting (the median is reported)' },
  systems: { kind: 'strings', default: ['vecgres-hnsw', 'vecgres-ivfflat', 'hnswlib', 'pglite-hnsw', 'pgvector-hnsw', 'pgvector-ivfflat'], help: `systems, of ${SYSTEMS.join(', ')} (pgvector-*: when PGVECTOR_URL is set)` },
  svg: { kind: 'string', metavar: 'PATH', default: 'bench/results/chart.svg', help: 'where to write the chart' },
  note: { kind: 'string', default: '', help: 'a line added under the chart title (e.g. what else ran on the machine)' },
} satisfies OptionSpecs;

/** A system under the chart: a build, then searches at each value of one knob. */
interface SweepSystem {
  name: string;
  /** `ef_search` or `probes`. */
  knob: string;
  values: number[];
  /** Queries it runs: the first `nq` of the split. */
  nq: number;
  build(data: BenchData): Promise<BuildReport>;
  set(value: number): Promise<void>;
  search(qi: number, k: number, out: Int32Array, outOff: number): void | Promise<void>;
  dispose(): Promise<void>;
}

function hnswSystem(name: string, peer: Peer, efs: number[], nq: number): SweepSystem {
  return {
    name, knob: 'ef_search', values: efs, nq,
    build: (d) => peer.build(d, M, EF_CONSTRUCTION),
    set: (v) => peer.setEf(v),
    search: (qi, k, out, off) => peer.search(qi, k, out, off),
    dispose: () => peer.dispose(),
  };
}

function ivfSystem(name: string, peer: IvfPeer, lists: number, probes: number[], nq: number): SweepSystem {
  return {
    name, knob: 'probes', values: probes, nq,
    build: (d) => peer.build(d, lists),
    set: (v) => peer.setProbes(v),
    search: (qi, k, out, off) => peer.search(qi, k, out, off),
    dispose: () => peer.dispose(),
  };
}

function nativeSystem(peer: NativePgvectorPeer, knob: string, values: number[], nq: number): SweepSystem {
  return {
    name: peer.name, knob, values, nq,
    build: (d) => peer.build(d),
    set: (v) => peer.setKnob(v),
    search: (qi, k, out, off) => peer.search(qi, k, out, off),
    dispose: () => peer.dispose(),
  };
}

interface Measured {
  value: number;
  recall: number;
  qps: number;
}

/** Entry point: `npm run bench -- chart ...`. */
export async function benchChart(args: string[]): Promise<void> {
  const o = parseBenchArgs('chart', 'recall@10 / QPS of every system on the same GloVe rows and queries, as one SVG chart and tables.', SPECS, args);
  for (const s of o.systems) if (!(SYSTEMS as readonly string[]).includes(s)) throw new Error(`--systems: unknown system ${s}; systems: ${SYSTEMS.join(', ')}`);
  const machine = machineLine();
  const t = nowMs();
  const glove = loadGlove({ rows: o.rows, queries: o.queries });
  const data: BenchData = { dim: glove.dim, base: glove.base, rows: glove.base.length / glove.dim, queries: glove.queries, nq: glove.queries.length / glove.dim };
  const lists = o.lists > 0 ? o.lists : Math.max(10, Math.round(data.rows / 1000));
  const pgliteQueries = Math.min(o.pgliteQueries, data.nq);
  console.log(`GloVe ${data.rows} x ${data.dim} base, ${data.nq} queries (loaded in ${((nowMs() - t) / 1000).toFixed(1)} s); ${machine}`);
  const truth: GroundTruth = exactKnn(data.base, data.queries, data.dim, 100, 'cosine', 'glove100');

  const url = process.env['PGVECTOR_URL'] ?? '';
  const want = (s: string): boolean => o.systems.includes(s);
  const systems: SweepSystem[] = [];
  if (want('vecgres-hnsw')) systems.push(hnswSystem('vecgres HNSW', new VecgresAmPeer('cosine'), o.ef, data.nq));
  if (want('vecgres-ivfflat')) systems.push(ivfSystem('vecgres IVFFlat', new VecgresIvfPeer(), lists, o.probes, data.nq));
  if (want('hnswlib')) systems.push(hnswSystem('hnswlib-node (C++)', new HnswlibPeer(), o.ef, data.nq));
  if (want('pglite-hnsw')) systems.push(hnswSystem('PGlite + pgvector HNSW', new PglitePeer('cosine'), o.ef, pgliteQueries));
  if (want('pglite-ivfflat')) systems.push(ivfSystem('PGlite + pgvector IVFFlat', new PgliteIvfPeer(), lists, o.probes, pgliteQueries));
  const natives: NativePgvectorPeer[] = [];
  if (url !== '') {
    if (want('pgvector-hnsw')) natives.push(new NativePgvectorPeer(url, 'hnsw', { m: M, efConstruction: EF_CONSTRUCTION }));
    if (want('pgvector-ivfflat')) natives.push(new NativePgvectorPeer(url, 'ivfflat', { lists }));
    for (const p of natives) systems.push(nativeSystem(p, p.name.endsWith('HNSW') ? 'ef_search' : 'probes', p.name.endsWith('HNSW') ? o.ef : o.probes, data.nq));
  } else if (want('pgvector-hnsw') || want('pgvector-ivfflat')) {
    console.log('PGVECTOR_URL is not set: native pgvector left out');
  }

  const builds: BuildReport[] = [];
  for (const s of systems) {
    console.log(`${s.name}: building over ${data.rows} rows...`);
    builds.push(await s.build(data));
    console.log(`${s.name}: built in ${builds[builds.length - 1]!.seconds.toFixed(1)} s, ${formatBytes(builds[builds.length - 1]!.indexBytes)}`);
  }
  const loadStart = loadAverage();
  const found = new Int32Array(data.nq * K);
  // Warm-up (JIT, caches, prepared statements), untimed.
  for (const s of systems) {
    await s.set(s.values[0]!);
    for (let q = 0; q < Math.min(s.nq, 100); q++) await s.search(q, K, found, q * K);
  }
  const results: Measured[][] = systems.map(() => []);
  const steps = Math.max(...systems.map((s) => s.values.length));
  for (let step = 0; step < steps; step++) {
    const passes: number[][] = systems.map(() => []);
    const recalls: number[] = systems.map(() => 0);
    for (let r = 0; r < o.reps; r++) {
      for (let i = 0; i < systems.length; i++) {
        const s = systems[i]!;
        if (step >= s.values.length) continue;
        await s.set(s.values[step]!);
        const t0 = nowMs();
        for (let q = 0; q < s.nq; q++) {
          const res = s.search(q, K, found, q * K);
          if (res instanceof Promise) await res;
        }
        passes[i]!.push(nowMs() - t0);
        recalls[i] = recallAtK(truth, found.subarray(0, s.nq * K), K);
      }
    }
    for (let i = 0; i < systems.length; i++) {
      const s = systems[i]!;
      if (step >= s.values.length) continue;
      const ms = passes[i]!.sort((a, b) => a - b)[passes[i]!.length >> 1]!;
      results[i]!.push({ value: s.values[step]!, recall: recalls[i]!, qps: (s.nq / ms) * 1000 });
      console.log(`  ${s.name} ${s.knob} ${s.values[step]}: recall@10 ${recalls[i]!.toFixed(4)}, ${(s.nq / ms * 1000).toFixed(0)} QPS`);
    }
  }
  const loadEnd = loadAverage();
  const versions = natives.map((p) => p.version).filter((v, i, a) => v !== '' && a.indexOf(v) === i);
  for (const s of systems) await s.dispose();

  const series: ChartSeries[] = systems.map((s, i) => ({
    name: s.name,
    points: results[i]!.map((m) => ({ recall: m.recall, qps: m.qps, label: `${s.knob} ${m.value}` })),
  }));
  const subsetNote = systems.some((s) => s.nq < data.nq) ? `; PGlite on the first ${pgliteQueries} queries` : '';
  const subtitle = [
    machine,
    `HNSW m = ${M}, ef_construction = ${EF_CONSTRUCTION}, ef_search ${o.ef.join(', ')}; IVFFlat lists = ${lists}, probes ${o.probes.join(', ')}${subsetNote}`,
    `One query at a time; QPS = median of ${o.reps} passes taken in turns; 1-min load ${loadStart} -> ${loadEnd} during the queries (shared machine: QPS is noisy)`,
  ];
  if (versions.length > 0) subtitle.push(`native: ${versions.join(', ')}, over loopback TCP (node-postgres, prepared statement); its IVFFlat forced with enable_seqscan = off`);
  if (o.note !== '') subtitle.push(o.note);
  writeChart(o.svg, {
    title: `GloVe 100-d, ${formatNumber(data.rows)} rows, ${formatNumber(data.nq)} queries, recall@${K} vs QPS, cosine`,
    subtitle,
    series,
  });

  console.log(`\n## Recall@${K} / QPS, GloVe ${data.rows} rows, ${data.nq} queries, cosine\n`);
  for (const line of subtitle) console.log(`${line}  `);
  console.log('\n| system | build s | index bytes |');
  console.log('|---|---|---|');
  for (let i = 0; i < systems.length; i++) console.log(`| ${systems[i]!.name} | ${builds[i]!.seconds.toFixed(1)} | ${formatBytes(builds[i]!.indexBytes)} |`);
  console.log('\n| system | setting | recall@10 | QPS |');
  console.log('|---|---|---|---|');
  for (let i = 0; i < systems.length; i++) {
    for (const m of results[i]!) console.log(`| ${systems[i]!.name} | ${systems[i]!.knob} ${m.value} | ${m.recall.toFixed(4)} | ${formatNumber(m.qps)} |`);
  }
  console.log(`\nchart: ${o.svg}`);
}
