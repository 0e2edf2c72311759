/**
 * Operator and function resolution with untyped arguments, as PostgreSQL's
 * func_select_candidate: preferred types count only at typed positions and within the input's
 * category, and a category conflict at an unknown position falls through to "assume the known
 * type" before the call is not unique (`date + '12:34'` is 42725: date + integer, date +
 * interval and date + time all fit).
 */
import { test } from 'node:test';
import { openSqlPair } from '../support/sql_pair.js';

const { same } = await openSqlPair();

test('untyped arguments of operators and functions resolve as in PostgreSQL', async () => {
  for (const e of [
    "date '2024-01-01' + '12:34'", "'1 day' + date '2024-01-01'", "'12:00' + date '2024-01-01'", "date '2024-01-01' - '2024-01-01'",
    "timestamp '2024-01-01' + '1 day'", "timestamptz '2024-01-01' + '1 day'", "timestamp '2024-01-01' - '1 day'", "now() - '1 day' IS NOT NULL",
    "interval '1 day' + '1 day'", "time '01:00' + '1:00'", "time '01:00' - '00:30'", "interval '1 day' * '2'", "date '2024-01-01' < '2024-02-01'",
    "timestamptz '2024-01-01' - '2024-01-01 00:00'", "round('2.5')", "abs('-3')", "power(2, '3')", "substr('abc', '2')", "greatest(1, '2')",
    "1 + '2'", "1.5 + '2'", "'[1,2]'::vector <-> '[2,3]'", "l2_distance('[1,2]', '[2,3]')", "cosine_distance('[1,2]'::halfvec, '[2,3]')",
    "'[1,2]' <-> '[2,3]'", "date_trunc('day', '2024-01-01 12:00')", "extract(epoch from '2024-01-01'::date)", "jsonb_build_object('a', '1')::text",
    "'{1}'::int[] || '{2}'",
  ]) {
    await same(`SELECT ${e} AS r`);
  }
});
