/**
 * Unique (PostgreSQL's nodeUnique.c): over input sorted on its keys, emits the first tuple of
 * each run of tuples equal on every key (NULL equals NULL here, as for DISTINCT), so DISTINCT
 * ON keeps the first row of each group in ORDER BY order. Holds only the last emitted key
 * values (one flat array reused across tuples).
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { evalExpr } from '../eval.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';

type UniquePlan = Extract<PlanNode, { node: 'Unique' }>;

export class UniqueState extends PlanState {
  /** Key values of the last tuple emitted. */
  private readonly last: Value[];
  private haveLast = false;

  constructor(readonly p: UniquePlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
    this.last = new Array(p.keys.length).fill(null);
  }

  next(): Value[] | null {
    const child = this.children[0]!;
    const keys = this.p.keys;
    const cmps = this.p.cmps;
    const last = this.last;
    for (let row = execProcNode(child); row !== null; row = execProcNode(child)) {
      let same = this.haveLast;
      for (let k = 0; k < keys.length; k++) {
        const v = evalExpr(keys[k]!, row, this.es);
        if (same) {
          const w = last[k]!;
          if (v === null || w === null ? v !== w : cmps[k]!(v, w) !== 0) same = false;
        }
        last[k] = v;
      }
      if (!same) {
        this.haveLast = true;
        return row;
      }
    }
    return null;
  }

  rescan(): void {
    this.haveLast = false;
    execReScan(this.children[0]!);
  }
}
