/**
 * Plan nodes: the program the executor runs (PostgreSQL's Plan structs). A plan is data: a
 * tree of nodes, each with its estimated rows and cost, its expressions already bound to
 * positions of its input tuple (`slot` i) or to executor parameters (`execParam`), and the
 * shape of the tuple it emits (`layout`, which the planner uses to bind the node above).
 * The executor builds one state object per node (exec/nodes/) and never looks at the query.
 *
 * Tuples are flat `Value[]` arrays. A scan emits the columns of its relation that the query
 * needs, in `cols` order; a join emits its outer tuple followed by its inner tuple; an Agg
 * emits its group keys followed by its aggregate results.
 */
import type { SeriesType } from '../../types/series.js';
import type { Table } from '../../storage/table.js';
import type { IndexAm, OrderedIndex, ScanKeyOp, VectorIndex } from '../../access/am.js';
import type { IndexDef } from '../../storage/catalog.js';
import type { IndexHint } from './index_hints.js';
import type { Expr } from '../analyze/expr.js';
import type { JoinType } from '../analyze/query.js';
import type { SqlType } from '../analyze/types.js';
import type { DeparseContext } from './deparse.js';
import type { BatchBuffers } from '../exec/nodes/index_scan.js';

/**
 * What position i of a node's output tuple holds: column `col` of range-table entry `rti`
 * of the planned level (col -1: the row id, PostgreSQL's ctid), or the value of an
 * expression computed below (a group key, an aggregate).
 */
export type LayoutItem = { rti: number; col: number } | { expr: Expr };

/** A sort key bound to the sorted node's input tuple. */
export interface SortSpec {
  expr: Expr;
  desc: boolean;
  nullsFirst: boolean;
  cmp: (a: unknown, b: unknown) => number;
  /** The key as EXPLAIN prints it. */
  text: string;
}

/** An aggregate call of an Agg node: its function and argument bound to the input tuple. */
export interface AggCall {
  /** The analyzed call (count / agg), for matching the expressions above. */
  call: Expr;
  /** `count(*)`: no argument. */
  arg: Expr | null;
  kind: 'count' | 'agg';
  /** string_agg's delimiter, bound; else null. */
  arg2: Expr | null;
  /** FILTER (WHERE ...), bound; only rows where it is TRUE are aggregated. */
  filter: Expr | null;
  /** DISTINCT: equal (non-NULL for strict aggregates) inputs are aggregated once. */
  distinct: boolean;
  /**
   * ORDER BY inside the call, bound (DISTINCT without ORDER BY sorts by the argument). When
   * DISTINCT or ORDER BY is present the group's inputs are collected, sorted and then folded.
   */
  order: { expr: Expr; desc: boolean; nullsFirst: boolean; cmp: (a: unknown, b: unknown) => number }[];
  /** GROUPING(...): its arguments as indices into the Agg's group keys (nothing is folded). */
  grouping?: number[];
}

/** A window function of a WindowAgg: its name, arguments bound to the input tuple, and aggregate. */
export interface WindowFunc {
  name: string;
  args: Expr[];
  /** For an aggregate: count (`count(*)` has no argument) or the aggregate's implementation. */
  agg: { kind: 'count' } | { kind: 'agg'; impl: { init(): unknown; step(s: unknown, v: unknown): unknown; final(s: unknown): unknown } } | null;
  /** An aggregate's FILTER (WHERE ...), bound: frame rows where it is not TRUE are skipped. */
  filter: Expr | null;
}

/** A value an executor parameter receives before a subtree runs: `id` := `expr`. */
export interface ParamAssign {
  id: number;
  expr: Expr;
}

/**
 * A subquery plan used in an expression (PostgreSQL's SubPlan). `args` are evaluated in the
 * calling node's tuple and assigned before the plan runs (correlated); an InitPlan has none
 * and runs at most once per execution, its scalar result landing in `outParam`.
 */
export interface SubPlan {
  /** 1-based number, as EXPLAIN names it (`SubPlan 2`, `InitPlan 1`). */
  id: number;
  plan: PlanNode;
  /**
   * 'multiexpr': the sub-SELECT of a multiple-column assignment (`SET (a, b) = (SELECT ...)`,
   * PostgreSQL's MULTIEXPR_SUBLINK), whose one row the UPDATE reads whole
   * (`EState.runMultiExpr`), never evaluated as an expression.
   */
  sub: 'expr' | 'exists' | 'any' | 'all' | 'array' | 'multiexpr';
  /**
   * any / all: the left operands (bound to the caller's tuple), one per subquery column, and
   * the comparison of each with its column; empty otherwise.
   */
  testArgs: Expr[];
  cmps: ((a: unknown, b: unknown) => unknown)[];
  op: string;
  args: ParamAssign[];
  /** Uncorrelated: evaluated once per execution (InitPlan, or a hashed SubPlan for ANY / ALL). */
  initPlan: boolean;
  /** InitPlan of a scalar or EXISTS subquery: the executor parameter its value is kept in. */
  outParam: number;
  /** Output column types (EXPLAIN's `(InitPlan 1).col1`). */
  types: SqlType[];
  /**
   * any: FALSE where the comparison is NULL (PostgreSQL's unknownEqFalse), for a correlated
   * EXISTS run as a hashed `= ANY` (planner.ts hashedExists): EXISTS is never NULL.
   */
  unknownEqFalse?: boolean;
}

/**
 * A planned statement (PostgreSQL's PlannedStmt): the plan, the plans of CTEs that are
 * materialized (read by CteScan nodes), the number of executor parameters, every SubPlan.
 */
export interface PlannedStmt {
  plan: PlanNode;
  ctes: { id: number; name: string; plan: PlanNode }[];
  nParams: number;
  subPlans: SubPlan[];
  /** EXPLAIN qualifies column names in join and upper-node expressions. */
  qualify: boolean;
  /** How constants print in EXPLAIN: the session's zone when the statement was planned. */
  deparse: DeparseContext;
  /** Vector indexes a k-NN ORDER BY could not use, and why (index_hints.ts); absent when none. */
  indexHints?: IndexHint[];
}

/** ORDER BY `<vector column> <operator> <query>` served by a scan: the column, operator and query. */
export interface KnnSpec {
  col: number;
  op: string;
  /** The query vector, bound (constant, parameter, cast, executor parameter). */
  query: Expr;
  /** The whole ORDER BY expression, bound to the scan's tuple (to print it). */
  expr: Expr;
  /** The ORDER BY expression as EXPLAIN prints it: in an index scan's Order By, and as a Sort Key. */
  text: string;
  sortText: string;
  /**
   * The distance is taken between `binary_quantize(column)` (a vector column, as a bit string
   * of its own length) and the query bit string, not the column itself: the exact scan then
   * compares sign bits without building the bit string per row.
   */
  signBits?: boolean;
}
/**
 * One index qual of a B-tree scan (PostgreSQL's ScanKey before evaluation): the key column's
 * position in the index, the strategy, and the comparison value bound as an expression
 * evaluated once per (re)scan: `arg` for a comparison, `list` for `IN (...)`, `arg` holding an
 * array for `= ANY (array)` (`array` true), nothing for IS [NOT] NULL.
 */
export interface IndexQualSpec {
  col: number;
  op: ScanKeyOp;
  arg: Expr | null;
  list: Expr[] | null;
  array: boolean;
}

/** Fields every plan node has. */
export interface PlanBase {
  /** Estimated rows emitted per execution (PostgreSQL's plan_rows). */
  rows: number;
  /** Estimated cost to the first row and to the last, in vecgres' cost units. */
  startupCost: number;
  totalCost: number;
  /** Estimated average tuple width in bytes (EXPLAIN's width=). */
  width: number;
  /** What each position of the emitted tuple holds. */
  layout: LayoutItem[];
  /** Filter over the node's own tuple (only TRUE passes), or null. */
  qual: Expr | null;
  /** Projection: output tuple = these expressions over the node's tuple, or null (emit as is). */
  project: Expr[] | null;
  /** InitPlans first used by this node's expressions, printed under it. */
  initPlans: SubPlan[];
  /** SubPlans (correlated) used by this node's expressions, printed under it. */
  subPlans: SubPlan[];
  /** Executor parameters this subtree reads that are set outside it (rescan must recompute). */
  extParams: number[];
  /** Materialized CTEs of the query level this node is the top of (EXPLAIN prints `CTE name`). */
  cteDefs?: { id: number; name: string; plan: PlanNode }[];
  /**
   * Set on a subquery's top node when its SubqueryScan was left out: the scan it stood for,
   * and whether PostgreSQL's plan of the subquery carries columns besides its select list.
   */
  elidedScan?: { scan: ScanTarget; junk: boolean };
}

/**
 * How a k-NN index scan applies its WHERE clause (vecgres' filtered search, plan/scan.ts),
 * when the user left hnsw.iterative_scan unset; null: pgvector's post-filter.
 */
export interface FilteredKnn {
  /**
   * The strategy chosen by cost: 'exact' (the qual over the table into a bitmap, exact
   * distances over its rows), 'traversal' (the bitmap consulted by the index search),
   * 'iterative' (the index scan continued until `limit` rows pass the qual). 'exact' and
   * 'traversal' build the bitmap and choose again between them from its row count.
   */
  strategy: FilterStrategy;
  /** Rows the planner expects the qual to keep. */
  estRows: number;
  /** LIMIT + OFFSET at plan time (the rows the scan must produce when they exist). */
  limit: number;
  /** Set by vecgres.filtered_search: run `strategy`, never re-choose from the bitmap's count. */
  forced: boolean;
  /**
   * A B-tree index some conjuncts match: the bitmap comes from its amgetbitmap instead of the
   * qual over the whole table (null: no index matches, or enable_bitmapscan is off).
   */
  bitmapIndex: FilterBitmapIndex | null;
}

/**
 * The B-tree bitmap of a filtered k-NN scan: the rows matching `quals` in index `indexName`
 * (exact, as a Bitmap Index Scan's), then `rest` (the other conjuncts, bound to the scan's
 * tuple; null: none) evaluated on those rows only. `condText` is EXPLAIN's Index Cond.
 */
export interface FilterBitmapIndex {
  indexName: string;
  index: OrderedIndex;
  quals: IndexQualSpec[];
  condText: string;
  rest: Expr | null;
}

/**
 * 'subgraph' is chosen at run time only (the planner does not know which filters have one):
 * the index searched a structure it keeps for the filter's key (access/am.ts RowFilter.key).
 */
export type FilterStrategy = 'exact' | 'traversal' | 'iterative' | 'subgraph';

/** EXPLAIN's name of a filter strategy. */
export const FILTER_STRATEGY_NAMES: Record<FilterStrategy, string> = {
  exact: 'exact over bitmap',
  traversal: 'filtered traversal',
  iterative: 'iterative index scan',
  subgraph: 'filter subgraph',
};

/** A scan's relation as EXPLAIN names it: `Seq Scan on <name> [<alias>]`. */
export interface ScanTarget {
  rti: number;
  /** Relation / function / CTE name. */
  name: string;
  /** The alias when it differs from the name (printed after it), else null. */
  alias: string | null;
  /** Columns emitted (col -1: the row id). */
  cols: number[];
  /** EXPLAIN (VERBOSE)'s schema before `name`: `public` for a table, `pg_catalog` for a function; else null. */
  schema: string | null;
  /** The range-table entry's EXPLAIN name, quoted when needed: what qualifies its columns (`t_1.id`). */
  ref: string;
  /** Every column's name, in order (the physical row VERBOSE's Output lists for a whole-row scan). */
  colNames: readonly string[];
}

export type PlanNode =
  | (PlanBase & { node: 'Result'; input: PlanNode | null; oneTimeFilter: Expr | null })
  /**
   * `parallel`: PostgreSQL's Parallel Seq Scan (plan->parallel_aware): the participants of the
   * Gather Merge above share the table's rows among them (plan/parallel.ts).
   */
  | (PlanBase & { node: 'SeqScan'; scan: ScanTarget; table: Table; parallel?: boolean })
  | (PlanBase & { node: 'VirtualScan'; scan: ScanTarget; view: string })
  | (PlanBase & { node: 'PkLookup'; scan: ScanTarget; table: Table; indexName: string; key: Expr; keyText: string; /** Reads no column but the key: an Index Only Scan. */ indexOnly: boolean })
  /**
   * Ordered vector index scan. `nullsFirst`: rows whose key is NULL (not in the index) come
   * first. `distanceBound`: rows farther than it are not wanted (a WHERE `dist < c`), so the
   * scan stops once the index returns distances past it. `filtered`: vecgres' filtered search
   * (exec/nodes/index_scan.ts), null for the plain ordered scan.
   */
  | (PlanBase & { node: 'IndexScan'; scan: ScanTarget; table: Table; def: IndexDef; am: IndexAm; index: VectorIndex; knn: KnnSpec; filtered: FilteredKnn | null; nullsFirst: boolean; distanceBound: Expr | null;
      /**
       * Joins above the scan may drop rows (a filter on a joined table), so the scan continues
       * past its first search, in relaxed order, until the LIMIT above is met
       * (ScanOptions.continueScan), instead of ending after hnsw.ef_search rows.
       */
      continueScan?: boolean;
      /**
       * The executor's batch buffers that no running scan of this plan holds
       * (exec/nodes/index_scan.ts BatchBuffers): an execution takes one pair and gives it
       * back when it ends, so the executions of a cached plan allocate none.
       */
      spareBuffers?: BatchBuffers[];
    })
  /**
   * A B-tree index scan in key order (PostgreSQL's Index Scan on a btree): the rows matching
   * `quals`, forward or backward, fetched from the table and filtered by `qual`. `condText`
   * is EXPLAIN's Index Cond (null: none, a scan for ORDER BY alone).
   */
  | (PlanBase & {
      node: 'BtreeIndexScan'; scan: ScanTarget; table: Table; indexName: string; index: OrderedIndex; quals: IndexQualSpec[]; condText: string | null; backward: boolean;
      /**
       * Every column the query reads is a key of the index: PostgreSQL's Index Only Scan. The
       * table is in memory and holds each row's visibility, so the executor reads the values
       * there (what PostgreSQL does for pages not all-visible); the plan is named as PostgreSQL names it.
       */
      indexOnly: boolean;
    })
  /** Sets the bits of the rows matching `quals` in a bitmap for the node above (amgetbitmap). */
  | (PlanBase & { node: 'BitmapIndexScan'; table: Table; indexName: string; index: OrderedIndex; quals: IndexQualSpec[]; condText: string })
  /** The intersection / union of its inputs' bitmaps. */
  | (PlanBase & { node: 'BitmapAnd'; inputs: PlanNode[] })
  | (PlanBase & { node: 'BitmapOr'; inputs: PlanNode[] })
  /**
   * The rows of the bitmap its input builds, in row order, visible ones only, filtered by
   * `qual`. The bitmaps are exact, so `recheckText` (the index conditions) is printed as
   * PostgreSQL's Recheck Cond but never needs evaluating.
   */
  | (PlanBase & {
    node: 'BitmapHeapScan'; scan: ScanTarget; table: Table; input: PlanNode; recheckText: string;
    /** The quals of lossy bitmap scans (GIN), evaluated on each row before `qual` (EXPLAIN prints them only as Recheck Cond). */
    recheck?: Expr;
  })
  /**
   * Exact k-NN: a top-k heap over the SeqScan below it, SIMD distances; prints as Sort over Seq
   * Scan. `keys` is the whole ORDER BY bound to the scan's tuple: the distance (`knn.expr`)
   * first, then any further keys (ties of the distance), which only rows that may reach the
   * first k are evaluated on.
   */
  | (PlanBase & { node: 'TopK'; input: PlanNode & { node: 'SeqScan' }; knn: KnnSpec; nullsFirst: boolean; keys: SortSpec[] })
  /**
   * Gather Merge (PostgreSQL's nodeGatherMerge.c) over a TopK whose SeqScan is parallel:
   * `workers` planned workers and the leader each take part of the table's rows and keep their
   * own top k; the leader merges them into the one ORDER BY order (exec/nodes/gather_merge.ts,
   * exec/parallel_knn.ts). The workers actually launched (EXPLAIN ANALYZE) may be fewer.
   */
  | (PlanBase & { node: 'GatherMerge'; input: PlanNode & { node: 'TopK' }; workers: number })
  /**
   * Gather (PostgreSQL's nodeGather.c) over a Partial Aggregate of a parallel SeqScan: the
   * `workers` planned workers and the leader each fold part of the table's rows; the rows of
   * partial states pass up to the Finalize Aggregate (exec/nodes/gather.ts, exec/parallel_agg.ts).
   */
  | (PlanBase & { node: 'Gather'; input: PlanNode & { node: 'Agg' }; workers: number })
  | (PlanBase & { node: 'ValuesScan'; scan: ScanTarget; values: Expr[][] })
  | (PlanBase & { node: 'FunctionScan'; scan: ScanTarget; fname: string; args: Expr[]; /** A function returning one value: `args` is its call, one row. */ scalar?: boolean; /** json[b]_to_record[set]'s declared columns. */ recordColumns?: { name: string; type: SqlType; typmod: number }[]; ordinality?: boolean; /** generate_series: the type of its values. */ seriesType?: SeriesType })
  | (PlanBase & { node: 'SubqueryScan'; scan: ScanTarget; input: PlanNode })
  | (PlanBase & { node: 'CteScan'; scan: ScanTarget; cteId: number; cteName: string })
  | (PlanBase & { node: 'WorkTableScan'; scan: ScanTarget; cteId: number })
  | (PlanBase & { node: 'RecursiveUnion'; input: PlanNode; recursive: PlanNode; cteId: number; unionAll: boolean; types: SqlType[] })
  | (PlanBase & {
      node: 'NestLoop'; joinType: JoinType | 'semi' | 'anti'; outer: PlanNode; inner: PlanNode;
      /** Join condition over outer ++ inner (decides matches for outer joins), or null. */
      joinQual: Expr | null;
      /** Parameters set from each outer tuple before the inner side is rescanned. */
      nestParams: ParamAssign[];
      /** The outer side yields at most one row: a bound from above (LIMIT) applies to the inner side. */
      boundToInner?: boolean;
      outerWidth: number;
      innerWidth: number;
    })
  | (PlanBase & {
      /**
       * `right_semi` (PostgreSQL 18's Hash Right Semi Join): each hashed inner row is emitted
       * once, as inner ++ outer, when some outer row matches it and passes the join qual.
       * `right_anti` (Hash Right Anti Join): the hashed inner rows no outer row matched, each
       * once at the end, as inner ++ NULLs for the outer columns.
       */
      node: 'HashJoin'; joinType: JoinType | 'semi' | 'anti' | 'right_semi' | 'right_anti'; outer: PlanNode; inner: PlanNode & { node: 'Hash' };
      /** Hash keys: over the outer tuple, and over the inner tuple. */
      outerKeys: Expr[]; innerKeys: Expr[];
      /** Key equality for each pair (the `=` operator's implementation). */
      keyEq: ((a: unknown, b: unknown) => unknown)[];
      hashCondText: string;
      /**
       * Each outer row matches at most one inner row (a semi join over a subquery distinct on
       * its keys, run as an inner join): EXPLAIN VERBOSE's `Inner Unique: true`.
       */
      innerUnique?: true;
      /** Remaining join condition over outer ++ inner, or null. */
      joinQual: Expr | null;
      outerWidth: number;
      innerWidth: number;
    })
  | (PlanBase & { node: 'Hash'; input: PlanNode })
  | (PlanBase & { node: 'Material'; input: PlanNode })
  | (PlanBase & {
      node: 'Sort'; input: PlanNode; keys: SortSpec[];
      /**
       * Only the first `limit` tuples of each run equal on the first `prefix` keys are needed:
       * the parent is a Unique on those keys (limit 1) or a WindowAgg partitioned by them whose
       * row_number() run condition stops each partition after `limit` rows. The prefix keys'
       * types are hash-groupable (exec/sort_order.ts groupableTypes).
       */
      perGroup?: { prefix: number; limit: number };
    })
  /**
   * `ties`: FETCH FIRST ... WITH TIES; the ORDER BY keys bound to the input tuple and their
   * comparators (NULLs equal to each other), to keep returning rows equal to the last counted one.
   */
  | (PlanBase & { node: 'Limit'; input: PlanNode; limit: Expr | null; offset: Expr | null; ties?: { keys: Expr[]; cmps: ((a: unknown, b: unknown) => number)[] } })
  /**
   * FOR UPDATE / SHARE (PostgreSQL's LockRows, nodeLockRows.c): locks, for each tuple of its
   * input, the row of each marked table (`ctid` bound to the input tuple: that table's row
   * id), and passes the tuple on; a row another transaction holds is waited for (the statement
   * re-runs), skipped (SKIP LOCKED) or an error (NOWAIT). Sits below the level's Limit.
   */
  | (PlanBase & { node: 'LockRows'; input: PlanNode; marks: { table: Table; ctid: Expr; strength: 0 | 1 | 2 | 3; wait: 'block' | 'skip' | 'error' }[] })
  | (PlanBase & {
      node: 'Agg'; strategy: 'plain' | 'hashed'; input: PlanNode; groupKeys: Expr[]; groupText: string[]; aggs: AggCall[];
      /**
       * PostgreSQL's aggsplit (plan/parallel.ts): 'partial' folds rows of a parallel SeqScan
       * into transition states (one row per participant; `partialCols[i]` is the table column
       * of aggs[i]'s argument, -1 for count(*)); 'finalize' combines those rows and finishes
       * the aggregates. Absent: the whole aggregation.
       */
      split?: 'partial' | 'finalize'; partialCols?: number[];
      /**
       * GROUPING SETS: each set as indices into groupKeys; the node groups by each set, the
       * keys outside it NULL in that set's rows. Absent: one set of all groupKeys.
       */
      sets?: number[][];
    })
  | (PlanBase & { node: 'ProjectSet'; input: PlanNode; targets: Expr[] })
  /** The tuples of each input in turn (UNION ALL); inputs emit tuples of one shape. */
  | (PlanBase & { node: 'Append'; inputs: PlanNode[] })
  /**
   * INTERSECT / EXCEPT [ALL] by hashing (PostgreSQL 18's HashSetOp over its two inputs): counts
   * each distinct tuple of `left` and `right` and emits left tuples by the operation's rule.
   */
  | (PlanBase & { node: 'SetOp'; op: 'intersect' | 'except'; all: boolean; left: PlanNode; right: PlanNode; types: SqlType[] })
  /**
   * Window functions over input sorted on PARTITION BY then ORDER BY (PostgreSQL's
   * WindowAgg): emits each input tuple followed by the values of `funcs` for it.
   */
  | (PlanBase & {
      node: 'WindowAgg'; input: PlanNode;
      /** EXPLAIN's `Window: <text>` line. */
      windowText: string;
      partition: Expr[]; partCmps: ((a: unknown, b: unknown) => number)[];
      order: Expr[]; orderKeys: { desc: boolean; nullsFirst: boolean; cmp: (a: unknown, b: unknown) => number }[];
      frameOptions: number; startOffset: Expr | null; endOffset: Expr | null;
      funcs: WindowFunc[];
      /**
       * PostgreSQL 15's run condition (EXPLAIN's `Run Condition: <text>`): a qual from above
       * on a ranking function `funcs[func]` that holds for a leading run of each partition
       * only: rows whose value exceeds `limit` are not emitted (the rest of the partition is
       * skipped).
       */
      runCondition?: { func: number; limit: number; text: string };
    })
  /** Keeps the first of each run of tuples equal on `keys` (input sorted on them): DISTINCT ON. */
  | (PlanBase & { node: 'Unique'; input: PlanNode; keys: Expr[]; cmps: ((a: unknown, b: unknown) => number)[] });

export type PlanNodeKind = PlanNode['node'];

/** The child plans of `p`, outer first (initPlans and subPlans excluded). */
export function planChildren(p: PlanNode): PlanNode[] {
  switch (p.node) {
    case 'NestLoop':
    case 'HashJoin':
      return [p.outer, p.inner];
    case 'RecursiveUnion':
      return [p.input, p.recursive];
    case 'Append':
    case 'BitmapAnd':
    case 'BitmapOr':
      return p.inputs;
    case 'SetOp':
      return [p.left, p.right];
    case 'Result':
      return p.input === null ? [] : [p.input];
    case 'TopK':
    case 'GatherMerge':
    case 'Gather':
    case 'BitmapHeapScan':
    case 'SubqueryScan':
    case 'Hash':
    case 'Material':
    case 'Sort':
    case 'Limit':
    case 'LockRows':
    case 'Agg':
    case 'ProjectSet':
    case 'Unique':
    case 'WindowAgg':
      return [p.input];
    default:
      return [];
  }
}
