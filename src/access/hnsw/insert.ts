/**
 * Adding one vector to the graph (pgvector hnswinsert.c / hnswlib addPoint): prepare it for the
 * opclass, draw its level, append its record and link it with the kernel's INSERT.
 */
import type { VectorKey } from '../am.js';
import { HNSW_MAX_LEVEL } from './graph.js';
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
 * Inserts `key` (a vector of the opclass's type, {@link HnswState.prepare}) for `rowId` using
 * `sc` (which must cover the new node). Returns false when the vector is not indexed: a zero
 * vector under cosine has no direction, and pgvector skips it the same way
 * (HnswFormIndexValue).
 * @throws PgError 22000 for NaN elements (the vector type rejects them first); 53200 when the
 *   graph's memory cannot hold the node (the graph is unchanged then).
 */
export function insertVector(st: HnswState, sc: Scratch, rowId: number, key: VectorKey): boolean {
  const vec = st.prepare(key);
  if (vec === null) return false;
  // Allocate everything the insert needs before linking anything (scratch, then the node's
  // record and lists), so an out-of-memory error leaves the graph as it was.
  sc.ensure(st.graph.count + 1);
  st.reserveRow(rowId);
  const count = st.graph.count;
  const node = st.graph.addNode(rowId, vec, randomLevel(st));
  if (node < count) st.unlinkedCount--; // a vacuumed node's record, reused
  st.writeQuery(st.queryFormat(vec), sc.q);
  st.graph.kernel.insert(st.graph.g, sc.s, node, sc.q);
  st.graph.markInserted(node, sc.ringJoined);
  st.setNode(rowId, node);
  return true;
}
