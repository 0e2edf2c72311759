/**
 * B-tree index paths for one table (PostgreSQL's indxpath.c, costsize.c cost_index /
 * cost_bitmap_heap_scan, much reduced): which WHERE conjuncts an ordered index can answer
 * (match_clause_to_indexcol: `col op value` with the column on either side, `IN`, `= ANY`,
 * `IS [NOT] NULL`, an OR of comparisons of one column as `op ANY`), and the cheapest of
 *
 *   - an Index Scan (rows in key order; also for ORDER BY col [DESC] [LIMIT n]),
 *   - a Bitmap Heap Scan over one Bitmap Index Scan, a BitmapAnd of scans of several indexes,
 *     or a BitmapOr for an OR whose every arm an index answers,
 *
 * against the sequential scan, each disabled path (enable_indexscan, enable_bitmapscan,
 * enable_seqscan) costing DISABLE_COST more as PostgreSQL's enable_* settings do.
 *
 * The planner sees indexes only through access/am.ts: an index is usable here when its method
 * is an ordered method ({@link isOrderedAm}) whose capabilities allow the path.
 */
import { isOrderedAm, isOrderedIndex, type OrderedIndex, type OrderedIndexAm, type ScanKeyOp } from '../../access/am.js';
import type { IndexDef } from '../../storage/catalog.js';
import type { Table } from '../../storage/table.js';
import { isVolatileCall, comparatorFor, forEachOperand, type Expr } from '../analyze/expr.js';
import { exprEqual, type RangeTblEntry, type SelectQuery } from '../analyze/query.js';
import { compileIndexDef } from '../exec/index_keys.js';
import { toRti } from './knn_index.js';
import { predicateImpliedBy, redundantClauses } from './predtest.js';
import { arrayTypeOf, type SqlType } from '../analyze/types.js';
import type { SqlEnv } from '../env.js';
import { CPU_OPERATOR_COST, CPU_TUPLE_COST, DISABLE_COST, ROWS_PER_PAGE, planBase, qualsSelectivity } from './cost.js';
import type { VarLookup } from './selfuncs.js';
import type { FilterBitmapIndex, IndexQualSpec, LayoutItem, PlanNode } from './plan.js';
import { relsOf, type PlannerInfo } from './planner.js';
import { scanTarget, type QualInfo } from './scan.js';
import type { VarExpr } from './setrefs.js';
import { pullUpExists, refersOutside } from './sublinks.js';

/** PostgreSQL's random_page_cost and seq_page_cost. */
const RANDOM_PAGE_COST = 4;
const SEQ_PAGE_COST = 1;

/** A B-tree index of the table usable by the planner: its key columns in the table. */
export interface OrderedCandidate {
  def: IndexDef;
  am: OrderedIndexAm;
  index: OrderedIndex;
  /** Table column of each key (-1 for an expression key). */
  cols: number[];
  /** Each expression key analyzed over range-table entry 0 (null for a column key): what a qual's operand must equal. */
  exprs: (Expr | null)[];
  /**
   * The operators the key's operator class answers when the method has its own (GIN: `@>`,
   * `?`, `&&`...); null for a B-tree, which answers the comparisons of the key's type.
   */
  ops: readonly ScanKeyOp[] | null;
  /**
   * The WHERE conjuncts a partial index's predicate makes redundant: true for every row it
   * holds, so its scans do not filter them (create_indexscan_plan).
   */
  redundant: ReadonlySet<Expr>;
  /** A partial index's predicate over the query's range table entry; null for a complete index. */
  predicate: Expr | null;
}

/** A WHERE conjunct an index answers: the qual, the key it constrains and the scan key to build. */
interface MatchedQual {
  qual: Expr;
  spec: IndexQualSpec;
  /** The qual as EXPLAIN prints it in Index Cond: the indexed column on the left. */
  cond: Expr;
  /** What the index's selectivity is estimated from, when not `qual`. */
  estimate?: Expr;
  /** The index returns a superset of the rows `qual` keeps: the heap scan rechecks it (GIN). */
  lossy?: boolean;
}

/**
 * The ordered indexes of `table` (range table entry `rti`) the planner may use under the WHERE
 * conjuncts `clauses`: complete ones, and partial ones whose predicate the conjuncts imply
 * (check_index_predicates: the rows the index leaves out are rows the query does not want).
 */
export function orderedCandidates(env: SqlEnv, table: Table, rti: number, clauses: readonly Expr[]): OrderedCandidate[] {
  const out: OrderedCandidate[] = [];
  for (const def of env.catalog.indexesOf(table.name)) {
    const am = env.methods.get(def.method);
    const index = env.indexes.get(def.name);
    if (am === undefined || index === undefined || !isOrderedAm(am) || !isOrderedIndex(index)) continue;
    let redundant: ReadonlySet<Expr> = NONE_REDUNDANT;
    let pred: Expr | null = null;
    if (def.predicate !== null) {
      const c = compileIndexDef(env, def, table).predicate;
      pred = c === null ? null : toRti(c, rti);
      if (pred === null || !predicateImpliedBy(pred, clauses)) continue;
      redundant = redundantClauses(pred, clauses);
    }
    const exprs = def.keys.some((k) => k.expr !== null) ? compileIndexDef(env, def, table).keyExprs.map((e, i) => (def.keys[i]!.expr === null ? null : e)) : def.keys.map(() => null);
    const ops = am.keyOpclasses?.find((o) => o.name === def.keys[0]!.opclass)?.operators ?? (am.keyOpclasses === undefined ? null : []);
    out.push({ def, am, index, cols: def.keys.map((k) => (k.expr === null ? k.column : -1)), exprs, ops, redundant, predicate: pred });
  }
  return out;
}

const NONE_REDUNDANT: ReadonlySet<Expr> = new Set();

/**
 * A bitmap scan's recheck conditions `conds` of a partial index with the predicate's
 * conjuncts they do not imply (create_bitmap_subplan: the heap scan's recheck holds the
 * predicate, so that the conjuncts it guarantees need no filter).
 */
function withPredicate(cand: OrderedCandidate, conds: Expr[]): Expr[] {
  if (cand.predicate === null) return conds;
  const preds = cand.predicate.k === 'and' ? cand.predicate.args : [cand.predicate];
  return [...conds, ...preds.filter((p) => !predicateImpliedBy(p, conds))];
}

const COMMUTE: Record<string, ScanKeyOp> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
/**
 * Families of types one key comparator orders consistently with the comparison operators
 * across the family (PostgreSQL's btree operator families integer_ops, float_ops, text_ops):
 * integers by value (numbers and bigints alike), floats as doubles (float48lt), text and
 * varchar by the same string order.
 */
const FAMILIES: readonly ReadonlySet<SqlType>[] = [new Set(['int2', 'int4', 'int8']), new Set(['float4', 'float8']), new Set(['text', 'varchar'])];

/** Whether a value of type `t` compares with a key of type `key` through the key's comparator as the qual's operator does. */
function comparable(key: SqlType, t: SqlType): boolean {
  return key === t || FAMILIES.some((f) => f.has(key) && f.has(t));
}

/** The keys of one index as a qual's operand is matched against them. */
type IndexKeys = Pick<OrderedCandidate, 'cols' | 'exprs'> & { ops?: OrderedCandidate['ops']; redundant?: OrderedCandidate['redundant'] };

/**
 * Key position of `e` if it is a key of the index over table entry `rti`: a column it holds,
 * or an expression equal to an expression key (match_index_to_operand: the same analyzed
 * tree, over this table only).
 */
function keyPos(e: Expr, rti: number, keys: IndexKeys): number {
  const pos = keys.exprs.findIndex((x) => x !== null && exprEqual(toRti(x, rti), e));
  if (pos >= 0) return pos;
  // varchar::text is binary-compatible (a RelabelType in PostgreSQL, which
  // match_index_to_operand looks through): the varchar key's order is the text order.
  if (e.k === 'cast' && e.from === 'varchar' && e.type === 'text') e = e.arg;
  if (e.k !== 'var' || e.levelsUp !== 0 || e.rti !== rti) return -1;
  return keys.cols.indexOf(e.col);
}

/** The value side of a qual must not read the scanned table (it is evaluated once per scan). */
function constantFor(e: Expr, rti: number): boolean {
  return !relsOf(e).has(rti) && !containsVolatile(e);
}

/**
 * Sublinks and volatile functions are left to the Filter: PostgreSQL makes no index qual with
 * a volatile value, and a SubPlan would run once per scan instead of once per row. A scalar
 * subquery that reads nothing of the enclosing query is not one: it runs once as an InitPlan,
 * and its parameter is a constant of the scan (PostgreSQL's SS_process_sublinks replaces it by
 * the Param before index paths are made, so `a = (SELECT max(b) FROM u)` is an Index Cond).
 */
function containsVolatile(e: Expr): boolean {
  if (e.k === 'sublink' && e.sub === 'expr' && !refersOutside(e.query as SelectQuery)) return false;
  if (e.k === 'sublink' || e.k === 'subplan' || isVolatileCall(e)) return true;
  let found = false;
  forEachOperand(e, (x) => {
    if (!found && containsVolatile(x)) found = true;
  });
  return found;
}

/**
 * An OR arm `key op value` (the key on either side, the operator then commuted): the key's
 * position, the key, the value and the operator as seen from the key; null for another arm.
 */
function cmpArm(arm: Expr, rti: number, keys: IndexKeys): { pos: number; key: Expr; val: Expr; op: ScanKeyOp; fn: Extract<Expr, { k: 'op2' }>['fn'] } | null {
  if (arm.k !== 'op2' || COMMUTE[arm.op] === undefined) return null;
  let pos = keyPos(arm.l, rti, keys);
  let key = arm.l, val = arm.r, op = arm.op as ScanKeyOp;
  if (pos < 0) {
    pos = keyPos(arm.r, rti, keys);
    key = arm.r;
    val = arm.l;
    op = COMMUTE[arm.op]!;
  }
  if (pos < 0 || !constantFor(val, rti) || !comparable(key.type, val.type)) return null;
  return { pos, key, val, op, fn: arm.fn };
}

/**
 * An OR of `key op value` arms on one key with one operator as the index qual
 * `key op ANY (values)` (PostgreSQL 18's match_orclause_to_indexcol): every arm compares the
 * same key by the same operator (`=`, `<`, `<=`, `>`, `>=`, either side) with a value that
 * reads nothing of the table, the values all of one type (as the array needs). The OR itself
 * stays the qual (a bitmap scan rechecks it as written); the `op ANY` form is the Index Cond.
 * `=` scans each value (an IN scan key); `<` / `<=` ANY is `<` / `<=` the greatest value and
 * `>` / `>=` ANY is `>` / `>=` the least (as the B-tree's array preprocessing keeps the most
 * permissive element; GREATEST and LEAST skip NULLs as ANY does, and all NULL compares with
 * NULL, which selects nothing). Null when not that shape.
 */
function matchOrAsAny(qual: Extract<Expr, { k: 'or' }>, rti: number, keys: IndexKeys): MatchedQual | null {
  const arms = qual.args.map((a) => cmpArm(a, rti, keys));
  const first = arms[0];
  if (first == null || arms.some((a) => a === null || a.pos !== first.pos || a.op !== first.op || a.val.type !== first.val.type)) return null;
  const valType = first.val.type;
  const arrType = arrayTypeOf(valType);
  if (arrType === null) return null;
  const list = arms.map((a) => a!.val);
  // PostgreSQL builds the array's left side from the last arm's key (all arms' keys are equal).
  const last = arms[arms.length - 1]!;
  // The array is of the values' type (make_SAOP_expr), not the key's: `d = 1 OR d = 2` on a
  // bigint key is `d = ANY ('{1,2}'::integer[])`.
  const arr: Expr = { k: 'array', type: arrType, elems: list };
  const cond: Expr = { k: 'arrayop', type: 'bool', op: first.op, all: false, arg: last.key, arr, fn: last.fn };
  if (first.op !== '=') {
    const cmp = orderOf(valType);
    // No order of the values' own type to pick the bound by: left to a BitmapOr of the arms.
    if (cmp === null) return null;
    const bound: Expr = { k: 'minmax', type: valType, greatest: first.op === '<' || first.op === '<=', args: list, cmp };
    return { qual, spec: { col: first.pos, op: first.op, arg: bound, list: null, array: false }, cond };
  }
  // Estimated as the IN list it equals (scalararraysel: the values are disjoint events).
  const estimate: Expr = { k: 'in', type: 'bool', arg: last.key, list, eq: last.fn, negate: false, hashed: null };
  return { qual, spec: { col: first.pos, op: 'in', arg: null, list, array: false }, cond, estimate };
}

/** The total order GREATEST / LEAST use for `t` (the one its `<` compares by), or null when `t` has none. */
function orderOf(t: SqlType): ReturnType<typeof comparatorFor> | null {
  try {
    return comparatorFor(t);
  } catch {
    return null;
  }
}

/** The operator of `b op a` that means `a op b` (its pg_operator.oprcom), for the operators an operator class answers. */
const OPCLASS_COMMUTE: Partial<Record<string, ScanKeyOp>> = { '@>': '<@', '<@': '@>', '&&': '&&', '=': '=' };

/**
 * `qual` as an index qual of a key whose operator class answers `ops` (GIN): `key op value`
 * with `op` among them, or `value op key` commuted (`'{a}' <@ tags` is `tags @> '{a}'`), the
 * value reading nothing of the table and of the type the operator takes (the key's own type,
 * text for `?`, text[] for `?|` and `?&`). The index returns a superset of the rows: `lossy`.
 */
function matchOpclassQual(qual: Expr, rti: number, keys: IndexKeys, ops: readonly ScanKeyOp[]): MatchedQual | null {
  if (qual.k !== 'op2') return null;
  let pos = keyPos(qual.l, rti, keys);
  let op = qual.op as ScanKeyOp;
  let key = qual.l, val = qual.r;
  if (pos < 0) {
    const com = OPCLASS_COMMUTE[qual.op];
    if (com === undefined) return null;
    pos = keyPos(qual.r, rti, keys);
    op = com;
    key = qual.r;
    val = qual.l;
  }
  if (pos < 0 || !ops.includes(op) || !constantFor(val, rti)) return null;
  const valType: SqlType = op === '?' ? 'text' : op === '?|' || op === '?&' ? 'text[]' : key.type;
  if (val.type !== valType) return null;
  return { qual, spec: { col: pos, op, arg: val, list: null, array: false }, cond: key === qual.l ? qual : { ...qual, op, l: key, r: val }, lossy: true };
}

/** `qual` as an index qual of an index with key columns `cols` over table entry `rti`, or null. */
function matchQual(qual: Expr, rti: number, cols: IndexKeys): MatchedQual | null {
  // A conjunct the partial index's predicate already guarantees is no index qual
  // (check_index_predicates leaves it out of the index's restriction clauses).
  if (cols.redundant?.has(qual) === true) return null;
  if (cols.ops !== undefined && cols.ops !== null) return matchOpclassQual(qual, rti, cols, cols.ops);
  if (qual.k === 'or') return matchOrAsAny(qual, rti, cols);
  if (qual.k === 'op2' && COMMUTE[qual.op] !== undefined) {
    let pos = keyPos(qual.l, rti, cols);
    let op = qual.op as ScanKeyOp;
    let col = qual.l, val = qual.r;
    if (pos < 0) {
      pos = keyPos(qual.r, rti, cols);
      op = COMMUTE[qual.op]!;
      col = qual.r;
      val = qual.l;
    }
    if (pos < 0 || !constantFor(val, rti) || !comparable(col.type, val.type)) return null;
    return { qual, spec: { col: pos, op, arg: val, list: null, array: false }, cond: col === qual.l ? qual : { ...qual, op, l: col, r: val } };
  }
  if (qual.k === 'isnull') {
    const pos = keyPos(qual.arg, rti, cols);
    if (pos < 0) return null;
    return { qual, spec: { col: pos, op: qual.negate ? 'notnull' : 'isnull', arg: null, list: null, array: false }, cond: qual };
  }
  if (qual.k === 'in' && !qual.negate) {
    const pos = keyPos(qual.arg, rti, cols);
    if (pos < 0 || !qual.list.every((x) => constantFor(x, rti) && comparable(qual.arg.type, x.type))) return null;
    return { qual, spec: { col: pos, op: 'in', arg: null, list: qual.list, array: false }, cond: qual };
  }
  if (qual.k === 'arrayop' && qual.op === '=' && !qual.all) {
    const pos = keyPos(qual.arg, rti, cols);
    if (pos < 0 || !constantFor(qual.arr, rti) || qual.arr.type !== arrayTypeOf(qual.arg.type)) return null;
    return { qual, spec: { col: pos, op: 'in', arg: qual.arr, list: null, array: true }, cond: qual };
  }
  return null;
}

/** Heap pages fetched for `rows` rows of a `pages`-page table in random order (Mackert & Lohman, as index_pages_fetched). */
function pagesFetched(rows: number, pages: number): number {
  return Math.max(1, Math.min(pages, (2 * pages * rows) / (2 * pages + rows)));
}

/** A bitmap index scan, or a BitmapOr of them, a bitmap heap scan may read. */
interface BitmapLeaf {
  /** Fraction of the table's rows it selects. */
  sel: number;
  cost: number;
  make: () => PlanNode;
  /** The WHERE conjuncts it answers. */
  quals: Expr[];
  /** What the heap scan rechecks for it. */
  cond: Expr;
  /** Its recheck is not its quals as written: the heap scan also filters them. */
  refilter?: boolean;
  /** The index returns a superset of the rows its quals keep: the heap scan rechecks `cond` (GIN). */
  lossy?: boolean;
  /** Conjuncts its partial index's predicate makes redundant (not filtered by the heap scan). */
  redundant?: ReadonlySet<Expr>;
}

/**
 * The arms of an OR comparing one index key by one operator gathered, in PostgreSQL's order
 * (indxpath.c group_similar_or_args): each group where its first arm stood, its arms in their
 * order. An arm `key op value` (either side) belongs to the group of the first index, among
 * `cands`, with a key it compares, and of its operator and value type; other arms stay alone.
 * Returns groups of one or more arms covering `arms` once.
 */
function groupSimilarOrArms(arms: readonly Expr[], rti: number, cands: readonly OrderedCandidate[]): Expr[][] {
  const keyOf = (arm: Expr): string | null => {
    for (let i = 0; i < cands.length; i++) {
      const m = cmpArm(arm, rti, cands[i]!);
      // PostgreSQL groups by operator OID: `a = 1` (int4eq) and `a = 2::bigint` (int48eq) differ.
      if (m !== null) return `${i}:${m.pos}:${m.op}:${m.val.type}`;
    }
    return null;
  };
  const groups: Expr[][] = [];
  const byKey = new Map<string, Expr[]>();
  for (const arm of arms) {
    const key = keyOf(arm);
    const g = key === null ? undefined : byKey.get(key);
    if (g !== undefined) {
      g.push(arm);
      continue;
    }
    const fresh = [arm];
    groups.push(fresh);
    if (key !== null) byKey.set(key, fresh);
  }
  return groups;
}

/** A scan of one table the planner may choose, before binding. */
interface Path {
  cost: number;
  startup: number;
  rows: number;
  make(): PlanNode;
}

/** Everything building the scan nodes of one table needs. */
export interface ScanCtx {
  info: PlannerInfo;
  rte: RangeTblEntry & { kind: 'relation' };
  rti: number;
  cols: number[];
  layout: LayoutItem[];
  quals: QualInfo[];
  lateralRef: ((v: VarExpr) => number | null) | undefined;
}

function andOf(exprs: Expr[]): Expr | null {
  if (exprs.length === 0) return null;
  return exprs.length === 1 ? exprs[0]! : { k: 'and', type: 'bool', args: exprs };
}

/** Index Cond lists the quals in index column order, as PostgreSQL prints them. */
function condsInKeyOrder(matched: readonly MatchedQual[]): Expr[] {
  return inKeyOrder(matched).map((m) => m.cond);
}

/**
 * A bitmap scan's Recheck Cond lists the quals as written (`1 = a`, an OR turned into
 * `= ANY`), in index column order: create_bitmap_subplan rechecks each index clause's
 * original RestrictInfo, not the index qual made of it.
 */
function rechecksInKeyOrder(matched: readonly MatchedQual[]): Expr[] {
  return inKeyOrder(matched).map((m) => m.qual);
}

function inKeyOrder(matched: readonly MatchedQual[]): MatchedQual[] {
  return matched.map((m, i) => ({ m, i })).sort((a, b) => a.m.spec.col - b.m.spec.col || a.i - b.i).map((x) => x.m);
}

function condText(info: PlannerInfo, conds: Expr[]): string {
  const e = andOf(conds)!;
  return info.text(e, info.global.useprefix('scan'));
}

function bindSpecs(info: PlannerInfo, node: PlanNode, specs: IndexQualSpec[], lateralRef: ScanCtx['lateralRef']): IndexQualSpec[] {
  return specs.map((s) => ({
    ...s,
    arg: s.arg === null ? null : info.bindFor(node, s.arg, [], lateralRef),
    list: s.list === null ? null : s.list.map((x) => info.bindFor(node, x, [], lateralRef)),
  }));
}

/** The index quals of each candidate among `quals` (candidates without a qual on their first key are left out). */
function matchAll(ctx: ScanCtx, cands: OrderedCandidate[], quals: readonly Expr[]): { cand: OrderedCandidate; matched: MatchedQual[] }[] {
  const out: { cand: OrderedCandidate; matched: MatchedQual[] }[] = [];
  for (const cand of cands) {
    const matched: MatchedQual[] = [];
    for (const q of quals) {
      const m = matchQual(q, ctx.rti, cand);
      if (m !== null && (m.spec.col < 1 || cand.am.capabilities.canMultiCol)) matched.push(m);
    }
    if (!matched.some((m) => m.spec.col === 0)) continue;
    if (!cand.am.capabilities.searchNulls && matched.some((m) => m.spec.op === 'isnull' || m.spec.op === 'notnull')) continue;
    out.push({ cand, matched });
  }
  return out;
}

/**
 * Fraction of the entries the matched quals select: one row for `=` on every key of a
 * UNIQUE index (as PostgreSQL's btcostestimate), else the product of the quals' estimates.
 */
function indexSelectivity(cand: OrderedCandidate, matched: readonly MatchedQual[], rows: number, lookup: VarLookup): number {
  if (cand.def.unique && cand.cols.every((_, pos) => matched.some((m) => m.spec.col === pos && m.spec.op === '='))) return 1 / rows;
  return qualsSelectivity(matched.map(estimatedQual), lookup);
}

/**
 * The clause a matched qual's index selectivity is estimated from: the `= ANY` form of an OR
 * turned into one (btcostestimate estimates the index quals, where the distinct values are
 * disjoint events), else the qual.
 */
function estimatedQual(m: MatchedQual): Expr {
  return m.estimate ?? m.qual;
}

/**
 * The heap I/O of fetching `rows` rows (fraction `sel`) of a `pages`-page table in index order
 * (PostgreSQL's cost_index): between a random page per page fetched, as when the key's order
 * has nothing to do with the rows' (Mackert & Lohman), and one random then sequential pages
 * over the fraction the rows fill, as when it is the same, interpolated by the square of the
 * index's correlation ({@link indexCorrelation}).
 */
function heapFetchCost(rows: number, sel: number, pages: number, correlation: number): number {
  const uncorrelated = pagesFetched(rows, pages) * RANDOM_PAGE_COST;
  const run = Math.ceil(sel * pages);
  const correlated = run > 0 ? RANDOM_PAGE_COST + (run - 1) * SEQ_PAGE_COST : 0;
  return uncorrelated + correlation * correlation * (correlated - uncorrelated);
}

/**
 * How the order of `cand`'s first key follows the order of the table's rows (btcostestimate):
 * ANALYZE's correlation of that column (pg_stats.correlation), times 0.75 for an index of
 * several keys; 0 without statistics or for an expression key.
 */
function indexCorrelation(cand: OrderedCandidate, rti: number, lookup: VarLookup): number {
  const col = cand.cols[0];
  if (col === undefined || col < 0) return 0;
  const c = lookup(rti, col)?.stats?.correlation ?? null;
  if (c === null || !Number.isFinite(c)) return 0;
  return cand.cols.length > 1 ? c * 0.75 : c;
}

/** Index-only part of a scan's cost (the method's estimate). */
function indexCost(cand: OrderedCandidate, tableRows: number, sel: number): { startup: number; total: number } {
  return cand.am.costEstimate(cand.index, { tableRows: Math.max(1, tableRows), selectivity: sel });
}

/**
 * The cheapest scan of a table among its B-tree paths and the sequential scan (`seq`, already
 * built), or `seq` itself. Called by planBaseRel for a table with at least one ordered index.
 */
export function bestIndexedScan(ctx: ScanCtx, seq: PlanNode): PlanNode {
  const { info, rte } = ctx;
  const table = rte.table;
  const env = info.global.env;
  const cands = orderedCandidates(env, table, ctx.rti, ctx.quals.map((q) => q.expr));
  if (cands.length === 0 || ctx.quals.length === 0) return seq;
  const gucs = env.settings;
  const seqPenalty = gucs.get('enable_seqscan') === true ? 0 : DISABLE_COST;
  const idxPenalty = gucs.get('enable_indexscan') === true ? 0 : DISABLE_COST;
  const bmPenalty = gucs.get('enable_bitmapscan') === true ? 0 : DISABLE_COST;
  const N = Math.max(1, info.global.relRows(table));
  const pages = Math.max(1, Math.ceil(N / ROWS_PER_PAGE));
  const qualExprs = ctx.quals.map((q) => q.expr);
  // Estimates from ANALYZE's statistics, as the sequential scan's: without them a selective
  // range (`n >= 19990`, 11 rows) was costed at the default 1/3 and never took the index.
  const lookup = info.statsLookup();
  const totalSel = qualsSelectivity(qualExprs, lookup);
  const outRows = N * totalSel;
  let best: Path = { cost: seq.totalCost + seqPenalty, startup: 0, rows: seq.rows, make: () => seq };
  const consider = (p: Path): void => {
    if (p.cost < best.cost) best = p;
  };
  const matches = matchAll(ctx, cands, qualExprs);
  /** A Bitmap Index Scan of `m`: its cost and selectivity. */
  const bitmapLeaves: BitmapLeaf[] = [];
  for (const { cand, matched } of matches) {
    const sel = indexSelectivity(cand, matched, N, lookup);
    const rows = N * sel;
    const ic = indexCost(cand, N, sel);
    const rest = qualExprs.filter((q) => !matched.some((m) => m.qual === q) && !cand.redundant.has(q));
    const filterCost = rows * info.qualOps(andOf(rest)) * CPU_OPERATOR_COST;
    const specs = matched.map((m) => m.spec);
    const conds = condsInKeyOrder(matched);
    // Plain index scan: the heap pages its rows lie on, in index order.
    const heap = heapFetchCost(rows, sel, pages, indexCorrelation(cand, ctx.rti, lookup)) + rows * CPU_TUPLE_COST;
    const out = Math.min(outRows, rows);
    // A method without ordered scans (GIN) returns its rows as a bitmap only (no amgettuple).
    if (cand.am.capabilities.canOrder) {
      consider({
        cost: ic.total + heap + filterCost + idxPenalty, startup: ic.startup, rows: out,
        make: () => makeIndexScan(ctx, cand, specs, conds, rest, false, out, ic.startup, ic.total + heap + filterCost),
      });
    }
    if (cand.am.capabilities.canReturnBitmap) {
      const leafCost = ic.total + rows * 0.1 * CPU_OPERATOR_COST;
      bitmapLeaves.push({
        sel, cost: leafCost, quals: matched.map((m) => m.qual), cond: andOf(withPredicate(cand, rechecksInKeyOrder(matched)))!, lossy: matched.some((m) => m.lossy === true), redundant: cand.redundant,
        make: () => makeBitmapIndexScan(ctx, cand, specs, conds, rows, leafCost),
      });
    }
  }
  // OR of arms each answered by an index: a BitmapOr (PostgreSQL's generate_bitmap_or_paths).
  const bitmapCands = cands.filter((c) => c.am.capabilities.canReturnBitmap);
  /** The cheapest bitmap index scan answering the whole of `arm` (its every conjunct an index qual), or null. */
  const armLeaf = (arm: Expr): BitmapLeaf | null => {
    const armQuals = arm.k === 'and' ? arm.args : [arm];
    let pick: BitmapLeaf | null = null;
    for (const { cand, matched } of matchAll(ctx, bitmapCands, armQuals)) {
      if (matched.length !== armQuals.length) continue;
      const sel = qualsSelectivity(matched.map(estimatedQual), lookup);
      const ic = indexCost(cand, N, sel);
      const leafCost = ic.total + N * sel * 0.1 * CPU_OPERATOR_COST;
      if (pick !== null && pick.cost <= leafCost) continue;
      const specs = matched.map((m) => m.spec), conds = condsInKeyOrder(matched);
      pick = { sel, cost: leafCost, quals: [arm], cond: arm, lossy: matched.some((m) => m.lossy === true), make: () => makeBitmapIndexScan(ctx, cand, specs, conds, N * sel, leafCost) };
    }
    return pick;
  };
  for (const q of qualExprs) {
    if (q.k !== 'or') continue;
    // Arms are gathered into `op ANY` scans of a B-tree key only.
    const groups = groupSimilarOrArms(q.args, ctx.rti, bitmapCands.filter((c) => c.ops === null));
    const arms: BitmapLeaf[] = [];
    let everyArm = true;
    let eqGroup = false;
    for (const group of groups) {
      if (group.length === 1) {
        const leaf = armLeaf(group[0]!);
        everyArm = leaf !== null;
        if (leaf === null) break;
        arms.push(leaf);
        continue;
      }
      // A group of comparisons of one key: one scan with `op ANY`, or a scan per arm when
      // that costs less or the group cannot be one (make_bitmap_paths_for_or_group).
      const joint = armLeaf({ k: 'or', type: 'bool', args: group });
      const split = group.map(armLeaf);
      const splitOk = split.every((x) => x !== null);
      const splitCost = splitOk ? split.reduce((c, x) => c + x!.cost, 0) : Infinity;
      if (joint !== null && (qualExprs.length === 1 || joint.cost <= splitCost)) {
        arms.push(joint);
        eqGroup ||= group[0]!.k === 'op2' && group[0]!.op === '=';
      } else if (splitOk) arms.push(...(split as BitmapLeaf[]));
      else {
        everyArm = false;
        break;
      }
    }
    // One arm left is one group of them all as one `= ANY` index qual: a leaf made above.
    if (!everyArm || arms.length < 2) continue;
    const sel = Math.min(1, arms.reduce((s, a) => s + a.sel, 0));
    const cost = arms.reduce((s, a) => s + a.cost, 0) + 0.1 * CPU_OPERATOR_COST * N * sel;
    // Gathered arms make a recheck that is no longer the OR as written. PostgreSQL's
    // create_bitmap_scan_plan then keeps the OR itself as the scan's Filter unless it proves
    // it from the index quals: it does for a group scanned by `<`, `<=`, `>`, `>=` ANY, not
    // for one scanned by `= ANY` (as PostgreSQL 18.6 prints these plans).
    const flat = arms.map((a) => a.cond);
    const regrouped = flat.length !== q.args.length || flat.some((c, i) => c !== q.args[i]);
    bitmapLeaves.push({
      sel, cost, quals: [q], cond: regrouped ? { k: 'or', type: 'bool', args: flat } : q, refilter: regrouped && eqGroup, lossy: arms.some((a) => a.lossy === true),
      make: () => {
        const inputs = arms.map((a) => a.make());
        return { ...planBase(N * sel, cost, cost, []), node: 'BitmapOr', inputs };
      },
    });
  }
  // Bitmap heap scans over one leaf, or over a BitmapAnd of leaves answering different quals
  // (choose_bitmap_and, greedy: add the next most selective leaf while the total falls).
  bitmapLeaves.sort((a, b) => a.sel - b.sel);
  const heapCost = (sel: number): number => {
    const rows = N * sel;
    const pf = pagesFetched(rows, pages);
    // One page costs a random read; more approach sequential reads as they cover the table.
    const perPage = pf < 2 ? RANDOM_PAGE_COST : RANDOM_PAGE_COST - (RANDOM_PAGE_COST - SEQ_PAGE_COST) * Math.sqrt(pf / pages);
    return pf * perPage + rows * (CPU_TUPLE_COST + CPU_OPERATOR_COST * qualExprs.length);
  };
  for (let i = 0; i < bitmapLeaves.length; i++) {
    const chosen = [bitmapLeaves[i]!];
    let sel = chosen[0]!.sel;
    let idx = chosen[0]!.cost;
    let total = idx + heapCost(sel);
    for (let j = 0; j < bitmapLeaves.length; j++) {
      const b = bitmapLeaves[j]!;
      if (j === i || b.quals.some((q) => chosen.some((c) => c.quals.includes(q)))) continue;
      const nIdx = idx + b.cost + 0.1 * CPU_OPERATOR_COST * N * b.sel;
      const nTotal = nIdx + heapCost(sel * b.sel);
      if (nTotal < total) {
        chosen.push(b);
        sel *= b.sel;
        idx = nIdx;
        total = nTotal;
      }
    }
    const used = chosen.flatMap((c) => (c.refilter === true ? [] : c.quals));
    const rest = qualExprs.filter((q) => !used.includes(q) && !chosen.some((c) => c.redundant?.has(q) === true));
    const startup = idx, cost = total;
    const out = Math.min(outRows, N * sel);
    consider({
      cost: cost + bmPenalty, startup, rows: out,
      make: () => {
        const input: PlanNode = chosen.length === 1
          ? chosen[0]!.make()
          : { ...planBase(N * sel, startup, startup, []), node: 'BitmapAnd', inputs: chosen.map((c) => c.make()) };
        const node: PlanNode = {
          ...planBase(out, startup, cost, ctx.layout),
          node: 'BitmapHeapScan', scan: scanTarget(info, rte, ctx.rti, ctx.cols), table, input,
          recheckText: condText(info, chosen.map((c) => c.cond)),
        };
        // A lossy leaf's quals are rechecked on every row it returns (Recheck Cond, not a Filter).
        const recheck = andOf(chosen.filter((c) => c.lossy === true && c.refilter !== true).flatMap((c) => c.quals));
        if (recheck !== null && node.node === 'BitmapHeapScan') node.recheck = info.bindFor(node, recheck, ctx.layout, ctx.lateralRef);
        const rq = andOf(rest);
        if (rq !== null) node.qual = info.bindFor(node, rq, ctx.layout, ctx.lateralRef);
        return node;
      },
    });
  }
  return best.make();
}

function makeIndexScan(
  ctx: ScanCtx, cand: OrderedCandidate, specs: IndexQualSpec[], conds: Expr[], rest: Expr[], backward: boolean,
  rows: number, startup: number, total: number,
): PlanNode {
  const { info, rte } = ctx;
  const node: PlanNode = {
    ...planBase(rows, startup, total, ctx.layout),
    node: 'BtreeIndexScan', scan: scanTarget(info, rte, ctx.rti, ctx.cols), table: rte.table, indexName: cand.def.name, index: cand.index,
    quals: [], condText: null, backward,
    indexOnly: ctx.cols.length > 0 && ctx.cols.every((c) => c >= 0 && cand.cols.includes(c)),
  };
  // Bound first: the text then names the InitPlans the quals read, numbered as bound.
  node.quals = bindSpecs(info, node, specs, ctx.lateralRef);
  if (conds.length > 0) node.condText = condText(info, conds);
  const rq = andOf(rest);
  if (rq !== null) node.qual = info.bindFor(node, rq, ctx.layout, ctx.lateralRef);
  return node;
}

function makeBitmapIndexScan(ctx: ScanCtx, cand: OrderedCandidate, specs: IndexQualSpec[], conds: Expr[], rows: number, cost: number): PlanNode {
  const { info, rte } = ctx;
  const node: PlanNode = {
    ...planBase(rows, cost, cost, []),
    node: 'BitmapIndexScan', table: rte.table, indexName: cand.def.name, index: cand.index, quals: [], condText: '',
  };
  node.quals = bindSpecs(info, node, specs, ctx.lateralRef);
  node.condText = condText(info, conds);
  return node;
}

/** An ORDER BY key of the query: expression and direction. */
export interface OrderKey {
  expr: Expr;
  desc: boolean;
  nullsFirst: boolean;
  /** No NULL is ordered: the index's NULLs may be at either end (SortKey.nullsAnywhere). */
  nullsAnywhere?: boolean;
}

/**
 * An Index Scan returning the table's rows in the order of `orderBy` (forward or backward
 * over an index whose keys, after leading keys fixed by `=` quals, are the ORDER BY columns in
 * the same or the exactly opposite directions), when it is cheaper than the sequential scan
 * plus a sort for the rows needed (`need`: LIMIT + OFFSET, or Infinity). Null otherwise.
 * (PostgreSQL: pathkeys of an index path, build_index_pathkeys + compare_fractional_path_costs.)
 */
export function orderedIndexScan(ctx: ScanCtx, orderBy: readonly OrderKey[], need: number, seqSort: { startup: number; total: number; rows: number }): PlanNode | null {
  const { info, rte } = ctx;
  const table = rte.table;
  const env = info.global.env;
  const gucs = env.settings;
  const idxPenalty = gucs.get('enable_indexscan') === true ? 0 : DISABLE_COST;
  const N = Math.max(1, info.global.relRows(table));
  const pages = Math.max(1, Math.ceil(N / ROWS_PER_PAGE));
  const qualExprs = ctx.quals.map((q) => q.expr);
  const lookup = info.statsLookup();
  const outRows = Math.max(1, N * qualsSelectivity(qualExprs, lookup));
  let best: { cost: number; make: () => PlanNode } | null = null;
  for (const cand of orderedCandidates(env, table, ctx.rti, qualExprs)) {
    if (!cand.am.capabilities.canOrder) continue;
    const keys = cand.def.keys;
    const matched = qualExprs.map((q) => matchQual(q, ctx.rti, cand)).filter((m): m is MatchedQual => m !== null);
    const fixed = (pos: number): boolean => matched.some((m) => m.spec.col === pos && (m.spec.op === '=' || m.spec.op === 'isnull'));
    let pos = 0;
    let dir: boolean | null = null; // true: backward
    let ok = true;
    // The ORDER BY expression is key `pos` (a column, or an expression key's expression).
    const isKey = (e: Expr, p: number): boolean => {
      const x = cand.exprs[p];
      if (x !== null && x !== undefined) return exprEqual(toRti(x, ctx.rti), e);
      return e.k === 'var' && e.rti === ctx.rti && e.levelsUp === 0 && e.col === cand.cols[p];
    };
    for (const ob of orderBy) {
      while (pos < keys.length && fixed(pos) && !isKey(ob.expr, pos)) pos++;
      if (pos >= keys.length || !isKey(ob.expr, pos)) {
        ok = false;
        break;
      }
      const k = keys[pos]!;
      const back = ob.desc !== k.descending;
      if (((back ? !k.nullsFirst : k.nullsFirst) !== ob.nullsFirst && ob.nullsAnywhere !== true) || (dir !== null && dir !== back)) {
        ok = false;
        break;
      }
      dir = back;
      pos++;
    }
    if (!ok || dir === null) continue;
    const usable = matched.filter((m) => m.spec.col === 0 || cand.am.capabilities.canMultiCol);
    const hasLeading = usable.some((m) => m.spec.col === 0);
    const specs = hasLeading ? usable.map((m) => m.spec) : [];
    const used = hasLeading ? usable.map((m) => m.qual) : [];
    const sel = qualsSelectivity(used, lookup);
    const rows = N * sel;
    const ic = indexCost(cand, N, sel);
    const rest = qualExprs.filter((q) => !used.includes(q) && !cand.redundant.has(q));
    const total = ic.total + heapFetchCost(rows, sel, pages, indexCorrelation(cand, ctx.rti, lookup)) + rows * (CPU_TUPLE_COST + info.qualOps(andOf(rest)) * CPU_OPERATOR_COST);
    // Only `need` of the output rows are read: the scan stops early (a fraction of its run cost).
    const frac = need === Infinity ? 1 : Math.min(1, need / outRows);
    const cost = ic.startup + (total - ic.startup) * frac + idxPenalty;
    const seqCostNeeded = seqSort.total;
    if (cost >= seqCostNeeded || (best !== null && cost >= best.cost)) continue;
    const backward = dir;
    const conds = hasLeading ? condsInKeyOrder(usable) : [];
    best = { cost, make: () => makeIndexScan(ctx, cand, specs, conds, rest, backward, outRows, ic.startup, total) };
  }
  return best === null ? null : best.make();
}


/**
 * `SELECT ... FROM t [WHERE ...] ORDER BY <columns of t> [LIMIT n]` as an Index Scan in the
 * ORDER BY's order (no Sort above it), when it costs less than the table's best unordered
 * scan plus a sort; null otherwise or for another shape. `need` is LIMIT + OFFSET.
 */
export function tryOrderedIndexPlan(info: PlannerInfo, quals: QualInfo[], needed: Map<number, Set<number>>, need: number): PlanNode | null {
  const q = info.q;
  if (q.from.length !== 1 || q.from[0]!.k !== 'rte') return null;
  const rti = q.from[0]!.rti;
  const rte = q.rtable[rti]!;
  if (rte.kind !== 'relation') return null;
  // ORDER BY columns of the table, or expressions over them an expression key may hold.
  if (!q.orderBy.every((k) => (k.expr.k === 'var' && k.expr.levelsUp === 0 && k.expr.rti === rti) || orderableExpr(k.expr, rti))) return null;
  if (quals.some((x) => [...x.rels].some((r) => r !== rti)) || pullUpExists(quals).semis.length > 0) return null;
  const table = rte.table;
  const env = info.global.env;
  if (orderedCandidates(env, table, rti, quals.map((x) => x.expr)).length === 0) return null;
  info.global.tables.add(table);
  const cols = [...(needed.get(rti) ?? [])].sort((a, b) => a - b);
  const layout: LayoutItem[] = cols.map((col) => ({ rti, col }));
  const ctx: ScanCtx = { info, rte, rti, cols, layout, quals, lateralRef: undefined };
  // The alternative: the table's best scan, then a Sort (its cost as makeSort computes it).
  const qualExpr = andOf(quals.map((x) => x.expr));
  const N = info.global.relRows(table);
  const seq: PlanNode = { ...planBase(N * qualsSelectivity(quals.map((x) => x.expr), info.statsLookup()), 0, seqScanCost(N, info.qualOps(qualExpr)), layout), node: 'SeqScan', scan: scanTarget(info, rte, rti, cols), table };
  const seqPenalty = env.settings.get('enable_seqscan') === true ? 0 : DISABLE_COST;
  // Only the alternative's cost is wanted: what building it bound (its SubPlans) is dropped, so
  // the plan kept numbers its SubPlans from where this one started.
  const start = info.global.mark();
  const base = bestIndexedScan(ctx, seq);
  info.global.reset(start);
  const baseCost = base.totalCost + (base === seq ? seqPenalty : 0);
  const sortTotal = baseCost + base.rows * Math.log2(base.rows + 1) * 2 * CPU_OPERATOR_COST;
  return orderedIndexScan(ctx, q.orderBy, need, { startup: sortTotal, total: sortTotal, rows: base.rows });
}

/** An ORDER BY expression that reads table entry `rti` only and nothing volatile (an expression key may equal it). */
function orderableExpr(e: Expr, rti: number): boolean {
  if (e.k === 'var' || e.k === 'const' || e.k === 'param') return false;
  const rels = relsOf(e);
  return rels.size === 1 && rels.has(rti) && !containsVolatile(e);
}

/** A sequential scan's cost (as scan.ts's seqCost). */
function seqScanCost(rows: number, ops: number): number {
  return Math.ceil(rows / ROWS_PER_PAGE) + rows * (CPU_TUPLE_COST + ops * CPU_OPERATOR_COST);
}

/**
 * The B-tree bitmap a filtered k-NN scan of table entry `rti` takes its rows from: among the
 * table's ordered indexes with a matched qual on their first key, the one whose matched quals
 * select the fewest rows (estimated), its scan keys bound to `node`, and the other conjuncts
 * bound to the scan's `layout` for evaluation on the index's rows only. Null when no index
 * matches or enable_bitmapscan is off (the bitmap is then the qual over the whole table).
 */
export function filterBitmapIndex(
  info: PlannerInfo, table: Table, rti: number, quals: readonly Expr[],
  node: { initPlans: PlanNode['initPlans']; subPlans: PlanNode['subPlans'] }, layout: readonly LayoutItem[], lateralRef: ScanCtx['lateralRef'],
): FilterBitmapIndex | null {
  const env = info.global.env;
  if (env.settings.get('enable_bitmapscan') !== true || quals.length === 0) return null;
  let best: { cand: OrderedCandidate; matched: MatchedQual[]; sel: number } | null = null;
  const lookup = info.statsLookup();
  for (const cand of orderedCandidates(env, table, rti, quals)) {
    const matched: MatchedQual[] = [];
    for (const q of quals) {
      const m = matchQual(q, rti, cand);
      if (m !== null && (m.spec.col < 1 || cand.am.capabilities.canMultiCol)) matched.push(m);
    }
    if (!matched.some((m) => m.spec.col === 0)) continue;
    if (!cand.am.capabilities.searchNulls && matched.some((m) => m.spec.op === 'isnull' || m.spec.op === 'notnull')) continue;
    const sel = indexSelectivity(cand, matched, Math.max(1, info.global.relRows(table)), lookup);
    if (best === null || sel < best.sel) best = { cand, matched, sel };
  }
  if (best === null) return null;
  // A lossy index qual (GIN) stays among the conjuncts evaluated on the index's rows.
  const used = new Set(best.matched.filter((m) => m.lossy !== true).map((m) => m.qual));
  const rest = andOf(quals.filter((q) => !used.has(q) && !best!.cand.redundant.has(q)));
  const specs = best.matched.map((m) => m.spec);
  return {
    indexName: best.cand.def.name,
    index: best.cand.index,
    quals: specs.map((s) => ({
      ...s,
      arg: s.arg === null ? null : info.bindFor(node, s.arg, [], lateralRef),
      list: s.list === null ? null : s.list.map((x) => info.bindFor(node, x, [], lateralRef)),
    })),
    condText: condText(info, condsInKeyOrder(best.matched)),
    rest: rest === null ? null : info.bindFor(node, rest, layout, lateralRef),
  };
}
