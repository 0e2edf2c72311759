/**
 * Differential tests of PostgreSQL's bit / bit varying as pgvector uses them, against PGlite
 * (PostgreSQL 18 + pgvector 0.8.7): text input (binary and hex, typmods, explicit length
 * casts), output, bit_send, hamming and jaccard distances, binary_quantize, comparison and
 * concatenation. Random cases are seeded (VECGRES_SEED replays a failure).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { oracleForFile, sqlLiteral } from '../support/pglite.js';
import { differential, installEval, split2 } from '../support/oracle_batch.js';
import { SEED } from '../support/seed.js';
import {
  BitString,
  bitCmp,
  bitCoerce,
  bitConcat,
  bitRecv,
  bitSend,
  bitTypmodIn,
  formatBit,
  hammingDistance,
  jaccardDistance,
  parseBit,
  varbitCoerce,
} from '../../src/types/bit.js';
import { formatFloat8 } from '../../src/types/float.js';
import { parseVector, vectorBinaryQuantize } from '../../src/types/vector.js';
import { Prng } from '../../src/common/prng.js';

// Random cases per property: 400 in CI, more with VECGRES_TYPE_RUNS.
const RUNS = Number(process.env['VECGRES_TYPE_RUNS'] ?? 400);
const oracle = await oracleForFile();
await installEval(oracle);

function randomBits(prng: Prng, n: number, density: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += prng.next() < density ? '1' : '0';
  return s;
}

describe('bit and bit varying against PostgreSQL + pgvector', () => {
  test('hand-written literals: bit_in / varbit_in, then the explicit length cast of `::bit(n)`', async () => {
    const lits = ['0101', '', '1', 'b0101', 'B11', 'x1F', 'Xab', 'x', 'b', '012', '01 1', 'xg', 'x1 ', 'é01', '0é', 'b2', '1'.repeat(100)];
    const exprs: string[] = [];
    const fns = new Map<string, () => string>();
    for (const lit of lits) {
      for (const [type, typmod, varying] of [['varbit', -1, true], ['bit(4)', 4, false], ['varbit(3)', 3, true], ['bit(8)', 8, false], ['varbit(100)', 100, true]] as const) {
        const e = `${sqlLiteral(lit)}::${type}`;
        exprs.push(e);
        // A literal is read with typmod -1 and then length-coerced as an explicit cast.
        fns.set(e, () => {
          const v = parseBit(lit, -1, varying);
          return formatBit(varying ? varbitCoerce(v, typmod, true) : bitCoerce(v, typmod, true));
        });
      }
    }
    await differential(oracle, 'pg_temp.eval_text($x)', exprs, (e) => fns.get(e)!());
  });

  test(`${RUNS} random strings read as varbit`, async () => {
    const ch = fc.constantFrom(...'0101010101xXbB23aFf g', 'é');
    const inputs = fc.sample(fc.string({ unit: ch, maxLength: 40 }), { seed: SEED, numRuns: RUNS });
    await differential(oracle, '$x::varbit', inputs, (x) => formatBit(parseBit(x, -1, true)));
  });

  test('bit_in with a typmod (assignment, COPY): exact length for bit, at most n for varbit', () => {
    assert.equal(formatBit(parseBit('0101', 4)), '0101');
    assert.throws(() => parseBit('0101', 5), { code: '22026', message: 'bit string length 4 does not match type bit(5)' });
    assert.throws(() => parseBit('0101', 3, true), { code: '22001', message: 'bit string too long for type bit varying(3)' });
    assert.equal(formatBit(parseBit('x1f', 8)), '00011111');
    assert.throws(() => bitCoerce(parseBit('01'), 3, false), { code: '22026', message: 'bit string length 2 does not match type bit(3)' });
  });

  test('explicit length casts pad and truncate; typmod modifiers', async () => {
    const inputs: string[] = [];
    for (const bits of ['1', '101', '11111111', '1011001110', '1'.repeat(70)]) for (const n of [1, 3, 8, 9, 64, 80]) inputs.push(`${bits}|${n}`);
    const exprs: string[] = [];
    const fns = new Map<string, () => string>();
    for (const x of inputs) {
      const [bits, n] = split2(x);
      const e1 = `B'${bits}'::bit(${n})`;
      const e2 = `B'${bits}'::varbit(${n})`;
      exprs.push(e1, e2);
      fns.set(e1, () => formatBit(bitCoerce(parseBit(bits), Number(n), true)));
      fns.set(e2, () => formatBit(varbitCoerce(parseBit(bits), Number(n), true)));
    }
    for (const [mod, varying] of [['0', false], ['83886080', false], ['83886081', true], ['-1', true]] as const) {
      // The length, not the text: bit(83886080) prints 83,886,080 characters.
      const e = `length(B'1'::${varying ? 'varbit' : 'bit'}(${mod}))`;
      exprs.push(e);
      fns.set(e, () => String(bitCoerce(parseBit('1'), bitTypmodIn(Number(mod), varying), true).length));
    }
    await differential(oracle, 'pg_temp.eval_text($x)', exprs, (e) => fns.get(e)!());
  });

  test('bit_send bytes and bitRecv round trip', async () => {
    const prng = new Prng(SEED ^ 0x1b873593);
    const lits = ['0', '1', '10101', '11111111', '111111111', ''];
    for (let i = 0; i < 30; i++) lits.push(randomBits(prng, prng.int(200), 0.5));
    const r = await oracle.query('select varbit_send(x::varbit) as b from unnest($1::text[]) with ordinality t(x, i) order by i', [lits]);
    for (let i = 0; i < lits.length; i++) {
      const theirs = new Uint8Array(r.rows[i].b as Uint8Array);
      const v = parseBit(lits[i]!, -1, true);
      assert.deepEqual([...bitSend(v)], [...theirs], lits[i]);
      assert.equal(formatBit(bitRecv(theirs)), lits[i]);
    }
  });

  test(`${RUNS} random pairs: <~>, <%>, hamming_distance, jaccard_distance, bitcmp, ||`, async () => {
    const prng = new Prng(SEED ^ 0xcc9e2d51);
    const inputs: string[] = ['0000|0000', '1010|011', '1|1', '0|1', '1111|1111', '|'];
    while (inputs.length < RUNS) {
      const n = [1, 3, 8, 31, 32, 33, 64, 100, 1536][prng.int(9)]!;
      const d = prng.next();
      const a = randomBits(prng, n, d);
      const b = prng.int(12) === 0 ? randomBits(prng, n + 1, d) : randomBits(prng, n, d);
      inputs.push(`${a}|${b}`);
    }
    const A = "split_part($x,'|',1)::varbit";
    const B = "split_part($x,'|',2)::varbit";
    const pair = (x: string) => split2(x).map((s) => parseBit(s, -1, true)) as [BitString, BitString];
    const checks: Array<[string, (a: BitString, b: BitString) => string]> = [
      [`${A} <~> ${B}`, (a, b) => formatFloat8(hammingDistance(a, b))],
      [`${A} <%> ${B}`, (a, b) => formatFloat8(jaccardDistance(a, b))],
      [`hamming_distance(${A}, ${B})`, (a, b) => formatFloat8(hammingDistance(a, b))],
      [`jaccard_distance(${A}, ${B})`, (a, b) => formatFloat8(jaccardDistance(a, b))],
      [`bitcmp(${A}, ${B})`, (a, b) => String(bitCmp(a, b))],
      [`${A} || ${B}`, (a, b) => formatBit(bitConcat(a, b))],
    ];
    for (const [sql, fn] of checks) await differential(oracle, sql, inputs, (x) => fn(...pair(x)));
  });

  test('binary_quantize(vector) and binary_quantize(...)::bit(n)', async () => {
    const prng = new Prng(SEED ^ 0xe6546b64);
    const inputs: string[] = ['[1,-1,0,2]', '[-0]', '[0]', '[1e-45]'];
    for (let i = 0; i < 200; i++) {
      const dim = 1 + prng.int(70);
      inputs.push('[' + Array.from({ length: dim }, () => (prng.int(5) === 0 ? 0 : (prng.next() - 0.5).toFixed(3))).join(',') + ']');
    }
    await differential(oracle, 'binary_quantize($x::vector)', inputs, (x) => formatBit(vectorBinaryQuantize(parseVector(x))));
    await differential(oracle, 'binary_quantize($x::vector)::bit(16)', inputs, (x) => formatBit(bitCoerce(vectorBinaryQuantize(parseVector(x)), 16, true)));
  });
});
