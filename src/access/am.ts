/**
 * The access-method interface: what every vector (and scalar) index method implements and the
 * only thing the SQL layer knows about indexes (as PostgreSQL's IndexAmRoutine). Concrete
 * methods live in `access/<method>/` and are registered by the engine; they never import each
 * other or `sql/`.
 *
 * Row identity: indexes store `rowId`s, the table's stable int32 slot numbers (a tuple id).
 * Deleted rows stay in the index as tombstones until vacuum; scans skip rows the caller
 * reports as dead through {@link ScanOptions.isLive}.
 */
import type { Arena } from '../kernels/arena.js';
import type { GucDef, GucReader } from '../common/guc.js';
import type { ByteSink, ByteSource } from '../storage/stream.js';
import type { Value } from '../storage/table.js';
import type { SparseVector } from '../types/sparsevec.js';

/** The distance an operator class orders by. pgvector's opclass suffixes. */
export type Metric = 'l2' | 'ip' | 'cosine' | 'l1' | 'hamming' | 'jaccard';

/** Element type of the indexed vectors. */
export type VectorKind = 'vector' | 'halfvec' | 'bit' | 'sparsevec';

/**
 * A vector as an index method receives it, typed by the opclass's {@link VectorKind}: float32
 * elements (`vector`), binary16 bit patterns (`halfvec`, as the type stores them), or packed
 * bits (`bit`: the first bit in the high bit of byte 0, ceil(dim / 8) bytes, the unused low
 * bits of the last byte zero), or a {@link SparseVector} (`sparsevec`: sorted 0-based indices and
 * float32 values, `dim` its dimension count). `dim` elements (bits for `bit`). Methods store
 * them in that type, never widened.
 */
export type VectorKey = Float32Array | Uint16Array | Uint8Array | SparseVector;

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

/** Everything `build` needs. Vectors are {@link VectorKey}s of `dim` elements of the opclass's kind. */
export interface BuildInput {
  dim: number;
  opclass: OpClass;
  /** Validated options (the value `parseOptions` returned). */
  options: unknown;
  /** Number of rows `forEachRow` will yield (for progress and preallocation). */
  rowCount: number;
  /** Calls `fn` for every live row with a non-null vector; `vec` may be reused between calls. */
  forEachRow(fn: (rowId: number, vec: VectorKey) => void): void;
  /**
   * For {@link IndexAm.buildAsync}: as {@link forEachRow}, for the rows with ids in
   * [from, min(to, {@link rowIdEnd})), so a build reads the rows in ranges over several turns of
   * the event loop. Rows at or past `rowIdEnd` (written after the build started) are never
   * yielded; a row that died between two ranges is simply skipped (the caller reconciles).
   */
  forEachRowIn?(from: number, to: number, fn: (rowId: number, vec: VectorKey) => void): void;
  /** The row id bound of {@link forEachRowIn} (the table's slot count when the build started). */
  rowIdEnd?: number;
  /** Called from time to time during the build. */
  onProgress?: (p: BuildProgress) => void;
  /** Seed for the method's random choices (HNSW levels, k-means sampling). */
  seed: number;
  /**
   * Workers the build may add to the calling thread (`max_parallel_maintenance_workers`);
   * absent or 0: a serial build. A method that builds in parallel uses at most this many.
   */
  parallelWorkers?: number;
  /**
   * Bytes of keys from which a build goes parallel (PostgreSQL's `min_parallel_table_scan_size`,
   * 8 MB by default): smaller builds take less time than starting the workers saves.
   */
  parallelMinBytes?: number;
  /**
   * For {@link IndexAm.buildAsync}: the calling thread takes part too, in short slices between
   * other work (a plain CREATE INDEX, whose session waits for the build anyway). Absent: it
   * leaves the work to the pool's workers (CREATE INDEX CONCURRENTLY leaves the thread to other
   * sessions).
   */
  callerJoins?: boolean;
  /**
   * IVFFlat: samples x lists x dimensions from which a parallel build runs its k-means
   * iterations on the workers too (ivfflat/build.ts KMEANS_PARALLEL_MIN_WORK by default).
   */
  kmeansParallelMinWork?: number;
  /**
   * Receives a NOTICE the build raises (pgvector's ereport(NOTICE) during ambuild, e.g.
   * ivfflat's `index created with little data`); the SQL layer returns it with the statement.
   */
  onNotice?: (n: BuildNotice) => void;
}

/** The sizes and settings of a build, without its rows ({@link IndexAm.buildsOnWorkers}). */
export type BuildSizes = Pick<BuildInput, 'dim' | 'opclass' | 'options' | 'rowCount' | 'parallelWorkers' | 'parallelMinBytes'>;

/**
 * A build running off the event loop ({@link IndexAm.buildAsync}). Nothing it builds is
 * visible to anyone until the caller takes the structure `done` resolves with.
 */
export interface AsyncBuild<T = VectorIndex> {
  /**
   * Resolves with the structure (the caller owns it), or rejects with the build's error (a
   * PgError; 57014 after {@link cancel}); the half-built structure was freed then.
   */
  readonly done: Promise<T>;
  /** Rows inserted so far (for pg_stat_progress_create_index). */
  tuplesDone(): number;
  /** Asks the build to stop: `done` rejects with 57014 once every thread stopped touching it. */
  cancel(): void;
}

/** A NOTICE from an index build: message, DETAIL and HINT as PostgreSQL prints them. */
export interface BuildNotice {
  message: string;
  detail?: string;
  hint?: string;
}

/**
 * A set of row ids a scan may return (PostgreSQL has no equivalent in IndexAmRoutine; it is
 * the "allow list" of filtered vector search). The bitset lives in a WebAssembly memory so a
 * search loop reads it in place: bit `r & 31` of u32 word `r >>> 5` at byte offset
 * `bitmapPtr` of `bitmapMemory` is set when row `r` passes the WHERE clause (and is visible).
 * An index whose structures lie in another memory copies it into its own first. Whoever builds it
 * (an evaluation of the qual over the table, a B-tree bitmap scan) owns and frees it after
 * the scan closes.
 */
export interface RowFilter {
  /** Byte offset of the bitset in {@link bitmapMemory} (4-byte aligned). */
  bitmapPtr: number;
  /** The memory that holds the bitset. */
  bitmapMemory: Arena;
  /** Row ids the bitset covers (0 .. rowBits - 1); rows past it do not pass. */
  rowBits: number;
  /** Rows set in the bitset (its popcount). */
  rows: number;
  /** Fraction of the indexed rows that pass (rows / table rows). */
  selectivity: number;
  /**
   * The filter's identity when the caller can name it (a single `column = value`): equal keys
   * name the same predicate over the same table, so a method may keep a structure per key
   * (HNSW's filter subgraphs, {@link AmCapabilities.keyedFilter}). The bitset stays the truth:
   * a structure kept for a key is reconciled with it before use.
   */
  key?: string;
  /**
   * With `key`: the table's change count when the bitset was made, set only when no row of an
   * in-flight transaction existed (the bitset is then every snapshot's). A structure reconciled
   * with a bitset of the same key and stamp holds exactly its rows
   * ({@link VectorIndex.keyedFilterRows}).
   */
  stamp?: number;
}

/**
 * A search an index started ahead of its statement's execution, off the calling thread
 * ({@link VectorIndex.searchAhead}; access/hnsw/search_ahead.ts). The statement awaits
 * {@link settled}, then runs; its scan takes the result when it matches the scan's query and
 * settings and the structure has not changed in a way that invalidates it, else searches as
 * usual.
 */
export interface IndexSearchAhead {
  /** Resolves (never rejects) when the result is in, or the search was given up. */
  readonly settled: Promise<void>;
  /** The statement no longer waits for it (cancel, timeout, error): its result is dropped. */
  cancel(): void;
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
   * Only rows in this set may be returned; a method with {@link AmCapabilities.supportsFilter}
   * consults it during its traversal (so the rows it returns all pass), others ignore it.
   */
  filter?: RowFilter | null;
  /**
   * Instead of `filter`: the rows of the structure kept for `key`, which
   * {@link VectorIndex.keyedFilterRows} reported current for `stamp` (so the caller built no
   * bitset: the table has not changed since).
   */
  keyedFilter?: { key: string; stamp: number } | null;
  /**
   * Searches started ahead for the running statement ({@link VectorIndex.searchAhead}): a scan
   * whose first search one of them answers takes its result instead of searching.
   */
  searchAhead?: readonly IndexSearchAhead[];
  /**
   * Continue past the first search until the caller stops asking, whatever the method's
   * iterative-scan setting says, with no tuple or memory cap (vecgres' default for filtered
   * queries, which must return LIMIT rows whenever that many pass). False or absent: the
   * method's settings (pgvector's semantics).
   */
  exhaustive?: boolean;
  /**
   * With `exhaustive` and no `filter`: the fraction of the returned rows the caller expects
   * to keep (its WHERE clause's selectivity). The method widens its search by its inverse, so
   * the `limit` rows kept are as accurate as an unfiltered scan's first `limit`.
   */
  keepFraction?: number;
  /**
   * Rows farther than this SQL distance are not wanted (the query has WHERE `distance < bound`):
   * a method whose scan returns rows in ascending distance may end it at the first row past the
   * bound (allowing for its own rounding). Absent: no bound.
   */
  distanceBound?: number;
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
  /** The scan searched the structure kept for its filter's key (RowFilter.key). */
  keyed?: boolean;
}

/** A built index of one method over one vector column (or expression) of one table. */
export interface VectorIndex {
  readonly method: string;
  readonly dim: number;
  readonly opclass: OpClass;
  /** Number of indexed rows, including tombstones not yet vacuumed. */
  readonly size: number;
  /** Adds a row after the build (aminsert). `vec` is copied. */
  insert(rowId: number, vec: VectorKey): void;
  /** Marks a row deleted; scans skip it from now on. Space is reclaimed by vacuum. */
  delete(rowId: number): void;
  /** Removes tombstones and repairs the structure (amvacuumcleanup). */
  vacuum?(): void;
  /**
   * With {@link AmCapabilities.keyedFilter}: whether a filter of `rows` rows may have a structure
   * of its own (size bounds), so the caller prices CostInput.filterMode 'keyed' only then.
   */
  keyedFilterEligible?(rows: number): boolean;
  /**
   * With {@link AmCapabilities.keyedFilter}: readies the structure kept for `filter.key`
   * (builds it, or catches it up with the bitset's rows) and returns true when a scan with this
   * filter will search it; false when the method keeps none for it (not eligible, not asked for
   * often enough yet, or no memory for it), and the caller chooses another strategy.
   */
  prepareKeyedFilter?(filter: RowFilter): boolean;
  /**
   * With {@link AmCapabilities.keyedFilter}: the rows of the structure kept for `key` when it
   * was last reconciled with a bitset of this `stamp` (RowFilter.stamp) and then held exactly
   * the bitset's rows, else -1. A scan with {@link ScanOptions.keyedFilter} then needs no bitset.
   */
  keyedFilterRows?(key: string, stamp: number): number;
  /**
   * With {@link AmCapabilities.keyedFilter}: the row ids (ascending) the caller kept for `key`
   * with {@link keepKeyedRowList} at this `stamp` (RowFilter.stamp), else null: the rows of
   * the filter, without a bitset, for a caller that ranks them exactly (access/shared/keyed_rows.ts).
   */
  keyedRowList?(key: string, stamp: number): Int32Array | null;
  /** Keeps `rows` (the visible rows passing the filter named `key`, ascending) for {@link keyedRowList} at `stamp`. */
  keepKeyedRowList?(key: string, stamp: number, rows: Int32Array): void;
  /**
   * With {@link keyedRowList}: the block the caller attached to the list of `key` with
   * {@link keepKeyedRowBlock}, if that list is current for `stamp`, else null.
   */
  keyedRowBlock?(key: string, stamp: number): KeyedRowBlock | null;
  /**
   * Attaches `block` (derived by the caller from the list of `key` current for `stamp`) to that
   * list: the index frees it when the list goes (a write, eviction, DROP INDEX) or to make room
   * for another block. False when it is not taken (no such list, or over the blocks' budget):
   * the caller still owns it.
   */
  keepKeyedRowBlock?(key: string, stamp: number, block: KeyedRowBlock): boolean;
  /**
   * Writes the whole structure to a checkpoint file, so reopening a database reads it back
   * instead of rebuilding it. Methods without it are rebuilt from the table at open.
   */
  save?(sink: ByteSink): void;
  /**
   * With {@link save}: the bytes {@link saveDelta} would write for the changes since the last
   * save (or load), or -1 when only a whole save can describe them. Absent: always whole.
   */
  deltaBytes?(): number;
  /**
   * Writes the changes since the last save (or load) to a checkpoint file, read back with
   * {@link applyDelta} over what that save wrote (incremental checkpoints, engine/durability.ts).
   */
  saveDelta?(sink: ByteSink): void;
  /** The checkpoint holding the latest {@link save} or {@link saveDelta} is in force. */
  markSaved?(): void;
  /**
   * Applies a delta {@link saveDelta} wrote to an index read back with IndexAm.load (and the
   * deltas before it). The caller verifies the file's checksum afterwards.
   * @throws PgError XX001 when the delta does not fit the index (the index must be disposed).
   */
  applyDelta?(source: ByteSource): void;
  /** Starts an ordered scan for query `q` (`dim` elements of the opclass's kind). */
  beginScan(q: VectorKey, opts: ScanOptions): IndexScan;
  /**
   * Starts the first search of a later {@link beginScan} with the same `q` and `opts` off the
   * calling thread (a pool worker), for a caller that can await it before executing; null when
   * the method does not (that scan's settings, a small index, no worker). The scan takes the
   * result through {@link ScanOptions.searchAhead}.
   */
  searchAhead?(q: VectorKey, opts: ScanOptions): IndexSearchAhead | null;
  /** Bytes the index occupies (what pg_relation_size reports). */
  sizeBytes(): number;
  /** Releases the index's memory (DROP INDEX). */
  dispose(): void;
}

/**
 * Something a caller derives from a keyed row list (VectorIndex.keyedRowList) and hands to the
 * index to keep with it, e.g. the list's vectors gathered into one block (sql/exec/gathered_rows.ts).
 */
export interface KeyedRowBlock {
  /** Rows it holds: what it counts against the index's budget for blocks. */
  readonly rows: number;
  /** Releases its memory; called once, by the index, when the list goes or the block is evicted. */
  free(): void;
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
  /**
   * How the WHERE clause reaches the scan: 'post' (rows are tested after the index returns
   * them, the scan continuing as its settings allow: pgvector), 'exhaustive' (tested after,
   * the scan continuing until `limit` pass), 'filter' (a {@link RowFilter} consulted during
   * the traversal), 'keyed' (a structure kept for the filter's key holds just its rows:
   * {@link AmCapabilities.keyedFilter}). Absent: 'post'.
   */
  filterMode?: 'post' | 'exhaustive' | 'filter' | 'keyed';
}

/** Estimated work, in "distance computations" (the unit the planner compares plans in). */
export interface CostEstimate {
  startup: number;
  total: number;
  /** Rows the scan is expected to return (before the caller's LIMIT). */
  rows: number;
  /**
   * What one of this estimate's distance computations costs in an exact scan's sequential ones
   * (a graph search's random reads, heap and visited-set work); 1 when absent. The planner and
   * the filtered scan weigh it when they choose between the index and exact distances over a
   * filter's rows; `total` itself stays in the unit plans are compared in.
   */
  accessFactor?: number;
}

/** An index method (CREATE INDEX ... USING <name>). */
export interface IndexAm {
  readonly name: string;
  /** What the method can do (IndexAmRoutine's flags), the same record ordered methods carry. */
  readonly capabilities: AmCapabilities;
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
  /**
   * Builds the index over existing rows with the slow part off the event loop (CREATE INDEX
   * CONCURRENTLY): rows are read on the calling thread, with `input.forEachRow` before this
   * returns or, when given, `input.forEachRowIn` in ranges between other work; the rest runs
   * on worker threads or in short slices between other work. Absent: the method builds
   * synchronously with {@link build}.
   * @throws PgError as {@link build} for what is checked before the rows are read.
   */
  buildAsync?(input: BuildInput): AsyncBuild;
  /**
   * True when {@link build} of `input` would run on worker threads (a parallel build): a plain
   * CREATE INDEX then runs through {@link buildAsync} when its session can await, so other
   * sessions are not stalled.
   * Absent: never.
   */
  buildsOnWorkers?(input: BuildSizes): boolean;
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

// ---------------------------------------------------------------------------------------------
// Scalar-key ("ordered") access methods, B-tree and GIN: scalar keys, index quals, ordered
// scans (B-tree) and bitmaps (both).
// PostgreSQL's IndexAmRoutine answers the same questions with amcanorder, amcanunique,
// amcanmulticol, amgetbitmap and amsearchnulls; the planner reads the flags, never the method.
// ---------------------------------------------------------------------------------------------

/** What an index method can do (IndexAmRoutine's capability flags). */
export interface AmCapabilities {
  /** Returns rows in key order (amcanorder): serves ORDER BY col [DESC]. */
  canOrder: boolean;
  /** Returns rows ordered by a distance operator (amcanorderbyop): k-NN. */
  canOrderByOp: boolean;
  /** Enforces uniqueness (amcanunique): CREATE UNIQUE INDEX. */
  canUnique: boolean;
  /** Indexes several key columns (amcanmulticol). */
  canMultiCol: boolean;
  /** Returns every matching row id at once as a bitmap (amgetbitmap). */
  canReturnBitmap: boolean;
  /** Answers IS NULL / IS NOT NULL quals (amsearchnulls). */
  searchNulls: boolean;
  /** Ordered-by-operator scans consult {@link ScanOptions.filter} during the traversal. */
  supportsFilter: boolean;
  /** Ordered-by-operator scans honour {@link ScanOptions.exhaustive} (continue until the caller stops). */
  canContinue: boolean;
  /**
   * Filtered scans whose {@link RowFilter.key} is set may search a structure kept for that key
   * (HNSW: a subgraph of the key's rows, built at the key's second request), reported by
   * {@link ScanStats.keyed}; otherwise they consult the filter as usual.
   */
  keyedFilter?: boolean;
}

/**
 * One key column of an ordered index: its sort order and comparison (the operator class's
 * support function 1, e.g. btint4cmp, supplied by the SQL layer for the column's type).
 */
export interface OrderedKeySpec {
  /** Total order of two non-NULL values: negative, 0 or positive. */
  cmp: (a: Value, b: Value) => number;
  /** DESC key: stored in descending order. */
  desc: boolean;
  /** NULLs before non-NULL values in the stored order (default: NULLS LAST for ASC, FIRST for DESC). */
  nullsFirst: boolean;
  /**
   * Values are always JS numbers (int2, int4, float4, float8): stored in a Float64Array
   * instead of an array of boxed values.
   */
  flat: boolean;
  /** The key's operator class (IndexKey.opclass): what a GIN files a value under. */
  opclass?: string;
}

/**
 * An operator class of a method whose keys are not the column type's B-tree order (GIN):
 * the key types it takes and the operators it answers (its pg_amop entries).
 */
export interface KeyOpClass {
  name: string;
  /** The operator class used when CREATE INDEX names none for a type it accepts (opcdefault). */
  isDefault: boolean;
  /** Whether it indexes a key of this SQL type (`jsonb`, `text[]`). */
  accepts(type: string): boolean;
  operators: readonly ScanKeyOp[];
}

/**
 * An index qual's strategy: B-tree strategy numbers 1-5, plus IS [NOT] NULL and `= ANY`; GIN's
 * containment and existence operators (`@>`, `<@`, `&&`, `?`, `?|`, `?&`; `=` of arrays).
 */
export type ScanKeyOp = '<' | '<=' | '=' | '>=' | '>' | 'isnull' | 'notnull' | 'in' | '@>' | '<@' | '&&' | '?' | '?|' | '?&';

/**
 * An index qual `key column <op> value` (PostgreSQL's ScanKey). `value` is the comparison
 * constant, already coerced to the column's type (never NULL: a comparison with NULL matches
 * nothing and the planner folds it); `values` is the array of an `IN` / `= ANY` key.
 */
export interface ScanKey {
  /** Key column position in the index (0-based). */
  col: number;
  op: ScanKeyOp;
  value?: Value;
  values?: readonly Value[];
}

/** Options of an ordered index scan. */
export interface OrderedScanOptions {
  /** Scan from the high end of the key order down (ORDER BY ... DESC on an ASC index). */
  backward: boolean;
  /** False for rows deleted (or not visible to this transaction); such rows are skipped. */
  isLive(rowId: number): boolean;
}

/** A resumable scan in index key order (amgettuple for B-trees). */
export interface OrderedScan {
  /** Fills `rowIds` with the next matching rows in key order; returns how many (0: done). */
  next(rowIds: Int32Array): number;
  stats(): ScanStats;
  close(): void;
}

/**
 * A set of row ids as a bitset: bit `r & 31` of word `r >>> 5` (PostgreSQL's TIDBitmap, exact
 * and without pages since row ids are dense slot numbers).
 */
export type RowBitmap = Uint32Array;

/** A built ordered index over one or more scalar key columns of one table. */
export interface OrderedIndex {
  readonly kind: 'ordered';
  readonly method: string;
  readonly keys: readonly OrderedKeySpec[];
  /** Number of entries, including tombstones not yet vacuumed. */
  readonly size: number;
  /** Adds an entry (aminsert); `values` holds one value per key column (NULL allowed). */
  insert(rowId: number, values: readonly Value[]): void;
  /** Marks the row's entry dead; scans skip it from now on and vacuum removes it. */
  delete(rowId: number): void;
  /** Removes the entries of rows marked dead (amvacuumcleanup). */
  vacuum(): void;
  /**
   * Row ids whose key equals `values` on every column (no column NULL), dead ones included:
   * the caller decides which conflict (the unique check, _bt_check_unique).
   */
  findEqual(values: readonly Value[]): number[];
  /** Starts a scan returning the rows matching every key of `keys`, in key order. */
  beginOrderedScan(keys: readonly ScanKey[], opts: OrderedScanOptions): OrderedScan;
  /**
   * Sets in `bitmap` the bit of every row matching every key of `keys` (amgetbitmap), dead
   * rows included (the heap scan checks visibility). Returns how many entries it set.
   */
  getBitmap(keys: readonly ScanKey[], bitmap: RowBitmap): number;
  /** Bytes the index occupies (what pg_relation_size reports). */
  sizeBytes(): number;
  dispose(): void;
}

/** Everything an ordered method's build needs. */
export interface OrderedBuildInput {
  keys: readonly OrderedKeySpec[];
  /** Calls `fn` for every live row with its key values (`values` may be reused between calls). */
  forEachRow(fn: (rowId: number, values: readonly Value[]) => void): void;
  /** For {@link OrderedIndexAm.buildAsync}: as {@link BuildInput.forEachRowIn}. */
  forEachRowIn?(from: number, to: number, fn: (rowId: number, values: readonly Value[]) => void): void;
  /** The row id bound of {@link forEachRowIn} (the table's slot count when the build started). */
  rowIdEnd?: number;
  onProgress?: (p: BuildProgress) => void;
  rowCount: number;
}

/** A scalar-key index method (CREATE INDEX ... USING btree | gin). */
export interface OrderedIndexAm {
  readonly kind: 'ordered';
  readonly name: string;
  readonly capabilities: AmCapabilities;
  /**
   * The method's own operator classes (GIN). Absent: each key takes its type's B-tree
   * operator class, and the comparison operators are the ones answered.
   */
  readonly keyOpclasses?: readonly KeyOpClass[];
  /** Validates WITH options (22023 for unknown ones or out-of-range values). */
  parseOptions(raw: RawOptions, dim?: number): unknown;
  build(input: OrderedBuildInput): OrderedIndex;
  /**
   * Builds as {@link build} without blocking the event loop for long (CREATE INDEX
   * CONCURRENTLY): rows are read with `input.forEachRowIn` in ranges and the sort runs in
   * slices between other work. Absent: the method builds synchronously with {@link build}.
   */
  buildAsync?(input: OrderedBuildInput): AsyncBuild<OrderedIndex>;
  /**
   * Estimated cost (PostgreSQL's units) of the index part of reading `selectivity` of the
   * entries: descent plus the leaf pages and index tuples read (btcostestimate); the planner
   * adds the table fetches. `rows` is the estimated number of entries returned.
   */
  costEstimate(index: OrderedIndex, input: { tableRows: number; selectivity: number }): CostEstimate & { rows: number };
}

/** True when `am` is an ordered (B-tree) method. */
export function isOrderedAm(am: IndexAm | OrderedIndexAm): am is OrderedIndexAm {
  return (am as OrderedIndexAm).kind === 'ordered';
}

/** True when `index` is an ordered (B-tree) index structure. */
export function isOrderedIndex(index: VectorIndex | OrderedIndex): index is OrderedIndex {
  return (index as OrderedIndex).kind === 'ordered';
}
