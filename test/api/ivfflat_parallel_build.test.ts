/**
 * CREATE INDEX ... USING ivfflat through SQL runs on the worker pool when the vectors reach
 * min_parallel_table_scan_size (8 MB) and max_parallel_maintenance_workers allows it, serially
 * under max_parallel_maintenance_workers = 0; both builds give the same lists, so every query
 * returns the same rows at any probes value, and the exact answer at probes = lists. Progress
 * goes through pgvector's phases up to every row either way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres, type IndexBuildProgress } from '../../src/index.js';
import { WorkerPool } from '../../src/kernels/workers.js';
import { SEED } from '../support/seed.js';
import { fillVectorTable } from '../support/vector_table.js';

const DIM = 960;
const ROWS = 2200; // 2,200 x 960 x 4 bytes = 8.4 MB of vectors: past the 8 MB threshold
const LISTS = 20;

test(`CREATE INDEX USING ivfflat: parallel past 8 MB of vectors, the serial build's answers (seed ${SEED})`, async () => {
  const reports: IndexBuildProgress[] = [];
  const db = await Vecgres.create({ onIndexBuildProgress: (p) => reports.push({ ...p }) });
  try {
    await fillVectorTable(db, ROWS, DIM, SEED);
    const pool = WorkerPool.shared();
    const knn = (q: number) => `SELECT id FROM t ORDER BY v <=> (SELECT v FROM t WHERE id = ${q}) LIMIT 10`;
    const queries = [3, 700, 1500, 2199];
    const answers: number[][][] = [];
    for (const workers of [2, 0]) {
      const runs = pool.parallelRuns;
      reports.length = 0;
      await db.exec(`SET max_parallel_maintenance_workers = ${workers}`);
      await db.exec(`CREATE INDEX t_v ON t USING ivfflat (v vector_cosine_ops) WITH (lists = ${LISTS})`);
      if (workers > 0 && pool.size > 0) assert.ok(pool.parallelRuns >= runs + 2, `workers ${workers}: k-means and the rows ran on the pool`);
      else assert.equal(pool.parallelRuns, runs, `workers ${workers}: serial`);
      const phases = [...new Set(reports.map((r) => r.phase))];
      assert.deepEqual(phases, ['building index: performing k-means', 'building index: assigning tuples', 'building index: loading tuples']);
      assert.equal(reports[reports.length - 1]!.tuplesDone, ROWS);
      const got: number[][] = [];
      await db.exec('SET enable_seqscan = off');
      for (const probes of [1, 3, LISTS]) {
        await db.exec(`SET ivfflat.probes = ${probes}`);
        for (const q of queries) got.push((await db.query<{ id: number }>(knn(q))).rows.map((r) => r.id));
      }
      await db.exec('RESET ivfflat.probes; RESET enable_seqscan');
      answers.push(got);
      await db.exec('DROP INDEX t_v');
    }
    assert.deepEqual(answers[0], answers[1], 'the parallel and the serial build answer alike');
    // probes = lists: the exact answer.
    await db.exec('SET enable_indexscan = off');
    for (let i = 0; i < queries.length; i++) {
      const exact = (await db.query<{ id: number }>(knn(queries[i]!))).rows.map((r) => r.id);
      assert.deepEqual(answers[0]![2 * queries.length + i], exact, `query row ${queries[i]} at probes = lists`);
    }
  } finally {
    await db.close();
  }
});
