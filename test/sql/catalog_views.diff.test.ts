/**
 * The system catalogs and monitoring views against PostgreSQL 18 + pgvector 0.8.7 (PGlite):
 * every view's column names and types (`SELECT * ... LIMIT 0`), the values that do not depend
 * on storage (names, kinds, access methods, operator classes, index keys), seed 000's catalog
 * queries, the relation size functions, the activity counters the executor keeps, and
 * pg_stat_progress_create_index read from another session while a build runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { SYSTEM_VIEWS } from '../../src/sql/analyze/system_views.js';
import { TYPE_OID } from '../../src/sql/analyze/types.js';
import { Database } from '../../src/engine/database.js';

const { db, oracle, check, both } = await openSqlPair();

await both('CREATE TABLE articles (id int PRIMARY KEY, category text, word_count int, embedding vector(3))');
await both(`INSERT INTO articles SELECT i, 'cat' || (i % 4), i * 7 % 500, ('[' || i || ',' || (i % 9) || ',1]')::vector FROM generate_series(1, 120) i`);
await both('CREATE INDEX idx_content_hnsw ON articles USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)');
await both('CREATE TABLE notes (id bigint PRIMARY KEY, body text)');

test('every system view has PostgreSQL\'s columns, in order, with their types', async () => {
  const problems: string[] = [];
  for (const [view, cols] of Object.entries(SYSTEM_VIEWS)) {
    const theirs = await oracle.query(`SELECT * FROM ${view} LIMIT 0`);
    const ours = await db.query(`SELECT * FROM ${view} LIMIT 0`);
    const names = (f: { name: string }[]) => f.map((x) => x.name).join(',');
    if (names(ours.fields) !== names(theirs.fields)) problems.push(`${view}: columns ${names(ours.fields)} vs ${names(theirs.fields)}`);
    const oids = theirs.fields.map((f) => f.dataTypeID);
    const typnames = new Map((await oracle.query('SELECT oid::int AS oid, typname::text AS typname FROM pg_type WHERE oid = ANY($1)', [oids])).rows.map((r: { oid: number; typname: string }) => [r.oid, r.typname]));
    theirs.fields.forEach((f, i) => {
      const c = cols[i];
      if (c === undefined) return;
      // The declared PostgreSQL type is PostgreSQL's; the value type is vecgres' stand-in.
      if (typnames.get(f.dataTypeID) !== c.pgType) problems.push(`${view}.${f.name}: declared ${c.pgType}, PostgreSQL ${typnames.get(f.dataTypeID)}`);
      // A name, "char", int2vector, oidvector or aclitem[] column is reported as PostgreSQL's type
      // (its values are text, or text[]).
      const shown: Record<string, number> = { name: 19, char: 18, int2vector: 22, oidvector: 30, _aclitem: 1034 };
      const expected = shown[c.pgType] ?? TYPE_OID[c.type];
      if (ours.fields[i]?.dataTypeID !== expected) problems.push(`${view}.${f.name}: type oid ${ours.fields[i]?.dataTypeID}`);
      if (c.type === c.pgType && f.dataTypeID !== ours.fields[i]?.dataTypeID) problems.push(`${view}.${f.name}: ${ours.fields[i]?.dataTypeID} vs ${f.dataTypeID}`);
    });
  }
  assert.deepEqual(problems, []);
});

test('catalog values that do not depend on storage equal PostgreSQL\'s', async () => {
  const queries = [
    // Seed 000's "Access Method Capabilities", for the operator classes vecgres has.
    `SELECT am.amname::text AS access_method, opc.opcname::text AS operator_class, t.typname::text AS data_type
     FROM pg_opclass opc JOIN pg_am am ON am.oid = opc.opcmethod JOIN pg_type t ON t.oid = opc.opcintype
     WHERE am.amname IN ('hnsw', 'ivfflat', 'diskann') AND t.typname = 'vector' AND am.amname = 'hnsw' ORDER BY am.amname, opc.opcname`,
    `SELECT oid::int, amname::text, amhandler::text, amtype::text FROM pg_am WHERE amname IN ('heap', 'btree', 'hnsw') ORDER BY 1`,
    `SELECT oid::int, nspname::text FROM pg_namespace WHERE nspname IN ('pg_catalog', 'public') ORDER BY 1`,
    `SELECT opc.oid::int, opcname::text, opcintype::int, opcdefault FROM pg_opclass opc JOIN pg_am a ON a.oid = opc.opcmethod WHERE a.amname = 'hnsw' AND opcintype = 16385 ORDER BY 1`,
    `SELECT oid::int, typname::text, typlen, typcategory::text, typnamespace::int FROM pg_type
     WHERE typname IN ('vector', 'halfvec', 'sparsevec', 'int4', 'int8', 'text', 'float8', 'bool', 'numeric', 'bit', '_int4', '_text') ORDER BY 1`,
    `SELECT c.relname::text, c.relkind::text, c.relnatts, c.relhasindex, c.relam = (SELECT oid FROM pg_am WHERE amname = 'heap') AS heap
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1`,
    `SELECT c.relname::text AS index, t.relname::text AS table, i.indnatts, i.indisunique, i.indisprimary, i.indkey::text, i.indisvalid
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1`,
    `SELECT a.amname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam WHERE c.relname = 'idx_content_hnsw'`,
    `SELECT c.reloptions::text FROM pg_class c WHERE c.relname = 'idx_content_hnsw'`,
    `SELECT schemaname::text, tablename::text, hasindexes FROM pg_tables WHERE schemaname = 'public' ORDER BY 2`,
    `SELECT relname::text, schemaname::text FROM pg_stat_user_tables ORDER BY 1`,
    `SELECT relname::text, indexrelname::text FROM pg_stat_user_indexes ORDER BY 2`,
    `SELECT count(*) FROM pg_stat_progress_create_index`,
    `SELECT pg_relation_size('nosuch')`,
  ];
  const mismatches: string[] = [];
  for (const q of queries) await check(q, mismatches);
  reportMismatches('catalog values', mismatches, queries.length, SEED);
});

test('seed 000\'s index inventory and size functions', async () => {
  const inventory = await db.query<{ indexname: string; size: string; indexdef: string }>(
    `SELECT indexname, pg_size_pretty(pg_relation_size(indexname::regclass)) AS size, indexdef
     FROM pg_indexes WHERE tablename = 'articles' ORDER BY pg_relation_size(indexname::regclass) DESC`,
  );
  assert.deepEqual(inventory.rows.map((r) => r.indexname), ['idx_content_hnsw', 'articles_pkey']);
  const sizes = (await db.query<Record<string, number>>(
    `SELECT pg_relation_size('articles') AS rel, pg_table_size('articles') AS tab, pg_indexes_size('articles') AS idx,
            pg_total_relation_size('articles') AS total, pg_relation_size('idx_content_hnsw') AS hnsw, pg_indexes_size('idx_content_hnsw') AS none,
            pg_relation_size('articles_pkey') AS pkey`,
  )).rows[0]!;
  assert.ok(sizes['rel']! > 0 && sizes['hnsw']! > 0);
  assert.equal(sizes['tab'], sizes['rel']);
  // The indexes: the HNSW graph and the primary key's B-tree (its key map is not measured).
  assert.ok(sizes['pkey']! > 0);
  assert.equal(sizes['idx'], sizes['hnsw']! + sizes['pkey']!);
  assert.equal(sizes['total'], sizes['tab']! + sizes['idx']!);
  assert.equal(sizes['none'], 0);
  // An unknown relation is PostgreSQL's error, through the regclass cast too.
  const mismatches: string[] = [];
  await check(`SELECT pg_total_relation_size('nosuch'::regclass)`, mismatches);
  await check(`SELECT pg_relation_size(indexname::regclass) > 0 AS has FROM pg_indexes WHERE indexname = 'idx_content_hnsw'`, mismatches);
  reportMismatches('size errors', mismatches, 2, SEED);
});

test('pg_stat_user_tables and pg_stat_user_indexes count what the executor did', async () => {
  await db.query('CREATE TABLE m (id int PRIMARY KEY, v vector(2))');
  const counters = async () => (await db.query<Record<string, number | null>>(
    `SELECT seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_tup_ins, n_tup_del, n_live_tup, n_dead_tup, vacuum_count, analyze_count
     FROM pg_stat_user_tables WHERE relname = 'm'`,
  )).rows[0]!;
  const index = async (name: string) => (await db.query<Record<string, number>>(
    `SELECT idx_scan, idx_tup_read, idx_tup_fetch FROM pg_stat_user_indexes WHERE indexrelname = '${name}'`,
  )).rows[0]!;
  await db.query(`INSERT INTO m SELECT i, ('[' || i || ',0]')::vector FROM generate_series(1, 20) i`);
  let c = await counters();
  assert.deepEqual([c['seq_scan'], c['idx_scan'], c['n_tup_ins'], c['n_live_tup'], c['n_dead_tup']], [0, 0, 20, 20, 0]);
  await db.query('SELECT * FROM m WHERE id + 0 > 5'); // a sequential scan (not the primary key's index)
  c = await counters();
  assert.deepEqual([c['seq_scan'], c['seq_tup_read']], [1, 20]);
  await db.query('SELECT * FROM m WHERE id = 5');
  await db.query('SELECT * FROM m WHERE id = 500');
  c = await counters();
  assert.deepEqual([c['seq_scan'], c['idx_scan'], c['idx_tup_fetch']], [1, 2, 1]);
  assert.deepEqual(await index('m_pkey'), { idx_scan: 2, idx_tup_read: 1, idx_tup_fetch: 1 });
  await db.query('DELETE FROM m WHERE id <= 4');
  c = await counters();
  assert.deepEqual([c['n_tup_del'], c['n_live_tup'], c['n_dead_tup']], [4, 16, 4]);
  await db.query('VACUUM m');
  c = await counters();
  assert.deepEqual([c['n_dead_tup'], c['vacuum_count'], c['analyze_count']], [0, 1, 0]);
  await db.query('CREATE INDEX m_v ON m USING hnsw (v vector_l2_ops)');
  await db.query('SET enable_seqscan = off');
  try {
    await db.query(`SELECT id FROM m ORDER BY v <-> '[3,0]' LIMIT 3`);
  } finally {
    await db.query('RESET enable_seqscan');
  }
  const hnsw = await index('m_v');
  assert.equal(hnsw.idx_scan, 1);
  assert.ok(hnsw.idx_tup_read >= 3 && hnsw.idx_tup_fetch === 3, JSON.stringify(hnsw));
  const last = (await db.query<{ t: string | null; a: string | null }>(
    "SELECT last_idx_scan AS t, last_analyze AS a FROM pg_stat_user_tables WHERE relname = 'm'",
  )).rows[0]!;
  assert.match(last.t!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00$/);
  assert.equal(last.a, null);
});

test('the write counters of pg_stat_user_tables follow PostgreSQL over commits, aborts, savepoints, upserts and foreign-key actions', async () => {
  // Each step runs on both; the counters are compared after each (PGlite's are flushed first).
  // HOT updates: every table here has room on its pages in PostgreSQL, so an update that changes
  // no indexed column is heap-only there, which is what vecgres counts.
  const steps = [
    'CREATE TABLE wc_p (id int PRIMARY KEY)',
    'CREATE TABLE wc (id int PRIMARY KEY, n int, tag text, p int REFERENCES wc_p ON DELETE SET NULL, e vector(2))',
    'CREATE INDEX wc_tag ON wc USING hnsw (e vector_l2_ops) WHERE tag IS NOT NULL',
    'CREATE INDEX wc_e ON wc USING hnsw ((e::halfvec(2)) halfvec_l2_ops)',
    "INSERT INTO wc_p VALUES (1), (2)",
    "INSERT INTO wc VALUES (1, 0, 'a', 1, '[1,1]'), (2, 0, 'b', 2, '[2,2]'), (3, 0, 'c', NULL, '[3,3]')",
    'UPDATE wc SET n = n + 1',
    "UPDATE wc SET tag = 'z' WHERE id = 2",
    "UPDATE wc SET e = '[5,5]' WHERE id = 1",
    'UPDATE wc SET id = id + 10 WHERE id = 3',
    "INSERT INTO wc VALUES (1, 5, 'a', NULL, NULL) ON CONFLICT (id) DO UPDATE SET n = 9",
    'DELETE FROM wc_p WHERE id = 1',
    'BEGIN', 'INSERT INTO wc VALUES (20, 0)', 'UPDATE wc SET n = 7', 'DELETE FROM wc WHERE id = 2', 'ROLLBACK',
    'BEGIN', 'INSERT INTO wc VALUES (21, 0)', 'SAVEPOINT s', 'UPDATE wc SET n = 8 WHERE id = 21', 'ROLLBACK TO SAVEPOINT s', 'COMMIT',
    'DELETE FROM wc WHERE id = 2',
    'VACUUM wc',
  ];
  const q = `SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd, n_live_tup, n_dead_tup, n_mod_since_analyze, n_ins_since_vacuum
    FROM pg_stat_user_tables WHERE relname IN ('wc', 'wc_p') ORDER BY relname`;
  const mismatches: string[] = [];
  try {
    let inBlock = false;
    for (const step of steps) {
      await both(step);
      // PostgreSQL reports a transaction's counts when it ends (a subtransaction's too): compare
      // between transactions. (Inside an open block vecgres' n_live_tup counts its uncommitted rows.)
      if (step === 'BEGIN') inBlock = true;
      if (step === 'COMMIT' || step === 'ROLLBACK') inBlock = false;
      if (inBlock) continue;
      await oracle.query('SELECT pg_stat_force_next_flush()');
      const theirs = (await oracle.query(q)).rows;
      const ours = (await db.query(q)).rows;
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) mismatches.push(`after ${step}: ${JSON.stringify(ours)} vs PostgreSQL ${JSON.stringify(theirs)}`);
    }
  } finally {
    await both('DROP TABLE IF EXISTS wc, wc_p');
  }
  assert.deepEqual(mismatches, []);
});

test('pg_stat_progress_create_index is readable from another session while a build runs', async () => {
  const seen: Record<string, unknown>[] = [];
  let reader: ReturnType<Database['openSession']> | null = null;
  const engine = await Database.create({
    onIndexBuildProgress: () => {
      // Builds are synchronous: another session reads the view from the progress callback.
      const r = engine.execute('SELECT phase, tuples_done, tuples_total, blocks_total, blocks_done, command, relid = (SELECT oid FROM pg_class WHERE relname = \'p\') AS rel FROM pg_stat_progress_create_index', [], reader!)[0]!;
      const fields = r.fields.map((f) => f.name);
      for (const row of r.rows) seen.push(Object.fromEntries(row.map((v, i) => [fields[i]!, v])));
    },
  });
  try {
    reader = engine.openSession();
    engine.execute('CREATE TABLE p (id int PRIMARY KEY, v vector(2))');
    engine.execute(`INSERT INTO p SELECT i, ('[' || i || ',' || (i % 7) || ']')::vector FROM generate_series(1, 3000) i`);
    engine.execute('CREATE INDEX p_v ON p USING hnsw (v vector_l2_ops)');
    assert.ok(seen.length >= 2, `progress rows seen: ${seen.length}`);
    for (const s of seen) {
      assert.equal(s['phase'], 'building index: loading tuples');
      assert.equal(s['tuples_total'], 3000);
      assert.equal(s['command'], 'CREATE INDEX');
      assert.equal(s['rel'], true);
      assert.ok((s['blocks_done'] as number) <= (s['blocks_total'] as number));
    }
    assert.equal(seen[seen.length - 1]!['tuples_done'], 3000);
    assert.equal(engine.execute('SELECT count(*) AS n FROM pg_stat_progress_create_index', [], reader)[0]!.rows[0]![0], 0);
  } finally {
    await engine.close();
  }
});
