/**
 * The planner says why a vector index was not used: an `Index Not Used` line in EXPLAIN and a
 * NOTICE with a HINT naming the index and the operator it serves, for each way a k-NN query
 * misses an index on its column; `vecgres.index_hints = off` silences both; a query that uses
 * the index, or passes it over only on cost, gets neither.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import type { PgError } from '../../src/common/errors.js';

const notices: PgError[] = [];
const db = await Vecgres.create({ onNotice: (n) => notices.push(n) });
after(() => db.close());
const rows = Array.from({ length: 50 }, (_, j) => {
  const i = j + 1;
  return `(${i}, '[${i % 7},${i % 5},${i % 3}]', '${i % 2 === 0 ? 'Science' : 'Art'}')`;
});
await db.exec(`CREATE TABLE items (id int PRIMARY KEY, embedding vector(3), category text);
  INSERT INTO items VALUES ${rows.join(', ')}`);
// DDL after data changes is a query of its own (a multi-statement query is one transaction).
await db.exec(`CREATE INDEX items_cos ON items USING hnsw (embedding vector_cosine_ops);
  CREATE INDEX items_prefix ON items USING hnsw ((subvector(embedding, 1, 2)::vector(2)) vector_l2_ops);
  CREATE INDEX items_science ON items USING hnsw (embedding vector_ip_ops) WHERE category = 'Science';
  SET enable_seqscan = off`);

async function run(sql: string): Promise<{ explain: string[]; notices: { message: string; hint: string | undefined; code: string; severity: string }[] }> {
  const explain = (await db.query(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((r) => (r as Record<string, string>)['QUERY PLAN']!).filter((l) => l.startsWith('Index Not Used: '));
  notices.length = 0;
  await db.query(sql);
  return { explain, notices: notices.map((n) => ({ message: n.message, hint: n.hint, code: n.code, severity: n.severity })) };
}

test('each reason an index on the ORDER BY column is not used is explained', async () => {
  const cases: [string, string, RegExp][] = [
    ["SELECT id FROM items ORDER BY embedding <-> '[1,2,3]' LIMIT 3", 'items_cos', /serves operator <=> \(vector_cosine_ops\)/],
    ["SELECT id FROM items ORDER BY embedding <=> '[1,2,3]'", 'items_cos', /only with a LIMIT/],
    ["SELECT id FROM items ORDER BY embedding <=> '[1,2,3]' DESC LIMIT 3", 'items_cos', /nearest rows first/],
    ["SELECT id FROM items ORDER BY subvector(embedding, 1, 2)::vector(2) <=> '[1,2]' LIMIT 3", 'items_prefix', /serves operator <-> \(vector_l2_ops\)/],
    ["SELECT id FROM items ORDER BY embedding <#> '[1,2,3]' LIMIT 3", 'items_science', /holds only rows where \(category = 'Science'\)/],
    ["SELECT id FROM items WHERE category = 'Art' ORDER BY embedding <#> '[1,2,3]' LIMIT 3", 'items_science', /holds only rows where/],
    ["SELECT id FROM items ORDER BY embedding <-> '[1,2,3]' LIMIT 3", 'items_prefix', /holds \(subvector\(embedding, 1, 2\)\)::vector\(2\)/],
  ];
  for (const [sql, index, hint] of cases) {
    const r = await run(sql);
    assert.ok(r.explain.some((l) => l.startsWith(`Index Not Used: ${index} (`)), `${sql}: ${JSON.stringify(r.explain)}`);
    const n = r.notices.find((x) => x.message.startsWith(`index "${index}" was not used for ORDER BY`));
    assert.ok(n !== undefined, `${sql}: ${JSON.stringify(r.notices)}`);
    assert.equal(n.severity, 'NOTICE');
    assert.equal(n.code, '00000');
    assert.match(n.hint ?? '', hint, sql);
    assert.ok((n.hint ?? '').includes(`"${index}"`), 'the HINT names the index');
  }
});

test('no hint when an index serves the query, and none with vecgres.index_hints = off', async () => {
  for (const sql of [
    "SELECT id FROM items ORDER BY embedding <=> '[1,2,3]' LIMIT 3",
    "SELECT id FROM items ORDER BY 1 - (embedding <=> '[1,2,3]') DESC NULLS LAST LIMIT 3",
    "SELECT id FROM items WHERE category = 'Science' ORDER BY embedding <#> '[1,2,3]' LIMIT 3",
    'SELECT id FROM items ORDER BY id LIMIT 3',
  ]) {
    const r = await run(sql);
    assert.deepEqual(r, { explain: [], notices: [] }, sql);
  }
  await db.exec('SET vecgres.index_hints = off');
  const r = await run("SELECT id FROM items ORDER BY embedding <-> '[1,2,3]' LIMIT 3");
  assert.deepEqual(r, { explain: [], notices: [] });
  await db.exec('RESET vecgres.index_hints');
  assert.equal((await run("SELECT id FROM items ORDER BY embedding <-> '[1,2,3]' LIMIT 3")).notices.length, 3);
});
