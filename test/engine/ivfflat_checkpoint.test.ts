// IVFFlat indexes are durable as HNSW ones: a large build is checkpointed and read back after a
// crash (not rebuilt), a small one is rebuilt from the table, and both answer as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';

async function crashAfterIndex(rows: number): Promise<{ loaded: number; rebuilt: number; before: unknown; after: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-ivfckpt-'));
  const query = "SELECT id FROM t ORDER BY v <=> '[0.5,0.1,0.9,0.3]' LIMIT 10";
  try {
    const db = await Vecgres.create(dir);
    await db.exec('CREATE TABLE t (id integer PRIMARY KEY, v vector(4))');
    const rng = new Prng(11);
    for (let start = 0; start < rows; start += 1000) {
      const vals: string[] = [];
      for (let i = start; i < Math.min(rows, start + 1000); i++) vals.push(`(${i}, '[${[0, 1, 2, 3].map(() => rng.next().toFixed(4)).join(',')}]')`);
      await db.query(`INSERT INTO t VALUES ${vals.join(',')}`);
    }
    await db.query('CREATE INDEX t_v_idx ON t USING ivfflat (v vector_cosine_ops) WITH (lists = 20)');
    await db.query('DELETE FROM t WHERE id % 7 = 0');
    await db.query("INSERT INTO t VALUES (-1, '[0.5,0.1,0.9,0.3]')");
    await db.exec('SET ivfflat.probes = 3');
    const before = (await db.query(query)).rows;
    db.database.abandon(); // a crash: nothing more is written
    const again = await Vecgres.create(dir);
    try {
      const r = again.database.recovery!;
      await again.exec('SET ivfflat.probes = 3');
      assert.match(((await again.query(`EXPLAIN ${query}`)).rows[1] as Record<string, string>)['QUERY PLAN']!, /Index Scan using t_v_idx/);
      const after = (await again.query(query)).rows;
      return { loaded: r.indexesLoaded, rebuilt: r.indexesRebuilt, before, after };
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a large ivfflat CREATE INDEX is checkpointed: after a crash it is read back and answers the same', async () => {
  const r = await crashAfterIndex(12_000);
  assert.equal(r.rebuilt, 0);
  assert.equal(r.loaded, 1);
  assert.deepEqual(r.after, r.before);
});

test('a small ivfflat index is rebuilt from the table after a crash', async () => {
  const r = await crashAfterIndex(500);
  assert.equal(r.rebuilt, 1);
  assert.equal(r.loaded, 0);
  assert.equal((r.after as unknown[]).length, 10);
});

test('REINDEX is durable: after a crash the index has the REINDEX lists, not the checkpointed ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-ivfreindex-'));
  const query = "SELECT id FROM t ORDER BY v <-> '[0.5,0.1,0.9,0.3]' LIMIT 10";
  const computations = async (db: Vecgres): Promise<number> => {
    const r = await db.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${query}`);
    const text = (r.rows as Array<Record<string, string>>).map((x) => Object.values(x)[0]).join('\n');
    return Number(/Distance Computations: (\d+)/.exec(text)![1]);
  };
  try {
    const db = await Vecgres.create(dir);
    await db.exec('CREATE TABLE t (id integer PRIMARY KEY, v vector(4))');
    await db.exec('CREATE INDEX t_v_idx ON t USING ivfflat (v) WITH (lists = 40)');
    const rng = new Prng(12);
    const vals: string[] = [];
    for (let i = 0; i < 4000; i++) vals.push(`(${i}, '[${[0, 1, 2, 3].map(() => (rng.next() * 2 - 1).toFixed(4)).join(',')}]')`);
    await db.query(`INSERT INTO t VALUES ${vals.join(',')}`);
    await db.exec('CHECKPOINT'); // the index with its empty-table (random) centers is saved
    await db.exec('SET enable_seqscan = off');
    const before = await computations(db);
    await db.exec('REINDEX TABLE t');
    const reindexed = await computations(db);
    // Other lists, so another count of entries read (seeded data: not equal by chance).
    assert.notEqual(reindexed, before, `distance computations ${before} before REINDEX, ${reindexed} after`);
    const rows = (await db.query(query)).rows;
    db.database.abandon();
    const again = await Vecgres.create(dir);
    try {
      await again.exec('SET enable_seqscan = off');
      assert.equal(await computations(again), reindexed);
      assert.deepEqual((await again.query(query)).rows, rows);
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A table of 4,000 rows whose ivfflat index was made while it was empty (random centers) and
 * checkpointed, so REINDEX gives it other lists: the distance computations of one query at
 * probes 1 tell the two structures apart.
 */
async function emptyBuiltIndex(dir: string): Promise<Vecgres> {
  const db = await Vecgres.create(dir);
  await db.exec('CREATE TABLE t (id integer PRIMARY KEY, v vector(4))');
  await db.exec('CREATE INDEX t_v_idx ON t USING ivfflat (v) WITH (lists = 40)');
  const rng = new Prng(13);
  const vals: string[] = [];
  for (let i = 0; i < 4000; i++) vals.push(`(${i}, '[${[0, 1, 2, 3].map(() => (rng.next() * 2 - 1).toFixed(4)).join(',')}]')`);
  await db.query(`INSERT INTO t VALUES ${vals.join(',')}`);
  await db.exec('CHECKPOINT');
  return db;
}

async function reindexComputations(db: Vecgres | Awaited<ReturnType<Vecgres['connect']>>): Promise<number> {
  const query = "SELECT id FROM t ORDER BY v <-> '[0.5,0.1,0.9,0.3]' LIMIT 10";
  await db.query('SET enable_seqscan = off');
  const r = await db.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${query}`);
  const text = (r.rows as Array<Record<string, string>>).map((x) => Object.values(x)[0]).join('\n');
  assert.match(text, /Index Scan using t_v_idx/);
  return Number(/Distance Computations: (\d+)/.exec(text)![1]);
}

test('REINDEX in a transaction block: ROLLBACK and ROLLBACK TO keep the old lists, others get 55P03 until it ends, recovery agrees', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-ivfreindex-tx-'));
  try {
    let db = await emptyBuiltIndex(dir);
    const before = await reindexComputations(db);
    const a = await db.connect();
    const b = await db.connect();
    try {
      await a.query('BEGIN');
      await a.query('REINDEX INDEX t_v_idx');
      const reindexed = await reindexComputations(a);
      assert.notEqual(reindexed, before, `distance computations ${before} before REINDEX, ${reindexed} after`);
      await assert.rejects(b.query('SELECT count(*) FROM t'), { code: '55P03', message: 'could not obtain lock on relation "t"' });
      await assert.rejects(b.query("INSERT INTO t VALUES (-1, '[1,1,1,1]')"), { code: '55P03' });
      await a.query('ROLLBACK');
      assert.equal(await reindexComputations(b), before);
      assert.equal(await reindexComputations(a), before);
      // Rolled back to a savepoint, then committed: the old lists stay.
      await a.query('BEGIN');
      await a.query('SAVEPOINT s');
      await a.query('REINDEX TABLE t');
      assert.equal(await reindexComputations(a), reindexed);
      await a.query('ROLLBACK TO s');
      assert.equal(await reindexComputations(a), before);
      await a.query('COMMIT');
      assert.equal(await reindexComputations(b), before);
      // Killed before its COMMIT: recovery keeps the old lists too.
      await a.query('BEGIN');
      await a.query('REINDEX INDEX t_v_idx');
      assert.equal(await reindexComputations(a), reindexed);
    } finally {
      await a.release();
      await b.release();
    }
    db.database.abandon();
    db = await Vecgres.create(dir);
    try {
      assert.equal(await reindexComputations(db), before);
      // Committed in a block: recovery has the new lists.
      await db.exec('BEGIN; REINDEX INDEX t_v_idx; COMMIT');
      const committed = await reindexComputations(db);
      assert.notEqual(committed, before);
      db.database.abandon();
      db = await Vecgres.create(dir);
      assert.equal(await reindexComputations(db), committed);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
