/**
 * Expression and partial vector indexes against PostgreSQL + pgvector: CREATE INDEX accepts
 * and refuses what PostgreSQL does with its errors, and queries return the same rows whether
 * or not the index is used (the tables are small enough that pgvector's HNSW is exact).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const pair = await openSqlPair();
const { same, both } = pair;
await both(`CREATE TABLE ix (id int PRIMARY KEY, embedding vector(4), category text, tenant_id int, n int);
  INSERT INTO ix VALUES
    (1, '[1,0,0.1,0]', 'Science', 42, 1), (2, '[0,1,0,0]', 'Art', 42, 2), (3, '[1,1,0,0]', 'Science', 7, 3),
    (4, '[0,0,1,1]', 'Art', 7, 4), (5, '[1,2,3,4]', 'Science', 42, 5), (6, '[-1,0.5,2,0]', NULL, NULL, NULL),
    (7, '[3,1,0,-2]', 'History', 1, 7), (8, '[0.5,0.5,0.5,0.5]', 'Science', 1, 8)`);

test('CREATE INDEX refuses what PostgreSQL refuses, with its errors', async () => {
  await same('CREATE INDEX ON ix USING hnsw ((subvector(embedding, 1, 2)) vector_cosine_ops)');
  await same('CREATE INDEX ON ix USING hnsw ((embedding + embedding) vector_cosine_ops)');
  await same('CREATE INDEX ON ix USING hnsw (embedding vector_cosine_ops, category)');
  await same('CREATE UNIQUE INDEX ON ix USING hnsw (embedding vector_cosine_ops)');
  await same('CREATE INDEX ON ix USING hnsw (embedding vector_cosine_ops) WHERE random() > 0.5');
  await same('CREATE INDEX ON ix USING hnsw (embedding vector_cosine_ops) WHERE (select true)');
  await same('CREATE INDEX ON ix USING hnsw (embedding vector_cosine_ops) WHERE count(*) > 1');
  await same('CREATE INDEX ON ix USING hnsw (embedding vector_cosine_ops) WHERE n');
  await same('CREATE INDEX ON ix USING hnsw (embedding vector_cosine_ops) WHERE nocol = 1');
  await same('CREATE INDEX ON ix USING hnsw (($1::vector(4)) vector_cosine_ops)');
  await same('CREATE INDEX ON ix USING hnsw ((gen_random_uuid()) vector_cosine_ops)');
  await same('CREATE INDEX ON ix USING hnsw ((embedding::halfvec(4)) vector_cosine_ops)');
  await same('CREATE INDEX ON ix USING hnsw ((subvector(nocol, 1, 2)::vector(2)) vector_cosine_ops)');
  await same('CREATE INDEX ON ix USING hnsw ((subvector(embedding, 1, 9)::vector(9)) vector_cosine_ops)');
});

const { db } = pair;

/** The plan vecgres chooses, as EXPLAIN (COSTS OFF) lines. */
async function plan(sql: string): Promise<string> {
  const r = await db.query(`EXPLAIN (COSTS OFF) ${sql}`);
  return r.rows.map((x) => (x as Record<string, string>)['QUERY PLAN']).join('\n');
}

async function usesIndex(sql: string, index: string | null): Promise<void> {
  const p = await plan(sql);
  if (index === null) assert.ok(!p.includes('Index Scan using'), `expected no index scan:\n${p}`);
  else assert.ok(p.includes(`Index Scan using ${index} `), `expected ${index}:\n${p}`);
}

test('expression indexes: Matryoshka prefixes serve the ORDER BY that matches their expression', async () => {
  await both('CREATE INDEX ix_prefix ON ix USING hnsw ((subvector(embedding, 1, 2)::vector(2)) vector_l2_ops)');
  const q = "SELECT id FROM ix ORDER BY subvector(embedding, 1, 2)::vector(2) <-> '[0.9,0.2]' LIMIT 3";
  await same(q);
  await usesIndex(q, 'ix_prefix');
  // Another prefix, operator or expression: not this index (and the same rows by a sort).
  for (const other of [
    "SELECT id FROM ix ORDER BY subvector(embedding, 1, 3)::vector(3) <-> '[0.9,0.2,0]' LIMIT 3",
    "SELECT id FROM ix ORDER BY subvector(embedding, 1, 2)::vector(2) <=> '[0.9,0.2]' LIMIT 3",
    "SELECT id FROM ix ORDER BY subvector(embedding, 2, 2)::vector(2) <-> '[0.9,0.2]' LIMIT 3",
  ]) {
    await same(other);
    await usesIndex(other, null);
  }
  const params = "SELECT id, round((subvector(embedding, 1, 2)::vector(2) <-> $1)::numeric, 4) AS d FROM ix ORDER BY subvector(embedding, 1, 2)::vector(2) <-> $1 LIMIT $2";
  await same(params, ['[0.2,0.9]', 4]);
  // Rows inserted, updated and deleted after CREATE INDEX are maintained through the expression.
  await both("INSERT INTO ix VALUES (9, '[0.1,0.95,7,7]', 'Art', 3, 9)");
  await both("UPDATE ix SET embedding = '[5,5,5,5]' WHERE id = 2");
  await both('DELETE FROM ix WHERE id = 4');
  await same(params, ['[0.2,0.9]', 4]);
  await usesIndex(params.replace('$2', '4').replaceAll('$1', "'[0.2,0.9]'"), 'ix_prefix');
  await both('DROP INDEX ix_prefix');
});

test("the seeds' expression indexes: halfvec for storage, binary_quantize bits for speed", async () => {
  await both('CREATE INDEX ix_half ON ix USING hnsw ((embedding::halfvec(4)) halfvec_cosine_ops)');
  await both('CREATE INDEX ix_bq ON ix USING hnsw ((binary_quantize(embedding)::bit(4)) bit_hamming_ops)');
  await both('CREATE INDEX ix_jq ON ix USING hnsw ((binary_quantize(embedding)::bit(4)) bit_jaccard_ops)');
  const half = "SELECT id, round((embedding::halfvec(4) <=> '[1,0.5,0,0]')::numeric, 3) AS d FROM ix ORDER BY embedding::halfvec(4) <=> '[1,0.5,0,0]' LIMIT 4";
  await same(half);
  await usesIndex(half, 'ix_half');
  // Bit distances tie: the distances in order are PostgreSQL's, whichever tied row comes first.
  // On 8 rows the exact scan of the column's sign bits is cheaper; both planners take the
  // index once sequential scans are disabled.
  await both('SET enable_seqscan = off');
  for (const [op, index] of [['<~>', 'ix_bq'], ['<%>', 'ix_jq']] as const) {
    const bits = `SELECT binary_quantize(embedding)::bit(4) ${op} binary_quantize('[1,-1,1,-1]'::vector)::bit(4) AS d FROM ix ORDER BY binary_quantize(embedding)::bit(4) ${op} binary_quantize('[1,-1,1,-1]'::vector)::bit(4) LIMIT 5`;
    await same(bits);
    await usesIndex(bits, index);
  }
  await both('RESET enable_seqscan');
  // Filtered: every matching row is returned (8 rows: pgvector's HNSW is exact here too).
  const filtered = "SELECT id FROM ix WHERE category = 'Science' ORDER BY embedding::halfvec(4) <=> '[0,1,0,0]' LIMIT 3";
  await same(filtered);
  await usesIndex(filtered, 'ix_half');
  await both("INSERT INTO ix VALUES (11, '[1,0.6,0,0]', 'Science', 3, 11), (12, '[0.1,1,0,0]', 'Science', 3, 12)");
  await both('DELETE FROM ix WHERE id = 12');
  await same(half);
  await same(filtered);
  await both('DROP INDEX ix_half; DROP INDEX ix_bq; DROP INDEX ix_jq');
  await both('DELETE FROM ix WHERE id = 11');
});

test('HNSW on halfvec, bit and sparsevec columns: every opclass, errors as pgvector', async () => {
  await both(`CREATE TABLE hb (id int PRIMARY KEY, h halfvec(3), b bit(6), s sparsevec(5));
    INSERT INTO hb VALUES (1, '[1,2,3]', B'101010', '{1:1}/5'), (2, '[0.5,-1,2]', B'111000', '{2:1}/5'), (3, '[3,3,0]', B'000111', '{1:2,3:1}/5'),
      (4, NULL, NULL, NULL), (5, '[-2,0.25,1]', B'110011', '{5:3}/5'), (6, '[1,1,1]', B'101011', '{4:1}/5')`);
  for (const [oc, op] of [['halfvec_l2_ops', '<->'], ['halfvec_ip_ops', '<#>'], ['halfvec_cosine_ops', '<=>'], ['halfvec_l1_ops', '<+>']] as const) {
    await both(`CREATE INDEX hb_h ON hb USING hnsw (h ${oc})`);
    const q = `SELECT id, h ${op} '[1,0,1]' AS d FROM hb ORDER BY h ${op} '[1,0,1]' LIMIT 4`;
    await same(q);
    await usesIndex(q, 'hb_h');
    await both('DROP INDEX hb_h');
  }
  for (const [oc, op] of [['bit_hamming_ops', '<~>'], ['bit_jaccard_ops', '<%>']] as const) {
    await both(`CREATE INDEX hb_b ON hb USING hnsw (b ${oc})`);
    const q = `SELECT b ${op} B'101000' AS d FROM hb ORDER BY b ${op} B'101000' LIMIT 4`;
    await same(q);
    await usesIndex(q, 'hb_b');
    await both('DROP INDEX hb_b');
  }
  await same('CREATE INDEX ON hb USING hnsw (h vector_l2_ops)');
  await same('CREATE INDEX ON hb USING hnsw (b halfvec_l2_ops)');
  await same('CREATE INDEX ON hb USING hnsw (h bit_hamming_ops)');
  await same("SELECT id FROM hb ORDER BY h <-> '[1,2]' LIMIT 2");
  // A LIMIT reaching past the rows the index holds: the NULL row too, as PostgreSQL's plan
  // (a sequential scan) returns it.
  await both('CREATE INDEX hb_h ON hb USING hnsw (h halfvec_l2_ops)');
  await same("SELECT id FROM hb ORDER BY h <-> '[1,0,1]' LIMIT 6");
  await usesIndex("SELECT id FROM hb ORDER BY h <-> '[1,0,1]' LIMIT 6", null);
  await both('DROP INDEX hb_h');
  for (const [oc, op] of [['sparsevec_l2_ops', '<->'], ['sparsevec_ip_ops', '<#>'], ['sparsevec_cosine_ops', '<=>'], ['sparsevec_l1_ops', '<+>']] as const) {
    await both(`CREATE INDEX hb_s ON hb USING hnsw (s ${oc})`);
    const q = `SELECT id, s ${op} '{1:1,3:0.5}/5' AS d FROM hb ORDER BY s ${op} '{1:1,3:0.5}/5', id LIMIT 4`;
    await same(q);
    await same(`SELECT id FROM hb ORDER BY s ${op} '{1:1,3:0.5}/5' LIMIT 1`);
    await usesIndex(`SELECT id FROM hb ORDER BY s ${op} '{1:1,3:0.5}/5' LIMIT 1`, 'hb_s');
    // A filter (the filtered strategies run over the sparse keys too).
    await same(`SELECT id FROM hb WHERE id % 2 = 1 ORDER BY s ${op} '{2:1,5:1}/5', id LIMIT 2`);
    // Rows inserted after the build are found; a query of other dimensions fails as pgvector's.
    await both("INSERT INTO hb VALUES (7, NULL, NULL, '{1:1,3:0.5}/5')");
    await same(`SELECT id FROM hb ORDER BY s ${op} '{1:1,3:0.5}/5' LIMIT 1`);
    await same(`SELECT id FROM hb ORDER BY s ${op} '{1:1}/4' LIMIT 1`);
    await both('DELETE FROM hb WHERE id = 7');
    await both('REINDEX INDEX hb_s');
    await same(`SELECT id FROM hb ORDER BY s ${op} '{1:1,3:0.5}/5' LIMIT 1`);
    await usesIndex(`SELECT id FROM hb ORDER BY s ${op} '{1:1,3:0.5}/5' LIMIT 1`, 'hb_s');
    await both('DROP INDEX hb_s');
  }
  await same('CREATE INDEX ON hb USING hnsw (s vector_l2_ops)');
  await same('CREATE INDEX ON hb USING hnsw (h sparsevec_l2_ops)');
  await both('CREATE TABLE hs (id int, s sparsevec, e vector(3))');
  await same('CREATE INDEX ON hs USING hnsw (s sparsevec_l2_ops)');
  // An expression: a vector column cast to sparsevec.
  await both("INSERT INTO hs VALUES (1, NULL, '[1,0,2]'), (2, NULL, '[0,1,0]'), (3, NULL, '[1,1,1]')");
  await both('CREATE INDEX hs_e ON hs USING hnsw ((e::sparsevec(3)) sparsevec_cosine_ops)');
  await same("SELECT id FROM hs ORDER BY e::sparsevec(3) <=> '{1:1,3:1}/3' LIMIT 2");
  await usesIndex("SELECT id FROM hs ORDER BY e::sparsevec(3) <=> '{1:1,3:1}/3' LIMIT 2", 'hs_e');
  await both('DROP TABLE hs');
});

test('partial indexes are used only when the WHERE implies their predicate', async () => {
  await both("CREATE INDEX ix_science ON ix USING hnsw (embedding vector_cosine_ops) WHERE category = 'Science'");
  await both('CREATE INDEX ix_tenant ON ix USING hnsw (embedding vector_cosine_ops) WHERE tenant_id = 42');
  await both('CREATE INDEX ix_range ON ix USING hnsw (embedding vector_l2_ops) WHERE n BETWEEN 2 AND 7');
  await both('CREATE INDEX ix_in ON ix USING hnsw (embedding vector_ip_ops) WHERE tenant_id IN (1, 7) AND n > 0');
  const cases: [string, string | null][] = [
    ["SELECT id FROM ix WHERE category = 'Science' ORDER BY embedding <=> '[1,0.5,0,0]' LIMIT 3", 'ix_science'],
    ["SELECT id FROM ix WHERE category = 'Science' AND n > 1 ORDER BY embedding <=> '[1,0.5,0,0]' LIMIT 3", 'ix_science'],
    ["SELECT id FROM ix WHERE category = 'Art' ORDER BY embedding <=> '[1,0.5,0,0]' LIMIT 3", null],
    ["SELECT id FROM ix ORDER BY embedding <=> '[1,0.5,0,0]' LIMIT 3", null],
    ["SELECT id FROM ix WHERE category = 'Science' OR n = 2 ORDER BY embedding <=> '[1,0.5,0,0]' LIMIT 3", null],
    ["SELECT id FROM ix WHERE tenant_id = 42 ORDER BY embedding <=> '[0,1,0,0.5]' LIMIT 2", 'ix_tenant'],
    ["SELECT id FROM ix WHERE tenant_id IN (42) ORDER BY embedding <=> '[0,1,0,0.5]' LIMIT 2", 'ix_tenant'],
    ["SELECT id FROM ix WHERE n >= 3 AND n < 6 ORDER BY embedding <-> '[1,1,1,1]' LIMIT 2", 'ix_range'],
    ["SELECT id FROM ix WHERE n IN (2, 7) ORDER BY embedding <-> '[1,1,1,1]' LIMIT 2", 'ix_range'],
    ["SELECT id FROM ix WHERE n >= 1 AND n < 6 ORDER BY embedding <-> '[1,1,1,1]' LIMIT 2", null],
    ["SELECT id FROM ix WHERE tenant_id = 7 AND n = 3 ORDER BY embedding <#> '[1,1,0,0]' LIMIT 2", 'ix_in'],
    ["SELECT id FROM ix WHERE tenant_id = 7 ORDER BY embedding <#> '[1,1,0,0]' LIMIT 2", null],
  ];
  for (const [sql, index] of cases) {
    await same(sql);
    await usesIndex(sql, index);
  }
  // A conjunct the predicate makes redundant is not rechecked by the index scan.
  const p = await plan(cases[0]![0]);
  assert.ok(!p.includes('Filter'), p);
  for (const n of ['ix_science', 'ix_tenant', 'ix_range', 'ix_in']) await both(`DROP INDEX ${n}`);
});

test('a similarity ORDER BY (a monotone transform of the distance) runs as the index scan', async () => {
  await both('CREATE INDEX ix_cos ON ix USING hnsw (embedding vector_cosine_ops)');
  await both('CREATE INDEX ix_ip ON ix USING hnsw (embedding vector_ip_ops)');
  await both('CREATE INDEX ix_l2 ON ix USING hnsw (embedding vector_l2_ops)');
  // On 8 rows the exact scan costs less; the point here is the index path's rows.
  await both('SET enable_seqscan = off');
  const cases: [string, string][] = [
    ["SELECT id, round((1 - (embedding <=> '[1,0.2,0,0]'))::numeric, 5) AS sim FROM ix WHERE embedding IS NOT NULL ORDER BY 1 - (embedding <=> '[1,0.2,0,0]') DESC LIMIT 4", 'ix_cos'],
    ["SELECT id FROM ix ORDER BY 1 - (embedding <=> '[1,0.2,0,0]') DESC NULLS LAST LIMIT 4", 'ix_cos'],
    ["SELECT id FROM ix ORDER BY (embedding <#> '[1,0.2,0.1,0]') * -1 DESC NULLS LAST LIMIT 4", 'ix_ip'],
    ["SELECT id FROM ix ORDER BY -(embedding <-> '[1,0.2,0,0]') DESC NULLS LAST LIMIT 4", 'ix_l2'],
    ["SELECT id FROM ix ORDER BY (embedding <-> '[1,0.2,0,0]') * 2 + 1 LIMIT 4", 'ix_l2'],
    ["SELECT id FROM ix ORDER BY 0.5 - (embedding <-> '[1,0.2,0,0]') / 4 DESC NULLS LAST LIMIT 4", 'ix_l2'],
  ];
  for (const [sql, index] of cases) {
    await same(sql);
    await usesIndex(sql, index);
  }
  // NULLS FIRST (the default for DESC): rows without an embedding come first, then the index's.
  await both("INSERT INTO ix VALUES (10, NULL, 'Art', 7, 10)");
  const nullsFirst = "SELECT id FROM ix ORDER BY 1 - (embedding <=> '[1,0.2,0,0]') DESC LIMIT 3";
  await same(nullsFirst);
  await usesIndex(nullsFirst, 'ix_cos');
  // Not monotone, or the wrong direction: no index.
  for (const sql of [
    "SELECT id FROM ix ORDER BY (embedding <=> '[1,0.2,0,0]') * (embedding <=> '[1,0.2,0,0]') LIMIT 3",
    "SELECT id FROM ix ORDER BY 1 - (embedding <=> '[1,0.2,0,0]') NULLS FIRST LIMIT 3",
    "SELECT id FROM ix ORDER BY (embedding <=> '[1,0.2,0,0]') * 0 LIMIT 3",
  ]) {
    await usesIndex(sql, null);
  }
  await both('DELETE FROM ix WHERE id = 10');
  await both('RESET enable_seqscan');
  for (const n of ['ix_cos', 'ix_ip', 'ix_l2']) await both(`DROP INDEX ${n}`);
});

test('WHERE distance < threshold with ORDER BY distance stays correct with the early stop', async () => {
  await both('CREATE INDEX ix_l2 ON ix USING hnsw (embedding vector_l2_ops)');
  await both('SET enable_seqscan = off');
  for (const [sql, params] of [
    ["SELECT id FROM ix WHERE embedding <-> '[1,0,0.1,0]' < 1.5 ORDER BY embedding <-> '[1,0,0.1,0]' LIMIT 5", []],
    ["SELECT id FROM ix WHERE embedding <-> $1 <= $2 ORDER BY embedding <-> $1 LIMIT 5", ['[1,0,0.1,0]', 1]],
    ["SELECT id FROM ix WHERE 2 > embedding <-> $1 ORDER BY embedding <-> $1 LIMIT 5", ['[0,1,0.1,0]']],
    ["SELECT id FROM ix WHERE embedding <-> $1 < $2 ORDER BY embedding <-> $1 LIMIT 5", ['[0,1,0.1,0]', null]],
    ["SELECT id FROM ix WHERE embedding <-> $1 < $2 ORDER BY embedding <-> $1 LIMIT 5", ['[0,1,0.1,0]', 0]],
  ] as [string, unknown[]][]) {
    await same(sql, params);
  }
  await usesIndex("SELECT id FROM ix WHERE embedding <-> '[1,0,0.1,0]' < 1.5 ORDER BY embedding <-> '[1,0,0.1,0]' LIMIT 5", 'ix_l2');
  // The scan stops at the first row past the threshold instead of reading the whole graph's answer.
  const tuples = async (where: string): Promise<number> => {
    const r = await db.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT id FROM ix ${where} ORDER BY embedding <-> '[1,0,0.1,0]' LIMIT 5`);
    const line = r.rows.map((x) => (x as Record<string, string>)['QUERY PLAN']).find((l) => l.includes('Index Tuples Returned'));
    assert.ok(line !== undefined, 'EXPLAIN ANALYZE shows Index Tuples Returned');
    return Number(/Index Tuples Returned: (\d+)/.exec(line)![1]);
  };
  const bounded = await tuples("WHERE embedding <-> '[1,0,0.1,0]' < 0.5");
  const unbounded = await tuples('');
  assert.ok(bounded <= 2 && unbounded >= 8, `bounded ${bounded}, unbounded ${unbounded}`);
  await both('RESET enable_seqscan');
  await both('DROP INDEX ix_l2');
});
