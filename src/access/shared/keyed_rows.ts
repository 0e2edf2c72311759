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
 */

interface Entry {
  stamp: number;
  rows: Int32Array;
}

export class KeyedRowLists {
  /** By key, least recently used first (a Map keeps insertion order). */
  private readonly lists = new Map<string, Entry>();
  private held = 0;

  /** @param budget row ids the lists may hold in all (read at each insertion) */
  constructor(private readonly budget: () => number) {}

  /** Row ids held over all lists. */
  get size(): number {
    return this.held;
  }

  /** The rows kept for `key` if they were kept for `stamp` (ascending row ids), else null (a stale list is dropped). */
  get(key: string, stamp: number): Int32Array | null {
    const e = this.lists.get(key);
    if (e === undefined) return null;
    this.lists.delete(key);
    if (e.stamp !== stamp) {
      this.held -= e.rows.length;
      return null;
    }
    this.lists.set(key, e);
    return e.rows;
  }

  /** Keeps `rows` (ascending row ids, not copied) for `key` at `stamp`, evicting the least recently used lists to fit. */
  put(key: string, stamp: number, rows: Int32Array): void {
    const old = this.lists.get(key);
    if (old !== undefined) {
      this.lists.delete(key);
      this.held -= old.rows.length;
    }
    const budget = this.budget();
    if (rows.length > budget) return;
    for (const [k, e] of this.lists) {
      if (this.held + rows.length <= budget) break;
      this.lists.delete(k);
      this.held -= e.rows.length;
    }
    this.lists.set(key, { stamp, rows });
    this.held += rows.length;
  }

  clear(): void {
    this.lists.clear();
    this.held = 0;
  }
}
