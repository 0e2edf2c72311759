/**
 * dumpDataDir / loadDataDir with vector segment files (storage/buffer_cache.ts): memories of
 * 1 MiB make segments of 1,024 rows of vector(16), so 3,000 rows have two full segments that a
 * checkpoint writes to files and a small cache evicts. The archive must carry them, from a
 * database on disk (files already written) and in memory (written for the archive only, the
 * source keeping its segments resident), and a restored database must read them back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { parseTar } from 'nanotar';
import { gunzipSync } from 'node:zlib';
import { reloadSetting } from '../support/start_settings.js';

memories.memoryBytesMax = 2 ** 20;
const DIM = 16;
const ROWS = 3000;
const seed = Number(process.env['VECGRES_SEED'] ?? 11);

async function fill(db: Vecgres, p: Prng): Promise<string[]> {
  const model: string[] = [];
  await db.exec(`CREATE TABLE t (id int PRIMARY KEY, v vector(${DIM}))`);
  reloadSetting(db, 'shared_buffers', '128kB');
  for (let start = 0; start < ROWS; start += 500) {
    const vals: string[] = [];
    for (let i = start; i < start + 500; i++) {
      const v = `[${Array.from({ length: DIM }, () => p.int(21) - 10).join(',')}]`;
      model.push(`${i}:${v}`);
      vals.push(`(${i}, '${v}')`);
    }
    await db.query(`INSERT INTO t VALUES ${vals.join(',')}`);
  }
  await db.query('CREATE INDEX ON t USING hnsw (v vector_l2_ops)');
  return model;
}

async function rows(db: Vecgres): Promise<string[]> {
  return (await db.query<{ id: number; v: string }>('SELECT id, v FROM t ORDER BY id')).rows.map((r) => `${r.id}:${r.v}`);
}

/** Names of the segment files in an archive. */
async function segmentEntries(dump: Blob): Promise<string[]> {
  const tar = gunzipSync(new Uint8Array(await dump.arrayBuffer()));
  return parseTar(new Uint8Array(tar)).map((e) => e.name).filter((n) => /^base\/t\d+c\d+s\d+\./.test(n));
}

test(`segment files travel in the archive, from disk and from memory (seed ${seed})`, async () => {
  for (const source of ['disk', 'memory'] as const) {
    const fs = new MemoryFs();
    const src = source === 'disk' ? await Vecgres.create('src', { storage: fs }) : await Vecgres.create();
    const model = await fill(src, new Prng(seed));
    if (source === 'disk') await src.query('CHECKPOINT');
    const dump = await src.dumpDataDir();
    assert.equal((await segmentEntries(dump)).length, 2, `${source}: two full segments`);
    if (source === 'memory') assert.equal(src.database.durability, null);
    assert.deepEqual(await rows(src), model, `${source}: the source after the dump`);
    const mem = await Vecgres.create({ loadDataDir: dump, settings: { shared_buffers: '128kB' } });
    assert.deepEqual(await rows(mem), model, `${source}: restored in memory`);
    const knn = "SELECT id FROM t ORDER BY v <-> '[1,2,3,4,5,6,7,8,9,10,0,0,0,0,0,0]', id LIMIT 5";
    const want = (await src.query(knn)).rows;
    assert.deepEqual((await mem.query(knn)).rows, want, `${source}: k-NN in memory`);
    // Writes after a restore into memory work, and its segments stay readable.
    await mem.query(`INSERT INTO t VALUES (${ROWS}, '[${new Array(DIM).fill(1).join(',')}]')`);
    assert.equal((await mem.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n, ROWS + 1);
    await mem.close();
    const fs2 = new MemoryFs();
    const disk = await Vecgres.create('copy', { storage: fs2, loadDataDir: dump });
    assert.deepEqual(await rows(disk), model, `${source}: restored on disk`);
    await disk.close();
    const again = await Vecgres.create('copy', { storage: fs2 });
    assert.deepEqual(await rows(again), model, `${source}: reopened`);
    assert.deepEqual((await again.query(knn)).rows, want, `${source}: k-NN reopened`);
    await again.close();
    await src.close();
  }
});
