/**
 * Row comparisons against PostgreSQL + pgvector (PGlite): `(a, b) op (c, d)` for `=`, `<>`,
 * `<`, `<=`, `>`, `>=` (lexicographic, NULL as soon as a deciding pair is NULL), `IS [NOT]
 * DISTINCT FROM`, `[NOT] IN` lists of rows, their errors, parameters typed through them, and
 * keyset pagination (`WHERE (created, id) < ($1, $2) ORDER BY created DESC, id DESC LIMIT n`)
 * walked page by page, and rows against subqueries (`(a, b) [NOT] IN (SELECT x, y ...)`, `= ANY`,
 * `<> ALL`). Also a seeded sweep of random rows of two and three columns with NULLs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair, reportMismatches } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';
import { Prng } from '../../src/common/prng.js';

const { check, checkAll, both, ours, theirs } = await openSqlPair();

await both(`CREATE TABLE rc (id int PRIMARY KEY, created date, score float8, tag text)`);
await both(`INSERT INTO rc SELECT i, DATE '2024-01-01' + (i / 3), (i % 4) * 0.5, CASE WHEN i % 5 = 0 THEN NULL ELSE 't' || (i % 3) END
  FROM generate_series(1, 40) i`);
await both(`CREATE INDEX rc_created_id ON rc (created, id)`);

const run = (label: string, qs: readonly (string | [string, unknown[]])[]): Promise<void> => checkAll(label, qs, undefined, SEED);

test('row comparisons: values, NULLs, types and errors', async () => {
  await run('row comparisons', [
    `SELECT (1, 2) = (1, 2) AS a, (1, 2) <> (1, 3) AS b, (1, 2) < (1, 3) AS c, (1, 2) <= (1, 2) AS d, (2, 1) > (1, 9) AS e, (1, 2) >= (1, 3) AS f`,
    `SELECT (1, NULL) < (2, 3) AS a, (1, NULL) < (1, 3) AS b, (NULL, 1) = (NULL, 1) AS c, (1, 2) <> (1, NULL) AS d, (1, 2) = (3, NULL) AS e, (NULL, 1) > (1, 2) AS f`,
    `SELECT (1, 2, 3) <= (1, 2, 3) AS a, (1, 2, 3) >= (1, 2, 4) AS b, (1, 2, 3) > (1, 1, NULL) AS c, ROW(1) < ROW(2) AS d, ROW(1, 'a') = ROW(1, 'a') AS e`,
    `SELECT (1, 2.5) < (1, 3) AS a, (1::int8, 'b') > (1, 'a') AS b, ('2024-01-02'::date, 1) < ('2024-01-02 00:00:01'::timestamp, 0) AS c`,
    `SELECT (1, 2) IS DISTINCT FROM (1, NULL) AS a, (1, NULL) IS NOT DISTINCT FROM (1, NULL) AS b, (1, 2) IS DISTINCT FROM (1, 2) AS c, ROW(NULL) IS NOT DISTINCT FROM ROW(NULL) AS d`,
    `SELECT (1, 2) IN ((1, 2), (3, NULL)) AS a, (1, 2) NOT IN ((1, 3), (3, NULL)) AS b, (1, 2) IN ((3, 4), (1, NULL)) AS c, (1, 2) NOT IN ((1, 2)) AS d`,
    `SELECT id FROM rc WHERE (id, tag) IN ((1, 't1'), (2, 't2'), (5, NULL), (6, 't0')) ORDER BY id`,
    `SELECT id FROM rc WHERE (created, score) >= ('2024-01-12', 1) AND (id, tag) <> (40, NULL) ORDER BY id`,
    `SELECT id, (created, tag) < ('2024-01-05', 't1') AS lt FROM rc WHERE id BETWEEN 10 AND 17 ORDER BY id`,
    `SELECT (1, 2) = (1, 2, 3)`,
    `SELECT ROW() = ROW()`,
    `SELECT ROW() < ROW()`,
    `SELECT (1, 'a') < (1, 2)`,
    `SELECT (1, 2) < (1.5, 'a')`,
    `SELECT (1, 'a') || (2, 'b')`,
    `SELECT ('a', 'b') ~ ('a', 'b')`,
    `SELECT (1, 2) @> (1, 2)`,
    `SELECT (1, 2) IN ((1, 2), 3)`,
    `SELECT (1, 2) IN ((1, 2), (1, 2, 3))`,
    `SELECT (1, 1 / 0) < (2, 3)`,
    `SELECT count(*) FROM rc WHERE (created, id) = ((SELECT created FROM rc WHERE id = 7), 7)`,
  ]);
});

test('rows IN (SELECT ...), NOT IN, = ANY and <> ALL over subqueries', async () => {
  await both(`CREATE TABLE rc_pairs (d date, i int, t text)`);
  await both(`INSERT INTO rc_pairs VALUES ('2024-01-01', 1, 't1'), ('2024-01-01', 2, NULL), ('2024-01-04', 10, 't1'), (NULL, 11, 't2'), ('2024-01-14', 40, NULL)`);
  await run('row subqueries', [
    `SELECT id FROM rc WHERE (created, id) IN (SELECT d, i FROM rc_pairs) ORDER BY id`,
    `SELECT id FROM rc WHERE (created, id) NOT IN (SELECT d, i FROM rc_pairs) ORDER BY id`,
    `SELECT id FROM rc WHERE (created, id) NOT IN (SELECT d, i FROM rc_pairs WHERE d IS NOT NULL) ORDER BY id`,
    `SELECT id, (id, tag) IN (SELECT i, t FROM rc_pairs) AS inp, (id, tag) NOT IN (SELECT i, t FROM rc_pairs) AS notin FROM rc WHERE id <= 12 ORDER BY id`,
    `SELECT id FROM rc WHERE (id, tag) = ANY (SELECT i, t FROM rc_pairs) ORDER BY id`,
    `SELECT id, (id, tag) <> ALL (SELECT i, t FROM rc_pairs) AS a FROM rc WHERE id <= 12 ORDER BY id`,
    `SELECT id FROM rc WHERE (created, id) IN (SELECT d, i FROM rc_pairs p WHERE p.t = rc.tag) ORDER BY id`,
    `SELECT p.i FROM rc_pairs p WHERE (p.d, p.i) IN (SELECT created, id FROM rc WHERE score > 0) ORDER BY 1`,
    `SELECT count(*) FROM rc WHERE (id, score) IN (SELECT i, i * 0.5 FROM rc_pairs)`,
    `DELETE FROM rc_pairs WHERE (d, i) IN (SELECT created, id FROM rc WHERE id > 30) RETURNING i`,
    `SELECT count(*) FROM rc WHERE (id, tag) IN (SELECT i FROM rc_pairs)`,
    `SELECT count(*) FROM rc WHERE (id, tag) IN (SELECT i, t, d FROM rc_pairs)`,
    `SELECT count(*) FROM rc WHERE (id, tag) IN (SELECT t, i FROM rc_pairs)`,
  ]);
  // A row compared with a subquery's one row (ROWCOMPARE_SUBLINK): none is NULL, two are 21000.
  await run('row against a subquery row', [
    `SELECT count(*) FROM rc WHERE (created, id) = (SELECT created, id FROM rc WHERE id = 7)`,
    `SELECT id, (id, tag) < (SELECT i, t FROM rc_pairs WHERE i = 10) AS lt, (id, tag) = (SELECT i, t FROM rc_pairs WHERE i = 99) AS none FROM rc WHERE id <= 12 ORDER BY id`,
    `SELECT id FROM rc o WHERE (o.created, o.id) = (SELECT i.created, i.id FROM rc i WHERE i.id = o.id AND i.score > 0) ORDER BY id`,
    `SELECT (1, 2) = (SELECT i, i FROM rc_pairs)`,
    `SELECT (1, 2) = (SELECT 1)`,
    `SELECT (1, 2) <> (SELECT 1, 2, 3)`,
  ]);
  // Ordering operators over ANY / ALL, and a volatile sub-SELECT compared as a row, are 0A000.
  for (const [q, message] of [
    [`SELECT (1, 2) = (SELECT random()::int, 2)`, 'row comparison with a subquery that calls a volatile function is not supported'],
    [`SELECT count(*) FROM rc WHERE (created, id) < ANY (SELECT created, id FROM rc WHERE id = 7)`, 'row comparison < with a subquery is not supported'],
  ] as const) {
    assert.deepEqual(await ours(q), { ok: false, code: '0A000', message });
  }
});

test('parameters take their types from the row comparison', async () => {
  await run('row comparison parameters', [
    [`SELECT id FROM rc WHERE (created, id) < ($1, $2) ORDER BY created DESC, id DESC LIMIT 4`, ['2024-01-05', 14]],
    [`SELECT id FROM rc WHERE (score, tag) = ($1, $2) ORDER BY id`, [0.5, 't2']],
    [`SELECT ($1, $2) IS DISTINCT FROM (1, 'x') AS d`, [1, null]],
    [`SELECT id FROM rc WHERE (id, tag) IN (($1, $2), ($3, $4)) ORDER BY id`, [1, 't1', 4, 't1']],
  ]);
});

test('keyset pagination over (created, id) walks every row once, in order, as PostgreSQL', async () => {
  for (const desc of [true, false]) {
    const dir = desc ? 'DESC' : 'ASC';
    const op = desc ? '<' : '>';
    const all: unknown[] = [];
    let last: [string, number] | null = null;
    for (let page = 0; page < 20; page++) {
      const where: string = last === null ? '' : `WHERE (created, id) ${op} ($1, $2)`;
      const sql: string = `SELECT id, created::text AS created FROM rc ${where} ORDER BY created ${dir}, id ${dir} LIMIT 7`;
      const params = last === null ? undefined : last;
      const want = await theirs(sql, params);
      const got = await ours(sql, params);
      assert.deepEqual(got, want, sql);
      assert.ok(want.ok);
      const rows = (want as { rows: { id: number; created: string }[] }).rows;
      if (rows.length === 0) break;
      all.push(...rows.map((r) => r.id));
      const end = rows[rows.length - 1]!;
      last = [end.created, end.id];
    }
    assert.equal(all.length, 40);
    assert.equal(new Set(all).size, 40);
  }
});

test(`random row comparisons agree with PostgreSQL (seed ${SEED})`, async () => {
  const rng = new Prng(SEED ^ 0x0c0b);
  const budget = Number(process.env['VECGRES_ROW_CASES'] ?? 200);
  const value = (): string => ['NULL', '1', '2', '3'][rng.int(4)]!;
  const row = (n: number): string => `(${Array.from({ length: n }, value).join(', ')})`;
  const ops = ['=', '<>', '<', '<=', '>', '>=', 'IS DISTINCT FROM', 'IS NOT DISTINCT FROM', 'IN', 'NOT IN', 'IN (SELECT', 'NOT IN (SELECT', '<> ALL (SELECT'];
  const mismatches: string[] = [];
  for (let i = 0; i < budget; i++) {
    const n = 2 + rng.int(2);
    const op = ops[rng.int(ops.length)]!;
    const rows = Array.from({ length: 1 + rng.int(3) }, () => row(n)).join(', ');
    const right = op.endsWith('(SELECT') ? ` * FROM (VALUES ${rows}) v)` : op.endsWith('IN') ? `(${rows})` : row(n);
    // ROW(...) typed as integers, so that an all-NULL pair still has a type.
    await check(`SELECT ${row(n).replace(/NULL/g, 'NULL::int')} ${op}${op.endsWith('(SELECT') ? '' : ' '}${right.replace(/NULL/g, 'NULL::int')} AS v`, mismatches);
  }
  reportMismatches('random row comparisons', mismatches, budget, SEED);
});
