/**
 * Ordered HNSW scans (pgvector hnswscan.c). With hnsw.iterative_scan = off, one search returns
 * the hnsw.ef_search nearest it finds, which bounds the rows the scan can produce, exactly as
 * pgvector. With relaxed_order or strict_order the scan keeps its visited set and the
 * candidates the search discarded, and on demand resumes from the nearest of them (pgvector
 * 0.8 ResumeScanItems) until hnsw.max_scan_tuples nodes have been visited; strict_order drops
 * rows that would come out closer than one already returned.
 *
 * Not modelled: hnsw.scan_mem_multiplier (pgvector stops when the scan's memory exceeds
 * work_mem times it); here the visited set and heaps are preallocated per graph, so only
 * max_scan_tuples bounds a scan.
 */
import type { IndexScan, ScanOptions, ScanStats } from '../am.js';
import { hnswKernel, MODE_KEEP_DISCARDED } from './kernel.js';
import { GUC_EF_SEARCH, GUC_ITERATIVE_SCAN, GUC_MAX_SCAN_TUPLES, type IterativeScan } from './options.js';
import type { Scratch } from './scratch.js';
import type { HnswState } from './state.js';
import { arena } from '../../kernels/arena.js';
import { FLAG_DELETED, N_FLAGS, N_ROW } from './layout.js';

export class HnswScan implements IndexScan {
  private readonly ef: number;
  private readonly mode: IterativeScan;
  private readonly maxTuples: number;
  /** The prepared query (normalized for cosine), copied into a scratch before each search. */
  private readonly query: Float32Array;
  private readonly queryZero: boolean;
  private scratch: Scratch | null = null;
  private started = false;
  private done = false;
  /** The current batch: node ids and internal distances, ascending. */
  private batchNodes: Int32Array;
  private batchDist: Float32Array;
  private batchLen = 0;
  private batchPos = 0;
  private lastDistance = -Infinity;
  private readonly counters: ScanStats = { searches: 0, distanceComputations: 0, tuplesReturned: 0 };

  constructor(private readonly st: HnswState, q: Float32Array, private readonly opts: ScanOptions) {
    this.ef = Number(opts.gucs.get(GUC_EF_SEARCH));
    const mode = String(opts.gucs.get(GUC_ITERATIVE_SCAN)) as IterativeScan;
    this.mode = mode === 'off' && opts.continueScan === true ? 'relaxed_order' : mode;
    this.maxTuples = Number(opts.gucs.get(GUC_MAX_SCAN_TUPLES));
    const dimP = st.graph.dimP;
    this.query = new Float32Array(dimP);
    let s = 0;
    for (let i = 0; i < st.dim; i++) s += q[i]! * q[i]!;
    const scale = st.normalize && s > 0 ? 1 / Math.sqrt(s) : 1;
    for (let i = 0; i < st.dim; i++) this.query[i] = q[i]! * scale;
    // pgvector's cosine distance to a zero query is NaN for every row; ordering is arbitrary.
    this.queryZero = st.normalize && !(s > 0);
    this.batchNodes = new Int32Array(this.ef);
    this.batchDist = new Float32Array(this.ef);
  }

  next(rowIds: Int32Array, distances: Float64Array): number {
    const cap = Math.min(rowIds.length, distances.length);
    let n = 0;
    const st = this.st;
    const graph = st.graph;
    const strict = this.mode === 'strict_order';
    let words = arena.i32();
    while (n < cap) {
      if (this.batchPos === this.batchLen) {
        if (!this.fetch()) break;
        words = arena.i32();
      }
      const node = this.batchNodes[this.batchPos]!;
      const d = this.batchDist[this.batchPos++]!;
      const h = graph.hdrWord(node);
      if ((words[h + N_FLAGS]! & FLAG_DELETED) !== 0) continue;
      const rowId = words[h + N_ROW]!;
      if (!this.opts.isLive(rowId)) continue;
      if (strict) {
        if (d < this.lastDistance) continue;
        this.lastDistance = d;
      }
      rowIds[n] = rowId;
      distances[n] = this.queryZero ? NaN : st.toSqlDistance(d);
      n++;
    }
    this.counters.tuplesReturned += n;
    return n;
  }

  stats(): ScanStats {
    return { ...this.counters };
  }

  close(): void {
    this.releaseScratch();
    this.done = true;
  }

  /** Loads the next batch; false when the scan is exhausted. */
  private fetch(): boolean {
    if (this.done) return false;
    const st = this.st;
    const g = st.graph;
    const iterative = this.mode !== 'off';
    if (!this.started) {
      this.started = true;
      if (g.count === 0) return this.finish();
      const sc = st.pool.acquire(g.count);
      arena.f32().set(this.query, sc.q >>> 2);
      const n = hnswKernel.search(g.g, sc.s, sc.q, this.ef, iterative ? MODE_KEEP_DISCARDED : 0);
      this.counters.searches++;
      this.take(sc, n);
      if (iterative) this.scratch = sc;
      else {
        st.pool.release(sc);
        this.done = true;
      }
      return n > 0;
    }
    const sc = this.scratch;
    if (sc === null) return false;
    for (;;) {
      if (sc.tuples >= this.maxTuples || sc.discardedSize === 0) return this.finish();
      const before = sc.distanceCount;
      const n = hnswKernel.resume(g.g, sc.s, sc.q, this.ef);
      this.counters.distanceComputations += sc.distanceCount - before;
      this.counters.searches++;
      if (n === 0) return this.finish();
      this.take(sc, n, false);
      return true;
    }
  }

  private take(sc: Scratch, n: number, countDistances = true): void {
    if (n > this.batchNodes.length) {
      this.batchNodes = new Int32Array(n);
      this.batchDist = new Float32Array(n);
    }
    const w = sc.outWord();
    const f = arena.f32();
    const i = arena.i32();
    for (let k = 0; k < n; k++) {
      this.batchDist[k] = f[w + 2 * k]!;
      this.batchNodes[k] = i[w + 2 * k + 1]!;
    }
    this.batchLen = n;
    this.batchPos = 0;
    if (countDistances) this.counters.distanceComputations += sc.distanceCount;
  }

  private finish(): boolean {
    this.releaseScratch();
    this.done = true;
    return false;
  }

  private releaseScratch(): void {
    if (this.scratch !== null) {
      this.st.pool.release(this.scratch);
      this.scratch = null;
    }
  }
}
