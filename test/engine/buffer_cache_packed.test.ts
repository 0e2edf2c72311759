/**
 * The buffer cache (storage/buffer_cache.ts) over `halfvec(n)` and `bit(n)` columns: their full
 * segments go to segment files at a checkpoint and are evicted and read back through a cache
 * far smaller than the table, as `vector(n)` segments are. Memories of 1 MiB make segments of
 * 64 KiB: 2,048 rows of halfvec(16) (32 bytes) and of bit(256) (32 bytes), so 12,000 rows fill
 * 5 segments of each column against a cache of 2 (16 blocks, PostgreSQL's minimum). Every
 * answer is compared with PGlite + pgvector holding the same rows (small-integer halfvec
 * values: the distances are exact, ties broken by id).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';
import { bufferCache } from '../../src/storage/buffer_cache.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { oracleForFile } from '../support/pglite.js';
import { reloadSetting } from '../support/start_settings.js';

const MB = 2 ** 20;
memories.memoryBytesMax = 1 * MB;
const DIM = 16;
const BITS = 256;
const SEGMENT_BYTES = memories.segmentBytesMax;
const SEGMENT_ROWS = SEGMENT_BYTES / (DIM * 2);
const SMALL = '128kB'; // 16 blocks: two segments
const SMALL_BYTES = 128 * 1024;
const ROWS = 12_000;
const seed = Number(process.env['VECGRES_SEED'] ?? 5);
const oracle = await oracleForFile();

function halfLit(p: Prng): string {
  return `[${Array.from({ length: DIM }, () => p.int(21) - 10).join(',')}]`;
}

function bitLit(p: Prng): string {
  let s = '';
  for (let i = 0; i < BITS; i++) s += p.int(2) === 1 ? '1' : '0';
  return s;
}

/** Runs `sql` on both and returns both results' rows as JSON (text values). */
async function both(db: Vecgres, sql: string): Promise<[string, string]> {
  const got = (await db.query(sql)).rows;
  const want = (await oracle.query(sql)).rows;
  return [JSON.stringify(got), JSON.stringify(want)];
}

async function same(db: Vecgres, sql: string, what: string): Promise<void> {
  const [got, want] = await both(db, sql);
  assert.equal(got, want, `seed ${seed}: ${what}: ${sql}`);
}

const DUMP = 'SELECT id, h::text AS h, b::text AS b FROM t ORDER BY id';

/** Rows `from .. from + n - 1` inserted into both (every 101st row's halfvec NULL). */
async function load(db: Vecgres, p: Prng, from: number, n: number): Promise<void> {
  for (let start = from; start < from + n; start += 500) {
    const vals: string[] = [];
    for (let i = start; i < Math.min(from + n, start + 500); i++) {
      const h = i % 101 === 0 ? 'NULL' : `'${halfLit(p)}'`;
      vals.push(`(${i}, ${h}, B'${bitLit(p)}')`);
    }
    const sql = `INSERT INTO t VALUES ${vals.join(',')}`;
    await db.query(sql);
    await oracle.query(sql);
  }
}

function segmentFiles(fs: MemoryFs): string[] {
  return fs.list('db/base').filter((f) => /^t\d+c\d+s\d+\./.test(f));
}

/** The exact top-10 queries compared (every distance kernel of the two types). */
function knnQueries(p: Prng): string[] {
  const h = halfLit(p);
  const b = bitLit(p);
  return [
    `SELECT id, (h <-> '${h}')::text AS d FROM t ORDER BY h <-> '${h}', id LIMIT 10`,
    `SELECT id, (h <=> '${h}')::text AS d FROM t ORDER BY h <=> '${h}', id LIMIT 10`,
    `SELECT id, (h <+> '${h}')::text AS d FROM t ORDER BY h <+> '${h}', id LIMIT 10`,
    `SELECT id, (b <~> B'${b}')::text AS d FROM t ORDER BY b <~> B'${b}', id LIMIT 10`,
    `SELECT id, (b <%> B'${b}')::text AS d FROM t ORDER BY b <%> B'${b}', id LIMIT 10`,
  ];
}

test('halfvec(n) and bit(n) segments: exact scans through a cache of 2 segments stream 10 and answer as PGlite; UPDATE, DELETE, an HNSW index, crash and reopen', async () => {
  assert.equal(SEGMENT_ROWS, 2048);
  await oracle.exec('DROP TABLE IF EXISTS t; CREATE TABLE t (id int PRIMARY KEY, h halfvec(16), b bit(256))');
  const fs = new MemoryFs();
  let db = await Vecgres.create('db', { storage: fs });
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, h halfvec(16), b bit(256))');
  const p = new Prng(seed);
  await load(db, p, 0, ROWS);
  await db.exec('CHECKPOINT');
  const full = Math.floor(ROWS / SEGMENT_ROWS);
  assert.equal(db.database.durability!.lastCheckpoint!.segmentFiles, 2 * full, 'one file per full segment of each column');
  assert.equal(segmentFiles(fs).length, 2 * full);
  const queries = knnQueries(p);
  reloadSetting(db, 'shared_buffers', SMALL);
  await db.query('SELECT 1'); // evicts down to the cache at its start (not counted in a query's peak)
  const ev0 = bufferCache.stats.evictions;
  const faults0 = bufferCache.stats.faults;
  for (const q of queries) {
    bufferCache.peakResidentBytes = 0;
    await same(db, q, 'exact top-10, small cache');
    assert.ok(bufferCache.peakResidentBytes <= SMALL_BYTES + SEGMENT_BYTES, `seed ${seed}: peak ${bufferCache.peakResidentBytes} bytes resident over a cache of ${SMALL_BYTES}: ${q}`);
  }
  assert.ok(bufferCache.stats.evictions - ev0 >= queries.length, 'scans evict behind themselves');
  assert.ok(bufferCache.stats.faults > faults0, 'segments are read back');
  bufferCache.peakResidentBytes = 0;
  await same(db, DUMP, 'every row');
  // A scan reading both columns keeps the segment it is on of each pinned.
  assert.ok(bufferCache.peakResidentBytes <= SMALL_BYTES + 2 * SEGMENT_BYTES, `a whole-table SELECT streams: peak ${bufferCache.peakResidentBytes}`);
  await same(db, 'SELECT h::text, b::text FROM t WHERE id = 2500', 'a row by key');
  // A filtered exact search reads rows by other paths.
  await same(db, `SELECT id FROM t WHERE id % 7 = 3 ORDER BY h <-> '${halfLit(p)}', id LIMIT 5`, 'a filtered exact search');

  // Updates of rows in evicted segments (new versions append), a copy of evicted values, deletes.
  for (let i = 0; i < 30; i++) {
    const sql = `UPDATE t SET h = '${halfLit(p)}' WHERE id = ${p.int(ROWS)}`;
    await db.query(sql);
    await oracle.query(sql);
  }
  for (const sql of [
    'UPDATE t SET id = id + 100000 WHERE id BETWEEN 10 AND 19',
    `DELETE FROM t WHERE id >= ${SEGMENT_ROWS} AND id < ${2 * SEGMENT_ROWS}`,
  ]) {
    await db.query(sql);
    await oracle.query(sql);
  }
  await load(db, p, 20_000, 2_500);
  await db.exec('VACUUM t');
  await db.exec('CHECKPOINT');
  await same(db, DUMP, 'after UPDATE, DELETE, VACUUM and a checkpoint');
  for (const q of knnQueries(p)) await same(db, q, 'exact top-10 after changes');

  // An HNSW index built over evicted rows, its scan fetching rows of evicted segments (a
  // smaller table: an index lives in one 1 MiB memory here).
  for (const sql of ['CREATE TABLE u (id int PRIMARY KEY, h halfvec(16))', 'INSERT INTO u SELECT id, h FROM t WHERE id < 4200']) {
    await db.query(sql);
    await oracle.query(sql);
  }
  await db.exec('CHECKPOINT');
  await db.query(queries[0]!); // a scan of t evicts u's segments
  const faultsU = bufferCache.stats.faults;
  await db.exec('CREATE INDEX ON u USING hnsw (h halfvec_l2_ops) WITH (m = 4)');
  assert.ok(bufferCache.stats.faults > faultsU, 'the build reads evicted segments back');
  await db.query(queries[0]!);
  const hq = halfLit(p);
  const viaIndex = (await db.query<{ id: number; h: string; d: string }>(`SELECT id, h::text AS h, (h <-> '${hq}')::text AS d FROM u ORDER BY h <-> '${hq}' LIMIT 10`)).rows;
  assert.equal(viaIndex.length, 10);
  for (const r of viaIndex) {
    const want = (await oracle.query(`SELECT h::text AS h, (h <-> '${hq}')::text AS d FROM u WHERE id = ${r.id}`)).rows[0];
    assert.deepEqual({ h: r.h, d: r.d }, want, `seed ${seed}: row ${r.id} fetched by the index scan`);
  }
  const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM u ORDER BY h <-> '${hq}' LIMIT 10`)).rows.map((r) => r['QUERY PLAN']).join('\n');
  assert.match(plan, /Index Scan using/);
  await db.exec('DROP TABLE u');
  await oracle.exec('DROP TABLE u');

  // Work after the checkpoint is replayed from the log after a crash (a delta and appended rows).
  await load(db, p, 30_000, 1_500);
  for (const sql of ['DELETE FROM t WHERE id BETWEEN 5000 AND 5100', `UPDATE t SET b = B'${bitLit(p)}' WHERE id % 97 = 1`]) {
    await db.query(sql);
    await oracle.query(sql);
  }
  await db.exec('CHECKPOINT');
  await load(db, p, 40_000, 300);
  db.database.abandon();
  fs.crash();
  db = await Vecgres.create('db', { storage: fs });
  reloadSetting(db, 'shared_buffers', SMALL);
  await same(db, DUMP, 'the state after a crash');
  for (const q of knnQueries(p)) await same(db, q, 'exact top-10 after a crash');
  await db.close();
  // A clean reopen reads no segment until a query needs it.
  const faults = bufferCache.stats.faults;
  db = await Vecgres.create('db', { storage: fs });
  assert.equal(bufferCache.stats.faults, faults, 'open reads no segment file');
  reloadSetting(db, 'shared_buffers', SMALL);
  for (const q of knnQueries(p)) await same(db, q, 'exact top-10 after a reopen');
  assert.ok(bufferCache.stats.faults > faults, 'the scans read segments back');
  await db.exec('DROP TABLE t');
  await db.exec('CHECKPOINT');
  assert.deepEqual(segmentFiles(fs), [], 'DROP TABLE drops the segment files at the next checkpoint');
  reloadSetting(db, 'shared_buffers', null);
  await db.close();
  await oracle.exec('DROP TABLE t');
});
