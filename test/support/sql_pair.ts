/**
 * A vecgres database and the pgvector oracle side by side, for SQL-level differential tests:
 * the same statement runs on both and the outcomes (rows, field names and type OIDs, or the
 * error's SQLSTATE, message, position, detail and hint) must be identical.
 */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { Vecgres } from '../../src/index.js';
import { oracleForFile, type Oracle } from './pglite.js';

/** What one statement did, in a form both sides produce and `deepEqual` compares. */
export type SqlOutcome =
  | { ok: true; rows: unknown; fields: unknown }
  | { ok: false; code: string; message: string; position?: string; detail?: string; hint?: string };

/** A JSON round trip (bigints as `"<n>n"`), so both sides' values compare structurally. */
export const normalize = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)));

/** An error as an outcome; anything without a SQLSTATE is a bug and rethrows. */
export function failureOutcome(e: unknown): SqlOutcome {
  const err = e as { code?: string; message: string; position?: string | number; detail?: string; hint?: string };
  if (typeof err.code !== 'string') throw e;
  const o: SqlOutcome = { ok: false, code: err.code, message: err.message };
  if (err.position !== undefined) o.position = String(err.position);
  if (err.detail !== undefined) o.detail = err.detail;
  if (err.hint !== undefined) o.hint = err.hint;
  return o;
}

export interface SqlPair {
  /** A fresh in-memory vecgres database. */
  readonly db: Vecgres;
  /** The shared PostgreSQL + pgvector oracle. */
  readonly oracle: Oracle;
  /** Runs `sql` on vecgres. */
  ours(sql: string, params?: unknown[]): Promise<SqlOutcome>;
  /** Runs `sql` on the oracle. */
  theirs(sql: string, params?: unknown[]): Promise<SqlOutcome>;
  /** Runs `sql` on both and asserts identical outcomes (the oracle first). */
  same(sql: string, params?: unknown[]): Promise<void>;
  /** Runs `sql` on both and records a mismatch in `mismatches` instead of failing at once. */
  check(sql: string, mismatches: string[], params?: unknown[]): Promise<void>;
  /** Executes a setup script on both (oracle first); either side's error fails the test. */
  both(sql: string): Promise<void>;
  /**
   * Runs every statement (a string, or `[sql, params]`; a bare string gets `params`) on both
   * and fails with all mismatches at once ({@link reportMismatches}, naming `seed`).
   */
  checkAll(label: string, sqls: readonly (string | readonly [string, unknown[]])[], params?: unknown[], seed?: number): Promise<void>;
}

/**
 * Opens a vecgres database and the oracle for one test file; the database closes after the
 * file's last test. Call once at the top level: `const { db, same } = await openSqlPair();`.
 */
export async function openSqlPair(): Promise<SqlPair> {
  const db = await Vecgres.create();
  after(() => db.close());
  // The oracle has run CREATE EXTENSION vector: so does the database (pg_extension lists it).
  await db.exec('CREATE EXTENSION vector');
  const oracle = await oracleForFile();
  const ours = async (sql: string, params?: unknown[]): Promise<SqlOutcome> => {
    try {
      const r = await db.query(sql, params);
      return { ok: true, rows: normalize(r.rows), fields: normalize(r.fields) };
    } catch (e) {
      return failureOutcome(e);
    }
  };
  const theirs = async (sql: string, params?: unknown[]): Promise<SqlOutcome> => {
    const r = await oracle.tryQuery(sql, params);
    if (r.ok) return { ok: true, rows: normalize(r.rows), fields: normalize(r.fields) };
    return failureOutcome(r);
  };
  const check = async (sql: string, mismatches: string[], params?: unknown[]): Promise<void> => {
    const want = await theirs(sql, params);
    const got = await ours(sql, params);
    try {
      assert.deepEqual(got, want);
    } catch {
      mismatches.push(`${sql}\n  pgvector: ${JSON.stringify(want)}\n  vecgres:  ${JSON.stringify(got)}`);
    }
  };
  return {
    db,
    oracle,
    ours,
    theirs,
    same: async (sql, params) => {
      const want = await theirs(sql, params);
      const got = await ours(sql, params);
      assert.deepEqual(got, want, sql);
    },
    check,
    both: async (sql) => {
      await oracle.exec(sql);
      await db.exec(sql);
    },
    checkAll: async (label, sqls, params, seed = 0) => {
      const mismatches: string[] = [];
      for (const s of sqls) {
        if (typeof s === 'string') await check(s, mismatches, params);
        else await check(s[0], mismatches, s[1]);
      }
      reportMismatches(label, mismatches, sqls.length, seed);
    },
  };
}

/**
 * Fails with the first mismatches collected by {@link SqlPair.check}, naming the seed;
 * VECGRES_DIFF_VERBOSE prints all of them.
 */
export function reportMismatches(label: string, mismatches: readonly string[], total: number, seed: number): void {
  if (process.env['VECGRES_DIFF_VERBOSE'] !== undefined) for (const m of mismatches) console.error(m);
  assert.equal(mismatches.length, 0, `${label}: ${mismatches.length} of ${total} differ (VECGRES_SEED=${seed}):\n${mismatches.slice(0, 12).join('\n')}`);
}
