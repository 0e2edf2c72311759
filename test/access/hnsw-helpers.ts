// Shared helpers for the HNSW tests: seeded data, exact search, building and scanning.
import { Prng } from '../../src/common/prng.js';
import type { GucReader, GucValue } from '../../src/common/guc.js';
import type { Metric, VectorIndex } from '../../src/access/am.js';
import { hnswAm } from '../../src/access/hnsw/index.js';
import { cosineDistanceRef, dotRef, l1Ref, l2SquaredRef } from '../../src/kernels/reference.js';

/** rows x dim values, roughly normal (sum of uniforms), from `seed`. */
export function randomMatrix(rows: number, dim: number, seed: number): Float32Array {
  const p = new Prng(seed);
  const a = new Float32Array(rows * dim);
  for (let i = 0; i < a.length; i++) a[i] = p.next() + p.next() + p.next() - 1.5;
  return a;
}

/** The SQL operator's value, as pgvector computes it. */
export function exactDistance(metric: Metric, a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  switch (metric) {
    case 'l2':
      return Math.sqrt(l2SquaredRef(a, aOff, b, bOff, dim));
    case 'ip':
      return -dotRef(a, aOff, b, bOff, dim);
    case 'cosine':
      return cosineDistanceRef(a, aOff, b, bOff, dim);
    case 'l1':
      return l1Ref(a, aOff, b, bOff, dim);
    default:
      throw new Error(metric);
  }
}

/** The k nearest row indices of query q (exact), ties by index. */
export function exactTopK(metric: Metric, base: Float32Array, queries: Float32Array, q: number, dim: number, k: number, live?: (i: number) => boolean): number[] {
  const rows = base.length / dim;
  const d: Array<[number, number]> = [];
  for (let i = 0; i < rows; i++) if (live === undefined || live(i)) d.push([exactDistance(metric, queries, q * dim, base, i * dim, dim), i]);
  d.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return d.slice(0, k).map((x) => x[1]);
}

export function gucs(values: Record<string, GucValue> = {}): GucReader {
  const all: Record<string, GucValue> = {
    'hnsw.ef_search': 40,
    'hnsw.iterative_scan': 'off',
    'hnsw.max_scan_tuples': 20000,
    'hnsw.scan_mem_multiplier': 1,
    work_mem: 4096,
    ...values,
  };
  return {
    get(name: string) {
      if (!(name in all)) throw new Error(`unknown setting ${name}`);
      return all[name]!;
    },
  };
}

export function buildIndex(metric: Metric, base: Float32Array, dim: number, opts: { m?: number; efConstruction?: number; seed?: number; rows?: number } = {}): VectorIndex {
  const opclass = hnswAm.opclasses.find((o) => o.metric === metric)!;
  const raw = new Map<string, string>();
  if (opts.m !== undefined) raw.set('m', String(opts.m));
  if (opts.efConstruction !== undefined) raw.set('ef_construction', String(opts.efConstruction));
  const rows = opts.rows ?? base.length / dim;
  return hnswAm.build({
    dim,
    opclass,
    options: hnswAm.parseOptions(raw, dim),
    rowCount: rows,
    seed: opts.seed ?? 7,
    forEachRow(fn) {
      for (let i = 0; i < rows; i++) fn(i, base.subarray(i * dim, (i + 1) * dim));
    },
  });
}

/** Runs one scan to exhaustion (or `limit` rows); returns row ids and distances. */
export function scanAll(index: VectorIndex, q: Float32Array, g: GucReader, limit: number, isLive: (r: number) => boolean = () => true): { ids: number[]; dists: number[]; searches: number } {
  const scan = index.beginScan(q, { gucs: g, limit, isLive });
  const ids: number[] = [];
  const dists: number[] = [];
  const bi = new Int32Array(16);
  const bd = new Float64Array(16);
  while (ids.length < limit) {
    const n = scan.next(bi, bd);
    if (n === 0) break;
    for (let j = 0; j < n && ids.length < limit; j++) {
      ids.push(bi[j]!);
      dists.push(bd[j]!);
    }
  }
  const searches = scan.stats().searches;
  scan.close();
  return { ids, dists, searches };
}

/** recall@k of `index` over the queries against exact search. */
export function recall(metric: Metric, index: VectorIndex, base: Float32Array, queries: Float32Array, dim: number, k: number, g: GucReader): number {
  const nq = queries.length / dim;
  let hits = 0;
  for (let q = 0; q < nq; q++) {
    const want = new Set(exactTopK(metric, base, queries, q, dim, k));
    const got = scanAll(index, queries.subarray(q * dim, (q + 1) * dim), g, k).ids;
    for (const id of got) if (want.has(id)) hits++;
  }
  return hits / (nq * k);
}
