/**
 * A table `t (id integer PRIMARY KEY, v vector(dim))` of `rows` seeded random vectors (each
 * component a multiple of 0.001 in [-1, 1]), inserted 200 rows per statement: the data the
 * parallel-build tests index past the 8 MB parallel threshold.
 */
import { Prng } from '../../src/common/prng.js';

/** What the filler needs of a database or session (Vecgres, VecgresWorker, a session). */
interface Sql {
  exec(sql: string): Promise<unknown>;
  query(sql: string): Promise<unknown>;
}

/** Creates and fills `t` (see the module comment); the same `seed` gives the same rows. */
export async function fillVectorTable(db: Sql, rows: number, dim: number, seed: number): Promise<void> {
  await db.exec(`CREATE TABLE t (id integer PRIMARY KEY, v vector(${dim}))`);
  const p = new Prng(seed);
  for (let r = 0; r < rows; r += 200) {
    const values: string[] = [];
    for (let i = r; i < r + 200; i++) values.push(`(${i}, '[${Array.from({ length: dim }, () => (p.int(2001) - 1000) / 1000).join(',')}]')`);
    await db.query(`INSERT INTO t VALUES ${values.join(',')}`);
  }
}
