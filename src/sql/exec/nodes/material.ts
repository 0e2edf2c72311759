/**
 * Material (PostgreSQL's nodeMaterial.c): keeps the tuples of its input as they are first
 * read, so a rescan (the inner side of a nested loop) replays them instead of recomputing
 * them. When the input depends on executor parameters set outside it, a rescan recomputes.
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';

type MaterialPlan = Extract<PlanNode, { node: 'Material' }>;

export class MaterialState extends PlanState {
  private rows: Value[][] = [];
  private i = 0;
  private childDone = false;

  constructor(readonly p: MaterialPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
  }

  next(): Value[] | null {
    if (this.i < this.rows.length) return this.rows[this.i++]!;
    if (this.childDone) return null;
    const row = execProcNode(this.children[0]!);
    if (row === null) {
      this.childDone = true;
      return null;
    }
    this.rows.push(row);
    this.i++;
    return row;
  }

  rescan(): void {
    this.i = 0;
    if (this.p.extParams.length > 0) {
      this.rows = [];
      this.childDone = false;
      execReScan(this.children[0]!);
    }
  }
}
