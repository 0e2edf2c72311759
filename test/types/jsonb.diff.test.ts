/**
 * Differential tests of the jsonb / json module (types/jsonb.ts) against PGlite
 * (PostgreSQL 18): input with PostgreSQL's normalisation (key order, duplicate keys, numbers
 * as numeric) and its error details on garbage spliced into valid documents; output; the
 * operators -> ->> #> #>> @> <@ ? || - and jsonb_typeof / jsonb_array_length. Seeded
 * (VECGRES_SEED replays).
 */
import { describe, test } from 'node:test';
import { oracleForFile } from '../support/pglite.js';
import { differential, split2 } from '../support/oracle_batch.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';
import {
  parseJsonb, parseJson, jsonbTypeof, jsonbArrayLength, jsonbField, jsonbElement, jsonbAsText, jsonbPath, jsonbContains,
  jsonbExists, jsonbConcat, jsonbDeleteKey, jsonbDeleteIndex,
} from '../../src/types/jsonb.js';

const RUNS = 400;
const oracle = await oracleForFile();

function randomDoc(rng: Prng, depth = 0): string {
  const keys = ['a', 'b', 'aa', 'ab', 'é', 'key', '', 'a b', 'x"y', 'b'];
  const ws = () => [' ', '', '', '\n', '\t'][rng.int(5)]!;
  switch (depth > 2 ? rng.int(4) : rng.int(7)) {
    case 0: return ['1', '-0', '1.50', '1e2', '-2.5E-3', '0.000', '123456789012345678901234567890'][rng.int(7)]!;
    case 1: return ['"x"', '"a\\"b"', '"\\u00e9\\n"', '"\\ud83d\\ude00"', '""', '"tab\\t"', '"\\/"'][rng.int(7)]!;
    case 2: return ['true', 'false', 'null'][rng.int(3)]!;
    case 3: return `${rng.int(100)}`;
    case 4:
    case 5: {
      const n = rng.int(4);
      return `{${ws()}${Array.from({ length: n }, () => `"${keys[rng.int(keys.length)]!.replace('"', '\\"')}"${ws()}:${ws()}${randomDoc(rng, depth + 1)}`).join(`,${ws()}`)}${ws()}}`;
    }
    default: {
      const n = rng.int(4);
      return `[${Array.from({ length: n }, () => randomDoc(rng, depth + 1)).join(`,${ws()}`)}]`;
    }
  }
}

function garble(rng: Prng, s: string): string {
  const junk = ['}', ']', ',', ':', '"', 'tru', '01', '-', '1.', '\\x', '\n', '@', ' ', '{', '[', 'é', 'nul'][rng.int(17)]!;
  const at = rng.int(s.length + 1);
  return rng.int(3) === 0 ? s.slice(0, at) : s.slice(0, at) + junk + s.slice(at);
}

function docs(n: number, salt: number, bad: boolean): string[] {
  const rng = new Prng(SEED ^ salt);
  return Array.from({ length: n }, () => {
    const d = randomDoc(rng);
    return bad && rng.int(2) === 0 ? garble(rng, d) : d;
  });
}

describe('jsonb against PostgreSQL', () => {
  test(`${RUNS} documents, valid and garbled, through jsonb_in / jsonb_out and json_in`, async () => {
    const inputs = [...docs(RUNS, 0x6a73, true), '', ' ', '"\\u0000"', '"\\ud83d"', '"\\ude00"', '"\\ud83dx"', '"\\u12"', '"\\q"', '[1,]', '{"a"}', '{,}', '1 2', '-0.0e-0'];
    await differential(oracle, '$x::jsonb', inputs, (x) => parseJsonb(x).toString());
    await differential(oracle, '$x::json', inputs, (x) => parseJson(x));
  });

  test(`${RUNS} documents through jsonb_typeof, jsonb_array_length, -> ->> #> #>>`, async () => {
    const rng = new Prng(SEED ^ 0x6f70);
    const ds = docs(RUNS, 0x6a74, false);
    await differential(oracle, 'jsonb_typeof($x::jsonb)', ds, (x) => jsonbTypeof(parseJsonb(x)));
    await differential(oracle, 'jsonb_array_length($x::jsonb)', ds, (x) => String(jsonbArrayLength(parseJsonb(x))));
    const keyed = ds.map((d) => `${d}|${['a', 'b', 'aa', 'é', '0', '-1', '1'][rng.int(7)]}`);
    await differential(oracle, "(split_part($x, '|', 1)::jsonb -> split_part($x, '|', 2))", keyed, (x) => {
      const [d, k] = split2(x);
      return jsonbField(parseJsonb(d), k)?.toString() ?? null;
    });
    await differential(oracle, "(split_part($x, '|', 1)::jsonb ->> split_part($x, '|', 2))", keyed, (x) => {
      const [d, k] = split2(x);
      return jsonbAsText(jsonbField(parseJsonb(d), k));
    });
    await differential(oracle, "(split_part($x, '|', 1)::jsonb -> split_part($x, '|', 2)::int)", keyed.filter((x) => /\|-?\d$/.test(x)), (x) => {
      const [d, k] = split2(x);
      return jsonbElement(parseJsonb(d), Number(k))?.toString() ?? null;
    });
    const paths = ds.map((d) => `${d}|{${['a', 'b', '0', 'a,0', 'a,b', '-1', 'aa,a', ''][rng.int(8)]}}`);
    await differential(oracle, "(split_part($x, '|', 1)::jsonb #> split_part($x, '|', 2)::text[])", paths, (x) => {
      const [d, p] = split2(x);
      const parts = p.slice(1, -1) === '' ? [] : p.slice(1, -1).split(',');
      return jsonbPath(parseJsonb(d), parts)?.toString() ?? null;
    });
    await differential(oracle, "(split_part($x, '|', 1)::jsonb #>> split_part($x, '|', 2)::text[])", paths, (x) => {
      const [d, p] = split2(x);
      const parts = p.slice(1, -1) === '' ? [] : p.slice(1, -1).split(',');
      return jsonbAsText(jsonbPath(parseJsonb(d), parts));
    });
  });

  test(`${RUNS} pairs through @> ? || - and =`, async () => {
    const rng = new Prng(SEED ^ 0x7061);
    const a = docs(RUNS, 0x6a75, false);
    const b = docs(RUNS, 0x6a76, false);
    // Half the right sides are taken from the left document, so containment is often true.
    const pairs = a.map((x, i) => `${x}|${rng.int(2) === 0 ? b[i] : x}`);
    const two = (x: string) => split2(x).map((d) => parseJsonb(d)) as [ReturnType<typeof parseJsonb>, ReturnType<typeof parseJsonb>];
    await differential(oracle, "(split_part($x, '|', 1)::jsonb @> split_part($x, '|', 2)::jsonb)", pairs, (x) => String(jsonbContains(...two(x))));
    await differential(oracle, "(split_part($x, '|', 1)::jsonb || split_part($x, '|', 2)::jsonb)", pairs, (x) => jsonbConcat(...two(x)).toString());
    const keyed = a.map((d) => `${d}|${['a', 'b', 'x', 'é', 'key'][rng.int(5)]}`);
    await differential(oracle, "(split_part($x, '|', 1)::jsonb ? split_part($x, '|', 2))", keyed, (x) => {
      const [d, k] = split2(x);
      return String(jsonbExists(parseJsonb(d), k));
    });
    await differential(oracle, "(split_part($x, '|', 1)::jsonb - split_part($x, '|', 2))", keyed, (x) => {
      const [d, k] = split2(x);
      return jsonbDeleteKey(parseJsonb(d), k).toString();
    });
    const indexed = a.map((d) => `${d}|${rng.int(7) - 3}`);
    await differential(oracle, "(split_part($x, '|', 1)::jsonb - split_part($x, '|', 2)::int)", indexed, (x) => {
      const [d, k] = split2(x);
      return jsonbDeleteIndex(parseJsonb(d), Number(k)).toString();
    });
  });
});
