// RowBitmap, the allow list of filtered vector search: set / has / count against a Set of
// row ids, AND / OR as BitmapAnd / BitmapOr, visibility restriction, and the arena block freed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { RowBitmap, popcount32 } from '../../src/sql/exec/row_bitmap.js';

const SEED = Number(process.env['VECGRES_SEED'] ?? 77);

test(`set, has, count, forEach, and, or agree with sets of row ids (seed ${SEED})`, () => {
  const prng = new Prng(SEED);
  for (const rows of [1, 31, 32, 33, 1000, 4097]) {
    const a = new RowBitmap(rows);
    const b = new RowBitmap(rows);
    const sa = new Set<number>();
    const sb = new Set<number>();
    for (let i = 0; i < rows; i++) {
      if (prng.next() < 0.3) (a.set(i), sa.add(i));
      if (prng.next() < 0.5) (b.set(i), sb.add(i));
    }
    assert.equal(a.count(), sa.size);
    for (let i = 0; i < rows; i++) assert.equal(a.has(i), sa.has(i));
    assert.equal(a.has(-1), false);
    assert.equal(a.has(rows), false);
    const seen: number[] = [];
    a.forEach((r) => seen.push(r));
    assert.deepEqual(seen, [...sa].sort((x, y) => x - y));
    const c = new RowBitmap(rows);
    c.or(a);
    c.and(b);
    assert.equal(c.count(), [...sa].filter((x) => sb.has(x)).length);
    c.or(b);
    assert.equal(c.count(), new Set([...[...sa].filter((x) => sb.has(x)), ...sb]).size);
    for (const x of [a, b, c]) x.free();
  }
});

test('popcount32 counts bits of every sign', () => {
  for (const [x, n] of [[0, 0], [1, 1], [-1, 32], [0x80000000 | 0, 1], [0x0f0f0f0f, 16], [0x7fffffff, 31]] as const) assert.equal(popcount32(x), n);
});
