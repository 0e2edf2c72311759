// Filtered vector search taking its bitmap from a B-tree index (WHERE tenant = $1 ORDER BY
// v <=> q LIMIT k with CREATE INDEX ON t (tenant)): the rows are PostgreSQL + pgvector's
// (PGlite, exact search on the oracle side), the same as the bitmap built from the qual over
// the table (enable_bitmapscan off), under every forced strategy, after updates and deletes,
// and EXPLAIN names the B-tree index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair } from '../support/sql_pair.js';

const SEED = Number(process.env['VECGRES_SEED'] ?? 4242);
const { db, oracle, both, same } = await openSqlPair();
const DIM = 8;
const ROWS = 4000;
const prng = new Prng(SEED);
const vec = (): string => `[${Array.from({ length: DIM }, () => (prng.next() * 2 - 1).toFixed(4)).join(',')}]`;

// tenant: i % 50 (2% each), NULL every 211th row; grp: i % 4; tag: 6 text values.
const rows: string[] = [];
for (let i = 0; i < ROWS; i++) rows.push(`(${i}, ${i % 211 === 0 ? 'NULL' : i % 50}, ${i % 4}, 't${i % 6}', '${vec()}')`);
await both(`CREATE TABLE t (id int PRIMARY KEY, tenant int, grp int, tag text, v vector(${DIM}))`);
for (let i = 0; i < rows.length; i += 1000) await both(`INSERT INTO t VALUES ${rows.slice(i, i + 1000).join(',')}`);
await db.exec('CREATE INDEX t_v_idx ON t USING hnsw (v vector_cosine_ops)');
await db.exec('CREATE INDEX t_tenant_idx ON t (tenant)');
await db.exec('CREATE INDEX t_grp_tag_idx ON t (grp, tag)');
const queries = Array.from({ length: 4 }, vec);

const WHERES = [
  'tenant = 7',
  'tenant IN (3, 4, 5)',
  'tenant = 9 AND grp = 1',
  "tenant < 3 AND tag = 't2'",
  "grp = 2 AND tag = 't4'",
  'tenant = 11 AND id % 3 = 0',
  'tenant = -1',
  'tenant = 12 OR grp = 5',
];

async function plan(sql: string, params?: unknown[], analyze = false): Promise<string> {
  const r = await db.query(`EXPLAIN (${analyze ? 'ANALYZE, TIMING OFF, SUMMARY OFF, ' : ''}COSTS OFF) ${sql}`, params);
  return (r.rows as Array<Record<string, string>>).map((x) => Object.values(x)[0]).join('\n');
}

async function ids(sql: string, params?: unknown[]): Promise<number[]> {
  return ((await db.query(sql, params)).rows as Array<{ id: number }>).map((x) => x.id);
}

test(`B-tree bitmap: PostgreSQL's rows for every filter and query (seed ${SEED})`, async () => {
  for (const where of WHERES) {
    for (const q of queries) await same(`SELECT id FROM t WHERE ${where} ORDER BY v <=> '${q}' LIMIT 10`);
    // Every filter but the OR has a conjunct an index answers: the bitmap comes from it.
    const p = await plan(`SELECT id FROM t WHERE ${where} ORDER BY v <=> '${queries[0]}' LIMIT 10`);
    if (where.includes(' OR ')) assert.doesNotMatch(p, /Filter Bitmap/, p);
    else assert.match(p, /Filter Bitmap: Bitmap Index Scan on t_/, p);
  }
  await same('SELECT id FROM t WHERE tenant = $1 ORDER BY v <=> $2 LIMIT 10', [21, queries[0]]);
  await same('SELECT id FROM t WHERE tenant = $1 ORDER BY v <=> $2 LIMIT 10', [null, queries[0]]);
});

test('EXPLAIN names the B-tree index the bitmap comes from; ANALYZE its rows', async () => {
  const sql = `SELECT id FROM t WHERE tenant = 7 ORDER BY v <=> '${queries[0]}' LIMIT 10`;
  const p = await plan(sql);
  assert.match(p, /Filtered Search: exact over bitmap \(estimated rows \d+\)\n\s*Filter Bitmap: Bitmap Index Scan on t_tenant_idx \(Index Cond: \(tenant = 7\)\)/, p);
  // The test before ranked tenant 7 exactly, so the index kept its rows (access/shared/
  // keyed_rows.ts) and the next run builds no bitmap; a write retires that list.
  const kept = await plan(sql, undefined, true);
  assert.match(kept, /no bitmap/, kept);
  await both('DELETE FROM t WHERE id = -1');
  await both(`INSERT INTO t VALUES (-1, 0, 0, 'x', '${queries[1]}')`);
  await both('DELETE FROM t WHERE id = -1');
  const a = await plan(sql, undefined, true);
  // The bitmap's count is exact: the rows PostgreSQL counts.
  const n = ((await oracle.query('SELECT count(*)::int AS n FROM t WHERE tenant = 7')).rows[0] as { n: number }).n;
  assert.ok(a.includes(`actual rows ${n})\n`) && a.includes(`Filter Bitmap: Bitmap Index Scan on t_tenant_idx (Index Cond: (tenant = 7); index rows ${n})`), a);
  const two = await plan(`SELECT id FROM t WHERE grp = 2 AND tag = 't4' ORDER BY v <=> '${queries[0]}' LIMIT 10`);
  assert.match(two, /Filter Bitmap: Bitmap Index Scan on t_grp_tag_idx \(Index Cond: \(\(grp = 2\) AND \(tag = 't4'::text\)\)\)/, two);
  // An OR no index answers as a whole keeps the qual over the table.
  const or = await plan(`SELECT id FROM t WHERE tenant = 12 OR grp = 5 ORDER BY v <=> '${queries[0]}' LIMIT 10`);
  assert.doesNotMatch(or, /Filter Bitmap/, or);
  await db.exec('SET enable_bitmapscan = off');
  try {
    assert.doesNotMatch(await plan(sql), /Filter Bitmap/);
  } finally {
    await db.exec('RESET enable_bitmapscan');
  }
});

test('the same rows as the qual-over-table bitmap under every forced strategy', async () => {
  for (const strategy of ['exact', 'traversal', 'iterative']) {
    await db.exec(`SET vecgres.filtered_search = ${strategy}`);
    try {
      for (const where of WHERES) {
        for (const q of queries) {
          const sql = `SELECT id FROM t WHERE ${where} ORDER BY v <=> '${q}' LIMIT 10`;
          const withIndex = await ids(sql);
          await db.exec('SET enable_bitmapscan = off');
          const without = await ids(sql);
          await db.exec('RESET enable_bitmapscan');
          if (strategy === 'exact') assert.deepEqual(withIndex, without, `${strategy}: ${where}`);
          // The index strategies search the graph: the same number of rows, by recall the same.
          else assert.equal(withIndex.length, without.length, `${strategy}: ${where}`);
        }
      }
    } finally {
      await db.exec('RESET vecgres.filtered_search');
    }
  }
});

test('after UPDATE, DELETE and inside a transaction the index bitmap sees what the qual sees', async () => {
  await both('UPDATE t SET tenant = 7 WHERE id % 97 = 0');
  await both('DELETE FROM t WHERE id % 13 = 0');
  await both("INSERT INTO t VALUES (100000, 7, 1, 't1', '[1,1,1,1,1,1,1,1]')");
  for (const q of queries) await same(`SELECT id FROM t WHERE tenant = 7 ORDER BY v <=> '${q}' LIMIT 10`);
  await both('BEGIN');
  await both('UPDATE t SET tenant = 8 WHERE tenant = 7 AND grp = 0');
  await same(`SELECT id FROM t WHERE tenant = 7 ORDER BY v <=> '${queries[1]}' LIMIT 10`);
  await same(`SELECT id FROM t WHERE tenant = 8 ORDER BY v <=> '${queries[1]}' LIMIT 10`);
  await both('ROLLBACK');
  await same(`SELECT id FROM t WHERE tenant = 8 ORDER BY v <=> '${queries[2]}' LIMIT 10`);
  assert.match(await plan(`SELECT id FROM t WHERE tenant = 8 ORDER BY v <=> '${queries[2]}' LIMIT 10`), /Filter Bitmap: Bitmap Index Scan on t_tenant_idx/);
});
