/**
 * Crashes around transactional DDL and savepoints (power cut on the fault-injecting memory file
 * system, then recovery): a transaction killed between its DDL and its commit leaves nothing
 * (no table resurrected, none lost, no index left over, every object's oid kept), a committed one is all there, with
 * the rows it wrote into tables it created or truncated; rows rolled back to a savepoint do not
 * come back, also when a checkpoint was taken between the savepoint and the ROLLBACK TO. The
 * expected state is the database's own state at the last moment no transaction was open.
 *
 * The seeded random scripts run a fixed budget; VECGRES_DDL_CRASH_SCRIPTS=<n> runs more,
 * VECGRES_SEED=<s> replays a run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres, type VecgresSession } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { SEED } from '../support/seed.js';
import { runCrashScript } from '../support/crash_script.js';
import { Rng } from '../support/random_query/rng.js';
import { oids } from '../support/object_oids.js';
import { openSmallSegments } from '../support/power_loss.js';

const open = openSmallSegments;

async function crashAndReopen(db: Vecgres, fs: FaultyFs): Promise<Vecgres> {
  db.database.abandon();
  fs.powerCut();
  fs.reboot();
  return open(fs);
}

const TABLES = ['a', 'b', 'c'];

/** Relations and rows, as one comparable value (read through the embedded API). */
async function state(db: Vecgres | VecgresSession): Promise<unknown> {
  const out: unknown[] = [];
  out.push((await db.query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows);
  out.push((await db.query("SELECT indexname::text, tablename::text FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")).rows);
  // Every object keeps its oid (its DDL logged the oids it took).
  out.push(await oids(db));
  for (const t of TABLES) {
    try {
      out.push((await db.query(`SELECT * FROM ${t} ORDER BY 1, 2`)).rows);
    } catch (e) {
      out.push((e as { code: string }).code);
    }
  }
  return out;
}

/** Index scans agree with sequential scans on every table with an index on x, and c's HNSW index with exact search. */
async function indexesAgree(db: Vecgres, label: string): Promise<void> {
  const hnsw = (await db.query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'c_v'")).rows[0]!['n'];
  if (hnsw === 1) {
    const q = "SELECT id FROM c ORDER BY v <-> '[0,0]' LIMIT 3"; // distinct distances: one order
    await db.exec('SET enable_seqscan = off');
    const plan = (await db.query(`EXPLAIN (COSTS OFF) ${q}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.match(plan, /Index Scan using c_v/, `${label}: the HNSW index is used`);
    const viaIndex = (await db.query(q)).rows;
    await db.exec('RESET enable_seqscan; SET enable_indexscan = off');
    const exact = (await db.query(q)).rows;
    await db.exec('RESET enable_indexscan');
    assert.deepEqual(viaIndex, exact, `${label}: HNSW index c_v`);
  }
  for (const t of TABLES) {
    const has = (await db.query(`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = '${t}' AND indexname = '${t}_x'`)).rows[0]!['n'];
    if (has === 0) continue;
    await db.exec('SET enable_seqscan = off');
    const viaIndex = (await db.query(`SELECT x FROM ${t} WHERE x >= 0 ORDER BY x`)).rows;
    await db.exec('RESET enable_seqscan; SET enable_indexscan = off; SET enable_bitmapscan = off');
    const viaSeq = (await db.query(`SELECT x FROM ${t} WHERE x >= 0 ORDER BY x`)).rows;
    await db.exec('RESET enable_indexscan; RESET enable_bitmapscan');
    assert.deepEqual(viaIndex, viaSeq, `${label}: index ${t}_x`);
  }
}

const SETUP = "CREATE TABLE a (id int PRIMARY KEY, x int); INSERT INTO a VALUES (1, 1), (2, 2); CREATE TABLE b (id int, x int); INSERT INTO b VALUES (1, 10)";

interface Scenario {
  name: string;
  /** Statements of session s, one at a time; CHECKPOINT runs in another session. */
  script: string[];
  /** The transaction commits (the last statement is COMMIT) before the crash. */
  commits: boolean;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'CREATE TABLE + rows + index, killed before COMMIT',
    script: ['BEGIN', 'CREATE TABLE c (id int PRIMARY KEY, x int)', 'INSERT INTO c VALUES (1, 5), (2, 6)', 'CREATE INDEX c_x ON c (x)', 'CHECKPOINT'],
    commits: false,
  },
  {
    name: 'CREATE TABLE + rows + index, committed',
    script: ['BEGIN', 'CREATE TABLE c (id int PRIMARY KEY, x int)', 'INSERT INTO c VALUES (1, 5), (2, 6)', 'CREATE INDEX c_x ON c (x)', 'CHECKPOINT', 'UPDATE c SET x = 7 WHERE id = 1', 'COMMIT'],
    commits: true,
  },
  {
    name: 'DROP TABLE, TRUNCATE, DROP INDEX, killed before COMMIT',
    script: ['CREATE INDEX a_x ON a (x)', 'BEGIN', 'INSERT INTO a VALUES (3, 3)', 'DROP INDEX a_x', 'TRUNCATE a', 'INSERT INTO a VALUES (9, 9)', 'DROP TABLE b', 'CREATE TABLE b (z text)', 'CHECKPOINT'],
    commits: false,
  },
  {
    name: 'DROP TABLE, TRUNCATE, DROP INDEX, committed',
    script: ['CREATE INDEX a_x ON a (x)', 'BEGIN', 'INSERT INTO a VALUES (3, 3)', 'DROP INDEX a_x', 'TRUNCATE a', 'INSERT INTO a VALUES (9, 9)', 'CREATE INDEX a_x ON a (x)', 'DROP TABLE b', 'CREATE TABLE b (id int, x int)', 'INSERT INTO b VALUES (5, 5)', 'COMMIT'],
    commits: true,
  },
  {
    name: 'ROLLBACK TO a savepoint across a checkpoint, killed before COMMIT',
    script: ['BEGIN', 'INSERT INTO a VALUES (3, 3)', 'SAVEPOINT s', 'INSERT INTO a VALUES (4, 4)', 'DELETE FROM a WHERE id = 1', 'CHECKPOINT', 'UPDATE a SET x = 30 WHERE id = 3', 'ROLLBACK TO s', 'INSERT INTO a VALUES (5, 5)'],
    commits: false,
  },
  {
    name: 'ROLLBACK TO a savepoint across a checkpoint, committed',
    script: ['BEGIN', 'INSERT INTO a VALUES (3, 3)', 'SAVEPOINT s', 'INSERT INTO a VALUES (4, 4)', 'DELETE FROM a WHERE id = 1', 'CHECKPOINT', 'UPDATE a SET x = 30 WHERE id = 3', 'ROLLBACK TO s', 'INSERT INTO a VALUES (5, 5)', 'COMMIT'],
    commits: true,
  },
  {
    name: 'HNSW index created in a transaction, killed before COMMIT',
    script: ['CREATE TABLE c (id int, x int, v vector(2))', "INSERT INTO c VALUES (1, 1, '[1,1]'), (2, 2, '[2,2]'), (3, 3, '[3,3]')", 'BEGIN', 'CREATE INDEX c_v ON c USING hnsw (v vector_l2_ops)', "INSERT INTO c VALUES (4, 4, '[0,0]')", 'CHECKPOINT'],
    commits: false,
  },
  {
    name: 'HNSW index dropped, re-created and rows truncated in a transaction, committed',
    script: ['CREATE TABLE c (id int, x int, v vector(2))', "INSERT INTO c VALUES (1, 1, '[1,1]'), (2, 2, '[2,2]')", 'CREATE INDEX c_v ON c USING hnsw (v vector_l2_ops)', 'BEGIN', 'DROP INDEX c_v', 'TRUNCATE c', "INSERT INTO c VALUES (3, 3, '[3,3]'), (4, 4, '[0,0]'), (5, 5, '[5,5]')", 'CREATE INDEX c_v ON c USING hnsw (v vector_l2_ops)', 'COMMIT'],
    commits: true,
  },
  {
    name: 'DDL rolled back to a savepoint, then committed',
    script: ['BEGIN', 'CREATE TABLE c (id int, x int)', 'SAVEPOINT s', 'INSERT INTO c VALUES (1, 1)', 'TRUNCATE a', 'DROP TABLE b', 'CREATE INDEX c_x ON c (x)', 'ROLLBACK TO s', 'INSERT INTO c VALUES (2, 2)', 'INSERT INTO a VALUES (7, 7)', 'COMMIT'],
    commits: true,
  },
];

async function runScenario(sc: Scenario): Promise<void> {
  const fs = new FaultyFs(new MemoryFs(), { seed: 5 });
  let db = await open(fs);
  await db.exec(SETUP);
  const s = await db.connect();
  const other = await db.connect();
  // The state at the last moment s had no transaction open.
  let expected = await state(db);
  let inTxn = false;
  for (const sql of sc.script) {
    if (sql === 'BEGIN') inTxn = true;
    if (sql === 'CHECKPOINT') await other.query('CHECKPOINT');
    else await s.query(sql);
    if (sql === 'COMMIT') inTxn = false;
    if (!inTxn) expected = await state(db);
  }
  assert.equal(inTxn, !sc.commits, `${sc.name}: the script ends as described`);
  // Another session's commit flushes the log, so what s logged is durable (its DDL records
  // without a commit record, unless it committed).
  await other.query('CREATE TABLE flushed (x int)');
  await other.query('DROP TABLE flushed');
  db = await crashAndReopen(db, fs);
  try {
    assert.deepEqual(await state(db), expected, sc.name);
    await indexesAgree(db, sc.name);
    // The recovered database takes new DDL and a checkpoint, and reopens the same.
    await db.exec('CREATE TABLE c2 (x int); DROP TABLE c2; CHECKPOINT');
    db = await crashAndReopen(db, fs);
    assert.deepEqual(await state(db), expected, `${sc.name}, after a second crash`);
  } finally {
    await db.close();
  }
}

for (const sc of SCENARIOS) test(`crash: ${sc.name}`, () => runScenario(sc));

/** One random statement of the crash scripts (see the differential random scripts). */
function randomStatement(rng: Rng): string {
  const t = rng.pick(TABLES);
  const n = rng.int(1, 6);
  const sp = `s${rng.int(0, 1)}`;
  switch (rng.int(0, 18)) {
    case 0:
      return `CREATE TABLE ${t} (id int, x int)`;
    case 1:
      return `DROP TABLE ${t}`;
    case 2:
      return `TRUNCATE ${t}`;
    case 3:
      return `CREATE INDEX ${t}_x ON ${t} (x)`;
    case 4:
      return `DROP INDEX ${t}_x`;
    case 5:
    case 6:
      return `INSERT INTO ${t} VALUES (${n}, ${rng.int(0, 9)})`;
    case 7:
      return `UPDATE ${t} SET x = x + ${n} WHERE x < ${rng.int(0, 9)}`;
    case 8:
      return `DELETE FROM ${t} WHERE x = ${n}`;
    case 9:
    case 10:
      return 'BEGIN';
    case 11:
      return 'COMMIT';
    case 12:
      return 'ROLLBACK';
    case 13:
      return `SAVEPOINT ${sp}`;
    case 14:
      return `ROLLBACK TO ${sp}`;
    case 15:
      return `RELEASE ${sp}`;
    case 16:
      return 'CHECKPOINT';
    case 17:
      return rng.int(0, 1) === 0 ? `REINDEX TABLE ${t}` : `REINDEX INDEX ${t}_x`;
    default:
      return 'SELECT 1/0';
  }
}

test('random DDL / savepoint scripts killed at a random statement: recovery keeps exactly the committed state (seeded)', async () => {
  const scripts = Number(process.env['VECGRES_DDL_CRASH_SCRIPTS'] ?? 12);
  const rng = new Rng(SEED ^ 0x5a5a);
  for (let i = 0; i < scripts; i++) {
    const fs = new FaultyFs(new MemoryFs(), { seed: i + 1 });
    let db = await open(fs);
    const s = await db.connect();
    const other = await db.connect();
    const len = rng.int(6, 30);
    try {
      // Run the script, make what its open transaction logged durable, then cut the power.
      const { expected, done } = await runCrashScript(s, other, len, () => randomStatement(rng), () => state(db));
      db = await crashAndReopen(db, fs);
      assert.deepEqual(await state(db), expected, `VECGRES_SEED=${SEED} script ${i}: ${done.join('; ')}`);
      await indexesAgree(db, `VECGRES_SEED=${SEED} script ${i}`);
    } finally {
      await db.close();
    }
  }
});

