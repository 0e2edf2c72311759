/**
 * The parallel exact k-NN scan (Limit -> Gather Merge -> Sort -> Parallel Seq Scan): its plan
 * against PostgreSQL 18 + pgvector (PGlite plans the same shape under the same settings), its
 * answers against PGlite's on tables with ties, NULLs and float32 sums that depend on the
 * summation order, and, over seeded random tables with duplicate vectors, deleted rows and
 * rows of transactions in flight, byte for byte against the serial scan of the same database.
 * Chunks are made small and dealt out in turn (parallelKnnOptions) so that every participant
 * has rows to merge. Also: max_parallel_workers_per_gather = 0 plans as before, a large table
 * gets a Gather Merge by cost with the default settings, an index scan is not replaced, and a
 * worker's error ends the statement with a PgError and frees what the scan allocated.
 * VECGRES_PARALLEL_QUERIES raises the random budget.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';
import { parallelKnnOptions } from '../../src/sql/exec/parallel_knn_leader.js';
import { WorkerPool } from '../../src/kernels/workers.js';
import { memories } from '../../src/kernels/memories.js';

const { db, check, both, same } = await openSqlPair();
const prng = new Prng(SEED);
parallelKnnOptions.chunkRowsMax = 8;
parallelKnnOptions.fixedChunks = true;
after(() => {
  parallelKnnOptions.chunkRowsMax = 4096;
  parallelKnnOptions.fixedChunks = false;
});

/** Settings under which PostgreSQL plans a Gather Merge for any table (one worker: the pages do not matter). */
const PARALLEL = 'SET max_parallel_workers_per_gather = 1; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0';
const SERIAL = 'SET max_parallel_workers_per_gather = 0';

const vec = (xs: number[]): string => `[${xs.join(',')}]`;
const rows: string[] = [];
for (let i = 1; i <= 240; i++) {
  const v = i % 17 === 0 ? 'NULL' : `'${vec([0, 1, 2].map(() => prng.int(5) - 2))}'`;
  rows.push(`(${i}, ${i % 7 === 0 ? 'NULL' : String(prng.int(4))}, ${v})`);
}
await both('CREATE TABLE t (id int PRIMARY KEY, x int, v vector(3))');
await both(`INSERT INTO t VALUES ${rows.join(', ')}`);
// Permutations of one vector: equal distances in exact arithmetic whose float32 sums differ.
const base = Array.from({ length: 9 }, () => Math.fround(prng.next() * 2 - 1));
const perms: string[] = [];
for (let i = 1; i <= 120; i++) {
  const p = base.slice();
  for (let j = p.length - 1; j > 0; j--) {
    const k = prng.int(j + 1);
    [p[j], p[k]] = [p[k]!, p[j]!];
  }
  perms.push(`(${i}, ${prng.int(3)}, '${vec(p)}', '${p.map((x) => (x > 0 ? 1 : 0)).join('')}')`);
}
await both('CREATE TABLE f (id int PRIMARY KEY, g int, v vector(9), b bit(9))');
await both(`INSERT INTO f VALUES ${perms.join(', ')}, (121, 0, '[0,0,0,0,0,0,0,0,0]', '000000000'), (122, 1, NULL, NULL)`);
await both('CREATE TABLE h (id int PRIMARY KEY, x int, v halfvec(3), b bit(3))');
await both('INSERT INTO h SELECT id, x, v::halfvec, binary_quantize(v)::bit(3) FROM t');
await both(PARALLEL);

async function planOf(sql: string, params?: unknown[]): Promise<string> {
  return (await db.query(`EXPLAIN (COSTS OFF) ${sql}`, params)).rows.map((r) => Object.values(r)[0]).join('\n');
}

test('EXPLAIN: Limit -> Gather Merge (Workers Planned) -> Sort -> Parallel Seq Scan, as PostgreSQL prints it', async () => {
  const queries = [
    "EXPLAIN (COSTS OFF) SELECT id FROM t ORDER BY v <-> '[1,2,3]' LIMIT 5",
    "EXPLAIN (COSTS OFF) SELECT id, v <-> '[1,2,3]' FROM t ORDER BY v <-> '[1,2,3]' LIMIT 5",
    "EXPLAIN (COSTS OFF) SELECT id FROM h ORDER BY v <=> '[1,2,3]', id DESC LIMIT 5",
    "EXPLAIN (COSTS OFF) SELECT id FROM h ORDER BY v <-> '[1,2,3]' LIMIT 5",
    "EXPLAIN (COSTS OFF) SELECT id FROM t WHERE x <> 1 AND id > 20 ORDER BY v <=> '[1,2,3]', id LIMIT 5",
  ];
  const mismatches: string[] = [];
  for (const q of queries) await check(q, mismatches);
  reportMismatches('EXPLAIN parallel', mismatches, queries.length, SEED);
  // Shapes whose other lines vecgres prints its own way (a bit string constant's cast, a
  // subquery's Result where PostgreSQL keeps a Subquery Scan): the parallel part only.
  const parallelPart = /Gather Merge\n *Workers Planned: 1\n *->  Sort\n.*\n *->  Parallel Seq Scan on /;
  assert.match(await planOf("SELECT id FROM h ORDER BY b <~> '111' LIMIT 5"), parallelPart);
  assert.match(await planOf("SELECT * FROM (SELECT id FROM t ORDER BY v <-> '[1,2,3]' LIMIT 5) s"), parallelPart);
  assert.match(await planOf("SELECT id FROM f ORDER BY binary_quantize(v)::bit(9) <%> '101010101', id LIMIT 20"), parallelPart);
  assert.match(await planOf("SELECT id FROM t ORDER BY v <-> (SELECT v FROM t WHERE id = 3), id LIMIT 4"), parallelPart);
  // A selective WHERE clause: PostgreSQL sorts above a Gather by its costs; vecgres runs the
  // same work as a Gather Merge (each participant's top k), printed with the scan's Filter.
  assert.match(await planOf("SELECT id FROM t WHERE x IN (1, 3) ORDER BY v <-> '[1,2,3]' LIMIT 5"), /Gather Merge[^]*Parallel Seq Scan on t\n *Filter: /);
  // Not parallel: a WHERE clause other than column comparisons, a query vector from the outer row.
  assert.doesNotMatch(await planOf("SELECT id FROM t WHERE x + 1 = 2 ORDER BY v <-> '[1,2,3]' LIMIT 5"), /Gather/);
  assert.doesNotMatch(await planOf("SELECT id FROM t WHERE x = 1 OR x IS NULL ORDER BY v <-> '[1,2,3]' LIMIT 5"), /Gather/);
  assert.doesNotMatch(await planOf('SELECT id, (SELECT t2.id FROM t t2 ORDER BY t2.v <-> t.v LIMIT 1) FROM t WHERE id < 3'), /Gather/);
  // INSERT ... SELECT plans its SELECT serially: same rows.
  await both('CREATE TABLE sink (n int, id int)');
  await same("INSERT INTO sink SELECT row_number() OVER (), id FROM (SELECT id FROM t ORDER BY v <-> '[1,2,3]', id LIMIT 5) s RETURNING *");
  await both('DROP TABLE sink');
});

test('answers equal PostgreSQL\'s: ties, NULLs, summation order, every operator and type', async () => {
  const queries: [string, unknown[]?][] = [
    ["SELECT id, v <-> '[0,0,0]' AS d FROM t ORDER BY v <-> '[0,0,0]', id LIMIT 10"],
    ["SELECT id FROM t ORDER BY v <-> '[1,0,-1]', id DESC LIMIT 12"],
    ["SELECT id, x FROM t ORDER BY v <-> '[1,1,1]', x DESC NULLS FIRST, id LIMIT 15"],
    ["SELECT id FROM t ORDER BY v <-> '[0,0,0]' NULLS FIRST, id DESC LIMIT 20"],
    ["SELECT id FROM t ORDER BY v <+> '[2,2,2]', id DESC LIMIT 300"],
    ['SELECT id, v <-> $1 AS d FROM t ORDER BY v <-> $1, id LIMIT $2', ['[1,-1,0]', 11]],
    ['SELECT id FROM t ORDER BY v <#> $1, id LIMIT 10 OFFSET $2', ['[2,1,0]', 3]],
    ["SELECT id FROM t ORDER BY v <=> '[0,0,0]', id LIMIT 8"],
    ["SELECT id FROM t ORDER BY v <=> '[1,2,1]', id LIMIT 8"],
    ['SELECT id FROM t ORDER BY v <-> NULL, x, id LIMIT 6'],
    ["SELECT id FROM t ORDER BY v <-> '[1,2]', id LIMIT 3"],
    ["SELECT id FROM t ORDER BY v <-> '[1,1,1]', id LIMIT 0"],
    ["SELECT id, g FROM f ORDER BY v <-> '[0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5]', id LIMIT 30"],
    ["SELECT id FROM f ORDER BY v <-> '[0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5]', g DESC, id LIMIT 25"],
    ["SELECT id FROM f ORDER BY v <=> '[1,1,1,1,1,1,1,1,1]', id DESC LIMIT 40"],
    ["SELECT id FROM f ORDER BY v <#> '[1,1,1,1,1,1,1,1,1]', id LIMIT 40"],
    ["SELECT id FROM f ORDER BY v <+> '[0,0,0,0,0,0,0,0,0]', id LIMIT 40"],
    ["SELECT id FROM f ORDER BY binary_quantize(v)::bit(9) <~> '101010101', id LIMIT 20"],
    ["SELECT id FROM f ORDER BY binary_quantize(v)::bit(9) <%> '101010101', id LIMIT 20"],
    ["SELECT id FROM f ORDER BY b <~> '110011001', id LIMIT 20"],
    ["SELECT id FROM h ORDER BY v <-> '[1,0,0]', id LIMIT 12"],
    ["SELECT id FROM h ORDER BY v <=> '[1,0,0]', x NULLS FIRST, id DESC LIMIT 12"],
    ["SELECT id FROM h ORDER BY v <+> '[1,0,0]', id LIMIT 12"],
    ["SELECT id FROM h ORDER BY b <~> '101', id LIMIT 15"],
    ["SELECT id FROM h ORDER BY b <%> '101', x, id LIMIT 15"],
    // WHERE clauses the leader turns into the rows to visit.
    ["SELECT id FROM t WHERE x = 2 ORDER BY v <=> '[1,2,0]', id LIMIT 7"],
    ["SELECT id, x FROM t WHERE x IN (0, 3) ORDER BY v <-> '[1,1,1]' NULLS FIRST, id DESC LIMIT 30"],
    ['SELECT id FROM t WHERE x > $1 AND id < $2 ORDER BY v <+> $3, id LIMIT 9', [1, 200, '[2,2,2]']],
    ["SELECT id FROM t WHERE x = 1 OR x = 3 ORDER BY v <#> '[1,0,1]', id LIMIT 12"],
    ["SELECT id FROM t WHERE x = 9 ORDER BY v <-> '[1,0,1]', id LIMIT 12"],
    ["SELECT id FROM f WHERE g = 1 ORDER BY v <-> '[0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5]', id LIMIT 30"],
    ["SELECT id FROM h WHERE x <> 2 ORDER BY v <=> '[1,0,0]', id LIMIT 12"],
  ];
  const mismatches: string[] = [];
  for (const [q, params] of queries) await check(q, mismatches, params);
  reportMismatches('parallel top-k', mismatches, queries.length, SEED);
  // They ran in parallel (not a serial plan that happens to agree).
  for (const [q, params] of [...queries.slice(0, 3), ...queries.slice(-7)]) assert.match(await planOf(q, params), /Gather Merge/);
});

test('EXPLAIN ANALYZE: Workers Launched, a loop per participant', async () => {
  await db.exec(PARALLEL);
  const pool = WorkerPool.shared();
  assert.ok(pool.size >= 1, 'the worker pool has a worker');
  const lines = (await db.query("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT id FROM t ORDER BY v <-> '[1,2,3]' LIMIT 5")).rows.map((r) => String(Object.values(r)[0]));
  assert.equal(lines.find((l) => l.includes('Workers Planned'))?.trim(), 'Workers Planned: 1');
  assert.equal(lines.find((l) => l.includes('Workers Launched'))?.trim(), 'Workers Launched: 1');
  // Every visible row of t (240, NULL vectors included), averaged over the two loops.
  assert.match(lines.find((l) => l.includes('Parallel Seq Scan'))!, /rows=120\.00 loops=2/);
  // With a WHERE clause: the rows it removed, per loop, as PostgreSQL prints them.
  const passing = Number((await db.query('SELECT count(*) AS n FROM t WHERE x = 1')).rows[0]!['n']);
  const filtered = (await db.query("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT id FROM t WHERE x = 1 ORDER BY v <-> '[1,2,3]' LIMIT 5")).rows.map((r) => String(Object.values(r)[0]));
  assert.match(filtered.find((l) => l.includes('Parallel Seq Scan'))!, new RegExp(`rows=${(passing / 2).toFixed(2).replace('.', '\\.')} loops=2`));
  assert.equal(filtered.find((l) => l.includes('Rows Removed by Filter'))?.trim(), `Rows Removed by Filter: ${((240 - passing) / 2).toFixed(0)}`);
  await db.query('SET max_parallel_workers = 0');
  const none = (await db.query("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT id FROM t ORDER BY v <-> '[1,2,3]' LIMIT 5")).rows.map((r) => String(Object.values(r)[0]));
  assert.equal(none.find((l) => l.includes('Workers Launched'))?.trim(), 'Workers Launched: 0');
  await db.query('RESET max_parallel_workers');
});

test('max_parallel_workers_per_gather = 0 plans as before; the defaults choose by size and cost; an index scan stays', async () => {
  const q = "SELECT id FROM t ORDER BY v <-> '[1,2,3]' LIMIT 5";
  await db.query('RESET ALL');
  await db.query(SERIAL);
  const serial = (await db.query(`EXPLAIN ${q}`)).rows;
  await db.query('RESET ALL');
  // Below min_parallel_table_scan_size (8 MB) the default plan is the serial one, costs and all.
  assert.deepEqual((await db.query(`EXPLAIN ${q}`)).rows, serial);
  assert.doesNotMatch(serial.map((r) => Object.values(r)[0]).join('\n'), /Gather|Parallel/);
  // A table past 8 MB whose scan costs more than the parallel setup: 4,000 rows of 1,000
  // dimensions (16 MB) get a Gather Merge with the default settings.
  await db.query('CREATE TABLE big (id int PRIMARY KEY, v vector(1000))');
  const one = (i: number): string => `(${i}, '[${Array.from({ length: 1000 }, (_, j) => ((i * 31 + j * 7) % 13) - 6).join(',')}]')`;
  for (let i = 0; i < 4000; i += 250) await db.query(`INSERT INTO big VALUES ${Array.from({ length: 250 }, (_, j) => one(i + j)).join(',')}`);
  // The automatic analyze saw the first 250 rows only (the next waits autovacuum_naptime):
  // the planner would scale that to ~3,250 rows, as PostgreSQL does. The cost test is about
  // the whole table, so its statistics are brought up to date.
  await db.query('ANALYZE big');
  const bq = `SELECT id FROM big ORDER BY v <-> '[${Array.from({ length: 1000 }, (_, j) => j % 3).join(',')}]' LIMIT 10`;
  const plan = await planOf(bq);
  assert.match(plan, /Gather Merge\n {8}Workers Planned: 1\n/, plan);
  const parallelRows = (await db.query(bq)).rows;
  await db.query(SERIAL);
  assert.doesNotMatch(await planOf(bq), /Gather/);
  assert.deepEqual((await db.query(bq)).rows, parallelRows);
  await db.query('RESET ALL');
  await db.query('CREATE INDEX ON big USING hnsw (v vector_l2_ops) WITH (m = 4, ef_construction = 8)');
  assert.match(await planOf(bq), /^Limit\n {2}->  Index Scan using big_v_idx on big/);
  await db.query('DROP TABLE big');
  await db.exec(PARALLEL);
});

test('a worker\'s error ends the statement with a PgError; the shared blocks are freed', async () => {
  await db.exec(PARALLEL);
  const q = "SELECT id FROM t ORDER BY v <-> '[1,2,3]', id LIMIT 5";
  const want = (await db.query(q)).rows;
  const before = memories.allocatedBytes;
  parallelKnnOptions.failAt = 1;
  try {
    await assert.rejects(db.query(q), (e: { code?: string; message: string; where?: string }) => {
      assert.equal(e.code, 'XX000');
      assert.equal(e.message, 'injected failure in participant 1');
      assert.match(e.where ?? '', /parallel worker/);
      return true;
    });
  } finally {
    parallelKnnOptions.failAt = -1;
  }
  assert.equal(memories.allocatedBytes, before);
  assert.deepEqual((await db.query(q)).rows, want);
});

test(`random tables: the parallel answer is the serial one, byte for byte (seed ${SEED})`, async () => {
  const budget = Number(process.env['VECGRES_PARALLEL_QUERIES'] ?? 40);
  const r = new Prng(SEED + 12);
  const pick = <T>(xs: readonly T[]): T => xs[r.int(xs.length)]!;
  const dim = 1 + r.int(6);
  const n = 600 + r.int(1400);
  const randomVec = (): string => vec(Array.from({ length: dim }, () => r.int(3) - 1));
  // Few distinct vectors (3^dim at most, many repeated): distances tie everywhere.
  const values: string[] = [];
  for (let i = 0; i < n; i++) values.push(`(${i}, ${r.int(5)}, ${r.int(23) === 0 ? 'NULL' : `'${randomVec()}'`})`);
  await db.query(`CREATE TABLE rt (id int PRIMARY KEY, g int, v vector(${dim}), hv halfvec(${dim}))`);
  await db.query(`INSERT INTO rt (id, g, v) VALUES ${values.join(',')}`);
  await db.query('UPDATE rt SET hv = v::halfvec WHERE id % 2 = 0');
  await db.query(`DELETE FROM rt WHERE id % ${2 + r.int(9)} = 1`);
  // Another session's transaction in flight: its inserts are invisible here, its deletes not yet done.
  const other = await db.connect();
  await other.query('BEGIN');
  await other.query(`INSERT INTO rt (id, g, v) VALUES ${Array.from({ length: 50 }, (_, i) => `(${n + i}, 0, '${randomVec()}')`).join(',')}`);
  await other.query('DELETE FROM rt WHERE id % 5 = 0');
  // This session's own transaction: its inserts are visible to it, its deletes hide rows.
  const me = await db.connect();
  await me.query('BEGIN');
  await me.query(`INSERT INTO rt (id, g, v) VALUES ${Array.from({ length: 40 }, (_, i) => `(${n + 100 + i}, 1, '${randomVec()}')`).join(',')}`);
  await me.query('DELETE FROM rt WHERE id % 10 = 3');
  const mismatches: string[] = [];
  const queries = async (sessions: { query(sql: string): Promise<{ rows: Record<string, unknown>[] }>; exec(sql: string): Promise<unknown> }[], phase: string): Promise<void> => {
    for (let i = 0; i < budget; i++) {
      const col = pick(['v', 'v', 'hv']);
      const op = col === 'v' ? pick(['<->', '<#>', '<=>', '<+>']) : pick(['<->', '<=>', '<+>']);
      const keys = pick(['', ', g', ', g DESC, id', ', id DESC']);
      const nulls = pick(['', ' NULLS FIRST']);
      // WHERE clauses the leader evaluates into a bitmap (parallel), and one that stays serial.
      const where = pick(['', '', `WHERE g = ${r.int(5)}`, `WHERE g IN (${r.int(5)}, ${r.int(5)})`, `WHERE g > 1 AND id < ${r.int(n)}`, 'WHERE g = 0 OR g = 4', 'WHERE g + 0 = 2']);
      const sql = `SELECT id, g FROM rt ${where} ORDER BY ${col} ${op} '${randomVec()}'${nulls}${keys} LIMIT ${pick([1, 5, 10, 50, 400, 5000])}`;
      parallelKnnOptions.fixedChunks = r.int(2) === 0;
      parallelKnnOptions.chunkRowsMax = pick([1, 8, 64, 4096]);
      for (const s of sessions) {
        await s.query(SERIAL);
        const serial = JSON.stringify((await s.query(sql)).rows);
        await s.exec(PARALLEL);
        const plan = (await s.query(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((x) => Object.values(x)[0]).join(' ');
        const parallel = JSON.stringify((await s.query(sql)).rows);
        if (plan.includes('Gather Merge') === where.includes('+')) mismatches.push(`${phase}: ${where.includes('+') ? '' : 'not '}parallel: ${sql}`);
        else if (serial !== parallel) mismatches.push(`${phase}: ${sql}\n  serial   ${serial.slice(0, 300)}\n  parallel ${parallel.slice(0, 300)}`);
      }
    }
  };
  try {
    // Rows of transactions in flight: the leader builds the bitmap of visible rows.
    await queries([me, db], 'transactions in flight');
    await me.query('ROLLBACK');
    await other.query('ROLLBACK');
    // Every row committed (deleted rows and NULLs among them): the participants read the
    // table's live rows and NULL flags in place, without a bitmap built by the leader.
    await queries([db], 'all visible');
  } finally {
    parallelKnnOptions.fixedChunks = true;
    parallelKnnOptions.chunkRowsMax = 8;
    await me.query('ROLLBACK');
    await other.query('ROLLBACK');
    await me.release();
    await other.release();
    await db.query('DROP TABLE rt');
  }
  reportMismatches('parallel vs serial', mismatches, budget * 3, SEED);
});

test('settings: PostgreSQL\'s names, defaults, units and range errors', async () => {
  for (const name of ['max_parallel_workers_per_gather', 'max_parallel_workers', 'parallel_setup_cost', 'parallel_tuple_cost', 'min_parallel_table_scan_size', 'parallel_leader_participation']) {
    await same(`SELECT name, unit, vartype, min_val, max_val, short_desc FROM pg_settings WHERE name = '${name}'`);
  }
  for (const v of ['0', "'100kB'", "'1GB'", "'20000kB'", '-1']) {
    await same(`SET min_parallel_table_scan_size = ${v}`);
    await same('SHOW min_parallel_table_scan_size');
  }
  await same('SET parallel_setup_cost = -1');
  await same('RESET min_parallel_table_scan_size');
  await same('SHOW min_parallel_table_scan_size');
  await same('SHOW parallel_tuple_cost');
  await both(PARALLEL);
});

test('a query that locks rows (FOR UPDATE / SHARE) never plans a parallel scan, as PostgreSQL', async () => {
  await db.exec(PARALLEL);
  const queries = [
    "EXPLAIN (COSTS OFF) SELECT id FROM t ORDER BY v <-> '[1,2,3]' LIMIT 5 FOR UPDATE",
    "EXPLAIN (COSTS OFF) SELECT id FROM t WHERE x = 1 ORDER BY v <=> '[1,2,3]', id LIMIT 5 FOR SHARE SKIP LOCKED",
    "SELECT id FROM t ORDER BY v <-> '[1,2,3]', id LIMIT 5 FOR UPDATE",
  ];
  const mismatches: string[] = [];
  for (const q of queries) await check(q, mismatches);
  reportMismatches('locking clause under parallel settings', mismatches, queries.length, SEED);
  assert.doesNotMatch(await planOf(queries[0]!.slice('EXPLAIN (COSTS OFF) '.length)), /Gather/);
});
