/**
 * Differential tests of SELECT DISTINCT and DISTINCT ON against PostgreSQL 18 + pgvector
 * (PGlite): rows, field names and types, or the error's SQLSTATE, message and position, must
 * be identical; EXPLAIN (COSTS OFF) shapes where PostgreSQL picks the same plan (DISTINCT:
 * HashAggregate; DISTINCT ON: Unique over Sort). DISTINCT without ORDER BY returns rows in
 * hash order, so those queries are wrapped in an ordered outer query.
 */
import { test } from 'node:test';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { check, both } = await openSqlPair();

await both(`CREATE TABLE d (id integer PRIMARY KEY, g integer, s text, x double precision, e vector(2))`);
{
  const rng = new Prng(SEED);
  const rows: string[] = [];
  for (let i = 1; i <= 80; i++) {
    const g = rng.int(8) === 0 ? 'NULL' : String(rng.int(5));
    const s = rng.int(8) === 0 ? 'NULL' : `'${'abc'[rng.int(3)]}'`;
    const x = rng.int(8) === 0 ? 'NULL' : String((rng.int(9) - 4) / 2);
    const e = rng.int(10) === 0 ? 'NULL' : `'[${rng.int(3)},${rng.int(3)}]'`;
    rows.push(`(${i}, ${g}, ${s}, ${x}, ${e})`);
  }
  await both(`INSERT INTO d VALUES ${rows.join(', ')}`);
}

test('SELECT DISTINCT', async () => {
  const mismatches: string[] = [];
  const qs = [
    'select distinct g from d order by g',
    'select distinct g from d order by g desc nulls last',
    'select distinct g, s from d order by g, s',
    'select distinct s, g from d order by 2, 1 desc',
    'select * from (select distinct x from d) q order by x',
    'select * from (select distinct e::text as t from d) q order by t',
    'select distinct g % 2 as m from d order by m',
    'select distinct g + 1 from d order by 1',
    'select count(*) from (select distinct g, s from d) q',
    'select distinct count(*) from d group by g order by 1',
    'select distinct g from d where id > 70 order by g limit 2',
    'select distinct g from d order by g offset 1 limit 3',
    'select distinct 1 as one from d',
    'select distinct g from d where false',
    'select distinct id % 3 as m, g is null as n from d order by m, n',
    // The same subquery in the select list and ORDER BY is one expression, whatever positions
    // its IN list and ARRAY constructor have in the text (found by the random-query generator).
    'select distinct (a.g < any (select b.id from d b where b.g in (1, -1, 3))) as c from d a order by (a.g < any (select b.id from d b where b.g in (1, -1, 3))) desc',
    'select distinct (select count(*) from d b where b.x = any (array[0.5, 1]) and b.g = a.g) as c from d a order by (select count(*) from d b where b.x = any (array[0.5, 1]) and b.g = a.g)',
    // 42P10
    'select distinct g from d order by s',
    'select distinct g from d order by id + 1',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('DISTINCT', mismatches, qs.length, SEED);
});

test('SELECT DISTINCT ON', async () => {
  const mismatches: string[] = [];
  const qs = [
    'select distinct on (g) g, id from d order by g, id',
    'select distinct on (g) g, id from d order by g, id desc',
    'select distinct on (g) id, s from d order by g desc nulls last, id',
    'select distinct on (g, s) g, s, id from d order by g, s, id',
    'select distinct on (s) s, x, id from d order by s, x desc nulls last, id',
    'select distinct on (g) g, id from d order by g, e <-> \'[1,1]\' nulls last, id',
    'select distinct on (g % 2) g % 2 as m, id from d order by g % 2, id',
    'select distinct on (1) g, id from d order by 1, 2',
    'select distinct on (g) id from d order by g, id limit 3',
    'select distinct on (g, s) g, s, id from d order by g, s, id offset 2 limit 4',
    'select distinct on (g) g from d order by g',
    'select distinct on (s, g) s, g, id from d order by s, g, id',
    'select distinct on (g) g, count(*) from d group by g, s order by g, count(*) desc, s nulls first',
    // ORDER BY shorter than DISTINCT ON: the remaining expressions sort ascending.
    'select count(*) from (select distinct on (g, s) g, s from d order by g) q',
    // 42P10: DISTINCT ON must match the leftmost ORDER BY items.
    'select distinct on (g) g, id from d order by id',
    'select distinct on (g, s) g, s from d order by g, id, s',
    'select distinct on (s) s from d order by g, s',
    // 42803
    'select distinct on (s) count(*) from d group by g order by s',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('DISTINCT ON', mismatches, qs.length, SEED);
});

test('EXPLAIN (COSTS OFF) shapes of DISTINCT and DISTINCT ON', async () => {
  const mismatches: string[] = [];
  const qs = [
    'explain (costs off) select distinct g from d',
    'explain (costs off) select distinct g, s from d order by g',
    'explain (costs off) select distinct on (g) g, id from d order by g, id',
    'explain (costs off) select distinct on (g) g, id from d order by g, id limit 2',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('DISTINCT shapes', mismatches, qs.length, SEED);
});
