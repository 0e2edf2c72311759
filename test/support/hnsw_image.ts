/**
 * The state of an HNSW index as a checkpoint saves it (access/hnsw/persist.ts), to compare an
 * index read back from checkpoint files with the live one or with another read-back.
 */
import assert from 'node:assert/strict';
import type { HnswIndex } from '../../src/access/hnsw/hnsw-index.js';

/**
 * The saved state of every partition: record bytes of every node (a sparse record's key
 * pointer left out: it names the key's place in this memory), pool words in use, the sparse
 * keys in node order, header scalars and derived maps; with `prng`, each level generator's state.
 */
export function image(ix: HnswIndex, prng = false): HnswImage {
  const chunks: Uint8Array[] = [];
  const parts: number[] = [ix.partitions.length];
  const rows: number[] = [];
  for (const st of ix.partitions) {
    const g = st.graph;
    const u8 = g.arena.u8();
    const out = new Uint8Array(g.count * g.recBytes + g.upperUsed * 4);
    for (let n = 0; n < g.count; n++) {
      out.set(u8.subarray(g.vecPtr(n), g.vecPtr(n) + g.recBytes), n * g.recBytes);
      if (g.sparse !== null) out.fill(0, n * g.recBytes, n * g.recBytes + 4);
    }
    out.set(u8.subarray(g.upperPtr, g.upperPtr + g.upperUsed * 4), g.count * g.recBytes);
    chunks.push(out);
    if (g.sparse !== null) {
      for (let n = 0; n < g.count; n++) {
        const k = g.sparseKey(n);
        chunks.push(u8.slice(k.ptr, k.ptr + k.nnz * 8));
      }
    }
    parts.push(g.count, g.entry, g.maxLevel, g.upperUsed, st.deletedCount, st.unlinkedCount, g.reusableNodes);
    if (prng) parts.push(...st.prng.state());
    for (let r = 0; r < st.rowToNode.length; r++) if (st.rowToNode[r] !== 0) rows.push(r, st.rowToNode[r]!);
    rows.push(-1);
  }
  const bytes = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return { bytes, scalars: parts, rows };
}

/** What {@link image} returns. */
export interface HnswImage {
  bytes: Uint8Array;
  scalars: number[];
  rows: number[];
}

/**
 * Asserts that `b` holds what `a` holds ({@link image}; indexes or images taken before);
 * `prng` compares the level generators too (indexes only: an image says whether it has them).
 */
export function sameImage(a: HnswIndex | HnswImage, b: HnswIndex | HnswImage, where: string, prng = false): void {
  const x = 'bytes' in a ? a : image(a, prng);
  const y = 'bytes' in b ? b : image(b, prng);
  assert.deepEqual(y.scalars, x.scalars, `${where}: partitions, and each one's count, entry, max level, pool words, deleted, unlinked, reusable`);
  assert.equal(y.bytes.length, x.bytes.length, `${where}: image bytes`);
  const at = x.bytes.findIndex((v, i) => v !== y.bytes[i]);
  assert.equal(at, -1, `${where}: images differ at byte ${at}`);
  assert.deepEqual(y.rows, x.rows, `${where}: rowId map`);
}
