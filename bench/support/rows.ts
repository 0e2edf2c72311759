/**
 * Comparing the rows two databases return for the same statement: value by value for exact
 * queries, and by recall against the exact answer for queries an approximate index may answer.
 */

/** Relative tolerance for floating-point values: the engines may sum a distance in another order. */
export const FLOAT_TOLERANCE = 1e-6;

/**
 * One value as both engines should agree on it: bigints and numbers as numbers (PGlite and
 * vecgres may return a count(*) as either), everything else unchanged.
 */
function norm(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

/** True when two column values agree (floats within FLOAT_TOLERANCE, relative past 1). */
export function sameValue(a: unknown, b: unknown): boolean {
  const x = norm(a);
  const y = norm(b);
  if (typeof x === 'number' && typeof y === 'number') {
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) return true;
    return Math.abs(x - y) <= FLOAT_TOLERANCE * Math.max(1, Math.abs(x), Math.abs(y));
  }
  return x === y;
}

export function sameRow(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
  return true;
}

/** A row as a short string for messages (floats to 6 digits). */
export function showRow(r: readonly unknown[] | undefined): string {
  if (r === undefined) return '(no row)';
  return '(' + r.map((v) => {
    const x = norm(v);
    if (typeof x === 'number' && !Number.isInteger(x)) return x.toPrecision(6);
    return typeof x === 'string' ? JSON.stringify(x.length > 30 ? x.slice(0, 27) + '...' : x) : String(x);
  }).join(', ') + ')';
}

/**
 * Rows in order, value by value. Returns null when they agree, else what differs first.
 */
export function diffRows(want: readonly unknown[][], got: readonly unknown[][]): string | null {
  const n = Math.max(want.length, got.length);
  for (let i = 0; i < n; i++) {
    const w = want[i];
    const g = got[i];
    if (w === undefined || g === undefined || !sameRow(w, g)) {
      return `row ${i + 1} of ${want.length} (pglite) / ${got.length}: pglite ${showRow(w)}, got ${showRow(g)}`;
    }
  }
  return null;
}

function keyOf(r: readonly unknown[], keyColumns: number): string {
  return JSON.stringify(r.slice(0, keyColumns).map(norm));
}

/**
 * Recall of `got` against the exact answer `truth`: the fraction of truth's rows (identified by
 * their first `keyColumns` columns) that `got` returns. A row both return must also agree in
 * every other column (a distance computed wrongly is a wrong answer, not an approximation);
 * such a row is reported in `wrong`.
 */
export function recallOf(truth: readonly unknown[][], got: readonly unknown[][], keyColumns: number): { hits: number; total: number; wrong: string | null } {
  const want = new Map<string, readonly unknown[]>();
  for (const r of truth) want.set(keyOf(r, keyColumns), r);
  let hits = 0;
  let wrong: string | null = null;
  const seen = new Set<string>();
  for (const r of got) {
    const k = keyOf(r, keyColumns);
    const w = want.get(k);
    if (w === undefined || seen.has(k)) continue;
    seen.add(k);
    hits++;
    if (wrong === null && !sameRow(w, r)) wrong = `exact ${showRow(w)}, got ${showRow(r)}`;
  }
  return { hits, total: truth.length, wrong };
}
