/**
 * CteScan (PostgreSQL's nodeCtescan.c): reads a WITH query's rows. The CTE's plan runs once
 * per execution, on demand, into a tuple store shared by every CteScan of it (EState.ctes);
 * each scan keeps its own read position, so two references to one CTE read it independently.
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { bug } from '../eval.js';
import { PlanState, execInitNode, execProcNode, type CteStore, type EState } from '../executor.js';

type CtePlan = Extract<PlanNode, { node: 'CteScan' }>;

export class CteScanState extends PlanState {
  private i = 0;

  constructor(readonly p: CtePlan, es: EState) {
    super(p, es);
  }

  private store(): CteStore {
    let s = this.es.ctes.get(this.p.cteId);
    if (s === undefined) {
      const c = this.es.stmt.ctes.find((x) => x.id === this.p.cteId);
      if (c === undefined) bug(`CTE ${this.p.cteId} has no plan`);
      s = { rows: [], producer: execInitNode(c.plan, this.es), done: false };
      this.es.ctes.set(this.p.cteId, s);
    }
    return s;
  }

  next(): Value[] | null {
    const s = this.store();
    for (;;) {
      let row: Value[] | null;
      if (this.i < s.rows.length) row = s.rows[this.i++]!;
      else if (s.done) return null;
      else {
        row = execProcNode(s.producer);
        if (row === null) {
          s.done = true;
          return null;
        }
        s.rows.push(row);
        this.i++;
      }
      if (this.qualPasses(this.p.qual, row)) return row;
    }
  }

  rescan(): void {
    this.i = 0;
  }
}
