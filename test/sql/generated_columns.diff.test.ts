/**
 * Stored generated columns (`GENERATED ALWAYS AS (expr) STORED`) against PGlite: the values
 * every write computes (INSERT, multi-row VALUES, INSERT ... SELECT, ON CONFLICT DO UPDATE,
 * UPDATE, COPY FROM, referential actions), constraints and indexes on them, vector expressions
 * (a halfvec copy of an embedding, its norm, its binary quantization), the errors of the
 * definition and of writes, ALTER TABLE's subcommands, the catalog, and a reopened data
 * directory. PostgreSQL 18's VIRTUAL generated columns are 0A000 in vecgres.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vecgres } from '../../src/index.js';
import { normalize, openSqlPair } from '../support/sql_pair.js';

const { db, oracle, same, both, ours } = await openSqlPair();

test('generated columns: computed by INSERT, UPDATE and ON CONFLICT, shown by RETURNING', async () => {
  await both(`CREATE TABLE items (id int PRIMARY KEY, price numeric(10,2), qty int, name text,
    total numeric GENERATED ALWAYS AS (price * qty) STORED,
    label text GENERATED ALWAYS AS (upper(name) || '#' || id) STORED,
    cheap boolean GENERATED ALWAYS AS (price < 10) STORED)`);
  await same(`INSERT INTO items (id, price, qty, name) VALUES (1, 9.5, 3, 'pen'), (2, 120, 1, 'desk'), (3, NULL, 2, NULL) RETURNING *`);
  await same(`INSERT INTO items VALUES (4, 2.25, 4, 'clip', DEFAULT, DEFAULT, DEFAULT) RETURNING total, label, cheap`);
  await same(`INSERT INTO items (id, price, qty, name) SELECT id + 10, price * 2, qty, name || 's' FROM items WHERE id <= 2 RETURNING *`);
  await same(`UPDATE items SET qty = qty + 1, name = 'x' || name WHERE id IN (1, 3) RETURNING *`);
  await same(`UPDATE items SET total = DEFAULT, price = 1 WHERE id = 2 RETURNING total, cheap`);
  await same(`INSERT INTO items (id, price, qty, name) VALUES (1, 5, 5, 'dup') ON CONFLICT (id) DO UPDATE SET qty = excluded.qty + items.qty, name = excluded.label RETURNING *`);
  await same(`INSERT INTO items (id, price, qty, name) VALUES (2, 5, 5, 'dup') ON CONFLICT (id) DO UPDATE SET price = excluded.total WHERE excluded.cheap RETURNING *`);
  await same(`SELECT * FROM items ORDER BY id`);
  await same(`SELECT id FROM items WHERE total > 20 AND label LIKE 'X%' ORDER BY id`);
});

test('generated columns: values other than DEFAULT are 428C9 and change nothing', async () => {
  await same(`INSERT INTO items VALUES (5, 1, 1, 'a', 7)`);
  await same(`INSERT INTO items (id, total) VALUES (5, DEFAULT), (6, 3)`);
  await same(`INSERT INTO items (id, label, qty) SELECT 7, 'l', 1`);
  await same(`INSERT INTO items (id, cheap) OVERRIDING SYSTEM VALUE VALUES (8, true)`);
  await same(`UPDATE items SET label = 'x'`);
  await same(`UPDATE items SET (qty, total) = (1, 2)`);
  await same(`UPDATE items SET (qty, total) = (SELECT 1, 2)`);
  await same(`INSERT INTO items (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET cheap = false`);
  await same(`SELECT * FROM items ORDER BY id`);
});

test('generated columns: an expression that fails on a row fails the statement', async () => {
  await both(`CREATE TABLE ratios (a int, b int, r int GENERATED ALWAYS AS (a / b) STORED, CHECK (r < 100), s int NOT NULL GENERATED ALWAYS AS (coalesce(a, 0) + 1) STORED)`);
  await same(`INSERT INTO ratios (a, b) VALUES (10, 2), (NULL, 3) RETURNING *`);
  await same(`INSERT INTO ratios (a, b) VALUES (1, 1), (1, 0)`);
  await same(`INSERT INTO ratios (a, b) VALUES (1000, 1)`);
  await same(`UPDATE ratios SET b = 0 WHERE a = 10`);
  await same(`UPDATE ratios SET a = 2147483647`);
  await same(`SELECT * FROM ratios ORDER BY a NULLS FIRST`);
});

test('generated columns over vectors: halfvec copies, norms, binary quantization, indexes on them', async () => {
  await both(`CREATE TABLE emb (id int PRIMARY KEY, embedding vector(3),
    half halfvec(3) GENERATED ALWAYS AS (embedding::halfvec(3)) STORED,
    norm float8 GENERATED ALWAYS AS (vector_norm(embedding)) STORED,
    bits bit(3) GENERATED ALWAYS AS (binary_quantize(embedding)::bit(3)) STORED,
    dims int GENERATED ALWAYS AS (vector_dims(embedding)) STORED)`);
  await same(`INSERT INTO emb (id, embedding) VALUES (1, '[1,2,3]'), (2, '[-1,0.5,2]'), (3, '[0.1,-0.2,0.3]'), (4, NULL), (5, '[3,3,-3]') RETURNING *`);
  await both(`CREATE INDEX emb_half_idx ON emb USING hnsw (half halfvec_l2_ops)`);
  await both(`CREATE INDEX emb_norm_idx ON emb (norm)`);
  await same(`UPDATE emb SET embedding = '[2,2,2]' WHERE id = 3 RETURNING half, norm, bits, dims`);
  await same(`SELECT id, half <-> '[1,1,1]' AS d FROM emb ORDER BY half <-> '[1,1,1]', id`);
  await same(`SELECT id FROM emb WHERE norm > 2 ORDER BY norm`);
  await same(`SELECT id, bits <~> '101' AS hamming FROM emb WHERE bits IS NOT NULL ORDER BY id`);
  await same(`INSERT INTO emb (id, embedding) VALUES (6, '[1,2]')`);
  await same(`SELECT count(*) FROM emb`);
});

test('generated columns: referential actions compute them again', async () => {
  await both(`CREATE TABLE owners (id int PRIMARY KEY, name text)`);
  await both(`CREATE TABLE pets (id int PRIMARY KEY, owner int REFERENCES owners ON DELETE SET NULL ON UPDATE CASCADE,
    orphan boolean GENERATED ALWAYS AS (owner IS NULL) STORED, tag text GENERATED ALWAYS AS ('o' || owner) STORED)`);
  await same(`INSERT INTO owners VALUES (1, 'ann'), (2, 'bob')`);
  await same(`INSERT INTO pets (id, owner) VALUES (10, 1), (11, 2), (12, NULL) RETURNING *`);
  await same(`UPDATE owners SET id = 20 WHERE id = 2`);
  await same(`DELETE FROM owners WHERE id = 1`);
  await same(`SELECT * FROM pets ORDER BY id`);
  await same(`CREATE TABLE bad_fk (a int, g int GENERATED ALWAYS AS (a) STORED REFERENCES owners ON DELETE SET NULL)`);
  await same(`CREATE TABLE bad_fk (a int, g int GENERATED ALWAYS AS (a) STORED REFERENCES owners ON UPDATE CASCADE)`);
  await same(`CREATE TABLE ok_fk (a int, g int GENERATED ALWAYS AS (a) STORED REFERENCES owners ON DELETE CASCADE)`);
});

test('generated columns: definition errors as PostgreSQL reports them', async () => {
  for (const sql of [
    `CREATE TABLE e1 (a int, b int GENERATED ALWAYS AS ((SELECT 1)) STORED)`,
    `CREATE TABLE e1 (a int, b int GENERATED ALWAYS AS (count(a)) STORED)`,
    `CREATE TABLE e1 (a int, b int GENERATED ALWAYS AS (row_number() OVER ()) STORED)`,
    `CREATE TABLE e1 (a int, b int GENERATED ALWAYS AS (xmin::text::int) STORED)`,
    `CREATE TABLE e1 (a int, b text GENERATED ALWAYS AS (e1::text) STORED)`,
    `CREATE TABLE e1 (a int, b int GENERATED ALWAYS AS ('x'::text) STORED)`,
    `CREATE TABLE e1 (a int GENERATED ALWAYS AS IDENTITY GENERATED ALWAYS AS (1) STORED)`,
    `CREATE TABLE e1 (a int, b int GENERATED ALWAYS AS (a) STORED GENERATED ALWAYS AS (a) STORED)`,
    `CREATE TABLE e1 (a int, b int GENERATED ALWAYS AS (b) STORED)`,
    `CREATE TABLE e1 (a int, b int GENERATED ALWAYS AS (a) STORED, c int GENERATED ALWAYS AS (b + 1) STORED)`,
    `CREATE TABLE e1 (a int, b int DEFAULT 1 GENERATED ALWAYS AS (a) STORED)`,
    `CREATE TABLE e1 (a int, b int GENERATED ALWAYS AS (a) STORED DEFAULT 1)`,
    `CREATE TABLE e1 (a int, b int GENERATED BY DEFAULT AS (a) STORED)`,
    `CREATE TABLE e1 (a int, b float8 GENERATED ALWAYS AS (random()) STORED)`,
    `CREATE TABLE e1 (a timestamptz, b date GENERATED ALWAYS AS (a::date) STORED)`,
    `CREATE TABLE e1 (a int, b int GENERATED ALWAYS AS ($1) STORED)`,
    `CREATE TABLE e1 (a int, b int GENERATED ALWAYS AS (zz) STORED)`,
    // A later column may be read.
    `CREATE TABLE e2 (b int GENERATED ALWAYS AS (a * 2) STORED, a int)`,
    `INSERT INTO e2 (a) VALUES (21) RETURNING *`,
  ]) await same(sql);
});

test('generated columns: COPY skips them, or refuses them when listed', async () => {
  await both(`CREATE TABLE cp (a int, b text, g text GENERATED ALWAYS AS (b || a) STORED)`);
  await same(`COPY cp (a, g) FROM STDIN`);
  await same(`COPY cp (g) TO STDOUT`);
  const load = async (run: (sql: string, opts: { blob: Blob }) => Promise<unknown>): Promise<void> => {
    await run(`COPY cp FROM '/dev/blob'`, { blob: new Blob(['1\tx\n2\t\\N\n']) });
    await run(`COPY cp (b, a) FROM '/dev/blob' WITH (FORMAT csv)`, { blob: new Blob(['y,3\n']) });
  };
  await load((sql, opts) => oracle.query(sql, [], opts));
  await load((sql, opts) => db.query(sql, [], opts));
  await same(`SELECT * FROM cp ORDER BY a`);
  const out = async (q: (sql: string) => Promise<{ blob?: Blob }>): Promise<string> => (await (await q(`COPY cp TO '/dev/blob'`)).blob!.text());
  assert.equal(await out((s) => db.query(s)), await out((s) => oracle.query(s)));
  assert.equal(await out((s) => db.query(s)), '1\tx\n2\t\\N\n3\ty\n');
});

test('generated columns: ALTER TABLE ADD COLUMN, SET / DROP EXPRESSION, TYPE, RENAME, DROP', async () => {
  await both(`CREATE TABLE al (id int PRIMARY KEY, a int, t text)`);
  await same(`INSERT INTO al VALUES (1, 10, 'x'), (2, NULL, 'y'), (3, 7, NULL)`);
  await same(`ALTER TABLE al ADD COLUMN g int GENERATED ALWAYS AS (a * 2) STORED`);
  await same(`ALTER TABLE al ADD COLUMN n int NOT NULL GENERATED ALWAYS AS (a + 1) STORED`);
  await same(`ALTER TABLE al ADD COLUMN c int GENERATED ALWAYS AS (a) STORED CHECK (c > 8)`);
  await same(`ALTER TABLE al ADD COLUMN z int GENERATED ALWAYS AS (a / 0) STORED`);
  await same(`ALTER TABLE al ADD COLUMN u text GENERATED ALWAYS AS (t || id) STORED`);
  await same(`SELECT * FROM al ORDER BY id`);
  await same(`ALTER TABLE al ALTER COLUMN g SET DEFAULT 1`);
  await same(`ALTER TABLE al ALTER COLUMN g DROP DEFAULT`);
  await same(`ALTER TABLE al ALTER COLUMN a SET EXPRESSION AS (1)`);
  await same(`ALTER TABLE al ALTER COLUMN g SET EXPRESSION AS (u)`);
  await same(`ALTER TABLE al ALTER COLUMN g SET EXPRESSION AS (xmin::text::int)`);
  await same(`ALTER TABLE al ADD COLUMN q int GENERATED ALWAYS AS (zz) STORED`);
  await same(`ALTER TABLE al ADD COLUMN q int GENERATED ALWAYS AS (al) STORED`);
  await same(`ALTER TABLE al ALTER COLUMN g SET EXPRESSION AS (coalesce(a, -1) * 3)`);
  await same(`SELECT * FROM al ORDER BY id`);
  await same(`ALTER TABLE al ALTER COLUMN a TYPE bigint`);
  await same(`ALTER TABLE al ALTER COLUMN g TYPE bigint USING g`);
  await same(`ALTER TABLE al ALTER COLUMN g TYPE numeric(6,1)`);
  await same(`INSERT INTO al (id, a, t) VALUES (4, 5, 'w') RETURNING *`);
  await same(`ALTER TABLE al RENAME COLUMN a TO aa`);
  await same(`INSERT INTO al (id, aa, t) VALUES (5, 6, 'v') RETURNING *`);
  await same(`ALTER TABLE al ALTER COLUMN aa DROP EXPRESSION`);
  await same(`ALTER TABLE al ALTER COLUMN aa DROP EXPRESSION IF EXISTS`);
  await same(`ALTER TABLE al ALTER COLUMN u DROP EXPRESSION`);
  await same(`INSERT INTO al (id, aa, t, u) VALUES (6, 1, 's', 'mine') RETURNING *`);
  await same(`ALTER TABLE al DROP COLUMN aa`);
  await same(`BEGIN`);
  await same(`ALTER TABLE al ADD COLUMN r text GENERATED ALWAYS AS (t || '!') STORED`);
  await same(`SELECT id, r FROM al ORDER BY id`);
  await same(`ROLLBACK`);
  await same(`ALTER TABLE al DROP COLUMN aa CASCADE`);
  await same(`SELECT * FROM al ORDER BY id`);
  await same(`INSERT INTO al (id, t) VALUES (7, 'after') RETURNING *`);
});

test('generated columns: pg_attribute, pg_attrdef and information_schema.columns', async () => {
  await both(`CREATE TABLE cat (a int, b int GENERATED ALWAYS AS (a * 2 + 1) STORED, c text DEFAULT 'd')`);
  // ::text: vecgres' catalog views give their "char" columns the type text (dataTypeID 25, not 18).
  await same(`SELECT attname, attgenerated::text, atthasdef FROM pg_attribute WHERE attrelid = 'cat'::regclass AND attnum > 0 ORDER BY attnum`);
  await same(`SELECT adnum, pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'cat'::regclass ORDER BY adnum`);
  await same(`SELECT column_name, column_default, is_generated, generation_expression FROM information_schema.columns WHERE table_name = 'cat' ORDER BY ordinal_position`);
});

test('generated columns: PostgreSQL 18 VIRTUAL ones are 0A000 in vecgres', async () => {
  for (const sql of [`CREATE TABLE v1 (a int, b int GENERATED ALWAYS AS (a) VIRTUAL)`, `CREATE TABLE v1 (a int, b int GENERATED ALWAYS AS (a))`]) {
    assert.deepEqual(await ours(sql), { ok: false, code: '0A000', message: 'virtual generated columns is not supported' });
  }
});

test('generated columns survive a reopen of the data directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-generated-'));
  try {
    let v = await Vecgres.create({ dataDir: dir });
    await v.exec(`CREATE TABLE keep (a int, g int GENERATED ALWAYS AS (a * 10) STORED); INSERT INTO keep (a) VALUES (1)`);
    await v.close();
    v = await Vecgres.create({ dataDir: dir });
    try {
      await v.query(`INSERT INTO keep (a) VALUES (2)`);
      assert.deepEqual(normalize((await v.query(`SELECT a, g FROM keep ORDER BY a`)).rows), [{ a: 1, g: 10 }, { a: 2, g: 20 }]);
      await assert.rejects(v.query(`INSERT INTO keep VALUES (3, 3)`), { code: '428C9' });
    } finally {
      await v.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
