/**
 * The VectorIndex object of one HNSW index (what CREATE INDEX ... USING hnsw returns): one
 * graph, or several partitions each in a memory of its own when the index is larger than one
 * memory (partitions.ts).
 */
import type { IndexScan, KeyedRowBlock, OpClass, RowFilter, ScanOptions, VectorIndex, VectorKey } from '../am.js';
import { insertVector } from './insert.js';
import { HnswScan } from './scan.js';
import type { HnswState } from './state.js';
import { vacuumHnsw } from './vacuum.js';
import { FilterSubgraphs } from './subgraphs.js';
import { KeyedRowLists } from '../shared/keyed_rows.js';
import { applyIndexDelta, hnswDeltaBytes, partitionsDeltaBytes, saveHnsw, saveHnswDelta, savePartitionsDelta } from './persist.js';
import type { ByteSink, ByteSource } from '../../storage/stream.js';
import { assert } from '../../common/assert.js';
import { WorkerPool } from '../../kernels/workers.js';
import type { IndexSearchAhead } from '../am.js';
import { hnswKernelName } from './kernel.js';
import { isSparseMetric } from './layout.js';
import { GUC_EF_SEARCH, GUC_ITERATIVE_SCAN } from './options.js';
import { scanQuery } from './scan.js';
import { HnswSearchAhead, PartitionSearchAhead, SEARCH_AHEAD_MIN_NODES, SearchAheadQueue, searchAheadTestHooks } from './search_ahead.js';
import { isMemoryFull } from '../../kernels/arena.js';
import { MergedScan } from './merged_scan.js';
import { newPartition, PARTITION_FIRST_NODES } from './partitions.js';
import { savePartitions } from './persist.js';
import { ScanBudget } from './scan.js';
import type { Scratch } from './scratch.js';

export class HnswIndex implements VectorIndex {
  readonly method = 'hnsw';
  readonly dim: number;
  readonly opclass: OpClass;
  /** Graphs over the rows of filters that keep many (subgraphs.ts); memory only, rebuilt on use. */
  readonly subgraphs: FilterSubgraphs;
  /** Row lists of filters ranked exactly (access/shared/keyed_rows.ts); memory only. */
  readonly rowLists: KeyedRowLists;

  /**
   * The graphs of the index, in the order they were started: one, or several when the index
   * outgrew one memory (partitions.ts); inserts go to the last. {@link state} is the first.
   */
  readonly partitions: HnswState[];

  /**
   * Partitions at the last save or load (markSaved, applyDelta): those after them are new to
   * the next delta, which carries them whole (persist.ts).
   */
  savedPartitions: number;

  /** The seed a load read the index with (persist.ts: the level generators restart from it after deltas). */
  loadSeed = 0;

  /**
   * @param state the index's graph (its first partition)
   * @param more the other partitions of a partitioned index, each in a memory of its own
   */
  constructor(readonly state: HnswState, more: readonly HnswState[] = []) {
    this.partitions = [state, ...more];
    this.savedPartitions = this.partitions.length;
    this.dim = state.dim;
    this.opclass = state.opclass;
    this.subgraphs = new FilterSubgraphs(state);
    // Blocks of gathered vectors: at most a quarter of the index's rows, a bounded second copy
    // of the hottest small filters' vectors (sql/exec/gathered_rows.ts).
    this.rowLists = new KeyedRowLists(() => Math.max(1, this.size), () => Math.floor(this.size / 4));
  }

  /** Indexed rows including tombstones not yet vacuumed. */
  get size(): number {
    let n = 0;
    for (const st of this.partitions) n += st.graph.count - st.unlinkedCount;
    return n;
  }

  /** True when the index has more than one partition (partitions.ts). */
  get partitioned(): boolean {
    return this.partitions.length > 1;
  }

  /**
   * aminsert: `vec` (dim elements of the opclass's type) is copied into the graph of the first
   * partition with a record vacuum freed, else of the last partition; when that memory is
   * full, into a new partition in a new memory (partitions.ts).
   * @throws PgError 53200 when neither has room (`vecgres.memory_limit`); the index is unchanged then.
   */
  insert(rowId: number, vec: VectorKey): void {
    const parts = this.partitions;
    // A record vacuum freed is reused first (graph.ts addNode), in whichever partition it is.
    let k = parts.length - 1;
    for (let p = 0; p < parts.length - 1; p++) {
      if (parts[p]!.graph.reusableNodes > 0) {
        k = p;
        break;
      }
    }
    for (; k < parts.length; k++) {
      const st = parts[k]!;
      try {
        insertInto(st, rowId, vec);
        return;
      } catch (e) {
        if (!isMemoryFull(e) || st.graph.count === 0) throw e;
      }
    }
    // Everything the new partition needs is allocated before the row is linked into it, and
    // a failure frees it again: the index is then as before.
    const st = newPartition(parts, PARTITION_FIRST_NODES);
    try {
      insertInto(st, rowId, vec);
    } catch (e) {
      st.dispose();
      throw e;
    }
    parts.push(st);
    // Filter subgraphs hold rows of the first partition only: dropped (keyedFilterEligible).
    this.subgraphs.dispose();
  }

  /** Marks the row's node deleted; it keeps routing searches until vacuum (as pgvector). */
  delete(rowId: number): void {
    this.subgraphs.delete(rowId);
    for (const st of this.partitions) {
      const node = st.nodeOf(rowId);
      if (node < 0 || st.graph.isDeleted(node)) continue;
      st.graph.markDeleted(node);
      st.deletedCount++;
    }
  }

  /** Writes the graph (each partition's) to a checkpoint file (persist.ts). */
  save(sink: ByteSink): void {
    if (this.partitioned) savePartitions(this.partitions, sink);
    else saveHnsw(this.state, sink);
  }

  /**
   * Bytes of a delta of the changes since the last save (at most), or -1 when only a whole
   * save will do (persist.ts): an index that had and has one partition writes its graph's
   * delta; one that has or had several writes the deltas of the partitions that changed and
   * the partitions started since whole.
   */
  deltaBytes(): number {
    if (this.savedPartitions === 1 && !this.partitioned) return hnswDeltaBytes(this.state);
    return partitionsDeltaBytes(this.partitions, this.savedPartitions);
  }

  /** Writes the changes since the last save (persist.ts saveHnswDelta, savePartitionsDelta). */
  saveDelta(sink: ByteSink): void {
    if (this.savedPartitions === 1 && !this.partitioned) saveHnswDelta(this.state, sink);
    else savePartitionsDelta(this.partitions, this.savedPartitions, sink);
  }

  /** The checkpoint holding the latest save or delta is in force: changes count from now. */
  markSaved(): void {
    for (const st of this.partitions) st.graph.changes.clear();
    this.savedPartitions = this.partitions.length;
  }

  /**
   * Lays a delta read from a checkpoint file over the loaded index (persist.ts applyIndexDelta).
   * @throws PgError XX001 for a delta that does not fit (the index must then be disposed); 53200.
   */
  applyDelta(source: ByteSource): void {
    applyIndexDelta(this, source);
    this.savedPartitions = this.partitions.length;
  }

  /** amvacuumcleanup: unlinks deleted nodes and repairs their neighbours' lists (vacuum.ts), per partition. */
  vacuum(): void {
    for (const st of this.partitions) vacuumHnsw(st);
    this.subgraphs.vacuum();
  }

  /**
   * Whether a filter keeping `rows` rows may get a subgraph (subgraphs.ts admission bounds);
   * never for a partitioned index (a subgraph is built from one graph's nodes), whose filtered
   * scans consult the filter in every partition instead.
   */
  keyedFilterEligible(rows: number): boolean {
    return !this.partitioned && this.subgraphs.eligible(rows);
  }

  /**
   * Catches up the subgraph of `filter.key`, or admits the key (its subgraph then built on a
   * pool worker, or here when the process has none); false when there is no subgraph to search
   * for it now (subgraphs.ts).
   */
  prepareKeyedFilter(filter: RowFilter): boolean {
    return !this.partitioned && this.subgraphs.use(filter) !== null;
  }

  /** The rows of the subgraph of `key` if it is current for `stamp`, else -1 (subgraphs.ts). */
  keyedFilterRows(key: string, stamp: number): number {
    if (this.partitioned) return -1;
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
    if (this.partitioned) {
      assert(opts.keyedFilter == null, 'keyed scan of a partitioned hnsw index');
      const budget = new ScanBudget();
      return new MergedScan(this.partitions.map((st) => new HnswScan(st, q, opts, null, budget)));
    }
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
    const minNodes = searchAheadTestHooks.minNodes ?? SEARCH_AHEAD_MIN_NODES;
    if (hnswKernelName !== 'wasm-simd' || isSparseMetric(this.state.graph.metric)) return null;
    if (!this.partitions.some((st) => st.graph.count >= minNodes)) return null;
    const pool = WorkerPool.shared();
    if (pool.size === 0) return null;
    const queue = SearchAheadQueue.of(pool);
    if (!queue.available) return null;
    const ef = Number(opts.gucs.get(GUC_EF_SEARCH));
    const parts: HnswSearchAhead[] = [];
    for (const st of this.partitions) {
      // A small partition is searched by the scan itself, on this thread.
      if (st.graph.count < minNodes) continue;
      const query = scanQuery(st, q);
      if (query === null) break;
      const sc: Scratch = st.pool.acquire(st.graph.count);
      st.writeQuery(query, sc.q);
      const s = new HnswSearchAhead(st, query, ef, st.structureEpoch, sc, queue);
      queue.submit(s);
      parts.push(s);
    }
    if (parts.length === 0) return null;
    return this.partitioned ? new PartitionSearchAhead(parts) : parts[0]!;
  }

  /**
   * Bytes of the graphs (records, upper lists, header; every partition's) and of the filter
   * subgraphs (being built included), what `pg_relation_size` reports; scratch areas are not
   * counted.
   */
  sizeBytes(): number {
    let n = this.subgraphs.sizeBytes();
    for (const st of this.partitions) n += st.graph.sizeBytes();
    return n;
  }

  dispose(): void {
    // Searches on pool workers end first (search_ahead.ts); their results are dropped.
    for (const st of this.partitions) {
      st.graph.beforeChange?.();
      st.structureEpoch++;
      st.disposed = true;
    }
    this.subgraphs.dispose();
    this.rowLists.clear();
    for (const st of this.partitions) st.dispose();
  }
}

/** Inserts `vec` for `rowId` into the graph of `st` (insert.ts) with a scratch of its pool. */
function insertInto(st: HnswState, rowId: number, vec: VectorKey): void {
  const sc = st.pool.acquire(st.graph.count + 1);
  try {
    insertVector(st, sc, rowId, vec);
  } finally {
    st.pool.release(sc);
  }
}
