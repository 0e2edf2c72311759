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
 * {@link storedColumnSize}. Compression of values past the TOAST threshold (2 KB) is not
 * modelled: random float data does not compress, so sizes stay exact for real embeddings.
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

/** pg_column_size of the value stored in a table column (short header when it fits), in bytes. */
export function storedColumnSize(v: VectorLike): number {
  const size = columnSize(v);
  return size - 3 <= 127 ? size - 3 : size;
}
