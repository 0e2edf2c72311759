/**
 * Differential tests of INSERT ... ON CONFLICT (the primary key as arbiter): DO NOTHING with
 * and without a target, DO UPDATE SET ... = EXCLUDED.col [WHERE], ON CONSTRAINT, RETURNING,
 * a row met twice by one statement, NOT NULL and key violations, and the errors of a wrong
 * target; and INSERT with fewer values than columns. Against PostgreSQL 18 (PGlite); the
 * tables are compared after every statement.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { check, both } = await openSqlPair();

await both(`CREATE TABLE u (id int PRIMARY KEY, name text NOT NULL, hits int DEFAULT 0, v vector(2))`);
await both(`CREATE TABLE u2 (a int, b int, c text, PRIMARY KEY (a, b))`);
await both(`CREATE TABLE nk (a int)`);
await both(`INSERT INTO u2 VALUES (1, 1, 'x'), (1, 2, 'y')`);

test('INSERT ... ON CONFLICT', async () => {
  const mismatches: string[] = [];
  const qs = [
    `INSERT INTO u VALUES (1, 'a', 1, '[1,1]'), (2, 'b', 2, '[2,2]')`,
    `INSERT INTO u VALUES (1, 'x') ON CONFLICT DO NOTHING`,
    `INSERT INTO u VALUES (1, 'x'), (3, 'c') ON CONFLICT (id) DO NOTHING RETURNING *`,
    `INSERT INTO u VALUES (3, 'z'), (3, 'zz') ON CONFLICT DO NOTHING RETURNING id, name`,
    `INSERT INTO u VALUES (1, 'new', 5) ON CONFLICT (id) DO UPDATE SET name = excluded.name, hits = u.hits + excluded.hits RETURNING *`,
    `INSERT INTO u AS t VALUES (2, 'new2', 7, '[9,9]') ON CONFLICT (id) DO UPDATE SET hits = t.hits + 1, v = excluded.v WHERE t.hits < 3 RETURNING *`,
    `INSERT INTO u AS t VALUES (2, 'new3', 7) ON CONFLICT (id) DO UPDATE SET hits = t.hits + 1 WHERE t.hits < 3 RETURNING *`,
    `INSERT INTO u VALUES (4, 'd'), (4, 'e') ON CONFLICT (id) DO UPDATE SET name = excluded.name`,
    `INSERT INTO u VALUES (5, 'd') ON CONFLICT DO UPDATE SET name = 'x'`,
    `INSERT INTO u VALUES (5, 'd') ON CONFLICT (name) DO NOTHING`,
    `INSERT INTO u VALUES (5, 'd') ON CONFLICT (nosuch) DO NOTHING`,
    `INSERT INTO u VALUES (5, 'd') ON CONFLICT ON CONSTRAINT u_pkey DO UPDATE SET name = 'via constraint'`,
    `INSERT INTO u VALUES (5, 'e') ON CONFLICT ON CONSTRAINT u_pkey DO UPDATE SET name = 'via constraint'`,
    `INSERT INTO u VALUES (5, 'e') ON CONFLICT ON CONSTRAINT nope DO NOTHING`,
    `INSERT INTO u VALUES (1, NULL) ON CONFLICT DO NOTHING`,
    `INSERT INTO u VALUES (1, 'q') ON CONFLICT (id) DO UPDATE SET name = NULL`,
    `INSERT INTO u VALUES (1, 'q') ON CONFLICT (id) DO UPDATE SET id = 2`,
    `INSERT INTO u VALUES (1, 'q') ON CONFLICT (id) DO UPDATE SET id = 10, name = excluded.name || u.name RETURNING id, name`,
    `INSERT INTO u VALUES (10, 'q') ON CONFLICT (id) DO UPDATE SET name = name || '!' RETURNING name`,
    `INSERT INTO u VALUES (10, 'q') ON CONFLICT (id) DO UPDATE SET nosuch = 1`,
    `INSERT INTO u VALUES (10, 'q') ON CONFLICT (id) DO UPDATE SET name = 'a', name = 'b'`,
    `INSERT INTO u VALUES (10, 'q') ON CONFLICT (id) DO UPDATE SET name = excluded.nosuch`,
    `INSERT INTO u (id, name) SELECT id + 1, 'sel' FROM u ORDER BY id ON CONFLICT (id) DO NOTHING RETURNING id`,
    `INSERT INTO u2 VALUES (1, 1, 'z') ON CONFLICT (b, a) DO UPDATE SET c = excluded.c RETURNING *`,
    `INSERT INTO u2 VALUES (1, 1, 'z') ON CONFLICT (a) DO NOTHING`,
    `INSERT INTO nk VALUES (1) ON CONFLICT DO NOTHING`,
    `INSERT INTO nk VALUES (1) ON CONFLICT (a) DO NOTHING`,
  ];
  for (const q of qs) {
    await check(q, mismatches);
    await check('SELECT * FROM u ORDER BY id', mismatches);
  }
  await check('SELECT * FROM u2 ORDER BY a, b', mismatches);
  await check('SELECT * FROM nk', mismatches);
  reportMismatches('ON CONFLICT', mismatches, qs.length * 2 + 2, SEED);
});

test('ON CONFLICT inside a transaction that rolls back leaves the table as it was', async () => {
  const mismatches: string[] = [];
  for (const q of [
    'BEGIN',
    `INSERT INTO u VALUES (2, 'tx') ON CONFLICT (id) DO UPDATE SET name = excluded.name RETURNING *`,
    `INSERT INTO u VALUES (99, 'tx') ON CONFLICT DO NOTHING RETURNING id`,
    'SELECT * FROM u ORDER BY id',
    'ROLLBACK',
    'SELECT * FROM u ORDER BY id',
  ]) await check(q, mismatches);
  reportMismatches('ON CONFLICT rollback', mismatches, 6, SEED);
});
