/**
 * Differential tests of the varchar / char and bytea type modules (types/character.ts,
 * types/bytea.ts) against PGlite (PostgreSQL 18): length coercion in input, assignment and
 * explicit casts (cut, pad, 22001), character's comparison without trailing spaces, byteain in
 * both formats with garbage spliced in, byteaout, byteacmp. Seeded (VECGRES_SEED replays).
 */
import { describe, test } from 'node:test';
import { oracleForFile } from '../support/pglite.js';
import { differential, installEval, split2 } from '../support/oracle_batch.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';
import { charCoerce, charTypmodIn, bpcharCmp, bpcharToText, type CharType } from '../../src/types/character.js';
import { parseBytea, formatBytea, byteaCmp } from '../../src/types/bytea.js';

const RUNS = 500;
const oracle = await oracleForFile();
await installEval(oracle);

function randomText(rng: Prng): string {
  const alphabet = ['a', 'b', ' ', ' ', 'é', '日', '😀', 'Z', '-'];
  return Array.from({ length: rng.int(9) }, () => alphabet[rng.int(alphabet.length)]!).join('');
}

describe('varchar(n) and char(n) against PostgreSQL', () => {
  test(`${RUNS} explicit casts and assignments with lengths`, async () => {
    const rng = new Prng(SEED ^ 0x636861);
    const exprs: string[] = [];
    const fns = new Map<string, () => string>();
    for (let i = 0; i < RUNS; i++) {
      const s = randomText(rng);
      const n = 1 + rng.int(6);
      const type: CharType = rng.int(2) === 0 ? 'varchar' : 'bpchar';
      const sql = type === 'varchar' ? `varchar(${n})` : `char(${n})`;
      const q = `'${s}'`;
      // An explicit cast cuts; the same value stored through a function argument (assignment) must fit.
      const e1 = `(${q}::text::${sql})::text || '|'`;
      exprs.push(e1);
      // char -> text drops the padding.
      fns.set(e1, () => (type === 'bpchar' ? bpcharToText(charCoerce(type, s, charTypmodIn(type, [n]), true)) : charCoerce(type, s, charTypmodIn(type, [n]), true)) + '|');
      // The value as stored: the padded text of char(n) (format() prints it unchanged).
      const e2 = `format('%s|', ${q}::${sql})`;
      exprs.push(e2);
      fns.set(e2, () => charCoerce(type, s, charTypmodIn(type, [n]), true) + '|');
    }
    await differential(oracle, 'pg_temp.eval_text($x)', exprs, (e) => fns.get(e)!());
  });

  test(`${RUNS} char comparisons ignore trailing spaces`, async () => {
    const rng = new Prng(SEED ^ 0x636d70);
    const pairs = Array.from({ length: RUNS }, () => `${randomText(rng)}|${randomText(rng)}`).filter((p) => !/[é日😀]/.test(p));
    await differential(oracle, "sign(bpcharcmp(split_part($x, '|', 1)::bpchar, split_part($x, '|', 2)::bpchar))", pairs, (x) => {
      const [a, b] = split2(x);
      return String(bpcharCmp(a, b));
    });
  });
});

describe('bytea against PostgreSQL', () => {
  test(`${RUNS} inputs in the hex and escape formats, with garbage`, async () => {
    const rng = new Prng(SEED ^ 0x627974);
    const inputs: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      if (rng.int(2) === 0) {
        let s = '\\x';
        const n = rng.int(10);
        for (let k = 0; k < n; k++) s += '0123456789abcdefABCDEF g'[rng.int(24)];
        inputs.push(s);
      } else {
        const parts = ['a', '\\\\', '\\101', '\\377', '\\400', '\\9', '\\', 'é', ' ', '\\x', '\\0012'];
        inputs.push(Array.from({ length: rng.int(5) }, () => parts[rng.int(parts.length)]!).join(''));
      }
    }
    inputs.push('', '\\x', '\\x 4 1', '\\x41 42', '\\X41');
    await differential(oracle, '$x::bytea', inputs, (x) => formatBytea(parseBytea(x)));
  });

  test(`${RUNS} comparisons`, async () => {
    const rng = new Prng(SEED ^ 0x636d71);
    const hex = () => '\\x' + Array.from({ length: rng.int(4) }, () => ['00', '41', '42', 'ff'][rng.int(4)]).join('');
    const pairs = Array.from({ length: RUNS }, () => `${hex()}|${hex()}`);
    await differential(oracle, "sign(byteacmp(split_part($x, '|', 1)::bytea, split_part($x, '|', 2)::bytea))", pairs, (x) => {
      const [a, b] = split2(x);
      return String(byteaCmp(parseBytea(a), parseBytea(b)));
    });
  });
});
