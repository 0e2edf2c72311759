// Gathered blocks of small filters' rows (sql/exec/gathered_rows.ts): from a row list's first
// reuse, its vectors are copied into one contiguous block and ranked there. Every answer
// (rows, distances, order, NULL vectors last) is compared with PostgreSQL + pgvector's
// (PGlite) for each operator of the vector type, over tenants with NULL vectors,
// with more tenants queried than the blocks' budget holds (blocks evicted and made again),
// and after writes that retire the lists and their blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { memories } from '../../src/kernels/memories.js';
import { openSqlPair } from '../support/sql_pair.js';

const SEED = Number(process.env['VECGRES_SEED'] ?? 777);
const { db, both, same } = await openSqlPair();
const DIM = 6;
const ROWS = 2400;
const TENANTS = 24;
const prng = new Prng(SEED);
// Random values, no ties: PostgreSQL's top-N heapsort leaves the order of equal distances open.
const vec = (): string => `[${Array.from({ length: DIM }, () => (prng.next() * 2 - 1).toFixed(6)).join(',')}]`;
const rows: string[] = [];
// One NULL vector in every third tenant (more would tie at NULL, whose order PostgreSQL leaves open).
for (let i = 0; i < ROWS; i++) rows.push(`(${i}, ${i % TENANTS}, ${i < TENANTS && i % 3 === 0 ? 'NULL' : `'${vec()}'`})`);
await both(`CREATE TABLE t (id int PRIMARY KEY, tenant int, v vector(${DIM}))`);
await both(`INSERT INTO t VALUES ${rows.join(',')}`);
const queries = Array.from({ length: 3 }, vec);

/** Rows the HNSW index's gathered blocks hold now (access/shared/keyed_rows.ts). */
function blockRows(): number {
  for (const idx of db.database.indexes.values()) {
    const lists = (idx as { rowLists?: { blockSize: number } }).rowLists;
    if (lists !== undefined) return lists.blockSize;
  }
  return -1;
}

async function plan(sql: string, params: unknown[]): Promise<string> {
  const r = await db.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql}`, params);
  return (r.rows as Array<Record<string, string>>).map((x) => Object.values(x)[0]).join('\n');
}

for (const [opclass, op] of [['vector_l2_ops', '<->'], ['vector_cosine_ops', '<=>'], ['vector_ip_ops', '<#>'], ['vector_l1_ops', '<+>']] as const) {
  test(`${op}: a tenant's rows ranked from its gathered block are PostgreSQL's answer (seed ${SEED})`, async () => {
    await db.exec(`CREATE INDEX t_v_idx ON t USING hnsw (v ${opclass})`);
    try {
      // LIMIT past the rows with a vector: the NULL vectors come last, in id order.
      for (const limit of [10, 100]) {
        const sql = `SELECT id, v ${op} $2 AS d FROM t WHERE tenant = $1 ORDER BY v ${op} $2 LIMIT ${limit}`;
        // More tenants than the blocks' budget (a quarter of the index's rows: 6 of 24) holds,
        // twice over: blocks are made, evicted and made again.
        for (let round = 0; round < 2; round++) {
          for (let t = 0; t < TENANTS; t += 2) {
            for (const q of queries) await same(sql, [t, q]);
          }
        }
        // The blocks exist and stay within their budget.
        assert.ok(blockRows() > 0 && blockRows() <= ROWS / 4, `block rows ${blockRows()}`);
        const p = await plan(sql, [4, queries[0]]);
        assert.match(p, /Filtered Search: exact over bitmap \(estimated rows \d+, actual rows 100; no bitmap\)/, p);
      }
      const sql = `SELECT id, v ${op} $2 AS d FROM t WHERE tenant = $1 ORDER BY v ${op} $2 LIMIT 10`;
      // A write retires the lists with their blocks; the answers follow the table.
      await both(`INSERT INTO t VALUES (100000, 4, '${queries[1]}'), (100001, 4, NULL)`);
      for (let i = 0; i < 3; i++) for (const q of queries) await same(sql, [4, q]);
      await both('UPDATE t SET v = NULL WHERE id = 100000');
      for (let i = 0; i < 3; i++) for (const q of queries) await same(sql, [4, q]);
      await both('DELETE FROM t WHERE id >= 100000');
      for (let i = 0; i < 3; i++) for (const q of queries) await same(sql, [4, q]);
      // A query of another dimension raises pgvector's error from the gathered path too.
      await same(sql, [4, '[1,2,3]']);
    } finally {
      await db.exec('DROP INDEX t_v_idx');
    }
  });
}

test('without room for a block the rows are ranked through the list, with the same answers', async () => {
  await db.exec('CREATE INDEX t_v_idx ON t USING hnsw (v vector_l2_ops)');
  // No memory has room (what allocIfRoom answers at the memory limit): no block, same answers.
  const noRoom = memories as unknown as { allocIfRoom: (bytes: number) => number };
  noRoom.allocIfRoom = () => -1;
  try {
    const sql = 'SELECT id, v <-> $2 AS d FROM t WHERE tenant = $1 ORDER BY v <-> $2 LIMIT 10';
    for (let i = 0; i < 3; i++) for (const t of [1, 3, 6]) for (const q of queries) await same(sql, [t, q]);
    assert.equal(blockRows(), 0);
    assert.match(await plan(sql, [3, queries[0]]), /actual rows 100; no bitmap/);
  } finally {
    delete (noRoom as { allocIfRoom?: unknown }).allocIfRoom;
    await db.exec('DROP INDEX t_v_idx');
  }
});
