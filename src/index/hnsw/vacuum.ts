/**
 * VACUUM for HNSW (pgvector hnswvacuum.c repairs the neighbour lists that point at deleted
 * nodes, then marks the nodes reusable). NOT IMPLEMENTED YET: deleted nodes stay in the graph
 * as tombstones that still route searches and are filtered from scan output, which is correct
 * but lets the graph grow under UPDATE/DELETE churn. HnswIndex therefore does not expose
 * `vacuum`, so the engine knows it is missing.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';

/** @throws PgError 0A000 always, until the repair is written. */
export function vacuumHnsw(): never {
  throw new PgError(SQLSTATE.feature_not_supported, 'vacuum of hnsw indexes is not supported');
}
