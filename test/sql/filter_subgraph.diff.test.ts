// Filter subgraphs (access/hnsw/subgraphs.ts): `WHERE tenant = $1 ORDER BY v <=> $2 LIMIT 10`
// for a large tenant searches a graph of the tenant's own rows once the value's second query
// has had a pool worker build it (that query runs its usual strategy and builds nothing). Recall@10 against PostgreSQL + pgvector's exact answer (PGlite without an index), with
// the plan (EXPLAIN ANALYZE: "Filtered Search: filter subgraph") asserted; after INSERT,
// UPDATE (into and out of the tenant), DELETE, a transaction's own uncommitted changes, a
// ROLLBACK and VACUUM, the answers are still the tenant's visible rows; small tenants and other
// quals keep their strategies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair } from '../support/sql_pair.js';
import type { HnswIndex } from '../../src/access/hnsw/index.js';
import type { FilterSubgraphs } from '../../src/access/hnsw/subgraphs.js';

const SEED = Number(process.env['VECGRES_SEED'] ?? 9090);
const { db, oracle, both, same } = await openSqlPair();
const DIM = 32;
const ROWS = 16000;
const prng = new Prng(SEED);
const vec = (): string => `[${Array.from({ length: DIM }, () => (prng.next() * 2 - 1).toFixed(4)).join(',')}]`;

// tenant 0: 20% of the rows (3,200), tenant 1: 12.5% (2,000), tenants 2..61 share the rest
// (about 1.1% each). At 32 dimensions a search of 2,000 rows costs less than their exact scan.
const tenantOf = (i: number): number => (i % 40 < 8 ? 0 : i % 40 < 13 ? 1 : 2 + (i % 60));
const rows: string[] = [];
for (let i = 0; i < ROWS; i++) rows.push(`(${i}, ${tenantOf(i)}, ${i % 3}, '${vec()}')`);
await both(`CREATE TABLE t (id int PRIMARY KEY, tenant int, grp int, v vector(${DIM}))`);
for (let i = 0; i < rows.length; i += 2000) await both(`INSERT INTO t VALUES ${rows.slice(i, i + 2000).join(',')}`);
await db.exec('CREATE INDEX t_v_idx ON t USING hnsw (v vector_cosine_ops)');
const queries = Array.from({ length: 20 }, vec);
const SQL = 'SELECT id FROM t WHERE tenant = $1 ORDER BY v <=> $2 LIMIT 10';

/** The filter subgraphs of index `name`. */
const subgraphs = (name = 't_v_idx'): FilterSubgraphs => (db.database.indexes.get(name) as HnswIndex).subgraphs;

/** Runs `sql` twice (the second run admits its key) and waits for the worker's build. */
async function admit(sql: string, params: unknown[], index = 't_v_idx'): Promise<void> {
  await db.query(sql, params);
  await db.query(sql, params);
  await subgraphs(index).settled();
}

async function plan(sql: string, params?: unknown[]): Promise<string> {
  const r = await db.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql}`, params);
  return (r.rows as Array<Record<string, string>>).map((x) => Object.values(x)[0]).join('\n');
}

async function ids(sql: string, params?: unknown[]): Promise<number[]> {
  return ((await db.query(sql, params)).rows as Array<{ id: number }>).map((x) => x.id);
}

async function truth(sql: string, params?: unknown[]): Promise<number[]> {
  return ((await oracle.query(sql, params)).rows as Array<{ id: number }>).map((x) => x.id);
}

/** Recall@10 of vecgres' answers over `queries` for `tenant` against PGlite's exact ones; every answer holds min(10, rows) rows. */
async function recall(tenant: number, qs: readonly string[] = queries): Promise<number> {
  let hits = 0;
  let want = 0;
  // At the default ef_search (40) uniform 32-d rows give a graph search recall@10 of 0.92-0.97,
  // so a 0.95 bar over a few queries failed for some seeds whatever the subgraph did; at 80 a
  // correct subgraph is near 1 and a broken one (rows missing, stale rows) far below. (The
  // tests assert the subgraph's plan before they measure recall.)
  await db.exec('SET hnsw.ef_search = 80');
  try {
    for (const q of qs) {
      const got = await ids(SQL, [tenant, q]);
      const exact = await truth(SQL, [tenant, q]);
      assert.equal(got.length, exact.length, `tenant ${tenant}: rows returned`);
      const w = new Set(exact);
      for (const id of got) if (w.has(id)) hits++;
      want += exact.length;
    }
  } finally {
    await db.exec('RESET hnsw.ef_search');
  }
  return want === 0 ? 1 : hits / want;
}

test(`a large tenant's second query has a worker build its subgraph; recall against exact (seed ${SEED})`, async () => {
  // The first query of a value counts it; the second admits it: a pool worker builds the
  // subgraph while that query (and the next ones until it is done) run the usual strategy.
  const first = await plan(SQL, [0, queries[0]]);
  assert.doesNotMatch(first, /filter subgraph/, first);
  const second = await plan(SQL, [0, queries[0]]);
  assert.doesNotMatch(second, /filter subgraph/, second);
  assert.equal(subgraphs().backgroundBuilds, 1);
  assert.equal(subgraphs().inlineBuilds, 0, 'no query built the subgraph');
  await subgraphs().settled();
  const built = await plan(SQL, [0, queries[0]]);
  assert.match(built, /Filtered Search: filter subgraph \(estimated rows \d+, actual rows 3200/, built);
  // From the third query on, while the table does not change, the subgraph needs no bitmap.
  const third = await plan(SQL, [0, queries[5]]);
  assert.match(third, /Filtered Search: filter subgraph \(estimated rows \d+, actual rows 3200(; planned [a-z ]+)?; no bitmap\)/, third);
  const r0 = await recall(0);
  assert.ok(r0 >= 0.95, `tenant 0 recall@10 ${r0}`);
  // Tenant 1 too, on its own subgraph.
  await admit(SQL, [1, queries[0]]);
  assert.match(await plan(SQL, [1, queries[1]]), /filter subgraph \(estimated rows \d+, actual rows 2000/);
  const r1 = await recall(1);
  assert.ok(r1 >= 0.95, `tenant 1 recall@10 ${r1}`);
  // vecgres.filter_subgraphs = off: the strategy the tenant had without one.
  await db.exec('SET vecgres.filter_subgraphs = off');
  try {
    assert.doesNotMatch(await plan(SQL, [0, queries[0]]), /filter subgraph/);
  } finally {
    await db.exec('RESET vecgres.filter_subgraphs');
  }
  // A small tenant (about 180 rows) stays exact: the answer is PostgreSQL's.
  for (let i = 0; i < 2; i++) assert.match(await plan(SQL, [7, queries[0]]), /exact over bitmap/);
  await subgraphs().settled();
  assert.equal(subgraphs().backgroundBuilds, 2);
  await same('SELECT id FROM t WHERE tenant = 7 ORDER BY v <=> $1 LIMIT 10', [queries[3]]);
  // With a B-tree on the column the bitmap comes from it, and a current subgraph needs none.
  await db.exec('CREATE INDEX t_tenant_idx ON t (tenant)');
  try {
    await ids(SQL, [0, queries[0]]);
    const withBtree = await plan(SQL, [0, queries[8]]);
    assert.match(withBtree, /filter subgraph.*no bitmap/, withBtree);
    const rb = await recall(0, queries.slice(0, 5));
    assert.ok(rb >= 0.95, `tenant 0 with a B-tree: recall@10 ${rb}`);
  } finally {
    await db.exec('DROP INDEX t_tenant_idx');
  }
  // Another qual over the same rows has no key: no subgraph (grp = 1 AND tenant = 0 is no single equality).
  for (let i = 0; i < 2; i++) assert.doesNotMatch(await plan('SELECT id FROM t WHERE tenant = 0 AND grp = 1 ORDER BY v <=> $1 LIMIT 10', [queries[0]]), /filter subgraph/);
  await subgraphs().settled();
  assert.equal(subgraphs().backgroundBuilds, 2);
  assert.equal(subgraphs().inlineBuilds, 0);
});

test('pg_relation_size, pg_total_relation_size and pg_indexes_size count the filter subgraphs', async () => {
  const size = async (): Promise<[number, number, number]> => {
    const r = (await db.query("SELECT pg_relation_size('t_v_idx') AS r, pg_total_relation_size('t') AS t, pg_indexes_size('t') AS i")).rows[0] as Record<string, unknown>;
    return [Number(r['r']), Number(r['t']), Number(r['i'])];
  };
  const index = db.database.indexes.get('t_v_idx') as HnswIndex;
  const [rel, total, idx] = await size();
  const held = index.subgraphs.sizeBytes();
  assert.ok(held > 0, 'the test before left subgraphs');
  assert.equal(rel, index.state.graph.sizeBytes() + held);
  // Without them, each size is that much smaller.
  index.subgraphs.dispose();
  const [rel1, total1, idx1] = await size();
  assert.equal(rel - rel1, held);
  assert.equal(total - total1, held);
  assert.equal(idx - idx1, held);
  // Built again at the next admission, and counted again.
  await admit(SQL, [0, queries[0]]);
  const [rel2] = await size();
  assert.ok(rel2 > rel1, `${rel2} > ${rel1}`);
  assert.equal(rel2, index.state.graph.sizeBytes() + index.subgraphs.sizeBytes());
});

test('the subgraph follows INSERT, UPDATE, DELETE, transactions and VACUUM', async () => {
  // Rows equal to a query (cosine distance 0) are its nearest: each check below can fail.
  const q = queries[2]!;
  const q2 = queries[3]!;
  await db.query(SQL, [0, queries[7]]);
  assert.match(await plan(SQL, [0, queries[7]]), /no bitmap/);
  await both(`INSERT INTO t VALUES (100001, 0, 0, '${q}'), (100002, 1, 0, '${q2}')`);
  // The table changed: the next query builds the bitmap (and catches the subgraph up).
  const changed = await plan(SQL, [0, q]);
  assert.match(changed, /filter subgraph/, changed);
  assert.doesNotMatch(changed, /no bitmap/, changed);
  assert.equal((await ids(SQL, [0, q]))[0], 100001, 'an inserted row is found');
  assert.match(await plan(SQL, [0, q]), /filter subgraph.*no bitmap/);
  // Updated out of the tenant: gone from it, found in the other one.
  await both('UPDATE t SET tenant = 1 WHERE id = 100001');
  assert.ok(!(await ids(SQL, [0, q])).includes(100001), 'a row updated out of the tenant');
  assert.equal((await ids(SQL, [1, q]))[0], 100001, 'a row updated into the tenant');
  // Updated into tenant 0.
  await both('UPDATE t SET tenant = 0 WHERE id = 100002');
  assert.equal((await ids(SQL, [0, q2]))[0], 100002);
  // Deleted rows are gone, nearest first.
  const before = await truth(SQL, [0, queries[4]]);
  await both(`DELETE FROM t WHERE id IN (${before.slice(0, 5).join(',')})`);
  const after = await ids(SQL, [0, queries[4]]);
  for (const id of before.slice(0, 5)) assert.ok(!after.includes(id), `deleted row ${id}`);
  assert.ok((await recall(0, queries.slice(0, 8))) >= 0.95);
  // A transaction sees its own uncommitted changes, and after ROLLBACK nobody does.
  await both('BEGIN');
  await both(`DELETE FROM t WHERE id = 100002`);
  await both(`INSERT INTO t VALUES (100003, 0, 0, '${q2}')`);
  assert.equal((await ids(SQL, [0, q2]))[0], 100003);
  assert.ok(!(await ids(SQL, [0, q2])).includes(100002));
  assert.match(await plan(SQL, [0, q2]), /filter subgraph/);
  await both('ROLLBACK');
  const back = await ids(SQL, [0, q2]);
  assert.equal(back[0], 100002);
  assert.ok(!back.includes(100003));
  // Half the tenant deleted (inside a transaction first: its snapshot lacks half the
  // subgraph's rows, which the search then passes through), then VACUUM.
  await both('BEGIN');
  await both('DELETE FROM t WHERE tenant = 0 AND id % 2 = 0');
  assert.ok((await recall(0, queries.slice(0, 6))) >= 0.95);
  await both('COMMIT');
  assert.ok((await recall(0, queries.slice(0, 10))) >= 0.95);
  await db.exec('VACUUM t');
  assert.ok((await recall(0)) >= 0.95);
  assert.ok((await recall(1)) >= 0.95);
});

test('TRUNCATE and DROP INDEX leave no subgraph behind', async () => {
  await both('TRUNCATE t');
  // 8,000 rows: tenant 0 holds 1,600 (a subgraph's size).
  await both(`INSERT INTO t VALUES ${rows.slice(0, 4000).join(',')}`);
  await both(`INSERT INTO t VALUES ${rows.slice(4000, 8000).join(',')}`);
  await same('SELECT id FROM t WHERE tenant = 0 ORDER BY v <=> $1 LIMIT 10', [queries[0]]);
  await admit(SQL, [0, queries[1]]);
  assert.match(await plan(SQL, [0, queries[1]]), /filter subgraph \(estimated rows \d+, actual rows 1600/);
  assert.ok((await recall(0, queries.slice(0, 6))) >= 0.95);
  // Dropped while a worker builds the subgraph: the build is abandoned, its memory freed.
  const sg = subgraphs();
  sg.dispose();
  const builds = sg.backgroundBuilds;
  await db.query(SQL, [0, queries[1]]);
  await db.query(SQL, [0, queries[1]]);
  assert.equal(sg.backgroundBuilds, builds + 1);
  assert.equal(sg.size, 1);
  await db.exec('DROP INDEX t_v_idx');
  await sg.settled();
  assert.equal(sg.size, 0);
  assert.equal(sg.failedBuilds, 0);
  await same('SELECT id FROM t WHERE tenant = 0 ORDER BY v <=> $1 LIMIT 10', [queries[0]]);
});

test('halfvec and bit indexes get subgraphs too (their stored vectors copied as they are)', async () => {
  const hrows: string[] = [];
  for (let i = 0; i < 8000; i++) hrows.push(`(${i}, ${i % 4 === 0 ? 0 : 1 + (i % 30)}, '${vec()}')`);
  await both(`CREATE TABLE h (id int PRIMARY KEY, tenant int, v halfvec(${DIM}))`);
  for (let i = 0; i < hrows.length; i += 2000) await both(`INSERT INTO h VALUES ${hrows.slice(i, i + 2000).join(',')}`);
  await db.exec('CREATE INDEX h_v_idx ON h USING hnsw (v halfvec_l2_ops)');
  await db.exec(`CREATE INDEX h_b_idx ON h USING hnsw ((binary_quantize(v)::bit(${DIM})) bit_hamming_ops)`);
  const hsql = 'SELECT id FROM h WHERE tenant = $1 ORDER BY v <-> $2 LIMIT 10';
  await admit(hsql, [0, queries[0]], 'h_v_idx');
  const p = await plan(hsql, [0, queries[0]]);
  assert.match(p, /Index Scan using h_v_idx[\s\S]*Filtered Search: filter subgraph \(estimated rows \d+, actual rows 2000/, p);
  let hits = 0;
  for (const q of queries) {
    const got = await ids(hsql, [0, q]);
    const want = new Set(await truth(hsql, [0, q]));
    assert.equal(got.length, 10);
    for (const id of got) if (want.has(id)) hits++;
  }
  assert.ok(hits / (10 * queries.length) >= 0.95, `halfvec recall@10 ${hits / (10 * queries.length)}`);
  // Hamming distances tie often: compare the distances of the rows returned with the exact ones.
  const bsql = `SELECT binary_quantize(v)::bit(${DIM}) <~> binary_quantize($2::halfvec)::bit(${DIM}) AS d FROM h WHERE tenant = $1 ORDER BY binary_quantize(v)::bit(${DIM}) <~> binary_quantize($2::halfvec)::bit(${DIM}) LIMIT 10`;
  await admit(bsql, [0, queries[0]], 'h_b_idx');
  const bp = (await db.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${bsql}`, [0, queries[1]])).rows.map((x) => String(Object.values(x)[0])).join('\n');
  assert.match(bp, /Index Scan using h_b_idx[\s\S]*filter subgraph/, bp);
  let within = 0;
  for (const q of queries) {
    const got = ((await db.query(bsql, [0, q])).rows as Array<{ d: number }>).map((x) => x.d);
    const want = ((await oracle.query(bsql, [0, q])).rows as Array<{ d: number }>).map((x) => x.d);
    assert.equal(got.length, want.length);
    // The k-th distance returned is at most one bit past the exact k-th.
    if (got[got.length - 1]! <= want[want.length - 1]! + 1) within++;
  }
  assert.ok(within >= queries.length - 1, `bit: ${within} of ${queries.length} within a bit of exact`);
});
