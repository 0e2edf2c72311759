/**
 * Index quals to scans (PostgreSQL's nbtutils.c _bt_preprocess_keys and nbtsearch.c
 * _bt_first / _bt_next, reduced).
 *
 * Preprocessing turns the scan keys into one constraint per key column in the index's order:
 * a sorted set of points (from `=`, `IN`, `IS NULL`) or an interval with optional ends (from
 * `<`, `<=`, `>`, `>=`, `IS NOT NULL`). The leading columns constrained to points, plus the
 * next column's interval, bound each "primitive scan": for every combination of points (in
 * key order, as PostgreSQL 17's ScalarArrayOp scans) the scan descends to the lower bound and
 * walks the leaves until the upper bound. Every entry between the bounds is then checked
 * against all the keys (the bounds only narrow the walk), so a key the bounds cannot express
 * (a constraint after a range column) still filters.
 */
import { assert } from '../../common/assert.js';
import type { OrderedKeySpec, OrderedScan, ScanKey, ScanStats } from '../am.js';
import type { Value } from '../../storage/table.js';
import { BtTree, type Cursor } from './tree.js';
import { cmpEntryBound, cmpKey, type BtNode, type Bound } from './node.js';

/** An end of an interval in index order: `v` itself included or not. */
interface End {
  v: Value;
  incl: boolean;
}

/** One key column's constraint after preprocessing. */
interface ColConstraint {
  points: Value[] | null;
  lo: End | null;
  hi: End | null;
}

/** A primitive scan: entries after `lo` and before `hi`. */
export interface Span {
  lo: Bound;
  hi: Bound;
}

/** The tighter of two lower (`sign` 1) or upper (`sign` -1) ends in index order. */
function tighter(spec: OrderedKeySpec, a: End | null, b: End, sign: 1 | -1): End {
  if (a === null) return b;
  const c = cmpKey(spec, a.v, b.v) * sign;
  if (c > 0) return a;
  if (c < 0) return b;
  return { v: a.v, incl: a.incl && b.incl };
}

/** True when `v` lies inside the interval [lo, hi] of column `spec`. */
function inside(spec: OrderedKeySpec, v: Value, lo: End | null, hi: End | null): boolean {
  if (lo !== null) {
    const c = cmpKey(spec, v, lo.v);
    if (c < 0 || (c === 0 && !lo.incl)) return false;
  }
  if (hi !== null) {
    const c = cmpKey(spec, v, hi.v);
    if (c > 0 || (c === 0 && !hi.incl)) return false;
  }
  return true;
}

/** Sorts and dedupes `vs` in the column's index order. */
function sortPoints(spec: OrderedKeySpec, vs: Value[]): Value[] {
  vs.sort((a, b) => cmpKey(spec, a, b));
  const out: Value[] = [];
  for (const v of vs) if (out.length === 0 || cmpKey(spec, out[out.length - 1]!, v) !== 0) out.push(v);
  return out;
}

/**
 * The primitive scans of `keys` over an index with key columns `specs`, in key order; an
 * empty list when the keys contradict each other (`a = 1 AND a = 2`, `a > 5 AND a < 3`).
 */
export function spansFor(specs: readonly OrderedKeySpec[], keys: readonly ScanKey[]): Span[] {
  const cons: ColConstraint[] = specs.map(() => ({ points: null, lo: null, hi: null }));
  for (const k of keys) {
    assert(k.col >= 0 && k.col < specs.length, `btree: scan key on column ${k.col}`);
    const spec = specs[k.col]!;
    const con = cons[k.col]!;
    let pts: Value[] | null = null;
    // In index order, NULLs sit at one end: a comparison excludes them through the end on
    // their side ({null, excluded}), which every non-NULL value lies before / after.
    const notNull = (): void => {
      if (spec.nullsFirst) con.lo = tighter(spec, con.lo, { v: null, incl: false }, 1);
      else con.hi = tighter(spec, con.hi, { v: null, incl: false }, -1);
    };
    switch (k.op) {
      case '=':
        pts = k.value === null || k.value === undefined ? [] : [k.value];
        break;
      case 'in':
        pts = (k.values ?? []).filter((v) => v !== null);
        break;
      case 'isnull':
        pts = [null];
        break;
      case 'notnull':
        notNull();
        break;
      default: {
        if (k.value === null || k.value === undefined) {
          pts = [];
          break;
        }
        const below = k.op === '<' || k.op === '<=';
        const end: End = { v: k.value, incl: k.op === '<=' || k.op === '>=' };
        // For a DESC column, "value below v" is "after v" in index order.
        if (below !== spec.desc) con.hi = tighter(spec, con.hi, end, -1);
        else con.lo = tighter(spec, con.lo, end, 1);
        notNull();
      }
    }
    if (pts !== null) {
      const sorted = sortPoints(spec, pts);
      con.points = con.points === null ? sorted : con.points.filter((p) => sorted.some((s) => cmpKey(spec, p, s) === 0));
    }
  }
  // Fold each column's interval into its points; find an empty constraint.
  for (let c = 0; c < specs.length; c++) {
    const con = cons[c]!;
    const spec = specs[c]!;
    if (con.points !== null) {
      con.points = con.points.filter((p) => inside(spec, p, con.lo, con.hi));
      if (con.points.length === 0) return [];
    } else if (con.lo !== null && con.hi !== null) {
      const d = cmpKey(spec, con.lo.v, con.hi.v);
      if (d > 0 || (d === 0 && !(con.lo.incl && con.hi.incl))) return [];
    }
  }
  let m = 0;
  while (m < specs.length && cons[m]!.points !== null) m++;
  const range = m < specs.length ? cons[m]! : null;
  const spans: Span[] = [];
  const prefix: Value[] = new Array(m);
  const emit = (): void => {
    const p = prefix.slice();
    const lo: Bound = range?.lo == null ? { vals: p, side: -1 } : { vals: [...p, range.lo.v], side: range.lo.incl ? -1 : 1 };
    const hi: Bound = range?.hi == null ? { vals: p, side: 1 } : { vals: [...p, range.hi.v], side: range.hi.incl ? 1 : -1 };
    spans.push({ lo, hi });
  };
  const product = (c: number): void => {
    if (c === m) {
      emit();
      return;
    }
    for (const v of cons[c]!.points!) {
      prefix[c] = v;
      product(c + 1);
    }
  };
  product(0);
  return spans;
}

/** True when entry `i` of `node` satisfies every key (value order, independent of the bounds). */
export function entryMatches(specs: readonly OrderedKeySpec[], keys: readonly ScanKey[], node: BtNode, i: number): boolean {
  for (const k of keys) {
    const v = node.value(k.col, i);
    if (k.op === 'isnull') {
      if (v !== null) return false;
      continue;
    }
    if (v === null) return false;
    if (k.op === 'notnull') continue;
    const cmp = specs[k.col]!.cmp;
    if (k.op === 'in') {
      if (!(k.values ?? []).some((x) => x !== null && cmp(v, x) === 0)) return false;
      continue;
    }
    if (k.value === null || k.value === undefined) return false;
    const c = cmp(v, k.value);
    switch (k.op) {
      case '=': if (c !== 0) return false; break;
      case '<': if (!(c < 0)) return false; break;
      case '<=': if (!(c <= 0)) return false; break;
      case '>': if (!(c > 0)) return false; break;
      case '>=': if (!(c >= 0)) return false; break;
    }
  }
  return true;
}

/**
 * Calls `fn` for every entry matching `keys`, span by span in key order (forward) or reverse.
 * Stops early when `fn` returns false. Returns the number of primitive scans (descents).
 */
export function forEachMatch(
  tree: BtTree, keys: readonly ScanKey[], backward: boolean, fn: (rowId: number) => boolean,
): number {
  const spans = spansFor(tree.keys, keys);
  const specs = tree.keys;
  for (let s = 0; s < spans.length; s++) {
    const span = spans[backward ? spans.length - 1 - s : s]!;
    if (!backward) {
      const c = tree.seek(span.lo);
      while (BtTree.settleForward(c) && cmpEntryBound(specs, c.leaf, c.pos, span.hi) < 0) {
        if (entryMatches(specs, keys, c.leaf, c.pos) && !fn(c.leaf.rows[c.pos]!)) return s + 1;
        c.pos++;
      }
    } else {
      const c = tree.seek(span.hi);
      c.pos--;
      while (BtTree.settleBackward(c) && cmpEntryBound(specs, c.leaf, c.pos, span.lo) > 0) {
        if (entryMatches(specs, keys, c.leaf, c.pos) && !fn(c.leaf.rows[c.pos]!)) return s + 1;
        c.pos--;
      }
    }
  }
  return spans.length;
}

/**
 * A resumable ordered scan: span by span, a cursor walking the leaves. Rows the caller
 * reports dead are skipped. Inserts between `next` calls are not expected (a statement reads
 * its scan to the end or stops before writing), and the tree is not changed by scanning.
 */
export class BtreeOrderedScan implements OrderedScan {
  private readonly spans: Span[];
  private span = -1;
  private cur: Cursor | null = null;
  private readonly st: ScanStats = { searches: 0, distanceComputations: 0, tuplesReturned: 0 };

  constructor(
    private readonly tree: BtTree, private readonly keys: readonly ScanKey[],
    private readonly backward: boolean, private readonly isLive: (rowId: number) => boolean,
  ) {
    this.spans = spansFor(tree.keys, keys);
  }

  next(rowIds: Int32Array): number {
    const specs = this.tree.keys;
    let n = 0;
    while (n < rowIds.length) {
      if (this.cur === null) {
        if (++this.span >= this.spans.length) break;
        const sp = this.spans[this.backward ? this.spans.length - 1 - this.span : this.span]!;
        this.st.searches++;
        this.cur = this.tree.seek(this.backward ? sp.hi : sp.lo);
        if (this.backward) this.cur.pos--;
      }
      const sp = this.spans[this.backward ? this.spans.length - 1 - this.span : this.span]!;
      const c = this.cur;
      const ok = this.backward
        ? BtTree.settleBackward(c) && cmpEntryBound(specs, c.leaf, c.pos, sp.lo) > 0
        : BtTree.settleForward(c) && cmpEntryBound(specs, c.leaf, c.pos, sp.hi) < 0;
      if (!ok) {
        this.cur = null;
        continue;
      }
      const row = c.leaf.rows[c.pos]!;
      if (entryMatches(specs, this.keys, c.leaf, c.pos) && this.isLive(row)) rowIds[n++] = row;
      c.pos += this.backward ? -1 : 1;
    }
    this.st.tuplesReturned += n;
    return n;
  }

  stats(): ScanStats {
    return { ...this.st };
  }

  close(): void {
    this.cur = null;
  }
}
