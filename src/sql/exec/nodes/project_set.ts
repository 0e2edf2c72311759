/**
 * ProjectSet (PostgreSQL's nodeProjectSet.c): a select list with set-returning items
 * (unnest). Each input tuple yields as many tuples as its longest array, the arrays read in
 * lockstep (shorter ones pad with NULL), none when every array is NULL or empty. The emitted
 * tuple is the select list's values followed by the input tuple (for sort keys above).
 */
import type { Value } from '../../../storage/table.js';
import type { PgArray } from '../../../types/pgarray.js';
import type { PlanNode } from '../../plan/plan.js';
import { evalExpr } from '../eval.js';
import { PlanState, concatTuples, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';

type ProjectSetPlan = Extract<PlanNode, { node: 'ProjectSet' }>;

export class ProjectSetState extends PlanState {
  private input: Value[] | null = null;
  private plain: Value[] = [];
  private arrays: (readonly Value[] | null)[] = [];
  private n = 0;
  private i = 0;

  constructor(readonly p: ProjectSetPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
  }

  next(): Value[] | null {
    const targets = this.p.targets;
    while (this.input === null || this.i >= this.n) {
      const row = execProcNode(this.children[0]!);
      if (row === null) return null;
      this.input = row;
      this.i = 0;
      this.n = 0;
      this.plain = new Array(targets.length);
      this.arrays = new Array(targets.length).fill(null);
      for (let c = 0; c < targets.length; c++) {
        const e = targets[c]!;
        if (e.k === 'srf') {
          const a = evalExpr(e.arg, row, this.es) as PgArray | null;
          const elems = a === null ? [] : (a.elems as readonly Value[]);
          this.arrays[c] = elems;
          if (elems.length > this.n) this.n = elems.length;
        } else {
          this.plain[c] = evalExpr(e, row, this.es);
        }
      }
    }
    const i = this.i++;
    const out: Value[] = new Array(targets.length);
    for (let c = 0; c < targets.length; c++) {
      const elems = this.arrays[c];
      out[c] = elems === null ? this.plain[c]! : i < elems!.length ? elems![i]! : null;
    }
    return concatTuples(out, this.input);
  }

  rescan(): void {
    this.input = null;
    this.n = 0;
    this.i = 0;
    execReScan(this.children[0]!);
  }
}
