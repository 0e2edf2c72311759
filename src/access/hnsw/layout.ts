/**
 * Memory layout of an HNSW graph in the arena, shared by the WebAssembly search loop
 * (assembly/hnsw.ts), its TypeScript twin (reference.ts) and graph.ts. All offsets are in i32
 * words; change them in all three places together (graph.test checks the sizes).
 *
 * Graph header (80 bytes at `g`):
 *
 *     word  0 dimP      vector elements rounded up to 16 bytes' worth (the pad is zero): a
 *                       multiple of 4 float32, of 8 binary16, or of 16 bytes of bits
 *           1 metric    METRIC_* below: the distance and the element type
 *           2 recBytes  bytes per level-0 record
 *           3 chunks    pointer to the chunk table: u32 pointers to the record chunks
 *           4 hdrBytes  offset of the node header inside a record (= the vector's bytes)
 *           5 m         max neighbours on layers >= 1
 *           6 m0        max neighbours on layer 0 (2 * m)
 *           7 upper     pointer to the upper-layer pool
 *           8 count     nodes in the graph
 *           9 efc       ef_construction
 *          10 entry     entry-point node, -1 when empty
 *          11 maxLevel  its level
 *          12 chunkShift  log2 of the records per chunk (chunks past the first are full)
 *          13 locks     pointer to one i32 lock word per node during a parallel build
 *                       (parallel.ts), 0 otherwise (then the kernel takes no lock)
 *          14 elock     lock word of the entry point and max level (parallel builds)
 *          15 prune     the neighbour-selection rule of inserts, PRUNE_* bits (0: the default;
 *                       other values only for bench/prune.ts's comparisons)
 *          16 cache     pointer to a build's layer-0 neighbour-distance cache, 0 = none:
 *                       per node n < cacheCap a record of cacheRecordBytes(m0) at
 *                       cache + n * that: i32 state (0 nothing known, 1 the distances of the
 *                       list's entries, 2 also their closer flags), f32 dist[m0], u8 closer[m0]
 *          17 cacheCap  nodes the cache covers
 *
 * Level-0 record of node n at chunks[n >>> chunkShift] + (n & (2^chunkShift - 1)) * recBytes
 * (hnswlib keeps level 0 as fixed-size records too, in one allocation, so a node's vector and
 * its neighbour ids share cache lines; chunks let the graph grow without copying it):
 *
 *     +0                 the vector: float32[dimP], binary16[dimP] or u8[dimP] of bits
 *                        (normalized for cosine)
 *     +hdrBytes + 0      rowId
 *              + 4      level
 *              + 8      upper      word index of the node's layer-1 list in the pool (-1 if none)
 *              +12      flags      bit 0: deleted; bit 1: unlinked by vacuum (vacuum.ts);
 *                                  bits 2-31: the duplicate ring's next node + 1 (0: none)
 *              +16      count      layer-0 neighbours
 *              +20      ids        int32[m0]
 *     recBytes = roundUp(hdrBytes + 20 + 4 * m0, 16)
 *
 * Upper pool: for a node of level L, L lists of (m + 1) words each: [count, ids[m]].
 */
export const G_DIM = 0;
export const G_METRIC = 1;
export const G_REC = 2;
export const G_L0 = 3;
export const G_HDR = 4;
export const G_M = 5;
export const G_M0 = 6;
export const G_UPPER = 7;
export const G_COUNT = 8;
export const G_EFC = 9;
export const G_ENTRY = 10;
export const G_MAXLEVEL = 11;
export const G_CHUNK_SHIFT = 12;
export const G_LOCKS = 13;
export const G_ELOCK = 14;
export const G_PRUNE = 15;
/** G_PRUNE bit: a shrunk list keeps only the heuristic's choice (hnswlib), not filled up. */
export const PRUNE_NO_FILL_SHRUNK = 1;
/** G_PRUNE bit: the new node's own list keeps only the heuristic's choice (hnswlib). */
export const PRUNE_NO_FILL_NEW = 2;
/** G_PRUNE bit: the new node chooses up to M0 neighbours on layer 0, not M (pgvector). */
export const PRUNE_NEW_M0 = 4;
/** The G_PRUNE rules bench/prune.ts compares, by name. */
export const PRUNE_RULES: Record<number, string> = {
  0: 'keepPruned on both lists (default)',
  [PRUNE_NO_FILL_SHRUNK]: 'keepPruned on the new node only',
  [PRUNE_NO_FILL_SHRUNK | PRUNE_NO_FILL_NEW]: 'heuristic only, as hnswlib',
  [PRUNE_NEW_M0]: 'pgvector: M0 for the new node, keepPruned on both',
};
/** Pointer to the build's neighbour-distance cache (graph.ts allocBuildCache), 0 = none. */
export const G_CACHE = 16;
/** Nodes the cache covers (ids below it). */
export const G_CACHE_CAP = 17;
export const GRAPH_HEADER_BYTES = 80;

/** Bytes of one node's record in the build's neighbour-distance cache (G_CACHE). */
export function cacheRecordBytes(m0: number): number {
  return (4 + 5 * m0 + 3) & ~3;
}

/** Node header words, relative to the record's header. */
export const N_ROW = 0;
export const N_LEVEL = 1;
export const N_UPPER = 2;
export const N_FLAGS = 3;
export const N_COUNT = 4;
export const N_IDS = 5;
export const NODE_HEADER_WORDS = 5;
export const FLAG_DELETED = 1;
/**
 * The duplicate ring: nodes whose stored vectors are byte-identical (updates that keep the
 * embedding, re-inserted documents, boilerplate chunks) are linked in a circle through the
 * upper bits of their flags word, next + 1 shifted by RING_SHIFT (0 = not in a ring). All
 * copies are at one distance from every query and every node, so neighbour selection cannot
 * tell them apart: once the lists around them are full of copies (live or tombstoned), a new
 * copy gets no in-link at all and no search finds it. pgvector merges such copies into one
 * element with up to 10 heap TIDs (hnswinsert.c, AddDuplicateOnDisk); here each copy stays a
 * node with its own lists, and a layer-0 search that expands one copy also reaches the next
 * one in the ring, so every copy is reachable from any of them. INSERT joins a new node to
 * the ring of a byte-identical candidate it found; vacuum splices deleted nodes out.
 */
export const RING_SHIFT = 2;

/** The duplicate ring's next node in a flags word, -1 when none. */
export function ringNextOf(flags: number): number {
  return (flags >>> RING_SHIFT) - 1;
}

/** The flags word `flags` with the ring's next node set to `next` (-1: none). */
export function withRingNext(flags: number, next: number): number {
  return (flags & ((1 << RING_SHIFT) - 1)) | ((next + 1) << RING_SHIFT);
}

/**
 * Per-search scratch header (80 bytes at `s`), words:
 *   0 visited (u16 epoch per node)  1 vcap  2 epoch  3 cand heap  4 result heap
 *   5 discarded heap  6 discarded size  7 out  8 sink of the cache-warming loads  9 distance count
 *  10 sel (M0 + 1 entries; also the unvisited-neighbour batch)  11 entry points  12 tuples visited  13 f32 greedy distance
 *  14 filter: pointer to a bitset over node ids (bit n of u32 word n >>> 5), 0 = no filter
 *  15 filter bits: nodes the bitset covers (nodes past it do not pass)
 *  16 nm: M0 + 2 i32 words, the non-matching neighbours a filtered expansion looks through
 *  17 wide: M0 slots of dimP float32, binary16 nodes widened once for the node-to-node
 *     distances of INSERT (halfvec graphs; 0 otherwise)
 *  18 ring: the node whose duplicate ring the last INSERT joined (its flags word changed),
 *     -1 when it joined none
 * Heaps and lists hold 8-byte (f32 dist, i32 node) entries.
 */
export const S_VISITED = 0;
export const S_VCAP = 1;
export const S_EPOCH = 2;
export const S_CAND = 3;
export const S_RES = 4;
export const S_DISC = 5;
export const S_DISCSIZE = 6;
export const S_OUT = 7;
export const S_DCOUNT = 9;
export const S_SEL = 10;
export const S_ENTRY = 11;
export const S_TUPLES = 12;
export const S_GDIST = 13;
export const S_FILTER = 14;
export const S_FILTERN = 15;
export const S_NM = 16;
export const S_WIDE = 17;
export const S_RING = 18;
export const SCRATCH_HEADER_BYTES = 80;

/**
 * Metric codes in the header: the distance and how both of its vectors (a node's and the
 * query's) are stored. float32 for `vector`; binary16 for `halfvec` (pgvector's storage: half
 * the bytes, distances in float32 arithmetic as pgvector's halfvec functions); packed bits for
 * `bit` (Hamming and Jaccard are exact counts). A query (and a node being inserted) reaches the
 * kernel in the node format, except for the binary16 metrics: float32, widened once
 * (HnswState.queryFormat), so the search loop converts only the node's side of a distance.
 */
export const METRIC_L2SQ = 0;
export const METRIC_NEG_DOT = 1;
export const METRIC_L1 = 2;
export const METRIC_HALF_L2SQ = 3;
export const METRIC_HALF_NEG_DOT = 4;
export const METRIC_HALF_L1 = 5;
export const METRIC_HAMMING = 6;
export const METRIC_JACCARD = 7;
/**
 * sparsevec (pgvector 0.7+): a node's "vector" in its record is a 16-byte descriptor, u32 words
 * [pointer, nnz, 0, 0], the pointer an absolute byte address of the key in the graph's side
 * heap (sparse-heap.ts): nnz u32 indices, strictly increasing, then nnz f32 values. A query is
 * the same descriptor followed by its indices and values, the pointer set to its own + 16 when
 * it is copied into a scratch (HnswState.writeQuery). Distances merge the two index lists.
 */
export const METRIC_SPARSE_L2SQ = 8;
export const METRIC_SPARSE_NEG_DOT = 9;
export const METRIC_SPARSE_L1 = 10;
/** Bytes of a sparse key's descriptor (the node "vector" of a sparse metric). */
export const SPARSE_DESC_BYTES = 16;

export function isSparseMetric(metric: number): boolean {
  return metric >= METRIC_SPARSE_L2SQ;
}

/** How a metric's vectors are laid out: bytes per element of dimP, and dimP's multiple. */
export interface VectorFormat {
  /** 4 (float32), 2 (binary16) or 1 (a byte of 8 bits). */
  elemBytes: number;
  /** dimP is a multiple of this (16 bytes: one SIMD load). */
  padTo: number;
}

export function vectorFormat(metric: number): VectorFormat {
  if (isSparseMetric(metric)) return { elemBytes: 4, padTo: 4 };
  if (metric <= METRIC_L1) return { elemBytes: 4, padTo: 4 };
  if (metric <= METRIC_HALF_L1) return { elemBytes: 2, padTo: 8 };
  return { elemBytes: 1, padTo: 16 };
}

/**
 * dimP for `dim` dimensions (bits for a bit opclass, whose elements are bytes of 8 bits); for a
 * sparse metric the 4 words of the key's descriptor, whatever `dim`.
 */
export function paddedElements(metric: number, dim: number): number {
  if (isSparseMetric(metric)) return SPARSE_DESC_BYTES / 4;
  const f = vectorFormat(metric);
  return roundUp(f.elemBytes === 1 ? Math.ceil(dim / 8) : dim, f.padTo);
}

/** Largest ef a search or build may use (ef_search and ef_construction stop at 1000). */
export const EF_MAX = 1000;
/** Entries the out/entry lists hold: EF_MAX plus slack for the resumed scans. */
export const LIST_CAPACITY = 1024;

export function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
