/**
 * Differential tests of CHECK, UNIQUE and FOREIGN KEY constraints against PostgreSQL 18
 * (PGlite): default and explicit names, the errors of each violation (SQLSTATE, message,
 * DETAIL), the rows left after ON DELETE / ON UPDATE CASCADE, SET NULL, SET DEFAULT, RESTRICT
 * and NO ACTION (self-references and chains included), ON CONFLICT on a UNIQUE constraint,
 * TRUNCATE and DROP TABLE of a referenced table, and the errors of malformed definitions.
 * Every statement's outcome is compared, and the tables after every statement.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { check, both } = await openSqlPair();

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
