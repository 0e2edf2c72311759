/**
 * Agg (PostgreSQL's nodeAgg.c), plain or hashed: reads its whole input, folds each aggregate
 * call per group (strict transitions: NULL inputs are skipped, except for array_agg and
 * string_agg, which are not strict; count(*) counts rows), and
 * emits one tuple per group: the group keys, then the aggregate results. Groups come out in
 * first-seen order. Without GROUP BY there is exactly one group, even over no rows
 * (count = 0, other aggregates NULL). The node's qual is HAVING, over its output tuple.
 *
 * FILTER (WHERE ...) skips rows where it is not TRUE. A call with DISTINCT or ORDER BY
 * collects its group's inputs as flat entries `[value, delimiter, ...sort keys]`, sorts them
 * (stable) when the group is done, drops adjacent duplicates for DISTINCT, and folds them in
 * that order (PostgreSQL's process_ordered_aggregate_single / _multi). A hypothetical-set
 * aggregate (`sortKeys`) folds each entry's sort key values instead, NULLs included.
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { evalExpr } from '../eval.js';
import { PlanState, execInitNode, execProcNode, execReScan, slotsRead, type EState } from '../executor.js';
import type { Expr } from '../../analyze/expr.js';
import { keyText } from '../hash_key.js';
import type { AggCall } from '../../plan/plan.js';
import { sortOrder } from './sort.js';

type Impl = { init(): unknown; step(s: unknown, v: unknown): unknown; final(s: unknown): unknown; nonStrict?: boolean; sortKeys?: true };

/** Folds one input into a call's state (count: rows or non-NULL values; others: strict unless nonStrict). */
function fold(call: AggCall, s: unknown, v: Value, d: Value): unknown {
  if (call.kind === 'count') return call.arg === null || v !== null ? (s as number) + 1 : s;
  const impl = (call.call as { agg: Impl }).agg;
  if (v === null && impl.nonStrict !== true) return s;
  return impl.step(s, call.arg2 === null ? v : [v, d]);
}

/** True when the call collects and sorts its inputs before folding them. */
function buffered(call: AggCall): boolean {
  return call.distinct || call.order.length > 0;
}

type AggPlan = Extract<PlanNode, { node: 'Agg' }>;

/** The expressions an Agg evaluates on its input tuples: group keys, and each call's arguments, FILTER and ORDER BY keys. */
function inputExprs(p: AggPlan): Expr[] {
  const out: Expr[] = [...p.groupKeys];
  for (const a of p.aggs) {
    if (a.arg !== null) out.push(a.arg);
    if (a.arg2 !== null) out.push(a.arg2);
    if (a.filter !== null) out.push(a.filter);
    for (const o of a.order) out.push(o.expr);
  }
  return out;
}

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
    // run() evaluates keys and arguments on each tuple and keeps only values.
    this.children[0]!.parentKeepsNoTuple = true;
    // ... and reads nothing else of it: a scan below leaves the other positions unread (a
    // vector column that only the WHERE reads is not copied out of the table for each row).
    if (p.split === undefined) this.children[0]!.setParentReads(slotsRead(inputExprs(p)));
  }

  private initStates(): unknown[] {
    return this.p.aggs.map((a) => (buffered(a) ? [] : a.kind === 'count' ? 0 : (a.call as { agg: Impl }).agg.init()));
  }

  private run(): Value[][] {
    const p = this.p;
    if (p.sets !== undefined) return this.runSets(p.sets);
    const child = this.children[0]!;
    const groups: Group[] = [];
    const byKey = new Map<unknown, Group>();
    const gk = p.groupKeys;
    // One key of a type whose SQL equality is JS SameValueZero on its values: the value is the
    // hash key itself (no key text per row).
    const rawKey = gk.length === 1 && (gk[0]!.type === 'int4' || gk[0]!.type === 'text' || gk[0]!.type === 'bool');
    if (gk.length === 0) groups.push({ keys: [], states: this.initStates() });
    for (let row = execProcNode(child); row !== null; row = execProcNode(child)) {
      let g: Group;
      if (gk.length === 0) g = groups[0]!;
      else {
        let key: unknown;
        let keys: Value[] | null = null;
        let single: Value = null;
        if (gk.length === 1) {
          single = evalExpr(gk[0]!, row, this.es);
          key = rawKey ? single : keyText(single, gk[0]!.type);
        } else {
          keys = gk.map((k) => evalExpr(k, row, this.es));
          key = keys.map((v, i) => keyText(v, gk[i]!.type)).join('\u0001');
        }
        let found = byKey.get(key);
        if (found === undefined) {
          found = { keys: keys ?? [single], states: this.initStates() };
          byKey.set(key, found);
          groups.push(found);
        }
        g = found;
      }
      this.foldRow([g], row);
    }
    if (p.strategy === 'hashed') this.instr.extra = [['Batches', `1  Memory Usage: ${Math.max(24, Math.ceil((groups.length * (p.width + 64)) / 1024))}kB`]];
    const out: Value[][] = [];
    for (const g of groups) this.emit(g, null, out);
    return out;
  }

  /**
   * Folds one input row into its group of each grouping set (`groups`): arguments, FILTER and
   * ORDER BY keys are evaluated once per row, whatever the number of sets (so a volatile
   * argument is computed once, as PostgreSQL's Agg over several sets in one pass).
   */
  private foldRow(groups: Group[], row: Value[]): void {
    const aggs = this.p.aggs;
    const es = this.es;
    for (let a = 0; a < aggs.length; a++) {
      const call = aggs[a]!;
      if (call.grouping !== undefined) continue;
      if (call.filter !== null && evalExpr(call.filter, row, es) !== true) continue;
      const v = call.arg === null ? null : evalExpr(call.arg, row, es);
      const d = call.arg2 === null ? null : evalExpr(call.arg2, row, es);
      if (buffered(call)) {
        const entry: Value[] = new Array(2 + call.order.length);
        entry[0] = v;
        entry[1] = d;
        for (let k = 0; k < call.order.length; k++) entry[2 + k] = evalExpr(call.order[k]!.expr, row, es);
        for (const g of groups) (g.states[a] as Value[][]).push(entry);
        continue;
      }
      for (const g of groups) g.states[a] = fold(call, g.states[a], v, d);
    }
  }

  /**
   * Appends group `g`'s output tuple to `out` when HAVING passes: its keys, then each call's
   * result. `set` is the grouping set's membership per key (null: every key is grouped); a
   * GROUPING(...) call's bit is set for each argument outside it.
   */
  private emit(g: Group, set: boolean[] | null, out: Value[][]): void {
    const row: Value[] = g.keys.slice();
    this.p.aggs.forEach((a, i) => {
      if (a.grouping !== undefined) {
        let mask = 0;
        for (const k of a.grouping) mask = (mask << 1) | (set === null || set[k] === true ? 0 : 1);
        row.push(mask);
        return;
      }
      const st = buffered(a) ? this.foldSorted(a, g.states[i] as Value[][]) : g.states[i];
      row.push(a.kind === 'count' ? (st as number) : ((a.call as { agg: Impl }).agg.final(st) as Value));
    });
    if (this.qualPasses(this.p.qual, row)) out.push(row);
  }

  /**
   * GROUPING SETS: one pass over the input, each row folded into its group of every set (a
   * hash table per set, keyed on the set's keys); then each set's groups in first-seen order,
   * the keys outside the set NULL. A set of no keys is one group even over no rows.
   */
  private runSets(sets: number[][]): Value[][] {
    const p = this.p;
    const child = this.children[0]!;
    const gk = p.groupKeys;
    const tables = sets.map(() => ({ groups: [] as Group[], byKey: new Map<string, Group>() }));
    sets.forEach((set, s) => {
      if (set.length === 0) tables[s]!.groups.push({ keys: gk.map(() => null), states: this.initStates() });
    });
    const mine: Group[] = new Array(sets.length);
    for (let row = execProcNode(child); row !== null; row = execProcNode(child)) {
      const vals = gk.map((k) => evalExpr(k, row, this.es));
      const texts = vals.map((v, i) => keyText(v, gk[i]!.type));
      for (let s = 0; s < sets.length; s++) {
        const set = sets[s]!;
        const t = tables[s]!;
        if (set.length === 0) {
          mine[s] = t.groups[0]!;
          continue;
        }
        const key = set.map((i) => texts[i]).join('\u0001');
        let g = t.byKey.get(key);
        if (g === undefined) {
          const keys: Value[] = gk.map(() => null);
          for (const i of set) keys[i] = vals[i]!;
          g = { keys, states: this.initStates() };
          t.byKey.set(key, g);
          t.groups.push(g);
        }
        mine[s] = g;
      }
      this.foldRow(mine, row);
    }
    const total = tables.reduce((n, t) => n + t.groups.length, 0);
    this.instr.extra = [['Batches', `1  Memory Usage: ${Math.max(24, Math.ceil((total * (p.width + 64)) / 1024))}kB`]];
    const out: Value[][] = [];
    sets.forEach((set, s) => {
      const member = gk.map((_, i) => set.includes(i));
      for (const g of tables[s]!.groups) this.emit(g, member, out);
    });
    return out;
  }

  /** A DISTINCT / ORDER BY call's state: its collected entries sorted, deduplicated, folded. */
  private foldSorted(call: AggCall, entries: Value[][]): unknown {
    const n = entries.length;
    const keys = call.order;
    const vals: Value[][] = keys.map((_, k) => entries.map((e) => e[2 + k]!));
    const order = sortOrder(keys as unknown as Parameters<typeof sortOrder>[0], vals, n);
    let s: unknown = call.kind === 'count' ? 0 : (call.call as { agg: Impl }).agg.init();
    const impl = call.kind === 'count' ? null : (call.call as { agg: Impl }).agg;
    const type = call.arg?.type ?? 'int4';
    const type2 = call.arg2?.type ?? 'int4';
    let prev: string | null = null;
    for (let i = 0; i < n; i++) {
      const e = entries[order[i]!]!;
      if (impl?.sortKeys === true) {
        s = impl.step(s, e.slice(2));
        continue;
      }
      const v = e[0]!;
      if (call.distinct) {
        // Strict aggregates never see NULL, so it takes no part in DISTINCT for them.
        if (v === null && (impl === null || impl.nonStrict !== true)) continue;
        // DISTINCT compares every argument (jsonb_object_agg's key and value, string_agg's value and delimiter).
        const key = call.arg2 === null ? keyText(v, type) : keyText(v, type) + '\u0001' + keyText(e[1]!, type2);
        if (key === prev) continue;
        prev = key;
      }
      s = fold(call, s, v, e[1]!);
    }
    return s;
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
