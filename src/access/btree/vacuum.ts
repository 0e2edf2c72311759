/**
 * VACUUM of a B-tree (nbtree.c btbulkdelete, reduced): the entries of rows marked dead are
 * removed by rebuilding the tree bottom-up from the surviving entries, in one pass over the
 * leaves. That is O(entries), as btbulkdelete's full index scan, and leaves the nodes full
 * again instead of half-empty pages waiting to be recycled.
 */
import type { BtreeIndex } from './btree-index.js';
import type { BtNode } from './node.js';

export function vacuumBtree(index: BtreeIndex): void {
  const dead = index.dead;
  if (dead.size === 0) return;
  const tree = index.tree;
  const leaves: BtNode[] = [];
  const slots: number[] = [];
  for (let leaf: BtNode | null = tree.firstLeaf(); leaf !== null; leaf = leaf.next) {
    for (let i = 0; i < leaf.n; i++) {
      if (dead.has(leaf.rows[i]!)) continue;
      leaves.push(leaf);
      slots.push(i);
    }
  }
  tree.bulkLoad(leaves.length, (i, into, slot) => into.copyFrom(slot, leaves[i]!, slots[i]!));
  dead.clear();
}
