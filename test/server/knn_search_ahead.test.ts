/**
 * Over the wire (node-postgres, extended protocol with bound parameters, several connections
 * at once): HNSW k-NN queries whose first search runs on a pool worker ahead of execution
 * (sql/exec/knn_ahead.ts) return what the synchronous engine call returns on the same graph,
 * and the worker really searched (the queue's counters). Seeded data; no timing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Prng } from '../../src/common/prng.js';
import { WorkerPool } from '../../src/kernels/workers.js';
import { SearchAheadQueue } from '../../src/access/hnsw/search_ahead.js';
import { knnAheadTestHooks } from '../../src/sql/exec/knn_ahead.js';
import { SEED } from '../support/seed.js';
import { startServer } from './helpers.js';

const DIM = 12;
const ROWS = 2000;

function vec(p: Prng): string {
  return `[${Array.from({ length: DIM }, () => (p.next() * 2 - 1).toFixed(3)).join(',')}]`;
}

test(`k-NN over the wire from 4 connections: searches on a worker, answers as the main-thread search (seed ${SEED})`, async () => {
  const s = await startServer();
  const clients = Array.from({ length: 4 }, () => new pg.Client(s.conn));
  try {
    const p = new Prng(SEED);
    const rows: string[] = [];
    for (let i = 0; i < ROWS; i++) rows.push(`(${i}, '${vec(p)}')`);
    await s.db.query(`CREATE TABLE items (id integer PRIMARY KEY, embedding vector(${DIM}))`);
    await s.db.query(`INSERT INTO items VALUES ${rows.join(',')}`);
    await s.db.query('CREATE INDEX ON items USING hnsw (embedding vector_cosine_ops)');
    for (const c of clients) {
      await c.connect();
      await c.query('SET hnsw.ef_search = 60');
    }
    const d = s.db.database;
    const sync = d.openSession();
    d.execute('SET hnsw.ef_search = 60', [], sync);
    const sql = 'SELECT id, embedding <=> $1 AS d FROM items ORDER BY embedding <=> $1 LIMIT 10';
    const queue = SearchAheadQueue.of(WorkerPool.shared());
    const before = queue.taken;
    // The step for every statement (the engine takes it when sessions overlap, by timing).
    knnAheadTestHooks.always = true;
    const queries = Array.from({ length: 40 }, () => vec(p));
    // Each connection runs its share concurrently with the others.
    const got = await Promise.all(clients.map(async (c, k) => {
      const out: { id: number; d: number }[][] = [];
      for (let i = k; i < queries.length; i += clients.length) out.push((await c.query<{ id: number; d: number }>(sql, [queries[i]!])).rows);
      return out;
    }));
    for (let k = 0; k < clients.length; k++) {
      for (let j = 0; j < got[k]!.length; j++) {
        const q = queries[k + j * clients.length]!;
        assert.deepEqual(got[k]![j]!.map((r) => [r.id, r.d]), d.execute(sql, [q], sync)[0]!.rows, `query ${k + j * clients.length}`);
      }
    }
    // Every query's search ran ahead (on a worker, or on the main thread while the worker was busy).
    assert.equal(queue.taken - before, queries.length, 'searches taken ahead');
  } finally {
    knnAheadTestHooks.always = false;
    for (const c of clients) await c.end().catch(() => undefined);
    await s.close();
  }
});
