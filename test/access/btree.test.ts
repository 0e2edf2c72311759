// The B-tree structure against brute force: random inserts (duplicates, NULLs, ASC/DESC,
// NULLS FIRST/LAST, one to three key columns, flat and boxed columns), deletes and vacuums,
// then random scan keys; every ordered scan (forward and backward) and bitmap must return
// exactly the rows a filter over all entries returns, in (key..., rowId) order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderedIndex, OrderedKeySpec, ScanKey, ScanKeyOp } from '../../src/access/am.js';
import type { Value } from '../../src/storage/table.js';
import { btreeAm } from '../../src/access/btree/index.js';
import type { BtreeIndex } from '../../src/access/btree/btree-index.js';
import { NODE_CAP } from '../../src/access/btree/node.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';

const numCmp = (a: Value, b: Value): number => {
  const x = a as number, y = b as number;
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  return Number.isNaN(x) === Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
};
const textCmp = (a: Value, b: Value): number => (a === b ? 0 : (a as string) < (b as string) ? -1 : 1);

function spec(flat: boolean, desc: boolean, nullsFirst: boolean): OrderedKeySpec {
  return { cmp: flat ? numCmp : textCmp, desc, nullsFirst, flat };
}

/** Reference order of two entries under `keys`. */
function cmpRef(keys: readonly OrderedKeySpec[], a: { vals: Value[]; row: number }, b: { vals: Value[]; row: number }): number {
  for (let c = 0; c < keys.length; c++) {
    const k = keys[c]!, x = a.vals[c]!, y = b.vals[c]!;
    let r: number;
    if (x === null || y === null) r = x === y ? 0 : (x === null) === k.nullsFirst ? -1 : 1;
    else r = k.desc ? -k.cmp(x, y) : k.cmp(x, y);
    if (r !== 0) return r;
  }
  return a.row - b.row;
}

function matchesRef(keys: readonly OrderedKeySpec[], sk: readonly ScanKey[], vals: Value[]): boolean {
  return sk.every((k) => {
    const v = vals[k.col]!;
    const cmp = keys[k.col]!.cmp;
    switch (k.op) {
      case 'isnull': return v === null;
      case 'notnull': return v !== null;
      case 'in': return v !== null && k.values!.some((x) => x !== null && cmp(v, x) === 0);
      case '=': return v !== null && cmp(v, k.value!) === 0;
      case '<': return v !== null && cmp(v, k.value!) < 0;
      case '<=': return v !== null && cmp(v, k.value!) <= 0;
      case '>': return v !== null && cmp(v, k.value!) > 0;
      default: return v !== null && cmp(v, k.value!) >= 0;
    }
  });
}

function scanAll(index: OrderedIndex, sk: ScanKey[], backward: boolean, live: (r: number) => boolean): number[] {
  const s = index.beginOrderedScan(sk, { backward, isLive: live });
  const buf = new Int32Array(7);
  const out: number[] = [];
  for (let n = s.next(buf); n > 0; n = s.next(buf)) out.push(...buf.subarray(0, n));
  s.close();
  return out;
}

test(`btree scans equal brute force over random keys and quals (seed ${SEED})`, () => {
  const rnd = new Prng(SEED);
  const int = (n: number): number => rnd.nextU32() % n;
  const rounds = Number(process.env['VECGRES_BTREE_ROUNDS'] ?? 20);
  for (let round = 0; round < rounds; round++) {
    const ncols = 1 + int(3);
    const keys = Array.from({ length: ncols }, () => {
      const desc = int(3) === 0;
      return spec(int(2) === 0, desc, int(3) === 0 ? !desc : desc);
    });
    const domain = 2 + int(30);
    const value = (c: number): Value => {
      if (int(8) === 0) return null;
      const v = int(domain);
      return keys[c]!.flat ? (int(20) === 0 ? NaN : v - domain / 2) : `k${String(v).padStart(2, '0')}`;
    };
    const rows = int(3) === 0 ? int(40) : int(3000);
    const entries: { vals: Value[]; row: number }[] = [];
    for (let r = 0; r < rows; r++) entries.push({ vals: keys.map((_, c) => value(c)), row: r });
    // Half the rows by build, half by insert, so splits and bulk load both run. The inserts come
    // in random order, or in the index's order (each past the last entry: the rightmost-leaf
    // fast path and its fillfactor split), or in reverse.
    const built = entries.filter((_, i) => i % 2 === 0);
    const index = btreeAm.build({ keys, rowCount: built.length, forEachRow: (fn) => built.forEach((e) => fn(e.row, e.vals)) });
    const rest = entries.filter((_, i) => i % 2 === 1);
    const order = int(3);
    if (order === 0) {
      for (let i = rest.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [rest[i], rest[j]] = [rest[j]!, rest[i]!];
      }
    } else {
      rest.sort((a, b) => (order === 1 ? 1 : -1) * cmpRef(keys, a, b));
    }
    for (const e of rest) index.insert(e.row, e.vals);
    const dead = new Set<number>();
    for (let i = 0; i < rows / 5; i++) {
      const r = int(Math.max(1, rows));
      dead.add(r);
      index.delete(r);
    }
    const vacuumed = int(2) === 0;
    if (vacuumed) index.vacuum();
    for (let i = 0; i < 10 && rows > 0; i++) {
      const r = rows + i;
      const e = { vals: keys.map((_, c) => value(c)), row: r };
      entries.push(e);
      index.insert(r, e.vals);
    }
    assert.equal(index.size, entries.length - (vacuumed ? dead.size : 0), `size, seed ${SEED} round ${round}`);
    const live = (r: number): boolean => !dead.has(r);
    const sorted = entries.slice().sort((a, b) => cmpRef(keys, a, b));
    for (let q = 0; q < 25; q++) {
      const sk: ScanKey[] = [];
      const nk = int(4);
      for (let i = 0; i < nk; i++) {
        const col = int(ncols);
        const ops: ScanKeyOp[] = ['=', '<', '<=', '>', '>=', 'isnull', 'notnull', 'in'];
        const op = ops[int(ops.length)]!;
        let v = value(col);
        while (v === null) v = value(col);
        if (op === 'in') sk.push({ col, op, values: Array.from({ length: int(4) }, () => value(col)) });
        else if (op === 'isnull' || op === 'notnull') sk.push({ col, op });
        else sk.push({ col, op, value: v });
      }
      const want = sorted.filter((e) => live(e.row) && matchesRef(keys, sk, e.vals)).map((e) => e.row);
      const ctx = `seed ${SEED} round ${round} keys ${JSON.stringify(keys.map((k) => [k.flat, k.desc, k.nullsFirst]))} quals ${JSON.stringify(sk)}`;
      assert.deepEqual(scanAll(index, sk, false, live), want, `forward: ${ctx}`);
      assert.deepEqual(scanAll(index, sk, true, live), want.slice().reverse(), `backward: ${ctx}`);
      const bm = new Uint32Array(((rows + 10) >>> 5) + 1);
      index.getBitmap(sk, bm);
      const got: number[] = [];
      for (let r = 0; r < rows + 10; r++) if ((bm[r >>> 5]! >>> (r & 31)) & 1 && live(r)) got.push(r);
      assert.deepEqual(got, want.slice().sort((a, b) => a - b), `bitmap: ${ctx}`);
    }
    // findEqual: every entry with the same non-NULL key, dead ones included until vacuum.
    for (const e of entries.slice(0, 20)) {
      const want = e.vals.some((v) => v === null) ? [] : entries.filter((x) => !(vacuumed && dead.has(x.row)) && cmpRef(keys, { vals: x.vals, row: 0 }, { vals: e.vals, row: 0 }) === 0).map((x) => x.row).sort((a, b) => a - b);
      assert.deepEqual(index.findEqual(e.vals).sort((a, b) => a - b), want, `findEqual seed ${SEED} round ${round}`);
    }
  }
});

test('ascending inserts fill B-tree leaves as a bulk load does (rightmost split by fillfactor)', () => {
  const keys = [spec(true, false, false)];
  const index = btreeAm.build({ keys, rowCount: 0, forEachRow: () => {} }) as BtreeIndex;
  const n = 20000;
  for (let r = 0; r < n; r++) index.insert(r, [r]);
  const leaves = Math.ceil(n / Math.floor(NODE_CAP * 0.9));
  // Half-full leaves (a split in the middle) would be n / (NODE_CAP / 2) = 625 leaves.
  assert.ok(index.tree.nodes <= leaves * 1.1, `nodes ${index.tree.nodes} for ${leaves} leaves at 90%`);
  assert.deepEqual(scanAll(index, [{ col: 0, op: '>=', value: n - 3 }], false, () => true), [n - 3, n - 2, n - 1]);
  assert.deepEqual(scanAll(index, [], false, () => true).length, n);
  // Then a key before all others and one in the middle: the descent path still places them.
  index.insert(n, [-1]);
  index.insert(n + 1, [n / 2 + 0.5]);
  const all = scanAll(index, [], false, () => true);
  assert.equal(all[0], n);
  assert.equal(all[n / 2 + 2], n + 1);
});

test('btree fillfactor is validated as PostgreSQL does', () => {
  assert.deepEqual(btreeAm.parseOptions(new Map([['fillfactor', '70']])), new Map([['fillfactor', 70]]));
  assert.throws(() => btreeAm.parseOptions(new Map([['fillfactor', '5']])), { code: '22023', message: 'value 5 out of bounds for option "fillfactor"' });
  assert.throws(() => btreeAm.parseOptions(new Map([['m', '5']])), { code: '22023', message: 'unrecognized parameter "m"' });
});
