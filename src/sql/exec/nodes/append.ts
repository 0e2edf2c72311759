/**
 * Append (PostgreSQL's nodeAppend.c): the tuples of each input in turn, for UNION ALL (and,
 * under a HashAggregate, UNION). Inputs are started only when reached.
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';

type AppendPlan = Extract<PlanNode, { node: 'Append' }>;

export class AppendState extends PlanState {
  /** The input being read. */
  private cur = 0;

  constructor(readonly p: AppendPlan, es: EState) {
    super(p, es);
    this.children = p.inputs.map((x) => execInitNode(x, es));
  }

  next(): Value[] | null {
    const ch = this.children;
    while (this.cur < ch.length) {
      const row = execProcNode(ch[this.cur]!);
      if (row !== null) return row;
      this.cur++;
    }
    return null;
  }

  rescan(): void {
    this.cur = 0;
    for (const c of this.children) execReScan(c);
  }
}
