/**
 * Parallel plans (PostgreSQL's allpaths.c / costsize.c parallel paths, for the one shape vecgres
 * runs in parallel today): the exact k-NN scan `SELECT ... FROM t ORDER BY v <op> q LIMIT k`
 * becomes `Limit -> Gather Merge -> Sort -> Parallel Seq Scan`, PostgreSQL's plan for the query
 * with parallel workers, when the table is large enough and the parallel plan costs less.
 *
 * The number of workers is PostgreSQL's compute_parallel_worker: none below
 * `min_parallel_table_scan_size` (pages of 8 kB), one at that size, one more each time the
 * table triples, at most `max_parallel_workers_per_gather`. The costs are PostgreSQL's too:
 * the scan's and the distances' CPU cost divided by the parallel divisor (the workers plus the
 * leader's share, get_parallel_divisor), the page cost not (cost_seqscan), plus
 * `parallel_setup_cost` and `parallel_tuple_cost` per row passed to the leader (cost_gather_merge).
 *
 * Only plans the executor runs in parallel are made (exec/parallel_knn.ts): a fixed-width
 * column (`vector(n)`, `halfvec(n)`, `bit(n)`), an operator a SIMD kernel serves, no WHERE
 * clause or one of column comparisons that the leader evaluates over the column arrays into
 * the bitmap of rows the participants visit (the workers cannot evaluate SQL expressions; any
 * other WHERE clause keeps the scan serial), in a
 * statement that writes nothing, with a query vector that does not come from an enclosing
 * query's row (an uncorrelated subquery's scan may be parallel; an InitPlan's value is fine). Index scans are never replaced: the index
 * has been chosen (or not) against the serial exact scan before this runs.
 */
import type { GucReader } from '../../common/guc.js';
import type { Table } from '../../storage/table.js';
import type { Expr } from '../analyze/expr.js';
import { CPU_OPERATOR_COST, CPU_TUPLE_COST, planBase, qualOps } from './cost.js';
import type { PlanNode } from './plan.js';

/** Bytes of one PostgreSQL page: the unit of `min_parallel_table_scan_size`. */
export const PAGE_BYTES = 8192;
/** The leader's share of the work per planned worker it loses to coordinating them (PostgreSQL's 0.3). */
const LEADER_SHARE_PER_WORKER = 0.3;

/** Operators the parallel exact scan serves per column type (the SIMD kernels of exec/nodes/top_k.ts). */
const PARALLEL_OPS: Record<string, ReadonlySet<string>> = {
  vector: new Set(['<->', '<#>', '<=>', '<+>']),
  halfvec: new Set(['<->', '<=>', '<+>']),
  bit: new Set(['<~>', '<%>']),
};

/** The table's size in 8 kB pages, as the parallel thresholds count it. */
export function tablePages(table: Table): number {
  return Math.ceil(table.sizeBytes() / PAGE_BYTES);
}

/**
 * Workers for a parallel scan of `pages` pages (PostgreSQL's compute_parallel_worker): 0 below
 * `min_parallel_table_scan_size`, else 1 plus one per tripling of the table beyond it, capped by
 * `max_parallel_workers_per_gather`.
 */
export function parallelWorkers(pages: number, gucs: GucReader): number {
  const cap = Number(gucs.get('max_parallel_workers_per_gather'));
  const min = Number(gucs.get('min_parallel_table_scan_size'));
  if (cap <= 0 || pages < min) return 0;
  let workers = 1;
  let threshold = Math.max(min, 1);
  while (pages >= threshold * 3 && threshold <= 0x7fffffff / 3) {
    workers++;
    threshold *= 3;
  }
  return Math.min(workers, cap);
}

/** PostgreSQL's get_parallel_divisor: the workers, plus what the leader still does beside them. */
export function parallelDivisor(workers: number, gucs: GucReader): number {
  const leader = gucs.get('parallel_leader_participation') === true ? Math.max(0, 1 - LEADER_SHARE_PER_WORKER * workers) : 0;
  return workers + leader;
}

/** Expression kinds a qual evaluated by the leader before the participants start may hold. */
const LEADER_QUAL_KINDS = new Set(['const', 'param', 'slot', 'execParam', 'cast', 'and', 'or', 'op2', 'in']);

/** A value computed once per scan (a constant, a parameter, an InitPlan's output, a cast of one). */
function rowFree(e: Expr): boolean {
  return e.k === 'const' || e.k === 'param' || e.k === 'execParam' || (e.k === 'cast' && rowFree(e.arg));
}

/**
 * True for a WHERE clause the leader turns into the bitmap of rows to visit at the speed of the
 * column arrays (exec/row_filter.ts's fast paths): AND / OR of `column <op> value` and `column
 * IN (values)`. Anything else (functions, volatile or not, subqueries) keeps the scan serial,
 * where the qual is evaluated only for the rows that may reach the first k.
 */
function leaderQual(e: Expr): boolean {
  if (!LEADER_QUAL_KINDS.has(e.k)) return false;
  if (e.k === 'and' || e.k === 'or') return e.args.every(leaderQual);
  if (e.k === 'op2') return (e.l.k === 'slot' && rowFree(e.r)) || (e.r.k === 'slot' && rowFree(e.l));
  if (e.k === 'in') return e.arg.k === 'slot' && e.list.every(rowFree);
  return false;
}

/** True when the exact scan of `top` is one the executor runs in parallel (see the module comment). */
function parallelShape(top: PlanNode & { node: 'TopK' }): boolean {
  const seq = top.input;
  if ((seq.qual !== null && !leaderQual(seq.qual)) || top.knn.col < 0) return false;
  const column = seq.table.def.columns[top.knn.col];
  if (column === undefined || !(column.typmod > 0)) return false;
  const kind = top.knn.signBits === true ? 'bit' : column.type;
  if (top.knn.signBits === true && column.type !== 'vector') return false;
  return PARALLEL_OPS[kind]?.has(top.knn.op) === true;
}

/**
 * `top` (an exact k-NN scan returning `need` rows) as `Gather Merge -> TopK -> Parallel Seq
 * Scan` when that is possible and cheaper, else `top` itself. `allowed`: the statement may run
 * in parallel (it writes nothing) and the scan is not correlated.
 */
export function parallelTopK(top: PlanNode & { node: 'TopK' }, need: number, gucs: GucReader, allowed: boolean, relRows: (t: Table) => number): PlanNode {
  if (!allowed || !parallelShape(top)) return top;
  const seq = top.input;
  const pages = tablePages(seq.table);
  const workers = parallelWorkers(pages, gucs);
  if (workers === 0) return top;
  const divisor = parallelDivisor(workers, gucs);
  // The page cost is not shared (cost_seqscan's disk_run_cost), nor the WHERE clause, which the
  // leader evaluates over every row before the participants start; the rest of the scan is, and
  // the distances, of the rows that pass only.
  const tableRows = Math.max(1, relRows(seq.table));
  const sel = Math.min(1, seq.rows / tableRows);
  const scanPages = Math.min(seq.totalCost, pages);
  const qualCost = seq.qual === null ? 0 : tableRows * qualOps(seq.qual) * CPU_OPERATOR_COST;
  const partialScan = scanPages + qualCost + Math.max(0, seq.totalCost - scanPages - qualCost) / divisor;
  const partialTop = partialScan + ((top.totalCost - seq.totalCost) * sel) / divisor;
  const rows = Math.max(1, Math.min(need, top.rows));
  const participants = workers + (gucs.get('parallel_leader_participation') === true ? 1 : 0);
  // cost_gather_merge: setup, a heap comparison per row over the participants' streams, and
  // each row passed to the leader.
  const startup = partialTop + Number(gucs.get('parallel_setup_cost'));
  const total = startup + rows * (Number(gucs.get('parallel_tuple_cost')) + 2 * CPU_OPERATOR_COST * Math.log2(Math.max(2, participants)));
  if (total >= top.totalCost) return top;
  const pseq: PlanNode & { node: 'SeqScan' } = { ...seq, rows: Math.max(1, Math.round(seq.rows / divisor)), totalCost: partialScan, parallel: true };
  const ptop: PlanNode & { node: 'TopK' } = { ...top, input: pseq, startupCost: partialTop, totalCost: partialTop + (top.totalCost - top.startupCost) };
  return { ...planBase(rows, startup, total, top.layout, top.width), node: 'GatherMerge', input: ptop, workers };
}

/** Column types whose rows a parallel aggregate's participants read (fixed-width, in shared memory). */
const PARALLEL_AGG_TYPES = new Set(['vector', 'halfvec']);

/**
 * The table column of each aggregate of `agg` when every one is one the participants compute
 * (exec/parallel_agg.ts): count(*), or count / avg / sum of a plain `vector(n)` column, count /
 * avg of a plain `halfvec(n)` column of the scan, without FILTER, DISTINCT or ORDER BY (-1 for
 * count(*)); else null.
 */
function partialColumns(agg: PlanNode & { node: 'Agg' }, seq: PlanNode & { node: 'SeqScan' }): number[] | null {
  if (agg.aggs.length === 0) return null;
  const cols: number[] = [];
  for (const a of agg.aggs) {
    if (a.filter !== null || a.distinct || a.order.length > 0 || a.arg2 !== null) return null;
    if (a.arg === null) {
      if (a.kind !== 'count') return null;
      cols.push(-1);
      continue;
    }
    if (a.arg.k !== 'slot') return null;
    if (a.kind === 'agg') {
      const name = (a.call as { name?: string }).name;
      if (name !== 'avg' && name !== 'sum') return null;
    }
    const col = seq.scan.cols[a.arg.idx];
    const column = col === undefined ? undefined : seq.table.def.columns[col];
    if (column === undefined || !PARALLEL_AGG_TYPES.has(column.type) || !(column.typmod > 0) || a.arg.type !== column.type) return null;
    // sum(halfvec) rounds to half after every row (pgvector's halfvec_add): partial sums
    // combined give another answer than the serial one as soon as a sum passes 2048, so it stays serial.
    if (a.kind === 'agg' && column.type === 'halfvec' && (a.call as { name?: string }).name === 'sum') return null;
    cols.push(col!);
  }
  return cols;
}

/**
 * `agg` (a plain aggregate without GROUP BY over a SeqScan) as PostgreSQL's parallel plan
 * `Finalize Aggregate -> Gather -> Partial Aggregate -> Parallel Seq Scan` when its aggregates
 * are ones the participants compute ({@link partialColumns}), its WHERE clause one the leader
 * evaluates into a bitmap (as the parallel k-NN scan's), and the parallel plan costs less by
 * the same rules as {@link parallelTopK} (cost_agg's partial and finalize steps, cost_gather:
 * `parallel_setup_cost`, and `parallel_tuple_cost` per partial row); else `agg` itself.
 * `allowed`: the statement may run in parallel and the level is not correlated.
 */
export function parallelAgg(agg: PlanNode, gucs: GucReader, allowed: boolean, relRows: (t: Table) => number): PlanNode {
  if (!allowed || agg.node !== 'Agg' || agg.strategy !== 'plain' || agg.groupKeys.length > 0 || agg.sets !== undefined || agg.split !== undefined) return agg;
  const seq = agg.input;
  if (seq.node !== 'SeqScan' || seq.project !== null || (seq.qual !== null && !leaderQual(seq.qual))) return agg;
  const cols = partialColumns(agg, seq);
  if (cols === null) return agg;
  const pages = tablePages(seq.table);
  const workers = parallelWorkers(pages, gucs);
  if (workers === 0) return agg;
  const divisor = parallelDivisor(workers, gucs);
  const participants = workers + (gucs.get('parallel_leader_participation') === true ? 1 : 0);
  const tableRows = Math.max(1, relRows(seq.table));
  const scanPages = Math.min(seq.totalCost, pages);
  const qualCost = seq.qual === null ? 0 : tableRows * qualOps(seq.qual) * CPU_OPERATOR_COST;
  const partialScan = scanPages + qualCost + Math.max(0, seq.totalCost - scanPages - qualCost) / divisor;
  // cost_agg (AGG_PLAIN): an operator per aggregate per input row; one output row.
  const perRow = agg.aggs.length * CPU_OPERATOR_COST;
  const partialAgg = partialScan + (seq.rows / divisor) * perRow;
  const gather = partialAgg + Number(gucs.get('parallel_setup_cost')) + participants * Number(gucs.get('parallel_tuple_cost'));
  const total = gather + participants * perRow + CPU_TUPLE_COST;
  if (total >= agg.totalCost) return agg;
  const pseq: PlanNode & { node: 'SeqScan' } = { ...seq, rows: Math.max(1, Math.round(seq.rows / divisor)), totalCost: partialScan, parallel: true };
  const partial: PlanNode & { node: 'Agg' } = {
    ...agg, ...planBase(1, partialAgg, partialAgg + CPU_TUPLE_COST, agg.layout, agg.width), input: pseq, split: 'partial', partialCols: cols,
  };
  // PostgreSQL estimates a partial row per planned worker.
  const g: PlanNode & { node: 'Gather' } = { ...planBase(workers, gather, gather, agg.layout, agg.width), node: 'Gather', input: partial, workers };
  return { ...agg, startupCost: total, totalCost: total, input: g, split: 'finalize' };
}
