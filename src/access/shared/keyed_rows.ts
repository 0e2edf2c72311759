/**
 * Row-id lists kept per filter key (access/am.ts RowFilter.key, e.g. `tenant = 7`) by an index
 * method, for the filters whose rows the caller ranks exactly (too few for a search to pay):
 * with the list, a repeated `WHERE tenant = $1 ORDER BY v <=> $2 LIMIT 10` computes the
 * distances of the tenant's rows and nothing else, as the unfiltered query on a table of the
 * tenant's own rows does, instead of first evaluating the filter over every row of the table
 * (or a B-tree's bitmap over it), which costs as much as the distances of a small tenant.
 *
 * A cache, like the filter subgraphs (hnsw/subgraphs.ts): a list is stamped with the table's
 * change count of the moment its bitset was made with no transaction in flight (RowFilter.stamp),
 * and handed out only for that stamp, so any write to the table retires it; the caller then
 * makes the bitset again and may keep a new list. Lists hold at most as many row ids in all as
 * the index has rows (`budget`); the least recently used go first.
 *
 * A list may carry a block the caller derived from it (KeyedRowBlock: the rows' vectors gathered
 * into one contiguous block, sql/exec/gathered_rows.ts), which lives and dies with the list: it
 * is freed when the list is retired, replaced, evicted or cleared. Blocks hold at most
 * `blockBudget` rows in all; to fit a new one, the blocks of the least recently used lists are
 * freed (their lists stay).
 */
import type { KeyedRowBlock } from '../am.js';

interface Entry {
  stamp: number;
  rows: Int32Array;
  block: KeyedRowBlock | null;
}

export class KeyedRowLists {
  /** By key, least recently used first (a Map keeps insertion order). */
  private readonly lists = new Map<string, Entry>();
  private held = 0;
  private blockRows = 0;

  /**
   * @param budget row ids the lists may hold in all (read at each insertion)
   * @param blockBudget rows the lists' blocks may hold in all (read at each attachment)
   */
  constructor(private readonly budget: () => number, private readonly blockBudget: () => number = () => 0) {}

  /** Row ids held over all lists. */
  get size(): number {
    return this.held;
  }

  /** Rows held by the lists' blocks. */
  get blockSize(): number {
    return this.blockRows;
  }

  private drop(e: Entry): void {
    this.held -= e.rows.length;
    this.dropBlock(e);
  }

  private dropBlock(e: Entry): void {
    if (e.block === null) return;
    this.blockRows -= e.block.rows;
    const b = e.block;
    e.block = null;
    b.free();
  }

  /** The rows kept for `key` if they were kept for `stamp` (ascending row ids), else null (a stale list is dropped). */
  get(key: string, stamp: number): Int32Array | null {
    const e = this.lists.get(key);
    if (e === undefined) return null;
    this.lists.delete(key);
    if (e.stamp !== stamp) {
      this.drop(e);
      return null;
    }
    this.lists.set(key, e);
    return e.rows;
  }

  /** The block attached to the list of `key` if that list is current for `stamp`, else null (no change of recency). */
  block(key: string, stamp: number): KeyedRowBlock | null {
    const e = this.lists.get(key);
    return e === undefined || e.stamp !== stamp ? null : e.block;
  }

  /**
   * Attaches `block` (derived from the list of `key`, current for `stamp`) to that list, freeing
   * the blocks of the least recently used lists to fit. False, and `block` is not taken (the
   * caller frees it), when there is no such list or the block alone passes the budget.
   */
  attachBlock(key: string, stamp: number, block: KeyedRowBlock): boolean {
    const e = this.lists.get(key);
    if (e === undefined || e.stamp !== stamp || block.rows > this.blockBudget()) return false;
    this.dropBlock(e);
    const budget = this.blockBudget();
    for (const x of this.lists.values()) {
      if (this.blockRows + block.rows <= budget) break;
      this.dropBlock(x);
    }
    e.block = block;
    this.blockRows += block.rows;
    return true;
  }

  /** Keeps `rows` (ascending row ids, not copied) for `key` at `stamp`, evicting the least recently used lists to fit. */
  put(key: string, stamp: number, rows: Int32Array): void {
    const old = this.lists.get(key);
    if (old !== undefined) {
      this.lists.delete(key);
      this.drop(old);
    }
    const budget = this.budget();
    if (rows.length > budget) return;
    for (const [k, e] of this.lists) {
      if (this.held + rows.length <= budget) break;
      this.lists.delete(k);
      this.drop(e);
    }
    this.lists.set(key, { stamp, rows, block: null });
    this.held += rows.length;
  }

  /** Drops every list (and frees every block). */
  clear(): void {
    for (const e of this.lists.values()) this.dropBlock(e);
    this.lists.clear();
    this.held = 0;
  }
}
