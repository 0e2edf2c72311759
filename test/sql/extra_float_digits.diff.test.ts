/**
 * extra_float_digits against PostgreSQL 18 + pgvector (PGlite): real and double precision
 * output (result values, casts to text, `||`, arrays, COPY TO) at every setting from -15 to 3,
 * for seeded random values of every magnitude, exact decimal ties (k / 2^j), NaN, infinities
 * and -0; pgvector's vector, halfvec and sparsevec output beside them (which ignores the
 * setting, as vector_out does); SET, SHOW, pg_settings and the range errors.
 * VECGRES_SEED picks the seed, VECGRES_FLOAT_DIGITS_CASES asks for more values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches, normalize } from '../support/sql_pair.js';
import { Prng } from '../../src/common/prng.js';
import { startPglite } from '../support/pglite_start.js';

const pair = await openSqlPair();
const { db, check, same, both } = pair;
const seed = Number(process.env['VECGRES_SEED'] ?? 20261202);
const cases = Number(process.env['VECGRES_FLOAT_DIGITS_CASES'] ?? 48);

/** A double of random magnitude, a short decimal, or an exact binary fraction (a tie for %g). */
function randomValue(p: Prng): string {
  const r = p.next();
  const sign = p.next() < 0.3 ? '-' : '';
  if (r < 0.4) return sign + String((p.next() + 0.01) * 10 ** (p.int(60) - 30));
  if (r < 0.6) return sign + (p.int(100000) / 10 ** p.int(8)).toString();
  if (r < 0.85) return sign + String((2 * p.int(2000) + 1) / 2 ** (1 + p.int(10)));
  return ['NaN', 'Infinity', '-Infinity', '-0', '0', '1e20', '1e-5', '123456789012345678', '3.4028234e38', '1.17549435e-38', '5e-324', '1.7976931348623157e308'][p.int(12)]!;
}

test(`random values at every extra_float_digits agree with PostgreSQL (seed ${seed}, ${cases} values)`, async () => {
  const p = new Prng(seed);
  const values: string[] = [];
  for (let i = 0; i < cases; i++) values.push(randomValue(p));
  const mismatches: string[] = [];
  let n = 0;
  for (let digits = -15; digits <= 3; digits++) {
    await both(`SET extra_float_digits = ${digits}`);
    for (let i = 0; i < values.length; i += 8) {
      const batch = values.slice(i, i + 8);
      const d = batch.map((v) => `'${v}'::float8`);
      const f = batch.map((v) => `'${v}'::float8::float4`);
      // As text (NaN and -0 survive), and as values (the embedded API's numbers, parsed as PGlite parses float8out's text).
      await check(`SELECT ${d.map((x, k) => `${x}::text AS d${k}, ${f[k]}::text AS f${k}`).join(', ')}`, mismatches);
      await check(`SELECT ${d.map((x, k) => `${x} AS d${k}, ${f[k]} AS f${k}`).join(', ')}`, mismatches);
      await check(`SELECT ARRAY[${d.join(', ')}]::text AS da, ARRAY[${f.join(', ')}] AS fa, 'x' || ${d[0]} AS cat, ${f[0]} || 'y' AS cat4`, mismatches);
      n += 3;
    }
    // pgvector's output functions print shortest digits whatever the setting.
    await check(`SELECT '[0.33333334,1e-07,123456.79,-0]'::vector AS v, '[0.333,65504,-1e-4]'::halfvec AS h, '{1:0.3333333,3:1e-20}/4'::sparsevec AS s, '[0.33333334]'::vector::text AS vt`, mismatches);
    n++;
  }
  await both('RESET extra_float_digits');
  reportMismatches(`extra_float_digits (seed ${seed})`, mismatches, n, seed);
});

test('extra_float_digits: SET range and syntax errors, SHOW, RESET, pg_settings row', async () => {
  await same("SELECT name, setting, unit, category, short_desc, extra_desc, context, vartype, min_val, max_val, boot_val, reset_val FROM pg_settings WHERE name = 'extra_float_digits'");
  await same('SHOW extra_float_digits');
  for (const v of ['4', '-16', "'abc'", '2.5', '-0.4', '3']) {
    await same(`SET extra_float_digits = ${v}`);
    await same('SHOW extra_float_digits');
  }
  await same("SELECT current_setting('extra_float_digits'), 1.0/3::float8 AS third");
  await same('BEGIN');
  await same('SET LOCAL extra_float_digits = -5');
  await same('SELECT pi() AS p, pi()::real AS r');
  await same('COMMIT');
  await same('SELECT pi() AS p, pi()::real AS r');
  await same('RESET extra_float_digits');
  await same('SELECT pi()::text AS p');
});

test('float input out of range and float8 to real overflow fail as in PostgreSQL', async () => {
  for (const v of ['1e39', '-1e39', '1e-50', '3.4028236e38', '1e-45', '1.5e-45', '0e-400', '0.0']) {
    await same(`SELECT '${v}'::real AS r`);
    await same('SELECT $1::real AS r', [v]);
  }
  for (const v of ['1e400', '-1e309', '1e-400', '4e-324', '2e-324', '0e999', '-0.000']) {
    await same(`SELECT '${v}'::float8::text AS d`);
  }
  for (const v of ['1e39', '1e-46', '-1e-300', '3.4028235e38', '1e-45']) await same(`SELECT '${v}'::float8::real::text AS r`);
});

test('a prepared statement with a cast of a constant prints with the setting of each execution', async () => {
  // The analysis of `1.0/3::float8 ... ::text` is cached by SQL text: the cast is not folded.
  const sql = "SELECT (1::float8 / 3)::text AS a, '0.1'::float4::text AS b, ('2.5'::float8)::varchar AS c";
  for (const digits of [1, 0, -14, 3]) {
    await both(`SET extra_float_digits = ${digits}`);
    await same(sql);
  }
  await both('RESET extra_float_digits');
});

test('COPY TO prints real and double precision with the session setting, byte for byte', async () => {
  // The shared oracle's results carry no blob: COPY runs on a PGlite of its own.
  const pg = await startPglite({ extensions: {} });
  try {
    const setup = "CREATE TABLE fl (i int, d float8, r real, a float8[]); INSERT INTO fl VALUES (1, 1.0/3, 1.0/3, '{0.1,2.5,NaN}'), (2, '-0', 'Infinity', NULL), (3, 1e-7, 123456.789, '{1e300}')";
    await pg.exec(setup);
    await db.exec(setup);
    for (const digits of [0, -3, 1]) {
      for (const f of ['', 'WITH (FORMAT csv)']) {
        const sql = `COPY (SELECT * FROM fl ORDER BY i) TO '/dev/blob' ${f}`;
        await pg.exec(`SET extra_float_digits = ${digits}`);
        await db.exec(`SET extra_float_digits = ${digits}`);
        const theirs = await pg.query(sql);
        const ours = await db.query(sql);
        const a = Buffer.from(await theirs.blob!.arrayBuffer()).toString();
        const b = Buffer.from(await ours.blob!.arrayBuffer()).toString();
        assert.equal(b, a, `${sql} at extra_float_digits = ${digits}`);
      }
    }
    const rows = normalize((await db.query('SELECT count(*) AS n FROM fl')).rows);
    assert.deepEqual(rows, normalize((await pg.query('SELECT count(*) AS n FROM fl')).rows));
  } finally {
    await db.exec('RESET extra_float_digits; DROP TABLE fl');
    await pg.close();
  }
});
