/**
 * Sort (PostgreSQL's nodeSort.c): reads its whole input, evaluates the sort keys once per
 * tuple, and emits the tuples in key order (NULLs first or last per key, ties in input
 * order). Under a LIMIT (a bound set by the parent) it keeps only the first `bound` tuples,
 * selected by a top-N heap. With `perGroup` (set by the planner when the parent is a Unique
 * or a WindowAgg whose run condition keeps the first k rows of each partition) it emits
 * only the first `limit` tuples of each run equal on the leading `prefix` keys: exactly the
 * tuples the parent would keep, without sorting the rest (exec/sort_order.ts).
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { boundedOrder, groupLimitOrder, rowComparator, sortOrder } from '../sort_order.js';
import { evalExpr } from '../eval.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';
import { GROUP_LIMIT_STREAM_MAX, GroupLimitBuffer } from '../group_limit.js';

type SortPlan = Extract<PlanNode, { node: 'Sort' }>;

export class SortState extends PlanState {
  private out: Value[][] | null = null;
  private i = 0;
  private bound = Infinity;

  constructor(readonly p: SortPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
  }

  override setBound(n: number): void {
    this.bound = n;
  }

  next(): Value[] | null {
    if (this.out === null) this.out = this.sortAll();
    return this.i < this.out.length ? this.out[this.i++]! : null;
  }

  private sortAll(): Value[][] {
    const child = this.children[0]!;
    const pg0 = this.p.perGroup;
    if (pg0 !== undefined && pg0.limit <= GROUP_LIMIT_STREAM_MAX) return this.sortPerGroup(pg0.prefix, pg0.limit);
    const rows: Value[][] = [];
    for (let r = execProcNode(child); r !== null; r = execProcNode(child)) rows.push(r);
    const keys = this.p.keys;
    const vals: Value[][] = keys.map((k) => rows.map((r) => evalExpr(k.expr, r, this.es)));
    const cmp = rowComparator(keys, vals, rows.length);
    const pg = this.p.perGroup;
    let order: Int32Array;
    if (pg !== undefined) order = groupLimitOrder(cmp, vals, keys.map((k) => k.expr.type), pg.prefix, rows.length, pg.limit);
    else if (this.bound < rows.length) order = boundedOrder(cmp, rows.length, this.bound);
    else {
      order = new Int32Array(rows.length);
      for (let i = 0; i < order.length; i++) order[i] = i;
      order.sort(cmp);
    }
    const n = Math.min(order.length, this.bound);
    const out: Value[][] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = rows[order[i]!]!;
    this.setSortMethod(n);
    return out;
  }

  /**
   * The first `limit` tuples of each run equal on the first `prefix` keys, in order, selected
   * while the input streams in (group_limit.ts): the tuples that lose are never held.
   */
  private sortPerGroup(prefix: number, limit: number): Value[][] {
    const child = this.children[0]!;
    const keys = this.p.keys;
    const buf = new GroupLimitBuffer(keys, keys.map((k) => k.expr.type), prefix, limit);
    const cur: Value[] = new Array(keys.length);
    for (let r = execProcNode(child); r !== null; r = execProcNode(child)) {
      for (let k = 0; k < keys.length; k++) cur[k] = evalExpr(keys[k]!.expr, r, this.es);
      buf.offer(r, cur);
    }
    const out = buf.finish();
    if (out.length > this.bound) out.length = this.bound;
    this.setSortMethod(out.length);
    return out;
  }

  /** EXPLAIN ANALYZE's `Sort Method` line for `n` tuples sorted. */
  private setSortMethod(n: number): void {
    const kb = Math.max(25, Math.ceil((n * (this.p.width + 24)) / 1024));
    this.instr.extra = [['Sort Method', `${this.bound < Infinity ? 'top-N heapsort' : 'quicksort'}  Memory: ${kb}kB`]];
  }

  rescan(): void {
    this.i = 0;
    if (this.p.extParams.length > 0 || this.out === null) {
      this.out = null;
      execReScan(this.children[0]!);
    }
  }
}

/** Re-exported for the nodes that sort their own candidates (top_k.ts, agg.ts). */
export { sortOrder };
