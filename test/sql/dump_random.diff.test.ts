/**
 * Random round trips of `vecgres dump` through PostgreSQL + pgvector (PGlite): each round makes
 * a table of random columns (every stored type, random typmods), random rows with NULLs and
 * awkward values, deletes and updates some, dumps it (COPY form, or INSERTs every other round),
 * loads the dump into PGlite and compares every column as text. A value whose text does not
 * read back to the same value in PostgreSQL, or an escape that COPY or SQL reads differently,
 * fails the round with its seed.
 *
 * VECGRES_DUMP_ROUNDS=<n> runs more rounds (default 8); VECGRES_SEED=<s> replays a run.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { Prng } from '../../src/common/prng.js';
import { SEED } from '../support/seed.js';
import { loadCopyScript } from '../support/dump_load.js';
import { startPglite } from '../support/pglite_start.js';

const ROUNDS = Number(process.env['VECGRES_DUMP_ROUNDS'] ?? 8);
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const CHARS = ['a', 'Z', '0', ' ', '\t', '\n', '\r', '\\', "'", '"', ',', '{', '}', '[', ']', 'ü', '日', '😀', '\b', '\f', '\v', 'N', '.', '$'];

function str(r: Prng, max: number): string {
  return Array.from({ length: r.int(max + 1) }, () => CHARS[r.int(CHARS.length)]!).join('');
}

function f32(r: Prng, maxExp: number): string {
  return String(Math.fround((r.next() * 2 - 1) * 10 ** (r.int(maxExp + 8) - 7)));
}

function bits(r: Prng, n: number): string {
  return Array.from({ length: n }, () => r.int(2)).join('');
}

function json(r: Prng, depth: number): unknown {
  switch (r.int(depth > 2 ? 4 : 6)) {
    case 0: return null;
    case 1: return r.int(2) === 0;
    case 2: return [r.int(1000) - 500, (r.next() - 0.5) * 1e6, 1e-7, 123456789012][r.int(4)];
    case 3: return str(r, 6);
    case 4: return Array.from({ length: r.int(4) }, () => json(r, depth + 1));
    default: return Object.fromEntries(Array.from({ length: r.int(4) }, () => [str(r, 4), json(r, depth + 1)]));
  }
}

/** A column: its SQL type and a generator of SQL literals both systems read the same. */
interface ColGen {
  type: string;
  value: (r: Prng) => string;
}

function columnGen(r: Prng): ColGen {
  const dim = 1 + r.int(6);
  const n = 1 + r.int(12);
  switch (r.int(25)) {
    case 0: return { type: 'smallint', value: (x) => String(x.int(65536) - 32768) };
    case 1: return { type: 'integer', value: (x) => String([2147483647, -2147483648, x.int(2000) - 1000][x.int(3)]) };
    case 2: return { type: 'bigint', value: (x) => ['9223372036854775807', '-9223372036854775808', String(x.int(1 << 30) * 4096 - 7)][x.int(3)]! };
    case 3: return { type: 'real', value: (x) => (x.int(6) === 0 ? lit(['NaN', 'Infinity', '-Infinity', '-0', '1.4e-45', '3.4028235e38'][x.int(6)]!) : f32(x, 30)) };
    case 4: return { type: 'double precision', value: (x) => (x.int(6) === 0 ? lit(['NaN', '-Infinity', '5e-324', '1.7976931348623157e308'][x.int(4)]!) : String((x.next() - 0.5) * 10 ** (x.int(40) - 20))) };
    case 5: return { type: 'numeric', value: (x) => (x.int(8) === 0 ? "'NaN'" : `${x.int(2) === 0 ? '-' : ''}${x.int(1e9)}.${String(x.int(1e9)).padStart(9, '0')}e${x.int(40) - 20}`) };
    case 6: {
      const p = 1 + r.int(12);
      const s = r.int(p + 1);
      // At most s fraction digits, so rounding never carries into an overflow.
      const frac = (x: Prng) => Array.from({ length: Math.min(s, 6) }, () => x.int(10)).join('');
      return { type: `numeric(${p},${s})`, value: (x) => `${x.int(2) === 0 ? '-' : ''}${p - s > 0 ? x.int(10 ** Math.min(p - s, 9)) : 0}.${frac(x)}0` };
    }
    case 7: return { type: 'boolean', value: (x) => (x.int(2) === 0 ? 'true' : 'false') };
    case 8: return { type: 'text', value: (x) => lit(str(x, 12)) };
    case 9: return { type: `varchar(${n})`, value: (x) => lit(str(x, n)) };
    case 10: return { type: `char(${n})`, value: (x) => lit(str(x, n).replace(/ +$/, '')) };
    case 11: return { type: 'uuid', value: (x) => lit(Array.from({ length: 32 }, () => x.int(16).toString(16)).join('').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')) };
    case 12: return { type: 'bytea', value: (x) => `'\\x${Array.from({ length: x.int(8) }, () => x.int(256).toString(16).padStart(2, '0')).join('')}'` };
    case 13: return { type: 'jsonb', value: (x) => lit(JSON.stringify(json(x, 0))) };
    case 14: return { type: 'json', value: (x) => lit(JSON.stringify(json(x, 0), null, x.int(2) === 0 ? undefined : 1)) };
    case 15: return { type: `vector(${dim})`, value: (x) => lit(`[${Array.from({ length: dim }, () => f32(x, 30)).join(',')}]`) };
    case 16: return { type: `halfvec(${dim})`, value: (x) => lit(`[${Array.from({ length: dim }, () => f32(x, 3)).join(',')}]`) };
    case 17: return { type: `sparsevec(${dim + 3})`, value: (x) => lit(`{${[...new Set(Array.from({ length: x.int(4) }, () => 1 + x.int(dim + 3)))].sort((a, b) => a - b).map((i) => `${i}:${f32(x, 20)}`).join(',')}}/${dim + 3}`) };
    case 18: return { type: `bit(${n})`, value: (x) => `B'${bits(x, n)}'` };
    case 19: return { type: 'timestamp with time zone', value: (x) => lit(`${stamp(x)}${['Z', '+05:30', '-08'][x.int(3)]}`) };
    case 20: {
      const p = r.int(7);
      return { type: `timestamp(${p}) without time zone`, value: (x) => lit(stamp(x)) };
    }
    case 21: return { type: 'date', value: (x) => lit(stamp(x).slice(0, 10)) };
    case 22: return { type: 'interval', value: (x) => lit(`${x.int(30) - 10} years ${x.int(12)} mons ${x.int(60) - 30} days ${x.int(24)}:${x.int(60)}:${x.int(60)}.${x.int(1e6)}`) };
    case 23: {
      const p = r.int(8) - 1;
      return { type: p < 0 ? 'time without time zone' : `time(${p}) without time zone`, value: (x) => lit(x.int(20) === 0 ? '24:00:00' : stamp(x).slice(11)) };
    }
    default: return { type: r.int(2) === 0 ? 'bit varying' : `bit varying(${n})`, value: (x) => `B'${bits(x, x.int(n + 1))}'` };
  }
}

/** An ISO timestamp between years 1900 and 2100 with microseconds. */
function stamp(x: Prng): string {
  const two = (v: number) => String(v).padStart(2, '0');
  return `${1900 + x.int(200)}-${two(1 + x.int(12))}-${two(1 + x.int(28))} ${two(x.int(24))}:${two(x.int(60))}:${two(x.int(60))}.${String(x.int(1e6)).padStart(6, '0')}`;
}

const db = await Vecgres.create();
const peer = await startPglite();
// vecgres computes in UTC (other zones are 0A000): the loaded copy prints timestamptz in UTC too.
await peer.exec("SET TimeZone = 'UTC'");
after(async () => {
  await peer.close();
  await db.close();
});

test(`dump round trips of random tables through PGlite (${ROUNDS} rounds, seed ${SEED})`, async () => {
  const r = new Prng(SEED);
  for (let round = 0; round < ROUNDS; round++) {
    const name = `rt${round}`;
    const cols = Array.from({ length: 2 + r.int(6) }, () => columnGen(r));
    const ctx = `round ${round} (${cols.map((c) => c.type).join(', ')}), seed ${SEED}`;
    await db.exec(`CREATE TABLE ${name} (id serial PRIMARY KEY, ${cols.map((c, i) => `c${i} ${c.type}`).join(', ')})`);
    const rows = 3 + r.int(25);
    for (let k = 0; k < rows; k++) {
      const vals = cols.map((c) => (r.int(5) === 0 ? 'NULL' : c.value(r)));
      await db.exec(`INSERT INTO ${name} (${cols.map((_c, i) => `c${i}`).join(', ')}) VALUES (${vals.join(', ')})`);
    }
    await db.exec(`DELETE FROM ${name} WHERE id % 4 = 1`);
    const c = r.int(cols.length);
    await db.exec(`UPDATE ${name} SET c${c} = ${cols[c]!.value(r)} WHERE id % 3 = 0`);
    const inserts = round % 2 === 1;
    const chunks: string[] = [];
    db.dump((x) => chunks.push(x), { tables: [name], inserts });
    const script = chunks.join('');
    try {
      if (inserts) await peer.exec(script);
      else await loadCopyScript(peer, script);
    } catch (e) {
      assert.fail(`${ctx}: the dump did not load: ${(e as Error).message}\n${script}`);
    }
    const q = `SELECT id, ${cols.map((_c, i) => `c${i}::text`).join(', ')} FROM ${name} ORDER BY id`;
    const ours = (await db.query(q, [], { rowMode: 'array' })).rows;
    const theirs = (await peer.query(q, [], { rowMode: 'array' })).rows;
    assert.deepEqual(theirs, ours, ctx);
  }
});
