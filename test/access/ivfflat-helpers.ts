// Shared helpers for the IVFFlat tests that compare an index spread over memories or chunks
// with a one-memory build: settings, scans, and the lists' contents and layout.
import type { GucReader, GucValue } from '../../src/common/guc.js';
import type { VectorIndex } from '../../src/access/am.js';
import type { IvfflatIndex } from '../../src/access/ivfflat/index.js';
import { scanAll } from './hnsw-helpers.js';

/** The ivfflat.* settings a scan reads: probes 1, no iterative scan, unless `values` says. */
export function ivfflatGucs(values: Record<string, GucValue> = {}): GucReader {
  const all: Record<string, GucValue> = { 'ivfflat.probes': 1, 'ivfflat.iterative_scan': 'off', 'ivfflat.max_probes': 32768, ...values };
  return { get: (name: string) => all[name]! };
}

/** One scan's first `limit` (row id, distance) pairs, rows `filter` admits (all by default). */
export function scanPairs(ix: VectorIndex, q: Float32Array, g: GucReader, limit: number, filter?: (r: number) => boolean): Array<[number, number]> {
  const { ids, dists } = scanAll(ix, q, g, limit, filter);
  return ids.map((id, i) => [id, dists[i]!]);
}

/** The centers, then each list's count, vectors and row ids, wherever its chunks lie. */
export function listContents(ix: IvfflatIndex): Buffer {
  const l = ix.lists;
  const parts: Buffer[] = [Buffer.from(l.arena.u8().subarray(l.centersPtr, l.centersPtr + l.lists * l.vecBytes))];
  for (let k = 0; k < l.lists; k++) {
    const e = l.entriesOf(k);
    parts.push(Buffer.from(Int32Array.of(l.count[k]!).buffer), Buffer.from(e.vectors), Buffer.from(e.rowIds.buffer));
  }
  return Buffer.concat(parts);
}

/** The lists' layout: counts, capacities, and per chunk its block, memory and capacity. */
export function listShape(ix: IvfflatIndex): number[] {
  const l = ix.lists;
  const out = [l.total, ix.deletedCount, l.arenas.length, ...l.count, ...l.cap];
  for (let k = 0; k < l.lists; k++) for (let c = l.firstChunk(k); c >= 0; c = l.nextChunk(c)) out.push(k, l.chunkBlock(c), l.chunkMemory(c), l.chunkCapacity(c));
  return out;
}
