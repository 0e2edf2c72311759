/**
 * The access-method interface: what every vector (and scalar) index method implements and the
 * only thing the SQL layer knows about indexes (as PostgreSQL's IndexAmRoutine). Concrete
 * methods live in `index/<method>/` and are registered by the engine; they never import each
 * other or `sql/`.
 *
 * Row identity: indexes store `rowId`s, the table's stable int32 slot numbers (a tuple id).
 * Deleted rows stay in the index as tombstones until vacuum; scans skip rows the caller
 * reports as dead through {@link ScanOptions.isLive}.
 */
import type { GucDef, GucReader } from '../common/guc.js';
import type { ByteSink, ByteSource } from '../storage/stream.js';

/** The distance an operator class orders by. pgvector's opclass suffixes. */
export type Metric = 'l2' | 'ip' | 'cosine' | 'l1' | 'hamming' | 'jaccard';

/** Element type of the indexed vectors. */
export type VectorKind = 'vector' | 'halfvec' | 'bit' | 'sparsevec';

/** One operator class, e.g. vector_cosine_ops: type + metric + the ORDER BY operator it serves. */
export interface OpClass {
  name: string;
  kind: VectorKind;
  metric: Metric;
  /** The SQL operator this opclass can order by: `<->`, `<#>`, `<=>`, `<+>`, `<~>`, `<%>`. */
  operator: string;
}

/** Raw `WITH (...)` options as written: lower-cased names, values as text. */
export type RawOptions = ReadonlyMap<string, string>;

/** Progress of CREATE INDEX, for pg_stat_progress_create_index and the CLI progress bar. */
export interface BuildProgress {
  phase: string;
  tuplesTotal: number;
  tuplesDone: number;
}

/** Everything `build` needs. Vectors are float32 element arrays of length `dim`. */
export interface BuildInput {
  dim: number;
  opclass: OpClass;
  /** Validated options (the value `parseOptions` returned). */
  options: unknown;
  /** Number of rows `forEachRow` will yield (for progress and preallocation). */
  rowCount: number;
  /** Calls `fn` for every live row with a non-null vector; `vec` may be reused between calls. */
  forEachRow(fn: (rowId: number, vec: Float32Array) => void): void;
  /** Called from time to time during the build. */
  onProgress?: (p: BuildProgress) => void;
  /** Seed for the method's random choices (HNSW levels, k-means sampling). */
  seed: number;
}

/** Settings a scan reads, resolved by the SQL layer at scan start. */
export interface ScanOptions {
  /** Current setting values (ef_search, probes, iterative_scan, ...). */
  gucs: GucReader;
  /** Rows the caller wants in the end (LIMIT + OFFSET), or Infinity when unknown. */
  limit: number;
  /** False for rows deleted (or not visible to this transaction); such rows are skipped. */
  isLive(rowId: number): boolean;
  /**
   * The caller filters the rows (a join above the scan) and reads until it has enough: when
   * the method's iterative-scan setting is off, continue anyway, in relaxed order (a resumed
   * search may return a row closer than one already returned; the caller sorts what it keeps),
   * up to the method's own bound on tuples visited.
   */
  continueScan?: boolean;
}

/**
 * A resumable, ordered scan (amgettuple). Each `next` call fills the caller's arrays with the
 * next candidates in ascending distance and returns how many it wrote; 0 means exhausted.
 * With iterative scans off the method returns what one search finds (e.g. ef_search rows for
 * HNSW), as pgvector does; with them on, it continues the search on demand.
 */
export interface IndexScan {
  next(rowIds: Int32Array, distances: Float64Array): number;
  /** Counters for EXPLAIN ANALYZE. */
  stats(): ScanStats;
  close(): void;
}

export interface ScanStats {
  /** Index searches started (pgvector 0.8 "Index Searches"). */
  searches: number;
  /** Graph nodes / list entries whose distance was computed. */
  distanceComputations: number;
  /** Index tuples returned to the caller. */
  tuplesReturned: number;
}

/** A built index of one method over one vector column (or expression) of one table. */
export interface VectorIndex {
  readonly method: string;
  readonly dim: number;
  readonly opclass: OpClass;
  /** Number of indexed rows, including tombstones not yet vacuumed. */
  readonly size: number;
  /** Adds a row after the build (aminsert). `vec` is copied. */
  insert(rowId: number, vec: Float32Array): void;
  /** Marks a row deleted; scans skip it from now on. Space is reclaimed by vacuum. */
  delete(rowId: number): void;
  /** Removes tombstones and repairs the structure (amvacuumcleanup). */
  vacuum?(): void;
  /**
   * Writes the whole structure to a checkpoint file, so reopening a database reads it back
   * instead of rebuilding it. Methods without it are rebuilt from the table at open.
   */
  save?(sink: ByteSink): void;
  /** Starts an ordered scan for query `q` (length `dim`). */
  beginScan(q: Float32Array, opts: ScanOptions): IndexScan;
  /** Bytes the index occupies (what pg_relation_size reports). */
  sizeBytes(): number;
  /** Releases the index's memory (DROP INDEX). */
  dispose(): void;
}

/** Inputs to the planner's cost estimate for an ordered index scan. */
export interface CostInput {
  /** Rows in the table. */
  tableRows: number;
  /** Rows the query needs (LIMIT + OFFSET). */
  limit: number;
  /** Estimated fraction of rows that pass the WHERE clause (1 when none). */
  selectivity: number;
  gucs: GucReader;
}

/** Estimated work, in "distance computations" (the unit the planner compares plans in). */
export interface CostEstimate {
  startup: number;
  total: number;
}

/** An index method (CREATE INDEX ... USING <name>). */
export interface IndexAm {
  readonly name: string;
  readonly opclasses: readonly OpClass[];
  /** Settings the method reads (registered at start-up; shown in pg_settings). */
  readonly gucs: readonly GucDef[];
  /** The opclass used when CREATE INDEX names none for a column of `kind`, or null if none. */
  defaultOpclass(kind: VectorKind): OpClass | null;
  /**
   * Validates WITH options (names and ranges) and returns the method's options object.
   * @throws PgError 22023 for an unknown option or an out-of-range value, with pgvector's text.
   */
  parseOptions(raw: RawOptions, dim: number): unknown;
  /** Builds the index over existing rows. */
  build(input: BuildInput): VectorIndex;
  /** Estimated cost of an ordered scan returning `limit` rows. */
  costEstimate(index: VectorIndex, input: CostInput): CostEstimate;
  /**
   * Reads back what {@link VectorIndex.save} wrote. The caller verifies the file's checksum
   * afterwards and disposes the index if that fails.
   * @throws PgError XX001 when the bytes do not match `input` (dimension, options, format).
   */
  load?(input: LoadInput): VectorIndex;
}

/** Everything {@link IndexAm.load} needs: the definition's settings and the saved bytes. */
export interface LoadInput {
  dim: number;
  opclass: OpClass;
  /** Validated options (the value `parseOptions` returned). */
  options: unknown;
  /** Seed for random choices of later inserts. */
  seed: number;
  source: ByteSource;
}
