/**
 * float4 text input (scanFloat4, used by real, vector and halfvec input and so by COPY) against
 * PostgreSQL's strtof (PGlite): seeded random decimal strings of the shapes the fast path takes
 * (up to 15 significant digits, powers of ten within 1e±22), JavaScript's printed doubles, and the
 * ones it leaves to the exact path, including values exactly midway between two float32 numbers. Set VECGRES_SEED to replay.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oracleForFile } from '../support/pglite.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';
import { parseVector, formatVector } from '../../src/types/vector.js';
import { scanBracketList } from '../../src/types/text_input.js';
import { VECTOR_MAX_DIM } from '../../src/common/limits.js';

test('vector input parses random decimals to the float32 PostgreSQL picks', async () => {
  const oracle = await oracleForFile();
  const prng = new Prng(SEED);
  const rnd = (k: number): number => prng.int(k);
  const digits = (n: number): string => Array.from({ length: n }, () => String(rnd(10))).join('');
  const values: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const shape = rnd(5);
    if (shape === 0) values.push(`${rnd(2) ? '-' : ''}${digits(1 + rnd(8))}.${digits(rnd(10))}`);
    else if (shape === 1) values.push(`${digits(1 + rnd(12))}e${rnd(2) ? "-" : ""}${rnd(26)}`);
    else if (shape === 2) values.push(`0.${'0'.repeat(rnd(6))}${digits(1 + rnd(20))}`);
    else if (shape === 3) {
      // What JavaScript prints for a double (up to 17 significant digits): the bulk of vector
      // literals built by clients, read through Number() and rounded once more.
      values.push(String(((rnd(2000000000) - 1000000000) / (1 + rnd(1000000))) * 10 ** (rnd(9) - 4)));
    } else {
      // Midway between two float32 neighbours: exact in a double, so the decimal is exact too.
      const f = new Float32Array([(rnd(2000000) - 1000000) / (1 + rnd(1000))]);
      const u = new Uint32Array(f.buffer);
      const g = new Float32Array(new Uint32Array([u[0]! + 1]).buffer);
      values.push(String((f[0]! + g[0]!) / 2));
    }
  }
  try {
    for (let i = 0; i < values.length; i += 100) {
      const lit = `[${values.slice(i, i + 100).join(',')}]`;
      const want = await oracle.text(`'${lit}'::vector`);
      assert.equal(formatVector(parseVector(lit)), want, lit);
      // vector_in's general loop too (parseVector takes the byte fast path where it can).
      assert.equal(formatVector(scanBracketList(` ${lit}`, 'vector', VECTOR_MAX_DIM)), want, lit);
    }
  } catch (e) {
    console.error(`float4 input test failed with seed ${SEED}`);
    throw e;
  }
});
