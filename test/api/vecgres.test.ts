/**
 * The embedded API: result shapes as PGlite's (rows as objects, fields with type OIDs,
 * affectedRows), parameter forms for vectors, the float32array vector format, rowMode
 * 'array', exec() of scripts, and transaction() commit/rollback; on Vecgres and on
 * VecgresWorker (the same flows, both checked against PGlite).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { oracleForFile } from '../support/pglite.js';
import { API_IMPLS } from '../support/api_impls.js';

const oracle = await oracleForFile();

// Every database opens before the first test is declared: a top-level await between tests
// would let the runner finish (and run the after hooks) before the later tests exist.
const opened = await Promise.all(API_IMPLS.map(async (impl) => ({ impl, db: await impl.create() })));
for (const { impl, db } of opened) {
  after(() => db.close());

  const setup =
    'CREATE TABLE api (id bigserial PRIMARY KEY, n integer, r real, d double precision, b boolean, t text, big bigint, e vector(3))';

  test(`${impl.name}: result shapes match PGlite`, async () => {
    await db.exec(setup);
    await oracle.exec(`DROP TABLE IF EXISTS api; ${setup}`);
    const ins = "INSERT INTO api (n, r, d, b, t, big, e) VALUES (1, 0.1, 0.1, true, 'x', 9223372036854775807, '[1,2.5,3]'), (NULL, NULL, NULL, false, NULL, 5, NULL)";
    const a = await db.query(ins);
    const b = await oracle.query(ins);
    assert.equal(a.affectedRows, 2);
    const sql = 'SELECT * FROM api ORDER BY id';
    const got = await db.query(sql);
    const want = await oracle.query(sql);
    assert.deepEqual(got.fields, want.fields);
    assert.deepEqual(got.rows, want.rows);
    void b;
  });

  test(`${impl.name}: vector parameters: number[], Float32Array and pgvector text`, async () => {
    const forms: unknown[] = [[1, 2, 3], new Float32Array([1, 2, 3]), '[1,2,3]'];
    for (const v of forms) {
      const r = await db.query<{ e: string }>('INSERT INTO api (e) VALUES ($1) RETURNING e', [v]);
      assert.equal(r.rows[0]!.e, '[1,2,3]');
    }
    await assert.rejects(db.query('INSERT INTO api (e) VALUES ($1)', [[1, 2]]), {
      code: '22000',
      message: 'expected 3 dimensions, not 2',
    });
    const near = await db.query<{ id: number; dist: number }>(
      'SELECT id, e <-> $1 AS dist FROM api WHERE e IS NOT NULL ORDER BY e <-> $1 LIMIT 2',
      [new Float32Array([1, 2, 3])],
    );
    assert.equal(near.rows.length, 2);
    assert.equal(near.rows[0]!.dist, 0);
  });

  test(`${impl.name}: vector parameters from numbers are checked as vector_in checks their text (PGlite)`, async () => {
    // Each value's text form (elements as JavaScript prints them) goes to PGlite + pgvector; the
    // number[] / Float32Array forms must give vecgres the same error, and change nothing.
    const cases: { v: unknown; text: string }[] = [
      { v: new Float32Array([1, NaN, 2]), text: '[1,NaN,2]' },
      { v: [1, NaN, 2], text: '[1,NaN,2]' },
      { v: [1, Infinity, 3], text: '[1,Infinity,3]' },
      { v: new Float32Array([1, -Infinity, 3]), text: '[1,-Infinity,3]' },
      { v: [1, 1e40, 3], text: '[1,1e+40,3]' },
      { v: [-1e39, 2, 3], text: '[-1e+39,2,3]' },
      { v: ['a', 2, 3], text: '[a,2,3]' },
      { v: [], text: '[]' },
      { v: new Float32Array(0), text: '[]' },
      { v: [1, 2], text: '[1,2]' },
    ];
    await oracle.exec('DROP TABLE IF EXISTS api_param; CREATE TABLE api_param (e vector(3))');
    await db.exec('CREATE TABLE api_param (e vector(3))');
    for (const { v, text } of cases) {
      const want = await oracle.query('INSERT INTO api_param VALUES ($1)', [text]).then(
        () => null,
        (e: { code: string; message: string }) => ({ code: e.code, message: e.message }),
      );
      assert.ok(want, `PGlite accepted ${text}`);
      await assert.rejects(db.query('INSERT INTO api_param VALUES ($1)', [v]), want, text);
    }
    assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM api_param')).rows, [{ n: 0 }]);
    // Valid numbers round to float4 exactly as the text of the same doubles does.
    const xs = [0.1, 1 / 3, -2.5e-8, 1e-50, 3.4028234e38, 123456789.123];
    const a = await db.query<{ e: string }>('SELECT $1::vector(6)::text AS e', [xs]);
    const b = await oracle.query('SELECT $1::vector(6)::text AS e', [`[${xs.join(',')}]`]);
    assert.deepEqual(a.rows, b.rows);
  });

  test(`${impl.name}: vectorFormat 'float32array' and rowMode 'array'`, async () => {
    const r = await db.query<{ e: Float32Array }>('SELECT e FROM api WHERE id = 1', [], { vectorFormat: 'float32array' });
    assert.ok(r.rows[0]!.e instanceof Float32Array);
    assert.deepEqual(Array.from(r.rows[0]!.e), [1, 2.5, 3]);
    const arr = await db.query<unknown[]>('SELECT id, t FROM api WHERE id = 1', [], { rowMode: 'array' });
    assert.deepEqual(arr.rows, [[1, 'x']]);
  });

  test(`${impl.name}: exec returns one result per statement; errors carry SQLSTATE fields`, async () => {
    const rs = await db.exec('SELECT 1 AS a; SELECT 2 AS b');
    assert.deepEqual(rs.map((r) => r.rows), [[{ a: 1 }], [{ b: 2 }]]);
    await assert.rejects(db.query('SELECT 1; SELECT 2', [1]), { code: '42601' });
    await assert.rejects(db.query('SELECT nosuch FROM api'), { code: '42703', message: 'column "nosuch" does not exist', position: '8' });
  });

  test(`${impl.name}: transaction() commits on success and rolls back on error`, async () => {
    const before = (await db.query<{ count: number }>('SELECT count(*) FROM api')).rows[0]!.count;
    await db.transaction(async (tx) => {
      await tx.query("INSERT INTO api (t) VALUES ('in tx')");
      await tx.query('SET LOCAL hnsw.ef_search = 10');
    });
    assert.equal((await db.query<{ count: number }>('SELECT count(*) FROM api')).rows[0]!.count, before + 1);
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO api (t) VALUES ('lost')");
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal((await db.query<{ count: number }>('SELECT count(*) FROM api')).rows[0]!.count, before + 1);
    const show = await db.query<Record<string, string>>('SHOW hnsw.ef_search');
    assert.equal(show.rows[0]!['hnsw.ef_search'], '40');
  });
}
