/**
 * ProjectSet (PostgreSQL's nodeProjectSet.c): a select list with set-returning items
 * (unnest, jsonb_array_elements, jsonb_object_keys, ...). Each input tuple yields as many
 * tuples as its longest set, the sets read in lockstep (shorter ones pad with NULL), none
 * when every set is NULL or empty. An item
 * whose set-returning calls sit inside an expression (`jsonb_array_elements(x)->>'k'`) is
 * evaluated once per output row with each call standing for its current value (NULL past
 * its end), as PostgreSQL 10+ does. The emitted tuple is the select list's values followed by
 * the input tuple (for sort keys above).
 */
import type { Value } from '../../../storage/table.js';
import type { Expr } from '../../analyze/expr.js';
import { someNode } from '../../analyze/query.js';
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

  /** Per item: its nested set-returning calls (empty for a plain item or a bare call). */
  private readonly nested: Extract<Expr, { k: 'srf' }>[][];
  /** Per nested call, in item order: its set for the current input tuple. */
  private nestedSets: (readonly Value[])[][] = [];

  constructor(readonly p: ProjectSetPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
    this.nested = p.targets.map((e) => {
      const calls: Extract<Expr, { k: 'srf' }>[] = [];
      if (e.k !== 'srf') someNode(e, (x) => (x.k === 'srf' && calls.push(x), false));
      return calls;
    });
  }

  private setOf(e: Extract<Expr, { k: 'srf' }>, row: Value[]): readonly Value[] {
    const a = evalExpr(e.arg, row, this.es);
    return a === null ? [] : e.expand !== undefined ? e.expand(a) : ((a as PgArray).elems as readonly Value[]);
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
      this.nestedSets = new Array(targets.length);
      for (let c = 0; c < targets.length; c++) {
        const e = targets[c]!;
        const calls = this.nested[c]!;
        if (e.k === 'srf') {
          const elems = this.setOf(e, row);
          this.arrays[c] = elems;
          if (elems.length > this.n) this.n = elems.length;
        } else if (calls.length > 0) {
          const sets = calls.map((x) => this.setOf(x, row));
          this.nestedSets[c] = sets;
          for (const elems of sets) if (elems.length > this.n) this.n = elems.length;
        } else {
          this.plain[c] = evalExpr(e, row, this.es);
        }
      }
    }
    const i = this.i++;
    const out: Value[] = new Array(targets.length);
    for (let c = 0; c < targets.length; c++) {
      const elems = this.arrays[c];
      const calls = this.nested[c]!;
      if (elems !== null) out[c] = i < elems.length ? elems[i]! : null;
      else if (calls.length > 0) out[c] = this.evalNested(targets[c]!, calls, this.nestedSets[c]!, i);
      else out[c] = this.plain[c]!;
    }
    return concatTuples(out, this.input);
  }

  /** An item with nested calls at output row `i`: each call stands for its i-th value. */
  private evalNested(e: Expr, calls: Extract<Expr, { k: 'srf' }>[], sets: (readonly Value[])[], i: number): Value {
    const values = new Map<object, Value>();
    calls.forEach((x, k) => values.set(x, i < sets[k]!.length ? sets[k]![i]! : null));
    const saved = this.es.srfValues;
    this.es.srfValues = values;
    try {
      return evalExpr(e, this.input, this.es);
    } finally {
      this.es.srfValues = saved;
    }
  }

  rescan(): void {
    this.input = null;
    this.n = 0;
    this.i = 0;
    execReScan(this.children[0]!);
  }
}
