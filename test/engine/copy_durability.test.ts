/**
 * COPY FROM into a data directory: acknowledged rows survive a crash (log replay), and a failed
 * COPY leaves nothing behind after recovery either.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vecgres } from '../../src/index.js';

test('COPY FROM is logged: its rows are back after a crash, a failed COPY is not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-copy-wal-'));
  try {
    let db = await Vecgres.create(dir);
    await db.exec('CREATE TABLE items (id int PRIMARY KEY, embedding vector(2))');
    await db.exec('CREATE INDEX ON items USING hnsw (embedding vector_l2_ops)');
    let data = '';
    for (let i = 0; i < 300; i++) data += `${i}\t[${i},${-i}]\n`;
    const r = await db.query(`COPY items FROM '/dev/blob'`, [], { blob: new Blob([data]) });
    assert.equal(r.affectedRows, 300);
    await assert.rejects(db.query(`COPY items FROM '/dev/blob'`, [], { blob: new Blob(['1000\t[1,1]\n1001\t[1]\n']) }), { code: '22000' });
    db.database.abandon();
    db = await Vecgres.create(dir);
    const rows = await db.query<{ n: number; s: number }>('SELECT count(*)::int AS n, sum(id)::int AS s FROM items');
    assert.deepEqual(rows.rows[0], { n: 300, s: (299 * 300) / 2 });
    const near = await db.query<{ id: number }>(`SELECT id FROM items ORDER BY embedding <-> '[42,-42]' LIMIT 1`);
    assert.equal(near.rows[0]!.id, 42);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('batched COPY FROM and multi-row INSERT: one log record per batch, replayed row for row after a crash; unfinished ones roll back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-copy-batch-'));
  const rows = Number(process.env['VECGRES_COPY_CRASH_ROWS'] ?? 2500);
  try {
    let db = await Vecgres.create(dir);
    await db.exec('CREATE TABLE items (id int PRIMARY KEY, embedding vector(3), note text NOT NULL)');
    await db.exec('CREATE INDEX ON items USING hnsw (embedding vector_l2_ops)');
    const line = (i: number): string => `${i}\t[${i},${-i},${i % 7}]\tn${i}\n`;
    let text = '';
    for (let i = 0; i < rows; i++) text += line(i);
    const before = db.database.durability!.wal.insertLsn;
    const records0 = db.database.durability!.records;
    assert.equal((await db.query(`COPY items FROM '/dev/blob'`, [], { blob: new Blob([text]) })).affectedRows, rows);
    // Batches of at most 1,000 rows: a handful of records (and the commit), not one per row.
    const records = db.database.durability!.records - records0;
    assert.ok(records <= Math.ceil(rows / 100) + 2, `${records} records for ${rows} rows`);
    assert.ok(db.database.durability!.wal.insertLsn > before);
    // Binary COPY of the next rows, and a multi-row INSERT.
    const bin = binaryRows(rows, 2 * rows);
    assert.equal((await db.query(`COPY items FROM '/dev/blob' WITH (FORMAT binary)`, [], { blob: new Blob([bin]) })).affectedRows, rows);
    const values: string[] = [];
    for (let i = 2 * rows; i < 2 * rows + 600; i++) values.push(`(${i}, '[${i},${-i},${i % 7}]', 'n${i}')`);
    await db.exec(`INSERT INTO items VALUES ${values.join(',')}`);
    // Failing in a later batch (a NULL note on the last line): nothing of it stays.
    let failing = '';
    for (let i = 10 * rows; i < 11 * rows - 1; i++) failing += line(i);
    failing += `${11 * rows}\t[1,2,3]\t\\N\n`;
    await assert.rejects(db.query(`COPY items FROM '/dev/blob'`, [], { blob: new Blob([failing]) }), { code: '23502', where: `COPY items, line ${rows}: "${11 * rows}\t[1,2,3]\t\\N"` });
    // An open transaction's COPY at the crash: never committed, rolled back by recovery.
    const open = await db.connect();
    await open.exec('BEGIN');
    let more = '';
    for (let i = 20 * rows; i < 20 * rows + 1500; i++) more += line(i);
    await open.query(`COPY items FROM '/dev/blob'`, [], { blob: new Blob([more]) });
    db.database.abandon();
    db = await Vecgres.create(dir);
    const n = 2 * rows + 600;
    const got = await db.query<{ n: number; s: string; notes: number }>(`SELECT count(*)::int AS n, sum(id)::text AS s, count(DISTINCT note)::int AS notes FROM items`);
    assert.deepEqual(got.rows[0], { n, s: String(((n - 1) * n) / 2), notes: n });
    const near = await db.query<{ id: number }>(`SELECT id FROM items ORDER BY embedding <-> '[1234,-1234,2]' LIMIT 1`);
    assert.equal(near.rows[0]!.id, 1234);
    // Key map and index rebuilt from the replayed batches: a duplicate is refused, a new row goes in.
    await assert.rejects(db.exec(`INSERT INTO items VALUES (${rows + 5}, '[1,1,1]', 'x')`), { code: '23505' });
    await db.exec(`INSERT INTO items VALUES (${20 * rows}, '[1,1,1]', 'x')`);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** COPY binary input of rows [from, to): (int4 id, vector(3), text note), as the batched test's text lines. */
function binaryRows(from: number, to: number): Uint8Array<ArrayBuffer> {
  const enc = new TextEncoder();
  // Signature, flags, header extension length.
  const buf: number[] = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
  const dv = new DataView(new ArrayBuffer(4));
  const i32 = (v: number): void => {
    dv.setInt32(0, v);
    buf.push(dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3));
  };
  const f32 = (v: number): void => {
    dv.setFloat32(0, v);
    buf.push(dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3));
  };
  for (let i = from; i < to; i++) {
    buf.push(0, 3);
    i32(4);
    i32(i);
    i32(4 + 12);
    buf.push(0, 3, 0, 0);
    f32(i);
    f32(-i);
    f32(i % 7);
    const note = enc.encode(`n${i}`);
    i32(note.length);
    buf.push(...note);
  }
  buf.push(0xff, 0xff);
  return new Uint8Array(buf);
}
