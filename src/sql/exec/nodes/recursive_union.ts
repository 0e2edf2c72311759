/**
 * RecursiveUnion (PostgreSQL's nodeRecursiveunion.c) for WITH RECURSIVE: emits the rows of
 * the non-recursive term, then repeatedly runs the recursive term over the previous
 * iteration's rows (the work table) until an iteration yields nothing. With UNION (not ALL)
 * rows already produced are dropped (hashed by their text form).
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';
import { tupleKey } from '../hash_key.js';

type RecPlan = Extract<PlanNode, { node: 'RecursiveUnion' }>;

export class RecursiveUnionState extends PlanState {
  private seen = new Set<string>();
  private work: Value[][] = [];
  private nextWork: Value[][] = [];
  private inRecursive = false;

  constructor(readonly p: RecPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es), execInitNode(p.recursive, es)];
  }

  private fresh(row: Value[]): boolean {
    if (this.p.unionAll) return true;
    const k = tupleKey(row, this.p.types);
    if (this.seen.has(k)) return false;
    this.seen.add(k);
    return true;
  }

  next(): Value[] | null {
    const [base, rec] = this.children as [PlanState, PlanState];
    if (!this.inRecursive) {
      for (let row = execProcNode(base); row !== null; row = execProcNode(base)) {
        if (!this.fresh(row)) continue;
        this.work.push(row);
        return row;
      }
      this.inRecursive = true;
      this.es.workTables.set(this.p.cteId, this.work);
      execReScan(rec);
    }
    for (;;) {
      const row = execProcNode(rec);
      if (row !== null) {
        if (!this.fresh(row)) continue;
        this.nextWork.push(row);
        return row;
      }
      if (this.nextWork.length === 0) return null;
      this.work = this.nextWork;
      this.nextWork = [];
      this.es.workTables.set(this.p.cteId, this.work);
      execReScan(rec);
    }
  }

  rescan(): void {
    this.seen = new Set();
    this.work = [];
    this.nextWork = [];
    this.inRecursive = false;
    execReScan(this.children[0]!);
  }
}
