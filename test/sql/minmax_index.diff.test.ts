/**
 * MIN / MAX through an index (plan/minmax.ts, PostgreSQL's planagg.c) against PostgreSQL
 * (PGlite): the plans PostgreSQL makes (COSTS OFF), and the answers over NULLs, NaN, infinities,
 * negative zero, empty ranges, descending and expression indexes, HAVING, DISTINCT, LIMIT and
 * OFFSET. Then a seeded sweep of random min / max queries over random WHERE clauses, each
 * compared with PostgreSQL, which also counts how many vecgres answered by index.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Rng } from '../support/random_query/rng.js';

const { both, checkAll, db } = await openSqlPair();

await both(`CREATE TABLE mm (id int NOT NULL, x int, f float8, r real, s text, ts timestamptz, d date, n numeric)`);
await both(`CREATE UNIQUE INDEX mm_id ON mm (id)`);
await both(`CREATE INDEX mm_x ON mm (x)`);
await both(`CREATE INDEX mm_f ON mm (f DESC)`);
await both(`CREATE INDEX mm_r ON mm (r DESC NULLS LAST)`);
await both(`CREATE INDEX mm_s ON mm (s)`);
await both(`CREATE INDEX mm_ts ON mm (ts)`);
await both(`CREATE INDEX mm_d ON mm (d NULLS FIRST)`);
await both(`CREATE INDEX mm_lower ON mm (lower(s))`);
await both(`CREATE INDEX mm_n ON mm (n)`);
await both(`INSERT INTO mm SELECT g,
  CASE WHEN g % 7 = 0 THEN NULL ELSE (g * 37) % 1000 - 500 END,
  CASE WHEN g % 11 = 0 THEN NULL WHEN g = 5 THEN 'NaN' WHEN g = 6 THEN 'Infinity' WHEN g = 8 THEN '-Infinity' WHEN g = 9 THEN -0.0 ELSE ((g * 13) % 997) / 7.0 END,
  CASE WHEN g % 13 = 0 THEN NULL ELSE ((g * 7) % 501) / 3.0 END,
  CASE WHEN g % 5 = 0 THEN NULL ELSE chr(65 + g % 26) || chr(97 + (g * 3) % 26) || g END,
  CASE WHEN g % 9 = 0 THEN NULL ELSE '2024-01-01 00:00+00'::timestamptz + ((g * 31) % 5000) * interval '1 hour' END,
  CASE WHEN g % 17 = 0 THEN NULL ELSE '2020-01-01'::date + (g * 11) % 3000 END,
  CASE WHEN g % 19 = 0 THEN NULL ELSE ((g * 29) % 2001 - 1000) / 10.0 END
  FROM generate_series(1, 5000) g`);
await both(`ANALYZE mm`);

test('min / max by index: the plans PostgreSQL makes', async () => {
  await checkAll('minmax plans', [
    `EXPLAIN (COSTS OFF) SELECT max(id) FROM mm`,
    `EXPLAIN (COSTS OFF) SELECT min(id), max(id) FROM mm`,
    `EXPLAIN (COSTS OFF) SELECT max(x) FROM mm WHERE x < 50`,
    `EXPLAIN (COSTS OFF) SELECT min(x), max(id) AS m FROM mm WHERE s > 'M'`,
    `EXPLAIN (COSTS OFF) SELECT max(id) FROM mm HAVING max(id) > 5`,
    `EXPLAIN (COSTS OFF) SELECT min(x) FROM mm HAVING min(x) < 3 AND max(id) > 1`,
    `EXPLAIN (COSTS OFF) SELECT max(DISTINCT id) FROM mm`,
    `EXPLAIN (COSTS OFF) SELECT max(id) FROM mm GROUP BY ()`,
    `EXPLAIN (COSTS OFF) SELECT max(ts), min(d) FROM mm`,
    `EXPLAIN (COSTS OFF) SELECT max(x), count(*) FROM mm`,
    `EXPLAIN (COSTS OFF) SELECT max(id) FILTER (WHERE x > 3) FROM mm`,
    `EXPLAIN (COSTS OFF) SELECT max(x) FROM mm GROUP BY id % 2`,
  ]);
});

test('min / max by index: the answers PostgreSQL gives', async () => {
  const sqls: string[] = [];
  for (const col of ['id', 'x', 'f', 'r', 's', 'ts', 'd', 'n', 'lower(s)']) {
    for (const where of ['', ' WHERE x < 0', ' WHERE x IS NULL', ' WHERE id > 4990', ' WHERE id < 0', ' WHERE false', ` WHERE s LIKE 'B%'`]) {
      sqls.push(`SELECT min(${col})::text AS lo, max(${col})::text AS hi FROM mm${where}`);
    }
  }
  sqls.push(
    `SELECT max(id) FROM mm HAVING max(id) > 50000`, `SELECT max(id) FROM mm HAVING max(id) > 1 AND min(x) < 0`,
    `SELECT max(id) + min(id) AS s, 'k' AS k FROM mm LIMIT 1`, `SELECT max(id) FROM mm LIMIT 0`, `SELECT max(id) FROM mm OFFSET 1`,
    `SELECT * FROM mm WHERE id = (SELECT max(id) FROM mm)`, `SELECT max(DISTINCT x) FROM mm`, `SELECT max(f) FROM mm WHERE f < 'Infinity'`,
    `SELECT min(f) FROM mm WHERE f > '-Infinity'`, `SELECT max(x) FROM mm WHERE x BETWEEN -10 AND 10 AND id % 2 = 0`,
  );
  await checkAll('minmax answers', sqls);
});

/** A random WHERE over mm's columns (or none). */
function randomWhere(rng: Rng): string {
  const parts: string[] = [];
  const n = rng.int(0, 2);
  for (let i = 0; i < n; i++) {
    parts.push(rng.pick([
      `x < ${rng.int(-600, 600)}`, `x > ${rng.int(-600, 600)}`, `x IS NULL`, `x IS NOT NULL`, `id BETWEEN ${rng.int(0, 5000)} AND ${rng.int(0, 5000)}`,
      `f > ${rng.int(-10, 150)}`, `s < '${String.fromCharCode(65 + rng.int(0, 25))}'`, `ts < '2024-03-01'`, `d > '2025-06-01'`, `n < ${rng.int(-100, 100)}`,
      `id % ${rng.int(2, 9)} = 0`, `r IS NULL`,
    ]));
  }
  return parts.length === 0 ? '' : ` WHERE ${parts.join(rng.pick([' AND ', ' OR ']))}`;
}

test('min / max by index: a seeded sweep of random queries', async () => {
  const rng = new Rng(SEED ^ 0x6d6d);
  const cases = Number(process.env.VECGRES_MINMAX_CASES ?? 120);
  const sqls: string[] = [];
  let byIndex = 0;
  for (let i = 0; i < cases; i++) {
    const items: string[] = [];
    for (let k = rng.int(1, 3); k > 0; k--) {
      items.push(`${rng.pick(['min', 'max'])}(${rng.pick(['id', 'x', 'f', 'r', 's', 'ts', 'd', 'n', 'lower(s)'])})::text`);
    }
    const having = rng.int(0, 4) === 0 ? ` HAVING max(id) > ${rng.int(0, 5000)}` : '';
    const sql = `SELECT ${items.join(', ')} FROM mm${randomWhere(rng)}${having}`;
    sqls.push(sql);
    const plan = (await db.query(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((r) => (r as Record<string, string>)['QUERY PLAN']).join('\n');
    if (plan.startsWith('Result') && plan.includes('InitPlan')) byIndex++;
  }
  await checkAll('minmax sweep', sqls, [], SEED);
  // The sweep must exercise the index form, not only the Aggregate.
  assert.ok(byIndex >= cases * 0.2, `only ${byIndex} of ${cases} queries ran by index`);
});
