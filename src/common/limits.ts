/** Hard limits shared by types and indexes (pgvector's, except where vecgres lifts a wall). */

/** pgvector VECTOR_MAX_DIM: the most dimensions a vector (and halfvec, sparsevec dims) may have. */
export const VECTOR_MAX_DIM = 16000;
/** pgvector HALFVEC_MAX_DIM. */
export const HALFVEC_MAX_DIM = 16000;
/** pgvector SPARSEVEC_MAX_NNZ. */
export const SPARSEVEC_MAX_NNZ = 16000;
/**
 * Every vecgres index accepts vectors up to this many dimensions. pgvector's HNSW/IVFFlat stop
 * at 2,000 (an 8 KB page limit); vecgres indexes are not page-bound, so the type limit applies.
 */
export const INDEX_MAX_DIM = VECTOR_MAX_DIM;

/**
 * Bits a bit-opclass index accepts (`bit_hamming_ops`, `bit_jaccard_ops`): pgvector's own
 * HNSW_MAX_DIM * 32 for bit, 64,000, whose 8 KB records vecgres' records share in size.
 */
export const INDEX_MAX_BITS = 64000;
