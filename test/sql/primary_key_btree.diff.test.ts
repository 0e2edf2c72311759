/**
 * The primary key's index is a B-tree the planner reads in order, as PostgreSQL's t_pkey:
 * `ORDER BY id [DESC] LIMIT n`, ranges, keyset pages, `IN` lists and min / max by index, with
 * the plans PostgreSQL makes (COSTS OFF, both sides analyzed) and its answers after UPDATEs of
 * the key, DELETEs, VACUUM, TRUNCATE, a rolled-back transaction, ALTER TABLE ... ADD PRIMARY
 * KEY over existing rows, and a restart (the tree is rebuilt from the table at open).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vecgres } from '../../src/index.js';
import { openSqlPair } from '../support/sql_pair.js';

const { both, checkAll } = await openSqlPair();

await both(`CREATE TABLE pkt (id int PRIMARY KEY, v text, n int)`);
await both(`INSERT INTO pkt SELECT g * 3, 'v' || g, g % 10 FROM generate_series(1, 20000) g`);
await both(`ANALYZE pkt`);

const ANSWERS = [
  `SELECT id FROM pkt ORDER BY id LIMIT 5`, `SELECT id FROM pkt ORDER BY id DESC LIMIT 5`, `SELECT id, v FROM pkt WHERE id > 30000 ORDER BY id LIMIT 4`,
  `SELECT id FROM pkt WHERE id BETWEEN 100 AND 130 ORDER BY id`, `SELECT id FROM pkt WHERE id IN (3, 6, 7, 60000) ORDER BY id`,
  `SELECT id FROM pkt WHERE id = ANY ('{9,12,13}') ORDER BY id`, `SELECT min(id), max(id), count(*) FROM pkt`, `SELECT max(id) FROM pkt WHERE id < 1000`,
  `SELECT id FROM pkt WHERE id < 10 OR id > 59990 ORDER BY id DESC`, `SELECT count(*) FROM pkt WHERE id >= 59000`,
];

test('the primary key serves ORDER BY, ranges, IN lists and min / max: PostgreSQL\'s plans and answers', async () => {
  await checkAll('pk plans', [
    `EXPLAIN (COSTS OFF) SELECT * FROM pkt ORDER BY id DESC LIMIT 10`,
    `EXPLAIN (COSTS OFF) SELECT * FROM pkt WHERE id > 30000 ORDER BY id LIMIT 20`,
    // A short range of a key inserted in order: an Index Scan (the correlation makes the heap
    // reads sequential), as PostgreSQL's cost_index weighs it.
    `EXPLAIN (COSTS OFF) SELECT * FROM pkt WHERE id BETWEEN 100 AND 200`,
    `EXPLAIN (COSTS OFF) SELECT max(id) FROM pkt`,
    `EXPLAIN (COSTS OFF) SELECT min(id), max(id) FROM pkt WHERE n = 3`,
    `EXPLAIN (COSTS OFF) SELECT * FROM pkt WHERE id = 42`,
  ]);
  await checkAll('pk answers', ANSWERS);
});

test('the primary key B-tree follows UPDATEs of the key, DELETEs, VACUUM, TRUNCATE and rollbacks', async () => {
  await both(`UPDATE pkt SET id = id + 100000 WHERE id % 9 = 0`);
  await both(`DELETE FROM pkt WHERE id % 5 = 0`);
  await checkAll('after update / delete', ANSWERS);
  await both(`VACUUM pkt`);
  await checkAll('after vacuum', [...ANSWERS, `SELECT id FROM pkt ORDER BY id DESC LIMIT 3`]);
  await both(`BEGIN`);
  await both(`INSERT INTO pkt VALUES (1, 'one', 1), (200000, 'big', 2)`);
  await both(`DELETE FROM pkt WHERE id < 100`);
  await checkAll('in a transaction', ANSWERS);
  await both(`ROLLBACK`);
  await checkAll('after rollback', ANSWERS);
  await both(`TRUNCATE pkt`);
  await both(`INSERT INTO pkt VALUES (5, 'a', 1), (2, 'b', 2), (9, 'c', 3)`);
  await checkAll('after truncate', [`SELECT id FROM pkt ORDER BY id DESC LIMIT 2`, `SELECT max(id), min(id) FROM pkt`, `SELECT id FROM pkt WHERE id > 2 ORDER BY id`]);
});

test('ALTER TABLE ... ADD PRIMARY KEY builds the tree over the rows; a restart rebuilds it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-pk-btree-'));
  try {
    let v = await Vecgres.create({ dataDir: dir });
    await v.exec(`CREATE TABLE k (id bigint NOT NULL, s text)`);
    await v.exec(`INSERT INTO k SELECT g * 7 % 10007, 's' || g FROM generate_series(1, 10000) g`);
    await v.exec(`ALTER TABLE k ADD PRIMARY KEY (id)`);
    await v.exec(`CREATE TABLE u (id text PRIMARY KEY)`);
    await v.exec(`INSERT INTO u VALUES ('b'), ('a'), ('c')`);
    await v.exec(`ANALYZE k`);
    const top = async (): Promise<unknown> => (await v.query(`SELECT id::int FROM k ORDER BY id DESC LIMIT 3`)).rows;
    const want = [{ id: 10006 }, { id: 10005 }, { id: 10004 }];
    assert.deepEqual(await top(), want);
    await v.close();
    v = await Vecgres.create({ dataDir: dir });
    assert.deepEqual(await top(), want);
    const plan = (await v.query(`EXPLAIN (COSTS OFF) SELECT id FROM k ORDER BY id DESC LIMIT 3`)).rows.map((r) => (r as Record<string, string>)['QUERY PLAN']).join('\n');
    assert.match(plan, /Index (Only )?Scan Backward using k_pkey on k/, plan);
    assert.deepEqual((await v.query(`SELECT id FROM u ORDER BY id DESC`)).rows, [{ id: 'c' }, { id: 'b' }, { id: 'a' }]);
    await assert.rejects(v.query(`INSERT INTO k VALUES (7, 'dup')`), { code: '23505' });
    await v.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('primary keys of char(n), bytea, jsonb, arrays and numeric (alone and in a composite key) compare by value', async () => {
  await both(`CREATE TABLE pkc (code char(3) PRIMARY KEY, n int);
    CREATE TABLE pkb (k bytea PRIMARY KEY);
    CREATE TABLE pkj (k jsonb PRIMARY KEY);
    CREATE TABLE pka (k int[] PRIMARY KEY);
    CREATE TABLE pkna (k numeric[] PRIMARY KEY);
    CREATE TABLE pkm (a numeric, b char(2), c text, PRIMARY KEY (a, b, c))`);
  await checkAll('value-compared primary keys', [
    "INSERT INTO pkc VALUES ('ab', 1)",
    "INSERT INTO pkc VALUES ('ab ', 2)",
    "INSERT INTO pkc VALUES ('ab', 3) ON CONFLICT (code) DO UPDATE SET n = pkc.n + 10 RETURNING code || '|', n",
    "SELECT code || '|', n FROM pkc WHERE code = 'ab'",
    "SELECT n FROM pkc WHERE code = 'ab  '::char(4)",
    "INSERT INTO pkb VALUES ('\\x0102'), ('\\x01')",
    "INSERT INTO pkb VALUES ('\\x0102')",
    "SELECT * FROM pkb WHERE k = '\\x01'",
    `INSERT INTO pkj VALUES ('{"a": 1}')`,
    `INSERT INTO pkj VALUES ('{"a": 1.0}')`,
    `SELECT * FROM pkj WHERE k = '{"a": 1.00}'`,
    "INSERT INTO pka VALUES ('{1,2}'), ('{{1,2}}'), ('{}')",
    "INSERT INTO pka VALUES ('{1,2}')",
    "SELECT k::text FROM pka WHERE k = '{1,2}'",
    "SELECT k::text FROM pka ORDER BY k",
    "INSERT INTO pkna VALUES ('{1.5}')",
    "INSERT INTO pkna VALUES ('{1.50}')",
    "INSERT INTO pkm VALUES (1.0, 'x', 'y')",
    "INSERT INTO pkm VALUES (1, 'x ', 'y')",
    "INSERT INTO pkm VALUES (1, 'x', 'y ')",
    "UPDATE pkm SET a = 1.00 WHERE c = 'y ' RETURNING *",
    "DELETE FROM pkm WHERE a = 1 AND b = 'x' AND c = 'y' RETURNING *",
    "SELECT * FROM pkm ORDER BY c",
  ]);
});

test('ALTER TABLE ... DROP CONSTRAINT of a primary key: foreign keys, NOT NULL kept, rollback, a new key', async () => {
  await both(`CREATE TABLE dpk (id int PRIMARY KEY, v text); CREATE TABLE dpk_ref (pid int REFERENCES dpk);
    INSERT INTO dpk VALUES (1, 'a'), (2, 'b')`);
  await checkAll('drop primary key', [
    'ALTER TABLE dpk DROP CONSTRAINT dpk_pkey',
    'BEGIN',
    'ALTER TABLE dpk DROP CONSTRAINT dpk_pkey CASCADE',
    "INSERT INTO dpk VALUES (1, 'dup')",
    'ROLLBACK',
    "INSERT INTO dpk VALUES (1, 'dup')",
    'ALTER TABLE dpk DROP CONSTRAINT dpk_pkey CASCADE',
    "SELECT conname::text, contype::text FROM pg_constraint WHERE conrelid IN ('dpk'::regclass, 'dpk_ref'::regclass) ORDER BY 1",
    "SELECT attname::text, attnotnull FROM pg_attribute WHERE attrelid = 'dpk'::regclass AND attnum > 0 ORDER BY attnum",
    "INSERT INTO dpk VALUES (1, 'dup'), (NULL, 'x')",
    "INSERT INTO dpk VALUES (1, 'dup')",
    'SELECT * FROM dpk WHERE id = 1 ORDER BY v',
    'ALTER TABLE dpk ADD PRIMARY KEY (id)',
    "DELETE FROM dpk WHERE v = 'dup'",
    'ALTER TABLE dpk DROP CONSTRAINT IF EXISTS dpk_pkey, ADD CONSTRAINT dpk_pk2 PRIMARY KEY (id, v)',
    "SELECT conname::text FROM pg_constraint WHERE conrelid = 'dpk'::regclass ORDER BY 1",
    "INSERT INTO dpk VALUES (1, 'a')",
    "INSERT INTO dpk VALUES (1, 'c') RETURNING *",
  ]);
});

test('ALTER TABLE ... DROP COLUMN of a primary-key column drops the key (foreign keys need CASCADE)', async () => {
  await both(`CREATE TABLE dpc (a int PRIMARY KEY, b int); CREATE TABLE dpc_ref (x int REFERENCES dpc); INSERT INTO dpc VALUES (1, 2)`);
  await checkAll('drop a primary-key column', [
    'ALTER TABLE dpc DROP COLUMN a',
    'BEGIN',
    'ALTER TABLE dpc DROP COLUMN a CASCADE',
    'INSERT INTO dpc VALUES (2)',
    'ROLLBACK',
    "SELECT conname::text FROM pg_constraint WHERE conrelid IN ('dpc'::regclass, 'dpc_ref'::regclass) ORDER BY 1",
    'ALTER TABLE dpc DROP COLUMN a CASCADE',
    "SELECT conname::text FROM pg_constraint WHERE conrelid IN ('dpc'::regclass, 'dpc_ref'::regclass) ORDER BY 1",
    "SELECT indexname::text FROM pg_indexes WHERE tablename = 'dpc'",
    'SELECT * FROM dpc',
    'INSERT INTO dpc VALUES (2), (2)',
    'ALTER TABLE dpc ADD PRIMARY KEY (b)',
    'SELECT b, count(*) FROM dpc GROUP BY b ORDER BY b',
  ]);
});
