/**
 * Which neighbour lists keepPrunedConnections should fill: HNSW graphs built with each
 * neighbour-selection rule on the same rows, searched at the same ef_search values, beside
 * hnswlib-node. Prints, per rule, the build's CPU seconds (process.cpuUsage: the machine's
 * load disturbs it less than wall time), distance computations per insert, index bytes, and
 * per ef_search recall@10 against exact search, distance computations per query and QPS.
 * Recall at a given number of distance computations is load-independent, and so is the
 * distance count of a build.
 *
 *   npm run bench -- prune [--data glove|scale] [--rows N] [--dims 1536] [--queries N]
 *                          [--ef 10,20,...] [--rules 0,1,3] [--type vector|halfvec] [--no-hnswlib]
 *                          [--no-cache]
 *
 * Data: `glove` is the GloVe 100-d split of bench/hnsw.ts; `scale` the synthetic rows of
 * bench/scale.ts (GloVe lifted to --dims by a fixed orthonormal map plus 10% noise). Cosine,
 * m = 16, ef_construction = 64, serial builds with the neighbour-distance cache a CREATE INDEX
 * uses (--no-cache: without it).
 */
import { loadGlove } from '../src/cli/glove.js';
import type { GucReader, GucValue } from '../src/common/guc.js';
import type { VectorKey } from '../src/access/am.js';
import { hnswAm } from '../src/access/hnsw/index.js';
import { HnswIndex } from '../src/access/hnsw/hnsw-index.js';
import { insertVector } from '../src/access/hnsw/insert.js';
import { HnswState } from '../src/access/hnsw/state.js';
import { PRUNE_RULES } from '../src/access/hnsw/layout.js';
import { floatToHalf } from '../src/kernels/half.js';
import { HnswlibPeer } from './peers/hnswlib.js';
import { lift, liftMatrix } from './support/lift.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';
import { loadAverage, machineLine } from './support/machine.js';
import { nowMs } from './support/timing.js';
import { exactKnn, recallAtK } from './support/truth.js';

const K = 10;
const M = 16;
const EF_CONSTRUCTION = 64;

const SPECS = {
  data: { kind: 'string', metavar: 'glove|scale', default: 'scale', help: 'GloVe 100-d, or the synthetic lifted rows of bench/scale.ts' },
  rows: { kind: 'number', default: 10_000, help: 'base rows' },
  dims: { kind: 'number', default: 1536, help: 'dimensions of the lifted rows (--data scale)' },
  queries: { kind: 'number', default: 200, help: 'held-out queries' },
  ef: { kind: 'numbers', default: [10, 20, 40, 80, 120, 200, 400], help: 'hnsw.ef_search values' },
  rules: { kind: 'numbers', default: [0, 1, 3], help: 'neighbour-selection rules to build with (layout.ts PRUNE_RULES)' },
  type: { kind: 'string', metavar: 'vector|halfvec', default: 'vector', help: 'key type of the vecgres graphs' },
  noHnswlib: { kind: 'flag', default: false, help: 'skip hnswlib-node' },
  noCache: { kind: 'flag', default: false, help: 'build without the neighbour-distance cache (the same graphs, more distance computations)' },
} satisfies OptionSpecs;

interface Curve {
  name: string;
  cpuSeconds: number;
  distancesPerInsert: number | null;
  bytes: number;
  points: Array<{ ef: number; recall: number; distances: number | null; qps: number }>;
}

/** Entry point: `npm run bench -- prune ...`. */
export async function benchPrune(args: string[]): Promise<void> {
  const o = parseBenchArgs('prune', 'HNSW neighbour-selection rules: build CPU time and recall@10 per distance computation, vs hnswlib-node.', SPECS, args);
  const log = (s: string): void => console.log(s);
  log(`# prune: ${machineLine()}, load average ${loadAverage()}`);
  const glove = loadGlove({ rows: o.data === 'glove' ? o.rows : undefined, queries: o.queries });
  let dim = glove.dim;
  let base = glove.base;
  let queries = glove.queries;
  if (o.data === 'scale') {
    const m = liftMatrix(o.dims);
    base = lift(glove.base, o.rows, o.dims, m, 7);
    queries = lift(glove.queries, o.queries, o.dims, m, 8);
    dim = o.dims;
  }
  const rows = base.length / dim;
  const nq = queries.length / dim;
  log(`${o.data === 'scale' ? `SYNTHETIC (GloVe lifted to ${dim}-d + 10% noise)` : 'GloVe 100-d'}: ${rows} rows, ${nq} queries, cosine, m ${M}, ef_construction ${EF_CONSTRUCTION}, ${o.type}`);
  const truth = exactKnn(base, queries, dim, K, 'cosine');
  const curves: Curve[] = [];
  const key = (m: Float32Array, i: number): VectorKey => {
    const v = m.subarray(i * dim, (i + 1) * dim);
    return o.type === 'vector' ? v : Uint16Array.from(v, floatToHalf);
  };
  const keys: VectorKey[] = [];
  for (let i = 0; i < rows; i++) keys.push(key(base, i));
  const qkeys: VectorKey[] = [];
  for (let i = 0; i < nq; i++) qkeys.push(key(queries, i));

  for (const rule of o.rules) {
    const opclass = hnswAm.opclasses.find((c) => c.metric === 'cosine' && c.kind === o.type)!;
    const options = hnswAm.parseOptions(new Map([['m', String(M)], ['ef_construction', String(EF_CONSTRUCTION)]]), dim);
    const st = new HnswState(dim, opclass, options as never, 42, rows);
    st.graph.setPruneRule(rule);
    const sc = st.pool.acquire(rows);
    const cpu0 = process.cpuUsage();
    if (!o.noCache) st.graph.allocBuildCache(rows);
    for (let i = 0; i < rows; i++) insertVector(st, sc, i, keys[i]!);
    st.graph.freeBuildCache();
    const cpu = process.cpuUsage(cpu0);
    const dpi = sc.distanceCount / rows;
    st.pool.release(sc);
    const index = new HnswIndex(st);
    const settings = new Map<string, GucValue>([
      ['hnsw.ef_search', 40], ['hnsw.iterative_scan', 'off'], ['hnsw.max_scan_tuples', 20000], ['hnsw.scan_mem_multiplier', 1], ['work_mem', 4096],
    ]);
    const gucs: GucReader = { get: (n) => settings.get(n)! };
    const ids = new Int32Array(K);
    const dists = new Float64Array(K);
    const found = new Int32Array(nq * K);
    const curve: Curve = { name: `vecgres rule ${rule} (${PRUNE_RULES[rule] ?? '?'})${o.noCache ? ', no cache' : ''}`, cpuSeconds: (cpu.user + cpu.system) / 1e6, distancesPerInsert: dpi, bytes: index.sizeBytes(), points: [] };
    for (const ef of o.ef) {
      settings.set('hnsw.ef_search', ef);
      let distances = 0;
      const t = nowMs();
      for (let q = 0; q < nq; q++) {
        const scan = index.beginScan(qkeys[q]!, { gucs, limit: K, isLive: () => true });
        const n = scan.next(ids, dists);
        distances += scan.stats().distanceComputations;
        scan.close();
        for (let j = 0; j < K; j++) found[q * K + j] = j < n ? ids[j]! : -1;
      }
      const ms = nowMs() - t;
      curve.points.push({ ef, recall: recallAtK(truth, found, K), distances: distances / nq, qps: (nq / ms) * 1000 });
    }
    index.dispose();
    curves.push(curve);
    report(curve, log);
  }
  if (!o.noHnswlib) {
    const peer = new HnswlibPeer('cosine');
    const data = { dim, base, rows, queries, nq };
    const cpu0 = process.cpuUsage();
    const b = await peer.build(data, M, EF_CONSTRUCTION);
    const cpu = process.cpuUsage(cpu0);
    const curve: Curve = { name: 'hnswlib-node', cpuSeconds: (cpu.user + cpu.system) / 1e6, distancesPerInsert: null, bytes: b.indexBytes, points: [] };
    const found = new Int32Array(nq * K);
    for (const ef of o.ef) {
      await peer.setEf(ef);
      const t = nowMs();
      for (let q = 0; q < nq; q++) peer.search(q, K, found, q * K);
      const ms = nowMs() - t;
      curve.points.push({ ef, recall: recallAtK(truth, found, K), distances: null, qps: (nq / ms) * 1000 });
    }
    await peer.dispose();
    curves.push(curve);
    report(curve, log);
  }
  log(`load average after: ${loadAverage()}`);
}

function report(c: Curve, log: (s: string) => void): void {
  const dpi = c.distancesPerInsert === null ? '' : `, ${c.distancesPerInsert.toFixed(0)} distances/insert`;
  log(`${c.name}: build ${c.cpuSeconds.toFixed(2)} CPU s${dpi}, ${(c.bytes / 2 ** 20).toFixed(1)} MiB`);
  for (const p of c.points) {
    const d = p.distances === null ? '' : `  ${p.distances.toFixed(0).padStart(6)} distances/query`;
    log(`  ef ${String(p.ef).padStart(3)}: recall@10 ${p.recall.toFixed(4)}${d}  ${p.qps.toFixed(0).padStart(6)} QPS`);
  }
}
