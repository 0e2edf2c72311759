/**
 * Differential tests of UNION [ALL], INTERSECT [ALL] and EXCEPT [ALL] against PostgreSQL 18 +
 * pgvector (PGlite): rows, field names and types, or the error's SQLSTATE, message and
 * position, must be identical. Hashed set operations return rows in hash order, so queries
 * without ORDER BY over all columns are wrapped in an ordered outer query. EXPLAIN (COSTS OFF)
 * shapes where PostgreSQL 18 plans the same: Append, HashAggregate over Append, HashSetOp.
 */
import { test } from 'node:test';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { check, both } = await openSqlPair();

await both(`CREATE TABLE l (id integer PRIMARY KEY, a integer, s text, x double precision, e vector(2))`);
await both(`CREATE TABLE r (id integer PRIMARY KEY, a integer, s text, b bigint, e vector(2))`);
{
  const rng = new Prng(SEED);
  for (const [t, n] of [['l', 40], ['r', 30]] as const) {
    const rows: string[] = [];
    for (let i = 1; i <= n; i++) {
      const a = rng.int(8) === 0 ? 'NULL' : String(rng.int(6));
      const s = rng.int(8) === 0 ? 'NULL' : `'${'pqr'[rng.int(3)]}'`;
      const x = rng.int(8) === 0 ? 'NULL' : String(rng.int(5));
      const e = rng.int(10) === 0 ? 'NULL' : `'[${rng.int(2)},${rng.int(2)}]'`;
      rows.push(`(${i}, ${a}, ${s}, ${x}, ${e})`);
    }
    await both(`INSERT INTO ${t} VALUES ${rows.join(', ')}`);
  }
}

test('UNION, INTERSECT, EXCEPT with and without ALL', async () => {
  const mismatches: string[] = [];
  const qs: string[] = [];
  for (const op of ['union', 'union all', 'intersect', 'intersect all', 'except', 'except all']) {
    qs.push(
      `select a from l ${op} select a from r order by 1`,
      `select a, s from l ${op} select a, s from r order by a nulls first, s`,
      `select * from (select s, a from r ${op} select s, a from l) q order by 1, 2`,
      `select a from l where id < 10 ${op} select a from r where id > 20 order by a desc limit 3`,
      `select x from l ${op} select b from r order by 1`,
      `select count(*) from (select e::text from l ${op} select e::text from r) q`,
      `select count(*) from (select e from l ${op} select e from r) q`,
      `select a, count(*) from (select a from l ${op} select a from r) q group by a order by a`,
    );
  }
  qs.push(
    'select 1 union select 2 order by 1',
    "select 'a' union select 'b' union select 'a' order by 1",
    'select 1 as one union all select 2 union all select 1 order by one',
    'select 1 union select 2.5 order by 1',
    'select a from l union select a from r intersect select a from l order by 1',
    '(select a from l union select a from r) intersect select a from l order by 1',
    'select a from l except (select a from r except select a from l where a > 2) order by 1',
    '(select a from l order by a limit 3) union all (select a from r order by a desc limit 2) order by 1',
    'select a from l union all select a from r order by a offset 60',
    'with w as (select a from l where a > 1) select a from w union select a + 10 from w order by 1',
    'select * from l where a in (select a from r intersect select a from l) order by id',
    'select id, (select count(*) from (select a from r where r.a = l.a union all select a from r where r.a = l.a) q) from l order by id',
    'values (1), (2) union values (2), (3) order by 1',
    'select a as z from l union select a from r order by z',
    // 42601, 42804, 22P02, 0A000, 42703
    'select 1 union select 1, 2',
    'select 1 intersect select 1, 2',
    "select a from l union select s from r",
    "select 'x' union select 1",
    'select a from l union select a from r order by a + 1',
    'select a from l union select a from r order by zz',
  );
  for (const q of qs) await check(q, mismatches);
  reportMismatches('set operations', mismatches, qs.length, SEED);
});

test('EXPLAIN (COSTS OFF) shapes of set operations', async () => {
  const mismatches: string[] = [];
  const qs = [
    'explain (costs off) select a from l union all select a from r',
    'explain (costs off) select a from l union select a from r',
    'explain (costs off) select a, s from l intersect select a, s from r',
    'explain (costs off) select a from l except all select a from r',
    'explain (costs off) select a from l union all select a from r union all select a from l',
    'explain (costs off) select a from l intersect all select a from r order by a desc',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('set operation shapes', mismatches, qs.length, SEED);
});
