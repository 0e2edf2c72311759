/**
 * WorkTableScan (PostgreSQL's nodeWorktablescan.c): inside the recursive term of WITH
 * RECURSIVE, the rows the previous iteration produced (EState.workTables, set by the
 * RecursiveUnion node before each rescan of the term).
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { PlanState, type EState } from '../executor.js';

type WorkPlan = Extract<PlanNode, { node: 'WorkTableScan' }>;

export class WorkTableScanState extends PlanState {
  private i = 0;

  constructor(readonly p: WorkPlan, es: EState) {
    super(p, es);
  }

  next(): Value[] | null {
    const rows = this.es.workTables.get(this.p.cteId) ?? [];
    while (this.i < rows.length) {
      const row = rows[this.i++]!;
      if (this.qualPasses(this.p.qual, row)) return row;
    }
    return null;
  }

  rescan(): void {
    this.i = 0;
  }
}
