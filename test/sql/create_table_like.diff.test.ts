/**
 * `CREATE TABLE t (LIKE source [INCLUDING | EXCLUDING ...])` against PGlite, as a re-embedding
 * migration uses it (`CREATE TABLE items_new (LIKE items INCLUDING ALL)`): the columns with
 * NOT NULL under the source's constraint names, defaults (a serial column keeps drawing from
 * the source's sequence), generated columns, identity columns with their sequence options,
 * CHECK constraints, the primary key, UNIQUE constraints and the other indexes (HNSW with its
 * options, expression B-tree indexes) under new names, column comments; each option alone;
 * LIKE between other columns; errors.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { same, both } = await openSqlPair();

const COLUMNS = (t: string): string =>
  `SELECT column_name, data_type, column_default, is_nullable, is_identity, identity_start, identity_increment, is_generated, generation_expression
   FROM information_schema.columns WHERE table_name = '${t}' ORDER BY ordinal_position`;
const CONSTRAINTS = (t: string): string => `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '${t}'::regclass ORDER BY conname`;
const INDEXES = (t: string): string => `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = '${t}' ORDER BY indexname`;

test('LIKE ... INCLUDING ALL copies columns, defaults, identity, generated columns, constraints, indexes and comments', async () => {
  await both(`CREATE TABLE src (id bigserial PRIMARY KEY, n int GENERATED ALWAYS AS IDENTITY (START WITH 5 INCREMENT BY 2), code text UNIQUE,
    e vector(3) NOT NULL, t text DEFAULT 'x' CHECK (length(t) < 5), g int GENERATED ALWAYS AS (n * 2) STORED, CONSTRAINT pos CHECK (n > 0))`);
  await both(`COMMENT ON COLUMN src.t IS 'the t'`);
  await both(`CREATE INDEX src_e_idx ON src USING hnsw (e vector_cosine_ops) WITH (m = 8)`);
  await both(`CREATE INDEX ON src (lower(t))`);
  await same(`INSERT INTO src (code, e) VALUES ('s', '[1,0,0]') RETURNING *`);
  await same(`CREATE TABLE copy_all (LIKE src INCLUDING ALL)`);
  await same(COLUMNS('copy_all'));
  await same(CONSTRAINTS('copy_all'));
  await same(INDEXES('copy_all'));
  await same(`SELECT col_description('copy_all'::regclass, 5) AS c`);
  await same(`SELECT count(*) FROM copy_all`);
  await same(`INSERT INTO copy_all (code, e) VALUES ('a', '[1,2,3]'), ('b', '[3,2,1]') RETURNING *`);
  await same(`INSERT INTO copy_all (code, e) VALUES ('a', '[1,1,1]')`);
  await same(`INSERT INTO copy_all (code, e, t) VALUES ('c', '[1,1,1]', 'toolong')`);
  await same(`INSERT INTO src (code, e) VALUES ('s2', '[0,1,0]') RETURNING id, n`);
  await same(`SELECT id FROM copy_all ORDER BY e <=> '[1,2,3]' LIMIT 1`);
  await same(`DROP TABLE copy_all`);
  await same(`INSERT INTO src (code, e) VALUES ('s3', '[0,0,1]') RETURNING id, n`);
});

test('LIKE without options copies columns and NOT NULL only; each option alone', async () => {
  await same(`CREATE TABLE copy_plain (extra int, LIKE src, more text)`);
  await same(COLUMNS('copy_plain'));
  await same(CONSTRAINTS('copy_plain'));
  await same(INDEXES('copy_plain'));
  await same(`INSERT INTO copy_plain (id, n, e, g) VALUES (1, 1, '[1,1,1]', 7) RETURNING *`);
  for (const option of ['DEFAULTS', 'GENERATED', 'IDENTITY', 'CONSTRAINTS', 'INDEXES', 'COMMENTS']) {
    const t = `copy_${option.toLowerCase()}`;
    await same(`CREATE TABLE ${t} (LIKE src INCLUDING ${option})`);
    await same(COLUMNS(t));
    await same(CONSTRAINTS(t));
    await same(INDEXES(t));
  }
  await same(`CREATE TABLE copy_most (LIKE src INCLUDING ALL EXCLUDING INDEXES EXCLUDING IDENTITY)`);
  await same(COLUMNS('copy_most'));
  await same(INDEXES('copy_most'));
  await same(`INSERT INTO copy_defaults (n, e) VALUES (3, '[1,1,1]') RETURNING *`);
  await same(`INSERT INTO copy_generated (id, n, e) VALUES (1, 3, '[1,1,1]') RETURNING *`);
});

test('LIKE errors: a missing source, a column named twice', async () => {
  await same(`CREATE TABLE bad (LIKE nosuch)`);
  await same(`CREATE TABLE bad (id int, LIKE src)`);
  await same(`CREATE TABLE bad (LIKE src, LIKE src)`);
  await same(`SELECT count(*) FROM pg_class WHERE relname = 'bad'`);
});
