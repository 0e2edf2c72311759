/**
 * Differential tests of INSERT ... ON CONFLICT (the primary key or a UNIQUE index as arbiter):
 * DO NOTHING with and without a target, DO UPDATE SET ... = EXCLUDED.col [WHERE], ON CONSTRAINT, RETURNING,
 * a row met twice by one statement, NOT NULL and key violations, and the errors of a wrong
 * target; DO UPDATE and UPDATE that would duplicate a UNIQUE index key; and INSERT with fewer
 * values than columns. Against PostgreSQL 18 (PGlite); the
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

test('ON CONFLICT with UNIQUE indexes as arbiters, and updates that duplicate their keys', async () => {
  const mismatches: string[] = [];
  await both(`CREATE TABLE uq (id int PRIMARY KEY, name text NOT NULL, code int, hits int DEFAULT 0)`);
  await both(`CREATE UNIQUE INDEX uq_code ON uq (code)`);
  await both(`CREATE UNIQUE INDEX uq_name_code ON uq (name, code)`);
  await both(`CREATE TABLE nq (a int, b text)`);
  await both(`CREATE UNIQUE INDEX nq_a ON nq (a)`);
  const qs = [
    `INSERT INTO uq VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', NULL)`,
    // The unique index as inferred arbiter, and plain DO NOTHING (any unique index).
    `INSERT INTO uq VALUES (4, 'x', 10) ON CONFLICT (code) DO NOTHING RETURNING *`,
    `INSERT INTO uq VALUES (4, 'x', 10) ON CONFLICT DO NOTHING RETURNING *`,
    `INSERT INTO uq VALUES (1, 'x', 99) ON CONFLICT DO NOTHING RETURNING *`,
    // A conflict on an index that is not the arbiter is a unique violation.
    `INSERT INTO uq VALUES (1, 'x', 99) ON CONFLICT (code) DO NOTHING`,
    `INSERT INTO uq VALUES (4, 'x', 10) ON CONFLICT (id) DO NOTHING`,
    `INSERT INTO uq VALUES (5, 'y', 20) ON CONFLICT (name, code) DO NOTHING`,
    `INSERT INTO uq VALUES (4, 'x', 10) ON CONFLICT (code) DO UPDATE SET hits = uq.hits + 1, name = excluded.name RETURNING *`,
    `INSERT INTO uq VALUES (5, 'b', 20) ON CONFLICT (code, name) DO UPDATE SET hits = 7 RETURNING *`,
    // A unique index is not a constraint: ON CONSTRAINT does not find it.
    `INSERT INTO uq VALUES (5, 'y', 10) ON CONFLICT ON CONSTRAINT uq_code DO UPDATE SET hits = 0`,
    // NULL keys conflict with nothing.
    `INSERT INTO uq VALUES (6, 'q', NULL) ON CONFLICT (code) DO UPDATE SET hits = 7 RETURNING *`,
    `INSERT INTO uq VALUES (7, 'q', NULL) ON CONFLICT (code) DO NOTHING RETURNING *`,
    // DO UPDATE SET that duplicates another row's key, in the arbiter or another index.
    `INSERT INTO uq VALUES (5, 'y', 20) ON CONFLICT (code) DO UPDATE SET code = 10`,
    `INSERT INTO uq VALUES (1, 'y', 5) ON CONFLICT (id) DO UPDATE SET code = 20`,
    `INSERT INTO uq VALUES (1, 'y', 5) ON CONFLICT (id) DO UPDATE SET name = 'b', code = 20`,
    `INSERT INTO uq VALUES (1, 'y', 5) ON CONFLICT (id) DO UPDATE SET code = 30 RETURNING *`,
    `INSERT INTO uq VALUES (8, 'z', 20) ON CONFLICT (code) DO UPDATE SET id = 1`,
    // UPDATE that duplicates a key, then one that does not.
    `UPDATE uq SET code = 20 WHERE id = 1`,
    `UPDATE uq SET name = 'b', code = 20 WHERE id = 1`,
    `UPDATE uq SET code = 40 WHERE id = 1 RETURNING *`,
    // No primary key: a unique index alone arbitrates.
    `INSERT INTO nq VALUES (1, 'x'), (2, 'y')`,
    `INSERT INTO nq VALUES (1, 'z'), (3, 'w'), (3, 'v') ON CONFLICT DO NOTHING RETURNING *`,
    `INSERT INTO nq VALUES (4, 'z'), (4, 'v') ON CONFLICT (a) DO UPDATE SET b = excluded.b`,
    `INSERT INTO nq VALUES (2, 'z'), (1, 'v') ON CONFLICT (a) DO UPDATE SET b = excluded.b || nq.b RETURNING *`,
    `INSERT INTO nq VALUES (2, 'q') ON CONFLICT (a) DO UPDATE SET a = 1`,
    `INSERT INTO nq VALUES (2, 'q') ON CONFLICT (a) DO UPDATE SET a = 2, b = 'same key' RETURNING *`,
    `INSERT INTO nq VALUES (2, 'q') ON CONFLICT (b) DO NOTHING`,
    `INSERT INTO nq VALUES (1, 'q') ON CONFLICT ON CONSTRAINT nq_pkey DO NOTHING`,
    // The target's WHERE sees only the target table; 42P10 comes after the statement's other errors.
    `INSERT INTO uq VALUES (9, 'w', 20) ON CONFLICT (code) WHERE code > 0 DO NOTHING RETURNING *`,
    `INSERT INTO uq VALUES (9, 'w', 20) ON CONFLICT (code) WHERE uq.code > 0 DO UPDATE SET hits = 3 WHERE uq.code > 0 RETURNING *`,
    `INSERT INTO uq VALUES (9, 'w', 20) ON CONFLICT (code) WHERE code > 0 DO UPDATE SET hits = 3 WHERE code > 0`,
    `INSERT INTO uq VALUES (9, 'w', 20) ON CONFLICT (code) WHERE excluded.code > 0 DO NOTHING`,
    `INSERT INTO uq VALUES (9, 'w', 20) ON CONFLICT (id, code) DO UPDATE SET nosuch = 1`,
    `INSERT INTO uq VALUES (9, 'w', 20) ON CONFLICT (id, code) DO UPDATE SET hits = 1 WHERE code > 0`,
    `INSERT INTO uq VALUES (9, 'w', 20) ON CONFLICT (code, code) DO UPDATE SET hits = 4 RETURNING *`,
    // ... RETURNING's too: the table's own name under an alias is 42P01 before 42P10.
    `INSERT INTO nq AS x VALUES (9, 'w') ON CONFLICT (b) DO NOTHING RETURNING nq.a`,
    `INSERT INTO nq AS x VALUES (9, 'w') ON CONFLICT (b) DO NOTHING RETURNING x.a`,
    'BEGIN',
    'DELETE FROM nq WHERE a = 1',
    `INSERT INTO nq VALUES (1, 'after delete') ON CONFLICT (a) DO UPDATE SET b = 'updated' RETURNING *`,
    `INSERT INTO nq VALUES (1, 'again') ON CONFLICT (a) DO UPDATE SET b = 'updated' RETURNING *`,
    'COMMIT',
  ];
  for (const q of qs) {
    await check(q, mismatches);
    await check('SELECT * FROM uq ORDER BY id', mismatches);
    await check('SELECT * FROM nq ORDER BY a, b', mismatches);
  }
  reportMismatches('ON CONFLICT with UNIQUE indexes', mismatches, qs.length * 3, SEED);
});
