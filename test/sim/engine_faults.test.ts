/**
 * The engine over the fault-injecting backend: seeded transactions (inserts, embedding
 * updates, deletes, rollbacks) on an HNSW-indexed table while the backend tears writes, fails
 * fsyncs (EIO), fills the disk (ENOSPC), denies permission and cuts the power. After each
 * failure the database is dropped (as a crashed process), the machine rebooted and the
 * directory reopened: the recovered rows must equal every acknowledged transaction plus, at
 * most, the one whose commit was in flight, applied wholly; the index must agree with exact
 * search. Disk errors surface as PostgreSQL errors (53100, 58030, 42501). Seeds are printed.
 * Checkpoints are incremental: a second table (`notes`) changes in few transactions, so its
 * files are kept across checkpoints while `items` gets deltas and new bases, and VACUUM makes
 * the index be saved again with the table unchanged; the index too gets deltas (counted: the
 * trials must write some) and new bases, so torn writes and failed fsyncs hit both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { PgError } from '../../src/common/errors.js';
import { Prng } from '../../src/common/prng.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs, SimulatedCrash } from '../../src/storage/fs_faulty.js';
import { openWithRetries, sameModel, type Model } from './fault_trials.js';

const TRIALS = Number(process.env.VECGRES_SIM_TRIALS ?? 30);
const BASE_SEED = Number(process.env.VECGRES_SIM_SEED ?? 4242);
const CYCLES = 4;

/** items rows by id, and notes rows by -id (one map so a transaction's effect is one copy). */

function vec(p: Prng): string {
  return `[${Array.from({ length: 4 }, () => p.int(21) - 10).join(',')}]`;
}

const open = (fs: FaultyFs, seed: number): Promise<Vecgres> => openWithRetries(fs, seed, 2048);

async function rowsOf(db: Vecgres): Promise<Model> {
  const rows = (await db.query<{ id: number; v: string }>('SELECT id, v FROM items')).rows;
  const notes = (await db.query<{ id: number; t: string }>('SELECT id, t FROM notes')).rows;
  return new Map([...rows.map((r): [number, string] => [r.id, r.v]), ...notes.map((r): [number, string] => [-r.id, r.t])]);
}

test(`engine fault trials: ${TRIALS} seeds x ${CYCLES} failure/recovery cycles`, { timeout: 300_000 }, async () => {
  const stats = { acked: 0, failures: 0, crashes: 0, inFlightKept: 0, warnings: 0, indexDeltas: 0, codes: {} as Record<string, number> };
  for (let trial = 0; trial < TRIALS; trial++) {
    const seed = BASE_SEED + trial;
    const p = new Prng(seed);
    const fs = new FaultyFs(new MemoryFs(), { seed });
    let model: Model = new Map();
    let nextId = 1;
    let db = await open(fs, seed);
    await db.exec('CREATE TABLE items (id int PRIMARY KEY, v vector(4)); CREATE INDEX items_v_idx ON items USING hnsw (v vector_l2_ops) WITH (m = 4, ef_construction = 16)');
    await db.exec('CREATE TABLE notes (id int PRIMARY KEY, t text)');
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const where = `seed ${seed} cycle ${cycle}`;
      fs.setPlan({
        seed: seed * 31 + cycle,
        tornWrite: p.next() < 0.5 ? 0.003 : 0,
        writeEnospc: p.next() < 0.4 ? 0.004 : 0,
        fsyncEio: p.next() < 0.4 ? 0.004 : 0,
        eacces: p.next() < 0.2 ? 0.01 : 0,
        crashAtOp: 40 + p.int(300),
        crash: { tornTail: 0.7, scribble: 0.3 },
      });
      let inFlight: Model | null = null;
      for (let t = 0; t < 200; t++) {
        const next = new Map(model);
        const rollback = p.next() < 0.1;
        try {
          await db.transaction(async (tx) => {
            for (let i = 1 + p.int(4); i > 0; i--) {
              const r = p.next();
              const ids = [...next.keys()].filter((k) => k > 0);
              if (r < 0.03) {
                // notes change rarely: most checkpoints keep its files.
                const k = 1 + p.int(5);
                const t = `note ${p.int(1000)}`;
                if (next.has(-k)) await tx.query('UPDATE notes SET t = $1 WHERE id = $2', [t, k]);
                else await tx.query('INSERT INTO notes VALUES ($1, $2)', [k, t]);
                next.set(-k, t);
              } else if (r < 0.5 || ids.length < 4) {
                const id = nextId++;
                const v = vec(p);
                await tx.query('INSERT INTO items VALUES ($1, $2)', [id, v]);
                next.set(id, v);
              } else if (r < 0.8) {
                const id = ids[p.int(ids.length)]!;
                const v = vec(p);
                await tx.query('UPDATE items SET v = $1 WHERE id = $2', [v, id]);
                next.set(id, v);
              } else {
                const id = ids[p.int(ids.length)]!;
                await tx.query('DELETE FROM items WHERE id = $1', [id]);
                next.delete(id);
              }
            }
            if (rollback) await tx.rollback();
            else inFlight = next;
          });
          if (!rollback) {
            model = next;
            inFlight = null;
            stats.acked++;
          }
          if (p.next() < 0.05) {
            await db.exec('CHECKPOINT');
            stats.indexDeltas += db.database.durability!.lastCheckpoint?.indexDeltaFiles ?? 0;
          }
          if (p.next() < 0.02) await db.exec('VACUUM items');
        } catch (e) {
          if (e instanceof PgError) stats.codes[e.code] = (stats.codes[e.code] ?? 0) + 1;
          else if (!(e instanceof SimulatedCrash)) throw e;
          break;
        }
      }
      // The process dies (after a crash, or a PANIC-style restart after an I/O error).
      stats.failures++;
      db.database.abandon();
      fs.powerCut();
      stats.crashes++;
      fs.setPlan({ seed, crash: { tornTail: 0.7, scribble: 0.3 } });
      db = await open(fs, seed);
      stats.warnings += db.notices.length;
      const got = await rowsOf(db);
      if (!sameModel(got, model)) {
        assert.ok(inFlight !== null && sameModel(got, inFlight), `${where}: recovered ${got.size} rows, expected the ${model.size} acknowledged ones`);
        model = inFlight!;
        stats.inFlightKept++;
      }
      // The index must agree with exact search (distances compared: integer vectors tie often).
      await db.exec('SET enable_seqscan = off; SET hnsw.ef_search = 200');
      let good = 0;
      let total = 0;
      for (let q = 0; q < 3 && [...model.keys()].some((k) => k > 0); q++) {
        const qv = vec(p);
        const sql = 'SELECT id, v <-> $1 AS d FROM items ORDER BY v <-> $1 LIMIT 5';
        const viaIndex = (await db.query<{ d: number }>(sql, [qv])).rows.map((r) => r.d);
        assert.equal(db.database.session.lastPlan?.node === 'Limit' && db.database.session.lastPlan.input.node, 'IndexScan', where);
        await db.exec('SET enable_seqscan = on; SET enable_indexscan = off');
        const exact = (await db.query<{ d: number }>(sql, [qv])).rows.map((r) => r.d);
        await db.exec('SET enable_seqscan = off; SET enable_indexscan = on');
        const kth = exact[exact.length - 1]!;
        total += exact.length;
        for (const d of viaIndex) if (d <= kth + 1e-6) good++;
      }
      assert.ok(good >= total * 0.8, `${where}: index agrees with exact search on ${good} of ${total} rows`);
      await db.exec('RESET ALL');
    }
    db.database.abandon();
  }
  console.log(`# engine fault trials: ${JSON.stringify(stats)}`);
  assert.ok(stats.acked > TRIALS * 10, JSON.stringify(stats));
  assert.ok(stats.indexDeltas > 0, `the trials wrote index deltas: ${JSON.stringify(stats)}`);
});
