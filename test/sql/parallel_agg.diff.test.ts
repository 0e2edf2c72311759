/**
 * Parallel aggregates (Finalize Aggregate -> Gather -> Partial Aggregate -> Parallel Seq Scan):
 * the plan's shape against PostgreSQL 18 + pgvector's (PGlite plans the same shape under the
 * same settings), the answers of count(*), count / avg / sum over vector and count / avg over
 * halfvec against PGlite's on integer-valued rows (where the order of the float sums cannot
 * matter), with NULLs, WHERE clauses, HAVING, no rows; then, over a seeded random table with
 * deleted rows and rows of transactions in flight, byte for byte against the serial plan of the
 * same database. Chunks are small and dealt out in turn so that every participant folds rows.
 * Aggregates the participants cannot compute (sum(halfvec), scalar columns, FILTER, DISTINCT,
 * GROUP BY) keep the serial plan. VECGRES_PARALLEL_QUERIES raises the random budget.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';
import { parallelAggOptions } from '../../src/sql/exec/nodes/partial_agg.js';
import { memories } from '../../src/kernels/memories.js';

const { db, check, both, theirs } = await openSqlPair();
const prng = new Prng(SEED);
parallelAggOptions.chunkRowsMax = 8;
parallelAggOptions.fixedChunks = true;
after(() => {
  parallelAggOptions.chunkRowsMax = 4096;
  parallelAggOptions.fixedChunks = false;
});

/** Settings under which PostgreSQL plans a parallel aggregate for any table (one worker: the pages do not matter). */
const PARALLEL = 'SET max_parallel_workers_per_gather = 1; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0';
const SERIAL = 'SET max_parallel_workers_per_gather = 0';

const vec = (xs: number[]): string => `[${xs.join(',')}]`;
const rows: string[] = [];
for (let i = 1; i <= 300; i++) {
  const v = i % 13 === 0 ? 'NULL' : `'${vec([0, 1, 2, 3].map(() => prng.int(41) - 20))}'`;
  rows.push(`(${i}, ${prng.int(4)}, ${v})`);
}
await both('CREATE TABLE a (id int PRIMARY KEY, x int, v vector(4), h halfvec(4))');
await both(`INSERT INTO a (id, x, v) VALUES ${rows.join(', ')}`);
await both('UPDATE a SET h = v::halfvec WHERE id % 3 <> 0');
await both('DELETE FROM a WHERE id % 29 = 1');
await both(PARALLEL);

async function planOf(sql: string): Promise<string> {
  return (await db.query(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((r) => Object.values(r)[0]).join('\n');
}

test('EXPLAIN: Finalize Aggregate -> Gather (Workers Planned) -> Partial Aggregate -> Parallel Seq Scan, as PostgreSQL prints it', async () => {
  for (const q of ['SELECT avg(v) FROM a', 'SELECT sum(v), count(*), count(v) FROM a', 'SELECT avg(h), count(h) FROM a WHERE x > 0', 'SELECT count(*) FROM a']) {
    const out = await theirs(`EXPLAIN (COSTS OFF) ${q}`);
    assert.ok(out.ok, q);
    const want = (out.rows as Record<string, unknown>[]).map((r) => Object.values(r)[0]).join('\n');
    assert.equal(await planOf(q), want, q);
    assert.match(want, /Finalize Aggregate/);
  }
});

test('EXPLAIN VERBOSE: the partial states print as PARTIAL, as PostgreSQL prints them', async () => {
  const q = 'SELECT avg(v), sum(v) FROM a';
  const out = await theirs(`EXPLAIN (VERBOSE, COSTS OFF) ${q}`);
  assert.ok(out.ok);
  const want = (out.rows as Record<string, unknown>[]).map((r) => Object.values(r)[0] as string).filter((l) => !l.includes('Parallel Seq Scan') && !/^ {20}/.test(l));
  const got = (await db.query(`EXPLAIN (VERBOSE, COSTS OFF) ${q}`)).rows.map((r) => Object.values(r)[0] as string);
  // The scan's own output list is left out (PostgreSQL prints the table's physical columns).
  assert.deepEqual(got.slice(0, want.length), want);
  assert.match(want.join('\n'), /Output: PARTIAL avg\(v\), PARTIAL sum\(v\)/);
});

test('answers equal PostgreSQL\'s: integer-valued rows, NULLs, WHERE, HAVING, no rows', async () => {
  const queries = [
    'SELECT avg(v) FROM a',
    'SELECT sum(v) FROM a',
    'SELECT count(*), count(v), count(h) FROM a',
    'SELECT avg(v), sum(v), avg(h), count(*) FROM a',
    'SELECT avg(h) FROM a',
    'SELECT avg(v) FROM a WHERE x = 2',
    'SELECT sum(v), count(*) FROM a WHERE x IN (0, 3) AND id > 40',
    'SELECT avg(v) FROM a WHERE x < 0',
    'SELECT sum(v), count(v) FROM a WHERE x > 1000',
    'SELECT avg(v) FROM a HAVING count(*) > 5',
    'SELECT avg(v) FROM a HAVING count(*) > 5000',
    'SELECT avg(v)::text, count(*) + 1 AS n FROM a',
    'SELECT (SELECT avg(v) FROM a) AS m',
  ];
  const mismatches: string[] = [];
  for (const q of queries) await check(q, mismatches);
  reportMismatches('parallel aggregates', mismatches, queries.length, SEED);
  // They ran in parallel (not a serial plan that happens to agree; the filters are on columns
  // without an index, so the scan is the parallel sequential one).
  for (const q of queries) assert.match(await planOf(q), /Partial Aggregate/, q);
});

test('aggregates the participants cannot compute keep the serial plan, with the serial answer', async () => {
  for (const q of [
    'SELECT sum(h) FROM a', 'SELECT avg(v), max(x) FROM a', 'SELECT avg(v) FILTER (WHERE x = 1) FROM a',
    'SELECT x, avg(v) FROM a GROUP BY x ORDER BY x', 'SELECT avg(v) FROM a WHERE x + 0 = 1', 'SELECT count(DISTINCT v) FROM a',
  ]) {
    assert.doesNotMatch(await planOf(q), /Partial Aggregate/, q);
    const mismatches: string[] = [];
    await check(q, mismatches);
    assert.deepEqual(mismatches, [], q);
  }
  await db.query(SERIAL);
  assert.doesNotMatch(await planOf('SELECT avg(v) FROM a'), /Gather/);
  await db.exec(PARALLEL);
});

test('EXPLAIN ANALYZE: Workers Launched, the rows visited; a worker\'s overflow error ends the statement, shared blocks freed', async () => {
  const lines = (await db.query('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM a')).rows.map((r) => Object.values(r)[0] as string);
  assert.match(lines.join('\n'), /Workers Launched: 1/);
  const live = Number((await db.query('SELECT count(*) AS n FROM a')).rows[0]!['n']);
  const scan = lines.find((l) => l.includes('Parallel Seq Scan'))!;
  const m = /rows=([\d.]+) loops=(\d+)/.exec(scan)!;
  assert.equal(Number(m[1]) * Number(m[2]), live);
  await db.query('CREATE TABLE big (v vector(2))');
  await db.query("INSERT INTO big SELECT '[3e38,1]' FROM generate_series(1, 40)");
  const before = memories.allocatedBytes;
  for (const q of ['SELECT sum(v) FROM big']) {
    assert.match(await planOf(q), /Partial Aggregate/);
    await assert.rejects(db.query(q), (e: { code?: string; message: string }) => e.code === '22003' && e.message === 'value out of range: overflow');
  }
  assert.equal(memories.allocatedBytes, before);
  await db.query('DROP TABLE big');
});

test(`random table: the parallel answer is the serial one, byte for byte (seed ${SEED})`, async () => {
  const budget = Number(process.env['VECGRES_PARALLEL_QUERIES'] ?? 30);
  const r = new Prng(SEED + 7);
  const pick = <T>(xs: readonly T[]): T => xs[r.int(xs.length)]!;
  const dim = 1 + r.int(6);
  const n = 400 + r.int(1200);
  const randomVec = (): string => vec(Array.from({ length: dim }, () => r.int(201) - 100));
  const values: string[] = [];
  for (let i = 0; i < n; i++) values.push(`(${i}, ${r.int(5)}, ${r.int(17) === 0 ? 'NULL' : `'${randomVec()}'`})`);
  await db.query(`CREATE TABLE ra (id int PRIMARY KEY, g int, v vector(${dim}), hv halfvec(${dim}))`);
  await db.query(`INSERT INTO ra (id, g, v) VALUES ${values.join(',')}`);
  await db.query('UPDATE ra SET hv = v::halfvec WHERE id % 2 = 0');
  await db.query(`DELETE FROM ra WHERE id % ${2 + r.int(9)} = 1`);
  const other = await db.connect();
  const me = await db.connect();
  const mismatches: string[] = [];
  // The parallel plan is chosen on cost, not forced: with a WHERE clause the leader evaluates
  // it over every row before the participants start (parallel.ts), so a selective clause on a
  // small table can keep the serial plan cheaper, as PostgreSQL too keeps some of these queries
  // serial (an index scan for `id < k`). Such a query must still give the serial answer; most
  // queries must run in parallel, so the comparison cannot pass without testing anything.
  let planned = 0;
  let parallelPlans = 0;
  const run = async (sessions: { query(sql: string): Promise<{ rows: Record<string, unknown>[] }>; exec(sql: string): Promise<unknown> }[], phase: string): Promise<void> => {
    for (let i = 0; i < budget; i++) {
      const aggs = Array.from({ length: 1 + r.int(3) }, () => pick(['avg(v)', 'sum(v)', 'count(*)', 'count(v)', 'avg(hv)', 'count(hv)'])).join(', ');
      const where = pick(['', '', `WHERE g = ${r.int(5)}`, `WHERE g IN (${r.int(5)}, ${r.int(5)})`, `WHERE g > 1 AND id < ${r.int(n)}`]);
      const sql = `SELECT ${aggs} FROM ra ${where}`;
      parallelAggOptions.fixedChunks = r.int(2) === 0;
      parallelAggOptions.chunkRowsMax = pick([1, 8, 64, 4096]);
      for (const s of sessions) {
        await s.query(SERIAL);
        const serial = JSON.stringify((await s.query(sql)).rows);
        await s.exec(PARALLEL);
        const plan = (await s.query(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((x) => Object.values(x)[0]).join(' ');
        const parallel = JSON.stringify((await s.query(sql)).rows);
        planned++;
        if (plan.includes('Partial Aggregate')) parallelPlans++;
        else if (where === '') mismatches.push(`${phase}: not parallel without a WHERE clause: ${sql}`);
        if (serial !== parallel) mismatches.push(`${phase}: ${sql}\n  serial   ${serial}\n  parallel ${parallel}`);
      }
    }
  };
  try {
    // Every row committed: the participants read the live rows in place.
    await run([db], 'all visible');
    // Another session's transaction in flight (its inserts invisible here, its deletes not yet
    // done) and this session's own (its inserts visible to it, its deletes hiding rows).
    await other.query('BEGIN');
    await other.query(`INSERT INTO ra (id, g, v) VALUES ${Array.from({ length: 50 }, (_, i) => `(${n + i}, 0, '${randomVec()}')`).join(',')}`);
    await other.query('DELETE FROM ra WHERE id % 5 = 0');
    await me.query('BEGIN');
    await me.query(`INSERT INTO ra (id, g, v) VALUES ${Array.from({ length: 40 }, (_, i) => `(${n + 100 + i}, 1, '${randomVec()}')`).join(',')}`);
    await me.query('DELETE FROM ra WHERE id % 10 = 3');
    await run([me, db], 'transactions in flight');
  } finally {
    parallelAggOptions.fixedChunks = true;
    parallelAggOptions.chunkRowsMax = 8;
    await me.query('ROLLBACK');
    await other.query('ROLLBACK');
    await me.release();
    await other.release();
    await db.query('DROP TABLE ra');
  }
  if (parallelPlans * 2 < planned) mismatches.push(`only ${parallelPlans} of ${planned} queries ran in parallel`);
  reportMismatches('parallel vs serial aggregates', mismatches, budget * 3, SEED);
});
