/**
 * B-tree nodes and the key order (PostgreSQL's nbtree page layout, in memory).
 *
 * A node holds up to {@link NODE_CAP} entries in parallel arrays, one array per key column
 * plus the row ids:
 *
 *   rows:    Int32Array[NODE_CAP]          the entry's row id (heap TID)
 *   cols[c]: Float64Array[NODE_CAP]        key column c when its values are JS numbers (flat)
 *            Value[NODE_CAP]               otherwise (text, numeric, uuid, bytea, bigint...)
 *   nulls[c]: Uint8Array[NODE_CAP]         1 where key column c is NULL
 *
 * Leaves hold the entries and are linked both ways (btpo_prev / btpo_next) so scans walk
 * them in either direction. An inner node with `n` children keeps in slot i (1 <= i < n) a
 * copy of the smallest entry of child i (the separator); slot 0 is unused, as the "minus
 * infinity" first data item of an nbtree inner page.
 *
 * Entries are ordered by (key..., rowId): key columns in the index's order (ASC/DESC, NULLS
 * FIRST/LAST, NULLs equal to each other), then row id ascending, as nbtree orders equal keys
 * by heap TID since PostgreSQL 12. Every entry is therefore unique, which keeps descents exact.
 */
import type { OrderedKeySpec } from '../am.js';
import type { Value } from '../../storage/table.js';

/**
 * Entries per node. 64 keeps a node's arrays within a few cache lines per column while the
 * tree stays 3-4 levels deep for a million rows.
 */
export const NODE_CAP = 64;

export class BtNode {
  n = 0;
  readonly rows = new Int32Array(NODE_CAP);
  readonly cols: (Float64Array | Value[])[];
  readonly nulls: Uint8Array[];
  /** Children of an inner node (length n); null for a leaf. */
  children: BtNode[] | null;
  next: BtNode | null = null;
  prev: BtNode | null = null;

  constructor(keys: readonly OrderedKeySpec[], leaf: boolean) {
    this.cols = keys.map((k) => (k.flat ? new Float64Array(NODE_CAP) : new Array<Value>(NODE_CAP).fill(null)));
    this.nulls = keys.map(() => new Uint8Array(NODE_CAP));
    this.children = leaf ? null : [];
  }

  get leaf(): boolean {
    return this.children === null;
  }

  /** Key column `c` of entry `i` (null for NULL). */
  value(c: number, i: number): Value {
    return this.nulls[c]![i] === 1 ? null : (this.cols[c]![i] as Value);
  }

  /** Writes entry `i` from key values and a row id. */
  set(i: number, vals: readonly Value[], rowId: number): void {
    for (let c = 0; c < this.cols.length; c++) {
      const v = vals[c] ?? null;
      this.nulls[c]![i] = v === null ? 1 : 0;
      (this.cols[c]! as Value[])[i] = v === null ? (this.cols[c] instanceof Float64Array ? 0 : null) : v;
    }
    this.rows[i] = rowId;
  }

  /** Copies entry `j` of `src` into slot `i`. */
  copyFrom(i: number, src: BtNode, j: number): void {
    for (let c = 0; c < this.cols.length; c++) {
      (this.cols[c]! as Value[])[i] = (src.cols[c]! as Value[])[j]!;
      this.nulls[c]![i] = src.nulls[c]![j]!;
    }
    this.rows[i] = src.rows[j]!;
  }

  /** Moves entries [i, n) one slot right (the caller then writes slot i and bumps n). */
  openGap(i: number): void {
    for (let c = 0; c < this.cols.length; c++) {
      const col = this.cols[c]!;
      if (col instanceof Float64Array) col.copyWithin(i + 1, i, this.n);
      else col.copyWithin(i + 1, i, this.n);
      this.nulls[c]!.copyWithin(i + 1, i, this.n);
    }
    this.rows.copyWithin(i + 1, i, this.n);
    if (this.children !== null) this.children.splice(i, 0, null as unknown as BtNode);
  }

  /** The key values of entry `i` as a new array. */
  keyValues(i: number): Value[] {
    const out: Value[] = new Array(this.cols.length);
    for (let c = 0; c < this.cols.length; c++) out[c] = this.value(c, i);
    return out;
  }
}

/**
 * Compares two values of one key column in the index's order: NULLs equal to each other and
 * placed first or last, DESC reversing the value order.
 */
export function cmpKey(spec: OrderedKeySpec, a: Value, b: Value): number {
  if (a === null) return b === null ? 0 : spec.nullsFirst ? -1 : 1;
  if (b === null) return spec.nullsFirst ? 1 : -1;
  const c = spec.cmp(a, b);
  return spec.desc ? -c : c;
}

/**
 * A position between entries, used to start and stop scans: just before (`side` -1) or just
 * after (`side` +1) every entry whose first `vals.length` key columns equal `vals`. It never
 * equals an entry, so a descent for it is exact.
 */
export interface Bound {
  vals: Value[];
  side: -1 | 1;
}

/** Entry `i` of `node` against bound `b`: negative when the entry comes before it, else positive. */
export function cmpEntryBound(keys: readonly OrderedKeySpec[], node: BtNode, i: number, b: Bound): number {
  const m = b.vals.length;
  for (let c = 0; c < m; c++) {
    const r = cmpKey(keys[c]!, node.value(c, i), b.vals[c]!);
    if (r !== 0) return r;
  }
  return -b.side;
}

/** Entry `i` of `node` against the full entry (`vals`, `rowId`). */
export function cmpEntryFull(keys: readonly OrderedKeySpec[], node: BtNode, i: number, vals: readonly Value[], rowId: number): number {
  for (let c = 0; c < keys.length; c++) {
    const r = cmpKey(keys[c]!, node.value(c, i), vals[c] ?? null);
    if (r !== 0) return r;
  }
  const r = node.rows[i]!;
  return r < rowId ? -1 : r > rowId ? 1 : 0;
}
