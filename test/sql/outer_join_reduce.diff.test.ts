/**
 * Outer-join reduction (PostgreSQL's reduce_outer_joins) against PostgreSQL (PGlite): a LEFT /
 * RIGHT / FULL join whose WHERE rejects the null-extended rows of a side is planned as the
 * join PostgreSQL plans (EXPLAIN shows an inner join, or a LEFT join for a FULL one), and
 * never when the WHERE keeps them (IS NULL, COALESCE, OR ... IS NULL, CASE). Rows must be
 * PostgreSQL's for a fixed set of queries and for random WHERE clauses over random join trees.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { db, same, both, check } = await openSqlPair();

await both(`CREATE TABLE a (id int PRIMARY KEY, x int, t text);
  CREATE TABLE b (id int PRIMARY KEY, a_id int, x int, y text);
  CREATE TABLE c (id int PRIMARY KEY, b_id int, z int);
  INSERT INTO a SELECT i, CASE WHEN i % 9 = 0 THEN NULL ELSE i % 10 END, 't' || (i % 4) FROM generate_series(1, 60) i;
  INSERT INTO b SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 80 END, CASE WHEN i % 6 = 0 THEN NULL ELSE i % 7 END,
    CASE WHEN i % 4 = 0 THEN NULL ELSE 'y' || (i % 5) END FROM generate_series(1, 90) i;
  INSERT INTO c SELECT i, i % 100, CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 END FROM generate_series(1, 70) i;
  CREATE INDEX ON b (x); CREATE INDEX ON b (a_id);
  ANALYZE a; ANALYZE b; ANALYZE c`);

/** The join node names of vecgres' plan, top first. */
async function joins(sql: string): Promise<string[]> {
  const r = await db.query(`EXPLAIN (COSTS OFF) ${sql}`);
  return r.rows.map((x) => (x as Record<string, string>)['QUERY PLAN']).filter((l) => /Join|Nested Loop/.test(l)).map((l) => l.replace(/^[\s->]*/, '').replace(/\s+\(.*$/, '').replace(/ on .*$/, ''));
}

const REDUCED = [
  'SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE b.x = 1 ORDER BY 1, 2',
  'SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE b.x > 3 ORDER BY 1, 2',
  'SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE b.y IS NOT NULL ORDER BY 1, 2',
  "SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE upper(b.y) = 'Y1' ORDER BY 1, 2",
  'SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE b.x IN (1, 2) ORDER BY 1, 2',
  'SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE b.x = 1 OR b.x = a.x ORDER BY 1, 2',
  'SELECT a.id, b.id FROM b RIGHT JOIN a ON b.a_id = a.id WHERE b.x + 1 > 4 ORDER BY 1, 2',
  'SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE NOT (b.x = 2) ORDER BY 1, 2',
];
const KEPT = [
  'SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE b.x IS NULL ORDER BY 1, 2',
  'SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE coalesce(b.x, 1) = 1 ORDER BY 1, 2',
  'SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE b.x = 1 OR b.x IS NULL ORDER BY 1, 2',
  'SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE (CASE WHEN b.x IS NULL THEN 1 ELSE b.x END) = 1 ORDER BY 1, 2',
  'SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE b.x IS DISTINCT FROM 3 ORDER BY 1, 2',
  'SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE a.x = 1 ORDER BY 1, 2',
  'SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE (b.x = 1) IS NOT TRUE ORDER BY 1, 2',
];

test('a WHERE that rejects the nullable side makes the join an inner join', async () => {
  for (const q of REDUCED) {
    await same(q);
    const j = await joins(q);
    assert.ok(j.length > 0 && j.every((n) => !/Left|Right|Full|Anti/.test(n)), `${q}: expected an inner join, got ${j.join(', ')}`);
  }
});

test('a WHERE that keeps null-extended rows leaves the outer join', async () => {
  for (const q of KEPT) {
    await same(q);
    const j = await joins(q);
    assert.ok(j.some((n) => /Left|Right/.test(n)), `${q}: expected an outer join, got ${j.join(', ')}`);
  }
});

test('FULL joins become LEFT, RIGHT or inner joins as PostgreSQL reduces them', async () => {
  const cases: [string, RegExp][] = [
    ['SELECT a.id, b.id FROM a FULL JOIN b ON b.a_id = a.id WHERE a.x = 1 ORDER BY 1, 2', /Left|Right/],
    ['SELECT a.id, b.id FROM a FULL JOIN b ON b.a_id = a.id WHERE b.x = 1 ORDER BY 1, 2', /Left|Right/],
    ['SELECT a.id, b.id FROM a FULL JOIN b ON b.a_id = a.id WHERE a.x = 1 AND b.x = 2 ORDER BY 1, 2', /^(Hash Join|Nested Loop|Merge Join)$/],
    ['SELECT a.id, b.id FROM a FULL JOIN b ON b.a_id = a.id WHERE a.x IS NULL ORDER BY 1, 2', /Full/],
  ];
  for (const [q, want] of cases) {
    await same(q);
    const j = await joins(q);
    assert.ok(j.length > 0 && want.test(j[0]!), `${q}: got ${j.join(', ')}`);
  }
});

test('nested outer joins: a condition above reduces the joins below it as PostgreSQL does', async () => {
  for (const q of [
    'SELECT a.id, b.id, c.id FROM a LEFT JOIN b ON b.a_id = a.id LEFT JOIN c ON c.b_id = b.id WHERE c.z = 1 ORDER BY 1, 2, 3',
    'SELECT a.id, b.id, c.id FROM a LEFT JOIN (b LEFT JOIN c ON c.b_id = b.id) ON b.a_id = a.id WHERE c.z = 2 ORDER BY 1, 2, 3',
    'SELECT a.id, b.id, c.id FROM a LEFT JOIN (b LEFT JOIN c ON c.b_id = b.id) ON b.a_id = a.id WHERE b.x = 2 ORDER BY 1, 2, 3',
    'SELECT a.id, b.id, c.id FROM a LEFT JOIN b ON b.a_id = a.id LEFT JOIN c ON c.b_id = b.id AND b.x = 1 WHERE c.z IS NULL ORDER BY 1, 2, 3',
    'SELECT a.id, b.id, c.id FROM a LEFT JOIN b ON b.a_id = a.id JOIN c ON c.b_id = b.id ORDER BY 1, 2, 3',
    'SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE EXISTS (SELECT 1 FROM c WHERE c.b_id = b.id) ORDER BY 1, 2',
  ]) await same(q);
});

test('random WHERE clauses over random outer joins return the rows PostgreSQL returns', async () => {
  const rng = new Prng(SEED);
  const budget = Number(process.env.VECGRES_OUTER_JOIN_QUERIES ?? 60);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  const atoms = (rel: string, col: string): string[] => [
    `${rel}.${col} = ${rng.int(7)}`, `${rel}.${col} > ${rng.int(7)}`, `${rel}.${col} IS NULL`, `${rel}.${col} IS NOT NULL`,
    `coalesce(${rel}.${col}, ${rng.int(3)}) = ${rng.int(3)}`, `${rel}.${col} + 1 < ${rng.int(8)}`, `${rel}.${col} IN (${rng.int(5)}, ${rng.int(5)})`,
    `${rel}.${col} IS DISTINCT FROM ${rng.int(4)}`, `NOT (${rel}.${col} = ${rng.int(4)})`,
  ];
  const mismatches: string[] = [];
  for (let i = 0; i < budget; i++) {
    const j1 = pick(['LEFT', 'RIGHT', 'FULL', 'INNER']);
    const j2 = pick(['LEFT', 'RIGHT', 'FULL', 'INNER']);
    const cond = (): string => pick([...atoms('a', 'x'), ...atoms('b', 'x'), ...atoms('c', 'z')]);
    let where = cond();
    if (rng.int(2) === 0) where = `${where} ${pick(['AND', 'OR'])} ${cond()}`;
    const q = `SELECT a.id, b.id, c.id FROM a ${j1} JOIN b ON b.a_id = a.id ${j2} JOIN c ON c.b_id = b.id WHERE ${where} ORDER BY 1, 2, 3`;
    await check(q, mismatches);
  }
  reportMismatches('outer join reduction', mismatches, budget, SEED);
});
