/**
 * PGlite's `sql` tagged template and `describeQuery`, against PGlite itself: the template
 * helpers build the same query text and parameters as `@electric-sql/pglite/template`,
 * `db.sql` returns what PGlite returns for the same template, and describeQuery reports the
 * same parameter and result type OIDs (or the same error); on Vecgres and VecgresWorker.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as pgTemplate from '@electric-sql/pglite/template';
import { sql, query, identifier, raw } from '../../src/index.js';
import { API_IMPLS } from '../support/api_impls.js';
import { normalize } from '../support/sql_pair.js';
import { startPglite } from '../support/pglite_start.js';

const pg = await startPglite({ extensions: {} });
after(() => pg.close());
// Every database opens before the first test is declared: a top-level await between tests
// would let the runner finish (and run the after hooks) before the later tests exist.
const opened = await Promise.all(API_IMPLS.map(async (impl) => ({ impl, db: await impl.create() })));
const SCHEMA = 'CREATE TABLE t (id int PRIMARY KEY, name text, meta jsonb, n numeric, b bigint)';

test('template helpers build the query text and parameters PGlite builds', () => {
  const id = 7;
  const cases: [ReturnType<typeof query>, ReturnType<typeof pgTemplate.query>][] = [
    [query`SELECT 1`, pgTemplate.query`SELECT 1`],
    [query`SELECT ${id}, ${'x'}, ${null}`, pgTemplate.query`SELECT ${id}, ${'x'}, ${null}`],
    [
      query`SELECT * FROM ${identifier`t`} WHERE id = ${id} ${sql`AND name = ${'a'} ${sql`AND b = ${2}`}`} ${raw`LIMIT ${3}`}`,
      pgTemplate.query`SELECT * FROM ${pgTemplate.identifier`t`} WHERE id = ${id} ${pgTemplate.sql`AND name = ${'a'} ${pgTemplate.sql`AND b = ${2}`}`} ${pgTemplate.raw`LIMIT ${3}`}`,
    ],
    [query`SELECT ${sql``}${sql`${1}`}`, pgTemplate.query`SELECT ${pgTemplate.sql``}${pgTemplate.sql`${1}`}`],
  ];
  for (const [ours, theirs] of cases) assert.deepEqual(ours, theirs);
  // An identifier's embedded quote is doubled (PGlite's leaves it as written).
  assert.equal(query`SELECT 1 AS ${identifier`a"b`}`.query, 'SELECT 1 AS "a""b"');
});

for (const { impl, db } of opened) {
  after(() => db.close());

  test(`${impl.name}: db.sql runs the template as a parameterized query, on the database, a session and in a transaction`, async () => {
    await pg.exec(`DROP TABLE IF EXISTS t; ${SCHEMA}`);
    await db.exec(SCHEMA);
    const rows: [number, string][] = [[1, 'a'], [2, "o'b"], [3, '$1']];
    for (const [id, name] of rows) {
      await pg.sql`INSERT INTO t (id, name, meta) VALUES (${id}, ${name}, ${{ k: name }})`;
      await db.sql`INSERT INTO t (id, name, meta) VALUES (${id}, ${name}, ${{ k: name }})`;
    }
    const tbl = 't';
    const theirs = await pg.sql`SELECT id, name, meta->>'k' AS k FROM ${pgTemplate.identifier`${tbl}`} WHERE id >= ${2} ${pgTemplate.sql`AND name <> ${'zz'}`} ORDER BY id`;
    const ours = await db.sql`SELECT id, name, meta->>'k' AS k FROM ${identifier`${tbl}`} WHERE id >= ${2} ${sql`AND name <> ${'zz'}`} ORDER BY id`;
    assert.deepEqual(normalize(ours.rows), normalize(theirs.rows));
    assert.deepEqual(ours.fields, theirs.fields);
    const s = await db.connect();
    assert.deepEqual((await s.sql`SELECT count(*)::int AS c FROM t WHERE name = ${"o'b"}`).rows, [{ c: 1 }]);
    await s.release();
    const inTx = await db.transaction((tx) => tx.sql`SELECT name FROM t WHERE id = ${3}`);
    assert.deepEqual(inTx.rows, [{ name: '$1' }]);
  });

  test(`${impl.name}: describeQuery reports the parameter and result type OIDs PGlite reports`, async () => {
    const statements = [
      'SELECT $1',
      'SELECT $1::int AS x, name FROM t WHERE id = $2',
      'INSERT INTO t (id, name) VALUES ($1, $2)',
      'SELECT * FROM t WHERE meta @> $1 AND n > $2 AND b = $3',
      'UPDATE t SET name = $1 RETURNING id, upper(name)',
      'SELECT count(*), $1 || name FROM t GROUP BY name',
      'SELECT jsonb_agg(id), json_object_agg(name, id) FROM t WHERE id = ANY($1)',
      'SELECT key, value FROM t, jsonb_each(t.meta) WHERE id = $1',
      'BEGIN',
      '',
      'SELECT * FROM nosuch',
      'SELEC 1',
    ];
    const shape = async (f: () => Promise<{ queryParams: { dataTypeID: number }[]; resultFields: { name: string; dataTypeID: number }[] }>): Promise<unknown> => {
      try {
        const r = await f();
        return { params: r.queryParams.map((p) => p.dataTypeID), fields: r.resultFields.map((x) => [x.name, x.dataTypeID]) };
      } catch (e) {
        return { code: (e as { code?: string }).code, message: (e as Error).message };
      }
    };
    for (const q of statements) {
      assert.deepEqual(await shape(() => db.describeQuery(q)), await shape(() => pg.describeQuery(q)), q);
    }
    // Nothing ran: the table is unchanged.
    assert.deepEqual((await db.query('SELECT count(*)::int AS c FROM t')).rows, [{ c: 3 }]);
  });
}
