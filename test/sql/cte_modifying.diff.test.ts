/**
 * Data-modifying statements in WITH against PostgreSQL + pgvector (PGlite): DELETE / UPDATE /
 * INSERT (ON CONFLICT included) with RETURNING read by the main SELECT, CTEs without RETURNING
 * that still run, CTEs the main query never reads, vector columns, the main query
 * not seeing the CTEs' changes, rollback in a transaction block, and the errors: a
 * data-modifying CTE below the top level, reading a CTE without RETURNING; and the tables after
 * a restart from a data directory. Table contents are
 * compared after each statement. Statements vecgres refuses (0A000) are checked to refuse
 * without changing anything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vecgres } from '../../src/index.js';
import { openSqlPair, normalize } from '../support/sql_pair.js';

const { both, same, ours, checkAll, oracle } = await openSqlPair();

const A = 'SELECT * FROM a ORDER BY id';
const B = 'SELECT * FROM b ORDER BY id';

async function reset(): Promise<void> {
  await both(`DELETE FROM a; DELETE FROM b;
    INSERT INTO a VALUES (1, 10, 'p', '[1,1]'), (2, 20, 'q', '[2,0]'), (3, NULL, 'r', NULL), (4, 40, NULL, '[0,5]');
    INSERT INTO b VALUES (1, 100, 'x', '[9,9]')`);
}

await both(`CREATE TABLE a (id int PRIMARY KEY, x int, t text, v vector(2));
  CREATE TABLE b (id int PRIMARY KEY, x int, t text, v vector(2));
  CREATE TABLE log (n int, what text);
  CREATE TABLE child (id int PRIMARY KEY, bid int REFERENCES b ON DELETE CASCADE)`);

test('DELETE / UPDATE / INSERT ... RETURNING read by the main SELECT', async () => {
  await reset();
  await same('WITH d AS (DELETE FROM a WHERE x > 15 RETURNING *) SELECT count(*) FROM d');
  await same(A);
  await reset();
  await same('WITH d AS (DELETE FROM a WHERE id IN (1, 3) RETURNING id, v, x * 2 AS twice) SELECT * FROM d ORDER BY id');
  await same('WITH u AS (UPDATE a SET x = coalesce(x, 0) + 1 RETURNING id, x, v) SELECT u.*, b.x AS bx FROM u LEFT JOIN b ON b.id = u.id ORDER BY u.id');
  await same(A);
  await same(`WITH i AS (INSERT INTO b VALUES (7, 70, 'n', '[7,0]'), (8, NULL, NULL, NULL) RETURNING id, v) SELECT * FROM i ORDER BY id`);
  await same(`WITH i AS (INSERT INTO b VALUES (1, 5, 'dup', NULL), (9, 90, 'nine', '[0,9]') ON CONFLICT (id) DO UPDATE SET x = b.x + excluded.x RETURNING *) SELECT * FROM i ORDER BY id`);
  await same(`WITH i AS (INSERT INTO b VALUES (1, 0, 'z', NULL) ON CONFLICT DO NOTHING RETURNING *) SELECT count(*) FROM i`);
  await same(B);
  await same(`WITH d(k, val) AS (DELETE FROM b WHERE id > 7 RETURNING id, t) SELECT k, val FROM d WHERE k < 9`);
  await same(B);
  await same(`WITH e AS (DELETE FROM b WHERE false RETURNING id, v) SELECT * FROM e`);
});

test('every data-modifying CTE runs to completion, read or not; the main query sees the old tables', async () => {
  await reset();
  await same(`WITH d AS (DELETE FROM a RETURNING id) SELECT 1 AS one`);
  await same(A);
  await reset();
  await same(`WITH d AS (DELETE FROM a RETURNING id) SELECT id FROM d ORDER BY id LIMIT 1`);
  await same(A);
  await reset();
  await same(`WITH i AS (INSERT INTO log VALUES (1, 'ran')) SELECT count(*) FROM b`);
  await same('SELECT * FROM log ORDER BY n');
  await same(`WITH m AS (DELETE FROM a WHERE x IS NULL RETURNING *), c AS (INSERT INTO b SELECT * FROM (VALUES (50, 5, 'c', '[5,5]'::vector)) v RETURNING id)
    SELECT (SELECT count(*) FROM m) AS moved, (SELECT count(*) FROM c) AS copied, (SELECT count(*) FROM log) AS logged`);
  await same(A);
  await same(B);
  await same(`WITH w AS (SELECT id FROM b WHERE x > 10), d AS (DELETE FROM a WHERE id = 2 RETURNING x) SELECT (SELECT count(*) FROM w), (SELECT x FROM d)`);
  await same(A);
  await same(`WITH d AS (DELETE FROM a WHERE id = 4 RETURNING v <-> '[0,0]' AS dist, id) SELECT * FROM d`);
  await same(A);
});

test('WITH on INSERT, UPDATE and DELETE, with and without data-modifying CTEs', async () => {
  await reset();
  await same(`WITH moved AS (DELETE FROM a WHERE x < 25 RETURNING *) INSERT INTO b SELECT id + 10, x, t, v FROM moved RETURNING id, v`);
  await same(A);
  await same(B);
  await same(`WITH moved AS (DELETE FROM a WHERE id = 3 RETURNING *) INSERT INTO b SELECT * FROM moved`);
  await same(B);
  await same(`WITH w AS (SELECT id * 100 AS id, t FROM a) INSERT INTO b (id, t) SELECT * FROM w ORDER BY id`);
  await same(`WITH w AS (SELECT max(id) AS m FROM b) INSERT INTO b (id, x) VALUES ((SELECT m + 1 FROM w), 1) RETURNING *`);
  await same(B);
  await reset();
  // A job queue: take the next row, mark it, report it.
  await same(`WITH next AS (SELECT id FROM a WHERE x IS NOT NULL ORDER BY x LIMIT 1) UPDATE a SET t = 'taken' FROM next WHERE a.id = next.id RETURNING a.id, a.t`);
  await same(`WITH d AS (DELETE FROM b RETURNING id, x) UPDATE a SET x = d.x FROM d WHERE a.id = d.id RETURNING a.*`);
  await same(A);
  await same(B);
  await same(`WITH i AS (INSERT INTO b VALUES (2, 2, 'two', NULL), (3, 3, 'three', '[3,3]') RETURNING id) DELETE FROM a USING i WHERE a.id = i.id RETURNING a.id`);
  await same(A);
  await same(B);
  await same(`WITH i AS (INSERT INTO log VALUES (2, 'side')) DELETE FROM a WHERE id = 4`);
  await same(A);
  await same('SELECT * FROM log ORDER BY n');
});

test('a foreign-key cascade from a data-modifying CTE', async () => {
  await reset();
  await both('INSERT INTO child VALUES (1, 1), (2, 1)');
  await same('WITH d AS (DELETE FROM b WHERE id = 1 RETURNING id) SELECT count(*) FROM d');
  await same('SELECT * FROM child ORDER BY id');
});

test('transaction blocks: the CTEs roll back with the statement and the block', async () => {
  await reset();
  await both('BEGIN');
  await same(`WITH d AS (DELETE FROM a WHERE id = 1 RETURNING *) SELECT count(*) FROM d`);
  await same(A);
  await both('ROLLBACK');
  await same(A);
  // The main query fails after the CTE ran: nothing stays.
  await same(`WITH d AS (DELETE FROM a WHERE id = 2 RETURNING x) SELECT 1 / (x - x) FROM d`);
  await same(A);
});

test('errors as PostgreSQL', async () => {
  await reset();
  await checkAll('errors', [
    'SELECT * FROM (WITH d AS (DELETE FROM a RETURNING id) SELECT * FROM d) s',
    'WITH w AS (WITH d AS (DELETE FROM a RETURNING id) SELECT * FROM d) SELECT * FROM w',
    'SELECT (WITH d AS (DELETE FROM a RETURNING id) SELECT count(*) FROM d)',
    'WITH d AS (DELETE FROM a WHERE id = 1) SELECT * FROM d',
    'WITH d AS (DELETE FROM nosuch RETURNING *) SELECT * FROM d',
    'WITH d AS (UPDATE a SET x = 1 RETURNING nosuch) SELECT * FROM d',
  ]);
  await same(A);
});

test('what vecgres refuses is 0A000 and changes nothing', async () => {
  await reset();
  for (const sql of [
    // The main query would see the table after the CTE instead of before.
    'WITH d AS (DELETE FROM a WHERE id = 1 RETURNING id) SELECT (SELECT count(*) FROM a), count(*) FROM d',
    'WITH d AS (DELETE FROM a WHERE id = 1 RETURNING id), u AS (UPDATE a SET x = 0 RETURNING id) SELECT 1',
    'WITH d AS (DELETE FROM a WHERE id = 1 RETURNING id) UPDATE a SET x = 0 FROM d WHERE a.id = d.id + 1',
    'WITH RECURSIVE d AS (DELETE FROM a WHERE id = 1 RETURNING id) SELECT * FROM d',
    // The cascade changes child, which the main query reads.
    'WITH d AS (DELETE FROM b WHERE id = 1 RETURNING id) SELECT (SELECT count(*) FROM child), count(*) FROM d',
  ]) {
    const r = await ours(sql);
    assert.equal(r.ok ? 'ok' : r.code, '0A000', sql);
  }
  await same(A);
  await same(B);
});

test('with parameters: one set of types for the whole statement, typed by the part that uses each', async () => {
  await reset();
  const cases: [string, unknown[]][] = [
    ['WITH d AS (DELETE FROM a WHERE id = $1 RETURNING id, v) SELECT * FROM d', [1]],
    ['WITH u AS (UPDATE a SET x = $2 WHERE id = $1 RETURNING id, x) SELECT count(*), max(x) FROM u', [2, 25]],
    // $1 typed by the WITH item, $2 only by the main query; one used by both.
    ["WITH i AS (INSERT INTO b (id, x, t) VALUES ($1, $2, 'p') RETURNING id, x) SELECT id + $3, x * $2 FROM i", [20, 7, 100]],
    ['WITH m AS (DELETE FROM a WHERE x > $1 RETURNING *) INSERT INTO b SELECT id + $2, x, t, v FROM m RETURNING id, t', [30, 1000]],
    ["WITH d AS (DELETE FROM b WHERE t = $1 RETURNING id) UPDATE a SET t = $1 || '!' WHERE id = $2 RETURNING id, t", ['p', 2]],
    // A vector parameter in the WITH item, a text one in the main query's WHERE.
    ["WITH i AS (INSERT INTO b VALUES (30, 3, $2, $1) RETURNING v, t) SELECT v <-> $1 AS d, t FROM i WHERE t = $2", ['[3,4]', 'vec']],
    ['WITH d AS (DELETE FROM b WHERE id = $1 RETURNING id), e AS (DELETE FROM log WHERE n = $2) SELECT * FROM d', [30, 9]],
    // Declared by a cast in one part, used untyped in another.
    ['WITH d AS (DELETE FROM b WHERE id = $1::int RETURNING t) SELECT $1 AS p, t FROM d', [20]],
    // Errors: a value that does not convert (nothing changes), a parameter no part types.
    ['WITH d AS (DELETE FROM a RETURNING id) SELECT * FROM d WHERE id = $1', ['abc']],
    ['WITH d AS (DELETE FROM a WHERE id = $2 RETURNING id) SELECT * FROM d', [null, 1]],
    ['WITH d AS (DELETE FROM a WHERE id = $1 RETURNING nosuch) SELECT * FROM d', [1]],
  ];
  for (const [sql, params] of cases) {
    await same(sql, params);
    await same(A);
    await same(B);
  }
});

test('durable: a data-modifying CTE and its main INSERT survive a restart', async () => {
  const setup = [
    'CREATE TABLE da (id int PRIMARY KEY, v vector(2))',
    'CREATE TABLE db (id int PRIMARY KEY, v vector(2))',
    "INSERT INTO da VALUES (1, '[1,1]'), (2, '[2,2]'), (3, '[3,3]')",
    'WITH moved AS (DELETE FROM da WHERE id > 1 RETURNING *) INSERT INTO db SELECT * FROM moved',
  ];
  const read = ['SELECT * FROM da ORDER BY id', 'SELECT * FROM db ORDER BY id'];
  for (const sql of setup) await oracle.query(sql);
  const want: unknown[] = [];
  for (const sql of read) want.push(normalize((await oracle.query(sql)).rows));
  await oracle.query('DROP TABLE da, db');
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-cte-'));
  try {
    let db = await Vecgres.create({ dataDir: dir });
    for (const sql of setup) await db.query(sql);
    await db.close();
    db = await Vecgres.create({ dataDir: dir });
    try {
      const got: unknown[] = [];
      for (const sql of read) got.push(normalize((await db.query(sql)).rows));
      assert.deepEqual(got, want);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
