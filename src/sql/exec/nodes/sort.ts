/**
 * Sort (PostgreSQL's nodeSort.c): reads its whole input, evaluates the sort keys once per
 * tuple, and emits the tuples in key order (NULLs first or last per key, ties in input
 * order). Under a LIMIT (a bound set by the parent) it keeps only the first `bound` tuples.
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode, SortSpec } from '../../plan/plan.js';
import { isNumberCmp } from '../../analyze/expr.js';
import { evalExpr } from '../eval.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';

type SortPlan = Extract<PlanNode, { node: 'Sort' }>;

export class SortState extends PlanState {
  private out: Value[][] | null = null;
  private i = 0;
  private bound = Infinity;

  constructor(readonly p: SortPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
  }

  override setBound(n: number): void {
    this.bound = n;
  }

  next(): Value[] | null {
    if (this.out === null) this.out = this.sortAll();
    return this.i < this.out.length ? this.out[this.i++]! : null;
  }

  private sortAll(): Value[][] {
    const child = this.children[0]!;
    const rows: Value[][] = [];
    for (let r = execProcNode(child); r !== null; r = execProcNode(child)) rows.push(r);
    const keys = this.p.keys;
    const vals: Value[][] = keys.map((k) => rows.map((r) => evalExpr(k.expr, r, this.es)));
    const order = sortOrder(keys, vals, rows.length);
    const n = Math.min(rows.length, this.bound);
    const out: Value[][] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = rows[order[i]!]!;
    const kb = Math.max(25, Math.ceil((n * (this.p.width + 24)) / 1024));
    this.instr.extra = [['Sort Method', `${this.bound < Infinity ? 'top-N heapsort' : 'quicksort'}  Memory: ${kb}kB`]];
    return out;
  }

  rescan(): void {
    this.i = 0;
    if (this.p.extParams.length > 0 || this.out === null) {
      this.out = null;
      execReScan(this.children[0]!);
    }
  }
}

/**
 * A stable sort permutation of `n` items by the sort keys' values (`vals[key][item]`), NULLs
 * first or last per key, ties in item order. A key whose values are all numbers (not NaN) or
 * NULL and whose comparison is the numeric one is first copied into a Float64Array (and a
 * NULL flag array), so the comparator reads typed arrays instead of calling the key's
 * comparison function (PostgreSQL's sort keys are likewise datums compared by a fast path
 * when the type allows).
 */
export function sortOrder(keys: readonly Pick<SortSpec, 'desc' | 'nullsFirst' | 'cmp'>[], vals: Value[][], n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const nk = keys.length;
  const nums: (Float64Array | null)[] = new Array(nk);
  const nulls: (Uint8Array | null)[] = new Array(nk);
  for (let k = 0; k < nk; k++) {
    nums[k] = null;
    nulls[k] = null;
    if (!isNumberCmp(keys[k]!.cmp)) continue;
    const col = vals[k]!;
    const f = new Float64Array(n);
    let nu: Uint8Array | null = null;
    let ok = true;
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      if (typeof v === 'number' && v === v) f[i] = v;
      else if (v === null) (nu ??= new Uint8Array(n))[i] = 1;
      else {
        ok = false;
        break;
      }
    }
    if (ok) {
      nums[k] = f;
      nulls[k] = nu;
    }
  }
  order.sort((x, y) => {
    for (let k = 0; k < nk; k++) {
      const key = keys[k]!;
      const f = nums[k]!;
      if (f !== null) {
        const nu = nulls[k]!;
        if (nu !== null && (nu[x]! | nu[y]!) !== 0) {
          if (nu[x] === nu[y]) continue;
          return (nu[x] === 1) === key.nullsFirst ? -1 : 1;
        }
        const a = f[x]!;
        const b = f[y]!;
        if (a < b) return key.desc ? 1 : -1;
        if (a > b) return key.desc ? -1 : 1;
        continue;
      }
      const a = vals[k]![x]!;
      const b = vals[k]![y]!;
      if (a === null || b === null) {
        if (a === b) continue;
        return (a === null) === key.nullsFirst ? -1 : 1;
      }
      const c = key.cmp(a, b);
      if (c !== 0) return key.desc ? -c : c;
    }
    return x - y;
  });
  return order;
}
