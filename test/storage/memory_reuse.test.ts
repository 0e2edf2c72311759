/**
 * Memory comes back: tables and indexes of varying dimensions created, filled and dropped in a
 * loop, and a growing data directory opened and closed again and again in one process (as a
 * long-running application restarting its database), leave the arena's top bounded and free
 * every byte they took. Answers are checked against pgvector along the way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memories as arena } from '../../src/kernels/memories.js';
import { Prng } from '../../src/common/prng.js';
import { Vecgres } from '../../src/index.js';
import { HnswIndex } from '../../src/access/hnsw/index.js';
import { openSqlPair, normalize } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const pair = await openSqlPair();
const CYCLES = Number(process.env['VECGRES_REUSE_CYCLES'] ?? 40);

function vec(prng: Prng, dim: number): string {
  return `[${Array.from({ length: dim }, () => prng.int(21) - 10).join(',')}]`;
}

test(`create / insert / index / drop cycles with varying dimensions do not leak (seed ${SEED})`, async () => {
  const prng = new Prng(SEED);
  const { db } = pair;
  const before = arena.allocatedBytes;
  let peakLive = 0;
  const tops: number[] = [];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const dim = 1 + prng.int(300);
    const rows = 1 + prng.int(60);
    const t = `cyc${cycle}`;
    await pair.both(`CREATE TABLE ${t} (id integer, v vector(${dim}), h halfvec(${dim}), u vector)`);
    const vals = Array.from({ length: rows }, (_, i) => {
      const v = vec(prng, dim);
      return `(${i}, '${v}', '${v}', '${vec(prng, 1 + prng.int(40))}')`;
    });
    await pair.both(`INSERT INTO ${t} VALUES ${vals.join(', ')}`);
    if (cycle % 2 === 0) await db.exec(`CREATE INDEX ON ${t} USING hnsw (v vector_l2_ops)`);
    const q = vec(prng, dim);
    const sql = `SELECT id, v <-> '${q}' AS d FROM ${t} ORDER BY v <-> '${q}', id LIMIT 5`;
    if (cycle % 2 === 1) {
      assert.deepEqual(normalize((await db.query(sql)).rows), normalize((await pair.oracle.query(sql)).rows), `cycle ${cycle} (seed ${SEED})`);
    } else {
      assert.equal((await db.query(sql)).rows.length, Math.min(5, rows));
    }
    if (cycle % 3 === 0) {
      // Two queries: VACUUM cannot run in the implicit transaction of a multi-statement query.
      await db.exec(`DELETE FROM ${t} WHERE id % 2 = 0`);
      await db.exec(`VACUUM ${t}`);
    }
    peakLive = Math.max(peakLive, arena.allocatedBytes);
    await pair.both(`DROP TABLE ${t}`);
    tops.push(arena.usedBytes);
  }
  // Everything a cycle took is back (the query scratch of the exact scan may keep one block).
  assert.ok(arena.allocatedBytes - before <= 64 * 1024, `${arena.allocatedBytes - before} bytes still held (seed ${SEED})`);
  const maxTop = Math.max(...tops);
  assert.ok(maxTop <= 65536 + 2 * peakLive, `arena top ${maxTop} vs peak live ${peakLive} (seed ${SEED})`);
});

test('reopening a growing data directory in one process does not leak', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-reuse-'));
  try {
    const prng = new Prng(SEED + 1);
    const opens = Number(process.env['VECGRES_REOPENS'] ?? 12);
    const base = arena.allocatedBytes;
    const afterClose: number[] = [];
    let peakLive = 0;
    let expect = 0;
    for (let i = 0; i < opens; i++) {
      const db = await Vecgres.create(dir);
      if (i === 0) {
        await db.exec('CREATE TABLE r (id integer, v vector(64)); CREATE INDEX ON r USING hnsw (v vector_cosine_ops)');
      }
      const rows = Array.from({ length: 50 }, (_, k) => `(${expect + k}, '${vec(prng, 64)}')`);
      await db.query(`INSERT INTO r VALUES ${rows.join(', ')}`);
      expect += 50;
      if (i % 3 === 2) await db.query('CHECKPOINT');
      const n = await db.query<{ count: number }>('SELECT count(*) FROM r');
      assert.equal(n.rows[0]!.count, expect);
      peakLive = Math.max(peakLive, arena.allocatedBytes);
      await db.close();
      assert.equal(arena.allocatedBytes, base, `open ${i}: ${arena.allocatedBytes - base} bytes not freed by close`);
      afterClose.push(arena.usedBytes);
    }
    const maxTop = Math.max(...afterClose);
    assert.ok(maxTop <= 65536 + 2 * peakLive, `arena top ${maxTop} vs peak live ${peakLive}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one-row vector(16000) tables cost about 64 KB each, in a loop', async () => {
  const { db } = pair;
  const prng = new Prng(SEED + 2);
  const n = Number(process.env['VECGRES_WIDE_TABLES'] ?? 120);
  const before = arena.allocatedBytes;
  const wide = vec(prng, 16000);
  for (let i = 0; i < n; i++) {
    await db.exec(`CREATE TABLE wide${i} (id integer, v vector(16000), h halfvec(16000))`);
    await db.query(`INSERT INTO wide${i} VALUES (${i}, $1, $1)`, [wide]);
  }
  const perTable = (arena.allocatedBytes - before) / n;
  // 64,000 bytes of float32 plus 32,000 of binary16, rounded to 64-byte blocks.
  assert.ok(perTable <= 64000 + 32000 + 4096, `${perTable} bytes per one-row table`);
  const t = db.database.catalog.getTable(`wide${n - 1}`)!;
  assert.equal(t.sizeBytes(), 8 + 64000 + 32000);
  // The value reads back as pgvector computes with it.
  await pair.oracle.exec(`CREATE TABLE wide (id integer, v vector(16000), h halfvec(16000)); INSERT INTO wide VALUES (0, '${wide}', '${wide}')`);
  const q = vec(prng, 16000);
  const sqlOurs = `SELECT v <-> '${q}' AS a, h <=> '${q}' AS b, vector_dims(v) AS c FROM wide${n - 1}`;
  const sqlTheirs = sqlOurs.replace(`wide${n - 1}`, 'wide');
  assert.deepEqual(normalize((await db.query(sqlOurs)).rows), normalize((await pair.oracle.query(sqlTheirs)).rows));
  for (let i = 0; i < n; i++) await db.exec(`DROP TABLE wide${i}`);
  assert.ok(arena.allocatedBytes - before <= 64 * 1024 + 64000, 'dropped tables gave their memory back');
});

test('DELETE + VACUUM gives back whole segments of dead rows; the space is reused; reopen agrees', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-vacuum-mem-'));
  const prng = new Prng(SEED + 3);
  try {
    // vector(4096) rows are 16 KB: 256 to a 4 MiB segment.
    const rows = Array.from({ length: 800 }, (_, i) => [i, vec(prng, 4096), vec(prng, 30)] as const);
    const db = await Vecgres.create(dir);
    await db.exec('CREATE TABLE big (id integer, v vector(4096), u vector)');
    for (let i = 0; i < rows.length; i += 100) {
      await db.query(`INSERT INTO big VALUES ${rows.slice(i, i + 100).map(([id, v, u]) => `(${id}, '${v}', '${u}')`).join(', ')}`);
    }
    await db.query('DELETE FROM big WHERE id < 600');
    const before = arena.allocatedBytes;
    await db.query('VACUUM big');
    const freed = before - arena.allocatedBytes;
    // Segments 0 and 1 (rows 0-511) are all dead; segment 2 still holds live rows 600-767.
    assert.ok(freed >= 2 * 4 * 2 ** 20, `VACUUM gave back ${freed} bytes`);
    const top = arena.usedBytes;
    const more = Array.from({ length: 400 }, (_, i) => [800 + i, vec(prng, 4096), vec(prng, 30)] as const);
    for (let i = 0; i < more.length; i += 100) {
      await db.query(`INSERT INTO big VALUES ${more.slice(i, i + 100).map(([id, v, u]) => `(${id}, '${v}', '${u}')`).join(', ')}`);
    }
    assert.ok(arena.usedBytes <= top, `new rows went above the top (${arena.usedBytes} > ${top}) instead of into the freed space`);
    const live = [...rows.filter(([id]) => id >= 600), ...more];
    await pair.oracle.exec('DROP TABLE IF EXISTS big; CREATE TABLE big (id integer, v vector(4096), u vector)');
    for (let i = 0; i < live.length; i += 100) {
      await pair.oracle.exec(`INSERT INTO big VALUES ${live.slice(i, i + 100).map(([id, v, u]) => `(${id}, '${v}', '${u}')`).join(', ')}`);
    }
    const q = vec(prng, 4096);
    const sql = `SELECT id, v <-> '${q}' AS d, u FROM big ORDER BY v <-> '${q}', id LIMIT 8`;
    const want = normalize((await pair.oracle.query(sql)).rows);
    assert.deepEqual(normalize((await db.query(sql)).rows), want);
    await db.close();
    const again = await Vecgres.create(dir);
    try {
      assert.deepEqual(normalize((await again.query(sql)).rows), want);
      const n = await again.query<{ count: number }>('SELECT count(*) FROM big');
      assert.equal(n.rows[0]!.count, live.length);
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an HNSW index reuses vacuumed nodes and keeps them across a checkpoint and reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-vacuum-hnsw-'));
  const prng = new Prng(SEED + 4);
  try {
    const db = await Vecgres.create(dir);
    await db.exec('CREATE TABLE h (id integer, v vector(32)); CREATE INDEX h_v ON h USING hnsw (v vector_l2_ops)');
    const rows = new Map<number, string>();
    const insert = async (from: number, n: number) => {
      const vals = Array.from({ length: n }, (_, k) => [from + k, vec(prng, 32)] as const);
      for (const [id, v] of vals) rows.set(id, v);
      await db.query(`INSERT INTO h VALUES ${vals.map(([id, v]) => `(${id}, '${v}')`).join(', ')}`);
    };
    await insert(0, 600);
    await db.query('DELETE FROM h WHERE id % 2 = 0');
    for (const id of [...rows.keys()]) if (id % 2 === 0) rows.delete(id);
    await db.query('VACUUM h');
    const graph = () => (db.database.indexes.get('h_v') as HnswIndex).state.graph;
    const count = graph().count;
    await insert(600, 200);
    assert.equal(graph().count, count, 'new rows took the vacuumed nodes');
    await db.query('CHECKPOINT');
    await insert(800, 50);
    await db.close();
    const again = await Vecgres.create(dir);
    try {
      const g = (again.database.indexes.get('h_v') as HnswIndex).state.graph;
      assert.equal(g.count, count, 'the reopened graph has the same nodes');
      assert.equal(g.reusableNodes, 300 - 200 - 50, 'the checkpoint kept the free records, replay reused as before');
      await pair.oracle.exec('DROP TABLE IF EXISTS h; CREATE TABLE h (id integer, v vector(32))');
      await pair.oracle.exec(`INSERT INTO h VALUES ${[...rows].map(([id, v]) => `(${id}, '${v}')`).join(', ')}`);
      await again.exec('SET enable_seqscan = off; SET hnsw.ef_search = 1000');
      for (let k = 0; k < 5; k++) {
        const q = vec(prng, 32);
        const sql = `SELECT v <-> '${q}' AS d FROM h ORDER BY v <-> '${q}' LIMIT 10`;
        assert.deepEqual(normalize((await again.query(sql)).rows), normalize((await pair.oracle.query(sql)).rows), `query ${k} (seed ${SEED})`);
      }
      const n = await again.query<{ count: number }>('SELECT count(*) FROM h');
      assert.equal(n.rows[0]!.count, rows.size);
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bulk INSERT statements are not kept by the parse cache', async () => {
  const { parseCacheSize, CACHE_SQL_CHARS_MAX } = await import('../../src/sql/parser/parse.js');
  const { db } = pair;
  const prng = new Prng(SEED + 5);
  await db.exec('CREATE TABLE bulk (id integer, v vector(256))');
  const before = parseCacheSize();
  for (let s = 0; s < 5; s++) {
    const sql = `INSERT INTO bulk VALUES ${Array.from({ length: 40 }, (_, k) => `(${s * 40 + k}, '${vec(prng, 256)}')`).join(', ')}`;
    assert.ok(sql.length > CACHE_SQL_CHARS_MAX);
    await db.query(sql);
  }
  assert.equal(parseCacheSize(), before, 'a long statement stayed in the parse cache');
  const n = await db.query<{ count: number }>('SELECT count(*) FROM bulk');
  assert.equal(n.rows[0]!.count, 200);
  await db.exec('DROP TABLE bulk');
});
