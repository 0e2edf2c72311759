/**
 * The pgvector oracle: one lazily created PGlite (PostgreSQL 18 + pgvector 0.8.7 in
 * WebAssembly) shared by every test in a file. Startup costs a few seconds, so tests call
 * {@link pgvectorOracle} once and reuse the instance; expected values in differential tests
 * always come from here, never from hand-written numbers.
 */
import { after } from 'node:test';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';

export interface OracleField {
  name: string;
  dataTypeID: number;
}

export interface OracleResult {
  rows: any[];
  fields: OracleField[];
}

export type OracleTry =
  /** `affectedRows`: the rows an INSERT, UPDATE, DELETE or MERGE wrote (PGlite's count). */
  | { ok: true; rows: any[]; fields: OracleField[]; affectedRows?: number }
  | {
      ok: false;
      /** SQLSTATE. */
      code: string;
      message: string;
      detail?: string;
      hint?: string;
      position?: string;
    };

/** PGlite's query options that tests use: rows as objects (default) or as value arrays. */
export interface OracleQueryOptions {
  rowMode?: 'object' | 'array';
}

export interface Oracle {
  /** Runs one statement; throws PGlite's DatabaseError (with `.code`) on failure. */
  query(sql: string, params?: unknown[], opts?: OracleQueryOptions): Promise<OracleResult>;
  /** Runs one statement and reports failure as a value instead of throwing. */
  tryQuery(sql: string, params?: unknown[], opts?: OracleQueryOptions): Promise<OracleTry>;
  /** Runs a script of several statements (no parameters, no results). */
  exec(sql: string): Promise<void>;
  /**
   * Evaluates `expr` and returns it as PostgreSQL prints it (`select (expr)::text`), or
   * `null` for SQL NULL. Text is what differential tests compare byte for byte.
   * @throws the oracle's error when the expression fails.
   */
  text(expr: string, params?: unknown[]): Promise<string | null>;
  /** Like {@link text} but returns failures as values. */
  tryText(expr: string, params?: unknown[]): Promise<{ ok: true; text: string | null } | Extract<OracleTry, { ok: false }>>;
  /** PGlite's dumpDataDir (a tarball of its PostgreSQL data directory). */
  dumpDataDir(compression?: 'none' | 'gzip' | 'auto'): Promise<File | Blob>;
  /** Shuts the shared instance down; the next {@link pgvectorOracle} call starts a new one. */
  close(): Promise<void>;
}

let shared: Promise<Oracle> | null = null;

/**
 * The shared oracle, created on first use with `CREATE EXTENSION vector` already run.
 * Every query runs in the one session, so a test that changes settings should RESET them.
 */
export function pgvectorOracle(): Promise<Oracle> {
  if (shared === null) shared = create();
  return shared;
}

/**
 * The shared oracle for one test file: started now, closed after the file's last test. Call
 * it once at the top level of a test module: `const oracle = await oracleForFile();`.
 */
export async function oracleForFile(): Promise<Oracle> {
  const oracle = await pgvectorOracle();
  after(() => oracle.close());
  return oracle;
}

async function create(): Promise<Oracle> {
  const pg = await startPglite({ extensions: { vector } }, 'CREATE EXTENSION vector');

  const query = async (sql: string, params?: unknown[], opts?: OracleQueryOptions): Promise<OracleResult> => {
    const r = await pg.query(sql, params as any[] | undefined, opts);
    return { rows: r.rows as any[], fields: r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })) };
  };
  const failure = (e: unknown): Extract<OracleTry, { ok: false }> => {
    const err = e as { code?: string; message?: string; detail?: string; hint?: string; position?: string };
    if (typeof err?.code !== 'string') throw e;
    const out: Extract<OracleTry, { ok: false }> = { ok: false, code: err.code, message: String(err.message) };
    if (err.detail !== undefined) out.detail = err.detail;
    if (err.hint !== undefined) out.hint = err.hint;
    if (err.position !== undefined) out.position = err.position;
    return out;
  };
  const tryQuery = async (sql: string, params?: unknown[], opts?: OracleQueryOptions): Promise<OracleTry> => {
    try {
      const r = await pg.query(sql, params as any[] | undefined, opts);
      return { ok: true, rows: r.rows as any[], fields: r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })), affectedRows: r.affectedRows ?? 0 };
    } catch (e) {
      return failure(e);
    }
  };
  const text = async (expr: string, params?: unknown[]): Promise<string | null> => {
    const r = await query(`select (${expr})::text as t`, params);
    return (r.rows[0]?.t ?? null) as string | null;
  };
  const tryText: Oracle['tryText'] = async (expr, params) => {
    try {
      return { ok: true, text: await text(expr, params) };
    } catch (e) {
      return failure(e);
    }
  };
  return {
    query,
    tryQuery,
    exec: async (sql) => {
      await pg.exec(sql);
    },
    text,
    tryText,
    dumpDataDir: (compression) => pg.dumpDataDir(compression),
    close: async () => {
      shared = null;
      await pg.close();
    },
  };
}

/** Quotes `s` as a SQL string literal (standard_conforming_strings on). */
export function sqlLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * Starts a PGlite as `PGlite.create(options)` does, followed by `setup` (SQL run once, e.g.
 * `CREATE EXTENSION vector`), but without paying for initdb in every test process: a fresh
 * PGlite runs initdb in a second WebAssembly instance (about two thirds of its start-up CPU).
 * The cluster that initdb + `setup` make is kept as a data-directory tarball under
 * `os.tmpdir()/vecgres-pglite/`, keyed by the PGlite and pgvector package versions, the
 * extension names and `setup`, and later starts load it (`loadDataDir`).
 *
 * The cached cluster was shut down cleanly before it was archived, so a PGlite started from it
 * is the same as a fresh one: the same next OID (tests compare object ids with PostgreSQL's),
 * transaction id and catalog contents. A cluster archived while running would instead recover
 * its OID counter from the log, 8192 (the prefetch PostgreSQL logs) past where a fresh one starts.
 *
 * @param options PGlite's options; `dataDir`, `loadDataDir` and `fs` are not allowed (the
 *   instance always lives in memory).
 * @param setup SQL run on the cluster before it is archived (so once per cache key).
 */
export async function startPglite(options: Omit<PGliteOptions, 'dataDir' | 'loadDataDir' | 'fs'> = {}, setup = ''): Promise<PGlite> {
  const archive = await clusterArchive(Object.keys(options.extensions ?? {}).sort(), options.extensions ?? {}, setup);
  const pg = await PGlite.create({ ...options, loadDataDir: archive });
  // A fresh backend that ran CREATE EXTENSION has the extension's library loaded, and with it
  // the library's settings (pgvector's hnsw.* and ivfflat.*: pg_settings rows, range checks on
  // SET). A backend started from the archive loads it only at the first use of one of its
  // functions, so it is loaded here to be the same as the fresh one.
  for (const m of setup.matchAll(/create\s+extension\s+(?:if\s+not\s+exists\s+)?"?(\w+)"?/gi)) {
    if (options.extensions !== undefined && m[1]! in options.extensions) await pg.exec(`LOAD '${m[1]!}'`);
  }
  return pg;
}

/** Archives already read in this process, by cache key. */
const archives = new Map<string, Promise<Blob>>();

function packageVersion(name: string): string {
  // The packages' entry points are in dist/; package.json is one folder up.
  const entry = createRequire(import.meta.url).resolve(name);
  return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

function clusterArchive(extensionNames: string[], extensions: NonNullable<PGliteOptions['extensions']>, setup: string): Promise<Blob> {
  const key = createHash('sha256')
    .update(JSON.stringify({ format: 1, pglite: packageVersion('@electric-sql/pglite'), pgvector: packageVersion('@electric-sql/pglite-pgvector'), extensionNames, setup }))
    .digest('hex')
    .slice(0, 24);
  let archive = archives.get(key);
  if (archive === undefined) {
    archive = readOrBuildArchive(key, extensions, setup);
    archives.set(key, archive);
  }
  return archive;
}

async function readOrBuildArchive(key: string, extensions: NonNullable<PGliteOptions['extensions']>, setup: string): Promise<Blob> {
  const dir = join(tmpdir(), 'vecgres-pglite');
  const path = join(dir, `${key}.tar`);
  try {
    return new Blob([readFileSync(path)]);
  } catch {
    // Not cached yet: build it below.
  }
  // initdb + setup in an on-disk data directory, then a clean shutdown (close), so the control
  // file holds the exact next OID. Reopening it and archiving it while running keeps that: the
  // archive's last checkpoint is the shutdown one and nothing allocates an OID after it.
  const work = mkdtempSync(join(tmpdir(), 'vecgres-pglite-build-'));
  try {
    const first = await PGlite.create({ dataDir: work, extensions });
    if (setup !== '') await first.exec(setup);
    await first.close();
    const again = await PGlite.create({ dataDir: work, extensions });
    const tar = new Blob([await (await again.dumpDataDir('none')).arrayBuffer()]);
    await again.close();
    try {
      // Written under a temporary name and renamed, so a test process running at the same
      // time never reads half a file.
      mkdirSync(dir, { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, Buffer.from(await tar.arrayBuffer()));
      renameSync(tmp, path);
    } catch {
      // An unwritable temporary folder only costs later test processes the initdb.
    }
    return tar;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
