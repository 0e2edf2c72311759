/**
 * HNSW indexes larger than one memory, as partitions (access/hnsw/partitions.ts), through SQL
 * and against PostgreSQL + pgvector: with memories of 1 MiB, a few thousand rows make several
 * partitions. For every operator class the index's answers carry pgvector's exact distances and
 * find its exact neighbours (recall@10, tie-aware); filtered and iterative scans and distance
 * bounds agree with pgvector's exact filtered answers; inserts past a full memory start a
 * partition; at `vecgres.memory_limit` an insert or a CREATE INDEX fails with 53200 and changes nothing; DROP
 * INDEX and TRUNCATE give the partitions' memories back; a partitioned index survives close,
 * reopen and a crash; searches ahead on pool workers cover every partition.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memories } from '../../src/kernels/memories.js';
import { Prng } from '../../src/common/prng.js';
import type { HnswIndex } from '../../src/access/hnsw/index.js';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { WorkerPool } from '../../src/kernels/workers.js';
import { SearchAheadQueue, searchAheadTestHooks } from '../../src/access/hnsw/search_ahead.js';
import { knnAheadTestHooks } from '../../src/sql/exec/knn_ahead.js';

// Before any memory is used: every memory of this process holds 1 MiB.
memories.memoryBytesMax = 2 ** 20;

const { db, oracle } = await openSqlPair();
const ROWS = 3000;
const DIM = 48;
const K = 10;
const prng = new Prng(SEED);

const vec = (p: Prng = prng): string => `[${Array.from({ length: DIM }, () => (p.int(201) - 100) / 50).join(',')}]`;
const bits = (p: Prng = prng): string => Array.from({ length: 64 }, () => (p.next() < 0.3 ? '1' : '0')).join('');
const sparse = (p: Prng = prng): string => {
  const idx = new Set<number>();
  while (idx.size < 8) idx.add(1 + p.int(DIM));
  return `{${[...idx].sort((a, b) => a - b).map((i) => `${i}:${(p.int(201) - 100) / 50 || 1}`).join(',')}}/${DIM}`;
};

function indexOf(name: string, on: Vecgres = db): HnswIndex {
  return on.database.indexes.get(name) as HnswIndex;
}

/** Nodes of `ix` not deleted (a rolled-back insert's rows are deleted), over all partitions. */
function liveNodes(ix: HnswIndex): number {
  let n = 0;
  for (const st of ix.partitions) n += st.graph.count - st.unlinkedCount - st.deletedCount;
  return n;
}

async function load(sql: string, rows: string[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const stmt = `${sql} ${rows.slice(i, i + 500).join(',')}`;
    await oracle.exec(stmt);
    await db.exec(stmt);
  }
}

const tableRows: string[] = [];
for (let i = 0; i < ROWS; i++) tableRows.push(`(${i}, ${i % 7}, '${vec()}', '${vec()}', '${bits()}', '${sparse()}')`);
await oracle.exec('DROP TABLE IF EXISTS p');
await db.exec('CREATE TABLE p (id int PRIMARY KEY, cat int, v vector(48), h halfvec(48), b bit(64), s sparsevec(48))');
await oracle.exec('CREATE TABLE p (id int PRIMARY KEY, cat int, v vector(48), h halfvec(48), b bit(64), s sparsevec(48))');
await load('INSERT INTO p VALUES', tableRows);

/**
 * Recall@10 of `sql` (ids and distances `d`, LIMIT 10, `$q` standing for the query literal)
 * against pgvector's exact answer over `exact` (the same query without the index), tie-aware: a
 * row counts when its distance, checked against pgvector's for that row, is within the 10th
 * nearest's. Every query's plan uses `index`.
 */
async function recall(index: string, sql: string, exact: string, queries: string[], distOf: (q: string, ids: number[]) => string): Promise<number> {
  const plan = (await db.query(`EXPLAIN (COSTS OFF) ${sql.replaceAll('$q', queries[0]!)}`)).rows.map((r) => String(Object.values(r)[0])).join('\n');
  assert.match(plan, new RegExp(`Index Scan using ${index}`), plan);
  let hits = 0;
  let want = 0;
  for (const q of queries) {
    const got = (await db.query<{ id: number; d: number }>(sql.replaceAll('$q', q))).rows;
    const truth = (await oracle.query(exact.replaceAll('$q', q))).rows as Array<{ id: number; d: number }>;
    want += truth.length;
    if (got.length === 0) continue;
    const real = new Map(((await oracle.query(distOf(q, got.map((r) => r.id)))).rows as Array<{ id: number; d: number }>).map((r) => [r.id, Number(r.d)]));
    const kth = truth.length > 0 ? Number(truth[truth.length - 1]!.d) : Infinity;
    for (const r of got) {
      const d = real.get(r.id);
      assert.ok(d !== undefined, `row ${r.id} is not an answer of ${exact}`);
      assert.ok(Math.abs(Number(r.d) - d) <= 1e-3 * (1 + Math.abs(d)), `row ${r.id}: distance ${r.d}, pgvector ${d}`);
      if (d <= kth + 1e-6 * (1 + Math.abs(kth))) hits++;
    }
  }
  return hits / want;
}

const cases = [
  { col: 'v', opclass: 'vector_l2_ops', op: '<->', lit: () => vec() },
  { col: 'v', opclass: 'vector_ip_ops', op: '<#>', lit: () => vec() },
  { col: 'v', opclass: 'vector_cosine_ops', op: '<=>', lit: () => vec() },
  { col: 'v', opclass: 'vector_l1_ops', op: '<+>', lit: () => vec() },
  { col: 'h', opclass: 'halfvec_l2_ops', op: '<->', lit: () => vec() },
  { col: 'h', opclass: 'halfvec_cosine_ops', op: '<=>', lit: () => vec() },
  { col: 'b', opclass: 'bit_hamming_ops', op: '<~>', lit: () => bits() },
  { col: 'b', opclass: 'bit_jaccard_ops', op: '<%>', lit: () => bits() },
  { col: 's', opclass: 'sparsevec_l2_ops', op: '<->', lit: () => sparse() },
  { col: 's', opclass: 'sparsevec_ip_ops', op: '<#>', lit: () => sparse() },
];

for (const c of cases) {
  test(`${c.opclass}: a partitioned index finds pgvector's exact neighbours with its distances (seed ${SEED})`, async () => {
    const before = memories.memories.length;
    await db.exec(`CREATE INDEX p_idx ON p USING hnsw (${c.col} ${c.opclass})`);
    try {
      const ix = indexOf('p_idx');
      assert.ok(ix.partitions.length >= 2, `${ix.partitions.length} partitions`);
      assert.equal(ix.size, ROWS);
      assert.equal(memories.memories.length, before + ix.partitions.length);
      const size = Number((await db.query<{ s: bigint }>(`SELECT pg_relation_size('p_idx') AS s`)).rows[0]!.s);
      assert.equal(size, ix.sizeBytes());
      await db.exec('SET enable_seqscan = off; SET hnsw.ef_search = 64');
      const queries = Array.from({ length: 8 }, c.lit);
      const cast = c.col === 'v' ? 'vector' : c.col === 'h' ? 'halfvec' : c.col === 'b' ? 'bit(64)' : 'sparsevec';
      const r = await recall(
        'p_idx',
        `SELECT id, ${c.col} ${c.op} '$q'::${cast} AS d FROM p ORDER BY ${c.col} ${c.op} '$q'::${cast} LIMIT ${K}`,
        `SELECT id, ${c.col} ${c.op} '$q'::${cast} AS d FROM p ORDER BY ${c.col} ${c.op} '$q'::${cast}, id LIMIT ${K}`,
        queries,
        (q, ids) => `SELECT id, ${c.col} ${c.op} '${q}'::${cast} AS d FROM p WHERE id IN (${ids.join(',')})`,
      );
      assert.ok(r >= 0.9, `recall@10 ${r}`);
    } finally {
      await db.exec('DROP INDEX p_idx; RESET enable_seqscan; RESET hnsw.ef_search');
    }
    assert.equal(memories.memories.length, before, 'DROP INDEX gives the partitions\' memories back');
  });
}

test(`filters, iterative scans and distance bounds over partitions agree with pgvector's exact answers (seed ${SEED})`, async () => {
  await db.exec('CREATE INDEX p_v ON p USING hnsw (v vector_l2_ops)');
  try {
    assert.ok(indexOf('p_v').partitions.length >= 2);
    await db.exec('SET enable_seqscan = off; SET hnsw.ef_search = 64');
    const queries = Array.from({ length: 6 }, () => vec());
    const dist = (q: string, ids: number[]): string => `SELECT id, v <-> '${q}' AS d FROM p WHERE id IN (${ids.join(',')}) AND cat = 3`;
    for (const mode of ['strict_order', 'relaxed_order']) {
      await db.exec(`SET hnsw.iterative_scan = ${mode}`);
      const r = await recall(
        'p_v',
        `SELECT id, v <-> '$q' AS d FROM p WHERE cat = 3 ORDER BY v <-> '$q' LIMIT ${K}`,
        `SELECT id, v <-> '$q' AS d FROM p WHERE cat = 3 ORDER BY v <-> '$q', id LIMIT ${K}`,
        queries,
        dist,
      );
      assert.ok(r >= 0.9, `${mode}: filtered recall@10 ${r}`);
    }
    await db.exec('RESET hnsw.iterative_scan');
    // Distance bound: every row within it, in order (the index's scan ends past the bound).
    for (const q of queries.slice(0, 3)) {
      const sql = `SELECT id FROM p WHERE v <-> '${q}' < 9 ORDER BY v <-> '${q}' LIMIT 20`;
      const want = ((await oracle.query(sql)).rows as Array<{ id: number }>).map((x) => x.id);
      await db.exec('SET hnsw.iterative_scan = strict_order');
      const got = (await db.query<{ id: number }>(sql)).rows.map((x) => x.id);
      const hits = got.filter((id) => want.includes(id)).length;
      assert.ok(got.length <= want.length && hits >= 0.9 * want.length, `bound: ${got.length} rows, ${hits} of ${want.length}`);
    }
  } finally {
    await db.exec('DROP INDEX p_v; RESET enable_seqscan; RESET hnsw.ef_search; RESET hnsw.iterative_scan');
  }
});

test(`inserts past a full memory start partitions; DELETE, VACUUM and the 53200 of vecgres.memory_limit leave the index right (seed ${SEED})`, async () => {
  await oracle.exec('DROP TABLE IF EXISTS g; CREATE TABLE g (id int PRIMARY KEY, v vector(48))');
  await db.exec('CREATE TABLE g (id int PRIMARY KEY, v vector(48))');
  await db.exec('CREATE INDEX g_v ON g USING hnsw (v vector_l2_ops)');
  const ix = indexOf('g_v');
  assert.equal(ix.partitions.length, 1);
  const rows: string[] = [];
  for (let i = 0; i < 4000; i++) rows.push(`(${i}, '${vec()}')`);
  await load('INSERT INTO g VALUES', rows);
  assert.ok(ix.partitions.length >= 2, `${ix.partitions.length} partitions after 4,000 inserts`);
  assert.equal(new Set(ix.partitions.map((st) => st.graph.arena)).size, ix.partitions.length);
  await db.exec('DELETE FROM g WHERE id % 3 = 0');
  await db.exec('VACUUM g');
  await oracle.exec('DELETE FROM g WHERE id % 3 = 0');

  // At the limit: each failing statement is 53200 and the index holds exactly the table's rows.
  // Room for the table's next rows, not for a new partition's memory (64 KiB and about 470 KB
  // for the first 1,024 nodes of a 48-d graph): the index fills its memories, then fails.
  const limitKb = Math.ceil((memories.usedBytes + 500_000) / 1024);
  await db.exec(`SET vecgres.memory_limit = ${limitKb}`);
  let failures = 0;
  let next = 4000;
  const extra: string[] = [];
  const contexts = new Set<string>();
  for (let step = 0; step < 40 && failures < 3; step++) {
    const batch = Array.from({ length: 100 }, (_, k) => `(${next + k}, '${vec()}')`);
    const partsBefore: number = ix.partitions.length;
    const live = liveNodes(ix);
    try {
      await db.exec(`INSERT INTO g VALUES ${batch.join(',')}`);
      extra.push(...batch);
    } catch (e) {
      const err = e as { code?: string; message: string; detail?: string };
      assert.equal(err.code, '53200', err.message);
      contexts.add(/"([^"]+)"/.exec(err.detail ?? '')?.[1] ?? '');
      assert.match(err.detail ?? '', /^Failed on request of size \d+ in memory context "[^"]+"\.$/);
      assert.equal(ix.partitions.length, partsBefore, 'a failed insert starts no partition');
      // The rows the statement inserted before it failed are tombstoned (an aborted insert).
      assert.equal(liveNodes(ix), live, 'a failed insert leaves the index as it was');
      failures++;
    }
    next += 100;
  }
  await db.exec('RESET vecgres.memory_limit');
  assert.ok(failures >= 1, 'the limit was never reached');
  // Which allocation meets the limit first, the graph's new partition or the table's next
  // vector block, depends on how the table's batched append and the graph's memory grow; both
  // must be a clean 53200 that leaves the index as it was (checked above).
  for (const c of contexts) assert.ok(c === 'HNSW graph' || c === 'vector column', `53200 in an unexpected context: ${c}`);
  if (extra.length > 0) for (let i = 0; i < extra.length; i += 500) await oracle.exec(`INSERT INTO g VALUES ${extra.slice(i, i + 500).join(',')}`);
  const count = Number((await db.query<{ n: bigint }>('SELECT count(*) AS n FROM g')).rows[0]!.n);
  assert.equal(count, Number(((await oracle.query('SELECT count(*) AS n FROM g')).rows[0] as { n: number }).n));

  await db.exec('SET enable_seqscan = off; SET hnsw.ef_search = 64');
  const r = await recall(
    'g_v',
    `SELECT id, v <-> '$q' AS d FROM g ORDER BY v <-> '$q' LIMIT ${K}`,
    `SELECT id, v <-> '$q' AS d FROM g ORDER BY v <-> '$q', id LIMIT ${K}`,
    Array.from({ length: 8 }, () => vec()),
    (q, ids) => `SELECT id, v <-> '${q}' AS d FROM g WHERE id IN (${ids.join(',')})`,
  );
  assert.ok(r >= 0.9, `recall@10 ${r}`);
  await db.exec('RESET enable_seqscan; RESET hnsw.ef_search');

  // TRUNCATE gives every partition's memory back.
  const partitions = ix.partitions.length;
  const before = memories.memories.length;
  await db.exec('TRUNCATE g');
  assert.ok(memories.memories.length <= before - partitions + 1, `${memories.memories.length} memories after TRUNCATE (${before} before)`);
  assert.equal(indexOf('g_v').partitions.length, 1);
  await db.exec('DROP TABLE g');
});

test(`a partitioned index survives close, reopen and a crash (seed ${SEED})`, async () => {
  const p = new Prng(SEED + 5);
  const fs = new FaultyFs(new MemoryFs(), { seed: SEED });
  let d = await Vecgres.create('db', { storage: fs });
  const exact = async (q: string): Promise<number[]> => {
    await d.exec('SET enable_indexscan = off');
    const ids = (await d.query<{ id: number }>(`SELECT id FROM t ORDER BY v <=> '${q}', id LIMIT ${K}`)).rows.map((x) => x.id);
    await d.exec('RESET enable_indexscan');
    return ids;
  };
  const check = async (): Promise<void> => {
    assert.ok(indexOf('t_v', d).partitions.length >= 2, `${indexOf('t_v', d).partitions.length} partitions`);
    await d.exec('SET enable_seqscan = off; SET hnsw.ef_search = 64');
    let hits = 0;
    for (let k = 0; k < 6; k++) {
      const q = vec(p);
      const want = new Set(await exact(q));
      for (const r of (await d.query<{ id: number }>(`SELECT id FROM t ORDER BY v <=> '${q}' LIMIT ${K}`)).rows) if (want.has(r.id)) hits++;
    }
    await d.exec('RESET enable_seqscan; RESET hnsw.ef_search');
    assert.ok(hits / (6 * K) >= 0.9, `recall@10 ${hits / (6 * K)}`);
  };
  try {
    await d.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(48))');
    const rows = Array.from({ length: 3500 }, (_, i) => `(${i}, '${vec(p)}')`);
    for (let i = 0; i < rows.length; i += 500) await d.exec(`INSERT INTO t VALUES ${rows.slice(i, i + 500).join(',')}`);
    await d.exec('CREATE INDEX t_v ON t USING hnsw (v vector_cosine_ops)');
    await d.exec('CHECKPOINT');
    // Only in the log: more rows and a delete.
    await d.exec(`INSERT INTO t VALUES ${Array.from({ length: 300 }, (_, i) => `(${3500 + i}, '${vec(p)}')`).join(',')}`);
    await d.exec('DELETE FROM t WHERE id % 10 = 0');
    const parts = indexOf('t_v', d).partitions.length;
    await d.close();
    d = await Vecgres.create('db', { storage: fs });
    assert.equal(indexOf('t_v', d).partitions.length, parts);
    await check();
    await d.exec(`INSERT INTO t VALUES ${Array.from({ length: 300 }, (_, i) => `(${3800 + i}, '${vec(p)}')`).join(',')}`);
    await d.exec('CHECKPOINT');
    await d.exec('DELETE FROM t WHERE id % 10 = 1');
    d.database.abandon();
    fs.powerCut();
    d = await Vecgres.create('db', { storage: fs });
    await check();
    const n = Number((await d.query<{ n: bigint }>('SELECT count(*) AS n FROM t')).rows[0]!.n);
    // 4,100 rows; ids 0 .. 3,799 ending in 0 deleted (380), then all ending in 1 (410).
    assert.equal(n, 4100 - 380 - 410);
  } finally {
    await d.close();
  }
});

test(`k-NN searches ahead on pool workers, one per partition, answer as the main thread's search (seed ${SEED})`, async () => {
  await db.exec('CREATE INDEX p_v2 ON p USING hnsw (v vector_l2_ops)');
  const a = await db.connect();
  searchAheadTestHooks.workersOnly = true;
  knnAheadTestHooks.always = true;
  try {
    const ix = indexOf('p_v2');
    assert.ok(ix.partitions.length >= 2);
    const sql = 'SELECT id, v <-> $1 AS d FROM p ORDER BY v <-> $1 LIMIT 10';
    const sync = db.database.openSession();
    await a.query(sql, [vec()]);
    const queue = SearchAheadQueue.of(WorkerPool.shared());
    const t0 = queue.taken;
    for (let i = 0; i < 5; i++) {
      const q = vec();
      const got = (await a.query<{ id: number; d: number }>(sql, [q])).rows;
      assert.deepEqual(got.map((r) => [r.id, r.d]), db.database.execute(sql, [q], sync)[0]!.rows, `query ${i}`);
    }
    if (WorkerPool.shared().size > 0) assert.equal(queue.taken - t0, 5 * ix.partitions.length, 'every partition searched ahead');
  } finally {
    searchAheadTestHooks.workersOnly = false;
    knnAheadTestHooks.always = false;
    await db.exec('DROP INDEX p_v2');
  }
});

test(`CREATE INDEX whose partitions pass vecgres.memory_limit is 53200 and leaves nothing behind (seed ${SEED})`, async () => {
  const count = memories.memories.length;
  const held = memories.allocatedBytes;
  await db.exec(`SET vecgres.memory_limit = ${Math.ceil((memories.usedBytes + 2 ** 20) / 1024)}`);
  try {
    await assert.rejects(db.exec('CREATE INDEX p_big ON p USING hnsw (v vector_l2_ops)'), (e: { code: string; message: string; detail: string }) => {
      assert.equal(e.code, '53200');
      assert.equal(e.message, 'out of memory');
      assert.match(e.detail, /^Failed on request of size \d+ in memory context "HNSW graph"\.$/);
      return true;
    });
  } finally {
    await db.exec('RESET vecgres.memory_limit');
  }
  assert.equal(db.database.indexes.get('p_big'), undefined);
  assert.equal(memories.allocatedBytes, held, 'the partitions made were freed');
  assert.ok(memories.memories.length <= count + 1, `${memories.memories.length} memories (${count} before)`);
  // Under the default limit the same statement succeeds.
  await db.exec('CREATE INDEX p_big ON p USING hnsw (v vector_l2_ops)');
  assert.ok(indexOf('p_big').partitions.length >= 2);
  await db.exec('DROP INDEX p_big');
});

test(`an HNSW index over sparsevec made while a partitioned index exists gets memories of its own, not the partitions' (seed ${SEED})`, async () => {
  // The build's estimate leaves sparsevec keys out, so it fit the room a partition's memory had
  // left; the keys then filled that memory before the first node and the build failed with
  // 53200 while vecgres.memory_limit had room.
  await db.exec('CREATE INDEX p_vp ON p USING hnsw (v vector_l2_ops)');
  const wide = (p: Prng = prng): string => {
    const idx = new Set<number>();
    while (idx.size < 40) idx.add(1 + p.int(2000));
    return `{${[...idx].sort((a, b) => a - b).map((i) => `${i}:${(p.int(201) - 100) / 50 || 1}`).join(',')}}/2000`;
  };
  await oracle.exec('DROP TABLE IF EXISTS sp; CREATE TABLE sp (id int PRIMARY KEY, s sparsevec(2000))');
  await db.exec('CREATE TABLE sp (id int PRIMARY KEY, s sparsevec(2000))');
  try {
    await load('INSERT INTO sp VALUES', Array.from({ length: 1000 }, (_, i) => `(${i}, '${wide()}')`));
    const parts = indexOf('p_vp').partitions;
    assert.ok(parts.length >= 2);
    await db.exec('CREATE INDEX sp_s ON sp USING hnsw (s sparsevec_l2_ops)');
    const ix = indexOf('sp_s');
    const theirs = new Set(parts.map((st) => st.graph.arena));
    for (const st of ix.partitions) assert.ok(!theirs.has(st.graph.arena), 'the sparsevec index shares a partition\'s memory');
    await db.exec('SET enable_seqscan = off; SET hnsw.ef_search = 64');
    const r = await recall(
      'sp_s',
      `SELECT id, s <-> '$q' AS d FROM sp ORDER BY s <-> '$q' LIMIT ${K}`,
      `SELECT id, s <-> '$q' AS d FROM sp ORDER BY s <-> '$q', id LIMIT ${K}`,
      Array.from({ length: 5 }, () => wide()),
      (q, ids) => `SELECT id, s <-> '${q}' AS d FROM sp WHERE id IN (${ids.join(',')})`,
    );
    assert.ok(r >= 0.9, `recall@10 ${r}`);
  } finally {
    await db.exec('RESET enable_seqscan; RESET hnsw.ef_search; DROP TABLE sp; DROP INDEX p_vp');
    await oracle.exec('DROP TABLE sp');
  }
});
