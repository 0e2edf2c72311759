/**
 * Incremental checkpoints (engine/durability.ts): a relation nothing changed keeps its files,
 * a changed table writes a delta of the slots it touched, the deltas fold into a new base once
 * they pass a share of it, and recovery (base + deltas + log) gives back exactly the state the
 * database had. Bytes are counted through the storage backend, never timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { CountingFs } from '../support/counting_fs.js';
import { readControl } from '../../src/storage/checkpoint.js';
import { DELTA_SHARE_MAX } from '../../src/engine/durability.js';
import { powerLoss } from '../support/power_loss.js';

function open(fs: FaultyFs): Promise<Vecgres> {
  return Vecgres.create('db', { storage: fs, walSegmentBytes: 64 * 1024 });
}

const crash = powerLoss;

function vec(p: Prng, dim: number): string {
  return `[${Array.from({ length: dim }, () => (p.int(2001) - 1000) / 100).join(',')}]`;
}

function meta(fs: MemoryFs): { tables: { name: string; file: string; deltas: string[] }[]; indexes: { file: string | null }[] } {
  return readControl(fs, 'db')!.meta as never;
}

async function dump(db: Vecgres, table: string, order: string): Promise<unknown[]> {
  return (await db.query(`SELECT * FROM ${table} ORDER BY ${order}`)).rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

test('a checkpoint after changing a few rows of a large table writes a small delta, and recovery reads it back', async () => {
  const mem = new CountingFs();
  const fs = new FaultyFs(mem, { seed: 1 });
  let db = await open(fs);
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(64), note text)');
  const p = new Prng(11);
  const ROWS = 20_000;
  for (let start = 0; start < ROWS; start += 1000) {
    const vals: string[] = [];
    for (let i = start; i < start + 1000; i++) vals.push(`(${i}, '${vec(p, 64)}', 'row ${i}')`);
    await db.query(`INSERT INTO t VALUES ${vals.join(',')}`);
  }
  await db.exec('CHECKPOINT');
  const full = db.database.durability!.lastCheckpoint!;
  assert.equal(full.tableBaseFiles, 1);
  assert.ok(full.bytes > ROWS * 64 * 4, `the first checkpoint writes the whole table (${full.bytes} bytes)`);
  for (let i = 0; i < 10; i++) await db.query(`UPDATE t SET v = '${vec(p, 64)}' WHERE id = ${i * 7}`);
  await db.query('DELETE FROM t WHERE id BETWEEN 100 AND 104');
  await db.query(`INSERT INTO t VALUES (${ROWS}, '${vec(p, 64)}', 'new'), (${ROWS + 1}, NULL, NULL)`);
  const before = mem.written;
  await db.exec('CHECKPOINT');
  const written = mem.written - before;
  const st = db.database.durability!.lastCheckpoint!;
  assert.deepEqual([st.tableBaseFiles, st.tableDeltaFiles], [0, 1]);
  // 27 touched slots of ~300 bytes against ~5.3 MB: well under 1% (the control file included).
  assert.ok(written < full.bytes / 100, `checkpoint after 27 row changes wrote ${written} bytes, the table is ${full.bytes}`);
  const m = meta(mem);
  assert.equal(m.tables[0]!.deltas.length, 1);
  assert.deepEqual(mem.list('db/base').sort(), readControl(mem, 'db')!.files.slice().sort(), 'the sweep keeps exactly the files the control file names');
  const expected = await dump(db, 't', 'id');
  await db.query(`UPDATE t SET note = 'after' WHERE id = 3`); // replayed from the log
  const expectedAfter = await dump(db, 't', 'id');
  crash(db, fs);
  db = await open(fs);
  assert.deepEqual(await dump(db, 't', 'id'), expectedAfter);
  assert.notDeepEqual(expectedAfter, expected);
  // Recovery reads base + delta; the next checkpoint writes a delta on top (not a new base).
  await db.exec('CHECKPOINT');
  assert.deepEqual([db.database.durability!.lastCheckpoint!.tableBaseFiles, db.database.durability!.lastCheckpoint!.tableDeltaFiles], [0, 1]);
  await db.close();
  db = await open(fs);
  assert.deepEqual(await dump(db, 't', 'id'), expectedAfter);
  await db.close();
});

test('relations nothing changed keep their files: only the changed table is written', async () => {
  const mem = new CountingFs();
  const fs = new FaultyFs(mem, { seed: 2 });
  let db = await open(fs);
  await db.exec('CREATE TABLE a (id int PRIMARY KEY, n int); CREATE TABLE b (id int PRIMARY KEY, v vector(3))');
  await db.exec('CREATE INDEX b_v ON b USING hnsw (v vector_l2_ops)');
  const p = new Prng(3);
  for (let i = 0; i < 200; i++) await db.query('INSERT INTO b VALUES ($1, $2)', [i, vec(p, 3)]);
  await db.query('INSERT INTO a VALUES (1, 1)');
  await db.exec('CHECKPOINT');
  const first = meta(mem);
  await db.query('UPDATE a SET n = 2');
  await db.exec('CHECKPOINT');
  const st = db.database.durability!.lastCheckpoint!;
  assert.equal(st.indexFiles, 0, "b's index is not rewritten");
  assert.equal(st.tableBaseFiles + st.tableDeltaFiles, 1, 'only a is written');
  const second = meta(mem);
  const fileOf = (m: typeof first, name: string) => m.tables.find((t) => t.name === name)!;
  assert.deepEqual(fileOf(second, 'b'), fileOf(first, 'b'), "b's files are the first checkpoint's");
  assert.deepEqual(second.indexes, first.indexes);
  assert.notDeepEqual(fileOf(second, 'a'), fileOf(first, 'a'));
  assert.deepEqual(mem.list('db/base').sort(), readControl(mem, 'db')!.files.slice().sort());
  // Nothing changed at all: the checkpoint writes no table or index file.
  await db.exec('CHECKPOINT');
  assert.deepEqual(db.database.durability!.lastCheckpoint, { tableBaseFiles: 0, tableDeltaFiles: 0, indexFiles: 0, indexDeltaFiles: 0, segmentFiles: 0, keptFiles: 3, bytes: 0, indexBytes: 0 }); // a (one base), b (a base), b_v
  // A VACUUM changes b's index (not b): the index is saved again (whole here: the repairs rewrote
  // most of the lists of this small graph, more than a delta may hold), b keeps its files.
  await db.query('DELETE FROM b WHERE id < 10');
  await db.exec('CHECKPOINT');
  await db.exec('VACUUM b');
  await db.exec('CHECKPOINT');
  assert.deepEqual([db.database.durability!.lastCheckpoint!.indexFiles, db.database.durability!.lastCheckpoint!.indexDeltaFiles], [1, 0]);
  assert.equal(db.database.durability!.lastCheckpoint!.tableDeltaFiles + db.database.durability!.lastCheckpoint!.tableBaseFiles, 0);
  const rowsB = await dump(db, 'b', 'id');
  crash(db, fs);
  db = await open(fs);
  assert.equal(db.database.recovery!.indexesLoaded, 1);
  assert.deepEqual(await dump(db, 'b', 'id'), rowsB);
  assert.deepEqual(await dump(db, 'a', 'id'), ['{"id":1,"n":2}']);
  await db.exec('SET enable_seqscan = off');
  assert.equal((await db.query("SELECT id FROM b ORDER BY v <-> '[0,0,0]' LIMIT 5")).rows.length, 5);
  await db.close();
});

test(`deltas fold into a new base once they pass ${DELTA_SHARE_MAX * 100}% of it; columns added force a base`, async () => {
  const mem = new CountingFs();
  const fs = new FaultyFs(mem, { seed: 3 });
  let db = await open(fs);
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, v vector(8))');
  const p = new Prng(5);
  const vals = Array.from({ length: 1000 }, (_, i) => `(${i}, '${vec(p, 8)}')`);
  await db.query(`INSERT INTO t VALUES ${vals.join(',')}`);
  await db.exec('CHECKPOINT');
  const kinds: string[] = [];
  for (let round = 0; round < 12; round++) {
    await db.query(`UPDATE t SET v = '${vec(p, 8)}' WHERE id % 20 = ${round}`); // 50 rows
    await db.exec('CHECKPOINT');
    const st = db.database.durability!.lastCheckpoint!;
    kinds.push(st.tableBaseFiles === 1 ? 'base' : 'delta');
  }
  // Each delta is ~50 new rows + 50 changed slots (~5% of the base): about 5 deltas pass 25%.
  const firstBase = kinds.indexOf('base');
  assert.ok(firstBase >= 3 && firstBase <= 7, `deltas then a base: ${kinds.join(' ')}`);
  assert.deepEqual(kinds.slice(0, firstBase), new Array(firstBase).fill('delta'));
  const deltasNow = meta(mem).tables[0]!.deltas.length;
  assert.equal(deltasNow, kinds.length - 1 - kinds.lastIndexOf('base'));
  await db.exec("ALTER TABLE t ADD COLUMN note text DEFAULT 'x'");
  await db.exec('CHECKPOINT');
  assert.equal(db.database.durability!.lastCheckpoint!.tableBaseFiles, 1, 'a new column is written as a base');
  assert.deepEqual(meta(mem).tables[0]!.deltas, []);
  const expected = await dump(db, 't', 'id');
  crash(db, fs);
  db = await open(fs);
  assert.deepEqual(await dump(db, 't', 'id'), expected);
  await db.close();
});

const SEEDS = Number(process.env.VECGRES_SIM_TRIALS ?? 6);
const BASE_SEED = Number(process.env.VECGRES_SIM_SEED ?? 808);

test(`random DML between incremental checkpoints, then a crash: recovery gives back the state (${SEEDS} seeds)`, { timeout: 300_000 }, async () => {
  for (let s = 0; s < SEEDS; s++) {
    const seed = BASE_SEED + s;
    const where = `seed ${seed}`;
    const p = new Prng(seed);
    const mem = new CountingFs();
    const fs = new FaultyFs(mem, { seed });
    let db = await open(fs);
    await db.exec('CREATE TABLE r (k text PRIMARY KEY, v vector(3), h halfvec(3), u vector, n int)');
    await db.exec('CREATE TABLE q (id serial PRIMARY KEY, n int)');
    let next = 0;
    const other = db.database.openSession();
    let otherOpen = false;
    // The row the other session deletes: nobody else touches it while that is in flight (40001).
    let held = '';
    const keys = (): Promise<string[]> => db.query<{ k: string }>('SELECT k FROM r ORDER BY k').then((x) => x.rows.map((r) => r.k).filter((k) => k !== held));
    const stats = { base: 0, delta: 0, kept: 0 };
    for (let step = 0; step < 120; step++) {
      try {
        await randomStep(step);
      } catch (e) {
        throw new Error(`${where} step ${step}: ${String(e)}`);
      }
    }
    async function randomStep(step: number): Promise<void> {
      const r = p.next();
      const ks = await keys();
      if (r < 0.3 || ks.length < 5) {
        const rows = Array.from({ length: 1 + p.int(20) }, () => {
          const k = `k${next++}`;
          const u = p.next() < 0.2 ? 'NULL' : `'${vec(p, 1 + p.int(4))}'`;
          return `('${k}', ${p.next() < 0.1 ? 'NULL' : `'${vec(p, 3)}'`}, '${vec(p, 3)}', ${u}, ${p.int(100)})`;
        });
        await db.query(`INSERT INTO r VALUES ${rows.join(',')}`);
      } else if (r < 0.45) {
        await db.query(`UPDATE r SET v = '${vec(p, 3)}', n = n + 1 WHERE k = $1`, [ks[p.int(ks.length)]]);
      } else if (r < 0.55) {
        await db.query('DELETE FROM r WHERE k = $1', [ks[p.int(ks.length)]]);
      } else if (r < 0.6) {
        await db.exec(`BEGIN; UPDATE r SET n = -1 WHERE k = '${ks[p.int(ks.length)]}'; INSERT INTO r VALUES ('z${next++}', NULL, NULL, NULL, 0); ROLLBACK`);
      } else if (r < 0.65 && !otherOpen) {
        // A transaction open across later checkpoints (its rows carry xmin / xmax in the files).
        held = ks[p.int(ks.length)]!;
        db.database.execute(`BEGIN; INSERT INTO r VALUES ('o${next++}', NULL, '[1,2,3]', NULL, 7); DELETE FROM r WHERE k = '${held}'`, [], other);
        otherOpen = true;
      } else if (r < 0.7 && otherOpen) {
        db.database.execute(p.next() < 0.7 ? 'COMMIT' : 'ROLLBACK', [], other);
        await db.database.sync(other); // its rows are published once the commit is durable
        otherOpen = false;
        held = '';
      } else if (r < 0.74) {
        await db.exec('VACUUM r');
      } else if (r < 0.77) {
        await db.query('INSERT INTO q (n) VALUES ($1)', [p.int(10)]);
      } else if (r < 0.78) {
        await db.exec('TRUNCATE q');
      } else if (r < 0.79) {
        await db.exec(`ALTER TABLE q ADD COLUMN c${step} int DEFAULT ${step}`);
      } else {
        await db.exec('CHECKPOINT');
        const st = db.database.durability!.lastCheckpoint;
        if (st !== null) {
          stats.base += st.tableBaseFiles;
          stats.delta += st.tableDeltaFiles;
          stats.kept += st.keptFiles;
        }
      }
    }
    // The other session's delete/insert are in flight at the crash unless it ended.
    const expectR = await dump(db, 'r', 'k');
    const expectQ = await dump(db, 'q', 'id');
    crash(db, fs);
    db = await open(fs);
    assert.deepEqual(await dump(db, 'r', 'k'), expectR, where);
    assert.deepEqual(await dump(db, 'q', 'id'), expectQ, where);
    // A clean close checkpoints (a delta), and a second open reads base + deltas again.
    await db.close();
    db = await open(fs);
    assert.deepEqual(await dump(db, 'r', 'k'), expectR, `${where} after a clean close`);
    await db.close();
    assert.ok(stats.delta > 0 && stats.kept > 0, `${where}: deltas and kept files were exercised ${JSON.stringify(stats)}`);
  }
});
