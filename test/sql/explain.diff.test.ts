/**
 * EXPLAIN against PostgreSQL 18 + pgvector 0.8.7 (PGlite): plan shapes with COSTS OFF, for
 * queries where both choose the same plan (scans, filters, primary-key lookups, k-NN sorts and
 * index scans, InitPlans and SubPlans, hash joins, CTEs, LATERAL top-k per row); EXPLAIN
 * ANALYZE's actual rows and loops per node (TIMING OFF; memory figures and PostgreSQL's
 * buffer counters left out); FORMAT JSON's node tree; option errors. And the cross-join trap
 * (issue 7): vecgres evaluates the single outer row first and runs the vector index scan with
 * it as the query, where PostgreSQL sorts the cross product.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { createExplainTables } from '../support/explain_fixture.js';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { db, oracle, both, checkAll } = await openSqlPair();

await createExplainTables(both);
// Articles with distinct directions (no ties in cosine distance) for the cross-join trap.
await both(`CREATE TABLE articles (id int PRIMARY KEY, title text, embedding vector(4))`);
{
  const rng = new Prng(SEED);
  const rows: string[] = [];
  for (let i = 1; i <= 2000; i++) rows.push(`(${i}, 'article ${i}', '[${Array.from({ length: 4 }, () => (rng.int(20001) - 10000) / 1000).join(',')}]')`);
  await both(`INSERT INTO articles VALUES ${rows.join(', ')}`);
}

const all = (label: string, queries: readonly string[]): Promise<void> => checkAll(label, queries, undefined, SEED);

test('EXPLAIN (COSTS OFF) plan shapes match PostgreSQL where the plans are the same', async () => {
  const shapes = [
    'SELECT * FROM t',
    'SELECT * FROM t WHERE x = 3',
    'SELECT * FROM t WHERE id = 7',
    'SELECT id FROM t ORDER BY e <-> \'[3,0]\' LIMIT 3',
    'SELECT id FROM t WHERE x > 2 ORDER BY e <-> \'[3,0]\' LIMIT 3',
    'SELECT id FROM t ORDER BY x DESC, id LIMIT 5',
    'SELECT x, count(*) FROM t GROUP BY x HAVING count(*) > 1',
    'SELECT count(*) FROM t',
    'SELECT id FROM t WHERE id <> (SELECT id FROM t ORDER BY e <-> \'[150,0]\' LIMIT 1) ORDER BY e <-> \'[0,0]\' LIMIT 3',
    'SELECT id, (SELECT count(*) FROM u WHERE u.tid = t.id) FROM t',
    'SELECT a.id, b.id FROM a JOIN b ON a.id = b.aid',
    'SELECT * FROM generate_series(1, 3) g',
    'SELECT 1',
    'WITH w AS MATERIALIZED (SELECT id FROM t WHERE x < 1) SELECT * FROM w w1, w w2 WHERE w1.id = w2.id',
    'SELECT * FROM (VALUES (1), (2)) v(n) JOIN t ON t.id = v.n',
    'SELECT id FROM t WHERE x NOT IN (SELECT tid FROM u)',
  ];
  await all('COSTS OFF shapes', shapes.map((q) => `EXPLAIN (COSTS OFF) ${q}`));
});

test('EXPLAIN (COSTS OFF) with an HNSW index: index scans, LATERAL top-k per outer row', async () => {
  await both('CREATE INDEX ON articles USING hnsw (embedding vector_cosine_ops)');
  try {
    // A filtered k-NN scan: pgvector's shape plus vecgres' lines naming its filter strategy
    // (and the primary key's B-tree bitmap it reads the filter's rows from).
    const filtered = 'EXPLAIN (COSTS OFF) SELECT id FROM articles WHERE id > 10 ORDER BY embedding <=> \'[1,2,3,4]\' LIMIT 5';
    const theirs = (await oracle.query(filtered)).rows.map((r) => (r as Record<string, string>)['QUERY PLAN']);
    const ours = (await db.query(filtered)).rows.map((r) => (r as Record<string, string>)['QUERY PLAN']);
    assert.deepEqual(ours.filter((l) => !/^\s*(Filtered Search|Filter Bitmap): /.test(l!)), theirs);
    assert.ok(ours.some((l) => /^\s*Filtered Search: [a-z ]+ \(estimated rows \d+\)$/.test(l!)), ours.join('\n'));
    await all('index shapes', [
      'EXPLAIN (COSTS OFF) SELECT id FROM articles ORDER BY embedding <=> \'[1,2,3,4]\' LIMIT 5',
      // (`a.id + 0`: the outer side a Seq Scan in both; vecgres' automatic ANALYZE, which PGlite
      // lacks, would otherwise make the primary key's range the cheaper outer scan.)
      'EXPLAIN (COSTS OFF) SELECT a.id, s.id FROM articles a CROSS JOIN LATERAL (SELECT x.id FROM articles x ORDER BY x.embedding <=> a.embedding LIMIT 3) s WHERE a.id + 0 < 4',
    ]);
  } finally {
    await both('DROP INDEX articles_embedding_idx');
  }
});

/** Node lines with their actual rows and loops; detail lines PostgreSQL and vecgres both print. */
function analyzeLines(rows: { 'QUERY PLAN': string }[]): string[] {
  return rows
    .map((r) => r['QUERY PLAN'])
    .filter((l) => !/^\s*(Buffers|Planning|Memory|Heap Blocks|Index Searches|Distance Computations|Index Tuples Returned|Filtered Search):/.test(l) && !/^\s*Planning:$/.test(l))
    .map((l) => l.replace(/  Memory( Usage)?: \d+kB/, '').replace(/^(\s*)Buckets: .*/, '$1Buckets'));
}

test('EXPLAIN ANALYZE: actual rows and loops per node as PostgreSQL counts them', async () => {
  const mismatches: string[] = [];
  const queries = [
    'SELECT * FROM t WHERE x = 3',
    'SELECT id FROM t ORDER BY e <-> \'[3,0]\' LIMIT 3',
    'SELECT id FROM t ORDER BY x DESC, id LIMIT 5',
    'SELECT x, count(*) FROM t GROUP BY x HAVING count(*) > 19',
    'SELECT a.id, b.id FROM a JOIN b ON a.id = b.aid',
    'SELECT id, (SELECT count(*) FROM u WHERE u.tid = t.id) FROM t',
    'SELECT id FROM t WHERE id <> (SELECT id FROM t ORDER BY e <-> \'[150,0]\' LIMIT 1) ORDER BY e <-> \'[0,0]\' LIMIT 3',
    'SELECT * FROM generate_series(1, 3) g',
  ];
  for (const q of queries) {
    const sql = `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) ${q}`;
    const want = analyzeLines((await oracle.query(sql)).rows);
    const got = analyzeLines((await db.query<{ 'QUERY PLAN': string }>(sql)).rows);
    try {
      assert.deepEqual(got, want);
    } catch {
      mismatches.push(`${sql}\n  pgvector:\n${want.join('\n')}\n  vecgres:\n${got.join('\n')}`);
    }
  }
  reportMismatches('EXPLAIN ANALYZE', mismatches, queries.length, SEED);
});

test('EXPLAIN ANALYZE prints timing and the summary; FORMAT JSON is PostgreSQL\'s tree', async () => {
  const r = await db.query<{ 'QUERY PLAN': string }>('EXPLAIN ANALYZE SELECT a.id FROM a JOIN b ON a.id = b.aid');
  const lines = r.rows.map((x) => x['QUERY PLAN']);
  assert.match(lines[0]!, /^Hash Join {2}\(cost=\d+\.\d\d\.\.\d+\.\d\d rows=\d+ width=\d+\) \(actual time=\d+\.\d{3}\.\.\d+\.\d{3} rows=3\.00 loops=1\)$/);
  assert.match(lines[lines.length - 2]!, /^Planning Time: \d+\.\d{3} ms$/);
  assert.match(lines[lines.length - 1]!, /^Execution Time: \d+\.\d{3} ms$/);

  const shape = (n: Record<string, unknown>): unknown => ({
    type: n['Node Type'],
    rel: n['Relation Name'] ?? null,
    filter: n['Filter'] ?? null,
    hash: n['Hash Cond'] ?? null,
    rows: n['Actual Rows'] ?? null,
    loops: n['Actual Loops'] ?? null,
    plans: ((n['Plans'] ?? []) as Record<string, unknown>[]).map(shape),
  });
  for (const q of ['SELECT * FROM t WHERE x = 3', 'SELECT a.id, b.id FROM a JOIN b ON a.id = b.aid', 'SELECT x, count(*) FROM t GROUP BY x']) {
    const sql = `EXPLAIN (ANALYZE, FORMAT JSON, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) ${q}`;
    const want = (await oracle.query(sql)).rows[0]['QUERY PLAN'][0].Plan;
    const got = JSON.parse((await db.query<{ 'QUERY PLAN': string }>(sql)).rows[0]!['QUERY PLAN'])[0].Plan;
    assert.deepEqual(shape(got), shape(want), q);
  }
  await all('option errors', [
    'EXPLAIN (TIMING ON) SELECT 1',
    'EXPLAIN (FORMAT BLAH) SELECT 1',
    'EXPLAIN (BLAH) SELECT 1',
    'EXPLAIN (ANALYZE maybe) SELECT 1',
  ]);
});

test('the cross-join trap: the single outer row first, then one vector index scan with it as the query', async () => {
  const q = (id: number): string => `SELECT a.id, a.embedding <=> b.embedding AS d FROM articles a, articles b WHERE b.id = ${id} ORDER BY a.embedding <=> b.embedding LIMIT 10`;
  // Without an index: the same rows as PostgreSQL (exact top-k, no ties in the data).
  await all('cross join, exact', [q(1), q(77), q(2000), q(2001), `${q(5).replace('LIMIT 10', 'LIMIT 3 OFFSET 2')}`]);
  await db.query('CREATE INDEX ON articles USING hnsw (embedding vector_cosine_ops)');
  try {
    const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${q(1)}`)).rows.map((r) => r['QUERY PLAN']);
    assert.deepEqual(plan, [
      'Limit',
      '  ->  Nested Loop',
      '        ->  Index Scan using articles_pkey on articles b',
      '              Index Cond: (id = 1)',
      '        ->  Index Scan using articles_embedding_idx on articles a',
      '              Order By: (embedding <=> b.embedding)',
    ]);
    // With the index: the rows the index scan returns for the same query vector written as a
    // scalar subquery (one index search either way).
    for (const id of [1, 42, 300]) {
      const viaJoin = (await db.query(q(id))).rows;
      const viaSubquery = (await db.query(`SELECT id, embedding <=> (SELECT embedding FROM articles WHERE id = ${id}) AS d FROM articles ORDER BY embedding <=> (SELECT embedding FROM articles WHERE id = ${id}) LIMIT 10`)).rows;
      assert.deepEqual(viaJoin, viaSubquery, `id ${id}`);
    }
  } finally {
    await db.query('DROP INDEX articles_embedding_idx');
  }
});

test('EXPLAIN prints the coercions PostgreSQL inserts between numeric types, and constants as ruleutils does', async () => {
  // vecgres evaluates mixed numeric operands directly; EXPLAIN printed `(id > x)` where
  // PostgreSQL prints `((id)::double precision > x)`, and `'2'::int2` for `'2'::smallint`.
  await both('CREATE TABLE nc (i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, n numeric, t text)');
  const cols = ['i2', 'i4', 'i8', 'f4', 'f8', 'n'];
  const rng = new Prng(SEED);
  const queries: string[] = [];
  for (const op of ['>', '=', '<>', '+', '-', '*', '/', '%']) {
    for (const l of cols) {
      for (const r of cols) {
        if (l === r || (op === '%' && (l.startsWith('f') || r.startsWith('f')))) continue;
        const cmp = ['>', '=', '<>'].includes(op);
        queries.push(`EXPLAIN (COSTS OFF) SELECT * FROM nc WHERE (${l} ${op} ${r})${cmp ? '' : ' IS NULL'}`);
      }
    }
  }
  const consts = ['1', '-1', '1.5', '-1.5', '2.50', '1e3', "'2'", '3000000000', '2::int2', '1.5::float8'];
  for (const c of cols) for (const k of consts) queries.push(`EXPLAIN (COSTS OFF) SELECT * FROM nc WHERE ${c} > ${k}`);
  queries.push('EXPLAIN (COSTS OFF) SELECT * FROM nc WHERE f8 > i4 + 1', "EXPLAIN (COSTS OFF) SELECT * FROM nc WHERE t = 'a'");
  // A Subquery Scan's filter is always qualified (show_scan_qual's useprefix).
  queries.push(
    'EXPLAIN (COSTS OFF) SELECT * FROM (SELECT i4, f8 FROM nc ORDER BY f8 LIMIT 5) s WHERE i4 > f8',
    `EXPLAIN (COSTS OFF) SELECT * FROM (SELECT i4, rank() OVER (ORDER BY f8) r FROM nc) s WHERE r < i4 + ${1 + rng.int(5)}`,
  );
  await all('EXPLAIN coercions', queries);
});

test('EXPLAIN prints IN lists as PostgreSQL: array constants with their type, casts, ORs for items with columns', async () => {
  await both("CREATE TABLE inl (i2 int2, i4 int4, i8 int8, f8 float8, n numeric, t text, vc varchar(5), ch char(3), b bit(3), vb varbit)");
  const queries = [
    'i4 IN (1, 2, 3)', 'i8 IN (1, 2)', 'i4 IN (1, 3000000000)', 'i4 NOT IN (1, 2.5)', 'i2 IN (1, 2)', 'f8 IN (1, 2.5)', 'n IN (1, 2.5)',
    "t IN ('a b', 'c,d', 'x''y', NULL)", "t NOT IN ('', 'NULL', '{')", "vc IN ('a', 'b')", "ch IN ('a', 'b')", 'i4 IN (1, i8)', 'i4 NOT IN (1, 2, i8, 4)',
    'i4 IN (5)', 'i4::int2 IN (1, 2)', "b = B'111'", "vb = B'111'::varbit", "b IN (B'101', B'111')", 'i8 IN (i4, i2)',
  ];
  await all('EXPLAIN IN lists', queries.map((w) => `EXPLAIN (COSTS OFF) SELECT * FROM inl WHERE ${w}`));
});

test('EXPLAIN prints casts with their typmod as format_type does, and drops a cast to the typmod the value has', async () => {
  // It printed the stored typmod (`(v)::varchar(9)`, `(n)::numeric(327686)`) and kept
  // `(b)::bit(3)` of a bit(3) column, which PostgreSQL's coerce_type_typmod never adds.
  await both('CREATE TABLE tm (b bit(3), vb varbit(4), v varchar(5), c char(3), n numeric(5,2), ts timestamptz(2), tp timestamp, e vector(3))');
  await both("INSERT INTO tm VALUES (B'101', B'11', 'ab', 'x', 1.25, '2026-01-02 03:04:05.67+00', '2026-01-02 03:04:05', '[1,2,3]')");
  const same = ["b::bit(3) = B'101'", "v::varchar(5) = 'ab'", 'n::numeric(5,2) > 1', "c::char(3) = 'x'", "e::vector(3) <> '[1,2,3]'", "vb::varbit(4) = B'11'"];
  const other = [
    "b::bit(2) = B'10'", "v::varchar(3) = 'ab'", 'n::numeric(4,1) > 1', "c::char(2) = 'x'", "e::halfvec(3) <> '[1,2,3]'",
    'ts::timestamptz(1) > now()', 'tp::timestamp(0) > now()', "vb::varbit(2) = B'11'", "v::char(4) = 'ab'",
  ];
  const queries: string[] = [];
  for (const w of [...same, ...other]) {
    queries.push(`EXPLAIN (COSTS OFF) SELECT * FROM tm WHERE ${w}`, `SELECT ${w.replace(/ [=<>]+ .*/, '')} AS x FROM tm`);
  }
  await all('EXPLAIN typmod casts', queries);
});

test('conjuncts are evaluated cheapest first, equalities with constants last, as PostgreSQL orders them (EXPLAIN and errors)', async () => {
  // vecgres evaluated them in the written order: `WHERE 1/x > 0 AND x <> 0` failed with 22012
  // where PostgreSQL tests the cheaper `x <> 0` first and returns rows.
  await both('CREATE TABLE qo (x int, y int, n numeric, f float8, t text, v varchar(4), b bit(2), d date, e vector(2))');
  await both("INSERT INTO qo VALUES (0, 1, 1.5, 0.5, 'a', 'a', B'01', '2026-01-01', '[1,2]'), (1, 0, 2, 1, 'b', 'bb', B'10', '2026-01-02', '[2,1]'), (2, 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
  await both('CREATE TABLE qo2 (id int, x int)');
  await both('INSERT INTO qo2 VALUES (1, 1), (2, 2), (3, 0)');
  const conds = [
    '1/x > 0 AND x <> 0', '1/x > 0 AND x = 1', 'x = 1 AND 1/x > 0', '100/y > 1 AND y IN (1, 2)', 'y / x > 0 AND x > 0 AND y > 0',
    "t = 'a' AND n > 1", 'n > 1 AND x = 0', "v = 'a' AND f < 1 AND b = B'01'", "d = '2026-01-01' AND x < 5", "e = '[1,2]' AND x < 5",
    "x = y AND t <> 'z'", 'x = 0 AND y = 1 AND n > 0', "upper(t) = 'A' AND x = 0", 'x + y > 0 AND x IS NOT NULL AND n::int > 0',
    "length(t) > 0 AND t LIKE 'a%' AND x = 0", 'EXISTS (SELECT 1 FROM qo2 WHERE qo2.x = qo.x) AND y > 0 AND 1/y > 0',
    '(SELECT max(x) FROM qo2) > x AND y = 1', 'x IN (SELECT x FROM qo2) AND 1/y > 0 AND y <> 0', "coalesce(t, 'z') > 'a' AND x = 1",
    "x = ANY ('{0,1}') AND y = ANY (ARRAY[1, 2, 3]) AND y <> 0", "x::text = '1' AND y > 0", 'x = 1 OR 1/x > 0',
  ];
  const queries: string[] = [];
  for (const c of conds) {
    // PostgreSQL plans the two sublinks as a Hash Join over a HashAggregate (vecgres: a Hash Semi Join): compare rows only.
    if (!c.includes('SELECT')) queries.push(`EXPLAIN (COSTS OFF) SELECT * FROM qo WHERE ${c}`);
    queries.push(`SELECT x, y FROM qo WHERE ${c} ORDER BY x`);
  }
  queries.push('SELECT qo.x FROM qo JOIN qo2 ON qo.x = qo2.x WHERE 1/qo.y > 0 AND qo.y <> 0 AND qo2.id > 1');
  await all('qual order', queries);
});
