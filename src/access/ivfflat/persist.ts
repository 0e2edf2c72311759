/**
 * Saving an IVFFlat index to a checkpoint file and loading it back, so reopening a database
 * does not re-run k-means. Centers and lists are flat blocks, written verbatim (the file never
 * names a memory: a load puts each list wherever the index's memories have room, lists.ts):
 *
 *   block  u32 version, then varuints: dim, lists, metric code (0 l2, 1 ip, 2 cosine,
 *          3 hamming), then per list its entry count
 *   raw    centers, lists x vecBytes (dim x 4 bytes, or the padded bits: ivfVectorBytes)
 *   raw    per list: its vectors (count x vecBytes), then its row ids (count x 4 bytes,
 *          a deleted entry as -1 - rowId)
 *
 * The rowId -> list map and the deleted count are rebuilt from the row ids.
 *
 * A delta (saveIvfflatDelta: the lists changed since the last save, lists.ts; a checkpoint
 * writes one instead of the whole index when the changes are small) holds:
 *
 *   block  u32 delta version, then varuints: dim, lists, changed lists, and per changed list
 *          its number, its entry count and `from`, the entries before which no vector changed
 *   raw    per changed list: its vectors from `from` to its count, then all its row ids
 *
 * The centers never change after the build, so a delta never holds them.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { ByteWriter } from '../../storage/codec.js';
import { readBlock, writeBlock, type ByteSink, type ByteSource } from '../../storage/stream.js';
import type { LoadInput, Metric } from '../am.js';
import { IvfflatIndex, ivfVectorBytes } from './ivfflat-index.js';
import { IvfLists } from './lists.js';
import type { IvfflatOptions } from './options.js';

export const IVFFLAT_FILE_VERSION = 1;
/** Version of the delta layout ({@link saveIvfflatDelta}). */
export const IVFFLAT_DELTA_VERSION = 1;

const METRIC_CODES: readonly Metric[] = ['l2', 'ip', 'cosine', 'hamming'];

/** Streams `ix` to `sink` (format in the module comment). */
export function saveIvfflat(ix: IvfflatIndex, sink: ByteSink): void {
  const lists = ix.lists;
  const w = new ByteWriter(64 + lists.lists * 3);
  w.u32(IVFFLAT_FILE_VERSION).varuint(ix.dim).varuint(lists.lists).varuint(METRIC_CODES.indexOf(ix.metric));
  for (let l = 0; l < lists.lists; l++) w.varuint(lists.count[l]!);
  writeBlock(sink, w);
  const dimBytes = lists.vecBytes;
  sink.write(lists.arena.u8(), lists.centersPtr, lists.lists * dimBytes);
  for (let l = 0; l < lists.lists; l++) writeEntries(lists, sink, l, 0, lists.count[l]!);
}

/** Writes list `l`'s vectors `from` .. `count - 1`, then all its `count` row ids, chunk by chunk. */
function writeEntries(lists: IvfLists, sink: ByteSink, l: number, from: number, count: number): void {
  const vecBytes = lists.vecBytes;
  lists.forEachRun(l, from, count, (m, vecPtr, _w, _at, len) => sink.write(lists.arenas[m]!.u8(), vecPtr, len * vecBytes));
  lists.forEachRun(l, 0, count, (m, _p, rowWord, _at, len) => sink.write(lists.arenas[m]!.u8(), rowWord * 4, len * 4));
}

/** Reads what {@link writeEntries} wrote into list `l`, whose room for `count` entries is reserved. */
function readEntries(lists: IvfLists, source: ByteSource, l: number, from: number, count: number): void {
  const vecBytes = lists.vecBytes;
  lists.forEachRun(l, from, count, (m, vecPtr, _w, _at, len) => source.readInto(lists.arenas[m]!.u8(), vecPtr, len * vecBytes));
  lists.forEachRun(l, 0, count, (m, _p, rowWord, _at, len) => source.readInto(lists.arenas[m]!.u8(), rowWord * 4, len * 4));
}

function mismatch(what: string, got: number | string, want: number | string): PgError {
  return new PgError(SQLSTATE.data_corrupted, `ivfflat index file does not match its definition: ${what} ${got}, expected ${want}`);
}

/**
 * Reads an index written by {@link saveIvfflat} for a definition with `input`'s dimension,
 * opclass and options.
 * @throws PgError XX001 when the file's version, dimension, lists or metric disagree.
 */
export function loadIvfflat(input: LoadInput): IvfflatIndex {
  const r = readBlock(input.source);
  const version = r.u32();
  if (version !== IVFFLAT_FILE_VERSION) throw new PgError(SQLSTATE.data_corrupted, `unsupported ivfflat index file version ${version}`);
  const dim = r.varuint();
  const k = r.varuint();
  const metric = METRIC_CODES[r.varuint()] ?? 'unknown';
  const options = input.options as IvfflatOptions;
  if (dim !== input.dim) throw mismatch('dimensions', dim, input.dim);
  if (k !== options.lists) throw mismatch('lists', k, options.lists);
  if (metric !== input.opclass.metric) throw mismatch('metric', metric, input.opclass.metric);
  const counts = new Int32Array(k);
  for (let l = 0; l < k; l++) counts[l] = r.varuint();
  let entries = 0;
  for (let l = 0; l < k; l++) entries += counts[l]!;
  const vecBytes = ivfVectorBytes(input.opclass.kind === 'bit', dim);
  const lists = new IvfLists(k, vecBytes, (k + entries) * (vecBytes + 4));
  let ix: IvfflatIndex;
  try {
    // Before the lists: its scratch block goes in the first memory, which the lists may fill.
    ix = new IvfflatIndex(dim, input.opclass, options, lists);
  } catch (e) {
    lists.dispose();
    throw e;
  }
  try {
    const dimBytes = lists.vecBytes;
    input.source.readInto(lists.arena.u8(), lists.centersPtr, k * dimBytes);
    for (let l = 0; l < k; l++) {
      const n = counts[l]!;
      if (n === 0) continue;
      lists.reserveExact(l, n);
      readEntries(lists, input.source, l, 0, n);
      lists.count[l] = n;
      lists.total += n;
    }
    indexRowsOfLists(ix, lists, k);
    return ix;
  } catch (e) {
    ix.dispose();
    throw e;
  }
}

/** Bytes {@link saveIvfflatDelta} would write for the lists changed since the last save or load. */
export function ivfflatDeltaBytes(ix: IvfflatIndex): number {
  const lists = ix.lists;
  let bytes = 32;
  for (let l = 0; l < lists.lists; l++) {
    if (lists.changed[l] === 0) continue;
    const n = lists.count[l]!;
    bytes += 16 + (n - Math.min(n, lists.unchangedVectors[l]!)) * lists.vecBytes + n * 4;
  }
  return bytes;
}

/**
 * Streams the lists of `ix` changed since its last save or load (lists.ts) to `sink`, to be
 * applied with {@link applyIvfflatDelta} over what that save wrote (format in the module
 * comment). The caller clears the marks once the checkpoint holding it is in force.
 */
export function saveIvfflatDelta(ix: IvfflatIndex, sink: ByteSink): void {
  const lists = ix.lists;
  const changed: number[] = [];
  for (let l = 0; l < lists.lists; l++) if (lists.changed[l] !== 0) changed.push(l);
  const w = new ByteWriter(64 + changed.length * 12);
  w.u32(IVFFLAT_DELTA_VERSION).varuint(ix.dim).varuint(lists.lists).varuint(changed.length);
  for (const l of changed) w.varuint(l).varuint(lists.count[l]!).varuint(Math.min(lists.count[l]!, lists.unchangedVectors[l]!));
  writeBlock(sink, w);
  for (const l of changed) writeEntries(lists, sink, l, Math.min(lists.count[l]!, lists.unchangedVectors[l]!), lists.count[l]!);
}

/**
 * Applies a delta written by {@link saveIvfflatDelta} to `ix`, which must hold what the save
 * before it wrote (a loaded base and the deltas before this one), then rebuilds the rowId map
 * and the deleted count.
 * @throws PgError XX001 when the delta does not fit the index (the index must then be
 *   disposed); 53200 when a list cannot grow.
 */
export function applyIvfflatDelta(ix: IvfflatIndex, source: ByteSource): void {
  const lists = ix.lists;
  const r = readBlock(source);
  const version = r.u32();
  if (version !== IVFFLAT_DELTA_VERSION) throw new PgError(SQLSTATE.data_corrupted, `unsupported ivfflat index delta version ${version}`);
  const dim = r.varuint();
  const k = r.varuint();
  if (dim !== ix.dim) throw mismatch('dimensions', dim, ix.dim);
  if (k !== lists.lists) throw mismatch('lists', k, lists.lists);
  const n = r.varuint();
  const entries: number[] = [];
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const l = r.varuint();
    const count = r.varuint();
    const from = r.varuint();
    if (l <= prev || l >= k || from > count || from > lists.count[l]!) throw new PgError(SQLSTATE.data_corrupted, `invalid ivfflat delta entry for list ${l}`);
    prev = l;
    entries.push(l, count, from);
  }
  for (let i = 0; i < entries.length; i += 3) {
    const l = entries[i]!;
    const count = entries[i + 1]!;
    const from = entries[i + 2]!;
    lists.reserve(l, Math.max(0, count - lists.count[l]!));
    readEntries(lists, source, l, from, count);
    lists.total += count - lists.count[l]!;
    lists.count[l] = count;
  }
  ix.rowList.fill(0);
  ix.deletedCount = 0;
  indexRowsOfLists(ix, lists, k);
}

/**
 * Rebuilds `ix`'s row -> list map and deleted count from the row ids in its `k` lists (a
 * negative id is a deleted entry), after a load or a delta, and starts change tracking afresh.
 */
function indexRowsOfLists(ix: IvfflatIndex, lists: IvfLists, k: number): void {
  for (let l = 0; l < k; l++) {
    lists.forEachRun(l, 0, lists.count[l]!, (m, _p, w, _at, len) => {
      const i32 = lists.arenas[m]!.i32();
      for (let i = 0; i < len; i++) {
        const row = i32[w + i]!;
        if (row < 0) {
          ix.deletedCount++;
          continue;
        }
        ix.reserveRow(row);
        ix.rowList[row] = l + 1;
      }
    });
  }
  lists.markSaved();
}
