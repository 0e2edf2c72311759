/**
 * The date/time input words that read the clock, 'now', 'today', 'tomorrow' and 'yesterday',
 * against PostgreSQL (PGlite). Each system reads its own clock, so the cases compare what the
 * words mean relative to now(), current_date and localtime, which both compute the same way,
 * and the errors in full. Under zones far from UTC (the local date differs from UTC's) and with
 * daylight saving.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlPair } from '../support/sql_pair.js';

const { both, checkAll, db, oracle } = await openSqlPair();

const RELATIVE = [
  `SELECT 'now'::timestamptz = now() AS a, ' NOW '::timestamptz = now() AS b, 'now'::timestamp = localtimestamp AS c, 'now'::date = current_date AS d, 'now'::time = localtime AS e`,
  `SELECT 'today'::date = current_date AS a, 'tomorrow'::date = current_date + 1 AS b, 'Yesterday'::date = current_date - 1 AS c`,
  `SELECT 'today'::timestamptz = date_trunc('day', now()) AS a, 'today'::timestamp = current_date::timestamp AS b, 'tomorrow'::timestamptz - 'yesterday'::timestamptz AS c`,
  `SELECT 'today 10:30'::timestamp = current_date + time '10:30' AS a, 'tomorrow 23:59:59.5'::timestamp = current_date + 1 + time '23:59:59.5' AS b`,
  `SELECT 'tomorrow 10:30 +02'::timestamptz = ((current_date + 1)::text || ' 10:30+02')::timestamptz AS a, 'today UTC'::timestamptz = (current_date::text || ' 00:00 UTC')::timestamptz AS b`,
  `SELECT 'yesterday allballs'::timestamp = (current_date - 1)::timestamp AS a, 'today T10:00'::text AS b`,
  `SELECT 'now'::text::timestamptz = now() AS a, 'today'::text::date = current_date AS b, 'now'::varchar::time = localtime AS c`,
  `SELECT '{now,today,tomorrow}'::timestamptz[] = ARRAY[now(), date_trunc('day', now()), date_trunc('day', now()) + interval '1 day'] AS a`,
  `SELECT 'now'::timestamp(0) = localtimestamp(0) AS a, 'now'::time(2) = localtime(2) AS b`,
  `SELECT count(*) AS n FROM generate_series(1, 3) g WHERE now() >= 'today' AND now() < 'tomorrow'`,
  `SELECT date_trunc('day', 'now'::timestamptz) = 'today' AS a, extract(day FROM 'tomorrow'::timestamp - 'yesterday'::timestamp) AS b`,
];

const ERRORS = [
  `SELECT 'now 10:00'::timestamp`, `SELECT 'now EST'::timestamptz`, `SELECT 'today 2024-01-01'::timestamp`,
  `SELECT 'today'::time`, `SELECT 'tomorrow'::time`, `SELECT 'epoch 10:00'::timestamp`, `SELECT 'today 25:00'::timestamp`,
  `SELECT 'today 10:61'::timestamptz`, `SELECT 'nowx'::timestamptz`, `SELECT 'today nonsense'::timestamptz`, `SELECT 'today 10:00 +16'::timestamptz`,
];

for (const zone of ['Pacific/Kiritimati', 'America/New_York', 'UTC', 'Pacific/Pago_Pago']) {
  test(`'now', 'today', 'tomorrow', 'yesterday' mean what PostgreSQL's mean, in ${zone}`, async () => {
    await both(`SET TimeZone = '${zone}'`);
    await checkAll(`clock words in ${zone}`, [
      ...RELATIVE,
      ...ERRORS,
      [`SELECT $1::timestamptz = now() AS a, $2::date = current_date AS b, $3::time = localtime AS c`, ['now', 'today', 'now']],
      [`SELECT $1::timestamptz[] = ARRAY[now()] AS a`, ['{now}']],
    ]);
  });
}

test('the same text in another transaction reads the clock anew (PostgreSQL parses each query again)', async () => {
  for (let i = 0; i < 3; i++) {
    for (const sql of [`SELECT 'now'::timestamptz = now() AS a`, `SELECT 'now'::timestamptz = $1::timestamptz AS a`]) {
      const params = sql.includes('$1') ? ['now'] : [];
      const want = (await oracle.query(sql, params)).rows;
      const got = (await db.query(sql, params)).rows;
      assert.deepEqual(got, want, sql);
      assert.deepEqual(got, [{ a: true }], sql);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  // Inside a block, one transaction: the same value each time.
  for (const s of [db, oracle]) {
    await s.query('BEGIN');
    const a = (await s.query(`SELECT 'now'::timestamptz::text AS t`)).rows;
    await new Promise((r) => setTimeout(r, 5));
    const b = (await s.query(`SELECT 'now'::timestamptz::text AS t, 'now'::timestamptz = now() AS same`)).rows as { t: string; same: boolean }[];
    await s.query('COMMIT');
    assert.equal(b[0]!.t, (a[0] as { t: string }).t);
    assert.equal(b[0]!.same, true);
  }
});

test(`a column default 'now' is the time of the CREATE TABLE, as PostgreSQL stores it; 'now'::text::timestamptz is read at each insert`, async () => {
  for (const s of [db, oracle]) {
    await s.query(`SET TimeZone = 'America/New_York'`);
    await s.query(`CREATE TABLE clock_defaults (id int, fixed timestamptz DEFAULT 'now', fixed_day date DEFAULT 'today'::date, at_run timestamptz DEFAULT 'now'::text::timestamptz, created timestamptz DEFAULT now())`);
    await new Promise((r) => setTimeout(r, 5));
    await s.query('INSERT INTO clock_defaults (id) VALUES (1)');
    await new Promise((r) => setTimeout(r, 5));
    await s.query('INSERT INTO clock_defaults (id) VALUES (2)');
    await s.query(`ALTER TABLE clock_defaults ADD COLUMN later timestamp DEFAULT 'yesterday'`);
    await s.query(`ALTER TABLE clock_defaults ALTER COLUMN id SET DEFAULT 0, ALTER COLUMN later SET DEFAULT 'tomorrow 12:00'`);
  }
  const sql = `SELECT count(DISTINCT fixed)::int AS fixed, count(DISTINCT at_run)::int AS at_run, bool_and(fixed < created) AS before, bool_and(at_run = created) AS at_insert,
    bool_and(fixed_day = current_date) AS day, bool_and(later = current_date - 1) AS later FROM clock_defaults`;
  const want = (await oracle.query(sql)).rows;
  assert.deepEqual((await db.query(sql)).rows, want);
  assert.deepEqual(want, [{ fixed: 1, at_run: 2, before: true, at_insert: true, day: true, later: true }]);
  // What the catalog shows: the constant, with its type.
  const defs = `SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) AS def FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
    WHERE d.adrelid = 'clock_defaults'::regclass AND a.attname IN ('fixed', 'fixed_day', 'later') ORDER BY 1`;
  for (const s of [db, oracle]) {
    const rows = (await s.query(defs)).rows as { attname: string; def: string }[];
    assert.match(rows[0]!.def, /^'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?-0[45]'::timestamp with time zone$/);
    assert.match(rows[1]!.def, /^'\d{4}-\d\d-\d\d'::date$/);
    assert.match(rows[2]!.def, /^'\d{4}-\d\d-\d\d 12:00:00'::timestamp without time zone$/);
  }
  for (const s of [db, oracle]) await s.query('DROP TABLE clock_defaults');
});

test(`'now' in a CHECK constraint or an index expression is 0A000 (PostgreSQL fixes it at creation; vecgres says so instead of reading it anew)`, async () => {
  await db.exec('CREATE TABLE clock_stored (ts timestamptz)');
  for (const sql of [
    `ALTER TABLE clock_stored ADD CONSTRAINT c CHECK (ts > 'yesterday')`,
    `CREATE INDEX ON clock_stored ((ts > 'now'::timestamptz))`,
    `CREATE INDEX ON clock_stored (ts) WHERE ts > 'today'`,
  ]) {
    await assert.rejects(db.query(sql), (e: { code?: string; message: string }) => {
      assert.equal(e.code, '0A000');
      assert.match(e.message, /^'now', 'today', 'tomorrow' and 'yesterday' in (check constraints|index expressions|index predicates) are not supported$/);
      return true;
    }, sql);
  }
  await db.exec('DROP TABLE clock_stored');
});
