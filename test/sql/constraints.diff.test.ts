/**
 * Differential tests of CHECK, UNIQUE and FOREIGN KEY constraints against PostgreSQL 18
 * (PGlite): default and explicit names, the errors of each violation (SQLSTATE, message,
 * DETAIL), the rows left after ON DELETE / ON UPDATE CASCADE, SET NULL, SET DEFAULT, RESTRICT
 * and NO ACTION (self-references and chains included), ON CONFLICT on a UNIQUE constraint,
 * TRUNCATE and DROP TABLE of a referenced table, and the errors of malformed definitions.
 * Every statement's outcome is compared, and the tables after every statement.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { check, both, ours } = await openSqlPair();

/** Runs each statement on both sides, then compares each of `tables` in full. */
async function run(label: string, qs: readonly string[], tables: readonly string[]): Promise<void> {
  const mismatches: string[] = [];
  let total = 0;
  for (const q of qs) {
    await check(q, mismatches);
    total++;
    for (const t of tables) {
      await check(`SELECT * FROM ${t} ORDER BY 1, 2`, mismatches);
      total++;
    }
  }
  reportMismatches(label, mismatches, total, SEED);
}

test('CHECK constraints: default names, name order, NULL passes, DETAIL', async () => {
  await run('CHECK', [
    `CREATE TABLE ck (id int PRIMARY KEY, x int CHECK (x > 0), y int, CHECK (x < y), CHECK (x + y < 100), CONSTRAINT named CHECK (y <> 7), z text CHECK (length(z) < 4))`,
    `INSERT INTO ck VALUES (1, -1, 5)`,
    `INSERT INTO ck VALUES (1, 5, 2)`,
    `INSERT INTO ck VALUES (1, 1, 7)`,
    `INSERT INTO ck VALUES (1, 60, 70)`,
    `INSERT INTO ck VALUES (1, 1, 8, 'abcd')`,
    `INSERT INTO ck VALUES (1, NULL, NULL, NULL), (2, 1, 2, 'ab')`,
    `UPDATE ck SET x = 0 WHERE id = 2`,
    `UPDATE ck SET x = x + 1 WHERE id = 2`,
    `UPDATE ck SET y = 7 WHERE id = 1`,
    `INSERT INTO ck VALUES (2, -5, 0) ON CONFLICT (id) DO NOTHING`,
    `INSERT INTO ck VALUES (2, 1, 3) ON CONFLICT (id) DO UPDATE SET x = -1`,
    `INSERT INTO ck VALUES (3, 1, 3) ON CONFLICT (id) DO UPDATE SET x = -1`,
    `CREATE TABLE ck2 (a int, CONSTRAINT c1 CHECK (a > 0), CONSTRAINT c1 CHECK (a < 9))`,
    `CREATE TABLE ck2 (a int CHECK (a > (SELECT 1)))`,
    `CREATE TABLE ck2 (a int CHECK (sum(a) > 1))`,
    `CREATE TABLE ck2 (a int CHECK (a + 1))`,
    `CREATE TABLE ck2 (a int CHECK (nosuch > 1))`,
  ], ['ck']);
});

test('UNIQUE constraints: backing index, violations, NULLs, ON CONFLICT arbiters', async () => {
  await run('UNIQUE', [
    `CREATE TABLE uq (id int PRIMARY KEY, code int UNIQUE, a text, b int, UNIQUE (a, b), CONSTRAINT uq_named UNIQUE (b))`,
    `SELECT indexname::text FROM pg_indexes WHERE tablename = 'uq' ORDER BY 1`,
    `INSERT INTO uq VALUES (1, 10, 'x', 1), (2, 20, 'x', 2)`,
    `INSERT INTO uq VALUES (3, 10, 'y', 3)`,
    `INSERT INTO uq VALUES (3, 30, 'x', 1)`,
    `INSERT INTO uq VALUES (3, NULL, NULL, NULL), (4, NULL, NULL, NULL)`,
    `UPDATE uq SET code = 20 WHERE id = 1`,
    `UPDATE uq SET code = code + 5`,
    `INSERT INTO uq VALUES (9, 15, 'z', 9) ON CONFLICT (code) DO UPDATE SET a = 'conflict'`,
    `INSERT INTO uq VALUES (9, 15, 'z', 9) ON CONFLICT ON CONSTRAINT uq_code_key DO NOTHING`,
    `INSERT INTO uq VALUES (9, 99, 'z', 9) ON CONFLICT ON CONSTRAINT uq_named DO UPDATE SET a = excluded.a`,
    `DROP INDEX uq_code_key`,
    `CREATE TABLE uq2 (id int, UNIQUE (nosuch))`,
    `CREATE TABLE uq_code_key (a int)`,
  ], ['uq']);
});

test('FOREIGN KEY: checks on the referencing side, actions on the referenced side', async () => {
  await run('FOREIGN KEY', [
    `CREATE TABLE documents (id int PRIMARY KEY, title text, code int UNIQUE)`,
    `CREATE TABLE chunks (id int PRIMARY KEY, doc_id int REFERENCES documents ON DELETE CASCADE, code int REFERENCES documents (code) ON UPDATE CASCADE ON DELETE SET NULL, body text)`,
    `CREATE TABLE notes (id int PRIMARY KEY, doc_id int DEFAULT 1, CONSTRAINT notes_doc FOREIGN KEY (doc_id) REFERENCES documents (id) ON DELETE SET DEFAULT)`,
    `CREATE TABLE pins (id int PRIMARY KEY, doc_id int REFERENCES documents)`,
    `INSERT INTO documents VALUES (1, 'one', 100), (2, 'two', 200), (3, 'three', 300), (4, 'four', 400)`,
    `INSERT INTO chunks VALUES (1, 5, NULL, 'x')`,
    `INSERT INTO chunks VALUES (1, 1, 100, 'a'), (2, 1, 200, 'b'), (3, 2, 200, 'c'), (4, NULL, 999, 'd')`,
    `INSERT INTO chunks VALUES (1, 1, 100, 'a'), (2, 1, 200, 'b'), (3, 2, 200, 'c'), (4, 3, NULL, 'd'), (5, NULL, NULL, 'e')`,
    `INSERT INTO notes VALUES (1, 2), (2, 3), (3, NULL)`,
    `INSERT INTO pins VALUES (1, 4)`,
    `UPDATE chunks SET doc_id = 7 WHERE id = 1`,
    `UPDATE chunks SET body = 'aa' WHERE id = 1`,
    `DELETE FROM documents WHERE id = 4`,
    `UPDATE documents SET id = 40 WHERE id = 4`,
    `UPDATE documents SET code = 201 WHERE id = 2`,
    `DELETE FROM documents WHERE id = 1`,
    `DELETE FROM documents WHERE id = 2`,
    `DELETE FROM documents WHERE id = 3 RETURNING *`,
    `INSERT INTO notes VALUES (4, 1)`,
    `UPDATE documents SET id = id WHERE id = 4`,
    `DELETE FROM pins`,
    `DELETE FROM documents`,
    `INSERT INTO documents VALUES (1, 'again', 100) ON CONFLICT DO NOTHING`,
    `INSERT INTO notes VALUES (5, 1)`,
    `INSERT INTO documents VALUES (2, 'two', 200), (3, 'three', 300)`,
    `INSERT INTO chunks VALUES (10, 2, 200, 'x'), (11, 3, 300, 'y')`,
    `INSERT INTO documents VALUES (2, 'dup', 200) ON CONFLICT (id) DO UPDATE SET code = 250 RETURNING *`,
    `INSERT INTO documents VALUES (3, 'dup', 300) ON CONFLICT (id) DO UPDATE SET id = 30`,
    `INSERT INTO chunks VALUES (10, 99, NULL, 'x') ON CONFLICT (id) DO UPDATE SET doc_id = excluded.doc_id`,
    `INSERT INTO chunks VALUES (10, 3, NULL, 'x') ON CONFLICT (id) DO UPDATE SET doc_id = excluded.doc_id RETURNING *`,
  ], ['documents', 'chunks', 'notes', 'pins']);
});

test('FOREIGN KEY: RESTRICT, composite keys, self-references and cascade chains', async () => {
  await run('FOREIGN KEY 2', [
    `CREATE TABLE pk2 (a int, b text, v int, PRIMARY KEY (a, b))`,
    `CREATE TABLE fk2 (id int, a int, b text, FOREIGN KEY (a, b) REFERENCES pk2 ON UPDATE CASCADE ON DELETE RESTRICT)`,
    `INSERT INTO pk2 VALUES (1, 'x', 0), (1, 'y', 0), (2, 'x', 0)`,
    `INSERT INTO fk2 VALUES (1, 1, 'x'), (2, 1, NULL), (3, 9, NULL)`,
    `INSERT INTO fk2 VALUES (4, 2, 'y')`,
    `DELETE FROM pk2 WHERE a = 1 AND b = 'x'`,
    `UPDATE pk2 SET a = 5 WHERE b = 'x'`,
    `DELETE FROM pk2 WHERE a = 1`,
    `CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree ON DELETE CASCADE, name text)`,
    `INSERT INTO tree VALUES (2, 1, 'child'), (1, NULL, 'root')`,
    `INSERT INTO tree VALUES (3, 2, 'grandchild'), (4, 1, 'c2'), (5, NULL, 'root2'), (6, 5, 'c3')`,
    `INSERT INTO tree VALUES (7, 70, 'orphan')`,
    `DELETE FROM tree WHERE id = 1`,
    `CREATE TABLE a1 (id int PRIMARY KEY)`,
    `CREATE TABLE a2 (id int PRIMARY KEY, a1 int REFERENCES a1 ON DELETE CASCADE)`,
    `CREATE TABLE a3 (id int PRIMARY KEY, a2 int REFERENCES a2 ON DELETE CASCADE)`,
    `CREATE TABLE a4 (id int PRIMARY KEY, a3 int REFERENCES a3)`,
    `INSERT INTO a1 VALUES (1), (2)`,
    `INSERT INTO a2 VALUES (10, 1), (20, 2)`,
    `INSERT INTO a3 VALUES (100, 10), (200, 20)`,
    `INSERT INTO a4 VALUES (1000, 200)`,
    `DELETE FROM a1 WHERE id = 1`,
    `DELETE FROM a1 WHERE id = 2`,
    `SELECT (SELECT count(*) FROM a2) AS a2, (SELECT count(*) FROM a3) AS a3`,
    `CREATE TABLE sn (id int PRIMARY KEY, d int NOT NULL REFERENCES a1 ON DELETE SET NULL)`,
    `INSERT INTO a1 VALUES (3)`,
    `INSERT INTO sn VALUES (1, 3)`,
    `DELETE FROM a1 WHERE id = 3`,
  ], ['pk2', 'fk2', 'tree']);
});

test('FOREIGN KEY definitions: errors, TRUNCATE and DROP TABLE of a referenced table', async () => {
  await both(`CREATE TABLE r (id int PRIMARY KEY, u text UNIQUE, n int)`);
  await run('FOREIGN KEY DDL', [
    `CREATE TABLE f (a int REFERENCES nosuch)`,
    `CREATE TABLE f (a int REFERENCES r (n))`,
    `CREATE TABLE f (a int REFERENCES r (id, n))`,
    `CREATE TABLE f (a int, b int, FOREIGN KEY (a, b) REFERENCES r (id, u))`,
    `CREATE TABLE f (a int, FOREIGN KEY (z) REFERENCES r)`,
    `CREATE TABLE f (a int REFERENCES r (nosuch))`,
    `CREATE TABLE f (a float8 REFERENCES r)`,
    `CREATE TABLE f (a text REFERENCES r)`,
    `CREATE TABLE f (a numeric REFERENCES r)`,
    `CREATE TABLE f (a bigint REFERENCES r, b varchar(5) REFERENCES r (u))`,
    `CREATE TABLE f2 (a int REFERENCES f)`,
    `INSERT INTO r VALUES (1, 'x', 0)`,
    `INSERT INTO f VALUES (1, 'x')`,
    `INSERT INTO f VALUES (1, 'y')`,
    `TRUNCATE r`,
    `TRUNCATE r, f`,
    `INSERT INTO r VALUES (1, 'x', 0)`,
    `INSERT INTO f VALUES (1, 'x')`,
    `TRUNCATE r CASCADE`,
    `SELECT count(*) FROM f`,
    `DROP TABLE r`,
    `DROP TABLE r CASCADE`,
    `INSERT INTO f VALUES (5, 'q')`,
    `SELECT count(*) FROM f`,
  ], []);
});

test('ALTER TABLE: columns, defaults, NOT NULL, constraints validated against existing rows, renames', async () => {
  await both(`CREATE EXTENSION IF NOT EXISTS vector`);
  await run('ALTER TABLE', [
    `CREATE TABLE at (a int, b int)`,
    `INSERT INTO at VALUES (NULL, 1), (2, 8)`,
    `ALTER TABLE at ADD CONSTRAINT c CHECK (a > 0), ADD CONSTRAINT c2 CHECK (b > 5)`,
    `INSERT INTO at VALUES (-1, 1)`,
    `ALTER TABLE at ADD CHECK (b > 5)`,
    `ALTER TABLE at ADD CHECK (b > 5) NOT VALID`,
    `INSERT INTO at VALUES (3, 3)`,
    `ALTER TABLE at ALTER a SET NOT NULL`,
    `ALTER TABLE at ALTER b SET NOT NULL`,
    `INSERT INTO at VALUES (3, NULL)`,
    `ALTER TABLE at ALTER b DROP NOT NULL`,
    `ALTER TABLE at DROP CONSTRAINT nope`,
    `ALTER TABLE at DROP CONSTRAINT IF EXISTS nope`,
    `ALTER TABLE at DROP CONSTRAINT at_b_check`,
    `ALTER TABLE nope ADD CHECK (a > 0)`,
    `ALTER TABLE IF EXISTS nope ADD CHECK (a > 0)`,
    `ALTER TABLE at RENAME COLUMN a TO b`,
    `ALTER TABLE at RENAME COLUMN z TO y`,
    `ALTER TABLE at RENAME TO at`,
    `ALTER TABLE at OWNER TO postgres`,
    `ALTER TABLE at OWNER TO CURRENT_USER`,
    `ALTER TABLE at OWNER TO bob`,
    `ALTER TABLE at ALTER COLUMN b SET DEFAULT 'x'`,
    `ALTER TABLE at ALTER COLUMN b SET DEFAULT 42`,
    `INSERT INTO at (a) VALUES (10)`,
    `ALTER TABLE at ALTER COLUMN b DROP DEFAULT`,
    `INSERT INTO at (a) VALUES (11)`,
    `ALTER TABLE at ALTER COLUMN zz SET DEFAULT 1`,
    `ALTER TABLE at ADD COLUMN c int DEFAULT 5 NOT NULL, ADD COLUMN d text`,
    `ALTER TABLE at ADD COLUMN c int`,
    `ALTER TABLE at ADD COLUMN IF NOT EXISTS c int`,
    `ALTER TABLE at ADD COLUMN n int NOT NULL`,
    `ALTER TABLE at ADD COLUMN e vector(3), ADD COLUMN f text DEFAULT 'f' CHECK (f <> 'f')`,
    `ALTER TABLE at ADD COLUMN e vector(3)`,
    `INSERT INTO at (a, b, e) VALUES (12, 2, '[1,2,3]')`,
    `ALTER TABLE at ADD CONSTRAINT cc CHECK (c > 1)`,
    `ALTER TABLE at DROP COLUMN nope`,
    `ALTER TABLE at DROP COLUMN IF EXISTS nope`,
    `ALTER TABLE at DROP COLUMN b`,
    `ALTER TABLE at RENAME COLUMN c TO cc`,
    `INSERT INTO at (a, cc) VALUES (20, 0)`,
    `ALTER TABLE at RENAME CONSTRAINT cc TO ck`,
    `ALTER TABLE at RENAME CONSTRAINT nope TO ck2`,
    `INSERT INTO at (a, cc) VALUES (21, 0)`,
    `ALTER TABLE at DROP CONSTRAINT ck`,
    `INSERT INTO at (a, cc) VALUES (22, 0)`,
    `ALTER TABLE at ADD UNIQUE (cc)`,
    `ALTER TABLE at ADD CONSTRAINT at_u UNIQUE (a)`,
    `INSERT INTO at (a) VALUES (22)`,
    `ALTER TABLE at RENAME TO at2`,
    `SELECT * FROM at2 ORDER BY a`,
    `INSERT INTO at2 (a) VALUES (22)`,
    `ALTER TABLE at2 DROP CONSTRAINT at_u`,
    `INSERT INTO at2 (a) VALUES (22)`,
    `SELECT * FROM at2 ORDER BY a, cc`,
  ], []);
});

test('ALTER TABLE ... ADD CONSTRAINT FOREIGN KEY and DROP of what it needs', async () => {
  await run('ALTER TABLE FOREIGN KEY', [
    `CREATE TABLE docs (id int PRIMARY KEY, code int UNIQUE)`,
    `CREATE TABLE parts (id int, doc int, code int)`,
    `INSERT INTO docs VALUES (1, 10), (2, 20)`,
    `INSERT INTO parts VALUES (1, 1, 10), (2, 3, 20)`,
    `ALTER TABLE parts ADD CONSTRAINT parts_doc FOREIGN KEY (doc) REFERENCES docs (id) ON DELETE CASCADE`,
    `DELETE FROM parts WHERE doc = 3`,
    `ALTER TABLE parts ADD CONSTRAINT parts_doc FOREIGN KEY (doc) REFERENCES docs (id) ON DELETE CASCADE`,
    `ALTER TABLE parts ADD FOREIGN KEY (code) REFERENCES docs (code)`,
    `ALTER TABLE parts ADD FOREIGN KEY (code) REFERENCES docs (id)`,
    `DELETE FROM docs WHERE id = 1`,
    `DELETE FROM docs WHERE id = 2`,
    `ALTER TABLE docs DROP CONSTRAINT docs_code_key`,
    `ALTER TABLE docs DROP CONSTRAINT docs_code_key CASCADE`,
    `ALTER TABLE docs DROP COLUMN code`,
    `ALTER TABLE parts DROP COLUMN doc`,
    `INSERT INTO parts VALUES (5, 99)`,
    `ALTER TABLE parts ADD CONSTRAINT p_self UNIQUE (id)`,
    `ALTER TABLE parts ADD COLUMN parent int REFERENCES parts (id)`,
    `INSERT INTO parts VALUES (6, 99, 5)`,
    `INSERT INTO parts VALUES (7, 99, 70)`,
    `SELECT * FROM parts ORDER BY id`,
    `INSERT INTO docs VALUES (7)`,
    `ALTER TABLE docs RENAME TO docs2`,
    `INSERT INTO docs2 VALUES (7)`,
    `INSERT INTO docs2 VALUES (8) ON CONFLICT ON CONSTRAINT docs_pkey DO NOTHING RETURNING id`,
  ], []);
});

test('the LangChain PGVectorStore schema: CREATE TABLE IF NOT EXISTS, then a foreign key ON DELETE CASCADE by ALTER TABLE', async () => {
  await run('LangChain', [
    `CREATE TABLE IF NOT EXISTS langchain_pg_collection (uuid uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY, name character varying, cmetadata jsonb)`,
    `CREATE TABLE IF NOT EXISTS langchain_pg_embedding (id uuid DEFAULT gen_random_uuid() PRIMARY KEY, content text, metadata jsonb, embedding vector, collection_id uuid)`,
    `CREATE TABLE IF NOT EXISTS langchain_pg_embedding (id uuid DEFAULT gen_random_uuid() PRIMARY KEY, content text, metadata jsonb, embedding vector, collection_id uuid)`,
    `ALTER TABLE langchain_pg_embedding ADD CONSTRAINT langchain_pg_embedding_collection_id_fkey FOREIGN KEY (collection_id) REFERENCES langchain_pg_collection(uuid) ON DELETE CASCADE`,
    `INSERT INTO langchain_pg_collection (uuid, name, cmetadata) VALUES ('11111111-1111-1111-1111-111111111111', 'c1', '{}'), ('22222222-2222-2222-2222-222222222222', 'c2', NULL)`,
    `INSERT INTO langchain_pg_embedding (id, content, metadata, embedding, collection_id) VALUES ('00000000-0000-0000-0000-000000000001', 'a', '{"k": 1}', '[1,2,3]', '11111111-1111-1111-1111-111111111111'), ('00000000-0000-0000-0000-000000000002', 'b', '{}', '[4,5,6]', '22222222-2222-2222-2222-222222222222')`,
    `INSERT INTO langchain_pg_embedding (content, collection_id) VALUES ('x', '33333333-3333-3333-3333-333333333333')`,
    `DELETE FROM langchain_pg_collection WHERE name = 'c1'`,
    `SELECT id, content, collection_id FROM langchain_pg_embedding ORDER BY id`,
  ], []);
});

test('identity columns: GENERATED ALWAYS / BY DEFAULT AS IDENTITY, OVERRIDING, 428C9', async () => {
  await run('identity', [
    `CREATE TABLE ia (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)`,
    `CREATE TABLE ib (id bigint GENERATED BY DEFAULT AS IDENTITY, v text)`,
    `CREATE TABLE ic (id text GENERATED ALWAYS AS IDENTITY)`,
    `CREATE TABLE ic (id int DEFAULT 1 GENERATED ALWAYS AS IDENTITY)`,
    `CREATE TABLE ic (id int GENERATED ALWAYS AS IDENTITY DEFAULT 1)`,
    `INSERT INTO ia (v) VALUES ('a') RETURNING *`,
    `INSERT INTO ia VALUES (5, 'b')`,
    `INSERT INTO ia VALUES (DEFAULT, 'b')`,
    `INSERT INTO ia (id, v) VALUES (7, 'c')`,
    `INSERT INTO ia OVERRIDING SYSTEM VALUE VALUES (7, 'c')`,
    `INSERT INTO ia OVERRIDING USER VALUE VALUES (70, 'd') RETURNING *`,
    `INSERT INTO ia (v) SELECT 'z'`,
    `INSERT INTO ia SELECT 9, 'q'`,
    `UPDATE ia SET id = 10`,
    `UPDATE ia SET v = 'u' WHERE id = 1`,
    `INSERT INTO ib VALUES (5, 'x')`,
    `INSERT INTO ib (v) VALUES ('y'), ('z') RETURNING id`,
    `UPDATE ib SET id = id + 100 WHERE v = 'y'`,
    `INSERT INTO ib (id) VALUES (NULL)`,
    `INSERT INTO ia VALUES (DEFAULT, 'x') ON CONFLICT (id) DO UPDATE SET id = 3`,
    `INSERT INTO ia OVERRIDING SYSTEM VALUE VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET v = 'conflict' RETURNING *`,
  ], ['ia', 'ib']);
});

test('CREATE TABLE AS SELECT and CREATE TABLE IF NOT EXISTS', async () => {
  await both(`CREATE TABLE src (id int PRIMARY KEY, name text, score float8, e vector(2))`);
  await both(`INSERT INTO src VALUES (1, 'a', 1.5, '[1,2]'), (2, 'b', NULL, NULL), (3, 'c', 3.25, '[3,4]')`);
  await run('CREATE TABLE AS', [
    `CREATE TABLE cta AS SELECT * FROM src WHERE id < 3`,
    `SELECT * FROM cta ORDER BY id`,
    `CREATE TABLE cta AS SELECT 1`,
    `CREATE TABLE IF NOT EXISTS cta AS SELECT 1`,
    `CREATE TABLE IF NOT EXISTS cta (x int)`,
    `CREATE TABLE ctb (x, y) AS SELECT id * 2, name || '!', 'lit', e <-> '[0,0]' AS dist FROM src ORDER BY id`,
    `SELECT * FROM ctb ORDER BY x`,
    `CREATE TABLE ctc (x, y, z) AS SELECT 1, 2`,
    `CREATE TABLE ctc AS SELECT 1 AS a, 2 AS a`,
    `CREATE TABLE ctd AS SELECT id, count(*) AS n FROM src GROUP BY id WITH NO DATA`,
    `SELECT * FROM ctd`,
    `INSERT INTO ctd VALUES (1, 5) RETURNING *`,
    `CREATE TABLE cte AS SELECT e FROM src WHERE e IS NOT NULL`,
    `SELECT e <-> '[0,0]' AS d FROM cte ORDER BY d`,
  ], []);
});

test('ALTER COLUMN ... TYPE: re-embedding a vector column to another dimension USING, casts, errors', async () => {
  await run('ALTER COLUMN TYPE', [
    `CREATE TABLE re (id int PRIMARY KEY, e vector(4), n int, s text)`,
    `INSERT INTO re VALUES (1, '[1,2,3,4]', 5, '7'), (2, '[4,3,2,1]', NULL, 'x'), (3, '[0,0,1,1]', 2, '9')`,
    `CREATE INDEX re_e ON re USING hnsw (e vector_l2_ops)`,
    `ALTER TABLE re ALTER COLUMN e TYPE vector(2)`,
    `ALTER TABLE re ALTER COLUMN e TYPE vector(2) USING subvector(e, 1, 2)::vector(2)`,
    `SELECT id, e FROM re ORDER BY e <-> '[0,0]' LIMIT 2`,
    `INSERT INTO re VALUES (4, '[1,2,3,4]')`,
    `INSERT INTO re VALUES (4, '[5,5]') RETURNING e`,
    `ALTER TABLE re ALTER COLUMN n TYPE bigint`,
    `ALTER TABLE re ALTER COLUMN n TYPE text`,
    `ALTER TABLE re ALTER COLUMN s TYPE int`,
    `ALTER TABLE re ALTER COLUMN s TYPE int USING s::int`,
    `ALTER TABLE re ALTER COLUMN s SET DATA TYPE int USING nullif(s, 'x')::int`,
    `SELECT s + 1 AS s1 FROM re ORDER BY id`,
    `ALTER TABLE re ALTER COLUMN nosuch TYPE int`,
  ], ['re']);
});

test('PRIMARY KEY of every keyable type: duplicates refused, lookups, UPDATE and DELETE by key, foreign keys', async () => {
  // Keys held as bigints (timestamps) or objects (interval, bit, vector, ...) were looked up
  // by a different form than they were stored in: `WHERE k = ...` found no row, a DELETE by
  // key skipped the foreign-key check, and object-valued keys accepted duplicates.
  const cases: [string, string, string][] = [
    ['timestamptz', `'2020-01-01 00:00+00'`, `'2020-01-01 01:00+01'`],
    ['timestamp', `'2020-01-01 00:00'`, `'2020-01-01 00:00:00.000'`],
    ['date', `'2020-01-01'`, `'2020-01-01'`],
    ['interval', `'1 day'`, `'24 hours'`],
    ['bit(3)', `B'101'`, `B'101'`],
    ['varbit', `B'101'`, `'101'`],
    ['vector(2)', `'[1,2]'`, `'[1.0,2.0]'`],
    ['halfvec(2)', `'[1,2]'`, `'[1,2]'`],
    ['sparsevec(3)', `'{1:1}/3'`, `'{1:1.0}/3'`],
    ['uuid', `'00000000-0000-0000-0000-000000000001'`, `'00000000000000000000000000000001'`],
    ['float8', `0`, `'-0'`],
    ['bigint', `9007199254740993`, `9007199254740993`],
    ['bigint', `5`, `5::int8`],
  ];
  for (const [type, a, same] of cases) {
    await run(`PRIMARY KEY ${type}`, [
      `CREATE TABLE pkt (k ${type} PRIMARY KEY, n int)`,
      `CREATE TABLE pkc (id int PRIMARY KEY, p ${type} REFERENCES pkt ON UPDATE CASCADE)`,
      `INSERT INTO pkt VALUES (${a}, 1)`,
      `INSERT INTO pkt VALUES (${same}, 2)`,
      `SELECT n FROM pkt WHERE k = ${same}`,
      `UPDATE pkt SET n = 3 WHERE k = ${a}`,
      `INSERT INTO pkc VALUES (1, ${same})`,
      `DELETE FROM pkt WHERE k = ${same}`,
      `INSERT INTO pkt VALUES (${a}, 4) ON CONFLICT (k) DO UPDATE SET n = 5`,
      `DELETE FROM pkc`,
      `DELETE FROM pkt WHERE k = ${a}`,
      `SELECT count(*) FROM pkt`,
      `DROP TABLE pkc, pkt`,
    ], []);
  }
});

test('constraint attributes vecgres does not have are 0A000 in SQL words; ENFORCED and NOT VALID are taken', async () => {
  await both('CREATE TABLE attr_ref (id int PRIMARY KEY); CREATE TABLE attr_nref (id numeric PRIMARY KEY)');
  const refused: [string, string][] = [
    // PostgreSQL compares through the implicit cast (integer to numeric); vecgres cannot yet.
    ['CREATE TABLE attr_t (a int REFERENCES attr_nref)', 'a foreign key from type integer to type numeric'],
    // A table constraint's NOT ENFORCED only shows as a missing is_enforced: it was enforced.
    ['CREATE TABLE attr_t (a int, CONSTRAINT c CHECK (a > 0) NOT ENFORCED)', 'NOT ENFORCED constraints'],
    ['CREATE TABLE attr_t (a int, FOREIGN KEY (a) REFERENCES attr_ref NOT ENFORCED)', 'NOT ENFORCED constraints'],
    ['ALTER TABLE attr_ref ADD CHECK (id > 0) NOT ENFORCED', 'NOT ENFORCED constraints'],
    ['CREATE TABLE attr_t (a int CHECK (a > 0) NOT ENFORCED)', 'NOT ENFORCED constraints'],
    ['ALTER TABLE attr_ref ADD COLUMN c int CHECK (c > 0) NOT ENFORCED', 'NOT ENFORCED constraints'],
    ['CREATE TABLE attr_t (a int UNIQUE DEFERRABLE)', 'DEFERRABLE constraints'],
    ['CREATE TABLE attr_t (a int REFERENCES attr_ref INITIALLY DEFERRED)', 'DEFERRABLE constraints'],
    ['CREATE TABLE attr_t (a int, CONSTRAINT nn NOT NULL a)', 'table constraint NOT NULL'],
    ['CREATE TABLE attr_t (a int, EXCLUDE (a WITH =))', 'table constraint EXCLUDE'],
  ];
  for (const [q, feature] of refused) assert.deepEqual(await ours(q), { ok: false, code: '0A000', message: `${feature} is not supported` }, q);
  const mismatches: string[] = [];
  const taken = [
    // transformConstraintAttrs: an attribute must follow a constraint that takes it (42601).
    'CREATE TABLE attr_x (a int CHECK (a > 0) DEFERRABLE)',
    'CREATE TABLE attr_x (a int NOT NULL INITIALLY DEFERRED)',
    'CREATE TABLE attr_x (a int DEFERRABLE)',
    'CREATE TABLE attr_x (a int UNIQUE NOT DEFERRABLE INITIALLY DEFERRED)',
    'CREATE TABLE attr_x (a int UNIQUE DEFERRABLE NOT DEFERRABLE)',
    'CREATE TABLE attr_x (a int UNIQUE INITIALLY DEFERRED INITIALLY IMMEDIATE)',
    'CREATE TABLE attr_x (a int UNIQUE ENFORCED)',
    'CREATE TABLE attr_x (a int CHECK (a > 0) ENFORCED NOT ENFORCED)',
    'ALTER TABLE attr_ref ADD COLUMN c int DEFAULT 1 NOT DEFERRABLE',
    'CREATE TABLE attr_x (a int UNIQUE NOT DEFERRABLE INITIALLY IMMEDIATE, b int PRIMARY KEY NOT DEFERRABLE)',
    'DROP TABLE attr_x',
    'CREATE TABLE attr_t (a int, b int CHECK (b > 0) ENFORCED, CONSTRAINT c CHECK (a > 0) ENFORCED, FOREIGN KEY (a) REFERENCES attr_ref ENFORCED)',
    'INSERT INTO attr_ref VALUES (1)',
    'INSERT INTO attr_t VALUES (1, 1)',
    'INSERT INTO attr_t VALUES (-1, 1)',
    'INSERT INTO attr_t VALUES (2, 1)',
    "SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'attr_t'::regclass ORDER BY 1",
  ];
  for (const q of taken) await check(q, mismatches);
  reportMismatches('constraint attributes', mismatches, taken.length, SEED);
});
