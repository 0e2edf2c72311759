/**
 * The reg* types' names everywhere a value is read or printed, against PostgreSQL 18 +
 * pgvector (PGlite): regproc / regprocedure by function name (the built-in function table),
 * names given as parameters of the embedded API (untyped, cast, arrays), table columns of every
 * reg* type through INSERT, RETURNING and casts, and COPY FROM / TO in text, CSV and binary
 * (output compared byte for byte, PGlite's output loaded back). Values compare as PGlite
 * returns them, errors by SQLSTATE, message and position.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { Vecgres } from '../../src/index.js';
import { openSqlPair, normalize } from '../support/sql_pair.js';
import { startPglite } from '../support/pglite_start.js';

const { check, both } = await openSqlPair();
await both('CREATE TABLE items (id int PRIMARY KEY, e vector(2))');
await both('CREATE TABLE "Mixed Case" (id int)');

async function all(cases: readonly (string | [string, unknown[]])[]): Promise<void> {
  const mismatches: string[] = [];
  for (const c of cases) {
    if (typeof c === 'string') await check(c, mismatches);
    else await check(c[0], mismatches, c[1]);
  }
  assert.deepEqual(mismatches, []);
}

test('regproc and regprocedure read and print function names as PostgreSQL', async () => {
  await all([
    "SELECT 'now'::regproc AS a, 'now'::regproc::oid AS b, 1299::regproc AS c, 'version'::regproc AS d",
    "SELECT 'sum(int4)'::regprocedure AS a, 'sum(int4)'::regprocedure::oid AS b, 'pg_catalog.sum(bigint)'::regprocedure AS c",
    "SELECT 'now()'::regprocedure AS a, 1299::regprocedure AS b, 2108::regproc AS c, 2108::regprocedure AS d",
    "SELECT 'l2_distance(vector,vector)'::regprocedure AS a, 'cosine_distance(halfvec, halfvec)'::regprocedure AS b",
    "SELECT 'l2_distance(vector,vector)'::regprocedure::oid::regproc AS a, 'vector_dims(vector)'::regprocedure::regproc AS b",
    "SELECT 'avg(double precision)'::regprocedure AS a, 'date_trunc(text, timestamp with time zone)'::regprocedure AS b",
    "SELECT 'Now'::regproc AS a, ' now '::regproc AS b, '\"now\"'::regproc AS c, 'pg_catalog.now'::regproc AS d, 'postgres.pg_catalog.now'::regproc AS e",
    "SELECT 'version'::regproc::oid = 'version()'::regprocedure::oid AS a",
    "SELECT 'lower'::regproc",
    "SELECT 999999::regproc AS a, 999999::regprocedure AS b, 0::regproc AS c, '-'::regprocedure AS d",
    "SELECT 'now'::regproc::text AS a, 'sum(int8)'::regprocedure::text AS b, 'now'::regproc::regprocedure AS c",
    "SELECT 'sum'::regproc",
    "SELECT 'l2_distance'::regproc",
    "SELECT 'nosuch'::regproc",
    "SELECT 'nosuch.now'::regproc",
    "SELECT '\"Now\"'::regproc",
    "SELECT 'a..b'::regproc",
    "SELECT 'a.b.c.d'::regproc",
    "SELECT 'x.pg_catalog.now'::regproc",
    "SELECT 'sum'::regprocedure",
    "SELECT 'sum(int4'::regprocedure",
    "SELECT 'sum(int4,)'::regprocedure",
    "SELECT 'sum(int4'::regprocedure",
    "SELECT 'sum(nosuchtype)'::regprocedure",
    "SELECT 'now(int4)'::regprocedure",
    "SELECT 'nosuch(int4)'::regprocedure",
    "SELECT '12abc'::regproc",
    "SELECT to_regproc('now') AS a, to_regproc('sum') AS b, to_regproc('nosuch') AS c",
    "SELECT to_regprocedure('sum(int4)') AS a, to_regprocedure('sum(text)') AS b, to_regprocedure('nosuch()') AS c",
    "SELECT ARRAY['now'::regproc, 'version'::regproc] AS a, '{now,-,1299}'::regproc[] AS b, '{\"sum(int4)\"}'::regprocedure[] AS c",
  ]);
});

test('reg* names as parameters: untyped, cast, typed by the column, arrays, errors', async () => {
  await both('CREATE TABLE refs (id int, c regclass, t regtype, n regnamespace, p regproc, q regprocedure)');
  await all([
    ['SELECT $1::regclass AS a', ['items']],
    ['SELECT $1::regclass AS a', ['public.items']],
    ['SELECT $1::regclass AS a', ['"Mixed Case"']],
    ['SELECT $1::regclass AS a', ['pg_class']],
    ['SELECT $1::regclass AS a', [1259]],
    ['SELECT $1::regclass AS a', ['nosuch']],
    ['SELECT $1::regtype AS a, $2::regnamespace AS b, $3::regproc AS c, $4::regprocedure AS d', ['integer[]', 'public', 'now', 'sum(int4)']],
    ['SELECT $1::regtype AS a', ['nosuch']],
    ['SELECT $1::regnamespace AS a', ['nosuch']],
    ['SELECT $1::regproc AS a', ['sum']],
    ['SELECT $1::regproc AS a', ['nosuch']],
    ['SELECT $1::regprocedure AS a', ['sum']],
    ['SELECT $1::regclass[] AS a, $2::regproc[] AS b', ['{items,pg_class}', ['now', '-']]],
    ['SELECT $1::regclass[] AS a', [['items', 'nosuch']]],
    ['SELECT $1::text::regclass AS a, $2::text::regproc AS b', ['items', 'now']],
    ['INSERT INTO refs VALUES ($1, $2, $3, $4, $5, $6) RETURNING *', [1, 'items', 'vector', 'pg_catalog', 'now', 'l2_distance(vector,vector)']],
    "INSERT INTO refs VALUES (2, 'pg_class', 'text[]', 'public', 'version', 'sum(bigint)') RETURNING *",
    ['INSERT INTO refs VALUES (3, $1, $2, $3, $4, $5)', ['"Mixed Case"', 'varchar(5)', 'public', 'pg_typeof', 'now()']],
    ['INSERT INTO refs VALUES (4, $1, $2, $3, $4, $5)', ['nosuch', 'int4', 'public', 'now', 'now()']],
    ['INSERT INTO refs VALUES (4, $1, $2, $3, $4, $5)', ['items', 'int4', 'public', 'sum', 'now()']],
    ['UPDATE refs SET c = $1 WHERE id = 2 RETURNING id, c', ['items']],
    'SELECT * FROM refs ORDER BY id',
    'SELECT id, c::text AS c, t::text AS t, n::text AS n, p::text AS p, q::text AS q, c::oid::int8 > 0 AS x FROM refs ORDER BY id',
    'SELECT id, p::oid AS p, q::oid AS q, t::oid AS t FROM refs ORDER BY id',
    ['SELECT id FROM refs WHERE c = $1::regclass ORDER BY id', ['items']],
    // A reg* column against an untyped literal or parameter compares as oid (the name is not read).
    ['SELECT id FROM refs WHERE c = $1 ORDER BY id', ['items']],
    "SELECT id FROM refs WHERE c = 'items' ORDER BY id",
    "SELECT id FROM refs WHERE p <> 'now' ORDER BY id",
    "SELECT id FROM refs WHERE c = '1259' OR '1299' = p ORDER BY id",
    "SELECT id FROM refs WHERE c IN ('items', 'pg_class') ORDER BY id",
    "SELECT id FROM refs WHERE c NOT IN ('items') ORDER BY id",
    ['SELECT id FROM refs WHERE c IN ($1, $2) ORDER BY id', ['items', 'pg_class']],
    'SELECT array_agg(c ORDER BY id) AS c, array_agg(p ORDER BY id) AS p FROM refs',
  ]);
});

const pg = await startPglite();
await pg.exec('CREATE EXTENSION vector');
const db = await Vecgres.create();
await db.exec('CREATE EXTENSION vector');
after(async () => {
  await db.close();
  await pg.close();
});

type Outcome = { ok: true; affected: number | undefined; bytes: string | null } | { ok: false; code: string; message: string; where?: string };

async function run(d: PGlite | Vecgres, sql: string, data?: Uint8Array | string): Promise<Outcome> {
  try {
    const r = await d.query(sql, [], data === undefined ? {} : { blob: new Blob([data as BlobPart]) });
    return { ok: true, affected: r.affectedRows, bytes: r.blob === undefined ? null : Buffer.from(await r.blob.arrayBuffer()).toString('hex') };
  } catch (e) {
    const err = e as { code?: string; message: string; where?: string };
    if (typeof err.code !== 'string') throw e;
    return { ok: false, code: err.code, message: err.message, ...(err.where === undefined ? {} : { where: err.where }) };
  }
}

/** Runs a COPY on both: the same row count and output bytes, or the same error. */
async function sameCopy(sql: string, data?: Uint8Array | string): Promise<Outcome> {
  const want = await run(pg, sql, data);
  const got = await run(db, sql, data);
  assert.deepEqual(got, want, sql);
  return want;
}

async function sameRows(sql: string): Promise<void> {
  const want = (await pg.query(sql, [], { rowMode: 'array' })).rows;
  const got = (await db.query(sql, [], { rowMode: 'array' })).rows;
  assert.deepEqual(normalize(got), normalize(want), sql);
}

async function bothCopy(sql: string): Promise<void> {
  await pg.exec(sql);
  await db.exec(sql);
}

const REG_TABLE = 'CREATE TABLE %s (id int, c regclass, t regtype, n regnamespace, p regproc, q regprocedure, ca regclass[], pa regproc[])';

test('COPY of reg* columns: names in text and CSV, oids in binary, round trips', async () => {
  await bothCopy(`CREATE TABLE docs (id int); CREATE TABLE "Odd.Name" (id int); ${REG_TABLE.replace('%s', 'regs')}`);
  await bothCopy(`INSERT INTO regs VALUES
    (1, 'docs', 'vector', 'public', 'now', 'sum(int4)', '{docs,pg_class}', '{now,-}'),
    (2, '"Odd.Name"', 'timestamp with time zone', 'pg_catalog', 'pg_typeof', 'l2_distance(vector,vector)', '{}', NULL),
    (3, 0, 0, 0, 0, 0, NULL, '{pg_typeof}'),
    (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
  for (const f of ['', 'CSV', 'CSV HEADER', 'BINARY']) await sameCopy(`COPY regs TO '/dev/blob' ${f}`);
  for (const f of ['', 'CSV', 'BINARY']) {
    const out = await run(pg, `COPY regs TO '/dev/blob' ${f}`);
    assert.ok(out.ok && out.bytes !== null);
    await bothCopy(`DROP TABLE IF EXISTS regs_in; ${REG_TABLE.replace('%s', 'regs_in')}`);
    await sameCopy(`COPY regs_in FROM '/dev/blob' ${f}`, Buffer.from(out.bytes, 'hex'));
    await sameRows('SELECT * FROM regs_in ORDER BY id');
    await sameRows('SELECT id, c::oid, t::oid, n::oid, p::oid, q::oid FROM regs_in ORDER BY id');
  }
  // Names typed into COPY FROM, and the errors of unknown ones (with their CONTEXT line).
  await bothCopy('TRUNCATE regs_in');
  await sameCopy(`COPY regs_in (id, c, t, n, p, q) FROM '/dev/blob'`, '1\tpublic.docs\tint4[]\tpublic\tversion\tnow()\n2\t\\N\tvarchar(3)\tpg_catalog\t-\tsum(int8)\n');
  await sameCopy(`COPY regs_in (id, c, t, n, p, q) FROM '/dev/blob' CSV`, '3,"""Odd.Name""",bool,public,pg_typeof,"sum(int4)"\n');
  await sameRows('SELECT * FROM regs_in ORDER BY id');
  for (const bad of ['9\tnosuch\tint4\tpublic\tnow\tnow()\n', '9\tdocs\tnosuch\tpublic\tnow\tnow()\n', '9\tdocs\tint4\tnosuch\tnow\tnow()\n', '9\tdocs\tint4\tpublic\tsum\tnow()\n', '9\tdocs\tint4\tpublic\tnow\tsum\n']) {
    await sameCopy(`COPY regs_in (id, c, t, n, p, q) FROM '/dev/blob'`, bad);
  }
  await sameRows('SELECT count(*) FROM regs_in');
});
