/**
 * The buffer cache (storage/buffer_cache.ts, `shared_buffers`): full segments of vector(n)
 * columns go to segment files at a checkpoint and are evicted and read back through a cache
 * far smaller than the table. Memories of 1 MiB make segments of 64 KiB (1,024 rows of
 * vector(16)), so a table of 12,000 rows has 11 full segments against a cache of 2 (16 blocks,
 * PostgreSQL's minimum). Every answer is compared with the same query under a cache that holds
 * everything, with exact search computed here (small-integer vectors: float32 distances are
 * exact) and with a model of the rows; resident bytes are read from the cache's counters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';
import { bufferCache } from '../../src/storage/buffer_cache.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { readControl } from '../../src/storage/checkpoint.js';
import { DIM, exactTop, l2sq, lit, load, randVec } from '../support/vector_model.js';
import { reloadSetting } from '../support/start_settings.js';

const MB = 2 ** 20;
memories.memoryBytesMax = 1 * MB;
const SEGMENT_BYTES = memories.segmentBytesMax;
const SEGMENT_ROWS = SEGMENT_BYTES / (DIM * 4);
const SMALL = '128kB'; // 16 blocks: two segments
const SMALL_BYTES = 128 * 1024;
const seed = Number(process.env['VECGRES_SEED'] ?? 7);


async function knn(db: Vecgres, q: number[]): Promise<{ ids: number[]; d: number[] }> {
  const r = await db.query<{ id: number; d: number }>(`SELECT id, (v <-> '${lit(q)}')::float8 AS d FROM t ORDER BY v <-> '${lit(q)}' LIMIT 10`);
  return { ids: r.rows.map((x) => x.id), d: r.rows.map((x) => Math.round(x.d * x.d)) };
}

async function dump(db: Vecgres): Promise<string[]> {
  return (await db.query<{ id: number; v: string }>('SELECT id, v FROM t ORDER BY id')).rows.map((r) => `${r.id}:${r.v}`);
}

function modelDump(model: Map<number, number[]>): string[] {
  return [...model.entries()].sort((a, b) => a[0] - b[0]).map(([id, v]) => `${id}:${lit(v)}`);
}

function segmentFiles(fs: MemoryFs): string[] {
  return fs.list('db/base').filter((f) => /^t\d+c\d+s\d+\./.test(f));
}

test('an exact scan through a cache of 2 segments streams 11: answers equal a large cache and exact search, resident bytes stay within the cache plus one segment', async () => {
  assert.equal(SEGMENT_ROWS, 1024);
  const fs = new MemoryFs();
  const db = await Vecgres.create('db', { storage: fs });
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(16))');
  const p = new Prng(seed);
  const model = new Map<number, number[]>();
  await load(db, model, p, 0, 12_000);
  await db.exec('CHECKPOINT');
  assert.equal(db.database.durability!.lastCheckpoint!.segmentFiles, 11, 'one file per full segment');
  assert.equal(segmentFiles(fs).length, 11);
  const queries = Array.from({ length: 8 }, () => randVec(p));
  // A cache that holds everything: nothing is evicted.
  const large: { ids: number[]; d: number[] }[] = [];
  const faults0 = bufferCache.stats.faults;
  for (const q of queries) large.push(await knn(db, q));
  assert.equal(bufferCache.stats.faults, faults0, 'nothing read back with a large cache');
  reloadSetting(db, 'shared_buffers', SMALL);
  assert.equal((await db.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]!.shared_buffers, '128kB');
  const ev0 = bufferCache.stats.evictions;
  for (let i = 0; i < queries.length; i++) {
    bufferCache.peakResidentBytes = 0;
    const got = await knn(db, queries[i]!);
    assert.ok(bufferCache.peakResidentBytes <= SMALL_BYTES + SEGMENT_BYTES, `seed ${seed}: peak ${bufferCache.peakResidentBytes} bytes resident over a cache of ${SMALL_BYTES}`);
    assert.deepEqual(got, large[i], `seed ${seed}: query ${i} answers as with a large cache`);
    assert.deepEqual(got.d, exactTop(model, queries[i]!), `seed ${seed}: query ${i} answers exact search`);
  }
  assert.ok(bufferCache.stats.evictions - ev0 >= 9 * queries.length, 'each scan evicts behind itself');
  assert.ok(bufferCache.stats.faults > faults0, 'segments are read back');
  assert.ok(bufferCache.residentBytes <= SMALL_BYTES + SEGMENT_BYTES);
  // Other paths read evicted segments too: the whole table, a filtered exact search, a row by key.
  bufferCache.peakResidentBytes = 0;
  assert.deepEqual(await dump(db), modelDump(model));
  const f = await db.query<{ id: number }>(`SELECT id FROM t WHERE id % 7 = 3 ORDER BY v <-> '${lit(queries[0]!)}', id LIMIT 5`);
  const expect = [...model.entries()].filter(([id]) => id % 7 === 3).sort((a, b) => l2sq(a[1], queries[0]!) - l2sq(b[1], queries[0]!) || a[0] - b[0]).slice(0, 5).map(([id]) => id);
  assert.deepEqual(f.rows.map((r) => r.id), expect);
  assert.ok(bufferCache.peakResidentBytes <= SMALL_BYTES + SEGMENT_BYTES, `a whole-table SELECT and a filtered search stream too: peak ${bufferCache.peakResidentBytes}`);
  assert.deepEqual((await db.query<{ v: string }>('SELECT v FROM t WHERE id = 1500')).rows[0]!.v, lit(model.get(1500)!));
  // A parallel exact scan hands segment addresses to workers: with segments evicted it runs
  // serially (streaming); with all resident it pins them for the statement.
  await db.exec('SET min_parallel_table_scan_size = 0; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0');
  for (let i = 0; i < 2; i++) assert.deepEqual(await knn(db, queries[i]!), large[i], `seed ${seed}: parallel-enabled query ${i}, small cache`);
  reloadSetting(db, 'shared_buffers', null);
  await dump(db); // reads every segment back under the large cache
  for (let i = 0; i < 2; i++) assert.deepEqual(await knn(db, queries[i]!), large[i], `seed ${seed}: parallel-enabled query ${i}, all resident`);
  await db.exec('RESET ALL');
  await db.close();
});

test('INSERT, UPDATE, DELETE and VACUUM on evicted segments; reopen, crash and scan; DROP and TRUNCATE remove the segment files', async () => {
  const fs = new MemoryFs();
  let db = await Vecgres.create('db', { storage: fs });
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(16))');
  const p = new Prng(seed + 1);
  const model = new Map<number, number[]>();
  await load(db, model, p, 0, 9_000);
  await db.exec('CHECKPOINT');
  reloadSetting(db, 'shared_buffers', SMALL);
  await knn(db, randVec(p)); // evicts all but two segments
  assert.ok(bufferCache.residentBytes <= SMALL_BYTES + SEGMENT_BYTES);
  // Updates of rows in evicted segments (the new versions append), deletes, a whole segment deleted.
  for (let i = 0; i < 40; i++) {
    const id = p.int(9_000);
    if (!model.has(id)) continue;
    const v = randVec(p);
    await db.query(`UPDATE t SET v = '${lit(v)}' WHERE id = ${id}`);
    model.set(id, v);
  }
  await db.query('UPDATE t SET id = id + 100000 WHERE id BETWEEN 10 AND 19'); // the vector is copied from an evicted row
  for (let id = 10; id < 20; id++) {
    model.set(id + 100000, model.get(id)!);
    model.delete(id);
  }
  await db.query(`DELETE FROM t WHERE id >= ${2 * SEGMENT_ROWS} AND id < ${3 * SEGMENT_ROWS}`);
  for (let id = 2 * SEGMENT_ROWS; id < 3 * SEGMENT_ROWS; id++) model.delete(id);
  await load(db, model, p, 20_000, 3_000);
  assert.deepEqual(await dump(db), modelDump(model));
  await db.exec('VACUUM t');
  await db.exec('CHECKPOINT');
  assert.deepEqual(await dump(db), modelDump(model));
  const q = randVec(p);
  const before = await knn(db, q);
  assert.deepEqual(before.d, exactTop(model, q));
  // Work after the checkpoint is replayed from the log after a crash.
  await load(db, model, p, 30_000, 1_500);
  await db.query('DELETE FROM t WHERE id BETWEEN 5000 AND 5100');
  for (let id = 5000; id <= 5100; id++) model.delete(id);
  db.database.abandon();
  fs.crash();
  db = await Vecgres.create('db', { storage: fs });
  reloadSetting(db, 'shared_buffers', SMALL);
  assert.deepEqual(await dump(db), modelDump(model), `seed ${seed}: the state after a crash`);
  assert.deepEqual((await knn(db, q)).d, exactTop(model, q));
  await db.close();
  // A clean reopen reads no segment until a query needs it.
  const faults = bufferCache.stats.faults;
  db = await Vecgres.create('db', { storage: fs });
  assert.equal(bufferCache.stats.faults, faults, 'open reads no segment file');
  reloadSetting(db, 'shared_buffers', SMALL);
  assert.deepEqual((await knn(db, q)).d, exactTop(model, q));
  assert.ok(segmentFiles(fs).length >= 10);
  await db.exec('CREATE TABLE u (id int, v vector(16))');
  await db.query(`INSERT INTO u SELECT id, v FROM t`);
  await db.exec('CHECKPOINT');
  const filesOfU = segmentFiles(fs).length;
  await db.exec('TRUNCATE t');
  await db.exec('CHECKPOINT');
  assert.ok(segmentFiles(fs).length < filesOfU, 'TRUNCATE drops the segment files at the next checkpoint');
  assert.equal((await db.query('SELECT count(*)::int AS n FROM u')).rows[0]!['n'], model.size);
  await db.exec('DROP TABLE u');
  await db.exec('CHECKPOINT');
  assert.deepEqual(segmentFiles(fs), [], 'DROP TABLE drops the segment files at the next checkpoint');
  assert.deepEqual(fs.list('db/base').sort(), readControl(fs, 'db')!.files.slice().sort());
  reloadSetting(db, 'shared_buffers', null);
  await db.close();
});

test('a damaged segment file is XX001 naming it when the segment is read back; the database keeps working', async () => {
  const fs = new MemoryFs();
  const db = await Vecgres.create('db', { storage: fs });
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(16))');
  const p = new Prng(seed + 2);
  const model = new Map<number, number[]>();
  await load(db, model, p, 0, 6_000);
  await db.exec('CHECKPOINT');
  reloadSetting(db, 'shared_buffers', SMALL);
  await knn(db, randVec(p)); // the first segments are evicted by now
  const file = segmentFiles(fs).find((f) => f.startsWith('t1c1s0.'))!;
  const path = `db/base/${file}`;
  const fd = fs.open(path, 'write');
  const b = new Uint8Array(1);
  fs.read(fd, b, 0, 1, 100);
  b[0] = b[0]! ^ 0xff;
  fs.write(fd, b, 0, 1, 100);
  fs.close(fd);
  await assert.rejects(knn(db, randVec(p)), (e: { code: string; message: string }) => e.code === 'XX001' && e.message.includes(file) && e.message.includes('checksum'));
  // Rows of other segments still read.
  assert.equal((await db.query('SELECT count(*)::int AS n FROM t WHERE id >= 2000')).rows[0]!['n'], 4_000);
  assert.equal((await db.query<{ v: string }>('SELECT v FROM t WHERE id = 3000')).rows[0]!.v, lit(model.get(3000)!));
  reloadSetting(db, 'shared_buffers', null);
  await db.close();
});

test('shared_buffers: given when the database opens (units, SHOW, pg_settings, bounds); a session SET is 55P02', async () => {
  const show = async (db: Vecgres): Promise<string> => (await db.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]!.shared_buffers;
  for (const [given, shown] of [['2GB', '2GB'], [1000, '8000kB'], ['256MB', '256MB']] as const) {
    const db = await Vecgres.create({ settings: { shared_buffers: given } });
    assert.equal(await show(db), shown);
    await db.close();
  }
  const db = await Vecgres.create({ settings: { shared_buffers: '256MB' } });
  const r = await db.query<Record<string, string>>("SELECT setting, unit, min_val, max_val, reset_val FROM pg_settings WHERE name = 'shared_buffers'");
  assert.deepEqual(r.rows[0], { setting: '32768', unit: '8kB', min_val: '16', max_val: '1073741823', reset_val: '32768' });
  // PostgreSQL fixes it at server start: SET, SET LOCAL and RESET in a session are refused
  // and change nothing.
  const refused = { code: '55P02', message: 'parameter "shared_buffers" cannot be changed without restarting the server' };
  await assert.rejects(db.exec("SET shared_buffers = '2GB'"), refused);
  await assert.rejects(db.exec('RESET shared_buffers'), refused);
  await assert.rejects(db.exec("BEGIN; SET LOCAL shared_buffers = '2GB'"), refused);
  await db.exec('ROLLBACK');
  await assert.rejects(db.query("SELECT set_config('shared_buffers', '2GB', false)"), refused);
  assert.equal(await show(db), '256MB');
  await db.close();
  await assert.rejects(Vecgres.create({ settings: { shared_buffers: '64kB' } }), { code: '22023', message: '8 8kB is outside the valid range for parameter "shared_buffers" (16 8kB .. 1073741823 8kB)' });
  await assert.rejects(Vecgres.create({ settings: { no_such_setting: 1 } }), { code: '42704' });
  await assert.rejects(Vecgres.create({ settings: { server_version: '9' } }), { code: '55P02' });
});

test('a delta carries rows of a segment that became full as their norms only: recovery reads base, segment files and deltas back', async () => {
  const fs = new MemoryFs();
  let db = await Vecgres.create('db', { storage: fs });
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(16), note text)');
  const p = new Prng(seed + 3);
  const model = new Map<number, number[]>();
  const add = async (from: number, n: number): Promise<void> => {
    const vals: string[] = [];
    for (let i = from; i < from + n; i++) {
      const v = randVec(p);
      model.set(i, v);
      vals.push(i % 97 === 0 ? `(${i}, NULL, 'n')` : `(${i}, '${lit(v)}', 'r${i}')`);
      if (i % 97 === 0) model.set(i, []);
    }
    await db.query(`INSERT INTO t VALUES ${vals.join(',')}`);
  };
  const expected = (): string[] => [...model.entries()].sort((a, b) => a[0] - b[0]).map(([id, v]) => `${id}:${v.length === 0 ? 'null' : lit(v)}`);
  const got = async (): Promise<string[]> => (await db.query<{ id: number; v: string | null }>('SELECT id, v FROM t ORDER BY id')).rows.map((r) => `${r.id}:${r.v === null ? 'null' : r.v}`);
  await add(0, 4 * SEGMENT_ROWS + 300); // 4 full segments, the fifth partly in the base
  await db.exec('CHECKPOINT');
  await add(4 * SEGMENT_ROWS + 300, SEGMENT_ROWS - 300 + 200); // fills the fifth: its file, and a delta
  await db.exec('CHECKPOINT');
  const st = db.database.durability!.lastCheckpoint!;
  assert.deepEqual([st.tableBaseFiles, st.tableDeltaFiles, st.segmentFiles], [0, 1, 1]);
  const control = readControl(fs, 'db')!.meta as { tables: { deltas: string[]; segFiles: string[] }[] };
  assert.deepEqual([control.tables[0]!.deltas.length, control.tables[0]!.segFiles.length], [1, 5]);
  await add(5 * SEGMENT_ROWS + 200, 100); // replayed from the log
  await db.query('DELETE FROM t WHERE id % 5 = 0');
  for (const id of [...model.keys()]) if (id % 5 === 0) model.delete(id);
  db.database.abandon();
  fs.crash();
  db = await Vecgres.create('db', { storage: fs });
  reloadSetting(db, 'shared_buffers', SMALL);
  assert.deepEqual(await got(), expected(), `seed ${seed}: base + segment files + deltas + log`);
  const q = randVec(p);
  const live = new Map([...model.entries()].filter(([, v]) => v.length > 0));
  assert.deepEqual((await knn(db, q)).d, exactTop(live, q));
  // Cosine uses the norms the delta carried.
  const c = await db.query<{ id: number }>(`SELECT id FROM t ORDER BY v <=> '${lit(q)}', id LIMIT 5`);
  reloadSetting(db, 'shared_buffers', null);
  const c2 = await db.query<{ id: number }>(`SELECT id FROM t ORDER BY v <=> '${lit(q)}', id LIMIT 5`);
  assert.deepEqual(c.rows, c2.rows);
  await db.close();
});

test('a checkpoint that runs out of disk while writing segment files leaves them dirty: nothing is evicted that no file holds, and a crash loses nothing', async () => {
  const { FaultyFs } = await import('../../src/storage/fs_faulty.js');
  const mem = new MemoryFs();
  const fs = new FaultyFs(mem, { seed });
  let db = await Vecgres.create('db', { storage: fs });
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(16))');
  const p = new Prng(seed + 4);
  const model = new Map<number, number[]>();
  await load(db, model, p, 0, 8_000);
  // Room for about three segment files, then ENOSPC.
  fs.spaceLeftBytes = 3.5 * SEGMENT_BYTES;
  await assert.rejects(db.exec('CHECKPOINT'), { code: '53100' });
  assert.deepEqual(segmentFiles(mem).filter((f) => !f.endsWith('.tmp')).length, 0, 'the failed checkpoint removed its files');
  reloadSetting(db, 'shared_buffers', SMALL);
  const ev = bufferCache.stats.evictions;
  const q = randVec(p);
  assert.deepEqual((await knn(db, q)).d, exactTop(model, q));
  assert.equal(bufferCache.stats.evictions, ev, 'no segment without a file is evicted');
  fs.spaceLeftBytes = Infinity;
  await db.exec('CHECKPOINT');
  assert.equal(segmentFiles(mem).length, 7);
  assert.deepEqual((await knn(db, q)).d, exactTop(model, q));
  assert.ok(bufferCache.stats.evictions > ev, 'segments with files are evicted once the checkpoint is in force');
  db.database.abandon();
  fs.powerCut();
  db = await Vecgres.create('db', { storage: fs });
  assert.deepEqual(await dump(db), modelDump(model));
  await db.close();
});

test('a table of wide vectors keeps writing small deltas: their share is counted against the base and the segment files together', async () => {
  const mem = new MemoryFs();
  let db = await Vecgres.create('db', { storage: mem });
  const dims = 128; // 128 rows a segment here (memoryBytesMax above)
  const rowsPerSegment = SEGMENT_BYTES / (dims * 4);
  await db.exec(`CREATE TABLE w (id int PRIMARY KEY, v vector(${dims}))`);
  const p = new Prng(seed + 5);
  const model = new Map<number, Float32Array>();
  const vecOf = (): Float32Array => Float32Array.from({ length: dims }, () => Math.round((p.next() * 2 - 1) * 1000) / 1000);
  let next = 0;
  const insert = async (n: number): Promise<void> => {
    for (let done = 0; done < n; ) {
      const k = Math.min(128, n - done);
      const vals: string[] = [];
      const params: unknown[] = [];
      for (let i = 0; i < k; i++) {
        const v = vecOf();
        model.set(next, v);
        vals.push(`($${2 * i + 1}, $${2 * i + 2})`);
        params.push(next++, v);
      }
      await db.query(`INSERT INTO w VALUES ${vals.join(',')}`, params);
      done += k;
    }
  };
  // Three full segments and half of a fourth: the base holds the half segment's vectors and
  // a few bytes per other row, about a sixth of the table's bytes.
  await insert(3 * rowsPerSegment + rowsPerSegment / 2);
  await db.exec('CHECKPOINT');
  const kinds: string[] = [];
  for (let round = 0; round < 4; round++) {
    await insert(rowsPerSegment / 8);
    for (let i = 0; i < 10; i++) {
      const id = p.int(next);
      const v = vecOf();
      model.set(id, v);
      await db.query('UPDATE w SET v = $1 WHERE id = $2', [v, id]);
    }
    await db.exec('CHECKPOINT');
    const st = db.database.durability!.lastCheckpoint!;
    kinds.push(st.tableBaseFiles === 1 ? 'base' : st.tableDeltaFiles === 1 ? 'delta' : 'none');
  }
  // Each delta (an eighth of a segment of new rows, ten new versions) is a third of the base,
  // but all four stay within a quarter of the base and the segment files: no base is rewritten.
  assert.deepEqual(kinds, new Array(4).fill('delta'), `seed ${seed}: ${kinds.join(' ')}`);
  db.database.abandon();
  mem.crash();
  db = await Vecgres.create('db', { storage: mem });
  reloadSetting(db, 'shared_buffers', SMALL);
  const r = await db.query<{ id: number; v: Float32Array }>('SELECT id, v FROM w ORDER BY id', [], { vectorFormat: 'float32array' });
  assert.equal(r.rows.length, model.size);
  for (const row of r.rows) assert.deepEqual(row.v, model.get(row.id), `seed ${seed}: row ${row.id} after recovery from the base, four deltas and the segment files`);
  await db.close();
});
