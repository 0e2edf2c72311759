/**
 * The tables both EXPLAIN differential files plan over: t (200 rows, a vector column), u (100
 * rows pointing at t), and the small a / b pair with NULLs for joins.
 */
import type { SqlPair } from './sql_pair.js';

/** Creates and fills t, u, a and b on both sides of `pair`. */
export async function createExplainTables(both: SqlPair['both']): Promise<void> {
  await both(`CREATE TABLE t (id int PRIMARY KEY, x int, e vector(2))`);
  await both(`INSERT INTO t SELECT i, i % 10, ('[' || i || ',0]')::vector FROM generate_series(1, 200) i`);
  await both(`CREATE TABLE u (id int PRIMARY KEY, tid int)`);
  await both(`INSERT INTO u SELECT i, i % 50 FROM generate_series(1, 100) i`);
  await both(`CREATE TABLE a (id int PRIMARY KEY, x int, t text, v vector(2))`);
  await both(`CREATE TABLE b (id int PRIMARY KEY, aid int, y int)`);
  await both(`INSERT INTO a VALUES (1, 10, 'p', '[1,1]'), (2, 20, 'q', '[2,0]'), (3, NULL, 'r', NULL), (4, 40, NULL, '[0,5]')`);
  await both(`INSERT INTO b VALUES (1, 1, 100), (2, 1, 200), (3, 2, 300), (4, 9, 400), (5, NULL, 500)`);
}
