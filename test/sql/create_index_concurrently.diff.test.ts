/**
 * CREATE / DROP INDEX CONCURRENTLY against PostgreSQL + pgvector: the transaction-block
 * refusals (25001), DROP INDEX CONCURRENTLY's 0A000 cases, and the catalog after a concurrent
 * build (pg_index's indisvalid / indisready, pg_indexes' definition) for HNSW, IVFFlat and
 * B-tree indexes. The behaviour between sessions is in create_index_concurrently.test.ts.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { same, both } = await openSqlPair();
await both(`CREATE TABLE cic (id int PRIMARY KEY, n int, v vector(3));
  INSERT INTO cic SELECT i, i % 7, ARRAY[i, i % 5, i % 3]::vector FROM generate_series(1, 300) i`);

test('CREATE and DROP INDEX CONCURRENTLY refuse a transaction block, as PostgreSQL', async () => {
  await same('BEGIN');
  await same('CREATE INDEX CONCURRENTLY cic_in_block ON cic USING hnsw (v vector_l2_ops)');
  await same('ROLLBACK');
  await same('CREATE INDEX CONCURRENTLY cic_n ON cic (n)');
  await same('BEGIN');
  await same('DROP INDEX CONCURRENTLY cic_n');
  await same('ROLLBACK');
  await same('DROP INDEX CONCURRENTLY cic_n');
});

test("DROP INDEX CONCURRENTLY's own errors: several objects, CASCADE, a missing index, a constraint's index", async () => {
  await same('CREATE INDEX cic_a ON cic (n)');
  await same('CREATE INDEX cic_b ON cic (id, n)');
  await same('DROP INDEX CONCURRENTLY cic_a, cic_b');
  await same('DROP INDEX CONCURRENTLY cic_a CASCADE');
  await same('DROP INDEX CONCURRENTLY nosuch');
  await same('DROP INDEX CONCURRENTLY IF EXISTS nosuch');
  await same('DROP INDEX CONCURRENTLY cic_pkey');
  await same('DROP INDEX CONCURRENTLY IF EXISTS cic_a');
  await same('DROP INDEX CONCURRENTLY cic_b RESTRICT');
  await same("SELECT indexname::text FROM pg_indexes WHERE tablename = 'cic' ORDER BY 1");
});

test('after CREATE INDEX CONCURRENTLY the index is valid and ready, its definition as PostgreSQL prints it, and queries use it', async () => {
  await same('CREATE INDEX CONCURRENTLY cic_hnsw ON cic USING hnsw (v vector_l2_ops) WITH (m = 8)');
  await same('CREATE INDEX CONCURRENTLY IF NOT EXISTS cic_hnsw ON cic USING hnsw (v vector_l2_ops)');
  await same('CREATE INDEX CONCURRENTLY cic_hnsw ON cic USING hnsw (v vector_l2_ops)');
  await same('CREATE INDEX CONCURRENTLY cic_ivf ON cic USING ivfflat (v vector_cosine_ops) WITH (lists = 2)');
  await same('CREATE INDEX CONCURRENTLY cic_bt ON cic (n)');
  await same("SELECT c.relname::text, i.indisvalid, i.indisready FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'cic'::regclass ORDER BY 1");
  await same("SELECT indexname::text, indexdef FROM pg_indexes WHERE tablename = 'cic' ORDER BY 1");
  await same("SELECT id FROM cic ORDER BY v <-> '[100,1,1]' LIMIT 5");
  await same('SELECT count(*) FROM cic WHERE n = 3');
  await same('DROP INDEX CONCURRENTLY cic_hnsw');
  await same('DROP INDEX CONCURRENTLY cic_ivf');
  await same('DROP INDEX CONCURRENTLY cic_bt');
  await same("SELECT indexname::text FROM pg_indexes WHERE tablename = 'cic' ORDER BY 1");
});

test('a CREATE INDEX CONCURRENTLY whose build fails leaves an INVALID index: listed, not enforced, dropped or rebuilt by REINDEX', async () => {
  await both(`CREATE TABLE inv (id int PRIMARY KEY, n int, v vector(3));
    INSERT INTO inv SELECT i, i % 4, ARRAY[i, i % 5, i % 3]::vector FROM generate_series(1, 40) i`);
  // A UNIQUE build over duplicate keys (23505), a key expression failing on a row (22012).
  await same('CREATE UNIQUE INDEX CONCURRENTLY inv_n ON inv (n)');
  await same('CREATE INDEX CONCURRENTLY inv_e ON inv USING hnsw ((ARRAY[1 / (n - 3), 1, 1]::vector(3)) vector_l2_ops)');
  await same('CREATE INDEX CONCURRENTLY inv_i ON inv USING ivfflat ((ARRAY[1 / (n - 3), 1, 1]::vector(3)) vector_l2_ops) WITH (lists = 2)');
  await same("SELECT c.relname::text, i.indisvalid, i.indisready, i.indislive FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'inv'::regclass ORDER BY 1");
  await same("SELECT indexname::text, indexdef FROM pg_indexes WHERE tablename = 'inv' ORDER BY 1");
  // The name is taken; the INVALID unique index enforces nothing (it is not ready).
  await same('CREATE INDEX CONCURRENTLY inv_n ON inv (id)');
  await same("INSERT INTO inv VALUES (41, 1, '[1,1,1]')");
  await same('SELECT count(*) FROM inv WHERE n = 1');
  // REINDEX fails again over the duplicates, and makes it valid once they are gone.
  await same('REINDEX INDEX inv_n');
  await same('DELETE FROM inv WHERE id > 4');
  await same('REINDEX INDEX inv_n');
  await same("INSERT INTO inv VALUES (42, 1, '[1,1,1]')");
  // REINDEX CONCURRENTLY: not in a block; TABLE skips INVALID indexes, INDEX rebuilds one valid.
  await same('BEGIN');
  await same('REINDEX INDEX CONCURRENTLY inv_e');
  await same('ROLLBACK');
  await same('REINDEX TABLE CONCURRENTLY inv');
  await same("SELECT c.relname::text, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'inv'::regclass ORDER BY 1");
  await same('DELETE FROM inv WHERE n = 3');
  await same('REINDEX (CONCURRENTLY) INDEX inv_e');
  await same("SELECT c.relname::text, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'inv'::regclass ORDER BY 1");
  await same("SELECT id FROM inv ORDER BY ARRAY[1 / (n - 3), 1, 1]::vector(3) <-> '[0,1,1]', id LIMIT 2");
  await same('DROP INDEX inv_e');
  await same('DROP INDEX CONCURRENTLY inv_i');
  await same("SELECT c.relname::text, i.indisvalid, i.indisready FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'inv'::regclass ORDER BY 1");
  await same('SELECT id, n FROM inv WHERE n = 2');
});
