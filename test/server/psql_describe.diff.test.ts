/**
 * psql's describe commands against vecgres serve and against PostgreSQL (PGlite + pgvector
 * behind pglite-socket) with the same schema: psql 15 sends its catalog queries (`psql -E`
 * shows them) and prints the answers; both outputs must be the same, byte for byte.
 *
 * `\d` covers a table with defaults, NOT NULL, PRIMARY KEY, UNIQUE, CHECK and FOREIGN KEY
 * constraints and HNSW / IVFFlat / B-tree / partial / expression indexes, and each kind of index;
 * a table with dropped columns (whose later columns keep their attnums). `\du`, `\dn+`, `\dL` and
 * `\db` read the roles, schema ACLs and comments, languages and tablespaces.
 *
 * Where PostgreSQL 18 (PGlite) itself cannot answer psql 15 (`\l` asks for
 * pg_database.daticulocale, which PostgreSQL 17 renamed), vecgres fails the same way.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { startServer, PASSWORD, type TestServer } from './helpers.js';
import { startPglite } from '../support/pglite_start.js';

const PSQL = existsSync('/usr/bin/psql') ? '/usr/bin/psql' : undefined;
const SCHEMA = [
  'CREATE EXTENSION IF NOT EXISTS vector',
  'CREATE TABLE items (id bigint PRIMARY KEY, category int NOT NULL, body text, embedding vector(3))',
  'CREATE INDEX items_hnsw ON items USING hnsw (embedding vector_cosine_ops) WITH (m = 8)',
  'CREATE INDEX ON items (category)',
  'CREATE TABLE notes (note_id int PRIMARY KEY, note text)',
  // For \d: defaults, NOT NULL, UNIQUE, CHECK, FOREIGN KEY, IVFFlat, partial and expression indexes.
  'CREATE TABLE parent (pid int PRIMARY KEY, tag text UNIQUE)',
  `CREATE TABLE docs (id bigint PRIMARY KEY, category int NOT NULL DEFAULT 7, title text DEFAULT 'untitled' CHECK (title <> ''),
     price numeric(8,2) CHECK (price > 0), score float8 CHECK (score BETWEEN 0 AND 2.5), pid int REFERENCES parent(pid) ON DELETE CASCADE,
     "Mixed Case" varchar(20), embedding vector(3), half halfvec(3), UNIQUE (category, title),
     CONSTRAINT small_id CHECK (id < 1000000 AND (category > 0 OR pid IS NULL)))`,
  'CREATE INDEX docs_ivf ON docs USING ivfflat (embedding vector_l2_ops) WITH (lists = 2)',
  'CREATE INDEX docs_part ON docs USING hnsw (embedding vector_l2_ops) WHERE category > 3',
  'CREATE INDEX docs_expr ON docs USING hnsw ((embedding::halfvec(3)) halfvec_cosine_ops)',
  'CREATE INDEX docs_half ON docs USING hnsw (half halfvec_l2_ops) WITH (m = 4, ef_construction = 20)',
  // Quoted names, defaults of several types, an identity and a serial column (their sequences),
  // a self-reference, a composite foreign key, a unique DESC index.
  `CREATE TABLE "Odd Table" (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), created timestamptz DEFAULT now(), flag boolean NOT NULL DEFAULT false,
     doc jsonb, n bigint GENERATED ALWAYS AS IDENTITY, score real DEFAULT 1.5, t varchar(10) DEFAULT 'x', c char(3) DEFAULT 'ab', i int DEFAULT -1, e vector(4))`,
  'CREATE TABLE s (id serial PRIMARY KEY, parent int REFERENCES s(id), a int, b int, UNIQUE (a, b))',
  'CREATE TABLE fk2 (x int, y int, FOREIGN KEY (x, y) REFERENCES s(a, b) ON UPDATE CASCADE)',
  'CREATE UNIQUE INDEX s_b_desc ON s (b DESC)',
  'CREATE INDEX odd_e ON "Odd Table" USING hnsw (e vector_ip_ops)',
  // Sequences for \\d seqname: a standalone one with every option, one owned by a column, one used.
  'CREATE SEQUENCE plain_seq',
  'CREATE SEQUENCE "Odd Seq" AS smallint INCREMENT BY -3 MINVALUE -300 MAXVALUE 90 START WITH 9 CACHE 5 CYCLE',
  'CREATE SEQUENCE owned_seq AS integer START 100 OWNED BY notes.note',
  "SELECT nextval('owned_seq')",
  // Array columns and comments (the Description column of \d+).
  'CREATE TABLE tagged (id int PRIMARY KEY, tags text[] NOT NULL DEFAULT \'{}\', names varchar(5)[], scores real[])',
  "COMMENT ON TABLE tagged IS 'rows with labels'",
  "COMMENT ON COLUMN tagged.tags IS 'labels, lower case'",
  "COMMENT ON COLUMN tagged.scores IS 'one per model'",
  // Dropped columns: later columns keep their numbers (indkey, conkey, adnum name them).
  'CREATE TABLE shrunk (a int PRIMARY KEY, b text, c int NOT NULL DEFAULT 2, d vector(3), e int UNIQUE)',
  'ALTER TABLE shrunk DROP COLUMN b',
  "ALTER TABLE shrunk ADD COLUMN f text DEFAULT 'f'",
  'CREATE INDEX shrunk_cf ON shrunk (c, f)',
  "COMMENT ON COLUMN shrunk.f IS 'added'",
  'ALTER TABLE shrunk DROP COLUMN d',
].join(';\n');

let pglite: PGlite;
let socketServer: PGLiteSocketServer;
let theirPort = 0;
let ours: TestServer;

before(async () => {
  if (PSQL === undefined) return;
  pglite = await startPglite();
  await pglite.exec(SCHEMA);
  socketServer = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1' });
  await socketServer.start();
  theirPort = Number(socketServer.getServerConn().split(':')[1]);
  ours = await startServer();
  await ours.db.exec(SCHEMA);
});

after(async () => {
  if (PSQL === undefined) return;
  await socketServer.stop();
  await pglite.close();
  await ours.close();
});

/** psql's whole output (stdout, then stderr) for one backslash command. */
function psql(port: number, command: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      PSQL!,
      ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', command],
      { encoding: 'utf8', env: { ...process.env, PGPASSWORD: PASSWORD, PGSSLMODE: 'disable', PGCONNECT_TIMEOUT: '10' }, timeout: 30_000 },
      (_err, stdout, stderr) => resolve(`${stdout}${stderr === '' ? '' : `--- stderr\n${stderr}`}`),
    );
  });
}

// Roles (\du reads pg_auth_members, \du+ shobj_description), schemas with their ACLs and
// comments, languages (\dL joins pg_description on tableoid) and tablespaces.
const ROLES_AND_SCHEMAS = ['\\du', '\\dg', '\\du+', '\\du postgres', '\\dg pg_*', '\\dn+', '\\dnS', '\\dL', '\\db'];
// Functions: pgvector's (pg_proc, pg_get_function_result / _arguments, pg_function_is_visible;
// \df+ adds volatility, language, source and comments, and excludes 'trigger'::regtype) and a
// pattern that also finds pg_catalog's (avg). pgvector's operators (pg_operator, with the
// descriptions of their functions).
const FUNCTIONS = ['\\df', '\\df+', '\\df l2*', '\\dfa', '\\df+ avg', '\\dfn', '\\df public.*', '\\df nosuch', '\\do', '\\do+', '\\do <=>'];
const DESCRIBE = [
  '\\d', '\\d items', '\\d+ items', '\\d docs', '\\d+ docs', '\\d parent', '\\d notes', '\\d nosuch', '\\d items_pkey', '\\d+ items_pkey',
  '\\d items_hnsw', '\\d+ items_hnsw', '\\d docs_ivf', '\\d docs_part', '\\d docs_expr', '\\d+ docs_half', '\\d docs_category_title_key',
  '\\d parent_tag_key', '\\d doc*', '\\d "Odd Table"', '\\d+ "Odd Table"', '\\d s', '\\d+ s', '\\d fk2', '\\d s_b_desc', '\\d odd_e', '\\ds',
  '\\d s_id_seq', '\\d+ s_id_seq', '\\d "Odd Table_n_seq"', '\\d plain_seq', '\\d+ "Odd Seq"', '\\d owned_seq', '\\ds+', '\\ds *seq',
  '\\d+ notes',
  '\\d tagged', '\\d+ tagged',
  '\\d shrunk', '\\d+ shrunk', '\\d shrunk_cf', '\\d shrunk_e_key',
];
for (const command of ['\\dt', '\\di', '\\dn', '\\dx', '\\dt items', '\\di items*', '\\dt nosuch', ...DESCRIBE, ...ROLES_AND_SCHEMAS, ...FUNCTIONS]) {
  test(`psql ${command} prints what PostgreSQL prints`, { skip: PSQL === undefined && 'psql is not installed' }, async () => {
    const theirs = await psql(theirPort, command);
    const mine = await psql(ours.port, command);
    assert.equal(mine, theirs);
  });
}

test('psql \\l fails as on PostgreSQL 18 (psql 15 asks for daticulocale), with its spelling hint', { skip: PSQL === undefined && 'psql is not installed' }, async () => {
  const theirs = await psql(theirPort, '\\l');
  const mine = await psql(ours.port, '\\l');
  assert.match(theirs, /\nHINT: {2}Perhaps you meant to reference the column "d\.datlocale"\.\n$/);
  assert.equal(mine, theirs);
});
