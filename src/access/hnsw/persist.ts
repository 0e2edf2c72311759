/**
 * Saving an HNSW graph to a checkpoint file and loading it back, so reopening a database does
 * not rebuild its indexes. The graph lives in one memory as relative offsets (node numbers,
 * pool word offsets: layout.ts), so its bytes are written and read verbatim:
 *
 *   block  u32 version, then varuints: dim, m, ef_construction, metric code, node count,
 *          entry + 1, max level + 1, upper-pool words in use, record bytes
 *   raw    level-0 records, count x recBytes bytes (vectors, node headers, layer-0 lists)
 *   raw    upper-layer pool, words x 4 bytes
 *   raw    sparsevec graphs only: each node's key in node order, nnz u32 indices then nnz f32
 *          values (nnz from the record's descriptor; the descriptor's pointer is rewritten at
 *          load to where the key lands in the new side heap)
 *
 * A partitioned index (partitions.ts) is a list around such graphs:
 *
 *   block  u32 version 2 (HNSW_PARTITIONS_VERSION), varuint partition count (2 or more)
 *   then   each partition's graph, in partition order, as above (each with its version 1 block)
 *
 * An index of one partition is written as one graph, as before partitions existed.
 *
 * The rowId -> node map and the deleted/unlinked counters are rebuilt from the node headers.
 * The level generator restarts from the seed mixed with the node count (inserts after a load
 * are reproducible, though not identical to a never-closed index).
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { SPARSEVEC_MAX_NNZ } from '../../common/limits.js';
import { ByteWriter, type ByteReader } from '../../storage/codec.js';
import { readBlock, writeBlock, type ByteSink } from '../../storage/stream.js';
import type { LoadInput } from '../am.js';
import { HnswIndex } from './hnsw-index.js';
import { FLAG_DELETED, G_ENTRY, G_MAXLEVEL, G_METRIC, N_FLAGS, N_ROW } from './layout.js';
import type { HnswOptions } from './options.js';
import { HnswState } from './state.js';
import { FLAG_UNLINKED } from './vacuum.js';

export const HNSW_FILE_VERSION = 1;
/** The leading block's version of a partitioned index (the module comment). */
export const HNSW_PARTITIONS_VERSION = 2;
/** Partitions a file may list: more would be more memories than addresses name (kernels/memories.ts). */
const PARTITIONS_MAX = 2 ** 21;

/** Streams the partitions of a partitioned index to `sink` (format in the module comment). */
export function savePartitions(parts: readonly HnswState[], sink: ByteSink): void {
  const w = new ByteWriter(16);
  w.u32(HNSW_PARTITIONS_VERSION).varuint(parts.length);
  writeBlock(sink, w);
  for (const st of parts) saveHnsw(st, sink);
}

/** Streams the graph of `st` to `sink` (format in the module comment). */
export function saveHnsw(st: HnswState, sink: ByteSink): void {
  const g = st.graph;
  const i = g.arena.i32();
  const w = new ByteWriter(64);
  w.u32(HNSW_FILE_VERSION)
    .varuint(st.dim)
    .varuint(g.m)
    .varuint(st.options.efConstruction)
    .varuint(i[(g.g >>> 2) + G_METRIC]!)
    .varuint(g.count)
    .varuint(g.entry + 1)
    .varuint(g.maxLevel + 1)
    .varuint(g.upperUsed)
    .varuint(g.recBytes);
  writeBlock(sink, w);
  g.forEachRecordRun((ptr, nodes) => sink.write(g.arena.u8(), ptr, nodes * g.recBytes));
  if (g.upperUsed > 0) sink.write(g.arena.u8(), g.upperPtr, g.upperUsed * 4);
  if (g.sparse !== null) {
    for (let n = 0; n < g.count; n++) {
      const k = g.sparseKey(n);
      if (k.nnz > 0) sink.write(g.arena.u8(), k.ptr, k.nnz * 8);
    }
  }
}

function mismatch(what: string, got: number, want: number): PgError {
  return new PgError(SQLSTATE.data_corrupted, `hnsw index file does not match its definition: ${what} ${got}, expected ${want}`);
}

/**
 * Reads an index written by {@link HnswIndex.save} (one graph from {@link saveHnsw}, or the
 * partitions from {@link savePartitions}, each in a memory of its own) for an index defined
 * with `input`'s dimension, opclass and options.
 * @throws PgError XX001 when the file's version, dimension, m, metric or sizes disagree;
 *   53200 when the memories cannot hold it. Nothing stays allocated then.
 */
export function loadHnsw(input: LoadInput): HnswIndex {
  const r = readBlock(input.source);
  const version = r.u32();
  if (version !== HNSW_PARTITIONS_VERSION) return new HnswIndex(loadGraph(input, r, version, 0, false));
  const count = r.varuint();
  if (count < 2 || count > PARTITIONS_MAX) throw new PgError(SQLSTATE.data_corrupted, `invalid hnsw partition count ${count}`);
  const parts: HnswState[] = [];
  try {
    for (let k = 0; k < count; k++) {
      const b = readBlock(input.source);
      parts.push(loadGraph(input, b, b.u32(), k, true));
    }
  } catch (e) {
    for (const st of parts) st.dispose();
    throw e;
  }
  return new HnswIndex(parts[0]!, parts.slice(1));
}

/**
 * Reads one graph written by {@link saveHnsw} whose header block `r` is read up to its version
 * (`version`): partition `k` of its index, in a memory of its own when `ownMemory`.
 */
function loadGraph(input: LoadInput, r: ByteReader, version: number, k: number, ownMemory: boolean): HnswState {
  if (version !== HNSW_FILE_VERSION) throw new PgError(SQLSTATE.data_corrupted, `unsupported hnsw index file version ${version}`);
  const dim = r.varuint();
  const m = r.varuint();
  const efc = r.varuint();
  const metric = r.varuint();
  const count = r.varuint();
  const entry = r.varuint() - 1;
  const maxLevel = r.varuint() - 1;
  const upperWords = r.varuint();
  const recBytes = r.varuint();
  const options = input.options as HnswOptions;
  if (dim !== input.dim) throw mismatch('dimensions', dim, input.dim);
  if (m !== options.m) throw mismatch('m', m, options.m);
  if (efc !== options.efConstruction) throw mismatch('ef_construction', efc, options.efConstruction);
  const seed = (input.seed ^ Math.imul(count, 0x9e3779b1) ^ Math.imul(k, 0x85ebca6b)) >>> 0;
  const st = new HnswState(dim, input.opclass, options, seed, count, ownMemory);
  try {
    const g = st.graph;
    const h = g.arena.i32();
    if (metric !== h[(g.g >>> 2) + G_METRIC]) throw mismatch('metric', metric, h[(g.g >>> 2) + G_METRIC]!);
    if (recBytes !== g.recBytes) throw mismatch('record bytes', recBytes, g.recBytes);
    if (entry < -1 || entry >= Math.max(count, 1) || maxLevel < -1) throw new PgError(SQLSTATE.data_corrupted, 'invalid hnsw entry point');
    g.restoreSpace(count, upperWords);
    g.forEachRecordRun((ptr, nodes) => input.source.readInto(g.arena.u8(), ptr, nodes * recBytes));
    if (upperWords > 0) input.source.readInto(g.arena.u8(), g.upperPtr, upperWords * 4);
    if (g.sparse !== null) {
      for (let n = 0; n < count; n++) {
        const d = g.vecPtr(n) >>> 2;
        const nnz = g.arena.u32()[d + 1]!;
        if (nnz > SPARSEVEC_MAX_NNZ) throw new PgError(SQLSTATE.data_corrupted, `invalid hnsw sparse key of ${nnz} elements`);
        const ptr = g.sparse.alloc(nnz * 8);
        if (nnz > 0) input.source.readInto(g.arena.u8(), ptr, nnz * 8);
        g.arena.u32()[d] = ptr;
      }
    }
    const i = g.arena.i32();
    i[(g.g >>> 2) + G_ENTRY] = entry;
    i[(g.g >>> 2) + G_MAXLEVEL] = maxLevel;
    for (let n = 0; n < count; n++) {
      const hw = g.hdrWord(n);
      const flags = i[hw + N_FLAGS]!;
      if ((flags & FLAG_UNLINKED) !== 0) {
        st.unlinkedCount++;
        g.releaseNode(n);
        continue;
      }
      if ((flags & FLAG_DELETED) !== 0) st.deletedCount++;
      st.setNode(i[hw + N_ROW]!, n);
    }
    return st;
  } catch (e) {
    st.pool.dispose();
    st.graph.dispose();
    throw e;
  }
}
