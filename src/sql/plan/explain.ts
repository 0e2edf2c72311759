/**
 * EXPLAIN output in PostgreSQL's text and JSON formats (explain.c): one entry per plan node
 * with its estimated cost and rows (unless COSTS OFF), its details (Filter, Join Filter,
 * Hash Cond, Sort Key, Index Cond, Order By, Group Key), InitPlans before the children and
 * SubPlans after them, and under ANALYZE the counters its executor state kept (actual rows
 * and loops, time unless TIMING OFF, Rows Removed by Filter, Sort Method, the vector index
 * scan's searches and distance computations).
 */
import { shownName } from '../../storage/schema_def.js';
import type { PlanNode, PlannedStmt, ScanTarget, SubPlan } from './plan.js';
import { FILTER_STRATEGY_NAMES, planChildren } from './plan.js';
import { deparse, type DeparseContext } from './deparse.js';
import { quoteIdent } from '../parser/parse.js';
import { forEachOperand, type Expr } from '../analyze/expr.js';
import type { Instrumentation } from '../exec/executor.js';

export interface ExplainOptions {
  analyze: boolean;
  verbose: boolean;
  costs: boolean;
  timing: boolean;
  summary: boolean;
  buffers: boolean;
  format: 'text' | 'json';
}

/** The executor's counters per plan node, under ANALYZE (absent: the node never ran). */
export type InstrLookup = (p: PlanNode) => Instrumentation | undefined;

interface Prop {
  label: string;
  value: string | number | boolean | string[];
}

interface ExplainNode {
  name: string;
  props: Prop[];
  /** JSON "Node Type" and join type / strategy etc. */
  json: Record<string, unknown>;
  initPlans: { label: string; node: ExplainNode }[];
  children: ExplainNode[];
  subPlans: { label: string; node: ExplainNode }[];
  costs: { startup: number; total: number; rows: number; width: number };
  instr: Instrumentation | undefined;
  relationship: string | null;
}

function joinName(t: string): string {
  return t === 'inner' ? '' : t === 'semi' ? ' Semi' : t === 'anti' ? ' Anti' : t === 'right_semi' ? ' Right Semi' : t === 'right_anti' ? ' Right Anti' : ` ${t[0]!.toUpperCase()}${t.slice(1)}`;
}

/** `Seq Scan on <this>`: under VERBOSE a table or function with its schema (`public.t t2`). */
/** A scan's relation (schema-qualified under VERBOSE) and alias as ExplainScanTarget prints them: quote_identifier'd. */
function scanName(s: { name: string; alias: string | null; schema?: string | null }, verbose: boolean): string {
  const name = verbose && s.schema != null ? `${quoteIdent(s.schema)}.${quoteIdent(s.name)}` : quoteIdent(s.name);
  return s.alias === null ? name : `${name} ${quoteIdent(s.alias)}`;
}

/** An index's name as EXPLAIN's text format prints it (quote_identifier'd). */
function indexName(name: string, tableKey: string): string {
  return quoteIdent(shownName(name, tableKey));
}

function keyText(text: string, simple: boolean): string {
  return simple ? text : `(${text})`;
}

/**
 * What EXPLAIN prints a plan with, the same for every node: the session's deparse context, the
 * ANALYZE counters, whether quals qualify column names (PostgreSQL's useprefix: several
 * range-table entries, or VERBOSE), whether Output lists do (several range-table entries
 * only), and VERBOSE itself.
 */
interface DescribeCtx {
  dc: DeparseContext;
  lookup: InstrLookup | null;
  qualify: boolean;
  outputPrefix: boolean;
  verbose: boolean;
}

function describeCtx(stmt: PlannedStmt, opts: ExplainOptions, lookup: InstrLookup | null): DescribeCtx {
  return { dc: stmt.deparse, lookup, qualify: stmt.qualify || opts.verbose, outputPrefix: stmt.qualify, verbose: opts.verbose };
}

/**
 * What a node's parent takes from it, as PostgreSQL's create_plan_recurse flags decide a
 * scan's target list: 'physical', the table's whole row as stored where the parent reads the
 * columns it needs itself (an aggregate, a join's outer side, a nested loop's sides:
 * use_physical_tlist); 'exact', just the columns and values needed (the top of a plan, the
 * input of a Sort, Hash, Materialize or WindowAgg, a member of an Append).
 */
type Tlist = 'physical' | 'exact';

/**
 * One entry of an Output list: its text where it is computed, and whether it is an expression
 * (not a column): a node above that passes it on prints it in parentheses, as ruleutils prints
 * a reference to a computed target-list entry of a child plan.
 */
interface OutItem {
  text: string;
  computed: boolean;
}

/** An entry as the node above a computing node prints it. */
function passedOn(items: readonly OutItem[]): OutItem[] {
  return items.map((it) => (it.computed ? { text: `(${it.text})`, computed: false } : it));
}

const SCAN_NODES: ReadonlySet<PlanNode['node']> = new Set(['SeqScan', 'VirtualScan', 'PkLookup', 'IndexScan', 'BtreeIndexScan', 'BitmapHeapScan', 'ValuesScan', 'FunctionScan', 'SubqueryScan', 'CteScan', 'WorkTableScan']);

/** Nodes that emit their input's tuple as it is (PostgreSQL plans them without a projection of their own). */
const PASS_THROUGH: ReadonlySet<PlanNode['node']> = new Set(['Sort', 'Limit', 'Hash', 'Material', 'Unique', 'LockRows', 'SetOp']);

/** Nodes whose Output PostgreSQL leaves out (an Append's target list is not helpful; bitmaps have none). */
const NO_OUTPUT: ReadonlySet<PlanNode['node']> = new Set(['Append', 'RecursiveUnion', 'BitmapIndexScan', 'BitmapAnd', 'BitmapOr']);

/** The scans of `p`'s query level at or below it, by range-table index (a subquery's own level excluded). */
function levelScans(p: PlanNode, out = new Map<number, ScanTarget>()): Map<number, ScanTarget> {
  if (p.elidedScan !== undefined) {
    out.set(p.elidedScan.scan.rti, p.elidedScan.scan);
    return out;
  }
  if ('scan' in p) out.set(p.scan.rti, p.scan);
  if (p.node === 'SubqueryScan') return out;
  for (const c of planChildren(p)) levelScans(c, out);
  return out;
}

/** What `p` asks of child `c` (see {@link Tlist}); `tlist` is what `p`'s parent asks of `p`. */
function childTlist(p: PlanNode, c: PlanNode, tlist: Tlist): Tlist {
  switch (p.node) {
    case 'Agg':
      // A grouping on expressions makes the scan compute them (CP_LABEL_TLIST).
      return p.groupKeys.every((k) => k.k === 'slot' && 'rti' in (c.layout[k.idx] ?? {})) ? 'physical' : 'exact';
    case 'HashJoin':
      return c === p.outer ? 'physical' : 'exact';
    case 'NestLoop':
    case 'ProjectSet':
    case 'Unique':
      return 'physical';
    case 'Limit':
    case 'LockRows':
      return tlist;
    default:
      return 'exact';
  }
}

/** Positions of the input tuple the expressions `es` read. */
function slotsOf(es: readonly Expr[], out: Set<number>): Set<number> {
  const walk = (e: Expr): void => {
    if (e.k === 'slot') out.add(e.idx);
    forEachOperand(e, walk);
  };
  for (const e of es) walk(e);
  return out;
}

/**
 * The positions of a pass-through node's input tuple that are needed above it, given `need`,
 * those of its own output the parent reads (null: all): what its projection keeps and what
 * its own keys read. PostgreSQL's scan below emits only these (its quals read the row first).
 */
function childNeed(p: PlanNode, need: ReadonlySet<number> | null): Set<number> | null {
  if (!PASS_THROUGH.has(p.node) && p.node !== 'TopK') return null;
  let out: Set<number>;
  if (p.project !== null) out = slotsOf(p.project.filter((_, i) => need === null || need.has(i)), new Set());
  else if (need === null) return null;
  else out = new Set(need);
  const own: Expr[] = [];
  if (p.node === 'Sort') own.push(...p.keys.map((k) => k.expr));
  else if (p.node === 'Unique') own.push(...p.keys);
  else if (p.node === 'Limit' && p.ties !== undefined) own.push(...p.ties.keys);
  else if (p.node === 'LockRows') own.push(...p.marks.map((m) => m.ctid));
  return slotsOf(own, out);
}

/**
 * How a node's Output names its entries: a column of its query level by the scan that reads
 * it, an expression as the node computes it or (in parentheses) as a node below computed it.
 * `failed` turns true when a column has no scan to name it (the list is then left out).
 */
function itemNamer(p: PlanNode, c: DescribeCtx): { layoutItem: (i: number) => OutItem; exprItem: (e: Expr) => OutItem; failed: () => boolean } {
  const scans = levelScans(p);
  let failed = false;
  const column = (rti: number, col: number): string => {
    const s = scans.get(rti);
    const name = s === undefined ? undefined : col === -1 ? 'ctid' : s.colNames[col];
    if (s === undefined || name === undefined) {
      failed = true;
      return '';
    }
    return c.outputPrefix ? `${s.ref}.${quoteIdent(name)}` : quoteIdent(name);
  };
  const varName = (v: Extract<Expr, { k: 'var' }>): string => (v.levelsUp === 0 ? column(v.rti, v.col) : quoteIdent(v.name));
  // The node computes what its own layout holds as expressions: an aggregate its calls, a
  // window its functions; anything else got its expressions from below.
  // A grouping on expressions has them computed below, where PostgreSQL computes them ({@link pushedDown}).
  const own = (i: number): boolean => (p.node === 'Agg' && (i >= p.groupKeys.length || !groupsOnExpressions(p))) || p.node === 'ProjectSet' || (p.node === 'WindowAgg' && i >= p.input.layout.length);
  const layoutItem = (i: number): OutItem => {
    const it = p.layout[i]!;
    if ('rti' in it) return { text: column(it.rti, it.col), computed: false };
    const item = { text: deparse(it.expr, c.dc, c.outputPrefix, varName), computed: it.expr.k !== 'var' };
    return own(i) ? item : passedOn([item])[0]!;
  };
  const exprItem = (e: Expr): OutItem => {
    if (e.k === 'slot') {
      const it = p.layout[e.idx];
      if (it !== undefined && 'expr' in it) return layoutItem(e.idx);
      return { text: deparse(e, c.dc, c.outputPrefix), computed: false };
    }
    return { text: deparse(e, c.dc, c.outputPrefix, varName), computed: e.k !== 'var' && e.k !== 'execParam' && e.k !== 'const' && e.k !== 'param' };
  };
  return { layoutItem, exprItem, failed: () => failed };
}

/**
 * PostgreSQL's input of a window over columns (make_window_input_target): the window's
 * PARTITION BY and ORDER BY columns first, in the order of the window's own Output, then the
 * other columns it reads. Null (the input's own list) where the keys or the input hold
 * expressions, or the input is another window.
 */
function windowInput(p: PlanNode & { node: 'WindowAgg' }, c: DescribeCtx): readonly OutItem[] | null {
  const keys = [...p.partition, ...p.order];
  const column = (k: Expr): boolean => k.k === 'slot' && 'rti' in (p.input.layout[k.idx] ?? {});
  if (!keys.every(column) || !p.input.layout.every((it) => 'rti' in it) || !(PASS_THROUGH.has(p.input.node) || SCAN_NODES.has(p.input.node))) return null;
  const own = outputItems(p, 'exact', c, null, null);
  const n = itemNamer(p.input, c);
  const input = p.input.layout.map((_, i) => n.layoutItem(i));
  if (own === null || n.failed()) return null;
  const keyPos = new Set(keys.map((k) => (k as { idx: number }).idx));
  const rank = (i: number): number => {
    const at = own.findIndex((it) => it.text === input[i]!.text);
    return at < 0 ? own.length : at;
  };
  const first = [...keyPos].sort((x, y) => rank(x) - rank(y));
  return [...first, ...input.map((_, i) => i).filter((i) => !keyPos.has(i))].map((i) => input[i]!);
}

/** An aggregation (not a parallel one) grouping on an expression, not only on columns. */
function groupsOnExpressions(p: PlanNode & { node: 'Agg' }): boolean {
  return p.split === undefined && p.sets === undefined && p.groupKeys.some((k) => k.k !== 'slot');
}

/**
 * What a Sort, Limit or other node that cannot project asks the node below to compute for it
 * (null: nothing beyond the columns): PostgreSQL computes the expressions of the final target
 * list in the scan or join below such nodes, which pass them on. `pushed` is what its own
 * parent asked of it.
 */
function pushedDown(p: PlanNode, c: DescribeCtx, pushed: readonly OutItem[] | null): readonly OutItem[] | null {
  if (p.node === 'Agg' && groupsOnExpressions(p)) {
    // PostgreSQL's input of a grouping on expressions (make_group_input_target): the grouping
    // expressions, then the columns the aggregates read.
    const n = itemNamer(p.input, c);
    const items = p.groupKeys.map(n.exprItem).map((it, i) => (p.groupKeys[i]!.k === 'slot' ? it : { text: it.text, computed: true }));
    for (const i of slotsOf(p.aggs.flatMap((a) => [a.arg, a.arg2, a.filter, ...a.order.map((o) => o.expr)].filter((e): e is Expr => e !== null)), new Set())) {
      const it = n.layoutItem(i);
      if (!items.some((x) => x.text === it.text)) items.push(it);
    }
    return n.failed() ? null : items;
  }
  if (p.node === 'WindowAgg') return windowInput(p, c);
  if (!PASS_THROUGH.has(p.node) && p.node !== 'TopK') return null;
  if (pushed !== null) return pushed;
  if (p.project === null || p.project.every((e) => e.k === 'slot')) return null;
  const n = itemNamer(p, c);
  const items = p.project.map(n.exprItem);
  return n.failed() ? null : items;
}

/**
 * The Output list of `p` under VERBOSE (null: none printed): a scan's projection, else the
 * whole row where its parent takes it ('physical'), else the columns it reads; a node that
 * passes its input on, its input's list; a join, an aggregate or a window its own target list.
 * `need`: the positions of `p`'s output its parent reads (null: all); `pushed`: expressions
 * a parent that cannot project has `p` compute ({@link pushedDown}).
 */
function outputItems(p: PlanNode, tlist: Tlist, c: DescribeCtx, need: ReadonlySet<number> | null, pushed: readonly OutItem[] | null): OutItem[] | null {
  if (NO_OUTPUT.has(p.node)) return null;
  const n = itemNamer(p, c);
  let items: OutItem[];
  if (p.node === 'TopK') {
    // PostgreSQL's Sort above the scan: the scan's columns and the distance it computes.
    items = passedOn(topKScanItems(p, c, need, pushed) ?? []);
  } else if (PASS_THROUGH.has(p.node)) {
    const child = planChildren(p)[0]!;
    const below = outputItems(child, childTlist(p, child, tlist), c, childNeed(p, need), pushedDown(p, c, pushed));
    if (below === null) return null;
    items = passedOn(below);
  } else if (pushed !== null) {
    items = [...pushed];
  } else if ('scan' in p && tlist === 'physical' && wholeRow(p)) {
    const s = p.scan;
    items = s.colNames.map((name) => ({ text: c.outputPrefix ? `${s.ref}.${quoteIdent(name)}` : quoteIdent(name), computed: false }));
  } else if (p.project !== null) {
    items = p.project.map(n.exprItem);
    if (p.node === 'WindowAgg') {
      // The window's keys stay in PostgreSQL's target list as junk columns after the select list.
      for (const k of [...p.partition, ...p.order]) {
        const it = n.exprItem(k);
        if (!items.some((x) => x.text === it.text)) items.push(it);
      }
    }
  } else {
    // A scan's own quals read columns before it projects: only those needed above are emitted.
    const keep = SCAN_NODES.has(p.node) && need !== null ? p.layout.map((_, i) => i).filter((i) => need.has(i)) : p.layout.map((_, i) => i);
    items = keep.map(n.layoutItem);
  }
  if (p.node === 'IndexScan') {
    // The ORDER BY distance stays in PostgreSQL's target list (a junk column the scan computes).
    const it = n.exprItem(p.knn.expr);
    if (!items.some((x) => x.text === it.text)) items.push(it);
  }
  return n.failed() || items.length === 0 ? null : items;
}

/**
 * Whether a scan whose parent takes the whole row emits it (use_physical_tlist): a table,
 * function, VALUES, CTE or subquery scan that computes no expression and reads no system
 * column (an Index Only Scan emits the index's columns, which vecgres does not list).
 */
function wholeRow(p: PlanNode): boolean {
  if (!('scan' in p) || p.node === 'VirtualScan' || (p.node === 'BtreeIndexScan' && p.indexOnly)) return false;
  if (p.project !== null && !p.project.every((e) => e.k === 'slot')) return false;
  return !p.layout.some((it) => 'rti' in it && it.col === -1);
}

/** The Output of the scan under a TopK (printed as Sort over Seq Scan): what the TopK emits, then its sort keys that are not among them. */
function topKScanItems(p: PlanNode & { node: 'TopK' }, c: DescribeCtx, need: ReadonlySet<number> | null, pushed: readonly OutItem[] | null): OutItem[] | null {
  const down = pushedDown(p, c, pushed);
  // The columns needed above the Sort, not those only the distance reads.
  const base = down !== null ? [...down] : outputItems(p.input, 'exact', c, p.project !== null ? slotsOf(p.project.filter((_, i) => need === null || need.has(i)), new Set()) : need, null);
  if (base === null) return null;
  const items = [...base];
  const n = itemNamer(p.input, c);
  for (const k of p.keys) {
    const it = n.exprItem(k.expr);
    if (k.expr.k !== 'slot' && !items.some((x) => x.text === it.text)) items.push(it);
  }
  return n.failed() ? null : items;
}

/**
 * PostgreSQL's inner_unique (analyzejoins.c innerrel_is_unique) as VERBOSE shows it: each outer
 * row matches at most one inner row, because the hash keys cover the inner table's primary key
 * or the inner side is that key's lookup (or the planner proved it for a unique-ified semi
 * join). Semi and anti joins are never marked: they stop at the first match anyway.
 */
function innerUnique(p: PlanNode & { node: 'HashJoin' | 'NestLoop' }): boolean {
  if (p.node === 'HashJoin' && p.innerUnique === true) return true;
  if (p.joinType === 'semi' || p.joinType === 'anti') return false;
  if (p.node === 'NestLoop') return p.inner.node === 'PkLookup';
  const scan = p.inner.input;
  if (!('table' in scan) || !('scan' in scan) || scan.table.def.primaryKey.length === 0) return false;
  const keyCols = new Set<number>();
  for (const k of p.innerKeys) {
    const it = k.k === 'slot' ? scan.layout[k.idx] : undefined;
    if (it !== undefined && 'rti' in it && it.rti === scan.scan.rti) keyCols.add(it.col);
  }
  return scan.table.def.primaryKey.every((col) => keyCols.has(col));
}

function describe(p: PlanNode, c: DescribeCtx, rel: string | null, tlist: Tlist = 'exact', need: ReadonlySet<number> | null = null, pushed: readonly OutItem[] | null = null): ExplainNode {
  const { dc, lookup, qualify, verbose } = c;
  // Scan quals print unqualified names, join and upper-node quals qualified (PostgreSQL's
  // useprefix); a Subquery Scan's always qualified (show_scan_qual's IsA(plan, SubqueryScan)).
  const scan = 'scan' in p && p.node !== 'SubqueryScan';
  const text = (e: Parameters<typeof deparse>[0]): string => deparse(e, dc, (!scan || verbose) && qualify);
  const props: Prop[] = [];
  const json: Record<string, unknown> = {};
  let name: string;
  const filter = (label = 'Filter'): void => {
    if (p.qual !== null) props.push({ label, value: text(p.qual) });
  };
  const removed = (): void => {
    const i = lookup?.(p);
    // PostgreSQL prints the average per loop, rounded.
    if (i !== undefined && i.removedByFilter > 0 && p.qual !== null) props.push({ label: 'Rows Removed by Filter', value: Number((i.removedByFilter / Math.max(1, i.loops)).toFixed(0)) });
  };
  const children: PlanNode[] = planChildren(p);
  if (verbose) {
    // VERBOSE: the node's output columns. Partial aggregation passes transition states up
    // (PostgreSQL prints them as PARTIAL).
    if (p.node === 'Agg' && p.split === 'partial') {
      const out = p.layout.map((it) => ('expr' in it ? `PARTIAL ${deparse(it.expr, dc, c.outputPrefix)}` : ''));
      if (out.every((x) => x !== 'PARTIAL ')) props.push({ label: 'Output', value: out });
    } else if (p.node === 'Gather') {
      const out = p.layout.map((it) => ('expr' in it ? `(PARTIAL ${deparse(it.expr, dc, c.outputPrefix)})` : ''));
      if (out.every((x) => x !== '')) props.push({ label: 'Output', value: out });
    } else {
      const out = outputItems(p, tlist, c, need, pushed);
      if (out !== null) props.push({ label: 'Output', value: out.map((it) => it.text) });
    }
  }
  switch (p.node) {
    case 'Result':
      name = 'Result';
      if (p.oneTimeFilter !== null) props.push({ label: 'One-Time Filter', value: text(p.oneTimeFilter) });
      filter();
      break;
    case 'SeqScan':
      name = `${p.parallel === true ? 'Parallel ' : ''}Seq Scan on ${scanName(p.scan, verbose)}`;
      json['Node Type'] = 'Seq Scan';
      if (p.parallel === true) json['Parallel Aware'] = true;
      json['Relation Name'] = p.scan.name;
      json['Alias'] = p.scan.alias ?? p.scan.name;
      filter();
      removed();
      break;
    case 'VirtualScan':
      name = `Function Scan on ${scanName(p.scan, verbose)}`;
      json['Node Type'] = 'Function Scan';
      filter();
      removed();
      break;
    case 'PkLookup':
      name = `Index ${p.indexOnly ? 'Only ' : ''}Scan using ${indexName(p.indexName, p.table.name)} on ${scanName(p.scan, verbose)}`;
      json['Node Type'] = p.indexOnly ? 'Index Only Scan' : 'Index Scan';
      json['Index Name'] = shownName(p.indexName, p.table.name);
      json['Relation Name'] = p.scan.name;
      json['Alias'] = p.scan.alias ?? p.scan.name;
      props.push({ label: 'Index Cond', value: p.keyText });
      filter();
      removed();
      break;
    case 'IndexScan':
      name = `Index Scan using ${indexName(p.def.name, p.def.table)} on ${scanName(p.scan, verbose)}`;
      json['Node Type'] = 'Index Scan';
      json['Index Name'] = shownName(p.def.name, p.def.table);
      json['Relation Name'] = p.scan.name;
      json['Alias'] = p.scan.alias ?? p.scan.name;
      props.push({ label: 'Order By', value: p.knn.text });
      // vecgres's own line: the join above filters rows, so the scan runs on past its first search.
      if (p.continueScan === true) props.push({ label: 'Iterative Scan', value: 'relaxed order, until the rows above suffice' });
      filter();
      removed();
      // The filtered-search strategy the planner chose; under ANALYZE the node reports the
      // one it ran with the bitmap's actual row count instead.
      if (p.filtered !== null && lookup === null) {
        props.push({ label: 'Filtered Search', value: `${FILTER_STRATEGY_NAMES[p.filtered.strategy]} (estimated rows ${p.filtered.estRows})` });
      }
      // vecgres's own line: the B-tree index whose bitmap the filtered search starts from (under
      // ANALYZE the node reports it when it built the bitmap, with the rows the index returned).
      if (p.filtered !== null && p.filtered.bitmapIndex !== null && lookup === null) {
        props.push({ label: 'Filter Bitmap', value: `Bitmap Index Scan on ${indexName(p.filtered.bitmapIndex.indexName, p.table.name)} (Index Cond: ${p.filtered.bitmapIndex.condText})` });
      }
      break;
    case 'BtreeIndexScan':
      name = `Index ${p.indexOnly ? 'Only ' : ''}Scan${p.backward ? ' Backward' : ''} using ${indexName(p.indexName, p.table.name)} on ${scanName(p.scan, verbose)}`;
      json['Node Type'] = p.indexOnly ? 'Index Only Scan' : 'Index Scan';
      json['Scan Direction'] = p.backward ? 'Backward' : 'Forward';
      json['Index Name'] = shownName(p.indexName, p.table.name);
      json['Relation Name'] = p.scan.name;
      json['Alias'] = p.scan.alias ?? p.scan.name;
      if (p.condText !== null) props.push({ label: 'Index Cond', value: p.condText });
      filter();
      removed();
      break;
    case 'BitmapIndexScan':
      name = `Bitmap Index Scan on ${indexName(p.indexName, p.table.name)}`;
      json['Node Type'] = 'Bitmap Index Scan';
      json['Index Name'] = shownName(p.indexName, p.table.name);
      props.push({ label: 'Index Cond', value: p.condText });
      break;
    case 'BitmapAnd':
    case 'BitmapOr':
      name = p.node;
      break;
    case 'BitmapHeapScan':
      name = `Bitmap Heap Scan on ${scanName(p.scan, verbose)}`;
      json['Node Type'] = 'Bitmap Heap Scan';
      json['Relation Name'] = p.scan.name;
      json['Alias'] = p.scan.alias ?? p.scan.name;
      props.push({ label: 'Recheck Cond', value: p.recheckText });
      {
        const i = lookup?.(p);
        if (i !== undefined && i.removedByRecheck > 0) props.push({ label: 'Rows Removed by Index Recheck', value: Number((i.removedByRecheck / Math.max(1, i.loops)).toFixed(0)) });
      }
      filter();
      removed();
      break;
    case 'TopK':
      name = 'Sort';
      props.push({ label: 'Sort Key', value: [keyText(p.knn.sortText, false) + (p.nullsFirst ? ' NULLS FIRST' : ''), ...p.keys.slice(1).map((k) => k.text)] });
      break;
    case 'Gather':
      name = 'Gather';
      // Under ANALYZE the node adds Workers Launched (exec/nodes/gather.ts).
      props.push({ label: 'Workers Planned', value: p.workers });
      break;
    case 'GatherMerge':
      name = 'Gather Merge';
      // Under ANALYZE the node adds Workers Launched (exec/nodes/gather_merge.ts).
      props.push({ label: 'Workers Planned', value: p.workers });
      break;
    case 'FunctionScan':
      name = `${SCAN_LABEL[p.node]} on ${scanName(p.scan, verbose)}`;
      if (verbose) {
        // A whole-set function's one argument is its own call (TEXT_SRFS, generate_subscripts).
        const own = p.scalar === true || (p.args.length === 1 && p.args[0]!.k === 'fn' && p.args[0]!.name === p.fname);
        props.push({ label: 'Function Call', value: own ? deparse(p.args[0]!, dc, qualify) : `${p.fname}(${p.args.map((a) => deparse(a, dc, qualify)).join(', ')})` });
      }
      filter();
      removed();
      break;
    case 'ValuesScan':
    case 'SubqueryScan':
    case 'CteScan':
      name = `${SCAN_LABEL[p.node]} on ${scanName(p.scan, verbose)}`;
      filter();
      removed();
      break;
    case 'WorkTableScan':
      name = `WorkTable Scan on ${scanName(p.scan, verbose)}`;
      filter();
      break;
    case 'RecursiveUnion':
      name = 'Recursive Union';
      break;
    case 'NestLoop': {
      name = p.joinType === 'inner' ? 'Nested Loop' : `Nested Loop${joinName(p.joinType)} Join`;
      json['Node Type'] = 'Nested Loop';
      json['Join Type'] = p.joinType[0]!.toUpperCase() + p.joinType.slice(1);
      if (verbose && innerUnique(p)) props.push({ label: 'Inner Unique', value: true });
      if (p.joinQual !== null) props.push({ label: 'Join Filter', value: text(p.joinQual) });
      const i = lookup?.(p);
      if (i !== undefined && i.removedByJoinFilter > 0) props.push({ label: 'Rows Removed by Join Filter', value: Number((i.removedByJoinFilter / Math.max(1, i.loops)).toFixed(0)) });
      filter();
      removed();
      break;
    }
    case 'HashJoin': {
      name = `Hash${joinName(p.joinType)} Join`;
      json['Node Type'] = 'Hash Join';
      json['Join Type'] = joinName(p.joinType).trim() || 'Inner';
      if (verbose && innerUnique(p)) props.push({ label: 'Inner Unique', value: true });
      props.push({ label: 'Hash Cond', value: p.hashCondText });
      if (p.joinQual !== null) props.push({ label: 'Join Filter', value: text(p.joinQual) });
      const i = lookup?.(p);
      if (i !== undefined && i.removedByJoinFilter > 0) props.push({ label: 'Rows Removed by Join Filter', value: Number((i.removedByJoinFilter / Math.max(1, i.loops)).toFixed(0)) });
      filter();
      removed();
      break;
    }
    case 'Hash':
      name = 'Hash';
      break;
    case 'Material':
      name = 'Materialize';
      break;
    case 'Sort':
      name = 'Sort';
      props.push({ label: 'Sort Key', value: p.keys.map((k) => k.text) });
      break;
    case 'Limit':
      name = 'Limit';
      break;
    case 'LockRows':
      name = 'LockRows';
      break;
    case 'Agg':
      name = p.split === 'partial' ? 'Partial Aggregate' : p.split === 'finalize' ? 'Finalize Aggregate' : p.strategy === 'plain' ? 'Aggregate' : 'HashAggregate';
      if (p.split !== undefined) json['Partial Mode'] = p.split === 'partial' ? 'Partial' : 'Finalize';
      json['Node Type'] = 'Aggregate';
      json['Strategy'] = p.strategy === 'plain' ? 'Plain' : 'Hashed';
      if (p.sets !== undefined) {
        // Grouping sets as PostgreSQL hashes them: one Hash Key line per set, the set of no
        // keys a `Group Key: ()` line, which makes the node a MixedAggregate.
        const empty = p.sets.filter((set) => set.length === 0).length;
        const mixed = empty > 0 && empty < p.sets.length;
        name = mixed ? 'MixedAggregate' : empty > 0 ? 'Aggregate' : 'HashAggregate';
        json['Strategy'] = mixed ? 'Mixed' : empty > 0 ? 'Plain' : 'Hashed';
        for (const set of p.sets) if (set.length > 0) props.push({ label: 'Hash Key', value: set.filter((i) => i < p.groupText.length).map((i) => p.groupText[i]!) });
        for (const set of p.sets) if (set.length === 0) props.push({ label: 'Group Key', value: ['()'] });
      } else if (p.groupKeys.length > 0) props.push({ label: 'Group Key', value: p.groupText });
      filter();
      removed();
      break;
    case 'ProjectSet':
      name = 'ProjectSet';
      break;
    case 'Unique':
      name = 'Unique';
      break;
    case 'WindowAgg':
      name = 'WindowAgg';
      props.push({ label: 'Window', value: p.windowText });
      if (p.runCondition !== undefined) props.push({ label: 'Run Condition', value: p.runCondition.text });
      break;
    case 'Append':
      name = 'Append';
      break;
    case 'SetOp': {
      const op = p.op === 'intersect' ? 'Intersect' : 'Except';
      name = `HashSetOp ${op}${p.all ? ' All' : ''}`;
      json['Node Type'] = 'SetOp';
      json['Strategy'] = 'Hashed';
      json['Command'] = `${op}${p.all ? ' All' : ''}`;
      break;
    }
  }
  if (json['Node Type'] === undefined) json['Node Type'] = name.replace(/ on .*$/, '').replace(/ using .*$/, '');
  if (verbose && 'scan' in p && p.scan.schema !== null && json['Relation Name'] !== undefined) {
    // FORMAT JSON under VERBOSE: the table's schema, after its name (explain.c's ExplainTargetRel).
    const entries = Object.entries(json);
    const at = entries.findIndex(([k]) => k === 'Relation Name') + 1;
    entries.splice(at, 0, ['Schema', p.scan.schema]);
    for (const k of Object.keys(json)) delete json[k];
    Object.assign(json, Object.fromEntries(entries));
  }
  const instr = lookup?.(p);
  if (instr !== undefined) for (const [label, value] of instr.extra) props.push({ label, value });
  // An InitPlan sets parameters (a scalar's value, a multiple-column assignment's columns); a
  // hashed ANY / ALL over an uncorrelated subquery is a SubPlan run once.
  const subLabel = (sp: SubPlan): string => (sp.initPlan && (sp.outParam >= 0 || sp.sub === 'multiexpr') ? `InitPlan ${sp.id}` : `SubPlan ${sp.id}`);
  const node: ExplainNode = {
    name,
    props,
    json,
    initPlans: [
      ...(p.cteDefs ?? []).map((cte) => ({ label: `CTE ${cte.name}`, node: describe(cte.plan, c, 'InitPlan') })),
      ...p.initPlans.map((sp) => ({ label: subLabel(sp), node: describe(sp.plan, c, 'InitPlan') })),
    ],
    children: children.map((ch, i) => describe(ch, c, p.node === 'Append' || p.node === 'BitmapAnd' || p.node === 'BitmapOr' ? 'Member' : children.length === 2 ? (i === 0 ? 'Outer' : 'Inner') : p.node === 'SubqueryScan' ? 'Subquery' : 'Outer', childTlist(p, ch, tlist), childNeed(p, need), pushedDown(p, c, pushed))),
    subPlans: p.subPlans.map((sp) => ({ label: subLabel(sp), node: describe(sp.plan, c, 'SubPlan') })),
    costs: { startup: p.startupCost, total: p.totalCost, rows: p.rows, width: p.width },
    instr,
    relationship: rel,
  };
  if (p.node === 'TopK') {
    // The exact top-k scan is PostgreSQL's top-N heapsort over a sequential scan: print both,
    // the scan with the distance it computes for the Sort.
    const scanNode = describe(p.input, c, 'Outer');
    if (verbose) {
      const items = topKScanItems(p, c, need, pushed);
      scanNode.props = scanNode.props.filter((pr) => pr.label !== 'Output');
      if (items !== null) scanNode.props.unshift({ label: 'Output', value: items.map((it) => it.text) });
    }
    node.children = [scanNode];
  }
  return node;
}

function fmt2(n: number): string {
  return n.toFixed(2);
}

function fmt3(n: number): string {
  return n.toFixed(3);
}

function costText(n: ExplainNode, opts: ExplainOptions): string {
  let s = '';
  if (opts.costs) s += `  (cost=${fmt2(n.costs.startup)}..${fmt2(n.costs.total)} rows=${n.costs.rows} width=${n.costs.width})`;
  if (opts.analyze) {
    const i = n.instr;
    if (i === undefined || i.loops === 0) s += ' (never executed)';
    else {
      // PostgreSQL 18 prints the average rows per loop with two decimals.
      const rowsText = (i.rows / i.loops).toFixed(2);
      s += opts.timing
        ? ` (actual time=${fmt3(i.startupMs / i.loops)}..${fmt3(i.totalMs / i.loops)} rows=${rowsText} loops=${i.loops})`
        : ` (actual rows=${rowsText} loops=${i.loops})`;
    }
  }
  return s;
}

/** The text-format lines of a plan. */
function textLines(root: ExplainNode, opts: ExplainOptions): string[] {
  const out: string[] = [];
  const walk = (n: ExplainNode, indent: number, planName: string | null): void => {
    if (planName !== null) {
      out.push(' '.repeat(indent * 2) + planName);
      indent++;
    }
    let line = '';
    if (indent > 0) {
      line = ' '.repeat(indent * 2) + '->  ';
      indent += 2;
    }
    out.push(line + n.name + costText(n, opts));
    indent++;
    const pad = ' '.repeat(indent * 2);
    for (const pr of n.props) {
      if (pr.label === 'Sort Method' && !opts.analyze) continue;
      const v = Array.isArray(pr.value) ? pr.value.join(', ') : String(pr.value);
      out.push(`${pad}${pr.label}: ${v}`);
    }
    for (const ip of n.initPlans) walk(ip.node, indent, ip.label);
    for (const c of n.children) walk(c, indent, null);
    for (const sp of n.subPlans) walk(sp.node, indent, sp.label);
  };
  walk(root, 0, null);
  return out;
}

function jsonNode(n: ExplainNode, opts: ExplainOptions, parent: string | null, subplanName: string | null): Record<string, unknown> {
  const o: Record<string, unknown> = { ...n.json };
  if (parent !== null) o['Parent Relationship'] = parent;
  if (subplanName !== null) o['Subplan Name'] = subplanName;
  if (opts.costs) {
    o['Startup Cost'] = Number(fmt2(n.costs.startup));
    o['Total Cost'] = Number(fmt2(n.costs.total));
    o['Plan Rows'] = n.costs.rows;
    o['Plan Width'] = n.costs.width;
  }
  if (opts.analyze) {
    const i = n.instr;
    if (opts.timing) {
      o['Actual Startup Time'] = i === undefined || i.loops === 0 ? 0 : Number(fmt3(i.startupMs / i.loops));
      o['Actual Total Time'] = i === undefined || i.loops === 0 ? 0 : Number(fmt3(i.totalMs / i.loops));
    }
    o['Actual Rows'] = i === undefined || i.loops === 0 ? 0 : i.rows / i.loops;
    o['Actual Loops'] = i?.loops ?? 0;
  }
  for (const pr of n.props) {
    if (pr.label === 'Sort Method' && !opts.analyze) continue;
    o[pr.label] = pr.value;
  }
  const plans: Record<string, unknown>[] = [
    ...n.initPlans.map((ip) => jsonNode(ip.node, opts, 'InitPlan', ip.label)),
    ...n.children.map((c) => jsonNode(c, opts, c.relationship, null)),
    ...n.subPlans.map((sp) => jsonNode(sp.node, opts, 'SubPlan', sp.label)),
  ];
  if (plans.length > 0) o['Plans'] = plans;
  return o;
}

/** Timing lines / fields of EXPLAIN ANALYZE or SUMMARY. */
export interface ExplainSummary {
  planningMs: number;
  executionMs: number | null;
}

/** EXPLAIN's names of the scans over a range-table entry that is not a table. */
const SCAN_LABEL = {
  ValuesScan: 'Values Scan',
  FunctionScan: 'Function Scan',
  SubqueryScan: 'Subquery Scan',
  CteScan: 'CTE Scan',
} as const;

/** EXPLAIN's output rows (one line each in TEXT, one JSON document in JSON). */
export function explainOutput(stmt: PlannedStmt, opts: ExplainOptions, lookup: InstrLookup | null, summary: ExplainSummary | null): string[] {
  const root = describe(stmt.plan, describeCtx(stmt, opts, lookup), null);
  return render(root, opts, stmt.indexHints ?? [], summary);
}

/** EXPLAIN's output rows for the node tree `root`, with the plan's index hints and the summary. */
function render(root: ExplainNode, opts: ExplainOptions, hints: readonly { explain: string }[], summary: ExplainSummary | null): string[] {
  if (opts.format === 'json') {
    const doc: Record<string, unknown> = { Plan: jsonNode(root, opts, null, null) };
    if (hints.length > 0) doc['Index Not Used'] = hints.map((h) => h.explain);
    if (summary !== null) {
      doc['Planning Time'] = Number(fmt3(summary.planningMs));
      if (summary.executionMs !== null) doc['Execution Time'] = Number(fmt3(summary.executionMs));
    }
    return [JSON.stringify([doc], null, 2)];
  }
  const lines = textLines(root, opts);
  // vecgres's own line (PostgreSQL has none): why a vector index was not used (index_hints.ts).
  for (const h of hints) lines.push(`Index Not Used: ${h.explain}`);
  if (summary !== null) {
    lines.push(`Planning Time: ${fmt3(summary.planningMs)} ms`);
    if (summary.executionMs !== null) lines.push(`Execution Time: ${fmt3(summary.executionMs)} ms`);
  }
  return lines;
}

/**
 * The ModifyTable node PostgreSQL prints above an INSERT, UPDATE or DELETE's plan
 * (explain.c's show_modifytable_info): `Insert on t`, `Update on t a`, `Delete on t`.
 */
export interface ModifyTableExplain {
  operation: 'Insert' | 'Update' | 'Delete';
  /** The table's name and schema (EXPLAIN VERBOSE prints `schema.name`). */
  relation: string;
  schema: string;
  alias: string | null;
  /**
   * What feeds it: the planned row-finding scan (UPDATE / DELETE) or SELECT (INSERT ...
   * SELECT), or the number of rows of INSERT ... VALUES, which PostgreSQL plans as a `Result`
   * (one row) or a `Values Scan on "*VALUES*"`; `width` its estimated row width.
   */
  input: PlannedStmt | { values: number; width: number };
  /**
   * How PostgreSQL shows an INSERT's SELECT it could not pull up into the statement: as
   * `Subquery Scan on "*SELECT*"` ('subquery'), or as a `Result` projecting an `Append`.
   */
  wrap: 'subquery' | 'result' | null;
  /**
   * Statements holding RETURNING's (and VALUES') subqueries, whose top node's InitPlans PostgreSQL
   * attaches to the ModifyTable, the statement's top node (as it does the input's, unless wrapped).
   */
  initPlansOf: PlannedStmt[];
  /** ON CONFLICT: the action, the arbiter indexes (none listed: every unique index), DO UPDATE's WHERE as text. */
  onConflict: { action: 'NOTHING' | 'UPDATE'; arbiters: readonly string[] | null; filter: string | null } | null;
  /** RETURNING's expressions as text (null: no RETURNING). */
  returning: string[] | null;
  /**
   * VERBOSE's Output of the node under the ModifyTable, where PostgreSQL's differs from what
   * the plan emits: INSERT ... VALUES' one row (`Result`) or the VALUES columns; an UPDATE's
   * new values and the rows' ctids, which PostgreSQL's scan computes (vecgres evaluates SET in
   * the ModifyTable). Null: the plan's own.
   */
  inputOutput: string[] | null;
  /** Under ANALYZE: rows returned, milliseconds, proposed rows (INSERT), conflicts met and skipped by DO UPDATE's WHERE. */
  actual: { rows: number; ms: number; proposed: number; conflicting: number; removedByConflictFilter: number } | null;
}

/**
 * EXPLAIN's output for an INSERT, UPDATE or DELETE: the ModifyTable node (cost of its input,
 * rows 0 without RETURNING, as PostgreSQL estimates), its ON CONFLICT lines, then the plan
 * that finds or makes the rows; under ANALYZE the rows RETURNING gave and the conflict counters.
 */
export function explainModifyOutput(m: ModifyTableExplain, opts: ExplainOptions, lookup: InstrLookup | null, summary: ExplainSummary | null): string[] {
  const props: Prop[] = [];
  const rel = scanName({ name: m.relation, alias: m.alias, schema: m.schema }, opts.verbose);
  if (opts.verbose && m.returning !== null && m.returning.length > 0) props.push({ label: 'Output', value: m.returning });
  const oc = m.onConflict;
  if (oc !== null) {
    props.push({ label: 'Conflict Resolution', value: oc.action });
    if (oc.arbiters !== null && oc.arbiters.length > 0) props.push({ label: 'Conflict Arbiter Indexes', value: [...oc.arbiters] });
    if (oc.filter !== null) props.push({ label: 'Conflict Filter', value: oc.filter });
    if (m.actual !== null) {
      if (m.actual.removedByConflictFilter > 0) props.push({ label: 'Rows Removed by Conflict Filter', value: m.actual.removedByConflictFilter });
      props.push({ label: 'Tuples Inserted', value: m.actual.proposed - m.actual.conflicting });
      props.push({ label: 'Conflicting Tuples', value: m.actual.conflicting });
    }
  }
  const synthetic = (name: string, costs: ExplainNode['costs'], instr: Instrumentation | undefined, children: ExplainNode[], json: Record<string, unknown>): ExplainNode => ({
    name, props: [], json, initPlans: [], children, subPlans: [], costs, instr, relationship: 'Outer',
  });
  const timed = (rows: number, ms: number): Instrumentation => ({ rows, loops: 1, startupMs: ms, totalMs: ms, removedByFilter: 0, removedByRecheck: 0, removedByJoinFilter: 0, extra: [] });
  let child: ExplainNode;
  const initPlans: ExplainNode['initPlans'] = [];
  const hoist = (stmt: PlannedStmt): void => {
    const top = describe(stmt.plan, describeCtx(stmt, opts, lookup), null);
    initPlans.push(...top.initPlans);
  };
  for (const s of m.initPlansOf) hoist(s);
  let hints: readonly { explain: string }[] = [];
  if ('values' in m.input) {
    const n = m.input.values;
    const actual = m.actual === null ? undefined : timed(m.actual.proposed, 0);
    child = n === 1
      ? synthetic('Result', { startup: 0, total: 0.01, rows: 1, width: m.input.width }, actual, [], { 'Node Type': 'Result' })
      : synthetic('Values Scan on "*VALUES*"', { startup: 0, total: 0.0125 * n, rows: n, width: m.input.width }, actual, [], { 'Node Type': 'Values Scan', Alias: '*VALUES*' });
    if (opts.verbose && m.inputOutput !== null) child.props.push({ label: 'Output', value: m.inputOutput });
  } else {
    const stmt = m.input;
    hints = stmt.indexHints ?? [];
    child = describe(stmt.plan, describeCtx(stmt, opts, lookup), 'Outer');
    if (opts.verbose && m.inputOutput !== null) child.props = [{ label: 'Output', value: m.inputOutput }, ...child.props.filter((pr) => pr.label !== 'Output')];
    if (m.wrap === null) {
      initPlans.unshift(...child.initPlans);
      child.initPlans = [];
    } else {
      const name = m.wrap === 'subquery' ? 'Subquery Scan on "*SELECT*"' : 'Result';
      child.relationship = m.wrap === 'subquery' ? 'Subquery' : 'Outer';
      const json: Record<string, unknown> = m.wrap === 'subquery' ? { 'Node Type': 'Subquery Scan', Alias: '*SELECT*' } : { 'Node Type': 'Result' };
      child = synthetic(name, child.costs, child.instr, [child], json);
    }
  }
  const returning = m.returning !== null;
  const root: ExplainNode = {
    name: `${m.operation} on ${rel}`,
    props,
    json: { 'Node Type': 'ModifyTable', Operation: m.operation, 'Relation Name': m.relation, Alias: m.alias ?? m.relation },
    initPlans,
    children: [child],
    subPlans: [],
    costs: { startup: child.costs.startup, total: child.costs.total, rows: returning ? child.costs.rows : 0, width: returning ? 8 * Math.max(1, m.returning!.length) : 0 },
    instr: m.actual === null ? undefined : timed(m.actual.rows, m.actual.ms),
    relationship: null,
  };
  return render(root, opts, hints, summary);
}
