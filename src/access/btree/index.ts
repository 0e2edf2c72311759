/**
 * The B-tree access method (PostgreSQL's nbtree.c: the routine table; the work lives in
 * build.ts, tree.ts, scan.ts, vacuum.ts). Register `btreeAm` with the engine under its name.
 *
 * Persistence: a B-tree is not saved in checkpoints; recovery rebuilds it from the table at
 * open (sort + bottom-up load, about a second per million rows), which keeps the checkpoint
 * format unchanged and can never disagree with the table it indexes.
 */
import type { OrderedIndexAm, RawOptions } from '../am.js';
import { buildBtree } from './build.js';
import { NODE_CAP } from './node.js';
import { parseIntOptions, type IntOptionDef } from '../shared/reloptions.js';

/** nbtree's reloptions (BTREE_MIN_FILLFACTOR 10, BTREE_DEFAULT_FILLFACTOR 90). */
const BTREE_OPTIONS: readonly IntOptionDef[] = [{ name: 'fillfactor', default: 90, min: 10, max: 100 }];

export const btreeAm: OrderedIndexAm = {
  name: 'btree',
  capabilities: {
    canOrder: true,
    canOrderByOp: false,
    canUnique: true,
    canMultiCol: true,
    canReturnBitmap: true,
    searchNulls: true,
  },
  /** WITH (fillfactor = n): validated as nbtree does (10-100); the in-memory tree ignores it. */
  parseOptions(raw: RawOptions) {
    return parseIntOptions(raw, BTREE_OPTIONS);
  },
  build: buildBtree,
  /**
   * btcostestimate, reduced: a descent (log2 of the entries, one operator each) plus, for the
   * fraction of entries read, one index tuple and one operator each, plus a heap fetch per
   * row (random_page_cost 4 per page touched, assuming uncorrelated order, capped at the
   * table's pages).
   */
  costEstimate(index, { tableRows, selectivity }) {
    const entries = Math.max(1, index.size);
    const rows = Math.max(1, Math.round(tableRows * selectivity));
    const descent = Math.ceil(Math.log2(entries + 1)) * 0.0025 + 50 * 0.0025;
    const leafPages = Math.ceil((entries * selectivity) / NODE_CAP);
    const heapPages = Math.min(rows, Math.ceil(tableRows / 100));
    const startup = descent;
    const total = startup + leafPages * 4 + rows * (0.005 + 0.0025) + heapPages * 4 + rows * 0.01;
    return { startup, total, rows };
  },
};

export { BtreeIndex } from './btree-index.js';
