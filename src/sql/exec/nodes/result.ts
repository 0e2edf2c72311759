/**
 * Result (PostgreSQL's nodeResult.c): without an input, one empty tuple (a SELECT without
 * FROM), none when the one-time filter is not TRUE; with an input, its tuples filtered by the
 * qual (the projection above any node is done by execProcNode).
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { passes } from '../eval.js';
import { PlanState, execInitNode, execProcNode, execReScan, projectionReads, type EState } from '../executor.js';

type ResultPlan = Extract<PlanNode, { node: 'Result' }>;

export class ResultState extends PlanState {
  private done = false;
  private checked: boolean | null = null;

  constructor(readonly p: ResultPlan, es: EState) {
    super(p, es);
    if (p.input !== null) {
      this.children = [execInitNode(p.input, es)];
      // The projection (and the qual) above the input's tuples say what they must hold.
      if (p.project !== null) this.children[0]!.setParentReads(projectionReads(p));
    }
  }

  /** Without a projection or a qual the parent reads the input's tuples themselves. */
  override setParentReads(pos: readonly number[] | null): void {
    super.setParentReads(pos);
    if (this.p.input !== null && this.p.project === null && this.p.qual === null) this.children[0]!.setParentReads(pos);
  }

  next(): Value[] | null {
    if (this.checked === null) this.checked = passes(this.p.oneTimeFilter, null, this.es);
    if (!this.checked) return null;
    if (this.p.input === null) {
      if (this.done) return null;
      this.done = true;
      const row: Value[] = [];
      if (!passes(this.p.qual, row, this.es)) return null;
      return row;
    }
    const child = this.children[0]!;
    for (let row = execProcNode(child); row !== null; row = execProcNode(child)) {
      if (this.qualPasses(this.p.qual, row)) return row;
    }
    return null;
  }

  override setBound(n: number): void {
    if (this.p.input !== null && this.p.qual === null) this.children[0]!.setBound(n);
  }

  rescan(): void {
    this.done = false;
    this.checked = null;
    if (this.p.input !== null) execReScan(this.children[0]!);
  }
}
