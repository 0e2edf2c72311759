/**
 * Partial B-tree indexes (`CREATE [UNIQUE] INDEX ... WHERE predicate`, the soft-delete pattern
 * `UNIQUE (email) WHERE deleted_at IS NULL`) against PostgreSQL (PGlite): uniqueness among the
 * rows the predicate keeps only, maintenance through INSERT / UPDATE / DELETE / VACUUM, plans
 * that use the index only when the WHERE implies its predicate (and drop the conjuncts it
 * guarantees, as PostgreSQL's EXPLAIN shows), ON CONFLICT inferring a partial arbiter from its
 * WHERE, the catalog's definitions, and a reopened database.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { openSqlPair } from '../support/sql_pair.js';

const { same, both } = await openSqlPair();

await both(`CREATE TABLE p (id int PRIMARY KEY, deleted_at timestamptz, email text, n int)`);
await both(`INSERT INTO p SELECT i, CASE WHEN i % 3 = 0 THEN '2024-01-01'::timestamptz END, 'u' || (i % 500), i % 17 FROM generate_series(1, 2000) i`);

test('a partial UNIQUE index constrains only the rows its predicate keeps', async () => {
  for (const sql of [
    `CREATE TABLE q (id int, e text, d boolean)`,
    `INSERT INTO q VALUES (1, 'a', true), (2, 'a', false), (3, 'a', false), (4, 'b', false), (5, 'b', true)`,
    `CREATE UNIQUE INDEX q_e ON q (e) WHERE NOT d`,
    `UPDATE q SET d = true WHERE id = 3`,
    `CREATE UNIQUE INDEX q_e ON q (e) WHERE NOT d`,
    `INSERT INTO q VALUES (6, 'b', false)`,
    `INSERT INTO q VALUES (7, 'b', true)`,
    `DELETE FROM p WHERE deleted_at IS NULL AND id > 500`,
    `CREATE UNIQUE INDEX p_u ON p (email) WHERE deleted_at IS NULL`,
    `CREATE INDEX p_n ON p (n) WHERE n > 10`,
    `ANALYZE p`,
    `INSERT INTO p VALUES (5000, NULL, 'u1', 1)`,
    `INSERT INTO p VALUES (5001, now(), 'u1', 1)`,
    `INSERT INTO p VALUES (5002, NULL, 'fresh', 1)`,
    `INSERT INTO p VALUES (5003, NULL, 'fresh', 1)`,
    `UPDATE p SET deleted_at = NULL WHERE id = 5001`,
    `UPDATE p SET deleted_at = now() WHERE id = 5002`,
    `INSERT INTO p VALUES (5003, NULL, 'fresh', 1)`,
    `SELECT id, email FROM p WHERE email = 'u1' AND deleted_at IS NULL ORDER BY id`,
    `SELECT id FROM p WHERE email = 'u7' ORDER BY id`,
  ]) await same(sql);
});

test('the planner uses a partial index when the WHERE implies its predicate', async () => {
  for (const sql of [
    `SELECT count(*) FROM p WHERE n > 12`,
    `SELECT count(*) FROM p WHERE n > 12 AND n < 15`,
    `SELECT count(*) FROM p WHERE n = 11`,
    `SELECT count(*) FROM p WHERE n = 3`,
    `SELECT id FROM p WHERE n >= 16 ORDER BY n, id LIMIT 5`,
    `SELECT id FROM p WHERE n > 10 AND n < 13 ORDER BY n, id LIMIT 3`,
    `EXPLAIN (COSTS OFF) SELECT id, email FROM p WHERE email = 'u1' AND deleted_at IS NULL`,
    `EXPLAIN (COSTS OFF) SELECT id FROM p WHERE email = 'u7'`,
    `EXPLAIN (COSTS OFF) SELECT count(*) FROM p WHERE n = 11`,
    `EXPLAIN (COSTS OFF) SELECT count(*) FROM p WHERE n = 3`,
    `EXPLAIN (COSTS OFF) SELECT id FROM p WHERE n > 10 AND n < 13 ORDER BY n LIMIT 3`,
    `SET enable_indexscan = off`,
    `EXPLAIN (COSTS OFF) SELECT id, email FROM p WHERE email = 'u1' AND deleted_at IS NULL`,
    `EXPLAIN (COSTS OFF) SELECT count(*) FROM p WHERE n = 11 AND n > 10`,
    `SELECT id, email FROM p WHERE email = 'u1' AND deleted_at IS NULL ORDER BY id`,
    `RESET enable_indexscan`,
  ]) await same(sql);
});

test('ON CONFLICT infers a partial arbiter from its WHERE; definitions and VACUUM', async () => {
  for (const sql of [
    `INSERT INTO p VALUES (6000, NULL, 'u1', 1) ON CONFLICT (email) WHERE deleted_at IS NULL DO NOTHING`,
    `INSERT INTO p VALUES (6001, NULL, 'u2', 1) ON CONFLICT (email) DO NOTHING`,
    `INSERT INTO p VALUES (6002, NULL, 'u3', 1) ON CONFLICT (email) WHERE deleted_at IS NULL DO UPDATE SET n = 99`,
    `INSERT INTO p VALUES (6003, NULL, 'u4', 1) ON CONFLICT (email) WHERE n > 0 DO NOTHING`,
    `SELECT id, n FROM p WHERE email IN ('u1', 'u2', 'u3', 'u4') ORDER BY id`,
    `SELECT pg_get_indexdef('p_u'::regclass), pg_get_indexdef('p_n'::regclass)`,
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'p' ORDER BY 1`,
    `DELETE FROM p WHERE n = 11 AND id % 2 = 0`,
    `VACUUM p`,
    `SELECT count(*) FROM p WHERE n = 11`,
    `CREATE INDEX p_bad ON p (n) WHERE random() > 0.5`,
  ]) await same(sql);
});

test('a partial B-tree index is rebuilt with its predicate when the database reopens', async () => {
  const fs = new MemoryFs();
  const open = () => Vecgres.create('db', { storage: fs });
  let db = await open();
  await db.exec(`CREATE TABLE s (id int PRIMARY KEY, email text, deleted boolean NOT NULL DEFAULT false)`);
  await db.exec(`CREATE UNIQUE INDEX s_live ON s (email) WHERE NOT deleted`);
  await db.exec(`INSERT INTO s VALUES (1, 'a', true), (2, 'a', false), (3, 'b', true)`);
  await db.close();
  db = await open();
  try {
    await assert.rejects(db.query(`INSERT INTO s VALUES (4, 'a', false)`), { code: '23505' });
    await db.query(`INSERT INTO s VALUES (5, 'b', false), (6, 'a', true)`);
    const r = await db.query<{ id: number }>(`SELECT id FROM s WHERE email = 'a' AND NOT deleted`);
    assert.deepEqual(r.rows.map((x) => x.id), [2]);
  } finally {
    await db.close();
  }
});
