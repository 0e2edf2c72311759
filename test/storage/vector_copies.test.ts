/**
 * The copies Table.get hands out of stored vector(n) values (storage/vector_copies.ts): equal
 * to the source when made and unchanged by later writes to it, never overlapping one another,
 * small ones carved from a shared 8 KiB pool, large ones (half a pool or more) arrays of their own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VectorCopies } from '../../src/storage/vector_copies.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';

test('copies equal their source, survive writes to it, and never share elements', () => {
  const rng = new Prng(SEED);
  const src = new Float32Array(64 * 1024);
  for (let i = 0; i < src.length; i++) src[i] = rng.next() * 2 - 1;
  const copies = new VectorCopies();
  const made: { at: number; n: number; v: Float32Array; want: Float32Array }[] = [];
  for (let k = 0; k < 2000; k++) {
    // Dimensions from 1 to past half a pool (1,024 floats), odd and even.
    const n = 1 + rng.int(k % 10 === 0 ? 1500 : 300);
    const at = rng.int(src.length - n);
    const v = copies.copy(src, at, n);
    made.push({ at, n, v, want: src.slice(at, at + n) });
    // The source is overwritten after each copy, as an evicted segment's memory is reused.
    src.fill(k, at, at + n);
  }
  for (const m of made) {
    assert.equal(m.v.length, m.n);
    assert.deepEqual(m.v, m.want);
    if (m.n * 4 >= 4096) assert.equal(m.v.buffer.byteLength, m.n * 4, 'a large copy is an array of its own');
    else {
      assert.equal(m.v.buffer.byteLength, 8192, 'a small copy is a slice of a pool');
      assert.equal(m.v.byteOffset % 8, 0, 'copies start 8-byte aligned');
    }
  }
  // Writing every copy does not disturb another.
  for (const [i, m] of made.entries()) m.v.fill(i + 0.5);
  for (const [i, m] of made.entries()) assert.ok(m.v.every((x) => x === i + 0.5), `copy ${i} was overwritten by another`);
});
