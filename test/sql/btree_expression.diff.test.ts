/**
 * B-tree expression indexes against PostgreSQL (PGlite): CREATE INDEX over `lower(title)`,
 * `(metadata->>'source')`, `date_trunc('day', ts)`, refusing what PostgreSQL refuses (42P17 for
 * STABLE functions and casts); UNIQUE expression indexes with PostgreSQL's 23505 and DETAIL;
 * pg_indexes / pg_get_indexdef text; WHERE and ORDER BY matching the expression answered by
 * the index (plans checked) with the rows PostgreSQL returns, after INSERT / UPDATE / DELETE /
 * VACUUM; and the index rebuilt on reopen from a checkpoint and from the log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { FaultyFs } from '../../src/storage/fs_faulty.js';
import { openSqlPair } from '../support/sql_pair.js';

const { db, same, both } = await openSqlPair();

await both(`CREATE TABLE docs (id int PRIMARY KEY, title text, metadata jsonb, created_at timestamptz, created_ts timestamp, n int);
  INSERT INTO docs SELECT i, CASE WHEN i % 7 = 0 THEN NULL WHEN i % 2 = 0 THEN 'Title ' || (i % 13) ELSE 'TITLE ' || (i % 11) END,
    CASE WHEN i % 5 = 0 THEN NULL ELSE jsonb_build_object('source', 's' || (i % 6), 'k', i) END,
    timestamptz '2024-01-01 00:00:00+00' + (i * interval '5 hours 7 minutes'),
    timestamp '2024-01-01 00:00:00' + (i * interval '5 hours 7 minutes'), i % 10
  FROM generate_series(1, 300) i`);

/** vecgres' plan as EXPLAIN (COSTS OFF) lines. */
async function plan(sql: string): Promise<string> {
  const r = await db.query(`EXPLAIN (COSTS OFF) ${sql}`);
  return r.rows.map((x) => (x as Record<string, string>)['QUERY PLAN']).join('\n');
}

async function usesIndex(sql: string, index: string): Promise<void> {
  const p = await plan(sql);
  assert.match(p, new RegExp(`(Index|Index Only|Bitmap Index) Scan( Backward)? using ${index} `), `expected ${index}:\n${p}`);
}

test('CREATE INDEX over expressions: accepted and refused as PostgreSQL does', async () => {
  // STABLE: date_trunc / extract of a timestamptz, timestamptz to date, a date to text; volatile: random().
  await same("CREATE INDEX bad1 ON docs (date_trunc('day', created_at))");
  await same('CREATE INDEX bad2 ON docs (extract(day FROM created_at))');
  await same('CREATE INDEX bad3 ON docs ((created_at::date))');
  await same('CREATE INDEX bad4 ON docs ((created_ts::text))');
  await same('CREATE INDEX bad5 ON docs ((n + random()))');
  await same('CREATE INDEX bad6 ON docs ((nocol + 1))');
  await same('CREATE INDEX bad7 ON docs (lower(n))');
  // IMMUTABLE: accepted.
  await both(`CREATE INDEX docs_lower_idx ON docs (lower(title));
    CREATE INDEX ON docs ((metadata->>'source'));
    CREATE INDEX ON docs (date_trunc('day', created_ts));
    CREATE INDEX ON docs ((n * 2 + 1) DESC, id)`);
  await same("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'docs' ORDER BY indexname");
  await same("SELECT pg_get_indexdef('docs_lower_idx'::regclass), pg_get_indexdef('docs_lower_idx'::regclass, 1, false)");
  await same("SELECT pg_get_indexdef('docs_expr_idx'::regclass, 1, false), pg_get_indexdef('docs_expr_idx'::regclass, 1, true)");
});

const QUERIES = [
  "SELECT id FROM docs WHERE lower(title) = 'title 3' ORDER BY id",
  "SELECT id FROM docs WHERE lower(title) > 'title 5' ORDER BY id",
  "SELECT id FROM docs WHERE lower(title) IN ('title 1', 'title 10', 'nothing') ORDER BY id",
  'SELECT id FROM docs WHERE lower(title) IS NULL ORDER BY id',
  "SELECT id FROM docs WHERE metadata->>'source' = 's2' ORDER BY id",
  "SELECT id FROM docs WHERE metadata->>'source' BETWEEN 's1' AND 's3' AND n > 4 ORDER BY id",
  "SELECT id FROM docs WHERE date_trunc('day', created_ts) = '2024-01-10' ORDER BY id",
  "SELECT id FROM docs WHERE date_trunc('day', created_ts) >= '2024-02-01' ORDER BY id",
  'SELECT id FROM docs WHERE n * 2 + 1 = 7 ORDER BY id',
  "SELECT id FROM docs WHERE lower(title) = 'title 3' OR metadata->>'source' = 's5' ORDER BY id",
];
const ORDERED = [
  // Equal keys come in an order neither side promises: only the ordered values are compared.
  'SELECT lower(title) FROM docs ORDER BY lower(title) LIMIT 40',
  'SELECT lower(title) FROM docs ORDER BY lower(title) DESC LIMIT 40',
  "SELECT date_trunc('day', created_ts) AS d FROM docs ORDER BY date_trunc('day', created_ts) DESC LIMIT 15",
  'SELECT id FROM docs ORDER BY n * 2 + 1 DESC, id LIMIT 9',
  'SELECT id FROM docs WHERE n * 2 + 1 = 5 ORDER BY n * 2 + 1 DESC, id LIMIT 9',
];

async function allSame(): Promise<void> {
  for (const q of [...QUERIES, ...ORDERED]) await same(q);
}

test('WHERE and ORDER BY matching the expression use the index and return the rows PostgreSQL returns', async () => {
  await db.exec('SET enable_seqscan = off');
  await allSame();
  await usesIndex(QUERIES[0]!, 'docs_lower_idx');
  await usesIndex(QUERIES[4]!, 'docs_expr_idx');
  await usesIndex(QUERIES[6]!, 'docs_date_trunc_idx');
  await usesIndex(QUERIES[8]!, 'docs_expr_id_idx');
  await usesIndex(ORDERED[0]!, 'docs_lower_idx');
  await usesIndex(ORDERED[1]!, 'docs_lower_idx');
  await usesIndex(ORDERED[2]!, 'docs_date_trunc_idx');
  await usesIndex(ORDERED[3]!, 'docs_expr_id_idx');
  // Index Cond prints the expression as PostgreSQL does.
  assert.match(await plan(QUERIES[0]!), /Index Cond: \(lower\(title\) = 'title 3'::text\)/);
  // Another expression of the same column is not this index.
  assert.doesNotMatch(await plan("SELECT id FROM docs WHERE upper(title) = 'TITLE 3'"), /docs_lower_idx/);
  await db.exec('RESET enable_seqscan');
});

test('DML and VACUUM maintain expression keys', async () => {
  await both(`INSERT INTO docs VALUES (1001, 'Title 3', '{"source": "s2"}', now(), '2024-01-10 12:00', 3), (1002, NULL, NULL, NULL, NULL, NULL);
    UPDATE docs SET title = 'TITLE 3' WHERE id % 9 = 0; UPDATE docs SET metadata = '{"source": "s9"}' WHERE id % 8 = 1;
    DELETE FROM docs WHERE id % 10 = 4`);
  await db.exec('VACUUM docs');
  await db.exec('SET enable_seqscan = off');
  await allSame();
  await db.exec('RESET enable_seqscan');
});

test('UNIQUE expression indexes: 23505 with the expression in the DETAIL, ON CONFLICT, and a failed build', async () => {
  await both(`CREATE TABLE users (id int, email text, meta jsonb);
    INSERT INTO users VALUES (1, 'Ann@x.org', '{"h": "a"}'), (2, 'bob@x.org', '{"h": "b"}'), (3, NULL, NULL)`);
  await same('CREATE UNIQUE INDEX users_email ON users (lower(email))');
  await same("CREATE UNIQUE INDEX users_h ON users ((meta->>'h'))");
  await same("INSERT INTO users VALUES (4, 'ANN@x.org', '{}')");
  await same("INSERT INTO users VALUES (5, 'carl@x.org', '{\"h\": \"b\"}')");
  await same("UPDATE users SET email = 'BOB@X.ORG' WHERE id = 1");
  await same('INSERT INTO users VALUES (6, NULL, NULL), (7, NULL, NULL)');
  await same("INSERT INTO users VALUES (8, 'dan@x.org', '{\"h\": \"d\"}'), (9, 'DAN@x.org', '{\"h\": \"e\"}')");
  await same("INSERT INTO users VALUES (10, 'ann@X.org', '{\"h\": \"z\"}') ON CONFLICT DO NOTHING");
  await same('SELECT * FROM users ORDER BY id');
  await same("INSERT INTO users VALUES (11, 'Eve@x.org', '{\"h\": \"a\"}'), (12, 'eve@X.ORG', '{\"h\": \"f\"}')");
  await same('CREATE UNIQUE INDEX users_lower_dup ON users ((upper(substr(email, 1, 1))))');
  await same("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'users' ORDER BY indexname");
});

for (const checkpoint of [true, false]) {
  test(`expression B-trees come back after a crash ${checkpoint ? 'from a checkpoint and the log' : 'from the log alone'}`, async () => {
    const fs = new FaultyFs(new MemoryFs(), { seed: checkpoint ? 21 : 22 });
    let v = await Vecgres.create('db', { storage: fs });
    await v.exec(`CREATE TABLE t (id int, s text); INSERT INTO t SELECT i, 'Key' || (i % 50) FROM generate_series(1, 200) i;
      CREATE UNIQUE INDEX t_u ON t (lower(s), id); CREATE INDEX t_l ON t (lower(s))`);
    if (checkpoint) await v.exec('CHECKPOINT');
    await v.exec("INSERT INTO t VALUES (201, 'KEY7'), (202, 'key8'); DELETE FROM t WHERE id = 7");
    v.database.abandon();
    fs.powerCut();
    fs.reboot();
    v = await Vecgres.create('db', { storage: fs });
    await v.exec('SET enable_seqscan = off');
    const q = "SELECT id FROM t WHERE lower(s) = 'key7' ORDER BY id";
    const p = (await v.query(`EXPLAIN (COSTS OFF) ${q}`)).rows.map((x) => (x as Record<string, string>)['QUERY PLAN']).join('\n');
    assert.match(p, /using t_l|using t_u/);
    assert.deepEqual((await v.query(q)).rows.map((r) => (r as { id: number }).id), [57, 107, 157, 201]);
    await assert.rejects(v.query("INSERT INTO t VALUES (202, 'KEY8')"), (e: { code?: string; detail?: string }) => e.code === '23505' && e.detail === 'Key (lower(s), id)=(key8, 202) already exists.');
    let dump = '';
    v.dump((chunk) => {
      dump += chunk;
    });
    assert.match(dump, /CREATE UNIQUE INDEX t_u ON public\.t USING btree \(lower\(s\), id\);/);
    assert.match(dump, /CREATE INDEX t_l ON public\.t USING btree \(lower\(s\)\);/);
    await v.close();
  });
}
