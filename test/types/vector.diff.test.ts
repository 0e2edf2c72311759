/**
 * Differential tests of the vector type and float text conversion against pgvector itself
 * (PGlite: PostgreSQL 18 + pgvector 0.8.7). Every expected value, text and error comes from
 * the oracle. Random cases are seeded: set VECGRES_SEED to replay a failure (the seed is
 * printed in every failure message).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { oracleForFile, sqlLiteral } from '../support/pglite.js';
import { compareBatch, oracleBatch, ours, type Outcome } from '../support/oracle_batch.js';
import { SEED } from '../support/seed.js';
import {
  cosineDistance,
  formatVector,
  innerProduct,
  l1Distance,
  l2Distance,
  l2Normalize,
  negativeInnerProduct,
  parseVector,
  subvector,
  vectorAdd,
  vectorCmp,
  vectorMul,
  vectorNorm,
  vectorRecv,
  vectorSend,
  vectorSub,
  vectorTypmodIn,
} from '../../src/types/vector.js';
import { formatFloat4, formatFloat8, parseFloat4 } from '../../src/types/float.js';
import { Prng } from '../../src/common/prng.js';

// Random cases per property: 400 in CI, more with VECGRES_TYPE_RUNS.
const RUNS = Number(process.env['VECGRES_TYPE_RUNS'] ?? 400);

const oracle = await oracleForFile();

describe('vector text input and output against pgvector', () => {
  const handTable = [
    '[1,2,3]', ' [ 1 , 2 , 3 ] ', '[1,2,3]\n', '\t[1]', '[1, 2, \t3\n]', '\v[1\f]\r', '[-0]', '[0]', '[+1]', '[.5]', '[5.]',
    '[1e3]', '[1E-3]', '[1e+3]', '[1.5e0]', '[1e]', '[1e+]', '[1.0e-]', '[.]', '[-]', '[+]', '[1..2]', '[--1]', '[1e1.5]',
    '[0x10]', '[0X1P+3]', '[0x.1]', '[0x1.]', '[0x]', '[0x1p-149]', '[0x1p-150]', '[0x1p127]', '[0x1p128]', '[0x1p200]',
    '[inf]', '[-Infinity]', '[INF]', '[infinit]', '[in]', '[nan]', '[NaN]', '[-nan]', '[nan(123)]', '[nanx]',
    '[1e38]', '[3.4028235e38]', '[3.40282357e38]', '[340282356779733661637539395458142568447.9999]',
    '[340282356779733661637539395458142568448]', '[1e39]', '[-1e39]', '[1e400]', '[1e99999999999]', '[1e-99999999999]',
    '[1e-38]', '[1.17549435e-38]', '[1e-40]', '[1e-45]', '[1.4e-45]', '[7e-46]', '[7.1e-46]', '[1e-46]', '[-1e-46]', '[1e-50]',
    '[0.1]', '[0.3]', '[16777217]', '[16777216]', '[33554436]', '[1e6]', '[123456]', '[1234567]', '[1e-4]', '[1e-5]',
    '[0.00001234]', '[1.00000005960464477539062500001]', '[1.000000059604644775390625]', '[1.0000000596046447753906249]',
    '[]', '[ ]', '', ' ', '[', ']', '1,2', '(1,2)', '[1,]', '[,1]', '[1 2]', '[1,2', '[1,2,', '[1,2] x', '[1,2]]', '[1],',
    '[1_000]', '[١]', '[1,2]\u00a0', '[ 1 , , 2 ]', '[1;2]', '{1,2}', '[[1]]', '["1"]', '[true]', '[1e5000,x]',
    '[' + '1,'.repeat(15999) + '1]', '[' + '1,'.repeat(16000) + '1]', '[' + '1,'.repeat(16000) + ']', '[' + '0,'.repeat(16005),
    '[' + '1'.repeat(60) + ']', '[0.' + '0'.repeat(60) + '1]', '[' + '9'.repeat(39) + ']', '[' + '9'.repeat(38) + ']',
  ];

  test('hand-written edge cases: output text, or error code, message and detail', async () => {
    const expected = await oracleBatch(oracle, '$x::vector', handTable);
    const actual = handTable.map((s) => ours(() => formatVector(parseVector(s))));
    compareBatch('vector_in/out', handTable, expected, actual);
  });

  test('binary format: vector_send bytes, and vectorRecv reads them back', async () => {
    const prng = new Prng(SEED ^ 0x3c6ef372);
    const lits = ['[1,-2,0.5]', '[-0]', '[1e-45]', '[3.4028235e38]'];
    for (let i = 0; i < 20; i++) {
      const v = new Float32Array(1 + prng.int(40));
      for (let j = 0; j < v.length; j++) v[j] = (prng.next() - 0.5) * 10 ** (prng.int(20) - 10);
      lits.push(formatVector(v));
    }
    const r = await oracle.query('select vector_send(x::vector) as b from unnest($1::text[]) with ordinality as t(x, i) order by i', [lits]);
    for (let i = 0; i < lits.length; i++) {
      const theirs = new Uint8Array(r.rows[i].b as Uint8Array);
      const v = parseVector(lits[i]!);
      assert.deepEqual([...vectorSend(v)], [...theirs], lits[i]);
      assert.equal(formatVector(vectorRecv(theirs)), formatVector(v));
    }
  });

  test('typmod: vector(n) casts and modifiers', async () => {
    const cases: Array<[string, number[]]> = [
      ['[1,2,3]', [3]], ['[1,2,3]', [2]], ['[1,2]', [3]], ['[1]', [0]], ['[1]', [-1]], ['[1]', [16000]], ['[1]', [16001]],
      ['[1]', [1, 2]],
    ];
    for (const [lit, mods] of cases) {
      const expected = await oracle.tryText(`${sqlLiteral(lit)}::vector(${mods.join(',')})`);
      const actual = ours(() => formatVector(parseVector(lit, vectorTypmodIn(mods))));
      const exp: Outcome = expected.ok
        ? { ok: true, text: expected.text }
        : { ok: false, code: expected.code, message: expected.message, detail: expected.detail ?? null };
      assert.deepEqual(actual, exp, `${lit}::vector(${mods})`);
    }
  });

  test(`${RUNS * 3} random float32 bit patterns print and read back as pgvector does`, async () => {
    const prng = new Prng(SEED);
    const bits = new Uint32Array(RUNS);
    const floats = new Float32Array(bits.buffer);
    const literals: string[] = [];
    for (let batch = 0; batch < 3; batch++) {
      for (let i = 0; i < RUNS; i++) {
        do {
          let u = prng.nextU32();
          const kind = prng.int(6);
          // Mix uniform bit patterns with the awkward corners: small exponents (subnormals),
          // powers of two, integers past 2^24, values near 1.
          if (kind === 1) u &= 0x80ffffff;
          else if (kind === 2) u &= 0xff800000;
          else if (kind === 3) u = (u & 0x807fffff) | ((150 + prng.int(20)) << 23);
          else if (kind === 4) u = (u & 0x807fffff) | ((120 + prng.int(14)) << 23);
          bits[i] = u;
        } while (!Number.isFinite(floats[i]!));
      }
      literals.push(formatVector(floats));
    }
    const expected = await oracleBatch(oracle, '$x::vector', literals);
    for (let b = 0; b < literals.length; b++) {
      assert.equal(expected[b]!.ok, true);
      const theirs = (expected[b] as { text: string }).text;
      if (theirs !== literals[b]) {
        const a = literals[b]!.slice(1, -1).split(',');
        const t = theirs.slice(1, -1).split(',');
        const i = a.findIndex((x, k) => x !== t[k]);
        assert.fail(`float4 output differs: ours ${a[i]} pgvector ${t[i]} (VECGRES_SEED=${SEED})`);
      }
      // And pgvector's text reads back to the same bits.
      const back = parseVector(theirs);
      assert.equal(formatVector(back), theirs);
    }
  });

  test(`${RUNS} random literals (numbers in many spellings, spliced junk) parse as vector_in does`, async () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 30 });
    const decimal = fc
      .tuple(fc.constantFrom('', '-', '+'), digits, fc.option(digits), fc.option(fc.integer({ min: -60, max: 60 })))
      .map(([sign, i, f, e]) => sign + i + (f === null ? '' : '.' + f) + (e === null ? '' : 'e' + e));
    const fromFloat = fc
      .tuple(fc.float({ noNaN: false }), fc.integer({ min: 0, max: 3 }))
      .map(([x, how]) => (how === 0 ? String(x) : how === 1 ? x.toExponential() : how === 2 ? x.toPrecision(9) : x.toFixed(3)));
    const midpoint = fc.tuple(fc.integer({ min: 0, max: 0x7f7fffff }), fc.integer({ min: 0, max: 4 })).map(([u, how]) => nearMidpoint(u, how));
    const special = fc.constantFrom('inf', '-inf', 'Infinity', 'nan', 'NaN', '0x1p3', '0x1.8p-1', '1e39', '1e-46', '-0', '.5', '5.', '');
    const element = fc.oneof(decimal, fromFloat, midpoint, special);
    const space = fc.constantFrom('', '', '', ' ', '  ', '\t', '\n', '\r\n', '\f', '\v');
    const literal = fc
      .tuple(space, fc.array(fc.tuple(space, element, space), { minLength: 0, maxLength: 8 }), space, space)
      .map(([s0, els, s1, s2]) => s0 + '[' + els.map(([a, x, b]) => a + x + b).join(',') + ']' + s1 + s2);
    const junk = fc.constantFrom(...'[],.eE+-0123456789xXpinfa \t\n;', '1e', ']]', '[[', ',,');
    const mutated = fc.tuple(literal, fc.array(fc.tuple(fc.nat(), fc.boolean(), junk), { maxLength: 2 })).map(([s, edits]) => {
      for (const [at, insert, ch] of edits) {
        const k = at % (s.length + 1);
        s = insert ? s.slice(0, k) + ch + s.slice(k) : s.slice(0, k) + s.slice(k + 1);
      }
      return s;
    });
    const inputs = fc.sample(fc.oneof(literal, mutated), { seed: SEED, numRuns: RUNS });
    const expected = await oracleBatch(oracle, '$x::vector', inputs);
    const actual = inputs.map((s) => ours(() => formatVector(parseVector(s))));
    compareBatch('random literal', inputs, expected, actual);
  });

  test(`${RUNS} random numbers read as float4 (real) reads them`, async () => {
    const inputs: string[] = [];
    const prng = new Prng(SEED ^ 0x5bd1e995);
    for (let i = 0; i < RUNS; i++) {
      const u = prng.nextU32() & 0x7fffffff;
      const how = prng.int(6);
      if (how < 5) inputs.push(nearMidpoint(Math.min(u, 0x7f7fffff), how));
      else inputs.push(`${prng.int(1000)}e${prng.int(100) - 60}`);
    }
    const expected = await oracleBatch(oracle, '$x::float4', inputs);
    const actual = inputs.map((s) => ours(() => formatFloat4(parseFloat4(s))));
    compareBatch('float4in', inputs, expected, actual);
  });

  test('float8 output of random doubles', async () => {
    const prng = new Prng(SEED ^ 0x1234567);
    const f64 = new Float64Array(1);
    const u32 = new Uint32Array(f64.buffer);
    const inputs: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      do {
        u32[0] = prng.nextU32();
        u32[1] = prng.int(3) === 0 ? prng.nextU32() : (prng.nextU32() & 0x800fffff) | ((1023 - 30 + prng.int(60)) << 20);
      } while (!Number.isFinite(f64[0]!));
      inputs.push(String(f64[0]));
    }
    // float32 values widened to double: short decimals can sit on a double's rounding boundary.
    const f32 = new Float32Array(1);
    const b32 = new Uint32Array(f32.buffer);
    for (let i = 0; i < RUNS; i++) {
      b32[0] = (prng.nextU32() & 0x807fffff) | ((127 + 40 + prng.int(80)) << 23);
      inputs.push(String(f32[0]));
    }
    inputs.push('2490792684755615744', '4503599627370496', '9007199254740993', '1e15', '1e14', '123456789012345.6', '1e-4', '1e-5', '5e-324', '-0', '0', '1e22', '1e21', '0.1');
    const expected = await oracleBatch(oracle, '$x::float8', inputs);
    const actual = inputs.map((s) => ours(() => formatFloat8(Number(s))));
    compareBatch('float8out', inputs, expected, actual);
  });
});

describe('vector functions against pgvector', () => {
  /** Random vector literal of `dim` elements with a mix of magnitudes. */
  function randomVector(prng: Prng, dim: number, kind: number): Float32Array {
    const v = new Float32Array(dim);
    for (let i = 0; i < dim; i++) {
      const r = prng.next() * 2 - 1;
      if (kind === 0) v[i] = r;
      else if (kind === 1) v[i] = Math.round(r * 10);
      else if (kind === 2) v[i] = r * 10 ** (prng.int(60) - 30);
      else if (kind === 3) v[i] = prng.int(4) === 0 ? 0 : r * 1e19; // squares overflow float32
      else v[i] = r * 1e-3;
    }
    return v;
  }

  test(`${RUNS} random pairs: <->, <#>, <=>, <+>, inner_product, vector_norm as float8 text`, async () => {
    const prng = new Prng(SEED ^ 0x2545f491);
    const dims = [1, 2, 3, 7, 16, 100, 768];
    const as: string[] = [];
    const bs: string[] = [];
    const pairs: Array<[Float32Array, Float32Array]> = [];
    for (let i = 0; i < RUNS; i++) {
      const dim = dims[prng.int(dims.length)]!;
      const kind = prng.int(5);
      const a = randomVector(prng, dim, kind);
      const b = prng.int(10) === 0 ? a.slice() : prng.int(10) === 0 ? a.map((x) => -x) : randomVector(prng, dim, kind);
      if (prng.int(20) === 0) a.fill(0);
      pairs.push([a, b]);
      as.push(formatVector(a));
      bs.push(formatVector(b));
    }
    const r = await oracle.query(
      `select (a <-> b)::text l2, (a <#> b)::text nip, (a <=> b)::text cos, (a <+> b)::text l1,
              inner_product(a, b)::text ip, vector_norm(a)::text norm
         from unnest($1::vector[], $2::vector[]) with ordinality as t(a, b, i) order by i`,
      [`{${as.map((s) => `"${s}"`).join(',')}}`, `{${bs.map((s) => `"${s}"`).join(',')}}`],
    );
    for (let i = 0; i < RUNS; i++) {
      const [a, b] = pairs[i]!;
      const row = r.rows[i];
      const got = {
        l2: formatFloat8(l2Distance(a, b)),
        nip: formatFloat8(negativeInnerProduct(a, b)),
        cos: formatFloat8(cosineDistance(a, b)),
        l1: formatFloat8(l1Distance(a, b)),
        ip: formatFloat8(innerProduct(a, b)),
        norm: formatFloat8(vectorNorm(a)),
      };
      assert.deepEqual(got, { ...row }, `pair ${as[i]!.slice(0, 80)} / ${bs[i]!.slice(0, 80)} (VECGRES_SEED=${SEED})`);
    }
  });

  test('arithmetic, l2_normalize, subvector, comparison and their errors', async () => {
    const prng = new Prng(SEED ^ 0x68e31da4);
    const cases: Array<[string, string]> = [
      ['[1,2,3]', '[4,5,6]'], ['[3e38]', '[3e38]'], ['[-3e38]', '[3e38]'], ['[1e37]', '[1e37]'], ['[1e-37]', '[1e-37]'],
      ['[1,2]', '[3]'], ['[0,0]', '[0,0]'], ['[1,2]', '[1,2,3]'], ['[1,2,3]', '[1,2]'], ['[-0]', '[0]'],
    ];
    for (let i = 0; i < 200; i++) {
      const dim = 1 + prng.int(5);
      const kind = prng.int(5);
      cases.push([formatVector(randomVector(prng, dim, kind)), formatVector(randomVector(prng, prng.int(8) === 0 ? dim + 1 : dim, kind))]);
    }
    const inputs = cases.map(([a, b]) => `${a}|${b}`);
    const split = (x: string) => x.split('|').map((s) => parseVector(s)) as [Float32Array, Float32Array];
    const checks: Array<[string, (a: Float32Array, b: Float32Array) => string]> = [
      ["split_part($x,'|',1)::vector + split_part($x,'|',2)::vector", (a, b) => formatVector(vectorAdd(a, b))],
      ["split_part($x,'|',1)::vector - split_part($x,'|',2)::vector", (a, b) => formatVector(vectorSub(a, b))],
      ["split_part($x,'|',1)::vector * split_part($x,'|',2)::vector", (a, b) => formatVector(vectorMul(a, b))],
      ["l2_normalize(split_part($x,'|',1)::vector)", (a) => formatVector(l2Normalize(a))],
      ["vector_cmp(split_part($x,'|',1)::vector, split_part($x,'|',2)::vector)", (a, b) => String(vectorCmp(a, b))],
      ["l2_distance(split_part($x,'|',1)::vector, split_part($x,'|',2)::vector)", (a, b) => formatFloat8(l2Distance(a, b))],
      ["cosine_distance(split_part($x,'|',1)::vector, split_part($x,'|',2)::vector)", (a, b) => formatFloat8(cosineDistance(a, b))],
    ];
    for (const [sql, fn] of checks) {
      const expected = await oracleBatch(oracle, sql, inputs);
      const actual = inputs.map((x) => ours(() => fn(...split(x))));
      compareBatch(sql, inputs, expected, actual);
    }
    const subs: Array<[number, number]> = [[1, 2], [0, 2], [-5, 7], [2, 100], [4, 1], [3, 0], [1, -1], [2147483647, 10], [-2147483648, 1]];
    const subInputs = subs.map(([s, c]) => `${s}|${c}`);
    const expected = await oracleBatch(oracle, "subvector('[1,2,3,4,5]'::vector, split_part($x,'|',1)::int, split_part($x,'|',2)::int)", subInputs);
    const five = parseVector('[1,2,3,4,5]');
    const actual = subs.map(([s, c]) => ours(() => formatVector(subvector(five, s, c))));
    compareBatch('subvector', subInputs, expected, actual);
  });
});

/**
 * A decimal string at or near the exact midpoint between the float32 with bits `u` and the
 * next one up: the inputs where rounding a double to float32 goes wrong.
 */
function nearMidpoint(u: number, how: number): string {
  const f = new Float32Array(2);
  const b = new Uint32Array(f.buffer);
  b[0] = u;
  b[1] = u + 1;
  const lo = f[0]!;
  // Exact decimal of the midpoint: M * 2^E with E < 0 is M * 5^-E / 10^-E.
  const f64 = new Float64Array([(lo + f[1]!) / 2]);
  const bits = new BigUint64Array(f64.buffer)[0]!;
  const exp = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  let e2 = exp === 0 ? -1074 : exp - 1075;
  if (exp !== 0) m |= 1n << 52n;
  if (!Number.isFinite(f[1]!)) return '3.4028235677973366e38';
  let digits: string;
  let scale: number;
  if (e2 >= 0) {
    digits = (m << BigInt(e2)).toString();
    scale = 0;
  } else {
    digits = (m * 5n ** BigInt(-e2)).toString();
    scale = e2;
  }
  if (how === 1) digits = digits.replace(/0+$/, '') + '0000001'; // just above
  if (how === 2) {
    // just below: subtract one unit in a long tail
    digits = (BigInt(digits) * 10n ** 8n - 1n).toString();
    scale -= 8;
  }
  if (how === 3) {
    // truncated to 20 significant digits
    const keep = Math.min(20, digits.length);
    scale += digits.length - keep;
    digits = digits.slice(0, keep);
  }
  if (how === 4) return String(lo);
  return `${digits}e${scale}`;
}
