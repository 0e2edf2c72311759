/**
 * DEFAULT expressions checked where PostgreSQL checks them (cookDefault): CREATE TABLE, ADD
 * COLUMN and SET DEFAULT refuse column references, subqueries, parameters, aggregates, window
 * functions, unknown functions, literals the type cannot read and results of another type,
 * and change nothing; a length coercion (`vector(3)`, `varchar(2)`, `numeric(2,1)`) is the
 * INSERT's, as there.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { same, both } = await openSqlPair();

test('CREATE TABLE: DEFAULT errors as PostgreSQL reports them, and no table', async () => {
  for (const sql of [
    `CREATE TABLE d1 (a int DEFAULT 'x'::text)`,
    `CREATE TABLE d1 (a int, b int DEFAULT a)`,
    `CREATE TABLE d1 (a int DEFAULT (SELECT 1))`,
    `CREATE TABLE d1 (a int DEFAULT count(*))`,
    `CREATE TABLE d1 (a int DEFAULT row_number() OVER ())`,
    `CREATE TABLE d1 (a int DEFAULT 'abc')`,
    `CREATE TABLE d1 (a int DEFAULT 1, b text DEFAULT 5, c int DEFAULT 'q')`,
    `CREATE TABLE d1 (a int DEFAULT nosuchfn())`,
    `CREATE TABLE d1 (a int DEFAULT $1)`,
    `SELECT count(*) FROM pg_class WHERE relname = 'd1'`,
  ]) await same(sql);
});

test('CREATE TABLE: a length coercion of a DEFAULT fails the INSERT that uses it', async () => {
  await same(`CREATE TABLE d2 (id int, v vector(3) DEFAULT '[1,2]', s varchar(2) DEFAULT 'abc', n numeric(2,1) DEFAULT 123)`);
  await same(`INSERT INTO d2 (id, s, n) VALUES (1, 'ok', 1)`);
  await same(`INSERT INTO d2 (id, v, n) VALUES (2, '[1,2,3]', 1)`);
  await same(`INSERT INTO d2 (id, v, s) VALUES (3, '[1,2,3]', 'ok')`);
  await same(`INSERT INTO d2 (id, v, s, n) VALUES (4, '[1,2,3]', 'ok', 1.25) RETURNING *`);
});

test('ALTER TABLE: SET DEFAULT and ADD COLUMN ... DEFAULT errors, without positions', async () => {
  await both(`CREATE TABLE d3 (a int)`);
  for (const sql of [
    `ALTER TABLE d3 ALTER COLUMN a SET DEFAULT a`,
    `ALTER TABLE d3 ALTER COLUMN a SET DEFAULT 'x'::text`,
    `ALTER TABLE d3 ALTER COLUMN a SET DEFAULT (SELECT 1)`,
    `ALTER TABLE d3 ALTER COLUMN a SET DEFAULT 'abc'`,
    `ALTER TABLE d3 ADD COLUMN b int DEFAULT (SELECT 1)`,
    `ALTER TABLE d3 ADD COLUMN b int DEFAULT a`,
    `ALTER TABLE d3 ADD COLUMN b int DEFAULT sum(1)`,
    `SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'd3'`,
  ]) await same(sql);
});

test('DEFAULT casts of literals print as PostgreSQL prints the constant (information_schema, pg_get_expr)', async () => {
  await both(`CREATE TABLE shown (a text DEFAULT 'x'::text, b int DEFAULT '5'::int, c varchar(3) DEFAULT 'a'::varchar(3),
    d vector(2) DEFAULT '[1,2]'::vector(2), e numeric DEFAULT '1.5'::numeric, f text DEFAULT ('y')::text, g int DEFAULT (-1)::int,
    h jsonb DEFAULT '{"b":1,"a":2}'::jsonb, i boolean DEFAULT 'yes'::boolean, j text DEFAULT 'it''s'::text,
    k uuid DEFAULT '00000000-0000-0000-0000-000000000000'::uuid, l int DEFAULT 5::int, m halfvec(2) DEFAULT '[1,2]'::halfvec,
    n boolean DEFAULT true::boolean, o numeric DEFAULT 2.50::numeric, p jsonb NOT NULL DEFAULT '{}'::jsonb, q text[] DEFAULT '{}'::text[])`);
  await same(`SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'shown' ORDER BY ordinal_position`);
  await same(`SELECT adnum, pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'shown'::regclass ORDER BY adnum`);
});

test('DEFAULT number constants and casts print as ruleutils prints the analyzed expression', async () => {
  // A number is an int4, int8 or numeric constant by its size (make_const), printed bare or
  // quoted and labelled with that type, not the column's (`'-7'::integer` for a bigint column);
  // a cast names its type as format_type does (`(7)::bigint`, not `(7)::pg_catalog.int8`).
  await both(`CREATE TABLE nums (a bigint DEFAULT 7::bigint, b int DEFAULT -3, c numeric DEFAULT -1.5, e real DEFAULT 2.5::real,
    f smallint DEFAULT 1::smallint, h float8 DEFAULT 1e3, i bigint DEFAULT 3000000000, j numeric DEFAULT 99999999999999999999,
    k bigint DEFAULT -3000000000, l float8 DEFAULT 1.5::float8, m bigint DEFAULT -7, n numeric(5,2) DEFAULT 1.5, o int DEFAULT (-3),
    p float8 DEFAULT -2.5e1, q int DEFAULT 3::int, r numeric DEFAULT 5::numeric, s double precision DEFAULT (1 + 1)::float8,
    t varchar(5) DEFAULT 'ab'::varchar, u bigint DEFAULT (7)::int8, a2 int DEFAULT (1 + -2), b2 int DEFAULT abs(-5),
    c2 bigint DEFAULT 3000000000 + 1, d2 bigint DEFAULT (-7)::bigint, e2 int DEFAULT -(7), f2 numeric DEFAULT - 1e3,
    g2 numeric DEFAULT 1.50, h2 numeric DEFAULT 0.0, i2 numeric DEFAULT 1.5::numeric, j2 float8 DEFAULT 1e3::float8,
    k2 int[] DEFAULT ARRAY[1,-2], l2 bigint DEFAULT '5'::int8 + 1, m2 numeric DEFAULT -0.5, o2 float8 DEFAULT 2.5e-3,
    p2 numeric DEFAULT 1e-2, r2 bigint DEFAULT 9223372036854775807, s2 numeric DEFAULT 9223372036854775808, t2 int DEFAULT +3)`);
  await same(`SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'nums' ORDER BY ordinal_position`);
  await same(`SELECT adnum, pg_get_expr(adbin, adrelid), pg_get_expr(adbin, adrelid, true) FROM pg_attrdef WHERE adrelid = 'nums'::regclass ORDER BY adnum`);
});

test('CHECK constraints print their number constants as PostgreSQL (pg_get_constraintdef, information_schema)', async () => {
  await both(`CREATE TABLE checked (x numeric CHECK (x > 1e3), y int CHECK (y > -5), z bigint CHECK (z < 3000000000), w float8 CHECK (w <> -2.5), v int CHECK (v BETWEEN -1 AND 2))`);
  await same(`SELECT conname, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) FROM pg_constraint WHERE conrelid = 'checked'::regclass ORDER BY 1`);
  await same(`SELECT constraint_name, check_clause FROM information_schema.check_constraints WHERE constraint_name LIKE 'checked%' ORDER BY 1`);
});
