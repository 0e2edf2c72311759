/**
 * Object ids as PostgreSQL assigns them, against PGlite + pgvector (a fresh database after
 * CREATE EXTENSION vector): tables, their sequences, indexes, constraints and column defaults
 * take oids from one counter in PostgreSQL's order, so catalog rows never collide and catalog
 * joins (pg_index, pg_constraint, pg_attribute, pg_attrdef by oid and regclass) work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { check, both } = await openSqlPair();

test('oids of tables, sequences, indexes, constraints and defaults as PostgreSQL numbers them', async () => {
  await both('CREATE TABLE a (id bigserial PRIMARY KEY, n int NOT NULL DEFAULT 3 CHECK (n > 0), t text UNIQUE, e vector(3))');
  await both('CREATE TABLE b (x int)');
  await both('CREATE INDEX b_x ON b (x)');
  await both('CREATE TABLE c (y int PRIMARY KEY)');
  await both('CREATE SEQUENCE s');
  await both('CREATE TABLE d (id int PRIMARY KEY, v vector(2), note varchar(10))');
  await both('CREATE INDEX d_v ON d USING hnsw (v vector_l2_ops)');
  const mismatches: string[] = [];
  for (const sql of [
    'SELECT oid, relname::text, relkind::text FROM pg_class WHERE relnamespace = 2200 ORDER BY oid',
    'SELECT oid, conname::text, conrelid::regclass::text AS rel FROM pg_constraint WHERE connamespace = 2200 ORDER BY oid',
    'SELECT oid, adrelid, adnum FROM pg_attrdef ORDER BY oid',
    "SELECT i.indexrelid::regclass::text AS idx, c.relname::text AS tbl FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = 2200 ORDER BY 1",
    "SELECT a.attname::text, a.attnum FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname = 'a' AND a.attnum > 0 ORDER BY a.attnum",
    "SELECT conname::text, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'a'::regclass ORDER BY oid",
    "SELECT 'a'::regclass::oid AS a, 'b_x'::regclass::oid AS bx, 's'::regclass::oid AS s, 'd_v'::regclass::oid AS dv",
    "SELECT extname::text, oid FROM pg_extension WHERE extname = 'vector'",
  ]) {
    await check(sql, mismatches);
  }
  assert.deepEqual(mismatches, []);
});
