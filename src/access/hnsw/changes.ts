/**
 * What changed in one HNSW graph since it was last saved (persist.ts), so that a checkpoint
 * writes a delta of the changed parts instead of the whole graph (engine/durability.ts).
 *
 * Units. An insert writes the new node's record and adds a reverse link to, or shrinks, the
 * layer-0 lists of the nodes the new node chose (up to m of them, spread over the whole graph);
 * a delete sets a flag in the node's header. Measured (test/engine/index_delta_checkpoint.test.ts):
 * 1,000 UPDATEs of a 50,000-row table (m = 16) change 1,000 whole records and the headers or
 * lists of 11,394 other nodes. Tracked in fixed chunks of records (64 KiB: 10 records of
 * 1,536-d float32, 5,000 chunks for 50,000 nodes), 11,394 scattered nodes fall in about 90% of
 * the chunks (1 - e^(-11394/5000)): the delta would be nearly the whole graph. So the unit is
 * one node, in two kinds: a node whose record is new or reused ({@link NODE_RECORD}: vector,
 * header and list are written), and a node whose header or layer-0 list changed
 * ({@link NODE_LINKS}: its vector did not, so the delta carries the record's tail from the
 * header on, 148 bytes at m = 16, against 6,292 for the whole record of a 1,536-d float32
 * node). The upper-layer pool (about 1/(m-1) of the records' bytes) is
 * tracked in chunks of {@link POOL_CHUNK_WORDS} words.
 *
 * The marks cost one byte per node and one per pool chunk, kept in the graph's own state (never
 * in module scope), so each graph of an index of several graphs has its own.
 */

/** Node mark: the header or the layer-0 list changed (the vector did not). */
export const NODE_LINKS = 1;
/** Node mark: the whole record was written (a new node, or a vacuumed node's record reused). */
export const NODE_RECORD = 2;
/** Words of the upper-layer pool per tracked chunk (1 KiB). */
export const POOL_CHUNK_WORDS = 256;

export class GraphChanges {
  /** Per node, 0 or NODE_LINKS or NODE_RECORD. */
  nodes: Uint8Array = new Uint8Array(64);
  /** Per pool chunk, 1 when changed. */
  pool: Uint8Array = new Uint8Array(16);
  /** Nodes marked NODE_RECORD / NODE_LINKS, pool chunks marked. */
  recordNodes = 0;
  linkNodes = 0;
  poolChunks = 0;
  /**
   * Set when the changes cannot be described node by node (a parallel link phase): the next
   * save must be whole.
   */
  whole = false;

  /** True when nothing changed since the last save. */
  get empty(): boolean {
    return !this.whole && this.recordNodes === 0 && this.linkNodes === 0 && this.poolChunks === 0;
  }

  /** Node `n`'s whole record was written. */
  markRecord(n: number): void {
    if (n >= this.nodes.length) this.nodes = grown(this.nodes, n + 1);
    const s = this.nodes[n]!;
    if (s === NODE_RECORD) return;
    if (s === NODE_LINKS) this.linkNodes--;
    this.nodes[n] = NODE_RECORD;
    this.recordNodes++;
  }

  /** Node `n`'s header or layer-0 list was written. */
  markLinks(n: number): void {
    if (n >= this.nodes.length) this.nodes = grown(this.nodes, n + 1);
    if (this.nodes[n] !== 0) return;
    this.nodes[n] = NODE_LINKS;
    this.linkNodes++;
  }

  /** Pool words `[word, word + words)` (offsets in words from the pool's start) were written. */
  markPool(word: number, words: number): void {
    if (words <= 0) return;
    const last = Math.floor((word + words - 1) / POOL_CHUNK_WORDS);
    if (last >= this.pool.length) this.pool = grown(this.pool, last + 1);
    for (let c = Math.floor(word / POOL_CHUNK_WORDS); c <= last; c++) {
      if (this.pool[c] === 0) {
        this.pool[c] = 1;
        this.poolChunks++;
      }
    }
  }

  /** The next save must be whole. */
  markWhole(): void {
    this.whole = true;
  }

  /** The graph was saved (or loaded): nothing has changed since. */
  clear(): void {
    this.nodes.fill(0);
    this.pool.fill(0);
    this.recordNodes = this.linkNodes = this.poolChunks = 0;
    this.whole = false;
  }
}

function grown(a: Uint8Array, need: number): Uint8Array {
  const b = new Uint8Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}
