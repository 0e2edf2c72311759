// Row lists per filter key and the blocks attached to them (access/shared/keyed_rows.ts): a
// block lives and dies with its list, is freed exactly once (stale list, replaced list, evicted
// list, cleared lists, or evicted alone to make room for another block), and blocks stay
// within their budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedRowLists } from '../../src/access/shared/keyed_rows.js';
import type { KeyedRowBlock } from '../../src/access/am.js';

/** A block that counts its frees. */
function block(rows: number, freed: Map<string, number>, name: string): KeyedRowBlock {
  return { rows, free: () => freed.set(name, (freed.get(name) ?? 0) + 1) };
}

const ids = (n: number, from = 0): Int32Array => Int32Array.from({ length: n }, (_, i) => from + i);

test('a block is handed out only with its list at the list stamp, and freed once when the list goes stale', () => {
  const freed = new Map<string, number>();
  const lists = new KeyedRowLists(() => 1000, () => 100);
  assert.equal(lists.attachBlock('a', 1, block(10, freed, 'x')), false, 'no list yet: not taken');
  lists.put('a', 1, ids(10));
  assert.equal(lists.block('a', 1), null);
  const b = block(10, freed, 'a1');
  assert.equal(lists.attachBlock('a', 2, b), false, 'another stamp: not taken');
  assert.equal(lists.attachBlock('a', 1, b), true);
  assert.equal(lists.block('a', 1), b);
  assert.equal(lists.block('a', 2), null);
  assert.equal(lists.blockSize, 10);
  // A stale get drops the list and frees its block.
  assert.equal(lists.get('a', 2), null);
  assert.equal(freed.get('a1'), 1);
  assert.equal(lists.blockSize, 0);
  assert.equal(lists.size, 0);
  assert.equal(lists.block('a', 1), null);
  assert.equal(freed.get('x'), undefined, 'a block not taken is the caller\'s');
});

test('replacing, evicting and clearing lists free their blocks; blocks alone are evicted least recently used first', () => {
  const freed = new Map<string, number>();
  const lists = new KeyedRowLists(() => 100, () => 50);
  lists.put('a', 1, ids(30));
  assert.equal(lists.attachBlock('a', 1, block(30, freed, 'a')), true);
  // Replaced list: its block goes.
  lists.put('a', 1, ids(30, 100));
  assert.equal(freed.get('a'), 1);
  assert.equal(lists.blockSize, 0);
  assert.equal(lists.attachBlock('a', 1, block(30, freed, 'a2')), true);
  lists.put('b', 1, ids(30));
  lists.put('c', 1, ids(30));
  // 'a' was used least recently; a block for 'c' (30 + 30 > 50) frees a's block, keeps a's list.
  assert.equal(lists.attachBlock('c', 1, block(30, freed, 'c')), true);
  assert.equal(freed.get('a2'), 1);
  assert.equal(lists.blockSize, 30);
  assert.ok(lists.get('a', 1) !== null, 'the list stays');
  // A block larger than the whole budget is not taken.
  assert.equal(lists.attachBlock('b', 1, block(51, freed, 'big')), false);
  assert.equal(freed.get('big'), undefined);
  // A list evicted to fit another frees its block: touching 'b' leaves 'c' the oldest.
  assert.ok(lists.get('b', 1) !== null);
  lists.put('d', 1, ids(40));
  assert.equal(freed.get('c'), 1, 'c evicted with its block');
  assert.equal(lists.blockSize, 0);
  assert.equal(lists.attachBlock('d', 1, block(40, freed, 'd')), true);
  lists.clear();
  assert.equal(freed.get('d'), 1);
  assert.equal(lists.blockSize, 0);
  assert.equal(lists.size, 0);
  for (const [name, n] of freed) assert.equal(n, 1, `${name} freed once`);
});
