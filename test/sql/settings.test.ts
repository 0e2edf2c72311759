/**
 * Settings: SET, SET LOCAL (reverts at COMMIT/ROLLBACK), RESET, SHOW and pg_settings, with
 * PostgreSQL's semantics; error texts compared with PGlite + pgvector.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { totalmem } from 'node:os';
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

test('standard_conforming_strings = off is refused (0A000), not ignored: the parser reads backslashes as written', async () => {
  // PostgreSQL would read 'a\\b' as a\b after it; vecgres' parser cannot, so the answer would differ.
  await assert.rejects(db.query('SET standard_conforming_strings = off'), (e: { code: string; message: string }) => {
    assert.equal(e.code, '0A000');
    assert.match(e.message, /standard_conforming_strings = off/);
    return true;
  });
  await db.query('SET standard_conforming_strings = on');
  assert.equal(await show('standard_conforming_strings'), 'on');
  assert.equal((await db.query<{ t: string }>("SELECT 'a\\b' AS t")).rows[0]!.t, 'a\\b');
  await db.query('RESET standard_conforming_strings');
});

test('pg_settings lists the HNSW settings as pgvector declares them', async () => {
  const sql = "SELECT name, setting, vartype, min_val, max_val, boot_val, short_desc FROM pg_settings WHERE name = 'hnsw.ef_search' OR name = 'hnsw.iterative_scan' ORDER BY name";
  const want = await oracle.query(sql);
  const got = await db.query(sql);
  assert.deepEqual(got.rows, want.rows);
});

test('memory and time settings take units as PostgreSQL parses them', async () => {
  // Accepted values compare as SHOW prints them, errors by code, message and hint.
  for (const v of ["'1.5MB'", "'64kB'", "'1 GB'", "'100B'", "'1mb'", "'1XB'", "'3TB'", "'-1MB'", "'1.5'", '2048', "'2.5'", "'1s'"]) {
    const sql = `SET maintenance_work_mem = ${v}`;
    const want = await oracle.tryQuery(sql);
    let got: { ok: true } | { ok: false; code: string; message: string; hint?: string | undefined };
    try {
      await db.query(sql);
      got = { ok: true };
    } catch (e) {
      const err = e as { code: string; message: string; hint?: string };
      got = { ok: false, code: err.code, message: err.message, hint: err.hint };
    }
    if (want.ok) {
      assert.deepEqual(got, { ok: true }, sql);
      const w = await oracle.query('SHOW maintenance_work_mem');
      assert.equal(await show('maintenance_work_mem'), w.rows[0]!.maintenance_work_mem, sql);
    } else {
      // PGlite is a 32-bit build, where MAX_KILOBYTES is INT_MAX / 1024; 64-bit PostgreSQL's
      // (and ours) is INT_MAX.
      const message = want.message.replace('.. 2097151 kB)', '.. 2147483647 kB)');
      assert.deepEqual(got, { ok: false, code: want.code, message, hint: want.hint }, sql);
    }
  }
  await db.query('RESET maintenance_work_mem');
  await oracle.query('RESET maintenance_work_mem');
  for (const v of ["'2min'", "'1500ms'", "'1h'", "'1 d'", "'10GB'"]) {
    const sql = `SET statement_timeout = ${v}`;
    const want = await oracle.tryQuery(sql);
    if (want.ok) {
      await db.query(sql);
      const w = await oracle.query('SHOW statement_timeout');
      assert.equal(await show('statement_timeout'), w.rows[0]!.statement_timeout, sql);
    } else {
      await assert.rejects(db.query(sql), { code: want.code, message: want.message });
    }
  }
  await db.query('RESET statement_timeout');
  await oracle.query('RESET statement_timeout');
});

test('vecgres.memory_limit: units, SHOW, pg_settings, bounds', async () => {
  await db.query("SET vecgres.memory_limit = '256MB'");
  assert.equal(await show('vecgres.memory_limit'), '256MB');
  await db.query("SET vecgres.memory_limit = '1.5GB'");
  assert.equal(await show('vecgres.memory_limit'), '1536MB');
  // Several memories: the limit is no longer capped at one memory's 4 GB, only by the
  // integer range of a kB setting (PostgreSQL's MAX_KILOBYTES for work_mem).
  await db.query("SET vecgres.memory_limit = '5GB'");
  assert.equal(await show('vecgres.memory_limit'), '5GB');
  // Past the integer range PostgreSQL says "invalid value" (as for work_mem = '3TB').
  const huge = await oracle.tryQuery("SET work_mem = '3TB'");
  assert.ok(!huge.ok);
  await assert.rejects(db.query("SET vecgres.memory_limit = '3TB'"), { code: huge.code, message: huge.message.replace('work_mem', 'vecgres.memory_limit') });
  await assert.rejects(db.query("SET vecgres.memory_limit = '512kB'"), {
    code: '22023',
    message: '512 kB is outside the valid range for parameter "vecgres.memory_limit" (1024 kB .. 2147483647 kB)',
  });
  await assert.rejects(db.query("SET vecgres.memory_limit = '1XB'"), {
    code: '22023',
    hint: 'Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".',
  });
  await db.query('RESET vecgres.memory_limit');
  const r = await db.query<Record<string, string>>("SELECT setting, unit, min_val, max_val, boot_val FROM pg_settings WHERE name = 'vecgres.memory_limit'");
  assert.equal(r.rows.length, 1);
  const row = r.rows[0]!;
  assert.equal(row['unit'], 'kB');
  assert.equal(row['setting'], row['boot_val']);
  const kb = Number(row['setting']);
  // Half the machine's memory (at least 64 MB).
  assert.ok(kb >= 65536 && kb <= Math.ceil(totalmem() / 1024 / 2) + 1, `default ${kb} kB`);
});
