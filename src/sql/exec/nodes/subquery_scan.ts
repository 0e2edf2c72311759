/**
 * SubqueryScan (PostgreSQL's nodeSubqueryscan.c): the output of a subquery in FROM, filtered
 * by quals pushed down onto it. On the inner side of a nested loop (LATERAL) it is rescanned
 * per outer row; a bound from above passes down (`LIMIT` over a subquery).
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';

type SubqueryPlan = Extract<PlanNode, { node: 'SubqueryScan' }>;

export class SubqueryScanState extends PlanState {
  constructor(readonly p: SubqueryPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
  }

  next(): Value[] | null {
    const child = this.children[0]!;
    for (let row = execProcNode(child); row !== null; row = execProcNode(child)) {
      if (this.qualPasses(this.p.qual, row)) return row;
    }
    return null;
  }

  override setBound(n: number): void {
    if (this.p.qual === null) this.children[0]!.setBound(n);
  }

  rescan(): void {
    execReScan(this.children[0]!);
  }
}
