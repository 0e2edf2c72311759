/**
 * json's own operators (`->`, `->>`, `#>`, `#>>`) and the json / jsonb functions
 * json_typeof, json_array_length, jsonb_strip_nulls / json_strip_nulls, the extract_path
 * family and jsonb_pretty against PGlite + pgvector. json results are compared as text, so
 * the exact source span counts: spacing inside a value, duplicate keys (the last one wins),
 * escapes kept as written; and every error by SQLSTATE and message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';

const { both, checkAll, ours, theirs } = await openSqlPair();

await both(`CREATE TABLE jt (id int PRIMARY KEY, j json, b jsonb)`);
await both(`INSERT INTO jt VALUES
  (1, '{"a" : [ 1, {"b" :  null} ], "a": {"c": "x\\ty"}, "n": null, "e": "\\u00e9\\ud83d\\ude00", "q": "a\\"b"}', '{"a": [1, {"b": null}], "n": null}'),
  (2, ' [ 1 , "two" ,null, [ ], {}, 2.50e1, -0 ] ', '[1, "two", null, [], {}, 25.0]'),
  (3, '"scalar"', '"scalar"'),
  (4, 'null', 'null'),
  (5, NULL, NULL),
  (6, '{"\\u0061": 5, "k\\"ey": {"x" : [true ,false]}}', '{"a": 5}')`);

const J = `'{"a" : [ 1, {"b" :  null} ], "a": {"c": "x\\ty", "d" : [1,2 ]}, "n": null, "s": "\\u00e9\\ud83d\\ude00", "q": "a\\"b\\/", "z":{}}'`;
const A = `'  [ 1 , "two" ,null, [ [1] , 2 ], {"k" : "v"}, 2.50e1, -0, true ] '`;

test('json -> and ->> with a key and an index: source spans, last duplicate, negative indexes, NULLs', async () => {
  const qs: string[] = [];
  for (const k of [`'a'`, `'n'`, `'s'`, `'q'`, `'z'`, `'missing'`, `''`, `NULL::text`, `'a'::varchar`, `'n'::char(3)`]) {
    qs.push(`SELECT (${J}::json -> ${k})::text AS c0, ${J}::json ->> ${k} AS c1`);
  }
  for (const i of ['0', '1', '2', '3', '4', '5', '6', '7', '8', '-1', '-2', '-8', '-9', '2147483647', '-2147483648', 'NULL::int', '1::int2']) {
    qs.push(`SELECT (${A}::json -> ${i})::text AS c0, ${A}::json ->> ${i} AS c1`);
  }
  qs.push(`SELECT (${J}::json -> 0)::text AS c0, (${A}::json -> 'a')::text AS c1, ('"s"'::json -> 0)::text AS c2, ('1'::json -> 0)::text AS c3, ('"s"'::json ->> 'a') AS c4`);
  qs.push(`SELECT (NULL::json -> 'a')::text AS c0, (NULL::json ->> 0)::text AS c1, ('{"a":1}'::json -> '{}')::text AS c2`);
  qs.push(`SELECT ('{"a":1, "a" : [ 1,2 ], "b": 0}'::json -> 'a')::text AS c0, ('{"a":1, "a" : [ 1,2 ], "a":3}'::json ->> 'a') AS c1`);
  qs.push(`SELECT ('{"\\u0061" : 5}'::json -> 'a')::text AS c0, ('{"é" : 5}'::json -> E'\\u00e9')::text AS c1, ('{"\\ud83d\\ude00" : "\\ud83d\\ude00"}'::json ->> E'\\U0001F600') AS c2`);
  qs.push(`SELECT ('[ "a\\"b" , {"x": [true ,false]} ]'::json ->> 0) AS c0, ('[ "a\\"b" , {"x": [true ,false]} ]'::json ->> -1) AS c1, ('[ "a\\"b" ]'::json -> 0)::text AS c2`);
  qs.push(`SELECT pg_typeof('{"a":1}'::json -> 'a') AS c0, pg_typeof('{"a":1}'::json ->> 'a') AS c1, pg_typeof('[1]'::json -> 0) AS c2, pg_typeof('[1]'::json ->> 0) AS c3`);
  qs.push(`SELECT id AS c0, (j -> 'a')::text AS c1, j ->> 'a' AS c2, (j -> 1)::text AS c3, j ->> -1 AS c4, (j -> 'k"ey' -> 'x' -> 0)::text AS c5 FROM jt ORDER BY id`);
  qs.push(`SELECT id FROM jt WHERE j ->> 'a' IS NOT NULL ORDER BY id`);
  qs.push(`SELECT (j -> 'a' -> 1 -> 'b')::text AS c0, j -> 'a' -> 1 ->> 'b' AS c1 FROM jt WHERE id = 1`);
  // Wrong operand types and untyped left sides.
  qs.push(`SELECT '[1]'::json -> 0::int8`);
  qs.push(`SELECT '{"a":1}'::json -> 1.5`);
  qs.push(`SELECT '{"a":1}'::json ->> true`);
  qs.push(`SELECT '{"a":1}' -> 'a'`);
  qs.push(`SELECT '{"a":1}' ->> 0`);
  qs.push(`SELECT 1 -> 'a'`);
  // Every string is read as text, even ones not returned.
  qs.push(`SELECT '{"b":"\\u0000","a":1}'::json -> 'a'`);
  qs.push(`SELECT '[1, "\\u0000"]'::json ->> 0`);
  qs.push(`SELECT '{"\\u0000":1}'::json -> 'a'`);
  qs.push(`SELECT '["\\ud83d"]'::json -> 0`);
  qs.push(`SELECT ('{"b":"\\u0000"}'::json -> NULL::text) IS NULL`);
  await checkAll('json -> / ->>', qs);
});

test('json #> and #>>: nested paths, indexes as text, empty paths, NULL elements', async () => {
  const qs: string[] = [];
  for (const p of [`'{a}'`, `'{a,c}'`, `'{a,d,1}'`, `'{a,d,-1}'`, `'{a,0}'`, `'{a,1,b}'`, `'{a,x}'`, `'{n}'`, `'{n,x}'`, `'{s}'`, `'{q}'`, `'{z}'`, `'{}'`, `'{a,NULL}'`, `'{NULL}'`, `NULL::text[]`, `ARRAY['a', 'd', '0']`, `'{a,d,01}'`, `'{a,d," 1"}'`, `'{a,d,"1 "}'`, `'{a,d,+1}'`, `'{a,d,1x}'`, `'{a,d,""}'`, `'{a,d,99999999999}'`, `'{a,d,-99999999999}'`]) {
    qs.push(`SELECT (${J}::json #> ${p})::text AS c0, ${J}::json #>> ${p} AS c1`);
  }
  for (const p of [`'{}'`, `'{0}'`, `'{3,0,0}'`, `'{-5,k}'`, `'{-4,-1}'`, `'{4,k,0}'`, `'{k}'`, `'{7}'`, `'{-9}'`]) {
    qs.push(`SELECT (${A}::json #> ${p})::text AS c0, ${A}::json #>> ${p} AS c1`);
  }
  qs.push(`SELECT ('"x\\n"'::json #> '{}')::text AS c0, '"x\\n"'::json #>> '{}' AS c1, ('  [1, 2 ] '::json #>> '{}') AS c2, ('null'::json #>> '{}') IS NULL AS c3, (' 1 '::json #> '{}')::text AS c4`);
  qs.push(`SELECT (' null '::json #>> '{}') IS NULL AS c0, (' null '::json #> '{}')::text AS c1, (' true '::json #>> '{}') AS c2, (' "x" '::json #>> '{}') AS c3, (' "x" '::json #> '{}')::text AS c4, (E'\n -1.5e3 \n'::json #> '{}')::text AS c5`);
  qs.push(`SELECT json_extract_path_text(' 1 ', VARIADIC '{}') AS c0, json_extract_path(' null ', VARIADIC '{}')::text AS c1, jsonb_extract_path_text(' "x" ', VARIADIC '{}') AS c2, json_strip_nulls('  1  ')::text AS c3`);
  qs.push(`SELECT ('{"a":{"b":1},"a":{"c":2}}'::json #> '{a,b}')::text AS c0, ('{"a":{"b":1},"a":{"b":2}}'::json #> '{a,b}')::text AS c1, ('{"a":[1],"a":[]}'::json #>> '{a,0}') AS c2`);
  qs.push(`SELECT ('"abc"'::json #> '{0}') IS NULL AS c0, ('{"a":"b"}'::json #> '{a,0}') IS NULL AS c1`);
  qs.push(`SELECT id AS c0, (j #> '{a,1}')::text AS c1, j #>> '{a,c}' AS c2, (j #> '{}')::text AS c3, j #>> '{0}' AS c4 FROM jt ORDER BY id`);
  qs.push(`SELECT pg_typeof('{"a":1}'::json #> '{a}') AS c0, pg_typeof('{"a":1}'::json #>> '{a}') AS c1`);
  qs.push(`SELECT '{"a":1}'::json #> 'a'`);
  qs.push(`SELECT '{"a":1}'::json #> ARRAY[1]`);
  qs.push(`SELECT '["\\u0000"]'::json #> '{}'`);
  qs.push(`SELECT ('["\\u0000"]'::json #> '{NULL}') IS NULL`);
  // jsonb's path elements read as integers the same way.
  qs.push(`SELECT '[1, 2]'::jsonb #>> '{" 1"}' AS c0, '[1, 2]'::jsonb #>> '{"1 "}' AS c1, '[1, 2]'::jsonb #>> '{+1}' AS c2, '[1, 2]'::jsonb #>> '{99999999999}' AS c3, '[1, 2]'::jsonb #>> '{-2}' AS c4`);
  await checkAll('json #> / #>>', qs);
});

test('json_typeof and json_array_length', async () => {
  const qs: string[] = [];
  qs.push(`SELECT json_typeof(' 1 ') AS c0, json_typeof('{}') AS c1, json_typeof('[]') AS c2, json_typeof('"s"') AS c3, json_typeof('null') AS c4, json_typeof(' true') AS c5, json_typeof('false') AS c6, json_typeof('-1.5e3') AS c7, json_typeof(NULL) AS c8`);
  qs.push(`SELECT id AS c0, json_typeof(j) AS c1, json_typeof(j -> 'a') AS c2, json_typeof(j -> 0) AS c3 FROM jt ORDER BY id`);
  qs.push(`SELECT json_typeof('"\\u0000"') AS c0, json_typeof('{"\\u0000":1}') AS c1, json_array_length('["\\u0000"]') AS c2, json_array_length('[{"\\u0000":1}]') AS c3`);
  qs.push(`SELECT json_array_length('[1,[2,3], {}]') AS c0, json_array_length(' [ ] ') AS c1, json_array_length(${A}) AS c2, json_array_length(NULL) AS c3, pg_typeof(json_array_length('[]')) AS c4`);
  qs.push(`SELECT json_array_length('{"a":[1,2, 3]}'::json -> 'a')`);
  qs.push(`SELECT json_array_length('1')`);
  qs.push(`SELECT json_array_length('"s"')`);
  qs.push(`SELECT json_array_length('null')`);
  qs.push(`SELECT json_array_length('{}')`);
  qs.push(`SELECT json_array_length(j) FROM jt WHERE id = 1`);
  qs.push(`SELECT json_array_length('[1]'::jsonb)`);
  qs.push(`SELECT json_typeof('{"a":1}'::jsonb)`);
  qs.push(`SELECT json_typeof(1)`);
  qs.push(`SELECT json_typeof('{"a": 1')`);
  qs.push(`SELECT json_array_length('[1]', 2)`);
  qs.push(`SELECT jsonb_typeof('{"a":1}'::json)`);
  await checkAll('json_typeof / json_array_length', qs);
});

test('jsonb_strip_nulls and json_strip_nulls, with and without strip_in_arrays', async () => {
  const qs: string[] = [];
  const docs = [
    `'{"a":null,"b":[null,{"c":null, "d" : 1 }], "e": {"f": null}}'`, `'[ null , 1,{"x" :null}, "s\\u00e9" ,1e2, [null] ] '`, `' null '`, `'{}'`, `'[]'`,
    `'{"a":null}'`, `'[null]'`, `'"x\\/y\\n"'`, `'{"a": 1, "a": null, "b": {"c":{}}, "t":true, "f" : false, "k\\"": "\\ud83d\\ude00"}'`, `'  12.50  '`,
  ];
  for (const d of docs) {
    qs.push(`SELECT jsonb_strip_nulls(${d})::text AS c0, jsonb_strip_nulls(${d}, true)::text AS c1, jsonb_strip_nulls(${d}, false)::text AS c2`);
    qs.push(`SELECT json_strip_nulls(${d})::text AS c0, json_strip_nulls(${d}, true)::text AS c1, json_strip_nulls(${d}, false)::text AS c2`);
  }
  qs.push(`SELECT jsonb_strip_nulls(NULL)::text AS c0, jsonb_strip_nulls('{"a":null}', NULL)::text AS c1, json_strip_nulls(NULL)::text AS c2, json_strip_nulls('{"a":null}', NULL)::text AS c3`);
  qs.push(`SELECT pg_typeof(jsonb_strip_nulls('{}')) AS c0, pg_typeof(json_strip_nulls('{}')) AS c1, pg_typeof(json_strip_nulls('{}', true)) AS c2`);
  qs.push(`SELECT jsonb_strip_nulls(target => '{"a":null,"b":[null]}', strip_in_arrays => true)::text AS c0, json_strip_nulls('[null]', strip_in_arrays => true)::text AS c1, json_strip_nulls(target => '[null, {"a": null}]')::text AS c2`);
  qs.push(`SELECT id AS c0, jsonb_strip_nulls(b)::text AS c1, json_strip_nulls(j)::text AS c2, json_strip_nulls(j, true)::text AS c3 FROM jt ORDER BY id`);
  qs.push(`SELECT jsonb_strip_nulls(target => '{}', nope => true)`);
  qs.push(`SELECT json_strip_nulls(strip_in_arrays => true)`);
  qs.push(`SELECT jsonb_strip_nulls('{}', true, true)`);
  qs.push(`SELECT json_strip_nulls('"\\u0000"')`);
  qs.push(`SELECT json_strip_nulls('{"a": null, "b": "\\ud83d"}')`);
  qs.push(`SELECT jsonb_strip_nulls('{"a":null}', 1)`);
  qs.push(`SELECT jsonb_strip_nulls('{"a":1}'::json)`);
  qs.push(`SELECT json_strip_nulls('{"a":1}'::jsonb)`);
  await checkAll('strip_nulls', qs);
});

test('extract_path functions with ordinary and VARIADIC path arguments', async () => {
  const qs: string[] = [];
  for (const f of ['jsonb_extract_path', 'jsonb_extract_path_text', 'json_extract_path', 'json_extract_path_text']) {
    const cast = '::text';
    qs.push(`SELECT (${f}(${J}, 'a'))${cast} AS c0, (${f}(${J}, 'a', 'd', '-1'))${cast} AS c1, (${f}(${J}, 'a', '0'))${cast} AS c2, (${f}(${J}, 's'))${cast} AS c3, (${f}(${J}, 'n'))${cast} AS c4`);
    qs.push(`SELECT (${f}(${A}, '3', '0'))${cast} AS c0, (${f}(${A}, '4', 'k'))${cast} AS c1, (${f}(${A}, 'x'))${cast} AS c2`);
    qs.push(`SELECT (${f}('{"a":1}', NULL))${cast} AS c0, (${f}(NULL, 'a'))${cast} AS c1, (${f}('{"a":1}', 'a', NULL))${cast} AS c2, (${f}('{"a":1}', 'a'::varchar))${cast} AS c3`);
    qs.push(`SELECT (${f}('{"a":1}', VARIADIC ARRAY['a']))${cast} AS c0, (${f}('{"a":1}', VARIADIC NULL::text[]))${cast} AS c1, (${f}(' {"a":1} ', VARIADIC '{}'::text[]))${cast} AS c2, (${f}('"x"', VARIADIC '{}'))${cast} AS c3, (${f}('{"a":1}', VARIADIC ARRAY[NULL]::text[]))${cast} AS c4`);
    qs.push(`SELECT pg_typeof(${f}('{"a":1}', 'a'))`);
    qs.push(`SELECT ${f}('{"a":1}')`);
    qs.push(`SELECT ${f}('{"a":1}', 1)`);
    qs.push(`SELECT ${f}('{"a":1}', VARIADIC ARRAY[1])`);
    qs.push(`SELECT ${f}('{"a":1}', VARIADIC 'a')`);
    qs.push(`SELECT ${f}('{"a":1}', VARIADIC 1)`);
    qs.push(`SELECT ${f}('{"a":1}', 'a', VARIADIC '{b}')`);
    qs.push(`SELECT ${f}(1, 'a')`);
  }
  qs.push(`SELECT json_extract_path_text('{"a":[1]}'::jsonb, 'a')`);
  qs.push(`SELECT jsonb_extract_path('{"a":[1]}'::json, 'a')`);
  qs.push(`SELECT json_extract_path('["\\u0000"]', '1')`);
  qs.push(`SELECT id AS c0, (json_extract_path(j, 'a', '1'))::text AS c1, json_extract_path_text(j, 'a', 'c') AS c2, jsonb_extract_path(b, 'a', '0') AS c3, jsonb_extract_path_text(b, '1') AS c4 FROM jt ORDER BY id`);
  await checkAll('extract_path', qs);
});

test('jsonb_pretty', async () => {
  const qs: string[] = [];
  for (const d of [
    `'{"a":[1,{"b":[]},{}],"c":{"d":null}}'`, `'[]'`, `'{}'`, `'1'`, `'[[]]'`, `'[{}]'`, `'"a\\u00e9"'`, `'null'`, `'{"a":"x","b":[1,2.50]}'`,
    `'[1, [2, {"x": {"y": []}}]]'`, `'{"k\\"ey": "v\\nal", "": true, "aa": false, "b": 1e2}'`, `'[[[[]]], {"": {"": {}}}]'`,
  ]) {
    qs.push(`SELECT jsonb_pretty(${d})`);
  }
  qs.push(`SELECT jsonb_pretty(NULL) AS c0, pg_typeof(jsonb_pretty('{}')) AS c1`);
  qs.push(`SELECT id AS c0, jsonb_pretty(b) AS c1 FROM jt ORDER BY id`);
  qs.push(`SELECT jsonb_pretty(jsonb_build_object('a', '{}'::jsonb, 'b', jsonb_build_array()))`);
  qs.push(`SELECT jsonb_pretty('{"a":1}'::json)`);
  qs.push(`SELECT jsonb_pretty('{"a":1}', 1)`);
  await checkAll('jsonb_pretty', qs);
});

test('EXPLAIN VERBOSE prints the calls as PostgreSQL deparses them (extract_path as VARIADIC text[])', async () => {
  // Only the Output lines: the cost estimates depend on json widths vecgres does not model.
  const output = (o: Awaited<ReturnType<typeof ours>>): unknown =>
    (o.ok ? (o.rows as Record<string, string>[]).map((r) => r['QUERY PLAN']!).filter((l) => l.trim().startsWith('Output:')) : o);
  for (const q of [
    `SELECT j -> 'a', j ->> 0, j #> '{a}', j #>> '{n,1}' FROM jt`,
    `SELECT json_extract_path(j, 'a'), jsonb_extract_path_text(b, 'a', '0'), json_strip_nulls(j), jsonb_strip_nulls(b, true), jsonb_pretty(b), json_typeof(j), json_array_length(j) FROM jt`,
    `SELECT json_extract_path(j, 'a', id::text), jsonb_extract_path(b, VARIADIC ARRAY['a', id::text]), jsonb_extract_path(b, VARIADIC '{x}') FROM jt`,
    `SELECT json_extract_path_text(j, 'a', NULL) FROM jt`,
  ]) {
    const sql = `EXPLAIN VERBOSE ${q}`;
    assert.deepEqual(output(await ours(sql)), output(await theirs(sql)), sql);
  }
});

test('over a table: GROUP BY, an expression index, bound parameters', async () => {
  await checkAll('json over a table', [
    `SELECT j ->> 'a' AS k, count(*) AS c FROM jt GROUP BY j ->> 'a' ORDER BY 1`,
    `SELECT json_typeof(j) AS t, count(*) AS c FROM jt GROUP BY 1 ORDER BY 1`,
    `CREATE INDEX jt_a ON jt ((j ->> 'a'))`,
    `SELECT id FROM jt WHERE j ->> 'a' IS NULL ORDER BY id`,
    [`SELECT (j -> $1)::text AS c FROM jt ORDER BY id`, ['a']],
    [`SELECT j ->> $1 AS c FROM jt ORDER BY id`, ['0']],
    [`SELECT (j #> $1)::text AS c FROM jt ORDER BY id`, ['{a,1}']],
    [`SELECT json_extract_path_text(j, $1, $2) AS c FROM jt ORDER BY id`, ['a', '0']],
    [`SELECT jsonb_strip_nulls($1)::text AS c`, ['{"a":null}']],
    `SELECT jsonb_strip_nulls(b, id > 1)::text AS c FROM jt ORDER BY id`,
    `SELECT json_extract_path_text(j, 'a', id::text) AS c FROM jt ORDER BY id`,
    `SELECT ('{"a":{"b":[1]}}'::json -> 'a' #> '{b,0}')::text AS x, '{"a":1}'::json::jsonb -> 'a' AS y`,
  ]);
});

test('regproc / regprocedure know the new functions', async () => {
  await checkAll('regproc', [
    `SELECT 'json_typeof'::regproc::oid AS a, 'jsonb_extract_path'::regproc::text AS b, 'jsonb_strip_nulls(jsonb,boolean)'::regprocedure::oid AS c, 3217::regprocedure::text AS d, 'jsonb_pretty'::regproc::regprocedure::text AS e`,
    `SELECT 'json_strip_nulls'::regproc::oid AS a, 'json_array_length(json)'::regprocedure::oid AS b, 'json_extract_path_text'::regproc::regprocedure::text AS c`,
    `SELECT 'json_typeof(jsonb)'::regprocedure`,
  ]);
});

/** A random json document: spacing, duplicate and escaped keys, escapes, nulls, nesting. */
function randomJson(r: Prng, depth: number): string {
  const ws = (): string => ['', ' ', '  ', '\n', '\t '][r.int(5)]!;
  switch (r.int(depth > 2 ? 5 : 7)) {
    case 0: return ['1', '-0', '2.50', '1e2', '-3.5E-1'][r.int(5)]!;
    case 1: return ['true', 'false', 'null'][r.int(3)]!;
    case 2: return ['"a"', '"\\u0061"', '"\\u00e9"', '"x\\ny"', '"\\ud83d\\ude00"', '""', '"q\\"u"', '"\\/"'][r.int(8)]!;
    case 3: case 4: return 'null';
    case 5: return `[${ws()}${Array.from({ length: r.int(4) }, () => randomJson(r, depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
    default: {
      const members = Array.from({ length: r.int(4) }, () => `${['"a"', '"b"', '"\\u0061"', '"c"'][r.int(4)]!}${ws()}:${ws()}${randomJson(r, depth + 1)}`);
      return `{${ws()}${members.join(`${ws()},${ws()}`)}${ws()}}`;
    }
  }
}

test(`random documents and paths (seed ${SEED})`, async () => {
  const r = new Prng(SEED);
  const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  const qs: string[] = [];
  for (let i = 0; i < 200; i++) {
    const j = lit(`${[' ', ''][r.int(2)]}${randomJson(r, 0)}${[' ', ''][r.int(2)]}`);
    const p = lit(`{${Array.from({ length: r.int(3) }, () => ['a', 'b', 'c', '0', '1', '-1', '2'][r.int(7)]!).join(',')}}`);
    qs.push(`SELECT (${j}::json #> ${p})::text AS a, ${j}::json #>> ${p} AS b, json_strip_nulls(${j}, ${r.int(2) === 0})::text AS c, jsonb_pretty(${j}) AS d, jsonb_strip_nulls(${j}, true)::text AS e, json_typeof(${j}) AS f, (${j}::json -> 'a')::text AS g, (${j}::json -> -1)::text AS h, ${j}::jsonb #>> ${p} AS i`);
  }
  await checkAll('random json', qs, undefined, SEED);
});
