/**
 * The vectors of a filter's row list gathered into one contiguous block (a small tenant's rows,
 * access/shared/keyed_rows.ts), so the exact strategy reads them as the exact scan of a table
 * holding only those rows does: one sequential pass over n * dim float32, instead of one
 * scattered read per row across the whole table's segments (on 100,000 rows of 100-d, 40 MB,
 * reading a 1,303-row tenant through its list cost 1.4x the CPU time of its own table's scan,
 * 2.4x the wall time on a loaded machine: cache misses).
 *
 * Layout, in one memory (kernels/memories.ts), `n` = rows whose vector is not NULL:
 *
 *   addr: [ row 0: dim float32 ][ row 1: dim float32 ] ... [ row n-1 ]
 *
 * `ids[i]` is the row id of vector i (ascending, the list's order), `norms[i]` its squared norm
 * as the table keeps it (the same float32 values, so distances are bit-identical to the
 * table's), `nullRows` the list's rows whose vector is NULL. The block is a cache of the table
 * as it was at the list's stamp, owned by the list from then on (VectorIndex.keepKeyedRowBlock),
 * which frees it when any write retires the list.
 */
import type { Arena } from '../../kernels/arena.js';
import { memories } from '../../kernels/memories.js';
import type { KeyedRowBlock } from '../../access/am.js';
import type { Table } from '../../storage/table.js';

export class GatheredRows implements KeyedRowBlock {
  private freed = false;

  private constructor(
    /** Address of the first vector (memory id * 2^32 + offset); 0 when n = 0. */
    readonly addr: number,
    private readonly bytes: number,
    /** float32 elements per vector (-1 when every row is NULL). */
    readonly dim: number,
    /** Row ids of the gathered vectors, ascending. */
    readonly ids: Int32Array,
    /** Squared norms of the gathered vectors (Table.vectorNorms). */
    readonly norms: Float32Array,
    /** Rows of the list whose vector is NULL, ascending. */
    readonly nullRows: Int32Array,
  ) {}

  /** Rows held (KeyedRowBlock). */
  get rows(): number {
    return this.ids.length + this.nullRows.length;
  }

  /** The memory the vectors lie in. */
  get arena(): Arena {
    return memories.memoryOf(this.addr);
  }

  /**
   * Copies the vectors of `rows` (ascending row ids) of float32 vector column `col` into a new
   * block. Null when the rows' vectors differ in dimension (an unconstrained `vector` column:
   * the caller's per-row path raises pgvector's error) or no memory has room for the block
   * (gathering only saves time; nothing is lost without it).
   */
  static gather(table: Table, col: number, rows: Int32Array): GatheredRows | null {
    let dim = table.vectorColumnDim(col);
    let n = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (table.vectorIsNull(col, r)) continue;
      n++;
      if (dim < 0) dim = table.vectorDim(col, r);
      else if (table.vectorDim(col, r) !== dim) return null;
    }
    const ids = new Int32Array(n);
    const norms = new Float32Array(n);
    const nullRows = new Int32Array(rows.length - n);
    const bytes = Math.max(16, n * Math.max(dim, 0) * 4);
    let addr = 0;
    if (n > 0) {
      // Optional: never evicts the buffer cache's segments (table data) to make room.
      addr = memories.allocIfRoom(bytes);
      if (addr < 0) return null;
    }
    const all = table.vectorNorms(col);
    let j = 0;
    let z = 0;
    let at = (addr >>> 0) >>> 2;
    const dst = n > 0 ? memories.memoryOf(addr) : null;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      // One row at a time straight into the block: the address is valid until the next read
      // of any vector (nothing pins it; an evicted segment is read one page, or whole when the
      // rows step from page to page), and views are taken after it.
      const p = table.vectorPtrRow(col, r);
      if (p === 0) {
        nullRows[z++] = r;
        continue;
      }
      const src = memories.memoryOf(p).f32();
      const from = (p >>> 0) >>> 2;
      dst!.f32().set(src.subarray(from, from + dim), at);
      at += dim;
      ids[j] = r;
      norms[j] = all[r]!;
      j++;
    }
    return new GatheredRows(addr, bytes, dim, ids, norms, nullRows);
  }

  /** Releases the block (once). */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    if (this.ids.length > 0) memories.free(this.addr, this.bytes);
  }
}
