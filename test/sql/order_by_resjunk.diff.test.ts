/**
 * Differential tests of ORDER BY an output position, an output alias, or an expression that
 * is not in the select list (PostgreSQL's resjunk sort columns), alone and with GROUP BY,
 * DISTINCT, window functions and LIMIT, against PostgreSQL 18 + pgvector (PGlite). Every
 * ORDER BY ends with a unique key so the expected order is fully determined.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { check, both } = await openSqlPair();

await both(`CREATE TABLE ob (id integer PRIMARY KEY, g integer, v integer, s text, e vector(2))`);
await both(`INSERT INTO ob SELECT i, i % 4, (i * 7) % 11, 'k' || (i % 5), ('[' || (i % 6) || ',' || (i % 3) || ']')::vector FROM generate_series(1, 40) i`);

test('ORDER BY positions, aliases and expressions outside the select list', async () => {
  const mismatches: string[] = [];
  const qs = [
    'select id, v from ob order by 2, 1',
    'select id, v as w from ob order by w desc, id',
    'select id from ob order by v, id',
    'select id from ob order by v * -1, s desc, id limit 7',
    'select id, s from ob order by e <-> \'[1,1]\', id',
    'select id from ob order by e <-> \'[2,1]\', id limit 5',
    'select g, count(*) from ob group by g order by sum(v), g',
    'select g from ob group by g order by max(id) desc',
    'select g as k, count(*) as c from ob group by g order by c desc, k',
    'select id, rank() over (order by v) as r from ob order by r, id',
    'select id from ob order by row_number() over (order by s, id) desc limit 4',
    'select v + 1 as w from ob order by v + 1, id limit 6',
    'select id, s from ob order by upper(s), id desc limit 8',
    // errors: position out of range, ambiguous alias, aggregate not grouped
    'select id from ob order by 3',
    'select id as a, v as a from ob order by a',
    'select g from ob group by g order by v',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('ORDER BY', mismatches, qs.length, SEED);
});
