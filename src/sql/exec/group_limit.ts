/**
 * The first `limit` tuples of each group, kept while the tuples stream in: what a Sort with
 * `perGroup` emits (the tuples a Unique for DISTINCT ON, or a WindowAgg whose row_number() run
 * condition stops each partition after `limit` rows, keeps of its input). A group is the
 * tuples equal on the leading `prefix` sort keys; the order is the Sort's (sort_order.ts
 * rowComparator: each key's comparison, NULLs first or last, DESC, ties in arrival order).
 *
 * sort_order.ts groupLimitOrder selects the same tuples from an input held whole; here a
 * tuple that cannot be among its group's first `limit` is dropped when it arrives, so the
 * memory held is the survivors' (one tuple per document for DISTINCT ON over chunks), and the
 * tuples that lose die young (a cheap minor collection instead of a copy to the old space).
 * Each group's survivors are a sorted list of at most `limit` slots (insertion, as
 * groupLimitOrder's), so it serves small limits only ({@link GROUP_LIMIT_STREAM_MAX}).
 */
import type { Value } from '../../storage/table.js';
import type { SqlType } from '../analyze/types.js';
import { groupKey, sortOrder, type SortKeyOrder } from './sort_order.js';

/** Per-group limits up to this are kept by insertion while streaming (larger: sort all, then cut). */
export const GROUP_LIMIT_STREAM_MAX = 8;
/** Integer group keys below this are numbered through a flat table (at most 4 MiB of it). */
const DENSE_KEY_MAX = 1 << 20;

export class GroupLimitBuffer {
  private readonly ids = new Map<unknown, number>();
  /** Group g's survivors: slots kept[g * limit ..] in order, count[g] of them. */
  private kept: Int32Array;
  private count: Int32Array;
  /** Slot data: the tuple, its key values (per key), its arrival number. */
  private readonly rows: Value[][] = [];
  private readonly vals: Value[][];
  private readonly seq: number[] = [];
  private arrived = 0;
  private groups = 0;
  /**
   * One int2 / int4 group key: group number + 1 of each small non-negative key value (0: none
   * yet); other values (negative, large) are hashed. A value always takes the same path.
   */
  private readonly intGroups: boolean;
  private dense = new Int32Array(1024);

  /**
   * @param keys the sort keys, `types` their value types; the first `prefix` keys define the
   *   groups and must be of types sort_order.ts groupableTypes accepts
   * @param limit tuples kept per group, 1 to {@link GROUP_LIMIT_STREAM_MAX}
   */
  constructor(
    private readonly keys: readonly SortKeyOrder[],
    private readonly types: readonly SqlType[],
    private readonly prefix: number,
    private readonly limit: number,
  ) {
    this.vals = keys.map(() => []);
    this.intGroups = prefix === 1 && (types[0] === 'int4' || types[0] === 'int2');
    this.kept = new Int32Array(256 * limit);
    this.count = new Int32Array(256);
  }

  /**
   * Offers tuple `row` whose sort key values are `cur` (read now, not kept: copied when the
   * tuple survives).
   */
  offer(row: Value[], cur: readonly Value[]): void {
    const seq = this.arrived++;
    const g = this.groupOf(cur);
    const limit = this.limit;
    const kept = this.kept;
    const base = g * limit;
    const c = this.count[g]!;
    let slot: number;
    let j: number;
    if (c < limit) {
      slot = this.rows.length;
      this.rows.push(row);
      for (let k = 0; k < cur.length; k++) this.vals[k]!.push(cur[k]!);
      this.seq.push(seq);
      this.count[g] = c + 1;
      j = c;
    } else {
      // Full: the tuple replaces the group's last survivor when it sorts before it (ties: the
      // earlier tuple sorts first, so an equal one never replaces it).
      slot = kept[base + limit - 1]!;
      if (this.compare(cur, slot) >= 0) return;
      this.rows[slot] = row;
      for (let k = 0; k < cur.length; k++) this.vals[k]![slot] = cur[k]!;
      this.seq[slot] = seq;
      j = limit - 1;
    }
    while (j > 0 && this.compare(cur, kept[base + j - 1]!) < 0) {
      kept[base + j] = kept[base + j - 1]!;
      j--;
    }
    kept[base + j] = slot;
  }

  /** The survivors in sort order (ties in arrival order). */
  finish(): Value[][] {
    const m = this.rows.length;
    // Slots in arrival order, so that the stable sort breaks ties as the whole input would.
    const seq = this.seq;
    const bySeq = new Int32Array(m);
    for (let i = 0; i < m; i++) bySeq[i] = i;
    bySeq.sort((a, b) => seq[a]! - seq[b]!);
    const vals: Value[][] = this.vals.map((col) => {
      const out: Value[] = new Array(m);
      for (let i = 0; i < m; i++) out[i] = col[bySeq[i]!]!;
      return out;
    });
    const order = sortOrder(this.keys, vals, m);
    const out: Value[][] = new Array(m);
    for (let i = 0; i < m; i++) out[i] = this.rows[bySeq[order[i]!]!]!;
    return out;
  }

  /**
   * Negative when values `cur` (a tuple arriving now) sort before slot `slot`'s, else 0 or
   * positive. Within a group the leading `prefix` keys are equal, so the rest decide.
   */
  private compare(cur: readonly Value[], slot: number): number {
    const keys = this.keys;
    for (let k = this.prefix; k < keys.length; k++) {
      const key = keys[k]!;
      const a = cur[k]!;
      const b = this.vals[k]![slot]!;
      if (a === null || b === null) {
        if (a === b) continue;
        return (a === null) === key.nullsFirst ? -1 : 1;
      }
      const c = key.cmp(a, b);
      if (c !== 0) return key.desc ? -c : c;
    }
    return 0;
  }

  /** The group number of key values `cur` (dense, in first-seen order). */
  private groupOf(cur: readonly Value[]): number {
    const v = cur[0]!;
    if (this.intGroups && typeof v === 'number' && v >= 0 && v < DENSE_KEY_MAX) {
      // A small non-negative integer key: its group number from a flat table, no hashing.
      let dense = this.dense;
      if (v >= dense.length) {
        dense = new Int32Array(Math.min(DENSE_KEY_MAX, Math.max(v + 1, dense.length * 2)));
        dense.set(this.dense);
        this.dense = dense;
      }
      const g = dense[v]! - 1;
      if (g >= 0) return g;
      const n = this.newGroup(undefined);
      dense[v] = n + 1;
      return n;
    }
    const key = groupKey(cur, this.types, this.prefix);
    const g = this.ids.get(key);
    return g !== undefined ? g : this.newGroup(key);
  }

  /** Numbers a group first seen now, under `key` in the hashed map (undefined: a dense key, kept by the caller). */
  private newGroup(key: unknown): number {
    const g = this.groups++;
    if (key !== undefined) this.ids.set(key, g);
    if (g >= this.count.length) this.grow();
    return g;
  }

  private grow(): void {
    const n = this.count.length * 2;
    const count = new Int32Array(n);
    count.set(this.count);
    this.count = count;
    const kept = new Int32Array(n * this.limit);
    kept.set(this.kept);
    this.kept = kept;
  }
}
