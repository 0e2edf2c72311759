/**
 * Equivalence classes (PostgreSQL's equivclass.c) as EXPLAIN shows them: `x = y AND x = 1`
 * filters both columns by the constant and drops `x = y`; two different constants in one
 * class give a `Result` with `One-Time Filter: false`; a column equated across three tables
 * joins any two of them, on the clause PostgreSQL picks. Plans against PGlite's `EXPLAIN
 * (COSTS OFF)`, rows against PGlite's, and the forms left as written (a column an outer join
 * may null-extend, NULL constants, different types) keep their rows too.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { both, checkAll } = await openSqlPair();

await both('CREATE TABLE items (id int PRIMARY KEY, cat int, title text, big bigint)');
await both("INSERT INTO items SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE i % 10 END, 't' || (i % 13), i % 4 FROM generate_series(1, 300) i");
await both("CREATE TABLE tags (id int, tag text); INSERT INTO tags SELECT i, 'g' || (i % 4) FROM generate_series(1, 200) i");
await both("CREATE TABLE notes (id int, body text); INSERT INTO notes SELECT i, 'n' || (i % 5) FROM generate_series(1, 150) i");
await both('ANALYZE items; ANALYZE tags; ANALYZE notes');

const all = (label: string, queries: readonly string[]): Promise<void> => checkAll(label, queries, undefined, SEED);

const SHAPES = [
  'SELECT * FROM items WHERE cat = 1 AND cat = 2 ORDER BY id',
  'SELECT * FROM items WHERE cat = 1 AND cat = 2 ORDER BY id LIMIT 3',
  'SELECT count(*) FROM items WHERE cat = 1 AND cat = 2',
  'SELECT * FROM items i JOIN tags t ON t.id = i.id WHERE i.cat = 1 AND i.cat = 2',
  'SELECT * FROM items i LEFT JOIN tags t ON t.id = i.id WHERE i.cat = 1 AND i.cat = 2',
  "SELECT * FROM items WHERE cat = 1 AND title = 't1' AND cat = 2",
  'SELECT * FROM items WHERE cat = 1 AND cat = 2 AND id = 3',
  "SELECT * FROM items WHERE title = 't1' AND title = 't1' ORDER BY id",
  'SELECT * FROM items WHERE cat = 1 AND 1 = cat ORDER BY id',
  'SELECT * FROM items WHERE 1 = cat ORDER BY id',
  'SELECT * FROM tags t, tags u WHERE t.id = u.id AND u.id = 3',
  "SELECT * FROM tags t JOIN notes n ON n.id = t.id WHERE t.id = 7 AND n.body <> 'x'",
  'SELECT * FROM tags t, tags u, tags v WHERE t.id = u.id AND u.id = v.id ORDER BY 1 LIMIT 5',
  'SELECT t.tag, n.body FROM tags t JOIN notes n ON n.id = t.id JOIN tags v ON v.id = n.id WHERE v.tag = \'g1\' ORDER BY t.id LIMIT 5',
  'SELECT * FROM tags t, notes n, tags v WHERE t.id = n.id AND n.id = v.id AND v.id = 9',
];

test('rows with equivalence-class rewrites equal PostgreSQL\'s', async () => {
  await all('rows', [
    ...SHAPES,
    // Left as written: nullable side, NULL constant, other types, volatile.
    "SELECT * FROM items i LEFT JOIN tags t ON t.id = i.id WHERE t.tag = 'g1' AND t.tag = 'g2'",
    'SELECT count(*) FROM items i LEFT JOIN tags t ON t.id = i.id WHERE t.id = i.cat AND t.id = 3',
    'SELECT * FROM items WHERE cat = 1 AND cat = NULL',
    'SELECT * FROM items WHERE big = 2 AND big = 3',
    "SELECT * FROM items WHERE title = 't1' AND cat = id AND id = 5 AND cat > 0",
    'SELECT * FROM items WHERE cat = 1 AND cat = 1.5',
    'SELECT * FROM items WHERE cat = big AND big = 2 ORDER BY id LIMIT 5',
    'SELECT * FROM items WHERE cat = id AND id = 5',
    'SELECT count(*) FROM items WHERE cat = 2 AND cat = 2 AND id = cat',
    'SELECT count(*) FROM tags t, notes n WHERE t.id = n.id AND n.id = t.id',
    'SELECT * FROM items i, tags t WHERE i.id = t.id AND t.id = i.cat AND i.cat = 4 ORDER BY 1',
  ]);
});

test('EXPLAIN: equivalence-class rewrites as PostgreSQL prints them', async () => {
  await all('plans', SHAPES.map((s) => `EXPLAIN (COSTS OFF) ${s}`));
});
