/**
 * The exact top-k scan with further ORDER BY keys (`ORDER BY v <-> q, id LIMIT k`) and with the
 * fused binary_quantize comparison (`ORDER BY binary_quantize(v)::bit(n) <~> q, id LIMIT k`),
 * against PostgreSQL 18 + pgvector 0.8.7 (PGlite): many equal distances (small-integer
 * vectors), distances equal in exact arithmetic whose float32 sums differ with the summation
 * order (permuted elements), NULL vectors and NULL keys, DESC and NULLS FIRST / LAST on the
 * further keys, LIMIT / OFFSET, parameters, filters, every operator, halfvec and bit columns.
 * A seeded random part combines them; VECGRES_TOPK_QUERIES raises its budget.
 */
import { test } from 'node:test';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';

const { check, both } = await openSqlPair();
const prng = new Prng(SEED);

const ROWS = 240;
const vec = (xs: number[]): string => `[${xs.join(',')}]`;
const rows: string[] = [];
// Distances tie often: elements from {-2..2}, a few rows repeated; every 17th vector NULL.
for (let i = 1; i <= ROWS; i++) {
  const v = i % 17 === 0 ? 'NULL' : `'${vec([0, 1, 2].map(() => prng.int(5) - 2))}'`;
  const x = i % 7 === 0 ? 'NULL' : String(prng.int(4));
  const t = i % 11 === 0 ? 'NULL' : `'${'abc'[prng.int(3)]}'`;
  rows.push(`(${i}, ${x}, ${t}, ${v})`);
}
await both('CREATE TABLE t (id int PRIMARY KEY, x int, s text, v vector(3))');
await both(`INSERT INTO t VALUES ${rows.join(', ')}`);
// Float vectors whose elements are permutations of one another: from a query with equal
// elements their distances are equal in exact arithmetic, and float32 sums in another order
// (the SIMD kernels') may differ from pgvector's in the last bit.
const base = Array.from({ length: 9 }, () => Math.fround(prng.next() * 2 - 1));
const perms: string[] = [];
for (let i = 1; i <= 120; i++) {
  const p = base.slice();
  for (let j = p.length - 1; j > 0; j--) {
    const k = prng.int(j + 1);
    [p[j], p[k]] = [p[k]!, p[j]!];
  }
  if (i % 5 === 0) p[prng.int(9)] = Math.fround(prng.next());
  perms.push(`(${i}, ${prng.int(3)}, '${vec(p)}', '${p.map((x) => (x > 0 ? 1 : 0)).join('')}')`);
}
await both('CREATE TABLE f (id int PRIMARY KEY, g int, v vector(9), b bit(9))');
await both(`INSERT INTO f VALUES ${perms.join(', ')}, (121, 0, '[0,0,0,0,0,0,0,0,0]', '000000000'), (122, 1, NULL, NULL)`);
await both('CREATE TABLE h (id int PRIMARY KEY, x int, v halfvec(3), b bit(3))');
await both('INSERT INTO h SELECT id, x, v::halfvec, binary_quantize(v)::bit(3) FROM t');

const OPS = ['<->', '<#>', '<=>', '<+>'];

test('exact top-k with further ORDER BY keys: ties, NULLs, DESC, LIMIT / OFFSET, filters', async () => {
  const queries: [string, unknown[]?][] = [
    ["SELECT id, v <-> '[0,0,0]' AS d FROM t ORDER BY v <-> '[0,0,0]', id LIMIT 10"],
    ["SELECT id FROM t ORDER BY v <-> '[1,0,-1]', id DESC LIMIT 12"],
    ["SELECT id, x FROM t ORDER BY v <-> '[1,1,1]', x DESC NULLS FIRST, id LIMIT 15"],
    ["SELECT id, x FROM t ORDER BY v <-> '[1,1,1]', x NULLS FIRST, s DESC, id LIMIT 15 OFFSET 4"],
    ["SELECT id FROM t ORDER BY v <-> '[0,0,0]' NULLS FIRST, id DESC LIMIT 20"],
    ["SELECT id FROM t ORDER BY v <-> '[0,0,0]', x + id, id LIMIT 9"],
    ["SELECT id FROM t WHERE x = 2 ORDER BY v <=> '[1,2,0]', id LIMIT 7"],
    ["SELECT id FROM t WHERE s IS NULL OR x IS NULL ORDER BY v <+> '[2,2,2]', id DESC LIMIT 300"],
    ['SELECT id, v <-> $1 AS d FROM t ORDER BY v <-> $1, id LIMIT $2', ['[1,-1,0]', 11]],
    ['SELECT id FROM t ORDER BY v <#> $1, s NULLS FIRST, id LIMIT 10 OFFSET $2', ['[2,1,0]', 3]],
    ["SELECT id FROM t ORDER BY v <=> '[0,0,0]', id LIMIT 8"],
    ['SELECT id FROM t ORDER BY v <-> NULL, x, id LIMIT 6'],
    ["SELECT id FROM t ORDER BY v <-> '[1,2]', id LIMIT 3"],
    ["SELECT id FROM t WHERE id > 1000 ORDER BY v <-> '[1,2]', id LIMIT 3"],
    ["SELECT id FROM t ORDER BY v <-> '[1,1,1]', id LIMIT 0"],
    ["SELECT id, g FROM f ORDER BY v <-> '[0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5]', id LIMIT 30"],
    ["SELECT id FROM f ORDER BY v <-> '[0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5]', g DESC, id LIMIT 25"],
    ["SELECT id FROM f ORDER BY v <=> '[1,1,1,1,1,1,1,1,1]', id DESC LIMIT 40"],
    ["SELECT id FROM f ORDER BY v <#> '[1,1,1,1,1,1,1,1,1]', id LIMIT 40"],
    ["SELECT id FROM f ORDER BY v <+> '[0,0,0,0,0,0,0,0,0]', id LIMIT 40"],
    ["SELECT id FROM h ORDER BY v <-> '[1,0,0]', id LIMIT 12"],
    ["SELECT id FROM h ORDER BY v <=> '[1,0,0]', x NULLS FIRST, id DESC LIMIT 12"],
    ["SELECT id FROM h ORDER BY v <#> '[1,0,0]', id LIMIT 12"],
    ["SELECT id FROM h ORDER BY b <~> '101', id LIMIT 15"],
    ["SELECT id FROM h ORDER BY b <%> '101', x, id LIMIT 15"],
  ];
  const mismatches: string[] = [];
  for (const [q, params] of queries) await check(q, mismatches, params);
  reportMismatches('top-k with further keys', mismatches, queries.length, SEED);
});

test('binary_quantize(v) compared with a bit string: the fused exact scan', async () => {
  const queries: [string, unknown[]?][] = [
    ["SELECT id FROM f ORDER BY binary_quantize(v)::bit(9) <~> '101010101', id LIMIT 20"],
    ["SELECT id FROM f ORDER BY binary_quantize(v) <~> '111000111', id DESC LIMIT 20"],
    ["SELECT id FROM f ORDER BY binary_quantize(v)::bit(9) <%> '101010101', id LIMIT 20"],
    ["SELECT id FROM f ORDER BY binary_quantize(v) <%> '000000000', g, id LIMIT 20"],
    ["SELECT id FROM f WHERE g <> 1 ORDER BY binary_quantize(v) <~> (SELECT b FROM f WHERE id = 3), id LIMIT 10"],
    ["SELECT id FROM f ORDER BY binary_quantize(v) <~> '1010', id LIMIT 5"],
    ["SELECT id FROM f ORDER BY binary_quantize(v)::bit(4) <~> '1010', id LIMIT 5"],
    ["SELECT id FROM f ORDER BY binary_quantize(v) <~> NULL, id LIMIT 5"],
    ['SELECT id FROM f ORDER BY binary_quantize(v)::bit(9) <~> $1, id LIMIT $2', ['110011001', 7]],
    ["SELECT id FROM t ORDER BY binary_quantize(v)::bit(3) <~> '101', id LIMIT 30"],
    ["WITH c AS (SELECT id, v FROM f ORDER BY binary_quantize(v)::bit(9) <~> (SELECT binary_quantize(v)::bit(9) FROM f WHERE id = 2), id LIMIT 20) " +
      "SELECT id, v <=> (SELECT v FROM f WHERE id = 2) AS d FROM c ORDER BY v <=> (SELECT v FROM f WHERE id = 2), id LIMIT 5"],
  ];
  const mismatches: string[] = [];
  for (const [q, params] of queries) await check(q, mismatches, params);
  reportMismatches('binary_quantize top-k', mismatches, queries.length, SEED);
});

test('EXPLAIN (COSTS OFF): the top-k scan prints as PostgreSQL\'s Sort over a Seq Scan with every key', async () => {
  const queries = [
    "EXPLAIN (COSTS OFF) SELECT id FROM t ORDER BY v <-> '[0,0,0]', id LIMIT 3",
    "EXPLAIN (COSTS OFF) SELECT id FROM t WHERE x > 1 ORDER BY v <-> '[0,0,0]', x DESC NULLS LAST, id LIMIT 3",
  ];
  const mismatches: string[] = [];
  for (const q of queries) await check(q, mismatches);
  reportMismatches('EXPLAIN top-k', mismatches, queries.length, SEED);
});

test(`random top-k queries with further keys (seed ${SEED})`, async () => {
  const budget = Number(process.env['VECGRES_TOPK_QUERIES'] ?? 60);
  const r = new Prng(SEED + 1);
  const pick = <T>(xs: readonly T[]): T => xs[r.int(xs.length)]!;
  const keys = ['x', 'x DESC', 'x NULLS FIRST', 'x DESC NULLS LAST', 's', 's DESC NULLS LAST', 'x + id', 'x * 0'];
  const quals = ['', 'WHERE x > 0', 'WHERE s <> \'a\'', 'WHERE id % 3 = 0', 'WHERE x IS NULL', 'WHERE v IS NULL OR x = 1'];
  const mismatches: string[] = [];
  for (let i = 0; i < budget; i++) {
    const q = vec([0, 1, 2].map(() => r.int(5) - 2));
    const n = r.int(3);
    const extra = Array.from({ length: n }, () => pick(keys));
    // A unique last key: PostgreSQL's order among rows equal on every key is its heapsort's.
    extra.push(pick(['id', 'id DESC']));
    const nulls = pick(['', ' NULLS FIRST', ' NULLS LAST']);
    const limit = pick([1, 3, 10, 25, 300]);
    const offset = pick(['', ' OFFSET 2', ' OFFSET 7']);
    const sql = `SELECT id, x, s FROM t ${pick(quals)} ORDER BY v ${pick(OPS)} '${q}'${nulls}${extra.map((e) => ', ' + e).join('')} LIMIT ${limit}${offset}`;
    await check(sql, mismatches);
  }
  reportMismatches('random top-k', mismatches, budget, SEED);
});
