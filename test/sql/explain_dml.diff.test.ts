/**
 * EXPLAIN of INSERT, UPDATE and DELETE against PostgreSQL 18 (PGlite): the ModifyTable node
 * (`Update on t`, `Delete on t z`, `Insert on t`) above the plan that finds the rows (a primary
 * key Index Scan, a Seq Scan with its Filter, the join of UPDATE ... FROM / DELETE ... USING,
 * semi joins, InitPlans and SubPlans) or makes them (INSERT's SELECT, pulled up or kept as
 * `Subquery Scan on "*SELECT*"`; `Result` / `Values Scan` for VALUES), ON CONFLICT's lines;
 * EXPLAIN ANALYZE runs the statement (its rows change, and roll back with its transaction) and
 * counts as PostgreSQL (actual rows of RETURNING, `Tuples Inserted`, `Conflicting Tuples`,
 * `Rows Removed by Conflict Filter`); FORMAT JSON, VERBOSE's ModifyTable lines, parameters,
 * errors. Shapes are compared where both planners choose the same plan.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createExplainTables } from '../support/explain_fixture.js';
import { openSqlPair } from '../support/sql_pair.js';

const { db, oracle, both, checkAll } = await openSqlPair();

await createExplainTables(both);

const costsOff = (qs: readonly string[]): string[] => qs.map((q) => `EXPLAIN (COSTS OFF) ${q}`);

test('EXPLAIN (COSTS OFF) of UPDATE and DELETE: the ModifyTable above the scan or join that finds the rows', async () => {
  await checkAll('UPDATE / DELETE shapes', costsOff([
    'UPDATE t SET x = 1 WHERE id = 2',
    'UPDATE t SET x = 1',
    'UPDATE t SET x = 1 WHERE x = 3',
    'UPDATE t SET x = 1 WHERE id = 7 AND x = 7',
    'UPDATE t SET x = 1 WHERE x = 7 RETURNING id, x',
    'DELETE FROM t WHERE id = 2',
    'DELETE FROM t WHERE x > 5',
    'DELETE FROM t',
    "DELETE FROM t WHERE e <-> '[3,0]' < 2",
    'UPDATE t AS z SET x = 1 WHERE z.id = 3',
    'DELETE FROM t z WHERE z.x = 3 RETURNING z.id',
    'UPDATE b SET y = a.x FROM a WHERE a.id = b.aid',
    'UPDATE a SET x = b.y FROM b WHERE a.id = b.aid',
    'DELETE FROM b USING a WHERE a.id = b.aid AND a.x > 10',
    'DELETE FROM a USING b WHERE a.id = b.aid',
    'UPDATE b SET y = 0 WHERE aid IN (SELECT id FROM a WHERE x > 10)',
    'UPDATE t SET x = (SELECT max(tid) FROM u) WHERE x = 3',
    'UPDATE t SET x = 1 WHERE x = (SELECT max(tid) FROM u)',
    'UPDATE t SET x = (SELECT count(*) FROM u WHERE u.tid = t.id) WHERE x = 3',
    'UPDATE t SET x = 1 WHERE id = 2 RETURNING (SELECT count(*) FROM u)',
  ]));
});

test('EXPLAIN (COSTS OFF) of INSERT: Result / Values Scan, the SELECT pulled up or kept as a subquery, ON CONFLICT lines', async () => {
  await checkAll('INSERT shapes', costsOff([
    'INSERT INTO b VALUES (100, 1, 1)',
    'INSERT INTO b VALUES (100, 1, 1), (101, 2, 2)',
    'INSERT INTO b (id, aid) VALUES (100, 1)',
    'INSERT INTO b DEFAULT VALUES',
    'INSERT INTO b SELECT id + 100, id, x FROM a',
    'INSERT INTO b SELECT id + 1000, tid, 1 FROM u WHERE tid = (SELECT 3)',
    'INSERT INTO b (id, aid) SELECT a.id + 10, b.id FROM a JOIN b ON a.id = b.aid',
    'INSERT INTO b SELECT * FROM b WHERE y > 200 ON CONFLICT DO NOTHING',
    'INSERT INTO b (id, aid) SELECT id, count(*) FROM u GROUP BY id',
    'INSERT INTO b (id, aid) SELECT DISTINCT id, tid FROM u',
    'INSERT INTO b (id, aid) SELECT id, tid FROM u UNION ALL SELECT id + 500, tid FROM u',
    'INSERT INTO b (id, aid) SELECT id, tid FROM u UNION SELECT id + 500, tid FROM u',
    'INSERT INTO b (id, aid) SELECT 1, 2',
    'INSERT INTO b (id, aid) SELECT * FROM (VALUES (1, 2), (3, 4)) v',
    'INSERT INTO b (id, aid) SELECT g, g FROM generate_series(1000, 1010) g',
    'INSERT INTO b VALUES (1, 1, (SELECT max(y) FROM b)), (2, 2, 2) RETURNING (SELECT count(*) FROM a)',
    'INSERT INTO b VALUES (1, 1, 1) ON CONFLICT DO NOTHING',
    'INSERT INTO b VALUES (1, 1, 1) ON CONFLICT (id) DO NOTHING',
    'INSERT INTO b VALUES (1, 1, 1) ON CONFLICT ON CONSTRAINT b_pkey DO NOTHING',
    'INSERT INTO b VALUES (1, 1, 1) ON CONFLICT (id) DO UPDATE SET y = EXCLUDED.y',
    'INSERT INTO b VALUES (1, 1, 1) ON CONFLICT (id) DO UPDATE SET y = b.y + EXCLUDED.y WHERE b.y < 1000 RETURNING *',
    'INSERT INTO b AS x (id, aid) VALUES (1, 2) ON CONFLICT (id) DO UPDATE SET aid = EXCLUDED.aid + x.aid WHERE x.aid <> EXCLUDED.aid',
    'INSERT INTO b (id, aid) SELECT g, g FROM generate_series(1, 3) g ON CONFLICT (id) DO UPDATE SET y = EXCLUDED.y + b.y',
  ]));
});

/** Node lines with actual rows and loops, and the details both print (PostgreSQL 18's buffer and index search counters left out). */
function analyzeLines(rows: { 'QUERY PLAN': string }[]): string[] {
  return rows
    .map((r) => r['QUERY PLAN'])
    .filter((l) => !/^\s*(Buffers|Planning|Memory|Heap Blocks|Index Searches):/.test(l))
    .map((l) => l.replace(/  Memory( Usage)?: \d+kB/, '').replace(/^(\s*)Buckets: .*/, '$1Buckets'));
}

test('EXPLAIN ANALYZE runs the statement: PostgreSQL\'s counters, the rows changed, rolled back with the transaction', async () => {
  const rows = ['SELECT * FROM b ORDER BY id', 'SELECT * FROM t WHERE id <= 6 OR x = 9 ORDER BY id', 'SELECT count(*), sum(x) FROM t'];
  const analyzed = [
    'UPDATE t SET x = x + 1 WHERE id = 5',
    'UPDATE t SET x = 1 WHERE id = 100000',
    'UPDATE t SET x = 0 WHERE x = 9 RETURNING id',
    'UPDATE t SET x = (SELECT count(*) FROM u WHERE u.tid = t.id) WHERE id = 3',
    'UPDATE t SET x = (SELECT max(tid) FROM u) WHERE id = 4 RETURNING x',
    'DELETE FROM b USING a WHERE a.id = b.aid AND a.x > 10',
    'DELETE FROM t WHERE id = 6 RETURNING *',
    'INSERT INTO b SELECT id + 100, id, x FROM a WHERE x IS NOT NULL RETURNING id',
    'INSERT INTO b VALUES (300, 1, 1)',
    'INSERT INTO b VALUES (1, 1, 1), (2, 2, 2), (50, 5, 5) ON CONFLICT (id) DO UPDATE SET y = EXCLUDED.y WHERE b.y > 150',
    'INSERT INTO b VALUES (1, 1, 1), (60, 6, 6) ON CONFLICT (id) DO NOTHING',
    'INSERT INTO b (id, aid) SELECT id + 200, tid FROM u WHERE tid = 3 ON CONFLICT DO NOTHING RETURNING id',
  ];
  const mismatches: string[] = [];
  const compare = async (sql: string): Promise<void> => {
    const want = analyzeLines((await oracle.query(sql)).rows);
    const got = analyzeLines((await db.query<{ 'QUERY PLAN': string }>(sql)).rows);
    if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${sql}\n  pgvector:\n${want.join('\n')}\n  vecgres:\n${got.join('\n')}`);
  };
  for (const q of analyzed) await compare(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) ${q}`);
  assert.deepEqual(mismatches, []);
  await checkAll('rows after EXPLAIN ANALYZE', rows);
  // In a transaction block the effects roll back with it; a failing statement fails the EXPLAIN.
  await checkAll('EXPLAIN ANALYZE in a rolled-back block', [
    'BEGIN',
    'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) DELETE FROM b WHERE y > 100',
    'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) UPDATE t SET x = -1',
    'SELECT count(*) FROM b',
    'SELECT count(*) FROM t WHERE x = -1',
    'ROLLBACK',
    ...rows,
    'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) INSERT INTO b VALUES (1, 1, 1)',
    'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) UPDATE t SET x = x / (id - 3) WHERE id <= 5',
    ...rows,
  ]);
  // With timing: the ModifyTable's time and the summary lines.
  const r = await db.query<{ 'QUERY PLAN': string }>('EXPLAIN ANALYZE UPDATE t SET x = x WHERE id = 7');
  const lines = r.rows.map((x) => x['QUERY PLAN']);
  assert.match(lines[0]!, /^Update on t {2}\(cost=\d+\.\d\d\.\.\d+\.\d\d rows=0 width=0\) \(actual time=\d+\.\d{3}\.\.\d+\.\d{3} rows=0\.00 loops=1\)$/);
  assert.match(lines[lines.length - 1]!, /^Execution Time: \d+\.\d{3} ms$/);
});

test('EXPLAIN of DML: FORMAT JSON\'s ModifyTable, parameters, VERBOSE\'s RETURNING output, errors', async () => {
  const shape = (n: Record<string, unknown>): unknown => ({
    type: n['Node Type'], op: n['Operation'] ?? null, rel: n['Relation Name'] ?? null, alias: n['Alias'] ?? null,
    resolution: n['Conflict Resolution'] ?? null, arbiters: n['Conflict Arbiter Indexes'] ?? null, filter: n['Conflict Filter'] ?? null,
    inserted: n['Tuples Inserted'] ?? null, conflicting: n['Conflicting Tuples'] ?? null, rows: n['Actual Rows'] ?? null,
    plans: ((n['Plans'] ?? []) as Record<string, unknown>[]).map(shape),
  });
  for (const q of [
    '(FORMAT JSON, COSTS OFF) UPDATE t SET x = 1 WHERE id = 2',
    '(FORMAT JSON, COSTS OFF) DELETE FROM t z WHERE z.x = 3',
    '(FORMAT JSON, COSTS OFF) INSERT INTO b VALUES (1, 1, 1) ON CONFLICT (id) DO UPDATE SET y = 5 WHERE b.y > 0',
    '(FORMAT JSON, COSTS OFF, ANALYZE, TIMING OFF, SUMMARY OFF, BUFFERS OFF) INSERT INTO b VALUES (2, 2, 2), (70, 7, 7) ON CONFLICT (id) DO NOTHING',
  ]) {
    const sql = `EXPLAIN ${q}`;
    const want = (await oracle.query(sql)).rows[0]['QUERY PLAN'][0].Plan;
    const got = JSON.parse((await db.query<{ 'QUERY PLAN': string }>(sql)).rows[0]!['QUERY PLAN'])[0].Plan;
    assert.deepEqual(shape(got), shape(want), q);
  }
  await checkAll('parameters', [
    // (Parameters in a printed condition show as `$1`, where PostgreSQL's custom plan shows the value.)
    ['EXPLAIN (COSTS OFF) UPDATE t SET x = $1 WHERE id = 3', [4]],
    ['EXPLAIN (COSTS OFF) DELETE FROM t WHERE id = 8 RETURNING id + $1', [4]],
    ['EXPLAIN (COSTS OFF) INSERT INTO b VALUES ($1, $2, 3) ON CONFLICT (id) DO UPDATE SET y = $2', [1, 2]],
  ]);
  // VERBOSE: the ModifyTable's line and RETURNING's Output (PostgreSQL qualifies relations
  // with their schema, and prints the scan's own Output, which vecgres does not).
  const head = async (run: Promise<{ rows: unknown[] }>): Promise<string[]> =>
    (await run).rows.map((r) => (r as Record<string, string>)['QUERY PLAN']!).filter((l) => !l.startsWith(' ') || /^ {2}(Output|Conflict)/.test(l)).map((l) => l.replace(/public\./g, ''));
  for (const q of [
    'UPDATE t SET x = 1 WHERE id = 7 RETURNING id, x * 2',
    'DELETE FROM t WHERE id = 7 RETURNING *',
    'INSERT INTO b VALUES (1, 1, 1) ON CONFLICT (id) DO UPDATE SET y = 0 RETURNING b.id, y',
    'INSERT INTO b VALUES (400, 1, 1), (401, 1, 1) RETURNING id',
    'INSERT INTO b VALUES (402, 1, 1) RETURNING *',
    'UPDATE b SET y = a.x FROM a WHERE a.id = b.aid RETURNING b.id, a.t',
  ]) {
    const sql = `EXPLAIN (VERBOSE, COSTS OFF) ${q}`;
    assert.deepEqual(await head(db.query(sql)), await head(oracle.query(sql)), sql);
  }
  await checkAll('errors', [
    'EXPLAIN UPDATE nope SET x = 1',
    'EXPLAIN DELETE FROM t WHERE nope = 1',
    'EXPLAIN INSERT INTO b VALUES (1, 2, 3, 4)',
    'EXPLAIN (COSTS OFF) UPDATE t SET x = 1 WHERE id = 2 RETURNING nope',
  ]);
});
