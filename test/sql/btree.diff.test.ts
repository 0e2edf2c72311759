/**
 * B-tree indexes against PostgreSQL 18 (PGlite): every scalar type vecgres indexes, random
 * predicates (=, ranges, BETWEEN, IN, IS [NOT] NULL, AND / OR of them) whose rows must equal
 * PostgreSQL's while vecgres answers them through index and bitmap scans (sequential scans
 * disabled, and the plans checked to use the indexes), ORDER BY ... LIMIT through forward and
 * backward index scans, EXPLAIN (COSTS OFF) shapes where PostgreSQL picks the same plan,
 * UNIQUE violations with PostgreSQL's messages, and NULL handling.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/common/prng.js';
import { openSqlPair, reportMismatches, type SqlOutcome } from '../support/sql_pair.js';
import { SEED } from '../support/seed.js';

const { db, check, same, both, ours, theirs } = await openSqlPair();
const rng = new Prng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
const maybeNull = (s: string): string => (rng.int(8) === 0 ? 'NULL' : s);
const hex = (n: number): string => Array.from({ length: n }, () => rng.int(256).toString(16).padStart(2, '0')).join('');
const UUIDS = Array.from({ length: 12 }, () => `${hex(4)}-${hex(2)}-${hex(2)}-${hex(2)}-${hex(6)}`);

/** A literal of column `c`'s type (values from a small domain, so there are duplicates). */
function literal(c: string): string {
  switch (c) {
    case 'i2': return String(rng.int(40) - 20);
    case 'i4': return String(rng.int(60));
    case 'i8': return pick(['9007199254740993', '9007199254740992', '-9007199254740993', String(rng.int(30) - 15), '4611686018427387904']);
    case 'f4': return pick([String((rng.int(80) - 40) / 8), `'NaN'`, `'-0'`]);
    case 'f8': return pick([String((rng.int(200) - 100) / 16), `'NaN'`, `'Infinity'`, `'-Infinity'`, `'-0'`]);
    case 'n': return String((rng.int(200) - 100) / 20);
    case 'b': return pick(['true', 'false']);
    case 't': return `'w${rng.int(25)}'`;
    case 'v': return `'v${rng.int(25)}'`;
    case 'u': return `'${pick(UUIDS)}'`;
    default: return `'\\x${hex(1 + rng.int(2))}'`;
  }
}
const COLS = ['i2', 'i4', 'i8', 'f4', 'f8', 'n', 'b', 't', 'v', 'u', 'by'];

await both(`CREATE TABLE bt (id int, i2 smallint, i4 int, i8 bigint, f4 real, f8 double precision, n numeric,
  b boolean, t text, v varchar(10), u uuid, by bytea)`);
{
  const rows: string[] = [];
  for (let id = 1; id <= 400; id++) rows.push(`(${id}, ${COLS.map((c) => maybeNull(literal(c))).join(', ')})`);
  await both(`INSERT INTO bt VALUES ${rows.join(', ')}`);
}
// One index per column (some DESC / NULLS FIRST), a multi-column one, and one built before
// rows arrive so inserts after the build are covered too.
await both(`CREATE INDEX ON bt (i2, id); CREATE INDEX ON bt (i4); CREATE INDEX ON bt USING btree (i8);
  CREATE INDEX ON bt (f4 NULLS FIRST); CREATE INDEX ON bt (f8 DESC); CREATE INDEX ON bt (n);
  CREATE INDEX ON bt (b); CREATE INDEX ON bt (t, v DESC NULLS LAST); CREATE INDEX ON bt (v);
  CREATE INDEX ON bt (u); CREATE INDEX ON bt (by)`);
{
  const rows: string[] = [];
  for (let id = 401; id <= 500; id++) rows.push(`(${id}, ${COLS.map((c) => maybeNull(literal(c))).join(', ')})`);
  await both(`INSERT INTO bt VALUES ${rows.join(', ')}`);
  await both(`DELETE FROM bt WHERE id % 17 = 3; UPDATE bt SET i4 = i4 + 1, t = 'w3' WHERE id % 13 = 5`);
}
await db.query('VACUUM bt');

/** One indexable atom over column `c`. */
function atom(c: string): string {
  switch (rng.int(9)) {
    case 0: return `${c} = ${literal(c)}`;
    case 1: return `${c} < ${literal(c)}`;
    case 2: return `${c} >= ${literal(c)}`;
    case 3: return `${literal(c)} > ${c}`;
    case 4: return `${c} <= ${literal(c)}`;
    case 5: return `${c} BETWEEN ${literal(c)} AND ${literal(c)}`;
    case 6: return `${c} IN (${Array.from({ length: 1 + rng.int(4) }, () => literal(c)).join(', ')})`;
    case 7: return `${c} IS NULL`;
    default: return `${c} IS NOT NULL`;
  }
}

function predicate(): string {
  const n = 1 + rng.int(3);
  const parts = Array.from({ length: n }, () => atom(pick(COLS)));
  if (n > 1 && rng.int(3) === 0) return parts.join(' OR ');
  return parts.join(' AND ');
}

test(`B-tree index and bitmap scans return PostgreSQL's rows for random predicates (seed ${SEED})`, async () => {
  await db.query('SET enable_seqscan = off');
  const n = Number(process.env['VECGRES_BTREE_QUERIES'] ?? 150);
  const mismatches: string[] = [];
  let indexed = 0;
  for (let i = 0; i < n; i++) {
    const sql = `SELECT id FROM bt WHERE ${predicate()} ORDER BY id`;
    if (i % 3 === 0) await db.query(`SET enable_bitmapscan = ${rng.int(2) === 0 ? 'on' : 'off'}`);
    const plan = (await db.query(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    if (/Index Scan|Bitmap/.test(plan)) indexed++;
    await check(sql, mismatches);
  }
  await db.exec('RESET enable_seqscan; RESET enable_bitmapscan');
  reportMismatches('predicates', mismatches, n, SEED);
  // Most generated predicates have an indexable conjunct: the scans above really used indexes.
  assert.ok(indexed > n / 2, `only ${indexed} of ${n} queries used an index (seed ${SEED})`);
});

test(`ORDER BY ... LIMIT through forward and backward index scans (seed ${SEED})`, async () => {
  const mismatches: string[] = [];
  const queries: string[] = [];
  for (const c of COLS) {
    for (const dir of ['', ' DESC', ' NULLS FIRST', ' DESC NULLS LAST']) {
      const where = rng.int(2) === 0 ? '' : ` WHERE ${atom(c)}`;
      queries.push(`SELECT ${c} FROM bt${where} ORDER BY ${c}${dir} LIMIT ${1 + rng.int(30)}`);
    }
  }
  queries.push('SELECT i2, id FROM bt ORDER BY i2, id LIMIT 40', 'SELECT i2, id FROM bt ORDER BY i2 DESC, id DESC LIMIT 40',
    'SELECT id FROM bt WHERE i2 = 3 ORDER BY id LIMIT 5', 'SELECT t, v FROM bt ORDER BY t, v DESC LIMIT 30',
    'SELECT i4 FROM bt ORDER BY i4 OFFSET 20 LIMIT 10', 'SELECT f8 FROM bt ORDER BY f8 DESC');
  let ordered = 0;
  for (const q of queries) {
    const plan = (await db.query(`EXPLAIN (COSTS OFF) ${q}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    if (/Index (Only )?Scan/.test(plan) && !/Sort/.test(plan)) ordered++;
    await check(q, mismatches);
  }
  reportMismatches('ORDER BY', mismatches, queries.length, SEED);
  // NULLS FIRST on an ASC NULLS LAST index (and the reverse) needs a Sort, as in PostgreSQL.
  assert.ok(ordered > queries.length / 3, `only ${ordered} of ${queries.length} ordered queries ran as an index scan`);
});

test('EXPLAIN (COSTS OFF) shapes of B-tree scans match PostgreSQL', async () => {
  const mismatches: string[] = [];
  const shapes: [string, string][] = [
    ['SET enable_seqscan = off; SET enable_bitmapscan = off', 'SELECT * FROM bt WHERE i4 = 5'],
    ['SET enable_seqscan = off; SET enable_bitmapscan = off', 'SELECT id FROM bt WHERE i4 = 5 AND t > \'w1\''],
    ['SET enable_seqscan = off; SET enable_indexscan = off', 'SELECT * FROM bt WHERE i4 = 5'],
    ['SET enable_seqscan = off; SET enable_indexscan = off', 'SELECT * FROM bt WHERE i4 IS NULL'],
    ['SET enable_seqscan = off; SET enable_indexscan = off', 'SELECT * FROM bt WHERE i4 = 5 OR t = \'w2\''],
    ['SET enable_seqscan = off', 'SELECT i4 FROM bt ORDER BY i4 LIMIT 5'],
    ['SET enable_seqscan = off', 'SELECT i4 FROM bt ORDER BY i4 DESC LIMIT 5'],
    ['SET enable_seqscan = off', 'SELECT f8 FROM bt ORDER BY f8 LIMIT 5'],
  ];
  for (const [set, q] of shapes) {
    await both(set);
    await check(`EXPLAIN (COSTS OFF) ${q}`, mismatches);
    await both('RESET enable_seqscan; RESET enable_bitmapscan; RESET enable_indexscan');
  }
  reportMismatches('EXPLAIN', mismatches, shapes.length, SEED);
  // Under ANALYZE: actual rows, Heap Fetches and Index Searches; Index Cond in key order.
  const analyzed = [
    'SELECT i4 FROM bt ORDER BY i4 LIMIT 3',
    "SELECT id FROM bt WHERE v = 'v3' AND t = 'w3'",
    'SELECT id FROM bt WHERE i2 = 4 AND id > 100',
  ];
  // PostgreSQL's Heap Fetches count the dead row versions it visits too: left out. Both sides
  // plan from statistics (vecgres analyzes after enough changes; PGlite runs no autovacuum),
  // and only index scans are on: a bitmap's Heap Blocks count depends on the physical layout.
  await both('ANALYZE bt; SET enable_bitmapscan = off; SET enable_seqscan = off');
  const lines = (o: SqlOutcome): unknown => (o.ok ? (o.rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).filter((l) => !/Heap Fetches/.test(l)) : o);
  for (const q of analyzed) {
    const sql = `EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF, SUMMARY OFF, BUFFERS OFF) ${q}`;
    const want = lines(await theirs(sql)), got = lines(await ours(sql));
    if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push(`${sql}\n  pgvector: ${JSON.stringify(want)}\n  vecgres:  ${JSON.stringify(got)}`);
  }
  await both('RESET enable_bitmapscan; RESET enable_seqscan');
  reportMismatches('EXPLAIN ANALYZE', mismatches, analyzed.length, SEED);
  // pg_indexes' definitions (the view's name-typed columns are text in vecgres: rows only).
  const defs = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'bt' ORDER BY indexname";
  const [want, got] = [await theirs(defs), await ours(defs)];
  assert.deepEqual(got.ok && got.rows, want.ok && want.rows);
});

test('UNIQUE indexes: violations, NULLs, updates and builds over duplicates fail as PostgreSQL', async () => {
  await both(`CREATE TABLE bu (a int, b text, c int)`);
  await same('CREATE UNIQUE INDEX bu_a ON bu (a)');
  await same('CREATE UNIQUE INDEX ON bu (b, c)');
  await same(`INSERT INTO bu VALUES (1, 'x', 1), (2, 'x', NULL), (NULL, 'x', NULL), (NULL, 'y', 2)`);
  await same(`INSERT INTO bu VALUES (1, 'z', 5)`);
  await same(`INSERT INTO bu VALUES (3, 'x', 1)`);
  await same(`INSERT INTO bu VALUES (4, 'x', NULL), (5, 'q', 1), (6, 'q', 1)`);
  await same(`UPDATE bu SET a = 2 WHERE a = 1`);
  await same(`UPDATE bu SET a = a + 10`);
  await same(`DELETE FROM bu WHERE a = 11`);
  await same(`INSERT INTO bu VALUES (11, 'r', 1)`);
  await same(`SELECT * FROM bu ORDER BY a NULLS FIRST, b, c`);
  await same(`CREATE UNIQUE INDEX ON bu (b)`);
  await same(`CREATE UNIQUE INDEX ON bu (c)`);
  await same('CREATE INDEX ON bu (a nosuch_ops)');
  await same('CREATE INDEX ON bu (nocol)');
  await same('CREATE INDEX ON bu (a) WITH (fillfactor = 5)');
  await same(`SELECT a FROM bu WHERE a = 12`);
  // TRUNCATE rebuilds the indexes empty: the old keys are free again and scans see the new rows.
  await same('TRUNCATE bu');
  await same(`INSERT INTO bu VALUES (12, 'x', 1), (13, 'x', 2)`);
  await db.query('SET enable_seqscan = off');
  await same(`SELECT a, b FROM bu WHERE a >= 12 ORDER BY a`);
  await same(`SELECT a FROM bu WHERE b = 'x' AND c = 2`);
  await db.query('RESET enable_seqscan');
});

test('a selective range takes the index when statistics say it is selective, as in PostgreSQL', async () => {
  // Index selectivity used the default estimates (1/3 for a range) even after ANALYZE, so
  // `n >= 19990` on 20,000 rows (11 rows) was costed as 6,667 rows and ran as a Seq Scan.
  await both(`CREATE TABLE br (id int PRIMARY KEY, n int, d date, at timestamptz);
    INSERT INTO br SELECT i, i, date '2026-01-01' + i, timestamptz '2026-01-01 00:00+00' + i * interval '1 minute'
      FROM generate_series(1, 20000) i;
    CREATE INDEX ON br (n); CREATE INDEX ON br (d); CREATE INDEX ON br (at); ANALYZE br`);
  const usesIndex = (o: SqlOutcome): boolean | SqlOutcome =>
    o.ok ? !(o.rows as { 'QUERY PLAN': string }[]).some((r) => r['QUERY PLAN'].includes('Seq Scan')) : o;
  for (const q of [
    'SELECT * FROM br WHERE n >= 19990',
    'SELECT count(*) FROM br WHERE n > 19990 AND n < 19999',
    `SELECT count(*) FROM br WHERE d >= date '2080-01-01'`,
    `SELECT id FROM br WHERE at < timestamptz '2026-01-01 00:10+00'`,
    'SELECT id FROM br WHERE n BETWEEN 100 AND 120',
    // A side without columns is estimated at its value now (estimate_expression_value), so
    // the usual "recent rows" filter takes the index too (it was costed at 1/3 of the table).
    "SELECT count(*) FROM br WHERE at >= now() - interval '1 hour'",
    'SELECT count(*) FROM br WHERE d > CURRENT_DATE + 30000',
    'SELECT count(*) FROM br WHERE n > $1::int * 2 - 20000',
  ]) {
    const params = q.includes('$1') ? [19995] : undefined;
    const want = usesIndex(await theirs(`EXPLAIN ${q}`, params)), got = usesIndex(await ours(`EXPLAIN ${q}`, params));
    assert.equal(want, true, `PostgreSQL uses an index for ${q}`);
    assert.equal(got, true, `vecgres uses an index for ${q}`);
    await same(q, params);
  }
  // A range keeping most rows stays a sequential scan on both.
  for (const wide of ['SELECT count(*) FROM br WHERE n >= 100', "SELECT count(*) FROM br WHERE at >= now() - interval '100 years'"]) {
    assert.equal(usesIndex(await theirs(`EXPLAIN ${wide}`)), false, wide);
    assert.equal(usesIndex(await ours(`EXPLAIN ${wide}`)), false, wide);
  }
});
