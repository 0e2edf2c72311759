/**
 * RANGE frames with offsets over an ORDER BY column with NULLs, against PostgreSQL (PGlite):
 * every direction and NULLS placement with every pair of offset / CURRENT ROW / UNBOUNDED
 * bounds. For a non-NULL current row the NULL rows sit where they sort: a start bound past the
 * last value lands on the first NULLS LAST row (so `3 FOLLOWING AND UNBOUNDED FOLLOWING` holds
 * them); an end bound before the first value keeps the NULLS FIRST rows. The random query
 * generator found the first (`sum(...) OVER (ORDER BY m RANGE BETWEEN 3 FOLLOWING AND UNBOUNDED
 * FOLLOWING)` was NULL on the last non-NULL rows; seed 3010).
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { both, check } = await openSqlPair();

await both(`CREATE TABLE wr (id int PRIMARY KEY, m numeric, x int, p int)`);
await both(`INSERT INTO wr VALUES (1, 1, 1, 0), (2, 2, 2, 0), (3, NULL, 4, 0), (4, NULL, 8, 1), (5, 5, 16, 1), (6, 5, 32, 1), (7, -1, 64, 0), (8, NULL, 128, 0)`);

test('RANGE offset frames place NULL rows where they sort', async () => {
  const mismatches: string[] = [];
  const starts = ['UNBOUNDED PRECEDING', '2 PRECEDING', 'CURRENT ROW', '0 FOLLOWING', '3 FOLLOWING', '10 FOLLOWING'];
  const ends = ['10 PRECEDING', '1 PRECEDING', 'CURRENT ROW', '1 FOLLOWING', '10 FOLLOWING', 'UNBOUNDED FOLLOWING'];
  let n = 0;
  for (const order of ['m', 'm DESC', 'm NULLS FIRST', 'm DESC NULLS LAST', 'm::int', 'm::float8 DESC']) {
    for (const s of starts) {
      for (const e of ends) {
        if (s === 'CURRENT ROW' && e.endsWith('PRECEDING')) continue; // 42P20 on both sides
        if (s.endsWith('FOLLOWING') && (e.endsWith('PRECEDING') || e === 'CURRENT ROW')) continue;
        n++;
        await check(`SELECT id, sum(x) OVER w, count(*) OVER w, min(id) OVER (PARTITION BY p ORDER BY ${order} RANGE BETWEEN ${s} AND ${e}) FROM wr WINDOW w AS (ORDER BY ${order} RANGE BETWEEN ${s} AND ${e}) ORDER BY id`, mismatches);
      }
    }
  }
  reportMismatches('RANGE frames over NULLs', mismatches, n, SEED);
});
