/**
 * The B+tree proper: descent, insertion with node splits, bulk loading from sorted entries,
 * and cursors over the linked leaves (PostgreSQL's nbtinsert.c, nbtsearch.c, nbtsort.c, much
 * reduced: one process, no page locks, no on-disk pages).
 *
 * An insert past the last entry of the index goes straight to the rightmost leaf while it has
 * room (nbtinsert.c's fastpath), and a full rightmost leaf taking such an entry splits leaving
 * the left page BULK_FILL full, as nbtree splits its rightmost page by fillfactor.
 *
 * Deletion never shrinks a node: deleted rows are tombstones (index.ts) until vacuum rebuilds
 * the tree from the surviving entries by bulk load (vacuum.ts), which also keeps the leaves
 * full. Separators are copies of the first entry of their child at the time it was split;
 * inserts keep "every entry of child i-1 < separator i <= every entry of child i" true.
 */
import { assert } from '../../common/assert.js';
import type { OrderedKeySpec } from '../am.js';
import type { Value } from '../../storage/table.js';
import { BtNode, NODE_CAP, cmpEntryBound, cmpEntryFull, type Bound } from './node.js';

/** A position in the leaf level: entry `pos` of `leaf` (pos may equal leaf.n: past its end). */
export interface Cursor {
  leaf: BtNode;
  pos: number;
}

/** Fill of bulk-loaded leaves: 90% as nbtree's default leaf fillfactor, leaving room for inserts. */
const BULK_FILL = Math.floor(NODE_CAP * 0.9);

export class BtTree {
  root: BtNode;
  /** Entries in the tree. */
  count = 0;
  /** Nodes allocated (for sizeBytes). */
  nodes = 1;
  /**
   * The rightmost leaf, or a leaf left of it (splits add right siblings, found through
   * `next`): an insert past its last entry goes straight there (nbtinsert.c's fastpath for
   * ascending keys, which serial and identity columns give).
   */
  private lastLeaf: BtNode;

  constructor(readonly keys: readonly OrderedKeySpec[]) {
    this.root = new BtNode(keys, true);
    this.lastLeaf = this.root;
  }

  /**
   * In an inner node, the child to descend into for a target compared by `cmp` (negative when
   * the separator comes before the target): the last child whose separator comes before it.
   */
  private static childFor(node: BtNode, cmp: (n: BtNode, i: number) => number): number {
    let lo = 1, hi = node.n; // find the first separator at or after the target
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(node, mid) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** In a leaf, the first entry that does not come before the target. */
  private static leafPos(node: BtNode, cmp: (n: BtNode, i: number) => number): number {
    let lo = 0, hi = node.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(node, mid) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds the entry (`vals`, `rowId`); asserts it is not present. */
  insert(vals: readonly Value[], rowId: number): void {
    const keys = this.keys;
    let last = this.lastLeaf;
    while (last.next !== null) last = last.next;
    this.lastLeaf = last;
    // Past the last entry of the index, with room in the rightmost leaf: no descent.
    if (last.n > 0 && last.n < NODE_CAP && cmpEntryFull(keys, last, last.n - 1, vals, rowId) < 0) {
      this.count++;
      last.set(last.n, vals, rowId);
      last.n++;
      return;
    }
    const cmp = (n: BtNode, i: number): number => cmpEntryFull(keys, n, i, vals, rowId);
    const path: BtNode[] = [];
    const slots: number[] = [];
    let node = this.root;
    // Whether every node of the path is its parent's last child (the right edge of the tree).
    let rightEdge = true;
    while (!node.leaf) {
      const ci = BtTree.childFor(node, cmp);
      path.push(node);
      slots.push(ci);
      rightEdge &&= ci === node.n - 1;
      node = node.children![ci]!;
    }
    const pos = BtTree.leafPos(node, cmp);
    assert(pos >= node.n || cmp(node, pos) !== 0, `btree: row ${rowId} is already indexed with this key`);
    this.count++;
    if (node.n < NODE_CAP) {
      node.openGap(pos);
      node.set(pos, vals, rowId);
      node.n++;
      return;
    }
    // Split the full leaf, then insert into the half the entry belongs to. An entry past the
    // end of the rightmost leaf leaves the left one BULK_FILL full, as nbtree splits its
    // rightmost page by fillfactor: ascending inserts then fill leaves as a bulk load does,
    // not half.
    let right = this.splitOff(node, rightEdge && pos === node.n ? BULK_FILL : node.n >>> 1);
    if (pos <= node.n) {
      node.openGap(pos);
      node.set(pos, vals, rowId);
      node.n++;
    } else {
      const p = pos - node.n;
      right.openGap(p);
      right.set(p, vals, rowId);
      right.n++;
    }
    // Post the new right sibling's first entry to the parent, splitting upwards as needed.
    let left = node;
    for (let level = path.length - 1; ; level--) {
      if (level < 0) {
        const root = new BtNode(keys, false);
        this.nodes++;
        root.children!.push(left, right);
        root.copyFrom(1, right, 0);
        root.n = 2;
        this.root = root;
        return;
      }
      const parent = path[level]!;
      const at = slots[level]! + 1;
      if (parent.n < NODE_CAP) {
        parent.openGap(at);
        parent.copyFrom(at, right, 0);
        parent.children![at] = right;
        parent.n++;
        return;
      }
      rightEdge &&= at === parent.n;
      const pRight = this.splitOff(parent, rightEdge ? BULK_FILL : parent.n >>> 1);
      const target = at <= parent.n ? parent : pRight;
      const p = at <= parent.n ? at : at - parent.n;
      target.openGap(p);
      target.copyFrom(p, right, 0);
      target.children![p] = right;
      target.n++;
      left = parent;
      right = pRight;
    }
  }

  /**
   * Moves the entries of full node `node` past its first `half` into a new right sibling and
   * returns it. For an inner node the sibling's slot 0 keeps its first child's separator,
   * which the caller posts to the parent (reading entry 0 of the sibling) as the separator of
   * the sibling.
   */
  private splitOff(node: BtNode, half: number): BtNode {
    const right = new BtNode(this.keys, node.leaf);
    this.nodes++;
    for (let i = half; i < node.n; i++) right.copyFrom(i - half, node, i);
    right.n = node.n - half;
    if (!node.leaf) right.children = node.children!.splice(half);
    node.n = half;
    if (node.leaf) {
      right.next = node.next;
      if (node.next !== null) node.next.prev = right;
      right.prev = node;
      node.next = right;
    }
    return right;
  }

  /** The first entry that comes after bound `b` (pos = leaf.n when none follows in that leaf). */
  seek(b: Bound): Cursor {
    const keys = this.keys;
    const cmp = (n: BtNode, i: number): number => cmpEntryBound(keys, n, i, b);
    let node = this.root;
    while (!node.leaf) node = node.children![BtTree.childFor(node, cmp)]!;
    return { leaf: node, pos: BtTree.leafPos(node, cmp) };
  }

  /** Moves `c` to the next entry if it is past its leaf's end; false at the end of the index. */
  static settleForward(c: Cursor): boolean {
    while (c.pos >= c.leaf.n) {
      if (c.leaf.next === null) return false;
      c.leaf = c.leaf.next;
      c.pos = 0;
    }
    return true;
  }

  /** Moves `c` to the previous entry if it is before its leaf's start; false at the start. */
  static settleBackward(c: Cursor): boolean {
    while (c.pos < 0) {
      if (c.leaf.prev === null) return false;
      c.leaf = c.leaf.prev;
      c.pos = c.leaf.n - 1;
    }
    return true;
  }

  /** The leftmost leaf. */
  firstLeaf(): BtNode {
    let node = this.root;
    while (!node.leaf) node = node.children![0]!;
    return node;
  }

  /**
   * Replaces the tree by one holding `n` entries given in ascending entry order by `entry(i,
   * into)` (which writes entry i into slot `slot` of leaf `into`): leaves filled to
   * BULK_FILL, then inner levels over them (nbtsort.c's bottom-up build).
   */
  bulkLoad(n: number, entry: (i: number, into: BtNode, slot: number) => void): void {
    const keys = this.keys;
    this.count = n;
    this.nodes = 0;
    let level: BtNode[] = [];
    let leaf: BtNode | null = null;
    for (let i = 0; i < n; i++) {
      if (leaf === null || leaf.n === BULK_FILL) {
        const next = new BtNode(keys, true);
        if (leaf !== null) {
          leaf.next = next;
          next.prev = leaf;
        }
        leaf = next;
        level.push(leaf);
      }
      entry(i, leaf, leaf.n);
      leaf.n++;
    }
    if (level.length === 0) level.push(new BtNode(keys, true));
    this.lastLeaf = level[level.length - 1]!;
    this.nodes += level.length;
    while (level.length > 1) {
      const up: BtNode[] = [];
      let inner: BtNode | null = null;
      for (const child of level) {
        if (inner === null || inner.n === BULK_FILL) {
          inner = new BtNode(keys, false);
          up.push(inner);
        }
        // Slot 0's separator is never read; copying it keeps the code one path.
        inner.copyFrom(inner.n, child, 0);
        inner.children!.push(child);
        inner.n++;
      }
      this.nodes += up.length;
      level = up;
    }
    this.root = level[0]!;
  }
}
