/**
 * Adding one vector to the graph (pgvector hnswinsert.c / hnswlib addPoint): prepare it for the
 * opclass, draw its level, append its record and link it with the kernel's INSERT.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { HNSW_MAX_LEVEL } from './graph.js';
import { hnswKernel } from './kernel.js';
import type { Scratch } from './scratch.js';
import type { HnswState } from './state.js';

/**
 * Draws a level: floor(-ln(U) * mL) with U uniform in (0, 1] from the index's seeded
 * generator (Malkov & Yashunin section 4.1; pgvector HnswGetLevel).
 */
export function randomLevel(st: HnswState): number {
  const u = 1 - st.prng.next();
  return Math.min(HNSW_MAX_LEVEL, Math.floor(-Math.log(u) * st.ml));
}

/**
 * Inserts `vec[off .. off + dim)` for `rowId` using `sc` (which must cover the new node).
 * Returns false when the vector is not indexed: a zero vector under cosine has no direction,
 * and pgvector skips it the same way (HnswFormIndexValue).
 * @throws PgError 22000 for NaN or infinite elements (the vector type rejects them first);
 *   53200 when the arena cannot hold the node (the graph is unchanged then).
 */
export function insertVector(st: HnswState, sc: Scratch, rowId: number, vec: Float32Array, off: number): boolean {
  const dim = st.dim;
  let scale = 1;
  if (st.normalize) {
    let s = 0;
    for (let i = 0; i < dim; i++) s += vec[off + i]! * vec[off + i]!;
    if (!(s > 0)) {
      if (Number.isNaN(s)) throw new PgError(SQLSTATE.data_exception, 'NaN not allowed in vector');
      return false;
    }
    scale = 1 / Math.sqrt(s);
  }
  // Allocate everything the insert needs before linking anything (scratch, then the node's
  // record and lists), so an out-of-memory error leaves the graph as it was.
  sc.ensure(st.graph.count + 1);
  st.reserveRow(rowId);
  const count = st.graph.count;
  const node = st.graph.addNode(rowId, vec, off, scale, randomLevel(st));
  if (node < count) st.unlinkedCount--; // a vacuumed node's record, reused
  hnswKernel.insert(st.graph.g, sc.s, node);
  st.setNode(rowId, node);
  return true;
}
