/**
 * Differential tests of window functions against PostgreSQL 18 + pgvector (PGlite): ranking
 * functions, lag / lead, first / last / nth_value and aggregates over ROWS, RANGE and GROUPS
 * frames with offsets and EXCLUDE, named windows, window functions over vector distances, and
 * the errors PostgreSQL raises (also for arguments of type unknown). Rows, field names and types, or the error's SQLSTATE, message
 * and position must be identical. Where a frame or function depends on the order of rows
 * inside a peer group, the window's ORDER BY ends with the unique id, since PostgreSQL's sort
 * is not stable; outputs are ordered by id.
 */
import { test } from 'node:test';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { check, both } = await openSqlPair();

await both(`CREATE TABLE w (id integer PRIMARY KEY, g integer, v integer, x double precision, s text, e vector(2))`);
{
  const rng = new Prng(SEED);
  const rows: string[] = [];
  for (let i = 1; i <= 60; i++) {
    const g = rng.int(8) === 0 ? 'NULL' : String(rng.int(4));
    const v = rng.int(8) === 0 ? 'NULL' : String(rng.int(10));
    const x = rng.int(8) === 0 ? 'NULL' : String((rng.int(21) - 10) / 4);
    const s = rng.int(8) === 0 ? 'NULL' : `'${'klm'[rng.int(3)]}'`;
    const e = rng.int(10) === 0 ? 'NULL' : `'[${rng.int(5)},${rng.int(5)}]'`;
    rows.push(`(${i}, ${g}, ${v}, ${x}, ${s}, ${e})`);
  }
  await both(`INSERT INTO w VALUES ${rows.join(', ')}`);
}

test('ranking functions', async () => {
  const mismatches: string[] = [];
  const qs = [
    'select id, row_number() over (order by id) from w order by id',
    'select id, row_number() over (partition by g order by id desc) from w order by id',
    'select id, rank() over (order by v), dense_rank() over (order by v) from w order by id',
    'select id, rank() over (partition by g order by v desc nulls last), dense_rank() over (partition by g order by v) from w order by id',
    'select id, percent_rank() over (partition by g order by v), cume_dist() over (partition by g order by v) from w order by id',
    'select id, rank() over (), dense_rank() over (), percent_rank() over (), cume_dist() over () from w order by id',
    'select id, ntile(4) over (order by id), ntile(7) over (partition by g order by id), ntile(100) over (order by id) from w order by id',
    'select id, rank() over (order by s, v) from w order by id',
    'select g, count(*), rank() over (order by count(*) desc) from w group by g order by g',
    'select id, row_number() over (order by id) as rn from w order by rn desc limit 5',
    'select id from w order by row_number() over (order by v, id) limit 5',
    'select id, rank() over (order by e <-> \'[2,2]\') from w order by id',
    'select id, rank() over (order by e <-> \'[2,2]\' nulls first), e <-> \'[2,2]\' as d from w order by d, id limit 10',
    'select * from (select id, row_number() over (partition by g order by v, id) as r from w) q where r <= 2 order by id',
    'select id, ntile(null) over (order by id) from w order by id limit 3',
    'select id, row_number() over (order by id) + 1 as r1 from w order by id limit 4',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('ranking', mismatches, qs.length, SEED);
});

test('lag, lead, first_value, last_value, nth_value', async () => {
  const mismatches: string[] = [];
  const qs = [
    'select id, lag(v) over (order by id), lead(v) over (order by id) from w order by id',
    'select id, lag(v, 2) over (partition by g order by id), lead(v, 3, -1) over (partition by g order by id) from w order by id',
    'select id, lag(x, 1, 0) over (order by id), lead(s, 1, \'none\') over (order by id) from w order by id',
    'select id, lag(v, -1) over (order by id), lead(v, 0) over (order by id), lag(v, null) over (order by id) from w order by id',
    'select id, lag(v, 1, 0.5) over (order by id) from w order by id',
    'select id, lag(e) over (order by id) from w order by id',
    'select id, first_value(v) over (partition by g order by id), last_value(v) over (partition by g order by id) from w order by id',
    'select id, last_value(v) over (partition by g order by id rows between unbounded preceding and unbounded following) from w order by id',
    'select id, nth_value(v, 2) over (order by id), nth_value(v, 3) over (partition by g order by id rows between current row and unbounded following) from w order by id',
    'select id, first_value(s) over (order by v, id rows between 2 preceding and 2 following), last_value(s) over (order by v, id rows between 1 following and 3 following) from w order by id',
    'select id, first_value(v) over (order by v range between 2 preceding and 1 following) from w order by id',
    'select id, last_value(v) over (order by v desc range between current row and 2 following exclude current row) from w order by id',
    'select id, first_value(v) over (order by v nulls first range between 1 following and 3 following) from w order by id',
    'select id, last_value(v) over (order by v desc nulls last range between 3 preceding and 1 preceding) from w order by id',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('value functions', mismatches, qs.length, SEED);
});

test('aggregates over windows and frames', async () => {
  const mismatches: string[] = [];
  const qs: string[] = [];
  for (const agg of ['count(*)', 'count(v)', 'sum(v)', 'avg(v)', 'min(x)', 'max(s)', 'sum(x)']) {
    qs.push(
      `select id, ${agg} over () from w order by id`,
      `select id, ${agg} over (partition by g) from w order by id`,
      `select id, ${agg} over (order by v) from w order by id`,
      `select id, ${agg} over (partition by g order by v desc) from w order by id`,
      `select id, ${agg} over (order by id rows between 3 preceding and current row) from w order by id`,
      `select id, ${agg} over (order by id rows between 2 preceding and 2 following exclude current row) from w order by id`,
      `select id, ${agg} over (partition by g order by id rows between current row and unbounded following) from w order by id`,
      `select id, ${agg} over (order by v range between 1 preceding and 1 following) from w order by id`,
      `select id, ${agg} over (order by v desc nulls last range between 2 preceding and current row) from w order by id`,
      `select id, ${agg} over (order by v groups between 1 preceding and 1 following) from w order by id`,
      `select id, ${agg} over (order by v groups between current row and 2 following exclude group) from w order by id`,
      `select id, ${agg} over (order by v rows unbounded preceding exclude ties) from w order by id`,
    );
  }
  qs.push(
    'select id, sum(e) over (order by id rows between 1 preceding and current row) from w where e is not null order by id',
    'select id, avg(e) over (partition by g) from w where e is not null order by id',
    'select id, sum(x) over (order by x range between 0.5 preceding and 0.25 following) from w order by id',
    'select id, sum(v) over w1, count(*) over w1, rank() over w2 from w window w1 as (partition by g), w2 as (w1 order by v) order by id',
    'select id, sum(v) over (w1 order by id rows 2 preceding) from w window w1 as (partition by g) order by id',
    'select g, sum(v), sum(sum(v)) over (order by g) from w group by g order by g',
    'select g, count(*) over (partition by g) as c from w group by g, v order by g, c',
    'select distinct g, count(*) over (partition by g) from w order by 1',
    'select id, count(*) over (order by v range between 1 preceding and 1 preceding) from w order by id',
    'select id, sum(v) over (order by id rows between 2 following and 1 following) from w order by id',
    'select id, array_agg(v) over (order by id rows between 2 preceding and current row) from w order by id',
    'select id, array_agg(s) over (partition by g order by id) from w order by id',
    'select id, string_agg(s, \',\') over (order by id rows between 1 preceding and 1 following) from w order by id',
    'select id, count(*) filter (where v > 3) over (partition by g order by id), sum(v) filter (where s = \'k\') over (order by id rows 3 preceding) from w order by id',
    'select id, array_agg(s) filter (where s is not null) over (order by id rows between 2 preceding and current row) from w order by id',
    'select id, bool_and(v > 2) over (partition by g order by id), bool_or(v > 8) over (order by id rows 3 preceding), every(x > 0) over () from w order by id',
  );
  for (const q of qs) await check(q, mismatches);
  reportMismatches('window aggregates', mismatches, qs.length, SEED);
});

test('window function errors', async () => {
  const mismatches: string[] = [];
  const qs = [
    'select id from w where rank() over (order by id) > 1',
    'select g from w group by rank() over (order by g)',
    'select g from w group by g having rank() over (order by g) > 1',
    'select sum(rank() over (order by id)) from w',
    'select rank() over (order by rank() over (order by id)) from w',
    'select lag(rank() over (order by id)) over (order by id) from w',
    'select rank() over w9 from w',
    'select rank() over (w1 partition by v) from w window w1 as (partition by g)',
    'select rank() over (w1 order by id) from w window w1 as (order by v)',
    'select rank() over (w1 order by id) from w window w1 as (partition by g rows 1 preceding)',
    'select rank() over w1 from w window w1 as (order by id), w1 as (order by v)',
    'select rank() over (w1) from w window w1 as (partition by g rows 1 preceding)',
    'select sum(v) over (order by v, id range between 1 preceding and current row) from w',
    'select sum(v) over (range between 1 preceding and current row) from w',
    'select sum(v) over (groups between 1 preceding and current row) from w',
    'select sum(v) over (order by s range between 1 preceding and current row) from w',
    'select sum(v) over (order by id rows between -1 preceding and current row) from w',
    'select sum(v) over (order by id rows between null preceding and current row) from w',
    'select sum(v) over (order by id rows between v preceding and current row) from w',
    'select ntile(0) over (order by id) from w',
    'select sum(v) over (order by id rows between 1 following and current row) from w',
    'select sum(v) over (order by id rows between current row and 1 preceding) from w',
    'select sum(v) over (order by id rows between unbounded following and current row) from w',
    'select nth_value(v, 0) over (order by id) from w',
    'select row_number(1) over () from w',
    'select count(distinct v) over () from w',
    'select sum(v order by id) over () from w',
    'select rank() filter (where v > 1) over (order by id) from w',
    'select count(*) filter (where count(*) > 1) over () from w',
    'select v, g, count(*) over (partition by v) from w group by v',
    'select id from w limit rank() over (order by id)',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('window errors', mismatches, qs.length, SEED);
});

test('EXPLAIN (COSTS OFF) shapes of window functions', async () => {
  const mismatches: string[] = [];
  const qs = [
    'explain (costs off) select id, rank() over (partition by g order by v) from w',
    'explain (costs off) select id, row_number() over (order by id) from w',
    'explain (costs off) select id, sum(v) over (partition by g) from w',
    'explain (costs off) select id, sum(v) over (order by v rows between 2 preceding and current row) from w',
    'explain (costs off) select id, rank() over (order by v), sum(v) over (order by v) from w',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('window shapes', mismatches, qs.length, SEED);
});

test('WindowAgg, Unique, SetOp and ordered aggregates rescanned per outer row (correlated subqueries, LATERAL)', async () => {
  const mismatches: string[] = [];
  await both('CREATE TABLE wo (id integer PRIMARY KEY, g integer)');
  await both('INSERT INTO wo VALUES (1, 0), (2, 1), (3, 2), (4, 3), (5, 7), (6, NULL)');
  const qs = [
    'select wo.id, (select count(*) from (select distinct v from w where w.g = wo.g) q) from wo order by 1',
    'select wo.id, x.id, x.r from wo cross join lateral (select id, rank() over (order by v, id) r from w where w.g = wo.g order by r limit 2) x order by 1, 2',
    'select wo.id, (select max(r) from (select row_number() over (order by id) r from w where w.g = wo.g) q) from wo order by 1',
    'select wo.id, (select count(*) from (select v from w where g = wo.g intersect select v from w where g = wo.g + 1) q) from wo order by 1',
    'select wo.id, (select count(*) from (select v from w where g = wo.g except all select v from w where g = wo.g + 1) q) from wo order by 1',
    'select wo.id, x.* from wo, lateral (select distinct on (v) v, id from w where w.g = wo.g order by v, id desc) x order by 1, 2, 3',
    'select wo.id, (select string_agg(s, \',\' order by id) from w where w.g = wo.g) from wo order by 1',
    'select wo.id, (select sum(v) from (select v from w where g = wo.g union select v + 1 from w where g = wo.g) q) from wo order by 1',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('rescans', mismatches, qs.length, SEED);
});

test('vectors: windows over distances with a parameter query vector, vector aggregates over windows, DISTINCT / set operations on vectors', async () => {
  const mismatches: string[] = [];
  const cases: [string, unknown[]][] = [
    ['select id, rank() over (order by e <-> $1) from w order by id', ['[1,1]']],
    ['select id, e <-> $1 as d, row_number() over (partition by g order by e <-> $1, id) from w order by id', ['[2,0]']],
    ['select id, dense_rank() over (order by e <=> $1 nulls first) from w order by id', ['[1,2]']],
    ['select id, lag(e, 1, $1) over (order by id) from w order by id', ['[9,9]']],
    ['select id, min(e) over (partition by g), max(e) over () from w order by id', []],
    ['select distinct e from w order by e', []],
    ['select distinct on (e) e, id from w order by e, id', []],
    ['select e from w where g = 1 union select e from w where g = 2 order by 1', []],
    ['select e from w intersect select e from w where id > 30 order by 1', []],
    ['select g, array_agg(distinct e) from w group by g order by g', []],
  ];
  for (const [q, params] of cases) await check(q, mismatches, params);
  reportMismatches('vector windows', mismatches, cases.length, SEED);
});

test('anyelement window functions over an argument of type unknown', async () => {
  const mismatches: string[] = [];
  // An unknown argument (untyped parameter, literal or NULL) leaves anyelement unresolved
  // (42804); the three-argument lag / lead take anycompatible and resolve it to text.
  const cases: [string, unknown[]][] = [
    ['select last_value($1) over () from w', ['x']],
    ['select first_value($1) over () from w', ['x']],
    ['select lag($1) over (order by id) from w', ['x']],
    ['select lead($1, 1) over (order by id) from w', ['x']],
    ['select nth_value($1, 1) over () from w', ['x']],
    ["select last_value('x') over () from w", []],
    ['select last_value(null) over () from w', []],
    ['select last_value($1::int) over () from w order by id', ['5']],
    ['select id, lag($1, 1, $2) over (order by id) from w order by id', ['x', 'y']],
    ["select id, lead($1, 1, 'z') over (order by id) from w order by id", ['x']],
    ['select id, max($1) over () from w order by id', ['x']],
  ];
  for (const [q, params] of cases) await check(q, mismatches, params);
  reportMismatches('unknown window arguments', mismatches, cases.length, SEED);
});
