import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openSqlPair } from '../support/sql_pair.js';
import { compareNumeric, parseNumeric } from '../../src/types/numeric.js';

const { same, both } = await openSqlPair();
await both(`CREATE TABLE num_t (g integer, x integer, y bigint);
  INSERT INTO num_t VALUES (1, 9, 1), (1, 10, 2), (2, 10, 9223372036854775807), (2, 11, 9223372036854775807),
    (3, 9, 5), (3, 10, 5), (4, -3, -9223372036854775807), (4, -4, -9223372036854775807)`);

test('numeric aggregate results order and compare by value, as PostgreSQL', async () => {
  // avg(int) and sum(bigint) are numeric: "10.5" must sort after "9.5", not as text.
  await same('SELECT g, avg(x) AS a FROM num_t GROUP BY g ORDER BY a, g');
  await same('SELECT g, avg(x) AS a FROM num_t GROUP BY g ORDER BY a DESC, g');
  await same('SELECT g, sum(y) AS s FROM num_t GROUP BY g ORDER BY s, g');
  await same('SELECT g FROM num_t GROUP BY g HAVING avg(x) > 9.6 ORDER BY g');
  await same('SELECT g FROM num_t GROUP BY g HAVING avg(x) = 9.5 ORDER BY g');
  await same('SELECT g FROM num_t GROUP BY g HAVING sum(y) < 0 ORDER BY g');
});

test('compareNumeric orders numeric values and integers by exact value', () => {
  const N = parseNumeric;
  assert.equal(compareNumeric(N('10.5'), N('9.5')), 1);
  assert.equal(compareNumeric(N('9.5000000000000000'), 9.5), 0);
  assert.equal(compareNumeric(N('-0.0'), 0), 0);
  assert.equal(compareNumeric(N('0.1'), 0.1), 0); // a number stands for the decimal it was read from
  assert.equal(compareNumeric(N('0.10000000000000001'), 0.1), 1);
  assert.equal(compareNumeric(N('18446744073709551614'), 18446744073709551615n), -1);
  assert.equal(compareNumeric(N('NaN'), 1e308), 1);
  assert.equal(compareNumeric(N('NaN'), N('NaN')), 0);
  assert.equal(compareNumeric(N('1e3'), 999.9999), 1);
  const seed = Number(process.env['VECGRES_SEED'] ?? 20261121);
  // Doubles against their own shortest decimal text: equal; and order agrees with the doubles'.
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), (a, b) => {
      assert.equal(compareNumeric(N(String(a)), a), 0);
      assert.equal(Math.sign(compareNumeric(N(String(a)), N(String(b)))), Math.sign(a < b ? -1 : a > b ? 1 : 0));
    }),
    { seed, numRuns: 2000 },
  );
});
