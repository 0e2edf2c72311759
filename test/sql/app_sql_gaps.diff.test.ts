/**
 * Application SQL against PostgreSQL 18 (PGlite): chr / ascii with their errors, float input
 * as strtod / strtof read it (hex, whitespace, infinities, NaN, range limits) for real, double
 * precision and numeric, pg_settings.context of server-level settings and their refusal of a
 * session's SET (55P02), and extra_float_digits
 * in every function that prints a float through float4out / float8out.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';

const { same, check, both } = await openSqlPair();

test('chr and ascii: values and PostgreSQL errors', async () => {
  for (const n of ['65', '0x263A', '128', '255', '1114111', '0', '-1', '1114112', '55296', '57343', '2147483647', 'NULL', "'66'", '65::int8', '65.0']) {
    await same(`SELECT chr(${n}) AS c`);
  }
  for (const s of ["'A'", "''", "'☺x'", 'NULL', "'é'", "'\u{1F600}'"]) await same(`SELECT ascii(${s}) AS a`);
  await same("SELECT pg_typeof(chr(65)) AS t, pg_typeof(ascii('a')) AS u, 'chr(integer)'::regprocedure::text AS p, 'ascii'::regproc::oid::int AS o");
});

test('float input: strtod / strtof grammar and range for real, double precision and numeric', async () => {
  const inputs = [
    '0x1p3', ' 1.5 ', '\t1.5\n', 'infinity', '-inf', 'INF', '+Infinity', 'iNfInItY', 'NaN', 'nan', 'NAN', '-nan', 'nan(123)', 'nan()', 'nan(12',
    '1e', '1e+', '1e-', '0x10', '0x1.8p1', '0X1P-2', '-0x1p3', '0x', '0xg', '0xp3', '0x.8p0', '0x1.8p', '0x1p+', '.5', '5.', '+.5e1', '.', '', ' ',
    '1 2', '--1', '+-1', '1.2.3', '1d', '1f', '1_000', '0b101', '0o17', '0x1F', 'infinit', 'infinite', 'infinityx', 'inf ', '00001.5000',
    '0x1p1023', '0x1p1024', '0x1p1102', '0x1p1103', '0x1p2000', '0x1p-1074', '0x1p-1075', '0x1.8p-1074', '0x1.0000000000000fffp-1074',
    '0x1.fffffffffffff8p1023', '0x1.00000000000008p0', '0x1.00000000000018p0', '0x1.000000000000080000001p0', '0x0p99999999', '0x1p99999999999',
    '0x1p127', '0x1p128', '0x1p177', '0x1p178', '0x1p-149', '0x1p-150', '0x1.000002p0', '0x1.000001p0', '0x1.0000010000001p0',
    '1e400', '1e-400', '2.4703282292062328e-324', '2.4703282292062327e-324', '1e5000000000', '00000000000000000000001e-330', '3.4028236e38', '1e-46',
  ];
  const mismatches: string[] = [];
  for (const v of inputs) {
    const lit = `'${v.replace(/'/g, "''")}'`;
    for (const t of ['float8', 'real', 'numeric']) await check(`SELECT ${lit}::${t}::text AS v`, mismatches);
    await check('SELECT $1::float8::text AS d, $1::real::text AS r', mismatches, [v]);
  }
  for (const v of ['0x1p177', '0x1p178', '0x1p-150', '0x1.8p1']) await check(`SELECT '[${v}]'::vector::text AS v`, mismatches);
  reportMismatches('float input', mismatches, inputs.length * 4 + 4, 0);
});

test('pg_settings.context of server-level settings is PostgreSQL\'s', async () => {
  for (const name of ['shared_buffers', 'autovacuum', 'autovacuum_naptime', 'autovacuum_analyze_threshold', 'autovacuum_analyze_scale_factor', 'max_wal_size', 'server_version', 'work_mem', 'extra_float_digits']) {
    await same(`SELECT name, context, vartype FROM pg_settings WHERE name = '${name}'`);
  }
});

test('settings fixed at server start or read from its configuration: a session SET / RESET / set_config is 55P02 with PostgreSQL\'s message', async () => {
  for (const name of ['shared_buffers', 'autovacuum', 'autovacuum_naptime', 'autovacuum_analyze_threshold', 'autovacuum_analyze_scale_factor', 'max_wal_size', 'server_version']) {
    const value = { shared_buffers: "'64MB'", autovacuum: 'off', autovacuum_naptime: '5', autovacuum_analyze_threshold: '10', autovacuum_analyze_scale_factor: '0.5', max_wal_size: "'2GB'", server_version: "'9.6'" }[name]!;
    await same(`SET ${name} = ${value}`);
    await same(`RESET ${name}`);
    await same(`SET ${name} TO DEFAULT`);
    await same(`SELECT set_config('${name}', ${value.startsWith("'") ? value : `'${value}'`}, false) AS v`);
    await same(`SELECT name, setting = reset_val AS unchanged FROM pg_settings WHERE name = '${name}'`);
  }
  await same('RESET ALL');
  // Inside a block the error aborts it, as any error does.
  await both('BEGIN');
  await same("SET LOCAL shared_buffers = '64MB'");
  await same('SELECT 1 AS one');
  await both('ROLLBACK');
});

test('extra_float_digits reaches format, concat, concat_ws, array_to_string, to_json(b), the json builders and aggregates', async () => {
  // The same statement texts at each setting: an analysis cached at one setting must not fold
  // a float's text into a constant.
  const statements = [
    "SELECT format('%s|%L|%I', 0.1::float8 + 0.2, 1/3::float4, 2/3::float8) AS f, format('%s', ARRAY[1/3::float4]) AS g, format('%L', 1e-7::float8) AS h, format('%s', NULL::float8) AS i",
    "SELECT concat(0.1::float8 + 0.2, '|', 1/3::float4, '|', ARRAY[1/3::float8], 1e20::float8, 1e-5::float4) AS c",
    "SELECT concat_ws(',', 0.1::float8 + 0.2, 1/3::float4, ARRAY[2/3::real]) AS c",
    "SELECT 'x' || (0.1::float8 + 0.2) AS a, (1/3::float4) || 'y' AS b",
    "SELECT to_json(0.1::float8+0.2)::text AS a, to_json(1/3::float4)::text AS b, to_jsonb(0.1::float8+0.2)::text AS c, to_jsonb(1/3::float4)::text AS d",
    "SELECT json_build_object('a', 0.1::float8+0.2, 'b', 1/3::float4, 2/3::float8, 1)::text AS a, jsonb_build_object('a', 0.1::float8+0.2, 'b', 1/3::float4)::text AS b",
    'SELECT json_build_array(0.1::float8+0.2, 1/3::float4)::text AS a, jsonb_build_array(0.1::float8+0.2, 1/3::float4)::text AS b',
    "SELECT to_json(ARRAY[0.1::float8+0.2, 1e300])::text AS a, to_jsonb(ARRAY[1/3::float4])::text AS b, json_agg(x)::text AS c, jsonb_agg(x)::text AS d, json_agg(ARRAY[x, -x])::text AS e, jsonb_agg(ARRAY[x]) AS f FROM (VALUES (1/3::float8), (1e-20), (NULL)) v(x)",
    "SELECT to_json('NaN'::float8)::text AS a, to_jsonb('Infinity'::float8)::text AS b, to_json('-0'::float8)::text AS c, to_jsonb('-0'::float8)::text AS d",
    'SELECT to_jsonb(1e20::float8)::text AS a, to_jsonb(1e-7::float8)::text AS b, to_jsonb(123456789.123::float4)::text AS c',
    "SELECT array_to_string(ARRAY[0.1::float8+0.2, 1/3, NULL], ',', '*') AS a, array_to_string(ARRAY[1/3::float4], ',') AS b, ARRAY[0.1::float8+0.2, 1/3]::text AS c",
    "SELECT string_agg(x::text, ',' ORDER BY x DESC) AS a, string_agg(x::varchar, ';' ORDER BY x) AS b FROM (VALUES (1/3::float8), (0.1::float8+0.2)) v(x)",
    "SELECT json_object_agg('k', x)::text AS a, jsonb_object_agg('k', x)::text AS b, json_object_agg(x, 1)::text AS c, jsonb_object_agg(x, x)::text AS d FROM (VALUES (1/3::float8)) v(x)",
    'SELECT to_json(x)::text AS a, to_jsonb(x)::text AS b, to_json(y)::text AS c FROM (VALUES (1/3::float8, 2/3::real)) v(x, y)',
  ];
  const mismatches: string[] = [];
  for (const digits of [-15, 0, 1, 3, -4, 2]) {
    await both(`SET extra_float_digits = ${digits}`);
    for (const sql of statements) await check(sql, mismatches);
  }
  await both('RESET extra_float_digits');
  reportMismatches('extra_float_digits in functions', mismatches, statements.length * 6, 0);
});
