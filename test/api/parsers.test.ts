/**
 * PGlite's `parsers` and `serializers` options, against PGlite + pgvector itself: the same
 * options on `create` and on each query / exec call, the same rows back (what each parser was
 * given, text and type OID included) and the same values stored from serialized parameters.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres, type ParserOptions, type SerializerOptions } from '../../src/index.js';
import { normalize } from '../support/sql_pair.js';
import { startPglite } from '../support/pglite_start.js';

/** A point, the custom object the serializers below turn into a vector's text. */
class Point {
  constructor(readonly x: number, readonly y: number) {}
}

const VECTOR_OID = 16385;

const dbParsers: ParserOptions = {
  // int8 as BigInt always (PGlite's default gives a number when it is safe).
  20: (v) => BigInt(v),
  // A vector as a plain number array.
  [VECTOR_OID]: (v) => JSON.parse(v) as number[],
};
const dbSerializers: SerializerOptions = {
  [VECTOR_OID]: (p: Point | number[]) => (p instanceof Point ? `[${p.x},${p.y}]` : JSON.stringify(p)),
};

const lite = await startPglite({ parsers: dbParsers, serializers: dbSerializers });
const db = await Vecgres.create({ parsers: dbParsers, serializers: dbSerializers });
after(async () => {
  await db.close();
  await lite.close();
});
const SCHEMA = `CREATE EXTENSION IF NOT EXISTS vector;
  CREATE TABLE pts (id bigint PRIMARY KEY, v vector(2), at timestamptz, ok boolean, n numeric, tags int[], note text)`;
await lite.exec(SCHEMA);
await db.exec(SCHEMA);

type Q = { query: (sql: string, params?: unknown[], opts?: object) => Promise<{ rows: unknown[]; fields: unknown[] }>; exec: (sql: string, opts?: object) => Promise<{ rows: unknown[] }[]> };

async function both(f: (d: Q) => Promise<unknown>): Promise<void> {
  const run = async (d: Q): Promise<unknown> => {
    try {
      return await f(d);
    } catch (e) {
      return { error: (e as { code?: string }).code ?? String(e), message: (e as Error).message };
    }
  };
  const theirs = await run(lite as unknown as Q);
  const ours = await run(db as unknown as Q);
  assert.deepEqual(normalize(ours), normalize(theirs));
}

test('serializers turn parameters of their type into text, per query over per database', async () => {
  await both((d) => d.query('INSERT INTO pts (id, v, at, ok, n, tags, note) VALUES ($1, $2, $3, $4, $5, $6, $7)', [1, new Point(3, 4), '2024-02-03 04:05:06+00', true, '1.50', [1, 2], 'plain']));
  await both((d) => d.query('INSERT INTO pts (id, v) VALUES ($1, $2)', [2, [5, 6]]));
  await both((d) => d.query('INSERT INTO pts (id, v) VALUES ($1, $2)', [3, null]));
  // A query's serializer wins over the database's for its OID.
  await both((d) => d.query('INSERT INTO pts (id, v, note) VALUES ($1, $2, $3)', [4, new Point(7, 8), { shout: 'hi' }], {
    serializers: { [VECTOR_OID]: (p: Point) => `[${p.y},${p.x}]`, 25: (o: { shout: string }) => o.shout.toUpperCase() },
  }));
  await both((d) => d.query('SELECT id, v::text AS v, note FROM pts ORDER BY id'));
  // A serializer that gives text PostgreSQL rejects fails as the text would.
  await both((d) => d.query('SELECT $1::vector AS v', [new Point(1, 2)], { serializers: { [VECTOR_OID]: () => '[1,' } }));
});

test('parsers get the text PostgreSQL prints and the type OID, per query over per database', async () => {
  const seen: ParserOptions = {
    1184: (v, oid) => ({ ts: v, oid }),
    16: (v, oid) => `bool ${v} ${oid}`,
    1700: (v) => `numeric ${v}`,
    1007: (v, oid) => ({ array: v, oid }),
    25: (v, oid) => `text ${v} ${oid}`,
  };
  await both((d) => d.query('SELECT id, v, at, ok, n, tags, note FROM pts ORDER BY id', [], { parsers: seen }));
  await both((d) => d.query('SELECT id, v, at FROM pts ORDER BY id', [], { parsers: seen, rowMode: 'array' }));
  // The query's parser for int8 wins over the database's BigInt one.
  await both((d) => d.query("SELECT 9007199254740993::int8 AS big, 5::int8 AS small, NULL::int8 AS none, '[1.5,2]'::vector AS v", [], { parsers: { 20: (v: string) => `int8 ${v}` } }));
  await both((d) => d.query("SELECT 9007199254740993::int8 AS big, 5::int8 AS small, '[1.5,2]'::vector AS v"));
  // exec applies them to every statement.
  await both(async (d) => (await d.exec("SELECT 1::int8 AS a; SELECT '{1,NULL,3}'::int[] AS b, true AS c", { parsers: seen })).map((r) => r.rows));
});

test("the database's parsers reach array elements (not the query's), as PGlite's", async () => {
  const seen = (tag: string) => (v: string, oid?: number): string => `${tag}(${v},${String(oid)})`;
  const parsers: ParserOptions = { 16: seen('bool'), 21: seen('int2'), 23: seen('int4'), 25: seen('text'), 700: seen('float4'), 701: seen('float8'), 1700: seen('numeric'), 1043: seen('varchar'), 20: seen('int8'), 1184: seen('tstz'), 2950: seen('uuid') };
  const pl = await startPglite({ parsers });
  const vg = await Vecgres.create({ parsers });
  try {
    await pl.exec('CREATE EXTENSION vector');
    await vg.exec('CREATE EXTENSION vector');
    const sql = `SELECT 1::int AS a, '{1,2}'::int[] AS b, '{{1,2},{3,NULL}}'::int[] AS c, ARRAY['a b', NULL, 'q"x', '', 'NULL', 'x,y', 'back\\slash']::text[] AS d,
      '{t,f,NULL}'::bool[] AS e, '{1.5,-2}'::float4[] AS f, '{1e300,NaN}'::float8[] AS g, '{1.50,NaN}'::numeric[] AS h, '{a,bb}'::varchar[] AS i,
      '{1,2}'::int8[] AS j, '{1,2}'::int2[] AS k, '{}'::int[] AS l, ARRAY['2026-01-02 03:04:05+00']::timestamptz[] AS n,
      ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']::uuid[] AS o, '{"[1,2]"}'::vector[] AS p`;
    const theirs = await pl.query(sql);
    const ours = await vg.query(sql);
    assert.deepEqual(normalize(ours.rows), normalize(theirs.rows));
    // A query's parser of the element type leaves arrays alone; one of the array type replaces the element parsing.
    for (const q of [{ 23: seen('q23') }, { 1007: seen('q1007') }] as ParserOptions[]) {
      assert.deepEqual(normalize((await vg.query(sql, [], { parsers: q })).rows), normalize((await pl.query(sql, [], { parsers: q })).rows), JSON.stringify(Object.keys(q)));
    }
  } finally {
    await pl.close();
    await vg.close();
  }
});
