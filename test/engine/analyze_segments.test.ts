/**
 * ANALYZE over a table larger than the buffer cache reads only what its statistics need
 * (sql/stats/analyze.ts): `vector(n)`, `halfvec(n)` and `bit(n)` columns wider than analyze.c's
 * WIDTH_THRESHOLD get their null fraction and width from the NULL flags and the dimension, so
 * no segment of theirs is read back; a narrow vector column's values are read, from the
 * segments holding sampled rows only. Segment reads are counted by the cache's counters
 * (bufferCache.stats.faults); the statistics are compared with PGlite + pgvector's pg_stats on
 * the same rows (fewer rows than the sample: both exact). Memories of 1 MiB make segments of
 * 64 KiB: 32 rows of vector(300) (1,200 bytes), 1,024 of vector(16).
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

memories.memoryBytesMax = 1024 * 1024;
const ROWS = 2_000;
const seed = Number(process.env['VECGRES_SEED'] ?? 9);
const oracle = await oracleForFile();
// One wide column a table: rows stay under PostgreSQL's TOAST threshold (2 kB), where it would
// compress values and measure their compressed width (vecgres does not compress).
const TABLES: [string, string, (p: Prng, i: number) => string][] = [
  ['tv', 'v vector(300), small vector(16)', (p, i) => `${i % 7 === 0 ? 'NULL' : `'${ints(p, 300, 5)}'`}, ${i % 11 === 0 ? 'NULL' : `'${ints(p, 16, 3)}'`}`],
  ['th', 'h halfvec(600)', (p, i) => (i % 5 === 0 ? 'NULL' : `'${ints(p, 600, 5)}'`)],
  ['tb', 'b bit(9000)', (p, i) => (i % 3 === 0 ? 'NULL' : `B'${bits(p, 9000)}'`)],
];
const STATS = `SELECT tablename::text, attname::text, null_frac, avg_width, n_distinct, most_common_vals::text, histogram_bounds::text, correlation
  FROM pg_stats WHERE tablename IN ('tv', 'th', 'tb') ORDER BY tablename, attname`;

function ints(p: Prng, n: number, span: number): string {
  return `[${Array.from({ length: n }, () => p.int(span)).join(',')}]`;
}

function bits(p: Prng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += p.int(2) === 1 ? '1' : '0';
  return s;
}

async function stats(db: Vecgres): Promise<[string, string]> {
  return [JSON.stringify((await db.query(STATS)).rows), JSON.stringify((await oracle.query(STATS)).rows)];
}

test('ANALYZE reads no segment of wide vector columns and only the sampled segments of a narrow one; pg_stats equals PostgreSQL', async () => {
  const fs = new MemoryFs();
  let db = await Vecgres.create('db', { storage: fs });
  reloadSetting(db, 'autovacuum', 'off');
  const p = new Prng(seed);
  for (const [name, cols, row] of TABLES) {
    const ddl = `CREATE TABLE ${name} (id int PRIMARY KEY, ${cols})`;
    await db.exec(ddl);
    await oracle.exec(`DROP TABLE IF EXISTS ${name}; ${ddl}`);
    for (let start = 0; start < ROWS; start += 100) {
      const vals: string[] = [];
      for (let i = start; i < start + 100; i++) vals.push(`(${i}, ${row(p, i)})`);
      const sql = `INSERT INTO ${name} VALUES ${vals.join(',')}`;
      await db.query(sql);
      await oracle.query(sql);
    }
  }
  await db.exec('CHECKPOINT');
  assert.ok(db.database.durability!.lastCheckpoint!.segmentFiles > 100, 'the wide columns are in segment files');
  reloadSetting(db, 'shared_buffers', '128kB');
  await db.query('SELECT 1'); // evicts down to the cache
  const f0 = bufferCache.stats.faults;
  await db.exec('ANALYZE tv (id, v)');
  await db.exec('ANALYZE th');
  await db.exec('ANALYZE tb');
  assert.equal(bufferCache.stats.faults, f0, `seed ${seed}: ANALYZE of the wide columns read no segment`);
  await db.exec('ANALYZE tv (small)');
  const smallReads = bufferCache.stats.faults - f0;
  // vector(16): 1,024 rows a segment, 2 segments (the second one not full, so never evicted).
  assert.ok(smallReads <= 1, `seed ${seed}: ANALYZE of the narrow column read ${smallReads} segments`);
  await oracle.exec('ANALYZE tv; ANALYZE th; ANALYZE tb');
  const [got, want] = await stats(db);
  assert.equal(got, want, `seed ${seed}: pg_stats`);
  await db.close();
  // After a reopen, the first statement's automatic ANALYZE reads only the narrow column.
  const f1 = bufferCache.stats.faults;
  db = await Vecgres.create('db', { storage: fs });
  reloadSetting(db, 'shared_buffers', '128kB');
  assert.equal((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tv')).rows[0]!.n, ROWS);
  await db.query('SELECT 1'); // the automatic analyze ran at the last boundary
  assert.ok(bufferCache.stats.faults - f1 <= 1, `seed ${seed}: the automatic analyze read ${bufferCache.stats.faults - f1} segments`);
  const [got2] = await stats(db);
  assert.equal(got2, want, `seed ${seed}: pg_stats after the automatic analyze`);
  reloadSetting(db, 'shared_buffers', null);
  await db.close();
  await oracle.exec('DROP TABLE tv, th, tb');
});
