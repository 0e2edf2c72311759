/**
 * Transaction control as PostgreSQL's, checked against PGlite statement by statement (command
 * tags, NOTICE/WARNING severity, SQLSTATE and text, errors), and independent sessions in the
 * embedded API: concurrent callers each holding a session from db.connect() never share a
 * transaction, one caller's failure never rolls back another's work (seeded random
 * interleavings, in memory and over a data directory), release() rolls back what is open;
 * on Vecgres and on VecgresWorker.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { VecgresApi, VecgresSession } from '../../src/index.js';
import type { PgError } from '../../src/common/errors.js';
import { Prng } from '../../src/common/prng.js';
import { API_IMPLS } from '../support/api_impls.js';
import { startPglite } from '../support/pglite_start.js';

const pg = await startPglite({ extensions: {} });
after(() => pg.close());

type Note = { severity: string; code: string; message: string };
type Outcome = { command?: string; notices: Note[] } | { code: string; message: string; notices: Note[] };

async function onPglite(sql: string): Promise<Outcome> {
  const notices: Note[] = [];
  const onNotice = (n: { severity?: string; code?: string; message?: string }): void => {
    notices.push({ severity: n.severity ?? '', code: n.code ?? '', message: n.message ?? '' });
  };
  try {
    const r = await pg.query(sql, [], { onNotice });
    return { command: r.command, notices };
  } catch (e) {
    const err = e as { code: string; message: string };
    return { code: err.code, message: err.message, notices };
  }
}

async function onVecgres(s: VecgresSession, sql: string): Promise<Outcome> {
  const notices: Note[] = [];
  const onNotice = (n: PgError): void => void notices.push({ severity: n.severity, code: n.code, message: n.message });
  try {
    const r = await s.query(sql, [], { onNotice });
    return { command: r.command, notices };
  } catch (e) {
    const err = e as PgError;
    return { code: err.code, message: err.message, notices };
  }
}

const SCRIPTS: string[][] = [
  ['COMMIT', 'ROLLBACK', 'BEGIN', 'BEGIN', 'COMMIT', 'COMMIT'],
  ['BEGIN', 'INSERT INTO tc VALUES (1)', 'INSERT INTO tc VALUES (1)', 'SELECT 1', 'BEGIN', 'COMMIT', 'SELECT count(*)::int AS n FROM tc'],
  ['BEGIN', 'INSERT INTO tc VALUES (2)', 'SELECT nosuch FROM tc', 'ROLLBACK', 'ROLLBACK', 'SELECT count(*)::int AS n FROM tc'],
  ['START TRANSACTION', 'START TRANSACTION', 'INSERT INTO tc VALUES (3)', 'END', 'END', 'ABORT', 'SELECT count(*)::int AS n FROM tc'],
  ['SET LOCAL enable_seqscan = off', 'BEGIN', 'SET LOCAL enable_seqscan = off', 'COMMIT', 'SHOW enable_seqscan'],
  ['DROP TABLE IF EXISTS nope', 'DROP INDEX IF EXISTS nope', 'CREATE TABLE IF NOT EXISTS tc (id int)', 'CREATE TABLE tc (id int)'],
  ['BEGIN', 'DELETE FROM tc', 'ROLLBACK', 'SELECT count(*)::int AS n FROM tc', 'INSERT INTO tc VALUES (4)', 'DELETE FROM tc WHERE id = 4', 'UPDATE tc SET id = 5 WHERE id = 3'],
];

for (const impl of API_IMPLS) {
  test(`${impl.name}: transaction control: command tags, warnings (25001, 25P01) and notices match PGlite statement by statement`, async () => {
    const db = await impl.create();
    const s = await db.connect();
    for (const setup of ['DROP TABLE IF EXISTS tc', 'CREATE TABLE tc (id int PRIMARY KEY)']) {
      await pg.query(setup);
      await s.query(setup);
    }
    let compared = 0;
    for (const script of SCRIPTS) {
      for (const sql of script) {
        const want = await onPglite(sql);
        const got = await onVecgres(s, sql);
        assert.deepEqual(got, want, `${sql} (script ${script.join('; ')})`);
        compared++;
      }
    }
    assert.equal(compared, SCRIPTS.flat().length);
    // The database's own session gives the same tag and warning, through the database's onNotice.
    const seen: PgError[] = [];
    const db2 = await impl.create({ onNotice: (n) => seen.push(n) });
    assert.equal((await db2.query('COMMIT')).command, 'COMMIT');
    assert.deepEqual(seen.map((n) => [n.severity, n.code, n.message]), [['WARNING', '25P01', 'there is no transaction in progress']]);
    await s.release();
    await db.close();
    await db2.close();
  });

  test(`${impl.name}: the issue's case: a caller whose statement fails cannot roll back another caller's transaction`, async () => {
    const db = await impl.create();
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, who text)');
    const a = await db.connect();
    const b = await db.connect();
    const step = (): Promise<void> => new Promise((r) => setImmediate(r));
    const [ra, rb] = await Promise.all([
      (async () => {
        await a.query('BEGIN');
        await a.query("INSERT INTO t VALUES (1, 'a')");
        await step();
        await step();
        await a.query("INSERT INTO t VALUES (2, 'a')");
        return (await a.query('COMMIT')).command;
      })(),
      (async () => {
        await b.query('BEGIN');
        await step();
        await b.query("INSERT INTO t VALUES (3, 'b')");
        await assert.rejects(b.query("INSERT INTO t VALUES (3, 'b')"), { code: '23505' });
        return (await b.query('COMMIT')).command;
      })(),
    ]);
    assert.equal(ra, 'COMMIT');
    assert.equal(rb, 'ROLLBACK');
    assert.deepEqual((await db.query('SELECT id, who FROM t ORDER BY id')).rows, [{ id: 1, who: 'a' }, { id: 2, who: 'a' }]);
    await a.release();
    await b.release();
    await db.close();
  });

  /**
   * Seeded random interleaving of `callers` callers, each with its own session, each running
   * transactions of raw BEGIN / INSERT / COMMIT where some statement fails on purpose; returns
   * the ids that must be in the table (those of transactions whose COMMIT said COMMIT).
   */
  async function randomCallers(db: VecgresApi, seed: number, callers: number, txns: number): Promise<Set<number>> {
    const p = new Prng(seed);
    const kept = new Set<number>();
    let nextId = 1;
    const yieldRandomly = async (): Promise<void> => {
      for (let i = p.int(3); i > 0; i--) await new Promise((r) => setImmediate(r));
    };
    const caller = async (c: number): Promise<void> => {
      const s = await db.connect();
      for (let t = 0; t < txns; t++) {
        const mine: number[] = [];
        let failed = false;
        const useTransactionApi = p.next() < 0.3;
        const body = async (q: (sql: string) => Promise<unknown>): Promise<void> => {
          for (let i = 1 + p.int(4); i > 0; i--) {
            await yieldRandomly();
            if (!failed && p.next() < 0.15) {
              failed = true;
              await assert.rejects(q('SELECT 1/0'), { code: '22012' });
              continue;
            }
            const id = nextId++;
            if (failed) {
              await assert.rejects(q(`INSERT INTO t VALUES (${id}, ${c})`), { code: '25P02' });
              continue;
            }
            await q(`INSERT INTO t VALUES (${id}, ${c})`);
            mine.push(id);
          }
        };
        if (useTransactionApi) {
          try {
            await s.transaction(async (tx) => {
              await body((sql) => tx.query(sql));
              if (failed) throw new Error('caller gives up');
            });
            assert.ok(!failed);
          } catch (e) {
            assert.ok(failed && e instanceof Error && e.message === 'caller gives up', `seed ${seed} caller ${c}: ${String(e)}`);
          }
        } else {
          await s.query('BEGIN');
          await body((sql) => s.query(sql));
          await yieldRandomly();
          assert.equal((await s.query('COMMIT')).command, failed ? 'ROLLBACK' : 'COMMIT', `seed ${seed} caller ${c}`);
        }
        if (!failed) for (const id of mine) kept.add(id);
      }
      if (p.next() < 0.5) {
        // Left open: release() rolls it back.
        await s.query('BEGIN');
        await s.query(`INSERT INTO t VALUES (${nextId++}, ${c})`);
      }
      await s.release();
    };
    await Promise.all(Array.from({ length: callers }, (_, c) => caller(c)));
    return kept;
  }

  const SEEDS = Number(process.env.VECGRES_SESSION_SEEDS ?? 6);

  test(`${impl.name}: concurrent callers with their own sessions: ${SEEDS} seeds, in memory and on a data directory`, async () => {
    for (let i = 0; i < SEEDS; i++) {
      const seed = 700 + i;
      const opts = i % 2 === 0 ? {} : impl.dataDirOptions();
      const db = await impl.create(opts);
      await db.exec('CREATE TABLE t (id int PRIMARY KEY, caller int)');
      const kept = await randomCallers(db, seed, 6, 8);
      const got = (await db.query<{ id: number }>('SELECT id FROM t ORDER BY id')).rows.map((r) => r.id);
      assert.deepEqual(got, [...kept].sort((a, b) => a - b), `seed ${seed}: the table holds exactly the committed transactions`);
      assert.ok(kept.size > 0, `seed ${seed}: nothing committed`);
      await db.close();
    }
  });

  test(`${impl.name}: sessions: own settings, release() rolls back, calls after release or close fail`, async () => {
    const db = await impl.create();
    await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    const a = await db.connect();
    const b = await db.connect();
    await a.query('SET hnsw.ef_search = 99');
    assert.deepEqual((await a.query('SHOW hnsw.ef_search')).rows, [{ 'hnsw.ef_search': '99' }]);
    assert.deepEqual((await b.query('SHOW hnsw.ef_search')).rows, [{ 'hnsw.ef_search': '40' }]);
    assert.deepEqual((await db.query('SHOW hnsw.ef_search')).rows, [{ 'hnsw.ef_search': '40' }]);
    await a.query('BEGIN');
    await a.query('INSERT INTO t VALUES (1)');
    assert.deepEqual((await b.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: 0 }]);
    await a.release();
    assert.equal(a.released, true);
    await a.release();
    await assert.rejects(a.query('SELECT 1'), /Session is released/);
    assert.deepEqual((await b.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: 0 }]);
    await b.query('INSERT INTO t VALUES (1)'); // the key is free again
    await db.close();
    await assert.rejects(b.query('SELECT 1'), /Vecgres is closed/);
    await assert.rejects(db.connect(), /Vecgres is closed/);
  });
}
