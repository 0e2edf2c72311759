/**
 * A table's size as PostgreSQL's planner sees it: the number of 8 kB heap pages its rows
 * would fill in PostgreSQL's heap layout, and the row count the planner estimates from it
 * (plancat.c estimate_rel_size -> tableam.c table_block_relation_estimate_size):
 *
 *   curpages  = the heap's current size in pages; at least 10 while the table was never
 *               vacuumed or analyzed (reltuples < 0), so a fresh table is not taken for tiny
 *   density   = reltuples / relpages from the last VACUUM / ANALYZE / CREATE INDEX, else
 *               floor(8168 / (data width + 28)) from the columns' average widths
 *   tuples    = rint(density x curpages), 0 when curpages is 0
 *
 * A fresh `(id int, v vector(3))` table is thus estimated at 10 x floor(8168 / 64) = 1,270
 * rows whatever it holds below 10 pages, as PostgreSQL does.
 *
 * The heap layout (bufpage.h, htup_details.h, heaptoast.h), for the page count:
 *
 *   page     = 24-byte header | 4-byte line pointer per tuple ... | tuples (8168 usable bytes)
 *   tuple    = MAXALIGN(23-byte header [+ null bitmap, 1 bit per column when a value is NULL])
 *              | column data, each aligned to its type's typalign | padded to MAXALIGN (8)
 *   varlena  = 1-byte header when the datum is at most 127 bytes that way (never aligned),
 *              else 4-byte header aligned to 4; a row past 2,032 bytes has its largest
 *              varlenas moved out of line (an 18-byte TOAST pointer) until it fits
 *   at most 291 tuples per page (MaxHeapTuplesPerPage)
 *
 * Rows are assumed packed in insertion order (fillfactor 100, as PostgreSQL fills the last
 * page) and dead rows keep their space, as in a heap that was not vacuumed full. The row width
 * is averaged over a sample of at most {@link SAMPLE_ROWS} rows spread over the table, which
 * is exact for rows of one width (fixed-width columns, vectors of a declared dimension).
 * Compression of text by TOAST is not modelled.
 */
import type { ColumnType, Table, Value } from '../../storage/table.js';
import { columnSize, type VectorLike } from '../../types/size.js';
import { numericTypmodPrecision } from '../../types/numeric.js';
import { knownColumnSize } from '../analyze/expr.js';
import { isVectorFamily } from '../analyze/types.js';
import type { StatsStore, TableStats } from './store.js';
import { rint } from '../../common/rint.js';

/** BLCKSZ - SizeOfPageHeaderData: bytes of a heap page that hold line pointers and tuples. */
export const HEAP_USABLE_BYTES_PER_PAGE = 8192 - 24;
/** MAXALIGN(SizeofHeapTupleHeader) + sizeof(ItemIdData): heapam_handler.c's HEAP_OVERHEAD_BYTES_PER_TUPLE. */
export const HEAP_OVERHEAD_BYTES_PER_TUPLE = 24 + 4;
/** A table never vacuumed or analyzed is estimated at no fewer pages than this (tableam.c). */
export const NEVER_VACUUMED_PAGES_MIN = 10;
const HEAP_TUPLE_HEADER_BYTES = 23;
const ITEM_ID_BYTES = 4;
const MAX_HEAP_TUPLES_PER_PAGE = 291;
/** TOAST_TUPLE_THRESHOLD with 8 kB pages. */
const TOAST_TUPLE_THRESHOLD = 2032;
/** A varatt_external TOAST pointer with its 2-byte varattrib_1b_e header. */
const TOAST_POINTER_BYTES = 18;
/** Rows whose widths are averaged for the page count. */
const SAMPLE_ROWS = 32;

const maxAlign = (n: number): number => (n + 7) & ~7;

/** pg_type.typlen (> 0) and typalign in bytes of the fixed-width column types; absent: varlena. */
const FIXED: Partial<Record<ColumnType, readonly [len: number, align: number]>> = {
  bool: [1, 1], int2: [2, 2], int4: [4, 4], int8: [8, 8], float4: [4, 4], float8: [8, 8],
  uuid: [16, 1], date: [4, 4], timestamp: [8, 8], timestamptz: [8, 8], interval: [16, 8],
  oid: [4, 4], regclass: [4, 4], regtype: [4, 4], regproc: [4, 4], regprocedure: [4, 4], regnamespace: [4, 4],
};

/** typalign of a varlena type: 8 for arrays of 8-byte-aligned elements, else 4. */
function varlenaAlign(type: ColumnType): number {
  if (!type.endsWith('[]')) return 4;
  return (FIXED[type.slice(0, -2) as ColumnType]?.[1] ?? 4) === 8 ? 8 : 4;
}

/**
 * Size of a datum of a fixed-dimension vector column (pgvector's layouts: a 4-byte varlena
 * header, then dim and unused int16s and 4-byte floats for vector, 2-byte halves for halfvec;
 * VARBITS's bit length then the bytes for bit(n)); null for any other column.
 */
function fixedVectorDatumBytes(type: ColumnType, typmod: number): number | null {
  if (!(typmod > 0)) return null;
  if (type === 'vector') return 8 + 4 * typmod;
  if (type === 'halfvec') return 8 + 2 * typmod;
  if (type === 'bit') return 8 + ((typmod + 7) >> 3);
  return null;
}

/** Size of a varlena datum with a 4-byte header (what it is before it is stored). */
function varlenaDatumBytes(v: Value, type: ColumnType): number {
  if (isVectorFamily(type)) return columnSize(v as VectorLike);
  // Types pg_column_size does not know (json, arrays): their text length is near enough.
  return knownColumnSize(v, type, false) ?? 4 + Buffer.byteLength(String(v), 'utf8');
}

/**
 * MAXALIGN'd length of row `rowId` as a PostgreSQL heap tuple, plus its line pointer: the
 * bytes of a page it takes.
 */
export function heapTupleBytes(table: Table, rowId: number): number {
  const cols = table.def.columns;
  let hasNull = false;
  // Per column: stored bytes, alignment (1: none) and whether TOAST may move it out of line.
  const len = new Array<number>(cols.length).fill(0);
  const align = new Array<number>(cols.length).fill(1);
  const movable = new Array<boolean>(cols.length).fill(false);
  for (let c = 0; c < cols.length; c++) {
    const type = cols[c]!.type;
    if (table.isNullValue(c, rowId)) {
      hasNull = true;
      continue;
    }
    const fixed = FIXED[type];
    if (fixed !== undefined) {
      len[c] = fixed[0];
      align[c] = fixed[1];
      continue;
    }
    // A vector(n), halfvec(n) or bit(n) value's size follows from n: reading it would fault its
    // segment's page in from disk for every planned statement.
    const datum = fixedVectorDatumBytes(type, cols[c]!.typmod) ?? varlenaDatumBytes(table.get(c, rowId), type);
    if (datum - 3 <= 127) {
      len[c] = datum - 3; // VARATT_CAN_MAKE_SHORT: a 1-byte header, unaligned
    } else {
      len[c] = datum;
      align[c] = varlenaAlign(type);
      movable[c] = true;
    }
  }
  const hoff = maxAlign(HEAP_TUPLE_HEADER_BYTES + (hasNull ? (cols.length + 7) >> 3 : 0));
  const dataBytes = (): number => {
    let off = 0;
    for (let c = 0; c < cols.length; c++) {
      if (len[c] === 0) continue;
      off = Math.ceil(off / align[c]!) * align[c]! + len[c]!;
    }
    return off;
  };
  let data = dataBytes();
  // heap_toast_insert_or_update: the largest values go out of line while the row is too wide.
  while (hoff + data > TOAST_TUPLE_THRESHOLD) {
    let big = -1;
    for (let c = 0; c < cols.length; c++) if (movable[c] && (big < 0 || len[c]! > len[big]!)) big = c;
    if (big < 0) break;
    len[big] = TOAST_POINTER_BYTES;
    align[big] = 1;
    movable[big] = false;
    data = dataBytes();
  }
  return maxAlign(hoff + data) + ITEM_ID_BYTES;
}

/**
 * Heap pages `table` would take in PostgreSQL (RelationGetNumberOfBlocks after loading its
 * rows, dead ones included, in order): its slots over the tuples a page holds at the sampled
 * average tuple size. 0 for a table that never held a row.
 */
export function heapPages(table: Table): number {
  const seen = pagesSeen.get(table);
  if (seen !== undefined && seen.changes === table.changes && seen.slots === table.slots && seen.live === table.liveCount && seen.def === table.def) return seen.pages;
  const pages = samplePages(table);
  pagesSeen.set(table, { changes: table.changes, slots: table.slots, live: table.liveCount, def: table.def, pages });
  return pages;
}

/**
 * {@link heapPages} as last computed per table, with the table's state it was computed from:
 * every statement's plan asks, and the sample decodes 32 rows' values (a jsonb value is
 * printed to be measured).
 */
const pagesSeen = new WeakMap<Table, { changes: number; slots: number; live: number; def: Table['def']; pages: number }>();

function samplePages(table: Table): number {
  const n = table.slots;
  if (n === 0) return 0;
  const step = Math.max(1, Math.floor(n / SAMPLE_ROWS));
  let bytes = 0;
  let sampled = 0;
  for (let r = 0; r < n && sampled < SAMPLE_ROWS; r += step) {
    if (!table.isLive(r)) continue;
    bytes += heapTupleBytes(table, r);
    sampled++;
  }
  if (sampled === 0) return 1; // only dead rows: their pages stay until vacuumed
  const perPage = Math.max(1, Math.min(MAX_HEAP_TUPLES_PER_PAGE, Math.floor(HEAP_USABLE_BYTES_PER_PAGE / (bytes / sampled))));
  return Math.ceil(n / perPage);
}

/**
 * get_typavgwidth: the width PostgreSQL assumes for a column of `type` with `typmod` without
 * statistics: typlen when fixed, from the typmod for bpchar / varchar / numeric / bit, else 32.
 */
export function typeAvgWidth(type: ColumnType, typmod: number): number {
  const fixed = FIXED[type];
  if (fixed !== undefined) return fixed[0];
  let max = -1;
  if ((type === 'bpchar' || type === 'varchar') && typmod >= 4) max = (typmod - 4) * 4 + 4; // UTF8: 4 bytes a character
  else if (type === 'numeric' && typmod >= 4) max = 8 + (Math.floor((numericTypmodPrecision(typmod) + 3) / 4) + 1) * 2;
  else if ((type === 'bit' || type === 'varbit') && typmod > 0) max = ((typmod + 7) >> 3) + 8;
  if (max <= 0) return 32;
  if (type === 'bpchar' || max <= 32) return max;
  return max < 1000 ? 32 + Math.floor((max - 32) / 2) : 32 + Math.floor((1000 - 32) / 2);
}

/** The planner's size of a table: heap pages and estimated rows (see the module comment). */
export interface RelSize {
  pages: number;
  tuples: number;
}

/**
 * PostgreSQL's estimate_rel_size for `table` with its statistics `st` (undefined: none yet).
 * `pages` is `heapPages(table)` when the caller has it already.
 */
export function relSizeEstimate(table: Table, st: TableStats | undefined, pages = heapPages(table)): RelSize {
  const reltuples = st?.reltuples ?? -1;
  const relpages = st?.relpages ?? 0;
  let curpages = pages;
  if (curpages < NEVER_VACUUMED_PAGES_MIN && reltuples < 0) curpages = NEVER_VACUUMED_PAGES_MIN;
  if (curpages === 0) return { pages: 0, tuples: 0 };
  let density: number;
  if (reltuples >= 0 && relpages > 0) {
    density = reltuples / relpages;
  } else {
    // get_rel_data_width: ANALYZE's average width where there is one, else the type's guess.
    let width = 0;
    table.def.columns.forEach((c, i) => {
      const w = st?.columns[i]?.avgWidth ?? 0;
      width += w > 0 ? w : typeAvgWidth(c.type, c.typmod);
    });
    density = Math.max(1, Math.floor(HEAP_USABLE_BYTES_PER_PAGE / (width + HEAP_OVERHEAD_BYTES_PER_TUPLE)));
  }
  return { pages: curpages, tuples: rint(density * curpages) };
}

/**
 * pg_class.reltuples / relpages as VACUUM and CREATE INDEX set them (vac_update_relstats,
 * index.c index_update_stats): the live rows and the current heap pages. An empty table
 * that was never vacuumed keeps reltuples -1 through CREATE INDEX (`vacuum` false), so an
 * index made with the table does not make it look vacuumed. Bumps the statistics generation
 * when the values change (cached plans are made again).
 */
export function setRelStats(store: StatsStore, table: Table, vacuum: boolean): void {
  const st = store.table(table);
  const pages = heapPages(table);
  let tuples = table.liveCount;
  if (!vacuum && tuples === 0 && st.reltuples < 0) tuples = -1;
  if (st.reltuples === tuples && st.relpages === pages) return;
  st.reltuples = tuples;
  st.relpages = pages;
  store.generation++;
}
