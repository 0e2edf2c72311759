/**
 * A table in memory: rows addressed by a stable int32 rowId (a slot number, PostgreSQL's ctid
 * without the page), scalar columns beside vector columns.
 *
 * Layout:
 * - scalar columns: one plain JS array per column (`Value[]`), indexed by rowId;
 * - `vector(n)` columns: contiguous float32 segments sized in bytes (segments.ts: up to 4 MiB,
 *   the first one starting at a few kilobytes and doubling) allocated from the memories (kernels/memories.ts), so exact
 *   scans run the SIMD kernels straight over {@link Table.vectorPtr}; a per-column null
 *   bitmap; squared norms kept beside the rows so a cosine scan needs one kernel call per row;
 * - unconstrained `vector` columns (no typmod, so rows may differ in length): one memory block
 *   per row, with its pointer and length in typed arrays;
 * - a live/dead bitmap: a slot is never reused, so rowIds held by indexes stay valid;
 * - row versions for transactions (PostgreSQL's xmin/xmax, simplified): `xmin[rowId]` is the id
 *   of the transaction that inserted the row while it is uncommitted, 0 once committed;
 *   `xmax[rowId]` the id of a transaction that deleted (or updated) it and has not finished,
 *   else 0. A committed delete clears the live bit, an aborted insert too. So committed state
 *   needs no commit log: only rows of in-flight transactions carry ids, and
 *   {@link Table.pendingRows} counts them so scans take a fast path when there are none.
 *
 * Mutations go only through {@link Catalog} (storage/catalog.ts), the one place a write-ahead
 * log can record them; the methods here that change data are marked "catalog only".
 */
import { KeyMap, KeySet } from './key_map.js';
import { sharedF32, sharedU32, sharedU8 } from '../common/shared_arrays.js';
import { kernelsOf } from '../kernels/fast.js';
import { memories } from '../kernels/memories.js';
import { assert } from '../common/assert.js';
import { PgError, SQLSTATE } from '../common/errors.js';
import { ByteReader, ByteWriter, type CodecValue } from './codec.js';
import { readBlock, writeBlock, type ByteSink, type ByteSource } from './stream.js';
import { PackedColumn, type PackedKind, type PackedValue } from './packed_column.js';
import { SegmentedRows, releaseDeadSegments } from './segments.js';
import { VectorCopies } from './vector_copies.js';
import type { BitString } from '../types/bit.js';
import type { SparseVector } from '../types/sparsevec.js';
import type { PgArray } from '../types/pgarray.js';
import type { Numeric } from '../types/numeric.js';
import type { Jsonb } from '../types/jsonb.js';
import type { Interval } from '../types/interval.js';
import type { TimeTz } from '../types/timetz.js';
import { isEnumSqlType, enumTypeOid, hasEnumElements, type EnumValue, type EnumSqlType } from '../types/enum_value.js';

/**
 * Format version of a table's checkpoint payload ({@link Table.writeTo}). 1: no segment files;
 * 2: segment files of `vector(n)` columns; 3: also of `halfvec(n)` and `bit(n)` columns.
 */
export const TABLE_FILE_VERSION = 3;
/**
 * Format version of a table delta's payload ({@link Table.writeDelta}); 3: rows of `halfvec(n)`
 * and `bit(n)` segments that segment files hold are carried as a number too.
 */
export const TABLE_DELTA_VERSION = 3;
/** A delta's block is flushed once it holds this many bytes (blocks stay far below BLOCK_BYTES_MAX). */
const DELTA_BLOCK_BYTES = 1024 * 1024;
/** Rows of scalar values per block in a table file. */
const SCALAR_BLOCK_ROWS = 8192;


/** Scalar column storage types (PostgreSQL names: int4 = integer, int8 = bigint, ...). */
export type ScalarColumnType =
  | 'int2' | 'int4' | 'int8' | 'float4' | 'float8' | 'numeric' | 'bool' | 'text' | 'uuid'
  | 'varchar' | 'bpchar' | 'bytea' | 'jsonb' | 'json'
  | 'timestamp' | 'timestamptz' | 'date' | 'time' | 'interval'
  | 'vector' | 'halfvec' | 'sparsevec' | 'bit' | 'varbit'
  | 'oid' | 'regclass' | 'regtype' | 'regproc' | 'regprocedure' | 'regnamespace';

/**
 * Column storage types: a scalar type, or an array of one (`text[]`, `int4[]`: PostgreSQL's
 * `_text`, `_int4`), whose values are {@link PgArray}s kept like any other scalar value; an
 * array column's typmod is its elements' (`varchar(3)[]` has typmod 3); or an enum type
 * ({@link EnumSqlType}, `enum:<oid>:<name>`), whose values are the catalog's interned
 * {@link EnumValue}s.
 */
export type ColumnType = ScalarColumnType | `${ScalarColumnType}[]` | EnumSqlType | `${EnumSqlType}[]`;

/**
 * A value: what a column holds for one row, or an expression yields. int8 is a number when
 * safe, else bigint; vector a Float32Array, halfvec a Uint16Array of binary16 patterns,
 * sparsevec a SparseVector, bit / varbit a BitString, numeric a Numeric, bytea a Uint8Array,
 * jsonb a Jsonb, uuid / varchar / char / json strings, oid and the reg* types a number in
 * [0, 2^32), timestamp / timestamptz a bigint of
 * microseconds since 2000-01-01, date a number of days since then, time a number of
 * microseconds since midnight (0 to 86,400,000,000: 24:00:00), timetz (values only, no
 * column has it yet) a TimeTz, interval an Interval;
 * an array (`text[]` columns and array expressions) a PgArray; an enum type's value an EnumValue.
 */
export type Value = number | bigint | string | boolean | EnumValue | Numeric | Jsonb | Interval | TimeTz | Uint8Array | Float32Array | Uint16Array | SparseVector | BitString | PgArray | null;

function packedKind(t: ColumnType): PackedKind | null {
  return t === 'halfvec' || t === 'sparsevec' || t === 'bit' || t === 'varbit' ? t : null;
}

/** Column definition; `typmod` is the vector dimension (-1 when unconstrained). */
export interface ColumnDef {
  name: string;
  type: ColumnType;
  typmod: number;
  notNull: boolean;
  /**
   * The name of the column's NOT NULL constraint (pg_constraint contype 'n') when it is not
   * `<table>_<column>_not_null`: one written as `CONSTRAINT name NOT NULL`, renamed, or the name
   * it was given before the table or the column was renamed (PostgreSQL keeps a constraint's
   * name across both). Absent: that derived name. Read it with {@link notNullConstraintName}.
   */
  notNullName?: string;
  /** Name of the sequence that fills the column by default (serial/bigserial), or null. */
  sequence: string | null;
  /**
   * DEFAULT expression as SQL text, evaluated by the SQL layer (null: no default). For a
   * generated column, its generation expression (PostgreSQL keeps both in pg_attrdef).
   */
  defaultSql: string | null;
  /**
   * GENERATED ALWAYS AS (`defaultSql`) STORED ('s', PostgreSQL's attgenerated): the SQL layer
   * computes the column from the row's other columns on every write. Absent: not generated.
   */
  generated?: 's';
  /**
   * GENERATED ALWAYS ('a') or BY DEFAULT ('d') AS IDENTITY (PostgreSQL's attidentity); the
   * column is filled from `sequence` as a serial column is. Absent: not an identity column.
   */
  identity?: 'a' | 'd';
  /** COMMENT ON COLUMN text (pg_description); absent when none. */
  comment?: string;
  /**
   * PostgreSQL's attnum: the column's number in pg_attribute, which keeps the slots of dropped
   * columns (so it may exceed the position + 1). Absent: position + 1 (a table no column was
   * ever dropped from). Read it with {@link attnumOf}.
   */
  attnum?: number;
}

/**
 * A column ALTER TABLE DROP COLUMN removed, as pg_attribute keeps it (attisdropped): its attnum
 * and the type it had (attlen, attalign, attstorage and attcollation still describe it).
 */
export interface DroppedColumn {
  attnum: number;
  type: ColumnType;
  typmod: number;
}

/** A CHECK constraint (pg_constraint contype 'c'): its name and expression as SQL text. */
export interface CheckDef {
  name: string;
  /** The expression as normalized SQL text over the table's columns, re-analyzed when used. */
  expr: string;
}

/** FK actions as PostgreSQL's confdeltype / confupdtype letters: a(no action), r, c, n, d. */
export type FkAction = 'a' | 'r' | 'c' | 'n' | 'd';

/** A FOREIGN KEY constraint of the table that holds it (the referencing table). */
export interface ForeignKeyDef {
  name: string;
  /** Referencing column numbers, in key order. */
  columns: number[];
  /** The referenced table's name. */
  refTable: string;
  /** Referenced column numbers (a primary key or UNIQUE constraint's columns), in key order. */
  refColumns: number[];
  onDelete: FkAction;
  onUpdate: FkAction;
}

export interface TableDef {
  name: string;
  columns: ColumnDef[];
  /** Column indexes of the primary key (empty when none). */
  primaryKey: number[];
  /** CHECK constraints (absent: none; definitions written before constraints existed). */
  checks?: CheckDef[];
  /** FOREIGN KEY constraints held by this table (absent: none). */
  foreignKeys?: ForeignKeyDef[];
  /** COMMENT ON TABLE text (pg_description); absent when none. */
  comment?: string;
  /** Dropped columns, ascending by attnum (absent: none was dropped). */
  dropped?: DroppedColumn[];
}

/** PostgreSQL's attnum of the column at position `i` (0-based) of `def`. */
export function attnumOf(def: TableDef, i: number): number {
  return def.columns[i]?.attnum ?? i + 1;
}

/** The position (0-based) of the live column whose attnum is `attnum`, or -1 (none, or dropped). */
export function columnOfAttnum(def: TableDef, attnum: number): number {
  if (def.dropped === undefined) return attnum >= 1 && attnum <= def.columns.length ? attnum - 1 : -1;
  return def.columns.findIndex((_, i) => attnumOf(def, i) === attnum);
}

/**
 * The name of the NOT NULL constraint of column `c` of table `table` (meaningful when
 * `c.notNull`): its recorded name, else PostgreSQL 18's `<table>_<column>_not_null`.
 */
export function notNullConstraintName(table: string, c: ColumnDef): string {
  return c.notNullName ?? `${table}_${c.name}_not_null`;
}

/** The highest attnum `def` has used, live or dropped (pg_class.relnatts). */
export function maxAttnum(def: TableDef): number {
  let n = def.columns.length === 0 ? 0 : attnumOf(def, def.columns.length - 1);
  for (const d of def.dropped ?? []) n = Math.max(n, d.attnum);
  return n;
}

/**
 * `def` with column `i` removed as PostgreSQL's DROP COLUMN does: every live column keeps its
 * attnum (made explicit) and the removed one is listed in `dropped`.
 */
export function withColumnDropped(def: TableDef, i: number): TableDef {
  const c = def.columns[i]!;
  const columns = def.columns.flatMap((x, j) => (j === i ? [] : [{ ...x, attnum: attnumOf(def, j) }]));
  const dropped = [...(def.dropped ?? []), { attnum: attnumOf(def, i), type: c.type, typmod: c.typmod }].sort((a, b) => a.attnum - b.attnum);
  return { ...def, columns, dropped };
}

/** `def` with `column` appended as ADD COLUMN does: its attnum is one past every used one. */
export function withColumnAdded(def: TableDef, column: ColumnDef): TableDef {
  const { attnum: _ignored, ...rest } = column;
  const next = maxAttnum(def) + 1;
  return { ...def, columns: [...def.columns, next === def.columns.length + 1 ? rest : { ...rest, attnum: next }] };
}

/** Memory taken for a row about to be appended ({@link Table.prepareRow}). */
export interface PreparedRow {
  readonly rowId: number;
  /** Per column: where the value goes (0 for scalars and NULLs). */
  readonly ptrs: number[];
  /** Blocks of moved first segments, freed after the write (segments.ts). */
  readonly retired: number[];
  /** New per-row blocks (pointer, bytes), freed if the row is abandoned. */
  readonly blocks: number[];
}

/** Storage for one vector column. */
class VectorColumn {
  /** Fixed dimension, or -1 for per-row blocks. */
  readonly dim: number;
  /** Fixed-dimension rows (null when unconstrained). */
  readonly store: SegmentedRows | null;
  /** Squared L2 norm per row (float32 kernel result), for cosine scans; shared with parallel scans' workers. */
  norms: Float32Array = sharedF32(0);
  /** 1 = NULL, per row; shared with parallel scans' workers. */
  nulls = sharedU8(0);
  /** Unconstrained columns: per-row address (kernels/memories.ts) and length (0 address = null). */
  rowPtr = new Float64Array(0);
  rowDim = new Int32Array(0);
  /** Where the copies {@link Table.get} hands out come from. */
  readonly copies = new VectorCopies();

  constructor(dim: number) {
    this.dim = dim;
    // Full segments take part in the buffer cache (storage/buffer_cache.ts).
    this.store = dim >= 0 ? new SegmentedRows(Math.max(dim, 1) * 4, 'vector column', memories, true) : null;
  }
}

/** A column's storage taken out of its table by ALTER TABLE DROP COLUMN until the transaction ends. */
export interface DetachedColumn {
  scalars: Value[] | null;
  vector: VectorColumn | null;
  packed: PackedColumn | null;
  /** The table's slot count when it was detached (rows it covers). */
  slots: number;
}

export class Table {
  /** The definition; replaced (never mutated) by {@link replaceDef} when constraints or names change. */
  def: TableDef;
  /** Slots used so far (rowIds are 0 .. slots-1). */
  slots = 0;
  /** Rows alive (slots minus deleted). */
  liveCount = 0;
  private capacity = 0;
  /** 1 bit per slot: set = live. Shared memory: a parallel scan's workers read it in place. */
  private liveBits = sharedU32(0);
  private readonly scalars: (Value[] | null)[];
  private readonly vectors: (VectorColumn | null)[];
  /** halfvec / sparsevec / bit / varbit columns (packed_column.ts). */
  private readonly packed: (PackedColumn | null)[];
  /** Primary key values -> rowId (single-column keys as the value; composite as a joined string). */
  readonly pkey = new KeyMap();
  /** Inserting transaction per slot while uncommitted (0 = committed). */
  xmin = new Int32Array(0);
  /** Deleting transaction per slot while it is in flight (0 = none). */
  xmax = new Int32Array(0);
  /** Slots with a non-zero xmin or xmax (rows of in-flight transactions). */
  pendingRows = 0;
  /**
   * Changes to the stored state (rows, row versions, definition, columns): a checkpoint that
   * finds the count it saw last time rewrites nothing for this table.
   */
  changes = 0;
  /** VACUUMs (they change the table's indexes but none of its stored state). */
  vacuums = 0;
  /** Slots the table had at the last checkpoint mark; later slots go whole into a delta. */
  private markedSlots = 0;
  /** 1 bit per slot below {@link markedSlots} whose live bit, xmin or xmax changed since the mark. */
  private changedBits = new Uint32Array(0);
  /** Slots set in {@link changedBits}. */
  changedSlots = 0;
  /** Columns were added or removed since the mark: a delta cannot say it, the next file is whole. */
  layoutChanged = false;

  constructor(def: TableDef) {
    this.def = def;
    this.scalars = def.columns.map((c) => (c.type === 'vector' || packedKind(c.type) !== null ? null : []));
    this.vectors = def.columns.map((c) => (c.type === 'vector' ? new VectorColumn(c.typmod) : null));
    this.packed = def.columns.map((c) => {
      const k = packedKind(c.type);
      return k === null ? null : new PackedColumn(k, c.typmod);
    });
  }

  /** Records a change of slot `rowId`'s live bit or row versions (for the next checkpoint delta). */
  private touch(rowId: number): void {
    this.changes++;
    if (rowId < this.markedSlots && (this.changedBits[rowId >>> 5]! & (1 << (rowId & 31))) === 0) {
      this.changedBits[rowId >>> 5]! |= 1 << (rowId & 31);
      this.changedSlots++;
    }
  }

  /**
   * Checkpoint only: the state as of now is in the checkpoint files; later changes are tracked
   * from here (what {@link writeDelta} writes).
   */
  markCheckpointed(): void {
    this.markedSlots = this.slots;
    this.changedBits.fill(0);
    this.changedSlots = 0;
    this.layoutChanged = false;
    this.pkey.clearChanged();
  }

  /** Rows a delta written now would carry: slots changed below the mark plus slots appended since. */
  get deltaRows(): number {
    return this.changedSlots + (this.slots - this.markedSlots);
  }

  /**
   * Catalog only: installs a new definition with the same columns in storage (same count and
   * types: names, defaults, NOT NULL and constraints may differ).
   */
  replaceDef(def: TableDef): void {
    // An enum type's rename renames the columns' type (EnumSqlType holds the name), not their values.
    const sameType = (a: ColumnType, b: ColumnType) =>
      a === b || (hasEnumElements(a) && hasEnumElements(b) && isEnumSqlType(a) === isEnumSqlType(b) && enumTypeOid(a as EnumSqlType) === enumTypeOid(b as EnumSqlType));
    assert(
      def.columns.length === this.def.columns.length && def.columns.every((c, i) => sameType(c.type, this.def.columns[i]!.type) && c.typmod === this.def.columns[i]!.typmod),
      'replaceDef keeps the stored columns',
    );
    this.def = def;
    this.changes++;
  }

  /** True when a column has an enum type (its values are interned by the catalog). */
  get hasEnumColumns(): boolean {
    // Asked on every insert: computed once per definition (the def is replaced, never mutated).
    if (this.enumsOf !== this.def) {
      this.enumsOf = this.def;
      this.enums = this.def.columns.some((c) => hasEnumElements(c.type));
    }
    return this.enums;
  }

  /** The definition {@link enums} was computed for. */
  private enumsOf: TableDef | null = null;
  private enums = false;

  /**
   * Catalog only: replaces the value of scalar column `col` in `rowId` by an equal one (an enum
   * label's interned value for the copy a checkpoint was read into); nothing is logged.
   */
  setValue(col: number, rowId: number, v: Value): void {
    const s = this.scalars[col];
    assert(s !== null && s !== undefined, 'setValue sets a scalar column');
    s[rowId] = v;
  }

  /**
   * Catalog only: ALTER TABLE ADD COLUMN. `def` is the new definition (the old one with the
   * column appended); every existing slot gets `fill` (one value, PostgreSQL's attmissingval).
   * Vector and packed columns take only a NULL fill (checked by the SQL layer).
   */
  addColumn(def: TableDef, fill: Value): void {
    const c = def.columns[def.columns.length - 1]!;
    assert(def.columns.length === this.def.columns.length + 1, 'addColumn appends one column');
    const k = packedKind(c.type);
    if (c.type === 'vector') {
      assert(fill === null, 'a new vector column starts NULL');
      const vc = new VectorColumn(c.typmod);
      vc.norms = sharedF32(this.capacity);
      vc.nulls = sharedU8(this.capacity);
      vc.nulls.fill(1, 0, this.slots);
      if (vc.dim < 0) {
        vc.rowPtr = new Float64Array(this.capacity);
        vc.rowDim = new Int32Array(this.capacity);
      }
      this.scalars.push(null);
      this.vectors.push(vc);
      this.packed.push(null);
    } else if (k !== null) {
      assert(fill === null, 'a new packed column starts NULL');
      const pc = new PackedColumn(k, c.typmod);
      pc.grow(this.capacity);
      pc.nulls.fill(1, 0, this.slots);
      this.scalars.push(null);
      this.vectors.push(null);
      this.packed.push(pc);
    } else {
      const arr: Value[] = new Array(this.slots).fill(fill);
      this.scalars.push(arr);
      this.vectors.push(null);
      this.packed.push(null);
    }
    this.def = def;
    this.changes++;
    this.layoutChanged = true;
  }

  /**
   * Catalog only: ALTER TABLE DROP COLUMN of column `col`, whose storage is taken out of the
   * table and returned (freed by {@link freeColumn} at commit, put back by
   * {@link attachColumn} at undo); `def` is the new definition (the column removed, later
   * column numbers one lower).
   */
  detachColumn(def: TableDef, col: number): DetachedColumn {
    assert(def.columns.length === this.def.columns.length - 1, 'dropColumn removes one column');
    const out: DetachedColumn = { scalars: this.scalars[col] ?? null, vector: this.vectors[col] ?? null, packed: this.packed[col] ?? null, slots: this.slots };
    this.scalars.splice(col, 1);
    this.vectors.splice(col, 1);
    this.packed.splice(col, 1);
    this.def = def;
    this.changes++;
    this.layoutChanged = true;
    return out;
  }

  /** Catalog only: puts column storage taken by {@link detachColumn} back at `col`; `def` is the definition it had. */
  attachColumn(def: TableDef, col: number, c: DetachedColumn): void {
    assert(def.columns.length === this.def.columns.length + 1, 'attachColumn restores one column');
    // Rows the transaction appended since (undone by now) hold NULL in the column.
    if (c.scalars !== null) for (let i = c.slots; i < this.slots; i++) c.scalars.push(null);
    if (c.packed !== null && c.packed.nulls.length < this.capacity) c.packed.grow(this.capacity);
    c.packed?.nulls.fill(1, c.slots, this.slots);
    const vc = c.vector;
    if (vc !== null) {
      if (vc.nulls.length < this.capacity) {
        vc.norms = growF32(vc.norms, this.capacity);
        const n = sharedU8(this.capacity);
        n.set(vc.nulls);
        vc.nulls = n;
        if (vc.dim < 0) {
          const p = new Float64Array(this.capacity);
          p.set(vc.rowPtr);
          vc.rowPtr = p;
          const d = new Int32Array(this.capacity);
          d.set(vc.rowDim);
          vc.rowDim = d;
        }
      }
      vc.nulls.fill(1, c.slots, this.slots);
    }
    this.scalars.splice(col, 0, c.scalars);
    this.vectors.splice(col, 0, c.vector);
    this.packed.splice(col, 0, c.packed);
    this.def = def;
    this.changes++;
    this.layoutChanged = true;
  }

  /** Catalog only: frees the storage of a column taken by {@link detachColumn}. */
  freeColumn(c: DetachedColumn): void {
    c.packed?.dispose(c.slots);
    const vc = c.vector;
    if (vc !== null) {
      if (vc.store !== null) vc.store.dispose();
      else for (let i = 0; i < c.slots; i++) if (vc.rowPtr[i]! !== 0) memories.free(vc.rowPtr[i]!, vc.rowDim[i]! * 4);
    }
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

  /**
   * True when `rowId` is visible to transaction `xid` (0: a reader without an xid): live, and
   * either committed or inserted by `xid`, and not deleted by `xid` itself. A delete by another
   * in-flight transaction does not hide the row (read committed).
   */
  visibleTo(rowId: number, xid: number): boolean {
    if (!this.isLive(rowId)) return false;
    if (this.pendingRows === 0) return true;
    const mn = this.xmin[rowId]!;
    if (mn !== 0 && mn !== xid) return false;
    return xid === 0 || this.xmax[rowId]! !== xid;
  }

  /**
   * True when a transaction other than `xid` has rows in flight here (an insert or delete not
   * yet committed or rolled back): DDL must not replace the table under it. Scans the row
   * versions only when some row is pending.
   */
  pendingRowsOfOthers(xid: number): boolean {
    if (this.pendingRows === 0) return false;
    const n = this.slots;
    for (let r = 0; r < n; r++) {
      const mn = this.xmin[r]!;
      const mx = this.xmax[r]!;
      if (((mn !== 0 && mn !== xid) || (mx !== 0 && mx !== xid)) && this.isLive(r)) return true;
    }
    return false;
  }

  /** Catalog only: records an in-flight delete by `xid` (xmax). */
  setXmax(rowId: number, xid: number): void {
    this.touch(rowId);
    const was = this.xmin[rowId]! !== 0 || this.xmax[rowId]! !== 0;
    this.xmax[rowId] = xid;
    const is = this.xmin[rowId]! !== 0 || xid !== 0;
    if (was !== is) this.pendingRows += is ? 1 : -1;
  }

  /** Catalog only: marks the insert of `rowId` committed (xmin 0). */
  clearXmin(rowId: number): void {
    this.touch(rowId);
    const was = this.xmin[rowId]! !== 0 || this.xmax[rowId]! !== 0;
    this.xmin[rowId] = 0;
    const is = this.xmax[rowId]! !== 0;
    if (was !== is) this.pendingRows += is ? 1 : -1;
  }

  /**
   * The values of scalar column `col` indexed by rowId (null for vector and packed columns),
   * for scans that test a column over many rows without fetching each row. Read-only; valid
   * until the next insert.
   */
  scalarColumn(col: number): readonly Value[] | null {
    return this.scalars[col] ?? null;
  }

  /** The live/dead bitmap (bit rowId set = live); valid until the next insert grows it. */
  liveBitmap(): Uint32Array {
    return this.liveBits;
  }

  /**
   * Value of column `col` for `rowId`. A `vector(n)` value is a copy (its segment may be evicted
   * by the buffer cache); other vectors come back as a view over their memory (do not keep it).
   */
  get(col: number, rowId: number): Value {
    const s = this.scalars[col];
    if (s !== null && s !== undefined) return s[rowId] ?? null;
    const pc = this.packed[col];
    if (pc !== null && pc !== undefined) return pc.get(rowId);
    const vc = this.vectors[col]!;
    if (vc.nulls[rowId] === 1) return null;
    if (vc.store !== null) {
      // A copy: the buffer cache may evict the segment once the read is done, so no view of a
      // cached segment outlives this call (and nothing is pinned; an evicted segment is read
      // one page, not whole). Small copies come from the column's pool (vector_copies.ts).
      const p = vc.store.ptrRow(rowId);
      return vc.copies.copy(memories.memoryOf(p).f32(), p >>> 2, vc.dim);
    }
    const ptr = vc.rowPtr[rowId]!;
    if (ptr === 0) return null;
    const f = memories.memoryOf(ptr).f32();
    return f.subarray(ptr >>> 2, (ptr >>> 2) + vc.rowDim[rowId]!);
  }

  /** Copy of a vector value (or null), safe to keep. */
  getVectorCopy(col: number, rowId: number): Float32Array | null {
    const v = this.get(col, rowId) as Float32Array | null;
    return v === null ? null : v.slice();
  }

  /**
   * Address (kernels/memories.ts: memory id and byte offset) of the float32 elements of vector
   * column `col` at `rowId`, or 0 when the value is NULL. Length is {@link vectorDim}. Its
   * memory is `memories.memoryOf(addr)`; `addr >>> 0` is the offset there (and `addr >>> 2`
   * the float index).
   */
  vectorPtr(col: number, rowId: number): number {
    const vc = this.vectors[col]!;
    if (vc.nulls[rowId] === 1) return 0;
    if (vc.dim < 0) return vc.rowPtr[rowId]!;
    return vc.store!.ptr(rowId);
  }

  /** True when the value of column `col` at `rowId` is NULL: reads no segment (ANALYZE's NULL count). */
  isNullValue(col: number, rowId: number): boolean {
    const s = this.scalars[col];
    if (s !== null && s !== undefined) return (s[rowId] ?? null) === null;
    const pc = this.packed[col];
    if (pc !== null && pc !== undefined) return pc.nulls[rowId] === 1;
    return this.vectorIsNull(col, rowId);
  }

  /** True when the vector of column `col` at `rowId` is NULL (reads no segment). */
  vectorIsNull(col: number, rowId: number): boolean {
    const vc = this.vectors[col]!;
    return vc.nulls[rowId] === 1 || (vc.dim < 0 && vc.rowPtr[rowId] === 0);
  }

  /**
   * The segment of vector column `col` that row `rowId` lies in (-1 for a column without
   * segments): an exact scan that batches addresses flushes its batch when this changes,
   * because {@link vectorPtrStream} pins one segment at a time.
   */
  vectorSegmentOf(col: number, rowId: number): number {
    const st = this.vectors[col]!.store;
    return st === null ? -1 : rowId >>> st.shift;
  }

  /**
   * {@link vectorPtr} for an exact scan that streams over the rows in order and passes each
   * address straight to a kernel: only the segment it is on stays pinned in the buffer cache
   * (segments.ts `ptrStream`), so the address is valid until the next read of any vector.
   */
  vectorPtrStream(col: number, rowId: number): number {
    const vc = this.vectors[col]!;
    if (vc.nulls[rowId] === 1) return 0;
    if (vc.dim < 0) return vc.rowPtr[rowId]!;
    return vc.store!.ptrStream(rowId);
  }

  /**
   * {@link vectorPtr} for a read that uses the row at once (one kernel call or copy) and may
   * jump between rows (segments.ts `ptrRow`): an evicted segment is read one page, not whole,
   * and nothing is pinned, so the address is valid until the next read of any vector.
   */
  vectorPtrRow(col: number, rowId: number): number {
    const vc = this.vectors[col]!;
    if (vc.nulls[rowId] === 1) return 0;
    if (vc.dim < 0) return vc.rowPtr[rowId]!;
    return vc.store!.ptrRow(rowId);
  }

  /**
   * The segmented stores of the `vector(n)`, `halfvec(n)` and `bit(n)` columns, by column
   * number: what a checkpoint writes segment files of (engine/durability.ts) and recovery names
   * them in.
   */
  cachedStores(): { col: number; store: SegmentedRows }[] {
    const out: { col: number; store: SegmentedRows }[] = [];
    for (let c = 0; c < this.vectors.length; c++) {
      const st = this.vectors[c]?.store ?? this.packed[c]?.segmentedRows();
      if (st !== null && st !== undefined) out.push({ col: c, store: st });
    }
    return out;
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

  /**
   * The fixed-width rows of column `col` (`vector(n)`, `halfvec(n)`, `bit(n)`: segments in the
   * shared memories) and its per-row NULL flags (1 = NULL), for a scan that hands the segments
   * to worker threads (sql/exec/parallel_knn.ts); null for any other column. Valid until the
   * next insert.
   */
  fixedRows(col: number): { rows: SegmentedRows; nulls: Uint8Array } | null {
    const vc = this.vectors[col];
    if (vc !== null && vc !== undefined) return vc.store === null ? null : { rows: vc.store, nulls: vc.nulls };
    const pc = this.packed[col];
    const rows = pc?.segmentedRows() ?? null;
    return rows === null ? null : { rows, nulls: pc!.nulls };
  }

  /**
   * The packed storage of a halfvec / sparsevec / bit / varbit column (for scans that read
   * the arena directly), or null for other columns.
   */
  packedColumn(col: number): PackedColumn | null {
    return this.packed[col] ?? null;
  }

  /** Bytes the table's vector data occupies in the arena plus a rough estimate for scalars. */
  sizeBytes(): number {
    let bytes = this.slots * 8;
    for (const pc of this.packed) if (pc !== null) bytes += pc.sizeBytes(this.slots);
    for (const vc of this.vectors) {
      if (vc === null) continue;
      if (vc.store !== null) bytes += vc.store.sizeBytes();
      else for (let i = 0; i < this.slots; i++) bytes += vc.rowDim[i]! * 4;
    }
    return bytes;
  }

  /**
   * Catalog only: appends a row (values already coerced and checked) inserted by transaction
   * `xid` (0: committed at once). Returns its rowId.
   * @throws PgError 53200 when the memories cannot hold the row; the table is unchanged then.
   */
  appendRow(values: readonly Value[], xid = 0): number {
    return this.commitRow(this.prepareRow(values), values, xid);
  }

  /**
   * Catalog only: the first half of {@link appendRow}: takes the memory the row needs (grown
   * segments, per-row blocks) without writing anything, so a failure changes nothing and the
   * catalog can log the insert between the halves. Finish with {@link commitRow} or give the
   * memory back with {@link abandonRow}.
   * @throws PgError 53200 when the memories cannot hold the row; the table is unchanged then.
   */
  prepareRow(values: readonly Value[]): PreparedRow {
    const rowId = this.slots;
    if (rowId >= this.capacity) this.grow();
    return this.prepareAt(rowId, values);
  }

  /**
   * Takes the memory of row `rowId` (at or past `slots`; the slot arrays already hold it).
   * Rows `slots` .. `rowId - 1` must be prepared and not yet committed: a fixed-width store
   * must already hold `rowId` then (see {@link prepareRows}), as a moved first segment copies
   * only committed rows.
   */
  private prepareAt(rowId: number, values: readonly Value[]): PreparedRow {
    const cols = this.def.columns;
    const prep: PreparedRow = { rowId, ptrs: new Array<number>(cols.length).fill(0), retired: [], blocks: [] };
    try {
      for (let c = 0; c < cols.length; c++) {
        const v = values[c] ?? null;
        const pc = this.packed[c];
        if (pc !== null && pc !== undefined) {
          prep.ptrs[c] = pc.place(rowId, v as PackedValue | number | null, prep.retired, prep.blocks, this.slots);
          continue;
        }
        const vc = this.vectors[c];
        if (vc === null || vc === undefined || v === null) continue;
        if (typeof v === 'number') {
          // Recovery: a delta's row whose bytes are in a segment file (Table.writeDelta).
          assert(vc.store !== null, 'only a vector(n) row is held by a segment file');
          vc.store.evictForFile(rowId);
          continue;
        }
        const vec = v as Float32Array;
        if (vc.store !== null) {
          assert(vec.length === vc.dim, 'vector dimension checked before append');
          vc.store.reserve(rowId, this.slots, prep.retired);
          prep.ptrs[c] = vc.store.ptr(rowId);
        } else {
          const ptr = memories.alloc(vec.length * 4, 'vector column');
          prep.blocks.push(ptr, vec.length * 4);
          prep.ptrs[c] = ptr;
        }
      }
    } catch (e) {
      this.abandonRow(prep);
      throw e;
    }
    return prep;
  }

  /**
   * Catalog only: {@link prepareRow} for several rows appended in order (rowIds `slots` ..
   * `slots + rows.length - 1`), so that one log record can cover them. Fixed-width storage is
   * reserved for the last row first: a first segment that moves then moves before any row's
   * place is taken, so every place stays valid until the rows are committed. Blocks that moved
   * are freed when the last row is committed (values may view them).
   * @throws PgError 53200 when the memories cannot hold the rows; the table is unchanged then.
   */
  prepareRows(rows: readonly (readonly Value[])[]): PreparedRow[] {
    const first = this.slots;
    const last = first + rows.length - 1;
    assert(rows.length > 0, 'a batch has rows');
    while (last >= this.capacity) this.grow();
    const retired: number[] = [];
    const preps: PreparedRow[] = [];
    try {
      for (const vc of this.vectors) vc?.store?.reserve(last, first, retired);
      for (const pc of this.packed) pc?.reserveRows(last, first, retired);
      for (let i = 0; i < rows.length; i++) preps.push(this.prepareAt(first + i, rows[i]!));
    } catch (e) {
      this.abandonRows(preps);
      SegmentedRows.freeRetired(memories, retired);
      throw e;
    }
    // The last row's commit frees what moved (commitRow frees its prepared row's retired list).
    for (let i = 0; i < retired.length; i++) preps[preps.length - 1]!.retired.push(retired[i]!);
    return preps;
  }

  /** Catalog only: gives back what {@link prepareRows} took. */
  abandonRows(preps: readonly PreparedRow[]): void {
    for (const p of preps) this.abandonRow(p);
  }

  /** Catalog only: gives back what {@link prepareRow} took (the insert could not be logged). */
  abandonRow(prep: PreparedRow): void {
    const b = prep.blocks;
    for (let i = 0; i < b.length; i += 2) memories.free(b[i]!, b[i + 1]!);
    b.length = 0;
    SegmentedRows.freeRetired(memories, prep.retired);
  }

  /**
   * Catalog only: the second half of {@link appendRow}: writes `values` (the same as prepared)
   * into the prepared row. Cannot fail. Returns the rowId.
   */
  commitRow(prep: PreparedRow, values: readonly Value[], xid = 0): number {
    const rowId = prep.rowId;
    assert(rowId === this.slots, 'a prepared row is committed before the next one is prepared');
    const cols = this.def.columns;
    // Values may be views over a retired block (an UPDATE copying a row of this table), so
    // retired blocks are freed only after the writes.
    for (let c = 0; c < cols.length; c++) {
      const v = values[c] ?? null;
      const s = this.scalars[c];
      if (s !== null && s !== undefined) {
        s[rowId] = v;
        continue;
      }
      const pc = this.packed[c];
      if (pc !== null && pc !== undefined) {
        pc.write(rowId, v as PackedValue | number | null, prep.ptrs[c]!);
        continue;
      }
      const vc = this.vectors[c]!;
      if (v === null) {
        vc.nulls[rowId] = 1;
        continue;
      }
      if (typeof v === 'number') {
        // In a segment file: the delta carried only its squared norm.
        vc.norms[rowId] = v;
        continue;
      }
      const vec = v as Float32Array;
      const ptr = prep.ptrs[c]!;
      if (vc.store === null) {
        vc.rowPtr[rowId] = ptr;
        vc.rowDim[rowId] = vec.length;
      }
      const m = memories.memoryOf(ptr);
      m.f32().set(vec, ptr >>> 2);
      vc.norms[rowId] = vec.length === 0 ? 0 : kernelsOf(m).dot(ptr >>> 0, ptr >>> 0, vec.length);
    }
    SegmentedRows.freeRetired(memories, prep.retired);
    this.liveBits[rowId >>> 5]! |= 1 << (rowId & 31);
    this.slots = rowId + 1;
    this.liveCount++;
    this.changes++;
    if (xid !== 0) {
      this.xmin[rowId] = xid;
      this.pendingRows++;
    }
    return rowId;
  }

  /** Catalog only: marks a row dead (delete, or undo of an insert). Its slot is not reused. */
  killRow(rowId: number): void {
    assert(this.isLive(rowId), 'killRow of a live row');
    this.touch(rowId);
    if (this.xmin[rowId]! !== 0 || this.xmax[rowId]! !== 0) {
      this.xmin[rowId] = 0;
      this.xmax[rowId] = 0;
      this.pendingRows--;
    }
    this.liveBits[rowId >>> 5]! &= ~(1 << (rowId & 31));
    this.liveCount--;
  }

  /**
   * Checkpoint loading only: restores a dead slot (a row deleted before the checkpoint) so
   * slot numbers stay aligned with the log. Vector storage is reserved as for a NULL value.
   */
  appendDeadSlot(): number {
    const rowId = this.slots;
    if (rowId >= this.capacity) this.grow();
    const cols = this.def.columns;
    for (let c = 0; c < cols.length; c++) {
      const s = this.scalars[c];
      if (s !== null && s !== undefined) s[rowId] = null;
      else if (this.packed[c] !== null) this.packed[c]!.nulls[rowId] = 1;
      else this.vectors[c]!.nulls[rowId] = 1;
    }
    this.slots = rowId + 1;
    this.changes++;
    return rowId;
  }

  /**
   * Streams the table to `sink` (a checkpoint file). Layout, every block a u32 length + codec
   * bytes (stream.ts):
   *
   *   block   version u32, def (codec value), slots varuint
   *   raw     live bitmap, ceil(slots / 32) u32 words
   *   block   pending rows: count, then (rowId, xmin, xmax) varuints
   *   block   primary key map: count, then (key value, rowId varuint)
   *   per column, in order:
   *     scalar        blocks of up to 8,192 values of live slots, in slot order
   *     halfvec, sparsevec, bit varying   the same, as codec values (codec.ts tags 12-14)
   *     halfvec(n), bit(n)   (version 3) as vector(n) below without the norms: raw nulls
   *                   u8[slots], the segment block, raw rows of the segments no file holds
   *     vector(n)     raw nulls u8[slots], raw norms f32[slots], a block with the rows of a
   *                   full segment (varuint) and the numbers of the segments that segment
   *                   files hold (an Int32Array codec value; version 2), then raw float32 rows of every slot of the other segments, segment by
   *                   segment (n x 4 bytes per slot; dead slots included, so a reader copies
   *                   whole segments)
   *     vector        blocks of (dim varint, -1 for NULL; f32 array) per live slot
   *
   * All numbers little-endian. Dead slots keep their numbers (indexes and the log refer to rows
   * by slot) but carry no values.
   */
  writeTo(sink: ByteSink): void {
    const w = new ByteWriter(4096);
    w.u32(TABLE_FILE_VERSION).value(tableDefToValue(this.def)).varuint(this.slots);
    writeBlock(sink, w);
    const words = (this.slots + 31) >>> 5;
    sink.write(new Uint8Array(this.liveBits.buffer, this.liveBits.byteOffset, words * 4));
    const pending: number[] = [];
    if (this.pendingRows > 0) {
      for (let r = 0; r < this.slots; r++) if (this.xmin[r]! !== 0 || this.xmax[r]! !== 0) pending.push(r);
    }
    w.varuint(pending.length);
    for (const r of pending) w.varuint(r).varuint(this.xmin[r]! >>> 0).varuint(this.xmax[r]! >>> 0);
    writeBlock(sink, w);
    w.varuint(this.pkey.size);
    for (const [k, r] of this.pkey) w.value(k as CodecValue).varuint(r);
    writeBlock(sink, w);
    const cols = this.def.columns;
    for (let c = 0; c < cols.length; c++) {
      const s = this.scalars[c];
      const pc = this.packed[c];
      const pst = pc?.segmentedRows() ?? null;
      if (pst !== null) {
        sink.write(pc!.nulls, 0, this.slots);
        writeSegmentRows(sink, w, pst, this.slots);
        continue;
      }
      if ((s !== null && s !== undefined) || (pc !== null && pc !== undefined)) {
        let n = 0;
        for (let r = 0; r < this.slots; r++) {
          if (!this.isLive(r)) continue;
          w.value((s !== null && s !== undefined ? s[r] ?? null : pc!.get(r)) as CodecValue);
          if (++n === SCALAR_BLOCK_ROWS) {
            writeBlock(sink, w);
            n = 0;
          }
        }
        if (n > 0) writeBlock(sink, w);
        continue;
      }
      const vc = this.vectors[c]!;
      if (vc.dim >= 0) {
        sink.write(vc.nulls, 0, this.slots);
        sink.write(new Uint8Array(vc.norms.buffer, vc.norms.byteOffset, this.slots * 4));
        writeSegmentRows(sink, w, vc.store!, this.slots);
        continue;
      }
      let n = 0;
      for (let r = 0; r < this.slots; r++) {
        if (!this.isLive(r)) continue;
        const v = this.get(c, r) as Float32Array | null;
        if (v === null) w.varint(-1);
        else w.varint(v.length).f32array(v);
        if (++n === SCALAR_BLOCK_ROWS) {
          writeBlock(sink, w);
          n = 0;
        }
      }
      if (n > 0) writeBlock(sink, w);
    }
  }

  /**
   * Reads a table written by {@link writeTo}. The caller verifies the source's checksum before
   * publishing the table (and disposes it if that fails).
   * @throws PgError XX001 when the bytes do not describe a table.
   */
  static readFrom(src: ByteSource): Table {
    const head = readBlock(src);
    const version = head.u32();
    // Version 1: no segment files (every vector(n) row in the file); 2: none for halfvec(n)
    // and bit(n) columns (their values as codec values, as halfvec's).
    if (version !== TABLE_FILE_VERSION && version !== 1 && version !== 2) {
      throw new PgError(SQLSTATE.data_corrupted, `unsupported table file version ${version}`);
    }
    const t = new Table(tableDefFromValue(head.readValue()));
    const slots = head.varuint();
    while (t.capacity < slots) t.grow();
    const words = (slots + 31) >>> 5;
    src.readInto(new Uint8Array(t.liveBits.buffer, t.liveBits.byteOffset, words * 4));
    t.slots = slots;
    let live = 0;
    for (let r = 0; r < slots; r++) if (t.isLive(r)) live++;
    t.liveCount = live;
    const pend = readBlock(src);
    const np = pend.varuint();
    for (let i = 0; i < np; i++) {
      const r = pend.varuint();
      t.xmin[r] = pend.varuint() | 0;
      t.xmax[r] = pend.varuint() | 0;
    }
    t.pendingRows = np;
    const pk = readBlock(src);
    const nk = pk.varuint();
    for (let i = 0; i < nk; i++) {
      const k = pk.readValue();
      t.pkey.set(k, pk.varuint());
    }
    const cols = t.def.columns;
    for (let c = 0; c < cols.length; c++) {
      const s = t.scalars[c];
      const pc = t.packed[c];
      const pst = pc?.segmentedRows() ?? null;
      if (pst !== null && version >= 3) {
        src.readInto(pc!.nulls, 0, slots);
        readSegmentRows(src, pst, slots);
        continue;
      }
      if (pc !== null && pc !== undefined) {
        let r = 0;
        for (let got = 0; got < live; ) {
          const b = readBlock(src);
          while (b.remaining > 0) {
            while (r < slots && !t.isLive(r)) pc.nulls[r++] = 1;
            if (r >= slots) throw new PgError(SQLSTATE.data_corrupted, 'more column values than live rows');
            pc.set(r++, b.readValue() as PackedValue | null);
            got++;
          }
        }
        while (r < slots) pc.nulls[r++] = 1;
        continue;
      }
      if (s !== null && s !== undefined) {
        let r = 0;
        for (let got = 0; got < live; ) {
          const b = readBlock(src);
          while (b.remaining > 0) {
            while (r < slots && !t.isLive(r)) s[r++] = null;
            if (r >= slots) throw new PgError(SQLSTATE.data_corrupted, 'more column values than live rows');
            s[r++] = b.readValue() as Value;
            got++;
          }
        }
        while (r < slots) s[r++] = null;
        continue;
      }
      const vc = t.vectors[c]!;
      if (vc.dim >= 0) {
        src.readInto(vc.nulls, 0, slots);
        src.readInto(new Uint8Array(vc.norms.buffer, vc.norms.byteOffset, slots * 4));
        if (version >= 2) readSegmentRows(src, vc.store!, slots);
        else {
          const store = vc.store!;
          store.restore(slots, new Set());
          store.forEachRun(slots, (ptr, rows) => {
            if (ptr > 0) src.readInto(memories.memoryOf(ptr).u8(), ptr >>> 0, rows * store.rowBytes);
          });
        }
        continue;
      }
      let r = 0;
      for (let got = 0; got < live; ) {
        const b = readBlock(src);
        while (b.remaining > 0) {
          got++;
          while (r < slots && !t.isLive(r)) vc.nulls[r++] = 1;
          if (r >= slots) throw new PgError(SQLSTATE.data_corrupted, 'more vectors than live rows');
          const d = b.varint();
          if (d < 0) vc.nulls[r] = 1;
          else {
            const ptr = memories.alloc(d * 4, 'vector column');
            const m = memories.memoryOf(ptr);
            b.f32arrayInto(m.f32(), ptr >>> 2);
            vc.rowPtr[r] = ptr;
            vc.rowDim[r] = d;
            vc.norms[r] = d === 0 ? 0 : kernelsOf(m).dot(ptr >>> 0, ptr >>> 0, d);
          }
          r++;
        }
      }
      while (r < slots) vc.nulls[r++] = 1;
    }
    // Dead rows' bytes were read to keep the stream aligned; give back what they fill whole.
    t.releaseDeadRows();
    return t;
  }

  /**
   * Streams the changes since the last {@link markCheckpointed} to `sink` (a checkpoint delta
   * file), so that {@link applyDelta} over the table as it was at the mark gives the table as
   * it is now. A slot's values never change once written (an UPDATE appends a new version), so
   * a slot below the mark carries only its live bit and row versions; appended slots carry
   * everything. Must not be used when {@link layoutChanged} (columns added or dropped: write
   * the whole table). Layout, every block a u32 length + codec bytes (stream.ts):
   *
   *   block   version u32, def (codec value), fromSlots varuint, slots varuint,
   *           changed varuint, keys varuint
   *   blocks  changed slots below fromSlots, ascending: (rowId varuint, live u8,
   *           xmin varuint, xmax varuint) each
   *   blocks  slots fromSlots .. slots-1 in order: live u8, then if live xmin varuint,
   *           xmax varuint and one codec value per column (for a non-NULL `vector(n)` value
   *           of a segment that a segment file holds, its squared norm as a float8: version 2;
   *           for such a `halfvec(n)` or `bit(n)` value, the number 0: version 3)
   *   blocks  changed primary-key entries: (key value, rowId varint, -1 = absent) each
   *
   * Blocks are cut at about 1 MiB. Memory use is one block whatever the table's size.
   */
  writeDelta(sink: ByteSink): void {
    assert(!this.layoutChanged, 'a delta cannot carry a change of columns');
    const w = new ByteWriter(4096);
    const keys = this.pkey.changed ?? new KeySet();
    w.u32(TABLE_DELTA_VERSION).value(tableDefToValue(this.def)).varuint(this.markedSlots).varuint(this.slots).varuint(this.changedSlots).varuint(keys.size);
    writeBlock(sink, w);
    const flushIfFull = (): void => {
      if (w.pos >= DELTA_BLOCK_BYTES) writeBlock(sink, w);
    };
    const words = (this.markedSlots + 31) >>> 5;
    let seen = 0;
    for (let i = 0; i < words && seen < this.changedSlots; i++) {
      let bits = this.changedBits[i]!;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const r = (i << 5) + b;
        w.varuint(r).u8(this.isLive(r) ? 1 : 0).varuint(this.xmin[r]! >>> 0).varuint(this.xmax[r]! >>> 0);
        seen++;
        flushIfFull();
      }
    }
    assert(seen === this.changedSlots, 'changed-slot count matches the bitmap');
    if (w.pos > 0) writeBlock(sink, w);
    const cols = this.def.columns.length;
    for (let r = this.markedSlots; r < this.slots; r++) {
      if (!this.isLive(r)) {
        w.u8(0);
      } else {
        w.u8(1).varuint(this.xmin[r]! >>> 0).varuint(this.xmax[r]! >>> 0);
        for (let c = 0; c < cols; c++) {
          const st = this.vectors[c]?.store;
          const pst = this.packed[c]?.segmentedRows() ?? null;
          // A row of a segment that a segment file holds: only its squared norm (version 2),
          // or a 0 for a halfvec(n) or bit(n) row (version 3).
          if (st !== null && st !== undefined && this.vectors[c]!.nulls[r] === 0 && st.fileOf(r >>> st.shift) !== null) w.value(this.vectors[c]!.norms[r]!);
          else if (pst !== null && this.packed[c]!.nulls[r] === 0 && pst.fileOf(r >>> pst.shift) !== null) w.value(0);
          else w.value(this.get(c, r) as CodecValue);
        }
      }
      flushIfFull();
    }
    if (w.pos > 0) writeBlock(sink, w);
    for (const k of keys) {
      const r = this.pkey.get(k);
      w.value(k as CodecValue).varint(r === undefined ? -1 : r);
      flushIfFull();
    }
    if (w.pos > 0) writeBlock(sink, w);
  }

  /**
   * Applies a delta written by {@link writeDelta} to this table, which must be in the state
   * the delta starts from (as read from the base file and the earlier deltas). The caller
   * verifies the source's checksum before publishing the table.
   * @throws PgError XX001 when the bytes do not describe a delta of this table's state;
   *   53200 when the arena cannot hold the appended rows.
   */
  applyDelta(src: ByteSource): void {
    const head = readBlock(src);
    const version = head.u32();
    if (version !== TABLE_DELTA_VERSION && version !== 1 && version !== 2) throw new PgError(SQLSTATE.data_corrupted, `unsupported table delta version ${version}`);
    const def = tableDefFromValue(head.readValue());
    const fromSlots = head.varuint();
    const slots = head.varuint();
    const changed = head.varuint();
    const keys = head.varuint();
    if (fromSlots !== this.slots || slots < fromSlots) {
      throw new PgError(SQLSTATE.data_corrupted, `table delta covers slots ${fromSlots} to ${slots}, but the table has ${this.slots}`);
    }
    if (def.columns.length !== this.def.columns.length || def.columns.some((c, i) => c.type !== this.def.columns[i]!.type || c.typmod !== this.def.columns[i]!.typmod)) {
      throw new PgError(SQLSTATE.data_corrupted, 'table delta changes the stored columns');
    }
    this.def = def;
    const corrupt = (what: string): PgError => new PgError(SQLSTATE.data_corrupted, `table delta: ${what}`);
    let b = new ByteReader(new Uint8Array(0));
    const next = (): ByteReader => {
      while (b.remaining === 0) b = readBlock(src);
      return b;
    };
    for (let i = 0; i < changed; i++) {
      const r = next().varuint();
      const live = b.u8() === 1;
      const xmin = b.varuint() | 0;
      const xmax = b.varuint() | 0;
      if (r >= fromSlots) throw corrupt(`changed slot ${r} past ${fromSlots}`);
      const wasLive = this.isLive(r);
      if (live && !wasLive) throw corrupt(`dead slot ${r} comes back to life`);
      const wasPending = wasLive && (this.xmin[r]! !== 0 || this.xmax[r]! !== 0);
      if (!live && wasLive) {
        this.liveBits[r >>> 5]! &= ~(1 << (r & 31));
        this.liveCount--;
      }
      this.xmin[r] = live ? xmin : 0;
      this.xmax[r] = live ? xmax : 0;
      const isPending = live && (xmin !== 0 || xmax !== 0);
      if (wasPending !== isPending) this.pendingRows += isPending ? 1 : -1;
    }
    const cols = this.def.columns.length;
    const row: Value[] = new Array<Value>(cols);
    for (let r = fromSlots; r < slots; r++) {
      const live = next().u8() === 1;
      if (!live) {
        this.appendDeadSlot();
        continue;
      }
      const xmin = b.varuint() | 0;
      const xmax = b.varuint() | 0;
      for (let c = 0; c < cols; c++) {
        row[c] = b.readValue() as Value;
        const vc = this.vectors[c];
        const pc = this.packed[c];
        if (typeof row[c] === 'number' && ((vc !== null && vc !== undefined && vc.store === null) || (pc !== null && pc !== undefined && pc.segmentedRows() === null))) {
          throw corrupt(`slot ${r} column ${c + 1}: a segment-file row outside a vector(n), halfvec(n) or bit(n) column`);
        }
      }
      this.commitRow(this.prepareRow(row), row, xmin);
      if (xmax !== 0) this.setXmax(r, xmax);
    }
    for (let i = 0; i < keys; i++) {
      const k = next().readValue();
      const r = b.varint();
      if (r < 0) this.pkey.delete(k);
      else if (r >= slots) throw corrupt(`key of slot ${r} past ${slots}`);
      else this.pkey.set(k, r);
    }
    if (b.remaining !== 0) throw corrupt('bytes after the last entry');
  }

  /**
   * VACUUM: gives back the memory of dead rows that no transaction can see any more (a dead
   * slot is never reused, and no reader looks at it): whole segments of dead rows and the
   * per-row blocks of dead rows. Row ids and the checkpoint format do not change (a released
   * segment is written as zeros, as dead rows' bytes are never read back).
   */
  releaseDeadRows(): void {
    this.vacuums++;
    const dead = (r: number): boolean => !this.isLive(r);
    for (const pc of this.packed) pc?.releaseDead(this.slots, dead);
    for (const vc of this.vectors) {
      if (vc === null) continue;
      if (vc.store !== null) {
        releaseDeadSegments(vc.store, this.slots, dead, vc.nulls);
        continue;
      }
      for (let r = 0; r < this.slots; r++) {
        const p = vc.rowPtr[r]!;
        if (p === 0 || this.isLive(r)) continue;
        memories.free(p, vc.rowDim[r]! * 4);
        vc.rowPtr[r] = 0;
        vc.nulls[r] = 1;
      }
    }
  }

  /** Catalog only: releases the arena blocks (DROP TABLE). */
  dispose(): void {
    for (const pc of this.packed) pc?.dispose(this.slots);
    for (const vc of this.vectors) {
      if (vc === null) continue;
      if (vc.store !== null) vc.store.dispose();
      else for (let i = 0; i < this.slots; i++) if (vc.rowPtr[i]! !== 0) memories.free(vc.rowPtr[i]!, vc.rowDim[i]! * 4);
    }
  }

  private grow(): void {
    const cap = Math.max(1024, this.capacity * 2);
    const bits = sharedU32(cap >>> 5);
    bits.set(this.liveBits);
    this.liveBits = bits;
    const xmin = new Int32Array(cap);
    xmin.set(this.xmin);
    this.xmin = xmin;
    const xmax = new Int32Array(cap);
    xmax.set(this.xmax);
    this.xmax = xmax;
    const changed = new Uint32Array(cap >>> 5);
    changed.set(this.changedBits);
    this.changedBits = changed;
    for (const pc of this.packed) pc?.grow(cap);
    for (const vc of this.vectors) {
      if (vc === null) continue;
      vc.norms = growF32(vc.norms, cap);
      const n = sharedU8(cap);
      n.set(vc.nulls);
      vc.nulls = n;
      if (vc.dim < 0) {
        const p = new Float64Array(cap);
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

/** A table definition as a codec value (for checkpoint files and the log). */
export function tableDefToValue(def: TableDef): CodecValue {
  return {
    name: def.name,
    primaryKey: Int32Array.from(def.primaryKey),
    columns: def.columns.map((c) => ({
      name: c.name,
      type: c.type,
      typmod: c.typmod,
      notNull: c.notNull,
      sequence: c.sequence,
      defaultSql: c.defaultSql,
      ...(c.notNullName === undefined ? {} : { notNullName: c.notNullName }),
      ...(c.identity === undefined ? {} : { identity: c.identity }),
      ...(c.generated === undefined ? {} : { generated: c.generated }),
      ...(c.comment === undefined ? {} : { comment: c.comment }),
      ...(c.attnum === undefined ? {} : { attnum: c.attnum }),
    })),
    ...(def.comment === undefined ? {} : { comment: def.comment }),
    ...(def.dropped === undefined || def.dropped.length === 0 ? {} : { dropped: def.dropped.map((d) => ({ attnum: d.attnum, type: d.type, typmod: d.typmod })) }),
    // Written only when present, so a table without constraints encodes as before.
    ...(def.checks === undefined || def.checks.length === 0 ? {} : { checks: def.checks.map((c) => ({ name: c.name, expr: c.expr })) }),
    ...(def.foreignKeys === undefined || def.foreignKeys.length === 0
      ? {}
      : {
          foreignKeys: def.foreignKeys.map((f) => ({
            name: f.name, columns: Int32Array.from(f.columns), refTable: f.refTable, refColumns: Int32Array.from(f.refColumns), onDelete: f.onDelete, onUpdate: f.onUpdate,
          })),
        }),
  };
}

/** Inverse of {@link tableDefToValue}. @throws PgError XX001 for a malformed value. */
export function tableDefFromValue(v: CodecValue): TableDef {
  try {
    const o = v as { name: string; primaryKey: Int32Array; columns: Record<string, CodecValue>[]; checks?: Record<string, CodecValue>[]; foreignKeys?: Record<string, CodecValue>[] };
    const columns: ColumnDef[] = o.columns.map((c) => ({
      name: c['name'] as string,
      type: c['type'] as ColumnType,
      typmod: c['typmod'] as number,
      notNull: c['notNull'] as boolean,
      sequence: c['sequence'] as string | null,
      defaultSql: c['defaultSql'] as string | null,
      ...(typeof c['notNullName'] === 'string' ? { notNullName: c['notNullName'] } : {}),
      ...(c['identity'] === 'a' || c['identity'] === 'd' ? { identity: c['identity'] } : {}),
      ...(c['generated'] === 's' ? { generated: 's' as const } : {}),
      ...(typeof c['comment'] === 'string' ? { comment: c['comment'] } : {}),
      ...(typeof c['attnum'] === 'number' ? { attnum: c['attnum'] } : {}),
    }));
    if (typeof o.name !== 'string' || columns.some((c) => typeof c.name !== 'string')) throw new Error('bad');
    const def: TableDef = { name: o.name, columns, primaryKey: Array.from(o.primaryKey) };
    const comment = (o as { comment?: CodecValue }).comment;
    if (typeof comment === 'string') def.comment = comment;
    const dropped = (o as { dropped?: Record<string, CodecValue>[] }).dropped;
    if (dropped !== undefined) {
      def.dropped = dropped.map((d) => ({ attnum: d['attnum'] as number, type: d['type'] as ColumnType, typmod: d['typmod'] as number }));
      if (def.dropped.some((d) => typeof d.attnum !== 'number' || typeof d.type !== 'string')) throw new Error('bad');
    }
    if (o.checks !== undefined) {
      def.checks = o.checks.map((c) => ({ name: c['name'] as string, expr: c['expr'] as string }));
      if (def.checks.some((c) => typeof c.name !== 'string' || typeof c.expr !== 'string')) throw new Error('bad');
    }
    if (o.foreignKeys !== undefined) {
      def.foreignKeys = o.foreignKeys.map((f) => ({
        name: f['name'] as string,
        columns: Array.from(f['columns'] as Int32Array),
        refTable: f['refTable'] as string,
        refColumns: Array.from(f['refColumns'] as Int32Array),
        onDelete: f['onDelete'] as FkAction,
        onUpdate: f['onUpdate'] as FkAction,
      }));
      if (def.foreignKeys.some((f) => typeof f.name !== 'string' || typeof f.refTable !== 'string' || f.columns.length !== f.refColumns.length)) throw new Error('bad');
    }
    return def;
  } catch {
    throw new PgError(SQLSTATE.data_corrupted, 'invalid table definition');
  }
}

/**
 * The full segments of `store` (a table of `slots` rows) that segment files hold, ascending:
 * every complete, not released segment with a file of a completed checkpoint or of the one
 * being written. A table file or delta leaves their rows' bytes out.
 */
function filedSegments(store: SegmentedRows, slots: number): number[] {
  const out: number[] = [];
  const n = store.completeSegments(slots);
  for (let k = 0; k < n; k++) if (store.segments[k] !== 0 && store.fileOf(k) !== null) out.push(k);
  return out;
}

/**
 * Writes the rows of `store` (a table of `slots` rows) to a table file: a block with the rows of
 * a full segment (varuint) and the numbers of the segments that segment files hold (an
 * Int32Array codec value), then the raw rows of every slot of the other segments, segment by
 * segment (dead slots included, so a reader copies whole segments; rows past the segments'
 * room, never given a value, as zeros). `w` is an empty scratch writer.
 */
function writeSegmentRows(sink: ByteSink, w: ByteWriter, store: SegmentedRows, slots: number): void {
  const filed = filedSegments(store, slots);
  w.varuint(store.segmentRows).value(Int32Array.from(filed));
  writeBlock(sink, w);
  const skip = new Set(filed);
  const held = Math.min(slots, store.capacityRows);
  let k = 0;
  store.forEachRun(held, (ptr, rows) => {
    if (skip.has(k++)) return;
    assert(ptr >= 0, 'a segment without a file is resident');
    if (ptr !== 0) sink.write(memories.memoryOf(ptr).u8(), ptr >>> 0, rows * store.rowBytes);
    else {
      const zero = new Uint8Array(store.rowBytes);
      for (let r = 0; r < rows; r++) sink.write(zero);
    }
  });
  for (let r = held; r < slots; ) {
    const n = Math.min(slots - r, 4096);
    sink.write(new Uint8Array(n * store.rowBytes));
    r += n;
  }
}

/**
 * Reads what {@link writeSegmentRows} wrote into the empty `store` of a table of `slots` rows:
 * the segments segment files hold are left evicted (recovery names their files).
 * @throws PgError XX001 for a malformed segment list or another segment size.
 */
function readSegmentRows(src: ByteSource, store: SegmentedRows, slots: number): void {
  const filed = new Set<number>();
  const b = readBlock(src);
  const segRows = b.varuint();
  const list = b.readValue();
  if (!(list instanceof Int32Array)) throw new PgError(SQLSTATE.data_corrupted, 'invalid segment list in table file');
  // Segment numbers (here, in the deltas' rows and in the segment files) assume the writer's
  // segment size: a process with another cannot read them.
  if (list.length > 0 && segRows !== store.segmentRows) {
    throw new PgError(SQLSTATE.data_corrupted, `table file has segments of ${segRows} rows, this process uses ${store.segmentRows}`);
  }
  for (const k of list) {
    if (k < 0 || (k + 1) * store.segmentRows > slots) throw new PgError(SQLSTATE.data_corrupted, `table file names segment ${k} of ${slots} rows`);
    filed.add(k);
  }
  store.restore(slots, filed);
  store.forEachRun(slots, (ptr, rows) => {
    if (ptr > 0) src.readInto(memories.memoryOf(ptr).u8(), ptr >>> 0, rows * store.rowBytes);
  });
}

/** `a` copied into a larger shared array (norms are read by parallel scans' workers). */
function growF32(a: Float32Array, cap: number): Float32Array {
  const b = sharedF32(cap);
  b.set(a);
  return b;
}
