/**
 * Planning window functions (PostgreSQL's planner.c create_window_paths, much reduced): one
 * WindowAgg per window clause that has calls, each over a Sort on its PARTITION BY then ORDER
 * BY keys unless the input is already sorted on them (a window sharing the previous one's
 * ordering reuses its sort). Each WindowAgg emits its input tuple followed by its calls'
 * values, so the nodes above (and later WindowAggs) find a call by its expression.
 */
import type { Expr } from '../analyze/expr.js';
import { forEachOperand, comparatorFor } from '../analyze/expr.js';
import { exprEqual, type SortKey } from '../analyze/query.js';
import { FRAME, type WindowClause } from '../analyze/window.js';
import type { PlanNode, WindowFunc } from './plan.js';
import { CPU_OPERATOR_COST, planBase } from './cost.js';
import { deparse, type DeparseContext } from './deparse.js';
import { makeSort, type PlannerInfo } from './planner.js';
import { groupableTypes } from '../exec/sort_order.js';

type WindowExpr = Extract<Expr, { k: 'window' }>;

function gatherWindows(e: Expr, out: WindowExpr[]): void {
  if (e.k === 'window') {
    if (!out.some((x) => exprEqual(x, e))) out.push(e);
    return;
  }
  forEachOperand(e, (x) => gatherWindows(x, out));
}

/** True when sort order `a` is a prefix of sort order `b` (same expressions, directions and NULLS placement). */
export function sameKeys(a: readonly SortKey[], b: readonly SortKey[]): boolean {
  return a.length <= b.length && a.every((k, i) => exprEqual(k.expr, b[i]!.expr) && k.desc === b[i]!.desc && k.nullsFirst === b[i]!.nullsFirst);
}

/**
 * The WindowAgg nodes of `info`'s level over `input`, and the sort order their output keeps
 * (the last window's PARTITION BY and ORDER BY; empty when no window sorted): a query ORDER BY
 * that is a prefix of it needs no Sort of its own, as in PostgreSQL.
 */
export function planWindows(info: PlannerInfo, input: PlanNode): { plan: PlanNode; sortedOn: readonly SortKey[] } {
  const q = info.q;
  const calls: WindowExpr[] = [];
  for (const t of q.targets) gatherWindows(t.expr, calls);
  for (const k of q.orderBy) gatherWindows(k.expr, calls);
  let plan = input;
  let sortedOn: SortKey[] = [];
  const windows = q.windows ?? [];
  windows.forEach((w, winref) => {
    const mine = calls.filter((c) => c.winref === winref);
    if (mine.length === 0) return;
    const keys: SortKey[] = [
      ...w.partitionBy.map((e) => ({ expr: e, desc: false, nullsFirst: false, cmp: comparatorFor(e.type) as (a: unknown, b: unknown) => number })),
      ...w.orderBy,
    ];
    if (keys.length > 0 && !sameKeys(keys, sortedOn)) {
      plan = makeSort(info, plan, keys);
      sortedOn = keys;
    }
    const inLayout = plan.layout;
    const wa: PlanNode = {
      ...planBase(plan.rows, plan.startupCost, plan.totalCost + plan.rows * mine.length * CPU_OPERATOR_COST, [...inLayout, ...mine.map((c) => ({ expr: c as Expr }))]),
      node: 'WindowAgg', input: plan, windowText: '',
      partition: [], partCmps: w.partitionBy.map((e) => comparatorFor(e.type) as (a: unknown, b: unknown) => number),
      order: [], orderKeys: w.orderBy.map((k) => ({ desc: k.desc, nullsFirst: k.nullsFirst, cmp: k.cmp })),
      frameOptions: w.frameOptions, startOffset: null, endOffset: null, funcs: [],
    };
    wa.partition = w.partitionBy.map((e) => info.bindFor(wa, e, inLayout));
    wa.order = w.orderBy.map((k) => info.bindFor(wa, k.expr, inLayout));
    wa.startOffset = w.startOffset === null ? null : info.bindFor(wa, w.startOffset, []);
    wa.endOffset = w.endOffset === null ? null : info.bindFor(wa, w.endOffset, []);
    wa.funcs = mine.map((c): WindowFunc => ({
      name: c.name,
      args: c.args.map((a) => info.bindFor(wa, a, inLayout)),
      agg: c.agg === null ? null : c.agg.k === 'count' ? { kind: 'count' } : { kind: 'agg', impl: (c.agg as Extract<Expr, { k: 'agg' }>).agg },
      filter: c.filter === undefined ? null : info.bindFor(wa, c.filter, inLayout),
    }));
    wa.windowText = windowText(info, w, winref, wa, mine);
    plan = wa;
  });
  return { plan, sortedOn };
}

const RANKING = new Set(['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile']);

/**
 * EXPLAIN's `Window:` text (PostgreSQL 18): `w1 AS (PARTITION BY .. ORDER BY .. <frame>)`.
 * As PostgreSQL's window function support functions do, a default frame of a window whose
 * calls are all ranking functions prints as `ROWS UNBOUNDED PRECEDING`.
 */
function windowText(info: PlannerInfo, w: WindowClause, winref: number, wa: Extract<PlanNode, { node: 'WindowAgg' }>, calls: WindowExpr[]): string {
  const q = info.global.useprefix('upper');
  const parts: string[] = [];
  const keyText = (e: Expr, bound: Expr): string => (bound.k === 'slot' ? deparse(bound, info.global.deparse, q) : info.text(e, q));
  if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${w.partitionBy.map((e, i) => keyText(e, wa.partition[i]!)).join(', ')}`);
  if (w.orderBy.length > 0) {
    parts.push(`ORDER BY ${w.orderBy.map((k, i) => {
      let t = keyText(k.expr, wa.order[i]!);
      if (k.desc) t += ' DESC';
      if (k.nullsFirst !== k.desc) t += k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST';
      return t;
    }).join(', ')}`);
  }
  let f = w.frameOptions;
  if ((f & FRAME.NONDEFAULT) === 0 && calls.every((c) => RANKING.has(c.name)) && w.orderBy.length > 0) {
    f = FRAME.NONDEFAULT | FRAME.ROWS | FRAME.START_UNBOUNDED_PRECEDING | FRAME.END_CURRENT_ROW;
  }
  const frame = frameText(f, wa, info.global.deparse);
  if (frame !== '') parts.push(frame);
  return `${w.name ?? `w${winref + 1}`} AS (${parts.join(' ')})`;
}

/** PostgreSQL's get_window_frame_options_for_explain text of frame bits `f`. */
function frameText(f: number, wa: Extract<PlanNode, { node: 'WindowAgg' }>, dc: DeparseContext): string {
  if ((f & FRAME.NONDEFAULT) === 0) return '';
  let s = (f & FRAME.RANGE) !== 0 ? 'RANGE ' : (f & FRAME.ROWS) !== 0 ? 'ROWS ' : 'GROUPS ';
  const between = (f & FRAME.BETWEEN) !== 0;
  if (between) s += 'BETWEEN ';
  const off = (e: Expr | null): string => (e === null ? '?' : deparse(e, dc, false));
  if ((f & FRAME.START_UNBOUNDED_PRECEDING) !== 0) s += 'UNBOUNDED PRECEDING';
  else if ((f & FRAME.START_CURRENT_ROW) !== 0) s += 'CURRENT ROW';
  else if ((f & FRAME.START_OFFSET_PRECEDING) !== 0) s += `${off(wa.startOffset)} PRECEDING`;
  else if ((f & FRAME.START_OFFSET_FOLLOWING) !== 0) s += `${off(wa.startOffset)} FOLLOWING`;
  if (between) {
    s += ' AND ';
    if ((f & FRAME.END_UNBOUNDED_FOLLOWING) !== 0) s += 'UNBOUNDED FOLLOWING';
    else if ((f & FRAME.END_CURRENT_ROW) !== 0) s += 'CURRENT ROW';
    else if ((f & FRAME.END_OFFSET_PRECEDING) !== 0) s += `${off(wa.endOffset)} PRECEDING`;
    else if ((f & FRAME.END_OFFSET_FOLLOWING) !== 0) s += `${off(wa.endOffset)} FOLLOWING`;
  }
  if ((f & FRAME.EXCLUDE_CURRENT_ROW) !== 0) s += ' EXCLUDE CURRENT ROW';
  else if ((f & FRAME.EXCLUDE_GROUP) !== 0) s += ' EXCLUDE GROUP';
  else if ((f & FRAME.EXCLUDE_TIES) !== 0) s += ' EXCLUDE TIES';
  return s;
}

/** Ranking functions that never decrease along a partition, and whose value at a row depends only on the rows before it. */
const PREFIX_RANKING: ReadonlySet<string> = new Set(['row_number', 'rank', 'dense_rank']);

/**
 * PostgreSQL 15's window run conditions (allpaths.c find_window_run_conditions, reduced to
 * what needs no support functions): a qual `c <= k`, `c < k`, `k >= c` or `k > c` over output
 * column `col` of subquery plan `sub`, where the column is a row_number(), rank() or
 * dense_rank() of the subquery's top WindowAgg and `k` an integer constant. Such a function
 * only grows along a partition, so the qual holds for a leading run of each partition: the
 * WindowAgg takes it as its run condition and skips the rest of the partition, and the qual
 * leaves the scan (as in PostgreSQL, which then prints no Filter). For row_number() over a
 * Sort whose leading keys are the partition keys, when every function of the WindowAgg reads
 * only the rows before its own, the Sort also keeps only the first `limit` rows of each
 * partition (exec/sort_order.ts groupLimitOrder). `limit` is the largest value kept.
 * Returns true when it took the qual.
 */
export function takeRunCondition(sub: PlanNode, col: number, op: '<=' | '<' | '>=' | '>', k: number, constOnLeft: boolean, constText: string): boolean {
  if (sub.node !== 'WindowAgg' || sub.runCondition !== undefined || sub.qual !== null) return false;
  const inWidth = sub.input.layout.length;
  let idx = col;
  if (sub.project !== null) {
    const e = sub.project[col];
    if (e === undefined || e.k !== 'slot') return false;
    idx = e.idx;
  }
  const f = idx - inWidth;
  const fn = sub.funcs[f];
  if (fn === undefined || !PREFIX_RANKING.has(fn.name) || fn.filter !== null) return false;
  // c <= k, k >= c: the largest value kept is k; c < k, k > c: k - 1.
  const inclusive = constOnLeft ? op === '>=' : op === '<=';
  if (constOnLeft ? op !== '>=' && op !== '>' : op !== '<=' && op !== '<') return false;
  const limit = inclusive ? k : k - 1;
  const winName = sub.windowText.slice(0, sub.windowText.indexOf(' AS ('));
  const call = `${fn.name}() OVER ${winName}`;
  sub.runCondition = { func: f, limit, text: constOnLeft ? `(${constText} ${op} ${call})` : `(${call} ${op} ${constText})` };
  const sort = sub.input;
  const np = sub.partition.length;
  if (
    fn.name === 'row_number' && sort.node === 'Sort' && sort.perGroup === undefined && sort.project === null &&
    sort.keys.length >= np && sub.partition.every((e, i) => exprEqual(e, sort.keys[i]!.expr)) &&
    sub.funcs.every((x) => PREFIX_RANKING.has(x.name)) && groupableTypes(sub.partition.map((e) => e.type))
  ) {
    sort.perGroup = { prefix: np, limit: Math.max(0, limit) };
  }
  return true;
}
