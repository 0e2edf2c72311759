/**
 * CREATE / DROP INDEX CONCURRENTLY over the wire: with the simple query protocol (node-postgres)
 * and the extended one (postgres.js: Parse / Bind / Execute / Sync, where the statement must
 * not open the implicit block PostgreSQL refuses it in), while another connection reads and
 * writes the table. The index then answers k-NN queries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import postgres from 'postgres';
import { startServer } from './helpers.js';

test('CREATE / DROP INDEX CONCURRENTLY through node-postgres and postgres.js', async () => {
  const s = await startServer();
  const a = new pg.Client(s.conn);
  const b = new pg.Client(s.conn);
  await a.connect();
  await b.connect();
  const sql = postgres({ ...s.conn, username: s.conn.user, max: 1, onnotice: () => undefined });
  try {
    await a.query('CREATE TABLE items (id int PRIMARY KEY, v vector(3))');
    await a.query("INSERT INTO items SELECT i, ARRAY[i, i % 7, i % 11]::vector FROM generate_series(1, 2000) i");
    const cic = a.query('CREATE INDEX CONCURRENTLY items_v ON items USING hnsw (v vector_l2_ops)');
    await b.query("INSERT INTO items VALUES (5000, '[5000,0,0]')");
    assert.deepEqual((await b.query('SELECT count(*)::int AS n FROM items')).rows, [{ n: 2001 }]);
    await cic;
    await b.query('SET enable_seqscan = off');
    const plan = (await b.query("EXPLAIN SELECT id FROM items ORDER BY v <-> '[4999,1,1]' LIMIT 1")).rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.match(plan, /Index Scan using items_v/);
    assert.deepEqual((await b.query("SELECT id FROM items ORDER BY v <-> '[4999,0,0]' LIMIT 1")).rows, [{ id: 5000 }]);

    // The extended protocol: no implicit transaction block around either statement.
    await sql.unsafe('DROP INDEX CONCURRENTLY items_v');
    await sql.unsafe('CREATE INDEX CONCURRENTLY items_v2 ON items USING hnsw (v vector_l2_ops)');
    assert.deepEqual([...(await sql.unsafe("SELECT indexname::text AS name FROM pg_indexes WHERE tablename = 'items' ORDER BY 1"))], [{ name: 'items_pkey' }, { name: 'items_v2' }]);
    await assert.rejects(sql.begin((tx) => tx.unsafe('DROP INDEX CONCURRENTLY items_v2')), { code: '25001' });
  } finally {
    await sql.end();
    await a.end();
    await b.end();
    await s.close();
  }
});
