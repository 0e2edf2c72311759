/**
 * Ordered vector index scan (PostgreSQL's nodeIndexscan.c with an ORDER BY operator): rows of
 * the table in ascending distance from the query vector, through the access method's
 * begin/next/close scan interface (access/am.ts). The query is evaluated at each (re)scan, so
 * on the inner side of a nested loop (LATERAL top-k per outer row, the cross-join trap's
 * single outer row) each outer row gets its own index search.
 *
 * Without `filtered` (no WHERE clause, or the user set hnsw.iterative_scan: pgvector's
 * semantics) the scan keeps pulling while the qual rejects rows or rows are invisible, up to
 * the bound the parent set (LIMIT) or the end of what the index returns.
 *
 * With `filtered` (plan/scan.ts chose a strategy by cost) the scan returns LIMIT rows
 * whenever that many pass: it computes its result (at most LIMIT row ids) at the first call:
 * - exact / traversal: the qual over the table into a bitmap (exec/row_filter.ts), then, by
 *   its exact row count, exact distances over the bitmap's rows (knn_exact.ts) or the index
 *   search consulting the bitmap; if that search ends short of the rows that pass (a part of
 *   the graph it could not reach), the exact result replaces it.
 * - iterative: the index scan continued without a cap, the qual tested on the rows it
 *   returns; past a budget of rows (the estimate was wrong) or when the index is exhausted,
 *   the node builds the bitmap and decides again as above.
 * With the bitmap built, the plain index scan keeping the bitmap's rows is a third choice
 * (cheapest when most rows pass), abandoned for the traversal past its budget.
 */
import { PgError, SQLSTATE } from '../../../common/errors.js';
import type { Value } from '../../../storage/table.js';
import type { IndexScan, RowFilter, ScanOptions, VectorKey } from '../../../access/am.js';
import { BitString } from '../../../types/bit.js';
import { SparseVector } from '../../../types/sparsevec.js';
import { toVectorKey } from '../index_keys.js';
import { FILTER_STRATEGY_NAMES, type FilterBitmapIndex, type FilterStrategy, type PlanNode } from '../../plan/plan.js';
import { evalExpr } from '../eval.js';
import { PlanState, type EState } from '../executor.js';
import { exactKnnByDistance, exactKnnOverBitmap, exactKnnOverGathered, exactKnnOverRows } from '../knn_exact.js';
import { GatheredRows } from '../gathered_rows.js';
import { buildQualBitmap, keepPassing } from '../row_filter.js';
import { RowBitmap } from '../row_bitmap.js';
import { evalScanKeys } from './btree_scan_keys.js';
import { fetchRow } from './seq_scan.js';
import { compileScanProjection, type ScanProjection } from '../scan_projection.js';
import { boundValue } from '../../plan/knn_index.js';
import type { Expr } from '../../analyze/expr.js';
import { someNode } from '../../analyze/query.js';
import { GUC_FILTER_SUBGRAPHS } from '../../settings.js';

type IndexScanPlan = Extract<PlanNode, { node: 'IndexScan' }>;

/**
 * Rows an iterative filtered scan may take from the index before the node decides again:
 * four times the k / selectivity it expects to need, plus a widened search's worth.
 */
function scanBudget(k: number, sel: number): number {
  return (4 * k) / Math.max(sel, 1e-6) + 1000;
}

/**
 * The share of rows an iterative scan planned from an estimate expects to keep: the estimate,
 * but at least 10%, so a default estimate (0.5% for any `=`) widens the search at most sqrt(10)x;
 * when fewer rows pass, the budget sends the node to the bitmap instead.
 */
function plannedKeep(estRows: number, tableRows: number): number {
  return Math.max(0.1, estRows / tableRows);
}

/**
 * Row ids ordered by their distances (ties by row id): a resumed index scan returns its
 * batches each in order but not always after the previous one (pgvector's relaxed_order), and
 * the k rows of a filtered search are few, so they come out sorted.
 */
function byDistance(ids: readonly number[], dists: readonly number[]): Int32Array {
  // Usually already in order (one search's batch comes out ascending): no sort then.
  let sorted = true;
  for (let i = 1; i < ids.length && sorted; i++) {
    const a = dists[i - 1]!;
    const b = dists[i]!;
    sorted = a < b || (a === b && ids[i - 1]! <= ids[i]!);
  }
  const out = new Int32Array(ids.length);
  // A copy loop: Int32Array.from takes the iterator protocol, a few microseconds per query.
  if (sorted) {
    for (let i = 0; i < ids.length; i++) out[i] = ids[i]!;
    return out;
  }
  const order = ids.map((_, i) => i);
  order.sort((a, b) => (dists[a]! < dists[b]! ? -1 : dists[a]! > dists[b]! ? 1 : ids[a]! - ids[b]!));
  for (let i = 0; i < order.length; i++) out[i] = ids[order[i]!]!;
  return out;
}

/**
 * Positions in a plan's scan columns its qual reads, all of them when the qual holds a
 * subquery. Kept per plan node (plans are cached and never change), so a cached plan's
 * executions do not walk the qual again.
 */
const qualColumnsOf = new WeakMap<IndexScanPlan, number[]>();
function qualColumns(p: IndexScanPlan): number[] {
  let need = qualColumnsOf.get(p);
  if (need === undefined) {
    const cols = p.scan.cols;
    const used = new Set<number>();
    const whole = p.qual != null && someNode(p.qual, (x) => {
      if (x.k === 'slot') used.add(x.idx);
      return x.k === 'subplan' || x.k === 'sublink';
    });
    need = whole ? cols.map((_, i) => i) : [...used].filter((i) => i < cols.length).sort((a, b) => a - b);
    qualColumnsOf.set(p, need);
  }
  return need;
}

/** An expression without row references: a constant, a parameter, an outer value, or a cast of one. */
function rowFree(e: Expr): boolean {
  if (e.k === 'const' || e.k === 'param' || e.k === 'execParam') return true;
  return e.k === 'cast' && rowFree(e.arg);
}

/** Candidates fetched from the index per `next` call, at most. */
const BATCH = 256;
/**
 * Candidates asked for by the first `next` call; each later call asks for twice as many, up to
 * BATCH. A continuing scan (iterative, or continueScan under a join that filters) resumes its
 * search until it has filled the request, so a small first request saves searches when the
 * rows above need only a few.
 */
const FIRST_BATCH = 32;

/**
 * The row ids and distances of the batches an index scan reads (BATCH of each), with views of
 * their first `n` entries for a smaller request. A scan takes a pair from its plan's spares at
 * its first batch and gives it back when it ends ({@link takeBuffers}, {@link giveBack}), so
 * the executions of a cached plan reuse one pair instead of allocating two arrays each; a scan
 * of the same plan running meanwhile (another portal of the statement) finds none spare and
 * makes its own, so two scans never share one.
 */
export class BatchBuffers {
  readonly ids = new Int32Array(BATCH);
  readonly dists = new Float64Array(BATCH);
  private viewLength = BATCH;
  private idsView = this.ids;
  private distsView = this.dists;

  /** Makes {@link idsView} / {@link distsView} the first `n` entries (n <= BATCH); the last views are kept. */
  view(n: number): void {
    if (n === this.viewLength) return;
    this.viewLength = n;
    this.idsView = n === BATCH ? this.ids : this.ids.subarray(0, n);
    this.distsView = n === BATCH ? this.dists : this.dists.subarray(0, n);
  }

  /** The first n entries of {@link ids} as {@link view} last set them. */
  get viewIds(): Int32Array {
    return this.idsView;
  }

  /** The first n entries of {@link dists} as {@link view} last set them. */
  get viewDists(): Float64Array {
    return this.distsView;
  }
}

/** A pair of batch buffers for a scan of `p`: one of its spares, or a new one. */
function takeBuffers(p: IndexScanPlan): BatchBuffers {
  return p.spareBuffers?.pop() ?? new BatchBuffers();
}

/** Gives a scan's batch buffers back to its plan's spares (a few are kept; the scan no longer reads them). */
function giveBack(p: IndexScanPlan, b: BatchBuffers): void {
  const spare = (p.spareBuffers ??= []);
  if (spare.length < 4) spare.push(b);
}

export class IndexScanState extends PlanState {
  private scan: IndexScan | null = null;
  /** This scan's batch buffers, taken at its first batch and given back when it ends. */
  private buf: BatchBuffers | null = null;
  private got = 0;
  private pos = 0;
  private want = FIRST_BATCH;
  private emitted = 0;
  private done = false;
  private bound = Infinity;
  private searches = 0;
  private distanceComputations = 0;
  private tuplesReturned = 0;
  /** Index entries read and live rows fetched, for pg_stat_user_indexes (added when the scan closes). */
  private idxRead = 0;
  private idxFetched = 0;
  /** Filtered search: the result row ids, computed at the first call. */
  private result: Int32Array | null = null;
  private resultPos = 0;
  /** Filtered search: the strategy run last and the rows its bitmap held (-1: no bitmap). */
  private usedStrategy: FilterStrategy | null = null;
  private filterRows = -1;
  /** Filtered search: entries the B-tree index's bitmap scans returned (before visibility and the other conjuncts). */
  private btreeRows = 0;
  /** Filtered search: a bitmap was built (false when a current subgraph needed none). */
  private bitmapBuilt = false;
  /** NULLS FIRST: the visible rows whose key is NULL (not in the index), emitted before the index's. */
  private nullRows: number[] | null = null;
  private nullPos = 0;
  /** The plan's own projection computed from storage (scan_projection.ts), or null. */
  private readonly proj: ScanProjection | null;
  /** The qual is evaluated on this reused tuple when the projection copies the output out. */
  private readonly scratch: Value[];
  /**
   * Positions of a tuple read from the table (ascending; null: all of them), decided at the
   * first fetch: what the projection, the qual and the parent read ({@link tuplePositions}).
   */
  private positions: Int32Array | null | undefined = undefined;

  constructor(readonly p: IndexScanPlan, es: EState) {
    super(p, es);
    this.scratch = new Array(p.scan.cols.length);
    this.proj = p.project === null ? null : compileScanProjection(p.table, p.scan.cols, p.qual, p.project, false);
    this.projectsItself = this.proj !== null;
  }

  /**
   * The positions of the scan's tuple to read from the table: the projection's and the qual's
   * when the scan projects itself, else the qual's and those the parent reads, when it said
   * (PlanState.parentReads); null: every column. The ORDER BY's vector column is in the scan's
   * columns for the exact fallback's sake, and copying it out for every row (Table.get copies
   * a vector) cost a `SELECT id ... LIMIT 10` about a fifth of its time at a small ef_search.
   */
  private tuplePositions(): Int32Array | null {
    if (this.positions !== undefined) return this.positions;
    let pos: Int32Array | null = null;
    if (this.proj !== null) pos = this.proj.fetch;
    else if (this.parentReads !== null) {
      const need = new Set<number>(this.parentReads);
      for (const i of qualColumns(this.p)) need.add(i);
      if (need.size < this.p.scan.cols.length) pos = Int32Array.from([...need].sort((a, b) => a - b));
    }
    this.positions = pos;
    return pos;
  }

  /**
   * Row `r` as the scan's tuple, read at {@link tuplePositions} (the other positions are left
   * unset: nothing above reads them): a new tuple, or the scratch tuple when the scan projects.
   */
  private fetchTuple(r: number): Value[] {
    const table = this.p.table;
    const cols = this.p.scan.cols;
    const pos = this.tuplePositions();
    const out = this.proj !== null ? this.scratch : new Array<Value>(cols.length);
    if (pos === null) return fetchRow(table, cols, r, out);
    for (let j = 0; j < pos.length; j++) {
      const i = pos[j]!;
      const c = cols[i]!;
      out[i] = c < 0 ? r : table.get(c, r);
    }
    return out;
  }

  /** The batch buffers, taken from the plan's spares at the first batch. */
  private buffers(n: number): BatchBuffers {
    const b = (this.buf ??= takeBuffers(this.p));
    b.view(Math.min(BATCH, n));
    return b;
  }

  /** The scan's output for row `r` read as `row`: projected from storage, or the tuple itself. */
  private output(r: number, row: Value[]): Value[] {
    return this.proj === null ? row : this.proj.project(r, row, this.es);
  }

  override setBound(n: number): void {
    this.bound = n;
  }

  private query(): VectorKey | null {
    const q = evalExpr(this.p.knn.query, null, this.es) as Float32Array | Uint16Array | BitString | SparseVector | null;
    if (q === null) return null;
    const index = this.p.index;
    if ((q instanceof SparseVector ? q.dim : q.length) !== index.dim) {
      // pgvector's messages: the bit functions compare lengths, the vector types dimensions.
      if (q instanceof BitString) throw new PgError(SQLSTATE.data_exception, `different bit lengths ${index.dim} and ${q.length}`);
      throw new PgError(SQLSTATE.data_exception, `different ${index.opclass.kind} dimensions ${index.dim} and ${q instanceof SparseVector ? q.dim : q.length}`);
    }
    return toVectorKey(q);
  }

  private options(extra: Partial<ScanOptions> = {}): ScanOptions {
    const table = this.p.table;
    const xid = this.es.xid;
    const ahead = this.es.env.searchAhead;
    return { gucs: this.es.env.settings, limit: this.bound, isLive: (rowId) => table.visibleTo(rowId, xid), ...(ahead.length > 0 ? { searchAhead: ahead } : {}), ...extra };
  }

  private begin(): void {
    const q = this.query();
    if (q === null) {
      // A NULL query orders nothing: PostgreSQL's index scan returns no rows for it.
      this.done = true;
      return;
    }
    this.es.env.stats.countIndexScan(this.p.def.name, 0, 0);
    const bound = this.p.distanceBound === null ? undefined : boundValue(evalExpr(this.p.distanceBound, null, this.es));
    this.scan = this.p.index.beginScan(q, this.options({ continueScan: this.p.continueScan === true, ...(bound === undefined ? {} : { distanceBound: bound }) }));
  }

  /**
   * The visible rows whose key column is NULL, in row order (NULLS FIRST puts them before every
   * distance; the planner uses the index with NULLS FIRST only for a column key).
   */
  private collectNullRows(): number[] {
    const table = this.p.table;
    const xid = this.es.xid;
    const col = this.p.def.keys[0]!.column;
    const out: number[] = [];
    // A float32 vector column answers NULL from its pointer array without making a view.
    const inArena = table.def.columns[col]!.type === 'vector' && table.packedColumn(col) === null;
    for (let r = 0; r < table.slots; r++) {
      if (!table.visibleTo(r, xid)) continue;
      if (inArena ? table.vectorIsNull(col, r) : table.get(col, r) === null) out.push(r);
    }
    return out;
  }

  next(): Value[] | null {
    const table = this.p.table;
    const xid = this.es.xid;
    if (this.p.nullsFirst) {
      this.nullRows ??= this.collectNullRows();
      while (this.nullPos < this.nullRows.length && this.emitted < this.bound) {
        const r = this.nullRows[this.nullPos++]!;
        const row = this.fetchTuple(r);
        if (!this.qualPasses(this.p.qual, row)) continue;
        this.emitted++;
        return this.output(r, row);
      }
    }
    // Filtered search after the NULL-key rows: its k rows are enough, as a LIMIT above stops
    // reading once it has its rows.
    if (this.p.filtered !== null) return this.nextFiltered();
    if (this.scan === null && !this.done) this.begin();
    while (!this.done && this.emitted < this.bound) {
      if (this.pos >= this.got) {
        const b = this.buffers(this.want);
        this.got = this.scan!.next(b.viewIds, b.dists);
        this.want = Math.min(BATCH, this.want * 2);
        this.pos = 0;
        if (this.got === 0) {
          this.done = true;
          break;
        }
      }
      const r = this.buf!.ids[this.pos++]!;
      this.idxRead++;
      if (!table.visibleTo(r, xid)) continue;
      this.idxFetched++;
      const row = this.fetchTuple(r);
      if (!this.qualPasses(this.p.qual, row)) continue;
      this.emitted++;
      return this.output(r, row);
    }
    return null;
  }

  private nextFiltered(): Value[] | null {
    if (this.result === null) this.result = this.runFiltered();
    if (this.resultPos >= this.result.length) return null;
    const r = this.result[this.resultPos++]!;
    return this.output(r, this.fetchTuple(r));
  }

  /**
   * Row `r` as far as the qual reads it, into `row` (the other positions keep what they held):
   * a filtered search tests the qual on candidates it may not return, and a row's vector column
   * (a copy of its elements: Table.get) is rarely in the qual. A qual with a subquery gets the
   * whole row.
   */
  private fetchForQual(r: number, row: Value[]): Value[] {
    const cols = this.p.scan.cols;
    const need = qualColumns(this.p);
    const table = this.p.table;
    for (let j = 0; j < need.length; j++) {
      const i = need[j]!;
      const c = cols[i]!;
      row[i] = c < 0 ? r : table.get(c, r);
    }
    return row;
  }

  /** The filtered search's result: at most k row ids in ascending distance (module comment). */
  private runFiltered(): Int32Array {
    const f = this.p.filtered!;
    const k = Number.isFinite(this.bound) ? this.bound : f.limit;
    const q = this.query();
    if (q === null || k <= 0) return new Int32Array(0);
    const table = this.p.table;
    const xid = this.es.xid;
    const tableRows = Math.max(1, table.liveCount);
    if (f.forced) return this.runForced(q, k, tableRows);
    const key = this.keyedFilterKey();
    // The index's subgraph for the key, current for the table as it is (no change since it was
    // reconciled with a bitmap, no transaction in flight): searched without building a bitmap.
    if (key !== null && table.pendingRows === 0) {
      const rows = this.p.index.keyedFilterRows?.(key, table.changes) ?? -1;
      if (rows >= 0) {
        const out = this.keyedScan(q, k, key, table.changes, rows);
        if (out !== null) return out;
      }
      // The key's rows as the index kept them when they were last ranked exactly, the table
      // unchanged since (access/shared/keyed_rows.ts): their distances, and no pass over the
      // table for a bitmap, when the exact strategy still wins for that many rows.
      const list = this.p.index.keyedRowList?.(key, table.changes) ?? null;
      if (list !== null && this.exactWins(list.length, k, tableRows, key)) {
        this.filterRows = list.length;
        return this.exactOverList(q, list, k, key, table.changes);
      }
    }
    // A filter the index may keep a subgraph for goes to the bitmap, where that is priced.
    const keyedFirst = f.strategy === 'iterative' && key !== null && this.p.index.keyedFilterEligible?.(f.estRows) === true;
    if (f.strategy === 'iterative' && !keyedFirst) {
      // Planned from an estimate: give up after a budget of rows (the filter keeps fewer rows
      // near the query than estimated) and decide again from the bitmap's exact count.
      const budget = scanBudget(k, f.estRows / tableRows);
      const row: Value[] = new Array(this.p.scan.cols.length);
      const out = this.iterate(q, k, budget, plannedKeep(f.estRows, tableRows), (r) => table.visibleTo(r, xid) && this.qualPasses(this.p.qual, this.fetchForQual(r, row)));
      if (out !== null) {
        this.usedStrategy = 'iterative';
        return out;
      }
      return this.withBitmap((bm, rows) => this.bitmapStrategies(q, k, bm, rows, tableRows, false));
    }
    return this.withBitmap((bm, rows) => this.bitmapStrategies(q, k, bm, rows, tableRows, true));
  }

  /** vecgres.filtered_search named the strategy: run it (the exact answer still backs it up). */
  private runForced(q: VectorKey, k: number, tableRows: number): Int32Array {
    const f = this.p.filtered!;
    const table = this.p.table;
    const xid = this.es.xid;
    if (f.strategy === 'iterative') {
      const row: Value[] = new Array(this.p.scan.cols.length);
      const out = this.iterate(q, k, Infinity, plannedKeep(f.estRows, tableRows), (r) => table.visibleTo(r, xid) && this.qualPasses(this.p.qual, this.fetchForQual(r, row)));
      this.usedStrategy = 'iterative';
      if (out !== null) return out;
      return this.withBitmap((bm) => this.exact(q, bm, k));
    }
    return this.withBitmap((bm, rows) => (f.strategy === 'exact' || !this.p.am.capabilities.supportsFilter ? this.exact(q, bm, k) : this.traverse(q, k, bm, rows, tableRows)));
  }

  /**
   * With the bitmap's exact count: the cheapest of exact distances over its rows, the index
   * traversal consulting it, and (when `mayIterate`) the plain index scan keeping the rows in
   * it, which is abandoned for the traversal past its budget (rows near the query pass less
   * often than the count says: a filter anti-correlated with the vectors). Whatever the index
   * returns short of min(k, rows) is replaced by the exact answer.
   */
  private bitmapStrategies(q: VectorKey, k: number, bm: RowBitmap, rows: number, tableRows: number, mayIterate: boolean): Int32Array {
    const key = this.keyedFilterKey();
    // A filter named by a key and ranked exactly: the index keeps its rows for the next query
    // while the table does not change (runFiltered).
    const keepRows = (): void => {
      const table = this.p.table;
      if (key !== null && table.pendingRows === 0) this.p.index.keepKeyedRowList?.(key, table.changes, bm.toRowIds(rows));
    };
    if (rows <= k) {
      keepRows();
      return this.exact(q, bm, k);
    }
    const sel = rows / tableRows;
    const { traversal, iterative, keyed } = this.strategyCosts(rows, k, tableRows, mayIterate, key);
    // A subgraph of the filter's rows (the multi-tenant case), when the index may keep one and
    // it is the cheapest; the index builds it at the key's second request (access/am.ts).
    if (key !== null && keyed < rows && keyed < traversal && keyed < iterative && this.p.index.prepareKeyedFilter?.(this.keyedFilter(bm, rows, tableRows, key)) === true) {
      return this.traverse(q, k, bm, rows, tableRows, key);
    }
    if (rows <= traversal && rows <= iterative) {
      if (!(keyed < rows && keyed < traversal && keyed < iterative)) keepRows();
      return this.exact(q, bm, k);
    }
    if (iterative < traversal) {
      const out = this.iterate(q, k, scanBudget(k, sel), sel, (r) => bm.has(r));
      if (out !== null) {
        this.usedStrategy = 'iterative';
        return out;
      }
      if (!Number.isFinite(traversal)) return this.exact(q, bm, k);
    }
    return this.traverse(q, k, bm, rows, tableRows);
  }

  /**
   * What the bitmap strategies cost for a filter keeping `rows` of `tableRows` rows, in the
   * exact strategy's units (one sequential distance each; CostEstimate.accessFactor): the
   * filtered traversal, the iterative scan (when `mayIterate`), the search of a subgraph of
   * `key`'s rows (when the index may keep one for that many); Infinity for what cannot run.
   */
  private strategyCosts(rows: number, k: number, tableRows: number, mayIterate: boolean, key: string | null): { traversal: number; iterative: number; keyed: number } {
    const sel = rows / tableRows;
    const est = (filterMode: 'filter' | 'exhaustive' | 'keyed'): number => {
      const e = this.p.am.costEstimate(this.p.index, { tableRows, limit: k, selectivity: sel, gucs: this.es.env.settings, filterMode });
      return e.total * (e.accessFactor ?? 1);
    };
    return {
      traversal: this.p.am.capabilities.supportsFilter ? est('filter') : Infinity,
      iterative: mayIterate && this.p.am.capabilities.canContinue ? est('exhaustive') : Infinity,
      keyed: key !== null && this.p.index.keyedFilterEligible?.(rows) === true ? est('keyed') : Infinity,
    };
  }

  /** Whether {@link bitmapStrategies} would rank a filter of `key` keeping `rows` rows exactly. */
  private exactWins(rows: number, k: number, tableRows: number, key: string): boolean {
    if (rows <= k) return true;
    const { traversal, iterative, keyed } = this.strategyCosts(rows, k, tableRows, true, key);
    return rows <= traversal && rows <= iterative && !(keyed < rows && keyed < traversal && keyed < iterative);
  }

  /**
   * The index traversal consulting the bitmap (with `key`: the subgraph the index keeps for
   * it, when it has one); the exact answer when it comes up short.
   */
  private traverse(q: VectorKey, k: number, bm: RowBitmap, rows: number, tableRows: number, key: string | null = null): Int32Array {
    this.usedStrategy = 'traversal';
    const out: number[] = [];
    const dist: number[] = [];
    const filter = key === null ? bm.asFilter(rows, tableRows) : this.keyedFilter(bm, rows, tableRows, key);
    const scan = this.p.index.beginScan(q, this.options({ exhaustive: true, filter }));
    if (scan.stats().keyed === true) this.usedStrategy = 'subgraph';
    try {
      while (out.length < k) {
        const want = Math.min(BATCH, k - out.length);
        const b = this.buffers(want);
        const n = scan.next(b.viewIds, b.viewDists);
        if (n === 0) break;
        for (let i = 0; i < n && out.length < k; i++) {
          const r = b.ids[i]!;
          // The index returns only bitmap rows; the test keeps a method that ignores it honest.
          if (bm.has(r)) {
            out.push(r);
            dist.push(b.dists[i]!);
          }
        }
      }
    } finally {
      this.closeScan(scan);
    }
    if (out.length >= Math.min(k, rows)) return byDistance(out, dist);
    return this.exact(q, bm, k);
  }

  /**
   * The bitmap as a keyed filter, stamped with the table's change count when no transaction is
   * in flight (the bitmap is then every snapshot's: access/am.ts RowFilter.stamp).
   */
  private keyedFilter(bm: RowBitmap, rows: number, tableRows: number, key: string): RowFilter {
    const table = this.p.table;
    return { ...bm.asFilter(rows, tableRows), key, ...(table.pendingRows === 0 ? { stamp: table.changes } : {}) };
  }

  /**
   * The search of the index's subgraph for `key`, current for `stamp` (it holds exactly the
   * filter's `rows`): no bitmap. The qual is tested on the rows it returns all the same (a
   * few); null when it comes up short of min(k, rows), and the caller builds the bitmap.
   */
  private keyedScan(q: VectorKey, k: number, key: string, stamp: number, rows: number): Int32Array | null {
    const out: number[] = [];
    const dist: number[] = [];
    const table = this.p.table;
    const xid = this.es.xid;
    const row: Value[] = new Array(this.p.scan.cols.length);
    const scan = this.p.index.beginScan(q, this.options({ exhaustive: true, keyedFilter: { key, stamp } }));
    try {
      while (out.length < k) {
        const want = Math.min(BATCH, k - out.length);
        const b = this.buffers(want);
        const n = scan.next(b.viewIds, b.viewDists);
        if (n === 0) break;
        for (let i = 0; i < n && out.length < k; i++) {
          const r = b.ids[i]!;
          if (table.visibleTo(r, xid) && this.qualPasses(this.p.qual, this.fetchForQual(r, row))) {
            out.push(r);
            dist.push(b.dists[i]!);
          }
        }
      }
    } finally {
      this.closeScan(scan);
    }
    if (out.length < Math.min(k, rows)) return null;
    this.usedStrategy = 'subgraph';
    this.filterRows = rows;
    return byDistance(out, dist);
  }

  /**
   * The index scan continued without a cap, keeping the rows `keep` accepts, until k are kept
   * (their ids) or `budget` rows came back from the index (null: the caller decides again).
   */
  private iterate(q: VectorKey, k: number, budget: number, keepFraction: number, keep: (r: number) => boolean): Int32Array | null {
    const out: number[] = [];
    const dist: number[] = [];
    let seen = 0;
    const scan = this.p.index.beginScan(q, this.options({ exhaustive: true, keepFraction }));
    try {
      while (out.length < k) {
        if (seen >= budget) return null;
        // Ask for no more than are still missing: a larger request makes the index resume.
        const want = Math.min(BATCH, k - out.length);
        const b = this.buffers(want);
        const n = scan.next(b.viewIds, b.viewDists);
        if (n === 0) return null;
        seen += n;
        for (let i = 0; i < n && out.length < k; i++) {
          if (keep(b.ids[i]!)) {
            out.push(b.ids[i]!);
            dist.push(b.dists[i]!);
          }
        }
      }
    } finally {
      this.closeScan(scan);
    }
    return byDistance(out, dist);
  }

  /**
   * The filter's key when the qual is one `column = value` (value a constant or parameter, of
   * a scalar type): the name under which the index may keep a structure for its rows
   * (access/am.ts RowFilter.key). Any other qual: null. Equal keys mean the same rows of this
   * table; the bitmap, evaluated each time, stays the truth, so a key only chooses a cache.
   */
  private keyedFilterKey(): string | null {
    if (this.p.am.capabilities.keyedFilter !== true || this.es.env.settings.get(GUC_FILTER_SUBGRAPHS) !== true) return null;
    const qual = this.p.qual;
    if (qual == null || qual.k !== 'op2' || qual.op !== '=') return null;
    const cols = this.p.scan.cols;
    const slotCol = (e: Expr): number => (e.k === 'slot' ? cols[e.idx] ?? -1 : -1);
    let col = slotCol(qual.l);
    let other = qual.r;
    if (col < 0) {
      col = slotCol(qual.r);
      other = qual.l;
    }
    if (col < 0 || !rowFree(other)) return null;
    const v = evalExpr(other, null, this.es);
    const t = typeof v;
    if (t !== 'number' && t !== 'string' && t !== 'boolean' && t !== 'bigint') return null;
    return `${col}=${t}:${String(v)}`;
  }

  /** Builds the qual's bitmap (from the B-tree index when the plan names one), runs `fn` over it, frees it. */
  private withBitmap(fn: (bm: RowBitmap, rows: number) => Int32Array): Int32Array {
    const bi = this.p.filtered!.bitmapIndex;
    const qb = bi !== null ? this.btreeBitmap(bi) : buildQualBitmap(this.p.table, this.p.qual!, this.p.scan.cols, this.es, this.es.xid);
    try {
      this.filterRows = qb.rows;
      this.bitmapBuilt = true;
      return fn(qb.bitmap, qb.rows);
    } finally {
      qb.bitmap.free();
    }
  }

  /**
   * The qual's rows from a B-tree index (amgetbitmap, exact: one bit per row id), the visible
   * ones, then the other conjuncts evaluated on those rows only.
   * @throws whatever evaluating the scan keys or the other conjuncts throws (PgError), after freeing the bitmap.
   */
  private btreeBitmap(bi: FilterBitmapIndex): { bitmap: RowBitmap; rows: number } {
    const table = this.p.table;
    const bitmap = new RowBitmap(table.slots);
    try {
      const keys = evalScanKeys(bi.quals, this.es);
      if (keys !== null) {
        const bits = new Uint32Array(bitmap.words);
        this.btreeRows += bi.index.getBitmap(keys, bits);
        bitmap.load(bits);
      }
      bitmap.restrictToVisible(table, this.es.xid);
      if (bi.rest !== null) {
        keepPassing(bitmap, table, bi.rest, this.p.scan.cols, this.es);
      }
      return { bitmap, rows: bitmap.count() };
    } catch (e) {
      bitmap.free();
      throw e;
    }
  }

  /** Exact distances over the filter's rows: a bitmap, or the row list the index kept (ascending row ids). */
  private exact(q: VectorKey, bm: RowBitmap | Int32Array, k: number): Int32Array {
    this.usedStrategy = 'exact';
    this.distanceComputations += this.filterRows;
    const { table, knn } = this.p;
    if (knn.col >= 0 && knn.signBits !== true && table.def.columns[knn.col]!.type === 'vector') {
      return bm instanceof Int32Array ? exactKnnOverRows(table, knn.col, q as Float32Array, knn.op, bm, k) : exactKnnOverBitmap(table, knn.col, q as Float32Array, knn.op, bm, k);
    }
    // Any other key (an expression, a halfvec or bit column): the ORDER BY distance evaluated
    // on each row of the bitmap, as the exact plan's Sort would.
    const row: Value[] = new Array(this.p.scan.cols.length);
    return exactKnnByDistance(bm, k, (r) => evalExpr(knn.expr, fetchRow(table, this.p.scan.cols, r, row), this.es) as number | null);
  }

  /**
   * Exact distances over the row list the index kept for `key` at `stamp`: over its vectors
   * gathered into one block (gathered_rows.ts) when the key is a float32 vector column, made
   * at the list's first reuse and kept with the list, else through the list row by row.
   */
  private exactOverList(q: VectorKey, list: Int32Array, k: number, key: string, stamp: number): Int32Array {
    const { table, knn, index } = this.p;
    if (knn.col >= 0 && knn.signBits !== true && table.def.columns[knn.col]!.type === 'vector' && index.keyedRowBlock !== undefined) {
      let g = index.keyedRowBlock(key, stamp);
      let owned = false;
      if (!(g instanceof GatheredRows)) {
        g = GatheredRows.gather(table, knn.col, list);
        owned = g !== null && index.keepKeyedRowBlock?.(key, stamp, g) !== true;
      }
      if (g instanceof GatheredRows) {
        try {
          if (g.ids.length === 0 || g.dim === (q as Float32Array).length) {
            this.usedStrategy = 'exact';
            this.distanceComputations += this.filterRows;
            return exactKnnOverGathered(g, q as Float32Array, knn.op, k);
          }
        } finally {
          if (owned) g.free();
        }
      }
    }
    return this.exact(q, list, k);
  }

  private closeScan(scan: IndexScan): void {
    const s = scan.stats();
    this.searches += s.searches;
    this.distanceComputations += s.distanceComputations;
    this.tuplesReturned += s.tuplesReturned;
    scan.close();
  }

  private close(): void {
    if (this.idxRead > 0) this.es.env.stats.countIndexTuples(this.p.def.name, this.idxRead, this.idxFetched);
    this.idxRead = 0;
    this.idxFetched = 0;
    if (this.scan !== null) {
      this.closeScan(this.scan);
      this.scan = null;
    }
  }

  rescan(): void {
    this.close();
    this.got = 0;
    this.pos = 0;
    this.want = FIRST_BATCH;
    this.emitted = 0;
    this.done = false;
    this.result = null;
    this.resultPos = 0;
    this.nullRows = null;
    this.nullPos = 0;
    this.proj?.rescan();
  }

  override end(): void {
    this.close();
    this.proj?.end();
    if (this.buf !== null) {
      giveBack(this.p, this.buf);
      this.buf = null;
    }
    // The lines are EXPLAIN ANALYZE's only: an execution that is not explained builds none.
    if (!this.es.instrumenting) return;
    const extra: [string, string | number][] = [];
    const f = this.p.filtered;
    if (f !== null && this.usedStrategy !== null) {
      const used = FILTER_STRATEGY_NAMES[this.usedStrategy];
      const actual = this.filterRows >= 0 ? `, actual rows ${this.filterRows}` : '';
      const planned = this.usedStrategy !== f.strategy ? `; planned ${FILTER_STRATEGY_NAMES[f.strategy]}` : '';
      const noBitmap = this.filterRows >= 0 && !this.bitmapBuilt ? '; no bitmap' : '';
      extra.push(['Filtered Search', `${used} (estimated rows ${f.estRows}${actual}${planned}${noBitmap})`]);
      if (f.bitmapIndex !== null && this.bitmapBuilt) {
        extra.push(['Filter Bitmap', `Bitmap Index Scan on ${f.bitmapIndex.indexName} (Index Cond: ${f.bitmapIndex.condText}; index rows ${this.btreeRows})`]);
      }
    }
    extra.push(['Index Searches', this.searches], ['Distance Computations', this.distanceComputations], ['Index Tuples Returned', this.tuplesReturned]);
    this.instr.extra = extra;
  }
}
