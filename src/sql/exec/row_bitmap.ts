/**
 * Row bitmaps for filtered vector search: the set of a table's row ids that pass a WHERE
 * clause, as a bitset in a WebAssembly memory (bit `r & 31` of u32 word `r >>> 5`), which is what
 * access/am.ts's RowFilter hands to an index method's search loop. PostgreSQL's TIDBitmap
 * plays this part for bitmap heap scans.
 *
 * Producers: `buildQualBitmap` (row_filter.ts) evaluates a qual over the table; a B-tree
 * bitmap index scan can fill one with `set` the same way (and `and` / `or` combine them, as
 * BitmapAnd / BitmapOr). The bitmap owns its memory block: `free()` it when the scan ends.
 */
import type { Arena } from '../../kernels/arena.js';
import { memories } from '../../kernels/memories.js';
import type { RowFilter } from '../../access/am.js';
import type { Table } from '../../storage/table.js';

export class RowBitmap {
  /** The memory that holds the bitset. */
  readonly arena: Arena;
  /** Byte offset of the bitset in {@link arena}. */
  readonly ptr: number;
  /** u32 words of the bitset. */
  readonly words: number;
  private freed = false;

  /**
   * An empty bitmap over row ids 0 .. rowBits - 1.
   * It goes in any memory with room (an index scan whose graph lies in another memory copies
   * it there: access/am.ts RowFilter).
   * @throws PgError 53200 when the memories cannot hold it.
   */
  constructor(readonly rowBits: number) {
    this.words = Math.max(1, (rowBits + 31) >>> 5);
    const addr = memories.alloc(this.words * 4, 'row bitmap');
    this.arena = memories.memoryOf(addr);
    this.ptr = addr >>> 0;
    const w = this.arena.i32();
    w.fill(0, this.ptr >>> 2, (this.ptr >>> 2) + this.words);
  }

  /** The bitset as an Int32Array view (re-take it after anything that may grow the memory). */
  view(): Int32Array {
    const base = this.ptr >>> 2;
    return this.arena.i32().subarray(base, base + this.words);
  }

  set(r: number): void {
    this.arena.i32()[(this.ptr >>> 2) + (r >>> 5)] |= 1 << (r & 31);
  }

  has(r: number): boolean {
    return r >= 0 && r < this.rowBits && (this.arena.i32()[(this.ptr >>> 2) + (r >>> 5)]! & (1 << (r & 31))) !== 0;
  }

  /** Copies a JS bitset of the same size in. */
  load(bits: Uint32Array | Int32Array): void {
    const v = this.view();
    const n = Math.min(v.length, bits.length);
    for (let i = 0; i < n; i++) v[i] = bits[i]! | 0;
  }

  /** Keeps the rows also set in `other` (BitmapAnd); both cover the same rows. */
  and(other: RowBitmap): void {
    const a = this.view();
    const b = other.view();
    for (let i = 0; i < a.length; i++) a[i] = a[i]! & (i < b.length ? b[i]! : 0);
  }

  /** Adds the rows set in `other` (BitmapOr). */
  or(other: RowBitmap): void {
    const a = this.view();
    const b = other.view();
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) a[i] = a[i]! | b[i]!;
  }

  /** Rows set (popcount). */
  count(): number {
    const v = this.view();
    let n = 0;
    for (let i = 0; i < v.length; i++) n += popcount32(v[i]!);
    return n;
  }

  /** Keeps only the rows `table` shows to transaction `xid` (the live bitmap, then visibleTo). */
  restrictToVisible(table: Table, xid: number): void {
    const v = this.view();
    const live = table.liveBitmap();
    const n = v.length;
    for (let i = 0; i < n; i++) v[i] = v[i]! & (i < live.length ? live[i]! : 0);
    if (table.pendingRows === 0) return;
    for (let i = 0; i < n; i++) {
      let x = v[i]!;
      while (x !== 0) {
        const b = 31 - Math.clz32(x & -x);
        x &= x - 1;
        const r = (i << 5) + b;
        if (!table.visibleTo(r, xid)) v[i] = v[i]! & ~(1 << b);
      }
    }
  }

  /** The access-method view of this bitmap, with `rows` set out of `tableRows`. */
  asFilter(rows: number, tableRows: number): RowFilter {
    return { bitmapPtr: this.ptr, bitmapMemory: this.arena, rowBits: this.rowBits, rows, selectivity: tableRows > 0 ? rows / tableRows : 0 };
  }

  /** The set row ids, ascending (`rows`: their count when known, else counted). */
  toRowIds(rows = this.count()): Int32Array {
    const out = new Int32Array(rows);
    const v = this.view();
    let n = 0;
    for (let i = 0; i < v.length && n < rows; i++) {
      let x = v[i]!;
      while (x !== 0) {
        const b = 31 - Math.clz32(x & -x);
        x &= x - 1;
        out[n++] = (i << 5) + b;
      }
    }
    return n === rows ? out : out.subarray(0, n);
  }

  /** Calls `fn` for every set row id in ascending order. */
  forEach(fn: (r: number) => void): void {
    const base = this.ptr >>> 2;
    // The memory's view is re-taken only after a call of `fn` (which may grow the memory), not
    // per word: reading WebAssembly.Memory's buffer per word cost more than the scan of a
    // 100,000-row bitmap whose few rows are set.
    let mem = this.arena.i32();
    for (let i = 0; i < this.words; i++) {
      let x = mem[base + i]!;
      while (x !== 0) {
        const b = 31 - Math.clz32(x & -x);
        x &= x - 1;
        fn((i << 5) + b);
        mem = this.arena.i32();
      }
    }
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.arena.free(this.ptr, this.words * 4);
  }
}

/** Bits set in a 32-bit word (Hacker's Delight 5-2). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
