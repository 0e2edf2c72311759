/**
 * `FETCH FIRST n ROWS WITH TIES` (nodeLimit.c's window tail: after the n-th row, the rows
 * equal to it on the ORDER BY keys) and one-dimensional array slices `a[lo:hi]`, `a[:hi]`,
 * `a[lo:]` against PostgreSQL + pgvector (PGlite), values compared as text: ties over NULL
 * keys, several keys, OFFSET, a zero or parameter count, set operations and VALUES, the
 * 42601 without ORDER BY and the 2201W for a NULL or negative count; slices clamped to the
 * array, empty, with NULL bounds, over text, vector-bearing and two-dimensional arrays.
 * Both were 0A000 before.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { both, check } = await openSqlPair();

await both(`CREATE TABLE wt (id int PRIMARY KEY, score int, grp text, tags text[], xs int[])`);
await both(`INSERT INTO wt VALUES
  (1, 10, 'a', '{x,y,z}', '{1,2,3,4}'), (2, 20, 'b', '{}', '{5}'), (3, 20, 'a', NULL, NULL),
  (4, 30, 'b', '{p,NULL,q}', '{6,7}'), (5, 20, 'a', '{u}', '{8,9,10}'), (6, NULL, 'c', '{v,w}', '{}'),
  (7, NULL, 'c', '{k}', '{11}'), (8, 10, 'b', '{m,n}', '{12,13}')`);

test('FETCH FIRST ... WITH TIES agrees with PostgreSQL', async () => {
  const mismatches: string[] = [];
  const qs = [
    `SELECT * FROM (SELECT id, score FROM wt ORDER BY score FETCH FIRST 3 ROWS WITH TIES) s ORDER BY id`,
    `SELECT * FROM (SELECT id, score FROM wt ORDER BY score FETCH FIRST 2 ROWS WITH TIES) s ORDER BY id`,
    `SELECT * FROM (SELECT id, score FROM wt ORDER BY score FETCH FIRST 1 ROW WITH TIES) s ORDER BY id`,
    `SELECT * FROM (SELECT id, score FROM wt ORDER BY score FETCH FIRST ROW WITH TIES) s ORDER BY id`,
    `SELECT * FROM (SELECT id, score FROM wt ORDER BY score DESC NULLS FIRST FETCH FIRST 1 ROWS WITH TIES) s ORDER BY id`,
    `SELECT * FROM (SELECT id, score FROM wt ORDER BY score DESC NULLS LAST FETCH FIRST 7 ROWS WITH TIES) s ORDER BY id`,
    `SELECT * FROM (SELECT id, score FROM wt ORDER BY score OFFSET 1 ROWS FETCH FIRST 2 ROWS WITH TIES) s ORDER BY id`,
    `SELECT * FROM (SELECT id, score FROM wt ORDER BY score OFFSET 6 ROWS FETCH FIRST 1 ROWS WITH TIES) s ORDER BY id`,
    `SELECT * FROM (SELECT id, score, grp FROM wt ORDER BY grp, score FETCH FIRST 2 ROWS WITH TIES) s ORDER BY id`,
    `SELECT * FROM (SELECT id, grp FROM wt ORDER BY grp FETCH FIRST 4 ROWS WITH TIES) s ORDER BY id`,
    `SELECT id, score FROM wt ORDER BY score FETCH FIRST 0 ROWS WITH TIES`,
    `SELECT id, score FROM wt ORDER BY score, id FETCH FIRST 3 ROWS WITH TIES`,
    `SELECT * FROM (SELECT id, score FROM wt ORDER BY score FETCH FIRST 100 ROWS WITH TIES) s ORDER BY id`,
    `SELECT * FROM (SELECT id, score FROM wt ORDER BY score FETCH FIRST $1 ROWS WITH TIES) s ORDER BY id`,
    `SELECT * FROM (SELECT score % 20 AS m, id FROM wt ORDER BY score % 20 FETCH FIRST 1 ROWS WITH TIES) s ORDER BY id`,
    `SELECT count(*) FROM (SELECT id FROM wt WHERE grp <> 'c' ORDER BY score FETCH FIRST 2 ROWS WITH TIES) s`,
    `SELECT grp, count(*) FROM wt GROUP BY grp ORDER BY count(*) DESC FETCH FIRST 1 ROWS WITH TIES`,
    `SELECT * FROM (SELECT score FROM wt UNION ALL SELECT 10 ORDER BY 1 FETCH FIRST 1 ROWS WITH TIES) s`,
    `SELECT * FROM (VALUES (1), (1), (2)) v(x) ORDER BY x FETCH FIRST 1 ROWS WITH TIES`,
    `SELECT id, (SELECT count(*) FROM (SELECT 1 FROM wt w2 WHERE w2.grp = wt.grp ORDER BY w2.score FETCH FIRST 1 ROWS WITH TIES) t) FROM wt ORDER BY id`,
    // Errors: no ORDER BY (42601), a NULL or negative count (2201W), a negative offset (2201X).
    `SELECT id FROM wt FETCH FIRST 2 ROWS WITH TIES`,
    `SELECT id FROM wt ORDER BY score FETCH FIRST NULL::int ROWS WITH TIES`,
    `SELECT id FROM wt ORDER BY score FETCH FIRST (-1) ROWS WITH TIES`,
    `SELECT id FROM wt ORDER BY score OFFSET (-1) ROWS FETCH FIRST 1 ROWS WITH TIES`,
    `SELECT id FROM wt ORDER BY score FETCH FIRST (2 - 3) ROWS WITH TIES`,
  ];
  for (const q of qs) await check(q, mismatches, q.includes('$1') ? [2] : undefined);
  reportMismatches('WITH TIES', mismatches, qs.length, SEED);
});

// An ordered B-tree index scan serves WITH TIES as PostgreSQL plans it (Limit -> Index Scan);
// the scan returns the columns the projection reads and the ORDER BY keys the Limit compares.
test('WITH TIES over a B-tree index scan: the plan and the rows agree with PostgreSQL', async () => {
  await both(`CREATE TABLE wti (id int, x int, y text)`);
  await both(`INSERT INTO wti SELECT g, g / 3, 'y' || g FROM generate_series(1, 3000) g`);
  await both(`CREATE INDEX wti_x ON wti (x)`);
  await both(`ANALYZE wti`);
  const mismatches: string[] = [];
  const qs = [
    `EXPLAIN (COSTS OFF) SELECT id FROM wti ORDER BY x FETCH FIRST 2 ROWS WITH TIES`,
    `EXPLAIN (COSTS OFF) SELECT y FROM wti WHERE x > 100 ORDER BY x DESC FETCH FIRST 1 ROWS WITH TIES`,
    `SELECT id FROM wti ORDER BY x FETCH FIRST 2 ROWS WITH TIES`,
    `SELECT id FROM wti ORDER BY x FETCH FIRST 1 ROWS WITH TIES`,
    `SELECT id FROM wti ORDER BY x OFFSET 2 ROWS FETCH FIRST 2 ROWS WITH TIES`,
    `SELECT y FROM wti WHERE x > 100 ORDER BY x DESC FETCH FIRST 1 ROWS WITH TIES`,
    `SELECT y, id FROM wti WHERE x BETWEEN 7 AND 9 ORDER BY x FETCH FIRST 4 ROWS WITH TIES`,
  ];
  for (const q of qs) await check(q, mismatches);
  reportMismatches('WITH TIES over an index scan', mismatches, qs.length, SEED);
});

test('array slices agree with PostgreSQL', async () => {
  const mismatches: string[] = [];
  const qs = [
    `SELECT id, xs[2:3], xs[:2], xs[2:], xs[:], xs[0:1], xs[-5:100], xs[3:2], xs[5:9] FROM wt ORDER BY id`,
    `SELECT id, tags[1:1], tags[2:], tags[:0], tags[NULL:1], tags[1:NULL] FROM wt ORDER BY id`,
    `SELECT (ARRAY[1,2,3,4,5])[2:4], (ARRAY[1,2,3,4,5])[4:], ('{a,b,c}'::text[])[:2], (ARRAY[1.5,2.5]::float8[])[2:2]`,
    `SELECT ('{{1,2},{3,4},{5,6}}'::int[])[2:3], ('{{1,2},{3,4},{5,6}}'::int[])[:1], ('{{1,2},{3,4}}'::int[])[3:4]`,
    `SELECT ('{}'::int[])[1:2], (NULL::int[])[1:2], array_length((ARRAY[1,2,3])[2:3], 1), array_lower((ARRAY[1,2,3])[2:3], 1)`,
    `SELECT (ARRAY[1,2,3])[2::int8:3::int2], (ARRAY[1,2,3])[$1:]`,
    `SELECT id FROM wt WHERE xs[1:2] = '{1,2}' OR tags[:1] = '{u}' ORDER BY id`,
    `SELECT ((ARRAY['[1,2]'::vector, '[3,4]'::vector, '[5,6]'::vector])[2:3])::text`,
    `SELECT unnest(xs[2:]) FROM wt WHERE id = 1`,
    `SELECT (xs[1:2])[2] FROM wt ORDER BY id`,
    // Errors: a non-integer bound (42804), a slice of a non-array (42804).
    `SELECT xs['a'::text:2] FROM wt`,
    `SELECT id[1:2] FROM wt`,
  ];
  for (const q of qs) await check(q, mismatches, q.includes('$1') ? [2] : undefined);
  reportMismatches('array slices', mismatches, qs.length, SEED);
});
