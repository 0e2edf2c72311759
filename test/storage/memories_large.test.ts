/**
 * More than 4 GiB for real: a table of 1,536-d vectors that outgrows one 32-bit WebAssembly
 * memory (about 4.8 GB of vectors in 786,432 rows) lives in two memories of the usual 4 GiB,
 * and an exact k-NN scan reads both. It needs about 5.5 GB of RAM and a minute or two, so it
 * runs only when asked: `VECGRES_LARGE_MEMORY=1 node scripts/test.mjs memories_large` (without
 * it the file registers no test).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memories } from '../../src/kernels/memories.js';
import { Vecgres } from '../../src/index.js';

const GIB = 2 ** 30;
const run = process.env['VECGRES_LARGE_MEMORY'] === '1';

if (run) test('a table past 4 GiB spans two memories and is scanned whole', async () => {
  const db = await Vecgres.create();
  try {
    await db.exec('CREATE TABLE big (id integer, v vector(1536))');
    // 1,024 distinct rows, then copies of them: row id keeps its vector's id modulo 1,024.
    await db.exec(
      `INSERT INTO big SELECT i, ('[' || repeat((i % 97)::text || ',' || (i % 89)::text || ',' || (i % 83)::text || ',', 511) || '1,2,' || i::text || ']')::vector(1536) FROM generate_series(0, 1023) i`,
    );
    let rows = 1024;
    while (rows < 524288) {
      await db.exec(`INSERT INTO big SELECT id + ${rows}, v FROM big`);
      rows *= 2;
    }
    await db.exec(`INSERT INTO big SELECT id + ${rows}, v FROM big WHERE id < 262144`);
    rows += 262144;
    const n = await db.query<{ count: number }>('SELECT count(*) FROM big');
    assert.equal(n.rows[0]!.count, rows);
    assert.ok(memories.usedBytes > 4.2 * GIB, `${memories.usedBytes} bytes in use`);
    assert.ok(memories.memories.length >= 2, `${memories.memories.length} memories`);
    // Row 5's vector: its copies are ids = 5 (mod 1,024), the largest ones in the second memory.
    const q = `(SELECT v FROM big WHERE id = 5)`;
    const r = await db.query<{ id: number; d: number }>(`SELECT id, v <-> ${q} AS d FROM big ORDER BY v <-> ${q}, id DESC LIMIT 3`);
    const last = rows - 1024 + 5;
    assert.deepEqual(r.rows.map((x) => x.id), [last, last - 1024, last - 2048]);
    assert.deepEqual(r.rows.map((x) => x.d), [0, 0, 0]);
    const table = db.database.catalog.getTable('big')!;
    const addr = table.vectorPtr(table.columnIndex('v'), last);
    assert.ok(memories.memoryOf(addr) !== memories.memoryOf(table.vectorPtr(table.columnIndex('v'), 5)), 'first and last rows in different memories');
    await db.exec('DROP TABLE big');
  } finally {
    await db.close();
  }
  assert.equal(memories.memories.length, 1, 'the second memory was released');
});
