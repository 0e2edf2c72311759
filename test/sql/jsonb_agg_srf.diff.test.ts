/**
 * jsonb / json aggregates and set-returning functions against PGlite + pgvector: jsonb_agg,
 * json_agg, jsonb_object_agg, json_object_agg (NULLs, no rows, key order, duplicate keys,
 * ORDER BY / DISTINCT / FILTER, GROUP BY, every value category), compared as text so json's
 * exact spelling counts, and their errors.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { same, both } = await openSqlPair();

await both(`CREATE TABLE docs (id int PRIMARY KEY, grp text, k text, n numeric, f float8, b bool, ts timestamp, tz timestamptz, d date, meta jsonb, raw json)`);
await both(`INSERT INTO docs VALUES
  (1, 'a', 'x', 1.50, 1.5, true, '2020-01-02 03:04:05.5', '2020-01-02 03:04:05+02', '2020-01-02', '{"b": 1, "a": [1, {"c": null}]}', '{"b" :1,  "a":2}'),
  (2, 'a', 'y', NULL, 'NaN', false, NULL, NULL, 'infinity', '[1, "two", null]', '[1,2 ]'),
  (3, 'b', 'x', -2e3, NULL, NULL, 'infinity', '-infinity', NULL, 'null', 'null'),
  (4, 'b', NULL, 0, '1e300', true, '1999-12-31 23:59:59', '1999-12-31 23:59:59.123456+00', '1999-12-31', NULL, NULL),
  (5, 'c', 'é', 100, '-0', false, '2000-01-01', '2000-01-01 00:00:00-05:30', '2000-01-01', '"str"', '"str"')`);

test('jsonb_agg and json_agg over every column category, NULLs included', async () => {
  for (const c of ['id', 'grp', 'k', 'n', 'f', 'b', 'ts', 'tz', 'd', 'meta', 'raw']) {
    await same(`SELECT jsonb_agg(${c} ORDER BY id)::text, json_agg(${c} ORDER BY id)::text FROM docs`);
  }
  await same(`SELECT grp, jsonb_agg(meta ORDER BY id DESC)::text, json_agg(raw ORDER BY id)::text, json_agg(ARRAY[k, grp] ORDER BY id)::text FROM docs GROUP BY grp ORDER BY grp`);
  await same(`SELECT jsonb_agg(id)::text, json_agg(id)::text FROM docs WHERE false`);
  await same(`SELECT jsonb_agg(id ORDER BY id), json_agg(id ORDER BY id) FROM docs`);
  await same(`SELECT jsonb_agg(DISTINCT grp)::text, json_agg(DISTINCT grp)::text, jsonb_agg(id ORDER BY id) FILTER (WHERE b)::text FROM docs`);
  await same(`SELECT json_agg(x)::text FROM (VALUES (ARRAY[[1,2],[3,4]]), (NULL), (ARRAY[[5,6],[7,8]])) v(x)`);
  await same(`SELECT jsonb_agg(x)::text FROM (VALUES (ARRAY[[1,2],[3,4]]), (NULL)) v(x)`);
  await same(`SELECT jsonb_agg(x)::text, json_agg(x)::text FROM (VALUES (ARRAY['a', NULL, 'q"']), (NULL), ('{}'::text[]), (ARRAY[NULL]::text[])) v(x)`);
  await same(`SELECT jsonb_agg(jsonb_build_object('id', id, 'k', k) ORDER BY id)::text FROM docs`);
  await same(`SELECT jsonb_agg('x')`);
  await same(`SELECT json_agg('x')`);
  await same(`SELECT jsonb_agg(id, id) FROM docs`);
});

test('jsonb_object_agg and json_object_agg: key order, duplicate keys, NULL keys and values', async () => {
  await same(`SELECT jsonb_object_agg(k, n ORDER BY id)::text, json_object_agg(k, n ORDER BY id)::text FROM docs WHERE k IS NOT NULL`);
  await same(`SELECT grp, jsonb_object_agg(id, meta ORDER BY id)::text, json_object_agg(id, raw ORDER BY id)::text FROM docs GROUP BY grp ORDER BY grp`);
  await same(`SELECT jsonb_object_agg(d, ts ORDER BY id)::text, json_object_agg(ts, tz ORDER BY id)::text FROM docs WHERE d IS NOT NULL AND ts IS NOT NULL`);
  await same(`SELECT jsonb_object_agg(b, f ORDER BY id)::text, json_object_agg(b, f ORDER BY id)::text FROM docs WHERE b IS NOT NULL`);
  await same(`SELECT jsonb_object_agg(k, v)::text, json_object_agg(k, v)::text FROM (VALUES ('a', 1), ('b', NULL), ('a', 3), ('aa', 0), ('', 2)) t(k, v)`);
  await same(`SELECT jsonb_object_agg(k, v ORDER BY v DESC)::text, json_object_agg(k, v ORDER BY v DESC)::text FROM (VALUES ('a', 1), ('a', 3), ('a', 2)) t(k, v)`);
  await same(`SELECT json_object_agg(DISTINCT k, v)::text FROM (VALUES ('a', 1), ('a', 1), ('a', 2), ('b', 0)) t(k, v)`);
  await same(`SELECT jsonb_object_agg(k, v) FILTER (WHERE v > 1)::text FROM (VALUES ('a', 1), ('b', 3)) t(k, v)`);
  await same(`SELECT jsonb_object_agg(k, v)::text, json_object_agg(k, v)::text FROM (VALUES ('a', 1)) t(k, v) WHERE false`);
  await same(`SELECT json_object_agg('a', 'b')::text, jsonb_object_agg('a', 'b')::text, json_object_agg(1, 2.50)::text`);
  await same(`SELECT jsonb_object_agg(k, id) FROM docs`);
  await same(`SELECT json_object_agg(k, id) FROM docs`);
  await same(`SELECT jsonb_object_agg(ARRAY[k], id) FROM docs`);
  await same(`SELECT json_object_agg(meta, id) FROM docs`);
  await same(`SELECT jsonb_object_agg(raw, id) FROM docs`);
  await same(`SELECT jsonb_object_agg(k) FROM docs`);
});
