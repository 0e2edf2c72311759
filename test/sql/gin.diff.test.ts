/**
 * GIN indexes against PostgreSQL + pgvector (PGlite): CREATE INDEX ... USING gin with
 * jsonb_ops, jsonb_path_ops and array_ops and their errors; the plans (Bitmap Heap Scan over a
 * Bitmap Index Scan, commuted operators, BitmapOr); the rows every
 * operator returns through the index, including empty queries, NULL elements and empty arrays;
 * maintenance by INSERT, UPDATE, DELETE, VACUUM and ROLLBACK; a filtered k-NN query whose
 * filter takes the GIN bitmap; and a seeded random comparison of jsonb and array queries (the
 * index returns a superset of the rows and the heap scan rechecks them, so a missing entry
 * shows up as a missing row).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { Rng } from '../support/random_query/rng.js';
import { SEED } from '../support/seed.js';

const { same, both, check, ours, theirs } = await openSqlPair();

await both(`CREATE TABLE gd (id int PRIMARY KEY, m jsonb, tags text[], nums int[], v vector(2))`);
await both(`INSERT INTO gd SELECT i, jsonb_build_object('a', i % 5, 'b', CASE WHEN i % 3 = 0 THEN 'x' ELSE 'y' END, 'n', jsonb_build_array(i % 7, 'q'), 'o', jsonb_build_object('z', i % 4)),
  ARRAY['t' || (i % 4), 'u' || (i % 6)], ARRAY[i % 5, i % 7], ARRAY[i, i * i % 101]::vector(2) FROM generate_series(1, 300) i`);
await both(`INSERT INTO gd VALUES (1000, NULL, NULL, NULL, NULL), (1001, '{}', '{}', '{}', NULL), (1002, '[1, "a", {"a": 1}]', '{NULL}', '{NULL,3}', NULL),
  (1003, '"a"', '{t1,NULL}', '{1,1}', NULL), (1004, '{"a": 1.0, "b": [true, null]}', '{t1,u1}', '{1}', NULL), (1005, '[[1, 2], "b"]', '{u1,t1}', '{{1,2},{3,4}}', NULL)`);
await both(`CREATE INDEX gd_m_path ON gd USING gin (m jsonb_path_ops)`);
await both(`CREATE INDEX gd_m ON gd USING gin (m)`);
await both(`CREATE INDEX gd_tags ON gd USING gin (tags)`);
await both(`CREATE INDEX gd_nums ON gd USING gin (nums array_ops)`);
await both(`CREATE INDEX gd_mk ON gd USING gin ((m -> 'o'))`);

test('CREATE INDEX USING gin: operator classes, options and PostgreSQL\'s errors', async () => {
  await same(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'gd' AND indexname LIKE 'gd_%' ORDER BY 1`);
  await same(`SELECT c.relname, a.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam WHERE c.relname LIKE 'gd_%' ORDER BY 1`);
  await same(`SELECT opcname, opcfamily, opcintype, opcdefault, opckeytype FROM pg_opclass WHERE opcmethod = 2742 AND opcname IN ('jsonb_ops', 'jsonb_path_ops', 'array_ops') ORDER BY 1`);
  await both(`CREATE TABLE ge (m jsonb, a int[], s text, t text[])`);
  for (const sql of [
    `CREATE INDEX ON ge USING gin (s)`,
    `CREATE INDEX ON ge USING gin (m array_ops)`,
    `CREATE INDEX ON ge USING gin (a jsonb_path_ops)`,
    `CREATE INDEX ON ge USING gin (m int4_ops)`,
    `CREATE INDEX ON ge USING gin (m nosuch_ops)`,
    `CREATE UNIQUE INDEX ON ge USING gin (m)`,
    `CREATE INDEX ON ge USING gin (m DESC)`,
    `CREATE INDEX ON ge USING gin (m NULLS FIRST)`,
    `CREATE INDEX ON ge USING gin (m) WITH (fastupdate = maybe)`,
    `CREATE INDEX ON ge USING gin (m) WITH (gin_pending_list_limit = 'x')`,
    `CREATE INDEX ON ge USING gin (m) WITH (fillfactor = 50)`,
    `CREATE INDEX ge_ok ON ge USING gin (m) WITH (fastupdate = off, gin_pending_list_limit = 128)`,
    `CREATE INDEX ge_t ON ge USING gin (t)`,
  ]) await same(sql);
  await same(`SELECT indexdef FROM pg_indexes WHERE indexname IN ('ge_ok', 'ge_t') ORDER BY 1`);
  // The bound's DETAIL names MAX_KILOBYTES: INT_MAX on a 64-bit server (vecgres' settings
  // too), INT_MAX / 1024 in PGlite's 32-bit build; the error itself is the same.
  const out = `CREATE INDEX ON ge USING gin (m) WITH (gin_pending_list_limit = 10)`;
  const [want, got] = [await theirs(out), await ours(out)];
  assert.ok(!want.ok && !got.ok && want.code === got.code && want.message === got.message, JSON.stringify([want, got]));
});

const QUERIES = [
  `m @> '{"a": 1}'`, `m @> '{"a": 1.0, "b": "x"}'`, `m @> '{"n": [3]}'`, `m @> '{"n": ["q", 6]}'`, `m @> '{"o": {"z": 2}}'`, `m @> '{}'`, `m @> '[]'`,
  `m @> '1'`, `m @> '"a"'`, `m @> '[1]'`, `m @> '[[1]]'`, `m @> '{"b": [null]}'`, `'{"a": 2}' <@ m`, `m <@ '{"a": 1, "b": "y", "x": 1}'`,
  `m ? 'a'`, `m ? 'z'`, `m ? 'b'`, `m ?| '{a,zz}'`, `m ?| '{}'`, `m ?& '{a,b}'`, `m ?& '{}'`, `m ?& '{a,NULL}'`, `m ?| '{NULL}'`,
  `tags && '{t1,u2}'`, `tags @> '{t1,u1}'`, `tags @> '{}'`, `tags @> '{NULL}'`, `tags <@ '{t1,u1,t2}'`, `tags <@ '{}'`, `tags = '{t1,u1}'`,
  `tags = '{}'`, `tags = '{NULL}'`, `'{t1}' <@ tags`, `'{t1,u1}' && tags`, `nums && '{3}'`, `nums @> '{1,2}'`, `nums <@ '{1,2,3,4}'`, `nums = '{1,1}'`,
  `nums @> '{1}' OR tags @> '{t2}'`, `(m -> 'o') @> '{"z": 1}'`, `m @> '{"a": 1}' AND tags && '{u3}'`, `m @> $1`, `tags @> $1::text[]`,
];

test('every GIN operator returns PostgreSQL\'s rows through the index', async () => {
  const mismatches: string[] = [];
  await both(`SET enable_seqscan = off`);
  for (const w of QUERIES) {
    const params = w.includes('$1') ? [w.startsWith('m') ? '{"b": "x"}' : '{t3}'] : undefined;
    await check(`SELECT array_agg(id ORDER BY id) AS ids, count(*) FROM gd WHERE ${w}`, mismatches, params);
  }
  await both(`RESET enable_seqscan`);
  reportMismatches('gin operators', mismatches, QUERIES.length, SEED);
});

test('GIN plans: bitmap scans only, Recheck Cond, commuted operators, BitmapOr', async () => {
  await both(`SET enable_seqscan = off`);
  for (const w of [`m @> '{"a": 1}'`, `'{t1}' <@ tags`, `m ? 'a'`, `nums @> '{1}' OR tags @> '{t2}'`, `(m -> 'o') @> '{"z": 1}'`]) {
    await same(`EXPLAIN (COSTS OFF) SELECT id FROM gd WHERE ${w}`);
  }
  // The recheck's count as PostgreSQL prints it (Heap Blocks count pages, which differ).
  const analyze = `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) SELECT id FROM gd WHERE tags <@ '{t1,u1}'`;
  const lines = (o: Awaited<ReturnType<typeof ours>>): unknown => (o.ok ? (o.rows as Record<string, unknown>[]).filter((r) => !String(r['QUERY PLAN']).includes('Heap Blocks')) : o);
  const [want, got] = [await theirs(analyze), await ours(analyze)];
  assert.deepEqual(lines(got), lines(want));
  assert.ok(JSON.stringify(want).includes('Rows Removed by Index Recheck'), 'PostgreSQL rechecks rows');
  await both(`RESET enable_seqscan`);
  // A GIN key is not ordered: ORDER BY the column takes no index.
  await same(`EXPLAIN (COSTS OFF) SELECT id FROM gd ORDER BY tags LIMIT 3`);
});

test('GIN indexes follow INSERT, UPDATE, DELETE, VACUUM and ROLLBACK', async () => {
  await both(`CREATE TABLE gm (id int PRIMARY KEY, m jsonb, tags int[])`);
  await both(`CREATE INDEX gm_m ON gm USING gin (m)`);
  await both(`CREATE INDEX gm_t ON gm USING gin (tags)`);
  await both(`INSERT INTO gm SELECT i, jsonb_build_object('c', i % 10), ARRAY[i % 5, i % 7] FROM generate_series(1, 200) i`);
  await both(`SET enable_seqscan = off`);
  const counts = `SELECT (SELECT count(*) FROM gm WHERE tags && '{99}') AS t99, (SELECT count(*) FROM gm WHERE m @> '{"c": 3}') AS c3, (SELECT count(*) FROM gm WHERE tags @> '{1}') AS t1`;
  await same(counts);
  await both(`UPDATE gm SET tags = '{99}', m = '{"c": 3}' WHERE id <= 20`);
  await same(counts);
  await both(`DELETE FROM gm WHERE id BETWEEN 21 AND 40`);
  await same(counts);
  await both(`VACUUM gm`);
  await same(counts);
  await both(`BEGIN`);
  await both(`INSERT INTO gm VALUES (900, '{"c": 3}', '{99, 1}')`);
  await same(counts);
  await both(`ROLLBACK`);
  await same(counts);
  await both(`INSERT INTO gm VALUES (901, '{"c": 3}', '{99}')`);
  await same(counts);
  await both(`RESET enable_seqscan`);
});

test('a filtered k-NN query takes its rows from the GIN bitmap and returns PostgreSQL\'s rows', async () => {
  await both(`CREATE INDEX gd_v ON gd USING hnsw (v vector_l2_ops)`);
  await both(`ANALYZE gd`);
  for (const w of [`m @> '{"a": 2, "b": "x"}'`, `tags && '{t3}'`, `m ? 'n' AND nums @> '{4}'`]) {
    await same(`SELECT id, v <-> '[150, 50]' AS d FROM gd WHERE ${w} ORDER BY v <-> '[150, 50]' LIMIT 5`);
  }
});

test('random jsonb and array queries through GIN match PostgreSQL', async () => {
  const rng = new Rng(SEED);
  const keys = ['a', 'b', 'c', 'd'];
  const scalar = (): string => rng.pick(['1', '2', '2.0', '"x"', '"y"', 'true', 'null', '"a"']);
  const value = (depth: number): string => {
    if (depth > 1 || rng.chance(0.6)) return scalar();
    if (rng.chance(0.5)) return `[${Array.from({ length: rng.int(0, 3) }, () => value(depth + 1)).join(', ')}]`;
    return obj(depth + 1);
  };
  const obj = (depth: number): string => {
    const ks = keys.filter(() => rng.chance(0.5));
    return `{${ks.map((k) => `"${k}": ${value(depth)}`).join(', ')}}`;
  };
  const elems = (): string => `{${Array.from({ length: rng.int(0, 3) }, () => rng.pick(['1', '2', '3', '4', 'NULL'])).join(',')}}`;
  await both(`CREATE TABLE gr (id int PRIMARY KEY, m jsonb, a int[])`);
  const rows: string[] = [];
  for (let i = 0; i < 150; i++) {
    const m = rng.chance(0.1) ? 'NULL' : `'${rng.chance(0.8) ? obj(0) : value(0)}'`;
    rows.push(`(${i}, ${m}, ${rng.chance(0.1) ? 'NULL' : `'${elems()}'`})`);
  }
  await both(`INSERT INTO gr VALUES ${rows.join(', ')}`);
  await both(`CREATE INDEX ON gr USING gin (m)`);
  await both(`CREATE INDEX gr_path ON gr USING gin (m jsonb_path_ops)`);
  await both(`CREATE INDEX ON gr USING gin (a)`);
  await both(`SET enable_seqscan = off`);
  const mismatches: string[] = [];
  const n = Number(process.env['VECGRES_GIN_QUERIES'] ?? 120);
  for (let i = 0; i < n; i++) {
    const kind = rng.int(0, 5);
    const w = kind === 0 ? `m @> '${rng.chance(0.7) ? obj(0) : value(0)}'`
      : kind === 1 ? `m ? '${rng.pick(keys)}'`
      : kind === 2 ? `m ${rng.pick(['?|', '?&'])} '{${keys.filter(() => rng.chance(0.4)).join(',')}}'`
      : kind === 3 ? `'${obj(0)}' <@ m`
      : `a ${rng.pick(['&&', '@>', '<@', '='])} '${elems()}'`;
    await check(`SELECT array_agg(id ORDER BY id) AS ids FROM gr WHERE ${w}`, mismatches);
  }
  await both(`RESET enable_seqscan`);
  reportMismatches('random GIN queries', mismatches, n, SEED);
});
