/**
 * Bitwise operators of integers (int2and ... int8shr, int*not) and of bit strings (bit_and,
 * bit_or, bitxor, bitnot, bitshiftleft, bitshiftright) and the bit-string functions (length,
 * bit_length, octet_length, bit_count, get_bit, set_bit, substring, position), with bytea's
 * get_bit / set_bit / bit_count, against PGlite: values, result types through a table, C's
 * shift semantics (counts modulo the width, wrap-around), and PostgreSQL's errors.
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';

const { same, both } = await openSqlPair();

test('integer & | # ~ << >> at each width', async () => {
  for (const sql of [
    'SELECT 5 & 3, 5 | 3, 5 # 3, ~5, 1 << 4, 256 >> 2, -8 >> 1, ~0, ~(-1)',
    'SELECT 1 << 31, 1 << 32, 1 << 33, 1 << -1, 7 >> 40, -1 >> 31, 2147483647 << 1',
    'SELECT 5::int8 & 3, 1::int8 << 63, 1::int8 << 64, 1::int8 << 65, ~5::int8, (-9223372036854775808)::int8 >> 63, 9007199254740993 | 1',
    'SELECT 5::int2 | 3::int2, 1::int2 << 15, 1::int2 << 16, 16384::int2 << 1, (-32768)::int2 >> 3, ~5::int2, 3::int2 & 6',
    "SELECT '12' & 10, 12 # '10', '1' << 3",
    'SELECT 5 & 2.5',
    'SELECT 5.0 | 1',
    'SELECT 1.5 << 1',
    'SELECT true & false',
    'SELECT 6 & 3 | 8, 1 << 2 + 1, ~1 & 3',
  ]) await same(sql);
});

test('bit string operators', async () => {
  for (const sql of [
    "SELECT B'101' & B'011', B'101' | B'011', B'101' # B'011', ~B'101', ~B'1010101010'",
    "SELECT B'10110' << 2, B'10110' >> 2, B'101' << -1, B'101' >> -2, B'101' << 3, B'101' << 100, B'' << 1",
    "SELECT B'101'::varbit & B'011', ~B'101'::varbit, B'1'::varbit(5) | B'0'",
    "SELECT X'F0F' & X'0FF', X'ABC' # X'FFF'",
    "SELECT B'101' & B'01'",
    "SELECT B'101' | B'1011'",
    "SELECT B'101' # B''",
    "SELECT B'101' & '011', '110' | B'011'",
  ]) await same(sql);
});

test('bit string functions and their errors', async () => {
  for (const sql of [
    "SELECT length(B'101'), bit_length(B'101'), octet_length(B'101010101'), bit_count(B'1011'), length(B''), octet_length(B'')",
    "SELECT get_bit(B'1011', 0), get_bit(B'1011', 1), get_bit(B'1011', 3), set_bit(B'1011', 1, 1), set_bit(B'1011', 0, 0)",
    "SELECT get_bit(B'101', 3)",
    "SELECT get_bit(B'101', -1)",
    "SELECT set_bit(B'101', 0, 2)",
    "SELECT set_bit(B'101', 5, 1)",
    "SELECT substring(B'101101' from 2 for 3), substring(B'101101' from 3), substring(B'101101' from 0 for 3), substring(B'101101' from -5 for 3), substring(B'101101' from 9), substring(B'101101' from 2 for 100)",
    "SELECT substring(B'101101' from 2 for -1)",
    "SELECT substring(B'101101', 2, 2147483647)",
    "SELECT position(B'01' in B'1101'), position(B'' in B'1101'), position(B'1' in B''), position(B'111' in B'11'), position(B'0' in B'111')",
    "SELECT bit_length('abc'), bit_length('é'), bit_length('\\x0102'::bytea)",
    "SELECT get_bit('\\x0f'::bytea, 3), get_bit('\\x0f'::bytea, 4), set_bit('\\x00'::bytea, 9, 1)",
    "SELECT set_bit('\\x0000'::bytea, 9, 1), set_bit('\\xffff'::bytea, 0, 0), bit_count('\\xff01'::bytea)",
    "SELECT get_bit('\\x00'::bytea, 8)",
    "SELECT length(B'101'::varbit), bit_count(B'1111'::varbit(10))",
  ]) await same(sql);
});

test(`bitwise operators over table columns, seeded (seed ${SEED})`, async () => {
  const prng = new Prng(SEED);
  await both('CREATE TABLE bw (id int, s int2, i int4, g int8, b bit(12), v varbit(16))');
  const rows: string[] = [];
  const bits = (n: number) => Array.from({ length: n }, () => (prng.int(2) === 1 ? '1' : '0')).join('');
  for (let r = 0; r < 40; r++) {
    const s = prng.int(65536) - 32768;
    const i = prng.int(2 ** 31) * (prng.int(2) === 1 ? -1 : 1);
    const g = `${prng.int(2) === 1 ? '-' : ''}${prng.int(2 ** 31)}${prng.int(1e9)}`;
    rows.push(r % 9 === 8 ? `(${r}, NULL, NULL, NULL, NULL, NULL)` : `(${r}, ${s}, ${i}, ${g}, B'${bits(12)}', B'${bits(prng.int(17))}')`);
  }
  await same(`INSERT INTO bw VALUES ${rows.join(', ')}`);
  await same('SELECT id, s & 255::int2, s | i, i # (i >> 3), g & i, g # g >> 7, ~s, ~i, ~g, i << (id % 40), g << (id % 70), s >> (id % 20) FROM bw ORDER BY id');
  await same("SELECT id, b & B'101010101010', b | ~b, b # (b << 3), b >> (id % 14), get_bit(b, id % 12), set_bit(b, id % 12, id % 2), bit_count(b), length(v), octet_length(v), position(B'11' in v), substring(v from id % 5 for 4) FROM bw ORDER BY id");
  await same('SELECT count(*) FROM bw WHERE i & 1 = 1 AND (g >> 2) & 3 = 2');
});
