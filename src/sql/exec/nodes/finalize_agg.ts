/**
 * Finalize Aggregate (PostgreSQL's nodeAgg.c with AGGSPLIT_FINAL_DESERIAL) over a Gather of
 * Partial Aggregates: combines the participants' transition states in the order they arrive
 * (participant order here) with pgvector's combine functions, then finishes each aggregate
 * as the serial one does (types/aggregates.ts) and applies HAVING. One row.
 *
 * Combining: counts add; avg's float8 states add element by element (vector_combine /
 * halfvec_combine: rows and sums, 22003 when a sum overflows); sum's running sums add in the
 * type itself (vector_add / halfvec_add, its combine function). So avg and count equal the
 * serial ones whenever the float8 sums are exact (integer-valued rows, for one), and sum when
 * the float32 (half) sums are; otherwise the association of the sums differs from the serial
 * row order, as in PostgreSQL's parallel plan, and results may differ in the last place.
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { PgError, SQLSTATE } from '../../../common/errors.js';
import type { Aggregate } from '../../../types/aggregates.js';
import { vectorAdd } from '../../../types/vector.js';
import { halfvecAdd } from '../../../types/halfvec.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';
import type { PartialAvg, PartialState } from '../parallel_agg.js';

type AggPlan = Extract<PlanNode, { node: 'Agg' }>;

/** Two partial states of one aggregate combined (either may be the empty state). */
function combine(kind: 'count' | 'avg' | 'sum', half: boolean, a: PartialState, b: PartialState): PartialState {
  if (kind === 'count') return (a as number) + (b as number);
  if (kind === 'avg') {
    const x = a as PartialAvg;
    const y = b as PartialAvg;
    if (y.sums === null) return x;
    if (x.sums === null) return y;
    const sums = x.sums;
    for (let i = 0; i < sums.length; i++) {
      const v = sums[i]! + y.sums[i]!;
      if (v === Infinity || v === -Infinity) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'value out of range: overflow');
      sums[i] = v;
    }
    return { n: x.n + y.n, sums };
  }
  if (b === null) return a;
  if (a === null) return b;
  return half ? halfvecAdd(a as Uint16Array, b as Uint16Array) : vectorAdd(a as Float32Array, b as Float32Array);
}

export class FinalizeAggState extends PlanState {
  private done = false;

  constructor(readonly p: AggPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
  }

  next(): Value[] | null {
    if (this.done) return null;
    this.done = true;
    const aggs = this.p.aggs;
    const kinds = aggs.map((a) => (a.kind === 'count' ? 'count' : (a.call as { name: string }).name === 'avg' ? 'avg' : 'sum') as 'count' | 'avg' | 'sum');
    const half = aggs.map((a) => a.arg?.type === 'halfvec');
    let states: PartialState[] | null = null;
    const child = this.children[0]!;
    for (let row = execProcNode(child); row !== null; row = execProcNode(child)) {
      const part = row as unknown as PartialState[];
      if (states === null) states = part.slice();
      else for (let i = 0; i < aggs.length; i++) states[i] = combine(kinds[i]!, half[i]!, states[i]!, part[i]!);
    }
    const out: Value[] = aggs.map((a, i) => {
      const s = states === null ? (a.kind === 'count' ? 0 : (a.call as { agg: Aggregate<unknown, unknown, PartialState> }).agg.init()) : states[i]!;
      return a.kind === 'count' ? (s as number) : ((a.call as { agg: Aggregate<unknown, Value, PartialState> }).agg.final(s));
    });
    if (!this.qualPasses(this.p.qual, out)) return null;
    return out;
  }

  rescan(): void {
    this.done = false;
    execReScan(this.children[0]!);
  }
}
