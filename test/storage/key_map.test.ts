/**
 * The primary-key map (storage/key_map.ts) against a JavaScript Map: seeded random sequences of
 * set / delete / clear over integer keys (small, negative, past 2^32, -0), floats, NaN, text and
 * bigints, checking every lookup, the size, the entries and the changed-key set after each step.
 * VECGRES_SEED replays a failure; VECGRES_KEYMAP_RUNS asks for more sequences.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KeyMap } from '../../src/storage/key_map.js';
import { SEED } from '../support/seed.js';

const RUNS = Number(process.env.VECGRES_KEYMAP_RUNS ?? 40);

const key = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -50, max: 300 }) },
  { weight: 2, arbitrary: fc.constantFrom(-0, 2 ** 32, 2 ** 32 + 1, -(2 ** 32), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 31, -(2 ** 31) - 1) },
  { weight: 1, arbitrary: fc.constantFrom(0.5, -1.25, NaN, 2 ** 53, 'a', '1', '', 3n, -(2n ** 70n), null) },
);
const op = fc.oneof(
  { weight: 160, arbitrary: fc.tuple(fc.constant('set' as const), key, fc.integer({ min: 0, max: 2 ** 31 - 1 })) },
  { weight: 80, arbitrary: fc.tuple(fc.constant('delete' as const), key, fc.constant(0)) },
  { weight: 20, arbitrary: fc.tuple(fc.constant('mark' as const), fc.constant(0), fc.constant(0)) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('clear' as const), fc.constant(0), fc.constant(0)) },
);

function sameEntries(m: KeyMap, ref: Map<unknown, number>): void {
  assert.equal(m.size, ref.size);
  const got = new Map<unknown, number>();
  for (const [k, v] of m) {
    assert.ok(!got.has(k), `key ${String(k)} iterated twice`);
    got.set(k, v);
  }
  assert.deepEqual(got, ref);
}

test('KeyMap answers as Map over random operation sequences, and tracks changed keys', () => {
  const sequences = fc.sample(fc.array(op, { minLength: 1, maxLength: 4000, size: 'max' }), { seed: SEED, numRuns: RUNS });
  for (const [n, ops] of sequences.entries()) {
    const m = new KeyMap();
    const ref = new Map<unknown, number>();
    let changed: Set<unknown> | null = null;
    try {
      for (const [kind, k, v] of ops) {
        if (kind === 'set') {
          m.set(k, v);
          ref.set(k, v);
          changed?.add(k);
        } else if (kind === 'delete') {
          assert.equal(m.delete(k), ref.delete(k));
          changed?.add(k);
        } else if (kind === 'clear') {
          for (const key of ref.keys()) changed?.add(key);
          m.clear();
          ref.clear();
        } else {
          m.clearChanged();
          changed = new Set();
        }
        assert.equal(m.get(k), ref.get(k));
        assert.equal(m.has(k), ref.has(k));
        assert.equal(m.size, ref.size);
      }
      sameEntries(m, ref);
      for (const [k] of ref) assert.equal(m.get(k), ref.get(k));
      if (changed === null) assert.equal(m.changed, null);
      else assert.deepEqual(new Set(m.changed), changed);
    } catch (e) {
      throw new Error(`sequence ${n} (VECGRES_SEED=${SEED}): ${(e as Error).message}`);
    }
  }
});

test('KeyMap holds millions of integer keys and finds each', () => {
  const m = new KeyMap();
  const n = 1_000_000;
  for (let i = 0; i < n; i++) m.set(i * 7919 - 3_000_000, i);
  assert.equal(m.size, n);
  for (let i = 0; i < n; i += 997) assert.equal(m.get(i * 7919 - 3_000_000), i);
  assert.equal(m.get(1), undefined);
  for (let i = 0; i < n; i += 2) m.delete(i * 7919 - 3_000_000);
  assert.equal(m.size, n / 2);
  for (let i = 0; i < 2000; i++) assert.equal(m.get(i * 7919 - 3_000_000), i % 2 === 0 ? undefined : i);
});
