/**
 * Child process of cic_crash.test.ts: opens the database in directory argv[2], fills table t
 * (id, n, v vector(8)) on first use, then holds method argv[3]'s concurrent builds
 * (test/support/gates.ts), starts CREATE INDEX CONCURRENTLY t_idx with that method, and once
 * the statement waits for its build and the log holds the index's INVALID definition durably
 * (a later commit of another session is acknowledged, and the log is flushed in order),
 * prints `building` and waits to be killed.
 */
import { Vecgres } from '../../src/index.js';
import { gateBuilds } from '../support/gates.js';

export const ROWS = 600;

/** The CREATE INDEX CONCURRENTLY of each method. */
export const CIC: Record<string, string> = {
  hnsw: 'CREATE INDEX CONCURRENTLY t_idx ON t USING hnsw (v vector_l2_ops)',
  ivfflat: 'CREATE INDEX CONCURRENTLY t_idx ON t USING ivfflat (v vector_l2_ops) WITH (lists = 4)',
  btree: 'CREATE INDEX CONCURRENTLY t_idx ON t (n)',
};

async function main(dir: string, method: string): Promise<void> {
  const db = await Vecgres.create(dir);
  await db.query('CREATE TABLE IF NOT EXISTS t (id integer PRIMARY KEY, n integer, v vector(8))');
  await db.query(`INSERT INTO t SELECT i, i % 37, ARRAY[i % 7, i % 11, i % 13, i % 17, i % 19, i % 23, i % 29, i]::vector
    FROM generate_series(1, ${ROWS}) i ON CONFLICT DO NOTHING`);
  gateBuilds(db, method);
  const a = await db.connect();
  const b = await db.connect();
  void a.query(CIC[method]!).catch(() => undefined);
  while ((await b.query("SELECT count(*)::int AS n FROM pg_stat_progress_create_index")).rows[0]!['n'] !== 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await b.query('CREATE TABLE IF NOT EXISTS marker (x int)');
  await b.query('INSERT INTO marker VALUES (1)');
  process.stdout.write('building\n');
  setInterval(() => undefined, 1000);
}

if (process.argv[1]?.endsWith('cic_crash_child.js')) await main(process.argv[2]!, process.argv[3]!);
