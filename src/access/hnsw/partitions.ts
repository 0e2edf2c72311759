/**
 * An HNSW index larger than one WebAssembly memory, as partitions: each partition is an
 * ordinary graph (HnswState + HnswGraph) in a memory of its own, holding a share of the rows,
 * and a query searches every partition with the same hnsw.ef_search and merges the candidates
 * by distance (merged_scan.ts). This is the segment design of Lucene and Milvus: a graph
 * follows pointers stored in its memory, which cannot name another memory (one memory holds
 * at most 4 GiB, kernels/memories.ts), so a larger index is several independent graphs.
 *
 * - CREATE INDEX estimates the bytes its graph will take ({@link partitionPlan}: records,
 *   upper lists, the build's neighbour-distance cache, visited entries) and, when that is more
 *   than {@link PARTITION_FILL} of one memory, splits the rows in table order into partitions
 *   of about equal size, each in a new memory, built one after another (build.ts).
 * - An INSERT that does not fit in the last partition's memory (the 53200 of a full memory,
 *   kernels/arena.ts isMemoryFull) starts a new partition in a new memory, as long as
 *   `vecgres.memory_limit` allows one; otherwise it fails with 53200 and nothing changed.
 * - An index of one partition is exactly the index it was before partitions existed: same
 *   memory placement (shared with other indexes), same file format, same fast paths.
 *
 * Cost: a query searches every partition, so with P partitions it computes about P times
 * the distances of one search of N/P rows (a graph search grows with log N), and each
 * partition returns up to ef_search candidates: recall is at least that of one graph at the
 * same ef_search. Filter subgraphs (subgraphs.ts) are kept for one-partition indexes only.
 */
import { assert } from '../../common/assert.js';
import { memories } from '../../kernels/memories.js';
import { isMemoryFull } from '../../kernels/arena.js';
import type { OpClass, VectorKey } from '../am.js';
import { cacheRecordBytes, NODE_HEADER_WORDS, paddedElements, roundUp, vectorFormat } from './layout.js';
import type { HnswOptions } from './options.js';
import { HnswState, metricCode } from './state.js';

/**
 * Share of a memory a partition fills at CREATE INDEX: the rest is room for the rows inserted
 * later (before a new partition starts), scan scratch areas and the memory's headroom.
 */
export const PARTITION_FILL = 0.8;

/** Nodes a partition started by an INSERT preallocates (its records then grow in chunks: graph.ts). */
export const PARTITION_FIRST_NODES = 1024;

/**
 * Bytes one node of a graph costs in its memory while it is built: its level-0 record, its
 * share of the upper-layer pool (about (m + 1) / (m - 1) words, with the pool's 25% slack), the
 * build's neighbour-distance cache record, the visited entries of the scratch areas and a lock word.
 * A sparsevec key's bytes are not known before the rows are read and are not counted.
 */
export function nodeBytesEstimate(dim: number, opclass: OpClass, m: number): number {
  const metric = metricCode(opclass);
  const hdrBytes = paddedElements(metric, dim) * vectorFormat(metric).elemBytes;
  const recBytes = roundUp(hdrBytes + 4 * (NODE_HEADER_WORDS + 2 * m), 16);
  const upperBytes = (4 * 1.25 * (m + 1)) / (m - 1);
  // Visited entries of up to four scratch areas (2 bytes each) and a parallel build's lock word.
  return recBytes + upperBytes + cacheRecordBytes(2 * m) + 12;
}

/**
 * Bytes of a memory a build may fill: {@link PARTITION_FILL} of what the memories of this
 * process hold (MemorySet.memoryBytesMax) less their headroom for short-lived blocks.
 */
export function partitionBytesMax(): number {
  const max = memories.memoryBytesMax;
  return Math.floor((max - Math.min(2 ** 20, max / 32)) * PARTITION_FILL);
}

/**
 * How a build of `rows` rows is split: 1 partition when the estimate fits {@link partitionBytesMax},
 * else the fewest equal partitions that each fit, and the rows of each (the last takes the rest).
 */
export function partitionPlan(rows: number, dim: number, opclass: OpClass, options: HnswOptions): { count: number; rowsEach: number } {
  const bytes = Math.max(rows, 1) * nodeBytesEstimate(dim, opclass, options.m);
  const count = Math.max(1, Math.ceil(bytes / partitionBytesMax()));
  return { count, rowsEach: Math.ceil(Math.max(rows, 1) / count) };
}

/**
 * A new partition for an index whose partitions are `parts` (at least one): an empty graph of
 * `capacity` nodes in a memory of its own, its level generator seeded from the last
 * partition's (so a run is reproducible).
 * @throws PgError 53200 when `vecgres.memory_limit` leaves no room for a new memory.
 */
export function newPartition(parts: readonly HnswState[], capacity: number): HnswState {
  assert(parts.length > 0, 'a partition of an index without partitions');
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  return new HnswState(first.dim, first.opclass, first.options, last.prng.nextU32(), capacity, true);
}

/**
 * Hands the rows of a build to its partitions in table order: `rowsEach` to each planned
 * partition in turn (the last takes any rows past the plan), and when a row does not fit in
 * its partition's memory (the estimate was short: sparsevec keys are not counted) a new
 * partition after it takes that row and the next ones. `place` puts one row into a partition
 * (appends its node, or inserts it); `enter(next, prev)` readies a partition before its first
 * row (scratch, build cache) and retires the one before it (`next` null: the rows are in).
 */
export class PartitionRouter {
  private cur = 0;
  private inCur = 0;
  private entered = false;

  /**
   * @param parts the planned partitions (at least one); partitions started during the build
   *   are inserted into this array
   * @param rowsEach rows of a planned partition (Infinity: one partition)
   */
  constructor(
    readonly parts: HnswState[],
    private readonly rowsEach: number,
    private readonly place: (st: HnswState, rowId: number, key: VectorKey) => void,
    private readonly enter: ((next: HnswState | null, prev: HnswState | null) => void) | null = null,
  ) {
    assert(parts.length > 0, 'a build without partitions');
  }

  /** The partition rows go to now. */
  get current(): HnswState {
    return this.parts[this.cur]!;
  }

  /**
   * Puts one row into its partition.
   * @throws PgError 53200 when a new partition is needed and `vecgres.memory_limit` leaves
   *   no room for it, or the row does not fit in an empty partition either.
   */
  add(rowId: number, key: VectorKey): void {
    if (!this.entered) this.move(0);
    if (this.inCur >= this.rowsEach && this.cur + 1 < this.parts.length) this.move(this.cur + 1);
    const st = this.parts[this.cur]!;
    try {
      this.place(st, rowId, key);
    } catch (e) {
      if (!isMemoryFull(e) || st.graph.count === 0) throw e;
      const capacity = Number.isFinite(this.rowsEach) ? Math.max(PARTITION_FIRST_NODES, this.rowsEach - this.inCur) : PARTITION_FIRST_NODES;
      this.parts.splice(this.cur + 1, 0, newPartition(this.parts, capacity));
      this.move(this.cur + 1);
      this.place(this.parts[this.cur]!, rowId, key);
    }
    this.inCur++;
  }

  /** Retires the current partition ({@link enter} with none after it) once the rows are in. */
  finish(): void {
    if (this.entered) this.enter?.(null, this.current);
    this.entered = false;
  }

  /** Disposes the partitions no row went to (the table had fewer rows than planned), keeping at least one. */
  dropEmpty(): void {
    for (let k = this.parts.length - 1; k >= 0 && this.parts.length > 1; k--) {
      if (this.parts[k]!.graph.count === 0) {
        this.parts[k]!.dispose();
        this.parts.splice(k, 1);
      }
    }
    this.cur = Math.min(this.cur, this.parts.length - 1);
  }

  private move(to: number): void {
    this.enter?.(this.parts[to]!, this.entered ? this.current : null);
    this.entered = true;
    this.cur = to;
    this.inCur = 0;
  }
}
