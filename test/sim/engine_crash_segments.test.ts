/**
 * The SIGKILL crash trials of engine_crash.test.ts with the child in its segment-file mode (no HNSW index: one memory of 1 MiB would not hold it)
 * (crash_child.ts, VECGRES_CHILD_SEGMENTS=1): memories of 1 MiB (segments of 2,048 rows of
 * vector(8)), a 16-block `shared_buffers`, transactions of up to 60 rows, exact scans that
 * evict segments and read them back, frequent checkpoints that write segment files. The parent
 * SIGKILLs it at a random moment (inside a segment file's write, its fsync, its rename, a
 * read-back), reopens the real data directory with the same memory size and a small cache, and
 * checks that every acknowledged transaction is there, the one in flight wholly or not at all,
 * and that an exact top-10 over evicted segments equals exact search over the model. The
 * table's `halfvec(8)` and `bit(256)` columns (the row's vector, and its bits) have segment
 * files too: every row must hold them intact, and exact top-10s over them equal exact search.
 * VECGRES_CRASH_TRIALS sets the number of trials (default 2), VECGRES_CRASH_SEED the base seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Vecgres } from '../../src/index.js';
import { memories } from '../../src/kernels/memories.js';
import { bufferCache } from '../../src/storage/buffer_cache.js';
import { bitsOf } from './crash_child.js';
import { applyOps, closeOrAbandon, forEachTrial, runChild, tableCreated, type RowModel } from './kill_trials.js';

memories.memoryBytesMax = 1024 * 1024; // as the child's, so segment numbers agree
const TRIALS = Number(process.env.VECGRES_CRASH_TRIALS ?? 2);
const BASE_SEED = Number(process.env.VECGRES_CRASH_SEED ?? 7707);
const CYCLES = 3;
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash_child.js');

type Model = RowModel<{ v: string; n: number }>;

const entry = (put: [number, string, number]): { v: string; n: number } => ({ v: put[1], n: put[2] });

function sameAs(rows: { id: number; v: string; n: number; h: string; b: string }[], m: Model): boolean {
  if (rows.length !== m.size) return false;
  for (const r of rows) {
    const e = m.get(r.id);
    if (e === undefined || e.v !== r.v || e.n !== r.n || r.h !== e.v || r.b !== bitsOf(e.v)) return false;
  }
  return true;
}

function l2sq(v: string, q: readonly number[]): number {
  const a = JSON.parse(v) as number[];
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - q[i]!) ** 2;
  return s;
}

function hamming(a: string, b: string): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

test(`segment-file crash trials: ${TRIALS} seeded runs, ${CYCLES} SIGKILLs each, on the real file system`, { timeout: 900_000 }, async () => {
  const stats = { acked: 0, inFlightKept: 0, maxRows: 0, segmentFiles: 0, packedSegmentFiles: 0, faults: 0 };
  await forEachTrial('vecgres-crashseg-', TRIALS, BASE_SEED, async ({ seed, p, dir }) => {
    let model: Model = new Map();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const run = await runChild(CHILD, [dir, String(seed * 31 + cycle)], { killAfterAcks: 40 + p.int(120), delayMs: p.int(20), guardMs: 600_000, env: { VECGRES_CHILD_SEGMENTS: '1' } });
      for (const a of run.acked) applyOps(model, a.ops, entry);
      stats.acked += run.acked.length;
      const faults0 = bufferCache.stats.faults;
      const db = await Vecgres.create(dir, { settings: { shared_buffers: '128kB' } });
      try {
        if (!tableCreated(db, 'items', model.size, `seed ${seed} cycle ${cycle}`)) continue;
        const rows = (await db.query<{ id: number; v: string; n: number; h: string; b: string }>('SELECT id, v, n, h::text AS h, b::text AS b FROM items')).rows;
        let ok = sameAs(rows, model);
        if (!ok && run.inFlight !== null) {
          const withIt = new Map([...model].map(([k, v]) => [k, { ...v }]));
          applyOps(withIt, run.inFlight.ops, entry);
          if (sameAs(rows, withIt)) {
            ok = true;
            model = withIt;
            stats.inFlightKept++;
          }
        }
        assert.ok(ok, `seed ${seed} cycle ${cycle}: recovered ${rows.length} rows, expected ${model.size}`);
        stats.maxRows = Math.max(stats.maxRows, rows.length);
        const files = fs.readdirSync(path.join(dir, 'base'));
        stats.segmentFiles = Math.max(stats.segmentFiles, files.filter((f) => /^t\d+c\d+s\d+\./.test(f)).length);
        // Columns 3 and 4 (numbered from 0) are h and b.
        stats.packedSegmentFiles = Math.max(stats.packedSegmentFiles, files.filter((f) => /^t\d+c[34]s\d+\./.test(f)).length);
        await db.exec('SET enable_indexscan = off');
        for (let q = 0; q < 3 && model.size > 0; q++) {
          const qv = Array.from({ length: 8 }, () => p.int(41) - 20);
          const d = (await db.query<{ d: number }>('SELECT (v <-> $1)::float8 AS d FROM items ORDER BY v <-> $1 LIMIT 10', [`[${qv.join(',')}]`])).rows.map((r) => Math.round(r.d * r.d));
          const exact = [...model.values()].map((e) => l2sq(e.v, qv)).sort((a, b) => a - b).slice(0, 10);
          assert.deepEqual(d, exact, `seed ${seed} cycle ${cycle}: exact top-10`);
          const dh = (await db.query<{ d: number }>('SELECT (h <-> $1)::float8 AS d FROM items ORDER BY h <-> $1 LIMIT 10', [`[${qv.join(',')}]`])).rows.map((r) => Math.round(r.d * r.d));
          assert.deepEqual(dh, exact, `seed ${seed} cycle ${cycle}: exact top-10 over halfvec`);
          const qb = bitsOf(`[${qv.join(',')}]`);
          const db2 = (await db.query<{ d: number }>('SELECT (b <~> $1)::float8 AS d FROM items ORDER BY b <~> $1 LIMIT 10', [qb])).rows.map((r) => r.d);
          const exactB = [...model.values()].map((e) => hamming(bitsOf(e.v), qb)).sort((a, b) => a - b).slice(0, 10);
          assert.deepEqual(db2, exactB, `seed ${seed} cycle ${cycle}: exact top-10 over bit`);
        }
        stats.faults += bufferCache.stats.faults - faults0;
      } finally {
        await closeOrAbandon(db, cycle);
      }
    }
  });
  console.log(`# segment-file crash trials: ${JSON.stringify(stats)}`);
  assert.ok(stats.acked > TRIALS * 20, 'children acknowledged commits');
  assert.ok(stats.segmentFiles > 0, `segment files were written: ${JSON.stringify(stats)}`);
  assert.ok(stats.packedSegmentFiles > 0, `segment files of the halfvec and bit columns were written: ${JSON.stringify(stats)}`);
});
