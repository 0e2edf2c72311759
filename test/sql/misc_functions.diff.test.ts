/**
 * Differential tests of date_bin, to_oct / to_bin, array_fill, parse_ident, pg_size_bytes,
 * current_schemas and jsonb_set_lax against PostgreSQL 18 + pgvector (PGlite): values,
 * result types, column names, NULL handling and errors (SQLSTATE, message, detail, hint).
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';

const { check, both, ours } = await openSqlPair();

async function run(label: string, qs: readonly string[]): Promise<void> {
  const mismatches: string[] = [];
  for (const q of qs) await check(q, mismatches);
  reportMismatches(label, mismatches, qs.length, SEED);
}

test('date_bin', async () => {
  await both(`CREATE TABLE db (id int PRIMARY KEY, ts timestamp, tz timestamptz, s interval)`);
  await both(`INSERT INTO db VALUES
    (1, '2020-02-11 15:44:17', '2020-02-11 15:44:17+00', '15 minutes'),
    (2, '1999-12-31 23:59:59.999999', '1999-12-31 23:59:59.999999+00', '1 day'),
    (3, NULL, NULL, NULL),
    (4, 'infinity', '-infinity', '1 microsecond'),
    (5, '1900-06-01 00:00:00.5', '1900-06-01 00:00:00.5+00', '7 days 3 hours')`);
  await run('date_bin', [
    `SELECT date_bin('15 minutes', timestamp '2020-02-11 15:44:17', timestamp '2001-01-01')`,
    `SELECT date_bin('15 minutes', timestamp '2020-02-11 15:44:17', timestamp '2001-01-01 00:02:30')`,
    `SELECT date_bin('15 minutes', timestamptz '2020-02-11 15:44:17+00', timestamptz '2001-01-01 00:00:00+00')`,
    `SELECT date_bin('1 day 2 hours', timestamp '1990-01-01', timestamp '2020-01-01'), date_bin('1 hour', timestamp '2000-01-01', timestamp '2000-01-01 00:30')`,
    `SELECT date_bin('5 seconds', timestamp '1999-12-31 23:59:58', timestamp '2000-01-01'), date_bin('-1 day 25 hours', timestamp '2020-01-01 10:00', timestamp '2020-01-01')`,
    `SELECT id, date_bin(s, ts, timestamp '2000-01-01'), date_bin(s, tz, timestamptz '2000-01-01 00:00:00+00') FROM db ORDER BY id`,
    `SELECT date_bin(NULL, timestamp '2020-01-01', timestamp '2000-01-01'), date_bin('1 hour', NULL::timestamp, timestamp '2000-01-01'), date_bin('1 hour', timestamp '2000-01-01', NULL)`,
    `SELECT pg_typeof(date_bin('1 hour', timestamp '2000-01-01', timestamp '2000-01-01')), pg_typeof(date_bin('1 hour', timestamptz '2000-01-01', timestamptz '2000-01-01'))`,
    `SELECT date_bin('1 hour', '2000-01-01 10:30', '2000-01-01')`,
    `SELECT date_bin('1 hour', timestamp '2000-01-01 10:30', timestamptz '2000-01-01')`,
    `SELECT date_bin('1 hour', date '2000-01-02', timestamp '2000-01-01')`,
    `SELECT date_bin('1 month', timestamp '2000-01-01', timestamp '2000-01-01')`,
    `SELECT date_bin('1 year 1 day', timestamptz '2000-01-01', timestamptz '2000-01-01')`,
    `SELECT date_bin('0 days', timestamp '2000-01-01', timestamp '2000-01-01')`,
    `SELECT date_bin('-1 hour', timestamp '2000-01-01', timestamp '2000-01-01')`,
    `SELECT date_bin('1 day -24 hours', timestamp '2000-01-01', timestamp '2000-01-01')`,
    `SELECT date_bin('1 hour', timestamp 'infinity', timestamp '2000-01-01'), date_bin('1 hour', timestamptz '-infinity', timestamptz '2000-01-01')`,
    `SELECT date_bin('1 hour', timestamp '2000-01-01', timestamp 'infinity')`,
    `SELECT date_bin('1 hour', timestamptz '2000-01-01', timestamptz '-infinity')`,
    `SELECT date_bin('1 month', timestamp 'infinity', timestamp '2000-01-01')`,
    `SELECT date_bin('1 hour', timestamp '4714-11-24 00:30:00 BC', timestamp '2000-01-01 00:45')`,
    `SELECT date_bin('1 hour', timestamp '4714-11-24 00:30:00 BC', timestamp '2000-01-01 00:15')`,
    `SELECT date_bin('100000000 days', timestamp '2000-01-01', timestamp '2000-01-01')`,
    `SELECT date_bin('1 microsecond', timestamp '294276-12-31 23:59:59.999999', timestamp '4714-11-24 00:00:00 BC')`,
    `SELECT date_bin('200000 days', timestamp '294276-12-31', timestamp '4714-11-24 00:00:00 BC')`,
    `SELECT date_bin('200000 days', timestamp '4714-11-24 00:00:00 BC', timestamp '294276-12-31')`,
    `SELECT date_bin(stride => '1 hour', source => timestamp '2000-01-01 10:30', origin => timestamp '2000-01-01')`,
  ]);
});

test('date_bin: a seeded sweep of strides, sources and origins', async () => {
  const rng = new Prng(SEED ^ 0x0da7eb1);
  const units = ['microseconds', 'seconds', 'minutes', 'hours', 'days'];
  const ts = (): string => {
    const y = 1 + rng.int(4000);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${String(y).padStart(4, '0')}-${p(1 + rng.int(12))}-${p(1 + rng.int(28))} ${p(rng.int(24))}:${p(rng.int(60))}:${p(rng.int(60))}.${String(rng.int(1e6)).padStart(6, '0')}${rng.int(8) === 0 ? ' BC' : ''}`;
  };
  const qs: string[] = [];
  for (let i = 0; i < 60; i++) {
    const stride = `${rng.int(5) === 0 ? '-' : ''}${1 + rng.int(rng.int(2) === 0 ? 100 : 100000)} ${units[rng.int(units.length)]!}${rng.int(3) === 0 ? ` ${rng.int(1000)} seconds` : ''}`;
    const type = rng.int(2) === 0 ? 'timestamp' : 'timestamptz';
    qs.push(`SELECT date_bin('${stride}', ${type} '${ts()}', ${type} '${ts()}')`);
  }
  await run('date_bin sweep', qs);
});

test('to_oct and to_bin', async () => {
  await run('to_oct / to_bin', [
    `SELECT to_oct(0), to_oct(8), to_oct(-1), to_oct(2147483647), to_oct(-2147483648), to_oct(-1::bigint), to_oct(9223372036854775807), to_oct(-9223372036854775808), to_oct(4294967296)`,
    `SELECT to_bin(0), to_bin(5), to_bin(-1), to_bin(2147483647), to_bin(-2147483648), to_bin(-1::bigint), to_bin(9223372036854775807), to_bin(-9223372036854775808), to_bin(4294967296)`,
    `SELECT to_oct(NULL::int), to_bin(NULL::bigint), pg_typeof(to_oct(1)), pg_typeof(to_bin(1::bigint))`,
    `SELECT to_oct(12::smallint), to_bin(12::smallint)`,
    `SELECT to_oct('12')`,
    `SELECT to_bin(1.5)`,
    `SELECT x, to_oct(x), to_bin(x), to_oct(x::bigint * 1000003), to_bin(-x) FROM generate_series(-3, 9) AS x`,
    `SELECT 'to_oct(integer)'::regprocedure, 'to_bin(bigint)'::regprocedure::oid, 'date_bin(interval,timestamp,timestamp)'::regprocedure::oid`,
  ]);
});

test('array_fill', async () => {
  await run('array_fill', [
    `SELECT array_fill(1, ARRAY[3]) AS a, array_fill(1, ARRAY[2,2]), array_fill(NULL::int, ARRAY[2]), array_fill('x'::text, ARRAY[0]), array_fill(1, '{}')`,
    `SELECT array_fill(1::int2, ARRAY[2]), array_fill(true, ARRAY[1]), array_fill('{"a":1}'::jsonb, ARRAY[1,2]), array_fill(2.50, ARRAY[2,1,2]), array_fill(interval '1 day', ARRAY[1])`,
    `SELECT array_fill(1, ARRAY[2], ARRAY[1]), array_fill(1, ARRAY[2,3], ARRAY[1,1]), array_fill(1, ARRAY[0], ARRAY[5]), array_fill(1, ARRAY[0,3], ARRAY[7,-2]), array_fill(1, '{}', '{}')`,
    `SELECT array_fill(1, ARRAY[0], ARRAY[2147483647]), array_fill(1, '{{}}'), array_fill(1, ARRAY[1,1,1,1,1,1])`,
    `SELECT pg_typeof(array_fill(1, ARRAY[1])), pg_typeof(array_fill('a'::varchar, ARRAY[1])), pg_typeof(array_fill(now()::date, ARRAY[1]))`,
    `SELECT array_fill(x, ARRAY[x]) FROM generate_series(0, 4) AS x`,
    `SELECT array_fill('x', ARRAY[2])`,
    `SELECT array_fill(NULL, ARRAY[2])`,
    `SELECT array_fill(ARRAY[1], ARRAY[2])`,
    `SELECT array_fill(1, NULL)`,
    `SELECT array_fill(1, ARRAY[2], NULL)`,
    `SELECT array_fill(1, NULL::int[], NULL::int[])`,
    `SELECT array_fill(1, ARRAY[[2]])`,
    `SELECT array_fill(1, ARRAY[[NULL::int]])`,
    `SELECT array_fill(1, ARRAY[2,NULL])`,
    `SELECT array_fill(1, ARRAY[2], ARRAY[1,1])`,
    `SELECT array_fill(1, ARRAY[2], ARRAY[NULL::int])`,
    `SELECT array_fill(1, ARRAY[2], '{}')`,
    `SELECT array_fill(1, ARRAY[1], ARRAY[[1]])`,
    `SELECT array_fill(1, ARRAY[-1], ARRAY[1,2])`,
    `SELECT array_fill(1, ARRAY[1,2,3,4,5,6,7])`,
    `SELECT array_fill(1, ARRAY[1,2,3,4,5,6,7], ARRAY[1])`,
    `SELECT array_fill(1, ARRAY[3], ARRAY[2147483647])`,
    `SELECT array_fill(1, ARRAY[1], ARRAY[2147483647])`,
    `SELECT array_fill(1, ARRAY[2]::int8[])`,
    `SELECT array_fill(1, ARRAY[2.5])`,
    `SELECT array_fill(1, ARRAY[2], ARRAY[1]::int2[])`,
    `SELECT array_fill(1)`,
    `SELECT 1286::regprocedure, 1193::regproc`,
  ]);
});

test('array_fill: what vecgres answers differently from PGlite', async () => {
  // PGlite is a 32-bit build, where MaxArraySize is 268435455; PostgreSQL 18 on 64-bit
  // platforms says 134217727. Lower bounds other than 1 are refused (vecgres arrays start at 1).
  const expect = async (q: string, code: string, message: string): Promise<void> => {
    const r = await ours(q);
    if (r.ok || r.code !== code || r.message !== message) throw new Error(`${q}: ${JSON.stringify(r)}`);
  };
  await expect(`SELECT array_fill(1, ARRAY[-1])`, '54000', 'array size exceeds the maximum allowed (134217727)');
  await expect(`SELECT array_fill(1, ARRAY[100000, 100000])`, '54000', 'array size exceeds the maximum allowed (134217727)');
  await expect(`SELECT array_fill(1, ARRAY[2], ARRAY[2])`, '0A000', 'array lower bounds other than 1 are not supported');
});

test('parse_ident', async () => {
  await run('parse_ident', [
    `SELECT parse_ident('Schemax.Tabley'), parse_ident('"SchemaX"."TableY"'), parse_ident('  a . "b""c" .  D$1_  '), parse_ident('ÀbC.é'), parse_ident('"a.b"')`,
    `SELECT parse_ident('foo.boo[]', false), parse_ident('foo.boo(x)', strict => false), parse_ident('a b', false), parse_ident(str => 'A.B')`,
    `SELECT parse_ident(repeat('x', 100)), parse_ident('"' || repeat('y', 70) || '"'), parse_ident(E'\\tq\\n.\\rr\\f')`,
    `SELECT parse_ident(NULL), parse_ident('a', NULL), pg_typeof(parse_ident('a')), 1268::regprocedure`,
    `SELECT parse_ident('foo.boo[]')`,
    `SELECT parse_ident('a b')`,
    `SELECT parse_ident('')`,
    `SELECT parse_ident('   ')`,
    `SELECT parse_ident('1a')`,
    `SELECT parse_ident('.a')`,
    `SELECT parse_ident('a.')`,
    `SELECT parse_ident('a..b')`,
    `SELECT parse_ident('a.1')`,
    `SELECT parse_ident('"abc')`,
    `SELECT parse_ident('"a""')`,
    `SELECT parse_ident('""')`,
    `SELECT parse_ident('a.""', false)`,
    `SELECT parse_ident('a."b', false)`,
    `SELECT parse_ident(12)`,
  ]);
});

test('parse_ident: a seeded sweep of identifier strings', async () => {
  const rng = new Prng(SEED ^ 0x1de7);
  const alphabet = ['a', 'B', 'z', '_', '1', '$', '"', '"', '.', '.', ' ', '\t', 'é', 'Ω', '-', '(', 'X'];
  const qs: string[] = [];
  for (let i = 0; i < 120; i++) {
    let s = '';
    const n = rng.int(12);
    for (let k = 0; k < n; k++) s += alphabet[rng.int(alphabet.length)]!;
    const lit = `E'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\t/g, '\\t')}'`;
    qs.push(`SELECT parse_ident(${lit}, ${rng.int(2) === 0})`);
  }
  await run('parse_ident sweep', qs);
});

test('pg_size_bytes', async () => {
  await run('pg_size_bytes', [
    `SELECT pg_size_bytes('1'), pg_size_bytes('123 bytes'), pg_size_bytes('1kB'), pg_size_bytes('1 MB'), pg_size_bytes(' 1 GB '), pg_size_bytes('1.5 TB'), pg_size_bytes('1 PB')`,
    `SELECT pg_size_bytes('1e5 kB'), pg_size_bytes(' -1.5 MB '), pg_size_bytes('1.5e-3 kb'), pg_size_bytes('.5 B'), pg_size_bytes('5.'), pg_size_bytes('1 Bytes'), pg_size_bytes('+2 gB'), pg_size_bytes('1E+2 b')`,
    `SELECT pg_size_bytes('0.4'), pg_size_bytes('0.5'), pg_size_bytes('-0.5'), pg_size_bytes('-0.4 B'), pg_size_bytes('1.0000001 kB'), pg_size_bytes(E'\\t7\\n')`,
    `SELECT pg_size_bytes('9223372036854775807'), pg_size_bytes('-9223372036854775808'), pg_size_bytes('8191.99999 PB')`,
    `SELECT pg_size_bytes(NULL), pg_typeof(pg_size_bytes('1')), pg_size_bytes(pg_size_pretty(123456789::bigint)), 3334::regprocedure`,
    `SELECT pg_size_bytes('9223372036854775807.5')`,
    `SELECT pg_size_bytes('8388608 TB')`,
    `SELECT pg_size_bytes('1 XB')`,
    `SELECT pg_size_bytes('.')`,
    `SELECT pg_size_bytes('')`,
    `SELECT pg_size_bytes('kB')`,
    `SELECT pg_size_bytes('-')`,
    `SELECT pg_size_bytes('1e')`,
    `SELECT pg_size_bytes('1 e')`,
    `SELECT pg_size_bytes('1e 5')`,
    `SELECT pg_size_bytes('1e+')`,
    `SELECT pg_size_bytes('NaN')`,
    `SELECT pg_size_bytes('Infinity')`,
    `SELECT pg_size_bytes('1eb')`,
    `SELECT pg_size_bytes('1 kb x')`,
    `SELECT pg_size_bytes('1_000')`,
    `SELECT pg_size_bytes('0x10')`,
    `SELECT pg_size_bytes('1' || chr(160) || 'kB')`,
    `SELECT pg_size_bytes('1e1000000')`,
    `SELECT pg_size_bytes('1e-99999')`,
    `SELECT pg_size_bytes(1)`,
  ]);
});

test('pg_size_bytes: a seeded sweep of size strings', async () => {
  const rng = new Prng(SEED ^ 0x5123);
  const pieces = ['1', '0', '9', '42', '.', '.5', '-', '+', 'e', 'E3', 'e-2', ' ', ' ', 'kB', 'MB', 'gb', 'Tb', 'PB', 'B', 'bytes', 'x', '\t'];
  const qs: string[] = [];
  for (let i = 0; i < 120; i++) {
    let s = '';
    const n = 1 + rng.int(6);
    for (let k = 0; k < n; k++) s += pieces[rng.int(pieces.length)]!;
    qs.push(`SELECT pg_size_bytes(E'${s.replace(/\t/g, '\\t')}')`);
  }
  await run('pg_size_bytes sweep', qs);
});

test('current_schemas and current_schema follow search_path', async () => {
  // PostgreSQL's result is name[]; vecgres has no name type and answers text[] (as its
  // current_schema() answers text), so the values are compared as text[].
  const cs = (b: string): string => `current_schemas(${b})::text[]`;
  await run('current_schemas', [
    `SELECT ${cs('true')} AS t, ${cs('false')} AS f, ${cs('NULL')} AS n, 1403::regprocedure`,
    `SELECT b, ${cs('b')} FROM (VALUES (true), (false), (NULL)) AS v(b) ORDER BY b`,
    `SELECT current_schemas(1)`,
    `SELECT current_schemas()`,
    `SELECT ${cs("'t'")}`,
  ]);
  await both(`CREATE SCHEMA s1`);
  await both(`CREATE SCHEMA postgres`);
  const paths = [
    `foo, public, pg_catalog`, `''`, `s1`, `"$user", public`, `public, s1, public, "S1", s1`, `pg_catalog, s1`,
    `information_schema, nope, s1`, `"$user"`,
  ];
  for (const p of paths) {
    await both(`SET search_path = ${p}`);
    await run(`current_schemas under ${p}`, [`SELECT ${cs('true')} AS t, ${cs('false')} AS f, current_schema()::text AS c, current_schema::text AS d`]);
  }
  await both(`RESET search_path`);
});

test('jsonb_set_lax', async () => {
  await both(`CREATE TABLE jl (id int PRIMARY KEY, j jsonb, p text[], v jsonb, t text)`);
  await both(`INSERT INTO jl VALUES
    (1, '{"a":1,"b":{"c":2}}', '{b,c}', NULL, 'delete_key'),
    (2, '[1,2,3]', '{-1}', NULL, 'use_json_null'),
    (3, '{"a":1}', '{a}', '"x"', 'nonsense'),
    (4, NULL, '{a}', NULL, 'return_target'),
    (5, '{"a":[1,{"b":2}]}', '{a,1,b}', NULL, 'delete_key'),
    (6, '{"a":1}', '{z}', NULL, 'use_json_null')`);
  const j = `'{"a":1,"b":[1,2,3]}'::jsonb`;
  await run('jsonb_set_lax', [
    `SELECT jsonb_set_lax(${j}, '{a}', '5'), jsonb_set_lax(${j}, '{a}', NULL), jsonb_set_lax(${j}, '{z}', NULL), jsonb_set_lax(${j}, '{z}', NULL, false)`,
    `SELECT jsonb_set_lax(${j}, '{a}', NULL, true, 'delete_key'), jsonb_set_lax(${j}, '{b,1}', NULL, true, 'delete_key'), jsonb_set_lax(${j}, '{b,-1}', NULL, true, 'delete_key'), jsonb_set_lax(${j}, '{b,9}', NULL, true, 'delete_key'), jsonb_set_lax(${j}, '{q,r}', NULL, true, 'delete_key')`,
    `SELECT jsonb_set_lax(${j}, '{a}', NULL, true, 'return_target'), jsonb_set_lax(${j}, '{a}', '7', true, 'raise_exception'), jsonb_set_lax(${j}, '{a}', '7', true, 'nonsense'), jsonb_set_lax(${j}, '{b,0}', NULL, true, 'use_json_null')`,
    `SELECT jsonb_set_lax(${j}, '{}', NULL, true, 'delete_key'), jsonb_set_lax('{}', '{a}', NULL, true, 'delete_key'), jsonb_set_lax('[]', '{0}', NULL, true, 'delete_key'), jsonb_set_lax('[]', '{0}', NULL)`,
    `SELECT jsonb_set_lax(NULL, '{a}', '1'), jsonb_set_lax(${j}, NULL, '1'), jsonb_set_lax(${j}, '{a}', '1', NULL), jsonb_set_lax(${j}, '{a}', NULL, NULL, 'raise_exception')`,
    `SELECT pg_typeof(jsonb_set_lax(${j}, '{a}', '1')), 5054::regprocedure`,
    `SELECT jsonb_set_lax(jsonb_in => ${j}, path => '{a}', replacement => NULL, null_value_treatment => 'delete_key'), jsonb_set_lax(${j}, '{c}', NULL, create_if_missing => false)`,
    `SELECT id, jsonb_set_lax(j, p, v, true, 'delete_key'), jsonb_set_lax(j, p, v), jsonb_set_lax(j, p, v, true, 'return_target') FROM jl ORDER BY id`,
    `SELECT id, jsonb_set_lax(j, p, v, true, t) FROM jl WHERE id <> 3 ORDER BY id`,
    `SELECT jsonb_set_lax(j, p, v, true, t) FROM jl WHERE id = 3`,
    `SELECT jsonb_set_lax(${j}, '{a}', NULL, true, 'raise_exception')`,
    `SELECT jsonb_set_lax(${j}, '{a}', NULL, true, 'nonsense')`,
    `SELECT jsonb_set_lax(${j}, '{a}', NULL, true, 'DELETE_KEY')`,
    `SELECT jsonb_set_lax(${j}, '{a}', '1', true, NULL)`,
    `SELECT jsonb_set_lax(${j}, '{a}', NULL, true, NULL)`,
    `SELECT jsonb_set_lax('5', '{a}', NULL, true, 'delete_key')`,
    `SELECT jsonb_set_lax('5', '{a}', NULL)`,
    `SELECT jsonb_set_lax('5', '{a}', NULL, true, 'return_target')`,
    `SELECT jsonb_set_lax(${j}, '{b,x}', NULL, true, 'delete_key')`,
    `SELECT jsonb_set_lax(${j}, ARRAY['b', NULL], NULL, true, 'delete_key')`,
    `SELECT jsonb_set_lax(${j}, ARRAY[NULL], NULL, true, 'delete_key')`,
    `SELECT jsonb_set_lax(${j}, ARRAY[NULL]::text[], NULL)`,
    `SELECT jsonb_set_lax(${j}, '{a}')`,
    `SELECT jsonb_set_lax('{"a":1}'::json, '{a}', NULL)`,
  ]);
});
