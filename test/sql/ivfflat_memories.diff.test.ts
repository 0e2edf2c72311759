/**
 * IVFFlat indexes larger than one memory (access/ivfflat/lists.ts: lists spread over several
 * memories), through SQL and against PostgreSQL + pgvector: with memories of 1 MiB, 20,000
 * rows make lists that need several. With every list probed the index returns pgvector's exact
 * neighbours with its distances for each operator class, filtered too; inserts past a full
 * memory continue in another; at `vecgres.memory_limit` an INSERT fails with 53200 and the
 * index keeps exactly the table's rows; the index survives close, reopen (base + delta
 * checkpoints and the log) and a crash with the same answers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memories } from '../../src/kernels/memories.js';
import { Prng } from '../../src/common/prng.js';
import type { IvfflatIndex } from '../../src/access/ivfflat/index.js';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

// Before any memory is used: every memory of this process holds 1 MiB.
memories.memoryBytesMax = 2 ** 20;

const { db, oracle } = await openSqlPair();
const ROWS = 20000;
const DIM = 16;
const LISTS = 40;
const K = 10;
const prng = new Prng(SEED);

const vec = (p: Prng = prng): string => `[${Array.from({ length: DIM }, () => (p.int(201) - 100) / 50).join(',')}]`;
const bits = (p: Prng = prng): string => Array.from({ length: 512 }, () => (p.next() < 0.3 ? '1' : '0')).join('');

function indexOf(name: string, on: Vecgres = db): IvfflatIndex {
  return on.database.indexes.get(name) as IvfflatIndex;
}

/** The memories that hold the index's non-empty lists. */
function listMemories(ix: IvfflatIndex): number {
  const s = new Set<number>();
  const lists = ix.lists;
  for (let l = 0; l < lists.lists; l++) for (let c = lists.firstChunk(l); c >= 0; c = lists.nextChunk(c)) s.add(lists.chunkArena(c).id);
  return s.size;
}

async function load(into: string, rows: string[], both = true): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const stmt = `INSERT INTO ${into} VALUES ${rows.slice(i, i + 500).join(',')}`;
    if (both) await oracle.exec(stmt);
    await db.exec(stmt);
  }
}

const tableRows: string[] = [];
for (let i = 0; i < ROWS; i++) tableRows.push(`(${i}, ${i % 7}, '${vec()}', '${vec()}', '${bits()}')`);
await oracle.exec('DROP TABLE IF EXISTS p');
await db.exec('CREATE TABLE p (id int PRIMARY KEY, cat int, v vector(16), h halfvec(16), b bit(512))');
await oracle.exec('CREATE TABLE p (id int PRIMARY KEY, cat int, v vector(16), h halfvec(16), b bit(512))');
await load('p', tableRows);

/**
 * Asserts that `sql` (ids and distances `d`, `$q` the query literal, the plan using `index`)
 * returns pgvector's exact answer `exact` (the same query ordered by distance then id),
 * tie-aware: the same number of rows, each with pgvector's distance for it, none farther than
 * the exact answer's last.
 */
async function exactAnswers(index: string, sql: string, exact: string, queries: string[], distOf: (q: string, ids: number[]) => string): Promise<void> {
  const plan = (await db.query(`EXPLAIN (COSTS OFF) ${sql.replaceAll('$q', queries[0]!)}`)).rows.map((r) => String(Object.values(r)[0])).join('\n');
  assert.match(plan, new RegExp(`Index Scan using ${index}`), plan);
  for (const q of queries) {
    const got = (await db.query<{ id: number; d: number }>(sql.replaceAll('$q', q))).rows;
    const truth = (await oracle.query(exact.replaceAll('$q', q))).rows as Array<{ id: number; d: number }>;
    assert.equal(got.length, truth.length, `rows of ${sql.replaceAll('$q', q)}`);
    if (got.length === 0) continue;
    const real = new Map(((await oracle.query(distOf(q, got.map((r) => r.id)))).rows as Array<{ id: number; d: number }>).map((r) => [r.id, Number(r.d)]));
    const kth = Number(truth[truth.length - 1]!.d);
    for (const r of got) {
      const d = real.get(r.id);
      assert.ok(d !== undefined, `row ${r.id} is not an answer of ${exact}`);
      assert.ok(Math.abs(Number(r.d) - d) <= 1e-6 * (1 + Math.abs(d)), `row ${r.id}: distance ${r.d}, pgvector ${d}`);
      assert.ok(d <= kth + 1e-6 * (1 + Math.abs(kth)), `row ${r.id} at ${d} is farther than pgvector's ${K}th (${kth})`);
    }
  }
}

const cases = [
  { col: 'v', opclass: 'vector_l2_ops', op: '<->', cast: 'vector', lit: () => vec() },
  { col: 'v', opclass: 'vector_ip_ops', op: '<#>', cast: 'vector', lit: () => vec() },
  { col: 'v', opclass: 'vector_cosine_ops', op: '<=>', cast: 'vector', lit: () => vec() },
  { col: 'h', opclass: 'halfvec_l2_ops', op: '<->', cast: 'halfvec', lit: () => vec() },
  { col: 'b', opclass: 'bit_hamming_ops', op: '<~>', cast: 'bit(512)', lit: () => bits() },
];

for (const c of cases) {
  test(`${c.opclass}: lists over several memories give pgvector's exact neighbours at probes = lists (seed ${SEED})`, async () => {
    const before = memories.memories.length;
    await db.exec(`CREATE INDEX p_idx ON p USING ivfflat (${c.col} ${c.opclass}) WITH (lists = ${LISTS})`);
    try {
      const ix = indexOf('p_idx');
      assert.equal(ix.size, ROWS);
      assert.ok(listMemories(ix) >= 2, `lists in ${listMemories(ix)} memories`);
      const size = Number((await db.query<{ s: bigint }>(`SELECT pg_relation_size('p_idx') AS s`)).rows[0]!.s);
      assert.equal(size, ix.sizeBytes());
      await db.exec(`SET enable_seqscan = off; SET ivfflat.probes = ${LISTS}`);
      const queries = Array.from({ length: 6 }, c.lit);
      const dist = `${c.col} ${c.op} '$q'::${c.cast}`;
      await exactAnswers(
        'p_idx',
        `SELECT id, ${dist} AS d FROM p ORDER BY ${dist} LIMIT ${K}`,
        `SELECT id, ${dist} AS d FROM p ORDER BY ${dist}, id LIMIT ${K}`,
        queries,
        (q, ids) => `SELECT id, ${dist.replaceAll('$q', q)} AS d FROM p WHERE id IN (${ids.join(',')})`,
      );
      // A filter: the exact filtered answer.
      await exactAnswers(
        'p_idx',
        `SELECT id, ${dist} AS d FROM p WHERE cat = 3 ORDER BY ${dist} LIMIT ${K}`,
        `SELECT id, ${dist} AS d FROM p WHERE cat = 3 ORDER BY ${dist}, id LIMIT ${K}`,
        queries.slice(0, 3),
        (q, ids) => `SELECT id, ${dist.replaceAll('$q', q)} AS d FROM p WHERE id IN (${ids.join(',')}) AND cat = 3`,
      );
    } finally {
      await db.exec('DROP INDEX p_idx; RESET enable_seqscan; RESET ivfflat.probes');
    }
    assert.ok(memories.memories.length <= before, `DROP INDEX gives the memories back (${memories.memories.length}, ${before} before)`);
  });
}

test(`inserts past a full memory continue in another; at vecgres.memory_limit an INSERT is 53200 and changes nothing (seed ${SEED})`, async () => {
  await oracle.exec('DROP TABLE IF EXISTS g; CREATE TABLE g (id int PRIMARY KEY, v vector(16))');
  await db.exec('CREATE TABLE g (id int PRIMARY KEY, v vector(16))');
  const first = Array.from({ length: 2000 }, (_, i) => `(${i}, '${vec()}')`);
  await load('g', first);
  await db.exec('CREATE INDEX g_v ON g USING ivfflat (v vector_l2_ops) WITH (lists = 20)');
  const ix = indexOf('g_v');
  assert.equal(listMemories(ix), 1);
  const rows = Array.from({ length: 18000 }, (_, i) => `(${2000 + i}, '${vec()}')`);
  await load('g', rows);
  assert.ok(listMemories(ix) >= 2, `lists in ${listMemories(ix)} memories after 18,000 inserts`);
  await db.exec('DELETE FROM g WHERE id % 5 = 0');
  await oracle.exec('DELETE FROM g WHERE id % 5 = 0');
  await db.exec('VACUUM g');

  // No room to grow: rows go in while the table's last segment and the lists have room, then
  // the table's next segment or a list's next block fails the INSERT (which comes first
  // depends on the rows; test/access/ivfflat-memories.test.ts makes the list's fail).
  await db.exec(`SET vecgres.memory_limit = ${Math.ceil(memories.usedBytes / 1024) + 1}`);
  let failures = 0;
  let next = 20000;
  const extra: string[] = [];
  const contexts = new Set<string>();
  for (let step = 0; step < 400 && failures < 3; step++) {
    const batch = Array.from({ length: 20 }, (_, k) => `(${next + k}, '${vec()}')`);
    const live = ix.size - ix.deletedCount;
    const arenas = ix.lists.arenas.length;
    try {
      await db.exec(`INSERT INTO g VALUES ${batch.join(',')}`);
      extra.push(...batch);
    } catch (e) {
      const err = e as { code?: string; message: string; detail?: string };
      assert.equal(err.code, '53200', err.message);
      assert.match(err.detail ?? '', /^Failed on request of size \d+ in memory context "[^"]+"\.$/);
      contexts.add(/"([^"]+)"/.exec(err.detail ?? '')?.[1] ?? '');
      assert.equal(ix.lists.arenas.length, arenas, 'a failed insert takes no memory');
      // The rows the statement inserted before it failed are deleted (an aborted insert).
      assert.equal(ix.size - ix.deletedCount, live, 'a failed insert leaves the index as it was');
      failures++;
    }
    next += 20;
  }
  await db.exec('RESET vecgres.memory_limit');
  assert.ok(failures >= 1, 'the limit was never reached');
  for (const c of contexts) assert.ok(c === 'IVFFlat lists' || c === 'vector column', `53200 in ${c}`);
  for (let i = 0; i < extra.length; i += 500) await oracle.exec(`INSERT INTO g VALUES ${extra.slice(i, i + 500).join(',')}`);
  const count = Number((await db.query<{ n: bigint }>('SELECT count(*) AS n FROM g')).rows[0]!.n);
  assert.equal(count, Number(((await oracle.query('SELECT count(*) AS n FROM g')).rows[0] as { n: number }).n));
  await db.exec('VACUUM g');
  assert.equal(ix.size, count, 'the index holds exactly the table\'s rows');

  await db.exec('SET enable_seqscan = off; SET ivfflat.probes = 20');
  await exactAnswers(
    'g_v',
    `SELECT id, v <-> '$q' AS d FROM g ORDER BY v <-> '$q' LIMIT ${K}`,
    `SELECT id, v <-> '$q' AS d FROM g ORDER BY v <-> '$q', id LIMIT ${K}`,
    Array.from({ length: 6 }, () => vec()),
    (q, ids) => `SELECT id, v <-> '${q}' AS d FROM g WHERE id IN (${ids.join(',')})`,
  );
  await db.exec('RESET enable_seqscan; RESET ivfflat.probes; DROP TABLE g');
  await oracle.exec('DROP TABLE g');
});

test(`lists = 1: the one list, larger than a memory, lies in chunks and gives pgvector's exact neighbours (seed ${SEED})`, async () => {
  for (const c of [cases[0]!, cases[4]!]) {
    await db.exec(`CREATE INDEX p_one ON p USING ivfflat (${c.col} ${c.opclass}) WITH (lists = 1)`);
    try {
      const ix = indexOf('p_one');
      assert.equal(ix.size, ROWS);
      assert.ok(ix.lists.chunks(0) >= 2 && listMemories(ix) >= 2, `${c.opclass}: ${ix.lists.chunks(0)} chunks in ${listMemories(ix)} memories`);
      await db.exec('SET enable_seqscan = off');
      const dist = `${c.col} ${c.op} '$q'::${c.cast}`;
      await exactAnswers(
        'p_one',
        `SELECT id, ${dist} AS d FROM p ORDER BY ${dist} LIMIT ${K}`,
        `SELECT id, ${dist} AS d FROM p ORDER BY ${dist}, id LIMIT ${K}`,
        Array.from({ length: 4 }, c.lit),
        (q, ids) => `SELECT id, ${dist.replaceAll('$q', q)} AS d FROM p WHERE id IN (${ids.join(',')})`,
      );
    } finally {
      await db.exec('DROP INDEX p_one; RESET enable_seqscan');
    }
  }
});

for (const lists of [LISTS, 1]) test(`an index over several memories (lists = ${lists}) survives close, reopen and a crash with the same answers (seed ${SEED})`, async () => {
  const p = new Prng(SEED + 5);
  const fs = new FaultyFs(new MemoryFs(), { seed: SEED });
  let d = await Vecgres.create('db', { storage: fs });
  const queries = Array.from({ length: 5 }, () => vec(p));
  const answers = async (): Promise<unknown[]> => {
    const out: unknown[] = [];
    for (const probes of [4, lists]) {
      await d.exec(`SET enable_seqscan = off; SET ivfflat.probes = ${probes}`);
      for (const q of queries) out.push((await d.query(`SELECT id, v <=> '${q}' AS d FROM t ORDER BY v <=> '${q}' LIMIT ${K}`)).rows);
      await d.exec('RESET enable_seqscan; RESET ivfflat.probes');
    }
    return out;
  };
  try {
    await d.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(16))');
    const rows = Array.from({ length: ROWS }, (_, i) => `(${i}, '${vec(p)}')`);
    for (let i = 0; i < rows.length; i += 1000) await d.exec(`INSERT INTO t VALUES ${rows.slice(i, i + 1000).join(',')}`);
    await d.exec(`CREATE INDEX t_v ON t USING ivfflat (v vector_cosine_ops) WITH (lists = ${lists})`);
    await d.exec('CHECKPOINT');
    // A delta checkpoint: inserts that grow (and move) lists, deletes.
    await d.exec(`INSERT INTO t VALUES ${Array.from({ length: 1500 }, (_, i) => `(${ROWS + i}, '${vec(p)}')`).join(',')}`);
    await d.exec('DELETE FROM t WHERE id % 10 = 0');
    await d.exec('CHECKPOINT');
    // Only in the log.
    await d.exec(`INSERT INTO t VALUES ${Array.from({ length: 300 }, (_, i) => `(${ROWS + 1500 + i}, '${vec(p)}')`).join(',')}`);
    await d.exec('DELETE FROM t WHERE id % 10 = 1');
    assert.ok(listMemories(indexOf('t_v', d)) >= 2);
    if (lists === 1) assert.ok(indexOf('t_v', d).lists.chunks(0) >= 2);
    const want = await answers();
    await d.close();
    d = await Vecgres.create('db', { storage: fs });
    assert.ok(listMemories(indexOf('t_v', d)) >= 2, `after reopen: lists in ${listMemories(indexOf('t_v', d))} memories`);
    assert.deepEqual(await answers(), want, 'answers after reopen');
    d.database.abandon();
    fs.powerCut();
    d = await Vecgres.create('db', { storage: fs });
    assert.deepEqual(await answers(), want, 'answers after a crash');
    const n = Number((await d.query<{ n: bigint }>('SELECT count(*) AS n FROM t')).rows[0]!.n);
    // 21,800 rows; ids 0 .. 21,499 ending in 0 deleted (2,150), then all ending in 1 (2,180).
    assert.equal(n, ROWS + 1800 - 2150 - 2180);
  } finally {
    await d.close();
  }
});
