/**
 * Differential: a statement vecgres does not have fails with 0A000 naming it by the command
 * tag PostgreSQL gives it (the CommandComplete text PostgreSQL sends after running it), never by
 * the parser's node name (`statement CreateTrig is not supported` named nothing a user wrote).
 * Each statement is run on PostgreSQL first, after the setup it needs, so the expected name is
 * PostgreSQL's own.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import { Vecgres } from '../../src/index.js';
import { startPglite } from '../support/pglite_start.js';

const pg = await startPglite({ extensions: {} });
const db = await Vecgres.create();
after(async () => {
  await db.close();
  await pg.close();
});

/** What PostgreSQL needs for the statements below to succeed (vecgres gets only the table). */
const PG_SETUP = [
  'CREATE TABLE ut (a int, b int)',
  'CREATE INDEX ut_a ON ut (a)',
  'CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$',
  'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$SELECT 1$$',
  'CREATE PROCEDURE p() LANGUAGE sql AS $$SELECT 1$$',
  'CREATE ROLE r',
  "CREATE TYPE mood AS ENUM ('a')",
  'CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x',
  'CREATE DOMAIN posint AS int',
];

/** Statements PostgreSQL 18 runs and vecgres refuses, in an order PostgreSQL accepts. */
const STATEMENTS = [
  'CREATE TYPE comp AS (a int, b text)',
  'CREATE TYPE floatrange2 AS RANGE (subtype = float8)',
  'CREATE DOMAIN posint2 AS int CHECK (VALUE > 0)',
  'ALTER DOMAIN posint SET NOT NULL',
  'DROP DOMAIN posint',
  'CREATE TRIGGER t BEFORE INSERT ON ut FOR EACH ROW EXECUTE FUNCTION trg()',
  'CREATE FUNCTION f2() RETURNS int LANGUAGE sql AS $$SELECT 2$$',
  'CREATE PROCEDURE p2() LANGUAGE sql AS $$SELECT 2$$',
  'ALTER FUNCTION f() OWNER TO r',
  'CALL p()',
  'DROP FUNCTION f2',
  'DROP PROCEDURE p2',
  'CREATE AGGREGATE myagg (int) (sfunc = int4pl, stype = int)',
  'CREATE OPERATOR === (leftarg = int, rightarg = int, function = int4eq)',
  'CREATE ROLE r2',
  'ALTER ROLE r2 RENAME TO r3',
  'DROP ROLE r3',
  'GRANT SELECT ON ut TO r',
  'REVOKE SELECT ON ut FROM r',
  'ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO r',
  'CREATE POLICY pol ON ut USING (true)',
  'CREATE STATISTICS st ON a, b FROM ut',
  'REFRESH MATERIALIZED VIEW mv',
  'CLUSTER ut USING ut_a',
  'SET CONSTRAINTS ALL DEFERRED',
  'REASSIGN OWNED BY r TO postgres',
  'DROP OWNED BY r',
  'CREATE RULE ru AS ON INSERT TO ut DO INSTEAD NOTHING',
];

/** The CommandComplete text PostgreSQL sends for `sql`; fails the test on an ErrorResponse. */
async function pgCommandTag(sql: string): Promise<string> {
  const stream = await pg.execProtocolRaw(serialize.query(sql));
  const messages: { name: string; text?: string; message?: string }[] = [];
  new Parser().parse(Buffer.from(stream), (m: any) => messages.push(m));
  const error = messages.find((m) => m.name === 'error');
  assert.equal(error, undefined, `PostgreSQL refused ${sql}: ${error?.message}`);
  const done = messages.find((m) => m.name === 'commandComplete');
  assert.ok(done?.text !== undefined, `no CommandComplete for ${sql}`);
  return done.text;
}

test('unsupported statements fail with 0A000 named by PostgreSQL command tag', async () => {
  for (const s of PG_SETUP) await pg.exec(s);
  await db.query('CREATE TABLE ut (a int, b int)');
  await db.query('CREATE INDEX ut_a ON ut (a)');
  for (const sql of STATEMENTS) {
    const tag = await pgCommandTag(sql);
    const err = await db.query(sql).then(
      () => null,
      (e: { code?: string; message?: string }) => e,
    );
    assert.ok(err !== null, `vecgres ran ${sql}; this test lists statements it refuses`);
    assert.equal(err.code, '0A000', `${sql}: ${err.message}`);
    // CREATE TYPE's forms (ENUM, composite, RANGE) and ALTER TYPE's may say more after the tag.
    assert.ok(err.message!.startsWith(tag) && err.message!.endsWith(' is not supported'), `${sql}: "${err.message}" does not name "${tag}"`);
    assert.doesNotMatch(err.message!, /Stmt|\b[A-Z][a-z]+[A-Z][A-Za-z]*\b/, `${sql}: a parse node name in "${err.message}"`);
  }
  // Nothing was created on the vecgres side: the table is as it was.
  const r = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'ut%'");
  assert.equal(r.rows[0]!.n, 2);
});
