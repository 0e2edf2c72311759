/**
 * CREATE INDEX ... USING hnsw (pgvector hnswbuild.c): inserts every row in table order into a
 * graph preallocated for the row count, single-threaded, reporting progress every 1,000 rows.
 * The level sequence comes from `input.seed`, so a build over the same rows is reproducible.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { INDEX_MAX_BITS, INDEX_MAX_DIM } from '../../common/limits.js';
import type { BuildInput } from '../am.js';
import { SPARSEVEC_MAX_DIM } from '../../types/sparsevec.js';
import { HnswIndex } from './hnsw-index.js';
import { insertVector } from './insert.js';
import type { HnswOptions } from './options.js';
import { HnswState } from './state.js';

const PROGRESS_EVERY = 1000;

/**
 * Builds the index over `input`'s rows.
 * @throws PgError 22023 `column does not have dimensions` when dim is unknown (0), 54000 when
 *   dim exceeds 16,000 (64,000 bits for bit opclasses, 1e9 for sparsevec).
 */
export function buildHnsw(input: BuildInput): HnswIndex {
  const { dim, opclass } = input;
  if (!(dim > 0)) throw new PgError(SQLSTATE.invalid_parameter_value, 'column does not have dimensions');
  // Bits are 1/32 of a float: pgvector's bit opclasses allow 64,000 where vector allows 2,000.
  // sparsevec: the dimension count does not size anything (keys are their non-zeros), so the
  // type's own limit, as pgvector's sparsevec typeInfo (SPARSEVEC_MAX_DIM).
  const maxDim = opclass.kind === 'bit' ? INDEX_MAX_BITS : opclass.kind === 'sparsevec' ? SPARSEVEC_MAX_DIM : INDEX_MAX_DIM;
  if (dim > maxDim) {
    throw new PgError(SQLSTATE.program_limit_exceeded, `column cannot have more than ${maxDim} dimensions for hnsw index`);
  }
  const st = new HnswState(dim, opclass, input.options as HnswOptions, input.seed, input.rowCount);
  let sc;
  try {
    sc = st.pool.acquire(Math.max(input.rowCount, 1));
  } catch (e) {
    st.dispose();
    throw e;
  }
  const total = input.rowCount;
  let done = 0;
  const report = input.onProgress;
  report?.({ phase: 'building index: loading tuples', tuplesTotal: total, tuplesDone: 0 });
  try {
    input.forEachRow((rowId, vec) => {
      insertVector(st, sc, rowId, vec);
      done++;
      if (report !== undefined && done % PROGRESS_EVERY === 0) {
        report({ phase: 'building index: loading tuples', tuplesTotal: total, tuplesDone: done });
      }
    });
  } catch (e) {
    // Out of memory (53200) or a bad value: the half-built graph goes back to the arena.
    st.pool.release(sc);
    st.dispose();
    throw e;
  }
  st.pool.release(sc);
  report?.({ phase: 'building index: loading tuples', tuplesTotal: total, tuplesDone: done });
  return new HnswIndex(st);
}
