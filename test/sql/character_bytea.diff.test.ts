/**
 * varchar(n), char(n) and bytea in SQL against PGlite: columns with lengths (22001 on
 * assignment, silent cuts on explicit casts, char's padding), comparisons with text and
 * literals, string functions, aggregates, and bytea's literals, parameters, comparison and ||.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { same, both } = await openSqlPair();

test('varchar(n) and char(n) columns', async () => {
  await both('CREATE TABLE ct (id int PRIMARY KEY, v varchar(5), c char(4), vu varchar, cu character)');
  await same("INSERT INTO ct VALUES (1, 'abc', 'ab', 'free text', 'x'), (2, 'abcde', 'abcd', '', 'y'), (3, 'ab   ', 'a   ', NULL, NULL)");
  await same("INSERT INTO ct VALUES (4, 'abcdef', 'a', 'x', 'x')");
  await same("INSERT INTO ct VALUES (5, 'abcde     ', 'abcd    ', 'x', 'x')");
  await same("INSERT INTO ct VALUES (6, 'a', 'abcde', 'x', 'x')");
  await same("INSERT INTO ct VALUES (7, 'a', 'a', 'x', 'xy')");
  await same('INSERT INTO ct VALUES ($1, $2, $3, $4, $5)', [8, 'p', 'q', 'r', 's']);
  await same('INSERT INTO ct VALUES ($1, $2, $3, $4, $5)', [9, 'toolong', 'q', 'r', 's']);
  await same('INSERT INTO ct VALUES (10, 12345, 12.5, 1.5, 7)');
  await same('SELECT * FROM ct ORDER BY id');
  await same("SELECT id, c || '|', c::text || '|', v || '|', length(c), length(v), upper(c), lower(v) FROM ct ORDER BY id");
  await same("SELECT id FROM ct WHERE c = 'ab' ORDER BY id");
  await same("SELECT id FROM ct WHERE c = 'ab   ' ORDER BY id");
  await same("SELECT id FROM ct WHERE c = 'ab'::text ORDER BY id");
  await same("SELECT id FROM ct WHERE v = 'ab' ORDER BY id");
  await same("SELECT id FROM ct WHERE v = 'ab   ' ORDER BY id");
  await same("SELECT id FROM ct WHERE v > 'abc' ORDER BY id");
  await same('SELECT id FROM ct WHERE v = c ORDER BY id');
  await same('SELECT id, c FROM ct ORDER BY c, id');
  await same('SELECT id, v FROM ct ORDER BY v DESC, id');
  await same('SELECT min(v), max(v), min(c), max(c), count(c) FROM ct');
  await same("UPDATE ct SET v = v || 'xyz' WHERE id = 1");
  await same("UPDATE ct SET v = 'xy' || v WHERE id = 3");
  await same('SELECT id, v FROM ct ORDER BY id');
  await same("SELECT 'abcdef'::varchar(3), 'abcdef'::char(3), 'ab'::char(4) || '|', 12345::varchar(2), 'x'::character varying(4)");
  await same("SELECT 'abc'::varchar(0)");
  await same("SELECT 'abc'::char(10485761)");
  await same("SELECT 'é😀日'::varchar(2), length('é😀日'::char(5)), pg_column_size('abc'::char(5))");
});

test('bytea columns, literals, parameters and operators', async () => {
  await both('CREATE TABLE bt (id int, b bytea)');
  await same("INSERT INTO bt VALUES (1, '\\x4142'), (2, 'a\\\\b'), (3, '\\101\\377'), (4, ''), (5, NULL)");
  await same("INSERT INTO bt VALUES (6, '\\x414')");
  await same("INSERT INTO bt VALUES (7, '\\xzz')");
  await same("INSERT INTO bt VALUES (8, 'a\\9')");
  await same('INSERT INTO bt VALUES ($1, $2)', [9, new Uint8Array([0, 1, 255])]);
  await same('SELECT * FROM bt ORDER BY id');
  await same('SELECT id, b FROM bt ORDER BY b, id');
  await same("SELECT id FROM bt WHERE b = '\\x4142' ORDER BY id");
  await same("SELECT id FROM bt WHERE b > 'A' ORDER BY id");
  await same("SELECT id, b || '\\x00', length(b), octet_length(b), b::text, pg_column_size(b) FROM bt ORDER BY id");
  await same("SELECT '\\x41'::bytea < '\\x4100'::bytea, '\\x41'::bytea || '\\x42'::bytea, 'é'::bytea, 'abc'::text::bytea");
});
