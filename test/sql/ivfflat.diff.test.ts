// IVFFlat through SQL against PostgreSQL + pgvector (PGlite): option and opclass errors, the
// settings (SHOW / SET / pg_settings), the little-data NOTICE, exact answers with probes =
// lists (the oracle side has no index, so its rows are the exact answer), inserts, deletes
// and VACUUM after the build, filtered queries returning LIMIT rows, EXPLAIN and progress.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { Vecgres } from '../../src/index.js';
import type { PgError } from '../../src/common/errors.js';
import { openSqlPair } from '../support/sql_pair.js';
import { startPglite } from '../support/pglite_start.js';

const SEED = Number(process.env['VECGRES_SEED'] ?? 1212);
const { db, both, same, oracle } = await openSqlPair();
const DIM = 8;
const ROWS = 3000;
const LISTS = 20;
const prng = new Prng(SEED);
const vec = (): string => `[${Array.from({ length: DIM }, () => (prng.next() * 2 - 1).toFixed(3)).join(',')}]`;

const rows: string[] = [];
for (let i = 0; i < ROWS; i++) rows.push(`(${i}, ${i % 100}, '${vec()}')`);
await both(`CREATE TABLE t (id int PRIMARY KEY, cat int, v vector(${DIM}))`);
for (let i = 0; i < ROWS; i += 1000) await both(`INSERT INTO t VALUES ${rows.slice(i, i + 1000).join(',')}`);
await db.exec(`CREATE INDEX t_l2 ON t USING ivfflat (v vector_l2_ops) WITH (lists = ${LISTS})`);
await db.exec(`CREATE INDEX t_ip ON t USING ivfflat (v vector_ip_ops) WITH (lists = ${LISTS})`);
await db.exec(`CREATE INDEX t_cos ON t USING ivfflat (v vector_cosine_ops) WITH (lists = ${LISTS})`);
const queries = Array.from({ length: 8 }, vec);
const OPS = [
  ['<->', 't_l2'],
  ['<#>', 't_ip'],
  ['<=>', 't_cos'],
] as const;

async function explain(sql: string): Promise<string> {
  const r = await db.query(`EXPLAIN (COSTS OFF) ${sql}`);
  return (r.rows as Array<Record<string, string>>).map((x) => Object.values(x)[0]).join('\n');
}

test(`probes = lists: the exact answer for every opclass, through the index (seed ${SEED})`, async () => {
  await both(`SET ivfflat.probes = ${LISTS}`);
  // Reading every list costs a little more than the exact scan, which the planner then picks.
  await db.exec('SET enable_seqscan = off');
  try {
    for (const [op, name] of OPS) {
      for (const q of queries) {
        const sql = `SELECT id, v ${op} '${q}' AS d FROM t ORDER BY v ${op} '${q}' LIMIT 10`;
        assert.match(await explain(sql), new RegExp(`Index Scan using ${name} on t`), sql);
        await same(sql);
      }
    }
  } finally {
    await both('RESET ivfflat.probes');
    await db.exec('RESET enable_seqscan');
  }
});

test('the planner uses the index at every probes value (no plan flip)', async () => {
  const sql = `SELECT id FROM t ORDER BY v <-> '${queries[0]}' LIMIT 10`;
  for (const p of [1, 2, 5, 10, 15]) {
    await db.exec(`SET ivfflat.probes = ${p}`);
    assert.match(await explain(sql), /Index Scan using t_l2 on t/, `probes ${p}`);
  }
  await db.exec('RESET ivfflat.probes');
});

test('default probes = 1 returns LIMIT rows from one list (as pgvector)', async () => {
  const r = await db.query(`SELECT id FROM t ORDER BY v <-> '${queries[1]}' LIMIT 10`);
  assert.equal(r.rows.length, 10);
});

test('a filtered query returns LIMIT rows when they exist (1% of the rows pass)', async () => {
  for (const q of queries) {
    const sql = `SELECT id, cat FROM t WHERE cat = 7 ORDER BY v <-> '${q}' LIMIT 10`;
    const got = (await db.query(sql)).rows as Array<{ id: number; cat: number }>;
    const want = (await oracle.query(sql)).rows as Array<{ id: number }>;
    assert.equal(got.length, want.length, sql);
    assert.ok(got.every((x) => x.cat === 7));
  }
  await both(`SET ivfflat.probes = ${LISTS}`);
  try {
    for (const q of queries) await same(`SELECT id FROM t WHERE cat = 7 ORDER BY v <-> '${q}' LIMIT 10`);
  } finally {
    await both('RESET ivfflat.probes');
  }
});

test("ivfflat.iterative_scan set explicitly: pgvector's post-filter (off: one list's passing rows; relaxed_order: LIMIT rows)", async () => {
  const q = queries[6];
  const sql = `SELECT id, cat FROM t WHERE cat = 7 ORDER BY v <-> '${q}' LIMIT 10`;
  try {
    await db.exec('SET ivfflat.iterative_scan = off');
    const off = (await db.query(sql)).rows as Array<{ cat: number }>;
    // 1% pass and one list of 20 holds about 150 rows: pgvector's "too few rows".
    assert.ok(off.length < 10 && off.every((x) => x.cat === 7), `rows with iterative_scan off: ${off.length}`);
    assert.match(await explain(sql), /Index Scan using t_l2 on t/);
    assert.doesNotMatch(await explain(sql), /Filtered Search/);
    await db.exec('SET ivfflat.iterative_scan = relaxed_order');
    const relaxed = (await db.query(sql)).rows as Array<{ cat: number }>;
    assert.equal(relaxed.length, 10);
    assert.ok(relaxed.every((x) => x.cat === 7));
  } finally {
    await db.exec('RESET ivfflat.iterative_scan');
  }
});

test('INSERT, DELETE and VACUUM after the build keep the exact answer at probes = lists', async () => {
  const extra: string[] = [];
  for (let i = ROWS; i < ROWS + 500; i++) extra.push(`(${i}, ${i % 100}, '${vec()}')`);
  await both(`INSERT INTO t VALUES ${extra.join(',')}`);
  await both('DELETE FROM t WHERE id % 4 = 1');
  await both(`SET ivfflat.probes = ${LISTS}`);
  await db.exec('SET enable_seqscan = off');
  try {
    assert.match(await explain(`SELECT id FROM t ORDER BY v <=> '${queries[0]}' LIMIT 10`), /Index Scan using t_cos on t/);
    for (const [op] of OPS) for (const q of queries.slice(0, 3)) await same(`SELECT id FROM t ORDER BY v ${op} '${q}' LIMIT 10`);
    await both('VACUUM t');
    await both(`INSERT INTO t VALUES (100000, 1, '${queries[2]}')`);
    for (const [op] of OPS) for (const q of queries.slice(0, 3)) await same(`SELECT id FROM t ORDER BY v ${op} '${q}' LIMIT 10`);
  } finally {
    await both('RESET ivfflat.probes');
    await db.exec('RESET enable_seqscan');
  }
});

test('settings: SHOW, SET, RESET and pg_settings as pgvector', async () => {
  for (const sql of [
    'SHOW ivfflat.probes',
    'SHOW ivfflat.iterative_scan',
    'SHOW ivfflat.max_probes',
    'SET ivfflat.probes = 0',
    'SET ivfflat.probes = 32769',
    "SET ivfflat.probes = 'x'",
    'SET ivfflat.max_probes = 0',
    'SET ivfflat.iterative_scan = strict_order',
    'SET ivfflat.iterative_scan = relaxed_order',
    'SHOW ivfflat.iterative_scan',
    'RESET ivfflat.iterative_scan',
    'SET ivfflat.nope = 1',
    "SELECT name, setting, unit, category, short_desc, vartype, min_val, max_val, boot_val FROM pg_settings WHERE name LIKE 'ivfflat.%' ORDER BY name",
  ]) await same(sql);
});

test('option and opclass errors as pgvector', async () => {
  await both(`CREATE TABLE e (id int, v vector(3), h halfvec(3), u vector)`);
  for (const w of ['lists = 0', 'lists = 32769', "lists = 'x'", 'lists = 1.5e10', 'foo = 1', 'lists = 1, lists = 2', 'm = 16']) {
    await same(`CREATE INDEX e_i ON e USING ivfflat (v) WITH (${w})`);
  }
  await same('CREATE INDEX e_i ON e USING ivfflat (v vector_l1_ops)');
  await same('CREATE INDEX e_i ON e USING ivfflat (h)');
  await same('CREATE INDEX e_i ON e USING ivfflat (u)');
  await same('CREATE INDEX e_i ON e USING ivfflat (v vector_cosine_ops, v vector_cosine_ops)');
  // pg_indexes leaves out the default operator class (vector_l2_ops for vector), as pg_get_indexdef.
  await both('CREATE INDEX e_a ON e USING ivfflat (v) WITH (lists = 1); CREATE INDEX e_b ON e USING ivfflat (v vector_ip_ops); CREATE INDEX e_c ON e USING ivfflat (h halfvec_cosine_ops) WITH (lists = 7)');
  await same("SELECT indexname::text AS indexname, indexdef FROM pg_indexes WHERE tablename = 'e' ORDER BY 1");
});

test("CREATE INDEX on an empty or tiny table: pgvector's NOTICE, and the index works", async () => {
  const pg = await startPglite();
  after(() => pg.close());
  await pg.exec('CREATE EXTENSION vector');
  const notices: PgError[] = [];
  const ours = await Vecgres.create({ onNotice: (n) => notices.push(n) });
  after(() => ours.close());
  const setup = "CREATE TABLE s (id int, v vector(2)); INSERT INTO s VALUES (1, '[1,0]'), (2, '[0,1]')";
  await pg.exec(setup);
  await ours.exec(setup);
  for (const sql of ['CREATE INDEX s_a ON s USING ivfflat (v) WITH (lists = 1)', 'CREATE INDEX s_b ON s USING ivfflat (v vector_ip_ops) WITH (lists = 3)', 'CREATE INDEX s_c ON s USING ivfflat (v)']) {
    const theirs: Array<Record<string, unknown>> = [];
    await pg.query(sql, [], { onNotice: (n) => theirs.push({ severity: n.severity, code: n.code, message: n.message, detail: n.detail, hint: n.hint }) });
    notices.length = 0;
    await ours.query(sql);
    assert.deepEqual(notices.map((n) => ({ severity: n.severity, code: n.code, message: n.message, detail: n.detail, hint: n.hint })), theirs, sql);
  }
  await ours.exec('SET enable_seqscan = off');
  const r = await ours.query("SELECT id FROM s ORDER BY v <-> '[1,0.1]' LIMIT 5");
  assert.deepEqual(r.rows, [{ id: 1 }, { id: 2 }]);
  await ours.exec("CREATE TABLE z (v vector(3)); CREATE INDEX ON z USING ivfflat (v); INSERT INTO z VALUES ('[1,2,3]')");
  assert.equal((await ours.query("SELECT count(*)::int AS n FROM (SELECT v FROM z ORDER BY v <-> '[1,1,1]' LIMIT 3) x")).rows[0]!['n'], 1);
});

test("build progress phases are pgvector's", async () => {
  const phases: string[] = [];
  const ours = await Vecgres.create({ onIndexBuildProgress: (p) => phases.push(p.phase) });
  after(() => ours.close());
  await ours.exec(`CREATE TABLE p (id int, cat int, v vector(${DIM}))`);
  await ours.exec(`INSERT INTO p VALUES ${rows.slice(0, 2500).join(',')}`);
  await ours.exec('CREATE INDEX ON p USING ivfflat (v) WITH (lists = 10)');
  assert.deepEqual([...new Set(phases)], ['building index: performing k-means', 'building index: assigning tuples', 'building index: loading tuples']);
});

/** Distance computations of one k-NN query through the index (EXPLAIN ANALYZE's counter). */
async function distanceComputations(on: Vecgres, sql: string): Promise<number> {
  const r = await on.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql}`);
  const text = (r.rows as Array<Record<string, string>>).map((x) => Object.values(x)[0]).join('\n');
  const m = /Distance Computations: (\d+)/.exec(text);
  assert.ok(m !== null, text);
  return Number(m[1]);
}

test('REINDEX INDEX / TABLE: errors as PostgreSQL; an index made on an empty table gets real lists', async () => {
  for (const sql of ['REINDEX INDEX nosuch', 'REINDEX TABLE nosuch', 'REINDEX INDEX t', 'REINDEX TABLE t_pkey', 'REINDEX INDEX t_pkey']) await same(sql);
  await db.exec(`CREATE TABLE r (id int, v vector(${DIM}))`);
  await db.exec('CREATE INDEX r_i ON r USING ivfflat (v) WITH (lists = 20)'); // random centers: no rows
  await db.exec(`INSERT INTO r VALUES ${rows.slice(0, 2000).map((x) => x.replace(/^\((\d+), \d+, /, '($1, ')).join(',')}`);
  await db.exec('SET enable_seqscan = off');
  try {
    // Summed over the queries: one query may land in a small list of either layout.
    const sqls = queries.map((q) => `SELECT id FROM r ORDER BY v <-> '${q}' LIMIT 10`);
    const total = async (): Promise<number> => {
      let n = 0;
      for (const sql of sqls) n += await distanceComputations(db, sql);
      return n;
    };
    const before = await total();
    await db.exec('REINDEX INDEX r_i');
    const after = await total();
    // k-means lists hold about 2000 / 20 rows each; pgvector's random centers put most rows in a few.
    assert.ok(after < 400 * sqls.length && after < before, `distance computations at probes 1 over ${sqls.length} queries: ${before} before REINDEX, ${after} after`);
    await db.exec('SET ivfflat.probes = 20');
    const exact = (await db.query(`SELECT id FROM r ORDER BY v <-> '${queries[3]}' LIMIT 10`)).rows;
    await db.exec('SET enable_indexscan = off; RESET enable_seqscan');
    assert.deepEqual((await db.query(`SELECT id FROM r ORDER BY v <-> '${queries[3]}' LIMIT 10`)).rows, exact);
  } finally {
    await db.exec('RESET enable_seqscan; RESET enable_indexscan; RESET ivfflat.probes');
  }
  await db.exec('REINDEX TABLE t');
  await both(`SET ivfflat.probes = ${LISTS}`);
  await db.exec('SET enable_seqscan = off');
  try {
    for (const [op] of OPS) await same(`SELECT id FROM t ORDER BY v ${op} '${queries[4]}' LIMIT 10`);
  } finally {
    await both('RESET ivfflat.probes');
    await db.exec('RESET enable_seqscan');
  }
});

test('halfvec opclasses (columns and v::halfvec(n) expressions): the exact answer at probes = lists through the index', async () => {
  await both(`CREATE TABLE hv (id int PRIMARY KEY, h halfvec(${DIM}))`);
  await both(`INSERT INTO hv VALUES ${rows.slice(0, 1500).map((x) => x.replace(/^\((\d+), \d+, /, '($1, ')).join(',')}`);
  for (const oc of ['halfvec_l2_ops', 'halfvec_ip_ops', 'halfvec_cosine_ops']) {
    await db.exec(`CREATE INDEX hv_${oc} ON hv USING ivfflat (h ${oc}) WITH (lists = 10)`);
  }
  await both(`INSERT INTO hv VALUES ${rows.slice(1500, 1700).map((x) => x.replace(/^\((\d+), \d+, /, '($1, ')).join(',')}`);
  await both('SET ivfflat.probes = 10');
  await db.exec('SET enable_seqscan = off');
  try {
    for (const [op, oc] of [['<->', 'halfvec_l2_ops'], ['<#>', 'halfvec_ip_ops'], ['<=>', 'halfvec_cosine_ops']] as const) {
      for (const q of queries.slice(0, 4)) {
        const sql = `SELECT id, h ${op} '${q}' AS d FROM hv ORDER BY h ${op} '${q}' LIMIT 10`;
        assert.match(await explain(sql), new RegExp(`Index Scan using hv_${oc} on hv`), sql);
        await same(sql);
      }
    }
  } finally {
    await both('RESET ivfflat.probes');
    await db.exec('RESET enable_seqscan');
  }
  // pgvector's half-precision index over a vector column: an expression key.
  await db.exec(`CREATE INDEX t_half ON t USING ivfflat ((v::halfvec(${DIM})) halfvec_l2_ops) WITH (lists = ${LISTS})`);
  await both(`SET ivfflat.probes = ${LISTS}`);
  await db.exec('SET enable_seqscan = off');
  try {
    const sql = `SELECT id FROM t ORDER BY v::halfvec(${DIM}) <-> '${queries[5]}' LIMIT 10`;
    assert.match(await explain(sql), /Index Scan using t_half on t/);
    await same(sql);
  } finally {
    await both('RESET ivfflat.probes');
    await db.exec('RESET enable_seqscan; DROP INDEX t_half');
  }
  await same('CREATE INDEX hv_bad ON hv USING ivfflat (h vector_l2_ops)');
  await same('CREATE INDEX hv_bad ON hv USING ivfflat (h)');
});

test('bit_hamming_ops (columns and binary_quantize expressions): the exact distances at probes = lists through the index', async () => {
  const BITS = 40;
  const bits = (): string => Array.from({ length: BITS }, () => (prng.next() < 0.5 ? '0' : '1')).join('');
  await both(`CREATE TABLE bt (id int PRIMARY KEY, b bit(${BITS}), vb bit varying(${BITS}), big bit(64001))`);
  const bitRows = Array.from({ length: 1200 }, (_, i) => `(${i}, B'${bits()}', NULL, NULL)`);
  await both(`INSERT INTO bt VALUES ${bitRows.slice(0, 1000).join(',')}`);
  await db.exec('CREATE INDEX bt_b ON bt USING ivfflat (b bit_hamming_ops) WITH (lists = 10)');
  // Rows inserted after the build go to their nearest list.
  await both(`INSERT INTO bt VALUES ${bitRows.slice(1000).join(',')}`);
  const bq = Array.from({ length: 4 }, bits);
  await both('SET ivfflat.probes = 10');
  await db.exec('SET enable_seqscan = off');
  try {
    for (const q of bq) {
      // Hamming distances tie: the distances in order are what must match.
      const sql = `SELECT b <~> B'${q}' AS d FROM bt ORDER BY b <~> B'${q}' LIMIT 10`;
      assert.match(await explain(sql), /Index Scan using bt_b on bt/, sql);
      await same(sql);
    }
    await both('DELETE FROM bt WHERE id % 3 = 0');
    await both('VACUUM bt');
    await same(`SELECT b <~> B'${bq[0]}' AS d FROM bt ORDER BY b <~> B'${bq[0]}' LIMIT 10`);
    await db.exec('REINDEX INDEX bt_b');
    assert.match(await explain(`SELECT id FROM bt ORDER BY b <~> B'${bq[1]}' LIMIT 10`), /Index Scan using bt_b on bt/);
    await same(`SELECT b <~> B'${bq[1]}' AS d FROM bt ORDER BY b <~> B'${bq[1]}' LIMIT 10`);
    // A filter: LIMIT rows that pass, the exact distances (probes = lists).
    await same(`SELECT b <~> B'${bq[2]}' AS d FROM bt WHERE id % 10 = 1 ORDER BY b <~> B'${bq[2]}' LIMIT 10`);
  } finally {
    await both('RESET ivfflat.probes');
    await db.exec('RESET enable_seqscan');
  }
  // The seeds' binary quantization, served by IVFFlat over the bits of a vector column.
  await db.exec(`CREATE INDEX t_bq ON t USING ivfflat ((binary_quantize(v)::bit(${DIM})) bit_hamming_ops) WITH (lists = 4)`);
  await both('SET ivfflat.probes = 4');
  await db.exec('SET enable_seqscan = off');
  try {
    const sql = `SELECT binary_quantize(v)::bit(${DIM}) <~> B'10110010' AS d FROM t ORDER BY binary_quantize(v)::bit(${DIM}) <~> B'10110010' LIMIT 10`;
    assert.match(await explain(sql), /Index Scan using t_bq on t/);
    await same(sql);
  } finally {
    await both('RESET ivfflat.probes');
    await db.exec('RESET enable_seqscan; DROP INDEX t_bq');
  }
  await same('CREATE INDEX bt_bad ON bt USING ivfflat (b)');
  await same('CREATE INDEX bt_bad ON bt USING ivfflat (b bit_jaccard_ops)');
  await same('CREATE INDEX bt_bad ON bt USING ivfflat (b vector_l2_ops)');
  await same('CREATE INDEX bt_bad ON bt USING ivfflat (big bit_hamming_ops)');
  await same('CREATE INDEX bt_bad ON bt USING ivfflat (vb bit_hamming_ops)');
  await same('CREATE INDEX bt_bad ON bt USING hnsw (vb bit_hamming_ops)');
  await same('CREATE INDEX bt_bad ON bt USING ivfflat ((vb::varbit) bit_hamming_ops)');
});
