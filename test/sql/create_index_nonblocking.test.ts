/**
 * A plain CREATE INDEX whose method builds on worker threads runs off the event loop when its
 * session awaits (sql/exec/index_build_concurrent.ts, `plain`): while the build is held open
 * (buildTestHooks.gate: deterministic, no timing), other sessions' SELECT 1, k-NN queries and
 * pg_stat_progress_create_index complete, a write to the table waits (the SHARE lock) and
 * then succeeds, lock_timeout ends such a wait, a canceled build leaves no index and no lock,
 * and a build inside a transaction block holds the lock until the block ends and is rolled back
 * with it. The answers are compared with PGlite's (exact) and with the synchronous build's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { buildTestHooks } from '../../src/sql/exec/index_build_concurrent.js';
import { oracleForFile, type Oracle } from '../support/pglite.js';
import { SEED } from '../support/seed.js';
import { hold, track } from '../support/gates.js';

const DIM = 8;
const ROWS = 1500;
const oracle: Oracle = await oracleForFile();

function vec(p: Prng): string {
  return `[${Array.from({ length: DIM }, () => (p.int(2001) - 1000) / 100).join(',')}]`;
}

/** The same seeded rows into vecgres and PGlite's table `t`. */
async function fill(db: Vecgres, seed: number): Promise<string[]> {
  const p = new Prng(seed);
  const rows: string[] = [];
  for (let i = 0; i < ROWS; i++) rows.push(`(${i}, '${vec(p)}')`);
  for (const sql of ['DROP TABLE IF EXISTS t', `CREATE TABLE t (id integer PRIMARY KEY, v vector(${DIM}))`]) {
    await db.query(sql);
    await oracle.query(sql);
  }
  for (let r = 0; r < ROWS; r += 500) {
    const sql = `INSERT INTO t VALUES ${rows.slice(r, r + 500).join(',')}`;
    await db.query(sql);
    await oracle.query(sql);
  }
  return Array.from({ length: 5 }, () => vec(p));
}

const KNN = (q: string): string => `SELECT id FROM t ORDER BY v <-> '${q}' LIMIT 10`;

/** The build goes off the event loop for small tables too: every size counts as parallel. */
const OFF_THREAD = 'SET min_parallel_table_scan_size = 0';

test(`plain CREATE INDEX off the event loop: others read, writes wait, results match PGlite (seed ${SEED})`, async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  const b = await db.connect();
  const c = await db.connect();
  try {
    const queries = await fill(db, SEED);
    await a.query(OFF_THREAD);
    const gate = hold(buildTestHooks);
    const build = track(a.query('CREATE INDEX t_v ON t USING hnsw (v vector_l2_ops)'));
    // Other sessions' statements complete while the build is held.
    assert.deepEqual((await b.query('SELECT 1 AS x')).rows, [{ x: 1 }]);
    for (const q of queries) {
      assert.deepEqual((await b.query(KNN(q))).rows, (await oracle.query(KNN(q))).rows, `k-NN during the build, query ${q}`);
    }
    const progress = (await b.query("SELECT command, phase, tuples_total::int AS n FROM pg_stat_progress_create_index WHERE relid = 't'::regclass")).rows;
    assert.deepEqual(progress, [{ command: 'CREATE INDEX', phase: 'building index: loading tuples', n: ROWS }]);
    assert.deepEqual((await b.query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 't_v'")).rows, [{ n: 0 }]);
    // A write to the table waits for the SHARE lock; one to another table does not.
    const write = track(b.query(`INSERT INTO t VALUES (${ROWS}, '[0,0,0,0,0,0,0,0]')`));
    await c.query('CREATE TABLE other (x int)');
    await c.query('INSERT INTO other VALUES (1)');
    // DDL of the table waits for the build, as PostgreSQL's does: lock_timeout ends the wait.
    await c.query("SET lock_timeout = '20ms'");
    await assert.rejects(c.query('DROP TABLE t'), { code: '55P03', message: 'canceling statement due to lock timeout' });
    await c.query('RESET lock_timeout');
    assert.deepEqual((await c.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: ROWS }]);
    assert.equal(build.done, false, 'the build is still running');
    assert.equal(write.done, false, 'the write waits for the build');
    gate.open();
    await build.promise;
    await write.promise;
    await oracle.query(`INSERT INTO t VALUES (${ROWS}, '[0,0,0,0,0,0,0,0]')`);
    // The index is used and finds every row, the one written after the build included.
    await b.query('SET enable_seqscan = off');
    await b.query('SET hnsw.ef_search = 400');
    const plan = (await b.query(`EXPLAIN ${KNN(queries[0]!)}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.match(plan, /Index Scan using t_v/);
    for (const q of [...queries, '[0,0,0,0,0,0,0,0]']) {
      assert.deepEqual((await b.query(KNN(q))).rows, (await oracle.query(KNN(q))).rows, `k-NN through the index, query ${q}`);
    }
    assert.deepEqual((await b.query(KNN('[0,0,0,0,0,0,0,0]'))).rows[0], { id: ROWS });
  } finally {
    buildTestHooks.gate = null;
    await db.close();
  }
});

test(`plain CREATE INDEX off the event loop in a transaction block: the lock holds to its end, ROLLBACK drops the index (seed ${SEED})`, async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  const b = await db.connect();
  const c = await db.connect();
  try {
    await fill(db, SEED + 1);
    await a.query(OFF_THREAD);
    await a.query('BEGIN');
    await a.query(`INSERT INTO t VALUES (${ROWS + 1}, '[1,1,1,1,1,1,1,1]')`);
    const gate = hold(buildTestHooks);
    const build = track(a.query('CREATE INDEX t_v ON t USING hnsw (v vector_l2_ops)'));
    // lock_timeout ends a writer's wait with PostgreSQL's error, and its statement is undone.
    await b.query("SET lock_timeout = '20ms'");
    await assert.rejects(b.query(`INSERT INTO t VALUES (${ROWS + 2}, '[2,2,2,2,2,2,2,2]')`), { code: '55P03', message: 'canceling statement due to lock timeout' });
    await b.query('RESET lock_timeout');
    const write = track(b.query(`UPDATE t SET v = '[3,3,3,3,3,3,3,3]' WHERE id = 5`));
    assert.deepEqual((await c.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: ROWS }]);
    gate.open();
    await build.promise;
    // The build is done but the block is open: its SHARE lock still holds the writer.
    assert.deepEqual((await a.query(`SELECT id FROM t ORDER BY v <-> '[1,1,1,1,1,1,1,1]' LIMIT 1`)).rows, [{ id: ROWS + 1 }]);
    assert.equal(write.done, false, 'the writer waits for the end of the block');
    await a.query('ROLLBACK');
    await write.promise;
    assert.deepEqual((await b.query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 't_v'")).rows, [{ n: 0 }]);
    assert.deepEqual((await b.query('SELECT count(*)::int AS n FROM t WHERE id > 1000 OR id = 5')).rows, (await oracle.query('SELECT count(*)::int AS n FROM t WHERE id > 1000 OR id = 5')).rows);
    assert.deepEqual((await b.query('SELECT v::text AS v FROM t WHERE id = 5')).rows, [{ v: '[3,3,3,3,3,3,3,3]' }]);
  } finally {
    buildTestHooks.gate = null;
    await db.close();
  }
});

test('plain CREATE INDEX off the event loop: statement_timeout cancels it, leaving no index and no lock', async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  const b = await db.connect();
  try {
    await fill(db, SEED + 2);
    await a.query(OFF_THREAD);
    await a.query("SET statement_timeout = '30ms'");
    const gate = hold(buildTestHooks);
    await assert.rejects(a.query('CREATE INDEX t_v ON t USING hnsw (v vector_l2_ops)'), { code: '57014', message: 'canceling statement due to statement timeout' });
    gate.open();
    await a.query('RESET statement_timeout');
    // Nothing is left: no index, no progress row, the name is free, writes go through at once.
    assert.deepEqual((await b.query("SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 't' AND indexname <> 't_pkey'")).rows, [{ n: 0 }]);
    assert.deepEqual((await b.query('SELECT count(*)::int AS n FROM pg_stat_progress_create_index')).rows, [{ n: 0 }]);
    await b.query("INSERT INTO t VALUES (-1, '[0,0,0,0,0,0,0,0]')");
    await a.query('CREATE INDEX t_v ON t USING hnsw (v vector_l2_ops)');
    await b.query('SET enable_seqscan = off');
    assert.deepEqual((await b.query("SELECT id FROM t ORDER BY v <-> '[0,0,0,0,0,0,0,0]' LIMIT 1")).rows, [{ id: -1 }]);
  } finally {
    buildTestHooks.gate = null;
    await db.close();
  }
});

test(`the same CREATE INDEX through the synchronous API builds in place, with the same answers (seed ${SEED})`, async () => {
  const db = await Vecgres.create();
  try {
    const queries = await fill(db, SEED + 3);
    const d = db.database;
    d.execute(OFF_THREAD, [], d.session);
    // No gate is consulted: the synchronous runner cannot wait for a build.
    const gate = hold(buildTestHooks);
    d.execute('CREATE INDEX t_v ON t USING hnsw (v vector_l2_ops)', [], d.session);
    gate.open();
    await db.query('SET enable_seqscan = off');
    await db.query('SET hnsw.ef_search = 400');
    assert.match((await db.query(`EXPLAIN ${KNN(queries[0]!)}`)).rows.map((r) => r['QUERY PLAN']).join('\n'), /Index Scan using t_v/);
    for (const q of queries) {
      assert.deepEqual((await db.query(KNN(q))).rows, (await oracle.query(KNN(q))).rows, `query ${q}`);
    }
  } finally {
    buildTestHooks.gate = null;
    await db.close();
  }
});
