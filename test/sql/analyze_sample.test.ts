/**
 * ANALYZE's row sample (Vitter's reservoir with Algorithm Z skips) and the statistics' life
 * cycle: the sample is a uniform subset of the live rows in row order, reproducible from its
 * seed; statistics are gathered again after a restart by the automatic analyze.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Prng } from '../../src/common/prng.js';
import { Table } from '../../src/storage/table.js';
import { sampleRows, computeColumnStats } from '../../src/sql/stats/analyze.js';
import { Vecgres } from '../../src/index.js';
import { SEED } from '../support/seed.js';

function tableOf(n: number, dead: (r: number) => boolean): Table {
  const t = new Table({ name: 't', columns: [{ name: 'a', type: 'int4', typmod: -1, notNull: false, sequence: null, defaultSql: null }], primaryKey: [] });
  for (let r = 0; r < n; r++) t.appendRow([r]);
  for (let r = 0; r < n; r++) if (dead(r)) t.killRow(r);
  return t;
}

test('the sample holds `target` distinct live rows in row order, each about equally often', () => {
  const n = 5000;
  const target = 300;
  const t = tableOf(n, (r) => r % 10 === 3);
  const live = t.liveCount;
  const hits = new Float64Array(n);
  const runs = 400;
  const rng = new Prng(SEED);
  for (let k = 0; k < runs; k++) {
    const { rows, liveRows } = sampleRows(t, target, rng);
    assert.equal(liveRows, live);
    assert.equal(rows.length, target);
    for (let i = 0; i < rows.length; i++) {
      assert.ok(t.isLive(rows[i]!), `dead row ${rows[i]} sampled (VECGRES_SEED=${SEED})`);
      if (i > 0) assert.ok(rows[i]! > rows[i - 1]!, 'rows in order, no duplicates');
      hits[rows[i]!]!++;
    }
  }
  // Uniformity, by deciles of the live rows: each decile holds a tenth of all draws. With
  // 120,000 draws a decile's count has a standard deviation of ~100; 6% is ~7 sigma.
  const expected = (runs * target) / 10;
  const perDecile = new Float64Array(10);
  let seen = 0;
  for (let r = 0; r < n; r++) {
    if (!t.isLive(r)) continue;
    perDecile[Math.min(9, Math.floor((seen++ * 10) / live))]! += hits[r]!;
  }
  for (let d = 0; d < 10; d++) {
    assert.ok(Math.abs(perDecile[d]! - expected) < expected * 0.06, `decile ${d}: ${perDecile[d]} vs ${expected} (VECGRES_SEED=${SEED})`);
  }
  // Algorithm Z takes over from Algorithm X past 22 x target rows: a table of 50,000 rows
  // exercises it; the last rows must still be reachable.
  const big = tableOf(50000, () => false);
  let late = 0;
  for (let k = 0; k < 50; k++) for (const r of sampleRows(big, target, rng).rows) if (r >= 40000) late++;
  const lateExpected = 50 * target * 0.2;
  assert.ok(Math.abs(late - lateExpected) < lateExpected * 0.1, `rows past 40,000: ${late} vs ${lateExpected} (VECGRES_SEED=${SEED})`);
});

test('the sample is reproducible from its seed, and a table smaller than the target is taken whole', () => {
  const t = tableOf(2000, (r) => r % 7 === 0);
  const a = sampleRows(t, 100, new Prng(42)).rows;
  const b = sampleRows(t, 100, new Prng(42)).rows;
  assert.deepEqual([...a], [...b]);
  const whole = sampleRows(t, 5000, new Prng(1));
  assert.equal(whole.rows.length, t.liveCount);
});

test('n_distinct: unique, all repeated, and the Haas-Stokes estimate', () => {
  const cmp = (x: unknown, y: unknown) => (x as number) - (y as number);
  // Every value once: a unique column (-1 x non-null fraction).
  assert.equal(computeColumnStats([1, 2, 3, null], 'int4', cmp, 4, 100).nDistinct, -0.75);
  // Every value at least twice: the sample's count, stored as a fraction of the rows when it
  // is more than 10% of them.
  assert.equal(computeColumnStats([1, 1, 2, 2, 3, 3], 'int4', cmp, 1000, 100).nDistinct, 3);
  assert.equal(computeColumnStats([1, 1, 2, 2, 3, 3], 'int4', cmp, 6, 100).nDistinct, -0.5);
  // 1,000 sampled of 100,000 rows, 500 values seen once and 250 twice: Duj1 = n d / (n - f1 + f1 n / N).
  const values: number[] = [];
  for (let i = 0; i < 500; i++) values.push(i);
  for (let i = 500; i < 750; i++) values.push(i, i);
  const s = computeColumnStats(values, 'int4', cmp, 100000, 100);
  const duj1 = Math.floor((1000 * 750) / (1000 - 500 + (500 * 1000) / 100000) + 0.5);
  assert.equal(s.nDistinct, duj1);
});

test('after a restart the automatic analyze gathers the statistics again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-stats-'));
  try {
    let db = await Vecgres.create({ dataDir: dir });
    await db.query('CREATE TABLE r (id int PRIMARY KEY, c text)');
    await db.query("INSERT INTO r SELECT i, 'k' || (i % 3) FROM generate_series(1, 200) i");
    await db.query('ANALYZE r');
    const before = (await db.query("SELECT most_common_vals::text AS m FROM pg_stats WHERE tablename = 'r' AND attname = 'c'")).rows;
    await db.close();
    db = await Vecgres.create({ dataDir: dir });
    try {
      // The first statement boundary after open analyzes every table (statistics are not stored).
      await db.query('SELECT 1');
      const after = (await db.query("SELECT most_common_vals::text AS m FROM pg_stats WHERE tablename = 'r' AND attname = 'c'")).rows;
      assert.deepEqual(after, before);
      const st = (await db.query<{ n: number }>("SELECT autoanalyze_count AS n FROM pg_stat_user_tables WHERE relname = 'r'")).rows[0]!;
      assert.equal(st.n, 1);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
