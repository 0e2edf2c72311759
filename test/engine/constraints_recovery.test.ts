/**
 * Constraints and ALTER TABLE survive a crash: replayed from the log alone, and read from a
 * checkpoint followed by more log. After recovery every table reads as it did before the
 * crash, and each constraint refuses (or cascades) exactly what it did before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { SEED } from '../support/seed.js';
import { runCrashScript } from '../support/crash_script.js';
import { Rng } from '../support/random_query/rng.js';
import { oids } from '../support/object_oids.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { tableDefFromValue, tableDefToValue } from '../../src/storage/table.js';
import { ByteReader, ByteWriter } from '../../src/storage/codec.js';
import { openSmallSegments, powerLoss } from '../support/power_loss.js';

const open = openSmallSegments;

const crash = powerLoss;

const SCHEMA = [
  `CREATE TABLE docs (id int PRIMARY KEY, code int UNIQUE, title text CHECK (length(title) < 10))`,
  `CREATE TABLE chunks (id int PRIMARY KEY, doc_id int REFERENCES docs ON DELETE CASCADE, body text, old int)`,
  `INSERT INTO docs VALUES (1, 10, 'one'), (2, 20, 'two'), (3, 30, 'three')`,
  `INSERT INTO chunks VALUES (1, 1, 'a', 0), (2, 2, 'b', 0), (3, 2, 'c', 0)`,
];
const ALTERS = [
  `ALTER TABLE chunks ADD COLUMN score int DEFAULT 7 NOT NULL`,
  `ALTER TABLE chunks DROP COLUMN old`,
  `ALTER TABLE chunks ADD CONSTRAINT score_pos CHECK (score > 0)`,
  `ALTER TABLE chunks RENAME COLUMN body TO content`,
  `ALTER TABLE docs RENAME TO documents`,
  `ALTER TABLE chunks ADD CONSTRAINT chunks_code FOREIGN KEY (score) REFERENCES documents (code) NOT VALID`,
  `ALTER TABLE chunks DROP CONSTRAINT chunks_code`,
  `ALTER TABLE documents ALTER COLUMN title SET NOT NULL`,
  `ALTER TABLE chunks ADD COLUMN e vector(3)`,
  `UPDATE chunks SET e = ARRAY[id, id, 1]::vector(3)`,
  `CREATE INDEX chunks_e ON chunks USING hnsw (e vector_l2_ops)`,
  `ALTER TABLE chunks ALTER COLUMN e TYPE vector(2) USING subvector(e, 1, 2)::vector(2)`,
];
const READS = [
  'SELECT * FROM documents ORDER BY id', 'SELECT * FROM chunks ORDER BY id', `SELECT id FROM chunks ORDER BY e <-> '[3,3]' LIMIT 2`,
  // NOT NULL constraints keep the names they had before RENAME (docs_id_not_null of documents).
  `SELECT conname::text, conrelid::regclass::text FROM pg_constraint WHERE contype = 'n' ORDER BY 1`,
];
/** Statements whose outcome (rows or SQLSTATE) shows the constraints at work; each runs in a rolled-back block. */
const PROBES = [
  `INSERT INTO documents VALUES (4, 10, 'dup code')`,
  `INSERT INTO documents VALUES (1, 50, 'dup id')`,
  `INSERT INTO documents VALUES (4, 40, 'a title too long')`,
  `INSERT INTO documents VALUES (4, 40, NULL)`,
  `INSERT INTO chunks (id, doc_id, content) VALUES (9, 99, 'x')`,
  `INSERT INTO chunks (id, doc_id, content, score) VALUES (9, 1, 'x', 0)`,
  `INSERT INTO chunks (id, doc_id, content) VALUES (9, 1, 'x') RETURNING *`,
  `DELETE FROM documents WHERE id = 2 RETURNING id`,
];

async function observe(db: Vecgres, reads: readonly string[] = READS): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const q of reads) out.push((await db.query(q)).rows);
  for (const q of PROBES) {
    await db.exec('BEGIN');
    try {
      const r = await db.query(q);
      out.push({ rows: r.rows, after: (await db.query('SELECT count(*) FROM chunks')).rows });
    } catch (e) {
      out.push({ code: (e as { code: string }).code, message: (e as Error).message });
    }
    await db.exec('ROLLBACK');
  }
  return out;
}

test('constraints and ALTER TABLE are replayed from the log after a crash', async () => {
  const fs = new FaultyFs(new MemoryFs(), { seed: 3 });
  let db = await open(fs);
  for (const q of [...SCHEMA, ...ALTERS]) await db.query(q);
  await db.query(`DELETE FROM documents WHERE id = 3`);
  const before = await observe(db);
  assert.ok(before.some((o) => (o as { code?: string }).code === '23503'), 'a probe hits the foreign key');
  crash(db, fs);
  db = await open(fs);
  assert.equal(db.database.recovery!.checkpointId, 0, 'no checkpoint: everything came from the log');
  assert.deepEqual(await observe(db), before);
  await db.close();
});

test('constraints and ALTER TABLE are read from a checkpoint, then more are replayed', async () => {
  const fs = new FaultyFs(new MemoryFs(), { seed: 4 });
  let db = await open(fs);
  for (const q of SCHEMA) await db.query(q);
  await db.exec('CHECKPOINT');
  for (const q of ALTERS.slice(0, 4)) await db.query(q);
  await db.exec('CHECKPOINT');
  for (const q of ALTERS.slice(4)) await db.query(q);
  const before = await observe(db);
  crash(db, fs);
  db = await open(fs);
  assert.ok(db.database.recovery!.checkpointId > 0);
  assert.deepEqual(await observe(db), before);
  await db.close();
  db = await open(fs);
  assert.deepEqual(await observe(db), before, 'and again after a clean close');
  await db.close();
});

test('a table definition written before constraints existed reads as one without any', () => {
  const w = new ByteWriter();
  w.value({ name: 't', primaryKey: Int32Array.from([0]), columns: [{ name: 'id', type: 'int4', typmod: -1, notNull: true, sequence: null, defaultSql: null }] });
  const def = tableDefFromValue(new ByteReader(w.finish()).readValue());
  assert.equal(def.checks, undefined);
  assert.equal(def.foreignKeys, undefined);
  const withFk = { ...def, columns: [...def.columns, { name: 'n', type: 'int8' as const, typmod: -1, notNull: true, notNullName: 'n_nn', sequence: 't_n_seq', defaultSql: null, identity: 'a' as const }], checks: [{ name: 't_id_check', expr: 'id > 0' }], foreignKeys: [{ name: 'f', columns: [0], refTable: 'u', refColumns: [1], onDelete: 'c' as const, onUpdate: 'a' as const }] };
  const w2 = new ByteWriter();
  w2.value(tableDefToValue(withFk));
  assert.deepEqual(tableDefFromValue(new ByteReader(w2.finish()).readValue()), withFk);
});

/** Every table's rows and the constraint probes, by the names SCHEMA gives (the state before ALTERS). */
async function observeSchema(db: Vecgres): Promise<unknown[]> {
  const out: unknown[] = [];
  out.push((await db.query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows);
  out.push((await db.query("SELECT indexname::text, tablename::text FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")).rows);
  for (const q of ['SELECT * FROM docs ORDER BY id', 'SELECT * FROM chunks ORDER BY id']) out.push((await db.query(q)).rows);
  for (const q of [
    `INSERT INTO docs VALUES (4, 10, 'dup code')`,
    `INSERT INTO docs VALUES (4, 40, 'a title too long')`,
    `INSERT INTO chunks VALUES (9, 99, 'x', 0)`,
    `DELETE FROM docs WHERE id = 2 RETURNING id`,
  ]) {
    await db.exec('BEGIN');
    try {
      const r = await db.query(q);
      out.push({ rows: r.rows, after: (await db.query('SELECT count(*) FROM chunks')).rows });
    } catch (e) {
      out.push({ code: (e as { code: string }).code, message: (e as Error).message });
    }
    await db.exec('ROLLBACK');
  }
  return out;
}

/** ALTERS inside one block: ALTER COLUMN ... TYPE after the block's own UPDATE is refused, so it is left out. */
const BLOCK_ALTERS = ALTERS.filter((q) => !q.includes(' TYPE '));
const BLOCK_READS = [...READS.slice(0, 2), `SELECT id FROM chunks ORDER BY e <-> '[3,3,1]' LIMIT 2`];

for (const commits of [false, true]) {
  test(`ALTER TABLE in a transaction block, ${commits ? 'committed' : 'killed before COMMIT'}: recovery ${commits ? 'keeps' : 'undoes'} all of it`, async () => {
    const fs = new FaultyFs(new MemoryFs(), { seed: 6 });
    let db = await open(fs);
    for (const q of SCHEMA) await db.query(q);
    const schemaOnly = await observeSchema(db);
    // A checkpoint before the block: recovery replays the block's records over it.
    await db.exec('CHECKPOINT');
    const s = await db.connect();
    const other = await db.connect();
    await s.query('BEGIN');
    for (const q of BLOCK_ALTERS) await s.query(q);
    await s.query(`DELETE FROM documents WHERE id = 3`);
    if (commits) await s.query('COMMIT');
    const altered = commits ? await observe(db, BLOCK_READS) : null;
    // Another session's commit flushes the log: the block's records are durable, its commit
    // record only if it committed.
    await other.query('CREATE TABLE flushed (x int)');
    await other.query('DROP TABLE flushed');
    db.database.abandon();
    fs.powerCut();
    fs.reboot();
    db = await open(fs);
    if (commits) assert.deepEqual(await observe(db, BLOCK_READS), altered);
    else assert.deepEqual(await observeSchema(db), schemaOnly);
    await db.close();
  });
}

/** Relations, rows and the outcome of a CHECK / UNIQUE / foreign-key probe, as one comparable value. */
async function crashState(db: Vecgres): Promise<unknown> {
  const out: unknown[] = [];
  out.push((await db.query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows);
  out.push((await db.query("SELECT indexname::text, tablename::text FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")).rows);
  // Every table, index, constraint, default and RI trigger keeps its oid.
  out.push(await oids(db));
  for (const q of ['SELECT * FROM a ORDER BY 1', 'SELECT * FROM a2 ORDER BY 1', 'SELECT * FROM b ORDER BY 1', 'INSERT INTO a (id, x) VALUES (7, 7)', 'INSERT INTO b VALUES (7, 99)']) {
    await db.exec('BEGIN');
    try {
      out.push((await db.query(q)).rows);
    } catch (e) {
      out.push((e as { code: string }).code);
    }
    await db.exec('ROLLBACK');
  }
  return out;
}

/** One random statement: ALTER TABLE of a (or its renamed a2) and b, DML, transaction control, checkpoints. */
function randomAlterStatement(rng: { int(lo: number, hi: number): number }): string {
  const n = rng.int(1, 6);
  const t = rng.int(0, 3) === 0 ? 'a2' : 'a';
  switch (rng.int(0, 21)) {
    case 0:
      return `ALTER TABLE ${t} ADD COLUMN y int DEFAULT ${n}`;
    case 1:
      return `ALTER TABLE ${t} DROP COLUMN y`;
    case 2:
      return `ALTER TABLE ${t} ADD CONSTRAINT c CHECK (x < ${n + 2})`;
    case 3:
      return `ALTER TABLE ${t} DROP CONSTRAINT c`;
    case 4:
      return `ALTER TABLE ${t} ADD CONSTRAINT xu UNIQUE (x)`;
    case 5:
      return `ALTER TABLE ${t} DROP CONSTRAINT xu`;
    case 6:
      return t === 'a' ? 'ALTER TABLE a RENAME TO a2' : 'ALTER TABLE a2 RENAME TO a';
    case 7:
      return `ALTER TABLE ${t} ALTER COLUMN x TYPE ${rng.int(0, 1) === 0 ? 'bigint' : 'int'}`;
    case 8:
      return 'ALTER TABLE b DROP CONSTRAINT b_a_fkey';
    case 9:
      return `ALTER TABLE b ADD CONSTRAINT b_a_fkey FOREIGN KEY (a_id) REFERENCES ${t} ON DELETE CASCADE`;
    case 10:
    case 11:
      return `INSERT INTO ${t} (id, x) VALUES (${n + 10}, ${rng.int(0, 9)})`;
    case 12:
      return `DELETE FROM ${t} WHERE id = ${n}`;
    case 13:
      return `UPDATE ${t} SET x = x + 1 WHERE id = ${n}`;
    case 14:
    case 15:
      return 'BEGIN';
    case 16:
      return 'COMMIT';
    case 17:
      return 'ROLLBACK';
    case 18:
      return 'SAVEPOINT s';
    case 19:
      return 'ROLLBACK TO s';
    default:
      return 'CHECKPOINT';
  }
}

test('random ALTER TABLE / savepoint scripts killed at a random statement: recovery keeps exactly the committed state (seeded)', async () => {
  const scripts = Number(process.env['VECGRES_ALTER_CRASH_SCRIPTS'] ?? 10);
  const rng = new Rng(SEED ^ 0xa17e);
  for (let i = 0; i < scripts; i++) {
    const fs = new FaultyFs(new MemoryFs(), { seed: i + 1 });
    let db = await open(fs);
    await db.exec('CREATE TABLE a (id int PRIMARY KEY, x int); INSERT INTO a VALUES (1, 1), (2, 2), (3, 3)');
    await db.exec('CREATE TABLE b (id int, a_id int REFERENCES a ON DELETE CASCADE); INSERT INTO b VALUES (1, 1), (2, 2)');
    const s = await db.connect();
    const other = await db.connect();
    const len = rng.int(6, 30);
    try {
      // Run the script, make what its open transaction logged durable, then cut the power.
      const { expected, done } = await runCrashScript(s, other, len, () => randomAlterStatement(rng), () => crashState(db));
      db.database.abandon();
      fs.powerCut();
      fs.reboot();
      db = await open(fs);
      assert.deepEqual(await crashState(db), expected, `VECGRES_SEED=${SEED} script ${i}: ${done.join('; ')}`);
    } finally {
      await db.close();
    }
  }
});

