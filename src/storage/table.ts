/**
 * A table in memory: rows addressed by a stable int32 rowId (a slot number, PostgreSQL's ctid
 * without the page), scalar columns beside vector columns.
 *
 * Layout:
 * - scalar columns: one plain JS array per column (`Value[]`), indexed by rowId;
 * - `vector(n)` columns: contiguous float32 segments of {@link SEGMENT_ROWS} rows x n
 *   elements allocated from the arena, so exact scans run the SIMD kernels straight over
 *   {@link Table.vectorPtr}; a per-column null bitmap; squared norms kept beside the rows so a
 *   cosine scan needs one kernel call per row;
 * - unconstrained `vector` columns (no typmod, so rows may differ in length): one arena block
 *   per row, with its pointer and length in typed arrays;
 * - a live/dead bitmap: a slot is never reused, so rowIds held by indexes stay valid.
 *
 * Mutations go only through {@link Catalog} (storage/catalog.ts), the one place a write-ahead
 * log can record them; the methods here that change data are marked "catalog only".
 */
import { arena } from '../kernels/arena.js';
import { fast } from '../kernels/fast.js';
import { assert } from '../common/assert.js';

/** Rows per vector segment: 16,384 x 100-d float32 = 6.25 MiB, few enough allocations. */
export const SEGMENT_ROWS = 16384;
const SEGMENT_SHIFT = 14;
const SEGMENT_MASK = SEGMENT_ROWS - 1;

/** Column storage types (PostgreSQL names: int4 = integer, int8 = bigint, ...). */
export type ColumnType = 'int4' | 'int8' | 'float4' | 'float8' | 'bool' | 'text' | 'vector';

/** A stored value: what a column holds for one row. int8 is a number when safe, else bigint. */
export type Value = number | bigint | string | boolean | Float32Array | null;

/** Column definition; `typmod` is the vector dimension (-1 when unconstrained). */
export interface ColumnDef {
  name: string;
  type: ColumnType;
  typmod: number;
  notNull: boolean;
  /** Name of the sequence that fills the column by default (serial/bigserial), or null. */
  sequence: string | null;
  /** DEFAULT expression as SQL text, evaluated by the SQL layer (null: no default). */
  defaultSql: string | null;
}

export interface TableDef {
  name: string;
  columns: ColumnDef[];
  /** Column indexes of the primary key (empty when none). */
  primaryKey: number[];
}

/** Storage for one vector column. */
class VectorColumn {
  /** Fixed dimension, or -1 for per-row blocks. */
  readonly dim: number;
  readonly segments: number[] = [];
  /** Squared L2 norm per row (float32 kernel result), for cosine scans. */
  norms: Float32Array = new Float32Array(0);
  nulls = new Uint8Array(0);
  /** Unconstrained columns: per-row arena pointer and length (0 ptr = null). */
  rowPtr = new Int32Array(0);
  rowDim = new Int32Array(0);

  constructor(dim: number) {
    this.dim = dim;
  }
}

export class Table {
  readonly def: TableDef;
  /** Slots used so far (rowIds are 0 .. slots-1). */
  slots = 0;
  /** Rows alive (slots minus deleted). */
  liveCount = 0;
  private capacity = 0;
  /** 1 bit per slot: set = live. */
  private liveBits = new Uint32Array(0);
  private readonly scalars: (Value[] | null)[];
  private readonly vectors: (VectorColumn | null)[];
  /** Primary key values -> rowId (single-column keys as the value; composite as a joined string). */
  readonly pkey = new Map<unknown, number>();

  constructor(def: TableDef) {
    this.def = def;
    this.scalars = def.columns.map((c) => (c.type === 'vector' ? null : []));
    this.vectors = def.columns.map((c) => (c.type === 'vector' ? new VectorColumn(c.typmod) : null));
  }

  get name(): string {
    return this.def.name;
  }

  /** Column index by name, or -1. */
  columnIndex(name: string): number {
    const cols = this.def.columns;
    for (let i = 0; i < cols.length; i++) if (cols[i]!.name === name) return i;
    return -1;
  }

  isLive(rowId: number): boolean {
    return rowId >= 0 && rowId < this.slots && (this.liveBits[rowId >>> 5]! & (1 << (rowId & 31))) !== 0;
  }

  /** The live/dead bitmap (bit rowId set = live); valid until the next insert grows it. */
  liveBitmap(): Uint32Array {
    return this.liveBits;
  }

  /** Value of column `col` for `rowId`; vectors come back as a view over the arena (do not keep it). */
  get(col: number, rowId: number): Value {
    const s = this.scalars[col];
    if (s !== null && s !== undefined) return s[rowId] ?? null;
    const vc = this.vectors[col]!;
    if (vc.nulls[rowId] === 1) return null;
    const ptr = this.vectorPtr(col, rowId);
    if (ptr === 0) return null;
    const d = vc.dim >= 0 ? vc.dim : vc.rowDim[rowId]!;
    const f = arena.f32();
    return f.subarray(ptr >> 2, (ptr >> 2) + d);
  }

  /** Copy of a vector value (or null), safe to keep. */
  getVectorCopy(col: number, rowId: number): Float32Array | null {
    const v = this.get(col, rowId) as Float32Array | null;
    return v === null ? null : v.slice();
  }

  /**
   * Byte pointer into the arena of the float32 elements of vector column `col` at `rowId`,
   * or 0 when the value is NULL. Length is {@link vectorDim}.
   */
  vectorPtr(col: number, rowId: number): number {
    const vc = this.vectors[col]!;
    if (vc.nulls[rowId] === 1) return 0;
    if (vc.dim < 0) return vc.rowPtr[rowId]!;
    return vc.segments[rowId >>> SEGMENT_SHIFT]! + (rowId & SEGMENT_MASK) * vc.dim * 4;
  }

  /** Dimension of the vector at `rowId` (the column's fixed dim when constrained). */
  vectorDim(col: number, rowId: number): number {
    const vc = this.vectors[col]!;
    return vc.dim >= 0 ? vc.dim : vc.rowDim[rowId]!;
  }

  /** Squared L2 norm of the vector at `rowId` (float32 kernel sum); NaN-free, 0 for NULL. */
  vectorNormSq(col: number, rowId: number): number {
    return this.vectors[col]!.norms[rowId]!;
  }

  /** Per-row squared norms of a vector column (index rowId); valid until the next insert. */
  vectorNorms(col: number): Float32Array {
    return this.vectors[col]!.norms;
  }

  /** Fixed dimension of a vector column, or -1 when unconstrained. */
  vectorColumnDim(col: number): number {
    return this.vectors[col]!.dim;
  }

  /** Bytes the table's vector data occupies in the arena plus a rough estimate for scalars. */
  sizeBytes(): number {
    let bytes = this.slots * 8;
    for (const vc of this.vectors) {
      if (vc === null) continue;
      if (vc.dim >= 0) bytes += vc.segments.length * SEGMENT_ROWS * vc.dim * 4;
      else for (let i = 0; i < this.slots; i++) bytes += vc.rowDim[i]! * 4;
    }
    return bytes;
  }

  /** Catalog only: appends a row (values already coerced and checked). Returns its rowId. */
  appendRow(values: readonly Value[]): number {
    const rowId = this.slots;
    if (rowId >= this.capacity) this.grow();
    const cols = this.def.columns;
    for (let c = 0; c < cols.length; c++) {
      const v = values[c] ?? null;
      const s = this.scalars[c];
      if (s !== null && s !== undefined) {
        s[rowId] = v;
        continue;
      }
      const vc = this.vectors[c]!;
      if (v === null) {
        vc.nulls[rowId] = 1;
        continue;
      }
      const vec = v as Float32Array;
      let ptr: number;
      if (vc.dim >= 0) {
        assert(vec.length === vc.dim, 'vector dimension checked before append');
        const seg = rowId >>> SEGMENT_SHIFT;
        while (vc.segments.length <= seg) vc.segments.push(arena.alloc(SEGMENT_ROWS * vc.dim * 4));
        ptr = vc.segments[seg]! + (rowId & SEGMENT_MASK) * vc.dim * 4;
      } else {
        ptr = arena.alloc(vec.length * 4);
        vc.rowPtr[rowId] = ptr;
        vc.rowDim[rowId] = vec.length;
      }
      arena.f32().set(vec, ptr >> 2);
      vc.norms[rowId] = vec.length === 0 ? 0 : fast.dot(ptr, ptr, vec.length);
    }
    this.liveBits[rowId >>> 5]! |= 1 << (rowId & 31);
    this.slots = rowId + 1;
    this.liveCount++;
    return rowId;
  }

  /** Catalog only: marks a row dead (delete, or undo of an insert). Its slot is not reused. */
  killRow(rowId: number): void {
    assert(this.isLive(rowId), 'killRow of a live row');
    this.liveBits[rowId >>> 5]! &= ~(1 << (rowId & 31));
    this.liveCount--;
  }

  /** Catalog only: releases the arena blocks (DROP TABLE). */
  dispose(): void {
    for (const vc of this.vectors) {
      if (vc === null) continue;
      if (vc.dim >= 0) for (const p of vc.segments) arena.free(p, SEGMENT_ROWS * vc.dim * 4);
      else for (let i = 0; i < this.slots; i++) if (vc.rowPtr[i]! !== 0) arena.free(vc.rowPtr[i]!, vc.rowDim[i]! * 4);
      vc.segments.length = 0;
    }
  }

  private grow(): void {
    const cap = Math.max(1024, this.capacity * 2);
    const bits = new Uint32Array(cap >>> 5);
    bits.set(this.liveBits);
    this.liveBits = bits;
    for (const vc of this.vectors) {
      if (vc === null) continue;
      vc.norms = growF32(vc.norms, cap);
      const n = new Uint8Array(cap);
      n.set(vc.nulls);
      vc.nulls = n;
      if (vc.dim < 0) {
        const p = new Int32Array(cap);
        p.set(vc.rowPtr);
        vc.rowPtr = p;
        const d = new Int32Array(cap);
        d.set(vc.rowDim);
        vc.rowDim = d;
      }
    }
    this.capacity = cap;
  }
}

function growF32(a: Float32Array, cap: number): Float32Array {
  const b = new Float32Array(cap);
  b.set(a);
  return b;
}
