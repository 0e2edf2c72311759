/**
 * `vecgres dump` against PostgreSQL + pgvector: a vecgres database with every column type,
 * NULLs, awkward text, serial ids, deleted and updated rows, an uncommitted transaction, and
 * HNSW / B-tree / unique / partial / expression indexes is dumped and loaded into a fresh PGlite
 * (the COPY form by feeding each COPY block through PGlite's `/dev/blob`, since PGlite's `exec`
 * cannot read inline COPY data and its socket server does not take COPY FROM STDIN; the
 * `--inserts` form with `psql -f` through pglite-socket, as a user would). Then every table's
 * rows as text, exact k-NN results with their distances, `pg_indexes` and the sequences' next
 * values must be the same on both.
 *
 * With `PGVECTOR_URL` set (e.g. `postgres://postgres@127.0.0.1:5432/postgres` of a native
 * PostgreSQL + pgvector server), the dump is also loaded with
 * `psql "$PGVECTOR_URL" -f` into that server (its tables of the same names are dropped first)
 * and compared the same way.
 *
 * The seed is printed on failure; VECGRES_SEED=<n> replays a run.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Vecgres } from '../../src/index.js';
import { VecgresServer } from '../../src/server/server.js';
import { Prng } from '../../src/common/prng.js';
import { DUMP_PRELUDE } from '../../src/sql/dump/dump.js';
import { copyTextField, copyTextFieldParse } from '../../src/types/copy_text.js';
import { SEED } from '../support/seed.js';
import { loadCopyScript } from '../support/dump_load.js';
import { startPglite } from '../support/pglite_start.js';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');
const DIM = 8;

/** Text values that stress COPY's and SQL's escaping. */
const AWKWARD = [
  'plain',
  'tab\there',
  'new\nline',
  'carriage\rreturn\r\n',
  'back\\slash \\N \\. \\\\',
  '\\.',
  '\\N',
  "it's \"quoted\"",
  '',
  ' leading and trailing ',
  'unicode: ü ß 日本語 😀 e\u0301',
  'controls \b\f\v end',
  'comma, semicolon; dollar $1 $$',
];

/** The schema: every column type vecgres stores, serial ids (one sequence never used), a composite key. */
const SCHEMA = [
  // Enum types come first in the dump, before the tables whose columns have them or their arrays.
  "CREATE TYPE doc_status AS ENUM ('draft', 'it''s \\ live', 'archived')",
  'CREATE TYPE "Empty Enum" AS ENUM ()',
  "COMMENT ON TYPE doc_status IS 'where a document is'",
  `CREATE TABLE enum_rows (id int PRIMARY KEY, st doc_status DEFAULT 'draft', sts doc_status[] NOT NULL DEFAULT '{draft}', e "Empty Enum"[])`,
  `CREATE TABLE docs (
    id serial PRIMARY KEY, embedding vector(${DIM}), h halfvec(${DIM}), s sparsevec(10), free vector,
    title text NOT NULL DEFAULT 'untitled', category varchar(16), code char(4), price numeric(10,2), nfree numeric,
    qty int2, big int8, ratio float4, score float8, flag bool DEFAULT true, uid uuid, payload bytea,
    meta jsonb, raw json, bits bit(6), vbits varbit(10))`,
  'CREATE TABLE "Mixed Case" (id bigserial PRIMARY KEY, "select" text, v vector(3))',
  // A name with a newline must not end a comment line of the dump and run as SQL.
  'CREATE TABLE "odd\nCREATE TABLE injected (x int);" (k int)',
  'CREATE TABLE pairs (a int, b text, w real DEFAULT 0.5, PRIMARY KEY (a, b))',
  'CREATE TABLE never_used (id serial PRIMARY KEY, note text)',
  'CREATE TABLE no_columns ()',
  "CREATE TABLE defaults_t (id int PRIMARY KEY, h int DEFAULT -1, j int DEFAULT (1 + 2) * 3, s text DEFAULT E'a\\nb\\\\c''d', c char, d bpchar, vb bit varying, y numeric(4,-2), v vector DEFAULT '[1,2]'::vector(2), g int GENERATED ALWAYS AS (h * j + id) STORED, gv halfvec GENERATED ALWAYS AS (v::halfvec) STORED)",
  'CREATE INDEX docs_embedding_idx ON docs USING hnsw (embedding vector_cosine_ops) WITH (m = 8, ef_construction = 40)',
  'CREATE INDEX ON docs USING hnsw (embedding vector_l1_ops)',
  'CREATE INDEX docs_flagged_idx ON docs USING hnsw (embedding vector_l2_ops) WHERE flag',
  "CREATE INDEX docs_cat_idx ON docs USING hnsw (embedding vector_l2_ops) WHERE category IN ('a', 'b') AND qty > 0",
  'CREATE INDEX docs_prefix_idx ON docs USING hnsw ((subvector(embedding, 1, 4)::vector(4)) vector_ip_ops)',
  'CREATE INDEX docs_cat_price_idx ON docs (category, price DESC NULLS LAST)',
  'CREATE INDEX docs_big_idx ON docs (big DESC)',
  'CREATE UNIQUE INDEX docs_uid_key ON docs (uid)',
  'CREATE INDEX "Mixed Case_v_idx" ON "Mixed Case" USING hnsw (v vector_l2_ops)',
  // ivfflat's default operator class (vector_l2_ops for vector) is left out of indexdef; others are printed.
  'CREATE INDEX docs_ivf_idx ON docs USING ivfflat (embedding) WITH (lists = 3)',
  'CREATE INDEX docs_h_ivf_idx ON docs USING ivfflat (h halfvec_cosine_ops) WITH (lists = 2)',
  'CREATE INDEX "Mixed Case_ivf" ON "Mixed Case" USING ivfflat (v vector_l2_ops)',
  'CREATE INDEX docs_prefix_ivf_idx ON docs USING ivfflat ((subvector(embedding, 1, 4)::vector(4))) WITH (lists = 2)',
  // Constraints and identity columns; a serial table renamed after a name its sequence sorts before.
  'CREATE TABLE authors (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tmp int, name text UNIQUE, age int CHECK (age >= 0), CONSTRAINT name_len CHECK (length(name) < 40))',
  'CREATE TABLE books (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, gone text, author int REFERENCES authors ON DELETE CASCADE, parent int REFERENCES books ON UPDATE RESTRICT, title text, UNIQUE (author, title))',
  // Dropped columns: the catalogs name later columns by attnums past their positions.
  'ALTER TABLE authors DROP COLUMN tmp',
  'ALTER TABLE books DROP COLUMN gone',
  "COMMENT ON COLUMN books.title IS 'the title'",
  'CREATE TABLE a_old (id serial PRIMARY KEY, note text)',
  'ALTER TABLE a_old RENAME TO zz_renamed',
  // Comments, written by both the data-directory dump and the one through a server.
  "COMMENT ON TABLE pairs IS 'pairs of a and b'",
  "COMMENT ON COLUMN pairs.w IS 'the weight, it''s 0.5 by default'",
  // Views (written after the tables they read, a view of a view after its view).
  'CREATE VIEW titled AS SELECT id, title, category FROM docs WHERE flag',
  'CREATE VIEW "Odd View" (k, "Title") AS SELECT d.id, b.title FROM docs d JOIN books b ON b.id = d.id',
  "CREATE VIEW a_titled AS SELECT * FROM titled WHERE category = 'a'",
];

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A float32 value of varied magnitude, as the shortest double text that reads back to it. */
function f32(rng: Prng, maxExp = 5): string {
  const x = Math.fround((rng.next() * 2 - 1) * 10 ** (rng.int(maxExp + 7) - 6));
  return String(x);
}

function vec(rng: Prng, dim: number, maxExp = 5): string {
  return `[${Array.from({ length: dim }, () => f32(rng, maxExp)).join(',')}]`;
}

/** The data statements (seeded), each run on its own. */
function dataStatements(rng: Prng): string[] {
  const out: string[] = [];
  for (let i = 1; i <= 40; i++) {
    const nulls = i % 9 === 0; // a row of NULLs where the column allows it
    const n = (s: string) => (nulls ? 'NULL' : s);
    const hex = Array.from({ length: rng.int(6) }, () => rng.int(256).toString(16).padStart(2, '0')).join('');
    const sparse = `{${1 + rng.int(5)}:${f32(rng)},${6 + rng.int(5)}:${f32(rng)}}/10`;
    const bits = Array.from({ length: 6 }, () => rng.int(2)).join('');
    const vbits = Array.from({ length: rng.int(11) }, () => rng.int(2)).join('');
    const uid = `${(0x10000000 + i).toString(16)}-1111-4222-8333-${String(i).padStart(12, '0')}`;
    out.push(
      `INSERT INTO docs (embedding, h, s, free, title, category, code, price, nfree, qty, big, ratio, score, flag, uid, payload, meta, raw, bits, vbits) VALUES (` +
        [
          n(lit(vec(rng, DIM))), n(lit(vec(rng, DIM, 2))), n(lit(sparse)), n(lit(vec(rng, 1 + rng.int(4)))),
          lit(AWKWARD[i % AWKWARD.length]!), n(lit(['a', 'b', 'c\td', "o'k"][i % 4]!)), n(lit(['x', 'yy ', 'zzzz'][i % 3]!)),
          n(`${rng.int(100000) / 100 - 500}`), n(['1e-20', '123456789012345678901234567890.5', "'NaN'", '-0.000'][i % 4]!),
          n(`${rng.int(65536) - 32768}`), n(i % 2 === 0 ? '9007199254740993' : `${-rng.int(1 << 30)}`),
          n(["'NaN'", "'-Infinity'", '1.4e-45', '3.4028235e38', '-0', f32(rng)][i % 6]!), n(i % 5 === 0 ? '0.1' : `${rng.next() * 1e6}`),
          n(i % 3 === 0 ? 'false' : 'true'), n(lit(uid)), n(`'\\x${hex}'`),
          n(lit(JSON.stringify({ k: i, s: AWKWARD[(i + 3) % AWKWARD.length], a: [1.5, null, true] }))),
          n(lit(`{"b": 1,  "a" : [${i}]}`)), n(`B'${bits}'`), n(`B'${vbits}'`),
        ].join(', ') +
        ')',
    );
  }
  for (let i = 1; i <= 8; i++) out.push(`INSERT INTO "Mixed Case" ("select", v) VALUES (${lit(AWKWARD[(i * 5) % AWKWARD.length]!)}, ${lit(vec(rng, 3))})`);
  out.push("INSERT INTO pairs (a, b) VALUES (1, 'x'), (1, 'y'), (2, E'tab\\tkey')");
  out.push("INSERT INTO pairs VALUES (3, 'z', NULL)");
  out.push('INSERT INTO no_columns DEFAULT VALUES');
  out.push('INSERT INTO no_columns DEFAULT VALUES');
  out.push("INSERT INTO defaults_t (id, c, d, vb, y) VALUES (1, 'q', 'padded  ', B'1', 12345.678)");
  // Deleted and updated rows: dead slots, and updated rows move to the end.
  out.push('DELETE FROM docs WHERE id % 7 = 0');
  out.push(`UPDATE docs SET title = title || ' (edited)', embedding = ${lit(vec(rng, DIM))} WHERE id % 5 = 0`);
  out.push('DELETE FROM "Mixed Case" WHERE id = 8'); // the sequence is ahead of max(id)
  out.push("UPDATE pairs SET w = 2.25 WHERE b = 'y'");
  out.push("INSERT INTO authors (name, age) VALUES ('ann', 30), ('bob', NULL), ('cy', 5)");
  out.push("DELETE FROM authors WHERE name = 'cy'"); // the identity sequence is ahead of max(id)
  out.push("INSERT INTO books (author, parent, title) VALUES (1, NULL, 't1'), (1, 1, 't2'), (2, 2, 't3')");
  out.push("INSERT INTO books VALUES (10, 2, NULL, 'explicit id')");
  out.push("INSERT INTO zz_renamed (note) VALUES ('r')");
  out.push(`INSERT INTO enum_rows VALUES (1, 'archived', '{"it''s \\\\ live",NULL,archived}', '{}'), (2, NULL, '{{draft,archived},{archived,draft}}', NULL)`);
  out.push('INSERT INTO enum_rows (id) VALUES (3)');
  return out;
}

/** Runs `psql -X -v ON_ERROR_STOP=1 <args>`; resolves with its exit code and output. */
function psql(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (out += d.toString()));
    c.once('error', reject);
    c.once('exit', (code) => resolve({ code, out }));
  });
}

/** A query runner returning rows as arrays of text (or null). */
type Rows = (sql: string) => Promise<unknown[][]>;

const vecgresRows = (db: Vecgres): Rows => async (sql) => (await db.query(sql, [], { rowMode: 'array' })).rows as unknown as unknown[][];
const pgliteRows = (db: PGlite): Rows => async (sql) => (await db.query(sql, [], { rowMode: 'array' })).rows as unknown[][];
const clientRows = (c: pg.Client): Rows => async (sql) => (await c.query({ text: sql, rowMode: 'array' })).rows as unknown[][];

/** Each table's columns, cast to text, in key order. */
const TABLE_QUERIES = [
  'SELECT id::text, embedding::text, h::text, s::text, free::text, title, category::text, code::text, price::text, nfree::text, ' +
    'qty::text, big::text, ratio::text, score::text, flag::text, uid::text, payload::text, meta::text, raw::text, bits::text, vbits::text ' +
    'FROM docs ORDER BY id',
  'SELECT id::text, "select", v::text FROM "Mixed Case" ORDER BY id',
  'SELECT a::text, b, w::text FROM pairs ORDER BY a, b',
  'SELECT id::text, note FROM never_used ORDER BY id',
  'SELECT count(*)::text FROM no_columns',
  "SELECT count(*)::text FROM pg_tables WHERE tablename = 'injected'",
  'SELECT id, h, j, s, c::text, d::text, vb::text, y::text, v::text, g, gv::text FROM defaults_t ORDER BY id',
  'SELECT id::text, name, age::text FROM authors ORDER BY id',
  'SELECT id::text, author::text, parent::text, title FROM books ORDER BY id',
  'SELECT id::text, note FROM zz_renamed ORDER BY id',
  'SELECT id::text, st::text, sts::text, e::text FROM enum_rows ORDER BY id',
  'SELECT id::text, title, category::text FROM titled ORDER BY id',
  'SELECT k::text, "Title" FROM "Odd View" ORDER BY k',
  'SELECT * FROM a_titled ORDER BY id',
];

/** Statements whose outcome shows the constraints and identity columns at work (run in a rolled-back block). */
const CONSTRAINT_PROBES = [
  "INSERT INTO authors (name, age) VALUES ('dee', 1) RETURNING id",
  "INSERT INTO authors (name) VALUES ('ann')",
  "INSERT INTO authors (name, age) VALUES ('neg', -1)",
  "INSERT INTO authors (name) VALUES (repeat('x', 50))",
  "INSERT INTO authors (id, name) VALUES (99, 'x')",
  "INSERT INTO authors OVERRIDING SYSTEM VALUE VALUES (99, 'x', 1) RETURNING id",
  "INSERT INTO books (author, title) VALUES (999, 'x')",
  "INSERT INTO books (author, title) VALUES (1, 't1')",
  "INSERT INTO books (title) VALUES ('next') RETURNING id",
  'UPDATE books SET id = 20 WHERE id = 1',
  'DELETE FROM authors WHERE id = 1',
  'SELECT count(*)::text FROM books',
  "INSERT INTO zz_renamed (note) VALUES ('s') RETURNING id",
];

/** Rows of `q`, or its error's SQLSTATE and message (the block goes on after a savepoint). */
async function outcome(run: Rows, q: string): Promise<unknown> {
  await run('SAVEPOINT probe');
  try {
    const rows = await run(q);
    await run('RELEASE probe');
    return rows;
  } catch (e) {
    await run('ROLLBACK TO probe');
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
}

/** Exact k-NN queries (index scans off on both sides), ids with their distances as text. */
function knnQueries(rng: Prng): string[] {
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const q = lit(vec(rng, DIM, 2));
    out.push(`SELECT id, (embedding <=> ${q})::text FROM docs ORDER BY embedding <=> ${q}, id LIMIT 7`);
    out.push(`SELECT id, (embedding <-> ${q})::text FROM docs WHERE flag ORDER BY embedding <-> ${q}, id LIMIT 5`);
    out.push(`SELECT id, (h <-> ${q}::halfvec)::text FROM docs ORDER BY h <-> ${q}::halfvec, id LIMIT 5`);
    out.push(`SELECT id, (subvector(embedding, 1, 4)::vector(4) <#> subvector(${q}::vector, 1, 4))::text FROM docs ORDER BY 2, id LIMIT 5`);
    out.push(`SELECT id, (s <+> ${lit(`{2:1,7:-1}/10`)})::text FROM docs ORDER BY s <+> ${lit(`{2:1,7:-1}/10`)}, id LIMIT 5`);
    out.push(`SELECT id, (bits <~> B'101010')::text FROM docs ORDER BY bits <~> B'101010', id LIMIT 5`);
  }
  return out;
}

/** The test's indexes (a native server's database may hold other tables). */
/** The enum types with their labels in sort order. */
const ENUMS_QUERY = "SELECT t.typname::text, e.enumlabel::text, obj_description(t.oid, 'pg_type') FROM pg_type t LEFT JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typtype = 'e' ORDER BY 1, e.enumsortorder";
const INDEXES_QUERY =
  "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' " +
  "AND tablename IN ('docs', 'Mixed Case', 'pairs', 'never_used', 'defaults_t', 'no_columns', 'authors', 'books', 'zz_renamed', 'enum_rows') ORDER BY indexname";
/**
 * pg_indexes without the indexes whose text vecgres prints differently from ruleutils (a
 * predicate's literals without their `::text` casts, `IN (...)` not as `= ANY (ARRAY[...])`).
 * Those are compared with what PostgreSQL prints for the original CREATE INDEX instead.
 */
const INDEXES_COMPARABLE_QUERY = INDEXES_QUERY.replace('ORDER BY', "AND indexname <> 'docs_cat_idx' ORDER BY");

/** Compares tables, exact k-NN results and pg_indexes of vecgres (`ours`) and a loaded peer (`theirs`). */
async function compare(label: string, ours: Rows, theirs: Rows, knn: string[], setTheirs: (sql: string) => Promise<unknown>): Promise<void> {
  const msg = (what: string) => `${label}: ${what} differ (seed ${SEED})`;
  for (const q of TABLE_QUERIES) assert.deepEqual(await theirs(q), await ours(q), msg(q));
  await setTheirs('SET enable_indexscan = off');
  for (const q of knn) assert.deepEqual(await theirs(q), await ours(q), msg(q));
  await setTheirs('RESET enable_indexscan');
  assert.deepEqual(await theirs(INDEXES_COMPARABLE_QUERY), await ours(INDEXES_COMPARABLE_QUERY), msg('pg_indexes'));
  // The sequences continue where vecgres' do (rows rolled back; the sequences stay advanced on both).
  await setTheirs('BEGIN');
  await ours('BEGIN');
  for (const q of [
    "INSERT INTO docs (title) VALUES ('next') RETURNING id, title, flag",
    'INSERT INTO "Mixed Case" ("select") VALUES (NULL) RETURNING id',
    "INSERT INTO never_used (note) VALUES ('first') RETURNING id",
    'INSERT INTO defaults_t (id) VALUES (2) RETURNING h, j, s, v::text, g, gv::text',
  ]) assert.deepEqual(await theirs(q), await ours(q), msg(q));
  for (const q of CONSTRAINT_PROBES) assert.deepEqual(await outcome(theirs, q), await outcome(ours, q), msg(q));
  await setTheirs('ROLLBACK');
  await ours('ROLLBACK');
}

const rng = new Prng(SEED);
const db = await Vecgres.create();
after(() => db.close());
for (const s of SCHEMA) await db.exec(s);
for (const s of dataStatements(rng)) await db.exec(s);
const knn = knnQueries(rng);

/** An open transaction in another session: none of its changes may be dumped. */
const other = await db.connect();
await other.exec('BEGIN');
await other.exec("INSERT INTO docs (title) VALUES ('uncommitted')");
await other.exec('DELETE FROM docs WHERE id = 1');
await other.exec("UPDATE pairs SET b = 'changed' WHERE a = 2");

let copySummary = '';
function dumpText(inserts: boolean): string {
  const chunks: string[] = [];
  const s = db.dump((c) => chunks.push(c), { inserts });
  copySummary = `${s.tables} table(s), ${s.rows} row(s), ${s.indexes} index(es)`;
  return chunks.join('');
}
const copyDump = dumpText(false);
const insertDump = dumpText(true);

/** Runs `vecgres dump <args>` (the command); resolves with its exit code, stdout and stderr. */
function runDumpCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [MAIN, 'dump', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    c.stdout.on('data', (x: Buffer) => (out += x.toString()));
    c.stderr.on('data', (x: Buffer) => (err += x.toString()));
    c.once('exit', (code) => resolve({ code, out, err }));
  });
}

// The same database served over the wire (the other session's transaction still open), dumped
// with --host / a connection string: pg_dump's options, read through the system catalogs and COPY.
const SERVER_PASSWORD = 'dump test';
const served = await VecgresServer.start({ db: db.database, port: 0, users: { postgres: SERVER_PASSWORD }, log: () => {} });
const hostArgs = ['--host', '127.0.0.1', '--port', String(served.port), '--user', 'postgres', '--dbname', 'postgres'];
const remoteCopy = await runDumpCli(hostArgs, { PGPASSWORD: SERVER_PASSWORD });
const remoteInserts = await runDumpCli(['--dbname', `postgresql://postgres:${encodeURIComponent(SERVER_PASSWORD)}@127.0.0.1:${served.port}/postgres`, '--inserts']);
const remoteTable = await runDumpCli([...hostArgs, '-t', 'books', '-t', 'Mixed Case'], { PGPASSWORD: SERVER_PASSWORD });
const remoteKeywords = await runDumpCli(['-d', `host=127.0.0.1 port=${served.port} user=postgres dbname=postgres`], { PGPASSWORD: SERVER_PASSWORD });
const tableChunks: string[] = [];
db.dump((c) => tableChunks.push(c), { tables: ['books', 'Mixed Case'] });
const remoteMissing = await runDumpCli([...hostArgs, '-t', 'nope'], { PGPASSWORD: SERVER_PASSWORD });
await served.close();
await other.exec('ROLLBACK');
await other.release();
await db.exec('SET enable_indexscan = off');

test('the COPY dump loads into PGlite + pgvector: same rows, exact k-NN results, pg_indexes and sequences', async () => {
  assert.match(copyDump, /^COPY public\.docs \(id, embedding, h, s, free, title, /m);
  assert.ok(!copyDump.includes('uncommitted'), 'an uncommitted row was dumped');
  const peer = await startPglite();
  try {
    await loadCopyScript(peer, copyDump);
    // Every index is the one PostgreSQL builds from the original CREATE INDEX.
    const direct = await startPglite();
    try {
      await direct.exec('CREATE EXTENSION vector');
      for (const st of SCHEMA) await direct.exec(st);
      assert.deepEqual(await pgliteRows(peer)(INDEXES_QUERY), await pgliteRows(direct)(INDEXES_QUERY), `pg_indexes after the load (seed ${SEED})`);
    } finally {
      await direct.close();
    }
    await compare('COPY dump in PGlite', vecgresRows(db), pgliteRows(peer), knn, (s) => peer.exec(s));
    assert.match(copyDump, /^CREATE TYPE public\.doc_status AS ENUM \(\n    'draft',\n    'it''s \\ live',\n    'archived'\n\);$/m);
    assert.deepEqual(await pgliteRows(peer)(ENUMS_QUERY), await vecgresRows(db)(ENUMS_QUERY), 'enum types after the load');
    assert.match(copyDump, /^COMMENT ON TYPE public\.doc_status IS 'where a document is';$/m);
  } finally {
    await peer.close();
  }
});

test('the --inserts dump loads with psql -f (through pglite-socket) and gives the same answers', async () => {
  assert.match(insertDump, /^INSERT INTO public\.pairs VALUES \(1, 'x', 0\.5\);$/m);
  // Generated columns: DEFAULT in the rows (the load computes them), the expression in the schema.
  assert.match(insertDump, /^INSERT INTO public\.defaults_t VALUES \(1, -1, 9, [\s\S]*?, DEFAULT, DEFAULT\);$/m);
  assert.match(insertDump, /^ {4}g integer GENERATED ALWAYS AS \(\(\(h \* j\) \+ id\)\) STORED,$/m);
  const peer = await startPglite();
  const server = new PGLiteSocketServer({ db: peer, port: 0, host: '127.0.0.1' });
  await server.start();
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-dump-'));
  try {
    const file = join(dir, 'dump.sql');
    writeFileSync(file, insertDump);
    const [, port] = server.getServerConn().split(':');
    const r = await psql(['-h', '127.0.0.1', '-p', port!, '-U', 'postgres', '-d', 'postgres', '-f', file]);
    assert.equal(r.code, 0, r.out);
    const ours = vecgresRows(db);
    for (const q of TABLE_QUERIES) assert.deepEqual(await pgliteRows(peer)(q), await ours(q), `${q} (seed ${SEED})`);
    assert.deepEqual(await pgliteRows(peer)(INDEXES_COMPARABLE_QUERY), await ours(INDEXES_COMPARABLE_QUERY), `pg_indexes (seed ${SEED})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.stop();
    await peer.close();
  }
});

test('with PGVECTOR_URL: the dump loads into native PostgreSQL + pgvector with psql -f', { skip: process.env['PGVECTOR_URL'] === undefined ? 'PGVECTOR_URL not set' : false }, async () => {
  const url = process.env['PGVECTOR_URL']!;
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-dump-'));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS public.docs, public."Mixed Case", public.pairs, public.never_used, public.defaults_t, public.no_columns, public.books, public.authors, public.zz_renamed, public.enum_rows, public."odd\nCREATE TABLE injected (x int);" CASCADE');
    const file = join(dir, 'dump.sql');
    writeFileSync(file, copyDump);
    const r = await psql([url, '-f', file]);
    assert.equal(r.code, 0, r.out);
    const ours = vecgresRows(db);
    for (const q of TABLE_QUERIES) assert.deepEqual(await clientRows(client)(q), await ours(q), `${q} (seed ${SEED})`);
    assert.deepEqual(await clientRows(client)(INDEXES_COMPARABLE_QUERY), await ours(INDEXES_COMPARABLE_QUERY), `pg_indexes (seed ${SEED})`);
    await client.query('SET enable_indexscan = off');
    // Same ids in the same order; distances to float32 accuracy (a native pgvector build sums
    // in another order than the WebAssembly one vecgres matches bit for bit).
    for (const q of knn) {
      const [a, b] = [await clientRows(client)(q), await ours(q)];
      assert.deepEqual(a.map((r) => r[0]), b.map((r) => r[0]), `${q} (seed ${SEED})`);
      a.forEach((r, i) => {
        const [x, y] = [Number(r[1]), Number(b[i]![1])];
        assert.ok(Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(y)), `${q}: distance ${x} vs ${y} (seed ${SEED})`);
      });
    }
  } finally {
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vecgres dump --host of a running server writes the same script as the dump of its database', () => {
  assert.equal(remoteCopy.code, 0, remoteCopy.err);
  assert.equal(remoteCopy.out, copyDump);
  assert.equal(remoteCopy.err, `vecgres dump: ${copySummary}\n`);
  assert.equal(remoteInserts.code, 0, remoteInserts.err);
  assert.equal(remoteInserts.out, insertDump);
  assert.equal(remoteKeywords.code, 0, remoteKeywords.err);
  assert.equal(remoteKeywords.out, copyDump);
  assert.equal(remoteTable.code, 0, remoteTable.err);
  assert.equal(remoteTable.out, tableChunks.join(''));
  assert.equal(remoteMissing.code, 1);
  assert.match(remoteMissing.err, /no matching tables were found for pattern "nope"/);
  assert.equal(remoteMissing.out, '');
});

test('vecgres dump --host refuses a server that is not vecgres, and a dump given both --data and --host', async () => {
  const peer = await startPglite();
  const server = new PGLiteSocketServer({ db: peer, port: 0, host: '127.0.0.1' });
  await server.start();
  try {
    const [, port] = server.getServerConn().split(':');
    const r = await runDumpCli(['-h', '127.0.0.1', '-p', port!, '-U', 'postgres', '-d', 'postgres']);
    assert.equal(r.code, 1);
    assert.match(r.err, /^NotVecgresServerError: the server is not vecgres \(version\(\): PostgreSQL 18\.\d+.*\); dump PostgreSQL with pg_dump$/m);
    assert.equal(r.out, '');
  } finally {
    await server.stop();
    await peer.close();
  }
  const both = await runDumpCli(['--data', tmpdir(), '--host', '127.0.0.1']);
  assert.equal(both.code, 1);
  assert.match(both.err, /give either --data or a server/);
  const neither = await runDumpCli([]);
  assert.equal(neither.code, 1);
  assert.match(neither.err, /give the data directory \(--data <dir>\) or a running vecgres serve/);
});

test('the pg_dump prelude runs on vecgres', async () => {
  const s = await db.connect();
  try {
    for (const stmt of DUMP_PRELUDE) await s.exec(stmt);
    for (const stmt of ["SET default_tablespace = ''", 'SET default_table_access_method = heap', 'CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public']) await s.exec(stmt);
  } finally {
    await s.release();
  }
});

test('a text parameter with a NUL character is refused as PostgreSQL refuses it, so no dump can hold one', async () => {
  const peer = await startPglite({ extensions: {} });
  try {
    for (const [sql, params] of [['SELECT $1::text AS t', ['x\u0000y']], ['SELECT $1::text[] AS t', [['a', 'b\u0000']]]] as const) {
      const theirs = await peer.query(sql, [...params]).then(() => 'ok', (e: { code: string; message: string }) => `${e.code} ${e.message}`);
      const ours = await db.query(sql, [...params]).then(() => 'ok', (e: { code: string; message: string }) => `${e.code} ${e.message}`);
      assert.equal(ours, theirs, sql);
    }
  } finally {
    await peer.close();
  }
});

test('COPY text fields: escapes round-trip and never contain a raw tab or newline', () => {
  const r = new Prng(SEED ^ 0x5f3759df);
  const alphabet = ['a', '\\', '\t', '\n', '\r', '\b', '\f', '\v', 'N', '.', 'ü', '😀', ' ', "'"];
  for (let i = 0; i < 2000; i++) {
    const s = Array.from({ length: r.int(12) }, () => alphabet[r.int(alphabet.length)]!).join('');
    const f = copyTextField(s);
    assert.ok(!/[\t\n\r]/.test(f), `raw separator in ${JSON.stringify(f)} (seed ${SEED})`);
    assert.equal(copyTextFieldParse(f), s, `round trip of ${JSON.stringify(s)} (seed ${SEED})`);
  }
  assert.equal(copyTextField(null), '\\N');
  assert.equal(copyTextFieldParse('\\N'), null);
  assert.equal(copyTextField('\\N'), '\\\\N');
});

test('vecgres dump (the command): -f FILE, --inserts to stdout, --table, and an error for a missing table', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecgres-dump-cli-'));
  try {
    const data = join(dir, 'data');
    const d = await Vecgres.create(data);
    await d.exec('CREATE TABLE a (id serial PRIMARY KEY, v vector(2))');
    await d.exec("INSERT INTO a (v) VALUES ('[1,2]'), ('[0.1,-3e-7]')");
    await d.exec('CREATE TABLE b (t text)');
    await d.exec("INSERT INTO b VALUES (E'x\\ty')");
    await d.close();
    // Expected: the embedded dump of the same directory (reopened: sequences resume past a
    // reopen as recovery left them, which the dump must show as they are).
    const again = await Vecgres.create(data);
    const expected: string[] = [];
    again.dump((c) => expected.push(c));
    const expectedA: string[] = [];
    again.dump((c) => expectedA.push(c), { inserts: true, tables: ['a'] });
    await again.close();

    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const c = spawn(process.execPath, [MAIN, 'dump', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        c.stdout.on('data', (x: Buffer) => (out += x.toString()));
        c.stderr.on('data', (x: Buffer) => (err += x.toString()));
        c.once('exit', (code) => resolve({ code, out, err }));
      });
    const file = join(dir, 'dump.sql');
    const r1 = await run(['--data', data, '-f', file]);
    assert.equal(r1.code, 0, r1.err);
    assert.equal(readFileSync(file, 'utf8'), expected.join(''));
    assert.match(r1.err, /2 table\(s\), 3 row\(s\)/);
    const r2 = await run(['--data', data, '--inserts', '--table', 'a']);
    assert.equal(r2.code, 0, r2.err);
    assert.equal(r2.out, expectedA.join(''));
    assert.match(r2.out, /^INSERT INTO public\.a VALUES \(2, '\[0\.1,-3e-07\]'\);$/m);
    assert.ok(!r2.out.includes('public.b'));
    const r3 = await run(['--data', data, '--table', 'nope']);
    assert.equal(r3.code, 1);
    assert.match(r3.err, /no matching tables were found for pattern "nope"/);
    const r4 = await run(['--data', join(dir, 'typo')]);
    assert.equal(r4.code, 1);
    assert.match(r4.err, /is not a vecgres data directory/);
    assert.ok(!existsSync(join(dir, 'typo')), 'a mistyped --data created a directory');
    const last = await Vecgres.create(data);
    await last.exec('BEGIN');
    const next = (await last.query<{ id: number }>("INSERT INTO a (v) VALUES ('[0,0]') RETURNING id")).rows[0]!.id;
    await last.exec('ROLLBACK');
    await last.close();
    const setval = /setval\('public\.a_id_seq', (\d+), true\)/.exec(expected.join(''));
    assert.equal(Number(setval?.[1]) + 1, next, 'the dumped sequence value is the one vecgres continues from');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('regclass values are dumped as relation names, so they name the same relations where the dump loads', async () => {
  const src = await Vecgres.create();
  const peer = await startPglite();
  const peerInserts = await startPglite();
  try {
    await src.exec("CREATE TABLE target_items (id int); CREATE TABLE refs (id int, c regclass, p regproc, s regclass); INSERT INTO refs VALUES (1, 'target_items', 'now', 'pg_class'), (2, NULL, NULL, NULL)");
    let copy = '';
    src.dump((c) => (copy += c));
    assert.match(copy, /^1\tpublic\.target_items\tnow\tpg_class$/m, 'pg_dump writes names under its empty search_path');
    let inserts = '';
    src.dump((c) => (inserts += c), { inserts: true });
    await loadCopyScript(peer, copy);
    await peerInserts.exec(inserts.split('\n').filter((l) => !l.startsWith('\\')).join('\n'));
    for (const p of [peer, peerInserts]) {
      const r = await p.query<{ id: number; c: string | null; p: string | null; s: string | null }>('SELECT id, c::text AS c, p::text AS p, s::text AS s FROM refs ORDER BY id');
      assert.deepEqual(r.rows, [{ id: 1, c: 'target_items', p: 'now', s: 'pg_class' }, { id: 2, c: null, p: null, s: null }]);
    }
  } finally {
    await src.close();
    await peer.close();
    await peerInserts.close();
  }
});

test('NOT NULL constraints keep their names through a dump: named, renamed, and after RENAME of the table or column', async () => {
  const src = await Vecgres.create();
  const direct = await startPglite();
  const peer = await startPglite();
  const back = await Vecgres.create();
  try {
    const schema = [
      'CREATE TABLE nn (id int PRIMARY KEY, a int CONSTRAINT a_nn NOT NULL, b int NOT NULL, c int NOT NULL DEFAULT 3, d int NOT NULL)',
      'ALTER TABLE nn RENAME CONSTRAINT nn_b_not_null TO "B nn"',
      'ALTER TABLE nn RENAME COLUMN c TO c2',
      'ALTER TABLE nn RENAME TO nn2',
      'ALTER TABLE nn2 ALTER COLUMN d DROP NOT NULL',
      'ALTER TABLE nn2 ALTER COLUMN d SET NOT NULL',
      'INSERT INTO nn2 VALUES (1, 2, 3, 4, 5)',
    ];
    for (const q of schema) {
      await src.exec(q);
      await direct.exec(q);
    }
    const names = 'SELECT conname::text AS conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = \'nn2\'::regclass ORDER BY 1';
    const want = (await direct.query(names)).rows;
    let copy = '';
    src.dump((c) => (copy += c));
    let inserts = '';
    src.dump((c) => (inserts += c), { inserts: true });
    await loadCopyScript(peer, copy);
    await back.exec(inserts.split('\n').filter((l) => !l.startsWith('\\')).join('\n'));
    assert.deepEqual(normalizeRows((await src.query(names)).rows), want, 'the source');
    assert.deepEqual((await peer.query(names)).rows, want, 'loaded into PostgreSQL');
    assert.deepEqual(normalizeRows((await back.query(names)).rows), want, 'loaded into vecgres');
  } finally {
    await src.close();
    await back.close();
    await direct.close();
    await peer.close();
  }
});

function normalizeRows(rows: unknown[]): unknown[] {
  return rows.map((r) => ({ ...(r as object) }));
}
