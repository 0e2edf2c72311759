/**
 * Differential SQL tests: every statement runs on vecgres and on PostgreSQL 18 + pgvector
 * (PGlite); rows, field names and type OIDs, or the error's SQLSTATE, message, position,
 * detail and hint must be identical.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { same, both } = await openSqlPair();

test('CREATE TABLE, INSERT with defaults, serials, RETURNING and constraint errors', async () => {
  await both('DROP TABLE IF EXISTS dt');
  await same('CREATE TABLE dt (id bigserial PRIMARY KEY, a int NOT NULL DEFAULT 5, b text, e vector(3), c double precision, d real, f boolean, g serial, h bigint)');
  await same('CREATE TABLE dt (a int)');
  await same("INSERT INTO dt (b, e, c, d, f, h) VALUES ('x', '[1,2,3]', 1.5, 2.5, true, 9007199254740993) RETURNING *");
  await same("INSERT INTO dt (b, e, d) VALUES ('y', '[0.1,-2,3e-3]', 0.1), ('z', NULL, 1e10) RETURNING id, a + 1 AS a1, e, d");
  await same("INSERT INTO dt (id, b) VALUES (1, 'dup')");
  await same('INSERT INTO dt (a) VALUES (NULL)');
  await same("INSERT INTO dt (e) VALUES ('[1,2]')");
  await same('INSERT INTO dt (zz) VALUES (1)');
  await same('INSERT INTO dt (a, a) VALUES (1, 2)');
  await same("INSERT INTO dt (a) VALUES ('abc')");
  await same('INSERT INTO dt (a, b) VALUES (1)');
  await same('INSERT INTO dt (a) VALUES (1, 2)');
  await same("INSERT INTO dt (b, a) VALUES ($1, $2) RETURNING a, b", ['p', 7]);
  await same("INSERT INTO dt (e) VALUES ($1) RETURNING e", ['[4,5,6]']);
  await same('SELECT count(*) FROM dt');
  await same('SELECT id, a, b, e, d, g FROM dt ORDER BY id');
});

test('SELECT: expressions, WHERE, ORDER BY, LIMIT/OFFSET and errors', async () => {
  await both('DROP TABLE IF EXISTS st');
  await both('CREATE TABLE st (id integer PRIMARY KEY, w text, n double precision, e vector(3))');
  await both(
    "INSERT INTO st VALUES (1, 'a', 1.5, '[1,2,3]'), (2, 'b', NULL, '[3,2,1]'), (3, 'c', -2, '[0,0,1]'), (4, NULL, 10, NULL), (5, 'e', 0.25, '[1,1,1]')",
  );
  await same('SELECT * FROM st ORDER BY id');
  await same('SELECT id, w FROM st WHERE n > 0 AND w IS NOT NULL ORDER BY n DESC');
  await same('SELECT id FROM st WHERE id IN (1, 3, 9) OR w = $1 ORDER BY id', ['e']);
  await same('SELECT id FROM st WHERE id NOT IN (1, 3) ORDER BY id');
  await same('SELECT id FROM st WHERE id BETWEEN 2 AND 4 ORDER BY id DESC');
  await same('SELECT id FROM st WHERE NOT (n < 1) ORDER BY id');
  await same('SELECT id, n FROM st ORDER BY n NULLS FIRST, id');
  await same('SELECT id, n * 2 AS twice, n + id, id / 2, id % 2, -id FROM st ORDER BY 1 LIMIT 3 OFFSET 1');
  await same('SELECT w || id AS label FROM st ORDER BY label LIMIT 2');
  await same("SELECT id, e <-> '[1,1,1]' AS d, e <=> '[1,1,1]' AS c, e <#> '[1,1,1]' AS ip, e <+> '[1,1,1]' AS l1 FROM st ORDER BY id");
  await same("SELECT l2_distance(e, '[0,0,0]'), inner_product(e, e), cosine_distance(e, '[1,0,0]'), l1_distance(e, '[1,1,1]'), vector_dims(e), vector_norm(e) FROM st ORDER BY id");
  await same("SELECT id FROM st ORDER BY e <-> '[1,1,1]' LIMIT 3");
  await same('SELECT id, e <=> $1 AS d FROM st ORDER BY e <=> $1 LIMIT 10', ['[1,2,3]']);
  await same('SELECT id FROM st ORDER BY e <-> (SELECT e FROM st WHERE id = 3) LIMIT 2');
  await same("SELECT id FROM st WHERE w <> 'a' ORDER BY e <+> '[1,2,3]' LIMIT 2");
  await same("SELECT e + e, e - '[1,1,1]', e * e FROM st WHERE id = 1");
  await same('SELECT count(*) FROM st WHERE n IS NULL');
  await same('SELECT 1 + 1 AS two, 7 / 2, true, NULL::int, 9999999999 AS big, 1.5::real, 2::float8 / 3');
  await same("SELECT '[1,2,3]'::vector, '[1,2,3]'::vector(3), vector_dims('[1,2]')");
  await same("SELECT vector_dims('[1,2]'::vector), vector_norm('[3,4]')");
  // Errors.
  await same('SELECT * FROM nosuch');
  await same('SELECT nosuch FROM st');
  await same('SELECT st.nosuch FROM st');
  await same("SELECT '[1,2'::vector");
  await same("SELECT '[1,2]'::vector(3)");
  await same("SELECT id FROM st WHERE w = 1");
  await same('SELECT e + 1 FROM st');
  await same("SELECT e <-> '[1,2]' FROM st");
  await same("SELECT id FROM st ORDER BY e <-> '[1,2]' LIMIT 1");
  await same('SELECT 1 / 0');
  await same("SELECT 1 WHERE 'a' = 1");
  await same('SELECT id FROM st WHERE n');
  await same('SELECT nosuchfn(1)');
  await same('SELECT id, count(*) FROM st');
  await same('SELECT (SELECT id FROM st)');
  await same('SELECT id FROM st ORDER BY 5');
  await same('selec 1');
  await same('SELECT 1 FROM');
  await same("SELECT 'abc");
  await same('SELECT 2147483647 + 1');
});

test('parameters: 42P18 when nothing determines a parameter type, as PostgreSQL checks at parse', async () => {
  await both('DROP TABLE IF EXISTS pt');
  await both('CREATE TABLE pt (id integer, e vector(2), w text)');
  await same('INSERT INTO pt VALUES ($1, $2, $3)', [1, '[1,2]', 'x']);
  // Unreferenced below a higher-numbered parameter, or referenced only where nothing types it.
  await same('SELECT $2::int', [1, 2]);
  await same('SELECT $3::int', [1, 2, 3]);
  await same('SELECT 1 WHERE $1 IS NULL', [null]);
  await same('SELECT $1 IS NULL', [null]);
  await same('SELECT count($1)', ['q']);
  await same('UPDATE pt SET w = $2 WHERE id = 1', [1, 'y']);
  await same('DELETE FROM pt WHERE id = $2', [1, 2]);
  await same('SELECT id FROM pt ORDER BY e <-> $2 LIMIT 1', [null, '[1,1]']);
  // Typed by a cast, an operator, a column, LIMIT, or resolved to text in the select list.
  await same('SELECT $1::text IS NULL', [null]);
  await same('SELECT $1, $1', ['a']);
  await same('SELECT $1 + 1', [2]);
  await same('SELECT coalesce($1, 5)', [null]);
  await same('SELECT $1 = $2', ['a', 'b']);
  await same('SELECT $1 IN (1, 2)', [1]);
  await same('SELECT id FROM pt ORDER BY e <-> $1 LIMIT $2', ['[1,1]', 1]);
  await same('SELECT id FROM pt WHERE w = $1 OR $2', ['x', false]);
  await same('UPDATE pt SET w = $2 WHERE id = $1', [1, 'y']);
  await same('DELETE FROM pt WHERE $1', [false]);
  // abs of an untyped parameter or literal is abs(double precision).
  await same('SELECT abs($1), abs($1)::real, abs($2) + 1', [-4, '-2.5']);
  await same("SELECT abs('-3'), abs('1.5'), abs('x')");
});

test('CREATE INDEX / DROP INDEX / DROP TABLE', async () => {
  await both('DROP TABLE IF EXISTS it');
  await both("CREATE TABLE it (id int, e vector(3), u vector, n int); INSERT INTO it VALUES (1, '[1,2,3]', '[1]', 1)");
  await same('CREATE INDEX ON it USING hnsw (e vector_l2_ops) WITH (m = 1)');
  await same('CREATE INDEX ON it USING hnsw (e vector_l2_ops) WITH (foo = 1)');
  await same('CREATE INDEX ON it USING hnsw (e vector_l2_ops) WITH (ef_construction = 1001)');
  await same('CREATE INDEX ON it USING hnsw (e nosuch_ops)');
  await same('CREATE INDEX ON it USING nosuch (e)');
  await same('CREATE INDEX ON it USING hnsw (n)');
  await same('CREATE INDEX ON it USING hnsw (zz vector_l2_ops)');
  await same('CREATE INDEX ON nosuch USING hnsw (e vector_l2_ops)');
  await same('CREATE INDEX ON it USING hnsw (e vector_cosine_ops)');
  await same('CREATE INDEX ON it USING hnsw (e vector_l2_ops) WITH (m = 8, ef_construction = 32)');
  await same('CREATE INDEX it_e_idx ON it USING hnsw (e vector_ip_ops)');
  await same('CREATE INDEX IF NOT EXISTS it_e_idx ON it USING hnsw (e vector_ip_ops)');
  await same("SELECT indexname::text, indexdef FROM pg_indexes WHERE tablename = 'it' ORDER BY indexname");
  await same('DROP INDEX it_e_idx1');
  await same('DROP INDEX it_e_idx1');
  await same('DROP INDEX IF EXISTS it_e_idx1');
  await same('DROP TABLE it');
  await same('DROP TABLE it');
  await same('DROP TABLE IF EXISTS it');
  await same("SELECT id FROM it");
});
