/**
 * CREATE INDEX CONCURRENTLY (sql/exec/index_build_concurrent.ts): the build runs off the event
 * loop, so other sessions' statements complete while it runs (asserted by the order of events
 * and by reading pg_stat_progress_create_index from another session, no timing); rows
 * inserted, updated and deleted meanwhile (committed, rolled back, or still in flight when the
 * build ends) are all found by the index afterwards; the index is not used until
 * the build ended (it is listed INVALID meanwhile, as PostgreSQL lists it); a canceled or
 * timed-out build leaves an INVALID index; a crash during the build leaves an INVALID index
 * (test/sim/cic_crash.test.ts kills the process) and one after it the whole index. DROP INDEX CONCURRENTLY's checks are compared with PGlite's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';

const DIM = 16;

function vec(p: Prng): string {
  return `[${Array.from({ length: DIM }, () => (p.int(2001) - 1000) / 100).join(',')}]`;
}

async function fill(db: Vecgres, p: Prng, from: number, to: number): Promise<void> {
  for (let r = from; r < to; r += 500) {
    const values: string[] = [];
    for (let i = r; i < Math.min(to, r + 500); i++) values.push(`(${i}, '${vec(p)}')`);
    await db.query(`INSERT INTO t VALUES ${values.join(',')}`);
  }
}

type Querier = Pick<Vecgres, 'query'>;

const INVALID_T_V = "SELECT indisvalid, indisready FROM pg_index WHERE indexrelid = 't_v'::regclass";

/** Ids of the 10 nearest rows by an exact scan, and by the index (seqscan off, a wide ef_search). */
async function topIds(s: Querier, q: string, exact: boolean): Promise<number[]> {
  const set = exact ? 'SET enable_indexscan = off' : 'SET enable_seqscan = off; SET hnsw.ef_search = 200';
  for (const st of set.split(';')) await s.query(st);
  const rows = (await s.query<{ id: number }>(`SELECT id FROM t ORDER BY v <-> '${q}' LIMIT 10`)).rows.map((r) => r.id);
  await s.query('RESET enable_indexscan');
  await s.query('RESET enable_seqscan');
  await s.query('RESET hnsw.ef_search');
  return rows;
}

async function plan(s: Querier, q: string): Promise<string> {
  const rows = (await s.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM t ORDER BY v <-> '${q}' LIMIT 10`)).rows;
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

test(`CREATE INDEX CONCURRENTLY: other sessions read and write during the build, and every row written meanwhile is in the index (seed ${SEED})`, async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  const b = await db.connect();
  const c = await db.connect();
  const p = new Prng(SEED);
  try {
    await db.query(`CREATE TABLE t (id integer PRIMARY KEY, v vector(${DIM}))`);
    await fill(db, p, 0, 3000);
    // c holds an uncommitted insert and an uncommitted delete from before the build.
    await c.query('BEGIN');
    await c.query(`INSERT INTO t VALUES (90000, '${vec(p)}')`);
    await c.query('DELETE FROM t WHERE id = 7');
    const events: string[] = [];
    const cic = a.query('CREATE INDEX CONCURRENTLY t_v ON t USING hnsw (v vector_l2_ops)').then(() => events.push('cic'));
    // The build is running: another session sees its progress, and the planner has no index.
    const progress = (await b.query<{ command: string; phase: string; tuples_total: number }>(
      "SELECT command, phase, tuples_total::int AS tuples_total FROM pg_stat_progress_create_index WHERE relid = 't'::regclass",
    )).rows;
    events.push('b-read');
    assert.deepEqual(progress, [{ command: 'CREATE INDEX CONCURRENTLY', phase: 'building index: loading tuples', tuples_total: 3001 }]);
    const q0 = vec(p);
    assert.doesNotMatch(await plan(b, q0), /t_v/);
    // Listed, INVALID and not ready, as PostgreSQL lists it once its first transaction committed.
    assert.deepEqual((await b.query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 't_v'")).rows, [{ n: 1 }]);
    assert.deepEqual((await b.query(INVALID_T_V)).rows, [{ indisvalid: false, indisready: false }]);
    // Writes while it builds: inserts, an update, deletes; committed and rolled back.
    await b.query(`INSERT INTO t VALUES (5000, '${vec(p)}'), (5001, '${vec(p)}')`);
    await b.query(`UPDATE t SET v = '${vec(p)}' WHERE id = 10`);
    await b.query('DELETE FROM t WHERE id IN (11, 12)');
    await b.query('BEGIN');
    await b.query(`INSERT INTO t VALUES (5002, '${vec(p)}')`);
    await b.query('DELETE FROM t WHERE id = 13');
    await b.query('ROLLBACK');
    // DDL and VACUUM of the table wait for the build (test/server/cic_waits.test.ts).
    await assert.rejects(b.query('CREATE TABLE t_v (x int)'), { code: '42P07', message: 'relation "t_v" already exists' });
    // c's transaction stays open across the end of the build.
    await c.query(`INSERT INTO t VALUES (90001, '${vec(p)}')`);
    // Other tables are untouched by the hold.
    await b.query('CREATE TABLE other (x int)');
    await b.query('VACUUM other');
    events.push('b-wrote');
    await cic;
    assert.deepEqual(events, ['b-read', 'b-wrote', 'cic']);
    await c.query('COMMIT');
    await b.query(`INSERT INTO t VALUES (5003, '${vec(p)}')`);

    assert.match(await plan(b, q0), /Index Scan using t_v/);
    assert.deepEqual((await b.query("SELECT indisvalid, indisready FROM pg_index WHERE indexrelid = 't_v'::regclass")).rows, [{ indisvalid: true, indisready: true }]);
    // Every live row is found by the index from its own vector; the dead ones are not.
    const live = (await b.query<{ id: number; v: string }>('SELECT id, v::text AS v FROM t WHERE id >= 5000 OR id IN (7, 10, 13) ORDER BY id')).rows;
    assert.deepEqual(live.map((r) => r.id), [10, 13, 5000, 5001, 5003, 90000, 90001]);
    for (const r of live) {
      const got = await topIds(b, r.v, false);
      assert.equal(got[0], r.id, `row ${r.id} through the index`);
    }
    for (const dead of [7, 11, 12, 5002]) {
      assert.deepEqual((await b.query(`SELECT count(*)::int AS n FROM t WHERE id = ${dead}`)).rows, [{ n: 0 }]);
    }
    // Recall@10 against the exact answer over the final rows.
    let hits = 0;
    const queries = 20;
    for (let i = 0; i < queries; i++) {
      const q = vec(p);
      const want = new Set(await topIds(b, q, true));
      for (const id of await topIds(b, q, false)) if (want.has(id)) hits++;
    }
    assert.ok(hits / (queries * 10) >= 0.95, `recall@10 ${hits / (queries * 10)}`);
    // Now that it ended, the table's DDL and VACUUM go on.
    await b.query('VACUUM t');
  } finally {
    await a.release();
    await b.release();
    await c.release();
    await db.close();
  }
});

test('CREATE INDEX CONCURRENTLY canceled or timed out leaves an INVALID index; the table is free again', async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  const b = await db.connect();
  const p = new Prng(SEED + 1);
  try {
    await db.query(`CREATE TABLE t (id integer PRIMARY KEY, v vector(${DIM}))`);
    await fill(db, p, 0, 3000);
    // A session of the engine (the wire server's CancelRequest reaches requestCancel so).
    const engine = db.database;
    const s = engine.openSession();
    const cic = engine.runScript('CREATE INDEX CONCURRENTLY t_v ON t USING hnsw (v vector_l2_ops)', [], s, () => undefined);
    // b's statement runs while s waits for its build: cancel it from here.
    await b.query('SELECT 1');
    s.interrupts.requestCancel();
    await assert.rejects(cic, { code: '57014', message: 'canceling statement due to user request' });
    assert.deepEqual((await b.query(INVALID_T_V)).rows, [{ indisvalid: false, indisready: false }]);
    assert.deepEqual((await b.query('SELECT count(*)::int AS n FROM pg_stat_progress_create_index')).rows, [{ n: 0 }]);
    await b.query('VACUUM t');
    await b.query('DROP INDEX t_v');

    // statement_timeout ends the build the same way, whether it fires while the rows are read
    // or during the wait: each read of this clock is an hour later, past any deadline.
    await db.query("SET statement_timeout = '1min'");
    const interrupts = db.database.session.interrupts;
    const real = interrupts.clock;
    let t = 0;
    interrupts.clock = { nowMs: () => (t += 3_600_000), wallMs: () => t };
    try {
      await assert.rejects(db.query('CREATE INDEX CONCURRENTLY t_v ON t USING hnsw (v vector_l2_ops)'), { code: '57014', message: 'canceling statement due to statement timeout' });
    } finally {
      interrupts.clock = real;
    }
    await db.query('RESET statement_timeout');
    assert.deepEqual((await b.query(INVALID_T_V)).rows, [{ indisvalid: false, indisready: false }]);
    assert.deepEqual((await b.query('SELECT count(*)::int AS n FROM pg_stat_progress_create_index')).rows, [{ n: 0 }]);
    // DROP INDEX CONCURRENTLY removes it, and a later build succeeds under the same name.
    await a.query('DROP INDEX CONCURRENTLY t_v');
    await a.query('CREATE INDEX CONCURRENTLY t_v ON t USING hnsw (v vector_l2_ops)');
    assert.deepEqual((await b.query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 't_v'")).rows, [{ n: 1 }]);
  } finally {
    await a.release();
    await b.release();
    await db.close();
  }
});

test('a crash during CREATE INDEX CONCURRENTLY leaves an INVALID index; one after it commits recovers the whole index', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-cic-'));
  const p = new Prng(SEED + 2);
  try {
    let db = await Vecgres.create(dir);
    await db.query(`CREATE TABLE t (id integer PRIMARY KEY, v vector(${DIM}))`);
    await fill(db, p, 0, 2000);
    const a = await db.connect();
    const cic = a.query('CREATE INDEX CONCURRENTLY t_v ON t USING hnsw (v vector_l2_ops)');
    await db.query(`INSERT INTO t VALUES (9000, '${vec(p)}')`);
    db.database.abandon();
    await assert.rejects(cic);
    db = await Vecgres.create(dir);
    // Its definition was committed before the build, and the acknowledged INSERT made it durable.
    assert.deepEqual((await db.query(INVALID_T_V)).rows, [{ indisvalid: false, indisready: false }]);
    assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: 2001 }]);
    await db.query('DROP INDEX t_v');

    const b = await db.connect();
    const cic2 = b.query('CREATE INDEX CONCURRENTLY t_v ON t USING hnsw (v vector_l2_ops)');
    const late = vec(p);
    await db.query(`INSERT INTO t VALUES (9001, '${late}')`);
    await cic2;
    db.database.abandon();
    db = await Vecgres.create(dir);
    assert.match(await plan(db, late), /Index Scan using t_v/);
    assert.equal((await topIds(db, late, false))[0], 9001);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(`CREATE INDEX CONCURRENTLY with writes interleaved with the linking, one per turn of the event loop (seed ${SEED})`, async () => {
  const db = await Vecgres.create();
  const a = await db.connect();
  const b = await db.connect();
  const p = new Prng(SEED + 3);
  try {
    await db.query(`CREATE TABLE t (id integer PRIMARY KEY, v vector(${DIM}))`);
    await fill(db, p, 0, 2500);
    let done = false;
    const cic = a.query('CREATE INDEX CONCURRENTLY t_v ON t USING hnsw (v vector_l2_ops)').then(() => {
      done = true;
    });
    let next = 10000;
    const ids: number[] = [];
    let ops = 0;
    // Random writes while the build links (on the pool's worker, or in slices on this thread):
    // each op is a statement or a transaction, committed or rolled back.
    while (!done && ops < 400) {
      ops++;
      const op = p.int(5);
      if (op === 0) {
        await b.query(`INSERT INTO t VALUES (${next}, '${vec(p)}')`);
        ids.push(next++);
      } else if (op === 1) {
        await b.query(`UPDATE t SET v = '${vec(p)}' WHERE id = ${p.int(2500)}`);
      } else if (op === 2) {
        await b.query(`DELETE FROM t WHERE id = ${p.int(2500)}`);
      } else if (op === 3) {
        await b.query('BEGIN');
        await b.query(`INSERT INTO t VALUES (${next++}, '${vec(p)}')`);
        await b.query(`UPDATE t SET v = '${vec(p)}' WHERE id = ${p.int(2500)}`);
        await b.query('ROLLBACK');
      } else {
        await b.query(`SELECT count(*) FROM t WHERE id = ${p.int(2500)}`);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await cic;
    assert.ok(ops > 0, 'writes ran while the build did');
    // Every live row of the table is among the 10 the index returns for its own vector.
    const live = (await b.query<{ id: number; v: string }>('SELECT id, v::text AS v FROM t ORDER BY id')).rows;
    let found = 0;
    const missed: number[] = [];
    await b.query('SET enable_seqscan = off');
    await b.query('SET hnsw.ef_search = 200');
    for (const r of live) {
      const got = (await b.query<{ id: number }>(`SELECT id FROM t ORDER BY v <-> '${r.v}' LIMIT 10`)).rows.map((x) => x.id);
      if (got.includes(r.id)) found++;
      else missed.push(r.id);
    }
    await b.query('RESET enable_seqscan');
    await b.query('RESET hnsw.ef_search');
    // Rows written during the build: each one (HNSW's recall on the rest is measured, not required exact).
    for (const id of ids) if (live.some((r) => r.id === id)) assert.ok(!missed.includes(id), `row ${id} inserted during the build is found through the index (seed ${SEED})`);
    assert.ok(found / live.length >= 0.99, `self-recall ${found / live.length} (seed ${SEED})`);
    assert.match(await plan(b, vec(p)), /Index Scan using t_v/);
  } finally {
    await a.release();
    await b.release();
    await db.close();
  }
});

test('through the synchronous engine call, CREATE INDEX CONCURRENTLY builds as a plain CREATE INDEX', async () => {
  const db = await Vecgres.create();
  const p = new Prng(SEED + 4);
  try {
    await db.query(`CREATE TABLE t (id integer PRIMARY KEY, v vector(${DIM}))`);
    await fill(db, p, 0, 300);
    const [r] = db.database.execute('CREATE INDEX CONCURRENTLY t_v ON t USING hnsw (v vector_l2_ops)');
    assert.equal(r!.command, 'CREATE INDEX');
    const q = vec(p);
    await db.query('SET enable_seqscan = off');
    assert.match(await plan(db, q), /Index Scan using t_v/);
    await db.query('RESET enable_seqscan');
    assert.deepEqual(await topIds(db, q, false), await topIds(db, q, true));
  } finally {
    await db.close();
  }
});
