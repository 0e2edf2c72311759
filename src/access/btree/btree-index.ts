/** The OrderedIndex object of one B-tree index (what CREATE INDEX ... USING btree returns). */
import { assert } from '../../common/assert.js';
import type { OrderedIndex, OrderedKeySpec, OrderedScan, OrderedScanOptions, RowBitmap, ScanKey } from '../am.js';
import type { Value } from '../../storage/table.js';
import { BtTree } from './tree.js';
import { BtreeOrderedScan, forEachMatch } from './scan.js';
import { vacuumBtree } from './vacuum.js';
import { NODE_CAP } from './node.js';

export class BtreeIndex implements OrderedIndex {
  readonly kind = 'ordered';
  readonly method = 'btree';
  readonly tree: BtTree;
  /** Rows marked dead by {@link delete}, removed from the tree by the next vacuum. */
  readonly dead = new Set<number>();

  constructor(readonly keys: readonly OrderedKeySpec[]) {
    this.tree = new BtTree(keys);
  }

  get size(): number {
    return this.tree.count;
  }

  /** aminsert: `values` holds one value per key column; the values are kept (never mutated). */
  insert(rowId: number, values: readonly Value[]): void {
    assert(values.length === this.keys.length, 'btree: one value per key column');
    this.tree.insert(values, rowId);
  }

  delete(rowId: number): void {
    this.dead.add(rowId);
  }

  vacuum(): void {
    vacuumBtree(this);
  }

  findEqual(values: readonly Value[]): number[] {
    const out: number[] = [];
    if (values.some((v) => v === null)) return out; // NULLs are never equal (NULLS DISTINCT)
    const keys: ScanKey[] = values.map((v, col) => ({ col, op: '=', value: v }));
    forEachMatch(this.tree, keys, false, (r) => {
      out.push(r);
      return true;
    });
    return out;
  }

  beginOrderedScan(keys: readonly ScanKey[], opts: OrderedScanOptions): OrderedScan {
    return new BtreeOrderedScan(this.tree, keys, opts.backward, opts.isLive);
  }

  getBitmap(keys: readonly ScanKey[], bitmap: RowBitmap): number {
    let n = 0;
    const limit = bitmap.length * 32;
    forEachMatch(this.tree, keys, false, (r) => {
      assert(r < limit, 'btree: bitmap smaller than the table');
      bitmap[r >>> 5]! |= 1 << (r & 31);
      n++;
      return true;
    });
    return n;
  }

  /** Per entry: 8 bytes a key column (flat or a reference), 1 null flag, 4 the row id; per node 64 bytes. */
  sizeBytes(): number {
    return this.tree.nodes * (NODE_CAP * (this.keys.length * 9 + 4) + 64);
  }

  dispose(): void {
    this.tree.bulkLoad(0, () => {});
    this.dead.clear();
  }
}
