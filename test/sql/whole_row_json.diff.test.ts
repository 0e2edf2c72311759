/**
 * Whole-row references as arguments of the json functions, against PostgreSQL + pgvector
 * (PGlite): `row_to_json(t)` (and `t.*`, the pretty form), `to_json(t)`, `to_jsonb(t)`,
 * `json_agg(t)` / `jsonb_agg(t)` (the usual way to return a query's rows as one JSON value:
 * `SELECT json_agg(t) FROM (SELECT ... ORDER BY embedding <=> $1 LIMIT 5) t`) and the build
 * functions; json compared as text (composite_to_json's spacing, json_agg's line breaks).
 * Rows of tables, subqueries and CTEs, correlated subqueries, duplicate column names, every
 * value type json prints specially, and the nullable side of outer joins (NULL for a
 * NULL-extended row, told apart by a NOT NULL column; 0A000 without one). A whole-row
 * reference anywhere else is still 0A000.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { checkAll, both, ours } = await openSqlPair();

await both(`CREATE TABLE wr (id int PRIMARY KEY, name text, ts timestamptz, d date, f float8, r real, n numeric(6,2), b boolean,
  j jsonb, js json, arr int[], tags text[], e vector(3), "Mixed Key" text)`);
await both(`INSERT INTO wr VALUES
  (1, 'a"b', '2026-01-01 10:00:00+00', '2026-02-03', 1.5, 0.1, 12.5, true, '{"x": [1, 2]}', '{"y" : 1}', '{1,2}', '{a,"b c"}', '[1,2,3]', 'm'),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, 'ünï', '2026-06-01 00:00:00+02', '2020-01-01', 1e20, -2.5, -0.01, false, '[]', '"s"', '{}', '{}', '[0,0,1]', '')`);
await both(`CREATE TABLE wr_child (id int NOT NULL, parent int, note text)`);
await both(`INSERT INTO wr_child VALUES (10, 1, 'p'), (11, 1, NULL), (12, 9, 'q')`);
await both(`CREATE TABLE wr_loose (x int, y int)`);
await both(`INSERT INTO wr_loose VALUES (1, NULL), (NULL, NULL)`);

test('whole-row references in the json functions give PostgreSQL\'s JSON', async () => {
  await checkAll('whole-row json', [
    `SELECT row_to_json(wr)::text FROM wr ORDER BY id`,
    `SELECT row_to_json(wr, true)::text, row_to_json(wr, false)::text, row_to_json(wr, NULL)::text FROM wr ORDER BY id`,
    `SELECT row_to_json(w.*)::text FROM wr w ORDER BY id`,
    `SELECT to_json(w)::text, to_jsonb(w) FROM wr w ORDER BY id`,
    `SELECT json_agg(w ORDER BY id)::text, jsonb_agg(w ORDER BY id DESC) FROM wr w`,
    `SELECT json_agg(w.* ORDER BY id)::text FROM wr w WHERE id > 1`,
    `SELECT json_agg(t)::text FROM (SELECT id, name FROM wr ORDER BY id) t`,
    `SELECT json_agg(t)::text FROM (SELECT id, e <-> '[1,2,3]' AS dist FROM wr ORDER BY e <-> '[1,2,3]' LIMIT 2) t`,
    `SELECT coalesce(json_agg(t), '[]')::text FROM (SELECT id FROM wr WHERE false) t`,
    `WITH c AS (SELECT id, tags FROM wr) SELECT jsonb_agg(c ORDER BY id) FROM c`,
    `SELECT w.id, (SELECT json_agg(ch ORDER BY ch.id)::text FROM wr_child ch WHERE ch.parent = w.id) FROM wr w ORDER BY 1`,
    `SELECT json_build_object('row', w, 'n', 1)::text, jsonb_build_object('row', w), json_build_array(w)::text, jsonb_build_array(w, 1) FROM wr w WHERE id = 1`,
    `SELECT row_to_json(t)::text, to_jsonb(t) FROM (SELECT 1 AS a, 2 AS a, NULL::text AS b) t`,
    `SELECT row_to_json(x)::text FROM (SELECT 1 AS "select", 'q' AS "A b") x`,
    `SELECT w.id, row_to_json(ch)::text, to_jsonb(ch) FROM wr w LEFT JOIN wr_child ch ON ch.parent = w.id ORDER BY 1, 2`,
    `SELECT ch.id, to_jsonb(w) ->> 'name' FROM wr w RIGHT JOIN wr_child ch ON ch.parent = w.id ORDER BY 1`,
    `SELECT w.id, ch.id, to_json(w)::text IS NULL, to_json(ch)::text FROM wr w FULL JOIN wr_child ch ON ch.parent = w.id ORDER BY 1, 2`,
    `SELECT w.id, json_agg(ch ORDER BY ch.id)::text FROM wr w LEFT JOIN wr_child ch ON ch.parent = w.id GROUP BY w.id ORDER BY 1`,
    `SELECT row_to_json(1)`,
    `SELECT row_to_json(wr, 1) FROM wr`,
    `SELECT row_to_json(nosuch) FROM wr`,
  ]);
});

test('a whole-row reference elsewhere, or to a NULL-extended row without a NOT NULL column, is 0A000', async () => {
  for (const [sql, message] of [
    [`SELECT wr FROM wr`, 'whole-row references are not supported'],
    [`SELECT upper(wr::text) FROM wr`, 'whole-row references are not supported'],
    [`SELECT w.id, row_to_json(l) FROM wr w LEFT JOIN wr_loose l ON l.x = w.id`, 'whole-row references to the nullable side of an outer join without a NOT NULL column is not supported'],
  ] as const) {
    const r = await ours(sql);
    assert.deepEqual(r.ok ? r : { code: r.code, message: r.message }, { code: '0A000', message }, sql);
  }
});
