/**
 * The pgvector oracle: one lazily created PGlite (PostgreSQL 18 + pgvector 0.8.7 in
 * WebAssembly) shared by every test in a file. Startup costs a few seconds, so tests call
 * {@link pgvectorOracle} once and reuse the instance; expected values in differential tests
 * always come from here, never from hand-written numbers.
 */
import { after } from 'node:test';
import { type QueryOptions } from '@electric-sql/pglite';
import { startPglite } from './pglite_start.js';

export interface OracleField {
  name: string;
  dataTypeID: number;
}

export interface OracleResult {
  rows: any[];
  fields: OracleField[];
  /** What `COPY ... TO '/dev/blob'` wrote. */
  blob?: Blob;
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

/**
 * PGlite's query options that tests use: rows as objects (default) or as value arrays; the
 * statement's NOTICEs and WARNINGs; the data `COPY ... FROM '/dev/blob'` reads.
 */
export type OracleQueryOptions = Pick<QueryOptions, 'rowMode' | 'onNotice' | 'blob'>;

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
  const pg = await startPglite({ createExtension: true });

  const query = async (sql: string, params?: unknown[], opts?: OracleQueryOptions): Promise<OracleResult> => {
    const r = await pg.query(sql, params as any[] | undefined, opts);
    return { rows: r.rows as any[], fields: r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })), ...(r.blob === undefined ? {} : { blob: r.blob }) };
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
