/**
 * CREATE EXTENSION and DROP EXTENSION against PostgreSQL (a fresh PGlite + pgvector per
 * script, as a fresh vecgres database): each statement's outcome (rows, or SQLSTATE, message,
 * detail and hint) and its notices, then `pg_extension`. And the extension record's life in
 * vecgres: rolled back with its transaction, kept over a reopen and in dumpDataDir archives,
 * and derived for a database written before the record existed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { MemoryFs } from '../../src/storage/fs_memory.js';
import { readControl, writeControl } from '../../src/storage/checkpoint.js';
import { startPglite } from '../support/pglite_start.js';

interface Outcome {
  rows?: unknown;
  error?: { code: string; message: string; detail?: string; hint?: string };
  notices: string[];
}

type Notice = { severity?: string; code?: string; message: string; detail?: string };
const noticeText = (n: Notice): string => `${n.severity} ${n.code} ${n.message}${n.detail === undefined ? '' : ` | ${n.detail}`}`;
const errorOf = (e: unknown): Outcome['error'] => {
  const x = e as { code?: string; message: string; detail?: string; hint?: string };
  if (typeof x.code !== 'string') throw e;
  return { code: x.code, message: x.message, ...(x.detail === undefined ? {} : { detail: x.detail }), ...(x.hint === undefined ? {} : { hint: x.hint }) };
};

const PG_EXTENSION = 'SELECT extname::text AS name, extversion FROM pg_extension ORDER BY 1';

/** Runs `script` statement by statement on a fresh PGlite and a fresh vecgres database; returns the differences. */
async function compare(script: readonly string[]): Promise<string[]> {
  const pg = await startPglite();
  const db = await Vecgres.create();
  const diffs: string[] = [];
  try {
    for (const sql of [...script, PG_EXTENSION]) {
      const theirs: Outcome = { notices: [] };
      try {
        theirs.rows = (await pg.query(sql, [], { onNotice: (n) => theirs.notices.push(noticeText(n as Notice)) })).rows;
      } catch (e) {
        theirs.error = errorOf(e);
      }
      const mine: Outcome = { notices: [] };
      try {
        mine.rows = (await db.query(sql, [], { onNotice: (n) => mine.notices.push(noticeText(n as Notice)) })).rows;
      } catch (e) {
        mine.error = errorOf(e);
      }
      if (JSON.stringify(theirs) !== JSON.stringify(mine)) diffs.push(`${sql}\n  PostgreSQL: ${JSON.stringify(theirs)}\n  vecgres:    ${JSON.stringify(mine)}`);
    }
  } finally {
    await pg.close();
    await db.close();
  }
  return diffs;
}

test('CREATE EXTENSION: twice is 42710, IF NOT EXISTS a NOTICE, unknown names and versions as PostgreSQL', async () => {
  assert.deepEqual(
    await compare([
      PG_EXTENSION,
      'CREATE EXTENSION vector',
      'CREATE EXTENSION vector',
      'CREATE EXTENSION IF NOT EXISTS vector',
      'CREATE EXTENSION vectorscale',
      'CREATE EXTENSION IF NOT EXISTS vectorscale',
      'CREATE EXTENSION "Vector"',
      'CREATE EXTENSION plpgsql',
      'CREATE EXTENSION IF NOT EXISTS plpgsql',
      'DROP EXTENSION vector',
      "CREATE EXTENSION vector VERSION '0.5.0'",
      'CREATE EXTENSION vector SCHEMA nosuch',
      "CREATE EXTENSION vector WITH SCHEMA public VERSION '0.8.7'",
    ]),
    [],
  );
});

test('DROP EXTENSION: missing, IF EXISTS, RESTRICT with dependent columns and indexes, CASCADE', async () => {
  assert.deepEqual(
    await compare([
      'DROP EXTENSION vector',
      'DROP EXTENSION IF EXISTS vector',
      'DROP EXTENSION IF EXISTS vector, nosuch',
      'CREATE EXTENSION vector',
      'CREATE TABLE t (id int PRIMARY KEY, e vector(3), h halfvec(2), b bit(3), s sparsevec(5))',
      'CREATE INDEX t_e ON t USING hnsw (e vector_l2_ops)',
      'CREATE INDEX t_b ON t USING hnsw (b bit_hamming_ops)',
      'CREATE INDEX t_id ON t (id)',
      'CREATE TABLE u (id int, e vector(2))',
      "INSERT INTO t VALUES (1, '[1,2,3]', '[1,2]', '101', '{1:1}/5')",
      'DROP EXTENSION vector',
      'DROP EXTENSION vector RESTRICT',
      'DROP EXTENSION nosuch, vector',
      'BEGIN',
      'DROP EXTENSION vector CASCADE',
      'SELECT * FROM t',
      "SELECT indexname::text FROM pg_indexes WHERE tablename = 't' ORDER BY 1",
      'SELECT * FROM u',
      'ROLLBACK',
      'SELECT id, e::text FROM t',
      "SELECT indexname::text FROM pg_indexes WHERE tablename = 't' ORDER BY 1",
      'DROP TABLE u',
      'DROP EXTENSION vector CASCADE',
      'SELECT * FROM t',
      'DROP EXTENSION vector',
      'CREATE EXTENSION vector',
      'CREATE TABLE w (id int, e vector(2))',
      'DROP TABLE w',
      'DROP EXTENSION vector',
    ]),
    [],
  );
});

test('CREATE / DROP EXTENSION roll back with their transaction and savepoint', async () => {
  assert.deepEqual(
    await compare([
      'BEGIN',
      'CREATE EXTENSION vector',
      PG_EXTENSION,
      'ROLLBACK',
      PG_EXTENSION,
      'BEGIN',
      'SAVEPOINT a',
      'CREATE EXTENSION vector',
      'ROLLBACK TO a',
      'CREATE EXTENSION vector',
      'COMMIT',
      PG_EXTENSION,
      'BEGIN',
      'DROP EXTENSION vector',
      'CREATE EXTENSION vector',
      'DROP EXTENSION vector',
      'ROLLBACK',
    ]),
    [],
  );
});

const extensions = async (db: Vecgres): Promise<string[]> => (await db.query<{ extname: string }>('SELECT extname::text FROM pg_extension ORDER BY 1')).rows.map((r) => r.extname);

test('the extension record is durable: reopen, replay of the log, dumpDataDir / loadDataDir', async () => {
  const fs = new MemoryFs();
  let db = await Vecgres.create('db', { storage: fs });
  assert.deepEqual(await extensions(db), ['plpgsql']);
  await db.exec('CREATE EXTENSION vector; CREATE TABLE t (id int, e vector(2))');
  await db.exec('BEGIN; DROP TABLE t; DROP EXTENSION vector; ROLLBACK');
  await db.close();
  // Replayed from the log (no checkpoint since).
  db = await Vecgres.create('db', { storage: fs });
  assert.deepEqual(await extensions(db), ['plpgsql', 'vector']);
  await assert.rejects(db.exec('CREATE EXTENSION vector'), { code: '42710' });
  await db.exec('CHECKPOINT');
  const archive = await db.dumpDataDir('none');
  await db.exec('DROP TABLE t; DROP EXTENSION vector');
  await db.close();
  db = await Vecgres.create('db', { storage: fs });
  assert.deepEqual(await extensions(db), ['plpgsql']);
  await db.exec('CHECKPOINT');
  await db.close();
  // From the checkpoint.
  db = await Vecgres.create('db', { storage: fs });
  assert.deepEqual(await extensions(db), ['plpgsql']);
  await db.close();
  // The archive taken while vector was installed.
  const copy = await Vecgres.create({ loadDataDir: archive });
  assert.deepEqual(await extensions(copy), ['plpgsql', 'vector']);
  await copy.close();
});

/** Rewrites the control file of `dir` as a version before extension records wrote it (no `extensions`). */
function dropExtensionsFromControl(fs: MemoryFs, dir: string): void {
  const c = readControl(fs, dir)!;
  const meta = { ...(c.meta as Record<string, unknown>) };
  assert.ok('extensions' in meta);
  delete meta['extensions'];
  writeControl(fs, dir, { ...c, meta: meta as never });
}

test('a database written before the extension record has vector when it has vector columns or indexes', async () => {
  for (const [setup, expected] of [
    ['CREATE TABLE t (id int, e vector(2))', ['plpgsql', 'vector']],
    ['CREATE TABLE t (id int, b bit(3)); CREATE INDEX ON t USING hnsw (b bit_hamming_ops)', ['plpgsql', 'vector']],
    ['CREATE TABLE t (id int, h halfvec(2)[])', ['plpgsql', 'vector']],
    ['CREATE TABLE t (id int, b bit(3))', ['plpgsql']],
  ] as const) {
    const fs = new MemoryFs();
    let db = await Vecgres.create('db', { storage: fs });
    await db.exec(setup);
    await db.exec('CHECKPOINT');
    await db.close();
    dropExtensionsFromControl(fs, 'db');
    db = await Vecgres.create('db', { storage: fs });
    assert.deepEqual(await extensions(db), expected, setup);
    await db.close();
  }
  // Log records after the old checkpoint: the record is derived before the first extension
  // change replayed, from the tables as they stood then.
  const fs = new MemoryFs();
  let db = await Vecgres.create('db', { storage: fs });
  await db.exec('CHECKPOINT');
  await db.close();
  dropExtensionsFromControl(fs, 'db');
  db = await Vecgres.create('db', { storage: fs });
  assert.deepEqual(await extensions(db), ['plpgsql']);
  await db.exec('CREATE TABLE t (id int, e vector(2)); CREATE EXTENSION vector; CREATE TABLE u (e vector(2), id int)');
  await db.exec('DROP EXTENSION vector CASCADE');
  await db.close();
  db = await Vecgres.create('db', { storage: fs });
  assert.deepEqual(await extensions(db), ['plpgsql']);
  assert.deepEqual((await db.query('SELECT * FROM u')).fields.map((f) => f.name), ['id']);
  await db.close();
});
