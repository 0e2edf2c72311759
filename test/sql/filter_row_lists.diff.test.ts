// Row lists kept per filter key (access/shared/keyed_rows.ts): a small tenant's query ranked
// exactly keeps the tenant's row ids in the index, and while the table does not change the next
// query computes the distances of those rows without building the filter's bitmap (EXPLAIN
// ANALYZE: "; no bitmap"). Every answer is compared with PostgreSQL + pgvector's (PGlite), also
// after INSERT, UPDATE into and out of the tenant, DELETE, inside a transaction with its own
// uncommitted rows, after ROLLBACK, VACUUM and TRUNCATE, with and without a B-tree on the column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair } from '../support/sql_pair.js';

const SEED = Number(process.env['VECGRES_SEED'] ?? 4242);
const { db, both, same } = await openSqlPair();
const DIM = 8;
const ROWS = 3000;
const prng = new Prng(SEED);
const vec = (): string => `[${Array.from({ length: DIM }, () => (prng.next() * 2 - 1).toFixed(3)).join(',')}]`;
const rows: string[] = [];
// 30 tenants of 100 rows each (too few for a subgraph: exact over their rows).
for (let i = 0; i < ROWS; i++) rows.push(`(${i}, ${i % 30}, '${vec()}')`);
await both(`CREATE TABLE t (id int PRIMARY KEY, tenant int, v vector(${DIM}))`);
await both(`INSERT INTO t VALUES ${rows.join(',')}`);
await db.exec('CREATE INDEX t_v_idx ON t USING hnsw (v vector_l2_ops)');
const SQL = 'SELECT id, v <-> $2 AS d FROM t WHERE tenant = $1 ORDER BY v <-> $2 LIMIT 10';
const queries = Array.from({ length: 6 }, vec);

async function plan(params: unknown[]): Promise<string> {
  const r = await db.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${SQL}`, params);
  return (r.rows as Array<Record<string, string>>).map((x) => Object.values(x)[0]).join('\n');
}

/** The answers for tenant `t` over every query are PostgreSQL's; returns the plan of the last. */
async function check(t: number): Promise<string> {
  for (const q of queries) await same(SQL, [t, q]);
  return plan([t, queries[0]]);
}

test(`a small tenant's rows are kept for the next query while the table is unchanged (seed ${SEED})`, async () => {
  const first = await plan([3, queries[0]]);
  assert.match(first, /Filtered Search: exact over bitmap \(estimated rows \d+, actual rows 100\)/, first);
  const second = await check(3);
  assert.match(second, /Filtered Search: exact over bitmap \(estimated rows \d+, actual rows 100; no bitmap\)/, second);
  assert.match(second, /Distance Computations: 100\b/);
  // Written: the list is stale; the next query builds the bitmap again and keeps a new list.
  const q = queries[1]!;
  await both(`INSERT INTO t VALUES (10001, 3, '${q}')`);
  assert.doesNotMatch(await plan([3, q]), /no bitmap/);
  assert.match(await check(3), /actual rows 101; no bitmap/);
  assert.equal(((await db.query(SQL, [3, q])).rows[0] as { id: number }).id, 10001);
  // Updated out of the tenant and into another one.
  await both('UPDATE t SET tenant = 4 WHERE id = 10001');
  assert.match(await check(3), /actual rows 100; no bitmap/);
  assert.match(await check(4), /actual rows 101; no bitmap/);
  await both(`UPDATE t SET tenant = 3 WHERE id IN (4, 34)`);
  assert.match(await check(3), /actual rows 102; no bitmap/);
  assert.match(await check(4), /actual rows 99; no bitmap/);
  // Deleted.
  await both('DELETE FROM t WHERE id IN (3, 33, 63)');
  assert.match(await check(3), /actual rows 99; no bitmap/);
  // A transaction in flight: its own rows are seen, nobody uses a list meanwhile.
  await both('BEGIN');
  await both(`INSERT INTO t VALUES (10002, 3, '${queries[2]}')`);
  await both('DELETE FROM t WHERE id = 93');
  const inTx = await check(3);
  assert.match(inTx, /actual rows 99\)/, inTx);
  assert.equal(((await db.query(SQL, [3, queries[2]])).rows[0] as { id: number }).id, 10002);
  await both('ROLLBACK');
  await check(3);
  assert.match(await check(3), /actual rows 99; no bitmap/);
  await db.exec('VACUUM t');
  assert.match(await check(3), /actual rows 99; no bitmap/);
  // With a B-tree on the column the bitmap comes from it; the list serves the same way.
  await db.exec('CREATE INDEX t_tenant_idx ON t (tenant)');
  try {
    await check(5);
    assert.match(await check(5), /actual rows 100; no bitmap/);
    await both(`INSERT INTO t VALUES (10003, 5, '${queries[3]}')`);
    assert.match(await check(5), /actual rows 101; no bitmap/);
  } finally {
    await db.exec('DROP INDEX t_tenant_idx');
  }
  // Other quals keep no list.
  const other = 'SELECT id FROM t WHERE tenant = $1 AND id > 10 ORDER BY v <-> $2 LIMIT 10';
  for (let i = 0; i < 2; i++) {
    await same(other, [3, queries[0]]);
    const p = (await db.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${other}`, [3, queries[0]])).rows.map((x) => String(Object.values(x)[0])).join('\n');
    assert.doesNotMatch(p, /no bitmap/, p);
  }
  // TRUNCATE: the rebuilt index keeps nothing of the old rows.
  await both('TRUNCATE t');
  await both(`INSERT INTO t VALUES ${rows.slice(0, 1500).join(',')}`);
  await check(3);
  assert.match(await check(3), /actual rows 50; no bitmap/);
});
