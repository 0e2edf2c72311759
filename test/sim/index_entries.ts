/**
 * Checks that an index read back after a crash (base file, deltas, log replay) holds exactly
 * what its table says, without rebuilding it: every live row once, with the row's own vector,
 * never marked deleted. A delta lost, applied twice, applied to the wrong base or cut short
 * breaks one of these; searches that happen to find the right neighbours may not notice.
 */
import assert from 'node:assert/strict';
import type { Vecgres } from '../../src/index.js';
import type { HnswIndex } from '../../src/access/hnsw/index.js';
import type { IvfflatIndex } from '../../src/access/ivfflat/index.js';
import type { SparseVector } from '../../src/types/sparsevec.js';
import type { Table } from '../../src/storage/table.js';

/** Index of the first element where `a` and `b` differ (lengths included), or -1. */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** The live rows of `table` (after recovery no transaction is in flight). */
function liveRows(table: Table): number[] {
  const out: number[] = [];
  for (let r = 0; r < table.slots; r++) if (table.visibleTo(r, 0)) out.push(r);
  return out;
}

/**
 * Asserts that HNSW index `name` (of any number of partitions) on `tableName.col` maps every
 * live row to one node of one partition, that node not deleted, naming the row and holding the
 * row's vector: float32 `vector` values, or for sparsevec the key in the graph's side heap
 * (0-based indices, then values).
 * @returns the index's partitions and the rows checked.
 */
export function checkHnswEntries(db: Vecgres, tableName: string, col: string, name: string, where: string): { partitions: number; rows: number } {
  const table = db.database.catalog.getTable(tableName)!;
  const c = table.columnIndex(col);
  const ix = db.database.indexes.get(name) as HnswIndex;
  const rows = liveRows(table);
  for (const r of rows) {
    const value = table.get(c, r);
    let found = 0;
    for (const st of ix.partitions) {
      const n = st.nodeOf(r);
      if (n < 0) continue;
      found++;
      const g = st.graph;
      assert.ok(!g.isDeleted(n), `${where}: ${name}: row ${r}'s node ${n} is marked deleted`);
      assert.equal(g.rowId(n), r, `${where}: ${name}: node ${n} names row ${g.rowId(n)}, the rowId map row ${r}`);
      if (g.sparse !== null) {
        const s = value as SparseVector;
        const key = g.sparseKey(n);
        const u8 = g.arena.u8();
        const idx = new Int32Array(u8.slice(key.ptr, key.ptr + key.nnz * 4).buffer);
        const val = new Float32Array(u8.slice(key.ptr + key.nnz * 4, key.ptr + key.nnz * 8).buffer);
        if (firstDiff(idx, s.indices) >= 0 || firstDiff(val, s.values) >= 0) {
          assert.deepEqual([[...idx], [...val]], [[...s.indices], [...s.values]], `${where}: ${name}: row ${r}'s sparse key`);
        }
      } else {
        const v = value as Float32Array;
        const at = g.vecPtr(n) >>> 2;
        const rec = g.arena.f32().subarray(at, at + v.length);
        assert.equal(firstDiff(rec, v), -1, `${where}: ${name}: row ${r}'s record holds ${JSON.stringify([...rec])}, the row ${JSON.stringify([...v])}`);
      }
    }
    assert.equal(found, 1, `${where}: ${name}: row ${r} is in ${found} partitions`);
  }
  return { partitions: ix.partitions.length, rows: rows.length };
}

/**
 * Asserts that IVFFlat index `name` on `tableName.col` (a `vector` column) has one entry not
 * tombstoned for every live row, in any list and any memory, holding the row's vector, and no
 * row twice.
 * @returns the memories holding non-empty lists, and the rows checked.
 */
export function checkIvfflatEntries(db: Vecgres, tableName: string, col: string, name: string, where: string): { memories: number; rows: number } {
  const table = db.database.catalog.getTable(tableName)!;
  const c = table.columnIndex(col);
  const lists = (db.database.indexes.get(name) as IvfflatIndex).lists;
  const at = new Map<number, [number, number]>();
  const mems = new Set<number>();
  const entries: { vectors: Float32Array; rowIds: Int32Array }[] = [];
  for (let l = 0; l < lists.lists; l++) {
    const n = lists.count[l]!;
    const { vectors, rowIds } = lists.entriesOf(l);
    entries.push({ vectors: new Float32Array(vectors.buffer, vectors.byteOffset, vectors.byteLength >>> 2), rowIds });
    if (n === 0) continue;
    lists.forEachRun(l, 0, n, (m) => mems.add(lists.arenas[m]!.id));
    for (let i = 0; i < n; i++) {
      const r = rowIds[i]!;
      if (r < 0) continue; // a tombstone: deleted, not yet compacted by VACUUM
      assert.ok(!at.has(r), `${where}: ${name}: row ${r} is in lists ${at.get(r)?.[0]} and ${l}`);
      at.set(r, [l, i]);
    }
  }
  const rows = liveRows(table);
  for (const r of rows) {
    const e = at.get(r);
    assert.ok(e !== undefined, `${where}: ${name}: row ${r} is in no list`);
    const v = table.get(c, r) as Float32Array;
    const entry = entries[e[0]]!.vectors.subarray(e[1] * v.length, (e[1] + 1) * v.length);
    assert.equal(firstDiff(entry, v), -1, `${where}: ${name}: row ${r}'s entry holds ${JSON.stringify([...entry])}, the row ${JSON.stringify([...v])}`);
  }
  return { memories: mems.size, rows: rows.length };
}
