/**
 * COMMENT ON TABLE / COLUMN / INDEX against PGlite: the comments as obj_description, col_description
 * and pg_description report them, removal with NULL or '', rollback with the transaction,
 * errors; `vecgres dump` writes them as pg_dump does and they load into PostgreSQL; they
 * survive a crash and reopen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, normalize } from '../support/sql_pair.js';
import { loadCopyScript } from '../support/dump_load.js';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { startPglite } from '../support/pglite_start.js';

const { db, same, both } = await openSqlPair();

const READ = `SELECT obj_description('docs'::regclass, 'pg_class') AS t, obj_description('docs'::regclass) AS t1,
  col_description('docs'::regclass, 1) AS c1, col_description('docs'::regclass, 2) AS c2, col_description('docs'::regclass, 3) AS c3`;

test('COMMENT ON TABLE and COLUMN: set, read, replace, remove, roll back, errors', async () => {
  await both(`CREATE TABLE docs (id bigserial PRIMARY KEY, "Body" text, embedding vector(2))`);
  await same(`COMMENT ON TABLE docs IS 'Documents, one per source ''file''.'`);
  await same(`COMMENT ON COLUMN docs."Body" IS 'raw text'`);
  await same(`COMMENT ON COLUMN public.docs.embedding IS 'ada-002, reduced'`);
  await same(READ);
  await same(`SELECT objsubid, description FROM pg_description WHERE objoid = 'docs'::regclass AND classoid = 'pg_class'::regclass ORDER BY objsubid`);
  await same(`COMMENT ON COLUMN docs.id IS 'key'`);
  await same(`COMMENT ON COLUMN docs."Body" IS ''`);
  await same(READ);
  await same(`BEGIN`);
  await same(`COMMENT ON TABLE docs IS NULL`);
  await same(`COMMENT ON COLUMN docs.id IS 'changed'`);
  await same(READ);
  await same(`ROLLBACK`);
  await same(READ);
  await same(`ALTER TABLE docs RENAME COLUMN id TO doc_id`);
  await same(`SELECT col_description('docs'::regclass, 1)`);
  await same(`COMMENT ON COLUMN docs.nope IS 'x'`);
  await same(`COMMENT ON TABLE nope IS 'x'`);
  await same(`COMMENT ON COLUMN nope.x IS 'x'`);
  await same(`COMMENT ON TABLE nosuch.docs IS 'x'`);
  await same(`SELECT col_description('docs'::regclass, 99), obj_description(0, 'pg_class')`);
});

const READ_INDEX = `SELECT obj_description('docs_e'::regclass, 'pg_class') AS e, obj_description('docs_pkey'::regclass, 'pg_class') AS k,
  (SELECT count(*) FROM pg_description WHERE classoid = 'pg_class'::regclass AND objsubid = 0) AS n`;

test('COMMENT ON INDEX: set, read, replace, remove, roll back, dropped with the index, errors', async () => {
  await both(`CREATE INDEX docs_e ON docs USING hnsw (embedding vector_l2_ops)`);
  await same(`COMMENT ON INDEX docs_e IS 'HNSW, l2'`);
  await same(`COMMENT ON INDEX public.docs_pkey IS 'the key'`);
  await same(READ_INDEX);
  await same(`BEGIN`);
  await same(`COMMENT ON INDEX docs_e IS NULL`);
  await same(`COMMENT ON INDEX docs_pkey IS 'changed'`);
  await same(READ_INDEX);
  await same(`ROLLBACK`);
  await same(READ_INDEX);
  await same(`COMMENT ON INDEX docs_pkey IS ''`);
  await same(READ_INDEX);
  await same(`COMMENT ON INDEX nope IS 'x'`);
  await same(`COMMENT ON INDEX nosuch.docs_e IS 'x'`);
  await same(`DROP INDEX docs_e`);
  await same(`CREATE INDEX docs_e ON docs USING hnsw (embedding vector_l2_ops)`);
  await same(READ_INDEX);
  await same(`COMMENT ON INDEX docs_e IS 'HNSW, l2'`);
});

test('vecgres dump writes the comments; they load into PostgreSQL', async () => {
  const chunks: string[] = [];
  db.dump((c) => chunks.push(c), { tables: ['docs'] });
  const script = chunks.join('');
  assert.match(script, /-- Name: TABLE docs; Type: COMMENT; Schema: public; Owner: -\n--\n\nCOMMENT ON TABLE public\.docs IS 'Documents, one per source ''file''\.';/);
  assert.match(script, /COMMENT ON COLUMN public\.docs\.doc_id IS 'key';/);
  assert.match(script, /CREATE INDEX docs_e ON public\.docs USING hnsw \(embedding vector_l2_ops\);\n+--\n-- Name: INDEX docs_e; Type: COMMENT; Schema: public; Owner: -\n--\n\nCOMMENT ON INDEX public\.docs_e IS 'HNSW, l2';/);
  const pg = await startPglite();
  try {
    await loadCopyScript(pg, script);
    const q = `SELECT obj_description('docs'::regclass, 'pg_class') AS t, col_description('docs'::regclass, 1) AS c1, col_description('docs'::regclass, 3) AS c3,
      obj_description('docs_e'::regclass, 'pg_class') AS e`;
    assert.deepEqual(normalize((await pg.query(q)).rows), normalize((await db.query(q)).rows));
  } finally {
    await pg.close();
  }
});

test('comments survive a crash and a clean reopen', async () => {
  const fs = new FaultyFs(new MemoryFs(), { seed: 9 });
  let v = await Vecgres.create('db', { storage: fs });
  await v.exec(`CREATE TABLE t (a int, b text); CREATE INDEX ta ON t (a); CREATE INDEX tb ON t (b); COMMENT ON TABLE t IS 'before checkpoint'; COMMENT ON INDEX ta IS 'ta before'; CHECKPOINT`);
  await v.exec(`COMMENT ON COLUMN t.b IS 'after checkpoint'; COMMENT ON TABLE t IS 'replaced'; COMMENT ON INDEX tb IS 'tb after'`);
  await v.exec(`BEGIN; COMMENT ON INDEX ta IS 'rolled back'; ROLLBACK`);
  const q = `SELECT obj_description('t'::regclass, 'pg_class') AS t, col_description('t'::regclass, 2) AS b,
    obj_description('ta'::regclass, 'pg_class') AS ta, obj_description('tb'::regclass, 'pg_class') AS tb`;
  const want = (await v.query(q)).rows;
  assert.deepEqual(want, [{ t: 'replaced', b: 'after checkpoint', ta: 'ta before', tb: 'tb after' }]);
  v.database.abandon();
  fs.powerCut();
  v = await Vecgres.create('db', { storage: fs });
  assert.deepEqual((await v.query(q)).rows, want);
  await v.close();
  v = await Vecgres.create('db', { storage: fs });
  assert.deepEqual((await v.query(q)).rows, want);
  await v.close();
});
