/**
 * SIGKILL trials over the index kinds whose checkpoints write deltas across several memories:
 * an HNSW index of several partitions, an HNSW index over sparsevec and an IVFFlat index whose
 * lists lie in several memories, on one table (crash_kinds_child.ts: memories of 1 MiB, 2,500
 * base rows, then INSERTs, UPDATEs, DELETEs, rollbacks, CHECKPOINTs writing index deltas over
 * the base files, and VACUUMs). The parent kills the child at a random moment after some
 * acknowledged commits, or the child kills itself at a chosen file operation inside one of its
 * CHECKPOINTs (while deltas, the control file or the deletion of superseded files are being
 * written). After each kill the real data directory is reopened and:
 * - the rows equal every acknowledged transaction, plus at most the one in flight, wholly;
 * - each index holds every live row once, with the row's own vector (the HNSW partitions'
 *   rowId maps and records, sparse keys included; the IVFFlat lists' entries), and no entry of
 *   a live row is marked deleted: what a lost or misapplied delta would break;
 * - the IVFFlat index with every list probed returns exact search's distances, and each HNSW
 *   index at ef_search 1000 finds exact search's neighbours (by distance: integer vectors tie)
 *   at least 9 of 10 times over the queries, as engine_crash.test.ts requires (the sparsevec
 *   one 8 of 10, as the fault trials).
 * VECGRES_CRASH_TRIALS sets the number of trials (default 2), VECGRES_CRASH_SEED the base seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { KINDS_LISTS, kindsSparse, kindsVec } from './crash_kinds_child.js';
import { checkHnswEntries, checkIvfflatEntries } from './index_entries.js';
import { applyOps, closeOrAbandon, forEachTrial, runChild, type RowModel } from './kill_trials.js';

const TRIALS = Number(process.env.VECGRES_CRASH_TRIALS ?? 2);
const BASE_SEED = Number(process.env.VECGRES_CRASH_SEED ?? 6606);
const CYCLES = 3;
const K = 10;
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash_kinds_child.js');

/** id -> `v|s` as the database prints them. */
type Model = RowModel<string>;

const value = (put: [number, string, number]): string => put[1];

async function rowsOf(db: Vecgres): Promise<Model> {
  const rows = (await db.query<{ id: number; v: string; s: string }>('SELECT id, v::text AS v, s::text AS s FROM items')).rows;
  return new Map(rows.map((r): [number, string] => [r.id, `${r.v}|${r.s}`]));
}

function sameModel(a: Model, b: Model): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** Parses `{i:x,...}/n` into 1-based index -> value. */
function sparseOf(text: string): Map<number, number> {
  const body = text.slice(1, text.indexOf('}'));
  return new Map(body === '' ? [] : body.split(',').map((e): [number, number] => [Number(e.split(':')[0]), Number(e.split(':')[1])]));
}

function l2sqDense(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}

function negIp(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return -s;
}

function l2sqSparse(a: Map<number, number>, b: Map<number, number>): number {
  let s = 0;
  for (const [i, x] of a) s += (x - (b.get(i) ?? 0)) ** 2;
  for (const [i, y] of b) if (!a.has(i)) s += y * y;
  return s;
}

/** Top-K distances through the index named by the plan check, and exact search's over the model. */
async function searchChecks(db: Vecgres, model: Model, p: Prng, where: string): Promise<void> {
  const dense = [...model.values()].map((e) => JSON.parse(e.slice(0, e.indexOf('|'))) as number[]);
  const sparse = [...model.values()].map((e) => sparseOf(e.slice(e.indexOf('|') + 1)));
  const kth = (ds: number[]): number[] => ds.sort((a, b) => a - b).slice(0, K);
  const viaIndex = async (sql: string, q: string, index: string): Promise<number[]> => {
    const rows = (await db.query<{ d: number }>(sql, [q])).rows.map((r) => r.d);
    const plan = db.database.session.lastPlan;
    const scan = plan?.node === 'Limit' ? plan.input : null;
    assert.ok(scan?.node === 'IndexScan' && scan.def.name === index, `${where}: ${sql} uses ${index}`);
    return rows;
  };
  await db.exec(`SET enable_seqscan = off; SET ivfflat.probes = ${KINDS_LISTS}; SET hnsw.ef_search = 1000`);
  const denseHits = { good: 0, total: 0 };
  const sparseHits = { good: 0, total: 0 };
  const seen: string[] = [];
  for (let q = 0; q < 2; q++) {
    const qv = kindsVec(p);
    const qa = JSON.parse(qv) as number[];
    // IVFFlat, every list probed: exactly exact search's distances.
    const ip = await viaIndex(`SELECT (v <#> $1)::float8 AS d FROM items ORDER BY v <#> $1 LIMIT ${K}`, qv, 'items_v_ivf');
    assert.deepEqual(ip, kth(dense.map((v) => negIp(v, qa))), `${where}: IVFFlat top-${K} with every list probed`);
    // HNSW over v.
    const want = kth(dense.map((v) => l2sqDense(v, qa)));
    const got = (await viaIndex(`SELECT (v <-> $1)::float8 AS d FROM items ORDER BY v <-> $1 LIMIT ${K}`, qv, 'items_v_hnsw')).map((d) => Math.round(d * d));
    assert.equal(got.length, want.length, `${where}: HNSW rows`);
    denseHits.good += got.filter((d) => d <= want[want.length - 1]!).length;
    denseHits.total += want.length;
    seen.push(`partitioned HNSW ${JSON.stringify(got)}, exact ${JSON.stringify(want)}`);
    // HNSW over s.
    const qs = kindsSparse(p);
    const wantS = kth(sparse.map((s) => l2sqSparse(s, sparseOf(qs))));
    const gotS = (await viaIndex(`SELECT (s <-> $1)::float8 AS d FROM items ORDER BY s <-> $1 LIMIT ${K}`, qs, 'items_s_hnsw')).map((d) => Math.round(d * d));
    assert.equal(gotS.length, wantS.length, `${where}: sparsevec HNSW rows`);
    sparseHits.good += gotS.filter((d) => d <= wantS[wantS.length - 1]!).length;
    sparseHits.total += wantS.length;
    seen.push(`sparsevec HNSW ${JSON.stringify(gotS)}, exact ${JSON.stringify(wantS)}`);
  }
  // Over both queries, as engine_crash.test.ts counts recall; sparse keys of 1 to 8 non-zeros
  // out of 100 make a harder graph (a fresh build finds about 98 of 100 at m = 16), so 8 of 10
  // as the fault trials ask. The entry checks above are the exact ones.
  assert.ok(denseHits.good >= 0.9 * denseHits.total, `${where}: ${seen.join('; ')}`);
  assert.ok(sparseHits.good >= 0.8 * sparseHits.total, `${where}: ${seen.join('; ')}`);
  await db.exec('RESET ALL');
}

test(`index-kind crash trials: ${TRIALS} seeded runs, ${CYCLES} SIGKILLs each (partitioned HNSW, sparsevec HNSW, IVFFlat over several memories)`, { timeout: 3_600_000 }, async () => {
  const stats = { acked: 0, inFlightKept: 0, selfKills: 0, parentKills: 0, indexDeltas: 0, checkpoints: 0, maxCheckpointOps: 0, maxPartitions: 0, maxListMemories: 0, rowsChecked: 0 };
  await forEachTrial('vecgres-crashkinds-', TRIALS, BASE_SEED, async ({ seed, p, dir }) => {
    let model: Model = new Map();
    let ready = false;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const where = `seed ${seed} cycle ${cycle}`;
      // Alternate: a kill inside a CHECKPOINT at one of its first file operations, or after acks.
      const killAt = cycle % 2 === 0 ? p.int(40) : -1;
      const run = await runChild(CHILD, [dir, String(seed * 31 + cycle), String(killAt)], {
        killAfterAcks: killAt >= 0 ? Infinity : 5 + p.int(60),
        delayMs: p.int(30),
        afterReady: true,
        guardMs: 600_000,
      });
      assert.notEqual(run.killedBy, 'guard', `${where}: the child was still running after 600 s`);
      stats[run.killedBy === 'self' ? 'selfKills' : 'parentKills']++;
      for (const a of run.acked) applyOps(model, a.ops, value);
      stats.acked += run.acked.length;
      for (const e of run.events) {
        if (e['ready'] !== undefined) ready = true;
        if (typeof e['ck'] === 'number') {
          stats.checkpoints++;
          stats.indexDeltas += e['ck'];
          stats.maxCheckpointOps = Math.max(stats.maxCheckpointOps, e['fileOps'] as number);
        }
      }
      const db = await Vecgres.create(dir);
      try {
        const got = await rowsOf(db);
        if (!sameModel(got, model)) {
          assert.ok(run.inFlight !== null, `${where}: recovered ${got.size} rows, expected the ${model.size} acknowledged ones`);
          const withIt = new Map(model);
          applyOps(withIt, run.inFlight.ops, value);
          assert.ok(sameModel(got, withIt), `${where}: recovered ${got.size} rows, expected the ${model.size} acknowledged ones (or ${withIt.size} with the one in flight)`);
          model = withIt;
          stats.inFlightKept++;
        }
        assert.ok(ready, `${where}: the child built its indexes`);
        const hv = checkHnswEntries(db, 'items', 'v', 'items_v_hnsw', where);
        const hs = checkHnswEntries(db, 'items', 's', 'items_s_hnsw', where);
        const ivf = checkIvfflatEntries(db, 'items', 'v', 'items_v_ivf', where);
        assert.equal(hv.rows, model.size, `${where}: live rows`);
        stats.rowsChecked += hv.rows + hs.rows + ivf.rows;
        stats.maxPartitions = Math.max(stats.maxPartitions, hv.partitions);
        stats.maxListMemories = Math.max(stats.maxListMemories, ivf.memories);
        await searchChecks(db, model, p, where);
      } finally {
        // Alternate a clean close (a checkpoint) and dropping the database as a crash would.
        await closeOrAbandon(db, cycle);
      }
    }
  });
  console.log(`# index-kind crash trials: ${JSON.stringify(stats)}`);
  assert.ok(stats.maxPartitions >= 2, `the HNSW index was partitioned: ${JSON.stringify(stats)}`);
  assert.ok(stats.maxListMemories >= 2, `the IVFFlat lists lay in several memories: ${JSON.stringify(stats)}`);
  assert.ok(stats.indexDeltas > 0, `the children's checkpoints wrote index deltas: ${JSON.stringify(stats)}`);
  assert.ok(stats.selfKills > 0, `kills landed inside checkpoints: ${JSON.stringify(stats)}`);
  assert.ok(stats.acked > TRIALS * CYCLES, JSON.stringify(stats));
});

