/**
 * NestLoop (PostgreSQL's nodeNestloop.c): for each outer tuple, assigns the executor
 * parameters the inner side reads (`nestParams`: the outer row's values a parameterized
 * index scan, primary-key lookup or LATERAL subquery needs), rescans the inner side, and
 * emits outer ++ inner for each inner tuple passing the join qual. LEFT joins emit an
 * unmatched outer tuple with NULLs for the inner columns; semi joins stop at the first match;
 * anti joins emit only unmatched outer tuples. The node's qual (WHERE clauses above an outer
 * join) is applied to what the join emits.
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { evalExpr, passes } from '../eval.js';
import { PlanState, concatTuples, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';

type NestLoopPlan = Extract<PlanNode, { node: 'NestLoop' }>;

export class NestLoopState extends PlanState {
  private outerRow: Value[] | null = null;
  private matched = false;
  private readonly nulls: Value[];

  constructor(readonly p: NestLoopPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.outer, es), execInitNode(p.inner, es)];
    this.nulls = new Array(p.innerWidth).fill(null);
  }

  next(): Value[] | null {
    const [outer, inner] = this.children as [PlanState, PlanState];
    const p = this.p;
    const type = p.joinType;
    for (;;) {
      if (this.outerRow === null) {
        const o = execProcNode(outer);
        if (o === null) return null;
        this.outerRow = o;
        this.matched = false;
        for (const np of p.nestParams) this.es.execParams[np.id] = evalExpr(np.expr, o, this.es);
        execReScan(inner);
      }
      const o = this.outerRow;
      const i = execProcNode(inner);
      if (i === null) {
        this.outerRow = null;
        if (!this.matched && (type === 'left' || type === 'anti')) {
          const row = concatTuples(o, this.nulls);
          if (this.qualPasses(p.qual, row)) return row;
        }
        continue;
      }
      const row = concatTuples(o, i);
      if (p.joinQual !== null && !passes(p.joinQual, row, this.es)) {
        this.instr.removedByJoinFilter++;
        continue;
      }
      this.matched = true;
      if (type === 'anti') {
        this.outerRow = null;
        continue;
      }
      if (type === 'semi') this.outerRow = null;
      if (this.qualPasses(p.qual, row)) return row;
    }
  }

  override setBound(n: number): void {
    if (this.p.boundToInner === true) this.children[1]!.setBound(n);
  }

  rescan(): void {
    this.outerRow = null;
    execReScan(this.children[0]!);
  }
}
