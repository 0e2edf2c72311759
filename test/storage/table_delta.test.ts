/**
 * Table deltas (storage/table.ts writeDelta / applyDelta): the layout drawn in writeDelta's
 * comment, and base + delta giving back exactly the table (rows, row versions, key map),
 * including slots that died, rows of transactions in flight and keys that moved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Table, TABLE_DELTA_VERSION, tableDefFromValue, type TableDef, type Value } from '../../src/storage/table.js';
import { MemorySink, MemorySource, readBlock } from '../../src/storage/stream.js';
import { PgError } from '../../src/common/errors.js';

const DEF: TableDef = {
  name: 't',
  primaryKey: [0],
  columns: [
    { name: 'id', type: 'int4', typmod: -1, notNull: true, sequence: null, defaultSql: null },
    { name: 'v', type: 'vector', typmod: 3, notNull: false, sequence: null, defaultSql: null },
    { name: 'u', type: 'vector', typmod: -1, notNull: false, sequence: null, defaultSql: null },
    { name: 'h', type: 'halfvec', typmod: 2, notNull: false, sequence: null, defaultSql: null },
  ],
};

function row(i: number): Value[] {
  return [i, i % 5 === 0 ? null : Float32Array.of(i, -i, 0.5), Float32Array.from({ length: 1 + (i % 3) }, (_, j) => i + j), Uint16Array.of(0x3c00, 0x4000 + i)];
}

function insert(t: Table, i: number, xid = 0): number {
  const r = t.appendRow(row(i), xid);
  t.pkey.set(i, r);
  return r;
}

function state(t: Table): unknown {
  const rows: unknown[] = [];
  for (let r = 0; r < t.slots; r++) {
    if (!t.isLive(r)) {
      rows.push(null);
      continue;
    }
    const vals = t.def.columns.map((_, c) => {
      const v = t.get(c, r);
      return v instanceof Float32Array || v instanceof Uint16Array ? Array.from(v) : v;
    });
    rows.push([vals, t.xmin[r], t.xmax[r]]);
  }
  return { def: t.def, slots: t.slots, live: t.liveCount, pending: t.pendingRows, rows, keys: [...t.pkey].sort((a, b) => Number(a[0]) - Number(b[0])) };
}

function copyOf(t: Table): Table {
  const sink = new MemorySink();
  t.writeTo(sink);
  return Table.readFrom(new MemorySource(sink.bytes()));
}

test('a delta carries changed slots, appended rows and moved keys; base + delta is the table', () => {
  const t = new Table(DEF);
  for (let i = 0; i < 50; i++) insert(t, i);
  insert(t, 50, 7); // in flight at the base
  t.setXmax(3, 8); // a delete in flight at the base
  const base = copyOf(t);
  t.markCheckpointed();
  // After the base: transaction 7 commits, 8's delete commits, an UPDATE of row 10 (new version), a
  // delete, an in-flight insert and delete, an aborted insert (a dead appended slot).
  t.clearXmin(50);
  t.killRow(3);
  t.pkey.delete(3);
  t.killRow(10);
  const r10 = t.appendRow(row(1010), 0);
  t.pkey.set(10, r10);
  t.killRow(20);
  t.pkey.delete(20);
  insert(t, 60, 9);
  t.setXmax(30, 9);
  const dead = insert(t, 61, 10);
  t.killRow(dead);
  t.pkey.delete(61);
  t.replaceDef({ ...DEF, name: 'renamed' });
  assert.equal(t.changedSlots, 5); // 3, 10, 20, 30, 50
  assert.equal(t.deltaRows, 5 + 3);
  const sink = new MemorySink();
  t.writeDelta(sink);
  const bytes = sink.bytes().slice();
  // The head block: version, definition, fromSlots, slots, changed, keys.
  const head = readBlock(new MemorySource(bytes));
  assert.equal(head.u32(), TABLE_DELTA_VERSION);
  assert.equal(tableDefFromValue(head.readValue()).name, 'renamed');
  assert.deepEqual([head.varuint(), head.varuint(), head.varuint(), head.varuint()], [51, 54, 5, 5]); // keys 3, 10, 20, 60, 61
  assert.equal(head.remaining, 0);
  base.applyDelta(new MemorySource(bytes));
  assert.deepEqual(state(base), state(t));
  // The base and the delta, read again, equal the table after a base written now.
  assert.deepEqual(state(copyOf(base)), state(copyOf(t)));
});

test('a delta applied to a table in another state is XX001, never a silent mix', () => {
  const t = new Table(DEF);
  for (let i = 0; i < 5; i++) insert(t, i);
  t.markCheckpointed();
  insert(t, 5);
  const sink = new MemorySink();
  t.writeDelta(sink);
  const wrong = new Table(DEF);
  insert(wrong, 0);
  assert.throws(() => wrong.applyDelta(new MemorySource(sink.bytes())), (e: unknown) =>
    e instanceof PgError && e.code === 'XX001' && e.message === 'table delta covers slots 5 to 6, but the table has 1');
  const fewer = new Table({ ...DEF, columns: DEF.columns.slice(0, 3) });
  for (let i = 0; i < 5; i++) fewer.appendRow(row(i).slice(0, 3), 0);
  assert.throws(() => fewer.applyDelta(new MemorySource(sink.bytes())), (e: unknown) => e instanceof PgError && e.code === 'XX001' && e.message === 'table delta changes the stored columns');
});

test('unchanged since the mark: an empty delta; a column added needs a base', () => {
  const t = new Table(DEF);
  for (let i = 0; i < 5; i++) insert(t, i);
  t.markCheckpointed();
  assert.equal(t.deltaRows, 0);
  const changes = t.changes;
  t.releaseDeadRows(); // VACUUM: counted apart, the stored state is unchanged
  assert.equal(t.changes, changes);
  t.addColumn({ ...t.def, columns: [...t.def.columns, { name: 'n', type: 'int4', typmod: -1, notNull: false, sequence: null, defaultSql: null }] }, 1);
  assert.equal(t.layoutChanged, true);
  assert.throws(() => t.writeDelta(new MemorySink()), /a delta cannot carry a change of columns/);
});
