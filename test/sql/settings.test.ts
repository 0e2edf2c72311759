/**
 * Settings: SET, SET LOCAL (reverts at COMMIT/ROLLBACK), RESET, SHOW and pg_settings, with
 * PostgreSQL's semantics; error texts compared with PGlite + pgvector.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { db, oracle } = await openSqlPair();

async function show(name: string): Promise<string> {
  const r = await db.query<Record<string, string>>(`SHOW ${name}`);
  return r.rows[0]![name]!;
}

test('SET / SHOW / RESET', async () => {
  assert.equal(await show('hnsw.ef_search'), '40');
  await db.query('SET hnsw.ef_search = 100');
  assert.equal(await show('hnsw.ef_search'), '100');
  await db.query("SET hnsw.ef_search TO '64'");
  assert.equal(await show('hnsw.ef_search'), '64');
  await db.query('RESET hnsw.ef_search');
  assert.equal(await show('hnsw.ef_search'), '40');
  await db.query('SET hnsw.iterative_scan = relaxed_order');
  assert.equal(await show('hnsw.iterative_scan'), 'relaxed_order');
  await db.query('SET hnsw.iterative_scan TO DEFAULT');
  assert.equal(await show('hnsw.iterative_scan'), 'off');
  await db.query('SET enable_seqscan = off');
  assert.equal(await show('enable_seqscan'), 'off');
  await db.query('RESET ALL');
  assert.equal(await show('enable_seqscan'), 'on');
});

test('SET LOCAL lasts until COMMIT or ROLLBACK; SET in a rolled-back transaction is undone', async () => {
  await db.query('BEGIN');
  await db.query('SET LOCAL hnsw.ef_search = 200');
  assert.equal(await show('hnsw.ef_search'), '200');
  await db.query('COMMIT');
  assert.equal(await show('hnsw.ef_search'), '40');

  await db.query('BEGIN');
  await db.query('SET LOCAL hnsw.ef_search = 200');
  await db.query('ROLLBACK');
  assert.equal(await show('hnsw.ef_search'), '40');

  await db.query('BEGIN');
  await db.query('SET hnsw.ef_search = 77');
  await db.query('ROLLBACK');
  assert.equal(await show('hnsw.ef_search'), '40');

  await db.query('BEGIN');
  await db.query('SET hnsw.ef_search = 77');
  await db.query('COMMIT');
  assert.equal(await show('hnsw.ef_search'), '77');
  await db.query('RESET hnsw.ef_search');

  // Outside a transaction block SET LOCAL has no effect (PostgreSQL warns).
  await db.query('SET LOCAL hnsw.ef_search = 300');
  assert.equal(await show('hnsw.ef_search'), '40');
});

test('invalid settings are rejected with PostgreSQL messages', async () => {
  for (const sql of [
    'SET hnsw.ef_search = 0',
    'SET hnsw.ef_search = 1001',
    "SET hnsw.ef_search = 'abc'",
    'SET hnsw.iterative_scan = foo',
    'SET hnsw.max_scan_tuples = 0',
    'SET hnsw.scan_mem_multiplier = 0.5',
    'SET nosuch_setting = 1',
    'SET hnsw.nosuch = 1',
    'SHOW nosuch_setting',
    'SET enable_seqscan = maybe',
  ]) {
    const want = await oracle.tryQuery(sql);
    assert.equal(want.ok, false, sql);
    await assert.rejects(db.query(sql), (e: { code: string; message: string; detail?: string; hint?: string }) => {
      if (want.ok) return false;
      assert.equal(e.code, want.code, sql);
      assert.equal(e.message, want.message, sql);
      assert.equal(e.detail, want.detail, sql);
      assert.equal(e.hint, want.hint, sql);
      return true;
    });
  }
});

test('pg_settings lists the HNSW settings as pgvector declares them', async () => {
  const sql = "SELECT name, setting, vartype, min_val, max_val, boot_val, short_desc FROM pg_settings WHERE name = 'hnsw.ef_search' OR name = 'hnsw.iterative_scan' ORDER BY name";
  const want = await oracle.query(sql);
  const got = await db.query(sql);
  assert.deepEqual(got.rows, want.rows);
});
