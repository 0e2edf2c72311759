/**
 * Crash tests on the real file system: a child process (crash_child.ts) runs seeded
 * transactions (inserts, updates of embeddings, deletes, rollbacks, an HNSW index build,
 * checkpoints) and reports each commit; the parent SIGKILLs it at a random moment, reopens the
 * data directory and checks that every acknowledged transaction is there, that the one in
 * flight is either wholly there or wholly absent, that rolled-back work left no trace, and
 * that the index agrees with exact search. Several crash cycles run on each directory.
 * VECGRES_CRASH_TRIALS sets the number of trials (default 6), VECGRES_CRASH_SEED the base seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { applyOps, closeOrAbandon, forEachTrial, runChild, tableCreated, type ChildRun, type RowModel } from './kill_trials.js';

const TRIALS = Number(process.env.VECGRES_CRASH_TRIALS ?? 6);
const BASE_SEED = Number(process.env.VECGRES_CRASH_SEED ?? 9001);
const CYCLES = 2;
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash_child.js');

type Model = RowModel<{ v: string; n: number }>;

const entry = (put: [number, string, number]): { v: string; n: number } => ({ v: put[1], n: put[2] });

function copyModel(m: Model): Model {
  return new Map([...m].map(([k, v]) => [k, { ...v }]));
}

function sameAs(rows: { id: number; v: string; n: number }[], m: Model): boolean {
  if (rows.length !== m.size) return false;
  for (const r of rows) {
    const e = m.get(r.id);
    if (e === undefined || e.v !== r.v || e.n !== r.n) return false;
  }
  return true;
}

/** Runs the child until `killAfterAcks` acknowledgements plus `delayMs`, then SIGKILLs it. */
function runCrashChild(dir: string, seed: number, killAfterAcks: number, delayMs: number): Promise<ChildRun> {
  // The child commits until it is killed, so the guard only ends a hung one: on a loaded
  // machine a 20 s guard killed children before their first commit and failed the trials.
  return runChild(CHILD, [dir, String(seed)], { killAfterAcks, delayMs, guardMs: 600_000 });
}

test(`crash trials: ${TRIALS} seeded runs, ${CYCLES} SIGKILLs each, on the real file system`, { timeout: 600_000 }, async () => {
  const stats = { acked: 0, inFlightKept: 0, inFlightLost: 0, indexChecks: 0, btreeChecks: 0, warnings: 0 };
  await forEachTrial('vecgres-crash-', TRIALS, BASE_SEED, async ({ seed, p, dir }) => {
    let model: Model = new Map();
    let hasIndex = false;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const run = await runCrashChild(dir, seed * 31 + cycle, 3 + p.int(40), p.int(15));
      for (const a of run.acked) {
        applyOps(model, a.ops, entry);
        if (a.ops.some((o) => 'index' in o)) hasIndex = true;
      }
      stats.acked += run.acked.length;
      const db = await Vecgres.create(dir);
      try {
        stats.warnings += db.notices.length;
        if (!tableCreated(db, 'items', model.size, `seed ${seed} cycle ${cycle}`)) continue;
        const rows = (await db.query<{ id: number; v: string; n: number }>('SELECT id, v, n FROM items')).rows;
        let ok = sameAs(rows, model);
        if (!ok && run.inFlight !== null) {
          const withIt = copyModel(model);
          applyOps(withIt, run.inFlight.ops, entry);
          if (sameAs(rows, withIt)) {
            ok = true;
            model = withIt;
            if (run.inFlight.ops.some((o) => 'index' in o)) hasIndex = true;
            stats.inFlightKept++;
          }
        } else if (run.inFlight !== null) stats.inFlightLost++;
        assert.ok(ok, `seed ${seed} cycle ${cycle}: recovered ${rows.length} rows, expected ${model.size} (in flight: ${JSON.stringify(run.inFlight)})`);
        // The B-tree on n answers ranges exactly as the sequential scan does.
        for (let q = 0; q < 3; q++) {
          const lo = p.int(1000), sql = `SELECT id FROM items WHERE n BETWEEN ${lo} AND ${lo + p.int(200)} ORDER BY id`;
          await db.exec('SET enable_seqscan = off');
          const viaIndex = (await db.query<{ id: number }>(sql)).rows;
          await db.exec('RESET enable_seqscan; SET enable_indexscan = off; SET enable_bitmapscan = off');
          const viaSeq = (await db.query<{ id: number }>(sql)).rows;
          await db.exec('RESET enable_indexscan; RESET enable_bitmapscan');
          assert.deepEqual(viaIndex, viaSeq, `seed ${seed}: B-tree scan ${sql}`);
          stats.btreeChecks++;
        }
        const idx = (await db.query("SELECT indexname FROM pg_indexes WHERE indexname = 'items_v_idx'")).rows.length > 0;
        if (hasIndex) assert.ok(idx, `seed ${seed}: acknowledged index lost`);
        if (idx && model.size > 0) {
          stats.indexChecks++;
          await db.exec('SET hnsw.ef_search = 100; SET enable_seqscan = off');
          let found = 0;
          let wanted = 0;
          for (let q = 0; q < 5; q++) {
            const qv = `[${Array.from({ length: 8 }, () => p.int(41) - 20).join(',')}]`;
            const viaIndex = (await db.query<{ id: number }>('SELECT id FROM items ORDER BY v <-> $1 LIMIT 10', [qv])).rows.map((r) => r.id);
            assert.equal(db.database.session.lastPlan?.node === 'Limit' && db.database.session.lastPlan.input.node, 'IndexScan', `seed ${seed}: plan uses the index`);
            await db.exec('SET enable_indexscan = off; SET enable_seqscan = on');
            const exact = (await db.query<{ id: number; d: number }>('SELECT id, v <-> $1 AS d FROM items ORDER BY v <-> $1 LIMIT 10', [qv])).rows;
            await db.exec('RESET enable_indexscan; SET enable_seqscan = off');
            const set = new Set(viaIndex);
            for (const r of exact) if (set.has(r.id)) found++;
            wanted += exact.length;
          }
          assert.ok(found / wanted >= 0.9, `seed ${seed}: index recall ${found}/${wanted}`);
        }
      } finally {
        // Alternate a clean close (checkpoint) and dropping the database as a crash would.
        await closeOrAbandon(db, cycle);
      }
    }
  });
  console.log(`# engine crash trials: ${JSON.stringify(stats)}`);
  assert.ok(stats.acked > TRIALS, 'children acknowledged commits');
});

/** Spawns a child that only opens `dir`; SIGKILLs it `delayMs` after it started. True if it had finished opening. */
function killDuringOpen(dir: string, delayMs: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, 'open'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let opened = false;
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('"opened"')) opened = true;
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}: ${err}`));
      else resolve(opened);
    });
  });
}

test('SIGKILL at random moments of an open that recovers (replay, torn tail, rollback, leftovers) never loses data', { timeout: 300_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vecgres-killopen-'));
  const p = new Prng(BASE_SEED);
  const kills = { duringOpen: 0, afterOpen: 0 };
  try {
    let expected = 0;
    for (let round = 0; round < 3; round++) {
      // Work for the next open to recover: commits after the last checkpoint, a transaction in
      // flight, a leftover temporary checkpoint file; then the process "dies" without a checkpoint.
      const db = await Vecgres.create(dir, { walSegmentBytes: 4096 });
      for (let i = 0; i < 40; i++) {
        const v = `[${Array.from({ length: 8 }, () => p.int(41) - 20).join(',')}]`;
        if (round === 0 && i === 0) await db.exec('CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, v vector(8), n int)');
        await db.query('INSERT INTO items VALUES ($1, $2, $3)', [expected + 1, v, i]);
        expected++;
        if (i === 20) await db.exec('CHECKPOINT');
      }
      const s = db.database.openSession();
      db.database.execute("BEGIN; DELETE FROM items WHERE id = 1; INSERT INTO items VALUES (100000, '[1,1,1,1,1,1,1,1]', 0)", [], s);
      await db.query('UPDATE items SET n = n WHERE id = 2'); // flushes the log with the open transaction's records
      db.database.abandon();
      fs.writeFileSync(path.join(dir, 'base', 't9.ff.tmp'), 'leftover');
      // Kill opens at random moments, from before the parser loads to after the open finished.
      for (let k = 0; k < 6; k++) {
        const opened = await killDuringOpen(dir, 50 + p.int(600));
        kills[opened ? 'afterOpen' : 'duringOpen']++;
        assert.ok(fs.existsSync(path.join(dir, 'vecgres.control')), `round ${round} kill ${k}: the control file is gone`);
      }
      const again = await Vecgres.create(dir);
      const n = (await again.query<{ n: number }>('SELECT count(*)::int AS n FROM items')).rows[0]!.n;
      assert.equal(n, expected, `round ${round}: rows after the killed opens`);
      assert.deepEqual((await again.query('SELECT id FROM items WHERE id IN (1, 100000) ORDER BY id')).rows, [{ id: 1 }]);
      await again.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`# kills during open: ${JSON.stringify(kills)}`);
  assert.ok(kills.duringOpen > 0, 'no kill landed during an open');
});
