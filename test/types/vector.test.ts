/**
 * Unit tests of the vector type and float formatting. Expected texts and messages were taken
 * from pgvector 0.8.7 on PostgreSQL 18 (the differential test re-checks them against it).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkVectorDims,
  cosineDistance,
  formatVector,
  innerProduct,
  l1Distance,
  l2Distance,
  negativeInnerProduct,
  parseVector,
  vectorDims,
  vectorNorm,
  vectorRecv,
  vectorSend,
  vectorTypmodIn,
} from '../../src/types/vector.js';
import { formatFloat4, formatFloat8, parseFloat4 } from '../../src/types/float.js';

function pgError(code: string, message: string, detail?: string) {
  return (e: unknown) => {
    const err = e as { code: string; message: string; detail?: string };
    assert.equal(err.code, code);
    assert.equal(err.message, message);
    assert.equal(err.detail, detail);
    return true;
  };
}

describe('float formatting', () => {
  test('float4out layout and exponent rules', () => {
    const cases: Array<[number, string]> = [
      [1e6, '1e+06'], [1e5, '100000'], [123456, '123456'], [1234567, '1.234567e+06'], [1e-4, '0.0001'], [1e-5, '1e-05'],
      [0.1, '0.1'], [-0, '-0'], [0, '0'], [1e-45, '1e-45'], [3.4028235e38, '3.4028235e+38'], [16777216, '1.6777216e+07'],
      [34981048, '3.4981048e+07'], [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [1 / 3, '0.33333334'],
    ];
    for (const [x, s] of cases) assert.equal(formatFloat4(Math.fround(x)), s, String(x));
  });

  test('float8out layout and exponent rules', () => {
    const cases: Array<[number, string]> = [
      [1e15, '1e+15'], [1e14, '100000000000000'], [123456789012345678, '1.2345678901234568e+17'], [1e-4, '0.0001'],
      [1e-5, '1e-05'], [5e-324, '5e-324'], [1.5e300, '1.5e+300'], [-0, '-0'], [2490792684755615744, '2.4907926847556157e+18'],
    ];
    for (const [x, s] of cases) assert.equal(formatFloat8(x), s, String(x));
  });

  test('float4in rounds once, and reports range errors as real', () => {
    assert.equal(parseFloat4(' 1.5 '), 1.5);
    assert.equal(parseFloat4('0x1p-3'), 0.125);
    // 2^128 - 2^103 is the overflow midpoint: just below stays finite.
    assert.equal(parseFloat4('340282356779733661637539395458142568447.9999'), 3.4028234663852886e38);
    assert.throws(() => parseFloat4('1e-46'), pgError('22003', '"1e-46" is out of range for type real'));
    assert.throws(() => parseFloat4('1e39'), pgError('22003', '"1e39" is out of range for type real'));
    assert.throws(() => parseFloat4('abc'), pgError('22P02', 'invalid input syntax for type real: "abc"'));
    // 1 + 2^-24 is a tie (to even: 1); a hair above must round up even though the nearest
    // double is the tie itself.
    assert.equal(parseFloat4('1.000000059604644775390625'), 1);
    assert.equal(parseFloat4('1.00000005960464477539062500001'), 1.0000001192092896);
  });
});

describe('vector type', () => {
  test('text round trip', () => {
    assert.equal(formatVector(parseVector(' [ 1 , 2e3 ,.5, -0 ]  ')), '[1,2000,0.5,-0]');
    assert.equal(formatVector(parseVector('[1e-50]')), '[0]');
  });

  test('input errors carry pgvector codes, messages and details', () => {
    assert.throws(() => parseVector('1,2'), pgError('22P02', 'invalid input syntax for type vector: "1,2"', 'Vector contents must start with "[".'));
    assert.throws(() => parseVector('[1,2] x'), pgError('22P02', 'invalid input syntax for type vector: "[1,2] x"', 'Junk after closing right brace.'));
    assert.throws(() => parseVector('[1,]'), pgError('22P02', 'invalid input syntax for type vector: "[1,]"'));
    assert.throws(() => parseVector('[]'), pgError('22000', 'vector must have at least 1 dimension'));
    assert.throws(() => parseVector('[1e39]'), pgError('22003', '"1e39" is out of range for type vector'));
    assert.throws(() => parseVector('[nan]'), pgError('22000', 'NaN not allowed in vector'));
    assert.throws(() => parseVector('[inf]'), pgError('22000', 'infinite value not allowed in vector'));
    assert.throws(() => parseVector('[' + '1,'.repeat(16000) + '1]'), pgError('54000', 'vector cannot have more than 16000 dimensions'));
    assert.equal(parseVector('[' + '1,'.repeat(15999) + '1]').length, 16000);
    assert.throws(() => parseVector('[1,2]', 3), pgError('22000', 'expected 3 dimensions, not 2'));
  });

  test('typmods', () => {
    assert.equal(vectorTypmodIn(3), 3);
    assert.equal(vectorTypmodIn([16000]), 16000);
    assert.throws(() => vectorTypmodIn(0), pgError('22023', 'dimensions for type vector must be at least 1'));
    assert.throws(() => vectorTypmodIn(16001), pgError('22023', 'dimensions for type vector cannot exceed 16000'));
    assert.throws(() => vectorTypmodIn([1, 2]), pgError('22023', 'invalid type modifier'));
    assert.throws(() => checkVectorDims(new Float32Array(2), 3), pgError('22000', 'expected 3 dimensions, not 2'));
    checkVectorDims(new Float32Array(2), -1);
  });

  test('binary send/recv layout: int16 dim, int16 unused, big-endian float4', () => {
    const v = new Float32Array([1, -2, 0.5]);
    const bytes = vectorSend(v);
    assert.deepEqual([...bytes], [0, 3, 0, 0, 0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0, 0x3f, 0, 0, 0]);
    assert.deepEqual(vectorRecv(bytes), v);
    assert.throws(() => vectorRecv(bytes, 2), pgError('22000', 'expected 2 dimensions, not 3'));
    const bad = bytes.slice();
    bad[3] = 1;
    assert.throws(() => vectorRecv(bad), pgError('22000', 'expected unused to be 0, not 1'));
    assert.throws(() => vectorRecv(new Uint8Array([0, 0, 0, 0])), pgError('22000', 'vector must have at least 1 dimension'));
    assert.throws(() => vectorRecv(bytes.slice(0, 10)), pgError('08P01', 'insufficient data left in message'));
    const nan = vectorSend(new Float32Array([NaN]));
    assert.throws(() => vectorRecv(nan), pgError('22000', 'NaN not allowed in vector'));
  });

  test('distance functions', () => {
    const a = parseVector('[1,2,3]');
    const b = parseVector('[4,5,6]');
    assert.equal(l2Distance(a, b), Math.sqrt(27));
    assert.equal(innerProduct(a, b), 32);
    assert.equal(negativeInnerProduct(a, b), -32);
    assert.equal(l1Distance(a, b), 9);
    assert.equal(vectorDims(a), 3);
    assert.equal(vectorNorm(parseVector('[3,4]')), 5);
    assert.ok(Number.isNaN(cosineDistance(parseVector('[0,0]'), parseVector('[1,2]'))));
    assert.equal(cosineDistance(parseVector('[1,1]'), parseVector('[-1,-1]')), 2);
    assert.equal(l2Distance(parseVector('[3e38]'), parseVector('[-3e38]')), Infinity);
    assert.throws(() => l2Distance(parseVector('[1,2]'), parseVector('[1,2,3]')), pgError('22000', 'different vector dimensions 2 and 3'));
    assert.throws(() => cosineDistance(a, parseVector('[1]')), pgError('22000', 'different vector dimensions 3 and 1'));
  });
});
