/**
 * The B-tree access method (PostgreSQL's nbtree.c: the routine table; the work lives in
 * build.ts, tree.ts, scan.ts, vacuum.ts). Register `btreeAm` with the engine under its name.
 *
 * Persistence: a B-tree is not saved in checkpoints; recovery rebuilds it from the table at
 * open (sort + bottom-up load, about a second per million rows), which keeps the checkpoint
 * format unchanged and can never disagree with the table it indexes.
 */
import type { OrderedIndexAm, RawOptions } from '../am.js';
import { buildBtree, buildBtreeAsync } from './build.js';
import { parseIntOptions, type IntOptionDef } from '../shared/reloptions.js';

/** nbtree's reloptions (BTREE_MIN_FILLFACTOR 10, BTREE_DEFAULT_FILLFACTOR 90). */
const CPU_OPERATOR_COST = 0.0025;
const CPU_INDEX_TUPLE_COST = 0.005;
const RANDOM_PAGE_COST = 4;

/**
 * Index entries on one 8 kB leaf page of PostgreSQL's nbtree for `keys` key columns, used to
 * count the leaf pages a range reads: the usable page (8192 bytes less the 24-byte page header
 * and 16-byte special space) at the default fillfactor of 90, over the IndexTuple (8-byte
 * header plus the keys, MAXALIGNed) and its 4-byte line pointer. A key column counts 8 bytes
 * when flat (int2/int4/float4/float8 all take one MAXALIGNed word with the header) and 16
 * otherwise (bigint, numeric, short text, uuid). vecgres' own nodes hold fewer entries, but
 * the planner's heap and sequential-scan costs use PostgreSQL's page model, so the index's
 * must too: with one leaf page per node's 64 entries a range over a third of a correlated
 * table cost 2.5 times PostgreSQL's estimate and lost to the sequential scan it beats.
 */
function entriesPerLeafPage(keys: readonly { flat: boolean }[]): number {
  const keyBytes = keys.reduce((n, k) => n + (k.flat ? 8 : 16), 0);
  const item = Math.ceil((8 + keyBytes) / 8) * 8 + 4;
  return Math.max(1, Math.floor(((8192 - 24 - 16) * 0.9) / item));
}

const BTREE_OPTIONS: readonly IntOptionDef[] = [{ name: 'fillfactor', default: 90, min: 10, max: 100 }];

export const btreeAm: OrderedIndexAm = {
  kind: 'ordered',
  name: 'btree',
  capabilities: {
    canOrder: true,
    canOrderByOp: false,
    canUnique: true,
    canMultiCol: true,
    canReturnBitmap: true,
    searchNulls: true,
    supportsFilter: false,
    canContinue: false,
  },
  /** WITH (fillfactor = n): validated as nbtree does (10-100); the in-memory tree ignores it. */
  parseOptions(raw: RawOptions) {
    return parseIntOptions(raw, BTREE_OPTIONS);
  },
  build: buildBtree,
  buildAsync: buildBtreeAsync,
  /**
   * btcostestimate, reduced: the descent (one comparison per level of a binary search over
   * the entries, plus 50 x cpu_operator_cost for the pages touched, as PostgreSQL 18 charges
   * per descent), then for the fraction of entries read one leaf page per
   * {@link entriesPerLeafPage} entries at random_page_cost and cpu_index_tuple_cost + cpu_operator_cost per entry.
   */
  costEstimate(index, { tableRows, selectivity }) {
    const entries = Math.max(1, index.size);
    const rows = Math.max(1, Math.round(Math.min(entries, tableRows) * selectivity));
    const startup = (Math.ceil(Math.log2(entries + 1)) + 50) * CPU_OPERATOR_COST;
    const leafPages = Math.max(1, Math.ceil(rows / entriesPerLeafPage(index.keys)));
    const total = startup + leafPages * RANDOM_PAGE_COST + rows * (CPU_INDEX_TUPLE_COST + CPU_OPERATOR_COST);
    return { startup, total, rows };
  },
};

export { BtreeIndex } from './btree-index.js';
