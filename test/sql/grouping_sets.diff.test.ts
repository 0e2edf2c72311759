/**
 * Differential tests of GROUP BY GROUPING SETS / ROLLUP / CUBE / () and GROUPING() against
 * PostgreSQL 18 + pgvector (PGlite). Without ORDER BY the rows are compared as multisets (the
 * order of groups is the plan's choice); with ORDER BY exactly. Errors compare by SQLSTATE,
 * message and position.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';

const { ours, theirs, both, checkAll, oracle } = await openSqlPair();
// Hashing keeps the scan order within a group, as vecgres does, so float sums add alike.
await oracle.exec('SET enable_sort = off');

await both(`CREATE TABLE g (id integer PRIMARY KEY, a text, b integer, c boolean, x integer, d double precision, v vector(2))`);
await both(`INSERT INTO g VALUES
  (1, 'p', 1, true, 10, 0.5, '[1,2]'), (2, 'p', 1, false, 20, 1.5, '[3,4]'), (3, 'p', 2, true, NULL, 2.5, '[5,6]'),
  (4, 'q', 1, NULL, 40, NULL, NULL), (5, 'q', NULL, true, 50, 4.5, '[0,1]'), (6, NULL, 2, false, 60, 5.5, '[2,2]'),
  (7, NULL, NULL, NULL, 70, 6.5, '[1,1]'), (8, 'r', 3, true, 80, 7.5, '[4,0]'), (9, 'p', 2, false, 90, 8.5, '[9,9]')`);
await both(`CREATE TABLE e (a text, b integer, x integer)`);

/** Rows as sorted JSON texts: the result as a multiset. */
function asMultiset(o: Awaited<ReturnType<typeof ours>>): unknown {
  if (!o.ok) return o;
  return { ...o, rows: (o.rows as unknown[]).map((r) => JSON.stringify(r)).sort() };
}

const unordered = [
  'select a, b, sum(x) from g group by rollup (a, b)',
  'select a, b, sum(x), count(*) from g group by cube (a, b)',
  'select a, b, sum(x) from g group by grouping sets ((a, b), (a), ())',
  'select a, b, c, count(*) from g group by a, rollup (b, c)',
  'select a, b, c, count(*) from g group by cube (a), rollup (b, c)',
  'select a, b, count(*) from g group by grouping sets (a, b)',
  'select a, b, c, count(*) from g group by grouping sets (a, rollup (b, c))',
  'select a, b, c, count(*) from g group by grouping sets ((a, b), grouping sets ((c), ()))',
  'select a, b, c, count(*) from g group by rollup ((a, b), c)',
  'select a, b, c, count(*) from g group by cube ((a, b), c)',
  'select count(*), sum(x) from g group by ()',
  'select count(*) from e group by ()',
  'select a, count(*) from e group by rollup (a)',
  'select a, count(*) from e group by grouping sets ((), (a), ())',
  'select a, b, count(*) from g group by rollup (a, b), rollup (a, b)',
  'select a, b, count(*) from g group by distinct rollup (a, b), rollup (a, b)',
  'select a, b, count(*) from g group by distinct a, b',
  'select a, b, grouping(a, b) from g group by grouping sets ((a, b))',
  'select a, b, count(*) from g group by all rollup (a, b), rollup (a)',
  'select a, count(*) from g group by a, rollup (a)',
  'select a, b, grouping(a), grouping(b), grouping(a, b), grouping(b, a) from g group by cube (a, b)',
  'select a, grouping(a) from g group by a',
  'select a, b, avg(v), sum(v), count(v) from g group by rollup (a, b)',
  'select c, avg(d), min(d), max(v) from g group by cube (c)',
  'select a, sum(x) filter (where b > 1), count(distinct b), string_agg(a, \',\' order by id) from g group by rollup (a)',
  'select a, array_agg(x order by x desc nulls last) from g group by grouping sets ((a), ())',
  'select a, b, sum(x) from g group by rollup (a, b) having sum(x) > 50',
  'select a, b, sum(x) from g group by rollup (a, b) having grouping(a, b) = 3 or a = \'p\'',
  'select distinct b from g group by rollup (a, b)',
  'select a, b, sum(x), rank() over (partition by grouping(a, b) order by sum(x)) from g group by rollup (a, b)',
  'select a, sum(sum(x)) over () from g group by rollup (a)',
  'select upper(a), b + 1, count(*) from g group by rollup (upper(a), b + 1)',
  'select 1 as one, count(*) from g group by rollup (a)',
  'select a, count(*) from g where x > 15 group by cube (a)',
  'select s.a, s.n from (select a, count(*) as n from g group by rollup (a)) s where s.a is null',
  'select b, count(*) from g group by grouping sets ((b), (b))',
  'select id, a, count(*) from g group by rollup (id, a)',
  'select id, a, count(*) from g group by id, rollup (b)',
  'select * from (select a, count(*) as n from g group by rollup (a)) s where a = \'p\'',
  'select * from (select a, b, count(*) as n from g group by rollup (a, b)) s where b = 1',
  'select a, count(*) from g where id = any (select id from g group by rollup (id)) group by rollup (a)',
  'select b, count(*) from g group by rollup (b) union all select 1, 2',
  'select exists (select 1 from g group by rollup (a) having a is null)',
  'select a, b from g group by grouping sets ((a, b), ()) having grouping(a) = 1',
];

const ordered = [
  'select a, b, sum(x) from g group by rollup (a, b) order by a, b, 3',
  'select a, b, sum(x) from g group by rollup (a, b) order by a nulls first, b desc, sum(x)',
  'select a, b, count(*), grouping(a, b) as gr from g group by cube (a, b) order by gr, a, b',
  'select a, b, sum(x) from g group by grouping sets ((a, b), (a), ()) order by 3 desc, 1, 2',
  'select a, c, count(*) from g group by cube (a, c) order by grouping(a), grouping(c), a, c',
  'select a, b, sum(x) from g group by rollup (a, b) order by sum(x) desc nulls last, a, b limit 4',
  'select a, b, sum(x), row_number() over (order by a, b, sum(x)) from g group by rollup (a, b) order by 4',
];

const errors = [
  'select count(*) from g group by cube (x, x, x, x, x, x, x, x, x, x, x, x, x)',
  'select grouping(a) from g',
  'select a, grouping(b) from g group by rollup (a)',
  'select count(*) from g where grouping(a) = 0 group by a',
  'select a, sum(grouping(a)) from g group by a',
  'select a, x, count(*) from g group by rollup (a)',
  'select a from g group by rollup (a) for update',
  'select a, b, sum(x) from g group by rollup (a, 5)',
  'select count(*) from g group by rollup (sum(x))',
  'select count(*) from g group by cube (a, grouping(a))',
  'select id, a, count(*) from g group by rollup (id)',
  'select count(*) from g group by grouping sets (x)' + ', grouping sets (x, x)'.repeat(12) + ', grouping sets (x, x, x, x, x)',
];

test('grouping sets, ROLLUP, CUBE and GROUPING() compared as multisets', async () => {
  const mismatches: string[] = [];
  for (const sql of unordered) {
    const want = asMultiset(await theirs(sql));
    const got = asMultiset(await ours(sql));
    try {
      assert.deepEqual(got, want);
    } catch {
      mismatches.push(`${sql}\n  pgvector: ${JSON.stringify(want)}\n  vecgres:  ${JSON.stringify(got)}`);
    }
  }
  reportMismatches('grouping sets (unordered)', mismatches, unordered.length, 0);
});

test('grouping sets with ORDER BY: the exact order', async () => {
  await checkAll('grouping sets (ordered)', ordered);
});

test('grouping set errors and limits as PostgreSQL', async () => {
  await checkAll('grouping set errors', errors);
});

test('EXPLAIN of grouping sets: PostgreSQL\'s node and key lines', async () => {
  await checkAll('grouping sets explain', [
    'explain (costs off) select a, b, sum(x) from g group by rollup (a, b)',
    'explain (costs off) select a, b, count(*) from g group by grouping sets ((a), (b))',
    'explain (costs off) select a, b, count(*) from g group by cube (a, b)',
    'explain (costs off) select count(*) from g group by ()',
    'explain (costs off) select a, b, grouping(a) from g group by grouping sets ((a, b))',
    'explain (costs off) select * from (select a, count(*) as n from g group by rollup (a)) s where a = \'p\'',
  ]);
});
