/**
 * Ordered HNSW scans (pgvector hnswscan.c). With hnsw.iterative_scan = off, one search returns
 * the hnsw.ef_search nearest it finds, which bounds the rows the scan can produce, exactly as
 * pgvector. With relaxed_order or strict_order the scan keeps its visited set and the
 * candidates the search discarded, and on demand resumes from the nearest of them (pgvector
 * 0.8 ResumeScanItems) until hnsw.max_scan_tuples nodes have been visited or the scan's memory
 * passes work_mem * hnsw.scan_mem_multiplier; from then on it hands out the discarded
 * candidates it holds in distance order and stops (pgvector's "return remaining tuples"), so
 * a rare filter still gets the passing rows seen so far. strict_order drops rows that would
 * come out closer than one already returned.
 *
 * Two things pgvector has not (access/am.ts ScanOptions): a row filter, consulted by the
 * layer-0 search itself (ACORN-1, assembly/hnsw.ts), so every row returned passes; and
 * `exhaustive`, which continues the scan without a cap whatever the settings say.
 *
 * Memory: pgvector compares the bytes its scan context holds with the limit; here the visited
 * set and heaps are preallocated per graph, so the scan counts {@link SCAN_BYTES_PER_TUPLE}
 * per visited node, about what pgvector allocates for one (a search candidate, its pairing
 * heap node and its visited hash entry).
 */
import type { IndexScan, RowFilter, ScanOptions, ScanStats, VectorKey } from '../am.js';
import { scanMode } from './kernel.js';
import { GUC_EF_SEARCH, GUC_ITERATIVE_SCAN, GUC_MAX_SCAN_TUPLES, GUC_SCAN_MEM_MULTIPLIER, type IterativeScan } from './options.js';
import type { Scratch } from './scratch.js';
import type { HnswState } from './state.js';
import { PartitionSearchAhead } from './search_ahead.js';
import { EF_MAX, FLAG_DELETED, N_FLAGS, N_ROW } from './layout.js';

/**
 * The query as a scan of `st` copies it into its scratch: prepared for the opclass (cosine
 * normalizes) in the kernel's query format, a copy; null for a zero vector under cosine.
 * @throws PgError 22000 for NaN elements.
 */
export function scanQuery(st: HnswState, q: VectorKey): Uint8Array | null {
  const prepared = st.prepare(q);
  return prepared === null ? null : st.queryFormat(prepared).slice();
}

/** Bytes of scan memory one visited node stands for (see the module comment). */
export const SCAN_BYTES_PER_TUPLE = 64;

/**
 * The ef of an exhaustive scan whose caller keeps `keep` of the rows: ef / sqrt(keep), up to
 * EF_MAX. The rows kept are the first `limit` of about limit / keep returned, from deeper in
 * the search's list than an unfiltered query's, where a search of the same ef is less
 * accurate; widening the list by 1 / sqrt(keep) brings their recall back to the unfiltered
 * query's. Measured on GloVe 100-d, 100,000 rows, cosine, m = 16, 100 queries (recall@10 of
 * the rows kept; unfiltered 0.967 at ef 150, 0.940 at ef 100):
 *
 *     keep  ef   widened by  1 (no widening)  1 / sqrt(keep)  1 / keep
 *     50%   150              0.941            0.962 (213)     0.973 (300)
 *     10%   150              0.907            0.966 (474)     0.988 (1500)
 *     10%   100              0.883            0.948 (317)     0.988 (1000)
 *
 * 1 / keep (the earlier rule) bought recall above the unfiltered query's at 4x its distance
 * computations for a 10% filter; 1 / sqrt(keep) costs about 2x.
 */
export function exhaustiveEf(ef: number, keep: number): number {
  if (!(keep > 0) || keep >= 1) return ef;
  return Math.min(EF_MAX, Math.max(ef, Math.ceil(ef / Math.sqrt(keep))));
}

/**
 * Relative margin past ScanOptions.distanceBound before a scan stops: graph distances are
 * float32 sums, the SQL operator's float64; rows inside the margin are returned and filtered
 * by the caller's exact test, so a generous margin costs a few rows, never a wrong answer.
 */
const STOP_MARGIN = 1e-3;

/**
 * The scans of the partitions of one partitioned index scan (merged_scan.ts): pgvector bounds
 * one scan's visited tuples by hnsw.max_scan_tuples and its memory by work_mem *
 * hnsw.scan_mem_multiplier, so the partitions' scans count their visited tuples together.
 */
export class ScanBudget {
  private readonly scans: HnswScan[] = [];

  add(scan: HnswScan): void {
    this.scans.push(scan);
  }

  /** Tuples visited over all the scans. */
  tuples(): number {
    let n = 0;
    for (const s of this.scans) n += s.visitedTuples;
    return n;
  }
}

export class HnswScan implements IndexScan {
  private readonly ef: number;
  private readonly mode: IterativeScan;
  private readonly maxTuples: number;
  /** The prepared query (the graph's query format, normalized for cosine), copied into a scratch before each search. */
  private readonly query: Uint8Array;
  private readonly queryZero: boolean;
  private scratch: Scratch | null = null;
  private started = false;
  private done = false;
  /** Limits reached: the rest of the discarded candidates are handed out, then the scan ends. */
  private draining = false;
  /** The current batch: node ids and internal distances, ascending. */
  private batchNodes: Int32Array;
  private batchDist: Float32Array;
  private batchLen = 0;
  private batchPos = 0;
  private lastDistance = -Infinity;
  /** Tuples the search visited, kept when its scratch goes back to the pool. */
  private tuplesAtRelease = 0;
  /** A node bitset this scan allocated for its row filter (when node ids are not row ids). */
  private nodeBits = 0;
  private nodeBitsBytes = 0;
  private filterPtr = 0;
  private filterBits = 0;
  /**
   * The scan ends at the first row farther than this (ScanOptions.distanceBound plus a margin
   * for float32 rounding of the graph's distances). Infinity with relaxed_order, whose batches
   * are not in ascending order across resumptions.
   */
  private readonly stopAbove: number;
  private readonly counters: ScanStats = { searches: 0, distanceComputations: 0, tuplesReturned: 0 };
  /**
   * An exhaustive scan of a filter subgraph: its first search keeps no discarded candidates
   * (the subgraph holds just the filter's rows, so its ef_search nearest almost always cover
   * LIMIT, and pushing the other visited nodes into the discarded heap costs about a tenth of
   * the search). Asked for more, the scan searches again keeping them ({@link searchAgainKeeping}).
   */
  private deferKeep = false;
  /** Nodes handed out before a {@link searchAgainKeeping}, never handed out again; null: none. */
  private handedOut: Set<number> | null = null;

  /**
   * @param st the graph to search: the index's, or a filter subgraph (subgraphs.ts) of it
   * @param exclude with a subgraph: its nodes the filter does not pass now (they route the
   *   search but are not returned; empty: no filter), and `opts.filter` is not consulted, the
   *   subgraph being its rows. null: the index's own graph, `opts.filter` consulted.
   * @param budget with a partition of a partitioned index: the scans of all its partitions,
   *   whose visited tuples hnsw.max_scan_tuples and the memory bound count together
   */
  constructor(
    private readonly st: HnswState,
    q: VectorKey,
    private readonly opts: ScanOptions,
    exclude: Int32Array | null = null,
    private readonly budget: ScanBudget | null = null,
  ) {
    budget?.add(this);
    const exhaustive = opts.exhaustive === true;
    this.ef = exhaustiveEf(Number(opts.gucs.get(GUC_EF_SEARCH)), exhaustive && opts.filter == null ? (opts.keepFraction ?? 1) : 1);
    const mode = String(opts.gucs.get(GUC_ITERATIVE_SCAN)) as IterativeScan;
    // continueScan: a join above filters the rows and reads until it has enough (relaxed order).
    this.mode = exhaustive || (mode === 'off' && opts.continueScan === true) ? 'relaxed_order' : mode;
    if (exhaustive) this.maxTuples = Infinity;
    else {
      const memTuples = (Number(opts.gucs.get('work_mem')) * 1024 * Number(opts.gucs.get(GUC_SCAN_MEM_MULTIPLIER))) / SCAN_BYTES_PER_TUPLE;
      this.maxTuples = Math.min(Number(opts.gucs.get(GUC_MAX_SCAN_TUPLES)), Math.floor(memTuples));
    }
    const query = scanQuery(st, q);
    // pgvector's cosine distance to a zero query is NaN for every row; ordering is arbitrary
    // (the zero vector itself is searched with).
    this.queryZero = query === null;
    this.query = query ?? st.queryFormat(new Uint8Array(st.graph.hdrBytes)).slice();
    const bound = opts.distanceBound;
    this.stopAbove = bound === undefined || this.mode === 'relaxed_order' ? Infinity : bound + STOP_MARGIN * (1 + Math.abs(bound));
    this.batchNodes = new Int32Array(this.ef);
    this.batchDist = new Float32Array(this.ef);
    if (exclude !== null) {
      this.counters.keyed = true;
      this.deferKeep = exhaustive;
      if (exclude.length > 0) this.excludeNodes(exclude);
    } else if (opts.filter != null) this.prepareFilter(opts.filter);
  }

  next(rowIds: Int32Array, distances: Float64Array): number {
    const cap = Math.min(rowIds.length, distances.length);
    let n = 0;
    const st = this.st;
    const graph = st.graph;
    const strict = this.mode === 'strict_order';
    let words = this.st.graph.arena.i32();
    while (n < cap) {
      if (this.batchPos === this.batchLen) {
        if (!this.fetch()) break;
        words = this.st.graph.arena.i32();
      }
      const node = this.batchNodes[this.batchPos]!;
      const d = this.batchDist[this.batchPos++]!;
      const h = graph.hdrWord(node);
      if ((words[h + N_FLAGS]! & FLAG_DELETED) !== 0) continue;
      if (this.handedOut !== null && this.handedOut.has(node)) continue;
      const rowId = words[h + N_ROW]!;
      if (!this.opts.isLive(rowId)) continue;
      if (strict) {
        if (d < this.lastDistance) continue;
        this.lastDistance = d;
      }
      const sqlDistance = this.queryZero ? NaN : st.toSqlDistance(d);
      if (sqlDistance > this.stopAbove) {
        this.batchPos = this.batchLen;
        this.done = true;
        break;
      }
      rowIds[n] = rowId;
      distances[n] = sqlDistance;
      n++;
    }
    this.counters.tuplesReturned += n;
    return n;
  }

  stats(): ScanStats {
    return { ...this.counters };
  }

  /** Tuples (nodes) this scan's searches visited so far. */
  get visitedTuples(): number {
    return this.scratch?.tuples ?? this.tuplesAtRelease;
  }

  close(): void {
    this.releaseScratch();
    if (this.nodeBits !== 0) {
      this.st.graph.arena.free(this.nodeBits, this.nodeBitsBytes);
      this.nodeBits = 0;
    }
    this.done = true;
  }

  /**
   * The bitset the kernel tests node ids against: the row filter's own when node ids are row
   * ids and it lies in the graph's memory, else one in the graph's memory: a copy, or one
   * translated through the rowId -> node map (work proportional to the rows set).
   */
  private prepareFilter(f: RowFilter): void {
    const st = this.st;
    const mem = st.graph.arena;
    if (st.rowIdsAreNodes && f.bitmapMemory === mem) {
      this.filterPtr = f.bitmapPtr;
      this.filterBits = f.rowBits;
      return;
    }
    const rowWords = (f.rowBits + 31) >>> 5;
    const nodes = st.rowIdsAreNodes ? f.rowBits : st.graph.count;
    const words = (nodes + 31) >>> 5;
    this.nodeBitsBytes = Math.max(4, words * 4);
    this.nodeBits = mem.alloc(this.nodeBitsBytes, 'HNSW scan');
    const w = mem.i32();
    const from = f.bitmapMemory.i32();
    const out = this.nodeBits >>> 2;
    const src = f.bitmapPtr >>> 2;
    if (st.rowIdsAreNodes) {
      // The filter's bitmap lies in another memory: the kernel reads only its graph's.
      w.set(from.subarray(src, src + rowWords), out);
      this.filterPtr = this.nodeBits;
      this.filterBits = f.rowBits;
      return;
    }
    w.fill(0, out, out + words);
    const map = st.rowToNode;
    for (let i = 0; i < rowWords; i++) {
      let x = from[src + i]!;
      while (x !== 0) {
        const b = 31 - Math.clz32(x & -x);
        x &= x - 1;
        const r = (i << 5) + b;
        if (r >= f.rowBits || r >= map.length) continue;
        const node = map[r]! - 1;
        if (node >= 0 && node < nodes) w[out + (node >>> 5)] |= 1 << (node & 31);
      }
    }
    this.filterPtr = this.nodeBits;
    this.filterBits = nodes;
  }

  /**
   * A filter over a subgraph's nodes passing all but `exclude`: ACORN-1 walks through the
   * excluded ones (few, usually) as through any non-passing node.
   */
  private excludeNodes(exclude: Int32Array): void {
    const mem = this.st.graph.arena;
    const nodes = this.st.graph.count;
    const words = (nodes + 31) >>> 5;
    this.nodeBitsBytes = Math.max(4, words * 4);
    this.nodeBits = mem.alloc(this.nodeBitsBytes, 'HNSW scan');
    const w = mem.i32();
    const out = this.nodeBits >>> 2;
    w.fill(-1, out, out + words);
    for (let i = 0; i < exclude.length; i++) {
      const n = exclude[i]!;
      w[out + (n >>> 5)] = w[out + (n >>> 5)]! & ~(1 << (n & 31));
    }
    this.filterPtr = this.nodeBits;
    this.filterBits = nodes;
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
      if (!iterative && this.filterPtr === 0 && this.takeAhead()) return this.batchLen > 0;
      const keep = iterative && !this.deferKeep;
      const sc = this.search(keep);
      if (keep) this.scratch = sc;
      else {
        st.pool.release(sc);
        if (!iterative) this.done = true;
      }
      return this.batchLen > 0 || (iterative && this.fetch());
    }
    if (this.deferKeep) return this.searchAgainKeeping();
    const sc = this.scratch;
    if (sc === null) return false;
    if (this.draining) return this.finish();
    if (sc.discardedSize === 0) return this.finish();
    if ((this.budget === null ? sc.tuples : this.budget.tuples()) >= this.maxTuples) {
      // pgvector: "Reached max number of tuples or memory limit": return remaining tuples.
      const { dist, nodes } = sc.drainDiscarded();
      this.draining = true;
      this.setBatch(nodes, dist);
      return nodes.length > 0 || this.finish();
    }
    const before = sc.distanceCount;
    const n = g.kernel.resume(g.g, sc.s, sc.q, this.ef, scanMode(st.deletedCount, true));
    this.counters.distanceComputations += sc.distanceCount - before;
    this.counters.searches++;
    if (n === 0) return this.finish();
    this.take(sc, n, false);
    return true;
  }

  /**
   * One search from the entry point into a scratch of the pool (returned to the caller, who
   * keeps or releases it), its results taken as the batch; `keep`: the discarded candidates
   * stay in the scratch's heap for resuming.
   */
  private search(keep: boolean): Scratch {
    const st = this.st;
    const g = st.graph;
    const sc = st.pool.acquire(g.count);
    st.writeQuery(this.query, sc.q);
    if (this.filterPtr !== 0) sc.setFilter(this.filterPtr, this.filterBits);
    const n = g.kernel.search(g.g, sc.s, sc.q, this.ef, scanMode(st.deletedCount, keep));
    this.counters.searches++;
    this.take(sc, n);
    return sc;
  }

  /**
   * A deferred-keep scan (see {@link deferKeep}) asked for more than its first search gave:
   * searches again, keeping the discarded candidates, and continues from there as any
   * iterative scan. The nodes of the first batch (all handed out or skipped by now) are never
   * handed out again; the search is deterministic, so the new first batch is the same nodes and
   * the rows come out as a scan that kept them from the start returns them.
   */
  private searchAgainKeeping(): boolean {
    this.deferKeep = false;
    const seen = (this.handedOut = new Set<number>());
    for (let i = 0; i < this.batchLen; i++) seen.add(this.batchNodes[i]!);
    this.scratch = this.search(true);
    return this.batchLen > 0 || this.fetch();
  }

  /**
   * Takes the first batch from a search started ahead on a pool worker for this statement
   * (ScanOptions.searchAhead, search_ahead.ts) that answers this scan; false when none does.
   */
  private takeAhead(): boolean {
    const ahead = this.opts.searchAhead;
    if (ahead === undefined) return false;
    for (const a of PartitionSearchAhead.flatten(ahead)) {
      const r = a.take(this.st, this.query, this.ef);
      if (r === null) continue;
      const n = r.nodes.length;
      if (n > this.batchNodes.length) {
        this.batchNodes = new Int32Array(n);
        this.batchDist = new Float32Array(n);
      }
      this.batchNodes.set(r.nodes);
      this.batchDist.set(r.dist);
      this.batchLen = n;
      this.batchPos = 0;
      this.counters.searches++;
      this.counters.distanceComputations += r.distanceCount;
      this.done = true;
      return true;
    }
    return false;
  }

  private setBatch(nodes: Int32Array, dist: Float32Array): void {
    this.batchNodes = nodes;
    this.batchDist = dist;
    this.batchLen = nodes.length;
    this.batchPos = 0;
  }

  private take(sc: Scratch, n: number, countDistances = true): void {
    if (n > this.batchNodes.length) {
      this.batchNodes = new Int32Array(n);
      this.batchDist = new Float32Array(n);
    }
    const w = sc.outWord();
    const f = this.st.graph.arena.f32();
    const i = this.st.graph.arena.i32();
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
      this.tuplesAtRelease = this.scratch.tuples;
      this.st.pool.release(this.scratch);
      this.scratch = null;
    }
  }
}
