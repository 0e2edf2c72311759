/**
 * Several WebAssembly memories (kernels/memories.ts), tested with memories of 2 MiB (segments
 * of 128 KiB) so that tables span memories cheaply: a table's segments and per-row blocks lie
 * in several memories and every exact scan, k-NN strategy and index answers as PostgreSQL +
 * pgvector (PGlite) does; an index lives in one memory of its own; an HNSW index larger than
 * one memory is split into partitions, an IVFFlat one is a clean 53200 with a hint; the total limit is 53200 leaving everything as it was;
 * a sparsevec HNSW index (its keys' side heap) and a bit IVFFlat index made in another memory
 * than their rows answer as pgvector; DROP, TRUNCATE, VACUUM and close give the memory back
 * and empty memories are released.
 *
 * Memories are squeezed with untouched filler blocks (no RAM behind them) before each batch
 * of rows, so each batch goes to memories of its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelsOf } from '../../src/kernels/fast.js';
import { hnswKernelOf } from '../../src/access/hnsw/kernel.js';
import { memories, MEMORY_STRIDE } from '../../src/kernels/memories.js';
import { Vecgres } from '../../src/index.js';
import type { HnswIndex } from '../../src/access/hnsw/index.js';
import { openSqlPair } from '../support/sql_pair.js';
import { parallelKnnOptions } from '../../src/sql/exec/parallel_knn_leader.js';

const MB = 2 ** 20;
memories.memoryBytesMax = 2 * MB;
assert.equal(memories.memories[0]!.maxBytes, 2 * MB, 'the set starts over with small memories');
const pair = await openSqlPair();
const { db } = pair;

/** Filler blocks (address, bytes), never written, so the OS backs them with no memory. */
const fillers: Array<[number, number]> = [];

/** Fills the free blocks below the top of every memory, then leaves at most `room` bytes above it. */
function squeeze(room: number): void {
  for (const m of memories.memories) {
    for (const size of [64 * 1024, 4096, 64]) {
      while (m.freeBytes >= size) {
        const top = m.topBytes;
        const p = m.tryAlloc(size);
        if (p < 0) break;
        if (p >= top) {
          m.free(p, size);
          break;
        }
        fillers.push([m.id * MEMORY_STRIDE + p, size]);
      }
    }
    const above = m.maxBytes - m.headroomBytes - m.topBytes;
    if (above <= room) continue;
    const bytes = above - room;
    fillers.push([m.id * MEMORY_STRIDE + m.alloc(bytes, 'test filler'), bytes]);
  }
}

function unsqueeze(): void {
  for (const [a, b] of fillers.splice(0)) memories.free(a, b);
}

/** SQL for row i's vector of 128 dimensions, distinct per row (small integers: exact in halfvec). */
function vec128(i: string): string {
  return `'[' || repeat((${i} % 97)::text || ',' || (${i} % 89)::text || ',' || (${i} % 83)::text || ',' || (${i} % 1009)::text || ',', 31) || '1,2,3,' || ${i}::text || ']'`;
}

/** The memories that hold column `col`'s rows of table `t`. */
function memoryIds(t: string, col: string, packed = false): Set<number> {
  const table = db.database.catalog.getTable(t)!;
  const c = table.columnIndex(col);
  const ids = new Set<number>();
  for (let r = 0; r < table.slots; r++) {
    const addr = packed ? table.packedColumn(c)!.ptr(r) : table.vectorPtr(c, r);
    if (addr !== 0) ids.add(Math.floor(addr / MEMORY_STRIDE));
  }
  return ids;
}

function allocated(): number {
  return memories.allocatedBytes;
}

const queries = [5001, 5002, 5003, 77].map((i) => {
  const parts: number[] = [];
  for (let k = 0; k < 31; k++) parts.push(i % 97, i % 89, i % 83, i % 1009);
  parts.push(1, 2, 3, i);
  return `[${parts.join(',')}]`;
});

const baseline = allocated();

test('a table spans memories; exact scans and k-NN agree with pgvector', async () => {
  await pair.both('CREATE TABLE t (id integer PRIMARY KEY, v vector(128), h halfvec(128), u vector)');
  for (let b = 0; b < 3; b++) {
    squeeze(16 * 1024);
    await pair.both(
      `INSERT INTO t SELECT i, (${vec128('i')})::vector(128), (${vec128('i')})::halfvec(128), ('[' || (i % 7)::text || ',' || (i % 5)::text || ']')::vector FROM generate_series(${b * 300 + 1}, ${b * 300 + 300}) i`,
    );
  }
  const vIds = memoryIds('t', 'v');
  assert.ok(vIds.size >= 3, `vector segments in ${vIds.size} memories`);
  assert.ok(memoryIds('t', 'u').size >= 2, 'per-row blocks in several memories');
  // Every memory runs the SIMD kernels (a memory the module cannot import would fall back).
  for (const m of memories.memories) {
    assert.equal(kernelsOf(m).name, 'wasm-simd');
    assert.equal(hnswKernelOf(m).name, 'wasm-simd');
  }
  for (const q of queries) {
    for (const op of ['<->', '<=>', '<#>', '<+>']) {
      await pair.same(`SELECT id, v ${op} '${q}' AS d FROM t ORDER BY v ${op} '${q}', id LIMIT 10`);
    }
    await pair.same(`SELECT id, h <-> '${q}'::halfvec AS d FROM t ORDER BY h <-> '${q}'::halfvec, id LIMIT 10`);
    await pair.same(`SELECT id, h <=> '${q}'::halfvec AS d FROM t ORDER BY h <=> '${q}'::halfvec, id LIMIT 10`);
    // Distances evaluated per row (the exact kernels with the query copied beside each row).
    await pair.same(`SELECT id, v <-> '${q}' AS a, v <=> '${q}' AS b, l2_distance(v, (SELECT v FROM t WHERE id = 1)) AS c FROM t WHERE id % 37 = 0 ORDER BY id`);
    // Distances the Seq Scan computes into its projection (exec/scan_projection.ts) in an aggregate level.
    await pair.same(`SELECT id % 5 AS g, min(v <-> '${q}') AS a, max(v <=> '${q}') AS b, sum(v <#> '${q}') AS c, min(v <+> '${q}') AS d FROM t GROUP BY 1 ORDER BY 1`);
  }
  await pair.same(`SELECT id, u <-> '[3,4]' AS d FROM t ORDER BY u <-> '[3,4]', id LIMIT 12`);
  // Rows of two memories compared with each other.
  await pair.same('SELECT a.id, b.id, a.v <-> b.v AS d, a.v <#> b.v AS ip FROM t a JOIN t b ON b.id = a.id + 450 WHERE a.id % 50 = 1 ORDER BY a.id');
  // The parallel exact scan (exec/parallel_knn.ts): participants switch memories chunk by chunk.
  await pair.both('SET max_parallel_workers_per_gather = 1; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0');
  parallelKnnOptions.chunkRowsMax = 32;
  parallelKnnOptions.fixedChunks = true;
  try {
    for (const q of queries.slice(0, 2)) {
      for (const op of ['<->', '<=>', '<#>', '<+>']) {
        const sql = `SELECT id, v ${op} '${q}' AS d FROM t ORDER BY v ${op} '${q}', id LIMIT 10`;
        assert.match((await db.query(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((r) => Object.values(r)[0]).join('\n'), /Parallel Seq Scan/);
        await pair.same(sql);
      }
      await pair.same(`SELECT id, h <=> '${q}'::halfvec AS d FROM t ORDER BY h <=> '${q}'::halfvec, id LIMIT 10`);
    }
  } finally {
    parallelKnnOptions.chunkRowsMax = 4096;
    parallelKnnOptions.fixedChunks = false;
    await pair.both('RESET ALL');
  }
  unsqueeze();
});

test('indexes live in one memory of their own and answer across memories', async () => {
  squeeze(100 * 1024);
  const before = memories.memories.length;
  await pair.both('CREATE INDEX t_hnsw ON t USING hnsw (v vector_l2_ops)');
  assert.equal(memories.memories.length, before + 1, 'the graph went to a new memory');
  const graphMemory = memories.memories[memories.memories.length - 1]!;
  assert.ok(!memoryIds('t', 'v').has(graphMemory.id));
  assert.ok(graphMemory.allocatedBytes > 900 * 128 * 4, 'the whole graph is in it');
  // ef_search above the row count: the search visits the whole graph, so the top 10 is exact.
  await db.exec('SET hnsw.ef_search = 1000; SET enable_seqscan = off');
  // (Queries whose top 10 has no tied distances: an index returns ties in its own order.)
  for (const q of queries.slice(0, 3)) {
    const sql = `SELECT id, v <-> '${q}' AS d FROM t ORDER BY v <-> '${q}' LIMIT 10`;
    const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`);
    assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /Index Scan using t_hnsw/);
    await pair.same(sql);
  }
  // A filtered search (the filter's bitmap lies in another memory than the graph).
  for (const strategy of ['traversal', 'exact']) {
    await db.exec(`SET vecgres.filtered_search = ${strategy}`);
    await pair.same(`SELECT id, v <-> '${queries[0]}' AS d FROM t WHERE id % 3 = 1 ORDER BY v <-> '${queries[0]}' LIMIT 8`);
  }
  await db.exec('RESET vecgres.filtered_search; RESET hnsw.ef_search');
  // Inserts after the build grow the graph in its memory while rows go anywhere.
  await pair.both(`INSERT INTO t SELECT i, (${vec128('i')})::vector(128), NULL, NULL FROM generate_series(901, 960) i`);
  await db.exec('SET hnsw.ef_search = 1000');
  await pair.same(`SELECT id, v <-> '${queries[2]}' AS d FROM t ORDER BY v <-> '${queries[2]}' LIMIT 10`);
  await pair.both('DROP INDEX t_hnsw');
  // IVFFlat with every list probed is exact.
  await pair.both('CREATE INDEX t_ivf ON t USING ivfflat (v vector_l2_ops) WITH (lists = 8)');
  await pair.both('SET ivfflat.probes = 8');
  for (const q of queries.slice(0, 3)) await pair.same(`SELECT id, v <-> '${q}' AS d FROM t ORDER BY v <-> '${q}' LIMIT 10`);
  await pair.both('DROP INDEX t_ivf; RESET ivfflat.probes');
  await db.exec('RESET hnsw.ef_search; RESET enable_seqscan');
  unsqueeze();
});

test('an index made before its rows keeps its memory to itself: rows go to other memories', async () => {
  await pair.both('CREATE TABLE g (id integer, v vector(128))');
  const before = new Set(memories.memories);
  await pair.both('CREATE INDEX g_hnsw ON g USING hnsw (v vector_l2_ops)');
  const pinned = memories.memories.filter((m) => m.indexes > 0);
  assert.equal(pinned.length, 1);
  const graphMemory = pinned[0]!;
  for (let b = 0; b < 3; b++) {
    await pair.both(`INSERT INTO g SELECT i, (${vec128('i')})::vector(128) FROM generate_series(${b * 300 + 1}, ${b * 300 + 300}) i`);
  }
  assert.ok(!memoryIds('g', 'v').has(graphMemory.id), 'no table segment in the index memory');
  assert.ok(before.has(graphMemory) || memories.memories.length > before.size);
  await db.exec('SET hnsw.ef_search = 1000; SET enable_seqscan = off');
  for (const q of queries.slice(0, 3)) await pair.same(`SELECT id, v <-> '${q}' AS d FROM g ORDER BY v <-> '${q}' LIMIT 10`);
  await db.exec('RESET hnsw.ef_search; RESET enable_seqscan');
  await pair.both('DROP TABLE g');
  assert.equal(graphMemory.indexes, 0, 'DROP TABLE unpinned the index memory');
});

test('an index larger than one memory: HNSW is split into partitions; an IVFFlat k-means sample larger than a memory is 53200 saying so, and nothing changes', async () => {
  await pair.both('CREATE TABLE wide (id integer, v vector(1000))');
  await pair.both(`INSERT INTO wide SELECT i, ('[' || repeat((i % 13)::text || ',', 999) || i::text || ']')::vector(1000) FROM generate_series(1, 700) i`);
  const held = allocated();
  const count = memories.memories.length;
  await assert.rejects(db.exec('CREATE INDEX wide_ivf ON wide USING ivfflat (v vector_l2_ops) WITH (lists = 1)'), (e: { code: string; message: string; detail: string; hint: string }) => {
    assert.equal(e.code, '53200');
    assert.equal(e.message, 'out of memory');
    // 700 rows of 1,000-d: the k-means sample (every row, 2.8 MB) lies with the centers in one memory.
    assert.match(e.detail, /^Failed on request of size \d+ in memory context "IVFFlat k-means samples": the block must lie in one WebAssembly memory \(at most 2 MiB\), which has [\d.]+ (kB|MiB) left\.$/);
    assert.match(e.hint, /^vecgres\.memory_limit is not what failed/);
    return true;
  });
  assert.equal(allocated(), held, 'the half-built lists were freed');
  assert.ok(memories.memories.length <= count + 1);
  // HNSW: 700 x 1,000-d is 2.8 MB of graph, in partitions of memories of their own (access/hnsw/partitions.ts).
  await db.exec('CREATE INDEX wide_hnsw ON wide USING hnsw (v vector_l2_ops)');
  const ix = db.database.indexes.get('wide_hnsw') as HnswIndex;
  assert.ok(ix.partitions.length >= 2, `${ix.partitions.length} partitions`);
  await db.exec('SET hnsw.ef_search = 1000; SET enable_seqscan = off');
  const q = `[${Array(1000).fill(3).join(',')}]`;
  const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM wide ORDER BY v <-> '${q}' LIMIT 5`);
  assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /Index Scan using wide_hnsw/);
  // The three nearest have distinct distances (0, 13, 26; the next ones tie).
  await pair.same(`SELECT id, v <-> '${q}' AS d FROM wide ORDER BY v <-> '${q}' LIMIT 3`);
  await db.exec('RESET hnsw.ef_search; RESET enable_seqscan');
  await pair.both('DROP TABLE wide');
  assert.equal(memories.memories.filter((m) => m.indexes > 0).length, 0, 'DROP TABLE unpinned every partition');
});

test('an index expected to outgrow one memory still gets an empty memory, not a full one', async () => {
  // The expected size carries a growth margin; past one memory it used to pick the memory with
  // the most room, which table segments had filled (a 1,000,000 x 1,536-d halfvec index, 3.3 GB,
  // failed this way after its table's load).
  await db.exec('CREATE TABLE near (id integer, v vector(128))');
  await db.exec(`INSERT INTO near SELECT i, (${vec128('i')})::vector(128) FROM generate_series(1, 2000) i`);
  squeeze(64 * 1024);
  const count = memories.memories.length;
  const chosen = memories.forIndex(3 * MB);
  try {
    assert.equal(memories.memories.length, count + 1, 'a new memory');
    assert.ok(chosen.isEmpty && !memoryIds('near', 'v').has(chosen.id));
  } finally {
    memories.unpin(chosen);
  }
  unsqueeze();
  await db.exec('DROP TABLE near');
});

test('the total limit is 53200 over all memories, leaving the table as it was', async () => {
  await pair.both('CREATE TABLE lim (id integer, v vector(128))');
  await db.exec(`SET vecgres.memory_limit = ${Math.ceil((memories.usedBytes + 3 * MB) / 1024)}`);
  let failed = false;
  let rows = 0;
  for (let b = 0; b < 100 && !failed; b++) {
    try {
      await db.exec(`INSERT INTO lim SELECT i, (${vec128('i')})::vector(128) FROM generate_series(${b * 500 + 1}, ${b * 500 + 500}) i`);
      rows += 500;
    } catch (e) {
      const err = e as { code: string; message: string; detail: string };
      assert.equal(err.code, '53200');
      assert.equal(err.message, 'out of memory');
      assert.match(err.detail, /^Failed on request of size \d+ in memory context "vector column"\.$/);
      failed = true;
    }
  }
  assert.ok(failed, 'the limit was reached');
  assert.ok(memoryIds('lim', 'v').size >= 2, 'the table filled several memories first');
  const n = await db.query<{ count: number }>('SELECT count(*) FROM lim');
  assert.equal(n.rows[0]!.count, rows);
  await db.exec('RESET vecgres.memory_limit');
  await pair.theirs(`INSERT INTO lim SELECT i, (${vec128('i')})::vector(128) FROM generate_series(1, ${rows}) i`);
  await pair.same(`SELECT id, v <-> '${queries[1]}' AS d FROM lim ORDER BY v <-> '${queries[1]}', id LIMIT 10`);
  await pair.both('DROP TABLE lim');
});

/** SQL for row i's sparsevec of 2,000 dimensions: three non-zeros, distinct per row. */
function sparse(i: string): string {
  return `('{' || (${i} % 50 + 1)::text || ':' || (${i} % 7 + 1)::text || ',' || (${i} % 311 + 100)::text || ':' || (${i} % 13 + 1)::text || ',' || (${i} % 997 + 500)::text || ':' || (${i} % 5 + 1)::text || '}/2000')::sparsevec`;
}

/** Row i's bit(64) literal: two multiplicative hashes of i, distinct per row. */
function bits64(i: number): string {
  const h = (x: number): string => (x >>> 0).toString(2).padStart(32, '0');
  return `B'${h(Math.imul(i, 2654435761))}${h(Math.imul(i, 40503) + 12345)}'`;
}

/** INSERT of rows `from`..`to` of table sb. */
function sbRows(from: number, to: number): string {
  const rows: string[] = [];
  for (let i = from; i <= to; i++) rows.push(`(${i}, ${sparse(String(i))}, ${bits64(i)})`);
  return `INSERT INTO sb VALUES ${rows.join(',')}`;
}

test('a sparsevec HNSW index and a bit IVFFlat index in a second memory answer as pgvector', async () => {
  await pair.both('CREATE TABLE sb (id integer, s sparsevec(2000), b bit(64))');
  await pair.both(sbRows(1, 600));
  const sq = ["'{1:2,120:3,600:1}/2000'", "'{7:5,300:1,1400:4}/2000'", "'{50:1,2000:2}/2000'"];
  const bq = ["B'1010101010101010101010101010101010101010101010101010101010101010'", bits64(123456789)];
  for (const [index, spec] of [['sb_s', 'hnsw (s sparsevec_l2_ops)'], ['sb_b', 'ivfflat (b bit_hamming_ops) WITH (lists = 6)']]) {
    squeeze(100 * 1024);
    const pins = new Map(memories.memories.map((m) => [m, m.indexes]));
    await db.exec(`CREATE INDEX ${index} ON sb USING ${spec}`);
    unsqueeze();
    const own = memories.memories.filter((m) => m.indexes > (pins.get(m) ?? 0));
    assert.equal(own.length, 1, `${index} lives in one memory`);
    assert.notEqual(own[0]!.id, 0, `${index} is in a second memory`);
    assert.ok(!memoryIds('sb', 'b', true).has(own[0]!.id), `${index}: no row of the table in its memory`);
  }
  await db.exec('SET hnsw.ef_search = 1000; SET ivfflat.probes = 6; SET enable_seqscan = off');
  await pair.both('SET ivfflat.probes = 6');
  const check = async (): Promise<void> => {
    for (const q of sq) {
      // ef_search above the row count: the whole graph is searched, so the distances are exact.
      const sql = `SELECT s <-> ${q} AS d FROM sb ORDER BY s <-> ${q} LIMIT 10`;
      const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`);
      assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /Index Scan using sb_s/);
      await pair.same(sql);
      await pair.same(`SELECT s <-> ${q} AS d FROM sb WHERE id % 3 = 1 ORDER BY s <-> ${q} LIMIT 10`);
    }
    for (const q of bq) {
      // Hamming distances tie: the distances in order are what must match (every list probed).
      const sql = `SELECT b <~> ${q} AS d FROM sb ORDER BY b <~> ${q} LIMIT 10`;
      const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`);
      assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /Index Scan using sb_b/);
      await pair.same(sql);
      await pair.same(`SELECT b <~> ${q} AS d FROM sb WHERE id % 3 = 1 ORDER BY b <~> ${q} LIMIT 10`);
    }
  };
  await check();
  // Rows after the build (in table memories), then a DELETE + VACUUM that compacts the sparse keys.
  await pair.both(sbRows(601, 700));
  await pair.both('DELETE FROM sb WHERE id % 2 = 0');
  await pair.both('VACUUM sb');
  await check();
  await db.exec('RESET hnsw.ef_search; RESET ivfflat.probes; RESET enable_seqscan');
  await pair.both('RESET ivfflat.probes');
  await pair.both('DROP TABLE sb');
  assert.equal(memories.memories.filter((m) => m.indexes > 0).length, 0, 'DROP TABLE unpinned both index memories');
});

test('DROP, TRUNCATE and VACUUM give memory back across memories; empty memories are released', async () => {
  await db.exec('CREATE TABLE f (id integer, v vector(128))');
  for (let b = 0; b < 3; b++) {
    squeeze(200 * 1024);
    await db.exec(`INSERT INTO f SELECT i, (${vec128('i')})::vector(128) FROM generate_series(${b * 400 + 1}, ${b * 400 + 400}) i`);
  }
  unsqueeze();
  assert.ok(memoryIds('f', 'v').size >= 3);
  const full = allocated();
  await db.exec('DELETE FROM f WHERE id <= 1024');
  await db.exec('VACUUM f');
  assert.ok(allocated() < full - 256 * 1024, `VACUUM released whole segments (${full - allocated()} bytes)`);
  await db.exec('TRUNCATE f');
  assert.ok(allocated() < full - 500 * 1024, 'TRUNCATE gave the segments back');
  await db.exec('DROP TABLE f');
  await pair.both('DROP TABLE t');
  assert.equal(allocated(), baseline, 'every block is back');
  assert.equal(memories.memories.length, 1, 'empty memories were released');
});

test('a database that spans memories reopens with the same answers and frees them on close', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-memories-'));
  try {
    const base = allocated();
    let db1 = await Vecgres.create(dir);
    await db1.exec('CREATE TABLE r (id integer, v vector(128))');
    for (let b = 0; b < 3; b++) {
      squeeze(200 * 1024);
      await db1.exec(`INSERT INTO r SELECT i, (${vec128('i')})::vector(128) FROM generate_series(${b * 300 + 1}, ${b * 300 + 300}) i`);
    }
    unsqueeze();
    await db1.exec('CREATE INDEX ON r USING hnsw (v vector_l2_ops)');
    const sql = `SELECT id, v <-> '${queries[0]}' AS d FROM r ORDER BY v <-> '${queries[0]}' LIMIT 10`;
    await db1.exec('SET hnsw.ef_search = 1000');
    const want = (await db1.query(sql)).rows;
    await db1.query('CHECKPOINT');
    await db1.close();
    assert.equal(allocated(), base, 'close freed every memory block');
    db1 = await Vecgres.create(dir);
    await db1.exec('SET hnsw.ef_search = 1000');
    assert.deepEqual((await db1.query(sql)).rows, want);
    await db1.exec('SET enable_indexscan = off');
    assert.deepEqual((await db1.query(sql)).rows, want);
    await db1.close();
    assert.equal(allocated(), base);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
