/**
 * Selectivity of WHERE clauses from ANALYZE statistics: the fraction of a relation's rows a
 * qual keeps. PostgreSQL's src/backend/utils/adt/selfuncs.c (eqsel, neqsel, scalarineqsel,
 * scalararraysel, nulltestsel, boolvarsel) and src/backend/optimizer/path/clausesel.c
 * (clauselist_selectivity: AND as a product with range pairs combined, OR as independent
 * events, NOT as the complement) are the model, reduced to what vecgres' expressions need.
 *
 * Without statistics the defaults are PostgreSQL's: the distinct count of a column is its row
 * count below 200 rows, else 200 (DEFAULT_NUM_DISTINCT), so `=` keeps 1/n; ranges 1/3
 * (DEFAULT_INEQ_SEL), a range pair 0.005 (DEFAULT_RANGE_INEQ_SEL), IS NULL 0.005
 * (DEFAULT_UNK_SEL), a boolean expression 0.5.
 */
import { UTC_ZONE } from '../../types/timezone.js';
import type { Expr } from '../analyze/expr.js';
import type { RangeTblEntry } from '../analyze/range.js';
import type { Table, Value } from '../../storage/table.js';
import { Numeric, numericToFloat8 } from '../../types/numeric.js';
import { PgArray } from '../../types/pgarray.js';
import { comparatorFor, someNode } from '../analyze/expr.js';
import { isNumeric, type SqlType } from '../analyze/types.js';
import type { ColumnStats, StatsStore } from '../stats/store.js';

export const DEFAULT_EQ_SEL = 0.005;
export const DEFAULT_INEQ_SEL = 1 / 3;
export const DEFAULT_RANGE_INEQ_SEL = 0.005;
export const DEFAULT_UNK_SEL = 0.005;
export const DEFAULT_NOT_UNK_SEL = 1 - DEFAULT_UNK_SEL;
export const DEFAULT_NUM_DISTINCT = 200;
/** array_selfuncs.c: `@>`, `<@` and `&&` over arrays with nothing known about their elements. */
export const DEFAULT_CONTAIN_SEL = 0.005;
/** array_selfuncs.c: `&&` when the other side is not a constant. */
const DEFAULT_OVERLAP_SEL = 0.01;
/** A boolean expression PostgreSQL knows nothing about (clausesel.c). */
const DEFAULT_BOOL_SEL = 0.5;
/** PostgreSQL's DEFAULT_MATCHING_SEL: jsonb containment and key existence without statistics. */
const DEFAULT_MATCHING_SEL = 0.01;

/** What the estimator knows about one column of a relation of the query level. */
export interface VarInfo {
  /** ANALYZE's statistics, or null when never analyzed. */
  stats: ColumnStats | null;
  /** Rows of the relation now. */
  rows: number;
  type: SqlType;
  /** The column is a single-column primary key (unique). */
  unique: boolean;
}

/**
 * Looks up a column of the current query level: `rti`, `col` -> what is known, or null. Its
 * optional `estimate` is PostgreSQL's estimate_expression_value: the value a non-constant
 * side without columns (`now() - interval '1 day'`, `$1 * 2`) has now, or undefined.
 */
export type VarLookup = ((rti: number, col: number) => VarInfo | null) & { estimate?: (e: Expr) => Value | undefined };

/** No statistics at all: every estimate is a default. */
export const NO_STATS: VarLookup = () => null;

/** The lookup over a query level's range table and the database's statistics. */
export function statsLookup(store: StatsStore, rtable: readonly RangeTblEntry[], relRows: (t: Table) => number, estimate?: (e: Expr) => Value | undefined): VarLookup {
  const lookup: VarLookup = (rti, col) => {
    const rte = rtable[rti];
    // A VALUES list: its row count, no statistics (PostgreSQL's distinct estimate for a small
    // relation without statistics is its row count).
    if (rte?.kind === 'values') {
      const type = rte.colTypes[col];
      return type === undefined ? null : { stats: null, rows: rte.rows.length, type, unique: false };
    }
    if (rte === undefined || rte.kind !== 'relation') return null;
    const t = rte.table;
    const c = t.def.columns[col];
    if (c === undefined) return null;
    const st = store.peekTable(t);
    return {
      stats: st?.columns[col] ?? null,
      rows: relRows(t),
      type: c.type,
      unique: t.def.primaryKey.length === 1 && t.def.primaryKey[0] === col,
    };
  };
  if (estimate !== undefined) lookup.estimate = estimate;
  return lookup;
}

const clamp = (s: number): number => (s < 0 ? 0 : s > 1 ? 1 : s);

/** The column a qual side names (through order-preserving numeric casts), or null. */
function varOf(e: Expr, lookup: VarLookup): VarInfo | null {
  while (e.k === 'cast' && isNumeric(e.type) && isNumeric(e.from)) e = e.arg;
  if (e.k !== 'var' || e.levelsUp !== 0 || e.col < 0) return null;
  return lookup(e.rti, e.col);
}

/** A constant side's value, or its estimate now; `undefined` when it has none (a column). */
function constOf(e: Expr, lookup: VarLookup): Value | undefined {
  while (e.k === 'cast' && e.arg.k === 'const') e = e.arg;
  if (e.k === 'const') return e.value;
  return lookup.estimate?.(e);
}

/** get_variable_numdistinct: distinct non-null values of the column. */
function numDistinct(v: VarInfo): number {
  const s = v.stats;
  if (s !== null && s.nDistinct !== 0) {
    return Math.max(1, s.nDistinct > 0 ? s.nDistinct : Math.round(-s.nDistinct * v.rows));
  }
  if (v.type === 'bool') return 2;
  if (v.unique) return Math.max(1, v.rows);
  return v.rows < DEFAULT_NUM_DISTINCT ? Math.max(1, v.rows) : DEFAULT_NUM_DISTINCT;
}

function toNumber(x: Value): number | null {
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return Number(x);
  if (x instanceof Numeric) return numericToFloat8(x);
  return null;
}

/** Compares a statistics value with a constant: <0, 0, >0, or null when they do not compare. */
function compareValues(a: Value, b: Value, type: SqlType): number | null {
  const na = toNumber(a);
  const nb = toNumber(b);
  if (na !== null && nb !== null) return na < nb ? -1 : na > nb ? 1 : 0;
  if (na !== null || nb !== null) return null;
  if (typeof a !== typeof b) return null;
  try {
    return comparatorFor(type)(a, b);
  } catch {
    return null;
  }
}

/** var_eq_const: `col = c`. */
function eqConstSel(v: VarInfo, c: Value): number {
  if (c === null) return 0;
  const s = v.stats;
  // A unique column matches at most one row (PostgreSQL: vardata->isunique).
  if (v.unique) return 1 / Math.max(1, v.rows);
  if (s === null) return 1 / numDistinct(v);
  for (let i = 0; i < s.mcvVals.length; i++) {
    if (compareValues(s.mcvVals[i]!, c, v.type) === 0) return s.mcvFreqs[i]!;
  }
  let sumCommon = 0;
  for (const f of s.mcvFreqs) sumCommon += f;
  let sel = clamp(1 - sumCommon - s.nullFrac);
  const otherDistinct = numDistinct(v) - s.mcvFreqs.length;
  if (otherDistinct > 1) sel /= otherDistinct;
  if (s.mcvFreqs.length > 0 && sel > s.mcvFreqs[s.mcvFreqs.length - 1]!) sel = s.mcvFreqs[s.mcvFreqs.length - 1]!;
  return sel;
}

/** var_eq_non_const: `col = <parameter or other expression>`. */
function eqNonConstSel(v: VarInfo): number {
  const s = v.stats;
  if (v.unique) return 1 / Math.max(1, v.rows);
  let sel = 1 - (s?.nullFrac ?? 0);
  const nd = numDistinct(v);
  if (nd > 1) sel /= nd;
  if (s !== null && s.mcvFreqs.length > 0 && sel > s.mcvFreqs[0]!) sel = s.mcvFreqs[0]!;
  return sel;
}

function nullFrac(v: VarInfo | null): number {
  return v?.stats?.nullFrac ?? 0;
}

/**
 * scalarineqsel: `col < c` (`lt` with `eq` for <=) or `col > c` / `>=`: the MCVs that satisfy
 * it plus the histogram's fraction (interpolated inside the bin for numbers) of the rest.
 */
function ineqConstSel(v: VarInfo, c: Value, gt: boolean, eq: boolean): number {
  const s = v.stats;
  if (c === null) return 0;
  if (s === null || !s.scalar) return DEFAULT_INEQ_SEL;
  const holds = (x: Value): boolean | null => {
    const r = compareValues(x, c, v.type);
    if (r === null) return null;
    return gt ? (eq ? r >= 0 : r > 0) : eq ? r <= 0 : r < 0;
  };
  let mcvSel = 0;
  let sumCommon = 0;
  for (let i = 0; i < s.mcvVals.length; i++) {
    sumCommon += s.mcvFreqs[i]!;
    const h = holds(s.mcvVals[i]!);
    if (h === null) return DEFAULT_INEQ_SEL;
    if (h) mcvSel += s.mcvFreqs[i]!;
  }
  const histSel = histogramSel(s.histogram, c, v.type, gt, eq, () => {
    const other = numDistinct(v) - s.mcvVals.length;
    return other > 1 ? 1 / other : 0;
  });
  let sel = 1 - s.nullFrac - sumCommon;
  sel *= histSel >= 0 ? histSel : 0.5;
  return clamp(sel + mcvSel);
}

/** ineq_histogram_selectivity: the fraction of the histogram's population on the asked side of `c`, or -1. */
function histogramSel(hist: readonly Value[], c: Value, type: SqlType, gt: boolean, eq: boolean, eqSelOf: () => number): number {
  const n = hist.length;
  if (n < 2) return -1;
  // Binary search for the first bound for which the operator (lt: `<` or `<=`; gt: `>` or
  // `>=`) applied as hist[i] OP c fails (lt) / holds (gt).
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const probe = (lo + hi) >>> 1;
    const r = compareValues(hist[probe]!, c, type);
    if (r === null) return -1;
    let ltcmp = gt ? (eq ? r >= 0 : r > 0) : eq ? r <= 0 : r < 0;
    if (gt) ltcmp = !ltcmp;
    if (ltcmp) lo = probe + 1;
    else hi = probe;
  }
  let histFrac: number;
  if (lo <= 0) histFrac = 0;
  else if (lo >= n) histFrac = 1;
  else {
    const low = toNumber(hist[lo - 1]!);
    const high = toNumber(hist[lo]!);
    const val = toNumber(c);
    let binFrac = 0.5;
    if (low !== null && high !== null && val !== null) {
      if (high <= low) binFrac = 0.5;
      else if (val <= low) binFrac = 0;
      else if (val >= high) binFrac = 1;
      else binFrac = (val - low) / (high - low);
    }
    histFrac = (lo - 1 + binFrac) / (n - 1);
    // histFrac estimates `x <= c`. The first bin is narrower by one value's share (its first
    // bound is the leftmost value of its bucket), and `<` / `>=` exclude the value itself.
    const i = lo;
    const eqSel = i === 1 || gt === eq ? eqSelOf() : 0;
    if (i === 1) histFrac += eqSel * (1 - binFrac);
    if (gt === eq) histFrac -= eqSel;
  }
  let sel = gt ? 1 - histFrac : histFrac;
  // Never quite 0 or 1: the histogram's ends are sample values, not the true extremes.
  const cutoff = 0.01 / (n - 1);
  if (sel < cutoff) sel = cutoff;
  else if (sel > 1 - cutoff) sel = 1 - cutoff;
  return sel;
}

/** selfuncs.c: a pattern match with nothing known (DEFAULT_MATCH_SEL). */
const DEFAULT_MATCH_SEL = 0.005;
/** like_selectivity's per-character factors (selfuncs.c). */
const FIXED_CHAR_SEL = 0.2;
const ANY_CHAR_SEL = 0.9;
const FULL_WILDCARD_SEL = 5.0;

/** A LIKE pattern's fixed prefix (up to the first wildcard) and the rest; `exact` when it has none. */
function likePrefix(patt: string): { prefix: string; rest: string; exact: boolean } {
  let prefix = '';
  for (let i = 0; i < patt.length; i++) {
    const ch = patt[i]!;
    if (ch === '%' || ch === '_') return { prefix, rest: patt.slice(i), exact: false };
    if (ch === '\\') {
      i++;
      if (i >= patt.length) break;
      prefix += patt[i]!;
      continue;
    }
    prefix += ch;
  }
  return { prefix, rest: '', exact: true };
}

/** like_selectivity: the heuristic selectivity of the pattern after its fixed prefix. */
function restSelectivity(rest: string): number {
  let sel = 1;
  let pos = 0;
  while (pos < rest.length && (rest[pos] === '%' || rest[pos] === '_')) pos++;
  for (; pos < rest.length; pos++) {
    const ch = rest[pos]!;
    if (ch === '%') sel *= FULL_WILDCARD_SEL;
    else if (ch === '_') sel *= ANY_CHAR_SEL;
    else if (ch === '\\') {
      pos++;
      if (pos >= rest.length) break;
      sel *= FIXED_CHAR_SEL;
    } else sel *= FIXED_CHAR_SEL;
  }
  return Math.min(1, sel);
}

/**
 * patternsel for `col LIKE 'pattern'`: an exact pattern is `=`; otherwise the MCVs that
 * match count exactly, and the rest of the population is estimated from the histogram bounds
 * that match (with 100+ bounds), the prefix range times the rest's heuristic (fewer than 10),
 * or a blend of both.
 */
function likeSel(v: VarInfo, patt: string, matches: (x: Value) => boolean): number {
  const { prefix, rest, exact } = likePrefix(patt);
  if (exact) return eqConstSel(v, prefix);
  const s = v.stats;
  const hist = s?.histogram ?? [];
  let sel = -1;
  if (hist.length >= 10) sel = histogramFraction(hist, matches);
  if (hist.length < 100) {
    let prefixSel = 1;
    if (prefix !== '') {
      // prefix_selectivity: `col >= prefix AND col < prefix-with-last-char-incremented`, at
      // least what `col = prefix` would keep.
      const last = prefix.charCodeAt(prefix.length - 1);
      const upper = prefix.slice(0, -1) + String.fromCharCode(last + 1);
      prefixSel = ineqConstSel(v, prefix, true, true) + ineqConstSel(v, upper, false, false) - 1;
      prefixSel = Math.max(prefixSel, eqConstSel(v, prefix));
    }
    const heur = prefixSel * restSelectivity(rest);
    sel = sel < 0 ? heur : sel * (hist.length / 100) + heur * (1 - hist.length / 100);
  }
  sel = Math.min(0.9999, Math.max(0.0001, sel));
  return s === null ? sel : withMcvs(s, sel, matches);
}

/** histogram_selectivity with n_skip 1: the fraction of the histogram's inner bounds `matches` holds for. */
function histogramFraction(hist: readonly Value[], matches: (x: Value) => boolean): number {
  let n = 0;
  for (let i = 1; i < hist.length - 1; i++) if (matches(hist[i]!)) n++;
  return n / (hist.length - 2);
}

/**
 * `sel`, the estimate for the rows outside the most common values, combined with those values'
 * frequencies where `matches` holds (mcv_selectivity; the NULLs never match).
 */
function withMcvs(s: ColumnStats, sel: number, matches: (x: Value) => boolean): number {
  let mcvSel = 0;
  let sumCommon = 0;
  for (let i = 0; i < s.mcvVals.length; i++) {
    sumCommon += s.mcvFreqs[i]!;
    if (matches(s.mcvVals[i]!)) mcvSel += s.mcvFreqs[i]!;
  }
  return clamp(sel * (1 - s.nullFrac - sumCommon) + mcvSel);
}

const COMMUTE: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=', '<>': '<>' };

/** Selectivity of a binary comparison, or null when it is not `var op const/other`. */
function opSel(e: Extract<Expr, { k: 'op2' }>, lookup: VarLookup): number {
  let op = e.op;
  let l = e.l;
  let r = e.r;
  let v = varOf(l, lookup);
  if (v === null && COMMUTE[op] !== undefined) {
    const rv = varOf(r, lookup);
    if (rv !== null) {
      v = rv;
      [l, r] = [r, l];
      op = COMMUTE[op]!;
    }
  }
  const c = constOf(r, lookup);
  switch (op) {
    case '=':
      if (v === null) return DEFAULT_EQ_SEL;
      return c !== undefined ? eqConstSel(v, c) : eqNonConstSel(v);
    case '<>': {
      if (v === null) return 1 - DEFAULT_EQ_SEL;
      if (c === null) return 0;
      const eq = c !== undefined ? eqConstSel(v, c) : eqNonConstSel(v);
      return clamp(1 - eq - nullFrac(v));
    }
    case '<': case '<=': case '>': case '>=':
      if (v === null || c === undefined) return DEFAULT_INEQ_SEL;
      return ineqConstSel(v, c, op === '>' || op === '>=', op === '<=' || op === '>=');
    case '~~': case '!~~': {
      // LIKE / NOT LIKE with a constant pattern on a column (not commuted: the pattern is right).
      if (v === null || varOf(e.l, lookup) === null || typeof c !== 'string') return op === '~~' ? DEFAULT_MATCH_SEL : 1 - DEFAULT_MATCH_SEL;
      // The selectivity of LIKE itself (e.fn of NOT LIKE is the negation), then its complement.
      const s = likeSel(v, c, op === '~~' ? (x) => e.fn(x, c, UTC_ZONE) === true : (x) => e.fn(x, c, UTC_ZONE) === false);
      return op === '~~' ? s : clamp(1 - s - nullFrac(v));
    }
    case '~': case '!~': case '~*': case '!~*':
      // patternsel compiles a constant pattern matched against a column (regex_fixed_prefix),
      // so an invalid one fails the statement while it is planned, rows or not: 2201B.
      // (Any expression of the relation's columns on the left: examine_variable takes those too.)
      if (typeof c === 'string' && someNode(e.l, (x) => x.k === 'var')) e.fn('', c, UTC_ZONE);
      return DEFAULT_BOOL_SEL;
    case '@>': case '<@': case '&&':
      if (e.l.type.endsWith('[]') && e.r.type.endsWith('[]')) return arrayContSel(e, lookup);
      if (e.l.type === 'jsonb' && op !== '&&') return jsonbMatchSel(e, v, c);
      return DEFAULT_BOOL_SEL;
    case '?': case '?|': case '?&':
      if (e.l.type === 'jsonb') return jsonbMatchSel(e, v, c);
      return DEFAULT_BOOL_SEL;
    default:
      return DEFAULT_BOOL_SEL;
  }
}

/**
 * matchingsel, PostgreSQL's estimate of jsonb's `@>`, `<@`, `?`, `?|` and `?&` with a column on
 * the left and a constant on the right (generic_restriction_selectivity): the operator applied
 * to the most common values counts their frequencies exactly; the rest of the rows take the
 * fraction of the histogram's values it holds for (with 10 or more of them, blended with the
 * default below 100) or DEFAULT_MATCHING_SEL. Without statistics, DEFAULT_MATCHING_SEL.
 */
function jsonbMatchSel(e: Extract<Expr, { k: 'op2' }>, v: VarInfo | null, c: Value | undefined): number {
  if (c === null) return 0;
  if (v === null || c === undefined) return DEFAULT_MATCHING_SEL;
  const s = v.stats;
  if (s === null) return DEFAULT_MATCHING_SEL;
  const matches = (x: Value): boolean => e.fn(x, c, UTC_ZONE) === true;
  const hist = s.histogram ?? [];
  let sel = DEFAULT_MATCHING_SEL;
  if (hist.length >= 10) {
    sel = histogramFraction(hist, matches);
    if (hist.length < 100) sel = sel * (hist.length / 100) + DEFAULT_MATCHING_SEL * (1 - hist.length / 100);
  }
  return withMcvs(s, Math.min(0.9999, Math.max(0.0001, sel)), matches);
}

/** A plain column of this query level (PostgreSQL's get_restriction_variable, without casts). */
function isColumn(e: Expr): boolean {
  return e.k === 'var' && e.levelsUp === 0;
}

/**
 * arraycontsel (array_selfuncs.c) for `col @> const`, `col <@ const`, `col && const` and their
 * commuted forms, as PostgreSQL estimates them when the column has no element statistics
 * (vecgres' ANALYZE keeps no most_common_elems): each distinct non-NULL element of the
 * constant is taken to occur in DEFAULT_CONTAIN_SEL of the rows, independently, so `@>` is
 * the product of their frequencies (0 when the constant holds a NULL) and `&&` the chance
 * that one of them occurs; `<@` is DEFAULT_CONTAIN_SEL. Without a column and a constant:
 * DEFAULT_CONTAIN_SEL, or DEFAULT_OVERLAP_SEL for `&&`.
 */
function arrayContSel(e: Extract<Expr, { k: 'op2' }>, lookup: VarLookup): number {
  let op = e.op;
  let other = e.r;
  if (!isColumn(e.l)) {
    if (!isColumn(e.r)) return op === '&&' ? DEFAULT_OVERLAP_SEL : DEFAULT_CONTAIN_SEL;
    other = e.l;
    op = op === '@>' ? '<@' : op === '<@' ? '@>' : op;
  }
  const c = constOf(other, lookup);
  if (c === null) return 0;
  if (!(c instanceof PgArray)) return op === '&&' ? DEFAULT_OVERLAP_SEL : DEFAULT_CONTAIN_SEL;
  if (op === '<@') return DEFAULT_CONTAIN_SEL;
  if (op === '@>' && c.elems.includes(null)) return 0;
  const distinct = new Set(c.elems.filter((x) => x !== null).map((x) => (typeof x === 'object' ? String(x) : x)));
  const k = distinct.size;
  return clamp(op === '@>' ? DEFAULT_CONTAIN_SEL ** k : 1 - (1 - DEFAULT_CONTAIN_SEL) ** k);
}

/**
 * scalararraysel for `col IN (list)` (`= ANY`): the elements' equality selectivities summed
 * (distinct elements are disjoint events); `NOT IN` (`<> ALL`): 1 + the sum of each `<>`
 * selectivity minus 1.
 */
function inSel(e: Extract<Expr, { k: 'in' }>, lookup: VarLookup): number {
  const v = varOf(e.arg, lookup);
  let s = e.negate ? 1 : 0;
  for (const item of e.list) {
    let eq: number;
    if (v === null) eq = DEFAULT_EQ_SEL;
    else {
      const c = constOf(item, lookup);
      eq = c !== undefined ? eqConstSel(v, c) : eqNonConstSel(v);
    }
    if (e.negate) s += clamp(1 - eq - nullFrac(v)) - 1;
    else s += eq;
  }
  return clamp(s);
}

/** A bound of a range pair (clausesel.c addRangeClause): `var` >/>= or </<= something. */
function rangeSide(e: Expr, lookup: VarLookup): { key: string; gt: boolean } | null {
  if (e.k !== 'op2' || !(e.op in COMMUTE) || e.op === '=' || e.op === '<>') return null;
  const lv = e.l.k === 'var' ? e.l : null;
  const rv = e.r.k === 'var' ? e.r : null;
  const v = lv ?? rv;
  if (v === null || (lv !== null && rv !== null) || v.levelsUp !== 0) return null;
  void lookup;
  const op = lv !== null ? e.op : COMMUTE[e.op]!;
  return { key: `${v.rti}:${v.col}`, gt: op === '>' || op === '>=' };
}

/**
 * clauselist_selectivity over AND-ed quals: the product of their selectivities, except that a
 * lower and an upper bound on the same column (`x > a AND x < b`, BETWEEN) are combined as
 * `hi + lo - 1` (the overlap of the two ranges), not multiplied as independent.
 */
export function andSelectivity(quals: readonly Expr[], lookup: VarLookup = NO_STATS): number {
  let sel = 1;
  const ranges = new Map<string, { lo: number | null; hi: number | null; v: VarInfo | null }>();
  for (const q of quals) {
    const side = rangeSide(q, lookup);
    if (side === null) {
      sel *= clauseSelectivity(q, lookup);
      continue;
    }
    const s = clauseSelectivity(q, lookup);
    let r = ranges.get(side.key);
    if (r === undefined) {
      const [rti, col] = side.key.split(':').map(Number);
      r = { lo: null, hi: null, v: lookup(rti!, col!) };
      ranges.set(side.key, r);
    }
    if (side.gt) r.lo = r.lo === null ? s : Math.min(r.lo, s);
    else r.hi = r.hi === null ? s : Math.min(r.hi, s);
  }
  for (const r of ranges.values()) {
    if (r.lo === null || r.hi === null) {
      sel *= r.lo ?? r.hi!;
      continue;
    }
    if (r.lo === DEFAULT_INEQ_SEL && r.hi === DEFAULT_INEQ_SEL) {
      sel *= DEFAULT_RANGE_INEQ_SEL;
      continue;
    }
    // Both selectivities exclude NULLs, so their sum counts them -1 times: add them back.
    let s2 = r.hi + r.lo - 1 + nullFrac(r.v);
    if (s2 <= 0) s2 = s2 < -0.01 ? DEFAULT_RANGE_INEQ_SEL : 1e-10;
    sel *= s2;
  }
  return sel;
}

/** Operators and their negators (pg_operator.oprnegate). */
const NEGATOR: Record<string, string> = { '=': '<>', '<>': '=', '<': '>=', '>=': '<', '>': '<=', '<=': '>' };

/**
 * `NOT arg` as PostgreSQL's planner sees it after negate_clause: the negator of a comparison,
 * NOT IN for IN, IS NOT NULL for IS NULL, De Morgan through AND and OR; else 1 - s.
 */
function notSelectivity(arg: Expr, lookup: VarLookup): number {
  switch (arg.k) {
    case 'op2': {
      const neg = NEGATOR[arg.op];
      if (neg !== undefined) return clamp(opSel({ ...arg, op: neg }, lookup));
      break;
    }
    case 'in':
      return inSel({ ...arg, negate: !arg.negate }, lookup);
    case 'isnull':
      return clauseSelectivity({ ...arg, negate: !arg.negate }, lookup);
    case 'not':
      return clauseSelectivity(arg.arg, lookup);
    case 'and':
      return clauseSelectivity({ k: 'or', type: 'bool', args: arg.args.map((a) => ({ k: 'not', type: 'bool', arg: a }) as Expr) }, lookup);
    case 'or':
      return clauseSelectivity({ k: 'and', type: 'bool', args: arg.args.map((a) => ({ k: 'not', type: 'bool', arg: a }) as Expr) }, lookup);
    default:
      break;
  }
  return clamp(1 - clauseSelectivity(arg, lookup));
}

/**
 * The selectivity of one boolean qual over the relations of the current query level
 * (clause_selectivity): a fraction in [0, 1].
 */
export function clauseSelectivity(e: Expr, lookup: VarLookup = NO_STATS): number {
  switch (e.k) {
    case 'and':
      return andSelectivity(e.args, lookup);
    case 'or': {
      // Independent events: s1 + s2 - s1 * s2.
      let s = 0;
      for (const a of e.args) {
        const s2 = clauseSelectivity(a, lookup);
        s = s + s2 - s * s2;
      }
      return clamp(s);
    }
    case 'not':
      return notSelectivity(e.arg, lookup);
    case 'op2':
      return clamp(opSel(e, lookup));
    case 'isnull': {
      const v = varOf(e.arg, lookup);
      if (v === null || v.stats === null) return e.negate ? DEFAULT_NOT_UNK_SEL : DEFAULT_UNK_SEL;
      return e.negate ? 1 - v.stats.nullFrac : v.stats.nullFrac;
    }
    case 'in':
      return inSel(e, lookup);
    case 'const':
      return e.value === true ? 1 : 0;
    case 'var': {
      // boolvarsel: a boolean column as a qual is `col = true`.
      const v = varOf(e, lookup);
      if (v === null || v.stats === null) return DEFAULT_BOOL_SEL;
      return eqConstSel(v, true);
    }
    case 'fn':
      return 1 / 3;
    default:
      return DEFAULT_BOOL_SEL;
  }
}

/**
 * eqjoinsel_inner without MCV lists: the selectivity of the join clause `l = r` over the cross
 * product of its two sides, (1 - nullfrac(l)) * (1 - nullfrac(r)) / max(nd(l), nd(r)), where nd
 * is a column's distinct count (get_variable_numdistinct: a relation's row count when it is
 * small and has no statistics) and DEFAULT_NUM_DISTINCT (200) for a side that is not a column.
 */
export function eqJoinSelectivity(l: Expr, r: Expr, lookup: VarLookup): number {
  const side = (e: Expr): { nd: number; nullFrac: number } => {
    const v = varOf(e, lookup);
    return v === null ? { nd: DEFAULT_NUM_DISTINCT, nullFrac: 0 } : { nd: numDistinct(v), nullFrac: v.stats?.nullFrac ?? 0 };
  };
  const a = side(l);
  const b = side(r);
  return clamp(((1 - a.nullFrac) * (1 - b.nullFrac)) / Math.max(1, a.nd, b.nd));
}

/**
 * What a hash join's costing needs of a key column read from a relation that returns `rows`
 * rows (after its restrictions): the distinct values among those rows (estimate_num_groups for
 * one column: the column's distinct count, reduced for a restricted relation by PostgreSQL's
 * formula `d * (1 - ((n - rows) / n) ^ (n / d))`, at most `rows`) and the frequency of its most
 * common value among the non-NULL rows (0 without statistics). Null when `e` is not a column
 * of the level.
 */
export function keyDistinct(e: Expr, lookup: VarLookup, rows: number): { nDistinct: number; mcvFreq: number } | null {
  const v = varOf(e, lookup);
  if (v === null) return null;
  let d = numDistinct(v);
  const n = v.rows;
  if (n > 0 && rows < n && d > 0) d *= 1 - Math.pow((n - rows) / n, n / d);
  d = Math.max(1, Math.min(Math.round(d), Math.max(1, Math.round(rows))));
  const nf = v.stats?.nullFrac ?? 0;
  // Among non-NULL rows (NULL keys are never hashed): estimate_hash_bucket_stats' skew ratio.
  const mcv = v.stats !== null && v.stats.mcvFreqs.length > 0 && nf < 1 ? v.stats.mcvFreqs[0]! / (1 - nf) : 0;
  return { nDistinct: d, mcvFreq: mcv };
}
