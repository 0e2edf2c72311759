/**
 * CREATE INDEX CONCURRENTLY of IVFFlat and B-tree indexes (sql/exec/index_build_concurrent.ts,
 * access/ivfflat/build-async.ts, access/btree/build.ts buildBtreeAsync), and a plain IVFFlat
 * CREATE INDEX off the event loop. While a build is held open (test/support/gates.ts: its
 * result is handed over only when the test lets it, no timing), other sessions read and write
 * the table: inserts, updates and deletes, committed, rolled back and still in flight. Then
 * the index must answer exactly as a sequential scan does (IVFFlat with probes = lists, which
 * makes its scan exact), and the plan must use it. During the build the index is listed as
 * INVALID and not ready, as PostgreSQL lists it (pg_index), and not planned. A UNIQUE B-tree
 * whose rows come to repeat a key during the build fails with 23505 and stays INVALID.
 * Random writes interleaved with an ungated build, one per turn of the event loop, take a seed
 * (VECGRES_SEED replays a run) and stop with the build or after VECGRES_CIC_WRITES writes
 * (default 300).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { buildTestHooks } from '../../src/sql/exec/index_build_concurrent.js';
import { SEED } from '../support/seed.js';
import { gateBuilds, hold, track } from '../support/gates.js';

const DIM = 12;
const WRITES = Number(process.env['VECGRES_CIC_WRITES'] ?? 300);
const LISTS = 8;

type Querier = Pick<Vecgres, 'query'>;

function vec(p: Prng): string {
  return `[${Array.from({ length: DIM }, () => (p.int(2001) - 1000) / 100).join(',')}]`;
}

async function fill(db: Querier, p: Prng, from: number, to: number): Promise<void> {
  for (let r = from; r < to; r += 500) {
    const values: string[] = [];
    for (let i = r; i < Math.min(to, r + 500); i++) values.push(`(${i}, ${p.int(50)}, '${vec(p)}')`);
    await db.query(`INSERT INTO t VALUES ${values.join(',')}`);
  }
}

async function setup(db: Vecgres, p: Prng, rows: number): Promise<void> {
  await db.query(`CREATE TABLE t (id integer PRIMARY KEY, n integer, v vector(${DIM}))`);
  await fill(db, p, 0, rows);
}

const STATE = (name: string): string => `SELECT indisvalid, indisready FROM pg_index WHERE indexrelid = '${name}'::regclass`;

async function rows(s: Querier, sql: string, settings: string[]): Promise<unknown[]> {
  for (const st of settings) await s.query(st);
  try {
    return (await s.query(sql)).rows;
  } finally {
    await s.query('RESET ALL');
  }
}

async function plan(s: Querier, sql: string, settings: string[]): Promise<string> {
  const r = (await rows(s, `EXPLAIN (COSTS OFF) ${sql}`, settings)) as { 'QUERY PLAN': string }[];
  return r.map((x) => x['QUERY PLAN']).join('\n');
}

const EXACT = ['SET enable_indexscan = off', 'SET enable_bitmapscan = off'];
const IVF = ['SET enable_seqscan = off', `SET ivfflat.probes = ${LISTS}`];
const BTREE = ['SET enable_seqscan = off'];

/** The IVFFlat index answers 10-NN queries (its own rows' vectors and random ones) exactly as a sequential scan. */
async function ivfflatMatchesSeqScan(s: Querier, p: Prng, label: string): Promise<void> {
  const own = (await s.query<{ v: string }>('SELECT v::text AS v FROM t WHERE v IS NOT NULL ORDER BY id')).rows.map((r) => r.v);
  const qs = [...own.filter((_, i) => i % 97 === 0), ...own.slice(-12), ...Array.from({ length: 10 }, () => vec(p))];
  const knn = (q: string): string => `SELECT id FROM t ORDER BY v <-> '${q}' LIMIT 10`;
  assert.match(await plan(s, knn(qs[0]!), IVF), /Index Scan using t_ivf/, label);
  for (const q of qs) assert.deepEqual(await rows(s, knn(q), IVF), await rows(s, knn(q), EXACT), `${label}: query ${q} (seed ${SEED})`);
}

/** The B-tree answers equality and range queries exactly as a sequential scan. */
async function btreeMatchesSeqScan(s: Querier, label: string): Promise<void> {
  const eq = (n: number): string => `SELECT id FROM t WHERE n = ${n} ORDER BY id`;
  assert.match(await plan(s, eq(3), BTREE), /t_n/, label);
  for (let n = -1; n <= 51; n++) assert.deepEqual(await rows(s, eq(n), BTREE), await rows(s, eq(n), EXACT), `${label}: n = ${n}`);
  const range = 'SELECT id, n FROM t WHERE n BETWEEN 10 AND 20 ORDER BY n, id';
  assert.deepEqual(await rows(s, range, BTREE), await rows(s, range, EXACT), `${label}: range`);
  const nulls = 'SELECT id FROM t WHERE n IS NULL ORDER BY id';
  assert.deepEqual(await rows(s, nulls, BTREE), await rows(s, nulls, EXACT), `${label}: IS NULL`);
}

/**
 * Writes by `b` (and an open transaction of `c`, committed by the caller) while a build is held:
 * committed inserts, updates of the key and the vector, deletes, a rolled-back transaction.
 */
async function writeDuring(b: Querier, c: Querier, p: Prng, base: number): Promise<void> {
  await b.query(`INSERT INTO t VALUES (${base}, 7, '${vec(p)}'), (${base + 1}, NULL, '${vec(p)}'), (${base + 2}, 49, NULL)`);
  await b.query(`UPDATE t SET v = '${vec(p)}', n = n + 1 WHERE id IN (10, 20, 30)`);
  await b.query('DELETE FROM t WHERE id IN (11, 12, 13)');
  await b.query('BEGIN');
  await b.query(`INSERT INTO t VALUES (${base + 3}, 5, '${vec(p)}')`);
  await b.query('UPDATE t SET n = 0 WHERE id = 14');
  await b.query('DELETE FROM t WHERE id = 15');
  await b.query('ROLLBACK');
  await c.query(`INSERT INTO t VALUES (${base + 4}, 8, '${vec(p)}')`);
  await c.query(`UPDATE t SET n = 9, v = '${vec(p)}' WHERE id = 16`);
}

for (const method of ['ivfflat', 'btree'] as const) {
  test(`${method} CREATE INDEX CONCURRENTLY: reads and writes go on, and the index then answers as a sequential scan (seed ${SEED})`, async () => {
    const db = await Vecgres.create();
    const [a, b, c] = [await db.connect(), await db.connect(), await db.connect()];
    const p = new Prng(SEED + (method === 'btree' ? 11 : 10));
    try {
      await setup(db, p, 2500);
      // c's transaction writes before the build and stays open across its end.
      await c.query('BEGIN');
      await c.query(`INSERT INTO t VALUES (90000, 3, '${vec(p)}')`);
      await c.query('DELETE FROM t WHERE id = 7');
      const gate = gateBuilds(db, method);
      const name = method === 'btree' ? 't_n' : 't_ivf';
      const sql = method === 'btree' ? 'CREATE INDEX CONCURRENTLY t_n ON t (n)' : `CREATE INDEX CONCURRENTLY t_ivf ON t USING ivfflat (v vector_l2_ops) WITH (lists = ${LISTS})`;
      const cic = track(a.query(sql));
      // Held: listed INVALID and not ready (PostgreSQL's first transaction committed it), not planned.
      assert.deepEqual((await b.query(STATE(name))).rows, [{ indisvalid: false, indisready: false }]);
      // Where the build is when the gate holds it varies; that it is listed does not.
      const progress = (await b.query("SELECT command FROM pg_stat_progress_create_index WHERE relid = 't'::regclass")).rows;
      assert.deepEqual(progress, [{ command: 'CREATE INDEX CONCURRENTLY' }]);
      const probe = method === 'btree' ? 'SELECT id FROM t WHERE n = 3' : `SELECT id FROM t ORDER BY v <-> '${vec(p)}' LIMIT 10`;
      assert.doesNotMatch(await plan(b, probe, method === 'btree' ? BTREE : IVF), new RegExp(name));
      await writeDuring(b, c, p, 5000);
      assert.equal(cic.done, false, 'the build is held');
      gate.release();
      await cic.promise;
      gate.restore();
      await c.query('COMMIT');
      await b.query(`INSERT INTO t VALUES (5100, 1, '${vec(p)}')`);
      assert.deepEqual((await b.query(STATE(name))).rows, [{ indisvalid: true, indisready: true }]);
      if (method === 'btree') await btreeMatchesSeqScan(b, 'after the build');
      else await ivfflatMatchesSeqScan(b, p, 'after the build');
      await b.query('VACUUM t');
      if (method === 'btree') await btreeMatchesSeqScan(b, 'after VACUUM');
      else await ivfflatMatchesSeqScan(b, p, 'after VACUUM');
    } finally {
      for (const s of [a, b, c]) await s.release();
      await db.close();
    }
  });

  test(`${method} CREATE INDEX CONCURRENTLY with random writes interleaved, one per turn of the event loop (seed ${SEED})`, async () => {
    const db = await Vecgres.create();
    const [a, b] = [await db.connect(), await db.connect()];
    const p = new Prng(SEED + (method === 'btree' ? 21 : 20));
    try {
      // Enough rows that the build takes several turns of the event loop (B-tree: reading and
      // sorting 4,096 and 8,192 at a time).
      const total = method === 'btree' ? 20000 : 6000;
      await setup(db, p, total);
      let done = false;
      const sql = method === 'btree' ? 'CREATE INDEX CONCURRENTLY t_n ON t (n)' : `CREATE INDEX CONCURRENTLY t_ivf ON t USING ivfflat (v vector_l2_ops) WITH (lists = ${LISTS})`;
      const cic = a.query(sql).then(() => {
        done = true;
      });
      let next = 100000;
      let ops = 0;
      while (!done && ops < WRITES) {
        ops++;
        const op = p.int(4);
        if (op === 0) await b.query(`INSERT INTO t VALUES (${next++}, ${p.int(50)}, '${vec(p)}')`);
        else if (op === 1) await b.query(`UPDATE t SET n = ${p.int(50)}, v = '${vec(p)}' WHERE id = ${p.int(total)}`);
        else if (op === 2) await b.query(`DELETE FROM t WHERE id = ${p.int(total)}`);
        else {
          await b.query('BEGIN');
          await b.query(`INSERT INTO t VALUES (${next++}, ${p.int(50)}, '${vec(p)}')`);
          await b.query(`UPDATE t SET n = ${p.int(50)} WHERE id = ${p.int(total)}`);
          await b.query('ROLLBACK');
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await cic;
      assert.ok(ops > 1, `writes ran while the build did (${ops})`);
      if (method === 'btree') await btreeMatchesSeqScan(b, `after ${ops} writes`);
      else await ivfflatMatchesSeqScan(b, p, `after ${ops} writes`);
    } finally {
      await a.release();
      await b.release();
      await db.close();
    }
  });
}

test('UNIQUE B-tree CREATE INDEX CONCURRENTLY: a duplicate written during the build fails it with 23505 and leaves it INVALID', async () => {
  const db = await Vecgres.create();
  const [a, b] = [await db.connect(), await db.connect()];
  const p = new Prng(SEED + 30);
  try {
    await db.query(`CREATE TABLE t (id integer PRIMARY KEY, n integer, v vector(${DIM}))`);
    await db.query(`INSERT INTO t SELECT i, i, '${vec(p)}' FROM generate_series(1, 3000) i`);
    const gate = gateBuilds(db, 'btree');
    const cic = track(a.query('CREATE UNIQUE INDEX CONCURRENTLY t_n ON t (n)'));
    // Not ready: it enforces nothing yet, so the duplicate goes in.
    await b.query(`INSERT INTO t VALUES (5000, 1234, '${vec(p)}')`);
    gate.release();
    await assert.rejects(cic.promise, { code: '23505', message: 'could not create unique index "t_n"', detail: 'Key (n)=(1234) is duplicated.' });
    gate.restore();
    assert.deepEqual((await b.query(STATE('t_n'))).rows, [{ indisvalid: false, indisready: false }]);
    assert.doesNotMatch(await plan(b, 'SELECT id FROM t WHERE n = 1234', BTREE), /t_n/);
    // Still enforces nothing; once the duplicates are gone REINDEX makes it valid and unique.
    await b.query(`INSERT INTO t VALUES (5001, 1234, '${vec(p)}')`);
    await b.query('DELETE FROM t WHERE id >= 5000');
    await b.query('REINDEX INDEX t_n');
    assert.deepEqual((await b.query(STATE('t_n'))).rows, [{ indisvalid: true, indisready: true }]);
    await assert.rejects(b.query(`INSERT INTO t VALUES (5002, 1234, '${vec(p)}')`), { code: '23505' });
    // Without duplicates a concurrent UNIQUE build succeeds and enforces.
    await b.query('DROP INDEX t_n');
    await a.query('CREATE UNIQUE INDEX CONCURRENTLY t_n ON t (n)');
    await assert.rejects(b.query(`INSERT INTO t VALUES (5003, 17, '${vec(p)}')`), { code: '23505', message: 'duplicate key value violates unique constraint "t_n"' });
  } finally {
    await a.release();
    await b.release();
    await db.close();
  }
});

test(`plain IVFFlat CREATE INDEX off the event loop: others read, writes wait, cancel leaves nothing (seed ${SEED})`, async () => {
  const db = await Vecgres.create();
  const [a, b] = [await db.connect(), await db.connect()];
  const p = new Prng(SEED + 40);
  try {
    await setup(db, p, 2000);
    await a.query('SET min_parallel_table_scan_size = 0');
    const gate = hold(buildTestHooks);
    const build = track(a.query(`CREATE INDEX t_ivf ON t USING ivfflat (v vector_l2_ops) WITH (lists = ${LISTS})`));
    assert.deepEqual((await b.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: 2000 }]);
    const progress = (await b.query("SELECT command FROM pg_stat_progress_create_index WHERE relid = 't'::regclass")).rows;
    assert.deepEqual(progress, [{ command: 'CREATE INDEX' }]);
    // A plain build commits nothing before it ends.
    assert.deepEqual((await b.query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 't_ivf'")).rows, [{ n: 0 }]);
    const write = track(b.query(`INSERT INTO t VALUES (9000, 1, '${vec(p)}')`));
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(write.done, false, 'the write waits for the SHARE lock');
    gate.open();
    await build.promise;
    await write.promise;
    await ivfflatMatchesSeqScan(b, p, 'plain build');
    // The same centers and lists as the synchronous build (engine.execute cannot await) over
    // the same rows (the one written after the build goes): with one probe, every answer
    // depends on them.
    await b.query('DELETE FROM t WHERE id = 9000');
    const qs = Array.from({ length: 20 }, () => vec(p));
    const knn = (q: string): string => `SELECT id FROM t ORDER BY v <-> '${q}' LIMIT 10`;
    const offThread = [];
    for (const q of qs) offThread.push(await rows(b, knn(q), ['SET enable_seqscan = off']));
    await a.query('DROP INDEX t_ivf');
    db.database.execute(`CREATE INDEX t_ivf ON t USING ivfflat (v vector_l2_ops) WITH (lists = ${LISTS})`);
    for (let i = 0; i < qs.length; i++) assert.deepEqual(await rows(b, knn(qs[i]!), ['SET enable_seqscan = off']), offThread[i], `probes = 1, query ${i}`);

    // Canceled while held: nothing is left, and the table takes writes again.
    await a.query('DROP INDEX t_ivf');
    const engine = db.database;
    const s = engine.openSession();
    engine.runScript('SET min_parallel_table_scan_size = 0', [], s, () => undefined);
    const gate2 = hold(buildTestHooks);
    const canceled = engine.runScript(`CREATE INDEX t_ivf ON t USING ivfflat (v vector_l2_ops) WITH (lists = ${LISTS})`, [], s, () => undefined);
    await b.query('SELECT 1');
    s.interrupts.requestCancel();
    await assert.rejects(canceled, { code: '57014' });
    gate2.open();
    assert.deepEqual((await b.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = 't_ivf'")).rows, [{ n: 0 }]);
    await b.query(`INSERT INTO t VALUES (9001, 1, '${vec(p)}')`);
  } finally {
    await a.release();
    await b.release();
    await db.close();
  }
});
