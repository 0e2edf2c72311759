/**
 * CREATE INDEX ... USING btree (nbtsort.c): collect (key..., rowId) of every row, sort them
 * in index order, and load the tree bottom-up.
 */
import type { OrderedBuildInput, OrderedIndex } from '../am.js';
import type { Value } from '../../storage/table.js';
import { BtreeIndex } from './btree-index.js';
import { cmpKey } from './node.js';

export function buildBtree(input: OrderedBuildInput): OrderedIndex {
  const keys = input.keys;
  const index = new BtreeIndex(keys);
  const rows: number[] = [];
  const vals: Value[][] = keys.map(() => []);
  input.forEachRow((rowId, values) => {
    rows.push(rowId);
    for (let c = 0; c < keys.length; c++) vals[c]!.push(values[c] ?? null);
  });
  const n = rows.length;
  input.onProgress?.({ phase: 'building index: loading tuples in tree', tuplesTotal: n, tuplesDone: 0 });
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    for (let c = 0; c < keys.length; c++) {
      const r = cmpKey(keys[c]!, vals[c]![a]!, vals[c]![b]!);
      if (r !== 0) return r;
    }
    return rows[a]! - rows[b]!;
  });
  const entry: Value[] = new Array(keys.length);
  index.tree.bulkLoad(n, (i, into, slot) => {
    const j = order[i]!;
    for (let c = 0; c < keys.length; c++) entry[c] = vals[c]![j]!;
    into.set(slot, entry, rows[j]!);
  });
  input.onProgress?.({ phase: 'building index: loading tuples in tree', tuplesTotal: n, tuplesDone: n });
  return index;
}
