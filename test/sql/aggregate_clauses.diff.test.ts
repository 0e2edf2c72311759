/**
 * Differential tests of aggregate DISTINCT, ORDER BY inside the call and FILTER (WHERE ...),
 * and of array_agg, string_agg, bool_and, bool_or and every, against PostgreSQL 18 + pgvector
 * (PGlite): rows, field names and types, or the error's SQLSTATE, message and position, must
 * be identical. Order-sensitive aggregates (array_agg, string_agg) are given an ORDER BY that
 * ends with the unique id, or DISTINCT (which sorts), since PostgreSQL's input order is
 * otherwise unspecified.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { check, both, oracle, ours } = await openSqlPair();
// Grouping by hashing keeps scan order within a group, as vecgres does (see aggregate.diff.test.ts).
await oracle.exec('SET enable_sort = off');

await both(`CREATE TABLE ag (id integer PRIMARY KEY, g integer, v integer, x double precision, s text, f boolean, e vector(2))`);
{
  const rng = new Prng(SEED);
  const rows: string[] = [];
  for (let i = 1; i <= 50; i++) {
    const g = rng.int(8) === 0 ? 'NULL' : String(rng.int(4));
    const v = rng.int(8) === 0 ? 'NULL' : String(rng.int(7));
    const x = rng.int(8) === 0 ? 'NULL' : String((rng.int(9) - 4) / 2);
    const s = rng.int(8) === 0 ? 'NULL' : `'${'tuv'[rng.int(3)]}'`;
    const f = rng.int(6) === 0 ? 'NULL' : rng.int(2) === 0 ? 'true' : 'false';
    const e = rng.int(10) === 0 ? 'NULL' : `'[${rng.int(3)},${rng.int(3)}]'`;
    rows.push(`(${i}, ${g}, ${v}, ${x}, ${s}, ${f}, ${e})`);
  }
  await both(`INSERT INTO ag VALUES ${rows.join(', ')}`);
}

test('DISTINCT, ORDER BY and FILTER in aggregate calls', async () => {
  const mismatches: string[] = [];
  const qs = [
    'select count(distinct v) as a, count(distinct s) as b, count(distinct x) as c, count(distinct e) as d from ag',
    'select g, count(distinct v) as a, sum(distinct v) as b, avg(distinct v) as c from ag group by g order by g',
    'select sum(distinct x) as a, min(distinct s) as b, max(distinct v) as c from ag',
    'select count(*) filter (where v > 3) as a, count(v) filter (where s = \'t\') as b, sum(v) filter (where g = 1) as c from ag',
    'select g, count(*) filter (where f) as a, avg(x) filter (where x > 0) as b from ag group by g order by g',
    'select g, count(distinct v) filter (where id % 2 = 0) as a from ag group by g having count(*) filter (where v is null) >= 0 order by g',
    'select count(*) filter (where false) as a, sum(v) filter (where false) as b from ag',
    'select avg(e) filter (where g = 2) as a, sum(e) filter (where v > 2) as b from ag',
    'select g, array_agg(v order by id) as a from ag group by g order by g',
    'select array_agg(v order by v desc nulls last, id) as a, array_agg(s order by s nulls first, id desc) as b from ag',
    'select array_agg(distinct v) as a, array_agg(distinct s) as b, array_agg(distinct v order by v desc) as c from ag',
    'select g, string_agg(s, \',\' order by id) as a, string_agg(distinct s, \'-\') as b from ag group by g order by g',
    'select string_agg(s, \'\' order by s, id) filter (where v > 2) as a from ag',
    'select g, array_agg(x order by x, id) filter (where x is not null) as a from ag group by g order by g',
    // As text: a PGlite that opened a database with pgvector returns vector[] as a JS array, one that ran CREATE EXTENSION in its session (and vecgres) as text.
    'select array_agg(e order by id)::text as a from ag where id < 6',
    'select array_agg(id order by id) as a from ag where false',
    'select sum(v order by id) as a, count(v order by s) as b from ag',
    // 42P10, 42803, 42804
    'select array_agg(distinct v order by id) from ag',
    'select count(*) filter (where count(*) > 1) from ag',
    'select count(*) filter (where v) from ag',
    'select count(*) filter (where rank() over () > 1) from ag',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('aggregate clauses', mismatches, qs.length, SEED);
});

test('array_agg, string_agg, bool_and, bool_or, every', async () => {
  const mismatches: string[] = [];
  const qs = [
    'select bool_and(f) as a, bool_or(f) as b, every(f) as c from ag',
    'select g, bool_and(v > 2) as a, bool_or(v > 5) as b, every(s is not null) as c from ag group by g order by g',
    'select bool_and(f) as a, bool_or(f) as b from ag where false',
    'select g, bool_or(f) as a from ag group by g having bool_and(v is not null) order by g',
    'select string_agg(s, null order by id) as a from ag',
    'select string_agg(\'x\', \',\') as a from ag where id < 4',
    'select array_agg(1) as a from ag where id < 3',
    'select g, array_agg(id order by id desc) as a from ag group by g order by g',
    // errors
    'select array_agg(\'a\') from ag',
    'select string_agg(v, \',\') from ag',
    'select bool_and(v) from ag',
    'select string_agg(s) from ag',
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('collecting and boolean aggregates', mismatches, qs.length, SEED);
});

test('an aggregate of an outer query\'s columns is 0A000, not an aggregate per row of the subquery', async () => {
  // PostgreSQL evaluates `max(ag.v)` in the outer query (one value for the whole outer group);
  // vecgres does not, and says so rather than aggregating over the subquery's rows.
  for (const sql of [
    'SELECT (SELECT max(ag.v) FROM (VALUES (1)) w(x)) FROM ag',
    'SELECT id FROM ag WHERE v = (SELECT max(v) FROM (VALUES (1)) w(x))',
    "SELECT (SELECT string_agg(ag.s, ',') FROM (VALUES (1)) w(x)) FROM ag",
  ]) {
    const r = await ours(sql);
    assert.equal(r.ok ? 'ok' : r.code, '0A000', sql);
  }
  // Arguments reading this level's columns too: aggregated here, as PostgreSQL does.
  const mismatches: string[] = [];
  await check('SELECT id, (SELECT max(ag.v + w.x) FROM (VALUES (1), (2)) w(x)) FROM ag ORDER BY id', mismatches);
  reportMismatches('aggregate levels', mismatches, 1, SEED);
});
