/** ValuesScan (PostgreSQL's nodeValuesscan.c): the rows of a VALUES list, evaluated per (re)scan. */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { evalExpr } from '../eval.js';
import { PlanState, type EState } from '../executor.js';

type ValuesPlan = Extract<PlanNode, { node: 'ValuesScan' }>;

export class ValuesScanState extends PlanState {
  private i = 0;

  constructor(readonly p: ValuesPlan, es: EState) {
    super(p, es);
  }

  next(): Value[] | null {
    const rows = this.p.values;
    while (this.i < rows.length) {
      const exprs = rows[this.i++]!;
      const row: Value[] = new Array(exprs.length);
      for (let c = 0; c < exprs.length; c++) row[c] = evalExpr(exprs[c]!, null, this.es);
      if (!this.qualPasses(this.p.qual, row)) continue;
      return row;
    }
    return null;
  }

  rescan(): void {
    this.i = 0;
  }
}
