/**
 * HashJoin (PostgreSQL's nodeHashjoin.c): builds a hash table of the inner side (the Hash
 * node) on the equality keys, then probes it with each outer tuple, confirming each candidate
 * with the keys' `=` and the remaining join qual. Join types: inner, left (unmatched outer
 * rows with NULLs), right and full (unmatched inner rows at the end), semi, anti, and
 * right_semi (each inner row once when matched, emitted as inner ++ outer) and right_anti
 * (the inner rows never matched, at the end, emitted as inner ++ NULLs).
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { evalExpr, passes } from '../eval.js';
import { PlanState, concatTuples, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';
import { intKey, intKeyed, keyText } from '../hash_key.js';
import type { HashEntry, HashState } from './hash.js';

type HashJoinPlan = Extract<PlanNode, { node: 'HashJoin' }>;

const NO_ENTRIES: HashEntry[] = [];

export class HashJoinState extends PlanState {
  private table: Map<string | number, HashEntry[]> | null = null;
  /** One integer key on both sides: hashed by its number (hash_key.ts intKeyed). */
  private readonly intKeys: boolean;
  private outerRow: Value[] | null = null;
  private bucket: HashEntry[] = [];
  private bi = 0;
  private matched = false;
  private outerDone = false;
  private ui = 0;
  private readonly innerNulls: Value[];
  /** The current outer row's key values (reused). */
  private readonly kv: Value[];
  private readonly outerNulls: Value[];
  /** The reused output tuple of inner matches (see joined). */
  private readonly scratch: Value[];

  constructor(readonly p: HashJoinPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.outer, es), execInitNode(p.inner, es)];
    this.innerNulls = new Array(p.innerWidth).fill(null);
    this.outerNulls = new Array(p.outerWidth).fill(null);
    this.scratch = new Array(p.outerWidth + p.innerWidth).fill(null);
    this.kv = new Array(p.outerKeys.length).fill(null);
    this.intKeys = intKeyed(p.outerKeys.map((k) => k.type), p.innerKeys.map((k) => k.type));
  }

  /**
   * outer ++ inner as the output tuple: in one reused array when nothing above keeps it (a
   * projection copies it out, or the parent keeps no tuple), else a new one.
   */
  private joined(o: Value[], i: Value[]): Value[] {
    if (this.p.project === null && !this.parentKeepsNoTuple) return concatTuples(o, i);
    const out = this.scratch;
    const no = o.length;
    for (let c = 0; c < no; c++) out[c] = o[c]!;
    for (let c = 0; c < i.length; c++) out[no + c] = i[c]!;
    return out;
  }

  /** Confirms a candidate with the operators' own equality (a shared hash form is not proof). */
  private keysEqual(e: HashEntry): boolean {
    const eq = this.p.keyEq;
    for (let i = 0; i < eq.length; i++) if (eq[i]!(this.kv[i]!, e.keys[i]!) !== true) return false;
    return true;
  }

  next(): Value[] | null {
    const p = this.p;
    const type = p.joinType;
    const outer = this.children[0]!;
    if (this.table === null) this.table = (this.children[1] as HashState).build(p.innerKeys, this.intKeys);
    while (!this.outerDone) {
      if (this.outerRow === null) {
        const o = execProcNode(outer);
        if (o === null) {
          this.outerDone = true;
          break;
        }
        this.outerRow = o;
        this.matched = false;
        this.bi = 0;
        const kv = this.kv;
        let key = '';
        let hasNull = false;
        if (this.intKeys) {
          const v = evalExpr(p.outerKeys[0]!, o, this.es);
          kv[0] = v;
          this.bucket = v === null ? NO_ENTRIES : (this.table.get(intKey(v)) ?? NO_ENTRIES);
          continue;
        }
        for (let i = 0; i < kv.length; i++) {
          const v = evalExpr(p.outerKeys[i]!, o, this.es);
          if (v === null) {
            hasNull = true;
            break;
          }
          kv[i] = v;
          key = i === 0 ? keyText(v, p.outerKeys[0]!.type) : `${key}\u0001${keyText(v, p.outerKeys[i]!.type)}`;
        }
        this.bucket = hasNull ? NO_ENTRIES : (this.table.get(key) ?? NO_ENTRIES);
      }
      const o = this.outerRow;
      if (this.bi < this.bucket.length) {
        const entry = this.bucket[this.bi++]!;
        if (!this.keysEqual(entry)) continue;
        if (type === 'right_anti') {
          // Only marks the inner row; the unmatched ones come out at the end.
          if (entry.matched) continue;
          if (p.joinQual !== null && !passes(p.joinQual, concatTuples(entry.row, o), this.es)) {
            this.instr.removedByJoinFilter++;
            continue;
          }
          entry.matched = true;
          continue;
        }
        if (type === 'right_semi') {
          // Each inner row once, the first time an outer row matches it.
          if (entry.matched) continue;
          const row = concatTuples(entry.row, o);
          if (p.joinQual !== null && !passes(p.joinQual, row, this.es)) {
            this.instr.removedByJoinFilter++;
            continue;
          }
          entry.matched = true;
          if (this.qualPasses(p.qual, row)) return row;
          continue;
        }
        const row = this.joined(o, entry.row);
        if (p.joinQual !== null && !passes(p.joinQual, row, this.es)) {
          this.instr.removedByJoinFilter++;
          continue;
        }
        this.matched = true;
        entry.matched = true;
        if (type === 'anti') {
          this.outerRow = null;
          continue;
        }
        if (type === 'semi') this.outerRow = null;
        if (this.qualPasses(p.qual, row)) return row;
        continue;
      }
      this.outerRow = null;
      if (!this.matched && (type === 'left' || type === 'full' || type === 'anti')) {
        const row = concatTuples(o, this.innerNulls);
        if (this.qualPasses(p.qual, row)) return row;
      }
    }
    if (type === 'right_anti') {
      const all = (this.children[1] as HashState).all;
      while (this.ui < all.length) {
        const e = all[this.ui++]!;
        if (e.matched) continue;
        const row = concatTuples(e.row, this.outerNulls);
        if (this.qualPasses(p.qual, row)) return row;
      }
      return null;
    }
    if (type === 'right' || type === 'full') {
      const all = (this.children[1] as HashState).all;
      while (this.ui < all.length) {
        const e = all[this.ui++]!;
        if (e.matched) continue;
        const row = concatTuples(this.outerNulls, e.row);
        if (this.qualPasses(p.qual, row)) return row;
      }
    }
    return null;
  }

  rescan(): void {
    this.outerRow = null;
    this.outerDone = false;
    this.ui = 0;
    this.table = null;
    execReScan(this.children[0]!);
    execReScan(this.children[1]!);
  }
}
