/**
 * Differential tests of halfvec against pgvector (PGlite: PostgreSQL 18 + pgvector 0.8.7):
 * text input/output, typmods, binary send, every operator and function, against the oracle's
 * exact text. Random cases are seeded (VECGRES_SEED replays a failure).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { oracleForFile } from '../support/pglite.js';
import { differential, oracleBatch, ours, split2, type Outcome } from '../support/oracle_batch.js';
import { SEED } from '../support/seed.js';
import {
  formatHalfvec,
  halfvecAdd,
  halfvecBinaryQuantize,
  halfvecCmp,
  halfvecConcat,
  halfvecCosineDistance,
  halfvecDims,
  halfvecInnerProduct,
  halfvecL1Distance,
  halfvecL2Distance,
  halfvecL2Normalize,
  halfvecMul,
  halfvecNegativeInnerProduct,
  halfvecNorm,
  halfvecRecv,
  halfvecSend,
  halfvecSub,
  halfvecSubvector,
  halfvecTypmodIn,
  parseHalfvec,
} from '../../src/types/halfvec.js';
import { formatBit } from '../../src/types/bit.js';
import { formatFloat8 } from '../../src/types/float.js';
import { Prng } from '../../src/common/prng.js';

// Random cases per property: 400 in CI, more with VECGRES_TYPE_RUNS.
const RUNS = Number(process.env['VECGRES_TYPE_RUNS'] ?? 400);
const oracle = await oracleForFile();

/** A random halfvec literal: mixes magnitudes around the half range and its subnormals. */
function randomLiteral(prng: Prng, dim: number, kind: number): string {
  const xs: string[] = [];
  for (let i = 0; i < dim; i++) {
    const r = prng.next() * 2 - 1;
    let x: number;
    if (kind === 0) x = r;
    else if (kind === 1) x = Math.round(r * 10);
    else if (kind === 2) x = r * 2 ** (prng.int(44) - 28); // subnormal halves .. near overflow
    else if (kind === 3) x = prng.int(4) === 0 ? 0 : r * 300; // products overflow
    else x = r * 1e-3;
    xs.push(String(Math.fround(x)));
  }
  return '[' + xs.join(',') + ']';
}

describe('halfvec against pgvector', () => {
  const handTable = [
    '[1,2,3]', ' [ 1 , 2 , 3 ] ', '[0.1]', '[-0]', '[0]', '[+1]', '[.5]', '[1e3]', '[1e-3]', '[65504]', '[65519]',
    '[65519.99]', '[65520]', '[-65520]', '[65536]', '[1e5]', '[-1e5]', '[1e38]', '[1e39]', '[1e-39]', '[1e-46]', '[6e-8]',
    '[5.960464477539063e-8]', '[2.9802322387695312e-8]', '[2.98023225e-8]', '[2.9802323e-8]', '[1e-8]', '[-1e-8]',
    '[6.1035156e-5]', '[6.097555e-5]', '[2049]', '[2051]', '[4097]', '[0.333333]', '[inf]', '[-inf]', '[nan]', '[0x1p-24]',
    '[0x1p-25]', '[0x1.8p-25]', '[0x1p15]', '[0x1p16]', '[]', '[ ]', '', '[', '[1,]', '[,1]', '[1 2]', '[1,2] x', '1,2', '{1}',
    '[1,2]]', '[' + '1,'.repeat(15999) + '1]', '[' + '1,'.repeat(16000) + '1]', '[' + '0,'.repeat(16005),
  ];

  test('hand-written edge cases: text in/out, or error code, message and detail', async () => {
    await differential(oracle, '$x::halfvec', handTable, (x) => formatHalfvec(parseHalfvec(x)));
  });

  test('typmods', async () => {
    const cases = ['[1,2,3]|3', '[1,2,3]|2', '[1]|0', '[1]|-1', '[1]|16000', '[1]|16001', '[1]|1,2'];
    for (const c of cases) {
      const [lit, mods] = split2(c);
      const expected = await oracle.tryText(`'${lit}'::halfvec(${mods})`);
      const exp: Outcome = expected.ok
        ? { ok: true, text: expected.text }
        : { ok: false, code: expected.code, message: expected.message, detail: expected.detail ?? null };
      const actual = ours(() => formatHalfvec(parseHalfvec(lit, halfvecTypmodIn(mods.split(',').map(Number)))));
      assert.deepEqual(actual, exp, c);
    }
  });

  test(`${RUNS} random half bit patterns print, parse and send as pgvector does`, async () => {
    const prng = new Prng(SEED ^ 0x51ed270b);
    const lits: string[] = [];
    for (let b = 0; b < 4; b++) {
      const h = new Uint16Array(RUNS / 4);
      for (let i = 0; i < h.length; i++) {
        let u: number;
        do u = prng.nextU32() & 0xffff;
        while ((u & 0x7c00) === 0x7c00);
        h[i] = u;
      }
      lits.push(formatHalfvec(h));
    }
    const expected = await oracleBatch(oracle, '$x::halfvec', lits);
    for (let b = 0; b < lits.length; b++) assert.deepEqual(expected[b], { ok: true, text: lits[b] }, `VECGRES_SEED=${SEED}`);
    const r = await oracle.query('select halfvec_send(x::halfvec) as b from unnest($1::text[]) with ordinality t(x, i) order by i', [lits]);
    for (let b = 0; b < lits.length; b++) {
      const theirs = new Uint8Array(r.rows[b].b as Uint8Array);
      assert.deepEqual([...halfvecSend(parseHalfvec(lits[b]!))], [...theirs]);
      assert.equal(formatHalfvec(halfvecRecv(theirs)), lits[b]);
    }
  });

  test(`${RUNS} random float32 literals round to half as pgvector does (ties, subnormals, overflow)`, async () => {
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    const element = fc.oneof(
      // float32 values with exponents around the half range, including exact ties
      fc.tuple(fc.integer({ min: 95, max: 145 }), fc.integer({ min: 0, max: 0x7fffff }), fc.boolean(), fc.integer({ min: 0, max: 3 })).map(
        ([e, m, neg, tie]) => {
          // tie: keep 13 low bits at the half-way point so rounding to even decides
          const mant = tie === 0 ? (m & ~0x1fff) | 0x1000 : m;
          u32[0] = ((neg ? 1 : 0) << 31) | (e << 23) | mant;
          return String(f32[0]);
        },
      ),
      fc.double({ min: -70000, max: 70000, noNaN: true }).map(String),
      fc.constantFrom('65504', '65519', '65520', '-65520', '1e-8', '3e-8', '1e40', 'inf', 'nan', '-0'),
    );
    const space = fc.constantFrom('', '', ' ', '\t', '\n');
    const literal = fc
      .tuple(space, fc.array(fc.tuple(space, element, space), { minLength: 0, maxLength: 6 }), space)
      .map(([s0, els, s1]) => s0 + '[' + els.map(([a, x, b]) => a + x + b).join(',') + ']' + s1);
    const junk = fc.constantFrom(...'[],.eE+-0123456789xXpinfa \t;');
    const mutated = fc.tuple(literal, fc.array(fc.tuple(fc.nat(), fc.boolean(), junk), { maxLength: 2 })).map(([s, edits]) => {
      for (const [at, insert, ch] of edits) {
        const k = at % (s.length + 1);
        s = insert ? s.slice(0, k) + ch + s.slice(k) : s.slice(0, k) + s.slice(k + 1);
      }
      return s;
    });
    const inputs = fc.sample(fc.oneof({ arbitrary: literal, weight: 3 }, { arbitrary: mutated, weight: 1 }), { seed: SEED, numRuns: RUNS });
    await differential(oracle, '$x::halfvec', inputs, (x) => formatHalfvec(parseHalfvec(x)));
  });

  test(`${RUNS} random pairs: distances, norm, arithmetic, comparison, concat, quantize`, async () => {
    const prng = new Prng(SEED ^ 0x2545f491);
    const dims = [1, 2, 3, 7, 16, 100];
    const inputs: string[] = ['[1,2]|[3]', '[65504]|[65504]', '[0,0]|[0,0]', '[1e-7]|[1e-7]', '[-0]|[0]', '[60000]|[-60000]'];
    while (inputs.length < RUNS) {
      const dim = dims[prng.int(dims.length)]!;
      const kind = prng.int(5);
      const a = randomLiteral(prng, dim, kind);
      const b = prng.int(10) === 0 ? a : randomLiteral(prng, prng.int(12) === 0 ? dim + 1 : dim, kind);
      inputs.push(`${a}|${b}`);
    }
    const A = "split_part($x,'|',1)::halfvec";
    const B = "split_part($x,'|',2)::halfvec";
    const pair = (x: string) => split2(x).map((s) => parseHalfvec(s)) as [Uint16Array, Uint16Array];
    const checks: Array<[string, (a: Uint16Array, b: Uint16Array) => string]> = [
      [`${A} <-> ${B}`, (a, b) => formatFloat8(halfvecL2Distance(a, b))],
      [`${A} <#> ${B}`, (a, b) => formatFloat8(halfvecNegativeInnerProduct(a, b))],
      [`${A} <=> ${B}`, (a, b) => formatFloat8(halfvecCosineDistance(a, b))],
      [`${A} <+> ${B}`, (a, b) => formatFloat8(halfvecL1Distance(a, b))],
      [`inner_product(${A}, ${B})`, (a, b) => formatFloat8(halfvecInnerProduct(a, b))],
      [`l2_norm(${A})`, (a) => formatFloat8(halfvecNorm(a))],
      [`l2_normalize(${A})`, (a) => formatHalfvec(halfvecL2Normalize(a))],
      [`${A} + ${B}`, (a, b) => formatHalfvec(halfvecAdd(a, b))],
      [`${A} - ${B}`, (a, b) => formatHalfvec(halfvecSub(a, b))],
      [`${A} * ${B}`, (a, b) => formatHalfvec(halfvecMul(a, b))],
      [`${A} || ${B}`, (a, b) => formatHalfvec(halfvecConcat(a, b))],
      [`halfvec_cmp(${A}, ${B})`, (a, b) => String(halfvecCmp(a, b))],
      [`(${A} < ${B})::text || (${A} = ${B})::text`, (a, b) => String(halfvecCmp(a, b) < 0) + String(halfvecCmp(a, b) === 0)],
      [`binary_quantize(${A})`, (a) => formatBit(halfvecBinaryQuantize(a))],
      [`vector_dims(${A})`, (a) => String(halfvecDims(a))],
    ];
    for (const [sql, fn] of checks) {
      await differential(oracle, sql, inputs, (x) => fn(...pair(x)));
    }
  });

  test('subvector and concat limits', async () => {
    const subs = ['1|2', '0|2', '-5|7', '2|100', '4|1', '3|0', '1|-1', '2147483647|10', '-2147483648|1', '5|1', '6|1', '-2147483648|2147483647'];
    const five = parseHalfvec('[1,2,3,4,5]');
    await differential(oracle, "subvector('[1,2,3,4,5]'::halfvec, split_part($x,'|',1)::int, split_part($x,'|',2)::int)", subs, (x) => {
      const [s, c] = split2(x).map(Number) as [number, number];
      return formatHalfvec(halfvecSubvector(five, s, c));
    });
    const big = '[' + '1,'.repeat(7999) + '1]';
    const cats = [`${big}|${big}`, `${big}|[1]`, `[1]|[2]`];
    await differential(oracle, "split_part($x,'|',1)::halfvec || split_part($x,'|',2)::halfvec", cats, (x) => {
      const [a, b] = split2(x).map((s) => parseHalfvec(s)) as [Uint16Array, Uint16Array];
      return formatHalfvec(halfvecConcat(a, b));
    });
  });
});
