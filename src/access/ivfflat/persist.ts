/**
 * Saving an IVFFlat index to a checkpoint file and loading it back, so reopening a database
 * does not re-run k-means. Centers and lists are flat blocks of one memory, written verbatim:
 *
 *   block  u32 version, then varuints: dim, lists, metric code (0 l2, 1 ip, 2 cosine,
 *          3 hamming), then per list its entry count
 *   raw    centers, lists x vecBytes (dim x 4 bytes, or the padded bits: ivfVectorBytes)
 *   raw    per list: its vectors (count x vecBytes), then its row ids (count x 4 bytes,
 *          a deleted entry as -1 - rowId)
 *
 * The rowId -> list map and the deleted count are rebuilt from the row ids.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { ByteWriter } from '../../storage/codec.js';
import { readBlock, writeBlock, type ByteSink } from '../../storage/stream.js';
import type { LoadInput, Metric } from '../am.js';
import { IvfflatIndex, ivfVectorBytes } from './ivfflat-index.js';
import { IvfLists } from './lists.js';
import type { IvfflatOptions } from './options.js';

export const IVFFLAT_FILE_VERSION = 1;

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
  for (let l = 0; l < lists.lists; l++) {
    const n = lists.count[l]!;
    if (n === 0) continue;
    sink.write(lists.arena.u8(), lists.ptr[l]!, n * dimBytes);
    sink.write(lists.arena.u8(), lists.rowWord(l) * 4, n * 4);
  }
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
  let ix: IvfflatIndex | null = null;
  try {
    const dimBytes = lists.vecBytes;
    input.source.readInto(lists.arena.u8(), lists.centersPtr, k * dimBytes);
    for (let l = 0; l < k; l++) {
      const n = counts[l]!;
      if (n === 0) continue;
      lists.reserve(l, n);
      input.source.readInto(lists.arena.u8(), lists.ptr[l]!, n * dimBytes);
      input.source.readInto(lists.arena.u8(), lists.rowWord(l) * 4, n * 4);
      lists.count[l] = n;
      lists.total += n;
    }
    ix = new IvfflatIndex(dim, input.opclass, options, lists);
    const i32 = lists.arena.i32();
    for (let l = 0; l < k; l++) {
      const w = lists.rowWord(l);
      for (let i = 0; i < counts[l]!; i++) {
        const row = i32[w + i]!;
        if (row < 0) {
          ix.deletedCount++;
          continue;
        }
        ix.reserveRow(row);
        ix.rowList[row] = l + 1;
      }
    }
    return ix;
  } catch (e) {
    if (ix !== null) ix.dispose();
    else lists.dispose();
    throw e;
  }
}
