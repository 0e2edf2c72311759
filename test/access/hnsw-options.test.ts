// HNSW WITH-option validation compared with pgvector: each case runs CREATE INDEX in PGlite +
// pgvector and hnswAm.parseOptions here, and the SQLSTATE, message and detail must match.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { hnswAm } from '../../src/access/hnsw/index.js';
import { parsePgInt } from '../../src/access/shared/reloptions.js';
import { PgError } from '../../src/common/errors.js';
import { startPglite } from '../support/pglite_start.js';

let pg: PGlite;

before(async () => {
  pg = await startPglite();
  await pg.exec('CREATE EXTENSION vector; CREATE TABLE t (id int, v vector(3))');
});

after(async () => {
  await pg.close();
});

/** [SQL text of the WITH list, the raw options the SQL layer passes (name -> value text)] */
const cases: Array<[string, Array<[string, string]>]> = [
  ['m = 1', [['m', '1']]],
  ['m = 101', [['m', '101']]],
  ['m = 0', [['m', '0']]],
  ['m = -1', [['m', '-1']]],
  ['m = 1.4', [['m', '1.4']]],
  ['m = 2.5', [['m', '2.5']]],
  ['m = 1.5', [['m', '1.5']]],
  ['m = 16.0', [['m', '16.0']]],
  ['m = 1e1', [['m', '1e1']]],
  ['m = 1e10', [['m', '1e10']]],
  ["m = 'abc'", [['m', 'abc']]],
  ["m = ''", [['m', '']]],
  ["m = ' 16 '", [['m', ' 16 ']]],
  ["m = '+16'", [['m', '+16']]],
  ["m = '16abc'", [['m', '16abc']]],
  ["m = '16 kB'", [['m', '16 kB']]],
  ["m = '0x10'", [['m', '0x10']]],
  ["m = '0x64'", [['m', '0x64']]],
  ["m = '010'", [['m', '010']]],
  ["m = '9999999999999'", [['m', '9999999999999']]],
  ['m = 2147483647', [['m', '2147483647']]],
  ['m = true', [['m', 'true']]],
  ['ef_construction = 3', [['ef_construction', '3']]],
  ['ef_construction = 4', [['ef_construction', '4']]],
  ['ef_construction = 1001', [['ef_construction', '1001']]],
  ['ef_construction = 1000.4', [['ef_construction', '1000.4']]],
  ["ef_construction = 'x'", [['ef_construction', 'x']]],
  ['m = 16, ef_construction = 31', [['m', '16'], ['ef_construction', '31']]],
  ['m = 16, ef_construction = 32', [['m', '16'], ['ef_construction', '32']]],
  ['m = 50', [['m', '50']]],
  ['m = 100, ef_construction = 199', [['m', '100'], ['ef_construction', '199']]],
  ['m = 2, ef_construction = 4', [['m', '2'], ['ef_construction', '4']]],
  ['foo = 1', [['foo', '1']]],
  ['m = 4, foo = 1', [['m', '4'], ['foo', '1']]],
  ['foo = 1, m = 1', [['foo', '1'], ['m', '1']]],
  ['m = 1, ef_construction = 2', [['m', '1'], ['ef_construction', '2']]],
  ['ef_construction = 2, m = 1', [['ef_construction', '2'], ['m', '1']]],
  ['lists = 100', [['lists', '100']]],
];

interface Outcome {
  code?: string;
  message?: string;
  detail?: string;
}

test('option errors match pgvector (code, message, detail)', async () => {
  for (const [sql, raw] of cases) {
    let want: Outcome = {};
    try {
      await pg.exec(`CREATE INDEX i ON t USING hnsw (v vector_l2_ops) WITH (${sql})`);
      await pg.exec('DROP INDEX i');
    } catch (e) {
      const err = e as { code: string; message: string; detail?: string };
      want = { code: err.code, message: err.message, ...(err.detail ? { detail: err.detail } : {}) };
    }
    let got: Outcome = {};
    try {
      hnswAm.parseOptions(new Map(raw), 3);
    } catch (e) {
      assert.ok(e instanceof PgError, `${sql}: ${String(e)}`);
      got = { code: e.code, message: e.message, ...(e.detail ? { detail: e.detail } : {}) };
    }
    assert.deepEqual(got, want, `WITH (${sql})`);
  }
});

test('accepted options take the values pgvector stores', () => {
  assert.deepEqual(hnswAm.parseOptions(new Map(), 3), { m: 16, efConstruction: 64 });
  assert.deepEqual(hnswAm.parseOptions(new Map([['m', '2.5']]), 3), { m: 2, efConstruction: 64 });
  assert.deepEqual(hnswAm.parseOptions(new Map([['m', '3.5']]), 3), { m: 4, efConstruction: 64 });
  assert.deepEqual(hnswAm.parseOptions(new Map([['m', '010']]), 3), { m: 8, efConstruction: 64 });
  assert.deepEqual(hnswAm.parseOptions(new Map([['m', '0x10'], ['ef_construction', '1000.4']]), 3), { m: 16, efConstruction: 1000 });
  assert.equal(parsePgInt('08'), null);
  assert.equal(parsePgInt('-0.4'), 0);
  assert.equal(parsePgInt('.5e1'), 5);
});

test('GUC definitions match pg_settings in pgvector', async () => {
  const r = await pg.query<{ name: string; setting: string; short_desc: string; min_val: string | null; max_val: string | null; enumvals: string[] | null; vartype: string }>(
    "SELECT name, setting, short_desc, min_val, max_val, enumvals, vartype FROM pg_settings WHERE name LIKE 'hnsw.%' ORDER BY name",
  );
  const mine = [...hnswAm.gucs].sort((a, b) => (a.name < b.name ? -1 : 1));
  assert.equal(mine.length, r.rows.length);
  for (let i = 0; i < mine.length; i++) {
    const g = mine[i]!;
    const p = r.rows[i]!;
    assert.equal(g.name, p.name);
    assert.equal(g.shortDesc, p.short_desc);
    assert.equal(g.type === 'integer' || g.type === 'real' || g.type === 'enum' ? g.type : '', p.vartype);
    assert.equal(String(g.default), p.setting);
    if (g.type === 'integer' || g.type === 'real') {
      assert.equal(String(g.min), p.min_val);
      assert.equal(String(g.max), p.max_val);
    }
    if (g.type === 'enum') assert.deepEqual([...g.values], p.enumvals);
  }
});

test('opclasses; like pgvector, no default opclass for hnsw', async () => {
  await assert.rejects(pg.exec('CREATE INDEX ON t USING hnsw (v)'), (e: { code: string; message: string }) => {
    assert.equal(e.code, '42704');
    assert.equal(e.message, 'data type vector has no default operator class for access method "hnsw"');
    return true;
  });
  // pgvector's hnsw opclasses with their type and ORDER BY operator, from its catalog: every
  // one is vecgres'.
  const r = await pg.query<{ opcname: string; typname: string; oprname: string }>(
    `SELECT c.opcname, t.typname, o.oprname FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
       JOIN pg_type t ON t.oid = c.opcintype
       JOIN pg_amop ao ON ao.amopfamily = c.opcfamily AND ao.amoppurpose = 'o'
       JOIN pg_operator o ON o.oid = ao.amopopr
     WHERE a.amname = 'hnsw' ORDER BY c.opcname`,
  );
  assert.ok(r.rows.length >= 14);
  const mine = [...hnswAm.opclasses].sort((a, b) => (a.name < b.name ? -1 : 1));
  assert.deepEqual(
    mine.map((o) => [o.name, o.kind, o.operator]),
    r.rows.map((x) => [x.opcname, x.typname, x.oprname]),
  );
  for (const o of mine) assert.ok(o.name.startsWith(`${o.kind}_${o.metric}_ops`), o.name);
  assert.equal(hnswAm.defaultOpclass('vector'), null);
  assert.equal(hnswAm.defaultOpclass('sparsevec'), null);
});
