/**
 * Differential tests of the uuid and integer type modules (types/uuid.ts, types/int.ts)
 * against PGlite (PostgreSQL 18): uuid_in on every accepted form and on garbage, uuid_out,
 * uuid_cmp, uuid_send / recv; int2in / int4in / int8in with PostgreSQL 16's syntax
 * (underscores, 0x / 0o / 0b) and range errors, int2send. Seeded (VECGRES_SEED replays).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { oracleForFile } from '../support/pglite.js';
import { differential, split2 } from '../support/oracle_batch.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';
import { parseUuid, uuidCmp, uuidSend, uuidRecv, randomUuid } from '../../src/types/uuid.js';
import { parseInteger, int2Send, int2Recv } from '../../src/types/int.js';

const RUNS = 500;
const oracle = await oracleForFile();
const hex = (b: Uint8Array) => '\\x' + Buffer.from(b).toString('hex');

function randomUuidText(rng: Prng): string {
  const digits = Array.from({ length: 32 }, () => '0123456789abcdefABCDEF'[rng.int(22)]!);
  let s = '';
  const style = rng.int(4);
  for (let i = 0; i < 32; i++) {
    if (i > 0 && i % 4 === 0) {
      if (style === 0 && (i === 8 || i === 12 || i === 16 || i === 20)) s += '-';
      else if (style === 1 && rng.int(2) === 0) s += '-';
    }
    s += digits[i];
  }
  if (rng.int(5) === 0) s = `{${s}}`;
  return s;
}

function mutate(rng: Prng, s: string): string {
  const junk = ['-', ' ', '{', '}', 'g', '0', '--', ''][rng.int(8)]!;
  const at = rng.int(s.length + 1);
  return rng.int(2) === 0 ? s.slice(0, at) + junk + s.slice(at) : s.slice(0, at) + s.slice(at + 1);
}

describe('uuid against PostgreSQL', () => {
  test(`${RUNS} inputs: every accepted form, and garbage spliced in`, async () => {
    const rng = new Prng(SEED ^ 0x757569);
    const inputs: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const u = randomUuidText(rng);
      inputs.push(rng.int(3) === 0 ? mutate(rng, u) : u);
    }
    inputs.push('', '{}', '-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-', 'a0eebc999c0b4ef8bb6d6bb9bd380a1', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    await differential(oracle, '$x::uuid', inputs, (x) => parseUuid(x));
    await differential(oracle, 'uuid_send($x::uuid)', inputs, (x) => hex(uuidSend(parseUuid(x))));
  });

  test(`${RUNS} comparisons and send / recv round trips`, async () => {
    const rng = new Prng(SEED ^ 0x636d70);
    const pairs: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const a = randomUuidText(rng);
      const b = rng.int(4) === 0 ? a.toUpperCase() : randomUuidText(rng);
      pairs.push(`${a}|${b}`);
    }
    await differential(oracle, "uuid_cmp(split_part($x, '|', 1)::uuid, split_part($x, '|', 2)::uuid)", pairs, (x) => {
      const [a, b] = split2(x);
      return String(uuidCmp(parseUuid(a), parseUuid(b)));
    });
    for (const p of pairs) {
      const u = parseUuid(split2(p)[0]);
      assert.equal(uuidRecv(uuidSend(u)), u, `(VECGRES_SEED=${SEED})`);
    }
  });

  test('gen_random_uuid values are version 4, variant 10, and reproducible from the seed', () => {
    const a = new Prng(SEED);
    const b = new Prng(SEED);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const u = randomUuid(() => a.nextU32());
      assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(randomUuid(() => b.nextU32()), u);
      seen.add(u);
    }
    assert.equal(seen.size, 200);
  });
});

describe('integer input against PostgreSQL', () => {
  test(`${RUNS} inputs for smallint, integer and bigint`, async () => {
    const rng = new Prng(SEED ^ 0x696e74);
    const inputs: string[] = [];
    const pieces = ['0', '1', '9', '_', '0x', '0o', '0b', 'f', 'F', '7', '-', '+', ' ', '32767', '32768', '2147483648', '9223372036854775808', 'e', '.'];
    for (let i = 0; i < RUNS; i++) {
      let s = '';
      const n = 1 + rng.int(5);
      for (let k = 0; k < n; k++) s += pieces[rng.int(pieces.length)];
      inputs.push(rng.int(3) === 0 ? String(rng.int(2) ? -rng.int(100000) : rng.int(4e9)) : s);
    }
    inputs.push('-32768', '-2147483648', '-9223372036854775808', '0x7FFF', '0x8000', '-0x8000', '0x_1F', '_1', '1_', '1__0', '0b', ' 12 ', '');
    await differential(oracle, '$x::smallint', inputs, (x) => String(parseInteger(x, 'smallint')));
    await differential(oracle, '$x::integer', inputs, (x) => String(parseInteger(x, 'integer')));
    await differential(oracle, '$x::bigint', inputs, (x) => String(parseInteger(x, 'bigint')));
    const smallints = inputs.filter((x) => {
      try {
        parseInteger(x, 'smallint');
        return true;
      } catch {
        return false;
      }
    });
    await differential(oracle, 'int2send($x::smallint)', smallints, (x) => hex(int2Send(Number(parseInteger(x, 'smallint')))));
    for (const x of smallints) assert.equal(int2Recv(int2Send(Number(parseInteger(x, 'smallint')))), Number(parseInteger(x, 'smallint')));
  });
});
