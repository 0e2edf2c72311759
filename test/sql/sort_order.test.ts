/**
 * The Sort node's selections (sql/exec/sort_order.ts) against the full stable sort: a top-N
 * heap (boundedOrder) must return the first `bound` items of sortOrder, and groupLimitOrder
 * (and its streaming form, sql/exec/group_limit.ts) the items of sortOrder that are among the
 * first `limit` of their run equal on the leading keys, in the same order. Random items with
 * few distinct values (many ties), NULLs, DESC and NULLS FIRST keys, text, float (with -0 and
 * NaN), numeric-typed and integer keys (some past group_limit.ts's flat table). Seeded
 * (VECGRES_SEED replays a run); VECGRES_SORT_ORDER_RUNS asks for more cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import type { Value } from '../../src/storage/table.js';
import type { SqlType } from '../../src/sql/analyze/types.js';
import { comparatorFor } from '../../src/sql/analyze/expr.js';
import { boundedOrder, groupLimitOrder, groupableTypes, rowComparator, sortOrder, type SortKeyOrder } from '../../src/sql/exec/sort_order.js';
import { keyText } from '../../src/sql/exec/hash_key.js';
import { GROUP_LIMIT_STREAM_MAX, GroupLimitBuffer } from '../../src/sql/exec/group_limit.js';
import { SEED } from '../support/seed.js';

const RUNS = Number(process.env['VECGRES_SORT_ORDER_RUNS'] ?? 300);
const TYPES: SqlType[] = ['int4', 'int8', 'float8', 'text', 'bool'];

function value(rng: Prng, type: SqlType): Value {
  if (rng.int(6) === 0) return null;
  switch (type) {
    case 'int4':
      // Past the flat table of group_limit.ts now and then (those keys are hashed).
      return rng.int(8) === 0 ? 2 ** 20 - 1 + rng.int(2) : rng.int(4) - 1;
    case 'int8':
      return rng.int(4) - 1;
    case 'float8':
      return [0, -0, 1.5, -2, NaN, Infinity][rng.int(6)]!;
    case 'text':
      return ['a', 'b', 'B', ''][rng.int(4)]!;
    default:
      return rng.int(2) === 0;
  }
}

test('boundedOrder and groupLimitOrder select from the full stable sort', () => {
  const rng = new Prng(SEED);
  for (let run = 0; run < RUNS; run++) {
    const n = rng.int(60);
    const nk = 1 + rng.int(3);
    const types = Array.from({ length: nk }, () => TYPES[rng.int(TYPES.length)]!);
    const keys: SortKeyOrder[] = types.map((t) => {
      const desc = rng.int(2) === 0;
      return { desc, nullsFirst: rng.int(3) === 0 ? !desc : desc, cmp: comparatorFor(t) as SortKeyOrder['cmp'] };
    });
    const vals: Value[][] = types.map((t) => Array.from({ length: n }, () => value(rng, t)));
    const full = Array.from(sortOrder(keys, vals, n));
    const cmp = rowComparator(keys, vals, n);
    const what = `seed ${SEED} run ${run}: types ${types.join(',')} keys ${JSON.stringify(keys.map((k) => [k.desc, k.nullsFirst]))} vals ${JSON.stringify(vals)}`;

    const bound = rng.int(n + 3);
    assert.deepEqual(Array.from(boundedOrder(cmp, n, bound)), full.slice(0, bound), `boundedOrder ${bound}, ${what}`);

    const prefix = rng.int(nk + 1);
    assert.ok(groupableTypes(types.slice(0, prefix)));
    for (const limit of [0, 1, 2, 3, 9, rng.int(12)]) {
      const group = (i: number): string => types.slice(0, prefix).map((t, k) => keyText(vals[k]![i]!, t)).join('|');
      const seen = new Map<string, number>();
      const want = full.filter((i) => {
        const c = seen.get(group(i)) ?? 0;
        seen.set(group(i), c + 1);
        return c < limit;
      });
      const got = Array.from(groupLimitOrder(cmp, vals, types, prefix, n, limit));
      assert.deepEqual(got, want, `groupLimitOrder prefix ${prefix} limit ${limit}, ${what}`);
      if (limit >= 1 && limit <= GROUP_LIMIT_STREAM_MAX) {
        // The streaming selection: item i arrives as the tuple [i] with its key values.
        const buf = new GroupLimitBuffer(keys, types, prefix, limit);
        for (let i = 0; i < n; i++) buf.offer([i], vals.map((col) => col[i]!));
        const streamed = buf.finish().map((row) => row[0] as number);
        assert.deepEqual(streamed, want, `GroupLimitBuffer prefix ${prefix} limit ${limit}, ${what}`);
      }
    }
  }
});

test('groupableTypes admits only types whose hash key is their sort equality', () => {
  assert.ok(groupableTypes(['int4', 'numeric', 'float8', 'text', 'varchar', 'bool', 'int2', 'int8', 'float4']));
  for (const t of ['bpchar', 'vector', 'jsonb', 'bytea'] as SqlType[]) assert.ok(!groupableTypes([t]), t);
});
