/**
 * uuid and smallint in SQL against PGlite: columns, literals in every uuid form, parameters,
 * comparisons, ORDER BY, uuid primary keys (LangChain's `id uuid DEFAULT gen_random_uuid()
 * PRIMARY KEY`), smallint arithmetic and overflow, casts and aggregates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';
import { Vecgres } from '../../src/index.js';

const { same, both, db } = await openSqlPair();

test('uuid columns, literals, parameters, comparisons and ordering', async () => {
  await both('CREATE TABLE ut (id uuid PRIMARY KEY, n int)');
  await same("INSERT INTO ut VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1), ('{B0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}', 2), ('00000000000000000000000000000000', 3)");
  await same("INSERT INTO ut VALUES ('a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a12', 4)");
  await same("INSERT INTO ut VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1', 5)");
  await same("INSERT INTO ut VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 6)");
  await same('INSERT INTO ut VALUES ($1, $2)', ['ffffffff-ffff-ffff-ffff-ffffffffffff', 7]);
  await same('INSERT INTO ut VALUES ($1, $2)', ['not a uuid', 8]);
  await same('SELECT * FROM ut ORDER BY id');
  await same('SELECT * FROM ut ORDER BY id DESC');
  await same("SELECT n FROM ut WHERE id = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'");
  await same("SELECT n FROM ut WHERE id > 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' ORDER BY n");
  await same('SELECT n FROM ut WHERE id = $1', ['b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']);
  await same("SELECT id::text, id || '!', 'x' || id FROM ut ORDER BY n");
  await same("SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::text::uuid, pg_column_size(id) FROM ut WHERE n = 1");
  await same('SELECT min(id) FROM ut');
  await same('SELECT id + 1 FROM ut');
  await same("UPDATE ut SET id = 'c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' WHERE n = 2");
  await same('SELECT * FROM ut ORDER BY id');
  await same('SELECT id, count(*) FROM ut GROUP BY id ORDER BY id');
});

test('gen_random_uuid: a version 4 uuid per row, reproducible from the database seed', async () => {
  await both('CREATE TABLE docs (id uuid DEFAULT gen_random_uuid() PRIMARY KEY, content text)');
  await same("INSERT INTO docs (content) VALUES ('a'), ('b'), ('c')");
  await same('SELECT count(*), count(id) FROM docs');
  const ours = (await db.query<{ id: string }>('SELECT id FROM docs')).rows.map((r) => r.id);
  for (const id of ours) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ours).size, 3);
  const run = async () => {
    const d = await Vecgres.create({ seed: 42 });
    try {
      return (await d.query<{ u: string }>('SELECT gen_random_uuid()::text AS u')).rows[0]!.u;
    } finally {
      await d.close();
    }
  };
  assert.equal(await run(), await run());
});

test('smallint columns, arithmetic, overflow, casts and aggregates', async () => {
  await both('CREATE TABLE st2 (id int, s smallint, t int2)');
  await same('INSERT INTO st2 VALUES (1, 1, 2), (2, -32768, 32767), (3, 100, -100), (4, NULL, 0)');
  await same('INSERT INTO st2 VALUES (5, 32768, 0)');
  await same("INSERT INTO st2 VALUES (6, '0x7FFF', '1_000')");
  await same('INSERT INTO st2 VALUES (7, 2.5, 3.5::float8)');
  await same('INSERT INTO st2 VALUES ($1, $2, $3)', [8, 12, '-7']);
  await same('INSERT INTO st2 VALUES ($1, $2, $3)', [9, 40000, 1]);
  await same('SELECT * FROM st2 ORDER BY id');
  await same('SELECT id, s + 1, s * 2::int2, -t, abs(t), s / 3::int2, s % 7::int2, s * 1.5, s + 1.5::float8 FROM st2 WHERE id IN (1, 3) ORDER BY id');
  await same('SELECT s + t FROM st2 WHERE id = 2');
  await same('SELECT s * t FROM st2 WHERE id = 2');
  await same('SELECT -s FROM st2 WHERE id = 2');
  await same('SELECT s / (-1)::int2 FROM st2 WHERE id = 2');
  await same('SELECT sum(s), avg(s), min(s), max(t), count(s) FROM st2');
  await same('SELECT id FROM st2 WHERE s < t ORDER BY id');
  await same('SELECT id FROM st2 WHERE s = 100 ORDER BY id');
  await same('SELECT 70000::smallint');
  await same("SELECT '32767'::int2, '-32768'::smallint, 1.5::smallint, (-2.5)::float8::int2, 2.5::numeric::int2");
  await same('SELECT s::int, s::bigint, s::numeric, s::real, s::text FROM st2 WHERE id = 2');
  await same("SELECT '0x1F'::int, '1_000'::bigint, '0b101'::int, ' 12 '::int");
  await same("SELECT '2147483648'::int");
});
