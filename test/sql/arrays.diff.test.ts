/**
 * Arrays as applications use them, against PGlite + pgvector: array columns of every element
 * type an application schema writes (`text[]`, `integer[]`, `bigint[]`, `real[]`, `double
 * precision[]`, `boolean[]`, `uuid[]`, `jsonb[]`, `varchar(n)[]`, `numeric[]`, `date[]`), their
 * literals, quoting and NULL elements, the operators (`@> <@ && || = < ANY ALL`) and functions
 * over them, aggregation, unnest, COPY in every format, and a seeded random sweep of operator
 * and function calls over random arrays. Expected values come from PGlite at test time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches, normalize } from '../support/sql_pair.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';
import { loadCopyScript } from '../support/dump_load.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Vecgres } from '../../src/index.js';
import { startPglite } from '../support/pglite_start.js';

const { db, oracle, same, both, check } = await openSqlPair();

const TABLE = `CREATE TABLE docs (
  id int PRIMARY KEY, tags text[], ns integer[], bs bigint[], rs real[], ds double precision[],
  fs boolean[], us uuid[], js jsonb[], vs varchar(3)[], ms numeric[], dt date[])`;

const ROWS = [
  `(1, '{a,"b c",NULL,""}', '{1,2,3}', '{9223372036854775807}', '{1.5,-0,NaN}', '{2.5,Infinity}', '{t,f}',
    '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{"{\\"a\\": 1}",null}', '{abc,ab}', '{1.50,-2}', '{2024-01-15}')`,
  `(2, ARRAY['x','y'], ARRAY[1], ARRAY[1,2]::bigint[], '{}', NULL, '{NULL}', '{}', ARRAY['[1, 2]'::jsonb], '{a}', ARRAY[1.5], ARRAY['2024-02-29'::date])`,
  `(3, '{"NULL","a\\\\b","q\\"",  " s", "{x}", "a,b"}', '{{1,2},{3,4}}', NULL, '{1e30}', '{1e-300}', NULL, NULL, '{}', NULL, '{NaN}', '{}')`,
  `(4, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}')`,
  `(5, ARRAY['b','a'], ARRAY[3,NULL,1], '{-1}', NULL, '{0.1}', '{true}', NULL, NULL, '{"zz"}', NULL, NULL)`,
  `(6, '{tag1,tag2,tag3}', '{2,3}', '{2,3}', '{2,3}', '{2,3}', '{f}', '{00000000-0000-0000-0000-000000000000}', NULL, '{x,y}', '{2,3.0}', NULL)`,
];

test('array columns: CREATE TABLE, INSERT, literals, quoting, NULL elements, errors', async () => {
  await both(TABLE);
  for (const r of ROWS) await same(`INSERT INTO docs VALUES ${r}`);
  await same('SELECT * FROM docs ORDER BY id');
  await same('SELECT id, tags::text, ns::text, bs::text, rs::text, ds::text, fs::text, us::text, js::text, vs::text, ms::text, dt::text FROM docs ORDER BY id');
  await same(`SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'docs'::regclass AND attnum > 0 ORDER BY attnum`);
  // varchar(3)[] checks each element on assignment; an explicit cast cuts them.
  await same(`INSERT INTO docs (id, vs) VALUES (10, '{abcd}')`);
  await same(`INSERT INTO docs (id, vs) VALUES (10, ARRAY['abcd'])`);
  await same(`SELECT ARRAY['abcd', 'ef']::varchar(2)[], '{abcd}'::varchar(1)[]`);
  await same(`INSERT INTO docs (id, ns) VALUES (10, '{1.5}')`);
  await same(`INSERT INTO docs (id, ns) VALUES (10, '{1,2')`);
  await same(`INSERT INTO docs (id, ns) VALUES (10, '{{1,2},{3}}')`);
  await same(`INSERT INTO docs (id, us) VALUES (10, '{not-a-uuid}')`);
  await same(`INSERT INTO docs (id, js) VALUES (10, '{"{bad"}')`);
  await same(`INSERT INTO docs (id, ns) VALUES (10, ARRAY[1.5])`);
  await same(`INSERT INTO docs (id, tags) VALUES (10, ARRAY[1, 2])`);
  await same(`INSERT INTO docs (id, ns) VALUES (10, ARRAY['1', '2'])`);
  await same('SELECT count(*) FROM docs');
  await same(`SELECT ARRAY[]::text[], ARRAY[]::integer[] = '{}', ARRAY[]::varchar(3)[], cardinality(ARRAY[]::uuid[])`);
  await same('SELECT ARRAY[]');
  // Explicit lower bounds are refused (0A000) where PostgreSQL accepts them.
  const r = await db.query(`SELECT '[0:1]={1,2}'::int[]`).catch((e: { code: string }) => e.code);
  assert.equal(r, '0A000');
});

test('array operators over the table: containment, overlap, comparison, ANY / ALL, ||', async () => {
  await same(`SELECT id FROM docs WHERE tags && '{a,tag2}' ORDER BY id`);
  await same(`SELECT id FROM docs WHERE tags @> ARRAY['a'] ORDER BY id`);
  await same(`SELECT id FROM docs WHERE tags <@ '{a,b,"b c",x,y,""}' ORDER BY id`);
  await same(`SELECT id FROM docs WHERE ns @> '{3}' ORDER BY id`);
  await same(`SELECT id FROM docs WHERE ns && ARRAY[NULL::int] ORDER BY id`);
  await same(`SELECT id FROM docs WHERE us @> ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid] ORDER BY id`);
  await same(`SELECT id FROM docs WHERE 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' = ANY(us) ORDER BY id`);
  await same(`SELECT id FROM docs WHERE js @> ARRAY['[1,2]'::jsonb] ORDER BY id`);
  await same(`SELECT id FROM docs WHERE ms @> '{1.5}' ORDER BY id`);
  await same(`SELECT id FROM docs WHERE vs && '{a,zz}' ORDER BY id`);
  await same(`SELECT id FROM docs WHERE 'b' = ANY(tags) OR 2 = ANY(ns) ORDER BY id`);
  await same(`SELECT id FROM docs WHERE 3 <> ALL(ns) ORDER BY id`);
  await same(`SELECT id, 2 > ALL(ns), 2 < ANY(ns), NULL = ANY(ns) FROM docs ORDER BY id`);
  await same(`SELECT a.id, b.id, a.ns = b.ns, a.ns < b.ns, a.ns >= b.ns, a.tags <> b.tags, a.tags > b.tags, a.ms = b.ms, a.rs <= b.rs FROM docs a, docs b ORDER BY 1, 2`);
  await same(`SELECT a.id, b.id, a.tags && b.tags, a.tags @> b.tags, a.ns <@ b.ns, a.us && b.us, a.dt @> b.dt FROM docs a, docs b ORDER BY 1, 2`);
  await same(`SELECT id, tags || 'new', 'first' || tags, tags || ARRAY['x'], ns || 7, ns || NULL::int, NULL::int[] || ns, ns || '{8,9}' FROM docs ORDER BY id`);
  await same(`SELECT id, ns || ARRAY[[5,6]] FROM docs WHERE id = 3`);
  await same(`SELECT id, ns || ARRAY[[5,6]] FROM docs WHERE id = 1`);
  await same(`SELECT id FROM docs ORDER BY tags, id`);
  await same(`SELECT id FROM docs ORDER BY ns DESC NULLS LAST, id`);
  await same(`SELECT id FROM docs ORDER BY ms, id`);
  await same(`SELECT ns FROM docs WHERE ns > '{1}' ORDER BY ns`);
  await same(`SELECT ARRAY[1] && ARRAY[1::bigint]`);
  await same(`SELECT ARRAY[1] = ARRAY[1::bigint]`);
  await same(`SELECT ARRAY[1] || ARRAY[2::bigint], ARRAY[1.5] || 2, 2 || ARRAY[1.5], ARRAY[1] || '3'`);
  await same(`SELECT ARRAY[1] || 'x'`);
  await same(`SELECT '[1,2]'::vector || '{1}'::real[]`);
  await same(`SELECT ARRAY[[1,2]] || ARRAY[3]`);
  await same(`SELECT ARRAY[[1,2]] || 3`);
});

test('array functions over the table and on literals', async () => {
  await same(`SELECT id, cardinality(tags), array_length(tags, 1), array_length(ns, 2), array_upper(ns, 1), array_lower(ns, 1), array_ndims(ns), array_dims(ns), array_dims(tags) FROM docs ORDER BY id`);
  await same(`SELECT id, array_position(tags, 'a'), array_position(tags, NULL), array_positions(tags, ''), array_position(vs, 'x', 2) FROM docs WHERE id <> 3 ORDER BY id`);
  await same(`SELECT array_position(ns, 1) FROM docs WHERE id = 3`);
  await same(`SELECT array_position(ARRAY[1,2,1], 1, NULL)`);
  await same(`SELECT id, array_append(tags, 'z'), array_prepend('z', tags), array_cat(tags, ARRAY['y']), array_remove(tags, 'a'), array_remove(ns, NULL), array_replace(ns, 3, 30) FROM docs WHERE id <> 3 ORDER BY id`);
  await same(`SELECT array_remove(ns, 1) FROM docs WHERE id = 3`);
  await same(`SELECT array_replace(ns, 1, NULL), array_append(ns, 5) FROM docs WHERE id = 3`);
  await same(`SELECT id, array_to_string(tags, '|'), array_to_string(tags, '|', '∅'), array_to_string(ns, ','), array_to_string(ms, ';'), array_to_string(fs, ','), array_to_string(us, ' ') FROM docs ORDER BY id`);
  await same(`SELECT string_to_array('a,b,,c', ','), string_to_array('a,b,,c', ',', ''), string_to_array('', ','), string_to_array('abc', NULL), string_to_array('abc', ''), string_to_array(NULL, ','), string_to_array('a--b--', '--'), string_to_array('x', ',', NULL)`);
  await same(`SELECT array_append(NULL::int[], 1), array_prepend(NULL, ARRAY['a']), array_cat(NULL::int[], NULL), array_cat('{1}', '{2}'), array_append('{1}', '2'), array_append(ARRAY[1], NULL)`);
  await same(`SELECT array_append(ARRAY[1], 'x')`);
  await same(`SELECT array_append(ARRAY[[1]], 2)`);
  await same(`SELECT array_cat(ARRAY[1], ARRAY['a'])`);
  await same(`SELECT cardinality(ARRAY[[1,2],[3,4]]), array_ndims('{}'::int[]), array_dims('{}'::text[]), array_length('{}'::int[], 1), array_lower(ARRAY[1], 0)`);
  await same(`SELECT array_positions(ARRAY[NULL,1,NULL]::int[], NULL), array_positions(ARRAY[1,2], 3), array_position(ARRAY[1.0, 2], 1.00)`);
});

test('aggregation, grouping and unnest over array columns', async () => {
  await same(`SELECT array_agg(id ORDER BY id DESC), array_agg(DISTINCT vs[1]) FROM docs`);
  await same(`SELECT array_agg(tags ORDER BY id) FROM docs WHERE id IN (2, 6)`);
  await same(`SELECT array_agg(ns ORDER BY id) FROM docs WHERE id IN (1, 2)`);
  await same(`SELECT array_agg(ns ORDER BY id) FROM docs WHERE id IN (2, 4)`);
  await same(`SELECT array_agg(ns ORDER BY id) FROM docs WHERE id IN (4, 2)`);
  await same(`SELECT array_agg(ns ORDER BY id) FROM docs WHERE id IN (2, 3)`);
  await same(`SELECT array_agg(ns ORDER BY id) FROM docs WHERE id IN (2, 5) OR ns IS NULL`);
  await same(`SELECT max(tags), min(tags), max(ns), min(ms), max(dt) FROM docs`);
  await same(`SELECT ms, count(*) FROM docs GROUP BY ms ORDER BY ms`);
  await same(`SELECT DISTINCT ns FROM docs ORDER BY ns`);
  await same(`SELECT x, count(*) FROM (VALUES (ARRAY[1.5]), (ARRAY[1.50]), (ARRAY[2.0]), (NULL)) v(x) GROUP BY x ORDER BY x`);
  await same(`SELECT id, unnest(tags) FROM docs ORDER BY id, 2`);
  await same(`SELECT t, count(*) FROM docs, unnest(tags) t GROUP BY t ORDER BY t`);
  await same(`SELECT d.id, u.* FROM docs d, unnest(d.tags, d.ns) WITH ORDINALITY AS u(tag, n, i) ORDER BY d.id, u.i`);
  await same(`SELECT * FROM unnest(ARRAY[1,2], ARRAY['a','b','c'], ARRAY[true]) AS t`);
  await same(`SELECT * FROM unnest(ARRAY[1], '{a}')`);
  await same(`SELECT * FROM unnest(ARRAY[1], 5)`);
  await same(`SELECT * FROM unnest(ARRAY[1], ARRAY['a']) AS t(x, y, z)`);
  await same(`SELECT unnest(ARRAY[1], ARRAY['a'])`);
});

test('UPDATE and DELETE through array expressions; B-tree index on an array column', async () => {
  await same(`UPDATE docs SET tags = array_append(tags, 'seen') WHERE tags && '{a,x}' RETURNING id, tags`);
  await same(`UPDATE docs SET ns = array_remove(ns, 3) WHERE 3 = ANY(ns) RETURNING id, ns`);
  await same(`DELETE FROM docs WHERE cardinality(tags) = 0 RETURNING id`);
  await both(`CREATE INDEX docs_ns ON docs (ns)`);
  await both(`SET enable_seqscan = off`);
  const plan = (await db.query(`EXPLAIN (COSTS OFF) SELECT id FROM docs WHERE ns = '{2,3}'`)).rows.map((r) => r['QUERY PLAN']).join('\n');
  assert.match(plan, /Index Scan|Bitmap Heap Scan/, plan);
  await same(`SELECT id FROM docs WHERE ns = '{2,3}' ORDER BY id`);
  await same(`SELECT id FROM docs WHERE ns > '{1}' ORDER BY ns, id`);
  await same(`SELECT id FROM docs WHERE ns IN ('{2,3}', '{1}') ORDER BY id`);
  await same(`SELECT id, ns FROM docs ORDER BY ns DESC LIMIT 3`);
  await both(`RESET enable_seqscan`);
  await both(`CREATE TABLE tagkeys (k text[], n int, UNIQUE (k))`);
  await same(`INSERT INTO tagkeys VALUES ('{a,b}', 1), ('{a}', 2), ('{}', 3)`);
  await same(`INSERT INTO tagkeys VALUES ('{a,b}', 4)`);
  await same(`INSERT INTO tagkeys VALUES ('{a,b}', 5) ON CONFLICT (k) DO UPDATE SET n = EXCLUDED.n RETURNING *`);
  await same(`SELECT * FROM tagkeys ORDER BY k`);
  // A primary key on an array column, keyed by value.
  await both(`CREATE TABLE arrpk (k text[] PRIMARY KEY)`);
  await same(`INSERT INTO arrpk VALUES ('{a,b}'), ('{a}'), ('{}')`);
  await same(`INSERT INTO arrpk VALUES (ARRAY['a', 'b'])`);
  await same(`SELECT k FROM arrpk WHERE k = '{a}'`);
});

test('COPY of array columns in text, CSV and binary, byte for byte', async () => {
  // The shared oracle's results carry no blob: COPY runs on a PGlite of its own.
  const pg = await startPglite({ extensions: {} });
  try {
    await pg.exec(TABLE);
    await pg.exec(`INSERT INTO docs VALUES ${ROWS.join(', ')}`);
    await db.exec(`${TABLE.replace('docs', 'docs_src')}; INSERT INTO docs_src VALUES ${ROWS.join(', ')}`);
    for (const f of ['', 'WITH (FORMAT csv)', 'WITH (FORMAT binary)', "WITH (FORMAT csv, DELIMITER '|', NULL 'NULL')"]) {
      const theirs = await pg.query(`COPY (SELECT * FROM docs ORDER BY id) TO '/dev/blob' ${f}`);
      const ours = await db.query(`COPY (SELECT * FROM docs_src ORDER BY id) TO '/dev/blob' ${f}`);
      const a = Buffer.from(await theirs.blob!.arrayBuffer());
      const b = Buffer.from(await ours.blob!.arrayBuffer());
      assert.equal(b.toString('hex'), a.toString('hex'), `COPY TO ${f}`);
      await pg.exec(`DROP TABLE IF EXISTS docs_in; ${TABLE.replace('docs', 'docs_in')}`);
      await db.exec(`DROP TABLE IF EXISTS docs_in; ${TABLE.replace('docs', 'docs_in')}`);
      await pg.query(`COPY docs_in FROM '/dev/blob' ${f}`, [], { blob: new Blob([a]) });
      await db.query(`COPY docs_in FROM '/dev/blob' ${f}`, [], { blob: new Blob([a]) });
      const want = (await pg.query('SELECT * FROM docs_in ORDER BY id', [], { rowMode: 'array' })).rows;
      const got = (await db.query('SELECT * FROM docs_in ORDER BY id', [], { rowMode: 'array' })).rows;
      assert.deepEqual(normalize(got), normalize(want), `COPY FROM ${f}`);
    }
    // Malformed array text in COPY: the same error.
    const bad = '1\t{a,b\n';
    const e1 = await pg.query(`COPY docs_in (id, tags) FROM '/dev/blob'`, [], { blob: new Blob([bad]) }).then(() => null, (e: { code: string; message: string }) => [e.code, e.message]);
    const e2 = await db.query(`COPY docs_in (id, tags) FROM '/dev/blob'`, [], { blob: new Blob([bad]) }).then(() => null, (e: { code: string; message: string }) => [e.code, e.message]);
    assert.deepEqual(e2, e1);
  } finally {
    await pg.close();
  }
});

test('ALTER TABLE and CREATE TABLE AS with array columns', async () => {
  await same(`CREATE TABLE docs_copy AS SELECT id, tags, ns, vs FROM docs`);
  await same(`SELECT * FROM docs_copy ORDER BY id`);
  await same(`ALTER TABLE docs_copy ADD COLUMN labels varchar(2)[] NOT NULL DEFAULT '{ab}'`);
  await same(`ALTER TABLE docs_copy ALTER COLUMN ns TYPE bigint[]`);
  await same(`ALTER TABLE docs_copy ALTER COLUMN tags TYPE text USING array_to_string(tags, '/')`);
  await same(`ALTER TABLE docs_copy ALTER COLUMN vs TYPE varchar(1)[]`);
  await same(`SELECT * FROM docs_copy ORDER BY id`);
  await same(`SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'docs_copy'::regclass AND attnum > 0 ORDER BY attnum`);
});

test('vecgres dump writes array columns; the dump loads into PostgreSQL with the same rows', async () => {
  const pg = await startPglite({ extensions: {} });
  try {
    for (const inserts of [false, true]) {
      const chunks: string[] = [];
      db.dump((c) => chunks.push(c), { inserts, tables: ['docs'] });
      const script = chunks.join('');
      assert.match(script, /tags text\[\]/);
      assert.match(script, /vs character varying\(3\)\[\]/);
      await pg.exec('DROP TABLE IF EXISTS docs; CREATE EXTENSION IF NOT EXISTS plpgsql');
      // The prelude creates the vector extension, which this PGlite lacks: drop that line.
      const body = script.replace(/^CREATE EXTENSION IF NOT EXISTS vector .*$/m, '');
      await loadCopyScript(pg, body);
      const want = normalize((await db.query('SELECT * FROM docs ORDER BY id', [], { rowMode: 'array' })).rows);
      const got = normalize((await pg.query('SELECT * FROM docs ORDER BY id', [], { rowMode: 'array' })).rows);
      assert.deepEqual(got, want, inserts ? '--inserts' : 'COPY');
    }
  } finally {
    await pg.close();
  }
});

/** A random array literal of `elem` type: 0-4 elements, some NULL, small values so that sets overlap. */
function randomArray(rng: Prng, elem: 'int' | 'text'): string {
  const n = rng.nextU32() % 5;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = rng.nextU32() % 10;
    if (r === 0) parts.push('NULL');
    else if (elem === 'int') parts.push(String((rng.nextU32() % 5) - 1));
    else parts.push(['a', 'b', 'c', '"b c"', '""'][rng.nextU32() % 5]!);
  }
  return `'{${parts.join(',')}}'::${elem === 'int' ? 'int' : 'text'}[]`;
}

test(`random array expressions agree with PostgreSQL (seed ${SEED})`, async () => {
  const rng = new Prng(SEED);
  const budget = Number(process.env['VECGRES_ARRAY_CASES'] ?? 150);
  const mismatches: string[] = [];
  const forms: ((a: string, b: string, x: string) => string)[] = [
    (a, b) => `${a} @> ${b}`, (a, b) => `${a} <@ ${b}`, (a, b) => `${a} && ${b}`, (a, b) => `${a} = ${b}`, (a, b) => `${a} < ${b}`,
    (a, b) => `${a} >= ${b}`, (a, b) => `${a} || ${b}`, (a, _b, x) => `${a} || ${x}`, (a, _b, x) => `${x} || ${a}`,
    (a, _b, x) => `${x} = ANY(${a})`, (a, _b, x) => `${x} <> ALL(${a})`, (a) => `cardinality(${a})`, (a) => `array_length(${a}, 1)`,
    (a, _b, x) => `array_position(${a}, ${x})`, (a, _b, x) => `array_positions(${a}, ${x})`, (a, _b, x) => `array_remove(${a}, ${x})`,
    (a, b, x) => `array_replace(${a}, ${x}, ${b}[1])`, (a) => `array_to_string(${a}, ',', '*')`, (a) => `array_dims(${a})`,
    (a, b) => `array_cat(${a}, ${b})`, (a, _b, x) => `array_append(${a}, ${x})`, (a) => `(SELECT array_agg(u ORDER BY u NULLS FIRST) FROM unnest(${a}) u)`,
  ];
  for (let i = 0; i < budget; i++) {
    const elem = rng.nextU32() % 2 === 0 ? 'int' : 'text';
    const a = randomArray(rng, elem);
    const b = randomArray(rng, elem);
    const x = rng.nextU32() % 6 === 0 ? `NULL::${elem}` : elem === 'int' ? String((rng.nextU32() % 5) - 1) : `'${['a', 'b', 'c', 'b c'][rng.nextU32() % 4]}'::text`;
    const f = forms[rng.nextU32() % forms.length]!;
    await check(`SELECT ${f(a, b, x)} AS v`, mismatches);
  }
  reportMismatches('array expressions', mismatches, budget, SEED);
});

test(`random array literal text parses, or fails, as PostgreSQL's array_in (seed ${SEED})`, async () => {
  // Strings over the characters the array grammar gives meaning to: every token error (junk
  // after "}", quotes mid-element, unbalanced or deeper braces) and its order against the
  // element's own conversion.
  const rng = new Prng(SEED ^ 0x41a7);
  const budget = Number(process.env['VECGRES_ARRAY_CASES'] ?? 150);
  const alphabet = ['{', '{', '}', '}', ',', ',', '"', '\\', '\\\\', ' ', '1', '2', 'a', 'x', 'NULL'];
  const mismatches: string[] = [];
  for (let i = 0; i < budget; i++) {
    let text = '{';
    const n = rng.int(9);
    for (let j = 0; j < n; j++) text += alphabet[rng.int(alphabet.length)]!;
    if (rng.int(3) > 0) text += '}';
    const elem = rng.int(2) === 0 ? 'int' : 'text';
    await check(`SELECT '${text}'::${elem}[] AS v`, mismatches);
  }
  reportMismatches('array literals', mismatches, budget, SEED);
});

test('a typical tags schema: filter by tag, count by tag, results as JS arrays', async () => {
  await both(`CREATE TABLE posts (id bigserial PRIMARY KEY, title text NOT NULL, tags text[] NOT NULL DEFAULT '{}', scores integer[])`);
  await same(`INSERT INTO posts (title, tags, scores) VALUES ($1, $2, $3)`, ['one', ['db', 'vector search', 'a"b'], [1, 2]]);
  await same(`INSERT INTO posts (title, tags) VALUES ($1, $2)`, ['two', '{db,ml}']);
  await same(`INSERT INTO posts (title) VALUES ('three')`);
  await same(`SELECT id, title, tags, scores FROM posts WHERE tags @> $1 ORDER BY id`, [['db']]);
  await same(`SELECT id FROM posts WHERE $1 = ANY(tags) ORDER BY id`, ['ml']);
  await same(`SELECT id FROM posts WHERE tags && $1::text[] ORDER BY id`, [['ml', 'none']]);
  await same(`SELECT tag, count(*) FROM posts, unnest(tags) AS tag GROUP BY tag ORDER BY count(*) DESC, tag`);
  const ours = (await db.query(`SELECT tags FROM posts WHERE id = 1`)).rows;
  const theirs = (await oracle.query(`SELECT tags FROM posts WHERE id = 1`)).rows;
  assert.deepEqual(normalize(ours), normalize(theirs));
});

test('the planner estimates @>, <@ and && over an array column as PostgreSQL does without element statistics', async () => {
  await both(`CREATE TABLE sel (id int, tags text[]); INSERT INTO sel SELECT i, ARRAY['t' || (i % 10)] FROM generate_series(1, 20000) i`);
  const rowsOf = (plan: { rows: Record<string, unknown>[] }): number => Number(/rows=(\d+)/.exec(String(plan.rows[0]!['QUERY PLAN']))![1]);
  const all = [rowsOf(await oracle.query('EXPLAIN SELECT * FROM sel')), rowsOf(await db.query('EXPLAIN SELECT * FROM sel'))];
  for (const q of [`tags @> '{t1}'`, `tags @> '{t1,t2}'`, `tags @> '{t1,t1,NULL}'`, `tags && '{t1,t2}'`, `tags && '{t1,NULL,t1}'`, `'{t1}' <@ tags`,
    `tags <@ '{t1}'`, `'{t1,t3}' && tags`, `tags && tags`, `tags @> '{}'`, `tags && '{}'`, `tags @> NULL`]) {
    const theirs = rowsOf(await oracle.query(`EXPLAIN SELECT * FROM sel WHERE ${q}`)) / all[0]!;
    const ours = rowsOf(await db.query(`EXPLAIN SELECT * FROM sel WHERE ${q}`)) / all[1]!;
    // The same fraction of the table (PostgreSQL's row count is an estimate from the size on disk).
    assert.ok(Math.abs(ours - theirs) < Math.max(0.0002, theirs * 0.01), `${q}: ${ours} vs ${theirs}`);
  }
});

/**
 * `test/fixtures/pg_dump15_arrays_comments.sql` is the unedited output of `pg_dump --no-owner`
 * 15.18 (Debian postgresql-client-15) of a PostgreSQL 15.18 database made with:
 *
 *   CREATE TABLE posts (id bigserial PRIMARY KEY, title text NOT NULL, tags text[] NOT NULL DEFAULT '{}',
 *     scores integer[], owners uuid[], meta jsonb[], labels varchar(4)[], weights double precision[]);
 *   COMMENT ON TABLE posts IS 'Blog posts, one per ''slug''.';
 *   COMMENT ON COLUMN posts.tags IS 'lower-case labels';
 *   INSERT INTO posts (title, tags, scores, owners, meta, labels, weights) VALUES
 *    ('a', '{db,"vector search","a\"b",NULL,""}', '{{1,2},{3,4}}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
 *     ARRAY['{"k": [1, 2]}'::jsonb, NULL], '{ab,cd}', '{1.5,NaN,-0}'),
 *    ('b', '{}', NULL, '{}', '{}', NULL, '{1e-300}'),
 *    ('c', '{"tab\there","new\nline","back\\slash"}', '{7}', NULL, NULL, '{x}', NULL);
 *   CREATE INDEX posts_tags ON posts (tags);
 */
test('a pg_dump script with array columns and comments loads as into PostgreSQL', async () => {
  const script = readFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'pg_dump15_arrays_comments.sql'), 'utf8');
  const pg = await startPglite({ extensions: {} });
  const v = await Vecgres.create();
  try {
    await loadCopyScript(pg, script.split('\n').filter((l) => !/^\\(restrict|unrestrict)\b/.test(l)).join('\n'));
    await v.exec(script);
    await v.exec('RESET search_path');
    await pg.exec('RESET search_path');
    for (const q of [
      'SELECT * FROM posts ORDER BY id',
      `SELECT id, tags::text, weights::text FROM posts ORDER BY tags`,
      `SELECT obj_description('posts'::regclass, 'pg_class') AS t, col_description('posts'::regclass, 3) AS c`,
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'posts' ORDER BY 1`,
    ]) {
      const want = normalize((await pg.query(q, [], { rowMode: 'array' })).rows);
      const got = normalize((await v.query(q, [], { rowMode: 'array' })).rows);
      assert.deepEqual(got, want, q);
    }
    assert.deepEqual((await v.query('SELECT count(*)::int AS n FROM posts')).rows, [{ n: 3 }]);
    await v.exec(`INSERT INTO posts (title) VALUES ('d')`);
    await pg.exec(`INSERT INTO posts (title) VALUES ('d')`);
    const q = `SELECT id, tags FROM posts WHERE title = 'd'`;
    assert.deepEqual(normalize((await v.query(q)).rows), normalize((await pg.query(q)).rows));
  } finally {
    await v.close();
    await pg.close();
  }
});

test('elements of one type category without an implicit cast: 42846 at the element, as coerce_to_common_type', async () => {
  for (const q of [
    `SELECT ARRAY[[1, NULL], [NULL, NULL]]`,
    `SELECT ARRAY[[NULL, NULL], [1, 2]]`,
    `SELECT ARRAY[current_date, '12:00'::time]`,
    `SELECT ARRAY['{}'::jsonb, '00000000-0000-0000-0000-000000000000'::uuid]`,
    `SELECT ARRAY[1, 'a'::text]`,
    `SELECT ARRAY[true, 1 + 2]`,
    `VALUES (current_date), ('12:00'::time)`,
    `VALUES (1), ('a'::text)`,
    `SELECT coalesce(1, 'a'::text, 2)`,
    `SELECT ARRAY[[1, 2], [NULL, NULL]], ARRAY[['a'], [NULL]], ARRAY['[1]'::vector, '[2]'::halfvec]`,
  ]) await same(q);
});
