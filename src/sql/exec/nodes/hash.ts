/**
 * Hash (PostgreSQL's nodeHash.c): reads its whole input into a hash table keyed by the join's
 * inner keys, for the HashJoin above it. Rows with a NULL key never match; they are kept
 * aside for RIGHT and FULL joins, which emit them unmatched. The table is kept across rescans
 * unless the input depends on executor parameters set outside it.
 */
import type { Value } from '../../../storage/table.js';
import type { Expr } from '../../analyze/expr.js';
import type { PlanNode } from '../../plan/plan.js';
import { bug, evalExpr } from '../eval.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';
import { intKey, keyText } from '../hash_key.js';

type HashPlan = Extract<PlanNode, { node: 'Hash' }>;

/** One inner row in the table: the row, its key values, and whether a probe matched it. */
export interface HashEntry {
  row: Value[];
  keys: Value[];
  matched: boolean;
}

export class HashState extends PlanState {
  table: Map<string | number, HashEntry[]> | null = null;
  /** Every entry, in input order (RIGHT / FULL joins walk it for unmatched rows). */
  all: HashEntry[] = [];

  constructor(readonly p: HashPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
  }

  /**
   * Builds the table (once, or again after a rescan with new parameter values). `intKeys`:
   * one integer key, hashed by its number (hash_key.ts intKeyed), else by keyText.
   */
  build(keys: Expr[], intKeys = false): Map<string | number, HashEntry[]> {
    if (this.table !== null) {
      for (const e of this.all) e.matched = false;
      return this.table;
    }
    const child = this.children[0]!;
    const table = new Map<string | number, HashEntry[]>();
    const all: HashEntry[] = [];
    let n = 0;
    for (let row = execProcNode(child); row !== null; row = execProcNode(child)) {
      n++;
      const kv = keys.map((k) => evalExpr(k, row, this.es));
      const entry: HashEntry = { row, keys: kv, matched: false };
      all.push(entry);
      if (kv.some((v) => v === null)) continue;
      const key = intKeys ? intKey(kv[0]!) : kv.length === 1 ? keyText(kv[0]!, keys[0]!.type) : kv.map((v, i) => keyText(v, keys[i]!.type)).join('\u0001');
      const bucket = table.get(key);
      if (bucket === undefined) table.set(key, [entry]);
      else bucket.push(entry);
    }
    this.instr.rows += n;
    this.instr.loops++;
    let buckets = 1024;
    while (buckets < n) buckets *= 2;
    const kb = Math.max(9, Math.ceil((n * (this.p.width + 48)) / 1024));
    this.instr.extra = [['Buckets', `${buckets}  Batches: 1  Memory Usage: ${kb}kB`]];
    this.table = table;
    this.all = all;
    return table;
  }

  next(): Value[] | null {
    return bug('Hash is read through HashJoin, not pulled');
  }

  rescan(): void {
    if (this.p.extParams.length > 0) {
      this.table = null;
      this.all = [];
      execReScan(this.children[0]!);
    }
  }
}
