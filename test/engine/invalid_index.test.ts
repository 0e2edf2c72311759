/**
 * INVALID indexes (a CREATE INDEX CONCURRENTLY whose build failed, sql/exec/index_build_concurrent.ts):
 * the definition survives a checkpoint and reopen and WAL recovery as INVALID, never serves a
 * query, is not maintained by writes (so it holds no structure to save), is left out of a dump
 * (as pg_dump leaves it out), and REINDEX INDEX builds it valid: then the planner uses it and
 * it holds every row, those written while it was INVALID included, and that survives too.
 * Catalog state and errors are compared with PostgreSQL in
 * test/sql/create_index_concurrently.diff.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vecgres } from '../../src/index.js';

const STATE = "SELECT c.relname::text AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 't'::regclass ORDER BY 1";

async function plan(db: Vecgres, sql: string): Promise<string> {
  await db.query('SET enable_seqscan = off');
  const rows = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`)).rows;
  await db.query('RESET enable_seqscan');
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

const KNN = "SELECT id FROM t ORDER BY e <-> '[1,1,1]' LIMIT 3";
const EQ = 'SELECT id FROM t WHERE n = 2';

test('an INVALID index survives checkpoint, reopen and recovery, is never used nor dumped, and REINDEX makes it valid', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-invalid-'));
  try {
    let db = await Vecgres.create(dir);
    await db.query('CREATE TABLE t (id int PRIMARY KEY, n int, v vector(3), e vector(3))');
    await db.query('INSERT INTO t SELECT i, i % 4, ARRAY[i, i % 5, i % 3]::vector, ARRAY[i, i % 5, i % 3]::vector FROM generate_series(1, 40) i');
    await assert.rejects(db.query('CREATE UNIQUE INDEX CONCURRENTLY t_n ON t (n)'), { code: '23505', message: 'could not create unique index "t_n"' });
    await assert.rejects(db.query('CREATE INDEX CONCURRENTLY t_e ON t USING hnsw ((ARRAY[1 / (n - 3), 1, 1]::vector(3)) vector_l2_ops)'), { code: '22012' });
    await db.query('DELETE FROM t WHERE n = 3');
    const expected = [{ name: 't_e', valid: false }, { name: 't_n', valid: false }, { name: 't_pkey', valid: true }];
    assert.deepEqual((await db.query(STATE)).rows, expected);
    assert.doesNotMatch(await plan(db, EQ), /t_n/);
    // Written while INVALID: not maintained, nor checked for uniqueness.
    await db.query("INSERT INTO t VALUES (41, 2, '[2,2,2]', '[2,2,2]')");
    // The definitions are in the log (recovery), then in a checkpoint (reopen).
    db.database.abandon();
    db = await Vecgres.create(dir);
    assert.deepEqual((await db.query(STATE)).rows, expected);
    await db.query('CHECKPOINT');
    await db.close();
    db = await Vecgres.create(dir);
    assert.deepEqual((await db.query(STATE)).rows, expected);
    assert.doesNotMatch(await plan(db, EQ), /t_n/);
    // A dump leaves INVALID indexes out, as pg_dump does.
    const chunks: string[] = [];
    db.dump((c) => chunks.push(c));
    const dump = chunks.join('');
    assert.match(dump, /CREATE TABLE public\.t /);
    assert.doesNotMatch(dump, /\bt_n\b|\bt_e\b/);
    // REINDEX of the B-tree fails over the duplicate keys (23505) and it stays INVALID; once
    // they are gone it builds it valid.
    await assert.rejects(db.query('REINDEX INDEX t_n'), { code: '23505' });
    assert.deepEqual((await db.query(STATE)).rows, expected);
    await db.query('DELETE FROM t WHERE id > 3');
    await db.query('REINDEX INDEX t_n');
    // The expression index fails on no row now (the n = 3 rows are gone): REINDEX TABLE builds it.
    await db.query('REINDEX TABLE t');
    const valid = [{ name: 't_e', valid: true }, { name: 't_n', valid: true }, { name: 't_pkey', valid: true }];
    assert.deepEqual((await db.query(STATE)).rows, valid);
    assert.match(await plan(db, EQ), /t_n/);
    assert.deepEqual((await db.query(EQ)).rows, [{ id: 2 }]);
    await assert.rejects(db.query("INSERT INTO t VALUES (50, 2, '[0,0,0]', '[0,0,0]')"), { code: '23505' });
    // Valid after recovery and after a checkpoint.
    db.database.abandon();
    db = await Vecgres.create(dir);
    assert.deepEqual((await db.query(STATE)).rows, valid);
    assert.deepEqual((await db.query(EQ)).rows, [{ id: 2 }]);
    await db.query('CHECKPOINT');
    await db.close();
    db = await Vecgres.create(dir);
    assert.deepEqual((await db.query(STATE)).rows, valid);
    assert.match(await plan(db, EQ), /t_n/);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an INVALID HNSW index is not used by ORDER BY; REINDEX INDEX builds it over every row', async () => {
  const db = await Vecgres.create();
  try {
    await db.query('CREATE TABLE t (id int PRIMARY KEY, n int, e vector(3))');
    await db.query('INSERT INTO t SELECT i, i % 4, ARRAY[i, i % 5, i % 3]::vector FROM generate_series(1, 40) i');
    // A statement_timeout that has passed by the first check: each read of this clock is an hour later.
    await db.query("SET statement_timeout = '1min'");
    const interrupts = db.database.session.interrupts;
    const real = interrupts.clock;
    let now = 0;
    interrupts.clock = { nowMs: () => (now += 3_600_000), wallMs: () => now };
    try {
      await assert.rejects(db.query('CREATE INDEX CONCURRENTLY t_e ON t USING hnsw (e vector_l2_ops)'), { code: '57014', message: 'canceling statement due to statement timeout' });
    } finally {
      interrupts.clock = real;
    }
    await db.query('RESET statement_timeout');
    assert.deepEqual((await db.query(STATE)).rows, [{ name: 't_e', valid: false }, { name: 't_pkey', valid: true }]);
    assert.doesNotMatch(await plan(db, KNN), /t_e/);
    await db.query("INSERT INTO t VALUES (100, 0, '[100,100,100]')");
    await db.query('REINDEX INDEX t_e');
    assert.deepEqual((await db.query(STATE)).rows, [{ name: 't_e', valid: true }, { name: 't_pkey', valid: true }]);
    assert.match(await plan(db, KNN), /Index Scan using t_e/);
    await db.query('SET enable_seqscan = off');
    assert.equal((await db.query<{ id: number }>("SELECT id FROM t ORDER BY e <-> '[99,99,99]' LIMIT 1")).rows[0]!.id, 100);
  } finally {
    await db.close();
  }
});
