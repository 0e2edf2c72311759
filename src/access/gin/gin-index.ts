/**
 * The structure of one GIN index (PostgreSQL's gin: an entry tree whose leaves point to posting
 * lists of row ids). Here the entry tree is a hash map from entry (entries.ts) to its posting
 * list, since no query reads entries in order: `@>`, `?`, `&&` and the others look entries up
 * one by one (PostgreSQL's partial-match scans, for prefix and range queries, are not needed
 * by the operator classes vecgres has).
 */
import { assert } from '../../common/assert.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { OrderedIndex, OrderedKeySpec, OrderedScan, RowBitmap, ScanKey } from '../am.js';
import type { Value } from '../../storage/table.js';
import { isEmptyValue, queryEntries, valueEntries, type GinOpclass } from './entries.js';

export class GinIndex implements OrderedIndex {
  readonly kind = 'ordered';
  readonly method = 'gin';
  /** Row ids filed under each entry, in insertion order (dead ones until vacuum). */
  private postings = new Map<string, number[]>();
  /** Every row with a non-NULL value: a query with no entry to require reads these. */
  private rows: number[] = [];
  /** Rows holding an empty array (no entry), which `<@` and `=` may match. */
  private empties: number[] = [];
  /** Rows marked dead by {@link delete}, removed from the lists by the next vacuum. */
  readonly dead = new Set<number>();

  constructor(readonly keys: readonly OrderedKeySpec[], readonly opclass: GinOpclass) {
    assert(keys.length === 1, 'gin: one key column');
  }

  /** Rows with a value in the index (tombstones included). */
  get size(): number {
    return this.rows.length;
  }

  /** aminsert: files the row under each entry of its value; a NULL value is not indexed. */
  insert(rowId: number, values: readonly Value[]): void {
    const v = values[0] ?? null;
    if (v === null) return;
    this.rows.push(rowId);
    if (isEmptyValue(this.opclass, v)) this.empties.push(rowId);
    for (const e of valueEntries(this.opclass, v)) {
      const list = this.postings.get(e);
      if (list === undefined) this.postings.set(e, [rowId]);
      else list.push(rowId);
    }
  }

  delete(rowId: number): void {
    this.dead.add(rowId);
  }

  /** ginbulkdelete: drops dead rows from every posting list, and lists left empty. */
  vacuum(): void {
    const dead = this.dead;
    if (dead.size === 0) return;
    const keep = (r: number): boolean => !dead.has(r);
    const fresh = new Map<string, number[]>();
    for (const [e, list] of this.postings) {
      const kept = list.filter(keep);
      if (kept.length > 0) fresh.set(e, kept);
    }
    this.postings = fresh;
    this.rows = this.rows.filter(keep);
    this.empties = this.empties.filter(keep);
    dead.clear();
  }

  /** Never called: GIN does not support unique indexes (the method's canUnique is false). */
  findEqual(): number[] {
    throw new PgError(SQLSTATE.internal_error, 'gin: no equality probe (not a unique method)');
  }

  /** Never called: GIN has no ordered scan (the method's canOrder is false). */
  beginOrderedScan(): OrderedScan {
    throw new PgError(SQLSTATE.internal_error, 'gin: no ordered scan (bitmap scans only)');
  }

  /**
   * amgetbitmap: sets the bit of every row whose entries satisfy each key (a superset of the
   * rows the operators match: the heap scan rechecks them), dead rows included. Returns how
   * many bits it set.
   */
  getBitmap(keys: readonly ScanKey[], bitmap: RowBitmap): number {
    let result: RowBitmap | null = null;
    for (const key of keys) {
      const q = key.value === undefined || key.value === null ? null : queryEntries(this.opclass, key.op, key.value);
      const own = new Uint32Array(bitmap.length);
      if (q !== null) this.#select(q.mode, q.entries, q.empty, own);
      if (result === null) result = own;
      else for (let i = 0; i < result.length; i++) result[i]! &= own[i]!;
    }
    let n = 0;
    if (result === null) return 0;
    for (let i = 0; i < result.length; i++) {
      const w = result[i]!;
      if (w === 0) continue;
      bitmap[i]! |= w;
      n += popcount(w);
    }
    return n;
  }

  /** Sets in `out` the rows with every entry (`all`) or any entry (`any`) of `entries`, and the empty ones when `empty`. */
  #select(mode: 'all' | 'any', entries: readonly string[], empty: boolean, out: RowBitmap): void {
    const limit = out.length * 32;
    const set = (list: readonly number[], into: RowBitmap): void => {
      for (const r of list) {
        assert(r < limit, 'gin: bitmap smaller than the table');
        into[r >>> 5]! |= 1 << (r & 31);
      }
    };
    if (empty) set(this.empties, out);
    if (mode === 'any') {
      for (const e of entries) set(this.postings.get(e) ?? [], out);
      return;
    }
    if (entries.length === 0) {
      set(this.rows, out);
      return;
    }
    const lists = entries.map((e) => this.postings.get(e) ?? []);
    lists.sort((a, b) => a.length - b.length);
    const acc = new Uint32Array(out.length);
    set(lists[0]!, acc);
    for (let i = 1; i < lists.length; i++) {
      const next = new Uint32Array(out.length);
      set(lists[i]!, next);
      for (let w = 0; w < acc.length; w++) acc[w]! &= next[w]!;
    }
    for (let w = 0; w < out.length; w++) out[w]! |= acc[w]!;
  }

  /** Per entry its text (2 bytes a character) and 48 bytes of map slot and list header; 4 bytes a posting. */
  sizeBytes(): number {
    let n = 8192 + this.rows.length * 4 + this.empties.length * 4;
    for (const [e, list] of this.postings) n += e.length * 2 + 48 + list.length * 4;
    return n;
  }

  /** Distinct entries in the index. */
  get entryCount(): number {
    return this.postings.size;
  }

  dispose(): void {
    this.postings.clear();
    this.rows = [];
    this.empties = [];
    this.dead.clear();
  }
}

function popcount(w: number): number {
  w -= (w >>> 1) & 0x55555555;
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
  return (Math.imul((w + (w >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}
