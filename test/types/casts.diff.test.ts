/**
 * Differential tests of the casts between vector, halfvec, sparsevec and arrays, of the
 * avg/sum aggregates and of datum sizes (pg_column_size), against PGlite (PostgreSQL 18 +
 * pgvector 0.8.7). Random cases are seeded (VECGRES_SEED replays a failure).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { oracleForFile } from '../support/pglite.js';
import { differential, installEval, ours } from '../support/oracle_batch.js';
import { SEED } from '../support/seed.js';
import {
  arrayToHalfvec,
  arrayToSparsevec,
  arrayToVector,
  formatFloat4Array,
  halfvecToFloat4Array,
  halfvecToSparsevec,
  halfvecToVector,
  sparsevecToHalfvec,
  sparsevecToVector,
  vectorToFloat4Array,
  vectorToHalfvec,
  vectorToSparsevec,
  type ArrayElem,
  type ArrayElemType,
} from '../../src/types/casts.js';
import { formatVector, parseVector } from '../../src/types/vector.js';
import { formatHalfvec, parseHalfvec } from '../../src/types/halfvec.js';
import { formatSparsevec, parseSparsevec } from '../../src/types/sparsevec.js';
import { parseFloat4 } from '../../src/types/float.js';
import { halfvecAvg, halfvecSum, vectorAvg, vectorSum, type Aggregate } from '../../src/types/aggregates.js';
import { columnSize, storedColumnSize } from '../../src/types/size.js';
import { parseBit } from '../../src/types/bit.js';
import { Prng } from '../../src/common/prng.js';

// Random cases per property: 400 in CI, more with VECGRES_TYPE_RUNS.
const RUNS = Number(process.env['VECGRES_TYPE_RUNS'] ?? 400);
const oracle = await oracleForFile();
await installEval(oracle);

const SQL_ELEM: Record<ArrayElemType, string> = { int4: 'int', float4: 'real', float8: 'float8', numeric: 'numeric' };

/** Our reading of an element's SQL text as the array's element type would hold it. */
function elemValue(text: string, t: ArrayElemType): ArrayElem {
  if (text === 'null') return null;
  if (t === 'float4') return parseFloat4(text);
  if (t === 'numeric') return text;
  return Number(text);
}

describe('casts against pgvector', () => {
  test(`${RUNS} random arrays cast to vector, halfvec, sparsevec (with typmods)`, async () => {
    const elem = (t: ArrayElemType) =>
      t === 'int4'
        ? fc.oneof(fc.integer({ min: -2147483648, max: 2147483647 }).map(String), fc.integer({ min: -3, max: 3 }).map(String))
        : fc.oneof(
            fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e40, max: 1e40 }).map((x) => (t === 'numeric' ? x.toFixed(3) : String(x))),
            fc.double({ noNaN: true, noDefaultInfinity: true, min: -70000, max: 70000 }).map((x) => x.toPrecision(7)),
            fc.constantFrom('0', '-0', '65519', '65520', '1e-8', '3.5e38', '1e39', '1e-46', 'null', ...(t === 'numeric' ? [] : ['NaN', 'Infinity'])),
          );
    const cases = fc.sample(
      fc.constantFrom<ArrayElemType>('int4', 'float4', 'float8', 'numeric').chain((t) =>
        fc.record({
          t: fc.constant(t),
          els: fc.array(elem(t), { maxLength: 6 }),
          target: fc.constantFrom('vector', 'halfvec', 'sparsevec'),
          typmod: fc.constantFrom(-1, -1, -1, 2, 3),
          twoD: fc.integer({ min: 0, max: 19 }).map((k) => k === 0),
        }),
      ),
      { seed: SEED, numRuns: RUNS },
    );
    const exprs: string[] = [];
    const fns = new Map<string, () => string>();
    const q = (x: string) => (x === 'null' ? 'null' : `'${x}'`);
    for (const c of cases) {
      const arr = c.twoD && c.els.length > 0 ? `array[array[${c.els.map(q).join(',')}]]` : `array[${c.els.map(q).join(',')}]`;
      const e = `${arr}::${SQL_ELEM[c.t]}[]::${c.target}${c.typmod > 0 ? `(${c.typmod})` : ''}`;
      exprs.push(e);
      fns.set(e, () => {
        // PostgreSQL reads every element (failing on bad ones) before the cast sees the array.
        const vals = c.els.map((x) => elemValue(x, c.t));
        const ndim = c.twoD && c.els.length > 0 ? 2 : 1;
        if (c.target === 'vector') return formatVector(arrayToVector(vals, c.t, c.typmod, ndim));
        if (c.target === 'halfvec') return formatHalfvec(arrayToHalfvec(vals, c.t, c.typmod, ndim));
        return formatSparsevec(arrayToSparsevec(vals, c.t, c.typmod, ndim));
      });
    }
    await differential(oracle, 'pg_temp.eval_text($x)', exprs, (e) => fns.get(e)!());
  });

  test('hand-written array casts: empty, 2-D, nulls, 16,000 / 16,001 elements, nnz limits', async () => {
    const cases: Array<[string, () => string]> = [
      ["'{}'::int[]::vector", () => formatVector(arrayToVector([], 'int4'))],
      ["'{}'::int[]::sparsevec", () => formatSparsevec(arrayToSparsevec([], 'int4'))],
      ["array[[1,2],[3,4]]::int[]::halfvec", () => formatHalfvec(arrayToHalfvec([1, 2, 3, 4], 'int4', -1, 2))],
      ["array[1,null]::int[]::vector", () => formatVector(arrayToVector([1, null], 'int4'))],
      ["array_fill(1, array[16000])::vector", () => formatVector(arrayToVector(new Array(16000).fill(1), 'int4'))],
      ["array_fill(1, array[16001])::vector", () => formatVector(arrayToVector(new Array(16001).fill(1), 'int4'))],
      ["array_fill(1, array[16001])::sparsevec", () => formatSparsevec(arrayToSparsevec(new Array(16001).fill(1), 'int4'))],
      ["array_fill(0, array[20000])::sparsevec", () => formatSparsevec(arrayToSparsevec(new Array(20000).fill(0), 'int4'))],
      ["array[1e39]::numeric[]::vector", () => formatVector(arrayToVector(['1000000000000000000000000000000000000000'], 'numeric'))],
      ["array[1e39]::float8[]::halfvec", () => formatHalfvec(arrayToHalfvec([1e39], 'float8'))],
      ["array[1e39]::float8[]::sparsevec", () => formatSparsevec(arrayToSparsevec([1e39], 'float8'))],
      ["array[70000]::int[]::halfvec", () => formatHalfvec(arrayToHalfvec([70000], 'int4'))],
      ["array[16777217]::int[]::vector", () => formatVector(arrayToVector([16777217], 'int4'))],
      ["'[1,2,3]'::vector::real[]", () => formatFloat4Array(vectorToFloat4Array(parseVector('[1,2,3]')))],
      ["'[0.1,-2]'::halfvec::real[]", () => formatFloat4Array(halfvecToFloat4Array(parseHalfvec('[0.1,-2]')))],
    ];
    const fns = new Map(cases);
    await differential(oracle, 'pg_temp.eval_text($x)', cases.map(([e]) => e), (e) => fns.get(e)!());
  });

  test(`${RUNS} random vector <-> halfvec <-> sparsevec conversions`, async () => {
    const prng = new Prng(SEED ^ 0x85ebca6b);
    const exprs: string[] = [];
    const fns = new Map<string, () => string>();
    const add = (e: string, fn: () => string) => {
      exprs.push(e);
      fns.set(e, fn);
    };
    while (exprs.length < RUNS) {
      const dim = 1 + prng.int(8);
      const xs: string[] = [];
      for (let i = 0; i < dim; i++) {
        const k = prng.int(5);
        const r = prng.next() * 2 - 1;
        xs.push(String(Math.fround(k === 0 ? 0 : k === 1 ? r * 1e5 : k === 2 ? r * 1e-7 : k === 3 ? Math.round(r * 100) : r)));
      }
      const v = `[${xs.join(',')}]`;
      const typmod = prng.int(4) === 0 ? `(${1 + prng.int(8)})` : '';
      const tm = typmod === '' ? -1 : Number(typmod.slice(1, -1));
      const s = formatSparsevec(vectorToSparsevec(parseVector(v)));
      add(`'${v}'::vector::halfvec${typmod}`, () => formatHalfvec(vectorToHalfvec(parseVector(v), tm)));
      add(`'${v}'::vector::sparsevec${typmod}`, () => formatSparsevec(vectorToSparsevec(parseVector(v), tm)));
      add(`'${s}'::sparsevec::vector${typmod}`, () => formatVector(sparsevecToVector(parseSparsevec(s), tm)));
      add(`'${s}'::sparsevec::halfvec${typmod}`, () => formatHalfvec(sparsevecToHalfvec(parseSparsevec(s), tm)));
      if (!xs.some((x) => Math.abs(Number(x)) >= 65520)) {
        const h = formatHalfvec(vectorToHalfvec(parseVector(v)));
        add(`'${h}'::halfvec::vector${typmod}`, () => formatVector(halfvecToVector(parseHalfvec(h), tm)));
        add(`'${h}'::halfvec::sparsevec${typmod}`, () => formatSparsevec(halfvecToSparsevec(parseHalfvec(h), tm)));
      }
      add(`'${v}'::vector${typmod}`, () => formatVector(parseVector(v, tm)));
    }
    add(`'{1:1}/16001'::sparsevec::vector`, () => formatVector(sparsevecToVector(parseSparsevec('{1:1}/16001'))));
    add(`'{1:1}/16001'::sparsevec::halfvec`, () => formatHalfvec(sparsevecToHalfvec(parseSparsevec('{1:1}/16001'))));
    await differential(oracle, 'pg_temp.eval_text($x)', exprs, (e) => fns.get(e)!());
  });
});

describe('aggregates against pgvector', () => {
  function run<In, Out, S>(agg: Aggregate<In, Out, S>, rows: In[]): Out | null {
    let s = agg.init();
    for (const r of rows) s = agg.step(s, r);
    return agg.final(s);
  }

  test('avg and sum over random groups of vector and halfvec', async () => {
    const prng = new Prng(SEED ^ 0xc2b2ae35);
    const groups: string[][] = [];
    for (let g = 0; g < 200; g++) {
      const dim = 1 + prng.int(6);
      const n = 1 + prng.int(12);
      const scale = [1, 100, 1e-3, 3000][prng.int(4)]!;
      const rows: string[] = [];
      for (let i = 0; i < n; i++) rows.push('[' + Array.from({ length: dim }, () => Math.fround((prng.next() * 2 - 1) * scale)).join(',') + ']');
      groups.push(rows);
    }
    for (const type of ['vector', 'halfvec'] as const) {
      const r = await oracle.query(
        `select g, avg(v::${type})::text a, sum(v::${type})::text s from (
           select (ordinality - 1) as g, unnest(string_to_array(rows, '|')) v
             from unnest($1::text[]) with ordinality t(rows)) q group by g order by g`,
        [groups.map((rows) => rows.join('|'))],
      );
      for (let g = 0; g < groups.length; g++) {
        if (type === 'vector') {
          const rows = groups[g]!.map((s) => parseVector(s));
          assert.equal(formatVector(run(vectorAvg, rows)!), r.rows[g].a, `avg(vector) group ${g} (VECGRES_SEED=${SEED})`);
          assert.equal(formatVector(run(vectorSum, rows)!), r.rows[g].s, `sum(vector) group ${g} (VECGRES_SEED=${SEED})`);
        } else {
          const rows = groups[g]!.map((s) => parseHalfvec(s));
          assert.equal(formatHalfvec(run(halfvecAvg, rows)!), r.rows[g].a, `avg(halfvec) group ${g} (VECGRES_SEED=${SEED})`);
          assert.equal(formatHalfvec(run(halfvecSum, rows)!), r.rows[g].s, `sum(halfvec) group ${g} (VECGRES_SEED=${SEED})`);
        }
      }
    }
  });

  test('aggregate errors, empty input and overflow', async () => {
    const cases: Array<[string, () => string | null]> = [
      ["select avg(v)::text t from (values ('[1,2]'::vector), ('[3]')) x(v)", () => fmtV(run(vectorAvg, [parseVector('[1,2]'), parseVector('[3]')]))],
      ["select sum(v)::text t from (values ('[1,2]'::vector), ('[3]')) x(v)", () => fmtV(run(vectorSum, [parseVector('[1,2]'), parseVector('[3]')]))],
      ["select avg(v)::text t from (values ('[1,2]'::halfvec), ('[3]')) x(v)", () => fmtH(run(halfvecAvg, [parseHalfvec('[1,2]'), parseHalfvec('[3]')]))],
      ["select sum(v)::text t from (values ('[1,2]'::halfvec), ('[3]')) x(v)", () => fmtH(run(halfvecSum, [parseHalfvec('[1,2]'), parseHalfvec('[3]')]))],
      ["select avg(v)::text t from (values ('[3e38]'::vector), ('[3e38]')) x(v)", () => fmtV(run(vectorAvg, [parseVector('[3e38]'), parseVector('[3e38]')]))],
      ["select sum(v)::text t from (values ('[3e38]'::vector), ('[3e38]')) x(v)", () => fmtV(run(vectorSum, [parseVector('[3e38]'), parseVector('[3e38]')]))],
      ["select avg(v)::text t from (values ('[60000]'::halfvec), ('[60000]')) x(v)", () => fmtH(run(halfvecAvg, [parseHalfvec('[60000]'), parseHalfvec('[60000]')]))],
      ["select sum(v)::text t from (values ('[60000]'::halfvec), ('[60000]')) x(v)", () => fmtH(run(halfvecSum, [parseHalfvec('[60000]'), parseHalfvec('[60000]')]))],
      ["select avg(v)::text t from (values ('[1]'::vector)) x(v) where false", () => fmtV(run(vectorAvg, []))],
      ["select sum(v)::text t from (values ('[1]'::halfvec)) x(v) where false", () => fmtH(run(halfvecSum, []))],
    ];
    for (const [sql, fn] of cases) {
      const r = await oracle.tryQuery(sql);
      const expected = r.ok ? { ok: true, text: r.rows[0].t } : { ok: false, code: r.code, message: r.message, detail: r.detail ?? null };
      assert.deepEqual(ours(fn), expected, sql);
    }
  });
});

function fmtV(v: Float32Array | null): string | null {
  return v === null ? null : formatVector(v);
}

function fmtH(v: Uint16Array | null): string | null {
  return v === null ? null : formatHalfvec(v);
}

describe('datum sizes against pg_column_size', () => {
  test('expression values and stored columns', async () => {
    const values: Array<[string, Parameters<typeof columnSize>[0]]> = [
      ["'[1,2,3]'::vector", parseVector('[1,2,3]')],
      ["array_fill(1, array[1000])::vector", arrayToVector(new Array(1000).fill(1), 'int4')],
      ["'[1,2,3]'::halfvec", parseHalfvec('[1,2,3]')],
      ["array_fill(1, array[3000])::halfvec", arrayToHalfvec(new Array(3000).fill(1), 'int4')],
      ["'{1:1.5,3:2}/5'::sparsevec", parseSparsevec('{1:1.5,3:2}/5')],
      ["'{}/5'::sparsevec", parseSparsevec('{}/5')],
      ["B'101'", parseBit('101')],
      ["repeat('1', 100)::varbit", parseBit('1'.repeat(100))],
      ["repeat('1', 3072)::varbit", parseBit('1'.repeat(3072))],
    ];
    for (const [sql, v] of values) {
      assert.equal(columnSize(v), Number(await oracle.text(`pg_column_size(${sql})`)), sql);
    }
    await oracle.exec(`create temp table sizes (id int, v vector, h halfvec, s sparsevec, b varbit);
      insert into sizes values (1, '[1,2,3]', '[1,2,3]', '{1:1.5,3:2}/5', B'101'),
        (2, array_fill(1.5, array[40])::vector, array_fill(1.5, array[60])::halfvec, '{}/5', repeat('1', 1000)::varbit),
        (3, array_fill(0.1, array[500])::vector, array_fill(0.1, array[500])::halfvec, '{1:1,2:2,3:3,4:4,5:5,6:6,7:7,8:8,9:9,10:10,11:11,12:12,13:13,14:14,15:15}/20', B'1')`);
    const r = await oracle.query('select id, v::text, h::text, s::text, b::text, pg_column_size(v) cv, pg_column_size(h) ch, pg_column_size(s) cs, pg_column_size(b) cb from sizes order by id');
    for (const row of r.rows) {
      // Row 3 is past the TOAST threshold: its largest value, the vector, moves out of line.
      assert.equal(storedColumnSize(parseVector(row.v), row.id === 3), row.cv, `vector row ${row.id}`);
      assert.equal(storedColumnSize(parseHalfvec(row.h)), row.ch, `halfvec row ${row.id}`);
      assert.equal(storedColumnSize(parseSparsevec(row.s)), row.cs, `sparsevec row ${row.id}`);
      assert.equal(storedColumnSize(parseBit(row.b)), row.cb, `bit row ${row.id}`);
    }
  });
});
