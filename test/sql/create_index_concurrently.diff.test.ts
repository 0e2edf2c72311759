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
