/**
 * Runs one generated query on vecgres and on PostgreSQL + pgvector (PGlite) and compares the
 * whole result: column count, names and type OIDs, and rows as text (in order, as a multiset,
 * or by sort key; see generate.ts), or the error's SQLSTATE.
 */
import type { Vecgres } from '../../../src/index.js';
import type { Oracle } from '../pglite.js';
import type { Compare } from './generate.js';

/** One side's result of a query. */
export type Outcome =
  | { kind: 'rows'; fields: string[]; rows: string[][] }
  | { kind: 'error'; code: string; message: string }
  /** Anything thrown without a SQLSTATE: a bug in vecgres whatever the oracle says. */
  | { kind: 'crash'; error: string };

/**
 * A value as text that is the same on both sides when PostgreSQL's text output is the same
 * (both APIs return values as PGlite parses them). Floats print in JavaScript's shortest
 * round-trip form, which is what PostgreSQL prints for float8 and what PGlite's parse of a
 * real's text gives back. `-0` prints as `0`, also as a vector component: the two zeros are
 * equal in every comparison, so which of them DISTINCT, GROUP BY or a sort keeps is not
 * determined by SQL.
 */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return Object.is(v, -0) ? '0' : String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'string') return JSON.stringify(/^[[{]/.test(v) ? v.replace(/(?<=[[,:])-0(?=[,\]}])/g, '0') : v);
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

function rowsOf(rows: unknown[], fields: { name: string; dataTypeID: number }[]): Outcome {
  return { kind: 'rows', fields: fields.map((f) => `${f.name}:${f.dataTypeID}`), rows: (rows as unknown[][]).map((r) => r.map(valueText)) };
}

/** Runs `sql` on vecgres. */
export async function oursOutcome(db: Vecgres, sql: string, params: unknown[] = []): Promise<Outcome> {
  try {
    const r = await db.query(sql, params, { rowMode: 'array' });
    return rowsOf(r.rows as unknown[], r.fields);
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown; stack?: unknown };
    if (typeof err?.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code)) return { kind: 'error', code: err.code, message: String(err.message) };
    return { kind: 'crash', error: String(err?.stack ?? e) };
  }
}

/** Runs `sql` on the oracle. */
export async function theirsOutcome(oracle: Oracle, sql: string, params: unknown[] = []): Promise<Outcome> {
  const r = await oracle.tryQuery(sql, params, { rowMode: 'array' });
  if (r.ok) return rowsOf(r.rows, r.fields);
  return { kind: 'error', code: r.code, message: r.message };
}

const rowText = (r: readonly string[]): string => r.join(' | ');

function sortedRows(rows: readonly string[][]): string[] {
  return rows.map(rowText).sort();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Null when `got` (vecgres) agrees with `want` (the oracle) under `compare`, else a short
 * description of the first difference.
 */
export function difference(want: Outcome, got: Outcome, compare: Compare): string | null {
  if (got.kind === 'crash') return `vecgres threw a JavaScript error: ${got.error.split('\n').slice(0, 4).join(' / ')}`;
  if (want.kind === 'crash') return `oracle failed without SQLSTATE: ${want.error}`;
  if (want.kind === 'error' || got.kind === 'error') {
    if (want.kind === 'error' && got.kind === 'error') return want.code === got.code ? null : `SQLSTATE ${got.code} (${got.message}), PostgreSQL ${want.code} (${want.message})`;
    if (want.kind === 'error') return `vecgres answered ${got.kind === 'rows' ? got.rows.length : 0} rows; PostgreSQL failed with ${want.code} (${want.message})`;
    return `vecgres failed with ${got.kind === 'error' ? `${got.code} (${got.message})` : '?'}; PostgreSQL answered ${want.rows.length} rows`;
  }
  if (!sameList(want.fields, got.fields)) return `columns ${JSON.stringify(got.fields)}, PostgreSQL ${JSON.stringify(want.fields)}`;
  if (want.rows.length !== got.rows.length) return `${got.rows.length} rows, PostgreSQL ${want.rows.length}${rowsDiff(want.rows, got.rows)}`;
  switch (compare.kind) {
    case 'multiset':
      return sameList(sortedRows(want.rows), sortedRows(got.rows)) ? null : `rows differ (as multisets)${rowsDiff(want.rows, got.rows)}`;
    case 'list':
      return sameList(want.rows.map(rowText), got.rows.map(rowText)) ? null : `rows differ (in order)${rowsDiff(want.rows, got.rows)}`;
    case 'keyed':
      return keyedDifference(want.rows, got.rows, compare);
  }
}

/**
 * Rows ordered by the output columns `keys`: the key sequence must agree, each run of equal
 * keys must hold the same rows, except a run LIMIT may have cut (the last) or OFFSET may
 * have cut (the first), which PostgreSQL fills with whichever tied rows its sort meets first.
 *
 * Float keys count as equal within a relative 1e-6: an HNSW scan returns rows in the order of
 * its own float32 distances, so two distances that are equal in exact arithmetic (1 - 4/(2
 * sqrt 13) and 1 - 6/(3 sqrt 13)) may come out in either order although each prints exactly.
 */
function keyedDifference(want: readonly string[][], got: readonly string[][], c: Extract<Compare, { kind: 'keyed' }>): string | null {
  const keyOf = (r: readonly string[]) => c.keys.map((i) => r[i]!).join(' | ');
  const near = (a: readonly string[], b: readonly string[]) => c.keys.every((i) => sameKey(a[i]!, b[i]!));
  for (let i = 0; i < want.length; i++) {
    if (!near(want[i]!, got[i]!)) return `sort keys differ at row ${i + 1}: ${keyOf(got[i]!)}, PostgreSQL ${keyOf(want[i]!)}${rowsDiff(want, got)}`;
  }
  let start = 0;
  while (start < want.length) {
    let end = start + 1;
    while (end < want.length && (near(want[end]!, want[start]!) || near(got[end]!, got[start]!))) end++;
    const cut = (c.limited && end === want.length) || (c.offset && start === 0);
    if (!cut && !sameList(sortedRows(want.slice(start, end)), sortedRows(got.slice(start, end)))) {
      return `rows tied on the sort key ${keyOf(want[start]!)} differ${rowsDiff(want, got)}`;
    }
    start = end;
  }
  return null;
}

const NUMBER_TEXT = /^-?(?:\d+\.?\d*(?:e[+-]?\d+)?|Infinity)$/;

function sameKey(a: string, b: string): boolean {
  if (a === b) return true;
  if (!NUMBER_TEXT.test(a) || !NUMBER_TEXT.test(b)) return false;
  const x = Number(a);
  const y = Number(b);
  return Math.abs(x - y) <= 1e-6 * Math.max(Math.abs(x), Math.abs(y));
}

function rowsDiff(want: readonly string[][], got: readonly string[][]): string {
  const show = (rows: readonly string[][]) => rows.slice(0, 8).map((r) => `[${rowText(r)}]`).join(' ') + (rows.length > 8 ? ` ... (${rows.length})` : '');
  return `\n    vecgres:    ${show(got)}\n    PostgreSQL: ${show(want)}`;
}
