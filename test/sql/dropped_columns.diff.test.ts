/**
 * Column numbers after ALTER TABLE DROP COLUMN / ADD COLUMN against PostgreSQL 18 + pgvector
 * (PGlite): a dropped column keeps its attnum (pg_attribute keeps its row, attisdropped, named
 * `........pg.dropped.N........`), later columns keep theirs and a new column takes one past
 * the highest ever used. Every catalog that names a column by number (pg_attribute,
 * pg_index.indkey, pg_constraint.conkey / confkey, pg_attrdef.adnum, pg_description.objsubid,
 * pg_depend.refobjsubid, pg_class.relnatts, col_description, pg_get_indexdef's column form)
 * must agree, and so must rows, pg_stats and a rolled-back DROP COLUMN.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';

const { check, both } = await openSqlPair();

/** Catalog reads over tables `d1`, `d2`, relation names instead of oids. */
const CATALOG = [
  `SELECT attrelid::regclass::text AS rel, attname::text, attnum, atttypid::int, attisdropped, attnotnull, atthasdef, attidentity::text, attlen, atttypmod,
          attndims, attbyval, attalign::text, attstorage::text, attcollation::int
   FROM pg_attribute WHERE attrelid IN ('d1'::regclass, 'd2'::regclass) AND attnum > 0 ORDER BY 1, attnum`,
  `SELECT attrelid::regclass::text AS rel, attname::text, attnum FROM pg_attribute
   WHERE attrelid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN ('d1'::regclass, 'd2'::regclass)) ORDER BY 1, attnum`,
  `SELECT c.relname::text, i.indkey::text, i.indnatts FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
   WHERE i.indrelid IN ('d1'::regclass, 'd2'::regclass) ORDER BY 1`,
  `SELECT conname::text, contype::text, conkey, confkey, conrelid::regclass::text FROM pg_constraint
   WHERE conrelid IN ('d1'::regclass, 'd2'::regclass) ORDER BY 1`,
  `SELECT adrelid::regclass::text, adnum, pg_get_expr(adbin, adrelid) FROM pg_attrdef
   WHERE adrelid IN ('d1'::regclass, 'd2'::regclass) ORDER BY 1, 2`,
  `SELECT objoid::regclass::text, objsubid, description FROM pg_description
   WHERE objoid IN ('d1'::regclass, 'd2'::regclass) ORDER BY 1, 2`,
  `SELECT objid::regclass::text, refobjid::regclass::text, refobjsubid, deptype::text FROM pg_depend
   WHERE refobjid IN ('d1'::regclass, 'd2'::regclass) AND classid = 'pg_class'::regclass AND objid IN (SELECT oid FROM pg_class WHERE relkind = 'S') ORDER BY 1`,
  `SELECT relname::text, relnatts FROM pg_class WHERE relname IN ('d1', 'd2') ORDER BY 1`,
  `SELECT col_description('d1'::regclass, n) FROM generate_series(1, 9) n ORDER BY n`,
  `SELECT c.relname::text, n, pg_get_indexdef(c.oid, n, true) FROM pg_class c, generate_series(0, 2) n
   WHERE c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN ('d1'::regclass, 'd2'::regclass)) ORDER BY 1, 2`,
  `SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid IN ('d1'::regclass, 'd2'::regclass) ORDER BY conname`,
  'SELECT * FROM d1 ORDER BY a',
  'SELECT * FROM d2 ORDER BY k',
];

async function compare(label: string): Promise<void> {
  const mismatches: string[] = [];
  for (const q of CATALOG) await check(q, mismatches);
  reportMismatches(label, mismatches, CATALOG.length, 0);
}

test('catalogs name columns by the attnum PostgreSQL keeps across DROP COLUMN and ADD COLUMN', async () => {
  await both(`CREATE TABLE d1 (a int PRIMARY KEY, b text DEFAULT 'x', c int NOT NULL, d vector(3), e int CHECK (e > 0), s serial, u int UNIQUE, v varchar(4)[])`);
  await both(`CREATE TABLE d2 (k int PRIMARY KEY, gone int, ref int REFERENCES d1 (u) ON DELETE CASCADE)`);
  await both('CREATE INDEX d1_c ON d1 (c)');
  await both('CREATE INDEX d1_ec ON d1 (e, c)');
  await both('CREATE INDEX d1_expr ON d1 USING hnsw ((d::halfvec(3)) halfvec_l2_ops)');
  await both('CREATE INDEX d1_hnsw ON d1 USING hnsw (d vector_l2_ops)');
  await both(`INSERT INTO d1 (a, b, c, d, e, u) VALUES (1, 'p', 10, '[1,2,3]', 5, 100), (2, 'q', 20, '[3,2,1]', 6, 200)`);
  await both('INSERT INTO d2 VALUES (1, 0, 100)');
  await both("COMMENT ON COLUMN d1.c IS 'see'");
  await both("COMMENT ON COLUMN d1.u IS 'you'");
  await both('ALTER TABLE d1 DROP COLUMN b');
  await both('ALTER TABLE d2 DROP COLUMN gone');
  await both('ALTER TABLE d1 ADD COLUMN f int DEFAULT 5 NOT NULL');
  await both("COMMENT ON COLUMN d1.f IS 'eff'");
  await both('ALTER TABLE d1 DROP COLUMN v');
  await both('ALTER TABLE d1 ADD COLUMN g text');
  await both('CREATE INDEX d1_gf ON d1 (g, f)');
  await both('ALTER TABLE d2 ADD COLUMN note text');
  await both("INSERT INTO d1 (a, c, d, e, u, g) VALUES (3, 30, '[0,0,1]', 7, 300, 'new')");
  await both("INSERT INTO d2 VALUES (2, 300, 'n')");
  await compare('after DROP / ADD COLUMN');
});

test('ALTER COLUMN TYPE keeps the attnum; a rolled-back DROP COLUMN keeps every number', async () => {
  await both('ALTER TABLE d1 ALTER COLUMN g TYPE varchar(20)');
  await both('BEGIN');
  await both('ALTER TABLE d1 DROP COLUMN e CASCADE');
  await both('ALTER TABLE d1 ADD COLUMN z int');
  await both('ROLLBACK');
  await compare('after ALTER TYPE and a rolled-back DROP');
  // A new column after the rollback takes the number the rolled-back one would have had.
  await both('ALTER TABLE d1 ADD COLUMN y int DEFAULT 1');
  await both('ALTER TABLE d1 DROP COLUMN e CASCADE');
  await compare('after ADD and DROP of an indexed, checked column');
});

test('pg_stats and ANALYZE after dropped columns', async () => {
  await both('ANALYZE d1');
  const mismatches: string[] = [];
  const q = `SELECT attname::text, null_frac, n_distinct FROM pg_stats WHERE tablename = 'd1' ORDER BY attname`;
  await check(q, mismatches);
  reportMismatches('pg_stats', mismatches, 1, 0);
});
