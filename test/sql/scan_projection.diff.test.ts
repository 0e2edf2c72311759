/**
 * A sequential scan's projection computed from storage (exec/scan_projection.ts): columns read
 * from the table, distances to a constant or parameter query by the exact kernel, other
 * expressions over only the columns they read. Against PostgreSQL 18 + pgvector 0.8.7 (PGlite):
 * every operator with the query on either side, NULL vectors and NULL queries, vectors of
 * other dimensions (the error, or rows a filter removes first), short (3-d) and long (33-d)
 * vectors, a filter reading the vector, subqueries in the select list, rescans (correlated
 * subqueries, LATERAL), halfvec and sparsevec columns (evaluated as before), and the
 * DISTINCT ON / window / GROUP BY shapes of the SQL benchmark over tied distances.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';

const { db, check, both } = await openSqlPair();
const prng = new Prng(SEED);

const vec = (xs: number[]): string => `[${xs.join(',')}]`;
const rows: string[] = [];
// Small-integer elements (many tied distances), every 9th vector NULL, a zero vector (cosine NaN).
for (let i = 1; i <= 150; i++) {
  const v = i % 9 === 0 ? 'NULL' : i === 10 ? "'[0,0,0]'" : `'${vec([0, 1, 2].map(() => prng.int(5) - 2))}'`;
  const x = i % 7 === 0 ? 'NULL' : String(prng.int(4));
  rows.push(`(${i}, ${x}, ${1 + (i % 12)}, ${v})`);
}
await both('CREATE TABLE t (id int PRIMARY KEY, x int, g int, v vector(3))');
await both(`INSERT INTO t VALUES ${rows.join(', ')}`);
// 33-d float vectors (past the size where the plain operator switches to WebAssembly).
const long: string[] = [];
for (let i = 1; i <= 80; i++) {
  const v = i % 13 === 0 ? 'NULL' : `'${vec(Array.from({ length: 33 }, () => Math.fround(prng.next() * 2 - 1)))}'`;
  long.push(`(${i}, ${1 + (i % 5)}, ${v})`);
}
await both('CREATE TABLE l (id int PRIMARY KEY, g int, v vector(33))');
await both(`INSERT INTO l VALUES ${long.join(', ')}`);
// A column without a dimension: rows of 2 and 3 elements.
await both("CREATE TABLE u (id int, v vector); INSERT INTO u VALUES (1, '[1,2,3]'), (2, '[1,2]'), (3, NULL), (4, '[0,1,1]')");
await both('CREATE TABLE h (id int, v halfvec(3), s sparsevec(3)); INSERT INTO h SELECT id, v::halfvec, v::sparsevec FROM t');
await both('CREATE TABLE d (id int PRIMARY KEY, category int); INSERT INTO d SELECT i, i % 4 FROM generate_series(1, 12) i');

const OPS = ['<->', '<#>', '<=>', '<+>'];
const q33 = vec(Array.from({ length: 33 }, (_, i) => ((i * 7) % 5) - 2));

test('distances in a scan projection: every operator, either side, NULLs, parameters', async () => {
  const queries: [string, unknown[]?][] = [];
  // Without ORDER BY the scan is the top node and projects the select list itself (rows in
  // table order on both engines); with the distance in the select list and ORDER BY, the scan
  // computes it for the Sort above.
  for (const op of OPS) {
    queries.push([`SELECT id, v ${op} '[1,0,-1]' AS d, x FROM t`]);
    queries.push([`SELECT id, '[2,1,0]' ${op} v AS d FROM t`]);
    queries.push([`SELECT id, v ${op} $1 AS d, $1 ${op} v AS e FROM t`, ['[0,1,1]']]);
    queries.push([`SELECT id, v ${op} '${q33}' FROM l`]);
    queries.push([`SELECT id, v ${op} NULL::vector AS d FROM t WHERE id < 20`]);
    queries.push([`SELECT id, v ${op} $1 FROM l`, [q33]]);
    queries.push([`SELECT id, v ${op} '[1,0,-1]' AS d FROM t ORDER BY v ${op} '[1,0,-1]', id`]);
    queries.push([`SELECT id, $1 ${op} v AS d FROM l ORDER BY $1 ${op} v DESC, id`, [q33]]);
  }
  queries.push(["SELECT id, v <-> '[1,1,1]', v <=> '[1,1,1]', v, x + g, id FROM t"]);
  queries.push(["SELECT id, (v <-> '[1,1,1]') * 2 AS d2, vector_dims(v) FROM t"]);
  queries.push(["SELECT id, v, v <-> '[1,1,1]' AS d FROM t ORDER BY d, id"]);
  queries.push(["SELECT id, v <-> '[1,1,1]' FROM t WHERE v <=> '[1,0,0]' < 0.5"]);
  queries.push(["SELECT id, v <-> '[1,1,1]' FROM t WHERE x = 2 AND g > 3 ORDER BY 2, id"]);
  queries.push(["SELECT id, v <-> '[1,1,1]', (SELECT count(*) FROM t t2 WHERE t2.x = t.x) AS n FROM t"]);
  queries.push(["SELECT id, v <-> '[1,1,1]' AS d, (SELECT max(t2.id) FROM t t2 WHERE t2.v = t.v) AS n FROM t ORDER BY d, id"]);
  queries.push(["SELECT id, (SELECT min(t2.v <-> '[1,1,1]') FROM t t2 WHERE t2.g = t.g) AS m FROM t ORDER BY id"]);
  queries.push(["SELECT t.id, n.d FROM t CROSS JOIN LATERAL (SELECT max(t2.v <#> '[1,2,3]') AS d FROM t t2 WHERE t2.x = t.x) n ORDER BY t.id"]);
  queries.push(['SELECT id, v <-> $1 AS d FROM t ORDER BY d NULLS FIRST, id', ['[0,0,1]']]);
  queries.push(["SELECT id, v <-> '[1,2]' FROM t"]);
  queries.push(["SELECT id, '[1,2,3,4]' <=> v FROM t WHERE id > 9"]);
  queries.push(["SELECT id, v <-> '[1,2,3]' FROM u"]);
  queries.push(["SELECT id, v <-> '[1,2,3]' FROM u WHERE vector_dims(v) = 3"]);
  queries.push(["SELECT id, v <=> '[1,2]' FROM u WHERE id = 2"]);
  queries.push(["SELECT id, v <-> '[1,2,3]', s <=> '{1:1,2:2}/3' FROM h"]);
  queries.push(["SELECT id, v <#> '[1,2,3]' FROM h WHERE v <-> '[1,1,1]' < 2"]);
  const mismatches: string[] = [];
  for (const [q, params] of queries) await check(q, mismatches, params);
  reportMismatches('scan-projected distances', mismatches, queries.length, SEED);
});

test('the SQL benchmark shapes over scan-projected distances: DISTINCT ON, window rank, GROUP BY over a join', async () => {
  const queries: [string, unknown[]?][] = [];
  for (const [table, q] of [['t', '[1,0,-1]'], ['l', q33]] as const) {
    queries.push([
      `SELECT g, id, dist FROM (SELECT DISTINCT ON (g) g, id, v <=> $1 AS dist FROM ${table} ORDER BY g, v <=> $1, id) best ORDER BY dist, g LIMIT 10`,
      [q],
    ]);
    queries.push([
      `SELECT g, id, rn, dist FROM (SELECT g, id, v <-> $1 AS dist, row_number() OVER (PARTITION BY g ORDER BY v <-> $1, id) AS rn FROM ${table}) r ` +
        'WHERE rn <= 2 ORDER BY dist, id LIMIT 20',
      [q],
    ]);
    queries.push([
      `SELECT d.category, count(*) AS n, min(c.v <=> $1) AS best, max(c.v <+> $1) AS worst FROM ${table} c JOIN d ON d.id = c.g GROUP BY d.category ORDER BY d.category`,
      [q],
    ]);
  }
  const mismatches: string[] = [];
  for (const [q, params] of queries) await check(q, mismatches, params);
  reportMismatches('benchmark shapes', mismatches, queries.length, SEED);
});

test('the scan computes the distances and leaves the vector column it reads only through them', async () => {
  // EXPLAIN VERBOSE's Output of the Seq Scan is its target list: the distance, not the vector
  // (column names qualified only when the query joins), the parameter printed as its value as
  // in PostgreSQL's custom plan.
  const scanOutput = async (sql: string): Promise<string> => {
    const r = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (VERBOSE, COSTS OFF) ${sql}`, ['[1,0,-1]']);
    const lines = r.rows.map((x) => x['QUERY PLAN']);
    const at = lines.findIndex((l) => l.includes('Seq Scan on public.t'));
    assert.ok(at >= 0, lines.join('\n'));
    return lines[at + 1]!.trim();
  };
  assert.equal(
    await scanOutput('SELECT DISTINCT ON (g) g, id, v <=> $1 AS dist FROM t ORDER BY g, v <=> $1, id'),
    "Output: id, g, (v <=> '[1,0,-1]'::vector)",
  );
  assert.equal(
    await scanOutput('SELECT g, id, row_number() OVER (PARTITION BY g ORDER BY v <-> $1, id) AS rn, v <-> $1 AS dist FROM t'),
    "Output: id, g, (v <-> '[1,0,-1]'::vector)",
  );
  assert.equal(
    await scanOutput('SELECT d.category, count(*), min(t.v <=> $1) FROM t JOIN d ON d.id = t.g GROUP BY d.category'),
    "Output: t.g, (t.v <=> '[1,0,-1]'::vector)",
  );
  // Read elsewhere too: the vector stays.
  assert.equal(
    await scanOutput('SELECT DISTINCT ON (g) g, v, v <=> $1 AS dist FROM t ORDER BY g, v <=> $1, id'),
    "Output: id, g, v, (v <=> '[1,0,-1]'::vector)",
  );
});

test('distances in a scan filter, computed from storage: every operator, NULLs, parameters, errors, what reads the row above', async () => {
  const queries: [string, unknown[]?][] = [];
  for (const op of OPS) {
    queries.push([`SELECT id FROM t WHERE v ${op} '[1,0,-1]' < 1.5`]);
    queries.push([`SELECT count(*) FROM t WHERE '[2,1,0]' ${op} v >= 1`]);
    queries.push([`SELECT * FROM t WHERE v ${op} $1 < $2 ORDER BY id`, ['[0,1,1]', 2]]);
    queries.push([`SELECT id, v FROM l WHERE v ${op} $1 < 4`, [q33]]);
    queries.push([`SELECT count(*) FROM t WHERE v ${op} NULL::vector < 1`]);
    queries.push([`SELECT id FROM t WHERE NOT (v ${op} '[1,1,0]' < 1.5)`]);
    queries.push([`SELECT id FROM t WHERE (v ${op} '[1,1,0]' < 1.5) IS NOT TRUE`]);
  }
  // Bounds the small-integer vectors reach exactly (L2 2, inner product -2, cosine 1 for
  // orthogonal vectors, L1 3): a distance off in its last bit moves rows across them.
  for (const [op, bound] of [['<->', '2'], ['<#>', '-2'], ['<=>', '1'], ['<+>', '3']] as const) {
    queries.push([`SELECT id FROM t WHERE v ${op} '[1,1,0]' <= ${bound}`]);
    queries.push([`SELECT id FROM t WHERE v ${op} '[1,1,0]' = ${bound}`]);
    queries.push([`SELECT count(*) FROM t WHERE '[0,1,-1]' ${op} v >= ${bound}`]);
  }
  // What the parent reads: count(*) reads nothing, aggregates read their arguments and FILTER.
  queries.push(["SELECT count(*) FILTER (WHERE v IS NOT NULL), sum(x), max(g) FROM t WHERE v <=> '[1,0,0]' < 0.5 OR x = 1"]);
  queries.push(["SELECT g, count(*), array_agg(id ORDER BY id), avg(v) FROM t WHERE v <#> '[1,1,1]' < 0 GROUP BY g ORDER BY g"]);
  queries.push(["SELECT avg(v), sum(v) FROM l WHERE v <-> $1 < 5", [q33]]);
  queries.push(["SELECT count(DISTINCT v) FROM t WHERE v <+> '[0,0,0]' <= 3"]);
  // The zero vector's cosine distance is NaN, which no bound passes and NaN = NaN does.
  queries.push(["SELECT id FROM t WHERE v <=> '[0,0,0]' < 2 OR v <=> '[1,1,1]' = 'NaN'"]);
  queries.push(["SELECT id, x FROM t WHERE x > 1 AND v <-> '[1,1,1]' < 2.5 AND g < 9"]);
  queries.push(["SELECT id FROM t WHERE (v <-> '[1,1,1]') * 2 + (v <=> '[1,0,0]') < 4"]);
  queries.push(["SELECT id FROM t WHERE CASE WHEN x = 1 THEN v <-> '[1,1,1]' < 2 ELSE v <#> '[1,1,1]' < -1 END"]);
  // A subquery in the filter is handed the whole row.
  queries.push(["SELECT id FROM t WHERE v <-> '[1,1,1]' < 2.5 AND x IN (SELECT t3.x FROM t t3 WHERE t3.g = t.g AND t3.id <> t.id) ORDER BY id"]);
  // The query vector from the outer row: not a constant, so the operator computes it.
  queries.push(["SELECT id FROM t WHERE EXISTS (SELECT 1 FROM t t2 WHERE t2.v <-> t.v < 1 AND t2.id <> t.id) ORDER BY id"]);
  // Rescans: the filter of a correlated subquery with a parameter query, run once per outer row.
  queries.push(["SELECT t.id, (SELECT count(*) FROM l WHERE l.v <-> $1 < t.id / 10.0) AS n FROM t WHERE t.id <= 60 ORDER BY t.id", [q33]]);
  queries.push(["SELECT t.id, n.c FROM t CROSS JOIN LATERAL (SELECT count(*) AS c FROM t t2 WHERE t2.v <=> $1 < 0.5 AND t2.g = t.g) n ORDER BY t.id", ['[1,2,0]']]);
  queries.push(["SELECT t.id, d.category FROM t JOIN d ON d.id = t.g WHERE t.v <=> '[0,1,1]' < 0.3 ORDER BY t.id"]);
  queries.push(["SELECT d.id FROM d WHERE EXISTS (SELECT 1 FROM t WHERE t.g = d.id AND t.v <-> '[1,1,1]' < 1.5) ORDER BY d.id"]);
  // Vectors of other dimensions: the error, or rows an earlier arm decides.
  queries.push(["SELECT id FROM u WHERE v <-> '[1,2,3]' < 5"]);
  queries.push(["SELECT id FROM u WHERE CASE WHEN vector_dims(v) = 3 THEN v <-> '[1,2,3]' < 5 ELSE false END ORDER BY id"]);
  queries.push(["SELECT id FROM t WHERE v <=> '[1,2]' < 1"]);
  queries.push(["SELECT id FROM t WHERE id > 1000 AND v <=> '[1,2]' < 1"]);
  // halfvec and sparsevec distances go through their operators, the other columns read after the filter.
  queries.push(["SELECT * FROM h WHERE v <-> '[1,1,1]' < 2 AND s <=> '{1:1}/3' < 0.9 ORDER BY id"]);
  const mismatches: string[] = [];
  for (const [q, params] of queries) await check(q, mismatches, params);
  reportMismatches('scan-filter distances', mismatches, queries.length, SEED);
});

test('UPDATE and DELETE whose WHERE is a distance change the rows PostgreSQL changes', async () => {
  await both('CREATE TABLE w AS SELECT * FROM t');
  const queries: [string, unknown[]?][] = [
    ["UPDATE w SET x = coalesce(x, 0) + 10 WHERE v <-> '[1,1,1]' < 2 RETURNING id, x"],
    ['DELETE FROM w WHERE v <=> $1 < 0.4 RETURNING id', ['[1,0,1]']],
    ['SELECT * FROM w ORDER BY id'],
  ];
  const mismatches: string[] = [];
  for (const [q, params] of queries) await check(q, mismatches, params);
  reportMismatches('distance DML', mismatches, queries.length, SEED);
});

test('a bitmap heap scan computes a distance in its filter from storage too', async () => {
  await both('CREATE INDEX t_g_idx ON t (g)');
  await both('SET enable_seqscan = off');
  await both('SET enable_indexscan = off');
  try {
    const queries: [string, unknown[]?][] = [
      ["SELECT id, x FROM t WHERE g IN (2, 5, 7) AND v <-> '[1,1,1]' < 2.5 ORDER BY id"],
      ['SELECT count(*) FROM t WHERE g < 6 AND v <=> $1 < 0.5', ['[1,0,1]']],
      ["SELECT * FROM t WHERE g = 3 AND (v <#> '[1,2,0]' < -1 OR x IS NULL) ORDER BY id"],
      ["SELECT id FROM t WHERE g = 4 AND v <=> '[1,2]' < 1"],
      // Under a Limit and an aggregate that read only some positions: the scan reads, for the
      // rows that pass, the columns the expressions above read (id and x), not the qual's.
      ["SELECT count(*), sum(y), min(y) FROM (SELECT coalesce(x, 7) * 1000 + id AS y FROM t WHERE g IN (2, 5) AND v <-> '[1,1,1]' < 2.5 LIMIT 30) s"],
      ["SELECT max(y) FROM (SELECT (v <=> '[1,0,0]') + coalesce(x, 0) * 10 + id AS y FROM t WHERE g IN (1, 3) AND v <#> '[1,1,1]' < 0 LIMIT 40) s"],
    ];
    const mismatches: string[] = [];
    for (const [q, params] of queries) await check(q, mismatches, params);
    reportMismatches('bitmap heap scan distances', mismatches, queries.length, SEED);
    const plan = (await db.query<{ 'QUERY PLAN': string }>("EXPLAIN (COSTS OFF) SELECT id, x FROM t WHERE g IN (2, 5, 7) AND v <-> '[1,1,1]' < 2.5")).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    assert.match(plan, /^Bitmap Heap Scan on t\n {2}Recheck Cond: .*\n {2}Filter: \(\(v <-> '\[1,1,1\]'::vector\) < '2.5'::double precision\)/, plan);
  } finally {
    await both('RESET enable_seqscan');
    await both('RESET enable_indexscan');
    await both('DROP INDEX t_g_idx');
  }
});
