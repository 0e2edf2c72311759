/**
 * The arena allocator (kernels/arena.ts): blocks never overlap, come back zero-filled, freed
 * space is reused across sizes (coalesced, and the top drops when its neighbourhood is free),
 * and a request beyond the limit is 53200 with the arena unchanged. Seeded random workloads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/kernels/arena.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';

const MB = 2 ** 20;
const BUDGET = Number(process.env['VECGRES_ARENA_STEPS'] ?? 4000);

function randomSize(prng: Prng): number {
  // Sizes over five orders of magnitude, as scratch headers, rows, segments and graph chunks.
  const e = prng.int(17) + 6;
  return 1 + prng.int(2 ** e);
}

test(`random alloc/free: no overlap, zero-filled, everything returns (seed ${SEED})`, () => {
  const a = new Arena();
  const prng = new Prng(SEED);
  const live: Array<[number, number]> = [];
  for (let step = 0; step < BUDGET; step++) {
    if (live.length > 0 && (prng.next() < 0.45 || live.length > 60)) {
      const [p, n] = live.splice(prng.int(live.length), 1)[0]!;
      a.free(p, n);
      continue;
    }
    const n = randomSize(prng);
    const p = a.alloc(n);
    assert.equal(p % 64, 0, `alignment (seed ${SEED})`);
    const u8 = a.u8();
    // Zero-filled (check a sample), then dirty it so reuse must clear it again.
    for (const o of [0, n >>> 1, n - 1]) assert.equal(u8[p + o], 0, `block at ${p} not zeroed (seed ${SEED}, step ${step})`);
    u8.fill(0xab, p, p + n);
    live.push([p, n]);
  }
  const sorted = [...live].sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < sorted.length; i++) {
    assert.ok(sorted[i - 1]![0] + sorted[i - 1]![1] <= sorted[i]![0], `overlap (seed ${SEED})`);
  }
  for (const [p, n] of live) a.free(p, n);
  assert.equal(a.allocatedBytes, 0);
  assert.equal(a.freeBytes, 0, 'every free block coalesced into the top');
  assert.equal(a.topBytes, 65536);
});

test(`relations of varying sizes come and go: the top stays bounded (seed ${SEED})`, () => {
  // Three "relations" live at a time; each is a set of blocks of its own sizes. Exact-size
  // reuse would leak a little with every new relation; coalescing must keep the top within a
  // small factor of the peak live bytes however many relations pass.
  const a = new Arena();
  const prng = new Prng(SEED + 7);
  const rels: Array<Array<[number, number]>> = [];
  let peakLive = 0;
  let peakTop = 0;
  for (let cycle = 0; cycle < 300; cycle++) {
    if (rels.length === 3) for (const [p, n] of rels.shift()!) a.free(p, n);
    const blocks: Array<[number, number]> = [];
    const rowBytes = 64 * (1 + prng.int(200));
    for (let i = 0, k = 1 + prng.int(12); i < k; i++) {
      const n = i === 0 ? rowBytes * (1 + prng.int(64)) : randomSize(prng);
      blocks.push([a.alloc(n), n]);
    }
    rels.push(blocks);
    peakLive = Math.max(peakLive, a.allocatedBytes);
    peakTop = Math.max(peakTop, a.topBytes);
  }
  assert.ok(peakTop <= 65536 + 2 * peakLive, `top ${peakTop} vs peak live ${peakLive} (seed ${SEED})`);
});

test('a request beyond the limit is 53200 and changes nothing; freed space is usable again', () => {
  const a = new Arena();
  a.budget.limitBytes = 8 * MB;
  const p1 = a.alloc(3 * MB, 'vector segment');
  const p2 = a.alloc(3 * MB, 'HNSW graph');
  const top = a.topBytes;
  const used = a.allocatedBytes;
  assert.throws(() => a.alloc(3 * MB, 'HNSW graph'), {
    code: '53200',
    message: 'out of memory',
    detail: `Failed on request of size ${3 * MB} in memory context "HNSW graph".`,
  });
  assert.throws(() => a.alloc(2 ** 33), { code: '53200' });
  assert.equal(a.topBytes, top);
  assert.equal(a.allocatedBytes, used);
  a.free(p1, 3 * MB);
  // The freed 3 MB at the bottom serves two smaller requests of other sizes.
  const q1 = a.alloc(MB);
  const q2 = a.alloc(2 * MB - 64);
  assert.ok(q1 < p2 && q2 < p2);
  assert.equal(a.topBytes, top);
  a.free(p2, 3 * MB);
  a.free(q1, MB);
  a.free(q2, 2 * MB - 64);
  assert.equal(a.topBytes, 65536);
  // Raising the limit lets the same request through.
  a.budget.limitBytes = 16 * MB;
  a.alloc(9 * MB);
});

test('freeing out of order coalesces neighbours on both sides', () => {
  const a = new Arena();
  const b = [a.alloc(1000), a.alloc(5000), a.alloc(300), a.alloc(70000), a.alloc(64)];
  const sizes = [1000, 5000, 300, 70000, 64];
  a.free(b[1]!, sizes[1]!);
  a.free(b[3]!, sizes[3]!);
  a.free(b[2]!, sizes[2]!);
  // One block from b[1] to the end of b[3] now serves a request larger than any of them.
  const big = a.alloc(5000 + 300 + 70000 - 200);
  assert.equal(big, b[1]);
  a.free(b[4]!, 64);
  assert.throws(() => a.free(b[4]!, 64), /free/);
});
