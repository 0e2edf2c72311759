/**
 * Agg (PostgreSQL's nodeAgg.c), plain or hashed: reads its whole input, folds each aggregate
 * call per group (strict transitions: NULL inputs are skipped; count(*) counts rows), and
 * emits one tuple per group: the group keys, then the aggregate results. Groups come out in
 * first-seen order. Without GROUP BY there is exactly one group, even over no rows
 * (count = 0, other aggregates NULL). The node's qual is HAVING, over its output tuple.
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { evalExpr, passes } from '../eval.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';
import { keyText } from '../hash_key.js';

type AggPlan = Extract<PlanNode, { node: 'Agg' }>;

interface Group {
  keys: Value[];
  states: unknown[];
}

export class AggState extends PlanState {
  private out: Value[][] | null = null;
  private i = 0;

  constructor(readonly p: AggPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
  }

  private initStates(): unknown[] {
    return this.p.aggs.map((a) => (a.kind === 'count' ? 0 : (a.call as { agg: { init(): unknown } }).agg.init()));
  }

  private run(): Value[][] {
    const p = this.p;
    const child = this.children[0]!;
    const groups: Group[] = [];
    const byKey = new Map<string, Group>();
    const gk = p.groupKeys;
    if (gk.length === 0) groups.push({ keys: [], states: this.initStates() });
    for (let row = execProcNode(child); row !== null; row = execProcNode(child)) {
      let g: Group;
      if (gk.length === 0) g = groups[0]!;
      else {
        const keys = gk.map((k) => evalExpr(k, row, this.es));
        const key = keys.length === 1 ? keyText(keys[0]!, gk[0]!.type) : keys.map((v, i) => keyText(v, gk[i]!.type)).join('\u0001');
        let found = byKey.get(key);
        if (found === undefined) {
          found = { keys, states: this.initStates() };
          byKey.set(key, found);
          groups.push(found);
        }
        g = found;
      }
      const aggs = p.aggs;
      for (let a = 0; a < aggs.length; a++) {
        const call = aggs[a]!;
        if (call.kind === 'count') {
          if (call.arg === null || evalExpr(call.arg, row, this.es) !== null) g.states[a] = (g.states[a] as number) + 1;
          continue;
        }
        const v = evalExpr(call.arg!, row, this.es);
        if (v !== null) g.states[a] = (call.call as { agg: { step(s: unknown, v: Value): unknown } }).agg.step(g.states[a], v);
      }
    }
    if (p.strategy === 'hashed') this.instr.extra = [['Batches', `1  Memory Usage: ${Math.max(24, Math.ceil((groups.length * (p.width + 64)) / 1024))}kB`]];
    const out: Value[][] = [];
    for (const g of groups) {
      const row: Value[] = g.keys.slice();
      p.aggs.forEach((a, i) => row.push(a.kind === 'count' ? (g.states[i] as number) : ((a.call as { agg: { final(s: unknown): Value } }).agg.final(g.states[i]) as Value)));
      if (!passes(p.qual, row, this.es)) {
        this.instr.removedByFilter++;
        continue;
      }
      out.push(row);
    }
    return out;
  }

  next(): Value[] | null {
    if (this.out === null) this.out = this.run();
    return this.i < this.out.length ? this.out[this.i++]! : null;
  }

  rescan(): void {
    this.out = null;
    this.i = 0;
    execReScan(this.children[0]!);
  }
}
