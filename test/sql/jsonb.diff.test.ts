/**
 * jsonb and json in SQL against PGlite + pgvector: a RAG schema as applications write it
 * (uuid keys from gen_random_uuid(), jsonb metadata with a default, a vector column), the
 * metadata filters LangChain's PGVectorStore and hand-written apps use (@>, ->>, ?), the
 * builders, casts out of jsonb, and errors. Values are compared as PGlite returns them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { same, both, ours, theirs } = await openSqlPair();

test('a documents table with jsonb metadata, filtered as LangChain does', async () => {
  await both(`CREATE TABLE documents (id uuid DEFAULT gen_random_uuid() PRIMARY KEY, content text, metadata jsonb NOT NULL DEFAULT '{}', embedding vector(2))`);
  await same(`INSERT INTO documents (content, metadata, embedding) VALUES ('a', '{"source": "web", "n": 1.50, "tags": ["x", "y"], "loc": {"page": 3}}', '[1,2]'), ('b', '{"source": "pdf", "n": 2, "source": "doc"}', '[2,3]'), ('c', DEFAULT, '[0,1]')`);
  await same('INSERT INTO documents (content, metadata, embedding) VALUES ($1, $2, $3)', ['d', '{"source": "web", "n": -1e2}', '[5,5]']);
  await same('INSERT INTO documents (content, metadata, embedding) VALUES ($1, $2, $3)', ['e', { source: 'api', nested: { k: [1, 2, { z: null }] } }, '[4,4]']);
  await same(`INSERT INTO documents (content, metadata) VALUES ('f', '{"a": tru}')`);
  await same(`INSERT INTO documents (id, content, metadata) VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'g', NULL)`);
  await same('SELECT content, metadata, metadata::text FROM documents ORDER BY content');
  await same(`SELECT content FROM documents WHERE metadata @> '{"source": "web"}' ORDER BY content`);
  await same(`SELECT content FROM documents WHERE metadata @> $1 ORDER BY content`, [{ source: 'web' }]);
  await same(`SELECT content FROM documents WHERE metadata->>'source' = 'web' ORDER BY embedding <-> '[1,1]' LIMIT 2`);
  await same(`SELECT content FROM documents WHERE metadata ? 'tags' ORDER BY content`);
  await same(`SELECT content FROM documents WHERE metadata ?| array['tags', 'nested'] ORDER BY content`);
  await same(`SELECT content FROM documents WHERE metadata ?& array['source', 'n'] ORDER BY content`);
  await same(`SELECT content FROM documents WHERE '{"source": "pdf"}' <@ metadata ORDER BY content`);
  await same(`SELECT content, metadata->'n', metadata->>'n', metadata#>'{loc,page}', metadata#>>'{tags,1}', metadata->'tags'->0, metadata->'tags'->>-1 FROM documents ORDER BY content`);
  await same(`SELECT content, jsonb_typeof(metadata->'n'), jsonb_typeof(metadata->'tags'), jsonb_array_length(metadata->'tags') FROM documents WHERE content = 'a'`);
  await same(`SELECT jsonb_array_length(metadata) FROM documents WHERE content = 'a'`);
  await same(`SELECT (metadata->'n')::numeric * 2, (metadata->>'n')::numeric, (metadata->'n')::float8 FROM documents WHERE content IN ('a', 'b', 'd') ORDER BY content`);
  await same(`SELECT (metadata->'source')::int FROM documents WHERE content = 'b'`);
  await same(`UPDATE documents SET metadata = metadata || '{"seen": true}' - 'n' WHERE metadata->>'source' = 'web'`);
  await same(`UPDATE documents SET metadata = metadata - 'tags' || jsonb_build_object('k', content) WHERE content = 'a'`);
  await same('SELECT content, metadata FROM documents ORDER BY content');
  await same(`SELECT content FROM documents WHERE metadata = '{"seen": true, "source": "web", "loc": {"page": 3.0}, "k": "a"}'`);
  await same(`SELECT count(*) FROM documents WHERE metadata <> '{}'`);
});

test('jsonb builders, operators on literals and errors', async () => {
  await same(`SELECT jsonb_build_object('a', 1, 'b', 'x', 'c', NULL, 'd', 1.5::float8, 'e', true, 'f', ARRAY[1,2], 'g', '{"x":1}'::jsonb, 7, 'seven')`);
  await same(`SELECT jsonb_build_array(1, 'x', NULL, 2.50, 'NaN'::float8), to_jsonb('a b'::text), to_jsonb(12), to_jsonb(NULL::int)`);
  await same(`SELECT jsonb_build_object('a')`);
  await same(`SELECT jsonb_build_object(NULL::text, 1)`);
  await same(`SELECT '{"b":1,"a":2,"aa":3,"a":4,"é":5}'::jsonb, '[1, 1.50, 1e2, -0]'::jsonb, '"\\u00e9\\t"'::jsonb, ' null '::jsonb`);
  await same(`SELECT '{"a":1}'::jsonb || '[2]', '[1]'::jsonb || '2', '1'::jsonb || '{"a":1}', '{"a":1}'::jsonb - 0`);
  await same(`SELECT '3'::jsonb - 'a'`);
  await same(`SELECT '[1,2,3]'::jsonb - -1, '["a","b","a"]'::jsonb - 'a', '{"a":1,"b":2}'::jsonb - '{a,c}'::text[]`);
  await same(`SELECT '{"a":}'::jsonb`);
  await same(`SELECT '{"a" 1}'::jsonb`);
  // Keys order by UTF-8 length, then bytes: U+FFFF (3 bytes) and a surrogate pair (4) are
  // ordered as code points, not as UTF-16 units; lookups binary-search that order.
  const keys = `{"\\ud83d\\ude00": 1, "\\uffff": 2, "\\ue000": 3, "中": 4, "é": 5, "ab": 6, "\\u00ff": 7, "abc": 8, "\\ud800\\udc00": 9, "z": 10, "\\uffffa": 11, "a\\uffff": 12}`;
  await same(`SELECT '${keys}'::jsonb, jsonb_object_keys('${keys}')`);
  await same(`SELECT k, '${keys}'::jsonb -> k, '${keys}'::jsonb ? k FROM unnest(ARRAY['\u{1F600}', '\u{FFFF}', '\u{E000}', '中', 'é', 'ab', 'ÿ', 'abc', '\u{10000}', 'z', 'y', '\u{1F601}', '\u{FFFF}a', 'a\u{FFFF}']) k`);
  await same(`SELECT '"\\u0000"'::jsonb`);
  await same(`SELECT '{"a": 1, "a": 2}'::json, '[1,2]'::json::jsonb, '{"b": 1, "a": 2}'::jsonb::json`);
  await same(`SELECT '{"a": tru}'::json`);
});

test('jsonb B-tree order: ORDER BY, comparisons, GROUP BY, B-tree index and statistics', async () => {
  // compareJsonbContainers' order, with its raw-scalar anomaly ('[]' sorts before 'null').
  await both(`CREATE TABLE jo (x jsonb)`);
  await both(`INSERT INTO jo VALUES ('null'), ('1'), ('"a"'), ('true'), ('[]'), ('[1]'), ('[[1]]'), ('{}'), ('{"a": 1}'), ('{"b": 1}'), ('{"a": 2}'),
    ('{"a": 1, "b": 2}'), ('[1, 2]'), ('["a"]'), ('[null]'), ('false'), ('1.0'), ('[1, "a"]'), ('{"aa": 1}'), ('2'), ('"b"'), (NULL), ('[{}]'),
    ('{"a": [1]}'), ('{"a": {}}'), ('[true]'), ('[[]]'), ('{"a": null}'), ('""'), ('-1'), ('{"aa": 1, "c": 1}'), ('{"b": 1, "d": 1}'), ('[[1], 2]'), ('[{"a": 1}]')`);
  await same(`SELECT string_agg(x::text, ' | ' ORDER BY x, x::text) FROM jo`);
  await same(`SELECT string_agg(x::text, ' | ' ORDER BY x DESC NULLS LAST, x::text) FROM jo`);
  await same(`SELECT a.x::text AS a, b.x::text AS b, a.x < b.x AS lt, a.x >= b.x AS ge FROM jo a, jo b WHERE a.x IS NOT NULL AND b.x IS NOT NULL ORDER BY 1, 2`);
  await same(`SELECT x, count(*) FROM jo GROUP BY x ORDER BY x DESC LIMIT 5`);
  // Numbers equal by value are one group, one distinct value, one UNION row (hashed by value).
  await same(`SELECT count(DISTINCT x), count(*) FROM (VALUES ('{"a": 1}'::jsonb), ('{"a": 1.0}'), ('[1.50, {"b": 2.0}]'), ('[1.5, {"b": 2}]')) v(x)`);
  await same(`SELECT count(*) FROM (SELECT DISTINCT x FROM (VALUES ('{"a": 1}'::jsonb), ('{"a": 1.0}'), ('1'), ('1.00')) v(x)) d`);
  await same(`SELECT x::text, count(*) FROM (VALUES ('{"a": 1}'::jsonb), ('{"a": 1.0}')) v(x) GROUP BY x`);
  await same(`SELECT count(*) FROM (SELECT '{"a": 1}'::jsonb UNION SELECT '{"a": 1.0}'::jsonb) u`);
  await both(`CREATE INDEX jo_x ON jo (x)`);
  await both(`SET enable_seqscan = off`);
  await same(`SELECT x FROM jo WHERE x > '[1]' AND x < '{"a": 2}' ORDER BY x`);
  await same(`SELECT indexdef FROM pg_indexes WHERE indexname = 'jo_x'`);
  await both(`RESET enable_seqscan`);
  // ANALYZE keeps a histogram of jsonb (its order), which matchingsel reads for @>.
  await both(`CREATE TABLE js (m jsonb)`);
  await both(`INSERT INTO js SELECT jsonb_build_object('a', i % 7, 'b', i) FROM generate_series(1, 1000) i`);
  await both(`ANALYZE js`);
  await same(`SELECT null_frac, n_distinct, most_common_vals IS NULL AS no_mcv, histogram_bounds::text FROM pg_stats WHERE tablename = 'js'`);
  // The row estimate as PostgreSQL's (the width estimates differ).
  for (const w of [`m @> '{"a": 3}'`, `m ? 'b'`, `m @> '{"a": 3, "b": 10}'`]) {
    const rowsOf = (o: Awaited<ReturnType<typeof ours>>): string => (o.ok ? /rows=(\d+)/.exec(String((o.rows as Record<string, unknown>[])[0]!['QUERY PLAN']))?.[1] ?? '?' : o.code);
    const sql = `EXPLAIN SELECT * FROM js WHERE ${w}`;
    assert.equal(rowsOf(await ours(sql)), rowsOf(await theirs(sql)), sql);
  }
});
