/**
 * Scans of single FROM items (PostgreSQL's allpaths.c / createplan.c for base relations):
 * a table is read by a sequential scan, a primary-key lookup for `pk = <value>`, or, for
 * `ORDER BY <vector column> <distance operator> <query> LIMIT k`, by whichever is cheaper of
 * an ordered index scan (each index method's own cost estimate, through access/am.ts) and an
 * exact top-k scan, honouring enable_indexscan / enable_seqscan as PostgreSQL does (a
 * disabled path is used only when nothing else can run). Subqueries, VALUES lists,
 * functions and CTEs get their scan nodes here too.
 */
import type { SeriesType } from '../../types/series.js';
import { PgArray } from '../../types/pgarray.js';
import { Numeric } from '../../types/numeric.js';
import { Interval } from '../../types/interval.js';
import type { Value } from '../../storage/table.js';
import type { IndexAm, VectorIndex } from '../../access/am.js';
import type { Expr } from '../analyze/expr.js';
import { exprEqual, someNode, type RangeTblEntry, type SelectQuery, type SortKey } from '../analyze/query.js';
import { isVectorFamily } from '../analyze/types.js';
import type { FilteredKnn, FilterStrategy, KnnSpec, LayoutItem, PlanNode, ScanTarget, SortSpec } from './plan.js';
import type { GucReader } from '../../common/guc.js';
import { GUC_FILTERED_SEARCH } from '../settings.js';
import { CPU_OPERATOR_COST, CPU_TUPLE_COST, DISABLE_COST, ROWS_PER_PAGE, planBase, qualOps, qualSelectivity, qualsSelectivity } from './cost.js';
import { PlannerInfo, planLevel, relsOf, sortKeyText, walkVars } from './planner.js';
import type { VarExpr } from './setrefs.js';
import { deparse, type DeparseContext } from './deparse.js';
import { bestIndexedScan, filterBitmapIndex } from './indexpath.js';
import { planSetOp, setOpOutputNames } from './setop.js';
import { distanceBound, knnOrderOf, matchKnnIndexes, type KnnIndexMatch } from './knn_index.js';
import { bug } from '../exec/eval.js';
import { takeRunCondition } from './window.js';
import { cteInlined } from './pullup.js';
import { projectScanDistances } from './scan_distances.js';
import { parallelTopK } from './parallel.js';
import { vectorBinaryQuantize } from '../../types/vector.js';
import { quoteIdent } from '../parser/parse.js';

/** A WHERE / ON conjunct and the range-table entries of this level it refers to. */
export interface QualInfo {
  expr: Expr;
  rels: Set<number>;
}

/** A planned FROM item or join: its plan and the lateral references it still needs set. */
export interface RelPlan {
  plan: PlanNode;
  rels: Set<number>;
  /** Executor parameters the plan reads that a nested loop above must set from `v`. */
  lateral: { id: number; v: VarExpr }[];
  /** For a base table: its range-table index and pushed-down quals (to re-plan it parameterized). */
  base: { rti: number; quals: QualInfo[]; cols: number[] } | null;
}

const KNN_OPS = new Set(['<->', '<#>', '<=>', '<+>', '<~>', '<%>']);

function and(exprs: Expr[]): Expr | null {
  if (exprs.length === 0) return null;
  return exprs.length === 1 ? exprs[0]! : { k: 'and', type: 'bool', args: exprs };
}

export function scanTarget(info: PlannerInfo, rte: RangeTblEntry, rti: number, cols: number[]): ScanTarget {
  const explainName = info.global.rteNames.get(rte) ?? rte.alias;
  let name: string;
  switch (rte.kind) {
    case 'relation':
      // A table of a user schema is keyed `schema.name` (storage/schema_def.ts): EXPLAIN prints the name.
      name = info.global.env.catalog.splitKey(rte.table.name).name;
      break;
    case 'virtual':
      name = rte.name;
      break;
    case 'values':
      name = '*VALUES*';
      break;
    case 'function':
      name = rte.fname;
      break;
    case 'cte':
      name = rte.cte.name;
      break;
    case 'subquery':
    case 'setop':
      name = rte.alias;
      break;
  }
  const alias = rte.kind === 'subquery' || rte.kind === 'values' ? null : explainName !== name ? explainName : null;
  // The functions a FROM item calls are built in (pg_catalog).
  const schema = rte.kind === 'relation' ? info.global.env.catalog.splitKey(rte.table.name).schema : rte.kind === 'function' ? 'pg_catalog' : null;
  const ref = quoteIdent(rte.kind === 'values' ? name : explainName);
  // A VALUES list's columns are column1, column2, ... whatever the FROM item's alias calls them.
  const colNames = rte.kind === 'values' ? rte.colNames.map((_, i) => `column${i + 1}`) : rte.colNames;
  return { rti, name: rte.kind === 'subquery' ? explainName : name, alias, cols, schema, ref, colNames };
}

function sortedCols(needed: Map<number, Set<number>>, rti: number): number[] {
  return [...(needed.get(rti) ?? [])].sort((a, b) => a - b);
}

/** Sequential-scan cost of `rows` rows evaluating `ops` qual operators each. */
export function seqCost(rows: number, ops: number): number {
  return Math.ceil(rows / ROWS_PER_PAGE) + rows * (CPU_TUPLE_COST + ops * CPU_OPERATOR_COST);
}

/**
 * The scan of FROM item `rti` with the conjuncts `quals` (all referring to it alone, or to
 * nothing of this level).
 */
export function planBaseRel(info: PlannerInfo, rti: number, quals: QualInfo[], needed: Map<number, Set<number>>): RelPlan {
  const rte = info.q.rtable[rti]!;
  if (rte.kind === 'relation') info.global.tables.add(rte.table);
  const rels = new Set([rti]);
  const lateral: RelPlan['lateral'] = [];
  const lateralRef = (v: VarExpr): number | null => {
    if (v.rti === rti) return null;
    const id = info.lateralParam(v);
    if (!lateral.some((l) => l.id === id)) lateral.push({ id, v });
    return id;
  };
  const qualExpr = and(quals.map((q) => q.expr));
  const sel = qualsSelectivity(quals.map((q) => q.expr), info.statsLookup());
  switch (rte.kind) {
    case 'relation': {
      const cols = sortedCols(needed, rti);
      const layout: LayoutItem[] = cols.map((col) => ({ rti, col }));
      const table = rte.table;
      const pk = pkQual(info, rti, quals);
      if (pk !== null) {
        const rest = quals.filter((q) => q !== pk.qual);
        const node: PlanNode = {
          ...planBase(1, 0.29, 8.3, layout),
          node: 'PkLookup', scan: scanTarget(info, rte, rti, cols), table, indexName: pkIndexName(info, table.name), key: pk.key, keyText: '',
          // PostgreSQL's check_index_only: every column the query reads of the table is in the index.
          // (the needed columns include those its filter reads).
          indexOnly: cols.every((c) => c === table.def.primaryKey[0]),
        };
        node.key = info.bindFor(node, pk.key, [], lateralRef);
        const pre = info.global.useprefix('scan');
        const keyCol = table.def.primaryKey[0]!;
        const keyVar: VarExpr = { k: 'var', type: table.def.columns[keyCol]!.type, rti, col: keyCol, levelsUp: 0, typmod: -1, name: rte.colNames[keyCol]! };
        node.keyText = `(${info.varName(keyVar, pre)} = ${deparse(node.key, info.global.deparse, pre)})`;
        const rq = and(rest.map((q) => q.expr));
        if (rq !== null) node.qual = info.bindFor(node, rq, layout, lateralRef);
        return { plan: node, rels, lateral, base: { rti, quals, cols } };
      }
      const rows = info.global.relRows(table);
      const node: PlanNode = {
        ...planBase(rows * sel, 0, seqCost(rows, info.qualOps(qualExpr)), layout),
        node: 'SeqScan', scan: scanTarget(info, rte, rti, cols), table,
      };
      if (qualExpr !== null) node.qual = info.bindFor(node, qualExpr, layout, lateralRef);
      // B-tree index and bitmap scans compete with it on cost (indexpath.ts).
      const plan = bestIndexedScan({ info, rte, rti, cols, layout, quals, lateralRef }, node);
      if (plan.node === 'SeqScan') projectScanDistances(info, rti, plan);
      return { plan, rels, lateral, base: { rti, quals, cols } };
    }
    case 'virtual': {
      const cols = sortedCols(needed, rti);
      const layout: LayoutItem[] = cols.map((col) => ({ rti, col }));
      const node: PlanNode = { ...planBase(100 * sel, 0, 1, layout), node: 'VirtualScan', scan: scanTarget(info, rte, rti, cols), view: rte.name };
      if (qualExpr !== null) node.qual = info.bindFor(node, qualExpr, layout, lateralRef);
      return { plan: node, rels, lateral, base: null };
    }
    case 'values': {
      const cols = rte.colNames.map((_, i) => i);
      const layout: LayoutItem[] = cols.map((col) => ({ rti, col }));
      const n = rte.rows.length;
      const node: PlanNode = { ...planBase(n * sel, 0, n * CPU_TUPLE_COST, layout), node: 'ValuesScan', scan: scanTarget(info, rte, rti, cols), values: [] };
      node.values = rte.rows.map((r) => r.map((e) => info.bindFor(node, e, [], lateralRef)));
      if (qualExpr !== null) node.qual = info.bindFor(node, qualExpr, layout, lateralRef);
      return { plan: node, rels, lateral, base: null };
    }
    case 'function': {
      const cols = rte.colNames.map((_, i) => i);
      const layout: LayoutItem[] = cols.map((col) => ({ rti, col }));
      // PostgreSQL's estimate for a set-returning function (prorows): 1000 rows, 100 for the
      // json ones, 10 for regexp_matches.
      const thousand = rte.fname === 'unnest' || rte.fname === 'generate_series' || rte.fname === 'generate_subscripts' || rte.fname.endsWith('_to_table');
      // json[b]_to_record: one row; the recordset functions, as the json ones, 100.
      const n = rte.scalar === true || rte.fname.endsWith('_to_record') ? 1 : functionRowsSupport(rte) ?? (rte.fname === 'regexp_matches' ? 10 : thousand ? 1000 : 100);
      const node: PlanNode = { ...planBase(n * sel, 0, n * CPU_TUPLE_COST, layout), node: 'FunctionScan', scan: scanTarget(info, rte, rti, cols), fname: rte.fname, args: [] };
      node.args = rte.args.map((e) => info.bindFor(node, e, [], lateralRef));
      if (rte.ordinality === true) node.ordinality = true;
      if (rte.scalar === true) node.scalar = true;
      if (rte.recordColumns !== undefined) node.recordColumns = rte.recordColumns;
      else if (rte.fname === 'generate_series') node.seriesType = rte.colTypes[0] as SeriesType;
      if (qualExpr !== null) node.qual = info.bindFor(node, qualExpr, layout, lateralRef);
      return { plan: node, rels, lateral, base: null };
    }
    case 'subquery': {
      const child = new PlannerInfo(info.global, rte.query, info);
      const sub = planLevel(child);
      for (const p of child.outerParams) lateral.push({ id: p.id, v: p.v });
      for (const id of child.ext) if (!child.outerParams.some((p) => p.id === id)) info.ext.add(id);
      return subqueryLike(info, rte, rti, sub, quals, lateralRef, lateral);
    }
    case 'cte':
      return planCteRef(info, rte, rti, quals, lateralRef, lateral);
    case 'setop': {
      // The one FROM item of a set-operation level (which has no WHERE): the operation's plan.
      if (quals.length > 0) bug('a set operation level has no WHERE');
      const plan = planSetOp(info, rte.tree, rti);
      info.setOpNames.set(rti, setOpOutputNames(plan, rte.colNames.length, info.global.useprefix('upper'), info.global.deparse));
      return { plan, rels, lateral, base: null };
    }
  }
}

function subqueryLike(
  info: PlannerInfo, rte: RangeTblEntry, rti: number, sub: PlanNode, quals: QualInfo[],
  lateralRef: (v: VarExpr) => number | null, lateral: RelPlan['lateral'],
): RelPlan {
  const cols = rte.colNames.map((_, i) => i);
  const layout: LayoutItem[] = cols.map((col) => ({ rti, col }));
  const before = quals.length;
  quals = quals.filter((q) => !runCondition(sub, rti, q.expr, info.global.deparse));
  // PostgreSQL keeps the scan over a partitioned WindowAgg that took a run condition.
  const keep = quals.length < before && sub.node === 'WindowAgg' && sub.partition.length > 0;
  const qualExpr = and(quals.map((q) => q.expr));
  const sel = quals.reduce((s, q) => s * qualSelectivity(q.expr), 1);
  if (qualExpr === null && sub.cteDefs === undefined && !keep) {
    // A SubqueryScan that neither filters nor projects is left out (PostgreSQL's
    // trivial_subqueryscan): the subquery's top node emits the columns in order already.
    // The level puts it back when it projects over them (planner.ts planLevel).
    sub.layout = layout;
    const subQuery = rte.kind === 'subquery' ? rte.query : rte.kind === 'cte' ? rte.cte.query : null;
    sub.elidedScan = { scan: scanTarget(info, rte, rti, cols), junk: subQuery !== null && hasJunkColumns(subQuery) };
    return { plan: sub, rels: new Set([rti]), lateral, base: null };
  }
  const node: PlanNode = {
    ...planBase(sub.rows * sel, sub.startupCost, sub.totalCost + sub.rows * CPU_TUPLE_COST, layout),
    node: 'SubqueryScan', scan: scanTarget(info, rte, rti, cols), input: sub,
  };
  if (qualExpr !== null) node.qual = info.bindFor(node, qualExpr, layout, lateralRef);
  return { plan: node, rels: new Set([rti]), lateral, base: null };
}

/**
 * Whether PostgreSQL's plan of subquery `q` carries columns besides its select list (resjunk
 * target entries: ORDER BY, GROUP BY, DISTINCT ON and window keys that are not select-list
 * items, the row ids a locking clause adds), so its SubqueryScan projects them away and is
 * not trivial (setrefs.c trivial_subqueryscan) even when the level reads every column.
 */
function hasJunkColumns(q: SelectQuery): boolean {
  if ((q.rowMarks?.length ?? 0) > 0) return true;
  const listed = (e: Expr): boolean => q.targets.some((t) => exprEqual(t.expr, e));
  const keys: Expr[] = [...q.orderBy.map((k) => k.expr), ...q.groupBy, ...(q.distinctOn ?? []).map((k) => k.expr)];
  for (const w of q.windows ?? []) keys.push(...w.partitionBy, ...w.orderBy.map((k) => k.expr));
  return keys.some((e) => !listed(e));
}

/**
 * True when qual `e` of subquery `rti` compares an output column with an integer constant in
 * a form the subquery's WindowAgg takes as its run condition (window.ts takeRunCondition).
 */
function runCondition(sub: PlanNode, rti: number, e: Expr, dc: DeparseContext): boolean {
  if (sub.node !== 'WindowAgg' || e.k !== 'op2') return false;
  const op = e.op;
  if (op !== '<=' && op !== '<' && op !== '>=' && op !== '>') return false;
  const isCol = (x: Expr): x is VarExpr => x.k === 'var' && x.rti === rti && x.levelsUp === 0;
  const isInt = (x: Expr): x is Extract<Expr, { k: 'const' }> => x.k === 'const' && typeof x.value === 'number' && Number.isInteger(x.value);
  if (isCol(e.l) && isInt(e.r)) return takeRunCondition(sub, e.l.col, op, e.r.value as number, false, deparse(e.r, dc, false));
  if (isInt(e.l) && isCol(e.r)) return takeRunCondition(sub, e.r.col, op, e.l.value as number, true, deparse(e.l, dc, false));
  return false;
}

/** A reference to a WITH item: inlined (referenced once, not MATERIALIZED) or a CteScan of its shared plan. */
function planCteRef(
  info: PlannerInfo, rte: Extract<RangeTblEntry, { kind: 'cte' }>, rti: number, quals: QualInfo[],
  lateralRef: (v: VarExpr) => number | null, lateral: RelPlan['lateral'],
): RelPlan {
  const g = info.global;
  const cte = rte.cte;
  let definer: PlannerInfo = info;
  for (let i = 0; i < rte.levelsUp; i++) definer = definer.parent!;
  const cols = rte.colNames.map((_, i) => i);
  const layout: LayoutItem[] = cols.map((col) => ({ rti, col }));
  const qualExpr = and(quals.map((q) => q.expr));
  if (g.recursiveCtes.has(cte.id)) {
    const node: PlanNode = { ...planBase(100, 0, 1, layout), node: 'WorkTableScan', scan: scanTarget(info, rte, rti, cols), cteId: cte.id };
    if (qualExpr !== null) node.qual = info.bindFor(node, qualExpr, layout, lateralRef);
    return { plan: node, rels: new Set([rti]), lateral, base: null };
  }
  if (cteInlined(rte)) {
    const child = new PlannerInfo(g, cte.query, info);
    const sub = planLevel(child);
    for (const id of child.ext) info.ext.add(id);
    const r = subqueryLike(info, rte, rti, sub, quals, lateralRef, lateral);
    if (r.plan.node === 'SubqueryScan') r.plan.scan.name = rte.alias;
    return r;
  }
  let entry = g.ctePlans.get(cte.id);
  if (entry === undefined) {
    const base = planLevel(new PlannerInfo(g, cte.query, definer));
    let plan = base;
    if (cte.recursive !== null) {
      g.recursiveCtes.add(cte.id);
      let rec: PlanNode;
      try {
        rec = planLevel(new PlannerInfo(g, cte.recursive.term, definer));
      } finally {
        g.recursiveCtes.delete(cte.id);
      }
      plan = {
        ...planBase(base.rows * 10, 0, base.totalCost + rec.totalCost * 10, base.layout),
        node: 'RecursiveUnion', input: base, recursive: rec, cteId: cte.id, unionAll: cte.recursive.unionAll, types: cte.colTypes,
      };
    }
    entry = { id: cte.id, name: cte.name, plan };
    g.ctePlans.set(cte.id, entry);
    definer.cteDefs.push(entry);
  }
  const sel = quals.reduce((s, q) => s * qualSelectivity(q.expr), 1);
  const node: PlanNode = {
    ...planBase(entry.plan.rows * sel, 0, entry.plan.rows * CPU_TUPLE_COST, layout),
    node: 'CteScan', scan: scanTarget(info, rte, rti, cols), cteId: cte.id, cteName: cte.name,
  };
  if (qualExpr !== null) node.qual = info.bindFor(node, qualExpr, layout, lateralRef);
  return { plan: node, rels: new Set([rti]), lateral, base: null };
}

function pkIndexName(info: PlannerInfo, table: string): string {
  const def = info.global.env.catalog.indexesOf(table).find((d) => d.primaryKey);
  return def?.name ?? `${table}_pkey`;
}

/**
 * `pk = <expr>` among `quals` on a single-column primary key of table entry `rti`, the other
 * side not referring to `rti` itself (a constant, a parameter, an outer or lateral column).
 */
export function pkQual(info: PlannerInfo, rti: number, quals: QualInfo[]): { qual: QualInfo; key: Expr } | null {
  const rte = info.q.rtable[rti]!;
  if (rte.kind !== 'relation') return null;
  const t = rte.table;
  if (t.def.primaryKey.length !== 1) return null;
  const pkCol = t.def.primaryKey[0]!;
  for (const q of quals) {
    const c = q.expr;
    if (c.k !== 'op2' || c.op !== '=') continue;
    const isPk = (x: Expr): boolean => x.k === 'var' && x.levelsUp === 0 && x.rti === rti && x.col === pkCol;
    let key: Expr | null = null;
    if (isPk(c.l) && !relsOf(c.r).has(rti) && c.r.type === c.l.type) key = c.r;
    else if (isPk(c.r) && !relsOf(c.l).has(rti) && c.l.type === c.r.type) key = c.l;
    if (key !== null) return { qual: q, key };
  }
  return null;
}

/**
 * The vector column and query of a k-NN ORDER BY key `e` over table entry `rti`, or null.
 * `signBits`: the key compares `binary_quantize(column)` (optionally cast to `bit(n)` of the
 * column's own dimension, which changes nothing) with a bit string by `<~>` or `<%>`; its
 * operand is that expression (only an expression index on it could serve it as an index).
 */
export function knnKey(e: Expr, rti: number, queryOk: (q: Expr) => boolean): KnnOperands | null {
  if (e.k !== 'op2' || !KNN_OPS.has(e.op)) return null;
  const isCol = (x: Expr): x is VarExpr => x.k === 'var' && x.levelsUp === 0 && x.rti === rti && isVectorFamily(x.type);
  if (isCol(e.l) && !relsOf(e.r).has(rti) && queryOk(e.r)) return { col: e.l, operand: e.l, query: e.r, op: e.op };
  if (isCol(e.r) && !relsOf(e.l).has(rti) && queryOk(e.l)) return { col: e.r, operand: e.r, query: e.l, op: e.op };
  if (e.op === '<~>' || e.op === '<%>') {
    const quantized = (x: Expr): VarExpr | null => {
      let y = x;
      let typmod = -1;
      if (y.k === 'cast' && y.type === 'bit' && y.from === 'bit') {
        typmod = y.typmod;
        y = y.arg;
      }
      // A one-argument function is an op1 naming its implementation.
      if (y.k !== 'op1' || y.fn !== (vectorBinaryQuantize as unknown)) return null;
      const c = y.arg;
      if (c.k !== 'var' || c.levelsUp !== 0 || c.rti !== rti || c.type !== 'vector') return null;
      return typmod < 0 || typmod === c.typmod ? c : null;
    };
    const l = quantized(e.l);
    if (l !== null && !relsOf(e.r).has(rti) && queryOk(e.r)) return { col: l, operand: e.l, query: e.r, op: e.op, signBits: true };
    const r = quantized(e.r);
    if (r !== null && !relsOf(e.l).has(rti) && queryOk(e.l)) return { col: r, operand: e.r, query: e.l, op: e.op, signBits: true };
  }
  return null;
}

/**
 * The operands of a k-NN ORDER BY `operand <op> query`: `col` when the exact top-k scan can
 * serve it (the operand is a vector column, or `binary_quantize` of one: `signBits`), null for
 * an expression over the table that only an expression index can serve.
 */
export interface KnnOperands {
  col: VarExpr | null;
  operand: Expr;
  query: Expr;
  op: string;
  signBits?: boolean;
}

/** Columns of entry `rti` that `e` reads. */
function relsColumns(e: Expr, rti: number): Set<number> {
  const out = new Set<number>();
  walkVars(e, (v) => {
    if (v.levelsUp === 0 && v.rti === rti) out.add(v.col);
  });
  return out;
}

/** Like {@link knnKey}, also accepting an expression over entry `rti` alone as the operand. */
function knnExprKey(e: Expr, rti: number, queryOk: (q: Expr) => boolean): KnnOperands | null {
  const k = knnKey(e, rti, queryOk);
  if (k !== null || e.k !== 'op2' || !KNN_OPS.has(e.op)) return k;
  const onlyRel = (x: Expr): boolean => {
    const r = relsOf(x);
    return r.size === 1 && r.has(rti) && isVectorFamily(x.type);
  };
  if (onlyRel(e.l) && !relsOf(e.r).has(rti) && queryOk(e.r)) return { col: null, operand: e.l, query: e.r, op: e.op };
  if (onlyRel(e.r) && !relsOf(e.l).has(rti) && queryOk(e.l)) return { col: null, operand: e.r, query: e.l, op: e.op };
  return null;
}

/**
 * `ORDER BY <vector column> <op> <query> [, more keys] LIMIT k` over one table: an index scan
 * or an exact top-k scan, whichever costs fewer distance computations; null when the query
 * has another shape (the caller then sorts). Further keys (ties of the distance, such as
 * `, id`) must be expressions of the table's own columns without subqueries; only the exact
 * scan serves them (PostgreSQL runs an Incremental Sort over the index scan, an approximate
 * answer). `need` is LIMIT + OFFSET. The ORDER BY may be a monotone transform of the distance
 * (`1 - (e <=> q) DESC`), planned as the ascending distance scan, and its operand an
 * expression that an expression index holds.
 */
export function tryKnnPlan(info: PlannerInfo, quals: QualInfo[], needed: Map<number, Set<number>>, need: number): PlanNode | null {
  const q = info.q;
  if (need === Infinity || q.from.length !== 1 || q.from[0]!.k !== 'rte') return null;
  const rti = q.from[0]!.rti;
  const orderKey = q.orderBy[0]!;
  const order = knnOrderOf(orderKey.expr, orderKey.desc);
  if (order === null) return null;
  const transformed = order.dist !== orderKey.expr;
  // NULLS FIRST through the index (its NULL-key rows first) only where PostgreSQL would have no
  // index path either: a plain `ORDER BY d NULLS FIRST` keeps the exact scan, whose ties come in
  // table order as PostgreSQL's Sort gives them.
  const key = { ...orderKey, expr: order.dist as Expr, desc: !order.ascending, nullsFirstIndex: transformed };
  const k = knnExprKey(key.expr, rti, (x) => relsOf(x).size === 0);
  if (k === null) return null;
  const extra = q.orderBy.slice(1);
  // Further keys tie-break the ORDER BY as written; through a transform (whose float values can
  // tie where the distances do not) they are left to the Sort.
  if (transformed && extra.length > 0) return null;
  for (const x of extra) {
    const rels = relsOf(x.expr);
    if ((rels.size > 0 && !(rels.size === 1 && rels.has(rti))) || someNode(x.expr, (y) => y.k === 'sublink' || y.k === 'srf')) return null;
  }
  let plan = knnScan(info, rti, key, k, quals, needed, need, undefined, extra)?.plan ?? null;
  // The exact scan may run on several participants (never in an index scan's place), unless its
  // query vector comes from an enclosing row: PostgreSQL keeps such a scan out of the workers,
  // and it would start them once per outer row.
  if (plan?.node === 'TopK') plan = parallelTopK(plan, need, info.global.env.settings, info.global.parallelOk && info.outerParams.length === 0 && info.lateralParams.size === 0, (t) => info.global.relRows(t));
  // Through a transform only the index scan gains anything: the exact path stays the Sort that
  // PostgreSQL shows (and prints the ORDER BY as written).
  if (transformed && plan?.node !== 'IndexScan') return null;
  return plan;
}

/**
 * The k-NN scan of table entry `rti` for ORDER BY `key` (operand `k.operand`, a column or an
 * expression, against `k.query`) with `quals`: an ordered index scan when an index serves it
 * (knn_index.ts: the key matches, the operator is its opclass's, a partial index's predicate
 * is implied) and costs fewer distance computations than the exact top-k scan (enable_indexscan
 * / enable_seqscan honoured), else the exact scan (columns only). Columns of other FROM items
 * in the query become executor parameters (`lateralRef`), set by a nested loop above. Null for
 * a table that is not a relation, a key that is DESC, or an expression operand no index serves.
 * `needIsLimit`: `need` is the query's LIMIT (+ OFFSET) over this scan's rows, not an estimate
 * of the rows a join above reads from a continued scan.
 */
export function knnScan(
  info: PlannerInfo, rti: number, key: SortKey & { nullsFirstIndex?: boolean }, k: KnnOperands,
  quals: QualInfo[], needed: Map<number, Set<number>>, need: number, lateralRef: ((v: VarExpr) => number | null) | undefined,
  extra: readonly SortKey[] = [], needIsLimit = true,
): { plan: PlanNode } | null {
  const rte = info.q.rtable[rti]!;
  if (rte.kind !== 'relation' || key.desc) return null;
  const e = key.expr as Extract<Expr, { k: 'op2' }>;
  const col = k.col;
  const query = k.query;
  const table = rte.table;
  info.global.tables.add(table);
  const operandCols = [...relsColumns(k.operand, rti)];
  const cols = [...new Set([...(needed.get(rti) ?? []), ...operandCols])].sort((a, b) => a - b);
  const layout: LayoutItem[] = cols.map((c) => ({ rti, col: c }));
  const env = info.global.env;
  const gucs = env.settings;
  const rows = info.global.relRows(table);
  const dimCol = col?.col ?? operandCols[0]!;
  const dim = Math.max(1, table.def.columns[dimCol]!.type === 'vector' ? Math.max(table.vectorColumnDim(dimCol), 16) : 16);
  const distanceCost = (dim / 4) * CPU_OPERATOR_COST;
  const exactCost = col === null ? Infinity : rows + (gucs.get('enable_seqscan') === true ? 0 : DISABLE_COST);
  const indexPenalty = gucs.get('enable_indexscan') === true ? 0 : DISABLE_COST;
  const sel = qualsSelectivity(quals.map((x) => x.expr), info.statsLookup());
  const qualExpr = and(quals.map((x) => x.expr));
  let best: (KnnIndexMatch & { cost: number; filtered: FilteredKnn | null }) | null = null;
  // NULLS FIRST: the index holds no NULL keys; the scan emits the NULL-key rows first (before
  // a filtered search's rows too), which it finds cheaply only for a column key.
  // Further ORDER BY keys only the exact top-k scan serves; a binary_quantize ordering also an
  // expression index on it (bit_hamming_ops / bit_jaccard_ops).
  if ((!key.nullsFirst || (col !== null && key.nullsFirstIndex === true && k.signBits !== true)) && extra.length === 0) {
    const clauses = quals.map((x) => x.expr);
    for (const m of matchKnnIndexes(env, table, rti, k.operand, e.op, clauses).usable) {
      const { am, index } = m;
      if (!am.capabilities.canOrderByOp) continue;
      // Asked for as many rows as the index holds (or the table has), an index scan could only
      // come up short: the index holds no NULL keys, which the exact scan returns after the
      // others, as PostgreSQL's planner does by taking the sequential scan for such a LIMIT.
      // (With sequential scans disabled PostgreSQL takes the index and its shorter answer.)
      // A table never vacuumed or analyzed is estimated at 10 pages or more, and PostgreSQL
      // counts a full index's rows as the table's (get_relation_info): it takes the index for
      // such a table's LIMIT whatever the index holds now.
      const fresh = (env.stats.peekTable(table)?.reltuples ?? -1) < 0 && m.def.predicate === null;
      const indexRows = fresh ? rows : Math.min(index.size, rows);
      if (needIsLimit && need >= indexRows && gucs.get('enable_seqscan') === true) continue;
      // pgvector's post-filter: the plan pgvector makes (selectivity 0.5 for any WHERE clause).
      const post = am.costEstimate(index, { tableRows: rows, limit: need, selectivity: quals.length === 0 ? 1 : 0.5, gucs, filterMode: 'post' }).total;
      let cost = post;
      let filtered: FilteredKnn | null = null;
      const userIterative = am.gucs.some((g) => g.name.endsWith('.iterative_scan') && gucs.isExplicit(g.name));
      // Filtered search (vecgres' default) where the unfiltered query would use the index (for
      // an expression key: cheaper than a scan of the table), when some conjunct is
      // neither implied by a partial index's predicate nor a distance threshold.
      // A distance threshold on the ordering distance is no filter: the ordered scan stops at it.
      const open = quals.some((x) => !m.redundant.has(x.expr) && distanceBound(e, [x.expr], (y) => !relsOf(y).has(rti)) === null);
      if (open && !userIterative && post < Math.min(exactCost, rows)) {
        const forced = String(gucs.get(GUC_FILTERED_SEARCH));
        const f = forced === 'auto' ? filteredStrategy(am, index, rows, need, sel, qualOps(qualExpr), distanceCost, gucs) : { strategy: forced as FilterStrategy, cost: 0 };
        cost = f.cost;
        filtered = { strategy: f.strategy, estRows: Math.max(1, Math.round(rows * sel)), limit: need, forced: forced !== 'auto', bitmapIndex: null };
      }
      cost += indexPenalty;
      if (best === null || cost < best.cost) best = { ...m, cost, filtered };
    }
  }
  const knnSpec = (node: { initPlans: PlanNode['initPlans']; subPlans: PlanNode['subPlans'] }): KnnSpec => {
    const bq = info.bindFor(node, query, [], lateralRef);
    const bexpr = info.bindFor(node, e, layout, lateralRef);
    // In the scan's Order By, its own columns print bare and other relations' qualified.
    // Printed on demand: only EXPLAIN reads them, and a query vector of 1,536 dimensions
    // takes longer to print than the search takes to run.
    let text: string | undefined;
    let sortText: string | undefined;
    return {
      col: col?.col ?? -1, op: e.op, query: bq, expr: bexpr,
      get text() {
        return (text ??= info.global.useprefix('scan') ? info.text(e, true) : deparse(e, info.global.deparse, false, (v) => (v.levelsUp === 0 && v.rti === rti ? quoteIdent(v.name) : info.text(v, true))));
      },
      get sortText() {
        return (sortText ??= info.text(e, info.global.useprefix('upper')));
      },
      ...(k.signBits === true ? { signBits: true } : {}),
    };
  };
  if (best !== null && best.cost < exactCost) {
    const def = best.def;
    const cost = best.cost * distanceCost;
    // Conjuncts the partial index's predicate makes redundant are not rechecked, unless NULL-key
    // rows (which the index does not hold) are emitted first and must pass them, or filtered
    // search builds its bitmap from the qual over the whole table (its exact strategy does not
    // read the index, so the predicate must be in the qual).
    const redundant = key.nullsFirst || best.filtered !== null ? new Set<Expr>() : best.redundant;
    const recheck = and(quals.map((x) => x.expr).filter((x) => !redundant.has(x)));
    const node: PlanNode & { node: 'IndexScan' } = {
      ...planBase(Math.min(rows * sel, need), cost, cost + need * CPU_TUPLE_COST, layout),
      node: 'IndexScan', scan: scanTarget(info, rte, rti, cols), table, def, am: best.am, index: best.index,
      knn: null as unknown as KnnSpec, filtered: best.filtered, nullsFirst: key.nullsFirst, distanceBound: null,
    };
    node.knn = knnSpec(node);
    if (recheck !== null) node.qual = info.bindFor(node, recheck, layout, lateralRef);
    // A B-tree index on filtered columns gives the bitmap (its matching rows, the other
    // conjuncts evaluated on those only) instead of the qual over the whole table.
    if (node.filtered !== null) node.filtered = { ...node.filtered, bitmapIndex: filterBitmapIndex(info, table, rti, quals.map((x) => x.expr), node, layout, lateralRef) };
    const bound = distanceBound(e, quals.map((x) => x.expr), (x) => !relsOf(x).has(rti));
    if (bound !== null) node.distanceBound = info.bindFor(node, bound, [], lateralRef);
    return { plan: node };
  }
  if (col === null) return null;
  const scanCost = seqCost(rows, qualOps(qualExpr));
  const seq: PlanNode & { node: 'SeqScan' } = {
    ...planBase(rows * sel, 0, scanCost, layout),
    node: 'SeqScan', scan: scanTarget(info, rte, rti, cols), table,
  };
  if (qualExpr !== null) seq.qual = info.bindFor(seq, qualExpr, layout, lateralRef);
  const total = scanCost + rows * distanceCost;
  const top: PlanNode = {
    ...planBase(Math.min(rows * sel, need), total, total + need * CPU_TUPLE_COST, layout),
    node: 'TopK', input: seq, knn: null as unknown as KnnSpec, nullsFirst: key.nullsFirst, keys: [],
  };
  top.knn = knnSpec(top);
  top.keys = [key, ...extra].map((x): SortSpec => {
    const expr = info.bindFor(top, x.expr, layout, lateralRef);
    return { expr, desc: x.desc, nullsFirst: x.nullsFirst, cmp: x.cmp, text: sortKeyText(info, x.expr, expr, x.desc, x.nullsFirst) };
  });
  return { plan: top };
}

/**
 * The cheapest filtered k-NN strategy over an index, in distance computations: exact
 * distances over the rows a bitmap of the qual keeps, the index traversal consulting that
 * bitmap (both pay one qual evaluation per row to build it), or the index scan continued
 * until `need` rows pass (qual evaluations on the rows it sees only). `ops` is the qual's
 * operator count, `distanceCost` the plan cost of one distance.
 */
export function filteredStrategy(
  am: IndexAm, index: VectorIndex, rows: number, need: number, sel: number, ops: number, distanceCost: number, gucs: GucReader,
): { strategy: FilterStrategy; cost: number } {
  const evalCost = (Math.max(1, ops) * CPU_OPERATOR_COST) / distanceCost;
  const build = rows * evalCost;
  const passing = rows * sel;
  // Chosen by `weighed` (index distances at their accessFactor, as the exact strategy's
  // sequential ones); the cost returned is in the unit other plans are compared in.
  let best: { strategy: FilterStrategy; cost: number; weighed: number } = { strategy: 'exact', cost: build + passing, weighed: build + passing };
  if (am.capabilities.supportsFilter) {
    const e = am.costEstimate(index, { tableRows: rows, limit: need, selectivity: sel, gucs, filterMode: 'filter' });
    const weighed = build + e.total * (e.accessFactor ?? 1);
    if (weighed < best.weighed) best = { strategy: 'traversal', cost: build + e.total, weighed };
  }
  if (am.capabilities.canContinue) {
    const seen = Math.min(rows, need / Math.max(sel, 1e-9));
    const e = am.costEstimate(index, { tableRows: rows, limit: need, selectivity: sel, gucs, filterMode: 'exhaustive' });
    const weighed = e.total * (e.accessFactor ?? 1) + seen * evalCost;
    if (weighed < best.weighed) best = { strategy: 'iterative', cost: e.total + seen * evalCost, weighed };
  }
  return { strategy: best.strategy, cost: best.cost };
}

/**
 * The rows a set-returning function in FROM returns when its arguments are constants, as
 * PostgreSQL's planner support functions estimate them: generate_series over integers and
 * numeric floor((stop - start + step) / step) (int.c generate_series_int4_support, numeric.c),
 * over timestamps the same with the step's span (a month as 30 days; timestamp.c
 * generate_series_timestamp_support), unnest of a constant array its element count
 * (array_unnest_support); at least 1. Null when the arguments are not all constants.
 */
function functionRowsSupport(rte: Extract<RangeTblEntry, { kind: 'function' }>): number | null {
  const vals: Value[] = [];
  for (const a of rte.args) {
    if (a.k !== 'const' || a.value === null) return null;
    vals.push(a.value);
  }
  if (rte.fname === 'unnest' && vals.length === 1 && vals[0] instanceof PgArray) return Math.max(1, vals[0].elems.length);
  if (rte.fname !== 'generate_series' || vals.length < 2) return null;
  const [start, stop, step] = vals;
  let rows: number;
  if (start instanceof Numeric && stop instanceof Numeric) {
    const by = step === undefined ? 1 : step instanceof Numeric ? Number(step.toString()) : NaN;
    const [a, b] = [Number(start.toString()), Number(stop.toString())];
    if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(by) || by === 0) return null;
    rows = Math.floor((b - a + by) / by);
  } else if (step instanceof Interval) {
    const by = (step.months * 30 + step.days) * 86_400e6 + Number(step.us);
    const [a, b] = [Number(start as bigint), Number(stop as bigint)];
    if (by === 0 || Math.abs(a) > 9e18 || Math.abs(b) > 9e18) return null;
    rows = Math.floor((b - a + by) / by);
  } else {
    const by = step === undefined ? 1 : Number(step as number | bigint);
    if (by === 0) return null;
    rows = Math.floor((Number(stop as number | bigint) - Number(start as number | bigint) + by) / by);
  }
  return Number.isFinite(rows) ? Math.max(1, rows) : null;
}
