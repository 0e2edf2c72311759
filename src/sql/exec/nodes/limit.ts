/**
 * Limit (PostgreSQL's nodeLimit.c): skips OFFSET tuples and stops after LIMIT more. The
 * counts are evaluated when the node starts (they may be parameters or InitPlan outputs),
 * and LIMIT + OFFSET is passed down as a bound (a top-N sort, a k-NN scan's k).
 * With WITH TIES (nodeLimit.c LIMIT_WINDOWTAIL) the node goes on after the LIMIT-th tuple while
 * the input's tuples equal it on the ORDER BY keys, and passes no bound down.
 * @throws PgError 2201W `LIMIT must not be negative`, 2201X `OFFSET must not be negative`,
 *   2201W `row count cannot be null in FETCH FIRST ... WITH TIES clause`.
 */
import { PgError } from '../../../common/errors.js';
import type { Value } from '../../../storage/table.js';
import type { Expr } from '../../analyze/expr.js';
import type { PlanNode } from '../../plan/plan.js';
import { evalExpr, type EvalCtx } from '../eval.js';
import { PlanState, execInitNode, execProcNode, execReScan, projectionReads, slotsRead, type EState } from '../executor.js';

type LimitPlan = Extract<PlanNode, { node: 'Limit' }>;

/** The value of a LIMIT or OFFSET expression (Infinity / 0 for none or NULL). */
export function limitValue(e: Expr | null, ctx: EvalCtx, what: 'LIMIT' | 'OFFSET'): number {
  if (e === null) return what === 'LIMIT' ? Infinity : 0;
  const v = evalExpr(e, null, ctx);
  if (v === null) return what === 'LIMIT' ? Infinity : 0;
  const n = Number(v);
  if (n < 0) throw new PgError(what === 'LIMIT' ? '2201W' : '2201X', `${what} must not be negative`);
  return n;
}

export class LimitState extends PlanState {
  private limit = -1;
  private offset = 0;
  private seen = 0;
  /** WITH TIES: the LIMIT-th tuple's ORDER BY key values, while tuples equal to it may follow. */
  private tieKeys: Value[] | null = null;

  constructor(readonly p: LimitPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
    // The projection above the input's tuples is this node's: it alone says what they must hold.
    if (p.project !== null) this.children[0]!.setParentReads(this.withTieKeys(projectionReads(p)));
  }

  /** Without a projection the parent reads the input's tuples themselves. */
  override setParentReads(pos: readonly number[] | null): void {
    super.setParentReads(pos);
    if (this.p.project === null) this.children[0]!.setParentReads(this.withTieKeys(pos));
  }

  /** `pos` and the positions WITH TIES compares (the ORDER BY keys), which this node reads itself. */
  private withTieKeys(pos: readonly number[] | null): readonly number[] | null {
    const ties = this.p.ties;
    if (ties === undefined || pos === null) return pos;
    const keys = slotsRead(ties.keys);
    return keys === null ? null : [...new Set([...pos, ...keys])].sort((a, b) => a - b);
  }

  next(): Value[] | null {
    const child = this.children[0]!;
    const ties = this.p.ties;
    if (this.limit < 0) {
      if (ties !== undefined && this.p.limit !== null && evalExpr(this.p.limit, null, this.es) === null) {
        throw new PgError('2201W', 'row count cannot be null in FETCH FIRST ... WITH TIES clause');
      }
      this.limit = limitValue(this.p.limit, this.es, 'LIMIT');
      this.offset = limitValue(this.p.offset, this.es, 'OFFSET');
      if (this.limit !== Infinity && ties === undefined) child.setBound(this.limit + this.offset);
    }
    while (this.seen < this.offset) {
      if (execProcNode(child) === null) return null;
      this.seen++;
    }
    if (this.seen - this.offset >= this.limit) {
      // Past the LIMIT-th tuple: only WITH TIES goes on, while the keys equal the last tuple's.
      if (this.tieKeys === null) return null;
      const row = execProcNode(child);
      if (row === null || !this.sameKeys(row)) {
        this.tieKeys = null;
        return null;
      }
      return row;
    }
    const row = execProcNode(child);
    if (row !== null) {
      this.seen++;
      if (ties !== undefined && this.seen - this.offset === this.limit) this.tieKeys = ties.keys.map((k) => evalExpr(k, row, this.es));
    }
    return row;
  }

  /** Whether `row` equals the saved LIMIT-th tuple on the ORDER BY keys (NULL equal to NULL). */
  private sameKeys(row: Value[]): boolean {
    const { keys, cmps } = this.p.ties!;
    for (let k = 0; k < keys.length; k++) {
      const v = evalExpr(keys[k]!, row, this.es);
      const w = this.tieKeys![k]!;
      if (v === null || w === null ? v !== w : cmps[k]!(v, w) !== 0) return false;
    }
    return true;
  }

  rescan(): void {
    this.limit = -1;
    this.seen = 0;
    this.tieKeys = null;
    execReScan(this.children[0]!);
  }
}
