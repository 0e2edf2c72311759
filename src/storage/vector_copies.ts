/**
 * The copies of stored `vector(n)` values that reads hand out (Table.get): a value read from a
 * buffer-cached segment must not be a view of it, since the segment may be evicted once the
 * read is done. A small copy is carved from a shared 8 KiB pool, as Node.js's
 * `Buffer.allocUnsafe` carves small buffers: a separate ArrayBuffer per row costs about 2-4 µs
 * to allocate (off-heap backing store, external-memory accounting), a slice of the pool a
 * fraction of that, and a scan that copies 100,000 rows' 100-d vectors spends 12 ms instead of
 * 250-400 ms. Like Node's pool, a copy keeps its whole pool alive while it is referenced, so
 * pooling is kept to copies under half the pool (vectors under 1,024 dimensions): a kept copy
 * holds at most 8 KiB, and large vectors, where memory matters, get an allocation of their own.
 *
 * One pool per vector column (never module scope): the copies are plain JavaScript memory,
 * independent of the table once handed out.
 */

/** Bytes of a pool (Node.js's Buffer.poolSize). */
const POOL_BYTES = 8192;

export class VectorCopies {
  private pool = new Float32Array(0);
  private used = 0;

  /**
   * A copy of `n` float32 elements of `src` from element `at`: a view of a pool for n under
   * half a pool, else an array of its own.
   */
  copy(src: Float32Array, at: number, n: number): Float32Array {
    if (n * 4 >= POOL_BYTES >>> 1) return src.slice(at, at + n);
    if (this.used + n > this.pool.length) {
      this.pool = new Float32Array(POOL_BYTES >>> 2);
      this.used = 0;
    }
    const out = this.pool.subarray(this.used, this.used + n);
    out.set(src.subarray(at, at + n));
    // Keep the next copy 8-byte aligned, as Node's pool does.
    this.used += (n + 1) & ~1;
    return out;
  }
}
