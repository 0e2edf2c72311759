/**
 * Datum sizes as PostgreSQL's pg_column_size reports them for pgvector's types. Each value is
 * a varlena: a 4-byte length word, then the type's own header, then the payload:
 *
 *   vector     4 + [int16 dim, int16 unused] + 4 * dim       = 8 + 4 * dim
 *   halfvec    4 + [int16 dim, int16 unused] + 2 * dim       = 8 + 2 * dim
 *   sparsevec  4 + [int32 dim, int32 nnz, int32 unused] + 4 * nnz indices + 4 * nnz values
 *                                                            = 16 + 8 * nnz
 *   bit(n)     4 + [int32 bit length] + ceil(n / 8)          = 8 + ceil(n / 8)
 *
 * Stored in a table row, a varlena of at most 127 bytes after conversion gets a 1-byte
 * header instead (VARATT_CAN_MAKE_SHORT), so pg_column_size of such a column is 3 less:
 * {@link storedColumnSize}. When a row passes the TOAST threshold (2,032 bytes with 8 KB
 * pages) PostgreSQL moves its largest values out of line, largest first, until the row fits;
 * vector, halfvec and sparsevec have STORAGE external (never compressed), and pg_column_size
 * of such a value is its size without the 4-byte length word. Which values move depends on
 * the whole row, so the caller says (`outOfLine`). Compression of bit strings is not modelled.
 */
import { BitString } from './bit.js';
import { SparseVector } from './sparsevec.js';

/** A value of one of pgvector's types (vector, halfvec, sparsevec, bit). */
export type VectorLike = Float32Array | Uint16Array | SparseVector | BitString;

/** pg_column_size of an in-memory datum, in bytes. */
export function columnSize(v: VectorLike): number {
  if (v instanceof Float32Array) return 8 + 4 * v.length;
  if (v instanceof Uint16Array) return 8 + 2 * v.length;
  if (v instanceof SparseVector) return 16 + 8 * v.indices.length;
  return 8 + v.bytes.length;
}

/**
 * pg_column_size of the value stored in a table column, in bytes: a 1-byte header when the
 * value is at most 127 bytes that way, 4 bytes less than the datum when TOAST moved it out of
 * line (`outOfLine`).
 */
export function storedColumnSize(v: VectorLike, outOfLine = false): number {
  const size = columnSize(v);
  if (outOfLine) return size - 4;
  return size - 3 <= 127 ? size - 3 : size;
}
