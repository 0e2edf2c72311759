// The vector index scan reads from the table only the columns its target list, its qual and the
// nodes above read (PlanState.parentReads): a `SELECT id ... ORDER BY v <-> q LIMIT k` no longer
// copies every returned row's vector. Every query shape where something above does or does not
// read the vector column (the select list, a distance, a subquery, LATERAL, a SubPlan, OFFSET, a
// qual on the vector, iterative scans), plain and filtered, answers as PostgreSQL + pgvector
// (PGlite, exact: its table has no index; vecgres' graph is searched with an ef_search above the
// row count, so its answer is the exact one too). The batch buffers a cached plan's executions
// reuse (exec/nodes/index_scan.ts BatchBuffers) are checked across executions with a changed
// table and new parameter values, and with two executions of one plan interleaved (two portals
// of the same statement): each answers as it would alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { bindPortal, parseScript } from '../../src/engine/portal.js';
import { cachedSelectPlan, type PreparedCache } from '../../src/sql/exec/statement.js';
import { EState, execInitNode, execProcNode } from '../../src/sql/exec/executor.js';
import type { PlanNode } from '../../src/sql/plan/plan.js';
import { Table, type Value } from '../../src/storage/table.js';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { db, both, same, theirs } = await openSqlPair();
const DIM = 6;
const ROWS = 400;
const prng = new Prng(SEED);
const vec = (): string => `[${Array.from({ length: DIM }, () => (prng.next() * 2 - 1).toFixed(3)).join(',')}]`;
const rows: string[] = [];
// Tenant 0 holds half of the rows, tenants 1..9 the rest; every 50th row has no vector.
for (let i = 0; i < ROWS; i++) rows.push(`(${i}, ${i % 2 === 0 ? 0 : 1 + (i % 9)}, ${i % 50 === 7 ? 'NULL' : `'${vec()}'`})`);
await both(`CREATE TABLE t (id int PRIMARY KEY, tenant int, v vector(${DIM}))`);
await both(`INSERT INTO t VALUES ${rows.join(',')}`);
await db.exec('CREATE INDEX t_v_idx ON t USING hnsw (v vector_l2_ops)');
await db.exec(`SET hnsw.ef_search = ${ROWS + 100}`);
const queries = Array.from({ length: 4 }, vec);

async function explain(sql: string, q: string): Promise<string> {
  const r = await db.query(`EXPLAIN (COSTS OFF) ${sql.replaceAll('$1', `'${q}'::vector`)}`);
  return (r.rows as Array<Record<string, string>>).map((x) => Object.values(x)[0]).join('\n');
}

const SHAPES: string[] = [
  // Nothing above reads the vector.
  'SELECT id FROM t ORDER BY v <-> $1 LIMIT 5',
  'SELECT id, tenant FROM t ORDER BY v <-> $1 LIMIT 5 OFFSET 3',
  'SELECT id FROM t WHERE tenant = 0 ORDER BY v <-> $1 LIMIT 5',
  'SELECT id FROM t WHERE tenant = 4 ORDER BY v <-> $1 LIMIT 5',
  'SELECT tenant * 10 + 1 AS x, id FROM t WHERE tenant IN (2, 3) ORDER BY v <-> $1 LIMIT 7',
  'SELECT count(*), sum(id) FROM (SELECT id FROM t ORDER BY v <-> $1 LIMIT 6) s',
  'SELECT s.id FROM (SELECT id, tenant FROM t WHERE tenant = 0 ORDER BY v <-> $1 LIMIT 6) s ORDER BY s.id',
  // The select list reads the vector or a distance.
  'SELECT id, v FROM t ORDER BY v <-> $1 LIMIT 5',
  'SELECT v::text AS vt, id FROM t WHERE tenant = 0 ORDER BY v <-> $1 LIMIT 5',
  'SELECT id, v <-> $1 AS d FROM t ORDER BY v <-> $1 LIMIT 5',
  'SELECT id, v <=> $1 AS c, l1_distance(v, $1) AS l1 FROM t WHERE tenant = 5 ORDER BY v <-> $1 LIMIT 5',
  'SELECT id, vector_dims(v) AS n FROM t ORDER BY v <-> $1 LIMIT 3 OFFSET 1',
  'SELECT * FROM (SELECT id, v FROM t WHERE tenant = 0 ORDER BY v <-> $1 LIMIT 4) s',
  'SELECT * FROM (SELECT id, v <-> $1 AS d FROM t ORDER BY v <-> $1 LIMIT 6) s WHERE d > 0 ORDER BY id',
  // A SubPlan in the select list is handed the whole row.
  'SELECT id, (SELECT count(*) FROM t t2 WHERE t2.tenant = t.tenant) AS n FROM t ORDER BY v <-> $1 LIMIT 4',
  'SELECT id, (SELECT max(t2.id) FROM t t2 WHERE t2.v = t.v) AS same FROM t WHERE tenant = 0 ORDER BY v <-> $1 LIMIT 4',
  // A qual that reads the vector itself.
  'SELECT id FROM t WHERE v <> $1 AND tenant = 0 ORDER BY v <-> $1 LIMIT 5',
  'SELECT id, tenant FROM t WHERE vector_norm(v) > 1 ORDER BY v <-> $1 LIMIT 5',
  // LATERAL: the inner scan per outer row, its vector read by nobody above.
  'SELECT o.id, x.id AS nn FROM t o, LATERAL (SELECT i.id FROM t i WHERE i.tenant = o.tenant AND i.id <> o.id ORDER BY i.v <-> o.v LIMIT 2) x WHERE o.id < 6 ORDER BY o.id, x.id',
];

test(`index scans answer every shape as PostgreSQL, whatever reads the vector (seed ${SEED})`, async () => {
  // Each shape runs on an index scan (else the test would not test it).
  for (const sql of SHAPES) assert.match(await explain(sql, queries[0]!), /Index Scan using t_v_idx/, sql);
  for (const q of queries) for (const sql of SHAPES) await same(sql, [q]);
  // The vector column is read from the table only where something above reads it.
  const get = Table.prototype.get;
  let vectorReads = 0;
  Table.prototype.get = function (this: Table, col: number, rowId: number) {
    if (col === 2) vectorReads++;
    return get.call(this, col, rowId);
  };
  try {
    await db.query('SELECT id FROM t ORDER BY v <-> $1 LIMIT 5', [queries[0]]);
    await db.query('SELECT id, v <-> $1 AS d FROM t ORDER BY v <-> $1 LIMIT 5', [queries[0]]);
    assert.equal(vectorReads, 5, 'the distance reads the vector of the rows returned, the plain id query none');
    vectorReads = 0;
    await db.query('SELECT id, v FROM t WHERE tenant = 0 ORDER BY v <-> $1 LIMIT 5', [queries[0]]);
    assert.equal(vectorReads, 5);
  } finally {
    Table.prototype.get = get;
  }
  // The post-filter of pgvector's iterative scans: the plain scan with its qual, rows tested one by one.
  await db.exec('SET hnsw.iterative_scan = strict_order');
  try {
    for (const q of queries) {
      await same('SELECT id FROM t WHERE tenant = 3 ORDER BY v <-> $1 LIMIT 5', [q]);
      await same('SELECT id, v FROM t WHERE tenant = 0 AND v <> $1 ORDER BY v <-> $1 LIMIT 5', [q]);
    }
  } finally {
    await db.exec('RESET hnsw.iterative_scan');
  }
});

test(`a cached plan's executions after changes and with new values answer as PostgreSQL (seed ${SEED})`, async () => {
  const SQL = 'SELECT id, v <-> $1 AS d FROM t WHERE tenant = $2 ORDER BY v <-> $1 LIMIT 5';
  const PLAIN = 'SELECT id FROM t ORDER BY v <-> $1 LIMIT 5';
  for (let round = 0; round < 3; round++) {
    for (const tenant of [0, 3, 7, 11]) for (const q of queries) await same(SQL, [q, tenant]);
    for (const q of queries) await same(PLAIN, [q]);
    // A row at the query itself joins tenant 3 (and a row joins a new tenant 11): it comes first next time.
    await both(`INSERT INTO t VALUES (${1000 + 2 * round}, 3, '${queries[round]}'), (${1001 + 2 * round}, 11, '${vec()}')`);
    assert.equal(((await db.query<{ id: number }>(SQL, [queries[round], 3])).rows[0])!.id, 1000 + 2 * round);
    assert.equal(((await db.query<{ id: number }>(PLAIN, [queries[round]])).rows[0])!.id, 1000 + 2 * round);
    await both(`DELETE FROM t WHERE id IN (${2 * round}, ${2 * round + 1})`);
  }
});

test(`two interleaved executions of one cached plan keep their own scan state (seed ${SEED})`, async () => {
  const d = db.database;
  const session = d.openSession();
  d.execute(`SET hnsw.ef_search = ${ROWS + 100}`, [], session);
  // The filtered query searches the index too (its tenant would be ranked exactly by cost).
  d.execute(`SET vecgres.filtered_search = traversal`, [], session);
  const prepared = (d as unknown as { prepared: PreparedCache }).prepared;
  for (const SQL of ['SELECT id, tenant FROM t WHERE tenant = $2 ORDER BY v <-> $1 LIMIT 6', 'SELECT id, $2::int AS tenant FROM t ORDER BY v <-> $1 LIMIT 6']) {
    const raw = parseScript(SQL)[0]!;
    const a = [queries[0], 0];
    const b = [queries[1], 5];
    // Run once: the plan is cached, and both executions below take it.
    d.execute(SQL, a, session);
    const pa = cachedSelectPlan(session, raw, a, prepared)!;
    const pb = cachedSelectPlan(session, raw, b, prepared)!;
    assert.equal(pa.stmt.plan, pb.stmt.plan, 'one cached plan');
    const ea = new EState(session, pa.stmt, pa.values, null);
    const eb = new EState(session, pb.stmt, pb.values, null);
    const sa = execInitNode(pa.stmt.plan, ea);
    const sb = execInitNode(pb.stmt.plan, eb);
    const ga: Value[][] = [];
    const gb: Value[][] = [];
    // One row of each in turn: both scans are open at once.
    for (let i = 0; i < 8; i++) {
      const x = execProcNode(sa);
      const y = execProcNode(sb);
      if (x !== null) ga.push(x);
      if (y !== null) gb.push(y);
    }
    sa.end();
    sb.end();
    const want = async (p: unknown[]): Promise<unknown> => {
      const r = await theirs(SQL, p);
      assert.ok(r.ok);
      return (r.rows as Array<Record<string, unknown>>).map((x) => [x['id'], x['tenant']]);
    };
    assert.deepEqual(ga, await want(a), SQL);
    assert.deepEqual(gb, await want(b), SQL);
    // Both gave their buffers back to the plan; the next execution takes one of them.
    const scan = findIndexScan(pa.stmt.plan);
    assert.equal(scan.spareBuffers?.length, 2);
    assert.deepEqual(d.execute(SQL, b, session)[0]!.rows, gb);
    assert.equal(scan.spareBuffers?.length, 2);
    // Two portals of one prepared statement, their row batches interleaved.
    const st = d.prepare(SQL, [], session);
    const p1 = bindPortal(st, a);
    const p2 = bindPortal(st, b);
    const got1 = d.executePortal(p1, 2, session).rows;
    const got2 = d.executePortal(p2, 3, session).rows;
    got1.push(...d.executePortal(p1, 0, session).rows);
    got2.push(...d.executePortal(p2, 0, session).rows);
    assert.deepEqual(got1, ga);
    assert.deepEqual(got2, gb);
  }
});

function findIndexScan(p: PlanNode): Extract<PlanNode, { node: 'IndexScan' }> {
  if (p.node === 'IndexScan') return p;
  assert.ok(p.node === 'Limit', `unexpected node ${p.node}`);
  return findIndexScan(p.input);
}
