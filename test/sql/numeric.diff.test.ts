/**
 * numeric in SQL against PGlite (PostgreSQL 18 + pgvector): the four wrong values of the
 * application-SQL issue that are numeric (float -> numeric text, division scale,
 * pg_size_pretty of a numeric), then numeric(p, s) columns, literals,
 * parameters, arithmetic, comparisons, casts, rounding functions and aggregates, each
 * statement compared with the oracle (rows, type OIDs, or SQLSTATE + message + detail).
 */
import { describe, test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';

const { same, both, check } = await openSqlPair();

describe('the wrong values of the application-SQL issue', () => {
  test('float8 / real -> numeric keep 15 / 6 significant digits', async () => {
    await same('SELECT (1/3::float8)::numeric, 1e-7::float8::numeric, (0.1::real)::numeric');
    await same('SELECT (2/3::real)::numeric, 1e300::float8::numeric, (-1.5e-300)::float8::numeric, 123456789::real::numeric');
  });

  test('numeric division uses select_div_scale', async () => {
    await same('SELECT 7/2.0, 1/30.0');
    await same('SELECT 1/3.0, 2.000000/7, 100000/3.0, 0.0001/7, 1e-20/3, 10.0/4, 7.0/7.0');
  });

  test('pg_size_pretty(avg(...)) prints the numeric with its scale', async () => {
    await both("CREATE TABLE sz (id int, e vector(2)); INSERT INTO sz VALUES (1, '[1,2]'), (2, '[3,4]')");
    await same('SELECT pg_size_pretty(avg(pg_column_size(e))) FROM sz');
    await same('SELECT pg_size_pretty(sum(pg_column_size(e))) FROM sz');
    await same('SELECT pg_size_pretty(123456.789), pg_size_pretty(10239.5), pg_size_pretty(-10240.5), pg_size_pretty(1e20)');
    await same('SELECT pg_size_pretty(5)');
    await same('SELECT pg_size_pretty(5::bigint)');
  });
});

describe('numeric(p, s) columns', () => {
  test('values keep their scale; typmods round and check', async () => {
    await both('CREATE TABLE nt (id int PRIMARY KEY, x numeric(6,2), y numeric, z numeric(3,-1))');
    await same("INSERT INTO nt VALUES (1, 1.5, 1.50, 15), (2, 3, 1e-3, 4), (3, '2.345', 'NaN', -25), (4, -0.005, 'Infinity', 0)");
    await same('INSERT INTO nt VALUES (5, 12345.678, 0, 0)');
    await same('INSERT INTO nt VALUES (6, 1, 0, 9999)');
    await same("INSERT INTO nt VALUES (7, 'Infinity', 0, 0)");
    await same("INSERT INTO nt VALUES (8, 'abc', 0, 0)");
    await same('INSERT INTO nt VALUES (9, 2.5::float8, 0.1::real, 12.5::real)');
    await same('INSERT INTO nt VALUES (10, 9999.995, 1, 1)');
    await same('INSERT INTO nt VALUES ($1, $2, $3, $4)', [11, 2.675, '123.4500', 7]);
    await same('INSERT INTO nt VALUES ($1, $2, $3, $4)', [12, '1e3', 1e21, '-0']);
    await same('SELECT * FROM nt ORDER BY id');
    await same('SELECT id, x FROM nt ORDER BY x, id');
    await same('SELECT id, y FROM nt ORDER BY y DESC, id');
    await same('UPDATE nt SET x = x * 2 + 0.001 WHERE id < 4');
    await same('UPDATE nt SET x = x * 1000 WHERE id = 1');
    await same('SELECT id, x, y, z FROM nt ORDER BY id');
  });

  test('comparisons with integers, floats and literals', async () => {
    await same('SELECT id FROM nt WHERE x = 1.5 ORDER BY id');
    await same('SELECT id FROM nt WHERE x > 2 ORDER BY id');
    await same('SELECT id FROM nt WHERE y < 0.5 ORDER BY id');
    await same("SELECT id FROM nt WHERE y = 'NaN' ORDER BY id");
    await same('SELECT id FROM nt WHERE x BETWEEN 1 AND 3.5 ORDER BY id');
    await same('SELECT id FROM nt WHERE x IN (1.5, 3, 4.69) ORDER BY id');
    await same('SELECT id FROM nt WHERE y > 0.1::float8 ORDER BY id');
    await same('SELECT 0.1::numeric = 0.1::float8, 0.1::numeric = 0.1::real, 1.5 = 1.50, 2 > 1.999, 1e-30 > 0');
  });

  test('arithmetic and result types', async () => {
    await same('SELECT id, x + 1, x - y, x * z, x / 3, x % 1, -x, abs(x - 10) FROM nt WHERE id <= 4 ORDER BY id');
    await same('SELECT 1.5 + 1, 1.5 * 2::bigint, 1.5 + 1.5::float4, 1.5 * 2.5::float8, 10 % 3.5, 5 / 0.0');
    await same('SELECT 9.99 % 0');
    await same("SELECT 'Infinity'::numeric + 1, 'Infinity'::numeric - 'Infinity', 0 * 'Infinity'::numeric, 'NaN'::numeric / 0");
    await same("SELECT 'Infinity'::numeric / 0");
  });

  test('rounding functions: numeric exact, integers and floats through double precision', async () => {
    await same('SELECT round(1.5, 3), round(-2.5), round(1234.5, -2), trunc(1.999, 1), ceil(-1.5), floor(1.5), ceiling(0.1)');
    await same('SELECT round(2.5::float8), round(-2.5::float8), round(5), trunc(5), ceil(-0.5::float8), floor(7::bigint)');
    await same('SELECT round(5, 2), trunc(-0.5), sign(-3.2), sign(0.0), sign(2::float8), div(7.5, 2), mod(7.5, 2)');
    await same("SELECT round('NaN'::numeric, 2), trunc('Infinity'::numeric), floor('-Infinity'::numeric)");
    await same('SELECT id, round(x, 1), trunc(y, 2) FROM nt WHERE id <= 4 ORDER BY id');
  });

  test('casts to and from integers, floats and text', async () => {
    await same('SELECT 1.5::int, 2.5::int, -2.5::int, 2.5::bigint, 1.5::float8, 1.5::real, 1.50::text');
    await same('SELECT 1e10::int');
    await same("SELECT 'NaN'::numeric::int");
    await same("SELECT 'Infinity'::numeric::bigint");
    await same('SELECT 1e400::numeric::float8');
    await same('SELECT 12.345::numeric(4,2)');
    await same('SELECT 123.45::numeric(4,2)');
    await same('SELECT 1.5::numeric(1001,2)');
    await same('SELECT 1.5::numeric(5,1001)');
    await same("SELECT '1.5'::numeric(3), '0.001'::numeric(3,5), 'NaN'::numeric(3,1)");
    await same("SELECT '12.5'::text::numeric(4,1), x::text FROM nt WHERE id = 1");
  });

  test('aggregates: exact sums, avg at PostgreSQL scale, min / max by value', async () => {
    await same('SELECT sum(x), avg(x), min(x), max(x), count(x) FROM nt');
    await same('SELECT sum(y), avg(y), min(y), max(y) FROM nt');
    await same('SELECT sum(z), avg(z), avg(id), sum(id::bigint) FROM nt');
    await same('SELECT id % 3 AS g, sum(x) AS s, avg(x) AS a FROM nt GROUP BY id % 3 ORDER BY g');
    await same('SELECT sum(x) FROM nt WHERE id > 100');
    // Equal values of different scales are one group (the first value seen is printed).
    await both('CREATE TABLE ng (id int, v numeric); INSERT INTO ng VALUES (1, 1.5), (2, 1.50), (3, 2.0), (4, 2), (5, 2.000)');
    await same('SELECT v, count(*) FROM ng GROUP BY v ORDER BY v');
  });

  test('a numeric primary key compares by value: 1.5 and 1.50 are one key', async () => {
    await both('CREATE TABLE npk (k numeric PRIMARY KEY, v text)');
    for (const sql of [
      "INSERT INTO npk VALUES (1.5, 'a')",
      "INSERT INTO npk VALUES (1.50, 'b')",
      "INSERT INTO npk VALUES (1.500, 'c') ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v || npk.v RETURNING *",
      'SELECT * FROM npk WHERE k = 1.5000',
      'UPDATE npk SET k = 2.0 WHERE k = 1.5 RETURNING *',
      "INSERT INTO npk VALUES (2, 'd')",
    ]) await same(sql);
  });
});

describe('random numeric expressions', () => {
  test('300 random expressions over literals, columns and parameters', async () => {
    const rng = new Prng(SEED ^ 0x4e554d);
    const lits = ['0', '1', '-1', '2.5', '-2.50', '0.001', '1e5', '123456789012345678901234567890.5', '3', '7.000', "'NaN'::numeric", "'Infinity'::numeric", '1::bigint', '2.5::float8'];
    const ops = ['+', '-', '*', '/', '%'];
    const term = (): string => {
      const k = rng.int(6);
      if (k === 0) return ['x', 'y', 'z'][rng.int(3)]!;
      if (k === 1) return `round(${lits[rng.int(lits.length)]}::numeric, ${rng.int(7) - 3})`;
      return lits[rng.int(lits.length)]!;
    };
    const mismatches: string[] = [];
    let total = 0;
    for (let i = 0; i < 300; i++) {
      const e = `${term()} ${ops[rng.int(ops.length)]} ${term()}`;
      const cmp = `${term()} ${['<', '=', '>='][rng.int(3)]} ${term()}`;
      await check(`SELECT id, ${e}, ${cmp} FROM nt WHERE id <= 4 ORDER BY id`, mismatches);
      total++;
    }
    reportMismatches('numeric expressions', mismatches, total, SEED);
  });
});
