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
 * A delta (saveHnswDelta: what changed since the last save, changes.ts; a checkpoint writes
 * one instead of the whole graph when the changes are small) holds:
 *
 *   block  u32 delta version, then varuints: dim, m, record bytes, node count, entry + 1,
 *          max level + 1, upper-pool words in use; then three run lists, each a varuint run
 *          count and per run varuints (gap from the previous run's end, length): nodes whose
 *          whole record changed, nodes whose header and layer-0 list changed, pool chunks
 *          (changes.ts POOL_CHUNK_WORDS words) that changed
 *   raw    the whole records of the first list, in order (recBytes each)
 *   raw    the record tails of the second list, from the node header on (recBytes - hdrBytes)
 *   raw    the pool chunks of the third list (the last one cut at the words in use)
 *   raw    sparsevec graphs only: the keys of the first list's nodes, in order, nnz u32
 *          indices then nnz f32 values each (nnz from the record's descriptor, as in a base
 *          file); a node of the second list keeps its key (its vector area is not in the delta)
 *
 * A graph is its base file's bytes with its deltas' records, tails and chunks laid over them
 * in order; nodes and pool words past the previous sizes are always in the delta whole. A
 * sparsevec record's descriptor names where its key lies in the writer's memory: applying the
 * delta puts the key in the reader's side heap and rewrites the pointer (as a load does), and
 * the key the node had before is counted free in that heap.
 *
 * A partitioned index (partitions.ts) is a list around such graphs:
 *
 *   block  u32 version 2 (HNSW_PARTITIONS_VERSION), varuint partition count (2 or more)
 *   then   each partition's graph, in partition order, as above (each with its version 1 block)
 *
 * An index of one partition is written as one graph, as before partitions existed. Its delta
 * is the graph's delta above. The delta of an index that has or had several partitions
 * (savePartitionsDelta) is:
 *
 *   block  u32 version 2 (HNSW_PARTITIONS_DELTA_VERSION), varuints: partitions at the last
 *          save (P0, at least 1), partitions now (P >= P0); a run list (as above) of the
 *          partitions below P0 that changed
 *   then   each changed partition's graph delta, in partition order (its version 1 block on)
 *   then   partitions P0 .. P - 1 (started by inserts since the save) whole, as in a base file
 *
 * Partitions only ever come at the end (an INSERT into a full memory starts one; a build,
 * TRUNCATE or REINDEX makes a new index, saved whole), so P0 names the same partitions in the
 * writer and in the reader.
 *
 * The rowId -> node map and the deleted/unlinked counters are rebuilt from the node headers.
 * The level generator restarts from the seed mixed with the node count and the partition's
 * number (inserts after a load are reproducible, though not identical to a never-closed
 * index); after deltas it restarts the same way from the final counts, so a base read with
 * its deltas is the index a whole save of the same state reads back, generator included.
 */
import { assert } from '../../common/assert.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import { SPARSEVEC_MAX_NNZ } from '../../common/limits.js';
import { ByteWriter, type ByteReader } from '../../storage/codec.js';
import { readBlock, writeBlock, type ByteSink, type ByteSource } from '../../storage/stream.js';
import { NODE_LINKS, NODE_RECORD, POOL_CHUNK_WORDS } from './changes.js';
import type { LoadInput } from '../am.js';
import { HnswIndex } from './hnsw-index.js';
import { FLAG_DELETED, G_ENTRY, G_MAXLEVEL, G_METRIC, N_FLAGS, N_ROW } from './layout.js';
import type { HnswOptions } from './options.js';
import { HnswState } from './state.js';
import type { HnswGraph } from './graph.js';
import { Prng } from '../../common/prng.js';
import { FLAG_UNLINKED } from './vacuum.js';

export const HNSW_FILE_VERSION = 1;
/** Version of the delta layout ({@link saveHnswDelta}). */
export const HNSW_DELTA_VERSION = 1;
/** The leading block's version of a partitioned index (the module comment). */
export const HNSW_PARTITIONS_VERSION = 2;
/** The leading block's version of a delta of an index that has or had several partitions. */
export const HNSW_PARTITIONS_DELTA_VERSION = 2;
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
  if (version !== HNSW_PARTITIONS_VERSION) return withSeed(new HnswIndex(loadGraph(input, r, version, 0, false)), input.seed);
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
  return withSeed(new HnswIndex(parts[0]!, parts.slice(1)), input.seed);
}

function withSeed(ix: HnswIndex, seed: number): HnswIndex {
  ix.loadSeed = seed;
  return ix;
}

/**
 * The level generator's seed of partition `k` of `count` nodes read back with the index seed
 * `seed` (a load's, and again after deltas: the module comment).
 */
function partitionSeed(seed: number, count: number, k: number): number {
  return (seed ^ Math.imul(count, 0x9e3779b1) ^ Math.imul(k, 0x85ebca6b)) >>> 0;
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
  const st = new HnswState(dim, input.opclass, options, partitionSeed(input.seed, count, k), count, ownMemory);
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
    rebuildNodeMaps(st);
    g.changes.clear();
    return st;
  } catch (e) {
    st.pool.dispose();
    st.graph.dispose();
    throw e;
  }
}

/**
 * Rebuilds what is derived from the node headers: the rowId -> node map, the deleted and
 * unlinked counts, the records waiting for reuse.
 */
function rebuildNodeMaps(st: HnswState): void {
  const g = st.graph;
  const i = g.arena.i32();
  st.rowToNode.fill(0);
  st.rowIdsAreNodes = true;
  st.deletedCount = 0;
  st.unlinkedCount = 0;
  g.forgetFreeNodes();
  for (let n = 0; n < g.count; n++) {
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
}

/**
 * Bytes {@link saveHnswDelta} would write for the changes since the last save or load (at
 * most), or -1 when only a whole save can describe them (a parallel link phase).
 */
export function hnswDeltaBytes(st: HnswState): number {
  const g = st.graph;
  const c = g.changes;
  if (c.whole) return -1;
  let keys = 0;
  if (g.sparse !== null && c.recordNodes > 0) {
    // The keys of the records written whole travel with them.
    const u32 = g.arena.u32();
    for (let n = 0, end = Math.min(g.count, c.nodes.length); n < end; n++) if (c.nodes[n] === NODE_RECORD) keys += u32[(g.vecPtr(n) >>> 2) + 1]! * 8;
  }
  return 64 + 8 * (c.recordNodes + c.linkNodes + c.poolChunks) + c.recordNodes * g.recBytes + c.linkNodes * (g.recBytes - g.hdrBytes) + c.poolChunks * POOL_CHUNK_WORDS * 4 + keys;
}

/** Bytes {@link saveHnsw} writes for the graph of `st` (at most). */
export function hnswSaveBytes(st: HnswState): number {
  const g = st.graph;
  const keys = g.sparse === null ? 0 : g.sparse.usedBytes - g.sparse.freeBytes;
  return 64 + g.count * g.recBytes + g.upperUsed * 4 + keys;
}

/** Runs of indexes `i` with `marks[i] === value`, below `end`, as [start, length] pairs. */
function runsOf(marks: Uint8Array, value: number, end: number): number[] {
  const out: number[] = [];
  const stop = Math.min(end, marks.length);
  for (let i = 0; i < stop; i++) {
    if (marks[i] !== value) continue;
    const start = i;
    while (i + 1 < stop && marks[i + 1] === value) i++;
    out.push(start, i + 1 - start);
  }
  return out;
}

function writeRuns(w: ByteWriter, runs: number[]): void {
  w.varuint(runs.length / 2);
  let end = 0;
  for (let k = 0; k < runs.length; k += 2) {
    w.varuint(runs[k]! - end).varuint(runs[k + 1]!);
    end = runs[k]! + runs[k + 1]!;
  }
}

function readRuns(r: ByteReader, limit: number, what: string): number[] {
  const n = r.varuint();
  const out: number[] = [];
  let end = 0;
  for (let k = 0; k < n; k++) {
    const start = end + r.varuint();
    const len = r.varuint();
    if (len === 0 || start + len > limit) throw new PgError(SQLSTATE.data_corrupted, `invalid hnsw delta: ${what} run ${start}+${len} past ${limit}`);
    out.push(start, len);
    end = start + len;
  }
  return out;
}

/**
 * Streams the changes of `st`'s graph since its last save or load (changes.ts) to `sink`, to
 * be applied with {@link applyHnswDelta} over what that save wrote (format in the module
 * comment). The caller must have checked {@link hnswDeltaBytes} >= 0; it clears the marks
 * once the checkpoint holding the delta is in force (HnswIndex.markSaved).
 */
export function saveHnswDelta(st: HnswState, sink: ByteSink): void {
  const g = st.graph;
  const c = g.changes;
  assert(!c.whole, 'hnsw delta of a graph that must be saved whole');
  const count = g.count;
  const records = runsOf(c.nodes, NODE_RECORD, count);
  const links = runsOf(c.nodes, NODE_LINKS, count);
  const poolChunks = Math.ceil(g.upperUsed / POOL_CHUNK_WORDS);
  const pool = runsOf(c.pool, 1, poolChunks);
  const w = new ByteWriter(64 + 4 * (records.length + links.length + pool.length));
  w.u32(HNSW_DELTA_VERSION)
    .varuint(st.dim)
    .varuint(g.m)
    .varuint(g.recBytes)
    .varuint(count)
    .varuint(g.entry + 1)
    .varuint(g.maxLevel + 1)
    .varuint(g.upperUsed);
  writeRuns(w, records);
  writeRuns(w, links);
  writeRuns(w, pool);
  writeBlock(sink, w);
  const u8 = g.arena.u8();
  for (let k = 0; k < records.length; k += 2) {
    for (let n = records[k]!, end = n + records[k + 1]!; n < end; n++) sink.write(u8, g.vecPtr(n), g.recBytes);
  }
  const tail = g.recBytes - g.hdrBytes;
  for (let k = 0; k < links.length; k += 2) {
    for (let n = links[k]!, end = n + links[k + 1]!; n < end; n++) sink.write(u8, g.vecPtr(n) + g.hdrBytes, tail);
  }
  for (let k = 0; k < pool.length; k += 2) {
    const from = pool[k]! * POOL_CHUNK_WORDS;
    const to = Math.min(g.upperUsed, (pool[k]! + pool[k + 1]!) * POOL_CHUNK_WORDS);
    sink.write(u8, g.upperPtr + from * 4, (to - from) * 4);
  }
  if (g.sparse !== null) {
    for (let k = 0; k < records.length; k += 2) {
      for (let n = records[k]!, end = n + records[k + 1]!; n < end; n++) {
        const key = g.sparseKey(n);
        if (key.nnz > 0) sink.write(u8, key.ptr, key.nnz * 8);
      }
    }
  }
}

/**
 * Applies a delta written by {@link saveHnswDelta} to the graph of `st`, which must hold what
 * the save before it wrote (a loaded base and the deltas before this one): grows the records
 * and the pool to the delta's sizes, overwrites the changed records, record tails and pool
 * chunks, sets the entry point, then rebuilds the rowId map and counts from the headers; a
 * sparsevec graph's new keys go to its side heap (module comment).
 * @throws PgError XX001 when the delta does not fit the graph (dimensions, m, record bytes, a
 *   smaller graph, a run past the end, a new node or pool word the delta does not carry); the
 *   graph is then partly changed and must be disposed; 53200 when it does not fit in memory.
 */
export function applyHnswDelta(st: HnswState, source: ByteSource): void {
  const r = readBlock(source);
  const version = r.u32();
  if (version !== HNSW_DELTA_VERSION) throw new PgError(SQLSTATE.data_corrupted, `unsupported hnsw index delta version ${version}`);
  applyGraphDelta(st, r, source);
}

/** {@link applyHnswDelta} after the delta's version: its header block `r` is read up to it. */
function applyGraphDelta(st: HnswState, r: ByteReader, source: ByteSource): void {
  const g = st.graph;
  const dim = r.varuint();
  const m = r.varuint();
  const recBytes = r.varuint();
  const count = r.varuint();
  const entry = r.varuint() - 1;
  const maxLevel = r.varuint() - 1;
  const upperWords = r.varuint();
  if (dim !== st.dim) throw mismatch('dimensions', dim, st.dim);
  if (m !== g.m) throw mismatch('m', m, g.m);
  if (recBytes !== g.recBytes) throw mismatch('record bytes', recBytes, g.recBytes);
  const oldCount = g.count;
  const oldUpper = g.upperUsed;
  if (count < oldCount || upperWords < oldUpper) throw new PgError(SQLSTATE.data_corrupted, `invalid hnsw delta: ${count} nodes and ${upperWords} pool words after ${oldCount} and ${oldUpper}`);
  if (entry < -1 || entry >= Math.max(count, 1) || maxLevel < -1) throw new PgError(SQLSTATE.data_corrupted, 'invalid hnsw entry point');
  const records = readRuns(r, count, 'record');
  const links = readRuns(r, count, 'list');
  const poolChunks = Math.ceil(upperWords / POOL_CHUNK_WORDS);
  const pool = readRuns(r, poolChunks, 'pool');
  // Every node and pool word past the old sizes is new, so the delta must carry it whole.
  if (!covers(records, oldCount, count)) throw new PgError(SQLSTATE.data_corrupted, `invalid hnsw delta: nodes ${oldCount} to ${count} are not all in it`);
  if (upperWords > oldUpper && !covers(pool, Math.floor(oldUpper / POOL_CHUNK_WORDS), poolChunks)) throw new PgError(SQLSTATE.data_corrupted, `invalid hnsw delta: pool words ${oldUpper} to ${upperWords} are not all in it`);
  g.restoreSpace(count, upperWords);
  const sparse = g.sparse;
  for (let k = 0; k < records.length; k += 2) {
    for (let n = records[k]!, end = n + records[k + 1]!; n < end; n++) {
      // A rewritten sparse record's old key (a node vacuum removed and an insert reused, whose
      // key a load had placed) is free in this heap from now on.
      if (sparse !== null && n < oldCount) {
        const d = g.vecPtr(n) >>> 2;
        const nnz = g.arena.u32()[d + 1]!;
        if (nnz > 0) sparse.release(nnz);
      }
      source.readInto(g.arena.u8(), g.vecPtr(n), recBytes);
    }
  }
  const tail = recBytes - g.hdrBytes;
  for (let k = 0; k < links.length; k += 2) {
    for (let n = links[k]!, end = n + links[k + 1]!; n < end; n++) source.readInto(g.arena.u8(), g.vecPtr(n) + g.hdrBytes, tail);
  }
  for (let k = 0; k < pool.length; k += 2) {
    const from = pool[k]! * POOL_CHUNK_WORDS;
    const to = Math.min(upperWords, (pool[k]! + pool[k + 1]!) * POOL_CHUNK_WORDS);
    source.readInto(g.arena.u8(), g.upperPtr + from * 4, (to - from) * 4);
  }
  if (sparse !== null) {
    for (let k = 0; k < records.length; k += 2) {
      for (let n = records[k]!, end = n + records[k + 1]!; n < end; n++) readSparseKey(g, n, source);
    }
  }
  const i = g.arena.i32();
  i[(g.g >>> 2) + G_ENTRY] = entry;
  i[(g.g >>> 2) + G_MAXLEVEL] = maxLevel;
  rebuildNodeMaps(st);
  // Keys of nodes removed since the base were counted free: given back as vacuum gives them.
  g.compactKeys();
  g.changes.clear();
}

/**
 * Reads node `n`'s sparse key (nnz from the descriptor its record holds) from `source` into
 * the graph's side heap and points the descriptor at it.
 * @throws PgError XX001 for a descriptor of more non-zeros than a sparsevec holds; 53200.
 */
function readSparseKey(g: HnswGraph, n: number, source: ByteSource): void {
  const d = g.vecPtr(n) >>> 2;
  const nnz = g.arena.u32()[d + 1]!;
  if (nnz > SPARSEVEC_MAX_NNZ) throw new PgError(SQLSTATE.data_corrupted, `invalid hnsw sparse key of ${nnz} elements`);
  const ptr = g.sparse!.alloc(nnz * 8);
  if (nnz > 0) source.readInto(g.arena.u8(), ptr, nnz * 8);
  g.arena.u32()[d] = ptr;
}

/**
 * Bytes {@link savePartitionsDelta} would write (at most), or -1 when a whole save is needed:
 * a changed partition below `saved` cannot describe its changes, or `saved` is not a count of
 * the index's first partitions.
 * @param parts the index's partitions now
 * @param saved how many it had at its last save
 */
export function partitionsDeltaBytes(parts: readonly HnswState[], saved: number): number {
  if (saved < 1 || saved > parts.length) return -1;
  let n = 32 + 4 * saved;
  for (let k = 0; k < saved; k++) {
    if (parts[k]!.graph.changes.empty) continue;
    const b = hnswDeltaBytes(parts[k]!);
    if (b < 0) return -1;
    n += b;
  }
  for (let k = saved; k < parts.length; k++) n += hnswSaveBytes(parts[k]!);
  return n;
}

/**
 * Streams the delta of an index of partitions `parts` that had `saved` of them at its last
 * save: the deltas of the changed ones and the new ones whole (format in the module comment).
 * The caller must have checked {@link partitionsDeltaBytes} >= 0.
 */
export function savePartitionsDelta(parts: readonly HnswState[], saved: number, sink: ByteSink): void {
  assert(saved >= 1 && saved <= parts.length, 'hnsw partitions delta');
  const changed = new Uint8Array(saved);
  for (let k = 0; k < saved; k++) changed[k] = parts[k]!.graph.changes.empty ? 0 : 1;
  const runs = runsOf(changed, 1, saved);
  const w = new ByteWriter(32 + 4 * runs.length);
  w.u32(HNSW_PARTITIONS_DELTA_VERSION).varuint(saved).varuint(parts.length);
  writeRuns(w, runs);
  writeBlock(sink, w);
  for (let k = 0; k < saved; k++) if (changed[k] === 1) saveHnswDelta(parts[k]!, sink);
  for (let k = saved; k < parts.length; k++) saveHnsw(parts[k]!, sink);
}

/**
 * Applies a delta of the index `ix` (a loaded base and the deltas before this one): a graph
 * delta ({@link saveHnswDelta}) to an index of one partition, or a partitions delta
 * ({@link savePartitionsDelta}): the changed partitions' deltas, then the new partitions read
 * whole, each in a memory of its own and added to `ix.partitions` as soon as it is read (so
 * disposing `ix` frees it). Then every partition's level generator restarts as a load of the
 * same state would start it (module comment).
 * @throws PgError XX001 when the delta does not fit the index (its version, a graph delta of
 *   a partitioned index, partition counts, or a partition's delta as applyHnswDelta says); the
 *   index is then partly changed and must be disposed; 53200 when it does not fit in memory.
 */
export function applyIndexDelta(ix: HnswIndex, source: ByteSource): void {
  const r = readBlock(source);
  const version = r.u32();
  if (version === HNSW_DELTA_VERSION) {
    if (ix.partitions.length !== 1) throw new PgError(SQLSTATE.data_corrupted, `invalid hnsw delta: a graph delta of an index of ${ix.partitions.length} partitions`);
    applyGraphDelta(ix.state, r, source);
  } else if (version === HNSW_PARTITIONS_DELTA_VERSION) {
    const saved = r.varuint();
    const count = r.varuint();
    if (saved !== ix.partitions.length || count < saved || count > PARTITIONS_MAX) {
      throw new PgError(SQLSTATE.data_corrupted, `invalid hnsw delta: partitions ${saved} to ${count} over an index of ${ix.partitions.length}`);
    }
    const runs = readRuns(r, saved, 'partition');
    for (let k = 0; k < runs.length; k += 2) {
      for (let p = runs[k]!, end = p + runs[k + 1]!; p < end; p++) {
        const b = readBlock(source);
        const v = b.u32();
        if (v !== HNSW_DELTA_VERSION) throw new PgError(SQLSTATE.data_corrupted, `unsupported hnsw index delta version ${v}`);
        applyGraphDelta(ix.partitions[p]!, b, source);
      }
    }
    const first = ix.state;
    const input: LoadInput = { dim: first.dim, opclass: first.opclass, options: first.options, seed: ix.loadSeed, source };
    for (let k = saved; k < count; k++) {
      const b = readBlock(source);
      ix.partitions.push(loadGraph(input, b, b.u32(), k, true));
    }
    // Filter subgraphs hold rows of one partition only (HnswIndex.insert drops them the same way).
    if (count > saved) ix.subgraphs.dispose();
  } else throw new PgError(SQLSTATE.data_corrupted, `unsupported hnsw index delta version ${version}`);
  ix.partitions.forEach((st, k) => st.prng.restoreState(Uint32Array.from(new Prng(partitionSeed(ix.loadSeed, st.graph.count, k)).state())));
}

/** Whether the runs (ascending [start, length] pairs) cover every index in [from, to). */
function covers(runs: number[], from: number, to: number): boolean {
  let next = from;
  for (let k = 0; k < runs.length && next < to; k += 2) {
    const start = runs[k]!;
    const end = start + runs[k + 1]!;
    if (end <= next) continue;
    if (start > next) return false;
    next = end;
  }
  return next >= to;
}
