/** The VectorIndex object of one HNSW index (what CREATE INDEX ... USING hnsw returns). */
import type { IndexScan, KeyedRowBlock, OpClass, RowFilter, ScanOptions, VectorIndex, VectorKey } from '../am.js';
import { insertVector } from './insert.js';
import { HnswScan } from './scan.js';
import type { HnswState } from './state.js';
import { vacuumHnsw } from './vacuum.js';
import { FilterSubgraphs } from './subgraphs.js';
import { KeyedRowLists } from '../shared/keyed_rows.js';
import { applyHnswDelta, hnswDeltaBytes, saveHnsw, saveHnswDelta } from './persist.js';
import type { ByteSink, ByteSource } from '../../storage/stream.js';
import { assert } from '../../common/assert.js';
import { WorkerPool } from '../../kernels/workers.js';
import type { IndexSearchAhead } from '../am.js';
import { hnswKernelName } from './kernel.js';
import { isSparseMetric } from './layout.js';
import { GUC_EF_SEARCH, GUC_ITERATIVE_SCAN } from './options.js';
import { scanQuery } from './scan.js';
import { HnswSearchAhead, SEARCH_AHEAD_MIN_NODES, SearchAheadQueue, searchAheadTestHooks } from './search_ahead.js';

export class HnswIndex implements VectorIndex {
  readonly method = 'hnsw';
  readonly dim: number;
  readonly opclass: OpClass;
  /** Graphs over the rows of filters that keep many (subgraphs.ts); memory only, rebuilt on use. */
  readonly subgraphs: FilterSubgraphs;
  /** Row lists of filters ranked exactly (access/shared/keyed_rows.ts); memory only. */
  readonly rowLists: KeyedRowLists;

  constructor(readonly state: HnswState) {
    this.dim = state.dim;
    this.opclass = state.opclass;
    this.subgraphs = new FilterSubgraphs(state);
    // Blocks of gathered vectors: at most a quarter of the index's rows, a bounded second copy
    // of the hottest small filters' vectors (sql/exec/gathered_rows.ts).
    this.rowLists = new KeyedRowLists(() => Math.max(1, this.size), () => Math.floor(this.size / 4));
  }

  /** Indexed rows including tombstones not yet vacuumed. */
  get size(): number {
    return this.state.graph.count - this.state.unlinkedCount;
  }

  /** aminsert: `vec` (dim elements of the opclass's type) is copied into the graph. */
  insert(rowId: number, vec: VectorKey): void {
    const st = this.state;
    const sc = st.pool.acquire(st.graph.count + 1);
    try {
      insertVector(st, sc, rowId, vec);
    } finally {
      st.pool.release(sc);
    }
  }

  /** Marks the row's node deleted; it keeps routing searches until vacuum (as pgvector). */
  delete(rowId: number): void {
    this.subgraphs.delete(rowId);
    const node = this.state.nodeOf(rowId);
    if (node < 0 || this.state.graph.isDeleted(node)) return;
    this.state.graph.markDeleted(node);
    this.state.deletedCount++;
  }

  /** Writes the graph to a checkpoint file (persist.ts). */
  save(sink: ByteSink): void {
    saveHnsw(this.state, sink);
  }

  /** Bytes of a delta of the changes since the last save, or -1 when only a whole save will do (persist.ts). */
  deltaBytes(): number {
    return hnswDeltaBytes(this.state);
  }

  /** Writes the changes since the last save (persist.ts saveHnswDelta). */
  saveDelta(sink: ByteSink): void {
    saveHnswDelta(this.state, sink);
  }

  /** The checkpoint holding the latest save or delta is in force: changes count from now. */
  markSaved(): void {
    this.state.graph.changes.clear();
  }

  /** Lays a delta read from a checkpoint file over the loaded graph (persist.ts applyHnswDelta). */
  applyDelta(source: ByteSource): void {
    applyHnswDelta(this.state, source);
  }

  /** amvacuumcleanup: unlinks deleted nodes and repairs their neighbours' lists (vacuum.ts). */
  vacuum(): void {
    vacuumHnsw(this.state);
    this.subgraphs.vacuum();
  }

  /** Whether a filter keeping `rows` rows may get a subgraph (subgraphs.ts admission bounds). */
  keyedFilterEligible(rows: number): boolean {
    return this.subgraphs.eligible(rows);
  }

  /**
   * Catches up the subgraph of `filter.key`, or admits the key (its subgraph then built on a
   * pool worker, or here when the process has none); false when there is no subgraph to search
   * for it now (subgraphs.ts).
   */
  prepareKeyedFilter(filter: RowFilter): boolean {
    return this.subgraphs.use(filter) !== null;
  }

  /** The rows of the subgraph of `key` if it is current for `stamp`, else -1 (subgraphs.ts). */
  keyedFilterRows(key: string, stamp: number): number {
    return this.subgraphs.current(key, stamp)?.rows ?? -1;
  }

  /**
   * An ordered scan; with a keyed filter whose subgraph exists and is built, over the subgraph
   * (reconciled with the filter's bitset first), else over the index's graph.
   */
  /** The rows kept for `key` at `stamp`, or null (access/shared/keyed_rows.ts). */
  keyedRowList(key: string, stamp: number): Int32Array | null {
    return this.rowLists.get(key, stamp);
  }

  /** Keeps the rows of the filter `key` at `stamp` (access/shared/keyed_rows.ts). */
  keepKeyedRowList(key: string, stamp: number, rows: Int32Array): void {
    this.rowLists.put(key, stamp, rows);
  }

  /** The block kept with the list of `key` at `stamp`, or null (access/shared/keyed_rows.ts). */
  keyedRowBlock(key: string, stamp: number): KeyedRowBlock | null {
    return this.rowLists.block(key, stamp);
  }

  /** Keeps `block` with the list of `key` at `stamp`; false when not taken (access/shared/keyed_rows.ts). */
  keepKeyedRowBlock(key: string, stamp: number, block: KeyedRowBlock): boolean {
    return this.rowLists.attachBlock(key, stamp, block);
  }

  beginScan(q: VectorKey, opts: ScanOptions): IndexScan {
    const kf = opts.keyedFilter;
    if (kf != null) {
      const cur = this.subgraphs.current(kf.key, kf.stamp);
      assert(cur !== null, 'keyed scan of a subgraph that is not current');
      return new HnswScan(cur.state, q, opts, new Int32Array(0));
    }
    const f = opts.filter;
    if (f != null && f.key !== undefined && this.subgraphs.has(f.key)) {
      const use = this.subgraphs.use(f);
      if (use !== null) return new HnswScan(use.state, q, opts, use.excluded);
    }
    return new HnswScan(this.state, q, opts);
  }

  /**
   * The first search of a later unfiltered, non-iterative {@link beginScan} with `q` and
   * `opts`, started on a pool worker (search_ahead.ts); null when that scan would not take it
   * (a filter, an iterative or continued scan, a sparsevec graph, a graph smaller than
   * SEARCH_AHEAD_MIN_NODES, a zero query under cosine) or no worker can run it now.
   */
  searchAhead(q: VectorKey, opts: ScanOptions): IndexSearchAhead | null {
    if (opts.filter != null || opts.keyedFilter != null || opts.exhaustive === true || opts.continueScan === true) return null;
    if (String(opts.gucs.get(GUC_ITERATIVE_SCAN)) !== 'off') return null;
    const st = this.state;
    const g = st.graph;
    if (hnswKernelName !== 'wasm-simd' || isSparseMetric(g.metric) || g.count < (searchAheadTestHooks.minNodes ?? SEARCH_AHEAD_MIN_NODES)) return null;
    const pool = WorkerPool.shared();
    if (pool.size === 0) return null;
    const queue = SearchAheadQueue.of(pool);
    if (!queue.available) return null;
    const query = scanQuery(st, q);
    if (query === null) return null;
    const ef = Number(opts.gucs.get(GUC_EF_SEARCH));
    const sc = st.pool.acquire(g.count);
    st.writeQuery(query, sc.q);
    const s = new HnswSearchAhead(st, query, ef, st.structureEpoch, sc, queue);
    queue.submit(s);
    return s;
  }

  /**
   * Bytes of the graph (records, upper lists, header) and of its filter subgraphs (being built
   * included), what `pg_relation_size` reports; scratch areas are not counted.
   */
  sizeBytes(): number {
    return this.state.graph.sizeBytes() + this.subgraphs.sizeBytes();
  }

  dispose(): void {
    // Searches on pool workers end first (search_ahead.ts); their results are dropped.
    this.state.graph.beforeChange?.();
    this.state.structureEpoch++;
    this.state.disposed = true;
    this.subgraphs.dispose();
    this.rowLists.clear();
    this.state.pool.dispose();
    this.state.graph.dispose();
  }
}
