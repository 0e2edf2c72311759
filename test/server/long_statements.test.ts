/**
 * Over the wire (node-postgres, simple and extended protocol): while one connection's CREATE
 * INDEX or parallel exact scan is held open (the test gates of sql/exec/index_build_concurrent.ts
 * and sql/exec/parallel_knn_async.ts: deterministic), other connections' SELECT 1 and k-NN
 * queries complete, a write to the table waits for the index and then succeeds, and the held
 * statements answer as the exact scan does once released.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { buildTestHooks } from '../../src/sql/exec/index_build_concurrent.js';
import { scanTestHooks } from '../../src/sql/exec/parallel_knn_async.js';
import { startServer } from './helpers.js';
import { hold, track } from '../support/gates.js';

test('a long CREATE INDEX or exact scan on one connection does not stall the others', async () => {
  const s = await startServer();
  const a = new pg.Client(s.conn);
  const b = new pg.Client(s.conn);
  const c = new pg.Client(s.conn);
  await a.connect();
  await b.connect();
  await c.connect();
  try {
    await a.query('CREATE TABLE items (id int PRIMARY KEY, v vector(3))');
    await a.query('INSERT INTO items SELECT i, ARRAY[i % 101, i % 7, i % 11]::vector FROM generate_series(1, 3000) i');
    const exact = async (q: string): Promise<unknown[]> => {
      await c.query('SET enable_indexscan = off');
      const rows = (await c.query(`SELECT id FROM items ORDER BY v <-> '${q}', id LIMIT 5`)).rows;
      await c.query('RESET enable_indexscan');
      return rows;
    };
    const want = await exact('[50,3,5]');

    // A parallel exact scan held open (extended protocol: a parameter).
    for (const set of ['max_parallel_workers_per_gather = 2', 'parallel_setup_cost = 0', 'parallel_tuple_cost = 0', 'min_parallel_table_scan_size = 0']) await a.query(`SET ${set}`);
    const openScan = hold(scanTestHooks).open;
    const scan = track(a.query('SELECT id FROM items ORDER BY v <-> $1, id LIMIT 5', ['[50,3,5]']));
    assert.deepEqual((await b.query('SELECT 1 AS x')).rows, [{ x: 1 }]);
    assert.deepEqual((await b.query("SELECT id FROM items ORDER BY v <-> '[50,3,5]', id LIMIT 5")).rows, want);
    assert.equal(scan.done, false);
    openScan();
    assert.deepEqual((await scan.promise).rows, want);

    // A CREATE INDEX held open: reads go on, a write waits for it.
    const openBuild = hold(buildTestHooks).open;
    const build = track(a.query('CREATE INDEX items_v ON items USING hnsw (v vector_l2_ops)'));
    assert.deepEqual((await b.query('SELECT 1 AS x')).rows, [{ x: 1 }]);
    assert.deepEqual((await c.query("SELECT command FROM pg_stat_progress_create_index")).rows, [{ command: 'CREATE INDEX' }]);
    const write = track(b.query("INSERT INTO items VALUES (5000, '[50,3,5]')"));
    assert.deepEqual(await exact('[50,3,5]'), want);
    assert.equal(build.done, false);
    assert.equal(write.done, false);
    openBuild();
    await build.promise;
    await write.promise;
    await c.query('SET enable_seqscan = off');
    assert.match((await c.query("EXPLAIN SELECT id FROM items ORDER BY v <-> '[50,3,5]' LIMIT 5")).rows.map((r) => r['QUERY PLAN']).join('\n'), /Index Scan using items_v/);
    assert.deepEqual((await c.query("SELECT id FROM items ORDER BY v <-> '[50,3,5]' LIMIT 1")).rows, [{ id: 5000 }]);
  } finally {
    scanTestHooks.gate = null;
    buildTestHooks.gate = null;
    await a.end();
    await b.end();
    await c.end();
    await s.close();
  }
});
