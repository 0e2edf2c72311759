/**
 * HashSetOp (PostgreSQL 18's nodeSetOp.c, hashed strategy): reads the left input into a hash
 * table of distinct tuples (NULLs equal, as for DISTINCT), counting each tuple's occurrences
 * on the left and then on the right, and emits, per distinct left tuple in first-seen order:
 *
 *   INTERSECT       one copy if it occurs on both sides
 *   INTERSECT ALL   min(left count, right count) copies
 *   EXCEPT          one copy if it does not occur on the right
 *   EXCEPT ALL      max(left count - right count, 0) copies
 *
 * Counts live in two flat Float64Arrays indexed by group number (grown by doubling).
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';
import { tupleKey } from '../hash_key.js';

type SetOpPlan = Extract<PlanNode, { node: 'SetOp' }>;

export class SetOpState extends PlanState {
  private groups: Value[][] = [];
  private leftCount: Float64Array = new Float64Array(16);
  private rightCount: Float64Array = new Float64Array(16);
  private built = false;
  /** Next group to emit, and copies of it still to emit. */
  private g = 0;
  private copies = 0;

  constructor(readonly p: SetOpPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.left, es), execInitNode(p.right, es)];
  }

  private build(): void {
    const types = this.p.types;
    const byKey = new Map<string, number>();
    const left = this.children[0]!;
    for (let row = execProcNode(left); row !== null; row = execProcNode(left)) {
      const key = tupleKey(row, types);
      let g = byKey.get(key);
      if (g === undefined) {
        g = this.groups.length;
        byKey.set(key, g);
        this.groups.push(row);
        if (g >= this.leftCount.length) {
          const grow = (a: Float64Array): Float64Array => {
            const b = new Float64Array(a.length * 2);
            b.set(a);
            return b;
          };
          this.leftCount = grow(this.leftCount);
          this.rightCount = grow(this.rightCount);
        }
      }
      this.leftCount[g]!++;
    }
    const right = this.children[1]!;
    for (let row = execProcNode(right); row !== null; row = execProcNode(right)) {
      const g = byKey.get(tupleKey(row, types));
      if (g !== undefined) this.rightCount[g]!++;
    }
    this.built = true;
  }

  /** Copies of group `g` the operation emits. */
  private copiesOf(g: number): number {
    const l = this.leftCount[g]!;
    const r = this.rightCount[g]!;
    if (this.p.op === 'intersect') return this.p.all ? Math.min(l, r) : r > 0 ? 1 : 0;
    return this.p.all ? Math.max(l - r, 0) : r > 0 ? 0 : 1;
  }

  next(): Value[] | null {
    if (!this.built) {
      this.build();
      this.g = -1;
      this.copies = 0;
    }
    while (this.copies === 0) {
      this.g++;
      if (this.g >= this.groups.length) return null;
      this.copies = this.copiesOf(this.g);
    }
    this.copies--;
    return this.groups[this.g]!;
  }

  rescan(): void {
    this.built = false;
    this.groups = [];
    this.leftCount.fill(0);
    this.rightCount.fill(0);
    execReScan(this.children[0]!);
    execReScan(this.children[1]!);
  }
}
