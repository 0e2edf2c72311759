/**
 * Regressions found by hand against PostgreSQL + pgvector: a scalar subquery run inside a k-NN
 * scan's filter (it shared the outer scan's query-vector scratch and result buffers), NULLS
 * FIRST on a k-NN ORDER BY (the k-NN scans yield NULL distances last), JavaScript errors that
 * leaked for `$0`, `LIMIT <column>` and very deep expressions, and long IN lists.
 * Every expected outcome comes from the oracle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { same, both, ours } = await openSqlPair();

function rowsOf(n: number, vec: (i: number) => string): string {
  const v: string[] = [];
  for (let i = 1; i <= n; i++) v.push(`(${i}, '${vec(i)}')`);
  return v.join(', ');
}

test('an uncorrelated scalar subquery in the filter of an exact k-NN scan', async () => {
  await both('DROP TABLE IF EXISTS sq; CREATE TABLE sq (id int PRIMARY KEY, e vector(2))');
  await both(`INSERT INTO sq VALUES ${rowsOf(200, (i) => `[${i},0]`)}`);
  await same("SELECT id FROM sq WHERE id <> (SELECT id FROM sq ORDER BY e <-> '[150,0]' LIMIT 1) ORDER BY e <-> '[0,0]' LIMIT 3");
  await same("SELECT id FROM sq WHERE id <> (SELECT id FROM sq ORDER BY e <-> '[1,0]' LIMIT 1) ORDER BY e <-> '[0,0]' LIMIT 3");
  await same("SELECT id, (SELECT id FROM sq ORDER BY e <-> '[150,0]' LIMIT 1) AS far FROM sq ORDER BY e <-> '[0,0]' LIMIT 3");
  await same("SELECT id FROM sq WHERE id > (SELECT id FROM sq ORDER BY e <#> '[1,0]' LIMIT 1) - 5 ORDER BY e <=> '[1,1]', id LIMIT 4");
});

test('the same query over halfvec and bit columns (the packed exact scans)', async () => {
  await both('DROP TABLE IF EXISTS sqp; CREATE TABLE sqp (id int PRIMARY KEY, h halfvec(2), b bit(8))');
  const v: string[] = [];
  for (let i = 1; i <= 120; i++) v.push(`(${i}, '[${i},0]', B'${(i % 256).toString(2).padStart(8, '0')}')`);
  await both(`INSERT INTO sqp VALUES ${v.join(', ')}`);
  await same("SELECT id FROM sqp WHERE id <> (SELECT id FROM sqp ORDER BY h <-> '[100,0]' LIMIT 1) ORDER BY h <-> '[99,0]' LIMIT 3");
  await same("SELECT id FROM sqp WHERE id <> (SELECT id FROM sqp ORDER BY b <~> B'11111111', id LIMIT 1) ORDER BY b <~> B'00000000', id LIMIT 5");
});

test('an uncorrelated scalar subquery in the filter of an HNSW index scan', async () => {
  await both('DROP TABLE IF EXISTS sqi; CREATE TABLE sqi (id int PRIMARY KEY, e vector(2))');
  await both(`INSERT INTO sqi VALUES ${rowsOf(2000, (i) => `[${i},0]`)}`);
  await both('CREATE INDEX ON sqi USING hnsw (e vector_l2_ops)');
  const sql = "SELECT id FROM sqi WHERE id <> (SELECT id FROM sqi ORDER BY e <-> '[1500,0]' LIMIT 1) ORDER BY e <-> '[0,0]' LIMIT 5";
  const plan = await ours(`EXPLAIN ${sql}`);
  assert.ok(plan.ok && JSON.stringify(plan.rows).includes('Index Scan'), 'the outer scan uses the index');
  await same(sql);
  const got = await ours(sql);
  assert.deepEqual(got.ok && got.rows, [1, 2, 3, 4, 5].map((id) => ({ id })));
});

test('NULLS FIRST / NULLS LAST on a k-NN ORDER BY', async () => {
  await both('DROP TABLE IF EXISTS t5; CREATE TABLE t5 (id int, e vector(2))');
  await both("INSERT INTO t5 VALUES (1,'[1,1]'),(2,NULL),(3,'[1,2]'),(4,NULL),(5,'[0,1]')");
  for (const dir of ['', 'ASC', 'DESC']) {
    for (const nulls of ['', 'NULLS FIRST', 'NULLS LAST']) {
      await same(`SELECT id FROM t5 ORDER BY e <-> '[1,1]' ${dir} ${nulls}, id LIMIT 3`);
      await same(`SELECT id FROM t5 ORDER BY e <-> '[1,1]' ${dir} ${nulls} LIMIT 3`.replace(/ +/g, ' '));
    }
  }
  await both('CREATE INDEX ON t5 USING hnsw (e vector_l2_ops)');
  await same("SELECT id FROM t5 ORDER BY e <-> '[1,1]' NULLS FIRST LIMIT 3");
  await same("SELECT id FROM t5 ORDER BY e <-> '[1,1]' NULLS FIRST LIMIT 5");
  // A LIMIT beyond the rows the index holds keeps the NULL-vector rows (last), as PostgreSQL's
  // sequential scan does; the index scan returned the three non-NULL rows only.
  await same("SELECT id FROM t5 ORDER BY e <-> '[1,1]' LIMIT 5");
  await same("SELECT id FROM t5 ORDER BY e <-> '[1,1]' LIMIT 4");
  await both('DROP TABLE IF EXISTS v3; CREATE TABLE v3 (id int, e vector(2))');
  await both("INSERT INTO v3 VALUES (1,'[1,2]'),(2,NULL),(3,'[2,2]'); CREATE INDEX ON v3 USING hnsw (e vector_l2_ops)");
  await same("SELECT id FROM v3 ORDER BY e <-> '[0,0]' LIMIT 3");
});

test('PostgreSQL errors instead of JavaScript errors: $0, LIMIT/OFFSET with a column', async () => {
  await both('DROP TABLE IF EXISTS te; CREATE TABLE te (id int PRIMARY KEY, e vector(2))');
  await both("INSERT INTO te VALUES (1, '[1,1]'), (2, '[2,2]')");
  for (const sql of [
    'SELECT $0::int',
    'SELECT $0',
    'SELECT 1 + $0',
    'SELECT id FROM te ORDER BY e <-> $0 LIMIT 1',
    'SELECT id FROM te LIMIT id',
    'SELECT id FROM te OFFSET id',
    'SELECT id FROM te ORDER BY id LIMIT 1 + id',
    'SELECT id FROM te ORDER BY id LIMIT (SELECT 1)',
    'SELECT id FROM te ORDER BY id OFFSET (SELECT count(*) FROM te) - 1',
  ]) {
    await same(sql);
  }
});

test('statements nested deeper than the stack: a result or 54001, never a JavaScript error', async () => {
  for (const sql of ['SELECT 1' + ' + 1'.repeat(20000), 'SELECT ' + '('.repeat(3000) + '1' + ')'.repeat(3000)]) {
    const got = await ours(sql);
    assert.ok(got.ok || got.code === '54001', JSON.stringify(got).slice(0, 200));
  }
  let nested = 'SELECT 1';
  for (let i = 0; i < 2000; i++) nested = `SELECT (${nested})`;
  const got = await ours(nested);
  assert.ok(got.ok || got.code === '54001', JSON.stringify(got).slice(0, 200));
  // The session still works afterwards.
  await same('SELECT 1 + 1 + 1 AS three');
});

test('long IN lists (hashed) agree with PostgreSQL, NULLs and NOT IN included', async () => {
  await both('DROP TABLE IF EXISTS tin; CREATE TABLE tin (id int, f float8, s text)');
  const v: string[] = [];
  for (let i = 0; i < 3000; i++) v.push(`(${i % 7 === 0 ? 'NULL' : i}, ${i % 11 === 0 ? "'NaN'" : i / 4}, ${i % 13 === 0 ? 'NULL' : `'s${i}'`})`);
  await both(`INSERT INTO tin VALUES ${v.join(', ')}`);
  const ints = Array.from({ length: 1500 }, (_, i) => i * 2);
  const floats = Array.from({ length: 800 }, (_, i) => (i * 3) / 4);
  const texts = Array.from({ length: 900 }, (_, i) => `'s${i * 3}'`);
  await same(`SELECT count(*) FROM tin WHERE id IN (${ints.join(',')})`);
  await same(`SELECT count(*) FROM tin WHERE id NOT IN (${ints.join(',')})`);
  await same(`SELECT count(*) FROM tin WHERE id NOT IN (${ints.join(',')}, NULL)`);
  await same(`SELECT count(*) FROM tin WHERE (id IN (${ints.join(',')}, NULL)) IS NULL`);
  await same(`SELECT count(*) FROM tin WHERE f IN (${floats.join(',')}, 'NaN', '-0')`);
  await same(`SELECT count(*) FROM tin WHERE s IN (${texts.join(',')})`);
  await same(`SELECT count(*) FROM tin WHERE s NOT IN (${texts.join(',')})`);
  await same(`SELECT id FROM tin WHERE id IN (${ints.join(',')}) ORDER BY id LIMIT 5`);
});

test('a multi-row INSERT with many parameters', async () => {
  await both('DROP TABLE IF EXISTS tp; CREATE TABLE tp (id int, e vector(2))');
  const n = 20000;
  const rows: string[] = [];
  const params: unknown[] = [];
  for (let i = 0; i < n; i++) {
    rows.push(`($${2 * i + 1}, $${2 * i + 2})`);
    params.push(i, `[${i},${-i}]`);
  }
  await same(`INSERT INTO tp VALUES ${rows.join(', ')}`, params);
  await same("SELECT count(*), sum(id) FROM tp");
  await same("SELECT id, e FROM tp ORDER BY e <-> '[100,-100]' LIMIT 3");
});

test('found by the random-query test: a cast of a boolean to boolean, repeated ORDER BY items under DISTINCT ON', async () => {
  await both('DROP TABLE IF EXISTS rq; CREATE TABLE rq (id int, f bool, k int)');
  await both('INSERT INTO rq VALUES (1, true, 3), (1, false, 2), (2, NULL, 1), (3, true, NULL), (3, true, 5)');
  await same('SELECT false::bool, true::boolean AS b, NULL::bool AS n');
  await same('SELECT id, lead(f::bool, 1) OVER (ORDER BY id, k NULLS FIRST) FROM rq ORDER BY id, k NULLS FIRST');
  await same('SELECT DISTINCT ON (id) id, k FROM rq ORDER BY id, k DESC, id');
  await same('SELECT DISTINCT ON (id, f) id, f, k FROM rq ORDER BY id DESC, f, k, id');
  await same('SELECT DISTINCT ON (id) id, k FROM rq ORDER BY k, id');
});

test('found by the random-query test: ORDER BY the select list\'s own subquery under DISTINCT', async () => {
  await both('DROP TABLE IF EXISTS rs; CREATE TABLE rs (id int, k int); INSERT INTO rs VALUES (1, 2), (2, 2), (3, NULL), (4, 1)');
  await same('SELECT DISTINCT (SELECT max(r.id) FROM rs r WHERE r.k = rs.k) AS c0, k FROM rs ORDER BY (SELECT max(r.id) FROM rs r WHERE r.k = rs.k), k');
  await same('SELECT DISTINCT coalesce((SELECT r.id FROM rs r WHERE r.id = rs.id + 1), 0) AS c FROM rs ORDER BY coalesce((SELECT r.id FROM rs r WHERE r.id = rs.id + 1), 0) DESC');
  await same('SELECT DISTINCT (SELECT 1) AS c FROM rs ORDER BY (SELECT 2)');
});

test('found by the random-query test: -0 and 0 vector elements are one value for DISTINCT, GROUP BY and set operations', async () => {
  await both("DROP TABLE IF EXISTS rz; CREATE TABLE rz (id int, v vector(2)); INSERT INTO rz VALUES (1, '[0,1]'), (2, '[-0,1]'), (3, '[1,1]')");
  await same("SELECT count(*) FROM (SELECT DISTINCT v * '[1,1]' FROM rz) d");
  await same("SELECT count(*) FROM ((SELECT v FROM rz) EXCEPT (SELECT '[1,1]'::vector)) e");
  await same("SELECT count(*) FROM ((SELECT v * '[-1,1]' FROM rz) UNION (SELECT '[0,1]'::vector)) u");
  await same('SELECT count(*), count(DISTINCT v) FROM rz');
});
