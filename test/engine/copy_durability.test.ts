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
