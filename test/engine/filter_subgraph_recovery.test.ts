/**
 * Filter subgraphs (access/hnsw/subgraphs.ts) live in memory only: after a crash the recovered
 * HNSW index has none, and a large tenant's query gets a new one built from the recovered rows,
 * including rows that were only in the log. The answers are the tenant's rows at recall@10
 * against the exact strategy's (vecgres.filtered_search = exact, itself differential-tested
 * against pgvector), and a row inserted after the checkpoint equal to a query comes first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import type { HnswIndex } from '../../src/access/hnsw/index.js';
import type { FilterSubgraphs } from '../../src/access/hnsw/subgraphs.js';

const SEED = Number(process.env['VECGRES_SEED'] ?? 515);
const DIM = 32;
const ROWS = 10000;
const SQL = 'SELECT id FROM t WHERE tenant = $1 ORDER BY v <=> $2 LIMIT 10';

async function plan(db: Vecgres, params: unknown[]): Promise<string> {
  const r = await db.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${SQL}`, params);
  return r.rows.map((x) => String(Object.values(x)[0])).join('\n');
}

/** The filter subgraphs of the test's HNSW index. */
function subgraphsOf(db: Vecgres): FilterSubgraphs {
  return (db.database.indexes.get('t_v') as HnswIndex).subgraphs;
}

async function ids(db: Vecgres, params: unknown[]): Promise<number[]> {
  return (await db.query(SQL, params)).rows.map((x) => Number(x['id']));
}

test(`filter subgraphs after a crash: rebuilt from the recovered rows (seed ${SEED})`, async () => {
  const prng = new Prng(SEED);
  const vec = (): string => `[${Array.from({ length: DIM }, () => (prng.next() * 2 - 1).toFixed(4)).join(',')}]`;
  const fs = new FaultyFs(new MemoryFs(), { seed: SEED });
  let db = await Vecgres.create('db', { storage: fs });
  await db.exec(`CREATE TABLE t (id int PRIMARY KEY, tenant int, v vector(${DIM}))`);
  const rows: string[] = [];
  // tenant 0: 20% of the rows (2,000).
  for (let i = 0; i < ROWS; i++) rows.push(`(${i}, ${i % 5 === 0 ? 0 : 1 + (i % 97)}, '${vec()}')`);
  for (let i = 0; i < ROWS; i += 2000) await db.exec(`INSERT INTO t VALUES ${rows.slice(i, i + 2000).join(',')}`);
  await db.exec('CREATE INDEX t_v ON t USING hnsw (v vector_cosine_ops)');
  await db.exec('CHECKPOINT');
  const queries = Array.from({ length: 12 }, vec);
  for (let i = 0; i < 2; i++) await ids(db, [0, queries[0]]);
  await subgraphsOf(db).settled();
  assert.match(await plan(db, [0, queries[1]]), /filter subgraph/);
  // Only in the log: a tenant-0 row equal to a query, and a deleted one.
  await db.exec(`INSERT INTO t VALUES (${ROWS}, 0, '${queries[2]}')`);
  const nearest = (await ids(db, [0, queries[3]]))[0]!;
  await db.exec(`DELETE FROM t WHERE id = ${nearest}`);
  db.database.abandon();
  fs.powerCut();

  db = await Vecgres.create('db', { storage: fs });
  try {
    assert.doesNotMatch(await plan(db, [0, queries[1]]), /filter subgraph/, 'no subgraph survives the crash');
    assert.doesNotMatch(await plan(db, [0, queries[1]]), /filter subgraph/, 'built by a worker, not by the query');
    await subgraphsOf(db).settled();
    assert.match(await plan(db, [0, queries[1]]), /filter subgraph \(estimated rows \d+, actual rows 2000/);
    assert.equal((await ids(db, [0, queries[2]]))[0], ROWS, 'the row from the log is found');
    assert.ok(!(await ids(db, [0, queries[3]])).includes(nearest), 'the deleted row stays deleted');
    let hits = 0;
    for (const q of queries) {
      const got = await ids(db, [0, q]);
      await db.exec('SET vecgres.filtered_search = exact');
      const want = new Set(await ids(db, [0, q]));
      await db.exec('RESET vecgres.filtered_search');
      assert.equal(got.length, 10);
      for (const id of got) if (want.has(id)) hits++;
    }
    assert.ok(hits / (10 * queries.length) >= 0.95, `recall@10 ${hits / (10 * queries.length)}`);
  } finally {
    await db.close();
  }
});
