/**
 * Casts between bit(n) and integer / bigint (PostgreSQL's bitfromint4, bitfromint8, bittoint4,
 * bittoint8) against PGlite: two's complement, sign fill, truncation to the low bits, bit
 * without a length as bit(1), out-of-range strings, and the casts PostgreSQL does not have
 * (smallint, numeric, bit varying; none of them implicit).
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { same, both } = await openSqlPair();

test('integer and bigint to bit(n)', async () => {
  for (const sql of [
    'SELECT 1::bit(8), 255::bit(8), 300::bit(8), 0::bit(3), 5::bit, 6::bit',
    'SELECT (-1)::bit(4), (-1)::bit(40), (-2)::bit(33), (-2147483648)::bit(32), 2147483647::bit(32), 2147483647::bit(31)',
    'SELECT 5::int8::bit(64), (-2)::int8::bit(70), 9223372036854775807::bit(64), (-9223372036854775808)::bit(64), 4294967296::bit(40), 4294967296::bit(8)',
    "SELECT '7'::int2::bit(4)",
    'SELECT 1.5::bit(3)',
    'SELECT 5::varbit(8)',
    'SELECT 3::bit(2) || 1::bit(1), (100::bit(10))::text',
  ]) await same(sql);
});

test('bit(n) to integer and bigint', async () => {
  for (const sql of [
    "SELECT B'0101'::int4, B'11111111'::int, B''::bit(0)::int4",
    "SELECT B'1111111111111111111111111111111'::int4",
    "SELECT B'11111111111111111111111111111111'::int4, B'10000000000000000000000000000000'::int4",
    "SELECT B'111111111111111111111111111111111'::int4",
    "SELECT B'101'::bit(64)::int8, B'0101'::int8::bit(4), B'11'::int8",
    "SELECT B'1111111111111111111111111111111111111111111111111111111111111111'::int8",
    "SELECT B'11111111111111111111111111111111111111111111111111111111111111111'::int8",
    "SELECT B'101'::varbit::int4",
    "SELECT B'101'::int2",
    "SELECT (255::bit(8))::int, (-5)::bit(16)::int4, (-5)::int8::bit(64)::int8",
  ]) await same(sql);
});

test('the casts are explicit only, from columns too', async () => {
  await both('CREATE TABLE bits (b bit(8), i int, g bigint)');
  await same("INSERT INTO bits VALUES (B'00001111', 15, -3), (NULL, NULL, NULL), (B'10000000', -1, 9007199254740993)");
  await same('SELECT b::int, b::int8, i::bit(8), g::bit(12), i::bit(40) FROM bits ORDER BY i');
  await same('INSERT INTO bits (b) VALUES (5)');
  await same("INSERT INTO bits (i) VALUES (B'101')");
  await same('SELECT b = 15 FROM bits');
  await same('SELECT * FROM bits WHERE b::int > 10 ORDER BY i');
});
