/**
 * json_to_record, jsonb_to_record, json_to_recordset and jsonb_to_recordset with a column
 * definition list, against PostgreSQL + pgvector (PGlite): the bulk-insert pattern
 * `INSERT INTO t SELECT * FROM jsonb_to_recordset($1) AS x(id int, embedding vector(3))`,
 * LATERAL over a table's jsonb column, every conversion populate_record_field makes (strings
 * through the input function, numbers and booleans as their text, objects and arrays as JSON
 * text or json / jsonb values, arrays element by element with their dimensions, JSON null and
 * missing members as NULL, repeated members the last), and PostgreSQL's errors (the document's
 * shape, malformed arrays with their DETAIL and HINT, input errors, no column definition list,
 * WITH ORDINALITY, a repeated column, a wrong argument type). Also json[b]_populate_record[set]
 * over a table's row type given as `NULL::table` (the columns of the table, ordinality allowed).
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { checkAll, both } = await openSqlPair();

await both(`CREATE TABLE jr_items (id int PRIMARY KEY, title text, tags text[], embedding vector(3), meta jsonb)`);
await both(`CREATE TABLE jr_docs (id int, body jsonb, raw json)`);
await both(`INSERT INTO jr_docs VALUES (1, '{"items": [{"n": 1, "w": "a"}, {"n": 2}]}', '[{"n": 5, "n": 6}]'), (2, '{"items": []}', '[]'), (3, NULL, NULL)`);

test('json[b]_to_record[set] fill the declared columns as PostgreSQL', async () => {
  await checkAll('json_to_recordset', [
    [`INSERT INTO jr_items SELECT * FROM jsonb_to_recordset($1) AS x(id int, title text, tags text[], embedding vector(3), meta jsonb) RETURNING *`,
      [JSON.stringify([{ id: 1, title: 'one', tags: ['a', 'b'], embedding: [1, 2, 3], meta: { k: 1 } }, { id: 2, title: null, embedding: '[0,0,1]' }])]],
    `SELECT * FROM jr_items ORDER BY id`,
    `SELECT id, embedding <-> '[1,2,3]' AS d FROM jr_items, jsonb_to_record('{"q": 1}') AS q(q int) ORDER BY embedding <-> '[1,2,3]' LIMIT 1`,
    `SELECT d.id, x.* FROM jr_docs d, jsonb_to_recordset(d.body -> 'items') AS x(n int, w text) ORDER BY 1, 2`,
    `SELECT d.id, x.* FROM jr_docs d CROSS JOIN LATERAL json_to_recordset(d.raw) AS x(n int) ORDER BY 1, 2`,
    `SELECT * FROM jsonb_to_recordset('[{"a":1,"b":"x","c":[1,2],"d":{"k":1},"e":"2026-01-01","v":[1,2,3]},{"a":2,"z":5}]') AS x(a int, b text, c int[], d jsonb, e date, v vector(3), missing text)`,
    `SELECT a, b, c, d::text, t FROM json_to_recordset('[{"a":1.50,"b":"x\\"y","c":"{3,4}","d":{"k" :  [1, 2]},"t":true}]') AS x(a numeric, b text, c int[], d json, t boolean)`,
    `SELECT * FROM jsonb_to_record('{"a":1,"b":[[1,2],[3,4]]}') AS x(a int, b int[])`,
    `SELECT * FROM json_to_record('{"a":"12"}') AS x(a int)`,
    `SELECT * FROM json_to_recordset('[{"a":1, "a":2}]') AS x(a int)`,
    `SELECT a::text, b FROM json_to_recordset('[{"a":"\\u00e9 x", "b":"\\u00e9"}]') AS x(a json, b text)`,
    `SELECT a::text, b::text FROM jsonb_to_recordset('[{"a":{"k" :  [1, 2]}, "b": "s"}]') AS x(a json, b json)`,
    `SELECT * FROM json_to_recordset('[{"a":[1,2], "b": {"c": null}}]') AS x(a text, b text)`,
    `SELECT * FROM jsonb_to_recordset('[{"a":{"b":1}, "t": true, "f": 2.50}]') AS x(a text, t text, f text)`,
    `SELECT * FROM jsonb_to_recordset('[{"a":"2026-01-01 10:00+02", "i": "1 day", "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}]') AS x(a timestamptz, i interval, u uuid)`,
    `SELECT * FROM jsonb_to_recordset('[{"a":[1,"x"]}]') AS x(a text[])`,
    `SELECT * FROM jsonb_to_recordset('[{"a":[]}, {"a":[[]]}, {"a":[null, 2]}, {"a":null}]') AS x(a int[])`,
    `SELECT * FROM jsonb_to_recordset('[{"A":1, "a":2}]') AS x("A" int, a int)`,
    `SELECT * FROM jsonb_to_recordset(NULL) AS x(a int)`,
    `SELECT * FROM jsonb_to_recordset('[]') AS x(a int)`,
    `SELECT * FROM jsonb_to_recordset('[{"a":null,"b":"null"}]') AS x(a int, b text)`,
    `SELECT count(*) FROM jsonb_to_recordset('[{"a":1},{"a":2},{"a":3}]') AS x(a int) WHERE a > 1`,
    `SELECT * FROM jsonb_to_recordset('[1,2]') AS x(a int)`,
    `SELECT * FROM jsonb_to_recordset('{"a":1}') AS x(a int)`,
    `SELECT * FROM jsonb_to_recordset('5') AS x(a int)`,
    `SELECT * FROM jsonb_to_record('[{"a":1}]') AS x(a int)`,
    `SELECT * FROM jsonb_to_record('5') AS x(a int)`,
    `SELECT * FROM json_to_recordset('5') AS x(a int)`,
    `SELECT * FROM json_to_record('[1]') AS x(a int)`,
    `SELECT * FROM json_to_recordset('{"a":1}') AS x(a int)`,
    `SELECT * FROM json_to_recordset('[1]') AS x(a int)`,
    `SELECT * FROM jsonb_to_recordset('[{"a":"x"}]') AS x(a int)`,
    `SELECT * FROM jsonb_to_recordset('[{"a":1.5}]') AS x(a int)`,
    `SELECT * FROM jsonb_to_recordset('[{"a":"ab"}]') AS x(a varchar(1))`,
    `SELECT * FROM jsonb_to_recordset('[{"a":[1,2,3]}]') AS x(a vector(2))`,
    `SELECT * FROM jsonb_to_recordset('[{"a":[1,[2]]}]') AS x(a int[])`,
    `SELECT * FROM jsonb_to_recordset('[{"a":[[1,2],[3]]}]') AS x(a int[])`,
    `SELECT * FROM json_to_recordset('[{"a":[[1,2],[3]]}]') AS x(a int[])`,
    `SELECT * FROM jsonb_to_recordset('[{"a":[[1,2],3]}]') AS x(a int[])`,
    `SELECT * FROM jsonb_to_recordset('[{"a":{"x":1}}]') AS x(a int[])`,
    `SELECT * FROM jsonb_to_recordset('[{"a":5}]') AS x(a int[])`,
    `SELECT * FROM jsonb_to_recordset('[{"a":1}]')`,
    `SELECT * FROM jsonb_to_recordset('[{"a":1}]') WITH ORDINALITY AS x(a int)`,
    `SELECT * FROM jsonb_to_recordset('[{"a":1}]') AS x(a int, a text)`,
    `SELECT * FROM jsonb_to_recordset(1) AS x(a int)`,
    `SELECT * FROM jsonb_to_recordset('[{"a":1}]', 2) AS x(a int)`,
    `SELECT * FROM jsonb_to_recordset('[{"a":1}]'::json) AS x(a int)`,
    `SELECT * FROM jsonb_to_recordset('[{"a":1}]') AS x(a nosuchtype)`,
    `SELECT * FROM json_to_record(NULL) AS x(a int, b text)`,
    `SELECT * FROM jsonb_to_record(NULL) AS x(a int)`,
  ]);
});

test('json[b]_populate_record[set] over NULL::table fill the table\'s columns as PostgreSQL', async () => {
  await checkAll('json_populate_recordset', [
    [`INSERT INTO jr_items SELECT * FROM json_populate_recordset(NULL::jr_items, $1) RETURNING id, title, tags, embedding, meta`,
      [JSON.stringify([{ id: 10, title: 'ten', embedding: [0, 1, 0], bogus: 1 }, { id: 11, tags: ['t'], meta: [1] }])]],
    `SELECT * FROM jsonb_populate_recordset(null::jr_items, '[{"id":3,"title":"c","bogus":1}]')`,
    `SELECT * FROM jsonb_populate_record(null::jr_items, '{"id":4}')`,
    `SELECT * FROM json_populate_record(NULL::public.jr_items, '{"id":5,"title":"e"}') AS u`,
    `SELECT title FROM jsonb_populate_recordset(null::jr_items, '[{"id":3,"title":"c"},{"id":4}]') u WHERE u.id = 3`,
    `SELECT * FROM jsonb_populate_recordset(null::jr_items, '[{"id":9,"tags":["p","q"]}]') WITH ORDINALITY AS r(a, b)`,
    `SELECT * FROM json_populate_recordset(null::jr_items, NULL)`,
    `SELECT * FROM json_populate_record(null::jr_items, NULL)`,
    `SELECT * FROM json_populate_recordset(null::int, '[{"a":1}]')`,
    `SELECT * FROM json_populate_recordset(null::nosuch, '[{"a":1}]')`,
    `SELECT * FROM json_populate_recordset(null::jr_items, '[1]')`,
    `SELECT * FROM json_populate_recordset(null::jr_items, '{"id":1}')`,
    `SELECT * FROM json_populate_record(null::jr_items, '[1]')`,
    `SELECT * FROM jsonb_populate_recordset(null::jr_items, '[{"id":1}]') AS x(a int)`,
  ]);
});
