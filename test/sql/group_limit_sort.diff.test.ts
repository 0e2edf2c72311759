/**
 * Differential tests (against PostgreSQL 18 + pgvector in PGlite) of the Sort that keeps only
 * the first rows of each group of its leading keys, as its parent needs: under DISTINCT ON's
 * Unique (one row per group) and under a WindowAgg whose row_number() run condition ends each
 * partition after k rows (PostgreSQL 15's run conditions, which also print as `Run Condition`
 * in EXPLAIN and remove the qual from the subquery scan). Keys with ties, NULLs, DESC, NULLS
 * FIRST, several DISTINCT ON keys, text / float / numeric / bool keys, empty input, limits of
 * 0, 1, 2 and more than the per-group list holds, rank() and dense_rank() conditions, and a
 * run condition on the inner side of a LATERAL join (rescanned). Every query's result is
 * determined by its ORDER BY (ties are broken by id or the selected columns do not differ).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { check, both, db } = await openSqlPair();

await both(`CREATE TABLE w (id integer PRIMARY KEY, g integer, s text, x double precision, n numeric, b boolean, e vector(2))`);
{
  const rng = new Prng(SEED);
  const rows: string[] = [];
  for (let i = 1; i <= 150; i++) {
    const g = rng.int(9) === 0 ? 'NULL' : String(rng.int(6));
    const s = rng.int(9) === 0 ? 'NULL' : `'${['a', 'b', 'B', ''][rng.int(4)]}'`;
    const x = rng.int(9) === 0 ? 'NULL' : ['0', "'-0'", '1.5', '-2', "'NaN'", "'Infinity'"][rng.int(6)];
    const n = rng.int(9) === 0 ? 'NULL' : ['1', '1.0', '1.00', '2.5', '-3'][rng.int(5)];
    const b = rng.int(9) === 0 ? 'NULL' : rng.int(2) === 0 ? 'true' : 'false';
    const e = rng.int(10) === 0 ? 'NULL' : `'[${rng.int(3)},${rng.int(3)}]'`;
    rows.push(`(${i}, ${g}, ${s}, ${x}, ${n}, ${b}, ${e})`);
  }
  await both(`INSERT INTO w VALUES ${rows.join(', ')}`);
}

test('DISTINCT ON over a Sort that keeps the first row of each group', async () => {
  const mismatches: string[] = [];
  const qs = [
    'select distinct on (g) g, id, x from w order by g, x, id',
    'select distinct on (g) g, id from w order by g desc, id desc',
    'select distinct on (g) g, id from w order by g nulls first, x desc nulls first, id',
    'select distinct on (g, s) g, s, id from w order by g, s desc, id',
    'select distinct on (s, b) s, b, id from w order by s nulls first, b, e <-> \'[1,1]\', id',
    // -0 and 0, NaN and NaN are one group; 1, 1.0 and 1.00 too.
    'select distinct on (x) x, id from w order by x, id desc',
    'select distinct on (n) n::text, id from w order by n, id',
    'select distinct on (b) b, id from w order by b desc, g nulls first, id',
    // Ties on every ORDER BY key: only the determined column is selected.
    'select distinct on (g) g, x from w order by g, x',
    'select distinct on (g) g, min(id) from w group by g, s order by g, min(id) desc',
    'select distinct on (g) g, id from w where id > 1000 order by g, id',
    'select distinct on (g) g, id from w where g is null order by g, id',
    'select * from (select distinct on (g) g, id, x from w order by g, x desc, id) q order by x nulls first, id limit 3',
    // Keys the Sort does not group by (vector, an expression over one): the plain sort.
    'select distinct on (e) e::text, id from w order by e, id',
    'select distinct on (g % 2) g % 2 as m, id from w order by g % 2, id desc',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('DISTINCT ON', mismatches, qs.length, SEED);
});

test('row_number() / rank() run conditions', async () => {
  const mismatches: string[] = [];
  const sub = (fn: string, over: string, cols = 'id, g, x'): string => `(select ${cols}, ${fn} over (${over}) as r from w) t`;
  const qs = [
    `select * from ${sub('row_number()', 'partition by g order by x, id')} where r <= 2 order by g, r`,
    `select * from ${sub('row_number()', 'partition by g order by x desc nulls last, id')} where r < 3 order by g, r`,
    `select * from ${sub('row_number()', 'partition by g order by x, id')} where 2 >= r order by g, r`,
    `select * from ${sub('row_number()', 'partition by g order by x, id')} where 3 > r order by g, r`,
    `select * from ${sub('row_number()', 'partition by g order by x, id')} where r <= 1 order by x, id`,
    `select * from ${sub('row_number()', 'partition by g order by x, id')} where r <= 0 order by id`,
    `select * from ${sub('row_number()', 'partition by g order by x, id')} where r < -5 order by id`,
    `select * from ${sub('row_number()', 'partition by g order by x, id')} where r <= 12 order by g, r`,
    `select * from ${sub('row_number()', 'partition by g order by x, id')} where r <= 2 and id % 2 = 0 order by g, r`,
    `select * from ${sub('row_number()', 'partition by s, b order by id desc')} where r <= 2 order by s, b, r`,
    `select * from ${sub('row_number()', 'partition by n order by id')} where r <= 2 order by n, r`,
    `select * from ${sub('row_number()', 'order by x nulls first, id')} where r <= 5 order by r`,
    `select * from ${sub('row_number()', 'partition by g order by x, id', 'id, g, x, count(*) over (partition by g order by x, id) as c, rank() over (partition by g order by x, id) as k')} where r <= 3 order by g, r`,
    `select * from ${sub('row_number()', 'partition by g order by x, id', 'id, g, x, count(*) over (partition by g order by x, id rows between unbounded preceding and unbounded following) as c')} where r <= 2 order by g, r`,
    `select * from ${sub('rank()', 'partition by g order by x')} where r <= 2 order by g, r, id`,
    `select * from ${sub('dense_rank()', 'partition by g order by x')} where r < 3 order by g, r, id`,
    `select id, r from ${sub('row_number()', 'partition by g order by e <-> \'[1,1]\', id')} where r <= 2 order by id`,
    `select * from ${sub('row_number()', 'partition by g order by x, id')} where r <= 2 and r >= 2 order by g`,
    `select * from ${sub('row_number()', 'partition by g order by x, id')} where r = 2 order by g`,
    `select * from ${sub('row_number()', 'partition by g order by x, id')} where id > 1000 and r <= 2`,
    // The inner side of a LATERAL join: rescanned with a new outer value each time.
    'select o.v, t.id, t.r from (values (0), (1), (5)) o(v) cross join lateral ' +
      '(select id, g, row_number() over (partition by g order by x, id) as r from w where g <= o.v) t where t.r <= 2 order by o.v, t.g, t.r',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('run conditions', mismatches, qs.length, SEED);
});

test('EXPLAIN (COSTS OFF) shapes with run conditions', async () => {
  const mismatches: string[] = [];
  const qs = [
    'explain (costs off) select * from (select id, row_number() over (partition by g order by x, id) as r from w) t where r <= 2',
    'explain (costs off) select id from (select id, row_number() over (partition by g order by id) as r from w) t where 2 >= r',
    'explain (costs off) select * from (select id, rank() over (partition by g order by x) as r from w) t where r < 3',
    'explain (costs off) select * from (select id, dense_rank() over (partition by g order by x) as r from w) t where 2 > r',
    'explain (costs off) select distinct on (g) g, id from w order by g, x, id',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('run condition shapes', mismatches, qs.length, SEED);
});

test('the Sort under DISTINCT ON and under a row_number() run condition emits only the rows kept', async () => {
  const groups = Number((await db.query<{ c: number }>('select count(distinct coalesce(g, -1))::int as c from w')).rows[0]!.c);
  const perGroup = (await db.query<{ c: number }>('select sum(least(c, 2))::int as c from (select count(*) as c from w group by g) q')).rows[0]!.c;
  const sortRows = async (sql: string): Promise<number> => {
    const r = await db.query<{ 'QUERY PLAN': string }>(`explain (analyze, costs off, timing off, summary off) ${sql}`);
    const lines = r.rows.map((x) => x['QUERY PLAN']);
    const sort = lines.find((l) => l.includes('->  Sort') || l.startsWith('Sort'));
    assert.ok(sort !== undefined, lines.join('\n'));
    return Number(/rows=(\d+)/.exec(sort)![1]);
  };
  assert.equal(await sortRows('select distinct on (g) g, id from w order by g, x, id'), groups);
  assert.equal(await sortRows('select * from (select id, row_number() over (partition by g order by x, id) as r from w) t where r <= 2'), perGroup);
});
