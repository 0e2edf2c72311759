/**
 * HNSW index scans whose first search runs on a pool worker ahead of execution
 * (sql/exec/knn_ahead.ts, access/hnsw/search_ahead.ts): the rows and distances equal the
 * synchronous engine call's (the main-thread search of the same graph) and PGlite's where the
 * index is exact enough; the worker really searched (the queue's counters); concurrent INSERTs
 * while searches run keep recall against exact search and raise no error; DROP INDEX, VACUUM
 * and REINDEX while a search is held; cancel and statement_timeout during a held search.
 * Seeded data; no timing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { WorkerPool } from '../../src/kernels/workers.js';
import { SearchAheadQueue, searchAheadTestHooks } from '../../src/access/hnsw/search_ahead.js';
import { knnAheadTestHooks } from '../../src/sql/exec/knn_ahead.js';
import { oracleForFile, type Oracle } from '../support/pglite.js';
import { SEED } from '../support/seed.js';
import { hold, track } from '../support/gates.js';

const DIM = 16;
const ROWS = 1500;
const oracle: Oracle = await oracleForFile();
const queue = (): SearchAheadQueue => SearchAheadQueue.of(WorkerPool.shared());
// Every search on a worker (a single session's would run on the main thread), except in the
// concurrent test, which runs the mixed policy.
searchAheadTestHooks.workersOnly = true;
knnAheadTestHooks.always = true;

function vec(p: Prng): string {
  return `[${Array.from({ length: DIM }, () => (p.next() * 2 - 1).toFixed(4)).join(',')}]`;
}

/** Seeded rows into `t` (vecgres and, with `both`, PGlite), and an HNSW index on vecgres. */
async function fill(db: Vecgres, seed: number, both: boolean, opclass = 'vector_l2_ops'): Promise<Prng> {
  const p = new Prng(seed);
  const rows: string[] = [];
  for (let i = 0; i < ROWS; i++) rows.push(`(${i}, '${vec(p)}')`);
  const ddl = ['DROP TABLE IF EXISTS t', `CREATE TABLE t (id integer PRIMARY KEY, v vector(${DIM}))`];
  for (const sql of ddl) {
    await db.query(sql);
    if (both) await oracle.query(sql);
  }
  for (let r = 0; r < ROWS; r += 500) {
    const sql = `INSERT INTO t VALUES ${rows.slice(r, r + 500).join(',')}`;
    await db.query(sql);
    if (both) await oracle.query(sql);
  }
  await db.query(`CREATE INDEX t_v ON t USING hnsw (v ${opclass})`);
  return p;
}

const KNN = 'SELECT id, v <-> $1 AS d FROM t ORDER BY v <-> $1 LIMIT 10';

test(`a k-NN query's search runs on a worker and answers as the main-thread search (seed ${SEED})`, async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  try {
    const p = await fill(db, SEED, true);
    const d = db.database;
    const sync = d.openSession();
    assert.match((await a.query(`EXPLAIN ${KNN.replaceAll('$1', `'${vec(new Prng(1))}'`)}`)).rows.map((r) => r['QUERY PLAN']).join('\n'), /Index Scan using t_v/);
    const before = queue().taken;
    for (let i = 0; i < 20; i++) {
      const q = vec(p);
      const got = (await a.query<{ id: number; d: number }>(KNN, [q])).rows;
      // The synchronous call searches on the main thread: the same graph, the same answer.
      const want = d.execute(KNN, [q], sync)[0]!.rows;
      assert.deepEqual(got.map((r) => [r.id, r.d]), want, `query ${i}`);
      // ef_search 40 over 1,500 rows: PGlite's exact top 10 are found (distances to float precision).
      const exact = (await oracle.query('SELECT id FROM t ORDER BY v <-> $1, id LIMIT 10', [q])).rows.map((r) => (r as { id: number }).id);
      let hits = 0;
      for (const r of got) if (exact.includes(r.id)) hits++;
      assert.ok(hits >= 8, `recall ${hits}/10 for query ${i}`);
    }
    // The first execution plans (no cached plan yet); the others searched on a worker.
    assert.ok(queue().taken - before >= 19, `searches taken from workers: ${queue().taken - before}`);
    // A literal query through the simple-query path, and cosine / inner product indexes.
    const q = vec(p);
    const lit = `SELECT id FROM t ORDER BY v <-> '${q}' LIMIT 5`;
    await a.query(lit);
    const t0 = queue().taken;
    assert.deepEqual((await a.query(lit)).rows.map((r) => r.id), d.execute(lit, [], sync)[0]!.rows.map((r) => r[0]));
    assert.equal(queue().taken, t0 + 1);
  } finally {
    await db.close();
  }
});

test(`cosine and halfvec scans ahead equal the synchronous call; iterative and filtered scans stay on the main thread (seed ${SEED})`, async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  try {
    const p = await fill(db, SEED + 1, false, 'vector_cosine_ops');
    await db.query('CREATE TABLE h AS SELECT id, v::halfvec(16) AS v FROM t');
    await db.query('CREATE INDEX h_v ON h USING hnsw (v halfvec_ip_ops)');
    const d = db.database;
    const sync = d.openSession();
    const sqls = [
      'SELECT id FROM t ORDER BY v <=> $1 LIMIT 10',
      'SELECT id FROM h ORDER BY v <#> $1::halfvec(16) LIMIT 10',
    ];
    for (const sql of sqls) {
      await a.query(sql, [vec(p)]);
      const t0 = queue().taken;
      for (let i = 0; i < 5; i++) {
        const q = vec(p);
        assert.deepEqual((await a.query(sql, [q])).rows.map((r) => r.id), d.execute(sql, [q], sync)[0]!.rows.map((r) => r[0]), sql);
      }
      assert.equal(queue().taken, t0 + 5, sql);
    }
    await a.query("SET hnsw.iterative_scan = 'relaxed_order'");
    const t0 = queue().taken;
    const q = vec(p);
    await a.query(sqls[0]!, [q]);
    await a.query(sqls[0]!, [q]);
    assert.equal(queue().taken, t0, 'an iterative scan searches on the main thread');
  } finally {
    await db.close();
  }
});

test(`concurrent INSERTs while searches run on workers: recall against exact search, no errors (seed ${SEED})`, async () => {
  const db = await Vecgres.create();
  try {
    const p = await fill(db, SEED + 2, false);
    const clients = await Promise.all(Array.from({ length: 6 }, () => db.connect()));
    // Exact answers from a session that does not use the index.
    const ex = await db.connect();
    await ex.query('SET enable_indexscan = off');
    const rounds = Number(process.env['VECGRES_STRESS_ROUNDS'] ?? 40);
    let nextId = ROWS;
    let recallSum = 0;
    let queries = 0;
    const t0 = queue().taken;
    const batches0 = queue().batches;
    searchAheadTestHooks.workersOnly = false;
    await Promise.all(clients.map(async (c, k) => {
      const r = new Prng(SEED * 31 + k);
      for (let i = 0; i < rounds; i++) {
        if (r.int(4) === 0) {
          // Several rows a statement: the graph grows past its capacity during searches too.
          const vals = Array.from({ length: 20 }, () => `(${nextId++}, '${vec(r)}')`).join(',');
          await c.query(`INSERT INTO t VALUES ${vals}`);
        } else {
          const q = vec(r);
          const got = (await c.query<{ id: number }>('SELECT id FROM t ORDER BY v <-> $1 LIMIT 10', [q])).rows.map((x) => x.id);
          const exact = (await ex.query<{ id: number }>('SELECT id FROM t ORDER BY v <-> $1 LIMIT 10', [q])).rows.map((x) => x.id);
          assert.equal(new Set(got).size, got.length, 'no row twice');
          recallSum += got.filter((id) => exact.includes(id)).length / 10;
          queries++;
        }
      }
    }));
    const recall = recallSum / queries;
    assert.ok(recall >= 0.9, `recall@10 ${recall.toFixed(3)} under concurrent inserts (seed ${SEED})`);
    searchAheadTestHooks.workersOnly = true;
    assert.ok(queue().taken > t0, 'searches were taken ahead');
    assert.ok(queue().batches > batches0, 'batches ran on workers');
    // The graph is whole: rows inserted during the searches are found by their own vectors.
    const sample = (await ex.query<{ id: number; v: string }>(`SELECT id, v::text AS v FROM t WHERE id >= ${ROWS} ORDER BY id LIMIT 20`)).rows;
    let found = 0;
    for (const r of sample) if ((await clients[0]!.query<{ id: number }>('SELECT id FROM t ORDER BY v <-> $1 LIMIT 1', [r.v])).rows[0]!.id === r.id) found++;
    assert.ok(found >= sample.length - 1, `${found} of ${sample.length} inserted rows found by their vectors`);
    void p;
  } finally {
    await db.close();
  }
});

test('DROP INDEX, VACUUM and REINDEX while a search is held; cancel and statement_timeout during a held search', async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  const b = await db.connect();
  try {
    const p = await fill(db, SEED + 3, false);
    const d = db.database;
    const sync = d.openSession();
    await a.query(KNN, [vec(p)]);
    for (const change of ['DELETE FROM t WHERE id < 100', 'VACUUM t', 'REINDEX INDEX t_v']) {
      const gate = hold(searchAheadTestHooks);
      const q = vec(p);
      const held = track(a.query<{ id: number; d: number }>(KNN, [q]));
      await b.query(change);
      assert.equal(held.done, false, `held during ${change}`);
      gate.open();
      const got = (await held.promise).rows;
      searchAheadTestHooks.gate = null;
      assert.deepEqual(got.map((r) => [r.id, r.d]), d.execute(KNN, [q], sync)[0]!.rows, `after ${change}`);
    }
    {
      const gate = hold(searchAheadTestHooks);
      const held = track(a.query<{ id: number }>(KNN, [vec(p)]));
      await b.query('DROP INDEX t_v');
      gate.open();
      assert.equal((await held.promise).rows.length, 10, 'the statement replans after DROP INDEX');
      searchAheadTestHooks.gate = null;
      await db.query('CREATE INDEX t_v ON t USING hnsw (v vector_l2_ops)');
      await a.query(KNN, [vec(p)]);
    }
    // statement_timeout during a held search: 57014, and the session goes on.
    hold(searchAheadTestHooks);
    await a.query("SET statement_timeout = '50ms'");
    await assert.rejects(a.query(KNN, [vec(p)]), (e: { code?: string; message?: string }) => e.code === '57014' && /statement timeout/.test(e.message ?? ''));
    await a.query('RESET statement_timeout');
    // A cancel request during a held search.
    const held = track(a.query(KNN, [vec(p)]));
    await new Promise((r) => setImmediate(r));
    (a as unknown as { runner: { session: { interrupts: { requestCancel(): void } } } }).runner.session.interrupts.requestCancel();
    await assert.rejects(held.promise, (e: { code?: string }) => e.code === '57014');
    searchAheadTestHooks.gate = null;
    assert.equal((await a.query(KNN, [vec(p)])).rows.length, 10);
  } finally {
    searchAheadTestHooks.gate = null;
    await db.close();
  }
});

test('VACUUM, growth, REINDEX and DROP INDEX while a worker is inside a batch; statement_timeout during it', async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  const b = await db.connect();
  const hold = new Int32Array(new SharedArrayBuffer(4));
  try {
    const p = await fill(db, SEED + 4, false);
    const d = db.database;
    const sync = d.openSession();
    await a.query(KNN, [vec(p)]);
    await b.query('DELETE FROM t WHERE id % 7 = 0');
    const grow = Array.from({ length: 3000 }, (_, i) => `(${ROWS + i}, '${vec(p)}')`).join(',');
    for (const change of ['VACUUM t', `INSERT INTO t VALUES ${grow}`, 'REINDEX INDEX t_v', 'DROP INDEX t_v']) {
      Atomics.store(hold, 0, 0);
      searchAheadTestHooks.holdWorker = hold;
      const b0 = queue().batches;
      const s0 = queue().quiesces;
      const q = vec(p);
      const held = track(a.query<{ id: number; d: number }>(KNN, [q]));
      while (queue().batches === b0) await new Promise((r) => setImmediate(r));
      // The worker waits inside the batch; the change stops it and waits for it to leave.
      await b.query(change);
      assert.equal(queue().quiesces, s0 + 1, `${change.slice(0, 20)} stopped the batch`);
      searchAheadTestHooks.holdWorker = null;
      // (A change that did not stop the batch leaves the worker waiting: it searches now.)
      Atomics.store(hold, 0, 1);
      Atomics.notify(hold, 0);
      const got = (await held.promise).rows;
      assert.deepEqual(got.map((r) => [r.id, r.d]), d.execute(KNN, [q], sync)[0]!.rows, `after ${change}`);
    }
    await db.query('CREATE INDEX t_v ON t USING hnsw (v vector_l2_ops)');
    await a.query(KNN, [vec(p)]);
    // statement_timeout while the worker holds the search: 57014; the worker's result is dropped.
    Atomics.store(hold, 0, 0);
    searchAheadTestHooks.holdWorker = hold;
    await a.query("SET statement_timeout = '50ms'");
    await assert.rejects(a.query(KNN, [vec(p)]), (e: { code?: string; message?: string }) => e.code === '57014' && /statement timeout/.test(e.message ?? ''));
    searchAheadTestHooks.holdWorker = null;
    Atomics.store(hold, 0, 1);
    Atomics.notify(hold, 0);
    await a.query('RESET statement_timeout');
    const q = vec(p);
    assert.deepEqual((await a.query(KNN, [q])).rows.map((r) => [r.id, r.d]), d.execute(KNN, [q], sync)[0]!.rows);
  } finally {
    searchAheadTestHooks.holdWorker = null;
    Atomics.store(hold, 0, 1);
    Atomics.notify(hold, 0);
    await db.close();
  }
});
