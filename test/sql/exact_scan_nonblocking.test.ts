/**
 * A parallel exact k-NN scan (Gather Merge) run by the awaiting runner goes off the event loop
 * (sql/exec/parallel_knn_async.ts): while the scan is held open (scanTestHooks.gate:
 * deterministic, no timing) other sessions' SELECT 1, k-NN queries and writes complete and the
 * scanning statement is still pending; a write to the table meanwhile makes the held result
 * stale, so the rerun scans again and sees the write; several scans in one statement; a
 * statement_timeout stops the participants. Answers are compared with PGlite's and with the
 * synchronous engine call's on seeded data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { scanTestHooks } from '../../src/sql/exec/parallel_knn_async.js';
import { oracleForFile, type Oracle } from '../support/pglite.js';
import { SEED } from '../support/seed.js';
import { hold, track } from '../support/gates.js';

const DIM = 8;
const ROWS = 3000;
const oracle: Oracle = await oracleForFile();
/** Settings under which PostgreSQL plans a Gather Merge for any table. */
const PARALLEL = ['SET max_parallel_workers_per_gather = 2', 'SET parallel_setup_cost = 0', 'SET parallel_tuple_cost = 0', 'SET min_parallel_table_scan_size = 0'];

function vec(p: Prng): string {
  return `[${Array.from({ length: DIM }, () => p.int(21) - 10).join(',')}]`;
}

/** The same seeded rows (small integers: ties; some NULLs) into vecgres and PGlite's table `t`. */
async function fill(db: Vecgres, seed: number): Promise<Prng> {
  const p = new Prng(seed);
  const rows: string[] = [];
  for (let i = 0; i < ROWS; i++) rows.push(`(${i}, ${p.int(10)}, ${p.int(50) === 0 ? 'NULL' : `'${vec(p)}'`})`);
  for (const sql of ['DROP TABLE IF EXISTS t', `CREATE TABLE t (id integer PRIMARY KEY, g integer, v vector(${DIM}))`]) {
    await db.query(sql);
    await oracle.query(sql);
  }
  for (let r = 0; r < ROWS; r += 1000) {
    const sql = `INSERT INTO t VALUES ${rows.slice(r, r + 1000).join(',')}`;
    await db.query(sql);
    await oracle.query(sql);
  }
  return p;
}

/** Ties broken by id, so PGlite's order is the only right one. */
const KNN = (q: string, op = '<->', where = ''): string => `SELECT id, g FROM t ${where} ORDER BY v ${op} '${q}', id LIMIT 7`;

test(`a parallel exact scan does not stall other sessions; a write meanwhile is seen by its rerun (seed ${SEED})`, async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  const b = await db.connect();
  const c = await db.connect();
  try {
    const p = await fill(db, SEED);
    for (const s of PARALLEL) await a.query(s);
    const q = vec(p);
    assert.match((await a.query(`EXPLAIN ${KNN(q)}`)).rows.map((r) => r['QUERY PLAN']).join('\n'), /Gather Merge/);
    const gate = hold(scanTestHooks);
    const scan = track(a.query(KNN(q)));
    assert.deepEqual((await b.query('SELECT 1 AS x')).rows, [{ x: 1 }]);
    // Another session's k-NN (serial here) and a write to the same table complete meanwhile.
    const q2 = vec(p);
    assert.deepEqual((await b.query(KNN(q2))).rows, (await oracle.query(KNN(q2))).rows);
    const near = `INSERT INTO t VALUES (${ROWS}, 0, '${q}')`;
    await c.query(near);
    await oracle.query(near);
    assert.equal(scan.done, false, 'the scan is still held');
    gate.open();
    // The held result predates the insert: the rerun scans again and finds the new row first.
    const got = (await scan.promise).rows;
    assert.deepEqual(got, (await oracle.query(KNN(q))).rows);
    assert.deepEqual(got[0], { id: ROWS, g: 0 });
  } finally {
    scanTestHooks.gate = null;
    await db.close();
  }
});

test(`parallel exact scans off the event loop: every operator, WHERE, two scans in a statement, as PGlite and the synchronous call (seed ${SEED})`, async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  try {
    const p = await fill(db, SEED + 1);
    for (const s of PARALLEL) await a.query(s);
    const d = db.database;
    const sync = d.openSession();
    for (const s of PARALLEL) d.execute(s, [], sync);
    for (let i = 0; i < 8; i++) {
      const q = vec(p);
      const op = ['<->', '<#>', '<=>', '<+>'][i % 4]!;
      const where = i % 2 === 1 ? `WHERE g <> ${i}` : '';
      const sql = KNN(q, op, where);
      const got = (await a.query(sql)).rows;
      assert.deepEqual(got, (await oracle.query(sql)).rows, sql);
      assert.deepEqual(got.map((r) => [r.id, r.g]), d.execute(sql, [], sync)[0]!.rows, `the synchronous call: ${sql}`);
    }
    // The statement ran twice, its scan counts once (pg_stat_user_tables.seq_scan).
    const seqScans = async (): Promise<number> => Number((await a.query<{ n: number }>("SELECT seq_scan AS n FROM pg_stat_user_tables WHERE relname = 't'")).rows[0]!.n);
    const before = await seqScans();
    await a.query(KNN(vec(p)));
    assert.equal(await seqScans(), before + 1);
    // Two scans in one statement: the statement waits for each, then takes both results.
    const q1 = vec(p);
    const q2 = vec(p);
    const two = `(${KNN(q1)}) UNION ALL (${KNN(q2, '<=>')})`;
    assert.deepEqual((await a.query(two)).rows, (await oracle.query(two)).rows);
    // Inside a transaction block that wrote to the table: its own row is seen, others' uncommitted are not.
    await a.query('BEGIN');
    await a.query(`INSERT INTO t VALUES (${ROWS + 1}, 1, '${q1}')`);
    assert.deepEqual((await a.query(KNN(q1))).rows[0], { id: ROWS + 1, g: 1 });
    await a.query('ROLLBACK');
    assert.deepEqual((await a.query(KNN(q1))).rows, (await oracle.query(KNN(q1))).rows);
  } finally {
    await db.close();
  }
});

test('a held parallel exact scan ends with statement_timeout; the session goes on', async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  try {
    const p = await fill(db, SEED + 2);
    for (const s of PARALLEL) await a.query(s);
    await a.query("SET statement_timeout = '30ms'");
    const gate = hold(scanTestHooks);
    const q = vec(p);
    await assert.rejects(a.query(KNN(q)), { code: '57014', message: 'canceling statement due to statement timeout' });
    gate.open();
    await a.query('RESET statement_timeout');
    assert.deepEqual((await a.query(KNN(q))).rows, (await oracle.query(KNN(q))).rows);
  } finally {
    scanTestHooks.gate = null;
    await db.close();
  }
});

test('a caller that only awaits queries of another session (no timer, no I/O) does not starve a running scan', async () => {
  // The scan's leader and the workers' replies advance in event-loop turns. A loop of awaited
  // queries settles through microtasks alone; without a turn per statement it would starve the
  // scan for as long as it polls, and a loop that polls until the scan is done would never end.
  const db = await Vecgres.create();
  const a = await db.connect();
  const b = await db.connect();
  try {
    const p = await fill(db, SEED + 1);
    for (const s of PARALLEL) await a.query(s);
    const q = vec(p);
    const scan = track(a.query(KNN(q)));
    let polls = 0;
    while (!scan.done && polls < 200_000) {
      await b.query('SELECT 1');
      polls++;
    }
    assert.equal(scan.done, true, `the scan was still pending after ${polls} polls`);
    assert.deepEqual((await scan.promise).rows, (await oracle.query(KNN(q))).rows);
  } finally {
    await db.close();
  }
});
